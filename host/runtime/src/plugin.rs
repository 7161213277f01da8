//! What every loaded plugin shares: running one call in a fresh, limited store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::{Store, Trap};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use crate::call::{sandboxed_wasi, CallContext, CallState, MemoryLimiter, PluginSettings};
use crate::error::{Capability, Result, RuntimeError};
use crate::manifest::Manifest;
use crate::metrics::PluginCounters;
use crate::runtime::Runtime;
use crate::types::OutputSize;

/// The result of a call plus the last capability refused during it.
pub(crate) struct CallOutcome<R> {
    pub(crate) value: R,
    pub(crate) denial: Option<(Capability, String)>,
}

pub(crate) struct PluginCore {
    runtime: Runtime,
    pub(crate) manifest: Arc<Manifest>,
    plugin_id: Arc<str>,
    counters: Arc<PluginCounters>,
}

impl PluginCore {
    pub(crate) fn new(runtime: Runtime, manifest: Arc<Manifest>) -> Self {
        let counters = runtime.inner.metrics.counters(&manifest.id);
        PluginCore {
            plugin_id: Arc::from(manifest.id.as_str()),
            runtime,
            manifest,
            counters,
        }
    }

    pub(crate) fn id(&self) -> &str {
        &self.plugin_id
    }

    /// Run `body` against a fresh store: deadline, memory limit and optional
    /// fuel set, one concurrency permit held. Each call gets a new instance
    /// (cheap with the pooling allocator), so no state leaks between calls.
    pub(crate) fn call<R>(
        &self,
        settings: &PluginSettings,
        body: impl FnOnce(&mut Store<CallState>) -> wasmtime::Result<R>,
    ) -> Result<CallOutcome<R>> {
        let inner = &self.runtime.inner;
        let _permit = inner.permits.acquire();
        PluginCounters::bump(&self.counters.calls);
        let limits = self.manifest.limits;
        let timeout = Duration::from_millis(limits.timeout_ms);
        let stderr = MemoryOutputPipe::new(16 * 1024);
        let state = CallState {
            wasi: sandboxed_wasi(stderr.clone()),
            table: ResourceTable::new(),
            ctx: CallContext {
                plugin_id: self.plugin_id.clone(),
                settings: Arc::new(settings.clone()),
                services: inner.services.clone(),
                #[cfg(feature = "http")]
                http: inner.http.clone(),
                counters: self.counters.clone(),
                limits: inner.config.capability_limits,
                deadline: Instant::now() + timeout,
                denial: None,
            },
            limiter: MemoryLimiter {
                max_bytes: (limits.memory_mib as usize) << 20,
                hit: false,
            },
            stderr,
        };
        let mut store = Store::new(&inner.engine, state);
        store.limiter(|state| &mut state.limiter);
        // One extra tick: the first tick may arrive almost immediately.
        let tick = inner.config.epoch_tick.as_millis().max(1) as u64;
        store.set_epoch_deadline(limits.timeout_ms.div_ceil(tick) + 1);
        store.epoch_deadline_trap();
        if inner.config.fuel_metering {
            store
                .set_fuel(limits.fuel.unwrap_or(u64::MAX))
                .map_err(|e| RuntimeError::Setup(format!("{e:#}")))?;
        }
        match body(&mut store) {
            Ok(value) => Ok(CallOutcome {
                value,
                denial: store.data_mut().ctx.denial.take(),
            }),
            Err(err) => Err(self.classify(err, store.data())),
        }
    }

    /// Turn a wasmtime error into the typed error, bumping the right counter.
    fn classify(&self, err: wasmtime::Error, state: &CallState) -> RuntimeError {
        let plugin = self.plugin_id.to_string();
        let trap = err.downcast_ref::<Trap>().copied();
        if trap == Some(Trap::Interrupt) {
            PluginCounters::bump(&self.counters.timeouts);
            tracing::warn!(plugin, "plugin call timed out");
            return RuntimeError::Timeout {
                plugin,
                timeout_ms: self.manifest.limits.timeout_ms,
            };
        }
        PluginCounters::bump(&self.counters.traps);
        if trap == Some(Trap::OutOfFuel) {
            tracing::warn!(plugin, "plugin ran out of fuel");
            return RuntimeError::FuelExhausted { plugin };
        }
        if state.limiter.hit {
            tracing::warn!(plugin, "plugin hit its memory limit");
            return RuntimeError::MemoryLimit {
                plugin,
                limit_mib: self.manifest.limits.memory_mib,
            };
        }
        let stderr = String::from_utf8_lossy(&state.stderr.contents())
            .trim()
            .to_string();
        let detail = if stderr.is_empty() {
            format!("{err:#}")
        } else {
            format!("{err:#}; guest stderr: {}", tail(&stderr, 1024))
        };
        tracing::warn!(plugin, %detail, "plugin trapped");
        RuntimeError::Trap { plugin, detail }
    }

    /// Refuse a returned value larger than the output limit.
    pub(crate) fn check_output<T: OutputSize>(&self, value: T) -> Result<T> {
        let limit = self.runtime.inner.config.max_output_bytes;
        let size = value.output_size();
        if size > limit {
            tracing::warn!(plugin = %self.plugin_id, size, limit, "plugin output too large");
            return Err(RuntimeError::OutputTooLarge {
                plugin: self.plugin_id.to_string(),
                size,
                limit,
            });
        }
        Ok(value)
    }

    /// Error for a guest that failed on its own terms; blamed on a refused
    /// capability when one was refused during the call.
    pub(crate) fn guest_failure(
        &self,
        message: String,
        denial: Option<(Capability, String)>,
    ) -> RuntimeError {
        let plugin = self.plugin_id.to_string();
        match denial {
            Some((capability, detail)) => RuntimeError::Denied {
                plugin,
                capability,
                detail,
            },
            None => RuntimeError::PluginFailed { plugin, message },
        }
    }
}

fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
