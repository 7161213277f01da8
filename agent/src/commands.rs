//! The CLI commands and their output, worded as PatchMon's agent words them.

use std::path::PathBuf;

use crate::client::{go_arch, ServerClient};
use crate::collect::cache::PluginCache;
use crate::config::{AgentConfig, Credentials};
use crate::error::{AgentError, Result};
use crate::{facts, logging, report, serve, update, Command, ConfigAction};

fn client(config: &AgentConfig) -> Result<ServerClient> {
    let credentials = Credentials::load(&config.credentials_file)?;
    ServerClient::new(config, credentials)
}

fn check(ok: bool) -> &'static str {
    if ok {
        "✅"
    } else {
        "❌"
    }
}

pub async fn run(command: Command, config_path: PathBuf, log_level: Option<String>) -> Result<()> {
    let config = AgentConfig::load(&config_path)?;
    let level = log_level.unwrap_or_else(|| config.log_level.clone());
    let interactive = !matches!(command, Command::Serve);
    logging::init(&config.log_file, &level, interactive && level == "debug");
    match command {
        Command::Serve => {
            let binary =
                std::env::current_exe().map_err(|e| AgentError::io("current executable", e))?;
            serve::run(config.clone(), client(&config)?, binary).await
        }
        // Sends nothing, so it asks the server nothing either: the plugins at hand run.
        Command::Report { json: true } => {
            let plugins = PluginCache::new(&config.plugin_cache_dir);
            let collected = tokio::task::spawn_blocking(move || report::collect(&plugins))
                .await
                .map_err(|e| AgentError::Protocol(e.to_string()))??;
            let text = serde_json::to_string_pretty(&collected.payload)
                .map_err(|e| AgentError::Protocol(e.to_string()))?;
            println!("{text}");
            Ok(())
        }
        Command::Report { json: false } => {
            let client = client(&config)?;
            let plugins = PluginCache::new(&config.plugin_cache_dir);
            serve::full_report(&client, &plugins).await?;
            println!("✅ Report sent successfully");
            Ok(())
        }
        Command::Ping => ping(&config).await,
        Command::Diagnostics => diagnostics(&config).await,
        Command::Config {
            action: ConfigAction::Show,
        } => {
            show(&config);
            Ok(())
        }
        Command::Config {
            action:
                ConfigAction::SetApi {
                    api_id,
                    api_key,
                    server_url,
                },
        } => set_api(config, api_id, api_key, server_url).await,
        Command::CheckVersion => check_version(&config).await,
        Command::UpdateAgent => {
            let client = client(&config)?;
            let binary =
                std::env::current_exe().map_err(|e| AgentError::io("current executable", e))?;
            let stamp = config.path.with_file_name(".last_update_timestamp");
            match update::self_update(&client, &binary, &stamp).await? {
                update::Outcome::UpToDate(v) => println!("Agent is up to date (version {v})"),
                update::Outcome::Updated { from, to } => {
                    println!("✅ Agent updated from {from} to {to}");
                    if update::restart_service() {
                        println!("Service restart requested");
                    }
                }
            }
            Ok(())
        }
        Command::Version => Ok(()),
    }
}

async fn ping(config: &AgentConfig) -> Result<()> {
    let client = client(config)?;
    match client.ping(&Default::default()).await {
        Ok(_) => {
            println!("✅ API credentials are valid");
            println!("✅ Connectivity test successful");
            Ok(())
        }
        Err(AgentError::Server { status, .. }) => Err(AgentError::Protocol(format!(
            "connectivity test failed: server returned {status}"
        ))),
        Err(err) => Err(AgentError::Protocol(format!(
            "connectivity test failed: {err}"
        ))),
    }
}

fn show(config: &AgentConfig) {
    println!("Configuration:");
    println!("  Server: {}", config.patchmon_server);
    println!("  Agent Version: {}", env!("CARGO_PKG_VERSION"));
    println!("  Config File: {}", config.path.display());
    println!("  Credentials File: {}", config.credentials_file.display());
    println!("  Log File: {}", config.log_file.display());
    println!("  Log Level: {}", config.log_level);
    println!("  Plugin Cache: {}", config.plugin_cache_dir.display());
    println!();
    println!("Credentials:");
    match Credentials::load(&config.credentials_file) {
        Ok(creds) => {
            println!("  API ID: {}", creds.api_id);
            println!("  API Key: Set ✅");
        }
        Err(_) => println!("  Not configured ❌"),
    }
}

async fn set_api(
    mut config: AgentConfig,
    api_id: String,
    api_key: String,
    server_url: String,
) -> Result<()> {
    let url = server_url.trim().trim_end_matches('/');
    if api_id.trim().is_empty() || api_key.trim().is_empty() {
        return Err(AgentError::Config(
            "API ID and API key must not be empty".into(),
        ));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() <= "https://".len()
    {
        return Err(AgentError::Config(format!(
            "invalid server URL: {server_url}"
        )));
    }
    config.patchmon_server = url.to_string();
    config.save()?;
    Credentials {
        api_id: api_id.trim().into(),
        api_key: api_key.trim().into(),
    }
    .save(&config.credentials_file)?;
    println!("✅ Configuration saved to {}", config.path.display());
    println!(
        "✅ Credentials saved to {}",
        config.credentials_file.display()
    );
    ping(&config).await
}

async fn check_version(config: &AgentConfig) -> Result<()> {
    let client = client(config)?;
    let info = client
        .agent_version(go_arch(&facts::os::architecture()))
        .await?;
    let current = env!("CARGO_PKG_VERSION");
    let latest = info.latest_version.unwrap_or_else(|| current.to_string());
    if info.auto_update_disabled && update::is_newer(&latest, current) {
        println!("Status: Auto-update disabled by server administrator");
        println!("To update manually, run: patchmon-agent update-agent");
    } else if update::is_newer(&latest, current) {
        println!("Agent update available!");
        println!("Current version: {current}");
        println!("Latest version: {latest}");
        println!("To update, run: patchmon-agent update-agent");
    } else {
        println!("Agent is up to date (version {current})");
    }
    Ok(())
}

async fn diagnostics(config: &AgentConfig) -> Result<()> {
    let facts = tokio::task::spawn_blocking(facts::collect)
        .await
        .map_err(|e| AgentError::Protocol(e.to_string()))?;
    println!("PatchMon Agent Diagnostics v{}", env!("CARGO_PKG_VERSION"));
    println!();
    println!("System Information:");
    println!("  OS: {} {}", facts.os.id, facts.os.version_id);
    println!("  Architecture: {}", facts.architecture);
    println!("  Kernel: {}", facts.kernel_version);
    println!("  Hostname: {}", facts.hostname);
    println!("  Machine ID: {}", facts.machine_id);
    println!();
    println!("Agent Information:");
    println!("  Version: {}", env!("CARGO_PKG_VERSION"));
    println!("  Config File: {}", config.path.display());
    println!("  Credentials File: {}", config.credentials_file.display());
    println!("  Log File: {}", config.log_file.display());
    println!("  Log Level: {}", config.log_level);
    println!();
    println!("Configuration Status:");
    println!("  Config file exists: {}", check(config.path.exists()));
    println!(
        "  Credentials file exists: {}",
        check(config.credentials_file.exists())
    );
    println!();
    println!("Network Connectivity & API Credentials:");
    println!("  Server URL: {}", config.patchmon_server);
    let host_port = config
        .patchmon_server
        .split_once("://")
        .map(|(scheme, rest)| {
            let host = rest.split('/').next().unwrap_or(rest);
            if host.contains(':') {
                host.to_string()
            } else {
                format!("{host}:{}", if scheme == "https" { 443 } else { 80 })
            }
        })
        .unwrap_or_default();
    let reachable = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::TcpStream::connect(&host_port),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    println!("  TCP reachability ({host_port}): {}", check(reachable));
    let valid = match client(config) {
        Ok(client) => client.ping(&Default::default()).await.is_ok(),
        Err(_) => false,
    };
    println!("  API credentials: {}", check(valid));
    println!();
    println!("Last 10 log entries:");
    let log = std::fs::read_to_string(&config.log_file).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    for line in &lines[lines.len().saturating_sub(10)..] {
        println!("  {line}");
    }
    Ok(())
}
