//! First-party plugins embedded in the binary (see `build.rs`), installed on start-up and
//! upgraded in place when the binary carries a newer build.

use patchmon_runtime::PluginPackage;

use super::install::{self, Origin};
use super::registry::PluginRegistry;
use crate::store::{Store, StoreError};

/// `(directory name, plugin.toml, plugin.wasm)` of every embedded first-party plugin.
const EMBEDDED: &[(&str, &str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/first_party_plugins.rs"));

/// The embedded first-party packages, their component digests pinned.
pub fn packages() -> Vec<PluginPackage> {
    EMBEDDED
        .iter()
        .filter_map(
            |(name, toml, wasm)| match PluginPackage::pack(toml, wasm.to_vec()) {
                Ok(package) => Some(package),
                Err(e) => {
                    tracing::error!(plugin = name, error = %e, "embedded plugin is unusable");
                    None
                }
            },
        )
        .collect()
}

/// Install embedded plugins that are missing and upgrade those whose component changed, keeping
/// an administrator's configuration and enabled state.
pub async fn seed(store: &Store, registry: &PluginRegistry) -> Result<(), StoreError> {
    for package in packages() {
        let current = super::store::find(store, &package.manifest.id).await?;
        if current
            .as_ref()
            .is_some_and(|row| row.wasm_sha256 == package.manifest.wasm_sha256)
        {
            continue;
        }
        match install::install(store, registry, package, Origin::Builtin).await {
            Ok(outcome) => {
                tracing::info!(plugin = %outcome.id, upgraded = outcome.upgraded, "first-party plugin installed")
            }
            Err(install::InstallError::Store(e)) => return Err(e),
            Err(e) => tracing::error!(error = %e, "first-party plugin not installed"),
        }
    }
    Ok(())
}
