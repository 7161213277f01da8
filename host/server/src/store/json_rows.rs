//! Many rows read as one value: the database folds a query's rows into one JSON array of arrays
//! and the rows are decoded from it positionally.
//!
//! sqlx-sqlite hands each row from its worker thread to the caller through a channel, copying
//! every value and waking the caller per row: the 2,000 rows of a report's snapshot took 23–39 ms
//! that way and 8 ms as one JSON value (docs/benchmarks.md). Reads of thousands of rows on hot
//! paths use this; the rest keep `query_as`.

use serde::de::{Deserialize, DeserializeOwned, Deserializer, Visitor};

use super::{Pool, Store};
use crate::cpu_bound::CpuBound;

static DECODING: CpuBound = CpuBound::background();

/// A read whose rows come back as one JSON value. Each row decodes into a type whose fields are
/// the selected columns in order (serde decodes a struct from an array positionally).
pub struct JsonRows<'a> {
    /// Comma-separated column expressions.
    pub columns: &'a str,
    /// `FROM ... [WHERE ...]` with `$n` placeholders.
    pub from: &'a str,
    /// The rows' order inside the array; empty for any order.
    pub order_by: &'a str,
}

impl JsonRows<'_> {
    fn sql(&self, pool: &Pool) -> String {
        let order = if self.order_by.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", self.order_by)
        };
        let JsonRows { columns, from, .. } = self;
        match pool {
            Pool::Sqlite(_) => format!("SELECT json_group_array(json_array({columns}){order}) {from}"),
            // json_agg has no rows to fold when nothing matches: NULL, not an empty array.
            Pool::Postgres(_) => format!(
                "SELECT COALESCE(json_agg(json_build_array({columns}){order}), '[]'::json)::text {from}"
            ),
        }
    }

    /// Runs the read with `binds` as `$1`, `$2`, ...
    pub async fn fetch<T: DeserializeOwned + Send + 'static>(
        &self,
        store: &Store,
        binds: &[&str],
    ) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_then(store, binds, |rows| rows).await
    }

    /// [`fetch`](Self::fetch), then `shape` the rows (into maps, say) on the same CPU-bound thread:
    /// decoding thousands of rows and building from them is milliseconds of CPU that would
    /// otherwise hold up an async worker and every check-in queued behind it.
    pub async fn fetch_then<T, R>(
        &self,
        store: &Store,
        binds: &[&str],
        shape: impl FnOnce(Vec<T>) -> R + Send + 'static,
    ) -> Result<R, sqlx::Error>
    where
        T: DeserializeOwned + Send + 'static,
        R: Send + 'static,
    {
        let sql = self.sql(&store.pool);
        let text: String = crate::with_db!(store, |db| {
            let mut query = sqlx::query_scalar::<_, String>(&sql);
            for value in binds {
                query = query.bind(*value);
            }
            query.fetch_one(db).await
        })?;
        DECODING
            .run(move || serde_json::from_str(&text).map(shape))
            .await
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }
}

/// A boolean column: `true`/`false` from PostgreSQL, `1`/`0` from SQLite.
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Flag::deserialize(deserializer).map(|Flag(value)| value)
}

/// A nullable boolean column (see [`flag`]).
pub fn optional_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(Option::<Flag>::deserialize(deserializer)?.map(|Flag(value)| value))
}

struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        deserializer.deserialize_any(FlagVisitor).map(Flag)
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a boolean or 0/1")
    }

    fn visit_bool<E>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_i64<E>(self, value: i64) -> Result<bool, E> {
        Ok(value != 0)
    }

    fn visit_u64<E>(self, value: u64) -> Result<bool, E> {
        Ok(value != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Row {
        name: String,
        #[serde(deserialize_with = "flag")]
        enabled: bool,
        #[serde(deserialize_with = "optional_flag")]
        reboot: Option<bool>,
        count: i64,
    }

    #[test]
    fn rows_decode_positionally_with_either_backends_booleans() {
        let rows: Vec<Row> = serde_json::from_str(
            r#"[["a", 1, null, 3], ["b", false, true, 0], ["c", true, 0, -1]]"#,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                Row {
                    name: "a".into(),
                    enabled: true,
                    reboot: None,
                    count: 3
                },
                Row {
                    name: "b".into(),
                    enabled: false,
                    reboot: Some(true),
                    count: 0
                },
                Row {
                    name: "c".into(),
                    enabled: true,
                    reboot: Some(false),
                    count: -1
                },
            ]
        );
    }

    #[test]
    fn a_flag_refuses_text() {
        assert!(serde_json::from_str::<Vec<Row>>(r#"[["a", "yes", null, 3]]"#).is_err());
    }
}
