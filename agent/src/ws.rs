//! The persistent WebSocket: headers on the upgrade, pings every 30 s, a 90 s read deadline,
//! and reconnection with exponential back-off (1 s doubling to 30 s) plus jitter.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use patchmon_proto::ws::ServerMessage;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::config::{AgentConfig, Credentials};
use crate::error::{AgentError, Result};

const PING_EVERY: Duration = Duration::from_secs(30);
const READ_DEADLINE: Duration = Duration::from_secs(90);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(45);
const MAX_MESSAGE: usize = 64 * 1024;
pub const BACKOFF_START: Duration = Duration::from_secs(1);
pub const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// The next delay: doubled, capped, with up to 20 % jitter so a fleet does not reconnect in step.
pub fn next_backoff(current: Duration, entropy: u64) -> (Duration, Duration) {
    let next = (current * 2).min(BACKOFF_CAP);
    let jitter_ms = (current.as_millis() as u64 / 5).max(1);
    (next, current + Duration::from_millis(entropy % jitter_ms))
}

fn entropy() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}

async fn session(
    config: &AgentConfig,
    credentials: &Credentials,
    commands: &mpsc::UnboundedSender<ServerMessage>,
) -> Result<()> {
    let mut request = config
        .ws_url()
        .into_client_request()
        .map_err(|e| AgentError::WebSocket(Box::new(e)))?;
    let headers = request.headers_mut();
    let header = |v: &str| {
        v.parse()
            .map_err(|_| AgentError::Config("credentials contain invalid characters".into()))
    };
    headers.insert(patchmon_proto::API_ID_HEADER, header(&credentials.api_id)?);
    headers.insert(
        patchmon_proto::API_KEY_HEADER,
        header(&credentials.api_key)?,
    );
    let ws_config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE));
    // Certificates are always verified on the WebSocket (skip_ssl_verify applies to HTTP only).
    let (socket, _) = timeout(
        HANDSHAKE_TIMEOUT,
        tokio_tungstenite::connect_async_tls_with_config(request, Some(ws_config), false, None),
    )
    .await
    .map_err(|_| AgentError::Protocol("WebSocket handshake timed out".into()))?
    .map_err(|e| AgentError::WebSocket(Box::new(e)))?;
    tracing::info!(url = %config.ws_url(), "WebSocket connected");
    let (mut sink, mut stream) = socket.split();
    let mut keepalive = tokio::time::interval(PING_EVERY);
    keepalive.tick().await;
    let mut deadline = Instant::now() + READ_DEADLINE;
    loop {
        tokio::select! {
            _ = keepalive.tick() => {
                timeout(Duration::from_secs(5), sink.send(Message::Ping(Vec::new().into())))
                    .await
                    .map_err(|_| AgentError::Protocol("ping write timed out".into()))?
                    .map_err(|e| AgentError::WebSocket(Box::new(e)))?;
            }
            frame = tokio::time::timeout_at(deadline, stream.next()) => {
                let frame = match frame {
                    Err(_) => return Err(AgentError::Protocol("no traffic for 90 s".into())),
                    Ok(None) => return Ok(()),
                    Ok(Some(frame)) => frame.map_err(|e| AgentError::WebSocket(Box::new(e)))?,
                };
                deadline = Instant::now() + READ_DEADLINE;
                match frame {
                    Message::Text(text) => match serde_json::from_str::<ServerMessage>(text.as_str()) {
                        Ok(ServerMessage::Unknown) => tracing::debug!("ignoring unknown server message"),
                        Ok(message) => {
                            if commands.send(message).is_err() {
                                return Ok(());
                            }
                        }
                        Err(err) => tracing::warn!(error = %err, "unreadable server message"),
                    },
                    Message::Close(_) => return Ok(()),
                    _ => {}
                }
            }
        }
    }
}

/// Keeps a connection open for as long as the agent runs.
pub async fn run(
    config: AgentConfig,
    credentials: Credentials,
    commands: mpsc::UnboundedSender<ServerMessage>,
) {
    let mut backoff = BACKOFF_START;
    loop {
        let started = Instant::now();
        match session(&config, &credentials, &commands).await {
            Ok(()) => tracing::info!("WebSocket closed by the server"),
            Err(err) => tracing::warn!(error = %err, "WebSocket connection failed"),
        }
        if commands.is_closed() {
            return;
        }
        // A session that lasted resets the back-off: the dial worked.
        if started.elapsed() > BACKOFF_CAP {
            backoff = BACKOFF_START;
        }
        let (next, wait) = next_backoff(backoff, entropy());
        tokio::time::sleep(wait).await;
        backoff = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_with_bounded_jitter() {
        let mut current = BACKOFF_START;
        let mut waits = Vec::new();
        for i in 0..8 {
            let (next, wait) = next_backoff(current, 7919 * (i + 1));
            assert!(wait >= current && wait < current + current / 5 + Duration::from_millis(1));
            waits.push(current.as_secs());
            current = next;
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
