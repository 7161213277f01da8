//! `POST /hosts/ping`: the hash-gated check-in. An empty body is a legacy heartbeat.

use serde::{Deserialize, Serialize};

use crate::report::DiskDetail;

/// Section hashes the agent holds (64-char lowercase hex each); empty means unknown.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingHashes {
    #[serde(default)]
    pub packages_hash: String,
    #[serde(default)]
    pub repos_hash: String,
    #[serde(default)]
    pub interfaces_hash: String,
    #[serde(default)]
    pub hostname_hash: String,
    #[serde(default)]
    pub docker_hash: String,
    #[serde(default)]
    pub compliance_hash: String,
}

/// Cheap, volatile facts sent on every ping; absent or empty values keep stored ones.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingMetrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_cores: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ram_installed: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swap_size: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_details: Option<Vec<DiskDetail>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_uptime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_average: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_reboot: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reboot_reason: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<PingHashes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<PingMetrics>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agent_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_execution_ms: Option<i64>,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct IntegrationFlags {
    #[serde(default)]
    pub docker: bool,
    #[serde(default)]
    pub compliance: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PingResponse {
    pub message: String,
    pub timestamp: String,
    pub friendly_name: String,
    #[serde(default)]
    pub agent_startup: bool,
    /// Capability marker: absent or false means a pre-hash-gate server (send full reports).
    #[serde(default)]
    pub hash_gate: bool,
    #[serde(default)]
    pub integrations: IntegrationFlags,
    /// Stale sections; omitted when nothing is stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_full: Option<Vec<String>>,
}
