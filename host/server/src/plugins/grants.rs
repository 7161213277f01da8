//! Capabilities by name: what a manifest requests, and the runtime grants an administrator's
//! choice of names produces. Granting a capability grants everything the manifest asks for in it
//! (its exec rules, its paths, its hosts); nothing a manifest does not request can be granted.

use patchmon_runtime::{Grants, Manifest};

/// Every capability name, in display order.
pub const CAPABILITIES: [&str; 7] = [
    "exec",
    "fs_read",
    "http",
    "mail",
    "kv",
    "fleet_read",
    "enroll",
];

/// Names of the capabilities the manifest requests.
pub fn requested(manifest: &Manifest) -> Vec<String> {
    let request = &manifest.capabilities;
    let wanted = [
        !request.exec.is_empty(),
        !request.fs_read.is_empty(),
        !request.http.hosts.is_empty() || !request.http.from_config.is_empty(),
        request.mail,
        request.kv,
        request.fleet_read,
        request.enroll,
    ];
    CAPABILITIES
        .iter()
        .zip(wanted)
        .filter(|(_, wanted)| *wanted)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Check an administrator's grant: every name must be a capability the manifest requests.
pub fn check(manifest: &Manifest, names: &[String]) -> Result<Vec<String>, String> {
    let requested = requested(manifest);
    let mut granted = Vec::new();
    for name in names {
        if !CAPABILITIES.contains(&name.as_str()) {
            return Err(format!(
                "Unknown capability '{name}' (expected one of {})",
                CAPABILITIES.join(", ")
            ));
        }
        if !requested.contains(name) {
            return Err(format!(
                "The plugin does not request the '{name}' capability"
            ));
        }
        if !granted.contains(name) {
            granted.push(name.clone());
        }
    }
    Ok(granted)
}

/// The runtime grants for the named capabilities, with `http.from_config` hosts taken from the
/// plugin's current configuration.
pub fn resolve(manifest: &Manifest, granted: &[String], config: &serde_json::Value) -> Grants {
    let all = Grants::from_manifest(manifest, config);
    let has = |name: &str| granted.iter().any(|g| g == name);
    Grants {
        exec: if has("exec") { all.exec } else { Vec::new() },
        fs_read: if has("fs_read") {
            all.fs_read
        } else {
            Vec::new()
        },
        http_hosts: if has("http") {
            all.http_hosts
        } else {
            Vec::new()
        },
        mail: has("mail") && all.mail,
        kv: has("kv") && all.kv,
        fleet_read: has("fleet_read") && all.fleet_read,
        enroll: has("enroll") && all.enroll,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
id = "example"
name = "Example"
version = "1.0.0"
kind = "notifier"
api_version = "0.1.0"
wasm_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
[capabilities]
kv = true
[capabilities.http]
from_config = ["url"]
"#,
        )
        .expect("manifest")
    }

    #[test]
    fn requested_names_follow_the_manifest() {
        assert_eq!(requested(&manifest()), ["http", "kv"]);
    }

    #[test]
    fn only_requested_capabilities_can_be_granted() {
        let m = manifest();
        assert!(check(&m, &["exec".into()])
            .unwrap_err()
            .contains("does not request"));
        assert!(check(&m, &["root".into()])
            .unwrap_err()
            .contains("Unknown capability"));
        assert_eq!(check(&m, &["kv".into(), "kv".into()]).unwrap(), ["kv"]);
    }

    #[test]
    fn resolved_grants_take_hosts_from_config() {
        let m = manifest();
        let config = json!({"url": "https://hooks.example.com/x"});
        let granted = resolve(&m, &["http".into()], &config);
        assert_eq!(granted.http_hosts, ["hooks.example.com"]);
        assert!(!granted.kv);
        assert_eq!(resolve(&m, &[], &config), Grants::none());
    }
}
