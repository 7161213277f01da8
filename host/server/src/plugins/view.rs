//! The JSON shape of a plugin in the API (the dashboard's plugin page reads exactly this).

use patchmon_runtime::{Manifest, PluginMetrics};
use serde_json::{json, Value};

use super::store::PluginRow;
use super::{config, grants};
use crate::crypto::Keys;

pub fn render(row: &PluginRow, keys: &Keys, metrics: PluginMetrics) -> Value {
    // Rows are written only after their manifest parsed, so this holds; a row edited by hand
    // still renders, with what the row itself says.
    let manifest = Manifest::parse(&row.manifest_toml).ok();
    let requested = manifest.as_ref().map(grants::requested).unwrap_or_default();
    let capabilities = manifest
        .as_ref()
        .map(|m| serde_json::to_value(&m.capabilities).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    json!({
        "id": row.id,
        "name": row.name,
        "version": row.version,
        "kind": row.kind,
        "api_version": row.api_version,
        "description": manifest.as_ref().map(|m| m.description.as_str()).unwrap_or(""),
        "author": manifest.as_ref().map(|m| m.author.as_str()).unwrap_or(""),
        "license": manifest.as_ref().map(|m| m.license.as_str()).unwrap_or(""),
        "wasm_sha256": row.wasm_sha256,
        "builtin": row.builtin,
        "enabled": row.enabled,
        "status": row.status,
        "status_reason": row.status_reason,
        "requested": capabilities,
        "requested_capabilities": requested,
        "granted_capabilities": row.granted.0,
        "config_schema": manifest.as_ref().map(|m| m.config_schema.clone()).unwrap_or(json!({})),
        "config": row.config.0,
        "secrets_set": config::secrets_set(keys, row.secrets_sealed.as_deref()),
        "limits": manifest.as_ref().map(|m| json!({
            "memory_mib": m.limits.memory_mib,
            "timeout_ms": m.limits.timeout_ms,
            "fuel": m.limits.fuel,
        })),
        "metrics": {
            "calls": metrics.calls,
            "failures": metrics.traps + metrics.timeouts,
            "timeouts": metrics.timeouts,
            "denials": metrics.denials,
        },
        "installed_at": row.installed_at,
        "updated_at": row.updated_at,
    })
}
