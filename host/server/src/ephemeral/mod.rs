//! Short-lived shared state: rate-limit and lockout counters, single-use tickets.
//!
//! With Redis configured, every replica shares it; without, an in-process map serves the single
//! replica. Callers decide what a backend failure means (rate limits fail open, auth fails closed).

mod memory;

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::AsyncCommands;

pub use memory::MemoryBackend;

#[derive(Debug, thiserror::Error)]
#[error("shared state unavailable: {0}")]
pub struct EphemeralError(String);

impl From<redis::RedisError> for EphemeralError {
    fn from(err: redis::RedisError) -> Self {
        EphemeralError(err.to_string())
    }
}

#[derive(Clone)]
pub enum Ephemeral {
    Memory(MemoryBackend),
    Redis {
        conn: ConnectionManager,
        prefix: String,
    },
}

impl std::fmt::Debug for Ephemeral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.backend_name())
    }
}

/// Increments a counter and sets its expiry only when the key is new (a fixed window).
const INCR_FIXED_WINDOW: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {n, ttl}
";

impl Ephemeral {
    pub fn memory() -> Ephemeral {
        Ephemeral::Memory(MemoryBackend::default())
    }

    pub async fn redis(url: &str, prefix: &str) -> Result<Ephemeral, EphemeralError> {
        let client = redis::Client::open(url)?;
        let manager = ConnectionManager::new(client).await?;
        Ok(Ephemeral::Redis {
            conn: manager,
            prefix: prefix.to_string(),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Ephemeral::Memory(_) => "memory",
            Ephemeral::Redis { .. } => "redis",
        }
    }

    /// Adds one to `key`; returns the new count and the time left in the window.
    pub async fn incr(
        &self,
        key: &str,
        window: Duration,
    ) -> Result<(u64, Duration), EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.incr(key, window)),
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let key = key.as_str();
                let (count, ttl_ms): (u64, i64) = redis::Script::new(INCR_FIXED_WINDOW)
                    .key(key)
                    .arg(window.as_millis() as u64)
                    .invoke_async(&mut conn)
                    .await?;
                Ok((count, Duration::from_millis(ttl_ms.max(0) as u64)))
            }
        }
    }

    /// Time left before `key` expires, or `None` when it does not exist.
    pub async fn ttl(&self, key: &str) -> Result<Option<Duration>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.ttl(key)),
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let key = key.as_str();
                let ttl_ms: i64 = conn.pttl(key).await?;
                Ok((ttl_ms > 0).then(|| Duration::from_millis(ttl_ms as u64)))
            }
        }
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(m) => {
                m.set(key, value, ttl);
                Ok(())
            }
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let key = key.as_str();
                let _: () = conn.pset_ex(key, value, ttl.as_millis() as u64).await?;
                Ok(())
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.get(key)),
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                Ok(conn.get(format!("{prefix}{key}")).await?)
            }
        }
    }

    /// Reads and deletes `key` in one step, so a ticket can be used only once.
    pub async fn take(&self, key: &str) -> Result<Option<String>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.take(key)),
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let key = key.as_str();
                Ok(conn.get_del(key).await?)
            }
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(m) => {
                m.delete(key);
                Ok(())
            }
            Ephemeral::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let key = key.as_str();
                let _: () = conn.del(key).await?;
                Ok(())
            }
        }
    }

    pub async fn ping(&self) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(_) => Ok(()),
            Ephemeral::Redis { conn, .. } => {
                let mut conn = conn.clone();
                let _: String = redis::cmd("PING").query_async(&mut conn).await?;
                Ok(())
            }
        }
    }
}
