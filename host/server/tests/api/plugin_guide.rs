//! docs/plugins.md followed step by step: `plugin new` scaffolds an out-of-tree crate, cargo
//! builds it for wasm32-wasip2, `plugin pack` and `plugin inspect` handle the package, and
//! `plugin install` puts it into the database of a running server, which then delivers through
//! it without a restart. `plugin list` and `plugin remove` close the loop.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{Backend, TestServer};
use patchmon_test_support::{repo_root, HttpReceiver};
use reqwest::StatusCode;
use serde_json::json;

/// Runs `patchmon-server plugin <args>` against the test server's database and data directory.
fn cli(server: &TestServer, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_patchmon-server"))
        .arg("plugin")
        .args(args)
        .env("DATABASE_URL", &server.database_url)
        .env("DATA_DIR", &server.data_dir)
        .output()
        .expect("run patchmon-server");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "plugin {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Where the scaffolded crate builds: its own directory under the target dir, because the
/// workspace's target dir is locked by the `cargo test` running this.
fn guide_target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("plugin-guide")
}

fn cargo_build_wasm(crate_dir: &Path) {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--target", "wasm32-wasip2", "--release"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", guide_target_dir())
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the scaffolded plugin failed");
}

/// The two backends' runs build into the same directory; one at a time.
static BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

backend_tests! {
    async fn the_guide_scaffolds_builds_packs_and_installs_a_plugin(backend: Backend) {
        let _one_at_a_time = BUILD.lock().await;
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let work = server.data_dir.join("guide");
        let crate_dir = work.join("guide-notifier");
        let sdk = repo_root().join("plugin-sdk");

        let out = cli(&server, &["new", "notifier", "guide-notifier", "--dir", crate_dir.to_str().unwrap(), "--sdk", sdk.to_str().unwrap()]);
        assert!(out.contains("plugin.toml"), "{out}");
        cargo_build_wasm(&crate_dir);
        let wasm = guide_target_dir().join("wasm32-wasip2/release/guide_notifier.wasm");
        let package = work.join("guide-notifier.pmplugin");
        let out = cli(&server, &["pack", crate_dir.join("plugin.toml").to_str().unwrap(), wasm.to_str().unwrap(), "-o", package.to_str().unwrap()]);
        assert!(out.contains("packed guide-notifier 0.1.0"), "{out}");
        let manifest = cli(&server, &["inspect", package.to_str().unwrap()]);
        assert!(manifest.contains("wasm_sha256 = \""), "{manifest}");

        let out = cli(&server, &["install", package.to_str().unwrap(), "--grant-all"]);
        assert!(out.contains("installed guide-notifier 0.1.0 (disabled); granted: http"), "{out}");

        // The running server sees it at once: configure, enable and deliver through the API.
        let receiver = HttpReceiver::start(200);
        let (status, body) = admin.put("/api/v1/plugins/guide-notifier/config", json!({"config": {"url": receiver.url("/guide")}})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = admin.post("/api/v1/plugins/guide-notifier/enable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = admin.post("/api/v1/plugins/guide-notifier/test", json!({})).await;
        assert_eq!(body["ok"], true, "{body}");
        let received = receiver.wait_for(1, Duration::from_secs(10));
        let event: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
        assert_eq!(event["event"], "test");

        let listed = cli(&server, &["list"]);
        assert!(listed.lines().any(|l| l.starts_with("guide-notifier") && l.contains("enabled") && l.contains("granted: http")), "{listed}");
        let out = cli(&server, &["remove", "guide-notifier"]);
        assert_eq!(out.trim(), "removed guide-notifier");
        let (status, _) = admin.get("/api/v1/plugins/guide-notifier").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
