//! `config.yml` and `credentials.yml` in PatchMon's format: 0600, written atomically (temp file
//! in the same directory, then rename). Paths not set in the config default to siblings of the
//! config file, which gives PatchMon's `/etc/patchmon/...` layout for the default config path.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{AgentError, Result};
use crate::yaml;

pub const DEFAULT_CONFIG: &str = "/etc/patchmon/config.yml";
/// Where the collector plugins the server hands out are kept (`plugin_cache_dir`).
pub const DEFAULT_PLUGIN_CACHE: &str = "/var/lib/patchmon/plugins";

#[derive(Clone, Debug, PartialEq)]
pub struct AgentConfig {
    pub path: PathBuf,
    pub patchmon_server: String,
    pub api_version: String,
    pub credentials_file: PathBuf,
    pub log_file: PathBuf,
    pub log_level: String,
    pub skip_ssl_verify: bool,
    pub update_interval: i64,
    pub report_offset: i64,
    pub docker: bool,
    /// `false`, `true` or `on-demand` (the installer writes `disabled`).
    pub compliance: String,
    /// Manual only: never changed by the server.
    pub ssh_proxy_enabled: bool,
    /// Not a PatchMon key (its agent has no plugins): written only when set to something other
    /// than [`DEFAULT_PLUGIN_CACHE`], so a default config file stays PatchMon's.
    pub plugin_cache_dir: PathBuf,
}

#[derive(Clone, PartialEq)]
pub struct Credentials {
    pub api_id: String,
    pub api_key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_id", &self.api_id)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

fn sibling(config: &Path, name: &str) -> PathBuf {
    config
        .parent()
        .unwrap_or(Path::new("/etc/patchmon"))
        .join(name)
}

impl AgentConfig {
    pub fn defaults(path: &Path) -> AgentConfig {
        AgentConfig {
            path: path.to_path_buf(),
            patchmon_server: String::new(),
            api_version: "v1".into(),
            credentials_file: sibling(path, "credentials.yml"),
            log_file: sibling(path, "logs/patchmon-agent.log"),
            log_level: "info".into(),
            skip_ssl_verify: false,
            update_interval: 60,
            report_offset: 0,
            docker: false,
            compliance: "on-demand".into(),
            ssh_proxy_enabled: false,
            plugin_cache_dir: DEFAULT_PLUGIN_CACHE.into(),
        }
    }

    /// Loads the file; a missing file gives the defaults (the server URL is then empty).
    pub fn load(path: &Path) -> Result<AgentConfig> {
        let mut config = AgentConfig::defaults(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(config),
            Err(err) => return Err(AgentError::io(path, err)),
        };
        let map = yaml::parse(&text)
            .map_err(|e| AgentError::Config(format!("{}: {e}", path.display())))?;
        config.apply(&map);
        Ok(config)
    }

    fn apply(&mut self, map: &BTreeMap<String, String>) {
        let get = |k: &str| map.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let flag = |k: &str, default: bool| get(k).map(|v| v == "true").unwrap_or(default);
        if let Some(v) = get("patchmon_server") {
            self.patchmon_server = v.trim_end_matches('/').to_string();
        }
        if let Some(v) = get("api_version") {
            self.api_version = v.into();
        }
        if let Some(v) = get("credentials_file") {
            self.credentials_file = v.into();
        }
        if let Some(v) = get("log_file") {
            self.log_file = v.into();
        }
        if let Some(v) = get("log_level") {
            self.log_level = v.into();
        }
        self.skip_ssl_verify = flag("skip_ssl_verify", false);
        self.update_interval = get("update_interval")
            .and_then(|v| v.parse().ok())
            .filter(|v| *v > 0)
            .unwrap_or(60);
        self.report_offset = get("report_offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        self.docker = flag("integrations.docker", false);
        if let Some(v) = get("integrations.compliance") {
            self.compliance = v.into();
        }
        self.ssh_proxy_enabled = flag("integrations.ssh-proxy-enabled", false);
        if let Some(v) = get("plugin_cache_dir") {
            self.plugin_cache_dir = v.into();
        }
    }

    /// Writes every field back (PatchMon's SaveConfig), preserving `ssh-proxy-enabled`.
    pub fn save(&self) -> Result<()> {
        let compliance = match self.compliance.as_str() {
            "true" | "false" => self.compliance.clone(),
            other => yaml::quote(other),
        };
        let plugin_cache = if self.plugin_cache_dir == Path::new(DEFAULT_PLUGIN_CACHE) {
            String::new()
        } else {
            format!(
                "plugin_cache_dir: {}\n",
                yaml::quote(&self.plugin_cache_dir.display().to_string())
            )
        };
        let text = format!(
            "# PatchMon agent configuration\npatchmon_server: {}\napi_version: {}\ncredentials_file: {}\nlog_file: {}\nlog_level: {}\nskip_ssl_verify: {}\nupdate_interval: {}\nreport_offset: {}\n{plugin_cache}integrations:\n  docker: {}\n  compliance: {}\n  ssh-proxy-enabled: {}\n",
            yaml::quote(&self.patchmon_server),
            yaml::quote(&self.api_version),
            yaml::quote(&self.credentials_file.display().to_string()),
            yaml::quote(&self.log_file.display().to_string()),
            yaml::quote(&self.log_level),
            self.skip_ssl_verify,
            self.update_interval,
            self.report_offset,
            self.docker,
            compliance,
            self.ssh_proxy_enabled,
        );
        write_private(&self.path, text.as_bytes())
    }

    /// `<server>/api/<version>`.
    pub fn api_base(&self) -> String {
        format!(
            "{}/api/{}",
            self.patchmon_server.trim_end_matches('/'),
            self.api_version
        )
    }

    /// `https://` → `wss://`, `http://` → `ws://`, no scheme → `wss://`.
    pub fn ws_url(&self) -> String {
        let server = self.patchmon_server.trim_end_matches('/');
        let base = if let Some(rest) = server.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = server.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            format!("wss://{server}")
        };
        format!("{base}/api/{}/agents/ws", self.api_version)
    }

    /// Seconds into each interval at which this agent reports: spread by a hash of the api_id.
    pub fn compute_offset(api_id: &str, interval_minutes: i64) -> i64 {
        let period = (interval_minutes.max(1) * 60) as u64;
        let digest = <sha2::Sha256 as sha2::Digest>::digest(api_id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % period) as i64
    }
}

impl Credentials {
    pub fn load(path: &Path) -> Result<Credentials> {
        let text = std::fs::read_to_string(path).map_err(|e| AgentError::io(path, e))?;
        let map = yaml::parse(&text)
            .map_err(|e| AgentError::Config(format!("{}: {e}", path.display())))?;
        let field = |k: &str| map.get(k).cloned().filter(|v| !v.is_empty());
        match (field("api_id"), field("api_key")) {
            (Some(api_id), Some(api_key)) => Ok(Credentials { api_id, api_key }),
            _ => Err(AgentError::Config(format!(
                "{}: api_id and api_key are required",
                path.display()
            ))),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let text = format!(
            "api_id: {}\napi_key: {}\n",
            yaml::quote(&self.api_id),
            yaml::quote(&self.api_key)
        );
        write_private(path, text.as_bytes())
    }
}

/// Writes `bytes` to `path` with mode 0600 through a temp file and an atomic rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| AgentError::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| AgentError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_files_private() {
        let dir = std::env::temp_dir().join(format!("pm-agent-config-{}", std::process::id()));
        let path = dir.join("config.yml");
        let mut config = AgentConfig::load(&path).unwrap();
        assert_eq!(config.credentials_file, dir.join("credentials.yml"));
        config.patchmon_server = "https://pm.example.com/".trim_end_matches('/').into();
        config.ssh_proxy_enabled = true;
        config.compliance = "on-demand".into();
        config.save().unwrap();
        assert!(!std::fs::read_to_string(&path)
            .unwrap()
            .contains("plugin_cache_dir"));
        config.plugin_cache_dir = dir.join("plugins");
        config.save().unwrap();
        let loaded = AgentConfig::load(&path).unwrap();
        assert_eq!(loaded, config);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(loaded.ws_url(), "wss://pm.example.com/api/v1/agents/ws");
        let creds = Credentials {
            api_id: "patchmon_0123456789abcdef".into(),
            api_key: "k".repeat(64),
        };
        creds.save(&loaded.credentials_file).unwrap();
        assert_eq!(Credentials::load(&loaded.credentials_file).unwrap(), creds);
        assert!(!format!("{creds:?}").contains(&creds.api_key));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn offsets_are_stable_and_within_the_interval() {
        let a = AgentConfig::compute_offset("patchmon_0123456789abcdef", 60);
        assert_eq!(
            a,
            AgentConfig::compute_offset("patchmon_0123456789abcdef", 60)
        );
        assert!((0..3600).contains(&a));
        assert!((0..300).contains(&AgentConfig::compute_offset("patchmon_0123456789abcdef", 5)));
    }
}
