//! Plugin configuration: validation against the manifest's JSON Schema, and the secret fields
//! (top-level properties marked `"writeOnly": true` or `"format": "password"`) that are sealed
//! at rest and never returned.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::crypto::Keys;

/// One schema violation, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Names of the top-level properties the schema marks as secret.
pub fn secret_fields(schema: &Value) -> Vec<String> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|(_, p)| {
            p.get("writeOnly") == Some(&Value::Bool(true))
                || p.get("format").and_then(Value::as_str) == Some("password")
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Schema violations of `config`; empty when valid. An unusable schema is itself reported.
pub fn validate(schema: &Value, config: &Value) -> Vec<Problem> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![Problem {
                path: String::new(),
                message: format!("the plugin's config schema is invalid: {e}"),
            }]
        }
    };
    validator
        .iter_errors(config)
        .map(|e| Problem {
            path: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

/// Configuration split for storage: the public part, and the secret part sealed.
pub struct StoredConfig {
    pub public: Value,
    pub sealed: Option<String>,
}

/// Split a full configuration into what is stored in clear and what is sealed.
pub fn seal(keys: &Keys, schema: &Value, config: &Value) -> StoredConfig {
    let secrets = secret_fields(schema);
    let mut public = config.as_object().cloned().unwrap_or_default();
    let mut secret = Map::new();
    for name in &secrets {
        if let Some(value) = public.remove(name) {
            secret.insert(name.clone(), value);
        }
    }
    let sealed = (!secret.is_empty()).then(|| keys.encrypt(&Value::Object(secret).to_string()));
    StoredConfig {
        public: Value::Object(public),
        sealed,
    }
}

/// The full configuration (public part plus unsealed secrets) a plugin call sees.
pub fn unseal(keys: &Keys, public: &Value, sealed: Option<&str>) -> Value {
    let mut full = public.as_object().cloned().unwrap_or_default();
    if let Some(sealed) = sealed {
        match keys
            .decrypt(sealed)
            .ok()
            .and_then(|text| serde_json::from_str::<Map<String, Value>>(&text).ok())
        {
            Some(secrets) => full.extend(secrets),
            None => tracing::warn!(
                "a plugin's sealed configuration cannot be decrypted; was ENCRYPTION_KEY changed?"
            ),
        }
    }
    Value::Object(full)
}

/// Names of the secret fields that currently hold a value.
pub fn secrets_set(keys: &Keys, sealed: Option<&str>) -> Vec<String> {
    unseal(keys, &Value::Object(Map::new()), sealed)
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// An administrator's update applied to the stored configuration: secret fields left out of
/// `update` keep their stored value (the UI never has it to send back); `null` clears one.
pub fn merge_update(schema: &Value, current_full: &Value, update: &Value) -> Value {
    let mut merged = update.as_object().cloned().unwrap_or_default();
    for name in secret_fields(schema) {
        match merged.get(&name) {
            Some(Value::Null) => {
                merged.remove(&name);
            }
            Some(_) => {}
            None => {
                if let Some(existing) = current_full.get(&name) {
                    merged.insert(name, existing.clone());
                }
            }
        }
    }
    Value::Object(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["url"],
            "additionalProperties": false,
            "properties": {
                "url": {"type": "string"},
                "token": {"type": "string", "writeOnly": true},
                "password": {"type": "string", "format": "password"}
            }
        })
    }

    #[test]
    fn secret_fields_are_write_only_or_password_format() {
        let mut names = secret_fields(&schema());
        names.sort();
        assert_eq!(names, ["password", "token"]);
    }

    #[test]
    fn violations_are_located() {
        let problems = validate(&schema(), &json!({"url": 5, "extra": 1}));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.path == "/url"));
        assert!(validate(&schema(), &json!({"url": "https://x"})).is_empty());
    }

    #[test]
    fn secrets_are_sealed_and_come_back() {
        let keys = Keys::from_encryption_key("test-key");
        let full = json!({"url": "https://x", "token": "s3cret"});
        let stored = seal(&keys, &schema(), &full);
        assert_eq!(stored.public, json!({"url": "https://x"}));
        let sealed = stored.sealed.expect("sealed");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(unseal(&keys, &stored.public, Some(&sealed)), full);
        assert_eq!(secrets_set(&keys, Some(&sealed)), ["token"]);
    }

    #[test]
    fn omitted_secrets_are_kept_and_null_clears() {
        let current = json!({"url": "https://x", "token": "old"});
        let kept = merge_update(&schema(), &current, &json!({"url": "https://y"}));
        assert_eq!(kept, json!({"url": "https://y", "token": "old"}));
        let cleared = merge_update(
            &schema(),
            &current,
            &json!({"url": "https://y", "token": null}),
        );
        assert_eq!(cleared, json!({"url": "https://y"}));
        let replaced = merge_update(
            &schema(),
            &current,
            &json!({"url": "https://y", "token": "new"}),
        );
        assert_eq!(replaced["token"], "new");
    }
}
