//! Conformance: every hostile guest ends in the expected typed error, and a
//! well-behaved plugin in the same runtime keeps working before, between and
//! after them. Guests are built by `scripts/build-plugins.sh`.

use std::path::Path;
use std::time::{Duration, Instant};

use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::types::{Event, Severity};
use patchmon_runtime::{
    Capability, CollectorPlugin, ExecRule, Grants, NotifierPlugin, PluginPackage, PluginSettings,
    Runtime, RuntimeConfig, RuntimeError,
};
use patchmon_test_support::{built_wasm, repo_root, HttpReceiver};

/// A package for a conformance guest; `extra_limits` lines go in `[limits]`.
fn hostile_package(
    crate_name: &str,
    kind: &str,
    memory_mib: u32,
    extra_limits: &str,
) -> PluginPackage {
    let manifest = format!(
        "id = \"{crate_name}\"\nname = \"{crate_name}\"\nversion = \"0.1.0\"\nkind = \"{kind}\"\n\
         api_version = \"0.1.0\"\n\n[limits]\nmemory_mib = {memory_mib}\ntimeout_ms = 300\n{extra_limits}"
    );
    let wasm = built_wasm(crate_name);
    PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap()
}

fn event() -> Event {
    Event {
        id: "e1".into(),
        kind: "host_down".into(),
        severity: Severity::Medium,
        title: "t".into(),
        message: "m".into(),
        occurred_at: "2026-01-01T00:00:00Z".into(),
        host: None,
        details: serde_json::json!({}),
    }
}

/// The well-behaved webhook plugin and the receiver it delivers to.
struct Healthy {
    plugin: NotifierPlugin,
    settings: PluginSettings,
    receiver: HttpReceiver,
    delivered: usize,
}

impl Healthy {
    fn load(runtime: &Runtime) -> Self {
        let manifest =
            std::fs::read_to_string(repo_root().join("plugins/notifier-webhook/plugin.toml"))
                .unwrap();
        let wasm = built_wasm("notifier-webhook");
        let package = PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap();
        let receiver = HttpReceiver::start(200);
        let config = serde_json::json!({ "url": receiver.url("/ok"), "secret": "s" });
        Healthy {
            plugin: runtime.load_notifier(&package).unwrap(),
            settings: PluginSettings::new(
                Grants::from_manifest(&package.manifest, &config),
                config,
            ),
            receiver,
            delivered: 0,
        }
    }

    fn assert_works(&mut self, after: &str) {
        self.plugin
            .deliver(&self.settings, &event())
            .unwrap_or_else(|e| panic!("healthy plugin failed after {after}: {e}"));
        self.delivered += 1;
        let received = self
            .receiver
            .wait_for(self.delivered, Duration::from_secs(5));
        assert_eq!(received.len(), self.delivered, "after {after}");
    }
}

fn mode(mode: &str) -> serde_json::Value {
    serde_json::json!({ "mode": mode })
}

fn notifier_error(plugin: &NotifierPlugin, grants: Grants, mode_name: &str) -> RuntimeError {
    plugin
        .deliver(&PluginSettings::new(grants, mode(mode_name)), &event())
        .expect_err(mode_name)
}

fn collector_result(
    plugin: &CollectorPlugin,
    grants: Grants,
    config: serde_json::Value,
) -> Result<Vec<String>, RuntimeError> {
    plugin
        .collect(&PluginSettings::new(grants, config))
        .map(|inventory| inventory.installed.into_iter().map(|p| p.name).collect())
}

fn assert_denied(err: RuntimeError, expected: Capability, detail_part: &str) {
    match err {
        RuntimeError::Denied {
            capability, detail, ..
        } => {
            assert_eq!(capability, expected, "{detail}");
            assert!(
                detail.contains(detail_part),
                "`{detail}` should mention `{detail_part}`"
            );
        }
        other => panic!("expected {expected} denial, got {other:?}"),
    }
}

#[test]
fn hostile_guests_get_typed_errors_and_the_host_stays_healthy() {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let mut healthy = Healthy::load(&runtime);
    healthy.assert_works("loading");

    let notifier = runtime
        .load_notifier(&hostile_package("hostile-notifier", "notifier", 16, ""))
        .unwrap();

    let started = Instant::now();
    let err = notifier_error(&notifier, Grants::none(), "loop");
    assert!(
        matches!(
            err,
            RuntimeError::Timeout {
                timeout_ms: 300,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "deadline took {:?}",
        started.elapsed()
    );
    healthy.assert_works("an infinite loop");

    let err = notifier_error(&notifier, Grants::none(), "memory");
    assert!(
        matches!(err, RuntimeError::MemoryLimit { limit_mib: 16, .. }),
        "{err:?}"
    );
    healthy.assert_works("a memory bomb");

    let err = notifier_error(&notifier, Grants::none(), "panic");
    assert!(
        matches!(&err, RuntimeError::Trap { detail, .. } if detail.contains("panicked on purpose")),
        "{err:?}"
    );
    healthy.assert_works("a panic");

    let err = notifier_error(&notifier, Grants::none(), "unreachable");
    assert!(matches!(err, RuntimeError::Trap { .. }), "{err:?}");
    healthy.assert_works("an unreachable trap");

    assert_denied(
        notifier_error(&notifier, Grants::none(), "http"),
        Capability::Http,
        "169.254.169.254",
    );
    assert_denied(
        notifier_error(&notifier, Grants::none(), "mail"),
        Capability::Mail,
        "mail",
    );
    assert_denied(
        notifier_error(&notifier, Grants::none(), "kv"),
        Capability::Kv,
        "kv",
    );
    healthy.assert_works("ungranted http, mail and kv");

    let err = notifier_error(&notifier, Grants::none(), "oversized");
    assert!(
        matches!(err, RuntimeError::OutputTooLarge { .. }),
        "{err:?}"
    );
    let err = notifier
        .validate_config(
            &PluginSettings::default(),
            &serde_json::json!({ "x": "oversized" }),
        )
        .unwrap_err();
    assert!(
        matches!(err, RuntimeError::OutputTooLarge { .. }),
        "{err:?}"
    );
    healthy.assert_works("oversized output");

    let collector = runtime
        .load_collector(&hostile_package("hostile-collector", "collector", 64, ""))
        .unwrap();
    let exec = serde_json::json!({ "mode": "exec", "program": "/bin/cat", "arg": "/etc/passwd" });
    assert_denied(
        collector_result(&collector, Grants::none(), exec.clone()).unwrap_err(),
        Capability::Exec,
        "/bin/cat /etc/passwd",
    );
    // A grant for other arguments does not cover these.
    let echo_only = Grants {
        exec: vec![ExecRule::new("/bin/echo", &["hello"])],
        ..Grants::none()
    };
    assert_denied(
        collector_result(&collector, echo_only.clone(), exec).unwrap_err(),
        Capability::Exec,
        "cat",
    );
    let echo = serde_json::json!({ "mode": "exec", "program": "/bin/echo", "arg": "hello" });
    assert_eq!(
        collector_result(&collector, echo_only, echo).unwrap(),
        vec!["hello"]
    );
    healthy.assert_works("ungranted exec");

    let sandbox = tempfile::tempdir().unwrap();
    let root = sandbox.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("allowed")).unwrap();
    std::fs::write(
        root.join("allowed/sources.list"),
        "deb http://deb.debian.org/debian bookworm main",
    )
    .unwrap();
    std::fs::write(root.join("secret"), "do not read").unwrap();
    std::os::unix::fs::symlink("/etc", root.join("allowed/etc-link")).unwrap();
    std::os::unix::fs::symlink(root.join("secret"), root.join("allowed/secret-link")).unwrap();
    let fs_grant = Grants {
        fs_read: vec![root.join("allowed")],
        ..Grants::none()
    };
    let read = |path: &Path| serde_json::json!({ "mode": "read", "path": path.to_str().unwrap() });
    let granted = collector_result(
        &collector,
        fs_grant.clone(),
        read(&root.join("allowed/sources.list")),
    )
    .unwrap();
    assert!(granted[0].starts_with("deb http"), "{granted:?}");
    assert_denied(
        collector_result(
            &collector,
            fs_grant.clone(),
            read(&root.join("allowed/../secret")),
        )
        .unwrap_err(),
        Capability::FsRead,
        "..",
    );
    assert_denied(
        collector_result(
            &collector,
            fs_grant.clone(),
            read(&root.join("allowed/etc-link/passwd")),
        )
        .unwrap_err(),
        Capability::FsRead,
        "outside the granted paths",
    );
    assert_denied(
        collector_result(
            &collector,
            fs_grant.clone(),
            read(&root.join("allowed/secret-link")),
        )
        .unwrap_err(),
        Capability::FsRead,
        "outside the granted paths",
    );
    assert_denied(
        collector_result(&collector, fs_grant.clone(), read(Path::new("/etc/shadow"))).unwrap_err(),
        Capability::FsRead,
        "/etc/shadow",
    );
    let listing =
        serde_json::json!({ "mode": "list", "path": root.join("allowed").to_str().unwrap() });
    assert_eq!(
        collector_result(&collector, fs_grant, listing).unwrap(),
        vec!["etc-link", "secret-link", "sources.list"]
    );
    healthy.assert_works("file-system escapes");

    let err = collector_result(&collector, Grants::none(), mode("oversized")).unwrap_err();
    assert!(
        matches!(err, RuntimeError::OutputTooLarge { .. }),
        "{err:?}"
    );
    healthy.assert_works("an oversized inventory");

    let err = runtime
        .load_notifier(&hostile_package("future-api", "notifier", 16, ""))
        .err()
        .expect("a future API version must be refused");
    match err {
        RuntimeError::UnsupportedApiVersion {
            interface,
            found,
            supported,
        } => {
            assert_eq!(interface, "patchmon:notifier");
            assert_eq!(found, "0.9.0");
            assert_eq!(supported, "0.1.0");
        }
        other => panic!("expected UnsupportedApiVersion, got {other:?}"),
    }
    healthy.assert_works("an unknown API version");

    let notifier_metrics = runtime.plugin_metrics("hostile-notifier");
    assert_eq!(notifier_metrics.timeouts, 1);
    assert_eq!(notifier_metrics.traps, 3, "memory, panic, unreachable");
    assert_eq!(notifier_metrics.denials, 3, "http, mail, kv");
    let collector_metrics = runtime.plugin_metrics("hostile-collector");
    assert_eq!(collector_metrics.denials, 6, "2 exec + 4 fs-read");
    assert_eq!(collector_metrics.traps, 0);
    let healthy_metrics = runtime.plugin_metrics("notifier-webhook");
    assert_eq!(healthy_metrics.calls as usize, healthy.delivered);
    assert_eq!(
        (
            healthy_metrics.traps,
            healthy_metrics.denials,
            healthy_metrics.timeouts
        ),
        (0, 0, 0)
    );
}

#[test]
fn fuel_exhaustion_is_typed() {
    let runtime = Runtime::new(RuntimeConfig {
        fuel_metering: true,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let package = hostile_package("hostile-notifier", "notifier", 16, "fuel = 5000000\n");
    let notifier = runtime.load_notifier(&package).unwrap();
    let err = notifier_error(&notifier, Grants::none(), "loop");
    assert!(matches!(err, RuntimeError::FuelExhausted { .. }), "{err:?}");
    // A cheap call fits in the same budget.
    notifier
        .deliver(&PluginSettings::new(Grants::none(), mode("ok")), &event())
        .unwrap();
}

#[test]
fn concurrent_calls_beyond_the_pool_wait_instead_of_failing() {
    let runtime = Runtime::new(RuntimeConfig {
        max_concurrent_calls: 2,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let notifier = runtime
        .load_notifier(&hostile_package("hostile-notifier", "notifier", 16, ""))
        .unwrap();
    let mut healthy = Healthy::load(&runtime);
    std::thread::scope(|scope| {
        let hogs: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| notifier_error(&notifier, Grants::none(), "loop")))
            .collect();
        for hog in hogs {
            assert!(matches!(hog.join().unwrap(), RuntimeError::Timeout { .. }));
        }
    });
    healthy.assert_works("more concurrent runaway calls than pool slots");
    assert_eq!(runtime.plugin_metrics("hostile-notifier").timeouts, 4);
}

#[test]
fn manifest_claiming_an_unknown_api_version_is_refused_with_both_versions() {
    let manifest = "id = \"future\"\nname = \"f\"\nversion = \"1.0.0\"\nkind = \"notifier\"\n\
                    api_version = \"0.9.0\"\n";
    let wasm = built_wasm("future-api");
    let err = PluginPackage::from_parts(&pin_wasm_sha256(manifest, &wasm), wasm).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("0.9.0") && message.contains("0.1.0"),
        "{message}"
    );
}

#[test]
fn granted_mail_and_kv_reach_the_host_services() {
    let mailer =
        std::sync::Arc::new(patchmon_runtime::services::testing::RecordingMailer::default());
    let kv = std::sync::Arc::new(patchmon_runtime::services::MemoryKvStore::default());
    let runtime = Runtime::new(RuntimeConfig {
        services: patchmon_runtime::services::HostServices {
            mailer: Some(mailer.clone()),
            kv: kv.clone(),
            ..Default::default()
        },
        ..RuntimeConfig::default()
    })
    .unwrap();
    let notifier = runtime
        .load_notifier(&hostile_package("hostile-notifier", "notifier", 16, ""))
        .unwrap();
    let grants = Grants {
        mail: true,
        kv: true,
        ..Grants::none()
    };
    for name in ["mail", "kv"] {
        notifier
            .deliver(&PluginSettings::new(grants.clone(), mode(name)), &event())
            .unwrap_or_else(|e| panic!("granted {name} failed: {e}"));
    }
    let sent = mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "hostile-notifier");
    assert_eq!(sent[0].1.to, vec!["victim@example.com"]);
    use patchmon_runtime::services::KvStore;
    assert_eq!(
        kv.get("hostile-notifier", "k").unwrap().as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(kv.get("other-plugin", "k").unwrap(), None);
    assert_eq!(runtime.plugin_metrics("hostile-notifier").denials, 0);
}

#[test]
fn granted_commands_are_bounded_in_time_and_output_and_see_a_clean_environment() {
    let runtime = Runtime::new(RuntimeConfig {
        capability_limits: patchmon_runtime::CapabilityLimits {
            exec_output_bytes: 1024,
            ..Default::default()
        },
        ..RuntimeConfig::default()
    })
    .unwrap();
    let collector = runtime
        .load_collector(&hostile_package("hostile-collector", "collector", 64, ""))
        .unwrap();
    let grants = Grants {
        exec: vec![
            ExecRule::new("/bin/sleep", &["*"]),
            ExecRule::new("/usr/bin/head", &["*"]),
            ExecRule::new("/usr/bin/printenv", &["*"]),
        ],
        ..Grants::none()
    };
    let run = |program: &str, arg: &str| {
        collector_result(
            &collector,
            grants.clone(),
            serde_json::json!({ "mode": "exec", "program": program, "arg": arg }),
        )
    };

    let started = Instant::now();
    match run("/bin/sleep", "30") {
        Err(RuntimeError::PluginFailed { message, .. }) => {
            assert!(message.contains("TimedOut"), "{message}")
        }
        other => panic!("expected a timed-out command, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );

    match run("/usr/bin/head", "--bytes=100000") {
        // head reads stdin, which is closed: it prints nothing.
        Ok(names) => assert_eq!(names, vec![""]),
        other => panic!("expected empty output, got {other:?}"),
    }
    assert_eq!(run("/usr/bin/printenv", "LC_ALL").unwrap(), vec!["C"]);
    assert_eq!(
        run("/usr/bin/printenv", "HOME").unwrap(),
        vec![""],
        "environment is cleared"
    );
}

#[test]
fn command_output_past_the_cap_is_too_large() {
    let runtime = Runtime::new(RuntimeConfig {
        capability_limits: patchmon_runtime::CapabilityLimits {
            exec_output_bytes: 1024,
            ..Default::default()
        },
        ..RuntimeConfig::default()
    })
    .unwrap();
    let collector = runtime
        .load_collector(&hostile_package("hostile-collector", "collector", 64, ""))
        .unwrap();
    let grants = Grants {
        exec: vec![ExecRule::new("/usr/bin/seq", &["*"])],
        ..Grants::none()
    };
    let config = serde_json::json!({ "mode": "exec", "program": "/usr/bin/seq", "arg": "100000" });
    match collector_result(&collector, grants, config) {
        Err(RuntimeError::PluginFailed { message, .. }) => {
            assert!(message.contains("TooLarge"), "{message}")
        }
        other => panic!("expected too-large output, got {other:?}"),
    }
}
