//! The gethomepage widget API (`/api/v1/gethomepage/*`) answered by the embedded
//! `integration-gethomepage` plugin, over a fleet that reported through the real agent endpoint.

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
