//! The report write: one transaction, diff-based, with a fixed lock order so concurrent reports
//! from many hosts cannot deadlock: the host row first, then `packages` rows in name order, then
//! the host's own `host_packages`, then `repositories` in (url, distribution, components) order,
//! then the host's `host_repositories`, then the history row.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use patchmon_proto::report::{Package, ReportPayload, Repository};
use patchmon_proto::Section;
use sqlx::types::Json;

use super::history::{HistoryRow, INSERT_HISTORY};
use super::validate::{clean, ReportPlan};
use crate::store::{new_id, now, Store};

/// Rows per multi-row statement on PostgreSQL: well under its parameter limit.
const POSTGRES_ROWS: usize = 500;
/// Parameters per statement on SQLite. sqlx looks each parameter's name up in a list SQLite
/// scans linearly, so binding costs grow with the square of a statement's parameters: 500
/// package rows (7,500 parameters) spent more time binding than writing.
const SQLITE_PARAMETERS: usize = 240;

/// Rows per multi-row statement of `columns` parameters each.
fn rows_per_statement(store: &Store, columns: usize) -> usize {
    match store.pool {
        crate::store::Pool::Sqlite(_) => (SQLITE_PARAMETERS / columns).max(1),
        crate::store::Pool::Postgres(_) => POSTGRES_ROWS,
    }
}
/// PostgreSQL deadlock / serialisation failures are retried this many times in all.
const ATTEMPTS: u32 = 3;

/// The host's package totals after the write.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub total: i64,
    pub outdated: i64,
    pub security: i64,
}

#[derive(sqlx::FromRow)]
struct StoredPackage {
    id: String,
    package_id: String,
    current_version: String,
    available_version: Option<String>,
    needs_update: bool,
    is_security_update: bool,
    source_repository: Option<String>,
}

impl StoredPackage {
    fn matches(&self, p: &Package) -> bool {
        self.current_version == p.current_version
            && self.available_version == p.available_version
            && self.needs_update == p.needs_update
            && self.is_security_update == p.is_security_update
            && self.source_repository == p.source_repository
    }
}

/// Host columns a report sets; `None` keeps the stored value.
struct HostColumns {
    os_type: Option<String>,
    os_version: Option<String>,
    hostname: Option<String>,
    ip: Option<String>,
    architecture: Option<String>,
    agent_version: Option<String>,
    machine_id: Option<String>,
    kernel_version: Option<String>,
    installed_kernel_version: Option<String>,
    selinux_status: Option<String>,
    system_uptime: Option<String>,
    boot_time: Option<DateTime<Utc>>,
    load_average: Option<Json<Vec<f64>>>,
    cpu_model: Option<String>,
    cpu_cores: Option<i64>,
    ram_installed: Option<f64>,
    swap_size: f64,
    disk_details: Option<Json<serde_json::Value>>,
    gateway_ip: Option<String>,
    dns_servers: Option<Json<Vec<String>>>,
    network_interfaces: Option<Json<serde_json::Value>>,
    needs_reboot: Option<bool>,
    reboot_reason: Option<String>,
    package_manager: Option<String>,
}

fn text(value: &str) -> Option<String> {
    let value = clean(value.trim());
    (!value.is_empty()).then_some(value)
}

pub fn parse_time(value: Option<&str>) -> Option<DateTime<Utc>> {
    value
        .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl HostColumns {
    fn from(payload: &ReportPayload, plan: &ReportPlan) -> HostColumns {
        let interfaces = plan.writes(Section::Interfaces);
        HostColumns {
            os_type: text(&payload.os_type),
            os_version: text(&payload.os_version),
            hostname: plan
                .writes(Section::Hostname)
                .then(|| text(&payload.hostname))
                .flatten(),
            ip: text(&payload.ip),
            architecture: text(&payload.architecture),
            agent_version: text(&payload.agent_version),
            machine_id: text(&payload.machine_id),
            kernel_version: text(&payload.kernel_version),
            installed_kernel_version: text(&payload.installed_kernel_version),
            selinux_status: text(&payload.selinux_status),
            system_uptime: text(&payload.system_uptime),
            boot_time: parse_time(payload.boot_time.as_deref()),
            load_average: payload
                .load_average
                .clone()
                .filter(|l| !l.is_empty())
                .map(Json),
            cpu_model: text(&payload.cpu_model),
            cpu_cores: (payload.cpu_cores > 0).then_some(payload.cpu_cores),
            ram_installed: (payload.ram_installed > 0.0).then_some(payload.ram_installed),
            swap_size: payload.swap_size.max(0.0),
            disk_details: payload
                .disk_details
                .as_ref()
                .filter(|d| !d.is_empty())
                .and_then(|d| serde_json::to_value(d).ok())
                .map(Json),
            gateway_ip: text(&payload.gateway_ip),
            dns_servers: interfaces
                .then(|| payload.dns_servers.clone().unwrap_or_default())
                .map(Json),
            network_interfaces: interfaces
                .then(|| serde_json::to_value(plan.interfaces.as_deref().unwrap_or(&[])).ok())
                .flatten()
                .map(Json),
            needs_reboot: plan.full.then_some(payload.needs_reboot),
            reboot_reason: plan.full.then(|| text(&payload.reboot_reason)).flatten(),
            package_manager: plan
                .writes(Section::Packages)
                .then(|| text(&payload.package_manager))
                .flatten(),
        }
    }
}

const UPDATE_HOST: &str = "UPDATE hosts SET os_type = COALESCE($2, os_type), os_version = COALESCE($3, os_version), \
    hostname = COALESCE($4, hostname), ip = COALESCE($5, ip), architecture = COALESCE($6, architecture), \
    agent_version = COALESCE($7, agent_version), machine_id = COALESCE($8, machine_id), \
    kernel_version = COALESCE($9, kernel_version), installed_kernel_version = COALESCE($10, installed_kernel_version), \
    selinux_status = COALESCE($11, selinux_status), system_uptime = COALESCE($12, system_uptime), \
    boot_time = COALESCE($13, boot_time), load_average = COALESCE($14, load_average), cpu_model = COALESCE($15, cpu_model), \
    cpu_cores = COALESCE($16, cpu_cores), ram_installed = COALESCE($17, ram_installed), swap_size = $18, \
    disk_details = COALESCE($19, disk_details), gateway_ip = COALESCE($20, gateway_ip), dns_servers = COALESCE($21, dns_servers), \
    network_interfaces = COALESCE($22, network_interfaces), needs_reboot = COALESCE($23, needs_reboot), \
    reboot_reason = CASE WHEN $24 THEN $25 ELSE reboot_reason END, package_manager = COALESCE($26, package_manager), \
    packages_hash = COALESCE($27, packages_hash), repos_hash = COALESCE($28, repos_hash), \
    interfaces_hash = COALESCE($29, interfaces_hash), hostname_hash = COALESCE($30, hostname_hash), \
    last_full_report_at = $31, last_update = $31, updated_at = $31, status = 'active' WHERE id = $1";

const UPSERT_PACKAGES_TAIL: &str = " ON CONFLICT (name) DO UPDATE SET \
    description = COALESCE(excluded.description, packages.description), \
    category = COALESCE(excluded.category, packages.category), \
    latest_version = COALESCE(excluded.latest_version, packages.latest_version), updated_at = excluded.updated_at \
    WHERE (excluded.description IS NOT NULL AND packages.description IS DISTINCT FROM excluded.description) \
    OR (excluded.category IS NOT NULL AND packages.category IS DISTINCT FROM excluded.category) \
    OR (excluded.latest_version IS NOT NULL AND packages.latest_version IS DISTINCT FROM excluded.latest_version)";

const UPSERT_REPOS_TAIL: &str = " ON CONFLICT (url, distribution, components) DO UPDATE SET \
    name = excluded.name, repo_type = excluded.repo_type, is_secure = excluded.is_secure, updated_at = excluded.updated_at \
    WHERE repositories.name IS DISTINCT FROM excluded.name OR repositories.repo_type IS DISTINCT FROM excluded.repo_type \
    OR repositories.is_secure IS DISTINCT FROM excluded.is_secure";

const HOST_PACKAGE_COLUMNS: &str = "(id, host_id, package_id, current_version, available_version, needs_update, \
    is_security_update, last_checked, source_repository, wua_guid, wua_kb, wua_severity, wua_categories, \
    wua_support_url, wua_revision_number)";

/// `($1, $2, ...), (...)` for `rows` rows of `width` parameters.
fn values(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn placeholders(count: usize) -> String {
    (1..=count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The newest version this host knows of: the offered update, else what is installed.
fn latest_version(p: &Package) -> Option<&str> {
    p.available_version
        .as_deref()
        .filter(|_| p.needs_update)
        .or(Some(p.current_version.as_str()))
        .filter(|v| !v.is_empty())
}

/// Repositories de-duplicated on (url, distribution, components), last wins, in key order.
fn sorted_repos(repos: &[Repository]) -> Vec<Repository> {
    let mut by_key: BTreeMap<(String, String, String), Repository> = BTreeMap::new();
    for r in repos {
        let mut r = r.clone();
        r.name = clean(r.name.trim());
        r.url = clean(r.url.trim());
        r.distribution = clean(r.distribution.trim());
        r.components = clean(r.components.trim());
        r.repo_type = clean(r.repo_type.trim());
        if !r.url.is_empty() {
            by_key.insert(
                (r.url.clone(), r.distribution.clone(), r.components.clone()),
                r,
            );
        }
    }
    by_key.into_values().collect()
}

fn is_retryable(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")))
}

/// Writes a validated report and its history row atomically; retries deadlocks.
pub async fn write_report(
    store: &Store,
    host_id: &str,
    payload: &ReportPayload,
    plan: &ReportPlan,
    history: HistoryRow,
) -> Result<Totals, sqlx::Error> {
    let _turn = store.write_turn().await?;
    let mut attempt = 1;
    loop {
        match write_once(store, host_id, payload, plan, &history).await {
            Err(err) if attempt < ATTEMPTS && is_retryable(&err) => {
                tracing::warn!(host_id, attempt, error = %err, "report write conflicted; retrying");
                attempt += 1;
            }
            other => return other,
        }
    }
}

async fn write_once(
    store: &Store,
    host_id: &str,
    payload: &ReportPayload,
    plan: &ReportPlan,
    history: &HistoryRow,
) -> Result<Totals, sqlx::Error> {
    let ts = now();
    let columns = HostColumns::from(payload, plan);
    let hash = |s: Section| plan.hashes.get(&s).cloned();
    let repos = plan
        .writes(Section::Repos)
        .then(|| sorted_repos(&payload.repositories));
    crate::in_tx!(store, |tx| {
        let result: Result<Totals, sqlx::Error> = async {
            // 1. The host row: every concurrent report of this host queues here.
            sqlx::query(UPDATE_HOST)
                .bind(host_id)
                .bind(&columns.os_type)
                .bind(&columns.os_version)
                .bind(&columns.hostname)
                .bind(&columns.ip)
                .bind(&columns.architecture)
                .bind(&columns.agent_version)
                .bind(&columns.machine_id)
                .bind(&columns.kernel_version)
                .bind(&columns.installed_kernel_version)
                .bind(&columns.selinux_status)
                .bind(&columns.system_uptime)
                .bind(columns.boot_time)
                .bind(&columns.load_average)
                .bind(&columns.cpu_model)
                .bind(columns.cpu_cores)
                .bind(columns.ram_installed)
                .bind(columns.swap_size)
                .bind(&columns.disk_details)
                .bind(&columns.gateway_ip)
                .bind(&columns.dns_servers)
                .bind(&columns.network_interfaces)
                .bind(columns.needs_reboot)
                .bind(plan.full && columns.reboot_reason.is_some())
                .bind(&columns.reboot_reason)
                .bind(&columns.package_manager)
                .bind(hash(Section::Packages))
                .bind(hash(Section::Repos))
                .bind(hash(Section::Interfaces))
                .bind(hash(Section::Hostname))
                .bind(ts)
                .execute(&mut *tx)
                .await?;

            if plan.writes(Section::Packages) {
                // 2. Shared package rows, in name order (plan.packages is sorted by name).
                let mut ids: HashMap<String, String> = HashMap::new();
                for chunk in plan.packages.chunks(rows_per_statement(store, 7)) {
                    let sql = format!(
                        "INSERT INTO packages (id, name, description, category, latest_version, created_at, updated_at) VALUES {}{UPSERT_PACKAGES_TAIL}",
                        values(chunk.len(), 7)
                    );
                    let mut query = sqlx::query(&sql);
                    for p in chunk {
                        query = query
                            .bind(new_id())
                            .bind(&p.name)
                            .bind(&p.description)
                            .bind(&p.category)
                            .bind(latest_version(p))
                            .bind(ts)
                            .bind(ts);
                    }
                    query.execute(&mut *tx).await?;
                    let sql = format!("SELECT id, name FROM packages WHERE name IN ({})", placeholders(chunk.len()));
                    let mut select = sqlx::query_as::<_, (String, String)>(&sql);
                    for p in chunk {
                        select = select.bind(&p.name);
                    }
                    for (id, name) in select.fetch_all(&mut *tx).await? {
                        ids.insert(name, id);
                    }
                }
                // 3. This host's rows: delete gone, update changed, insert new.
                let stored: Vec<StoredPackage> = sqlx::query_as(
                    "SELECT id, package_id, current_version, available_version, needs_update, is_security_update, source_repository \
                     FROM host_packages WHERE host_id = $1",
                )
                .bind(host_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut stored: HashMap<String, StoredPackage> =
                    stored.into_iter().map(|s| (s.package_id.clone(), s)).collect();
                let mut inserts: Vec<(&Package, &String)> = Vec::new();
                for p in &plan.packages {
                    let Some(package_id) = ids.get(&p.name) else { continue };
                    match stored.remove(package_id) {
                        Some(row) if row.matches(p) => {}
                        Some(row) => {
                            sqlx::query(
                                "UPDATE host_packages SET current_version = $2, available_version = $3, needs_update = $4, \
                                 is_security_update = $5, source_repository = $6, last_checked = $7 WHERE id = $1",
                            )
                            .bind(&row.id)
                            .bind(&p.current_version)
                            .bind(&p.available_version)
                            .bind(p.needs_update)
                            .bind(p.is_security_update)
                            .bind(&p.source_repository)
                            .bind(ts)
                            .execute(&mut *tx)
                            .await?;
                        }
                        None => inserts.push((p, package_id)),
                    }
                }
                let gone: Vec<String> = stored.into_values().map(|s| s.id).collect();
                for chunk in gone.chunks(rows_per_statement(store, 1)) {
                    let sql = format!("DELETE FROM host_packages WHERE id IN ({})", placeholders(chunk.len()));
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    query.execute(&mut *tx).await?;
                }
                for chunk in inserts.chunks(rows_per_statement(store, 15)) {
                    let sql = format!("INSERT INTO host_packages {HOST_PACKAGE_COLUMNS} VALUES {}", values(chunk.len(), 15));
                    let mut query = sqlx::query(&sql);
                    for (p, package_id) in chunk {
                        query = query
                            .bind(new_id())
                            .bind(host_id)
                            .bind(*package_id)
                            .bind(&p.current_version)
                            .bind(&p.available_version)
                            .bind(p.needs_update)
                            .bind(p.is_security_update)
                            .bind(ts)
                            .bind(&p.source_repository)
                            .bind(&p.wua_guid)
                            .bind(&p.wua_kb)
                            .bind(&p.wua_severity)
                            .bind(p.wua_categories.as_ref().map(Json))
                            .bind(&p.wua_support_url)
                            .bind(p.wua_revision_number.map(i64::from));
                    }
                    query.execute(&mut *tx).await?;
                }
            }

            if let Some(repos) = &repos {
                // 4. Shared repository rows, in key order.
                let mut wanted: Vec<(String, bool)> = Vec::with_capacity(repos.len());
                for chunk in repos.chunks(rows_per_statement(store, 10)) {
                    let sql = format!(
                        "INSERT INTO repositories (id, name, url, distribution, components, repo_type, is_active, is_secure, created_at, updated_at) VALUES {}{UPSERT_REPOS_TAIL}",
                        values(chunk.len(), 10)
                    );
                    let mut query = sqlx::query(&sql);
                    for r in chunk {
                        query = query
                            .bind(new_id())
                            .bind(&r.name)
                            .bind(&r.url)
                            .bind(&r.distribution)
                            .bind(&r.components)
                            .bind(&r.repo_type)
                            .bind(true)
                            .bind(r.is_secure)
                            .bind(ts)
                            .bind(ts);
                    }
                    query.execute(&mut *tx).await?;
                }
                for r in repos {
                    let id: String = sqlx::query_scalar(
                        "SELECT id FROM repositories WHERE url = $1 AND distribution = $2 AND components = $3",
                    )
                    .bind(&r.url)
                    .bind(&r.distribution)
                    .bind(&r.components)
                    .fetch_one(&mut *tx)
                    .await?;
                    wanted.push((id, r.is_enabled));
                }
                // 5. This host's repository links converge to the sent set.
                let stored: Vec<(String, String, bool)> = sqlx::query_as(
                    "SELECT id, repository_id, is_enabled FROM host_repositories WHERE host_id = $1",
                )
                .bind(host_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut stored: HashMap<String, (String, bool)> =
                    stored.into_iter().map(|(id, repo, enabled)| (repo, (id, enabled))).collect();
                for (repository_id, enabled) in &wanted {
                    match stored.remove(repository_id) {
                        Some((_, was)) if was == *enabled => {}
                        Some((id, _)) => {
                            sqlx::query("UPDATE host_repositories SET is_enabled = $2, last_checked = $3 WHERE id = $1")
                                .bind(&id)
                                .bind(*enabled)
                                .bind(ts)
                                .execute(&mut *tx)
                                .await?;
                        }
                        None => {
                            sqlx::query(
                                "INSERT INTO host_repositories (id, host_id, repository_id, is_enabled, last_checked) VALUES ($1, $2, $3, $4, $5)",
                            )
                            .bind(new_id())
                            .bind(host_id)
                            .bind(repository_id)
                            .bind(*enabled)
                            .bind(ts)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                for (id, _) in stored.into_values() {
                    sqlx::query("DELETE FROM host_repositories WHERE id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                }
            }

            // 6. Totals after the write, kept on the host row for the host lists, and the
            // history row.
            let (total, outdated, security): (i64, i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN needs_update THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN needs_update AND is_security_update THEN 1 ELSE 0 END), 0) \
                 FROM host_packages WHERE host_id = $1",
            )
            .bind(host_id)
            .fetch_one(&mut *tx)
            .await?;
            if plan.writes(Section::Packages) {
                sqlx::query(
                    "UPDATE hosts SET package_count = $2, outdated_count = $3, security_count = $4 WHERE id = $1",
                )
                .bind(host_id)
                .bind(total)
                .bind(outdated)
                .bind(security)
                .execute(&mut *tx)
                .await?;
            }
            let row = HistoryRow {
                packages_count: outdated,
                security_count: security,
                total_packages: Some(total),
                ..history.clone()
            };
            crate::bind_history!(sqlx::query(INSERT_HISTORY), host_id, row)
                .execute(&mut *tx)
                .await?;
            Ok(Totals { total, outdated, security })
        }
        .await;
        result
    })
}
