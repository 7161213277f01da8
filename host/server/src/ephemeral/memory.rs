//! The in-process backend: a mutex-guarded map with lazy expiry and periodic sweeping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Entry {
    value: String,
    expires: Instant,
}

#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    map: Arc<Mutex<HashMap<String, Entry>>>,
}

/// Above this many keys, expired entries are swept on insert so the map cannot grow unbounded.
const SWEEP_THRESHOLD: usize = 10_000;

impl MemoryBackend {
    fn live<'a>(
        map: &'a mut HashMap<String, Entry>,
        key: &str,
        now: Instant,
    ) -> Option<&'a mut Entry> {
        if map.get(key).is_some_and(|e| e.expires <= now) {
            map.remove(key);
        }
        map.get_mut(key)
    }

    fn insert(map: &mut HashMap<String, Entry>, key: &str, entry: Entry, now: Instant) {
        if map.len() >= SWEEP_THRESHOLD {
            map.retain(|_, e| e.expires > now);
        }
        map.insert(key.to_string(), entry);
    }

    /// Adds `amount` to a counter that lasts `window` from its first addition.
    pub fn add(&self, key: &str, amount: u64, window: Duration) -> (u64, Duration) {
        let now = Instant::now();
        let mut map = self.map.lock().expect("memory backend poisoned");
        if let Some(entry) = Self::live(&mut map, key, now) {
            let count = entry.value.parse::<u64>().unwrap_or(0) + amount;
            entry.value = count.to_string();
            return (count, entry.expires - now);
        }
        let entry = Entry {
            value: amount.to_string(),
            expires: now + window,
        };
        Self::insert(&mut map, key, entry, now);
        (amount, window)
    }

    pub fn ttl(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.map.lock().expect("memory backend poisoned");
        Self::live(&mut map, key, now).map(|e| e.expires - now)
    }

    pub fn set(&self, key: &str, value: &str, ttl: Duration) {
        let now = Instant::now();
        let mut map = self.map.lock().expect("memory backend poisoned");
        let entry = Entry {
            value: value.to_string(),
            expires: now + ttl,
        };
        Self::insert(&mut map, key, entry, now);
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        let mut map = self.map.lock().expect("memory backend poisoned");
        Self::live(&mut map, key, now).map(|e| e.value.clone())
    }

    pub fn take(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        let mut map = self.map.lock().expect("memory backend poisoned");
        Self::live(&mut map, key, now)?;
        map.remove(key).map(|e| e.value)
    }

    pub fn delete(&self, key: &str) {
        self.map
            .lock()
            .expect("memory backend poisoned")
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_counts_and_expires() {
        let backend = MemoryBackend::default();
        assert_eq!(backend.add("k", 1, Duration::from_millis(50)).0, 1);
        assert_eq!(backend.add("k", 1, Duration::from_millis(50)).0, 2);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(backend.ttl("k"), None);
        assert_eq!(backend.add("k", 1, Duration::from_millis(50)).0, 1);
    }

    #[test]
    fn take_is_single_use() {
        let backend = MemoryBackend::default();
        backend.set("ticket", "user-1", Duration::from_secs(60));
        assert_eq!(backend.take("ticket").as_deref(), Some("user-1"));
        assert_eq!(backend.take("ticket"), None);
    }
}
