//! Integration plugins' own HTTP routes, served under `/api/v1/ext/{plugin id}/…` to signed-in
//! users: reading needs `can_view_hosts`, writing `can_manage_hosts`.
//!
//! Only the routes the plugin declares are passed on. Credentials never reach the plugin (it
//! sees the user's name instead), and its responses cannot set cookies or run scripts in the
//! dashboard's origin.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use patchmon_runtime::types::HttpExchange;
use patchmon_runtime::LoadedPlugin;

use super::registry::CallError;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::http::route::{get, post, Access, Route};
use crate::http::{Error, Result};
use crate::rbac::Permission;

/// Request headers a plugin may see; everything else (cookies, authorization) stays here.
const FORWARDED_HEADERS: &[&str] = &["accept", "accept-language", "content-type", "user-agent"];

/// Response headers a plugin may not set.
const WITHHELD_HEADERS: &[&str] = &[
    "set-cookie",
    "content-length",
    "transfer-encoding",
    "connection",
    "content-security-policy",
    "access-control-allow-origin",
    "access-control-allow-credentials",
];

/// The user the request was authenticated as, for the plugin's information.
const USER_HEADER: &str = "x-patchmon-user";

async fn serve(
    State(state): State<AppState>,
    user: CurrentUser,
    method: Method,
    Path((id, path)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let mut forwarded: Vec<(String, String)> = FORWARDED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    forwarded.push((USER_HEADER.into(), user.username.clone()));
    let request = HttpExchange {
        method: method.as_str().to_string(),
        path: format!("/{path}"),
        query: query.unwrap_or_default(),
        headers: forwarded,
        body: body.to_vec(),
        ..HttpExchange::default()
    };
    let outcome = call_route(&state, &id, request).await;
    match outcome {
        Ok(Some(response)) => Ok(into_response(response)),
        Ok(None) => Err(Error::not_found("The plugin serves no such route")),
        Err(CallError::NotFound | CallError::Disabled) => Err(Error::not_found(
            "No enabled integration plugin with this id",
        )),
        Err(CallError::Runtime(e)) => {
            tracing::warn!(plugin = %id, error = %e, "integration route failed");
            Err(Error::status(
                StatusCode::BAD_GATEWAY,
                format!("The plugin failed to answer: {e}"),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Pass `request` to an enabled integration plugin if it declares the route; `None` when it does
/// not (or the plugin is not an integration).
pub async fn call_route(
    state: &AppState,
    id: &str,
    request: HttpExchange,
) -> Result<Option<HttpExchange>, CallError> {
    state
        .plugins
        .call(id, move |loaded| {
            let LoadedPlugin::Integration(integration) = &loaded.plugin else {
                return Ok(None);
            };
            let declared = loaded
                .integration_routes(integration)?
                .iter()
                .any(|r| r.method.eq_ignore_ascii_case(&request.method) && r.path == request.path);
            match declared {
                true => integration.handle(&loaded.settings, &request).map(Some),
                false => Ok(None),
            }
        })
        .await
}

/// A plugin's answer as an HTTP response, with the headers it may not set removed.
pub fn into_response(exchange: HttpExchange) -> Response {
    let status = StatusCode::from_u16(exchange.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, exchange.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in exchange.headers {
        let name = name.to_ascii_lowercase();
        if WITHHELD_HEADERS.contains(&name.as_str()) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    // Whatever the plugin returns is data, never active content in the dashboard's origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

pub fn routes() -> Vec<Route> {
    vec![
        get(
            "/ext/{id}/{*path}",
            Access::Permission(Permission::ViewHosts),
            "A read route an enabled integration plugin declares",
            serve,
        ),
        post(
            "/ext/{id}/{*path}",
            Access::Permission(Permission::ManageHosts),
            "A write route an enabled integration plugin declares",
            serve,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("plugins"))
    .collect()
}
