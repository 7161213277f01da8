//! `http`: outbound requests to granted hosts only, no redirects.

use std::time::Duration;

use super::CapError;
use crate::call::CallContext;
use crate::error::Capability;

/// A guest's request in version-neutral form.
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) timeout_ms: Option<u32>,
}

/// The response handed back to the guest.
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The shared client: connection reuse across calls, redirects returned as
/// responses (following one could leave the allow-list), statuses never errors.
pub(crate) fn new_agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .user_agent("PatchMon-RS plugin runtime")
            .build(),
    )
}

pub(crate) fn send(ctx: &mut CallContext, request: HttpRequest) -> Result<HttpResponse, CapError> {
    let url = url::Url::parse(&request.url)
        .map_err(|e| CapError::Failed(format!("invalid URL `{}`: {e}", request.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        let detail = format!(
            "scheme `{}` is not allowed; use http or https",
            url.scheme()
        );
        return Err(CapError::Denied(ctx.deny(Capability::Http, detail)));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let port = url.port_or_known_default().unwrap_or(0);
    if !ctx.settings.grants.allows_http(&host, port) {
        let detail = format!("no http grant covers {host}:{port}");
        return Err(CapError::Denied(ctx.deny(Capability::Http, detail)));
    }
    let cap = ctx.limits.http_body_bytes;
    if request.body.len() as u64 > cap {
        return Err(CapError::TooLarge);
    }
    let budget = ctx.capability_budget();
    let timeout = request
        .timeout_ms
        .map(|ms| Duration::from_millis(u64::from(ms)).min(budget))
        .unwrap_or(budget);
    if timeout.is_zero() {
        return Err(CapError::TimedOut);
    }
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let prepared = builder
        .body(request.body)
        .map_err(|e| CapError::Failed(format!("invalid request: {e}")))?;
    let prepared = ctx
        .http
        .configure_request(prepared)
        .timeout_global(Some(timeout))
        .build();
    tracing::debug!(plugin = %ctx.plugin_id, method = %request.method, %host, port, "http request");
    let mut response = ctx.http.run(prepared).map_err(map_error)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(cap)
        .read_to_vec()
        .map_err(map_error)?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn map_error(err: ureq::Error) -> CapError {
    match err {
        ureq::Error::Timeout(_) => CapError::TimedOut,
        ureq::Error::BodyExceedsLimit(_) => CapError::TooLarge,
        other => CapError::Failed(other.to_string()),
    }
}
