//! Queries on `auto_enrollment_tokens`, the one table behind every integration credential.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use sqlx::types::Json;

use crate::store::{now, Store};
use crate::{exec, with_db};

/// A credential row with its creator and default group, as the admin API shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Token {
    pub id: String,
    pub token_name: String,
    pub token_key: String,
    pub token_secret_hash: String,
    pub integration_type: String,
    pub created_by_user_id: Option<String>,
    pub is_active: bool,
    pub allowed_ip_ranges: Json<Vec<String>>,
    pub max_hosts_per_day: i64,
    pub hosts_created_today: i64,
    pub last_reset_date: NaiveDate,
    pub default_host_group_id: Option<String>,
    pub metadata: Json<Value>,
    pub scopes: Option<Json<Value>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub group_name: Option<String>,
    pub group_color: Option<String>,
    pub creator_username: Option<String>,
    pub creator_first_name: Option<String>,
    pub creator_last_name: Option<String>,
}

const SELECT: &str = "SELECT t.id, t.token_name, t.token_key, t.token_secret_hash, t.integration_type, \
    t.created_by_user_id, t.is_active, t.allowed_ip_ranges, t.max_hosts_per_day, t.hosts_created_today, \
    t.last_reset_date, t.default_host_group_id, t.metadata, t.scopes, t.last_used_at, t.expires_at, \
    t.created_at, t.updated_at, g.name AS group_name, g.color AS group_color, u.username AS creator_username, \
    u.first_name AS creator_first_name, u.last_name AS creator_last_name \
    FROM auto_enrollment_tokens t \
    LEFT JOIN host_groups g ON g.id = t.default_host_group_id \
    LEFT JOIN users u ON u.id = t.created_by_user_id";

/// The UTC day the daily enrollment quota counts in.
pub fn quota_day() -> NaiveDate {
    Utc::now().date_naive()
}

impl Token {
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at < now())
    }

    /// The counter as of today: a counter left over from an earlier day counts as zero.
    pub fn hosts_created_today(&self) -> i64 {
        if self.last_reset_date == quota_day() {
            self.hosts_created_today
        } else {
            0
        }
    }

    /// `{id, name, color}` of the default host group, or null.
    pub fn group_json(&self) -> Value {
        match (&self.default_host_group_id, &self.group_name) {
            (Some(id), Some(name)) => json!({"id": id, "name": name, "color": self.group_color}),
            _ => Value::Null,
        }
    }

    /// `{id, username, first_name, last_name}` of the creating user, or null.
    pub fn creator_json(&self) -> Value {
        match (&self.created_by_user_id, &self.creator_username) {
            (Some(id), Some(username)) => json!({
                "id": id,
                "username": username,
                "first_name": self.creator_first_name,
                "last_name": self.creator_last_name,
            }),
            _ => Value::Null,
        }
    }

    /// PatchMon's token item: every column but the secret hash, plus the two relations under
    /// their upstream names (`host_groups`, `users`, singular despite the plural).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "token_name": self.token_name,
            "token_key": self.token_key,
            "is_active": self.is_active,
            "allowed_ip_ranges": self.allowed_ip_ranges.0,
            "max_hosts_per_day": self.max_hosts_per_day,
            "hosts_created_today": self.hosts_created_today(),
            "last_reset_date": self.last_reset_date,
            "last_used_at": self.last_used_at,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "default_host_group_id": self.default_host_group_id,
            "metadata": self.metadata.0,
            "scopes": self.scopes.as_ref().map(|s| &s.0),
            "host_groups": self.group_json(),
            "users": self.creator_json(),
        })
    }
}

pub struct NewToken<'a> {
    pub id: &'a str,
    pub token_name: &'a str,
    pub token_key: &'a str,
    pub token_secret_hash: &'a str,
    pub integration_type: &'a str,
    pub created_by_user_id: &'a str,
    pub allowed_ip_ranges: &'a [String],
    pub max_hosts_per_day: i64,
    pub default_host_group_id: Option<&'a str>,
    pub metadata: &'a Value,
    pub scopes: Option<&'a Value>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert(store: &Store, token: NewToken<'_>) -> Result<(), sqlx::Error> {
    let ts = now();
    exec!(store, |db| {
        sqlx::query(
        "INSERT INTO auto_enrollment_tokens (id, token_name, token_key, token_secret_hash, integration_type, \
         created_by_user_id, is_active, allowed_ip_ranges, max_hosts_per_day, hosts_created_today, last_reset_date, \
         default_host_group_id, metadata, scopes, expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, 0, $9, $10, $11, $12, $13, $14, $14)"
    )
    .bind(token.id)
    .bind(token.token_name)
    .bind(token.token_key)
    .bind(token.token_secret_hash)
    .bind(token.integration_type)
    .bind(token.created_by_user_id)
    .bind(Json(token.allowed_ip_ranges))
    .bind(token.max_hosts_per_day)
    .bind(quota_day())
    .bind(token.default_host_group_id)
    .bind(Json(token.metadata))
    .bind(token.scopes.map(Json))
    .bind(token.expires_at)
    .bind(ts)
    .execute(db)
    .await
    })?;
    Ok(())
}

/// Newest first, as PatchMon lists them.
pub async fn list(store: &Store) -> Result<Vec<Token>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY t.created_at DESC, t.id");
    with_db!(store, |db| sqlx::query_as::<_, Token>(&sql)
        .fetch_all(db)
        .await)
}

pub async fn find(store: &Store, id: &str) -> Result<Option<Token>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    with_db!(store, |db| sqlx::query_as::<_, Token>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

pub async fn find_by_key(store: &Store, key: &str) -> Result<Option<Token>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE t.token_key = $1");
    with_db!(store, |db| sqlx::query_as::<_, Token>(&sql)
        .bind(key)
        .fetch_optional(db)
        .await)
}

/// The editable columns, already validated and merged with the current row.
pub struct Changes {
    pub token_name: String,
    pub is_active: bool,
    pub max_hosts_per_day: i64,
    pub allowed_ip_ranges: Vec<String>,
    pub default_host_group_id: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub scopes: Option<Value>,
}

pub async fn update(store: &Store, id: &str, changes: &Changes) -> Result<bool, sqlx::Error> {
    let affected = exec!(store, |db| {
        sqlx::query(
        "UPDATE auto_enrollment_tokens SET token_name = $2, is_active = $3, max_hosts_per_day = $4, \
         allowed_ip_ranges = $5, default_host_group_id = $6, expires_at = $7, scopes = $8, updated_at = $9 \
         WHERE id = $1"
    )
    .bind(id)
    .bind(&changes.token_name)
    .bind(changes.is_active)
    .bind(changes.max_hosts_per_day)
    .bind(Json(&changes.allowed_ip_ranges))
    .bind(changes.default_host_group_id.as_deref())
    .bind(changes.expires_at)
    .bind(changes.scopes.as_ref().map(Json))
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(affected == 1)
}

pub async fn delete(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let affected = exec!(store, |db| sqlx::query(
        "DELETE FROM auto_enrollment_tokens WHERE id = $1"
    )
    .bind(id)
    .execute(db)
    .await)?;
    Ok(affected == 1)
}

pub async fn touch_last_used(store: &Store, id: &str) -> Result<(), sqlx::Error> {
    exec!(store, |db| sqlx::query(
        "UPDATE auto_enrollment_tokens SET last_used_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(())
}

/// Whether a host group exists (the default group of a credential must).
pub async fn group_exists(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = with_db!(store, |db| sqlx::query_scalar(
        "SELECT COUNT(*) FROM host_groups WHERE id = $1"
    )
    .bind(id)
    .fetch_one(db)
    .await)?;
    Ok(count > 0)
}
