//! Simple service implementations for tests and demos of the fleet, enroll
//! and mail plumbing. The server provides real ones.

use std::sync::Mutex;

use super::{
    Enroller, Enrollment, EnrollmentRequest, FleetOverview, FleetReader, HostSummary, MailMessage,
    Mailer, ServiceError,
};

/// A fixed list of hosts, visible to every plugin.
#[derive(Debug, Default)]
pub struct StaticFleet {
    /// The hosts.
    pub hosts: Vec<HostSummary>,
    /// What `overview` answers.
    pub overview: FleetOverview,
}

impl FleetReader for StaticFleet {
    fn list_hosts(&self, _plugin_id: &str) -> Result<Vec<HostSummary>, ServiceError> {
        Ok(self.hosts.clone())
    }

    fn get_host(
        &self,
        _plugin_id: &str,
        host_id: &str,
    ) -> Result<Option<HostSummary>, ServiceError> {
        Ok(self.hosts.iter().find(|h| h.id == host_id).cloned())
    }

    fn overview(&self, _plugin_id: &str) -> Result<FleetOverview, ServiceError> {
        Ok(self.overview.clone())
    }
}

/// Records enrollment requests and answers with predictable credentials.
#[derive(Debug, Default)]
pub struct RecordingEnroller {
    requests: Mutex<Vec<(String, EnrollmentRequest)>>,
}

impl RecordingEnroller {
    /// `(plugin id, request)` pairs received so far.
    pub fn requests(&self) -> Vec<(String, EnrollmentRequest)> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Enroller for RecordingEnroller {
    fn enroll(
        &self,
        plugin_id: &str,
        request: EnrollmentRequest,
    ) -> Result<Enrollment, ServiceError> {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let n = requests.len() + 1;
        requests.push((plugin_id.to_string(), request));
        Ok(Enrollment {
            host_id: format!("host-{n}"),
            api_id: format!("patchmon_{n}"),
            api_key: format!("key-{n}"),
        })
    }
}

/// Records messages instead of sending them.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<(String, MailMessage)>>,
}

impl RecordingMailer {
    /// `(plugin id, message)` pairs sent so far.
    pub fn sent(&self) -> Vec<(String, MailMessage)> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Mailer for RecordingMailer {
    fn send(&self, plugin_id: &str, message: &MailMessage) -> Result<(), ServiceError> {
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((plugin_id.to_string(), message.clone()));
        Ok(())
    }
}
