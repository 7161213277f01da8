//! Enrollment credentials: `X-Auto-Enrollment-Key` / `X-Auto-Enrollment-Secret` headers, or the
//! script download's query string, checked in PatchMon's order with its messages.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::app::AppState;
use crate::credentials::store::{self, Token};
use crate::credentials::{ip, CredentialType};
use crate::http::{Error, Result, StoreContext};

pub const KEY_HEADER: &str = "x-auto-enrollment-key";
pub const SECRET_HEADER: &str = "x-auto-enrollment-secret";

/// The enrollment credential behind a request, after every check.
#[derive(Clone, Debug)]
pub struct EnrollmentToken(pub Token);

/// Key unknown, token disabled, wrong secret, expired, wrong type: PatchMon's order (secret
/// before expiry, unlike the Basic-auth path). The daily quota is enforced where hosts are
/// written, atomically.
pub async fn verify(state: &AppState, key: &str, secret: &str) -> Result<Token> {
    let token = store::find_by_key(&state.store, key)
        .await
        .ctx("Token validation failed")?
        .filter(|t| t.is_active)
        .ok_or_else(|| Error::unauthorized("Invalid or inactive token"))?;
    if !state
        .keys
        .verify_credential(secret, &token.token_secret_hash)
    {
        return Err(Error::unauthorized("Invalid token secret"));
    }
    if token.is_expired() {
        return Err(Error::unauthorized("Token expired"));
    }
    // PatchMon lets any credential enroll; a read-only API or widget credential creating hosts
    // would be a privilege it was never meant to have.
    if !CredentialType::parse(&token.integration_type).is_some_and(CredentialType::enrolls) {
        return Err(Error::unauthorized("Invalid token type"));
    }
    Ok(token)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The full check for the enroll endpoints, IP allow-list included.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    client_ip: IpAddr,
) -> Result<EnrollmentToken> {
    let (Some(key), Some(secret)) = (header(headers, KEY_HEADER), header(headers, SECRET_HEADER))
    else {
        return Err(Error::unauthorized("Auto-enrollment credentials required"));
    };
    let token = verify(state, key, secret).await?;
    if !ip::allows(&token.allowed_ip_ranges.0, client_ip) {
        return Err(Error::forbidden("IP address not authorized for this token"));
    }
    Ok(EnrollmentToken(token))
}

/// Handlers take `EnrollmentToken` as an argument; the route guard has already put it there.
impl<S: Send + Sync> FromRequestParts<S> for EnrollmentToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<EnrollmentToken>()
            .cloned()
            .ok_or_else(|| Error::unauthorized("Auto-enrollment credentials required"))
    }
}
