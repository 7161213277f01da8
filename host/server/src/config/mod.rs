//! Server configuration: built-in defaults < optional `patchmon.toml` < environment variables.
//!
//! Keys are PatchMon's environment variable names, lower-cased in `patchmon.toml`
//! (`JWT_EXPIRES_IN` ↔ `jwt_expires_in`). Every value remembers where it came from, so
//! `patchmon-server config` and the settings API can say so.

mod parse;
mod secrets;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

pub use parse::{parse_byte_size, parse_byte_size_in, parse_duration, KIB, MIB};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
    #[error("configuration error: {0}")]
    Figment(#[from] Box<figment::Error>),
    #[error("cannot prepare data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a configuration value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Default,
    File,
    Environment,
    Generated,
}

impl Source {
    /// True when the operator set the value explicitly; such values win over database settings.
    pub fn is_explicit(self) -> bool {
        matches!(self, Source::File | Source::Environment)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub pm_db_conn_max_attempts: u32,
    pub pm_db_conn_wait_interval: u64,
    /// Database connections per server process: three quarters for requests, a quarter for
    /// report ingest (`store::split_connections`).
    pub db_connection_limit: u32,
    pub db_pool_timeout: u64,
    pub db_idle_timeout: u64,
    pub db_max_lifetime: u64,

    pub bind_address: String,
    pub port: u16,
    pub server_protocol: String,
    pub server_host: String,
    pub server_port: u16,
    pub cors_origin: String,
    pub cors_origins: Option<String>,
    pub trust_proxy: bool,
    pub enable_hsts: bool,
    pub app_env: String,

    pub jwt_secret: Option<String>,
    pub jwt_expires_in: String,
    pub jwt_refresh_expires_in: String,
    pub encryption_key: Option<String>,

    pub password_min_length: u32,
    pub password_require_uppercase: bool,
    pub password_require_lowercase: bool,
    pub password_require_number: bool,
    pub password_require_special: bool,
    pub max_login_attempts: u32,
    pub lockout_duration_minutes: f64,
    pub session_inactivity_timeout_minutes: u64,
    pub max_tfa_attempts: u32,
    pub tfa_lockout_duration_minutes: f64,
    pub tfa_remember_me_expires_in: String,
    pub tfa_max_remember_sessions: u32,
    pub default_user_role: String,

    pub rate_limit_window_ms: u64,
    pub rate_limit_max: u64,
    pub auth_rate_limit_window_ms: u64,
    pub auth_rate_limit_max: u64,
    pub agent_rate_limit_window_ms: u64,
    pub agent_rate_limit_max: u64,
    pub password_rate_limit_window_ms: u64,
    pub password_rate_limit_max: u64,
    pub json_body_limit: String,
    /// `POST /hosts/ping` body cap (bare number = KB).
    pub agent_ping_body_limit: String,
    /// `POST /hosts/update` body cap (bare number = MB).
    pub agent_update_body_limit: String,
    /// Where the agent binaries served to hosts live (`AGENT_BINARIES_DIR`, then `AGENTS_DIR`,
    /// then `./agents`).
    pub agent_binaries_dir: Option<String>,
    pub agents_dir: Option<String>,
    /// Seconds an integration's fleet-wide answer (the scoped API's host list, the fleet
    /// overview) may be reused; 0 turns reuse off. Changes made through this server show at once.
    pub integration_cache_seconds: u64,

    pub redis_url: Option<String>,
    pub redis_host: Option<String>,
    pub redis_port: u16,
    pub redis_user: Option<String>,
    pub redis_password: Option<String>,
    pub redis_db: u32,
    /// Prefix of every Redis key, so several installations (or test runs) can share one Redis.
    pub redis_key_prefix: String,

    /// SMTP relay for plugins granted `mail`; unset means mail is unavailable.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `starttls` (default), `tls` (implicit, usually port 465) or `none` (trusted relays only).
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// Sender address, e.g. `PatchMon <patchmon@example.com>`.
    pub smtp_from: String,

    pub log_level: String,
    pub log_format: String,
    pub tz: String,

    /// Filled in by [`Config::load`]: the source of every key.
    #[serde(skip)]
    pub sources: BTreeMap<String, Source>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            pm_db_conn_max_attempts: 30,
            pm_db_conn_wait_interval: 2,
            db_connection_limit: 30,
            db_pool_timeout: 20,
            db_idle_timeout: 300,
            db_max_lifetime: 1800,
            bind_address: "0.0.0.0".into(),
            port: 3000,
            server_protocol: "http".into(),
            server_host: "localhost".into(),
            server_port: 3000,
            cors_origin: "http://localhost:3000".into(),
            cors_origins: None,
            trust_proxy: false,
            enable_hsts: true,
            app_env: "production".into(),
            jwt_secret: None,
            jwt_expires_in: "1h".into(),
            jwt_refresh_expires_in: "7d".into(),
            encryption_key: None,
            password_min_length: 8,
            password_require_uppercase: true,
            password_require_lowercase: true,
            password_require_number: true,
            password_require_special: true,
            max_login_attempts: 5,
            lockout_duration_minutes: 15.0,
            session_inactivity_timeout_minutes: 30,
            max_tfa_attempts: 5,
            tfa_lockout_duration_minutes: 30.0,
            tfa_remember_me_expires_in: "30d".into(),
            tfa_max_remember_sessions: 5,
            default_user_role: "user".into(),
            rate_limit_window_ms: 900_000,
            rate_limit_max: 5000,
            auth_rate_limit_window_ms: 600_000,
            auth_rate_limit_max: 500,
            agent_rate_limit_window_ms: 60_000,
            agent_rate_limit_max: 1000,
            password_rate_limit_window_ms: 900_000,
            password_rate_limit_max: 5,
            json_body_limit: "5mb".into(),
            agent_ping_body_limit: "8kb".into(),
            agent_update_body_limit: "5mb".into(),
            agent_binaries_dir: None,
            agents_dir: None,
            integration_cache_seconds: 5,
            redis_url: None,
            redis_host: None,
            redis_port: 6379,
            redis_user: None,
            redis_password: None,
            redis_db: 0,
            redis_key_prefix: "patchmon:".into(),
            smtp_host: None,
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            smtp_from: "PatchMon <patchmon@localhost>".into(),
            log_level: "info".into(),
            log_format: "text".into(),
            tz: "UTC".into(),
            sources: BTreeMap::new(),
        }
    }
}

/// Keys whose values are never printed or logged in clear.
pub const SECRET_KEYS: &[&str] = &[
    "jwt_secret",
    "encryption_key",
    "redis_password",
    "smtp_password",
];

/// PatchMon's historical name for the encryption key, accepted when ENCRYPTION_KEY is unset.
const LEGACY_ENCRYPTION_KEY_VAR: &str = "AI_ENCRYPTION_KEY";

impl Config {
    /// Loads defaults, then `patchmon.toml` (or `$PATCHMON_CONFIG`), then the environment.
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("PATCHMON_CONFIG").unwrap_or_else(|_| "patchmon.toml".into());
        Self::load_from(Path::new(&file), &std::env::vars().collect::<Vec<_>>())
    }

    /// Loads from an explicit file path and environment (tests pass their own).
    pub fn load_from(file: &Path, vars: &[(String, String)]) -> Result<Config, ConfigError> {
        let keys = Self::keys();
        let mut env: BTreeMap<String, String> = vars
            .iter()
            .filter(|(k, _)| keys.iter().any(|key| key.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        if !env.contains_key("encryption_key") {
            if let Some((_, v)) = vars.iter().find(|(k, _)| k == LEGACY_ENCRYPTION_KEY_VAR) {
                env.insert("encryption_key".into(), v.clone());
            }
        }
        let env_keys: Vec<String> = env.keys().cloned().collect();
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(env_provider(&env));
        let mut config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(describe_figment_error(&e, &env_keys, file)))?;

        let file_keys = read_file_keys(file);
        for key in keys {
            let source = if env_keys.iter().any(|k| k == &key) {
                Source::Environment
            } else if file_keys.iter().any(|k| k == &key) {
                Source::File
            } else {
                Source::Default
            };
            config.sources.insert(key, source);
        }
        if config.database_url.trim().is_empty() {
            config.database_url =
                format!("sqlite://{}", config.data_dir.join("patchmon.db").display());
        }
        config.validate()?;
        Ok(config)
    }

    /// Every configuration key, in declaration order.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    pub fn source_of(&self, key: &str) -> Source {
        self.sources.get(key).copied().unwrap_or(Source::Default)
    }

    /// Generates and persists missing secrets under the data directory (0600).
    pub fn ensure_secrets(&mut self) -> Result<(), ConfigError> {
        let io_err = |source| ConfigError::DataDir {
            path: self.data_dir.clone(),
            source,
        };
        if !self.data_dir.exists() {
            use std::os::unix::fs::DirBuilderExt;
            // The database and secrets live here: owner only.
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.data_dir)
                .map_err(io_err)?;
        }
        if self.jwt_secret.as_deref().is_none_or(str::is_empty) {
            self.jwt_secret = Some(secrets::load_or_generate(&self.data_dir, "jwt_secret")?);
            self.sources.insert("jwt_secret".into(), Source::Generated);
        }
        if self.encryption_key.as_deref().is_none_or(str::is_empty) {
            self.encryption_key =
                Some(secrets::load_or_generate(&self.data_dir, "encryption_key")?);
            self.sources
                .insert("encryption_key".into(), Source::Generated);
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, why: String| {
            ConfigError::Invalid(format!("{}: {why}", key.to_ascii_uppercase()))
        };
        for key in [
            "jwt_expires_in",
            "jwt_refresh_expires_in",
            "tfa_remember_me_expires_in",
        ] {
            let value = self.string_value(key);
            parse_duration(&value).ok_or_else(|| {
                invalid(
                    key,
                    format!("`{value}` is not a duration (use e.g. 30m, 1h, 7d)"),
                )
            })?;
        }
        for (key, value, bare) in [
            ("agent_ping_body_limit", &self.agent_ping_body_limit, KIB),
            (
                "agent_update_body_limit",
                &self.agent_update_body_limit,
                MIB,
            ),
        ] {
            parse_byte_size_in(value, bare).ok_or_else(|| {
                invalid(key, format!("`{value}` is not a size (use e.g. 8kb, 5mb)"))
            })?;
        }
        parse_byte_size(&self.json_body_limit).ok_or_else(|| {
            invalid(
                "json_body_limit",
                format!(
                    "`{}` is not a size (use e.g. 5mb, 512kb)",
                    self.json_body_limit
                ),
            )
        })?;
        if !matches!(self.server_protocol.as_str(), "http" | "https") {
            return Err(invalid("server_protocol", "must be http or https".into()));
        }
        if self.port == 0 {
            return Err(invalid("port", "must be between 1 and 65535".into()));
        }
        if self.password_min_length == 0 || self.password_min_length > 128 {
            return Err(invalid(
                "password_min_length",
                "must be between 1 and 128".into(),
            ));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(invalid("log_format", "must be text or json".into()));
        }
        if !matches!(self.smtp_security.as_str(), "starttls" | "tls" | "none") {
            return Err(invalid(
                "smtp_security",
                "must be starttls, tls or none".into(),
            ));
        }
        if let Some(key) = self.encryption_key.as_deref().filter(|k| !k.is_empty()) {
            if key.len() < 16 {
                return Err(invalid(
                    "encryption_key",
                    "must be at least 16 characters (64 hex characters recommended)".into(),
                ));
            }
        }
        if let Some(secret) = self.jwt_secret.as_deref().filter(|k| !k.is_empty()) {
            if secret.len() < 32 {
                return Err(invalid(
                    "jwt_secret",
                    "must be at least 32 characters".into(),
                ));
            }
        }
        Ok(())
    }

    fn string_value(&self, key: &str) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => match map.get(key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
            _ => String::new(),
        }
    }

    /// Each key with its printable value (secrets masked) and its source.
    pub fn describe(&self) -> Vec<(String, String, Source)> {
        let map = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Vec::new(),
        };
        map.into_iter()
            .map(|(key, value)| {
                let shown = match &value {
                    serde_json::Value::Null => "(unset)".to_string(),
                    _ if SECRET_KEYS.contains(&key.as_str()) => "********".to_string(),
                    serde_json::Value::String(s) if key == "database_url" => mask_url_password(s),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let source = self.source_of(&key);
                (key, shown, source)
            })
            .collect()
    }

    pub fn json_body_limit_bytes(&self) -> usize {
        parse_byte_size(&self.json_body_limit).unwrap_or(5 * MIB)
    }

    pub fn agent_ping_body_limit_bytes(&self) -> usize {
        parse_byte_size_in(&self.agent_ping_body_limit, KIB).unwrap_or(8 * KIB)
    }

    pub fn agent_update_body_limit_bytes(&self) -> usize {
        parse_byte_size_in(&self.agent_update_body_limit, MIB).unwrap_or(5 * MIB)
    }

    /// The directory holding `patchmon-agent-<os>-<arch>` binaries.
    pub fn agent_binaries_path(&self) -> PathBuf {
        self.agent_binaries_dir
            .as_deref()
            .or(self.agents_dir.as_deref())
            .filter(|d| !d.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("./agents"))
    }

    pub fn cors_origin_list(&self) -> Vec<String> {
        self.cors_origins
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(&self.cors_origin)
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The Redis URL when Redis is configured (REDIS_URL, or REDIS_HOST and friends).
    pub fn redis_connection_url(&self) -> Option<String> {
        if let Some(url) = self.redis_url.as_deref().filter(|u| !u.is_empty()) {
            return Some(url.to_string());
        }
        let host = self.redis_host.as_deref().filter(|h| !h.is_empty())?;
        let auth = match (&self.redis_user, &self.redis_password) {
            (Some(user), Some(pass)) => format!("{user}:{pass}@"),
            (None, Some(pass)) => format!(":{pass}@"),
            _ => String::new(),
        };
        Some(format!(
            "redis://{auth}{host}:{}/{}",
            self.redis_port, self.redis_db
        ))
    }

    pub fn is_production(&self) -> bool {
        self.app_env.eq_ignore_ascii_case("production")
    }

    pub fn session_inactivity_timeout(&self) -> Option<Duration> {
        (self.session_inactivity_timeout_minutes > 0)
            .then(|| Duration::from_secs(self.session_inactivity_timeout_minutes * 60))
    }
}

/// Environment values as a figment provider, each value parsed like figment parses variables
/// (so `PORT=3000` is a number and `TRUST_PROXY=true` a boolean).
fn env_provider(
    env: &BTreeMap<String, String>,
) -> Serialized<BTreeMap<String, figment::value::Value>> {
    let values = env
        .iter()
        .map(|(key, raw)| {
            let value = raw
                .parse::<figment::value::Value>()
                .unwrap_or_else(|_| figment::value::Value::from(raw.clone()));
            (key.clone(), value)
        })
        .collect();
    Serialized::globals(values)
}

fn read_file_keys(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .map(|table| table.keys().cloned().collect())
        .unwrap_or_default()
}

fn describe_figment_error(err: &figment::Error, env_keys: &[String], file: &Path) -> String {
    let key = err.path.last().cloned().unwrap_or_default();
    if key.is_empty() {
        return format!("invalid configuration in {}: {}", file.display(), err.kind);
    }
    let source = if env_keys.contains(&key) {
        format!("environment variable {}", key.to_ascii_uppercase())
    } else {
        format!("`{key}` in {}", file.display())
    };
    format!(
        "{}: {} (set by {source})",
        key.to_ascii_uppercase(),
        err.kind
    )
}

fn mask_url_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => {
                    format!("{}{user}:********{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests;
