//! The one error type of the runtime crate.

use std::fmt;

/// A capability a plugin can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Run allow-listed programs.
    Exec,
    /// Read allow-listed files.
    FsRead,
    /// Outbound HTTP to allow-listed hosts.
    Http,
    /// Send e-mail through the host's SMTP relay.
    Mail,
    /// Plugin-private key-value storage.
    Kv,
    /// Read the fleet.
    FleetRead,
    /// Create hosts.
    Enroll,
}

impl Capability {
    /// The capability's name as written in manifests and logs.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Exec => "exec",
            Capability::FsRead => "fs-read",
            Capability::Http => "http",
            Capability::Mail => "mail",
            Capability::Kv => "kv",
            Capability::FleetRead => "fleet-read",
            Capability::Enroll => "enroll",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that can go wrong loading, packaging or calling a plugin.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The call ran past its time limit and was interrupted.
    #[error("plugin {plugin} exceeded its time limit of {timeout_ms} ms")]
    Timeout { plugin: String, timeout_ms: u64 },

    /// The plugin tried to grow its memory past its limit.
    #[error("plugin {plugin} exceeded its memory limit of {limit_mib} MiB")]
    MemoryLimit { plugin: String, limit_mib: u64 },

    /// The call consumed all the fuel it was given.
    #[error("plugin {plugin} ran out of fuel")]
    FuelExhausted { plugin: String },

    /// The guest trapped (panic, `unreachable`, out-of-bounds access...).
    #[error("plugin {plugin} trapped: {detail}")]
    Trap { plugin: String, detail: String },

    /// The guest failed after a capability call was refused.
    #[error("plugin {plugin} was denied {capability}: {detail}")]
    Denied {
        plugin: String,
        capability: Capability,
        detail: String,
    },

    /// The guest returned more data than the host accepts.
    #[error("plugin {plugin} returned {size} bytes, over the {limit}-byte output limit")]
    OutputTooLarge {
        plugin: String,
        size: usize,
        limit: usize,
    },

    /// The component was built against an API version this host does not serve.
    #[error("plugin targets {interface} version {found}, but this host supports only {supported}")]
    UnsupportedApiVersion {
        interface: String,
        found: String,
        supported: String,
    },

    /// The bytes are not a usable PatchMon plugin component.
    #[error("invalid component: {0}")]
    InvalidComponent(String),

    /// The manifest is malformed or inconsistent.
    #[error("invalid manifest: {0}")]
    InvalidManifest(String),

    /// The `.pmplugin` archive is malformed.
    #[error("invalid plugin package: {0}")]
    InvalidPackage(String),

    /// A plugin of one kind was used as another.
    #[error("plugin {plugin} is a {found} plugin, not a {expected} plugin")]
    WrongKind {
        plugin: String,
        expected: String,
        found: String,
    },

    /// The guest ran to completion but reported a failure of its own.
    #[error("plugin {plugin} failed: {message}")]
    PluginFailed { plugin: String, message: String },

    /// A notifier could not deliver; `retryable` says whether to try again.
    #[error("plugin {plugin} could not deliver ({}): {message}", if *retryable { "retryable" } else { "permanent" })]
    DeliveryFailed {
        plugin: String,
        retryable: bool,
        message: String,
    },

    /// The runtime itself could not be set up.
    #[error("runtime setup failed: {0}")]
    Setup(String),

    /// Reading or writing the compiled-component cache or a package file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias used throughout the crate.
pub type Result<T, E = RuntimeError> = std::result::Result<T, E>;
