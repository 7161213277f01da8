//! The agents' WebSocket hub: `GET /agents/ws`, commands pushed to agents (`report_now`,
//! `update_agent`, `refresh_integration_status`, `settings_update`) and connection status.

pub mod registry;
pub mod relay;
pub mod socket;

use axum::extract::{Path, Query, State};
use axum::Json;
use patchmon_proto::ws::ServerMessage;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::app::AppState;
use crate::hosts::store as hosts;
use crate::http::route::{get, perm, post, Route};
use crate::http::{Access, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::{ManageHosts, ViewHosts};
pub use registry::{AgentHub, AgentStatus, Delivery};
pub use relay::Agents;

async fn host_or_404(state: &AppState, id: &str) -> Result<hosts::Host> {
    hosts::find(&state.store, id)
        .await
        .ctx("Failed to load host")?
        .ok_or_else(|| Error::not_found("Host not found"))
}

fn host_ref(host: &hosts::Host) -> Value {
    json!({"id": host.id, "friendlyName": host.friendly_name, "apiId": host.api_id})
}

/// A job id for responses that PatchMon backs with a queue job.
fn job_id(kind: &str, host: &hosts::Host) -> String {
    format!(
        "{kind}-{}-{}",
        host.api_id,
        crate::store::now().timestamp_millis()
    )
}

async fn fetch_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = host_or_404(&state, &id).await?;
    state
        .agents
        .send(&host.api_id, ServerMessage::ReportNow)
        .await;
    Ok(Json(
        json!({"message": "Fetch report requested", "success": true}),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct BulkFetch {
    #[serde(rename = "hostIds", default)]
    host_ids: Vec<String>,
}

async fn bulk_fetch_report(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<BulkFetch>,
) -> Result<Json<Value>> {
    if body.host_ids.is_empty() {
        return Err(Error::bad_request("hostIds required"));
    }
    let mut enqueued = 0;
    for id in &body.host_ids {
        if let Some(host) = hosts::find(&state.store, id)
            .await
            .ctx("Failed to load host")?
        {
            state
                .agents
                .send(&host.api_id, ServerMessage::ReportNow)
                .await;
            enqueued += 1;
        }
    }
    Ok(Json(
        json!({"message": "Fetch report requested", "success": true, "enqueued": enqueued}),
    ))
}

async fn force_agent_update(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = host_or_404(&state, &id).await?;
    state
        .agents
        .send(&host.api_id, ServerMessage::UpdateAgent)
        .await;
    Ok(Json(json!({
        "success": true,
        "message": "Agent update queued successfully",
        "jobId": job_id("update-agent", &host),
        "host": host_ref(&host),
    })))
}

async fn refresh_integration_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = host_or_404(&state, &id).await?;
    state
        .agents
        .send(&host.api_id, ServerMessage::RefreshIntegrationStatus)
        .await;
    Ok(Json(json!({
        "success": true,
        "message": "Integration status refresh queued",
        "jobId": job_id("refresh-integration-status", &host),
        "host": host_ref(&host),
    })))
}

fn status_json(status: AgentStatus) -> Value {
    json!({
        "connected": status.connected,
        "secure": status.secure,
        "disconnected_seconds_ago": status.disconnected_seconds_ago,
    })
}

async fn status_summary(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"connected": state.agents.connected_count().await}))
}

#[derive(Deserialize)]
struct StatusQuery {
    #[serde(rename = "apiIds")]
    api_ids: Option<String>,
}

async fn status_many(
    State(state): State<AppState>,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Value>> {
    let raw = q.api_ids.unwrap_or_default();
    if raw.len() > 20_000 {
        return Err(Error::bad_request("apiIds query is too large"));
    }
    let mut ids: Vec<&str> = Vec::new();
    for id in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > 1000 {
        return Err(Error::bad_request("too many apiIds requested"));
    }
    let statuses = state.agents.statuses(&ids).await;
    let mut data = Map::new();
    for (id, status) in ids.into_iter().zip(statuses) {
        data.insert(id.to_string(), status_json(status));
    }
    Ok(Json(json!({"success": true, "data": data})))
}

async fn status_one(
    State(state): State<AppState>,
    Path(api_id): Path<String>,
) -> Result<Json<Value>> {
    if api_id.trim().is_empty() {
        return Err(Error::bad_request("apiId required"));
    }
    Ok(Json(
        json!({"success": true, "data": status_json(state.agents.statuses(&[&api_id]).await[0])}),
    ))
}

/// Reporting settings agents follow, pushed as `settings_update` when an admin changes them.
pub struct AgentSettings<'a> {
    pub update_interval: i64,
    pub compliance_scan_interval: i64,
    pub package_cache_refresh_mode: &'a str,
    pub package_cache_refresh_max_age: i64,
}

/// The settings keys whose change is pushed to agents.
pub const PUSHED_SETTINGS: [&str; 4] = [
    "update_interval",
    "compliance_scan_interval",
    "package_cache_refresh_mode",
    "package_cache_refresh_max_age",
];

/// Tells every connected agent about new reporting settings; returns how many this replica told.
pub async fn push_settings(state: &AppState, settings: AgentSettings<'_>) -> usize {
    state
        .agents
        .broadcast(&ServerMessage::SettingsUpdate {
            update_interval: Some(settings.update_interval),
            compliance_scan_interval: Some(settings.compliance_scan_interval),
            package_cache_refresh_mode: Some(settings.package_cache_refresh_mode.to_string()),
            package_cache_refresh_max_age: Some(settings.package_cache_refresh_max_age),
        })
        .await
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/agents/ws",
            Access::Agent,
            "The agent's persistent command channel (WebSocket upgrade)",
            socket::connect,
        )
        .tag("agent"),
        post(
            "/hosts/bulk/fetch-report",
            perm(ManageHosts),
            "Ask several agents to report now",
            bulk_fetch_report,
        )
        .body::<BulkFetch>()
        .tag("hosts"),
        post(
            "/hosts/{host_id}/fetch-report",
            perm(ManageHosts),
            "Ask the host's agent to report now",
            fetch_report,
        )
        .tag("hosts"),
        post(
            "/hosts/{host_id}/force-agent-update",
            perm(ManageHosts),
            "Ask the host's agent to update itself now",
            force_agent_update,
        )
        .tag("hosts"),
        post(
            "/hosts/{host_id}/refresh-integration-status",
            perm(ManageHosts),
            "Ask the host's agent to re-send its integration status",
            refresh_integration_status,
        )
        .tag("hosts"),
        get(
            "/ws/status/summary",
            perm(ViewHosts),
            "How many agents are connected",
            status_summary,
        )
        .tag("agents"),
        get(
            "/ws/status",
            perm(ViewHosts),
            "Connection status of the given agents (apiIds CSV)",
            status_many,
        )
        .tag("agents"),
        get(
            "/ws/status/{api_id}",
            perm(ViewHosts),
            "Connection status of one agent",
            status_one,
        )
        .tag("agents"),
    ]
}
