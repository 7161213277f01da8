//! `POST /hosts/update`: the inventory report an agent sends, whole or by section.

use serde::{Deserialize, Serialize};

/// One installed package as the agent reports it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Package {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub current_version: String,
    #[serde(default)]
    pub available_version: Option<String>,
    #[serde(default)]
    pub needs_update: bool,
    #[serde(default)]
    pub is_security_update: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_kb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_categories: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_support_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wua_revision_number: Option<i32>,
}

/// One configured package repository.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub distribution: String,
    #[serde(default)]
    pub components: String,
    #[serde(default)]
    pub repo_type: String,
    #[serde(default)]
    pub is_enabled: bool,
    #[serde(default)]
    pub is_secure: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InterfaceAddress {
    pub address: String,
    /// `inet` or `inet6`.
    pub family: String,
    /// Prefix length written as `/24`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netmask: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
    /// `up` or `down`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Mbps; -1 when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_speed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplex: Option<String>,
    #[serde(default)]
    pub addresses: Vec<InterfaceAddress>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DiskDetail {
    pub name: String,
    pub size: String,
    pub mountpoint: String,
}

/// The hashes an agent claims for the sections it sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportHashes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repos_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaces_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname_hash: Option<String>,
}

/// The report body. Empty strings mean "keep the stored value"; `sections` absent or empty
/// means a full report.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportPayload {
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub repositories: Vec<Repository>,
    #[serde(default)]
    pub os_type: String,
    #[serde(default)]
    pub os_version: String,
    #[serde(default)]
    pub hostname: String,
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub agent_version: String,
    #[serde(default)]
    pub machine_id: String,
    #[serde(default)]
    pub kernel_version: String,
    #[serde(default)]
    pub installed_kernel_version: String,
    #[serde(default)]
    pub selinux_status: String,
    #[serde(default)]
    pub system_uptime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_average: Option<Vec<f64>>,
    #[serde(default)]
    pub cpu_model: String,
    #[serde(default)]
    pub cpu_cores: i64,
    /// GB.
    #[serde(default)]
    pub ram_installed: f64,
    /// GB.
    #[serde(default)]
    pub swap_size: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_details: Option<Vec<DiskDetail>>,
    #[serde(default)]
    pub gateway_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_servers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interfaces: Option<Vec<NetworkInterface>>,
    /// Seconds the agent spent collecting.
    #[serde(default)]
    pub execution_time: f64,
    #[serde(default)]
    pub needs_reboot: bool,
    #[serde(default)]
    pub reboot_reason: String,
    #[serde(default)]
    pub package_manager: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<ReportHashes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_execution_ms: Option<i64>,
}

/// `200` answer to a report.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportResponse {
    pub message: String,
    pub packages_processed: i64,
    pub updates_available: i64,
    pub security_updates: i64,
}

/// `GET /settings/update-interval`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateIntervalResponse {
    pub update_interval: i64,
}
