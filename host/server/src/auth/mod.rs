//! Authentication: sign-in, tokens and sessions, lockouts, and a user's own account.

pub mod cookies;
mod current;
pub mod lockout;
pub mod login;
pub mod meta;
mod password;
mod profile;
mod refresh;
pub use profile::present as profile_field;
pub mod session;
mod token;

pub use current::{authenticate, CurrentUser};
pub use password::PasswordPolicy;
pub use token::Jwt;

use crate::http::route::{delete, get, patch, post, put, Access, Bucket, Route};

pub fn routes() -> Vec<Route> {
    use Access::{Public, User};
    vec![
        get(
            "/auth/signup-enabled",
            Public,
            "Whether self-signup is open",
            login::signup_enabled,
        ),
        post(
            "/auth/login",
            Public,
            "Sign in with username (or email) and password",
            login::login,
        )
        .body::<login::LoginRequest>()
        .bucket(Bucket::Auth),
        post(
            "/auth/refresh",
            Public,
            "Rotate the refresh token and mint a new access token",
            refresh::refresh,
        )
        .body::<refresh::RefreshRequest>()
        .bucket(Bucket::Auth),
        post(
            "/auth/setup-admin",
            Public,
            "Create the first administrator (only while none exists)",
            login::setup_admin,
        )
        .body::<login::NewAccountRequest>()
        .bucket(Bucket::Auth),
        post(
            "/auth/signup",
            Public,
            "Create an account when signup is enabled",
            login::signup,
        )
        .body::<login::NewAccountRequest>()
        .bucket(Bucket::Auth),
        post(
            "/auth/logout",
            User,
            "End the current session",
            login::logout,
        ),
        post(
            "/auth/heartbeat",
            User,
            "Keep the session alive (send X-User-Activity: 1)",
            login::heartbeat,
        ),
        get(
            "/auth/profile",
            User,
            "The caller's profile",
            profile::get_profile,
        ),
        put(
            "/auth/profile",
            User,
            "Update the caller's profile",
            profile::update_profile,
        )
        .body::<profile::ProfileUpdate>(),
        put(
            "/auth/change-password",
            User,
            "Change the caller's password",
            profile::change_password,
        )
        .body::<profile::ChangePassword>()
        .bucket(Bucket::Password),
        get(
            "/auth/sessions",
            User,
            "The caller's live sessions",
            profile::list_sessions,
        ),
        delete(
            "/auth/sessions",
            User,
            "Revoke all the caller's other sessions",
            profile::revoke_other_sessions,
        ),
        delete(
            "/auth/sessions/{session_id}",
            User,
            "Revoke one of the caller's sessions",
            profile::revoke_session,
        ),
        get(
            "/me/context",
            User,
            "The caller with tenant context",
            profile::me_context,
        ),
        get(
            "/user/preferences",
            User,
            "The caller's UI preferences",
            profile::get_preferences,
        ),
        patch(
            "/user/preferences",
            User,
            "Update the caller's UI preferences",
            profile::update_preferences,
        )
        .body::<profile::PreferencesUpdate>(),
    ]
    .into_iter()
    .map(|r| r.tag("auth"))
    .collect()
}
