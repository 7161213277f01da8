//! CPU-heavy work (password hashing, decoding large agent reports) run off the async workers, so
//! they stay free for the cheap requests, and at most one job per CPU at a time per kind of work,
//! which bounds the memory a burst can take and the latency the others see.
//!
//! Work that no one waits on at a keyboard (report ingest, integration host lists) runs at
//! background priority: on threads under Linux's `SCHED_IDLE` policy, which the kernel preempts
//! the moment any other thread wants the CPU. A scheduler trace of the agent benchmark showed the
//! async workers waiting up to 3 ms for a CPU held by report decoding at equal priority, most of
//! the check-in tail; `nice` was not enough, because the kernel lets a running thread finish its
//! slice before a woken one of higher weight gets the CPU (docs/benchmarks.md, eleventh session).

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};
use tokio::sync::Semaphore;

/// How a kind of work shares the CPUs with everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priority {
    /// Threads of the blocking pool, alongside the async workers.
    Normal,
    /// Threads that run only when nothing else wants the CPU.
    Background,
}

/// One kind of CPU-heavy work; meant for a `static`.
pub struct CpuBound {
    permits: OnceLock<Semaphore>,
    priority: Priority,
}

impl CpuBound {
    /// Work someone is waiting for (a login's password hash).
    pub const fn new() -> CpuBound {
        CpuBound {
            permits: OnceLock::new(),
            priority: Priority::Normal,
        }
    }

    /// Work that yields the CPU to every request and to the database: under load it waits, and
    /// the check-ins it would otherwise hold up do not.
    pub const fn background() -> CpuBound {
        CpuBound {
            permits: OnceLock::new(),
            priority: Priority::Background,
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
        let job = match self.priority {
            Priority::Normal => tokio::task::spawn_blocking(work),
            Priority::Background => background_threads().spawn_blocking(work),
        };
        job.await
            .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()))
    }
}

impl Default for CpuBound {
    fn default() -> CpuBound {
        CpuBound::new()
    }
}

/// Frees `value` at background priority. A report's payload or snapshot is thousands of strings,
/// and freeing one took an async worker about half a millisecond in a profile, time in which the
/// check-ins queued behind it waited.
pub async fn free<T: Send + 'static>(value: T) {
    static FREEING: CpuBound = CpuBound::background();
    FREEING.run(move || drop(value)).await;
}

/// A runtime kept only for its blocking pool, whose threads run at background priority. The pool
/// runs jobs without the runtime being driven, and lives as long as the process.
fn background_threads() -> &'static tokio::runtime::Handle {
    static THREADS: OnceLock<Runtime> = OnceLock::new();
    THREADS
        .get_or_init(|| {
            Builder::new_current_thread()
                .thread_name("patchmon-background")
                .on_thread_start(lower_priority)
                .build()
                .expect("a runtime without drivers builds")
        })
        .handle()
}

/// Puts the calling thread under `SCHED_IDLE`. A thread cannot leave that policy again without
/// `CAP_SYS_NICE`, which is why these threads are only ever used for background work.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; `param` is a valid sched_param for SCHED_IDLE.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0 {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                tracing::warn!(
                    error = %std::io::Error::last_os_error(),
                    "background work runs at normal priority: SCHED_IDLE was refused"
                );
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    async fn runs_at_most_one_job_per_cpu(work: &'static CpuBound) {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs = (0..cpus * 3).map(|i| {
            let (running, peak) = (running.clone(), peak.clone());
            work.run(move || {
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
    async fn normal_work_runs_at_most_one_job_per_cpu() {
        static WORK: CpuBound = CpuBound::new();
        runs_at_most_one_job_per_cpu(&WORK).await;
    }

    #[tokio::test]
    async fn background_work_runs_at_most_one_job_per_cpu() {
        static WORK: CpuBound = CpuBound::background();
        runs_at_most_one_job_per_cpu(&WORK).await;
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn background_work_runs_under_sched_idle_and_normal_work_does_not() {
        static NORMAL: CpuBound = CpuBound::new();
        static BACKGROUND: CpuBound = CpuBound::background();
        // SAFETY: sched_getscheduler only reads the calling thread's policy.
        let policy = || unsafe { libc::sched_getscheduler(0) };
        assert_eq!(BACKGROUND.run(policy).await, libc::SCHED_IDLE);
        assert_eq!(NORMAL.run(policy).await, libc::SCHED_OTHER);
    }

    #[tokio::test]
    async fn a_panic_in_a_job_reaches_the_caller_and_the_work_goes_on() {
        static WORK: CpuBound = CpuBound::background();
        let caught = tokio::spawn(WORK.run(|| -> u32 { panic!("job failed") })).await;
        let payload = caught.expect_err("the panic is resumed").into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"job failed"));
        assert_eq!(WORK.run(|| 7).await, 7);
    }
}
