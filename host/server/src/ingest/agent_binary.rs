//! Self-update support: `GET /hosts/agent/version`, `GET /hosts/agent/download` and the agent's
//! `GET /settings/update-interval`.
//!
//! Binaries are `patchmon-agent-<os>-<arch>` files in the configured directory. Their version is
//! read from a marker the agent embeds (`patchmon-agent-version:<v>\n`), so the server never runs
//! a binary (which may be built for another architecture) to learn it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use patchmon_proto::agent_version::AgentVersionInfo;
use patchmon_proto::report::UpdateIntervalResponse;
use serde::Deserialize;
use serde_json::json;

use super::auth::AgentHost;
use crate::app::AppState;
use crate::http::{Error, Result, StoreContext};

/// The marker the agent binary carries; the server scans for it.
pub const VERSION_MARKER: &[u8] = b"patchmon-agent-version:";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    FreeBsd,
    Windows,
}

impl Os {
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::FreeBsd => "freebsd",
            Os::Windows => "windows",
        }
    }

    pub fn parse(text: &str) -> Option<Os> {
        match text {
            "linux" => Some(Os::Linux),
            "freebsd" => Some(Os::FreeBsd),
            "windows" => Some(Os::Windows),
            _ => None,
        }
    }

    /// Supported architectures, sorted.
    pub fn arches(self) -> &'static [&'static str] {
        match self {
            Os::Windows => &["amd64", "arm64"],
            _ => &["386", "amd64", "arm", "arm64"],
        }
    }

    fn from_platform(text: &str) -> Os {
        let text = text.to_ascii_lowercase();
        if text == "windows" {
            Os::Windows
        } else if text.contains("freebsd") || text.contains("pfsense") {
            Os::FreeBsd
        } else {
            Os::Linux
        }
    }

    /// The host's platform: its expected platform, else its reported OS, else Linux.
    pub fn infer(host: &AgentHost) -> Os {
        host.expected_platform
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .or(Some(host.os_type.as_str()).filter(|o| !o.is_empty() && *o != "unknown"))
            .map(Os::from_platform)
            .unwrap_or(Os::Linux)
    }

    pub fn file_name(self, arch: &str) -> String {
        let suffix = if self == Os::Windows { ".exe" } else { "" };
        format!("patchmon-agent-{}-{arch}{suffix}", self.as_str())
    }
}

/// What is known about one binary file, cached by path, size and modification time.
#[derive(Clone)]
pub struct BinaryInfo {
    pub path: PathBuf,
    pub version: Option<String>,
    pub sha256: String,
}

type CacheKey = (PathBuf, u64, SystemTime);

fn cache() -> &'static Mutex<HashMap<CacheKey, BinaryInfo>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, BinaryInfo>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The version embedded after [`VERSION_MARKER`], up to the newline.
pub fn embedded_version(bytes: &[u8]) -> Option<String> {
    let at = bytes
        .windows(VERSION_MARKER.len())
        .position(|w| w == VERSION_MARKER)?;
    let rest = &bytes[at + VERSION_MARKER.len()..];
    let end = rest.iter().position(|b| *b == b'\n').filter(|e| *e <= 64)?;
    let version = std::str::from_utf8(&rest[..end]).ok()?.trim();
    (!version.is_empty()).then(|| version.to_string())
}

pub async fn binary_info(dir: PathBuf, file: &str) -> Option<BinaryInfo> {
    let path = dir.join(file);
    let meta = tokio::fs::metadata(&path).await.ok()?;
    let key = (path.clone(), meta.len(), meta.modified().ok()?);
    if let Some(info) = cache().lock().ok()?.get(&key) {
        return Some(info.clone());
    }
    let bytes = tokio::fs::read(&path).await.ok()?;
    let info = BinaryInfo {
        path,
        version: embedded_version(&bytes),
        sha256: crate::crypto::sha256_hex(&bytes),
    };
    if let Ok(mut cache) = cache().lock() {
        cache.insert(key, info.clone());
    }
    Some(info)
}

/// `a > b` on dotted numeric versions (`1.10.0` > `1.9.3`); pre-release suffixes are ignored.
pub fn is_newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.trim_start_matches('v')
            .split(['-', '+'])
            .next()
            .unwrap_or("")
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let (a, b) = (parts(a), parts(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x > y;
        }
    }
    false
}

#[derive(Deserialize)]
pub struct BinaryQuery {
    arch: Option<String>,
    os: Option<String>,
    #[serde(rename = "currentVersion")]
    current_version: Option<String>,
}

/// The requested (or inferred) OS and architecture, with PatchMon's 400s.
fn target(host: &AgentHost, q: &BinaryQuery) -> Result<(Os, String)> {
    let os = match q.os.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => Os::infer(host),
        Some(text) => Os::parse(text).ok_or_else(|| {
            Error::bad_request("Invalid os. Must be one of: linux, freebsd, windows")
        })?,
    };
    let arch = q
        .arch
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or("amd64")
        .to_string();
    if !os.arches().contains(&arch.as_str()) {
        return Err(Error::bad_request(format!(
            "Invalid architecture for {}. Must be one of: {}",
            os.as_str(),
            os.arches().join(", ")
        )));
    }
    Ok((os, arch))
}

pub async fn version(
    State(state): State<AppState>,
    host: AgentHost,
    Query(q): Query<BinaryQuery>,
) -> Result<Response> {
    let (os, arch) = target(&host, &q)?;
    let file = os.file_name(&arch);
    let server_auto_update = state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .auto_update;
    let reason = match (server_auto_update, host.auto_update) {
        (true, true) => "",
        (false, false) => "Auto-update is disabled in server settings and for this host",
        (false, true) => "Auto-update is disabled in server settings",
        (true, false) => "Auto-update is disabled for this host",
    };
    let current = q
        .current_version
        .as_deref()
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .filter(|v| !v.is_empty());
    let info = binary_info(state.config.agent_binaries_path(), &file).await;
    let not_found = |error: String| {
        let body = json!({
            "error": error,
            "currentVersion": current.clone().unwrap_or_else(|| "unknown".into()),
            "latestVersion": null,
            "hasUpdate": false,
            "autoUpdateDisabled": !reason.is_empty(),
            "autoUpdateDisabledReason": reason,
            "architecture": arch,
            "agentType": "go",
        });
        (StatusCode::NOT_FOUND, Json(body)).into_response()
    };
    let Some(info) = info else {
        return Ok(not_found(format!(
            "Agent binary not found for {}/{arch}. Ensure {file} exists in the agent binaries directory.",
            os.as_str()
        )));
    };
    let Some(latest) = info.version.clone() else {
        return Ok(not_found(format!(
            "Could not determine version for binary {file}"
        )));
    };
    let current = current.unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string());
    let body = AgentVersionInfo {
        has_update: reason.is_empty() && is_newer(&latest, &current),
        current_version: current,
        latest_version: Some(latest.clone()),
        auto_update_disabled: !reason.is_empty(),
        auto_update_disabled_reason: reason.into(),
        download_url: Some(format!(
            "/api/v1/hosts/agent/download?arch={arch}&os={}",
            os.as_str()
        )),
        release_notes: Some(format!("PatchMon Agent v{latest}")),
        min_server_version: None,
        architecture: arch,
        agent_type: "go".into(),
        hash: Some(info.sha256),
    };
    Ok(Json(body).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    host: AgentHost,
    Query(q): Query<BinaryQuery>,
) -> Result<Response> {
    let (os, arch) = target(&host, &q)?;
    let file = os.file_name(&arch);
    let path = state.config.agent_binaries_path().join(&file);
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::not_found(format!(
                "Agent binary not found for {}/{arch}. Ensure {file} exists in the agent binaries directory.",
                os.as_str()
            )))
        }
        Err(err) => {
            tracing::error!(path = %path.display(), error = %err, "cannot read agent binary");
            return Err(Error::internal("Failed to serve agent binary"));
        }
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .map_err(|_| Error::internal("Failed to serve agent binary"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::VARY, HeaderValue::from_static("Accept-Encoding")),
        ],
        bytes,
    )
        .into_response())
}

pub async fn update_interval(
    State(state): State<AppState>,
    _host: AgentHost,
) -> Result<Json<UpdateIntervalResponse>> {
    let interval = state
        .settings
        .get()
        .await
        .ctx("Failed to load settings")?
        .row
        .update_interval;
    Ok(Json(UpdateIntervalResponse {
        update_interval: if interval > 0 { interval } else { 60 },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(is_newer("1.10.0", "1.9.9"));
        assert!(is_newer("v2.0.0", "1.99"));
        assert!(!is_newer("1.2.3", "1.2.3"));
        assert!(!is_newer("1.2.3-rc1", "1.2.3"));
    }

    #[test]
    fn the_embedded_marker_gives_the_version() {
        let mut bytes = b"\x7fELF....".to_vec();
        bytes.extend_from_slice(b"patchmon-agent-version:0.4.2\n\0rest");
        assert_eq!(embedded_version(&bytes).as_deref(), Some("0.4.2"));
        assert_eq!(embedded_version(b"no marker here"), None);
    }
}
