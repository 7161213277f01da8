//! CPU-heavy work (password hashing, decoding large agent reports) run on the blocking pool, so
//! the async workers stay free for the cheap requests, and at most one job per CPU at a time per
//! kind of work, which bounds the memory a burst can take and the latency the others see.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

/// One kind of CPU-heavy work; meant for a `static`.
pub struct CpuBound {
    permits: OnceLock<Semaphore>,
}

impl CpuBound {
    pub const fn new() -> CpuBound {
        CpuBound {
            permits: OnceLock::new(),
        }
    }

    /// Runs `work` once a CPU is free for it. A panic in `work` stays a panic (the server's panic
    /// layer answers 500).
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let permits = self.permits.get_or_init(|| {
            Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
        });
        let _permit = permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(work)
            .await
            .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()))
    }
}

impl Default for CpuBound {
    fn default() -> CpuBound {
        CpuBound::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn runs_at_most_one_job_per_cpu() {
        static WORK: CpuBound = CpuBound::new();
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs = (0..cpus * 3).map(|i| {
            let (running, peak) = (running.clone(), peak.clone());
            WORK.run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
                i
            })
        });
        let done = futures::future::join_all(jobs).await;
        assert_eq!(done, (0..cpus * 3).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), cpus);
    }

    #[tokio::test]
    async fn a_panic_in_a_job_reaches_the_caller_and_the_work_goes_on() {
        static WORK: CpuBound = CpuBound::new();
        let caught = tokio::spawn(WORK.run(|| -> u32 { panic!("job failed") })).await;
        let payload = caught.expect_err("the panic is resumed").into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"job failed"));
        assert_eq!(WORK.run(|| 7).await, 7);
    }
}
