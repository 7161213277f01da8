//! Embedding first-party plugins, shared by the server's and the agent's build scripts (each
//! includes this file with `#[path]`).
//!
//! A plugin is its `plugins/<name>/plugin.toml` plus the component `scripts/build-plugins.sh`
//! built (`$PATCHMON_WASM_DIR`, else `$CARGO_TARGET_DIR/wasm32-wasip2/release`, else
//! `target/wasm32-wasip2/release`). A plugin not built yet is left out with a warning, so both
//! binaries compile (and most of their tests run) without the wasm toolchain; `make run` and
//! `make test` build the plugins first.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The package-manager collectors: embedded in the agent (its first run, or a server that does
/// not serve them) and in the server (which serves them to agents). Most specific first: the
/// agent detects in this order, dnf before yum.
pub const COLLECTORS: &[&str] = &[
    "collector-apt",
    "collector-dnf",
    "collector-yum",
    "collector-zypper",
    "collector-pacman",
    "collector-apk",
];

fn wasm_dir(workspace: &Path) -> PathBuf {
    println!("cargo:rerun-if-env-changed=PATCHMON_WASM_DIR");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    if let Some(dir) = std::env::var_os("PATCHMON_WASM_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("wasm32-wasip2/release")
}

/// Writes to `out` a Rust expression of type `&[(&str, &str, &[u8])]`: directory name,
/// `plugin.toml` and component bytes of every plugin in `names` that has been built.
pub fn write(workspace: &Path, names: &[&str], out: &Path) {
    let wasm_dir = wasm_dir(workspace);
    let mut code = String::from("&[\n");
    for name in names {
        let toml = workspace.join("plugins").join(name).join("plugin.toml");
        let wasm = wasm_dir.join(format!("{}.wasm", name.replace('-', "_")));
        println!("cargo:rerun-if-changed={}", toml.display());
        println!("cargo:rerun-if-changed={}", wasm.display());
        if !wasm.exists() {
            println!(
                "cargo:warning=first-party plugin {name} is not built ({} missing); run scripts/build-plugins.sh to embed it",
                wasm.display()
            );
            continue;
        }
        let toml = toml.canonicalize().unwrap();
        let wasm = wasm.canonicalize().unwrap();
        writeln!(
            code,
            "    ({name:?}, include_str!({:?}), include_bytes!({:?})),",
            toml.display().to_string(),
            wasm.display().to_string()
        )
        .unwrap();
    }
    code.push(']');
    std::fs::write(out, code).unwrap();
}
