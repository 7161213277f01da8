//! Conversions between the version-neutral types and the 0.1.0 bindings.

use crate::bindings::v0_1_0::common::patchmon::common::types as wit;
use crate::types::{Event, HostFacts, Package, PluginInfo, Severity};

pub(crate) fn severity_to_wit(severity: Severity) -> wit::Severity {
    match severity {
        Severity::Info => wit::Severity::Info,
        Severity::Low => wit::Severity::Low,
        Severity::Medium => wit::Severity::Medium,
        Severity::High => wit::Severity::High,
        Severity::Critical => wit::Severity::Critical,
    }
}

pub(crate) fn severity_from_wit(severity: wit::Severity) -> Severity {
    match severity {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
    }
}

pub(crate) fn event_to_wit(event: &Event) -> wit::Event {
    wit::Event {
        id: event.id.clone(),
        kind: event.kind.clone(),
        severity: severity_to_wit(event.severity),
        title: event.title.clone(),
        message: event.message.clone(),
        occurred_at: event.occurred_at.clone(),
        host: event.host.clone(),
        details_json: event.details.to_string(),
    }
}

pub(crate) fn info_from_wit(info: wit::PluginInfo) -> PluginInfo {
    PluginInfo {
        id: info.id,
        name: info.name,
        version: info.version,
        description: info.description,
    }
}

pub(crate) fn facts_to_wit(facts: &HostFacts) -> wit::HostFacts {
    wit::HostFacts {
        hostname: facts.hostname.clone(),
        os_family: facts.os_family.clone(),
        os_id: facts.os_id.clone(),
        os_version: facts.os_version.clone(),
        kernel_release: facts.kernel_release.clone(),
        architecture: facts.architecture.clone(),
    }
}

pub(crate) fn package_from_wit(package: wit::Package) -> Package {
    Package {
        name: package.name,
        version: package.version,
        architecture: package.architecture,
        source_repository: package.source_repository,
        description: package.description,
    }
}
