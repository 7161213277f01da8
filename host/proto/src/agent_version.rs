//! `GET /hosts/agent/version`: what the server offers for self-update.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AgentVersionInfo {
    pub current_version: String,
    /// The version of the binary the server ships (no leading `v`).
    pub latest_version: Option<String>,
    pub has_update: bool,
    pub auto_update_disabled: bool,
    #[serde(default)]
    pub auto_update_disabled_reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_notes: Option<String>,
    #[serde(default)]
    pub min_server_version: Option<String>,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub agent_type: String,
    /// Lowercase hex SHA-256 of the binary; the agent refuses to update without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}
