//! End to end: the real agent binary enrolls against a real server (SQLite), reports this
//! machine's real dpkg database through its collector plugin, runs a newer collector an
//! administrator installed on the server, is hash-gated on an unchanged second run, and reports
//! when the server sends `report_now` over the WebSocket.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use patchmon_server::store::Pool;
use patchmon_server::{app, AppState, Config};
use serde_json::{json, Value};

const AGENT: &str = env!("CARGO_BIN_EXE_patchmon-agent");

struct Server {
    base: String,
    state: AppState,
    dir: PathBuf,
}

async fn start_server(dir: &Path) -> Server {
    let vars = vec![
        (
            "DATA_DIR".to_string(),
            dir.join("data").display().to_string(),
        ),
        ("APP_ENV".to_string(), "test".to_string()),
    ];
    let mut config = Config::load_from(Path::new("/nonexistent/patchmon.toml"), &vars).unwrap();
    config.ensure_secrets().unwrap();
    let state = AppState::build(config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serve_state = state.clone();
    tokio::spawn(async move { app::serve(serve_state, listener, std::future::pending()).await });
    Server {
        base,
        state,
        dir: dir.to_path_buf(),
    }
}

impl Server {
    async fn count(&self, sql: &str) -> i64 {
        match &self.state.store.pool {
            Pool::Sqlite(db) => sqlx::query_scalar(sql).fetch_one(db).await.unwrap(),
            Pool::Postgres(_) => unreachable!("the end-to-end test runs on SQLite"),
        }
    }

    fn config(&self) -> PathBuf {
        self.dir.join("agent/config.yml")
    }

    fn plugin_cache(&self) -> PathBuf {
        self.dir.join("agent/plugins")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("agent/logs/patchmon-agent.log")).unwrap()
    }

    /// Runs the agent with `--config` in the temp directory; returns (success, stdout).
    fn agent(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new(AGENT)
            .arg("--config")
            .arg(self.config())
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success() || !stderr.is_empty(), "{stdout}");
        (output.status.success(), format!("{stdout}{stderr}"))
    }
}

async fn wait_for(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn installed_dpkg_packages() -> i64 {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Abbrev}\n"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.chars().nth(1) == Some('i'))
        .count() as i64
}

/// The apt collector the server serves, repacked as version 0.1.1 (an administrator's upload).
async fn newer_apt_collector(
    server: &Server,
    http: &reqwest::Client,
    api_id: &str,
    api_key: &str,
) -> Vec<u8> {
    let file = |name: &'static str| {
        http.get(format!(
            "{}/api/v1/agent/collectors/collector-apt/{name}",
            server.base
        ))
        .header("X-API-ID", api_id)
        .header("X-API-KEY", api_key)
        .send()
    };
    let toml = file("plugin.toml").await.unwrap().text().await.unwrap();
    let wasm = file("plugin.wasm").await.unwrap().bytes().await.unwrap();
    let bumped = toml.replacen("\nversion = \"0.1.0\"\n", "\nversion = \"0.1.1\"\n", 1);
    assert_ne!(bumped, toml);
    patchmon_runtime::PluginPackage::pack(&bumped, wasm.to_vec())
        .unwrap()
        .to_bytes()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_agent_enrolls_reports_is_hash_gated_and_obeys_report_now() {
    let dir = std::env::temp_dir().join(format!("patchmon-e2e-{}", uuid::Uuid::new_v4().simple()));
    let server = start_server(&dir).await;
    let http = reqwest::Client::new();
    let admin: Value = http
        .post(format!("{}/api/v1/auth/setup-admin", server.base))
        .json(&json!({"firstName": "E", "lastName": "E", "username": "admin", "email": "e@example.com", "password": "Adm1n-Passw0rd!"}))
        .send().await.unwrap().json().await.unwrap();
    let token = admin["token"].as_str().unwrap().to_string();
    let host: Value = http
        .post(format!("{}/api/v1/hosts/create", server.base))
        .bearer_auth(&token)
        .json(&json!({"friendly_name": "e2e-host"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (host_id, api_id, api_key) = (
        host["hostId"].as_str().unwrap(),
        host["apiId"].as_str().unwrap(),
        host["apiKey"].as_str().unwrap(),
    );

    // Enroll: write config and credentials, then the automatic connectivity check. The plugin
    // cache stays in the temporary directory (set-api keeps the key).
    std::fs::create_dir_all(server.config().parent().unwrap()).unwrap();
    std::fs::write(
        server.config(),
        format!("plugin_cache_dir: {}\n", server.plugin_cache().display()),
    )
    .unwrap();
    let (ok, out) = server.agent(&["config", "set-api", api_id, api_key, &server.base]);
    assert!(ok, "{out}");
    assert!(out.contains("API credentials are valid"), "{out}");
    let (ok, out) = server.agent(&["config", "show"]);
    assert!(
        ok && out.contains(api_id) && out.contains("API Key: Set") && !out.contains(api_key),
        "{out}"
    );

    // Report this machine's real dpkg database.
    let (ok, out) = server.agent(&["report"]);
    assert!(ok, "{out}");
    let installed = installed_dpkg_packages();
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM host_packages WHERE host_id = '{host_id}'"
            ))
            .await,
        installed
    );
    let detail: Value = http
        .get(format!("{}/api/v1/hosts/{host_id}", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            detail["status"].as_str(),
            detail["package_manager"].as_str(),
            detail["os_type"].as_str()
        ),
        (Some("active"), Some("apt"), Some("debian"))
    );

    // The report ran the server's copy of the apt collector, downloaded and verified.
    let cached = patchmon_runtime::PluginPackage::read_file(
        &server.plugin_cache().join("collector-apt.pmplugin"),
    )
    .unwrap();
    assert_eq!(cached.manifest.version, "0.1.0");
    assert!(server
        .log()
        .contains("collector plugin updated from the server"));

    // An administrator installs a newer apt collector; the next report fetches and runs it.
    let newer = newer_apt_collector(&server, &http, api_id, api_key).await;
    let admin_call = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}/api/v1/plugins{path}", server.base))
            .bearer_auth(&token)
    };
    let response = admin_call(reqwest::Method::POST, "")
        .body(newer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let response = admin_call(reqwest::Method::PUT, "/collector-apt/grants")
        .json(&json!({"capabilities": ["exec", "fs_read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = admin_call(reqwest::Method::POST, "/collector-apt/enable")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (ok, out) = server.agent(&["report"]);
    assert!(ok, "{out}");
    let cached = patchmon_runtime::PluginPackage::read_file(
        &server.plugin_cache().join("collector-apt.pmplugin"),
    )
    .unwrap();
    assert_eq!(cached.manifest.version, "0.1.1");
    assert!(
        server
            .log()
            .contains("Collecting packages collector=collector-apt version=0.1.1 origin=Server"),
        "{}",
        server.log()
    );

    // Unchanged second run: the agent's own hashes satisfy the server, nothing is requested.
    let (ok, payload) = server.agent(&["report", "--json"]);
    assert!(ok);
    let payload: Value = serde_json::from_str(&payload).unwrap();
    let hashes = &payload["hashes"];
    let ping: Value = http
        .post(format!("{}/api/v1/hosts/ping", server.base))
        .header("X-API-ID", api_id)
        .header("X-API-KEY", api_key)
        .json(&json!({"hashes": hashes, "agentVersion": env!("CARGO_PKG_VERSION")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ping["hashGate"], true);
    assert!(
        ping.get("requestFull").is_none(),
        "unchanged inventory must be hash-gated: {ping}"
    );

    // serve: connects the WebSocket, sends its initial report, then reports on report_now.
    let mut serve = tokio::process::Command::new(AGENT)
        .arg("--config")
        .arg(server.config())
        .arg("serve")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let full_reports = format!("SELECT COUNT(*) FROM update_history WHERE host_id = '{host_id}' AND report_type = 'full' AND status = 'success'");
    wait_for("the WebSocket", async || {
        server.state.agents.statuses(&[api_id]).await[0].connected
    })
    .await;
    wait_for("the initial report", async || {
        server.count(&full_reports).await >= 2
    })
    .await;
    let before = server.count(&full_reports).await;
    let response = http
        .post(format!(
            "{}/api/v1/hosts/{host_id}/fetch-report",
            server.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    wait_for("the report_now report", async || {
        server.count(&full_reports).await > before
    })
    .await;
    serve.kill().await.unwrap();
    let log = server.log();
    assert!(log.contains("WebSocket connected"), "{log}");
    assert!(!log.contains(api_key), "the API key never reaches the log");
    let _ = std::fs::remove_dir_all(&dir);
}
