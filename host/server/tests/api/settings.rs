//! Settings: the row, tunables and their precedence (environment > database > default).

use crate::common::{Backend, TestServer, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn variable<'a>(env: &'a Value, key: &str) -> &'a Value {
    env["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["key"] == key)
        .unwrap_or_else(|| panic!("{key} missing"))
}

backend_tests! {
    async fn precedence_env_then_database_then_default(backend: Backend) {
        let server = TestServer::start_with(backend, &[("PASSWORD_MIN_LENGTH", "12")]).await;
        let admin = server.admin_with_password("Long-Enough-Pass1!").await;
        let (_, env) = admin.get("/api/v1/settings/environment").await;
        let min = variable(&env, "PASSWORD_MIN_LENGTH");
        assert_eq!((min["effectiveValue"].as_i64(), min["effectiveSource"].as_str(), min["editable"].as_bool()), (Some(12), Some("env"), Some(false)));
        let attempts = variable(&env, "MAX_LOGIN_ATTEMPTS");
        assert_eq!((attempts["effectiveValue"].as_i64(), attempts["effectiveSource"].as_str()), (Some(5), Some("default")));

        // A database value overrides the default, but never the environment.
        let (status, body) = admin.patch("/api/v1/settings/environment/MAX_LOGIN_ATTEMPTS", json!({"value": "7"})).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Saved. The new value is in effect.")));
        let (status, body) = admin.patch("/api/v1/settings/environment/PASSWORD_MIN_LENGTH", json!({"value": 6})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["message"].as_str().unwrap().contains("takes precedence"));
        let (_, env) = admin.get("/api/v1/settings/environment").await;
        assert_eq!(variable(&env, "MAX_LOGIN_ATTEMPTS")["effectiveSource"], "database");
        assert_eq!(variable(&env, "MAX_LOGIN_ATTEMPTS")["effectiveValue"], 7);
        let min = variable(&env, "PASSWORD_MIN_LENGTH");
        assert_eq!((min["effectiveValue"].as_i64(), min["conflict"].as_bool()), (Some(12), Some(true)));

        // The effective policy is the one enforced.
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "shorty", "email": "s@x.io", "password": "Sh0rt-Pass!"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("password must be at least 12 characters")));
        let (_, login) = admin.get("/api/v1/settings/login-settings").await;
        assert_eq!(login["password_policy"]["min_length"], 12);

        for (patch, message) in [
            (json!({"server_url": "ftp://x"}), "server URL must use http or https"),
            (json!({"server_port": 0}), "server port must be between 1 and 65535"),
            (json!({"serverHost": "bad host"}), "server host is not a valid hostname"),
        ] {
            let (status, body) = admin.put("/api/v1/settings", patch.clone()).await;
            assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some(message)), "{patch}");
        }
        let (status, body) = admin.put("/api/v1/settings", json!({"server_protocol": "https", "server_host": "pm.example.org", "server_port": 443})).await;
        assert_eq!((status, body["server_url"].as_str()), (StatusCode::OK, Some("https://pm.example.org")), "{body}");

        let (status, body) = admin.patch("/api/v1/settings/environment/MAX_LOGIN_ATTEMPTS", json!({"value": "many"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("MAX_LOGIN_ATTEMPTS requires an integer value")));
        let (status, body) = admin.patch("/api/v1/settings/environment/NOT_A_KEY", json!({"value": 1})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown config key")));
        let (status, _) = admin.delete("/api/v1/settings/environment/MAX_LOGIN_ATTEMPTS").await;
        assert_eq!(status, StatusCode::OK);
        let (_, env) = admin.get("/api/v1/settings/environment").await;
        assert_eq!(variable(&env, "MAX_LOGIN_ATTEMPTS")["effectiveSource"], "default");
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('setting_changed', 'setting_cleared')").await, 3);
    }

    async fn settings_row_update_and_validation(backend: Backend) {
        let server = TestServer::start_with(backend, &[("SERVER_HOST", "patch.example.com")]).await;
        let admin = server.admin().await;
        let (_, settings) = admin.get("/api/v1/settings").await;
        assert_eq!(settings["server_url"], "http://patch.example.com:3000");
        assert_eq!(settings["sources"]["server_host"], "env");
        assert_eq!(settings["sources"]["server_protocol"], "database");
        assert_eq!(settings["update_interval"], 60);

        let (status, body) = admin.put("/api/v1/settings", json!({"updateInterval": 15, "auto_update": true, "default_compliance_mode": "enabled"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["update_interval"].as_i64(), body["auto_update"].as_bool()), (Some(15), Some(true)));
        for (patch, message) in [
            (json!({"update_interval": 0}), "update_interval must be between 1 and 1440 minutes"),
            (json!({"made_up": 1}), "Unknown setting: made_up"),
            (json!({"auto_update": "yes"}), "auto_update must be true or false"),
            (json!({"default_user_role": "nobody"}), "Role does not exist: nobody"),
        ] {
            let (status, body) = admin.put("/api/v1/settings", patch.clone()).await;
            assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some(message)), "{patch}");
        }
        let (_, after) = admin.get("/api/v1/settings").await;
        assert_eq!(after["update_interval"], 15, "refused updates change nothing");

        // The environment's address cannot be changed here, and the refusal says where it is set.
        let (status, body) = admin.put("/api/v1/settings", json!({"server_url": "https://pm.example.org"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "server_url is set by the environment (SERVER_PROTOCOL/SERVER_HOST/SERVER_PORT); change it there");
        let (status, body) = admin.put("/api/v1/settings", json!({"serverHost": "other.example.org"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("server_host is set by the environment (SERVER_HOST); change it there")));
        let viewer = server.user_with_role(&admin, "viewer", "readonly").await;
        let (status, public) = viewer.get("/api/v1/settings/public").await;
        assert_eq!((status, public["update_interval"].as_i64()), (StatusCode::OK, Some(15)));
        assert_eq!(server.browser().get("/api/v1/settings/server-url").await.1["server_url"], "http://patch.example.com:3000", "environment wins");
        let (status, body) = viewer.put("/api/v1/settings", json!({"auto_update": false})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("Insufficient permissions")));
    }

    async fn audit_log_is_readable_by_admins(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        server.browser().post("/api/v1/auth/login", json!({"username": "admin", "password": "wrong"})).await;
        server.login("admin", ADMIN_PASSWORD).await;
        let (status, log) = admin.get("/api/v1/audit-log?limit=10").await;
        assert_eq!(status, StatusCode::OK);
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"login_failed") && actions.contains(&"login_success") && actions.contains(&"setup_admin"), "{actions:?}");
        let (_, failed) = admin.get("/api/v1/audit-log?action=login_failed").await;
        assert_eq!(failed["total"], 1);
        assert_eq!(failed["items"][0]["username"], "admin");
        assert!(failed["items"][0]["ip_address"].as_str().unwrap().starts_with("127."));
        let viewer = server.user_with_role(&admin, "viewer", "readonly").await;
        assert_eq!(viewer.get("/api/v1/audit-log").await.0, StatusCode::FORBIDDEN);
    }
}
