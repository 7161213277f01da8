//! Building what the agent sends: the report payload with section hashes, and the ping.

use std::collections::HashMap;
use std::time::Instant;

use patchmon_proto::hash;
use patchmon_proto::ping::{PingHashes, PingMetrics, PingRequest};
use patchmon_proto::report::{Package, ReportHashes, ReportPayload, Repository};

use patchmon_runtime::types::{HostFacts, Inventory, Upgradable};

use crate::collect::cache::PluginCache;
use crate::collect::Collectors;
use crate::error::{AgentError, Result};
use crate::facts::{self, SystemFacts};

/// A collected report, ready to send whole or by section.
pub struct Collected {
    pub payload: ReportPayload,
    pub facts: SystemFacts,
}

pub fn host_facts(facts: &SystemFacts) -> HostFacts {
    HostFacts {
        hostname: facts.hostname.clone(),
        os_family: facts.os.family().to_string(),
        os_id: facts.os.id.clone(),
        os_version: facts.os.version_id.clone(),
        kernel_release: facts.kernel_version.clone(),
        architecture: facts.architecture.clone(),
    }
}

/// Joins installed packages with their updates (by name) into the wire packages.
pub fn packages(inventory: &Inventory) -> Vec<Package> {
    let updates: HashMap<&str, &Upgradable> = inventory
        .upgradable
        .iter()
        .map(|u| (u.installed.name.as_str(), u))
        .collect();
    inventory
        .installed
        .iter()
        .map(|p| {
            let update = updates.get(p.name.as_str());
            Package {
                name: p.name.clone(),
                description: p.description.clone(),
                current_version: p.version.clone(),
                available_version: update.map(|u| u.available_version.clone()),
                needs_update: update.is_some(),
                is_security_update: update.is_some_and(|u| u.is_security),
                source_repository: update.and_then(|u| u.source_repository.clone()),
                ..Package::default()
            }
        })
        .collect()
}

pub fn repositories(inventory: &Inventory) -> Vec<Repository> {
    inventory
        .repositories
        .iter()
        .map(|r| Repository {
            name: r.name.clone(),
            url: r.url.clone(),
            distribution: r.distribution.clone(),
            components: r.components.join(" "),
            repo_type: r.repo_type.clone(),
            is_enabled: r.enabled,
            is_secure: r.secure,
        })
        .collect()
}

/// Collects facts and inventory (blocking work) with the collector plugins at hand and builds a
/// full payload with hashes.
pub fn collect(plugins: &PluginCache) -> Result<Collected> {
    let started = Instant::now();
    tracing::debug!("Detecting operating system...");
    let facts = facts::collect();
    tracing::debug!(os_type = %facts.os.id, os_version = %facts.os.version_id, "Detected OS");
    let no_collector = |message: String| AgentError::Collector {
        collector: "none".into(),
        message,
    };
    let collectors = Collectors::new(plugins).map_err(|e| no_collector(e.to_string()))?;
    let collector = collectors
        .detect(&host_facts(&facts))
        .ok_or_else(|| no_collector("no supported package manager found".into()))?;
    tracing::info!(collector = %collector.id(), version = %collector.version(), origin = ?collector.origin(), "Collecting packages");
    let inventory = collector.collect().map_err(|e| AgentError::Collector {
        collector: collector.name().into(),
        message: e.to_string(),
    })?;
    let packages = packages(&inventory);
    let repositories = repositories(&inventory);
    tracing::debug!(count = packages.len(), "Found packages");
    let hashes = ReportHashes {
        packages_hash: Some(hash::packages_hash(&packages)),
        repos_hash: Some(hash::repos_hash(&repositories)),
        interfaces_hash: Some(hash::interfaces_hash(&facts.interfaces)),
        hostname_hash: Some(hash::hostname_hash(&facts.hostname)),
    };
    let elapsed = started.elapsed();
    let payload = ReportPayload {
        packages,
        repositories,
        os_type: facts.os.id.clone(),
        os_version: facts.os.version_id.clone(),
        hostname: facts.hostname.clone(),
        ip: facts.primary_ip.clone(),
        architecture: facts.architecture.clone(),
        agent_version: env!("CARGO_PKG_VERSION").into(),
        machine_id: facts.machine_id.clone(),
        kernel_version: facts.kernel_version.clone(),
        installed_kernel_version: facts.installed_kernel_version.clone(),
        selinux_status: facts.selinux_status.clone(),
        system_uptime: facts.uptime.clone(),
        boot_time: facts.boot_time.clone(),
        load_average: Some(facts.load_average.clone()),
        cpu_model: facts.cpu_model.clone(),
        cpu_cores: facts.cpu_cores,
        ram_installed: facts.ram_gb,
        swap_size: facts.swap_gb,
        disk_details: Some(facts.disks.clone()),
        gateway_ip: facts.gateway_ip.clone(),
        dns_servers: Some(facts.dns_servers.clone()),
        network_interfaces: Some(facts.interfaces.clone()),
        execution_time: elapsed.as_secs_f64(),
        needs_reboot: facts.reboot.required,
        reboot_reason: facts.reboot.reason.clone(),
        package_manager: collector.name().into(),
        sections: None,
        hashes: Some(hashes),
        agent_execution_ms: Some(elapsed.as_millis() as i64),
    };
    Ok(Collected { payload, facts })
}

/// The check-in body: the section hashes of `payload` plus cheap metrics.
pub fn ping_request(collected: &Collected) -> PingRequest {
    let hashes = collected.payload.hashes.clone().unwrap_or_default();
    let facts = &collected.facts;
    PingRequest {
        hashes: Some(PingHashes {
            packages_hash: hashes.packages_hash.unwrap_or_default(),
            repos_hash: hashes.repos_hash.unwrap_or_default(),
            interfaces_hash: hashes.interfaces_hash.unwrap_or_default(),
            hostname_hash: hashes.hostname_hash.unwrap_or_default(),
            docker_hash: String::new(),
            compliance_hash: String::new(),
        }),
        metrics: Some(PingMetrics {
            cpu_cores: Some(facts.cpu_cores),
            cpu_model: Some(facts.cpu_model.clone()),
            ram_installed: Some(facts.ram_gb),
            swap_size: Some(facts.swap_gb),
            disk_details: Some(facts.disks.clone()),
            system_uptime: Some(facts.uptime.clone()),
            boot_time: facts.boot_time.clone(),
            load_average: Some(facts.load_average.clone()),
            needs_reboot: Some(facts.reboot.required),
            reboot_reason: Some(facts.reboot.reason.clone()).filter(|r| !r.is_empty()),
        }),
        agent_version: env!("CARGO_PKG_VERSION").into(),
        agent_execution_ms: collected.payload.agent_execution_ms,
    }
}

/// The payload restricted to the sections the server asked for (`requestFull`).
pub fn partial(payload: &ReportPayload, sections: &[String]) -> ReportPayload {
    let mut partial = payload.clone();
    let has = |s: &str| sections.iter().any(|x| x == s);
    if !has("packages") {
        partial.packages.clear();
    }
    if !has("repos") {
        partial.repositories.clear();
    }
    partial.sections = Some(
        ["packages", "repos", "interfaces", "hostname"]
            .into_iter()
            .filter(|s| has(s))
            .map(str::to_string)
            .collect(),
    );
    partial
}
