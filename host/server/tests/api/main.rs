//! The server's integration tests, one module per area, linked into a single test binary (one
//! binary instead of one per area keeps the debug build small enough for CI's disk).

#[macro_use]
mod common;

mod agent_hub;
mod auth;
mod check_in_cache;
mod check_ins;
mod collectors;
mod credentials;
mod dashboard;
mod enrollment;
mod enrollment_script;
mod hosts;
mod http;
mod ingest;
mod install;
mod integration_plugins;
mod packages;
mod permissions;
mod plugin_guide;
mod plugin_services;
mod plugins;
mod rate_limits;
mod repos;
mod scoped_api;
mod settings;
mod tfa;
mod users;
