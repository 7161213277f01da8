//! Package collection: the collector plugins (`plugins/collector-*`, WASM components of the
//! `patchmon:collector@0.1.0` world) run through `patchmon-runtime`. Each plugin runs its
//! package manager's commands and reads its configuration only through the runtime's `exec` and
//! `fs-read` capabilities, granted exactly what its manifest requests.
//!
//! Which copy of a plugin runs: the one the server last handed out ([`cache`], refreshed by
//! [`fetch`] before each collection and verified by SHA-256), else the one compiled into this
//! binary ([`embedded`]).

pub mod cache;
mod embedded;
pub mod fetch;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod throwaway_roots;

use std::time::Duration;

use patchmon_runtime::types::{HostFacts, Inventory};
use patchmon_runtime::{
    CapabilityLimits, CollectorPlugin, Grants, PluginPackage, PluginSettings, Runtime,
    RuntimeConfig, RuntimeError,
};

use cache::PluginCache;
use embedded::Embedded;

/// Where a running plugin came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Server,
}

/// One loaded collector plugin with the grants and configuration it runs with.
pub struct Collector {
    plugin: CollectorPlugin,
    settings: PluginSettings,
    origin: Origin,
}

impl Collector {
    /// Loads `package` with `settings` (tests grant a throwaway root this way).
    pub fn load(
        runtime: &Runtime,
        package: &PluginPackage,
        settings: PluginSettings,
        origin: Origin,
    ) -> Result<Collector, RuntimeError> {
        Ok(Collector {
            plugin: runtime.load_collector(package)?,
            settings,
            origin,
        })
    }

    /// First-party plugins are trusted with what their manifest requests, no more.
    fn load_granted(
        runtime: &Runtime,
        package: &PluginPackage,
        origin: Origin,
    ) -> Result<Collector, RuntimeError> {
        let grants = Grants::from_manifest(&package.manifest, &serde_json::json!({}));
        let settings = PluginSettings::new(grants, serde_json::json!({}));
        Collector::load(runtime, package, settings, origin)
    }

    pub fn id(&self) -> &str {
        &self.plugin.manifest().id
    }

    pub fn version(&self) -> &str {
        &self.plugin.manifest().version
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The package manager's name as reported to the server: the id without `collector-`.
    pub fn name(&self) -> &str {
        let id = self.id();
        id.strip_prefix("collector-").unwrap_or(id)
    }

    /// Whether the plugin applies here; a plugin that fails to answer does not.
    pub fn detect(&self, facts: &HostFacts) -> bool {
        self.plugin
            .detect(&self.settings, facts)
            .unwrap_or_else(|err| {
                tracing::warn!(collector = %self.id(), error = %err, "detection failed");
                false
            })
    }

    pub fn collect(&self) -> Result<Inventory, RuntimeError> {
        self.plugin.collect(&self.settings)
    }
}

/// The runtime as the agent uses it: one call at a time, compiled components cached in
/// `compiled` (in memory only when `None`), inventories and command output up to 64 MiB.
pub fn runtime(compiled: Option<std::path::PathBuf>) -> Result<Runtime, RuntimeError> {
    const BIG: usize = 64 * 1024 * 1024;
    Runtime::new(RuntimeConfig {
        cache_dir: compiled,
        max_concurrent_calls: 1,
        // The first run of a plugin version compiles it; one thread keeps that peak under the
        // agent's memory budget (docs/benchmarks.md).
        parallel_compilation: false,
        // Collections take seconds to minutes; a coarse tick keeps the deadline thread idle.
        epoch_tick: Duration::from_millis(100),
        max_output_bytes: BIG,
        capability_limits: CapabilityLimits {
            exec_output_bytes: BIG,
            ..CapabilityLimits::default()
        },
        ..RuntimeConfig::default()
    })
}

/// One collector id with the copies that could run it, the server's first. Neither copy is
/// read until detection reaches it: a component is a few hundred kilobytes, and an agent's
/// memory budget has room for the one it runs, not for all of them.
struct Candidate {
    id: String,
    /// The plugin cache holds the server's copy.
    cached: bool,
    embedded: Option<Embedded>,
}

impl Candidate {
    /// The server's copy when it verifies and loads, else the embedded one.
    fn load(&self, runtime: &Runtime, cache: &PluginCache) -> Option<Collector> {
        if let Some(package) = self.cached.then(|| cache.get(&self.id)).flatten() {
            match Collector::load_granted(runtime, &package, Origin::Server) {
                Ok(collector) => return Some(collector),
                Err(err) => {
                    tracing::warn!(collector = %self.id, error = %err, "the server's copy does not load; using the embedded one")
                }
            }
        }
        let package = self.embedded.as_ref()?.package();
        match package.and_then(|p| Collector::load_granted(runtime, &p, Origin::Embedded)) {
            Ok(collector) => Some(collector),
            Err(err) => {
                tracing::error!(collector = %self.id, error = %err, "embedded collector does not load");
                None
            }
        }
    }
}

/// Every collector this agent can run, in detection order, loaded (compiled) only when
/// detection reaches it: a Debian host never compiles the rpm collectors.
pub struct Collectors {
    runtime: Runtime,
    cache: PluginCache,
    candidates: Vec<Candidate>,
}

impl Collectors {
    /// The embedded collectors in their order, each replaced by the server's verified copy
    /// where the cache has one, then collectors only the server has, by id.
    pub fn new(cache: &PluginCache) -> Result<Collectors, RuntimeError> {
        let ids = cache.ids();
        let mut candidates: Vec<Candidate> = embedded::all()
            .map(|embedded| Candidate {
                id: embedded.id.to_string(),
                cached: ids.iter().any(|id| id == embedded.id),
                embedded: Some(embedded),
            })
            .collect();
        let server_only: Vec<Candidate> = ids
            .into_iter()
            .filter(|id| !candidates.iter().any(|c| &c.id == id))
            .map(|id| Candidate {
                id,
                cached: true,
                embedded: None,
            })
            .collect();
        candidates.extend(server_only);
        Ok(Collectors {
            runtime: runtime(cache.compiled_dir())?,
            cache: cache.clone(),
            candidates,
        })
    }

    /// Loads the collector `id`.
    #[cfg(test)]
    pub fn get(&self, id: &str) -> Option<Collector> {
        self.candidates
            .iter()
            .find(|c| c.id == id)?
            .load(&self.runtime, &self.cache)
    }

    /// The first collector that applies to this host. Compiled components other than those
    /// loaded on the way are deleted, so replaced versions do not pile up.
    pub fn detect(&self, facts: &HostFacts) -> Option<Collector> {
        let mut loaded = Vec::new();
        let found = self
            .candidates
            .iter()
            .filter_map(|c| c.load(&self.runtime, &self.cache))
            .find(|collector| {
                release_freed_memory();
                loaded.push(collector.plugin.manifest().wasm_sha256.clone());
                collector.detect(facts)
            });
        self.cache.prune_compiled(&loaded);
        found
    }
}

/// Hands the allocator's free pages back to the system. A plugin's first load compiles it, and
/// glibc would otherwise keep the compiler's freed working memory (several megabytes) mapped
/// under everything the plugin and the collection allocate after it.
fn release_freed_memory() {
    // SAFETY: malloc_trim only returns free memory to the kernel; it has no preconditions.
    #[cfg(target_env = "gnu")]
    unsafe {
        libc::malloc_trim(0);
    }
}
