//! Installing and upgrading a package: shared by the API, the command line and the first-party
//! seeding. A package is compiled and version-checked before anything is written.

use std::cmp::Ordering;

use patchmon_runtime::PluginPackage;
use serde_json::json;

use super::registry::PluginRegistry;
use super::{config, grants, store};
use crate::store::{Store, StoreError};

/// Where a package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Uploaded by an administrator: installed disabled with nothing granted.
    Upload,
    /// Embedded first-party plugin: everything it requests is granted.
    Builtin,
}

#[derive(Debug)]
pub struct Installed {
    pub id: String,
    /// An earlier version was replaced.
    pub upgraded: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// The package, manifest or component is unusable (message from the runtime).
    #[error("{0}")]
    Invalid(String),
    /// The upload would replace something it must not.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Install `package`, or upgrade the installed plugin with its id.
///
/// An upgrade keeps the configuration, the enabled state and those grants the new version still
/// requests; a capability the new version adds must be granted again.
pub async fn install(
    store: &Store,
    registry: &PluginRegistry,
    package: PluginPackage,
    origin: Origin,
) -> Result<Installed, InstallError> {
    // Uploads are compiled and version-checked before anything is written. Embedded plugins
    // were built with this server; they compile on first use, which keeps start-up fast.
    let package = match origin {
        Origin::Upload => check_loads(registry, package).await?,
        Origin::Builtin => package,
    };
    let manifest = &package.manifest;
    let existing = store::find(store, &manifest.id).await?;
    let requested = grants::requested(manifest);
    let (granted, public, sealed, enabled) = match &existing {
        Some(row) => {
            check_upgrade(row, &package, origin)?;
            let granted = match origin {
                Origin::Builtin => requested,
                Origin::Upload => row
                    .granted
                    .0
                    .iter()
                    .filter(|g| requested.contains(g))
                    .cloned()
                    .collect(),
            };
            (
                granted,
                row.config.0.clone(),
                row.secrets_sealed.clone(),
                row.enabled,
            )
        }
        None => match origin {
            // A first-party plugin that needs no configuration starts enabled.
            Origin::Builtin => {
                let enabled = config::validate(&manifest.config_schema, &json!({})).is_empty();
                (requested, json!({}), None, enabled)
            }
            Origin::Upload => (Vec::new(), json!({}), None, false),
        },
    };
    store::upsert(
        store,
        &store::NewPlugin {
            id: &manifest.id,
            name: &manifest.name,
            version: &manifest.version,
            kind: manifest.kind.name(),
            api_version: &manifest.api_version,
            wasm_sha256: &manifest.wasm_sha256,
            manifest_toml: &package.manifest_toml,
            wasm: &package.wasm,
            builtin: origin == Origin::Builtin,
            enabled,
            granted: &granted,
            config: &public,
            secrets_sealed: sealed.as_deref(),
        },
    )
    .await?;
    registry.evict(&manifest.id);
    Ok(Installed {
        id: manifest.id.clone(),
        upgraded: existing.is_some(),
    })
}

async fn check_loads(
    registry: &PluginRegistry,
    package: PluginPackage,
) -> Result<PluginPackage, InstallError> {
    let runtime = registry
        .runtime()
        .map_err(|e| InstallError::Invalid(e.to_string()))?
        .clone();
    let (package, loaded) = tokio::task::spawn_blocking(move || {
        let loaded = runtime.load(&package);
        (package, loaded)
    })
    .await
    .map_err(|e| InstallError::Invalid(format!("loading the plugin failed: {e}")))?;
    loaded.map_err(|e| InstallError::Invalid(e.to_string()))?;
    Ok(package)
}

fn check_upgrade(
    row: &store::PluginRow,
    package: &PluginPackage,
    origin: Origin,
) -> Result<(), InstallError> {
    let manifest = &package.manifest;
    if row.builtin && origin == Origin::Upload {
        return Err(InstallError::Conflict(format!(
            "'{}' is a built-in plugin; it is upgraded with the server",
            row.id
        )));
    }
    if row.kind != manifest.kind.name() {
        return Err(InstallError::Conflict(format!(
            "'{}' is installed as a {} plugin; this package is a {} plugin",
            row.id, row.kind, manifest.kind
        )));
    }
    if origin == Origin::Upload
        && compare_versions(&manifest.version, &row.version) == Ordering::Less
    {
        return Err(InstallError::Conflict(format!(
            "Version {} is older than the installed version {}; uninstall first to downgrade",
            manifest.version, row.version
        )));
    }
    Ok(())
}

/// Semantic-version order of `major.minor.patch`; pre-release and build suffixes are ignored.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['-', '+'])
            .next()
            .unwrap_or("")
            .split('.')
            .map(|n| n.parse().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.10.0", "1.9.3"), Ordering::Greater);
        assert_eq!(compare_versions("0.1.0", "0.1.0-rc1"), Ordering::Equal);
        assert_eq!(compare_versions("0.0.9", "0.1.0"), Ordering::Less);
    }
}
