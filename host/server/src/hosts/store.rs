//! Queries on `hosts` and their group memberships.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::types::Json;

use crate::store::{new_id, now, Store};
use crate::{exec, with_db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Host {
    pub id: String,
    pub machine_id: Option<String>,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os_type: String,
    pub os_version: String,
    pub architecture: Option<String>,
    pub status: String,
    pub last_update: DateTime<Utc>,
    pub api_id: String,
    pub agent_version: Option<String>,
    pub auto_update: bool,
    pub notes: Option<String>,
    pub system_uptime: Option<String>,
    pub boot_time: Option<DateTime<Utc>>,
    pub needs_reboot: Option<bool>,
    pub reboot_reason: Option<String>,
    pub docker_enabled: bool,
    pub compliance_enabled: bool,
    pub compliance_on_demand_only: bool,
    pub host_down_alerts_enabled: Option<bool>,
    pub expected_platform: Option<String>,
    pub package_manager: Option<String>,
    pub primary_interface: Option<String>,
    pub network_interfaces: Option<Json<Value>>,
    /// Package totals kept by the report writer (migration 0006).
    pub package_count: i64,
    pub outdated_count: i64,
    /// Outdated packages whose update is a security fix.
    pub security_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const HOST_COLUMNS: &str = "id, machine_id, friendly_name, hostname, ip, os_type, os_version, architecture, \
    status, last_update, api_id, agent_version, auto_update, notes, system_uptime, boot_time, needs_reboot, \
    reboot_reason, docker_enabled, compliance_enabled, compliance_on_demand_only, host_down_alerts_enabled, \
    expected_platform, package_manager, primary_interface, network_interfaces, package_count, outdated_count, \
    security_count, created_at, updated_at";

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct GroupRef {
    #[serde(skip)]
    pub host_id: String,
    pub id: String,
    pub name: String,
    pub color: String,
}

/// `inactive` when the host is active but has missed two report intervals.
pub fn effective_status(
    status: &str,
    last_update: DateTime<Utc>,
    update_interval_minutes: i64,
) -> &str {
    let interval = if update_interval_minutes > 0 {
        update_interval_minutes
    } else {
        60
    };
    let stale = now() - last_update > chrono::Duration::minutes(2 * interval);
    if status == "active" && stale {
        "inactive"
    } else {
        status
    }
}

impl Host {
    pub fn effective_status(&self, update_interval_minutes: i64) -> &str {
        effective_status(&self.status, self.last_update, update_interval_minutes)
    }

    /// PatchMon's HostResponse.
    pub fn to_json(&self, groups: &[GroupRef], update_interval: i64) -> Value {
        json!({
            "id": self.id,
            "friendly_name": self.friendly_name,
            "api_id": self.api_id,
            "os_type": self.os_type,
            "os_version": self.os_version,
            "status": self.status,
            "effective_status": self.effective_status(update_interval),
            "hostname": self.hostname,
            "ip": self.ip,
            "architecture": self.architecture,
            "agent_version": self.agent_version,
            "notes": self.notes,
            "system_uptime": self.system_uptime,
            "package_manager": self.package_manager,
            "primary_interface": self.primary_interface,
            "awaiting_post_patch_report_run_id": Value::Null,
            "expected_platform": self.expected_platform,
            "machine_id": self.machine_id,
            "last_update": self.last_update,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "boot_time": self.boot_time,
            "auto_update": self.auto_update,
            "docker_enabled": self.docker_enabled,
            "compliance_enabled": self.compliance_enabled,
            "needs_reboot": self.needs_reboot,
            "reboot_reason": self.reboot_reason,
            "host_down_alerts_enabled": self.host_down_alerts_enabled,
            "host_group_memberships": groups,
        })
    }
}

pub struct NewHost<'a> {
    pub friendly_name: &'a str,
    /// Known before the first report (integrations); otherwise a unique placeholder.
    pub machine_id: Option<&'a str>,
    pub api_id: &'a str,
    pub api_key_hash: &'a str,
    pub docker_enabled: bool,
    pub compliance_enabled: bool,
    pub expected_platform: Option<&'a str>,
    pub group_ids: &'a [String],
}

/// Creates the host and its memberships in one transaction.
pub async fn create(store: &Store, host: NewHost<'_>) -> Result<String, sqlx::Error> {
    let id = new_id();
    let ts = now();
    crate::in_tx!(store, |tx| {
        let result: Result<(), sqlx::Error> = async {
            sqlx::query(
                "INSERT INTO hosts (id, machine_id, friendly_name, os_type, os_version, status, last_update, api_id, api_key_hash, \
                 auto_update, docker_enabled, compliance_enabled, compliance_on_demand_only, expected_platform, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'unknown', 'unknown', 'pending', $4, $5, $6, FALSE, $7, $8, $9, $10, $4, $4)",
            )
            .bind(&id)
            .bind(
                host.machine_id
                    .map_or_else(|| format!("pending-{}", new_id()), str::to_string),
            )
            .bind(host.friendly_name)
            .bind(ts)
            .bind(host.api_id)
            .bind(host.api_key_hash)
            .bind(host.docker_enabled)
            .bind(host.compliance_enabled)
            .bind(!host.compliance_enabled)
            .bind(host.expected_platform)
            .execute(&mut *tx)
            .await?;
            for group_id in host.group_ids {
                sqlx::query("INSERT INTO host_group_memberships (id, host_id, host_group_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(new_id())
                    .bind(&id)
                    .bind(group_id)
                    .bind(ts)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        }
        .await;
        result
    })?;
    Ok(id)
}

pub async fn find(store: &Store, id: &str) -> Result<Option<Host>, sqlx::Error> {
    let sql = format!("SELECT {HOST_COLUMNS} FROM hosts WHERE id = $1");
    with_db!(store, |db| sqlx::query_as::<_, Host>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

/// Filters and ordering for the admin host list.
#[derive(Default)]
pub struct ListFilter {
    pub search: Option<String>,
    pub group_id: Option<String>,
    pub ungrouped: bool,
    pub status: Option<String>,
    pub os_type: Option<String>,
    pub sort_column: &'static str,
    pub descending: bool,
}

pub async fn list(
    store: &Store,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Host>, i64), sqlx::Error> {
    let search = filter.search.as_deref().map(crate::store::like_pattern);
    let conditions = "($1 IS NULL OR LOWER(friendly_name) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(hostname, '')) LIKE $1 ESCAPE '\\' \
         OR LOWER(COALESCE(ip, '')) LIKE $1 ESCAPE '\\' OR LOWER(os_type) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(notes, '')) LIKE $1 ESCAPE '\\') \
         AND ($2 IS NULL OR id IN (SELECT host_id FROM host_group_memberships WHERE host_group_id = $2)) \
         AND ($3 = FALSE OR id NOT IN (SELECT host_id FROM host_group_memberships)) \
         AND ($4 IS NULL OR status = $4) AND ($5 IS NULL OR LOWER(os_type) = LOWER($5))";
    let direction = if filter.descending { "DESC" } else { "ASC" };
    let sort = if filter.sort_column.is_empty() {
        "created_at"
    } else {
        filter.sort_column
    };
    let sql = format!("SELECT {HOST_COLUMNS} FROM hosts WHERE {conditions} ORDER BY {sort} {direction}, id LIMIT $6 OFFSET $7");
    let count_sql = format!("SELECT COUNT(*) FROM hosts WHERE {conditions}");
    with_db!(store, |db| {
        let hosts = sqlx::query_as::<_, Host>(&sql)
            .bind(search.as_deref())
            .bind(filter.group_id.as_deref())
            .bind(filter.ungrouped)
            .bind(filter.status.as_deref())
            .bind(filter.os_type.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await?;
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(search.as_deref())
            .bind(filter.group_id.as_deref())
            .bind(filter.ungrouped)
            .bind(filter.status.as_deref())
            .bind(filter.os_type.as_deref())
            .fetch_one(db)
            .await?;
        Ok((hosts, total))
    })
}

/// Host ids per `IN` list when reading memberships.
const GROUP_CHUNK: usize = 500;

/// Group memberships of the given hosts, keyed by host id.
pub async fn groups_of(
    store: &Store,
    host_ids: &[String],
) -> Result<HashMap<String, Vec<GroupRef>>, sqlx::Error> {
    const SELECT: &str = "SELECT m.host_id, g.id, g.name, g.color FROM host_group_memberships m \
        JOIN host_groups g ON g.id = m.host_group_id";
    let mut out: HashMap<String, Vec<GroupRef>> = HashMap::new();
    // Past one chunk, a single pass over every membership is cheaper than many `IN` lists
    // (a fleet-wide list asks for every host anyway).
    if host_ids.len() > GROUP_CHUNK {
        let wanted: std::collections::HashSet<&str> = host_ids.iter().map(String::as_str).collect();
        let sql = format!("{SELECT} ORDER BY g.name");
        let rows = with_db!(store, |db| sqlx::query_as::<_, GroupRef>(&sql)
            .fetch_all(db)
            .await)?;
        for row in rows
            .into_iter()
            .filter(|r| wanted.contains(r.host_id.as_str()))
        {
            out.entry(row.host_id.clone()).or_default().push(row);
        }
        return Ok(out);
    }
    for chunk in host_ids.chunks(GROUP_CHUNK) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{SELECT} WHERE m.host_id IN ({}) ORDER BY g.name",
            placeholders.join(", ")
        );
        let rows = with_db!(store, |db| {
            let mut query = sqlx::query_as::<_, GroupRef>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(db).await
        })?;
        for row in rows {
            out.entry(row.host_id.clone()).or_default().push(row);
        }
    }
    Ok(out)
}

/// Replaces the group memberships of every listed host with `group_ids`, atomically.
pub async fn set_groups(
    store: &Store,
    host_ids: &[String],
    group_ids: &[String],
) -> Result<(), sqlx::Error> {
    let ts = now();
    crate::in_tx!(store, |tx| {
        let result: Result<(), sqlx::Error> = async {
            for host_id in host_ids {
                sqlx::query("DELETE FROM host_group_memberships WHERE host_id = $1").bind(host_id).execute(&mut *tx).await?;
                for group_id in group_ids {
                    sqlx::query("INSERT INTO host_group_memberships (id, host_id, host_group_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(new_id())
                        .bind(host_id)
                        .bind(group_id)
                        .bind(ts)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE hosts SET updated_at = $2 WHERE id = $1").bind(host_id).bind(ts).execute(&mut *tx).await?;
            }
            Ok(())
        }
        .await;
        result
    })
}

/// How many of `ids` exist in `table` (hosts or host_groups).
pub async fn count_existing(
    store: &Store,
    table: &str,
    ids: &[String],
) -> Result<usize, sqlx::Error> {
    let mut found = 0usize;
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    let unique: Vec<&String> = unique.into_iter().collect();
    for chunk in unique.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM {table} WHERE id IN ({})",
            placeholders.join(", ")
        );
        let count: i64 = with_db!(store, |db| {
            let mut query = sqlx::query_scalar(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_one(db).await
        })?;
        found += count as usize;
    }
    Ok(found)
}

/// Sets one text column (friendly_name, notes, ip, hostname) of a host.
pub async fn set_text(
    store: &Store,
    id: &str,
    column: HostTextColumn,
    value: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE hosts SET {} = $2, updated_at = $3 WHERE id = $1",
        column.name()
    );
    let result = exec!(store, |db| sqlx::query(&sql)
        .bind(id)
        .bind(value)
        .bind(now())
        .execute(db)
        .await)?;
    Ok(result == 1)
}

#[derive(Clone, Copy)]
pub enum HostTextColumn {
    FriendlyName,
    Notes,
    Ip,
    Hostname,
}

impl HostTextColumn {
    fn name(self) -> &'static str {
        match self {
            HostTextColumn::FriendlyName => "friendly_name",
            HostTextColumn::Notes => "notes",
            HostTextColumn::Ip => "ip",
            HostTextColumn::Hostname => "hostname",
        }
    }
}

pub async fn set_auto_update(store: &Store, id: &str, enabled: bool) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| sqlx::query(
        "UPDATE hosts SET auto_update = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(enabled)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(result == 1)
}

pub async fn set_credentials(
    store: &Store,
    id: &str,
    api_id: &str,
    api_key_hash: &str,
) -> Result<bool, sqlx::Error> {
    let result = exec!(store, |db| sqlx::query(
        "UPDATE hosts SET api_id = $2, api_key_hash = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(api_id)
    .bind(api_key_hash)
    .bind(now())
    .execute(db)
    .await)?;
    Ok(result == 1)
}

/// Deletes the hosts (memberships cascade) in one transaction; returns how many went.
pub async fn delete_many(store: &Store, ids: &[String]) -> Result<u64, sqlx::Error> {
    crate::in_tx!(store, |tx| {
        let result: Result<u64, sqlx::Error> = async {
            let mut deleted = 0;
            for id in ids {
                deleted += sqlx::query("DELETE FROM hosts WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            Ok(deleted)
        }
        .await;
        result
    })
}

#[derive(Debug, sqlx::FromRow)]
pub struct HostOption {
    pub id: String,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub os_type: String,
    pub status: String,
}

pub async fn options(
    store: &Store,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<HostOption>, sqlx::Error> {
    let pattern = search.map(crate::store::like_pattern);
    with_db!(store, |db| {
        sqlx::query_as::<_, HostOption>(
        "SELECT id, friendly_name, hostname, os_type, status FROM hosts \
         WHERE $1 IS NULL OR LOWER(friendly_name) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(hostname, '')) LIKE $1 ESCAPE '\\' \
         ORDER BY friendly_name, hostname, id LIMIT $2 OFFSET $3"
    )
    .bind(pattern.as_deref())
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
    })
}
