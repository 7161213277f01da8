//! Auto-enrollment: single and bulk enroll, their refusals, idempotency by machine id, and the
//! daily quota, including under concurrent requests.

use crate::common::integrations::{self, call, Credential};
use crate::common::{Backend, Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ENROLL: &str = "/api/v1/auto-enrollment/enroll";
const BULK: &str = "/api/v1/auto-enrollment/enroll/bulk";

async fn group(admin: &Client, name: &str) -> String {
    let (status, body) = admin
        .post("/api/v1/host-groups", json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Whether the agent credentials work (the installer needs them).
async fn agent_key_works(server: &TestServer, api_id: &str, api_key: &str) -> bool {
    let (status, _) = call(
        server,
        Method::GET,
        "/api/v1/hosts/install",
        None,
        &[("X-API-ID", api_id), ("X-API-KEY", api_key)],
        None,
    )
    .await;
    status == StatusCode::OK
}

async fn token_item(admin: &Client, credential: &Credential) -> Value {
    admin
        .get(&format!("/api/v1/auto-enrollment/tokens/{}", credential.id))
        .await
        .1
}

fn hosts_named(n: usize, prefix: &str) -> Value {
    json!({"hosts": (0..n).map(|i| json!({"friendly_name": format!("{prefix}-{i}"), "machine_id": format!("{prefix}-machine-{i}")})).collect::<Vec<_>>()})
}

backend_tests! {
    async fn enroll_creates_a_pending_host_and_is_idempotent_by_machine_id(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let lxc = group(&admin, "Proxmox LXC").await;
        let token = integrations::enrollment(&admin, json!({"token_name": "Production Proxmox", "default_host_group_id": lxc})).await;
        let request = json!({"friendly_name": "webserver", "machine_id": "proxmox-lxc-100-abc123",
            "metadata": {"vmid": "100", "proxmox_node": "proxmox01", "ip_address": "10.0.0.10", "os_info": "Ubuntu 22.04 LTS"}});
        let (status, body) = token.enroll(&server, ENROLL, request.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["message"], "Host enrolled successfully");
        let host = &body["host"];
        let mut keys: Vec<&str> = host.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["api_id", "api_key", "friendly_name", "host_group", "id", "status"]);
        assert_eq!((host["friendly_name"].as_str(), host["status"].as_str()), (Some("webserver"), Some("pending")));
        assert_eq!(host["host_group"], json!({"id": lxc, "name": "Proxmox LXC", "color": "#3B82F6"}));
        let (id, api_id, api_key) = (host["id"].as_str().unwrap(), host["api_id"].as_str().unwrap(), host["api_key"].as_str().unwrap());
        assert!(api_id.starts_with("patchmon_") && api_id.len() == 25 && api_key.len() == 64);
        assert!(agent_key_works(&server, api_id, api_key).await);
        let row = |cond: &str| format!("SELECT COUNT(*) FROM hosts WHERE id = '{id}' AND {cond}");
        assert_eq!(server.count(&row("status = 'pending' AND os_type = 'unknown' AND os_version = 'unknown' AND machine_id = 'proxmox-lxc-100-abc123'")).await, 1);
        assert_eq!(server.count(&row("notes LIKE 'Auto-enrolled via Production Proxmox on 20__-__-__T%Z'")).await, 1);
        assert_eq!(server.count(&row(&format!("enrollment_token_id = '{}' AND enrollment_metadata IS NOT NULL", token.id))).await, 1);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM host_group_memberships WHERE host_id = '{id}' AND host_group_id = '{lxc}'")).await, 1);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE api_key_hash = '{api_key}'")).await, 0);
        let item = token_item(&admin, &token).await;
        assert_eq!(item["hosts_created_today"], 1);
        assert!(item["last_used_at"].is_string());

        // The same machine again: the host it already is, with fresh credentials because its
        // agent never reported; nothing new, no quota spent.
        let (status, again) = token.enroll(&server, ENROLL, request.clone()).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["message"], "Host already enrolled; new credentials issued");
        assert_eq!(again["host"]["id"], id);
        let fresh_key = again["host"]["api_key"].as_str().unwrap();
        assert!(agent_key_works(&server, again["host"]["api_id"].as_str().unwrap(), fresh_key).await);
        assert!(!agent_key_works(&server, api_id, api_key).await, "the old key is gone");
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 1);
        assert_eq!(token_item(&admin, &token).await["hosts_created_today"], 1);

        // Another credential holding the machine id learns nothing that works.
        let other = integrations::enrollment(&admin, json!({})).await;
        let (status, body) = other.enroll(&server, ENROLL, request.clone()).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Host already enrolled")));
        assert!(body["host"].get("api_key").is_none());
        // Once the agent has reported, nobody gets new credentials.
        server.execute(&format!("UPDATE hosts SET status = 'active' WHERE id = '{id}'")).await;
        let (status, body) = token.enroll(&server, ENROLL, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["host"], json!({"id": id, "friendly_name": "webserver", "api_id": again["host"]["api_id"], "host_group": {"id": lxc, "name": "Proxmox LXC", "color": "#3B82F6"}, "status": "active"}));

        // Without a machine id every call is a new host, as in PatchMon.
        for _ in 0..2 {
            let (status, body) = other.enroll(&server, ENROLL, json!({"friendly_name": "test"})).await;
            assert_eq!((status, body["host"]["host_group"].clone()), (StatusCode::CREATED, Value::Null));
        }
        let (status, _) = other.enroll(&server, ENROLL, json!({"friendly_name": "test", "machine_id": "test"})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts WHERE machine_id LIKE 'pending-%'").await, 2);
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'hosts_enrolled'").await, 4);
    }

    async fn enroll_refusals(backend: Backend) {
        let server = TestServer::start_with(backend, &[("TRUST_PROXY", "true")]).await;
        let admin = server.admin().await;
        let token = integrations::enrollment(&admin, json!({"allowed_ip_ranges": ["10.0.0.0/24"]})).await;
        let body = json!({"friendly_name": "x"});
        let post = |headers: Vec<(&'static str, String)>, body: Value| {
            let server = &server;
            async move {
                let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (status, body) = call(server, Method::POST, ENROLL, None, &headers, Some(body)).await;
                (status, body["error"].as_str().map(str::to_string))
            }
        };
        let with = |key: &str, secret: &str, ip: &str| vec![
            ("X-Auto-Enrollment-Key", key.to_string()), ("X-Auto-Enrollment-Secret", secret.to_string()), ("X-Forwarded-For", ip.to_string()),
        ];
        let expect = |status: StatusCode, error: &str| (status, Some(error.to_string()));
        let unauthorized = StatusCode::UNAUTHORIZED;
        assert_eq!(post(vec![], body.clone()).await, expect(unauthorized, "Auto-enrollment credentials required"));
        assert_eq!(post(vec![("X-Auto-Enrollment-Key", token.key.clone())], body.clone()).await, expect(unauthorized, "Auto-enrollment credentials required"));
        assert_eq!(post(with("patchmon_ae_nope", "x", "10.0.0.1"), body.clone()).await, expect(unauthorized, "Invalid or inactive token"));
        assert_eq!(post(with(&token.key, "wrong", "10.0.0.1"), body.clone()).await, expect(unauthorized, "Invalid token secret"));
        assert_eq!(post(with(&token.key, &token.secret, "192.168.1.5"), body.clone()).await, expect(StatusCode::FORBIDDEN, "IP address not authorized for this token"));
        let path = format!("/api/v1/auto-enrollment/tokens/{}", token.id);
        admin.patch(&path, json!({"expires_at": "2020-01-01T00:00:00Z"})).await;
        assert_eq!(post(with(&token.key, &token.secret, "10.0.0.1"), body.clone()).await, expect(unauthorized, "Token expired"));
        admin.patch(&path, json!({"expires_at": null, "is_active": false})).await;
        assert_eq!(post(with(&token.key, &token.secret, "10.0.0.1"), body.clone()).await, expect(unauthorized, "Invalid or inactive token"));
        admin.patch(&path, json!({"is_active": true})).await;
        for kind in ["api", "gethomepage"] {
            let mut request = json!({"metadata": {"integration_type": kind}});
            if kind == "api" {
                request["scopes"] = json!({"host": ["get", "delete"]});
            }
            let reader = integrations::create(&admin, request).await;
            assert_eq!(post(with(&reader.key, &reader.secret, "10.0.0.1"), body.clone()).await, expect(unauthorized, "Invalid token type"), "{kind}");
        }

        let ok = with(&token.key, &token.secret, "::ffff:10.0.0.9");
        for (request, message, param) in [
            (json!({}), "Friendly name is required (max 255 characters)", "friendly_name"),
            (json!({"friendly_name": " "}), "Friendly name is required (max 255 characters)", "friendly_name"),
            (json!({"friendly_name": "x".repeat(256)}), "Friendly name is required (max 255 characters)", "friendly_name"),
            (json!({"friendly_name": "x", "machine_id": ""}), "Machine ID must be between 1 and 255 characters if provided", "machine_id"),
            (json!({"friendly_name": "x", "machine_id": "m".repeat(256)}), "Machine ID must be between 1 and 255 characters if provided", "machine_id"),
            (json!({"friendly_name": "x", "metadata": "vmid=100"}), "Metadata must be an object", "metadata"),
        ] {
            let headers: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, answer) = call(&server, Method::POST, ENROLL, None, &headers, Some(request.clone())).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{request}");
            assert_eq!(answer["error"], message);
            assert_eq!(answer["errors"], json!([{"msg": message, "param": param, "location": "body"}]));
        }
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 0, "refusals write nothing");
        assert_eq!(post(ok, body).await.0, StatusCode::CREATED, "an IPv4-mapped client inside the range");
    }

    async fn daily_quota_single_and_bulk(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let small = integrations::enrollment(&admin, json!({"max_hosts_per_day": 2})).await;
        for i in 0..2 {
            let (status, _) = small.enroll(&server, ENROLL, json!({"friendly_name": format!("h{i}")})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (status, body) = small.enroll(&server, ENROLL, json!({"friendly_name": "h2"})).await;
        assert_eq!((status, body), (StatusCode::TOO_MANY_REQUESTS, json!({"error": "Rate limit exceeded", "message": "Maximum 2 hosts per day allowed for this token"})));
        // A counter from an earlier (UTC) day counts as zero.
        server.execute(&format!("UPDATE auto_enrollment_tokens SET last_reset_date = '2000-01-01' WHERE id = '{}'", small.id)).await;
        assert_eq!(token_item(&admin, &small).await["hosts_created_today"], 0);
        let (status, _) = small.enroll(&server, ENROLL, json!({"friendly_name": "h3"})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(token_item(&admin, &small).await["hosts_created_today"], 1);

        let token = integrations::enrollment(&admin, json!({"max_hosts_per_day": 5})).await;
        for (request, message) in [
            (json!({}), "Hosts array required (max 50)"),
            (json!({"hosts": []}), "Hosts array required (max 50)"),
            (json!({"hosts": "many"}), "Hosts array required (max 50)"),
            (hosts_named(51, "big"), "Hosts array required (max 50)"),
            (json!({"hosts": [{"friendly_name": "ok"}, {"machine_id": "m"}]}), "Each host needs a friendly_name"),
        ] {
            let (status, body) = token.enroll(&server, BULK, request).await;
            assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some(message)));
        }
        let before = server.count("SELECT COUNT(*) FROM hosts").await;
        let (status, body) = token.enroll(&server, BULK, hosts_named(6, "six")).await;
        assert_eq!((status, body), (StatusCode::TOO_MANY_REQUESTS, json!({"error": "Rate limit exceeded", "message": "Only 5 hosts remaining in daily quota"})));
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, before, "refused whole: nothing written");
        let (status, body) = token.enroll(&server, BULK, json!({"hosts": [
            {"friendly_name": "webserver", "machine_id": "proxmox-lxc-100-abc123"},
            {"friendly_name": "database", "machine_id": "proxmox-lxc-101-def456"},
        ]})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["message"], "Bulk enrollment completed: 2 succeeded, 0 failed, 0 skipped");
        let success = body["results"]["success"].as_array().unwrap();
        assert_eq!((body["results"]["failed"].clone(), body["results"]["skipped"].clone()), (json!([]), json!([])));
        let mut keys: Vec<&str> = success[0].as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["api_id", "api_key", "friendly_name", "id"]);
        assert_eq!((success[0]["friendly_name"].as_str(), success[1]["friendly_name"].as_str()), (Some("webserver"), Some("database")));
        assert!(agent_key_works(&server, success[1]["api_id"].as_str().unwrap(), success[1]["api_key"].as_str().unwrap()).await);
        let (status, body) = token.enroll(&server, BULK, hosts_named(4, "four")).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("Only 3 hosts remaining in daily quota")));
        // Known machines are skipped and spend no quota; so are repeats within the request.
        let (status, body) = token.enroll(&server, BULK, json!({"hosts": [
            {"friendly_name": "webserver", "machine_id": "proxmox-lxc-100-abc123"},
            {"friendly_name": "cache", "machine_id": "proxmox-lxc-102"},
            {"friendly_name": "cache again", "machine_id": "proxmox-lxc-102"},
        ]})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["message"], "Bulk enrollment completed: 1 succeeded, 0 failed, 2 skipped");
        let skipped = body["results"]["skipped"].as_array().unwrap();
        assert_eq!((skipped[0]["reason"].as_str(), skipped[1]["reason"].as_str()), (Some("Host already enrolled"), Some("Duplicate machine_id in request")));
        assert_eq!(skipped[0]["id"], success[0]["id"]);
        let (status, _) = token.enroll(&server, BULK, hosts_named(2, "two")).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = token.enroll(&server, BULK, hosts_named(1, "one")).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("Maximum 5 hosts per day allowed for this token")));
        assert_eq!(token_item(&admin, &token).await["hosts_created_today"], 5);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE enrollment_token_id = '{}'", token.id)).await, 5);
    }

    async fn quota_holds_under_concurrent_requests(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let token = integrations::enrollment(&admin, json!({"max_hosts_per_day": 5})).await;
        let requests = (0..20).map(|i| {
            let (server, token) = (&server, &token);
            async move { token.enroll(server, ENROLL, json!({"friendly_name": format!("ct-{i}"), "machine_id": format!("machine-{i}")})).await.0 }
        });
        let statuses = futures::future::join_all(requests).await;
        let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((created, refused), (5, 15), "{statuses:?}");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE enrollment_token_id = '{}'", token.id)).await, 5);
        assert_eq!(token_item(&admin, &token).await["hosts_created_today"], 5);

        let bulk = integrations::enrollment(&admin, json!({"max_hosts_per_day": 5})).await;
        let requests = (0..10).map(|i| {
            let (server, bulk) = (&server, &bulk);
            async move { bulk.enroll(server, BULK, hosts_named(2, &format!("batch{i}"))).await.0 }
        });
        let statuses = futures::future::join_all(requests).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 2, "{statuses:?}");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE enrollment_token_id = '{}'", bulk.id)).await, 4);

        // One machine enrolling ten times at once is still one host.
        let same = integrations::enrollment(&admin, json!({})).await;
        let requests = (0..10).map(|_| {
            let (server, same) = (&server, &same);
            async move { same.enroll(server, ENROLL, json!({"friendly_name": "twin", "machine_id": "the-same-machine"})).await.0 }
        });
        let statuses = futures::future::join_all(requests).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK), "{statuses:?}");
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts WHERE machine_id = 'the-same-machine'").await, 1);
        assert_eq!(token_item(&admin, &same).await["hosts_created_today"], 1);
    }
}
