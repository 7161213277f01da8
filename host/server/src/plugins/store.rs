//! Plugin rows and plugin key-value storage in the database.

use chrono::{DateTime, Utc};
use patchmon_runtime::services::{KvStore, ServiceError};
use sqlx::types::Json;

use crate::store::{now, Store, StoreResult};
use crate::{exec, in_tx, with_db};

/// One installed plugin, without its component bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PluginRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub kind: String,
    pub api_version: String,
    pub wasm_sha256: String,
    pub manifest_toml: String,
    pub builtin: bool,
    pub enabled: bool,
    pub status: String,
    pub status_reason: Option<String>,
    pub granted: Json<Vec<String>>,
    pub config: Json<serde_json::Value>,
    pub secrets_sealed: Option<String>,
    pub installed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, version, kind, api_version, wasm_sha256, manifest_toml, builtin, \
    enabled, status, status_reason, granted, config, secrets_sealed, installed_at, updated_at";

/// Every installed plugin, by id.
pub async fn list(store: &Store) -> StoreResult<Vec<PluginRow>> {
    let sql = format!("SELECT {COLUMNS} FROM plugins ORDER BY id");
    Ok(with_db!(store, |db| sqlx::query_as::<_, PluginRow>(&sql)
        .fetch_all(db)
        .await)?)
}

pub async fn find(store: &Store, id: &str) -> StoreResult<Option<PluginRow>> {
    let sql = format!("SELECT {COLUMNS} FROM plugins WHERE id = $1");
    Ok(with_db!(store, |db| sqlx::query_as::<_, PluginRow>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)?)
}

/// The component bytes of one plugin.
pub async fn wasm(store: &Store, id: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(with_db!(store, |db| sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT wasm FROM plugins WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(db)
    .await)?)
}

/// The size in bytes of one plugin's component.
pub async fn wasm_size(store: &Store, id: &str) -> StoreResult<Option<i64>> {
    Ok(with_db!(store, |db| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(LENGTH(wasm) AS BIGINT) FROM plugins WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(db)
    .await)?)
}

/// `(id, updated_at)` of every plugin: what the registry compares to notice changes made by
/// another replica or by the CLI.
pub async fn revisions(store: &Store) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
    Ok(with_db!(store, |db| sqlx::query_as::<
        _,
        (String, DateTime<Utc>),
    >(
        "SELECT id, updated_at FROM plugins"
    )
    .fetch_all(db)
    .await)?)
}

/// What an install or upgrade writes.
pub struct NewPlugin<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub api_version: &'a str,
    pub wasm_sha256: &'a str,
    pub manifest_toml: &'a str,
    pub wasm: &'a [u8],
    pub builtin: bool,
    pub enabled: bool,
    pub granted: &'a [String],
    pub config: &'a serde_json::Value,
    pub secrets_sealed: Option<&'a str>,
}

/// Insert a plugin, or replace the package, grants and configuration of an installed one
/// (keeping its install time).
pub async fn upsert(store: &Store, p: &NewPlugin<'_>) -> StoreResult<()> {
    let ts = now();
    let status = if p.enabled { "enabled" } else { "disabled" };
    exec!(store, |db| {
        sqlx::query(
        "INSERT INTO plugins (id, name, version, kind, api_version, wasm_sha256, manifest_toml, wasm, \
         builtin, enabled, status, status_reason, granted, config, secrets_sealed, installed_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, $14, $15, $15) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, \
         kind = excluded.kind, api_version = excluded.api_version, wasm_sha256 = excluded.wasm_sha256, \
         manifest_toml = excluded.manifest_toml, wasm = excluded.wasm, builtin = excluded.builtin, \
         enabled = excluded.enabled, status = excluded.status, status_reason = NULL, \
         granted = excluded.granted, config = excluded.config, \
         secrets_sealed = excluded.secrets_sealed, updated_at = excluded.updated_at"
    )
    .bind(p.id)
    .bind(p.name)
    .bind(p.version)
    .bind(p.kind)
    .bind(p.api_version)
    .bind(p.wasm_sha256)
    .bind(p.manifest_toml)
    .bind(p.wasm)
    .bind(p.builtin)
    .bind(p.enabled)
    .bind(status)
    .bind(Json(p.granted))
    .bind(Json(p.config))
    .bind(p.secrets_sealed)
    .bind(ts)
    .execute(db)
    .await
    })?;
    Ok(())
}

/// Record enabled/disabled with a status (`enabled`, `disabled`, `auto_disabled`) and reason.
pub async fn set_status(
    store: &Store,
    id: &str,
    enabled: bool,
    status: &str,
    reason: Option<&str>,
) -> StoreResult<u64> {
    Ok(exec!(store, |db| {
        sqlx::query(
        "UPDATE plugins SET enabled = $2, status = $3, status_reason = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(enabled)
    .bind(status)
    .bind(reason)
    .bind(now())
    .execute(db)
    .await
    })?)
}

pub async fn set_grants(store: &Store, id: &str, granted: &[String]) -> StoreResult<u64> {
    Ok(exec!(store, |db| sqlx::query(
        "UPDATE plugins SET granted = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(Json(granted))
    .bind(now())
    .execute(db)
    .await)?)
}

pub async fn set_config(
    store: &Store,
    id: &str,
    config: &serde_json::Value,
    secrets_sealed: Option<&str>,
) -> StoreResult<u64> {
    Ok(exec!(store, |db| sqlx::query(
        "UPDATE plugins SET config = $2, secrets_sealed = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(Json(config))
    .bind(secrets_sealed)
    .bind(now())
    .execute(db)
    .await)?)
}

/// Remove a plugin and its key-value data.
pub async fn delete(store: &Store, id: &str) -> StoreResult<u64> {
    Ok(in_tx!(store, |tx| {
        sqlx::query("DELETE FROM plugin_kv WHERE plugin_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let removed = sqlx::query("DELETE FROM plugins WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        Ok::<_, sqlx::Error>(removed)
    })?)
}

/// The `kv` capability, persisted in the `plugin_kv` table. Runtime calls are synchronous and
/// run on blocking threads, so each operation blocks on the async store there.
pub struct DbKvStore {
    store: Store,
    runtime: tokio::runtime::Handle,
}

impl DbKvStore {
    pub fn new(store: Store, runtime: tokio::runtime::Handle) -> Self {
        DbKvStore { store, runtime }
    }

    fn run<T>(
        &self,
        work: impl std::future::Future<Output = StoreResult<T>>,
    ) -> Result<T, ServiceError> {
        self.runtime.block_on(work).map_err(|e| {
            tracing::warn!(error = %e, "plugin key-value storage failed");
            ServiceError("key-value storage is unavailable".into())
        })
    }
}

impl KvStore for DbKvStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        self.run(async {
            Ok(with_db!(self.store, |db| {
                sqlx::query_scalar::<_, Vec<u8>>(
                    "SELECT value FROM plugin_kv WHERE plugin_id = $1 AND key = $2",
                )
                .bind(namespace)
                .bind(key)
                .fetch_optional(db)
                .await
            })?)
        })
    }

    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.run(async {
            exec!(self.store, |db| sqlx::query(
                "INSERT INTO plugin_kv (plugin_id, key, value, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
            )
            .bind(namespace)
            .bind(key)
            .bind(value)
            .bind(now())
            .execute(db)
            .await)?;
            Ok(())
        })
    }

    fn delete(&self, namespace: &str, key: &str) -> Result<(), ServiceError> {
        self.run(async {
            exec!(self.store, |db| sqlx::query(
                "DELETE FROM plugin_kv WHERE plugin_id = $1 AND key = $2"
            )
            .bind(namespace)
            .bind(key)
            .execute(db)
            .await)?;
            Ok(())
        })
    }

    fn list_keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, ServiceError> {
        // Filtered here rather than with LIKE: keys are case-sensitive and may contain `%` or `_`.
        let keys = self.run(async {
            Ok(with_db!(self.store, |db| sqlx::query_scalar::<_, String>(
                "SELECT key FROM plugin_kv WHERE plugin_id = $1"
            )
            .bind(namespace)
            .fetch_all(db)
            .await)?)
        })?;
        let mut keys: Vec<String> = keys.into_iter().filter(|k| k.starts_with(prefix)).collect();
        keys.sort();
        Ok(keys)
    }
}
