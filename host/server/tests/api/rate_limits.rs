//! Rate limits per client and bucket: PatchMon's 429 body and headers, buckets counted apart, and
//! limits shared by replicas through Redis (exactly for logins, within one flush interval for the
//! busy agent and general buckets).

use std::time::Duration;

use crate::common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A check-in with credentials no host has: refused, and counted in the agent bucket.
async fn unknown_agent_ping(server: &TestServer) -> reqwest::Response {
    reqwest::Client::new()
        .post(server.url("/api/v1/hosts/ping"))
        .header("X-API-ID", "patchmon_unknown")
        .header("X-API-KEY", "not-a-key")
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

/// Sends `n` check-ins to `server`; returns how many were answered 429.
async fn refused_of(server: &TestServer, n: usize) -> usize {
    let mut refused = 0;
    for _ in 0..n {
        if unknown_agent_ping(server).await.status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    refused
}

/// Long enough for every replica's batched counts to reach Redis and come back.
async fn let_counts_flush() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

backend_tests! {
    async fn logins_answer_429_past_their_limit(backend: Backend) {
        let server = TestServer::start_with(backend, &[("AUTH_RATE_LIMIT_MAX", "3"), ("RATE_LIMIT_MAX", "1000")]).await;
        let client = server.browser();
        for _ in 0..3 {
            let (status, _) = client.post("/api/v1/auth/login", json!({"username": "x", "password": "y"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let response = client.request(Method::POST, "/api/v1/auth/login", Some(json!({"username": "x", "password": "y"}))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"message": "Too many requests. Try again later."}));
        // Other buckets are unaffected.
        assert_eq!(client.get("/api/v1/settings/login-settings").await.0, StatusCode::OK);
    }

    async fn agents_answer_429_past_their_limit(backend: Backend) {
        let server = TestServer::start_with(backend, &[("AGENT_RATE_LIMIT_MAX", "5")]).await;
        for remaining in (0..5u64).rev() {
            let response = unknown_agent_ping(&server).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(response.headers()["ratelimit-limit"], "5");
            assert_eq!(response.headers()["ratelimit-remaining"], remaining.to_string().as_str());
        }
        let response = unknown_agent_ping(&server).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"message": "Too many requests. Try again later."}));

        // Still refused after the counts have been shared, and the general bucket is apart.
        let_counts_flush().await;
        assert_eq!(refused_of(&server, 3).await, 3);
        assert_eq!(server.browser().get("/api/v1/settings/login-settings").await.0, StatusCode::OK);
    }
}

/// Two replicas sharing PostgreSQL and Redis count one agent limit between them.
mod two_replicas {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let first =
            TestServer::start_with(Backend::Postgres, &[("AGENT_RATE_LIMIT_MAX", "10")]).await;
        let second = first.replica().await;

        assert_eq!(refused_of(&first, 6).await, 0);
        let_counts_flush().await;
        // The second replica asks Redis about a client it has not seen, so it knows of the six
        // and refuses the fifth of its own.
        assert_eq!(refused_of(&second, 4).await, 0);
        assert_eq!(
            unknown_agent_ping(&second).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );

        // The first replica knows only its own six until its next count reaches Redis and the
        // shared total comes back; from then on it refuses too.
        let_counts_flush().await;
        unknown_agent_ping(&first).await;
        let_counts_flush().await;
        assert_eq!(refused_of(&first, 2).await, 2);
        assert_eq!(refused_of(&second, 2).await, 2);
    }
}
