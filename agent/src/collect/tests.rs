//! The embedded collector plugins: each manifest requests exactly what its plan needs, each
//! plugin answers as its manifest says, apt collects this machine, and a cached copy that fails
//! verification never runs. Shared helpers for the throwaway-root tests.

use patchmon_collector_core::plan::Manager;
use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::types::Inventory;
use patchmon_runtime::{ExecRule, Grants, Manifest, PluginPackage, PluginSettings};

use super::cache::PluginCache;
use super::{embedded, runtime, Collectors, Origin};

const NOT_BUILT: &str = "run scripts/build-plugins.sh --first-party, then rebuild the agent";

/// The embedded plugin of `manager`.
pub fn embedded_package(manager: Manager) -> PluginPackage {
    let id = format!("collector-{}", manager.name());
    embedded::all()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{id} is not embedded: {NOT_BUILT}"))
        .package()
        .unwrap()
}

/// Grants for exactly what the `manager` collector runs and reads for the system under `root`,
/// and the configuration that points it there.
pub fn granted_at_root(manager: Manager, root: &str) -> PluginSettings {
    let exec = manager
        .exec_allow_list(Some(root))
        .iter()
        .map(|argv| {
            let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
            assert!(
                !args.iter().any(|a| a.contains('*')),
                "a wildcard in {argv:?}"
            );
            ExecRule::new(&argv[0], &args)
        })
        .collect();
    let grants = Grants {
        exec,
        fs_read: manager
            .read_allow_list(Some(root))
            .into_iter()
            .map(Into::into)
            .collect(),
        ..Grants::none()
    };
    PluginSettings::new(grants, serde_json::json!({ "root": root }))
}

/// The parsers' records from the plugin's (the inverse of the plugin's own conversion).
pub fn to_core(inventory: Inventory) -> patchmon_collector_core::Inventory {
    use patchmon_collector_core::{Package, Repository, Upgradable};
    patchmon_collector_core::Inventory {
        installed: inventory
            .installed
            .into_iter()
            .map(|p| Package {
                name: p.name,
                version: p.version,
                architecture: p.architecture,
                source_repository: p.source_repository,
                description: p.description,
            })
            .collect(),
        upgradable: inventory
            .upgradable
            .into_iter()
            .map(|u| Upgradable {
                current_version: Some(u.installed.version).filter(|v| !v.is_empty()),
                name: u.installed.name,
                available_version: u.available_version,
                architecture: u.installed.architecture,
                is_security: u.is_security,
                source_repository: u.source_repository,
            })
            .collect(),
        repositories: inventory
            .repositories
            .into_iter()
            .map(|r| Repository {
                name: r.name,
                url: r.url,
                distribution: r.distribution,
                components: r.components,
                repo_type: r.repo_type,
                enabled: r.enabled,
                secure: r.secure,
            })
            .collect(),
    }
}

fn manifest_on_disk(manager: Manager) -> Manifest {
    let path = format!(
        "{}/../plugins/collector-{}/plugin.toml",
        env!("CARGO_MANIFEST_DIR"),
        manager.name()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    Manifest::parse(&pin_wasm_sha256(&text, b"")).unwrap()
}

#[test]
fn each_manifest_requests_exactly_what_its_plan_runs_and_reads() {
    for manager in Manager::ALL {
        let manifest = manifest_on_disk(manager);
        let requested = &manifest.capabilities;
        let exec: Vec<Vec<String>> = requested
            .exec
            .iter()
            .map(|rule| [vec![rule.program.clone()], rule.args.clone()].concat())
            .collect();
        assert_eq!(exec, manager.exec_allow_list(None), "{}", manifest.id);
        assert_eq!(
            requested.fs_read,
            manager.read_allow_list(None),
            "{}",
            manifest.id
        );
        let others = patchmon_runtime::manifest::CapabilityRequest {
            exec: requested.exec.clone(),
            fs_read: requested.fs_read.clone(),
            ..Default::default()
        };
        assert_eq!(
            requested, &others,
            "{} requests only exec and fs-read",
            manifest.id
        );
    }
}

#[test]
fn the_embedded_plugins_are_the_managers_in_detection_order_and_say_who_they_are() {
    let packages: Vec<PluginPackage> = embedded::all().map(|e| e.package().unwrap()).collect();
    let ids: Vec<&str> = packages.iter().map(|p| p.manifest.id.as_str()).collect();
    let expected: Vec<String> = Manager::ALL
        .iter()
        .map(|m| format!("collector-{}", m.name()))
        .collect();
    assert_eq!(ids, expected, "{NOT_BUILT}");
    let runtime = runtime(None).unwrap();
    for package in &packages {
        let plugin = runtime.load_collector(package).unwrap();
        let info = plugin.info(&PluginSettings::default()).unwrap();
        assert_eq!(
            (info.id.as_str(), info.version.as_str()),
            (
                package.manifest.id.as_str(),
                package.manifest.version.as_str()
            )
        );
    }
}

fn dpkg_installed() -> usize {
    let dpkg = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Abbrev}\n"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&dpkg.stdout)
        .lines()
        .filter(|l| l.chars().nth(1) == Some('i'))
        .count()
}

fn debian() -> patchmon_runtime::types::HostFacts {
    patchmon_runtime::types::HostFacts {
        os_family: "debian".into(),
        os_id: "debian".into(),
        ..Default::default()
    }
}

#[test]
fn apt_collects_this_machines_real_inventory_through_its_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let collectors = Collectors::new(&PluginCache::new(dir.path())).unwrap();
    let stale = dir
        .path()
        .join("compiled")
        .join(format!("{}-0.cwasm", "0".repeat(64)));
    std::fs::write(&stale, b"a replaced version's artifact").unwrap();
    let rocky = patchmon_runtime::types::HostFacts {
        os_family: "rhel".into(),
        os_id: "rocky".into(),
        ..Default::default()
    };
    assert!(!collectors.get("collector-apt").unwrap().detect(&rocky));
    let collector = collectors
        .detect(&debian())
        .expect("this Debian machine has apt");
    assert_eq!(
        (collector.name(), collector.origin()),
        ("apt", Origin::Embedded)
    );
    let inventory = collector.collect().unwrap();
    assert_eq!(inventory.installed.len(), dpkg_installed());
    assert!(!inventory.repositories.is_empty());
    let compiled: Vec<String> = dir
        .path()
        .join("compiled")
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let apt = embedded_package(Manager::Apt);
    assert_eq!(
        compiled.len(),
        1,
        "only apt's artifact is kept: {compiled:?}"
    );
    assert!(compiled[0].starts_with(&apt.manifest.wasm_sha256));
}

#[test]
fn a_cached_copy_runs_only_while_it_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let cache = PluginCache::new(dir.path());
    let apt = embedded_package(Manager::Apt);
    let newer = PluginPackage::pack(
        &apt.manifest_toml
            .replacen("\nversion = \"0.1.0\"", "\nversion = \"0.1.1\"", 1),
        apt.wasm.clone(),
    )
    .unwrap();
    cache.store(&newer).unwrap();
    let file = dir.path().join("collector-apt.pmplugin");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(dir.path()), mode(&file)), (0o700, 0o600));
    let collector = Collectors::new(&cache).unwrap().detect(&debian()).unwrap();
    assert_eq!(
        (collector.version(), collector.origin()),
        ("0.1.1", Origin::Server)
    );

    // A copy whose component no longer matches its manifest's pin is never run.
    let mut tampered = newer.clone();
    tampered.wasm.push(0);
    let bytes = tampered.to_bytes().unwrap();
    std::fs::write(&file, bytes).unwrap();
    assert!(cache.get("collector-apt").is_none());
    let collector = Collectors::new(&cache).unwrap().detect(&debian()).unwrap();
    assert_eq!(
        (collector.version(), collector.origin()),
        ("0.1.0", Origin::Embedded)
    );
}
