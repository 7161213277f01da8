//! Parsers for package-manager output, one module per ecosystem. Input is the text a command
//! printed or a file held; output is typed records shaped like the `patchmon:collector@0.1.0`
//! WIT records (`package`, `upgradable`, `repository`), so a WASM collector plugin can wrap
//! these functions unchanged. No I/O happens here: running commands and reading files is the
//! host's job (the runtime's `exec`/`fs-read` capabilities, behind [`run::Host`]), following
//! each manager's [`plan::Plan`] of what to run and read.
//!
//! With the `guest` feature, [`guest`] is the whole of a collector plugin: the six
//! `plugins/collector-*` crates are one [`collector_plugin!`] line each.

pub mod apk;
pub mod apt;
#[cfg(feature = "guest")]
pub mod guest;
pub mod pacman;
pub mod plan;
pub mod rpm;
pub mod run;
pub mod zypper;

/// An installed package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub architecture: Option<String>,
    pub source_repository: Option<String>,
    pub description: Option<String>,
}

/// An update offered for an installed package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upgradable {
    pub name: String,
    /// Installed version, when the tool reports it.
    pub current_version: Option<String>,
    pub available_version: String,
    pub architecture: Option<String>,
    pub is_security: bool,
    pub source_repository: Option<String>,
}

/// A configured repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repository {
    pub name: String,
    pub url: String,
    pub distribution: String,
    pub components: Vec<String>,
    pub repo_type: String,
    pub enabled: bool,
    /// HTTPS transport.
    pub secure: bool,
}

/// Everything a collector reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub installed: Vec<Package>,
    pub upgradable: Vec<Upgradable>,
    pub repositories: Vec<Repository>,
}

pub(crate) fn is_https(url: &str) -> bool {
    url.trim().to_ascii_lowercase().starts_with("https://")
}

/// A readable repository name from its URL: host and path, e.g. `deb.debian.org/debian`.
pub(crate) fn url_label(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.trim_end_matches('/').to_string()
}

/// Non-empty, non-comment lines.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
