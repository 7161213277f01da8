//! Per-call state: what a store carries while one plugin call runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::error::Capability;
use crate::grants::Grants;
use crate::metrics::PluginCounters;
use crate::services::HostServices;

/// What the embedding application decides per plugin: its grants and the
/// configuration an administrator saved for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PluginSettings {
    /// Capabilities granted.
    pub grants: Grants,
    /// Configuration (a JSON object), visible to the guest through `config`.
    pub config: serde_json::Value,
}

impl PluginSettings {
    /// Settings with the given grants and configuration.
    pub fn new(grants: Grants, config: serde_json::Value) -> Self {
        PluginSettings { grants, config }
    }
}

/// Size and time caps applied inside capability calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapabilityLimits {
    /// Captured stdout and stderr of one command, each.
    pub exec_output_bytes: usize,
    /// One file read.
    pub file_bytes: u64,
    /// One HTTP request or response body.
    pub http_body_bytes: u64,
    /// One key-value entry.
    pub kv_value_bytes: usize,
    /// One log line.
    pub log_line_bytes: usize,
}

impl Default for CapabilityLimits {
    fn default() -> Self {
        CapabilityLimits {
            exec_output_bytes: 16 * 1024 * 1024,
            file_bytes: 16 * 1024 * 1024,
            http_body_bytes: 4 * 1024 * 1024,
            kv_value_bytes: 64 * 1024,
            log_line_bytes: 4 * 1024,
        }
    }
}

/// Everything host functions may consult during one call.
pub(crate) struct CallContext {
    pub(crate) plugin_id: Arc<str>,
    pub(crate) settings: Arc<PluginSettings>,
    pub(crate) services: Arc<HostServices>,
    #[cfg(feature = "http")]
    pub(crate) http: ureq::Agent,
    pub(crate) counters: Arc<PluginCounters>,
    pub(crate) limits: CapabilityLimits,
    pub(crate) deadline: Instant,
    /// The last capability refused during this call, to explain a failure.
    pub(crate) denial: Option<(Capability, String)>,
}

impl CallContext {
    /// Record a refusal (log line, counter) and return the message for the guest.
    pub(crate) fn deny(&mut self, capability: Capability, detail: String) -> String {
        tracing::warn!(plugin = %self.plugin_id, %capability, %detail, "capability denied");
        PluginCounters::bump(&self.counters.denials);
        self.denial = Some((capability, detail.clone()));
        detail
    }

    /// Time left before the call's deadline.
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// How long a blocking capability call (a command, an HTTP request) may take: the time left
    /// minus a reserve, so a guest whose command timed out still has time to handle the error
    /// before the call's own deadline traps it.
    pub(crate) fn capability_budget(&self) -> Duration {
        let remaining = self.remaining();
        remaining - (remaining / 3).min(Duration::from_secs(2))
    }
}

/// Caps linear-memory growth and remembers whether the cap was hit, so a
/// resulting trap is reported as a memory-limit error.
pub(crate) struct MemoryLimiter {
    pub(crate) max_bytes: usize,
    pub(crate) hit: bool,
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// The data of a store running one call.
pub(crate) struct CallState {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) ctx: CallContext,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) stderr: MemoryOutputPipe,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A WASI context with nothing in it: no files, no environment, no network,
/// stdout discarded and stderr captured (a panic message lands there).
pub(crate) fn sandboxed_wasi(stderr: MemoryOutputPipe) -> WasiCtx {
    WasiCtx::builder()
        .stdout(MemoryOutputPipe::new(64 * 1024))
        .stderr(stderr)
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .build()
}
