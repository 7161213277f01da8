//! In-memory key-value store for the agent, tests and single-process use.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{KvStore, ServiceError};

/// A [`KvStore`] kept in a map; contents vanish with the process.
#[derive(Debug, Default)]
pub struct MemoryKvStore {
    entries: Mutex<BTreeMap<(String, String), Vec<u8>>>,
}

impl MemoryKvStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), Vec<u8>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl KvStore for MemoryKvStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        Ok(self
            .entries()
            .get(&(namespace.to_string(), key.to_string()))
            .cloned())
    }

    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.entries()
            .insert((namespace.to_string(), key.to_string()), value.to_vec());
        Ok(())
    }

    fn delete(&self, namespace: &str, key: &str) -> Result<(), ServiceError> {
        self.entries()
            .remove(&(namespace.to_string(), key.to_string()));
        Ok(())
    }

    fn list_keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .entries()
            .keys()
            .filter(|(ns, key)| ns == namespace && key.starts_with(prefix))
            .map(|(_, key)| key.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_isolated() {
        let store = MemoryKvStore::default();
        store.set("a", "k1", b"one").unwrap();
        store.set("a", "k2", b"two").unwrap();
        store.set("b", "k1", b"other").unwrap();
        assert_eq!(store.get("a", "k1").unwrap().as_deref(), Some(&b"one"[..]));
        assert_eq!(
            store.get("b", "k1").unwrap().as_deref(),
            Some(&b"other"[..])
        );
        assert_eq!(store.list_keys("a", "k").unwrap(), vec!["k1", "k2"]);
        store.delete("a", "k1").unwrap();
        assert_eq!(store.get("a", "k1").unwrap(), None);
        assert_eq!(store.list_keys("b", "").unwrap(), vec!["k1"]);
    }
}
