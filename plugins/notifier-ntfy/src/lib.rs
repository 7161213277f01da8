//! ntfy notifier: publishes events with ntfy's JSON publishing API
//! (`POST <server>/` with `topic`, `title`, `message`, `priority`, `tags`),
//! which, unlike header publishing, carries non-ASCII titles intact.

use patchmon_plugin_sdk::host::{self, CapabilityError, HttpRequest};
use patchmon_plugin_sdk::notifier::{DeliveryError, Guest};
use patchmon_plugin_sdk::{Event, PluginInfo, Severity};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    server: String,
    topic: String,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    priority: Option<u8>,
    #[serde(default)]
    tags: Vec<String>,
}

struct Ntfy;

impl Guest for Ntfy {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "notifier-ntfy".into(),
            name: "ntfy".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Publishes events to an ntfy topic.".into(),
        }
    }

    fn config_schema() -> String {
        serde_json::json!({
            "type": "object",
            "required": ["server", "topic"],
            "additionalProperties": false,
            "properties": {
                "server": { "type": "string" },
                "topic": { "type": "string" },
                "token": { "type": "string" },
                "priority": { "type": "integer", "minimum": 1, "maximum": 5 },
                "tags": { "type": "array", "items": { "type": "string" } }
            }
        })
        .to_string()
    }

    fn validate_config(config_json: String) -> Result<(), Vec<String>> {
        let config: Config = serde_json::from_str(&config_json).map_err(|e| vec![e.to_string()])?;
        let mut problems = Vec::new();
        if !(config.server.starts_with("https://") || config.server.starts_with("http://")) {
            problems.push(format!(
                "server `{}` must start with http:// or https://",
                config.server
            ));
        }
        let topic_ok = !config.topic.is_empty()
            && config.topic.len() <= 64
            && config
                .topic
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !topic_ok {
            problems.push("topic must be 1-64 characters of letters, digits, '-' and '_'".into());
        }
        if config.priority.is_some_and(|p| !(1..=5).contains(&p)) {
            problems.push("priority must be between 1 and 5".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn deliver(ev: Event) -> Result<(), DeliveryError> {
        let config: Config = host::config().map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let mut tags = vec![severity_tag(ev.severity).to_string(), ev.kind.clone()];
        tags.extend(config.tags.iter().cloned());
        let message = match &ev.host {
            Some(host) => format!("{}\nHost: {host}", ev.message),
            None => ev.message.clone(),
        };
        let body = serde_json::json!({
            "topic": config.topic,
            "title": ev.title,
            "message": message,
            "priority": config.priority.unwrap_or_else(|| severity_priority(ev.severity)),
            "tags": tags,
        });
        let mut request = HttpRequest::new("POST", config.server.trim_end_matches('/'))
            .header("Content-Type", "application/json");
        if let Some(token) = &config.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let response =
            host::http_send(&request.body(body.to_string())).map_err(capability_failure)?;
        match response.status {
            200..=299 => Ok(()),
            429 | 500..=599 => Err(DeliveryError::Retryable(format!(
                "ntfy answered {}",
                response.status
            ))),
            status => Err(DeliveryError::Permanent(format!(
                "ntfy answered {status}: {}",
                String::from_utf8_lossy(&response.body)
            ))),
        }
    }
}

/// ntfy priorities: 1 min, 2 low, 3 default, 4 high, 5 urgent.
fn severity_priority(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 2,
        Severity::Low => 3,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

/// A tag ntfy renders as an emoji.
fn severity_tag(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "information_source",
        Severity::Low => "white_check_mark",
        Severity::Medium => "warning",
        Severity::High => "rotating_light",
        Severity::Critical => "skull",
    }
}

fn capability_failure(err: CapabilityError) -> DeliveryError {
    match err {
        CapabilityError::Denied(detail) => {
            DeliveryError::Permanent(format!("http denied: {detail}"))
        }
        CapabilityError::TooLarge => {
            DeliveryError::Permanent("request or response too large".into())
        }
        CapabilityError::TimedOut => DeliveryError::Retryable("ntfy timed out".into()),
        CapabilityError::Failed(detail) => DeliveryError::Retryable(detail),
    }
}

patchmon_plugin_sdk::export_notifier!(Ntfy);

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_plugin_sdk::harness::{FakeResponse, Harness};

    fn event(severity: Severity) -> Event {
        Event {
            id: "evt-2".into(),
            kind: "security_updates_exceeded".into(),
            severity,
            title: "Sicherheitsupdates: 12 ausstehend".into(),
            message: "12 security updates pending".into(),
            occurred_at: "2026-01-02T03:04:05Z".into(),
            host: Some("db-1".into()),
            details_json: "{}".into(),
        }
    }

    #[test]
    fn publishes_json_with_token_priority_and_tags() {
        let harness = Harness::new()
            .with_config(serde_json::json!({
                "server": "https://ntfy.example.com/",
                "topic": "patchmon",
                "token": "tk_abc",
                "tags": ["prod"]
            }))
            .with_http(FakeResponse::new("POST", "https://ntfy.example.com").body("{}"));
        let (result, report) = harness.run(|| Ntfy::deliver(event(Severity::Critical)));
        assert_eq!(result, Ok(()));
        let request = &report.http_requests[0];
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["topic"], "patchmon");
        assert_eq!(body["title"], "Sicherheitsupdates: 12 ausstehend");
        assert_eq!(body["priority"], 5);
        assert_eq!(
            body["tags"],
            serde_json::json!(["skull", "security_updates_exceeded", "prod"])
        );
        assert!(body["message"].as_str().unwrap().ends_with("Host: db-1"));
        assert!(request
            .headers
            .contains(&("Authorization".into(), "Bearer tk_abc".into())));
    }

    #[test]
    fn configured_priority_wins_and_no_token_means_no_auth() {
        let harness = Harness::new()
            .with_config(serde_json::json!({ "server": "http://n", "topic": "t", "priority": 1 }))
            .with_http(FakeResponse::new("POST", "http://n"));
        let (result, report) = harness.run(|| Ntfy::deliver(event(Severity::High)));
        assert_eq!(result, Ok(()));
        let body: serde_json::Value =
            serde_json::from_slice(&report.http_requests[0].body).unwrap();
        assert_eq!(body["priority"], 1);
        assert!(report.http_requests[0]
            .headers
            .iter()
            .all(|(k, _)| k != "Authorization"));
    }

    #[test]
    fn errors_are_classified() {
        for (status, retryable) in [(429, true), (502, true), (401, false), (403, false)] {
            let harness = Harness::new()
                .with_config(serde_json::json!({ "server": "http://n", "topic": "t" }))
                .with_http(FakeResponse::new("POST", "http://n").status(status));
            let (result, _) = harness.run(|| Ntfy::deliver(event(Severity::Low)));
            assert_eq!(
                matches!(result, Err(DeliveryError::Retryable(_))),
                retryable,
                "{status}"
            );
            assert!(result.is_err());
        }
    }

    #[test]
    fn validation() {
        assert_eq!(
            Ntfy::validate_config(r#"{"server":"https://ntfy.sh","topic":"a_b-1"}"#.into()),
            Ok(())
        );
        let problems = Ntfy::validate_config(
            r#"{"server":"ntfy.sh","topic":"bad topic","priority":9}"#.into(),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}
