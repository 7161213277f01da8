//! The scoped Integration API (`/api/v1/api/*`): read hosts and delete them with an `api`
//! credential over HTTP Basic, each route limited by a scope (`host:get`, `host:delete`).
//! Field names, types and orders are PatchMon's, because the Ansible inventory plugin and
//! users' scripts parse them.

mod shape;
pub(crate) mod store;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::credentials::{ApiCredential, CredentialType, Scope};
use crate::hosts::store::{groups_of, GroupRef, Host};
use crate::http::cached_json::CachedJson;
use crate::http::query::int_param;
use crate::http::route::{delete, get, Route};
use crate::http::{Access, ClientIp, Error, Result, StoreContext};

const READ: Access = Access::ApiCredential(CredentialType::Api, Some(Scope::new("host", "get")));
const DELETE: Access =
    Access::ApiCredential(CredentialType::Api, Some(Scope::new("host", "delete")));

/// `Production` or a group id: PatchMon treats a value shaped like a UUID as an id.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `host_groups` entries: always an array, because the Ansible plugin iterates it unguarded.
fn group_entries(groups: Option<Vec<GroupRef>>) -> Vec<GroupId> {
    groups
        .unwrap_or_default()
        .into_iter()
        .map(|g| GroupId {
            id: g.id,
            name: g.name,
        })
        .collect()
}

async fn load_host(state: &AppState, id: &str, failure: &'static str) -> Result<Host> {
    crate::hosts::store::find(&state.store, id)
        .await
        .ctx(failure)?
        .ok_or_else(|| Error::not_found("Host not found"))
}

#[derive(Deserialize)]
struct ListQuery {
    hostgroup: Option<String>,
    include: Option<String>,
}

/// A1. Every host (or those in any of the named groups) with IP and groups, optionally with
/// package counts. `host_groups` is always an array: the Ansible plugin iterates it unguarded.
/// The document is reused for a few seconds (see [`crate::store::read_cache`]).
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let filter: Option<Vec<String>> = q.hostgroup.as_deref().map(|raw| {
        raw.split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    });
    let filter = filter.filter(|f| !f.is_empty());
    let with_stats = q
        .include
        .as_deref()
        .is_some_and(|i| i.split(',').any(|v| v.trim().eq_ignore_ascii_case("stats")));
    let key = format!(
        "api-hosts|{with_stats}|{}",
        filter.as_deref().unwrap_or_default().join("\u{1f}")
    );
    let document = state
        .store
        .reads
        .get_or_build(&key, || host_list(&state, filter, with_stats))
        .await?;
    Ok(document.respond(&headers))
}

async fn host_list(
    state: &AppState,
    filter: Option<Vec<String>>,
    with_stats: bool,
) -> Result<CachedJson> {
    const FAILED: &str = "Failed to fetch hosts";
    let group_ids = match &filter {
        None => None,
        Some(values) => {
            let (mut ids, names): (Vec<String>, Vec<String>) =
                values.iter().cloned().partition(|v| is_uuid(v));
            ids.extend(
                store::group_ids_by_name(&state.store, &names)
                    .await
                    .ctx(FAILED)?,
            );
            if ids.is_empty() {
                return document(&json!({"hosts": [], "total": 0, "filtered_by_groups": values}));
            }
            Some(ids)
        }
    };
    let hosts = store::hosts(&state.store, group_ids.as_deref())
        .await
        .ctx(FAILED)?;
    let ids: Vec<String> = hosts.iter().map(|h| h.id.clone()).collect();
    let mut groups = groups_of(&state.store, &ids).await.ctx(FAILED)?;
    let items: Vec<HostEntry> = hosts
        .iter()
        .map(|h| HostEntry {
            id: &h.id,
            friendly_name: &h.friendly_name,
            hostname: h.hostname.as_deref(),
            ip: h.ip.as_deref(),
            host_groups: group_entries(groups.remove(&h.id)),
            stats: with_stats.then(|| HostStats {
                os_type: &h.os_type,
                os_version: &h.os_version,
                last_update: h.last_update,
                status: &h.status,
                needs_reboot: h.needs_reboot,
                updates_count: h.outdated_count,
                security_updates_count: h.security_count,
                total_packages: h.package_count,
            }),
        })
        .collect();
    document(&HostList {
        total: items.len(),
        hosts: items,
        filtered_by_groups: filter,
    })
}

fn document(value: &impl Serialize) -> Result<CachedJson> {
    CachedJson::new(value).map_err(|e| {
        tracing::error!(error = %e, "cannot serialise the host list");
        Error::internal("Failed to fetch hosts")
    })
}

/// A1's document, serialised straight from the rows rather than through a `serde_json::Value`
/// per host (the list can hold every host of the fleet).
#[derive(Serialize)]
struct HostList<'a> {
    total: usize,
    hosts: Vec<HostEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filtered_by_groups: Option<Vec<String>>,
}

#[derive(Serialize)]
struct HostEntry<'a> {
    id: &'a str,
    friendly_name: &'a str,
    hostname: Option<&'a str>,
    ip: Option<&'a str>,
    host_groups: Vec<GroupId>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    stats: Option<HostStats<'a>>,
}

#[derive(Serialize)]
struct GroupId {
    id: String,
    name: String,
}

/// The fields `include=stats` adds.
#[derive(Serialize)]
struct HostStats<'a> {
    os_type: &'a str,
    os_version: &'a str,
    last_update: DateTime<Utc>,
    status: &'a str,
    needs_reboot: Option<bool>,
    updates_count: i64,
    security_updates_count: i64,
    total_packages: i64,
}

/// A2. Package and repository counts.
async fn stats(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch host statistics";
    let host = load_host(&state, &id, FAILED).await?;
    let repos = store::repository_count(&state.store, &id)
        .await
        .ctx(FAILED)?;
    Ok(Json(json!({
        "host_id": id,
        "total_installed_packages": host.package_count,
        "outdated_packages": host.outdated_count,
        "security_updates": host.security_count,
        "total_repos": repos,
    })))
}

/// A3. Identity, OS and agent version, and groups.
async fn info(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch host information";
    let host = load_host(&state, &id, FAILED).await?;
    let mut groups = groups_of(&state.store, std::slice::from_ref(&id))
        .await
        .ctx(FAILED)?;
    Ok(Json(json!({
        "id": host.id,
        "machine_id": host.machine_id,
        "friendly_name": host.friendly_name,
        "hostname": host.hostname,
        "ip": host.ip,
        "os_type": host.os_type,
        "os_version": host.os_version,
        "agent_version": host.agent_version,
        "host_groups": group_entries(groups.remove(&id)),
    })))
}

async fn details(
    state: &AppState,
    id: &str,
    failed: &'static str,
) -> Result<(Host, store::Details)> {
    let host = load_host(state, id, failed).await?;
    let details = store::details(&state.store, id)
        .await
        .ctx(failed)?
        .ok_or_else(|| Error::not_found("Host not found"))?;
    Ok((host, details))
}

/// A4. Addresses, gateway, DNS servers and interfaces.
async fn network(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    let (host, d) = details(&state, &id, "Failed to fetch host network information").await?;
    Ok(Json(json!({
        "id": host.id,
        "ip": host.ip,
        "gateway_ip": d.gateway_ip,
        "dns_servers": d.dns_servers.map(|v| v.0).filter(Value::is_array).unwrap_or_else(|| json!([])),
        "network_interfaces": shape::interfaces(d.network_interfaces.as_ref().map(|v| &v.0)),
    })))
}

/// A5. Hardware, kernel, load, disks and reboot state.
async fn system(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    let (host, d) = details(&state, &id, "Failed to fetch host system information").await?;
    Ok(Json(json!({
        "id": host.id,
        "architecture": host.architecture,
        "kernel_version": d.kernel_version,
        "installed_kernel_version": d.installed_kernel_version,
        "selinux_status": d.selinux_status,
        "system_uptime": host.system_uptime,
        "cpu_model": d.cpu_model,
        "cpu_cores": d.cpu_cores,
        "ram_installed": d.ram_installed,
        "swap_size": d.swap_size,
        "load_average": shape::load_average(d.load_average.as_ref().map(|v| &v.0)),
        "disk_details": shape::disks(d.disk_details.as_ref().map(|v| &v.0)),
        "needs_reboot": host.needs_reboot.unwrap_or(false),
        "reboot_reason": host.reboot_reason,
    })))
}

#[derive(Deserialize)]
struct PackagesQuery {
    updates_only: Option<String>,
}

/// A6. Installed packages, security updates first.
async fn packages(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PackagesQuery>,
) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch host packages";
    let host = load_host(&state, &id, FAILED).await?;
    // Only the exact string "true" filters, as in PatchMon.
    let updates_only = q.updates_only.as_deref() == Some("true");
    let rows = store::packages(&state.store, &id, updates_only)
        .await
        .ctx(FAILED)?;
    let packages: Vec<Value> = rows
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "category": p.category,
                "current_version": p.current_version,
                "available_version": p.available_version,
                "needs_update": p.needs_update,
                "is_security_update": p.is_security_update,
                "last_checked": p.last_checked,
            })
        })
        .collect();
    Ok(Json(json!({
        "host": {"id": host.id, "hostname": host.hostname, "friendly_name": host.friendly_name},
        "total": packages.len(),
        "packages": packages,
    })))
}

#[derive(Deserialize)]
struct LimitQuery {
    limit: Option<String>,
}

/// A7. Report history, newest first. `limit`: default 10, at most 100 (this server's rule for
/// integer parameters: garbage means the default).
async fn package_reports(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LimitQuery>,
) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch host package reports";
    load_host(&state, &id, FAILED).await?;
    let rows = store::reports(&state.store, &id, int_param(&q.limit, 10, 100))
        .await
        .ctx(FAILED)?;
    let reports: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "status": r.status,
                "date": r.timestamp,
                "total_packages": r.total_packages,
                "outdated_packages": r.packages_count,
                "security_updates": r.security_count,
                "payload_kb": r.payload_size_kb,
                "execution_time_seconds": r.execution_time,
                "error_message": r.error_message,
            })
        })
        .collect();
    Ok(Json(
        json!({"host_id": id, "total": reports.len(), "reports": reports}),
    ))
}

/// A8. Commands waiting for the agent. This server delivers commands over the agent's
/// WebSocket instead of a job queue, so only `waiting` can be non-zero and there is no job
/// history yet; the shape is PatchMon's.
async fn agent_queue(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(_q): Query<LimitQuery>,
) -> Result<Json<Value>> {
    let host = load_host(&state, &id, "Failed to fetch host agent queue").await?;
    let waiting = state.agents.pending_count(&host.api_id).await;
    Ok(Json(json!({
        "host_id": id,
        "queue_status": {"waiting": waiting, "active": 0, "delayed": 0, "failed": 0},
        "job_history": [],
        "total_jobs": 0,
    })))
}

/// A9. Notes ("" when none).
async fn notes(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    let host = load_host(&state, &id, "Failed to fetch host notes").await?;
    Ok(Json(
        json!({"host_id": id, "notes": host.notes.unwrap_or_default()}),
    ))
}

const DOCKER_DESCRIPTION: &str =
    "Monitor Docker containers, images, volumes, and networks. Collects real-time container status events.";

/// A10. Integration status. The counts appear only when Docker is enabled; they are zero until
/// this server stores Docker inventory.
async fn integrations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = load_host(&state, &id, "Failed to fetch host integrations").await?;
    let docker = if host.docker_enabled {
        json!({"enabled": true, "containers_count": 0, "volumes_count": 0, "networks_count": 0, "description": DOCKER_DESCRIPTION})
    } else {
        json!({"enabled": false, "description": DOCKER_DESCRIPTION})
    };
    Ok(Json(
        json!({"host_id": id, "integrations": {"docker": docker}}),
    ))
}

/// A11. Deletes the host and, by cascade, everything recorded about it.
async fn remove(
    State(state): State<AppState>,
    credential: ApiCredential,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to delete host";
    if !is_uuid(&id) {
        return Err(Error::bad_request("Invalid host ID format"));
    }
    let host = load_host(&state, &id, FAILED).await?;
    let deleted = crate::hosts::store::delete_many(&state.store, std::slice::from_ref(&id))
        .await
        .ctx(FAILED)?;
    if deleted == 0 {
        return Err(Error::not_found("Host not found").with(
            "details",
            "The host may have been deleted or does not exist",
        ));
    }
    let label = format!("api credential: {}", credential.token_name);
    let actor = Actor {
        user_id: None,
        username: Some(&label),
        ip: Some(ip.to_string()),
    };
    audit::record(
        &state.store,
        &actor,
        "host_deleted",
        Some(("host", &id)),
        json!({"friendly_name": host.friendly_name, "credential_id": credential.id}),
    )
    .await;
    Ok(Json(json!({
        "message": "Host deleted successfully",
        "deleted": {"id": host.id, "friendly_name": host.friendly_name, "hostname": host.hostname},
    })))
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/api/hosts",
            READ,
            "Hosts with IP and groups (optionally package counts)",
            list,
        )
        .query(&[
            (
                "hostgroup",
                "comma-separated group names (exact) or ids; any of them",
            ),
            ("include", "stats: add OS, status and package counts"),
        ]),
        get(
            "/api/hosts/{id}/stats",
            READ,
            "Package and repository counts",
            stats,
        ),
        get(
            "/api/hosts/{id}/info",
            READ,
            "Host identity, OS, agent version and groups",
            info,
        ),
        get(
            "/api/hosts/{id}/network",
            READ,
            "IP, gateway, DNS servers and interfaces",
            network,
        ),
        get(
            "/api/hosts/{id}/system",
            READ,
            "Hardware, kernel, load, disks and reboot state",
            system,
        ),
        get(
            "/api/hosts/{id}/packages",
            READ,
            "Installed packages, security updates first",
            packages,
        )
        .query(&[("updates_only", "true: only packages with an update")]),
        get(
            "/api/hosts/{id}/package_reports",
            READ,
            "Report history, newest first",
            package_reports,
        )
        .query(&[("limit", "default 10, at most 100")]),
        get(
            "/api/hosts/{id}/agent_queue",
            READ,
            "Commands waiting for the agent",
            agent_queue,
        )
        .query(&[(
            "limit",
            "accepted for compatibility; there is no job history yet",
        )]),
        get("/api/hosts/{id}/notes", READ, "Host notes", notes),
        get(
            "/api/hosts/{id}/integrations",
            READ,
            "Integration status (Docker)",
            integrations,
        ),
        delete(
            "/api/hosts/{id}",
            DELETE,
            "Delete a host and everything recorded about it",
            remove,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("scoped-api"))
    .collect()
}
