//! Queries on `repositories` and `host_repositories`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::store::{like_pattern, now, Store};
use crate::{exec, with_db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Repository {
    pub id: String,
    pub name: String,
    pub url: String,
    pub distribution: String,
    pub components: String,
    pub repo_type: String,
    pub is_active: bool,
    pub is_secure: bool,
    pub priority: Option<i64>,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "r.id, r.name, r.url, r.distribution, r.components, r.repo_type, r.is_active, \
    r.is_secure, r.priority, r.description, r.created_at, r.updated_at";

impl Repository {
    /// PatchMon's Repository object (note its camelCase `isSecure`).
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "id": self.id, "name": self.name, "url": self.url, "distribution": self.distribution,
            "components": self.components, "repo_type": self.repo_type, "is_active": self.is_active,
            "isSecure": self.is_secure, "created_at": self.created_at, "updated_at": self.updated_at,
        });
        if let Some(priority) = self.priority {
            value["priority"] = json!(priority);
        }
        if let Some(description) = &self.description {
            value["description"] = json!(description);
        }
        value
    }
}

/// A host's link to a repository, with the host's identity.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HostLink {
    pub id: String,
    pub host_id: String,
    pub repository_id: String,
    pub is_enabled: bool,
    pub last_checked: DateTime<Utc>,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os_type: String,
    pub os_version: String,
    pub status: String,
    pub last_update: DateTime<Utc>,
    pub needs_reboot: Option<bool>,
}

const LINK_COLUMNS: &str = "hr.id, hr.host_id, hr.repository_id, hr.is_enabled, hr.last_checked, \
    h.friendly_name, h.hostname, h.ip, h.os_type, h.os_version, h.status, h.last_update, h.needs_reboot";

pub struct ListFilter {
    pub host_id: Option<String>,
    pub search: Option<String>,
    pub active: Option<bool>,
    pub secure: Option<bool>,
    pub sort: &'static str,
    pub descending: bool,
}

const FILTER: &str =
    "($1 IS NULL OR r.id IN (SELECT repository_id FROM host_repositories WHERE host_id = $1)) \
    AND ($2 IS NULL OR LOWER(r.name) LIKE $2 ESCAPE '\\' OR LOWER(r.url) LIKE $2 ESCAPE '\\' \
         OR LOWER(COALESCE(r.description, '')) LIKE $2 ESCAPE '\\') \
    AND ($3 IS NULL OR r.is_active = $3) AND ($4 IS NULL OR r.is_secure = $4)";

pub async fn list(
    store: &Store,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Repository>, i64), sqlx::Error> {
    let pattern = filter.search.as_deref().map(like_pattern);
    let direction = if filter.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {COLUMNS} FROM repositories r WHERE {FILTER} ORDER BY {} {direction}, r.id LIMIT $5 OFFSET $6",
        filter.sort
    );
    let count_sql = format!("SELECT COUNT(*) FROM repositories r WHERE {FILTER}");
    with_db!(store, |db| {
        let rows = sqlx::query_as::<_, Repository>(&sql)
            .bind(filter.host_id.as_deref())
            .bind(pattern.as_deref())
            .bind(filter.active)
            .bind(filter.secure)
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await?;
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(filter.host_id.as_deref())
            .bind(pattern.as_deref())
            .bind(filter.active)
            .bind(filter.secure)
            .fetch_one(db)
            .await?;
        Ok((rows, total))
    })
}

pub async fn find(store: &Store, id: &str) -> Result<Option<Repository>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM repositories r WHERE r.id = $1");
    with_db!(store, |db| sqlx::query_as::<_, Repository>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await)
}

/// Host links of the given repositories, keyed by repository id.
pub async fn links_of(
    store: &Store,
    repo_ids: &[String],
) -> Result<HashMap<String, Vec<HostLink>>, sqlx::Error> {
    let mut out: HashMap<String, Vec<HostLink>> = HashMap::new();
    for chunk in repo_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM host_repositories hr JOIN hosts h ON h.id = hr.host_id \
             WHERE hr.repository_id IN ({}) ORDER BY h.friendly_name",
            placeholders.join(", ")
        );
        let rows = with_db!(store, |db| {
            let mut query = sqlx::query_as::<_, HostLink>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(db).await
        })?;
        for row in rows {
            out.entry(row.repository_id.clone()).or_default().push(row);
        }
    }
    Ok(out)
}

/// One host's repository links.
pub async fn links_of_host(
    store: &Store,
    host_id: &str,
) -> Result<Vec<(HostLink, Repository)>, sqlx::Error> {
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM host_repositories hr JOIN hosts h ON h.id = hr.host_id \
         JOIN repositories r ON r.id = hr.repository_id WHERE hr.host_id = $1 ORDER BY r.name"
    );
    let links = with_db!(store, |db| sqlx::query_as::<_, HostLink>(&sql)
        .bind(host_id)
        .fetch_all(db)
        .await)?;
    let ids: Vec<String> = links.iter().map(|l| l.repository_id.clone()).collect();
    let mut repos = HashMap::new();
    for id in ids {
        if let Some(repo) = find(store, &id).await? {
            repos.insert(id, repo);
        }
    }
    Ok(links
        .into_iter()
        .filter_map(|l| repos.get(&l.repository_id).cloned().map(|r| (l, r)))
        .collect())
}

pub async fn set_link_enabled(
    store: &Store,
    host_id: &str,
    repo_id: &str,
    enabled: bool,
) -> Result<bool, sqlx::Error> {
    let changed = exec!(store, |db| {
        sqlx::query(
        "UPDATE host_repositories SET is_enabled = $3 WHERE host_id = $1 AND repository_id = $2"
    )
    .bind(host_id)
    .bind(repo_id)
    .bind(enabled)
    .execute(db)
    .await
    })?;
    Ok(changed == 1)
}

pub struct RepoUpdate {
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
    pub priority: Option<i64>,
}

pub async fn update(store: &Store, id: &str, update: &RepoUpdate) -> Result<(), sqlx::Error> {
    exec!(store, |db| {
        sqlx::query(
        "UPDATE repositories SET name = $2, description = $3, is_active = $4, priority = $5, updated_at = $6 WHERE id = $1"
    )
    .bind(id)
    .bind(&update.name)
    .bind(&update.description)
    .bind(update.is_active)
    .bind(update.priority)
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(())
}

pub async fn delete(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    Ok(exec!(store, |db| sqlx::query(
        "DELETE FROM repositories WHERE id = $1"
    )
    .bind(id)
    .execute(db)
    .await)?
        == 1)
}

/// Repositories no host uses any more.
pub async fn orphans(store: &Store) -> Result<Vec<Repository>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM repositories r WHERE NOT EXISTS (SELECT 1 FROM host_repositories hr WHERE hr.repository_id = r.id) ORDER BY r.name"
    );
    with_db!(store, |db| sqlx::query_as::<_, Repository>(&sql)
        .fetch_all(db)
        .await)
}

pub struct Summary {
    pub total: i64,
    pub active: i64,
    pub secure: i64,
    pub enabled_links: i64,
}

pub async fn summary(store: &Store) -> Result<Summary, sqlx::Error> {
    let (total, active, secure): (i64, i64, i64) = with_db!(store, |db| {
        sqlx::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN is_active THEN 1 END), COUNT(CASE WHEN is_secure THEN 1 END) FROM repositories"
    )
    .fetch_one(db)
    .await
    })?;
    let enabled_links: i64 = with_db!(store, |db| sqlx::query_scalar(
        "SELECT COUNT(*) FROM host_repositories WHERE is_enabled = TRUE"
    )
    .fetch_one(db)
    .await)?;
    Ok(Summary {
        total,
        active,
        secure,
        enabled_links,
    })
}
