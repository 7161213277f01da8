//! Two-factor authentication: TOTP enrolment, backup codes, the second login step, and
//! trusted devices.

pub mod devices;
mod totp;

pub use totp::{code_in, current_code};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::cookies::DEVICE_TRUST_COOKIE;
use crate::auth::lockout::{Lockout, Outcome, TFA_LOCKED_MESSAGE};
use crate::auth::login::{
    complete_login, ticket_key, verify_password, LoginOptions, TFA_TICKET_TTL,
};
use crate::auth::meta::RequestMeta;
use crate::auth::CurrentUser;
use crate::http::route::{delete, get, post, Access, Bucket, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::users::store::{self as users, User};

fn hashed_codes(state: &AppState, codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|c| state.keys.credential_hash(&totp::normalize_code(c)))
        .collect()
}

async fn load(state: &AppState, user: &CurrentUser) -> Result<User> {
    users::find_by_id(&state.store, &user.id)
        .await
        .ctx("Failed to load user")?
        .ok_or_else(|| Error::not_found("User not found"))
}

async fn setup(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let me = load(&state, &user).await?;
    if me.tfa_enabled {
        return Err(Error::bad_request(
            "Two-factor authentication is already enabled for this account",
        ));
    }
    let secret = totp::new_secret();
    let url = totp::otpauth_url(&secret, &me.username)
        .ok_or_else(|| Error::internal("Failed to setup two-factor authentication"))?;
    let qr =
        totp::qr_data_url(&url).ok_or_else(|| Error::internal("Failed to generate QR code"))?;
    users::set_tfa(
        &state.store,
        &me.id,
        false,
        Some(&state.keys.encrypt(&secret)),
        None,
    )
    .await
    .ctx("Failed to setup two-factor authentication")?;
    Ok(Json(
        json!({"secret": secret, "qrCode": qr, "manualEntryKey": secret, "otpauthUrl": url}),
    ))
}

/// The TOTP secret is encrypted at rest; decrypting with another key yields nothing usable.
fn secret_of(state: &AppState, user: &User) -> Option<String> {
    user.tfa_secret
        .as_deref()
        .and_then(|s| state.keys.decrypt(s).ok())
}

fn step_key(user_id: &str) -> String {
    format!("tfa-step:{user_id}")
}

/// True when `step` is later than the last TOTP step this user spent (codes are single use).
async fn fresh_step(state: &AppState, user_id: &str, step: u64) -> Result<bool> {
    let last = state.ephemeral.get(&step_key(user_id)).await?;
    Ok(last
        .and_then(|s| s.parse::<u64>().ok())
        .is_none_or(|last| step > last))
}

/// Records a spent step; it is kept for longer than the accepted drift window.
async fn remember_step(state: &AppState, user_id: &str, step: u64) -> Result<()> {
    let ttl = std::time::Duration::from_secs(300);
    state
        .ephemeral
        .set(&step_key(user_id), &step.to_string(), ttl)
        .await?;
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
struct TokenBody {
    #[serde(default)]
    token: String,
}

async fn verify_setup(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<Json<Value>> {
    let token = body.token.trim();
    if token.len() != 6 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::bad_request("Token must be exactly 6 digits"));
    }
    let me = load(&state, &user).await?;
    let secret = secret_of(&state, &me)
        .filter(|_| !me.tfa_enabled)
        .ok_or_else(|| {
            Error::bad_request("No TFA secret found. Please start the setup process first.")
        })?;
    let Some(step) = totp::verify(&secret, token) else {
        return Err(Error::bad_request(
            "Invalid verification code. Please try again.",
        ));
    };
    remember_step(&state, &me.id, step).await?;
    let codes = totp::new_backup_codes();
    let stored = me.tfa_secret.clone();
    users::set_tfa(
        &state.store,
        &me.id,
        true,
        stored.as_deref(),
        Some(&hashed_codes(&state, &codes)),
    )
    .await
    .ctx("Failed to enable two-factor authentication")?;
    audit::record(
        &state.store,
        &Actor::user(&user, ip),
        "tfa_enabled",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    Ok(Json(json!({
        "message": "Two-factor authentication has been enabled successfully",
        "backupCodes": codes,
    })))
}

#[derive(Deserialize, JsonSchema)]
struct PasswordBody {
    #[serde(default)]
    password: String,
}

async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<Response> {
    if body.password.is_empty() {
        return Err(Error::bad_request("Password is required to disable TFA"));
    }
    let me = load(&state, &user).await?;
    if !me.tfa_enabled {
        return Err(Error::bad_request(
            "Two-factor authentication is not enabled for this account",
        ));
    }
    let Some(hash) = me.password_hash.as_deref() else {
        return Err(Error::bad_request(
            "Cannot disable TFA for accounts without a password (e.g., OIDC-only accounts)",
        ));
    };
    if !verify_password(&body.password, Some(hash)).await {
        return Err(Error::unauthorized("Invalid password"));
    }
    users::set_tfa(&state.store, &me.id, false, None, None)
        .await
        .ctx("Failed to disable two-factor authentication")?;
    devices::revoke_all(&state.store, &me.id)
        .await
        .ctx("Failed to disable two-factor authentication")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "tfa_disabled",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    let mut headers = HeaderMap::new();
    meta.cookies.clear(&mut headers, DEVICE_TRUST_COOKIE);
    Ok(axum::response::IntoResponse::into_response((
        headers,
        Json(json!({"message": "Two-factor authentication has been disabled successfully"})),
    )))
}

async fn status(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let me = load(&state, &user).await?;
    Ok(Json(
        json!({"enabled": me.tfa_enabled, "hasBackupCodes": !me.backup_codes().is_empty()}),
    ))
}

async fn regenerate_backup_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
) -> Result<Json<Value>> {
    let me = load(&state, &user).await?;
    if !me.tfa_enabled {
        return Err(Error::bad_request(
            "Two-factor authentication is not enabled for this account",
        ));
    }
    let codes = totp::new_backup_codes();
    users::set_tfa(
        &state.store,
        &me.id,
        true,
        me.tfa_secret.as_deref(),
        Some(&hashed_codes(&state, &codes)),
    )
    .await
    .ctx("Failed to regenerate backup codes")?;
    audit::record(
        &state.store,
        &Actor::user(&user, ip),
        "tfa_backup_codes_regenerated",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    Ok(Json(
        json!({"message": "Backup codes have been regenerated successfully", "backupCodes": codes}),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct VerifyTfaBody {
    /// Ignored: the user comes from the ticket.
    #[serde(default)]
    #[allow(dead_code)]
    username: Option<String>,
    #[serde(default)]
    token: String,
    #[serde(default)]
    remember_me: bool,
    #[serde(default)]
    tfa_ticket: String,
}

/// The second login step: a TOTP code or an unused backup code, against a single-use ticket.
async fn verify_tfa(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(body): JsonBody<VerifyTfaBody>,
) -> Result<Response> {
    let token = body.token.trim().to_ascii_uppercase();
    if token.len() != 6 {
        return Err(Error::bad_request("6-character token required"));
    }
    if !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::bad_request(
            "Token must be 6 alphanumeric characters",
        ));
    }
    let expired = || Error::unauthorized("Login session expired, please sign in again");
    if body.tfa_ticket.is_empty() {
        return Err(expired());
    }
    let user_id = state
        .ephemeral
        .take(&ticket_key(&body.tfa_ticket))
        .await
        .map_err(|_| Error::internal("Two-factor verification unavailable"))?
        .ok_or_else(expired)?;
    let not_enabled = || Error::unauthorized("Invalid credentials or TFA not enabled");
    let user = users::find_by_id(&state.store, &user_id)
        .await
        .ctx("Failed to load user")?
        .filter(|u| u.is_active && u.tfa_enabled)
        .ok_or_else(not_enabled)?;
    let secret = secret_of(&state, &user).ok_or_else(not_enabled)?;
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    let t = &settings.tunables;
    let lockout = Lockout::tfa(
        &state.ephemeral,
        &user.id,
        t.max_tfa_attempts,
        t.tfa_lockout_duration,
    );
    if lockout.locked_for().await?.is_some() {
        return Err(Error::status(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            TFA_LOCKED_MESSAGE,
        ));
    }
    let mut method = "totp";
    let totp_step = totp::verify(&secret, &token);
    let mut valid = match totp_step {
        Some(step) => fresh_step(&state, &user.id, step).await?,
        None => false,
    };
    if !valid {
        let codes = user.backup_codes();
        let hashed = state.keys.credential_hash(&token);
        if let Some(position) = codes
            .iter()
            .position(|c| crate::crypto::constant_time_eq(c.as_bytes(), hashed.as_bytes()))
        {
            let mut remaining = codes.clone();
            remaining.remove(position);
            valid = users::consume_backup_code(&state.store, &user.id, &codes, &remaining)
                .await
                .ctx("Failed to verify code")?;
            method = "backup_code";
        }
    }
    if !valid {
        let actor = Actor::account(&user.id, &user.username, &meta.ip);
        audit::record(
            &state.store,
            &actor,
            "tfa_failed",
            Some(("user", &user.id)),
            json!({}),
        )
        .await;
        let outcome = lockout.record_failure().await?;
        if let Outcome::Remaining(_) = outcome {
            // A mistyped code keeps the ticket, so the user can simply try again.
            state
                .ephemeral
                .set(&ticket_key(&body.tfa_ticket), &user.id, TFA_TICKET_TTL)
                .await?;
        }
        return match outcome {
            Outcome::Locked(_) => Err(Error::status(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                TFA_LOCKED_MESSAGE,
            )),
            Outcome::Remaining(n) => {
                Err(Error::unauthorized("Invalid verification code").with("remainingAttempts", n))
            }
        };
    }
    lockout.clear().await?;
    if let (Some(step), "totp") = (totp_step, method) {
        remember_step(&state, &user.id, step).await?;
    }
    let mut options = LoginOptions {
        remember_me: body.remember_me,
        ..LoginOptions::default()
    };
    if body.remember_me {
        let (cookie, until) = devices::trust(
            &state,
            &user.id,
            &meta,
            t.remember_me_ttl,
            t.max_trusted_devices,
        )
        .await
        .ctx("Failed to remember device")?;
        meta.cookies.set(
            &mut options.extra_headers,
            DEVICE_TRUST_COOKIE,
            &cookie,
            (until - crate::store::now()).num_seconds(),
            true,
        );
        options.tfa_bypass_until = Some(until);
    }
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "tfa_verified",
        Some(("user", &user.id)),
        json!({"method": method}),
    )
    .await;
    complete_login(&state, &meta, &user, options).await
}

pub fn routes() -> Vec<Route> {
    use Access::{Public, User};
    vec![
        post(
            "/auth/verify-tfa",
            Public,
            "Complete a login with a TOTP or backup code",
            verify_tfa,
        )
        .body::<VerifyTfaBody>()
        .bucket(Bucket::Auth),
        get(
            "/tfa/setup",
            User,
            "Start TFA enrolment: secret, otpauth URI and QR code",
            setup,
        ),
        post(
            "/tfa/verify-setup",
            User,
            "Confirm enrolment with a code; returns backup codes once",
            verify_setup,
        )
        .body::<TokenBody>(),
        post(
            "/tfa/disable",
            User,
            "Turn TFA off (requires the password)",
            disable,
        )
        .body::<PasswordBody>(),
        get(
            "/tfa/status",
            User,
            "Whether TFA is on and backup codes remain",
            status,
        ),
        post(
            "/tfa/regenerate-backup-codes",
            User,
            "Replace the backup codes",
            regenerate_backup_codes,
        ),
        get(
            "/auth/trusted-devices",
            User,
            "The caller's trusted devices",
            devices::list,
        ),
        delete(
            "/auth/trusted-devices",
            User,
            "Revoke all the caller's trusted devices",
            devices::revoke_all_route,
        ),
        delete(
            "/auth/trusted-devices/{id}",
            User,
            "Revoke one trusted device",
            devices::revoke_route,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("tfa"))
    .collect()
}
