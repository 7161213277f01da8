//! Compiled-component cache: in memory, and optionally on disk keyed by the
//! wasm's sha256 plus a fingerprint of the engine's settings, so a restart
//! skips Cranelift entirely.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::{Result, RuntimeError};

pub(crate) struct ComponentCache {
    dir: Option<PathBuf>,
    fingerprint: String,
    compiled: Mutex<HashMap<String, Component>>,
}

impl ComponentCache {
    pub(crate) fn new(engine: &Engine, dir: Option<PathBuf>) -> Result<Self> {
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)?;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(ComponentCache {
            dir,
            fingerprint: format!("{:016x}", hasher.finish()),
            compiled: Mutex::new(HashMap::new()),
        })
    }

    /// The compiled component for `wasm` (whose digest is `sha256`).
    pub(crate) fn get_or_compile(
        &self,
        engine: &Engine,
        sha256: &str,
        wasm: &[u8],
    ) -> Result<Component> {
        if let Some(component) = self
            .compiled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(sha256)
        {
            return Ok(component.clone());
        }
        let component = match self.disk_path(sha256) {
            Some(path) => self.load_or_compile_on_disk(engine, &path, wasm)?,
            None => compile(engine, wasm)?,
        };
        self.compiled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(sha256.to_string(), component.clone());
        Ok(component)
    }

    fn disk_path(&self, sha256: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|dir| dir.join(format!("{sha256}-{}.cwasm", self.fingerprint)))
    }

    fn load_or_compile_on_disk(
        &self,
        engine: &Engine,
        path: &Path,
        wasm: &[u8],
    ) -> Result<Component> {
        if path.is_file() {
            // SAFETY: the cache directory is written only by this runtime
            // (below) and must not be writable by anyone else; wasmtime still
            // checks the artifact's header and engine compatibility.
            match unsafe { Component::deserialize_file(engine, path) } {
                Ok(component) => {
                    tracing::debug!(path = %path.display(), "loaded compiled component from cache");
                    return Ok(component);
                }
                Err(err) => {
                    tracing::warn!(path = %path.display(), error = %err, "discarding unusable cache entry")
                }
            }
        }
        // Compiled straight to bytes, written, then loaded from the file as any later run
        // does: the compiler's working memory is freed before the code is mapped, and the
        // running code is the cache file's pages rather than a second, anonymous copy.
        let bytes = engine.precompile_component(wasm).map_err(invalid)?;
        // Write-then-rename so a concurrent reader never sees half a file.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, path));
        match written {
            Ok(()) => {
                drop(bytes);
                // SAFETY: as above; the file was written by this runtime just now.
                unsafe { Component::deserialize_file(engine, path) }.map_err(invalid)
            }
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "could not cache the compiled component");
                let _ = std::fs::remove_file(&tmp);
                // SAFETY: the bytes are this engine's own output of a moment ago.
                unsafe { Component::deserialize(engine, &bytes) }.map_err(invalid)
            }
        }
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component> {
    Component::new(engine, wasm).map_err(invalid)
}

fn invalid(err: wasmtime::Error) -> RuntimeError {
    RuntimeError::InvalidComponent(format!("{err:#}"))
}
