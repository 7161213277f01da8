//! Check-ins are answered before they are written. An active host's check-in changes nothing its
//! answer depends on (the hash gate reads the host row the request authenticated against), so it
//! is queued and written with the others that arrived within [`BATCH_WINDOW`], in one
//! transaction. A fleet checking in every minute then costs a few transactions a second instead
//! of two writes per check-in, and a check-in never waits behind a report for SQLite's single
//! writer. A host that is not active yet is written at once, so its status changes as it answers.
//!
//! What is lost: check-ins queued when the process dies (at most one window's worth; the next
//! check-in brings the same facts), and a batch the database refuses (logged).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use patchmon_proto::ping::PingMetrics;
use sqlx::types::Json;
use tokio::sync::Notify;

use super::history::{HistoryRow, INSERT_HISTORY_IF_HOST};
use super::write::parse_time;
use crate::store::Store;

/// How long the first queued check-in waits for others to share its transaction.
const BATCH_WINDOW: Duration = Duration::from_millis(200);
/// Check-ins written per transaction, so one batch never holds the writer for long.
const BATCH_SIZE: usize = 500;

/// One agent check-in, as it will be written.
#[derive(Debug, Clone)]
pub struct CheckIn {
    pub host_id: String,
    pub at: DateTime<Utc>,
    pub metrics: PingMetrics,
    pub agent_version: Option<String>,
    /// An empty-body heartbeat (older agents): it alone activates the host.
    pub legacy: bool,
    pub history: HistoryRow,
}

/// The metrics are written with "keep the stored value when absent or empty" semantics; the
/// reboot reason follows the flag. A check-in older than the host's last write (a report that
/// landed while it was queued) leaves the host row alone.
const UPDATE_HOST: &str = "UPDATE hosts SET cpu_cores = COALESCE($2, cpu_cores), cpu_model = COALESCE($3, cpu_model), \
    ram_installed = COALESCE($4, ram_installed), swap_size = COALESCE($5, swap_size), \
    disk_details = COALESCE($6, disk_details), system_uptime = COALESCE($7, system_uptime), \
    boot_time = COALESCE($8, boot_time), load_average = COALESCE($9, load_average), \
    needs_reboot = COALESCE($10, needs_reboot), reboot_reason = CASE WHEN $11 THEN $12 ELSE reboot_reason END, \
    agent_version = COALESCE($13, agent_version), last_update = $14, updated_at = $14, \
    status = CASE WHEN $15 OR status = 'pending' THEN 'active' ELSE status END \
    WHERE id = $1 AND (last_update IS NULL OR last_update <= $14)";

/// Binds a [`CheckIn`] to [`UPDATE_HOST`]: a macro because each backend's query is its own type.
macro_rules! bind_update {
    ($check_in:expr) => {{
        let c: &CheckIn = $check_in;
        let m = &c.metrics;
        let non_empty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        let reason_given = non_empty(&m.reboot_reason);
        // An absent flag, or "true" without a reason, keeps the stored reason.
        let set_reason = match m.needs_reboot {
            None => false,
            Some(true) => reason_given.is_some(),
            Some(false) => true,
        };
        sqlx::query(UPDATE_HOST)
            .bind(&c.host_id)
            .bind(m.cpu_cores.filter(|c| *c > 0))
            .bind(non_empty(&m.cpu_model))
            .bind(m.ram_installed)
            .bind(m.swap_size)
            .bind(
                m.disk_details
                    .as_ref()
                    .filter(|d| !d.is_empty())
                    .and_then(|d| serde_json::to_value(d).ok())
                    .map(Json),
            )
            .bind(non_empty(&m.system_uptime))
            .bind(parse_time(m.boot_time.as_deref()))
            .bind(m.load_average.clone().filter(|l| !l.is_empty()).map(Json))
            .bind(m.needs_reboot)
            .bind(set_reason)
            .bind(reason_given)
            .bind(c.agent_version.as_deref().filter(|v| !v.trim().is_empty()))
            .bind(c.at)
            .bind(c.legacy)
    }};
}

/// Writes check-ins in one transaction, in host order (a fixed lock order against other
/// replicas' batches). Check-ins of a host deleted meanwhile are skipped.
pub async fn write(store: &Store, batch: &[CheckIn]) -> Result<(), sqlx::Error> {
    let mut ordered: Vec<&CheckIn> = batch.iter().collect();
    ordered.sort_by(|a, b| a.host_id.cmp(&b.host_id));
    let _turn = store.write_turn().await?;
    crate::in_tx!(store, |tx| {
        let result: Result<(), sqlx::Error> = async {
            for check_in in &ordered {
                bind_update!(check_in).execute(&mut *tx).await?;
                let history = HistoryRow {
                    timestamp: Some(check_in.at),
                    ..check_in.history.clone()
                };
                crate::bind_history!(
                    sqlx::query(INSERT_HISTORY_IF_HOST),
                    &check_in.host_id,
                    history
                )
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        }
        .await;
        result
    })
}

/// The queue of check-ins waiting for their batch, and the task that writes it.
pub struct CheckIns {
    store: Store,
    queued: Mutex<Vec<CheckIn>>,
    wake: Arc<Notify>,
    /// One batch at a time, so `flush` returns only once everything queued before it is written.
    writing: tokio::sync::Mutex<()>,
}

impl CheckIns {
    /// The queue, with its writer task running on the current runtime.
    pub fn start(store: Store) -> Arc<CheckIns> {
        let check_ins = Arc::new(CheckIns {
            store,
            queued: Mutex::new(Vec::new()),
            wake: Arc::new(Notify::new()),
            writing: tokio::sync::Mutex::new(()),
        });
        let writer = Arc::downgrade(&check_ins);
        let wake = check_ins.wake.clone();
        tokio::spawn(async move {
            loop {
                wake.notified().await;
                tokio::time::sleep(BATCH_WINDOW).await;
                match writer.upgrade() {
                    Some(check_ins) => check_ins.flush().await,
                    None => return,
                }
            }
        });
        check_ins
    }

    /// Queues a check-in for the next batch.
    pub fn push(&self, check_in: CheckIn) {
        self.queued.lock().expect("check-in queue").push(check_in);
        self.wake.notify_one();
    }

    /// Writes everything queued so far (the writer task's batch, shutdown, and tests).
    pub async fn flush(&self) {
        let _writing = self.writing.lock().await;
        let queued = std::mem::take(&mut *self.queued.lock().expect("check-in queue"));
        for batch in queued.chunks(BATCH_SIZE) {
            if let Err(err) = write(&self.store, batch).await {
                tracing::warn!(check_ins = batch.len(), error = %err, "could not record agent check-ins");
            }
        }
    }
}

impl Drop for CheckIns {
    /// Wakes the writer task so it sees the queue is gone and ends.
    fn drop(&mut self) {
        self.wake.notify_one();
    }
}
