//! Hosts, admin side: create (credentials shown once), list, edit, group, delete, regenerate
//! credentials. Agent-facing endpoints live in the ingest area.

mod edit;
pub mod store;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::crypto::random_hex;
use crate::http::query::{int_param, offset_param, page_envelope, page_params, search_param};
use crate::http::route::{delete, get, patch, perm, post, put, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::{ManageHosts, ViewHosts};
use store::{Host, ListFilter, NewHost};

/// A fresh credential pair: `patchmon_` + 16 hex id, 64 hex key.
pub fn new_credentials() -> (String, String) {
    (format!("patchmon_{}", random_hex(8)), random_hex(32))
}

async fn update_interval(state: &AppState) -> Result<i64> {
    Ok(state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .update_interval)
}

/// HostResponse objects for the given hosts, with their groups.
pub(crate) async fn render(state: &AppState, hosts: &[Host]) -> Result<Vec<Value>> {
    let ids: Vec<String> = hosts.iter().map(|h| h.id.clone()).collect();
    let groups = store::groups_of(&state.store, &ids)
        .await
        .ctx("Failed to load host groups")?;
    let interval = update_interval(state).await?;
    Ok(hosts
        .iter()
        .map(|h| {
            h.to_json(
                groups.get(&h.id).map(Vec::as_slice).unwrap_or(&[]),
                interval,
            )
        })
        .collect())
}

/// The host, or PatchMon's 404.
pub(crate) async fn load_host(state: &AppState, id: &str) -> Result<Host> {
    store::find(&state.store, id)
        .await
        .ctx("Failed to load host")?
        .ok_or_else(|| Error::not_found("Host not found"))
}

pub(crate) async fn render_one(state: &AppState, id: &str) -> Result<Value> {
    let host = load_host(state, id).await?;
    Ok(render(state, &[host]).await?.remove(0))
}

async fn list_all(State(state): State<AppState>) -> Result<Json<Value>> {
    let filter = ListFilter {
        sort_column: "friendly_name",
        ..ListFilter::default()
    };
    let (hosts, _) = store::list(&state.store, &filter, 100_000, 0)
        .await
        .ctx("Failed to load hosts")?;
    Ok(Json(Value::Array(render(&state, &hosts).await?)))
}

#[derive(Deserialize)]
struct OptionsQuery {
    search: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

async fn options(
    State(state): State<AppState>,
    Query(q): Query<OptionsQuery>,
) -> Result<Json<Value>> {
    let search = search_param(&q.search);
    let rows = store::options(
        &state.store,
        search.as_deref(),
        int_param(&q.limit, 100, 5000),
        offset_param(&q.offset),
    )
    .await
    .ctx("Failed to load host options")?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|r| json!({"id": r.id, "friendly_name": r.friendly_name, "hostname": r.hostname, "os_type": r.os_type, "status": r.status}))
        .collect();
    Ok(Json(Value::Array(rows)))
}

#[derive(Deserialize)]
struct AdminListQuery {
    page: Option<String>,
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
    all: Option<String>,
    search: Option<String>,
    group: Option<String>,
    status: Option<String>,
    os: Option<String>,
    sort: Option<String>,
    order: Option<String>,
}

/// Paginated admin list (PatchMon's page/pageSize envelope) with search, filters and sorting.
async fn admin_list(
    State(state): State<AppState>,
    Query(q): Query<AdminListQuery>,
) -> Result<Json<Value>> {
    let sort_column = match q.sort.as_deref().unwrap_or("created_at") {
        "created_at" => "created_at",
        "friendly_name" => "friendly_name",
        "hostname" => "hostname",
        "ip" => "ip",
        "os_type" => "os_type",
        "os_version" => "os_version",
        "status" => "status",
        "last_update" => "last_update",
        "agent_version" => "agent_version",
        _ => return Err(Error::bad_request("Unsupported sort field")),
    };
    let descending = match q.order.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(Error::bad_request("Unsupported sort order")),
    };
    let group = q.group.filter(|g| !g.is_empty());
    let filter = ListFilter {
        search: search_param(&q.search),
        ungrouped: group.as_deref() == Some("ungrouped"),
        group_id: group.filter(|g| g != "ungrouped"),
        status: q.status.filter(|s| !s.is_empty()),
        os_type: q.os.filter(|s| !s.is_empty()),
        sort_column,
        descending,
    };
    let (page, size, offset, all) = page_params(&q.page, &q.page_size, &q.all, 100, 500);
    let (hosts, total) = store::list(&state.store, &filter, size, offset)
        .await
        .ctx("Failed to load hosts")?;
    let data = render(&state, &hosts).await?;
    Ok(Json(page_envelope(data, total, page, size, all)))
}

async fn get_host(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(Json(render_one(&state, &id).await?))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateHost {
    #[serde(default)]
    friendly_name: String,
    #[serde(rename = "hostGroupIds", default)]
    host_group_ids: Vec<String>,
    #[serde(default)]
    docker_enabled: bool,
    #[serde(default)]
    compliance_enabled: bool,
    expected_platform: Option<String>,
}

pub const MAX_NAME: usize = 100;

/// A host's friendly name, trimmed, when it is 1 to [`MAX_NAME`] characters long.
pub(crate) fn valid_friendly_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME).then_some(name)
}

fn check_friendly_name(name: &str) -> Result<&str> {
    valid_friendly_name(name).ok_or_else(|| match name.trim().is_empty() {
        true => Error::bad_request("Friendly name is required"),
        false => Error::bad_request("Friendly name must be between 1 and 100 characters"),
    })
}

pub(crate) async fn check_groups_exist(state: &AppState, group_ids: &[String]) -> Result<()> {
    let unique: std::collections::BTreeSet<&String> = group_ids.iter().collect();
    let found = store::count_existing(&state.store, "host_groups", group_ids)
        .await
        .ctx("Failed to check host groups")?;
    if found != unique.len() {
        return Err(Error::bad_request("One or more host groups not found"));
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<CreateHost>,
) -> Result<(StatusCode, Json<Value>)> {
    let name = check_friendly_name(&body.friendly_name)?;
    check_groups_exist(&state, &body.host_group_ids).await?;
    let (api_id, api_key) = new_credentials();
    let hash = state.keys.credential_hash(&api_key);
    let mut group_ids = body.host_group_ids.clone();
    group_ids.sort();
    group_ids.dedup();
    let new = NewHost {
        friendly_name: name,
        machine_id: None,
        api_id: &api_id,
        api_key_hash: &hash,
        docker_enabled: body.docker_enabled,
        compliance_enabled: body.compliance_enabled,
        expected_platform: body.expected_platform.as_deref().filter(|p| !p.is_empty()),
        group_ids: &group_ids,
    };
    let host_id = store::create(&state.store, new)
        .await
        .ctx("Failed to create host")?;
    let host = render_one(&state, &host_id).await?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_created",
        Some(("host", &host_id)),
        json!({"friendly_name": name}),
    )
    .await;
    let server_url = state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .server_url
        .clone();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": "Host created successfully",
            "hostId": host_id,
            "friendlyName": name,
            "apiId": api_id,
            "apiKey": api_key,
            "hostGroups": host["host_group_memberships"],
            "instructions": format!(
                "Install the agent on the host with: curl -s {server_url}/api/v1/hosts/install -H \"X-API-ID: {api_id}\" -H \"X-API-KEY: <api key>\" | sh. The API key is shown only now."
            ),
        })),
    ))
}

pub(crate) fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}

pub fn routes() -> Vec<Route> {
    use edit::*;
    vec![
        get(
            "/hosts",
            perm(ViewHosts),
            "All hosts, by friendly name",
            list_all,
        ),
        get(
            "/hosts/options",
            perm(ViewHosts),
            "Host picker options (search, limit, offset)",
            options,
        ),
        get(
            "/hosts/admin/list",
            perm(ManageHosts),
            "Paginated host list with search, filters and sorting",
            admin_list,
        ),
        post(
            "/hosts/create",
            perm(ManageHosts),
            "Create a host; returns its API credentials once",
            create,
        )
        .body::<CreateHost>(),
        put(
            "/hosts/bulk/groups",
            perm(ManageHosts),
            "Replace the groups of several hosts",
            bulk_groups,
        )
        .body::<edit::BulkGroups>(),
        delete(
            "/hosts/bulk",
            perm(ManageHosts),
            "Delete several hosts (all or nothing)",
            delete_bulk,
        )
        .body::<edit::BulkDelete>(),
        get("/hosts/{host_id}", perm(ViewHosts), "One host", get_host),
        delete(
            "/hosts/{host_id}",
            perm(ManageHosts),
            "Delete a host",
            delete_one,
        ),
        put(
            "/hosts/{host_id}/groups",
            perm(ManageHosts),
            "Replace a host's groups",
            set_groups,
        )
        .body::<edit::SetGroups>(),
        patch(
            "/hosts/{host_id}/friendly-name",
            perm(ManageHosts),
            "Rename a host",
            set_friendly_name,
        )
        .body::<edit::FriendlyName>(),
        patch(
            "/hosts/{host_id}/notes",
            perm(ManageHosts),
            "Set a host's notes",
            set_notes,
        )
        .body::<edit::Notes>(),
        patch(
            "/hosts/{host_id}/connection",
            perm(ManageHosts),
            "Set a host's IP and hostname",
            set_connection,
        )
        .body::<edit::Connection>(),
        patch(
            "/hosts/{host_id}/auto-update",
            perm(ManageHosts),
            "Turn agent auto-update on or off",
            set_auto_update,
        )
        .body::<edit::AutoUpdate>(),
        post(
            "/hosts/{host_id}/regenerate-credentials",
            perm(ManageHosts),
            "Issue new API credentials (old ones stop working)",
            regenerate_credentials,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("hosts"))
    .collect()
}
