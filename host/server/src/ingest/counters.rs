//! What this process has ingested since it started, for `/api/v1/metrics`. Per process: a
//! Prometheus server scraping several replicas sums them.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

#[derive(Debug, Default)]
pub struct IngestCounters {
    reports_stored: AtomicU64,
    reports_refused: AtomicU64,
    pings: AtomicU64,
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestSnapshot {
    pub reports_stored: u64,
    pub reports_refused: u64,
    pub pings: u64,
}

impl IngestCounters {
    pub fn report_stored(&self) {
        self.reports_stored.fetch_add(1, Ordering::Relaxed);
    }

    pub fn report_refused(&self) {
        self.reports_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn ping(&self) {
        self.pings.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> IngestSnapshot {
        IngestSnapshot {
            reports_stored: self.reports_stored.load(Ordering::Relaxed),
            reports_refused: self.reports_refused.load(Ordering::Relaxed),
            pings: self.pings.load(Ordering::Relaxed),
        }
    }
}
