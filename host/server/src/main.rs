//! `patchmon-server`: runs the server, or prints its effective configuration.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use patchmon_server::plugins::cli::PluginCommand;
use patchmon_server::{app, AppState, Config};
use tracing_subscriber::EnvFilter;

/// Rows, reports and responses are allocated on one thread and freed on another (sqlx's worker
/// threads, the blocking pool, the async workers); glibc's allocator serialised those frees on
/// its arena locks under ingest load, mimalloc frees them without a lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "patchmon-server", version, about = "PatchMon-RS server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Print the effective configuration, where each value came from, secrets masked.
    Config,
    /// Create, pack, install, list, inspect and remove WebAssembly plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_new(format!("{},sqlx=warn,tower_http=info", config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn print_config(config: &Config) {
    let rows = config.describe();
    let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (key, value, source) in rows {
        let source = serde_json::to_value(source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!("{:width$}  {value}  ({source})", key.to_ascii_uppercase());
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let started = std::time::Instant::now();
    let state = AppState::build(config).await.map_err(|e| e.to_string())?;
    let listener = app::bind(&state.config).await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        %addr,
        database = state.store.backend_name(),
        shared_state = state.ephemeral.backend_name(),
        startup_ms = started.elapsed().as_millis() as u64,
        "PatchMon-RS listening; open http://localhost:{} in a browser",
        addr.port()
    );
    let stores = [state.store.clone(), state.report_store.clone()];
    app::serve(state, listener, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    for store in stores {
        store.close().await;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// glibc raises its mmap threshold after large frees, after which each password hash's 19 MiB
/// buffer lands in (and stays in) a per-thread heap arena. A fixed threshold keeps such buffers
/// in mmap, returned to the system when freed, so RSS stays flat under login load.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let mut config = match Config::load() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("patchmon-server: {err}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Config => {
            if let Err(err) = config.ensure_secrets() {
                eprintln!("patchmon-server: {err}");
                return ExitCode::from(2);
            }
            print_config(&config);
            ExitCode::SUCCESS
        }
        Command::Plugin(command) => {
            // Only warnings: the command's own output is the answer.
            config.log_level = "warn".into();
            init_logging(&config);
            match tokio_runtime().block_on(patchmon_server::plugins::cli::run(command, config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("patchmon-server plugin: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve => {
            init_logging(&config);
            match tokio_runtime().block_on(serve(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    tracing::error!("{err}");
                    eprintln!("patchmon-server: {err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
