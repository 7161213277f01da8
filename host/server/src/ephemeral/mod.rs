//! Short-lived shared state: rate-limit and lockout counters, single-use tickets.
//!
//! With Redis configured, every replica shares it; without, an in-process map serves the single
//! replica. Callers decide what a backend failure means (rate limits fail open, auth fails closed).

mod batched;
mod memory;

use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::AsyncCommands;

pub use batched::BatchedCounters;
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

/// Adds `ARGV[2i-1]` to each `KEYS[i]` and gives a key without an expiry one of `ARGV[2i]`
/// milliseconds (a fixed window); answers each key's total and milliseconds left.
static ADD_FIXED_WINDOW: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local answers = {}
for i, key in ipairs(KEYS) do
  local total = redis.call('INCRBY', key, ARGV[2 * i - 1])
  local left = redis.call('PTTL', key)
  if left < 0 then
    left = tonumber(ARGV[2 * i])
    redis.call('PEXPIRE', key, left)
  end
  answers[i] = {total, left}
end
return answers
",
    )
});

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
        let answers = self.add(&[(key, 1, window)]).await?;
        answers
            .first()
            .copied()
            .ok_or_else(|| EphemeralError("no answer for the counter".into()))
    }

    /// Adds an amount to each key's fixed-window counter in one step; returns each new count
    /// and the time left in its window, in the order given.
    pub async fn add(
        &self,
        additions: &[(&str, u64, Duration)],
    ) -> Result<Vec<(u64, Duration)>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(additions
                .iter()
                .map(|&(key, amount, window)| m.add(key, amount, window))
                .collect()),
            Ephemeral::Redis { conn, prefix } => {
                let mut invocation = ADD_FIXED_WINDOW.prepare_invoke();
                for &(key, amount, window) in additions {
                    invocation
                        .key(format!("{prefix}{key}"))
                        .arg(amount)
                        .arg(window.as_millis() as u64);
                }
                let answers: Vec<(u64, i64)> = invocation.invoke_async(&mut conn.clone()).await?;
                Ok(answers
                    .into_iter()
                    .map(|(total, left)| (total, Duration::from_millis(left.max(0) as u64)))
                    .collect())
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
