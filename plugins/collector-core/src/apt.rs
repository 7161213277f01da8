//! Debian and Ubuntu: `dpkg-query` for installed packages, `apt-get -s upgrade` or
//! `apt list --upgradable` for updates, one-line `sources.list` and deb822 `.sources` files
//! for repositories. An update is a security update when it comes from a `-security` pocket
//! (`bookworm-security`, `jammy-security`, `Debian-Security:` origins).

use crate::plan::{argv, under, Command, Outputs, Plan, Read};
use crate::{content_lines, is_https, url_label, Inventory, Package, Repository, Upgradable};

/// The `dpkg-query -W -f` format [`parse_dpkg_query`] reads.
pub const DPKG_QUERY_FORMAT: &str =
    "${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${binary:Summary}\n";

/// `dpkg-query` for installed packages, `apt-get -s upgrade` for updates (from the lists of the
/// last `apt-get update`: collecting never refreshes them), then `sources.list`, `.list` and
/// deb822 `.sources` files.
pub fn plan(root: Option<&str>) -> Plan {
    let mut dpkg_query = argv(&["dpkg-query"]);
    let mut simulate = argv(&["apt-get", "-s", "-o", "Debug::NoLocking=1"]);
    if let Some(root) = root {
        let admindir = under(Some(root), "/var/lib/dpkg");
        dpkg_query.push(format!("--admindir={admindir}"));
        // The status file is named too: not every apt version moves it along with `Dir`.
        simulate.extend([
            "-o".to_string(),
            format!("Dir={root}"),
            "-o".to_string(),
            format!("Dir::State::status={admindir}/status"),
        ]);
    }
    dpkg_query.extend(argv(&["-W", "-f", DPKG_QUERY_FORMAT]));
    simulate.push("upgrade".to_string());
    let sources_d = under(root, "/etc/apt/sources.list.d");
    Plan {
        commands: vec![Command::new(dpkg_query, &[0]), Command::new(simulate, &[0])],
        reads: vec![
            Read::File(under(root, "/etc/apt/sources.list")),
            Read::dir(sources_d.clone(), &[".list"]),
            Read::dir(sources_d, &[".sources"]),
        ],
    }
}

/// The inventory from the outputs of [`plan`].
pub fn assemble(outputs: &Outputs) -> Inventory {
    let one_line = outputs.read(0).iter().chain(outputs.read(1));
    let mut repositories: Vec<Repository> = one_line.flat_map(|t| parse_sources_list(t)).collect();
    repositories.extend(outputs.read(2).iter().flat_map(|t| parse_deb822_sources(t)));
    Inventory {
        installed: parse_dpkg_query(outputs.command(0)),
        upgradable: parse_apt_simulation(outputs.command(1)),
        repositories,
    }
}

/// Installed packages (status `ii`, `hi` …: second letter `i`) from [`DPKG_QUERY_FORMAT`] lines.
pub fn parse_dpkg_query(text: &str) -> Vec<Package> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next()?.trim();
            let version = fields.next()?.trim();
            let arch = fields.next().map(str::trim).unwrap_or("");
            let status = fields.next().unwrap_or("");
            let summary = fields.next().map(str::trim).unwrap_or("");
            if name.is_empty() || version.is_empty() || status.chars().nth(1) != Some('i') {
                return None;
            }
            Some(Package {
                name: name.to_string(),
                version: version.to_string(),
                architecture: (!arch.is_empty()).then(|| arch.to_string()),
                source_repository: None,
                description: (!summary.is_empty()).then(|| summary.to_string()),
            })
        })
        .collect()
}

fn is_security_pocket(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("-security") || lower.contains("debian-security")
}

/// `Inst <name> [<installed>] (<candidate> <origin>[, <origin>…] [<arch>])` lines of
/// `apt-get -s upgrade` / `dist-upgrade`.
pub fn parse_apt_simulation(text: &str) -> Vec<Upgradable> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("Inst ")?;
            let (name, rest) = rest.split_once(' ')?;
            let (current, rest) = match rest.strip_prefix('[') {
                Some(r) => {
                    let (cur, r) = r.split_once(']')?;
                    (Some(cur.to_string()), r.trim_start())
                }
                None => (None, rest),
            };
            let inner = rest.strip_prefix('(')?;
            let inner = &inner[..inner.find(')')?];
            let (version, origins) = inner.split_once(' ').unwrap_or((inner, ""));
            let (origins, arch) = match origins.rfind(" [") {
                Some(at) => (&origins[..at], origins[at + 2..].trim_end_matches(']')),
                None => (origins, ""),
            };
            let first_origin = origins.split(", ").next().unwrap_or("").trim();
            Some(Upgradable {
                name: name.to_string(),
                current_version: current,
                available_version: version.to_string(),
                architecture: (!arch.is_empty()).then(|| arch.to_string()),
                is_security: is_security_pocket(origins),
                source_repository: (!first_origin.is_empty()).then(|| first_origin.to_string()),
            })
        })
        .collect()
}

/// `name/suite[,suite…] version arch [upgradable from: old]` lines of `apt list --upgradable`.
pub fn parse_apt_list_upgradable(text: &str) -> Vec<Upgradable> {
    text.lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once('/')?;
            let mut parts = rest.split_whitespace();
            let suites = parts.next()?;
            let version = parts.next()?;
            let arch = parts.next().unwrap_or("");
            let current = line
                .split_once("[upgradable from: ")
                .and_then(|(_, r)| r.strip_suffix(']'))
                .map(str::to_string);
            Some(Upgradable {
                name: name.to_string(),
                current_version: current,
                available_version: version.to_string(),
                architecture: (!arch.is_empty()).then(|| arch.to_string()),
                is_security: is_security_pocket(suites),
                source_repository: suites.split(',').next().map(str::to_string),
            })
        })
        .collect()
}

fn repository(
    kind: &str,
    url: &str,
    suite: &str,
    components: Vec<String>,
    enabled: bool,
) -> Repository {
    Repository {
        name: format!("{} {suite}", url_label(url)),
        url: url.to_string(),
        distribution: suite.to_string(),
        components,
        repo_type: kind.to_string(),
        enabled,
        secure: is_https(url),
    }
}

/// One-line format: `deb [options] uri suite [component…]`; `deb-src` too. Comments skipped.
pub fn parse_sources_list(text: &str) -> Vec<Repository> {
    content_lines(text)
        .filter_map(|line| {
            let (kind, rest) = line.split_once(char::is_whitespace)?;
            if kind != "deb" && kind != "deb-src" {
                return None;
            }
            let rest = rest.trim_start();
            let rest = match rest.strip_prefix('[') {
                Some(r) => r.split_once(']')?.1,
                None => rest,
            };
            let mut words = rest.split_whitespace();
            let url = words.next()?;
            let suite = words.next()?;
            let components = words.map(str::to_string).collect();
            Some(repository(kind, url, suite, components, true))
        })
        .collect()
}

/// deb822 `.sources` stanzas: one repository per type × URI × suite; `Enabled: no` kept as disabled.
pub fn parse_deb822_sources(text: &str) -> Vec<Repository> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in stanza.lines() {
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if line.starts_with([' ', '\t']) {
                if let Some(last) = fields.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            } else if let Some((key, value)) = line.split_once(':') {
                fields.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let enabled = !matches!(
            get("enabled").to_ascii_lowercase().as_str(),
            "no" | "false" | "0"
        );
        let components: Vec<String> = get("components")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        for kind in get("types").split_whitespace() {
            for url in get("uris").split_whitespace() {
                for suite in get("suites").split_whitespace() {
                    out.push(repository(kind, url, suite, components.clone(), enabled));
                }
            }
        }
    }
    out
}
