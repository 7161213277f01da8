//! PatchMon-RS server: the REST API, agent endpoints and the embedded web dashboard.
//!
//! One module per area (auth, tfa, users, rbac, hosts, groups, settings, audit, dashboard, ingest,
//! agent_hub, packages, repos, credentials, scoped_api, enrollment, plugins), each
//! owning its routes and queries. Cross-cutting code lives in `config`, `store`, `http`,
//! `crypto`, `cpu_bound` and `ephemeral`. [`app`] assembles the router from every area's route table.

pub mod agent_hub;
pub mod app;
pub mod audit;
pub mod auth;
pub mod config;
pub mod cpu_bound;
pub mod credentials;
pub mod crypto;
pub mod dashboard;
pub mod enrollment;
pub mod ephemeral;
pub mod groups;
pub mod hosts;
pub mod http;
pub mod ingest;
pub mod packages;
pub mod plugins;
pub mod rbac;
pub mod repos;
pub mod scoped_api;
pub mod settings;
pub mod store;
pub mod tfa;
pub mod users;
pub mod web;

pub use app::{AppState, StartError};
pub use config::Config;
