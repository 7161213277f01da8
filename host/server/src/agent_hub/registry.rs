//! The in-process registry of the agents connected to this replica: who is connected, since when,
//! over TLS or not, and a channel to each. Commands for an agent that is not connected wait until
//! it connects. `relay` shares this across replicas.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use patchmon_proto::ws::ServerMessage;
use tokio::sync::mpsc;

struct Connection {
    generation: u64,
    sender: mpsc::UnboundedSender<ServerMessage>,
    secure: bool,
}

#[derive(Default)]
struct Inner {
    next_generation: u64,
    connections: HashMap<String, Connection>,
    disconnected_at: HashMap<String, Instant>,
    /// Commands waiting for an agent to connect, de-duplicated.
    pending: HashMap<String, Vec<ServerMessage>>,
}

/// Connection state of one agent, as `/ws/status` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentStatus {
    pub connected: bool,
    pub secure: bool,
    pub disconnected_seconds_ago: Option<i64>,
}

#[derive(Default)]
pub struct AgentHub {
    inner: Mutex<Inner>,
}

/// What became of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Queued,
}

impl AgentHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind; they stay usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a connection (the newest wins) and returns its generation and the commands that
    /// were waiting for it.
    pub fn register(
        &self,
        api_id: &str,
        sender: mpsc::UnboundedSender<ServerMessage>,
        secure: bool,
    ) -> (u64, Vec<ServerMessage>) {
        let mut inner = self.lock();
        inner.next_generation += 1;
        let generation = inner.next_generation;
        inner.connections.insert(
            api_id.to_string(),
            Connection {
                generation,
                sender,
                secure,
            },
        );
        inner.disconnected_at.remove(api_id);
        let pending = inner.pending.remove(api_id).unwrap_or_default();
        (generation, pending)
    }

    /// Removes the connection unless a newer one replaced it; returns whether it was current
    /// (a superseded connection's teardown has no side effects).
    pub fn unregister(&self, api_id: &str, generation: u64) -> bool {
        let mut inner = self.lock();
        let current = inner
            .connections
            .get(api_id)
            .is_some_and(|c| c.generation == generation);
        if current {
            inner.connections.remove(api_id);
            inner
                .disconnected_at
                .insert(api_id.to_string(), Instant::now());
        }
        current
    }

    /// Sends now when connected, otherwise keeps the command for the next connection.
    pub fn send(&self, api_id: &str, message: ServerMessage) -> Delivery {
        let mut inner = self.lock();
        if let Some(connection) = inner.connections.get(api_id) {
            if connection.sender.send(message.clone()).is_ok() {
                return Delivery::Sent;
            }
        }
        let queue = inner.pending.entry(api_id.to_string()).or_default();
        if !queue.contains(&message) {
            queue.push(message);
        }
        Delivery::Queued
    }

    /// Sends only if the agent is connected here; returns whether it was.
    pub fn send_if_connected(&self, api_id: &str, message: &ServerMessage) -> bool {
        self.lock()
            .connections
            .get(api_id)
            .is_some_and(|c| c.sender.send(message.clone()).is_ok())
    }

    /// How many commands wait for this agent to connect.
    pub fn pending_count(&self, api_id: &str) -> usize {
        self.lock().pending.get(api_id).map_or(0, Vec::len)
    }

    /// Sends to connected agents only (settings pushes: a later connection reads fresh settings).
    pub fn broadcast(&self, message: &ServerMessage) -> usize {
        let inner = self.lock();
        inner
            .connections
            .values()
            .filter(|c| c.sender.send(message.clone()).is_ok())
            .count()
    }

    pub fn status(&self, api_id: &str) -> AgentStatus {
        let inner = self.lock();
        match inner.connections.get(api_id) {
            Some(c) => AgentStatus {
                connected: true,
                secure: c.secure,
                disconnected_seconds_ago: None,
            },
            None => AgentStatus {
                connected: false,
                secure: false,
                disconnected_seconds_ago: inner
                    .disconnected_at
                    .get(api_id)
                    .map(|at| at.elapsed().as_secs().min(i32::MAX as u64) as i64),
            },
        }
    }

    /// `(api_id, secure)` of every agent connected here.
    pub fn connections(&self) -> Vec<(String, bool)> {
        self.lock()
            .connections
            .iter()
            .map(|(id, c)| (id.clone(), c.secure))
            .collect()
    }
}

/// FNV-1a (32-bit): PatchMon's deterministic per-agent catch-up jitter is this mod 60.
pub fn fnv32a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_connection_wins_and_stale_teardown_is_ignored() {
        let hub = AgentHub::default();
        let (tx1, _rx1) = mpsc::unbounded_channel();
        let (tx2, mut rx2) = mpsc::unbounded_channel();
        let (first, _) = hub.register("patchmon_a", tx1, false);
        let (second, _) = hub.register("patchmon_a", tx2, true);
        assert!(
            !hub.unregister("patchmon_a", first),
            "superseded connection"
        );
        assert_eq!(
            hub.send("patchmon_a", ServerMessage::ReportNow),
            Delivery::Sent
        );
        assert_eq!(rx2.try_recv().unwrap(), ServerMessage::ReportNow);
        assert!(hub.status("patchmon_a").secure);
        assert!(hub.unregister("patchmon_a", second));
        let status = hub.status("patchmon_a");
        assert!(!status.connected && !status.secure);
        assert_eq!(status.disconnected_seconds_ago, Some(0));
    }

    #[test]
    fn commands_wait_for_the_agent_and_are_not_duplicated() {
        let hub = AgentHub::default();
        assert_eq!(
            hub.send("patchmon_b", ServerMessage::ReportNow),
            Delivery::Queued
        );
        assert_eq!(
            hub.send("patchmon_b", ServerMessage::ReportNow),
            Delivery::Queued
        );
        hub.send("patchmon_b", ServerMessage::UpdateAgent);
        let (tx, _rx) = mpsc::unbounded_channel();
        let (_, pending) = hub.register("patchmon_b", tx, false);
        assert_eq!(
            pending,
            vec![ServerMessage::ReportNow, ServerMessage::UpdateAgent]
        );
        assert_eq!(hub.status("patchmon_never").disconnected_seconds_ago, None);
    }

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(fnv32a(""), 0x811c_9dc5);
        assert_eq!(fnv32a("a"), 0xe40c_292c);
        assert_eq!(fnv32a("foobar"), 0xbf9c_f968);
    }
}
