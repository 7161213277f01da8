//! The crate's error type and its single mapping to HTTP responses.
//!
//! Client errors carry PatchMon's exact message in `{"error": ...}`; server-side failures are
//! logged with their cause and answered with a short message that leaks nothing.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::crypto::CryptoError;
use crate::ephemeral::EphemeralError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A refusal the client can act on, with PatchMon's message and optional extra fields.
    #[error("{status}: {message}")]
    Client {
        status: StatusCode,
        message: String,
        extra: Map<String, Value>,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    /// A response body that is not `{"error": ...}` (rate limiting and lockout use `message`).
    #[error("{status}: {body}")]
    Raw {
        status: StatusCode,
        body: Value,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    #[error("{context}: {source}")]
    Store {
        context: &'static str,
        source: StoreError,
    },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(status: StatusCode, message: impl Into<String>) -> Error {
        Error::Client {
            status,
            message: message.into(),
            extra: Map::new(),
            headers: Vec::new(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Error {
        Self::status(StatusCode::BAD_REQUEST, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Error {
        Self::status(StatusCode::UNAUTHORIZED, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Error {
        Self::status(StatusCode::FORBIDDEN, message)
    }
    pub fn not_found(message: impl Into<String>) -> Error {
        Self::status(StatusCode::NOT_FOUND, message)
    }
    pub fn conflict(message: impl Into<String>) -> Error {
        Self::status(StatusCode::CONFLICT, message)
    }
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal(message.into())
    }

    /// Adds a field next to `error` (e.g. `remainingAttempts`).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Error {
        if let Error::Client { extra, .. } = &mut self {
            extra.insert(key.to_string(), value.into());
        }
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Error {
        match &mut self {
            Error::Client { headers, .. } | Error::Raw { headers, .. } => {
                headers.push((name, value))
            }
            _ => {}
        }
        self
    }

    /// The HTTP status this error maps to.
    pub fn http_status(&self) -> StatusCode {
        match self {
            Error::Client { status, .. } | Error::Raw { status, .. } => *status,
            Error::Store { source, .. } if is_unavailable(source) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::Ephemeral(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Lets handlers write `query.await.ctx("Failed to create host")?`: the message the client sees
/// when the database fails, while the cause goes to the log.
pub trait StoreContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> StoreContext<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|e| Error::Store {
            context,
            source: StoreError::Sqlx(e),
        })
    }
}

impl<T> StoreContext<T> for std::result::Result<T, StoreError> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| Error::Store { context, source })
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Error::Store {
            context: "Internal server error",
            source: StoreError::Sqlx(err),
        }
    }
}

impl From<StoreError> for Error {
    fn from(source: StoreError) -> Self {
        Error::Store {
            context: "Internal server error",
            source,
        }
    }
}

pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn is_unavailable(err: &StoreError) -> bool {
    matches!(
        err,
        StoreError::Sqlx(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_))
            | StoreError::Unreachable { .. }
    )
}

fn with_headers(mut response: Response, headers: Vec<(HeaderName, HeaderValue)>) -> Response {
    let map: &mut HeaderMap = response.headers_mut();
    for (name, value) in headers {
        map.insert(name, value);
    }
    response
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.http_status();
        match self {
            Error::Client {
                message,
                mut extra,
                headers,
                ..
            } => {
                extra.insert("error".into(), Value::String(message));
                with_headers(
                    (status, axum::Json(Value::Object(extra))).into_response(),
                    headers,
                )
            }
            Error::Raw { body, headers, .. } => {
                with_headers((status, axum::Json(body)).into_response(), headers)
            }
            Error::Store { context, source } => {
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    tracing::error!(error = %source, "database unavailable");
                    let body = json!({"error": "Database unavailable. Please try again shortly."});
                    return (status, axum::Json(body)).into_response();
                }
                tracing::error!(error = %source, "{context}");
                (status, axum::Json(json!({ "error": context }))).into_response()
            }
            Error::Ephemeral(err) => {
                tracing::error!(error = %err, "shared state unavailable");
                let body =
                    json!({"error": "Service temporarily unavailable. Please try again shortly."});
                let retry = (
                    axum::http::header::RETRY_AFTER,
                    HeaderValue::from_static("30"),
                );
                with_headers((status, axum::Json(body)).into_response(), vec![retry])
            }
            Error::Crypto(err) => {
                tracing::error!(error = %err, "crypto failure");
                (
                    status,
                    axum::Json(json!({"error": "Internal server error"})),
                )
                    .into_response()
            }
            Error::Internal(message) => {
                tracing::error!("{message}");
                (status, axum::Json(json!({ "error": message }))).into_response()
            }
        }
    }
}
