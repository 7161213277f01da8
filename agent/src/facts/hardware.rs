//! CPU, memory, disks, uptime and boot time.

use patchmon_proto::report::DiskDetail;

/// (model name, logical CPU count) from /proc/cpuinfo.
pub fn cpu(cpuinfo: &str) -> (String, i64) {
    let mut model = String::new();
    let mut count = 0;
    for line in cpuinfo.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim() {
            "processor" => count += 1,
            "model name" | "Model" | "cpu model" if model.is_empty() => {
                model = value.trim().to_string()
            }
            _ => {}
        }
    }
    (model, count)
}

/// (RAM, swap) in GB, two decimals, from /proc/meminfo.
pub fn memory_gb(meminfo: &str) -> (f64, f64) {
    let kb = |key: &str| -> f64 {
        meminfo
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let gb = |kb: f64| (kb / 1024.0 / 1024.0 * 100.0).round() / 100.0;
    (gb(kb("MemTotal")), gb(kb("SwapTotal")))
}

/// Mounted block-device filesystems with their sizes (statvfs), one row per device.
pub fn disks(mounts: &str) -> Vec<DiskDetail> {
    let mut out: Vec<DiskDetail> = Vec::new();
    for line in mounts.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [device, mountpoint, ..] = fields[..] else {
            continue;
        };
        if !device.starts_with("/dev/") || out.iter().any(|d| d.name == device) {
            continue;
        }
        let mountpoint = mountpoint.replace("\\040", " ");
        let Some(bytes) = filesystem_size(&mountpoint) else {
            continue;
        };
        out.push(DiskDetail {
            name: device.to_string(),
            size: format!("{:.1}G", bytes as f64 / 1024f64.powi(3)),
            mountpoint,
        });
    }
    out
}

fn filesystem_size(path: &str) -> Option<u64> {
    let c_path = std::ffi::CString::new(path).ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: statvfs writes into the struct it is given; the path is a valid C string.
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    Some(stat.f_blocks as u64 * stat.f_frsize as u64)
}

/// `3 days, 4 hours, 5 minutes`.
pub fn format_uptime(seconds: f64) -> String {
    let total = seconds as u64;
    let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60);
    let part = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(part(days, "day"));
    }
    if hours > 0 {
        parts.push(part(hours, "hour"));
    }
    parts.push(part(minutes, "minute"));
    parts.join(", ")
}

/// RFC 3339 boot time from the `btime` line of /proc/stat.
pub fn boot_time(stat: &str) -> Option<String> {
    let secs: i64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_files() {
        let (model, cores) = cpu("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n");
        assert_eq!((model.as_str(), cores), ("AMD EPYC 7B13", 2));
        assert_eq!(
            memory_gb("MemTotal:       16384000 kB\nSwapTotal:       2097152 kB\n"),
            (15.63, 2.0)
        );
        assert_eq!(
            format_uptime(3.0 * 86_400.0 + 3600.0 + 120.0),
            "3 days, 1 hour, 2 minutes"
        );
        assert_eq!(
            boot_time("cpu 1 2\nbtime 1700000000\n").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        let real = disks(&std::fs::read_to_string("/proc/mounts").unwrap());
        assert!(real
            .iter()
            .all(|d| d.name.starts_with("/dev/") && d.size.ends_with('G')));
    }
}
