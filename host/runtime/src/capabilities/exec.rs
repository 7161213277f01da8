//! `exec`: run an allow-listed program without a shell.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::CapError;
use crate::call::CallContext;
use crate::error::Capability;

/// The only `PATH` a plugin's programs see, and where bare names are looked up.
pub(crate) const FIXED_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Output of a finished program.
pub(crate) struct ExecOutput {
    pub(crate) exit_code: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
}

pub(crate) fn run(
    ctx: &mut CallContext,
    program: &str,
    args: &[String],
) -> Result<ExecOutput, CapError> {
    if !ctx.settings.grants.allows_exec(program, args) {
        let detail = format!("no exec grant matches `{}`", render_argv(program, args));
        return Err(CapError::Denied(ctx.deny(Capability::Exec, detail)));
    }
    let resolved = resolve_program(program)
        .ok_or_else(|| CapError::Failed(format!("program `{program}` not found")))?;
    let timeout = ctx.capability_budget();
    tracing::debug!(plugin = %ctx.plugin_id, argv = %render_argv(program, args), "exec");
    let mut child = Command::new(resolved)
        .args(args)
        .env_clear()
        .env("LC_ALL", "C")
        .env("PATH", FIXED_PATH)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CapError::Failed(format!("cannot start `{program}`: {e}")))?;
    let cap = ctx.limits.exec_output_bytes;
    let stdout = capture(child.stdout.take(), cap);
    let stderr = capture(child.stderr.take(), cap);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                // Reader threads end once the killed child's pipes close.
                let _ = child.kill();
                let _ = child.wait();
                return Err(CapError::TimedOut);
            }
            Ok(None) => thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(CapError::Failed(format!("waiting for `{program}`: {e}"))),
        }
    };
    let (stdout, stdout_overflow) = stdout.join().unwrap_or_default();
    let (stderr, stderr_overflow) = stderr.join().unwrap_or_default();
    if stdout_overflow || stderr_overflow {
        return Err(CapError::TooLarge);
    }
    Ok(ExecOutput {
        exit_code: status.code(),
        stdout,
        stderr,
    })
}

/// Read a pipe to its end in a thread, keeping at most `cap` bytes and
/// noting whether more arrived. Draining everything keeps the child from
/// blocking on a full pipe.
fn capture<R: Read + Send + 'static>(
    pipe: Option<R>,
    cap: usize,
) -> thread::JoinHandle<(Vec<u8>, bool)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut overflow = false;
        let Some(mut pipe) = pipe else {
            return (kept, overflow);
        };
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&chunk[..n.min(room)]);
                    overflow |= n > room;
                }
            }
        }
        (kept, overflow)
    })
}

fn resolve_program(program: &str) -> Option<PathBuf> {
    if program.starts_with('/') {
        return Some(PathBuf::from(program));
    }
    FIXED_PATH
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|candidate| candidate.is_file())
}

fn render_argv(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}
