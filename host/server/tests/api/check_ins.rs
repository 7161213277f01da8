//! Queued check-ins: an active host's check-in is answered first and written in a batch shortly
//! after; a queued check-in never rewinds a newer report and skips a host deleted meanwhile.

use std::time::Duration;

use crate::common::{Backend, TestServer};
use crate::ingest::Agent;
use chrono::Utc;
use patchmon_proto::ping::PingMetrics;
use patchmon_server::ingest::check_ins::{self, CheckIn};
use patchmon_server::ingest::history::HistoryRow;
use reqwest::StatusCode;
use serde_json::json;

fn pings(host_id: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM update_history WHERE host_id = '{host_id}' AND report_type = 'ping'"
    )
}

fn check_in(host_id: &str, at: chrono::DateTime<Utc>, cpu_model: &str) -> CheckIn {
    CheckIn {
        host_id: host_id.into(),
        at,
        metrics: PingMetrics {
            cpu_model: Some(cpu_model.into()),
            ..PingMetrics::default()
        },
        agent_version: Some("0.1.2".into()),
        legacy: false,
        history: HistoryRow {
            report_type: "ping",
            status: "success",
            ..HistoryRow::default()
        },
    }
}

backend_tests! {
    async fn an_active_hosts_check_in_is_answered_first_and_written_in_the_background(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let agent = Agent::create(&server, &admin, "web-01").await;

        // A pending host's first check-in is written before the answer: it activates the host.
        let (status, body) = agent.post("/api/v1/hosts/ping", json!({"agentVersion": "0.1.1"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(server.count(&pings(&agent.host_id)).await, 1);
        let (_, host) = admin.get(&format!("/api/v1/hosts/{}", agent.host_id)).await;
        assert_eq!(host["status"], "active");

        // Now active: the next one is queued and the background writer stores it.
        let body = json!({"agentVersion": "0.1.1", "metrics": {"cpuModel": "Queued CPU", "cpuCores": 6}});
        let (status, _) = agent.post("/api/v1/hosts/ping", body).await;
        assert_eq!(status, StatusCode::OK);
        let mut written = false;
        for _ in 0..50 {
            if server.count(&pings(&agent.host_id)).await == 2 {
                written = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(written, "the queued check-in was written within 5 s");
        let facts = format!("SELECT COUNT(*) FROM hosts WHERE id = '{}' AND cpu_model = 'Queued CPU' AND cpu_cores = 6", agent.host_id);
        assert_eq!(server.count(&facts).await, 1, "the check-in's metrics are stored");
    }

    async fn a_queued_check_in_keeps_a_newer_report_and_skips_a_deleted_host(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let kept = Agent::create(&server, &admin, "kept").await;
        let gone = Agent::create(&server, &admin, "gone").await;
        let before_report = Utc::now() - chrono::Duration::seconds(1);
        let (status, body) = kept.post("/api/v1/hosts/update", json!({
            "packages": [{"name": "bash", "currentVersion": "5.2", "needsUpdate": false, "isSecurityUpdate": false}],
            "repositories": [], "osType": "debian", "osVersion": "12", "hostname": "kept",
            "ip": "10.0.0.5", "architecture": "x86_64", "agentVersion": "0.1.0", "cpuModel": "Reported CPU",
        })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = admin.delete(&format!("/api/v1/hosts/{}", gone.host_id)).await;
        assert_eq!(status, StatusCode::OK);

        // One batch: a check-in queued before the report landed, and one of the deleted host.
        let batch = [
            check_in(&kept.host_id, before_report, "Stale CPU"),
            check_in(&gone.host_id, Utc::now(), "Gone CPU"),
        ];
        check_ins::write(&server.state.store, &batch).await.expect("the batch is written");

        let facts = format!("SELECT COUNT(*) FROM hosts WHERE id = '{}' AND cpu_model = 'Reported CPU' AND agent_version = '0.1.0'", kept.host_id);
        assert_eq!(server.count(&facts).await, 1, "the older check-in does not rewind the report");
        assert_eq!(server.count(&pings(&kept.host_id)).await, 1, "its activity is still logged");
        assert_eq!(server.count(&pings(&gone.host_id)).await, 0);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE id = '{}'", gone.host_id)).await, 0);
    }
}
