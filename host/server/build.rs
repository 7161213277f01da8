//! Embeds the web dashboard and the first-party plugins.
//!
//! Web assets: `web/dist` when it has been built, otherwise an empty directory, so the server
//! compiles (and its API tests run) without Node installed.
//!
//! First-party plugins: each `plugins/<name>/plugin.toml` whose component
//! `scripts/build-plugins.sh` has built (`$PATCHMON_WASM_DIR`, else
//! `$CARGO_TARGET_DIR/wasm32-wasip2/release`, else `target/wasm32-wasip2/release`). A plugin not
//! built yet is left out with a warning; `make run` and `make test` build them first.

use std::fmt::Write;
use std::path::PathBuf;

/// First-party plugins embedded in the server, by directory under `plugins/`.
const FIRST_PARTY: &[&str] = &[
    "notifier-webhook",
    "notifier-ntfy",
    "integration-gethomepage",
    "integration-prometheus",
    "integration-ansible",
    "integration-enrollment",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    embed_web(&manifest, &out_dir);
    embed_plugins(&manifest, &out_dir);
}

fn embed_web(manifest: &std::path::Path, out_dir: &std::path::Path) {
    let dist = manifest.join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rerun-if-env-changed=PATCHMON_WEB_DIST");
    let folder = match std::env::var("PATCHMON_WEB_DIST") {
        Ok(path) => PathBuf::from(path),
        Err(_) if dist.join("index.html").exists() => dist,
        Err(_) => {
            let empty = out_dir.join("no-web-dist");
            std::fs::create_dir_all(&empty).unwrap();
            empty
        }
    };
    println!("cargo:rustc-env=PATCHMON_WEB_DIST={}", folder.display());
}

fn wasm_dir(manifest: &std::path::Path) -> PathBuf {
    println!("cargo:rerun-if-env-changed=PATCHMON_WASM_DIR");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    if let Some(dir) = std::env::var_os("PATCHMON_WASM_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../target"))
        .join("wasm32-wasip2/release")
}

fn embed_plugins(manifest: &std::path::Path, out_dir: &std::path::Path) {
    let wasm_dir = wasm_dir(manifest);
    let mut code = String::from("&[\n");
    for name in FIRST_PARTY {
        let toml = manifest
            .join("../../plugins")
            .join(name)
            .join("plugin.toml");
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
    std::fs::write(out_dir.join("first_party_plugins.rs"), code).unwrap();
}
