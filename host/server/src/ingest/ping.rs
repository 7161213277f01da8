//! `POST /hosts/ping`: the hash-gated check-in.

use axum::body::Body;
use axum::extract::State;
use axum::Json;
use patchmon_proto::ping::{IntegrationFlags, PingMetrics, PingRequest, PingResponse};
use patchmon_proto::Section;
use sqlx::types::Json as SqlJson;

use super::auth::AgentHost;
use super::history::{self, HistoryRow};
use super::read_body;
use super::write::parse_time;
use crate::app::AppState;
use crate::exec;
use crate::http::{Error, Result, StoreContext};
use crate::store::{now, Store};

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

/// Writes the metrics with "keep the stored value when absent or empty" semantics.
async fn record_check_in(
    store: &Store,
    host_id: &str,
    metrics: Option<&PingMetrics>,
    agent_version: Option<&str>,
    legacy: bool,
) -> Result<(), sqlx::Error> {
    let m = metrics.cloned().unwrap_or_default();
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    // The reason follows the flag: absent flag or "true without a reason" keeps the stored one.
    let reason_given = non_empty(m.reboot_reason.clone());
    let set_reason = match m.needs_reboot {
        None => false,
        Some(true) => reason_given.is_some(),
        Some(false) => true,
    };
    let ts = now();
    exec!(store, |db| {
        sqlx::query(
        "UPDATE hosts SET cpu_cores = COALESCE($2, cpu_cores), cpu_model = COALESCE($3, cpu_model), \
         ram_installed = COALESCE($4, ram_installed), swap_size = COALESCE($5, swap_size), \
         disk_details = COALESCE($6, disk_details), system_uptime = COALESCE($7, system_uptime), \
         boot_time = COALESCE($8, boot_time), load_average = COALESCE($9, load_average), \
         needs_reboot = COALESCE($10, needs_reboot), reboot_reason = CASE WHEN $11 THEN $12 ELSE reboot_reason END, \
         agent_version = COALESCE($13, agent_version), last_update = $14, updated_at = $14, \
         status = CASE WHEN $15 OR status = 'pending' THEN 'active' ELSE status END WHERE id = $1"
    )
    .bind(host_id)
    .bind(m.cpu_cores.filter(|c| *c > 0))
    .bind(non_empty(m.cpu_model.clone()))
    .bind(m.ram_installed)
    .bind(m.swap_size)
    .bind(m.disk_details.clone().filter(|d| !d.is_empty()).and_then(|d| serde_json::to_value(d).ok()).map(SqlJson))
    .bind(non_empty(m.system_uptime.clone()))
    .bind(parse_time(m.boot_time.as_deref()))
    .bind(m.load_average.clone().filter(|l| !l.is_empty()).map(SqlJson))
    .bind(m.needs_reboot)
    .bind(set_reason)
    .bind(&reason_given)
    .bind(agent_version.filter(|v| !v.trim().is_empty()))
    .bind(ts)
    .bind(legacy)
    .execute(db)
    .await
    })?;
    Ok(())
}

pub async fn ping(
    State(state): State<AppState>,
    host: AgentHost,
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
    // Both writes below queue behind report writes in order instead of spinning on SQLite's lock.
    let _turn = state.store.write_turn().await.ctx("Ping failed")?;
    record_check_in(
        &state.store,
        &host.id,
        request.as_ref().and_then(|r| r.metrics.as_ref()),
        request.as_ref().map(|r| r.agent_version.as_str()),
        request.is_none(),
    )
    .await
    .ctx("Ping failed")?;
    if host.status != "active" {
        // Integrations' cached host lists show the status change at once.
        state.store.reads.invalidate();
    }
    let (stale, unchanged) = match &request {
        Some(request) => stale_sections(&host, request),
        None => (Vec::new(), Vec::new()),
    };
    let names = |sections: &[Section]| {
        sections
            .iter()
            .map(|s| s.as_str().to_string())
            .collect::<Vec<_>>()
    };
    history::record(
        &state.store,
        &host.id,
        &HistoryRow {
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
    )
    .await;
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
