//! System facts, read from /proc, /sys and /etc directly (no shelling out).

pub mod hardware;
pub mod network;
pub mod os;
pub mod reboot;

use patchmon_proto::report::{DiskDetail, NetworkInterface};

#[derive(Clone, Debug, Default)]
pub struct SystemFacts {
    pub os: os::OsInfo,
    pub hostname: String,
    pub machine_id: String,
    pub kernel_version: String,
    pub installed_kernel_version: String,
    pub architecture: String,
    pub cpu_model: String,
    pub cpu_cores: i64,
    pub ram_gb: f64,
    pub swap_gb: f64,
    pub disks: Vec<DiskDetail>,
    pub interfaces: Vec<NetworkInterface>,
    pub primary_ip: String,
    pub gateway_ip: String,
    pub dns_servers: Vec<String>,
    pub uptime: String,
    pub boot_time: Option<String>,
    pub load_average: Vec<f64>,
    pub selinux_status: String,
    pub reboot: reboot::RebootStatus,
}

/// Reads a file to a trimmed string; empty when unreadable (facts are best effort).
pub fn read(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

pub fn collect() -> SystemFacts {
    let os = os::read_os_release(&read("/etc/os-release"));
    let kernel = read("/proc/sys/kernel/osrelease");
    let installed_kernel = os::newest_installed_kernel("/boot").unwrap_or_else(|| kernel.clone());
    let (ram_gb, swap_gb) = hardware::memory_gb(&read("/proc/meminfo"));
    let (cpu_model, cpu_cores) = hardware::cpu(&read("/proc/cpuinfo"));
    let interfaces = network::interfaces();
    let (gateway_ip, gateway_iface) = network::default_gateway(&read("/proc/net/route"));
    let primary_ip = network::primary_ipv4(&interfaces, gateway_iface.as_deref());
    let uptime_secs = read("/proc/uptime")
        .split_whitespace()
        .next()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0);
    SystemFacts {
        hostname: read("/proc/sys/kernel/hostname"),
        machine_id: [read("/etc/machine-id"), read("/var/lib/dbus/machine-id")]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_default(),
        reboot: reboot::status(&kernel, &installed_kernel),
        kernel_version: kernel,
        installed_kernel_version: installed_kernel,
        architecture: os::architecture(),
        cpu_model,
        cpu_cores,
        ram_gb,
        swap_gb,
        disks: hardware::disks(&read("/proc/mounts")),
        interfaces,
        primary_ip,
        gateway_ip: gateway_ip.unwrap_or_default(),
        dns_servers: network::dns_servers(&read("/etc/resolv.conf")),
        uptime: hardware::format_uptime(uptime_secs),
        boot_time: hardware::boot_time(&read("/proc/stat")),
        load_average: read("/proc/loadavg")
            .split_whitespace()
            .take(3)
            .filter_map(|s| s.parse().ok())
            .collect(),
        selinux_status: os::selinux_status(),
        os,
    }
}
