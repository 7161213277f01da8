//! Section-hash canonicalisation (PatchMon v2 §4.10), byte-compatible with the Go implementation.
//!
//! Each section becomes compact JSON with a fixed key order, strings NFC-normalised and trimmed,
//! rows stably sorted by byte-wise comparison, then `hex(sha256(bytes))`. The JSON writer here
//! reproduces Go's `encoding/json` (HTML-safe escapes, `\u2028`/`\u2029`, shortest floats), which
//! is why serde_json is not used for the canonical bytes.

mod encode;
mod integrations;
mod sections;

pub use encode::normalize;
pub use integrations::{
    compliance_canonical, compliance_hash, docker_canonical, docker_hash, ComplianceResult,
    ComplianceScan, DockerContainer, DockerImage, DockerInventory, DockerNetwork, DockerUpdate,
    DockerVolume,
};
pub use sections::{
    hostname_hash, interfaces_canonical, interfaces_hash, packages_canonical, packages_hash,
    repos_canonical, repos_hash,
};

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256, 64 characters.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash an agent sends for a section it has no data for at all (the literal `null`).
pub fn null_hash() -> String {
    sha256_hex(b"null")
}

#[cfg(test)]
mod tests;
