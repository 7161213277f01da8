//! Running package-manager commands the way the WASM runtime's `exec` capability does: the
//! argv must match an allow-list entry exactly (no shell), `LC_ALL=C` and a fixed `PATH`,
//! stdin closed, a timeout and an output cap.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const FIXED_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug)]
pub struct Output {
    pub exit_code: Option<i32>,
    pub stdout: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExecError {
    #[error("not allowed: {0}")]
    Denied(String),
    #[error("{0}")]
    Failed(String),
    #[error("timed out")]
    TimedOut,
    #[error("output larger than the cap")]
    TooLarge,
}

/// The commands collectors may run, each as an exact argv.
pub struct Exec {
    allowed: Vec<Vec<String>>,
    timeout: Duration,
    output_cap: usize,
}

impl Exec {
    pub fn new(allowed: &[&[&str]], timeout: Duration, output_cap: usize) -> Exec {
        Exec {
            allowed: allowed
                .iter()
                .map(|argv| argv.iter().map(|s| s.to_string()).collect())
                .collect(),
            timeout,
            output_cap,
        }
    }

    fn render(argv: &[&str]) -> String {
        argv.join(" ")
    }

    pub fn run(&self, argv: &[&str]) -> Result<Output, ExecError> {
        if !self
            .allowed
            .iter()
            .any(|a| a.iter().map(String::as_str).eq(argv.iter().copied()))
        {
            return Err(ExecError::Denied(Self::render(argv)));
        }
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| ExecError::Denied(String::new()))?;
        let resolved = FIXED_PATH
            .split(':')
            .map(|dir| std::path::Path::new(dir).join(program))
            .find(|p| p.is_file())
            .ok_or_else(|| ExecError::Failed(format!("program `{program}` not found")))?;
        let mut child = Command::new(resolved)
            .args(args)
            .env_clear()
            .env("LC_ALL", "C")
            .env("PATH", FIXED_PATH)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| ExecError::Failed(format!("cannot start `{program}`: {e}")))?;
        let cap = self.output_cap;
        let mut pipe = child
            .stdout
            .take()
            .ok_or_else(|| ExecError::Failed("no stdout".into()))?;
        // Drain in a thread so a chatty child never blocks on a full pipe.
        let reader = std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 8192];
            let mut overflow = false;
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if kept.len() + n > cap {
                    overflow = true;
                } else {
                    kept.extend_from_slice(&buf[..n]);
                }
            }
            (kept, overflow)
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(ExecError::TimedOut);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(ExecError::Failed(e.to_string())),
            }
        };
        let (stdout, overflow) = reader.join().unwrap_or_default();
        if overflow {
            return Err(ExecError::TooLarge);
        }
        Ok(Output {
            exit_code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allow_listed_argv_runs_with_a_clean_environment() {
        let exec = Exec::new(
            &[&["env"], &["sleep", "5"], &["seq", "1", "100000"]],
            Duration::from_millis(300),
            4096,
        );
        let out = exec.run(&["env"]).unwrap();
        assert_eq!(out.exit_code, Some(0));
        let mut vars: Vec<&str> = out.stdout.lines().collect();
        vars.sort();
        assert_eq!(vars, ["LC_ALL=C", format!("PATH={FIXED_PATH}").as_str()]);
        assert_eq!(
            exec.run(&["env", "-i"]).unwrap_err(),
            ExecError::Denied("env -i".into())
        );
        assert_eq!(
            exec.run(&["sh", "-c", "env"]).unwrap_err(),
            ExecError::Denied("sh -c env".into())
        );
        assert_eq!(exec.run(&["sleep", "5"]).unwrap_err(), ExecError::TimedOut);
        assert_eq!(
            exec.run(&["seq", "1", "100000"]).unwrap_err(),
            ExecError::TooLarge
        );
    }
}
