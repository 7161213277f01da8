//! One store API over SQLite and PostgreSQL.
//!
//! Queries are written once, in the SQL dialect both engines share (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`, `LOWER(..) LIKE`), and the [`with_db!`] macro expands each query body for both
//! pool types. That keeps one code path per query while each backend keeps its native column
//! types (TIMESTAMPTZ, JSONB, BOOLEAN on PostgreSQL).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use read_cache::ReadCache;

pub mod json_rows;
pub mod read_cache;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported DATABASE_URL `{0}`: use sqlite://path or postgres://...")]
    UnsupportedUrl(String),
    #[error("could not reach the database after {attempts} attempts: {last}")]
    Unreachable { attempts: u32, last: String },
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Copies the SQLite write-ahead log back into the database file once a second until the pool
/// closes. SQLite's own automatic checkpoint runs inside the commit that fills the log, so one
/// report in every few dozen waited for a whole checkpoint (the p99 of report writes). A passive
/// checkpoint waits for no reader or writer.
async fn checkpoint_wal(pool: SqlitePool) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %err, "WAL checkpoint failed; retrying in a second");
        }
    }
}

/// Cheap to clone: a handle on the connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub pool: Pool,
    /// Turns for long write transactions on SQLite (see [`Store::write_turn`]).
    sqlite_writer: Arc<Semaphore>,
    /// Integrations' fleet-wide answers, reused for a few seconds.
    pub reads: Arc<ReadCache>,
}

/// Runs `$body` with `$db` bound to the concrete pool (SQLite or PostgreSQL).
#[macro_export]
macro_rules! with_db {
    ($store:expr, |$db:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($db) => $body,
            $crate::store::Pool::Postgres($db) => $body,
        }
    };
}

/// Like [`with_db!`] for statements run with `.execute(..).await`: yields the rows affected.
#[macro_export]
macro_rules! exec {
    ($store:expr, |$db:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($db) => $body.map(|r| r.rows_affected()),
            $crate::store::Pool::Postgres($db) => $body.map(|r| r.rows_affected()),
        }
    };
}

/// Runs `$body` inside one transaction on whichever backend is in use; `$tx` is `&mut Transaction`.
/// The body must evaluate to `Result<T, E>` with `E: From<sqlx::Error>`; it commits on `Ok`.
#[macro_export]
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
        }
    };
}

/// `DB_CONNECTION_LIMIT` (connections per server process) split between the general pool and
/// report ingest's ([`Store::twin_on`]): a quarter for reports, at least one each. A report holds
/// a connection only while its snapshot is read and its transaction runs, on SQLite one report
/// at a time.
pub fn split_connections(limit: u32) -> (u32, u32) {
    let reports = (limit / 4).max(1);
    (limit.saturating_sub(reports).max(1), reports)
}

/// Timestamps are kept at microsecond precision so both engines store and return equal values.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A time-ordered UUID (v7) for the high-volume tables (host packages, history): new rows land
/// at the end of the primary-key index instead of on a random page of it, which on SQLite is a
/// 4 KB page written to the WAL per row. Not for secrets: part of it is the time.
pub fn new_ordered_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Store {
    /// Connects (retrying while the database is unreachable) and applies pending migrations.
    pub async fn connect(config: &Config) -> StoreResult<Store> {
        let url = config.database_url.trim();
        let attempts = config.pm_db_conn_max_attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            match Self::try_connect(config, url).await {
                Ok(store) => {
                    store.migrate().await?;
                    if let Pool::Sqlite(pool) = &store.pool {
                        tokio::spawn(checkpoint_wal(pool.clone()));
                    }
                    return Ok(store);
                }
                Err(StoreError::Sqlx(err)) => {
                    last = err.to_string();
                    tracing::warn!(attempt, attempts, error = %last, "database not reachable yet");
                    if attempt < attempts {
                        tokio::time::sleep(Duration::from_secs(config.pm_db_conn_wait_interval))
                            .await;
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Err(StoreError::Unreachable { attempts, last })
    }

    async fn try_connect(config: &Config, url: &str) -> StoreResult<Store> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if let Some(parent) = std::path::Path::new(path).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::Sqlx(sqlx::Error::Configuration(
                            format!("cannot create database directory {}: {e}", parent.display())
                                .into(),
                        ))
                    })?;
                }
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(config.db_pool_timeout))
                .foreign_keys(true)
                // 32 MB of page cache per connection instead of 2 MB: the report writer walks
                // the package indexes of a fleet (millions of rows) on every report.
                .pragma("cache_size", "-32768")
                // Checkpoints run in the background (`checkpoint_wal`), not inside a writer's commit.
                .pragma("wal_autocheckpoint", "0");
            let (general, _) = split_connections(config.db_connection_limit);
            let pool = SqlitePoolOptions::new()
                .max_connections(general.min(16))
                .acquire_timeout(Duration::from_secs(config.db_pool_timeout))
                .connect_with(options)
                .await?;
            return Ok(Store::from_pool(Pool::Sqlite(pool), config));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options: PgConnectOptions = url.parse()?;
            let (general, _) = split_connections(config.db_connection_limit);
            let pool = PgPoolOptions::new()
                .max_connections(general)
                .acquire_timeout(Duration::from_secs(config.db_pool_timeout))
                .idle_timeout(Duration::from_secs(config.db_idle_timeout))
                .max_lifetime(Duration::from_secs(config.db_max_lifetime))
                .connect_with(options)
                .await?;
            return Ok(Store::from_pool(Pool::Postgres(pool), config));
        }
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }

    /// Builds a store on an existing pool (tests use one PostgreSQL schema per test).
    pub fn from_pool(pool: Pool, config: &Config) -> Store {
        Store {
            pool,
            sqlite_writer: Arc::new(Semaphore::new(1)),
            reads: Arc::new(ReadCache::new(Duration::from_secs(
                config.integration_cache_seconds,
            ))),
        }
    }

    /// The same database through a second pool of up to `max_connections`, opened on
    /// `runtime`, whose connections are opened by and belong to that runtime's tasks (their
    /// sockets are driven by its reactor; on SQLite their worker threads are spawned by, and
    /// take the scheduling policy of, its threads). It shares this store's SQLite write turn and
    /// read cache, and its other pool settings. Report ingest uses one on the background runtime:
    /// a connection shared between the two runtimes would wake its normal-priority users
    /// through a background thread.
    pub fn twin_on(&self, runtime: &tokio::runtime::Handle, max_connections: u32) -> Store {
        // The pool's maintenance task is spawned on the runtime entered here.
        let _inside = runtime.enter();
        let pool = match &self.pool {
            Pool::Sqlite(pool) => Pool::Sqlite(
                pool.options()
                    .clone()
                    .max_connections(max_connections)
                    .connect_lazy_with((*pool.connect_options()).clone()),
            ),
            Pool::Postgres(pool) => Pool::Postgres(
                pool.options()
                    .clone()
                    .max_connections(max_connections)
                    .connect_lazy_with((*pool.connect_options()).clone()),
            ),
        };
        Store {
            pool,
            sqlite_writer: self.sqlite_writer.clone(),
            reads: self.reads.clone(),
        }
    }

    /// Waits for this process's turn to run a long write transaction on SQLite, which allows
    /// one writer at a time: without a queue, concurrent report writers contend for the file lock,
    /// and a transaction that read before writing cannot upgrade ("database is locked").
    /// PostgreSQL locks rows and needs no turn. Waiting longer than the pool's acquire timeout is
    /// `PoolTimedOut`, which the API answers with 503.
    pub async fn write_turn(&self) -> Result<Option<OwnedSemaphorePermit>, sqlx::Error> {
        match &self.pool {
            Pool::Postgres(_) => Ok(None),
            Pool::Sqlite(pool) => {
                let wait = pool.options().get_acquire_timeout();
                match tokio::time::timeout(wait, self.sqlite_writer.clone().acquire_owned()).await {
                    Ok(Ok(permit)) => Ok(Some(permit)),
                    _ => Err(sqlx::Error::PoolTimedOut),
                }
            }
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => {
                sqlx::migrate!("../../migrations/postgres")
                    .run(pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A cheap round trip, for the health endpoint.
    pub async fn ping(&self) -> StoreResult<()> {
        exec!(self, |db| sqlx::query("SELECT 1").execute(db).await)?;
        Ok(())
    }

    pub async fn close(&self) {
        with_db!(self, |db| db.close().await)
    }
}

/// Escapes `%`, `_` and `\` so user text is matched literally inside a LIKE pattern.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database file itself (opened `immutable`, which ignores the WAL) holds a committed
    /// row within about a second, although SQLite's own checkpoint is off.
    #[tokio::test]
    async fn sqlite_commits_reach_the_database_file_in_the_background() {
        let dir = std::env::temp_dir().join(format!("patchmon-wal-{}", new_id()));
        let path = dir.join("patchmon.db");
        let config = Config {
            database_url: format!("sqlite://{}", path.display()),
            ..Config::default()
        };
        let store = Store::connect(&config).await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else {
            unreachable!("a sqlite:// URL")
        };
        sqlx::query("CREATE TABLE marker (value TEXT)")
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO marker VALUES ('committed')")
            .execute(pool)
            .await
            .unwrap();

        let file_only = SqliteConnectOptions::new()
            .filename(&path)
            .immutable(true)
            .read_only(true);
        let mut found = None;
        for _ in 0..30 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let reader = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(file_only.clone())
                .await
                .unwrap();
            found = sqlx::query_scalar::<_, String>("SELECT value FROM marker")
                .fetch_optional(&reader)
                .await
                .ok()
                .flatten();
            reader.close().await;
            if found.is_some() {
                break;
            }
        }
        store.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.as_deref(), Some("committed"));
    }

    #[test]
    fn the_connection_limit_is_split_with_at_least_one_each() {
        assert_eq!(split_connections(30), (23, 7));
        assert_eq!(split_connections(4), (3, 1));
        assert_eq!(split_connections(1), (1, 1));
        assert_eq!(split_connections(0), (1, 1));
    }

    /// A twin on the background runtime writes to the same database, and on SQLite waits for
    /// the same write turn as the store it was made from.
    #[tokio::test]
    async fn a_twin_shares_the_database_and_the_sqlite_write_turn() {
        let dir = std::env::temp_dir().join(format!("patchmon-twin-{}", new_id()));
        let config = Config {
            database_url: format!("sqlite://{}", dir.join("patchmon.db").display()),
            ..Config::default()
        };
        let store = Store::connect(&config).await.unwrap();
        let twin = store.twin_on(crate::cpu_bound::background_runtime(), 2);
        exec!(store, |db| sqlx::query("CREATE TABLE marker (value TEXT)")
            .execute(db)
            .await)
        .unwrap();

        let turn = store.write_turn().await.unwrap();
        let waiting = crate::cpu_bound::in_background({
            let twin = twin.clone();
            async move {
                let _turn = twin.write_turn().await.unwrap();
                exec!(twin, |db| sqlx::query("INSERT INTO marker VALUES ('twin')")
                    .execute(db)
                    .await)
                .unwrap();
            }
        });
        let waiting = tokio::spawn(waiting);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "the twin waits for the turn");
        drop(turn);
        waiting.await.unwrap();

        let value: String = with_db!(store, |db| sqlx::query_scalar("SELECT value FROM marker")
            .fetch_one(db)
            .await)
        .unwrap();
        assert_eq!(value, "twin");
        twin.close().await;
        store.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
