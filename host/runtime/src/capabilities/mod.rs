//! Capability logic, independent of any WIT version. Each versioned host
//! binding converts between its generated types and these.

pub(crate) mod exec;
pub(crate) mod fs_read;
#[cfg(feature = "http")]
pub(crate) mod http;
pub(crate) mod services;

/// Version-neutral form of WIT `capability-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CapError {
    Denied(String),
    Failed(String),
    TimedOut,
    TooLarge,
}
