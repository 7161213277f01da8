//! One agent's WebSocket session: register, deliver commands, keep the connection alive.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use patchmon_proto::ws::{AgentMessage, ServerMessage};
use tokio::sync::mpsc;
use tokio::time::{interval, timeout_at, Instant};

use super::registry::fnv32a;
use crate::app::AppState;
use crate::ingest::auth::AgentHost;
use crate::store::now;

const PING_EVERY: Duration = Duration::from_secs(30);
const READ_DEADLINE: Duration = Duration::from_secs(90);
const WRITE_DEADLINE: Duration = Duration::from_secs(10);
const MAX_INBOUND: usize = 512 * 1024;
const BUFFER: usize = 4 * 1024;

/// TLS reaches us terminated by a proxy, so `secure` comes from `X-Forwarded-Proto`.
fn is_secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub async fn connect(
    State(state): State<AppState>,
    host: AgentHost,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let secure = is_secure(&headers);
    // Agent traffic is a few small JSON commands: 4 KiB buffers instead of tungstenite's
    // 128 KiB ones took 10,000 idle agents from about 1.4 GB of server memory (see
    // docs/benchmarks.md). Larger messages still arrive whole, up to MAX_INBOUND.
    upgrade
        .read_buffer_size(BUFFER)
        .write_buffer_size(BUFFER)
        .max_message_size(MAX_INBOUND)
        .on_upgrade(move |socket| session(state, host, secure, socket))
}

/// An active host that missed its last report gets a catch-up `report_now`, spread over a
/// minute by a per-agent jitter so a server restart does not make the whole fleet report at once.
async fn schedule_catch_up(state: &AppState, host: &AgentHost) {
    let interval = match state.settings.get().await {
        Ok(settings) if settings.row.update_interval > 0 => settings.row.update_interval,
        _ => 60,
    };
    let overdue = now() - host.last_update > chrono::Duration::minutes(interval);
    if host.status != "active" || !overdue {
        return;
    }
    let jitter = Duration::from_secs(u64::from(fnv32a(&host.api_id) % 60));
    let hub = state.clone();
    let api_id = host.api_id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(jitter).await;
        hub.agents.send(&api_id, ServerMessage::ReportNow).await;
    });
}

async fn session(state: AppState, host: AgentHost, secure: bool, socket: WebSocket) {
    let (sender, mut commands) = mpsc::unbounded_channel();
    let (generation, pending) = state.agents.register(&host.api_id, sender, secure).await;
    tracing::info!(api_id = %host.api_id, secure, "agent connected");
    schedule_catch_up(&state, &host).await;
    let (mut sink, mut stream) = socket.split();
    let mut outbox: Vec<ServerMessage> = pending;
    let mut keepalive = interval(PING_EVERY);
    keepalive.tick().await;
    let mut deadline = Instant::now() + READ_DEADLINE;
    'session: loop {
        for message in outbox.drain(..) {
            let Ok(text) = serde_json::to_string(&message) else {
                continue;
            };
            let sent =
                tokio::time::timeout(WRITE_DEADLINE, sink.send(Message::Text(text.into()))).await;
            if !matches!(sent, Ok(Ok(()))) {
                break 'session;
            }
        }
        tokio::select! {
            command = commands.recv() => match command {
                Some(message) => outbox.push(message),
                None => break,
            },
            _ = keepalive.tick() => {
                let ping = tokio::time::timeout(WRITE_DEADLINE, sink.send(Message::Ping(Vec::new().into()))).await;
                if !matches!(ping, Ok(Ok(()))) {
                    break;
                }
            }
            frame = timeout_at(deadline, stream.next()) => match frame {
                Ok(Some(Ok(frame))) => {
                    deadline = Instant::now() + READ_DEADLINE;
                    match frame {
                        Message::Text(text) => handle_agent_message(&host, text.as_str()),
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
                // Closed, broken, or silent past the read deadline.
                _ => break,
            },
        }
    }
    if state.agents.unregister(&host.api_id, generation).await {
        tracing::info!(api_id = %host.api_id, "agent disconnected");
    }
}

/// Agent events: proxied terminal traffic has no consumer in this server yet, and status events
/// only keep the connection alive. Only the type is logged: terminal data may hold secrets.
fn handle_agent_message(host: &AgentHost, text: &str) {
    match serde_json::from_str::<AgentMessage>(text) {
        Ok(AgentMessage::Unknown) => tracing::debug!(api_id = %host.api_id, "unknown agent event"),
        Ok(_) => {
            let kind = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v["type"].as_str().map(str::to_string))
                .unwrap_or_default();
            tracing::debug!(api_id = %host.api_id, kind, "agent event");
        }
        Err(err) => {
            tracing::debug!(api_id = %host.api_id, error = %err, "unreadable agent message")
        }
    }
}
