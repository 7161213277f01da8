//! The served enrollment scripts: download refusals and contents, and the Proxmox LXC script
//! run for real against this server, with a fake `pct` standing in for a Proxmox node.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::integrations::{self, call, Credential};
use crate::common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SCRIPT: &str = "/api/v1/auto-enrollment/script";

/// Simulates `pct list` and the `pct exec` calls the script makes. Containers live in
/// `$FAKE_PCT_ROOT/ct/<vmid>/` (status, name, hostname, ip, fs/...). The agent installer piped
/// into `sh` is kept, and its bootstrap token exchanged with the server as the real installer
/// would, so the credentials written into the container are the ones the server issued.
const FAKE_PCT: &str = r#"#!/bin/bash
root="$FAKE_PCT_ROOT"
printf 'pct %s\n' "$*" >>"$root/calls.log"
case "$1" in
list)
    printf 'VMID       Status     Lock         Name\n'
    for dir in "$root"/ct/*/; do
        vmid="$(basename "$dir")"
        printf '%-10s %-10s %-12s %s\n' "$vmid" "$(cat "$dir/status")" "" "$(cat "$dir/name")"
    done
    ;;
exec)
    vmid="$2"
    shift 2
    [ "$1" = "--" ] && shift
    ct="$root/ct/$vmid"
    fs="$ct/fs"
    if [ "$(cat "$ct/status")" != running ]; then
        echo "container $vmid is not running" >&2
        exit 1
    fi
    case "$1" in
    hostname) if [ "${2:-}" = "-I" ]; then cat "$ct/ip"; else cat "$ct/hostname"; fi ;;
    cat) cat "$fs$2" ;;
    test) [ "$2" = -f ] && [ -f "$fs$3" ] ;;
    patchmon-agent) [ "$2" = ping ] && [ -f "$fs/etc/patchmon/credentials.yml" ] && [ ! -f "$ct/agent-broken" ] ;;
    sh)
        if [ "$#" -eq 1 ]; then
            cat >"$ct/installer.sh"
            token="$(sed -n 's/^export BOOTSTRAP_TOKEN=//p' "$ct/installer.sh" | tr -d "'\"")"
            url="$(sed -n 's/^export PATCHMON_URL=//p' "$ct/installer.sh" | tr -d "'\"")"
            creds="$(/usr/bin/curl -s -X POST -H 'Content-Type: application/json' -d "{\"token\":\"$token\"}" "$url/api/v1/hosts/bootstrap/exchange")"
            api_id="$(jq -r '.apiId // empty' <<<"$creds")"
            if [ -z "$api_id" ]; then
                echo "bootstrap exchange failed: $creds"
                exit 3
            fi
            rm -f "$ct/agent-broken"
            mkdir -p "$fs/etc/patchmon"
            printf 'patchmon_server: %s\n' "$url" >"$fs/etc/patchmon/config.yml"
            printf 'api_id: %s\napi_key: %s\n' "$api_id" "$(jq -r .apiKey <<<"$creds")" >"$fs/etc/patchmon/credentials.yml"
        elif [ "$2" = -c ] && [ "$3" = 'command -v curl' ]; then
            exit 0
        else
            echo "fake pct: unsupported: sh $*" >&2
            exit 127
        fi
        ;;
    *)
        echo "fake pct: unsupported: $*" >&2
        exit 127
        ;;
    esac
    ;;
*)
    echo "fake pct: unsupported: $*" >&2
    exit 127
    ;;
esac
"#;

/// Records curl's arguments (to prove no secret is passed on a command line), then runs it.
const LOGGING_CURL: &str = "#!/bin/sh\nprintf 'curl %s\\n' \"$*\" >>\"$FAKE_PCT_ROOT/calls.log\"\nexec /usr/bin/curl \"$@\"\n";

fn tools_present() -> bool {
    ["bash", "jq", "/usr/bin/curl"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

struct Node {
    root: PathBuf,
    script: PathBuf,
}

impl Node {
    fn new(script: &str) -> Node {
        let root =
            std::env::temp_dir().join(format!("pm-fake-pct-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("ct")).unwrap();
        write_executable(&root.join("bin/pct"), FAKE_PCT);
        write_executable(&root.join("bin/curl"), LOGGING_CURL);
        let path = root.join("proxmox_auto_enroll.sh");
        write_executable(&path, script);
        Node { root, script: path }
    }

    fn container(&self, vmid: u32, name: &str, status: &str) {
        let ct = self.root.join(format!("ct/{vmid}"));
        std::fs::create_dir_all(ct.join("fs/etc")).unwrap();
        std::fs::write(ct.join("status"), status).unwrap();
        std::fs::write(ct.join("name"), name).unwrap();
        std::fs::write(ct.join("hostname"), format!("{name}\n")).unwrap();
        std::fs::write(ct.join("ip"), format!("10.0.0.{vmid} \n")).unwrap();
        std::fs::write(ct.join("fs/etc/machine-id"), format!("machine-{vmid}\n")).unwrap();
        std::fs::write(
            ct.join("fs/etc/os-release"),
            "NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 22.04 LTS\"\n",
        )
        .unwrap();
    }

    fn file(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap_or_default()
    }

    /// Runs the script with `env`; returns (exit code, stdout + stderr).
    async fn run(&self, env: &[(&str, &str)]) -> (i32, String) {
        let mut command = Command::new("bash");
        command
            .arg(&self.script)
            .env(
                "PATH",
                format!(
                    "{}:/usr/local/bin:/usr/bin:/bin",
                    self.root.join("bin").display()
                ),
            )
            .env("FAKE_PCT_ROOT", &self.root)
            .env("HOST_PREFIX", "proxmox-");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

async fn download(server: &TestServer, query: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url(&format!("{SCRIPT}{query}")))
        .send()
        .await
        .unwrap()
}

fn syntax_ok(shell: &str, script: &str) -> bool {
    let path = std::env::temp_dir().join(format!("pm-enroll-{}.sh", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, script).unwrap();
    let ok = Command::new(shell)
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap()
        .success();
    std::fs::remove_file(path).unwrap();
    ok
}

fn query(token: &Credential, kind: &str) -> String {
    format!(
        "?type={kind}&token_key={}&token_secret={}",
        token.key, token.secret
    )
}

backend_tests! {
    async fn script_download_checks_and_contents(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let token = integrations::enrollment(&admin, json!({})).await;
        let error = |path: String| {
            let server = &server;
            async move {
                let (status, body) = call(server, Method::GET, &path, None, &[], None).await;
                (status, body["error"].as_str().map(str::to_string))
            }
        };
        let keys = format!("token_key={}&token_secret={}", token.key, token.secret);
        let expect = |status: StatusCode, error: &str| (status, Some(error.to_string()));
        assert_eq!(error(format!("{SCRIPT}?type=proxmox-lxc")).await, expect(StatusCode::UNAUTHORIZED, "Token key and secret required as query parameters"));
        assert_eq!(error(format!("{SCRIPT}?{keys}")).await, expect(StatusCode::BAD_REQUEST, "Script type required as query parameter (e.g., ?type=proxmox-lxc or ?type=direct-host)"));
        assert_eq!(error(format!("{SCRIPT}?type=foo&{keys}")).await, expect(StatusCode::BAD_REQUEST, "Invalid script type: foo. Supported types: proxmox-lxc, direct-host"));
        assert_eq!(error(format!("{SCRIPT}?type=proxmox-lxc&token_key={}&token_secret=wrong", token.key)).await, expect(StatusCode::UNAUTHORIZED, "Invalid token secret"));
        assert_eq!(error(format!("{SCRIPT}?type=proxmox-lxc&token_key=patchmon_ae_x&token_secret=x")).await, expect(StatusCode::UNAUTHORIZED, "Invalid or inactive token"));
        let api = integrations::api(&admin, json!({"host": ["get"]})).await;
        assert_eq!(error(format!("{SCRIPT}{}", query(&api, "proxmox-lxc"))).await, expect(StatusCode::UNAUTHORIZED, "Invalid token type"));
        let fenced = integrations::enrollment(&admin, json!({"allowed_ip_ranges": ["10.9.9.0/24"]})).await;
        assert_eq!(error(format!("{SCRIPT}{}", query(&fenced, "proxmox-lxc"))).await, expect(StatusCode::FORBIDDEN, "IP address not authorized for this token"));

        let response = download(&server, &format!("{}&force=true", query(&token, "proxmox-lxc"))).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
        assert_eq!(headers["content-disposition"], "inline; filename=\"proxmox_auto_enroll.sh\"");
        assert_eq!(headers["cache-control"], "no-store, no-cache, must-revalidate");
        let script = response.text().await.unwrap();
        let expected_head = format!(
            "#!/bin/bash\n# PatchMon Auto-Enrollment Configuration (Auto-generated)\nexport PATCHMON_URL='http://localhost:3000'\n\
             export AUTO_ENROLLMENT_KEY='{}'\nexport AUTO_ENROLLMENT_SECRET='{}'\nexport CURL_FLAGS=\"${{CURL_FLAGS:--s}}\"\nexport FORCE_INSTALL=\"true\"\n\n",
            token.key, token.secret
        );
        assert!(script.starts_with(&expected_head), "{}", &script[..400.min(script.len())]);
        assert_eq!(script.matches("#!/bin/bash").count(), 1, "the template's own shebang is dropped");
        assert!(script.contains("DRY_RUN") && script.contains("SKIP_STOPPED") && script.contains("HOST_PREFIX") && script.contains("DEBUG"));
        assert!(syntax_ok("bash", &script));
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM auto_enrollment_tokens WHERE id = '{}' AND last_used_at IS NULL", token.id)).await, 1, "downloads are not uses");

        // Credentials may come in the enrollment headers instead of the query string.
        let response = reqwest::Client::new()
            .get(server.url(&format!("{SCRIPT}?type=direct-host")))
            .header("X-Auto-Enrollment-Key", &token.key)
            .header("X-Auto-Enrollment-Secret", &token.secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-disposition"], "inline; filename=\"direct_host_auto_enroll.sh\"");
        let script = response.text().await.unwrap();
        assert!(script.starts_with("#!/bin/sh\n") && script.contains("export FORCE_INSTALL=\"${FORCE_INSTALL:-false}\""));
        assert!(syntax_ok("sh", &script));

        admin.put("/api/v1/settings", json!({"ignore_ssl_self_signed": true})).await;
        let script = download(&server, &query(&token, "proxmox-lxc")).await.text().await.unwrap();
        assert!(script.contains("export CURL_FLAGS=\"${CURL_FLAGS:--sk}\"\n"), "self-signed servers get -k");
    }

    async fn proxmox_script_enrolls_containers_through_a_fake_pct(backend: Backend) {
        if !tools_present() {
            eprintln!("SKIPPED: the Proxmox script test needs bash, jq and /usr/bin/curl");
            return;
        }
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = admin.put("/api/v1/settings", json!({"server_url": server.base})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, group) = admin.post("/api/v1/host-groups", json!({"name": "Proxmox LXC"})).await;
        let group = group["id"].as_str().unwrap().to_string();
        let token = integrations::enrollment(&admin, json!({"default_host_group_id": group, "max_hosts_per_day": 10})).await;
        let script = download(&server, &query(&token, "proxmox-lxc")).await.text().await.unwrap();
        let node = Node::new(&script);
        node.container(100, "webserver", "running");
        node.container(101, "database", "running");
        node.container(102, "old", "stopped");
        let hosts = || server.count("SELECT COUNT(*) FROM hosts");

        let (code, out) = node.run(&[("DRY_RUN", "true")]).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("Found 3 LXC container(s)"), "{out}");
        assert!(out.contains("Processing LXC 100: webserver (status: running)"), "{out}");
        assert!(out.contains("[DRY RUN] Would enroll: proxmox-webserver"), "{out}");
        assert!(out.contains("Skipping LXC 102 (old): container is stopped"), "{out}");
        assert!(out.contains("Successfully Enrolled:  2 (dry run)"), "{out}");
        assert_eq!(hosts().await, 0, "a dry run changes nothing");

        let (code, out) = node.run(&[]).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("proxmox-webserver enrolled and agent installed"), "{out}");
        assert!(out.contains("Successfully Enrolled:  2\n") && out.contains("Skipped:                1\n") && out.contains("Failed:                 0"), "{out}");
        assert_eq!(hosts().await, 2);
        for (vmid, name) in [(100, "proxmox-webserver"), (101, "proxmox-database")] {
            let credentials = node.file(&format!("ct/{vmid}/fs/etc/patchmon/credentials.yml"));
            let api_id = credentials.lines().next().unwrap().trim_start_matches("api_id: ");
            let sql = format!("SELECT COUNT(*) FROM hosts WHERE api_id = '{api_id}' AND friendly_name = '{name}' AND machine_id = 'machine-{vmid}' \
                               AND status = 'pending' AND enrollment_token_id = '{}'", token.id);
            assert_eq!(server.count(&sql).await, 1, "{name}: the container holds the credentials the server issued");
        }
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM host_group_memberships WHERE host_group_id = '{group}'")).await, 2);
        assert!(server.count("SELECT COUNT(*) FROM hosts WHERE enrollment_metadata IS NOT NULL").await == 2);

        // Reruns skip containers whose agent answers.
        let (code, out) = node.run(&[]).await;
        assert_eq!(code, 0, "{out}");
        assert_eq!(out.matches("Host already enrolled and agent ping successful - skipping enrollment").count(), 2, "{out}");
        assert!(out.contains("Successfully Enrolled:  0\n"), "{out}");
        assert_eq!(hosts().await, 2);

        // A broken agent on a never-reported host: the same host, new credentials, reinstalled.
        let before = node.file("ct/100/fs/etc/patchmon/credentials.yml");
        std::fs::write(node.root.join("ct/100/agent-broken"), "").unwrap();
        let (code, out) = node.run(&[("FORCE_INSTALL", "true"), ("DEBUG", "true")]).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("new credentials issued"), "{out}");
        assert_eq!(hosts().await, 2, "no duplicate");
        let after = node.file("ct/100/fs/etc/patchmon/credentials.yml");
        assert_ne!(before, after);
        assert!(node.file("ct/100/installer.sh").contains("export FORCE_INSTALL=true"), "FORCE_INSTALL reaches the agent installer");
        assert!(out.contains("[DEBUG]") && out.contains("\"api_key\":\"***\""), "{out}");

        // Stopped containers on request: enrolled, agent left for later, stable machine id.
        let (code, out) = node.run(&[("SKIP_STOPPED", "false")]).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("LXC 102 is stopped: agent not installed"), "{out}");
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts WHERE friendly_name = 'proxmox-old' AND machine_id LIKE 'proxmox-lxc-%-102'").await, 1);
        let (code, _) = node.run(&[("SKIP_STOPPED", "false")]).await;
        assert_eq!(code, 0);
        assert_eq!(hosts().await, 3, "the stopped container is recognised on the next run");

        // Secrets never travel as arguments (visible in the process list), and the quota stops
        // the script with an error.
        let calls = node.file("calls.log");
        assert!(calls.contains("pct exec 100 -- sh") && calls.contains("curl "), "{calls}");
        assert!(!calls.contains(&token.secret), "{calls}");
        let credentials = node.file("ct/101/fs/etc/patchmon/credentials.yml");
        let host_key = credentials.lines().find_map(|l| l.strip_prefix("api_key: ")).unwrap();
        assert!(host_key.len() == 64 && !calls.contains(host_key), "{calls}");
        admin.patch(&format!("/api/v1/auto-enrollment/tokens/{}", token.id), json!({"max_hosts_per_day": 3})).await;
        node.container(103, "new", "running");
        node.container(104, "newer", "running");
        let (code, out) = node.run(&[]).await;
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("[ERROR] Rate limit exceeded - maximum hosts per day reached"), "{out}");
        assert_eq!(hosts().await, 3);
    }
}
