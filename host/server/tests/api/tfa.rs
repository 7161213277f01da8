//! Two-factor authentication: enrolment, the second login step, backup codes (single use),
//! trusted devices (30 days, at most five, revocable), TFA lockout, disabling.

use crate::common::{Backend, Client, TestServer, ADMIN_PASSWORD};
use patchmon_server::tfa::{code_in, current_code};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Enrols TFA for the client's user; returns the secret and the backup codes.
async fn enrol(client: &Client) -> (String, Vec<String>) {
    let (status, setup) = client.get("/api/v1/tfa/setup").await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    assert!(setup["qrCode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert_eq!(setup["manualEntryKey"], secret.as_str());
    let (status, body) = client
        .post("/api/v1/tfa/verify-setup", json!({"token": "12345"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("Token must be exactly 6 digits")
        )
    );
    let code = current_code(&secret).unwrap();
    let (status, body) = client
        .post("/api/v1/tfa/verify-setup", json!({"token": code}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes: Vec<String> = body["backupCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// First login step; returns the TFA ticket.
async fn start_login(client: &Client) -> String {
    let (status, body) = client
        .post(
            "/api/v1/auth/login",
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["requiresTfa"], true, "{body}");
    assert!(
        body.get("token").is_none(),
        "no token before the second factor"
    );
    body["tfaTicket"].as_str().unwrap().to_string()
}

async fn verify(client: &Client, ticket: &str, token: &str, remember: bool) -> (StatusCode, Value) {
    client.post("/api/v1/auth/verify-tfa", json!({"username": "admin", "token": token, "tfa_ticket": ticket, "remember_me": remember})).await
}

backend_tests! {
    async fn enrol_and_log_in_with_totp_and_backup_codes(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (secret, codes) = enrol(&admin).await;
        let (_, status) = admin.get("/api/v1/tfa/status").await;
        assert_eq!(status, json!({"enabled": true, "hasBackupCodes": true}));
        let (status, body) = admin.get("/api/v1/tfa/setup").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Two-factor authentication is already enabled for this account")));
        let stored = server.count("SELECT COUNT(*) FROM users WHERE tfa_secret IS NOT NULL AND tfa_secret <> ''").await;
        assert_eq!(stored, 1);
        assert_eq!(server.count(&format!("SELECT COUNT(*) FROM users WHERE tfa_secret = '{secret}'")).await, 0, "secret is encrypted at rest");

        let browser = server.browser();
        let ticket = start_login(&browser).await;
        let (status, body) = verify(&browser, &ticket, &code_in(&secret, 30).unwrap(), false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"], "Login successful");
        let (status, body) = verify(&browser, &ticket, &current_code(&secret).unwrap(), false).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Login session expired, please sign in again")), "tickets are single use");

        // A TOTP code works once: replaying it on a new ticket fails, and the mistyped attempt
        // keeps the ticket so the user can retry on it.
        let ticket = start_login(&browser).await;
        let (status, body) = verify(&browser, &ticket, &code_in(&secret, 30).unwrap(), false).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid verification code")), "replayed code");
        let (status, body) = verify(&browser, &ticket, &codes[2], false).await;
        assert_eq!(status, StatusCode::OK, "same ticket, right code: {body}");

        // A backup code works once, case-insensitively.
        let ticket = start_login(&browser).await;
        let (status, _) = verify(&browser, &ticket, &codes[0].to_lowercase(), false).await;
        assert_eq!(status, StatusCode::OK);
        let ticket = start_login(&browser).await;
        let (status, body) = verify(&browser, &ticket, &codes[0], false).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"], "Invalid verification code");
        assert_eq!(body["remainingAttempts"], 4, "the successful login in between cleared the count");

        let (status, body) = admin.post("/api/v1/tfa/regenerate-backup-codes", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let fresh = body["backupCodes"][0].as_str().unwrap().to_string();
        let ticket = start_login(&browser).await;
        assert_eq!(verify(&browser, &ticket, &codes[1], false).await.0, StatusCode::UNAUTHORIZED, "old codes are gone");
        let ticket = start_login(&browser).await;
        assert_eq!(verify(&browser, &ticket, &fresh, false).await.0, StatusCode::OK);
        let actions = server.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('tfa_enabled', 'tfa_verified', 'tfa_failed', 'tfa_backup_codes_regenerated')").await;
        assert!(actions >= 6, "{actions}");
    }

    async fn wrong_codes_lock_tfa(backend: Backend) {
        let server = TestServer::start_with(backend, &[("MAX_TFA_ATTEMPTS", "3")]).await;
        let admin = server.admin().await;
        let (secret, _) = enrol(&admin).await;
        let browser = server.browser();
        let mut last = (StatusCode::OK, Value::Null);
        for _ in 0..3 {
            let ticket = start_login(&browser).await;
            last = verify(&browser, &ticket, "ZZZZZZ", false).await;
        }
        assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{}", last.1);
        assert_eq!(last.1["error"], "Too many failed TFA attempts. Please try again later.");
        let ticket = start_login(&browser).await;
        let (status, _) = verify(&browser, &ticket, &current_code(&secret).unwrap(), false).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked even with a right code");
    }

    async fn trusted_devices_skip_tfa_and_can_be_revoked(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (secret, codes) = enrol(&admin).await;
        let browser = server.browser();
        let ticket = start_login(&browser).await;
        let (status, body) = verify(&browser, &ticket, &code_in(&secret, 30).unwrap(), true).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["tfa_bypass_until"].is_string());
        // This browser now skips the second step; another does not.
        let (_, body) = browser.post("/api/v1/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD})).await;
        assert_eq!(body["message"], "Login successful", "{body}");
        start_login(&server.browser()).await;

        let (_, body) = browser.get("/api/v1/auth/trusted-devices").await;
        let devices = body["trusted_devices"].as_array().unwrap().clone();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0]["is_current"], true);

        // At most five devices are kept. (Each TOTP code works once, so these use backup codes.)
        for code in codes.iter().take(6) {
            let other = server.browser();
            let ticket = start_login(&other).await;
            assert_eq!(verify(&other, &ticket, code, true).await.0, StatusCode::OK);
        }
        let (_, body) = admin.get("/api/v1/auth/trusted-devices").await;
        assert_eq!(body["trusted_devices"].as_array().unwrap().len(), 5);

        let (status, body) = admin.delete("/api/v1/auth/trusted-devices").await;
        assert_eq!((status, body["message"].as_str()), (StatusCode::OK, Some("All trusted devices revoked")));
        start_login(&browser).await;
    }

    async fn disable_requires_the_password(backend: Backend) {
        let server = TestServer::start(backend).await;
        let admin = server.admin().await;
        let (status, body) = admin.post("/api/v1/tfa/disable", json!({"password": ADMIN_PASSWORD})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Two-factor authentication is not enabled for this account")));
        enrol(&admin).await;
        let (status, body) = admin.post("/api/v1/tfa/disable", json!({"password": ""})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("Password is required to disable TFA")));
        let (status, body) = admin.post("/api/v1/tfa/disable", json!({"password": "wrong"})).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid password")));
        let (status, _) = admin.post("/api/v1/tfa/disable", json!({"password": ADMIN_PASSWORD})).await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = server.browser().post("/api/v1/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD})).await;
        assert_eq!(body["message"], "Login successful");
        assert_eq!(server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'tfa_disabled'").await, 1);
    }
}
