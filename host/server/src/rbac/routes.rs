//! `/permissions/*`: the caller's permissions and custom-role management.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Map, Value};

use super::*;
use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::http::route::{delete, get, perm, put, Access, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};

#[derive(Debug, sqlx::FromRow)]
struct RoleRow {
    id: String,
    role: String,
    #[sqlx(flatten)]
    permissions: Permissions,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl RoleRow {
    fn to_json(&self) -> Value {
        let mut value = serde_json::to_value(&self.permissions).unwrap_or_else(|_| json!({}));
        let obj = value
            .as_object_mut()
            .expect("struct serialises to an object");
        obj.insert("id".into(), json!(self.id));
        obj.insert("role".into(), json!(self.role));
        obj.insert(
            "is_built_in".into(),
            json!(BUILT_IN_ROLES.contains(&self.role.as_str())),
        );
        obj.insert(
            "is_editable".into(),
            json!(!LOCKED_ROLES.contains(&self.role.as_str())),
        );
        obj.insert("created_at".into(), json!(self.created_at));
        obj.insert("updated_at".into(), json!(self.updated_at));
        value
    }
}

fn role_select(filter: &str) -> String {
    format!(
        "SELECT id, role, {} created_at, updated_at FROM role_permissions {filter}",
        PERMISSION_COLUMNS
    )
}

async fn user_permissions(user: CurrentUser) -> Json<Permissions> {
    Json(user.permissions)
}

async fn list_roles(State(state): State<AppState>) -> Result<Json<Value>> {
    let sql = role_select("ORDER BY role");
    let rows = with_db!(state.store, |db| sqlx::query_as::<_, RoleRow>(&sql)
        .fetch_all(db)
        .await)
    .ctx("Failed to load roles")?;
    Ok(Json(Value::Array(
        rows.iter().map(RoleRow::to_json).collect(),
    )))
}

async fn find_role(state: &AppState, role: &str) -> Result<Option<RoleRow>> {
    let sql = role_select("WHERE role = $1");
    with_db!(state.store, |db| sqlx::query_as::<_, RoleRow>(&sql)
        .bind(role)
        .fetch_optional(db)
        .await)
    .ctx("Failed to load role")
}

async fn get_role(State(state): State<AppState>, Path(role): Path<String>) -> Result<Json<Value>> {
    let row = find_role(&state, &role)
        .await?
        .ok_or_else(|| Error::not_found("Role not found"))?;
    Ok(Json(row.to_json()))
}

/// A role name: 1–50 characters of lower-case letters, digits, `_` and `-`.
fn valid_role_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 50
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Creates or replaces a role's permissions; flags left out of the body become false.
async fn upsert_role(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(role): Path<String>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    if LOCKED_ROLES.contains(&role.as_str()) {
        return Err(Error::bad_request(
            "Cannot modify built-in role permissions",
        ));
    }
    if !valid_role_name(&role) {
        return Err(Error::bad_request(
            "Role name must be 1-50 characters: lowercase letters, digits, '_' or '-'",
        ));
    }
    let mut permissions = Permissions::default();
    for (key, value) in &body {
        if matches!(
            key.as_str(),
            "role" | "id" | "created_at" | "updated_at" | "is_built_in" | "is_editable"
        ) {
            continue;
        }
        let flag = Permission::ALL
            .iter()
            .find(|p| p.as_str() == key)
            .ok_or_else(|| Error::bad_request(format!("Unknown permission: {key}")))?;
        let enabled = value
            .as_bool()
            .ok_or_else(|| Error::bad_request(format!("{key} must be true or false")))?;
        permissions.set(*flag, enabled);
    }
    // Nobody grants a permission they do not hold themselves.
    if let Some(flag) = Permission::ALL
        .iter()
        .find(|p| permissions.has(**p) && !actor.permissions.has(**p))
    {
        return Err(Error::forbidden(format!(
            "You cannot grant a permission you do not have: {}",
            flag.as_str()
        )));
    }
    insert_role(&state.store, &role, &permissions, false)
        .await
        .ctx("Failed to update role permissions")?;
    let row = find_role(&state, &role)
        .await?
        .ok_or_else(|| Error::internal("Failed to update role permissions"))?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "role_updated",
        Some(("role", &role)),
        serde_json::to_value(&permissions).unwrap_or_default(),
    )
    .await;
    Ok(Json(
        json!({"message": "Role permissions updated successfully", "permissions": row.to_json()}),
    ))
}

async fn delete_role(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(role): Path<String>,
) -> Result<Json<Value>> {
    if BUILT_IN_ROLES.contains(&role.as_str()) {
        return Err(Error::bad_request("Cannot delete built-in role"));
    }
    if find_role(&state, &role).await?.is_none() {
        return Err(Error::not_found("Role not found"));
    }
    if crate::users::store::count_with_role(&state.store, &role)
        .await
        .ctx("Failed to delete role")?
        > 0
    {
        return Err(Error::bad_request(
            "Cannot delete role: users are assigned to it",
        ));
    }
    exec!(state.store, |db| sqlx::query(
        "DELETE FROM role_permissions WHERE role = $1"
    )
    .bind(&role)
    .execute(db)
    .await)
    .ctx("Failed to delete role")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "role_deleted",
        Some(("role", &role)),
        json!({}),
    )
    .await;
    Ok(Json(json!({"message": "Role deleted successfully"})))
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/permissions/user-permissions",
            Access::User,
            "The caller's permission flags",
            user_permissions,
        ),
        get(
            "/permissions/roles",
            perm(Permission::ManageUsers),
            "All roles with their permissions",
            list_roles,
        ),
        get(
            "/permissions/roles/{role}",
            perm(Permission::ManageSettings),
            "One role",
            get_role,
        ),
        put(
            "/permissions/roles/{role}",
            perm(Permission::ManageSettings),
            "Create or replace a custom role",
            upsert_role,
        )
        .body::<Permissions>(),
        delete(
            "/permissions/roles/{role}",
            perm(Permission::ManageSettings),
            "Delete a custom role",
            delete_role,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("permissions"))
    .collect()
}
