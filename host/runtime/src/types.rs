//! Version-neutral data exchanged with plugins. Embedders use these; each
//! versioned binding converts them to and from its generated types.

use serde::{Deserialize, Serialize};

/// How urgent something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// A fleet event for notifiers and integrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id, stable across retries.
    pub id: String,
    /// Event type, e.g. `host_down`.
    pub kind: String,
    /// Urgency.
    pub severity: Severity,
    /// Short summary.
    pub title: String,
    /// Longer description.
    pub message: String,
    /// RFC 3339 timestamp.
    pub occurred_at: String,
    /// Host concerned, if one.
    pub host: Option<String>,
    /// Event-specific JSON object.
    pub details: serde_json::Value,
}

/// What a plugin says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
}

/// Facts about the host a collector or scanner runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFacts {
    pub hostname: String,
    pub os_family: String,
    pub os_id: String,
    pub os_version: String,
    pub kernel_release: String,
    pub architecture: String,
}

/// A package as a package manager names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub architecture: Option<String>,
    pub source_repository: Option<String>,
    pub description: Option<String>,
}

/// An available update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upgradable {
    pub installed: Package,
    pub available_version: String,
    pub is_security: bool,
    pub source_repository: Option<String>,
}

/// A configured repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    pub name: String,
    pub url: String,
    pub distribution: String,
    pub components: Vec<String>,
    pub repo_type: String,
    pub enabled: bool,
    pub secure: bool,
}

/// A collector's full report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub installed: Vec<Package>,
    pub upgradable: Vec<Upgradable>,
    pub repositories: Vec<Repository>,
}

/// A route an integration serves below its mount point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub description: String,
}

/// An HTTP request or response exchanged with an integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpExchange {
    /// Method (requests only; empty in responses).
    pub method: String,
    /// Path below the mount (requests only).
    pub path: String,
    /// Query string without `?` (requests only).
    pub query: String,
    /// Status (responses only; 0 in requests).
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Outcome of one compliance rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Pass,
    Fail,
    Error,
    NotApplicable,
    Manual,
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule_id: String,
    pub title: String,
    pub status: RuleStatus,
    pub severity: Severity,
    pub details: String,
}

/// A scanner's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    pub profile: String,
    pub results: Vec<RuleResult>,
}

/// Approximate byte size of data a guest returned, checked against the
/// runtime's output limit.
pub(crate) trait OutputSize {
    fn output_size(&self) -> usize;
}

impl OutputSize for String {
    fn output_size(&self) -> usize {
        self.len()
    }
}

impl<T: OutputSize> OutputSize for Vec<T> {
    fn output_size(&self) -> usize {
        self.iter().map(OutputSize::output_size).sum()
    }
}

impl<T: OutputSize> OutputSize for Option<T> {
    fn output_size(&self) -> usize {
        self.as_ref().map_or(0, OutputSize::output_size)
    }
}

impl OutputSize for PluginInfo {
    fn output_size(&self) -> usize {
        self.id.len() + self.name.len() + self.version.len() + self.description.len()
    }
}

impl OutputSize for Package {
    fn output_size(&self) -> usize {
        self.name.len()
            + self.version.len()
            + self.architecture.output_size()
            + self.source_repository.output_size()
            + self.description.output_size()
    }
}

impl OutputSize for Upgradable {
    fn output_size(&self) -> usize {
        self.installed.output_size()
            + self.available_version.len()
            + self.source_repository.output_size()
    }
}

impl OutputSize for Repository {
    fn output_size(&self) -> usize {
        self.name.len()
            + self.url.len()
            + self.distribution.len()
            + self.components.output_size()
            + self.repo_type.len()
    }
}

impl OutputSize for Inventory {
    fn output_size(&self) -> usize {
        self.installed.output_size()
            + self.upgradable.output_size()
            + self.repositories.output_size()
    }
}

impl OutputSize for Route {
    fn output_size(&self) -> usize {
        self.method.len() + self.path.len() + self.description.len()
    }
}

impl OutputSize for HttpExchange {
    fn output_size(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
        headers + self.body.len()
    }
}

impl OutputSize for RuleResult {
    fn output_size(&self) -> usize {
        self.rule_id.len() + self.title.len() + self.details.len()
    }
}

impl OutputSize for ScanReport {
    fn output_size(&self) -> usize {
        self.profile.len() + self.results.output_size()
    }
}
