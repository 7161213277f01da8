//! Host services the embedding application provides: storage, the fleet,
//! enrollment and mail. The runtime never touches a database; the server
//! implements these traits over its own store, the agent leaves most unset.

use std::sync::Arc;

mod memory;
#[cfg(feature = "smtp")]
mod smtp;
pub mod testing;

pub use memory::MemoryKvStore;
#[cfg(feature = "smtp")]
pub use smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};

/// Failure of a host service; reaches the guest as `capability-error::failed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ServiceError(pub String);

/// Plugin-private key-value storage. `namespace` is the plugin id, so one
/// plugin can never see another's keys.
pub trait KvStore: Send + Sync {
    /// Value under `key`, if any.
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError>;
    /// Store `value` under `key`.
    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), ServiceError>;
    /// Remove `key`; absent keys are not an error.
    fn delete(&self, namespace: &str, key: &str) -> Result<(), ServiceError>;
    /// Keys starting with `prefix`, sorted.
    fn list_keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, ServiceError>;
}

/// One monitored host, as integrations see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSummary {
    /// Server-side identifier.
    pub id: String,
    /// Host name reported by the agent.
    pub hostname: String,
    /// Administrator-given name.
    pub friendly_name: Option<String>,
    /// Operating system and version, e.g. `Debian 12`.
    pub os: String,
    /// `active`, `pending` or `inactive`.
    pub status: String,
    /// Packages with an update.
    pub outdated_packages: u32,
    /// Packages with a security update.
    pub security_updates: u32,
    /// Group names.
    pub groups: Vec<String>,
    /// Last report, RFC 3339.
    pub last_seen: Option<String>,
    /// Primary IP address, if reported.
    pub ip: Option<String>,
}

/// Fleet-wide counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FleetStats {
    /// Hosts.
    pub total_hosts: u32,
    /// Hosts with at least one update.
    pub hosts_needing_updates: u32,
    /// Hosts with at least one security update.
    pub hosts_with_security_updates: u32,
    /// Updates over all hosts.
    pub total_outdated_packages: u32,
    /// Security updates over all hosts.
    pub total_security_updates: u32,
}

/// How many active hosts run one operating system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsShare {
    /// Operating-system name, e.g. `Ubuntu`.
    pub os_type: String,
    /// Active hosts running it.
    pub hosts: u32,
}

/// Dashboard figures (see `fleet-overview` in the integration WIT).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetOverview {
    /// Hosts with status `active`.
    pub active_hosts: u32,
    /// Hosts waiting for their first report.
    pub awaiting_data_hosts: u32,
    /// Active hosts with an available update.
    pub hosts_needing_updates: u32,
    /// Active hosts with an available security update.
    pub hosts_with_security_updates: u32,
    /// Distinct packages with an update somewhere.
    pub outdated_packages: u32,
    /// Distinct packages with a security update somewhere.
    pub security_packages: u32,
    /// Active repositories.
    pub active_repositories: u32,
    /// Successful reports in the last 24 hours.
    pub reports_last_24h: u32,
    /// Active hosts per operating system, most common first.
    pub os_distribution: Vec<OsShare>,
}

impl FleetStats {
    /// The counters over `hosts`.
    pub fn of(hosts: &[HostSummary]) -> FleetStats {
        let count = |keep: fn(&HostSummary) -> bool| hosts.iter().filter(|h| keep(h)).count();
        FleetStats {
            total_hosts: hosts.len() as u32,
            hosts_needing_updates: count(|h| h.outdated_packages > 0) as u32,
            hosts_with_security_updates: count(|h| h.security_updates > 0) as u32,
            total_outdated_packages: hosts.iter().map(|h| h.outdated_packages).sum(),
            total_security_updates: hosts.iter().map(|h| h.security_updates).sum(),
        }
    }
}

/// Read-only fleet access for integrations (capability `fleet-read`). The
/// server scopes what each plugin sees by `plugin_id`.
pub trait FleetReader: Send + Sync {
    /// Hosts visible to the plugin.
    fn list_hosts(&self, plugin_id: &str) -> Result<Vec<HostSummary>, ServiceError>;
    /// One visible host.
    fn get_host(&self, plugin_id: &str, host_id: &str)
        -> Result<Option<HostSummary>, ServiceError>;
    /// Counters over visible hosts (by default, added up from [`list_hosts`](Self::list_hosts)).
    fn stats(&self, plugin_id: &str) -> Result<FleetStats, ServiceError> {
        Ok(FleetStats::of(&self.list_hosts(plugin_id)?))
    }
    /// Dashboard figures over visible hosts.
    fn overview(&self, plugin_id: &str) -> Result<FleetOverview, ServiceError>;
}

/// A host an integration asks to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRequest {
    /// Host name.
    pub hostname: String,
    /// Display name.
    pub friendly_name: Option<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Stable machine id, for de-duplication.
    pub machine_id: Option<String>,
}

/// Credentials of a created host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// Server-side identifier.
    pub host_id: String,
    /// Agent API id.
    pub api_id: String,
    /// Agent API key.
    pub api_key: String,
}

/// Host creation for integrations (capability `enroll`).
pub trait Enroller: Send + Sync {
    /// Create the host (or return the existing one with the same machine id).
    fn enroll(
        &self,
        plugin_id: &str,
        request: EnrollmentRequest,
    ) -> Result<Enrollment, ServiceError>;
}

/// A plain-text e-mail a plugin asks the host to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    /// Recipients.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
}

/// Outgoing mail (capability `mail`).
pub trait Mailer: Send + Sync {
    /// Send `message` on behalf of `plugin_id`.
    fn send(&self, plugin_id: &str, message: &MailMessage) -> Result<(), ServiceError>;
}

/// The services handed to every call. Unset services make the matching
/// capability fail with a clear message even when granted.
#[derive(Clone)]
pub struct HostServices {
    /// Key-value storage (defaults to an in-memory store).
    pub kv: Arc<dyn KvStore>,
    /// Fleet reader (server only).
    pub fleet: Option<Arc<dyn FleetReader>>,
    /// Enrollment (server only).
    pub enroller: Option<Arc<dyn Enroller>>,
    /// Mail relay.
    pub mailer: Option<Arc<dyn Mailer>>,
}

impl Default for HostServices {
    fn default() -> Self {
        HostServices {
            kv: Arc::new(MemoryKvStore::default()),
            fleet: None,
            enroller: None,
            mailer: None,
        }
    }
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices")
            .field("fleet", &self.fleet.is_some())
            .field("enroller", &self.enroller.is_some())
            .field("mailer", &self.mailer.is_some())
            .finish_non_exhaustive()
    }
}
