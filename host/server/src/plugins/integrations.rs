//! Routes at fixed, documented paths answered by first-party integration plugins: PatchMon's
//! gethomepage widget API (`/api/v1/gethomepage/stats` and `/health`), the Prometheus scrape
//! target (`/api/v1/metrics`) and the Ansible dynamic inventory (`/api/v1/ansible/inventory`);
//! [`forward`] also serves the enrollment scripts for `crate::enrollment`. The server checks the credential (HTTP Basic, with PatchMon's
//! error messages) and hands the plugin what it may not read itself.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use patchmon_runtime::types::HttpExchange;
use serde_json::{json, Map, Value};

use super::mount::{call_route, into_response};
use super::registry::CallError;
use crate::app::AppState;
use crate::credentials::{ApiCredential, CredentialType, Scope};
use crate::http::route::{get, Access, Route};
use crate::http::{Error, Result};

/// The plugin answering the gethomepage routes.
pub const GETHOMEPAGE: &str = "integration-gethomepage";
/// The plugin answering `/metrics`.
pub const PROMETHEUS: &str = "integration-prometheus";
/// The plugin answering `/ansible/inventory`.
pub const ANSIBLE: &str = "integration-ansible";
/// The plugin rendering the `/auto-enrollment/script` scripts.
pub const ENROLLMENT: &str = "integration-enrollment";

/// Header carrying the authenticated credential's name to the plugin.
const CREDENTIAL_HEADER: &str = "x-patchmon-credential";

/// Ask first-party plugin `plugin` (named `name` in messages) to answer `request`: 503 while it
/// is disabled, 500 with `failure` when it cannot answer.
pub async fn forward(
    state: &AppState,
    plugin: &str,
    name: &str,
    request: HttpExchange,
    failure: &str,
) -> Result<Response> {
    match call_route(state, plugin, request).await {
        Ok(Some(response)) => Ok(into_response(response)),
        Err(CallError::NotFound | CallError::Disabled) => Err(Error::status(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("The {name} integration is disabled"),
        )),
        Ok(None) => Err(Error::internal(failure)),
        Err(e) => {
            tracing::warn!(plugin, error = %e, "integration plugin failed");
            Err(Error::internal(failure))
        }
    }
}

fn credential_request(credential: &ApiCredential, path: &str) -> HttpExchange {
    HttpExchange {
        method: "GET".into(),
        path: path.into(),
        headers: vec![(CREDENTIAL_HEADER.into(), credential.token_name.clone())],
        ..HttpExchange::default()
    }
}

async fn gethomepage(
    state: &AppState,
    credential: &ApiCredential,
    path: &str,
    failure: &str,
) -> Result<Response> {
    let request = credential_request(credential, path);
    forward(state, GETHOMEPAGE, "gethomepage", request, failure).await
}

async fn gethomepage_stats(
    State(state): State<AppState>,
    credential: ApiCredential,
) -> Result<Response> {
    gethomepage(&state, &credential, "/stats", "Failed to fetch statistics").await
}

async fn gethomepage_health(
    State(state): State<AppState>,
    credential: ApiCredential,
) -> Result<Response> {
    gethomepage(&state, &credential, "/health", "Failed to check health").await
}

/// The counters only the server sees, in the shape the Prometheus plugin reads.
fn server_counters(state: &AppState) -> Value {
    let plugins: Map<String, Value> = state
        .plugins
        .all_metrics()
        .into_iter()
        .map(|(id, m)| {
            let counters = json!({
                "calls": m.calls, "denials": m.denials, "traps": m.traps, "timeouts": m.timeouts,
            });
            (id, counters)
        })
        .collect();
    json!({ "ingest": state.ingest.snapshot(), "plugins": plugins })
}

async fn metrics(State(state): State<AppState>, credential: ApiCredential) -> Result<Response> {
    let request = HttpExchange {
        method: "GET".into(),
        path: "/metrics".into(),
        headers: vec![(CREDENTIAL_HEADER.into(), credential.token_name)],
        body: server_counters(&state).to_string().into_bytes(),
        ..HttpExchange::default()
    };
    forward(
        &state,
        PROMETHEUS,
        "Prometheus",
        request,
        "Failed to collect metrics",
    )
    .await
}

async fn ansible_inventory(
    State(state): State<AppState>,
    credential: ApiCredential,
) -> Result<Response> {
    let request = credential_request(&credential, "/inventory");
    forward(
        &state,
        ANSIBLE,
        "Ansible",
        request,
        "Failed to build the inventory",
    )
    .await
}

pub fn routes() -> Vec<Route> {
    let widget = || Access::ApiCredential(CredentialType::GetHomepage, None);
    vec![
        get(
            "/gethomepage/stats",
            widget(),
            "Fleet statistics for the gethomepage widget",
            gethomepage_stats,
        ),
        get(
            "/gethomepage/health",
            widget(),
            "Check a gethomepage credential",
            gethomepage_health,
        ),
        get(
            "/metrics",
            Access::ApiCredential(CredentialType::Prometheus, None),
            "Fleet, per-host, ingest and plugin metrics in the Prometheus text format",
            metrics,
        ),
        get(
            "/ansible/inventory",
            Access::ApiCredential(CredentialType::Api, Some(Scope::new("host", "get"))),
            "The fleet as an Ansible dynamic inventory (host groups become Ansible groups)",
            ansible_inventory,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("integrations"))
    .collect()
}
