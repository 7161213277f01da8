//! Integration credentials (PatchMon's auto-enrollment tokens): one model for the scoped API
//! (`api`), dashboard widgets (`gethomepage`) and host enrollment (`proxmox-lxc`,
//! `direct-host`). Admin routes live here; the Basic-auth check any integration route can use is
//! in [`basic`], enrollment itself in `crate::enrollment`.
//!
//! A credential is a public key (`patchmon_ae_` + 32 hex) and a secret (64 hex) that is shown
//! once and stored as a keyed hash, like host API keys.

pub mod basic;
pub mod ip;
pub mod store;
mod validate;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::crypto::random_hex;
use crate::http::route::{delete, get, patch, perm, post, Route};
use crate::http::{Bucket, ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::ManageSettings;
use crate::store::new_id;
pub use basic::ApiCredential;
use validate::invalid;

/// What a credential is for. Stored as `integration_type` (column and metadata).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialType {
    /// The scoped Integration API (`/api/v1/api/*`), over HTTP Basic, limited by scopes.
    Api,
    /// The GetHomepage widget (`/api/v1/gethomepage/*`), over HTTP Basic.
    GetHomepage,
    /// Host enrollment from a Proxmox VE node (the default type, as in PatchMon).
    ProxmoxLxc,
    /// Host enrollment of the machine running the script.
    DirectHost,
    /// A Prometheus server scraping `/api/v1/metrics`, over HTTP Basic.
    Prometheus,
}

impl CredentialType {
    pub const ALL: &'static [CredentialType] = &[
        CredentialType::Api,
        CredentialType::GetHomepage,
        CredentialType::ProxmoxLxc,
        CredentialType::DirectHost,
        CredentialType::Prometheus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialType::Api => "api",
            CredentialType::GetHomepage => "gethomepage",
            CredentialType::ProxmoxLxc => "proxmox-lxc",
            CredentialType::DirectHost => "direct-host",
            CredentialType::Prometheus => "prometheus",
        }
    }

    pub fn parse(text: &str) -> Option<CredentialType> {
        Self::ALL.iter().copied().find(|t| t.as_str() == text)
    }

    /// Only `api` credentials carry scopes.
    pub fn uses_scopes(self) -> bool {
        self == CredentialType::Api
    }

    /// Types that may create hosts (PatchMon lets any type enroll; we keep read credentials
    /// from creating hosts).
    pub fn enrolls(self) -> bool {
        matches!(
            self,
            CredentialType::ProxmoxLxc | CredentialType::DirectHost
        )
    }
}

/// One resource/action pair an `api` credential must hold to call a route (`host:get`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub resource: &'static str,
    pub action: &'static str,
}

impl Scope {
    pub const fn new(resource: &'static str, action: &'static str) -> Scope {
        Scope { resource, action }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.resource, self.action)
    }
}

/// A fresh key and secret.
pub fn new_token_credentials() -> (String, String) {
    (format!("patchmon_ae_{}", random_hex(16)), random_hex(32))
}

/// Keeps `null` apart from an absent field (`"expires_at": null` clears, absence keeps).
fn present<'de, D: Deserializer<'de>>(de: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(de).map(Some)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// 1 to 255 characters.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "String")]
    token_name: Option<Value>,
    /// Enrollment quota, 1 to 1000 (default 100).
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<i64>")]
    max_hosts_per_day: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    default_host_group_id: Option<Value>,
    /// Exact IPv4/IPv6 addresses or CIDR blocks; empty means any address.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<Vec<String>>")]
    allowed_ip_ranges: Option<Value>,
    /// ISO 8601; empty or null means no expiry.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    expires_at: Option<Value>,
    /// `integration_type`: api, gethomepage, proxmox-lxc (default), direct-host or prometheus; other keys
    /// are kept as given.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    metadata: Option<Value>,
    /// `api` credentials only, and required for them: `{"host": ["get", "delete"]}`.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    scopes: Option<Value>,
}

/// The default host group a body names: absent, null and "" mean none; any other id must exist.
async fn default_group(state: &AppState, value: Option<&Value>) -> Result<Option<String>> {
    let id = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => return Err(Error::bad_request("Host group not found")),
    };
    if !store::group_exists(&state.store, &id)
        .await
        .ctx("Failed to check host group")?
    {
        return Err(Error::bad_request("Host group not found"));
    }
    Ok(Some(id))
}

async fn load(state: &AppState, id: &str, failure: &'static str) -> Result<store::Token> {
    store::find(&state.store, id)
        .await
        .ctx(failure)?
        .ok_or_else(|| Error::not_found("Token not found"))
}

async fn create(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<CreateToken>,
) -> Result<(StatusCode, Json<Value>)> {
    let null = Value::Null;
    let name = validate::token_name(
        body.token_name.as_ref().unwrap_or(&null),
        "Token name is required (max 255 characters)",
    )?;
    let max_hosts = match &body.max_hosts_per_day {
        None | Some(Value::Null) => validate::DEFAULT_MAX_HOSTS,
        Some(value) => validate::max_hosts_per_day(value)?,
    };
    let ranges = validate::ip_ranges(body.allowed_ip_ranges.as_ref().unwrap_or(&null))?;
    let expires_at = validate::expires_at(body.expires_at.as_ref().unwrap_or(&null))?;
    let (metadata, kind) = validate::metadata(body.metadata.as_ref())?;
    let scopes = match body.scopes.as_ref().filter(|s| !s.is_null()) {
        Some(scopes) if kind.uses_scopes() => Some(validate::scopes(scopes)?),
        None if kind.uses_scopes() => {
            return Err(invalid(
                "scopes",
                "At least one scope is required for API credentials",
            ))
        }
        Some(scopes) if !validate::scopes_empty(scopes) => {
            return Err(Error::bad_request(
                "Scopes can only be set for API integration tokens",
            ))
        }
        _ => None,
    };
    let group_id = default_group(&state, body.default_host_group_id.as_ref()).await?;
    let (token_key, token_secret) = new_token_credentials();
    let hash = state.keys.credential_hash(&token_secret);
    let id = new_id();
    store::insert(
        &state.store,
        store::NewToken {
            id: &id,
            token_name: &name,
            token_key: &token_key,
            token_secret_hash: &hash,
            integration_type: kind.as_str(),
            created_by_user_id: &actor.id,
            allowed_ip_ranges: &ranges,
            max_hosts_per_day: max_hosts,
            default_host_group_id: group_id.as_deref(),
            metadata: &metadata,
            scopes: scopes.as_ref(),
            expires_at,
        },
    )
    .await
    .ctx("Failed to create token")?;
    let token = load(&state, &id, "Token created but failed to retrieve").await?;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "integration_token_created",
        Some(("auto_enrollment_token", &id)),
        json!({"token_name": name, "integration_type": kind.as_str(), "token_key": token_key}),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": "Auto-enrollment token created successfully",
            "token": {
                "id": token.id,
                "token_name": token.token_name,
                "token_key": token.token_key,
                "token_secret": token_secret,
                "max_hosts_per_day": token.max_hosts_per_day,
                "default_host_group": token.group_json(),
                "created_by": token.creator_json(),
                "expires_at": token.expires_at,
                "scopes": token.scopes.as_ref().map(|s| &s.0),
            },
            "warning": "⚠️ Save the token_secret now - it cannot be retrieved later!",
        })),
    ))
}

async fn list(State(state): State<AppState>) -> Result<Json<Value>> {
    let tokens = store::list(&state.store)
        .await
        .ctx("Failed to list tokens")?;
    Ok(Json(Value::Array(
        tokens.iter().map(store::Token::to_json).collect(),
    )))
}

async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    Ok(Json(
        load(&state, &id, "Failed to get token").await?.to_json(),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateToken {
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    token_name: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<bool>")]
    is_active: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<i64>")]
    max_hosts_per_day: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<Vec<String>>")]
    allowed_ip_ranges: Option<Value>,
    /// An empty string or null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    default_host_group_id: Option<Value>,
    /// An empty string or null removes the expiry.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    expires_at: Option<Value>,
    /// `api` credentials only; at least one action.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    scopes: Option<Value>,
}

async fn update(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateToken>,
) -> Result<Json<Value>> {
    let current = load(&state, &id, "Failed to update token").await?;
    let kind = CredentialType::parse(&current.integration_type);
    let mut changes = store::Changes {
        token_name: current.token_name.clone(),
        is_active: current.is_active,
        max_hosts_per_day: current.max_hosts_per_day,
        allowed_ip_ranges: current.allowed_ip_ranges.0.clone(),
        default_host_group_id: current.default_host_group_id.clone(),
        expires_at: current.expires_at,
        scopes: current.scopes.clone().map(|s| s.0),
    };
    if let Some(value) = &body.token_name {
        changes.token_name =
            validate::token_name(value, "Token name must be between 1 and 255 characters")?;
    }
    if let Some(value) = &body.is_active {
        changes.is_active = value
            .as_bool()
            .ok_or_else(|| invalid("is_active", "is_active must be a boolean"))?;
    }
    if let Some(value) = &body.max_hosts_per_day {
        changes.max_hosts_per_day = validate::max_hosts_per_day(value)?;
    }
    if let Some(value) = &body.allowed_ip_ranges {
        changes.allowed_ip_ranges = validate::ip_ranges(value)?;
    }
    if body.default_host_group_id.is_some() {
        changes.default_host_group_id =
            default_group(&state, body.default_host_group_id.as_ref()).await?;
    }
    if let Some(value) = &body.expires_at {
        changes.expires_at = validate::expires_at(value)?;
    }
    if let Some(value) = &body.scopes {
        if !kind.is_some_and(CredentialType::uses_scopes) {
            return Err(Error::bad_request(
                "Scopes can only be updated for API integration tokens",
            ));
        }
        changes.scopes = Some(validate::scopes(value)?);
    }
    if !store::update(&state.store, &id, &changes)
        .await
        .ctx("Failed to update token")?
    {
        return Err(Error::not_found("Token not found"));
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "integration_token_updated",
        Some(("auto_enrollment_token", &id)),
        json!({"token_name": changes.token_name, "is_active": changes.is_active}),
    )
    .await;
    let token = load(&state, &id, "Failed to update token").await?;
    Ok(Json(
        json!({"message": "Token updated successfully", "token": token.to_json()}),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let token = load(&state, &id, "Failed to delete token").await?;
    if !store::delete(&state.store, &id)
        .await
        .ctx("Failed to delete token")?
    {
        return Err(Error::not_found("Token not found"));
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "integration_token_deleted",
        Some(("auto_enrollment_token", &id)),
        json!({"token_name": token.token_name, "integration_type": token.integration_type}),
    )
    .await;
    Ok(Json(json!({
        "message": "Auto-enrollment token deleted successfully",
        "deleted_token": {"id": token.id, "token_name": token.token_name},
    })))
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/auto-enrollment/tokens",
            perm(ManageSettings),
            "All integration credentials (any type), newest first; secrets are never shown",
            list,
        ),
        post(
            "/auto-enrollment/tokens",
            perm(ManageSettings),
            "Create an integration credential; the secret is returned once",
            create,
        )
        .body::<CreateToken>(),
        get(
            "/auto-enrollment/tokens/{token_id}",
            perm(ManageSettings),
            "One integration credential",
            get_one,
        ),
        patch(
            "/auto-enrollment/tokens/{token_id}",
            perm(ManageSettings),
            "Change a credential's name, state, quota, IP ranges, group, expiry or scopes",
            update,
        )
        .body::<UpdateToken>(),
        delete(
            "/auto-enrollment/tokens/{token_id}",
            perm(ManageSettings),
            "Delete an integration credential (hosts it enrolled stay)",
            remove,
        ),
    ]
    .into_iter()
    // PatchMon counts everything under /auto-enrollment in its auth limiter.
    .map(|r| r.bucket(Bucket::Auth).tag("integrations"))
    .collect()
}
