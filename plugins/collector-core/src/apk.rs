//! Alpine: `apk list --installed` and `apk list --upgradable`, and `/etc/apk/repositories`.

use crate::plan::{argv, under, Command, Outputs, Plan, Read};
use crate::{is_https, Inventory, Package, Repository, Upgradable};

/// `apk list --installed`, `apk list --upgradable`, then `/etc/apk/repositories`.
pub fn plan(root: Option<&str>) -> Plan {
    let apk = |which: &str| {
        let mut words = argv(&["apk"]);
        if let Some(root) = root {
            words.extend(["--root".to_string(), root.to_string()]);
        }
        words.extend(argv(&["list", which]));
        Command::new(words, &[0])
    };
    Plan {
        commands: vec![apk("--installed"), apk("--upgradable")],
        reads: vec![Read::File(under(root, "/etc/apk/repositories"))],
    }
}

/// The inventory from the outputs of [`plan`].
pub fn assemble(outputs: &Outputs) -> Inventory {
    Inventory {
        installed: parse_installed(outputs.command(0)),
        upgradable: parse_upgradable(outputs.command(1)),
        repositories: outputs
            .read(0)
            .iter()
            .flat_map(|t| parse_repositories(t))
            .collect(),
    }
}

/// `name-version-rN` into (name, version): the version starts at the second-to-last dash.
pub fn split_name_version(text: &str) -> Option<(&str, &str)> {
    let (rest, _release) = text.rsplit_once('-')?;
    let (name, _) = rest.rsplit_once('-')?;
    Some((name, &text[name.len() + 1..]))
}

struct ListLine<'a> {
    name: &'a str,
    version: &'a str,
    arch: &'a str,
    status: &'a str,
}

/// `musl-1.2.4-r2 x86_64 {musl} (MIT) [installed]`.
fn parse_list_line(line: &str) -> Option<ListLine<'_>> {
    let mut words = line.split_whitespace();
    let (name, version) = split_name_version(words.next()?)?;
    let arch = words.next().unwrap_or("");
    let status = line
        .rsplit_once('[')
        .map(|(_, s)| s.trim_end_matches(']'))
        .unwrap_or("");
    Some(ListLine {
        name,
        version,
        arch,
        status,
    })
}

pub fn parse_installed(text: &str) -> Vec<Package> {
    text.lines()
        .filter_map(parse_list_line)
        .filter(|l| l.status.starts_with("installed"))
        .map(|l| Package {
            name: l.name.to_string(),
            version: l.version.to_string(),
            architecture: (!l.arch.is_empty()).then(|| l.arch.to_string()),
            ..Package::default()
        })
        .collect()
}

/// `[upgradable from: name-oldversion]` rows.
pub fn parse_upgradable(text: &str) -> Vec<Upgradable> {
    text.lines()
        .filter_map(parse_list_line)
        .filter_map(|l| {
            let from = l.status.strip_prefix("upgradable from: ")?;
            let current = split_name_version(from).map(|(_, v)| v.to_string());
            Some(Upgradable {
                name: l.name.to_string(),
                current_version: current,
                available_version: l.version.to_string(),
                architecture: (!l.arch.is_empty()).then(|| l.arch.to_string()),
                is_security: false,
                source_repository: None,
            })
        })
        .collect()
}

/// One URL per line; `#`-commented lines are disabled repositories; `@tag` prefixes are pins.
pub fn parse_repositories(text: &str) -> Vec<Repository> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|line| {
            let (enabled, line) = match line.strip_prefix('#') {
                Some(rest) => (false, rest.trim()),
                None => (true, line),
            };
            let url = line.split_whitespace().last()?;
            if !url.contains("://") && !url.starts_with('/') {
                return None;
            }
            let parts: Vec<&str> = url.trim_end_matches('/').rsplit('/').take(2).collect();
            Some(Repository {
                name: crate::url_label(url),
                url: url.to_string(),
                distribution: parts.get(1).unwrap_or(&"").to_string(),
                components: parts
                    .first()
                    .map(|c| vec![c.to_string()])
                    .unwrap_or_default(),
                repo_type: "apk".into(),
                enabled,
                secure: is_https(url),
            })
        })
        .collect()
}
