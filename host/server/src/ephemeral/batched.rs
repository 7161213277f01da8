//! Fixed-window counters counted in memory and added to Redis in the background.
//!
//! A per-request Redis round trip is the slowest step of an agent check-in once everything else
//! is answered from memory. These counters take it off the request: each replica counts locally,
//! and every [`FLUSH_INTERVAL`] sends what it counted to Redis in one script call and learns the
//! shared total back. A key this replica has not seen in its current window is counted in Redis
//! at once, so a client already over the limit elsewhere is refused from its first request here.
//! A replica hears the others' counts only when its own flush comes back, so across replicas a
//! limit can be overshot by what one replica lets through in one interval; strict limits
//! (logins, password changes) keep using [`Ephemeral::incr`].
//!
//! Without Redis there is one replica and the in-process backend is already exact and cheap, so
//! the counters simply use it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::{Ephemeral, EphemeralError};

/// How far behind the other replicas a count may run.
const FLUSH_INTERVAL: Duration = Duration::from_millis(100);

/// Keys sent to Redis per script call, so one call cannot stall Redis for long.
const KEYS_PER_CALL: usize = 500;

pub struct BatchedCounters {
    shared: Ephemeral,
    counts: Mutex<HashMap<String, Count>>,
}

/// One key's count in its current window.
#[derive(Debug)]
struct Count {
    /// The total Redis last answered, which includes everything this replica had sent.
    shared: u64,
    /// Counted here and sent, awaiting Redis's answer.
    sending: u64,
    /// Counted here since the last send.
    pending: u64,
    window: Duration,
    ends: Instant,
}

impl Count {
    fn total(&self) -> u64 {
        self.shared + self.sending + self.pending
    }
}

/// What one flush sent for a key, to settle the answer against.
struct Sent {
    key: String,
    amount: u64,
    window: Duration,
    /// The window the amount was counted in; an answer for an earlier window is dropped.
    ends: Instant,
}

impl BatchedCounters {
    /// The counters, and with Redis a background task that flushes them until they are dropped.
    pub fn start(shared: Ephemeral) -> Arc<BatchedCounters> {
        let counters = Arc::new(BatchedCounters {
            shared,
            counts: Mutex::default(),
        });
        if matches!(counters.shared, Ephemeral::Redis { .. }) {
            tokio::spawn(flush_until_dropped(Arc::downgrade(&counters)));
        }
        counters
    }

    /// Adds one to `key`; returns the count across replicas as far as known, and the time left
    /// in the window.
    pub async fn incr(
        &self,
        key: &str,
        window: Duration,
    ) -> Result<(u64, Duration), EphemeralError> {
        if let Ephemeral::Memory(memory) = &self.shared {
            return Ok(memory.add(key, 1, window));
        }
        if let Some(known) = self.count_known(key, Instant::now()) {
            return Ok(known);
        }
        match self.shared.incr(key, window).await {
            Ok((total, left)) => {
                self.learn(key, window, total, left);
                Ok((total, left))
            }
            // Redis is away: the key is counted here from now on, and the flush adds the count
            // to Redis once it is back. Each later request of this client is then counted
            // without a failing round trip, and is still limited on this replica.
            Err(err) => {
                tracing::debug!(error = %err, "shared rate-limit counter unreachable; counting here");
                Ok(self.count_here(key, window, Instant::now()))
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Count>> {
        // A panic while holding the lock leaves only counts behind, which stay usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one more for a key already counted in its current window.
    fn count_known(&self, key: &str, now: Instant) -> Option<(u64, Duration)> {
        let mut counts = self.lock();
        let count = counts.get_mut(key).filter(|c| c.ends > now)?;
        count.pending += 1;
        Some((count.total(), count.ends - now))
    }

    /// Counts one for a key Redis could not count, starting its window here if it has none.
    fn count_here(&self, key: &str, window: Duration, now: Instant) -> (u64, Duration) {
        let mut counts = self.lock();
        let fresh = || Count {
            shared: 0,
            sending: 0,
            pending: 0,
            window,
            ends: now + window,
        };
        let count = counts.entry(key.to_owned()).or_insert_with(fresh);
        if count.ends <= now {
            *count = fresh();
        }
        count.pending += 1;
        (count.total(), count.ends - now)
    }

    /// Records a total Redis answered for a request counted there directly.
    fn learn(&self, key: &str, window: Duration, total: u64, left: Duration) {
        let now = Instant::now();
        let mut counts = self.lock();
        match counts.get_mut(key).filter(|c| c.ends > now) {
            // Another request learned first; totals only grow within a window.
            Some(count) => count.shared = count.shared.max(total),
            None => {
                let count = Count {
                    shared: total,
                    sending: 0,
                    pending: 0,
                    window,
                    ends: now + left,
                };
                counts.insert(key.to_owned(), count);
            }
        }
    }

    /// Moves what was counted since the last flush to `sending`; forgets ended windows.
    fn take_pending(&self) -> Vec<Sent> {
        let now = Instant::now();
        let mut counts = self.lock();
        counts.retain(|_, c| c.ends > now);
        counts
            .iter_mut()
            .filter(|(_, c)| c.pending > 0)
            .map(|(key, c)| {
                c.sending += c.pending;
                Sent {
                    key: key.clone(),
                    amount: std::mem::take(&mut c.pending),
                    window: c.window,
                    ends: c.ends,
                }
            })
            .collect()
    }

    /// Applies Redis's answers, or without them (Redis failed) counts the amounts as pending
    /// again, for the next flush.
    fn settle(&self, sent: &[Sent], answers: Option<&[(u64, Duration)]>) {
        let now = Instant::now();
        let mut counts = self.lock();
        for (i, sent) in sent.iter().enumerate() {
            let Some(count) = counts.get_mut(&sent.key).filter(|c| c.ends == sent.ends) else {
                continue;
            };
            count.sending -= sent.amount;
            match answers.and_then(|a| a.get(i)) {
                Some(&(total, left)) => {
                    count.shared = count.shared.max(total);
                    count.ends = now + left;
                }
                None => count.pending += sent.amount,
            }
        }
    }

    /// Sends everything counted since the last flush.
    async fn flush(&self) -> Result<(), EphemeralError> {
        let taken = self.take_pending();
        let mut result = Ok(());
        for chunk in taken.chunks(KEYS_PER_CALL) {
            let additions: Vec<(&str, u64, Duration)> = chunk
                .iter()
                .map(|sent| (sent.key.as_str(), sent.amount, sent.window))
                .collect();
            match self.shared.add(&additions).await {
                Ok(answers) => self.settle(chunk, Some(&answers)),
                Err(err) => {
                    self.settle(chunk, None);
                    result = Err(err);
                }
            }
        }
        result
    }
}

async fn flush_until_dropped(counters: Weak<BatchedCounters>) {
    let mut ticks = tokio::time::interval(FLUSH_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        ticks.tick().await;
        let Some(counters) = counters.upgrade() else {
            return;
        };
        // While Redis is away each replica still enforces its own counts; say so once.
        match counters.flush().await {
            Ok(()) if failing => {
                tracing::info!("shared rate-limit counters reachable again");
                failing = false;
            }
            Err(err) if !failing => {
                tracing::warn!(error = %err, "shared rate-limit counters unreachable; counting on this replica only");
                failing = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn counters() -> BatchedCounters {
        BatchedCounters {
            shared: Ephemeral::memory(),
            counts: Mutex::default(),
        }
    }

    fn count(counters: &BatchedCounters) -> u64 {
        counters.count_known("k", Instant::now()).unwrap().0
    }

    #[test]
    fn counts_in_flight_or_failed_are_never_lost() {
        let counters = counters();
        counters.learn("k", WINDOW, 3, WINDOW);
        assert_eq!(count(&counters), 4);
        let sent = counters.take_pending();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].amount, 1);
        assert_eq!(count(&counters), 5, "the one being sent still counts");

        counters.settle(&sent, None);
        let resent = counters.take_pending();
        assert_eq!(resent[0].amount, 2, "a failed send is sent again");
        // Meanwhile other replicas counted five more.
        counters.settle(&resent, Some(&[(10, WINDOW)]));
        assert_eq!(count(&counters), 11);
        assert!(counters.take_pending().iter().all(|s| s.amount == 1));
    }

    #[test]
    fn unknown_keys_and_ended_windows_are_left_to_the_shared_store() {
        let counters = counters();
        assert!(counters.count_known("k", Instant::now()).is_none());
        counters.learn("k", WINDOW, 1, Duration::from_millis(10));
        let later = Instant::now() + Duration::from_millis(20);
        assert!(counters.count_known("k", later).is_none());
        std::thread::sleep(Duration::from_millis(20));
        assert!(counters.take_pending().is_empty());
        assert!(counters.lock().is_empty(), "ended windows are forgotten");
    }

    #[test]
    fn an_answer_for_an_ended_window_is_dropped() {
        let counters = counters();
        counters.learn("k", WINDOW, 1, Duration::from_millis(10));
        counters.count_known("k", Instant::now());
        let sent = counters.take_pending();
        std::thread::sleep(Duration::from_millis(20));
        counters.learn("k", WINDOW, 1, WINDOW);
        counters.settle(&sent, Some(&[(50, Duration::from_millis(5))]));
        assert_eq!(count(&counters), 2);
    }

    #[test]
    fn a_key_redis_could_not_count_is_counted_here_and_sent_later() {
        let counters = counters();
        let now = Instant::now();
        assert_eq!(counters.count_here("k", WINDOW, now), (1, WINDOW));
        assert_eq!(counters.count_here("k", WINDOW, now).0, 2);
        assert_eq!(
            count(&counters),
            3,
            "later requests are counted without Redis"
        );
        let sent = counters.take_pending();
        assert_eq!(
            (sent.len(), sent[0].amount),
            (1, 3),
            "the next flush sends all three"
        );

        let later = now + WINDOW + Duration::from_millis(1);
        assert_eq!(
            counters.count_here("k", WINDOW, later),
            (1, WINDOW),
            "an ended window starts again"
        );
    }

    /// Redis reached through a local proxy, which `JoinSet::abort_all` takes away: the listener
    /// and every forwarded connection close.
    async fn redis_behind_a_proxy() -> (Ephemeral, tokio::task::JoinSet<()>) {
        let url = std::env::var("PATCHMON_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let redis = redis::Client::open(url)
            .unwrap()
            .get_connection_info()
            .addr
            .to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = listener.local_addr().unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(async move {
            let mut forwards = tokio::task::JoinSet::new();
            loop {
                let (mut client, _) = listener.accept().await.unwrap();
                let redis = redis.clone();
                forwards.spawn(async move {
                    let mut server = tokio::net::TcpStream::connect(redis).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        });
        let prefix = format!("test-{}:", uuid::Uuid::new_v4().simple());
        let shared = Ephemeral::redis(&format!("redis://{proxy}"), &prefix)
            .await
            .unwrap();
        (shared, tasks)
    }

    #[tokio::test]
    async fn while_redis_is_away_an_unseen_client_is_counted_here() {
        let (shared, mut proxy) = redis_behind_a_proxy().await;
        let counters = BatchedCounters::start(shared);
        assert_eq!(counters.incr("seen", WINDOW).await.unwrap().0, 1);

        proxy.abort_all();
        while proxy.join_next().await.is_some() {}
        for n in 1..=3 {
            let (count, left) = counters.incr("unseen", WINDOW).await.unwrap();
            assert_eq!(count, n, "counted on this replica");
            assert!(left <= WINDOW);
        }
        assert_eq!(counters.incr("seen", WINDOW).await.unwrap().0, 2);
    }

    #[tokio::test]
    async fn without_redis_every_count_is_exact() {
        let counters = BatchedCounters::start(Ephemeral::memory());
        for n in 1..=3 {
            assert_eq!(counters.incr("k", WINDOW).await.unwrap().0, n);
        }
        assert!(
            counters.lock().is_empty(),
            "the in-process store counts them"
        );
    }
}
