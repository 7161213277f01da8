//! Recently built answers to fleet-wide reads that integrations poll: the scoped API's host list
//! and the fleet overview behind gethomepage and Prometheus. At 10,000 hosts building one takes
//! tens of milliseconds (the list is a 3 MB document), and dashboards poll them every few seconds.
//!
//! An answer is reused until it is `ttl` old or until any change made through this server
//! ([`ReadCache::invalidate`], called for every successful write request except agent check-ins),
//! whichever comes first. So an administrator's change shows at once, while what agents report
//! (last check-in times, status changes by time, other replicas' writes) shows within `ttl`.
//!
//! Concurrent requests for the same answer build it once. When an answer has only aged, one
//! request rebuilds it while the others are still given the aged one, so pollers never queue
//! behind a rebuild (an answer is then at most `ttl` plus one build old); after an invalidation
//! everyone waits for the new answer.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Distinct answers kept before all are dropped.
const MAX_ENTRIES: usize = 256;

#[derive(Clone)]
struct Built {
    generation: u64,
    at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
struct Slot {
    built: Mutex<Option<Built>>,
    /// Held by the one request building this answer.
    building: tokio::sync::Mutex<()>,
}

impl Slot {
    fn built(&self) -> Option<Built> {
        self.built.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What a slot holds for a request of a given generation.
enum Cached<T> {
    Fresh(Arc<T>),
    Aged(Arc<T>),
    Missing,
}

pub struct ReadCache {
    ttl: Duration,
    generation: AtomicU64,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
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

    /// The answer for `key`: a cached one when fresh (or aged while another request rebuilds
    /// it), else what `build` returns (cached when `Ok`).
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
        let _building = match self.cached::<T>(&slot) {
            Cached::Fresh(value) => return Ok(value),
            Cached::Aged(value) => match slot.building.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(value),
            },
            Cached::Missing => {
                let guard = slot.building.lock().await;
                // Built by the request this one waited for.
                if let Cached::Fresh(value) = self.cached::<T>(&slot) {
                    return Ok(value);
                }
                guard
            }
        };
        let generation = self.generation.load(Ordering::Acquire);
        let value = Arc::new(build().await?);
        *slot.built.lock().unwrap_or_else(|e| e.into_inner()) = Some(Built {
            generation,
            at: Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }

    fn cached<T: Send + Sync + 'static>(&self, slot: &Slot) -> Cached<T> {
        let Some(built) = slot.built() else {
            return Cached::Missing;
        };
        if built.generation != self.generation.load(Ordering::Acquire) {
            return Cached::Missing;
        }
        match built.value.downcast::<T>() {
            Ok(value) if built.at.elapsed() < self.ttl => Cached::Fresh(value),
            Ok(value) => Cached::Aged(value),
            Err(_) => Cached::Missing,
        }
    }

    fn slot(&self, key: &str) -> Arc<Slot> {
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

    /// A build taking 50 ms that answers how many builds came before it.
    async fn slow_build(builds: &AtomicUsize) -> Result<usize, ()> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(builds.fetch_add(1, Ordering::SeqCst))
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
    async fn an_aged_answer_is_served_while_one_request_rebuilds_it() {
        let builds = AtomicUsize::new(0);
        let cache = ReadCache::new(Duration::from_millis(100));
        let slow = || slow_build(&builds);
        assert_eq!(*cache.get_or_build("k", slow).await.unwrap(), 0);
        tokio::time::sleep(Duration::from_millis(150)).await;
        let (rebuilder, waiter) =
            tokio::join!(cache.get_or_build("k", slow), cache.get_or_build("k", slow));
        assert_eq!(*rebuilder.unwrap(), 1, "the first request rebuilds");
        assert_eq!(*waiter.unwrap(), 0, "the other is given the aged answer");
        assert_eq!(*cache.get_or_build("k", slow).await.unwrap(), 1);
        cache.invalidate();
        let (first, second) =
            tokio::join!(cache.get_or_build("k", slow), cache.get_or_build("k", slow));
        assert_eq!(
            (*first.unwrap(), *second.unwrap()),
            (2, 2),
            "after a write both wait for the new answer"
        );
        assert_eq!(builds.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn concurrent_requests_build_once_and_errors_are_not_kept() {
        let builds = AtomicUsize::new(0);
        let cache = ReadCache::new(Duration::from_secs(60));
        let slow = || slow_build(&builds);
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
