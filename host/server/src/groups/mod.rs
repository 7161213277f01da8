//! Host groups: unique names, a colour (default #3B82F6), and membership counts. A group that
//! still has hosts cannot be deleted: the admin moves them first, so nothing is lost by accident.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::hosts::store::ListFilter;
use crate::http::error::is_unique_violation;
use crate::http::route::{delete, get, perm, post, put, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::{ManageHosts, ViewHosts};
use crate::store::{new_id, now};
use crate::{exec, with_db};

pub const DEFAULT_COLOR: &str = "#3B82F6";

#[derive(Debug, sqlx::FromRow)]
struct Group {
    id: String,
    name: String,
    description: Option<String>,
    color: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    host_count: i64,
}

impl Group {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "color": self.color,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "_count": {"hosts": self.host_count},
        })
    }
}

const SELECT: &str = "SELECT g.id, g.name, g.description, g.color, g.created_at, g.updated_at, \
    (SELECT COUNT(*) FROM host_group_memberships m WHERE m.host_group_id = g.id) AS host_count FROM host_groups g";

async fn find(state: &AppState, id: &str) -> Result<Group> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    with_db!(state.store, |db| sqlx::query_as::<_, Group>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
    .ctx("Failed to load host group")?
    .ok_or_else(|| Error::not_found("Host group not found"))
}

async fn list(State(state): State<AppState>) -> Result<Json<Value>> {
    let sql = format!("{SELECT} ORDER BY g.name");
    let groups = with_db!(state.store, |db| sqlx::query_as::<_, Group>(&sql)
        .fetch_all(db)
        .await)
    .ctx("Failed to load host groups")?;
    Ok(Json(Value::Array(
        groups.iter().map(Group::to_json).collect(),
    )))
}

async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(Json(find(&state, &id).await?.to_json()))
}

async fn hosts_of(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    find(&state, &id).await?;
    let filter = ListFilter {
        group_id: Some(id),
        sort_column: "friendly_name",
        descending: false,
        ..ListFilter::default()
    };
    let (hosts, _) = crate::hosts::store::list(&state.store, &filter, 100_000, 0)
        .await
        .ctx("Failed to load hosts")?;
    Ok(Json(Value::Array(
        crate::hosts::render(&state, &hosts).await?,
    )))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GroupBody {
    name: Option<String>,
    description: Option<String>,
    color: Option<String>,
}

fn valid_color(color: &str) -> bool {
    let hex = color.strip_prefix('#').unwrap_or("");
    (hex.len() == 6 || hex.len() == 3) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// Validates the fields that were sent; returns (name, description, color) with defaults.
fn validate(body: &GroupBody) -> Result<(Option<String>, Option<String>, Option<String>)> {
    let name = body.name.as_deref().map(str::trim).map(str::to_string);
    if let Some(name) = &name {
        if name.is_empty() {
            return Err(Error::bad_request("Name is required"));
        }
        if name.chars().count() > 100 {
            return Err(Error::bad_request("Name must be at most 100 characters"));
        }
    }
    let description = body
        .description
        .as_deref()
        .map(str::trim)
        .map(str::to_string);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 1000)
    {
        return Err(Error::bad_request(
            "Description must be at most 1000 characters",
        ));
    }
    let color = body.color.as_deref().map(str::trim).map(str::to_string);
    if let Some(color) = &color {
        if !valid_color(color) {
            return Err(Error::bad_request(
                "Color must be a hex colour such as #3B82F6",
            ));
        }
    }
    Ok((name, description, color))
}

const DUPLICATE: &str = "A host group with this name already exists";

async fn create(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<GroupBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let (name, description, color) = validate(&body)?;
    let name = name.ok_or_else(|| Error::bad_request("Name is required"))?;
    let id = new_id();
    let ts = now();
    let inserted = exec!(state.store, |db| {
        sqlx::query(
        "INSERT INTO host_groups (id, name, description, color, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
    )
    .bind(&id)
    .bind(&name)
    .bind(description.filter(|d| !d.is_empty()))
    .bind(color.unwrap_or_else(|| DEFAULT_COLOR.to_string()))
    .bind(ts)
    .execute(db)
    .await
    });
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(Error::conflict(DUPLICATE)),
        Err(e) => return Err(e).ctx("Failed to create host group"),
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_group_created",
        Some(("host_group", &id)),
        json!({"name": name}),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        Json(find(&state, &id).await?.to_json()),
    ))
}

async fn update(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GroupBody>,
) -> Result<Json<Value>> {
    let current = find(&state, &id).await?;
    let (name, description, color) = validate(&body)?;
    let name = name.unwrap_or(current.name);
    let description = match description {
        Some(d) if d.is_empty() => None,
        Some(d) => Some(d),
        None => current.description,
    };
    let color = color.unwrap_or(current.color);
    let updated = exec!(state.store, |db| {
        sqlx::query(
        "UPDATE host_groups SET name = $2, description = $3, color = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(&id)
    .bind(&name)
    .bind(&description)
    .bind(&color)
    .bind(now())
    .execute(db)
    .await
    });
    match updated {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(Error::conflict(DUPLICATE)),
        Err(e) => return Err(e).ctx("Failed to update host group"),
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_group_updated",
        Some(("host_group", &id)),
        json!({"name": name}),
    )
    .await;
    Ok(Json(find(&state, &id).await?.to_json()))
}

async fn remove(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let group = find(&state, &id).await?;
    if group.host_count > 0 {
        return Err(Error::conflict(format!(
            "Cannot delete host group \"{}\": it still has {} host(s). Move or remove them first.",
            group.name, group.host_count
        )));
    }
    // Re-checked inside the DELETE so a host added meanwhile still blocks it.
    let deleted = exec!(state.store, |db| sqlx::query(
        "DELETE FROM host_groups WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM host_group_memberships WHERE host_group_id = $1)"
    )
    .bind(&id)
    .execute(db)
    .await)
    .ctx("Failed to delete host group")?;
    if deleted == 0 {
        return Err(Error::conflict(format!(
            "Cannot delete host group \"{}\": it still has hosts. Move or remove them first.",
            group.name
        )));
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "host_group_deleted",
        Some(("host_group", &id)),
        json!({"name": group.name}),
    )
    .await;
    Ok(Json(json!({"message": "Host group deleted successfully"})))
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/host-groups",
            perm(ViewHosts),
            "All host groups with host counts",
            list,
        ),
        post(
            "/host-groups",
            perm(ManageHosts),
            "Create a host group",
            create,
        )
        .body::<GroupBody>(),
        get(
            "/host-groups/{id}",
            perm(ViewHosts),
            "One host group",
            get_one,
        ),
        put(
            "/host-groups/{id}",
            perm(ManageHosts),
            "Update a host group",
            update,
        )
        .body::<GroupBody>(),
        delete(
            "/host-groups/{id}",
            perm(ManageHosts),
            "Delete an empty host group",
            remove,
        ),
        get(
            "/host-groups/{id}/hosts",
            perm(ViewHosts),
            "Hosts in a group",
            hosts_of,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("host-groups"))
    .collect()
}
