//! `update_history`: one row per ping, report or refused report (the host's activity log).

use crate::exec;
use crate::store::Store;

/// One activity row. Counts are the host's stored totals after the write.
#[derive(Clone, Debug, Default)]
pub struct HistoryRow {
    pub report_type: &'static str,
    pub status: &'static str,
    pub error_message: Option<String>,
    pub packages_count: i64,
    pub security_count: i64,
    pub total_packages: Option<i64>,
    pub payload_size_kb: Option<f64>,
    pub execution_time: Option<f64>,
    pub sections_sent: Vec<String>,
    pub sections_unchanged: Vec<String>,
    pub agent_execution_ms: Option<i64>,
    pub server_processing_ms: Option<i64>,
    /// When it happened; `None` is the time of the write.
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
}

macro_rules! history_columns {
    () => {
        "INSERT INTO update_history (id, host_id, packages_count, security_count, total_packages, payload_size_kb, \
         execution_time, timestamp, status, error_message, report_type, sections_sent, sections_unchanged, \
         agent_execution_ms, server_processing_ms) "
    };
}

pub const INSERT_HISTORY: &str = concat!(
    history_columns!(),
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
);

/// [`INSERT_HISTORY`] that inserts nothing when the host has been deleted (queued check-ins).
pub const INSERT_HISTORY_IF_HOST: &str = concat!(
    history_columns!(),
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 \
     WHERE EXISTS (SELECT 1 FROM hosts WHERE id = $2)"
);

/// Binds a [`HistoryRow`] to [`INSERT_HISTORY`]; used inside and outside report transactions.
#[macro_export]
macro_rules! bind_history {
    ($query:expr, $host_id:expr, $row:expr) => {
        $query
            .bind($crate::store::new_ordered_id())
            .bind($host_id)
            .bind($row.packages_count)
            .bind($row.security_count)
            .bind($row.total_packages)
            .bind($row.payload_size_kb)
            .bind($row.execution_time)
            .bind($row.timestamp.unwrap_or_else($crate::store::now))
            .bind($row.status)
            .bind($row.error_message.as_deref())
            .bind($row.report_type)
            .bind(sqlx::types::Json(&$row.sections_sent))
            .bind(sqlx::types::Json(&$row.sections_unchanged))
            .bind($row.agent_execution_ms)
            .bind($row.server_processing_ms)
    };
}

/// Records a row on its own (pings and refusals). A failure is logged, never surfaced: the
/// activity log must not turn a successful check-in into an error.
pub async fn record(store: &Store, host_id: &str, row: &HistoryRow) {
    let result = exec!(store, |db| crate::bind_history!(
        sqlx::query(INSERT_HISTORY),
        host_id,
        row
    )
    .execute(db)
    .await);
    if let Err(err) = result {
        tracing::warn!(host_id, error = %err, "could not record agent activity");
    }
}
