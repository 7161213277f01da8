//! Package collection behind one abstraction, [`Collector`], shaped like the
//! `patchmon:collector@0.1.0` WIT world (`detect(host-facts)`, `collect() -> inventory`).
//!
//! Today the collectors are [`native`]: each package manager's plan from
//! `patchmon-collector-core` (what to run and read, optionally under a root) executed in-process,
//! commands through [`exec::Exec`] (the same allow-list rules as the runtime's `exec`
//! capability), then assembled by that crate's parsers. The next step wraps each parser module
//! into a WASM component plugin and adds a `Collector` implementation backed by
//! `patchmon-runtime`; callers do not change.

pub mod exec;
pub mod native;
#[cfg(test)]
mod throwaway_roots;

pub use patchmon_collector_core::Inventory;

/// What a collector may look at to decide whether it applies (the OS part of the WIT
/// `host-facts`).
#[derive(Clone, Debug, Default)]
pub struct HostFacts {
    pub os_family: String,
    pub os_id: String,
}

impl HostFacts {
    /// True when the OS is one of `ids` (by family or id), or unknown.
    pub fn is_one_of(&self, ids: &[&str]) -> bool {
        (self.os_family.is_empty() && self.os_id.is_empty())
            || ids
                .iter()
                .any(|id| *id == self.os_family || *id == self.os_id)
    }
}

/// Why a collection failed (the WIT `collect-error`).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("capability: {0}")]
    Capability(String),
}

impl From<exec::ExecError> for CollectError {
    fn from(err: exec::ExecError) -> Self {
        CollectError::Capability(err.to_string())
    }
}

pub trait Collector: Send + Sync {
    /// The package manager's name as reported to the server (`apt`, `dnf`, …).
    fn name(&self) -> &'static str;
    fn detect(&self, facts: &HostFacts) -> bool;
    fn collect(&self) -> Result<Inventory, CollectError>;
}

/// Every collector this agent carries, most specific first (dnf before yum).
pub fn all() -> Vec<Box<dyn Collector>> {
    native::all()
}

/// The first collector that applies to this host.
pub fn detect(facts: &HostFacts) -> Option<Box<dyn Collector>> {
    all().into_iter().find(|c| c.detect(facts))
}
