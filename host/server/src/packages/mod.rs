//! `/packages`: the fleet's package inventory, per-package detail and the hosts it is on.

pub mod store;

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::http::query::{int_param, search_param};
use crate::http::route::{get, perm, Route};
use crate::http::{Error, Result, StoreContext};
use crate::rbac::Permission::ViewPackages;
use store::{Install, ListFilter, PackageRow, SourceRepo};

pub fn routes() -> Vec<Route> {
    vec![
        get("/packages", perm(ViewPackages), "List packages", list),
        get(
            "/packages/categories/list",
            perm(ViewPackages),
            "Package categories",
            categories,
        ),
        get(
            "/packages/{packageId}",
            perm(ViewPackages),
            "Package detail (by id or name)",
            detail,
        ),
        get(
            "/packages/{packageId}/hosts",
            perm(ViewPackages),
            "Hosts with a package",
            hosts,
        ),
    ]
}

/// `page`/`limit` paging: pages are clamped so the offset stays within 50000.
fn page_and_limit(page: &Option<String>, limit: &Option<String>, default: i64) -> (i64, i64) {
    let limit = int_param(limit, default, 500);
    (int_param(page, 1, 50_000 / limit + 1), limit)
}

fn pagination(page: i64, limit: i64, total: i64) -> Value {
    json!({"page": page, "limit": limit, "total": total, "pages": ((total + limit - 1) / limit).max(1)})
}

fn source_repo_json(r: &SourceRepo) -> Value {
    json!({"repoId": r.repo_id, "repoName": r.repo_name, "repoUrl": r.repo_url, "repoType": r.repo_type})
}

#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    limit: Option<String>,
    search: Option<String>,
    category: Option<String>,
    #[serde(rename = "needsUpdate")]
    needs_update: Option<String>,
    #[serde(rename = "isSecurityUpdate")]
    is_security_update: Option<String>,
    host: Option<String>,
    repository: Option<String>,
    sort: Option<String>,
    order: Option<String>,
}

fn non_empty(raw: &Option<String>) -> Option<String> {
    raw.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

async fn list(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch packages";
    let (page, limit) = page_and_limit(&q.page, &q.limit, 50);
    let filter = ListFilter {
        search: search_param(&q.search),
        category: non_empty(&q.category),
        needs_update: q.needs_update.as_deref() == Some("true"),
        security: match q.is_security_update.as_deref() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        host_id: non_empty(&q.host),
        repository_id: non_empty(&q.repository),
    };
    let direction = if q.order.as_deref() == Some("desc") {
        "DESC"
    } else {
        "ASC"
    };
    let column = match q.sort.as_deref() {
        Some("latestVersion") => "p.latest_version",
        Some("packageHosts") => "installs",
        // Most urgent first when descending: security, then any update, then none.
        Some("status") => "CASE WHEN COALESCE(s.security, 0) > 0 THEN 2 WHEN COALESCE(s.updates, 0) > 0 THEN 1 ELSE 0 END",
        _ => "p.name",
    };
    let (rows, total, total_installs) = store::list(
        &state.store,
        &filter,
        &format!("{column} {direction}"),
        limit,
        (page - 1) * limit,
    )
    .await
    .ctx(FAILED)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let installs = store::installs_of(&state.store, &ids).await.ctx(FAILED)?;
    let repos = store::source_repos(&state.store, &ids).await.ctx(FAILED)?;
    let mut hosts_by_package: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for i in &installs {
        hosts_by_package
            .entry(&i.package_id)
            .or_default()
            .push(json!({
                "hostId": i.host_id, "friendlyName": i.friendly_name, "osType": i.os_type,
                "currentVersion": i.current_version, "availableVersion": i.available_version,
                "needsUpdate": i.needs_update, "isSecurityUpdate": i.is_security_update,
            }));
    }
    let packages: Vec<Value> = rows
        .iter()
        .map(|p| {
            let hosts = hosts_by_package.remove(p.id.as_str()).unwrap_or_default();
            json!({
                "id": p.id, "name": p.name, "description": p.description, "category": p.category,
                "latest_version": p.latest_version, "created_at": p.created_at,
                "packageHostsCount": p.installs, "packageHosts": hosts,
                "stats": {"totalInstalls": p.installs, "updatesNeeded": p.updates, "securityUpdates": p.security},
                "sourceRepos": repos.iter().filter(|r| r.package_id == p.id).map(source_repo_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(
        json!({"packages": packages, "totalInstalls": total_installs, "pagination": pagination(page, limit, total)}),
    ))
}

async fn categories(State(state): State<AppState>) -> Result<Json<Vec<String>>> {
    Ok(Json(
        store::categories(&state.store)
            .await
            .ctx("Failed to fetch categories")?,
    ))
}

async fn find(state: &AppState, id_or_name: &str, failed: &'static str) -> Result<PackageRow> {
    store::find(&state.store, id_or_name)
        .await
        .ctx(failed)?
        .ok_or_else(|| Error::not_found("Package not found"))
}

/// `[{key, count}]` most common first, from values in any order.
fn tally<'a>(values: impl Iterator<Item = &'a str>, key: &str) -> Vec<Value> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut entries: Vec<(&str, i64)> = counts.into_iter().collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    entries
        .into_iter()
        .map(|(v, count)| json!({key: v, "count": count}))
        .collect()
}

async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch package details";
    let p = find(&state, &id, FAILED).await?;
    let ids = [p.id.clone()];
    let installs = store::installs_of(&state.store, &ids).await.ctx(FAILED)?;
    let repos = store::source_repos(&state.store, &ids).await.ctx(FAILED)?;
    let host_packages: Vec<Value> = installs
        .iter()
        .map(|i| json!({
            "id": i.id, "host_id": i.host_id, "package_id": i.package_id, "current_version": i.current_version,
            "available_version": i.available_version, "needs_update": i.needs_update,
            "is_security_update": i.is_security_update, "last_checked": i.last_checked,
            "source_repo_id": i.source_repo_id, "source_repo_name": i.source_repo_name,
            "hosts": {
                "id": i.host_id, "friendly_name": i.friendly_name, "hostname": i.hostname, "ip": i.ip,
                "os_type": i.os_type, "os_version": i.os_version, "last_update": i.last_update,
                "needs_reboot": i.needs_reboot,
            },
        }))
        .collect();
    Ok(Json(json!({
        "id": p.id, "name": p.name, "description": p.description, "category": p.category,
        "latest_version": p.latest_version, "created_at": p.created_at, "updated_at": p.updated_at,
        "host_packages": host_packages,
        "stats": {
            "totalInstalls": p.installs, "updatesNeeded": p.updates, "securityUpdates": p.security,
            "upToDate": p.installs - p.updates,
        },
        "distributions": {
            "versions": tally(installs.iter().map(|i| i.current_version.as_str()), "version"),
            "osTypes": tally(installs.iter().map(|i| i.os_type.as_str()), "osType"),
        },
        "sourceRepos": repos.iter().map(source_repo_json).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
struct HostsQuery {
    page: Option<String>,
    limit: Option<String>,
    search: Option<String>,
    #[serde(rename = "needsUpdate")]
    needs_update: Option<String>,
}

fn host_entry(i: &Install) -> Value {
    json!({
        "hostId": i.host_id, "friendlyName": i.friendly_name, "hostname": i.hostname, "osType": i.os_type,
        "osVersion": i.os_version, "lastUpdate": i.last_update, "currentVersion": i.current_version,
        "availableVersion": i.available_version, "needsUpdate": i.needs_update,
        "isSecurityUpdate": i.is_security_update, "lastChecked": i.last_checked,
        "needsReboot": i.needs_reboot, "rebootReason": i.reboot_reason, "sourceRepoName": i.source_repo_name,
    })
}

async fn hosts(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HostsQuery>,
) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch package hosts";
    let p = find(&state, &id, FAILED).await?;
    let (page, limit) = page_and_limit(&q.page, &q.limit, 25);
    let needs_update = match q.needs_update.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let search = search_param(&q.search);
    let (rows, total) = store::installs_page(
        &state.store,
        &p.id,
        search.as_deref(),
        needs_update,
        limit,
        (page - 1) * limit,
    )
    .await
    .ctx(FAILED)?;
    Ok(Json(json!({
        "hosts": rows.iter().map(host_entry).collect::<Vec<_>>(),
        "pagination": pagination(page, limit, total),
    })))
}
