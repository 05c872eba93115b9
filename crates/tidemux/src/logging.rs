//! The server's log: a file that is rotated at a size limit and that can never take the server
//! down.
//!
//! Where: see [`tidemux_client::logfile`] (`$XDG_STATE_HOME/tidemux/NAME.log` by default).
//! Level: `$TIDEMUX_LOG` (a `tracing` filter: `error`, `warn`, `info` (default), `debug`,
//! `trace`, or per module such as `tidemux_server::connection=debug`).
//!
//! Rotation: before a line would take the file past [`MAX_LOG_BYTES`], `X.log` is renamed to
//! `X.log.1` (replacing the previous one) and a fresh `X.log` is opened; if the rename is
//! refused, the file is truncated instead. At most 2 x [`MAX_LOG_BYTES`] on disk per server.
//!
//! Failure is never fatal (issue 8, item 8): a line that cannot be written (disk full, I/O
//! error, closed stderr) is dropped and counted, and the next line that gets through is
//! preceded by `N log lines lost`; `tracing-subscriber`'s own error report (an `eprintln!`,
//! which panics when stderr is gone) is switched off; a log file that cannot be opened leaves
//! the server running and logging to stderr, with one warning there; reopening is retried
//! every [`REOPEN_INTERVAL`]. Panics anywhere in the server are written to the log (then to
//! stderr, as the default hook does).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tidemux_client::logfile::{create_log_dir, open_log};
use tidemux_client::LogTarget;
use tracing_subscriber::fmt::MakeWriter;

/// Size at which the log file is rotated, bytes (10 MiB).
pub const MAX_LOG_BYTES: u64 = 10 * 1024 * 1024;

/// How often a log file that could not be (re)opened is tried again.
pub const REOPEN_INTERVAL: Duration = Duration::from_secs(10);

/// A log destination shared by every thread of the server; writes never fail.
pub struct LogSink {
    inner: Mutex<Inner>,
}

struct Inner {
    /// The file's path; `None`: standard error.
    path: Option<PathBuf>,
    file: Option<File>,
    /// Bytes in the current file.
    size: u64,
    /// When to try opening the file again (while `file` is `None`).
    retry_at: Instant,
    /// Lines dropped since the last one written.
    lost: u64,
    max_bytes: u64,
}

impl LogSink {
    /// A sink for `target`; opening a file that is refused or fails falls back to standard error,
    /// and the reason is returned with the sink (to be printed on stderr).
    pub fn open(target: &LogTarget) -> (Self, Option<String>) {
        Self::with_limit(target, MAX_LOG_BYTES)
    }

    fn with_limit(target: &LogTarget, max_bytes: u64) -> (Self, Option<String>) {
        let mut inner = Inner {
            path: None,
            file: None,
            size: 0,
            retry_at: Instant::now(),
            lost: 0,
            max_bytes,
        };
        let mut warning = None;
        if let LogTarget::File(p) = target {
            match create_log_dir(p).and_then(|()| open_log(p)) {
                Ok(f) => {
                    inner.size = f.metadata().map(|m| m.len()).unwrap_or(0);
                    inner.file = Some(f);
                    inner.path = Some(p.clone());
                }
                Err(e) => {
                    warning = Some(format!(
                        "cannot use log file {}: {e}; logging to stderr instead",
                        p.display()
                    ));
                }
            }
        }
        (
            LogSink {
                inner: Mutex::new(inner),
            },
            warning,
        )
    }

    fn write_line(&self, line: &[u8]) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .write_line(line);
    }
}

impl Inner {
    fn write_line(&mut self, line: &[u8]) {
        let Some(path) = self.path.clone() else {
            let mut err = io::stderr().lock();
            if self.lost > 0 && writeln!(err, "{} log lines lost", self.lost).is_ok() {
                self.lost = 0;
            }
            if err.write_all(line).is_err() {
                self.lost += 1;
            }
            return;
        };
        if self.size > 0 && self.size + line.len() as u64 > self.max_bytes {
            self.rotate(&path);
        }
        if self.file.is_none() && Instant::now() >= self.retry_at {
            match open_log(&path) {
                Ok(f) => {
                    self.size = f.metadata().map(|m| m.len()).unwrap_or(0);
                    self.file = Some(f);
                }
                Err(_) => self.retry_at = Instant::now() + REOPEN_INTERVAL,
            }
        }
        let Some(f) = self.file.as_mut() else {
            self.lost += 1;
            return;
        };
        if self.lost > 0 {
            let note = format!(
                "{} log lines lost (disk full or unwritable log)\n",
                self.lost
            );
            if f.write_all(note.as_bytes()).is_ok() {
                self.size += note.len() as u64;
                self.lost = 0;
            }
        }
        match f.write_all(line) {
            Ok(()) => self.size += line.len() as u64,
            Err(_) => self.lost += 1,
        }
    }

    /// `X.log` -> `X.log.1`, then a fresh `X.log`; if the rename fails, truncate in place.
    fn rotate(&mut self, path: &Path) {
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        if std::fs::rename(path, &old).is_ok() {
            self.file = None;
            self.size = 0;
            self.retry_at = Instant::now();
        } else if let Some(f) = &self.file {
            if f.set_len(0).is_ok() {
                self.size = 0;
            }
        }
    }
}

/// What `tracing` writes one event through.
pub struct LineWriter<'a>(&'a LogSink);

impl Write for LineWriter<'_> {
    /// Always succeeds: a line that cannot be written is counted as lost.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_line(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogSink {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(self)
    }
}

/// Sets up the server's logging to `target` at the level from `$TIDEMUX_LOG` (default `info`),
/// and a panic hook that logs panics. Returns a warning to show on stderr when the log file
/// could not be used.
pub fn init(target: &LogTarget) -> Option<String> {
    let (sink, warning) = LogSink::open(target);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TIDEMUX_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(sink)
        .with_ansi(false)
        .log_internal_errors(false)
        .try_init();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        default_hook(info);
    }));
    warning
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_at_the_limit_and_keeps_one_old_file() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("s.log");
        let (sink, w) = LogSink::with_limit(&LogTarget::File(p.clone()), 100);
        assert_eq!(w, None);
        for i in 0..25 {
            sink.write_line(format!("line {i:04}\n").as_bytes()); // 10 bytes each
        }
        let cur = std::fs::read_to_string(&p).expect("current");
        let old = std::fs::read_to_string(d.path().join("s.log.1")).expect("rotated");
        assert!(cur.len() <= 100 && old.len() <= 100, "{cur:?} {old:?}");
        assert!(cur.ends_with("line 0024\n"), "{cur:?}");
        assert!(old.ends_with("line 0019\n"), "{old:?}");
        assert!(!d.path().join("s.log.2").exists());
    }

    #[test]
    fn a_full_device_loses_lines_without_failing() {
        if rustix::process::geteuid().as_raw() != 0 {
            // /dev/full belongs to root; the owner check refuses it for anyone else.
            return;
        }
        let (sink, w) = LogSink::open(&LogTarget::File("/dev/full".into()));
        assert_eq!(w, None);
        let mut lw = sink.make_writer();
        for _ in 0..3 {
            lw.write_all(b"a line\n").expect("never fails");
        }
        assert_eq!(sink.inner.lock().expect("lock").lost, 3);
    }

    #[test]
    fn a_refused_file_falls_back_to_stderr_with_a_reason() {
        let d = tempfile::tempdir().expect("tempdir");
        let target = d.path().join("elsewhere");
        std::fs::write(&target, "").expect("write");
        let link = d.path().join("s.log");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let (sink, w) = LogSink::open(&LogTarget::File(link));
        let w = w.expect("a warning");
        assert!(w.contains("symbolic link"), "{w}");
        sink.write_line(b"to stderr\n");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "");
    }
}
