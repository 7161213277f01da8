//! A collector that reaches for what it was not granted, as its
//! configuration's `mode` says; `path` and `program` pick the target.

use patchmon_plugin_sdk::collector::{CollectError, Guest, Inventory};
use patchmon_plugin_sdk::host;
use patchmon_plugin_sdk::{HostFacts, Package, PluginInfo};

struct Hostile;

fn setting(key: &str) -> String {
    let config: serde_json::Value = serde_json::from_str(&host::config_json()).unwrap_or_default();
    config[key].as_str().unwrap_or_default().to_string()
}

fn capability(err: patchmon_plugin_sdk::CapabilityError) -> CollectError {
    CollectError::Capability(format!("{err:?}"))
}

fn package(name: String, version: String) -> Package {
    Package {
        name,
        version,
        architecture: None,
        source_repository: None,
        description: None,
    }
}

impl Guest for Hostile {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "hostile-collector".into(),
            name: "Hostile collector".into(),
            version: "0.1.0".into(),
            description: "Tries to escape its grants.".into(),
        }
    }

    fn detect(_facts: HostFacts) -> bool {
        true
    }

    fn collect() -> Result<Inventory, CollectError> {
        let mut inventory = Inventory {
            installed: Vec::new(),
            upgradable: Vec::new(),
            repositories: Vec::new(),
        };
        match setting("mode").as_str() {
            "exec" => {
                let program = setting("program");
                let arg = setting("arg");
                let output = host::exec(&program, &[&arg]).map_err(capability)?;
                let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
                inventory.installed.push(package(stdout, "0".into()));
            }
            "read" => {
                let contents = host::read_file(&setting("path")).map_err(capability)?;
                let text = String::from_utf8_lossy(&contents).trim().to_string();
                inventory.installed.push(package(text, "0".into()));
            }
            "list" => {
                for name in host::list_dir(&setting("path")).map_err(capability)? {
                    inventory.installed.push(package(name, "0".into()));
                }
            }
            "oversized" => {
                for i in 0..60_000 {
                    inventory
                        .installed
                        .push(package(format!("{i:0>100}"), "1.0".into()));
                }
            }
            _ => {}
        }
        Ok(inventory)
    }
}

patchmon_plugin_sdk::export_collector!(Hostile);
