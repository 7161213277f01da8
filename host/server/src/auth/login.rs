//! Signing in and out: login, first-run admin setup, signup, token refresh, logout.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::cookies::{self, ACCESS_COOKIE, DEVICE_TRUST_COOKIE, REFRESH_COOKIE};
use super::lockout::{login_locked_error, Lockout, Outcome};
use super::meta::RequestMeta;
use super::session::{self, SessionStart};
use super::token::{ACCESS, REFRESH};
use super::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::cpu_bound::CpuBound;
use crate::crypto;
use crate::http::{Error, JsonBody, Result, StoreContext};
use crate::rbac::{ADMIN, SUPERADMIN};
use crate::store::now;
use crate::users::store::{self as users, NewUser, User};

/// A stand-in hash verified when the account does not exist, so response time does not reveal
/// which usernames are real.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
pub const TFA_TICKET_TTL: Duration = Duration::from_secs(300);

pub fn ticket_key(ticket: &str) -> String {
    format!("tfa-ticket:{ticket}")
}

#[derive(Deserialize, JsonSchema)]
pub struct LoginRequest {
    /// Username or email address.
    username: String,
    password: String,
}

/// Password hashing is deliberately expensive (19 MiB and tens of milliseconds each).
static HASHING: CpuBound = CpuBound::new();

/// Verifies a password off the async workers. A missing hash is checked against a dummy one,
/// so the time taken does not reveal whether the account exists.
pub async fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let password = password.to_string();
    let hash = hash.map(str::to_string);
    HASHING
        .run(move || {
            let dummy = || {
                DUMMY_HASH
                    .get_or_init(|| {
                        crypto::hash_password("not a real password").unwrap_or_default()
                    })
                    .as_str()
            };
            crypto::verify_password(&password, hash.as_deref().unwrap_or_else(dummy))
        })
        .await
}

pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    HASHING
        .run(move || crypto::hash_password(&password))
        .await
        .map_err(Error::from)
}

pub async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Response> {
    let identifier = body.username.trim();
    if identifier.is_empty() || body.password.is_empty() || identifier.len() > 254 {
        return Err(Error::bad_request("username and password required"));
    }
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    let t = &settings.tunables;
    let lockout = Lockout::login(
        &state.ephemeral,
        identifier,
        t.max_login_attempts,
        t.lockout_duration,
    );
    if let Some(remaining) = lockout.locked_for().await? {
        return Err(login_locked_error(remaining));
    }
    let user = users::find_for_login(&state.store, identifier)
        .await
        .ctx("Invalid credentials")?;
    let password_ok = verify_password(
        &body.password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    )
    .await;
    let refusal = match &user {
        None => Some("Invalid credentials"),
        Some(u) if u.password_hash.is_none() => Some("Invalid credentials"),
        Some(_) if !password_ok => Some("Invalid credentials"),
        Some(u) if !u.is_active => Some("Account is disabled"),
        Some(_) => None,
    };
    if let Some(message) = refusal {
        let actor = Actor {
            user_id: user.as_ref().map(|u| u.id.as_str()),
            username: Some(identifier),
            ip: Some(meta.ip.clone()),
        };
        audit::record(
            &state.store,
            &actor,
            "login_failed",
            None,
            json!({"reason": message}),
        )
        .await;
        return match lockout.record_failure().await? {
            Outcome::Locked(duration) => Err(login_locked_error(duration)),
            Outcome::Remaining(_) => Err(Error::unauthorized(message)),
        };
    }
    let user = user.expect("refusal covers a missing user");
    lockout.clear().await?;
    if crypto::needs_rehash(user.password_hash.as_deref().unwrap_or_default()) {
        let upgraded = hash_password(&body.password).await?;
        users::set_password(&state.store, &user.id, &upgraded)
            .await
            .ctx("Failed to update password")?;
    }
    if user.tfa_enabled {
        let trusted = match cookies::read(&meta.headers, DEVICE_TRUST_COOKIE) {
            Some(cookie) => crate::tfa::devices::is_trusted(&state.store, &user.id, &cookie)
                .await
                .ctx("Failed to check trusted device")?,
            None => false,
        };
        if !trusted {
            let ticket = crypto::random_hex(32);
            state
                .ephemeral
                .set(&ticket_key(&ticket), &user.id, TFA_TICKET_TTL)
                .await
                .map_err(|_| Error::internal("Unable to start two-factor verification"))?;
            return Ok(Json(json!({
                "message": "TFA verification required",
                "requiresTfa": true,
                "username": user.username,
                "tfaTicket": ticket,
            }))
            .into_response());
        }
    }
    complete_login(&state, &meta, &user, LoginOptions::default()).await
}

#[derive(Default)]
pub struct LoginOptions {
    /// Refresh token lives 30 days instead of the configured lifetime (TFA "remember me").
    pub remember_me: bool,
    pub access_ttl: Option<Duration>,
    pub tfa_bypass_until: Option<DateTime<Utc>>,
    pub status: Option<StatusCode>,
    pub message: Option<&'static str>,
    /// Extra response headers (the device-trust cookie).
    pub extra_headers: HeaderMap,
}

/// Creates (or reuses) the device's session, mints both tokens, sets cookies, audits the login.
pub async fn complete_login(
    state: &AppState,
    meta: &RequestMeta,
    user: &User,
    options: LoginOptions,
) -> Result<Response> {
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    let t = &settings.tunables;
    let access_ttl = options.access_ttl.unwrap_or(t.access_ttl);
    let refresh_ttl = if options.remember_me {
        Duration::from_secs(30 * 86_400)
    } else {
        t.refresh_ttl
    };
    let (tokens, expires_at) =
        start_session(state, meta, user, access_ttl, refresh_ttl, &options).await?;
    users::touch_last_login(&state.store, &user.id)
        .await
        .ctx("Failed to record login")?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "login_success",
        Some(("user", &user.id)),
        json!({"remember_me": options.remember_me}),
    )
    .await;

    let mut body = json!({
        "message": options.message.unwrap_or("Login successful"),
        "token": tokens.access,
        "refresh_token": tokens.refresh,
        "expires_in": access_ttl.as_secs(),
        "expires_at": crate::users::store::rfc3339(&expires_at),
        "user": user.to_json(),
    });
    if let Some(until) = options.tfa_bypass_until {
        body["tfa_bypass_until"] = Value::from(crate::users::store::rfc3339(&until));
    }
    let mut headers = options.extra_headers;
    meta.cookies.set(
        &mut headers,
        ACCESS_COOKIE,
        &tokens.access,
        access_ttl.as_secs() as i64,
        false,
    );
    meta.cookies.set(
        &mut headers,
        REFRESH_COOKIE,
        &tokens.refresh,
        refresh_ttl.as_secs() as i64,
        false,
    );
    Ok((
        options.status.unwrap_or(StatusCode::OK),
        headers,
        Json(body),
    )
        .into_response())
}

pub(super) struct Tokens {
    pub access: String,
    pub refresh: String,
}

async fn start_session(
    state: &AppState,
    meta: &RequestMeta,
    user: &User,
    access_ttl: Duration,
    refresh_ttl: Duration,
    options: &LoginOptions,
) -> Result<(Tokens, DateTime<Utc>)> {
    let reused = session::reusable_session_id(&state.store, &user.id, meta.device_id.as_deref())
        .await
        .ctx("Failed to create session")?;
    let session_id = reused.clone().unwrap_or_else(session::new_session_id);
    let (refresh, _) = state
        .jwt
        .mint(REFRESH, &user.id, &user.role, &session_id, refresh_ttl);
    let (access, access_exp) =
        state
            .jwt
            .mint(ACCESS, &user.id, &user.role, &session_id, access_ttl);
    let start = SessionStart {
        user_id: &user.id,
        ip: &meta.ip,
        user_agent: meta.user_agent.as_deref(),
        device_id: meta.device_id.as_deref(),
        expires_at: now() + chrono::Duration::from_std(refresh_ttl).unwrap_or_default(),
        remember_me: options.remember_me,
        tfa_bypass_until: options.tfa_bypass_until,
    };
    session::upsert(
        &state.store,
        &session_id,
        &start,
        &refresh,
        reused.is_some(),
    )
    .await
    .ctx("Failed to create session")?;
    let expires_at = DateTime::from_timestamp(access_exp, 0).unwrap_or_else(Utc::now);
    Ok((Tokens { access, refresh }, expires_at))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
/// The account details of first-run setup and of self-signup.
pub struct NewAccountRequest {
    #[serde(rename = "firstName")]
    first_name: String,
    #[serde(rename = "lastName")]
    last_name: String,
    username: String,
    email: String,
    password: String,
}

pub async fn setup_admin(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(body): JsonBody<NewAccountRequest>,
) -> Result<Response> {
    let fields = [
        &body.first_name,
        &body.last_name,
        &body.username,
        &body.email,
        &body.password,
    ];
    if fields.iter().any(|f| f.trim().is_empty()) {
        return Err(Error::bad_request("All fields are required"));
    }
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if let Some(message) = settings.tunables.password_policy.check(&body.password) {
        return Err(Error::bad_request(message));
    }
    let already = "Admin users already exist. This endpoint is only for first-time setup.";
    if users::count_active_with_roles(&state.store, &[ADMIN, SUPERADMIN])
        .await
        .ctx(already)?
        > 0
    {
        return Err(Error::bad_request(already));
    }
    if users::name_or_email_taken(&state.store, body.username.trim(), body.email.trim(), None)
        .await
        .ctx("Failed to create admin")?
    {
        return Err(Error::bad_request("Username or email already exists"));
    }
    let hash = hash_password(&body.password).await?;
    let new = NewUser {
        username: body.username.trim(),
        email: body.email.trim(),
        password_hash: &hash,
        role: SUPERADMIN,
        first_name: Some(body.first_name.trim()),
        last_name: Some(body.last_name.trim()),
    };
    let user = users::create_first_admin(&state.store, new)
        .await
        .ctx("Failed to create admin")?
        .ok_or_else(|| Error::bad_request(already))?;
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "setup_admin",
        Some(("user", &user.id)),
        json!({}),
    )
    .await;
    let options = LoginOptions {
        access_ttl: Some(Duration::from_secs(3600)),
        status: Some(StatusCode::CREATED),
        message: Some("Admin user created successfully"),
        ..LoginOptions::default()
    };
    complete_login(&state, &meta, &user, options).await
}

pub async fn signup(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(body): JsonBody<NewAccountRequest>,
) -> Result<Response> {
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    if !settings.row.signup_enabled {
        return Err(Error::forbidden("User signup is currently disabled"));
    }
    let fields = [
        &body.first_name,
        &body.last_name,
        &body.username,
        &body.email,
        &body.password,
    ];
    if fields.iter().any(|f| f.trim().is_empty()) {
        return Err(Error::bad_request("All fields are required"));
    }
    if body.username.trim().len() < 3 {
        return Err(Error::bad_request("Username must be at least 3 characters"));
    }
    if let Some(message) = settings.tunables.password_policy.check(&body.password) {
        return Err(Error::bad_request(message));
    }
    if users::name_or_email_taken(&state.store, body.username.trim(), body.email.trim(), None)
        .await
        .ctx("Failed to create account")?
    {
        return Err(Error::conflict("Username or email already exists"));
    }
    let hash = hash_password(&body.password).await?;
    let role = settings.tunables.default_user_role.clone();
    let new = NewUser {
        username: body.username.trim(),
        email: body.email.trim(),
        password_hash: &hash,
        role: &role,
        first_name: Some(body.first_name.trim()),
        last_name: Some(body.last_name.trim()),
    };
    let user = match users::create(&state.store, new).await {
        Ok(user) => user,
        Err(e) if crate::http::error::is_unique_violation(&e) => {
            return Err(Error::conflict("Username or email already exists"))
        }
        Err(e) => return Err(e).ctx("Failed to create account"),
    };
    let actor = Actor::account(&user.id, &user.username, &meta.ip);
    audit::record(
        &state.store,
        &actor,
        "signup",
        Some(("user", &user.id)),
        json!({"role": role}),
    )
    .await;
    let options = LoginOptions {
        status: Some(StatusCode::CREATED),
        message: Some("Account created successfully"),
        ..LoginOptions::default()
    };
    complete_login(&state, &meta, &user, options).await
}

pub async fn signup_enabled(State(state): State<AppState>) -> Result<Json<Value>> {
    let settings = state.settings.get().await.ctx("Failed to load settings")?;
    Ok(Json(json!({"signupEnabled": settings.row.signup_enabled})))
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<Response> {
    session::revoke(&state.store, &user.session_id, "logout")
        .await
        .ctx("Failed to log out")?;
    let mut headers = HeaderMap::new();
    meta.cookies.clear(&mut headers, ACCESS_COOKIE);
    meta.cookies.clear(&mut headers, REFRESH_COOKIE);
    Ok((headers, Json(json!({"message": "Logged out"}))).into_response())
}

pub async fn heartbeat() -> StatusCode {
    StatusCode::NO_CONTENT
}
