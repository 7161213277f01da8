//! Repositories the fleet's hosts use: list with the security score, per-host links, edits and
//! orphan clean-up.

mod store;

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::http::query::{int_param, offset_param, search_param};
use crate::http::route::{delete, get, patch, perm, put, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::{ManageHosts, ViewHosts};
use crate::users::store::rfc3339;
use store::{HostLink, ListFilter, RepoUpdate, Repository};

#[derive(Deserialize)]
struct ListQuery {
    host: Option<String>,
    search: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    sort: Option<String>,
    order: Option<String>,
}

fn list_item(repo: &Repository, links: &[HostLink]) -> Value {
    let mut item = repo.to_json();
    let hosts: Vec<Value> = links
        .iter()
        .map(|l| {
            json!({"id": l.host_id, "friendlyName": l.friendly_name, "status": l.status,
                   "isEnabled": l.is_enabled, "lastChecked": rfc3339(&l.last_checked)})
        })
        .collect();
    item["hostCount"] = json!(links.len());
    item["enabledHostCount"] = json!(links.iter().filter(|l| l.is_enabled).count());
    item["activeHostCount"] = json!(links.iter().filter(|l| l.status == "active").count());
    item["hosts"] = Value::Array(hosts);
    item
}

async fn list(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<Value>> {
    let wrapped = q.limit.is_some() || q.offset.is_some() || q.sort.is_some() || q.order.is_some();
    let sort = match q.sort.as_deref().unwrap_or("name") {
        "name" => "r.name",
        "url" => "r.url",
        "distribution" => "r.distribution",
        "security" => "r.is_secure",
        "status" => "r.is_active",
        "hostCount" => "(SELECT COUNT(*) FROM host_repositories c WHERE c.repository_id = r.id)",
        _ => return Err(Error::bad_request("Unsupported sort field")),
    };
    let filter = ListFilter {
        host_id: q.host.filter(|h| !h.is_empty()),
        search: search_param(&q.search),
        active: match q.status.as_deref() {
            Some("active") => Some(true),
            Some("inactive") => Some(false),
            _ => None,
        },
        secure: match q.kind.as_deref() {
            Some("secure") => Some(true),
            Some("insecure") => Some(false),
            _ => None,
        },
        sort,
        descending: q.order.as_deref() == Some("desc"),
    };
    let (limit, offset) = if wrapped {
        (int_param(&q.limit, 50, 500), offset_param(&q.offset))
    } else {
        (5000, 0)
    };
    let (repos, total) = store::list(&state.store, &filter, limit, offset)
        .await
        .ctx("Failed to fetch repositories")?;
    let ids: Vec<String> = repos.iter().map(|r| r.id.clone()).collect();
    let links = store::links_of(&state.store, &ids)
        .await
        .ctx("Failed to fetch repositories")?;
    let items: Vec<Value> = repos
        .iter()
        .map(|r| list_item(r, links.get(&r.id).map(Vec::as_slice).unwrap_or(&[])))
        .collect();
    if !wrapped {
        return Ok(Json(Value::Array(items)));
    }
    Ok(Json(
        json!({"items": items, "total": total, "limit": limit, "offset": offset}),
    ))
}

async fn summary(State(state): State<AppState>) -> Result<Json<Value>> {
    let s = store::summary(&state.store)
        .await
        .ctx("Failed to fetch repository statistics")?;
    let percentage = if s.total > 0 {
        s.secure * 100 / s.total
    } else {
        0
    };
    Ok(Json(json!({
        "totalRepositories": s.total, "activeRepositories": s.active, "secureRepositories": s.secure,
        "enabledHostRepositories": s.enabled_links, "securityPercentage": percentage,
    })))
}

async fn of_host(
    State(state): State<AppState>,
    Path(host_id): Path<String>,
) -> Result<Json<Value>> {
    let links = store::links_of_host(&state.store, &host_id)
        .await
        .ctx("Failed to fetch host repositories")?;
    let items: Vec<Value> = links
        .iter()
        .map(|(l, r)| {
            json!({"id": l.id, "host_id": l.host_id, "repository_id": l.repository_id, "is_enabled": l.is_enabled,
                   "last_checked": rfc3339(&l.last_checked), "repositories": r.to_json(),
                   "hosts": {"id": l.host_id, "friendly_name": l.friendly_name}})
        })
        .collect();
    Ok(Json(Value::Array(items)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ToggleBody {
    #[serde(rename = "isEnabled")]
    is_enabled: bool,
}

async fn toggle(
    State(state): State<AppState>,
    Path((host_id, repo_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ToggleBody>,
) -> Result<Json<Value>> {
    if !store::set_link_enabled(&state.store, &host_id, &repo_id, body.is_enabled)
        .await
        .ctx("Failed to update host repository")?
    {
        return Err(Error::not_found("Host repository not found"));
    }
    let links = store::links_of_host(&state.store, &host_id)
        .await
        .ctx("Failed to update host repository")?;
    let (link, repo) = links
        .iter()
        .find(|(l, _)| l.repository_id == repo_id)
        .ok_or_else(|| Error::not_found("Host repository not found"))?;
    let word = if body.is_enabled {
        "enabled"
    } else {
        "disabled"
    };
    Ok(Json(json!({
        "message": format!("Repository {word} for host {}", link.friendly_name),
        "hostRepository": {"id": link.id, "host_id": link.host_id, "repository_id": link.repository_id,
                           "is_enabled": link.is_enabled, "last_checked": rfc3339(&link.last_checked),
                           "repositories": repo.to_json(), "hosts": {"id": link.host_id, "friendly_name": link.friendly_name}},
    })))
}

async fn cleanup_orphans(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
) -> Result<Json<Value>> {
    let orphans = store::orphans(&state.store)
        .await
        .ctx("Failed to clean up repositories")?;
    if orphans.is_empty() {
        return Ok(Json(
            json!({"message": "No orphaned repositories found", "deletedCount": 0, "deletedRepositories": []}),
        ));
    }
    for repo in &orphans {
        store::delete(&state.store, &repo.id)
            .await
            .ctx("Failed to clean up repositories")?;
    }
    let deleted: Vec<Value> = orphans
        .iter()
        .map(|r| json!({"id": r.id, "name": r.name, "url": r.url}))
        .collect();
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "repositories_cleaned",
        None,
        json!({"count": deleted.len()}),
    )
    .await;
    Ok(Json(json!({
        "message": format!("Successfully deleted {} orphaned repositories", deleted.len()),
        "deletedCount": deleted.len(),
        "deletedRepositories": deleted,
    })))
}

async fn load(state: &AppState, id: &str) -> Result<Repository> {
    store::find(&state.store, id)
        .await
        .ctx("Failed to fetch repository")?
        .ok_or_else(|| Error::not_found("Repository not found"))
}

async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    let repo = load(&state, &id).await?;
    let links = store::links_of(&state.store, std::slice::from_ref(&id))
        .await
        .ctx("Failed to fetch repository")?;
    let hosts: Vec<Value> = links
        .get(&id)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|l| {
            json!({"id": l.id, "host_id": l.host_id, "repository_id": l.repository_id, "is_enabled": l.is_enabled,
                   "last_checked": rfc3339(&l.last_checked),
                   "hosts": {"id": l.host_id, "friendly_name": l.friendly_name, "hostname": l.hostname, "ip": l.ip,
                             "os_type": l.os_type, "os_version": l.os_version, "status": l.status,
                             "last_update": l.last_update, "needs_reboot": l.needs_reboot}})
        })
        .collect();
    let mut body = repo.to_json();
    body["host_repositories"] = Value::Array(hosts);
    Ok(Json(body))
}

/// `priority` accepts a number, a numeric string, or `""`/null to clear it.
fn priority_of(value: &Value) -> Result<Option<i64>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::bad_request("priority must be a whole number")),
        Value::Number(n) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| Error::bad_request("priority must be a whole number")),
        _ => Err(Error::bad_request("priority must be a whole number")),
    }
}

async fn update(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    let repo = load(&state, &id).await?;
    let mut change = RepoUpdate {
        name: repo.name.clone(),
        description: repo.description.clone(),
        is_active: repo.is_active,
        priority: repo.priority,
    };
    for (key, value) in &body {
        match key.as_str() {
            "name" => {
                let name = value.as_str().map(str::trim).unwrap_or("");
                if name.is_empty() {
                    return Err(Error::bad_request("Name is required"));
                }
                change.name = name.chars().take(255).collect();
            }
            "description" => {
                change.description = value
                    .as_str()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
            }
            "isActive" | "is_active" => {
                change.is_active = value
                    .as_bool()
                    .ok_or_else(|| Error::bad_request(format!("{key} must be true or false")))?
            }
            "priority" => change.priority = priority_of(value)?,
            other => return Err(Error::bad_request(format!("Unknown field: {other}"))),
        }
    }
    store::update(&state.store, &id, &change)
        .await
        .ctx("Failed to update repository")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "repository_updated",
        Some(("repository", &id)),
        Value::Object(body),
    )
    .await;
    Ok(Json(load(&state, &id).await?.to_json()))
}

async fn remove(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let repo = load(&state, &id).await?;
    let links = store::links_of(&state.store, std::slice::from_ref(&id))
        .await
        .ctx("Failed to delete repository")?;
    let host_count = links.get(&id).map_or(0, Vec::len);
    store::delete(&state.store, &id)
        .await
        .ctx("Failed to delete repository")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "repository_deleted",
        Some(("repository", &id)),
        json!({"url": repo.url}),
    )
    .await;
    Ok(Json(json!({
        "message": "Repository deleted successfully",
        "deletedRepository": {"id": repo.id, "name": repo.name, "url": repo.url, "hostCount": host_count},
    })))
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/repositories",
            perm(ViewHosts),
            "Repositories with host counts (bare array, or an envelope with limit/offset/sort)",
            list,
        ),
        get(
            "/repositories/stats/summary",
            perm(ViewHosts),
            "Repository counts and the security percentage",
            summary,
        ),
        get(
            "/repositories/host/{host_id}",
            perm(ViewHosts),
            "A host's repositories",
            of_host,
        ),
        patch(
            "/repositories/host/{host_id}/repository/{repository_id}",
            perm(ManageHosts),
            "Enable or disable a repository for a host",
            toggle,
        )
        .body::<ToggleBody>(),
        delete(
            "/repositories/cleanup/orphaned",
            perm(ManageHosts),
            "Delete repositories no host uses",
            cleanup_orphans,
        ),
        get(
            "/repositories/{repository_id}",
            perm(ViewHosts),
            "One repository with its hosts",
            detail,
        ),
        put(
            "/repositories/{repository_id}",
            perm(ManageHosts),
            "Update a repository",
            update,
        )
        .body::<Map<String, Value>>(),
        delete(
            "/repositories/{repository_id}",
            perm(ManageHosts),
            "Delete a repository",
            remove,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("repositories"))
    .collect()
}
