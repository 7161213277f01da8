//! The host services the server gives plugins: the fleet (`fleet-read`), host creation
//! (`enroll`) and outgoing mail (`mail`, through the SMTP relay in the configuration).
//!
//! Plugin calls run on blocking threads, so these synchronous trait methods drive the async
//! store with the runtime handle they were built on.

use std::future::Future;
use std::sync::Arc;

use patchmon_runtime::services::{
    Enroller, Enrollment, EnrollmentRequest, FleetOverview, FleetReader, HostSummary, Mailer,
    OsShare, ServiceError, SmtpMailer, SmtpSecurity, SmtpSettings,
};
use serde_json::json;
use tokio::runtime::Handle;

use crate::audit::{self, Actor};
use crate::config::Config;
use crate::crypto::Keys;
use crate::hosts::store::{self as hosts, NewHost};
use crate::scoped_api::store::{self as fleet, ListedHost};
use crate::store::Store;
use crate::with_db;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn run<T, E: std::fmt::Display>(
    handle: &Handle,
    what: &str,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, ServiceError> {
    handle.block_on(work).map_err(|e| {
        tracing::warn!(error = %e, "plugin host service failed: {what}");
        ServiceError(format!("{what} is unavailable"))
    })
}

/// Every host of the fleet, read-only. The grant is all or nothing: a plugin with `fleet-read`
/// sees what a user with `can_view_hosts` sees.
pub struct Fleet {
    store: Store,
    handle: Handle,
}

impl Fleet {
    pub fn new(store: Store, handle: Handle) -> Self {
        Fleet { store, handle }
    }

    async fn summaries(&self, only: Option<&str>) -> Result<Vec<HostSummary>, BoxError> {
        let update_interval = crate::settings::load_row(&self.store)
            .await?
            .update_interval;
        let hosts: Vec<ListedHost> = match only {
            Some(id) => fleet::host(&self.store, id).await?.into_iter().collect(),
            None => fleet::hosts(&self.store, None).await?,
        };
        let ids: Vec<String> = hosts.iter().map(|h| h.id.clone()).collect();
        let mut groups = hosts::groups_of(&self.store, &ids).await?;
        Ok(hosts
            .into_iter()
            .map(|host| {
                let host_groups = groups.remove(&host.id).unwrap_or_default();
                summary(&host, host_groups, update_interval)
            })
            .collect())
    }
}

fn summary(host: &ListedHost, groups: Vec<hosts::GroupRef>, update_interval: i64) -> HostSummary {
    let os = format!("{} {}", host.os_type, host.os_version);
    HostSummary {
        id: host.id.clone(),
        hostname: host
            .hostname
            .clone()
            .unwrap_or_else(|| host.friendly_name.clone()),
        friendly_name: Some(host.friendly_name.clone()),
        os: os.trim().to_string(),
        status: host.effective_status(update_interval).to_string(),
        outdated_packages: host.outdated_count.try_into().unwrap_or(u32::MAX),
        security_updates: host.security_count.try_into().unwrap_or(u32::MAX),
        groups: groups.into_iter().map(|g| g.name).collect(),
        // Pending hosts carry their creation time here until they first report.
        last_seen: (host.status != "pending").then(|| host.last_update.to_rfc3339()),
        ip: host.ip.clone().filter(|ip| !ip.is_empty()),
    }
}

impl FleetReader for Fleet {
    /// Reused for a few seconds, like the scoped API's list (see [`crate::store::read_cache`]).
    fn list_hosts(&self, _plugin_id: &str) -> Result<Vec<HostSummary>, ServiceError> {
        let all = self
            .store
            .reads
            .get_or_build("fleet-hosts", || self.summaries(None));
        run(&self.handle, "the fleet", all).map(|hosts| hosts.as_ref().clone())
    }

    fn get_host(
        &self,
        _plugin_id: &str,
        host_id: &str,
    ) -> Result<Option<HostSummary>, ServiceError> {
        let mut found = run(&self.handle, "the fleet", self.summaries(Some(host_id)))?;
        Ok(found.pop())
    }

    /// Reused for a few seconds: gethomepage widgets and Prometheus poll it.
    fn overview(&self, _plugin_id: &str) -> Result<FleetOverview, ServiceError> {
        let figures = self
            .store
            .reads
            .get_or_build("fleet-overview", || overview(&self.store));
        run(&self.handle, "the fleet", figures).map(|figures| figures.as_ref().clone())
    }
}

#[derive(sqlx::FromRow)]
struct OverviewCounts {
    active_hosts: i64,
    awaiting_data_hosts: i64,
    hosts_needing_updates: i64,
    hosts_with_security_updates: i64,
    outdated_packages: i64,
    security_packages: i64,
    active_repositories: i64,
    reports_last_24h: i64,
}

/// Host counts are over active hosts and read the hosts' own totals (migration 0006); package
/// counts are distinct packages, as the dashboard counts them, written as `EXISTS` probes so each
/// is a walk of the partial "outdated" indexes (migration 0005), not a scan of every package row.
const OVERVIEW: &str = "SELECT \
    (SELECT COUNT(*) FROM hosts WHERE status = 'active') AS active_hosts, \
    (SELECT COUNT(*) FROM hosts WHERE status = 'pending') AS awaiting_data_hosts, \
    (SELECT COUNT(*) FROM hosts WHERE status = 'active' AND outdated_count > 0) AS hosts_needing_updates, \
    (SELECT COUNT(*) FROM hosts WHERE status = 'active' AND security_count > 0) AS hosts_with_security_updates, \
    (SELECT COUNT(*) FROM packages p WHERE EXISTS \
        (SELECT 1 FROM host_packages hp WHERE hp.package_id = p.id AND hp.needs_update)) AS outdated_packages, \
    (SELECT COUNT(*) FROM packages p WHERE EXISTS \
        (SELECT 1 FROM host_packages hp WHERE hp.package_id = p.id AND hp.needs_update AND hp.is_security_update)) \
        AS security_packages, \
    (SELECT COUNT(*) FROM repositories WHERE is_active) AS active_repositories, \
    (SELECT COUNT(*) FROM update_history WHERE status = 'success' AND timestamp >= $1) AS reports_last_24h";

#[derive(sqlx::FromRow)]
struct OsRow {
    os_type: String,
    hosts: i64,
}

async fn overview(store: &Store) -> Result<FleetOverview, BoxError> {
    let since = crate::store::now() - chrono::Duration::hours(24);
    let counts = with_db!(store, |db| sqlx::query_as::<_, OverviewCounts>(OVERVIEW)
        .bind(since)
        .fetch_one(db)
        .await)?;
    let os = with_db!(store, |db| sqlx::query_as::<_, OsRow>(
        "SELECT os_type, COUNT(*) AS hosts FROM hosts WHERE status = 'active' \
         GROUP BY os_type ORDER BY hosts DESC, os_type"
    )
    .fetch_all(db)
    .await)?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(FleetOverview {
        active_hosts: count(counts.active_hosts),
        awaiting_data_hosts: count(counts.awaiting_data_hosts),
        hosts_needing_updates: count(counts.hosts_needing_updates),
        hosts_with_security_updates: count(counts.hosts_with_security_updates),
        outdated_packages: count(counts.outdated_packages),
        security_packages: count(counts.security_packages),
        active_repositories: count(counts.active_repositories),
        reports_last_24h: count(counts.reports_last_24h),
        os_distribution: os
            .into_iter()
            .map(|row| OsShare {
                os_type: row.os_type,
                hosts: count(row.hosts),
            })
            .collect(),
    })
}

/// Creates pending hosts for integrations such as Proxmox auto-enrollment, with fresh agent
/// credentials, like an administrator adding a host. Audited under the plugin's name.
pub struct HostEnroller {
    store: Store,
    keys: Keys,
    handle: Handle,
}

impl HostEnroller {
    pub fn new(store: Store, keys: Keys, handle: Handle) -> Self {
        HostEnroller {
            store,
            keys,
            handle,
        }
    }

    async fn enroll_host(
        &self,
        plugin_id: &str,
        request: &EnrollmentRequest,
    ) -> Result<Result<Enrollment, ServiceError>, BoxError> {
        let refuse = |message: String| Ok(Err(ServiceError(message)));
        let requested = request
            .friendly_name
            .as_deref()
            .unwrap_or(&request.hostname);
        let Some(name) = crate::hosts::valid_friendly_name(requested) else {
            let most = crate::hosts::MAX_NAME;
            return refuse(format!("the host name must be 1 to {most} characters"));
        };
        let machine_id = request
            .machine_id
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        if let Some(machine_id) = machine_id {
            if let Some(existing) =
                crate::enrollment::store::find_by_machine_id(&self.store, machine_id).await?
            {
                // The key of an existing host was shown once, when it was created.
                return Ok(Ok(Enrollment {
                    host_id: existing.id,
                    api_id: existing.api_id,
                    api_key: String::new(),
                }));
            }
        }
        let mut names = request.groups.clone();
        names.sort();
        names.dedup();
        let group_ids = fleet::group_ids_by_name(&self.store, &names).await?;
        if group_ids.len() != names.len() {
            return refuse(format!("unknown host group among {names:?}"));
        }
        let (api_id, api_key) = crate::hosts::new_credentials();
        let hash = self.keys.credential_hash(&api_key);
        let host_id = hosts::create(
            &self.store,
            NewHost {
                friendly_name: name,
                machine_id,
                api_id: &api_id,
                api_key_hash: &hash,
                docker_enabled: false,
                compliance_enabled: false,
                expected_platform: None,
                group_ids: &group_ids,
            },
        )
        .await?;
        let actor_name = format!("plugin:{plugin_id}");
        let actor = Actor {
            user_id: None,
            username: Some(&actor_name),
            ip: None,
        };
        audit::record(
            &self.store,
            &actor,
            "host_created",
            Some(("host", &host_id)),
            json!({"friendly_name": name, "plugin": plugin_id}),
        )
        .await;
        tracing::info!(plugin = plugin_id, host_id = %host_id, "plugin enrolled a host");
        Ok(Ok(Enrollment {
            host_id,
            api_id,
            api_key,
        }))
    }
}

impl Enroller for HostEnroller {
    fn enroll(
        &self,
        plugin_id: &str,
        request: EnrollmentRequest,
    ) -> Result<Enrollment, ServiceError> {
        run(
            &self.handle,
            "host enrollment",
            self.enroll_host(plugin_id, &request),
        )?
    }
}

/// The SMTP relay from the configuration, when `SMTP_HOST` is set.
pub fn mailer(config: &Config) -> Result<Option<SmtpMailer>, ServiceError> {
    let Some(host) = config.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
        return Ok(None);
    };
    // Config::load accepts only these three.
    let security = match config.smtp_security.as_str() {
        "none" => SmtpSecurity::None,
        "tls" => SmtpSecurity::Tls,
        _ => SmtpSecurity::StartTls,
    };
    let settings = SmtpSettings {
        host: host.trim().to_string(),
        port: config.smtp_port,
        security,
        username: config.smtp_username.clone().filter(|u| !u.is_empty()),
        password: config.smtp_password.clone().filter(|p| !p.is_empty()),
        from: config.smtp_from.clone(),
    };
    SmtpMailer::new(&settings).map(Some)
}

/// Everything a plugin call may use: database-backed storage, fleet, enrollment, and mail when a
/// relay is configured (an invalid relay setting is logged and leaves mail unavailable).
pub fn host_services(
    store: &Store,
    keys: &Keys,
    config: &Config,
    handle: Handle,
) -> patchmon_runtime::services::HostServices {
    let mailer: Option<Arc<dyn Mailer>> = match mailer(config) {
        Ok(mailer) => mailer.map(|m| Arc::new(m) as Arc<dyn Mailer>),
        Err(e) => {
            tracing::warn!(error = %e, "SMTP settings are invalid: plugins cannot send mail");
            None
        }
    };
    patchmon_runtime::services::HostServices {
        kv: Arc::new(super::store::DbKvStore::new(store.clone(), handle.clone())),
        fleet: Some(Arc::new(Fleet::new(store.clone(), handle.clone()))),
        enroller: Some(Arc::new(HostEnroller::new(
            store.clone(),
            keys.clone(),
            handle,
        ))),
        mailer,
    }
}
