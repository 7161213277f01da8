//! Arch Linux: `pacman -Q` for installed packages, `pacman -Qu` (or `checkupdates`) for updates,
//! `/etc/pacman.conf` for repositories. Arch publishes no security flag in pacman metadata.

use crate::plan::{argv, under, Command, Outputs, Plan, Read};
use crate::{content_lines, is_https, Inventory, Package, Repository, Upgradable};

/// `pacman -Q`, `pacman -Qu` (exits 1 when nothing is upgradable; reads the sync databases of
/// the last `pacman -Sy`), then `/etc/pacman.conf`. Under a root the database and configuration
/// are named as well: `--root` alone moves neither.
pub fn plan(root: Option<&str>) -> Plan {
    let pacman = |query: &str| {
        let mut words = argv(&["pacman"]);
        if let Some(root) = root {
            words.extend([
                "--root".to_string(),
                root.to_string(),
                "--dbpath".to_string(),
                under(Some(root), "/var/lib/pacman"),
                "--config".to_string(),
                under(Some(root), "/etc/pacman.conf"),
            ]);
        }
        words.push(query.to_string());
        words
    };
    Plan {
        commands: vec![
            Command::new(pacman("-Q"), &[0]),
            Command::new(pacman("-Qu"), &[0, 1]),
        ],
        reads: vec![Read::File(under(root, "/etc/pacman.conf"))],
    }
}

/// The inventory from the outputs of [`plan`].
pub fn assemble(outputs: &Outputs) -> Inventory {
    Inventory {
        installed: parse_query(outputs.command(0)),
        upgradable: parse_updates(outputs.command(1)),
        repositories: outputs
            .read(0)
            .iter()
            .flat_map(|t| parse_pacman_conf(t))
            .collect(),
    }
}

/// `name version` lines.
pub fn parse_query(text: &str) -> Vec<Package> {
    content_lines(text)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(Package {
                name: words.next()?.to_string(),
                version: words.next()?.to_string(),
                ..Package::default()
            })
        })
        .collect()
}

/// `name old -> new` lines; `[ignored]` updates are skipped.
pub fn parse_updates(text: &str) -> Vec<Upgradable> {
    content_lines(text)
        .filter(|l| !l.ends_with("[ignored]"))
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [name, old, "->", new, ..] => Some(Upgradable {
                    name: name.to_string(),
                    current_version: Some(old.to_string()),
                    available_version: new.to_string(),
                    ..Upgradable::default()
                }),
                _ => None,
            }
        })
        .collect()
}

/// `[repo]` sections with their first `Server =`; `Include =` mirror lists are named as such.
pub fn parse_pacman_conf(text: &str) -> Vec<Repository> {
    let mut out: Vec<Repository> = Vec::new();
    let mut section: Option<String> = None;
    for line in content_lines(text) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = (name != "options").then(|| name.to_string());
            continue;
        }
        let (Some(repo), Some((key, value))) = (&section, line.split_once('=')) else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if (key == "Server" || key == "Include") && !out.iter().any(|r| &r.name == repo) {
            out.push(Repository {
                name: repo.clone(),
                url: value.to_string(),
                distribution: repo.clone(),
                components: Vec::new(),
                repo_type: "pacman".into(),
                enabled: true,
                secure: is_https(value) || key == "Include",
            });
        }
    }
    out
}
