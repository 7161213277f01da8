//! OS identity from os-release, kernel and architecture, SELinux mode.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsInfo {
    /// `ID`, e.g. `debian`, `ubuntu`, `rocky`.
    pub id: String,
    /// `ID_LIKE`, e.g. `rhel centos fedora`.
    pub id_like: String,
    pub version_id: String,
    pub pretty_name: String,
}

impl OsInfo {
    /// The family a collector keys on: `ID_LIKE`'s first word, else `ID`.
    pub fn family(&self) -> &str {
        self.id_like.split_whitespace().next().unwrap_or(&self.id)
    }
}

pub fn read_os_release(text: &str) -> OsInfo {
    let mut info = OsInfo::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        match key.trim() {
            "ID" => info.id = value,
            "ID_LIKE" => info.id_like = value,
            "VERSION_ID" => info.version_id = value,
            "PRETTY_NAME" => info.pretty_name = value,
            _ => {}
        }
    }
    info
}

/// Machine architecture as `uname -m` prints it.
pub fn architecture() -> String {
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname fills the struct it is given; the fields are NUL-terminated C strings.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return std::env::consts::ARCH.to_string();
    }
    let machine = unsafe { std::ffi::CStr::from_ptr(uts.machine.as_ptr()) };
    machine.to_string_lossy().into_owned()
}

/// The newest kernel in `/boot` (`vmlinuz-<release>`), by version-aware comparison.
pub fn newest_installed_kernel(boot: &str) -> Option<String> {
    let mut releases: Vec<String> = std::fs::read_dir(boot)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_prefix("vmlinuz-").map(str::to_string))
        .filter(|r| !r.contains("rescue"))
        .collect();
    releases.sort_by(|a, b| compare_versions(a, b));
    releases.pop()
}

/// Compares dotted/dashed versions numerically where both parts are numbers.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (split(a), split(b));
    for (x, y) in a.iter().zip(&b) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

/// `enforcing`, `permissive` or `disabled` from selinuxfs.
pub fn selinux_status() -> String {
    match std::fs::read_to_string("/sys/fs/selinux/enforce") {
        Ok(v) if v.trim() == "1" => "enforcing".into(),
        Ok(_) => "permissive".into(),
        Err(_) => "disabled".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_and_kernel_ordering() {
        let info = read_os_release("NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n");
        assert_eq!(
            (info.id.as_str(), info.family(), info.version_id.as_str()),
            ("rocky", "rhel", "9.3")
        );
        assert_eq!(read_os_release("ID=debian\n").family(), "debian");
        assert!(compare_versions("6.1.0-18-amd64", "6.1.0-9-amd64").is_gt());
        assert!(compare_versions(
            "5.14.0-362.18.1.el9_3.x86_64",
            "5.14.0-362.8.1.el9_3.x86_64"
        )
        .is_gt());
        assert!(!architecture().is_empty());
    }
}
