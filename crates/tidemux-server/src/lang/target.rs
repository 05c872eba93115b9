//! tmux's target grammar (tmux(1) "COMMANDS", target-session / target-window / target-pane): a
//! port of tmux 3.3a's `cmd-find.c` over a [`World`], a plain snapshot of the model, so the
//! grammar is one pure function tested table-driven.
//!
//! Grammar: `session:window.pane`, any part may be empty (the current one); `$N`, `@N`, `%N`
//! ids; `=name` exact; a session or window name, else a unique name prefix, else a unique
//! fnmatch(3) pattern; window `+N`/`-N` (offsets), `!` `^` `$` and their `{last}` `{start}`
//! `{end}` `{next}` `{previous}` tokens; pane `!`, `+N`/`-N`, an index (pane-base-index), `top`,
//! `bottom`, `left`, `right`, `top-left`..., `{up-of}` `{down-of}` `{left-of}` `{right-of}`;
//! `~`/`{marked}`. A plain word is a session, window or pane depending on what the command
//! wants, and falls back from pane to window to session. Errors are tmux's texts:
//! `can't find session: X`, `can't find window: X`, `can't find pane: X`, `no current target`,
//! `no marked target`, `can't specify pane here`.

use super::table::FindKind;
use crate::format::fnmatch::fnmatch;
use std::collections::BTreeMap;

/// A session as the grammar sees it.
#[derive(Debug, Clone, Default)]
pub struct SessionV {
    /// `$N`.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Activity clock (larger is more recent: the "best" session).
    pub activity: u64,
    /// Attached clients.
    pub attached: u32,
    /// Current window index.
    pub curw: u32,
    /// Previously current window indexes, most recent first.
    pub lastw: Vec<u32>,
    /// Window index -> window id.
    pub winlinks: BTreeMap<u32, u32>,
}

/// A window as the grammar sees it.
#[derive(Debug, Clone, Default)]
pub struct WindowV {
    /// `@N`.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Active pane id.
    pub active: u32,
    /// Previously active pane id.
    pub last: Option<u32>,
    /// Panes in tmux order with their geometry (x, y, width, height).
    pub panes: Vec<(u32, (u32, u32, u32, u32))>,
    /// Size (width, height).
    pub size: (u32, u32),
    /// `pane-base-index`.
    pub pane_base: u32,
}

/// What targets resolve against.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Sessions, sorted by name (tmux's session tree order).
    pub sessions: Vec<SessionV>,
    /// Windows by id.
    pub windows: BTreeMap<u32, WindowV>,
    /// The marked pane: (session, window index, pane).
    pub marked: Option<(u32, u32, u32)>,
    /// The pane the command comes from (`$TMUX_PANE`), if any.
    pub caller: Option<u32>,
    /// The current state when it is fixed by who runs the command (a hook's commands run
    /// with the hook's objects, tmux notify.c `cmdq_new_state(&fs)`); wins over `caller`.
    pub fixed: Option<Found>,
}

/// A resolved target (tmux `struct cmd_find_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Session id.
    pub session: u32,
    /// Window index (with `window_index`, an index that may not exist yet; -1: "the next
    /// free index", from `$S:` or no target).
    pub idx: i64,
    /// Window id (None only for an index-only window target).
    pub window: Option<u32>,
    /// Pane id (None only for an index-only window target).
    pub pane: Option<u32>,
}

/// Options of one lookup (tmux `CMD_FIND_*` flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct FindFlags {
    /// `CMD_FIND_WINDOW_INDEX`: a window index that does not exist is fine (new-window -t).
    pub window_index: bool,
    /// `CMD_FIND_DEFAULT_MARKED`: the default is the marked pane when there is one.
    pub default_marked: bool,
    /// `CMD_FIND_PREFER_UNATTACHED`.
    pub prefer_unattached: bool,
}

struct Fs<'a> {
    w: &'a World,
    flags: FindFlags,
    exact_session: bool,
    exact_window: bool,
    s: Option<usize>,
    idx: i64,
    win: Option<u32>,
    wp: Option<u32>,
    cur: Found,
}

impl World {
    fn session_ix(&self, id: u32) -> Option<usize> {
        self.sessions.iter().position(|s| s.id == id)
    }

    fn session_better(&self, s: &SessionV, than: Option<&SessionV>, f: FindFlags) -> bool {
        let Some(t) = than else { return true };
        if f.prefer_unattached {
            if t.attached != 0 && s.attached == 0 {
                return true;
            } else if t.attached == 0 && s.attached != 0 {
                return false;
            }
        }
        s.activity > t.activity
    }

    fn best_session(&self, among: &[usize], f: FindFlags) -> Option<usize> {
        let mut best: Option<usize> = None;
        for &i in among {
            if self.session_better(&self.sessions[i], best.map(|b| &self.sessions[b]), f) {
                best = Some(i);
            }
        }
        best
    }

    fn window_of_pane(&self, p: u32) -> Option<u32> {
        self.windows
            .values()
            .find(|w| w.panes.iter().any(|(id, _)| *id == p))
            .map(|w| w.id)
    }

    /// The current state (tmux `cmd_find_from_client` for a command client: inside a pane,
    /// the best session holding it, that session's current window and its active pane; else
    /// `cmd_find_from_nothing`: the best session).
    pub fn current(&self, f: FindFlags) -> Option<Found> {
        if self.fixed.is_some() {
            return self.fixed;
        }
        if let Some(w) = self.caller.and_then(|p| self.window_of_pane(p)) {
            let holders: Vec<usize> = (0..self.sessions.len())
                .filter(|&i| self.sessions[i].winlinks.values().any(|x| *x == w))
                .collect();
            if let Some(s) = self.best_session(&holders, f) {
                return self.session_state(s);
            }
        }
        let all: Vec<usize> = (0..self.sessions.len()).collect();
        self.best_session(&all, f)
            .and_then(|s| self.session_state(s))
    }

    fn session_state(&self, s: usize) -> Option<Found> {
        let sess = &self.sessions[s];
        let wid = *sess.winlinks.get(&sess.curw)?;
        let win = self.windows.get(&wid)?;
        Some(Found {
            session: sess.id,
            idx: i64::from(sess.curw),
            window: Some(wid),
            pane: Some(win.active),
        })
    }

    /// Resolves `target` (None or empty: the current) for a command wanting `kind`.
    ///
    /// # Errors
    /// tmux's message for the part that did not resolve.
    pub fn find(
        &self,
        target: Option<&str>,
        kind: FindKind,
        flags: FindFlags,
    ) -> Result<Found, String> {
        let cur = if flags.default_marked && self.marked.is_some() {
            let (s, i, p) = self.marked.unwrap_or_default();
            let sess = self.session_ix(s).map(|x| &self.sessions[x]);
            Found {
                session: s,
                idx: i64::from(i),
                window: sess.and_then(|x| x.winlinks.get(&i).copied()),
                pane: Some(p),
            }
        } else {
            self.current(flags).ok_or("no current target")?
        };
        let mut fs = Fs {
            w: self,
            flags,
            exact_session: false,
            exact_window: false,
            s: None,
            idx: -1,
            win: None,
            wp: None,
            cur,
        };
        let target = target.unwrap_or("");
        if target.is_empty() {
            let mut f = cur;
            if flags.window_index {
                f.idx = -1;
            }
            return Ok(f);
        }
        if target == "=" || target == "{mouse}" {
            return Err("no mouse target".into());
        }
        if target == "~" || target == "{marked}" {
            let Some((s, i, p)) = self.marked else {
                return Err("no marked target".into());
            };
            let sess = self.session_ix(s).map(|x| &self.sessions[x]);
            return Ok(Found {
                session: s,
                idx: i64::from(i),
                window: sess.and_then(|x| x.winlinks.get(&i).copied()),
                pane: Some(p),
            });
        }
        let (mut session, mut window, mut pane);
        let (mut window_only, mut pane_only) = (false, false);
        match target.split_once(':') {
            Some((s, rest)) => {
                session = Some(s);
                window_only = true;
                match rest.split_once('.') {
                    Some((w, p)) => {
                        window = Some(w);
                        pane = Some(p);
                        pane_only = true;
                    }
                    None => {
                        window = Some(rest);
                        pane = None;
                    }
                }
            }
            None => match target.split_once('.') {
                Some((w, p)) => {
                    session = None;
                    window = Some(w);
                    pane = Some(p);
                    pane_only = true;
                }
                None => {
                    session = None;
                    window = None;
                    pane = None;
                    if target.starts_with('$') {
                        session = Some(target);
                    } else if target.starts_with('@') {
                        window = Some(target);
                    } else if target.starts_with('%') {
                        pane = Some(target);
                    } else {
                        match kind {
                            FindKind::Session => session = Some(target),
                            FindKind::Window => window = Some(target),
                            FindKind::Pane => pane = Some(target),
                        }
                    }
                }
            },
        }
        if let Some(s) = session.and_then(|s| s.strip_prefix('=')) {
            session = Some(s);
            fs.exact_session = true;
        }
        if let Some(w) = window.and_then(|w| w.strip_prefix('=')) {
            window = Some(w);
            fs.exact_window = true;
        }
        session = session.filter(|s| !s.is_empty());
        window = window.filter(|s| !s.is_empty()).map(map_window);
        pane = pane.filter(|s| !s.is_empty()).map(map_pane);

        if pane.is_some() && flags.window_index {
            return Err("can't specify pane here".into());
        }
        let no_session = |s: &str| format!("can't find session: {s}");
        let no_window = |s: &str| format!("can't find window: {s}");
        let no_pane = |s: &str| format!("can't find pane: {s}");
        if let Some(sname) = session {
            if !fs.get_session(sname) {
                return Err(no_session(sname));
            }
            match (window, pane) {
                (None, None) => {
                    let s = &self.sessions[fs.s.unwrap_or(0)];
                    fs.idx = -1;
                    fs.win = s.winlinks.get(&s.curw).copied();
                    fs.wp = fs.win.and_then(|w| self.windows.get(&w)).map(|w| w.active);
                }
                (Some(w), None) => {
                    if !fs.get_window_with_session(w) {
                        return Err(no_window(w));
                    }
                    if fs.win.is_some() {
                        fs.wp = fs.win.and_then(|w| self.windows.get(&w)).map(|w| w.active);
                    }
                }
                (None, Some(p)) => {
                    if !fs.get_pane_with_session(p) {
                        return Err(no_pane(p));
                    }
                }
                (Some(w), Some(p)) => {
                    if !fs.get_window_with_session(w) {
                        return Err(no_window(w));
                    }
                    if !fs.get_pane_with_window(p) {
                        return Err(no_pane(p));
                    }
                }
            }
        } else {
            match (window, pane) {
                (Some(w), Some(p)) => {
                    if !fs.get_window(w, window_only) {
                        return Err(no_window(w));
                    }
                    if !fs.get_pane_with_window(p) {
                        return Err(no_pane(p));
                    }
                }
                (Some(w), None) => {
                    if !fs.get_window(w, window_only) {
                        return Err(no_window(w));
                    }
                    if fs.win.is_some() {
                        fs.wp = fs.win.and_then(|w| self.windows.get(&w)).map(|w| w.active);
                    }
                }
                (None, Some(p)) => {
                    if !fs.get_pane(p, pane_only) {
                        return Err(no_pane(p));
                    }
                }
                (None, None) => {
                    let mut f = cur;
                    if flags.window_index {
                        f.idx = -1;
                    }
                    return Ok(f);
                }
            }
        }
        let s = fs.s.map(|i| self.sessions[i].id).unwrap_or(cur.session);
        Ok(Found {
            session: s,
            idx: fs.idx,
            window: fs.win,
            pane: fs.wp,
        })
    }
}

fn map_window(w: &str) -> &str {
    match w {
        "{start}" => "^",
        "{last}" => "!",
        "{end}" => "$",
        "{next}" => "+",
        "{previous}" => "-",
        o => o,
    }
}

fn map_pane(p: &str) -> &str {
    match p {
        "{last}" => "!",
        "{next}" => "+",
        "{previous}" => "-",
        "{top}" => "top",
        "{bottom}" => "bottom",
        "{left}" => "left",
        "{right}" => "right",
        "{top-left}" => "top-left",
        "{top-right}" => "top-right",
        "{bottom-left}" => "bottom-left",
        "{bottom-right}" => "bottom-right",
        o => o,
    }
}

/// The number after an id's sigil (`$3`, `@3`, `%3`).
fn id_after(s: &str) -> Option<u32> {
    s.get(1..)?.parse().ok()
}

/// tmux `strtonum(s, lo, INT_MAX)`: decimal digits only (with an optional sign), in range.
fn strtonum(s: &str, lo: i64) -> Option<i64> {
    let v: i64 = s.parse().ok()?;
    (lo..=i64::from(i32::MAX)).contains(&v).then_some(v)
}

impl Fs<'_> {
    fn sess(&self) -> Option<&SessionV> {
        self.s.map(|i| &self.w.sessions[i])
    }

    fn get_session(&mut self, name: &str) -> bool {
        let w = self.w;
        if name.starts_with('$') {
            let id = id_after(name);
            self.s = id.and_then(|id| w.session_ix(id));
            return self.s.is_some();
        }
        if let Some(i) = w.sessions.iter().position(|s| s.name == name) {
            self.s = Some(i);
            return true;
        }
        if self.exact_session {
            return false;
        }
        let pick = |m: &dyn Fn(&SessionV) -> bool| -> Result<Option<usize>, ()> {
            let mut found = None;
            for (i, s) in w.sessions.iter().enumerate() {
                if m(s) {
                    if found.is_some() {
                        return Err(());
                    }
                    found = Some(i);
                }
            }
            Ok(found)
        };
        match pick(&|s| s.name.starts_with(name)) {
            Err(()) => return false,
            Ok(Some(i)) => {
                self.s = Some(i);
                return true;
            }
            Ok(None) => {}
        }
        match pick(&|s| fnmatch(name, &s.name, false)) {
            Ok(Some(i)) => {
                self.s = Some(i);
                true
            }
            _ => false,
        }
    }

    fn best_session_with_window(&mut self) -> bool {
        let Some(wid) = self.win else { return false };
        let holders: Vec<usize> = (0..self.w.sessions.len())
            .filter(|&i| self.w.sessions[i].winlinks.values().any(|x| *x == wid))
            .collect();
        self.s = self.w.best_session(&holders, self.flags);
        self.s.is_some() && self.best_winlink_with_window()
    }

    fn best_winlink_with_window(&mut self) -> bool {
        let (Some(s), Some(wid)) = (self.sess(), self.win) else {
            return false;
        };
        let idx = if s.winlinks.get(&s.curw) == Some(&wid) {
            Some(s.curw)
        } else {
            s.winlinks.iter().find(|(_, w)| **w == wid).map(|(i, _)| *i)
        };
        match idx {
            Some(i) => {
                self.idx = i64::from(i);
                true
            }
            None => false,
        }
    }

    fn set_wl(&mut self, idx: u32) -> bool {
        let Some(s) = self.sess() else { return false };
        match s.winlinks.get(&idx).copied() {
            Some(w) => {
                self.idx = i64::from(idx);
                self.win = Some(w);
                true
            }
            None => false,
        }
    }

    fn get_window(&mut self, window: &str, only: bool) -> bool {
        if window.starts_with('@') {
            self.win = id_after(window).filter(|w| self.w.windows.contains_key(w));
            return self.win.is_some() && self.best_session_with_window();
        }
        self.s = self.w.session_ix(self.cur.session);
        if self.get_window_with_session(window) {
            return true;
        }
        if !only && self.get_session(window) {
            let s = &self.w.sessions[self.s.unwrap_or(0)];
            self.win = s.winlinks.get(&s.curw).copied();
            if !self.flags.window_index {
                self.idx = i64::from(s.curw);
            }
            return true;
        }
        false
    }

    fn get_window_with_session(&mut self, window: &str) -> bool {
        let Some(s) = self.sess().cloned() else {
            return false;
        };
        let exact = self.exact_window;
        self.win = s.winlinks.get(&s.curw).copied();
        if window.starts_with('@') {
            let id = id_after(window);
            self.win = id.filter(|id| s.winlinks.values().any(|w| w == id));
            return self.win.is_some() && self.best_winlink_with_window();
        }
        let first = window.as_bytes()[0];
        if !exact && (first == b'+' || first == b'-') {
            let n = if window.len() > 1 {
                strtonum(&window[1..], 1).unwrap_or(0)
            } else {
                1
            };
            let cur = i64::from(s.curw);
            if self.flags.window_index {
                if first == b'+' {
                    self.idx = cur + n;
                } else {
                    if n > cur {
                        return false;
                    }
                    self.idx = cur - n;
                }
                return true;
            }
            let keys: Vec<u32> = s.winlinks.keys().copied().collect();
            if let Some(pos) = keys.iter().position(|k| *k == s.curw) {
                let len = keys.len() as i64;
                let p = pos as i64;
                let np = if first == b'+' {
                    (p + n).rem_euclid(len)
                } else {
                    (p - n).rem_euclid(len)
                };
                return self.set_wl(keys[np as usize]);
            }
        }
        if !exact {
            match window {
                "!" => return s.lastw.first().is_some_and(|i| self.set_wl(*i)),
                "^" => return s.winlinks.keys().next().is_some_and(|i| self.set_wl(*i)),
                "$" => {
                    return s
                        .winlinks
                        .keys()
                        .next_back()
                        .is_some_and(|i| self.set_wl(*i))
                }
                _ => {}
            }
        }
        if first != b'+' && first != b'-' {
            if let Some(idx) = strtonum(window, 0) {
                if self.set_wl(idx as u32) {
                    return true;
                }
                if self.flags.window_index {
                    self.idx = idx;
                    self.win = None;
                    return true;
                }
            }
        }
        let name_of = |w: &u32| self.w.windows.get(w).map(|x| x.name.as_str()).unwrap_or("");
        let pick = |m: &dyn Fn(&str) -> bool| -> Result<Option<u32>, ()> {
            let mut found = None;
            for (i, w) in &s.winlinks {
                if m(name_of(w)) {
                    if found.is_some() {
                        return Err(());
                    }
                    found = Some(*i);
                }
            }
            Ok(found)
        };
        match pick(&|n| n == window) {
            Err(()) => return false,
            Ok(Some(i)) => return self.set_wl(i),
            Ok(None) => {}
        }
        if exact {
            return false;
        }
        match pick(&|n| n.starts_with(window)) {
            Err(()) => return false,
            Ok(Some(i)) => return self.set_wl(i),
            Ok(None) => {}
        }
        match pick(&|n| fnmatch(window, n, false)) {
            Ok(Some(i)) => self.set_wl(i),
            _ => false,
        }
    }

    fn get_pane(&mut self, pane: &str, only: bool) -> bool {
        if pane.starts_with('%') {
            self.wp = id_after(pane);
            self.win = self.wp.and_then(|p| self.w.window_of_pane(p));
            return self.win.is_some() && self.best_session_with_window();
        }
        self.s = self.w.session_ix(self.cur.session);
        self.idx = self.cur.idx;
        self.win = self.cur.window;
        if self.get_pane_with_window(pane) {
            return true;
        }
        if !only && self.get_window(pane, false) {
            self.wp = self
                .win
                .and_then(|w| self.w.windows.get(&w))
                .map(|w| w.active);
            return true;
        }
        false
    }

    fn get_pane_with_session(&mut self, pane: &str) -> bool {
        if pane.starts_with('%') {
            self.wp = id_after(pane);
            self.win = self.wp.and_then(|p| self.w.window_of_pane(p));
            return self.win.is_some() && self.best_winlink_with_window();
        }
        let Some(s) = self.sess() else { return false };
        let curw = s.curw;
        let win = s.winlinks.get(&curw).copied();
        self.idx = i64::from(curw);
        self.win = win;
        self.get_pane_with_window(pane)
    }

    fn get_pane_with_window(&mut self, pane: &str) -> bool {
        let Some(win) = self.win.and_then(|w| self.w.windows.get(&w)) else {
            return false;
        };
        if pane.starts_with('%') {
            self.wp = id_after(pane);
            return self
                .wp
                .is_some_and(|p| win.panes.iter().any(|(id, _)| *id == p));
        }
        let cur = self.cur.pane;
        let geo = |p: u32| win.panes.iter().find(|(id, _)| *id == p).map(|(_, g)| *g);
        let adjacent = |dir: &str| -> Option<u32> {
            let (x, y, w, h) = geo(cur?)?;
            // tmux window_pane_find_up/down/left/right: panes touching the edge (with the
            // one-cell border), overlapping along it; the most recently active wins, here the
            // first in order.
            win.panes
                .iter()
                .filter(|(id, _)| Some(*id) != cur)
                .find(|(_, (px, py, pw, ph))| match dir {
                    "up" => py + ph + 1 == y && *px < x + w && px + pw > x,
                    "down" => *py == y + h + 1 && *px < x + w && px + pw > x,
                    "left" => px + pw + 1 == x && *py < y + h && py + ph > y,
                    _ => *px == x + w + 1 && *py < y + h && py + ph > y,
                })
                .map(|(id, _)| *id)
        };
        let special = match pane {
            "!" => Some(win.last),
            "{up-of}" => Some(adjacent("up")),
            "{down-of}" => Some(adjacent("down")),
            "{left-of}" => Some(adjacent("left")),
            "{right-of}" => Some(adjacent("right")),
            _ => None,
        };
        if let Some(p) = special {
            self.wp = p;
            return p.is_some();
        }
        let b = pane.as_bytes()[0];
        if b == b'+' || b == b'-' {
            let n = if pane.len() > 1 {
                strtonum(&pane[1..], 1).unwrap_or(0)
            } else {
                1
            };
            // tmux window_pane_next_by_number: steps through the current pane's own list
            // (which may be another window's), wrapping to this window's first (last) pane.
            if let Some(mut wp) = cur {
                for _ in 0..n.min(10_000) {
                    let list: Vec<u32> = self
                        .w
                        .window_of_pane(wp)
                        .and_then(|w| self.w.windows.get(&w))
                        .map(|w| w.panes.iter().map(|(id, _)| *id).collect())
                        .unwrap_or_default();
                    let pos = list.iter().position(|x| *x == wp);
                    let step = pos.and_then(|i| {
                        if b == b'+' {
                            list.get(i + 1).copied()
                        } else {
                            i.checked_sub(1).map(|j| list[j])
                        }
                    });
                    wp = match step {
                        Some(x) => x,
                        None if b == b'+' => win.panes.first().map(|(id, _)| *id).unwrap_or(wp),
                        None => win.panes.last().map(|(id, _)| *id).unwrap_or(wp),
                    };
                }
                self.wp = Some(wp);
                return true;
            }
        }
        if let Some(idx) = strtonum(pane, 0) {
            let i = idx - i64::from(win.pane_base);
            if i >= 0 {
                if let Some((id, _)) = win.panes.get(i as usize) {
                    self.wp = Some(*id);
                    return true;
                }
            }
        }
        let (sx, sy) = win.size;
        let (top, bottom) = (0, sy.saturating_sub(1));
        let (mut x, mut y) = (sx / 2, sy / 2);
        match pane.to_ascii_lowercase().as_str() {
            "top" => y = top,
            "bottom" => y = bottom,
            "left" => x = 0,
            "right" => x = sx.saturating_sub(1),
            "top-left" => (x, y) = (0, top),
            "top-right" => (x, y) = (sx.saturating_sub(1), top),
            "bottom-left" => (x, y) = (0, bottom),
            "bottom-right" => (x, y) = (sx.saturating_sub(1), bottom),
            _ => return false,
        }
        self.wp = win
            .panes
            .iter()
            .find(|(_, (px, py, pw, ph))| x >= *px && x <= px + pw && y >= *py && y <= py + ph)
            .map(|(id, _)| *id);
        self.wp.is_some()
    }
}

#[cfg(test)]
mod tests;
