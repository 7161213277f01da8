//! `POST /hosts/update`: validate, then write the report in one transaction.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::Json;
use patchmon_proto::report::{NetworkInterface, ReportPayload, ReportResponse};
use patchmon_proto::Section;
use serde_json::Value;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::auth::AgentHost;
use super::history::{self, HistoryRow};
use super::read_body;
use super::validate::{validate, Interfaces, ReportPlan};
use super::write::{self, WriteError};
use crate::app::AppState;
use crate::cpu_bound::{self, CpuBound};
use crate::http::{Error, Result, StoreContext};
use crate::store::Store;

/// Decodes the body. Most reports decode straight into the payload; one that does not is read
/// again as a JSON object with `networkInterfaces` taken out first, so a bad interface list can
/// be named when the agent claimed an interfaces hash.
fn decode(bytes: &[u8]) -> Result<(ReportPayload, Interfaces), &'static str> {
    if let Ok(mut payload) = serde_json::from_slice::<ReportPayload>(bytes) {
        let interfaces = match payload.network_interfaces.take() {
            Some(list) => Interfaces::Decoded(list),
            None => Interfaces::Absent,
        };
        return Ok((payload, interfaces));
    }
    let mut object = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => object,
        _ => return Err("Invalid request body"),
    };
    let interfaces = match object.remove("networkInterfaces").filter(|v| !v.is_null()) {
        None => Interfaces::Absent,
        Some(v) => serde_json::from_value::<Vec<NetworkInterface>>(v)
            .map(Interfaces::Decoded)
            .unwrap_or(Interfaces::Undecodable),
    };
    let payload =
        serde_json::from_value(Value::Object(object)).map_err(|_| "Invalid request body")?;
    Ok((payload, interfaces))
}

/// Decoding and validating a 2,000-package report is milliseconds of CPU; run as a job, it leaves
/// the background runtime's workers free to drive other reports' queries. One report per CPU at
/// a time: a burst of 1,000 decoded together on as many blocking threads left the server at
/// 1.7 GB and starved the writer they were all waiting for.
static DECODING: CpuBound = CpuBound::background();

/// Reports read and held at once. The rest wait unread, their bodies in the kernel's socket
/// buffers: a burst of 1,000 reports decoded into memory while they queued for the writer left
/// the server at 1.7 GB.
static ADMITTED: Semaphore = Semaphore::const_new(64);

async fn plan(bytes: Bytes) -> Result<(ReportPayload, ReportPlan), &'static str> {
    DECODING
        .run(move || {
            let (payload, interfaces) = decode(&bytes)?;
            let plan = validate(&payload, interfaces)?;
            Ok((payload, plan))
        })
        .await
}

async fn refuse(
    state: &AppState,
    store: &Store,
    host: &AgentHost,
    message: &'static str,
    payload_kb: f64,
) -> Error {
    history::record(
        store,
        &host.id,
        &HistoryRow {
            report_type: "full",
            status: "error",
            error_message: Some(message.into()),
            payload_size_kb: Some(payload_kb),
            ..HistoryRow::default()
        },
    )
    .await;
    state.ingest.report_refused();
    Error::bad_request(message)
}

fn history_row(
    payload: &ReportPayload,
    plan: &ReportPlan,
    payload_kb: f64,
    started: Instant,
) -> HistoryRow {
    let sent: Vec<String> = plan
        .sections
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let unchanged: Vec<String> = Section::REPORT
        .into_iter()
        .filter(|s| !plan.writes(*s))
        .map(|s| s.as_str().to_string())
        .collect();
    HistoryRow {
        report_type: if plan.full { "full" } else { "partial" },
        status: "success",
        payload_size_kb: Some(payload_kb),
        execution_time: Some(payload.execution_time),
        sections_sent: sent,
        sections_unchanged: if plan.full { Vec::new() } else { unchanged },
        agent_execution_ms: payload.agent_execution_ms,
        server_processing_ms: Some(started.elapsed().as_millis() as i64),
        ..HistoryRow::default()
    }
}

pub async fn update(
    State(state): State<AppState>,
    host: AgentHost,
    body: Body,
) -> Result<Json<ReportResponse>> {
    let started = Instant::now();
    let admitted = ADMITTED.acquire().await.expect("never closed");
    let bytes = match read_body(body, state.config.agent_update_body_limit_bytes()).await {
        Ok(bytes) => bytes,
        Err(err) => {
            let limit_kb = state.config.agent_update_body_limit_bytes() as f64 / 1024.0;
            refuse(
                &state,
                &state.store,
                &host,
                "Invalid request body",
                limit_kb,
            )
            .await;
            return Err(err);
        }
    };
    let api_id = host.api_id.clone();
    let response = cpu_bound::in_background(
        {
            let state = state.clone();
            async move {
                let _admitted = admitted;
                ingest(&state, &host, bytes, started).await
            }
        }
        .in_current_span(),
    )
    .await?;
    super::auth::refresh_cached(&state, &api_id).await;
    Ok(Json(response))
}

/// Decodes, validates and writes a report that has been read, on the background runtime with
/// the report store's connections.
async fn ingest(
    state: &AppState,
    host: &AgentHost,
    bytes: Bytes,
    started: Instant,
) -> Result<ReportResponse> {
    let store = &state.report_store;
    let payload_kb = bytes.len() as f64 / 1024.0;
    let (payload, plan) = match plan(bytes).await {
        Ok(planned) => planned,
        Err(message) => return Err(refuse(state, store, host, message, payload_kb).await),
    };
    let history = history_row(&payload, &plan, payload_kb, started);
    // A database that is gone or saturated answers 503 (the agent retries); anything else 500.
    let totals = match write::write_report(store, &host.id, &payload, &plan, history).await {
        Ok(totals) => totals,
        Err(WriteError::Store(err)) => return Err(err).ctx("Failed to update host"),
        // Deleted while the report was on its way: the same answer its next request gets.
        Err(WriteError::HostGone) => return Err(Error::unauthorized("Invalid API credentials")),
        Err(WriteError::Contended) => {
            return Err(Error::conflict(
                "Another report from this host is being written; try again",
            ))
        }
    };
    tracing::info!(
        host_id = %host.id,
        sections = ?plan.sections,
        packages = totals.total,
        outdated = totals.outdated,
        ms = started.elapsed().as_millis() as u64,
        "report stored"
    );
    state.ingest.report_stored();
    Ok(ReportResponse {
        message: "Host updated successfully".into(),
        packages_processed: plan.packages.len() as i64,
        updates_available: payload.packages.iter().filter(|p| p.needs_update).count() as i64,
        security_updates: payload
            .packages
            .iter()
            .filter(|p| p.is_security_update)
            .count() as i64,
    })
}
