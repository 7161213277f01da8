//! Lockouts after repeated failures: per account for passwords, per user for TFA codes.
//! Counters live in [`crate::ephemeral`] so every replica sees the same count.

use std::time::Duration;

use axum::http::HeaderValue;
use serde_json::json;

use crate::crypto::sha256_hex;
use crate::ephemeral::{Ephemeral, EphemeralError};
use crate::http::Error;

/// The counter and lock keys of one subject (an account, or a user's TFA attempts).
pub struct Lockout<'a> {
    ephemeral: &'a Ephemeral,
    counter_key: String,
    lock_key: String,
    max_attempts: u64,
    duration: Duration,
}

pub enum Outcome {
    /// Still allowed; this many attempts remain.
    Remaining(u64),
    /// The failure just recorded locked the subject.
    Locked(Duration),
}

impl<'a> Lockout<'a> {
    /// Login lockout, keyed by the account name (not the IP: an attacker rotating addresses must
    /// not get fresh guesses). Unknown names count too, so lockouts do not reveal which exist.
    pub fn login(
        ephemeral: &'a Ephemeral,
        identifier: &str,
        max_attempts: u64,
        duration: Duration,
    ) -> Self {
        let digest = sha256_hex(identifier.trim().to_lowercase().as_bytes());
        Self::new(
            ephemeral,
            format!("login:{}", &digest[..32]),
            max_attempts,
            duration,
        )
    }

    pub fn tfa(
        ephemeral: &'a Ephemeral,
        user_id: &str,
        max_attempts: u64,
        duration: Duration,
    ) -> Self {
        Self::new(ephemeral, format!("tfa:{user_id}"), max_attempts, duration)
    }

    fn new(
        ephemeral: &'a Ephemeral,
        subject: String,
        max_attempts: u64,
        duration: Duration,
    ) -> Self {
        Lockout {
            ephemeral,
            counter_key: format!("lockout:count:{subject}"),
            lock_key: format!("lockout:lock:{subject}"),
            max_attempts,
            duration,
        }
    }

    /// Time left on an active lock.
    pub async fn locked_for(&self) -> Result<Option<Duration>, EphemeralError> {
        self.ephemeral.ttl(&self.lock_key).await
    }

    pub async fn record_failure(&self) -> Result<Outcome, EphemeralError> {
        let (count, _) = self
            .ephemeral
            .incr(&self.counter_key, self.duration)
            .await?;
        if count >= self.max_attempts {
            self.ephemeral
                .set(&self.lock_key, "1", self.duration)
                .await?;
            self.ephemeral.delete(&self.counter_key).await?;
            return Ok(Outcome::Locked(self.duration));
        }
        Ok(Outcome::Remaining(self.max_attempts - count))
    }

    pub async fn clear(&self) -> Result<(), EphemeralError> {
        self.ephemeral.delete(&self.counter_key).await?;
        self.ephemeral.delete(&self.lock_key).await
    }
}

/// PatchMon's 429 for a locked login: `message`, `remaining_seconds` and `Retry-After`.
pub fn login_locked_error(remaining: Duration) -> Error {
    let seconds = remaining.as_secs().max(1);
    Error::Raw {
        status: axum::http::StatusCode::TOO_MANY_REQUESTS,
        body: json!({
            "message": "Too many failed login attempts. Try again later.",
            "remaining_seconds": seconds,
        }),
        headers: vec![(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds))],
    }
}

pub const TFA_LOCKED_MESSAGE: &str = "Too many failed TFA attempts. Please try again later.";
