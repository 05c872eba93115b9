//! The server's shared state, passed explicitly (no globals) to every handler.

use crate::commands::waitfor::Channels;
use crate::events::EventBus;
use crate::pane::{Observer, PaneNote};
use crate::registry::{event, Registry, Removed};
use crate::sync::lock;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tidemux_proto::{Event, EventKind, ExitInfo, PaneId, RunState};
use tokio::sync::watch;

/// How long a pane's note (bell, title, clip, name, report) waits for a new pane to be
/// registered in its window before it is reported anyway, ms (see `wait_registered`).
pub const REGISTER_WAIT_MS: u64 = 200;

/// Shared server state.
#[derive(Debug)]
pub struct ServerState {
    /// Socket path the server listens on.
    pub socket: PathBuf,
    /// Server pid.
    pub pid: u32,
    /// When the server started, Unix seconds (tmux `#{start_time}`); a live upgrade carries
    /// it over (`crate::upgrade`).
    pub started: std::sync::atomic::AtomicU64,
    registry: Mutex<Registry>,
    /// wait-for -L/-U channel locks.
    pub locks: Mutex<crate::commands::waitlock::Locks>,
    /// wait-for channels.
    pub channels: Mutex<Channels>,
    /// The event log.
    pub events: EventBus,
    /// Bumped on every change of the model (layout, windows, names, attention): attached
    /// clients recompute what they show.
    pub model: watch::Sender<u64>,
    /// Attached clients.
    pub clients: Mutex<crate::commands::attach::Clients>,
    /// Held while window sizes are recalculated (`commands::resize`), before any other lock:
    /// one calculation at a time.
    pub recalc: Mutex<()>,
    /// Scheduled requests (`send --after`, `schedule list`).
    pub schedules: Mutex<crate::commands::schedule::Schedules>,
    /// Environments (`set-environment`). Lock order: registry, options, environment, buffers.
    pub environment: Mutex<crate::environ::Environment>,
    /// Paste buffers. Lock order: registry, options, then buffers.
    pub buffers: Mutex<crate::buffers::Buffers>,
    /// Options (`set-option`, `show-options`). Lock order: registry, then options.
    pub options_store: Mutex<crate::options::Options>,
    /// `display-message` texts shown on a session's status line, until the instant.
    pub messages:
        Mutex<std::collections::HashMap<tidemux_proto::SessionId, (String, std::time::Instant)>>,
    shutdown: watch::Sender<bool>,
    /// Snapshot support: how each pane was started (see [`crate::snapshot`]).
    pub continuity: crate::snapshot::Continuity,
    /// Set when the server was started through the tmux name (issue 12, [`crate::lang`]).
    pub tmux: crate::lang::TmuxMode,
    /// Live upgrade (`upgrade-server`, see [`crate::upgrade`]).
    pub upgrade: crate::upgrade::Control,
    /// Key tables (`bind-key`). Lock order: after the registry and options.
    pub keys: Mutex<crate::keys::KeyTables>,
    /// Hooks (`set-hook`) and the queue that runs them.
    pub hooks: crate::hooks::Hooks,
    /// Bumped when what attached clients take from the server's configuration changes (key
    /// bindings, options): they fetch it again (`ClientConfig`).
    pub config_version: std::sync::atomic::AtomicU64,
    /// `#(command)` jobs of attached clients' status lines.
    pub status_jobs: crate::format::jobs::Jobs,
    /// Pane modes, disabled input and popups (tmux's server-side pane state, issue 12). A
    /// leaf lock: nothing else is taken while it is held.
    pub pane_modes: Mutex<crate::panemode::PaneModes>,
    /// Connections whose first request is not handled yet ([`Fresh`]): an empty server waits
    /// for them before it exits.
    pub fresh: Mutex<Fresh>,
}

/// Connections accepted whose first request has not been handled yet, and whether the server
/// put off its exit for them. tmux's server does not exit while a client is connected
/// (server.c `server_loop`): a `new-session` that connected just before the last pane exited
/// still runs. Without this, the server exited (`exit-empty`) under such a request and its
/// client failed with "lost connection to the server".
#[derive(Debug, Default)]
pub struct Fresh {
    /// Connections counted ([`ServerState::fresh_connection`]).
    count: usize,
    /// [`crate::commands::behaviour::should_exit`] held while `count` was not 0: the last
    /// connection to be done checks again.
    exit_deferred: bool,
    /// The server decided to exit: connections accepted from now on are closed before the
    /// server's hello, which a client takes for "no server" (and starts one).
    closing: bool,
}

impl Fresh {
    /// Whether no connection is counted; then the server is committed to exiting (callers
    /// shut it down) and serves no further connection. If one is, the exit is put off until
    /// none is.
    pub fn none_or_defer(&mut self) -> bool {
        if self.count == 0 {
            self.closing = true;
            return true;
        }
        self.exit_deferred = true;
        false
    }
}

/// A connection counted in [`ServerState::fresh`] until dropped (after its first request was
/// answered, or when a streaming request took over); the last one dropped stops a server that
/// put off its exit and still [`should_exit`](crate::commands::behaviour::should_exit).
pub struct FreshGuard(Arc<ServerState>);

impl Drop for FreshGuard {
    fn drop(&mut self) {
        let again = {
            let mut f = lock(&self.0.fresh);
            f.count -= 1;
            f.count == 0 && std::mem::take(&mut f.exit_deferred)
        };
        if again && crate::commands::behaviour::should_exit(&self.0) {
            tracing::info!("the last new connection is done: the empty server exits");
            self.0.shutdown();
        }
    }
}

impl ServerState {
    /// Counts a just-accepted connection in [`ServerState::fresh`] until the guard is dropped;
    /// `None` once the server decided to exit (the connection is then closed unanswered).
    pub fn fresh_connection(self: &Arc<Self>) -> Option<FreshGuard> {
        let mut f = lock(&self.fresh);
        if f.closing {
            return None;
        }
        f.count += 1;
        Some(FreshGuard(Arc::clone(self)))
    }

    /// New, empty state.
    pub fn new(socket: PathBuf) -> Arc<Self> {
        Arc::new(Self {
            socket,
            pid: std::process::id(),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .into(),
            registry: Mutex::new(Registry::default()),
            channels: Mutex::new(Channels::default()),
            locks: Mutex::new(Default::default()),
            events: EventBus::default(),
            model: watch::channel(0).0,
            clients: Mutex::new(Default::default()),
            recalc: Mutex::new(()),
            schedules: Mutex::new(Default::default()),
            options_store: Mutex::new(Default::default()),
            buffers: Mutex::new(Default::default()),
            environment: Mutex::new(Default::default()),
            messages: Mutex::new(Default::default()),
            shutdown: watch::channel(false).0,
            continuity: Default::default(),
            tmux: Default::default(),
            upgrade: Default::default(),
            keys: Mutex::new(Default::default()),
            hooks: Default::default(),
            config_version: std::sync::atomic::AtomicU64::new(1),
            status_jobs: Default::default(),
            pane_modes: Mutex::new(Default::default()),
            fresh: Mutex::new(Fresh::default()),
        })
    }

    /// Tells attached clients that bindings or options changed.
    pub fn bump_config(&self) {
        self.config_version
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bump_model();
    }

    /// Locks the registry. Lock order: registry before any pane state, never the reverse.
    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        lock(&self.registry)
    }

    /// Tells attached clients that the model changed.
    pub fn bump_model(&self) {
        self.model.send_modify(|v| *v += 1);
    }

    /// Asks the server to exit.
    pub fn shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Resolves when shutdown was asked for.
    pub fn shutdown_requested(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Finishes a removal outside the registry lock: publishes the events, hangs up removed
    /// panes and resizes the rest. The caller stops the server when no session is left (tmux
    /// `exit-empty`): a request handler only after its reply is written.
    pub fn finish_removal(&self, removed: Removed) {
        {
            let reg = self.registry();
            lock(&self.options_store).retain(
                |s| reg.sessions.contains_key(&s),
                |w| reg.windows.contains_key(&w),
                |p| reg.panes.contains_key(&p),
            );
            lock(&self.messages).retain(|s, _| reg.sessions.contains_key(s));
            lock(&self.environment).retain(|s| reg.sessions.contains_key(&s));
            lock(&self.hooks.store).retain(&reg);
        }
        for e in removed.events {
            self.events.publish(e);
        }
        for p in &removed.panes {
            p.close_and_kill();
        }
        for (p, rows, cols) in removed.resized {
            p.resize(rows, cols);
        }
        crate::commands::behaviour::renumber_windows(self);
        // A session's current window may have changed (aggressive-resize), a window may have
        // lost the winlink a client counted by (tmux `recalculate_sizes` in
        // `server_destroy_session`, `server_kill_window`).
        crate::commands::resize::recalculate_sizes(self);
    }

    /// Publishes an event about a pane, filling in its window and session.
    pub fn pane_event(&self, kind: EventKind, pane: PaneId, fill: impl FnOnce(&mut Event)) {
        let (s, w) = self.registry().owners(pane);
        let mut e = event(kind, s, w, Some(pane));
        fill(&mut e);
        self.events.publish(e);
    }

    /// Waits (at most [`REGISTER_WAIT_MS`], on the pane's reader thread) until pane `id` is in
    /// its window. A new pane's reader starts right after the spawn, before the command that
    /// created it has put it into the registry: a bell, title, OSC 52 clip or `ESC k` name
    /// printed in that moment would otherwise be reported with no window (no flag, attention,
    /// alert or hook context). tmux parses nothing before the window exists. A pane that is
    /// never registered, or already removed, costs its reader this wait per such note.
    fn wait_registered(&self, id: PaneId) {
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_millis(REGISTER_WAIT_MS);
        while self.registry().owners(id).1.is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// The observer given to every pane: turns its notes into events and attention.
    pub fn observer(self: &Arc<Self>) -> Observer {
        let weak = Arc::downgrade(self);
        Arc::new(move |id, note| {
            if let Some(s) = weak.upgrade() {
                s.on_pane_note(id, note);
            }
        })
    }

    fn on_pane_note(self: &Arc<Self>, id: PaneId, note: PaneNote) {
        if !matches!(note, PaneNote::Exited(_)) {
            self.wait_registered(id);
        }
        match note {
            PaneNote::Bell => {
                self.pane_event(EventKind::Bell, id, |_| {});
                self.set_attention(id, Some("bell".into()), false);
            }
            PaneNote::Title(t) => {
                self.pane_event(EventKind::TitleChanged, id, |e| e.message = Some(t))
            }
            PaneNote::Exited(exit) => self.pane_exited(id, exit),
            PaneNote::Clipboard(data) => {
                crate::commands::buffers::pane_set_clipboard(self, id, data)
            }
            PaneNote::ClipboardQuery { bel } => {
                crate::commands::buffers::pane_clipboard_query(self, id, bel)
            }
            PaneNote::Rename(name) => crate::commands::names::program_named(self, id, &name),
            PaneNote::Reported(r) => {
                let pane = self.registry().pane(id).ok().map(|e| Arc::clone(&e.pane));
                let st = match r.state.as_str() {
                    "clear" => Ok(None),
                    s => s.parse::<RunState>().map(Some),
                };
                match (pane, st) {
                    (Some(p), Ok(st)) if st != Some(RunState::Exited) => {
                        crate::commands::orch::apply_report(self, &p, st, r.message)
                    }
                    (_, st) => {
                        tracing::debug!(pane = %id, ?st, "ignored OSC 7734 report");
                    }
                }
            }
        }
    }

    /// Sets (`Some`) or clears (`None`) a pane's attention flag, publishing the change. Setting
    /// an already set flag replaces its message only with `replace` (a bell does not replace a
    /// `notify` message).
    pub fn set_attention(&self, id: PaneId, message: Option<String>, replace: bool) {
        let pane = match self.registry().pane(id) {
            Ok(e) => Arc::clone(&e.pane),
            Err(_) => return,
        };
        let ev = {
            let mut st = pane.state();
            match (&st.attention, message) {
                (None, Some(m)) => {
                    st.attention = Some(m.clone());
                    Some((EventKind::AttentionSet, Some(m)))
                }
                (Some(_), Some(m)) if replace => {
                    st.attention = Some(m.clone());
                    Some((EventKind::AttentionSet, Some(m)))
                }
                (Some(_), None) => {
                    st.attention = None;
                    st.bell = false;
                    Some((EventKind::AttentionCleared, None))
                }
                (None, None) => {
                    st.bell = false;
                    None
                }
                (Some(_), Some(_)) => None,
            }
        };
        self.bump_model();
        if let Some((kind, m)) = ev {
            self.pane_event(kind, id, |e| e.message = m);
        }
    }

    /// Called when a pane's process exited: publishes `pane-exited` and the `exited` state;
    /// the pane closes unless its session has remain-on-exit.
    pub fn pane_exited(self: &Arc<Self>, id: PaneId, exit: ExitInfo) {
        // A pane killed before its process ended: complete its closed record.
        self.registry().closed.set_exit(id, &exit);
        self.pane_event(EventKind::PaneExited, id, |e| e.exit = Some(exit.clone()));
        self.close_exited(id, exit);
    }

    /// A pane whose process exited before the pane entered the model (processes start outside
    /// the registry lock, and a short command can end first): its `pane-exited` event was
    /// published, but the close-or-remain step found no pane. The creator calls this once the
    /// pane is in the model; it does that step now, exactly once.
    pub fn exit_if_early(self: &Arc<Self>, pane: &crate::pane::Pane) {
        let exit = pane.state().exit.clone();
        if let Some(exit) = exit {
            self.close_exited(pane.id, exit);
        }
    }

    /// The `exited` state, then close the pane unless remain-on-exit holds. Once per pane: the
    /// first caller that finds the pane in the model does it.
    fn close_exited(self: &Arc<Self>, id: PaneId, exit: ExitInfo) {
        let pane = {
            let reg = self.registry();
            // The pane in the model must be the one that exited: after `respawn-pane -k` the
            // old process's exit arrives for a pane id that now holds a new, running process.
            match reg.pane(id) {
                Ok(e) if e.pane.state().exit.is_some() && e.pane.claim_exit() => {
                    Arc::clone(&e.pane)
                }
                _ => return,
            }
        };
        {
            let p = &pane;
            let changed = {
                let mut st = p.state();
                let seq = st.seq;
                st.run.observe(RunState::Exited, true, seq)
            };
            if let Some((prev, new)) = changed {
                self.pane_event(EventKind::StateChanged, id, |e| {
                    e.previous_state = Some(prev);
                    e.state = Some(new);
                });
            }
            p.notify_watchers();
        }
        // tmux window_lost_pane: the window of a closing active pane updates its focus.
        let lost;
        let removed = {
            let mut reg = self.registry();
            let Ok(entry) = reg.pane(id) else { return };
            lost = reg
                .windows
                .get(&entry.window)
                .filter(|w| w.active_pane == id)
                .map(|w| w.id);
            let sid = reg.window(entry.window).map(|w| w.session).ok();
            let by_flag = sid
                .and_then(|s| reg.sessions.get(&s))
                .is_some_and(|s| s.remain_on_exit);
            // remain-on-exit: on, or failed (only when the process did not exit 0).
            let by_option = match lock(&self.options_store)
                .effective("remain-on-exit", sid, Some(entry.window), Some(id))
                .as_deref()
            {
                Some("on") => true,
                Some("failed") => exit.code != Some(0),
                _ => false,
            };
            let remain = entry.remain_on_exit || by_flag || by_option;
            // tmux: `pane-died` when the pane stays, `pane-exited` when it closes.
            let ctx = crate::hooks::Context {
                session: sid,
                window: Some(entry.window),
                pane: Some(id),
                client: None,
            };
            let hook = if remain { "pane-died" } else { "pane-exited" };
            self.hooks.fire(hook, ctx);
            if remain {
                return;
            }
            let mut removed = Removed::default();
            reg.remove_pane(id, &mut removed);
            removed
        };
        tracing::info!(pane = %id, "pane exited");
        self.finish_removal(removed);
        self.bump_model();
        // The siblings reflowed: `window-layout-changed` and friends (tmux layout_close_pane).
        crate::hooks::sync_view(self, None, false);
        crate::hooks::focus_update(self, &Vec::from_iter(lost));
        // exit-empty, exit-unattached (tmux server_loop).
        if crate::commands::behaviour::should_exit(self) {
            self.shutdown();
        }
    }
}
