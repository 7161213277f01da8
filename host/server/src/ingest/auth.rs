//! Agent authentication: `X-API-ID` / `X-API-KEY` checked against the host's stored key hash.
//!
//! The hot path is one indexed lookup plus a keyed SHA-256 comparison. A bcrypt hash imported
//! from PatchMon is accepted once and replaced by the keyed hash, so bcrypt leaves the hot path.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

use crate::app::AppState;
use crate::http::{Error, Result, StoreContext};
use crate::store::Store;
use crate::{exec, with_db};

/// The host behind a request's agent credentials, with what the ingest paths need.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgentHost {
    pub id: String,
    pub api_id: String,
    pub friendly_name: String,
    pub hostname: Option<String>,
    pub status: String,
    pub last_update: DateTime<Utc>,
    pub auto_update: bool,
    pub docker_enabled: bool,
    pub compliance_enabled: bool,
    pub expected_platform: Option<String>,
    pub os_type: String,
    pub packages_hash: Option<String>,
    pub repos_hash: Option<String>,
    pub interfaces_hash: Option<String>,
    pub hostname_hash: Option<String>,
    pub docker_hash: Option<String>,
    pub compliance_hash: Option<String>,
    #[sqlx(default)]
    pub(super) api_key_hash: String,
    /// Answered from the [check-in cache](super::agent_cache) rather than read just now.
    #[sqlx(skip)]
    pub cached: bool,
}

impl AgentHost {
    #[cfg(test)]
    pub fn for_tests(api_id: &str, status: &str, api_key_hash: &str) -> AgentHost {
        AgentHost {
            id: format!("host-{api_id}"),
            api_id: api_id.into(),
            friendly_name: api_id.into(),
            hostname: None,
            status: status.into(),
            last_update: chrono::Utc::now(),
            auto_update: false,
            docker_enabled: false,
            compliance_enabled: false,
            expected_platform: None,
            os_type: "linux".into(),
            packages_hash: None,
            repos_hash: None,
            interfaces_hash: None,
            hostname_hash: None,
            docker_hash: None,
            compliance_hash: None,
            api_key_hash: api_key_hash.into(),
            cached: false,
        }
    }
}

const AGENT_HOST_COLUMNS: &str = "id, api_id, friendly_name, hostname, status, last_update, auto_update, \
    docker_enabled, compliance_enabled, expected_platform, os_type, packages_hash, repos_hash, interfaces_hash, \
    hostname_hash, docker_hash, compliance_hash, api_key_hash";

/// Why agent credentials were refused; the WebSocket upgrade words these differently.
#[derive(Debug, PartialEq, Eq)]
pub enum CredentialFailure {
    Missing,
    Invalid,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

pub async fn find_by_api_id(store: &Store, api_id: &str) -> Result<Option<AgentHost>, sqlx::Error> {
    let sql = format!("SELECT {AGENT_HOST_COLUMNS} FROM hosts WHERE api_id = $1");
    with_db!(store, |db| sqlx::query_as::<_, AgentHost>(&sql)
        .bind(api_id)
        .fetch_optional(db)
        .await)
}

fn credentials(headers: &HeaderMap) -> Option<(&str, &str)> {
    Some((
        header(headers, patchmon_proto::API_ID_HEADER)?,
        header(headers, patchmon_proto::API_KEY_HEADER)?,
    ))
}

/// Checks the credentials in `headers`. `Ok(Err(_))` is a refusal the caller words; `Err` is a
/// database failure.
pub async fn verify(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<std::result::Result<AgentHost, CredentialFailure>> {
    let Some((api_id, api_key)) = credentials(headers) else {
        return Ok(Err(CredentialFailure::Missing));
    };
    let Some(host) = find_by_api_id(&state.store, api_id)
        .await
        .ctx("Failed to look up host: database error")?
    else {
        return Ok(Err(CredentialFailure::Invalid));
    };
    if !state.keys.verify_credential(api_key, &host.api_key_hash) {
        return Ok(Err(CredentialFailure::Invalid));
    }
    if host.api_key_hash.starts_with("$2") {
        upgrade_imported_hash(&state.store, &host.id, &state.keys.credential_hash(api_key)).await;
    }
    Ok(Ok(host))
}

/// Replaces an imported bcrypt hash by the keyed hash; failure only costs speed, so it is logged.
async fn upgrade_imported_hash(store: &Store, host_id: &str, keyed: &str) {
    let result = exec!(store, |db| sqlx::query(
        "UPDATE hosts SET api_key_hash = $2 WHERE id = $1 AND api_key_hash LIKE '$2%'"
    )
    .bind(host_id)
    .bind(keyed)
    .execute(db)
    .await);
    if let Err(err) = result {
        tracing::warn!(host_id, error = %err, "could not upgrade imported API key hash");
    }
}

/// PatchMon's JSON refusals for agent HTTP routes.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<AgentHost> {
    match verify(state, headers).await? {
        Ok(host) => Ok(host),
        Err(CredentialFailure::Missing) => Err(Error::unauthorized("API credentials required")),
        Err(CredentialFailure::Invalid) => Err(Error::unauthorized("Invalid API credentials")),
    }
}

/// [`authenticate`] for check-ins: an active host's credentials are checked against the
/// [cache](super::agent_cache) when it holds them, else read and kept there.
pub async fn authenticate_check_in(state: &AppState, headers: &HeaderMap) -> Result<AgentHost> {
    let cache = &state.agent_hosts;
    if let Some((api_id, api_key)) = credentials(headers) {
        if let Some(host) = cache.get(api_id) {
            if state.keys.verify_credential(api_key, &host.api_key_hash) {
                return Ok(host);
            }
        }
    }
    let ticket = cache.ticket();
    let host = authenticate(state, headers).await?;
    cache.keep(&host, ticket);
    Ok(host)
}

/// Re-reads a host whose row just changed (its report was stored) into the check-in cache, so
/// its next check-in is answered from memory with the new hashes.
pub async fn refresh_cached(state: &AppState, api_id: &str) {
    let cache = &state.agent_hosts;
    cache.forget(api_id);
    let ticket = cache.ticket();
    match find_by_api_id(&state.store, api_id).await {
        Ok(Some(host)) => cache.keep(&host, ticket),
        Ok(None) => {}
        // Only costs the next check-in a read.
        Err(err) => tracing::debug!(error = %err, "could not refresh a cached agent host"),
    }
}

/// Handlers take `AgentHost` as an argument; the route guard has already put it there.
impl<S: Send + Sync> FromRequestParts<S> for AgentHost {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AgentHost>()
            .cloned()
            .ok_or_else(|| Error::unauthorized("API credentials required"))
    }
}
