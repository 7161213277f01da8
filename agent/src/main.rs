//! `patchmon-agent`: PatchMon's agent CLI (serve, report, ping, diagnostics, config, self-update).

mod client;
mod collect;
mod commands;
mod config;
mod error;
mod facts;
mod logging;
mod report;
mod serve;
mod update;
mod ws;
mod yaml;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Found by the server in the binary file to learn its version without running it.
#[used]
static VERSION_MARKER: &str = concat!("patchmon-agent-version:", env!("CARGO_PKG_VERSION"), "\n");

#[derive(Parser)]
#[command(
    name = "patchmon-agent",
    about = "PatchMon agent",
    disable_version_flag = true
)]
struct Cli {
    /// Configuration file.
    #[arg(long, global = true, default_value = config::DEFAULT_CONFIG)]
    config: PathBuf,
    /// debug, info, warn or error (overrides the config until restart).
    #[arg(long = "log-level", global = true)]
    log_level: Option<String>,
    /// Print the version.
    #[arg(long = "version")]
    version: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the agent service (WebSocket, scheduled reports).
    Serve,
    /// Collect and send a report now.
    Report {
        /// Print the payload instead of sending it.
        #[arg(long)]
        json: bool,
    },
    /// Check connectivity and credentials.
    Ping,
    /// System, agent, configuration and connectivity diagnostics.
    Diagnostics,
    /// Show or change the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Ask the server whether a newer agent is available.
    CheckVersion,
    /// Update this agent from the server now.
    UpdateAgent,
    /// Print the version.
    Version,
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print the configuration (the API key is never shown).
    Show,
    /// Set the credentials and server URL, then test them.
    SetApi {
        api_id: String,
        api_key: String,
        server_url: String,
    },
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.version || matches!(cli.command, Some(Command::Version)) {
        println!("PatchMon Agent v{}", env!("CARGO_PKG_VERSION"));
        std::hint::black_box(VERSION_MARKER);
        return ExitCode::SUCCESS;
    }
    let Some(command) = cli.command else {
        eprintln!("Usage: patchmon-agent [command]. Run `patchmon-agent --help` for the list.");
        return ExitCode::FAILURE;
    };
    let needs_root = !matches!(
        command,
        Command::Config {
            action: ConfigAction::Show
        }
    );
    if needs_root && !is_root() {
        eprintln!("Error: {}", error::AgentError::NotRoot);
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("Error: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(command, cli.config, cli.log_level)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Error: {err}");
            ExitCode::FAILURE
        }
    }
}
