//! The engine, its linker and caches, and the entry points to load plugins.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{InstancePre, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::cache::ComponentCache;
use crate::call::{CallState, CapabilityLimits};
use crate::error::{Result, RuntimeError};
use crate::kinds::{CollectorPlugin, IntegrationPlugin, NotifierPlugin, ScannerPlugin};
use crate::manifest::PluginKind;
use crate::metrics::{MetricsRegistry, PluginMetrics};
use crate::package::PluginPackage;
use crate::plugin::PluginCore;
use crate::services::HostServices;
use crate::version::{self, ApiVersion};

/// How to build a [`Runtime`].
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Directory for compiled components; `None` keeps them in memory only.
    pub cache_dir: Option<PathBuf>,
    /// Calls running at once; further calls wait. Also the number of
    /// pre-allocated instance slots in the pooling allocator.
    pub max_concurrent_calls: u32,
    /// Largest memory limit any plugin may have; sizes each pool slot.
    pub max_memory_mib: u64,
    /// Granularity of call deadlines.
    pub epoch_tick: Duration,
    /// Meter fuel, enforcing manifests' `limits.fuel` (costs some speed).
    pub fuel_metering: bool,
    /// Compile a component's functions on every core. Faster, but each compiling thread holds
    /// Cranelift's working memory at once: a host agent compiles on one thread to keep its peak low.
    pub parallel_compilation: bool,
    /// Largest value a plugin call may return.
    pub max_output_bytes: usize,
    /// Caps inside capability calls.
    pub capability_limits: CapabilityLimits,
    /// Storage, fleet, enrollment and mail.
    pub services: HostServices,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            cache_dir: None,
            max_concurrent_calls: 16,
            max_memory_mib: 256,
            epoch_tick: Duration::from_millis(10),
            fuel_metering: false,
            parallel_compilation: true,
            max_output_bytes: 4 * 1024 * 1024,
            capability_limits: CapabilityLimits::default(),
            services: HostServices::default(),
        }
    }
}

/// A loaded plugin of any kind.
pub enum LoadedPlugin {
    Collector(CollectorPlugin),
    Notifier(NotifierPlugin),
    Integration(IntegrationPlugin),
    Scanner(ScannerPlugin),
}

/// The plugin host. Cheap to clone; clones share engine, caches and metrics.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
}

pub(crate) struct RuntimeInner {
    pub(crate) engine: Engine,
    linker: Linker<CallState>,
    cache: ComponentCache,
    prepared: Mutex<HashMap<String, InstancePre<CallState>>>,
    pub(crate) permits: CallPermits,
    pub(crate) metrics: MetricsRegistry,
    pub(crate) services: Arc<HostServices>,
    #[cfg(feature = "http")]
    pub(crate) http: ureq::Agent,
    pub(crate) config: RuntimeConfig,
    _ticker: EpochTicker,
}

impl Runtime {
    /// Build the engine (pooling allocator, epoch interruption, optional fuel)
    /// and link every host interface.
    pub fn new(config: RuntimeConfig) -> Result<Self> {
        let setup = |e: wasmtime::Error| RuntimeError::Setup(format!("{e:#}"));
        let slots = config.max_concurrent_calls.max(1);
        let mut pooling = PoolingAllocationConfig::default();
        pooling
            .total_component_instances(slots)
            .total_core_instances(slots * 8)
            .total_memories(slots * 2)
            .total_tables(slots * 8)
            .max_memory_size((config.max_memory_mib as usize) << 20);
        let mut engine_config = Config::new();
        engine_config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .consume_fuel(config.fuel_metering)
            .parallel_compilation(config.parallel_compilation)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        let engine = Engine::new(&engine_config).map_err(setup)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(setup)?;
        crate::host_v0_1_0::add_to_linker(&mut linker).map_err(setup)?;
        let cache = ComponentCache::new(&engine, config.cache_dir.clone())?;
        let ticker = EpochTicker::start(engine.clone(), config.epoch_tick);
        Ok(Runtime {
            inner: Arc::new(RuntimeInner {
                engine,
                linker,
                cache,
                prepared: Mutex::new(HashMap::new()),
                permits: CallPermits::new(slots as usize),
                metrics: MetricsRegistry::default(),
                services: Arc::new(config.services.clone()),
                #[cfg(feature = "http")]
                http: crate::capabilities::http::new_agent(),
                config,
                _ticker: ticker,
            }),
        })
    }

    /// Load a plugin of whatever kind its manifest declares.
    pub fn load(&self, package: &PluginPackage) -> Result<LoadedPlugin> {
        Ok(match package.manifest.kind {
            PluginKind::Collector => LoadedPlugin::Collector(self.load_collector(package)?),
            PluginKind::Notifier => LoadedPlugin::Notifier(self.load_notifier(package)?),
            PluginKind::Integration => LoadedPlugin::Integration(self.load_integration(package)?),
            PluginKind::Scanner => LoadedPlugin::Scanner(self.load_scanner(package)?),
        })
    }

    /// Load a collector plugin.
    pub fn load_collector(&self, package: &PluginPackage) -> Result<CollectorPlugin> {
        let (core, pre, api) = self.prepare(package, PluginKind::Collector)?;
        CollectorPlugin::new(core, pre, api)
    }

    /// Load a notifier plugin.
    pub fn load_notifier(&self, package: &PluginPackage) -> Result<NotifierPlugin> {
        let (core, pre, api) = self.prepare(package, PluginKind::Notifier)?;
        NotifierPlugin::new(core, pre, api)
    }

    /// Load an integration plugin.
    pub fn load_integration(&self, package: &PluginPackage) -> Result<IntegrationPlugin> {
        let (core, pre, api) = self.prepare(package, PluginKind::Integration)?;
        IntegrationPlugin::new(core, pre, api)
    }

    /// Load a scanner plugin.
    pub fn load_scanner(&self, package: &PluginPackage) -> Result<ScannerPlugin> {
        let (core, pre, api) = self.prepare(package, PluginKind::Scanner)?;
        ScannerPlugin::new(core, pre, api)
    }

    /// Counters of every plugin loaded so far, by plugin id.
    pub fn metrics(&self) -> BTreeMap<String, PluginMetrics> {
        self.inner.metrics.snapshot()
    }

    /// Counters of one plugin (zero when never loaded).
    pub fn plugin_metrics(&self, plugin_id: &str) -> PluginMetrics {
        self.metrics().remove(plugin_id).unwrap_or_default()
    }

    /// Compile (or fetch from cache), check the API version, and pre-link.
    fn prepare(
        &self,
        package: &PluginPackage,
        kind: PluginKind,
    ) -> Result<(PluginCore, InstancePre<CallState>, ApiVersion)> {
        let manifest = &package.manifest;
        if manifest.kind != kind {
            return Err(RuntimeError::WrongKind {
                plugin: manifest.id.clone(),
                expected: kind.to_string(),
                found: manifest.kind.to_string(),
            });
        }
        if manifest.limits.memory_mib > self.inner.config.max_memory_mib {
            return Err(RuntimeError::InvalidManifest(format!(
                "`limits.memory_mib` is {} but this runtime allows at most {}",
                manifest.limits.memory_mib, self.inner.config.max_memory_mib
            )));
        }
        let inner = &self.inner;
        let component =
            inner
                .cache
                .get_or_compile(&inner.engine, &manifest.wasm_sha256, &package.wasm)?;
        let api = version::detect(&inner.engine, &component, kind)?;
        if api.as_str() != manifest.api_version {
            return Err(RuntimeError::InvalidComponent(format!(
                "the manifest declares api_version {} but the component was built against {}",
                manifest.api_version,
                api.as_str()
            )));
        }
        let pre = {
            let mut prepared = inner.prepared.lock().unwrap_or_else(|e| e.into_inner());
            match prepared.get(&manifest.wasm_sha256) {
                Some(pre) => pre.clone(),
                None => {
                    let pre = inner
                        .linker
                        .instantiate_pre(&component)
                        .map_err(|e| RuntimeError::InvalidComponent(format!("{e:#}")))?;
                    prepared.insert(manifest.wasm_sha256.clone(), pre.clone());
                    pre
                }
            }
        };
        tracing::info!(plugin = %manifest.id, version = %manifest.version, %kind, api = api.as_str(), "plugin loaded");
        let core = PluginCore::new(self.clone(), Arc::new(manifest.clone()));
        Ok((core, pre, api))
    }
}

/// Bounds concurrent calls; a call waits for a free permit.
pub(crate) struct CallPermits {
    available: Mutex<usize>,
    freed: Condvar,
}

pub(crate) struct CallPermit<'a>(&'a CallPermits);

impl CallPermits {
    fn new(count: usize) -> Self {
        CallPermits {
            available: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> CallPermit<'_> {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        while *available == 0 {
            available = self
                .freed
                .wait(available)
                .unwrap_or_else(|e| e.into_inner());
        }
        *available -= 1;
        CallPermit(self)
    }
}

impl Drop for CallPermit<'_> {
    fn drop(&mut self) {
        *self.0.available.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Advances the engine's epoch every tick so deadlines fire; stops on drop.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine, tick: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("patchmon-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
