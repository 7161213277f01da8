//! Collector plugins for agents: `GET /agent/collectors` lists the current ones and each one's
//! `plugin.wasm` and `plugin.toml` are downloaded separately, so a parser fix ships to the fleet
//! with the server instead of with an agent release. The agent checks both files against the
//! SHA-256s in the list and grants what the manifest requests.
//!
//! The current collectors are the ones this server embeds (`plugins/embed.rs`), never run here
//! and so never written to the plugin table, except where an administrator installed a
//! collector through the plugin API: once it is enabled with everything it requests granted,
//! it replaces an embedded one with the same id and a lower version, or is added when no
//! embedded one has its id.

use std::cmp::Ordering;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use patchmon_proto::collectors::{CollectorEntry, CollectorList};
use patchmon_runtime::package::{pin_wasm_sha256, sha256_hex};
use patchmon_runtime::{Manifest, PluginKind};

use super::install::compare_versions;
use super::{grants, store};
use crate::app::AppState;
use crate::http::route::{get, Access, Route};
use crate::http::{Error, Result, StoreContext};
use crate::ingest::auth::AgentHost;

/// `(directory name, plugin.toml, plugin.wasm)` of every embedded collector.
const EMBEDDED: &[(&str, &str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/collector_plugins.rs"));

/// Where a served component's bytes are.
#[derive(Clone)]
enum Component {
    Embedded(&'static [u8]),
    /// In the plugin table, under the collector's id.
    Installed,
}

/// One collector as agents get it.
#[derive(Clone)]
struct Served {
    id: String,
    version: String,
    sha256: String,
    size: u64,
    /// With `wasm_sha256` pinned.
    manifest_toml: String,
    component: Component,
}

/// The embedded collectors, their digests pinned once.
static EMBEDDED_SERVED: LazyLock<Vec<Served>> = LazyLock::new(|| {
    EMBEDDED
        .iter()
        .filter_map(|(name, toml, wasm)| {
            let manifest_toml = pin_wasm_sha256(toml, wasm);
            match Manifest::parse(&manifest_toml) {
                Ok(manifest) => Some(Served {
                    id: manifest.id,
                    version: manifest.version,
                    sha256: manifest.wasm_sha256,
                    size: wasm.len() as u64,
                    manifest_toml,
                    component: Component::Embedded(wasm),
                }),
                Err(err) => {
                    tracing::error!(plugin = name, error = %err, "embedded collector is unusable");
                    None
                }
            }
        })
        .collect()
});

/// The collectors agents should run, embedded order first, then installed ones by id.
async fn current(state: &AppState) -> Result<Vec<Served>> {
    let mut served = EMBEDDED_SERVED.clone();
    let rows = store::list(&state.store)
        .await
        .ctx("Failed to load plugins")?;
    for row in rows {
        if row.kind != PluginKind::Collector.name() || row.builtin || !row.enabled {
            continue;
        }
        let Ok(manifest) = Manifest::parse(&row.manifest_toml) else {
            continue;
        };
        // Agents grant whatever the manifest requests, so the administrator must have too.
        if !grants::requested(&manifest)
            .iter()
            .all(|name| row.granted.0.contains(name))
        {
            continue;
        }
        let existing = served.iter().position(|s| s.id == row.id);
        if existing.is_some_and(|at| {
            compare_versions(&row.version, &served[at].version) != Ordering::Greater
        }) {
            continue;
        }
        let size = store::wasm_size(&state.store, &row.id)
            .await
            .ctx("Failed to load plugins")?
            .unwrap_or(0);
        let installed = Served {
            id: row.id.clone(),
            version: row.version.clone(),
            sha256: row.wasm_sha256.clone(),
            size: size.max(0) as u64,
            manifest_toml: row.manifest_toml.clone(),
            component: Component::Installed,
        };
        match existing {
            Some(at) => served[at] = installed,
            None => served.push(installed),
        }
    }
    Ok(served)
}

async fn find(state: &AppState, id: &str) -> Result<Served> {
    current(state)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::not_found("Collector not found"))
}

async fn list(State(state): State<AppState>, _host: AgentHost) -> Result<Json<CollectorList>> {
    let collectors = current(&state)
        .await?
        .into_iter()
        .map(|s| {
            let base = format!("/api/v1/agent/collectors/{}", s.id);
            CollectorEntry {
                manifest_sha256: sha256_hex(s.manifest_toml.as_bytes()),
                manifest_url: format!("{base}/plugin.toml"),
                url: format!("{base}/plugin.wasm"),
                id: s.id,
                version: s.version,
                sha256: s.sha256,
                size: s.size,
            }
        })
        .collect();
    Ok(Json(CollectorList { collectors }))
}

async fn wasm(
    State(state): State<AppState>,
    _host: AgentHost,
    Path(id): Path<String>,
) -> Result<Response> {
    let served = find(&state, &id).await?;
    let bytes = match served.component {
        Component::Embedded(bytes) => bytes.to_vec(),
        Component::Installed => store::wasm(&state.store, &id)
            .await
            .ctx("Failed to load the plugin")?
            .ok_or_else(|| Error::not_found("Collector not found"))?,
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/wasm"),
        )],
        bytes,
    )
        .into_response())
}

async fn manifest(
    State(state): State<AppState>,
    _host: AgentHost,
    Path(id): Path<String>,
) -> Result<Response> {
    let served = find(&state, &id).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/toml; charset=utf-8"),
        )],
        served.manifest_toml,
    )
        .into_response())
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/agent/collectors",
            Access::Agent,
            "The collector plugins agents should run: id, version, and SHA-256, size and path of each plugin.wasm and plugin.toml",
            list,
        ),
        get(
            "/agent/collectors/{id}/plugin.wasm",
            Access::Agent,
            "A collector plugin's component",
            wasm,
        ),
        get(
            "/agent/collectors/{id}/plugin.toml",
            Access::Agent,
            "A collector plugin's manifest (its wasm_sha256 pinned); agents grant what it requests",
            manifest,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("agent"))
    .collect()
}
