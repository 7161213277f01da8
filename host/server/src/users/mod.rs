//! User administration: list, create, edit, delete, reset passwords, under the rank rules.

pub mod store;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::login::hash_password;
use crate::auth::session;
use crate::auth::CurrentUser;
use crate::http::error::is_unique_violation;
use crate::http::query::{page_envelope, page_params};
use crate::http::route::{delete, get, perm, post, put, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::{self, Permission, ADMIN, SUPERADMIN};
use store::{NewUser, User};

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
    all: Option<String>,
}

async fn list(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Result<Json<Value>> {
    let (page, size, offset, all) = page_params(&q.page, &q.page_size, &q.all, 50, 200);
    let (users, total) = store::list_page(&state.store, size, offset)
        .await
        .ctx("Failed to load users")?;
    let data = users.iter().map(User::to_admin_json).collect();
    Ok(Json(page_envelope(data, total, page, size, all)))
}

async fn for_assignment(State(state): State<AppState>) -> Result<Json<Value>> {
    let users = store::list_active(&state.store)
        .await
        .ctx("Failed to load users")?;
    let data: Vec<Value> = users
        .iter()
        .map(|u| json!({"id": u.id, "username": u.username, "email": u.email, "first_name": u.first_name, "last_name": u.last_name, "is_active": u.is_active}))
        .collect();
    Ok(Json(json!({"data": data})))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateUser {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    first_name: Option<String>,
    last_name: Option<String>,
    role: Option<String>,
}

async fn check_assignable(state: &AppState, actor: &CurrentUser, role: &str) -> Result<()> {
    if !rbac::role_exists(&state.store, role)
        .await
        .ctx("Failed to check role")?
    {
        return Err(Error::bad_request(format!("Role does not exist: {role}")));
    }
    if !rbac::can_assign_role(actor, role) {
        return Err(Error::forbidden(format!(
            "You do not have permission to assign the role: {role}"
        )));
    }
    Ok(())
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn create(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<Value>)> {
    let username = body.username.trim();
    if username.len() < 3 {
        return Err(Error::bad_request("Username must be at least 3 characters"));
    }
    let email = body.email.trim();
    if email.is_empty() || !email.contains('@') {
        return Err(Error::bad_request("Valid email is required"));
    }
    if body.password.is_empty() {
        return Err(Error::bad_request("Password is required"));
    }
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if let Some(message) = settings.tunables.password_policy.check(&body.password) {
        return Err(Error::bad_request(message));
    }
    let role = non_empty(body.role).unwrap_or_else(|| settings.tunables.default_user_role.clone());
    check_assignable(&state, &actor, &role).await?;
    if store::name_or_email_taken(&state.store, username, email, None)
        .await
        .ctx("Failed to create user")?
    {
        return Err(Error::conflict("Username or email already exists"));
    }
    let hash = hash_password(&body.password).await?;
    let first = non_empty(body.first_name);
    let last = non_empty(body.last_name);
    let new = NewUser {
        username,
        email,
        password_hash: &hash,
        role: &role,
        first_name: first.as_deref(),
        last_name: last.as_deref(),
    };
    let user = match store::create(&state.store, new).await {
        Ok(user) => user,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict("Username or email already exists"))
        }
        Err(e) => return Err(e).ctx("Failed to create user"),
    };
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "user_created",
        Some(("user", &user.id)),
        json!({"username": user.username, "role": role}),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "User created successfully", "user": user.to_admin_json()})),
    ))
}

async fn load_target(state: &AppState, id: &str) -> Result<User> {
    store::find_by_id(&state.store, id)
        .await
        .ctx("Failed to load user")?
        .ok_or_else(|| Error::not_found("User not found"))
}

/// True when `target` is the only active superadmin left.
async fn is_last_superadmin(state: &AppState, target: &User) -> Result<bool> {
    if target.role != SUPERADMIN || !target.is_active {
        return Ok(false);
    }
    Ok(store::count_active_with_roles(&state.store, &[SUPERADMIN])
        .await
        .ctx("Failed to check superadmins")?
        <= 1)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateUser {
    username: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "crate::auth::profile_field")]
    first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::auth::profile_field")]
    last_name: Option<Option<String>>,
    role: Option<String>,
    is_active: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateUser>,
) -> Result<Json<Value>> {
    let mut target = load_target(&state, &id).await?;
    if !rbac::may_act_on(&actor, &target.role) {
        return Err(Error::forbidden(
            "Cannot modify a user with a higher-privilege role",
        ));
    }
    if target.role == SUPERADMIN
        && actor.role != SUPERADMIN
        && !actor.permissions.can_manage_superusers
    {
        return Err(Error::forbidden(
            "You do not have permission to modify superadmin users",
        ));
    }
    let was = (target.role.clone(), target.is_active);
    if let Some(username) = body.username {
        if username.trim().len() < 3 {
            return Err(Error::bad_request("Username must be at least 3 characters"));
        }
        target.username = username.trim().to_string();
    }
    if let Some(email) = body.email {
        if email.trim().is_empty() || !email.contains('@') {
            return Err(Error::bad_request("Valid email is required"));
        }
        target.email = email.trim().to_lowercase();
    }
    if let Some(first) = body.first_name {
        target.first_name = non_empty(first);
    }
    if let Some(last) = body.last_name {
        target.last_name = non_empty(last);
    }
    if let Some(role) = non_empty(body.role).filter(|r| *r != target.role) {
        if target.id == actor.id {
            return Err(Error::bad_request("Cannot change your own role"));
        }
        check_assignable(&state, &actor, &role).await?;
        if is_last_superadmin(&state, &target).await? {
            return Err(Error::bad_request(
                "Cannot change the role of the last superadmin user",
            ));
        }
        target.role = role;
    }
    if let Some(active) = body.is_active {
        if !active && target.id == actor.id {
            return Err(Error::bad_request("Cannot deactivate your own account"));
        }
        if !active && is_last_superadmin(&state, &target).await? {
            return Err(Error::bad_request(
                "Cannot deactivate the last superadmin user",
            ));
        }
        target.is_active = active;
    }
    if store::name_or_email_taken(
        &state.store,
        &target.username,
        &target.email,
        Some(&target.id),
    )
    .await
    .ctx("Failed to update user")?
    {
        return Err(Error::conflict("Username or email already exists"));
    }
    let saved = match store::save_profile(&state.store, &target).await {
        Ok(saved) => saved,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict("Username or email already exists"))
        }
        Err(e) => return Err(e).ctx("Failed to update user"),
    };
    // A changed role or a deactivation takes effect at once: the user must sign in again.
    if was.0 != saved.role || (was.1 && !saved.is_active) {
        session::revoke_all(&state.store, &saved.id, None, "role_or_status_changed")
            .await
            .ctx("Failed to update user")?;
    }
    if was.1 && !saved.is_active {
        crate::tfa::devices::revoke_all(&state.store, &saved.id)
            .await
            .ctx("Failed to update user")?;
    }
    let details = json!({"role_before": was.0, "role_after": saved.role, "active_before": was.1, "active_after": saved.is_active});
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "user_updated",
        Some(("user", &saved.id)),
        details,
    )
    .await;
    Ok(Json(
        json!({"message": "User updated successfully", "user": saved.to_admin_json()}),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    if id == actor.id {
        return Err(Error::bad_request("Cannot delete your own account"));
    }
    let target = load_target(&state, &id).await?;
    if !rbac::may_act_on(&actor, &target.role) {
        return Err(Error::forbidden(
            "Cannot delete a user with a higher-privilege role",
        ));
    }
    if target.role == SUPERADMIN
        && actor.role != SUPERADMIN
        && !actor.permissions.can_manage_superusers
    {
        return Err(Error::forbidden(
            "You do not have permission to delete superadmin users",
        ));
    }
    if is_last_superadmin(&state, &target).await? {
        return Err(Error::bad_request("Cannot delete the last superadmin user"));
    }
    if target.role == ADMIN {
        let superadmins = store::count_active_with_roles(&state.store, &[SUPERADMIN])
            .await
            .ctx("Failed to delete user")?;
        let admins = store::count_active_with_roles(&state.store, &[ADMIN])
            .await
            .ctx("Failed to delete user")?;
        if superadmins == 0 && admins <= 1 {
            return Err(Error::bad_request("Cannot delete the last admin user"));
        }
    }
    store::delete(&state.store, &id)
        .await
        .ctx("Failed to delete user")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "user_deleted",
        Some(("user", &id)),
        json!({"username": target.username}),
    )
    .await;
    Ok(Json(json!({"message": "User deleted successfully"})))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResetPassword {
    #[serde(rename = "newPassword", default)]
    new_password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ResetPassword>,
) -> Result<Json<Value>> {
    if body.new_password.is_empty() {
        return Err(Error::bad_request("New password is required"));
    }
    let target = load_target(&state, &id).await?;
    if !target.is_active {
        return Err(Error::bad_request(
            "Cannot reset password for inactive user",
        ));
    }
    if !rbac::may_act_on(&actor, &target.role) {
        return Err(Error::forbidden(
            "Cannot reset password for a user with a higher-privilege role",
        ));
    }
    if target.role == SUPERADMIN
        && actor.role != SUPERADMIN
        && !actor.permissions.can_manage_superusers
    {
        return Err(Error::forbidden(
            "You do not have permission to reset superadmin passwords",
        ));
    }
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if let Some(message) = settings.tunables.password_policy.check(&body.new_password) {
        return Err(Error::bad_request(message));
    }
    let hash = hash_password(&body.new_password).await?;
    store::set_password(&state.store, &id, &hash)
        .await
        .ctx("Failed to reset password")?;
    session::revoke_all(&state.store, &id, None, "password_reset")
        .await
        .ctx("Failed to reset password")?;
    crate::tfa::devices::revoke_all(&state.store, &id)
        .await
        .ctx("Failed to reset password")?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "user_password_reset",
        Some(("user", &id)),
        json!({}),
    )
    .await;
    Ok(Json(json!({
        "message": "Password reset successfully",
        "user": {"id": target.id, "username": target.username, "email": target.email},
    })))
}

pub fn routes() -> Vec<Route> {
    use Permission::{ManageUsers, ViewUsers};
    vec![
        get(
            "/auth/users/for-assignment",
            perm(ViewUsers),
            "Active users, for assignment pickers",
            for_assignment,
        ),
        get(
            "/auth/admin/users",
            perm(ViewUsers),
            "List users (page, pageSize, all)",
            list,
        ),
        post(
            "/auth/admin/users",
            perm(ManageUsers),
            "Create a user",
            create,
        )
        .body::<CreateUser>(),
        put(
            "/auth/admin/users/{user_id}",
            perm(ManageUsers),
            "Update a user",
            update,
        )
        .body::<UpdateUser>(),
        delete(
            "/auth/admin/users/{user_id}",
            perm(ManageUsers),
            "Delete a user",
            remove,
        ),
        post(
            "/auth/admin/users/{user_id}/reset-password",
            perm(ManageUsers),
            "Set a new password for a user",
            reset_password,
        )
        .body::<ResetPassword>(),
    ]
    .into_iter()
    .map(|r| r.tag("users"))
    .collect()
}
