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
}

impl Default for Hooks {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Hooks {
            store: Mutex::new(Store::default()),
            tx,
            rx: Mutex::new(Some(rx)),
            alerts: Default::default(),
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
                s.hooks.fire(
                    name,
                    Context {
                        session: e.session,
                        window: e.window,
                        pane: e.pane,
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
            let commands = lock(&state.hooks.store).lookup(&f.name, &f.ctx);
            for c in commands {
                if let Err(e) = IN_HOOK.scope(true, run_text(&state, &c, f.ctx)).await {
                    tracing::warn!(hook = %f.name, command = %c, "hook failed: {e}");
                }
            }
        }
    });
}

tokio::task_local! {
    /// Set while a hook's commands run: they fire no `after-` hooks (tmux `CMDQ_STATE_NOHOOKS`).
    static IN_HOOK: bool;
}

/// Whether the current task runs a hook's commands.
pub fn in_hook() -> bool {
    IN_HOOK.try_with(|v| *v).unwrap_or(false)
}

/// Runs tmux command text (a binding's or a hook's) for the objects of `ctx`.
///
/// # Errors
/// A parse error or the first failing command's message.
pub async fn run_text(state: &Arc<ServerState>, text: &str, ctx: Context) -> Result<(), String> {
    let caller = match ctx.pane {
        Some(p) => Some(p),
        None => {
            let reg = state.registry();
            let t = ctx
                .window
                .map(|w| w.to_string())
                .or_else(|| ctx.session.map(|s| s.to_string()));
            t.and_then(|t| reg.resolve_pane(Some(&t), None).ok())
        }
    };
    let client = crate::lang::Client {
        caller,
        ..Default::default()
    };
    let out = crate::lang::run_command_text(state, text, None, &client).await;
    if out.exit_code != 0 {
        let e = String::from_utf8_lossy(&out.stderr);
        return Err(e.trim_end().to_owned());
    }
    Ok(())
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

/// The hooks that fire when a command changed what a session shows (tmux notify.c callers:
/// `session_set_current`, `window_set_active_pane`, `window_pane_update_focus`, layout-set.c
/// and friends).
const VIEW_HOOKS: [&str; 5] = [
    "pane-focus-out",
    "pane-focus-in",
    "window-pane-changed",
    "session-window-changed",
    "window-layout-changed",
];

/// What a command may change that [`VIEW_HOOKS`] report: each session's current window, each
/// window's active pane and layout (tmux's layout string), and the focused panes.
#[derive(Debug, Default)]
pub struct View {
    current: BTreeMap<SessionId, WindowId>,
    active: BTreeMap<WindowId, (SessionId, PaneId)>,
    layouts: BTreeMap<WindowId, String>,
    focused: BTreeSet<PaneId>,
    /// `select-layout` and friends: its window and how many times tmux notifies (the layout
    /// function and the command each fire `window-layout-changed`, changed or not).
    select_layout: Option<(WindowId, usize)>,
}

impl Store {
    /// Whether any scope has commands for hook `name`.
    fn any_set(&self, name: &str) -> bool {
        self.sets
            .values()
            .any(|set| set.get(name).is_some_and(|i| !i.is_empty()))
    }
}

/// tmux `window_pane_update_focus`: with the `focus-events` server option on, the focused
/// panes are the active panes of the current windows of sessions with a client attached.
fn view_now(state: &ServerState) -> View {
    let focus = matches!(
        lock(&state.options_store)
            .effective("focus-events", None, None, None)
            .as_deref(),
        Some("on" | "1")
    );
    let reg = state.registry();
    let mut v = View::default();
    for s in reg.sessions.values() {
        v.current.insert(s.id, s.active_window);
        if focus && s.attached > 0 {
            if let Some(w) = reg.windows.get(&s.active_window) {
                v.focused.insert(w.active_pane);
            }
        }
    }
    for w in reg.windows.values() {
        v.active.insert(w.id, (w.session, w.active_pane));
        v.layouts.insert(w.id, w.layout.dump());
    }
    v
}

/// Before a request runs: what it may change, when a hook of [`VIEW_HOOKS`] has commands and
/// the request can change them (`None` otherwise: nothing is computed).
pub fn view_before(state: &ServerState, req: &Request, caller: Option<PaneId>) -> Option<View> {
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
    );
    if !may_change || in_hook() {
        return None;
    }
    let watched = {
        let store = lock(&state.hooks.store);
        VIEW_HOOKS.iter().any(|h| store.any_set(h))
    };
    let mut v = watched.then(|| view_now(state))?;
    if let Request::SelectLayout { target, spread, .. } = req {
        let reg = state.registry();
        let w = crate::commands::layout::resolve_window(&reg, target.as_deref(), caller).ok();
        v.select_layout = w.map(|w| (w, if *spread { 1 } else { 2 }));
    }
    Some(v)
}

/// After the request: fires, once each, `pane-focus-out` and `pane-focus-in` for panes that
/// lost or gained the focus, `window-pane-changed` for windows whose active pane changed,
/// `window-layout-changed` for windows whose layout changed (twice after `select-layout`,
/// changed or not, as tmux), and
/// `session-window-changed` for sessions whose current window changed (objects that no longer
/// exist fire nothing).
pub fn view_after(state: &ServerState, before: Option<View>, ok: bool) {
    let Some(b) = before else { return };
    if !ok {
        return;
    }
    let a = view_now(state);
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
    for (w, (_, p)) in &a.active {
        if b.active.get(w).is_some_and(|(_, old)| old != p) {
            state.hooks.fire("window-pane-changed", win_ctx(*w));
        }
    }
    // A new window fires none (tmux notifies before the window is linked to a session: no
    // hook runs).
    for (w, l) in &a.layouts {
        let times = match b.select_layout {
            Some((sw, n)) if sw == *w => n,
            _ => usize::from(b.layouts.get(w).is_some_and(|old| old != l)),
        };
        for _ in 0..times {
            state.hooks.fire("window-layout-changed", win_ctx(*w));
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

/// Fires a client notification (tmux `notify_client`: `client-resized`,
/// `client-session-changed`) for the client's session, its current window and active pane.
pub fn fire_for_session(state: &ServerState, name: &str, sid: SessionId) {
    let ctx = {
        let reg = state.registry();
        context_of(&reg, Some(&sid.to_string()), None)
    };
    if ctx.session.is_some() {
        state.hooks.fire(name, ctx);
    }
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
