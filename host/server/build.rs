//! Embeds the web dashboard and the first-party plugins.
//!
//! Web assets: `web/dist` when it has been built, otherwise an empty directory, so the server
//! compiles (and its API tests run) without Node installed.
//!
//! First-party plugins (see `plugins/embed.rs`): those the server runs, installed as built-in
//! plugins, and the collectors, which it serves to agents without running them.

use std::path::PathBuf;

#[path = "../../plugins/embed.rs"]
mod embed;

/// First-party plugins the server runs, by directory under `plugins/`.
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

fn embed_plugins(manifest: &std::path::Path, out_dir: &std::path::Path) {
    let workspace = manifest.join("../..");
    embed::write(
        &workspace,
        FIRST_PARTY,
        &out_dir.join("first_party_plugins.rs"),
    );
    embed::write(
        &workspace,
        embed::COLLECTORS,
        &out_dir.join("collector_plugins.rs"),
    );
}
