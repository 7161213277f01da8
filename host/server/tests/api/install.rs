//! Install and remove scripts, and the one-time bootstrap exchange.

use crate::common::{Backend, TestServer};
use reqwest::StatusCode;
use serde_json::json;

fn sh_syntax_ok(script: &str) -> bool {
    let path = std::env::temp_dir().join(format!("pm-script-{}.sh", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, script).unwrap();
    let ok = std::process::Command::new("sh")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap()
        .success();
    std::fs::remove_file(path).unwrap();
    ok
}

backend_tests! {
    async fn installer_carries_a_one_time_token_not_the_key(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (_, host) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "inst"})).await;
        let (api_id, api_key) = (host["apiId"].as_str().unwrap(), host["apiKey"].as_str().unwrap());
        let http = reqwest::Client::new();
        let response = http.get(server.url("/api/v1/hosts/install?arch=arm64&force=1")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = http
            .get(server.url("/api/v1/hosts/install?arch=arm64&force=1"))
            .header("X-API-ID", api_id)
            .header("X-API-KEY", api_key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(response.headers()["content-disposition"], "inline; filename=\"patchmon_install.sh\"");
        let script = response.text().await.unwrap();
        assert!(script.starts_with("#!/bin/sh\nexport PATCHMON_URL='http://localhost:3000'\nexport PATCHMON_OS=linux\nexport BOOTSTRAP_TOKEN="), "{script}");
        assert!(script.contains("export FORCE_INSTALL=true\nexport ARCHITECTURE=arm64\n"));
        assert!(!script.contains(api_key), "the key never travels in the script");
        assert!(sh_syntax_ok(&script));
        let token = script.lines().find_map(|l| l.strip_prefix("export BOOTSTRAP_TOKEN=")).unwrap();
        assert_eq!(token.len(), 64);

        let (status, body) = server.browser().post("/api/v1/hosts/bootstrap/exchange", json!({"token": token})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"apiId": api_id, "apiKey": api_key}));
        let (status, body) = server.browser().post("/api/v1/hosts/bootstrap/exchange", json!({"token": token})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid or expired bootstrap token")), "one use only");
        let (status, body) = server.browser().post("/api/v1/hosts/bootstrap/exchange", json!({})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Bootstrap token required")));

        let response = http.get(server.url("/api/v1/hosts/remove")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let script = response.text().await.unwrap();
        assert!(script.starts_with("#!/bin/sh\nexport CURL_FLAGS=\"-s\"\n\n"));
        assert!(script.contains("REMOVE_BACKUPS") && script.contains("SILENT"));
        assert!(sh_syntax_ok(&script));
        let (status, body) = server.browser().get("/api/v1/hosts/remove?os=windows").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Windows removal script not found")));
    }
}
