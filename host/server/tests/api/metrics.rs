//! `/api/v1/metrics`: the Prometheus scrape target answered by the embedded
//! `integration-prometheus` plugin, with a prometheus credential over HTTP Basic.

use crate::common::integrations::{self, call};
use crate::common::{fleet, Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

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

        // A scrape calls the plugin twice (its routes, then the answer), counted from the next
        // scrape on.
        let (status, body) = scraper.get(&server, "/api/v1/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(lines(&body).contains(&"patchmon_plugin_calls_total{plugin=\"integration-prometheus\"} 2".to_string()), "{body}");
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
