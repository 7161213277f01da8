//! Active hosts' agent credentials kept in memory, so the hash-gated check-in, the most frequent
//! request, is answered without the database.
//!
//! Only check-ins read this cache; every other agent route reads the host row. An entry is
//! trusted until, whichever comes first:
//! - its host's own report is stored on this replica (the host row is then read again: the
//!   hashes moved);
//! - any other change is made through the API on any replica ([`AgentCache::forget_all`]: an
//!   administrator renamed, re-keyed or deleted hosts; with Redis the other replicas are told
//!   over one pub/sub channel);
//! - it is [`TTL`] old, which bounds what an announcement Redis never delivered can cost.
//!
//! A report stored on another replica is not announced: a check-in answered from a cached entry
//! that would ask for sections again reads the host row first (see `ping`), so a stale hash
//! costs one read, never a needless report.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::mpsc;

use super::auth::AgentHost;

/// How long an entry is trusted without a word from the API. Within one replica every change
/// is seen at once; across replicas, an announcement is retried until Redis takes it and a
/// replica that lost its subscription starts over, so this only bounds the unforeseen.
pub const TTL: Duration = Duration::from_secs(600);
/// Entries kept before all are dropped (a fleet this size refills within one check-in interval).
const MAX_ENTRIES: usize = 200_000;

struct Entry {
    host: AgentHost,
    generation: u64,
    at: Instant,
}

#[derive(Default)]
pub struct AgentCache {
    /// By `api_id`.
    entries: Mutex<HashMap<String, Entry>>,
    /// Bumped by [`AgentCache::forget_all`]; entries of an older generation are ignored.
    generation: AtomicU64,
    /// Set when replicas share Redis: each `forget_all` is announced through it.
    peers: Mutex<Option<mpsc::UnboundedSender<()>>>,
}

impl AgentCache {
    /// The cached host for `api_id`, if it is still trusted.
    pub fn get(&self, api_id: &str) -> Option<AgentHost> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(api_id)?;
        let current = entry.generation == self.generation.load(Ordering::Acquire);
        (current && entry.at.elapsed() < TTL).then(|| AgentHost {
            cached: true,
            ..entry.host.clone()
        })
    }

    /// Taken before reading a host row that will be [kept](AgentCache::keep): a `forget_all`
    /// landing between the read and the keep then wins.
    pub fn ticket(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers a host read from the database after `ticket` was taken. Only active hosts are
    /// kept: a pending host's first check-in changes its status at once, and a host still
    /// carrying an imported bcrypt hash would make every cached check-in pay for bcrypt.
    pub fn keep(&self, host: &AgentHost, ticket: u64) {
        if host.status != "active" || crate::crypto::is_bcrypt(&host.api_key_hash) {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&host.api_id) {
            entries.clear();
        }
        entries.insert(
            host.api_id.clone(),
            Entry {
                host: AgentHost {
                    cached: false,
                    ..host.clone()
                },
                generation: ticket,
                at: Instant::now(),
            },
        );
    }

    /// Drops one host's entry on this replica.
    pub fn forget(&self, api_id: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(api_id);
    }

    /// Drops every entry, here and on the other replicas.
    pub fn forget_all(&self) {
        self.forget_all_here();
        if let Some(peers) = &*self.peers.lock().unwrap_or_else(|e| e.into_inner()) {
            // The sender only fails once the publishing task is gone, and it never ends.
            let _ = peers.send(());
        }
    }

    fn forget_all_here(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Announces this replica's `forget_all` calls to the others through Redis and applies
    /// theirs. An announcement is retried until Redis takes it; while the subscription is down
    /// this replica forgets everything once a second.
    pub fn share_through_redis(
        cache: Arc<AgentCache>,
        conn: ConnectionManager,
        url: &str,
        prefix: &str,
    ) -> redis::RedisResult<()> {
        let client = redis::Client::open(url)?;
        let channel = format!("{prefix}agent-credentials-changed");
        let replica = uuid::Uuid::new_v4().simple().to_string();
        let (announce, mut announced) = mpsc::unbounded_channel();
        *cache.peers.lock().unwrap_or_else(|e| e.into_inner()) = Some(announce);

        let (publish_to, me) = (channel.clone(), replica.clone());
        tokio::spawn(async move {
            while announced.recv().await.is_some() {
                // Many changes in a row need one announcement.
                while announced.try_recv().is_ok() {}
                loop {
                    let sent: redis::RedisResult<()> =
                        redis::AsyncCommands::publish(&mut conn.clone(), &publish_to, &me).await;
                    match sent {
                        Ok(()) => break,
                        Err(err) => warn("announcing", &err),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        });
        tokio::spawn(async move {
            loop {
                if let Err(err) = listen(&cache, &client, &channel, &replica).await {
                    warn("listening", &err);
                }
                // Missed announcements while disconnected: start over rather than trust them.
                cache.forget_all_here();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Ok(())
    }
}

async fn listen(
    cache: &AgentCache,
    client: &redis::Client,
    channel: &str,
    replica: &str,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        if message.get_payload::<String>().ok().as_deref() != Some(replica) {
            cache.forget_all_here();
        }
    }
    Ok(())
}

fn warn(what: &str, err: &redis::RedisError) {
    tracing::warn!(error = %err, "sharing agent credential changes through Redis failed ({what}); retrying in a second");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(api_id: &str, status: &str) -> AgentHost {
        AgentHost::for_tests(api_id, status, "keyed-hash")
    }

    #[test]
    fn active_hosts_are_kept_until_forgotten() {
        let cache = AgentCache::default();
        for (api_id, status) in [("a", "active"), ("b", "active"), ("p", "pending")] {
            cache.keep(&host(api_id, status), cache.ticket());
        }
        let a = cache.get("a").expect("kept");
        assert!(a.cached, "marked as answered from memory");
        assert!(cache.get("p").is_none(), "pending hosts are not kept");
        cache.forget("a");
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some(), "forget drops one host");
        cache.forget_all();
        assert!(cache.get("b").is_none());
    }

    #[test]
    fn a_forget_all_between_read_and_keep_wins_and_bcrypt_hashes_are_not_kept() {
        let cache = AgentCache::default();
        let ticket = cache.ticket();
        cache.forget_all();
        cache.keep(&host("a", "active"), ticket);
        assert!(cache.get("a").is_none(), "read before the change");
        cache.keep(&host("a", "active"), cache.ticket());
        assert!(cache.get("a").is_some());
        let imported = AgentHost::for_tests("old", "active", "$2b$04$abc");
        cache.keep(&imported, cache.ticket());
        assert!(cache.get("old").is_none());
    }
}
