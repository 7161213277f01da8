//! Enrollment scripts: the Proxmox LXC script (run on a Proxmox VE node, it enrolls the node's
//! containers and installs the agent in each) and the direct-host script (run on the host
//! itself), with the server URL and the enrollment credential filled in, so that
//! `curl ... | bash` is the whole setup.
//!
//! The server checks the credential and passes what the script needs in request headers; this
//! plugin needs no capability.

use patchmon_plugin_sdk::integration::{json_response, Guest, HttpRequest, HttpResponse, Route};
use patchmon_plugin_sdk::{Event, PluginInfo};
use serde_json::json;

/// (route, shebang, file name, template).
const SCRIPTS: &[(&str, &str, &str, &str)] = &[
    (
        "/proxmox-lxc",
        "#!/bin/bash",
        "proxmox_auto_enroll.sh",
        include_str!("../scripts/proxmox_lxc.sh"),
    ),
    (
        "/direct-host",
        "#!/bin/sh",
        "direct_host_auto_enroll.sh",
        include_str!("../scripts/direct_host.sh"),
    ),
];

struct Enrollment;

/// What the server tells the script, from the request headers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScriptSettings {
    pub server_url: String,
    pub key: String,
    pub secret: String,
    /// curl skips certificate checks (the server's "ignore self-signed certificates" setting).
    pub insecure: bool,
    /// Reinstall the agent even where it is already installed.
    pub force: bool,
}

impl ScriptSettings {
    fn from_headers(headers: &[(String, String)]) -> ScriptSettings {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        ScriptSettings {
            server_url: header("x-patchmon-server-url"),
            key: header("x-patchmon-token-key"),
            secret: header("x-patchmon-token-secret"),
            insecure: header("x-patchmon-curl-insecure") == "true",
            force: header("x-patchmon-force") == "true",
        }
    }
}

impl Guest for Enrollment {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "integration-enrollment".into(),
            name: "Enrollment scripts".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "The Proxmox LXC and direct-host auto-enrollment scripts.".into(),
        }
    }

    fn routes() -> Vec<Route> {
        SCRIPTS
            .iter()
            .map(|(path, _, file, _)| Route {
                method: "GET".into(),
                path: (*path).into(),
                description: format!("{file}, with the server and credential filled in"),
            })
            .collect()
    }

    fn handle(request: HttpRequest) -> HttpResponse {
        let script = SCRIPTS
            .iter()
            .find(|(path, ..)| request.method == "GET" && *path == request.path);
        let Some((_, shebang, file, template)) = script else {
            return json_response(404, &json!({ "error": "Route not found" }));
        };
        let settings = ScriptSettings::from_headers(&request.headers);
        HttpResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/plain; charset=utf-8".into()),
                (
                    "content-disposition".into(),
                    format!("inline; filename=\"{file}\""),
                ),
            ],
            body: render(shebang, template, &settings).into_bytes(),
        }
    }

    fn on_event(_event: Event) -> Result<(), String> {
        Ok(())
    }
}

/// Single-quoted for sh: injected values never reach the shell as code.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// The served text: a header exporting the configuration, then the template without its own
/// shebang. The credential and URL are fixed; the knobs keep any value the environment gives.
pub fn render(shebang: &str, template: &str, settings: &ScriptSettings) -> String {
    let body = template.replace("\r\n", "\n");
    let body = match body.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => rest.to_string(),
        _ => body,
    };
    let curl_flags = if settings.insecure { "-sk" } else { "-s" };
    let force_line = if settings.force {
        "export FORCE_INSTALL=\"true\"".to_string()
    } else {
        "export FORCE_INSTALL=\"${FORCE_INSTALL:-false}\"".to_string()
    };
    format!(
        "{shebang}\n# PatchMon Auto-Enrollment Configuration (Auto-generated)\n\
         export PATCHMON_URL={}\nexport AUTO_ENROLLMENT_KEY={}\nexport AUTO_ENROLLMENT_SECRET={}\n\
         export CURL_FLAGS=\"${{CURL_FLAGS:-{curl_flags}}}\"\n{force_line}\n\n{body}",
        sh_quote(&settings.server_url),
        sh_quote(&settings.key),
        sh_quote(&settings.secret),
    )
}

patchmon_plugin_sdk::export_integration!(Enrollment);

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(insecure: bool, force: bool) -> ScriptSettings {
        ScriptSettings {
            server_url: "https://pm.example/it's".into(),
            key: "patchmon_ae_k".into(),
            secret: "s3cret".into(),
            insecure,
            force,
        }
    }

    #[test]
    fn header_quotes_values_and_drops_the_template_shebang() {
        let text = render(
            "#!/bin/bash",
            "#!/bin/bash\r\necho hi\r\n",
            &settings(true, false),
        );
        assert_eq!(
            text,
            "#!/bin/bash\n# PatchMon Auto-Enrollment Configuration (Auto-generated)\n\
             export PATCHMON_URL='https://pm.example/it'\\''s'\nexport AUTO_ENROLLMENT_KEY='patchmon_ae_k'\n\
             export AUTO_ENROLLMENT_SECRET='s3cret'\nexport CURL_FLAGS=\"${CURL_FLAGS:--sk}\"\n\
             export FORCE_INSTALL=\"${FORCE_INSTALL:-false}\"\n\necho hi\n"
        );
        let forced = render("#!/bin/sh", "echo hi\n", &settings(false, true));
        assert!(forced
            .contains("export CURL_FLAGS=\"${CURL_FLAGS:--s}\"\nexport FORCE_INSTALL=\"true\"\n"));
    }

    #[test]
    fn routes_serve_each_script_from_the_request_headers() {
        let headers = vec![
            (
                "X-PatchMon-Server-Url".to_string(),
                "https://pm.lan".to_string(),
            ),
            (
                "x-patchmon-token-key".to_string(),
                "patchmon_ae_1".to_string(),
            ),
            ("x-patchmon-token-secret".to_string(), "abc".to_string()),
            ("x-patchmon-curl-insecure".to_string(), "false".to_string()),
        ];
        let request = |path: &str| HttpRequest {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            headers: headers.clone(),
            body: Vec::new(),
        };
        let response = Enrollment::handle(request("/proxmox-lxc"));
        assert_eq!(response.status, 200);
        let text = String::from_utf8(response.body).unwrap();
        assert!(text.starts_with("#!/bin/bash\n"), "{text}");
        assert!(text.contains("export PATCHMON_URL='https://pm.lan'\n"));
        assert!(text.contains("pct "), "the Proxmox template follows");
        assert!(response
            .headers
            .iter()
            .any(|(n, v)| n == "content-disposition" && v.contains("proxmox_auto_enroll.sh")));
        let direct = Enrollment::handle(request("/direct-host"));
        assert!(String::from_utf8(direct.body)
            .unwrap()
            .starts_with("#!/bin/sh\n"));
        assert_eq!(Enrollment::handle(request("/other")).status, 404);
        assert_eq!(Enrollment::routes().len(), 2);
    }

    /// Served scripts, header included, are shellcheck-clean. CI (which sets
    /// `PATCHMON_TEST_REQUIRE_POSTGRES=1`, its "every optional tool must be here" switch, as for
    /// PostgreSQL and Chromium) installs shellcheck and fails without it; elsewhere a missing
    /// shellcheck is reported, not failed (`apt-get install shellcheck`).
    #[test]
    fn served_scripts_pass_shellcheck() {
        let Ok(version) = std::process::Command::new("shellcheck")
            .arg("--version")
            .output()
        else {
            let required = std::env::var("PATCHMON_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1");
            assert!(
                !required,
                "shellcheck is required here: apt-get install shellcheck"
            );
            eprintln!("NOT RUN: shellcheck is not installed (apt-get install shellcheck)");
            return;
        };
        assert!(version.status.success());
        for (path, shebang, _, template) in SCRIPTS {
            let text = render(shebang, template, &settings(false, false));
            let file = std::env::temp_dir().join(format!("pm-shellcheck-{}.sh", &path[1..]));
            std::fs::write(&file, text).unwrap();
            let output = std::process::Command::new("shellcheck")
                .arg(&file)
                .output()
                .unwrap();
            std::fs::remove_file(&file).unwrap();
            assert!(
                output.status.success(),
                "{path}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
}
