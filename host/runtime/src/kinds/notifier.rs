//! Notifier plugins: describe their configuration and deliver events.

use wasmtime::component::InstancePre;

use super::convert_v0_1_0::{event_to_wit, info_from_wit};
use crate::bindings::v0_1_0::notifier as v0_1_0;
use crate::call::{CallState, PluginSettings};
use crate::error::{Result, RuntimeError};
use crate::manifest::Manifest;
use crate::plugin::PluginCore;
use crate::types::{Event, PluginInfo};
use crate::version::ApiVersion;

enum Binding {
    V0_1_0(v0_1_0::NotifierPre<CallState>),
}

/// A loaded notifier.
pub struct NotifierPlugin {
    core: PluginCore,
    binding: Binding,
}

impl NotifierPlugin {
    pub(crate) fn new(
        core: PluginCore,
        pre: InstancePre<CallState>,
        api: ApiVersion,
    ) -> Result<Self> {
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidComponent(format!("{e:#}"));
        let binding = match api {
            ApiVersion::V0_1_0 => Binding::V0_1_0(v0_1_0::NotifierPre::new(pre).map_err(invalid)?),
        };
        Ok(NotifierPlugin { core, binding })
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
                instance.patchmon_notifier_plugin().call_info(&mut *store)
            })?,
        };
        self.core.check_output(info_from_wit(outcome.value))
    }

    /// The configuration JSON Schema the plugin reports.
    pub fn config_schema(&self, settings: &PluginSettings) -> Result<serde_json::Value> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => self.core.call(settings, |store| {
                let instance = pre.instantiate(&mut *store)?;
                instance
                    .patchmon_notifier_plugin()
                    .call_config_schema(&mut *store)
            })?,
        };
        let text = self.core.check_output(outcome.value)?;
        serde_json::from_str(&text).map_err(|e| RuntimeError::PluginFailed {
            plugin: self.core.id().to_string(),
            message: format!("config-schema returned invalid JSON: {e}"),
        })
    }

    /// Problems with a candidate configuration; empty when it is acceptable.
    pub fn validate_config(
        &self,
        settings: &PluginSettings,
        config: &serde_json::Value,
    ) -> Result<Vec<String>> {
        let config = config.to_string();
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => self.core.call(settings, |store| {
                let instance = pre.instantiate(&mut *store)?;
                instance
                    .patchmon_notifier_plugin()
                    .call_validate_config(&mut *store, &config)
            })?,
        };
        match outcome.value {
            Ok(()) => Ok(Vec::new()),
            Err(problems) => self.core.check_output(problems),
        }
    }

    /// Deliver `event` with the configuration and grants in `settings`.
    /// A failure is [`RuntimeError::DeliveryFailed`] (retryable or not),
    /// [`RuntimeError::Denied`] when a refused capability caused it, or a
    /// limit/trap error.
    pub fn deliver(&self, settings: &PluginSettings, event: &Event) -> Result<()> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => {
                let event = event_to_wit(event);
                let outcome = self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_notifier_plugin()
                        .call_deliver(&mut *store, &event)
                })?;
                use v0_1_0::exports::patchmon::notifier::plugin::DeliveryError;
                crate::plugin::CallOutcome {
                    value: outcome.value.map_err(|e| match e {
                        DeliveryError::Retryable(m) => (true, m),
                        DeliveryError::Permanent(m) => (false, m),
                    }),
                    denial: outcome.denial,
                }
            }
        };
        match outcome.value {
            Ok(()) => Ok(()),
            Err((retryable, message)) => {
                let message = self.core.check_output(message)?;
                match outcome.denial {
                    Some(denial) => Err(self.core.guest_failure(message, Some(denial))),
                    None => Err(RuntimeError::DeliveryFailed {
                        plugin: self.core.id().to_string(),
                        retryable,
                        message,
                    }),
                }
            }
        }
    }
}
