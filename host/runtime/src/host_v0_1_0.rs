//! Host implementations of the 0.1.0 imports: convert generated types to the
//! version-neutral capability layer and back.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::v0_1_0::common::patchmon::common as wit;
use crate::bindings::v0_1_0::integration::patchmon::integration as wit_integration;
use crate::call::CallState;
#[cfg(feature = "http")]
use crate::capabilities::http;
use crate::capabilities::{exec, fs_read, services, CapError};
use crate::services::{EnrollmentRequest, MailMessage};
use wit::types::CapabilityError;

impl From<CapError> for CapabilityError {
    fn from(err: CapError) -> Self {
        match err {
            CapError::Denied(detail) => CapabilityError::Denied(detail),
            CapError::Failed(detail) => CapabilityError::Failed(detail),
            CapError::TimedOut => CapabilityError::TimedOut,
            CapError::TooLarge => CapabilityError::TooLarge,
        }
    }
}

/// Add every 0.1.0 import to `linker`. All capabilities are linked for every
/// plugin; grants are checked inside each call, so one linker serves all.
pub(crate) fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    type Data = HasSelf<CallState>;
    wit::types::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::log::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::config::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::kv::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::exec::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::fs_read::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::http::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit::mail::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit_integration::fleet::add_to_linker::<CallState, Data>(linker, |s| s)?;
    wit_integration::enroll::add_to_linker::<CallState, Data>(linker, |s| s)?;
    Ok(())
}

impl wit::types::Host for CallState {}

impl wit::log::Host for CallState {
    fn write(&mut self, level: wit::log::Level, message: String) {
        let cap = self.ctx.limits.log_line_bytes;
        let mut message = message;
        if message.len() > cap {
            let mut end = cap;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        let plugin = &*self.ctx.plugin_id;
        use wit::log::Level;
        match level {
            Level::Trace => tracing::trace!(plugin, "{message}"),
            Level::Debug => tracing::debug!(plugin, "{message}"),
            Level::Info => tracing::info!(plugin, "{message}"),
            Level::Warn => tracing::warn!(plugin, "{message}"),
            Level::Error => tracing::error!(plugin, "{message}"),
        }
    }
}

impl wit::config::Host for CallState {
    fn get_json(&mut self) -> String {
        match &self.ctx.settings.config {
            serde_json::Value::Null => "{}".to_string(),
            value => value.to_string(),
        }
    }

    fn get(&mut self, key: String) -> Option<String> {
        self.ctx.settings.config.get(&key).map(|value| match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    }
}

impl wit::kv::Host for CallState {
    fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, CapabilityError> {
        Ok(services::kv_get(&mut self.ctx, &key)?)
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), CapabilityError> {
        Ok(services::kv_set(&mut self.ctx, &key, &value)?)
    }

    fn delete(&mut self, key: String) -> Result<(), CapabilityError> {
        Ok(services::kv_delete(&mut self.ctx, &key)?)
    }

    fn list_keys(&mut self, prefix: String) -> Result<Vec<String>, CapabilityError> {
        Ok(services::kv_list_keys(&mut self.ctx, &prefix)?)
    }
}

impl wit::exec::Host for CallState {
    fn run(
        &mut self,
        program: String,
        args: Vec<String>,
    ) -> Result<wit::exec::Output, CapabilityError> {
        let output = exec::run(&mut self.ctx, &program, &args)?;
        Ok(wit::exec::Output {
            exit_code: output.exit_code,
            stdout: output.stdout,
            stderr: output.stderr,
        })
    }
}

impl wit::fs_read::Host for CallState {
    fn read_file(&mut self, path: String) -> Result<Vec<u8>, CapabilityError> {
        Ok(fs_read::read_file(&mut self.ctx, &path)?)
    }

    fn list_dir(&mut self, path: String) -> Result<Vec<String>, CapabilityError> {
        Ok(fs_read::list_dir(&mut self.ctx, &path)?)
    }
}

impl wit::http::Host for CallState {
    #[cfg(feature = "http")]
    fn send(&mut self, req: wit::http::Request) -> Result<wit::http::Response, CapabilityError> {
        let response = http::send(
            &mut self.ctx,
            http::HttpRequest {
                method: req.method,
                url: req.url,
                headers: req.headers,
                body: req.body,
                timeout_ms: req.timeout_ms,
            },
        )?;
        Ok(wit::http::Response {
            status: response.status,
            headers: response.headers,
            body: response.body,
        })
    }

    /// Built without the `http` feature (the agent, which runs collectors only): the import
    /// stays linked so every world still instantiates, and every request fails.
    #[cfg(not(feature = "http"))]
    fn send(&mut self, _req: wit::http::Request) -> Result<wit::http::Response, CapabilityError> {
        Err(CapabilityError::Failed(
            "outbound HTTP is not available in this host".into(),
        ))
    }
}

impl wit::mail::Host for CallState {
    fn send(&mut self, msg: wit::mail::Message) -> Result<(), CapabilityError> {
        let message = MailMessage {
            to: msg.to,
            subject: msg.subject,
            body: msg.body,
        };
        Ok(services::mail_send(&mut self.ctx, message)?)
    }
}

impl wit_integration::fleet::Host for CallState {
    fn list_hosts(&mut self) -> Result<Vec<wit_integration::fleet::HostSummary>, CapabilityError> {
        let hosts = services::fleet_list(&mut self.ctx)?;
        Ok(hosts.into_iter().map(host_summary).collect())
    }

    fn get_host(
        &mut self,
        id: String,
    ) -> Result<Option<wit_integration::fleet::HostSummary>, CapabilityError> {
        Ok(services::fleet_get(&mut self.ctx, &id)?.map(host_summary))
    }

    fn stats(&mut self) -> Result<wit_integration::fleet::FleetStats, CapabilityError> {
        let stats = services::fleet_stats(&mut self.ctx)?;
        Ok(wit_integration::fleet::FleetStats {
            total_hosts: stats.total_hosts,
            hosts_needing_updates: stats.hosts_needing_updates,
            hosts_with_security_updates: stats.hosts_with_security_updates,
            total_outdated_packages: stats.total_outdated_packages,
            total_security_updates: stats.total_security_updates,
        })
    }

    fn overview(&mut self) -> Result<wit_integration::fleet::FleetOverview, CapabilityError> {
        use wit_integration::fleet::{FleetOverview, OsShare};
        let o = services::fleet_overview(&mut self.ctx)?;
        Ok(FleetOverview {
            active_hosts: o.active_hosts,
            awaiting_data_hosts: o.awaiting_data_hosts,
            hosts_needing_updates: o.hosts_needing_updates,
            hosts_with_security_updates: o.hosts_with_security_updates,
            outdated_packages: o.outdated_packages,
            security_packages: o.security_packages,
            active_repositories: o.active_repositories,
            reports_last_24h: o.reports_last_24h,
            os_distribution: o
                .os_distribution
                .into_iter()
                .map(|share| OsShare {
                    os_type: share.os_type,
                    hosts: share.hosts,
                })
                .collect(),
        })
    }
}

fn host_summary(host: crate::services::HostSummary) -> wit_integration::fleet::HostSummary {
    wit_integration::fleet::HostSummary {
        id: host.id,
        hostname: host.hostname,
        friendly_name: host.friendly_name,
        os: host.os,
        status: host.status,
        outdated_packages: host.outdated_packages,
        security_updates: host.security_updates,
        groups: host.groups,
        last_seen: host.last_seen,
        ip: host.ip,
    }
}

impl wit_integration::enroll::Host for CallState {
    fn enroll_host(
        &mut self,
        req: wit_integration::enroll::EnrollmentRequest,
    ) -> Result<wit_integration::enroll::Enrollment, CapabilityError> {
        let enrollment = services::enroll(
            &mut self.ctx,
            EnrollmentRequest {
                hostname: req.hostname,
                friendly_name: req.friendly_name,
                groups: req.groups,
                machine_id: req.machine_id,
            },
        )?;
        Ok(wit_integration::enroll::Enrollment {
            host_id: enrollment.host_id,
            api_id: enrollment.api_id,
            api_key: enrollment.api_key,
        })
    }
}
