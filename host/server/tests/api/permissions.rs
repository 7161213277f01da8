//! The permission matrix: every route in the route table, called by every built-in role (and by
//! nobody). Generated from the table itself, so a new route is covered the moment it exists.

use crate::common::integrations::{self, call};
use crate::common::{Backend, TestServer, ADMIN_PASSWORD};
use patchmon_server::credentials::CredentialType;
use patchmon_server::http::Access;
use patchmon_server::rbac::{
    built_in_permissions, ADMIN, HOST_MANAGER, READONLY, SUPERADMIN, USER,
};
use reqwest::StatusCode;
use serde_json::json;

/// A concrete path for a route pattern: parameters become a well-formed id that matches nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "00000000-0000-0000-0000-000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

backend_tests! {
    async fn every_route_enforces_its_declared_permission(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        for (name, role) in [("adm", ADMIN), ("hostmgr", HOST_MANAGER), ("plainuser", USER), ("viewer", READONLY)] {
            server.user_with_role(&admin, name, role).await;
        }
        let routes = patchmon_server::app::routes();
        assert!(routes.len() > 40, "route table looks incomplete: {}", routes.len());
        let mut checked = 0;
        for (username, role) in [("admin", SUPERADMIN), ("adm", ADMIN), ("hostmgr", HOST_MANAGER), ("plainuser", USER), ("viewer", READONLY)] {
            let permissions = built_in_permissions(role).unwrap();
            for route in &routes {
                if !matches!(route.access, Access::User | Access::Permission(_)) {
                    continue;
                }
                // A fresh session per call: some routes (logout, revoke sessions) end the session.
                let client = server.login(username, ADMIN_PASSWORD).await;
                let path = format!("/api/v1{}", concrete(route.path));
                let (status, body) = client.send(route.method.clone(), &path, Some(json!({}))).await;
                let denied = status == StatusCode::FORBIDDEN && body["error"] == "Insufficient permissions";
                let allowed = match route.access {
                    Access::Permission(p) => permissions.has(p),
                    _ => true,
                };
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{role} {} {path}: {body}", route.method);
                assert_eq!(denied, !allowed, "{role} {} {path} -> {status} {body}", route.method);
                checked += 1;
            }
        }
        let superadmin = server.login("admin", ADMIN_PASSWORD).await;
        let (_, host) = superadmin.post("/api/v1/hosts/create", json!({"friendly_name": "matrix-agent"})).await;
        let agent_headers = |request: reqwest::RequestBuilder| {
            request
                .header("X-API-ID", host["apiId"].as_str().unwrap())
                .header("X-API-KEY", host["apiKey"].as_str().unwrap())
        };
        let full_scopes = json!({"host": ["get", "put", "patch", "update", "delete"]});
        let api = integrations::api(&superadmin, full_scopes).await;
        let widget = integrations::create(&superadmin, json!({"metadata": {"integration_type": "gethomepage"}})).await;
        let scraper = integrations::create(&superadmin, json!({"metadata": {"integration_type": "prometheus"}})).await;
        let enroller = integrations::enrollment(&superadmin, json!({})).await;
        for route in &routes {
            if route.access == Access::Public {
                continue;
            }
            let path = format!("/api/v1{}", concrete(route.path));
            let (status, body) = server.browser().send(route.method.clone(), &path, Some(json!({}))).await;
            let expected = match route.access {
                Access::Agent | Access::AgentCheckIn => "API credentials required",
                Access::ApiCredential(..) => "Missing or invalid authorization header",
                Access::EnrollmentToken => "Auto-enrollment credentials required",
                _ => "Unauthorized",
            };
            assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some(expected)), "anonymous {} {path}", route.method);
            // Agent and integration routes refuse user sessions; user routes refuse agent
            // credentials and integration credentials.
            let response = if matches!(route.access, Access::User | Access::Permission(_)) {
                agent_headers(server.browser().request(route.method.clone(), &path, None)).send().await.unwrap()
            } else {
                superadmin.request(route.method.clone(), &path, None).send().await.unwrap()
            };
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "wrong credential kind on {} {path}", route.method);
            if matches!(route.access, Access::User | Access::Permission(_)) {
                let (status, _) = call(&server, route.method.clone(), &path, Some(&api.basic()), &[], None).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "api credential on {} {path}", route.method);
            }
            // Each integration route takes its own credential type and refuses the others.
            if let Access::ApiCredential(kind, _) = route.access {
                for (credential_kind, credential) in [(CredentialType::Api, &api), (CredentialType::GetHomepage, &widget), (CredentialType::Prometheus, &scraper)] {
                    let (status, body) = credential.send(&server, route.method.clone(), &path).await;
                    if credential_kind == kind {
                        assert!(status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN, "{credential_kind:?} credential on {} {path}: {status} {body}", route.method);
                    } else {
                        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid API key type")), "{credential_kind:?} credential on {} {path}", route.method);
                    }
                }
                checked += 1;
            }
            if route.access == Access::EnrollmentToken {
                let (status, body) = api.enroll(&server, &path, json!({})).await;
                assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid token type")), "api credential enrolling on {path}");
                let (status, body) = enroller.enroll(&server, &path, json!({})).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "enrollment credential on {path}: {body}");
                checked += 1;
            }
            if matches!(route.access, Access::Agent | Access::AgentCheckIn) {
                let response = agent_headers(server.browser().request(route.method.clone(), &path, None)).send().await.unwrap();
                assert_ne!(response.status(), StatusCode::UNAUTHORIZED, "agent on {} {path}", route.method);
                checked += 1;
            }
        }
        assert!(checked > 200);
    }

    async fn user_permissions_reflect_the_role(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let viewer = server.user_with_role(&admin, "viewer", READONLY).await;
        let (status, body) = viewer.get("/api/v1/permissions/user-permissions").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["can_view_hosts"], true);
        assert_eq!(body["can_manage_hosts"], false);
        assert_eq!(body.as_object().unwrap().len(), 20);
        let (_, body) = admin.get("/api/v1/permissions/user-permissions").await;
        assert!(body.as_object().unwrap().values().all(|v| v == true));
    }
}
