//! Facts about a sign-in request that sessions and cookies need.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use super::cookies::CookiePolicy;
use crate::app::AppState;
use crate::http::client_ip;

pub struct RequestMeta {
    pub ip: String,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub cookies: CookiePolicy,
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let ip = client_ip::resolve(&parts.headers, peer, state.config.trust_proxy).to_string();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(512).collect::<String>())
                .filter(|v| !v.is_empty())
        };
        Ok(RequestMeta {
            ip,
            user_agent: header("user-agent"),
            device_id: header("x-device-id").map(|d| d.chars().take(128).collect()),
            cookies: CookiePolicy::for_request(
                &parts.headers,
                state.config.is_production(),
                state.config.server_protocol == "https",
            ),
            headers: parts.headers.clone(),
        })
    }
}
