//! A collector plugin for one [`Manager`], over the SDK's capability calls: `detect` probes the
//! manager's programs through `exec`, `collect` executes its [`Plan`](crate::plan::Plan) through
//! `exec` and `fs-read` and returns the assembled inventory. Each `plugins/collector-*` crate is
//! [`collector_plugin!`](crate::collector_plugin) naming its manager, and its `plugin.toml`
//! requests exactly [`Manager::exec_allow_list`] and [`Manager::read_allow_list`] for the
//! running system (the agent's tests check that).
//!
//! Configuration: an optional `root` (an absolute directory) collects the system installed under
//! it instead; whoever sets it must grant that root's argv and paths too.

pub use patchmon_plugin_sdk as sdk;

use sdk::collector::{CollectError, Inventory, Repository, Upgradable};
use sdk::host::{self, CapabilityError, Level};
use sdk::{HostFacts, Package, PluginInfo};

use crate::plan::Manager;
use crate::run::{self, Host, Ran, ReadError};

/// Defines and exports the collector plugin of one [`Manager`] variant:
/// `patchmon_collector_core::collector_plugin!(Apt);`
#[macro_export]
macro_rules! collector_plugin {
    ($manager:ident) => {
        struct Plugin;

        impl $crate::guest::sdk::collector::Guest for Plugin {
            fn info() -> $crate::guest::sdk::PluginInfo {
                $crate::guest::info(
                    $crate::plan::Manager::$manager,
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION"),
                )
            }

            fn detect(facts: $crate::guest::sdk::HostFacts) -> bool {
                $crate::guest::detect($crate::plan::Manager::$manager, &facts)
            }

            fn collect() -> Result<
                $crate::guest::sdk::collector::Inventory,
                $crate::guest::sdk::collector::CollectError,
            > {
                $crate::guest::collect($crate::plan::Manager::$manager)
            }
        }

        $crate::guest::sdk::export_collector!(Plugin);
    };
}

/// [`Host`] over the plugin's imports.
struct Capabilities;

fn describe(err: &CapabilityError) -> String {
    match err {
        CapabilityError::Denied(why) => format!("denied: {why}"),
        CapabilityError::Failed(why) => why.clone(),
        CapabilityError::TimedOut => "timed out".into(),
        CapabilityError::TooLarge => "larger than the host's cap".into(),
    }
}

/// A file that failed to read is configuration that is not there, unless the host refused it.
fn read_error(err: CapabilityError) -> ReadError {
    match err {
        CapabilityError::Failed(_) => ReadError::Missing,
        other => ReadError::Refused(describe(&other)),
    }
}

impl Host for Capabilities {
    fn run(&mut self, argv: &[String]) -> Result<Ran, String> {
        let (program, args) = argv.split_first().ok_or("an empty command")?;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = host::exec(program, &args).map_err(|e| describe(&e))?;
        Ok(Ran {
            exit_code: output.exit_code,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        })
    }

    fn read_file(&mut self, path: &str) -> Result<String, ReadError> {
        let bytes = host::read_file(path).map_err(read_error)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, ReadError> {
        host::list_dir(path).map_err(read_error)
    }

    fn warn(&mut self, message: &str) {
        host::log(Level::Warn, message);
    }
}

fn description(manager: Manager) -> &'static str {
    match manager {
        Manager::Apt => "Installed packages (dpkg), updates (apt; security from -security pockets) and apt sources.",
        Manager::Dnf => "Installed packages (rpm), updates and security advisories (dnf4 and dnf5) and .repo files.",
        Manager::Yum => "Installed packages (rpm), updates and security advisories (yum) and .repo files.",
        Manager::Zypper => "Installed packages (rpm), updates and security patches (zypper) and repositories.",
        Manager::Pacman => "Installed packages, updates and repositories from pacman.",
        Manager::Apk => "Installed packages, updates and repositories from apk.",
    }
}

/// What the plugin says about itself; `id` and `version` are its crate's.
pub fn info(manager: Manager, id: &str, version: &str) -> PluginInfo {
    PluginInfo {
        id: id.to_string(),
        name: manager.name().to_string(),
        version: version.to_string(),
        description: description(manager).to_string(),
    }
}

// `detect`, `collect`, `Manager::plan` and `Manager::assemble` are inlined into each plugin,
// whose manager is a constant there, so the other managers' parsers are dropped from it (a
// quarter of each component).
#[inline]
pub fn detect(manager: Manager, facts: &HostFacts) -> bool {
    manager.detect(&facts.os_family, &facts.os_id, &mut Capabilities)
}

/// The configured `root`, if any.
fn root() -> Result<Option<String>, CollectError> {
    let config: serde_json::Value =
        host::config().map_err(|e| CollectError::Unsupported(format!("configuration: {e}")))?;
    match config.get("root") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(root)) if root.starts_with('/') => Ok(Some(root.clone())),
        Some(other) => Err(CollectError::Unsupported(format!(
            "`root` must be an absolute directory, not {other}"
        ))),
    }
}

#[inline]
pub fn collect(manager: Manager) -> Result<Inventory, CollectError> {
    let root = root()?;
    let plan = manager.plan(root.as_deref());
    let outputs =
        run::execute(&plan, &mut Capabilities).map_err(|e| CollectError::Capability(e.0))?;
    Ok(to_wit(manager.assemble(&outputs)))
}

fn to_wit(inventory: crate::Inventory) -> Inventory {
    Inventory {
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
                installed: Package {
                    name: u.name,
                    version: u.current_version.unwrap_or_default(),
                    architecture: u.architecture,
                    source_repository: None,
                    description: None,
                },
                available_version: u.available_version,
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

#[cfg(test)]
mod tests {
    use super::*;
    use sdk::harness::{Harness, RecordedCommand, Transcript};

    fn command(argv: &[String], exit_code: i32, stdout: &str) -> RecordedCommand {
        RecordedCommand {
            argv: argv.to_vec(),
            stdout: stdout.into(),
            stderr: String::new(),
            exit_code,
        }
    }

    fn facts(os: &str) -> HostFacts {
        HostFacts {
            hostname: "h".into(),
            os_family: os.into(),
            os_id: os.into(),
            os_version: String::new(),
            kernel_release: String::new(),
            architecture: "x86_64".into(),
        }
    }

    #[test]
    fn collects_a_root_through_the_capabilities() {
        let plan = Manager::Apt.plan(Some("/srv/r"));
        let transcript = Transcript {
            commands: vec![
                command(
                    &plan.commands[0].argv,
                    0,
                    "bash\t5.2.15-2\tamd64\tii \tGNU Bourne Again SHell\n",
                ),
                command(
                    &plan.commands[1].argv,
                    0,
                    "Inst bash [5.2.15-2] (5.2.15-2+b1 Debian-Security:12/stable-security [amd64])\n",
                ),
            ],
        };
        let harness = Harness::new()
            .with_config(serde_json::json!({ "root": "/srv/r" }))
            .with_transcript(transcript)
            .with_file(
                "/srv/r/etc/apt/sources.list",
                "deb https://deb.debian.org/debian bookworm main\n",
            );
        let (inventory, report) = harness.run(|| collect(Manager::Apt));
        let inventory = inventory.unwrap();
        assert_eq!(inventory.installed[0].name, "bash");
        assert_eq!(inventory.upgradable[0].installed.version, "5.2.15-2");
        assert!(inventory.upgradable[0].is_security);
        assert_eq!(
            inventory.repositories[0].url,
            "https://deb.debian.org/debian"
        );
        assert_eq!(report.commands.len(), 2);
    }

    #[test]
    fn detection_probes_programs_and_a_bad_root_is_refused() {
        let probes = Manager::Apt.probes();
        let transcript = Transcript {
            commands: probes
                .iter()
                .map(|argv| command(argv, 0, "1.0\n"))
                .collect(),
        };
        let (found, report) = Harness::new().with_transcript(transcript).run(|| {
            (
                detect(Manager::Apt, &facts("debian")),
                detect(Manager::Apt, &facts("rhel")),
            )
        });
        assert_eq!(found, (true, false));
        assert_eq!(report.commands, probes, "no probe for another OS");
        let (missing, _) = Harness::new().run(|| detect(Manager::Apt, &facts("debian")));
        assert!(!missing);
        let (err, _) = Harness::new()
            .with_config(serde_json::json!({ "root": "relative" }))
            .run(|| collect(Manager::Apt));
        assert!(matches!(err, Err(CollectError::Unsupported(_))));
    }
}
