//! Self-service for a signed-in user: profile, password, sessions, preferences.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::cookies::DEVICE_TRUST_COOKIE;
use super::login::{hash_password, verify_password};
use super::meta::RequestMeta;
use super::session::{self, Session};
use super::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::http::error::is_unique_violation;
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::users::store::{self as users, rfc3339, User};

async fn load_self(state: &AppState, user: &CurrentUser) -> Result<User> {
    users::find_by_id(&state.store, &user.id)
        .await
        .ctx("Failed to load profile")?
        .ok_or_else(|| Error::not_found("User not found"))
}

pub async fn get_profile(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let me = load_self(&state, &user).await?;
    Ok(Json(json!({"user": me.to_json()})))
}

/// A field that may be absent (leave alone), null or empty (clear), or a value (set).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    username: Option<String>,
    email: Option<String>,
    #[serde(alias = "firstName", default, deserialize_with = "present")]
    first_name: Option<Option<String>>,
    #[serde(alias = "lastName", default, deserialize_with = "present")]
    last_name: Option<Option<String>>,
}

/// Distinguishes a key sent as `null` (Some(None)) from a missing key (None).
pub fn present<'de, D, T>(de: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

pub async fn update_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<ProfileUpdate>,
) -> Result<Json<Value>> {
    let mut me = load_self(&state, &user).await?;
    if let Some(username) = body.username {
        let username = username.trim();
        if username.len() < 3 {
            return Err(Error::bad_request("Username must be at least 3 characters"));
        }
        me.username = username.to_string();
    }
    if let Some(email) = body.email {
        let email = email.trim().to_lowercase();
        if email.is_empty() || !email.contains('@') {
            return Err(Error::bad_request("Valid email is required"));
        }
        me.email = email;
    }
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(first) = body.first_name {
        me.first_name = clean(first);
    }
    if let Some(last) = body.last_name {
        me.last_name = clean(last);
    }
    if users::name_or_email_taken(&state.store, &me.username, &me.email, Some(&me.id))
        .await
        .ctx("Failed to update profile")?
    {
        return Err(Error::conflict("Username or email already exists"));
    }
    let saved = match users::save_profile(&state.store, &me).await {
        Ok(saved) => saved,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict("Username or email already exists"))
        }
        Err(e) => return Err(e).ctx("Failed to update profile"),
    };
    audit::record(
        &state.store,
        &Actor::user(&user, ip),
        "profile_updated",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    Ok(Json(
        json!({"message": "Profile updated successfully", "user": saved.to_json()}),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[serde(rename = "currentPassword", default)]
    current_password: String,
    #[serde(rename = "newPassword", default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    JsonBody(body): JsonBody<ChangePassword>,
) -> Result<Response> {
    if body.current_password.is_empty() {
        return Err(Error::bad_request("Current password is required"));
    }
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if let Some(message) = settings.tunables.password_policy.check(&body.new_password) {
        return Err(Error::bad_request(message));
    }
    let me = load_self(&state, &user).await?;
    let Some(stored) = me.password_hash.as_deref() else {
        return Err(Error::bad_request(
            "Cannot change password for OIDC-only accounts",
        ));
    };
    if !verify_password(&body.current_password, Some(stored)).await {
        return Err(Error::unauthorized("Current password is incorrect"));
    }
    let hash = hash_password(&body.new_password).await?;
    users::set_password(&state.store, &me.id, &hash)
        .await
        .ctx("Failed to change password")?;
    crate::tfa::devices::revoke_all(&state.store, &me.id)
        .await
        .ctx("Failed to change password")?;
    session::revoke_all(
        &state.store,
        &me.id,
        Some(&user.session_id),
        "password_changed",
    )
    .await
    .ctx("Failed to change password")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "password_changed",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    let mut headers = HeaderMap::new();
    meta.cookies.clear(&mut headers, DEVICE_TRUST_COOKIE);
    Ok((
        headers,
        Json(json!({"message": "Password changed successfully"})),
    )
        .into_response())
}

fn session_json(s: &Session, current: &str) -> Value {
    let ua = s.user_agent.clone().unwrap_or_default();
    let device = crate::tfa::devices::describe_user_agent(&ua);
    let ip = s.ip_address.clone().unwrap_or_default();
    let local = ip == "127.0.0.1" || ip == "::1";
    let private = ip.starts_with("192.168.") || ip.starts_with("10.");
    let (country, city) = if local {
        ("Local", "Local")
    } else if private {
        ("Local Network", "Local Network")
    } else {
        ("Unknown", "Unknown")
    };
    json!({
        "id": s.id,
        "ip_address": ip,
        "user_agent": ua,
        "device_fingerprint": s.device_id,
        "last_activity": s.last_activity,
        "created_at": s.created_at,
        "expires_at": rfc3339(&s.expires_at),
        "tfa_remember_me": s.tfa_remember_me,
        "tfa_bypass_until": s.tfa_bypass_until.as_ref().map(rfc3339),
        "login_count": s.login_count,
        "last_login_ip": s.last_login_ip,
        "is_current_session": s.id == current,
        "device_info": {"browser": device.browser, "os": device.os, "device": device.device},
        "location_info": {"country": country, "city": city},
    })
}

pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>> {
    let sessions = session::list_live(&state.store, &user.id)
        .await
        .ctx("Failed to load sessions")?;
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|s| session_json(s, &user.session_id))
        .collect();
    Ok(Json(json!({"sessions": sessions})))
}

pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
) -> Result<Json<Value>> {
    session::revoke_all(
        &state.store,
        &user.id,
        Some(&user.session_id),
        "revoked_by_user",
    )
    .await
    .ctx("Failed to revoke sessions")?;
    audit::record(
        &state.store,
        &Actor::user(&user, ip),
        "sessions_revoked",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    Ok(Json(
        json!({"message": "All other sessions revoked successfully"}),
    ))
}

pub async fn revoke_session(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    Path(session_id): Path<String>,
) -> Result<Json<Value>> {
    if session_id == user.session_id {
        return Err(Error::bad_request("Cannot revoke current session"));
    }
    let owned = session::find(&state.store, &session_id)
        .await
        .ctx("Failed to revoke session")?
        .filter(|s| s.user_id == user.id && !s.is_revoked);
    if owned.is_none() {
        return Err(Error::not_found("Session not found"));
    }
    session::revoke(&state.store, &session_id, "revoked_by_user")
        .await
        .ctx("Failed to revoke session")?;
    audit::record(
        &state.store,
        &Actor::user(&user, ip),
        "session_revoked",
        Some(("session", &session_id)),
        json!({}),
    )
    .await;
    Ok(Json(json!({"message": "Session revoked successfully"})))
}

pub async fn me_context(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let me = load_self(&state, &user).await?;
    Ok(Json(json!({
        "user": me.to_json(),
        "tenant": {"multi_context": false, "host": "", "slug": "", "modules": "*"},
        "permissions": {"can_manage_billing": user.permissions.can_manage_billing},
        "admin_mode": false,
    })))
}

const COLOR_THEMES: &[&str] = &[
    "default",
    "cyber_blue",
    "neon_purple",
    "matrix_green",
    "ocean_blue",
    "sunset_gradient",
];

fn preferences_json(me: &User) -> Value {
    let ui = me
        .ui_preferences
        .as_ref()
        .map(|u| u.0.clone())
        .unwrap_or_else(|| json!({}));
    json!({
        "theme_preference": me.theme_preference,
        "color_theme": me.color_theme,
        "ui_preferences": ui,
        "hosts_column_config": ui.get("hosts_column_config").cloned().unwrap_or(Value::Null),
    })
}

pub async fn get_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>> {
    let me = load_self(&state, &user).await?;
    Ok(Json(preferences_json(&me)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    theme_preference: Option<String>,
    color_theme: Option<String>,
    hosts_column_config: Option<Value>,
}

pub async fn update_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(body): JsonBody<PreferencesUpdate>,
) -> Result<Json<Value>> {
    if body.theme_preference.is_none()
        && body.color_theme.is_none()
        && body.hosts_column_config.is_none()
    {
        return Err(Error::bad_request("No preferences provided to update"));
    }
    let me = load_self(&state, &user).await?;
    let theme = body.theme_preference.unwrap_or(me.theme_preference.clone());
    if theme != "light" && theme != "dark" {
        return Err(Error::bad_request(
            "Invalid theme preference. Must be 'light' or 'dark'",
        ));
    }
    let color = body.color_theme.unwrap_or(me.color_theme.clone());
    if !COLOR_THEMES.contains(&color.as_str()) {
        return Err(Error::bad_request("Invalid color theme"));
    }
    let mut ui = me
        .ui_preferences
        .as_ref()
        .map(|u| u.0.clone())
        .unwrap_or_else(|| json!({}));
    if let Some(columns) = body.hosts_column_config {
        ui["hosts_column_config"] = columns;
    }
    users::set_preferences(&state.store, &me.id, &theme, &color, &ui)
        .await
        .ctx("Failed to update preferences")?;
    let me = load_self(&state, &user).await?;
    Ok(Json(
        json!({"message": "Preferences updated successfully", "preferences": preferences_json(&me)}),
    ))
}
