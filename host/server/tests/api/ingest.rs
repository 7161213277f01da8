//! Agent ingest: authentication, the hash-gated ping, reports (full, partial, refused) and the
//! diff-based write, on both backends.

use crate::common::{Backend, Client, TestServer};
use patchmon_proto::hash;
use patchmon_proto::report::{Package, Repository};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[derive(Clone)]
pub struct Agent {
    pub host_id: String,
    pub api_id: String,
    pub api_key: String,
    pub base: String,
    pub http: reqwest::Client,
}

impl Agent {
    pub async fn create(server: &TestServer, admin: &Client, name: &str) -> Agent {
        let (status, body) = admin
            .post("/api/v1/hosts/create", json!({"friendly_name": name}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        Agent {
            host_id: body["hostId"].as_str().unwrap().into(),
            api_id: body["apiId"].as_str().unwrap().into(),
            api_key: body["apiKey"].as_str().unwrap().into(),
            base: server.base.clone(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("X-API-ID", &self.api_id)
            .header("X-API-KEY", &self.api_key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.post_raw(path, serde_json::to_vec(&body).unwrap())
            .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("X-API-ID", &self.api_id)
            .header("X-API-KEY", &self.api_key)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

pub fn pkg(name: &str, version: &str, available: Option<&str>, security: bool) -> Package {
    Package {
        name: name.into(),
        current_version: version.into(),
        available_version: available.map(str::to_string),
        needs_update: available.is_some(),
        is_security_update: security,
        ..Package::default()
    }
}

pub fn repo(url: &str, dist: &str) -> Repository {
    Repository {
        name: format!("{url} {dist}"),
        url: url.into(),
        distribution: dist.into(),
        components: "main".into(),
        repo_type: "deb".into(),
        is_enabled: true,
        is_secure: url.starts_with("https"),
    }
}

/// A full report with hashes for every section, as the agent sends it.
pub fn full_report(hostname: &str, packages: &[Package], repos: &[Repository]) -> Value {
    json!({
        "packages": packages,
        "repositories": repos,
        "osType": "debian", "osVersion": "12", "hostname": hostname, "ip": "10.0.0.5",
        "architecture": "x86_64", "agentVersion": "0.1.0", "machineId": "abc123",
        "kernelVersion": "6.1.0-18-amd64", "cpuModel": "Test CPU", "cpuCores": 4,
        "ramInstalled": 7.5, "swapSize": 0.0, "networkInterfaces": [], "dnsServers": ["10.0.0.1"],
        "needsReboot": true, "rebootReason": "kernel update", "packageManager": "apt",
        "executionTime": 1.25,
        "hashes": {
            "packagesHash": hash::packages_hash(packages),
            "reposHash": hash::repos_hash(repos),
            "interfacesHash": hash::interfaces_hash(&[]),
            "hostnameHash": hash::hostname_hash(hostname),
        },
    })
}

pub fn ping_body(hostname: &str, packages: &[Package], repos: &[Repository]) -> Value {
    json!({
        "hashes": {
            "packagesHash": hash::packages_hash(packages),
            "reposHash": hash::repos_hash(repos),
            "interfacesHash": hash::interfaces_hash(&[]),
            "hostnameHash": hash::hostname_hash(hostname),
        },
        "metrics": {"cpuCores": 8, "needsReboot": false},
        "agentVersion": "0.1.1",
    })
}

backend_tests! {
    async fn agent_credentials_are_required_and_checked(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let agent = Agent::create(&server, &admin, "web-01").await;
        let (status, body) = server.browser().post("/api/v1/hosts/ping", json!({})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("API credentials required")));
        let wrong = Agent { api_key: "0".repeat(64), ..agent };
        let (status, body) = wrong.post("/api/v1/hosts/ping", json!({})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid API credentials")));
        let (status, _) = admin.post("/api/v1/hosts/ping", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a user session is not an agent");
        let (status, body) = wrong.get("/api/v1/settings/update-interval").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid API credentials")));
    }

    async fn ping_activates_the_host_and_gates_on_section_hashes(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let agent = Agent::create(&server, &admin, "web-01").await;
        let packages = vec![pkg("openssl", "3.0.2", Some("3.0.13"), true), pkg("curl", "7.88", None, false)];
        let repos = vec![repo("https://deb.debian.org/debian", "bookworm")];

        let (status, body) = agent.post("/api/v1/hosts/ping", ping_body("web-01", &packages, &repos)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"], "Ping successful");
        assert_eq!(body["hashGate"], true);
        assert_eq!(body["friendlyName"], "web-01");
        assert_eq!(body["requestFull"], json!(["packages", "repos", "interfaces", "hostname"]), "nothing stored yet");
        let (_, host) = admin.get(&format!("/api/v1/hosts/{}", agent.host_id)).await;
        assert_eq!(host["status"], "active");
        assert_eq!(host["agent_version"], "0.1.1");

        let (status, body) = agent.post("/api/v1/hosts/update", full_report("web-01", &packages, &repos)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"message": "Host updated successfully", "packagesProcessed": 2, "updatesAvailable": 1, "securityUpdates": 1}));

        let (_, body) = agent.post("/api/v1/hosts/ping", ping_body("web-01", &packages, &repos)).await;
        assert!(body.get("requestFull").is_none(), "unchanged inventory: {body}");
        let changed = vec![pkg("openssl", "3.0.13", None, false), pkg("curl", "7.88", None, false)];
        let (_, body) = agent.post("/api/v1/hosts/ping", ping_body("web-01", &changed, &repos)).await;
        assert_eq!(body["requestFull"], json!(["packages"]));

        // Legacy empty-body heartbeat.
        let (status, body) = agent.post_raw("/api/v1/hosts/ping", Vec::new()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("requestFull").is_none());
        // Check-ins of an active host are written in batches after the answer.
        server.state.check_ins.flush().await;
        let pings = server.count(&format!("SELECT COUNT(*) FROM update_history WHERE host_id = '{}' AND report_type = 'ping'", agent.host_id)).await;
        assert_eq!(pings, 4);
        // The ping with needsReboot=false and no reason cleared the report's reason.
        let (_, detail) = admin.get(&format!("/api/v1/hosts/{}", agent.host_id)).await;
        assert_eq!(detail["needs_reboot"], false);
        assert_eq!(detail["reboot_reason"], Value::Null);

        let (status, body) = agent.post_raw("/api/v1/hosts/ping", b"{not json".to_vec()).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid request body")));
        let big = json!({"agentVersion": "x".repeat(9 * 1024)});
        let (status, body) = agent.post("/api/v1/hosts/ping", big).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid request body")), "8 KiB ping cap");

        let (status, body) = agent.get("/api/v1/settings/update-interval").await;
        assert_eq!((status, body), (StatusCode::OK, json!({"updateInterval": 60})));
    }

    async fn reports_write_only_differences(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let a = Agent::create(&server, &admin, "a").await;
        let b = Agent::create(&server, &admin, "b").await;
        let first = vec![pkg("bash", "5.2", None, false), pkg("openssl", "3.0.2", Some("3.0.13"), true), pkg("vim", "9.0", Some("9.1"), false)];
        let repos = vec![repo("https://deb.debian.org/debian", "bookworm"), repo("http://security.debian.org", "bookworm-security")];
        let (status, body) = a.post("/api/v1/hosts/update", full_report("a", &first, &repos)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = b.post("/api/v1/hosts/update", full_report("b", &first[..1], &repos[..1])).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(server.count("SELECT COUNT(*) FROM packages").await, 3, "package rows are shared");
        assert_eq!(server.count("SELECT COUNT(*) FROM repositories").await, 2);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_repositories").await, 3);
        let bash_row = |id: &str| format!("SELECT COUNT(*) FROM host_packages hp JOIN packages p ON p.id = hp.package_id WHERE p.name = 'bash' AND hp.host_id = '{id}' AND hp.last_checked = (SELECT MIN(last_checked) FROM host_packages WHERE host_id = '{id}')");
        assert_eq!(server.count(&bash_row(&a.host_id)).await, 1);
        let totals = |id: &str| format!("SELECT package_count * 100 + outdated_count * 10 + security_count FROM hosts WHERE id = '{id}'");
        assert_eq!(server.count(&totals(&a.host_id)).await, 321, "3 packages, 2 outdated, 1 security update, kept on the host row");
        assert_eq!(server.count(&totals(&b.host_id)).await, 100);

        // Second report: vim upgraded, openssl removed, curl added, bash untouched.
        let second = vec![pkg("bash", "5.2", None, false), pkg("curl", "7.88", None, false), pkg("vim", "9.1", None, false)];
        let (status, body) = a.post("/api/v1/hosts/update", full_report("a", &second, &repos[..1])).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows = |host: &str| format!("SELECT COUNT(*) FROM host_packages WHERE host_id = '{host}'");
        assert_eq!(server.count(&rows(&a.host_id)).await, 3);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM host_packages WHERE host_id = '{}' AND needs_update = TRUE", a.host_id)).await, 0);
        let bash_kept = format!("SELECT COUNT(*) FROM host_packages hp JOIN packages p ON p.id = hp.package_id WHERE p.name = 'bash' AND hp.host_id = '{}' AND hp.last_checked < (SELECT MAX(last_checked) FROM host_packages WHERE host_id = '{}')", a.host_id, a.host_id);
        assert_eq!(server.count(&bash_kept).await, 1, "an unchanged row is not rewritten");
        assert_eq!(server.count(&totals(&a.host_id)).await, 300, "totals follow the report");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM host_repositories WHERE host_id = '{}'", a.host_id)).await, 1, "repos converge");

        let history = format!("SELECT COUNT(*) FROM update_history WHERE host_id = '{}' AND report_type = 'full' AND status = 'success' AND total_packages = 3", a.host_id);
        assert_eq!(server.count(&history).await, 2);
        let (_, host) = admin.get(&format!("/api/v1/hosts/{}", a.host_id)).await;
        assert_eq!((host["status"].as_str(), host["os_type"].as_str(), host["hostname"].as_str()), (Some("active"), Some("debian"), Some("a")));
        assert_eq!((host["needs_reboot"].as_bool(), host["reboot_reason"].as_str(), host["package_manager"].as_str()), (Some(true), Some("kernel update"), Some("apt")));

        // A partial report touching only repos leaves packages alone.
        let partial = json!({"sections": ["repos"], "repositories": [], "hostname": "a", "hashes": {"reposHash": hash::repos_hash(&[])}});
        let (status, body) = a.post("/api/v1/hosts/update", partial).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(server.count(&rows(&a.host_id)).await, 3);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM host_repositories WHERE host_id = '{}'", a.host_id)).await, 0);
        let partial_rows = format!("SELECT COUNT(*) FROM update_history WHERE host_id = '{}' AND report_type = 'partial' AND total_packages = 3", a.host_id);
        assert_eq!(server.count(&partial_rows).await, 1);
        assert_eq!(server.count(&totals(&a.host_id)).await, 300, "a report without packages keeps the totals");
    }

    async fn refused_reports_write_nothing_but_an_error_row(backend: Backend) {
        let server = TestServer::start_with(backend, &[("AGENT_UPDATE_BODY_LIMIT", "64kb")]).await;
        let admin = server.admin().await;
        let agent = Agent::create(&server, &admin, "edge").await;
        let cases: Vec<(Value, &str)> = vec![
            (json!({"packages": []}), "Packages array is required"),
            (json!({"sections": ["docker"]}), "sections must contain at least one of packages, repos, interfaces, hostname"),
            (json!({"sections": ["packages"], "packages": []}), "sections claims 'packages' but packages array is empty"),
            (json!({"sections": ["repos"], "packages": [pkg("a", "1", None, false)]}), "packages provided but 'packages' not in sections"),
            (json!({"packages": [pkg("a", "1", None, false)], "hashes": {"packagesHash": "0".repeat(64)}}), "packages hash mismatch"),
            (json!({"packages": [pkg("a", "1", None, false)], "networkInterfaces": "eth0", "hashes": {"interfacesHash": "x"}}), "invalid networkInterfaces"),
            (json!({"packages": "nope"}), "Invalid request body"),
        ];
        for (body, message) in cases {
            let (status, reply) = agent.post("/api/v1/hosts/update", body).await;
            assert_eq!((status, reply["error"].as_str()), (StatusCode::BAD_REQUEST, Some(message)));
        }
        let many: Vec<Package> = (0..10_001).map(|i| pkg(&format!("p{i}"), "1", None, false)).collect();
        let server_big = TestServer::start(backend).await;
        let admin_big = server_big.admin().await;
        let big_agent = Agent::create(&server_big, &admin_big, "big").await;
        let (status, reply) = big_agent.post("/api/v1/hosts/update", json!({"packages": many})).await;
        assert_eq!((status, reply["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Packages array exceeds maximum size")));
        let (status, reply) = agent.post("/api/v1/hosts/update", json!({"packages": many[..2000]})).await;
        assert_eq!((status, reply["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid request body")), "64 KiB cap");
        assert_eq!(server.count("SELECT COUNT(*) FROM packages").await, 0);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_packages").await, 0);
        assert_eq!(server.count("SELECT COUNT(*) FROM update_history WHERE status = 'error'").await, 8);
        let (_, host) = admin.get(&format!("/api/v1/hosts/{}", agent.host_id)).await;
        assert_eq!(host["status"], "pending", "a refused report does not activate the host");
    }

    async fn concurrent_reports_with_overlapping_packages_all_succeed(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let mut agents = Vec::new();
        for i in 0..24 {
            agents.push(Agent::create(&server, &admin, &format!("node-{i:02}")).await);
        }
        // Overlapping, differently ordered sets: the classic deadlock shape without a lock order.
        let reports: Vec<Value> = (0..agents.len())
            .map(|i| {
                let mut packages: Vec<Package> = (0..400).map(|p| pkg(&format!("lib{:03}", (p * 7 + i * 13) % 500), &format!("1.{i}"), (p % 5 == 0).then_some("2.0"), p % 10 == 0)).collect();
                if i % 2 == 1 {
                    packages.reverse();
                }
                full_report(&format!("node-{i:02}"), &packages, &[repo("https://deb.debian.org/debian", "bookworm")])
            })
            .collect();
        let results = futures::future::join_all(agents.iter().zip(&reports).map(|(agent, report)| agent.post("/api/v1/hosts/update", report.clone()))).await;
        for (status, body) in &results {
            assert_eq!(*status, StatusCode::OK, "{body}");
        }
        assert_eq!(server.count("SELECT COUNT(*) FROM host_packages").await, 24 * 400);
        assert_eq!(server.count("SELECT COUNT(*) FROM repositories").await, 1);
        assert!(server.count("SELECT COUNT(*) FROM packages").await <= 500);
    }

    async fn the_catalogue_keeps_the_newest_version_and_a_hosts_racing_reports_converge(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let a = Agent::create(&server, &admin, "a").await;
        let b = Agent::create(&server, &admin, "b").await;
        let repos = [repo("https://deb.debian.org/debian", "bookworm")];
        let latest = |version: &str| format!("SELECT COUNT(*) FROM packages WHERE name = 'bash' AND latest_version = '{version}'");
        for (agent, bash, expected) in [
            (&a, pkg("bash", "5.2", None, false), "5.2"),
            (&b, pkg("bash", "5.1", None, false), "5.2"),
            (&b, pkg("bash", "5.1", Some("5.3~rc1"), false), "5.3~rc1"),
            (&a, pkg("bash", "5.2", None, false), "5.3~rc1"),
            (&b, pkg("bash", "5.1", Some("5.3"), true), "5.3"),
        ] {
            let (status, body) = agent.post("/api/v1/hosts/update", full_report("x", &[bash], &repos)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(server.count(&latest(expected)).await, 1, "newest known bash is {expected}");
        }

        // Four reports of one host at once, each a different inventory: whichever lands last
        // is what the host has, whole, with matching totals.
        let reports: Vec<Value> = (1..=4)
            .map(|generation| {
                let packages: Vec<Package> = (0..50).map(|p| pkg(&format!("lib{p:02}"), &format!("{generation}.0"), (p < generation).then_some("9.0"), false)).collect();
                full_report("a", &packages, &repos)
            })
            .collect();
        let results = futures::future::join_all(reports.iter().map(|r| a.post("/api/v1/hosts/update", r.clone()))).await;
        for (status, body) in &results {
            assert!(
                *status == StatusCode::OK
                    || (*status == StatusCode::CONFLICT && body["error"] == "Another report from this host is being written; try again"),
                "{status} {body}"
            );
        }
        assert!(results.iter().any(|(status, _)| *status == StatusCode::OK));
        let rows = format!("SELECT COUNT(*) FROM host_packages WHERE host_id = '{}'", a.host_id);
        assert_eq!(server.count(&rows).await, 50, "one inventory, not a mix");
        let versions = format!("SELECT COUNT(DISTINCT current_version) FROM host_packages WHERE host_id = '{}'", a.host_id);
        assert_eq!(server.count(&versions).await, 1, "every row from the same report");
        let consistent = format!(
            "SELECT COUNT(*) FROM hosts h WHERE h.id = '{0}' AND h.package_count = 50 AND h.outdated_count = \
             (SELECT COUNT(*) FROM host_packages WHERE host_id = '{0}' AND needs_update)",
            a.host_id
        );
        assert_eq!(server.count(&consistent).await, 1, "totals match the rows");
    }
}
