//! `tidemux attach`: the interactive client.
//!
//! Threads: one reads stdin (raw bytes, never decoded into key events), one reads frames from
//! the server's attach stream, one waits for SIGWINCH; all send to the main loop, which owns the
//! view, the key state machine and the terminal. Typed bytes go unchanged to the session's
//! active pane on the attach connection itself (`AttachInput`, as are resizes and the detach), so
//! the server knows which client typed them and refuses a read-only client's input; commands of
//! the prefix bindings go over a second connection. Only the prefix key and the key after it
//! are taken.
//! Drawing is coalesced to at most one frame per 16 ms and writes only changed cells.

pub mod bindings;
pub mod border;
pub mod copy;
pub mod keys;
pub mod look;
pub mod mouse;
pub mod overview;
pub mod prompt;
pub mod render;
pub mod term;
pub mod tree;

use crate::conn::{Client, ClientError, StreamSender};
use keys::Action;
use render::{Grid, Renderer};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tidemux_proto::{
    AttachFrame, CellStyle, Color, DetachReason, PaneDirection, PaneId, PaneView, ReadRange,
    Request, Response, SessionId, Span, Spawn, SplitDirection,
};

/// Options of an attachment.
#[derive(Debug, Clone)]
pub struct AttachOptions {
    /// Session target (None: most recently used).
    pub target: Option<String>,
    /// Read-only observer (tmux `attach -r`: read-only and ignore-size).
    pub read_only: bool,
    /// tmux's client flags (`attach-session -f FLAGS`), sent as `Request::Attach::flags`.
    pub flags: Option<String>,
    /// Prefix key name (`C-a`, `M-a`) overriding the server's `prefix` option; `None`: the
    /// server's `prefix` and `prefix2`.
    pub prefix: Option<String>,
}

/// Why the client stopped; `message()` is what it prints after restoring the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    /// The reason (the server's, or the client's own: `lost tty`, `terminated`, `server
    /// exited unexpectedly`).
    pub reason: DetachReason,
    /// The session the client showed (empty before the first frame).
    pub session: String,
}

impl Exit {
    fn new(reason: DetachReason, session: &str) -> Self {
        Exit {
            reason,
            session: session.to_owned(),
        }
    }

    /// What tmux prints (`client_exit_message`): `[detached (from session s)]`, `[exited]`,
    /// `[server exited]`, `[lost tty]`, ...; a live upgrade prints `[server upgraded,
    /// reattaching]`.
    pub fn message(&self) -> String {
        match self.reason {
            DetachReason::Upgraded => "[server upgraded, reattaching]".into(),
            _ => self
                .reason
                .message(Some(self.session.as_str()).filter(|s| !s.is_empty())),
        }
    }

    /// The session to attach to again after a live upgrade (`upgrade-server`), if that is why
    /// the client stopped.
    pub fn upgraded(&self) -> Option<&str> {
        (self.reason == DetachReason::Upgraded).then_some(self.session.as_str())
    }

    /// After the message is printed: `detached and SIGHUP` (tmux `detach-client -P`) sends
    /// SIGHUP to the client's parent process, as tmux's client does (unless that is init).
    pub fn finish(&self) {
        if self.reason != DetachReason::DetachedHup {
            return;
        }
        if let Some(ppid) = rustix::process::getppid() {
            if ppid.as_raw_nonzero().get() > 1 {
                let _ = rustix::process::kill_process(ppid, rustix::process::Signal::HUP);
            }
        }
    }
}

enum Msg {
    Input(Vec<u8>),
    Frame(Box<AttachFrame>),
    Ended(DetachReason),
    Resize,
    /// A message for the status line (an error reply to our input).
    Flash(String),
}

/// What the client shows besides the panes.
enum Mode {
    Normal,
    Confirm(PaneId),
    Rename(String),
    /// Copy mode over a pane (`prefix [`, the wheel, a mouse drag).
    Copy(Box<copy::Copy>),
    /// The command prompt (`prefix :`).
    Command(prompt::Prompt),
    /// The choose tree (`prefix w` / `s`) and when its listing was last read.
    Tree(Box<tree::Tree>, Instant),
    Help,
    /// Pane numbers shown (`prefix q`) since then; a digit selects a pane.
    Numbers(Instant),
}

/// How long pane numbers show (tmux `display-panes-time`, default 1 s).
const NUMBERS_FOR: Duration = Duration::from_secs(1);

/// Everything known about the session being shown.
#[derive(Default)]
struct View {
    frame: Option<AttachFrame>,
    content: HashMap<PaneId, Vec<Vec<Span>>>,
    /// When the last frame arrived (its quiet times were measured then).
    at: Option<Instant>,
    /// Sidebar forced on or off by `prefix b`; `None`: automatic.
    sidebar: Option<bool>,
    /// Where the last drawn status line shows each window's tab: (first column, end column,
    /// window index), for mouse clicks.
    tab_hits: TabHits,
    /// Where the left button was last pressed (terminal cell), for a drag that follows.
    press: Option<(u16, u16)>,
    /// Everything is to be drawn again (`refresh-client`).
    redraw: bool,
    /// A border being dragged (tmux `MouseDrag1Border`, `resize-pane -M`).
    border_drag: Option<BorderDrag>,
    /// The status line's options (server options `status`, `status-position`,
    /// `status-style`).
    look: look::Look,
    /// The window cell shown at the window area's top left when the window is larger than
    /// the terminal leaves room for ([`pan_of`]); (0, 0) otherwise.
    pan: (u16, u16),
}

/// Where a window larger than the room for it (`area`: columns and rows) is shown from, as
/// tmux 3.3a tty.c `tty_window_offset1`: on each axis, from 0 while the active pane's cursor
/// is within the first `area` cells, from the end while it is within the last ones, else
/// centred on it; (0, 0) when the window fits or the cursor is hidden. The same function as
/// the server's `window_offset_x`/`window_offset_y` ([`tidemux_proto::view::window_offset`]).
/// While the server sends a manual pan (`refresh-client -L|-R|-U|-D`, `AttachFrame::pan`),
/// from there instead, kept within the window ([`tidemux_proto::view::panned_offset`]).
fn pan_of(f: &AttachFrame, area: (u16, u16)) -> (u16, u16) {
    tidemux_proto::view::panned_offset((f.cols, f.rows), area, f.cursor, f.pan)
        .0
        .unwrap_or((0, 0))
}

/// What [`compose_panned`] gives: the grid, the cursor, the tabs' places and the pan.
type Composed = (Grid, Option<(u16, u16)>, TabHits, (u16, u16));

/// [`compose`], with a window larger than the room for it shown panned (see [`pan_of`]): the
/// window area is composed as if the terminal were large enough and the panned part copied
/// over the terminal's. Returns what [`compose`] does, and the pan.
fn compose_panned(
    view: &View,
    mode: &Mode,
    cols: u16,
    rows: u16,
    prompt_flash: Option<&str>,
    ui: Ui,
) -> Composed {
    let (mut grid, cursor, hits) = compose(view, mode, cols, rows, prompt_flash, ui);
    let Some(f) = &view.frame else {
        return (grid, cursor, hits, (0, 0));
    };
    let body = rows.saturating_sub(ui.lines.max(1));
    let area = (cols.saturating_sub(ui.ox), body.saturating_sub(ui.oy));
    let pan = pan_of(f, area);
    if pan == (0, 0) {
        return (grid, cursor, hits, pan);
    }
    let (vcols, vrows) = (
        cols.max(ui.ox.saturating_add(f.cols)),
        rows.max(ui.oy.saturating_add(f.rows).saturating_add(ui.lines.max(1))),
    );
    let (virt, vcursor, _) = compose(view, mode, vcols, vrows, prompt_flash, ui);
    for y in 0..body {
        let vy = if y < ui.oy { y } else { y + pan.1 };
        for x in ui.ox..cols {
            if let Some(c) = virt.get(x + pan.0, vy) {
                grid.set(x, y, &c.text, c.style);
            }
        }
    }
    let cursor = vcursor.and_then(|(x, y)| {
        let (x, y) = (x.checked_sub(pan.0)?, y.checked_sub(pan.1)?);
        (x >= ui.ox && x < cols && y >= ui.oy && y < body).then_some((x, y))
    });
    (grid, cursor, hits, pan)
}

impl View {
    fn apply(&mut self, mut f: AttachFrame) {
        if f.full {
            self.content.clear();
        }
        for u in std::mem::take(&mut f.rows_changed) {
            let rows = self.content.entry(u.pane).or_default();
            let r = usize::from(u.row);
            if rows.len() <= r {
                rows.resize(r + 1, Vec::new());
            }
            rows[r] = u.spans;
        }
        let live: Vec<PaneId> = f.panes.iter().map(|p| p.id).collect();
        self.content.retain(|p, _| live.contains(p));
        self.frame = Some(f);
        self.at = Some(Instant::now());
    }

    /// Width of the sidebar on a terminal `cols` wide (0 when hidden).
    fn sidebar_width(&self, cols: u16) -> u16 {
        let panes = self.frame.as_ref().map_or(0, |f| f.overview.len());
        let width = self.look.sidebar_width;
        if overview::shown(self.sidebar, self.look.sidebar, width, panes, cols) {
            width
        } else {
            0
        }
    }

    /// The active pane's working directory (new panes and windows start there).
    fn active_cwd(&self) -> Option<String> {
        let f = self.frame.as_ref()?;
        let a = self.active()?;
        f.overview.iter().find(|p| p.id == a.id)?.cwd.clone()
    }

    fn active(&self) -> Option<&PaneView> {
        self.frame.as_ref()?.panes.iter().find(|p| p.active)
    }
}

const HELP: &[&str] = &[
    "tidemux key bindings (after the prefix)",
    "",
    "  d        detach",
    "  c        new window",
    "  n / p    next / previous window",
    "  0-9      select window",
    "  %        split left/right",
    "  \"        split top/bottom",
    "  arrows   select pane in that direction",
    "  o        next pane",
    "  x        kill pane (asks y/n)",
    "  z        zoom the active pane",
    "  ,        rename window",
    "  [        copy mode (mode-keys: vi or emacs; q leaves)",
    "  ]        paste the newest buffer",
    "  w / s    choose tree (sessions, windows, panes)",
    "  :        command prompt",
    "  a        jump to the next pane waiting for input",
    "           or asking for attention (oldest first)",
    "  b        show/hide the agent overview sidebar",
    "  q        show pane numbers (a digit selects)",
    "  ?        this help",
    "  prefix   send the prefix key itself",
    "",
    "  press any key to close",
];

fn style(fg: Color, bg: Color, flags: u8) -> CellStyle {
    CellStyle { fg, bg, flags }
}

/// Where the status lines show each window's tab: (status line, first column, end column,
/// window index).
type TabHits = Vec<(u16, u16, u16, u32)>;

/// What the client adds around the panes.
#[derive(Debug, Clone, Copy, Default)]
struct Ui {
    /// Width of the sidebar (0: hidden); panes are drawn right of it.
    ox: u16,
    /// First terminal row of the window (1 with `pane-border-status top`).
    oy: u16,
    /// The client is read-only (marked in the status line).
    read_only: bool,
    /// Seconds since the last frame (added to its quiet times).
    extra_secs: u64,
    /// The status line's style (`status-style`).
    bar: CellStyle,
    /// Status rows composed at the bottom (`status 2`..`5`; at least 1, dropped by the caller
    /// while `status off`).
    lines: u16,
}

/// One piece of the status line's window list: text (`#[...]` styles in it, `##` a `#`), its
/// base style, and the window index a click on it selects.
type Piece = (String, CellStyle, Option<u32>);

/// Visible width of a piece's text.
fn width_of(text: &str) -> usize {
    look::plain(text).chars().count()
}

/// The window list: each tab with the separator after it (none after the last), and the
/// legacy head (`[SESSION] ` from a server that does not send `status-left`) first.
///
/// A tab's text is the server's expansion of `window-status-format` /
/// `window-status-current-format` (tmux's `INDEX:NAME` and `#{window_flags}` by default), over
/// the bar's style, then the tab's window-status style, then the colour of its most urgent
/// state (attention white on red, waiting-input black on yellow), then the text's own
/// `#[...]`. From an older server: `INDEX:NAME` and one flag (`*`, `*Z`, `!`, `X`).
fn tab_units(f: &AttachFrame, bar: CellStyle, sep: &str, head: String) -> Vec<Vec<Piece>> {
    let mut units = Vec::new();
    if !head.is_empty() {
        units.push(vec![(head.replace('#', "##"), bar, None)]);
    }
    let n = f.windows.len();
    for (i, t) in f.windows.iter().enumerate() {
        let mut st = match &t.style {
            Some(s) => look::substyle(s, bar),
            None => bar,
        };
        st = match t.state.as_str() {
            "attention" => style(Color::Idx(15), Color::Idx(1), CellStyle::BOLD),
            "waiting-input" => style(Color::Idx(0), Color::Idx(3), 0),
            _ => st,
        };
        let mut unit = Vec::new();
        match &t.text {
            Some(text) => {
                unit.push((text.clone(), st, Some(t.index)));
                if i + 1 < n && !sep.is_empty() {
                    unit.push((sep.to_owned(), bar, None));
                }
            }
            None => {
                let mark = match (t.active, t.alert, t.dead) {
                    (true, _, _) if f.zoomed => "*Z",
                    (true, _, _) => "*",
                    (_, true, _) => "!",
                    (_, _, true) => "X",
                    _ => " ",
                };
                let text = format!("{}:{}{mark}", t.index, t.name).replace('#', "##");
                unit.push((text, st, Some(t.index)));
                unit.push((" ".into(), bar, None));
            }
        }
        units.push(unit);
    }
    units
}

/// The status line's window list between the left part (ending at `from`) and the right
/// part (starting at `right`) of a line `cols` wide: the pieces, the column where the first
/// starts and the column they are clipped at. When they fit, `justify` (`status-justify`)
/// places them as tmux's format_draw does: `left` right after the left part (one cell kept
/// free before the right part), `right` against the right part, `centre` halfway between the
/// two parts, `absolute-centre` in the middle of the line. When they do not, they start at
/// `from`, scrolled so the current window's tab shows (`<` / `>` mark hidden tabs).
fn tabs_line(
    f: &AttachFrame,
    (from, right, cols): (u16, u16, u16),
    bar: CellStyle,
    (justify, sep): (&str, &str),
    head: String,
) -> (u16, u16, Vec<Piece>) {
    let units = tab_units(f, bar, sep, head);
    let unit_w = |u: &Vec<Piece>| u.iter().map(|p| width_of(&p.0)).sum::<usize>();
    let total: usize = units.iter().map(unit_w).sum();
    let clip = right.saturating_sub(1).max(from);
    let left = !matches!(justify, "right" | "centre" | "absolute-centre");
    let room = usize::from(if left { clip } else { right }.saturating_sub(from));
    if total <= room {
        let total = total as u16;
        let x = match justify {
            "right" => right - total,
            "centre" => (from + (right - from) / 2)
                .saturating_sub(total / 2)
                .max(from),
            "absolute-centre" => (cols.saturating_sub(total) / 2).clamp(from, right - total),
            _ => from,
        };
        let end = if left { clip } else { right };
        return (x, end, units.into_iter().flatten().collect());
    }
    let to = clip;
    if f.windows.is_empty() {
        return (from, to, units.into_iter().flatten().collect());
    }
    // Overflow: start at the first tab that lets the current one (and the markers) fit.
    let first_tab = units.len() - f.windows.len();
    let cur = first_tab + f.windows.iter().position(|t| t.active).unwrap_or(0);
    let head_w: usize = units[..first_tab].iter().map(unit_w).sum();
    let room = usize::from(clip.saturating_sub(from)).saturating_sub(head_w + 2);
    let mut start = cur;
    let mut used = unit_w(&units[cur]);
    while start > first_tab && used + unit_w(&units[start - 1]) <= room {
        start -= 1;
        used += unit_w(&units[start]);
    }
    let mut out: Vec<Piece> = units[..first_tab].iter().flatten().cloned().collect();
    out.push((if start > first_tab { "<" } else { " " }.into(), bar, None));
    let mut len = 0;
    let mut end = start;
    for u in &units[start..] {
        let l = unit_w(u);
        if len + l > room {
            break;
        }
        len += l;
        end += 1;
        out.extend(u.iter().cloned());
    }
    if end < units.len() {
        out.push((">".into(), bar, None));
    }
    (from, to, out)
}

/// `text` (with `#[...]` styles) up to its first `n` visible characters.
fn truncate_styled(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut seen = 0;
    let mut rest = text;
    while !rest.is_empty() && seen < n {
        if let Some(r) = rest.strip_prefix("#[") {
            if let Some(end) = r.find(']') {
                out.push_str(&rest[..end + 3]);
                rest = &r[end + 1..];
                continue;
            }
        }
        let len = if rest.starts_with("##") {
            2
        } else {
            rest.chars().next().map_or(1, char::len_utf8)
        };
        out.push_str(&rest[..len]);
        seen += 1;
        rest = &rest[len..];
    }
    out
}

/// Whether `mode` shows a prompt on the status line (it then covers the first status line).
fn mode_prompt(mode: &Mode) -> bool {
    match mode {
        Mode::Confirm(_) | Mode::Rename(_) | Mode::Command(_) => true,
        Mode::Copy(c) => c.prompt().is_some(),
        Mode::Tree(t, _) => t.prompt().is_some(),
        _ => false,
    }
}

/// Composes the whole terminal: sidebar, panes, borders, unused area, status line, overlays.
fn compose(
    view: &View,
    mode: &Mode,
    cols: u16,
    rows: u16,
    prompt_flash: Option<&str>,
    ui: Ui,
) -> (Grid, Option<(u16, u16)>, TabHits) {
    let mut g = Grid::new(cols, rows);
    let mut tab_hits = Vec::new();
    let Some(f) = &view.frame else {
        return (g, None, tab_hits);
    };
    let (ox, oy) = (ui.ox, ui.oy);
    let body = rows.saturating_sub(ui.lines.max(1));
    if ox > 0 {
        overview::draw(&mut g, &f.overview, (ox, body), ui.extra_secs, f.window);
    }
    // Area outside the window (a larger client than the smallest one): dotted, as unused.
    let dim = style(Color::Default, Color::Default, CellStyle::DIM);
    for y in 0..body {
        for x in ox..cols {
            if y >= oy && (x - ox >= f.cols || y - oy >= f.rows) {
                g.set(x, y, "·", dim);
            }
        }
    }
    for p in &f.panes {
        let rows_of = view.content.get(&p.id);
        for r in 0..p.rows {
            let mut x = p.left + ox;
            if let Some(spans) = rows_of.and_then(|v| v.get(usize::from(r))) {
                for s in spans {
                    x = g.put_str(
                        x,
                        p.top + r + oy,
                        &s.text,
                        s.style,
                        (p.left + p.cols).min(f.cols) + ox,
                    );
                }
            }
        }
    }
    // Borders right of and below each pane; the active pane's border is green.
    let line = style(Color::Default, Color::Default, 0);
    let hot = style(Color::Idx(2), Color::Default, 0);
    let active = f.panes.iter().find(|p| p.active).cloned();
    let touches = |x: u16, y: u16| {
        active.as_ref().is_some_and(|a| {
            let (l, t, r, b) = (
                i32::from(a.left),
                i32::from(a.top),
                i32::from(a.left + a.cols),
                i32::from(a.top + a.rows),
            );
            let (x, y) = (i32::from(x), i32::from(y));
            ((x == l - 1 || x == r) && y >= t - 1 && y <= b)
                || ((y == t - 1 || y == b) && x >= l - 1 && x <= r)
        })
    };
    if f.panes.len() > 1 {
        for p in &f.panes {
            let (rx, by) = (p.left + p.cols, p.top + p.rows);
            if rx < f.cols {
                for y in p.top..by.min(f.rows) {
                    g.set(
                        rx + ox,
                        y + oy,
                        "│",
                        if touches(rx, y) { hot } else { line },
                    );
                }
            }
            if by < f.rows {
                for x in p.left..(rx).min(f.cols) {
                    g.set(
                        x + ox,
                        by + oy,
                        "─",
                        if touches(x, by) { hot } else { line },
                    );
                }
                if rx < f.cols {
                    g.set(
                        rx + ox,
                        by + oy,
                        "┼",
                        if touches(rx, by) { hot } else { line },
                    );
                }
            }
        }
    }
    // Frames give the cursor as (row, col); the renderer takes (x, y).
    border::draw(&mut g, f, ox, oy, line, hot);
    let mut cursor = f.cursor.map(|(row, col)| (col + ox, row + oy));
    match mode {
        Mode::Copy(c) => {
            cursor = f
                .panes
                .iter()
                .find(|p| p.id == c.pane)
                .and_then(|p| c.draw(&mut g, p.left + ox, p.top + oy));
        }
        Mode::Tree(t, _) => {
            t.draw(&mut g, 0, 0, cols, body);
            cursor = None;
        }
        Mode::Help => {
            let w = HELP.iter().map(|l| l.len()).max().unwrap_or(0) as u16 + 4;
            let h = HELP.len() as u16 + 2;
            let x0 = cols.saturating_sub(w) / 2;
            let y0 = body.saturating_sub(h) / 2;
            let boxed = style(Color::Default, Color::Idx(4), 0);
            g.fill(x0, y0, w, h, " ", boxed);
            for (i, l) in HELP.iter().enumerate() {
                g.put_str(x0 + 2, y0 + 1 + i as u16, l, boxed, x0 + w);
            }
            cursor = None;
        }
        Mode::Numbers(_) => {
            // tmux display-panes: each pane's index in its middle, the active one in red.
            for (i, p) in f.panes.iter().enumerate() {
                let t = format!(" {i} ");
                let bg = if p.active { 1 } else { 4 };
                let x = p.left + ox + (p.cols.saturating_sub(t.len() as u16)) / 2;
                let y = p.top + oy + p.rows / 2;
                g.put_str(
                    x,
                    y,
                    &t,
                    style(Color::Idx(15), Color::Idx(bg), CellStyle::BOLD),
                    p.left + ox + p.cols,
                );
            }
        }
        _ => {}
    }
    // Status line (tmux's default look: black on green). The right part (message, read-only
    // mark, clock) is placed first; the tabs get what is left and scroll when they overflow.
    let bar = ui.bar;
    let y = body;
    g.fill(0, y, cols, rows - y, " ", bar);
    // Status lines the server drew (a `status-format` of its own, `status 2`..`5`): as they
    // are, with the windows' ranges for clicks.
    let server = f.status_lines.as_ref();
    if let Some(lines) = server {
        for (i, l) in lines.iter().enumerate() {
            let Ok(i) = u16::try_from(i) else { break };
            if y + i >= rows {
                break;
            }
            let mut x = 0;
            for s in &l.spans {
                x = g.put_str(x, y + i, &s.text, s.style, cols);
            }
            for r in &l.ranges {
                if let tidemux_proto::StatusRangeKind::Window(w) = r.kind {
                    tab_hits.push((i, r.start, r.end, w));
                }
            }
        }
    }
    // The right part: message, read-only mark, then `status-right` (from an older server that
    // does not send it: the clock, one cell from the edge).
    let look = &view.look;
    let mut right = String::new();
    if let Some(m) = prompt_flash
        .map(str::to_owned)
        .or_else(|| f.message.clone())
    {
        right.push_str(&overview::clean(&m));
        right.push_str("  ");
    }
    if ui.read_only {
        right.push_str("[read-only]  ");
    }
    let (status_right, pad) = match &f.status_right {
        _ if server.is_some() => (String::new(), 0),
        Some(t) => (t.clone(), 0),
        None => (chrono::Local::now().format("%H:%M").to_string(), 1),
    };
    // status-right is cut to `status-right-length` (keeping its start, as tmux's `=N`). The
    // right part takes at most 2/3 of the line: status-right gives way first (cut from its
    // start, so a clock at its end stays), then the message (from its start).
    let max_right = usize::from(cols) * 2 / 3;
    let full = look::plain(&status_right).chars().count();
    let mut sr_len = full.min(look.right_len);
    let mut status_right = if sr_len < full {
        truncate_styled(&status_right, sr_len)
    } else {
        status_right
    };
    let msg_len = right.chars().count();
    if msg_len + sr_len > max_right {
        let room = max_right.saturating_sub(msg_len);
        if room < sr_len {
            status_right = look::skip_visible(&status_right, sr_len - room);
            sr_len = room;
        }
    }
    if right.chars().count() + sr_len > max_right {
        let keep: usize = right.chars().count() + sr_len - max_right;
        right = right.chars().skip(keep).collect();
    }
    let rlen = (right.chars().count() + sr_len) as u16;
    let rx = cols.saturating_sub(rlen + pad);
    let left_room = rx.saturating_sub(1);
    if server.is_some() && mode_prompt(mode) {
        g.fill(0, y, cols, 1, " ", bar);
    }
    let end = match mode {
        _ if server.is_some() && !mode_prompt(mode) => 0,
        Mode::Confirm(p) => g.put_str(0, y, &format!("kill-pane {p}? (y/n)"), bar, cols),
        Mode::Rename(s) => g.put_str(0, y, &format!("(rename-window) {s}"), bar, cols),
        Mode::Copy(c) if c.prompt().is_some() => {
            let end = g.put_str(0, y, &c.prompt().unwrap_or_default(), bar, cols);
            cursor = Some((end, y));
            end
        }
        Mode::Command(p) => {
            let end = g.put_str(0, y, &p.line(), bar, cols);
            cursor = Some(((p.cursor() as u16).min(end), y));
            end
        }
        Mode::Tree(t, _) if t.prompt().is_some() => {
            g.put_str(0, y, &t.prompt().unwrap_or_default(), bar, cols)
        }
        _ => {
            // status-left (cut to `status-left-length`), then the tabs in what is left.
            let (x, head) = match &f.status_left {
                Some(t) => {
                    let max = left_room.min(u16::try_from(look.left_len).unwrap_or(u16::MAX));
                    (
                        border::put_styled(&mut g, 0, y, t, look.left_style, max),
                        String::new(),
                    )
                }
                None => (0, format!("[{}] ", f.session_name)),
            };
            let (mut x, to, pieces) = tabs_line(
                f,
                (x, rx, cols),
                bar,
                (look.justify.as_str(), look.separator.as_str()),
                head,
            );
            for (t, st, index) in pieces {
                let start = x;
                x = border::put_styled(&mut g, x, y, &t, st, to);
                if let Some(i) = index {
                    tab_hits.push((0, start, x, i));
                }
            }
            x
        }
    };
    if let Mode::Rename(_) = mode {
        cursor = Some((end, y));
    } else if let Mode::Confirm(_) = mode {
        cursor = None;
    }
    if rx >= end {
        let x = g.put_str(rx, y, &right, bar, cols);
        border::put_styled(
            &mut g,
            x,
            y,
            &status_right,
            look.right_style,
            x + sr_len as u16,
        );
    }
    (g, cursor, tab_hits)
}

/// Where stdin goes: one reader thread per process, handed to each attachment in turn (an
/// attachment that ends for a live upgrade is followed by a new one in the same process;
/// bytes typed in between wait for it, up to [`STDIN_PENDING`] reads).
struct StdinHub {
    tx: Option<mpsc::Sender<Msg>>,
    pending: Vec<Vec<u8>>,
    started: bool,
}

static STDIN: std::sync::Mutex<StdinHub> = std::sync::Mutex::new(StdinHub {
    tx: None,
    pending: Vec::new(),
    started: false,
});

/// Most reads of stdin kept while no attachment takes them.
const STDIN_PENDING: usize = 64;

fn hub() -> std::sync::MutexGuard<'static, StdinHub> {
    STDIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends stdin to `tx` from now on (starting the reader thread on first use).
fn stdin_to(tx: mpsc::Sender<Msg>) {
    let mut h = hub();
    for bytes in h.pending.drain(..) {
        let _ = tx.send(Msg::Input(bytes));
    }
    h.tx = Some(tx);
    if h.started {
        return;
    }
    h.started = true;
    std::thread::Builder::new()
        .name("attach-stdin".into())
        .spawn(move || {
            let mut r = std::io::stdin();
            let mut buf = [0u8; 4096];
            loop {
                match r.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut h = hub();
                        let bytes = buf[..n].to_vec();
                        let sent =
                            h.tx.as_ref()
                                .is_some_and(|t| t.send(Msg::Input(bytes.clone())).is_ok());
                        if !sent {
                            h.tx = None;
                            if h.pending.len() < STDIN_PENDING {
                                h.pending.push(bytes);
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        })
        .expect("spawn stdin thread");
}

/// The pane next to `from` in direction (dx, dy), by rectangle overlap (tmux's pane navigation).
fn neighbour(panes: &[PaneView], from: &PaneView, dx: i32, dy: i32) -> Option<PaneId> {
    let overlaps = |a0: u16, a1: u16, b0: u16, b1: u16| a0 < b1 && b0 < a1;
    panes
        .iter()
        .filter(|p| p.id != from.id)
        .filter(|p| match (dx, dy) {
            (1, _) => {
                p.left >= from.left + from.cols
                    && overlaps(p.top, p.top + p.rows, from.top, from.top + from.rows)
            }
            (-1, _) => {
                p.left + p.cols <= from.left
                    && overlaps(p.top, p.top + p.rows, from.top, from.top + from.rows)
            }
            (_, 1) => {
                p.top >= from.top + from.rows
                    && overlaps(p.left, p.left + p.cols, from.left, from.left + from.cols)
            }
            _ => {
                p.top + p.rows <= from.top
                    && overlaps(p.left, p.left + p.cols, from.left, from.left + from.cols)
            }
        })
        .min_by_key(|p| {
            (i32::from(p.left) - i32::from(from.left)).abs()
                + (i32::from(p.top) - i32::from(from.top)).abs()
        })
        .map(|p| p.id)
}

/// Attaches to a session on `socket` and runs until detached; returns why it ended.
///
/// # Errors
/// Connection failures before the first frame, a target that does not exist, or stdin not
/// being a terminal.
pub fn attach(socket: &Path, opts: &AttachOptions) -> Result<Exit, ClientError> {
    let (cols, rows) = term::size();
    let mut stream = Client::connect(socket, None)?;
    let mut cmd = Client::connect(socket, None)?;
    let mut sender = stream.sender()?;
    // A server of protocol minor 20 or later takes the client's key table
    // (`AttachKeyTable`, for `#{client_prefix}`); an older one would answer it with an error.
    let key_tables = stream.welcome().minor >= 20;
    // The first reply tells whether the target exists, before the terminal is touched.
    let (tx, rx) = mpsc::channel::<Msg>();
    let req = Request::Attach {
        target: opts.target.clone(),
        read_only: opts.read_only,
        flags: opts.flags.clone(),
        cols,
        rows,
        terminal: Some(tidemux_proto::ClientTerminal {
            tty: rustix::termios::ttyname(rustix::stdio::stdin(), Vec::new())
                .ok()
                .map(|t| t.to_string_lossy().into_owned()),
            term: std::env::var("TERM").ok(),
            pid: Some(std::process::id()),
        }),
    };
    let (first_tx, first_rx) = mpsc::channel::<Result<(), String>>();
    {
        let tx = tx.clone();
        std::thread::Builder::new()
            .name("attach-frames".into())
            .spawn(move || {
                let mut first = Some(first_tx);
                let r = stream.stream_shared(req, |own, resp| match resp {
                    // An error answering our input or resize: shown, the attachment goes on.
                    Response::Error(e) if !own => tx.send(Msg::Flash(e.message)).is_ok(),
                    Response::Frame(f) => {
                        if let Some(ft) = first.take() {
                            let _ = ft.send(Ok(()));
                        }
                        tx.send(Msg::Frame(Box::new(f))).is_ok()
                    }
                    Response::Detached(reason) => {
                        let _ = tx.send(Msg::Ended(reason));
                        false
                    }
                    Response::Error(e) => {
                        if let Some(ft) = first.take() {
                            let _ = ft.send(Err(e.message));
                        }
                        false
                    }
                    _ => true,
                });
                if let Some(ft) = first.take() {
                    let _ = ft.send(Err(match r {
                        Ok(()) => "the server closed the connection".into(),
                        Err(e) => e.to_string(),
                    }));
                }
                // Closed without a reason (sent before this, if any): tmux's "server exited
                // unexpectedly".
                let _ = tx.send(Msg::Ended(DetachReason::LostServer));
            })
            .expect("spawn frame thread");
    }
    match first_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(m)) => return Err(ClientError::Protocol(m)),
        Err(_) => return Err(ClientError::Protocol("no answer to attach".into())),
    }
    let guard = term::TermGuard::enter()
        .map_err(|e| ClientError::Protocol(format!("cannot set up the terminal: {e}")))?;
    stdin_to(tx.clone());
    {
        let tx = tx.clone();
        use signal_hook::consts::{SIGHUP, SIGTERM, SIGWINCH};
        let mut signals = signal_hook::iterator::Signals::new([SIGWINCH, SIGHUP, SIGTERM])
            .map_err(|e| ClientError::Protocol(format!("cannot watch SIGWINCH: {e}")))?;
        std::thread::Builder::new()
            .name("attach-winch".into())
            .spawn(move || {
                for sig in signals.forever() {
                    // SIGHUP: the terminal went away; SIGTERM: asked to stop (tmux's client
                    // ends with "lost tty" and "terminated"); the terminal is restored either way.
                    let m = match sig {
                        SIGHUP => Msg::Ended(DetachReason::LostTty),
                        SIGTERM => Msg::Ended(DetachReason::Terminated),
                        _ => Msg::Resize,
                    };
                    if tx.send(m).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn winch thread");
    }
    let exit = run_loop(&rx, &mut cmd, &mut sender, opts, (cols, rows), key_tables);
    drop(guard);
    Ok(exit)
}

/// The connection to the server broke: `server exited unexpectedly`.
fn lost_server(view: &View) -> Exit {
    let name = view.frame.as_ref().map_or("", |f| f.session_name.as_str());
    Exit::new(DetachReason::LostServer, name)
}

/// Writing to the terminal failed: `lost tty`.
fn lost_tty(view: &View) -> Exit {
    let name = view.frame.as_ref().map_or("", |f| f.session_name.as_str());
    Exit::new(DetachReason::LostTty, name)
}

fn run_loop(
    rx: &mpsc::Receiver<Msg>,
    cmd: &mut Client,
    sender: &mut StreamSender,
    opts: &AttachOptions,
    size: (u16, u16),
    key_tables: bool,
) -> Exit {
    let mut view = View::default();
    // The key table last reported to the server (`AttachKeyTable`).
    let mut table_sent = "root";
    let mut keys = bindings::Machine::new(opts.prefix.clone());
    let mut mode = Mode::Normal;
    let mut renderer = Renderer::default();
    let (mut cols, mut rows) = size;
    let mut dirty = true;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut flash: Option<(String, Instant)> = None;
    let frame_gap = Duration::from_millis(16);
    let mut out = std::io::stdout();
    let mut notifier = overview::Notifier::default();
    // The size given to the server: the terminal less the sidebar.
    let mut reported = size;
    // Whether the terminal was asked for mouse reports (the `mouse` option, applied live).
    let mut mouse_on = false;
    // A key that may go on (a lone ESC, an unfinished `ESC [`), held until the rest comes or
    // `escape-time` passes (tmux tty-keys.c: ESC then `x` within it is M-x, later two keys).
    let mut held: Vec<u8> = Vec::new();
    let mut held_until: Option<Instant> = None;
    loop {
        let wait = if dirty {
            frame_gap.saturating_sub(last_draw.elapsed())
        } else if matches!(mode, Mode::Tree(..)) {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        };
        let wait = held_until.map_or(wait, |t| {
            wait.min(t.saturating_duration_since(Instant::now()))
        });
        // The repeat time ending puts the keyboard back in the root table: report it then.
        let wait = match keys.table_deadline() {
            Some(t) if key_tables && table_sent != "root" => {
                wait.min(t.saturating_duration_since(Instant::now()))
            }
            _ => wait,
        };
        let mut typed: Option<Vec<u8>> = None;
        let msg = match rx.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                dirty = true; // the clock, or a due redraw
                None
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return lost_server(&view),
        };
        match msg {
            None => {}
            Some(Msg::Frame(f)) => {
                // The server's bindings or options changed (or are not known yet): fetch them.
                if f.config != 0
                    && f.config != keys.version
                    && fetch_config(cmd, f.session, &mut keys, &mut view)
                {
                    renderer.invalidate();
                }
                let mut f = f;
                let output = std::mem::take(&mut f.output);
                // An alert with `visual-*` off or both (a newer server; an older one sends
                // `None` and the notifier rings for bells).
                let server_bells = f.bell.is_some();
                if f.bell == Some(true)
                    && out.write_all(b"\x07").and_then(|()| out.flush()).is_err()
                {
                    return lost_tty(&view);
                }
                // `set-titles`: the server sends a title only when it changed.
                if let Some(t) = f.title.take() {
                    if out
                        .write_all(&term::title_sequence(&t))
                        .and_then(|()| out.flush())
                        .is_err()
                    {
                        return lost_tty(&view);
                    }
                }
                view.apply(*f);
                // What a bound command printed: one line as the message, more in a view
                // (tmux's view mode: copy mode over the output, `q` leaves).
                match output.len() {
                    0 => {}
                    1 => flash = Some((output[0].clone(), Instant::now())),
                    _ => match (view.active().cloned(), &mode) {
                        (Some(a), Mode::Normal) => {
                            let vi = option(cmd, a.id, "mode-keys").as_deref() == Some("vi");
                            mode = Mode::Copy(Box::new(copy::Copy::new(
                                a.id,
                                output,
                                a.cols,
                                a.rows,
                                usize::MAX,
                                (0, 0),
                                vi,
                            )));
                        }
                        _ => flash = Some((output[0].clone(), Instant::now())),
                    },
                }
                if let Some(f) = &view.frame {
                    let alert = notifier.update(&f.overview, view.look.forward, server_bells);
                    if !alert.is_empty()
                        && out.write_all(&alert).and_then(|()| out.flush()).is_err()
                    {
                        return lost_tty(&view);
                    }
                }
                dirty = true;
            }
            Some(Msg::Ended(reason)) => {
                let name = view.frame.as_ref().map_or("", |f| f.session_name.as_str());
                return Exit::new(reason, name);
            }
            Some(Msg::Resize) => {
                (cols, rows) = term::size();
                renderer.invalidate();
                dirty = true;
            }
            Some(Msg::Flash(m)) => {
                flash = Some((m, Instant::now()));
                dirty = true;
            }
            Some(Msg::Input(bytes)) => {
                let mut all = std::mem::take(&mut held);
                all.extend_from_slice(&bytes);
                let cut = if keys.escape_time.is_zero() {
                    all.len()
                } else {
                    bindings::unfinished_tail(&all)
                };
                if cut < all.len() {
                    held = all.split_off(cut);
                    // The wait starts with the unfinished key (more of it does not restart it).
                    if cut > 0 || held_until.is_none() {
                        held_until = Some(Instant::now() + keys.escape_time);
                    }
                } else {
                    held_until = None;
                }
                typed = Some(all).filter(|a| !a.is_empty());
            }
        }
        // `escape-time` passed: the held bytes are taken as they are (ESC alone is Escape).
        if held_until.is_some_and(|t| Instant::now() >= t) {
            held_until = None;
            let mut t = typed.take().unwrap_or_default();
            t.append(&mut held);
            typed = Some(t);
        }
        if let Some(bytes) = typed {
            // Typed bytes only change the screen through the pane's echo (a frame); only
            // the client's own modes need a redraw here.
            let was_normal = matches!(mode, Mode::Normal);
            match handle_input(&bytes, &mut keys, &mut mode, &mut view, cmd, sender, opts) {
                Ok(Some(exit)) => return exit,
                Ok(None) => {}
                Err(m) => {
                    flash = Some((m, Instant::now()));
                    dirty = true;
                }
            }
            if !(was_normal && matches!(mode, Mode::Normal)) {
                dirty = true;
            }
            if std::mem::take(&mut view.redraw) {
                renderer.invalidate();
                dirty = true;
            }
        }
        // The prefix key was pressed, or the key after it (or the repeat time ended): the
        // server shows it as `#{client_prefix}` and redraws the status line (tmux
        // `server_client_set_key_table`).
        let table = keys.table();
        if key_tables && table != table_sent {
            table_sent = table;
            if sender
                .send(Request::AttachKeyTable {
                    table: table.to_owned(),
                })
                .is_err()
            {
                return lost_server(&view);
            }
        }
        if flash
            .as_ref()
            .is_some_and(|(_, t)| t.elapsed() > Duration::from_secs(3))
        {
            flash = None;
        }
        if let Mode::Tree(t, at) = &mut mode {
            if at.elapsed() >= TREE_EVERY {
                if let Ok(lines) = tree_listing(cmd) {
                    t.set(&lines);
                }
                tree_preview(t, cmd);
                *at = Instant::now();
                dirty = true;
            }
        }
        if matches!(mode, Mode::Numbers(t) if t.elapsed() >= NUMBERS_FOR) {
            mode = Mode::Normal;
            dirty = true;
        }
        // The window gets the terminal less the sidebar; the server sizes it (and the panes).
        // Without a status line the server is told one row more (it keeps one for the status).
        // With `status 2`..`5` it is told the rows less the status lines but one.
        let extra = u16::from(!view.look.status);
        let want = (
            cols.saturating_sub(view.sidebar_width(cols)),
            (rows.saturating_sub(border::reserved(view.frame.as_ref())) + extra)
                .saturating_sub(view.look.status_rows().saturating_sub(1)),
        );
        if want != reported {
            reported = want;
            renderer.invalidate();
            if sender
                .send(Request::AttachResize {
                    cols: want.0,
                    rows: want.1,
                })
                .is_err()
            {
                return lost_server(&view);
            }
            dirty = true;
        }
        if view.frame.is_some() && view.look.mouse != mouse_on {
            mouse_on = view.look.mouse;
            if out
                .write_all(term::mouse_modes(mouse_on))
                .and_then(|()| out.flush())
                .is_err()
            {
                return lost_tty(&view);
            }
        }
        if dirty && last_draw.elapsed() >= frame_gap {
            let ui = Ui {
                ox: view.sidebar_width(cols),
                oy: border::top_offset(view.frame.as_ref()),
                read_only: opts.read_only,
                extra_secs: view.at.map_or(0, |t| t.elapsed().as_secs()),
                bar: view.look.bar,
                lines: view.look.status_rows().max(1),
            };
            let extra = u16::from(!view.look.status);
            let (mut grid, mut cursor, hits, pan) = compose_panned(
                &view,
                &mode,
                cols,
                rows + extra,
                flash.as_ref().map(|(m, _)| m.as_str()),
                ui,
            );
            view.pan = pan;
            if !view.look.status {
                grid.drop_last_row();
                cursor = cursor.filter(|c| c.1 < rows);
            } else if view.look.top {
                let n = view.look.status_rows();
                grid.last_rows_to_top(n);
                cursor = cursor.map(|(x, y)| (x, (y + n) % rows.max(1)));
            }
            view.tab_hits = hits;
            let bytes = renderer.draw(&grid, cursor);
            if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
                return lost_tty(&view);
            }
            last_draw = Instant::now();
            dirty = false;
        }
    }
}

/// Sends a command; a server error becomes a message for the status line.
/// Fetches the server's key tables and client options for `session` (`ClientConfig`) and
/// applies them to `keys` and `view.look`; whether they arrived.
fn fetch_config(
    cmd: &mut Client,
    session: SessionId,
    keys: &mut bindings::Machine,
    view: &mut View,
) -> bool {
    match cmd.request(Request::ClientConfig {
        target: Some(session.to_string()),
    }) {
        Ok(Response::ClientConfig(c)) => {
            keys.configure(&c);
            view.look = look::Look::from_config(&c);
            true
        }
        _ => false,
    }
}

fn command(cmd: &mut Client, req: Request) -> Result<Response, String> {
    match cmd.request(req) {
        Ok(Response::Error(e)) => Err(e.message),
        Ok(r) => Ok(r),
        Err(e) => Err(e.to_string()),
    }
}

/// Length of the first key in `b`: an escape sequence (`ESC [ ... final`, `ESC O x`), a whole
/// UTF-8 character, or one byte.
fn key_len(b: &[u8]) -> usize {
    match b {
        [0x1b, b'[', rest @ ..] => rest
            .iter()
            .position(|c| (0x40..=0x7e).contains(c))
            .map_or(b.len(), |p| p + 3),
        [0x1b, b'O', _, ..] => 3,
        // Meta + a character (`M-w`): the terminal sends ESC and the character together.
        [0x1b, c, ..] if (0x20..0x7f).contains(c) => 2,
        [c, ..] if *c >= 0xc0 => {
            let n = if *c >= 0xf0 {
                4
            } else if *c >= 0xe0 {
                3
            } else {
                2
            };
            n.min(b.len())
        }
        _ => 1,
    }
}

/// Handles one key while the client shows a prompt or a view of its own.
fn mode_key(key: &[u8], mode: &mut Mode, view: &View, cmd: &mut Client) -> Result<(), String> {
    let Some(f) = view.frame.as_ref() else {
        return Ok(());
    };
    match mode {
        Mode::Normal => {}
        Mode::Confirm(p) => {
            let p = *p;
            *mode = Mode::Normal;
            if key == b"y" || key == b"Y" {
                command(
                    cmd,
                    Request::KillPane {
                        target: Some(p.to_string()),
                    },
                )?;
            }
        }
        Mode::Rename(name) => match key {
            b"\r" | b"\n" => {
                let n = std::mem::take(name);
                *mode = Mode::Normal;
                if !n.is_empty() {
                    command(
                        cmd,
                        Request::RenameWindow {
                            target: Some(f.window.to_string()),
                            name: n,
                        },
                    )?;
                }
            }
            b"\x1b" | b"\x03" => *mode = Mode::Normal,
            b"\x7f" | b"\x08" => {
                name.pop();
            }
            k if k.first().is_some_and(|c| *c >= 0x20 && *c != 0x7f) => {
                if let Ok(s) = std::str::from_utf8(k) {
                    name.push_str(s);
                }
            }
            _ => {}
        },
        Mode::Help => *mode = Mode::Normal,
        Mode::Numbers(_) => {
            *mode = Mode::Normal;
            if let [d @ b'0'..=b'9'] = key {
                if let Some(p) = f.panes.get(usize::from(d - b'0')) {
                    command(cmd, Request::select_pane(Some(p.id.to_string())))?;
                }
            }
        }
        Mode::Command(p) => match p.key(&copy::key_name(key)) {
            prompt::Outcome::None => {}
            prompt::Outcome::Cancel => *mode = Mode::Normal,
            prompt::Outcome::Run(line) => {
                *mode = Mode::Normal;
                run_command_line(cmd, view, &line)?;
            }
        },
        Mode::Tree(t, at) => {
            let body = term::size().1.saturating_sub(1);
            let outcome = if key.starts_with(b"\x1b[<") {
                match mouse::parse_sgr(key) {
                    Some(m) if m.left_press() && m.y < t.list_rows(body) => {
                        t.click(usize::from(m.y), body)
                    }
                    _ => tree::Outcome::None,
                }
            } else {
                t.key(&copy::key_name(key), usize::from(t.list_rows(body)))
            };
            match outcome {
                tree::Outcome::None => {
                    // Expanded or collapsed: rebuild now.
                    *at = at.checked_sub(TREE_EVERY).unwrap_or(*at);
                }
                tree::Outcome::Exit => *mode = Mode::Normal,
                tree::Outcome::Choose(it) => {
                    *mode = Mode::Normal;
                    tree_choose(&it, f, cmd)?;
                }
                tree::Outcome::Kill(it) => {
                    let target = Some(it.id.clone());
                    command(
                        cmd,
                        match it.kind {
                            tree::Kind::Pane => Request::KillPane { target },
                            tree::Kind::Window => Request::KillWindow { target },
                            tree::Kind::Session => Request::KillSession { target },
                        },
                    )?;
                    *at = at.checked_sub(TREE_EVERY).unwrap_or(*at);
                }
            }
        }
        Mode::Copy(c) => {
            let outcome = if key.starts_with(b"\x1b[<") {
                match mouse::parse_sgr(key) {
                    Some(m) => copy_mouse(c, &m, view),
                    None => copy::Outcome::None,
                }
            } else {
                c.key(&copy::key_name(key))
            };
            let pane = c.pane;
            match outcome {
                copy::Outcome::None => {}
                copy::Outcome::Exit => *mode = Mode::Normal,
                copy::Outcome::Copy(text) => {
                    *mode = Mode::Normal;
                    copy_out(cmd, pane, text)?;
                }
            }
        }
    }
    Ok(())
}

/// Handles one read of stdin, key by key: bytes for the pane are batched into one
/// `AttachInput`; a binding that opens a prompt or view gets the keys that follow it in the
/// same read.
fn handle_input(
    bytes: &[u8],
    keys: &mut bindings::Machine,
    mode: &mut Mode,
    view: &mut View,
    cmd: &mut Client,
    sender: &mut StreamSender,
    opts: &AttachOptions,
) -> Result<Option<Exit>, String> {
    let Some(session_name) = view.frame.as_ref().map(|f| f.session_name.clone()) else {
        return Ok(None);
    };
    let mut fwd: Vec<u8> = Vec::new();
    let flush = |fwd: &mut Vec<u8>, sender: &mut StreamSender| -> Result<(), String> {
        if !fwd.is_empty() && !opts.read_only {
            sender
                .send(Request::AttachInput {
                    bytes: std::mem::take(fwd),
                })
                .map_err(|e| e.to_string())?;
        }
        fwd.clear();
        Ok(())
    };
    let mut i = 0;
    while i < bytes.len() {
        // The terminal's focus reports (turned on by `term::TermGuard`): to the server, never
        // to the pane (tmux tty-keys.c `KEYC_FOCUS_IN` / `KEYC_FOCUS_OUT`).
        if let Some(focused) = focus_report(&bytes[i..]) {
            flush(&mut fwd, sender)?;
            sender
                .send(Request::AttachFocus { focused })
                .map_err(|e| e.to_string())?;
            i += 3;
            continue;
        }
        if !matches!(mode, Mode::Normal) {
            let n = key_len(&bytes[i..]);
            mode_key(&bytes[i..i + n], mode, view, cmd)?;
            i += n;
            continue;
        }
        if keys.idle() && view.look.mouse && bytes[i..].starts_with(b"\x1b[<") {
            let n = key_len(&bytes[i..]);
            if let Some(m) = mouse::parse_sgr(&bytes[i..i + n]) {
                flush(&mut fwd, sender)?;
                if !opts.read_only {
                    on_mouse(m, mode, view, cmd, sender)?;
                }
                i += n;
                continue;
            }
        }
        // One whole key at a time (an escape sequence is one key: `M-a`, `F5`, `C-Up`).
        let n = bindings::next_key(&bytes[i..]).0.max(1);
        // A key after the prefix that the tables held here do not bind: they may be older than
        // the server's (a `bind-key` whose frame has not come yet), and tmux looks keys up in
        // the server's tables as they arrive; fetch them before the key is dropped.
        if keys.misses(&bytes[i..i + n]) {
            if let Some(session) = view.frame.as_ref().map(|f| f.session) {
                if fetch_config(cmd, session, keys, view) {
                    view.redraw = true;
                }
            }
        }
        for action in keys.feed(&bytes[i..i + n]) {
            match action {
                Action::Forward(b) => fwd.extend_from_slice(&b),
                Action::Detach => {
                    flush(&mut fwd, sender)?;
                    let _ = sender.send(Request::AttachDetach);
                    return Ok(Some(Exit::new(DetachReason::Detached, &session_name)));
                }
                Action::Run { table, key } => {
                    flush(&mut fwd, sender)?;
                    sender
                        .send(Request::AttachKey { table, key })
                        .map_err(|e| e.to_string())?;
                }
                Action::ToggleSidebar => {
                    let cols = term::size().0;
                    let on = view.sidebar_width(cols) > 0;
                    view.sidebar = Some(!on);
                }
                Action::Refresh => {
                    flush(&mut fwd, sender)?;
                    view.redraw = true;
                    if !opts.read_only {
                        reload_config(cmd, view, &keys.reload)?;
                    }
                }
                _ if opts.read_only => {}
                other => {
                    flush(&mut fwd, sender)?;
                    binding(other, mode, view, cmd)?;
                }
            }
        }
        i += n;
    }
    flush(&mut fwd, sender)?;
    Ok(None)
}

/// A focus report at the start of `bytes`: `CSI I` (focus in, true) or `CSI O` (out, false).
fn focus_report(bytes: &[u8]) -> Option<bool> {
    match bytes.get(..3)? {
        b"\x1b[I" => Some(true),
        b"\x1b[O" => Some(false),
        _ => None,
    }
}

/// What new panes and windows run with: the active pane's directory (tmux: `-c
/// "#{pane_current_path}"`), asked now (the overview's copy may be a second old after a `cd`),
/// else the server's default.
fn here(view: &View, cmd: &mut Client) -> Spawn {
    let cwd = view
        .active()
        .and_then(|a| {
            match cmd.request(Request::ListPanes {
                target: Some(a.id.to_string()),
                all: false,
                brief: false,
            }) {
                Ok(Response::Panes(ps)) => ps.into_iter().find(|p| p.id == a.id)?.cwd,
                _ => None,
            }
        })
        .or_else(|| view.active_cwd());
    Spawn {
        cwd,
        ..Spawn::default()
    }
}

/// Runs a prefix binding.
fn binding(action: Action, mode: &mut Mode, view: &View, cmd: &mut Client) -> Result<(), String> {
    let Some(f) = view.frame.as_ref() else {
        return Ok(());
    };
    let session = f.session.to_string();
    let active = view.active().cloned();
    let active_id = active.as_ref().map(|a| a.id.to_string());
    match action {
        Action::Forward(_)
        | Action::Detach
        | Action::ToggleSidebar
        | Action::Refresh
        | Action::Run { .. } => {}
        Action::ChooseTree(sessions) => {
            let current = active
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default();
            let mut t = tree::Tree::new(&tree_listing(cmd)?, &current, sessions);
            tree_preview(&mut t, cmd);
            *mode = Mode::Tree(Box::new(t), Instant::now());
        }
        Action::CommandPrompt => *mode = Mode::Command(prompt::Prompt::default()),
        Action::NewWindow => {
            let spawn = here(view, cmd);
            command(
                cmd,
                Request::NewWindow {
                    target: Some(session),
                    name: None,
                    spawn,
                    detached: false,
                },
            )?;
        }
        Action::JumpAttention => {
            let current = active.as_ref().map(|a| a.id);
            match overview::next_attention(&f.overview, current) {
                Some(p) => focus(cmd, f, p)?,
                None => return Err("no other pane is waiting for input or attention".into()),
            }
        }
        Action::PaneNumbers => *mode = Mode::Numbers(Instant::now()),
        Action::CycleWindow(o) => {
            command(
                cmd,
                Request::CycleWindow {
                    target: Some(session),
                    offset: o,
                },
            )?;
        }
        Action::SelectWindow(i) => {
            command(
                cmd,
                Request::SelectWindow {
                    target: Some(format!("{session}:{i}")),
                },
            )?;
        }
        Action::Split(h) => {
            let spawn = here(view, cmd);
            let direction = if h {
                SplitDirection::Horizontal
            } else {
                SplitDirection::Vertical
            };
            command(
                cmd,
                Request::SplitWindow {
                    target: active_id,
                    direction,
                    size: None,
                    spawn,
                    detached: false,
                    before: false,
                    full: false,
                },
            )?;
        }
        Action::SelectDirection(dx, dy) => {
            if let Some(a) = &active {
                if let Some(p) = neighbour(&f.panes, a, dx, dy) {
                    command(cmd, Request::select_pane(Some(p.to_string())))?;
                }
            }
        }
        Action::NextPane => {
            if let Some(a) = &active {
                let i = f.panes.iter().position(|p| p.id == a.id).unwrap_or(0);
                let next = &f.panes[(i + 1) % f.panes.len()];
                command(cmd, Request::select_pane(Some(next.id.to_string())))?;
            }
        }
        Action::KillPane => {
            if let Some(a) = &active {
                *mode = Mode::Confirm(a.id);
            }
        }
        Action::Zoom => {
            command(cmd, Request::ZoomPane { target: active_id })?;
        }
        Action::RenameWindow => *mode = Mode::Rename(String::new()),
        Action::Help => *mode = Mode::Help,
        Action::CopyMode => {
            if let Some(a) = &active {
                *mode = copy_mode(cmd, a, 0)?;
            }
        }
        Action::Paste => {
            command(
                cmd,
                Request::PasteBuffer {
                    target: active_id,
                    name: None,
                    delete: false,
                    bracket: true,
                    keep_lf: false,
                    separator: None,
                },
            )?;
        }
    }
    Ok(())
}

/// Runs a command typed at the prompt as a tmux command line on the server (`Request::Tmux`),
/// as from the active pane (tmux runs it in the client's context). Its first error line, else
/// its first output line, is returned as `Err` to show on the status line; a session it asks
/// the client to attach to (`new-session`, `attach-session`) is switched to.
fn run_command_line(cmd: &mut Client, view: &View, line: &str) -> Result<(), String> {
    let argv = prompt::split(line)?;
    if argv.is_empty() {
        return Ok(());
    }
    cmd.set_caller(view.active().map(|a| a.id));
    let r = command(
        cmd,
        Request::Tmux {
            argv,
            cwd: view.active_cwd(),
            // This client's terminal (a `new-session` from the prompt starts at its size).
            size: Some(term::size()),
        },
    );
    cmd.set_caller(None);
    let Response::Tmux(out) = r? else {
        return Ok(());
    };
    if let (Some(s), Some(f)) = (out.attach, view.frame.as_ref()) {
        switch_client(cmd, f, s)?;
    }
    let first = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(str::to_owned)
    };
    match first(&out.stderr).or_else(|| first(&out.stdout)) {
        Some(l) => Err(l),
        None => Ok(()),
    }
}

/// `refresh-client` (`prefix r`): the server reads its config files again (`source-file`,
/// `-q` when missing ones are skipped), as from the active pane. Its first error line, else
/// `config re-read`, is returned as `Err` to show on the status line.
fn reload_config(cmd: &mut Client, view: &View, files: &(Vec<String>, bool)) -> Result<(), String> {
    if files.0.is_empty() {
        return Ok(());
    }
    let mut argv = vec!["source-file".to_owned()];
    if files.1 {
        argv.push("-q".into());
    }
    argv.extend(files.0.iter().cloned());
    cmd.set_caller(view.active().map(|a| a.id));
    let r = command(
        cmd,
        Request::Tmux {
            argv,
            cwd: view.active_cwd(),
            size: None,
        },
    );
    cmd.set_caller(None);
    if let Response::Tmux(out) = r? {
        if let Some(l) = String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| !l.trim().is_empty())
        {
            return Err(l.to_owned());
        }
    }
    Err("config re-read".into())
}

/// How often the choose tree re-reads the listing and its preview.
const TREE_EVERY: Duration = Duration::from_millis(500);

/// Every pane of the server for the choose tree (`list-panes -a -F`).
fn tree_listing(cmd: &mut Client) -> Result<Vec<String>, String> {
    match command(
        cmd,
        Request::FormatList {
            scope: tidemux_proto::ListScope::Panes,
            target: None,
            all: true,
            format: tree::LIST_FORMAT.into(),
            filter: None,
        },
    )? {
        Response::Lines(l) => Ok(l),
        _ => Ok(Vec::new()),
    }
}

/// Reads the highlighted row's pane screen into the tree's preview.
fn tree_preview(t: &mut tree::Tree, cmd: &mut Client) {
    let Some(pane) = t.current().map(|i| i.pane.clone()) else {
        t.preview.clear();
        return;
    };
    t.preview = match cmd.request(Request::ReadScreen {
        target: Some(pane),
        range: ReadRange::Visible,
        ansi: false,
    }) {
        Ok(Response::Screen(s)) => s.lines,
        _ => Vec::new(),
    };
}

/// Enter in the choose tree: focus the row's pane, window or session, switching this client
/// to its session first when it is another one (tmux `switch-client`).
fn tree_choose(it: &tree::Item, f: &AttachFrame, cmd: &mut Client) -> Result<(), String> {
    let target = Some(it.id.clone());
    match it.kind {
        tree::Kind::Pane => {
            command(cmd, Request::select_pane(target))?;
        }
        tree::Kind::Window => {
            command(cmd, Request::SelectWindow { target })?;
        }
        tree::Kind::Session => {}
    }
    if it.session != f.session.to_string() {
        switch_client(cmd, f, it.session.clone())?;
    }
    Ok(())
}

/// This client shows `session` from now on (tmux `switch-client -c CLIENT -t SESSION`).
fn switch_client(cmd: &mut Client, f: &AttachFrame, session: String) -> Result<(), String> {
    command(
        cmd,
        Request::SwitchClient {
            client: Some(f.client.to_string()),
            target: Some(session),
            next: false,
            previous: false,
            last: false,
            toggle_read_only: false,
        },
    )
    .map(|_| ())
}

/// Lines a wheel notch scrolls (tmux scrolls 5; 3 as most terminals).
const WHEEL_LINES: usize = 3;

/// Copy mode over `pane` (its history and screen from the server), `offset` lines up from the
/// bottom (clamped), with the key table of the window's `mode-keys` option.
fn copy_mode(cmd: &mut Client, pane: &PaneView, offset: usize) -> Result<Mode, String> {
    let target = Some(pane.id.to_string());
    let vi = option(cmd, pane.id, "mode-keys").as_deref() == Some("vi");
    match command(
        cmd,
        Request::ReadScreen {
            target,
            range: ReadRange::History,
            ansi: false,
        },
    )? {
        Response::Screen(s) => Ok(Mode::Copy(Box::new(copy::Copy::new(
            pane.id,
            s.lines,
            pane.cols,
            pane.rows,
            offset,
            (s.cursor.row, s.cursor.col),
            vi,
        )))),
        _ => Ok(Mode::Normal),
    }
}

/// The value of option `name` for `pane` (tmux looks options up by name in formats), `None`
/// if the server cannot say.
fn option(cmd: &mut Client, pane: PaneId, name: &str) -> Option<String> {
    match cmd.request(Request::DisplayMessage {
        target: Some(pane.to_string()),
        message: format!("#{{{name}}}"),
        print: true,
        all: false,
        duration_ms: None,
    }) {
        Ok(Response::Text(t)) => Some(t),
        _ => None,
    }
}

/// Copied text: into a new paste buffer (tmux `copy-selection`), and to the outer terminal's
/// clipboard as OSC 52 unless `set-clipboard` is `off` (tmux sends it for `external` and `on`).
fn copy_out(cmd: &mut Client, pane: PaneId, text: String) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    if option(cmd, pane, "set-clipboard").as_deref() != Some("off") {
        let mut out = std::io::stdout().lock();
        let _ = out
            .write_all(&copy::osc52(&text))
            .and_then(|()| out.flush());
    }
    command(
        cmd,
        Request::SetBuffer {
            name: None,
            data: text.into_bytes(),
            append: false,
            rename: None,
        },
    )
    .map(|_| ())
}

/// A mouse report in copy mode: the wheel scrolls (leaving at the bottom when the wheel
/// entered), a left press moves the cursor, a drag selects, the release after a drag copies.
fn copy_mouse(c: &mut copy::Copy, m: &mouse::Mouse, view: &View) -> copy::Outcome {
    let d = WHEEL_LINES as isize;
    if m.wheel_up() {
        c.wheel(-d);
        return copy::Outcome::None;
    }
    if m.wheel_down() {
        return if c.wheel(d) {
            copy::Outcome::Exit
        } else {
            copy::Outcome::None
        };
    }
    let Some(p) = view
        .frame
        .as_ref()
        .and_then(|f| f.panes.iter().find(|p| p.id == c.pane))
    else {
        return copy::Outcome::None;
    };
    let ox = view.sidebar_width(term::size().0);
    let col = (m.x.saturating_sub(ox) + view.pan.0)
        .saturating_sub(p.left)
        .min(p.cols.saturating_sub(1));
    let oy = border::top_offset(view.frame.as_ref());
    let row = (m.y.saturating_sub(oy) + view.pan.1)
        .saturating_sub(p.top)
        .min(p.rows.saturating_sub(1));
    match (m.press, m.button & !0b1_1100) {
        (true, 0) => c.click(col, row),
        (true, 32) => c.drag(col, row),
        (false, 0) => return c.release(),
        _ => {}
    }
    copy::Outcome::None
}

/// A mouse event in normal mode: a left click focuses the pane, the sidebar entry or the
/// window tab under it; the wheel up enters the scrollback view of the pane under it. Over a
/// pane whose program asked for mouse reports, the event goes to the program instead (with
/// coordinates in the pane; the pane is focused first, as input goes to the active pane).
fn on_mouse(
    m: mouse::Mouse,
    mode: &mut Mode,
    view: &mut View,
    cmd: &mut Client,
    sender: &mut StreamSender,
) -> Result<(), String> {
    let Some(f) = view.frame.as_ref() else {
        return Ok(());
    };
    let (cols, rows) = term::size();
    let ox = view.sidebar_width(cols);
    let mut m = m;
    m.y = view.look.mouse_y(m.y, rows);
    let oy = border::top_offset(view.frame.as_ref());
    // A panned window (larger than the terminal): a point of the window area is that far
    // into the window.
    let status_at = rows.saturating_sub(view.look.status_rows());
    let on_status = view.look.status && m.y >= status_at;
    if !on_status && m.x >= ox && m.y >= oy {
        m.x = m.x.saturating_add(view.pan.0);
        m.y = m.y.saturating_add(view.pan.1);
    }
    let (x, y) = (m.x, m.y);
    let pane_at = |x: u16, y: u16| {
        let x = x.checked_sub(ox)?;
        let y = y.checked_sub(oy)?;
        f.panes
            .iter()
            .find(|p| x >= p.left && x < p.left + p.cols && y >= p.top && y < p.top + p.rows)
    };
    let select = |cmd: &mut Client, p: PaneId| {
        command(cmd, Request::select_pane(Some(p.to_string()))).map(|_| ())
    };
    // Dragging a border resizes the panes on either side (tmux `MouseDrag1Border`).
    if let Some(drag) = view.border_drag {
        if !m.press {
            view.border_drag = None;
            return Ok(());
        }
        if m.button & !0b1_1100 == 32 {
            let to = (
                x.saturating_sub(ox).min(f.cols.saturating_sub(1)),
                y.saturating_sub(oy).min(f.rows.saturating_sub(1)),
            );
            // The panes are found once, at the first move, in the frame shown then: later
            // frames may not show the resizes already sent yet, and the border would not be
            // found where the pointer left it (tmux finds it in its own, current layout).
            let edges = drag
                .edges
                .unwrap_or_else(|| border_panes(&f.panes, drag.last));
            view.border_drag = Some(BorderDrag {
                last: to,
                edges: Some(edges),
            });
            for r in border_resizes(edges, drag.last, to) {
                command(cmd, r)?;
            }
            return Ok(());
        }
        view.border_drag = None;
    }
    // Pass-through: presses and wheel over a reporting pane; releases and drags to the active
    // pane when it reports (a drag keeps going to the pane it started in).
    let target = if m.press && m.button & 32 == 0 {
        pane_at(x, y)
    } else {
        view.active()
    };
    if let Some(p) = target.filter(|p| p.mouse > 0) {
        let (px, py) = (
            x.saturating_sub(ox)
                .saturating_sub(p.left)
                .min(p.cols.saturating_sub(1)),
            y.saturating_sub(oy)
                .saturating_sub(p.top)
                .min(p.rows.saturating_sub(1)),
        );
        if let Some(bytes) = mouse::encode(&m, px, py, p.mouse, p.mouse_sgr) {
            // Always selected, as tmux's `MouseDown1Pane` (`select-pane -t=`): the frame's
            // active flag may be older than a selection this client just sent.
            // (Button presses only: not motion, not the wheel.)
            if m.press && m.button & (32 | 64) == 0 {
                select(cmd, p.id)?;
            }
            sender
                .send(Request::AttachInput { bytes })
                .map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    if m.wheel_up() {
        if let Some(p) = pane_at(x, y).or_else(|| view.active()) {
            *mode = copy_mode(cmd, p, WHEEL_LINES)?;
            if let Mode::Copy(c) = mode {
                c.exit_at_bottom = true;
            }
        }
        return Ok(());
    }
    // A left drag that started over a pane selects in copy mode (tmux `MouseDrag1Pane`:
    // `copy-mode -M`), from where the button went down.
    if m.press && m.button & !0b1_1100 == 32 {
        if let Some((px, py)) = view.press.take() {
            if let Some(p) = pane_at(px, py) {
                let (l, t) = (p.left + ox, p.top + oy);
                *mode = copy_mode(cmd, p, 0)?;
                if let Mode::Copy(c) = mode {
                    c.click(px - l, py - t);
                    let col = x.saturating_sub(l).min(p.cols.saturating_sub(1));
                    let row = y.saturating_sub(t).min(p.rows.saturating_sub(1));
                    c.drag(col, row);
                }
            }
        }
        return Ok(());
    }
    if !m.left_press() {
        return Ok(());
    }
    view.press = Some((x, y));
    let in_window =
        |x: u16, y: u16| x >= ox && y >= oy && x - ox < f.cols && y - oy < f.rows && !f.zoomed;
    if !on_status && in_window(x, y) && pane_at(x, y).is_none() {
        view.border_drag = Some(BorderDrag {
            last: (x - ox, y - oy),
            edges: None,
        });
        return Ok(());
    }
    if on_status {
        let line = y - status_at;
        if let Some((.., i)) = view
            .tab_hits
            .iter()
            .find(|(l, a, b, _)| *l == line && x >= *a && x < *b)
        {
            command(
                cmd,
                Request::SelectWindow {
                    target: Some(format!("{}:{i}", f.session)),
                },
            )?;
        }
    } else if x < ox {
        let at = overview::rows_of(&f.overview);
        if let Some((p, _)) = at.iter().rev().find(|(_, top)| y >= *top) {
            focus(cmd, f, *p)?;
        }
    } else if let Some(p) = pane_at(x, y) {
        // Always, as tmux's `MouseDown1Pane`: the frame's active flag may be older than the
        // selection of a click just before (a click on the pane the frame still shows active
        // would otherwise do nothing). Selecting the active pane changes nothing.
        select(cmd, p.id)?;
    }
    Ok(())
}

/// Focuses pane `p` of the overview: `select-pane` in the client's session; a pane of
/// another session (`sidebar-scope all`) switches the client there (`switch-client -t %N`).
fn focus(cmd: &mut Client, f: &AttachFrame, p: PaneId) -> Result<(), String> {
    let elsewhere = f
        .overview
        .iter()
        .find(|s| s.id == p)
        .and_then(|s| s.session)
        .is_some_and(|s| s != f.session);
    let req = if elsewhere {
        Request::SwitchClient {
            client: Some(f.client.to_string()),
            target: Some(p.to_string()),
            next: false,
            previous: false,
            last: false,
            toggle_read_only: false,
        }
    } else {
        Request::select_pane(Some(p.to_string()))
    };
    command(cmd, req).map(|_| ())
}

/// A border being dragged: the pointer's last cell in window coordinates, and the panes whose
/// right edge and bottom edge it drags (found at the first move, see `mouse`).
#[derive(Debug, Clone, Copy)]
struct BorderDrag {
    last: (u16, u16),
    edges: Option<(Option<PaneId>, Option<PaneId>)>,
}

/// The panes whose right edge (a vertical border) and bottom edge (a horizontal border) lie
/// at window cell `at`.
fn border_panes(panes: &[PaneView], at: (u16, u16)) -> (Option<PaneId>, Option<PaneId>) {
    let (lx, ly) = (i32::from(at.0), i32::from(at.1));
    let right = panes.iter().find(|p| {
        i32::from(p.left + p.cols) == lx
            && ly >= i32::from(p.top) - 1
            && ly <= i32::from(p.top + p.rows)
    });
    let bottom = panes.iter().find(|p| {
        i32::from(p.top + p.rows) == ly
            && lx >= i32::from(p.left) - 1
            && lx <= i32::from(p.left + p.cols)
    });
    (right.map(|p| p.id), bottom.map(|p| p.id))
}

/// The `resize-pane` requests for a drag from `from` to `to` of the border of `edges` (see
/// [`border_panes`]): the pane left of a vertical border by the columns moved, the pane
/// above a horizontal one by the rows moved.
fn border_resizes(
    edges: (Option<PaneId>, Option<PaneId>),
    from: (u16, u16),
    to: (u16, u16),
) -> Vec<Request> {
    let dx = i32::from(to.0) - i32::from(from.0);
    let dy = i32::from(to.1) - i32::from(from.1);
    let resize = |p: PaneId, d: i32, neg: PaneDirection, pos: PaneDirection| Request::ResizePane {
        target: Some(p.to_string()),
        direction: Some(if d < 0 { neg } else { pos }),
        adjustment: Some(d.unsigned_abs()),
        width: None,
        height: None,
        zoom: false,
    };
    let mut out = Vec::new();
    if let Some(p) = edges.0.filter(|_| dx != 0) {
        out.push(resize(p, dx, PaneDirection::Left, PaneDirection::Right));
    }
    if let Some(p) = edges.1.filter(|_| dy != 0) {
        out.push(resize(p, dy, PaneDirection::Up, PaneDirection::Down));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::key_len;

    #[test]
    fn keys_are_split_whole() {
        assert_eq!(key_len(b"\x1b[5~\x1b[5~"), 4);
        assert_eq!(key_len(b"\x1bOAk"), 3);
        assert_eq!(key_len(b"\x1b"), 1);
        assert_eq!(key_len("é!".as_bytes()), 2);
        assert_eq!(key_len(b"kk"), 1);
    }
}
