//! The agent <-> server wire contract of PatchMon v2, shared by the server and the agent.
//!
//! - [`report`]: the inventory report (`POST /hosts/update`) and its parts.
//! - [`ping`]: the hash-gated check-in (`POST /hosts/ping`).
//! - [`ws`]: WebSocket messages in both directions (`GET /agents/ws`).
//! - [`hash`]: section-hash canonicalisation, byte-compatible with PatchMon's Go implementation.
//! - [`agent_version`]: the self-update metadata (`GET /hosts/agent/version`).
//! - [`collectors`]: the collector plugins the server serves (`GET /agent/collectors`; ours, not
//!   PatchMon's).

pub mod agent_version;
pub mod collectors;
pub mod hash;
pub mod ping;
pub mod report;
pub mod ws;

/// The inventory sections an agent can send separately, in PatchMon's evaluation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Packages,
    Repos,
    Interfaces,
    Hostname,
    Docker,
    Compliance,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Packages,
        Section::Repos,
        Section::Interfaces,
        Section::Hostname,
        Section::Docker,
        Section::Compliance,
    ];

    /// The sections that travel inside `POST /hosts/update` (docker and compliance have their own endpoints).
    pub const REPORT: [Section; 4] = [
        Section::Packages,
        Section::Repos,
        Section::Interfaces,
        Section::Hostname,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Packages => "packages",
            Section::Repos => "repos",
            Section::Interfaces => "interfaces",
            Section::Hostname => "hostname",
            Section::Docker => "docker",
            Section::Compliance => "compliance",
        }
    }

    pub fn parse(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// `X-API-ID` / `X-API-KEY`: the agent's credentials on every HTTP call and the WebSocket upgrade.
pub const API_ID_HEADER: &str = "X-API-ID";
pub const API_KEY_HEADER: &str = "X-API-KEY";
