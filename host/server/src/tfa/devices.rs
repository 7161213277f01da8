//! Trusted devices: after a "remember me" TFA login, a random cookie lets that browser skip the
//! second factor for a while. Only the cookie's SHA-256 is stored.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::cookies::{self, DEVICE_TRUST_COOKIE};
use crate::auth::meta::RequestMeta;
use crate::auth::CurrentUser;
use crate::crypto::{random_base64url, sha256_hex};
use crate::http::{Error, Result, StoreContext};
use crate::store::{new_id, now, Store};
use crate::users::store::rfc3339;
use crate::{exec, with_db};

#[derive(Debug, sqlx::FromRow)]
struct Device {
    id: String,
    token_hash: String,
    user_agent: Option<String>,
    ip_address: Option<String>,
    label: Option<String>,
    created_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

pub struct UserAgentInfo {
    pub browser: &'static str,
    pub os: &'static str,
    pub device: &'static str,
}

/// A coarse reading of a User-Agent string, enough to label a session or device.
pub fn describe_user_agent(ua: &str) -> UserAgentInfo {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "Unknown"
    };
    let os = if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Mac OS") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "Unknown"
    };
    let device = if ua.contains("iPad") || ua.contains("Tablet") {
        "Tablet"
    } else if ua.contains("Mobile") || ua.contains("Android") || ua.contains("iPhone") {
        "Mobile"
    } else {
        "Desktop"
    };
    UserAgentInfo {
        browser,
        os,
        device,
    }
}

fn label(ua: &str) -> String {
    let info = describe_user_agent(ua);
    let browser = if info.browser == "Unknown" {
        "Unknown browser"
    } else {
        info.browser
    };
    let os = if info.os == "Unknown" {
        "Unknown OS"
    } else {
        info.os
    };
    format!("{browser} on {os}")
}

/// True when `cookie` is a live trusted device of this user; refreshes its last use.
pub async fn is_trusted(store: &Store, user_id: &str, cookie: &str) -> Result<bool, sqlx::Error> {
    let hash = sha256_hex(cookie.as_bytes());
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE user_trusted_devices SET last_used_at = $3 WHERE user_id = $1 AND token_hash = $2 \
         AND is_revoked = FALSE AND expires_at > $3"
    )
    .bind(user_id)
    .bind(&hash)
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(result == 1)
}

/// Registers a new trusted device and returns its cookie value. Keeps at most `max_devices`
/// live devices per user by revoking the least recently used.
pub async fn trust(
    state: &AppState,
    user_id: &str,
    meta: &RequestMeta,
    lifetime: std::time::Duration,
    max_devices: u64,
) -> Result<(String, DateTime<Utc>), sqlx::Error> {
    let token = random_base64url(32);
    let ts = now();
    let expires_at = ts + chrono::Duration::from_std(lifetime).unwrap_or_default();
    let ua = meta.user_agent.clone().unwrap_or_default();
    exec!(state.store, |db| {
        sqlx::query(
        "INSERT INTO user_trusted_devices (id, user_id, token_hash, user_agent, ip_address, label, created_at, last_used_at, expires_at, is_revoked) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, FALSE)"
    )
    .bind(new_id())
    .bind(user_id)
    .bind(sha256_hex(token.as_bytes()))
    .bind(&ua)
    .bind(&meta.ip)
    .bind(label(&ua))
    .bind(ts)
    .bind(expires_at)
    .execute(db)
    .await
    })?;
    let live = live_devices(&state.store, user_id).await?;
    for stale in live.iter().skip(max_devices as usize) {
        revoke_one(&state.store, user_id, &stale.id).await?;
    }
    Ok((token, expires_at))
}

async fn live_devices(store: &Store, user_id: &str) -> Result<Vec<Device>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, Device>(
        "SELECT id, token_hash, user_agent, ip_address, label, created_at, last_used_at, expires_at \
         FROM user_trusted_devices WHERE user_id = $1 AND is_revoked = FALSE AND expires_at > $2 \
         ORDER BY last_used_at DESC, created_at DESC"
    )
    .bind(user_id)
    .bind(now())
    .fetch_all(db)
    .await
    })
}

async fn revoke_one(store: &Store, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE user_trusted_devices SET is_revoked = TRUE WHERE user_id = $1 AND id = $2 AND is_revoked = FALSE"
    )
    .bind(user_id)
    .bind(id)
    .execute(db)
    .await
    })?;
    Ok(result == 1)
}

pub async fn revoke_all(store: &Store, user_id: &str) -> Result<(), sqlx::Error> {
    exec!(store, |db| sqlx::query(
        "UPDATE user_trusted_devices SET is_revoked = TRUE WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(db)
    .await)?;
    Ok(())
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<Json<Value>> {
    let current =
        cookies::read(&meta.headers, DEVICE_TRUST_COOKIE).map(|c| sha256_hex(c.as_bytes()));
    let devices = live_devices(&state.store, &user.id)
        .await
        .ctx("Failed to load trusted devices")?;
    let devices: Vec<Value> = devices
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "label": d.label.clone().unwrap_or_else(|| "Unknown browser on Unknown OS".into()),
                "user_agent": d.user_agent.clone().unwrap_or_default(),
                "ip_address": d.ip_address.clone().unwrap_or_default(),
                "created_at": rfc3339(&d.created_at),
                "last_used_at": rfc3339(&d.last_used_at),
                "expires_at": rfc3339(&d.expires_at),
                "is_current": current.as_deref() == Some(d.token_hash.as_str()),
            })
        })
        .collect();
    Ok(Json(json!({"trusted_devices": devices})))
}

pub async fn revoke_all_route(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<Response> {
    revoke_all(&state.store, &user.id)
        .await
        .ctx("Failed to revoke trusted devices")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "trusted_devices_revoked",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    let mut headers = HeaderMap::new();
    meta.cookies.clear(&mut headers, DEVICE_TRUST_COOKIE);
    Ok((
        headers,
        Json(json!({"message": "All trusted devices revoked"})),
    )
        .into_response())
}

pub async fn revoke_route(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response> {
    let devices = live_devices(&state.store, &user.id)
        .await
        .ctx("Failed to revoke trusted device")?;
    let Some(device) = devices.iter().find(|d| d.id == id) else {
        return Err(Error::not_found("Trusted device not found"));
    };
    revoke_one(&state.store, &user.id, &id)
        .await
        .ctx("Failed to revoke trusted device")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "trusted_device_revoked",
        Some(("trusted_device", &id)),
        json!({}),
    )
    .await;
    let mut headers = HeaderMap::new();
    let current =
        cookies::read(&meta.headers, DEVICE_TRUST_COOKIE).map(|c| sha256_hex(c.as_bytes()));
    if current.as_deref() == Some(device.token_hash.as_str()) {
        meta.cookies.clear(&mut headers, DEVICE_TRUST_COOKIE);
    }
    Ok((headers, Json(json!({"message": "Trusted device revoked"}))).into_response())
}
