//! `POST /auth/refresh`: rotates the refresh token and mints a new access token. Presenting a
//! token that was already rotated away (outside a short grace period) means it was copied: the
//! whole session is revoked.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::cookies::{self, ACCESS_COOKIE, REFRESH_COOKIE};
use super::login::Tokens;
use super::meta::RequestMeta;
use super::session::{self, ROTATION_GRACE};
use super::token::{ACCESS, REFRESH};
use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::http::{Error, Result, StoreContext};
use crate::store::now;
use crate::users::store as users;

#[derive(Deserialize, JsonSchema, Default)]
pub struct RefreshRequest {
    /// For API clients without cookies; browsers send the `refresh_token` cookie instead.
    refresh_token: Option<String>,
}

/// Rotates the refresh token. Presenting a token that was already rotated away (outside a short
/// grace period) means it was copied: the whole session is revoked.
pub async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    body: axum::body::Bytes,
) -> Response {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match crate::http::json::parse::<RefreshRequest>(&body) {
            Ok(parsed) => parsed.refresh_token.filter(|t| !t.is_empty()),
            Err(err) => return err.into_response(),
        }
    };
    let in_body = from_body.is_some();
    let token = from_body.or_else(|| cookies::read(&meta.headers, REFRESH_COOKIE));
    match refresh_inner(&state, &meta, token).await {
        Ok((tokens, expires_at, refresh_ttl, access_ttl)) => {
            let mut headers = HeaderMap::new();
            meta.cookies.set(
                &mut headers,
                ACCESS_COOKIE,
                &tokens.access,
                access_ttl.as_secs() as i64,
                false,
            );
            let mut body = json!({"expires_at": crate::users::store::rfc3339(&expires_at)});
            if let Some(refresh_ttl) = refresh_ttl {
                meta.cookies.set(
                    &mut headers,
                    REFRESH_COOKIE,
                    &tokens.refresh,
                    refresh_ttl.as_secs() as i64,
                    false,
                );
                if in_body {
                    body["token"] = Value::from(tokens.access);
                    body["refresh_token"] = Value::from(tokens.refresh);
                }
            }
            (headers, Json(body)).into_response()
        }
        Err(err) => {
            let mut headers = HeaderMap::new();
            meta.cookies.clear(&mut headers, ACCESS_COOKIE);
            meta.cookies.clear(&mut headers, REFRESH_COOKIE);
            (headers, err).into_response()
        }
    }
}

type Refreshed = (Tokens, DateTime<Utc>, Option<Duration>, Duration);

async fn refresh_inner(
    state: &AppState,
    meta: &RequestMeta,
    token: Option<String>,
) -> Result<Refreshed> {
    let token = token.ok_or_else(|| Error::unauthorized("Missing refresh token"))?;
    let claims = state
        .jwt
        .verify(&token, REFRESH)
        .ok_or_else(|| Error::unauthorized("Invalid refresh token"))?;
    let expired = || Error::unauthorized("Session expired");
    let session = session::find(&state.store, &claims.session_id)
        .await
        .ctx("Failed to refresh session")?
        .filter(|s| s.user_id == claims.sub && !s.is_revoked && s.expires_at > now())
        .ok_or_else(expired)?;
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    let t = &settings.tunables;
    if let Some(limit) = t.session_inactivity_timeout {
        if (now() - session.last_activity).to_std().unwrap_or_default() > limit {
            session::revoke(&state.store, &session.id, "inactivity")
                .await
                .ctx("Failed to refresh session")?;
            return Err(Error::unauthorized("Session expired due to inactivity"));
        }
    }
    let user = users::find_by_id(&state.store, &claims.sub)
        .await
        .ctx("Failed to refresh session")?
        .filter(|u| u.is_active)
        .ok_or_else(expired)?;
    let presented = session::token_hash(&token);
    let access_ttl = t.access_ttl;
    if presented == session.refresh_token_hash {
        let remaining = (session.expires_at - now()).to_std().unwrap_or_default();
        let (new_refresh, _) =
            state
                .jwt
                .mint(REFRESH, &user.id, &user.role, &session.id, remaining);
        if !session::rotate(&state.store, &session.id, &presented, &new_refresh)
            .await
            .ctx("Failed to refresh session")?
        {
            return Err(expired());
        }
        let (access, exp) = state
            .jwt
            .mint(ACCESS, &user.id, &user.role, &session.id, access_ttl);
        let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or_else(Utc::now);
        return Ok((
            Tokens {
                access,
                refresh: new_refresh,
            },
            expires_at,
            Some(remaining),
            access_ttl,
        ));
    }
    let in_grace = session.previous_refresh_hash.as_deref() == Some(presented.as_str())
        && session
            .rotated_at
            .is_some_and(|at| now() - at < ROTATION_GRACE);
    if in_grace {
        // The other tab already rotated; hand this one a fresh access token only.
        let (access, exp) = state
            .jwt
            .mint(ACCESS, &user.id, &user.role, &session.id, access_ttl);
        let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or_else(Utc::now);
        return Ok((
            Tokens {
                access,
                refresh: String::new(),
            },
            expires_at,
            None,
            access_ttl,
        ));
    }
    session::revoke(&state.store, &session.id, "refresh_token_reuse")
        .await
        .ctx("Failed to refresh session")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "refresh_token_reuse",
        Some(("session", &session.id)),
        json!({}),
    )
    .await;
    tracing::warn!(user = %user.username, session = %session.id, "refresh token reuse detected; session revoked");
    Err(expired())
}
