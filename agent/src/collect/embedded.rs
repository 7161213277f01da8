//! The collector plugins compiled into this binary (see `build.rs`).

use patchmon_runtime::{PluginPackage, RuntimeError};

/// `(directory name, plugin.toml, plugin.wasm)` of every embedded collector, in detection order.
/// The directory name is the plugin's id.
const EMBEDDED: &[(&str, &str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/collector_plugins.rs"));

/// One embedded collector.
#[derive(Clone, Copy)]
pub struct Embedded {
    pub id: &'static str,
    toml: &'static str,
    wasm: &'static [u8],
}

/// Every embedded collector, in detection order.
pub fn all() -> impl Iterator<Item = Embedded> {
    EMBEDDED
        .iter()
        .map(|&(id, toml, wasm)| Embedded { id, toml, wasm })
}

impl Embedded {
    /// The package, its component digest pinned. Made only when the collector is loaded, so
    /// the components of package managers this host does not have are never copied or hashed.
    pub fn package(&self) -> Result<PluginPackage, RuntimeError> {
        let package = PluginPackage::pack(self.toml, self.wasm.to_vec())?;
        if package.manifest.id != self.id {
            return Err(RuntimeError::InvalidPackage(format!(
                "its manifest names it {}",
                package.manifest.id
            )));
        }
        Ok(package)
    }
}
