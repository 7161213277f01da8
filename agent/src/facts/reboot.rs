//! Whether the host needs a reboot, and why.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebootStatus {
    pub required: bool,
    pub reason: String,
}

/// Debian/Ubuntu's `/var/run/reboot-required` (with the packages that asked for it), else a
/// newer installed kernel than the running one.
pub fn status(running_kernel: &str, installed_kernel: &str) -> RebootStatus {
    if std::path::Path::new("/var/run/reboot-required").exists() {
        let packages = super::read("/var/run/reboot-required.pkgs");
        let list: Vec<&str> = packages
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let reason = if list.is_empty() {
            "Reboot required by system".to_string()
        } else {
            format!("Reboot required by: {}", list.join(", "))
        };
        return RebootStatus {
            required: true,
            reason,
        };
    }
    kernel_status(running_kernel, installed_kernel)
}

pub fn kernel_status(running: &str, installed: &str) -> RebootStatus {
    if !running.is_empty() && !installed.is_empty() && running != installed {
        return RebootStatus {
            required: true,
            reason: format!("Kernel update pending (running {running}, installed {installed})"),
        };
    }
    RebootStatus::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_installed_kernel_needs_a_reboot() {
        assert!(kernel_status("6.1.0-9-amd64", "6.1.0-18-amd64").required);
        assert!(!kernel_status("6.1.0-18-amd64", "6.1.0-18-amd64").required);
    }
}
