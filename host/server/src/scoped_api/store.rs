//! Read queries behind the scoped API.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::store::json_rows::{self, JsonRows};
use crate::store::Store;
use crate::with_db;

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ids of the groups with these exact (case-sensitive) names.
pub async fn group_ids_by_name(
    store: &Store,
    names: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM host_groups WHERE name IN ({})",
        placeholders(1, names.len())
    );
    with_db!(store, |db| {
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for name in names {
            query = query.bind(name);
        }
        query.fetch_all(db).await
    })
}

/// The host columns the host list shows, in [`LISTED_HOST_COLUMNS`]' order.
#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ListedHost {
    pub id: String,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os_type: String,
    pub os_version: String,
    pub last_update: DateTime<Utc>,
    pub status: String,
    #[serde(deserialize_with = "json_rows::optional_flag")]
    pub needs_reboot: Option<bool>,
    pub package_count: i64,
    pub outdated_count: i64,
    pub security_count: i64,
}

const LISTED_HOST_COLUMNS: &str =
    "id, friendly_name, hostname, ip, os_type, os_version, last_update, \
    status, needs_reboot, package_count, outdated_count, security_count";

impl ListedHost {
    pub fn effective_status(&self, update_interval_minutes: i64) -> &str {
        crate::hosts::store::effective_status(
            &self.status,
            self.last_update,
            update_interval_minutes,
        )
    }
}

/// Every host, or those in any of `group_ids`, by friendly name (one JSON value: the list can
/// hold the whole fleet).
pub async fn hosts(
    store: &Store,
    group_ids: Option<&[String]>,
) -> Result<Vec<ListedHost>, sqlx::Error> {
    let from = match group_ids {
        Some(ids) => format!(
            "FROM hosts WHERE id IN (SELECT host_id FROM host_group_memberships WHERE host_group_id IN ({}))",
            placeholders(1, ids.len())
        ),
        None => "FROM hosts".to_string(),
    };
    let binds: Vec<&str> = group_ids
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    JsonRows {
        columns: LISTED_HOST_COLUMNS,
        from: &from,
        order_by: "friendly_name, id",
    }
    .fetch(store, &binds)
    .await
}

pub async fn host(store: &Store, id: &str) -> Result<Option<ListedHost>, sqlx::Error> {
    let sql = format!("SELECT {LISTED_HOST_COLUMNS} FROM hosts WHERE id = $1");
    with_db!(store, |db| sqlx::query_as::<_, ListedHost>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

pub async fn repository_count(store: &Store, host_id: &str) -> Result<i64, sqlx::Error> {
    with_db!(store, |db| sqlx::query_scalar(
        "SELECT COUNT(*) FROM host_repositories WHERE host_id = $1"
    )
    .bind(host_id)
    .fetch_one(db)
    .await)
}

/// The hardware and network columns the host list does not need.
#[derive(Debug, sqlx::FromRow)]
pub struct Details {
    pub gateway_ip: Option<String>,
    pub dns_servers: Option<Json<Value>>,
    pub network_interfaces: Option<Json<Value>>,
    pub kernel_version: Option<String>,
    pub installed_kernel_version: Option<String>,
    pub selinux_status: Option<String>,
    pub cpu_model: Option<String>,
    pub cpu_cores: Option<i64>,
    pub ram_installed: Option<f64>,
    pub swap_size: Option<f64>,
    pub load_average: Option<Json<Value>>,
    pub disk_details: Option<Json<Value>>,
}

pub async fn details(store: &Store, host_id: &str) -> Result<Option<Details>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, Details>(
        "SELECT gateway_ip, dns_servers, network_interfaces, kernel_version, installed_kernel_version, \
         selinux_status, cpu_model, cpu_cores, ram_installed, swap_size, load_average, disk_details \
         FROM hosts WHERE id = $1"
    )
    .bind(host_id)
    .fetch_optional(db)
    .await
    })
}

#[derive(Debug, sqlx::FromRow)]
pub struct PackageRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub current_version: String,
    pub available_version: Option<String>,
    pub needs_update: bool,
    pub is_security_update: bool,
    pub last_checked: DateTime<Utc>,
}

/// Security updates first, then other updates, then by name (PatchMon stops at the first two
/// keys, which leaves the order within a class to chance).
pub async fn packages(
    store: &Store,
    host_id: &str,
    updates_only: bool,
) -> Result<Vec<PackageRow>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, PackageRow>(
        "SELECT hp.id, p.name, p.description, p.category, hp.current_version, hp.available_version, \
         hp.needs_update, hp.is_security_update, hp.last_checked \
         FROM host_packages hp JOIN packages p ON p.id = hp.package_id \
         WHERE hp.host_id = $1 AND ($2 = FALSE OR hp.needs_update = TRUE) \
         ORDER BY hp.is_security_update DESC, hp.needs_update DESC, p.name, hp.id"
    )
    .bind(host_id)
    .bind(updates_only)
    .fetch_all(db)
    .await
    })
}

#[derive(Debug, sqlx::FromRow)]
pub struct Report {
    pub id: String,
    pub status: String,
    pub timestamp: DateTime<Utc>,
    pub total_packages: Option<i64>,
    pub packages_count: i64,
    pub security_count: i64,
    pub payload_size_kb: Option<f64>,
    pub execution_time: Option<f64>,
    pub error_message: Option<String>,
}

/// Newest first.
pub async fn reports(store: &Store, host_id: &str, limit: i64) -> Result<Vec<Report>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_as::<_, Report>(
        "SELECT id, status, timestamp, total_packages, packages_count, security_count, payload_size_kb, \
         execution_time, error_message FROM update_history WHERE host_id = $1 \
         ORDER BY timestamp DESC, id LIMIT $2"
    )
    .bind(host_id)
    .bind(limit)
    .fetch_all(db)
    .await
    })
}
