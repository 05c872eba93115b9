//! The socket: bind (replacing a stale socket), accept, check the peer's uid, run, shut down.

use crate::connection;
use crate::state::ServerState;
use interprocess::local_socket::tokio::prelude::*;
use interprocess::local_socket::{GenericFilePath, ListenerOptions};
use interprocess::os::unix::local_socket::ListenerOptionsExt;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Socket path to listen on.
    pub socket: PathBuf,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another server answers on the socket.
    #[error("a server is already running on {0}")]
    AlreadyRunning(PathBuf),
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
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir).map_err(bind_err)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(bind_err)?;
        }
    }
    clear_stale(&path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tidemux-rt")
        .enable_all()
        .build()
        .map_err(bind_err)?;
    let state = ServerState::new(path.clone());
    let result = rt.block_on(async {
        let name = path
            .as_path()
            .to_fs_name::<GenericFilePath>()
            .map_err(bind_err)?;
        let listener = ListenerOptions::new()
            .name(name)
            .mode(0o600)
            .create_tokio()
            .map_err(bind_err)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(bind_err)?;
        tracing::info!(socket = %path.display(), pid = std::process::id(), "server listening");
        let monitor = tokio::spawn(crate::monitor::run(Arc::clone(&state)));
        accept_loop(&state, listener).await;
        monitor.abort();
        Ok(())
    });
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
    // The socket file is already gone: interprocess unlinks it when the listener is dropped,
    // the moment the accept loop ends. Removing the path again here would delete the socket of
    // a new server started since (`kill-server` replies before this server is done).
    tracing::info!("server exiting");
    rt.shutdown_background();
    result
}

async fn accept_loop(state: &Arc<ServerState>, listener: LocalSocketListener) {
    let mut shutdown = state.shutdown_requested();
    let my_uid = rustix::process::geteuid().as_raw();
    loop {
        let conn = tokio::select! {
            c = listener.accept() => c,
            _ = shutdown.wait_for(|s| *s) => return,
        };
        let conn = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                continue;
            }
        };
        match conn.peer_creds().map(|c| c.euid()) {
            Ok(Some(uid)) if uid == my_uid => {}
            other => {
                tracing::warn!(?other, my_uid, "refused a connection from another uid");
                continue;
            }
        }
        let state = Arc::clone(state);
        tokio::spawn(async move { connection::serve(state, conn).await });
    }
}
