//! Plugins on a running server: the embedded first-party notifiers, installing, granting,
//! configuring (secrets sealed), upgrading and removing uploads, a misbehaving plugin disabled
//! automatically while everything else keeps working, and the command line acting on the
//! database of a running server. Components come from scripts/build-plugins.sh.

use std::time::Duration;

use crate::common::{Backend, Client, TestServer};
use patchmon_runtime::PluginPackage;
use patchmon_test_support::{built_wasm, wasm_dir, HttpReceiver};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn upload(client: &Client, bytes: Vec<u8>) -> (StatusCode, Value) {
    let response = client
        .request(Method::POST, "/api/v1/plugins", None)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The scaffolded example notifier, packed at `version`.
fn example_notifier(version: &str) -> Vec<u8> {
    let toml = std::fs::read_to_string(wasm_dir().join("example_notifier.plugin.toml"))
        .expect("example_notifier.plugin.toml (run scripts/build-plugins.sh)")
        .lines()
        .map(|line| match line.starts_with("version =") {
            true => format!("version = \"{version}\""),
            false => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    PluginPackage::pack(&toml, built_wasm("example-notifier"))
        .expect("pack")
        .to_bytes()
        .expect("bytes")
}

fn hostile_notifier() -> Vec<u8> {
    let toml = r#"
id = "hostile-notifier"
name = "Hostile notifier"
version = "0.1.0"
kind = "notifier"
api_version = "0.1.0"
[config_schema]
type = "object"
[limits]
memory_mib = 16
timeout_ms = 300
"#;
    PluginPackage::pack(toml, built_wasm("hostile-notifier"))
        .expect("pack")
        .to_bytes()
        .expect("bytes")
}

backend_tests! {
    async fn first_party_notifiers_are_built_in_and_deliver(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = admin.get("/api/v1/plugins").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let ids: Vec<&str> = body["plugins"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["integration-ansible", "integration-enrollment", "integration-gethomepage", "integration-prometheus", "notifier-ntfy", "notifier-webhook"]);

        let (_, webhook) = admin.get("/api/v1/plugins/notifier-webhook").await;
        assert_eq!(webhook["builtin"], true);
        assert_eq!(webhook["kind"], "notifier");
        // A destination is required, so it starts disabled, with its request already granted.
        assert_eq!((webhook["enabled"].clone(), webhook["status"].clone()), (json!(false), json!("disabled")));
        assert_eq!(webhook["requested_capabilities"], json!(["http"]));
        assert_eq!(webhook["granted_capabilities"], json!(["http"]));
        assert_eq!(webhook["requested"]["http"]["from_config"], json!(["url"]));
        assert_eq!(webhook["config_schema"]["properties"]["secret"]["writeOnly"], true);

        let (status, body) = admin.post("/api/v1/plugins/notifier-webhook/enable", json!({})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Configure the plugin before enabling it")));

        let (status, body) = admin.put("/api/v1/plugins/notifier-webhook/config", json!({"config": {"url": 42}})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid configuration")));
        assert_eq!(body["details"][0]["path"], "/url");

        let receiver = HttpReceiver::start(200);
        let (status, body) = admin.put("/api/v1/plugins/notifier-webhook/config",
            json!({"config": {"url": receiver.url("/hook"), "secret": "hush-hush"}})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["config"], json!({"url": receiver.url("/hook")}));
        assert_eq!(body["secrets_set"], json!(["secret"]));
        assert!(!body.to_string().contains("hush-hush"));
        let sealed = server.count("SELECT COUNT(*) FROM plugins WHERE secrets_sealed LIKE '%hush-hush%' OR CAST(config AS TEXT) LIKE '%hush-hush%'").await;
        assert_eq!(sealed, 0, "the secret is stored in clear");

        // Saving without the secret keeps it: the signature header still appears.
        let (status, _) = admin.put("/api/v1/plugins/notifier-webhook/config", json!({"config": {"url": receiver.url("/hook")}})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = admin.post("/api/v1/plugins/notifier-webhook/enable", json!({})).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("enabled")), "{body}");
        let (status, body) = admin.post("/api/v1/plugins/notifier-webhook/test", json!({})).await;
        assert_eq!((status, body["ok"].clone()), (StatusCode::OK, json!(true)), "{body}");
        let received = receiver.wait_for(1, Duration::from_secs(10));
        assert_eq!(received[0].path, "/hook");
        assert!(received[0].header("x-patchmon-signature").is_some_and(|s| s.starts_with("sha256=")));
        let (_, body) = admin.get("/api/v1/plugins/notifier-webhook").await;
        assert!(body["metrics"]["calls"].as_u64().unwrap() >= 2, "{body}");

        let (status, body) = admin.delete("/api/v1/plugins/notifier-webhook").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("built-in plugins can be disabled but not removed")));
        let (status, body) = admin.post("/api/v1/plugins/notifier-webhook/disable", json!({})).await;
        assert_eq!((status, body["enabled"].clone()), (StatusCode::OK, json!(false)));
    }

    async fn uploads_are_granted_configured_upgraded_and_removed(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;

        let (status, body) = upload(&admin, b"not a plugin".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"].as_str().unwrap().contains("invalid plugin package"), "{body}");
        let (status, _) = upload(&admin, Vec::new()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (status, body) = upload(&admin, example_notifier("0.1.0")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!((body["id"].as_str(), body["enabled"].clone()), (Some("example-notifier"), json!(false)));
        assert_eq!(body["granted_capabilities"], json!([]));
        assert_eq!(body["builtin"], false);

        let (status, body) = admin.put("/api/v1/plugins/example-notifier/grants", json!({"capabilities": ["exec"]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "The plugin does not request the 'exec' capability");

        // Without the http grant the plugin runs but its request is refused: a typed failure.
        let receiver = HttpReceiver::start(204);
        let (status, _) = admin.put("/api/v1/plugins/example-notifier/config", json!({"config": {"url": receiver.url("/x")}})).await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = admin.post("/api/v1/plugins/example-notifier/test", json!({})).await;
        assert_eq!(body["ok"], false, "{body}");
        assert!(body["message"].as_str().unwrap().contains("denied http"), "{body}");
        assert!(receiver.requests().is_empty());

        let (status, body) = admin.put("/api/v1/plugins/example-notifier/grants", json!({"capabilities": ["http"]})).await;
        assert_eq!((status, body["granted_capabilities"].clone()), (StatusCode::OK, json!(["http"])));
        let (_, body) = admin.post("/api/v1/plugins/example-notifier/test", json!({})).await;
        assert_eq!(body["ok"], true, "{body}");
        assert_eq!(receiver.wait_for(1, Duration::from_secs(10)).len(), 1);

        let (status, body) = upload(&admin, example_notifier("0.2.0")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["version"], "0.2.0");
        assert_eq!(body["granted_capabilities"], json!(["http"]), "grants survive an upgrade");
        assert_eq!(body["config"]["url"], receiver.url("/x"));
        let (status, body) = upload(&admin, example_notifier("0.1.5")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        let (status, _) = admin.delete("/api/v1/plugins/example-notifier").await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = admin.get("/api/v1/plugins/example-notifier").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = admin.post("/api/v1/plugins/example-notifier/test", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let audit = server.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('plugin_installed', 'plugin_upgraded', 'plugin_removed', 'plugin_grants_changed')").await;
        assert_eq!(audit, 4);
    }

    async fn a_plugin_that_keeps_failing_is_disabled_and_others_keep_working(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = upload(&admin, hostile_notifier()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, _) = admin.put("/api/v1/plugins/hostile-notifier/config", json!({"config": {"mode": "loop"}})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = admin.post("/api/v1/plugins/hostile-notifier/enable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let receiver = HttpReceiver::start(200);
        let (status, _) = admin.put("/api/v1/plugins/notifier-webhook/config", json!({"config": {"url": receiver.url("/ok")}})).await;
        assert_eq!(status, StatusCode::OK);

        for attempt in 1..=5 {
            let (status, body) = admin.post("/api/v1/plugins/hostile-notifier/test", json!({})).await;
            assert_eq!((status, body["ok"].clone()), (StatusCode::OK, json!(false)), "attempt {attempt}: {body}");
            assert!(body["message"].as_str().unwrap().contains("time limit of 300 ms"), "{body}");
            // The host keeps serving, and other plugins keep working, between the failures.
            let (status, _) = admin.get("/api/v1/plugins").await;
            assert_eq!(status, StatusCode::OK);
            let (_, body) = admin.post("/api/v1/plugins/notifier-webhook/test", json!({})).await;
            assert_eq!(body["ok"], true, "{body}");
        }
        assert_eq!(receiver.wait_for(5, Duration::from_secs(10)).len(), 5);
        let (_, body) = admin.get("/api/v1/plugins/hostile-notifier").await;
        assert_eq!((body["enabled"].clone(), body["status"].clone()), (json!(false), json!("auto_disabled")));
        let reason = body["status_reason"].as_str().unwrap();
        assert!(reason.contains("5 consecutive failed calls") && reason.contains("time limit"), "{reason}");
        assert!(body["metrics"]["timeouts"].as_u64().unwrap() >= 5, "{body}");
        let logged = server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'plugin_auto_disabled'").await;
        assert_eq!(logged, 1);
    }

    async fn plugin_routes_need_the_settings_permission(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let user = server.user_with_role(&admin, "viewer", "user").await;
        let (status, _) = user.get("/api/v1/plugins").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = upload(&user, example_notifier("0.1.0")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(server.count("SELECT COUNT(*) FROM plugins WHERE builtin = FALSE").await, 0);
    }
}
