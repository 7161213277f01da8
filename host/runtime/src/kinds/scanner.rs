//! Scanner plugins: run a compliance scan and report rule results.

use wasmtime::component::InstancePre;

use super::convert_v0_1_0::{facts_to_wit, info_from_wit, severity_from_wit};
use crate::bindings::v0_1_0::scanner as v0_1_0;
use crate::call::{CallState, PluginSettings};
use crate::error::{Result, RuntimeError};
use crate::manifest::Manifest;
use crate::plugin::PluginCore;
use crate::types::{HostFacts, PluginInfo, RuleResult, RuleStatus, ScanReport};
use crate::version::ApiVersion;

enum Binding {
    V0_1_0(v0_1_0::ScannerPre<CallState>),
}

/// A loaded scanner.
pub struct ScannerPlugin {
    core: PluginCore,
    binding: Binding,
}

impl ScannerPlugin {
    pub(crate) fn new(
        core: PluginCore,
        pre: InstancePre<CallState>,
        api: ApiVersion,
    ) -> Result<Self> {
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidComponent(format!("{e:#}"));
        let binding = match api {
            ApiVersion::V0_1_0 => Binding::V0_1_0(v0_1_0::ScannerPre::new(pre).map_err(invalid)?),
        };
        Ok(ScannerPlugin { core, binding })
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
                instance.patchmon_scanner_plugin().call_info(&mut *store)
            })?,
        };
        self.core.check_output(info_from_wit(outcome.value))
    }

    /// Whether the scanner can run on this host.
    pub fn detect(&self, settings: &PluginSettings, facts: &HostFacts) -> Result<bool> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => {
                let facts = facts_to_wit(facts);
                self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_scanner_plugin()
                        .call_detect(&mut *store, &facts)
                })?
            }
        };
        Ok(outcome.value)
    }

    /// Profiles offered on this host.
    pub fn profiles(&self, settings: &PluginSettings) -> Result<Vec<String>> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => self.core.call(settings, |store| {
                let instance = pre.instantiate(&mut *store)?;
                instance
                    .patchmon_scanner_plugin()
                    .call_profiles(&mut *store)
            })?,
        };
        self.core.check_output(outcome.value)
    }

    /// Evaluate `profile`.
    pub fn scan(&self, settings: &PluginSettings, profile: &str) -> Result<ScanReport> {
        match &self.binding {
            Binding::V0_1_0(pre) => {
                let outcome = self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_scanner_plugin()
                        .call_scan(&mut *store, profile)
                })?;
                use v0_1_0::exports::patchmon::scanner::plugin::{
                    RuleStatus as WitStatus, ScanError,
                };
                match outcome.value {
                    Ok(report) => self.core.check_output(ScanReport {
                        profile: report.profile,
                        results: report
                            .results
                            .into_iter()
                            .map(|r| RuleResult {
                                rule_id: r.rule_id,
                                title: r.title,
                                status: match r.status {
                                    WitStatus::Pass => RuleStatus::Pass,
                                    WitStatus::Fail => RuleStatus::Fail,
                                    WitStatus::Error => RuleStatus::Error,
                                    WitStatus::NotApplicable => RuleStatus::NotApplicable,
                                    WitStatus::Manual => RuleStatus::Manual,
                                },
                                severity: severity_from_wit(r.severity),
                                details: r.details,
                            })
                            .collect(),
                    }),
                    Err(error) => {
                        let message = match error {
                            ScanError::Unsupported(m) => format!("unsupported: {m}"),
                            ScanError::Capability(m) => format!("capability: {m}"),
                            ScanError::Parse(m) => format!("parse: {m}"),
                        };
                        let message = self.core.check_output(message)?;
                        Err(self.core.guest_failure(message, outcome.denial))
                    }
                }
            }
        }
    }
}
