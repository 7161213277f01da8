//! `GET /auto-enrollment/script`: the enrollment scripts with the server URL and credential
//! filled in, so `curl ... | bash` on a Proxmox node is the whole setup. The server checks the
//! credential; the first-party `integration-enrollment` plugin renders the script.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use patchmon_runtime::types::HttpExchange;
use serde::Deserialize;

use super::auth::{self, KEY_HEADER, SECRET_HEADER};
use crate::app::AppState;
use crate::credentials::ip;
use crate::http::{ClientIp, Error, Result, StoreContext};
use crate::plugins::integrations;

/// Script types, served by the first-party `integration-enrollment` plugin at `/<type>`.
const SCRIPT_TYPES: &[&str] = &["proxmox-lxc", "direct-host"];

#[derive(Deserialize)]
pub struct ScriptQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    token_key: Option<String>,
    token_secret: Option<String>,
    force: Option<String>,
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
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
    if !SCRIPT_TYPES.contains(&kind) {
        return Err(Error::bad_request(format!(
            "Invalid script type: {kind}. Supported types: proxmox-lxc, direct-host"
        )));
    }
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
    let request = HttpExchange {
        method: "GET".into(),
        path: format!("/{kind}"),
        headers: vec![
            ("x-patchmon-server-url".into(), server_url),
            ("x-patchmon-token-key".into(), key.to_string()),
            ("x-patchmon-token-secret".into(), secret.to_string()),
            ("x-patchmon-curl-insecure".into(), insecure.to_string()),
            ("x-patchmon-force".into(), force.to_string()),
        ],
        ..HttpExchange::default()
    };
    let mut response = integrations::forward(
        &state,
        integrations::ENROLLMENT,
        "enrollment scripts",
        request,
        "Failed to serve enrollment script",
    )
    .await?;
    // The script embeds the credential: never cached on the way.
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, must-revalidate"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}
