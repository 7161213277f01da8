//! What each package manager's collector runs and reads, as data, and how the results become an
//! [`Inventory`]. A host executes a [`Plan`] ([`crate::run::execute`], over the collector
//! plugins' `exec`/`fs-read` capabilities) and hands back [`Outputs`]; [`Manager::assemble`]
//! parses them. No I/O happens here.
//!
//! Every plan takes an optional root: `None` is the running system, with the exact argv the agent
//! has always run; `Some(dir)` points the same commands at a system installed under `dir`, using
//! each tool's own root options (dpkg-query `--admindir=`, apt `-o Dir=`, rpm `--root`, dnf/yum
//! `--installroot=`, zypper `--root`, pacman `--root`/`--dbpath`/`--config`, apk `--root`), and
//! reads that system's configuration files under `dir`. The agent's tests use it to run the real
//! package managers against throwaway roots, through the plugins, with a `root` configuration.

use crate::{apk, apt, pacman, rpm, zypper, Inventory};

/// One command: an exact argv (no shell) and the exit codes that mean success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub argv: Vec<String>,
    pub ok_exit_codes: Vec<i32>,
    /// When false, a failure leaves this command's output absent instead of failing the
    /// collection (dnf's security advisories, which some repositories do not publish).
    pub required: bool,
}

impl Command {
    pub(crate) fn new(argv: Vec<String>, ok_exit_codes: &[i32]) -> Command {
        Command {
            argv,
            ok_exit_codes: ok_exit_codes.to_vec(),
            required: true,
        }
    }

    pub(crate) fn optional(self) -> Command {
        Command {
            required: false,
            ..self
        }
    }
}

/// Configuration to read. Missing files and directories read as nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    File(String),
    /// The files directly in a directory whose names end with one of the suffixes, by name.
    Dir {
        path: String,
        suffixes: Vec<String>,
    },
}

impl Read {
    pub(crate) fn dir(path: String, suffixes: &[&str]) -> Read {
        Read::Dir {
            path,
            suffixes: suffixes.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Everything a collector needs from its host, in the order [`Outputs`] answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub commands: Vec<Command>,
    pub reads: Vec<Read>,
}

/// What executing a [`Plan`] produced, index for index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outputs {
    /// Each command's standard output; `None` for an optional command that failed.
    pub commands: Vec<Option<String>>,
    /// Each read's file contents: one entry for a file that exists, one per matching file of a
    /// directory.
    pub reads: Vec<Vec<String>>,
}

impl Outputs {
    /// Standard output of command `index`, empty when it is absent.
    pub fn command(&self, index: usize) -> &str {
        self.commands
            .get(index)
            .and_then(|o| o.as_deref())
            .unwrap_or("")
    }

    /// Contents of read `index`.
    pub fn read(&self, index: usize) -> &[String] {
        self.reads.get(index).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// `path` (absolute) inside `root`, or `path` itself for the running system.
pub(crate) fn under(root: Option<&str>, path: &str) -> String {
    match root {
        Some(root) => format!("{}{path}", root.trim_end_matches('/')),
        None => path.to_string(),
    }
}

/// Owned argv from string slices.
pub(crate) fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// The package managers the agent can collect from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    Apt,
    Dnf,
    Yum,
    Zypper,
    Pacman,
    Apk,
}

impl Manager {
    /// Most specific first: dnf before yum, which RHEL 8+ keeps as an alias of dnf.
    pub const ALL: [Manager; 6] = [
        Manager::Apt,
        Manager::Dnf,
        Manager::Yum,
        Manager::Zypper,
        Manager::Pacman,
        Manager::Apk,
    ];

    /// The name reported to the server.
    pub fn name(self) -> &'static str {
        match self {
            Manager::Apt => "apt",
            Manager::Dnf => "dnf",
            Manager::Yum => "yum",
            Manager::Zypper => "zypper",
            Manager::Pacman => "pacman",
            Manager::Apk => "apk",
        }
    }

    /// The `/etc/os-release` ids and families this manager belongs to.
    pub fn os_ids(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["debian", "ubuntu"],
            Manager::Dnf | Manager::Yum => &["rhel", "fedora", "centos", "amzn", "ol"],
            Manager::Zypper => &["suse", "opensuse", "sles"],
            Manager::Pacman => &["arch"],
            Manager::Apk => &["alpine"],
        }
    }

    /// The programs the plan runs, each once, in plan order: all must exist for it to apply.
    pub fn programs(self) -> Vec<String> {
        let mut programs: Vec<String> = Vec::new();
        for command in self.plan(None).commands {
            if let Some(program) = command.argv.into_iter().next() {
                if !programs.contains(&program) {
                    programs.push(program);
                }
            }
        }
        programs
    }

    /// What to run and read for the system at `root` (`None`: the running system). Inlined, like
    /// [`Manager::assemble`], for the plugins' sake (see `guest`).
    #[inline]
    pub fn plan(self, root: Option<&str>) -> Plan {
        match self {
            Manager::Apt => apt::plan(root),
            Manager::Dnf => rpm::plan("dnf", root),
            Manager::Yum => rpm::plan("yum", root),
            Manager::Zypper => zypper::plan(root),
            Manager::Pacman => pacman::plan(root),
            Manager::Apk => apk::plan(root),
        }
    }

    /// The inventory from the outputs of [`Manager::plan`].
    #[inline]
    pub fn assemble(self, outputs: &Outputs) -> Inventory {
        match self {
            Manager::Apt => apt::assemble(outputs),
            Manager::Dnf | Manager::Yum => rpm::assemble(outputs),
            Manager::Zypper => zypper::assemble(outputs),
            Manager::Pacman => pacman::assemble(outputs),
            Manager::Apk => apk::assemble(outputs),
        }
    }
}
