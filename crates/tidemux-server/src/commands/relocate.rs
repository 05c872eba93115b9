//! Moving panes and windows (tmux `cmd-break-pane.c`, `cmd-join-pane.c`,
//! `cmd-move-window.c`, `cmd-swap-window.c`, `cmd-select-window.c` for `last-window`):
//! `break-pane`, `join-pane`/`move-pane`, `move-window`, `swap-window`, `unlink-window`,
//! `last-window`, `link-window`: a window may be linked into several sessions, and several
//! times into one (tmux's winlinks; the model's invariants are kept by [`Registry`]).

use super::layout::{apply_resized, resolve_pane, resolve_window, source_pane, Resized};
use crate::error::{CmdError, CmdResult};
use crate::layout::{Layout, SplitFlags};
use crate::registry::{event, Registry, Removed, Resolved, Window};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{
    Created, EventKind, PaneId, Response, SessionId, SplitDirection, SplitSize, WindowId,
};

/// tmux's `BREAK_PANE_TEMPLATE` for `break-pane -P`.
pub const BREAK_PANE_TEMPLATE: &str = "#{session_name}:#{window_index}.#{pane_index}";

/// Where a window goes (`-a`, `-b`, `-d`, `-k`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    /// `-a`: after the target window.
    pub after: bool,
    /// `-b`: at the target window's index, moving it and those after up.
    pub before: bool,
    /// `-d`: do not make it current.
    pub detached: bool,
    /// `-k`: kill a window at the destination index.
    pub kill: bool,
}

/// A destination as tmux's `CMD_FIND_WINDOW_INDEX` finds it: a session, maybe a window of it,
/// and the index asked for (`None`: the next free one).
struct Dest {
    session: SessionId,
    window: Option<WindowId>,
    index: Option<u32>,
}

fn dest(reg: &Registry, t: Option<&str>, caller: Option<PaneId>) -> CmdResult<Dest> {
    let Some(t) = t.filter(|t| !t.is_empty()) else {
        let s = reg.resolve_session(None, caller)?;
        return Ok(Dest {
            session: s,
            window: Some(reg.session(s)?.active_window),
            index: None,
        });
    };
    if let Some((sess, win)) = t.split_once(':') {
        let win = win.split('.').next().unwrap_or("");
        let sid = if sess.is_empty() {
            reg.resolve_session(None, caller)?
        } else {
            reg.resolve_session(Some(sess), caller)?
        };
        if win.is_empty() {
            return Ok(Dest {
                session: sid,
                window: Some(reg.session(sid)?.active_window),
                index: None,
            });
        }
        if let Ok(idx) = win.parse::<u32>() {
            return Ok(Dest {
                session: sid,
                window: reg.session(sid)?.windows.get(&idx).copied(),
                index: Some(idx),
            });
        }
    }
    match reg.resolve(Some(t), caller)? {
        Resolved::Session(s) => Ok(Dest {
            session: s,
            window: Some(reg.session(s)?.active_window),
            index: None,
        }),
        Resolved::Window(w) => {
            let win = reg.window(w)?;
            Ok(Dest {
                session: win.session,
                window: Some(w),
                index: Some(win.index),
            })
        }
        Resolved::Pane(p) => {
            let win = reg.window(reg.pane(p)?.window)?;
            Ok(Dest {
                session: win.session,
                window: Some(win.id),
                index: Some(win.index),
            })
        }
    }
}

fn option_number(state: &ServerState, name: &str, s: SessionId) -> Option<u32> {
    lock(&state.options_store)
        .effective(name, Some(s), None, None)?
        .parse()
        .ok()
}

fn option_on(state: &ServerState, name: &str, s: SessionId) -> bool {
    lock(&state.options_store)
        .effective(name, Some(s), None, None)
        .is_some_and(|v| v == "on")
}

/// tmux `winlink_shuffle_up`: makes room at the index after `of` (at it with `before`) by
/// moving the windows from there up by one; returns that index.
fn shuffle_up(reg: &mut Registry, sid: SessionId, of: WindowId, before: bool) -> CmdResult<u32> {
    let mut idx = match reg.index_in(sid, of) {
        Some(i) => i,
        None => reg.window(of)?.index,
    };
    if !before {
        idx = idx
            .checked_add(1)
            .ok_or_else(|| CmdError::invalid("no free window index"))?;
    }
    let sess = reg.session(sid)?;
    let mut last = idx;
    while sess.windows.contains_key(&last) {
        last = last
            .checked_add(1)
            .ok_or_else(|| CmdError::invalid("no free window index"))?;
    }
    let moves: Vec<(u32, WindowId)> = (idx..last)
        .rev()
        .filter_map(|i| sess.windows.get(&i).map(|w| (i, *w)))
        .collect();
    for (i, w) in moves {
        if let Some(s) = reg.sessions.get_mut(&sid) {
            s.windows.remove(&i);
            s.windows.insert(i + 1, w);
        }
        if let Some(win) = reg.windows.get_mut(&w).filter(|x| x.session == sid) {
            win.index = i + 1;
        }
    }
    reg.resync_winlinks(sid);
    Ok(idx)
}

/// The first free index from `base-index`.
fn free_index(reg: &Registry, state: &ServerState, sid: SessionId) -> CmdResult<u32> {
    let base = option_number(state, "base-index", sid).unwrap_or(0);
    let sess = reg.session(sid)?;
    Ok((base..)
        .find(|i| !sess.windows.contains_key(i))
        .expect("a free index"))
}

/// Puts window `wid` into session `sid` at `idx` (tmux `session_attach`). Its size is left
/// to the recalculation after the command (tmux `recalculate_sizes`: a window no session
/// with clients shows keeps its size).
fn attach(reg: &mut Registry, wid: WindowId, sid: SessionId, idx: u32) {
    if let Some(win) = reg.windows.get_mut(&wid) {
        win.session = sid;
        win.index = idx;
    }
    if let Some(s) = reg.sessions.get_mut(&sid) {
        s.windows.insert(idx, wid);
    }
    reg.resync_winlinks(sid);
}

/// Takes window `wid` out of its session (tmux `session_detach`): the session's current
/// window becomes its last window, else the previous one; an emptied session is closed.
fn detach(reg: &mut Registry, wid: WindowId, out: &mut Removed) {
    let Some((sid, idx)) = reg.windows.get(&wid).map(|w| (w.session, w.index)) else {
        return;
    };
    let Some(sess) = reg.sessions.get(&sid) else {
        return;
    };
    if sess.active_window == wid && sess.windows.len() > 1 {
        let prev = sess
            .windows
            .range(..idx)
            .next_back()
            .or_else(|| sess.windows.iter().next_back())
            .map(|(_, w)| *w);
        if let Some(w) = reg.last_window(sid).or(prev) {
            reg.set_current_window(sid, w);
        }
    }
    if let Some(stack) = reg.last_windows.get_mut(&sid) {
        stack.retain(|w| *w != wid);
    }
    let empty = match reg.sessions.get_mut(&sid) {
        Some(s) => {
            s.windows.retain(|_, w| *w != wid);
            s.windows.is_empty()
        }
        None => false,
    };
    if empty {
        reg.sessions.remove(&sid);
        reg.last_windows.remove(&sid);
        out.events
            .push(event(EventKind::SessionClosed, Some(sid), None, None));
    }
    reg.resync_winlinks(sid);
}

/// tmux `session_renumber_windows`: the session's windows renumbered from `base-index`, in
/// order.
fn renumber(reg: &mut Registry, state: &ServerState, sid: SessionId) -> CmdResult<()> {
    let base = option_number(state, "base-index", sid).unwrap_or(0);
    let wins: Vec<WindowId> = reg.session(sid)?.windows.values().copied().collect();
    let mut map = std::collections::BTreeMap::new();
    for (i, w) in wins.into_iter().enumerate() {
        let idx = base + i as u32;
        map.insert(idx, w);
        if let Some(win) = reg.windows.get_mut(&w).filter(|x| x.session == sid) {
            win.index = idx;
        }
    }
    if let Some(s) = reg.sessions.get_mut(&sid) {
        s.windows = map;
    }
    reg.resync_winlinks(sid);
    Ok(())
}

/// `break-pane`.
pub fn break_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    name: Option<String>,
    place: Place,
    print_format: Option<&str>,
) -> CmdResult {
    if let Some(n) = &name {
        if n.is_empty() {
            return Err(CmdError::invalid("window name is empty"));
        }
        crate::limits::check_name_len("window", n)?;
    }
    let mut resized: Resized = Vec::new();
    let mut out = Removed::default();
    let resp;
    {
        let mut reg = state.registry();
        let p = resolve_pane(&reg, source, caller)?;
        let src_w = reg.pane(p)?.window;
        let src_s = reg.window(src_w)?.session;
        let d = dest(&reg, target, caller)?;
        let mut idx = d.index;
        if place.after || place.before {
            let of = match d.window {
                Some(w) => w,
                None => reg.session(d.session)?.active_window,
            };
            idx = Some(shuffle_up(&mut reg, d.session, of, place.before)?);
        }
        if let Some(w) = reg.windows.get_mut(&src_w) {
            w.zoomed = None;
        }
        let wid;
        if reg.window(src_w)?.layout.len() == 1 {
            // Only pane: the window itself moves (tmux links it there, then unlinks it here).
            if let Some(i) = idx {
                if let Some(other) = reg.session(d.session)?.windows.get(&i).copied() {
                    if other == src_w {
                        return Err(CmdError::invalid(format!("same index: {i}")));
                    }
                    return Err(CmdError::invalid(format!("index in use: {i}")));
                }
            }
            let i = match idx {
                Some(i) => i,
                None => free_index(&reg, state, d.session)?,
            };
            if src_s == d.session {
                if let Some(s) = reg.sessions.get_mut(&src_s) {
                    s.windows.retain(|_, w| *w != src_w);
                }
                attach(&mut reg, src_w, d.session, i);
            } else {
                detach(&mut reg, src_w, &mut out);
                attach(&mut reg, src_w, d.session, i);
            }
            if !place.detached {
                reg.set_current_window(d.session, src_w);
            }
            if let Some(n) = name {
                if let Some(w) = reg.windows.get_mut(&src_w) {
                    w.name = n;
                }
            }
            wid = src_w;
        } else {
            if let Some(i) = idx {
                if reg.session(d.session)?.windows.contains_key(&i) {
                    return Err(CmdError::invalid(format!("index in use: {i}")));
                }
            }
            let (cols, rows) = {
                let w = reg.window(src_w)?;
                (w.cols, w.rows)
            };
            {
                let w = reg.windows.get_mut(&src_w).expect("resolved");
                match w.layout.remove_pane(p, w.active_pane) {
                    Some(a) => w.active_pane = a,
                    None => unreachable!("the window has another pane"),
                }
            }
            reg.relayout(src_w, &mut resized);
            let i = match idx {
                Some(i) => i,
                None => free_index(&reg, state, d.session)?,
            };
            wid = reg.alloc_window();
            let wname = name.unwrap_or_else(|| {
                let cmd = &reg
                    .pane(p)
                    .map(|e| e.pane.command.clone())
                    .unwrap_or_default();
                crate::limits::truncate_name(
                    cmd.split_whitespace()
                        .next()
                        .and_then(|c| c.rsplit('/').next())
                        .unwrap_or("sh")
                        .to_owned(),
                )
            });
            reg.windows.insert(
                wid,
                Window {
                    id: wid,
                    session: d.session,
                    index: i,
                    name: wname.clone(),
                    cols,
                    rows,
                    manual: (cols, rows),
                    layout: Layout::new(p, cols, rows),
                    active_pane: p,
                    zoomed: None,
                    links: Vec::new(),
                },
            );
            attach(&mut reg, wid, d.session, i);
            if let Some(e) = reg.panes.get_mut(&p) {
                e.window = wid;
            }
            if !place.detached {
                reg.set_current_window(d.session, wid);
            }
            let mut e = event(EventKind::WindowCreated, Some(d.session), Some(wid), None);
            e.name = Some(wname);
            out.events.push(e);
        }
        reg.relayout(wid, &mut resized);
        let text = print_format.map(|f| {
            let opts = lock(&state.options_store);
            let ctx = crate::format::model::ModelContext::new(state, &reg, Some(Resolved::Pane(p)))
                .with_options(&*opts);
            crate::format::expand(&ctx, if f.is_empty() { BREAK_PANE_TEMPLATE } else { f })
        });
        let e = reg.pane(p)?;
        resp = Response::Created(Created {
            session: d.session,
            session_name: reg
                .sessions
                .get(&d.session)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            window: wid,
            pane: p,
            pid: e.pane.pid,
            text,
        });
    }
    apply_resized(resized);
    state.finish_removal(out);
    Ok(resp)
}

/// `join-pane` / `move-pane`.
#[allow(clippy::too_many_arguments)]
pub fn join_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    horizontal: bool,
    size: Option<SplitSize>,
    flags: SplitFlags,
    detached: bool,
) -> CmdResult {
    let mut resized: Resized = Vec::new();
    let mut out = Removed::default();
    {
        let mut reg = state.registry();
        let dst = resolve_pane(&reg, target, caller)?;
        let src = source_pane(&reg, source, caller)?;
        if src == dst {
            return Err(CmdError::invalid(
                "source and target panes must be different",
            ));
        }
        let dst_w = reg.pane(dst)?.window;
        let src_w = reg.pane(src)?.window;
        let dst_s = reg.window(dst_w)?.session;
        for w in [dst_w, src_w] {
            if let Some(win) = reg.windows.get_mut(&w) {
                win.zoomed = None;
            }
        }
        let dir = if horizontal {
            SplitDirection::Horizontal
        } else {
            SplitDirection::Vertical
        };
        let dst_rect = reg
            .window(dst_w)?
            .layout
            .rect_of(dst)
            .ok_or_else(|| CmdError::not_found(format!("pane {dst} is not laid out")))?;
        let along = if horizontal {
            dst_rect.cols
        } else {
            dst_rect.rows
        };
        let cells = match size {
            None => None,
            Some(SplitSize::Cells(c)) => Some(u32::from(c)),
            Some(SplitSize::Percent(p)) if p <= 100 => Some(u32::from(along) * u32::from(p) / 100),
            Some(SplitSize::Percent(p)) => {
                return Err(CmdError::invalid(format!(
                    "size {p}% is too large: a percentage is 0..=100"
                )))
            }
        };
        let point = reg.window(src_w)?.layout.active_point(src);
        if src_w == dst_w {
            // tmux splits the target first, then closes the source's cell; the moved pane
            // takes the new cell. The active pane is chosen as if the source just left.
            let w = reg.windows.get_mut(&dst_w).expect("resolved");
            let was_active = w.active_pane == src;
            let a = {
                let mut t = w.layout.clone();
                t.remove_pane(src, w.active_pane)
            }
            .ok_or_else(|| CmdError::invalid("source and target panes must be different"))?;
            let mut l = w.layout.clone();
            let placeholder = PaneId(u32::MAX);
            l.split(dst, dir, cells, flags, placeholder)
                .map_err(CmdError::invalid)?;
            l.remove_pane(src, a);
            l.rename(placeholder, src);
            if was_active {
                l.set_last(None);
            }
            l.set_point(src, point);
            w.layout = l;
            w.active_pane = a;
            if !detached {
                w.set_active(src);
            }
        } else {
            {
                let w = reg.windows.get_mut(&dst_w).expect("resolved");
                w.layout
                    .join(dst, dir, cells, flags, src, point)
                    .map_err(CmdError::invalid)?;
            }
            let emptied = {
                let w = reg.windows.get_mut(&src_w).expect("resolved");
                match w.layout.remove_pane(src, w.active_pane) {
                    Some(a) => {
                        w.active_pane = a;
                        false
                    }
                    None => true,
                }
            };
            if let Some(e) = reg.panes.get_mut(&src) {
                e.window = dst_w;
            }
            if let Some(w) = reg.windows.get_mut(&dst_w) {
                w.layout.clear_last(src);
                if !detached {
                    w.set_active(src);
                }
            }
            if emptied {
                // The source window is empty: it closes (tmux `server_kill_window`).
                let (sid, idx) = {
                    let w = reg.window(src_w)?;
                    (w.session, w.index)
                };
                let _ = idx;
                detach(&mut reg, src_w, &mut out);
                reg.windows.remove(&src_w);
                out.events
                    .push(event(EventKind::WindowClosed, Some(sid), Some(src_w), None));
            } else {
                reg.relayout(src_w, &mut resized);
            }
        }
        if !detached {
            reg.set_current_window(dst_s, dst_w);
        }
        reg.relayout(dst_w, &mut resized);
    }
    apply_resized(resized);
    state.finish_removal(out);
    Ok(Response::Ok)
}

/// `move-window` (`-r`: renumber).
pub fn move_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    place: Place,
    renumber_only: bool,
) -> CmdResult {
    let mut resized: Resized = Vec::new();
    let mut out = Removed::default();
    {
        let mut reg = state.registry();
        if renumber_only {
            let sid = reg.resolve_session(target, caller)?;
            renumber(&mut reg, state, sid)?;
            return Ok(Response::Ok);
        }
        let wid = resolve_window(&reg, source, caller)?;
        let src_s = reg.window(wid)?.session;
        let d = dest(&reg, target, caller)?;
        let mut idx = d.index;
        if place.after || place.before {
            let of = match d.window {
                Some(w) => w,
                None => reg.session(d.session)?.active_window,
            };
            idx = Some(shuffle_up(&mut reg, d.session, of, place.before)?);
        }
        let mut select = !place.detached;
        if let Some(i) = idx {
            if let Some(other) = reg.session(d.session)?.windows.get(&i).copied() {
                if other == wid {
                    return Err(CmdError::invalid(format!("same index: {i}")));
                }
                if !place.kill {
                    return Err(CmdError::invalid(format!(
                        "index in use: {i} (-k kills the window there)"
                    )));
                }
                if reg.session(d.session)?.active_window == other {
                    select = true;
                }
                // Kill the window at the index (its panes close).
                reg.remove_window(other, &mut out);
            }
        }
        if !reg.sessions.contains_key(&d.session) {
            return Err(CmdError::not_found(
                "the destination session closed with the window killed at its index",
            ));
        }
        let i = match idx {
            Some(i) => i,
            None => free_index(&reg, state, d.session)?,
        };
        if src_s == d.session {
            let was_current = reg.session(src_s)?.active_window == wid;
            if let Some(s) = reg.sessions.get_mut(&src_s) {
                s.windows.retain(|_, w| *w != wid);
            }
            attach(&mut reg, wid, d.session, i);
            if select && !was_current {
                reg.set_current_window(d.session, wid);
            }
        } else {
            detach(&mut reg, wid, &mut out);
            attach(&mut reg, wid, d.session, i);
            if select {
                reg.set_current_window(d.session, wid);
            }
            if source.is_none_or(str::is_empty)
                && reg.sessions.contains_key(&src_s)
                && option_on(state, "renumber-windows", src_s)
            {
                renumber(&mut reg, state, src_s)?;
            }
        }
        reg.relayout(wid, &mut resized);
    }
    apply_resized(resized);
    state.finish_removal(out);
    Ok(Response::Ok)
}

/// `swap-window`.
pub fn swap_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    detached: bool,
) -> CmdResult {
    let mut resized: Resized = Vec::new();
    {
        let mut reg = state.registry();
        let w_src = if source.is_none_or(str::is_empty) && reg.marked.is_some() {
            let m = source_pane(&reg, None, caller)?;
            reg.pane(m)?.window
        } else {
            resolve_window(&reg, source, caller)?
        };
        let w_dst = resolve_window(&reg, target, caller)?;
        if w_src == w_dst {
            return Ok(Response::Ok);
        }
        let (s_src, i_src) = {
            let w = reg.window(w_src)?;
            (w.session, w.index)
        };
        let (s_dst, i_dst) = {
            let w = reg.window(w_dst)?;
            (w.session, w.index)
        };
        attach(&mut reg, w_src, s_dst, i_dst);
        attach(&mut reg, w_dst, s_src, i_src);
        // Each session keeps its current index, now showing the other window; the
        // last-window stacks follow the indexes too.
        let swap = |w: &mut WindowId| {
            if *w == w_src {
                *w = w_dst;
            } else if *w == w_dst {
                *w = w_src;
            }
        };
        for s in [s_src, s_dst] {
            if let Some(sess) = reg.sessions.get_mut(&s) {
                swap(&mut sess.active_window);
            }
            if let Some(stack) = reg.last_windows.get_mut(&s) {
                stack.iter_mut().for_each(swap);
            }
            if s_src == s_dst {
                break;
            }
        }
        if detached {
            reg.set_current_window(s_dst, w_src);
            if s_src != s_dst {
                reg.set_current_window(s_src, w_dst);
            }
        }
        reg.relayout(w_src, &mut resized);
        reg.relayout(w_dst, &mut resized);
    }
    apply_resized(resized);
    Ok(Response::Ok)
}

/// `link-window`: links window `wid` into session `sid` at index `idx` (`None`: the first
/// free index from `base-index`), tmux `server_link_window`. `place.kill` replaces a window
/// at that index (it closes if that was its last winlink), `place.after`/`place.before`
/// shuffle the windows from the index after/at `of` up first; unless `place.detached`, the
/// new winlink becomes the session's current window.
///
/// # Errors
/// tmux's texts: `same index: N`, `index in use: N`; NotFound for a missing session/window.
pub fn link_window_at(
    state: &Arc<ServerState>,
    wid: WindowId,
    sid: SessionId,
    idx: Option<u32>,
    of: Option<WindowId>,
    place: Place,
) -> CmdResult {
    let mut resized: Resized = Vec::new();
    let mut out = Removed::default();
    {
        let mut reg = state.registry();
        reg.window(wid)?;
        reg.session(sid)?;
        let mut idx = idx;
        if place.after || place.before {
            let of = match of {
                Some(w) => w,
                None => reg.session(sid)?.active_window,
            };
            idx = Some(shuffle_up(&mut reg, sid, of, place.before)?);
        }
        let mut select = !place.detached;
        let i = match idx {
            Some(i) => i,
            None => free_index(&reg, state, sid)?,
        };
        match reg.session(sid)?.windows.get(&i).copied() {
            Some(other) if other == wid => {
                return Err(CmdError::invalid(format!("same index: {i}")));
            }
            Some(_) if !place.kill => {
                return Err(CmdError::invalid(format!("index in use: {i}")));
            }
            Some(_) => {
                if reg.replace_winlink(wid, sid, i, &mut out)? {
                    select = true;
                }
            }
            None => reg.link_window(wid, sid, i)?,
        }
        if select {
            reg.set_current_winlink(sid, i)?;
        }
        reg.relayout(wid, &mut resized);
    }
    apply_resized(resized);
    state.finish_removal(out);
    state.bump_model();
    Ok(Response::Ok)
}

/// `link-window [-s SRC] [-t DST]` with native targets: `DST` as `move-window`'s (a session,
/// `SESSION:INDEX`, a window whose index is taken), default the current session's next free
/// index.
pub fn link_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    place: Place,
) -> CmdResult {
    let (wid, d) = {
        let reg = state.registry();
        (
            resolve_window(&reg, source, caller)?,
            dest(&reg, target, caller)?,
        )
    };
    link_window_at(state, wid, d.session, d.index, d.window, place)
}

/// `unlink-window [-k] [-t WINDOW]`: removes the window's winlink at `idx` of session `sid`
/// (tmux `cmd-kill-window.c`); the window stays in its other winlinks. A window linked only
/// there is tmux's error unless `kill`, which closes it.
///
/// # Errors
/// `window only linked to one session`; NotFound when `sid` has no window at `idx`.
pub fn unlink_window_at(
    state: &Arc<ServerState>,
    sid: SessionId,
    idx: u32,
    kill: bool,
) -> CmdResult {
    let mut out = Removed::default();
    {
        let mut reg = state.registry();
        let wid = reg
            .session(sid)?
            .windows
            .get(&idx)
            .copied()
            .ok_or_else(|| CmdError::not_found(format!("can't find window: {idx}")))?;
        if !kill && reg.winlinks(wid).len() <= 1 {
            return Err(CmdError::invalid("window only linked to one session"));
        }
        reg.unlink_winlink(sid, idx, &mut out);
    }
    state.finish_removal(out);
    state.bump_model();
    Ok(Response::Ok)
}

/// `unlink-window [-k] [-t WINDOW]` with a native target: the window's winlink in the
/// named session, else its [`Registry::resolve_winlink`].
pub fn unlink_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    kill: bool,
) -> CmdResult {
    let (sid, idx, _) = state.registry().resolve_winlink(target, caller)?;
    unlink_window_at(state, sid, idx, kill)
}

/// `last-window`.
pub fn last_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let mut reg = state.registry();
    let sid = reg.resolve_session(target, caller)?;
    let Some(w) = reg.last_window(sid) else {
        // tmux 3.3a's text (cmd-select-window.c), exactly: tools match it.
        return Err(CmdError::not_found("no last window"));
    };
    reg.set_current_window(sid, w);
    reg.touch(sid);
    Ok(Response::Ok)
}
