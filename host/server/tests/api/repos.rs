//! Repositories: list (bare array and envelope), security summary, per-host links, edits and
//! orphan clean-up, on a fleet seeded through the agent endpoint.

use crate::common::fleet::seed;
use crate::common::{Backend, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn by_url<'a>(items: &'a Value, url: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"] == url)
        .unwrap_or_else(|| panic!("{url} missing: {items}"))
}

backend_tests! {
    async fn list_summary_and_links(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let fleet = seed(&server, &admin).await;

        let (status, list) = admin.get("/api/v1/repositories").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 2, "bare array without paging parameters");
        let secure = by_url(&list, "https://deb.debian.org/debian");
        assert_eq!((secure["hostCount"].as_i64(), secure["enabledHostCount"].as_i64(), secure["isSecure"].as_bool()), (Some(3), Some(3), Some(true)));
        let insecure = by_url(&list, "http://mirror.example/debian");
        assert_eq!((insecure["hostCount"].as_i64(), insecure["isSecure"].as_bool()), (Some(1), Some(false)));

        let (_, page) = admin.get("/api/v1/repositories?limit=1&sort=hostCount&order=desc").await;
        assert_eq!((page["total"].as_i64(), page["limit"].as_i64()), (Some(2), Some(1)));
        assert_eq!(page["items"][0]["url"], "https://deb.debian.org/debian");
        let (_, insecure_only) = admin.get("/api/v1/repositories?type=insecure").await;
        assert_eq!(insecure_only.as_array().unwrap().len(), 1);
        let (_, for_db) = admin.get(&format!("/api/v1/repositories?host={}", fleet.db1)).await;
        assert_eq!(for_db.as_array().unwrap().len(), 1);
        let (status, body) = admin.get("/api/v1/repositories?sort=secret").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Unsupported sort field")));

        let (_, summary) = admin.get("/api/v1/repositories/stats/summary").await;
        assert_eq!(summary, json!({"totalRepositories": 2, "activeRepositories": 2, "secureRepositories": 1, "enabledHostRepositories": 4, "securityPercentage": 50}));

        let (_, links) = admin.get(&format!("/api/v1/repositories/host/{}", fleet.web1)).await;
        assert_eq!(links.as_array().unwrap().len(), 2);
        let repo_id = by_url(&list, "http://mirror.example/debian")["id"].as_str().unwrap().to_string();
        let (status, body) = admin.patch(&format!("/api/v1/repositories/host/{}/repository/{repo_id}", fleet.web1), json!({"isEnabled": false})).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Repository disabled for host web-1")));
        assert_eq!(body["hostRepository"]["is_enabled"], false);
        let (status, body) = admin.patch(&format!("/api/v1/repositories/host/{}/repository/{repo_id}", fleet.db1), json!({"isEnabled": false})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Host repository not found")));

        let (status, detail) = admin.get(&format!("/api/v1/repositories/{repo_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(detail["host_repositories"][0]["hosts"]["friendly_name"], "web-1");
        assert_eq!(admin.get("/api/v1/repositories/00000000-0000-0000-0000-000000000000").await.0, StatusCode::NOT_FOUND);
    }

    async fn edit_delete_and_clean_up(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let fleet = seed(&server, &admin).await;
        let (_, list) = admin.get("/api/v1/repositories").await;
        let mirror = by_url(&list, "http://mirror.example/debian")["id"].as_str().unwrap().to_string();

        let (status, body) = admin.put(&format!("/api/v1/repositories/{mirror}"), json!({"name": "Local mirror", "isActive": false, "priority": "10"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["name"].as_str(), body["is_active"].as_bool(), body["priority"].as_i64()), (Some("Local mirror"), Some(false), Some(10)));
        let (status, body) = admin.put(&format!("/api/v1/repositories/{mirror}"), json!({"name": " "})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Name is required")));
        let (_, body) = admin.put(&format!("/api/v1/repositories/{mirror}"), json!({"priority": ""})).await;
        assert!(body.get("priority").is_none(), "empty priority clears it");

        let (_, none) = admin.delete("/api/v1/repositories/cleanup/orphaned").await;
        assert_eq!(none, json!({"message": "No orphaned repositories found", "deletedCount": 0, "deletedRepositories": []}));
        // Deleting the only host that used the mirror orphans it.
        admin.delete(&format!("/api/v1/hosts/{}", fleet.web1)).await;
        let (_, cleaned) = admin.delete("/api/v1/repositories/cleanup/orphaned").await;
        assert_eq!(cleaned["deletedCount"], 1);
        assert_eq!(cleaned["deletedRepositories"][0]["id"], mirror.as_str());

        let (_, list) = admin.get("/api/v1/repositories").await;
        let secure = by_url(&list, "https://deb.debian.org/debian")["id"].as_str().unwrap().to_string();
        let (status, body) = admin.delete(&format!("/api/v1/repositories/{secure}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["deletedRepository"]["hostCount"], 2);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_repositories").await, 0);
        let viewer = server.user_with_role(&admin, "viewer", "readonly").await;
        assert_eq!(viewer.delete("/api/v1/repositories/cleanup/orphaned").await.0, StatusCode::FORBIDDEN);
    }
}
