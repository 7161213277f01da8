//! The enrollment write: quota reservation and host inserts in one transaction.
//!
//! The quota is a counter on the credential row that belongs to one UTC day. The transaction
//! opens with a conditional UPDATE that moves the counter only if the new hosts still fit; on
//! PostgreSQL concurrent requests queue on that row and re-evaluate the condition against the
//! committed count, on SQLite the UPDATE takes the database's write lock before anything is
//! read. Either way two requests cannot both take the last place, which PatchMon's
//! check-then-increment allowed.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::credentials::store::{quota_day, Token};
use crate::store::{new_id, now, Store};
use crate::with_db;

/// A host an enrollment request asks for, with its freshly issued credentials.
pub struct NewHost {
    pub friendly_name: String,
    pub machine_id: Option<String>,
    pub metadata: Option<Value>,
    pub api_id: String,
    pub api_key: String,
    pub api_key_hash: String,
}

/// A host that already carries a machine id: enrollment returns it instead of a duplicate.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Existing {
    pub id: String,
    pub friendly_name: String,
    pub api_id: String,
    pub status: String,
    pub enrollment_token_id: Option<String>,
}

const EXISTING: &str = "SELECT id, friendly_name, api_id, status, enrollment_token_id FROM hosts \
    WHERE machine_id = $1 ORDER BY created_at, id LIMIT 1";

pub async fn find_by_machine_id(
    store: &Store,
    machine_id: &str,
) -> Result<Option<Existing>, sqlx::Error> {
    with_db!(store, |db| sqlx::query_as::<_, Existing>(EXISTING)
        .bind(machine_id)
        .fetch_optional(db)
        .await)
}

/// Compliance defaults for new hosts from the settings' `default_compliance_mode`:
/// (compliance_enabled, compliance_on_demand_only).
pub fn compliance_defaults(mode: &str) -> (bool, bool) {
    match mode {
        "disabled" => (false, true),
        "enabled" => (true, false),
        _ => (true, true),
    }
}

/// What became of an enrollment request.
pub enum Outcome {
    /// Every host in `created` was inserted; `existing` lists requests whose machine id turned
    /// out to be taken meanwhile (index into the request, and the host found).
    Done {
        created: Vec<String>,
        existing: Vec<(usize, Existing)>,
    },
    /// Today's quota has no room for the hosts; nothing was written.
    OverQuota,
}

pub struct Enrollment<'a> {
    pub token: &'a Token,
    pub hosts: &'a [NewHost],
    pub compliance: (bool, bool),
    pub notes: &'a str,
}

const RESERVE: &str = "UPDATE auto_enrollment_tokens SET \
    hosts_created_today = (CASE WHEN last_reset_date = $2 THEN hosts_created_today ELSE 0 END) + $3, \
    last_reset_date = $2, last_used_at = $4 \
    WHERE id = $1 AND (CASE WHEN last_reset_date = $2 THEN hosts_created_today ELSE 0 END) + $3 <= max_hosts_per_day";

const RELEASE: &str =
    "UPDATE auto_enrollment_tokens SET hosts_created_today = hosts_created_today - $2 WHERE id = $1";

const INSERT_HOST: &str = "INSERT INTO hosts (id, machine_id, friendly_name, os_type, os_version, status, last_update, \
    api_id, api_key_hash, auto_update, docker_enabled, compliance_enabled, compliance_on_demand_only, notes, \
    enrollment_token_id, enrollment_metadata, created_at, updated_at) \
    VALUES ($1, $2, $3, 'unknown', 'unknown', 'pending', $4, $5, $6, FALSE, FALSE, $7, $8, $9, $10, $11, $4, $4)";

const INSERT_MEMBERSHIP: &str =
    "INSERT INTO host_group_memberships (id, host_id, host_group_id, created_at) \
    VALUES ($1, $2, $3, $4)";

/// Reserves quota for every host, re-checks machine ids under that reservation, inserts the
/// new hosts with their default-group membership, and gives back the places of hosts that
/// turned out to exist. All or nothing.
pub async fn enroll(store: &Store, request: Enrollment<'_>) -> Result<Outcome, sqlx::Error> {
    let ts: DateTime<Utc> = now();
    let token = request.token;
    let wanted = request.hosts.len() as i64;
    crate::in_tx!(store, |tx| {
        let result: Result<Outcome, sqlx::Error> = async {
            // First statement of the transaction: on SQLite it takes the write lock at once, so
            // nothing below reads a snapshot another writer could invalidate.
            let reserved = sqlx::query(RESERVE)
                .bind(&token.id)
                .bind(quota_day())
                .bind(wanted)
                .bind(ts)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if reserved == 0 {
                return Ok(Outcome::OverQuota);
            }
            let mut created = Vec::new();
            let mut existing = Vec::new();
            for (index, host) in request.hosts.iter().enumerate() {
                if let Some(machine_id) = &host.machine_id {
                    let found = sqlx::query_as::<_, Existing>(EXISTING)
                        .bind(machine_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(found) = found {
                        existing.push((index, found));
                        continue;
                    }
                }
                let id = new_id();
                sqlx::query(INSERT_HOST)
                    .bind(&id)
                    .bind(
                        host.machine_id
                            .clone()
                            .unwrap_or_else(|| format!("pending-{}", new_id())),
                    )
                    .bind(&host.friendly_name)
                    .bind(ts)
                    .bind(&host.api_id)
                    .bind(&host.api_key_hash)
                    .bind(request.compliance.0)
                    .bind(request.compliance.1)
                    .bind(request.notes)
                    .bind(&token.id)
                    .bind(host.metadata.as_ref().map(Json))
                    .execute(&mut *tx)
                    .await?;
                if let Some(group_id) = &token.default_host_group_id {
                    sqlx::query(INSERT_MEMBERSHIP)
                        .bind(new_id())
                        .bind(&id)
                        .bind(group_id)
                        .bind(ts)
                        .execute(&mut *tx)
                        .await?;
                }
                created.push(id);
            }
            // Places reserved for hosts that turned out to exist go back to the quota.
            if !existing.is_empty() {
                sqlx::query(RELEASE)
                    .bind(&token.id)
                    .bind(existing.len() as i64)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(Outcome::Done { created, existing })
        }
        .await;
        result
    })
}

/// Gives a still-pending host new credentials (its agent never reported, so nothing it sent
/// is exposed); returns false when the host meanwhile reported or went away.
pub async fn reissue_pending(
    store: &Store,
    host_id: &str,
    api_id: &str,
    api_key_hash: &str,
) -> Result<bool, sqlx::Error> {
    let affected = crate::exec!(store, |db| {
        sqlx::query(
        "UPDATE hosts SET api_id = $2, api_key_hash = $3, updated_at = $4 WHERE id = $1 AND status = 'pending'"
    )
    .bind(host_id)
    .bind(api_id)
    .bind(api_key_hash)
    .bind(now())
    .execute(db)
    .await
    })?;
    Ok(affected == 1)
}
