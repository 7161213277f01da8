//! The first-party integration plugins behind fixed paths, over HTTP Basic credentials: the
//! gethomepage widget API (`/api/v1/gethomepage/*`), the Prometheus scrape target
//! (`/api/v1/metrics`), the Ansible inventory (`/api/v1/ansible/inventory`) and the enrollment
//! scripts, over a fleet that reported through the real agent endpoint.

use crate::common::integrations::{self, call};
use crate::common::{fleet, Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

backend_tests! {
    async fn stats_count_the_fleet_for_the_widget(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        fleet::seed(&server, &admin).await;
        let widget = integrations::create(&admin, json!({"token_name": "Homepage", "metadata": {"integration_type": "gethomepage"}})).await;

        let (_, plugin) = admin.get("/api/v1/plugins/integration-gethomepage").await;
        assert_eq!((plugin["builtin"].clone(), plugin["enabled"].clone()), (json!(true), json!(true)), "on by default: {plugin}");
        assert_eq!(plugin["granted_capabilities"], json!(["fleet_read"]));

        let (status, stats) = widget.get(&server, "/api/v1/gethomepage/stats").await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        // web-1: openssl (security) + curl; web-2: openssl (security); db-1 current; new-1 pending.
        let counts: Vec<(&str, Value)> = [
            "total_hosts", "awaiting_data_hosts", "hosts_needing_updates", "up_to_date_hosts",
            "hosts_with_security_updates", "total_outdated_packages", "security_updates",
            "total_repos", "recent_updates_24h",
        ]
        .into_iter()
        .map(|field| (field, stats[field].clone()))
        .collect();
        let expected: Vec<(&str, Value)> = vec![
            ("total_hosts", json!(3)), ("awaiting_data_hosts", json!(1)), ("hosts_needing_updates", json!(2)),
            ("up_to_date_hosts", json!(1)), ("hosts_with_security_updates", json!(2)),
            ("total_outdated_packages", json!(2)), ("security_updates", json!(1)), ("total_repos", json!(2)),
            ("recent_updates_24h", json!(3)),
        ];
        assert_eq!(counts, expected);
        let top = stats["os_distribution"].as_array().expect("os_distribution");
        assert_eq!((top.len(), top[0]["count"].clone(), top[1]["count"].clone()), (2, json!(2), json!(1)), "{stats}");
        assert_eq!(stats["top_os_1_name"], top[0]["name"]);
        assert_eq!(stats["top_os_1_count"], 2);
        assert_eq!((stats["top_os_3_name"].clone(), stats["top_os_3_count"].clone()), (json!("None"), json!(0)));
        let generated = stats["last_updated"].as_str().expect("last_updated");
        assert!(chrono::DateTime::parse_from_rfc3339(generated).is_ok(), "{generated}");

        let (status, health) = widget.get(&server, "/api/v1/gethomepage/health").await;
        assert_eq!(status, StatusCode::OK, "{health}");
        assert_eq!((health["status"].clone(), health["api_key"].clone()), (json!("ok"), json!("Homepage")));
    }

    async fn the_widget_api_checks_its_credential_and_needs_the_plugin(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = call(&server, Method::GET, "/api/v1/gethomepage/stats", None, &[], None).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::UNAUTHORIZED, json!("Missing or invalid authorization header")));
        let api = integrations::api(&admin, json!({"host": ["get"]})).await;
        let (status, _) = api.get(&server, "/api/v1/gethomepage/stats").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an api credential is not a widget credential");

        let widget = integrations::create(&admin, json!({"metadata": {"integration_type": "gethomepage"}})).await;
        let (status, stats) = widget.get(&server, "/api/v1/gethomepage/stats").await;
        assert_eq!((status, stats["total_hosts"].clone(), stats["top_os_1_name"].clone()), (StatusCode::OK, json!(0), json!("None")));
        let (status, _) = admin.post("/api/v1/plugins/integration-gethomepage/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = widget.get(&server, "/api/v1/gethomepage/stats").await;
        assert_eq!((status, body["error"].clone()), (StatusCode::SERVICE_UNAVAILABLE, json!("The gethomepage integration is disabled")));
    }
}

fn lines(body: &Value) -> Vec<String> {
    body.as_str()
        .expect("text exposition")
        .lines()
        .map(str::to_string)
        .collect()
}

backend_tests! {
    async fn metrics_expose_the_fleet_ingest_and_plugin_counters(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let fleet = fleet::seed(&server, &admin).await;
        let scraper = integrations::create(&admin, json!({"token_name": "prometheus", "metadata": {"integration_type": "prometheus"}})).await;

        let response = reqwest::Client::new()
            .get(server.url("/api/v1/metrics"))
            .header("Authorization", scraper.basic())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
        assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
        let first = lines(&Value::String(response.text().await.unwrap()));
        for expected in [
            "patchmon_hosts{status=\"active\"} 3".to_string(),
            "patchmon_hosts{status=\"pending\"} 1".to_string(),
            "patchmon_hosts_needing_updates 2".to_string(),
            "patchmon_outdated_packages 2".to_string(),
            "patchmon_security_packages 1".to_string(),
            format!("patchmon_host_security_updates{{host_id=\"{}\",host=\"web-1\",os=\"debian 12\"}} 1", fleet.web1),
            "patchmon_ingest_reports_total{outcome=\"stored\"} 3".to_string(),
        ] {
            assert!(first.contains(&expected), "missing {expected:?} in {first:#?}");
        }

        // The first scrape called the plugin twice (its routes, asked once per load, then the
        // answer); calls are counted from the next scrape on.
        let (status, body) = scraper.get(&server, "/api/v1/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(lines(&body).contains(&"patchmon_plugin_calls_total{plugin=\"integration-prometheus\"} 2".to_string()), "{body}");
        let (_, body) = scraper.get(&server, "/api/v1/metrics").await;
        assert!(lines(&body).contains(&"patchmon_plugin_calls_total{plugin=\"integration-prometheus\"} 3".to_string()), "routes are not asked again: {body}");
    }

    async fn metrics_need_a_prometheus_credential_and_the_plugin(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = call(&server, Method::GET, "/api/v1/metrics", None, &[], None).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::UNAUTHORIZED, json!("Missing or invalid authorization header")));
        let widget = integrations::create(&admin, json!({"metadata": {"integration_type": "gethomepage"}})).await;
        let (status, _) = widget.get(&server, "/api/v1/metrics").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a widget credential cannot scrape");

        let (status, body) = admin.post("/api/v1/auto-enrollment/tokens", json!({"token_name": "p", "metadata": {"integration_type": "prometheus"}, "scopes": {"host": ["get"]}})).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!("Scopes can only be set for API integration tokens")));
        let scraper = integrations::create(&admin, json!({"metadata": {"integration_type": "prometheus"}})).await;
        let (status, _) = admin.post("/api/v1/plugins/integration-prometheus/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = scraper.get(&server, "/api/v1/metrics").await;
        assert_eq!((status, body["error"].clone()), (StatusCode::SERVICE_UNAVAILABLE, json!("The Prometheus integration is disabled")));
    }
}

backend_tests! {
    async fn the_ansible_inventory_lists_hosts_groups_and_patch_groups(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let fleet = fleet::seed(&server, &admin).await;
        let (_, group) = admin.post("/api/v1/host-groups", json!({"name": "Web Servers"})).await;
        let (status, body) = admin
            .put("/api/v1/hosts/bulk/groups", json!({"hostIds": [fleet.web1, fleet.web2], "groupIds": [group["id"]]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
        let (status, inventory) = reader.get(&server, "/api/v1/ansible/inventory").await;
        assert_eq!(status, StatusCode::OK, "{inventory}");
        assert_eq!(inventory["web_servers"]["hosts"], json!(["web-1.example", "web-2.example"]));
        assert_eq!(inventory["patchmon_security_updates"]["hosts"], json!(["web-1.example", "web-2.example"]));
        assert_eq!(inventory["patchmon_needs_updates"]["hosts"], json!(["web-1.example", "web-2.example"]));
        assert_eq!(inventory["ungrouped"]["hosts"], json!(["db-1.example", "new-1"]), "new-1 has not reported a host name");
        let web1 = &inventory["_meta"]["hostvars"]["web-1.example"];
        assert_eq!((web1["ansible_host"].clone(), web1["patchmon_id"].clone()), (json!("10.0.0.5"), json!(fleet.web1)));
        assert_eq!(web1["patchmon_groups"], json!(["Web Servers"]));

        let deleter = integrations::api(&admin, json!({"host": ["delete"]})).await;
        let (status, _) = deleter.get(&server, "/api/v1/ansible/inventory").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "host:get is required");
    }
}

backend_tests! {
    async fn enrollment_scripts_come_from_their_plugin(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let token = integrations::enrollment(&admin, json!({})).await;
        let path = format!("/api/v1/auto-enrollment/script?type=proxmox-lxc&token_key={}&token_secret={}", token.key, token.secret);
        let (status, script) = call(&server, Method::GET, &path, None, &[], None).await;
        assert_eq!(status, StatusCode::OK);
        let script = script.as_str().expect("script text");
        assert!(script.starts_with("#!/bin/bash\n"), "{script}");
        assert!(script.contains(&format!("export AUTO_ENROLLMENT_KEY='{}'", token.key)), "{script}");

        let (status, _) = admin.post("/api/v1/plugins/integration-enrollment/disable", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = call(&server, Method::GET, &path, None, &[], None).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::SERVICE_UNAVAILABLE, json!("The enrollment scripts integration is disabled")));
    }
}
