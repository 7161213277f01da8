//! HTTP Basic authentication with an integration credential (`token_key:token_secret`), and the
//! scope check of `api` credentials.
//!
//! The checks run in PatchMon's order and answer with its words, so scripts written against
//! PatchMon keep telling their users the same things. Any route can use this: declare
//! `Access::ApiCredential(kind, scope)` in the route table and take [`ApiCredential`] as an
//! argument, or call [`authenticate`] directly from code that is not behind the guard.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::{ip, store, CredentialType, Scope};
use crate::app::AppState;
use crate::http::{Error, Result, StoreContext};

/// The credential a request authenticated with; every check but the scope has passed.
#[derive(Clone, Debug)]
pub struct ApiCredential {
    pub id: String,
    pub token_name: String,
    pub kind: CredentialType,
    pub scopes: Option<Value>,
}

/// `key:secret` from an `Authorization: Basic` header. Split at the first colon (RFC 7617), so
/// a secret may itself contain colons.
fn basic_pair(headers: &HeaderMap) -> Result<(String, String)> {
    let missing = || Error::unauthorized("Missing or invalid authorization header");
    let encoded = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or_else(missing)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| missing())?;
    let format = || Error::unauthorized("Invalid credentials format");
    let text = String::from_utf8(decoded).map_err(|_| format())?;
    match text.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
            Ok((key.to_string(), secret.to_string()))
        }
        _ => Err(format()),
    }
}

/// How fresh `last_used_at` is kept.
const LAST_USED_PRECISION: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// Checks a request's Basic credentials for a credential of type `expected`, calling from
/// `client_ip`, and records the use. Scopes are checked separately ([`ApiCredential::require`]).
///
/// The order is PatchMon's: a caller holding only a key learns whether it is disabled, expired
/// or of another type before the secret is checked. Keys are not secret enough for that to
/// matter much, and integrations rely on the distinct messages.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    client_ip: IpAddr,
    expected: CredentialType,
) -> Result<ApiCredential> {
    let (key, secret) = basic_pair(headers)?;
    let token = store::find_by_key(&state.store, &key)
        .await
        .ctx("Authentication failed")?
        .ok_or_else(|| Error::unauthorized("Invalid API key"))?;
    if !token.is_active {
        return Err(Error::unauthorized("API key is disabled"));
    }
    if token.is_expired() {
        return Err(Error::unauthorized("API key has expired"));
    }
    if token.integration_type != expected.as_str() {
        return Err(Error::unauthorized("Invalid API key type"));
    }
    if !state
        .keys
        .verify_credential(&secret, &token.token_secret_hash)
    {
        return Err(Error::unauthorized("Invalid API secret"));
    }
    if !ip::allows(&token.allowed_ip_ranges.0, client_ip) {
        return Err(Error::forbidden("IP address not allowed"));
    }
    // Recorded before the scope check, as PatchMon does: the credential was used, even if the
    // call it made is then refused. At most once a minute, so a polling integration does not
    // turn every read into a database write.
    let stale = token
        .last_used_at
        .is_none_or(|at| chrono::Utc::now() - at >= LAST_USED_PRECISION);
    if stale {
        store::touch_last_used(&state.store, &token.id)
            .await
            .ctx("Authentication failed")?;
    }
    Ok(ApiCredential {
        id: token.id,
        token_name: token.token_name,
        kind: expected,
        scopes: token.scopes.map(|s| s.0),
    })
}

fn denied(message: String) -> Error {
    Error::forbidden("Access denied").with("message", message)
}

/// JavaScript truthiness, for scope entries written by other tools.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

impl ApiCredential {
    /// Refuses unless the credential grants `scope`. Only `api` credentials carry scopes; other
    /// types are limited by their type alone.
    pub fn require(&self, scope: Scope) -> Result<()> {
        if !self.kind.uses_scopes() {
            return Ok(());
        }
        let Some(Value::Object(scopes)) = &self.scopes else {
            return Err(denied(
                "This API key does not have the required permissions".into(),
            ));
        };
        let Scope { resource, action } = scope;
        match scopes.get(resource) {
            Some(entry) if !truthy(entry) => Err(denied(format!(
                "This API key does not have access to {resource}"
            ))),
            None => Err(denied(format!(
                "This API key does not have access to {resource}"
            ))),
            Some(Value::Array(actions)) if actions.iter().any(|a| a == action) => Ok(()),
            Some(Value::Array(_)) => Err(denied(format!(
                "This API key does not have permission to {action} {resource}"
            ))),
            Some(_) => Err(denied("Invalid API key permissions configuration".into())),
        }
    }
}

/// Handlers take `ApiCredential` as an argument; the route guard has already put it there.
impl<S: Send + Sync> FromRequestParts<S> for ApiCredential {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ApiCredential>()
            .cloned()
            .ok_or_else(|| Error::unauthorized("Unauthorized"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::AUTHORIZATION, value.parse().unwrap());
        map
    }

    fn message(err: Error) -> String {
        match err {
            Error::Client { message, extra, .. } => extra
                .get("message")
                .and_then(Value::as_str)
                .map(|m| format!("{message}: {m}"))
                .unwrap_or(message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_and_pair_format() {
        let pair = |v: &str| basic_pair(&headers(v)).map_err(message);
        assert_eq!(
            pair("Basic dXNlcjpwYXNzd29yZA=="),
            Ok(("user".into(), "password".into()))
        );
        let with_colon = STANDARD.encode("key:sec:ret");
        assert_eq!(
            pair(&format!("Basic {with_colon}")),
            Ok(("key".into(), "sec:ret".into()))
        );
        let header_error = Err("Missing or invalid authorization header".to_string());
        assert_eq!(pair("Bearer x"), header_error);
        assert_eq!(pair("basic dXNlcjpwYXNzd29yZA=="), header_error);
        assert_eq!(pair("Basic ***"), header_error);
        let format_error = Err("Invalid credentials format".to_string());
        assert_eq!(
            pair(&format!("Basic {}", STANDARD.encode("nocolon"))),
            format_error
        );
        assert_eq!(
            pair(&format!("Basic {}", STANDARD.encode(":secret"))),
            format_error
        );
        assert_eq!(
            pair(&format!("Basic {}", STANDARD.encode("key:"))),
            format_error
        );
        assert_eq!(basic_pair(&HeaderMap::new()).map_err(message), header_error);
    }

    #[test]
    fn scope_refusals_name_what_is_missing() {
        let credential = |scopes: Option<Value>| ApiCredential {
            id: "t".into(),
            token_name: "n".into(),
            kind: CredentialType::Api,
            scopes,
        };
        let delete = Scope::new("host", "delete");
        let get = Scope::new("host", "get");
        let reader = credential(Some(json!({"host": ["get"]})));
        assert!(reader.require(get).is_ok());
        assert_eq!(
            message(reader.require(delete).unwrap_err()),
            "Access denied: This API key does not have permission to delete host"
        );
        assert_eq!(
            message(credential(Some(json!({}))).require(get).unwrap_err()),
            "Access denied: This API key does not have access to host"
        );
        assert_eq!(
            message(
                credential(Some(json!({"host": false})))
                    .require(get)
                    .unwrap_err()
            ),
            "Access denied: This API key does not have access to host"
        );
        assert_eq!(
            message(credential(None).require(get).unwrap_err()),
            "Access denied: This API key does not have the required permissions"
        );
        assert_eq!(
            message(
                credential(Some(json!({"host": "get"})))
                    .require(get)
                    .unwrap_err()
            ),
            "Access denied: Invalid API key permissions configuration"
        );
        let widget = ApiCredential {
            kind: CredentialType::GetHomepage,
            ..credential(None)
        };
        assert!(
            widget.require(delete).is_ok(),
            "only api credentials carry scopes"
        );
    }
}
