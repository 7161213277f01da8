//! Native collectors: each package manager's [`Plan`] from `patchmon-collector-core`, executed
//! here (commands through the allow-listed [`Exec`], configuration by plain file reads) and
//! assembled by the same crate's parsers.

use std::time::Duration;

use patchmon_collector_core::plan::{Command, Manager, Outputs, Plan, Read};
use patchmon_collector_core::Inventory;

use super::exec::{Exec, FIXED_PATH};
use super::{CollectError, Collector, HostFacts};

const TIMEOUT: Duration = Duration::from_secs(300);
const OUTPUT_CAP: usize = 64 * 1024 * 1024;

fn has_program(name: &str) -> bool {
    FIXED_PATH
        .split(':')
        .any(|dir| std::path::Path::new(dir).join(name).is_file())
}

/// Contents of the files in `dir` whose names end with one of `suffixes`, sorted by name.
fn read_dir_files(dir: &str, suffixes: &[String]) -> Vec<String> {
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter(|p| {
            p.to_str()
                .is_some_and(|s| suffixes.iter().any(|x| s.ends_with(x.as_str())))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn read(read: &Read) -> Vec<String> {
    match read {
        Read::File(path) => std::fs::read_to_string(path).into_iter().collect(),
        Read::Dir { path, suffixes } => read_dir_files(path, suffixes),
    }
}

fn stdout(exec: &Exec, command: &Command) -> Result<String, CollectError> {
    let argv: Vec<&str> = command.argv.iter().map(String::as_str).collect();
    let out = exec.run(&argv)?;
    match out.exit_code {
        Some(code) if command.ok_exit_codes.contains(&code) => Ok(out.stdout),
        code => Err(CollectError::Capability(format!(
            "`{}` exited with {code:?}",
            argv.join(" ")
        ))),
    }
}

/// Runs `plan`'s commands, each allowed exactly as the plan states it, and reads its files.
pub fn execute(plan: &Plan) -> Result<Outputs, CollectError> {
    let argvs: Vec<Vec<&str>> = plan
        .commands
        .iter()
        .map(|c| c.argv.iter().map(String::as_str).collect())
        .collect();
    let allowed: Vec<&[&str]> = argvs.iter().map(Vec::as_slice).collect();
    let exec = Exec::new(&allowed, TIMEOUT, OUTPUT_CAP);
    let mut commands = Vec::with_capacity(plan.commands.len());
    for command in &plan.commands {
        match stdout(&exec, command) {
            Ok(text) => commands.push(Some(text)),
            Err(err) if !command.required => {
                tracing::warn!(command = %command.argv.join(" "), error = %err, "optional command failed");
                commands.push(None);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(Outputs {
        commands,
        reads: plan.reads.iter().map(read).collect(),
    })
}

/// One package manager, collected from the running system or from a system under a root.
pub struct Native {
    manager: Manager,
    root: Option<String>,
}

impl Native {
    pub fn new(manager: Manager) -> Native {
        Native {
            manager,
            root: None,
        }
    }

    /// The system installed under `root` (a directory), through the tools' own root options.
    #[cfg(test)]
    pub fn at_root(manager: Manager, root: &std::path::Path) -> Native {
        Native {
            manager,
            root: Some(root.to_str().expect("a UTF-8 root").to_string()),
        }
    }
}

impl Collector for Native {
    fn name(&self) -> &'static str {
        self.manager.name()
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(self.manager.os_ids())
            && self.manager.programs().iter().all(|p| has_program(p))
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let outputs = execute(&self.manager.plan(self.root.as_deref()))?;
        Ok(self.manager.assemble(&outputs))
    }
}

pub fn all() -> Vec<Box<dyn Collector>> {
    Manager::ALL
        .into_iter()
        .map(|m| Box::new(Native::new(m)) as Box<dyn Collector>)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apt_collects_this_machines_real_inventory() {
        let facts = HostFacts {
            os_family: "debian".into(),
            os_id: "debian".into(),
        };
        assert!(!Native::new(Manager::Apt).detect(&HostFacts {
            os_family: "rhel".into(),
            os_id: "rocky".into()
        }));
        let collector = super::super::detect(&facts).expect("this Debian machine has apt");
        assert_eq!(collector.name(), "apt");
        let inventory = collector.collect().unwrap();
        let dpkg = std::process::Command::new("dpkg-query")
            .args(["-W", "-f", "${db:Status-Abbrev}\n"])
            .output()
            .unwrap();
        let installed = String::from_utf8_lossy(&dpkg.stdout)
            .lines()
            .filter(|l| l.chars().nth(1) == Some('i'))
            .count();
        assert_eq!(inventory.installed.len(), installed);
        assert!(!inventory.repositories.is_empty());
    }
}
