//! HTTP calls to the server: JSON, agent headers, 30 s timeout, 3 attempts 2 s apart.

use std::time::Duration;

use patchmon_proto::agent_version::AgentVersionInfo;
use patchmon_proto::collectors::CollectorList;
use patchmon_proto::ping::{PingRequest, PingResponse};
use patchmon_proto::report::{ReportPayload, ReportResponse, UpdateIntervalResponse};
use serde::de::DeserializeOwned;

use crate::config::{AgentConfig, Credentials};
use crate::error::{AgentError, Result};

pub const USER_AGENT: &str = concat!("patchmon-agent/", env!("CARGO_PKG_VERSION"));
const ATTEMPTS: u32 = 3;

pub struct ServerClient {
    http: reqwest::Client,
    /// The server's root URL.
    server: String,
    /// `<server>/api/<version>`.
    base: String,
    credentials: Credentials,
}

/// `skip_ssl_verify` is refused when `PATCHMON_ENV=production`.
pub fn tls_verification_disabled(config: &AgentConfig) -> bool {
    config.skip_ssl_verify
        && std::env::var("PATCHMON_ENV")
            .map(|e| e != "production")
            .unwrap_or(true)
}

impl ServerClient {
    pub fn new(config: &AgentConfig, credentials: Credentials) -> Result<ServerClient> {
        if config.patchmon_server.is_empty() {
            return Err(AgentError::Config(format!(
                "patchmon_server is not set in {}",
                config.path.display()
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(USER_AGENT)
            .danger_accept_invalid_certs(tls_verification_disabled(config))
            .build()
            .map_err(|source| AgentError::Http {
                url: config.patchmon_server.clone(),
                source,
            })?;
        Ok(ServerClient {
            http,
            server: config.patchmon_server.trim_end_matches('/').to_string(),
            base: config.api_base(),
            credentials,
        })
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: impl Fn() -> reqwest::RequestBuilder,
        url: &str,
    ) -> Result<T> {
        let mut last = None;
        for attempt in 1..=ATTEMPTS {
            let result = request()
                .header(patchmon_proto::API_ID_HEADER, &self.credentials.api_id)
                .header(patchmon_proto::API_KEY_HEADER, &self.credentials.api_key)
                .send()
                .await;
            match result {
                Ok(response) if response.status().is_success() => {
                    let text = response.text().await.map_err(|source| AgentError::Http {
                        url: url.into(),
                        source,
                    })?;
                    return serde_json::from_str(&text)
                        .map_err(|e| AgentError::Protocol(e.to_string()));
                }
                // A refusal will not change on retry.
                Ok(response) if response.status().is_client_error() => {
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    return Err(AgentError::Server { status, body });
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    last = Some(AgentError::Server {
                        status,
                        body: response.text().await.unwrap_or_default(),
                    });
                }
                Err(source) => {
                    last = Some(AgentError::Http {
                        url: url.into(),
                        source,
                    })
                }
            }
            if attempt < ATTEMPTS {
                tracing::debug!(url, attempt, "request failed; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
        Err(last.unwrap_or_else(|| AgentError::Protocol("no attempt made".into())))
    }

    pub async fn ping(&self, body: &PingRequest) -> Result<PingResponse> {
        let url = format!("{}/hosts/ping", self.base);
        self.send(|| self.http.post(&url).json(body), &url).await
    }

    pub async fn report(&self, payload: &ReportPayload) -> Result<ReportResponse> {
        let url = format!("{}/hosts/update", self.base);
        self.send(|| self.http.post(&url).json(payload), &url).await
    }

    pub async fn update_interval(&self) -> Result<i64> {
        let url = format!("{}/settings/update-interval", self.base);
        let body: UpdateIntervalResponse = self.send(|| self.http.get(&url), &url).await?;
        Ok(body.update_interval)
    }

    pub async fn agent_version(&self, arch: &str) -> Result<AgentVersionInfo> {
        let url = format!(
            "{}/hosts/agent/version?arch={arch}&os=linux&type=go&currentVersion={}",
            self.base,
            env!("CARGO_PKG_VERSION")
        );
        self.send(|| self.http.get(&url), &url).await
    }

    /// The binary bytes (never retried into a partial file: the hash check catches truncation).
    pub async fn download_agent(&self, arch: &str) -> Result<Vec<u8>> {
        let url = format!("{}/hosts/agent/download?arch={arch}&os=linux", self.base);
        self.download(url, Duration::from_secs(300)).await
    }

    /// The collector plugins the server serves; `None` when it has no such route (PatchMon).
    pub async fn collectors(&self) -> Result<Option<CollectorList>> {
        let url = format!("{}/agent/collectors", self.base);
        match self.send(|| self.http.get(&url), &url).await {
            Ok(list) => Ok(Some(list)),
            Err(AgentError::Server { status: 404, .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// A file of a collector plugin, by its path on this server (as the list gives it). Only
    /// paths are followed, so the credentials never go to another host.
    pub async fn download_plugin_file(&self, path: &str) -> Result<Vec<u8>> {
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(AgentError::Protocol(format!(
                "plugin file path `{path}` is not a path on this server"
            )));
        }
        let url = format!("{}{path}", self.server);
        self.download(url, Duration::from_secs(120)).await
    }

    async fn download(&self, url: String, timeout: Duration) -> Result<Vec<u8>> {
        let response = self
            .http
            .get(&url)
            .timeout(timeout)
            .header(patchmon_proto::API_ID_HEADER, &self.credentials.api_id)
            .header(patchmon_proto::API_KEY_HEADER, &self.credentials.api_key)
            .send()
            .await
            .map_err(|source| AgentError::Http {
                url: url.clone(),
                source,
            })?;
        if !response.status().is_success() {
            let status = response.status().as_u16();
            return Err(AgentError::Server {
                status,
                body: response.text().await.unwrap_or_default(),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|source| AgentError::Http { url, source })?;
        Ok(bytes.to_vec())
    }
}

/// Go's architecture names, which the server's binary names use.
pub fn go_arch(machine: &str) -> &'static str {
    match machine {
        "x86_64" | "amd64" => "amd64",
        "aarch64" | "arm64" => "arm64",
        "i386" | "i686" | "x86" => "386",
        m if m.starts_with("arm") => "arm",
        _ => "amd64",
    }
}
