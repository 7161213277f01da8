//! `/dashboard/stats` cards and charts, `/dashboard/packages` (packages needing updates) and
//! `/dashboard/recent-users`.

use axum::extract::State;
use axum::Json;
use chrono::SecondsFormat;
use serde_json::{json, Value};

use super::hosts::{os_entries, thresholds};
use super::store;
use crate::app::AppState;
use crate::http::route::{get, perm, Route};
use crate::http::{Result, StoreContext};
use crate::rbac::Permission::{ViewDashboard, ViewPackages, ViewUsers};

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/dashboard/stats",
            perm(ViewDashboard),
            "Dashboard statistics",
            stats,
        ),
        get(
            "/dashboard/packages",
            perm(ViewPackages),
            "Packages needing updates",
            packages,
        ),
        get(
            "/dashboard/recent-users",
            perm(ViewUsers),
            "Recently signed-in users",
            recent_users,
        ),
    ]
}

async fn stats(State(state): State<AppState>) -> Result<Json<Value>> {
    const FAILED: &str = "Failed to fetch dashboard statistics";
    let t = thresholds(&state).await?;
    let db = &state.store;
    let hosts = store::host_tallies(db, t).await.ctx(FAILED)?;
    let packages = store::package_tallies(db).await.ctx(FAILED)?;
    let (groups, users, repos) = store::entity_counts(db).await.ctx(FAILED)?;
    let os = store::os_distribution(db, false).await.ctx(FAILED)?;
    let trends = store::trends(db).await.ctx(FAILED)?;
    let up_to_date = (packages.hosts_with_packages - packages.hosts_needing_updates).max(0);
    let awaiting = (hosts.total - packages.hosts_with_packages).max(0);
    // "Not reporting": active but two intervals late (stale + down), or stored inactive.
    let errored = hosts.stale + hosts.down + hosts.inactive;
    let mut update_status = vec![
        json!({"name": "Up to date", "filter": "upToDate", "count": up_to_date}),
        json!({"name": "Needs updates", "filter": "needsUpdates", "count": packages.hosts_needing_updates}),
        json!({"name": "Not reporting", "filter": "inactive", "count": errored}),
    ];
    if awaiting > 0 {
        update_status
            .push(json!({"name": "Awaiting data", "filter": "awaitingData", "count": awaiting}));
    }
    let regular = (packages.outdated_packages - packages.security_packages).max(0);
    let trends: Vec<Value> = trends
        .iter()
        .map(|r| json!({"timestamp": r.timestamp, "_count": {"id": r.reports}, "_sum": {"packages_count": r.packages_count, "security_count": r.security_count}}))
        .collect();
    Ok(Json(json!({
        "cards": {
            "totalHosts": hosts.total,
            "hostsNeedingUpdates": packages.hosts_needing_updates,
            "upToDateHosts": up_to_date,
            "totalOutdatedPackages": packages.outdated_packages,
            "erroredHosts": errored,
            "securityUpdates": packages.security_packages,
            "offlineHosts": hosts.down,
            "hostsNeedingReboot": hosts.needs_reboot,
            "totalHostGroups": groups,
            "totalUsers": users,
            "totalRepos": repos,
        },
        "charts": {
            "osDistribution": os_entries(&os),
            "updateStatusDistribution": update_status,
            "packageUpdateDistribution": [
                {"name": "Security", "count": packages.security_packages},
                {"name": "Regular", "count": regular},
            ],
        },
        "trends": trends,
        "lastUpdated": crate::store::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    })))
}

async fn packages(State(state): State<AppState>) -> Result<Json<Value>> {
    let rows = store::outdated_installs(&state.store)
        .await
        .ctx("Failed to fetch packages")?;
    let mut out: Vec<Value> = Vec::new();
    let mut current: Option<&str> = None;
    for row in &rows {
        if current != Some(row.package_id.as_str()) {
            current = Some(&row.package_id);
            out.push(json!({
                "id": row.package_id, "name": row.name, "description": row.description, "category": row.category,
                "latestVersion": row.latest_version, "affectedHostsCount": 0, "isSecurityUpdate": false,
                "affectedHosts": [],
            }));
        }
        let entry = out.last_mut().expect("pushed above");
        entry["affectedHosts"]
            .as_array_mut()
            .expect("array")
            .push(json!({
                "hostId": row.host_id, "friendlyName": row.friendly_name, "osType": row.os_type,
                "currentVersion": row.current_version, "availableVersion": row.available_version,
                "isSecurityUpdate": row.is_security_update,
            }));
        entry["affectedHostsCount"] = json!(entry["affectedHosts"].as_array().map_or(0, Vec::len));
        if row.is_security_update {
            entry["isSecurityUpdate"] = json!(true);
        }
    }
    Ok(Json(Value::Array(out)))
}

async fn recent_users(State(state): State<AppState>) -> Result<Json<Value>> {
    let users = store::recent_users(&state.store)
        .await
        .ctx("Failed to fetch recent users")?;
    let items: Vec<Value> = users
        .iter()
        .map(|u| json!({
            "id": u.id, "username": u.username, "email": u.email, "first_name": u.first_name,
            "last_name": u.last_name, "role": u.role, "last_login": u.last_login, "created_at": u.created_at,
            "avatar_url": u.avatar_url,
        }))
        .collect();
    Ok(Json(Value::Array(items)))
}
