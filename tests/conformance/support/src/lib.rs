//! Helpers for tests and benchmarks that run built plugins: finding the
//! `.wasm` files `scripts/build-plugins.sh` produced, and real local HTTP and
//! SMTP receivers to deliver to.

mod receiver;
mod smtp;

use std::path::PathBuf;

pub use receiver::{HttpReceiver, ReceivedRequest};
pub use smtp::{ReceivedMail, SmtpReceiver};

/// Directory holding the built `wasm32-wasip2` components: `$PATCHMON_WASM_DIR`,
/// else `$CARGO_TARGET_DIR/wasm32-wasip2/release`, else the workspace's
/// `target/wasm32-wasip2/release`.
pub fn wasm_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PATCHMON_WASM_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../target"));
    target.join("wasm32-wasip2/release")
}

/// Bytes of the built component of crate `crate_name` (dashes or underscores).
///
/// # Panics
/// When the component has not been built, naming the script that builds it.
pub fn built_wasm(crate_name: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{}.wasm", crate_name.replace('-', "_")));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}. Build the plugins first with scripts/build-plugins.sh",
            path.display()
        )
    })
}

/// Path of the repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}
