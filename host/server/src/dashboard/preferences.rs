//! `/dashboard-preferences`: which cards a user shows, in which order and width, and the grid.

use axum::extract::State;
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::http::route::{get, put, Access, Route};
use crate::http::{Error, JsonBody, Result, StoreContext};
use crate::store::{new_id, now};
use crate::{exec, with_db};

/// (card id, title, icon, enabled by default, column span)
const CARDS: &[(&str, &str, &str, bool, i64)] = &[
    ("totalHosts", "Total Hosts", "Server", true, 1),
    ("upToDateHosts", "Up to date", "CheckCircle", true, 1),
    ("quickStats", "Quick Stats", "TrendingUp", true, 2),
    (
        "hostsNeedingUpdates",
        "Needs Updating",
        "AlertTriangle",
        true,
        1,
    ),
    ("hostsNeedingReboot", "Needs Reboots", "RotateCcw", true, 1),
    ("offlineHosts", "Offline Hosts", "WifiOff", true, 1),
    (
        "totalOutdatedPackages",
        "Outdated Packages",
        "Package",
        true,
        1,
    ),
    ("securityUpdates", "Security Updates", "Shield", true, 1),
    ("totalUsers", "Users", "Users", true, 1),
    ("totalHostGroups", "Host Groups", "Folder", true, 1),
    ("totalRepos", "Repositories", "GitBranch", true, 1),
    ("updateStatus", "Update Status", "BarChart3", true, 1),
    (
        "osDistributionBar",
        "OS Distribution (Bar)",
        "BarChart3",
        true,
        1,
    ),
    ("packageTrends", "Package Trends", "TrendingUp", true, 2),
    ("recentCollection", "Recent Collection", "Server", true, 1),
    ("recentUsers", "Recent Users Logged in", "Users", true, 1),
    (
        "osDistributionDoughnut",
        "OS Distribution (Doughnut)",
        "PieChart",
        true,
        1,
    ),
    ("packagePriority", "Package Priority", "BarChart3", true, 1),
    ("osDistribution", "OS Distribution", "BarChart3", true, 1),
];

#[derive(Debug, sqlx::FromRow)]
struct Preference {
    id: String,
    user_id: String,
    card_id: String,
    enabled: bool,
    order: i64,
    col_span: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl Preference {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id, "user_id": self.user_id, "card_id": self.card_id, "enabled": self.enabled,
            "order": self.order, "col_span": self.col_span, "created_at": self.created_at, "updated_at": self.updated_at,
        })
    }
}

async fn load(state: &AppState, user_id: &str) -> Result<Vec<Preference>> {
    with_db!(state.store, |db| sqlx::query_as::<_, Preference>(
        "SELECT id, user_id, card_id, enabled, \"order\", col_span, created_at, updated_at FROM dashboard_preferences \
         WHERE user_id = $1 ORDER BY \"order\", card_id"
    )
    .bind(user_id)
    .fetch_all(db)
    .await)
    .ctx("Failed to load dashboard preferences")
}

async fn get_preferences(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let prefs = load(&state, &user.id).await?;
    Ok(Json(Value::Array(
        prefs.iter().map(Preference::to_json).collect(),
    )))
}

async fn defaults() -> Json<Value> {
    let cards: Vec<Value> = CARDS
        .iter()
        .enumerate()
        .map(|(i, (id, title, icon, enabled, span))| {
            json!({"cardId": id, "title": title, "icon": icon, "enabled": enabled, "order": i, "col_span": span})
        })
        .collect();
    Json(Value::Array(cards))
}

#[derive(Deserialize, JsonSchema)]
struct CardPreference {
    #[serde(rename = "cardId")]
    card_id: String,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    order: i64,
    #[serde(alias = "colSpan")]
    col_span: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
struct PreferencesBody {
    #[serde(default)]
    preferences: Vec<CardPreference>,
}

async fn put_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(body): JsonBody<PreferencesBody>,
) -> Result<Json<Value>> {
    if body.preferences.is_empty() {
        return Err(Error::bad_request("Preferences must be a non-empty array"));
    }
    if body.preferences.len() > 200 {
        return Err(Error::bad_request("Too many preferences"));
    }
    let mut seen = std::collections::HashSet::new();
    for p in &body.preferences {
        if p.card_id.is_empty() || p.card_id.len() > 64 || !seen.insert(p.card_id.as_str()) {
            return Err(Error::bad_request(
                "Each preference needs a unique cardId of at most 64 characters",
            ));
        }
    }
    let ts = now();
    let user_id = user.id.clone();
    crate::in_tx!(state.store, |tx| {
        let result: std::result::Result<(), sqlx::Error> = async {
            sqlx::query("DELETE FROM dashboard_preferences WHERE user_id = $1").bind(&user_id).execute(&mut *tx).await?;
            for (index, p) in body.preferences.iter().enumerate() {
                let order = if p.order < 0 { index as i64 } else { p.order };
                let span = p.col_span.filter(|s| (1..=3).contains(s)).unwrap_or(1);
                sqlx::query(
                    "INSERT INTO dashboard_preferences (id, user_id, card_id, enabled, \"order\", col_span, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(new_id())
                .bind(&user_id)
                .bind(&p.card_id)
                .bind(p.enabled)
                .bind(order)
                .bind(span)
                .bind(ts)
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        }
        .await;
        result
    })
    .ctx("Failed to update dashboard preferences")?;
    let prefs = load(&state, &user.id).await?;
    Ok(Json(json!({
        "message": "Dashboard preferences updated successfully",
        "preferences": prefs.iter().map(Preference::to_json).collect::<Vec<_>>(),
    })))
}

async fn get_layout(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let row: Option<(i64, i64)> = with_db!(state.store, |db| sqlx::query_as(
        "SELECT stats_columns, charts_columns FROM dashboard_layout WHERE user_id = $1"
    )
    .bind(&user.id)
    .fetch_optional(db)
    .await)
    .ctx("Failed to load dashboard layout")?;
    let (stats, charts) = row.unwrap_or((6, 4));
    Ok(Json(
        json!({"stats_columns": stats, "charts_columns": charts}),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct LayoutBody {
    stats_columns: Option<i64>,
    charts_columns: Option<i64>,
}

async fn put_layout(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(body): JsonBody<LayoutBody>,
) -> Result<Json<Value>> {
    let stats = body
        .stats_columns
        .filter(|n| (2..=6).contains(n))
        .unwrap_or(6);
    let charts = body
        .charts_columns
        .filter(|n| (2..=4).contains(n))
        .unwrap_or(4);
    exec!(state.store, |db| sqlx::query(
        "INSERT INTO dashboard_layout (user_id, stats_columns, charts_columns, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET stats_columns = excluded.stats_columns, charts_columns = excluded.charts_columns, updated_at = excluded.updated_at"
    )
    .bind(&user.id)
    .bind(stats)
    .bind(charts)
    .bind(now())
    .execute(db)
    .await)
    .ctx("Failed to update dashboard layout")?;
    Ok(Json(
        json!({"message": "Dashboard layout updated successfully", "stats_columns": stats, "charts_columns": charts}),
    ))
}

pub fn routes() -> Vec<Route> {
    use Access::User;
    vec![
        get(
            "/dashboard-preferences",
            User,
            "The caller's dashboard cards",
            get_preferences,
        ),
        put(
            "/dashboard-preferences",
            User,
            "Replace the caller's dashboard cards",
            put_preferences,
        )
        .body::<PreferencesBody>(),
        get(
            "/dashboard-preferences/defaults",
            User,
            "The default card set",
            defaults,
        ),
        get(
            "/dashboard-preferences/layout",
            User,
            "The caller's grid columns",
            get_layout,
        ),
        put(
            "/dashboard-preferences/layout",
            User,
            "Set the caller's grid columns",
            put_layout,
        )
        .body::<LayoutBody>(),
    ]
    .into_iter()
    .map(|r| r.tag("dashboard"))
    .collect()
}
