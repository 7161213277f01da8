//! The server's live view of installed plugins: compiled handles loaded on first use, reloaded
//! when their database row changes (an API call here, another replica, or the CLI), and calls
//! that count failures so a plugin that keeps trapping or timing out is disabled automatically.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use patchmon_runtime::types::Route;
use patchmon_runtime::{
    IntegrationPlugin, LoadedPlugin, PluginMetrics, PluginPackage, PluginSettings, Runtime,
    RuntimeConfig, RuntimeError,
};

use super::store::{self, PluginRow};
use super::{config, grants, services};
use crate::config::Config;
use crate::crypto::Keys;
use crate::store::Store;

/// Consecutive trap/timeout/limit failures after which a plugin is disabled.
pub const AUTO_DISABLE_AFTER: u32 = 5;

/// How often rows are compared with what is loaded, to notice changes made elsewhere.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(5);

/// Why a plugin call did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("Plugin not found")]
    NotFound,
    #[error("The plugin is disabled")]
    Disabled,
    #[error("The plugin cannot be loaded: {0}")]
    Load(String),
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A plugin ready to call: its compiled handle and the settings calls run with.
pub struct Loaded {
    pub plugin: LoadedPlugin,
    pub settings: PluginSettings,
    pub enabled: bool,
    revision: DateTime<Utc>,
    /// An integration's routes, asked once per loaded handle (a reload asks again).
    routes: OnceLock<Vec<Route>>,
}

impl Loaded {
    /// The routes `integration` (this handle's plugin) declares.
    pub fn integration_routes(
        &self,
        integration: &IntegrationPlugin,
    ) -> Result<&[Route], RuntimeError> {
        if let Some(routes) = self.routes.get() {
            return Ok(routes);
        }
        let routes = integration.routes(&self.settings)?;
        Ok(self.routes.get_or_init(|| routes))
    }
}

pub struct PluginRegistry {
    store: Store,
    keys: Keys,
    config: Config,
    cache_dir: std::path::PathBuf,
    /// Built on first use: a server that never calls a plugin never compiles one.
    runtime: OnceLock<Runtime>,
    loaded: RwLock<HashMap<String, Arc<Loaded>>>,
    failures: Mutex<HashMap<String, Arc<AtomicU32>>>,
}

impl PluginRegistry {
    pub fn new(store: Store, keys: Keys, config: &Config) -> Self {
        PluginRegistry {
            store,
            keys,
            cache_dir: config.data_dir.join("plugin-cache"),
            config: config.clone(),
            runtime: OnceLock::new(),
            loaded: RwLock::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The wasm runtime, built on first use with the server's host services.
    pub fn runtime(&self) -> Result<&Runtime, CallError> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let services = services::host_services(
            &self.store,
            &self.keys,
            &self.config,
            tokio::runtime::Handle::current(),
        );
        let runtime = Runtime::new(RuntimeConfig {
            cache_dir: Some(self.cache_dir.clone()),
            services,
            ..RuntimeConfig::default()
        })?;
        Ok(self.runtime.get_or_init(|| runtime))
    }

    /// Call counters of every plugin this process has called.
    pub fn all_metrics(&self) -> std::collections::BTreeMap<String, PluginMetrics> {
        self.runtime.get().map(Runtime::metrics).unwrap_or_default()
    }

    /// Call counters of one plugin in this process.
    pub fn metrics(&self, id: &str) -> PluginMetrics {
        self.runtime
            .get()
            .map(|r| r.plugin_metrics(id))
            .unwrap_or_default()
    }

    /// Forget a plugin's loaded handle; the next call reloads it from its row.
    pub fn evict(&self, id: &str) {
        self.loaded
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Drop handles whose row changed or vanished since they were loaded.
    pub async fn sync(&self) -> Result<(), crate::store::StoreError> {
        let revisions: HashMap<String, DateTime<Utc>> =
            store::revisions(&self.store).await?.into_iter().collect();
        self.loaded
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|id, loaded| revisions.get(id) == Some(&loaded.revision));
        Ok(())
    }

    /// The loaded handle of a plugin, loading (compiling on a blocking thread) when needed.
    pub async fn get(&self, id: &str) -> Result<Arc<Loaded>, CallError> {
        if let Some(loaded) = self
            .loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
        {
            return Ok(loaded.clone());
        }
        let row = store::find(&self.store, id)
            .await?
            .ok_or(CallError::NotFound)?;
        let wasm = store::wasm(&self.store, id)
            .await?
            .ok_or(CallError::NotFound)?;
        let package = PluginPackage::from_parts(&row.manifest_toml, wasm)
            .map_err(|e| CallError::Load(e.to_string()))?;
        let settings = self.settings_of(&row, &package);
        let runtime = self.runtime()?.clone();
        let plugin = tokio::task::spawn_blocking(move || runtime.load(&package))
            .await
            .map_err(|e| CallError::Load(e.to_string()))??;
        let loaded = Arc::new(Loaded {
            plugin,
            settings,
            enabled: row.enabled,
            revision: row.updated_at,
            routes: OnceLock::new(),
        });
        self.loaded
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), loaded.clone());
        Ok(loaded)
    }

    fn settings_of(&self, row: &PluginRow, package: &PluginPackage) -> PluginSettings {
        let full = config::unseal(&self.keys, &row.config.0, row.secrets_sealed.as_deref());
        let granted = grants::resolve(&package.manifest, &row.granted.0, &full);
        PluginSettings::new(granted, full)
    }

    /// Run `work` against an enabled plugin on a blocking thread, with failure accounting.
    pub async fn call<T, F>(&self, id: &str, work: F) -> Result<T, CallError>
    where
        T: Send + 'static,
        F: FnOnce(&Loaded) -> Result<T, RuntimeError> + Send + 'static,
    {
        let loaded = self.get(id).await?;
        if !loaded.enabled {
            return Err(CallError::Disabled);
        }
        self.call_loaded(id, loaded, work).await
    }

    /// Like [`call`](Self::call) but also for a disabled plugin (an administrator's test call).
    pub async fn call_loaded<T, F>(
        &self,
        id: &str,
        loaded: Arc<Loaded>,
        work: F,
    ) -> Result<T, CallError>
    where
        T: Send + 'static,
        F: FnOnce(&Loaded) -> Result<T, RuntimeError> + Send + 'static,
    {
        let outcome = tokio::task::spawn_blocking(move || work(&loaded))
            .await
            .map_err(|e| CallError::Load(format!("the plugin call panicked: {e}")))?;
        let counter = self.failure_counter(id);
        match &outcome {
            Err(e) if is_malfunction(e) => {
                let count = counter.fetch_add(1, Ordering::SeqCst) + 1;
                tracing::warn!(plugin = id, failures = count, error = %e, "plugin call failed");
                if count >= AUTO_DISABLE_AFTER {
                    counter.store(0, Ordering::SeqCst);
                    self.auto_disable(id, count, e).await;
                }
            }
            _ => counter.store(0, Ordering::SeqCst),
        }
        Ok(outcome?)
    }

    fn failure_counter(&self, id: &str) -> Arc<AtomicU32> {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.to_string())
            .or_default()
            .clone()
    }

    async fn auto_disable(&self, id: &str, count: u32, last: &RuntimeError) {
        let reason =
            format!("Disabled automatically after {count} consecutive failed calls; last: {last}");
        tracing::error!(plugin = id, %reason, "plugin disabled");
        match store::set_status(&self.store, id, false, "auto_disabled", Some(&reason)).await {
            Ok(_) => {
                self.evict(id);
                crate::audit::record(
                    &self.store,
                    &crate::audit::Actor::system(),
                    "plugin_auto_disabled",
                    Some(("plugin", id)),
                    serde_json::json!({ "reason": reason }),
                )
                .await;
            }
            Err(e) => {
                tracing::error!(plugin = id, error = %e, "could not record that a plugin was disabled")
            }
        }
    }

    /// Periodically drop stale handles so changes made by other replicas or the CLI apply.
    pub fn spawn_sync(registry: Arc<PluginRegistry>) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SYNC_INTERVAL);
            loop {
                tick.tick().await;
                if let Err(e) = registry.sync().await {
                    tracing::debug!(error = %e, "plugin sync skipped");
                }
            }
        });
    }
}

/// Failures that say the plugin misbehaves (as opposed to a destination being down, or a
/// capability the administrator chose not to grant).
fn is_malfunction(error: &RuntimeError) -> bool {
    matches!(
        error,
        RuntimeError::Timeout { .. }
            | RuntimeError::Trap { .. }
            | RuntimeError::MemoryLimit { .. }
            | RuntimeError::FuelExhausted { .. }
            | RuntimeError::OutputTooLarge { .. }
    )
}
