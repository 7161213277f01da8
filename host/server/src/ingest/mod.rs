//! Agent-facing HTTP endpoints: authentication by `X-API-ID` / `X-API-KEY`, the hash-gated
//! check-in, the inventory report, the report interval and self-update metadata and downloads.
//!
//! Handlers are thin: [`validate`] turns a decoded report into a write plan, [`write`] applies it
//! in one transaction, [`ping`] decides which sections the server needs again.

pub mod agent_binary;
pub mod agent_cache;
pub mod auth;
pub mod check_ins;
pub mod counters;
pub mod history;
pub mod install;
pub mod ping;
pub mod report;
pub mod validate;
pub mod write;

use axum::body::{Body, Bytes};

use crate::http::route::{get, post, Route};
use crate::http::{Access, Error, Result};

/// Reads a body up to `limit` bytes; more is PatchMon's `Invalid request body`.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Error::bad_request("Invalid request body"))
}

pub fn routes() -> Vec<Route> {
    vec![
        post(
            "/hosts/ping",
            Access::AgentCheckIn,
            "Agent check-in: metrics, and which sections the server needs (hash gate)",
            ping::ping,
        )
        .body::<patchmon_proto::ping::PingRequest>(),
        post(
            "/hosts/update",
            Access::Agent,
            "Agent inventory report (full, or only the sections named in `sections`)",
            report::update,
        )
        .body::<patchmon_proto::report::ReportPayload>(),
        get(
            "/settings/update-interval",
            Access::Agent,
            "The report interval in minutes",
            agent_binary::update_interval,
        ),
        get(
            "/hosts/agent/version",
            Access::Agent,
            "The agent version the server ships, its SHA-256 and whether this host may update",
            agent_binary::version,
        ),
        get(
            "/hosts/install",
            Access::Agent,
            "The one-line installer for this host (carries a one-time bootstrap token)",
            install::install,
        ),
        post(
            "/hosts/bootstrap/exchange",
            Access::Public,
            "Swap an installer's one-time bootstrap token for the host's credentials",
            install::exchange,
        )
        .body::<install::Exchange>()
        .bucket(crate::http::Bucket::Auth),
        get(
            "/hosts/remove",
            Access::Public,
            "The agent removal script (REMOVE_BACKUPS=1, SILENT=1)",
            install::remove,
        ),
        get(
            "/hosts/agent/download",
            Access::Agent,
            "Download the agent binary for an OS and architecture",
            agent_binary::download,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("agent"))
    .collect()
}
