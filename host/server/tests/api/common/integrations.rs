//! Integration credentials for tests: create them through the admin API and call with them.

#![allow(dead_code)]

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{Client, TestServer};

/// A created credential: its id, key and the secret shown once.
#[derive(Clone, Debug)]
pub struct Credential {
    pub id: String,
    pub key: String,
    pub secret: String,
}

/// Creates a credential from `body` (token_name defaults to "test") and returns it.
pub async fn create(admin: &Client, mut body: Value) -> Credential {
    if body.get("token_name").is_none() {
        body["token_name"] = json!("test");
    }
    let (status, created) = admin.post("/api/v1/auto-enrollment/tokens", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let field = |k: &str| created["token"][k].as_str().unwrap().to_string();
    Credential {
        id: field("id"),
        key: field("token_key"),
        secret: field("token_secret"),
    }
}

pub async fn api(admin: &Client, scopes: Value) -> Credential {
    create(
        admin,
        json!({"metadata": {"integration_type": "api"}, "scopes": scopes}),
    )
    .await
}

pub async fn enrollment(admin: &Client, extra: Value) -> Credential {
    let mut body = json!({"metadata": {"integration_type": "proxmox-lxc"}});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    create(admin, body).await
}

pub fn basic_header(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

/// Sends a request with an `Authorization` header (and extra headers) and returns the status
/// and JSON body.
pub async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    authorization: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, server.url(path));
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

impl Credential {
    pub fn basic(&self) -> String {
        basic_header(&self.key, &self.secret)
    }

    /// GET/DELETE/... with this credential over HTTP Basic.
    pub async fn send(
        &self,
        server: &TestServer,
        method: Method,
        path: &str,
    ) -> (StatusCode, Value) {
        call(server, method, path, Some(&self.basic()), &[], None).await
    }

    pub async fn get(&self, server: &TestServer, path: &str) -> (StatusCode, Value) {
        self.send(server, Method::GET, path).await
    }

    /// POST with the enrollment headers.
    pub async fn enroll(
        &self,
        server: &TestServer,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        call(
            server,
            Method::POST,
            path,
            None,
            &[
                ("X-Auto-Enrollment-Key", &self.key),
                ("X-Auto-Enrollment-Secret", &self.secret),
            ],
            Some(body),
        )
        .await
    }
}
