//! One pane: a PTY, its process and its screen.
//!
//! Threads per pane (named `pane-%N-...`): one in steady state.
//! - **reader** (always): drains the PTY master (non-blocking, `poll` with the pane's close
//!   event and, on Linux, a pidfd of its process) into a read-ahead buffer of at most
//!   [`READ_CHUNK`] bytes that exists only while output flows (an idle pane holds none), with
//!   no lock held, and parses it in slices; before every slice it tops the buffer up from the
//!   PTY, so a program that prints fast finds room in the PTY while the reader parses
//!   (draining is decoupled from parsing; a full buffer is the flow control). For each slice
//!   it takes a permit of the server-wide parse [`gate`], locks the pane state, runs
//!   `Screen::process` on the raw bytes (never a lossy string), bumps the output sequence
//!   number, takes any query replies and unlocks. A slice is sized to take about
//!   [`SLICE_TARGET`] (64 bytes to [`SLICE_MAX`] and 1 to 4096 escape sequences, adapted to
//!   what the last one cost), so no lock is held for long whatever the output (`x CSI 65535
//!   b`, `CSI 2 J` in a huge window); the lock is handed over fairly to a waiting request
//!   between slices. Every [`PUBLISH_BYTES`] parsed, and whenever it has parsed all it read,
//!   the reader publishes: the sequence number to waiters, a wake-up to attached clients, the
//!   bytes to the transcript, `pipe-pane` and control-mode clients, then bell and title
//!   notes.
//!   The reader also notices the process's exit (its pidfd becomes readable), reaps it
//!   with `waitid(P_PIDFD)`, lets the last output drain (at most [`DRAIN_GRACE_MS`]), records
//!   the exit status and reports it to the server. Where pidfds are missing (Linux before 5.4,
//!   other systems) a **waiter** thread blocks in `wait()` instead, as before.
//! - **writer** (only while a write would block): input (client input and query replies) is
//!   written to the non-blocking PTY at once by whoever submits it, when nothing else waits;
//!   what the PTY does not take is queued in order and a writer thread is started to finish
//!   it; it ends as soon as the queue is empty. So a program that does not read its input
//!   never blocks the reader or the server. At most [`MAX_PENDING_INPUT`] bytes wait for a
//!   pane; query replies are dropped once [`MAX_PENDING_REPLIES`] wait. Closing the pane ends
//!   the writer even in the middle of a write and answers every queued job.
//!
//! Threads have small stacks ([`THREAD_STACK`]). Each pane thus has one owner of its screen
//! (the reader thread, behind a mutex that readers of the screen take only for a snapshot),
//! and the kernel schedules flooding panes fairly.

pub mod adopt;
pub mod gate;
pub mod log;
pub mod proc;
pub mod spawn;
pub mod status;

use crate::screen::Screen;
use crate::sync::lock;
use parking_lot::{Mutex as FairMutex, MutexGuard};
use portable_pty::{Child, ChildKiller, CommandBuilder, PtySize};
use rustix::event::{PollFd, PollFlags};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::io::Errno;
use rustix::process::{PidfdFlags, WaitIdOptions};
use status::RunTracker;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tidemux_proto::{ExitInfo, PaneId};
use tokio::sync::{oneshot, watch};

/// Most bytes of a pane's output the reader holds read but not yet published (the read-ahead
/// buffer; the kernel hands out at most about 4 KiB per `read`). A program that prints faster
/// than the server parses blocks in `write(2)` once this and the PTY are full.
pub const READ_CHUNK: usize = 64 * 1024;

/// Stack size of a pane's threads, in bytes (only the pages touched count in RSS; the parser's
/// deepest path, a panic while parsing included, stays far below this).
pub const THREAD_STACK: usize = 256 * 1024;

/// Most bytes of input (client input and query replies) waiting to be written to one pane's
/// PTY; a `send`, `send-key` or typed input that would go past it is refused (zellij uses the
/// same bound).
pub const MAX_PENDING_INPUT: usize = 10 * 1024 * 1024;

/// Query replies (`CSI 6 n`, ...) are queued only while less than this many bytes wait for the
/// pane; past it they are dropped: the program is not reading them.
pub const MAX_PENDING_REPLIES: usize = 64 * 1024;

/// Time one parse slice should take (the pane lock is held that long at most, give or take
/// one escape sequence).
pub const SLICE_TARGET: Duration = Duration::from_millis(1);

const SLICE_MIN: usize = 64;

/// How long the reader goes on draining output after the process exited before it records
/// the exit, in ms. A background process that keeps the PTY open does not keep the pane alive
/// longer than this.
pub const DRAIN_GRACE_MS: u64 = 500;

/// How often a writer blocked on a full PTY looks whether its input was closed.
const WRITER_POLL: Duration = Duration::from_millis(100);

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
    /// Woken after every parsed slice of output (shared by the panes of one session; its
    /// attached clients wait on it).
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
    /// The program reported its own state (`OSC 7734`).
    Reported(crate::screen::Report),
    /// The program set the clipboard (`OSC 52`): the decoded bytes.
    Clipboard(Vec<u8>),
    /// The program asked for the clipboard (`OSC 52 ; Pc ; ?`); `bel`: the query ended with
    /// BEL (else ST). Reported in order with [`PaneNote::Clipboard`].
    ClipboardQuery {
        /// Ended with BEL.
        bel: bool,
    },
    /// The program named its window with `ESC k NAME ESC \` (the last name of the chunk;
    /// empty for `ESC k ESC \`); acted on when `allow-rename` is on.
    Rename(String),
}

/// Receives [`PaneNote`]s; called on the pane's threads with no pane lock held.
pub type Observer = Arc<dyn Fn(PaneId, PaneNote) + Send + Sync>;

/// A consumer of a pane's raw output (`pipe-pane`), fed by the reader thread with every chunk
/// read from the PTY, in order, before the chunk's notes are reported. See
/// [`Pane::set_tap`].
pub trait OutputTap: Send + Sync {
    /// Bytes just read. Called with no lock held; must not block (queue and return).
    fn output(&self, bytes: &[u8]);
    /// No more output will come: the pane's terminal closed or the pane left the model.
    fn end(&self);
    /// Whether it still takes output (false once it stopped by itself).
    fn active(&self) -> bool;
}

struct WriteJob {
    bytes: Vec<u8>,
    done: Option<oneshot::Sender<std::io::Result<()>>>,
}

/// Input waiting for the PTY.
#[derive(Default)]
struct Queue {
    /// A writer thread is running (it ends when `jobs` is empty).
    writer: bool,
    jobs: VecDeque<WriteJob>,
    /// Bytes queued or being written.
    pending: usize,
    /// Set once no more input is accepted: why.
    closed: Option<String>,
    /// Query replies dropped because too much was pending.
    dropped_replies: u64,
}

/// What the pane shares with its reader and writer threads.
struct Io {
    /// The pane (for thread names and messages).
    id: PaneId,
    /// The PTY master (non-blocking).
    fd: OwnedFd,
    /// An eventfd made readable (for good) when the pane is closed.
    close: OwnedFd,
    closed: AtomicBool,
    queue: Mutex<Queue>,
    /// Set by the reader thread once it stopped reading (after [`Pane::close`], once the
    /// chunk it was parsing is in the screen): see [`Pane::reader_stopped`] (live upgrade).
    reader_done: AtomicBool,
}

impl Io {
    /// Closes the input queue with `why`, failing every queued job.
    fn close_input(&self, why: &str) {
        let jobs = {
            let mut q = lock(&self.queue);
            if q.closed.is_none() {
                q.closed = Some(why.to_owned());
            }
            q.pending -= q.jobs.iter().map(|j| j.bytes.len()).sum::<usize>();
            std::mem::take(&mut q.jobs)
        };
        fail_jobs(jobs, why);
    }

    /// Queues `bytes` for the PTY (`done` resolves once they are written). When nothing else
    /// waits, they are written at once, non-blocking, on the calling thread; whatever the PTY
    /// does not take is queued, and a writer thread is started if none runs. `limit` bounds
    /// the bytes pending for the pane; `None` from the bound check means "over the bound".
    ///
    /// # Errors
    /// [`Submit::Closed`] when input is closed, [`Submit::Full`] past `limit` (nothing queued;
    /// `done` is handed back unused in both cases).
    fn submit(
        self: &Arc<Self>,
        mut bytes: Vec<u8>,
        done: Option<oneshot::Sender<std::io::Result<()>>>,
        limit: usize,
    ) -> Result<(), Submit> {
        let mut q = lock(&self.queue);
        if let Some(why) = &q.closed {
            return Err(Submit::Closed(why.clone()));
        }
        if q.pending + bytes.len() > limit {
            return Err(Submit::Full(q.pending));
        }
        if q.jobs.is_empty() && !q.writer {
            match write_now(self.fd.as_fd(), &bytes) {
                Ok(n) if n == bytes.len() => {
                    drop(q);
                    if let Some(done) = done {
                        let _ = done.send(Ok(()));
                    }
                    return Ok(());
                }
                Ok(n) => {
                    bytes.drain(..n);
                }
                Err(e) => {
                    drop(q);
                    let why = "the pane's terminal is closed";
                    if let Some(done) = done {
                        let _ = done.send(Err(e));
                    }
                    self.close_input(why);
                    return Ok(());
                }
            }
        }
        q.pending += bytes.len();
        match q.jobs.back_mut() {
            // Consecutive query replies share one job.
            Some(last) if last.done.is_none() && done.is_none() => last.bytes.extend(bytes),
            _ => q.jobs.push_back(WriteJob { bytes, done }),
        }
        if q.writer {
            return Ok(());
        }
        q.writer = true;
        drop(q);
        let io = Arc::clone(self);
        let started = std::thread::Builder::new()
            .name(format!("pane-{}-writer", self.id))
            .stack_size(THREAD_STACK)
            .spawn(move || writer_loop(&io));
        if let Err(e) = started {
            lock(&self.queue).writer = false;
            self.close_input(&format!(
                "cannot start the writer thread of pane {}: {e}",
                self.id
            ));
        }
        Ok(())
    }
}

/// Why [`Io::submit`] did not take the bytes.
enum Submit {
    Closed(String),
    /// Bytes already pending.
    Full(usize),
}

/// Writes as much of `bytes` as the non-blocking PTY takes now: the count written.
fn write_now(fd: BorrowedFd<'_>, bytes: &[u8]) -> std::io::Result<usize> {
    let mut off = 0;
    while off < bytes.len() {
        match rustix::io::write(fd, &bytes[off..]) {
            Ok(n) => off += n,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(off)
}

fn fail_jobs(jobs: impl IntoIterator<Item = WriteJob>, why: &str) {
    for job in jobs {
        if let Some(done) = job.done {
            let _ = done.send(Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                why.to_owned(),
            )));
        }
    }
}

/// Why input was not queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteRefused {
    /// The pane is closed or its process exited.
    #[error("{0}")]
    Closed(String),
    /// Too much input already waits: the program is not reading.
    #[error(
        "pane {pane} is not reading its input: {pending} bytes are waiting to be written \
         (limit {} MiB); nothing was sent",
        MAX_PENDING_INPUT / (1024 * 1024)
    )]
    Full {
        /// The pane.
        pane: PaneId,
        /// Bytes waiting.
        pending: usize,
    },
}

/// A running (or dead) pane.
pub struct Pane {
    /// The pane's id.
    pub id: PaneId,
    /// argv joined by spaces, for listings.
    pub command: String,
    /// Process id of the pane's process.
    pub pid: Option<u32>,
    /// Path of the pane's terminal (`/dev/pts/N`).
    tty: Option<PathBuf>,
    state: FairMutex<PaneState>,
    io: Arc<Io>,
    killer: Mutex<Box<dyn ChildKiller + Send + Sync>>,
    /// A pidfd of the process (Linux 5.4+): signals through it never reach a recycled pid.
    pidfd: Option<OwnedFd>,
    /// Set once the process is reaped (its pid may belong to someone else after).
    reaped: AtomicBool,
    seq_tx: watch::Sender<u64>,
    logger: Mutex<Option<log::Logger>>,
    /// `pipe-pane`'s consumer of the raw output, if any.
    tap: Mutex<Option<Arc<dyn OutputTap>>>,
    /// Control-mode clients' consumers of the raw output (tmux `%output`), besides `tap`.
    watchers: Mutex<Vec<Arc<dyn OutputTap>>>,
    /// Set by the first [`Pane::claim_exit`].
    exit_claimed: AtomicBool,
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

/// Starts `spec`'s program on `slave` with portable-pty (where [`spawn::AVAILABLE`] is false,
/// or the PTY has no path).
fn spawn_by_portable_pty(
    spec: &PaneSpec,
    slave: &dyn portable_pty::SlavePty,
) -> Result<Box<dyn Child + Send + Sync>, SpawnError> {
    let mut cmd = CommandBuilder::new(&spec.argv[0]);
    cmd.args(&spec.argv[1..]);
    cmd.cwd(&spec.cwd);
    for k in &spec.env_remove {
        cmd.env_remove(k);
    }
    for (k, v) in &spec.env {
        cmd.env(k, v);
    }
    slave.spawn_command(cmd).map_err(|e| SpawnError::Exec {
        cmd: spec.argv[0].clone(),
        why: one_line_spawn_error(&e.to_string()),
    })
}

/// Our own non-blocking, close-on-exec descriptor of a PTY master.
fn own_master(master: &dyn portable_pty::MasterPty) -> Result<OwnedFd, SpawnError> {
    let raw = master
        .as_raw_fd()
        .ok_or_else(|| SpawnError::Pty("the PTY master has no file descriptor".into()))?;
    // SAFETY: `raw` is the master's descriptor, open for as long as `master` lives (we only
    // duplicate it here).
    let fd = rustix::io::fcntl_dupfd_cloexec(unsafe { BorrowedFd::borrow_raw(raw) }, 0)
        .map_err(|e| SpawnError::Pty(e.to_string()))?;
    let flags = rustix::fs::fcntl_getfl(&fd).map_err(|e| SpawnError::Pty(e.to_string()))?;
    rustix::fs::fcntl_setfl(&fd, flags | rustix::fs::OFlags::NONBLOCK)
        .map_err(|e| SpawnError::Pty(e.to_string()))?;
    Ok(fd)
}

impl Pane {
    /// Opens a PTY of the spec's size, starts the process in it and the pane's threads.
    /// `observer` hears bells, titles and, on the waiter thread once the status is recorded,
    /// the exit. Blocking (fork/exec): call it off the async runtime and outside the registry
    /// lock.
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
        let mut screen = Screen::new(spec.rows, spec.cols, spec.history_limit);
        if !preface.is_empty() {
            screen.process(preface, 0);
        }
        Self::spawn_with_screen(spec, observer, screen)
    }

    /// [`Pane::spawn`] showing `screen` (resized to the spec's size) instead of a blank one:
    /// `respawn-pane` keeps the pane's history this way.
    ///
    /// # Errors
    /// As [`Pane::spawn`].
    pub fn spawn_with_screen(
        spec: PaneSpec,
        observer: Observer,
        mut screen: Screen,
    ) -> Result<Arc<Pane>, SpawnError> {
        if screen.size() != (spec.rows.max(1), spec.cols.max(1)) {
            screen.resize(spec.rows, spec.cols);
        }
        let pty = portable_pty::native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: spec.rows.max(1),
                cols: spec.cols.max(1),
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| SpawnError::Pty(e.to_string()))?;
        let fd = own_master(&*pair.master)?;
        let tty = pair.master.tty_name();
        let close = rustix::event::eventfd(
            0,
            rustix::event::EventfdFlags::CLOEXEC | rustix::event::EventfdFlags::NONBLOCK,
        )
        .map_err(|e| SpawnError::Pty(e.to_string()))?;
        // The process: by posix_spawn where it is available (see `spawn.rs`: a fork of the
        // whole server was half of a new pane's cost), else by portable-pty.
        let (pid, killer, child): (Option<u32>, Box<dyn ChildKiller + Send + Sync>, _) =
            match tty.as_deref() {
                Some(path) if spawn::AVAILABLE => {
                    let pid = spawn::spawn(&spec, path)?;
                    (Some(pid), Box::new(adopt::PidKiller(Some(pid))), None)
                }
                _ => {
                    let child = spawn_by_portable_pty(&spec, &*pair.slave)?;
                    (child.process_id(), child.clone_killer(), Some(child))
                }
            };
        // Only the child holds the slave now, so EOF arrives when it (and its children) exit;
        // only our descriptor holds the master.
        drop(pair.slave);
        drop(pair.master);
        let (seq_tx, _) = watch::channel(0);
        let io = Arc::new(Io {
            id: spec.id,
            fd,
            close,
            closed: AtomicBool::new(false),
            queue: Mutex::new(Queue::default()),
            reader_done: AtomicBool::new(false),
        });
        // The process has not been waited for, so its pid is still ours (a zombie at worst).
        let pidfd = pid
            .and_then(|p| rustix::process::Pid::from_raw(p as i32))
            .and_then(|p| rustix::process::pidfd_open(p, PidfdFlags::empty()).ok());
        let pane = Arc::new(Pane {
            id: spec.id,
            command: spec.argv.join(" "),
            pid,
            tty,
            state: FairMutex::new(PaneState {
                screen,
                seq: 0,
                exit: None,
                run: RunTracker::default(),
                attention: None,
                bell: false,
                output_event: (0, std::time::Instant::now()),
                sampled_at: std::time::Instant::now(),
            }),
            io: Arc::clone(&io),
            killer: Mutex::new(killer),
            pidfd,
            reaped: AtomicBool::new(false),
            seq_tx,
            logger: Mutex::new(None),
            tap: Mutex::new(None),
            watchers: Mutex::new(Vec::new()),
            exit_claimed: AtomicBool::new(false),
        });
        let name = |role: &str| format!("pane-{}-{role}", spec.id);
        let p = Arc::clone(&pane);
        let obs = Arc::clone(&observer);
        let activity = Arc::clone(&spec.activity);
        // Stops and reaps the process when the pane cannot start its threads.
        let fail = |e: std::io::Error, child: Option<Box<dyn Child + Send + Sync>>| {
            io.close_input("the pane could not start");
            if let Some(mut c) = child {
                let _ = c.kill();
                let _ = c.wait();
            } else if let Some(p) = pid.and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
                let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
                let _ = rustix::process::waitpid(Some(p), rustix::process::WaitOptions::empty());
            }
            SpawnError::Pty(e.to_string())
        };
        if pane.pidfd.is_some() {
            // The reader reaps the process through its pidfd; a portable-pty `child` is not
            // waited for (dropping it neither waits nor kills).
            let spawned = std::thread::Builder::new()
                .name(name("reader"))
                .stack_size(THREAD_STACK)
                .spawn(move || reader_loop(&p, &obs, &activity, None));
            if let Err(e) = spawned {
                return Err(fail(e, child));
            }
            drop(child);
        } else {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            if let Err(e) = std::thread::Builder::new()
                .name(name("reader"))
                .stack_size(THREAD_STACK)
                .spawn(move || reader_loop(&p, &obs, &activity, Some(done_tx)))
            {
                return Err(fail(e, child));
            }
            let p = Arc::clone(&pane);
            std::thread::Builder::new()
                .name(name("waiter"))
                .stack_size(THREAD_STACK)
                .spawn(move || {
                    let exit = match child {
                        Some(c) => wait_child(c),
                        None => adopt::wait_pid(pid.unwrap_or(0)),
                    };
                    p.reaped.store(true, Ordering::Release);
                    let _ = done_rx.recv_timeout(Duration::from_millis(DRAIN_GRACE_MS));
                    p.record_exit(exit, &observer);
                })
                .map_err(|e| fail(e, None))?;
        }
        Ok(pane)
    }

    /// Records the process's exit once its last output is parsed: no more input, the status
    /// in the state, waiters woken, the server told.
    fn record_exit(&self, exit: ExitInfo, observer: &Observer) {
        self.io.close_input(&format!("pane {} exited", self.id));
        self.state().exit = Some(exit.clone());
        self.notify_watchers();
        observer(self.id, PaneNote::Exited(exit));
    }

    /// Starts (`Some`) or stops (`None`) the pane's transcript (`tidemux log`).
    pub fn set_logger(&self, logger: Option<log::Logger>) {
        *lock(&self.logger) = logger;
    }

    /// True for the first caller only: who handles the process's exit (state, close or
    /// remain). See `ServerState::exit_if_early`.
    pub fn claim_exit(&self) -> bool {
        !self.exit_claimed.swap(true, Ordering::AcqRel)
    }

    /// The settings of the transcript being written, if any (a live upgrade carries them).
    pub fn log_settings(&self) -> Option<log::LogSettings> {
        lock(&self.logger).as_ref().map(log::Logger::settings)
    }

    /// Whether a transcript is being written.
    pub fn logging(&self) -> bool {
        lock(&self.logger).is_some()
    }

    /// Moves the transcript (`tidemux log`) to `other` (a respawned pane).
    pub fn move_logger_to(&self, other: &Pane) {
        let l = lock(&self.logger).take();
        if l.is_some() {
            *lock(&other.logger) = l;
        }
    }

    /// Installs (`Some`) or removes (`None`) the consumer of the raw output (`pipe-pane`);
    /// returns the previous one, whose [`OutputTap::end`] is not called.
    pub fn set_tap(&self, tap: Option<Arc<dyn OutputTap>>) -> Option<Arc<dyn OutputTap>> {
        std::mem::replace(&mut *lock(&self.tap), tap)
    }

    /// Adds a consumer of the raw output (a control-mode client, tmux `%output`); consumers no
    /// longer [`OutputTap::active`] are dropped.
    pub fn add_watcher(&self, w: Arc<dyn OutputTap>) {
        let mut v = lock(&self.watchers);
        v.retain(|x| x.active());
        v.push(w);
    }

    /// The consumer of the raw output, if any.
    pub fn tap(&self) -> Option<Arc<dyn OutputTap>> {
        lock(&self.tap).clone()
    }

    /// Path of the pane's terminal (`/dev/pts/N`), tmux `#{pane_tty}`.
    pub fn tty(&self) -> Option<String> {
        self.tty.as_ref().map(|p| p.display().to_string())
    }

    /// Locks the pane state (screen, seq, exit). Hold it only for a snapshot. The reader holds
    /// it for one parse slice at a time and hands it over fairly between slices. On a worker
    /// of the multi-thread runtime, a lock that is busy is waited for in `block_in_place`: the
    /// worker's other tasks move to another thread meanwhile, so a reader that is slow to
    /// finish its slice (preempted on a loaded machine) delays only this request.
    pub fn state(&self) -> MutexGuard<'_, PaneState> {
        if let Some(g) = self.state.try_lock() {
            return g;
        }
        let on_worker = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if on_worker {
            tokio::task::block_in_place(|| self.state.lock())
        } else {
            self.state.lock()
        }
    }

    /// The pane state if nobody holds it (the reader holds it while parsing a slice).
    pub fn try_state(&self) -> Option<MutexGuard<'_, PaneState>> {
        self.state.try_lock()
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
    /// without remain-on-exit): [`Pane::close`]s it and wakes its waiters, which end with
    /// `pane-closed`.
    pub fn mark_closed(&self) {
        self.close();
        self.notify_watchers();
    }

    /// Pid of the leader of the terminal's foreground process group.
    pub fn foreground_pid(&self) -> Option<u32> {
        if self.is_closed() {
            return None;
        }
        rustix::termios::tcgetpgrp(&self.io.fd)
            .ok()
            .and_then(|p| u32::try_from(p.as_raw_nonzero().get()).ok())
    }

    /// Queues `bytes` for the PTY; the receiver resolves once they are written, or fail when
    /// the pane closes or its process exits first.
    ///
    /// # Errors
    /// [`WriteRefused::Full`] when [`MAX_PENDING_INPUT`] would be passed (nothing is queued),
    /// [`WriteRefused::Closed`] when the pane no longer takes input.
    pub fn write(
        &self,
        bytes: Vec<u8>,
    ) -> Result<oneshot::Receiver<std::io::Result<()>>, WriteRefused> {
        let (tx, rx) = oneshot::channel();
        match self.io.submit(bytes, Some(tx), MAX_PENDING_INPUT) {
            Ok(()) => Ok(rx),
            Err(Submit::Closed(why)) => Err(WriteRefused::Closed(why)),
            Err(Submit::Full(pending)) => Err(WriteRefused::Full {
                pane: self.id,
                pending,
            }),
        }
    }

    /// Bytes waiting to be written to the PTY.
    pub fn pending_input(&self) -> usize {
        lock(&self.io.queue).pending
    }

    /// Queues a query reply unless [`MAX_PENDING_REPLIES`] bytes already wait (then it is
    /// dropped); consecutive replies share one job. Never blocks.
    pub(crate) fn queue_reply(&self, bytes: Vec<u8>) {
        if self.io.submit(bytes, None, MAX_PENDING_REPLIES).is_err() {
            let mut q = lock(&self.io.queue);
            q.dropped_replies += 1;
            if q.dropped_replies.is_power_of_two() {
                tracing::debug!(pane = %self.id, dropped = q.dropped_replies,
                    "pane does not read its input; query replies dropped");
            }
        }
    }

    /// Resizes the screen, then the PTY (the program gets SIGWINCH), in cells.
    ///
    /// The screen goes first, as in tmux (`window_pane_resize` resizes the screen at once, the
    /// `TIOCSWINSZ` follows later): what the program draws after its SIGWINCH is then always
    /// parsed at the new size. The other way round, under load the reader could parse a
    /// redraw for the new size into the old-size screen (lines wrapped and scrolled where the
    /// program placed none) and nothing would repair it: an attach client in the pane drew
    /// its frame diffs over a scrolled screen. Both happen under the state lock, so two
    /// resizes of one pane at once cannot leave the PTY and the screen at different sizes.
    pub fn resize(&self, rows: u16, cols: u16) {
        let (rows, cols) = (rows.max(1), cols.max(1));
        let mut state = self.state();
        state.screen.resize(rows, cols);
        if !self.is_closed() {
            let _ = rustix::termios::tcsetwinsize(
                &self.io.fd,
                rustix::termios::Winsize {
                    ws_row: rows,
                    ws_col: cols,
                    ws_xpixel: 0,
                    ws_ypixel: 0,
                },
            );
        }
        drop(state);
    }

    /// Whether [`Pane::close`] (or [`Pane::mark_closed`]) was called.
    pub fn is_closed(&self) -> bool {
        self.io.closed.load(Ordering::Acquire)
    }

    /// Closes the pane's terminal side: its writer stops (even in the middle of a blocked
    /// write) and every queued input fails with "pane %N closed"; its reader stops. Called when
    /// the pane leaves the model; idempotent.
    pub fn close(&self) {
        if self.io.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        self.io.close_input(&format!("pane {} closed", self.id));
        let _ = rustix::io::write(&self.io.close, &1u64.to_ne_bytes());
    }

    /// Hangs up the pane's process group (SIGHUP, as closing a terminal does) and its
    /// terminal's foreground process group; the reader (or waiter) reports the exit.
    pub fn kill(&self) {
        self.hang_up(self.foreground_pid());
    }

    /// The pane leaves the model: closed first, so that input still waiting fails with "pane
    /// %N closed" rather than with the exit the hang-up causes (the reader could record that
    /// exit before a later close), then hung up as [`Pane::kill`] does (the terminal's
    /// foreground process group is looked up before the close, which ends that lookup).
    pub fn close_and_kill(&self) {
        let fg = self.foreground_pid();
        self.mark_closed();
        self.hang_up(fg);
    }

    /// SIGHUP to the pane's process group and `fg`'s (the terminal's foreground group).
    fn hang_up(&self, fg: Option<u32>) {
        use rustix::process::{kill_process_group, Pid, Signal};
        if self.reaped.load(Ordering::Acquire) || self.state().exit.is_some() {
            return; // reaped: its pid may belong to someone else now
        }
        for pgid in [self.pid, fg].into_iter().flatten() {
            if let Some(pid) = Pid::from_raw(pgid as i32) {
                let _ = kill_process_group(pid, Signal::HUP);
            }
        }
        if let Some(fd) = &self.pidfd {
            let _ = rustix::process::pidfd_send_signal(fd, Signal::HUP);
        } else if self.pid.is_none() {
            let _ = lock(&self.killer).kill();
        }
    }

    /// Kills the process outright (SIGKILL to its process group): used at server exit.
    pub fn kill_hard(&self) {
        use rustix::process::{kill_process_group, Pid, Signal};
        if self.reaped.load(Ordering::Acquire) || self.state().exit.is_some() {
            return;
        }
        if let Some(pid) = self.pid.and_then(|p| Pid::from_raw(p as i32)) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
        match &self.pidfd {
            Some(fd) => {
                let _ = rustix::process::pidfd_send_signal(fd, Signal::KILL);
            }
            None => {
                let _ = lock(&self.killer).kill();
            }
        }
    }
}

/// portable-pty's spawn errors span lines and may embed the whole `PATH`; keep one line.
fn one_line_spawn_error(e: &str) -> String {
    if e.contains("No viable candidates found in PATH") {
        return "command not found in PATH".into();
    }
    e.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Waits until `fd` is ready for `flags` or the pane closes (then `false`). With `timeout`,
/// also returns `true` when it passes.
fn wait_ready(io: &Io, flags: PollFlags, timeout: Option<Duration>) -> bool {
    let ts = timeout.map(|t| rustix::event::Timespec {
        tv_sec: t.as_secs() as i64,
        tv_nsec: i64::from(t.subsec_nanos()),
    });
    let mut fds = [
        PollFd::new(&io.fd, flags),
        PollFd::new(&io.close, PollFlags::IN),
    ];
    let _ = rustix::event::poll(&mut fds, ts.as_ref());
    !io.closed.load(Ordering::Acquire)
}

/// Writes all of `bytes` to the non-blocking PTY, waiting for room; `Err(None)` when the pane
/// closed or its input was closed meanwhile.
fn write_job(io: &Io, bytes: &[u8]) -> Result<(), Option<std::io::Error>> {
    let mut off = 0;
    while off < bytes.len() {
        match rustix::io::write(io.fd.as_fd(), &bytes[off..]) {
            Ok(n) => off += n,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => {
                if !wait_ready(io, PollFlags::OUT, Some(WRITER_POLL))
                    || lock(&io.queue).closed.is_some()
                {
                    return Err(None);
                }
            }
            Err(e) => return Err(Some(e.into())),
        }
    }
    Ok(())
}

/// The writer thread: writes the queued jobs in order and ends once the queue is empty (or
/// input is closed).
fn writer_loop(io: &Io) {
    loop {
        let job = {
            let mut q = lock(&io.queue);
            if q.closed.is_some() {
                q.writer = false;
                return; // close_input failed the queued jobs
            }
            match q.jobs.pop_front() {
                Some(j) => j,
                None => {
                    q.writer = false;
                    return;
                }
            }
        };
        let r = write_job(io, &job.bytes);
        lock(&io.queue).pending -= job.bytes.len();
        match r {
            Ok(()) => {
                if let Some(done) = job.done {
                    let _ = done.send(Ok(()));
                }
            }
            Err(e) => {
                let why = lock(&io.queue)
                    .closed
                    .clone()
                    .unwrap_or_else(|| "the pane's terminal is closed".into());
                let e = e.unwrap_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::BrokenPipe, why.clone())
                });
                if let Some(done) = job.done {
                    let _ = done.send(Err(e));
                }
                io.close_input(&why);
                lock(&io.queue).writer = false;
                return;
            }
        }
    }
}

/// Nice value of reader threads: parsing a flood yields the CPU to request handling, so
/// `read-screen`, `send` and attached clients stay responsive while panes print. A reader
/// holds its pane lock for one slice at a time, and only while it holds a permit of the parse
/// [`gate`], so the lower priority cannot make a request wait behind a preempted reader.
pub const READER_NICE: i32 = 5;

/// What parsing produced since the output was last published (see [`publish`]).
#[derive(Default)]
struct ChunkNotes {
    bells: bool,
    title: Option<String>,
    /// A state the program reported about itself (OSC 7734), the last one of the chunk.
    report: Option<crate::screen::Report>,
    /// Clipboard settings and queries (`OSC 52`), oldest first (at most
    /// [`crate::screen::MAX_CLIPS`]).
    clips: Vec<crate::screen::Clip>,
    /// A window name set with `ESC k NAME ESC \`, the last one of the chunk.
    rename: Option<String>,
    /// Output sequence number after the last slice parsed.
    seq: u64,
}

/// What the reader knows of its process's exit (with a pidfd; see the module docs).
enum ExitWatch {
    /// A waiter thread handles the exit; the reader tells it when it ends.
    Waiter(mpsc::Sender<()>),
    /// Not exited yet (the pidfd is not readable).
    Running,
    /// Reaped; recorded once the output is drained or at the deadline.
    Reaped(ExitInfo, Instant),
    /// Recorded and reported.
    Done,
}

/// What a top-up of the read-ahead buffer found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fill {
    /// The PTY has nothing more now (or the buffer is full).
    More,
    /// Nothing to read now.
    Empty,
    /// End of output: every holder of the terminal closed it.
    Eof,
}

/// First size of the read-ahead buffer, in bytes: one PTY read (the kernel hands out at most
/// 4,095 bytes per `read`). It doubles up to [`READ_CHUNK`] while reads fill it.
const READ_FIRST: usize = 4096;

/// Most bytes parsed in one slice, whatever the budget allows: the reader tops up its
/// read-ahead buffer from the PTY between slices, so a fast writer finds room in the PTY
/// while the reader parses (draining is decoupled from parsing).
pub const SLICE_MAX: usize = 16 * 1024;

/// Waiters, attached clients, the transcript, `pipe-pane` and bell/title notes hear of parsed
/// output at least every this many bytes (and whenever the reader has parsed all it read).
pub const PUBLISH_BYTES: usize = 64 * 1024;

/// Longest a reader holds a permit of the parse [`gate`] for one turn (it ends sooner once
/// [`PUBLISH_BYTES`] are parsed or nothing is left to read).
pub const TURN_MAX: Duration = Duration::from_millis(2);

/// The reader's raw output not parsed yet: `buf[parsed..]` waits for the parser;
/// `buf[published..parsed]` is parsed but not yet handed to the transcript and taps. Bounded
/// by [`READ_CHUNK`]; exists only while output flows.
#[derive(Default)]
struct ReadAhead {
    buf: Vec<u8>,
    parsed: usize,
    published: usize,
}

impl ReadAhead {
    /// Reads what the PTY has now, as room allows (at most [`READ_CHUNK`] bytes held). Bytes
    /// already published are dropped to make room.
    fn fill(&mut self, fd: BorrowedFd<'_>) -> Fill {
        if self.published > 0 && (self.buf.len() == READ_CHUNK || self.published >= READ_CHUNK / 2)
        {
            self.buf.copy_within(self.published.., 0);
            self.buf.truncate(self.buf.len() - self.published);
            self.parsed -= self.published;
            self.published = 0;
        }
        if self.buf.capacity() == 0 {
            self.buf.reserve_exact(READ_FIRST);
        }
        let before = self.buf.len();
        loop {
            if self.buf.len() >= READ_CHUNK {
                return Fill::More;
            }
            if self.buf.len() == self.buf.capacity() {
                let grow = self.buf.capacity().min(READ_CHUNK - self.buf.capacity());
                self.buf.reserve_exact(grow);
            }
            let room = (READ_CHUNK - self.buf.len()).min(self.buf.capacity() - self.buf.len());
            let spare = &mut self.buf.spare_capacity_mut()[..room];
            match rustix::io::read(fd, spare).map(|(got, _)| got.len()) {
                Ok(0) => return Fill::Eof,
                Ok(n) => {
                    // SAFETY: `read` initialised the first `n` bytes of the spare capacity.
                    unsafe { self.buf.set_len(self.buf.len() + n) };
                }
                Err(Errno::INTR) => {}
                Err(Errno::AGAIN) if self.buf.len() == before => return Fill::Empty,
                Err(Errno::AGAIN) => return Fill::More,
                // EIO: the slave side is closed; what was read before it still counts.
                Err(_) => return Fill::Eof,
            }
        }
    }

    /// Bytes read and not parsed yet.
    fn unparsed(&self) -> &[u8] {
        &self.buf[self.parsed..]
    }
}

/// Reaps the process behind `pidfd` (readable: it exited).
fn reap(pidfd: &OwnedFd) -> ExitInfo {
    use std::os::unix::process::ExitStatusExt;
    match rustix::process::waitid(
        rustix::process::WaitId::PidFd(pidfd.as_fd()),
        WaitIdOptions::EXITED,
    ) {
        Ok(Some(st)) => {
            let raw = match st.terminating_signal() {
                Some(sig) => sig & 0x7f,
                None => (st.exit_status().unwrap_or(0) & 0xff) << 8,
            };
            exit_info(&std::process::ExitStatus::from_raw(raw).into())
        }
        Ok(None) => ExitInfo {
            code: None,
            signal: Some("unknown (no status)".into()),
        },
        Err(e) => ExitInfo {
            code: None,
            signal: Some(format!("unknown ({e})")),
        },
    }
}

/// Waits until the PTY is readable, the pane closes, the process exits (with `pidfd`) or
/// `timeout` passes. Returns whether the pidfd is readable.
fn wait_input(io: &Io, pty: bool, pidfd: Option<&OwnedFd>, timeout: Option<Duration>) -> bool {
    let ts = timeout.map(|t| rustix::event::Timespec {
        tv_sec: t.as_secs() as i64,
        tv_nsec: i64::from(t.subsec_nanos()),
    });
    let mut fds = Vec::with_capacity(3);
    fds.push(PollFd::new(&io.close, PollFlags::IN));
    if pty {
        fds.push(PollFd::new(&io.fd, PollFlags::IN));
    }
    if let Some(p) = pidfd {
        fds.push(PollFd::new(p, PollFlags::IN));
    }
    if rustix::event::poll(&mut fds, ts.as_ref()).is_err() {
        return false;
    }
    pidfd.is_some() && !fds[fds.len() - 1].revents().is_empty()
}

/// How long a reader waits without output before it gives back its unused stack pages, ms.
pub const IDLE_TRIM_MS: u64 = 1000;

/// Gives back the pages of the calling thread's stack below the current frame
/// (`madvise(MADV_DONTNEED)`; the kernel maps fresh zero pages if the stack grows there
/// again, as glibc does for a thread that exits). Why (issue 9, row F): an idle pane's
/// reader kept the pages its deepest parse touched. Linux with glibc only.
#[inline(never)]
fn release_unused_stack() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const PAGE: usize = 4096;
        let marker = 0u8;
        // The current frame; 1 KiB below it is kept for this function's own frame, the
        // `madvise` wrapper's and the red zone (128 bytes).
        let sp = std::hint::black_box(&marker) as *const u8 as usize;
        // SAFETY: pthread_getattr_np fills `attr` for the calling thread, which is then read
        // and destroyed; madvise only drops pages below the current frame, which hold no live
        // data (the stack grows down).
        unsafe {
            let mut attr: libc::pthread_attr_t = std::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
                return;
            }
            let mut low: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let got = libc::pthread_attr_getstack(&attr, &mut low, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            if got != 0 {
                return;
            }
            let start = (low as usize).div_ceil(PAGE) * PAGE;
            let end = sp.saturating_sub(1024) / PAGE * PAGE;
            if end > start && sp < low as usize + size {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

fn reader_loop(
    pane: &Pane,
    observer: &Observer,
    activity: &tokio::sync::Notify,
    waiter: Option<mpsc::Sender<()>>,
) {
    let exit = read_output(pane, observer, activity, waiter);
    pane.io.reader_done.store(true, Ordering::Release);
    // `pipe-pane`: no more output.
    if let Some(t) = pane.set_tap(None) {
        t.end();
    }
    finish_exit(pane, observer, exit);
}

/// Reads and parses output until the pane closes or the output ends (with the exit recorded
/// by then if it came); returns what is left to do about the process's exit.
fn read_output(
    pane: &Pane,
    observer: &Observer,
    activity: &tokio::sync::Notify,
    waiter: Option<mpsc::Sender<()>>,
) -> ExitWatch {
    // Linux nice values are per thread.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), READER_NICE);
    let grace = Duration::from_millis(DRAIN_GRACE_MS);
    let mut exit = match waiter {
        Some(done) => ExitWatch::Waiter(done),
        None => ExitWatch::Running,
    };
    let pidfd = pane.pidfd.as_ref();
    // The buffer exists only while output flows: an idle pane holds none.
    let mut ahead = ReadAhead::default();
    let mut notes = ChunkNotes::default();
    let mut budget = SliceBudget::default();
    let mut eof = false;
    let mut stack_trimmed = false;
    loop {
        let closed = pane.is_closed();
        if !(closed || eof) || !ahead.unparsed().is_empty() {
            // One turn under a permit of the parse gate: read and parse up to PUBLISH_BYTES.
            // Reading only in a turn keeps the programs of panes waiting for their turn
            // blocked in `write(2)` (their PTY is full) instead of competing for the CPU
            // with the requests and the panes being served.
            let permit = gate::global().acquire();
            let started = Instant::now();
            let mut turn = 0;
            loop {
                // Top up before every slice: the writer finds room while we parse.
                if !(closed || eof) && ahead.fill(pane.io.fd.as_fd()) == Fill::Eof {
                    eof = true;
                }
                let rest = ahead.unparsed();
                if rest.is_empty() {
                    break;
                }
                let end = budget.end(rest, 0).min(SLICE_MAX);
                let took = parse_slice(pane, &rest[..end], &mut notes);
                budget.adapt(took);
                ahead.parsed += end;
                turn += end;
                if turn >= PUBLISH_BYTES || started.elapsed() >= TURN_MAX {
                    break;
                }
            }
            drop(permit);
            if turn > 0 {
                stack_trimmed = false;
            }
            if ahead.parsed > ahead.published {
                publish(pane, observer, activity, &mut ahead, &mut notes);
                // Output that never stops (a background process that outlives the pane's
                // process) must not hold back the exit: look at it between turns.
                exit = check_exit(pane, observer, exit, pidfd);
            }
            if !ahead.unparsed().is_empty() {
                continue;
            }
        }
        // All read is parsed and published, and the PTY had nothing at the last look.
        ahead = ReadAhead::default();
        if closed {
            break;
        }
        match &exit {
            ExitWatch::Waiter(_) | ExitWatch::Done => {
                if eof {
                    break;
                }
                wait_input(&pane.io, true, None, None);
            }
            ExitWatch::Running => {
                // After a burst of output, the first wait has a deadline: once the pane has
                // been idle that long, the stack pages the parse used are given back.
                let idle = (!stack_trimmed).then(|| Duration::from_millis(IDLE_TRIM_MS));
                let since = Instant::now();
                let exited = wait_input(&pane.io, !eof, pidfd, idle);
                if !stack_trimmed && since.elapsed() >= Duration::from_millis(IDLE_TRIM_MS) {
                    release_unused_stack();
                    stack_trimmed = true;
                }
                if exited {
                    if let Some(fd) = pidfd {
                        let info = reap(fd);
                        pane.reaped.store(true, Ordering::Release);
                        exit = ExitWatch::Reaped(info, Instant::now() + grace);
                    }
                }
            }
            ExitWatch::Reaped(info, deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if eof || left.is_zero() {
                    pane.record_exit(info.clone(), observer);
                    exit = ExitWatch::Done;
                    continue;
                }
                wait_input(&pane.io, true, None, Some(left));
            }
        }
    }
    exit
}

/// Between read passes: reaps the process if it exited (without blocking), and records the
/// exit once its drain grace is over.
// Not inlined: its locals live in its own frame, below the reader loop's, so that an idle
// reader's stack above the pages `release_unused_stack` gives back stays small.
#[inline(never)]
fn check_exit(
    pane: &Pane,
    observer: &Observer,
    exit: ExitWatch,
    pidfd: Option<&OwnedFd>,
) -> ExitWatch {
    match exit {
        ExitWatch::Running => {
            let Some(fd) = pidfd else {
                return ExitWatch::Running;
            };
            let mut fds = [PollFd::new(fd, PollFlags::IN)];
            let zero = rustix::event::Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            match rustix::event::poll(&mut fds, Some(&zero)) {
                Ok(n) if n > 0 => {
                    let info = reap(fd);
                    pane.reaped.store(true, Ordering::Release);
                    ExitWatch::Reaped(info, Instant::now() + Duration::from_millis(DRAIN_GRACE_MS))
                }
                _ => ExitWatch::Running,
            }
        }
        ExitWatch::Reaped(info, deadline) if Instant::now() >= deadline => {
            pane.record_exit(info, observer);
            ExitWatch::Done
        }
        other => other,
    }
}

/// After the output: the exit is still recorded when it comes (the pane was closed, or its
/// output ended before its process).
fn finish_exit(pane: &Pane, observer: &Observer, exit: ExitWatch) {
    let pidfd = pane.pidfd.as_ref();
    match exit {
        ExitWatch::Waiter(done) => {
            let _ = done.send(());
        }
        ExitWatch::Running => {
            if let Some(fd) = pidfd {
                let mut fds = [PollFd::new(fd, PollFlags::IN)];
                while rustix::event::poll(&mut fds, None).is_err() {}
                let info = reap(fd);
                pane.reaped.store(true, Ordering::Release);
                pane.record_exit(info, observer);
            }
        }
        ExitWatch::Reaped(info, _) => pane.record_exit(info, observer),
        ExitWatch::Done => {}
    }
}

/// Hands the output parsed since the last call to everyone who follows it: the new output
/// sequence number to waiters, a wake-up to attached clients, the raw bytes to the transcript,
/// `pipe-pane` and control-mode clients, then the bell, title and report notes.
// Not inlined: its locals live in its own frame, below the reader loop's, so that an idle
// reader's stack above the pages `release_unused_stack` gives back stays small.
#[inline(never)]
fn publish(
    pane: &Pane,
    observer: &Observer,
    activity: &tokio::sync::Notify,
    ahead: &mut ReadAhead,
    notes: &mut ChunkNotes,
) {
    let bytes = &ahead.buf[ahead.published..ahead.parsed];
    ahead.published = ahead.parsed;
    pane.seq_tx.send_replace(notes.seq);
    activity.notify_waiters();
    {
        let mut logger = lock(&pane.logger);
        if let Some(l) = logger.as_mut() {
            if let Err(e) = l.write(bytes) {
                tracing::warn!(pane = %pane.id, "transcript stopped: {e}");
                *logger = None;
            }
        }
    }
    if let Some(t) = pane.tap() {
        t.output(bytes);
    }
    for w in lock(&pane.watchers).iter().filter(|w| w.active()) {
        w.output(bytes);
    }
    let notes = std::mem::take(notes);
    if notes.bells {
        observer(pane.id, PaneNote::Bell);
    }
    if let Some(t) = notes.title {
        observer(pane.id, PaneNote::Title(t));
    }
    if let Some(r) = notes.report {
        observer(pane.id, PaneNote::Reported(r));
    }
    for c in notes.clips {
        let note = match c {
            crate::screen::Clip::Set(d) => PaneNote::Clipboard(d),
            crate::screen::Clip::Query { bel } => PaneNote::ClipboardQuery { bel },
        };
        observer(pane.id, note);
    }
    if let Some(n) = notes.rename {
        observer(pane.id, PaneNote::Rename(n));
    }
}

/// How much one parse slice may hold: bytes, and escape sequences (one sequence can cost far
/// more than its bytes: `CSI 65535 b` prints 65,535 characters, `CSI 2 J` clears the whole
/// screen). Both adapt to the time the previous slice took, aiming at [`SLICE_TARGET`].
#[derive(Debug, Clone, Copy)]
struct SliceBudget {
    bytes: usize,
    escapes: usize,
}

impl Default for SliceBudget {
    fn default() -> Self {
        SliceBudget {
            bytes: 16 * 1024,
            escapes: 64,
        }
    }
}

const SLICE_MAX_ESCAPES: usize = 4096;

impl SliceBudget {
    /// End of the slice of `buf` starting at `off`: at most `bytes` bytes, and it stops before
    /// the escape sequence past `escapes` (at least one byte).
    fn end(&self, buf: &[u8], off: usize) -> usize {
        let max_end = buf.len().min(off + self.bytes);
        memchr::memchr_iter(0x1b, &buf[off + 1..max_end])
            .nth(self.escapes - 1)
            .map_or(max_end, |p| off + 1 + p)
    }

    fn adapt(&mut self, took: Duration) {
        if took > SLICE_TARGET * 2 {
            self.bytes = (self.bytes / 2).max(SLICE_MIN);
            self.escapes = (self.escapes / 2).max(1);
        } else if took < SLICE_TARGET / 2 {
            self.bytes = (self.bytes * 2).min(READ_CHUNK);
            self.escapes = (self.escapes * 2).min(SLICE_MAX_ESCAPES);
        }
    }
}

/// Parses one slice under the pane lock (the caller holds a permit of the parse gate); returns
/// the time the lock was held.
// Not inlined: its locals live in its own frame, below the reader loop's, so that an idle
// reader's stack above the pages `release_unused_stack` gives back stays small.
#[inline(never)]
fn parse_slice(pane: &Pane, bytes: &[u8], notes: &mut ChunkNotes) -> Duration {
    let mut st = pane.state();
    let started = Instant::now();
    let seq_after = st.seq + bytes.len() as u64;
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        st.screen.process(bytes, seq_after)
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
    notes.seq = seq_after;
    if changes.bells > 0 {
        st.bell = true;
        notes.bells = true;
    }
    if changes.title {
        notes.title = Some(st.screen.title().to_owned());
    }
    if let Some(r) = st.screen.take_report() {
        notes.report = Some(r);
    }
    for c in st.screen.take_clips() {
        if notes.clips.len() >= crate::screen::MAX_CLIPS {
            notes.clips.remove(0);
        }
        notes.clips.push(c);
    }
    if let Some(n) = st.screen.take_rename() {
        notes.rename = Some(n);
    }
    let replies = st.screen.take_replies();
    let took = started.elapsed();
    MutexGuard::unlock_fair(st);
    if let Some(bytes) = replies {
        pane.queue_reply(bytes);
    }
    took
}

fn wait_child(mut child: Box<dyn Child + Send + Sync>) -> ExitInfo {
    match child.wait() {
        Ok(st) => exit_info(&st),
        Err(e) => ExitInfo {
            code: None,
            signal: Some(format!("unknown ({e})")),
        },
    }
}

/// An exit status as the server reports it (a signal by its `strsignal` name).
fn exit_info(st: &portable_pty::ExitStatus) -> ExitInfo {
    match st.signal() {
        Some(sig) => ExitInfo {
            code: None,
            signal: Some(sig.to_string()),
        },
        None => ExitInfo {
            code: Some(st.exit_code() as i32),
            signal: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ahead_keeps_order_stays_bounded_and_sees_the_end() {
        use std::io::Write;
        let (mut w, r) = std::os::unix::net::UnixStream::pair().unwrap();
        r.set_nonblocking(true).unwrap();
        w.set_nonblocking(true).unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut ahead = ReadAhead::default();
        assert_eq!(ahead.fill(r.as_fd()), Fill::Empty);
        let (mut sent, mut got) = (0, Vec::new());
        let mut step = 0;
        while got.len() < data.len() {
            if let Ok(n) = w.write(&data[sent..]) {
                sent += n;
            }
            assert_ne!(ahead.fill(r.as_fd()), Fill::Eof);
            assert!(ahead.buf.len() <= READ_CHUNK);
            // "Parse" a varying amount, publish every other step (as turns do).
            let n = ahead.unparsed().len().min(1 + step % 20_000);
            got.extend_from_slice(&ahead.unparsed()[..n]);
            ahead.parsed += n;
            if step % 2 == 0 {
                ahead.published = ahead.parsed;
            }
            step += 7919;
        }
        assert_eq!(got, data);
        drop(w);
        assert_eq!(ahead.fill(r.as_fd()), Fill::Eof);
    }

    #[test]
    fn slices_stop_at_the_escape_budget() {
        let b = SliceBudget {
            bytes: 100,
            escapes: 2,
        };
        let buf = b"\x1b[2J\x1b[2J\x1b[2Jabc";
        assert_eq!(b.end(buf, 0), 8);
        assert_eq!(b.end(buf, 8), buf.len());
        let plain = [b'x'; 300];
        assert_eq!(b.end(&plain, 0), 100);
        assert_eq!(b.end(&plain, 250), 300);
    }
}
