//! What an administrator allowed a plugin to do. Everything not listed is denied.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::manifest::Manifest;

/// One program a plugin may run, with the arguments it may pass.
///
/// Argument patterns match one argument each: a literal matches itself, `*`
/// matches any single argument, and `**` (allowed only last) matches any
/// number of remaining arguments, including none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecRule {
    /// Absolute path or bare program name; must equal the requested program exactly.
    pub program: String,
    /// Argument patterns.
    #[serde(default)]
    pub args: Vec<String>,
}

impl ExecRule {
    /// A rule for `program` with the given argument patterns.
    pub fn new(program: &str, args: &[&str]) -> Self {
        ExecRule {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// Check the rule is well formed.
    pub fn validate(&self) -> Result<(), String> {
        if self.program.is_empty() || self.program.contains(char::is_whitespace) {
            return Err(format!(
                "program \"{}\" must be a single path or name",
                self.program
            ));
        }
        if !self.program.starts_with('/') && self.program.contains('/') {
            return Err(format!(
                "program \"{}\" must be absolute or a bare name",
                self.program
            ));
        }
        if let Some(pos) = self.args.iter().position(|a| a == "**") {
            if pos + 1 != self.args.len() {
                return Err(format!(
                    "`**` must be the last argument pattern of {}",
                    self.program
                ));
            }
        }
        Ok(())
    }

    /// Whether this rule allows running `program` with exactly `args`.
    pub fn allows(&self, program: &str, args: &[String]) -> bool {
        if self.program != program {
            return false;
        }
        let mut remaining = args.iter();
        for pattern in &self.args {
            if pattern == "**" {
                return true;
            }
            match remaining.next() {
                Some(arg) if pattern == "*" || pattern == arg => {}
                _ => return false,
            }
        }
        remaining.next().is_none()
    }
}

/// The capabilities granted to one plugin. The default grants nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    /// Programs the plugin may run.
    #[serde(default)]
    pub exec: Vec<ExecRule>,
    /// Absolute files or directories the plugin may read (directories recursively).
    #[serde(default)]
    pub fs_read: Vec<PathBuf>,
    /// Hosts (`name` or `name:port`) the plugin may send HTTP requests to.
    #[serde(default)]
    pub http_hosts: Vec<String>,
    /// Whether the plugin may send e-mail.
    #[serde(default)]
    pub mail: bool,
    /// Whether the plugin may use its key-value store.
    #[serde(default)]
    pub kv: bool,
    /// Whether the plugin may read the fleet.
    #[serde(default)]
    pub fleet_read: bool,
    /// Whether the plugin may create hosts.
    #[serde(default)]
    pub enroll: bool,
}

impl Grants {
    /// Nothing allowed.
    pub fn none() -> Self {
        Grants::default()
    }

    /// Grant everything the manifest requests, resolving `http.from_config`
    /// keys to the hosts of the URLs in `config`. This is what an
    /// administrator approving a plugin's full request produces.
    pub fn from_manifest(manifest: &Manifest, config: &serde_json::Value) -> Self {
        let request = &manifest.capabilities;
        let mut http_hosts = request.http.hosts.clone();
        for key in &request.http.from_config {
            if let Some(host) = config
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(host_of_url)
            {
                http_hosts.push(host);
            }
        }
        Grants {
            exec: request.exec.clone(),
            fs_read: request.fs_read.iter().map(PathBuf::from).collect(),
            http_hosts,
            mail: request.mail,
            kv: request.kv,
            fleet_read: request.fleet_read,
            enroll: request.enroll,
        }
    }

    /// Whether some rule allows this command line.
    pub fn allows_exec(&self, program: &str, args: &[String]) -> bool {
        self.exec.iter().any(|rule| rule.allows(program, args))
    }

    /// Whether a canonical (symlink-free, absolute) path lies within a granted
    /// path. Granted paths are canonicalised too, so a grant of `/etc` works
    /// when `/etc` is itself a symlink.
    pub fn allows_read(&self, canonical: &Path) -> bool {
        self.fs_read.iter().any(|granted| {
            let granted = granted.canonicalize().unwrap_or_else(|_| granted.clone());
            canonical.starts_with(granted)
        })
    }

    /// Whether `host` (lower-case) on `port` is allowed. An entry without a
    /// port allows any port; an entry with one allows only that port.
    pub fn allows_http(&self, host: &str, port: u16) -> bool {
        self.http_hosts.iter().any(|entry| {
            let entry = entry.to_ascii_lowercase();
            match split_host_port(&entry) {
                (name, Some(p)) => name == host && p == port,
                (name, None) => name == host,
            }
        })
    }
}

/// `host` or `host:port` of an absolute http(s) URL, lower-cased.
pub fn host_of_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn split_host_port(entry: &str) -> (&str, Option<u16>) {
    // Bracketed IPv6 literals keep their colons.
    if let Some(rest) = entry.strip_prefix('[') {
        if let Some((addr, tail)) = rest.split_once(']') {
            return (addr, tail.strip_prefix(':').and_then(|p| p.parse().ok()));
        }
    }
    match entry.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => match port.parse() {
            Ok(port) => (name, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

/// True when `path` has a `..` component; such paths are refused before any
/// file-system access so a denial never depends on what exists on disk.
pub(crate) fn has_parent_component(path: &Path) -> bool {
    path.components().any(|c| matches!(c, Component::ParentDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exec_patterns_match_program_and_each_argument() {
        let rule = ExecRule::new("/usr/bin/dpkg-query", &["-W", "-f=${Package}\\n", "*"]);
        assert!(rule.allows(
            "/usr/bin/dpkg-query",
            &args(&["-W", "-f=${Package}\\n", "bash"])
        ));
        assert!(!rule.allows("/usr/bin/dpkg-query", &args(&["-W", "-f=${Package}\\n"])));
        assert!(!rule.allows("/usr/bin/dpkg-query", &args(&["-W", "-f=x", "bash"])));
        assert!(!rule.allows("dpkg-query", &args(&["-W", "-f=${Package}\\n", "bash"])));
        assert!(!rule.allows(
            "/usr/bin/dpkg-query",
            &args(&["-W", "-f=${Package}\\n", "a", "b"])
        ));
    }

    #[test]
    fn double_star_matches_the_rest() {
        let rule = ExecRule::new("apt", &["list", "**"]);
        assert!(rule.allows("apt", &args(&["list"])));
        assert!(rule.allows("apt", &args(&["list", "--upgradable", "-q"])));
        assert!(!rule.allows("apt", &args(&["install", "x"])));
        assert!(ExecRule::new("apt", &["**", "x"]).validate().is_err());
        assert!(ExecRule::new("bin/apt", &[]).validate().is_err());
        assert!(ExecRule::new("/bin/sh -c", &[]).validate().is_err());
    }

    #[test]
    fn http_hosts_match_with_and_without_port() {
        let grants = Grants {
            http_hosts: vec![
                "ntfy.sh".into(),
                "127.0.0.1:8080".into(),
                "[::1]:9000".into(),
            ],
            ..Grants::none()
        };
        assert!(grants.allows_http("ntfy.sh", 443));
        assert!(grants.allows_http("127.0.0.1", 8080));
        assert!(!grants.allows_http("127.0.0.1", 8081));
        assert!(grants.allows_http("::1", 9000));
        assert!(!grants.allows_http("evil.example", 443));
    }

    #[test]
    fn host_of_url_keeps_explicit_ports() {
        assert_eq!(
            host_of_url("https://Hooks.Example.com/x?y").as_deref(),
            Some("hooks.example.com")
        );
        assert_eq!(
            host_of_url("http://127.0.0.1:9/x").as_deref(),
            Some("127.0.0.1:9")
        );
        assert_eq!(host_of_url("not a url"), None);
    }

    #[test]
    fn read_grants_cover_children_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let grants = Grants {
            fs_read: vec![root.join("allowed")],
            ..Grants::none()
        };
        assert!(grants.allows_read(&root.join("allowed/file")));
        assert!(grants.allows_read(&root.join("allowed")));
        assert!(!grants.allows_read(&root.join("allowed-not")));
        assert!(!grants.allows_read(&root));
        assert!(has_parent_component(Path::new("/a/../b")));
        assert!(!has_parent_component(Path::new("/a/b..c")));
    }

    #[test]
    fn from_manifest_resolves_config_urls() {
        let manifest = crate::manifest::Manifest::parse(
            &crate::manifest::tests_support::SAMPLE_NOTIFIER.replacen(
                "\"url\"]\n",
                "\"url\"]\nhosts = [\"fixed.example\"]\n",
                1,
            ),
        )
        .unwrap();
        let grants = Grants::from_manifest(
            &manifest,
            &serde_json::json!({ "url": "https://hooks.example.com:8443/in" }),
        );
        assert_eq!(
            grants.http_hosts,
            vec!["fixed.example", "hooks.example.com:8443"]
        );
        assert!(!grants.mail && !grants.kv && grants.exec.is_empty());
    }
}
