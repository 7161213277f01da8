//! Tunables: values an operator may set in the environment (or patchmon.toml) and an admin may
//! override in the database. Resolution order: environment/file > database > built-in default.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::PasswordPolicy;
use crate::config::{parse_duration, Config, Source};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    /// Minutes, fractions allowed (a lockout of 0.5 is thirty seconds).
    Minutes,
    Boolean,
    Duration,
}

pub struct Tunable {
    pub key: &'static str,
    pub category: &'static str,
    pub kind: Kind,
    pub min: i64,
    pub description: &'static str,
}

const fn tunable(
    key: &'static str,
    category: &'static str,
    kind: Kind,
    min: i64,
    description: &'static str,
) -> Tunable {
    Tunable {
        key,
        category,
        kind,
        min,
        description,
    }
}

/// Every tunable an admin can change at runtime (the effect is immediate).
pub const TUNABLES: &[Tunable] = &[
    tunable(
        "password_min_length",
        "password",
        Kind::Integer,
        1,
        "Minimum password length in bytes",
    ),
    tunable(
        "password_require_uppercase",
        "password",
        Kind::Boolean,
        0,
        "Passwords need an uppercase letter",
    ),
    tunable(
        "password_require_lowercase",
        "password",
        Kind::Boolean,
        0,
        "Passwords need a lowercase letter",
    ),
    tunable(
        "password_require_number",
        "password",
        Kind::Boolean,
        0,
        "Passwords need a number",
    ),
    tunable(
        "password_require_special",
        "password",
        Kind::Boolean,
        0,
        "Passwords need a punctuation or symbol character",
    ),
    tunable(
        "max_login_attempts",
        "security",
        Kind::Integer,
        1,
        "Failed logins before an account is locked",
    ),
    tunable(
        "lockout_duration_minutes",
        "security",
        Kind::Integer,
        1,
        "Minutes an account stays locked",
    ),
    tunable(
        "session_inactivity_timeout_minutes",
        "session",
        Kind::Integer,
        0,
        "Idle minutes before a session ends (0 disables)",
    ),
    tunable(
        "jwt_expires_in",
        "session",
        Kind::Duration,
        0,
        "Access token lifetime (e.g. 1h)",
    ),
    tunable(
        "jwt_refresh_expires_in",
        "session",
        Kind::Duration,
        0,
        "Refresh token lifetime (e.g. 7d)",
    ),
    tunable(
        "max_tfa_attempts",
        "tfa",
        Kind::Integer,
        1,
        "Wrong two-factor codes before a TFA lockout",
    ),
    tunable(
        "tfa_lockout_duration_minutes",
        "tfa",
        Kind::Integer,
        1,
        "Minutes a TFA lockout lasts",
    ),
    tunable(
        "tfa_remember_me_expires_in",
        "tfa",
        Kind::Duration,
        0,
        "How long a trusted device skips TFA (e.g. 30d)",
    ),
    tunable(
        "tfa_max_remember_sessions",
        "tfa",
        Kind::Integer,
        1,
        "Trusted devices kept per user",
    ),
];

pub fn find(key: &str) -> Option<&'static Tunable> {
    TUNABLES.iter().find(|t| t.key == key)
}

/// The effective value of one tunable and where it came from.
pub struct Resolved {
    pub value: Value,
    pub source: &'static str,
    pub env_value: Option<Value>,
    pub db_value: Option<Value>,
    pub default_value: Value,
}

pub fn resolve(config: &Config, overrides: &Map<String, Value>, key: &str) -> Resolved {
    let config_values = serde_json::to_value(config).unwrap_or(Value::Null);
    let defaults = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
    let configured = config_values.get(key).cloned().unwrap_or(Value::Null);
    let default_value = defaults.get(key).cloned().unwrap_or(Value::Null);
    let db_value = overrides.get(key).cloned();
    let source = config.source_of(key);
    let env_value = source.is_explicit().then(|| configured.clone());
    let (value, source) = match (&env_value, &db_value) {
        (Some(v), _) => (
            v.clone(),
            if source == Source::File {
                "file"
            } else {
                "env"
            },
        ),
        (None, Some(v)) => (v.clone(), "database"),
        (None, None) => (default_value.clone(), "default"),
    };
    Resolved {
        value,
        source,
        env_value,
        db_value,
        default_value,
    }
}

/// Validates a value an admin wants to store for `tunable`, normalising it to JSON.
pub fn validate(tunable: &Tunable, value: &Value) -> Result<Value, String> {
    let key = tunable.key.to_ascii_uppercase();
    match tunable.kind {
        Kind::Integer => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            }
            .ok_or_else(|| format!("{key} requires an integer value"))?;
            if n < tunable.min {
                return Err(format!("{key} must be at least {}", tunable.min));
            }
            Ok(Value::from(n))
        }
        Kind::Minutes => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            }
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("{key} requires a number of minutes"))?;
            if n <= 0.0 {
                return Err(format!("{key} must be greater than 0"));
            }
            Ok(Value::from(n))
        }
        Kind::Boolean => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if matches!(s.as_str(), "true" | "1") => Ok(Value::Bool(true)),
            Value::String(s) if matches!(s.as_str(), "false" | "0") => Ok(Value::Bool(false)),
            _ => Err(format!("{key} requires a true/false value")),
        },
        Kind::Duration => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("{key} requires a string value"))?;
            parse_duration(text)
                .ok_or_else(|| format!("{key} must be a duration such as 30m, 1h or 7d"))?;
            Ok(Value::String(text.trim().to_string()))
        }
    }
}

/// The resolved values the rest of the server works with.
#[derive(Clone, Debug)]
pub struct Tunables {
    pub password_policy: PasswordPolicy,
    pub max_login_attempts: u64,
    pub lockout_duration: Duration,
    pub session_inactivity_timeout: Option<Duration>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub max_tfa_attempts: u64,
    pub tfa_lockout_duration: Duration,
    pub remember_me_ttl: Duration,
    pub max_trusted_devices: u64,
    pub default_user_role: String,
}

impl Tunables {
    /// `default_user_role` lives in the settings row (PatchMon's column); the environment wins.
    pub fn resolve(config: &Config, overrides: &Map<String, Value>, role_in_db: &str) -> Tunables {
        let get = |key: &str| resolve(config, overrides, key).value;
        let int = |key: &str| get(key).as_u64().unwrap_or(0);
        let boolean = |key: &str| get(key).as_bool().unwrap_or(true);
        let duration = |key: &str, fallback: u64| {
            get(key)
                .as_str()
                .and_then(parse_duration)
                .unwrap_or(Duration::from_secs(fallback))
        };
        let minutes = |key: &str| {
            let value = get(key)
                .as_f64()
                .filter(|m| m.is_finite() && *m > 0.0)
                .unwrap_or(15.0);
            Duration::from_secs_f64(value * 60.0)
        };
        let idle = int("session_inactivity_timeout_minutes");
        Tunables {
            password_policy: PasswordPolicy {
                min_length: int("password_min_length").max(1) as usize,
                require_uppercase: boolean("password_require_uppercase"),
                require_lowercase: boolean("password_require_lowercase"),
                require_number: boolean("password_require_number"),
                require_special: boolean("password_require_special"),
            },
            max_login_attempts: int("max_login_attempts").max(1),
            lockout_duration: minutes("lockout_duration_minutes"),
            session_inactivity_timeout: (idle > 0).then(|| Duration::from_secs(idle * 60)),
            access_ttl: duration("jwt_expires_in", 3600),
            refresh_ttl: duration("jwt_refresh_expires_in", 7 * 86_400),
            max_tfa_attempts: int("max_tfa_attempts").max(1),
            tfa_lockout_duration: minutes("tfa_lockout_duration_minutes"),
            remember_me_ttl: duration("tfa_remember_me_expires_in", 30 * 86_400),
            max_trusted_devices: int("tfa_max_remember_sessions").max(1),
            default_user_role: if config.source_of("default_user_role").is_explicit() {
                config.default_user_role.clone()
            } else {
                role_in_db.to_string()
            },
        }
    }
}
