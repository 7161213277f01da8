//! Native test harness: run plugin logic in an ordinary `cargo test` with
//! recorded command output, fake HTTP answers, files and configuration in
//! place of a host.
//!
//! ```no_run
//! use patchmon_plugin_sdk::harness::{Harness, Transcript};
//! let transcript = Transcript::from_toml(r#"
//! [[command]]
//! argv = ["dpkg-query", "-W"]
//! stdout = "bash\t5.2.15-2\n"
//! "#).unwrap();
//! let (result, report) = Harness::new().with_transcript(transcript).run(|| {
//!     patchmon_plugin_sdk::host::exec("dpkg-query", &["-W"]).unwrap().stdout
//! });
//! assert_eq!(result, b"bash\t5.2.15-2\n");
//! assert_eq!(report.commands, vec![vec!["dpkg-query".to_string(), "-W".to_string()]]);
//! ```

mod fakes;
#[cfg(feature = "integration")]
mod fleet;

use std::cell::RefCell;
use std::collections::BTreeMap;

pub use fakes::{FakeResponse, RecordedCommand, Transcript};

use crate::host::{CapabilityError, ExecOutput, HttpRequest, HttpResponse, Level, MailMessage};

/// What a plugin did during [`Harness::run`].
#[derive(Debug, Default)]
pub struct HarnessReport {
    /// Log lines written.
    pub logs: Vec<(Level, String)>,
    /// Command lines run (program first).
    pub commands: Vec<Vec<String>>,
    /// HTTP requests sent.
    pub http_requests: Vec<HttpRequest>,
    /// E-mails sent.
    pub mails: Vec<MailMessage>,
    /// Key-value contents after the run.
    pub kv: BTreeMap<String, Vec<u8>>,
    /// Hosts an integration asked to enroll.
    #[cfg(feature = "integration")]
    pub enrollments: Vec<crate::integration::EnrollmentRequest>,
}

/// A fake host for one test.
#[derive(Debug, Default)]
pub struct Harness {
    config: serde_json::Value,
    transcript: Transcript,
    http: Vec<FakeResponse>,
    files: BTreeMap<String, Vec<u8>>,
    #[cfg(feature = "integration")]
    fleet: Option<Vec<crate::integration::HostSummary>>,
    #[cfg(feature = "integration")]
    overview: Option<crate::integration::FleetOverview>,
    report: HarnessReport,
}

thread_local! {
    static ACTIVE: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

/// Run `f` against the harness installed on this thread.
///
/// # Panics
/// When called outside [`Harness::run`]: native plugin code has no host.
pub(crate) fn with_active<R>(f: impl FnOnce(&mut Harness) -> R) -> R {
    ACTIVE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let harness = slot
            .as_mut()
            .expect("no PatchMon host in a native build: run plugin code inside Harness::run");
        f(harness)
    })
}

impl Harness {
    /// An empty host: `{}` configuration, no commands, files or HTTP answers.
    pub fn new() -> Self {
        Harness {
            config: serde_json::json!({}),
            ..Harness::default()
        }
    }

    /// Configuration the plugin sees.
    pub fn with_config(mut self, config: serde_json::Value) -> Self {
        self.config = config;
        self
    }

    /// Recorded command output answering `exec`.
    pub fn with_transcript(mut self, transcript: Transcript) -> Self {
        self.transcript = transcript;
        self
    }

    /// A file answering `read-file` (its directory answers `list-dir`).
    pub fn with_file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.to_string(), contents.into());
        self
    }

    /// An answer to HTTP requests matching `response`'s method and URL.
    pub fn with_http(mut self, response: FakeResponse) -> Self {
        self.http.push(response);
        self
    }

    /// A key-value entry present before the run.
    pub fn with_kv(mut self, key: &str, value: impl Into<Vec<u8>>) -> Self {
        self.report.kv.insert(key.to_string(), value.into());
        self
    }

    /// Install the harness on this thread, run `f`, and return its result
    /// with a report of what the plugin did.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> (R, HarnessReport) {
        ACTIVE.with(|slot| *slot.borrow_mut() = Some(self));
        // Take the harness back even if `f` panics, so the next test on this
        // thread starts clean.
        struct Uninstall;
        impl Drop for Uninstall {
            fn drop(&mut self) {
                ACTIVE.with(|slot| slot.borrow_mut().take());
            }
        }
        let guard = Uninstall;
        let result = f();
        let harness = ACTIVE
            .with(|slot| slot.borrow_mut().take())
            .expect("harness still installed");
        drop(guard);
        (result, harness.report)
    }

    pub(crate) fn log(&mut self, level: Level, message: &str) {
        self.report.logs.push((level, message.to_string()));
    }

    pub(crate) fn config_json(&self) -> String {
        self.config.to_string()
    }

    pub(crate) fn exec(
        &mut self,
        program: &str,
        args: &[String],
    ) -> Result<ExecOutput, CapabilityError> {
        let argv: Vec<String> = std::iter::once(program.to_string())
            .chain(args.iter().cloned())
            .collect();
        self.report.commands.push(argv.clone());
        let recorded = self.transcript.find(&argv).ok_or_else(|| {
            CapabilityError::Denied(format!("`{}` is not in the transcript", argv.join(" ")))
        })?;
        Ok(ExecOutput {
            exit_code: Some(recorded.exit_code),
            stdout: recorded.stdout.clone().into_bytes(),
            stderr: recorded.stderr.clone().into_bytes(),
        })
    }

    pub(crate) fn read_file(&self, path: &str) -> Result<Vec<u8>, CapabilityError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| CapabilityError::Failed(format!("`{path}`: no such file")))
    }

    pub(crate) fn list_dir(&self, path: &str) -> Result<Vec<String>, CapabilityError> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|file| file.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .collect();
        names.dedup();
        Ok(names)
    }

    pub(crate) fn http_send(
        &mut self,
        request: &HttpRequest,
    ) -> Result<HttpResponse, CapabilityError> {
        self.report.http_requests.push(request.clone());
        let fake = self
            .http
            .iter()
            .find(|fake| fake.matches(&request.method, &request.url))
            .ok_or_else(|| {
                CapabilityError::Denied(format!(
                    "no fake answer for {} {}",
                    request.method, request.url
                ))
            })?;
        fake.to_response()
    }

    pub(crate) fn send_mail(&mut self, message: &MailMessage) -> Result<(), CapabilityError> {
        self.report.mails.push(message.clone());
        Ok(())
    }

    pub(crate) fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, CapabilityError> {
        Ok(self.report.kv.get(key).cloned())
    }

    pub(crate) fn kv_set(&mut self, key: &str, value: &[u8]) -> Result<(), CapabilityError> {
        self.report.kv.insert(key.to_string(), value.to_vec());
        Ok(())
    }

    pub(crate) fn kv_delete(&mut self, key: &str) -> Result<(), CapabilityError> {
        self.report.kv.remove(key);
        Ok(())
    }

    pub(crate) fn kv_list_keys(&self, prefix: &str) -> Result<Vec<String>, CapabilityError> {
        Ok(self
            .report
            .kv
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host;

    #[test]
    fn answers_from_transcript_files_http_and_kv() {
        let transcript = Transcript::from_toml(
            r#"
            [[command]]
            argv = ["apk", "info", "-v"]
            stdout = "musl-1.2.5-r0\n"

            [[command]]
            argv = ["apk", "version", "-l", "<"]
            stdout = ""
            exit_code = 1
            "#,
        )
        .unwrap();
        let harness = Harness::new()
            .with_config(serde_json::json!({ "url": "http://x/" }))
            .with_transcript(transcript)
            .with_file(
                "/etc/apk/repositories",
                "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n",
            )
            .with_http(
                FakeResponse::new("POST", "http://x/")
                    .status(202)
                    .body("queued"),
            )
            .with_kv("seen", "1");
        let ((), report) = harness.run(|| {
            let out = host::exec("apk", &["info", "-v"]).unwrap();
            assert_eq!(out.stdout, b"musl-1.2.5-r0\n");
            assert_eq!(
                host::exec("apk", &["version", "-l", "<"])
                    .unwrap()
                    .exit_code,
                Some(1)
            );
            assert!(matches!(
                host::exec("rm", &["-rf", "/"]),
                Err(CapabilityError::Denied(_))
            ));
            assert_eq!(host::list_dir("/etc/apk").unwrap(), vec!["repositories"]);
            assert!(host::read_file("/etc/apk/repositories")
                .unwrap()
                .starts_with(b"https://"));
            let response =
                host::http_send(&HttpRequest::new("POST", "http://x/").body("hi")).unwrap();
            assert_eq!(
                (response.status, response.body.as_slice()),
                (202, &b"queued"[..])
            );
            assert_eq!(host::kv::get("seen").unwrap().as_deref(), Some(&b"1"[..]));
            host::kv::set("last", b"2").unwrap();
            host::log(Level::Info, "done");
            let config: serde_json::Value = host::config().unwrap();
            assert_eq!(config["url"], "http://x/");
        });
        assert_eq!(report.commands.len(), 3);
        assert_eq!(report.http_requests[0].body, b"hi");
        assert_eq!(report.kv.keys().collect::<Vec<_>>(), vec!["last", "seen"]);
        assert_eq!(report.logs[0].1, "done");
    }

    #[test]
    #[should_panic(expected = "Harness::run")]
    fn host_calls_outside_a_harness_explain_themselves() {
        host::config_json();
    }
}
