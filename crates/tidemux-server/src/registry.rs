//! The object model: sessions hold windows, windows hold panes in a [`Layout`].
//!
//! Ids are allocated from counters and never reused during a server's life. Target strings are
//! resolved here (grammar in `docs/cli.md`, after tmux(1) "COMMANDS: target-session,
//! target-window, target-pane").

use crate::error::{CmdError, CmdResult};
use crate::layout::{Layout, Rect};
use crate::pane::Pane;
use std::collections::BTreeMap;
use std::sync::Arc;
use tidemux_proto::{
    Event, EventKind, PaneId, PaneInfo, SessionId, SessionInfo, WindowId, WindowInfo,
};

/// A session.
#[derive(Debug)]
pub struct Session {
    /// `$N`.
    pub id: SessionId,
    /// Unique name.
    pub name: String,
    /// Windows by index.
    pub windows: BTreeMap<u32, WindowId>,
    /// Current window.
    pub active_window: WindowId,
    /// Which index of `active_window` is current when that window is linked more than once
    /// into this session (tmux's `s->curw` is a winlink); `None` or stale: its lowest index
    /// here. Read it through [`Registry::current_winlink`].
    pub current_index: Option<u32>,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Most-recently-used clock value.
    pub last_used: u64,
    /// tmux's session `activity_time` as a clock value: set when the session is created and
    /// when a client attaches or switches to it (tmux `session_update_activity`), not by
    /// commands. tmux's target rules pick the "best" session by it.
    pub activity_clock: u64,
    /// History limit for new panes, lines.
    pub history_limit: usize,
    /// Keep dead panes.
    pub remain_on_exit: bool,
    /// Size of new windows (cols, rows).
    pub size: (u16, u16),
    /// Number of attached clients.
    pub attached: u32,
    /// Woken after every parsed slice of output of this session's panes: its attached
    /// clients redraw (clients of other sessions are not woken).
    pub activity: Arc<tokio::sync::Notify>,
}

/// A window.
#[derive(Debug)]
pub struct Window {
    /// `@N`.
    pub id: WindowId,
    /// The session of the window's first winlink (its owner for events and native targets).
    pub session: SessionId,
    /// The index of that winlink in `session`.
    pub index: u32,
    /// The window's other winlinks (tmux `link-window`, grouped sessions): (session, index),
    /// oldest first; empty for a window linked once. Invariant, kept by the [`Registry`]
    /// methods ([`Registry::link_window`], [`Registry::unlink_winlink`],
    /// [`Registry::remove_window`], [`Registry::remove_session`],
    /// [`Registry::resync_winlinks`]): `(session, index)` and every pair here name an entry
    /// `sessions[s].windows[i] == id`, and every entry of a session's map is one of them.
    pub links: Vec<(SessionId, u32)>,
    /// Name.
    pub name: String,
    /// Width in cells.
    pub cols: u16,
    /// Height in cells.
    pub rows: u16,
    /// The size the window takes while its `window-size` option is `manual` (tmux
    /// `w->manual_sx`, `manual_sy`): its size when created, then the last `resize-window`'s
    /// (cols, rows). See `commands::resize`.
    pub manual: (u16, u16),
    /// Pane layout.
    pub layout: Layout,
    /// Active pane.
    pub active_pane: PaneId,
    /// The pane filling the window while zoomed.
    pub zoomed: Option<PaneId>,
}

impl Window {
    /// The window's full rectangle.
    pub fn rect(&self) -> Rect {
        Rect {
            left: 0,
            top: 0,
            cols: self.cols,
            rows: self.rows,
        }
    }
    /// Panes with their rectangles, in pane index order (ignores zoom).
    pub fn geometry(&self) -> Vec<(PaneId, Rect)> {
        self.layout.geometry()
    }

    /// Makes `p` the active pane (tmux `window_set_active_pane`): the previous one becomes the
    /// window's last pane (`last-pane`, `select-pane -l`). False if it already was active.
    pub fn set_active(&mut self, p: PaneId) -> bool {
        if p == self.active_pane {
            return false;
        }
        self.layout.note_active(self.active_pane, p);
        self.active_pane = p;
        true
    }

    /// What is shown: the zoomed pane filling the window, or every pane.
    pub fn visible_geometry(&self) -> Vec<(PaneId, Rect)> {
        match self.zoomed.filter(|z| self.layout.contains(*z)) {
            Some(z) => vec![(z, self.rect())],
            None => self.geometry(),
        }
    }
}

/// A pane's place in the model.
#[derive(Debug)]
pub struct PaneEntry {
    /// The pane itself.
    pub pane: Arc<Pane>,
    /// Owning window.
    pub window: WindowId,
    /// Name given by `rename-pane`.
    pub name: Option<String>,
    /// Keep the pane once its process exits (`--remain-on-exit` on the command that made it).
    pub remain_on_exit: bool,
    /// The git worktree the pane was started in: (path, branch).
    pub worktree: Option<(String, String)>,
}

/// What a target string resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// A session.
    Session(SessionId),
    /// A window.
    Window(WindowId),
    /// A pane.
    Pane(PaneId),
}

/// Whether a target is tmux's "last" token (`!` or `{last}`).
fn is_last(t: &str) -> bool {
    matches!(t, "!" | "{last}")
}

/// The cell tmux `window_find_string` looks at for an edge token (`top`, `{top}`, `bottom-left`
/// ...) in a window of `size` (cols, rows).
fn edge_point(t: &str, (sx, sy): (u16, u16)) -> Option<(u16, u16)> {
    let t = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t)
        .to_ascii_lowercase();
    let (mid_x, mid_y, right, bottom) =
        (sx / 2, sy / 2, sx.saturating_sub(1), sy.saturating_sub(1));
    Some(match t.as_str() {
        "top" => (mid_x, 0),
        "bottom" => (mid_x, bottom),
        "left" => (0, mid_y),
        "right" => (right, mid_y),
        "top-left" => (0, 0),
        "top-right" => (right, 0),
        "bottom-left" => (0, bottom),
        "bottom-right" => (right, bottom),
        _ => return None,
    })
}

/// All sessions, windows and panes.
#[derive(Debug, Default)]
pub struct Registry {
    /// Sessions by id.
    pub sessions: BTreeMap<SessionId, Session>,
    /// Windows by id.
    pub windows: BTreeMap<WindowId, Window>,
    /// Panes by id.
    pub panes: BTreeMap<PaneId, PaneEntry>,
    /// Recently closed panes; a pane's record is added in the same critical section that takes
    /// it out of `panes`, so a lookup always finds one or the other.
    pub closed: crate::closed::ClosedPanes,
    /// `new-session`s whose process is starting (outside the lock): the server is not empty
    /// while one is in flight.
    pub pending_sessions: usize,
    /// The marked pane (`select-pane -m`, target `{marked}`, default source of `swap-pane`
    /// and `join-pane`); cleared when it closes.
    pub marked: Option<PaneId>,
    /// Per session, the windows that were current before, most recent first (tmux
    /// `session->lastw`; `last-window`, target `{last}`).
    pub last_windows: BTreeMap<SessionId, Vec<WindowId>>,
    /// `pane-base-index` as targets and pane indexes need it (kept in step with the options by
    /// `commands::options::sync_pane_base`): the global window value.
    pub pane_base_global: u32,
    /// `pane-base-index` of the windows that set their own.
    pub pane_base_local: BTreeMap<WindowId, u32>,
    /// Alert flags of windows (tmux `WINLINK_ACTIVITY`, `WINLINK_BELL`, `WINLINK_SILENCE`:
    /// bits of `commands::alerts`), set by the alerts task, cleared when the window becomes
    /// its session's current window.
    pub alerts: BTreeMap<WindowId, u8>,
    next_session: u32,
    next_window: u32,
    next_pane: u32,
    clock: u64,
}

/// Result of removing objects: the panes whose process must be hung up, the panes whose
/// size changed, and the `*-closed` events to publish.
#[derive(Debug, Default)]
pub struct Removed {
    /// Panes taken out of the model.
    pub panes: Vec<Arc<Pane>>,
    /// Panes to resize (pane, rows, cols).
    pub resized: Vec<(Arc<Pane>, u16, u16)>,
    /// Events to publish.
    pub events: Vec<Event>,
}

/// An event about an object, with its owners filled in.
pub fn event(
    kind: EventKind,
    session: Option<SessionId>,
    window: Option<WindowId>,
    pane: Option<PaneId>,
) -> Event {
    Event {
        session,
        window,
        pane,
        ..Event::new(kind)
    }
}

impl Registry {
    /// No session, and none being created: the server may exit (tmux `exit-empty`).
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.pending_sessions == 0
    }

    /// The id counters and the most-recently-used clock: (next session, next window, next
    /// pane, clock). A live upgrade carries them over so that ids are never reused.
    pub fn counters(&self) -> (u32, u32, u32, u64) {
        (
            self.next_session,
            self.next_window,
            self.next_pane,
            self.clock,
        )
    }

    /// Sets what [`Registry::counters`] returned (live upgrade).
    pub fn set_counters(&mut self, (s, w, p, clock): (u32, u32, u32, u64)) {
        self.next_session = s;
        self.next_window = w;
        self.next_pane = p;
        self.clock = clock;
    }

    /// A fresh session id.
    pub fn alloc_session(&mut self) -> SessionId {
        self.next_session += 1;
        SessionId(self.next_session - 1)
    }
    /// A fresh window id.
    pub fn alloc_window(&mut self) -> WindowId {
        self.next_window += 1;
        WindowId(self.next_window - 1)
    }
    /// A fresh pane id.
    pub fn alloc_pane(&mut self) -> PaneId {
        self.next_pane += 1;
        PaneId(self.next_pane - 1)
    }
    /// Marks a session as most recently used.
    pub fn touch(&mut self, s: SessionId) {
        self.clock += 1;
        if let Some(sess) = self.sessions.get_mut(&s) {
            sess.last_used = self.clock;
        }
    }
    /// Marks a session as used by a client (attach, switch-client): most recently used, and
    /// its tmux activity time now.
    pub fn touch_attached(&mut self, s: SessionId) {
        self.touch(s);
        if let Some(sess) = self.sessions.get_mut(&s) {
            sess.activity_clock = sess.last_used;
        }
    }

    /// The next clock value (for new sessions).
    pub fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The (session, window) owning a pane.
    pub fn owners(&self, p: PaneId) -> (Option<SessionId>, Option<WindowId>) {
        let w = self.panes.get(&p).map(|e| e.window);
        (w.and_then(|w| self.windows.get(&w)).map(|w| w.session), w)
    }

    /// Looks up a pane entry.
    pub fn pane(&self, p: PaneId) -> CmdResult<&PaneEntry> {
        self.panes
            .get(&p)
            .ok_or_else(|| CmdError::not_found(format!("no pane {p}")))
    }
    /// Looks up a window.
    pub fn window(&self, w: WindowId) -> CmdResult<&Window> {
        self.windows
            .get(&w)
            .ok_or_else(|| CmdError::not_found(format!("no window {w}")))
    }
    /// Looks up a session.
    pub fn session(&self, s: SessionId) -> CmdResult<&Session> {
        self.sessions
            .get(&s)
            .ok_or_else(|| CmdError::not_found(format!("no session {s}")))
    }

    fn session_names(&self) -> String {
        if self.sessions.is_empty() {
            return "none".into();
        }
        self.sessions
            .values()
            .map(|s| format!("{} ({})", s.name, s.id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Resolves a target string (or the default: the caller's pane, else the most recently
    /// used session).
    ///
    /// # Errors
    /// NotFound / Ambiguous with the candidates listed.
    pub fn resolve(&self, target: Option<&str>, caller: Option<PaneId>) -> CmdResult<Resolved> {
        let Some(t) = target.filter(|t| !t.is_empty()) else {
            return self.default_target(caller);
        };
        if matches!(t, "{marked}" | "~") {
            return self.marked_pane().map(Resolved::Pane);
        }
        if is_last(t) {
            // tmux cmd_find_target tries a pane first: the current window's last pane.
            let wid = match self.default_target(caller)? {
                Resolved::Pane(p) => self.pane(p)?.window,
                Resolved::Window(w) => w,
                Resolved::Session(s) => self.session(s)?.active_window,
            };
            return self.pane_in(wid, t).map(Resolved::Pane);
        }
        if let Some(rest) = t.strip_prefix('%') {
            let _ = rest;
            let p: PaneId = t.parse().map_err(CmdError::invalid)?;
            self.pane(p).map_err(|_| {
                CmdError::not_found(format!("no pane {p}; panes: {}", self.pane_list()))
            })?;
            return Ok(Resolved::Pane(p));
        }
        if t.starts_with('@') && !t.contains('.') {
            let w: WindowId = t.parse().map_err(CmdError::invalid)?;
            self.window(w)?;
            return Ok(Resolved::Window(w));
        }
        if t.starts_with('$') && !t.contains(':') {
            let s: SessionId = t.parse().map_err(CmdError::invalid)?;
            self.session(s).map_err(|_| {
                CmdError::not_found(format!(
                    "no session {s}; sessions: {}",
                    self.session_names()
                ))
            })?;
            return Ok(Resolved::Session(s));
        }
        if let Some((sess, rest)) = t.split_once(':') {
            let sid = if sess.is_empty() {
                self.default_session(caller)?
            } else {
                self.session_by_name(sess)?
            };
            if rest.is_empty() {
                return Ok(Resolved::Session(sid));
            }
            if let Ok(w) = self.window_in(sid, rest) {
                return Ok(Resolved::Window(w));
            }
            if let Some((win, pane)) = rest.rsplit_once('.') {
                let wid = if win.is_empty() {
                    self.session(sid)?.active_window
                } else {
                    self.window_in(sid, win)?
                };
                return self.pane_in(wid, pane).map(Resolved::Pane);
            }
            return self.window_in(sid, rest).map(Resolved::Window);
        }
        if let Some(pane) = t.strip_prefix('.') {
            let sid = self.default_session(caller)?;
            let wid = self.session(sid)?.active_window;
            return self.pane_in(wid, pane).map(Resolved::Pane);
        }
        let sessions: Vec<SessionId> = self
            .sessions
            .values()
            .filter(|s| s.name == t)
            .map(|s| s.id)
            .collect();
        let panes: Vec<PaneId> = self
            .panes
            .iter()
            .filter(|(_, e)| e.name.as_deref() == Some(t))
            .map(|(id, _)| *id)
            .collect();
        match (sessions.as_slice(), panes.as_slice()) {
            ([s], []) => Ok(Resolved::Session(*s)),
            ([], [p]) => Ok(Resolved::Pane(*p)),
            ([], []) => Err(CmdError::not_found(format!(
                "unknown target '{t}'; sessions: {}; named panes: {}; targets are %N, @N, $N, SESSION, SESSION:WINDOW, SESSION:WINDOW.PANE or a pane name",
                self.session_names(),
                self.named_panes()
            ))),
            _ => Err(CmdError::ambiguous(format!(
                "target '{t}' is ambiguous: it names {}; use an id instead",
                sessions
                    .iter()
                    .map(|s| format!("session {s}"))
                    .chain(panes.iter().map(|p| format!("pane {p}")))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ))),
        }
    }

    fn pane_list(&self) -> String {
        if self.panes.is_empty() {
            return "none".into();
        }
        self.panes
            .keys()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn named_panes(&self) -> String {
        let v: Vec<String> = self
            .panes
            .iter()
            .filter_map(|(id, e)| e.name.as_ref().map(|n| format!("{n} ({id})")))
            .collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    }

    fn session_by_name(&self, name: &str) -> CmdResult<SessionId> {
        if name.starts_with('$') {
            let s: SessionId = name.parse().map_err(CmdError::invalid)?;
            self.session(s)?;
            return Ok(s);
        }
        self.sessions
            .values()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .ok_or_else(|| {
                CmdError::not_found(format!(
                    "no session '{name}'; sessions: {}",
                    self.session_names()
                ))
            })
    }

    /// The marked pane (`select-pane -m`; targets `{marked}`, `~`).
    ///
    /// # Errors
    /// `no marked target` when no pane is marked.
    pub fn marked_pane(&self) -> CmdResult<PaneId> {
        self.marked
            .filter(|m| self.panes.contains_key(m))
            .ok_or_else(|| CmdError::not_found("no marked target"))
    }

    /// `pane-base-index` of window `w` (tmux: a pane's index is its position plus this).
    pub fn pane_base(&self, w: WindowId) -> u32 {
        self.pane_base_local
            .get(&w)
            .copied()
            .unwrap_or(self.pane_base_global)
    }

    /// tmux cmd-find.c `cmd_find_get_window_with_session` special tokens: `{last}` / `!`
    /// (the previously current window), `{start}` / `^`, `{end}` / `$`, `{next}` / `+N`,
    /// `{previous}` / `-N` (by index, wrapping as tmux's `winlink_next_by_number`).
    fn window_token(&self, sid: SessionId, w: &str) -> Option<CmdResult<WindowId>> {
        let sess = self.sessions.get(&sid)?;
        let not_found =
            |what: &str| CmdError::not_found(format!("no {what} window in session {}", sess.name));
        let step = |n: i64| -> CmdResult<WindowId> {
            let idx: Vec<u32> = sess.windows.keys().copied().collect();
            let cur = self.windows.get(&sess.active_window).map_or(0, |x| x.index);
            let pos = idx.iter().position(|i| *i == cur).unwrap_or(0) as i64;
            let len = idx.len().max(1) as i64;
            let at = (pos + n).rem_euclid(len) as usize;
            idx.get(at)
                .and_then(|i| sess.windows.get(i).copied())
                .ok_or_else(|| not_found("such"))
        };
        Some(match w {
            "{last}" | "!" => self.last_window(sid).ok_or_else(|| not_found("last")),
            "{start}" | "^" => sess
                .windows
                .values()
                .next()
                .copied()
                .ok_or_else(|| not_found("first")),
            "{end}" | "$" => sess
                .windows
                .values()
                .next_back()
                .copied()
                .ok_or_else(|| not_found("last")),
            "{next}" | "+" => step(1),
            "{previous}" | "-" => step(-1),
            _ => {
                let (sign, n) = (w.as_bytes().first()?, w.get(1..)?.parse::<i64>().ok()?);
                match sign {
                    b'+' => step(n),
                    b'-' => step(-n),
                    _ => return None,
                }
            }
        })
    }

    /// tmux cmd-find.c `cmd_find_get_pane_with_window` special tokens: `{last}` / `!` (the
    /// previously active pane), `{next}` / `+N`, `{previous}` / `-N` (by index, wrapping),
    /// `{top}`, `{bottom}`, `{left}`, `{right}`, `{top-left}`... (tmux `window_find_string`:
    /// the pane at that edge's middle or corner; the bare words too, unless a pane has that
    /// name).
    fn pane_token(&self, wid: WindowId, p: &str) -> Option<CmdResult<PaneId>> {
        let win = self.windows.get(&wid)?;
        let panes = win.layout.panes();
        let step = |n: i64| -> CmdResult<PaneId> {
            let pos = panes
                .iter()
                .position(|x| *x == win.active_pane)
                .unwrap_or(0) as i64;
            let len = panes.len().max(1) as i64;
            panes
                .get((pos + n).rem_euclid(len) as usize)
                .copied()
                .ok_or_else(|| CmdError::not_found(format!("no panes in window {wid}")))
        };
        Some(match p {
            "{last}" | "!" => win
                .layout
                .last_pane()
                .ok_or_else(|| CmdError::not_found(format!("no last pane in window {wid}"))),
            "{next}" | "+" => step(1),
            "{previous}" | "-" => step(-1),
            _ if edge_point(p, (0, 0)).is_some() => {
                let named = panes
                    .iter()
                    .any(|x| self.panes.get(x).and_then(|e| e.name.as_deref()) == Some(p));
                if named {
                    return None;
                }
                let (x, y) = edge_point(p, (win.cols, win.rows))?;
                // tmux window_get_active_at: a pane owns its right and bottom border.
                win.geometry()
                    .into_iter()
                    .find(|(_, r)| {
                        (r.left..=r.left + r.cols).contains(&x)
                            && (r.top..=r.top + r.rows).contains(&y)
                    })
                    .map(|(id, _)| id)
                    .ok_or_else(|| CmdError::not_found(format!("no pane at {p} in window {wid}")))
            }
            _ => {
                let (sign, n) = (p.as_bytes().first()?, p.get(1..)?.parse::<i64>().ok()?);
                match sign {
                    b'+' => step(n),
                    b'-' => step(-n),
                    _ => return None,
                }
            }
        })
    }

    fn window_in(&self, sid: SessionId, w: &str) -> CmdResult<WindowId> {
        if let Some(r) = self.window_token(sid, w) {
            return r;
        }
        let sess = self.session(sid)?;
        if w.starts_with('@') {
            let id: WindowId = w.parse().map_err(CmdError::invalid)?;
            if self.index_in(sid, id).is_some() {
                return Ok(id);
            }
        } else if let Ok(idx) = w.parse::<u32>() {
            if let Some(id) = sess.windows.get(&idx) {
                return Ok(*id);
            }
        } else {
            let found: Vec<WindowId> = sess
                .windows
                .values()
                .filter(|id| self.windows.get(id).is_some_and(|win| win.name == w))
                .copied()
                .collect();
            match found.as_slice() {
                [one] => return Ok(*one),
                [] => {}
                many => {
                    return Err(CmdError::ambiguous(format!(
                        "window name '{w}' is ambiguous in session {}: {}",
                        sess.name,
                        many.iter()
                            .map(|w| w.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
            }
        }
        let list: Vec<String> = sess
            .windows
            .iter()
            .filter_map(|(i, id)| {
                self.windows
                    .get(id)
                    .map(|win| format!("{i}:{} ({id})", win.name))
            })
            .collect();
        Err(CmdError::not_found(format!(
            "no window '{w}' in session {}; windows: {}",
            sess.name,
            list.join(", ")
        )))
    }

    fn pane_in(&self, wid: WindowId, p: &str) -> CmdResult<PaneId> {
        if let Some(r) = self.pane_token(wid, p) {
            return r;
        }
        let win = self.window(wid)?;
        let geo = win.geometry();
        let base = self.pane_base(wid) as usize;
        if p.starts_with('%') {
            let id: PaneId = p.parse().map_err(CmdError::invalid)?;
            if geo.iter().any(|(g, _)| *g == id) {
                return Ok(id);
            }
        } else if let Ok(idx) = p.parse::<usize>() {
            if let Some((id, _)) = idx.checked_sub(base).and_then(|i| geo.get(i)) {
                return Ok(*id);
            }
        } else if let Some((id, _)) = geo
            .iter()
            .find(|(id, _)| self.panes.get(id).and_then(|e| e.name.as_deref()) == Some(p))
        {
            return Ok(*id);
        }
        Err(CmdError::not_found(format!(
            "no pane '{p}' in window {}; panes: {}",
            win.id,
            geo.iter()
                .enumerate()
                .map(|(i, (id, _))| format!("{} ({id})", i + base))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }

    fn default_session(&self, caller: Option<PaneId>) -> CmdResult<SessionId> {
        match self.default_target(caller)? {
            Resolved::Pane(p) => Ok(self.window(self.pane(p)?.window)?.session),
            Resolved::Session(s) => Ok(s),
            Resolved::Window(w) => Ok(self.window(w)?.session),
        }
    }

    fn default_target(&self, caller: Option<PaneId>) -> CmdResult<Resolved> {
        if let Some(p) = caller.filter(|p| self.panes.contains_key(p)) {
            return Ok(Resolved::Pane(p));
        }
        self.sessions
            .values()
            .max_by_key(|s| s.last_used)
            .map(|s| Resolved::Session(s.id))
            .ok_or_else(|| CmdError::not_found("no sessions"))
    }

    /// Resolves to a pane (a session or window means its active pane).
    ///
    /// # Errors
    /// As [`Registry::resolve`].
    pub fn resolve_pane(&self, t: Option<&str>, caller: Option<PaneId>) -> CmdResult<PaneId> {
        match self.resolve(t, caller)? {
            Resolved::Pane(p) => Ok(p),
            Resolved::Window(w) => Ok(self.window(w)?.active_pane),
            Resolved::Session(s) => Ok(self.window(self.session(s)?.active_window)?.active_pane),
        }
    }

    /// Resolves to a window (a pane means its window, a session its current window).
    ///
    /// # Errors
    /// As [`Registry::resolve`].
    pub fn resolve_window(&self, t: Option<&str>, caller: Option<PaneId>) -> CmdResult<WindowId> {
        if let Some(tok) = t.filter(|t| is_last(t)) {
            // A window command's bare `!` / `{last}` is the session's last window.
            let sid = self.default_session(caller)?;
            return self.window_in(sid, tok);
        }
        match self.resolve(t, caller)? {
            Resolved::Pane(p) => Ok(self.pane(p)?.window),
            Resolved::Window(w) => Ok(w),
            Resolved::Session(s) => Ok(self.session(s)?.active_window),
        }
    }

    /// Resolves to a window's winlink: (session, index, window). A target naming the session
    /// (`S:W`) means the window's winlink there (at that index when `W` is one); otherwise
    /// the window's [`Registry::canonical_winlink`].
    ///
    /// # Errors
    /// As [`Registry::resolve`].
    pub fn resolve_winlink(
        &self,
        t: Option<&str>,
        caller: Option<PaneId>,
    ) -> CmdResult<(SessionId, u32, WindowId)> {
        let w = self.resolve_window(t, caller)?;
        if let Some((sess, rest)) = t.and_then(|t| t.split_once(':')) {
            let sid = if sess.is_empty() {
                self.default_session(caller).ok()
            } else {
                self.session_by_name(sess).ok()
            };
            if let Some(sid) = sid {
                let win = rest.split('.').next().unwrap_or("");
                if let Ok(i) = win.parse::<u32>() {
                    if self.sessions.get(&sid).and_then(|s| s.windows.get(&i)) == Some(&w) {
                        return Ok((sid, i, w));
                    }
                }
                if rest.is_empty() {
                    if let Some((i, cw)) = self.current_winlink(sid) {
                        return Ok((sid, i, cw));
                    }
                }
                if let Some(i) = self.index_in(sid, w) {
                    return Ok((sid, i, w));
                }
            }
        }
        let (s, i) = match self.canonical_winlink(w) {
            Some(x) => x,
            None => {
                let win = self.window(w)?;
                (win.session, win.index)
            }
        };
        Ok((s, i, w))
    }

    /// Resolves to a session.
    ///
    /// # Errors
    /// As [`Registry::resolve`].
    pub fn resolve_session(&self, t: Option<&str>, caller: Option<PaneId>) -> CmdResult<SessionId> {
        match self.resolve(t, caller)? {
            Resolved::Pane(p) => Ok(self.window(self.pane(p)?.window)?.session),
            Resolved::Window(w) => Ok(self.window(w)?.session),
            Resolved::Session(s) => Ok(s),
        }
    }

    /// Fits the window's layout to the window's size (tmux `layout_resize`, a no-op when it
    /// fits) and applies it to its panes' PTYs and screens.
    pub fn relayout(&mut self, wid: WindowId, out: &mut Vec<(Arc<Pane>, u16, u16)>) {
        let Some(win) = self.windows.get_mut(&wid) else {
            return;
        };
        if win.layout.size() != (u32::from(win.cols), u32::from(win.rows)) {
            win.layout.resize(win.cols, win.rows);
        }
        let win = &self.windows[&wid];
        for (p, r) in win.visible_geometry() {
            if let Some(e) = self.panes.get(&p) {
                out.push((Arc::clone(&e.pane), r.rows, r.cols));
            }
        }
    }

    /// Removes a pane from its window (and the window or session if they become empty).
    pub fn remove_pane(&mut self, p: PaneId, out: &mut Removed) {
        if let Some(c) = self.closed_record(p) {
            self.closed.push(c);
        }
        let Some(entry) = self.panes.remove(&p) else {
            return;
        };
        out.panes.push(entry.pane);
        let wid = entry.window;
        let sid = self.windows.get(&wid).map(|w| w.session);
        out.events
            .push(event(EventKind::PaneClosed, sid, Some(wid), Some(p)));
        let Some(win) = self.windows.get_mut(&wid) else {
            return;
        };
        if self.marked == Some(p) {
            self.marked = None;
        }
        match win.layout.remove_pane(p, win.active_pane) {
            Some(active) => {
                win.active_pane = active;
                if win.zoomed == Some(p) {
                    win.zoomed = None;
                }
                self.relayout(wid, &mut out.resized);
            }
            None => self.remove_window(wid, out),
        }
    }

    /// Removes a window and its panes from every session it is linked into (tmux
    /// `server_kill_window`), closing the sessions it leaves empty.
    pub fn remove_window(&mut self, wid: WindowId, out: &mut Removed) {
        let records: Vec<crate::closed::ClosedPane> = self
            .pane_rows(wid)
            .into_iter()
            .map(PaneRow::complete)
            .filter_map(|i| self.closed_record_of(i))
            .collect();
        let Some(win) = self.windows.remove(&wid) else {
            return;
        };
        self.alerts.remove(&wid);
        for c in records {
            self.closed.push(c);
        }
        for p in win.layout.panes().to_vec() {
            if self.marked == Some(p) {
                self.marked = None;
            }
            if let Some(e) = self.panes.remove(&p) {
                out.panes.push(e.pane);
                out.events.push(event(
                    EventKind::PaneClosed,
                    Some(win.session),
                    Some(wid),
                    Some(p),
                ));
            }
        }
        out.events.push(event(
            EventKind::WindowClosed,
            Some(win.session),
            Some(wid),
            None,
        ));
        let mut holders = vec![win.session];
        for (s, _) in &win.links {
            if !holders.contains(s) {
                holders.push(*s);
            }
        }
        for sid in holders {
            self.forget_in_session(sid, wid, None, out);
        }
    }

    /// Takes window `wid` out of session `sid`'s map: at index `only` or, with `None`, at
    /// every index. The session's current window moves on as tmux `session_detach` does (its
    /// last window, else the previous index, else the highest); a session left empty closes.
    /// Does not touch the window's own record.
    fn forget_in_session(
        &mut self,
        sid: SessionId,
        wid: WindowId,
        only: Option<u32>,
        out: &mut Removed,
    ) {
        let current = self.current_winlink(sid);
        let Some(sess) = self.sessions.get_mut(&sid) else {
            return;
        };
        match only {
            Some(i) => {
                if sess.windows.get(&i) == Some(&wid) {
                    sess.windows.remove(&i);
                }
            }
            None => sess.windows.retain(|_, w| *w != wid),
        }
        let still_here = sess.windows.values().any(|w| *w == wid);
        if !still_here {
            if let Some(stack) = self.last_windows.get_mut(&sid) {
                stack.retain(|w| *w != wid);
            }
        }
        if sess.windows.is_empty() {
            self.sessions.remove(&sid);
            self.last_windows.remove(&sid);
            out.events
                .push(event(EventKind::SessionClosed, Some(sid), None, None));
            return;
        }
        let Some((cur_idx, cur_w)) = current else {
            return;
        };
        if cur_w != wid || sess.windows.get(&cur_idx) == Some(&wid) {
            return;
        }
        // The current winlink went: tmux `session_detach`.
        let prev = sess
            .windows
            .range(..cur_idx)
            .next_back()
            .or_else(|| sess.windows.iter().next_back())
            .map(|(i, w)| (*i, *w));
        let next = match self.last_window(sid).filter(|w| *w != wid || still_here) {
            Some(w) => self.index_in(sid, w).map(|i| (i, w)),
            None => prev,
        };
        if let Some((i, w)) = next {
            if let Some(sess) = self.sessions.get_mut(&sid) {
                sess.active_window = w;
                sess.current_index = Some(i);
            }
            self.alerts.remove(&w);
            if let Some(stack) = self.last_windows.get_mut(&sid) {
                stack.retain(|x| *x != w);
            }
        }
    }

    /// Removes a session (tmux `session_destroy`): the windows linked only into it close with
    /// their panes; a window also linked elsewhere just loses this session's winlinks.
    pub fn remove_session(&mut self, sid: SessionId, out: &mut Removed) {
        let mut wins: Vec<WindowId> = self
            .sessions
            .get(&sid)
            .map(|s| s.windows.values().copied().collect())
            .unwrap_or_default();
        wins.dedup();
        for w in wins {
            let elsewhere = self.winlinks(w).iter().any(|(s, _)| *s != sid);
            if elsewhere {
                self.strip_session_links(w, sid);
            } else {
                self.remove_window(w, out);
            }
        }
        self.last_windows.remove(&sid);
        if self.sessions.remove(&sid).is_some() {
            out.events
                .push(event(EventKind::SessionClosed, Some(sid), None, None));
        }
    }

    /// Drops session `sid`'s winlinks from window `wid`'s record (the session map is the
    /// caller's); when its first winlink was there, the next one becomes the first.
    fn strip_session_links(&mut self, wid: WindowId, sid: SessionId) {
        let Some(w) = self.windows.get_mut(&wid) else {
            return;
        };
        w.links.retain(|(s, _)| *s != sid);
        if w.session == sid && !w.links.is_empty() {
            let (s, i) = w.links.remove(0);
            w.session = s;
            w.index = i;
        }
    }

    /// Every winlink of a window: (session, index), its first winlink first.
    pub fn winlinks(&self, wid: WindowId) -> Vec<(SessionId, u32)> {
        self.windows
            .get(&wid)
            .map(|w| {
                std::iter::once((w.session, w.index))
                    .chain(w.links.iter().copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The lowest index at which window `wid` is linked into session `sid`.
    pub fn index_in(&self, sid: SessionId, wid: WindowId) -> Option<u32> {
        let w = self.windows.get(&wid)?;
        std::iter::once((w.session, w.index))
            .chain(w.links.iter().copied())
            .filter(|(s, _)| *s == sid)
            .map(|(_, i)| i)
            .min()
    }

    /// Session `sid`'s current winlink: (index, window).
    pub fn current_winlink(&self, sid: SessionId) -> Option<(u32, WindowId)> {
        let s = self.sessions.get(&sid)?;
        let w = s.active_window;
        if let Some(i) = s.current_index {
            if s.windows.get(&i) == Some(&w) {
                return Some((i, w));
            }
        }
        let i = self.index_in(sid, w).or_else(|| {
            // The window's record is already gone (remove_window): the session's map.
            s.windows.iter().find(|(_, x)| **x == w).map(|(i, _)| *i)
        })?;
        Some((i, w))
    }

    /// Makes the winlink at index `idx` of session `sid` current (`select-window -t S:IDX`
    /// when a window is linked there more than once).
    ///
    /// # Errors
    /// NotFound when the session has no window at `idx`.
    pub fn set_current_winlink(&mut self, sid: SessionId, idx: u32) -> CmdResult<()> {
        let w = self
            .session(sid)?
            .windows
            .get(&idx)
            .copied()
            .ok_or_else(|| CmdError::not_found(format!("can't find window: {idx}")))?;
        let before = self.current_winlink(sid);
        self.set_current_window(sid, w);
        if let Some(s) = self.sessions.get_mut(&sid) {
            s.current_index = Some(idx);
        }
        if before.is_some_and(|(i, bw)| bw == w && i != idx) {
            // Another winlink of the same window was current: it is the last one now (the
            // stack holds windows, so the window itself).
            let stack = self.last_windows.entry(sid).or_default();
            stack.retain(|x| *x != w);
            stack.insert(0, w);
        }
        Ok(())
    }

    /// The winlink a window's formats and targets use when no session is named (tmux
    /// `cmd_find_best_session_with_window` then `cmd_find_best_winlink_with_window`): the
    /// most recently used session holding it, there its current winlink if it shows the
    /// window, else its lowest index.
    pub fn canonical_winlink(&self, wid: WindowId) -> Option<(SessionId, u32)> {
        let w = self.windows.get(&wid)?;
        if w.links.is_empty() {
            return Some((w.session, w.index));
        }
        let mut holders: Vec<&Session> = self
            .winlinks(wid)
            .iter()
            .filter_map(|(s, _)| self.sessions.get(s))
            .collect();
        holders.sort_by(|a, b| a.name.cmp(&b.name));
        holders.dedup_by_key(|s| s.id);
        let mut best: Option<&Session> = None;
        for s in holders {
            if best.is_none_or(|b| s.activity_clock > b.activity_clock) {
                best = Some(s);
            }
        }
        let sid = best?.id;
        match self.current_winlink(sid) {
            Some((i, cw)) if cw == wid => Some((sid, i)),
            _ => Some((sid, self.index_in(sid, wid)?)),
        }
    }

    /// Links window `wid` into session `sid` at the free index `idx` (tmux `session_attach`);
    /// its size is left to the recalculation after the command (a window no session with
    /// clients shows keeps its size, as tmux).
    ///
    /// # Errors
    /// Invalid when `idx` is in use; NotFound for a missing session or window.
    pub fn link_window(&mut self, wid: WindowId, sid: SessionId, idx: u32) -> CmdResult<()> {
        self.window(wid)?;
        let sess = self.session(sid)?;
        if sess.windows.contains_key(&idx) {
            return Err(CmdError::invalid(format!("index in use: {idx}")));
        }
        if let Some(s) = self.sessions.get_mut(&sid) {
            s.windows.insert(idx, wid);
        }
        if let Some(w) = self.windows.get_mut(&wid) {
            w.links.push((sid, idx));
        }
        Ok(())
    }

    /// A new session named `name` holding every window of session `from` at the same indexes,
    /// its current winlink the same (`new-session -t`, tmux's grouped session as it starts;
    /// later windows are not shared). It shares `from`'s activity signal, since its windows
    /// are `from`'s.
    ///
    /// # Errors
    /// NotFound when `from` is gone.
    pub fn new_grouped_session(
        &mut self,
        from: SessionId,
        name: String,
        created: u64,
    ) -> CmdResult<SessionId> {
        let src = self.session(from)?;
        let windows = src.windows.clone();
        let (history_limit, remain_on_exit, size) =
            (src.history_limit, src.remain_on_exit, src.size);
        let activity = Arc::clone(&src.activity);
        let (cur_i, cur_w) = self
            .current_winlink(from)
            .ok_or_else(|| CmdError::not_found(format!("session {from} has no window")))?;
        let sid = self.alloc_session();
        let clock = self.tick();
        for (i, w) in &windows {
            if let Some(win) = self.windows.get_mut(w) {
                win.links.push((sid, *i));
            }
        }
        self.sessions.insert(
            sid,
            Session {
                id: sid,
                name,
                windows,
                active_window: cur_w,
                current_index: Some(cur_i),
                created,
                last_used: clock,
                activity_clock: clock,
                history_limit,
                remain_on_exit,
                size,
                attached: 0,
                activity,
            },
        );
        Ok(sid)
    }

    /// Links window `wid` into session `sid` at index `idx` in place of the window there
    /// (`link-window -k`, tmux `server_link_window` with `killflag`): that window loses this
    /// winlink and closes if it was its last; the session is never left empty. Returns
    /// whether the replaced winlink was the session's current one.
    ///
    /// # Errors
    /// NotFound for a missing session or window.
    pub fn replace_winlink(
        &mut self,
        wid: WindowId,
        sid: SessionId,
        idx: u32,
        out: &mut Removed,
    ) -> CmdResult<bool> {
        self.window(wid)?;
        let old = self.session(sid)?.windows.get(&idx).copied();
        let was_current = old.is_some() && self.current_winlink(sid).map(|c| c.0) == Some(idx);
        let Some(old) = old else {
            self.link_window(wid, sid, idx)?;
            return Ok(false);
        };
        if let Some(s) = self.sessions.get_mut(&sid) {
            s.windows.insert(idx, wid);
        }
        if let Some(w) = self.windows.get_mut(&wid) {
            w.links.push((sid, idx));
        }
        if self.winlinks(old).len() > 1 {
            if let Some(w) = self.windows.get_mut(&old) {
                if (w.session, w.index) == (sid, idx) {
                    let (s, i) = w.links.remove(0);
                    w.session = s;
                    w.index = i;
                } else {
                    w.links.retain(|l| *l != (sid, idx));
                }
            }
        } else {
            self.remove_window(old, out);
        }
        Ok(was_current)
    }

    /// Unlinks the winlink at index `idx` of session `sid` (tmux `server_unlink_window`): the
    /// window stays in its other winlinks; its last winlink going closes it with its panes.
    /// Returns false when there was no window at `idx`.
    pub fn unlink_winlink(&mut self, sid: SessionId, idx: u32, out: &mut Removed) -> bool {
        let Some(wid) = self
            .sessions
            .get(&sid)
            .and_then(|s| s.windows.get(&idx))
            .copied()
        else {
            return false;
        };
        if self.winlinks(wid).len() <= 1 {
            self.remove_window(wid, out);
            return true;
        }
        if let Some(w) = self.windows.get_mut(&wid) {
            if (w.session, w.index) == (sid, idx) {
                let (s, i) = w.links.remove(0);
                w.session = s;
                w.index = i;
            } else {
                w.links.retain(|l| *l != (sid, idx));
            }
        }
        self.forget_in_session(sid, wid, Some(idx), out);
        true
    }

    /// Makes the windows' winlink records agree with session `sid`'s map again after its
    /// indexes changed (renumbering, shuffling, moves): each window's winlinks in `sid` are
    /// the indexes the map gives it, the lowest one first when `sid` holds its first winlink.
    pub fn resync_winlinks(&mut self, sid: SessionId) {
        let mut at: BTreeMap<WindowId, Vec<u32>> = BTreeMap::new();
        if let Some(s) = self.sessions.get(&sid) {
            for (i, w) in &s.windows {
                at.entry(*w).or_default().push(*i);
            }
        }
        for (wid, w) in self.windows.iter_mut() {
            let idxs = at.get(wid);
            if idxs.is_none() && !w.links.iter().any(|(s, _)| *s == sid) {
                continue;
            }
            w.links.retain(|(s, _)| *s != sid);
            let Some(idxs) = idxs else {
                if w.session == sid && !w.links.is_empty() {
                    // Its first winlink went: the next one becomes the first.
                    let (s, i) = w.links.remove(0);
                    w.session = s;
                    w.index = i;
                }
                continue;
            };
            let mut rest = idxs.as_slice();
            if w.session == sid {
                w.index = idxs[0];
                rest = &idxs[1..];
            }
            w.links.extend(rest.iter().map(|i| (sid, *i)));
        }
    }

    /// Makes `w` the current window of session `s` (tmux `session_set_current`): the
    /// previous current window goes on top of the session's last-window stack.
    pub fn set_current_window(&mut self, s: SessionId, w: WindowId) {
        let Some(sess) = self.sessions.get_mut(&s) else {
            return;
        };
        let old = sess.active_window;
        if old == w {
            return;
        }
        sess.active_window = w;
        sess.current_index = None;
        self.alerts.remove(&w);
        let stack = self.last_windows.entry(s).or_default();
        stack.retain(|x| *x != w && *x != old);
        stack.insert(0, old);
        stack.truncate(1000);
    }

    /// The window session `s` had current before (tmux `TAILQ_FIRST(&s->lastw)`).
    pub fn last_window(&self, s: SessionId) -> Option<WindowId> {
        let sess = self.sessions.get(&s)?;
        self.last_windows
            .get(&s)?
            .iter()
            .find(|w| sess.windows.values().any(|x| x == *w))
            .copied()
    }

    /// `list-sessions` row.
    pub fn session_info(&self, s: &Session) -> SessionInfo {
        SessionInfo {
            id: s.id,
            name: s.name.clone(),
            windows: s.windows.len() as u32,
            active_window: s.active_window,
            created: s.created,
            attached: s.attached,
        }
    }

    /// `list-windows` row of a window's first winlink.
    pub fn window_info(&self, w: &Window) -> WindowInfo {
        self.window_info_at(w, w.session, w.index)
    }

    /// `list-windows` row of window `w` at its winlink (session `sid`, index `idx`).
    pub fn window_info_at(&self, w: &Window, sid: SessionId, idx: u32) -> WindowInfo {
        let sess = self.sessions.get(&sid);
        WindowInfo {
            id: w.id,
            session: sid,
            session_name: sess.map(|s| s.name.clone()).unwrap_or_default(),
            index: idx,
            name: w.name.clone(),
            cols: w.cols,
            rows: w.rows,
            active: self.current_winlink(sid) == Some((idx, w.id)),
            panes: w.layout.len() as u32,
            active_pane: w.active_pane,
        }
    }

    /// `list-panes` rows of one window, in layout order, as far as the model knows them.
    /// Takes no pane lock: complete each with [`PaneRow::complete`] after releasing the
    /// registry.
    pub fn pane_rows(&self, wid: WindowId) -> Vec<PaneRow> {
        let Some(w) = self.windows.get(&wid) else {
            return Vec::new();
        };
        self.pane_rows_at(wid, w.session, w.index)
    }

    /// [`Registry::pane_rows`] of window `wid` at its winlink (session `sid`, index `idx`).
    pub fn pane_rows_at(&self, wid: WindowId, sid: SessionId, idx: u32) -> Vec<PaneRow> {
        let Some(w) = self.windows.get(&wid) else {
            return Vec::new();
        };
        let sess_name = self
            .sessions
            .get(&sid)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        w.geometry()
            .into_iter()
            .enumerate()
            .filter_map(|(i, (pid, r))| {
                let e = self.panes.get(&pid)?;
                Some(PaneRow {
                    pane: Arc::clone(&e.pane),
                    name: e.name.clone(),
                    window: w.id,
                    window_index: idx,
                    window_name: w.name.clone(),
                    session: sid,
                    session_name: sess_name.clone(),
                    index: i as u32 + self.pane_base(w.id),
                    rect: r,
                    active: w.active_pane == pid,
                    worktree: e.worktree.clone(),
                })
            })
            .collect()
    }

    /// The record kept once pane `p` closes: its row now and its final screen. Takes the
    /// pane's lock and reads `/proc` under the registry lock: only for a pane being closed.
    pub fn closed_record(&self, p: PaneId) -> Option<crate::closed::ClosedPane> {
        self.pane_row(p)
            .ok()
            .map(PaneRow::complete)
            .and_then(|i| self.closed_record_of(i))
    }

    fn closed_record_of(&self, info: PaneInfo) -> Option<crate::closed::ClosedPane> {
        let e = self.panes.get(&info.id)?;
        let screen = {
            let mut st = e.pane.state();
            let range = tidemux_proto::ReadRange::Lines(crate::closed::KEPT_HISTORY_LINES);
            crate::commands::io::capture(info.id, &mut st, range, false).ok()?
        };
        Some(crate::closed::ClosedPane::new(info, screen, &e.pane))
    }

    /// One pane's row.
    ///
    /// # Errors
    /// NotFound when the pane is not in the model.
    pub fn pane_row(&self, p: PaneId) -> CmdResult<PaneRow> {
        let e = self.pane(p)?;
        self.pane_rows(e.window)
            .into_iter()
            .find(|r| r.pane.id == p)
            .ok_or_else(|| CmdError::not_found(format!("no pane {p}")))
    }
}

/// What the model says about a pane for `list-panes`; [`PaneRow::complete`] adds what its
/// state and `/proc` say.
#[derive(Debug)]
pub struct PaneRow {
    /// The pane.
    pub pane: Arc<Pane>,
    name: Option<String>,
    window: WindowId,
    window_index: u32,
    window_name: String,
    session: SessionId,
    session_name: String,
    index: u32,
    rect: Rect,
    active: bool,
    /// The pane's git worktree and branch (`--worktree`), if any.
    worktree: Option<(String, String)>,
}

impl PaneRow {
    /// The full `list-panes` row. Takes the pane lock (for a snapshot) and reads `/proc`:
    /// blocking, so call it with no registry lock held and off the async runtime.
    pub fn complete(self) -> PaneInfo {
        let p = &self.pane;
        let fg = p.foreground_pid().or(p.pid);
        let process = fg.and_then(crate::pane::proc::process);
        let cwd = fg.and_then(crate::pane::proc::cwd);
        self.info(process, cwd)
    }

    /// The `list-panes` row without the fields that need `/proc` (`foreground` and `cwd` are
    /// `None`): the pane lock only, no system calls per pane (`ListPanes.brief`).
    pub fn brief(self) -> PaneInfo {
        self.info(None, None)
    }

    fn info(self, process: Option<tidemux_proto::Process>, cwd: Option<String>) -> PaneInfo {
        let p = &self.pane;
        let mut st = p.state();
        st.screen.sync();
        let (hl, hlim, hb) = st.screen.history_stats();
        let dead = st.exit.is_some();
        PaneInfo {
            id: p.id,
            name: self.name,
            window: self.window,
            window_index: self.window_index,
            window_name: self.window_name,
            session: self.session,
            session_name: self.session_name,
            index: self.index,
            cols: self.rect.cols,
            rows: self.rect.rows,
            left: self.rect.left,
            top: self.rect.top,
            active: self.active,
            command: p.command.clone(),
            pid: if dead { None } else { p.pid },
            dead,
            exit: st.exit.clone(),
            title: st.screen.title().to_owned(),
            seq: st.seq,
            bells: st.screen.bells(),
            history_lines: hl as u64,
            history_limit: hlim as u64,
            history_bytes: hb as u64,
            state: st.run.state(),
            foreground: if dead { None } else { process },
            cwd: if dead { None } else { cwd },
            quiet_secs: st.screen.changed_at().elapsed().as_secs_f64(),
            bell: st.bell,
            attention: st.attention.is_some(),
            attention_message: st.attention.clone(),
            closed_at: None,
            worktree: self.worktree.as_ref().map(|w| w.0.clone()),
            branch: self.worktree.as_ref().map(|w| w.1.clone()),
            state_message: st.run.reported_message().map(str::to_owned),
        }
    }
}
