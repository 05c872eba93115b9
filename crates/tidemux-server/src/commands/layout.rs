//! Layout commands (tmux `cmd-select-layout.c`, `cmd-resize-pane.c`, `cmd-swap-pane.c`,
//! `cmd-rotate-window.c`, `cmd-select-pane.c`): `select-layout`, `next-layout`,
//! `previous-layout`, `resize-pane`, `swap-pane`, `rotate-window`, `select-pane` with tmux's
//! flags, `last-pane`. The geometry itself is [`crate::layout`].

use crate::error::{CmdError, CmdResult};
use crate::layout::{set::MainSizes, CellType, Direction};
use crate::registry::{Registry, Resolved};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{PaneDirection, PaneId, Response, SessionId, SplitSize, WindowId};

/// Panes whose PTY must be resized once the registry lock is released.
pub type Resized = Vec<(Arc<crate::pane::Pane>, u16, u16)>;

/// Resizes the PTYs and screens collected under the lock.
pub fn apply_resized(resized: Resized) {
    for (p, r, c) in resized {
        p.resize(r, c);
    }
}

/// The pane a source target names (tmux `CMD_FIND_DEFAULT_MARKED`): `-s` if given, else the
/// marked pane if there is one, else the default pane.
pub fn source_pane(
    reg: &Registry,
    source: Option<&str>,
    caller: Option<PaneId>,
) -> CmdResult<PaneId> {
    if source.is_none_or(str::is_empty) {
        if let Some(m) = reg.marked.filter(|m| reg.panes.contains_key(m)) {
            return Ok(m);
        }
    }
    resolve_pane(reg, source, caller)
}

/// [`Registry::resolve_pane`] plus tmux's `{marked}` / `~` (the marked pane).
pub fn resolve_pane(reg: &Registry, t: Option<&str>, caller: Option<PaneId>) -> CmdResult<PaneId> {
    if matches!(t, Some("{marked}") | Some("~")) {
        return reg
            .marked
            .filter(|m| reg.panes.contains_key(m))
            .ok_or_else(|| CmdError::not_found("no marked target"));
    }
    reg.resolve_pane(t, caller)
}

/// [`Registry::resolve_window`] plus `{marked}` / `~` (the marked pane's window).
pub fn resolve_window(
    reg: &Registry,
    t: Option<&str>,
    caller: Option<PaneId>,
) -> CmdResult<WindowId> {
    if matches!(t, Some("{marked}") | Some("~")) {
        let p = resolve_pane(reg, t, caller)?;
        return Ok(reg.pane(p)?.window);
    }
    reg.resolve_window(t, caller)
}

/// The `main-pane-*` / `other-pane-*` options of a window.
fn main_sizes(state: &ServerState, sid: SessionId, wid: WindowId) -> MainSizes {
    let o = lock(&state.options_store);
    let get = |name: &str, dflt: &str| {
        o.effective(name, Some(sid), Some(wid), None)
            .unwrap_or_else(|| dflt.to_owned())
    };
    MainSizes {
        main_width: get("main-pane-width", "80"),
        main_height: get("main-pane-height", "24"),
        other_width: get("other-pane-width", "0"),
        other_height: get("other-pane-height", "0"),
    }
}

/// After a preset or a layout string: the window takes the layout's size (tmux
/// `window_resize`); the recalculation after the command gives a window a session with
/// clients shows the clients' size again, and leaves any other window at the layout's size
/// (tmux `recalculate_sizes`; the layout is fitted by [`Registry::relayout`]).
fn take_layout_size(reg: &mut Registry, wid: WindowId, size: (u32, u32)) {
    let Some(win) = reg.windows.get_mut(&wid) else {
        return;
    };
    let fits = |v: u32| u16::try_from(v).ok();
    if let (Some(c), Some(r)) = (fits(size.0), fits(size.1)) {
        if crate::limits::check_window_size(c, r).is_ok() {
            win.cols = c;
            win.rows = r;
        }
    }
}

/// tmux `window_push_zoom`: unzooms; true when the window must be zoomed again afterwards
/// (`flag` given and it was zoomed, or `always`).
fn push_zoom(reg: &mut Registry, wid: WindowId, always: bool, flag: bool) -> bool {
    let Some(win) = reg.windows.get_mut(&wid) else {
        return false;
    };
    let was = flag && (always || win.zoomed.is_some());
    win.zoomed = None;
    was
}

/// tmux `window_pop_zoom`: zooms the active pane again after [`push_zoom`] said so.
fn pop_zoom(reg: &mut Registry, wid: WindowId, again: bool) {
    if !again {
        return;
    }
    if let Some(win) = reg.windows.get_mut(&wid) {
        if win.layout.len() > 1 {
            win.zoomed = Some(win.active_pane);
        }
    }
}

/// `select-layout`, `next-layout`, `previous-layout`.
#[allow(clippy::too_many_arguments)]
pub fn select_layout(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    layout: Option<&str>,
    next: bool,
    previous: bool,
    spread: bool,
    old: bool,
) -> CmdResult {
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let p = resolve_pane(&reg, target, caller)?;
        let wid = reg.pane(p)?.window;
        let sid = reg.window(wid)?.session;
        let sizes = main_sizes(state, sid, wid);
        let win = reg.windows.get_mut(&wid).expect("resolved");
        win.zoomed = None;
        let (cols, rows) = (win.cols, win.rows);
        let saved = win.layout.dump();
        let oldlayout = win.layout.set_old_layout(Some(saved));
        let mut new_size = None;
        if next || previous {
            let i = if next {
                win.layout.next_preset()
            } else {
                win.layout.previous_preset()
            };
            new_size = win.layout.apply_preset(i, cols, rows, &sizes);
        } else if spread {
            win.layout.spread_out(p);
        } else {
            let name = match layout {
                Some(l) => Some(l.to_owned()),
                None if old => oldlayout.clone(),
                None => None,
            };
            let preset = if old {
                None
            } else {
                match &name {
                    None => win.layout.last_preset(),
                    Some(n) => crate::layout::set::lookup(n),
                }
            };
            if let Some(i) = preset {
                new_size = win.layout.apply_preset(i, cols, rows, &sizes);
            } else if let Some(n) = name {
                match win.layout.apply_string(&n) {
                    Ok(size) => new_size = Some(size),
                    Err(cause) => {
                        win.layout.set_old_layout(oldlayout);
                        return Err(CmdError::invalid(format!(
                            "{cause}: {n} (a layout is even-horizontal, even-vertical, main-horizontal, main-vertical, tiled, or a layout string as #{{window_layout}} prints it)"
                        )));
                    }
                }
            }
        }
        if let Some(size) = new_size {
            take_layout_size(&mut reg, wid, size);
        }
        reg.relayout(wid, &mut resized);
    }
    apply_resized(resized);
    Ok(Response::Ok)
}

/// A size given as cells or a percentage of `of` (tmux `args_percentage`).
fn size_of(s: SplitSize, of: u16, what: &str) -> CmdResult<u32> {
    match s {
        SplitSize::Cells(c) => Ok(u32::from(c)),
        SplitSize::Percent(p) if p <= 100 => Ok(u32::from(of) * u32::from(p) / 100),
        SplitSize::Percent(p) => Err(CmdError::invalid(format!(
            "{what} {p}% is too large: a percentage is 0..=100"
        ))),
    }
}

/// `resize-pane`.
#[allow(clippy::too_many_arguments)]
pub fn resize_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    direction: Option<PaneDirection>,
    adjustment: Option<u32>,
    width: Option<SplitSize>,
    height: Option<SplitSize>,
    zoom: bool,
) -> CmdResult {
    if adjustment == Some(0) || adjustment.is_some_and(|a| a > i32::MAX as u32) {
        return Err(CmdError::invalid(
            "adjustment too small: the adjustment is 1 or more cells",
        ));
    }
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let p = resolve_pane(&reg, target, caller)?;
        let wid = reg.pane(p)?.window;
        let win = reg.windows.get_mut(&wid).expect("resolved");
        if zoom {
            if win.zoomed.is_some() {
                win.zoomed = None;
            } else if win.layout.len() > 1 {
                win.set_active(p);
                win.zoomed = Some(p);
            }
        } else {
            win.zoomed = None;
            let adjust = i64::from(adjustment.unwrap_or(1));
            if let Some(w) = width {
                let x = size_of(w, win.cols, "width")?;
                win.layout.resize_pane_to(p, CellType::LeftRight, x);
            }
            if let Some(h) = height {
                let y = size_of(h, win.rows, "height")?;
                win.layout.resize_pane_to(p, CellType::TopBottom, y);
            }
            match direction {
                Some(PaneDirection::Left) => {
                    win.layout
                        .resize_pane(p, CellType::LeftRight, -adjust, true)
                }
                Some(PaneDirection::Right) => {
                    win.layout.resize_pane(p, CellType::LeftRight, adjust, true)
                }
                Some(PaneDirection::Up) => {
                    win.layout
                        .resize_pane(p, CellType::TopBottom, -adjust, true)
                }
                Some(PaneDirection::Down) => {
                    win.layout.resize_pane(p, CellType::TopBottom, adjust, true)
                }
                None => {}
            }
        }
        reg.relayout(wid, &mut resized);
    }
    apply_resized(resized);
    Ok(Response::Ok)
}

/// `swap-pane`.
pub fn swap_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    source: Option<&str>,
    target: Option<&str>,
    direction: Option<PaneDirection>,
    detached: bool,
    keep_zoom: bool,
) -> CmdResult {
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let dst = resolve_pane(&reg, target, caller)?;
        let dst_w = reg.pane(dst)?.window;
        let zoom_dst = push_zoom(&mut reg, dst_w, false, keep_zoom);
        let (src, src_w) = match direction {
            Some(PaneDirection::Up) | Some(PaneDirection::Down) => {
                let panes = reg.window(dst_w)?.layout.panes().to_vec();
                let i = panes.iter().position(|x| *x == dst).unwrap_or(0);
                let n = panes.len();
                let j = if direction == Some(PaneDirection::Down) {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                (panes[j], dst_w)
            }
            Some(d) => {
                return Err(CmdError::invalid(format!(
                    "swap-pane direction {d:?} is not valid: -U (previous pane) or -D (next pane)"
                )))
            }
            None => {
                let s = source_pane(&reg, source, caller)?;
                (s, reg.pane(s)?.window)
            }
        };
        let zoom_src = src_w != dst_w && push_zoom(&mut reg, src_w, false, keep_zoom);
        if src != dst {
            if src_w == dst_w {
                let win = reg.windows.get_mut(&dst_w).expect("resolved");
                win.layout.swap_panes(src, dst);
                if !detached {
                    win.set_active(dst);
                } else {
                    // tmux checks the source window, then the destination (the same here).
                    if win.active_pane == src {
                        win.set_active(dst);
                    }
                    if win.active_pane == dst {
                        win.set_active(src);
                    }
                }
            } else {
                let src_point = reg.window(src_w)?.layout.active_point(src);
                let dst_point = reg.window(dst_w)?.layout.active_point(dst);
                {
                    let w = reg.windows.get_mut(&src_w).expect("resolved");
                    w.layout.replace_pane(src, dst, dst_point);
                    if w.active_pane == src {
                        w.active_pane = dst;
                    }
                }
                {
                    let w = reg.windows.get_mut(&dst_w).expect("resolved");
                    w.layout.replace_pane(dst, src, src_point);
                    if w.active_pane == dst {
                        w.active_pane = src;
                    }
                }
                if let Some(e) = reg.panes.get_mut(&src) {
                    e.window = dst_w;
                }
                if let Some(e) = reg.panes.get_mut(&dst) {
                    e.window = src_w;
                }
                if !detached {
                    if let Some(w) = reg.windows.get_mut(&src_w) {
                        w.set_active(dst);
                    }
                    if let Some(w) = reg.windows.get_mut(&dst_w) {
                        w.set_active(src);
                    }
                }
            }
            reg.relayout(src_w, &mut resized);
            if src_w != dst_w {
                reg.relayout(dst_w, &mut resized);
            }
        }
        pop_zoom(&mut reg, src_w, zoom_src || (src_w == dst_w && zoom_dst));
        if src_w != dst_w {
            pop_zoom(&mut reg, dst_w, zoom_dst);
        }
        reg.relayout(src_w, &mut resized);
        reg.relayout(dst_w, &mut resized);
    }
    apply_resized(resized);
    Ok(Response::Ok)
}

/// `rotate-window`.
pub fn rotate_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    down: bool,
    keep_zoom: bool,
) -> CmdResult {
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let wid = resolve_window(&reg, target, caller)?;
        let again = push_zoom(&mut reg, wid, false, keep_zoom);
        let win = reg.windows.get_mut(&wid).expect("resolved");
        let active = win.active_pane;
        let next = win.layout.rotate(down, active);
        win.active_pane = next;
        pop_zoom(&mut reg, wid, again);
        reg.relayout(wid, &mut resized);
    }
    apply_resized(resized);
    Ok(Response::Ok)
}

fn direction(d: PaneDirection) -> Direction {
    match d {
        PaneDirection::Up => Direction::Up,
        PaneDirection::Down => Direction::Down,
        PaneDirection::Left => Direction::Left,
        PaneDirection::Right => Direction::Right,
    }
}

/// What `select-pane` was asked to do besides selecting its target.
#[derive(Debug, Default, Clone)]
pub struct SelectPaneFlags {
    /// `-U/-D/-L/-R`.
    pub direction: Option<PaneDirection>,
    /// `-l`.
    pub last: bool,
    /// `-T`.
    pub title: Option<String>,
    /// `-m`.
    pub mark: bool,
    /// `-M`.
    pub unmark: bool,
    /// `-Z`.
    pub keep_zoom: bool,
}

/// `select-pane` with tmux's flags, and `last-pane` (`flags.last` with a window target).
pub fn select_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    flags: SelectPaneFlags,
) -> CmdResult {
    let mut resized = Vec::new();
    let selected;
    {
        let mut reg = state.registry();
        let p = resolve_pane(&reg, target, caller)?;
        let wid = reg.pane(p)?.window;
        let sid = reg.window(wid)?.session;
        if flags.last {
            let win = reg.window(wid)?;
            let mut last = win.layout.last_pane();
            if last.is_none() && win.layout.len() == 2 {
                let panes = win.layout.panes();
                let i = panes
                    .iter()
                    .position(|x| *x == win.active_pane)
                    .unwrap_or(0);
                last = Some(panes[1 - i.min(1)]);
            }
            let Some(last) = last else {
                return Err(CmdError::not_found(format!(
                    "no last pane in window {wid}: only one pane has been active there"
                )));
            };
            let again = push_zoom(&mut reg, wid, false, flags.keep_zoom);
            if let Some(w) = reg.windows.get_mut(&wid) {
                w.set_active(last);
            }
            pop_zoom(&mut reg, wid, again);
            reg.relayout(wid, &mut resized);
            selected = Some(last);
        } else if flags.mark || flags.unmark {
            if flags.unmark || reg.marked == Some(p) {
                reg.marked = None;
            } else {
                reg.marked = Some(p);
            }
            selected = None;
        } else {
            let mut to = p;
            if let Some(d) = flags.direction {
                let win = reg.window(wid)?;
                match win.layout.neighbour(p, direction(d), (win.cols, win.rows)) {
                    Some(n) => to = n,
                    None => return Ok(Response::Ok),
                }
            }
            if let Some(title) = &flags.title {
                let text = {
                    let opts = lock(&state.options_store);
                    let ctx = crate::format::model::ModelContext::new(
                        state,
                        &reg,
                        Some(Resolved::Pane(to)),
                    )
                    .with_options(&*opts);
                    crate::format::expand(&ctx, title)
                };
                let pane = Arc::clone(&reg.pane(to)?.pane);
                drop(reg);
                pane.state().screen.set_title(&text);
                return Ok(Response::Ok);
            }
            let active = reg.window(wid)?.active_pane;
            if to != active {
                let again = push_zoom(&mut reg, wid, false, flags.keep_zoom);
                if let Some(w) = reg.windows.get_mut(&wid) {
                    w.set_active(to);
                }
                pop_zoom(&mut reg, wid, again);
                reg.relayout(wid, &mut resized);
            }
            reg.set_current_window(sid, wid);
            reg.touch(sid);
            selected = Some(to);
        }
    }
    apply_resized(resized);
    if let Some(p) = selected {
        state.set_attention(p, None, false);
    }
    Ok(Response::Ok)
}
