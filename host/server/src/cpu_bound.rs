//! CPU-heavy work (password hashing, decoding large agent reports and large JSON row sets) runs on
//! threads of its own, one per CPU for each kind of work, so the async workers stay free for the
//! cheap requests and a burst cannot take more memory than one job per CPU at a time.
//!
//! Running them at a lower priority (nice +10) was tried: check-in latency on SQLite did not
//! change, and on PostgreSQL the decoders then lost the CPU to the database's own processes.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// One kind of CPU-heavy work; meant for a `static`. Its threads start with its first job.
pub struct CpuBound {
    name: &'static str,
    queue: OnceLock<Sender<Job>>,
}

impl CpuBound {
    /// `name` names the worker threads (`name-0`, `name-1`, ...), as profiles and `top -H` show.
    pub const fn new(name: &'static str) -> CpuBound {
        CpuBound {
            name,
            queue: OnceLock::new(),
        }
    }

    /// Runs `work` once one of this kind's threads is free, in arrival order. A job whose caller
    /// has gone away (a dropped request) is skipped. A panic in `work` is resumed in the caller
    /// (the server's panic layer answers 500).
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            if answer.is_closed() {
                return;
            }
            let _ = answer.send(panic::catch_unwind(AssertUnwindSafe(work)));
        });
        self.queue()
            .send(job)
            .expect("the worker threads never stop while the queue exists");
        match answered.await.expect("a queued job is always run") {
            Ok(value) => value,
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    fn queue(&self) -> &Sender<Job> {
        self.queue.get_or_init(|| {
            let (queue, jobs) = mpsc::channel::<Job>();
            let jobs = Arc::new(Mutex::new(jobs));
            for i in 0..thread::available_parallelism().map_or(2, |n| n.get()) {
                let jobs = jobs.clone();
                thread::Builder::new()
                    .name(format!("{}-{i}", self.name))
                    .spawn(move || {
                        loop {
                            // The lock is held only while waiting for the next job.
                            let next = jobs.lock().expect("the job queue").recv();
                            match next {
                                Ok(job) => job(),
                                Err(_) => return,
                            }
                        }
                    })
                    .expect("spawning a worker thread");
            }
            queue
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn runs_at_most_one_job_per_cpu() {
        static WORK: CpuBound = CpuBound::new("test-work");
        let cpus = thread::available_parallelism().map_or(2, |n| n.get());
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs = (0..cpus * 3).map(|i| {
            let (running, peak) = (running.clone(), peak.clone());
            WORK.run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
                i
            })
        });
        let done = futures::future::join_all(jobs).await;
        assert_eq!(done, (0..cpus * 3).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), cpus);
    }

    #[tokio::test]
    async fn jobs_run_on_the_kinds_named_threads() {
        static WORK: CpuBound = CpuBound::new("test-named");
        let name = WORK
            .run(|| thread::current().name().map(str::to_string))
            .await;
        assert!(name.is_some_and(|n| n.starts_with("test-named-")));
    }

    #[tokio::test]
    async fn a_panic_in_a_job_reaches_the_caller_and_the_workers_go_on() {
        static WORK: CpuBound = CpuBound::new("test-panic");
        let caught = tokio::spawn(WORK.run(|| -> u32 { panic!("job failed") })).await;
        let payload = caught.expect_err("the panic is resumed").into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"job failed"));
        assert_eq!(WORK.run(|| 7).await, 7);
    }
}
