//! Auto-enrollment: a script or tool holding an enrollment credential creates hosts (one, or up
//! to 50 at once) within the credential's daily quota, and gets each host's agent credentials
//! back once. The Proxmox LXC and direct-host scripts are served from here too.
//!
//! Enrollment is idempotent by machine id: a host that already carries the machine id is
//! returned instead of created again. Its agent key is not (it is stored hashed, and handing a
//! working key for an existing host to whoever holds an enrollment credential would let them
//! impersonate it), except for a host this same credential enrolled that has never reported:
//! it gets fresh credentials, so a rerun after a failed agent install repairs it.

pub mod auth;
pub mod script;
pub(crate) mod store;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SecondsFormat;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::credentials::store::{self as tokens, Token};
use crate::http::route::{get, post, Route};
use crate::http::{Access, Bucket, ClientIp, Error, JsonBody, Result, StoreContext};
use crate::store::now;
pub use auth::EnrollmentToken;
use store::{Existing, NewHost, Outcome};

/// A 400 naming the offending field, in the shape PatchMon documents plus `error`.
fn invalid(param: &str, msg: &str) -> Error {
    Error::bad_request(msg).with(
        "errors",
        json!([{"msg": msg, "param": param, "location": "body"}]),
    )
}

const MAX_LEN: usize = 255;
pub const MAX_BULK: usize = 50;

/// Checks one host's fields; `param` prefixes the field names in errors (`hosts[3].`).
fn check_host(
    param: &str,
    friendly_name: Option<&Value>,
    machine_id: Option<&Value>,
    metadata: Option<&Value>,
    name_message: &str,
) -> Result<(String, Option<String>, Option<Value>)> {
    let name = friendly_name
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= MAX_LEN)
        .ok_or_else(|| invalid(&format!("{param}friendly_name"), name_message))?;
    let machine_id = match machine_id {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_str()
                .map(str::trim)
                .filter(|m| !m.is_empty() && m.chars().count() <= MAX_LEN)
                .ok_or_else(|| {
                    invalid(
                        &format!("{param}machine_id"),
                        "Machine ID must be between 1 and 255 characters if provided",
                    )
                })?
                .to_string(),
        ),
    };
    let metadata = match metadata {
        None | Some(Value::Null) => None,
        Some(value @ Value::Object(_)) => Some(value.clone()),
        Some(_) => {
            return Err(invalid(
                &format!("{param}metadata"),
                "Metadata must be an object",
            ))
        }
    };
    Ok((name.to_string(), machine_id, metadata))
}

fn new_host(
    state: &AppState,
    friendly_name: String,
    machine_id: Option<String>,
    metadata: Option<Value>,
) -> NewHost {
    let (api_id, api_key) = crate::hosts::new_credentials();
    NewHost {
        api_key_hash: state.keys.credential_hash(&api_key),
        friendly_name,
        machine_id,
        metadata,
        api_id,
        api_key,
    }
}

async fn write(state: &AppState, token: &Token, hosts: &[NewHost]) -> Result<Outcome> {
    let settings = state.settings.get().await.ctx("Failed to enroll host")?;
    let notes = format!(
        "Auto-enrolled via {} on {}",
        token.token_name,
        now().to_rfc3339_opts(SecondsFormat::Millis, true)
    );
    store::enroll(
        &state.store,
        store::Enrollment {
            token,
            hosts,
            compliance: store::compliance_defaults(&settings.row.default_compliance_mode),
            notes: &notes,
        },
    )
    .await
    .ctx("Failed to enroll host")
}

/// PatchMon's 429: "Maximum N hosts per day" when nothing is left, "Only N hosts remaining"
/// when the request is bigger than what is left.
async fn over_quota(state: &AppState, token: &Token) -> Error {
    let current = tokens::find(&state.store, &token.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| token.clone());
    let remaining = current.max_hosts_per_day - current.hosts_created_today();
    let message = if remaining > 0 {
        format!("Only {remaining} hosts remaining in daily quota")
    } else {
        format!(
            "Maximum {} hosts per day allowed for this token",
            current.max_hosts_per_day
        )
    };
    Error::status(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded").with("message", message)
}

/// `{id, name, color}` of the host's first group, or null.
async fn first_group(state: &AppState, host_id: &str) -> Result<Value> {
    let groups = crate::hosts::store::groups_of(&state.store, &[host_id.to_string()])
        .await
        .ctx("Failed to enroll host")?;
    Ok(groups
        .get(host_id)
        .and_then(|g| g.first())
        .map(|g| json!({"id": g.id, "name": g.name, "color": g.color}))
        .unwrap_or(Value::Null))
}

/// The answer for a machine id PatchMon already knows: 200 with the host, and fresh agent
/// credentials only for a never-reported host that this credential enrolled.
async fn already_enrolled(state: &AppState, token: &Token, host: Existing) -> Result<Response> {
    let host_group = first_group(state, &host.id).await?;
    if host.status == "pending" && host.enrollment_token_id.as_deref() == Some(token.id.as_str()) {
        let (api_id, api_key) = crate::hosts::new_credentials();
        let hash = state.keys.credential_hash(&api_key);
        if store::reissue_pending(&state.store, &host.id, &api_id, &hash)
            .await
            .ctx("Failed to enroll host")?
        {
            return Ok(Json(json!({
                "message": "Host already enrolled; new credentials issued",
                "host": {
                    "id": host.id, "friendly_name": host.friendly_name, "api_id": api_id,
                    "api_key": api_key, "host_group": host_group, "status": "pending",
                },
            }))
            .into_response());
        }
    }
    Ok(Json(json!({
        "message": "Host already enrolled",
        "host": {
            "id": host.id, "friendly_name": host.friendly_name, "api_id": host.api_id,
            "host_group": host_group, "status": host.status,
        },
    }))
    .into_response())
}

async fn audit_enrolled(state: &AppState, token: &Token, ip: ClientIp, host_ids: &[String]) {
    if host_ids.is_empty() {
        return;
    }
    let label = format!("enrollment token: {}", token.token_name);
    let actor = Actor {
        user_id: None,
        username: Some(&label),
        ip: Some(ip.to_string()),
    };
    audit::record(
        &state.store,
        &actor,
        "hosts_enrolled",
        Some(("auto_enrollment_token", &token.id)),
        json!({"host_ids": host_ids}),
    )
    .await;
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollBody {
    /// 1 to 255 characters.
    #[schemars(with = "String")]
    friendly_name: Option<Value>,
    /// Up to 255 characters; a machine id PatchMon already knows returns that host.
    #[schemars(with = "Option<String>")]
    machine_id: Option<Value>,
    /// Free-form (vmid, proxmox_node, ip_address, os_info, ...); stored with the host.
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    metadata: Option<Value>,
}

async fn enroll(
    axum::extract::State(state): axum::extract::State<AppState>,
    EnrollmentToken(token): EnrollmentToken,
    ip: ClientIp,
    JsonBody(body): JsonBody<EnrollBody>,
) -> Result<Response> {
    let (name, machine_id, metadata) = check_host(
        "",
        body.friendly_name.as_ref(),
        body.machine_id.as_ref(),
        body.metadata.as_ref(),
        "Friendly name is required (max 255 characters)",
    )?;
    if let Some(machine_id) = &machine_id {
        if let Some(existing) = store::find_by_machine_id(&state.store, machine_id)
            .await
            .ctx("Failed to enroll host")?
        {
            return already_enrolled(&state, &token, existing).await;
        }
    }
    let host = new_host(&state, name, machine_id, metadata);
    let (created, existing) = match write(&state, &token, std::slice::from_ref(&host)).await? {
        Outcome::OverQuota => return Err(over_quota(&state, &token).await),
        Outcome::Done { created, existing } => (created, existing),
    };
    // Another request enrolled the same machine while this one waited for the quota row.
    if let Some((_, found)) = existing.into_iter().next() {
        return already_enrolled(&state, &token, found).await;
    }
    audit_enrolled(&state, &token, ip, &created).await;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": "Host enrolled successfully",
            "host": {
                "id": created[0],
                "friendly_name": host.friendly_name,
                "api_id": host.api_id,
                "api_key": host.api_key,
                "host_group": token.group_json(),
                "status": "pending",
            },
        })),
    )
        .into_response())
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// 1 to 50 hosts; the whole request is refused when it does not fit today's quota.
    #[schemars(with = "Vec<BulkHost>")]
    hosts: Option<Value>,
}

/// One host of a bulk request (documentation only; items are checked field by field).
#[allow(dead_code)]
#[derive(JsonSchema)]
struct BulkHost {
    friendly_name: String,
    machine_id: Option<String>,
    metadata: Option<serde_json::Map<String, Value>>,
}

async fn enroll_bulk(
    axum::extract::State(state): axum::extract::State<AppState>,
    EnrollmentToken(token): EnrollmentToken,
    ip: ClientIp,
    JsonBody(body): JsonBody<BulkBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let items = body
        .hosts
        .as_ref()
        .and_then(Value::as_array)
        .filter(|h| (1..=MAX_BULK).contains(&h.len()))
        .ok_or_else(|| invalid("hosts", "Hosts array required (max 50)"))?;
    let mut requested = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        requested.push(check_host(
            &format!("hosts[{i}]."),
            item.get("friendly_name"),
            item.get("machine_id"),
            item.get("metadata"),
            "Each host needs a friendly_name",
        )?);
    }
    let mut skipped = Vec::new();
    let mut hosts = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (name, machine_id, metadata) in requested {
        if let Some(machine_id) = &machine_id {
            if !seen.insert(machine_id.clone()) {
                skipped.push(json!({"friendly_name": name, "machine_id": machine_id, "reason": "Duplicate machine_id in request"}));
                continue;
            }
            if let Some(found) = store::find_by_machine_id(&state.store, machine_id)
                .await
                .ctx("Failed to bulk enroll hosts")?
            {
                skipped.push(json!({"friendly_name": name, "machine_id": machine_id, "id": found.id, "reason": "Host already enrolled"}));
                continue;
            }
        }
        hosts.push(new_host(&state, name, machine_id, metadata));
    }
    let mut success = Vec::new();
    if !hosts.is_empty() {
        let (created, existing) = match write(&state, &token, &hosts).await? {
            Outcome::OverQuota => return Err(over_quota(&state, &token).await),
            Outcome::Done { created, existing } => (created, existing),
        };
        let mut ids = created.iter();
        for (index, host) in hosts.iter().enumerate() {
            if let Some((_, found)) = existing.iter().find(|(i, _)| *i == index) {
                skipped.push(json!({"friendly_name": host.friendly_name, "machine_id": host.machine_id, "id": found.id, "reason": "Host already enrolled"}));
            } else if let Some(id) = ids.next() {
                success.push(json!({"id": id, "friendly_name": host.friendly_name, "api_id": host.api_id, "api_key": host.api_key}));
            }
        }
        audit_enrolled(&state, &token, ip, &created).await;
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": format!(
                "Bulk enrollment completed: {} succeeded, 0 failed, {} skipped",
                success.len(),
                skipped.len()
            ),
            "results": {"success": success, "failed": [], "skipped": skipped},
        })),
    ))
}

pub fn routes() -> Vec<Route> {
    vec![
        post(
            "/auto-enrollment/enroll",
            Access::EnrollmentToken,
            "Enroll one host within the credential's daily quota; returns its agent credentials once",
            enroll,
        )
        .body::<EnrollBody>(),
        post(
            "/auto-enrollment/enroll/bulk",
            Access::EnrollmentToken,
            "Enroll 1 to 50 hosts at once, all within today's quota or none",
            enroll_bulk,
        )
        .body::<BulkBody>(),
        get(
            "/auto-enrollment/script",
            Access::Public,
            "An enrollment script with this server and the credential filled in \
             (credential in token_key/token_secret or the X-Auto-Enrollment-* headers)",
            script::script,
        )
        .query(&[
            ("type", "proxmox-lxc or direct-host"),
            ("token_key", "enrollment credential key"),
            ("token_secret", "enrollment credential secret"),
            ("force", "true: install the agent even past broken packages"),
        ])
        .bucket(Bucket::Auth),
    ]
    .into_iter()
    .map(|r| r.tag("integrations"))
    .collect()
}
