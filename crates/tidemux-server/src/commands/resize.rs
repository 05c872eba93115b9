//! Window sizes from the attached clients: the `window-size` (`largest`, `smallest`,
//! `manual`, `latest`) and `aggressive-resize` window options, a port of tmux 3.3a resize.c
//! (`clients_calculate_size`, `recalculate_size`, `recalculate_sizes`) and of
//! server-client.c's choice of a window's latest client (`server_client_update_latest`,
//! `server_client_attached_lost`).
//!
//! Each window is sized on its own from the clients that count for it:
//! - with `aggressive-resize` off, every client whose session contains the window (at any
//!   index); with it on, only clients whose session's current window it is;
//! - `largest` / `smallest`: the largest / smallest width and height among them (each edge on
//!   its own, as tmux);
//! - `latest`: when more than one client's session contains the window, only the window's
//!   latest client (the one that last typed into it, resized, attached or switched to it);
//!   with one such client, that one;
//! - `manual`: the window's manual size ([`crate::registry::Window::manual`]: its size when
//!   created, then the last `resize-window`'s), whatever the clients.
//!
//! The new size is applied at once to a `manual` window; any other window takes it only while
//! it is the current window of a session with clients attached (tmux defers it until then:
//! `server_client_check_window_resize`), so a window no client shows keeps its size.
//!
//! A client's size is its terminal less the status line (one row; tidemux's client asks for
//! a row more when its status line is off). A control client counts only after
//! `refresh-client -C` gave it a size (tmux `ignore_client_size`). When no client counts
//! for a window, it keeps its size (tmux: "no calculated size"). The result is kept within
//! [`crate::limits`] (each edge 1..=10,000 as tmux's `WINDOW_MINIMUM`/`WINDOW_MAXIMUM`, and
//! the area bound of [`crate::limits::clamp_client_size`]).

use crate::options::{OptValue, Where};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::HashMap;
use tidemux_proto::{SessionId, WindowId};

/// The `window-size` window option (tmux `WINDOW_SIZE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeType {
    /// The largest client that counts.
    Largest,
    /// The smallest client that counts.
    Smallest,
    /// The window's manual size.
    Manual,
    /// The window's latest client when several clients have the window, else the one
    /// client that has it.
    Latest,
}

impl SizeType {
    /// Parses the option's value; anything unknown is tmux's default, `latest`.
    pub fn parse(v: &str) -> SizeType {
        match v {
            "largest" => SizeType::Largest,
            "smallest" => SizeType::Smallest,
            "manual" => SizeType::Manual,
            _ => SizeType::Latest,
        }
    }
}

/// One attached client as the size calculation sees it, for one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientView {
    /// Its id.
    pub id: u32,
    /// The window size it offers: its terminal's width, cells.
    pub cols: u16,
    /// Its terminal's height less its status line, cells.
    pub rows: u16,
    /// Its session contains the window (tmux `session_has`).
    pub has_window: bool,
    /// The window is its session's current window (tmux `s->curw->window == w`).
    pub current: bool,
    /// Its own size for this window (`refresh-client -C @WINDOW:WxH`, tmux
    /// `client_window`): used in place of `cols` x `rows`, and no client that counts lets the
    /// window be larger.
    pub window: Option<(u16, u16)>,
}

/// tmux `clients_calculate_size` for window sizing (`recalculate_size`, no creating client):
/// the size `ty` gives from `clients` (only those with a size: control clients without one
/// are left out by the caller); `aggressive` is the `aggressive-resize` option, `manual` the
/// window's manual size, `latest` its latest client. `None` when no client counts (the window
/// keeps its size). Widths and heights are taken edge by edge.
pub fn calculate(
    ty: SizeType,
    aggressive: bool,
    manual: (u16, u16),
    latest: Option<u32>,
    clients: &[ClientView],
) -> Option<(u16, u16)> {
    // tmux starts from 0 for largest, the manual size for manual, UINT_MAX otherwise.
    let (mut sx, mut sy) = match ty {
        SizeType::Largest => (0, 0),
        SizeType::Manual => (u32::from(manual.0), u32::from(manual.1)),
        _ => (u32::MAX, u32::MAX),
    };
    // For latest, whether more than one client has this window (tmux `clients_with_window`:
    // any index, aggressive-resize or not).
    let many = ty == SizeType::Latest && clients.iter().filter(|c| c.has_window).count() > 1;
    // tmux `recalculate_size_skip_client`.
    let skip = |c: &ClientView| {
        if aggressive {
            !c.current
        } else {
            !c.has_window
        }
    };
    if ty != SizeType::Manual {
        for c in clients {
            if skip(c) || (many && Some(c.id) != latest) {
                continue;
            }
            let (cx, cy) = c.window.unwrap_or((c.cols, c.rows));
            let (cx, cy) = (u32::from(cx), u32::from(cy));
            if ty == SizeType::Largest {
                sx = sx.max(cx);
                sy = sy.max(cy);
            } else {
                sx = sx.min(cx);
                sy = sy.min(cy);
            }
        }
    }
    // No client that counts lets the window be larger than its own size for the window
    // (tmux: "Do not allow any size to be larger than the per-client window size").
    for c in clients {
        if skip(c) {
            continue;
        }
        if let Some((wx, wy)) = c.window {
            sx = sx.min(u32::from(wx));
            sy = sy.min(u32::from(wy));
        }
    }
    let found = match ty {
        SizeType::Manual => true,
        SizeType::Largest => sx != 0 && sy != 0,
        _ => sx != u32::MAX && sy != u32::MAX,
    };
    let fit = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    found.then(|| (fit(sx), fit(sy)))
}

/// tmux `default_window_size` for `resize-window -A` (`largest`) and `-a` (`smallest`) of
/// window `w`: among the attached clients whose session contains `w`; `None` when there is
/// none (the caller takes the session's `default-size`).
pub fn clients_size_for(state: &ServerState, w: WindowId, largest: bool) -> Option<(u16, u16)> {
    let clients = sized_clients(state);
    let views = {
        let reg = state.registry();
        let views: Vec<ClientView> = clients
            .iter()
            .map(|c| ClientView {
                id: c.id,
                cols: c.cols,
                rows: c.rows,
                has_window: reg
                    .sessions
                    .get(&c.session)
                    .is_some_and(|s| s.windows.values().any(|x| *x == w)),
                current: false,
                window: c.windows.get(&w).copied(),
            })
            .collect();
        views
    };
    let ty = if largest {
        SizeType::Largest
    } else {
        SizeType::Smallest
    };
    calculate(ty, false, (0, 0), None, &views)
}

/// The client a new window is created for (tmux spawn.c's `sc->tc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creator {
    /// An attached client (the one whose key binding ran the command, or the current one).
    Client(u32),
    /// A command-line client not attached yet, with its terminal's size less the status line
    /// (`new-session` typed in a terminal): it always counts, but is never the `latest`
    /// shortcut (tmux: a client without a session is ignored there).
    Terminal(u16, u16),
}

/// tmux 3.3a resize.c `default_window_size` without a window, as spawn.c calls it for a new
/// window of session `sid` (`None`: a session being created, which has no clients yet):
/// with the global `window-size` `latest`, the size of the creating attached client unless
/// it does not count; otherwise (and for a control client) the largest or smallest of the
/// clients that count (`latest`: every client; `largest`/`smallest`: those attached to
/// `sid`), the creator always among them. `None` when there is no such client (the caller
/// takes `default-size`); also for `manual`, with which tmux 3.3a fails (`w->manual_sx`
/// without a window).
pub fn creation_size(
    state: &ServerState,
    sid: Option<SessionId>,
    tc: Option<Creator>,
) -> Option<(u16, u16)> {
    let ty = {
        let o = lock(&state.options_store);
        SizeType::parse(
            &o.effective("window-size", None, None, None)
                .unwrap_or_default(),
        )
    };
    let all = all_clients(state);
    let attached = match tc {
        Some(Creator::Client(id)) => all.iter().find(|c| c.id == id),
        _ => None,
    };
    if let Some(c) = attached.filter(|c| ty == SizeType::Latest && !c.ignored) {
        return Some(crate::limits::clamp_client_size(c.cols, c.rows));
    }
    if ty == SizeType::Manual {
        return None;
    }
    let me = attached.filter(|c| !c.control).map(|c| c.id);
    let terminal = match tc {
        Some(Creator::Terminal(c, r)) => Some((c.max(1), r.max(1))),
        _ => None,
    };
    all.iter()
        .filter(|c| {
            Some(c.id) == me || (!c.ignored && (ty == SizeType::Latest || Some(c.session) == sid))
        })
        .map(|c| (c.cols, c.rows))
        .chain(terminal)
        .reduce(|a, b| {
            if ty == SizeType::Largest {
                (a.0.max(b.0), a.1.max(b.1))
            } else {
                (a.0.min(b.0), a.1.min(b.1))
            }
        })
        .map(|(c, r)| crate::limits::clamp_client_size(c, r))
}

/// The size a new window of session `sid` gets when it is created ([`creation_size`] for the
/// attached client `tc`: the client the command came from, or the current client,
/// [`super::clients::find_client`]; the recalculation that follows keeps it). With no client
/// that counts, the session's own `default-size` (`new-session -x/-y` set it) or else its
/// size when created; tmux reads `default-size` then (the global one is 80x24 unless set).
/// Kept within [`crate::limits::clamp_client_size`].
pub fn default_window_size(state: &ServerState, sid: SessionId, tc: Option<u32>) -> (u16, u16) {
    if let Some(size) = creation_size(state, Some(sid), tc.map(Creator::Client)) {
        return size;
    }
    let own = match lock(&state.options_store).get_only(Where::Session(sid), "default-size") {
        Some(OptValue::Scalar(v)) => parse_size(v),
        _ => None,
    };
    let (c, r) = own
        .or_else(|| state.registry().sessions.get(&sid).map(|s| s.size))
        .unwrap_or((80, 24));
    crate::limits::clamp_client_size(c, r)
}

/// `WIDTHxHEIGHT` as tmux's `sscanf("%ux%u")` of `default-size`.
fn parse_size(v: &str) -> Option<(u16, u16)> {
    let (w, h) = v.split_once('x')?;
    let num = |s: &str| {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        d.parse::<u32>()
            .ok()
            .map(|n| u16::try_from(n).unwrap_or(u16::MAX))
    };
    Some((num(w.trim_start())?, num(h)?))
}

/// Where a client shows a window larger than its room (tmux `tty_window_offset1`); one
/// function with the attach client's pan.
pub use tidemux_proto::view::window_offset;

/// Where client `client` shows window `window` of `size` (cols, rows) with the active
/// pane's cursor at `cursor` (row, col; `None` hidden): tmux 3.3a tty.c `tty_window_offset1`
/// with the client's manual pan ([`tidemux_proto::view::panned_offset`]). Keeps the pan
/// (clamped, or forgotten when the window fits or another window is current) and what was
/// shown (tmux `tty->oox`..`osy`, where the next `refresh-client -L|-R|-U|-D` starts).
/// Returns the offset (`None`: the window fits) and the manual pan (`None`: following the
/// cursor).
pub fn client_offset(
    state: &ServerState,
    client: u32,
    window: WindowId,
    size: (u16, u16),
    cursor: Option<(u16, u16)>,
) -> tidemux_proto::view::Panned {
    let mut clients = lock(&state.clients);
    let Some(c) = clients.map.get_mut(&client) else {
        return (None, None);
    };
    let area = (c.cols, c.rows.saturating_sub(1));
    let pan = c.pan.filter(|p| p.0 == window).map(|p| (p.1, p.2));
    let (offset, pan) = tidemux_proto::view::panned_offset(size, area, cursor, pan);
    c.pan = pan.map(|(x, y)| (window, x, y));
    c.shown = match offset {
        Some((x, y)) => (x, y, area.0, area.1),
        None => (0, 0, size.0, size.1),
    };
    (offset, pan)
}

/// `refresh-client -L|-R|-U|-D [ADJUSTMENT]` and `-c` of client `client` (tmux 3.3a
/// cmd-refresh-client.c): `dir` is one of `L`, `R`, `U`, `D` (move the visible part of the
/// window that many cells left, right, up or down; from where the client shows it now when
/// it was following the cursor) or `c` (follow the cursor again). The pan is kept within
/// the window as the client shows it (never before 0, never past the window's end); it is
/// forgotten when the window fits the client or the client shows another window.
///
/// # Errors
/// The client is no longer registered.
pub fn pan(
    state: &ServerState,
    client: u32,
    dir: char,
    adjust: u32,
) -> crate::error::CmdResult<()> {
    let sid = lock(&state.clients).attached(client)?.session;
    let win = {
        let reg = state.registry();
        reg.sessions
            .get(&sid)
            .map(|s| s.active_window)
            .and_then(|w| reg.windows.get(&w).map(|x| (w, x.cols, x.rows)))
    };
    {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        match (dir, win) {
            ('c', _) | (_, None) => c.pan = None,
            (_, Some((w, sx, sy))) => {
                let (oox, ooy, osx, osy) = c.shown;
                let (mut x, mut y) = match c.pan {
                    Some((pw, x, y)) if pw == w => (u32::from(x), u32::from(y)),
                    _ => (u32::from(oox), u32::from(ooy)),
                };
                let (sx, sy) = (u32::from(sx), u32::from(sy));
                match dir {
                    'L' => x = x.saturating_sub(adjust),
                    'R' => {
                        x = x
                            .saturating_add(adjust)
                            .min(sx.saturating_sub(u32::from(osx)))
                    }
                    'U' => y = y.saturating_sub(adjust),
                    _ => {
                        y = y
                            .saturating_add(adjust)
                            .min(sy.saturating_sub(u32::from(osy)))
                    }
                }
                let fit = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
                c.pan = Some((w, fit(x), fit(y)));
            }
        }
    }
    state.bump_model();
    Ok(())
}

/// One attached client as the size calculations see it.
#[derive(Debug, Clone)]
struct SizedClient {
    id: u32,
    session: SessionId,
    /// The size it offers: its terminal's width and its height less the status line (a
    /// control client's `-C` size; tmux's 80x24 for one that has only window sizes).
    cols: u16,
    rows: u16,
    /// Its own sizes for some windows (`refresh-client -C @WINDOW:WxH`).
    windows: HashMap<WindowId, (u16, u16)>,
    /// A control client.
    control: bool,
    /// It does not count (tmux resize.c `ignore_client_size`): a control client with no size
    /// given yet, or an `ignore-size` client while a client without the flag is attached.
    ignored: bool,
}

/// Every attached client, for the size calculations, in id order.
fn all_clients(state: &ServerState) -> Vec<SizedClient> {
    let clients = lock(&state.clients);
    let plain = clients.map.values().any(|c| !c.ignore_size);
    let mut v: Vec<SizedClient> = clients
        .map
        .iter()
        .map(|(id, c)| {
            let (cols, rows) = if c.sized {
                (c.cols.max(1), c.rows.saturating_sub(1).max(1))
            } else {
                (80, 24)
            };
            SizedClient {
                id: *id,
                session: c.session,
                cols,
                rows,
                windows: c.window_sizes.clone(),
                control: c.control.is_some(),
                ignored: (c.ignore_size && plain) || !(c.sized || c.window_size_changed),
            }
        })
        .collect();
    v.sort_by_key(|c| c.id);
    v
}

/// The attached clients that count for window sizes ([`all_clients`] less the ignored).
fn sized_clients(state: &ServerState) -> Vec<SizedClient> {
    let mut v = all_clients(state);
    v.retain(|c| !c.ignored);
    v
}

/// tmux `recalculate_sizes`: counts each session's attached clients, then sizes every window
/// from its options and the clients ([`calculate`]), a window that is not `manual` only while
/// a session with clients shows it; windows whose size changes are laid out again and their
/// panes resized, and the view hooks (`window-resized`,
/// `window-layout-changed`) see the change. Takes the clients, then the registry (with the
/// options under it); call it with no lock held.
pub fn recalculate_sizes(state: &ServerState) {
    recalculate_sizes_now(state, false);
}

/// tmux `recalculate_sizes_now`: [`recalculate_sizes`]; with `now`, every window takes its
/// new size at once, shown or not (`refresh-client -C`).
pub fn recalculate_sizes_now(state: &ServerState, now: bool) {
    // One calculation at a time, each from the clients as they are when it starts: two
    // interleaved ones could otherwise apply an older snapshot of the client sizes last.
    let _one = lock(&state.recalc);
    let clients = sized_clients(state);
    let mut attached: HashMap<SessionId, u32> = HashMap::new();
    for c in lock(&state.clients).map.values() {
        *attached.entry(c.session).or_default() += 1;
    }
    let latest = crate::hooks::latest_clients(state);
    let mut resized = Vec::new();
    let mut changed = false;
    {
        let mut reg = state.registry();
        let current: HashMap<SessionId, WindowId> = reg
            .sessions
            .values()
            .map(|s| (s.id, s.active_window))
            .collect();
        let global_type = {
            let o = lock(&state.options_store);
            SizeType::parse(
                &o.effective("window-size", None, None, None)
                    .unwrap_or_default(),
            )
        };
        let ids: Vec<SessionId> = reg.sessions.keys().copied().collect();
        for sid in ids {
            // The size of new windows (tmux `default_window_size` without a window): the
            // session's own clients, the largest or the smallest of them.
            let mine = clients.iter().filter(|c| c.session == sid);
            let size = if global_type == SizeType::Largest {
                mine.map(|c| (c.cols, c.rows))
                    .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
            } else {
                mine.map(|c| (c.cols, c.rows))
                    .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
            };
            if let Some(s) = reg.sessions.get_mut(&sid) {
                s.attached = attached.get(&sid).copied().unwrap_or(0);
                if let Some(size) = size {
                    s.size = crate::limits::clamp_client_size(size.0, size.1);
                }
            }
        }
        // tmux resizes a window at once only when it is manual (or `now`); otherwise the new
        // size waits until the window is the current winlink of a session with clients
        // (`server_client_check_window_resize`). Every change that can make it current
        // recalculates, so the size is simply worked out again then; the windows no
        // attached session shows are skipped before any work.
        let shown: std::collections::HashSet<WindowId> = current
            .iter()
            .filter(|(s, _)| attached.get(s).copied().unwrap_or(0) > 0)
            .map(|(_, w)| *w)
            .collect();
        // The window's own value, else the global one (window options inherit only from the
        // global window options); looked up directly, as this runs for every window.
        let opts = lock(&state.options_store);
        let scalar = |w: Where, name: &str| match opts.get_only(w, name) {
            Some(OptValue::Scalar(v)) => Some(v.as_str()),
            _ => None,
        };
        let global_type =
            SizeType::parse(scalar(Where::GlobalWindow, "window-size").unwrap_or_default());
        let global_aggressive = scalar(Where::GlobalWindow, "aggressive-resize");
        let wins: Vec<WindowId> = reg.windows.keys().copied().collect();
        for w in wins {
            let Some(win) = reg.windows.get(&w) else {
                continue;
            };
            let ty = scalar(Where::Window(w), "window-size").map_or(global_type, SizeType::parse);
            if !now && ty != SizeType::Manual && !shown.contains(&w) {
                continue;
            }
            let aggressive =
                scalar(Where::Window(w), "aggressive-resize").or(global_aggressive) == Some("on");
            let holders = reg.winlinks(w);
            let views: Vec<ClientView> = clients
                .iter()
                .map(|c| ClientView {
                    id: c.id,
                    cols: c.cols,
                    rows: c.rows,
                    has_window: holders.iter().any(|(s, _)| *s == c.session),
                    current: current.get(&c.session) == Some(&w),
                    window: c.windows.get(&w).copied(),
                })
                .collect();
            let Some((c, r)) =
                calculate(ty, aggressive, win.manual, latest.get(&w).copied(), &views)
            else {
                continue;
            };
            let (c, r) = crate::limits::clamp_client_size(c, r);
            if (win.cols, win.rows) == (c, r) {
                continue;
            }
            if let Some(win) = reg.windows.get_mut(&w) {
                win.cols = c;
                win.rows = r;
            }
            reg.relayout(w, &mut resized);
            changed = true;
        }
    }
    for (p, r, c) in resized {
        p.resize(r, c);
    }
    if changed {
        state.bump_model();
        // Windows that changed size: `window-layout-changed`, `window-resized` (tmux
        // resize_window) and the focus hooks.
        crate::hooks::sync_view(state, None, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cv(id: u32, cols: u16, rows: u16, has_window: bool, current: bool) -> ClientView {
        ClientView {
            id,
            cols,
            rows,
            has_window,
            current,
            window: None,
        }
    }

    #[test]
    fn largest_and_smallest_take_each_edge() {
        let cs = [cv(1, 100, 20, true, true), cv(2, 60, 40, true, true)];
        assert_eq!(
            calculate(SizeType::Largest, false, (1, 1), None, &cs),
            Some((100, 40))
        );
        assert_eq!(
            calculate(SizeType::Smallest, false, (1, 1), None, &cs),
            Some((60, 20))
        );
        assert_eq!(
            calculate(SizeType::Manual, false, (7, 9), None, &cs),
            Some((7, 9))
        );
        assert_eq!(calculate(SizeType::Largest, false, (1, 1), None, &[]), None);
        assert_eq!(
            calculate(SizeType::Smallest, false, (1, 1), None, &[]),
            None
        );
    }

    #[test]
    fn latest_is_the_latest_client_when_several_have_the_window() {
        let cs = [cv(1, 100, 20, true, true), cv(2, 60, 40, true, false)];
        assert_eq!(
            calculate(SizeType::Latest, false, (1, 1), Some(1), &cs),
            Some((100, 20))
        );
        assert_eq!(
            calculate(SizeType::Latest, false, (1, 1), Some(2), &cs),
            Some((60, 40))
        );
        // No latest among them: no size.
        assert_eq!(
            calculate(SizeType::Latest, false, (1, 1), Some(9), &cs),
            None
        );
        // One client with the window: it, latest or not.
        let one = [cv(1, 100, 20, true, true), cv(2, 60, 40, false, false)];
        assert_eq!(
            calculate(SizeType::Latest, false, (1, 1), Some(2), &one),
            Some((100, 20))
        );
        // Aggressive: the latest must also show it.
        assert_eq!(
            calculate(SizeType::Latest, true, (1, 1), Some(2), &cs),
            None
        );
    }

    #[test]
    fn aggressive_resize_counts_only_clients_showing_the_window() {
        let cs = [cv(1, 100, 20, true, true), cv(2, 60, 10, true, false)];
        assert_eq!(
            calculate(SizeType::Smallest, false, (1, 1), None, &cs),
            Some((60, 10))
        );
        assert_eq!(
            calculate(SizeType::Smallest, true, (1, 1), None, &cs),
            Some((100, 20))
        );
        let none = [cv(2, 60, 10, true, false)];
        assert_eq!(
            calculate(SizeType::Smallest, true, (1, 1), None, &none),
            None
        );
    }

    #[test]
    fn a_clients_window_size_replaces_its_size_and_caps_the_window() {
        let mut own = cv(2, 80, 24, true, true);
        own.window = Some((50, 20));
        let cs = [cv(1, 100, 29, true, true), own];
        // Largest: 100x29 from client 1, capped by client 2's size for the window.
        assert_eq!(
            calculate(SizeType::Largest, false, (1, 1), None, &cs),
            Some((50, 20))
        );
        // Latest, client 1 the latest: its size, capped all the same.
        assert_eq!(
            calculate(SizeType::Latest, false, (1, 1), Some(1), &cs),
            Some((50, 20))
        );
        // Manual: capped too.
        assert_eq!(
            calculate(SizeType::Manual, false, (70, 30), None, &cs),
            Some((50, 20))
        );
        // A client that does not have the window does not cap it.
        let mut away = cv(3, 80, 24, false, false);
        away.window = Some((10, 10));
        assert_eq!(
            calculate(
                SizeType::Largest,
                false,
                (1, 1),
                None,
                &[cv(1, 100, 29, true, true), away]
            ),
            Some((100, 29))
        );
    }

    #[test]
    fn default_size_is_read_as_tmux() {
        assert_eq!(parse_size("80x24"), Some((80, 24)));
        assert_eq!(parse_size("100x30 "), Some((100, 30)));
        assert_eq!(parse_size("x24"), None);
        assert_eq!(parse_size("80"), None);
    }
}
