//! Logging: `tracing` into the log file with built-in size rotation (10 MB per file, 5 old files
//! kept as `.1` … `.5`), and warnings to stderr for interactive commands. Files are 0600.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;

const MAX_BYTES: u64 = 10 * 1024 * 1024;
const KEEP: usize = 5;

struct Inner {
    path: PathBuf,
    file: Option<File>,
    written: u64,
}

/// A log file that rotates itself when it passes the size limit.
#[derive(Clone)]
pub struct RotatingFile {
    inner: Arc<Mutex<Inner>>,
    max_bytes: u64,
}

impl RotatingFile {
    pub fn open(path: &Path, max_bytes: u64) -> std::io::Result<RotatingFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = open_append(path)?;
        let written = file.metadata()?.len();
        Ok(RotatingFile {
            inner: Arc::new(Mutex::new(Inner {
                path: path.to_path_buf(),
                file: Some(file),
                written,
            })),
            max_bytes,
        })
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

fn rotated(path: &Path, n: usize) -> PathBuf {
    PathBuf::from(format!("{}.{n}", path.display()))
}

impl Inner {
    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        let _ = std::fs::remove_file(rotated(&self.path, KEEP));
        for n in (1..KEEP).rev() {
            let _ = std::fs::rename(rotated(&self.path, n), rotated(&self.path, n + 1));
        }
        std::fs::rename(&self.path, rotated(&self.path, 1))?;
        self.file = Some(open_append(&self.path)?);
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.written + buf.len() as u64 > self.max_bytes && inner.written > 0 {
            inner.rotate()?;
        }
        let file = inner
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("log file closed"))?;
        let n = file.write(buf)?;
        inner.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match inner.file.as_mut() {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for RotatingFile {
    type Writer = RotatingFile;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the subscriber. Falls back to stderr only when the log file cannot be opened.
pub fn init(log_file: &Path, level: &str, echo_to_stderr: bool) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let level = match level.to_ascii_lowercase().as_str() {
        "debug" => tracing::Level::DEBUG,
        "warn" | "warning" => tracing::Level::WARN,
        "error" => tracing::Level::ERROR,
        "trace" => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    };
    let filter = tracing_subscriber::filter::LevelFilter::from_level(level);
    let stderr_level = if echo_to_stderr {
        filter
    } else {
        tracing_subscriber::filter::LevelFilter::WARN
    };
    let stderr = || {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(stderr_level)
    };
    match RotatingFile::open(log_file, MAX_BYTES) {
        Ok(file) => {
            let file_layer = tracing_subscriber::fmt::layer()
                .with_writer(file)
                .with_ansi(false)
                .with_target(false)
                .with_filter(filter);
            let _ = tracing_subscriber::registry()
                .with(file_layer)
                .with(stderr())
                .try_init();
        }
        Err(err) => {
            let only_stderr = tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .with_filter(filter);
            let _ = tracing_subscriber::registry().with(only_stderr).try_init();
            tracing::warn!(path = %log_file.display(), error = %err, "cannot open log file; logging to stderr");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_past_the_limit_and_keeps_five() {
        let dir = std::env::temp_dir().join(format!("pm-agent-log-{}", std::process::id()));
        let path = dir.join("logs/agent.log");
        let mut log = RotatingFile::open(&path, 100).unwrap();
        for i in 0..40 {
            writeln!(log, "line {i:03} padding padding padding padding").unwrap();
        }
        assert!(std::fs::metadata(&path).unwrap().len() <= 100);
        assert!(rotated(&path, 5).exists());
        assert!(!rotated(&path, 6).exists());
        let newest_old = std::fs::read_to_string(rotated(&path, 1)).unwrap();
        assert!(newest_old.contains("line 03"), "{newest_old}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
