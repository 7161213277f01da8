//! The stored state a report is compared with, read before the write transaction starts and
//! without taking any lock. The transaction checks the host's last full-report time is still the
//! one read here; if another report of the same host got in between, the snapshot is read again.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use patchmon_proto::report::{Package, Repository};

use super::{placeholders, rows_per_statement, Totals};
use crate::store::json_rows::{self, JsonRows};
use crate::store::Store;

/// A shared `packages` row.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct CatalogueRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub latest_version: Option<String>,
}

/// One of the host's `host_packages` rows.
#[derive(sqlx::FromRow, Debug)]
pub struct StoredPackage {
    pub id: String,
    pub package_id: String,
    pub current_version: String,
    pub available_version: Option<String>,
    pub needs_update: bool,
    pub is_security_update: bool,
    pub source_repository: Option<String>,
}

impl StoredPackage {
    pub fn matches(&self, p: &Package) -> bool {
        self.current_version == p.current_version
            && self.available_version == p.available_version
            && self.needs_update == p.needs_update
            && self.is_security_update == p.is_security_update
            && self.source_repository == p.source_repository
    }
}

/// A host row read together with its catalogue row, in [`HOST_PACKAGES`]' column order.
#[derive(serde::Deserialize)]
struct StoredPackageWithCatalogue {
    id: String,
    package_id: String,
    current_version: String,
    available_version: Option<String>,
    #[serde(deserialize_with = "json_rows::flag")]
    needs_update: bool,
    #[serde(deserialize_with = "json_rows::flag")]
    is_security_update: bool,
    source_repository: Option<String>,
    name: String,
    description: Option<String>,
    category: Option<String>,
    latest_version: Option<String>,
}

/// The host's rows with their catalogue rows: one JSON value rather than 2,000 rows.
const HOST_PACKAGES: JsonRows = JsonRows {
    columns: "hp.id, hp.package_id, hp.current_version, hp.available_version, hp.needs_update, \
        hp.is_security_update, hp.source_repository, p.name, p.description, p.category, p.latest_version",
    from: "FROM host_packages hp JOIN packages p ON p.id = hp.package_id WHERE hp.host_id = $1",
    order_by: "",
};

impl StoredPackageWithCatalogue {
    fn split(self) -> (StoredPackage, CatalogueRow) {
        let catalogue = CatalogueRow {
            id: self.package_id.clone(),
            name: self.name,
            description: self.description,
            category: self.category,
            latest_version: self.latest_version,
        };
        let stored = StoredPackage {
            id: self.id,
            package_id: self.package_id,
            current_version: self.current_version,
            available_version: self.available_version,
            needs_update: self.needs_update,
            is_security_update: self.is_security_update,
            source_repository: self.source_repository,
        };
        (stored, catalogue)
    }
}

/// A shared `repositories` row.
#[derive(sqlx::FromRow, Debug)]
pub struct RepositoryRow {
    pub id: String,
    pub name: String,
    pub url: String,
    pub distribution: String,
    pub components: String,
    pub repo_type: String,
    pub is_secure: bool,
}

#[derive(Debug, Default)]
pub struct Snapshot {
    /// The host's last full-report time as read: the write goes ahead only while it is unchanged.
    pub marker: Option<DateTime<Utc>>,
    /// The host's stored totals, for reports that do not send packages.
    pub totals: Totals,
    /// Catalogue rows of the report's package names and of the host's stored ones, by name.
    pub catalogue: HashMap<String, CatalogueRow>,
    pub host_packages: Vec<StoredPackage>,
    /// Repository rows sharing a URL with one of the report's, by (url, distribution, components).
    pub repositories: HashMap<(String, String, String), RepositoryRow>,
    /// The host's links: (link id, repository id, enabled).
    pub host_repositories: Vec<(String, String, bool)>,
}

/// Reads what the report will be compared with; `None` when the host no longer exists.
/// `packages` and `repos` are the sections the report writes.
pub async fn read(
    store: &Store,
    host_id: &str,
    packages: Option<&Arc<[Package]>>,
    repos: Option<&[Repository]>,
) -> Result<Option<Snapshot>, sqlx::Error> {
    let names_per_query = rows_per_statement(store, 1);
    crate::with_db!(store, |db| {
        let host: Option<(Option<DateTime<Utc>>, i64, i64, i64)> = sqlx::query_as(
            "SELECT last_full_report_at, package_count, outdated_count, security_count FROM hosts WHERE id = $1",
        )
        .bind(host_id)
        .fetch_optional(db)
        .await?;
        let Some((marker, total, outdated, security)) = host else {
            return Ok(None);
        };
        let mut snapshot = Snapshot {
            marker,
            totals: Totals {
                total,
                outdated,
                security,
            },
            ..Snapshot::default()
        };
        if let Some(packages) = packages {
            // The host's rows with their catalogue rows in one read; then the catalogue rows of
            // names the host does not have yet (none in most reports). Both the maps and those
            // names are worked out in the job that decodes the rows.
            let packages = Arc::clone(packages);
            let unseen;
            (snapshot.catalogue, snapshot.host_packages, unseen) = HOST_PACKAGES
                .fetch_then(
                    store,
                    &[host_id],
                    move |rows: Vec<StoredPackageWithCatalogue>| {
                        let mut catalogue = HashMap::with_capacity(rows.len());
                        let mut host_packages = Vec::with_capacity(rows.len());
                        for row in rows {
                            let (stored, row) = row.split();
                            catalogue.insert(row.name.clone(), row);
                            host_packages.push(stored);
                        }
                        let mut unseen: Vec<String> = packages
                            .iter()
                            .filter(|p| !catalogue.contains_key(&p.name))
                            .map(|p| p.name.clone())
                            .collect();
                        unseen.sort_unstable();
                        unseen.dedup();
                        (catalogue, host_packages, unseen)
                    },
                )
                .await?;
            for chunk in unseen.chunks(names_per_query) {
                let sql = format!(
                    "SELECT id, name, description, category, latest_version FROM packages WHERE name IN ({})",
                    placeholders(chunk.len())
                );
                let mut query = sqlx::query_as::<_, CatalogueRow>(&sql);
                for name in chunk {
                    query = query.bind(name);
                }
                for row in query.fetch_all(db).await? {
                    snapshot.catalogue.insert(row.name.clone(), row);
                }
            }
        }
        if let Some(repos) = repos {
            let mut urls: Vec<&str> = repos.iter().map(|r| r.url.as_str()).collect();
            urls.sort_unstable();
            urls.dedup();
            for chunk in urls.chunks(names_per_query) {
                let sql = format!(
                    "SELECT id, name, url, distribution, components, repo_type, is_secure FROM repositories WHERE url IN ({})",
                    placeholders(chunk.len())
                );
                let mut query = sqlx::query_as::<_, RepositoryRow>(&sql);
                for url in chunk {
                    query = query.bind(*url);
                }
                for row in query.fetch_all(db).await? {
                    let key = (
                        row.url.clone(),
                        row.distribution.clone(),
                        row.components.clone(),
                    );
                    snapshot.repositories.insert(key, row);
                }
            }
            snapshot.host_repositories = sqlx::query_as(
                "SELECT id, repository_id, is_enabled FROM host_repositories WHERE host_id = $1",
            )
            .bind(host_id)
            .fetch_all(db)
            .await?;
        }
        Ok(Some(snapshot))
    })
}
