//! Who is calling: the access token (Bearer header, else the `token` cookie) resolved to a live
//! session, an active user and that user's role permissions.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use super::cookies::{self, ACCESS_COOKIE};
use super::session;
use super::token::ACCESS;
use crate::app::AppState;
use crate::http::{Error, Result, StoreContext};
use crate::rbac::{self, Permission, Permissions};
use crate::store::now;
use crate::with_db;

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub role: String,
    pub session_id: String,
    pub permissions: Permissions,
}

impl CurrentUser {
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.permissions.has(permission) {
            Ok(())
        } else {
            Err(Error::forbidden("Insufficient permissions"))
        }
    }
}

/// Activity newer than this is not written again: saves a write on every click.
const ACTIVITY_WRITE_INTERVAL: chrono::Duration = chrono::Duration::seconds(15);

pub fn bearer_or_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| cookies::read(headers, ACCESS_COOKIE))
}

/// The session, its user and the user's role permissions, fetched in one round trip.
#[derive(sqlx::FromRow)]
struct Caller {
    session_id: String,
    user_id: String,
    last_activity: chrono::DateTime<chrono::Utc>,
    expires_at: chrono::DateTime<chrono::Utc>,
    is_revoked: bool,
    username: String,
    role: String,
    is_active: bool,
    role_row: Option<String>,
    #[sqlx(flatten)]
    permissions: Permissions,
}

fn caller_query() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let flags: Vec<String> = Permission::ALL
            .iter()
            .map(|p| format!("COALESCE(rp.{0}, FALSE) AS {0}", p.as_str()))
            .collect();
        format!(
            "SELECT s.id AS session_id, s.user_id, s.last_activity, s.expires_at, s.is_revoked, \
             u.username, u.role, u.is_active, rp.id AS role_row, {} \
             FROM user_sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN role_permissions rp ON rp.role = u.role WHERE s.id = $1",
            flags.join(", ")
        )
    })
}

pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser> {
    let token = bearer_or_cookie(headers).ok_or_else(|| Error::unauthorized("Unauthorized"))?;
    let claims = state
        .jwt
        .verify(&token, ACCESS)
        .ok_or_else(|| Error::unauthorized("Invalid token"))?;
    let caller = with_db!(state.store, |db| {
        sqlx::query_as::<_, Caller>(caller_query())
            .bind(&claims.session_id)
            .fetch_optional(db)
            .await
    })
    .ctx("Failed to load session")?
    .filter(|c| !c.is_revoked && c.expires_at > now() && c.user_id == claims.sub)
    .ok_or_else(|| Error::unauthorized("Session expired"))?;
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if let Some(limit) = settings.tunables.session_inactivity_timeout {
        let idle = now() - caller.last_activity;
        if idle.to_std().unwrap_or_default() > limit {
            session::revoke(&state.store, &caller.session_id, "inactivity")
                .await
                .ctx("Failed to revoke session")?;
            return Err(Error::unauthorized("Session expired due to inactivity"));
        }
    }
    if !caller.is_active {
        return Err(Error::unauthorized("Session expired"));
    }
    let is_user_activity = headers
        .get("x-user-activity")
        .is_some_and(|v| v.as_bytes() == b"1");
    if is_user_activity && now() - caller.last_activity > ACTIVITY_WRITE_INTERVAL {
        session::touch_activity(&state.store, &caller.session_id)
            .await
            .ctx("Failed to update session")?;
    }
    // A role without a permissions row: admins keep full access (a damaged table must not lock
    // them out), anyone else is refused.
    let permissions = match caller.role_row {
        Some(_) => caller.permissions,
        None if rbac::is_admin_role(&caller.role) => Permissions::all(),
        None => return Err(Error::forbidden("Access denied")),
    };
    Ok(CurrentUser {
        id: caller.user_id,
        username: caller.username,
        role: caller.role,
        session_id: caller.session_id,
        permissions,
    })
}

/// Handlers take `CurrentUser` as an argument; the route guard has already put it there.
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| Error::unauthorized("Unauthorized"))
    }
}
