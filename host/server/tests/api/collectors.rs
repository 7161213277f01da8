//! Collector plugins served to agents: the embedded six with digests that match what is
//! downloaded, agent authentication worded like the other agent routes, and an administrator's
//! installed collector served only while enabled with its request granted and newer than the
//! embedded one. Components come from scripts/build-plugins.sh.

use crate::common::{Backend, Client, TestServer};
use patchmon_runtime::package::sha256_hex;
use patchmon_runtime::{Manifest, PluginPackage};
use patchmon_test_support::built_wasm;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const COLLECTORS: [&str; 6] = [
    "collector-apt",
    "collector-dnf",
    "collector-yum",
    "collector-zypper",
    "collector-pacman",
    "collector-apk",
];

struct AgentCall {
    base: String,
    api_id: String,
    api_key: String,
}

impl AgentCall {
    async fn create(server: &TestServer, admin: &Client) -> AgentCall {
        let (status, body) = admin
            .post(
                "/api/v1/hosts/create",
                json!({"friendly_name": "collector-host"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        AgentCall {
            base: server.base.clone(),
            api_id: body["apiId"].as_str().unwrap().into(),
            api_key: body["apiKey"].as_str().unwrap().into(),
        }
    }

    async fn get_with(
        &self,
        path: &str,
        id: Option<&str>,
        key: Option<&str>,
    ) -> (StatusCode, Vec<u8>) {
        let mut request = reqwest::Client::new().get(format!("{}{path}", self.base));
        if let Some(id) = id {
            request = request.header("X-API-ID", id);
        }
        if let Some(key) = key {
            request = request.header("X-API-KEY", key);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.bytes().await.unwrap().to_vec())
    }

    async fn get(&self, path: &str) -> (StatusCode, Vec<u8>) {
        self.get_with(path, Some(&self.api_id), Some(&self.api_key))
            .await
    }

    async fn list(&self) -> Value {
        let (status, body) = self.get("/api/v1/agent/collectors").await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// `(id, version)` of every served collector, in order.
    async fn served(&self) -> Vec<(String, String)> {
        self.list().await["collectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().into(),
                    c["version"].as_str().unwrap().into(),
                )
            })
            .collect()
    }
}

/// The built component of `crate_name`, packed as plugin `id` at `version` (an upload).
fn repacked(crate_name: &str, id: &str, version: &str) -> Vec<u8> {
    let toml = std::fs::read_to_string(
        patchmon_test_support::repo_root().join(format!("plugins/{crate_name}/plugin.toml")),
    )
    .unwrap()
    .lines()
    .map(|line| match line {
        l if l.starts_with("id =") => format!("id = \"{id}\""),
        l if l.starts_with("version =") => format!("version = \"{version}\""),
        l => l.to_string(),
    })
    .collect::<Vec<_>>()
    .join("\n");
    PluginPackage::pack(&toml, built_wasm(crate_name))
        .unwrap()
        .to_bytes()
        .unwrap()
}

async fn install(admin: &Client, bytes: Vec<u8>, id: &str, grant: &[&str], enable: bool) {
    let response = admin
        .request(Method::POST, "/api/v1/plugins", None)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    let (status, body) = admin
        .put(
            &format!("/api/v1/plugins/{id}/grants"),
            json!({"capabilities": grant}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    if enable {
        let (status, body) = admin
            .post(&format!("/api/v1/plugins/{id}/enable"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

backend_tests! {
    async fn agents_download_the_embedded_collectors_verified(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let agent = AgentCall::create(&server, &admin).await;
        let list = agent.list().await;
        let entries = list["collectors"].as_array().unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, COLLECTORS);
        for entry in entries {
            let id = entry["id"].as_str().unwrap();
            let built = built_wasm(id);
            assert_eq!(entry["sha256"], sha256_hex(&built), "{id}");
            assert_eq!(entry["size"], built.len(), "{id}");
            assert_eq!(entry["url"], format!("/api/v1/agent/collectors/{id}/plugin.wasm"));
            let (status, wasm) = agent.get(entry["url"].as_str().unwrap()).await;
            assert_eq!((status, wasm == built), (StatusCode::OK, true), "{id}");
            let (status, toml) = agent.get(entry["manifest_url"].as_str().unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{id}");
            assert_eq!(entry["manifest_sha256"], sha256_hex(&toml), "{id}");
            let manifest = Manifest::parse(std::str::from_utf8(&toml).unwrap()).unwrap();
            assert_eq!((manifest.id.as_str(), manifest.wasm_sha256.as_str()), (id, sha256_hex(&built).as_str()));
            assert_eq!(manifest.version, entry["version"].as_str().unwrap());
        }
        let (status, body) = agent.get("/api/v1/agent/collectors/collector-nope/plugin.wasm").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["error"], "Collector not found");

        // Refusals are the other agent routes': missing credentials, then wrong ones.
        for path in ["/api/v1/agent/collectors", "/api/v1/agent/collectors/collector-apt/plugin.wasm", "/api/v1/agent/collectors/collector-apt/plugin.toml"] {
            for (id, key, message) in [
                (None, None, "API credentials required"),
                (Some(agent.api_id.as_str()), None, "API credentials required"),
                (Some(agent.api_id.as_str()), Some("wrong-key"), "Invalid API credentials"),
                (Some("patchmon_unknown"), Some(agent.api_key.as_str()), "Invalid API credentials"),
            ] {
                let (status, body) = agent.get_with(path, id, key).await;
                let body: Value = serde_json::from_slice(&body).unwrap();
                assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some(message)), "{path}");
            }
        }
        let (_, ping) = agent.get_with("/api/v1/settings/update-interval", None, None).await;
        assert_eq!(serde_json::from_slice::<Value>(&ping).unwrap()["error"], "API credentials required");

        let (_, doc) = server.browser().get("/api/v1/openapi.json").await;
        let listed = &doc["paths"]["/api/v1/agent/collectors"]["get"];
        assert_eq!(listed["x-permission"], "agent credentials");
        assert!(doc["paths"]["/api/v1/agent/collectors/{id}/plugin.wasm"]["get"].is_object());
        // The server runs none of them, so none is an installed plugin.
        let (_, plugins) = admin.get("/api/v1/plugins").await;
        assert!(!plugins.to_string().contains("collector-"), "{plugins}");
    }

    async fn an_installed_collector_is_served_once_enabled_granted_and_newer(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let agent = AgentCall::create(&server, &admin).await;
        let embedded: Vec<(String, String)> = COLLECTORS.iter().map(|id| (id.to_string(), "0.1.0".to_string())).collect();

        // Installed, then granted only part of its request, then enabled: still not served.
        install(&admin, repacked("collector-apt", "collector-apt", "0.2.0"), "collector-apt", &["exec"], true).await;
        assert_eq!(agent.served().await, embedded);
        let (status, _) = admin.post("/api/v1/plugins/collector-apt/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = admin.put("/api/v1/plugins/collector-apt/grants", json!({"capabilities": ["exec", "fs_read"]})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(agent.served().await, embedded, "disabled");
        let (status, _) = admin.post("/api/v1/plugins/collector-apt/enable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let mut expected = embedded.clone();
        expected[0].1 = "0.2.0".into();
        assert_eq!(agent.served().await, expected);
        let (status, toml) = agent.get("/api/v1/agent/collectors/collector-apt/plugin.toml").await;
        assert_eq!(status, StatusCode::OK);
        let manifest = Manifest::parse(std::str::from_utf8(&toml).unwrap()).unwrap();
        assert_eq!(manifest.version, "0.2.0");
        let entry = agent.list().await["collectors"][0].clone();
        assert_eq!(entry["manifest_sha256"], sha256_hex(&toml));
        let (status, wasm) = agent.get("/api/v1/agent/collectors/collector-apt/plugin.wasm").await;
        assert_eq!((status, sha256_hex(&wasm)), (StatusCode::OK, entry["sha256"].as_str().unwrap().to_string()));
        assert_eq!(entry["size"], wasm.len());

        // Not newer than the embedded one: not served. A new id: served after the embedded ones.
        install(&admin, repacked("collector-apk", "collector-apk", "0.0.9"), "collector-apk", &["exec", "fs_read"], true).await;
        install(&admin, repacked("collector-apk", "collector-extra", "1.0.0"), "collector-extra", &["exec", "fs_read"], true).await;
        expected.push(("collector-extra".into(), "1.0.0".into()));
        assert_eq!(agent.served().await, expected);

        // Disabled again: the embedded collector is back.
        let (status, _) = admin.post("/api/v1/plugins/collector-apt/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        expected[0].1 = "0.1.0".into();
        assert_eq!(agent.served().await, expected);
        let (status, toml) = agent.get("/api/v1/agent/collectors/collector-apt/plugin.toml").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(Manifest::parse(std::str::from_utf8(&toml).unwrap()).unwrap().version, "0.1.0");
    }
}
