//! CPU-heavy work (password hashing, decoding large agent reports) runs on threads of its own,
//! one per CPU for each kind of work, at a lower scheduling priority than the rest of the server.
//!
//! One job per CPU bounds the memory a burst can take. The lower priority (nice +10) is what keeps
//! cheap requests fast under load: when an async worker wakes to answer a check-in while both
//! CPUs are decoding reports, the kernel hands it a CPU at once instead of after the decoder's
//! time slice. On the tokio blocking pool, at the same priority, a check-in waited up to a slice
//! (milliseconds) behind a decode.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use tokio::sync::oneshot;

/// How much lower than the server's own the workers' priority is (`nice` steps).
const NICENESS: i32 = 10;

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
                        lower_priority();
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

/// Lowers the calling thread's priority (on Linux the nice value belongs to the thread). Failing
/// only costs latency elsewhere, so it is logged.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: getpriority/setpriority only read and set the calling thread's nice value.
    unsafe {
        let current = libc::getpriority(libc::PRIO_PROCESS, 0);
        if libc::setpriority(libc::PRIO_PROCESS, 0, current + NICENESS) != 0 {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                "could not lower a CPU worker thread's priority"
            );
        }
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn jobs_run_at_a_lower_priority_than_the_caller() {
        static WORK: CpuBound = CpuBound::new("test-nice");
        let nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let caller = nice();
        let (worker, name) = WORK
            .run(move || (nice(), thread::current().name().map(str::to_string)))
            .await;
        assert_eq!(worker, (caller + NICENESS).min(19));
        assert!(name.is_some_and(|n| n.starts_with("test-nice-")));
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
