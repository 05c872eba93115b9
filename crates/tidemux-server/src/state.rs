//! The server's shared state, passed explicitly (no globals) to every handler.

use crate::commands::waitfor::Channels;
use crate::registry::{Registry, Removed};
use crate::sync::lock;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tidemux_proto::PaneId;
use tokio::sync::watch;

/// Shared server state.
#[derive(Debug)]
pub struct ServerState {
    /// Socket path the server listens on.
    pub socket: PathBuf,
    /// Server pid.
    pub pid: u32,
    registry: Mutex<Registry>,
    /// wait-for channels.
    pub channels: Mutex<Channels>,
    shutdown: watch::Sender<bool>,
}

impl ServerState {
    /// New, empty state.
    pub fn new(socket: PathBuf) -> Arc<Self> {
        Arc::new(Self {
            socket,
            pid: std::process::id(),
            registry: Mutex::new(Registry::default()),
            channels: Mutex::new(Channels::default()),
            shutdown: watch::channel(false).0,
        })
    }

    /// Locks the registry. Lock order: registry before any pane state, never the reverse.
    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        lock(&self.registry)
    }

    /// Asks the server to exit.
    pub fn shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Resolves when shutdown was asked for.
    pub fn shutdown_requested(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Finishes a removal outside the registry lock: hangs up removed panes, resizes the rest,
    /// and exits the server when the last session is gone (tmux `exit-empty`).
    pub fn finish_removal(&self, removed: Removed, sessions_left: usize) {
        for p in &removed.panes {
            p.kill();
        }
        for (p, rows, cols) in removed.resized {
            p.resize(rows, cols);
        }
        if sessions_left == 0 {
            self.shutdown();
        }
    }

    /// Called by a pane's waiter thread when its process exited: the pane closes unless its
    /// session has remain-on-exit.
    pub fn pane_exited(self: &Arc<Self>, id: PaneId) {
        let (removed, left) = {
            let mut reg = self.registry();
            let Ok(entry) = reg.pane(id) else { return };
            let remain = reg
                .window(entry.window)
                .and_then(|w| reg.session(w.session))
                .map(|s| s.remain_on_exit)
                .unwrap_or(false);
            if remain {
                return;
            }
            let mut removed = Removed::default();
            reg.remove_pane(id, &mut removed);
            (removed, reg.sessions.len())
        };
        tracing::info!(pane = %id, "pane exited");
        self.finish_removal(removed, left);
    }
}
