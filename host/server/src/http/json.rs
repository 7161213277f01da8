//! JSON request bodies with PatchMon's error message plus the parser's precise reason.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::Error;

/// Like `axum::Json`, but accepts a missing content type (PatchMon's clients do not always send
/// one) and answers every failure with `{"error":"Invalid request body","details":...}`.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::status(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
            } else {
                Error::bad_request("Invalid request body").with("details", rejection.body_text())
            }
        })?;
        parse(&bytes).map(JsonBody)
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_error(&mut de)?;
    de.end()
        .map_err(|e| Error::bad_request("Invalid request body").with("details", e.to_string()))?;
    Ok(value)
}

fn serde_path_error<'de, T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
) -> Result<T, Error> {
    T::deserialize(de).map_err(|e| {
        let details = if e.is_eof() && e.line() == 1 && e.column() == 0 {
            "request body is empty".to_string()
        } else {
            e.to_string()
        };
        Error::bad_request("Invalid request body").with("details", details)
    })
}
