//! Check-ins answered from the credentials of active hosts kept in memory: any change made through
//! the API (re-keying, deleting, renaming a host) is seen by the very next check-in, on this
//! replica and on the others, and a report stored on another replica never makes a check-in ask
//! for sections the host row already holds.

use std::time::Duration;

use crate::common::{Backend, Client, TestServer};
use crate::ingest::{full_report, ping_body, pkg, repo, Agent};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn ping(agent: &Agent, body: &Value) -> (StatusCode, Value) {
    agent.post("/api/v1/hosts/ping", body.clone()).await
}

/// Pings until the answer is `status` (another replica hears of a change through Redis).
async fn ping_until(agent: &Agent, body: &Value, status: StatusCode) -> (StatusCode, Value) {
    let mut answer = ping(agent, body).await;
    for _ in 0..50 {
        if answer.0 == status {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = ping(agent, body).await;
    }
    answer
}

/// Creates a host on `server` and makes it active, with one report stored: its next check-ins
/// are answered from the cache.
async fn active_agent(server: &TestServer, admin: &Client, name: &str) -> (Agent, Value) {
    let agent = Agent::create(server, admin, name).await;
    let (packages, repos) = (
        vec![pkg("openssl", "3.0.2", Some("3.0.13"), true)],
        vec![repo("https://deb.debian.org/debian", "bookworm")],
    );
    let (status, body) = agent
        .post("/api/v1/hosts/update", full_report(name, &packages, &repos))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let gated = ping_body(name, &packages, &repos);
    for _ in 0..2 {
        let (status, body) = ping(&agent, &gated).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("requestFull").is_none(), "hash-gated: {body}");
    }
    (agent, gated)
}

/// `admin` on another replica (the same signed-in session).
fn on(server: &TestServer, admin: &Client) -> Client {
    Client {
        base: server.base.clone(),
        http: admin.http.clone(),
        token: admin.token.clone(),
    }
}

fn as_agent_of(server: &TestServer, agent: &Agent) -> Agent {
    Agent {
        base: server.base.clone(),
        ..agent.clone()
    }
}

backend_tests! {
    async fn changes_made_through_the_api_reach_the_next_check_in(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (agent, gated) = active_agent(&server, &admin, "cache-01").await;

        let path = format!("/api/v1/hosts/{}/friendly-name", agent.host_id);
        let (status, _) = admin.patch(&path, json!({"friendly_name": "renamed-01"})).await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = ping(&agent, &gated).await;
        assert_eq!(body["friendlyName"], "renamed-01");

        let wrong = Agent { api_key: "0".repeat(64), ..agent.clone() };
        let (status, body) = ping(&wrong, &gated).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid API credentials")), "the key is checked on every check-in");

        let path = format!("/api/v1/hosts/{}/regenerate-credentials", agent.host_id);
        let (status, fresh) = admin.post(&path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{fresh}");
        let (status, body) = ping(&agent, &gated).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid API credentials")), "old credentials stop at once");
        let rekeyed = Agent {
            api_id: fresh["apiId"].as_str().unwrap().into(),
            api_key: fresh["apiKey"].as_str().unwrap().into(),
            ..agent.clone()
        };
        let (status, body) = ping(&rekeyed, &gated).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("requestFull").is_none(), "{body}");

        let (status, _) = admin.delete(&format!("/api/v1/hosts/{}", agent.host_id)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = ping(&rekeyed, &gated).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a deleted host's agent is refused");
    }
}

/// Two replicas sharing PostgreSQL and Redis: a change on one reaches check-ins answered by the
/// other, and a report stored on one does not make the other ask for it again.
mod two_replicas {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let first = TestServer::start(Backend::Postgres).await;
        let second = first.replica().await;
        let admin = first.admin().await;
        let (agent, gated) = active_agent(&first, &admin, "replicas-01").await;
        let elsewhere = as_agent_of(&second, &agent);
        for _ in 0..2 {
            let (status, body) = ping(&elsewhere, &gated).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }

        // A new inventory stored through the first replica; the second holds the old hashes.
        let (packages, repos) = (
            vec![pkg("openssl", "3.0.13", None, false)],
            vec![repo("https://deb.debian.org/debian", "bookworm")],
        );
        let (status, _) = agent
            .post(
                "/api/v1/hosts/update",
                full_report("replicas-01", &packages, &repos),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let current = ping_body("replicas-01", &packages, &repos);
        let (status, body) = ping(&elsewhere, &current).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.get("requestFull").is_none(),
            "the host row holds it already: {body}"
        );

        // Hash-gated from here on, so only Redis can tell the second replica of a change.

        let path = format!("/api/v1/hosts/{}/friendly-name", agent.host_id);
        let (status, _) = on(&first, &admin)
            .patch(&path, json!({"friendly_name": "renamed-02"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let mut renamed = Value::Null;
        for _ in 0..50 {
            renamed = ping(&elsewhere, &current).await.1["friendlyName"].clone();
            if renamed == "renamed-02" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(renamed, "renamed-02", "heard through Redis");

        let path = format!("/api/v1/hosts/{}/regenerate-credentials", agent.host_id);
        let (status, _) = admin.post(&path, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = ping_until(&elsewhere, &current, StatusCode::UNAUTHORIZED).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("Invalid API credentials"))
        );
    }
}
