//! `/dashboard/hosts` (filters, sort, optional server-side paging), host detail, host counts,
//! recent collection and the host filter options.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::SecondsFormat;
use serde::Deserialize;
use serde_json::{json, Value};

use super::store::{self, Arg, HostQuery, Thresholds};
use crate::app::AppState;
use crate::hosts::store::{groups_of, GroupRef, Host};
use crate::http::query::{int_param, offset_param, search_param};
use crate::http::route::{get, perm, Route};
use crate::http::{Error, Result, StoreContext};
use crate::rbac::Permission::ViewHosts;

/// Without `limit` the legacy bare array is returned, capped at this many rows.
const BARE_ARRAY_CAP: i64 = 5000;
const MAX_SELECTED_CHARS: usize = 20_000;
const MAX_SELECTED_IDS: usize = 1000;

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/dashboard/hosts",
            perm(ViewHosts),
            "List hosts with package counts",
            list,
        ),
        get(
            "/dashboard/host-counts",
            perm(ViewHosts),
            "Host status counts",
            counts,
        ),
        get(
            "/dashboard/hosts/{hostId}",
            perm(ViewHosts),
            "Host detail",
            detail,
        ),
        get(
            "/dashboard/recent-collection",
            perm(ViewHosts),
            "Most recently reporting hosts",
            recent_collection,
        ),
        get(
            "/dashboard/host-filter-options",
            perm(ViewHosts),
            "Host filter options",
            filter_options,
        ),
    ]
}

pub(super) async fn thresholds(state: &AppState) -> Result<Thresholds> {
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    Ok(Thresholds::new(settings.row.update_interval))
}

#[derive(Deserialize)]
struct ListQuery {
    search: Option<String>,
    group: Option<String>,
    status: Option<String>,
    os: Option<String>,
    #[serde(rename = "osVersion")]
    os_version: Option<String>,
    filter: Option<String>,
    selected: Option<String>,
    reboot: Option<String>,
    #[serde(rename = "hideStale")]
    hide_stale: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn non_empty(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The ORDER BY expression of a sort field; `None` for an unsupported one.
fn sort_expression(field: &str) -> Option<&'static str> {
    Some(match field {
        "agent_version" => "agent_version",
        "friendly_name" => "LOWER(friendly_name)",
        "group" => "(SELECT MIN(g.name) FROM host_group_memberships m JOIN host_groups g ON g.id = m.host_group_id WHERE m.host_id = hosts.id)",
        "hostname" => "LOWER(hostname)",
        "integrations" => "docker_enabled",
        "ip" => "ip",
        "last_update" => "last_update",
        "needs_reboot" => "needs_reboot",
        "notes" => "notes",
        "os_type" => "os_type",
        "os_version" => "os_version",
        "security_updates" => "security_count",
        // No compliance scanner reports SSG versions yet, so the column is null for every host.
        "ssg_version" => "LOWER(friendly_name)",
        "status" => "status",
        "updates" => "outdated_count",
        "uptime" => "system_uptime",
        _ => return None,
    })
}

/// Validates the query into SQL; errors carry PatchMon's exact 400 messages.
fn build_query(q: &ListQuery, t: Thresholds, paged: bool) -> Result<HostQuery> {
    let sort = non_empty(&q.sort).unwrap_or("last_update");
    let sort_expr =
        sort_expression(sort).ok_or_else(|| Error::bad_request("Unsupported sort field"))?;
    let direction = match non_empty(&q.order).map(str::to_ascii_lowercase).as_deref() {
        None | Some("desc") => "DESC",
        Some("asc") => "ASC",
        Some(_) => return Err(Error::bad_request("Unsupported sort order")),
    };
    let filter = non_empty(&q.filter);
    let mut query = HostQuery {
        conditions: Vec::new(),
        args: Vec::new(),
        order_by: format!("{sort_expr} {direction}"),
    };
    if let Some(text) = search_param(&q.search) {
        let p = query.arg(Arg::Text(crate::store::like_pattern(&text)));
        query.conditions.push(format!(
            "(LOWER(friendly_name) LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(hostname, '')) LIKE {p} ESCAPE '\\' \
             OR LOWER(COALESCE(ip, '')) LIKE {p} ESCAPE '\\' OR LOWER(os_type) LIKE {p} ESCAPE '\\' \
             OR LOWER(COALESCE(notes, '')) LIKE {p} ESCAPE '\\')"
        ));
    }
    match non_empty(&q.group) {
        Some("ungrouped") => query
            .conditions
            .push("hosts.id NOT IN (SELECT host_id FROM host_group_memberships)".into()),
        Some(group) => {
            let p = query.arg(Arg::Text(group.into()));
            query.conditions.push(format!(
                "hosts.id IN (SELECT host_id FROM host_group_memberships WHERE host_group_id = {p})"
            ));
        }
        None => {}
    }
    if let Some(status) = non_empty(&q.status) {
        let p = query.arg(Arg::Text(status.into()));
        query.conditions.push(format!("status = {p}"));
    }
    if let Some(os) = non_empty(&q.os) {
        let p = query.arg(Arg::Text(os.to_lowercase()));
        query.conditions.push(format!("LOWER(os_type) = {p}"));
    }
    if let Some(version) = non_empty(&q.os_version) {
        let p = query.arg(Arg::Text(version.to_lowercase()));
        query.conditions.push(format!("LOWER(os_version) = {p}"));
    }
    if q.reboot.as_deref() == Some("true") {
        query.conditions.push("needs_reboot = TRUE".into());
    }
    if q.hide_stale.as_deref() == Some("true") {
        let p = query.arg(Arg::Time(t.stale));
        query
            .conditions
            .push(format!("NOT (status = 'active' AND last_update < {p})"));
    }
    let condition = match filter {
        None => None,
        Some("needsUpdates") => Some("outdated_count > 0".to_string()),
        Some("upToDate") => Some("package_count > 0 AND outdated_count = 0".into()),
        Some("awaitingData") => Some("package_count = 0".into()),
        Some("inactive") => {
            let p = query.arg(Arg::Time(t.stale));
            Some(format!(
                "((status = 'active' AND last_update < {p}) OR status = 'inactive')"
            ))
        }
        Some("stale") => {
            let p = query.arg(Arg::Time(t.stale));
            Some(format!("status = 'active' AND last_update < {p}"))
        }
        Some("offline") => {
            // Upstream has no server-side predicate for offline, so it cannot be paged.
            if paged {
                return Err(Error::bad_request(
                    "offline filter is not supported with server-side pagination",
                ));
            }
            let p = query.arg(Arg::Time(t.offline));
            Some(format!("status = 'active' AND last_update < {p}"))
        }
        Some("selected") => Some(selected_condition(
            &mut query,
            q.selected.as_deref().unwrap_or(""),
        )?),
        Some(_) => return Err(Error::bad_request("Unsupported host filter")),
    };
    query.conditions.extend(condition);
    Ok(query)
}

fn selected_condition(query: &mut HostQuery, raw: &str) -> Result<String> {
    if raw.len() > MAX_SELECTED_CHARS {
        return Err(Error::bad_request("selected query is too large"));
    }
    let ids: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() > MAX_SELECTED_IDS {
        return Err(Error::bad_request("too many selected hosts requested"));
    }
    if ids.is_empty() {
        return Ok("FALSE".into());
    }
    let placeholders: Vec<String> = ids
        .iter()
        .map(|id| query.arg(Arg::Text((*id).into())))
        .collect();
    Ok(format!("hosts.id IN ({})", placeholders.join(", ")))
}

fn rfc3339(ts: chrono::DateTime<chrono::Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn memberships(groups: &[GroupRef]) -> Vec<Value> {
    groups.iter().map(|g| json!({"host_groups": g})).collect()
}

fn list_item(h: &Host, groups: &[GroupRef], t: Thresholds, interval: i64) -> Value {
    let is_stale = h.status == "active" && h.last_update < t.stale;
    let reporting_state = if h.last_update >= t.reporting {
        "reporting"
    } else if h.last_update >= t.stale {
        "overdue"
    } else {
        "stale"
    };
    let update_state = if h.security_count > 0 {
        "security_required"
    } else if h.outdated_count > 0 {
        "updates_pending"
    } else {
        "up_to_date"
    };
    json!({
        "id": h.id, "machine_id": h.machine_id, "friendly_name": h.friendly_name, "hostname": h.hostname,
        "ip": h.ip, "os_type": h.os_type, "os_version": h.os_version, "status": h.status,
        "agent_version": h.agent_version, "auto_update": h.auto_update, "notes": h.notes, "api_id": h.api_id,
        "needs_reboot": h.needs_reboot, "reboot_reason": h.reboot_reason, "system_uptime": h.system_uptime,
        "boot_time": h.boot_time, "docker_enabled": h.docker_enabled, "compliance_enabled": h.compliance_enabled,
        "compliance_on_demand_only": h.compliance_on_demand_only, "last_update": rfc3339(h.last_update),
        "isStale": is_stale, "effectiveStatus": h.effective_status(interval),
        "host_group_memberships": memberships(groups), "ssg_version": Value::Null,
        "updatesCount": h.outdated_count, "securityUpdatesCount": h.security_count,
        "totalPackagesCount": h.package_count, "reportingState": reporting_state, "updateState": update_state,
    })
}

async fn list(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<Value>> {
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    let interval = settings.row.update_interval;
    let t = Thresholds::new(interval);
    let paged = q.limit.is_some();
    let query = build_query(&q, t, paged)?;
    let (limit, offset) = if paged {
        (int_param(&q.limit, 100, 500), offset_param(&q.offset))
    } else {
        (BARE_ARRAY_CAP, 0)
    };
    let (rows, total) = store::list_hosts(&state.store, query, limit, offset)
        .await
        .ctx("Failed to fetch hosts")?;
    let ids: Vec<String> = rows.iter().map(|h| h.id.clone()).collect();
    let groups = groups_of(&state.store, &ids)
        .await
        .ctx("Failed to fetch hosts")?;
    let items: Vec<Value> = rows
        .iter()
        .map(|h| {
            list_item(
                h,
                groups.get(&h.id).map(Vec::as_slice).unwrap_or(&[]),
                t,
                interval,
            )
        })
        .collect();
    if !paged {
        return Ok(Json(Value::Array(items)));
    }
    Ok(Json(
        json!({"items": items, "total": total, "limit": limit, "offset": offset}),
    ))
}

async fn counts(State(state): State<AppState>) -> Result<Json<Value>> {
    let t = thresholds(&state).await?;
    let hosts = store::host_tallies(&state.store, t)
        .await
        .ctx("Failed to fetch host counts")?;
    let packages = store::package_tallies(&state.store)
        .await
        .ctx("Failed to fetch host counts")?;
    Ok(Json(json!({
        "total": hosts.total, "up": hosts.up, "stale": hosts.stale, "down": hosts.down,
        "inactive": hosts.inactive, "needsReboot": hosts.needs_reboot, "needsUpdates": packages.hosts_needing_updates,
    })))
}

#[derive(Deserialize)]
struct DetailQuery {
    limit: Option<String>,
    offset: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    Path(host_id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch host details";
    let h = crate::hosts::store::find(&state.store, &host_id)
        .await
        .ctx(FAILED)?
        .ok_or_else(|| Error::not_found("Host not found"))?;
    let extra = store::host_detail_extra(&state.store, &host_id)
        .await
        .ctx(FAILED)?
        .ok_or_else(|| Error::not_found("Host not found"))?;
    let groups = groups_of(&state.store, std::slice::from_ref(&host_id))
        .await
        .ctx(FAILED)?;
    let groups = groups.get(&host_id).map(Vec::as_slice).unwrap_or(&[]);
    let settings = state.settings.get().await.ctx(FAILED)?;
    let mut host = h.to_json(groups, settings.row.update_interval);
    let packages = store::host_packages(&state.store, &host_id)
        .await
        .ctx(FAILED)?;
    let (limit, offset) = (int_param(&q.limit, 10, 100), offset_param(&q.offset));
    let (history, total) = store::host_history(&state.store, &host_id, limit, offset)
        .await
        .ctx(FAILED)?;
    let json_or =
        |v: Option<sqlx::types::Json<Value>>, default: Value| v.map(|j| j.0).unwrap_or(default);
    let fields = json!({
        "gateway_ip": extra.gateway_ip, "kernel_version": extra.kernel_version,
        "installed_kernel_version": extra.installed_kernel_version, "cpu_cores": extra.cpu_cores,
        "cpu_model": extra.cpu_model, "ram_installed": extra.ram_installed, "swap_size": extra.swap_size,
        "selinux_status": extra.selinux_status,
        "dns_servers": json_or(extra.dns_servers, json!([])),
        "network_interfaces": h.network_interfaces.as_ref().map(|j| j.0.clone()).unwrap_or(json!([])),
        "disk_details": json_or(extra.disk_details, Value::Null),
        "load_average": json_or(extra.load_average, Value::Null),
        "compliance_on_demand_only": h.compliance_on_demand_only,
        "host_group_memberships": memberships(groups),
        "stats": {
            "total_packages": packages.len(),
            "outdated_packages": packages.iter().filter(|p| p.needs_update).count(),
            "security_updates": packages.iter().filter(|p| p.needs_update && p.is_security_update).count(),
        },
        "host_packages": packages.iter().map(|p| json!({
            "id": p.id, "host_id": p.host_id, "package_id": p.package_id, "current_version": p.current_version,
            "available_version": p.available_version, "needs_update": p.needs_update,
            "is_security_update": p.is_security_update, "last_checked": p.last_checked, "packages": {"name": p.name},
        })).collect::<Vec<_>>(),
        "update_history": history.iter().map(|h| json!({
            "id": h.id, "host_id": h.host_id, "packages_count": h.packages_count, "security_count": h.security_count,
            "total_packages": h.total_packages, "payload_size_kb": h.payload_size_kb, "execution_time": h.execution_time,
            "timestamp": h.timestamp, "status": h.status, "error_message": h.error_message,
        })).collect::<Vec<_>>(),
        "pagination": {"total": total, "limit": limit, "offset": offset, "hasMore": offset + limit < total},
    });
    let object = host.as_object_mut().expect("host renders as an object");
    object.extend(fields.as_object().expect("object literal").clone());
    Ok(Json(host))
}

async fn recent_collection(State(state): State<AppState>) -> Result<Json<Value>> {
    let hosts = store::recent_hosts(&state.store)
        .await
        .ctx("Failed to fetch recent collection")?;
    let items: Vec<Value> = hosts
        .iter()
        .map(|h| json!({"id": h.id, "friendly_name": h.friendly_name, "hostname": h.hostname, "last_update": h.last_update, "status": h.status}))
        .collect();
    Ok(Json(Value::Array(items)))
}

/// `{"name","count","os_type","os_version"}` entries, shared with the stats chart.
pub(super) fn os_entries(rows: &[store::OsCount]) -> Vec<Value> {
    rows.iter()
        .map(|r| json!({"name": format!("{} {}", r.os_type, r.os_version), "count": r.count, "os_type": r.os_type, "os_version": r.os_version}))
        .collect()
}

async fn filter_options(State(state): State<AppState>) -> Result<Json<Value>> {
    let rows = store::os_distribution(&state.store, true)
        .await
        .ctx("Failed to fetch host filter options")?;
    Ok(Json(json!({"osDistribution": os_entries(&rows)})))
}
