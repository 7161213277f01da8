//! Executing a [`Plan`] and detecting a manager through a [`Host`]: the one piece of glue every
//! collector plugin shares. The plugins implement [`Host`] over the runtime's `exec` and
//! `fs-read` capabilities (see the `guest` module); tests implement it over recorded output.

use crate::plan::{Manager, Outputs, Plan, Read};

/// What a finished command produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ran {
    /// Exit status; `None` when a signal ended it.
    pub exit_code: Option<i32>,
    pub stdout: String,
}

/// Why a file or directory gave nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Absent or unreadable: configuration that is simply not there.
    Missing,
    /// Refused or over a cap: worth a warning, since the inventory lacks it.
    Refused(String),
}

/// The capabilities a collector runs on.
pub trait Host {
    /// Run an exact argv (program first, no shell); `Err` when it could not run at all.
    fn run(&mut self, argv: &[String]) -> Result<Ran, String>;
    fn read_file(&mut self, path: &str) -> Result<String, ReadError>;
    /// Entry names of a directory, sorted.
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, ReadError>;
    fn warn(&mut self, message: &str);
}

/// Why a collection failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The standard output of `argv` when it ran and exited with one of `ok`.
fn stdout(host: &mut impl Host, argv: &[String], ok: &[i32]) -> Result<String, String> {
    let ran = host.run(argv)?;
    match ran.exit_code {
        Some(code) if ok.contains(&code) => Ok(ran.stdout),
        code => Err(format!("`{}` exited with {code:?}", argv.join(" "))),
    }
}

fn read_one(host: &mut impl Host, path: &str) -> Option<String> {
    match host.read_file(path) {
        Ok(text) => Some(text),
        Err(ReadError::Missing) => None,
        Err(ReadError::Refused(why)) => {
            host.warn(&format!("`{path}` not read: {why}"));
            None
        }
    }
}

fn read(host: &mut impl Host, read: &Read) -> Vec<String> {
    match read {
        Read::File(path) => read_one(host, path).into_iter().collect(),
        Read::Dir { path, suffixes } => {
            let names = match host.list_dir(path) {
                Ok(names) => names,
                Err(ReadError::Missing) => Vec::new(),
                Err(ReadError::Refused(why)) => {
                    host.warn(&format!("`{path}` not listed: {why}"));
                    Vec::new()
                }
            };
            let dir = path.trim_end_matches('/');
            names
                .iter()
                .filter(|name| suffixes.iter().any(|s| name.ends_with(s.as_str())))
                .filter_map(|name| read_one(host, &format!("{dir}/{name}")))
                .collect()
        }
    }
}

/// Runs `plan`'s commands and reads its files. A required command that fails fails the
/// collection; an optional one (dnf's advisory list) is logged and left absent.
pub fn execute(plan: &Plan, host: &mut impl Host) -> Result<Outputs, RunError> {
    let mut commands = Vec::with_capacity(plan.commands.len());
    for command in &plan.commands {
        match stdout(host, &command.argv, &command.ok_exit_codes) {
            Ok(text) => commands.push(Some(text)),
            Err(err) if !command.required => {
                host.warn(&format!(
                    "optional command `{}` failed: {err}",
                    command.argv.join(" ")
                ));
                commands.push(None);
            }
            Err(err) => return Err(RunError(err)),
        }
    }
    let reads = plan.reads.iter().map(|r| read(host, r)).collect();
    Ok(Outputs { commands, reads })
}

impl Manager {
    /// Whether this manager belongs to the OS with this `/etc/os-release` family and id; an
    /// unknown OS (both empty) could run any of them.
    pub fn applies_to(self, os_family: &str, os_id: &str) -> bool {
        (os_family.is_empty() && os_id.is_empty())
            || self
                .os_ids()
                .iter()
                .any(|id| *id == os_family || *id == os_id)
    }

    /// One cheap command per program the plan runs (`<program> --version`). A sandboxed
    /// collector cannot look at the host's `PATH`; running these through the same `exec`
    /// capability as the plan tells it exactly whether the host can run its programs.
    pub fn probes(self) -> Vec<Vec<String>> {
        self.programs()
            .into_iter()
            .map(|program| vec![program, "--version".to_string()])
            .collect()
    }

    /// Every argv a collector for the system at `root` runs: the probes, then the plan's.
    pub fn exec_allow_list(self, root: Option<&str>) -> Vec<Vec<String>> {
        let mut argvs = self.probes();
        argvs.extend(self.plan(root).commands.into_iter().map(|c| c.argv));
        argvs
    }

    /// Every file or directory a collector for the system at `root` reads, once each.
    pub fn read_allow_list(self, root: Option<&str>) -> Vec<String> {
        let mut paths: Vec<String> = Vec::new();
        for read in self.plan(root).reads {
            let path = match read {
                Read::File(path) | Read::Dir { path, .. } => path,
            };
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        paths
    }

    /// Whether this manager applies to the OS and every program it runs can run.
    pub fn detect(self, os_family: &str, os_id: &str, host: &mut impl Host) -> bool {
        self.applies_to(os_family, os_id) && self.probes().iter().all(|argv| host.run(argv).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Recorded answers; anything else is refused, as an ungranted capability would be.
    #[derive(Default)]
    struct Recorded {
        commands: BTreeMap<Vec<String>, Ran>,
        files: BTreeMap<String, String>,
        refused: Vec<String>,
        warnings: Vec<String>,
    }

    impl Recorded {
        fn command(mut self, argv: &[&str], exit_code: i32, stdout: &str) -> Self {
            let argv = argv.iter().map(|s| s.to_string()).collect();
            let ran = Ran {
                exit_code: Some(exit_code),
                stdout: stdout.into(),
            };
            self.commands.insert(argv, ran);
            self
        }

        fn file(mut self, path: &str, text: &str) -> Self {
            self.files.insert(path.into(), text.into());
            self
        }
    }

    impl Host for Recorded {
        fn run(&mut self, argv: &[String]) -> Result<Ran, String> {
            self.commands
                .get(argv)
                .cloned()
                .ok_or_else(|| format!("`{}` not found", argv.join(" ")))
        }
        fn read_file(&mut self, path: &str) -> Result<String, ReadError> {
            if self.refused.iter().any(|r| path.starts_with(r.as_str())) {
                return Err(ReadError::Refused("denied".into()));
            }
            self.files.get(path).cloned().ok_or(ReadError::Missing)
        }
        fn list_dir(&mut self, path: &str) -> Result<Vec<String>, ReadError> {
            let prefix = format!("{path}/");
            let names: Vec<String> = self
                .files
                .keys()
                .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
                .collect();
            if names.is_empty() {
                Err(ReadError::Missing)
            } else {
                Ok(names)
            }
        }
        fn warn(&mut self, message: &str) {
            self.warnings.push(message.to_string());
        }
    }

    const RPM_FORMAT: &str = "%{NAME}\t%{EPOCHNUM}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SUMMARY}\n";

    fn dnf_host(advisories_exit: i32) -> Recorded {
        Recorded::default()
            .command(
                &["rpm", "-qa", "--qf", RPM_FORMAT],
                0,
                "bash\t0\t5.1.8-9.el9\tx86_64\tThe GNU Bourne Again shell\n",
            )
            .command(
                &["dnf", "-q", "check-update"],
                100,
                "bash.x86_64    5.1.8-10.el9    baseos\n",
            )
            .command(
                &["dnf", "-q", "updateinfo", "list", "--security"],
                advisories_exit,
                "RLSA-2024:1 Important/Sec. bash-5.1.8-10.el9.x86_64\n",
            )
            .file(
                "/etc/yum.repos.d/rocky.repo",
                "[baseos]\nname=Rocky\nbaseurl=https://dl.rockylinux.org/baseos\n",
            )
            .file("/etc/yum.repos.d/notes.txt", "ignored")
    }

    #[test]
    fn a_plan_runs_through_the_host_and_a_failed_optional_command_is_only_a_warning() {
        let mut host = dnf_host(0);
        let outputs = execute(&Manager::Dnf.plan(None), &mut host).unwrap();
        let inventory = Manager::Dnf.assemble(&outputs);
        assert_eq!(inventory.installed.len(), 1);
        assert!(inventory.upgradable[0].is_security);
        assert_eq!(
            inventory.repositories.len(),
            1,
            "only `.repo` files are read"
        );
        assert!(host.warnings.is_empty());

        let mut host = dnf_host(1);
        let outputs = execute(&Manager::Dnf.plan(None), &mut host).unwrap();
        let inventory = Manager::Dnf.assemble(&outputs);
        assert_eq!(inventory.upgradable.len(), 1);
        assert!(!inventory.upgradable[0].is_security);
        assert_eq!(host.warnings.len(), 1, "{:?}", host.warnings);
    }

    #[test]
    fn a_failed_required_command_fails_and_refused_reads_are_warned_about() {
        let mut host = dnf_host(0).command(&["dnf", "-q", "check-update"], 1, "");
        let err = execute(&Manager::Dnf.plan(None), &mut host).unwrap_err();
        assert_eq!(err.0, "`dnf -q check-update` exited with Some(1)");

        let mut host = dnf_host(0);
        host.refused.push("/etc/yum.repos.d/".into());
        let outputs = execute(&Manager::Dnf.plan(None), &mut host).unwrap();
        assert_eq!(outputs.reads, [Vec::<String>::new()]);
        assert_eq!(
            host.warnings,
            ["`/etc/yum.repos.d/rocky.repo` not read: denied"]
        );
    }

    #[test]
    fn detection_needs_the_os_and_every_program() {
        let mut host = Recorded::default()
            .command(&["rpm", "--version"], 0, "RPM version 4.16.1.3\n")
            .command(&["dnf", "--version"], 0, "4.14.0\n");
        assert!(Manager::Dnf.detect("rhel", "rocky", &mut host));
        assert!(Manager::Dnf.detect("", "", &mut host), "unknown OS: any");
        assert!(!Manager::Dnf.detect("debian", "debian", &mut host));
        assert!(!Manager::Yum.detect("rhel", "rocky", &mut host), "no yum");
        assert_eq!(
            Manager::Apt.exec_allow_list(None)[..2],
            [["dpkg-query", "--version"], ["apt-get", "--version"]]
        );
        assert_eq!(
            Manager::Apt.read_allow_list(Some("/r")),
            ["/r/etc/apt/sources.list", "/r/etc/apt/sources.list.d"]
        );
    }
}
