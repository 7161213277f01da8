//! The single settings row (id `default`) and a short-lived cache of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::types::Json;
use tokio::sync::RwLock;

use super::tunables::Tunables;
use crate::config::Config;
use crate::store::{now, Store, StoreResult};
use crate::{exec, with_db};

pub const SETTINGS_ID: &str = "default";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SettingsRow {
    pub id: String,
    pub server_url: String,
    pub server_protocol: String,
    pub server_host: String,
    pub server_port: i64,
    pub update_interval: i64,
    pub auto_update: bool,
    pub default_compliance_mode: String,
    pub compliance_scan_interval: i64,
    pub package_cache_refresh_mode: String,
    pub package_cache_refresh_max_age: i64,
    pub signup_enabled: bool,
    pub default_user_role: String,
    pub ignore_ssl_self_signed: bool,
    pub show_github_version_on_login: bool,
    pub alerts_enabled: bool,
    pub metrics_enabled: bool,
    pub timezone: Option<String>,
    pub overrides: Json<Map<String, Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, server_url, server_protocol, server_host, server_port, update_interval, \
    auto_update, default_compliance_mode, compliance_scan_interval, package_cache_refresh_mode, \
    package_cache_refresh_max_age, signup_enabled, default_user_role, ignore_ssl_self_signed, \
    show_github_version_on_login, alerts_enabled, metrics_enabled, timezone, overrides, created_at, updated_at";

/// Creates the settings row on first start, from the configured server address.
pub async fn seed(store: &Store, config: &Config) -> StoreResult<()> {
    let ts = now();
    let url = build_server_url(
        &config.server_protocol,
        &config.server_host,
        config.server_port as i64,
    );
    exec!(store, |db| {
        sqlx::query(
        "INSERT INTO settings (id, server_url, server_protocol, server_host, server_port, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING"
    )
    .bind(SETTINGS_ID)
    .bind(&url)
    .bind(&config.server_protocol)
    .bind(&config.server_host)
    .bind(config.server_port as i64)
    .bind(ts)
    .execute(db)
    .await
    })?;
    Ok(())
}

pub async fn load(store: &Store) -> StoreResult<SettingsRow> {
    let sql = format!("SELECT {COLUMNS} FROM settings WHERE id = $1");
    let row = with_db!(store, |db| sqlx::query_as::<_, SettingsRow>(&sql)
        .bind(SETTINGS_ID)
        .fetch_one(db)
        .await)?;
    Ok(row)
}

/// Writes every column of the row (the caller changed some of them).
pub async fn save(store: &Store, row: &SettingsRow) -> StoreResult<()> {
    exec!(store, |db| {
        sqlx::query(
        "UPDATE settings SET server_url = $2, server_protocol = $3, server_host = $4, server_port = $5, \
         update_interval = $6, auto_update = $7, default_compliance_mode = $8, compliance_scan_interval = $9, \
         package_cache_refresh_mode = $10, package_cache_refresh_max_age = $11, signup_enabled = $12, \
         default_user_role = $13, ignore_ssl_self_signed = $14, show_github_version_on_login = $15, \
         alerts_enabled = $16, metrics_enabled = $17, timezone = $18, overrides = $19, updated_at = $20 \
         WHERE id = $1"
    )
    .bind(&row.id)
    .bind(&row.server_url)
    .bind(&row.server_protocol)
    .bind(&row.server_host)
    .bind(row.server_port)
    .bind(row.update_interval)
    .bind(row.auto_update)
    .bind(&row.default_compliance_mode)
    .bind(row.compliance_scan_interval)
    .bind(&row.package_cache_refresh_mode)
    .bind(row.package_cache_refresh_max_age)
    .bind(row.signup_enabled)
    .bind(&row.default_user_role)
    .bind(row.ignore_ssl_self_signed)
    .bind(row.show_github_version_on_login)
    .bind(row.alerts_enabled)
    .bind(row.metrics_enabled)
    .bind(&row.timezone)
    .bind(&row.overrides)
    .bind(row.updated_at)
    .execute(db)
    .await
    })?;
    Ok(())
}

/// `proto://host[:port]`, leaving out the port that is the scheme's default.
pub fn build_server_url(protocol: &str, host: &str, port: i64) -> String {
    let default_port = matches!((protocol, port), ("http", 80) | ("https", 443));
    if default_port {
        format!("{protocol}://{host}")
    } else {
        format!("{protocol}://{host}:{port}")
    }
}

/// Settings are read on hot paths (every login, every authenticated request); the row is cached
/// briefly. Writes through this process invalidate at once; other replicas see them within
/// [`CACHE_TTL`].
pub struct SettingsCache {
    store: Store,
    config: Config,
    cached: RwLock<Option<(Instant, Arc<Effective>)>>,
}

pub const CACHE_TTL: Duration = Duration::from_secs(5);

/// The settings row together with the tunables resolved against the configuration.
#[derive(Debug)]
pub struct Effective {
    pub row: SettingsRow,
    pub tunables: Tunables,
}

impl SettingsCache {
    pub fn new(store: Store, config: &Config) -> SettingsCache {
        SettingsCache {
            store,
            config: config.clone(),
            cached: RwLock::new(None),
        }
    }

    pub async fn get(&self) -> StoreResult<Arc<Effective>> {
        if let Some((at, value)) = self.cached.read().await.as_ref() {
            if at.elapsed() < CACHE_TTL {
                return Ok(value.clone());
            }
        }
        let row = load(&self.store).await?;
        let tunables = Tunables::resolve(&self.config, &row.overrides, &row.default_user_role);
        let value = Arc::new(Effective { row, tunables });
        *self.cached.write().await = Some((Instant::now(), value.clone()));
        Ok(value)
    }

    pub async fn invalidate(&self) {
        *self.cached.write().await = None;
    }
}
