//! Dashboard queries. Per-host package totals are columns of `hosts`, kept by the report writer.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::hosts::store::{Host, HOST_COLUMNS};
use crate::store::{now, Store};
use crate::with_db;

/// The report-age cut-offs of PatchMon's status rules (contract §4.12).
#[derive(Clone, Copy)]
pub struct Thresholds {
    /// last_update at or after this: `reporting`.
    pub reporting: DateTime<Utc>,
    /// before this: stale / inactive / "not reporting".
    pub stale: DateTime<Utc>,
    /// before this: offline / down.
    pub offline: DateTime<Utc>,
}

impl Thresholds {
    pub fn new(update_interval_minutes: i64) -> Thresholds {
        let minutes = if update_interval_minutes > 0 {
            update_interval_minutes
        } else {
            60
        };
        let at = now();
        let ago = |n: i64| at - chrono::Duration::minutes(n * minutes);
        Thresholds {
            reporting: ago(1),
            stale: ago(2),
            offline: ago(3),
        }
    }
}

/// A bound query parameter of a dynamically assembled statement.
pub enum Arg {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

/// Runs `$sql` with `$args` bound in order, as `query_as::<_, $row>(..).$fetch(db)`.
macro_rules! fetch_with_args {
    ($store:expr, $row:ty, $sql:expr, $args:expr, $fetch:ident) => {
        with_db!($store, |db| {
            let mut query = sqlx::query_as::<_, $row>($sql);
            for arg in $args {
                query = match arg {
                    Arg::Text(text) => query.bind(text.as_str()),
                    Arg::Time(ts) => query.bind(*ts),
                    Arg::Int(n) => query.bind(*n),
                };
            }
            query.$fetch(db).await
        })
    };
}

/// A `/dashboard/hosts` query already validated into SQL pieces.
pub struct HostQuery {
    /// `WHERE` conditions joined with AND.
    pub conditions: Vec<String>,
    pub args: Vec<Arg>,
    pub order_by: String,
}

impl HostQuery {
    /// Adds a bound argument and returns its placeholder.
    pub fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn tables_and_conditions(&self) -> String {
        let conditions = if self.conditions.is_empty() {
            "TRUE".to_string()
        } else {
            self.conditions.join(" AND ")
        };
        format!("FROM hosts WHERE {conditions}")
    }
}

/// One page of hosts (their package totals are host columns), and the total matching.
pub async fn list_hosts(
    store: &Store,
    mut query: HostQuery,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Host>, i64), sqlx::Error> {
    let from_where = query.tables_and_conditions();
    let count_sql = format!("SELECT COUNT(*) AS total {from_where}");
    let total: (i64,) = fetch_with_args!(store, (i64,), &count_sql, &query.args, fetch_one)?;
    let limit_arg = query.arg(Arg::Int(limit));
    let offset_arg = query.arg(Arg::Int(offset));
    let sql = format!(
        "SELECT {HOST_COLUMNS} {from_where} ORDER BY {}, hosts.id LIMIT {limit_arg} OFFSET {offset_arg}",
        query.order_by
    );
    let rows = fetch_with_args!(store, Host, &sql, &query.args, fetch_all)?;
    Ok((rows, total.0))
}

/// Host columns only the detail view shows.
#[derive(sqlx::FromRow)]
pub struct HostDetailExtra {
    pub gateway_ip: Option<String>,
    pub kernel_version: Option<String>,
    pub installed_kernel_version: Option<String>,
    pub cpu_cores: Option<i64>,
    pub cpu_model: Option<String>,
    pub ram_installed: Option<f64>,
    pub swap_size: Option<f64>,
    pub selinux_status: Option<String>,
    pub dns_servers: Option<Json<Value>>,
    pub disk_details: Option<Json<Value>>,
    pub load_average: Option<Json<Value>>,
}

pub async fn host_detail_extra(
    store: &Store,
    id: &str,
) -> Result<Option<HostDetailExtra>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, HostDetailExtra>(
        "SELECT gateway_ip, kernel_version, installed_kernel_version, cpu_cores, cpu_model, ram_installed, swap_size, \
         selinux_status, dns_servers, disk_details, load_average FROM hosts WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct HostPackageRow {
    pub id: String,
    pub host_id: String,
    pub package_id: String,
    pub current_version: String,
    pub available_version: Option<String>,
    pub needs_update: bool,
    pub is_security_update: bool,
    pub last_checked: DateTime<Utc>,
    pub name: String,
}

pub async fn host_packages(
    store: &Store,
    host_id: &str,
) -> Result<Vec<HostPackageRow>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, HostPackageRow>(
        "SELECT hp.id, hp.host_id, hp.package_id, hp.current_version, hp.available_version, hp.needs_update, \
         hp.is_security_update, hp.last_checked, p.name FROM host_packages hp JOIN packages p ON p.id = hp.package_id \
         WHERE hp.host_id = $1 ORDER BY hp.needs_update DESC, p.name"
    )
    .bind(host_id)
    .fetch_all(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct HistoryRow {
    pub id: String,
    pub host_id: String,
    pub packages_count: i64,
    pub security_count: i64,
    pub total_packages: Option<i64>,
    pub payload_size_kb: Option<f64>,
    pub execution_time: Option<f64>,
    pub timestamp: DateTime<Utc>,
    pub status: String,
    pub error_message: Option<String>,
}

/// A page of the host's report history, newest first, and how many there are.
pub async fn host_history(
    store: &Store,
    host_id: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HistoryRow>, i64), sqlx::Error> {
    with_db!(store, |db| {
        let rows = sqlx::query_as::<_, HistoryRow>(
            "SELECT id, host_id, packages_count, security_count, total_packages, payload_size_kb, execution_time, \
             timestamp, status, error_message FROM update_history WHERE host_id = $1 ORDER BY timestamp DESC, id LIMIT $2 OFFSET $3",
        )
        .bind(host_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM update_history WHERE host_id = $1")
                .bind(host_id)
                .fetch_one(db)
                .await?;
        Ok((rows, total))
    })
}

/// Host status tallies for the stats cards and `/dashboard/host-counts`.
#[derive(sqlx::FromRow)]
pub struct HostTallies {
    pub total: i64,
    pub up: i64,
    pub stale: i64,
    pub down: i64,
    pub inactive: i64,
    pub needs_reboot: i64,
}

pub async fn host_tallies(store: &Store, t: Thresholds) -> Result<HostTallies, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, HostTallies>(
        "SELECT COUNT(*) AS total, \
         COALESCE(SUM(CASE WHEN status = 'active' AND last_update >= $1 THEN 1 ELSE 0 END), 0) AS up, \
         COALESCE(SUM(CASE WHEN status = 'active' AND last_update < $1 AND last_update >= $2 THEN 1 ELSE 0 END), 0) AS stale, \
         COALESCE(SUM(CASE WHEN status = 'active' AND last_update < $2 THEN 1 ELSE 0 END), 0) AS down, \
         COALESCE(SUM(CASE WHEN status = 'inactive' THEN 1 ELSE 0 END), 0) AS inactive, \
         COALESCE(SUM(CASE WHEN needs_reboot = TRUE THEN 1 ELSE 0 END), 0) AS needs_reboot FROM hosts"
    )
    .bind(t.stale)
    .bind(t.offline)
    .fetch_one(db)
    .await
    })
}

/// Fleet-wide package tallies: host figures from the hosts' own totals, distinct packages from
/// the partial indexes of outdated rows (migration 0005).
#[derive(sqlx::FromRow)]
pub struct PackageTallies {
    pub hosts_with_packages: i64,
    pub hosts_needing_updates: i64,
    pub outdated_packages: i64,
    pub security_packages: i64,
}

pub async fn package_tallies(store: &Store) -> Result<PackageTallies, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, PackageTallies>(
        "SELECT (SELECT COUNT(*) FROM hosts WHERE package_count > 0) AS hosts_with_packages, \
         (SELECT COUNT(*) FROM hosts WHERE outdated_count > 0) AS hosts_needing_updates, \
         (SELECT COUNT(*) FROM packages p WHERE EXISTS (SELECT 1 FROM host_packages hp \
             WHERE hp.package_id = p.id AND hp.needs_update)) AS outdated_packages, \
         (SELECT COUNT(*) FROM packages p WHERE EXISTS (SELECT 1 FROM host_packages hp \
             WHERE hp.package_id = p.id AND hp.needs_update AND hp.is_security_update)) AS security_packages"
    )
    .fetch_one(db)
    .await
    })
}

/// Row counts of `host_groups`, `users` and `repositories`.
pub async fn entity_counts(store: &Store) -> Result<(i64, i64, i64), sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT (SELECT COUNT(*) FROM host_groups), (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM repositories)"
    )
    .fetch_one(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct OsCount {
    pub os_type: String,
    pub os_version: String,
    pub count: i64,
}

/// Hosts per (os_type, os_version), most common first; `active_only` for the filter options.
pub async fn os_distribution(
    store: &Store,
    active_only: bool,
) -> Result<Vec<OsCount>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, OsCount>(
        "SELECT os_type, os_version, COUNT(*) AS count FROM hosts WHERE ($1 = FALSE OR status = 'active') \
         GROUP BY os_type, os_version ORDER BY count DESC, os_type, os_version"
    )
    .bind(active_only)
    .fetch_all(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct TrendRow {
    pub timestamp: DateTime<Utc>,
    pub reports: i64,
    pub packages_count: i64,
    pub security_count: i64,
}

/// Report history of the last 7 days grouped by timestamp (PatchMon's `groupBy` trend shape).
pub async fn trends(store: &Store) -> Result<Vec<TrendRow>, sqlx::Error> {
    let since = now() - chrono::Duration::days(7);
    with_db!(store, |db| {
        sqlx::query_as::<_, TrendRow>(
        "SELECT timestamp, COUNT(*) AS reports, CAST(COALESCE(SUM(packages_count), 0) AS BIGINT) AS packages_count, \
         CAST(COALESCE(SUM(security_count), 0) AS BIGINT) AS security_count FROM update_history WHERE timestamp >= $1 \
         GROUP BY timestamp ORDER BY timestamp"
    )
    .bind(since)
    .fetch_all(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct OutdatedRow {
    pub package_id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub latest_version: Option<String>,
    pub host_id: String,
    pub friendly_name: String,
    pub os_type: String,
    pub current_version: String,
    pub available_version: Option<String>,
    pub is_security_update: bool,
}

/// Every (package, host) pair needing an update, ordered by package name.
pub async fn outdated_installs(store: &Store) -> Result<Vec<OutdatedRow>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, OutdatedRow>(
        "SELECT p.id AS package_id, p.name, p.description, p.category, p.latest_version, h.id AS host_id, h.friendly_name, \
         h.os_type, hp.current_version, hp.available_version, hp.is_security_update FROM host_packages hp \
         JOIN packages p ON p.id = hp.package_id JOIN hosts h ON h.id = hp.host_id \
         WHERE hp.needs_update = TRUE ORDER BY p.name, h.friendly_name"
    )
    .fetch_all(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct RecentUser {
    pub id: String,
    pub username: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub last_login: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub avatar_url: Option<String>,
}

/// The five most recently signed-in users (never-signed-in users last).
pub async fn recent_users(store: &Store) -> Result<Vec<RecentUser>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, RecentUser>(
        "SELECT id, username, email, first_name, last_name, role, last_login, created_at, avatar_url FROM users \
         ORDER BY CASE WHEN last_login IS NULL THEN 1 ELSE 0 END, last_login DESC, id LIMIT 5"
    )
    .fetch_all(db)
    .await
    })
}

#[derive(sqlx::FromRow)]
pub struct RecentHost {
    pub id: String,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub last_update: DateTime<Utc>,
    pub status: String,
}

/// The five hosts that reported most recently.
pub async fn recent_hosts(store: &Store) -> Result<Vec<RecentHost>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, RecentHost>(
        "SELECT id, friendly_name, hostname, last_update, status FROM hosts ORDER BY last_update DESC, id LIMIT 5"
    )
    .fetch_all(db)
    .await
    })
}
