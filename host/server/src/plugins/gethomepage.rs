//! `/api/v1/gethomepage/stats` and `/health`, PatchMon's widget API, answered by the first-party
//! `integration-gethomepage` plugin. The server checks the gethomepage credential (HTTP Basic,
//! with PatchMon's error messages) and hands the plugin the credential's name.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use patchmon_runtime::types::HttpExchange;

use super::mount::{call_route, into_response};
use super::registry::CallError;
use crate::app::AppState;
use crate::credentials::{ApiCredential, CredentialType};
use crate::http::route::{get, Access, Route};
use crate::http::{Error, Result};

/// The plugin answering these routes.
pub const PLUGIN_ID: &str = "integration-gethomepage";

/// Header carrying the authenticated credential's name to the plugin.
const CREDENTIAL_HEADER: &str = "x-patchmon-credential";

async fn forward(state: &AppState, credential: &ApiCredential, path: &str) -> Result<Response> {
    let request = HttpExchange {
        method: "GET".into(),
        path: path.into(),
        headers: vec![(CREDENTIAL_HEADER.into(), credential.token_name.clone())],
        ..HttpExchange::default()
    };
    match call_route(state, PLUGIN_ID, request).await {
        Ok(Some(response)) => Ok(into_response(response)),
        Err(CallError::NotFound | CallError::Disabled) => Err(Error::status(
            StatusCode::SERVICE_UNAVAILABLE,
            "The gethomepage integration is disabled",
        )),
        Ok(None) => Err(Error::internal("Failed to fetch statistics")),
        Err(e) => {
            tracing::warn!(plugin = PLUGIN_ID, error = %e, "gethomepage integration failed");
            Err(Error::internal("Failed to fetch statistics"))
        }
    }
}

async fn stats(State(state): State<AppState>, credential: ApiCredential) -> Result<Response> {
    forward(&state, &credential, "/stats").await
}

async fn health(State(state): State<AppState>, credential: ApiCredential) -> Result<Response> {
    forward(&state, &credential, "/health").await
}

pub fn routes() -> Vec<Route> {
    let widget = || Access::ApiCredential(CredentialType::GetHomepage, None);
    vec![
        get(
            "/gethomepage/stats",
            widget(),
            "Fleet statistics for the gethomepage widget",
            stats,
        ),
        get(
            "/gethomepage/health",
            widget(),
            "Check a gethomepage credential",
            health,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("integrations"))
    .collect()
}
