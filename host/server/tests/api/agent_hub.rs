//! The agents' WebSocket: authentication on upgrade, commands pushed from the UI routes,
//! connection status.

use crate::common::{Backend, TestServer};
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

fn ws_request(
    server: &TestServer,
    credentials: Option<(&str, &str)>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!(
        "{}/api/v1/agents/ws",
        server.base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    if let Some((id, key)) = credentials {
        request
            .headers_mut()
            .insert("X-API-ID", id.parse().unwrap());
        request
            .headers_mut()
            .insert("X-API-KEY", key.parse().unwrap());
    }
    request
}

async fn next_text<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

backend_tests! {
    async fn commands_reach_the_connected_agent(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (_, host) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "ws-01"})).await;
        let (id, api_id, api_key) = (host["hostId"].as_str().unwrap(), host["apiId"].as_str().unwrap(), host["apiKey"].as_str().unwrap());

        match tokio_tungstenite::connect_async(ws_request(&server, None)).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
                assert_eq!(response.body().as_deref(), Some(&b"Missing API credentials"[..]));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        match tokio_tungstenite::connect_async(ws_request(&server, Some((api_id, "bad")))).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.body().as_deref(), Some(&b"Invalid API credentials"[..]));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }

        // A command issued while the agent is away waits for it.
        let (status, body) = admin.post(&format!("/api/v1/hosts/{id}/fetch-report"), json!({})).await;
        assert_eq!((status, body), (StatusCode::OK, json!({"message": "Fetch report requested", "success": true})));
        let (mut socket, _) = tokio_tungstenite::connect_async(ws_request(&server, Some((api_id, api_key)))).await.unwrap();
        assert_eq!(next_text(&mut socket).await, json!({"type": "report_now"}));

        let (_, status) = admin.get(&format!("/api/v1/ws/status/{api_id}")).await;
        assert_eq!(status, json!({"success": true, "data": {"connected": true, "secure": false, "disconnected_seconds_ago": null}}));
        let (_, summary) = admin.get("/api/v1/ws/status/summary").await;
        assert_eq!(summary, json!({"connected": 1}));

        let (_, body) = admin.post("/api/v1/hosts/bulk/fetch-report", json!({"hostIds": [id, "missing"]})).await;
        assert_eq!(body["enqueued"], 1);
        assert_eq!(next_text(&mut socket).await, json!({"type": "report_now"}));
        let (_, body) = admin.post(&format!("/api/v1/hosts/{id}/force-agent-update"), json!({})).await;
        assert_eq!(body["host"]["apiId"], api_id);
        assert_eq!(next_text(&mut socket).await, json!({"type": "update_agent"}));
        let (status, _) = admin.put("/api/v1/settings", json!({"update_interval": 15})).await;
        assert_eq!(status, StatusCode::OK);
        let pushed = next_text(&mut socket).await;
        assert_eq!((pushed["type"].as_str(), pushed["update_interval"].as_i64()), (Some("settings_update"), Some(15)));

        let (status, body) = admin.post("/api/v1/hosts/bulk/fetch-report", json!({"hostIds": []})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("hostIds required")));
        let (status, _) = admin.post("/api/v1/hosts/00000000-0000-0000-0000-000000000000/fetch-report", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        drop(socket);
        let mut disconnected = json!(null);
        for _ in 0..50 {
            let (_, body) = admin.get(&format!("/api/v1/ws/status?apiIds={api_id},{api_id}, ,patchmon_unknown")).await;
            disconnected = body;
            if disconnected["data"][api_id]["connected"] == false {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(disconnected["data"].as_object().unwrap().len(), 2);
        assert_eq!(disconnected["data"][api_id]["connected"], false);
        assert!(disconnected["data"][api_id]["disconnected_seconds_ago"].is_i64());
        assert_eq!(disconnected["data"]["patchmon_unknown"]["disconnected_seconds_ago"], Value::Null);
    }
}

/// Two replicas sharing PostgreSQL and Redis: a command issued on one reaches the agent
/// connected to the other, status and counts are fleet-wide, and a command for an agent that is
/// connected nowhere waits for it on whichever replica it connects to next.
mod two_replicas {
    use super::*;

    async fn status_on(admin: &crate::common::Client, api_id: &str) -> Value {
        let (_, body) = admin.get(&format!("/api/v1/ws/status/{api_id}")).await;
        body["data"].clone()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let first = TestServer::start(Backend::Postgres).await;
        let second = first.replica().await;
        let admin = first.admin().await;
        let (_, host) = admin
            .post(
                "/api/v1/hosts/create",
                json!({"friendly_name": "ws-replicas"}),
            )
            .await;
        let (id, api_id, api_key) = (
            host["hostId"].as_str().unwrap(),
            host["apiId"].as_str().unwrap(),
            host["apiKey"].as_str().unwrap(),
        );

        let (mut socket, _) =
            tokio_tungstenite::connect_async(ws_request(&second, Some((api_id, api_key))))
                .await
                .unwrap();
        let connected =
            json!({"connected": true, "secure": false, "disconnected_seconds_ago": null});
        let mut seen = Value::Null;
        for _ in 0..50 {
            seen = status_on(&admin, api_id).await;
            if seen == connected {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            seen, connected,
            "the first replica sees the agent held by the second"
        );
        let (_, summary) = admin.get("/api/v1/ws/status/summary").await;
        assert_eq!(summary, json!({"connected": 1}), "counted across replicas");

        let (status, _) = admin
            .post(&format!("/api/v1/hosts/{id}/fetch-report"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            next_text(&mut socket).await,
            json!({"type": "report_now"}),
            "routed to the other replica"
        );
        let (status, _) = admin
            .put("/api/v1/settings", json!({"update_interval": 30}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let pushed = next_text(&mut socket).await;
        assert_eq!(
            (pushed["type"].as_str(), pushed["update_interval"].as_i64()),
            (Some("settings_update"), Some(30))
        );

        drop(socket);
        for _ in 0..50 {
            seen = status_on(&admin, api_id).await;
            if seen["connected"] == false {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(seen["connected"], false);
        assert!(seen["disconnected_seconds_ago"].is_i64(), "{seen}");
        let (_, summary) = admin.get("/api/v1/ws/status/summary").await;
        assert_eq!(summary, json!({"connected": 0}));

        // Issued on the second replica while the agent is away; delivered on the first.
        let on_second = crate::common::Client {
            base: second.base.clone(),
            http: admin.http.clone(),
            token: admin.token.clone(),
        };
        let (status, _) = on_second
            .post(&format!("/api/v1/hosts/{id}/force-agent-update"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (mut socket, _) =
            tokio_tungstenite::connect_async(ws_request(&first, Some((api_id, api_key))))
                .await
                .unwrap();
        assert_eq!(
            next_text(&mut socket).await,
            json!({"type": "update_agent"})
        );
        assert_eq!(status_on(&admin, api_id).await, connected);
    }
}
