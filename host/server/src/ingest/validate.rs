//! Report validation (PatchMon's rules and messages, in PatchMon's order), as a plain function
//! from the decoded payload to a write plan. Nothing is written unless this succeeds.

use std::collections::BTreeMap;
use std::sync::Arc;

use patchmon_proto::hash;
use patchmon_proto::report::{NetworkInterface, Package, ReportPayload};
use patchmon_proto::Section;

pub const MAX_PACKAGES: usize = 10_000;

/// What a valid report writes.
#[derive(Debug)]
pub struct ReportPlan {
    /// Report sections written, in PatchMon's order.
    pub sections: Vec<Section>,
    /// True for a sections-less (full) report.
    pub full: bool,
    /// Packages de-duplicated by name (last wins), sorted by name: the lock order of the write.
    /// Shared, so the write can compare them with the stored rows on a CPU thread.
    pub packages: Arc<[Package]>,
    pub interfaces: Option<Vec<NetworkInterface>>,
    /// Server-computed hashes of the sections written.
    pub hashes: BTreeMap<Section, String>,
}

impl ReportPlan {
    pub fn writes(&self, section: Section) -> bool {
        self.sections.contains(&section)
    }
}

/// The report's `networkInterfaces` field, decoded on its own so a bad list can be named.
#[derive(Debug)]
pub enum Interfaces {
    Absent,
    Decoded(Vec<NetworkInterface>),
    Undecodable,
}

pub fn validate(
    payload: &ReportPayload,
    interfaces: Interfaces,
) -> Result<ReportPlan, &'static str> {
    let claimed: Option<Vec<Section>> =
        payload
            .sections
            .as_ref()
            .filter(|s| !s.is_empty())
            .map(|names| {
                Section::REPORT
                    .into_iter()
                    .filter(|s| names.iter().any(|n| n == s.as_str()))
                    .collect()
            });
    let full = claimed.is_none();
    let mut sections = claimed.unwrap_or_else(|| Section::REPORT.to_vec());
    if sections.is_empty() {
        return Err("sections must contain at least one of packages, repos, interfaces, hostname");
    }
    if !full {
        if sections.contains(&Section::Packages) && payload.packages.is_empty() {
            return Err("sections claims 'packages' but packages array is empty");
        }
        if !payload.packages.is_empty() && !sections.contains(&Section::Packages) {
            return Err("packages provided but 'packages' not in sections");
        }
        if !payload.repositories.is_empty() && !sections.contains(&Section::Repos) {
            return Err("repositories provided but 'repos' not in sections");
        }
    }
    if payload.hostname.trim().is_empty() {
        sections.retain(|s| *s != Section::Hostname);
    }
    if full && payload.packages.is_empty() {
        return Err("Packages array is required");
    }
    if payload.packages.len() > MAX_PACKAGES {
        return Err("Packages array exceeds maximum size");
    }
    let packages = dedup_packages(&payload.packages);
    let claimed_hashes = payload.hashes.clone().unwrap_or_default();
    let given = |h: &Option<String>| h.as_deref().filter(|h| !h.is_empty()).map(str::to_string);
    let mut hashes = BTreeMap::new();
    if sections.contains(&Section::Packages) {
        let computed = hash::packages_hash(&payload.packages);
        if given(&claimed_hashes.packages_hash).is_some_and(|h| h != computed) {
            return Err("packages hash mismatch");
        }
        hashes.insert(Section::Packages, computed);
    }
    if sections.contains(&Section::Repos) {
        let computed = hash::repos_hash(&payload.repositories);
        if given(&claimed_hashes.repos_hash).is_some_and(|h| h != computed) {
            return Err("repos hash mismatch");
        }
        hashes.insert(Section::Repos, computed);
    }
    let interfaces = match interfaces {
        Interfaces::Decoded(list) => Some(list),
        Interfaces::Undecodable if given(&claimed_hashes.interfaces_hash).is_some() => {
            return Err("invalid networkInterfaces")
        }
        Interfaces::Undecodable => return Err("Invalid request body"),
        Interfaces::Absent => None,
    };
    if sections.contains(&Section::Interfaces) {
        let computed = hash::interfaces_hash(interfaces.as_deref().unwrap_or(&[]));
        if given(&claimed_hashes.interfaces_hash).is_some_and(|h| h != computed) {
            return Err("interfaces hash mismatch");
        }
        hashes.insert(Section::Interfaces, computed);
    }
    if sections.contains(&Section::Hostname) {
        let computed = hash::hostname_hash(&payload.hostname);
        if given(&claimed_hashes.hostname_hash).is_some_and(|h| h != computed) {
            return Err("hostname hash mismatch");
        }
        hashes.insert(Section::Hostname, computed);
    }
    Ok(ReportPlan {
        sections,
        full,
        packages: packages.into(),
        interfaces,
        hashes,
    })
}

/// NUL characters are stripped before storage (PostgreSQL TEXT cannot hold them).
pub fn clean(text: &str) -> String {
    text.replace('\0', "")
}

fn clean_opt(text: &Option<String>) -> Option<String> {
    text.as_deref().map(clean).filter(|s| !s.is_empty())
}

/// Last occurrence of each name wins; the result is sorted by name.
fn dedup_packages(packages: &[Package]) -> Vec<Package> {
    let mut by_name: BTreeMap<String, Package> = BTreeMap::new();
    for p in packages {
        let mut p = p.clone();
        p.name = clean(p.name.trim());
        p.current_version = clean(&p.current_version);
        p.available_version = clean_opt(&p.available_version);
        p.description = clean_opt(&p.description);
        p.category = clean_opt(&p.category);
        p.source_repository = clean_opt(&p.source_repository);
        if !p.name.is_empty() {
            by_name.insert(p.name.clone(), p);
        }
    }
    by_name.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_proto::report::ReportHashes;

    fn pkg(name: &str, version: &str) -> Package {
        Package {
            name: name.into(),
            current_version: version.into(),
            ..Package::default()
        }
    }

    fn full(packages: Vec<Package>) -> ReportPayload {
        ReportPayload {
            packages,
            hostname: "web-01".into(),
            ..ReportPayload::default()
        }
    }

    #[test]
    fn full_reports_need_packages_and_write_every_section() {
        assert_eq!(
            validate(&full(vec![]), Interfaces::Absent).unwrap_err(),
            "Packages array is required"
        );
        let plan = validate(
            &full(vec![pkg("b", "1"), pkg("a", "1"), pkg("b", "2")]),
            Interfaces::Absent,
        )
        .unwrap();
        assert!(plan.full);
        assert_eq!(plan.sections, Section::REPORT.to_vec());
        let names: Vec<(&str, &str)> = plan
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.current_version.as_str()))
            .collect();
        assert_eq!(names, [("a", "1"), ("b", "2")]);
    }

    #[test]
    fn section_claims_must_match_the_payload() {
        let mut p = full(vec![]);
        p.sections = Some(vec!["docker".into()]);
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "sections must contain at least one of packages, repos, interfaces, hostname"
        );
        p.sections = Some(vec!["packages".into()]);
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "sections claims 'packages' but packages array is empty"
        );
        p.sections = Some(vec!["repos".into()]);
        p.packages = vec![pkg("a", "1")];
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "packages provided but 'packages' not in sections"
        );
        p.packages.clear();
        p.repositories = vec![Default::default()];
        p.sections = Some(vec!["hostname".into()]);
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "repositories provided but 'repos' not in sections"
        );
        p.repositories.clear();
        p.hostname = " ".into();
        p.sections = Some(vec!["hostname".into(), "repos".into()]);
        let plan = validate(&p, Interfaces::Absent).unwrap();
        assert_eq!(
            plan.sections,
            vec![Section::Repos],
            "empty hostname section silently dropped"
        );
    }

    #[test]
    fn too_many_packages_and_hash_mismatches_are_refused() {
        let many: Vec<Package> = (0..=MAX_PACKAGES)
            .map(|i| pkg(&format!("p{i}"), "1"))
            .collect();
        assert_eq!(
            validate(&full(many), Interfaces::Absent).unwrap_err(),
            "Packages array exceeds maximum size"
        );
        let mut p = full(vec![pkg("a", "1")]);
        p.hashes = Some(ReportHashes {
            packages_hash: Some("0".repeat(64)),
            ..Default::default()
        });
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "packages hash mismatch"
        );
        p.hashes = Some(ReportHashes {
            packages_hash: Some(hash::packages_hash(&[pkg("a", "1")])),
            hostname_hash: Some("x".into()),
            ..Default::default()
        });
        assert_eq!(
            validate(&p, Interfaces::Absent).unwrap_err(),
            "hostname hash mismatch"
        );
        p.hashes = Some(ReportHashes {
            interfaces_hash: Some("x".into()),
            ..Default::default()
        });
        assert_eq!(
            validate(&p, Interfaces::Undecodable).unwrap_err(),
            "invalid networkInterfaces"
        );
        p.hashes = None;
        assert_eq!(
            validate(&p, Interfaces::Undecodable).unwrap_err(),
            "Invalid request body"
        );
    }
}
