//! `.pmplugin` files: a gzip-compressed tar holding exactly `plugin.toml` and
//! `plugin.wasm`, the wasm pinned by the manifest's sha256.

use std::io::{Read, Write};
use std::path::Path;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::error::{Result, RuntimeError};
use crate::manifest::Manifest;

/// File name of the manifest inside a package.
pub const MANIFEST_FILE: &str = "plugin.toml";
/// File name of the component inside a package.
pub const WASM_FILE: &str = "plugin.wasm";
/// Largest component a package may carry.
pub const MAX_WASM_BYTES: u64 = 64 * 1024 * 1024;
/// Largest manifest a package may carry.
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024;

/// A validated plugin: manifest plus the component it pins.
#[derive(Debug, Clone)]
pub struct PluginPackage {
    /// Parsed manifest.
    pub manifest: Manifest,
    /// Manifest text exactly as written by the author.
    pub manifest_toml: String,
    /// Component bytes.
    pub wasm: Vec<u8>,
}

impl PluginPackage {
    /// Validate a manifest and component together: the manifest must parse and
    /// its `wasm_sha256` must match the bytes.
    pub fn from_parts(manifest_toml: &str, wasm: Vec<u8>) -> Result<Self> {
        let manifest = Manifest::parse(manifest_toml)?;
        let actual = sha256_hex(&wasm);
        if actual != manifest.wasm_sha256 {
            return Err(RuntimeError::InvalidPackage(format!(
                "plugin.wasm has sha256 {actual} but the manifest pins {}",
                manifest.wasm_sha256
            )));
        }
        if !wasm.starts_with(b"\0asm") {
            return Err(RuntimeError::InvalidPackage(
                "plugin.wasm is not a WebAssembly binary".into(),
            ));
        }
        Ok(PluginPackage {
            manifest,
            manifest_toml: manifest_toml.to_string(),
            wasm,
        })
    }

    /// What `plugin pack` does: pin `wasm`'s digest into the manifest text,
    /// then validate the pair.
    pub fn pack(manifest_toml: &str, wasm: Vec<u8>) -> Result<Self> {
        Self::from_parts(&pin_wasm_sha256(manifest_toml, &wasm), wasm)
    }

    /// Read and validate `plugin.toml` and `plugin.wasm` from a directory.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let manifest = std::fs::read_to_string(dir.join(MANIFEST_FILE))?;
        let wasm = std::fs::read(dir.join(WASM_FILE))?;
        Self::from_parts(&manifest, wasm)
    }

    /// Encode as `.pmplugin` bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut archive =
            tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::default()));
        append_file(&mut archive, MANIFEST_FILE, self.manifest_toml.as_bytes())?;
        append_file(&mut archive, WASM_FILE, &self.wasm)?;
        let encoder = archive.into_inner()?;
        Ok(encoder.finish()?)
    }

    /// Decode and validate `.pmplugin` bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut archive = tar::Archive::new(GzDecoder::new(bytes));
        let mut manifest: Option<String> = None;
        let mut wasm: Option<Vec<u8>> = None;
        let entries = archive.entries().map_err(bad_archive)?;
        for entry in entries {
            let mut entry = entry.map_err(bad_archive)?;
            let name = entry
                .path()
                .map_err(bad_archive)?
                .to_string_lossy()
                .into_owned();
            if !entry.header().entry_type().is_file() {
                return Err(RuntimeError::InvalidPackage(format!(
                    "entry `{name}` is not a regular file"
                )));
            }
            let (limit, slot_is_taken) = match name.as_str() {
                MANIFEST_FILE => (MAX_MANIFEST_BYTES, manifest.is_some()),
                WASM_FILE => (MAX_WASM_BYTES, wasm.is_some()),
                other => {
                    return Err(RuntimeError::InvalidPackage(format!(
                        "unexpected entry `{other}`; a package holds only {MANIFEST_FILE} and {WASM_FILE}"
                    )))
                }
            };
            if slot_is_taken {
                return Err(RuntimeError::InvalidPackage(format!(
                    "`{name}` appears twice"
                )));
            }
            let mut data = Vec::new();
            (&mut entry)
                .take(limit + 1)
                .read_to_end(&mut data)
                .map_err(bad_archive)?;
            if data.len() as u64 > limit {
                return Err(RuntimeError::InvalidPackage(format!(
                    "`{name}` is larger than {limit} bytes"
                )));
            }
            if name == MANIFEST_FILE {
                let text = String::from_utf8(data).map_err(|_| {
                    RuntimeError::InvalidPackage(format!("{MANIFEST_FILE} is not UTF-8"))
                })?;
                manifest = Some(text);
            } else {
                wasm = Some(data);
            }
        }
        let manifest = manifest
            .ok_or_else(|| RuntimeError::InvalidPackage(format!("missing {MANIFEST_FILE}")))?;
        let wasm =
            wasm.ok_or_else(|| RuntimeError::InvalidPackage(format!("missing {WASM_FILE}")))?;
        Self::from_parts(&manifest, wasm)
    }

    /// Write the `.pmplugin` file.
    pub fn write_file(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        std::fs::File::create(path)?.write_all(&bytes)?;
        Ok(())
    }

    /// Read and validate a `.pmplugin` file.
    pub fn read_file(path: &Path) -> Result<Self> {
        Self::from_bytes(&std::fs::read(path)?)
    }

    /// Write `plugin.toml` and `plugin.wasm` into `dir` (created if needed).
    pub fn unpack_to_dir(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(MANIFEST_FILE), &self.manifest_toml)?;
        std::fs::write(dir.join(WASM_FILE), &self.wasm)?;
        Ok(())
    }
}

/// Return `manifest_toml` with `wasm_sha256` set to the digest of `wasm`, so
/// `plugin pack` can pin a freshly built component. Other lines are kept.
pub fn pin_wasm_sha256(manifest_toml: &str, wasm: &[u8]) -> String {
    let line = format!("wasm_sha256 = \"{}\"", sha256_hex(wasm));
    let mut replaced = false;
    let mut lines: Vec<String> = manifest_toml
        .lines()
        .map(|l| {
            if !replaced && l.trim_start().starts_with("wasm_sha256") {
                replaced = true;
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    if !replaced {
        // Top-level keys must precede the first table header.
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .unwrap_or(lines.len());
        lines.insert(at, line);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn append_file<W: Write>(archive: &mut tar::Builder<W>, name: &str, data: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    archive.append_data(&mut header, name, data)?;
    Ok(())
}

fn bad_archive(err: std::io::Error) -> RuntimeError {
    RuntimeError::InvalidPackage(format!("not a gzip-compressed tar archive: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests_support::SAMPLE_NOTIFIER;

    const WASM: &[u8] = b"\0asm\x0d\0\x01\0";

    fn sample() -> PluginPackage {
        PluginPackage::pack(SAMPLE_NOTIFIER, WASM.to_vec()).unwrap()
    }

    #[test]
    fn round_trips_through_bytes_and_directories() {
        let package = sample();
        let decoded = PluginPackage::from_bytes(&package.to_bytes().unwrap()).unwrap();
        assert_eq!(decoded.wasm, WASM);
        assert_eq!(decoded.manifest, package.manifest);
        let dir = tempfile::tempdir().unwrap();
        decoded.unpack_to_dir(dir.path()).unwrap();
        let from_dir = PluginPackage::from_dir(dir.path()).unwrap();
        assert_eq!(from_dir.manifest_toml, package.manifest_toml);
        let file = dir.path().join("x.pmplugin");
        package.write_file(&file).unwrap();
        assert_eq!(PluginPackage::read_file(&file).unwrap().wasm, WASM);
    }

    #[test]
    fn sha_mismatch_is_refused() {
        let err = PluginPackage::from_parts(SAMPLE_NOTIFIER, WASM.to_vec())
            .unwrap_err()
            .to_string();
        assert!(err.contains("sha256"), "{err}");
    }

    #[test]
    fn pinning_replaces_or_inserts_the_digest() {
        let pinned = pin_wasm_sha256(SAMPLE_NOTIFIER, WASM);
        assert_eq!(pinned.matches("wasm_sha256").count(), 1);
        let without: String = SAMPLE_NOTIFIER
            .lines()
            .filter(|l| !l.starts_with("wasm_sha256"))
            .map(|l| format!("{l}\n"))
            .collect();
        let inserted = pin_wasm_sha256(&without, WASM);
        assert_eq!(
            Manifest::parse(&inserted).unwrap().wasm_sha256,
            sha256_hex(WASM)
        );
    }

    #[test]
    fn foreign_entries_and_garbage_are_refused() {
        let mut archive =
            tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        append_file(&mut archive, "evil.sh", b"rm -rf /").unwrap();
        let bytes = archive.into_inner().unwrap().finish().unwrap();
        let err = PluginPackage::from_bytes(&bytes).unwrap_err().to_string();
        assert!(err.contains("evil.sh"), "{err}");
        let err = PluginPackage::from_bytes(b"not an archive")
            .unwrap_err()
            .to_string();
        assert!(err.contains("gzip"), "{err}");
    }
}
