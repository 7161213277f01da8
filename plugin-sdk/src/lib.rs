//! SDK for PatchMon-RS plugins.
//!
//! A plugin crate depends on this SDK with the feature of its kind
//! (`collector`, `notifier`, `integration` or `scanner`), implements that
//! kind's `Guest` trait and exports it:
//!
//! ```text
//! use patchmon_plugin_sdk::notifier::{DeliveryError, Guest};
//! use patchmon_plugin_sdk::{Event, PluginInfo};
//!
//! struct MyNotifier;
//! impl Guest for MyNotifier { /* info, config_schema, validate_config, deliver */ }
//! patchmon_plugin_sdk::export_notifier!(MyNotifier);
//! ```
//!
//! Capability calls go through [`host`]; natively they are answered by the
//! [`harness`], so the same code is unit-tested with `cargo test`.

pub mod bindings;
#[cfg(not(target_arch = "wasm32"))]
pub mod harness;
pub mod host;
pub mod parse;
pub mod version;

pub use bindings::common::patchmon::common::types::{
    CapabilityError, Event, HostFacts, Package, PluginInfo, Severity,
};

/// Errors raised by SDK helpers (not by the host).
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// The plugin configuration did not match the expected shape.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A recorded transcript could not be read.
    #[error("invalid transcript: {0}")]
    Transcript(String),
}

mod export;

/// Everything a collector implements and uses.
#[cfg(feature = "collector")]
pub mod collector {
    pub use crate::bindings::collector::exports::patchmon::collector::plugin::{
        CollectError, Guest, Inventory, Repository, Upgradable,
    };
}

/// Everything a notifier implements and uses.
#[cfg(feature = "notifier")]
pub mod notifier {
    pub use crate::bindings::notifier::exports::patchmon::notifier::plugin::{
        DeliveryError, Guest,
    };
}

/// Everything an integration implements and uses.
#[cfg(feature = "integration")]
pub mod integration {
    pub use crate::bindings::integration::exports::patchmon::integration::plugin::{
        Guest, HttpRequest, HttpResponse, Route,
    };
    pub use crate::bindings::integration::patchmon::integration::enroll::{
        Enrollment, EnrollmentRequest,
    };
    pub use crate::bindings::integration::patchmon::integration::fleet::{
        FleetOverview, FleetStats, HostSummary, OsShare,
    };
    #[cfg(target_arch = "wasm32")]
    use crate::bindings::integration::patchmon::integration::{enroll, fleet};
    use crate::CapabilityError;

    /// Hosts visible to this plugin (capability `fleet-read`).
    pub fn list_hosts() -> Result<Vec<HostSummary>, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return fleet::list_hosts();
        #[cfg(not(target_arch = "wasm32"))]
        return crate::harness::with_active(|h| h.list_hosts());
    }

    /// One visible host (capability `fleet-read`).
    pub fn get_host(id: &str) -> Result<Option<HostSummary>, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return fleet::get_host(id);
        #[cfg(not(target_arch = "wasm32"))]
        return crate::harness::with_active(|h| h.get_host(id));
    }

    /// Counters over the visible hosts (capability `fleet-read`).
    pub fn stats() -> Result<FleetStats, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return fleet::stats();
        #[cfg(not(target_arch = "wasm32"))]
        return crate::harness::with_active(|h| h.fleet_stats());
    }

    /// Dashboard figures over the visible hosts (capability `fleet-read`).
    pub fn overview() -> Result<FleetOverview, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return fleet::overview();
        #[cfg(not(target_arch = "wasm32"))]
        return crate::harness::with_active(|h| h.fleet_overview());
    }

    /// A response with `body` as JSON and its content type set.
    pub fn json_response(status: u16, body: &serde_json::Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// Create a host (capability `enroll`).
    pub fn enroll_host(request: &EnrollmentRequest) -> Result<Enrollment, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return enroll::enroll_host(request);
        #[cfg(not(target_arch = "wasm32"))]
        return crate::harness::with_active(|h| h.enroll_host(request));
    }
}

/// Everything a scanner implements and uses.
#[cfg(feature = "scanner")]
pub mod scanner {
    pub use crate::bindings::scanner::exports::patchmon::scanner::plugin::{
        Guest, RuleResult, RuleStatus, ScanError, ScanReport,
    };
}
