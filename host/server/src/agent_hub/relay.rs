//! Agents across replicas. Each replica holds its own WebSockets in an [`AgentHub`]; with Redis
//! configured, replicas also share who is connected where and route commands to the replica that
//! holds the agent over one pub/sub channel. Commands for an agent connected nowhere wait in a
//! shared queue that the next replica it connects to drains.
//!
//! Redis keys (under the configured prefix):
//! - `agent:{api_id}` = `{replica}|{secure}`, refreshed every [`HEARTBEAT`], expires after three
//!   missed beats (a replica that died stops claiming its agents);
//! - `agent-left:{api_id}` = unix seconds of the last disconnect;
//! - `agent-pending:{api_id}` = list of queued commands (JSON);
//! - hash `agent-counts`, field `{replica}` = `{agents held}|{unix seconds}` at its last beat;
//! - channel `agent-commands` = `{"replica", "api_id", "message"}`, `"*"` meaning every replica
//!   or every agent.
//!
//! Redis trouble never loses a command silently: it falls back to this replica's own queue and
//! logs a warning.

use std::time::Duration;

use futures_util::StreamExt;
use patchmon_proto::ws::ServerMessage;
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::registry::{AgentHub, AgentStatus, Delivery};

/// How often a replica re-asserts the agents it holds.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
const PRESENCE_TTL_SECS: u64 = 90;
const LEFT_TTL_SECS: u64 = 7 * 24 * 3600;
const EVERYONE: &str = "*";

#[derive(Serialize, Deserialize)]
struct Routed {
    replica: String,
    api_id: String,
    message: ServerMessage,
}

/// Deletes the presence key only if this replica still owns it (a newer connection on another
/// replica must keep its claim). ARGV[1] is the replica id; the value is `{replica}|{secure}`.
const RELEASE: &str = r"
local claim = redis.call('GET', KEYS[1])
if claim and string.sub(claim, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Returns and removes the queued commands in one step.
const DRAIN: &str = r"
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
";

/// Queues a command unless the same one is already waiting.
const ENQUEUE: &str = r"
if redis.call('LPOS', KEYS[1], ARGV[1]) == false then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1
";

#[derive(Clone)]
struct Shared {
    conn: ConnectionManager,
    prefix: String,
    replica: String,
}

impl Shared {
    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    fn channel(&self) -> String {
        format!("{}agent-commands", self.prefix)
    }

    fn counts(&self) -> String {
        format!("{}agent-counts", self.prefix)
    }

    fn claim(&self, secure: bool) -> String {
        format!("{}|{}", self.replica, u8::from(secure))
    }

    async fn publish(
        &self,
        replica: &str,
        api_id: &str,
        message: ServerMessage,
    ) -> redis::RedisResult<()> {
        let routed = Routed {
            replica: replica.to_string(),
            api_id: api_id.to_string(),
            message,
        };
        let text = serde_json::to_string(&routed).expect("commands serialise");
        self.conn.clone().publish(self.channel(), text).await
    }

    async fn enqueue(&self, api_id: &str, message: &ServerMessage) -> redis::RedisResult<()> {
        let text = serde_json::to_string(message).expect("commands serialise");
        redis::Script::new(ENQUEUE)
            .key(self.key("agent-pending", api_id))
            .arg(text)
            .arg(LEFT_TTL_SECS)
            .invoke_async(&mut self.conn.clone())
            .await
    }

    /// `(replica, secure)` of the agent's current connection, if any replica holds it.
    async fn holder(&self, api_id: &str) -> redis::RedisResult<Option<(String, bool)>> {
        let claim: Option<String> = self.conn.clone().get(self.key("agent", api_id)).await?;
        Ok(claim
            .as_deref()
            .and_then(parse_claim)
            .map(|(replica, secure)| (replica.to_string(), secure)))
    }
}

/// Every agent connection the server knows of: this replica's, and with Redis, the others'.
pub struct Agents {
    local: AgentHub,
    shared: Option<Shared>,
}

/// `{replica}|{secure}` as stored under `agent:{api_id}`.
fn parse_claim(claim: &str) -> Option<(&str, bool)> {
    let (replica, secure) = claim.rsplit_once('|')?;
    Some((replica, secure == "1"))
}

/// A replica's entry in `agent-counts`.
fn beat(held: usize) -> String {
    format!("{held}|{}", crate::store::now().timestamp())
}

fn warn(what: &str, err: &redis::RedisError) {
    tracing::warn!(error = %err, "agent routing through Redis failed ({what}); using this replica only");
}

impl Agents {
    /// This replica alone (no Redis).
    pub fn local() -> Agents {
        Agents {
            local: AgentHub::default(),
            shared: None,
        }
    }

    /// Shares connections through Redis; call [`Agents::spawn_tasks`] once the value is shared.
    pub fn shared(conn: ConnectionManager, prefix: &str) -> Agents {
        Agents {
            local: AgentHub::default(),
            shared: Some(Shared {
                conn,
                prefix: prefix.to_string(),
                replica: uuid::Uuid::new_v4().simple().to_string(),
            }),
        }
    }

    /// Starts the subscriber that delivers routed commands and the presence heartbeat.
    pub fn spawn_tasks(agents: std::sync::Arc<Agents>, redis_url: &str) {
        let Some(shared) = agents.shared.clone() else {
            return;
        };
        let client = match redis::Client::open(redis_url) {
            Ok(client) => client,
            Err(err) => return warn("subscribing", &err),
        };
        let subscriber = agents.clone();
        let channel = shared.channel();
        tokio::spawn(async move {
            loop {
                if let Err(err) = subscriber.deliver_routed(&client, &channel).await {
                    warn("subscription", &err);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        tokio::spawn(async move {
            let mut beat = tokio::time::interval(HEARTBEAT);
            loop {
                beat.tick().await;
                if let Err(err) = agents.heartbeat().await {
                    warn("heartbeat", &err);
                }
            }
        });
    }

    async fn deliver_routed(
        &self,
        client: &redis::Client,
        channel: &str,
    ) -> redis::RedisResult<()> {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        let mut messages = pubsub.on_message();
        while let Some(message) = messages.next().await {
            let Ok(text) = message.get_payload::<String>() else {
                continue;
            };
            let Ok(routed) = serde_json::from_str::<Routed>(&text) else {
                continue;
            };
            self.deliver(routed).await;
        }
        Ok(())
    }

    async fn deliver(&self, routed: Routed) {
        let Some(shared) = &self.shared else { return };
        if routed.replica != shared.replica && routed.replica != EVERYONE {
            return;
        }
        if routed.api_id == EVERYONE {
            self.local.broadcast(&routed.message);
        } else if !self
            .local
            .send_if_connected(&routed.api_id, &routed.message)
        {
            // The agent left between the lookup and the delivery: keep it for its next visit.
            if let Err(err) = shared.enqueue(&routed.api_id, &routed.message).await {
                warn("queueing", &err);
                self.local.send(&routed.api_id, routed.message);
            }
        }
    }

    async fn heartbeat(&self) -> redis::RedisResult<()> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let held = self.local.connections();
        let mut pipe = redis::pipe();
        for (api_id, secure) in &held {
            pipe.set_ex(
                shared.key("agent", api_id),
                shared.claim(*secure),
                PRESENCE_TTL_SECS,
            )
            .ignore();
        }
        pipe.hset(shared.counts(), &shared.replica, beat(held.len()))
            .ignore();
        pipe.query_async(&mut shared.conn.clone()).await
    }

    /// Publishes this replica's agent count at once (connections come and go between beats).
    async fn recount(&self, shared: &Shared) {
        let held = self.local.connections().len();
        let written: redis::RedisResult<()> = shared
            .conn
            .clone()
            .hset(shared.counts(), &shared.replica, beat(held))
            .await;
        if let Err(err) = written {
            warn("counting", &err);
        }
    }

    /// Registers a connection and returns its generation and every command that waited for it,
    /// here or in the shared queue.
    pub async fn register(
        &self,
        api_id: &str,
        sender: mpsc::UnboundedSender<ServerMessage>,
        secure: bool,
    ) -> (u64, Vec<ServerMessage>) {
        let (generation, mut pending) = self.local.register(api_id, sender, secure);
        if let Some(shared) = &self.shared {
            let claimed: redis::RedisResult<()> = shared
                .conn
                .clone()
                .set_ex(
                    shared.key("agent", api_id),
                    shared.claim(secure),
                    PRESENCE_TTL_SECS,
                )
                .await;
            if let Err(err) = claimed {
                warn("registering", &err);
            }
            let queued: redis::RedisResult<Vec<String>> = redis::Script::new(DRAIN)
                .key(shared.key("agent-pending", api_id))
                .invoke_async(&mut shared.conn.clone())
                .await;
            match queued {
                Ok(items) => {
                    for message in items.iter().filter_map(|t| serde_json::from_str(t).ok()) {
                        if !pending.contains(&message) {
                            pending.push(message);
                        }
                    }
                }
                Err(err) => warn("draining the queue", &err),
            }
            self.recount(shared).await;
        }
        (generation, pending)
    }

    /// Removes the connection unless a newer one replaced it; returns whether it was current.
    pub async fn unregister(&self, api_id: &str, generation: u64) -> bool {
        let current = self.local.unregister(api_id, generation);
        if let (true, Some(shared)) = (current, &self.shared) {
            let mut conn = shared.conn.clone();
            let released: redis::RedisResult<()> = async {
                redis::Script::new(RELEASE)
                    .key(shared.key("agent", api_id))
                    .arg(&shared.replica)
                    .invoke_async::<i64>(&mut conn)
                    .await?;
                conn.set_ex(
                    shared.key("agent-left", api_id),
                    crate::store::now().timestamp(),
                    LEFT_TTL_SECS,
                )
                .await
            }
            .await;
            if let Err(err) = released {
                warn("unregistering", &err);
            }
            self.recount(shared).await;
        }
        current
    }

    /// Delivers to the agent wherever it is connected, or queues the command for its next
    /// connection.
    pub async fn send(&self, api_id: &str, message: ServerMessage) -> Delivery {
        if self.local.send_if_connected(api_id, &message) {
            return Delivery::Sent;
        }
        let Some(shared) = &self.shared else {
            return self.local.send(api_id, message);
        };
        let routed = async {
            match shared.holder(api_id).await? {
                Some((replica, _)) if replica != shared.replica => {
                    shared.publish(&replica, api_id, message.clone()).await?;
                    Ok(Delivery::Sent)
                }
                _ => {
                    shared.enqueue(api_id, &message).await?;
                    Ok(Delivery::Queued)
                }
            }
        };
        match routed.await {
            Ok(delivery) => delivery,
            Err(err) => {
                warn("sending", &err);
                self.local.send(api_id, message)
            }
        }
    }

    /// Sends to every connected agent, on every replica. Returns how many this replica told.
    pub async fn broadcast(&self, message: &ServerMessage) -> usize {
        if let Some(shared) = &self.shared {
            let others: redis::RedisResult<()> =
                shared.publish(EVERYONE, EVERYONE, message.clone()).await;
            match others {
                // Every replica, this one included, receives the broadcast from the channel.
                Ok(()) => return self.local.connections().len(),
                Err(err) => warn("broadcasting", &err),
            }
        }
        self.local.broadcast(message)
    }

    /// Connection state of each agent, in order: from this replica, then for the agents it does
    /// not hold from Redis in two round trips (claims, then last disconnects).
    pub async fn statuses(&self, api_ids: &[&str]) -> Vec<AgentStatus> {
        let mut statuses: Vec<AgentStatus> =
            api_ids.iter().map(|id| self.local.status(id)).collect();
        let Some(shared) = &self.shared else {
            return statuses;
        };
        let elsewhere: Vec<usize> = (0..api_ids.len())
            .filter(|&i| !statuses[i].connected)
            .collect();
        if elsewhere.is_empty() {
            return statuses;
        }
        let keys = |kind: &str| -> Vec<String> {
            elsewhere
                .iter()
                .map(|&i| shared.key(kind, api_ids[i]))
                .collect()
        };
        let read = async {
            let mut conn = shared.conn.clone();
            let claims: Vec<Option<String>> = conn.mget(keys("agent")).await?;
            let left: Vec<Option<i64>> = conn.mget(keys("agent-left")).await?;
            Ok::<_, redis::RedisError>((claims, left))
        };
        let (claims, left) = match read.await {
            Ok(read) => read,
            Err(err) => {
                warn("reading status", &err);
                return statuses;
            }
        };
        let now = crate::store::now().timestamp();
        for ((&i, claim), left) in elsewhere.iter().zip(claims).zip(left) {
            let local = statuses[i];
            statuses[i] = match claim.as_deref().and_then(parse_claim) {
                Some((_, secure)) => AgentStatus {
                    connected: true,
                    secure,
                    disconnected_seconds_ago: None,
                },
                None => AgentStatus {
                    connected: false,
                    secure: false,
                    disconnected_seconds_ago: left
                        .map(|at| (now - at).max(0))
                        .or(local.disconnected_seconds_ago),
                },
            };
        }
        statuses
    }

    /// Connected agents on every live replica: this one's now, the others' as of their last
    /// heartbeat (a replica silent for three beats no longer counts).
    pub async fn connected_count(&self) -> usize {
        let here = self.local.connections().len();
        let Some(shared) = &self.shared else {
            return here;
        };
        let beats: redis::RedisResult<Vec<(String, String)>> =
            shared.conn.clone().hgetall(shared.counts()).await;
        let beats = match beats {
            Ok(beats) => beats,
            Err(err) => {
                warn("counting", &err);
                return here;
            }
        };
        let fresh_after = crate::store::now().timestamp() - PRESENCE_TTL_SECS as i64;
        let others: usize = beats
            .iter()
            .filter(|(replica, _)| *replica != shared.replica)
            .filter_map(|(_, beat)| {
                let (held, at) = beat.split_once('|')?;
                (at.parse::<i64>().ok()? >= fresh_after).then(|| held.parse::<usize>().ok())?
            })
            .sum();
        here + others
    }

    /// Commands waiting for this agent to connect.
    pub async fn pending_count(&self, api_id: &str) -> usize {
        let here = self.local.pending_count(api_id);
        let Some(shared) = &self.shared else {
            return here;
        };
        let queued: redis::RedisResult<usize> = shared
            .conn
            .clone()
            .llen(shared.key("agent-pending", api_id))
            .await;
        here + queued.unwrap_or_else(|err| {
            warn("counting the queue", &err);
            0
        })
    }
}
