//! Integration plugins: serve HTTP routes and react to events.

use wasmtime::component::InstancePre;

use super::convert_v0_1_0::{event_to_wit, info_from_wit};
use crate::bindings::v0_1_0::integration as v0_1_0;
use crate::call::{CallState, PluginSettings};
use crate::error::{Result, RuntimeError};
use crate::manifest::Manifest;
use crate::plugin::PluginCore;
use crate::types::{Event, HttpExchange, PluginInfo, Route};
use crate::version::ApiVersion;

enum Binding {
    V0_1_0(v0_1_0::IntegrationPre<CallState>),
}

/// A loaded integration.
pub struct IntegrationPlugin {
    core: PluginCore,
    binding: Binding,
}

impl IntegrationPlugin {
    pub(crate) fn new(
        core: PluginCore,
        pre: InstancePre<CallState>,
        api: ApiVersion,
    ) -> Result<Self> {
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidComponent(format!("{e:#}"));
        let binding = match api {
            ApiVersion::V0_1_0 => {
                Binding::V0_1_0(v0_1_0::IntegrationPre::new(pre).map_err(invalid)?)
            }
        };
        Ok(IntegrationPlugin { core, binding })
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
                instance
                    .patchmon_integration_plugin()
                    .call_info(&mut *store)
            })?,
        };
        self.core.check_output(info_from_wit(outcome.value))
    }

    /// Routes the integration serves below its mount point.
    pub fn routes(&self, settings: &PluginSettings) -> Result<Vec<Route>> {
        let routes = match &self.binding {
            Binding::V0_1_0(pre) => self
                .core
                .call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_integration_plugin()
                        .call_routes(&mut *store)
                })?
                .value
                .into_iter()
                .map(|r| Route {
                    method: r.method,
                    path: r.path,
                    description: r.description,
                })
                .collect(),
        };
        self.core.check_output(routes)
    }

    /// Answer one request (method, path, query, headers and body of `request`).
    pub fn handle(
        &self,
        settings: &PluginSettings,
        request: &HttpExchange,
    ) -> Result<HttpExchange> {
        use v0_1_0::exports::patchmon::integration::plugin::HttpRequest;
        let response = match &self.binding {
            Binding::V0_1_0(pre) => {
                let request = HttpRequest {
                    method: request.method.clone(),
                    path: request.path.clone(),
                    query: request.query.clone(),
                    headers: request.headers.clone(),
                    body: request.body.clone(),
                };
                let value = self
                    .core
                    .call(settings, |store| {
                        let instance = pre.instantiate(&mut *store)?;
                        instance
                            .patchmon_integration_plugin()
                            .call_handle(&mut *store, &request)
                    })?
                    .value;
                HttpExchange {
                    status: value.status,
                    headers: value.headers,
                    body: value.body,
                    ..HttpExchange::default()
                }
            }
        };
        self.core.check_output(response)
    }

    /// Let the integration react to an event.
    pub fn on_event(&self, settings: &PluginSettings, event: &Event) -> Result<()> {
        let outcome = match &self.binding {
            Binding::V0_1_0(pre) => {
                let event = event_to_wit(event);
                self.core.call(settings, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance
                        .patchmon_integration_plugin()
                        .call_on_event(&mut *store, &event)
                })?
            }
        };
        match outcome.value {
            Ok(()) => Ok(()),
            Err(message) => {
                let message = self.core.check_output(message)?;
                Err(self.core.guest_failure(message, outcome.denial))
            }
        }
    }
}
