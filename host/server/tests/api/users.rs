//! User administration and roles: rank rules, the last superadmin, custom roles.

use crate::common::{Backend, TestServer, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

backend_tests! {
    async fn create_list_update_delete_users(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "bob", "email": "bob@x.io", "password": ADMIN_PASSWORD, "first_name": "Bob"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["user"]["role"], "user", "default role");
        let bob = body["user"]["id"].as_str().unwrap().to_string();
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "BOB", "email": "other@x.io", "password": ADMIN_PASSWORD})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("Username or email already exists")));
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "carol", "email": "c@x.io", "password": "weakpass"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("password must contain at least one uppercase letter")));
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "dan", "email": "d@x.io", "password": ADMIN_PASSWORD, "role": "no_such_role"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let (_, list) = admin.get("/api/v1/auth/admin/users?page=1&pageSize=1").await;
        assert_eq!(list["pagination"], json!({"total": 2, "page": 1, "pageSize": 1, "totalPages": 2}));
        assert_eq!(list["data"][0]["username"], "admin");
        let (_, list) = admin.get("/api/v1/auth/admin/users?all=true").await;
        assert_eq!(list["data"].as_array().unwrap().len(), 2);
        let (_, assign) = admin.get("/api/v1/auth/users/for-assignment").await;
        assert_eq!(assign["data"].as_array().unwrap().len(), 2);

        let bob_client = server.login("bob", ADMIN_PASSWORD).await;
        let (status, body) = admin.put(&format!("/api/v1/auth/admin/users/{bob}"), json!({"role": "host_manager"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(bob_client.get("/api/v1/auth/profile").await.0, StatusCode::UNAUTHORIZED, "role change ends sessions");

        let (status, body) = admin.post(&format!("/api/v1/auth/admin/users/{bob}/reset-password"), json!({"newPassword": "R3set-Passw0rd!"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        server.login("bob", "R3set-Passw0rd!").await;
        let (status, _) = admin.put(&format!("/api/v1/auth/admin/users/{bob}"), json!({"is_active": false})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = server.browser().post("/api/v1/auth/login", json!({"username": "bob", "password": "R3set-Passw0rd!"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Account is disabled")));

        let (status, _) = admin.delete(&format!("/api/v1/auth/admin/users/{bob}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(admin.delete(&format!("/api/v1/auth/admin/users/{bob}")).await.0, StatusCode::NOT_FOUND);
        let logged = server.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('user_created', 'user_updated', 'user_password_reset', 'user_deleted')").await;
        assert_eq!(logged, 5);
    }

    async fn rank_rules_and_the_last_superadmin(backend: Backend) {
        let server = TestServer::start(backend).await;
        let root = server.admin().await;
        let (_, me) = root.get("/api/v1/auth/profile").await;
        let root_id = me["user"]["id"].as_str().unwrap().to_string();
        let admin = server.user_with_role(&root, "admin2", "admin").await;
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "sneaky", "email": "s@x.io", "password": ADMIN_PASSWORD, "role": "superadmin"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("You do not have permission to assign the role: superadmin")));
        let (status, body) = admin.post("/api/v1/auth/admin/users", json!({"username": "peer", "email": "p@x.io", "password": ADMIN_PASSWORD, "role": "admin"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only a superadmin creates admins: {body}");
        let (status, body) = admin.put(&format!("/api/v1/auth/admin/users/{root_id}"), json!({"first_name": "x"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("Cannot modify a user with a higher-privilege role")));
        let (status, _) = admin.delete(&format!("/api/v1/auth/admin/users/{root_id}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, body) = root.delete(&format!("/api/v1/auth/admin/users/{root_id}")).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot delete your own account")));
        let (status, body) = root.put(&format!("/api/v1/auth/admin/users/{root_id}"), json!({"role": "admin"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot change your own role")));

        // A second superadmin cannot strand the first: demoting the last one is refused.
        let (status, body) = root.post("/api/v1/auth/admin/users", json!({"username": "root2", "email": "r2@x.io", "password": ADMIN_PASSWORD, "role": "superadmin"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let root2_id = body["user"]["id"].as_str().unwrap().to_string();
        let root2 = server.login("root2", ADMIN_PASSWORD).await;
        let (status, _) = root2.put(&format!("/api/v1/auth/admin/users/{root_id}"), json!({"role": "admin"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = server.login("admin", ADMIN_PASSWORD).await.put(&format!("/api/v1/auth/admin/users/{root2_id}"), json!({"role": "admin"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot demote a superadmin: {body}");
        assert_eq!(server.count("SELECT COUNT(*) FROM users WHERE role = 'superadmin' AND is_active = TRUE").await, 1);
        let (status, body) = root2.put(&format!("/api/v1/auth/admin/users/{root2_id}"), json!({"is_active": false})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }

    async fn custom_roles(backend: Backend) {
        let server = TestServer::start(backend).await;
        let root = server.admin().await;
        let (status, body) = root.put("/api/v1/permissions/roles/auditor", json!({"can_view_hosts": true, "can_view_reports": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["permissions"]["can_view_hosts"], true);
        assert_eq!(body["permissions"]["can_view_dashboard"], false, "omitted flags are false");
        let (status, body) = root.put("/api/v1/permissions/roles/admin", json!({"can_view_hosts": true})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot modify built-in role permissions")));
        let (status, _) = root.put("/api/v1/permissions/roles/readonly", json!({"can_view_hosts": true, "can_view_dashboard": true})).await;
        assert_eq!(status, StatusCode::OK, "readonly stays editable, as upstream");
        let (status, body) = root.put("/api/v1/permissions/roles/Bad%20Name", json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, body) = root.put("/api/v1/permissions/roles/auditor", json!({"can_fly": true})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Unknown permission: can_fly")));

        let auditor = server.user_with_role(&root, "audrey", "auditor").await;
        assert_eq!(auditor.get("/api/v1/hosts").await.0, StatusCode::OK);
        assert_eq!(auditor.get("/api/v1/auth/admin/users").await.0, StatusCode::FORBIDDEN);
        let (_, roles) = root.get("/api/v1/permissions/roles").await;
        assert_eq!(roles.as_array().unwrap().len(), 6);

        let (status, body) = root.delete("/api/v1/permissions/roles/auditor").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot delete role: users are assigned to it")));
        let (status, body) = root.delete("/api/v1/permissions/roles/user").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot delete built-in role")));

        // A custom admin-like role cannot grant what its holder lacks.
        root.put("/api/v1/permissions/roles/delegate", json!({"can_manage_settings": true, "can_view_users": true, "can_manage_users": true})).await;
        let delegate = server.user_with_role(&root, "dee", "delegate").await;
        let (status, body) = delegate.put("/api/v1/permissions/roles/escalate", json!({"can_manage_billing": true})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = delegate.post("/api/v1/auth/admin/users", json!({"username": "hostie", "email": "hm@x.io", "password": ADMIN_PASSWORD, "role": "host_manager"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "custom roles rank below host_manager: {body}");
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'role_updated'").await, 3);
    }
}
