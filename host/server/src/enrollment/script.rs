//! `GET /auto-enrollment/script`: the enrollment scripts with the server URL and credential
//! filled in, so `curl ... | bash` on a Proxmox node is the whole setup.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::{self, KEY_HEADER, SECRET_HEADER};
use crate::app::AppState;
use crate::credentials::ip;
use crate::http::{ClientIp, Error, Result, StoreContext};

const PROXMOX_LXC: &str = include_str!("scripts/proxmox_lxc.sh");
const DIRECT_HOST: &str = include_str!("scripts/direct_host.sh");

/// (type, shebang, file name, body).
const SCRIPTS: &[(&str, &str, &str, &str)] = &[
    (
        "proxmox-lxc",
        "#!/bin/bash",
        "proxmox_auto_enroll.sh",
        PROXMOX_LXC,
    ),
    (
        "direct-host",
        "#!/bin/sh",
        "direct_host_auto_enroll.sh",
        DIRECT_HOST,
    ),
];

#[derive(Deserialize)]
pub struct ScriptQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    token_key: Option<String>,
    token_secret: Option<String>,
    force: Option<String>,
}

/// Single-quoted for sh: injected values never reach the shell as code.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The served text: a header exporting the configuration, then the script without its own
/// shebang. The credential and URL are fixed; the knobs keep any value the environment gives.
pub fn render(
    shebang: &str,
    body: &str,
    server_url: &str,
    key: &str,
    secret: &str,
    insecure: bool,
    force: bool,
) -> String {
    let body = body.replace("\r\n", "\n");
    let body = match body.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => rest.to_string(),
        _ => body,
    };
    let curl_flags = if insecure { "-sk" } else { "-s" };
    let force_line = if force {
        "export FORCE_INSTALL=\"true\"".to_string()
    } else {
        "export FORCE_INSTALL=\"${FORCE_INSTALL:-false}\"".to_string()
    };
    format!(
        "{shebang}\n# PatchMon Auto-Enrollment Configuration (Auto-generated)\n\
         export PATCHMON_URL={}\nexport AUTO_ENROLLMENT_KEY={}\nexport AUTO_ENROLLMENT_SECRET={}\n\
         export CURL_FLAGS=\"${{CURL_FLAGS:-{curl_flags}}}\"\n{force_line}\n\n{body}",
        sh_quote(server_url),
        sh_quote(key),
        sh_quote(secret),
    )
}

/// Credentials come from the query string (PatchMon's way, kept for compatibility) or from the
/// enrollment headers, which stay out of access logs.
pub async fn script(
    State(state): State<AppState>,
    headers: HeaderMap,
    client_ip: ClientIp,
    Query(q): Query<ScriptQuery>,
) -> Result<Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let key = given(q.token_key.as_deref()).or_else(|| given(header(KEY_HEADER)));
    let secret = given(q.token_secret.as_deref()).or_else(|| given(header(SECRET_HEADER)));
    let (Some(key), Some(secret)) = (key, secret) else {
        return Err(Error::unauthorized(
            "Token key and secret required as query parameters",
        ));
    };
    let kind = given(q.kind.as_deref()).ok_or_else(|| {
        Error::bad_request(
            "Script type required as query parameter (e.g., ?type=proxmox-lxc or ?type=direct-host)",
        )
    })?;
    let (_, shebang, file, body) =
        SCRIPTS
            .iter()
            .find(|(name, ..)| *name == kind)
            .ok_or_else(|| {
                Error::bad_request(format!(
                    "Invalid script type: {kind}. Supported types: proxmox-lxc, direct-host"
                ))
            })?;
    let token = auth::verify(&state, key, secret).await?;
    // PatchMon serves the script from anywhere; the allow-list is the credential's, so it
    // applies to everything the credential does.
    if !ip::allows(&token.allowed_ip_ranges.0, client_ip.0) {
        return Err(Error::forbidden("IP address not authorized for this token"));
    }
    let server_url = crate::settings::server_url(&state).await?;
    let insecure = state
        .settings
        .get()
        .await
        .ctx("Failed to serve enrollment script")?
        .row
        .ignore_ssl_self_signed;
    let force = matches!(q.force.as_deref(), Some("true" | "1"));
    let text = render(shebang, body, &server_url, key, secret, insecure, force);
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{file}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache, must-revalidate"),
            ),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_quotes_values_and_drops_the_template_shebang() {
        let text = render(
            "#!/bin/bash",
            "#!/bin/bash\r\necho hi\r\n",
            "https://pm.example/it's",
            "patchmon_ae_k",
            "s3cret",
            true,
            false,
        );
        assert_eq!(
            text,
            "#!/bin/bash\n# PatchMon Auto-Enrollment Configuration (Auto-generated)\n\
             export PATCHMON_URL='https://pm.example/it'\\''s'\nexport AUTO_ENROLLMENT_KEY='patchmon_ae_k'\n\
             export AUTO_ENROLLMENT_SECRET='s3cret'\nexport CURL_FLAGS=\"${CURL_FLAGS:--sk}\"\n\
             export FORCE_INSTALL=\"${FORCE_INSTALL:-false}\"\n\necho hi\n"
        );
        let forced = render("#!/bin/sh", "echo hi\n", "u", "k", "s", false, true);
        assert!(forced
            .contains("export CURL_FLAGS=\"${CURL_FLAGS:--s}\"\nexport FORCE_INSTALL=\"true\"\n"));
    }

    /// Served scripts, header included, are shellcheck-clean (skipped where shellcheck is not
    /// installed; `apt-get install shellcheck`).
    #[test]
    fn served_scripts_pass_shellcheck() {
        let Ok(version) = std::process::Command::new("shellcheck")
            .arg("--version")
            .output()
        else {
            eprintln!("SKIPPED: shellcheck is not installed");
            return;
        };
        assert!(version.status.success());
        for (kind, shebang, _, body) in SCRIPTS {
            let text = render(
                shebang,
                body,
                "https://pm.example",
                "patchmon_ae_0",
                "1",
                false,
                false,
            );
            let path = std::env::temp_dir().join(format!("pm-shellcheck-{kind}.sh"));
            std::fs::write(&path, text).unwrap();
            let output = std::process::Command::new("shellcheck")
                .arg(&path)
                .output()
                .unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(
                output.status.success(),
                "{kind}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
}
