//! Validation of settings updates, with PatchMon's messages. Keys are accepted in snake_case or
//! camelCase.

use serde_json::{Map, Value};

use super::store::{build_server_url, SettingsRow};

fn pick<'a>(body: &'a Map<String, Value>, snake: &str, camel: &str) -> Option<&'a Value> {
    body.get(snake).or_else(|| body.get(camel))
}

const KNOWN: &[(&str, &str)] = &[
    ("server_url", "serverUrl"),
    ("server_protocol", "serverProtocol"),
    ("server_host", "serverHost"),
    ("server_port", "serverPort"),
    ("update_interval", "updateInterval"),
    ("auto_update", "autoUpdate"),
    ("default_compliance_mode", "defaultComplianceMode"),
    ("compliance_scan_interval", "complianceScanInterval"),
    ("package_cache_refresh_mode", "packageCacheRefreshMode"),
    ("package_cache_refresh_max_age", "packageCacheRefreshMaxAge"),
    ("signup_enabled", "signupEnabled"),
    ("default_user_role", "defaultUserRole"),
    ("ignore_ssl_self_signed", "ignoreSslSelfSigned"),
    ("show_github_version_on_login", "showGithubVersionOnLogin"),
    ("alerts_enabled", "alertsEnabled"),
    ("metrics_enabled", "metricsEnabled"),
    ("timezone", "timezone"),
];

fn as_bool(value: &Value, key: &str) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("{key} must be true or false"))
}

fn as_int(value: &Value, key: &str) -> Result<i64, String> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("{key} must be a whole number"))
}

fn as_str<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    value
        .as_str()
        .map(str::trim)
        .ok_or_else(|| format!("{key} must be a string"))
}

/// Checks a server URL the way PatchMon does.
pub fn check_server_url(url: &str) -> Result<(), String> {
    if url.len() > 2048 {
        return Err("server URL is too long".into());
    }
    if !url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._:/[]-".contains(c))
    {
        return Err("server URL contains disallowed characters".into());
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("server URL is not a valid URL")?;
    if scheme != "http" && scheme != "https" {
        return Err("server URL must use http or https".into());
    }
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, _)) if !h.ends_with(']') && h.contains(':') => (authority, None),
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if host.is_empty() {
        return Err("server URL must include a host".into());
    }
    if let Some(port) = port {
        match port.parse::<u32>() {
            Ok(p) if (1..=65535).contains(&p) => {}
            _ => return Err("server URL port must be between 1 and 65535".into()),
        }
    }
    Ok(())
}

/// Applies the recognised keys of `body` to `row`; returns the names of the changed keys.
pub fn apply(row: &mut SettingsRow, body: &Map<String, Value>) -> Result<Vec<String>, String> {
    for key in body.keys() {
        if !KNOWN.iter().any(|(s, c)| s == key || c == key) {
            return Err(format!("Unknown setting: {key}"));
        }
    }
    let mut changed = Vec::new();
    let mut address_changed = false;
    if let Some(v) = pick(body, "server_protocol", "serverProtocol") {
        let p = as_str(v, "server_protocol")?;
        if p != "http" && p != "https" {
            return Err("server protocol must be http or https".into());
        }
        row.server_protocol = p.to_string();
        address_changed = true;
    }
    if let Some(v) = pick(body, "server_host", "serverHost") {
        let h = as_str(v, "server_host")?;
        if h.is_empty()
            || h.len() > 253
            || !h
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._:[]-".contains(c))
        {
            return Err("server host is not a valid hostname".into());
        }
        row.server_host = h.to_string();
        address_changed = true;
    }
    if let Some(v) = pick(body, "server_port", "serverPort") {
        let p = as_int(v, "server_port")
            .map_err(|_| "server port must be between 1 and 65535".to_string())?;
        if !(1..=65535).contains(&p) {
            return Err("server port must be between 1 and 65535".into());
        }
        row.server_port = p;
        address_changed = true;
    }
    if let Some(v) = pick(body, "server_url", "serverUrl") {
        let url = as_str(v, "server_url")?.trim_end_matches('/');
        check_server_url(url)?;
        row.server_url = url.to_string();
        changed.push("server_url".into());
    } else if address_changed {
        let url = build_server_url(&row.server_protocol, &row.server_host, row.server_port);
        check_server_url(&url)?;
        row.server_url = url;
        changed.push("server_url".into());
    }
    if let Some(v) = pick(body, "update_interval", "updateInterval") {
        let minutes = as_int(v, "update_interval")?;
        if !(1..=1440).contains(&minutes) {
            return Err("update_interval must be between 1 and 1440 minutes".into());
        }
        row.update_interval = minutes;
        changed.push("update_interval".into());
    }
    let bools: [(&str, &str, &mut bool); 6] = [
        ("auto_update", "autoUpdate", &mut row.auto_update),
        ("signup_enabled", "signupEnabled", &mut row.signup_enabled),
        (
            "ignore_ssl_self_signed",
            "ignoreSslSelfSigned",
            &mut row.ignore_ssl_self_signed,
        ),
        (
            "show_github_version_on_login",
            "showGithubVersionOnLogin",
            &mut row.show_github_version_on_login,
        ),
        ("alerts_enabled", "alertsEnabled", &mut row.alerts_enabled),
        (
            "metrics_enabled",
            "metricsEnabled",
            &mut row.metrics_enabled,
        ),
    ];
    for (snake, camel, field) in bools {
        if let Some(v) = pick(body, snake, camel) {
            *field = as_bool(v, snake)?;
            changed.push(snake.into());
        }
    }
    if let Some(v) = pick(body, "default_compliance_mode", "defaultComplianceMode") {
        let mode = as_str(v, "default_compliance_mode")?;
        if !matches!(mode, "disabled" | "on-demand" | "enabled") {
            return Err(
                "default_compliance_mode must be one of: disabled, on-demand, enabled".into(),
            );
        }
        row.default_compliance_mode = mode.to_string();
        changed.push("default_compliance_mode".into());
    }
    if let Some(v) = pick(body, "compliance_scan_interval", "complianceScanInterval") {
        let minutes = as_int(v, "compliance_scan_interval")?;
        if !(60..=10080).contains(&minutes) {
            return Err("compliance_scan_interval must be between 60 and 10080 minutes".into());
        }
        row.compliance_scan_interval = minutes;
        changed.push("compliance_scan_interval".into());
    }
    if let Some(v) = pick(
        body,
        "package_cache_refresh_mode",
        "packageCacheRefreshMode",
    ) {
        let mode = as_str(v, "package_cache_refresh_mode")?;
        if !matches!(mode, "always" | "if_stale" | "never") {
            return Err(
                "package_cache_refresh_mode must be one of: always, if_stale, never".into(),
            );
        }
        row.package_cache_refresh_mode = mode.to_string();
        changed.push("package_cache_refresh_mode".into());
    }
    if let Some(v) = pick(
        body,
        "package_cache_refresh_max_age",
        "packageCacheRefreshMaxAge",
    ) {
        let minutes = as_int(v, "package_cache_refresh_max_age")?;
        if !(1..=1440).contains(&minutes) {
            return Err("package_cache_refresh_max_age must be between 1 and 1440 minutes".into());
        }
        row.package_cache_refresh_max_age = minutes;
        changed.push("package_cache_refresh_max_age".into());
    }
    if let Some(v) = pick(body, "default_user_role", "defaultUserRole") {
        let role = as_str(v, "default_user_role")?;
        if role.is_empty() {
            return Err("default_user_role must name a role".into());
        }
        row.default_user_role = role.to_string();
        changed.push("default_user_role".into());
    }
    if let Some(v) = body.get("timezone") {
        let tz = as_str(v, "timezone")?;
        if tz.len() > 64
            || !tz
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
        {
            return Err("timezone must be an IANA name such as Europe/London".into());
        }
        row.timezone = Some(tz.to_string()).filter(|t| !t.is_empty());
        changed.push("timezone".into());
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        assert!(check_server_url("https://patchmon.example.com").is_ok());
        assert!(check_server_url("http://10.0.0.5:3000").is_ok());
        assert!(check_server_url("http://[::1]:3000").is_ok());
        assert_eq!(
            check_server_url("ftp://x").unwrap_err(),
            "server URL must use http or https"
        );
        assert_eq!(
            check_server_url("http://x:70000").unwrap_err(),
            "server URL port must be between 1 and 65535"
        );
        assert_eq!(
            check_server_url("http://x y").unwrap_err(),
            "server URL contains disallowed characters"
        );
        assert_eq!(
            check_server_url("nonsense").unwrap_err(),
            "server URL is not a valid URL"
        );
        assert_eq!(
            check_server_url("http://").unwrap_err(),
            "server URL must include a host"
        );
    }
}
