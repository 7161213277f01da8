//! Hosts and host groups, admin side.

use crate::common::{Backend, Client, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn create_host(admin: &Client, name: &str, groups: &[&str]) -> Value {
    let (status, body) = admin
        .post(
            "/api/v1/hosts/create",
            json!({"friendly_name": name, "hostGroupIds": groups}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn create_group(admin: &Client, name: &str) -> String {
    let (status, body) = admin
        .post("/api/v1/host-groups", json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

backend_tests! {
    async fn create_host_returns_credentials_once_and_stores_only_a_keyed_hash(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let web = create_group(&admin, "Web").await;
        let created = create_host(&admin, "web-01", &[&web]).await;
        assert_eq!(created["message"], "Host created successfully");
        let api_id = created["apiId"].as_str().unwrap();
        let api_key = created["apiKey"].as_str().unwrap();
        assert!(api_id.starts_with("patchmon_") && api_id.len() == 25, "{api_id}");
        assert_eq!(api_key.len(), 64);
        assert_eq!(created["hostGroups"][0]["name"], "Web");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE api_key_hash = '{api_key}'")).await, 0);
        let keyed = server.state.keys.credential_hash(api_key);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE api_key_hash = '{keyed}'")).await, 1);

        let id = created["hostId"].as_str().unwrap();
        let (status, host) = admin.get(&format!("/api/v1/hosts/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(host["status"], "pending");
        assert_eq!(host["effective_status"], "pending");
        assert_eq!(host["os_type"], "unknown");
        assert_eq!(host["auto_update"], false);
        assert!(host.get("api_key").is_none() && host.get("api_key_hash").is_none());
        let text = host.to_string();
        assert!(!text.contains(api_key));

        let (status, body) = admin.post(&format!("/api/v1/hosts/{id}/regenerate-credentials"), json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_ne!(body["apiId"], api_id);
        assert_eq!(body["warning"], "Previous credentials are now invalid. Update your agent configuration.");
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM hosts WHERE api_key_hash = '{keyed}'")).await, 0);
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'host_credentials_regenerated'").await, 1);

        let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "  "})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Friendly name is required")));
        let (status, body) = admin.post("/api/v1/hosts/create", json!({"friendly_name": "x", "hostGroupIds": ["nope"]})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("One or more host groups not found")));
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 1, "refused creates write nothing");
    }

    async fn list_filter_sort_paginate(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let db = create_group(&admin, "Databases").await;
        for i in 0..7 {
            let groups: Vec<&str> = if i % 2 == 0 { vec![db.as_str()] } else { vec![] };
            create_host(&admin, &format!("host-{i:02}"), &groups).await;
        }
        let (_, page) = admin.get("/api/v1/hosts/admin/list?page=2&pageSize=3&sort=friendly_name&order=asc").await;
        assert_eq!(page["pagination"], json!({"total": 7, "page": 2, "pageSize": 3, "totalPages": 3}));
        let names: Vec<&str> = page["data"].as_array().unwrap().iter().map(|h| h["friendly_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["host-03", "host-04", "host-05"]);
        let (_, grouped) = admin.get(&format!("/api/v1/hosts/admin/list?group={db}")).await;
        assert_eq!(grouped["pagination"]["total"], 4);
        let (_, ungrouped) = admin.get("/api/v1/hosts/admin/list?group=ungrouped").await;
        assert_eq!(ungrouped["pagination"]["total"], 3);
        let (_, searched) = admin.get("/api/v1/hosts/admin/list?search=HOST-0_").await;
        assert_eq!(searched["pagination"]["total"], 0, "LIKE wildcards in search are literal");
        let (_, searched) = admin.get("/api/v1/hosts/admin/list?search=st-06").await;
        assert_eq!(searched["data"][0]["friendly_name"], "host-06");
        let (status, body) = admin.get("/api/v1/hosts/admin/list?sort=api_key_hash").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Unsupported sort field")));
        let (_, all) = admin.get("/api/v1/hosts").await;
        assert_eq!(all.as_array().unwrap().len(), 7);
        assert_eq!(all[0]["friendly_name"], "host-00");
        let (_, options) = admin.get("/api/v1/hosts/options?search=06&limit=5").await;
        assert_eq!(options.as_array().unwrap().len(), 1);
        assert_eq!(options[0]["friendly_name"], "host-06");
    }

    async fn edit_group_membership_and_delete_hosts(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let a = create_group(&admin, "A").await;
        let b = create_group(&admin, "B").await;
        let h1 = create_host(&admin, "one", &[&a]).await["hostId"].as_str().unwrap().to_string();
        let h2 = create_host(&admin, "two", &[&a]).await["hostId"].as_str().unwrap().to_string();

        let (status, body) = admin.put(&format!("/api/v1/hosts/{h1}/groups"), json!({"groupIds": [b.clone()]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["host"]["host_group_memberships"].as_array().unwrap().len(), 1);
        assert_eq!(body["host"]["host_group_memberships"][0]["name"], "B");

        // Bulk set replaces memberships, it does not add to them.
        let (status, body) = admin.put("/api/v1/hosts/bulk/groups", json!({"hostIds": [h1.clone(), h2.clone()], "groupIds": [a.clone()]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["updatedCount"], 2);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_group_memberships").await, 2);
        let (status, body) = admin.put("/api/v1/hosts/bulk/groups", json!({"hostIds": [], "groupIds": [a.clone()]})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Host IDs must be an array")));

        let (status, body) = admin.patch(&format!("/api/v1/hosts/{h1}/friendly-name"), json!({"friendly_name": "renamed"})).await;
        assert_eq!((status, body["host"]["friendly_name"].as_str()), (StatusCode::OK, Some("renamed")));
        let (status, body) = admin.patch(&format!("/api/v1/hosts/{h1}/notes"), json!({"notes": "rack 4"})).await;
        assert_eq!((status, body["host"]["notes"].as_str()), (StatusCode::OK, Some("rack 4")));
        let (status, body) = admin.patch(&format!("/api/v1/hosts/{h1}/connection"), json!({"ip": "192.0.2.7", "hostname": "one.example"})).await;
        assert_eq!((status, body["host"]["ip"].as_str()), (StatusCode::OK, Some("192.0.2.7")));
        let (status, _) = admin.patch(&format!("/api/v1/hosts/{h1}/connection"), json!({"ip": "not-an-ip"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = admin.patch(&format!("/api/v1/hosts/{h1}/auto-update"), json!({"auto_update": true})).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Agent auto-update enabled successfully")));

        let (status, body) = admin.delete_with("/api/v1/hosts/bulk", json!({"hostIds": [h1.clone(), "missing"]})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("Some hosts not found")));
        assert_eq!(server.count("SELECT COUNT(*) FROM hosts").await, 2, "all or nothing");
        let (status, body) = admin.delete_with("/api/v1/hosts/bulk", json!({"hostIds": [h1.clone(), h2.clone()]})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["deletedCount"], 2);
        assert_eq!(server.count("SELECT COUNT(*) FROM host_group_memberships").await, 0, "memberships cascade");
        assert_eq!(admin.get(&format!("/api/v1/hosts/{h1}")).await.0, StatusCode::NOT_FOUND);
    }

    async fn host_group_rules(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, group) = admin.post("/api/v1/host-groups", json!({"name": "Edge", "description": "PoPs"})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(group["color"], "#3B82F6");
        assert_eq!(group["_count"]["hosts"], 0);
        let id = group["id"].as_str().unwrap().to_string();
        let (status, body) = admin.post("/api/v1/host-groups", json!({"name": "Edge"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("A host group with this name already exists")));
        let (status, body) = admin.post("/api/v1/host-groups", json!({"name": ""})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Name is required")));
        let (status, _) = admin.post("/api/v1/host-groups", json!({"name": "Bad", "color": "blue"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = admin.put(&format!("/api/v1/host-groups/{id}"), json!({"color": "#10B981"})).await;
        assert_eq!((status, body["color"].as_str(), body["name"].as_str()), (StatusCode::OK, Some("#10B981"), Some("Edge")));

        let host = create_host(&admin, "pop-1", &[&id]).await["hostId"].as_str().unwrap().to_string();
        let (_, hosts) = admin.get(&format!("/api/v1/host-groups/{id}/hosts")).await;
        assert_eq!(hosts[0]["id"], host.as_str());
        let (status, body) = admin.delete(&format!("/api/v1/host-groups/{id}")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"], "Cannot delete host group \"Edge\": it still has 1 host(s). Move or remove them first.");
        assert_eq!(server.count("SELECT COUNT(*) FROM host_groups").await, 1);
        admin.put(&format!("/api/v1/hosts/{host}/groups"), json!({"groupIds": []})).await;
        let (status, body) = admin.delete(&format!("/api/v1/host-groups/{id}")).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Host group deleted successfully")));
        assert_eq!(admin.get(&format!("/api/v1/host-groups/{id}")).await.0, StatusCode::NOT_FOUND);
    }
}
