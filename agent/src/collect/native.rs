//! Native collectors: the `patchmon-collector-core` parsers, fed by allow-listed commands and
//! plain file reads.

use std::time::Duration;

use patchmon_collector_core::{apk, apt, pacman, rpm, zypper, Inventory, Repository};

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
fn read_dir_files(dir: &str, suffixes: &[&str]) -> Vec<String> {
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter(|p| {
            p.to_str()
                .is_some_and(|s| suffixes.iter().any(|x| s.ends_with(x)))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn read_file(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn stdout(exec: &Exec, argv: &[&str], ok_codes: &[i32]) -> Result<String, CollectError> {
    let out = exec.run(argv)?;
    match out.exit_code {
        Some(code) if ok_codes.contains(&code) => Ok(out.stdout),
        code => Err(CollectError::Capability(format!(
            "`{}` exited with {code:?}",
            argv.join(" ")
        ))),
    }
}

/// Installed packages joined with their offered updates.
pub struct Apt {
    exec: Exec,
}

const DPKG_QUERY: &[&str] = &[
    "dpkg-query",
    "-W",
    "-f",
    "${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${binary:Summary}\n",
];
const APT_SIMULATE: &[&str] = &["apt-get", "-s", "-o", "Debug::NoLocking=1", "upgrade"];

impl Collector for Apt {
    fn name(&self) -> &'static str {
        "apt"
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(&["debian", "ubuntu"])
            && has_program("dpkg-query")
            && has_program("apt-get")
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let installed = apt::parse_dpkg_query(&stdout(&self.exec, DPKG_QUERY, &[0])?);
        let upgradable = apt::parse_apt_simulation(&stdout(&self.exec, APT_SIMULATE, &[0])?);
        let mut repositories: Vec<Repository> =
            apt::parse_sources_list(&read_file("/etc/apt/sources.list"));
        for text in read_dir_files("/etc/apt/sources.list.d", &[".list"]) {
            repositories.extend(apt::parse_sources_list(&text));
        }
        for text in read_dir_files("/etc/apt/sources.list.d", &[".sources"]) {
            repositories.extend(apt::parse_deb822_sources(&text));
        }
        Ok(Inventory {
            installed,
            upgradable,
            repositories,
        })
    }
}

/// dnf (4 and 5) and yum share rpm, `check-update` and updateinfo parsing.
pub struct Rpm {
    tool: &'static str,
    exec: Exec,
}

const RPM_QUERY: &[&str] = &[
    "rpm",
    "-qa",
    "--qf",
    "%{NAME}\t%{EPOCHNUM}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SUMMARY}\n",
];

impl Rpm {
    fn check_update(&self) -> [&'static str; 3] {
        [self.tool, "-q", "check-update"]
    }
    fn security(&self) -> [&'static str; 5] {
        [self.tool, "-q", "updateinfo", "list", "--security"]
    }
}

impl Collector for Rpm {
    fn name(&self) -> &'static str {
        self.tool
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(&["rhel", "fedora", "centos", "amzn", "ol"])
            && has_program("rpm")
            && has_program(self.tool)
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let installed = rpm::parse_rpm_query(&stdout(&self.exec, RPM_QUERY, &[0])?);
        // check-update exits 100 when updates exist.
        let mut upgradable =
            rpm::parse_check_update(&stdout(&self.exec, &self.check_update(), &[0, 100])?);
        match stdout(&self.exec, &self.security(), &[0]) {
            Ok(text) => rpm::mark_security(&mut upgradable, &rpm::parse_security_advisories(&text)),
            Err(err) => tracing::warn!(tool = self.tool, error = %err, "no security advisories"),
        }
        let repositories = read_dir_files("/etc/yum.repos.d", &[".repo"])
            .iter()
            .flat_map(|t| rpm::parse_repo_file(t))
            .collect();
        Ok(Inventory {
            installed,
            upgradable,
            repositories,
        })
    }
}

pub struct Zypper {
    exec: Exec,
}

const ZYPPER_UPDATES: &[&str] = &["zypper", "--non-interactive", "list-updates"];
const ZYPPER_PATCHES: &[&str] = &[
    "zypper",
    "--non-interactive",
    "list-patches",
    "--category",
    "security",
];

impl Collector for Zypper {
    fn name(&self) -> &'static str {
        "zypper"
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(&["suse", "opensuse", "sles"])
            && has_program("zypper")
            && has_program("rpm")
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let installed = rpm::parse_rpm_query(&stdout(&self.exec, RPM_QUERY, &[0])?);
        let mut upgradable =
            zypper::parse_list_updates(&stdout(&self.exec, ZYPPER_UPDATES, &[0, 100])?);
        let patches =
            zypper::parse_security_patches(&stdout(&self.exec, ZYPPER_PATCHES, &[0, 100])?);
        zypper::mark_security(&mut upgradable, &patches);
        let repositories = read_dir_files("/etc/zypp/repos.d", &[".repo"])
            .iter()
            .flat_map(|t| rpm::parse_repo_file(t))
            .collect();
        Ok(Inventory {
            installed,
            upgradable,
            repositories,
        })
    }
}

pub struct Pacman {
    exec: Exec,
}

impl Collector for Pacman {
    fn name(&self) -> &'static str {
        "pacman"
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(&["arch"]) && has_program("pacman")
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let installed = pacman::parse_query(&stdout(&self.exec, &["pacman", "-Q"], &[0])?);
        // `pacman -Qu` exits 1 when nothing is upgradable.
        let upgradable = pacman::parse_updates(&stdout(&self.exec, &["pacman", "-Qu"], &[0, 1])?);
        let repositories = pacman::parse_pacman_conf(&read_file("/etc/pacman.conf"));
        Ok(Inventory {
            installed,
            upgradable,
            repositories,
        })
    }
}

pub struct Apk {
    exec: Exec,
}

impl Collector for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }
    fn detect(&self, facts: &HostFacts) -> bool {
        facts.is_one_of(&["alpine"]) && has_program("apk")
    }
    fn collect(&self) -> Result<Inventory, CollectError> {
        let installed =
            apk::parse_installed(&stdout(&self.exec, &["apk", "list", "--installed"], &[0])?);
        let upgradable =
            apk::parse_upgradable(&stdout(&self.exec, &["apk", "list", "--upgradable"], &[0])?);
        let repositories = apk::parse_repositories(&read_file("/etc/apk/repositories"));
        Ok(Inventory {
            installed,
            upgradable,
            repositories,
        })
    }
}

fn exec_for(allowed: &[&[&str]]) -> Exec {
    Exec::new(allowed, TIMEOUT, OUTPUT_CAP)
}

pub fn all() -> Vec<Box<dyn Collector>> {
    let rpm = |tool: &'static str| -> Box<dyn Collector> {
        let check = [tool, "-q", "check-update"];
        let security = [tool, "-q", "updateinfo", "list", "--security"];
        Box::new(Rpm {
            tool,
            exec: exec_for(&[RPM_QUERY, &check, &security]),
        })
    };
    vec![
        Box::new(Apt {
            exec: exec_for(&[DPKG_QUERY, APT_SIMULATE]),
        }),
        rpm("dnf"),
        rpm("yum"),
        Box::new(Zypper {
            exec: exec_for(&[RPM_QUERY, ZYPPER_UPDATES, ZYPPER_PATCHES]),
        }),
        Box::new(Pacman {
            exec: exec_for(&[&["pacman", "-Q"], &["pacman", "-Qu"]]),
        }),
        Box::new(Apk {
            exec: exec_for(&[
                &["apk", "list", "--installed"],
                &["apk", "list", "--upgradable"],
            ]),
        }),
    ]
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
        assert!(!Apt {
            exec: exec_for(&[])
        }
        .detect(&HostFacts {
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
