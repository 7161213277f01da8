//! Sign-in flows: first-run setup, login and lockout, refresh-token rotation and reuse
//! detection, sessions and inactivity, logout, profile and password changes.

use crate::common::{Backend, TestServer, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

backend_tests! {
    async fn first_run_setup_happens_once(backend: Backend) {
        let server = TestServer::start(backend).await;
        let anon = server.browser();
        let (_, settings) = anon.get("/api/v1/settings/login-settings").await;
        assert_eq!(settings["hasAdminUsers"], false);

        let (status, body) = anon.post("/api/v1/auth/setup-admin", json!({"firstName": "", "lastName": "x", "username": "a", "email": "a@x", "password": "x"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("All fields are required")));
        let (status, body) = anon.post("/api/v1/auth/setup-admin", json!({"firstName": "A", "lastName": "B", "username": "admin", "email": "a@x.io", "password": "weak"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("password must be at least 8 characters")));
        assert_eq!(server.count("SELECT COUNT(*) FROM users").await, 0, "refused setup writes nothing");

        let admin = server.admin().await;
        let (_, profile) = admin.get("/api/v1/auth/profile").await;
        assert_eq!(profile["user"]["role"], "superadmin");
        assert_eq!(profile["user"]["has_password"], true);
        let (_, settings) = anon.get("/api/v1/settings/login-settings").await;
        assert_eq!(settings["hasAdminUsers"], true);

        let (status, body) = anon.post("/api/v1/auth/setup-admin", json!({"firstName": "E", "lastName": "V", "username": "eve", "email": "eve@x.io", "password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "Admin users already exist. This endpoint is only for first-time setup.");
        assert_eq!(server.count("SELECT COUNT(*) FROM users").await, 1);
    }

    async fn concurrent_first_run_creates_one_admin(backend: Backend) {
        let server = TestServer::start(backend).await;
        let attempts = (0..6).map(|i| {
            let client = server.browser();
            async move {
                client.post("/api/v1/auth/setup-admin", json!({
                    "firstName": "A", "lastName": "B", "username": format!("admin{i}"),
                    "email": format!("admin{i}@x.io"), "password": ADMIN_PASSWORD,
                })).await.0
            }
        });
        let statuses = futures::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
        assert_eq!(server.count("SELECT COUNT(*) FROM users").await, 1);
    }

    async fn login_by_username_or_email_and_cookies_work(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.admin().await;
        let browser = server.browser();
        let (status, body) = browser.post("/api/v1/auth/login", json!({"username": "ADMIN@example.com", "password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"], "Login successful");
        assert_eq!(body["expires_in"], 3600);
        assert_eq!(body["user"]["username"], "admin");
        assert!(body["user"].get("tfa_enabled").is_none());
        // The browser authenticates with the HttpOnly cookie alone.
        let (status, _) = browser.cookies_only().get("/api/v1/auth/profile").await;
        assert_eq!(status, StatusCode::OK);

        let (status, body) = browser.post("/api/v1/auth/login", json!({"username": "", "password": "x"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("username and password required")));
        let (status, body) = server.browser().get("/api/v1/auth/profile").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Unauthorized")));
        let mut forged = server.browser();
        forged.token = Some("not.a.jwt".into());
        let (status, body) = forged.get("/api/v1/auth/profile").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid token")));
    }

    async fn lockout_after_repeated_failures_then_expiry(backend: Backend) {
        let server = TestServer::start_with(backend, &[("MAX_LOGIN_ATTEMPTS", "3"), ("LOCKOUT_DURATION_MINUTES", "0.03")]).await;
        server.admin().await;
        let client = server.browser();
        for expected in [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED] {
            let (status, body) = client.post("/api/v1/auth/login", json!({"username": "admin", "password": "wrong"})).await;
            assert_eq!((status, body["error"].as_str()), (expected, Some("Invalid credentials")));
        }
        let (status, body) = client.post("/api/v1/auth/login", json!({"username": "admin", "password": "wrong"})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["message"], "Too many failed login attempts. Try again later.");
        assert!(body["remaining_seconds"].as_u64().unwrap() >= 1);
        // Locked: even the right password is refused, and from another client too.
        let (status, _) = server.browser().post("/api/v1/auth/login", json!({"username": "Admin", "password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
        let (status, body) = client.post("/api/v1/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "lock expired: {body}");

        // Unknown accounts count too, so lockouts reveal nothing about which names exist.
        for _ in 0..2 {
            client.post("/api/v1/auth/login", json!({"username": "ghost", "password": "x"})).await;
        }
        let (status, _) = client.post("/api/v1/auth/login", json!({"username": "ghost", "password": "x"})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let failures = server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").await;
        assert_eq!(failures, 6);
    }

    async fn refresh_rotates_and_reuse_revokes_the_session(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.admin().await;
        let client = server.browser();
        let (_, login) = client.post("/api/v1/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD})).await;
        let first = login["refresh_token"].as_str().unwrap().to_string();

        let (status, body) = client.post("/api/v1/auth/refresh", json!({"refresh_token": first})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = body["refresh_token"].as_str().unwrap().to_string();
        assert_ne!(first, second, "refresh token rotates");
        let access = body["token"].as_str().unwrap().to_string();

        // Within the grace period an old token gets an access token but no new refresh token.
        let (status, body) = server.browser().post("/api/v1/auth/refresh", json!({"refresh_token": first})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("refresh_token").is_none());

        // After the grace period, presenting the old token is theft: the session is revoked.
        server.execute("UPDATE user_sessions SET rotated_at = '2000-01-01T00:00:00Z'").await;
        let (status, body) = server.browser().post("/api/v1/auth/refresh", json!({"refresh_token": first})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Session expired")));
        let (status, _) = server.browser().post("/api/v1/auth/refresh", json!({"refresh_token": second})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the whole family is revoked");
        let mut with_access = server.browser();
        with_access.token = Some(access);
        let (status, body) = with_access.get("/api/v1/auth/profile").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Session expired")));
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'refresh_token_reuse'").await, 1);

        let (status, body) = server.browser().post("/api/v1/auth/refresh", json!({})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Missing refresh token")));
    }

    async fn refresh_by_cookie_rotates_cookies(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.admin().await;
        let browser = server.login("admin", ADMIN_PASSWORD).await.cookies_only();
        let response = browser.request(reqwest::Method::POST, "/api/v1/auth/refresh", None).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("token=") && c.contains("HttpOnly")), "{cookies:?}");
        assert!(cookies.iter().any(|c| c.starts_with("refresh_token=")), "{cookies:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["expires_at"].is_string());
        assert!(body.get("refresh_token").is_none(), "cookie clients never see tokens in the body");
        let (status, _) = browser.get("/api/v1/auth/profile").await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn sessions_list_revoke_inactivity_and_logout(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.admin().await;
        let laptop = server.login("admin", ADMIN_PASSWORD).await;
        let phone = server.login("admin", ADMIN_PASSWORD).await;
        let (_, body) = laptop.get("/api/v1/auth/sessions").await;
        let sessions = body["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 3);
        assert_eq!(sessions.iter().filter(|s| s["is_current_session"] == true).count(), 1);
        let current = sessions.iter().find(|s| s["is_current_session"] == true).unwrap()["id"].as_str().unwrap().to_string();
        let (status, body) = laptop.delete(&format!("/api/v1/auth/sessions/{current}")).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Cannot revoke current session")));
        let (status, _) = laptop.delete("/api/v1/auth/sessions/00000000-0000-0000-0000-000000000000").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, body) = laptop.delete("/api/v1/auth/sessions").await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("All other sessions revoked successfully")));
        assert_eq!(phone.get("/api/v1/auth/profile").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(laptop.get("/api/v1/auth/profile").await.0, StatusCode::OK);

        // Idle beyond the timeout: the session ends, and says why.
        server.execute("UPDATE user_sessions SET last_activity = '2000-01-01T00:00:00Z'").await;
        server.state.settings.invalidate().await;
        let (status, body) = laptop.get("/api/v1/auth/profile").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Session expired due to inactivity")));

        let fresh = server.login("admin", ADMIN_PASSWORD).await;
        let (status, body) = fresh.post("/api/v1/auth/logout", json!({})).await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("Logged out")));
        assert_eq!(fresh.get("/api/v1/auth/profile").await.0, StatusCode::UNAUTHORIZED);
    }

    async fn profile_update_and_password_change(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let other = server.login("admin", ADMIN_PASSWORD).await;
        let (status, body) = admin.put("/api/v1/auth/profile", json!({"firstName": "Grace", "last_name": null, "email": "GRACE@Example.com"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["user"]["first_name"], "Grace");
        assert!(body["user"].get("last_name").is_none());
        assert_eq!(body["user"]["email"], "grace@example.com");
        let (status, body) = admin.put("/api/v1/auth/profile", json!({"username": "ab"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Username must be at least 3 characters")));

        let (status, body) = admin.put("/api/v1/auth/change-password", json!({"currentPassword": "nope", "newPassword": "N3w-Passw0rd!"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Current password is incorrect")));
        let (status, body) = admin.put("/api/v1/auth/change-password", json!({"currentPassword": ADMIN_PASSWORD, "newPassword": "short"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("password must be at least 8 characters")));
        let (status, _) = admin.put("/api/v1/auth/change-password", json!({"currentPassword": ADMIN_PASSWORD, "newPassword": "N3w-Passw0rd!"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(admin.get("/api/v1/auth/profile").await.0, StatusCode::OK, "current session survives");
        assert_eq!(other.get("/api/v1/auth/profile").await.0, StatusCode::UNAUTHORIZED, "other sessions end");
        server.login("admin", "N3w-Passw0rd!").await;
        let stored: i64 = server.count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'").await;
        assert_eq!(stored, 1);
    }

    async fn bcrypt_hashes_from_patchmon_are_accepted_and_upgraded(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.admin().await;
        let legacy = bcrypt::hash("Legacy-Passw0rd!", 4).unwrap();
        server.execute(&format!("UPDATE users SET password_hash = '{legacy}'")).await;
        server.login("admin", "Legacy-Passw0rd!").await;
        assert_eq!(server.count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'").await, 1);
        server.login("admin", "Legacy-Passw0rd!").await;
    }

    async fn signup_respects_the_toggle(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let anon = server.browser();
        let body = json!({"firstName": "S", "lastName": "U", "username": "sam", "email": "sam@x.io", "password": ADMIN_PASSWORD});
        let (status, reply) = anon.post("/api/v1/auth/signup", body.clone()).await;
        assert_eq!((status, reply["error"].as_str()), (StatusCode::FORBIDDEN, Some("User signup is currently disabled")));
        assert_eq!(anon.get("/api/v1/auth/signup-enabled").await.1["signupEnabled"], false);
        let (status, reply) = admin.put("/api/v1/settings", json!({"signup_enabled": true})).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        assert_eq!(anon.get("/api/v1/auth/signup-enabled").await.1["signupEnabled"], true);
        let (status, reply) = anon.post("/api/v1/auth/signup", body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["user"]["role"], "user");
        let (status, reply) = anon.post("/api/v1/auth/signup", body).await;
        assert_eq!((status, reply["error"].as_str()), (StatusCode::CONFLICT, Some("Username or email already exists")));
    }
}
