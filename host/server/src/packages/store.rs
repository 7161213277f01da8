//! Package queries: per-package install/update counts come from one GROUP BY over
//! `host_packages`; a page's host entries and source repositories from one query each.

use chrono::{DateTime, Utc};

use crate::store::{like_pattern, Store};
use crate::with_db;

#[derive(sqlx::FromRow)]
pub struct PackageRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub latest_version: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub installs: i64,
    pub updates: i64,
    pub security: i64,
}

#[derive(Default)]
pub struct ListFilter {
    pub search: Option<String>,
    pub category: Option<String>,
    pub needs_update: bool,
    pub security: Option<bool>,
    pub host_id: Option<String>,
    pub repository_id: Option<String>,
}

const COLUMNS: &str = "p.id, p.name, p.description, p.category, p.latest_version, p.created_at, p.updated_at, \
    COALESCE(s.installs, 0) AS installs, COALESCE(s.updates, 0) AS updates, COALESCE(s.security, 0) AS security";

const FROM: &str = "FROM packages p LEFT JOIN (SELECT package_id, COUNT(*) AS installs, \
    SUM(CASE WHEN needs_update THEN 1 ELSE 0 END) AS updates, \
    SUM(CASE WHEN needs_update AND is_security_update THEN 1 ELSE 0 END) AS security \
    FROM host_packages GROUP BY package_id) s ON s.package_id = p.id";

const CONDITIONS: &str = "($1 IS NULL OR LOWER(p.name) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(p.description, '')) LIKE $1 ESCAPE '\\') \
    AND ($2 IS NULL OR p.category = $2) \
    AND ($3 = FALSE OR COALESCE(s.updates, 0) > 0) \
    AND ($4 IS NULL OR ($4 = TRUE AND COALESCE(s.security, 0) > 0) OR ($4 = FALSE AND COALESCE(s.security, 0) = 0)) \
    AND ($5 IS NULL OR p.id IN (SELECT package_id FROM host_packages WHERE host_id = $5)) \
    AND ($6 IS NULL OR p.id IN (SELECT package_id FROM host_packages WHERE source_repository_id = $6))";

/// A page of packages, the total matching and the installs summed over all matches.
pub async fn list(
    store: &Store,
    filter: &ListFilter,
    order_by: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PackageRow>, i64, i64), sqlx::Error> {
    let search = filter.search.as_deref().map(like_pattern);
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {CONDITIONS} ORDER BY {order_by}, p.id LIMIT $7 OFFSET $8"
    );
    let totals_sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(s.installs), 0) AS BIGINT) {FROM} WHERE {CONDITIONS}"
    );
    with_db!(store, |db| {
        let rows = sqlx::query_as::<_, PackageRow>(&sql)
            .bind(search.as_deref())
            .bind(filter.category.as_deref())
            .bind(filter.needs_update)
            .bind(filter.security)
            .bind(filter.host_id.as_deref())
            .bind(filter.repository_id.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await?;
        let (total, installs): (i64, i64) = sqlx::query_as(&totals_sql)
            .bind(search.as_deref())
            .bind(filter.category.as_deref())
            .bind(filter.needs_update)
            .bind(filter.security)
            .bind(filter.host_id.as_deref())
            .bind(filter.repository_id.as_deref())
            .fetch_one(db)
            .await?;
        Ok((rows, total, installs))
    })
}

/// A package by id, or else by name (the UI links by either).
pub async fn find(store: &Store, id_or_name: &str) -> Result<Option<PackageRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE p.id = $1 OR p.name = $1 ORDER BY CASE WHEN p.id = $1 THEN 0 ELSE 1 END LIMIT 1"
    );
    with_db!(store, |db| sqlx::query_as::<_, PackageRow>(&sql)
        .bind(id_or_name)
        .fetch_optional(db)
        .await)
}

pub async fn categories(store: &Store) -> Result<Vec<String>, sqlx::Error> {
    with_db!(store, |db| {
        sqlx::query_scalar(
        "SELECT DISTINCT category FROM packages WHERE category IS NOT NULL AND category <> '' ORDER BY category"
    )
    .fetch_all(db)
    .await
    })
}

/// One install of a package on a host, with the host's columns the views show.
#[derive(sqlx::FromRow)]
pub struct Install {
    pub id: String,
    pub package_id: String,
    pub current_version: String,
    pub available_version: Option<String>,
    pub needs_update: bool,
    pub is_security_update: bool,
    pub last_checked: DateTime<Utc>,
    pub source_repo_id: Option<String>,
    pub source_repo_name: Option<String>,
    pub host_id: String,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os_type: String,
    pub os_version: String,
    pub last_update: DateTime<Utc>,
    pub needs_reboot: Option<bool>,
    pub reboot_reason: Option<String>,
}

const INSTALL_SELECT: &str = "SELECT hp.id, hp.package_id, hp.current_version, hp.available_version, hp.needs_update, \
    hp.is_security_update, hp.last_checked, hp.source_repository_id AS source_repo_id, r.name AS source_repo_name, \
    h.id AS host_id, h.friendly_name, h.hostname, h.ip, h.os_type, h.os_version, h.last_update, h.needs_reboot, h.reboot_reason \
    FROM host_packages hp JOIN hosts h ON h.id = hp.host_id LEFT JOIN repositories r ON r.id = hp.source_repository_id";

/// Installs of the given packages, in one query per 500 ids.
pub async fn installs_of(
    store: &Store,
    package_ids: &[String],
) -> Result<Vec<Install>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in package_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{INSTALL_SELECT} WHERE hp.package_id IN ({}) ORDER BY h.friendly_name, h.id",
            placeholders.join(", ")
        );
        out.extend(with_db!(store, |db| {
            let mut query = sqlx::query_as::<_, Install>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(db).await
        })?);
    }
    Ok(out)
}

/// A page of one package's installs, filtered by host search and update state, with the total.
pub async fn installs_page(
    store: &Store,
    package_id: &str,
    search: Option<&str>,
    needs_update: Option<bool>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Install>, i64), sqlx::Error> {
    let pattern = search.map(like_pattern);
    let conditions = "hp.package_id = $1 \
        AND ($2 IS NULL OR LOWER(h.friendly_name) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(h.hostname, '')) LIKE $2 ESCAPE '\\') \
        AND ($3 IS NULL OR hp.needs_update = $3)";
    let sql = format!(
        "{INSTALL_SELECT} WHERE {conditions} ORDER BY h.friendly_name, h.id LIMIT $4 OFFSET $5"
    );
    let count_sql = format!("SELECT COUNT(*) FROM host_packages hp JOIN hosts h ON h.id = hp.host_id WHERE {conditions}");
    with_db!(store, |db| {
        let rows = sqlx::query_as::<_, Install>(&sql)
            .bind(package_id)
            .bind(pattern.as_deref())
            .bind(needs_update)
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await?;
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(package_id)
            .bind(pattern.as_deref())
            .bind(needs_update)
            .fetch_one(db)
            .await?;
        Ok((rows, total))
    })
}

#[derive(sqlx::FromRow)]
pub struct SourceRepo {
    pub package_id: String,
    pub repo_id: String,
    pub repo_name: String,
    pub repo_url: String,
    pub repo_type: String,
}

/// Distinct source repositories of the given packages.
pub async fn source_repos(
    store: &Store,
    package_ids: &[String],
) -> Result<Vec<SourceRepo>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in package_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT DISTINCT hp.package_id, r.id AS repo_id, r.name AS repo_name, r.url AS repo_url, r.repo_type \
             FROM host_packages hp JOIN repositories r ON r.id = hp.source_repository_id \
             WHERE hp.package_id IN ({}) ORDER BY r.name",
            placeholders.join(", ")
        );
        out.extend(with_db!(store, |db| {
            let mut query = sqlx::query_as::<_, SourceRepo>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(db).await
        })?);
    }
    Ok(out)
}
