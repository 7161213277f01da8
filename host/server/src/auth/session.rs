//! Queries on `user_sessions`: one row per signed-in device, holding the hash of its current
//! refresh token. Rotation replaces the hash; presenting an older token revokes the session.

use chrono::{DateTime, Duration as ChronoDuration, Utc};

use crate::crypto::sha256_hex;
use crate::store::{new_id, now, Store};
use crate::{exec, with_db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub refresh_token_hash: String,
    pub previous_refresh_hash: Option<String>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub last_activity: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub is_revoked: bool,
    pub tfa_remember_me: bool,
    pub tfa_bypass_until: Option<DateTime<Utc>>,
    pub login_count: i64,
    pub last_login_ip: Option<String>,
}

const COLUMNS: &str =
    "id, user_id, refresh_token_hash, previous_refresh_hash, rotated_at, ip_address, \
    user_agent, device_id, last_activity, expires_at, created_at, is_revoked, tfa_remember_me, \
    tfa_bypass_until, login_count, last_login_ip";

/// A refresh token presented within this long after its rotation is treated as a benign race
/// (two tabs refreshing together), not as theft.
pub const ROTATION_GRACE: ChronoDuration = ChronoDuration::seconds(30);

pub fn token_hash(refresh_token: &str) -> String {
    sha256_hex(refresh_token.as_bytes())
}

pub struct SessionStart<'a> {
    pub user_id: &'a str,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
    pub device_id: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
    pub remember_me: bool,
    pub tfa_bypass_until: Option<DateTime<Utc>>,
}

/// The session to sign in on: the live one of this user on this device, or a new id.
pub async fn reusable_session_id(
    store: &Store,
    user_id: &str,
    device_id: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(device_id) = device_id.filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    with_db!(store, |db| {
        sqlx::query_scalar(
        "SELECT id FROM user_sessions WHERE user_id = $1 AND device_id = $2 AND is_revoked = FALSE AND expires_at > $3 \
         ORDER BY last_activity DESC LIMIT 1"
    )
    .bind(user_id)
    .bind(device_id)
    .bind(now())
    .fetch_optional(db)
    .await
    })
}

/// Inserts the session, or refreshes the reused one, storing the hash of its refresh token.
pub async fn upsert(
    store: &Store,
    id: &str,
    start: &SessionStart<'_>,
    refresh_token: &str,
    reuse: bool,
) -> Result<(), sqlx::Error> {
    let ts = now();
    let hash = token_hash(refresh_token);
    if reuse {
        exec!(store, |db| {
            sqlx::query(
            "UPDATE user_sessions SET refresh_token_hash = $2, previous_refresh_hash = NULL, rotated_at = NULL, \
             ip_address = $3, user_agent = $4, last_activity = $5, expires_at = $6, tfa_remember_me = $7, \
             tfa_bypass_until = $8, login_count = login_count + 1, last_login_ip = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(&hash)
        .bind(start.ip)
        .bind(start.user_agent)
        .bind(ts)
        .bind(start.expires_at)
        .bind(start.remember_me)
        .bind(start.tfa_bypass_until)
        .execute(db)
        .await
        })?;
        return Ok(());
    }
    exec!(store, |db| {
        sqlx::query(
        "INSERT INTO user_sessions (id, user_id, refresh_token_hash, ip_address, user_agent, device_id, last_activity, \
         expires_at, created_at, is_revoked, tfa_remember_me, tfa_bypass_until, login_count, last_login_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, FALSE, $9, $10, 1, $4)"
    )
    .bind(id)
    .bind(start.user_id)
    .bind(&hash)
    .bind(start.ip)
    .bind(start.user_agent)
    .bind(start.device_id)
    .bind(ts)
    .bind(start.expires_at)
    .bind(start.remember_me)
    .bind(start.tfa_bypass_until)
    .execute(db)
    .await
    })?;
    Ok(())
}

pub fn new_session_id() -> String {
    new_id()
}

pub async fn find(store: &Store, id: &str) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM user_sessions WHERE id = $1");
    with_db!(store, |db| sqlx::query_as::<_, Session>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

/// Replaces the current refresh hash with `new_token`'s, only if `old_hash` is still current
/// (two concurrent rotations cannot both win).
pub async fn rotate(
    store: &Store,
    id: &str,
    old_hash: &str,
    new_token: &str,
) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE user_sessions SET previous_refresh_hash = refresh_token_hash, refresh_token_hash = $3, rotated_at = $4 \
         WHERE id = $1 AND refresh_token_hash = $2 AND is_revoked = FALSE"
    )
    .bind(id)
    .bind(old_hash)
    .bind(token_hash(new_token))
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(result == 1)
}

pub async fn touch_activity(store: &Store, id: &str) -> Result<(), sqlx::Error> {
    exec!(store, |db| sqlx::query(
        "UPDATE user_sessions SET last_activity = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(())
}

pub async fn revoke(store: &Store, id: &str, reason: &str) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE user_sessions SET is_revoked = TRUE, revoked_reason = $2 WHERE id = $1 AND is_revoked = FALSE"
    )
    .bind(id)
    .bind(reason)
    .execute(db)
    .await
    })?;
    Ok(result == 1)
}

/// Revokes every live session of a user, except `keep` when given.
pub async fn revoke_all(
    store: &Store,
    user_id: &str,
    keep: Option<&str>,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE user_sessions SET is_revoked = TRUE, revoked_reason = $3 WHERE user_id = $1 AND id <> $2 AND is_revoked = FALSE"
    )
    .bind(user_id)
    .bind(keep.unwrap_or(""))
    .bind(reason)
    .execute(db)
    .await
    })?;
    Ok(result)
}

/// Live sessions of a user, most recently active first.
pub async fn list_live(store: &Store, user_id: &str) -> Result<Vec<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM user_sessions WHERE user_id = $1 AND is_revoked = FALSE AND expires_at > $2 ORDER BY last_activity DESC"
    );
    with_db!(store, |db| sqlx::query_as::<_, Session>(&sql)
        .bind(user_id)
        .bind(now())
        .fetch_all(db)
        .await)
}
