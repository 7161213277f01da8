//! API version negotiation.
//!
//! A component's API version is read from the names of its exports and
//! imports (`patchmon:notifier/plugin@0.1.0`, `patchmon:common/log@0.1.0`)
//! after compilation and before instantiation, so an unsupported component is
//! refused without ever running any of its code. The SDK needs no extra
//! metadata for this: wit-bindgen writes the versioned names itself.

use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::{Result, RuntimeError};
use crate::manifest::PluginKind;

/// Versions of `patchmon:common` this host serves.
pub const SUPPORTED_COMMON_VERSIONS: &[&str] = &["0.1.0"];

/// Versions of each kind's WIT package this host serves. Every version ever
/// released stays listed.
pub fn supported_versions(kind: PluginKind) -> &'static [&'static str] {
    match kind {
        PluginKind::Collector => &["0.1.0"],
        PluginKind::Notifier => &["0.1.0"],
        PluginKind::Integration => &["0.1.0"],
        PluginKind::Scanner => &["0.1.0"],
    }
}

/// An API version this host knows how to dispatch to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// The 0.1.0 packages.
    V0_1_0,
}

impl ApiVersion {
    fn parse(version: &str) -> Option<Self> {
        match version {
            "0.1.0" => Some(ApiVersion::V0_1_0),
            _ => None,
        }
    }

    /// Version text, as in WIT package names.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V0_1_0 => "0.1.0",
        }
    }
}

/// Find the kind and version a component was built against, and refuse it
/// unless it is `expected` at a supported version.
pub(crate) fn detect(
    engine: &Engine,
    component: &Component,
    expected: PluginKind,
) -> Result<ApiVersion> {
    let ty = component.component_type();
    let mut found: Option<(PluginKind, String)> = None;
    for (name, _) in ty.exports(engine) {
        if let Some((package, version)) = split_versioned(name, "plugin") {
            if let Some(kind) = PluginKind::ALL
                .into_iter()
                .find(|k| package == format!("patchmon:{k}"))
            {
                found = Some((kind, version.to_string()));
            }
        }
    }
    let (kind, version) = found.ok_or_else(|| {
        RuntimeError::InvalidComponent(format!(
            "it does not export a patchmon:{expected}/plugin interface"
        ))
    })?;
    if kind != expected {
        return Err(RuntimeError::InvalidComponent(format!(
            "it exports patchmon:{kind}/plugin but a {expected} plugin was expected"
        )));
    }
    let supported = supported_versions(kind);
    let api = ApiVersion::parse(&version)
        .filter(|v| supported.contains(&v.as_str()))
        .ok_or_else(|| RuntimeError::UnsupportedApiVersion {
            interface: format!("patchmon:{kind}"),
            found: version.clone(),
            supported: supported.join(", "),
        })?;
    for (name, _) in ty.imports(engine) {
        if let Some((package, version)) = split_versioned(name, "") {
            if package == "patchmon:common" && !SUPPORTED_COMMON_VERSIONS.contains(&version) {
                return Err(RuntimeError::UnsupportedApiVersion {
                    interface: "patchmon:common".into(),
                    found: version.to_string(),
                    supported: SUPPORTED_COMMON_VERSIONS.join(", "),
                });
            }
        }
    }
    Ok(api)
}

/// Split `ns:pkg/iface@ver` into (`ns:pkg`, `ver`), requiring `iface` to equal
/// `interface` unless `interface` is empty.
fn split_versioned<'a>(name: &'a str, interface: &str) -> Option<(&'a str, &'a str)> {
    let (path, version) = name.split_once('@')?;
    let (package, iface) = path.split_once('/')?;
    (interface.is_empty() || iface == interface).then_some((package, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_interface_names() {
        assert_eq!(
            split_versioned("patchmon:notifier/plugin@0.1.0", "plugin"),
            Some(("patchmon:notifier", "0.1.0"))
        );
        assert_eq!(
            split_versioned("patchmon:notifier/other@0.1.0", "plugin"),
            None
        );
        assert_eq!(
            split_versioned("wasi:cli/environment@0.2.6", ""),
            Some(("wasi:cli", "0.2.6"))
        );
        assert_eq!(split_versioned("deliver", "plugin"), None);
    }

    #[test]
    fn every_kind_lists_a_version() {
        for kind in PluginKind::ALL {
            assert!(supported_versions(kind)
                .iter()
                .all(|v| ApiVersion::parse(v).is_some()));
        }
    }
}
