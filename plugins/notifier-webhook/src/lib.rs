//! Webhook notifier: POSTs each event as JSON, with an optional
//! `X-PatchMon-Signature: sha256=<hex>` HMAC of the exact body bytes.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use patchmon_plugin_sdk::host::{self, CapabilityError, HttpRequest};
use patchmon_plugin_sdk::notifier::{DeliveryError, Guest};
use patchmon_plugin_sdk::{Event, PluginInfo, Severity};
use serde::Deserialize;
use sha2::Sha256;

/// Header carrying the body signature.
pub const SIGNATURE_HEADER: &str = "X-PatchMon-Signature";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    url: String,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

struct Webhook;

impl Guest for Webhook {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "notifier-webhook".into(),
            name: "Webhook".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "POSTs each event as JSON, optionally HMAC-signed.".into(),
        }
    }

    fn config_schema() -> String {
        serde_json::json!({
            "type": "object",
            "required": ["url"],
            "additionalProperties": false,
            "properties": {
                "url": { "type": "string" },
                "secret": { "type": "string" },
                "headers": { "type": "object", "additionalProperties": { "type": "string" } }
            }
        })
        .to_string()
    }

    fn validate_config(config_json: String) -> Result<(), Vec<String>> {
        let config: Config = serde_json::from_str(&config_json).map_err(|e| vec![e.to_string()])?;
        let mut problems = Vec::new();
        if !(config.url.starts_with("https://") || config.url.starts_with("http://")) {
            problems.push(format!(
                "url `{}` must start with http:// or https://",
                config.url
            ));
        }
        if config.secret.as_deref() == Some("") {
            problems.push("secret must not be empty when set".to_string());
        }
        if config
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case(SIGNATURE_HEADER))
        {
            problems.push(format!("headers must not override {SIGNATURE_HEADER}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn deliver(ev: Event) -> Result<(), DeliveryError> {
        let config: Config = host::config().map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let body = event_body(&ev);
        let mut request = HttpRequest::new("POST", &config.url)
            .header("Content-Type", "application/json")
            .header("X-PatchMon-Event", &ev.kind)
            .header("X-PatchMon-Delivery", &ev.id);
        for (name, value) in &config.headers {
            request = request.header(name, value);
        }
        if let Some(secret) = &config.secret {
            request = request.header(SIGNATURE_HEADER, &format!("sha256={}", sign(secret, &body)));
        }
        let response = host::http_send(&request.body(body)).map_err(capability_failure)?;
        match response.status {
            200..=299 => Ok(()),
            408 | 425 | 429 | 500..=599 => Err(DeliveryError::Retryable(format!(
                "webhook answered {}",
                response.status
            ))),
            status => Err(DeliveryError::Permanent(format!(
                "webhook answered {status}"
            ))),
        }
    }
}

/// The JSON document POSTed for an event.
fn event_body(ev: &Event) -> Vec<u8> {
    let details: serde_json::Value =
        serde_json::from_str(&ev.details_json).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "id": ev.id,
        "event": ev.kind,
        "severity": severity_name(ev.severity),
        "title": ev.title,
        "message": ev.message,
        "occurred_at": ev.occurred_at,
        "host": ev.host,
        "details": details,
    })
    .to_string()
    .into_bytes()
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

/// Lower-case hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn capability_failure(err: CapabilityError) -> DeliveryError {
    match err {
        CapabilityError::Denied(detail) => {
            DeliveryError::Permanent(format!("http denied: {detail}"))
        }
        CapabilityError::TooLarge => {
            DeliveryError::Permanent("request or response too large".into())
        }
        CapabilityError::TimedOut => DeliveryError::Retryable("webhook timed out".into()),
        CapabilityError::Failed(detail) => DeliveryError::Retryable(detail),
    }
}

patchmon_plugin_sdk::export_notifier!(Webhook);

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_plugin_sdk::harness::{FakeResponse, Harness};

    fn event() -> Event {
        Event {
            id: "evt-1".into(),
            kind: "host_down".into(),
            severity: Severity::High,
            title: "web-1 is down".into(),
            message: "No report for 15 minutes".into(),
            occurred_at: "2026-01-02T03:04:05Z".into(),
            host: Some("web-1".into()),
            details_json: r#"{"minutes":15}"#.into(),
        }
    }

    #[test]
    fn posts_signed_json() {
        let harness = Harness::new()
            .with_config(serde_json::json!({
                "url": "https://hooks.example.com/in",
                "secret": "s3cret",
                "headers": { "X-Team": "ops" }
            }))
            .with_http(FakeResponse::new("POST", "https://hooks.example.com/in").status(204));
        let (result, report) = harness.run(|| Webhook::deliver(event()));
        assert_eq!(result, Ok(()));
        let request = &report.http_requests[0];
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["event"], "host_down");
        assert_eq!(body["severity"], "high");
        assert_eq!(body["details"]["minutes"], 15);
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            header(SIGNATURE_HEADER),
            format!("sha256={}", sign("s3cret", &request.body))
        );
        assert_eq!(header("X-Team"), "ops");
        assert_eq!(header("X-PatchMon-Delivery"), "evt-1");
    }

    #[test]
    fn no_secret_means_no_signature() {
        let harness = Harness::new()
            .with_config(serde_json::json!({ "url": "http://h/" }))
            .with_http(FakeResponse::new("POST", "http://h/"));
        let (result, report) = harness.run(|| Webhook::deliver(event()));
        assert_eq!(result, Ok(()));
        assert!(report.http_requests[0]
            .headers
            .iter()
            .all(|(k, _)| k != SIGNATURE_HEADER));
    }

    #[test]
    fn statuses_map_to_retryable_or_permanent() {
        for (status, retryable) in [
            (500, true),
            (503, true),
            (429, true),
            (404, false),
            (400, false),
        ] {
            let harness = Harness::new()
                .with_config(serde_json::json!({ "url": "http://h/" }))
                .with_http(FakeResponse::new("POST", "http://h/").status(status));
            let (result, _) = harness.run(|| Webhook::deliver(event()));
            match result {
                Err(DeliveryError::Retryable(_)) => assert!(retryable, "{status}"),
                Err(DeliveryError::Permanent(_)) => assert!(!retryable, "{status}"),
                Ok(()) => panic!("{status} should fail"),
            }
        }
    }

    #[test]
    fn denied_http_is_permanent_and_timeouts_retry() {
        let harness = Harness::new()
            .with_config(serde_json::json!({ "url": "http://h/" }))
            .with_http(FakeResponse::new("POST", "http://h/").fail(CapabilityError::TimedOut));
        let (result, _) = harness.run(|| Webhook::deliver(event()));
        assert!(matches!(result, Err(DeliveryError::Retryable(_))));
        let harness = Harness::new().with_config(serde_json::json!({ "url": "http://other/" }));
        let (result, _) = harness.run(|| Webhook::deliver(event()));
        assert!(matches!(result, Err(DeliveryError::Permanent(m)) if m.contains("denied")));
    }

    #[test]
    fn validation_reports_every_problem() {
        assert_eq!(
            Webhook::validate_config(r#"{"url":"https://x/"}"#.into()),
            Ok(())
        );
        let problems = Webhook::validate_config(
            r#"{"url":"ftp://x/","secret":"","headers":{"x-patchmon-signature":"1"}}"#.into(),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(Webhook::validate_config(r#"{"nope":1}"#.into()).is_err());
    }

    #[test]
    fn signature_matches_a_known_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
