//! The simulated hosts: created through the admin API, each with a deterministic inventory drawn
//! from a shared package catalogue (so hosts share `packages` rows, as a real fleet does).

use patchmon_proto::hash;
use patchmon_proto::ping::{PingHashes, PingRequest};
use patchmon_proto::report::{Package, ReportHashes, ReportPayload, Repository};
use serde_json::{json, Value};

/// Distinct package names across the fleet.
const CATALOGUE: usize = 5000;
/// Packages whose version moves in each "changed" report.
pub const CHANGED_PER_REPORT: usize = 20;

pub struct SimulatedHost {
    pub index: usize,
    pub api_id: String,
    pub api_key: String,
}

/// Creates a host the way an administrator does, returning its agent credentials.
pub async fn create_host(
    client: &reqwest::Client,
    server: &str,
    token: &str,
    index: usize,
) -> Result<SimulatedHost, String> {
    let response = client
        .post(format!("{server}/api/v1/hosts/create"))
        .bearer_auth(token)
        .json(&json!({"friendly_name": format!("load-{index:05}")}))
        .send()
        .await
        .map_err(|e| format!("creating host {index}: {e}"))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("creating host {index}: {e}"))?;
    if !status.is_success() {
        return Err(format!("creating host {index}: HTTP {status}: {body}"));
    }
    let field = |name: &str| {
        body[name]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("creating host {index}: no {name} in {body}"))
    };
    Ok(SimulatedHost {
        index,
        api_id: field("apiId")?,
        api_key: field("apiKey")?,
    })
}

impl SimulatedHost {
    fn hostname(&self) -> String {
        format!("load-{:05}.bench", self.index)
    }

    /// Package `j` of this host; `generation` moves the first `CHANGED_PER_REPORT` versions.
    fn package(&self, j: usize, generation: u32) -> Package {
        let name = format!("pkg-{:04}", (self.index * 37 + j) % CATALOGUE);
        let bump = if j < CHANGED_PER_REPORT {
            generation
        } else {
            0
        };
        let outdated = j % 8 == 0;
        Package {
            name,
            description: Some("simulated package".into()),
            category: Some("bench".into()),
            current_version: format!("1.{}.{bump}", j % 10),
            available_version: outdated.then(|| format!("2.{}.0", j % 10)),
            needs_update: outdated,
            is_security_update: outdated && j % 32 == 0,
            source_repository: Some("bookworm".into()),
            ..Package::default()
        }
    }

    fn repositories() -> Vec<Repository> {
        ["main", "updates", "security"]
            .iter()
            .map(|suite| Repository {
                name: format!("debian-{suite}"),
                url: "https://deb.debian.org/debian".into(),
                distribution: format!("bookworm-{suite}"),
                components: "main".into(),
                repo_type: "deb".into(),
                is_enabled: true,
                is_secure: true,
            })
            .collect()
    }

    /// A full report with `packages` packages, the agent's section hashes included.
    pub fn report(&self, packages: usize, generation: u32) -> ReportPayload {
        let packages: Vec<Package> = (0..packages).map(|j| self.package(j, generation)).collect();
        let repositories = Self::repositories();
        let hostname = self.hostname();
        ReportPayload {
            hashes: Some(ReportHashes {
                packages_hash: Some(hash::packages_hash(&packages)),
                repos_hash: Some(hash::repos_hash(&repositories)),
                interfaces_hash: Some(hash::interfaces_hash(&[])),
                hostname_hash: Some(hash::hostname_hash(&hostname)),
            }),
            packages,
            repositories,
            os_type: "debian".into(),
            os_version: "12".into(),
            ip: format!(
                "10.{}.{}.{}",
                self.index / 65536,
                self.index / 256 % 256,
                self.index % 256
            ),
            architecture: "x86_64".into(),
            agent_version: "1.4.0".into(),
            machine_id: format!("load-machine-{:05}", self.index),
            kernel_version: "6.1.0-28-amd64".into(),
            cpu_model: "Simulated CPU".into(),
            cpu_cores: 4,
            ram_installed: 8.0,
            package_manager: "apt".into(),
            hostname,
            ..ReportPayload::default()
        }
    }

    /// The check-in an agent sends when it holds `report`'s hashes.
    pub fn ping(report: &ReportPayload) -> PingRequest {
        let hashes = report.hashes.clone().unwrap_or_default();
        PingRequest {
            hashes: Some(PingHashes {
                packages_hash: hashes.packages_hash.unwrap_or_default(),
                repos_hash: hashes.repos_hash.unwrap_or_default(),
                interfaces_hash: hashes.interfaces_hash.unwrap_or_default(),
                hostname_hash: hashes.hostname_hash.unwrap_or_default(),
                ..PingHashes::default()
            }),
            agent_version: "1.4.0".into(),
            ..PingRequest::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(index: usize) -> SimulatedHost {
        SimulatedHost {
            index,
            api_id: String::new(),
            api_key: String::new(),
        }
    }

    #[test]
    fn a_host_reports_distinct_packages_with_an_eighth_outdated() {
        let report = host(3).report(2000, 0);
        let mut names: Vec<&str> = report.packages.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 2000);
        assert_eq!(
            report.packages.iter().filter(|p| p.needs_update).count(),
            250
        );
        assert_eq!(
            report
                .packages
                .iter()
                .filter(|p| p.is_security_update)
                .count(),
            63
        );
    }

    #[test]
    fn a_new_generation_changes_the_packages_hash_only() {
        let (first, second) = (host(1).report(100, 0), host(1).report(100, 1));
        let (a, b) = (first.hashes.unwrap(), second.hashes.unwrap());
        assert_ne!(a.packages_hash, b.packages_hash);
        assert_eq!(
            (a.repos_hash, a.hostname_hash),
            (b.repos_hash, b.hostname_hash)
        );
    }
}
