//! Capability calls for plugin code.
//!
//! In a wasm build these call the host's imports. In a native build (unit
//! tests) they are answered by the [`harness`](crate::harness) installed on
//! the current thread, so plugin logic can be tested without a runtime.

use serde::de::DeserializeOwned;

use crate::bindings::common::patchmon::common as wit;
pub use wit::exec::Output as ExecOutput;
pub use wit::http::{Request as HttpRequest, Response as HttpResponse};
pub use wit::log::Level;
pub use wit::mail::Message as MailMessage;
pub use wit::types::CapabilityError;

#[cfg(not(target_arch = "wasm32"))]
use crate::harness::with_active as native;

/// Write a log line into the host's log.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    wit::log::write(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    native(|h| h.log(level, message));
}

/// The plugin's configuration as JSON text (`{}` when unset).
pub fn config_json() -> String {
    #[cfg(target_arch = "wasm32")]
    return wit::config::get_json();
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.config_json());
}

/// The plugin's configuration deserialised into `T`.
pub fn config<T: DeserializeOwned>() -> Result<T, crate::SdkError> {
    serde_json::from_str(&config_json()).map_err(|e| crate::SdkError::Config(e.to_string()))
}

/// Run `program` with `args` (capability `exec`).
pub fn exec(program: &str, args: &[&str]) -> Result<ExecOutput, CapabilityError> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    #[cfg(target_arch = "wasm32")]
    return wit::exec::run(program, &args);
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.exec(program, &args));
}

/// Read a whole file (capability `fs-read`).
pub fn read_file(path: &str) -> Result<Vec<u8>, CapabilityError> {
    #[cfg(target_arch = "wasm32")]
    return wit::fs_read::read_file(path);
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.read_file(path));
}

/// List a directory (capability `fs-read`).
pub fn list_dir(path: &str) -> Result<Vec<String>, CapabilityError> {
    #[cfg(target_arch = "wasm32")]
    return wit::fs_read::list_dir(path);
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.list_dir(path));
}

/// Send an HTTP request (capability `http`).
pub fn http_send(request: &HttpRequest) -> Result<HttpResponse, CapabilityError> {
    #[cfg(target_arch = "wasm32")]
    return wit::http::send(request);
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.http_send(request));
}

/// Send an e-mail through the host's relay (capability `mail`).
pub fn send_mail(message: &MailMessage) -> Result<(), CapabilityError> {
    #[cfg(target_arch = "wasm32")]
    return wit::mail::send(message);
    #[cfg(not(target_arch = "wasm32"))]
    return native(|h| h.send_mail(message));
}

/// Plugin-private key-value storage (capability `kv`).
pub mod kv {
    use super::*;

    /// Value under `key`.
    pub fn get(key: &str) -> Result<Option<Vec<u8>>, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return wit::kv::get(key);
        #[cfg(not(target_arch = "wasm32"))]
        return native(|h| h.kv_get(key));
    }

    /// Store `value` under `key`.
    pub fn set(key: &str, value: &[u8]) -> Result<(), CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return wit::kv::set(key, value);
        #[cfg(not(target_arch = "wasm32"))]
        return native(|h| h.kv_set(key, value));
    }

    /// Remove `key`.
    pub fn delete(key: &str) -> Result<(), CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return wit::kv::delete(key);
        #[cfg(not(target_arch = "wasm32"))]
        return native(|h| h.kv_delete(key));
    }

    /// Keys starting with `prefix`, sorted.
    pub fn list_keys(prefix: &str) -> Result<Vec<String>, CapabilityError> {
        #[cfg(target_arch = "wasm32")]
        return wit::kv::list_keys(prefix);
        #[cfg(not(target_arch = "wasm32"))]
        return native(|h| h.kv_list_keys(prefix));
    }
}

impl HttpRequest {
    /// A request with no headers, no body and the host's default timeout.
    pub fn new(method: &str, url: &str) -> Self {
        HttpRequest {
            method: method.to_string(),
            url: url.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout_ms: None,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Set the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

impl HttpResponse {
    /// First header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True for 2xx statuses.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
