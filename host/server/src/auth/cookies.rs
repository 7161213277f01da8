//! The auth cookies: `token`, `refresh_token` and the TFA device-trust cookie.

use axum::http::{header, HeaderMap, HeaderValue};

pub const ACCESS_COOKIE: &str = "token";
pub const REFRESH_COOKIE: &str = "refresh_token";
pub const DEVICE_TRUST_COOKIE: &str = "patchmon_device_trust";

/// Secure and SameSite=Strict only in production over HTTPS; plain-HTTP dev setups must still work.
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    pub fn for_request(headers: &HeaderMap, production: bool, server_https: bool) -> CookiePolicy {
        let forwarded_https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        CookiePolicy {
            secure: production && (forwarded_https || server_https),
        }
    }

    pub fn set(
        &self,
        headers: &mut HeaderMap,
        name: &str,
        value: &str,
        max_age_secs: i64,
        same_site_lax: bool,
    ) {
        let same_site = if self.secure && !same_site_lax {
            "Strict"
        } else {
            "Lax"
        };
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }

    pub fn clear(&self, headers: &mut HeaderMap, name: &str) {
        self.set(headers, name, "", 0, true);
    }
}

/// The value of cookie `name` in the request, if present and non-empty.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}
