//! The one-line installer (`GET /hosts/install`), the bootstrap-token exchange it performs and
//! the removal script (`GET /hosts/remove`).
//!
//! The installer never contains the API key: it carries a one-time bootstrap token (64 hex,
//! 5 minutes, stored encrypted in the ephemeral store) that the script swaps for credentials.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::agent_binary::Os;
use super::auth::AgentHost;
use crate::app::AppState;
use crate::crypto::random_hex;
use crate::http::{Error, Result, StoreContext};

const INSTALL_BODY: &str = include_str!("scripts/install.sh");
const REMOVE_BODY: &str = include_str!("scripts/remove.sh");
const BOOTSTRAP_TTL: Duration = Duration::from_secs(300);

fn bootstrap_key(token: &str) -> String {
    format!("bootstrap:{token}")
}

#[derive(Deserialize)]
pub struct InstallQuery {
    os: Option<String>,
    arch: Option<String>,
    force: Option<String>,
}

/// Single-quoted for sh; values come from settings and the query, so quote everything.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

fn script_response(body: String, file: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{file}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub async fn install(
    State(state): State<AppState>,
    host: AgentHost,
    headers: HeaderMap,
    Query(q): Query<InstallQuery>,
) -> Result<Response> {
    let os =
        q.os.as_deref()
            .and_then(Os::parse)
            .unwrap_or_else(|| Os::infer(&host));
    if os == Os::Windows {
        return Err(Error::not_found("Installation script not found"));
    }
    // The guard verified this key against the stored hash.
    let api_key = headers
        .get(patchmon_proto::API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim();
    let token = random_hex(32);
    let sealed = state
        .keys
        .encrypt(&json!({"apiId": host.api_id, "apiKey": api_key}).to_string());
    state
        .ephemeral
        .set(&bootstrap_key(&token), &sealed, BOOTSTRAP_TTL)
        .await
        .map_err(|_| {
            Error::status(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Bootstrap service unavailable",
            )
        })?;
    let server_url = crate::settings::server_url(&state).await?;
    let insecure = state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .ignore_ssl_self_signed;
    let force = matches!(q.force.as_deref(), Some("true" | "1"));
    let arch = q
        .arch
        .as_deref()
        .filter(|a| matches!(*a, "amd64" | "386" | "arm64" | "arm"));
    let mut head = format!(
        "#!/bin/sh\nexport PATCHMON_URL={}\nexport PATCHMON_OS={}\nexport BOOTSTRAP_TOKEN={}\nexport CURL_FLAGS={}\nexport SKIP_SSL_VERIFY={}\nexport FORCE_INSTALL={}\n",
        sh_quote(&server_url),
        os.as_str(),
        token,
        if insecure { "-sk" } else { "-s" },
        insecure,
        force,
    );
    if let Some(arch) = arch {
        head.push_str(&format!("export ARCHITECTURE={arch}\n"));
    }
    head.push_str(
        r#"
patchmon_fetch_credentials() {
    response=$(curl $CURL_FLAGS -X POST -H "Content-Type: application/json" \
        -d "{\"token\":\"$BOOTSTRAP_TOKEN\"}" "$PATCHMON_URL/api/v1/hosts/bootstrap/exchange")
    if [ -z "$response" ] || echo "$response" | grep -q '"error"'; then
        echo "ERROR: could not exchange the bootstrap token (it is valid for 5 minutes and one use)" >&2
        exit 1
    fi
    API_ID=$(echo "$response" | grep -o '"apiId":"[^"]*"' | cut -d'"' -f4)
    API_KEY=$(echo "$response" | grep -o '"apiKey":"[^"]*"' | cut -d'"' -f4)
}

"#,
    );
    Ok(script_response(
        format!("{head}{}", INSTALL_BODY.replace("\r\n", "\n")),
        "patchmon_install.sh",
    ))
}

#[derive(Deserialize, JsonSchema)]
pub struct Exchange {
    #[serde(default)]
    token: String,
}

pub async fn exchange(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>> {
    let request: Exchange = serde_json::from_slice(&body).unwrap_or(Exchange {
        token: String::new(),
    });
    let token = request.token.trim();
    if token.is_empty() {
        return Err(Error::bad_request("Bootstrap token required"));
    }
    let sealed = state
        .ephemeral
        .take(&bootstrap_key(token))
        .await
        .map_err(|_| {
            Error::status(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Bootstrap service unavailable",
            )
        })?
        .ok_or_else(|| Error::unauthorized("Invalid or expired bootstrap token"))?;
    let credentials: Value = serde_json::from_str(&state.keys.decrypt(&sealed)?)
        .map_err(|_| Error::unauthorized("Invalid or expired bootstrap token"))?;
    Ok(Json(
        json!({"apiId": credentials["apiId"], "apiKey": credentials["apiKey"]}),
    ))
}

#[derive(Deserialize)]
pub struct RemoveQuery {
    os: Option<String>,
}

pub async fn remove(
    State(state): State<AppState>,
    Query(q): Query<RemoveQuery>,
) -> Result<Response> {
    if q.os.as_deref() == Some("windows") {
        return Err(Error::not_found("Windows removal script not found"));
    }
    let insecure = state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .ignore_ssl_self_signed;
    let body = format!(
        "#!/bin/sh\nexport CURL_FLAGS=\"{}\"\n\n{}",
        if insecure { "-sk" } else { "-s" },
        REMOVE_BODY.replace("\r\n", "\n")
    );
    Ok(script_response(body, "patchmon_remove.sh"))
}
