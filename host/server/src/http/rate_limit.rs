//! Fixed-window rate limits per client IP and bucket, with PatchMon's defaults and bodies.
//! Counters live in [`crate::ephemeral`], so replicas sharing Redis share limits: exactly for
//! the credential buckets, and for the busy general and agent buckets through
//! [`crate::ephemeral::BatchedCounters`], which keep a Redis round trip off each request.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::client_ip;
use super::error::Error;
use super::route::Bucket;
use crate::app::AppState;
use crate::config::Config;

/// The window and maximum of a bucket; `None` when the bucket is disabled (window or max 0).
pub fn bucket_limits(config: &Config, bucket: Bucket) -> Option<(Duration, u64)> {
    let (window_ms, max) = match bucket {
        Bucket::None => return None,
        Bucket::General => (config.rate_limit_window_ms, config.rate_limit_max),
        Bucket::Auth => (config.auth_rate_limit_window_ms, config.auth_rate_limit_max),
        Bucket::Password => (
            config.password_rate_limit_window_ms,
            config.password_rate_limit_max,
        ),
        Bucket::Agent => (
            config.agent_rate_limit_window_ms,
            config.agent_rate_limit_max,
        ),
    };
    (window_ms > 0 && max > 0).then(|| (Duration::from_millis(window_ms), max))
}

pub async fn limit(
    State((state, bucket)): State<(AppState, Bucket)>,
    request: Request,
    next: Next,
) -> Response {
    let Some((window, max)) = bucket_limits(&state.config, bucket) else {
        return next.run(request).await;
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let ip = client_ip::resolve(request.headers(), peer, state.config.trust_proxy);
    let key = format!("rl:{}:{ip}", bucket.name());
    let counted = match bucket {
        Bucket::Auth | Bucket::Password => state.ephemeral.incr(&key, window).await,
        _ => state.request_counts.incr(&key, window).await,
    };
    match counted {
        Ok((count, ttl)) if count > max => {
            let retry_after = ttl.as_secs().max(1);
            tracing::info!(bucket = bucket.name(), %ip, "rate limit exceeded");
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"message": "Too many requests. Try again later."})),
            )
                .into_response();
            let headers = response.headers_mut();
            headers.insert("retry-after", HeaderValue::from(retry_after));
            headers.insert("ratelimit-limit", HeaderValue::from(max));
            headers.insert("ratelimit-remaining", HeaderValue::from(0u64));
            response
        }
        Ok((count, ttl)) => {
            let mut response = next.run(request).await;
            let headers = response.headers_mut();
            headers.insert("ratelimit-limit", HeaderValue::from(max));
            headers.insert("ratelimit-remaining", HeaderValue::from(max - count));
            headers.insert("ratelimit-reset", HeaderValue::from(ttl.as_secs()));
            response
        }
        // Credential endpoints fail closed: an attacker must not gain unlimited guesses by
        // knocking Redis over. Everything else stays available.
        Err(err) if matches!(bucket, Bucket::Auth | Bucket::Password) => {
            Error::from(err).into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, bucket = bucket.name(), "rate limiter unavailable; allowing request");
            next.run(request).await
        }
    }
}
