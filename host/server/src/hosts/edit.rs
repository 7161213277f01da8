//! Editing hosts: groups, names, notes, connection details, auto-update, credentials, deletion.

use axum::extract::{Path, State};
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::store::{self, HostTextColumn};
use super::{check_groups_exist, dedup, load_host, new_credentials, render_one, MAX_NAME};
use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SetGroups {
    #[serde(rename = "groupIds", default)]
    group_ids: Option<Vec<String>>,
}

pub(super) async fn set_groups(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SetGroups>,
) -> Result<Json<Value>> {
    load_host(&state, &id).await?;
    let group_ids = dedup(body.group_ids.unwrap_or_default());
    check_groups_exist(&state, &group_ids).await?;
    store::set_groups(&state.store, std::slice::from_ref(&id), &group_ids)
        .await
        .ctx("Failed to update host groups")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_groups_set",
        Some(("host", &id)),
        json!({"group_ids": group_ids}),
    )
    .await;
    Ok(Json(
        json!({"message": "Host groups updated successfully", "host": render_one(&state, &id).await?}),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BulkGroups {
    #[serde(rename = "hostIds", default)]
    host_ids: Vec<String>,
    #[serde(rename = "groupIds", default)]
    group_ids: Vec<String>,
}

/// Replaces the memberships of every listed host (all or nothing).
pub(super) async fn bulk_groups(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<BulkGroups>,
) -> Result<Json<Value>> {
    let host_ids = dedup(body.host_ids);
    if host_ids.is_empty() {
        return Err(Error::bad_request("Host IDs must be an array"));
    }
    let group_ids = dedup(body.group_ids);
    check_groups_exist(&state, &group_ids).await?;
    if store::count_existing(&state.store, "hosts", &host_ids)
        .await
        .ctx("Failed to check hosts")?
        != host_ids.len()
    {
        return Err(Error::not_found("Some hosts not found"));
    }
    store::set_groups(&state.store, &host_ids, &group_ids)
        .await
        .ctx("Failed to update host groups")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_groups_bulk_set",
        None,
        json!({"host_ids": host_ids, "group_ids": group_ids}),
    )
    .await;
    let mut hosts = Vec::with_capacity(host_ids.len());
    for id in &host_ids {
        hosts.push(render_one(&state, id).await?);
    }
    Ok(Json(json!({
        "message": format!("Successfully updated {} host(s)", host_ids.len()),
        "updatedCount": host_ids.len(),
        "hosts": hosts,
    })))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FriendlyName {
    #[serde(default)]
    friendly_name: String,
}

pub(super) async fn set_friendly_name(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<FriendlyName>,
) -> Result<Json<Value>> {
    let name = body.friendly_name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::bad_request(
            "Friendly name must be between 1 and 100 characters",
        ));
    }
    if !store::set_text(&state.store, &id, HostTextColumn::FriendlyName, Some(name))
        .await
        .ctx("Failed to update host")?
    {
        return Err(Error::not_found("Host not found"));
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_renamed",
        Some(("host", &id)),
        json!({"friendly_name": name}),
    )
    .await;
    Ok(Json(
        json!({"message": "Friendly name updated successfully", "host": render_one(&state, &id).await?}),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Notes {
    notes: Option<String>,
}

const MAX_NOTES: usize = 10_000;

pub(super) async fn set_notes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Notes>,
) -> Result<Json<Value>> {
    let notes = body.notes.filter(|n| !n.trim().is_empty());
    if notes
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTES)
    {
        return Err(Error::bad_request("Notes must be at most 10000 characters"));
    }
    if !store::set_text(&state.store, &id, HostTextColumn::Notes, notes.as_deref())
        .await
        .ctx("Failed to update host")?
    {
        return Err(Error::not_found("Host not found"));
    }
    Ok(Json(
        json!({"message": "Notes updated successfully", "host": render_one(&state, &id).await?}),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Connection {
    ip: Option<String>,
    hostname: Option<String>,
}

pub(super) async fn set_connection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Connection>,
) -> Result<Json<Value>> {
    load_host(&state, &id).await?;
    if let Some(ip) = body.ip {
        let ip = ip.trim();
        if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
            return Err(Error::bad_request(
                "ip must be a valid IPv4 or IPv6 address",
            ));
        }
        store::set_text(
            &state.store,
            &id,
            HostTextColumn::Ip,
            Some(ip).filter(|s| !s.is_empty()),
        )
        .await
        .ctx("Failed to update host")?;
    }
    if let Some(hostname) = body.hostname {
        let hostname = hostname.trim();
        if hostname.len() > 253 {
            return Err(Error::bad_request(
                "hostname must be at most 253 characters",
            ));
        }
        store::set_text(
            &state.store,
            &id,
            HostTextColumn::Hostname,
            Some(hostname).filter(|s| !s.is_empty()),
        )
        .await
        .ctx("Failed to update host")?;
    }
    Ok(Json(
        json!({"message": "Host connection information updated successfully", "host": render_one(&state, &id).await?}),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AutoUpdate {
    auto_update: bool,
}

pub(super) async fn set_auto_update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AutoUpdate>,
) -> Result<Json<Value>> {
    if !store::set_auto_update(&state.store, &id, body.auto_update)
        .await
        .ctx("Failed to update host")?
    {
        return Err(Error::not_found("Host not found"));
    }
    let host = load_host(&state, &id).await?;
    let word = if body.auto_update {
        "enabled"
    } else {
        "disabled"
    };
    Ok(Json(json!({
        "message": format!("Agent auto-update {word} successfully"),
        "host": {"id": host.id, "friendlyName": host.friendly_name, "autoUpdate": host.auto_update},
    })))
}

pub(super) async fn regenerate_credentials(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = load_host(&state, &id).await?;
    let (api_id, api_key) = new_credentials();
    store::set_credentials(
        &state.store,
        &id,
        &api_id,
        &state.keys.credential_hash(&api_key),
    )
    .await
    .ctx("Failed to regenerate credentials")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_credentials_regenerated",
        Some(("host", &id)),
        json!({"old_api_id": host.api_id, "new_api_id": api_id}),
    )
    .await;
    Ok(Json(json!({
        "message": "API credentials regenerated successfully",
        "hostname": host.hostname.unwrap_or(host.friendly_name),
        "apiId": api_id,
        "apiKey": api_key,
        "warning": "Previous credentials are now invalid. Update your agent configuration.",
    })))
}

pub(super) async fn delete_one(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let host = load_host(&state, &id).await?;
    store::delete_many(&state.store, std::slice::from_ref(&id))
        .await
        .ctx("Failed to delete host")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_deleted",
        Some(("host", &id)),
        json!({"friendly_name": host.friendly_name}),
    )
    .await;
    Ok(Json(json!({
        "message": "Host deleted successfully",
        "deletedHost": {"id": host.id, "friendly_name": host.friendly_name},
    })))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BulkDelete {
    #[serde(rename = "hostIds", default)]
    host_ids: Vec<String>,
}

pub(super) async fn delete_bulk(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<BulkDelete>,
) -> Result<Json<Value>> {
    let requested = body.host_ids.len();
    let ids = dedup(body.host_ids);
    if ids.is_empty() {
        return Err(Error::bad_request("At least one host ID is required"));
    }
    if store::count_existing(&state.store, "hosts", &ids)
        .await
        .ctx("Failed to check hosts")?
        != ids.len()
    {
        return Err(Error::not_found("Some hosts not found"));
    }
    let deleted = store::delete_many(&state.store, &ids)
        .await
        .ctx("Failed to delete hosts")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "hosts_deleted",
        None,
        json!({"host_ids": ids}),
    )
    .await;
    Ok(Json(json!({
        "message": format!("{deleted} host(s) deleted successfully"),
        "deletedCount": deleted,
        "requestedCount": requested,
    })))
}
