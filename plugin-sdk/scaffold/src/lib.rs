//! Writes a new plugin crate (`patchmon-server plugin new <kind> <name>`).
//!
//! The crate builds out of tree with
//! `cargo build --target wasm32-wasip2 --release`, depends on the SDK by
//! path, carries a `plugin.toml` requesting the capabilities its example code
//! uses, and has a native unit test running on the SDK's harness.

use std::path::{Path, PathBuf};

/// Plugin kinds a crate can be scaffolded for.
pub const KINDS: [&str; 4] = ["collector", "notifier", "integration", "scanner"];

/// Why scaffolding failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The kind is not one of [`KINDS`].
    #[error("unknown plugin kind `{0}` (expected collector, notifier, integration or scanner)")]
    UnknownKind(String),
    /// The name cannot be a plugin id and crate name.
    #[error("invalid plugin name `{0}`: use 2-64 characters of a-z, 0-9 and '-', starting with a letter")]
    InvalidName(String),
    /// The destination already has files.
    #[error("destination {0} exists and is not empty")]
    DestinationNotEmpty(PathBuf),
    /// Writing failed.
    #[error("cannot write the plugin crate: {0}")]
    Io(#[from] std::io::Error),
}

const CARGO_TOML: &str = include_str!("../templates/Cargo.toml.tmpl");
const GITIGNORE: &str = include_str!("../templates/gitignore.tmpl");

fn kind_templates(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "collector" => (
            include_str!("../templates/collector.toml.tmpl"),
            include_str!("../templates/collector.rs.tmpl"),
        ),
        "notifier" => (
            include_str!("../templates/notifier.toml.tmpl"),
            include_str!("../templates/notifier.rs.tmpl"),
        ),
        "integration" => (
            include_str!("../templates/integration.toml.tmpl"),
            include_str!("../templates/integration.rs.tmpl"),
        ),
        "scanner" => (
            include_str!("../templates/scanner.toml.tmpl"),
            include_str!("../templates/scanner.rs.tmpl"),
        ),
        _ => return None,
    })
}

/// Write a `kind` plugin crate called `name` into `dest_dir` (created if
/// missing, refused if not empty), depending on the SDK at `sdk_path`.
/// Returns the files written.
pub fn scaffold(
    kind: &str,
    name: &str,
    dest_dir: &Path,
    sdk_path: &Path,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let (manifest, source) =
        kind_templates(kind).ok_or_else(|| ScaffoldError::UnknownKind(kind.to_string()))?;
    if !is_valid_name(name) {
        return Err(ScaffoldError::InvalidName(name.to_string()));
    }
    if dest_dir.exists() && std::fs::read_dir(dest_dir)?.next().is_some() {
        return Err(ScaffoldError::DestinationNotEmpty(dest_dir.to_path_buf()));
    }
    let sdk = sdk_path
        .to_string_lossy()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let title = title_of(name);
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{title}}", &title)
            .replace("{{kind}}", kind)
            .replace("{{sdk_path}}", &sdk)
    };
    let files = [
        ("Cargo.toml", fill(CARGO_TOML)),
        ("plugin.toml", fill(manifest)),
        ("src/lib.rs", fill(source)),
        (".gitignore", GITIGNORE.to_string()),
    ];
    std::fs::create_dir_all(dest_dir.join("src"))?;
    let mut written = Vec::new();
    for (relative, contents) in files {
        let path = dest_dir.join(relative);
        std::fs::write(&path, contents)?;
        written.push(path);
    }
    Ok(written)
}

fn is_valid_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `my-ntfy-clone` → `My Ntfy Clone`.
fn title_of(name: &str) -> String {
    name.split('-')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_runtime::package::pin_wasm_sha256;
    use patchmon_runtime::{Manifest, PluginKind};

    #[test]
    fn every_kind_gets_a_complete_crate_with_a_valid_manifest() {
        let root = tempfile::tempdir().unwrap();
        for kind in KINDS {
            let dest = root.path().join(kind);
            let files =
                scaffold(kind, &format!("acme-{kind}"), &dest, Path::new("/opt/sdk")).unwrap();
            assert_eq!(files.len(), 4);
            let cargo = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
            assert!(cargo.contains("name = \"acme-"), "{cargo}");
            assert!(
                cargo.contains(&format!("path = \"/opt/sdk\", features = [\"{kind}\"]")),
                "{cargo}"
            );
            let source = std::fs::read_to_string(dest.join("src/lib.rs")).unwrap();
            assert!(!source.contains("{{"), "unfilled placeholder in {kind}");
            assert!(source.contains(&format!("export_{kind}!")), "{kind}");
            let manifest_text = std::fs::read_to_string(dest.join("plugin.toml")).unwrap();
            let manifest = Manifest::parse(&pin_wasm_sha256(&manifest_text, b"\0asm")).unwrap();
            assert_eq!(manifest.id, format!("acme-{kind}"));
            assert_eq!(manifest.kind, kind.parse::<PluginKind>().unwrap());
            assert_eq!(manifest.name, format!("Acme {}", title_of(kind)));
        }
    }

    #[test]
    fn collector_exec_grant_matches_the_command_it_runs() {
        let root = tempfile::tempdir().unwrap();
        scaffold("collector", "apt-lite", root.path(), Path::new("../sdk")).unwrap();
        let manifest_text = std::fs::read_to_string(root.path().join("plugin.toml")).unwrap();
        let manifest = Manifest::parse(&pin_wasm_sha256(&manifest_text, b"\0asm")).unwrap();
        let args = [
            "-W".to_string(),
            "-f=${Package}\t${Version}\t${Architecture}\n".to_string(),
        ];
        assert!(manifest.capabilities.exec[0].allows("dpkg-query", &args));
    }

    #[test]
    fn refuses_bad_input_and_non_empty_destinations() {
        let root = tempfile::tempdir().unwrap();
        let sdk = Path::new("/sdk");
        assert!(matches!(
            scaffold("toaster", "ok-name", root.path(), sdk),
            Err(ScaffoldError::UnknownKind(_))
        ));
        assert!(matches!(
            scaffold("notifier", "Bad_Name", root.path(), sdk),
            Err(ScaffoldError::InvalidName(_))
        ));
        std::fs::write(root.path().join("existing"), "x").unwrap();
        assert!(matches!(
            scaffold("notifier", "fine", root.path(), sdk),
            Err(ScaffoldError::DestinationNotEmpty(_))
        ));
    }
}
