//! Package reads over a seeded fleet (see `common::fleet`): list filters and counts, detail by id
//! and by name, and the hosts a package is on.

use crate::common::fleet::{seed, Fleet};
use crate::common::{Backend, Client, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

async fn list(admin: &Client, query: &str) -> Value {
    let (status, body) = admin.get(&format!("/api/v1/packages{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn names(body: &Value) -> Vec<&str> {
    body["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

backend_tests! {
    async fn package_list_filters_and_counts(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let Fleet { db1, .. } = seed(&server, &admin).await;
        let all = list(&admin, "").await;
        assert_eq!(names(&all), ["bash", "curl", "openssl", "zlib"]);
        assert_eq!(all["totalInstalls"], 7);
        assert_eq!(all["pagination"]["total"], 4);
        assert_eq!(all["pagination"]["pages"], 1);
        let openssl = &all["packages"][2];
        assert_eq!(openssl["packageHostsCount"], 2);
        assert_eq!(openssl["stats"]["updatesNeeded"], 2);
        assert_eq!(openssl["stats"]["securityUpdates"], 2);
        assert_eq!(openssl["packageHosts"][0]["availableVersion"], "3.0.2");
        assert_eq!(names(&list(&admin, "?needsUpdate=true").await), ["curl", "openssl"]);
        assert_eq!(names(&list(&admin, "?isSecurityUpdate=true").await), ["openssl"]);
        assert_eq!(names(&list(&admin, "?isSecurityUpdate=false").await), ["bash", "curl", "zlib"]);
        assert_eq!(names(&list(&admin, &format!("?host={db1}")).await), ["bash", "zlib"]);
        assert_eq!(names(&list(&admin, "?search=SSL").await), ["openssl"]);
        assert_eq!(names(&list(&admin, "?sort=packageHosts&order=desc&limit=1").await), ["bash"]);
        let paged = list(&admin, "?limit=3&page=2").await;
        assert_eq!((names(&paged), paged["pagination"]["pages"].as_i64()), (vec!["zlib"], Some(2)));
        let (status, categories) = admin.get("/api/v1/packages/categories/list").await;
        assert_eq!((status, categories.is_array()), (StatusCode::OK, true));
    }

    async fn package_detail_by_id_and_name_and_its_hosts(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        seed(&server, &admin).await;
        let (status, by_name) = admin.get("/api/v1/packages/bash").await;
        assert_eq!(status, StatusCode::OK, "{by_name}");
        let id = by_name["id"].as_str().unwrap();
        let (_, by_id) = admin.get(&format!("/api/v1/packages/{id}")).await;
        assert_eq!(by_id, by_name);
        assert_eq!(by_id["stats"]["totalInstalls"], 3);
        assert_eq!(by_id["stats"]["upToDate"], 3);
        assert_eq!(by_id["host_packages"].as_array().unwrap().len(), 3);
        assert!(by_id["host_packages"][0]["hosts"]["friendly_name"].is_string());
        assert_eq!(by_id["distributions"]["versions"][0]["version"], "5.2");
        assert_eq!(by_id["distributions"]["versions"][0]["count"], 2);
        assert_eq!(by_id["distributions"]["osTypes"][0]["osType"], "debian");
        let (status, body) = admin.get("/api/v1/packages/no-such-package").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Package not found")));

        let (status, hosts) = admin.get("/api/v1/packages/openssl/hosts").await;
        assert_eq!(status, StatusCode::OK, "{hosts}");
        assert_eq!(hosts["pagination"]["total"], 2);
        assert_eq!(hosts["pagination"]["limit"], 25);
        assert_eq!(hosts["hosts"][0]["friendlyName"], "web-1");
        assert_eq!(hosts["hosts"][0]["isSecurityUpdate"], true);
        assert_eq!(hosts["hosts"][0]["needsReboot"], true);
        let (_, filtered) = admin.get("/api/v1/packages/bash/hosts?search=db&needsUpdate=false").await;
        assert_eq!(filtered["hosts"].as_array().unwrap().len(), 1);
        assert_eq!(filtered["hosts"][0]["currentVersion"], "5.1");
    }
}
