//! The first-party notifiers, built for wasm32-wasip2 by
//! `scripts/build-plugins.sh`, delivering to a real local HTTP receiver.

use std::time::Duration;

use hmac::{Hmac, Mac};
use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::types::{Event, Severity};
use patchmon_runtime::{
    Grants, PluginPackage, PluginSettings, Runtime, RuntimeConfig, RuntimeError,
};
use patchmon_test_support::{built_wasm, repo_root, HttpReceiver};
use sha2::Sha256;

fn package(plugin: &str) -> PluginPackage {
    let manifest =
        std::fs::read_to_string(repo_root().join("plugins").join(plugin).join("plugin.toml"))
            .unwrap();
    let wasm = built_wasm(plugin);
    PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap()
}

fn event() -> Event {
    Event {
        id: "0b7c6f7e-1".into(),
        kind: "security_updates_exceeded".into(),
        severity: Severity::High,
        title: "db-1: 12 security updates".into(),
        message: "Threshold is 10".into(),
        occurred_at: "2026-03-04T05:06:07Z".into(),
        host: Some("db-1".into()),
        details: serde_json::json!({ "count": 12, "threshold": 10 }),
    }
}

/// Settings an administrator approving the manifest's request would produce.
fn approved(package: &PluginPackage, config: serde_json::Value) -> PluginSettings {
    PluginSettings::new(Grants::from_manifest(&package.manifest, &config), config)
}

#[test]
fn webhook_posts_signed_json_to_a_real_receiver() {
    let receiver = HttpReceiver::start(200);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = package("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    let settings = approved(
        &package,
        serde_json::json!({ "url": receiver.url("/hooks/patchmon"), "secret": "topsecret" }),
    );

    webhook.deliver(&settings, &event()).unwrap();

    let requests = receiver.wait_for(1, Duration::from_secs(5));
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/hooks/patchmon");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("x-patchmon-event"),
        Some("security_updates_exceeded")
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["id"], "0b7c6f7e-1");
    assert_eq!(body["severity"], "high");
    assert_eq!(body["host"], "db-1");
    assert_eq!(body["details"]["count"], 12);

    let mut mac = Hmac::<Sha256>::new_from_slice(b"topsecret").unwrap();
    mac.update(&request.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        request.header("x-patchmon-signature"),
        Some(expected.as_str())
    );
    assert_eq!(runtime.plugin_metrics("notifier-webhook").calls, 1);
}

#[test]
fn webhook_failures_are_typed_retryable_or_permanent() {
    let receiver = HttpReceiver::start(503);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = package("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    let settings = approved(&package, serde_json::json!({ "url": receiver.url("/x") }));

    let err = webhook.deliver(&settings, &event()).unwrap_err();
    assert!(
        matches!(
            err,
            RuntimeError::DeliveryFailed {
                retryable: true,
                ..
            }
        ),
        "{err}"
    );
    receiver.set_status(410);
    let err = webhook.deliver(&settings, &event()).unwrap_err();
    assert!(
        matches!(
            err,
            RuntimeError::DeliveryFailed {
                retryable: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(receiver
        .requests()
        .iter()
        .all(|r| r.header("x-patchmon-signature").is_none()));
}

#[test]
fn webhook_to_an_ungranted_host_is_denied() {
    let receiver = HttpReceiver::start(200);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = package("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    // Granted for another destination than the configured one.
    let settings = PluginSettings::new(
        Grants {
            http_hosts: vec!["hooks.example.com".into()],
            ..Grants::none()
        },
        serde_json::json!({ "url": receiver.url("/x") }),
    );
    let err = webhook.deliver(&settings, &event()).unwrap_err();
    match err {
        RuntimeError::Denied {
            capability, detail, ..
        } => {
            assert_eq!(capability, patchmon_runtime::Capability::Http);
            assert!(detail.contains("127.0.0.1"), "{detail}");
        }
        other => panic!("expected Denied, got {other}"),
    }
    assert!(receiver.requests().is_empty());
    assert_eq!(runtime.plugin_metrics("notifier-webhook").denials, 1);
}

#[test]
fn webhook_describes_and_validates_its_configuration() {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = package("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    let settings = PluginSettings::default();
    let info = webhook.info(&settings).unwrap();
    assert_eq!(info.id, package.manifest.id);
    assert_eq!(
        webhook.config_schema(&settings).unwrap()["required"][0],
        "url"
    );
    assert!(webhook
        .validate_config(&settings, &serde_json::json!({ "url": "https://x/" }))
        .unwrap()
        .is_empty());
    let problems = webhook
        .validate_config(
            &settings,
            &serde_json::json!({ "url": "gopher://x/", "secret": "" }),
        )
        .unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn ntfy_publishes_with_title_priority_tags_and_token() {
    let receiver = HttpReceiver::start(200);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = package("notifier-ntfy");
    let ntfy = runtime.load_notifier(&package).unwrap();
    let settings = approved(
        &package,
        serde_json::json!({
            "server": receiver.url(""),
            "topic": "fleet-alerts",
            "token": "tk_secret",
            "tags": ["prod"]
        }),
    );

    ntfy.deliver(&settings, &event()).unwrap();

    let requests = receiver.wait_for(1, Duration::from_secs(5));
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/")
    );
    assert_eq!(request.header("authorization"), Some("Bearer tk_secret"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["topic"], "fleet-alerts");
    assert_eq!(body["title"], "db-1: 12 security updates");
    assert_eq!(body["priority"], 4);
    assert_eq!(
        body["tags"],
        serde_json::json!(["rotating_light", "security_updates_exceeded", "prod"])
    );
}

#[test]
fn packages_round_trip_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notifier-ntfy.pmplugin");
    package("notifier-ntfy").write_file(&path).unwrap();
    let reread = PluginPackage::read_file(&path).unwrap();
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let loaded = runtime.load(&reread).unwrap();
    assert!(matches!(
        loaded,
        patchmon_runtime::LoadedPlugin::Notifier(_)
    ));
    let err = match runtime.load_collector(&reread) {
        Err(err) => err,
        Ok(_) => panic!("a notifier must not load as a collector"),
    };
    assert!(matches!(err, RuntimeError::WrongKind { .. }), "{err}");
}

#[test]
fn compiled_components_are_cached_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig {
        cache_dir: Some(dir.path().to_path_buf()),
        ..RuntimeConfig::default()
    };
    let package = package("notifier-webhook");
    {
        // The first load compiles, writes the artifact and runs from it.
        let runtime = Runtime::new(config.clone()).unwrap();
        let webhook = runtime.load_notifier(&package).unwrap();
        assert_eq!(
            webhook.info(&PluginSettings::default()).unwrap().name,
            "Webhook"
        );
    }
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].starts_with(&package.manifest.wasm_sha256));
    // A second runtime loads from the artifact and still works.
    let runtime = Runtime::new(config).unwrap();
    let webhook = runtime.load_notifier(&package).unwrap();
    assert_eq!(
        webhook.info(&PluginSettings::default()).unwrap().name,
        "Webhook"
    );
}

#[test]
fn a_compiled_component_that_cannot_be_cached_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("compiled");
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(cache_dir.clone()),
        ..RuntimeConfig::default()
    })
    .unwrap();
    // The directory goes away and a file takes its place: nothing can be written under it.
    std::fs::remove_dir(&cache_dir).unwrap();
    std::fs::write(&cache_dir, b"not a directory").unwrap();
    let webhook = runtime.load_notifier(&package("notifier-webhook")).unwrap();
    assert_eq!(
        webhook.info(&PluginSettings::default()).unwrap().name,
        "Webhook"
    );
    assert_eq!(std::fs::read(&cache_dir).unwrap(), b"not a directory");
}
