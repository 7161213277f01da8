//! Dashboard reads over a seeded fleet (see `common::fleet`): stats cards, the host list's
//! filters, sorting and paging envelope, host counts, host detail and the small lists.

use crate::common::fleet::{seed, Fleet};
use crate::common::{Backend, Client, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

async fn host_names(admin: &Client, query: &str) -> Vec<String> {
    let (status, body) = admin.get(&format!("/api/v1/dashboard/hosts{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    let mut names: Vec<String> = body
        .as_array()
        .unwrap_or_else(|| panic!("bare array for {query}: {body}"))
        .iter()
        .map(|h| h["friendly_name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn item<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|h| h["friendly_name"] == name)
        .unwrap()
}

backend_tests! {
    async fn stats_cards_count_the_fleet(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        seed(&server, &admin).await;
        let (status, body) = admin.get("/api/v1/dashboard/stats").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let cards = &body["cards"];
        assert_eq!(cards["totalHosts"], 4);
        assert_eq!(cards["hostsNeedingUpdates"], 2);
        assert_eq!(cards["upToDateHosts"], 1);
        assert_eq!(cards["securityUpdates"], 1, "openssl only");
        assert_eq!(cards["totalOutdatedPackages"], 2, "openssl and curl");
        assert_eq!(cards["hostsNeedingReboot"], 1);
        assert_eq!(cards["offlineHosts"], 0);
        assert_eq!(cards["erroredHosts"], 0);
        assert_eq!(cards["totalRepos"], 2);
        assert_eq!(cards["totalUsers"], 1);
        let os = body["charts"]["osDistribution"].as_array().unwrap();
        assert_eq!(os[0]["name"], "debian 12");
        assert_eq!(os[0]["count"], 2);
        assert!(os.iter().any(|e| e["os_type"] == "ubuntu" && e["os_version"] == "24.04" && e["count"] == 1));
        let update_status = body["charts"]["updateStatusDistribution"].as_array().unwrap();
        assert_eq!(update_status.last().unwrap()["filter"], "awaitingData");
        assert_eq!(update_status.last().unwrap()["count"], 1);
        assert_eq!(body["charts"]["packageUpdateDistribution"][1]["count"], 1, "curl is the regular update");
        assert_eq!(body["trends"].as_array().unwrap().iter().map(|t| t["_count"]["id"].as_i64().unwrap()).sum::<i64>(), 3);
    }

    async fn host_list_filters_and_counts(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let Fleet { web1, db1, .. } = seed(&server, &admin).await;
        let (_, all) = admin.get("/api/v1/dashboard/hosts").await;
        assert_eq!(all.as_array().unwrap().len(), 4);
        let web = item(&all, "web-1");
        assert_eq!((web["updatesCount"].as_i64(), web["securityUpdatesCount"].as_i64(), web["totalPackagesCount"].as_i64()), (Some(2), Some(1), Some(3)));
        assert_eq!(web["updateState"], "security_required");
        assert_eq!(web["reportingState"], "reporting");
        assert_eq!(web["isStale"], false);
        assert_eq!(web["effectiveStatus"], "active");
        assert_eq!(item(&all, "db-1")["updateState"], "up_to_date");
        assert_eq!(item(&all, "new-1")["effectiveStatus"], "pending");
        assert_eq!(host_names(&admin, "?filter=needsUpdates").await, ["web-1", "web-2"]);
        assert_eq!(host_names(&admin, "?filter=upToDate").await, ["db-1"]);
        assert_eq!(host_names(&admin, "?filter=awaitingData").await, ["new-1"]);
        assert_eq!(host_names(&admin, &format!("?filter=selected&selected={web1},{db1}")).await, ["db-1", "web-1"]);
        assert_eq!(host_names(&admin, "?reboot=true").await, ["web-1"]);
        assert_eq!(host_names(&admin, "?os=UBUNTU").await, ["db-1"]);
        assert_eq!(host_names(&admin, "?search=web").await, ["web-1", "web-2"]);

        let (_, counts) = admin.get("/api/v1/dashboard/host-counts").await;
        assert_eq!((counts["total"].as_i64(), counts["up"].as_i64(), counts["needsUpdates"].as_i64(), counts["needsReboot"].as_i64()), (Some(4), Some(3), Some(2), Some(1)));

        // A host silent for four intervals counts as offline / down / not reporting.
        server.execute(&format!("UPDATE hosts SET last_update = '2020-01-01T00:00:00Z' WHERE id = '{db1}'")).await;
        let (_, counts) = admin.get("/api/v1/dashboard/host-counts").await;
        assert_eq!((counts["up"].as_i64(), counts["down"].as_i64()), (Some(2), Some(1)));
        let (_, stats) = admin.get("/api/v1/dashboard/stats").await;
        assert_eq!((stats["cards"]["offlineHosts"].as_i64(), stats["cards"]["erroredHosts"].as_i64()), (Some(1), Some(1)));
        assert_eq!(host_names(&admin, "?filter=offline").await, ["db-1"]);
        assert_eq!(host_names(&admin, "?filter=inactive").await, ["db-1"]);
        assert_eq!(host_names(&admin, "?hideStale=true").await, ["new-1", "web-1", "web-2"]);
        let (_, all) = admin.get("/api/v1/dashboard/hosts").await;
        assert_eq!(item(&all, "db-1")["reportingState"], "stale");
        assert_eq!(item(&all, "db-1")["effectiveStatus"], "inactive");
    }

    async fn host_list_sorts_pages_and_refuses_bad_parameters(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        seed(&server, &admin).await;
        let (status, page) = admin.get("/api/v1/dashboard/hosts?sort=updates&order=desc&limit=2&offset=0").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!((page["total"].as_i64(), page["limit"].as_i64(), page["offset"].as_i64()), (Some(4), Some(2), Some(0)));
        let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|h| h["friendly_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["web-1", "web-2"]);
        let (_, page) = admin.get("/api/v1/dashboard/hosts?sort=friendly_name&order=asc&limit=3&offset=1").await;
        let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|h| h["friendly_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["new-1", "web-1", "web-2"]);
        assert_eq!(page["items"][1]["updatesCount"], 2, "counts are filled on pages without a count sort");
        for (query, error) in [
            ("?filter=bogus", "Unsupported host filter"),
            ("?sort=bogus", "Unsupported sort field"),
            ("?order=sideways", "Unsupported sort order"),
            ("?filter=offline&limit=10", "offline filter is not supported with server-side pagination"),
        ] {
            let (status, body) = admin.get(&format!("/api/v1/dashboard/hosts{query}")).await;
            assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some(error)), "{query}");
        }
        let too_many = vec!["x"; 1001].join(",");
        let (status, body) = admin.get(&format!("/api/v1/dashboard/hosts?filter=selected&selected={too_many}")).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("too many selected hosts requested")));
    }

    async fn host_detail_and_small_lists(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let Fleet { web1, .. } = seed(&server, &admin).await;
        let (status, host) = admin.get(&format!("/api/v1/dashboard/hosts/{web1}?limit=1")).await;
        assert_eq!(status, StatusCode::OK, "{host}");
        assert_eq!(host["friendly_name"], "web-1");
        assert_eq!(host["stats"]["total_packages"], 3);
        assert_eq!(host["stats"]["outdated_packages"], 2);
        assert_eq!(host["stats"]["security_updates"], 1);
        assert_eq!(host["host_packages"].as_array().unwrap().len(), 3);
        assert!(host["host_packages"][0]["packages"]["name"].is_string());
        assert_eq!(host["update_history"].as_array().unwrap().len(), 1);
        assert_eq!(host["pagination"]["total"], 1);
        assert_eq!(host["pagination"]["hasMore"], false);
        let (status, body) = admin.get("/api/v1/dashboard/hosts/nope").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Host not found")));

        let (_, recent) = admin.get("/api/v1/dashboard/recent-collection").await;
        assert_eq!(recent.as_array().unwrap().len(), 4);
        assert!(recent[0]["last_update"].is_string());
        let (_, users) = admin.get("/api/v1/dashboard/recent-users").await;
        assert_eq!(users[0]["username"], "admin");
        let (_, options) = admin.get("/api/v1/dashboard/host-filter-options").await;
        let total: i64 = options["osDistribution"].as_array().unwrap().iter().map(|e| e["count"].as_i64().unwrap()).sum();
        assert_eq!(total, 3, "active hosts only");
        let (_, outdated) = admin.get("/api/v1/dashboard/packages").await;
        let outdated = outdated.as_array().unwrap();
        assert_eq!(outdated.len(), 2);
        let openssl = outdated.iter().find(|p| p["name"] == "openssl").unwrap();
        assert_eq!((openssl["affectedHostsCount"].as_i64(), openssl["isSecurityUpdate"].as_bool()), (Some(2), Some(true)));
    }
}
