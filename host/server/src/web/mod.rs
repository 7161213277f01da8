//! The embedded dashboard (web/dist), `/health`, and the fallback for unknown paths: the SPA's
//! index for page routes, a JSON 404 for API paths.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rust_embed::RustEmbed;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::http::Error;

#[derive(RustEmbed)]
#[folder = "$PATCHMON_WEB_DIST"]
struct Assets;

/// Content-Security-Policy for the dashboard: everything from this origin; inline styles for the
/// charting and Swagger UI; data: images for QR codes.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
    script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/api-docs", get(api_docs))
}

#[derive(Deserialize)]
struct HealthQuery {
    format: Option<String>,
}

/// `healthy`/`unhealthy` as text, or JSON when asked; 503 when the database or Redis is down.
async fn health(
    State(state): State<AppState>,
    Query(q): Query<HealthQuery>,
    headers: HeaderMap,
) -> Response {
    let database = state.store.ping().await.is_ok();
    let redis = state.ephemeral.ping().await.is_ok();
    let healthy = database && redis;
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let wants_json = q.format.as_deref() == Some("json")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"));
    let word = |ok: bool| if ok { "ok" } else { "unhealthy" };
    if wants_json {
        let redis_state = if state.ephemeral.backend_name() == "memory" {
            "not configured"
        } else {
            word(redis)
        };
        let body =
            json!({"status": word(healthy), "database": word(database), "redis": redis_state});
        return (status, Json(body)).into_response();
    }
    (status, if healthy { "healthy" } else { "unhealthy" }).into_response()
}

async fn api_docs() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, "/swagger-ui/index.html")],
    )
        .into_response()
}

fn asset(path: &str) -> Option<Response> {
    let file = Assets::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Vite fingerprints everything under assets/, so those can be cached for good.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = Response::new(Body::from(file.data.into_owned()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref())
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    Some(response)
}

pub async fn fallback(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") {
        return Error::not_found("Route not found").into_response();
    }
    if let Some(response) = asset(path) {
        return response;
    }
    match asset("index.html") {
        Some(mut index) => {
            index.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store, must-revalidate"));
            index
        }
        None => (
            StatusCode::NOT_FOUND,
            "The web dashboard is not built into this binary. Run `make run` (it builds web/ first) or use the API under /api/v1.",
        )
            .into_response(),
    }
}
