//! The report write. The stored state is read first without locks ([`snapshot`]) and compared
//! with the report ([`diff`]); one transaction then writes only the differences, in a fixed lock
//! order so concurrent reports from many hosts cannot deadlock: the host row first, then
//! `packages` rows in name order, then the host's own `host_packages`, then `repositories` in
//! (url, distribution, components) order, then the host's `host_repositories`, then the history
//! row. Unchanged shared rows are never written, so reports of different hosts do not queue on
//! the catalogue rows they share.

mod diff;
mod host_row;
mod snapshot;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use patchmon_proto::report::{Package, ReportPayload, Repository};
use patchmon_proto::Section;
use sqlx::types::Json;

use super::history::{HistoryRow, INSERT_HISTORY};
use super::validate::{clean, ReportPlan};
use crate::cpu_bound::CpuBound;
use crate::store::{new_id, new_ordered_id, now, Store};
use host_row::{HostColumns, UPDATE_HOST};
use snapshot::Snapshot;

pub use host_row::parse_time;

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
/// Attempts at a report write, counting retries after a stale snapshot or a retryable error.
const ATTEMPTS: u32 = 3;

/// The host's package totals after the write.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub total: i64,
    pub outdated: i64,
    pub security: i64,
}

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

/// Deadlocks and serialisation failures (PostgreSQL), and a catalogue or repository row deleted
/// between the snapshot and the write (a foreign key then fails), are retried.
fn is_retryable(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if matches!(db.code().as_deref(), Some("40P01" | "40001" | "23503" | "787")))
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error("the host no longer exists")]
    HostGone,
    /// Other reports of the same host kept landing between this one's read and its write.
    #[error("other reports of this host are being written")]
    Contended,
}

/// Writes a validated report and its history row atomically. A snapshot that another report of
/// the same host made stale, a deadlock or a vanished shared row are retried.
pub async fn write_report(
    store: &Store,
    host_id: &str,
    payload: &ReportPayload,
    plan: &ReportPlan,
    history: HistoryRow,
) -> Result<Totals, WriteError> {
    let repos = plan
        .writes(Section::Repos)
        .then(|| sorted_repos(&payload.repositories));
    let packages = plan
        .writes(Section::Packages)
        .then(|| plan.packages.clone());
    for attempt in 1..=ATTEMPTS {
        // SQLite's turn is taken before reading: it has one writer anyway, and readers racing
        // the writer for the pool's connections stalled the writer (PostgreSQL takes no turn and
        // reads without locks).
        let _turn = store.write_turn().await?;
        let snapshot = snapshot::read(store, host_id, packages.as_ref(), repos.as_deref())
            .await?
            .ok_or(WriteError::HostGone)?;
        let (snapshot, changes) = compare(packages.clone(), snapshot).await;
        let report = Report {
            host_id,
            payload,
            plan,
            repos: repos.as_deref(),
            history: &history,
        };
        match apply(store, &report, &snapshot, changes.as_ref()).await {
            Ok(Some(totals)) => return Ok(totals),
            Ok(None) => {
                tracing::debug!(
                    host_id,
                    attempt,
                    "another report of this host landed first; reading again"
                );
            }
            Err(err) if attempt < ATTEMPTS && is_retryable(&err) => {
                tracing::warn!(host_id, attempt, error = %err, "report write conflicted; retrying");
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(WriteError::Contended)
}

/// How the report's packages differ from the stored rows.
struct PackageChanges {
    catalogue: diff::CatalogueDiff,
    host: diff::HostPackageDiff,
}

/// Comparing thousands of packages with the stored rows is a millisecond of CPU that would hold
/// up the other reports' queries on the background runtime's workers.
static COMPARING: CpuBound = CpuBound::background();

/// The package changes, worked out on a CPU thread; `None` when the report writes no packages.
async fn compare(
    packages: Option<Arc<[Package]>>,
    snapshot: Snapshot,
) -> (Snapshot, Option<PackageChanges>) {
    let Some(packages) = packages else {
        return (snapshot, None);
    };
    COMPARING
        .run(move || {
            let changes = PackageChanges {
                catalogue: diff::catalogue(&packages, &snapshot),
                host: diff::host_packages(&packages, &snapshot.catalogue, &snapshot.host_packages),
            };
            (snapshot, Some(changes))
        })
        .await
}

/// What one report writes.
struct Report<'a> {
    host_id: &'a str,
    payload: &'a ReportPayload,
    plan: &'a ReportPlan,
    /// De-duplicated, in key order; `None` when the report does not write repositories.
    repos: Option<&'a [Repository]>,
    history: &'a HistoryRow,
}

/// Totals of a report that writes packages.
fn totals_of(packages: &[Package]) -> Totals {
    let outdated = packages.iter().filter(|p| p.needs_update);
    Totals {
        total: packages.len() as i64,
        outdated: outdated.clone().count() as i64,
        security: outdated.filter(|p| p.is_security_update).count() as i64,
    }
}

/// One transaction writing the differences between `snapshot` and the report (`changes` when it
/// writes packages). `None` (nothing written) when the snapshot is stale.
async fn apply(
    store: &Store,
    report: &Report<'_>,
    snapshot: &Snapshot,
    changes: Option<&PackageChanges>,
) -> Result<Option<Totals>, sqlx::Error> {
    let Report {
        host_id,
        payload,
        plan,
        repos,
        history,
    } = *report;
    let ts = now();
    let columns = HostColumns::from(payload, plan);
    let hash = |s: Section| plan.hashes.get(&s).cloned();
    let packages = &plan.packages;
    let totals = match changes {
        Some(_) => totals_of(packages),
        None => snapshot.totals,
    };
    let counts = |n: i64| changes.is_some().then_some(n);
    let shared_repos = repos.map(|repos| diff::repositories(repos, snapshot));
    crate::in_tx!(store, |tx| {
        let result: Result<Option<Totals>, sqlx::Error> = async {
            // 1. The host row: every concurrent report of this host queues here, and one that
            // landed since the snapshot was read makes this one start again.
            let updated = sqlx::query(UPDATE_HOST)
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
                .bind(counts(totals.total))
                .bind(counts(totals.outdated))
                .bind(counts(totals.security))
                .bind(snapshot.marker)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() == 0 {
                return Ok(None);
            }

            if let Some(PackageChanges { catalogue, host }) = changes {
                // 2. Shared package rows: only missing names are inserted and only moved rows
                // updated, each in name order.
                for chunk in catalogue.missing.chunks(rows_per_statement(store, 7)) {
                    let sql = format!(
                        "INSERT INTO packages (id, name, description, category, latest_version, created_at, updated_at) \
                         VALUES {} ON CONFLICT (name) DO NOTHING",
                        values(chunk.len(), 7)
                    );
                    let mut query = sqlx::query(&sql);
                    for p in chunk.iter().map(|i| &packages[*i]) {
                        query = query
                            .bind(new_id())
                            .bind(&p.name)
                            .bind(&p.description)
                            .bind(&p.category)
                            .bind(diff::offered_version(p))
                            .bind(ts)
                            .bind(ts);
                    }
                    query.execute(&mut *tx).await?;
                }
                // The ids of the rows just inserted, or of rows another report inserted first.
                let mut new_ids: HashMap<String, String> = HashMap::with_capacity(catalogue.missing.len());
                for chunk in catalogue.missing.chunks(rows_per_statement(store, 1)) {
                    let sql = format!("SELECT id, name FROM packages WHERE name IN ({})", placeholders(chunk.len()));
                    let mut select = sqlx::query_as::<_, (String, String)>(&sql);
                    for i in chunk {
                        select = select.bind(&packages[*i].name);
                    }
                    for (id, name) in select.fetch_all(&mut *tx).await? {
                        new_ids.insert(name, id);
                    }
                }
                for update in &catalogue.updates {
                    sqlx::query(
                        "UPDATE packages SET description = $2, category = $3, latest_version = $4, updated_at = $5 \
                         WHERE id = $1 AND latest_version IS NOT DISTINCT FROM $6",
                    )
                    .bind(&update.id)
                    .bind(&update.description)
                    .bind(&update.category)
                    .bind(&update.latest_version)
                    .bind(ts)
                    .bind(&update.read_latest_version)
                    .execute(&mut *tx)
                    .await?;
                }

                // 3. This host's rows: update changed, delete gone, insert new.
                for (id, p) in host.updates.iter().map(|(id, i)| (id, &packages[*i])) {
                    sqlx::query(
                        "UPDATE host_packages SET current_version = $2, available_version = $3, needs_update = $4, \
                         is_security_update = $5, source_repository = $6, last_checked = $7 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&p.current_version)
                    .bind(&p.available_version)
                    .bind(p.needs_update)
                    .bind(p.is_security_update)
                    .bind(&p.source_repository)
                    .bind(ts)
                    .execute(&mut *tx)
                    .await?;
                }
                for chunk in host.deletes.chunks(rows_per_statement(store, 1)) {
                    let sql = format!("DELETE FROM host_packages WHERE id IN ({})", placeholders(chunk.len()));
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    query.execute(&mut *tx).await?;
                }
                let inserts: Vec<(&Package, &str)> = host
                    .inserts
                    .iter()
                    .filter_map(|(i, id)| {
                        let p = &packages[*i];
                        let id = id.as_deref().or_else(|| new_ids.get(&p.name).map(String::as_str))?;
                        Some((p, id))
                    })
                    .collect();
                for chunk in inserts.chunks(rows_per_statement(store, 15)) {
                    let sql = format!("INSERT INTO host_packages {HOST_PACKAGE_COLUMNS} VALUES {}", values(chunk.len(), 15));
                    let mut query = sqlx::query(&sql);
                    for (p, package_id) in chunk {
                        query = query
                            .bind(new_ordered_id())
                            .bind(host_id)
                            .bind(package_id)
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

            if let (Some(repos), Some(shared)) = (repos, &shared_repos) {
                // 4. Shared repository rows, in key order: missing ones inserted, changed ones
                // updated.
                for r in &shared.missing {
                    sqlx::query(
                        "INSERT INTO repositories (id, name, url, distribution, components, repo_type, is_active, is_secure, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
                         ON CONFLICT (url, distribution, components) DO NOTHING",
                    )
                    .bind(new_id())
                    .bind(&r.name)
                    .bind(&r.url)
                    .bind(&r.distribution)
                    .bind(&r.components)
                    .bind(&r.repo_type)
                    .bind(true)
                    .bind(r.is_secure)
                    .bind(ts)
                    .execute(&mut *tx)
                    .await?;
                }
                for (id, r) in &shared.updates {
                    sqlx::query("UPDATE repositories SET name = $2, repo_type = $3, is_secure = $4, updated_at = $5 WHERE id = $1")
                        .bind(id)
                        .bind(&r.name)
                        .bind(&r.repo_type)
                        .bind(r.is_secure)
                        .bind(ts)
                        .execute(&mut *tx)
                        .await?;
                }
                let mut wanted: Vec<(String, bool)> = Vec::with_capacity(repos.len());
                for r in repos {
                    let id = match snapshot.repositories.get(&diff::repository_key(r)) {
                        Some(row) => row.id.clone(),
                        None => sqlx::query_scalar(
                            "SELECT id FROM repositories WHERE url = $1 AND distribution = $2 AND components = $3",
                        )
                        .bind(&r.url)
                        .bind(&r.distribution)
                        .bind(&r.components)
                        .fetch_one(&mut *tx)
                        .await?,
                    };
                    wanted.push((id, r.is_enabled));
                }
                // 5. This host's repository links converge to the sent set.
                let links = diff::host_repositories(&wanted, &snapshot.host_repositories);
                for (id, enabled) in &links.updates {
                    sqlx::query("UPDATE host_repositories SET is_enabled = $2, last_checked = $3 WHERE id = $1")
                        .bind(id)
                        .bind(*enabled)
                        .bind(ts)
                        .execute(&mut *tx)
                        .await?;
                }
                for (repository_id, enabled) in &links.inserts {
                    sqlx::query(
                        "INSERT INTO host_repositories (id, host_id, repository_id, is_enabled, last_checked) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(new_ordered_id())
                    .bind(host_id)
                    .bind(repository_id)
                    .bind(*enabled)
                    .bind(ts)
                    .execute(&mut *tx)
                    .await?;
                }
                for id in &links.deletes {
                    sqlx::query("DELETE FROM host_repositories WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }

            // 6. The history row.
            let row = HistoryRow {
                packages_count: totals.outdated,
                security_count: totals.security,
                total_packages: Some(totals.total),
                ..history.clone()
            };
            crate::bind_history!(sqlx::query(INSERT_HISTORY), host_id, row)
                .execute(&mut *tx)
                .await?;
            Ok(Some(totals))
        }
        .await;
        result
    })
}
