//! Packages shared by the benchmarks (built by `scripts/build-plugins.sh`).

use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::types::{Event, Severity};
use patchmon_runtime::{Grants, PluginPackage, PluginSettings};
use patchmon_test_support::{built_wasm, repo_root};

pub fn first_party(plugin: &str) -> PluginPackage {
    let manifest =
        std::fs::read_to_string(repo_root().join("plugins").join(plugin).join("plugin.toml"))
            .unwrap();
    let wasm = built_wasm(plugin);
    PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap()
}

/// The conformance notifier in its well-behaved mode: `deliver` returns at once.
pub fn trivial_notifier() -> PluginPackage {
    let manifest = "id = \"trivial\"\nname = \"trivial\"\nversion = \"0.1.0\"\nkind = \"notifier\"\napi_version = \"0.1.0\"\n";
    let wasm = built_wasm("hostile-notifier");
    PluginPackage::from_parts(&pin_wasm_sha256(manifest, &wasm), wasm).unwrap()
}

pub fn webhook_settings(package: &PluginPackage, url: &str) -> PluginSettings {
    let config = serde_json::json!({ "url": url, "secret": "bench" });
    PluginSettings::new(Grants::from_manifest(&package.manifest, &config), config)
}

pub fn event() -> Event {
    Event {
        id: "bench-1".into(),
        kind: "security_updates_exceeded".into(),
        severity: Severity::High,
        title: "db-1: 12 security updates".into(),
        message: "Threshold is 10".into(),
        occurred_at: "2026-03-04T05:06:07Z".into(),
        host: Some("db-1".into()),
        details: serde_json::json!({ "count": 12 }),
    }
}
