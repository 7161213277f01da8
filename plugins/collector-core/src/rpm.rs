//! RPM family: `rpm -qa --qf` for installed packages; `dnf check-update` (dnf4, dnf5) and
//! `yum check-update` for updates; `dnf updateinfo list --security` / `dnf5 advisory list
//! --security` / `yum updateinfo list security` for security advisories (RHSA, ALSA, RLSA, ELSA,
//! CESA, FEDORA ids and dnf5's hex ids); `.repo` files for repositories.

use std::collections::BTreeMap;

use crate::plan::{argv, under, Command, Outputs, Plan, Read};
use crate::{is_https, Inventory, Package, Repository, Upgradable};

/// The `rpm -qa --qf` format [`parse_rpm_query`] reads.
pub const RPM_QUERY_FORMAT: &str =
    "%{NAME}\t%{EPOCHNUM}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SUMMARY}\n";

/// `rpm -qa` with [`RPM_QUERY_FORMAT`], on the system at `root`.
pub fn query_command(root: Option<&str>) -> Command {
    let mut query = argv(&["rpm"]);
    if let Some(root) = root {
        query.extend(["--root".to_string(), root.to_string()]);
    }
    query.extend(argv(&["-qa", "--qf", RPM_QUERY_FORMAT]));
    Command::new(query, &[0])
}

/// `rpm -qa`, then `<tool> check-update` and `<tool> updateinfo list --security` (dnf or yum;
/// dnf5 answers to `dnf`), then the `.repo` files. A failing advisory list leaves the updates
/// unflagged rather than failing the collection.
pub fn plan(tool: &str, root: Option<&str>) -> Plan {
    let tool_argv = |args: &[&str]| {
        let mut words = argv(&[tool]);
        words.extend(root.map(|root| format!("--installroot={root}")));
        words.extend(argv(args));
        words
    };
    Plan {
        commands: vec![
            query_command(root),
            // check-update exits 100 when updates exist.
            Command::new(tool_argv(&["-q", "check-update"]), &[0, 100]),
            Command::new(tool_argv(&["-q", "updateinfo", "list", "--security"]), &[0]).optional(),
        ],
        reads: vec![Read::dir(under(root, "/etc/yum.repos.d"), &[".repo"])],
    }
}

/// The inventory from the outputs of [`plan`].
pub fn assemble(outputs: &Outputs) -> Inventory {
    let mut upgradable = parse_check_update(outputs.command(1));
    mark_security(
        &mut upgradable,
        &parse_security_advisories(outputs.command(2)),
    );
    Inventory {
        installed: parse_rpm_query(outputs.command(0)),
        upgradable,
        repositories: outputs
            .read(0)
            .iter()
            .flat_map(|t| parse_repo_file(t))
            .collect(),
    }
}

/// `epoch:version-release`, without a zero epoch.
fn evr(epoch: &str, version_release: &str) -> String {
    match epoch.trim() {
        "" | "0" | "(none)" => version_release.to_string(),
        epoch => format!("{epoch}:{version_release}"),
    }
}

pub fn parse_rpm_query(text: &str) -> Vec<Package> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let name = f.next()?.trim();
            let epoch = f.next()?;
            let vr = f.next()?.trim();
            let arch = f.next().unwrap_or("").trim();
            let summary = f.next().unwrap_or("").trim();
            if name.is_empty() || vr.is_empty() || name == "gpg-pubkey" {
                return None;
            }
            Some(Package {
                name: name.to_string(),
                version: evr(epoch, vr),
                architecture: (!arch.is_empty() && arch != "(none)").then(|| arch.to_string()),
                source_repository: None,
                description: (!summary.is_empty()).then(|| summary.to_string()),
            })
        })
        .collect()
}

/// Splits `name.arch` at the last dot.
fn split_arch(name_arch: &str) -> (&str, Option<&str>) {
    match name_arch.rsplit_once('.') {
        Some((name, arch)) if !name.is_empty() => (name, Some(arch)),
        _ => (name_arch, None),
    }
}

/// `name.arch  version  repo` rows of `dnf check-update` / `yum check-update` (dnf4, dnf5).
/// Long names wrap onto the next line; the `Obsoleting Packages` section ends the list.
pub fn parse_check_update(text: &str) -> Vec<Upgradable> {
    let mut out = Vec::new();
    let mut carried: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("Obsoleting") {
            break;
        }
        if trimmed.is_empty() {
            carried.clear();
            continue;
        }
        let words: Vec<String> = trimmed.split_whitespace().map(str::to_string).collect();
        carried.extend(words);
        if carried.len() < 3 {
            // Either a wrapped name or a header such as "Last metadata expiration check: …".
            if !carried[0].contains('.') || carried[0].ends_with(':') {
                carried.clear();
            }
            continue;
        }
        if carried.len() == 3
            && carried[0].contains('.')
            && carried[1]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        {
            let (name, arch) = split_arch(&carried[0]);
            out.push(Upgradable {
                name: name.to_string(),
                current_version: None,
                available_version: carried[1].clone(),
                architecture: arch.map(str::to_string),
                is_security: false,
                source_repository: Some(carried[2].clone()),
            });
        }
        carried.clear();
    }
    out
}

/// `name-[epoch:]version-release.arch` into (name, version-release, arch).
pub fn parse_nevra(text: &str) -> Option<(String, String, String)> {
    let (rest, arch) = text.rsplit_once('.')?;
    let (rest, release) = rest.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    if name.is_empty() || !version.chars().next()?.is_ascii_digit() && !version.contains(':') {
        return None;
    }
    Some((
        name.to_string(),
        format!("{version}-{release}"),
        arch.to_string(),
    ))
}

fn is_advisory_id(word: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "RHSA-", "ALSA-", "RLSA-", "ELSA-", "CESA-", "FEDORA-", "RHBA-",
    ];
    let upper = word.to_ascii_uppercase();
    if PREFIXES.iter().any(|p| upper.starts_with(p)) {
        return true;
    }
    // dnf5 prints bare hexadecimal advisory ids on some repositories.
    word.len() >= 8 && word.chars().all(|c| c.is_ascii_hexdigit())
}

/// Security advisories by package name: rows whose first word is an advisory id and which name
/// a package NEVRA (`dnf updateinfo list --security`, `dnf5 advisory list --security`,
/// `yum updateinfo list security`). The severity column, when present, is ignored.
pub fn parse_security_advisories(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(id) = words.first().filter(|w| is_advisory_id(w)) else {
            continue;
        };
        if let Some((name, _, _)) = words[1..].iter().rev().find_map(|w| parse_nevra(w)) {
            let ids = out.entry(name).or_default();
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
    }
    out
}

/// Marks updates whose package has a security advisory.
pub fn mark_security(updates: &mut [Upgradable], advisories: &BTreeMap<String, Vec<String>>) {
    for update in updates {
        update.is_security = update.is_security || advisories.contains_key(&update.name);
    }
}

/// `[id]` sections of a `.repo` file with `name`, `baseurl`/`metalink`/`mirrorlist`, `enabled`.
pub fn parse_repo_file(text: &str) -> Vec<Repository> {
    let mut out = Vec::new();
    let mut current: Option<(String, BTreeMap<String, String>)> = None;
    let finish = |section: Option<(String, BTreeMap<String, String>)>,
                  out: &mut Vec<Repository>| {
        let Some((id, keys)) = section else { return };
        let url = ["baseurl", "metalink", "mirrorlist"]
            .iter()
            .find_map(|k| keys.get(*k))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("")
            .to_string();
        if url.is_empty() {
            return;
        }
        out.push(Repository {
            name: keys.get("name").cloned().unwrap_or_else(|| id.clone()),
            secure: is_https(&url),
            url,
            distribution: id,
            components: Vec::new(),
            repo_type: "rpm-md".into(),
            enabled: keys.get("enabled").is_none_or(|v| v.trim() != "0"),
        });
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(id) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            finish(current.take(), &mut out);
            current = Some((id.trim().to_string(), BTreeMap::new()));
        } else if let (Some((_, keys)), Some((k, v))) = (current.as_mut(), line.split_once('=')) {
            keys.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    finish(current, &mut out);
    out
}
