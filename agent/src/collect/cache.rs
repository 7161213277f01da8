//! The collector plugins the server handed out, kept on disk between runs: one `<id>.pmplugin`
//! per plugin (manifest and component together, so a copy is replaced atomically), 0600 in a
//! 0700 directory owned by root, plus the runtime's compiled components under `compiled/`.
//! Every copy is verified again when read: the manifest must parse and pin the component's
//! SHA-256.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use patchmon_runtime::PluginPackage;

use crate::config::write_private;
use crate::error::{AgentError, Result};

/// A plugin id is a file name here: the manifest's own id rules (a-z, 0-9, `-`).
pub fn is_safe_id(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

#[derive(Clone, Debug)]
pub struct PluginCache {
    dir: PathBuf,
}

/// Creates `dir` (and parents) and makes it 0700.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

impl PluginCache {
    pub fn new(dir: impl Into<PathBuf>) -> PluginCache {
        PluginCache { dir: dir.into() }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.pmplugin"))
    }

    /// Where the runtime keeps compiled components; `None` (compile in memory each run) when
    /// the directory cannot be made private.
    pub fn compiled_dir(&self) -> Option<PathBuf> {
        let dir = self.dir.join("compiled");
        match private_dir(&self.dir).and_then(|()| private_dir(&dir)) {
            Ok(()) => Some(dir),
            Err(err) => {
                tracing::warn!(dir = %dir.display(), error = %err, "no compiled-plugin cache; compiling in memory");
                None
            }
        }
    }

    /// Deletes every compiled component but those of the components in `keep` (by SHA-256,
    /// which starts their file names).
    pub fn prune_compiled(&self, keep: &[String]) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("compiled")) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !keep.iter().any(|sha| name.starts_with(sha)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The verified copy of `id`, if there is one.
    pub fn get(&self, id: &str) -> Option<PluginPackage> {
        let path = self.path(id);
        let bytes = std::fs::read(&path).ok()?;
        match PluginPackage::from_bytes(&bytes) {
            Ok(package) if package.manifest.id == id => Some(package),
            Ok(package) => {
                tracing::warn!(path = %path.display(), id = %package.manifest.id, "cached collector has another id; ignored");
                None
            }
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "cached collector is unusable; ignored");
                None
            }
        }
    }

    /// The ids of the copies held, sorted; each is verified only when read ([`Self::get`]).
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter_map(|name| name.strip_suffix(".pmplugin").map(str::to_string))
                    .filter(|id| is_safe_id(id))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Keeps `package` (already verified) as the copy of its id.
    pub fn store(&self, package: &PluginPackage) -> Result<()> {
        private_dir(&self.dir).map_err(|e| AgentError::io(&self.dir, e))?;
        let bytes = package
            .to_bytes()
            .map_err(|e| AgentError::Protocol(e.to_string()))?;
        write_private(&self.path(&package.manifest.id), &bytes)
    }

    /// Forgets the copy of `id` (the server stopped serving it).
    pub fn remove(&self, id: &str) -> Result<()> {
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                Err(AgentError::io(&path, err))
            }
            _ => Ok(()),
        }
    }
}
