//! Embeds the first-party collector plugins (see `plugins/embed.rs`): what the agent runs until
//! its server hands it newer ones, or always when the server does not serve them.

use std::path::PathBuf;

#[path = "../plugins/embed.rs"]
mod embed;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    embed::write(
        &manifest.join(".."),
        embed::COLLECTORS,
        &out_dir.join("collector_plugins.rs"),
    );
}
