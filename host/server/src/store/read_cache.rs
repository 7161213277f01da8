//! Recently built answers to fleet-wide reads that integrations poll: the scoped API's host list
//! and the fleet overview behind gethomepage and Prometheus. At 10,000 hosts building one takes
//! tens of milliseconds (the list is a 3 MB document), and dashboards poll them every few seconds.
//!
//! An answer is reused until it is `ttl` old or until any change made through this server
//! ([`ReadCache::invalidate`], called for every successful write request except agent check-ins),
//! whichever comes first. So an administrator's change shows at once, while what agents report
//! (last check-in times, status changes by time, other replicas' writes) shows within `ttl`.
//! Concurrent requests for the same answer build it once.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Distinct answers kept before all are dropped.
const MAX_ENTRIES: usize = 256;

struct Built {
    generation: u64,
    at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
struct Slot {
    built: Option<Built>,
}

pub struct ReadCache {
    ttl: Duration,
    generation: AtomicU64,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("ttl", &self.ttl).finish()
    }
}

impl ReadCache {
    /// A zero `ttl` turns the cache off.
    pub fn new(ttl: Duration) -> ReadCache {
        ReadCache {
            ttl,
            generation: AtomicU64::new(0),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every answer built so far.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The answer for `key`: a fresh cached one, else what `build` returns (cached when `Ok`).
    pub async fn get_or_build<T, E, F, Fut>(&self, key: &str, build: F) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if self.ttl.is_zero() {
            return build().await.map(Arc::new);
        }
        let slot = self.slot(key);
        // Held while building, so requests arriving meanwhile wait for this answer.
        let mut slot = slot.lock().await;
        let generation = self.generation.load(Ordering::Acquire);
        if let Some(built) = &slot.built {
            if built.generation == generation && built.at.elapsed() < self.ttl {
                if let Ok(value) = built.value.clone().downcast::<T>() {
                    return Ok(value);
                }
            }
        }
        let value = Arc::new(build().await?);
        slot.built = Some(Built {
            generation,
            at: Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }

    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        // Filters are caller-chosen: rather than track ages, start over when too many pile up.
        if slots.len() >= MAX_ENTRIES && !slots.contains_key(key) {
            slots.clear();
        }
        slots.entry(key.to_string()).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    async fn count(cache: &ReadCache, builds: &AtomicUsize) -> usize {
        *cache
            .get_or_build("k", || async {
                Ok::<_, ()>(builds.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn answers_are_reused_until_invalidated_or_expired() {
        let builds = AtomicUsize::new(0);
        let cache = ReadCache::new(Duration::from_millis(200));
        assert_eq!(count(&cache, &builds).await, 1);
        assert_eq!(count(&cache, &builds).await, 1, "reused");
        cache.invalidate();
        assert_eq!(count(&cache, &builds).await, 2, "a write forgets it");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(count(&cache, &builds).await, 3, "expired");
        let off = ReadCache::new(Duration::ZERO);
        assert_eq!(count(&off, &builds).await, 4);
        assert_eq!(count(&off, &builds).await, 5, "a zero ttl never reuses");
    }

    #[tokio::test]
    async fn concurrent_requests_build_once_and_errors_are_not_kept() {
        let builds = AtomicUsize::new(0);
        let cache = ReadCache::new(Duration::from_secs(60));
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, ()>(builds.fetch_add(1, Ordering::SeqCst))
        };
        let (a, b, c) = tokio::join!(
            cache.get_or_build("k", slow),
            cache.get_or_build("k", slow),
            cache.get_or_build("k", slow)
        );
        assert_eq!((*a.unwrap(), *b.unwrap(), *c.unwrap()), (0, 0, 0));
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        let failed = cache
            .get_or_build("e", || async { Err::<usize, _>("down") })
            .await;
        assert_eq!(failed.unwrap_err(), "down");
        let later = cache
            .get_or_build("e", || async { Ok::<usize, &str>(7) })
            .await;
        assert_eq!(*later.unwrap(), 7, "a failure is not cached");
    }
}
