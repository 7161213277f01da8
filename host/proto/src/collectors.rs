//! `GET /agent/collectors`: the collector plugins a server hands its agents. This is not part of
//! PatchMon v2 (whose agent has no plugins); an agent talking to a server without the route
//! gets 404 and keeps the collectors it embeds.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CollectorList {
    pub collectors: Vec<CollectorEntry>,
}

/// One collector plugin: its component and its manifest (grants come from the manifest), each
/// with the SHA-256 the agent checks before it keeps the download.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CollectorEntry {
    /// Plugin id, e.g. `collector-apt`.
    pub id: String,
    pub version: String,
    /// Lower-case hex SHA-256 of `plugin.wasm` (the manifest pins the same value).
    pub sha256: String,
    /// Size of `plugin.wasm` in bytes.
    pub size: u64,
    /// Path of `plugin.wasm`, from the server's root.
    pub url: String,
    /// Lower-case hex SHA-256 of `plugin.toml`.
    pub manifest_sha256: String,
    /// Path of `plugin.toml`, from the server's root.
    pub manifest_url: String,
}
