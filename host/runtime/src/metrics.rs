//! Per-plugin counters, readable through [`crate::Runtime::metrics`].

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Live counters for one plugin.
#[derive(Debug, Default)]
pub(crate) struct PluginCounters {
    pub(crate) calls: AtomicU64,
    pub(crate) denials: AtomicU64,
    pub(crate) traps: AtomicU64,
    pub(crate) timeouts: AtomicU64,
}

impl PluginCounters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> PluginMetrics {
        PluginMetrics {
            calls: self.calls.load(Ordering::Relaxed),
            denials: self.denials.load(Ordering::Relaxed),
            traps: self.traps.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of one plugin's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PluginMetrics {
    /// Calls into the plugin.
    pub calls: u64,
    /// Capability calls refused for lack of a grant.
    pub denials: u64,
    /// Calls that ended in a trap (including memory and fuel exhaustion).
    pub traps: u64,
    /// Calls interrupted by their deadline.
    pub timeouts: u64,
}

/// Counters of every plugin this runtime has loaded.
#[derive(Debug, Default)]
pub(crate) struct MetricsRegistry {
    plugins: Mutex<HashMap<String, Arc<PluginCounters>>>,
}

impl MetricsRegistry {
    pub(crate) fn counters(&self, plugin_id: &str) -> Arc<PluginCounters> {
        let mut plugins = self.plugins.lock().unwrap_or_else(|e| e.into_inner());
        plugins.entry(plugin_id.to_string()).or_default().clone()
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<String, PluginMetrics> {
        let plugins = self.plugins.lock().unwrap_or_else(|e| e.into_inner());
        plugins
            .iter()
            .map(|(id, c)| (id.clone(), c.snapshot()))
            .collect()
    }
}
