//! A small fleet seeded through the real agent endpoint (`POST /api/v1/hosts/update`).
//!
//! | host  | packages                                              | reboot |
//! |-------|-------------------------------------------------------|--------|
//! | web-1 | openssl (security update), curl (update), bash        | yes    |
//! | web-2 | openssl (security update), bash                       | no     |
//! | db-1  | bash, zlib                                            | no     |
//! | new-1 | never reported (awaiting data)                        | –      |

#![allow(dead_code)]

use patchmon_proto::hash;
use patchmon_proto::report::{Package, Repository};
use reqwest::StatusCode;
use serde_json::json;

use super::{Client, TestServer};

pub struct Fleet {
    pub web1: String,
    pub web2: String,
    pub db1: String,
    pub new1: String,
}

fn pkg(name: &str, version: &str, available: Option<&str>, security: bool) -> Package {
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

async fn create_host(admin: &Client, name: &str) -> (String, String, String) {
    let (status, body) = admin
        .post("/api/v1/hosts/create", json!({"friendly_name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let field = |k: &str| body[k].as_str().unwrap().to_string();
    (field("hostId"), field("apiId"), field("apiKey"))
}

async fn report(
    server: &TestServer,
    admin: &Client,
    name: &str,
    os: (&str, &str),
    packages: &[Package],
    repos: &[Repository],
    needs_reboot: bool,
) -> String {
    let (host_id, api_id, api_key) = create_host(admin, name).await;
    let body = json!({
        "packages": packages, "repositories": repos,
        "osType": os.0, "osVersion": os.1, "hostname": format!("{name}.example"), "ip": "10.0.0.5",
        "architecture": "x86_64", "agentVersion": "0.1.0", "machineId": format!("machine-{name}"),
        "needsReboot": needs_reboot, "packageManager": "apt", "executionTime": 1.0,
        "hashes": {
            "packagesHash": hash::packages_hash(packages),
            "reposHash": hash::repos_hash(repos),
            "interfacesHash": hash::interfaces_hash(&[]),
            "hostnameHash": hash::hostname_hash(&format!("{name}.example")),
        },
    });
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/hosts/update"))
        .header("X-API-ID", api_id)
        .header("X-API-KEY", api_key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    host_id
}

/// Seeds the fleet in the table above.
pub async fn seed(server: &TestServer, admin: &Client) -> Fleet {
    let secure = repo("https://deb.debian.org/debian", "bookworm");
    let insecure = repo("http://mirror.example/debian", "bookworm");
    let web1 = report(
        server,
        admin,
        "web-1",
        ("debian", "12"),
        &[
            pkg("openssl", "3.0.1", Some("3.0.2"), true),
            pkg("curl", "7.88", Some("7.89"), false),
            pkg("bash", "5.2", None, false),
        ],
        &[secure.clone(), insecure],
        true,
    )
    .await;
    let web2 = report(
        server,
        admin,
        "web-2",
        ("debian", "12"),
        &[
            pkg("openssl", "3.0.1", Some("3.0.2"), true),
            pkg("bash", "5.2", None, false),
        ],
        std::slice::from_ref(&secure),
        false,
    )
    .await;
    let db1 = report(
        server,
        admin,
        "db-1",
        ("ubuntu", "24.04"),
        &[
            pkg("bash", "5.1", None, false),
            pkg("zlib", "1.3", None, false),
        ],
        &[secure],
        false,
    )
    .await;
    let (new1, _, _) = create_host(admin, "new-1").await;
    Fleet {
        web1,
        web2,
        db1,
        new1,
    }
}
