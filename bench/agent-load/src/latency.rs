//! Latency samples of one phase and their summary line.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

#[derive(Default)]
pub struct Samples {
    durations: Vec<Duration>,
    errors: usize,
    /// Errors that were HTTP answers, by status.
    statuses: BTreeMap<u16, usize>,
    first_error: Option<String>,
}

impl Samples {
    pub fn ok(&mut self, took: Duration) {
        self.durations.push(took);
    }

    pub fn error(&mut self, message: String) {
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }

    /// An HTTP answer that was not a success.
    pub fn http_error(&mut self, status: u16, message: String) {
        *self.statuses.entry(status).or_default() += 1;
        self.error(message);
    }

    pub fn merge(&mut self, other: Samples) {
        self.durations.extend(other.durations);
        self.errors += other.errors;
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    pub fn errors(&self) -> usize {
        self.errors
    }

    /// The summary of a phase that ran for `wall`.
    pub fn summary(mut self, wall: Duration) -> Summary {
        self.durations.sort_unstable();
        let at = |q: f64| -> Duration {
            if self.durations.is_empty() {
                return Duration::ZERO;
            }
            let rank = ((q * self.durations.len() as f64).ceil() as usize).max(1);
            self.durations[rank.min(self.durations.len()) - 1]
        };
        Summary {
            ok: self.durations.len(),
            errors: self.errors,
            per_second: self.durations.len() as f64 / wall.as_secs_f64().max(f64::EPSILON),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: self.durations.last().copied().unwrap_or_default(),
            statuses: self.statuses,
            first_error: self.first_error,
        }
    }
}

pub struct Summary {
    pub ok: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub statuses: BTreeMap<u16, usize>,
    pub first_error: Option<String>,
}

impl Summary {
    pub fn errors_with_status(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ok {} errors {} | {:.1}/s | p50 {} p90 {} p99 {} max {}",
            self.ok,
            self.errors,
            self.per_second,
            ms(self.p50),
            ms(self.p90),
            ms(self.p99),
            ms(self.max)
        )?;
        if !self.statuses.is_empty() {
            let by_status: Vec<String> = self
                .statuses
                .iter()
                .map(|(status, n)| format!("{n}× HTTP {status}"))
                .collect();
            write!(f, " ({})", by_status.join(", "))?;
        }
        if let Some(error) = &self.first_error {
            write!(f, " | first error: {error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples = Samples::default();
        for ms in (1..=100).rev() {
            samples.ok(Duration::from_millis(ms));
        }
        samples.http_error(500, "HTTP 500".into());
        samples.http_error(503, "HTTP 503".into());
        samples.error("connection refused".into());
        let summary = samples.summary(Duration::from_secs(2));
        assert_eq!(summary.p50, Duration::from_millis(50));
        assert_eq!(summary.p90, Duration::from_millis(90));
        assert_eq!(summary.p99, Duration::from_millis(99));
        assert_eq!(summary.max, Duration::from_millis(100));
        assert_eq!((summary.ok, summary.errors), (100, 3));
        assert_eq!(summary.errors_with_status(503), 1);
        assert_eq!(summary.per_second, 50.0);
        assert_eq!(summary.first_error.as_deref(), Some("HTTP 500"));
    }

    #[test]
    fn an_empty_phase_summarises_to_zero() {
        let summary = Samples::default().summary(Duration::from_secs(1));
        assert_eq!((summary.ok, summary.p99), (0, Duration::ZERO));
    }
}
