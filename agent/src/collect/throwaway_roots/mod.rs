//! The collectors against the real package managers Debian ships, each on a throwaway root under
//! a temporary directory with a local repository the test builds itself: tiny packages in an
//! old and a new version, the old one installed into the root, the new one published (with a
//! security advisory or pocket for one of them). The real collector plugin (the component the
//! agent embeds) runs through the runtime with `root` configured and exactly that root's argv
//! and paths granted. Nothing touches this machine's package state and nothing needs the
//! network.
//!
//! A missing tool fails the test with the Debian package to install: `.ci/run` installs them.

mod apt;
mod pacman;
mod rpm_md;

use std::path::Path;
use std::process::Command;

use patchmon_collector_core::plan::Manager;
use patchmon_collector_core::Inventory;

use super::tests::{embedded_package, granted_at_root, to_core};
use super::{runtime, Collector, Origin};

/// The `PATH` the runtime's `exec` capability gives programs.
const FIXED_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Fails unless `program` is on the collectors' fixed `PATH`.
fn require(program: &str, debian_package: &str) {
    let found = FIXED_PATH
        .split(':')
        .any(|dir| Path::new(dir).join(program).is_file());
    assert!(
        found,
        "`{program}` is missing: install the Debian package `{debian_package}` \
         (apt-get install {debian_package})"
    );
}

/// Runs a setup step and returns its standard output, failing with its output when it fails.
/// The environment is the one the runtime's `exec` gives collectors, so that defaults a tool derives from it
/// (Debian's rpm keeps its database under the home directory) agree with what the collector
/// sees.
fn run(argv: &[&str]) -> String {
    run_in(Path::new("/"), argv)
}

/// [`run`] in the working directory `cwd` (for tools that record paths relative to it).
fn run_in(cwd: &Path, argv: &[&str]) -> String {
    let (program, args) = argv.split_first().expect("a program");
    let out = Command::new(program)
        .args(args)
        .env_clear()
        .env("LC_ALL", "C")
        .env("PATH", FIXED_PATH)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot start `{program}`: {e}"));
    assert!(
        out.status.success(),
        "`{}` failed ({}):\n{}\n{}",
        argv.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent directory")).unwrap();
    std::fs::write(path, text).unwrap();
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary directory")
}

/// A package the tests publish: installed at `old`, offered at `new` when that differs.
struct TestPackage {
    name: &'static str,
    old: (&'static str, &'static str),
    new: (&'static str, &'static str),
    /// Published in the `-security` suite (apt) and named by the security advisory (rpm-md).
    security: bool,
}

/// Every repository gets the same three packages: a security update, a plain update, and one
/// that is already current. Versions are (version, release).
const PACKAGES: [TestPackage; 3] = [
    TestPackage {
        name: "pmtest-ssl",
        old: ("1.0", "1"),
        new: ("1.0", "2"),
        security: true,
    },
    TestPackage {
        name: "pmtest-editor",
        old: ("2.0", "1"),
        new: ("2.1", "1"),
        security: false,
    },
    TestPackage {
        name: "pmtest-docs",
        old: ("3.0", "1"),
        new: ("3.0", "1"),
        security: false,
    },
];

impl TestPackage {
    fn old_version(&self) -> String {
        format!("{}-{}", self.old.0, self.old.1)
    }

    fn new_version(&self) -> String {
        format!("{}-{}", self.new.0, self.new.1)
    }

    fn summary(&self) -> String {
        format!("{} test package", self.name)
    }
}

/// What the embedded plugin of `manager` collects from the system under `root`.
fn collect_at_root(manager: Manager, root: &Path) -> Inventory {
    let runtime = runtime(None).unwrap();
    let settings = granted_at_root(manager, path_str(root));
    let package = embedded_package(manager);
    let collector = Collector::load(&runtime, &package, settings, Origin::Embedded).unwrap();
    to_core(collector.collect().unwrap())
}

/// The inventory with installed packages and updates in name order, as tools list them in
/// database or dependency order.
fn sorted(mut inventory: Inventory) -> Inventory {
    inventory.installed.sort_by(|a, b| a.name.cmp(&b.name));
    inventory.upgradable.sort_by(|a, b| a.name.cmp(&b.name));
    inventory
}
