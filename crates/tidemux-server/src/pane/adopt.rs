//! Panes taken over by a new server binary after a live upgrade (`tidemux upgrade-server`,
//! `docs/continuity.md`): the PTY master and the process already exist (the process is still
//! a child of this pid, which `execve` kept), the screen comes from the old binary's state.
//!
//! [`Pane::adopt`] builds the pane around them and starts the same reader and writer threads
//! as [`Pane::spawn`]; the waiter waits for the process by pid (`waitpid`), since there is no
//! `portable_pty::Child` for it.

use super::{reader_loop, Io, Observer, Pane, PaneState, Queue, SpawnError, DRAIN_GRACE_MS};
use crate::screen::Screen;
use parking_lot::Mutex as FairMutex;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tidemux_proto::{ExitInfo, PaneId};
use tokio::sync::watch;

/// What a pane needs to carry on in a new server binary.
#[derive(Debug)]
pub struct Adopted {
    /// The pane's id (kept across the upgrade).
    pub id: PaneId,
    /// The PTY master, inherited across `execve`.
    pub fd: OwnedFd,
    /// The process (still our child).
    pub pid: Option<u32>,
    /// Path of the terminal (`/dev/pts/N`).
    pub tty: Option<PathBuf>,
    /// argv joined by spaces, for listings.
    pub command: String,
    /// The screen, rebuilt from the saved state.
    pub screen: Screen,
    /// Output sequence number.
    pub seq: u64,
    /// Set when the process had already exited (a pane kept by remain-on-exit): no waiter.
    pub exit: Option<ExitInfo>,
    /// Attention flag and message.
    pub attention: Option<String>,
    /// A bell rang since the pane was last selected.
    pub bell: bool,
    /// Woken after every parsed slice of output (the session's attached clients).
    pub activity: Arc<tokio::sync::Notify>,
}

/// Signals the pane's process by pid (the adopted pane's stand-in for portable-pty's killer).
#[derive(Debug, Clone, Copy)]
pub(super) struct PidKiller(pub(super) Option<u32>);

impl portable_pty::ChildKiller for PidKiller {
    fn kill(&mut self) -> std::io::Result<()> {
        use rustix::process::{kill_process, Pid, Signal};
        if let Some(pid) = self.0.and_then(|p| Pid::from_raw(p as i32)) {
            kill_process(pid, Signal::HUP)?;
        }
        Ok(())
    }

    fn clone_killer(&self) -> Box<dyn portable_pty::ChildKiller + Send + Sync> {
        Box::new(*self)
    }
}

/// Waits for our child `pid` and describes how it ended, as portable-pty does for spawned
/// panes. A process that is no longer our child (reaped by the old binary's waiter between the
/// state's capture and `execve`) ends with signal `unknown (...)`.
pub(super) fn wait_pid(pid: u32) -> ExitInfo {
    use std::os::unix::process::ExitStatusExt;
    let Some(p) = rustix::process::Pid::from_raw(pid as i32) else {
        return ExitInfo {
            code: None,
            signal: Some("unknown (no process id)".into()),
        };
    };
    loop {
        match rustix::process::waitpid(Some(p), rustix::process::WaitOptions::empty()) {
            Ok(Some((_, status))) => {
                let st = std::process::ExitStatus::from_raw(status.as_raw());
                let st = portable_pty::ExitStatus::from(st);
                return match st.signal() {
                    Some(sig) => ExitInfo {
                        code: None,
                        signal: Some(sig.to_string()),
                    },
                    None => ExitInfo {
                        code: Some(st.exit_code() as i32),
                        signal: None,
                    },
                };
            }
            Ok(None) | Err(rustix::io::Errno::INTR) => continue,
            Err(e) => {
                return ExitInfo {
                    code: None,
                    signal: Some(format!("unknown ({e}; reaped during an upgrade)")),
                }
            }
        }
    }
}

impl Pane {
    /// A pane around an inherited PTY master and a running (or exited) process, with its
    /// reader started as [`Pane::spawn`] starts it (reaping through a pidfd, else a waiter
    /// thread). The descriptor is made close-on-exec again.
    ///
    /// # Errors
    /// [`SpawnError::Pty`] when the descriptor cannot be configured or a thread cannot start
    /// (the descriptor is closed then; the process is left alone).
    pub fn adopt(a: Adopted, observer: Observer) -> Result<Arc<Pane>, SpawnError> {
        let pty = |e: rustix::io::Errno| SpawnError::Pty(e.to_string());
        rustix::io::fcntl_setfd(&a.fd, rustix::io::FdFlags::CLOEXEC).map_err(pty)?;
        let flags = rustix::fs::fcntl_getfl(&a.fd).map_err(pty)?;
        rustix::fs::fcntl_setfl(&a.fd, flags | rustix::fs::OFlags::NONBLOCK).map_err(pty)?;
        let close = rustix::event::eventfd(
            0,
            rustix::event::EventfdFlags::CLOEXEC | rustix::event::EventfdFlags::NONBLOCK,
        )
        .map_err(pty)?;
        let io = Arc::new(Io {
            id: a.id,
            fd: a.fd,
            close,
            closed: AtomicBool::new(false),
            queue: Mutex::new(Queue::default()),
            reader_done: AtomicBool::new(false),
        });
        let exited = a.exit.is_some();
        // Only a process not yet reaped may be opened by pid: an exited pane's pid may belong
        // to someone else by now.
        let pidfd = if exited {
            None
        } else {
            a.pid
                .and_then(|p| rustix::process::Pid::from_raw(p as i32))
                .and_then(|p| {
                    rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()).ok()
                })
        };
        let (seq_tx, _) = watch::channel(a.seq);
        let pane = Arc::new(Pane {
            id: a.id,
            command: a.command,
            pid: a.pid,
            tty: a.tty,
            state: FairMutex::new(PaneState {
                screen: a.screen,
                seq: a.seq,
                exit: a.exit,
                run: Default::default(),
                attention: a.attention,
                bell: a.bell,
                output_event: (a.seq, std::time::Instant::now()),
                sampled_at: std::time::Instant::now(),
            }),
            io: Arc::clone(&io),
            killer: Mutex::new(Box::new(PidKiller(a.pid))),
            pidfd,
            reaped: AtomicBool::new(exited),
            seq_tx,
            logger: Mutex::new(None),
            tap: Mutex::new(None),
            watchers: Mutex::new(Vec::new()),
            // An exited pane's exit was handled by the old binary already.
            exit_claimed: AtomicBool::new(exited),
        });
        if exited {
            io.close_input(&format!("pane {} exited", a.id));
        }
        let name = |role: &str| format!("pane-{}-{role}", a.id);
        let spawn_err = |e: std::io::Error| {
            pane.close();
            SpawnError::Pty(e.to_string())
        };
        let p = Arc::clone(&pane);
        let obs = Arc::clone(&observer);
        let activity = Arc::clone(&a.activity);
        match (exited, pane.pidfd.is_some(), a.pid) {
            (false, false, Some(pid)) => {
                // No pidfd: a waiter thread waits for the pid, as for spawned panes.
                let (done_tx, done_rx) = mpsc::channel::<()>();
                std::thread::Builder::new()
                    .name(name("reader"))
                    .stack_size(super::THREAD_STACK)
                    .spawn(move || reader_loop(&p, &obs, &activity, Some(done_tx)))
                    .map_err(spawn_err)?;
                let p = Arc::clone(&pane);
                std::thread::Builder::new()
                    .name(name("waiter"))
                    .stack_size(super::THREAD_STACK)
                    .spawn(move || {
                        let exit = wait_pid(pid);
                        p.reaped.store(true, Ordering::Release);
                        let _ = done_rx.recv_timeout(Duration::from_millis(DRAIN_GRACE_MS));
                        p.record_exit(exit, &observer);
                    })
                    .map_err(spawn_err)?;
            }
            _ => {
                std::thread::Builder::new()
                    .name(name("reader"))
                    .stack_size(super::THREAD_STACK)
                    .spawn(move || reader_loop(&p, &obs, &activity, None))
                    .map_err(spawn_err)?;
            }
        }
        Ok(pane)
    }

    /// The PTY master, for a live upgrade to pass on across `execve`.
    pub fn master_fd(&self) -> BorrowedFd<'_> {
        self.io.fd.as_fd()
    }

    /// Whether the reader thread has stopped (it stops after [`Pane::close`], once the chunk
    /// it was parsing is in the screen, or at the end of the output). Whatever the PTY holds
    /// beyond that is still unread in the kernel.
    pub fn reader_stopped(&self) -> bool {
        self.io.reader_done.load(Ordering::Acquire)
    }
}
