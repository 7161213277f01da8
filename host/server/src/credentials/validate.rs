//! Field rules for credential bodies, with PatchMon's messages.
//!
//! Format errors answer in express-validator's shape `{"errors":[{msg, param, location}]}` that
//! PatchMon documents, plus the usual `error` string (clients read `.error` from every failure).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde_json::{json, Map, Value};

use super::ip::IpRange;
use super::CredentialType;
use crate::http::{Error, Result};

/// A 400 naming the offending body field.
pub fn invalid(param: &str, msg: &str) -> Error {
    Error::bad_request(msg).with(
        "errors",
        json!([{"msg": msg, "param": param, "location": "body"}]),
    )
}

pub const MAX_NAME: usize = 255;
pub const DEFAULT_MAX_HOSTS: i64 = 100;

pub fn token_name(value: &Value, msg: &str) -> Result<String> {
    let name = value.as_str().map(str::trim).unwrap_or_default();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(invalid("token_name", msg));
    }
    Ok(name.to_string())
}

pub fn max_hosts_per_day(value: &Value) -> Result<i64> {
    value
        .as_i64()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| {
            invalid(
                "max_hosts_per_day",
                "Max hosts per day must be between 1 and 1000",
            )
        })
}

/// Exact addresses or CIDR blocks; blank entries are dropped, malformed ones refused (PatchMon
/// keeps them and they silently never match, which locks a credential out without a word).
pub fn ip_ranges(value: &Value) -> Result<Vec<String>> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let items = value
        .as_array()
        .ok_or_else(|| invalid("allowed_ip_ranges", "Allowed IP ranges must be an array"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text = item.as_str().map(str::trim).ok_or_else(|| {
            invalid(
                "allowed_ip_ranges",
                "Allowed IP ranges must be an array of strings",
            )
        })?;
        if text.is_empty() {
            continue;
        }
        if IpRange::parse(text).is_none() {
            return Err(invalid(
                "allowed_ip_ranges",
                &format!("Invalid IP address or CIDR range: {text}"),
            ));
        }
        out.push(text.to_string());
    }
    Ok(out)
}

/// RFC 3339, or the forms a date picker sends (`2026-12-31T23:59`, `2026-12-31T23:59:59`,
/// `2027-01-01`), read as UTC.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

/// `null` or `""` means no expiry.
pub fn expires_at(value: &Value) -> Result<Option<DateTime<Utc>>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse_time(s)
            .map(|at| Some(at.trunc_subsecs(6)))
            .ok_or_else(|| invalid("expires_at", "Invalid date format")),
        _ => Err(invalid("expires_at", "Invalid date format")),
    }
}

/// The actions each scope resource knows. Scopes are explicit: nothing implies anything else.
pub const SCOPE_ACTIONS: &[(&str, &[&str])] =
    &[("host", &["get", "put", "patch", "update", "delete"])];

/// `{resource: [action, ...]}` with known resources and actions, at least one action in all.
/// Returns the scopes normalised (duplicates removed, empty resources dropped).
pub fn scopes(value: &Value) -> Result<Value> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid("scopes", "Scopes must be an object"))?;
    let mut out = Map::new();
    for (resource, actions) in object {
        let actions = actions.as_array().ok_or_else(|| {
            Error::bad_request(format!(
                "Scopes for resource \"{resource}\" must be an array of actions"
            ))
        })?;
        let known = SCOPE_ACTIONS
            .iter()
            .find(|(r, _)| r == resource)
            .map(|(_, a)| *a)
            .ok_or_else(|| Error::bad_request(format!("Unknown scope resource \"{resource}\"")))?;
        let mut kept: Vec<&str> = Vec::new();
        for action in actions {
            let action = action
                .as_str()
                .ok_or_else(|| Error::bad_request("All actions in scopes must be strings"))?;
            if !known.contains(&action) {
                return Err(Error::bad_request(format!(
                    "Unknown action \"{action}\" for resource \"{resource}\""
                )));
            }
            if !kept.contains(&action) {
                kept.push(action);
            }
        }
        if !kept.is_empty() {
            out.insert(resource.clone(), json!(kept));
        }
    }
    if out.is_empty() {
        return Err(invalid(
            "scopes",
            "At least one scope is required for API credentials",
        ));
    }
    Ok(Value::Object(out))
}

/// True for `null`, `{}` and objects whose every action list is empty: "no scopes".
pub fn scopes_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map
            .values()
            .all(|v| v.as_array().is_some_and(Vec::is_empty)),
        _ => false,
    }
}

/// The stored metadata: the body's object with `integration_type` filled in (`proxmox-lxc`
/// when absent, as PatchMon does), and the type it names.
pub fn metadata(value: Option<&Value>) -> Result<(Value, CredentialType)> {
    let mut object = match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(invalid("metadata", "Metadata must be an object")),
    };
    let kind = match object.get("integration_type") {
        None | Some(Value::Null) => CredentialType::ProxmoxLxc,
        Some(Value::String(s)) => CredentialType::parse(s).ok_or_else(|| {
            invalid(
                "metadata.integration_type",
                &format!(
                    "Invalid integration type: {s}. Supported types: {}",
                    CredentialType::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?,
        Some(_) => {
            return Err(invalid(
                "metadata.integration_type",
                "Integration type must be a string",
            ))
        }
    };
    object.insert("integration_type".into(), json!(kind.as_str()));
    Ok((Value::Object(object), kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_clients_send() {
        let expect = |s: &str, iso: &str| {
            assert_eq!(parse_time(s).unwrap().to_rfc3339(), iso, "{s}");
        };
        expect("2026-12-31T23:59:59Z", "2026-12-31T23:59:59+00:00");
        expect("2026-12-31T23:59:59+02:00", "2026-12-31T21:59:59+00:00");
        expect("2026-12-31T23:59", "2026-12-31T23:59:00+00:00");
        expect("2027-01-01", "2027-01-01T00:00:00+00:00");
        assert!(parse_time("next tuesday").is_none());
        assert!(expires_at(&json!(42)).is_err());
        assert_eq!(expires_at(&json!("")).unwrap(), None);
    }

    #[test]
    fn scopes_are_explicit_known_and_non_empty() {
        assert_eq!(
            scopes(&json!({"host": ["get", "get", "delete"]})).unwrap(),
            json!({"host": ["get", "delete"]})
        );
        let message = |v: Value| match scopes(&v).unwrap_err() {
            Error::Client { message, .. } => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(message(json!([])), "Scopes must be an object");
        assert_eq!(
            message(json!({"host": "get"})),
            "Scopes for resource \"host\" must be an array of actions"
        );
        assert_eq!(
            message(json!({"host": [1]})),
            "All actions in scopes must be strings"
        );
        assert_eq!(
            message(json!({"host": []})),
            "At least one scope is required for API credentials"
        );
        assert_eq!(
            message(json!({"host": ["admin"]})),
            "Unknown action \"admin\" for resource \"host\""
        );
        assert!(scopes_empty(&json!({"host": []})));
        assert!(!scopes_empty(&json!({"host": ["get"]})));
    }

    #[test]
    fn metadata_defaults_to_proxmox() {
        let (meta, kind) = metadata(Some(&json!({"environment": "prod"}))).unwrap();
        assert_eq!(kind, CredentialType::ProxmoxLxc);
        assert_eq!(
            meta,
            json!({"environment": "prod", "integration_type": "proxmox-lxc"})
        );
        assert!(metadata(Some(&json!({"integration_type": "ftp"}))).is_err());
        assert!(metadata(Some(&json!("x"))).is_err());
    }
}
