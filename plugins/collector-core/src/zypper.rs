//! SUSE: installed packages come from `rpm` ([`crate::rpm::parse_rpm_query`]); updates from the
//! `zypper list-updates` table; security from the `zypper list-patches --category security`
//! table, whose summaries ("Security update for openssl-3, libopenssl3") name the packages.

use std::collections::BTreeSet;

use crate::plan::{argv, under, Command, Outputs, Plan, Read};
use crate::{rpm, Inventory, Upgradable};

/// `rpm -qa`, `zypper list-updates`, `zypper list-patches --category security` (both exit 100
/// when something is pending), then the `.repo` files of `/etc/zypp/repos.d`.
pub fn plan(root: Option<&str>) -> Plan {
    let zypper = |args: &[&str]| {
        let mut words = argv(&["zypper"]);
        if let Some(root) = root {
            words.extend(["--root".to_string(), root.to_string()]);
        }
        words.extend(argv(&["--non-interactive"]));
        words.extend(argv(args));
        Command::new(words, &[0, 100])
    };
    Plan {
        commands: vec![
            rpm::query_command(root),
            zypper(&["list-updates"]),
            zypper(&["list-patches", "--category", "security"]),
        ],
        reads: vec![Read::dir(under(root, "/etc/zypp/repos.d"), &[".repo"])],
    }
}

/// The inventory from the outputs of [`plan`].
pub fn assemble(outputs: &Outputs) -> Inventory {
    let mut upgradable = parse_list_updates(outputs.command(1));
    mark_security(&mut upgradable, &parse_security_patches(outputs.command(2)));
    Inventory {
        installed: rpm::parse_rpm_query(outputs.command(0)),
        upgradable,
        repositories: outputs
            .read(0)
            .iter()
            .flat_map(|t| rpm::parse_repo_file(t))
            .collect(),
    }
}

/// Table rows split on `|`, skipping headers and separator lines.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| l.contains('|') && !l.trim_start().starts_with("--") && !l.contains("-+-"))
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
}

/// `S | Repository | Name | Current Version | Available Version | Arch`.
pub fn parse_list_updates(text: &str) -> Vec<Upgradable> {
    rows(text)
        .filter(|c| c.len() >= 6 && c[0] == "v")
        .map(|c| Upgradable {
            name: c[2].to_string(),
            current_version: Some(c[3].to_string()).filter(|v| !v.is_empty()),
            available_version: c[4].to_string(),
            architecture: Some(c[5].to_string()).filter(|a| !a.is_empty()),
            is_security: false,
            source_repository: Some(c[1].to_string()),
        })
        .collect()
}

/// A needed security patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityPatch {
    pub name: String,
    pub severity: String,
    /// Package names parsed from the summary.
    pub packages: Vec<String>,
}

/// `Repository | Name | Category | Severity | Interactive | Status | Summary`; only `needed`
/// security patches.
pub fn parse_security_patches(text: &str) -> Vec<SecurityPatch> {
    rows(text)
        .filter(|c| c.len() >= 7 && c[2] == "security" && c[5] == "needed")
        .map(|c| {
            let summary = c[6];
            let packages = summary
                .split_once(" for ")
                .map(|(_, list)| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            SecurityPatch {
                name: c[1].to_string(),
                severity: c[3].to_string(),
                packages,
            }
        })
        .collect()
}

/// Marks an update as security when a needed security patch names its package (exactly, or as
/// the source name before a `-<digit>` suffix such as `openssl-3`).
pub fn mark_security(updates: &mut [Upgradable], patches: &[SecurityPatch]) {
    let named: BTreeSet<&str> = patches
        .iter()
        .flat_map(|p| p.packages.iter().map(String::as_str))
        .collect();
    for update in updates {
        let base = update
            .name
            .rsplit_once('-')
            .filter(|(_, tail)| tail.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(|(b, _)| b);
        update.is_security |= named.contains(update.name.as_str())
            || named.iter().any(|n| {
                Some(*n) == base || n.rsplit_once('-').map(|(b, _)| b) == Some(update.name.as_str())
            });
    }
}
