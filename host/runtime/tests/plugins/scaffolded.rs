//! The collector, integration and scanner worlds end to end, through the
//! crates `scripts/build-plugins.sh` scaffolds and builds exactly as a
//! plugin author's `plugin new` would.

use std::sync::Arc;

use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::services::testing::{RecordingEnroller, StaticFleet};
use patchmon_runtime::services::{HostServices, HostSummary};
use patchmon_runtime::types::{Event, HostFacts, HttpExchange, Severity};
use patchmon_runtime::{
    Capability, ExecRule, Grants, PluginPackage, PluginSettings, Runtime, RuntimeConfig,
    RuntimeError,
};
use patchmon_test_support::{built_wasm, wasm_dir};

fn scaffolded(kind: &str) -> PluginPackage {
    let manifest = std::fs::read_to_string(wasm_dir().join(format!("example_{kind}.plugin.toml")))
        .expect("scaffolded manifest; run scripts/build-plugins.sh");
    let wasm = built_wasm(&format!("example_{kind}"));
    PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap()
}

fn host(id: &str, outdated: u32, security: u32) -> HostSummary {
    HostSummary {
        id: id.into(),
        hostname: format!("{id}.example.com"),
        friendly_name: None,
        os: "Debian 12".into(),
        status: "active".into(),
        outdated_packages: outdated,
        security_updates: security,
        groups: vec!["web".into()],
        last_seen: Some("2026-01-01T00:00:00Z".into()),
        ip: Some("192.0.2.10".into()),
    }
}

fn request(method: &str, path: &str, body: &str) -> HttpExchange {
    HttpExchange {
        method: method.into(),
        path: path.into(),
        body: body.as_bytes().to_vec(),
        ..HttpExchange::default()
    }
}

fn json(response: &HttpExchange) -> serde_json::Value {
    serde_json::from_slice(&response.body).unwrap()
}

#[test]
fn integration_reads_the_fleet_keeps_state_and_enrolls() {
    let enroller = Arc::new(RecordingEnroller::default());
    let runtime = Runtime::new(RuntimeConfig {
        services: HostServices {
            fleet: Some(Arc::new(StaticFleet {
                hosts: vec![host("h1", 3, 1), host("h2", 0, 0), host("h3", 7, 2)],
                ..StaticFleet::default()
            })),
            enroller: Some(enroller.clone()),
            ..HostServices::default()
        },
        ..RuntimeConfig::default()
    })
    .unwrap();
    let package = scaffolded("integration");
    let integration = runtime.load_integration(&package).unwrap();
    let granted = PluginSettings::new(
        Grants::from_manifest(&package.manifest, &serde_json::json!({})),
        serde_json::json!({}),
    );

    let routes = integration.routes(&granted).unwrap();
    assert_eq!(
        routes.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        vec!["/summary", "/enroll"]
    );

    let event = Event {
        id: "evt-42".into(),
        kind: "host_down".into(),
        severity: Severity::High,
        title: "h2 down".into(),
        message: String::new(),
        occurred_at: "2026-01-01T00:00:00Z".into(),
        host: Some("h2".into()),
        details: serde_json::json!({}),
    };
    integration.on_event(&granted, &event).unwrap();

    let summary = integration
        .handle(&granted, &request("GET", "/summary", ""))
        .unwrap();
    assert_eq!(summary.status, 200);
    let body = json(&summary);
    assert_eq!(
        (body["hosts"].as_u64(), body["needing_updates"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(body["security_updates"], 3);
    assert_eq!(
        body["last_event"], "evt-42",
        "kv state survives across calls"
    );

    assert_eq!(
        integration
            .handle(&granted, &request("GET", "/nope", ""))
            .unwrap()
            .status,
        404
    );

    // Enrollment needs its own grant.
    let denied = integration
        .handle(
            &granted,
            &request("POST", "/enroll", r#"{"hostname":"new-1"}"#),
        )
        .unwrap();
    assert_eq!(denied.status, 403);
    let with_enroll = PluginSettings::new(
        Grants {
            enroll: true,
            ..granted.grants.clone()
        },
        serde_json::json!({}),
    );
    let created = integration
        .handle(
            &with_enroll,
            &request("POST", "/enroll", r#"{"hostname":"new-1"}"#),
        )
        .unwrap();
    assert_eq!(created.status, 201);
    assert_eq!(json(&created)["api_id"], "patchmon_1");
    let requests = enroller.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].0, "example-integration");
    assert_eq!(requests[0].1.hostname, "new-1");

    // Without fleet-read the guest gets a typed denial it can report.
    let nothing = PluginSettings::default();
    let refused = integration
        .handle(&nothing, &request("GET", "/summary", ""))
        .unwrap();
    assert_eq!(refused.status, 502);
    assert!(json(&refused)["error"].as_str().unwrap().contains("Denied"));
    assert_eq!(
        runtime.plugin_metrics("example-integration").denials,
        3,
        "kv get, fleet stats, enroll"
    );
}

#[test]
fn collector_runs_a_granted_real_command() {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = scaffolded("collector");
    let collector = runtime.load_collector(&package).unwrap();
    let debian = HostFacts {
        os_family: "debian".into(),
        ..HostFacts::default()
    };
    let settings = PluginSettings::new(
        Grants::from_manifest(&package.manifest, &serde_json::json!({})),
        serde_json::json!({}),
    );
    assert!(collector.detect(&settings, &debian).unwrap());
    assert!(!collector.detect(&settings, &HostFacts::default()).unwrap());

    // The test machine is Debian: dpkg-query really runs and reports itself.
    let inventory = collector.collect(&settings).unwrap();
    let dpkg = inventory
        .installed
        .iter()
        .find(|p| p.name == "dpkg")
        .expect("dpkg is installed");
    assert!(!dpkg.version.is_empty());
    assert!(dpkg.architecture.is_some());

    let other_args = PluginSettings::new(
        Grants {
            exec: vec![ExecRule::new("dpkg-query", &["-W"])],
            ..Grants::none()
        },
        serde_json::json!({}),
    );
    match collector.collect(&other_args) {
        Err(RuntimeError::Denied {
            capability: Capability::Exec,
            detail,
            ..
        }) => {
            assert!(detail.contains("dpkg-query -W -f="), "{detail}");
        }
        other => panic!("expected an exec denial, got {other:?}"),
    }
}

#[test]
fn scanner_reports_profiles_and_typed_failures() {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let scanner = runtime.load_scanner(&scaffolded("scanner")).unwrap();
    let nothing = PluginSettings::default();
    assert_eq!(scanner.profiles(&nothing).unwrap(), vec!["ssh-baseline"]);
    assert!(!scanner.detect(&nothing, &HostFacts::default()).unwrap());
    match scanner.scan(&nothing, "ssh-baseline") {
        Err(RuntimeError::Denied {
            capability: Capability::FsRead,
            detail,
            ..
        }) => {
            assert!(detail.contains("/etc/ssh/sshd_config"), "{detail}");
        }
        other => panic!("expected an fs-read denial, got {other:?}"),
    }
    match scanner.scan(&nothing, "cis-level-9") {
        Err(RuntimeError::PluginFailed { message, .. }) => {
            assert!(message.contains("cis-level-9"), "{message}")
        }
        other => panic!("expected a plugin failure, got {other:?}"),
    }
}
