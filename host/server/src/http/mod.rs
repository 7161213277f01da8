//! Cross-cutting HTTP: the error type, extractors, the route table and its enforcement.

pub mod cached_json;
pub mod client_ip;
pub mod error;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod query;
pub mod rate_limit;
pub mod route;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub use client_ip::ClientIp;
pub use error::{Error, Result, StoreContext};
pub use json::JsonBody;
pub use route::{Access, Bucket, Route};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::ingest::auth::{self as agent_auth, AgentHost, CredentialFailure};

/// Builds the `/api/v1` router from the route table, wrapping each route in its rate limit and
/// its access guard (rate limiting runs first, as upstream counts requests before auth).
pub fn build_api_router(state: &AppState, routes: Vec<Route>) -> Router<AppState> {
    let mut router = Router::new();
    for route in routes {
        let mut handler = route.handler;
        if !matches!(route.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            handler = handler.layer(from_fn_with_state(
                (state.clone(), route.access),
                forget_cached_answers,
            ));
        }
        if route.access != Access::Public {
            handler = handler.layer(from_fn_with_state((state.clone(), route.access), guard));
        }
        if route.bucket != Bucket::None {
            handler = handler.layer(from_fn_with_state(
                (state.clone(), route.bucket),
                rate_limit::limit,
            ));
        }
        router = router.route(route.path, handler);
    }
    router.fallback(api_not_found)
}

/// After a successful change made through a route:
/// - integrations' cached fleet answers are stale, except after an agent check-in, which only
///   moves check-in times (those show when the cache expires);
/// - check-ins stop trusting the agent credentials cached on every replica, except after the
///   agents' own requests: any other route may rename, re-key or delete hosts, while an agent's
///   report refreshes only its own host (see `ingest::report`).
async fn forget_cached_answers(
    State((state, access)): State<(AppState, Access)>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    if response.status().is_success() {
        if access != Access::AgentCheckIn {
            state.store.reads.invalidate();
        }
        if !matches!(access, Access::Agent | Access::AgentCheckIn) {
            state.agent_hosts.forget_all();
        }
    }
    response
}

async fn api_not_found() -> Response {
    Error::not_found("Route not found").into_response()
}

/// Authenticates the caller and checks the route's permission; the handler then finds the
/// [`CurrentUser`] (on agent routes the [`AgentHost`], on integration routes the
/// [`ApiCredential`](crate::credentials::ApiCredential) or enrollment token) in the request
/// extensions.
async fn guard(
    State((state, access)): State<(AppState, Access)>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Access::ApiCredential(kind, scope) = access {
        let ip = request_ip(&state, &request);
        let checked = crate::credentials::basic::authenticate(&state, request.headers(), ip, kind)
            .await
            .and_then(|credential| {
                scope.map_or(Ok(()), |s| credential.require(s))?;
                Ok(credential)
            });
        return match checked {
            Ok(credential) => {
                request.extensions_mut().insert(credential);
                next.run(request).await
            }
            Err(err) => err.into_response(),
        };
    }
    if access == Access::EnrollmentToken {
        let ip = request_ip(&state, &request);
        return match crate::enrollment::auth::authenticate(&state, request.headers(), ip).await {
            Ok(token) => {
                request.extensions_mut().insert(token);
                next.run(request).await
            }
            Err(err) => err.into_response(),
        };
    }
    if access == Access::AgentCheckIn {
        return match agent_auth::authenticate_check_in(&state, request.headers()).await {
            Ok(host) => {
                request.extensions_mut().insert::<AgentHost>(host);
                next.run(request).await
            }
            Err(err) => err.into_response(),
        };
    }
    if access == Access::Agent {
        return match agent_guard(&state, request.headers()).await {
            Ok(host) => {
                request.extensions_mut().insert::<AgentHost>(host);
                next.run(request).await
            }
            Err(response) => response,
        };
    }
    let user = match crate::auth::authenticate(&state, request.headers()).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    if let Access::Permission(permission) = access {
        if let Err(err) = user.require(permission) {
            return err.into_response();
        }
    }
    request.extensions_mut().insert::<CurrentUser>(user);
    next.run(request).await
}

fn request_ip(state: &AppState, request: &Request) -> std::net::IpAddr {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    client_ip::resolve(request.headers(), peer, state.config.trust_proxy)
}

/// Agent credentials. A WebSocket upgrade is refused in plain text, as PatchMon's agent hub does;
/// HTTP calls get the JSON bodies of the agent API.
async fn agent_guard(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> std::result::Result<AgentHost, Response> {
    let is_upgrade = headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !is_upgrade {
        return agent_auth::authenticate(state, headers)
            .await
            .map_err(IntoResponse::into_response);
    }
    let refusal = match agent_auth::verify(state, headers).await {
        Ok(Ok(host)) => return Ok(host),
        Ok(Err(CredentialFailure::Missing)) => "Missing API credentials",
        Ok(Err(CredentialFailure::Invalid)) => "Invalid API credentials",
        Err(err) => return Err(err.into_response()),
    };
    Err((axum::http::StatusCode::UNAUTHORIZED, refusal).into_response())
}
