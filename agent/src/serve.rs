//! `serve`: the long-running loop. On start: sync the interval, connect the WebSocket and send a
//! full report. Then every `update_interval` minutes (at this agent's offset in the interval) a
//! hash-gated check-in, with a forced full report every 24th tick; server commands in between.

use std::time::Duration;

use patchmon_proto::ws::ServerMessage;
use tokio::sync::mpsc;

use crate::client::ServerClient;
use crate::collect::cache::PluginCache;
use crate::collect::fetch;
use crate::config::AgentConfig;
use crate::error::{AgentError, Result};
use crate::report;

pub const FULL_EVERY_TICKS: u64 = 24;

/// Seconds until this agent's next slot: `offset` seconds into each `interval`-minute period.
pub fn until_next_slot(now_secs: u64, interval_minutes: i64, offset: i64) -> Duration {
    let period = (interval_minutes.max(1) * 60) as u64;
    let offset = offset.rem_euclid(period as i64) as u64;
    let position = now_secs % period;
    let wait = (offset + period - position) % period;
    Duration::from_secs(if wait == 0 { period } else { wait })
}

/// Refreshes the collector plugins from the server, then collects.
async fn collect(client: &ServerClient, plugins: &PluginCache) -> Result<report::Collected> {
    fetch::sync(client, plugins).await;
    let plugins = plugins.clone();
    tokio::task::spawn_blocking(move || report::collect(&plugins))
        .await
        .map_err(|e| AgentError::Protocol(format!("collection task failed: {e}")))?
}

/// Sends the full report.
pub async fn full_report(client: &ServerClient, plugins: &PluginCache) -> Result<()> {
    let collected = collect(client, plugins).await?;
    tracing::info!("Sending report to PatchMon server...");
    let response = client.report(&collected.payload).await?;
    tracing::info!(
        count = response.packages_processed,
        "Report sent successfully"
    );
    Ok(())
}

/// What a check-in did.
#[derive(Debug, PartialEq, Eq)]
pub enum CheckIn {
    Unchanged,
    Partial(Vec<String>),
    Full,
}

/// The hash-gated check-in: ping with hashes, then send only what the server asks for.
pub async fn check_in(client: &ServerClient, plugins: &PluginCache) -> Result<CheckIn> {
    let collected = collect(client, plugins).await?;
    let pong = client.ping(&report::ping_request(&collected)).await?;
    if !pong.hash_gate {
        client.report(&collected.payload).await?;
        return Ok(CheckIn::Full);
    }
    let wanted: Vec<String> = pong
        .request_full
        .unwrap_or_default()
        .into_iter()
        .filter(|s| matches!(s.as_str(), "packages" | "repos" | "interfaces" | "hostname"))
        .collect();
    if wanted.is_empty() {
        tracing::debug!("server has every section; nothing to send");
        return Ok(CheckIn::Unchanged);
    }
    match client
        .report(&report::partial(&collected.payload, &wanted))
        .await
    {
        Ok(_) => Ok(CheckIn::Partial(wanted)),
        Err(err) => {
            tracing::warn!(error = %err, "partial report rejected; sending a full report");
            client.report(&collected.payload).await?;
            Ok(CheckIn::Full)
        }
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Sets the interval (and so the offset) when the server's differs; persists the config.
fn apply_interval(config: &mut AgentConfig, api_id: &str, interval: i64) {
    let interval = if interval > 0 { interval } else { 60 };
    if config.update_interval == interval && config.report_offset != 0 {
        return;
    }
    config.update_interval = interval;
    config.report_offset = AgentConfig::compute_offset(api_id, interval);
    if let Err(err) = config.save() {
        tracing::warn!(error = %err, "could not save the new interval");
    }
    tracing::info!(
        interval,
        offset = config.report_offset,
        "report schedule updated"
    );
}

pub async fn run(
    mut config: AgentConfig,
    client: ServerClient,
    binary: std::path::PathBuf,
) -> Result<()> {
    let api_id = client.credentials().api_id.clone();
    let plugins = PluginCache::new(&config.plugin_cache_dir);
    match client.update_interval().await {
        Ok(interval) => apply_interval(&mut config, &api_id, interval),
        Err(err) => {
            tracing::warn!(error = %err, "could not fetch the update interval; using the configured one");
            let configured = config.update_interval;
            apply_interval(&mut config, &api_id, configured);
        }
    }
    let (sender, mut commands) = mpsc::unbounded_channel();
    tokio::spawn(crate::ws::run(
        config.clone(),
        client.credentials().clone(),
        sender,
    ));
    if let Err(err) = full_report(&client, &plugins).await {
        tracing::error!(error = %err, "initial report failed");
    }
    let stamp = config.path.with_file_name(".last_update_timestamp");
    let mut tick: u64 = 0;
    let mut next = tokio::time::Instant::now()
        + until_next_slot(now_secs(), config.update_interval, config.report_offset);
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {
                tick += 1;
                let result = if tick % FULL_EVERY_TICKS == 0 {
                    full_report(&client, &plugins).await.map(|_| CheckIn::Full)
                } else {
                    check_in(&client, &plugins).await
                };
                match result {
                    Ok(outcome) => tracing::info!(tick, ?outcome, "check-in done"),
                    Err(err) => tracing::error!(tick, error = %err, "check-in failed"),
                }
                next = tokio::time::Instant::now() + until_next_slot(now_secs(), config.update_interval, config.report_offset);
            }
            command = commands.recv() => {
                let Some(command) = command else { return Ok(()) };
                match command {
                    ServerMessage::ReportNow => {
                        if let Err(err) = full_report(&client, &plugins).await {
                            tracing::error!(error = %err, "report_now failed");
                        }
                    }
                    ServerMessage::SettingsUpdate { update_interval: Some(interval), .. } if interval > 0 && interval != config.update_interval => {
                        apply_interval(&mut config, &api_id, interval);
                        next = tokio::time::Instant::now() + until_next_slot(now_secs(), config.update_interval, config.report_offset);
                    }
                    ServerMessage::UpdateAgent => match crate::update::self_update(&client, &binary, &stamp).await {
                        Ok(crate::update::Outcome::Updated { to, .. }) => {
                            tracing::info!(version = %to, "restarting into the new version");
                            if !crate::update::restart_service() {
                                return Err(AgentError::Update("updated; restart the agent to run the new version".into()));
                            }
                        }
                        Ok(crate::update::Outcome::UpToDate(version)) => tracing::info!(%version, "Agent is up to date"),
                        Err(err) => tracing::error!(error = %err, "self-update failed"),
                    },
                    _ => tracing::debug!("command not handled by this agent"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_land_at_the_offset_within_each_interval() {
        assert_eq!(
            until_next_slot(3600 * 10, 60, 847),
            Duration::from_secs(847)
        );
        assert_eq!(
            until_next_slot(3600 * 10 + 900, 60, 847),
            Duration::from_secs(3600 - 53)
        );
        assert_eq!(
            until_next_slot(3600 * 10 + 847, 60, 847),
            Duration::from_secs(3600),
            "exactly on the slot: the next one"
        );
        assert_eq!(until_next_slot(100, 5, 0), Duration::from_secs(200));
    }
}
