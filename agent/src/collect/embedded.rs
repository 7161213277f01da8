//! The collector plugins compiled into this binary (see `build.rs`).

use patchmon_runtime::PluginPackage;

/// `(directory name, plugin.toml, plugin.wasm)` of every embedded collector, in detection order.
const EMBEDDED: &[(&str, &str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/collector_plugins.rs"));

/// The embedded packages, their component digests pinned.
pub fn packages() -> Vec<PluginPackage> {
    EMBEDDED
        .iter()
        .filter_map(
            |(name, toml, wasm)| match PluginPackage::pack(toml, wasm.to_vec()) {
                Ok(package) => Some(package),
                Err(err) => {
                    tracing::error!(collector = name, error = %err, "embedded collector is unusable");
                    None
                }
            },
        )
        .collect()
}
