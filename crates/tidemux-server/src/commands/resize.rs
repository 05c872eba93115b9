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
    if ty == SizeType::Manual {
        return Some(manual);
    }
    // For latest, whether more than one client has this window (tmux `clients_with_window`:
    // any index, aggressive-resize or not).
    let many = ty == SizeType::Latest && clients.iter().filter(|c| c.has_window).count() > 1;
    let mut size: Option<(u16, u16)> = None;
    for c in clients {
        // tmux `recalculate_size_skip_client`.
        let skip = if aggressive {
            !c.current
        } else {
            !c.has_window
        };
        if skip || (many && Some(c.id) != latest) {
            continue;
        }
        size = Some(match (size, ty) {
            (None, _) => (c.cols, c.rows),
            (Some((x, y)), SizeType::Largest) => (x.max(c.cols), y.max(c.rows)),
            (Some((x, y)), _) => (x.min(c.cols), y.min(c.rows)),
        });
    }
    size
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
            .map(|&(id, sid, cols, rows)| ClientView {
                id,
                cols,
                rows,
                has_window: reg
                    .sessions
                    .get(&sid)
                    .is_some_and(|s| s.windows.values().any(|x| *x == w)),
                current: false,
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

/// Where a client shows a window larger than its room (tmux `tty_window_offset1`); one
/// function with the attach client's pan.
pub use tidemux_proto::view::window_offset;

/// The attached clients that have a size: (id, session, cols, window rows).
fn sized_clients(state: &ServerState) -> Vec<(u32, SessionId, u16, u16)> {
    let mut v: Vec<(u32, SessionId, u16, u16)> = lock(&state.clients)
        .map
        .iter()
        .filter(|(_, c)| c.sized)
        .map(|(id, c)| {
            (
                *id,
                c.session,
                c.cols.max(1),
                c.rows.saturating_sub(1).max(1),
            )
        })
        .collect();
    v.sort_by_key(|c| c.0);
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
            let mine = clients.iter().filter(|c| c.1 == sid);
            let size = if global_type == SizeType::Largest {
                mine.map(|c| (c.2, c.3))
                    .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
            } else {
                mine.map(|c| (c.2, c.3))
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
                .map(|&(id, sid, cols, rows)| ClientView {
                    id,
                    cols,
                    rows,
                    has_window: holders.iter().any(|(s, _)| *s == sid),
                    current: current.get(&sid) == Some(&w),
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
}
