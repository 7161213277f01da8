//! Self-update: refuse a second update within 5 minutes, require the server's SHA-256 and match
//! it, check the new binary reports the expected version, keep 3 timestamped backups, swap
//! atomically (rename), then restart the service.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::client::{go_arch, ServerClient};
use crate::error::{AgentError, Result};

pub const COOLDOWN: Duration = Duration::from_secs(300);
pub const KEEP_BACKUPS: usize = 3;

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    UpToDate(String),
    Updated { from: String, to: String },
}

/// `a > b` on dotted numeric versions.
pub fn is_newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.trim_start_matches('v')
            .split(['-', '+'])
            .next()
            .unwrap_or("")
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let (a, b) = (parts(a), parts(b));
    (0..a.len().max(b.len()))
        .map(|i| {
            (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            )
        })
        .find(|(x, y)| x != y)
        .is_some_and(|(x, y)| x > y)
}

/// Refuses when the last update is more recent than [`COOLDOWN`].
pub fn check_cooldown(stamp: &Path) -> Result<()> {
    let Ok(modified) = std::fs::metadata(stamp).and_then(|m| m.modified()) else {
        return Ok(());
    };
    let ago = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    if ago < COOLDOWN {
        return Err(AgentError::Update(format!(
            "update was performed {}s ago; wait 5 minutes between updates",
            ago.as_secs()
        )));
    }
    Ok(())
}

/// Checks `bytes` against the server-supplied hash; no hash is a refusal.
pub fn verify_hash(bytes: &[u8], expected: Option<&str>) -> Result<()> {
    let expected = expected
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            AgentError::Update("the server supplied no SHA-256 for the binary".into())
        })?;
    let actual = hex::encode(Sha256::digest(bytes));
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(AgentError::Update(format!(
            "SHA-256 mismatch (expected {expected}, got {actual}): possible tampering"
        )));
    }
    Ok(())
}

/// Copies `binary` to `<binary>.backup.YYYYMMDD_HHMMSS` (0700) and keeps the newest three.
pub fn backup(binary: &Path) -> Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d_%H%M%S");
    let target = PathBuf::from(format!("{}.backup.{stamp}", binary.display()));
    std::fs::copy(binary, &target).map_err(|e| AgentError::io(&target, e))?;
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| AgentError::io(&target, e))?;
    prune_backups(binary)?;
    Ok(target)
}

pub fn prune_backups(binary: &Path) -> Result<()> {
    let dir = binary.parent().unwrap_or(Path::new("/"));
    let prefix = format!(
        "{}.backup.",
        binary.file_name().and_then(|n| n.to_str()).unwrap_or("")
    );
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| AgentError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .collect();
    // The timestamp suffix sorts chronologically.
    backups.sort();
    while backups.len() > KEEP_BACKUPS {
        let oldest = backups.remove(0);
        std::fs::remove_file(&oldest).map_err(|e| AgentError::io(&oldest, e))?;
    }
    Ok(())
}

/// Writes the new binary beside the old one, checks it runs and reports `version`, then renames
/// it over the old one (atomic on one filesystem).
pub fn install(binary: &Path, bytes: &[u8], version: &str) -> Result<()> {
    let tmp = PathBuf::from(format!("{}.new", binary.display()));
    std::fs::write(&tmp, bytes).map_err(|e| AgentError::io(&tmp, e))?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| AgentError::io(&tmp, e))?;
    let output = std::process::Command::new(&tmp).arg("version").output();
    let reported = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !reported.contains(version) {
        let _ = std::fs::remove_file(&tmp);
        return Err(AgentError::Update(format!(
            "the downloaded binary does not report version {version} (got `{}`)",
            reported.trim()
        )));
    }
    std::fs::rename(&tmp, binary).map_err(|e| AgentError::io(binary, e))
}

/// Restarts through the init system; without one, the caller re-executes itself.
pub fn restart_service() -> bool {
    let run = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .spawn()
            .is_ok()
    };
    if Path::new("/run/systemd/system").exists()
        && Path::new("/etc/systemd/system/patchmon-agent.service").exists()
    {
        return run("systemctl", &["restart", "patchmon-agent"]);
    }
    if Path::new("/etc/init.d/patchmon-agent").exists() && Path::new("/sbin/openrc-run").exists() {
        return run("rc-service", &["patchmon-agent", "restart"]);
    }
    false
}

/// The whole flow. `stamp` is `.last_update_timestamp` beside the config.
pub async fn self_update(client: &ServerClient, binary: &Path, stamp: &Path) -> Result<Outcome> {
    check_cooldown(stamp)?;
    let arch = go_arch(&crate::facts::os::architecture()).to_string();
    let info = client.agent_version(&arch).await?;
    let current = env!("CARGO_PKG_VERSION").to_string();
    let latest = info.latest_version.clone().unwrap_or_default();
    if latest.is_empty() || !is_newer(&latest, &current) {
        return Ok(Outcome::UpToDate(current));
    }
    if info.hash.as_deref().is_none_or(str::is_empty) {
        return Err(AgentError::Update(
            "the server supplied no SHA-256 for the binary".into(),
        ));
    }
    let bytes = client.download_agent(&arch).await?;
    verify_hash(&bytes, info.hash.as_deref())?;
    let saved = backup(binary)?;
    tracing::info!(backup = %saved.display(), "backed up the current binary");
    install(binary, &bytes, &latest)?;
    crate::config::write_private(stamp, chrono::Utc::now().to_rfc3339().as_bytes())?;
    tracing::info!(from = %current, to = %latest, "agent updated");
    Ok(Outcome::Updated {
        from: current,
        to: latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_missing_or_wrong_hashes_and_recent_updates() {
        assert!(verify_hash(b"abc", None).is_err());
        assert!(verify_hash(b"abc", Some("")).is_err());
        assert!(verify_hash(b"abc", Some(&"0".repeat(64)))
            .unwrap_err()
            .to_string()
            .contains("possible tampering"));
        verify_hash(
            b"abc",
            Some("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
        )
        .unwrap();
        let dir = std::env::temp_dir().join(format!("pm-agent-update-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stamp = dir.join(".last_update_timestamp");
        check_cooldown(&stamp).unwrap();
        std::fs::write(&stamp, "now").unwrap();
        assert!(check_cooldown(&stamp)
            .unwrap_err()
            .to_string()
            .contains("ago"));
        std::fs::remove_dir_all(dir).unwrap();
        assert!(is_newer("0.2.0", "0.1.9") && !is_newer("0.1.0", "0.1.0"));
    }

    #[test]
    fn keeps_three_backups_and_swaps_only_a_binary_that_reports_the_version() {
        let dir = std::env::temp_dir().join(format!("pm-agent-backup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let binary = dir.join("patchmon-agent");
        std::fs::write(&binary, b"old").unwrap();
        for stamp in [
            "20240101_000000",
            "20240102_000000",
            "20240103_000000",
            "20240104_000000",
        ] {
            std::fs::write(dir.join(format!("patchmon-agent.backup.{stamp}")), b"x").unwrap();
        }
        prune_backups(&binary).unwrap();
        assert!(!dir.join("patchmon-agent.backup.20240101_000000").exists());
        assert!(dir.join("patchmon-agent.backup.20240104_000000").exists());
        let script = b"#!/bin/sh\necho 'PatchMon Agent v9.9.9'\n";
        assert!(install(
            &binary,
            b"#!/bin/sh\necho 'PatchMon Agent v1.0.0'\n",
            "9.9.9"
        )
        .is_err());
        assert_eq!(
            std::fs::read(&binary).unwrap(),
            b"old",
            "a bad binary never replaces the old one"
        );
        install(&binary, script, "9.9.9").unwrap();
        assert_eq!(std::fs::read(&binary).unwrap(), script);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
