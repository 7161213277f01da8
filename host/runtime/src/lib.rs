//! The PatchMon-RS WebAssembly plugin host, shared by server and agent.
//!
//! Build a [`Runtime`] once, load [`PluginPackage`]s into typed handles
//! ([`NotifierPlugin`], [`CollectorPlugin`], ...), and call them with the
//! [`PluginSettings`] (grants + configuration) the embedder keeps per plugin.
//! See `docs/runtime.md` for how it is built and why.

mod bindings;
mod cache;
mod call;
mod capabilities;
pub mod error;
pub mod grants;
mod host_v0_1_0;
mod kinds;
pub mod manifest;
mod metrics;
pub mod package;
mod plugin;
mod runtime;
pub mod services;
pub mod types;
pub mod version;

pub use call::{CapabilityLimits, PluginSettings};
pub use error::{Capability, Result, RuntimeError};
pub use grants::{ExecRule, Grants};
pub use kinds::{CollectorPlugin, IntegrationPlugin, NotifierPlugin, ScannerPlugin};
pub use manifest::{Limits, Manifest, PluginKind};
pub use metrics::PluginMetrics;
pub use package::PluginPackage;
pub use runtime::{LoadedPlugin, Runtime, RuntimeConfig};

// Embedders share these across threads (and async tasks); keep it that way.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Runtime>();
    assert_send_sync::<CollectorPlugin>();
    assert_send_sync::<NotifierPlugin>();
    assert_send_sync::<IntegrationPlugin>();
    assert_send_sync::<ScannerPlugin>();
};
