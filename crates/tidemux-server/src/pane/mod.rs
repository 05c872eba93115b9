//! One pane: a PTY, its process and its screen.
//!
//! Threads per pane (all named `pane-%N-...`):
//! - **reader**: blocking `read` of up to 64 KiB from the PTY master, with no lock held; then
//!   locks the pane state just long enough to run `Screen::process` on the raw bytes (never a
//!   lossy string), bump the output sequence number and take any query replies; then queues
//!   the replies to the writer and publishes the new sequence number.
//! - **writer**: the only thread that writes to the PTY; takes jobs from a queue in order
//!   (client input and query replies), so a program that does not read its input never blocks
//!   the reader or the server.
//! - **waiter**: blocks in `wait()` for the process, then records its exit status once the
//!   reader has drained the last output, and reports the exit to the server.
//!
//! Each pane thus has one owner of its screen (the reader thread, behind a mutex that readers
//! of the screen take only for a snapshot), and the kernel schedules flooding panes fairly.

pub mod proc;
pub mod status;

use crate::screen::Screen;
use crate::sync::lock;
use portable_pty::{Child, ChildKiller, CommandBuilder, MasterPty, PtySize};
use status::RunTracker;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;
use tidemux_proto::{ExitInfo, PaneId};
use tokio::sync::{oneshot, watch};

/// Size of one PTY read, in bytes.
pub const READ_CHUNK: usize = 64 * 1024;

/// How long the waiter lets the reader drain output after the process exited, in ms. A
/// background process that keeps the PTY open does not keep the pane alive longer than this.
const DRAIN_GRACE_MS: u64 = 500;

/// Everything needed to start a pane's process.
#[derive(Debug, Clone)]
pub struct PaneSpec {
    /// The pane's id.
    pub id: PaneId,
    /// argv, non-empty.
    pub argv: Vec<String>,
    /// Working directory (must exist).
    pub cwd: PathBuf,
    /// Variables to set on top of the server's environment.
    pub env: Vec<(String, String)>,
    /// Variables to remove from the server's environment.
    pub env_remove: Vec<String>,
    /// PTY height in cells.
    pub rows: u16,
    /// PTY width in cells.
    pub cols: u16,
    /// History limit in lines.
    pub history_limit: usize,
    /// Woken after every chunk of output (shared by all panes; attached clients wait on it).
    pub activity: Arc<tokio::sync::Notify>,
}

/// Mutable state of a pane, behind [`Pane::state`].
#[derive(Debug)]
pub struct PaneState {
    /// The screen model.
    pub screen: Screen,
    /// Output sequence number: total bytes of PTY output parsed.
    pub seq: u64,
    /// Set once the process exited.
    pub exit: Option<ExitInfo>,
    /// Run state with hysteresis (updated by the server's monitor).
    pub run: RunTracker,
    /// Attention flag and message (`notify`, bell).
    pub attention: Option<String>,
    /// A bell rang since the pane was last selected.
    pub bell: bool,
    /// Output sequence number of the last `output` event, and when it was sent.
    pub output_event: (u64, std::time::Instant),
    /// When the monitor last sampled `/proc` for this pane.
    pub sampled_at: std::time::Instant,
}

/// Something a pane reports to the server, from its own threads.
#[derive(Debug, Clone)]
pub enum PaneNote {
    /// The program rang the bell (once per read chunk, however many BELs it held).
    Bell,
    /// The program set its title.
    Title(String),
    /// The process exited (status recorded in the pane state).
    Exited(ExitInfo),
}

/// Receives [`PaneNote`]s; called on the pane's threads with no pane lock held.
pub type Observer = Arc<dyn Fn(PaneId, PaneNote) + Send + Sync>;

struct WriteJob {
    bytes: Vec<u8>,
    done: Option<oneshot::Sender<std::io::Result<()>>>,
}

/// A running (or dead) pane.
pub struct Pane {
    /// The pane's id.
    pub id: PaneId,
    /// argv joined by spaces, for listings.
    pub command: String,
    /// Process id of the pane's process.
    pub pid: Option<u32>,
    state: Mutex<PaneState>,
    writer: mpsc::Sender<WriteJob>,
    master: Mutex<Box<dyn MasterPty + Send>>,
    killer: Mutex<Box<dyn ChildKiller + Send + Sync>>,
    seq_tx: watch::Sender<u64>,
    closed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Pane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pane")
            .field("id", &self.id)
            .field("command", &self.command)
            .field("pid", &self.pid)
            .finish_non_exhaustive()
    }
}

/// Why a pane could not start.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// The PTY could not be opened or configured.
    #[error("cannot open a PTY: {0}")]
    Pty(String),
    /// The command could not be executed.
    #[error("cannot run '{cmd}': {why}")]
    Exec {
        /// argv[0].
        cmd: String,
        /// OS error text.
        why: String,
    },
}

impl Pane {
    /// Opens a PTY of the spec's size, starts the process in it and the pane's threads.
    /// `observer` hears bells, titles and, on the waiter thread once the status is recorded,
    /// the exit.
    ///
    /// # Errors
    /// [`SpawnError`] when the PTY cannot be opened or the program cannot be executed (nothing
    /// is left running in that case).
    pub fn spawn(spec: PaneSpec, observer: Observer) -> Result<Arc<Pane>, SpawnError> {
        Self::spawn_with_preface(spec, observer, &[])
    }

    /// [`Pane::spawn`], with `preface` parsed into the screen before the process writes
    /// anything (`tidemux resurrect` shows the saved history this way).
    ///
    /// # Errors
    /// As [`Pane::spawn`].
    pub fn spawn_with_preface(
        spec: PaneSpec,
        observer: Observer,
        preface: &[u8],
    ) -> Result<Arc<Pane>, SpawnError> {
        let pty = portable_pty::native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: spec.rows.max(1),
                cols: spec.cols.max(1),
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        let mut cmd = CommandBuilder::new(&spec.argv[0]);
        cmd.args(&spec.argv[1..]);
        cmd.cwd(&spec.cwd);
        for k in &spec.env_remove {
            cmd.env_remove(k);
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| SpawnError::Exec {
                cmd: spec.argv[0].clone(),
                why: one_line_spawn_error(&e.to_string()),
            })?;
        // Only the child holds the slave now, so EOF arrives when it (and its children) exit.
        drop(pair.slave);
        let reader = pair
            .master
            .try_clone_reader()
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        let (wtx, wrx) = mpsc::channel();
        let (seq_tx, _) = watch::channel(0);
        let pane = Arc::new(Pane {
            id: spec.id,
            command: spec.argv.join(" "),
            pid: child.process_id(),
            state: Mutex::new(PaneState {
                screen: {
                    let mut screen = Screen::new(spec.rows, spec.cols, spec.history_limit);
                    if !preface.is_empty() {
                        screen.process(preface, 0);
                    }
                    screen
                },
                seq: 0,
                exit: None,
                run: RunTracker::default(),
                attention: None,
                bell: false,
                output_event: (0, std::time::Instant::now()),
                sampled_at: std::time::Instant::now(),
            }),
            writer: wtx,
            master: Mutex::new(pair.master),
            killer: Mutex::new(child.clone_killer()),
            seq_tx,
            closed: std::sync::atomic::AtomicBool::new(false),
        });
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let name = |role: &str| format!("pane-{}-{role}", spec.id);
        let p = Arc::clone(&pane);
        let obs = Arc::clone(&observer);
        let activity = Arc::clone(&spec.activity);
        std::thread::Builder::new()
            .name(name("writer"))
            .spawn(move || writer_loop(writer, wrx))
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        std::thread::Builder::new()
            .name(name("reader"))
            .spawn(move || {
                reader_loop(&p, reader, &obs, &activity);
                let _ = done_tx.send(());
            })
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        let p = Arc::clone(&pane);
        std::thread::Builder::new()
            .name(name("waiter"))
            .spawn(move || {
                let exit = wait_child(child);
                let _ = done_rx.recv_timeout(Duration::from_millis(DRAIN_GRACE_MS));
                lock(&p.state).exit = Some(exit.clone());
                p.notify_watchers();
                observer(p.id, PaneNote::Exited(exit));
            })
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        Ok(pane)
    }

    /// Path of the pane's terminal (`/dev/pts/N`), tmux `#{pane_tty}`.
    pub fn tty(&self) -> Option<String> {
        lock(&self.master)
            .tty_name()
            .map(|p| p.display().to_string())
    }

    /// Locks the pane state (screen, seq, exit). Hold it only for a snapshot.
    pub fn state(&self) -> MutexGuard<'_, PaneState> {
        lock(&self.state)
    }

    /// The pane state if nobody holds it (the reader holds it while parsing a chunk).
    pub fn try_state(&self) -> Option<MutexGuard<'_, PaneState>> {
        match self.state.try_lock() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// A receiver woken on output, on exit and on state changes (its value is the output
    /// sequence number).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.seq_tx.subscribe()
    }

    /// Wakes every [`Pane::subscribe`] receiver (after a state change).
    pub fn notify_watchers(&self) {
        self.seq_tx.send_modify(|_| {});
    }

    /// Marks the pane closed (taken out of the server's model: killed, or its process exited
    /// without remain-on-exit) and wakes its waiters, which end with `pane-closed`.
    pub fn mark_closed(&self) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Release);
        self.notify_watchers();
    }

    /// Whether [`Pane::mark_closed`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Pid of the leader of the terminal's foreground process group.
    pub fn foreground_pid(&self) -> Option<u32> {
        lock(&self.master)
            .process_group_leader()
            .and_then(|p| u32::try_from(p).ok())
    }

    /// Queues `bytes` for the PTY; the receiver resolves once they are written (or failed).
    pub fn write(&self, bytes: Vec<u8>) -> oneshot::Receiver<std::io::Result<()>> {
        let (tx, rx) = oneshot::channel();
        let _ = self.writer.send(WriteJob {
            bytes,
            done: Some(tx),
        });
        rx
    }

    /// Resizes the PTY (the program gets SIGWINCH) and the screen, in cells.
    pub fn resize(&self, rows: u16, cols: u16) {
        let (rows, cols) = (rows.max(1), cols.max(1));
        let _ = lock(&self.master).resize(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        });
        self.state().screen.resize(rows, cols);
    }

    /// Hangs up the pane's process group (SIGHUP, as closing a terminal does) and its
    /// terminal's foreground process group; the waiter reports the exit.
    pub fn kill(&self) {
        use rustix::process::{kill_process_group, Pid, Signal};
        if self.state().exit.is_some() {
            return; // reaped: its pid may belong to someone else now
        }
        let fg = lock(&self.master).process_group_leader();
        for pgid in [self.pid.map(|p| p as i32), fg].into_iter().flatten() {
            if let Some(pid) = Pid::from_raw(pgid) {
                let _ = kill_process_group(pid, Signal::HUP);
            }
        }
        if self.pid.is_none() {
            let _ = lock(&self.killer).kill();
        }
    }

    /// Kills the process outright (SIGKILL to its process group): used at server exit.
    pub fn kill_hard(&self) {
        use rustix::process::{kill_process_group, Pid, Signal};
        if self.state().exit.is_some() {
            return;
        }
        if let Some(pid) = self.pid.and_then(|p| Pid::from_raw(p as i32)) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
        let _ = lock(&self.killer).kill();
    }
}

/// portable-pty's spawn errors span lines and may embed the whole `PATH`; keep one line.
fn one_line_spawn_error(e: &str) -> String {
    if e.contains("No viable candidates found in PATH") {
        return "command not found in PATH".into();
    }
    e.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn writer_loop(mut w: Box<dyn Write + Send>, jobs: mpsc::Receiver<WriteJob>) {
    for job in jobs {
        let r = w.write_all(&job.bytes).and_then(|()| w.flush());
        let failed = r.is_err();
        if let Some(done) = job.done {
            let _ = done.send(r);
        }
        if failed {
            break;
        }
    }
}

/// Nice value of reader threads: parsing a flood yields the CPU to request handling, so
/// `read-screen`, `send` and attached clients stay responsive while panes print. Nothing on
/// the async runtime waits for a pane lock that a reader holds for long (the monitor uses
/// `try_state`), so the lower priority cannot stall requests.
pub const READER_NICE: i32 = 5;

fn reader_loop(
    pane: &Pane,
    mut r: Box<dyn Read + Send>,
    observer: &Observer,
    activity: &tokio::sync::Notify,
) {
    // Linux nice values are per thread.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), READER_NICE);
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break, // EIO: the slave side is closed.
        };
        let (seq, replies, changes, title) = {
            let mut st = pane.state();
            let seq_after = st.seq + n as u64;
            let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                st.screen.process(&buf[..n], seq_after)
            }));
            let changes = parsed.unwrap_or_else(|_| {
                // A parser bug must not take the server down: start a fresh screen.
                tracing::error!(pane = %pane.id, "screen parser panicked; screen reset");
                let (rows, cols) = st.screen.size();
                let (_, limit, _) = st.screen.history_stats();
                st.screen = Screen::new(rows, cols, limit);
                Default::default()
            });
            st.seq = seq_after;
            if changes.bells > 0 {
                st.bell = true;
            }
            let title = changes.title.then(|| st.screen.title().to_owned());
            (st.seq, st.screen.take_replies(), changes, title)
        };
        if let Some(bytes) = replies {
            let _ = pane.writer.send(WriteJob { bytes, done: None });
        }
        pane.seq_tx.send_replace(seq);
        activity.notify_waiters();
        if changes.bells > 0 {
            observer(pane.id, PaneNote::Bell);
        }
        if let Some(t) = title {
            observer(pane.id, PaneNote::Title(t));
        }
    }
}

fn wait_child(mut child: Box<dyn Child + Send + Sync>) -> ExitInfo {
    match child.wait() {
        Ok(st) => match st.signal() {
            Some(sig) => ExitInfo {
                code: None,
                signal: Some(sig.to_string()),
            },
            None => ExitInfo {
                code: Some(st.exit_code() as i32),
                signal: None,
            },
        },
        Err(e) => ExitInfo {
            code: None,
            signal: Some(format!("unknown ({e})")),
        },
    }
}
