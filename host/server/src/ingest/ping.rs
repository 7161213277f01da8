//! `POST /hosts/ping`: the hash-gated check-in.

use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use patchmon_proto::ping::{IntegrationFlags, PingRequest, PingResponse};
use patchmon_proto::Section;

use super::auth::AgentHost;
use super::check_ins::{self, CheckIn};
use super::history::HistoryRow;
use super::read_body;
use crate::app::AppState;
use crate::http::{Error, Result, StoreContext};
use crate::store::now;

/// Which sections the server needs again: stored hash missing, agent hash empty, or different.
/// Docker and compliance count only when that integration is on for the host.
pub fn stale_sections(host: &AgentHost, request: &PingRequest) -> (Vec<Section>, Vec<Section>) {
    let claimed = request.hashes.clone().unwrap_or_default();
    let mut stale = Vec::new();
    let mut unchanged = Vec::new();
    for section in Section::ALL {
        let (stored, sent) = match section {
            Section::Packages => (&host.packages_hash, &claimed.packages_hash),
            Section::Repos => (&host.repos_hash, &claimed.repos_hash),
            Section::Interfaces => (&host.interfaces_hash, &claimed.interfaces_hash),
            Section::Hostname => (&host.hostname_hash, &claimed.hostname_hash),
            Section::Docker if host.docker_enabled => (&host.docker_hash, &claimed.docker_hash),
            Section::Compliance if host.compliance_enabled => {
                (&host.compliance_hash, &claimed.compliance_hash)
            }
            Section::Docker | Section::Compliance => continue,
        };
        let stored = stored.as_deref().unwrap_or("");
        if stored.is_empty() || sent.is_empty() || stored != sent {
            stale.push(section);
        } else {
            unchanged.push(section);
        }
    }
    (stale, unchanged)
}

pub async fn ping(
    State(state): State<AppState>,
    mut host: AgentHost,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PingResponse>> {
    state.ingest.ping();
    let bytes = read_body(body, state.config.agent_ping_body_limit_bytes()).await?;
    let request: Option<PingRequest> = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(
            serde_json::from_slice(&bytes)
                .map_err(|_| Error::bad_request("Invalid request body"))?,
        )
    };
    let verdict = |host: &AgentHost| match &request {
        Some(request) => stale_sections(host, request),
        None => (Vec::new(), Vec::new()),
    };
    let (mut stale, mut unchanged) = verdict(&host);
    if host.cached && !stale.is_empty() {
        // A report stored on another replica moves hashes this replica's cache has not seen:
        // ask for sections again only if the host row agrees.
        state.agent_hosts.forget(&host.api_id);
        host = super::auth::authenticate_check_in(&state, &headers).await?;
        (stale, unchanged) = verdict(&host);
    }
    let names = |sections: &[Section]| {
        sections
            .iter()
            .map(|s| s.as_str().to_string())
            .collect::<Vec<_>>()
    };
    let check_in = CheckIn {
        host_id: host.id.clone(),
        at: now(),
        metrics: request
            .as_ref()
            .and_then(|r| r.metrics.clone())
            .unwrap_or_default(),
        agent_version: request.as_ref().map(|r| r.agent_version.clone()),
        legacy: request.is_none(),
        history: HistoryRow {
            report_type: "ping",
            status: "success",
            sections_sent: if request.is_some() {
                vec!["metrics".into()]
            } else {
                vec![]
            },
            sections_unchanged: names(&unchanged),
            agent_execution_ms: request.as_ref().and_then(|r| r.agent_execution_ms),
            ..HistoryRow::default()
        },
    };
    if host.status == "active" {
        state.check_ins.push(check_in);
    } else {
        // The status changes now, and integrations' cached host lists show it at once.
        check_ins::write(&state.store, &[check_in])
            .await
            .ctx("Ping failed")?;
        state.store.reads.invalidate();
    }
    let friendly_name = [Some(host.friendly_name.clone()), host.hostname.clone()]
        .into_iter()
        .flatten()
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| host.api_id.clone());
    Ok(Json(PingResponse {
        message: "Ping successful".into(),
        timestamp: now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        friendly_name,
        agent_startup: true,
        hash_gate: true,
        integrations: IntegrationFlags {
            docker: host.docker_enabled,
            compliance: host.compliance_enabled,
        },
        request_full: (!stale.is_empty()).then(|| names(&stale)),
    }))
}
