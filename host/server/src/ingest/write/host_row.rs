//! The host row's columns a report sets.

use chrono::{DateTime, Utc};
use patchmon_proto::report::ReportPayload;
use patchmon_proto::Section;
use sqlx::types::Json;

use crate::ingest::validate::{clean, ReportPlan};

/// Host columns a report sets; `None` keeps the stored value.
pub(super) struct HostColumns {
    pub(super) os_type: Option<String>,
    pub(super) os_version: Option<String>,
    pub(super) hostname: Option<String>,
    pub(super) ip: Option<String>,
    pub(super) architecture: Option<String>,
    pub(super) agent_version: Option<String>,
    pub(super) machine_id: Option<String>,
    pub(super) kernel_version: Option<String>,
    pub(super) installed_kernel_version: Option<String>,
    pub(super) selinux_status: Option<String>,
    pub(super) system_uptime: Option<String>,
    pub(super) boot_time: Option<DateTime<Utc>>,
    pub(super) load_average: Option<Json<Vec<f64>>>,
    pub(super) cpu_model: Option<String>,
    pub(super) cpu_cores: Option<i64>,
    pub(super) ram_installed: Option<f64>,
    pub(super) swap_size: f64,
    pub(super) disk_details: Option<Json<serde_json::Value>>,
    pub(super) gateway_ip: Option<String>,
    pub(super) dns_servers: Option<Json<Vec<String>>>,
    pub(super) network_interfaces: Option<Json<serde_json::Value>>,
    pub(super) needs_reboot: Option<bool>,
    pub(super) reboot_reason: Option<String>,
    pub(super) package_manager: Option<String>,
}

fn text(value: &str) -> Option<String> {
    let value = clean(value.trim());
    (!value.is_empty()).then_some(value)
}

pub fn parse_time(value: Option<&str>) -> Option<DateTime<Utc>> {
    value
        .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl HostColumns {
    pub(super) fn from(payload: &ReportPayload, plan: &ReportPlan) -> HostColumns {
        let interfaces = plan.writes(Section::Interfaces);
        HostColumns {
            os_type: text(&payload.os_type),
            os_version: text(&payload.os_version),
            hostname: plan
                .writes(Section::Hostname)
                .then(|| text(&payload.hostname))
                .flatten(),
            ip: text(&payload.ip),
            architecture: text(&payload.architecture),
            agent_version: text(&payload.agent_version),
            machine_id: text(&payload.machine_id),
            kernel_version: text(&payload.kernel_version),
            installed_kernel_version: text(&payload.installed_kernel_version),
            selinux_status: text(&payload.selinux_status),
            system_uptime: text(&payload.system_uptime),
            boot_time: parse_time(payload.boot_time.as_deref()),
            load_average: payload
                .load_average
                .clone()
                .filter(|l| !l.is_empty())
                .map(Json),
            cpu_model: text(&payload.cpu_model),
            cpu_cores: (payload.cpu_cores > 0).then_some(payload.cpu_cores),
            ram_installed: (payload.ram_installed > 0.0).then_some(payload.ram_installed),
            swap_size: payload.swap_size.max(0.0),
            disk_details: payload
                .disk_details
                .as_ref()
                .filter(|d| !d.is_empty())
                .and_then(|d| serde_json::to_value(d).ok())
                .map(Json),
            gateway_ip: text(&payload.gateway_ip),
            dns_servers: interfaces
                .then(|| payload.dns_servers.clone().unwrap_or_default())
                .map(Json),
            network_interfaces: interfaces
                .then(|| serde_json::to_value(plan.interfaces.as_deref().unwrap_or(&[])).ok())
                .flatten()
                .map(Json),
            needs_reboot: plan.full.then_some(payload.needs_reboot),
            reboot_reason: plan.full.then(|| text(&payload.reboot_reason)).flatten(),
            package_manager: plan
                .writes(Section::Packages)
                .then(|| text(&payload.package_manager))
                .flatten(),
        }
    }
}

/// Sets what the report sent and its totals, provided the host's last full report is still the
/// one the snapshot read ($35).
pub(super) const UPDATE_HOST: &str = "UPDATE hosts SET os_type = COALESCE($2, os_type), os_version = COALESCE($3, os_version), \
    hostname = COALESCE($4, hostname), ip = COALESCE($5, ip), architecture = COALESCE($6, architecture), \
    agent_version = COALESCE($7, agent_version), machine_id = COALESCE($8, machine_id), \
    kernel_version = COALESCE($9, kernel_version), installed_kernel_version = COALESCE($10, installed_kernel_version), \
    selinux_status = COALESCE($11, selinux_status), system_uptime = COALESCE($12, system_uptime), \
    boot_time = COALESCE($13, boot_time), load_average = COALESCE($14, load_average), cpu_model = COALESCE($15, cpu_model), \
    cpu_cores = COALESCE($16, cpu_cores), ram_installed = COALESCE($17, ram_installed), swap_size = $18, \
    disk_details = COALESCE($19, disk_details), gateway_ip = COALESCE($20, gateway_ip), dns_servers = COALESCE($21, dns_servers), \
    network_interfaces = COALESCE($22, network_interfaces), needs_reboot = COALESCE($23, needs_reboot), \
    reboot_reason = CASE WHEN $24 THEN $25 ELSE reboot_reason END, package_manager = COALESCE($26, package_manager), \
    packages_hash = COALESCE($27, packages_hash), repos_hash = COALESCE($28, repos_hash), \
    interfaces_hash = COALESCE($29, interfaces_hash), hostname_hash = COALESCE($30, hostname_hash), \
    last_full_report_at = $31, last_update = $31, updated_at = $31, status = 'active', \
    package_count = COALESCE($32, package_count), outdated_count = COALESCE($33, outdated_count), \
    security_count = COALESCE($34, security_count) \
    WHERE id = $1 AND last_full_report_at IS NOT DISTINCT FROM $35";
