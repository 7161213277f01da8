//! What a report changes, worked out from a [`Snapshot`] of the stored state without touching the
//! database: the write transaction then only applies these differences, so it holds its locks
//! (SQLite's single writer, PostgreSQL's row locks on shared catalogue rows) for as short a time
//! as possible.

use std::cmp::Ordering;
use std::collections::HashMap;

use patchmon_proto::report::{Package, Repository};

use super::snapshot::{CatalogueRow, RepositoryRow, Snapshot, StoredPackage};

/// A shared `packages` row whose description, category or newest known version moves.
#[derive(Debug, PartialEq, Eq)]
pub struct CatalogueUpdate {
    pub id: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub latest_version: Option<String>,
    /// The newest version as read: the update applies only if nobody moved it meanwhile.
    pub read_latest_version: Option<String>,
}

/// Changes to the shared package catalogue, each list in name order (the lock order).
#[derive(Debug, Default)]
pub struct CatalogueDiff {
    /// Indices of the report's packages the catalogue lacks.
    pub missing: Vec<usize>,
    pub updates: Vec<CatalogueUpdate>,
}

/// The newest version this host knows of: the offered update, else what is installed.
pub fn offered_version(p: &Package) -> Option<&str> {
    p.available_version
        .as_deref()
        .filter(|_| p.needs_update)
        .or(Some(p.current_version.as_str()))
        .filter(|v| !v.is_empty())
}

/// Packages the catalogue lacks, and rows to update. The newest version only ever moves up, so
/// hosts on different releases of a distribution do not flip it back and forth on every report.
pub fn catalogue(packages: &[Package], snapshot: &Snapshot) -> CatalogueDiff {
    let mut diff = CatalogueDiff::default();
    for (index, p) in packages.iter().enumerate() {
        let Some(row) = snapshot.catalogue.get(&p.name) else {
            diff.missing.push(index);
            continue;
        };
        // Compared before anything is copied: most packages leave their row as it is.
        let description = p.description.as_ref().or(row.description.as_ref());
        let category = p.category.as_ref().or(row.category.as_ref());
        let latest_version = match (offered_version(p), row.latest_version.as_deref()) {
            (Some(offered), Some(known)) if newer(offered, known) => Some(offered),
            (Some(offered), None) => Some(offered),
            (_, known) => known,
        };
        if description != row.description.as_ref()
            || category != row.category.as_ref()
            || latest_version != row.latest_version.as_deref()
        {
            diff.updates.push(CatalogueUpdate {
                id: row.id.clone(),
                description: description.cloned(),
                category: category.cloned(),
                latest_version: latest_version.map(str::to_string),
                read_latest_version: row.latest_version.clone(),
            });
        }
    }
    diff
}

/// Changes to one host's `host_packages` rows; packages by their index in the report.
#[derive(Debug, Default)]
pub struct HostPackageDiff {
    /// (row id, package)
    pub updates: Vec<(String, usize)>,
    /// (package, catalogue id): `None` for a name the catalogue lacks, whose row the write
    /// inserts first.
    pub inserts: Vec<(usize, Option<String>)>,
    pub deletes: Vec<String>,
}

/// How the host's rows converge to `packages`, given the catalogue rows by name.
pub fn host_packages(
    packages: &[Package],
    catalogue: &HashMap<String, CatalogueRow>,
    stored: &[StoredPackage],
) -> HostPackageDiff {
    let mut by_package: HashMap<&str, &StoredPackage> =
        stored.iter().map(|s| (s.package_id.as_str(), s)).collect();
    let mut diff = HostPackageDiff::default();
    for (index, p) in packages.iter().enumerate() {
        let Some(row) = catalogue.get(&p.name) else {
            diff.inserts.push((index, None));
            continue;
        };
        match by_package.remove(row.id.as_str()) {
            Some(stored) if stored.matches(p) => {}
            Some(stored) => diff.updates.push((stored.id.clone(), index)),
            None => diff.inserts.push((index, Some(row.id.clone()))),
        }
    }
    diff.deletes = by_package.into_values().map(|s| s.id.clone()).collect();
    diff.deletes.sort();
    diff
}

/// Changes to the shared `repositories` rows, in key order.
#[derive(Debug, Default)]
pub struct RepositoryDiff<'r> {
    pub missing: Vec<&'r Repository>,
    /// (row id, what the row becomes)
    pub updates: Vec<(String, &'r Repository)>,
}

pub fn repositories<'r>(repos: &'r [Repository], snapshot: &Snapshot) -> RepositoryDiff<'r> {
    let mut diff = RepositoryDiff::default();
    for r in repos {
        match snapshot.repositories.get(&repository_key(r)) {
            None => diff.missing.push(r),
            Some(row) if !row.matches(r) => diff.updates.push((row.id.clone(), r)),
            Some(_) => {}
        }
    }
    diff
}

pub fn repository_key(r: &Repository) -> (String, String, String) {
    (r.url.clone(), r.distribution.clone(), r.components.clone())
}

impl RepositoryRow {
    fn matches(&self, r: &Repository) -> bool {
        self.name == r.name && self.repo_type == r.repo_type && self.is_secure == r.is_secure
    }
}

/// Changes to one host's `host_repositories` links.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HostRepositoryDiff {
    /// (link id, enabled)
    pub updates: Vec<(String, bool)>,
    /// (repository id, enabled)
    pub inserts: Vec<(String, bool)>,
    pub deletes: Vec<String>,
}

/// How the host's links converge to `wanted` (repository id, enabled).
pub fn host_repositories(
    wanted: &[(String, bool)],
    stored: &[(String, String, bool)],
) -> HostRepositoryDiff {
    let mut by_repository: HashMap<&str, (&str, bool)> = stored
        .iter()
        .map(|(id, repository, enabled)| (repository.as_str(), (id.as_str(), *enabled)))
        .collect();
    let mut diff = HostRepositoryDiff::default();
    for (repository_id, enabled) in wanted {
        match by_repository.remove(repository_id.as_str()) {
            Some((_, was)) if was == *enabled => {}
            Some((id, _)) => diff.updates.push((id.to_string(), *enabled)),
            None => diff.inserts.push((repository_id.clone(), *enabled)),
        }
    }
    diff.deletes = by_repository
        .into_values()
        .map(|(id, _)| id.to_string())
        .collect();
    diff.deletes.sort();
    diff
}

/// True when version `a` sorts after `b` in dpkg's order (an epoch first, then runs of
/// non-digits compared with `~` lowest and letters before other symbols, and runs of digits
/// compared as numbers). RPM, pacman and apk versions sort the same way in all ordinary cases.
pub fn newer(a: &str, b: &str) -> bool {
    compare_versions(a, b) == Ordering::Greater
}

fn compare_versions(a: &str, b: &str) -> Ordering {
    let (epoch_a, rest_a) = split_epoch(a);
    let (epoch_b, rest_b) = split_epoch(b);
    epoch_a
        .cmp(&epoch_b)
        .then_with(|| compare_runs(rest_a.as_bytes(), rest_b.as_bytes()))
}

fn split_epoch(version: &str) -> (u64, &str) {
    match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (epoch.parse().unwrap_or(u64::MAX), rest)
        }
        _ => (0, version),
    }
}

/// dpkg's weight of a non-digit: `~` before the end of the string, which comes before letters,
/// which come before every other symbol.
fn weight(c: Option<&u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(*c),
        Some(c) => i32::from(*c) + 256,
    }
}

fn compare_runs(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        while a.first().is_some_and(|c| !c.is_ascii_digit())
            || b.first().is_some_and(|c| !c.is_ascii_digit())
        {
            let order = weight(a.first()).cmp(&weight(b.first()));
            if order != Ordering::Equal {
                return order;
            }
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        }
        let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
        let (na, nb) = (digits(a), digits(b));
        let number_a = strip_zeros(&a[..na]);
        let number_b = strip_zeros(&b[..nb]);
        let order = number_a
            .len()
            .cmp(&number_b.len())
            .then_with(|| number_a.cmp(number_b));
        if order != Ordering::Equal {
            return order;
        }
        a = &a[na..];
        b = &b[nb..];
    }
    Ordering::Equal
}

fn strip_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_like_dpkg() {
        for (a, b) in [
            ("1.10", "1.9"),
            ("2.0", "1.99.99"),
            ("1:0.1", "9.9"),
            ("1.0", "1.0~rc1"),
            ("1.0a", "1.0"),
            ("1.0+b1", "1.0a"),
            ("2.36-9+deb12u9", "2.36-9+deb12u4"),
            ("5.14.0-503.el9", "5.14.0-427.el9"),
            ("1.002", "1.1"),
        ] {
            assert!(newer(a, b), "{a} > {b}");
            assert!(!newer(b, a), "not {b} > {a}");
        }
        assert!(!newer("1.0", "1.0"));
        assert!(!newer("01.0", "1.0"), "leading zeros do not count");
    }

    fn package(name: &str, current: &str, offered: Option<&str>) -> Package {
        Package {
            name: name.into(),
            current_version: current.into(),
            available_version: offered.map(str::to_string),
            needs_update: offered.is_some(),
            ..Package::default()
        }
    }

    fn catalogue_row(name: &str, latest: Option<&str>) -> CatalogueRow {
        CatalogueRow {
            id: format!("id-{name}"),
            name: name.into(),
            description: None,
            category: None,
            latest_version: latest.map(str::to_string),
        }
    }

    #[test]
    fn the_catalogue_only_moves_the_newest_version_up() {
        let mut snapshot = Snapshot::default();
        for row in [
            catalogue_row("bash", Some("5.2")),
            catalogue_row("curl", Some("7.88")),
            catalogue_row("vim", None),
        ] {
            snapshot.catalogue.insert(row.name.clone(), row);
        }
        let packages = [
            package("bash", "5.1", None),
            package("curl", "7.80", Some("7.90")),
            package("nano", "7.2", None),
            package("vim", "9.0", None),
        ];
        let diff = catalogue(&packages, &snapshot);
        assert_eq!(diff.missing, [2], "nano");
        let moved: Vec<(&str, Option<&str>, Option<&str>)> = diff
            .updates
            .iter()
            .map(|u| {
                (
                    u.id.as_str(),
                    u.latest_version.as_deref(),
                    u.read_latest_version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            moved,
            [
                ("id-curl", Some("7.90"), Some("7.88")),
                ("id-vim", Some("9.0"), None)
            ],
            "an older bash leaves 5.2 alone"
        );
    }

    #[test]
    fn host_rows_converge_to_the_report() {
        let packages = [
            package("a", "1", None),
            package("b", "2", Some("3")),
            package("c", "1", None),
            package("new", "1", None),
        ];
        let catalogue: HashMap<String, CatalogueRow> = [("a", "pa"), ("b", "pb"), ("c", "pc")]
            .map(|(name, id)| {
                let row = CatalogueRow {
                    id: id.into(),
                    ..catalogue_row(name, None)
                };
                (name.to_string(), row)
            })
            .into();
        let stored = |id: &str, package_id: &str, version: &str| StoredPackage {
            id: id.into(),
            package_id: package_id.into(),
            current_version: version.into(),
            available_version: None,
            needs_update: false,
            is_security_update: false,
            source_repository: None,
        };
        let rows = [
            stored("r-a", "pa", "1"),
            stored("r-b", "pb", "2"),
            stored("r-gone", "pz", "1"),
        ];
        let diff = host_packages(&packages, &catalogue, &rows);
        assert_eq!(diff.updates, [("r-b".to_string(), 1)]);
        assert_eq!(
            diff.inserts,
            [(2, Some("pc".to_string())), (3, None)],
            "a name the catalogue lacks waits for its new row's id"
        );
        assert_eq!(diff.deletes, ["r-gone"]);
    }

    #[test]
    fn host_repository_links_converge() {
        let stored = [
            ("l1".to_string(), "r1".to_string(), true),
            ("l2".to_string(), "r2".to_string(), true),
            ("l3".to_string(), "r3".to_string(), true),
        ];
        let wanted = [
            ("r1".to_string(), true),
            ("r2".to_string(), false),
            ("r4".to_string(), true),
        ];
        assert_eq!(
            host_repositories(&wanted, &stored),
            HostRepositoryDiff {
                updates: vec![("l2".into(), false)],
                inserts: vec![("r4".into(), true)],
                deletes: vec!["l3".into()],
            }
        );
    }
}
