//! The scoped Integration API (`/api/v1/api/hosts*`) against a seeded fleet: fields, filters,
//! orders, refusals and the cascade on delete.

use crate::common::fleet::{self, Fleet};
use crate::common::integrations::{self, Credential};
use crate::common::{Backend, Client, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const UNKNOWN: &str = "00000000-0000-0000-0000-000000000000";

struct Setup {
    server: TestServer,
    admin: Client,
    fleet: Fleet,
    reader: Credential,
    production: String,
    web_servers: String,
}

async fn group(admin: &Client, name: &str) -> String {
    let (status, body) = admin
        .post("/api/v1/host-groups", json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn put_in(admin: &Client, host: &str, groups: &[&str]) {
    let (status, body) = admin
        .put(
            &format!("/api/v1/hosts/{host}/groups"),
            json!({"groupIds": groups}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The fleet, with web-1 and web-2 in "Web Servers", web-1 and db-1 in "Production", and an
/// empty "Development" group.
async fn setup(backend: Backend) -> Setup {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let fleet = fleet::seed(&server, &admin).await;
    let production = group(&admin, "Production").await;
    let web_servers = group(&admin, "Web Servers").await;
    group(&admin, "Development").await;
    put_in(&admin, &fleet.web1, &[&production, &web_servers]).await;
    put_in(&admin, &fleet.web2, &[&web_servers]).await;
    put_in(&admin, &fleet.db1, &[&production]).await;
    let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
    Setup {
        server,
        admin,
        fleet,
        reader,
        production,
        web_servers,
    }
}

impl Setup {
    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.reader.get(&self.server, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }

    async fn names(&self, query: &str) -> (Vec<String>, Value) {
        let body = self.get(&format!("/api/v1/api/hosts{query}")).await;
        let names = body["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["friendly_name"].as_str().unwrap().to_string())
            .collect();
        (names, body)
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

backend_tests! {
    async fn host_list_filters_by_group_names_or_ids(backend: Backend) {
        let s = setup(backend).await;
        let (names, body) = s.names("").await;
        assert_eq!(names, ["db-1", "new-1", "web-1", "web-2"], "by friendly name");
        assert_eq!(body["total"], 4);
        assert!(body.get("filtered_by_groups").is_none(), "absent without a filter");
        let web1 = body["hosts"].as_array().unwrap().iter().find(|h| h["friendly_name"] == "web-1").unwrap();
        assert_eq!(keys(web1), ["friendly_name", "host_groups", "hostname", "id", "ip"]);
        assert_eq!(web1["id"], s.fleet.web1.as_str());
        assert_eq!((web1["hostname"].as_str(), web1["ip"].as_str()), (Some("web-1.example"), Some("10.0.0.5")));
        assert_eq!(web1["host_groups"], json!([{"id": s.production, "name": "Production"}, {"id": s.web_servers, "name": "Web Servers"}]));
        let new1 = body["hosts"].as_array().unwrap().iter().find(|h| h["friendly_name"] == "new-1").unwrap();
        assert_eq!(new1["host_groups"], json!([]), "always an array, never null");
        assert_eq!(new1["hostname"], Value::Null);

        // What the Ansible inventory plugin reads, through its trailing-slash URL.
        let (slashed, same) = s.names("/").await;
        assert_eq!(slashed, names);
        assert_eq!(same, body);
        for host in same["hosts"].as_array().unwrap() {
            for group in host["host_groups"].as_array().unwrap() {
                assert!(group["name"].is_string());
            }
        }

        let (names, body) = s.names("?hostgroup=Production").await;
        assert_eq!((names, body["total"].clone(), body["filtered_by_groups"].clone()), (vec!["db-1".to_string(), "web-1".into()], json!(2), json!(["Production"])));
        let (names, _) = s.names("?hostgroup=Web%20Servers").await;
        assert_eq!(names, ["web-1", "web-2"]);
        let (names, body) = s.names("?hostgroup=Production,%20Development").await;
        assert_eq!(names, ["db-1", "web-1"], "any of the groups, values trimmed");
        assert_eq!(body["filtered_by_groups"], json!(["Production", "Development"]));
        let (names, body) = s.names(&format!("?hostgroup={}", s.web_servers.to_uppercase())).await;
        assert_eq!(names, Vec::<String>::new(), "ids are used as given");
        assert_eq!(body["filtered_by_groups"], json!([s.web_servers.to_uppercase()]));
        let (names, _) = s.names(&format!("?hostgroup={}", s.web_servers)).await;
        assert_eq!(names, ["web-1", "web-2"]);
        let (names, body) = s.names(&format!("?hostgroup=Production,{}", s.web_servers)).await;
        assert_eq!(names, ["db-1", "web-1", "web-2"], "names and ids mixed");
        assert_eq!(body["filtered_by_groups"], json!(["Production", s.web_servers]));
        let (_, body) = s.names("?hostgroup=production").await;
        assert_eq!(body, json!({"hosts": [], "total": 0, "filtered_by_groups": ["production"]}), "names are case-sensitive");
        let (_, body) = s.names("?hostgroup=Nope,Other").await;
        assert_eq!(body, json!({"hosts": [], "total": 0, "filtered_by_groups": ["Nope", "Other"]}));
        let (names, _) = s.names(&format!("?hostgroup={UNKNOWN}")).await;
        assert!(names.is_empty());
    }

    async fn host_list_stats(backend: Backend) {
        let s = setup(backend).await;
        let (_, body) = s.names("?hostgroup=Production&include=stats").await;
        let hosts = body["hosts"].as_array().unwrap();
        let web1 = &hosts[1];
        assert_eq!(keys(web1), ["friendly_name", "host_groups", "hostname", "id", "ip", "last_update", "needs_reboot", "os_type", "os_version",
                                 "security_updates_count", "status", "total_packages", "updates_count"]);
        assert_eq!((web1["os_type"].as_str(), web1["os_version"].as_str(), web1["status"].as_str()), (Some("debian"), Some("12"), Some("active")));
        assert_eq!((web1["updates_count"].clone(), web1["security_updates_count"].clone(), web1["total_packages"].clone()), (json!(2), json!(1), json!(3)));
        assert_eq!(web1["needs_reboot"], true);
        assert!(web1["last_update"].as_str().unwrap().contains('T'));
        assert_eq!((hosts[0]["updates_count"].clone(), hosts[0]["total_packages"].clone()), (json!(0), json!(2)), "db-1");
        let (_, body) = s.names("?include=STATS").await;
        let new1 = &body["hosts"][1];
        assert_eq!((new1["friendly_name"].as_str(), new1["status"].as_str(), new1["total_packages"].clone()), (Some("new-1"), Some("pending"), json!(0)));
        let (_, body) = s.names("?include=other").await;
        assert!(body["hosts"][0].get("updates_count").is_none());
    }

    async fn per_host_reads(backend: Backend) {
        let s = setup(backend).await;
        let web1 = s.fleet.web1.clone();
        let base = format!("/api/v1/api/hosts/{web1}");
        assert_eq!(s.get(&format!("{base}/stats")).await, json!({"host_id": web1, "total_installed_packages": 3, "outdated_packages": 2, "security_updates": 1, "total_repos": 2}));
        let info = s.get(&format!("{base}/info")).await;
        assert_eq!(info, json!({
            "id": web1, "machine_id": "machine-web-1", "friendly_name": "web-1", "hostname": "web-1.example", "ip": "10.0.0.5",
            "os_type": "debian", "os_version": "12", "agent_version": "0.1.0",
            "host_groups": [{"id": s.production, "name": "Production"}, {"id": s.web_servers, "name": "Web Servers"}],
        }));

        assert_eq!(s.get(&format!("{base}/network")).await, json!({"id": web1, "ip": "10.0.0.5", "gateway_ip": null, "dns_servers": [], "network_interfaces": []}));
        let system = s.get(&format!("{base}/system")).await;
        assert_eq!(keys(&system), ["architecture", "cpu_cores", "cpu_model", "disk_details", "id", "installed_kernel_version", "kernel_version",
                                   "load_average", "needs_reboot", "ram_installed", "reboot_reason", "selinux_status", "swap_size", "system_uptime"]);
        assert_eq!((system["load_average"].clone(), system["disk_details"].clone(), system["needs_reboot"].clone()), (json!({}), json!([]), json!(true)));
        assert_eq!(system["architecture"], "x86_64");
        s.server.execute(&format!(
            "UPDATE hosts SET gateway_ip = '192.168.1.1', dns_servers = '[\"8.8.8.8\",\"8.8.4.4\"]', \
             network_interfaces = '[{{\"name\":\"eth0\",\"type\":\"ethernet\",\"macAddress\":\"00:11:22:33:44:55\",\"addresses\":[{{\"address\":\"192.168.1.100\",\"family\":\"inet\"}}]}}]', \
             load_average = '[0.5,0.3,0.2]', disk_details = '[{{\"name\":\"/dev/sda1\",\"size\":\"50G\",\"mountpoint\":\"/\"}}]', \
             cpu_model = 'Intel Xeon E5-2680 v4', cpu_cores = 4, ram_installed = 16.0, swap_size = 2.0, kernel_version = '6.8.0-45-generic', \
             selinux_status = 'disabled', reboot_reason = 'Kernel update pending' WHERE id = '{web1}'"
        )).await;
        assert_eq!(s.get(&format!("{base}/network")).await, json!({
            "id": web1, "ip": "10.0.0.5", "gateway_ip": "192.168.1.1", "dns_servers": ["8.8.8.8", "8.8.4.4"],
            "network_interfaces": [{"name": "eth0", "ip": "192.168.1.100", "mac": "00:11:22:33:44:55"}],
        }));
        let system = s.get(&format!("{base}/system")).await;
        assert_eq!(system["load_average"], json!({"1min": 0.5, "5min": 0.3, "15min": 0.2}));
        assert_eq!(system["disk_details"], json!([{"filesystem": "/dev/sda1", "size": "50G", "used": null, "available": null, "use_percent": null, "mounted_on": "/"}]));
        assert_eq!((system["cpu_cores"].clone(), system["ram_installed"].clone(), system["swap_size"].clone()), (json!(4), json!(16.0), json!(2.0)));
        assert_eq!((system["kernel_version"].as_str(), system["selinux_status"].as_str(), system["reboot_reason"].as_str()), (Some("6.8.0-45-generic"), Some("disabled"), Some("Kernel update pending")));

        let packages = s.get(&format!("{base}/packages")).await;
        assert_eq!(packages["host"], json!({"id": web1, "hostname": "web-1.example", "friendly_name": "web-1"}));
        assert_eq!(packages["total"], 3);
        let list = packages["packages"].as_array().unwrap();
        let names: Vec<&str> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["openssl", "curl", "bash"], "security updates, then updates, then the rest");
        assert_eq!(keys(&list[0]), ["available_version", "category", "current_version", "description", "id", "is_security_update", "last_checked", "name", "needs_update"]);
        assert_eq!((list[0]["current_version"].as_str(), list[0]["available_version"].as_str(), list[0]["is_security_update"].clone()), (Some("3.0.1"), Some("3.0.2"), json!(true)));
        assert_eq!(list[2]["available_version"], Value::Null);
        let updates = s.get(&format!("{base}/packages?updates_only=true")).await;
        assert_eq!(updates["total"], 2);
        for loose in ["TRUE", "1"] {
            assert_eq!(s.get(&format!("{base}/packages?updates_only={loose}")).await["total"], 3, "only the exact string true filters");
        }

        let reports = s.get(&format!("{base}/package_reports")).await;
        assert_eq!((reports["host_id"].as_str(), reports["total"].clone()), (Some(web1.as_str()), json!(1)));
        let report = &reports["reports"][0];
        assert_eq!(keys(report), ["date", "error_message", "execution_time_seconds", "id", "outdated_packages", "payload_kb", "security_updates", "status", "total_packages"]);
        assert_eq!((report["status"].as_str(), report["outdated_packages"].clone(), report["security_updates"].clone(), report["total_packages"].clone()), (Some("success"), json!(2), json!(1), json!(3)));
        assert_eq!(s.get(&format!("{base}/package_reports?limit=abc")).await["total"], 1);

        assert_eq!(s.get(&format!("{base}/agent_queue?limit=5")).await, json!({
            "host_id": web1, "queue_status": {"waiting": 0, "active": 0, "delayed": 0, "failed": 0}, "job_history": [], "total_jobs": 0,
        }));
        assert_eq!(s.get(&format!("{base}/notes")).await, json!({"host_id": web1, "notes": ""}));
        s.admin.patch(&format!("/api/v1/hosts/{web1}/notes"), json!({"notes": "Production web server."})).await;
        assert_eq!(s.get(&format!("{base}/notes")).await["notes"], "Production web server.");

        let description = "Monitor Docker containers, images, volumes, and networks. Collects real-time container status events.";
        assert_eq!(s.get(&format!("{base}/integrations")).await, json!({"host_id": web1, "integrations": {"docker": {"enabled": false, "description": description}}}));
        let (_, docker) = s.admin.post("/api/v1/hosts/create", json!({"friendly_name": "docker-1", "docker_enabled": true})).await;
        let docker_id = docker["hostId"].as_str().unwrap();
        assert_eq!(s.get(&format!("/api/v1/api/hosts/{docker_id}/integrations")).await["integrations"]["docker"],
                   json!({"enabled": true, "containers_count": 0, "volumes_count": 0, "networks_count": 0, "description": description}));

        for endpoint in ["stats", "info", "network", "system", "packages", "package_reports", "agent_queue", "notes", "integrations"] {
            for id in [UNKNOWN, "not-a-uuid"] {
                let (status, body) = s.reader.get(&s.server, &format!("/api/v1/api/hosts/{id}/{endpoint}")).await;
                assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"error": "Host not found"})), "{endpoint} {id}");
            }
        }
    }

    async fn delete_needs_its_scope_and_cascades(backend: Backend) {
        let s = setup(backend).await;
        let web2 = s.fleet.web2.clone();
        let path = format!("/api/v1/api/hosts/{web2}");
        let (status, body) = s.reader.send(&s.server, Method::DELETE, &path).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, json!({"error": "Access denied", "message": "This API key does not have permission to delete host"})));
        let deleter = integrations::api(&s.admin, json!({"host": ["delete"]})).await;
        let (status, body) = deleter.get(&s.server, "/api/v1/api/hosts").await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::FORBIDDEN, Some("This API key does not have permission to get host")), "delete does not imply get");
        let (status, body) = deleter.send(&s.server, Method::DELETE, "/api/v1/api/hosts/not-a-uuid").await;
        assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!({"error": "Invalid host ID format"})));
        let (status, body) = deleter.send(&s.server, Method::DELETE, &format!("/api/v1/api/hosts/{UNKNOWN}")).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"error": "Host not found"})));

        for table in ["host_packages", "host_repositories", "update_history", "host_group_memberships"] {
            assert!(s.server.count(&format!("SELECT COUNT(*) FROM {table} WHERE host_id = '{web2}'")).await > 0, "{table} seeded");
        }
        let (status, body) = deleter.send(&s.server, Method::DELETE, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"message": "Host deleted successfully", "deleted": {"id": web2, "friendly_name": "web-2", "hostname": "web-2.example"}}));
        for table in ["host_packages", "host_repositories", "update_history", "host_group_memberships"] {
            assert_eq!(s.server.count(&format!("SELECT COUNT(*) FROM {table} WHERE host_id = '{web2}'")).await, 0, "{table} cascaded");
        }
        assert_eq!(s.server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'host_deleted' AND username LIKE 'api credential:%'").await, 1);
        let (status, _) = deleter.send(&s.server, Method::DELETE, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (names, _) = s.names("").await;
        assert_eq!(names, ["db-1", "new-1", "web-1"]);
    }

    async fn a_large_list_keeps_every_hosts_groups(backend: Backend) {
        // Past 500 hosts the memberships are read in one pass instead of per-chunk IN lists.
        let s = setup(backend).await;
        for i in 0..500 {
            let (status, body) = s.admin.post("/api/v1/hosts/create", json!({"friendly_name": format!("bulk-{i:03}")})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (names, body) = s.names("?include=stats").await;
        assert_eq!((names.len(), body["total"].clone()), (504, json!(504)));
        let hosts = body["hosts"].as_array().unwrap();
        let by_name = |name: &str| hosts.iter().find(|h| h["friendly_name"] == name).unwrap().clone();
        assert_eq!(by_name("web-1")["host_groups"], json!([{"id": s.production, "name": "Production"}, {"id": s.web_servers, "name": "Web Servers"}]));
        assert_eq!(by_name("db-1")["host_groups"], json!([{"id": s.production, "name": "Production"}]));
        assert_eq!(by_name("bulk-042")["host_groups"], json!([]));
        assert_eq!((by_name("web-1")["updates_count"].clone(), by_name("bulk-042")["total_packages"].clone()), (json!(2), json!(0)));
    }

    async fn host_lists_are_reused_briefly_forgotten_on_change_and_sent_gzipped(backend: Backend) {
        let server = TestServer::start_with(backend, &[("INTEGRATION_CACHE_SECONDS", "1")]).await;
        let admin = server.admin().await;
        let reader = integrations::api(&admin, json!({"host": ["get"]})).await;
        let names = || async {
            let (status, body) = reader.get(&server, "/api/v1/api/hosts").await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["hosts"].as_array().unwrap().iter().map(|h| h["friendly_name"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        };
        let create = |name: &'static str| {
            let admin = &admin;
            async move {
                let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": name})).await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
            }
        };
        create("one").await;
        assert_eq!(names().await, ["one"]);
        // A write the server did not make (another replica's, say) shows once the answer expires.
        server.execute("UPDATE hosts SET friendly_name = 'renamed'").await;
        assert_eq!(names().await, ["one"], "reused");
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(names().await, ["renamed"], "expired");
        // A change made through the API shows at once.
        create("two").await;
        assert_eq!(names().await, ["renamed", "two"]);

        let raw = |encoding: Option<&'static str>| {
            let mut request = reqwest::Client::new()
                .get(server.url("/api/v1/api/hosts?include=stats"))
                .header("Authorization", reader.basic());
            if let Some(encoding) = encoding {
                request = request.header("Accept-Encoding", encoding);
            }
            async move {
                let response = request.send().await.unwrap();
                let encoding = response.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
                (encoding, response.bytes().await.unwrap())
            }
        };
        let (plain_encoding, plain) = raw(Some("identity")).await;
        let (gzip_encoding, gzipped) = raw(Some("gzip, deflate")).await;
        assert_eq!((plain_encoding, gzip_encoding.as_deref()), (None, Some("gzip")));
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut text).unwrap();
        assert_eq!(text, plain.to_vec(), "the cached gzip body is the same document");
        let document: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(document["total"], 2);
    }
}
