//! Test harness: a real server on a real socket, on SQLite or on PostgreSQL + Redis.
//!
//! `backend_tests!` turns one async test body into two tests, `<name>::sqlite` and
//! `<name>::postgres`, so both backends run the same suite. PostgreSQL tests need
//! `PATCHMON_TEST_POSTGRES_URL` (and `PATCHMON_TEST_REDIS_URL`); each test gets its own schema
//! and Redis key prefix.

#![allow(dead_code)]

pub mod fleet;
pub mod integrations;

use std::path::PathBuf;

use patchmon_server::store::{Pool, Store};
use patchmon_server::{app, AppState, Config};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

macro_rules! backend_tests {
    ($(async fn $name:ident($backend:ident : Backend) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { run(Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { run(Backend::Postgres).await }
        }
    )*};
}

pub const ADMIN_PASSWORD: &str = "Adm1n-Passw0rd!";

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub backend: Backend,
    pub data_dir: PathBuf,
    /// What `DATABASE_URL` would be for another process (the CLI) to use this server's database.
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn postgres_url() -> String {
    std::env::var("PATCHMON_TEST_POSTGRES_URL").expect(
        "PostgreSQL tests need PATCHMON_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); \
         `make test` sets it when PostgreSQL is running",
    )
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

async fn postgres_store(schema: &str, config: &Config) -> Store {
    let url = postgres_url();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("create test schema");
    admin.close().await;
    let options: PgConnectOptions = url
        .parse::<PgConnectOptions>()
        .unwrap()
        .options([("search_path", schema)]);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .expect("connect to test schema");
    let store = Store::from_pool(Pool::Postgres(pool), config);
    store.migrate().await.expect("migrate PostgreSQL");
    store
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, &[]).await
    }

    /// Starts a server with extra configuration given as environment variables.
    pub async fn start_with(backend: Backend, env: &[(&str, &str)]) -> TestServer {
        let data_dir = std::env::temp_dir().join(unique("patchmon-test-"));
        let mut vars: Vec<(String, String)> = vec![
            ("DATA_DIR".into(), data_dir.display().to_string()),
            ("AUTH_RATE_LIMIT_MAX".into(), "100000".into()),
            ("PASSWORD_RATE_LIMIT_MAX".into(), "100000".into()),
            ("APP_ENV".into(), "test".into()),
        ];
        if backend == Backend::Postgres {
            let redis = std::env::var("PATCHMON_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            vars.push(("REDIS_URL".into(), redis));
            vars.push(("REDIS_KEY_PREFIX".into(), format!("{}:", unique("test"))));
        }
        for (k, v) in env {
            vars.retain(|(key, _)| key != k);
            vars.push((k.to_string(), v.to_string()));
        }
        let mut config =
            Config::load_from(std::path::Path::new("/nonexistent/patchmon.toml"), &vars)
                .expect("test config");
        config.ensure_secrets().expect("secrets");
        let (store, database_url) = match backend {
            Backend::Sqlite => (
                Store::connect(&config).await.expect("open SQLite"),
                config.database_url.clone(),
            ),
            Backend::Postgres => {
                let schema = unique("test_");
                let url = format!("{}?options=-c%20search_path%3D{schema}", postgres_url());
                (postgres_store(&schema, &config).await, url)
            }
        };
        let state = AppState::with_store(config, store)
            .await
            .expect("app state");
        Self::serve(state, backend, data_dir, database_url).await
    }

    /// Another replica of this server: the same database, Redis and secrets, its own port and
    /// its own agent connections.
    pub async fn replica(&self) -> TestServer {
        let state = AppState::with_store(self.state.config.clone(), self.state.store.clone())
            .await
            .expect("replica state");
        let data_dir = std::env::temp_dir().join(unique("patchmon-replica-"));
        Self::serve(state, self.backend, data_dir, self.database_url.clone()).await
    }

    async fn serve(
        state: AppState,
        backend: Backend,
        data_dir: PathBuf,
        database_url: String,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel();
        let serve_state = state.clone();
        tokio::spawn(async move {
            app::serve(serve_state, listener, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestServer {
            base,
            state,
            backend,
            data_dir,
            database_url,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar (a browser).
    pub fn browser(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            token: None,
        }
    }

    /// Creates the first admin and returns a signed-in client.
    pub async fn admin(&self) -> Client {
        self.admin_with_password(ADMIN_PASSWORD).await
    }

    pub async fn admin_with_password(&self, password: &str) -> Client {
        let mut client = self.browser();
        let (status, body) = client
            .post(
                "/api/v1/auth/setup-admin",
                json!({"firstName": "Ada", "lastName": "Admin", "username": "admin", "email": "admin@example.com", "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        client.token = body["token"].as_str().map(str::to_string);
        client
    }

    /// Creates a user with `role` through the admin API and returns a signed-in client.
    pub async fn user_with_role(&self, admin: &Client, username: &str, role: &str) -> Client {
        let (status, body) = admin
            .post(
                "/api/v1/auth/admin/users",
                json!({"username": username, "email": format!("{username}@example.com"), "password": ADMIN_PASSWORD, "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(username, ADMIN_PASSWORD).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Client {
        let mut client = self.browser();
        let (status, body) = client
            .post(
                "/api/v1/auth/login",
                json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        client.token = body["token"].as_str().map(str::to_string);
        client
    }

    /// Runs SQL against the server's database and returns one integer (test assertions).
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.state.store.pool {
            Pool::Sqlite(db) => sqlx::query_scalar(sql).fetch_one(db).await.unwrap(),
            Pool::Postgres(db) => sqlx::query_scalar(sql).fetch_one(db).await.unwrap(),
        }
    }

    pub async fn execute(&self, sql: &str) {
        match &self.state.store.pool {
            Pool::Sqlite(db) => {
                sqlx::query(sql).execute(db).await.unwrap();
            }
            Pool::Postgres(db) => {
                sqlx::query(sql).execute(db).await.unwrap();
            }
        }
    }
}

/// An HTTP client that sends its bearer token (when it has one) and keeps cookies.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
}

impl Client {
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = self
            .request(method, path, body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, None).await
    }
    pub async fn delete_with(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, Some(body)).await
    }

    /// The same cookie jar, without the bearer token (requests authenticate by cookie only).
    pub fn cookies_only(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
            token: None,
        }
    }
}
