//! WebSocket `GET /agents/ws`: JSON text frames with a `type` field, in both directions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Server -> agent commands.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    SettingsUpdate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        update_interval: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compliance_scan_interval: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package_cache_refresh_mode: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package_cache_refresh_max_age: Option<i64>,
    },
    ReportNow,
    UpdateAgent,
    RefreshIntegrationStatus,
    DockerInventoryRefresh,
    /// `config: {"docker": bool, "compliance": {"enabled": false | true | "on-demand", ...}}`.
    ApplyConfig {
        config: Value,
    },
    RunPatch {
        #[serde(default)]
        patch_run_id: String,
        #[serde(default)]
        patch_type: String,
        #[serde(default)]
        dry_run: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package_names: Option<Vec<String>>,
    },
    PatchRunStop {
        patch_run_id: String,
    },
    ComplianceScan {
        #[serde(default)]
        profile_type: String,
        #[serde(default)]
        profile_id: Option<String>,
        #[serde(default)]
        enable_remediation: bool,
        #[serde(default)]
        fetch_remote_resources: bool,
        #[serde(default)]
        openscap_enabled: bool,
        #[serde(default)]
        docker_bench_enabled: bool,
    },
    ComplianceScanCancel,
    InstallScanner,
    UpgradeSsg {
        version: String,
    },
    RemediateRule {
        rule_id: String,
    },
    DockerImageScan {
        #[serde(default)]
        image_name: String,
        #[serde(default)]
        container_name: String,
        #[serde(default)]
        scan_all_images: bool,
    },
    SshProxy {
        session_id: String,
        host: String,
        port: u16,
        #[serde(default = "default_ssh_user")]
        username: String,
        #[serde(default = "default_terminal")]
        terminal: String,
        #[serde(default = "default_cols")]
        cols: u16,
        #[serde(default = "default_rows")]
        rows: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passphrase: Option<String>,
    },
    SshProxyInput {
        session_id: String,
        data: String,
    },
    SshProxyResize {
        session_id: String,
        cols: u16,
        rows: u16,
    },
    SshProxyDisconnect {
        session_id: String,
    },
    RdpProxy {
        session_id: String,
        host: String,
        port: u16,
    },
    RdpProxyInput {
        session_id: String,
        /// Base64.
        data: String,
    },
    RdpProxyDisconnect {
        session_id: String,
    },
    /// A type this version does not know; agents ignore it rather than dropping the connection.
    #[serde(other)]
    Unknown,
}

fn default_ssh_user() -> String {
    "root".into()
}
fn default_terminal() -> String {
    "xterm-256color".into()
}
fn default_cols() -> u16 {
    80
}
fn default_rows() -> u16 {
    24
}

/// Agent -> server events.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentMessage {
    SshProxyConnected {
        session_id: String,
    },
    SshProxyData {
        session_id: String,
        data: String,
    },
    SshProxyError {
        session_id: String,
        #[serde(default)]
        message: String,
    },
    SshProxyClosed {
        session_id: String,
    },
    RdpProxyConnected {
        session_id: String,
    },
    RdpProxyData {
        session_id: String,
        data: String,
    },
    RdpProxyError {
        session_id: String,
        #[serde(default)]
        message: String,
    },
    RdpProxyClosed {
        session_id: String,
    },
    DockerStatus {
        #[serde(default)]
        event: Value,
        #[serde(default)]
        container_id: String,
        #[serde(default)]
        name: String,
        #[serde(default)]
        status: String,
        #[serde(default)]
        timestamp: String,
    },
    ComplianceScanProgress {
        #[serde(default)]
        phase: String,
        #[serde(default)]
        profile_name: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        progress: f64,
        #[serde(default)]
        error: String,
        #[serde(default)]
        timestamp: String,
    },
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_use_patchmon_type_names() {
        let text = serde_json::to_string(&ServerMessage::ReportNow).unwrap();
        assert_eq!(text, r#"{"type":"report_now"}"#);
        let update = ServerMessage::SettingsUpdate {
            update_interval: Some(30),
            compliance_scan_interval: None,
            package_cache_refresh_mode: None,
            package_cache_refresh_max_age: None,
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"type":"settings_update","update_interval":30}"#
        );
        let parsed: ServerMessage = serde_json::from_str(
            r#"{"type":"ssh_proxy","session_id":"s","host":"localhost","port":22}"#,
        )
        .unwrap();
        match parsed {
            ServerMessage::SshProxy {
                username,
                cols,
                rows,
                terminal,
                ..
            } => {
                assert_eq!(
                    (username.as_str(), cols, rows, terminal.as_str()),
                    ("root", 80, 24, "xterm-256color")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_types_are_tolerated_both_ways() {
        let parsed: ServerMessage = serde_json::from_str(r#"{"type":"brand_new","x":1}"#).unwrap();
        assert_eq!(parsed, ServerMessage::Unknown);
        let parsed: AgentMessage =
            serde_json::from_str(r#"{"type":"docker_status","status":"running"}"#).unwrap();
        assert!(
            matches!(parsed, AgentMessage::DockerStatus { ref status, .. } if status == "running")
        );
    }
}
