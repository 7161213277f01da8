//! What the server gives plugins: the scaffolded example integration served under
//! `/api/v1/ext/…` reading the real fleet and enrolling hosts through its grants, and the SMTP
//! relay from the configuration delivering to a real local SMTP server.

use std::time::Duration;

use crate::common::{Backend, Client, TestServer};
use patchmon_runtime::services::MailMessage;
use patchmon_runtime::PluginPackage;
use patchmon_server::config::Config;
use patchmon_server::plugins::services;
use patchmon_test_support::{built_wasm, wasm_dir, SmtpReceiver};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The scaffolded example integration, also requesting `enroll`.
fn example_integration() -> Vec<u8> {
    let toml = std::fs::read_to_string(wasm_dir().join("example_integration.plugin.toml"))
        .expect("example_integration.plugin.toml (run scripts/build-plugins.sh)")
        .replace("[capabilities]", "[capabilities]\nenroll = true");
    PluginPackage::pack(&toml, built_wasm("example-integration"))
        .expect("pack")
        .to_bytes()
        .expect("bytes")
}

async fn install(admin: &Client, grants: Value) {
    let response = admin
        .request(Method::POST, "/api/v1/plugins", None)
        .header("content-type", "application/octet-stream")
        .body(example_integration())
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::CREATED);
    let (status, body) = admin
        .put(
            "/api/v1/plugins/example-integration/grants",
            json!({"capabilities": grants}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .put(
            "/api/v1/plugins/example-integration/config",
            json!({"config": {}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .post("/api/v1/plugins/example-integration/enable", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

backend_tests! {
    async fn integration_routes_read_the_fleet_and_enroll_hosts_within_their_grants(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, _) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "web-1"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = admin.post("/api/v1/host-groups", json!({"name": "proxmox"})).await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, body) = admin.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not installed yet: {body}");
        install(&admin, json!(["fleet_read", "kv", "enroll"])).await;

        let (status, body) = admin.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["hosts"].clone(), body["needing_updates"].clone()), (json!(1), json!(0)));
        let (status, body) = admin.get("/api/v1/ext/example-integration/not-declared").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"], "The plugin serves no such route");

        let (status, body) = admin.post("/api/v1/ext/example-integration/enroll", json!({"hostname": "lxc-101"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let host_id = body["host_id"].as_str().expect("host id").to_string();
        assert!(body["api_id"].as_str().unwrap().starts_with("patchmon_"), "{body}");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE id = '{host_id}' AND friendly_name = 'lxc-101' AND status = 'pending'")).await, 1);
        let audited = server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'host_created' AND username = 'plugin:example-integration'").await;
        assert_eq!(audited, 1);
        let (_, body) = admin.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!(body["hosts"], 2, "the enrolled host is part of the fleet: {body}");
        let (status, body) = admin.post("/api/v1/ext/example-integration/enroll", json!({})).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!("hostname is required")));

        // Reading the fleet needs only can_view_hosts; enrolling through the plugin needs more.
        let viewer = server.user_with_role(&admin, "viewer", "readonly").await;
        let (status, body) = viewer.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = viewer.post("/api/v1/ext/example-integration/enroll", json!({"hostname": "x"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Revoked grants are refused to the guest, which reports it; the host stays up.
        let (status, _) = admin.put("/api/v1/plugins/example-integration/grants", json!({"capabilities": ["kv"]})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = admin.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        assert!(body["error"].as_str().unwrap().contains("Denied"), "{body}");
        let (status, body) = admin.post("/api/v1/ext/example-integration/enroll", json!({"hostname": "lxc-102"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 2, "nothing was enrolled");

        let (status, _) = admin.post("/api/v1/plugins/example-integration/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = admin.get("/api/v1/ext/example-integration/summary").await;
        assert_eq!((status, body["error"].clone()), (StatusCode::NOT_FOUND, json!("No enabled integration plugin with this id")));
    }
}

fn smtp_config(port: u16, from: &str) -> Config {
    let vars: Vec<(String, String)> = [
        ("SMTP_HOST", "127.0.0.1".to_string()),
        ("SMTP_PORT", port.to_string()),
        ("SMTP_SECURITY", "none".to_string()),
        ("SMTP_FROM", from.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Config::load_from(std::path::Path::new("/nonexistent/patchmon.toml"), &vars).expect("config")
}

#[tokio::test]
async fn the_configured_smtp_relay_delivers_plugin_mail() {
    let relay = SmtpReceiver::start();
    let config = smtp_config(relay.port(), "PatchMon <patchmon@example.com>");
    let mailer = services::mailer(&config)
        .expect("valid settings")
        .expect("configured");
    let message = MailMessage {
        to: vec!["ops@example.com".into()],
        subject: "3 hosts need a reboot".into(),
        body: "web-1, web-2 and db-1 run an outdated kernel.".into(),
    };
    tokio::task::spawn_blocking(move || {
        patchmon_runtime::services::Mailer::send(&mailer, "notifier-mail", &message)
    })
    .await
    .unwrap()
    .expect("sent");
    let mails = relay.wait_for(1, Duration::from_secs(10));
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].from, "patchmon@example.com");
    assert_eq!(mails[0].to, ["ops@example.com"]);
    assert!(
        mails[0].data.contains("Subject: 3 hosts need a reboot"),
        "{}",
        mails[0].data
    );
    assert!(
        mails[0]
            .data
            .contains("web-1, web-2 and db-1 run an outdated kernel."),
        "{}",
        mails[0].data
    );

    let unset =
        Config::load_from(std::path::Path::new("/nonexistent/patchmon.toml"), &[]).expect("config");
    assert!(services::mailer(&unset)
        .expect("no relay is valid")
        .is_none());
    let error = services::mailer(&smtp_config(relay.port(), "not an address"))
        .err()
        .expect("invalid sender");
    assert!(
        error.to_string().contains("invalid sender address"),
        "{error}"
    );
}
