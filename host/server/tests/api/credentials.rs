//! Integration credentials: the admin routes, and HTTP Basic authentication with its check
//! order, IP allow-lists, expiry and scopes.

use crate::common::integrations::{self, basic_header, call, Credential};
use crate::common::{Backend, Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const HOSTS: &str = "/api/v1/api/hosts";

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

async fn create_group(admin: &Client, name: &str) -> String {
    let (status, body) = admin
        .post("/api/v1/host-groups", json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn refused(admin: &Client, body: Value) -> (StatusCode, Value) {
    admin.post("/api/v1/auto-enrollment/tokens", body).await
}

/// The `error` and (when present) the express-validator style `errors[0]`.
fn validation(body: &Value) -> (&str, Option<&str>) {
    (
        body["error"].as_str().unwrap_or_default(),
        body["errors"][0]["param"].as_str(),
    )
}

backend_tests! {
    async fn create_shows_the_secret_once_and_stores_a_keyed_hash(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let group = create_group(&admin, "Proxmox LXC").await;
        let (status, body) = admin.post("/api/v1/auto-enrollment/tokens", json!({
            "token_name": "Proxmox Production", "max_hosts_per_day": 100, "default_host_group_id": group,
            "allowed_ip_ranges": ["192.168.1.10", "10.0.0.0/24"], "expires_at": "2036-12-31T23:59:59Z",
            "metadata": {"integration_type": "proxmox-lxc", "environment": "production"},
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["message"], "Auto-enrollment token created successfully");
        assert_eq!(body["warning"], "⚠️ Save the token_secret now - it cannot be retrieved later!");
        let token = &body["token"];
        let mut keys: Vec<&str> = token.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["created_by", "default_host_group", "expires_at", "id", "max_hosts_per_day", "scopes", "token_key", "token_name", "token_secret"]);
        let key = token["token_key"].as_str().unwrap();
        let secret = token["token_secret"].as_str().unwrap();
        assert!(key.starts_with("patchmon_ae_") && is_hex(&key[12..], 32), "{key}");
        assert!(is_hex(secret, 64), "{secret}");
        assert_eq!(token["max_hosts_per_day"], 100);
        assert_eq!(token["default_host_group"], json!({"id": group, "name": "Proxmox LXC", "color": "#3B82F6"}));
        assert_eq!(token["created_by"]["username"], "admin");
        assert_eq!(token["created_by"]["first_name"], "Ada");
        assert!(token["created_by"]["id"].is_string());
        assert_eq!(token["expires_at"], "2036-12-31T23:59:59Z");
        assert_eq!(token["scopes"], Value::Null);

        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM auto_enrollment_tokens WHERE token_secret_hash = '{secret}'")).await, 0);
        let keyed = server.state.keys.credential_hash(secret);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM auto_enrollment_tokens WHERE token_secret_hash = '{keyed}'")).await, 1);
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'integration_token_created'").await, 1);

        // An API credential, created later, lists first.
        let api = integrations::api(&admin, json!({"host": ["get", "get"]})).await;
        let (status, list) = admin.get("/api/v1/auto-enrollment/tokens").await;
        assert_eq!(status, StatusCode::OK);
        let items = list.as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], api.id.as_str());
        assert_eq!(items[0]["scopes"], json!({"host": ["get"]}), "duplicates dropped");
        assert_eq!(items[0]["metadata"], json!({"integration_type": "api"}));
        assert_eq!(items[0]["host_groups"], Value::Null);
        let item = &items[1];
        for field in ["id", "token_name", "token_key", "is_active", "allowed_ip_ranges", "max_hosts_per_day", "hosts_created_today",
                      "last_used_at", "expires_at", "created_at", "default_host_group_id", "metadata", "scopes", "host_groups", "users"] {
            assert!(item.get(field).is_some(), "token item lacks {field}: {item}");
        }
        assert_eq!(item["is_active"], true);
        assert_eq!(item["allowed_ip_ranges"], json!(["192.168.1.10", "10.0.0.0/24"]));
        assert_eq!(item["hosts_created_today"], 0);
        assert_eq!(item["last_used_at"], Value::Null);
        assert_eq!(item["metadata"], json!({"integration_type": "proxmox-lxc", "environment": "production"}));
        assert_eq!(item["host_groups"], json!({"id": group, "name": "Proxmox LXC", "color": "#3B82F6"}));
        assert_eq!(item["users"]["username"], "admin");
        assert_eq!(item["users"]["last_name"], "Admin");
        let text = list.to_string();
        assert!(!text.contains(secret) && !text.contains(&keyed) && !text.contains("token_secret"), "{text}");

        let id = item["id"].as_str().unwrap();
        let (status, one) = admin.get(&format!("/api/v1/auto-enrollment/tokens/{id}")).await;
        assert_eq!((status, &one), (StatusCode::OK, item));
        let (status, body) = admin.get("/api/v1/auto-enrollment/tokens/nope").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Token not found")));
    }

    async fn create_refuses_bad_fields_and_writes_nothing(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let cases = [
            (json!({}), "Token name is required (max 255 characters)", Some("token_name")),
            (json!({"token_name": "  "}), "Token name is required (max 255 characters)", Some("token_name")),
            (json!({"token_name": "x".repeat(256)}), "Token name is required (max 255 characters)", Some("token_name")),
            (json!({"token_name": "t", "max_hosts_per_day": 0}), "Max hosts per day must be between 1 and 1000", Some("max_hosts_per_day")),
            (json!({"token_name": "t", "max_hosts_per_day": 1001}), "Max hosts per day must be between 1 and 1000", Some("max_hosts_per_day")),
            (json!({"token_name": "t", "allowed_ip_ranges": "10.0.0.1"}), "Allowed IP ranges must be an array", Some("allowed_ip_ranges")),
            (json!({"token_name": "t", "allowed_ip_ranges": ["10.0.0.0/33"]}), "Invalid IP address or CIDR range: 10.0.0.0/33", Some("allowed_ip_ranges")),
            (json!({"token_name": "t", "expires_at": "someday"}), "Invalid date format", Some("expires_at")),
            (json!({"token_name": "t", "metadata": {"integration_type": "ftp"}}), "Invalid integration type: ftp. Supported types: api, gethomepage, proxmox-lxc, direct-host, prometheus", Some("metadata.integration_type")),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}}), "At least one scope is required for API credentials", Some("scopes")),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": {}}), "At least one scope is required for API credentials", Some("scopes")),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": {"host": []}}), "At least one scope is required for API credentials", Some("scopes")),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": ["host"]}), "Scopes must be an object", Some("scopes")),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": {"host": "get"}}), "Scopes for resource \"host\" must be an array of actions", None),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": {"host": [true]}}), "All actions in scopes must be strings", None),
            (json!({"token_name": "t", "metadata": {"integration_type": "api"}, "scopes": {"host": ["admin"]}}), "Unknown action \"admin\" for resource \"host\"", None),
            (json!({"token_name": "t", "scopes": {"host": ["get"]}}), "Scopes can only be set for API integration tokens", None),
            (json!({"token_name": "t", "default_host_group_id": "00000000-0000-0000-0000-000000000000"}), "Host group not found", None),
        ];
        for (body, message, param) in cases {
            let (status, answer) = refused(&admin, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
            assert_eq!(validation(&answer), (message, param), "{body} -> {answer}");
            if let Some(param) = param {
                assert_eq!(answer["errors"][0], json!({"msg": message, "param": param, "location": "body"}));
            }
        }
        let (status, _) = refused(&admin, json!({"token_name": "t", "surprise": 1})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(server.count("SELECT COUNT(*) FROM auto_enrollment_tokens").await, 0);

        // Non-api types may send empty scopes (the dashboard does); they are not stored.
        let widget = integrations::create(&admin, json!({"metadata": {"integration_type": "gethomepage"}, "scopes": {}, "expires_at": ""})).await;
        let (_, item) = admin.get(&format!("/api/v1/auto-enrollment/tokens/{}", widget.id)).await;
        assert_eq!((item["scopes"].clone(), item["expires_at"].clone(), item["max_hosts_per_day"].clone()), (Value::Null, Value::Null, json!(100)));
        let dated = integrations::create(&admin, json!({"expires_at": "2027-01-01"})).await;
        let (_, item) = admin.get(&format!("/api/v1/auto-enrollment/tokens/{}", dated.id)).await;
        assert_eq!(item["expires_at"], "2027-01-01T00:00:00Z");
        assert_eq!(item["metadata"], json!({"integration_type": "proxmox-lxc"}), "proxmox-lxc is the default type");
    }

    async fn update_and_delete(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let group = create_group(&admin, "Lab").await;
        let proxmox = integrations::enrollment(&admin, json!({"default_host_group_id": group, "expires_at": "2036-01-01"})).await;
        let path = format!("/api/v1/auto-enrollment/tokens/{}", proxmox.id);
        let (status, body) = admin.patch(&path, json!({"is_active": false, "max_hosts_per_day": 200, "allowed_ip_ranges": ["192.168.1.0/24"]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"], "Token updated successfully");
        let token = &body["token"];
        assert_eq!((token["is_active"].clone(), token["max_hosts_per_day"].clone()), (json!(false), json!(200)));
        assert_eq!(token["allowed_ip_ranges"], json!(["192.168.1.0/24"]));
        assert_eq!(token["host_groups"]["name"], "Lab");
        assert_eq!(token["users"]["username"], "admin");
        assert!(token.get("token_secret").is_none());

        let (status, body) = admin.patch(&path, json!({"scopes": {"host": ["get"]}})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Scopes can only be updated for API integration tokens")));
        let (status, body) = admin.patch(&path, json!({"token_name": ""})).await;
        assert_eq!((status, validation(&body)), (StatusCode::BAD_REQUEST, ("Token name must be between 1 and 255 characters", Some("token_name"))));
        let (status, body) = admin.patch(&path, json!({"max_hosts_per_day": 5000})).await;
        assert_eq!((status, validation(&body)), (StatusCode::BAD_REQUEST, ("Max hosts per day must be between 1 and 1000", Some("max_hosts_per_day"))));
        let (status, body) = admin.patch(&path, json!({"default_host_group_id": "00000000-0000-0000-0000-000000000000"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Host group not found")));
        let (status, body) = admin.patch(&path, json!({"token_name": "Renamed", "default_host_group_id": "", "expires_at": null})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["token"]["token_name"].clone(), body["token"]["default_host_group_id"].clone(), body["token"]["host_groups"].clone(), body["token"]["expires_at"].clone()),
                   (json!("Renamed"), Value::Null, Value::Null, Value::Null));
        assert_eq!(body["token"]["metadata"]["integration_type"], "proxmox-lxc");

        let api = integrations::api(&admin, json!({"host": ["get"]})).await;
        let api_path = format!("/api/v1/auto-enrollment/tokens/{}", api.id);
        let (status, body) = admin.patch(&api_path, json!({"scopes": {"host": ["get", "delete"]}})).await;
        assert_eq!((status, body["token"]["scopes"].clone()), (StatusCode::OK, json!({"host": ["get", "delete"]})));
        let (status, body) = admin.patch(&api_path, json!({"scopes": {}})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("At least one scope is required for API credentials")));

        let (status, body) = admin.patch("/api/v1/auto-enrollment/tokens/nope", json!({"is_active": true})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Token not found")));
        let (status, body) = admin.delete(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"message": "Auto-enrollment token deleted successfully", "deleted_token": {"id": proxmox.id, "token_name": "Renamed"}}));
        let (status, body) = admin.delete(&path).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Token not found")));
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('integration_token_updated', 'integration_token_deleted')").await, 4);
        // The default group can be deleted once empty; the credential just loses it.
        let (status, _) = admin.delete(&format!("/api/v1/host-groups/{group}")).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn basic_auth_checks_run_in_upstream_order(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
        let expect = |status: StatusCode, error: &'static str| (status, Some(error));
        let get = |auth: Option<String>| {
            let server = &server;
            async move {
                let (status, body) = call(server, Method::GET, HOSTS, auth.as_deref(), &[], None).await;
                (status, body["error"].as_str().map(str::to_string))
            }
        };
        let unauthorized = StatusCode::UNAUTHORIZED;
        let same = |got: (StatusCode, Option<String>), want: (StatusCode, Option<&str>)| assert_eq!((got.0, got.1.as_deref()), want);
        same(get(None).await, expect(unauthorized, "Missing or invalid authorization header"));
        same(get(Some("Bearer x".into())).await, expect(unauthorized, "Missing or invalid authorization header"));
        same(get(Some("Basic %%%".into())).await, expect(unauthorized, "Missing or invalid authorization header"));
        same(get(Some(format!("Basic {}", base64_of("no-colon")))).await, expect(unauthorized, "Invalid credentials format"));
        same(get(Some(basic_header("patchmon_ae_unknown", "x"))).await, expect(unauthorized, "Invalid API key"));
        same(get(Some(basic_header(&reader.key, "wrong"))).await, expect(unauthorized, "Invalid API secret"));

        let (status, body) = reader.get(&server, HOSTS).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let widget = integrations::create(&admin, json!({"metadata": {"integration_type": "gethomepage"}})).await;
        same(get(Some(basic_header(&widget.key, "wrong"))).await, expect(unauthorized, "Invalid API key type"));

        // Disabled and expired are reported before the secret is checked, as upstream does.
        let path = format!("/api/v1/auto-enrollment/tokens/{}", reader.id);
        admin.patch(&path, json!({"is_active": false})).await;
        same(get(Some(basic_header(&reader.key, "wrong"))).await, expect(unauthorized, "API key is disabled"));
        admin.patch(&path, json!({"is_active": true, "expires_at": "2020-01-01T00:00:00Z"})).await;
        same(get(Some(reader.basic())).await, expect(unauthorized, "API key has expired"));
        admin.patch(&path, json!({"expires_at": null})).await;
        let (status, _) = reader.get(&server, HOSTS).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn scopes_are_enforced_and_last_use_is_recorded(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
        assert_eq!(last_used(&server, &reader.id).await, 0);
        let target = "/api/v1/api/hosts/00000000-0000-0000-0000-000000000000";
        let (status, body) = reader.send(&server, Method::DELETE, target).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body, json!({"error": "Access denied", "message": "This API key does not have permission to delete host"}));
        assert_eq!(last_used(&server, &reader.id).await, 1, "recorded even when the scope refuses");

        // Rows written by other tools: no scopes, empty scopes, malformed scopes.
        for (scopes, message) in [
            ("NULL", "This API key does not have the required permissions"),
            ("'{}'", "This API key does not have access to host"),
            ("'{\"host\": \"get\"}'", "Invalid API key permissions configuration"),
        ] {
            server.execute(&format!("UPDATE auto_enrollment_tokens SET scopes = {scopes} WHERE id = '{}'", reader.id)).await;
            let (status, body) = reader.get(&server, HOSTS).await;
            assert_eq!((status, body), (StatusCode::FORBIDDEN, json!({"error": "Access denied", "message": message})), "{scopes}");
        }
    }

    async fn ip_allow_lists_use_the_socket_address_unless_proxies_are_trusted(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let lan = integrations::create(&admin, json!({"metadata": {"integration_type": "api"}, "scopes": {"host": ["get"]}, "allowed_ip_ranges": ["10.0.0.0/24"]})).await;
        let local = integrations::create(&admin, json!({"metadata": {"integration_type": "api"}, "scopes": {"host": ["get"]}, "allowed_ip_ranges": ["127.0.0.1"]})).await;
        let spoofed = [("X-Forwarded-For", "10.0.0.7")];
        let (status, body) = call(&server, Method::GET, HOSTS, Some(&lan.basic()), &spoofed, None).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("IP address not allowed")), "X-Forwarded-For is ignored without TRUST_PROXY");
        let (status, _) = local.get(&server, HOSTS).await;
        assert_eq!(status, StatusCode::OK);

        let proxied = TestServer::start_with(backend, &[("TRUST_PROXY", "true")]).await;
        let admin = proxied.admin().await;
        let lan = integrations::create(&admin, json!({"metadata": {"integration_type": "api"}, "scopes": {"host": ["get"]}, "allowed_ip_ranges": ["192.168.1.10", "10.0.0.0/24"]})).await;
        let v6 = integrations::create(&admin, json!({"metadata": {"integration_type": "api"}, "scopes": {"host": ["get"]}, "allowed_ip_ranges": ["2001:db8::/32"]})).await;
        let from = |credential: &Credential, ip: &'static str| {
            let auth = credential.basic();
            let server = &proxied;
            async move { call(server, Method::GET, HOSTS, Some(&auth), &[("X-Forwarded-For", ip)], None).await.0 }
        };
        assert_eq!(from(&lan, "10.0.0.7").await, StatusCode::OK);
        assert_eq!(from(&lan, "::ffff:10.0.0.7").await, StatusCode::OK, "IPv4-mapped IPv6 matches the IPv4 range");
        assert_eq!(from(&lan, "192.168.1.10").await, StatusCode::OK);
        assert_eq!(from(&lan, "192.168.1.5").await, StatusCode::FORBIDDEN);
        assert_eq!(from(&lan, "10.0.1.7").await, StatusCode::FORBIDDEN);
        assert_eq!(from(&v6, "2001:db8:42::5").await, StatusCode::OK);
        assert_eq!(from(&v6, "2001:db9::5").await, StatusCode::FORBIDDEN);
        assert_eq!(from(&v6, "10.0.0.7").await, StatusCode::FORBIDDEN);
    }

    async fn openapi_documents_basic_auth_and_scopes(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (status, doc) = server.browser().get("/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["components"]["securitySchemes"]["basicAuth"]["scheme"], "basic");
        let list = &doc["paths"]["/api/v1/api/hosts"]["get"];
        assert_eq!(list["security"], json!([{"basicAuth": []}]));
        assert_eq!(list["x-scope"], "host:get");
        assert_eq!(list["x-permission"], "api credential");
        assert!(list["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "hostgroup"));
        assert_eq!(doc["paths"]["/api/v1/api/hosts/{id}"]["delete"]["x-scope"], "host:delete");
        assert_eq!(doc["paths"]["/api/v1/auto-enrollment/enroll"]["post"]["security"], json!([{"enrollmentKey": [], "enrollmentSecret": []}]));
        assert_eq!(doc["paths"]["/api/v1/auto-enrollment/tokens"]["post"]["x-permission"], "can_manage_settings");
        assert!(doc["paths"]["/api/v1/auto-enrollment/tokens"]["post"]["requestBody"].is_object());
    }
}

async fn last_used(server: &TestServer, id: &str) -> i64 {
    server
        .count(&format!("SELECT COUNT(*) FROM auto_enrollment_tokens WHERE id = '{id}' AND last_used_at IS NOT NULL"))
        .await
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

mod logs {
    //! Every log line of this test binary, once [`capture`] has run: the server logs at trace
    //! level into memory, so a test can check what reached the logs.

    use std::io::Write;
    use std::sync::{Arc, Mutex, OnceLock};

    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

    pub fn capture() {
        BUFFER.get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let sink = Sink(buffer.clone());
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(
                    "patchmon_server=trace,tower_http=trace,axum=trace,sqlx=trace",
                ))
                .with_writer(move || sink.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
            buffer
        });
    }

    pub fn text() -> String {
        let buffer = BUFFER.get().expect("capture() first");
        String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
    }
}

backend_tests! {
    async fn secrets_never_reach_the_logs(backend: Backend) {
        logs::capture();
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
        let enroller = integrations::enrollment(&admin, json!({})).await;
        let (status, _) = reader.get(&server, HOSTS).await;
        assert_eq!(status, StatusCode::OK);
        let wrong = "a-wrong-secret-that-must-not-be-logged";
        let (status, _) = call(&server, Method::GET, HOSTS, Some(&basic_header(&reader.key, wrong)), &[], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, enrolled) = enroller.enroll(&server, "/api/v1/auto-enrollment/enroll", json!({"friendly_name": "logged?"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let host_key = enrolled["host"]["api_key"].as_str().unwrap().to_string();
        let script = format!(
            "/api/v1/auto-enrollment/script?type=proxmox-lxc&token_key={}&token_secret={}",
            enroller.key, enroller.secret
        );
        let (status, _) = call(&server, Method::GET, &script, None, &[], None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(&server, Method::GET, &format!("{script}x"), None, &[], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let text = logs::text();
        assert!(text.contains("/api/v1/auto-enrollment/script"), "the capture works: requests are logged");
        for secret in [reader.secret.as_str(), enroller.secret.as_str(), wrong, host_key.as_str()] {
            assert!(!text.contains(secret), "a secret reached the logs");
        }
    }
}
