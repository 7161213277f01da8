//! Queries on the `users` table. Other areas (auth, tfa, rbac) go through these functions.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use sqlx::types::Json;

use crate::store::{new_id, now, Store};
use crate::{exec, with_db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub is_active: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub last_login: Option<DateTime<Utc>>,
    pub tfa_enabled: bool,
    pub tfa_secret: Option<String>,
    pub tfa_backup_codes: Option<Json<Vec<String>>>,
    pub theme_preference: String,
    pub color_theme: String,
    pub ui_preferences: Option<Json<Value>>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const USER_COLUMNS: &str = "id, username, email, password_hash, role, is_active, first_name, \
    last_name, last_login, tfa_enabled, tfa_secret, tfa_backup_codes, theme_preference, color_theme, \
    ui_preferences, avatar_url, created_at, updated_at";

pub fn rfc3339(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn insert_opt(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.into(), value);
    }
}

impl User {
    /// PatchMon's UserObject: optional fields are omitted when empty.
    pub fn to_json(&self) -> Value {
        let mut map = json!({
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "role": self.role,
            "is_active": self.is_active,
            "theme_preference": self.theme_preference,
            "color_theme": self.color_theme,
            "updated_at": self.updated_at,
            "created_at": self.created_at,
            "has_password": self.password_hash.is_some(),
            "newsletter_subscribed": false,
        });
        let obj = map.as_object_mut().expect("object literal");
        insert_opt(obj, "first_name", self.first_name.clone().map(Value::from));
        insert_opt(obj, "last_name", self.last_name.clone().map(Value::from));
        insert_opt(
            obj,
            "last_login",
            self.last_login.as_ref().map(|t| Value::from(rfc3339(t))),
        );
        insert_opt(obj, "avatar_url", self.avatar_url.clone().map(Value::from));
        map
    }

    /// The admin list's view of a user.
    pub fn to_admin_json(&self) -> Value {
        let mut map = json!({
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "role": self.role,
            "is_active": self.is_active,
            "tfa_enabled": self.tfa_enabled,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "avatar_url": self.avatar_url,
        });
        let obj = map.as_object_mut().expect("object literal");
        insert_opt(obj, "first_name", self.first_name.clone().map(Value::from));
        insert_opt(obj, "last_name", self.last_name.clone().map(Value::from));
        insert_opt(
            obj,
            "last_login",
            self.last_login.as_ref().map(|t| Value::from(rfc3339(t))),
        );
        map
    }

    pub fn backup_codes(&self) -> Vec<String> {
        self.tfa_backup_codes
            .as_ref()
            .map(|c| c.0.clone())
            .unwrap_or_default()
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

pub async fn create(store: &Store, user: NewUser<'_>) -> Result<User, sqlx::Error> {
    let sql = format!(
        "INSERT INTO users (id, username, email, password_hash, role, is_active, first_name, last_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $8) RETURNING {USER_COLUMNS}"
    );
    let ts = now();
    with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .bind(new_id())
        .bind(user.username)
        .bind(user.email.to_lowercase())
        .bind(user.password_hash)
        .bind(user.role)
        .bind(user.first_name)
        .bind(user.last_name)
        .bind(ts)
        .fetch_one(db)
        .await)
}

pub async fn find_by_id(store: &Store, id: &str) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

/// By username or email, case-insensitively; an exact username match is preferred.
pub async fn find_for_login(store: &Store, identifier: &str) -> Result<Option<User>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE LOWER(username) = LOWER($1) OR LOWER(email) = LOWER($1) \
         ORDER BY CASE WHEN username = $1 THEN 0 WHEN LOWER(username) = LOWER($1) THEN 1 ELSE 2 END LIMIT 1"
    );
    with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .bind(identifier)
        .fetch_optional(db)
        .await)
}

/// True when another user (not `except_id`) already has this username or email.
pub async fn name_or_email_taken(
    store: &Store,
    username: &str,
    email: &str,
    except_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let count: i64 = with_db!(store, |db| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE (LOWER(username) = LOWER($1) OR LOWER(email) = LOWER($2)) AND id <> $3"
    )
    .bind(username)
    .bind(email)
    .bind(except_id.unwrap_or(""))
    .fetch_one(db)
    .await
    })?;
    Ok(count > 0)
}

pub async fn count_active_with_roles(store: &Store, roles: &[&str]) -> Result<i64, sqlx::Error> {
    let mut total = 0;
    for role in roles {
        let count: i64 = with_db!(store, |db| sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE is_active = TRUE AND role = $1"
        )
        .bind(*role)
        .fetch_one(db)
        .await)?;
        total += count;
    }
    Ok(total)
}

pub async fn count_with_role(store: &Store, role: &str) -> Result<i64, sqlx::Error> {
    with_db!(store, |db| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = $1"
    )
    .bind(role)
    .fetch_one(db)
    .await)
}

pub async fn list_page(
    store: &Store,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username LIMIT $1 OFFSET $2");
    let users = with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await)?;
    let total: i64 = with_db!(store, |db| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await)?;
    Ok((users, total))
}

pub async fn list_active(store: &Store) -> Result<Vec<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE is_active = TRUE ORDER BY username");
    with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .fetch_all(db)
        .await)
}

/// Writes the profile fields of `user` (username, email, names, role, active flag).
pub async fn save_profile(store: &Store, user: &User) -> Result<User, sqlx::Error> {
    let sql = format!(
        "UPDATE users SET username = $2, email = $3, first_name = $4, last_name = $5, role = $6, \
         is_active = $7, updated_at = $8 WHERE id = $1 RETURNING {USER_COLUMNS}"
    );
    with_db!(store, |db| sqlx::query_as::<_, User>(&sql)
        .bind(&user.id)
        .bind(&user.username)
        .bind(user.email.to_lowercase())
        .bind(&user.first_name)
        .bind(&user.last_name)
        .bind(&user.role)
        .bind(user.is_active)
        .bind(now())
        .fetch_one(db)
        .await)
}

pub async fn set_password(store: &Store, id: &str, hash: &str) -> Result<(), sqlx::Error> {
    exec!(store, |db| sqlx::query(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(())
}

pub async fn touch_last_login(store: &Store, id: &str) -> Result<(), sqlx::Error> {
    exec!(store, |db| sqlx::query(
        "UPDATE users SET last_login = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(())
}

/// Sets the TFA columns together so the three never disagree.
pub async fn set_tfa(
    store: &Store,
    id: &str,
    enabled: bool,
    secret: Option<&str>,
    backup_codes: Option<&[String]>,
) -> Result<(), sqlx::Error> {
    let codes = backup_codes.map(|c| Json(c.to_vec()));
    exec!(store, |db| {
        sqlx::query(
        "UPDATE users SET tfa_enabled = $2, tfa_secret = $3, tfa_backup_codes = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(enabled)
    .bind(secret)
    .bind(codes)
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(())
}

/// Removes one backup code, only if it is still present (so a code cannot be spent twice by
/// two concurrent requests: the loser's update matches no row).
pub async fn consume_backup_code(
    store: &Store,
    id: &str,
    before: &[String],
    after: &[String],
) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| {
        sqlx::query(
        "UPDATE users SET tfa_backup_codes = $3, updated_at = $4 WHERE id = $1 AND tfa_backup_codes = $2"
    )
    .bind(id)
    .bind(Json(before.to_vec()))
    .bind(Json(after.to_vec()))
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(result == 1)
}

pub async fn set_preferences(
    store: &Store,
    id: &str,
    theme: &str,
    color: &str,
    ui: &Value,
) -> Result<(), sqlx::Error> {
    exec!(store, |db| {
        sqlx::query(
        "UPDATE users SET theme_preference = $2, color_theme = $3, ui_preferences = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(theme)
    .bind(color)
    .bind(Json(ui))
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(())
}

pub async fn delete(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(db)
        .await)?;
    Ok(result == 1)
}

/// Creates the first administrator, atomically: returns `None` when an active admin already
/// exists (two simultaneous first-run setups cannot both succeed).
pub async fn create_first_admin(
    store: &Store,
    user: NewUser<'_>,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO users (id, username, email, password_hash, role, is_active, first_name, last_name, created_at, updated_at) \
         SELECT $1, $2, $3, $4, $5, TRUE, $6, $7, $8, $8 WHERE NOT EXISTS \
         (SELECT 1 FROM users WHERE is_active = TRUE AND role IN ('admin', 'superadmin')) RETURNING {USER_COLUMNS}"
    );
    let ts = now();
    crate::in_tx!(store, |tx| {
        if store.backend_name() == "postgres" {
            sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query_as::<_, User>(&sql)
            .bind(new_id())
            .bind(user.username)
            .bind(user.email.to_lowercase())
            .bind(user.password_hash)
            .bind(user.role)
            .bind(user.first_name)
            .bind(user.last_name)
            .bind(ts)
            .fetch_optional(&mut *tx)
            .await
    })
}
