//! The audit log: sign-ins, TFA changes, user and role changes, credential regeneration and
//! settings changes, readable by admins.

use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::types::Json;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::http::query::{int_param, offset_param};
use crate::http::route::{get, perm, Route};
use crate::http::{ClientIp, Result, StoreContext};
use crate::rbac::Permission;
use crate::store::{new_id, now, Store};
use crate::{exec, with_db};
use axum::extract::{Query, State};

/// Who did it and from where; `None` for anonymous events such as a failed login.
pub struct Actor<'a> {
    pub user_id: Option<&'a str>,
    pub username: Option<&'a str>,
    pub ip: Option<String>,
}

impl<'a> Actor<'a> {
    /// A known account acting from `ip` (sign-in flows, before a session exists).
    pub fn account(id: &'a str, username: &'a str, ip: &str) -> Actor<'a> {
        Actor {
            user_id: Some(id),
            username: Some(username),
            ip: Some(ip.to_string()),
        }
    }

    /// The server acting on its own (a failing plugin disabled) or an administrator at the
    /// server's command line.
    pub fn system() -> Actor<'static> {
        Actor {
            user_id: None,
            username: Some("system"),
            ip: None,
        }
    }

    pub fn user(user: &'a CurrentUser, ip: ClientIp) -> Actor<'a> {
        Actor {
            user_id: Some(&user.id),
            username: Some(&user.username),
            ip: Some(ip.to_string()),
        }
    }
}

/// Records an event. A failure to write the log is logged but never fails the request that
/// caused it (a full disk must not lock administrators out).
pub async fn record(
    store: &Store,
    actor: &Actor<'_>,
    action: &str,
    target: Option<(&str, &str)>,
    details: Value,
) {
    let result = exec!(store, |db| {
        sqlx::query(
        "INSERT INTO audit_log (id, created_at, user_id, username, action, target_type, target_id, ip_address, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(new_id())
    .bind(now())
    .bind(actor.user_id)
    .bind(actor.username)
    .bind(action)
    .bind(target.map(|t| t.0))
    .bind(target.map(|t| t.1))
    .bind(actor.ip.as_deref())
    .bind(Json(details))
    .execute(db)
    .await
    });
    if let Err(err) = result {
        tracing::error!(error = %err, action, "failed to write audit log entry");
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Entry {
    id: String,
    created_at: chrono::DateTime<chrono::Utc>,
    user_id: Option<String>,
    username: Option<String>,
    action: String,
    target_type: Option<String>,
    target_id: Option<String>,
    ip_address: Option<String>,
    details: Option<Json<Value>>,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    limit: Option<String>,
    offset: Option<String>,
    action: Option<String>,
    user_id: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Value>> {
    let limit = int_param(&q.limit, 50, 500);
    let offset = offset_param(&q.offset);
    let action = q.action.filter(|a| !a.is_empty());
    let user_id = q.user_id.filter(|u| !u.is_empty());
    let filter = "($1 IS NULL OR action = $1) AND ($2 IS NULL OR user_id = $2)";
    let sql = format!(
        "SELECT id, created_at, user_id, username, action, target_type, target_id, ip_address, details \
         FROM audit_log WHERE {filter} ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {filter}");
    let (items, total): (Vec<Entry>, i64) = with_db!(state.store, |db| {
        let items = sqlx::query_as::<_, Entry>(&sql)
            .bind(action.as_deref())
            .bind(user_id.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await;
        let total = sqlx::query_scalar(&count_sql)
            .bind(action.as_deref())
            .bind(user_id.as_deref())
            .fetch_one(db)
            .await;
        items.and_then(|i| total.map(|t| (i, t)))
    })
    .ctx("Failed to load audit log")?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id, "created_at": e.created_at, "user_id": e.user_id, "username": e.username,
                "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
                "ip_address": e.ip_address, "details": e.details.map(|d| d.0),
            })
        })
        .collect();
    Ok(axum::Json(
        json!({"items": items, "total": total, "limit": limit, "offset": offset}),
    ))
}

pub fn routes() -> Vec<Route> {
    vec![get(
        "/audit-log",
        perm(Permission::ManageSettings),
        "List audit log entries, newest first",
        list,
    )
    .tag("audit")]
}
