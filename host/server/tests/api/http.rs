//! Cross-cutting HTTP behaviour and bad input: errors, limits, headers, health, OpenAPI, and a
//! database that goes away.

use crate::common::{Backend, TestServer, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

backend_tests! {
    async fn health_request_ids_not_found_and_headers(backend: Backend) {
        let server = TestServer::start(backend).await;
        let http = reqwest::Client::new();
        let response = http.get(server.url("/health")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let generated = response.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(generated.len(), 32);
        assert!(generated.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.headers()["x-frame-options"], "DENY");
        assert_eq!(response.text().await.unwrap(), "healthy");

        let response = http.get(server.url("/health?format=json")).header("x-request-id", "abc123").send().await.unwrap();
        assert_eq!(response.headers()["x-request-id"], "abc123", "echoed");
        let body: Value = response.json().await.unwrap();
        let redis = if backend == Backend::Postgres { "ok" } else { "not configured" };
        assert_eq!(body, json!({"status": "ok", "database": "ok", "redis": redis}));

        let compressed = http.get(server.url("/api/v1/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(compressed.headers()["content-encoding"], "gzip");

        let client = server.browser();
        let (status, body) = client.get("/api/v1/no/such/route").await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"error": "Route not found"})));
        let admin = server.admin().await;
        assert_eq!(admin.get("/api/v1/hosts/").await.0, StatusCode::OK, "trailing slash tolerated");
        assert_eq!(admin.get("/api/v1/host-groups/").await.0, StatusCode::OK);
    }

    async fn cors_follows_cors_origin(backend: Backend) {
        let server = TestServer::start_with(backend, &[("CORS_ORIGIN", "https://pm.example.com,https://other.example.com")]).await;
        let http = reqwest::Client::new();
        let preflight = |origin: &'static str| {
            http.request(Method::OPTIONS, server.url("/api/v1/auth/login"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type,x-device-id")
                .send()
        };
        let allowed = preflight("https://other.example.com").await.unwrap();
        assert!(allowed.status().is_success());
        assert_eq!(allowed.headers()["access-control-allow-origin"], "https://other.example.com");
        assert_eq!(allowed.headers()["access-control-allow-credentials"], "true");
        let refused = preflight("https://evil.example.net").await.unwrap();
        assert!(refused.headers().get("access-control-allow-origin").is_none());
    }

    async fn malformed_and_hostile_input_is_refused_and_writes_nothing(backend: Backend) {
        let server = TestServer::start_with(backend, &[("JSON_BODY_LIMIT", "4kb")]).await;
        let admin = server.admin().await;
        let raw = |body: &'static str| admin.request(Method::POST, "/api/v1/hosts/create", None).header("content-type", "application/json").body(body).send();

        let response = raw("{\"friendly_name\": ").await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "Invalid request body");
        assert!(body["details"].as_str().unwrap().contains("EOF"), "{body}");

        let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": 42})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid request body")));
        assert!(body["details"].as_str().unwrap().contains("invalid type"), "{body}");
        let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "x", "api_key": "mine"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["details"].as_str().unwrap().contains("unknown field `api_key`"), "{body}");
        let response = admin.request(Method::POST, "/api/v1/hosts/create", None).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "empty body");

        let huge = json!({"friendly_name": "x".repeat(8 * 1024)});
        let (status, body) = admin.post("/api/v1/hosts/create", huge).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("Request body too large")));
        let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "y".repeat(101)})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Friendly name must be between 1 and 100 characters")));
        let (status, _) = admin.post("/api/v1/host-groups", json!({"name": "z".repeat(1000)})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 0);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_groups").await, 0);

        // SQL metacharacters and unicode are data, stored and returned verbatim.
        for name in ["Robert'); DROP TABLE hosts;--", "サーバー-東京 🚀", "50% off_sale\\"] {
            let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": name})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let id = body["hostId"].as_str().unwrap();
            assert_eq!(admin.get(&format!("/api/v1/hosts/{id}")).await.1["friendly_name"], name);
            let (status, _) = admin.post("/api/v1/host-groups", json!({"name": name})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 3);
        let (_, found) = admin.get("/api/v1/hosts/admin/list?search=50%25%20off").await;
        assert_eq!(found["pagination"]["total"], 1);
        let (status, _) = admin.get("/api/v1/hosts/admin/list?page=abc&pageSize=-4").await;
        assert_eq!(status, StatusCode::OK, "unparsable numbers fall back to defaults");
        let (status, body) = server.browser().post("/api/v1/auth/login", json!({"username": "a".repeat(300), "password": "x"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("username and password required")));
    }

    async fn openapi_documents_every_route(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (status, doc) = server.browser().get("/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        for route in patchmon_server::app::routes() {
            let op = &doc["paths"][patchmon_server::http::openapi::documented_path(route.path)][route.method.as_str().to_ascii_lowercase()];
            assert!(op.is_object(), "{} {} missing from OpenAPI", route.method, route.path);
            assert!(op["x-permission"].is_string());
            if route.request_body.is_some() {
                let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap();
                let name = reference.rsplit('/').next().unwrap();
                assert!(doc["components"]["schemas"][name].is_object(), "{reference} unresolved");
            }
        }
        assert_eq!(doc["paths"]["/api/v1/hosts/create"]["post"]["x-permission"], "can_manage_hosts");
        let ping = &doc["paths"]["/api/v1/hosts/ping"]["post"];
        assert_eq!(ping["security"], json!([{"agentApiId": [], "agentApiKey": []}]));
        assert_eq!(ping["x-rate-limit-bucket"], "agent");
        assert_eq!(doc["components"]["securitySchemes"]["agentApiKey"]["name"], "X-API-KEY");
        let response = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
            .get(server.url("/api/v1/api-docs")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    }

    async fn a_database_that_goes_away_gives_503_and_the_server_stays_up(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        server.state.store.close().await;
        let (status, body) = admin.get("/api/v1/hosts").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["error"], "Database unavailable. Please try again shortly.");
        let (status, _) = server.browser().post("/api/v1/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let response = reqwest::get(server.url("/health")).await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.text().await.unwrap(), "unhealthy");
    }
}

#[test]
fn config_command_prints_sources_and_masks_secrets() {
    let dir = std::env::temp_dir().join(format!("patchmon-cli-{}", uuid::Uuid::new_v4()));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_patchmon-server"))
        .arg("config")
        .env("DATA_DIR", &dir)
        .env("PORT", "4100")
        .env("DATABASE_URL", "postgres://pm:s3cret-pw@db:5432/pm")
        .env("PATCHMON_CONFIG", dir.join("none.toml"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("PORT") && l.contains("4100") && l.ends_with("(environment)")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("JWT_SECRET")
            && l.contains("********")
            && l.ends_with("(generated)")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("MAX_LOGIN_ATTEMPTS") && l.ends_with("(default)")),
        "{text}"
    );
    assert!(!text.contains("s3cret-pw"));
    let secret = std::fs::read_to_string(dir.join("jwt_secret")).unwrap();
    assert!(!text.contains(&secret));

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_patchmon-server"))
        .arg("config")
        .env("DATA_DIR", &dir)
        .env("PORT", "eighty")
        .env("PATCHMON_CONFIG", dir.join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.contains("PORT:") && err.contains("environment variable PORT"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
