//! Harness answers for the integration-only `fleet` and `enroll` imports.

use super::Harness;
use crate::integration::{Enrollment, EnrollmentRequest, FleetOverview, FleetStats, HostSummary};
use crate::CapabilityError;

impl Harness {
    /// Hosts answering `fleet` calls; without this, `fleet` calls are denied.
    pub fn with_fleet(mut self, hosts: Vec<HostSummary>) -> Self {
        self.fleet = Some(hosts);
        self
    }

    /// What `overview` answers; without this, `overview` is denied.
    pub fn with_overview(mut self, overview: FleetOverview) -> Self {
        self.overview = Some(overview);
        self
    }

    pub(crate) fn fleet_overview(&self) -> Result<FleetOverview, CapabilityError> {
        self.overview.clone().ok_or_else(|| {
            CapabilityError::Denied("no overview in this harness (use with_overview)".into())
        })
    }

    fn hosts(&self) -> Result<&[HostSummary], CapabilityError> {
        self.fleet.as_deref().ok_or_else(|| {
            CapabilityError::Denied("no fleet in this harness (use with_fleet)".into())
        })
    }

    pub(crate) fn list_hosts(&self) -> Result<Vec<HostSummary>, CapabilityError> {
        Ok(self.hosts()?.to_vec())
    }

    pub(crate) fn get_host(&self, id: &str) -> Result<Option<HostSummary>, CapabilityError> {
        Ok(self.hosts()?.iter().find(|h| h.id == id).cloned())
    }

    pub(crate) fn fleet_stats(&self) -> Result<FleetStats, CapabilityError> {
        let hosts = self.hosts()?;
        Ok(FleetStats {
            total_hosts: hosts.len() as u32,
            hosts_needing_updates: hosts.iter().filter(|h| h.outdated_packages > 0).count() as u32,
            hosts_with_security_updates: hosts.iter().filter(|h| h.security_updates > 0).count()
                as u32,
            total_outdated_packages: hosts.iter().map(|h| h.outdated_packages).sum(),
            total_security_updates: hosts.iter().map(|h| h.security_updates).sum(),
        })
    }

    /// Records the request and answers with `host-<n>` / `api-<n>` / `key-<n>`.
    pub(crate) fn enroll_host(
        &mut self,
        request: &EnrollmentRequest,
    ) -> Result<Enrollment, CapabilityError> {
        self.report.enrollments.push(request.clone());
        let n = self.report.enrollments.len();
        Ok(Enrollment {
            host_id: format!("host-{n}"),
            api_id: format!("api-{n}"),
            api_key: format!("key-{n}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integration;

    fn host(id: &str, outdated: u32, security: u32) -> HostSummary {
        HostSummary {
            id: id.into(),
            hostname: id.into(),
            friendly_name: None,
            os: "Alpine 3.20".into(),
            status: "active".into(),
            outdated_packages: outdated,
            security_updates: security,
            groups: Vec::new(),
            last_seen: None,
            ip: None,
        }
    }

    #[test]
    fn answers_fleet_and_records_enrollments() {
        let harness = Harness::new().with_fleet(vec![host("a", 2, 1), host("b", 0, 0)]);
        let (stats, report) = harness.run(|| {
            assert_eq!(integration::get_host("b").unwrap().unwrap().id, "b");
            assert_eq!(integration::list_hosts().unwrap().len(), 2);
            let request = EnrollmentRequest {
                hostname: "new".into(),
                friendly_name: None,
                groups: vec!["lab".into()],
                machine_id: Some("m-1".into()),
            };
            assert_eq!(integration::enroll_host(&request).unwrap().api_id, "api-1");
            integration::stats().unwrap()
        });
        assert_eq!(
            (
                stats.total_hosts,
                stats.hosts_needing_updates,
                stats.total_security_updates
            ),
            (2, 1, 1)
        );
        assert_eq!(report.enrollments[0].groups, vec!["lab"]);
    }

    #[test]
    fn fleet_without_hosts_is_denied() {
        let (result, _) = Harness::new().run(integration::stats);
        assert!(matches!(result, Err(CapabilityError::Denied(_))));
    }
}
