//! Collector plugins: detect a package manager and report inventory.

use wasmtime::component::InstancePre;

use super::convert_v0_1_0::{facts_to_wit, info_from_wit, package_from_wit};
use crate::bindings::v0_1_0::collector as v0_1_0;
use crate::call::{CallState, PluginSettings};
use crate::error::{Result, RuntimeError};
use crate::manifest::Manifest;
use crate::plugin::PluginCore;
use crate::types::{HostFacts, Inventory, PluginInfo, Repository, Upgradable};
use crate::version::ApiVersion;

enum Binding {
    V0_1_0(v0_1_0::CollectorPre<CallState>),
}

/// A loaded collector.
pub struct CollectorPlugin {
    core: PluginCore,
    binding: Binding,
}

impl CollectorPlugin {
    pub(crate) fn new(
        core: PluginCore,
        pre: InstancePre<CallState>,
        api: ApiVersion,
    ) -> Result<Self> {
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidComponent(format!("{e:#}"));
        let binding = match api {
            ApiVersion::V0_1_0 => Binding::V0_1_0(v0_1_0::CollectorPre::new(pre).map_err(invalid)?),
        };
        Ok(CollectorPlugin { core, binding })
    }

    /// The plugin's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.core.manifest
    }

    /// What the plugin says about itself.
    pub fn info(&self, settings: &PluginSettings) -> Result<PluginInfo> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => self.core.call(settings, |store| {
                let instance = pre.instantiate(&mut *store)?;
                instance.patchmon_collector_plugin().call_info(&mut *store)
            })?,
        };
        self.core.check_output(info_from_wit(outcome.value))
    }

    /// Whether the collector applies to this host.
    pub fn detect(&self, settings: &PluginSettings, facts: &HostFacts) -> Result<bool> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => {
                let facts = facts_to_wit(facts);
                self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_collector_plugin()
                        .call_detect(&mut *store, &facts)
                })?
            }
        };
        Ok(outcome.value)
    }

    /// Gather the inventory.
    pub fn collect(&self, settings: &PluginSettings) -> Result<Inventory> {
        match &self.binding {
            Binding::V0_1_0(pre) => {
                let outcome = self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_collector_plugin()
                        .call_collect(&mut *store)
                })?;
                use v0_1_0::exports::patchmon::collector::plugin::CollectError;
                match outcome.value {
                    Ok(inventory) => self.core.check_output(inventory_from_wit(inventory)),
                    Err(error) => {
                        let message = match error {
                            CollectError::Unsupported(m) => format!("unsupported: {m}"),
                            CollectError::Capability(m) => format!("capability: {m}"),
                            CollectError::Parse(m) => format!("parse: {m}"),
                        };
                        let message = self.core.check_output(message)?;
                        Err(self.core.guest_failure(message, outcome.denial))
                    }
                }
            }
        }
    }
}

fn inventory_from_wit(
    inventory: v0_1_0::exports::patchmon::collector::plugin::Inventory,
) -> Inventory {
    Inventory {
        installed: inventory
            .installed
            .into_iter()
            .map(package_from_wit)
            .collect(),
        upgradable: inventory
            .upgradable
            .into_iter()
            .map(|u| Upgradable {
                installed: package_from_wit(u.installed),
                available_version: u.available_version,
                is_security: u.is_security,
                source_repository: u.source_repository,
            })
            .collect(),
        repositories: inventory
            .repositories
            .into_iter()
            .map(|r| Repository {
                name: r.name,
                url: r.url,
                distribution: r.distribution,
                components: r.components,
                repo_type: r.repo_type,
                enabled: r.enabled,
                secure: r.secure,
            })
            .collect(),
    }
}
