//! The socket: bind (replacing a stale socket), accept, check the peer's uid, run, shut down.

use crate::connection;
use crate::state::ServerState;
use interprocess::local_socket::tokio::prelude::*;
use interprocess::local_socket::{GenericFilePath, ListenerOptions};
use interprocess::os::unix::local_socket::ListenerOptionsExt;
use rustix::fd::AsFd;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Socket path to listen on.
    pub socket: PathBuf,
    /// Where to write snapshots (`None`: never; see [`crate::snapshot`]).
    pub snapshot: Option<PathBuf>,
    /// Sessions to rebuild before listening (`tidemux resurrect`).
    pub resurrect: Option<crate::snapshot::format::Snapshot>,
    /// Started through the tmux name (issue 12): panes get `$TMUX`, and tmux's config files
    /// are read before listening.
    pub tmux: Option<crate::lang::config::TmuxStart>,
    /// Set when this process continues a server after a live upgrade
    /// ([`crate::upgrade::Start::from_env`]): the model, the panes and the listening socket
    /// come from the old binary.
    pub upgrade: Option<crate::upgrade::Start>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another server answers on the socket.
    #[error("a server is already running on {0}")]
    AlreadyRunning(PathBuf),
    /// The snapshot could not be restored (nothing was).
    #[error("cannot resurrect: {0}")]
    Resurrect(String),
    /// A live upgrade could not complete and the old binary could not take over again.
    #[error("live upgrade failed: {0}")]
    Upgrade(String),
    /// Binding or preparing the socket failed.
    #[error("cannot listen on {path}: {source}")]
    Bind {
        /// Socket path.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
}

/// Removes a socket file left by a dead server; refuses if a server answers.
fn clear_stale(path: &Path) -> Result<(), StartError> {
    if !path.exists() {
        return Ok(());
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err(StartError::AlreadyRunning(path.to_owned())),
        Err(_) => {
            tracing::info!(socket = %path.display(), "removing stale socket");
            std::fs::remove_file(path).map_err(|source| StartError::Bind {
                path: path.to_owned(),
                source,
            })
        }
    }
}

/// Runs a server on `config.socket` until its last session ends or `kill-server`.
/// Blocks the calling thread (it builds its own tokio runtime).
///
/// # Errors
/// [`StartError`] when the socket cannot be bound.
pub fn run(config: ServerConfig) -> Result<(), StartError> {
    let path = config.socket.clone();
    let bind_err = |source| StartError::Bind {
        path: path.clone(),
        source,
    };
    let upgrading = config.upgrade.is_some();
    if let Some(dir) = path.parent().filter(|_| !upgrading) {
        // Only a directory created here is made private (mode 0700 at mkdir); an existing one
        // is never chmodded (the client checks the per-user directory, see paths.rs).
        if !dir.as_os_str().is_empty() && std::fs::symlink_metadata(dir).is_err() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(bind_err)?;
        }
    }
    if !upgrading {
        clear_stale(&path)?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tidemux-rt")
        // Parsing yields a CPU to the runtime while it has work (pane/gate.rs).
        .on_thread_unpark(|| crate::pane::gate::worker_busy(true))
        .on_thread_park(|| crate::pane::gate::worker_busy(false))
        .enable_all()
        .build()
        .map_err(bind_err)?;
    let state = ServerState::new(path.clone());
    {
        let _guard = rt.enter();
        crate::hooks::start(&state);
    }
    // After a live upgrade: the model and the listening socket come from the old binary.
    let inherited = match &config.upgrade {
        Some(start) => {
            let _guard = rt.enter();
            Some(crate::upgrade::restore(&state, start).map_err(StartError::Upgrade)?)
        }
        None => None,
    };
    if let Some(snap) = config.resurrect.as_ref().filter(|_| !upgrading) {
        let _guard = rt.enter();
        let n = crate::snapshot::restore::restore(&state, snap).map_err(StartError::Resurrect)?;
        tracing::info!(
            sessions = n.sessions,
            windows = n.windows,
            panes = n.panes,
            "resurrected"
        );
    }
    let result = rt.block_on(async {
        if upgrading && config.tmux.is_some() {
            // After a live upgrade the config files were read already (by the first binary).
            state.tmux.enable();
        } else if let Some(start) = &config.tmux {
            // Before listening: the client that started us shows what we print here.
            for e in crate::lang::config::load_config(&state, start).await {
                eprintln!("{e}");
            }
        }
        let name = path
            .as_path()
            .to_fs_name::<GenericFilePath>()
            .map_err(bind_err)?;
        let listener = match inherited {
            Some(fd) => LocalSocketListener::from(
                interprocess::os::unix::uds_local_socket::tokio::Listener::try_from(fd)
                    .map_err(bind_err)?,
            ),
            None => {
                let l = ListenerOptions::new()
                    .name(name)
                    .mode(0o600)
                    .create_tokio()
                    .map_err(bind_err)?;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(bind_err)?;
                l
            }
        };
        tracing::info!(socket = %path.display(), pid = std::process::id(), "server listening");
        let monitor = tokio::spawn(crate::monitor::run(Arc::clone(&state)));
        let snapshots = config
            .snapshot
            .clone()
            .map(|p| tokio::spawn(crate::snapshot::writer(Arc::clone(&state), p)));
        // Accepting runs as a task on the runtime's workers, not here on the thread that
        // blocks on the runtime: a worker that sees the listener readable accepts and starts
        // the connection's task itself (tokio runs a task spawned from a worker next, on that
        // worker). Accepting here cost every connection two thread wake-ups (worker -> this
        // thread -> a worker) before its hello was read (issue 9, CLI one-shots).
        let accepting = tokio::spawn(accept_loop(Arc::clone(&state), listener));
        let (listener, upgrade) = match accepting.await {
            Ok(r) => r,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        if let Some(binary) = upgrade {
            // Live upgrade: keep the socket (new clients wait in its backlog), tell requests
            // in progress and attached clients, then switch binaries outside the runtime.
            monitor.abort();
            if let Some(s) = &snapshots {
                s.abort();
            }
            crate::upgrade::prepare(&state).await;
            return Ok(Some((listener, binary)));
        }
        // Unlink the socket while still listening, then close without letting interprocess
        // unlink it again. While we listen, a new server's stale-socket check finds us alive and
        // never removes the path; once we have unlinked it, the path is free for a new server and
        // closing our descriptor no longer touches it. (interprocess's own reclaim closes first
        // and unlinks after: a new server bound in between lost its socket.)
        let mut listener = listener;
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(socket = %path.display(), "cannot remove the socket: {e}");
        }
        listener.do_not_reclaim_name_on_drop();
        drop(listener);
        // Attached clients are told `server exited` before their panes hang up (bounded:
        // a client that does not read is given up after the write timeout).
        let deadline = tokio::time::Instant::now() + crate::upgrade::NOTIFY_GRACE;
        while !crate::sync::lock(&state.clients).all_told()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        monitor.abort();
        if let Some(s) = snapshots {
            s.abort();
        }
        Ok(None)
    });
    let result = match result {
        Ok(Some((listener, binary))) => {
            let interprocess::local_socket::tokio::Listener::UdSocket(uds) = &listener;
            let why = crate::upgrade::exec(&state, uds.as_fd(), &binary);
            // Only when neither binary could take over: the panes cannot be served any more.
            tracing::error!("upgrade: {why}; the server exits");
            Err(StartError::Upgrade(why))
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    // Shut down: hang up every pane, remove the socket.
    let panes: Vec<_> = state
        .registry()
        .panes
        .values()
        .map(|e| Arc::clone(&e.pane))
        .collect();
    for p in panes {
        p.kill_hard();
    }
    // Test hook: widen the window between closing the listener and the end of the exit, so
    // that tests can start a new server inside it (see docs/architecture.md, "Test hooks").
    if let Some(ms) = std::env::var("TIDEMUX_TEST_EXIT_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    // The socket file is already gone: it was unlinked while the listener was still open, the
    // moment the accept loop ended. Removing the path again here would delete the socket of a
    // new server started since (`kill-server` replies before this server is done).
    tracing::info!("server exiting");
    rt.shutdown_background();
    result
}

/// Counts open connections; the count drops when the guard does.
struct ConnGuard(Arc<AtomicUsize>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// At most one log line per [`LOG_EVERY`] for a repeated condition; the next line says how
/// many were left out.
struct RateLimited {
    last: Option<std::time::Instant>,
    suppressed: u64,
}

/// Minimum time between two log lines about the same repeated condition.
const LOG_EVERY: Duration = Duration::from_secs(10);

impl RateLimited {
    fn new() -> Self {
        Self {
            last: None,
            suppressed: 0,
        }
    }

    /// Whether to log now; if so, also how many occurrences were not logged since.
    fn allow(&mut self) -> Option<u64> {
        let now = std::time::Instant::now();
        if self.last.is_some_and(|t| now.duration_since(t) < LOG_EVERY) {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

/// First and longest pause after a failed `accept` (EMFILE and the like), doubling between.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(5), Duration::from_secs(1));

/// Accepts until shutdown (`None`) or until a live upgrade asks for a binary (`Some`); gives
/// the listener back.
async fn accept_loop(
    state: Arc<ServerState>,
    listener: LocalSocketListener,
) -> (LocalSocketListener, Option<PathBuf>) {
    let upgrade = accept_until_done(&state, &listener).await;
    (listener, upgrade)
}

async fn accept_until_done(
    state: &Arc<ServerState>,
    listener: &LocalSocketListener,
) -> Option<PathBuf> {
    let mut shutdown = state.shutdown_requested();
    let my_uid = rustix::process::geteuid().as_raw();
    let open = Arc::new(AtomicUsize::new(0));
    let cap = crate::limits::max_connections();
    let mut backoff = ACCEPT_BACKOFF.0;
    let mut accept_log = RateLimited::new();
    let mut refuse_log = RateLimited::new();
    let mut uid_log = RateLimited::new();
    loop {
        let conn = tokio::select! {
            c = listener.accept() => c,
            _ = shutdown.wait_for(|s| *s) => return None,
            p = state.upgrade.wanted() => return Some(p),
        };
        let conn = match conn {
            Ok(c) => {
                backoff = ACCEPT_BACKOFF.0;
                c
            }
            Err(e) => {
                // Out of descriptors (EMFILE/ENFILE) or memory: the pending connection stays
                // queued, so retrying at once would spin. Pause, doubling up to a second, and
                // log once per LOG_EVERY.
                if let Some(skipped) = accept_log.allow() {
                    tracing::warn!(
                        skipped,
                        pause_ms = backoff.as_millis() as u64,
                        "accept failed: {e}; pausing before the next accept"
                    );
                }
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = shutdown.wait_for(|s| *s) => return None,
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
                continue;
            }
        };
        match conn.peer_creds().map(|c| c.euid()) {
            Ok(Some(uid)) if uid == my_uid => {}
            other => {
                if let Some(skipped) = uid_log.allow() {
                    tracing::warn!(
                        ?other,
                        my_uid,
                        skipped,
                        "refused a connection from another uid"
                    );
                }
                continue;
            }
        }
        let n = open.fetch_add(1, Ordering::Relaxed) + 1;
        let guard = ConnGuard(Arc::clone(&open));
        if n > cap {
            if let Some(skipped) = refuse_log.allow() {
                tracing::warn!(
                    open = n - 1,
                    cap,
                    skipped,
                    "connection limit reached; refusing a client"
                );
            }
            tokio::spawn(async move {
                connection::refuse(conn, n - 1).await;
                drop(guard);
            });
            continue;
        }
        // The server is exiting (exit-empty): closed before the hello, the client starts a
        // new server instead of losing its request.
        let Some(fresh) = state.fresh_connection() else {
            drop(conn);
            drop(guard);
            continue;
        };
        let state = Arc::clone(state);
        tokio::spawn(async move {
            connection::serve(state, conn, fresh).await;
            drop(guard);
        });
    }
}
