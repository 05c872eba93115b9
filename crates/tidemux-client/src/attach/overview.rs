//! The agent overview: the sidebar listing every pane of the session with its state, the
//! attention jump order, and the desktop notifications forwarded to the outer terminal.
//!
//! States are names (`running`, `idle`, `waiting-input`, `exited`, and any state a newer server
//! knows, shown as it is in a neutral colour), so a client never fails on a state it does not
//! know.

use super::render::Grid;
use std::collections::HashMap;
use tidemux_proto::{CellStyle, Color, PaneId, PaneSummary, WindowId};

use super::look::{Forward, Sidebar};

/// With `sidebar auto`, the sidebar shows only when the panes keep at least this many columns.
pub const AUTO_MIN_PANE_COLS: u16 = 70;
/// Shown or not, the panes keep at least this many columns (else the sidebar hides).
pub const MIN_PANE_COLS: u16 = 20;

/// Whether a sidebar `width` cells wide shows on a terminal `cols` wide: `forced` is the
/// user's choice (`prefix b`); else the `sidebar` option: `on`, `off`, or `auto` (more than one
/// pane listed and the panes keep [`AUTO_MIN_PANE_COLS`]).
pub fn shown(forced: Option<bool>, option: Sidebar, width: u16, panes: usize, cols: u16) -> bool {
    let room = cols.saturating_sub(width);
    match (forced, option) {
        (Some(on), _) => on && room >= MIN_PANE_COLS,
        (None, Sidebar::On) => room >= MIN_PANE_COLS,
        (None, Sidebar::Off) => false,
        (None, Sidebar::Auto) => panes > 1 && room >= AUTO_MIN_PANE_COLS,
    }
}

/// The state a summary is shown with: `attention` when its flag is set, else its run state.
pub fn shown_state(p: &PaneSummary) -> &str {
    if p.attention.is_some() {
        "attention"
    } else {
        &p.state
    }
}

/// Badge colours (fg, bg) of a state name: attention white on red, waiting-input black on
/// yellow (bold), at-prompt (a shell at its prompt) black on grey, running black on green, idle
/// black on blue, exited white on grey (red if it failed), anything else black on cyan.
pub fn badge_style(state: &str, failed: bool) -> CellStyle {
    let (fg, bg, flags) = match state {
        "attention" => (15, 1, CellStyle::BOLD),
        "waiting-input" => (0, 3, CellStyle::BOLD),
        "at-prompt" => (0, 7, 0),
        "running" => (0, 2, 0),
        "idle" => (0, 4, 0),
        "exited" if failed => (15, 1, 0),
        "exited" => (15, 8, 0),
        _ => (0, 6, 0),
    };
    CellStyle {
        fg: Color::Idx(fg),
        bg: Color::Idx(bg),
        flags,
    }
}

/// `12s`, `4m`, `3h`, `2d`.
pub fn quiet(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

/// The badge text: the state, `exited N` / `exited SIGNAL` with the status.
pub fn badge(p: &PaneSummary) -> String {
    match (shown_state(p), &p.exit) {
        ("exited", Some(e)) => match (&e.code, &e.signal) {
            (Some(c), _) => format!("exited {c}"),
            (None, Some(s)) => format!("exited {s}"),
            _ => "exited".into(),
        },
        (s, _) => s.to_owned(),
    }
}

fn failed(p: &PaneSummary) -> bool {
    p.exit
        .as_ref()
        .is_some_and(|e| e.code != Some(0) || e.signal.is_some())
}

/// The label of a pane: its name, else its foreground command.
pub fn label(p: &PaneSummary) -> &str {
    p.name.as_deref().unwrap_or(&p.command)
}

/// Whether the list spans more than one session (`sidebar-scope all`): window headers then
/// name their session.
fn many_sessions(panes: &[PaneSummary]) -> bool {
    panes
        .iter()
        .any(|p| p.session.is_some() && p.session != panes[0].session)
}

/// The header of a pane's window: `INDEX:NAME`, or `SESSION:INDEX:NAME` when the list spans
/// sessions.
fn window_header(p: &PaneSummary, many: bool) -> String {
    match (&p.session_name, many) {
        (Some(s), true) => format!("{s}:{}:{}", p.window_index, p.window_name),
        _ => format!("{}:{}", p.window_index, p.window_name),
    }
}

/// Rows each pane takes in the sidebar and where: `(pane, first row)`, for drawing and clicks.
pub fn rows_of(panes: &[PaneSummary]) -> Vec<(PaneId, u16)> {
    let mut out = Vec::new();
    let mut y = 0u16;
    let mut window = None;
    for p in panes {
        if window != Some(p.window) {
            window = Some(p.window);
            y += 1; // window header
        }
        out.push((p.id, y));
        y += 2 + u16::from(p.attention.is_some());
    }
    out
}

/// Draws the sidebar into columns `0..width` (the last one its separator) and rows `0..rows`
/// of `g`. `extra_secs` is the time since the frame's quiet times were measured; `current` is
/// the window the client shows (its active pane is marked `▶`).
pub fn draw(
    g: &mut Grid,
    panes: &[PaneSummary],
    (width, rows): (u16, u16),
    extra_secs: u64,
    current: WindowId,
) {
    let w = width.saturating_sub(1);
    let many = !panes.is_empty() && many_sessions(panes);
    let sep = CellStyle {
        fg: Color::Idx(8),
        ..CellStyle::default()
    };
    for y in 0..rows {
        g.set(w, y, "│", sep);
    }
    let header = CellStyle {
        flags: CellStyle::BOLD | CellStyle::UNDERLINE,
        ..CellStyle::default()
    };
    let dim = CellStyle {
        flags: CellStyle::DIM,
        ..CellStyle::default()
    };
    let at = rows_of(panes);
    let mut window = None;
    for (p, (_, y)) in panes.iter().zip(at) {
        if y + 1 >= rows {
            break;
        }
        if window != Some(p.window) {
            window = Some(p.window);
            g.put_str(0, y - 1, &window_header(p, many), header, w);
        }
        let shown = p.active && p.window == current;
        let line = CellStyle {
            flags: if shown { CellStyle::BOLD } else { 0 },
            ..CellStyle::default()
        };
        let mark = if shown { "▶" } else { " " };
        g.put_str(0, y, &format!("{mark}{} {}", p.id, label(p)), line, w);
        let state = shown_state(p);
        let x = g.put_str(
            2,
            y + 1,
            &format!(" {} ", badge(p)),
            badge_style(state, failed(p)),
            w,
        );
        let mut x = x;
        if p.exit.is_none() {
            x = g.put_str(x + 1, y + 1, &quiet(p.quiet_secs + extra_secs), dim, w);
        }
        if let Some(b) = &p.branch {
            g.put_str(x + 1, y + 1, &format!("⎇ {b}"), dim, w);
        }
        if let Some(m) = &p.attention {
            if y + 2 < rows {
                let warn = CellStyle {
                    fg: Color::Idx(1),
                    bg: Color::Default,
                    flags: CellStyle::BOLD,
                };
                g.put_str(2, y + 2, &format!("! {}", clean(m)), warn, w);
            }
        }
    }
}

/// Control characters removed (a message is shown in a cell grid or sent in an OSC string).
pub fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// The next pane to jump to from `current`: the panes waiting for input (`waiting-input`; a
/// shell `at-prompt` waits for a command, not for an answer, and is left out) or with attention,
/// oldest first (longest quiet first), the one after `current` in that order (wrapping), so
/// pressing the key again visits each in turn.
pub fn next_attention(panes: &[PaneSummary], current: Option<PaneId>) -> Option<PaneId> {
    let mut c: Vec<&PaneSummary> = panes
        .iter()
        .filter(|p| p.attention.is_some() || p.state == "waiting-input")
        .collect();
    c.sort_by_key(|p| (std::cmp::Reverse(p.quiet_secs), p.id.0));
    if c.is_empty() {
        return None;
    }
    let next = match c.iter().position(|p| Some(p.id) == current) {
        Some(i) => c[(i + 1) % c.len()],
        None => c[0],
    };
    (Some(next.id) != current).then_some(next.id)
}

/// Remembers each pane's attention so a bell or `notify` is forwarded once per change.
#[derive(Debug, Default)]
pub struct Notifier {
    seen: Option<HashMap<PaneId, Option<String>>>,
}

impl Notifier {
    /// Bytes for the outer terminal for the panes whose attention was newly set (or got a new
    /// message) since the last call, as `forward` (`notify-forward`) asks: BEL, then OSC 9
    /// (iTerm2/ConEmu/Windows Terminal desktop notification) and OSC 777 `notify` (urxvt,
    /// foot, WezTerm, VTE) with the pane and message. The first call only records (attaching
    /// does not re-announce old alerts); a change is recorded whatever `forward` says, so
    /// turning the option on does not replay it. `server_bells`: the server rings for bells
    /// itself (`AttachFrame::bell`, after the `visual-bell` option), so a flag set by a bell
    /// (message `bell`) sends no BEL here.
    pub fn update(
        &mut self,
        panes: &[PaneSummary],
        forward: Forward,
        server_bells: bool,
    ) -> Vec<u8> {
        let (bel, osc9, osc777) = forward.parts();
        let now: HashMap<PaneId, Option<String>> =
            panes.iter().map(|p| (p.id, p.attention.clone())).collect();
        let mut out = Vec::new();
        if let Some(seen) = &self.seen {
            for p in panes {
                let Some(m) = &p.attention else { continue };
                if seen.get(&p.id).is_some_and(|old| old.as_ref() == Some(m)) {
                    continue;
                }
                let text = clean(&format!("{} {}: {m}", p.id, label(p)));
                if bel && !(server_bells && m == "bell") {
                    out.push(0x07);
                }
                if osc9 {
                    out.extend_from_slice(format!("\x1b]9;{text}\x07").as_bytes());
                }
                if osc777 {
                    out.extend_from_slice(format!("\x1b]777;notify;tidemux;{text}\x07").as_bytes());
                }
            }
        }
        self.seen = Some(now);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidemux_proto::{ExitInfo, WindowId};

    fn pane(id: u32, state: &str, quiet: u64, attention: Option<&str>) -> PaneSummary {
        PaneSummary {
            id: PaneId(id),
            window: WindowId(0),
            window_index: 0,
            window_name: "w".into(),
            name: None,
            command: "bash".into(),
            state: state.into(),
            exit: None,
            attention: attention.map(str::to_owned),
            quiet_secs: quiet,
            active: false,
            cwd: None,
            branch: None,
            session: None,
            session_name: None,
        }
    }

    #[test]
    fn jump_visits_waiting_and_attention_panes_oldest_first() {
        let ps = [
            pane(0, "running", 1, None),
            pane(1, "waiting-input", 5, None),
            pane(2, "idle", 9, Some("done?")),
            pane(3, "at-prompt", 50, None),
        ];
        assert_eq!(next_attention(&ps, Some(PaneId(0))), Some(PaneId(2)));
        assert_eq!(next_attention(&ps, Some(PaneId(2))), Some(PaneId(1)));
        assert_eq!(next_attention(&ps, Some(PaneId(1))), Some(PaneId(2)));
        assert_eq!(next_attention(&ps[..1], Some(PaneId(0))), None);
    }

    #[test]
    fn notifies_once_per_change_and_not_on_attach() {
        let both = Forward::Both;
        let mut n = Notifier::default();
        assert!(n
            .update(&[pane(1, "idle", 0, Some("old"))], both, false)
            .is_empty());
        let b = n.update(
            &[
                pane(1, "idle", 0, Some("old")),
                pane(2, "idle", 0, Some("bell")),
            ],
            both,
            false,
        );
        let s = String::from_utf8(b).unwrap();
        assert_eq!(
            s,
            "\x07\x1b]9;%2 bash: bell\x07\x1b]777;notify;tidemux;%2 bash: bell\x07"
        );
        assert!(n
            .update(&[pane(2, "idle", 0, Some("bell"))], both, false)
            .is_empty());
        assert!(n
            .update(&[pane(2, "idle", 0, None)], both, false)
            .is_empty());
        assert!(!n
            .update(&[pane(2, "idle", 0, Some("bell"))], both, false)
            .is_empty());
        // Each setting: exactly its bytes; a change seen while off is not replayed.
        for (f, want) in [
            (Forward::Bell, "\x07"),
            (Forward::Osc9, "\x07\x1b]9;%2 bash: x\x07"),
            (
                Forward::Osc777,
                "\x07\x1b]777;notify;tidemux;%2 bash: x\x07",
            ),
            (Forward::Off, ""),
        ] {
            let mut n = Notifier::default();
            n.update(&[pane(2, "idle", 0, None)], f, false);
            let b = n.update(&[pane(2, "idle", 0, Some("x"))], f, false);
            assert_eq!(String::from_utf8(b).unwrap(), want, "{f:?}");
            assert!(n
                .update(&[pane(2, "idle", 0, Some("x"))], both, false)
                .is_empty());
        }
        // A server that rings for bells itself: no BEL for a bell's flag, one for `notify`.
        let mut n = Notifier::default();
        n.update(&[], Forward::Both, true);
        let b = n.update(
            &[
                pane(1, "idle", 0, Some("bell")),
                pane(2, "idle", 0, Some("done?")),
            ],
            Forward::Both,
            true,
        );
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "\x1b]9;%1 bash: bell\x07\x1b]777;notify;tidemux;%1 bash: bell\x07\
             \x07\x1b]9;%2 bash: done?\x07\x1b]777;notify;tidemux;%2 bash: done?\x07"
        );
    }

    #[test]
    fn badges_name_exit_status_and_unknown_states() {
        let mut p = pane(1, "exited", 0, None);
        p.exit = Some(ExitInfo {
            code: Some(3),
            signal: None,
        });
        assert_eq!(badge(&p), "exited 3");
        assert_eq!(badge(&pane(1, "at-prompt", 0, None)), "at-prompt");
        assert_eq!(badge(&pane(1, "idle", 0, Some("x"))), "attention");
        assert_eq!(quiet(59), "59s");
        assert_eq!(quiet(61), "1m");
    }

    #[test]
    fn the_sidebar_option_and_width_decide_when_it_shows() {
        let (auto, on, off) = (Sidebar::Auto, Sidebar::On, Sidebar::Off);
        assert!(shown(None, auto, 30, 2, 100));
        assert!(!shown(None, auto, 30, 2, 99));
        assert!(!shown(None, auto, 30, 1, 200));
        assert!(shown(None, auto, 20, 2, 90));
        assert!(shown(None, on, 30, 1, 50));
        assert!(!shown(None, on, 30, 1, 49));
        assert!(!shown(None, off, 30, 5, 200));
        assert!(shown(Some(true), off, 30, 1, 60));
        assert!(!shown(Some(false), on, 30, 5, 200));
    }
}
