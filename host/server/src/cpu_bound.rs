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
//!
//! Whole tasks can run at that priority too ([`in_background`]): report ingest does, so that its
//! database driver work (sending a report's rows, receiving a host's stored packages) leaves the
//! async workers as well as its decoding (docs/benchmarks.md, twelfth session).

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::sync::Semaphore;

/// How a kind of work shares the CPUs with everything else.
#[derive(Debug, Clone, Copy)]
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
            Priority::Background => background_runtime().spawn_blocking(work),
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

/// Runs `task` to completion on the background runtime and hands back its output; a panic in it
/// stays a panic. Dropping the returned future does not cancel `task`: a report write that has
/// begun is finished, not abandoned halfway because its agent hung up.
pub async fn in_background<F>(task: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    background_runtime()
        .spawn(task)
        .await
        .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()))
}

/// A runtime whose threads, workers and blocking pool alike, run at background priority. It
/// lives as long as the process. Anything whose I/O it drives (a connection pool it opened)
/// must only be used by its own tasks: a normal thread waiting on this runtime's reactor would
/// wait at its priority.
pub fn background_runtime() -> &'static Handle {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
                .thread_name("patchmon-background")
                .on_thread_start(lower_priority)
                .enable_all()
                .build()
                .expect("the background runtime builds")
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_background_task_runs_under_sched_idle_and_hands_back_its_output() {
        let policy = in_background(async {
            tokio::task::yield_now().await;
            // SAFETY: sched_getscheduler only reads the calling thread's policy.
            unsafe { libc::sched_getscheduler(0) }
        })
        .await;
        assert_eq!(policy, libc::SCHED_IDLE);
    }

    #[tokio::test]
    async fn a_background_task_finishes_when_its_caller_gives_up() {
        let (finished, told) = tokio::sync::oneshot::channel();
        let task = in_background(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            finished.send("finished").unwrap();
        });
        let gave_up = tokio::time::timeout(Duration::from_millis(5), task).await;
        assert!(gave_up.is_err(), "the caller stopped waiting first");
        assert_eq!(told.await, Ok("finished"));
    }

    #[tokio::test]
    async fn a_panic_in_a_background_task_reaches_the_caller() {
        let caught = tokio::spawn(in_background(async { panic!("task failed") })).await;
        let payload = caught.expect_err("the panic is resumed").into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"task failed"));
        assert_eq!(in_background(async { 7 }).await, 7);
    }
}
