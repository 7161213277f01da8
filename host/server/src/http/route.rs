//! The route table: every endpoint declares its method, path, access rule and rate-limit bucket
//! in one place. The router, the permission guard, the OpenAPI document and the permission-matrix
//! test are all generated from it, so a route cannot exist without a declared permission.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use schemars::JsonSchema;

use crate::app::AppState;
use crate::credentials::{CredentialType, Scope};
use crate::rbac::Permission;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without credentials (login, first-run setup, public settings).
    Public,
    /// Any signed-in user, whatever their role (profile, own sessions, TFA).
    User,
    /// A signed-in user whose role holds this flag.
    Permission(Permission),
    /// A monitored host's agent, by its `X-API-ID` / `X-API-KEY` credentials.
    Agent,
    /// An agent's check-in: [`Access::Agent`], checked against the credentials of active hosts
    /// kept in memory (`ingest::agent_cache`).
    AgentCheckIn,
    /// An integration credential of this type over HTTP Basic (`token_key:token_secret`),
    /// holding this scope when the type carries scopes (`api`).
    ApiCredential(CredentialType, Option<Scope>),
    /// An enrollment credential in `X-Auto-Enrollment-Key` / `X-Auto-Enrollment-Secret`.
    EnrollmentToken,
}

/// Which fixed-window rate limit counts requests to a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    None,
    General,
    Auth,
    Password,
    Agent,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::None => "none",
            Bucket::General => "general",
            Bucket::Auth => "auth",
            Bucket::Password => "password",
            Bucket::Agent => "agent",
        }
    }
}

pub type SchemaFn = fn() -> schemars::schema::RootSchema;

pub struct Route {
    pub method: Method,
    /// Path below `/api/v1`, with `{param}` segments.
    pub path: &'static str,
    pub access: Access,
    pub bucket: Bucket,
    pub summary: &'static str,
    pub tag: &'static str,
    pub request_body: Option<SchemaFn>,
    /// Query parameters worth documenting: (name, description).
    pub query: &'static [(&'static str, &'static str)],
    pub handler: MethodRouter<AppState>,
}

fn schema_of<T: JsonSchema>() -> schemars::schema::RootSchema {
    schemars::gen::SchemaSettings::openapi3()
        .into_generator()
        .into_root_schema_for::<T>()
}

impl Route {
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Route {
        // User routes share the general bucket, as upstream applies it before auth; agent routes
        // have their own; integration credentials count in the auth limiter, as upstream's do.
        let bucket = match access {
            Access::Public => Bucket::None,
            Access::Agent | Access::AgentCheckIn => Bucket::Agent,
            Access::ApiCredential(..) | Access::EnrollmentToken => Bucket::Auth,
            _ => Bucket::General,
        };
        Route {
            method,
            path,
            access,
            bucket,
            summary,
            tag: "",
            request_body: None,
            query: &[],
            handler,
        }
    }

    pub fn bucket(mut self, bucket: Bucket) -> Route {
        self.bucket = bucket;
        self
    }

    pub fn body<T: JsonSchema>(mut self) -> Route {
        self.request_body = Some(schema_of::<T>);
        self
    }

    pub fn query(mut self, params: &'static [(&'static str, &'static str)]) -> Route {
        self.query = params;
        self
    }

    pub fn tag(mut self, tag: &'static str) -> Route {
        self.tag = tag;
        self
    }
}

/// Shorthands so route tables read as a list: `get("/hosts", perm(ViewHosts), "List hosts", h)`.
macro_rules! shorthand {
    ($($name:ident => $method:ident),+ $(,)?) => {$(
        pub fn $name<H, T>(path: &'static str, access: Access, summary: &'static str, handler: H) -> Route
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            Route::new(Method::$method, path, access, summary, axum::routing::$name(handler))
        }
    )+};
}

shorthand!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

pub fn perm(permission: Permission) -> Access {
    Access::Permission(permission)
}
