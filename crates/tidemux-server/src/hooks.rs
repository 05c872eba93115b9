//! Hooks, after tmux 3.3a (`set-hook`, `show-hooks` in cmd-set-option.c and
//! cmd-show-options.c; firing in notify.c): tmux's hook names ([`HOOKS`]) with their scopes,
//! arrays of command text per scope object (global session, session, global window, window,
//! pane), and one queue that runs them.
//!
//! Firing: server events ([`crate::events::EventBus`] tap: `session-created`,
//! `session-closed`, `session-renamed`, `window-linked`, `window-unlinked`, `window-renamed`,
//! `client-attached`, `client-detached`, `pane-title-changed`), window alerts
//! (`alert-bell`, `alert-activity`, `alert-silence`: `commands::alerts`), pane exits
//! (`pane-exited`, or `pane-died` when the pane remains), and `after-<command>` after a
//! command succeeded ([`after_command`]). Each firing is queued in the order it happened and
//! one task runs the queue, so hooks run once each, in order. The queue holds at most
//! [`QUEUE`] firings; beyond that a firing is dropped with a warning in the server log. As in
//! tmux, commands run by a hook fire no `after-` hooks of their own.

use crate::error::{CmdError, CmdResult};
use crate::registry::Registry;
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tidemux_proto::{Event, EventKind, PaneId, Request, Response, SessionId, WindowId};
use tokio::sync::mpsc;

/// Firings the queue holds before it drops new ones.
pub const QUEUE: usize = 1024;

/// Control-mode notification lines kept for a control client that has not read them yet;
/// a client further behind misses the oldest.
pub const CONTROL_QUEUE: usize = 256;

const SESSION: u8 = 2;
const WINDOW: u8 = 4;
const PANE: u8 = 8;

/// tmux 3.3a's hooks (options-table.c, `OPTIONS_TABLE_*HOOK`) in its order, with their scope
/// bits: session hooks 2, window hooks 4, pane hooks 12 (window or pane).
pub const HOOKS: &[(&str, u8)] = &[
    ("after-bind-key", SESSION),
    ("after-capture-pane", SESSION),
    ("after-copy-mode", SESSION),
    ("after-display-message", SESSION),
    ("after-display-panes", SESSION),
    ("after-kill-pane", SESSION),
    ("after-list-buffers", SESSION),
    ("after-list-clients", SESSION),
    ("after-list-keys", SESSION),
    ("after-list-panes", SESSION),
    ("after-list-sessions", SESSION),
    ("after-list-windows", SESSION),
    ("after-load-buffer", SESSION),
    ("after-lock-server", SESSION),
    ("after-new-session", SESSION),
    ("after-new-window", SESSION),
    ("after-paste-buffer", SESSION),
    ("after-pipe-pane", SESSION),
    ("after-queue", SESSION),
    ("after-refresh-client", SESSION),
    ("after-rename-session", SESSION),
    ("after-rename-window", SESSION),
    ("after-resize-pane", SESSION),
    ("after-resize-window", SESSION),
    ("after-save-buffer", SESSION),
    ("after-select-layout", SESSION),
    ("after-select-pane", SESSION),
    ("after-select-window", SESSION),
    ("after-send-keys", SESSION),
    ("after-set-buffer", SESSION),
    ("after-set-environment", SESSION),
    ("after-set-hook", SESSION),
    ("after-set-option", SESSION),
    ("after-show-environment", SESSION),
    ("after-show-messages", SESSION),
    ("after-show-options", SESSION),
    ("after-split-window", SESSION),
    ("after-unbind-key", SESSION),
    ("alert-activity", SESSION),
    ("alert-bell", SESSION),
    ("alert-silence", SESSION),
    ("client-active", SESSION),
    ("client-attached", SESSION),
    ("client-detached", SESSION),
    ("client-focus-in", SESSION),
    ("client-focus-out", SESSION),
    ("client-resized", SESSION),
    ("client-session-changed", SESSION),
    ("pane-died", WINDOW | PANE),
    ("pane-exited", WINDOW | PANE),
    ("pane-focus-in", WINDOW | PANE),
    ("pane-focus-out", WINDOW | PANE),
    ("pane-mode-changed", WINDOW | PANE),
    ("pane-set-clipboard", WINDOW | PANE),
    ("pane-title-changed", WINDOW | PANE),
    ("session-closed", SESSION),
    ("session-created", SESSION),
    ("session-renamed", SESSION),
    ("session-window-changed", SESSION),
    ("window-layout-changed", WINDOW),
    ("window-linked", SESSION),
    ("window-pane-changed", WINDOW),
    ("window-renamed", WINDOW),
    ("window-resized", WINDOW),
    ("window-unlinked", SESSION),
];

/// Which set of hooks a command addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `-g` for session hooks.
    GlobalSession,
    /// `-g` for window and pane hooks.
    GlobalWindow,
    /// One session.
    Session(SessionId),
    /// One window.
    Window(WindowId),
    /// One pane (`-p`).
    Pane(PaneId),
}

/// Hook commands by index.
pub type Items = BTreeMap<u32, String>;

/// Every hook set of the server.
#[derive(Debug)]
pub struct Store {
    sets: HashMap<Scope, BTreeMap<String, Items>>,
}

impl Default for Store {
    /// The global sets hold every hook of their scope, empty (as tmux's global options do).
    fn default() -> Self {
        let mut sets: HashMap<Scope, BTreeMap<String, Items>> = HashMap::new();
        for (name, bits) in HOOKS {
            let s = if bits & SESSION != 0 {
                Scope::GlobalSession
            } else {
                Scope::GlobalWindow
            };
            sets.entry(s)
                .or_default()
                .insert((*name).to_owned(), Items::new());
        }
        Store { sets }
    }
}

impl Store {
    fn get_only(&self, s: Scope, name: &str) -> Option<&Items> {
        self.sets.get(&s)?.get(name)
    }

    /// tmux `options_get`: the first set along the parent chain that has the hook.
    fn get(&self, s: Scope, name: &str, window_of_pane: Option<WindowId>) -> Option<&Items> {
        let mut cur = Some(s);
        while let Some(c) = cur {
            if let Some(v) = self.get_only(c, name) {
                return Some(v);
            }
            cur = match c {
                Scope::Session(_) => Some(Scope::GlobalSession),
                Scope::Window(_) => Some(Scope::GlobalWindow),
                Scope::Pane(_) => Some(window_of_pane.map_or(Scope::GlobalWindow, Scope::Window)),
                _ => None,
            };
        }
        None
    }

    /// The commands a firing of `name` for these objects runs (tmux `notify_insert_hook`):
    /// the session's hooks, else the pane's, else the window's.
    pub fn lookup(&self, name: &str, ctx: &Context) -> Vec<String> {
        let s = ctx.session.map_or(Scope::GlobalSession, Scope::Session);
        let found = self
            .get(s, name, None)
            .or_else(|| {
                ctx.pane
                    .and_then(|p| self.get(Scope::Pane(p), name, ctx.window))
            })
            .or_else(|| {
                ctx.window
                    .and_then(|w| self.get(Scope::Window(w), name, None))
            });
        found
            .map(|i| i.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the hooks of objects that no longer exist.
    pub fn retain(&mut self, reg: &Registry) {
        self.sets.retain(|s, _| match s {
            Scope::Session(x) => reg.sessions.contains_key(x),
            Scope::Window(x) => reg.windows.contains_key(x),
            Scope::Pane(x) => reg.panes.contains_key(x),
            _ => true,
        });
    }
}

/// The objects a hook fires for (tmux's `cmd_find_state` of the notification).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Session.
    pub session: Option<SessionId>,
    /// Window.
    pub window: Option<WindowId>,
    /// Pane.
    pub pane: Option<PaneId>,
    /// The attached client of a client notification (`client-*` hooks).
    pub client: Option<u32>,
}

/// One queued firing.
#[derive(Debug)]
struct Firing {
    name: String,
    ctx: Context,
}

/// The hook store and its queue.
#[derive(Debug)]
pub struct Hooks {
    /// The hooks.
    pub store: Mutex<Store>,
    tx: mpsc::Sender<Firing>,
    rx: Mutex<Option<mpsc::Receiver<Firing>>>,
    /// The queue into the window alerts task (`commands::alerts`).
    pub alerts: crate::commands::alerts::Queue,
    /// Control-mode notification lines made as the queue runs (tmux `notify_callback`:
    /// `%pane-mode-changed %PANE`), for every control client ([`crate::lang::control`]).
    pub control: tokio::sync::broadcast::Sender<String>,
    /// The last look [`sync_view`] took (`None` while no view hook is set).
    last_view: Mutex<Option<View>>,
    /// The panes tmux would mark `PANE_FOCUSED`, kept by [`focus_update`] while the
    /// `focus-events` option is off (and taken from [`sync_view`]'s look while it is on).
    focus_flags: Mutex<BTreeSet<PaneId>>,
    /// Each window's latest client (tmux `w->latest`): the attached client that last typed
    /// into it ([`client_active`]).
    latest: Mutex<HashMap<WindowId, u32>>,
}

impl Default for Hooks {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Hooks {
            store: Mutex::new(Store::default()),
            tx,
            rx: Mutex::new(Some(rx)),
            alerts: Default::default(),
            control: tokio::sync::broadcast::channel(CONTROL_QUEUE).0,
            last_view: Mutex::new(None),
            focus_flags: Mutex::new(BTreeSet::new()),
            latest: Mutex::new(HashMap::new()),
        }
    }
}

impl Hooks {
    /// Queues a firing of `name` (nothing happens if no command is set for it when it runs).
    pub fn fire(&self, name: &str, ctx: Context) {
        if let Err(e) = self.tx.try_send(Firing {
            name: name.to_owned(),
            ctx,
        }) {
            tracing::warn!(hook = name, "hook not run: {e}");
        }
    }
}

/// The tmux hook a server event fires, if any.
pub fn hook_of(kind: EventKind) -> Option<&'static str> {
    Some(match kind {
        EventKind::SessionCreated => "session-created",
        EventKind::SessionClosed => "session-closed",
        EventKind::SessionRenamed => "session-renamed",
        EventKind::WindowCreated => "window-linked",
        EventKind::WindowClosed => "window-unlinked",
        EventKind::WindowRenamed => "window-renamed",
        EventKind::ClientAttached => "client-attached",
        EventKind::ClientDetached => "client-detached",
        EventKind::TitleChanged => "pane-title-changed",
        _ => return None,
    })
}

/// Starts the task that runs queued hooks (once per server) and taps the event log.
pub fn start(state: &Arc<ServerState>) {
    let Some(mut rx) = lock(&state.hooks.rx).take() else {
        return;
    };
    {
        let weak = Arc::downgrade(state);
        state.events.set_tap(Box::new(move |e: &Event| {
            use crate::commands::alerts::{Note, BELL};
            let note = match (e.kind, e.window, e.pane) {
                (EventKind::Bell, Some(w), _) => Some(Note::Alert(w, BELL)),
                (EventKind::Output, Some(w), Some(p)) => {
                    Some(Note::Output(w, p, e.output_seq.unwrap_or(0)))
                }
                _ => None,
            };
            if let (Some(n), Some(s)) = (note, weak.upgrade()) {
                s.hooks.alerts.note(n);
            }
            let Some(name) = hook_of(e.kind) else { return };
            if let Some(s) = weak.upgrade() {
                // client-attached, client-detached: the event's name is the client's id.
                let client = match e.kind {
                    EventKind::ClientAttached | EventKind::ClientDetached => {
                        e.name.as_deref().and_then(|n| n.parse().ok())
                    }
                    _ => None,
                };
                s.hooks.fire(
                    name,
                    Context {
                        session: e.session,
                        window: e.window,
                        pane: e.pane,
                        client,
                    },
                );
            }
        }));
    }
    crate::commands::alerts::start(state);
    let weak = Arc::downgrade(state);
    tokio::spawn(async move {
        while let Some(f) = rx.recv().await {
            let Some(state) = weak.upgrade() else { break };
            let mut f = f;
            if let (Some(p), None) = (f.ctx.pane, f.ctx.window) {
                // Fired before the pane was in the registry (its first output).
                let reg = state.registry();
                if let Some(e) = reg.panes.get(&p) {
                    f.ctx.window = Some(e.window);
                    f.ctx.session = reg.windows.get(&e.window).map(|w| w.session);
                }
            }
            if let ("pane-mode-changed", Some(p)) = (f.name.as_str(), f.ctx.pane) {
                // No receiver (no control client) is not an error.
                let _ = state.hooks.control.send(format!("%pane-mode-changed {p}"));
            }
            let commands = lock(&state.hooks.store).lookup(&f.name, &f.ctx);
            if commands.is_empty() {
                continue;
            }
            let formats = Arc::new(hook_formats(&state, &f.name, &f.ctx));
            for c in commands {
                let run = FORMATS.scope(Arc::clone(&formats), run_text(&state, &c, f.ctx));
                if let Err(e) = IN_HOOK.scope(true, run).await {
                    tracing::warn!(hook = %f.name, command = %c, "hook failed: {e}");
                }
            }
        }
    });
}

tokio::task_local! {
    /// Set while a hook's commands run: they fire no `after-` hooks (tmux `CMDQ_STATE_NOHOOKS`).
    static IN_HOOK: bool;
    /// The `hook*` format variables of the hook whose commands run ([`hook_formats`]).
    static FORMATS: Arc<Vec<(String, String)>>;
    /// The current state of the hook's commands ([`run_text`]).
    static CURRENT: Option<crate::lang::target::Found>;
}

/// The current state fixed for the commands the current task runs (a hook's objects), if
/// any: their default target, what formats expand for ([`crate::lang::exec::world`]).
pub fn current_state() -> Option<crate::lang::target::Found> {
    CURRENT.try_with(|c| *c).ok().flatten()
}

/// A `hook*` format variable of the hook whose commands the current task runs (tmux
/// notify.c `notify_add`: `hook`, `hook_client`, `hook_session`, `hook_session_name`,
/// `hook_window`, `hook_window_name`, `hook_pane`); `None` outside a hook or when the hook
/// does not set it.
pub fn format_var(key: &str) -> Option<String> {
    if !key.starts_with("hook") {
        return None;
    }
    FORMATS
        .try_with(|f| f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
        .ok()
        .flatten()
}

/// The `hook*` variables tmux's notification of `name` carries: `hook` always; what it names
/// depends on how tmux notifies it (`notify_client`: `hook_client`; `notify_session`: the
/// session; `notify_winlink`/`notify_session_window`: session and window; `notify_window`:
/// the window; `notify_pane`: `hook_pane`; `after-` hooks, `notify_hook`: only `hook`).
fn hook_formats(state: &ServerState, name: &str, ctx: &Context) -> Vec<(String, String)> {
    let mut v = vec![("hook".to_owned(), name.to_owned())];
    let (session, window, pane, client) = match name {
        n if n.starts_with("after-") => (false, false, false, false),
        n if n.starts_with("client-") => (false, false, false, true),
        n if n.starts_with("pane-") => (false, false, true, false),
        "session-created" | "session-closed" | "session-renamed" => (true, false, false, false),
        "window-layout-changed" | "window-pane-changed" | "window-renamed" | "window-resized" => {
            (false, true, false, false)
        }
        _ => (true, true, false, false),
    };
    if client {
        if let Some(c) = ctx.client {
            let n = crate::commands::clients::client_name(state, c);
            v.push(("hook_client".into(), n.unwrap_or_default()));
        }
    }
    let reg = state.registry();
    if session {
        if let Some(s) = ctx.session {
            v.push(("hook_session".into(), s.to_string()));
            let n = reg.sessions.get(&s).map(|x| x.name.clone());
            v.push(("hook_session_name".into(), n.unwrap_or_default()));
        }
    }
    if window {
        if let Some(w) = ctx.window {
            v.push(("hook_window".into(), w.to_string()));
            let n = reg.windows.get(&w).map(|x| x.name.clone());
            v.push(("hook_window_name".into(), n.unwrap_or_default()));
        }
    }
    if pane {
        if let Some(p) = ctx.pane {
            v.push(("hook_pane".into(), p.to_string()));
        }
    }
    v
}

/// Whether the current task runs a hook's commands.
pub fn in_hook() -> bool {
    IN_HOOK.try_with(|v| *v).unwrap_or(false)
}

/// Runs tmux command text (a binding's or a hook's) for the objects of `ctx`.
///
/// # Errors
/// A parse error or the first failing command's message.
///
/// As tmux's `notify_insert_hook`, the commands run with the hook's objects as their current
/// state (their default target, what formats expand for) while those still exist; when one
/// is gone (the pane of `pane-exited`), they run as from nothing (tmux
/// `cmd_find_from_nothing`: the best session's current window and active pane).
pub async fn run_text(state: &Arc<ServerState>, text: &str, ctx: Context) -> Result<(), String> {
    let current = current_of(&state.registry(), &ctx);
    let client = crate::lang::Client {
        caller: current.and_then(|c| c.pane).map(PaneId),
        ..Default::default()
    };
    let out = CURRENT
        .scope(
            current,
            crate::lang::run_command_text(state, text, None, &client),
        )
        .await;
    if out.exit_code != 0 {
        let e = String::from_utf8_lossy(&out.stderr);
        return Err(e.trim_end().to_owned());
    }
    Ok(())
}

/// tmux `cmd_find_valid_state` and the `cmd_find_from_*` of a notification: the session,
/// window (its index there) and pane of `ctx`, the session's current window and the window's
/// active pane filling what `ctx` leaves out; `None` (from nothing) when an object of `ctx`
/// no longer exists or the pane is not in the window.
fn current_of(reg: &Registry, ctx: &Context) -> Option<crate::lang::target::Found> {
    let pane = match ctx.pane {
        Some(p) => Some(reg.panes.get(&p)?),
        None => None,
    };
    let window = match (ctx.window, pane) {
        (Some(w), Some(p)) if p.window != w => return None,
        (Some(w), _) => Some(w),
        (None, Some(p)) => Some(p.window),
        (None, None) => None,
    };
    let window = match window {
        Some(w) => reg.windows.get(&w)?,
        None => reg
            .windows
            .get(&reg.sessions.get(&ctx.session?)?.active_window)?,
    };
    let sid = ctx.session.unwrap_or(window.session);
    let session = reg.sessions.get(&sid)?;
    let idx = session
        .windows
        .iter()
        .find(|(_, w)| **w == window.id)
        .map(|(i, _)| i64::from(*i))?;
    Some(crate::lang::target::Found {
        session: sid.0,
        idx,
        window: Some(window.id.0),
        pane: Some(ctx.pane.unwrap_or(window.active_pane).0),
    })
}

/// The tmux command name whose `after-` hook a successful request fires, if tmux has one.
pub fn after_command(req: &Request) -> Option<&'static str> {
    Some(match req {
        Request::NewSession(_) => "new-session",
        Request::NewWindow { .. } => "new-window",
        Request::SplitWindow { .. } => "split-window",
        Request::KillPane { .. } => "kill-pane",
        Request::RenameSession { .. } => "rename-session",
        Request::RenameWindow { .. } => "rename-window",
        Request::SelectPane { .. } => "select-pane",
        Request::SelectWindow { .. } => "select-window",
        Request::SendKeys { .. } => "send-keys",
        Request::ReadScreen { .. } => "capture-pane",
        Request::ResizeWindow { .. } => "resize-window",
        Request::ListSessions => "list-sessions",
        Request::ListWindows { .. } => "list-windows",
        Request::ListPanes { .. } => "list-panes",
        Request::DisplayMessage { .. } => "display-message",
        Request::SetOption { .. } => "set-option",
        Request::ShowOptions { .. } => "show-options",
        Request::SetBuffer { .. } => "set-buffer",
        Request::ListBuffers => "list-buffers",
        Request::PasteBuffer { .. } => "paste-buffer",
        Request::SetEnvironment { .. } => "set-environment",
        Request::ShowEnvironment { .. } => "show-environment",
        Request::BindKey { .. } => "bind-key",
        Request::UnbindKey { .. } => "unbind-key",
        Request::ListKeys { .. } => "list-keys",
        Request::SetHook { .. } => "set-hook",
        Request::CapturePane { .. } => "capture-pane",
        Request::PipePane { .. } => "pipe-pane",
        Request::SelectLayout { .. } => "select-layout",
        Request::ResizePane { .. } => "resize-pane",
        _ => return None,
    })
}

/// The target string of a request, for the context of its `after-` hook.
fn request_target(req: &Request) -> Option<&str> {
    match req {
        Request::NewWindow { target, .. }
        | Request::SplitWindow { target, .. }
        | Request::KillPane { target, .. }
        | Request::RenameSession { target, .. }
        | Request::RenameWindow { target, .. }
        | Request::SelectPane { target, .. }
        | Request::SelectWindow { target, .. }
        | Request::SendKeys { target, .. }
        | Request::ReadScreen { target, .. }
        | Request::ResizeWindow { target, .. }
        | Request::SetOption { target, .. }
        | Request::SetHook { target, .. }
        | Request::CapturePane { target, .. }
        | Request::PipePane { target, .. }
        | Request::SelectLayout { target, .. }
        | Request::ResizePane { target, .. } => target.as_deref(),
        _ => None,
    }
}

/// The objects a target string (or the caller's pane, or the default) names, as far as they
/// still exist.
pub fn context_of(reg: &Registry, target: Option<&str>, caller: Option<PaneId>) -> Context {
    Context {
        session: reg.resolve_session(target, caller).ok(),
        window: reg.resolve_window(target, caller).ok(),
        pane: reg.resolve_pane(target, caller).ok(),
        client: None,
    }
}

/// Before a request runs: what its `after-` hook will need (`None` if it has none or runs
/// inside a hook).
pub fn before_request(req: &Request) -> Option<(&'static str, Option<String>)> {
    if in_hook() {
        return None;
    }
    let name = after_command(req)?;
    Some((name, request_target(req).map(str::to_owned)))
}

/// After a request succeeded: fires its `after-` hook (`created`: what it made, the context
/// of `after-new-window` and the like).
pub fn after_request(
    state: &ServerState,
    pending: Option<(&'static str, Option<String>)>,
    caller: Option<PaneId>,
    reply: &Response,
) {
    let Some((name, target)) = pending else {
        return;
    };
    if matches!(reply, Response::Error(_)) {
        return;
    }
    let ctx = {
        let reg = state.registry();
        match reply {
            Response::Created(c) => context_of(&reg, Some(&c.pane.to_string()), None),
            _ => context_of(&reg, target.as_deref(), caller),
        }
    };
    state.hooks.fire(&format!("after-{name}"), ctx);
}

/// The hooks that fire when what a session shows changed (tmux notify.c callers:
/// `session_set_current`, `window_set_active_pane`, `window_pane_update_focus`, layout-set.c,
/// layout.c `layout_close_pane`, resize.c `resize_window` and friends).
const VIEW_HOOKS: [&str; 6] = [
    "pane-focus-out",
    "pane-focus-in",
    "window-pane-changed",
    "session-window-changed",
    "window-layout-changed",
    "window-resized",
];

/// What [`VIEW_HOOKS`] report: each session's current window, each window's active pane,
/// layout (tmux's layout string), size and pane count, and the focused panes.
#[derive(Debug, Default)]
pub struct View {
    current: BTreeMap<SessionId, WindowId>,
    active: BTreeMap<WindowId, (SessionId, PaneId)>,
    layouts: BTreeMap<WindowId, String>,
    sizes: BTreeMap<WindowId, (u16, u16)>,
    panes: BTreeMap<WindowId, usize>,
    focused: BTreeSet<PaneId>,
}

/// What [`view_before`] hands to [`view_after`].
#[derive(Debug, Default)]
pub struct Pending {
    /// `select-layout` and friends: its window and how many times tmux notifies (the layout
    /// function and the command each fire `window-layout-changed`, changed or not).
    select_layout: Option<(WindowId, usize)>,
    /// The request runs inside a hook: what it changes fires nothing (tmux
    /// `CMDQ_STATE_NOHOOKS`: `notify_add` returns early).
    silent: bool,
    /// Each window's active pane before the request, taken while `focus-events` is off: a
    /// window whose active pane left it gets [`focus_update`] (tmux `window_lost_pane`).
    actives: Option<Vec<(WindowId, PaneId)>>,
}

impl Store {
    /// Whether any scope has commands for hook `name`.
    fn any_set(&self, name: &str) -> bool {
        self.sets
            .values()
            .any(|set| set.get(name).is_some_and(|i| !i.is_empty()))
    }
}

/// Whether the `focus-events` server option is on.
fn focus_events(state: &ServerState) -> bool {
    matches!(
        lock(&state.options_store)
            .effective("focus-events", None, None, None)
            .as_deref(),
        Some("on" | "1")
    )
}

/// tmux 3.3a `window_update_focus` where tmux calls it whatever `focus-events` says: a client
/// attaches, leaves or changes session (`server_client_set_session`: the old session's current
/// window, then the new one's) and a window loses its active pane (`window_lost_pane`:
/// kill-pane, an exited pane, break-pane, join-pane). For each of `windows` the active pane is
/// focused when the window is the current window of a session with a client attached (tmux
/// `window_pane_update_focus`; a client's terminal focus counts only with `focus-events` on,
/// when tmux asks the terminal for focus reports); `pane-focus-in` / `pane-focus-out` fire
/// when that differs from the pane's flag (tmux `PANE_FOCUSED`), which is then updated. So
/// with `focus-events` off, `select-pane` and `select-window` leave the flags as they are (a
/// pane that lost the focus that way gets no `pane-focus-out`), as in tmux. With
/// `focus-events` on, [`sync_view`] fires the focus hooks for every change instead and this
/// does nothing. Inside a hook's commands the flags change but nothing fires (tmux
/// `CMDQ_STATE_NOHOOKS`).
pub fn focus_update(state: &ServerState, windows: &[WindowId]) {
    if windows.is_empty() || focus_events(state) {
        return;
    }
    let viewed: BTreeSet<SessionId> = lock(&state.clients)
        .map
        .values()
        .map(|c| c.session)
        .collect();
    let mut fire = Vec::new();
    {
        let reg = state.registry();
        let shown: BTreeSet<WindowId> = viewed
            .iter()
            .filter_map(|s| reg.sessions.get(s))
            .map(|s| s.active_window)
            .collect();
        let mut flags = lock(&state.hooks.focus_flags);
        flags.retain(|p| reg.panes.contains_key(p));
        for w in windows {
            let Some(win) = reg.windows.get(w) else {
                continue;
            };
            let p = win.active_pane;
            let focused = shown.contains(w);
            if focused == flags.contains(&p) {
                continue;
            }
            let hook = if focused {
                flags.insert(p);
                "pane-focus-in"
            } else {
                flags.remove(&p);
                "pane-focus-out"
            };
            let ctx = Context {
                session: Some(win.session),
                window: Some(*w),
                pane: Some(p),
                client: None,
            };
            fire.push((hook, ctx));
        }
    }
    if in_hook() {
        return;
    }
    for (hook, ctx) in fire {
        state.hooks.fire(hook, ctx);
    }
}

/// The current window of session `sid`, if both exist.
pub fn current_window(state: &ServerState, sid: SessionId) -> Option<WindowId> {
    let reg = state.registry();
    let w = reg.sessions.get(&sid)?.active_window;
    reg.windows.contains_key(&w).then_some(w)
}

/// tmux `window_pane_update_focus`: with the `focus-events` server option on, the focused
/// panes are the active panes of the current windows of sessions with a client attached whose
/// terminal has the focus.
fn view_now(state: &ServerState) -> View {
    let focus = focus_events(state);
    // Sessions with an attached client whose terminal has the focus (tmux CLIENT_FOCUSED);
    // taken before the registry (the clients lock is never taken under it here).
    let with_focus: BTreeSet<SessionId> = if focus {
        lock(&state.clients)
            .map
            .values()
            .filter(|c| c.focused)
            .map(|c| c.session)
            .collect()
    } else {
        BTreeSet::new()
    };
    let reg = state.registry();
    let mut v = View::default();
    for s in reg.sessions.values() {
        v.current.insert(s.id, s.active_window);
        if focus && s.attached > 0 && with_focus.contains(&s.id) {
            if let Some(w) = reg.windows.get(&s.active_window) {
                v.focused.insert(w.active_pane);
            }
        }
    }
    for w in reg.windows.values() {
        v.active.insert(w.id, (w.session, w.active_pane));
        v.layouts.insert(w.id, w.layout.dump());
        v.sizes.insert(w.id, (w.cols, w.rows));
        v.panes.insert(w.id, w.layout.geometry().len());
    }
    v
}

/// Whether a hook of [`VIEW_HOOKS`] has commands.
fn view_watched(state: &ServerState) -> bool {
    let store = lock(&state.hooks.store);
    VIEW_HOOKS.iter().any(|h| store.any_set(h))
}

/// Compares what sessions show now with the last look ([`Hooks`] keeps it) and fires
/// [`VIEW_HOOKS`] for what changed since, once each (`forced`: a window whose
/// `window-layout-changed` fires that many times, changed or not; `silent`: fires nothing,
/// only takes the new look). Called around requests that may change the view
/// ([`view_before`], [`view_after`]), after a pane exited and after client sizes were applied,
/// so a change is reported once whichever of them sees it first. Without a view hook set,
/// nothing is computed and the last look is forgotten.
pub fn sync_view(state: &ServerState, forced: Option<(WindowId, usize)>, silent: bool) {
    let mut last = lock(&state.hooks.last_view);
    if !view_watched(state) {
        *last = None;
        return;
    }
    let now = view_now(state);
    if focus_events(state) {
        lock(&state.hooks.focus_flags).clone_from(&now.focused);
    }
    let before = last.replace(now);
    let (Some(b), Some(a)) = (before, last.as_ref()) else {
        return;
    };
    if silent {
        return;
    }
    fire_view_changes(state, &b, a, forced);
}

/// Takes the first look [`sync_view`] compares with, if none is kept and a view hook is set.
fn view_baseline(state: &ServerState) {
    let mut last = lock(&state.hooks.last_view);
    if last.is_none() && view_watched(state) {
        *last = Some(view_now(state));
    }
}

fn fire_view_changes(state: &ServerState, b: &View, a: &View, forced: Option<(WindowId, usize)>) {
    let pane_ctx = |p: PaneId| {
        let (w, s) = a
            .active
            .iter()
            .find(|(_, (_, ap))| *ap == p)
            .map(|(w, (s, _))| (Some(*w), Some(*s)))
            .unwrap_or_default();
        Context {
            session: s,
            window: w,
            pane: Some(p),
            ..Context::default()
        }
    };
    let win_ctx = |w: WindowId| {
        let (s, p) = a
            .active
            .get(&w)
            .copied()
            .map(|(s, p)| (Some(s), Some(p)))
            .unwrap_or_default();
        Context {
            session: s,
            window: Some(w),
            pane: p,
            ..Context::default()
        }
    };
    let reg_has = |p: PaneId| state.registry().panes.contains_key(&p);
    for p in b.focused.difference(&a.focused) {
        if reg_has(*p) {
            let mut c = pane_ctx(*p);
            if c.window.is_none() {
                let reg = state.registry();
                c = context_of(&reg, Some(&p.to_string()), None);
            }
            state.hooks.fire("pane-focus-out", c);
        }
    }
    for p in a.focused.difference(&b.focused) {
        state.hooks.fire("pane-focus-in", pane_ctx(*p));
    }
    // Per window, in tmux's order: a pane that closed reflows its siblings first
    // (`layout_close_pane`), then the window picks another active pane (`window_lost_pane`);
    // a new pane becomes active before the layout changes (spawn.c); a resize changes the
    // layout, then the size (`resize_window`). A new window fires none (tmux notifies before
    // the window is linked to a session: no hook runs).
    for (w, l) in &a.layouts {
        let pane_changed = b
            .active
            .get(w)
            .is_some_and(|(_, old)| Some(old) != a.active.get(w).map(|x| &x.1));
        let lost = b.panes.get(w).is_some_and(|n| Some(n) > a.panes.get(w));
        let times = match forced {
            Some((fw, n)) if fw == *w => n,
            _ => usize::from(b.layouts.get(w).is_some_and(|old| old != l)),
        };
        // tmux's notification holds the window's active pane when it was made: after a close,
        // the pane that closed if it was the active one (the hook's commands then run with
        // no current pane: cmd_find_from_nothing).
        let mut lctx = win_ctx(*w);
        if lost && pane_changed {
            lctx.pane = b.active.get(w).map(|x| x.1);
        }
        if pane_changed && !lost {
            state.hooks.fire("window-pane-changed", win_ctx(*w));
        }
        for _ in 0..times {
            state.hooks.fire("window-layout-changed", lctx);
        }
        if b.sizes
            .get(w)
            .is_some_and(|old| Some(old) != a.sizes.get(w))
        {
            state.hooks.fire("window-resized", win_ctx(*w));
        }
        if pane_changed && lost {
            state.hooks.fire("window-pane-changed", win_ctx(*w));
        }
    }
    for (s, w) in &a.current {
        if b.current.get(s).is_some_and(|old| old != w) {
            let c = win_ctx(*w);
            state.hooks.fire(
                "session-window-changed",
                Context {
                    session: Some(*s),
                    ..c
                },
            );
        }
    }
}

/// Before a request runs: takes the look [`sync_view`] compares with, when a hook of
/// [`VIEW_HOOKS`] has commands and the request can change what they report (`None`
/// otherwise: nothing is computed).
pub fn view_before(state: &ServerState, req: &Request, caller: Option<PaneId>) -> Option<Pending> {
    let may_change = matches!(
        req,
        Request::SplitWindow { .. }
            | Request::NewWindow { .. }
            | Request::KillPane { .. }
            | Request::KillWindow { .. }
            | Request::KillOthers { .. }
            | Request::KillPaneRemoveWorktree { .. }
            | Request::SelectLayout { .. }
            | Request::ResizePane { .. }
            | Request::ResizeWindow { .. }
            | Request::SwapPane { .. }
            | Request::RotateWindow { .. }
            | Request::LastPane { .. }
            | Request::LastWindow { .. }
            | Request::BreakPane { .. }
            | Request::JoinPane { .. }
            | Request::MoveWindow { .. }
            | Request::SwapWindow { .. }
            | Request::LinkWindow { .. }
            | Request::UnlinkWindow { .. }
            | Request::SelectPane { .. }
            | Request::SelectWindow { .. }
            | Request::ZoomPane { .. }
            | Request::CycleWindow { .. }
            | Request::SwitchClient { .. }
            | Request::RespawnPane { .. }
            | Request::RespawnWindow { .. }
            | Request::SetOption { .. }
    );
    if !may_change {
        return None;
    }
    let actives = (!focus_events(state)).then(|| {
        state
            .registry()
            .windows
            .values()
            .map(|w| (w.id, w.active_pane))
            .collect::<Vec<_>>()
    });
    if !view_watched(state) {
        return actives.map(|a| Pending {
            actives: Some(a),
            ..Pending::default()
        });
    }
    if in_hook() {
        return Some(Pending {
            silent: true,
            actives,
            ..Pending::default()
        });
    }
    sync_view(state, None, false);
    let mut p = Pending {
        actives,
        ..Pending::default()
    };
    if let Request::SelectLayout { target, spread, .. } = req {
        let reg = state.registry();
        let w = crate::commands::layout::resolve_window(&reg, target.as_deref(), caller).ok();
        p.select_layout = w.map(|w| (w, if *spread { 1 } else { 2 }));
    }
    Some(p)
}

/// After the request: fires, once each, `pane-focus-out` and `pane-focus-in` for panes that
/// lost or gained the focus, `window-pane-changed` for windows whose active pane changed,
/// `window-layout-changed` for windows whose layout changed (twice after `select-layout`,
/// changed or not, as tmux), `window-resized` for windows whose size changed, and
/// `session-window-changed` for sessions whose current window changed (objects that no longer
/// exist fire nothing). A failed request fires what it changed all the same (tmux notifies
/// as it goes), but not the forced `select-layout` ones.
pub fn view_after(state: &ServerState, before: Option<Pending>, ok: bool) {
    let Some(p) = before else { return };
    let forced = p.select_layout.filter(|_| ok);
    sync_view(state, forced, p.silent);
    if let Some(actives) = p.actives {
        let lost: Vec<WindowId> = {
            let reg = state.registry();
            actives
                .into_iter()
                .filter(|(w, p)| {
                    reg.windows.contains_key(w) && reg.panes.get(p).is_none_or(|e| e.window != *w)
                })
                .map(|(w, _)| w)
                .collect()
        };
        focus_update(state, &lost);
    }
}

/// Pane `pane` entered or left a mode `times` times (tmux `window_pane_set_mode`,
/// `window_pane_reset_mode`: `notify_pane("pane-mode-changed")` each time): fires
/// `pane-mode-changed` and tells control clients (`%pane-mode-changed %PANE`), unless the
/// change comes from a hook's commands (tmux notifies nothing then). Not called with the
/// registry locked.
pub fn mode_changed(state: &ServerState, pane: PaneId, times: usize) {
    if times == 0 || in_hook() {
        return;
    }
    let ctx = {
        let reg = state.registry();
        context_of(&reg, Some(&pane.to_string()), None)
    };
    let ctx = Context {
        pane: Some(pane),
        ..ctx
    };
    for _ in 0..times {
        state.hooks.fire("pane-mode-changed", ctx);
    }
}

/// Fires a client notification (tmux `notify_client`: `client-resized`,
/// `client-session-changed`, `client-active`, `client-focus-in`, `client-focus-out`) of
/// attached client `client` for its session `sid`, the session's current window and active
/// pane (tmux `cmd_find_from_client`). Not called with the registry locked.
pub fn fire_for_client(state: &ServerState, name: &str, sid: SessionId, client: u32) {
    let ctx = {
        let reg = state.registry();
        context_of(&reg, Some(&sid.to_string()), None)
    };
    if ctx.session.is_some() {
        state.hooks.fire(
            name,
            Context {
                client: Some(client),
                ..ctx
            },
        );
    }
}

/// tmux `server_client_update_latest`: attached client `client` typed (or resized) into its
/// session's current window; if another client (or none) was that window's latest, it now
/// is, and `client-active` fires. Not called with the registry locked.
pub fn client_active(state: &ServerState, client: u32) {
    client_active_sizing(state, client, true);
}

/// [`client_active`]; `resize`: the window sizes follow at once (false for a key whose bound
/// command runs next: tmux resizes only after the command, see `keys::client::attach_key`).
pub fn client_active_sizing(state: &ServerState, client: u32, resize: bool) {
    if in_hook() {
        return;
    }
    if let Some(sid) = note_latest(state, client) {
        // tmux: a window sized by its latest client follows it.
        if resize {
            crate::commands::resize::recalculate_sizes(state);
        }
        fire_for_client(state, "client-active", sid, client);
    }
}

/// tmux `server_client_set_session` (attach, switch-client): the client becomes its session's
/// current window's latest client without a hook.
pub fn set_latest(state: &ServerState, client: u32) {
    note_latest(state, client);
}

/// A command bound to a key of attached client `client` made another window its session's
/// current one (tmux cmd-select-window.c, cmd-new-window.c, spawn.c: `w->latest = c` for the
/// command's client): the client becomes that window's latest client, without a hook (the
/// caller recalculates the sizes). Not called with the registry locked.
pub fn selected_by(state: &ServerState, client: u32) {
    note_latest(state, client);
}

/// Each window's latest client ([`client_active`]), for window sizes.
pub fn latest_clients(state: &ServerState) -> HashMap<WindowId, u32> {
    lock(&state.hooks.latest).clone()
}

/// tmux `server_client_attached_lost`: attached client `client` is gone; each window it was
/// the latest client of gets, of the clients whose session's current window it is, the one
/// with the most recent input (and `client-active` fires for it). Not called with the
/// registry locked.
pub fn client_lost(state: &ServerState, client: u32) {
    let orphaned: Vec<WindowId> = lock(&state.hooks.latest)
        .iter()
        .filter(|(_, c)| **c == client)
        .map(|(w, _)| *w)
        .collect();
    if orphaned.is_empty() {
        return;
    }
    let clients: Vec<(u32, SessionId, u64)> = lock(&state.clients)
        .map
        .iter()
        .filter(|(id, _)| **id != client)
        .map(|(id, c)| (*id, c.session, c.info.activity))
        .collect();
    let found: Vec<u32> = {
        let reg = state.registry();
        orphaned
            .iter()
            .filter_map(|w| {
                clients
                    .iter()
                    .filter(|(_, s, _)| reg.sessions.get(s).map(|x| x.active_window) == Some(*w))
                    .max_by_key(|(id, _, activity)| (*activity, std::cmp::Reverse(*id)))
                    .map(|(id, _, _)| *id)
            })
            .collect()
    };
    for c in found {
        client_active(state, c);
    }
}

/// Makes `client` its session's current window's latest client; its session if it was not.
fn note_latest(state: &ServerState, client: u32) -> Option<SessionId> {
    let sid = crate::commands::clients::session_of(state, client)?;
    {
        let reg = state.registry();
        let w = reg.sessions.get(&sid).map(|s| s.active_window)?;
        let mut latest = lock(&state.hooks.latest);
        if latest.get(&w) == Some(&client) {
            return None;
        }
        // Windows that closed are forgotten (the map holds at most one entry per window).
        latest.retain(|w, _| reg.windows.contains_key(w));
        latest.insert(w, client);
    }
    Some(sid)
}

/// tmux `options_match` for hooks: an exact name or a unique prefix, with `[N]`.
fn match_hook(arg: &str) -> CmdResult<(&'static str, Option<u32>)> {
    let (name, idx) = crate::options::parse_name(arg)
        .ok_or_else(|| CmdError::invalid(format!("invalid option: {arg}")))?;
    if let Some((n, _)) = HOOKS.iter().find(|(n, _)| *n == name) {
        return Ok((n, idx));
    }
    let mut found = HOOKS.iter().filter(|(n, _)| n.starts_with(&name));
    match (found.next(), found.next()) {
        (Some((n, _)), None) => Ok((n, idx)),
        (Some(_), Some(_)) => Err(CmdError::ambiguous(format!("ambiguous option: {arg}"))),
        _ => Err(CmdError::invalid(format!(
            "invalid option: {arg} (show-hooks -g and show-hooks -gw list the hooks)"
        ))),
    }
}

/// Flags of `set-hook` and `show-hooks` (tmux's letters).
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// `-g`.
    pub global: bool,
    /// `-w`.
    pub window: bool,
    /// `-p`.
    pub pane: bool,
}

struct Found {
    session: Option<SessionId>,
    window: Option<WindowId>,
    pane: Option<PaneId>,
    target: Option<String>,
}

fn find(reg: &Registry, target: Option<&str>, caller: Option<PaneId>) -> CmdResult<Found> {
    if let Some(t) = target {
        reg.resolve(Some(t), caller)?;
    }
    let c = context_of(reg, target, caller);
    Ok(Found {
        session: c.session,
        window: c.window,
        pane: c.pane,
        target: target.map(str::to_owned),
    })
}

fn missing(kind: &str, f: &Found) -> CmdError {
    match &f.target {
        Some(t) => CmdError::not_found(format!("no such {kind}: {t}")),
        None => CmdError::not_found(format!("no current {kind}")),
    }
}

/// tmux `options_scope_from_name` for a hook.
fn scope_from_name(bits: u8, fl: Flags, f: &Found) -> CmdResult<Scope> {
    if bits & SESSION != 0 {
        if fl.global {
            return Ok(Scope::GlobalSession);
        }
        return f
            .session
            .map(Scope::Session)
            .ok_or_else(|| missing("session", f));
    }
    if fl.pane && bits & PANE != 0 {
        return f.pane.map(Scope::Pane).ok_or_else(|| missing("pane", f));
    }
    if fl.global {
        return Ok(Scope::GlobalWindow);
    }
    f.window
        .map(Scope::Window)
        .ok_or_else(|| missing("window", f))
}

/// tmux `options_scope_from_flags` (show-hooks without a name).
fn scope_from_flags(fl: Flags, f: &Found) -> CmdResult<(Scope, u8)> {
    if fl.pane {
        return f
            .pane
            .map(|p| (Scope::Pane(p), PANE))
            .ok_or_else(|| missing("pane", f));
    }
    if fl.window {
        if fl.global {
            return Ok((Scope::GlobalWindow, WINDOW));
        }
        return f
            .window
            .map(|w| (Scope::Window(w), WINDOW))
            .ok_or_else(|| missing("window", f));
    }
    if fl.global {
        return Ok((Scope::GlobalSession, SESSION));
    }
    f.session
        .map(|s| (Scope::Session(s), SESSION))
        .ok_or_else(|| missing("session", f))
}

/// What a hook command is stored as: parsed by the command language and printed back as tmux
/// prints it (`display hi` is `display-message hi`).
fn canonical(text: &str) -> CmdResult<String> {
    if text.trim().is_empty() {
        return Err(CmdError::invalid("empty value"));
    }
    crate::keys::print::from_text(text)
        .map(|c| c.join(" ; "))
        .map_err(CmdError::invalid)
}

/// `set-hook [-agpRuw] [-t TARGET] HOOK [COMMAND]`.
///
/// # Errors
/// tmux's: `invalid option: H`, `ambiguous option: H`, `no such session: T`, `empty value`.
#[allow(clippy::too_many_arguments)]
pub fn set_hook(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    hook: &str,
    command: Option<&str>,
    fl: Flags,
    append: bool,
    unset: bool,
    run: bool,
) -> CmdResult {
    let reg = state.registry();
    let f = find(&reg, target, caller)?;
    if run {
        let (name, _) = match_hook(hook)?;
        let ctx = Context {
            session: f.session,
            window: f.window,
            pane: f.pane,
            client: None,
        };
        drop(reg);
        state.hooks.fire(name, ctx);
        return Ok(Response::Ok);
    }
    let (name, idx) = match_hook(hook)?;
    let bits = HOOKS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(SESSION, |h| h.1);
    let scope = scope_from_name(bits, fl, &f)?;
    drop(reg);
    let mut store = lock(&state.hooks.store);
    let global = matches!(scope, Scope::GlobalSession | Scope::GlobalWindow);
    if unset {
        let set = store.sets.entry(scope).or_default();
        match idx {
            Some(i) => {
                if let Some(items) = set.get_mut(name) {
                    items.remove(&i);
                }
            }
            None if global => {
                set.insert(name.to_owned(), Items::new());
            }
            None => {
                set.remove(name);
            }
        }
        return Ok(Response::Ok);
    }
    let Some(command) = command else {
        return Err(CmdError::invalid("empty value"));
    };
    let text = canonical(command)?;
    let items = store
        .sets
        .entry(scope)
        .or_default()
        .entry(name.to_owned())
        .or_default();
    match idx {
        Some(i) => {
            items.insert(i, text);
        }
        None => {
            if !append {
                items.clear();
            }
            let next = (0..).find(|i| !items.contains_key(i)).unwrap_or(0);
            items.insert(next, text);
        }
    }
    drop(store);
    if VIEW_HOOKS.contains(&name) {
        // The first look to compare with is taken now, so that the next change fires.
        view_baseline(state);
    }
    Ok(Response::Ok)
}

/// `show-hooks [-gpw] [-t TARGET] [HOOK]`: tmux's lines (`name[i] command`, a bare name for a
/// hook set to nothing).
///
/// # Errors
/// As [`set_hook`].
pub fn show_hooks(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    hook: Option<&str>,
    fl: Flags,
) -> CmdResult {
    let f = {
        let reg = state.registry();
        find(&reg, target, caller)?
    };
    let store = lock(&state.hooks.store);
    let mut out = Vec::new();
    let print = |out: &mut Vec<String>, name: &str, items: &Items, idx: Option<u32>| match idx {
        Some(i) => out.push(format!(
            "{name}[{i}] {}",
            items.get(&i).map(String::as_str).unwrap_or("")
        )),
        None if items.is_empty() => out.push(name.to_owned()),
        None => out.extend(items.iter().map(|(i, c)| format!("{name}[{i}] {c}"))),
    };
    match hook {
        None => {
            let (scope, bits) = scope_from_flags(fl, &f)?;
            for (name, b) in HOOKS {
                if b & bits == 0 {
                    continue;
                }
                if let Some(items) = store.get_only(scope, name) {
                    print(&mut out, name, items, None);
                }
            }
        }
        Some(h) => {
            let (name, idx) = match_hook(h)?;
            let bits = HOOKS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(SESSION, |h| h.1);
            let scope = scope_from_name(bits, fl, &f)?;
            if let Some(items) = store.get_only(scope, name) {
                print(&mut out, name, items, idx);
            }
        }
    }
    Ok(Response::Lines(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_tmux() {
        let mut st = Store::default();
        let s = SessionId(1);
        let w = WindowId(2);
        let p = PaneId(3);
        let ctx = Context {
            session: Some(s),
            window: Some(w),
            pane: Some(p),
            client: None,
        };
        assert!(st.lookup("session-created", &ctx).is_empty());
        st.sets.entry(Scope::GlobalSession).or_default().insert(
            "session-created".into(),
            Items::from([(0, "a".into()), (1, "b".into())]),
        );
        assert_eq!(st.lookup("session-created", &ctx), ["a", "b"]);
        st.sets
            .entry(Scope::Session(s))
            .or_default()
            .insert("session-created".into(), Items::from([(0, "c".into())]));
        assert_eq!(st.lookup("session-created", &ctx), ["c"]);
        st.sets
            .entry(Scope::Window(w))
            .or_default()
            .insert("pane-exited".into(), Items::from([(0, "w".into())]));
        assert_eq!(st.lookup("pane-exited", &ctx), ["w"]);
        st.sets
            .entry(Scope::Pane(p))
            .or_default()
            .insert("pane-exited".into(), Items::from([(0, "p".into())]));
        assert_eq!(st.lookup("pane-exited", &ctx), ["p"]);
        assert!(match_hook("after-new-w").is_ok());
        assert!(match_hook("after-s").is_err());
        assert!(match_hook("nosuch").is_err());
    }
}
