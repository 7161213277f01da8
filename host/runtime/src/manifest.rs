//! `plugin.toml`: what a plugin is, what it asks for and how much it may use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Result, RuntimeError};
use crate::grants::ExecRule;
use crate::version::supported_versions;

/// Upper bound on a manifest's memory limit; the pooling allocator reserves this much per slot.
pub const MAX_MEMORY_MIB: u64 = 4096;
/// Upper bound on a manifest's per-call time limit.
pub const MAX_TIMEOUT_MS: u64 = 10 * 60 * 1000;

/// The kinds of plugin, one WIT world each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// Package-manager inventory, run by the agent.
    Collector,
    /// Event delivery to a destination.
    Notifier,
    /// HTTP routes, fleet reading, enrollment.
    Integration,
    /// Compliance scans.
    Scanner,
}

impl PluginKind {
    /// Every kind, in a stable order.
    pub const ALL: [PluginKind; 4] = [
        PluginKind::Collector,
        PluginKind::Notifier,
        PluginKind::Integration,
        PluginKind::Scanner,
    ];

    /// Lower-case name, as in manifests and WIT package names.
    pub fn name(self) -> &'static str {
        match self {
            PluginKind::Collector => "collector",
            PluginKind::Notifier => "notifier",
            PluginKind::Integration => "integration",
            PluginKind::Scanner => "scanner",
        }
    }
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PluginKind {
    type Err = RuntimeError;

    fn from_str(s: &str) -> Result<Self> {
        PluginKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| {
                RuntimeError::InvalidManifest(format!(
                    "unknown plugin kind `{s}` (expected collector, notifier, integration or scanner)"
                ))
            })
    }
}

/// Outbound HTTP a plugin asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpRequest {
    /// Fixed host names (optionally `host:port`).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Top-level configuration keys holding a URL whose host the plugin needs,
    /// e.g. a notifier's destination `url`.
    #[serde(default)]
    pub from_config: Vec<String>,
}

/// The capabilities a plugin asks for; an administrator grants some or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityRequest {
    /// Programs (and argument patterns) the plugin wants to run.
    #[serde(default)]
    pub exec: Vec<ExecRule>,
    /// Absolute paths (files or directories) the plugin wants to read.
    #[serde(default)]
    pub fs_read: Vec<String>,
    /// Outbound HTTP.
    #[serde(default)]
    pub http: HttpRequest,
    /// Sending e-mail through the host's relay.
    #[serde(default)]
    pub mail: bool,
    /// Plugin-private key-value storage.
    #[serde(default)]
    pub kv: bool,
    /// Reading the fleet.
    #[serde(default)]
    pub fleet_read: bool,
    /// Creating hosts.
    #[serde(default)]
    pub enroll: bool,
}

/// Resource limits per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Linear memory the guest may grow to, in MiB.
    #[serde(default = "Limits::default_memory_mib")]
    pub memory_mib: u64,
    /// Wall-clock time one call may take, in milliseconds.
    #[serde(default = "Limits::default_timeout_ms")]
    pub timeout_ms: u64,
    /// Fuel (roughly, wasm instructions) one call may burn; only enforced
    /// when the runtime is built with fuel metering.
    #[serde(default)]
    pub fuel: Option<u64>,
}

impl Limits {
    fn default_memory_mib() -> u64 {
        64
    }

    fn default_timeout_ms() -> u64 {
        10_000
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mib: Self::default_memory_mib(),
            timeout_ms: Self::default_timeout_ms(),
            fuel: None,
        }
    }
}

/// A parsed and validated `plugin.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable identifier: lower-case letters, digits and `-`, 2 to 64 characters.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Plugin version (semver).
    pub version: String,
    /// Which WIT world the component implements.
    pub kind: PluginKind,
    /// Version of the kind's WIT package the component was built against.
    pub api_version: String,
    /// What the plugin does.
    #[serde(default)]
    pub description: String,
    /// Who wrote it.
    #[serde(default)]
    pub author: String,
    /// SPDX licence expression.
    #[serde(default)]
    pub license: String,
    /// sha256 of `plugin.wasm`, lower-case hex.
    pub wasm_sha256: String,
    /// Capabilities requested.
    #[serde(default)]
    pub capabilities: CapabilityRequest,
    /// JSON Schema of the plugin's configuration (written as a TOML table).
    #[serde(default = "Manifest::empty_object_schema")]
    pub config_schema: serde_json::Value,
    /// Resource limits.
    #[serde(default)]
    pub limits: Limits,
}

impl Manifest {
    fn empty_object_schema() -> serde_json::Value {
        serde_json::json!({ "type": "object" })
    }

    /// Parse `plugin.toml` text and validate it.
    pub fn parse(text: &str) -> Result<Self> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|err| RuntimeError::InvalidManifest(err.message().to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Serialise back to TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|err| RuntimeError::InvalidManifest(err.to_string()))
    }

    /// Check every field; the message names the field and what is wrong with it.
    pub fn validate(&self) -> Result<()> {
        let invalid = |msg: String| Err(RuntimeError::InvalidManifest(msg));
        if !is_valid_id(&self.id) {
            return invalid(format!(
                "`id` \"{}\" must be 2-64 characters of a-z, 0-9 and '-', starting with a letter or digit",
                self.id
            ));
        }
        if self.name.trim().is_empty() {
            return invalid("`name` must not be empty".into());
        }
        if !is_semver(&self.version) {
            return invalid(format!(
                "`version` \"{}\" is not a semantic version like 1.2.3",
                self.version
            ));
        }
        if !is_semver(&self.api_version) {
            return invalid(format!(
                "`api_version` \"{}\" is not a semantic version like 0.1.0",
                self.api_version
            ));
        }
        let supported = supported_versions(self.kind);
        if !supported.contains(&self.api_version.as_str()) {
            return Err(RuntimeError::UnsupportedApiVersion {
                interface: format!("patchmon:{}", self.kind),
                found: self.api_version.clone(),
                supported: supported.join(", "),
            });
        }
        if self.wasm_sha256.len() != 64
            || !self
                .wasm_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return invalid("`wasm_sha256` must be 64 lower-case hex digits".into());
        }
        if !(1..=MAX_MEMORY_MIB).contains(&self.limits.memory_mib) {
            return invalid(format!(
                "`limits.memory_mib` must be between 1 and {MAX_MEMORY_MIB}"
            ));
        }
        if !(1..=MAX_TIMEOUT_MS).contains(&self.limits.timeout_ms) {
            return invalid(format!(
                "`limits.timeout_ms` must be between 1 and {MAX_TIMEOUT_MS}"
            ));
        }
        if self.limits.fuel == Some(0) {
            return invalid("`limits.fuel` must be positive when set".into());
        }
        if self.config_schema.get("type").and_then(|t| t.as_str()) != Some("object") {
            return invalid(
                "`config_schema` must be a JSON Schema with `type = \"object\"`".into(),
            );
        }
        for rule in &self.capabilities.exec {
            rule.validate().map_err(|msg| {
                RuntimeError::InvalidManifest(format!("`capabilities.exec`: {msg}"))
            })?;
        }
        for path in &self.capabilities.fs_read {
            if !path.starts_with('/') {
                return invalid(format!(
                    "`capabilities.fs_read` path \"{path}\" must be absolute"
                ));
            }
        }
        for host in &self.capabilities.http.hosts {
            if host.is_empty() || host.contains('/') || host.contains('*') {
                return invalid(format!(
                    "`capabilities.http.hosts` entry \"{host}\" must be a host name or host:port"
                ));
            }
        }
        Ok(())
    }
}

fn is_valid_id(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` / `+build` tail.
pub(crate) fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Manifests shared by tests across modules.
#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) const SAMPLE_NOTIFIER: &str = r#"
id = "notifier-example"
name = "Example"
version = "1.0.0"
kind = "notifier"
api_version = "0.1.0"
wasm_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"

[capabilities.http]
from_config = ["url"]

[config_schema]
type = "object"
required = ["url"]
[config_schema.properties.url]
type = "string"

[limits]
memory_mib = 32
timeout_ms = 2000
"#;
}

#[cfg(test)]
mod tests {
    use super::tests_support::SAMPLE_NOTIFIER as SAMPLE;
    use super::*;

    #[test]
    fn parses_a_complete_manifest() {
        let manifest = Manifest::parse(SAMPLE).unwrap();
        assert_eq!(manifest.kind, PluginKind::Notifier);
        assert_eq!(manifest.capabilities.http.from_config, vec!["url"]);
        assert_eq!(manifest.config_schema["required"][0], "url");
        assert_eq!(manifest.limits.memory_mib, 32);
        assert_eq!(manifest.limits.fuel, None);
        let again = Manifest::parse(&manifest.to_toml().unwrap()).unwrap();
        assert_eq!(again, manifest);
    }

    #[test]
    fn rejects_bad_fields_with_their_names() {
        let cases = [
            ("id = \"notifier-example\"", "id = \"Bad Id\"", "`id`"),
            ("version = \"1.0.0\"", "version = \"one\"", "`version`"),
            ("memory_mib = 32", "memory_mib = 0", "limits.memory_mib"),
            (
                "type = \"object\"\nrequired",
                "type = \"array\"\nrequired",
                "config_schema",
            ),
            (
                "wasm_sha256 = \"0000",
                "wasm_sha256 = \"ZZ00",
                "wasm_sha256",
            ),
        ];
        for (from, to, expected) in cases {
            let text = SAMPLE.replacen(from, to, 1);
            let err = Manifest::parse(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} should mention {expected}");
        }
    }

    #[test]
    fn unknown_kind_and_fields_are_refused() {
        let err = Manifest::parse(&SAMPLE.replace("kind = \"notifier\"", "kind = \"toaster\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("toaster"), "{err}");
        let err = Manifest::parse(&format!("colour = \"red\"\n{SAMPLE}"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn unsupported_api_version_names_both_versions() {
        let err =
            Manifest::parse(&SAMPLE.replace("api_version = \"0.1.0\"", "api_version = \"9.0.0\""))
                .unwrap_err();
        match err {
            RuntimeError::UnsupportedApiVersion {
                found, supported, ..
            } => {
                assert_eq!(found, "9.0.0");
                assert_eq!(supported, "0.1.0");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn semver_check() {
        assert!(is_semver("0.1.0"));
        assert!(is_semver("1.2.3-rc.1+build5"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("1.x.3"));
    }
}
