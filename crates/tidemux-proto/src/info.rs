//! What listings and captures return. These are also the JSON shapes printed by `--json`
//! (`docs/cli.md`), so field names are part of the scripting interface: add, never rename.

use crate::ids::{PaneId, SessionId, WindowId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a pane's process ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExitInfo {
    /// Exit code (0-255) when the process exited normally; 128+N style codes are not invented.
    pub code: Option<i32>,
    /// Signal description (e.g. `"Killed"`) when a signal ended the process.
    pub signal: Option<String>,
}

/// One session, as `list-sessions` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SessionInfo {
    /// `$N`.
    pub id: SessionId,
    /// Session name (unique on the server).
    pub name: String,
    /// Number of windows.
    pub windows: u32,
    /// The session's current window.
    pub active_window: WindowId,
    /// Creation time, seconds since the Unix epoch.
    pub created: u64,
    /// Number of attached clients.
    pub attached: u32,
}

/// One window, as `list-windows` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WindowInfo {
    /// `@N`.
    pub id: WindowId,
    /// Owning session.
    pub session: SessionId,
    /// Owning session's name.
    pub session_name: String,
    /// Index in the session (0-based, tmux `base-index 0`).
    pub index: u32,
    /// Window name.
    pub name: String,
    /// Width in cells.
    pub cols: u16,
    /// Height in cells.
    pub rows: u16,
    /// Whether this is the session's current window.
    pub active: bool,
    /// Number of panes.
    pub panes: u32,
    /// The window's active pane.
    pub active_pane: PaneId,
}

/// What a pane is doing, as `status` and `list-panes` report it (see `docs/cli.md` for the
/// method and its hysteresis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    /// The screen changed recently or the foreground process is on a CPU.
    Running,
    /// The screen is quiet and the foreground process is not reading the terminal.
    Idle,
    /// The screen is quiet and the foreground process is blocked reading the terminal.
    WaitingInput,
    /// The pane's process exited.
    Exited,
    /// The pane's shell sits at its prompt (the shell itself is in the foreground reading the
    /// terminal, or OSC 133 says so).
    AtPrompt,
    /// Reported by the program (`status --set blocked`): it cannot go on without help.
    Blocked,
    /// Reported by the program (`status --set done`): it finished its task.
    Done,
}

impl RunState {
    /// The kebab-case name (`waiting-input`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Idle => "idle",
            RunState::WaitingInput => "waiting-input",
            RunState::Exited => "exited",
            RunState::AtPrompt => "at-prompt",
            RunState::Blocked => "blocked",
            RunState::Done => "done",
        }
    }
}

impl std::str::FromStr for RunState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "running" => Ok(RunState::Running),
            "idle" => Ok(RunState::Idle),
            "waiting-input" => Ok(RunState::WaitingInput),
            "exited" => Ok(RunState::Exited),
            "at-prompt" => Ok(RunState::AtPrompt),
            "blocked" => Ok(RunState::Blocked),
            "done" => Ok(RunState::Done),
            _ => Err(format!(
                "unknown state '{s}'; valid states: running, idle, waiting-input, at-prompt, exited, blocked, done"
            )),
        }
    }
}

/// A process, as seen in `/proc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Command name (`/proc/PID/comm`).
    pub name: String,
}

/// One pane, as `list-panes` reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaneInfo {
    /// `%N`.
    pub id: PaneId,
    /// Pane name set by `rename-pane` (usable as a target), or `null`.
    pub name: Option<String>,
    /// Owning window.
    pub window: WindowId,
    /// Owning window's index in its session.
    pub window_index: u32,
    /// Owning window's name.
    pub window_name: String,
    /// Owning session.
    pub session: SessionId,
    /// Owning session's name.
    pub session_name: String,
    /// Index of the pane in its window (0-based, in layout order).
    pub index: u32,
    /// Width in cells.
    pub cols: u16,
    /// Height in cells.
    pub rows: u16,
    /// Column of the pane's left edge in the window, in cells.
    pub left: u16,
    /// Row of the pane's top edge in the window, in cells.
    pub top: u16,
    /// Whether this is its window's active pane.
    pub active: bool,
    /// The command the pane was started with (argv joined by spaces).
    pub command: String,
    /// Pid of the pane's process (`null` once it has been reaped).
    pub pid: Option<u32>,
    /// Whether the process has exited (only visible with `--remain-on-exit`).
    pub dead: bool,
    /// Exit status once dead.
    pub exit: Option<ExitInfo>,
    /// Title set by the program (OSC 0/2), empty if none.
    pub title: String,
    /// Output sequence number: total bytes of PTY output parsed so far.
    pub seq: u64,
    /// Number of bells (BEL) the program rang.
    pub bells: u64,
    /// Lines held in history (scrollback).
    pub history_lines: u64,
    /// History line limit.
    pub history_limit: u64,
    /// Bytes used by the history store.
    pub history_bytes: u64,
    /// What the pane is doing.
    pub state: RunState,
    /// The terminal's foreground process (leader of its foreground process group).
    pub foreground: Option<Process>,
    /// Working directory of the foreground process (else of the pane's process).
    pub cwd: Option<String>,
    /// Seconds since the rendered screen content last changed.
    pub quiet_secs: f64,
    /// A bell rang since the pane was last selected.
    pub bell: bool,
    /// The attention flag is set (by `notify` or a bell).
    pub attention: bool,
    /// The attention message, if any.
    pub attention_message: Option<String>,
    /// When the pane was closed, Unix seconds (`list-panes --closed` only).
    #[serde(default)]
    pub closed_at: Option<u64>,
    /// Path of the git worktree the pane was started in (`--worktree`).
    #[serde(default)]
    pub worktree: Option<String>,
    /// Branch of that worktree.
    #[serde(default)]
    pub branch: Option<String>,
    /// Message of a self-reported state (`status --set STATE --message M`).
    #[serde(default)]
    pub state_message: Option<String>,
}

/// Cursor state of a screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Cursor {
    /// Row, 0-based from the top of the visible screen.
    pub row: u16,
    /// Column, 0-based.
    pub col: u16,
    /// Whether the program shows the cursor (DECTCEM, `CSI ? 25 h/l`).
    pub visible: bool,
}

/// A capture of a pane's screen and/or history (`read-screen`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScreenCapture {
    /// The pane captured.
    pub pane: PaneId,
    /// Screen width in cells.
    pub cols: u16,
    /// Screen height in cells.
    pub rows: u16,
    /// Line number of `lines[0]`: 0 is the top visible row, negative numbers are history
    /// (-1 is the newest history line), as in tmux `capture-pane -S/-E`.
    pub first_line: i64,
    /// One string per row, trailing blanks trimmed; with `ansi`, SGR sequences included and each
    /// line that sets attributes ends with `ESC [ 0 m`.
    pub lines: Vec<String>,
    /// Cursor position and visibility.
    pub cursor: Cursor,
    /// Title set by the program.
    pub title: String,
    /// Whether the alternate screen is active (`CSI ? 1049 h`).
    pub alternate_screen: bool,
    /// Output sequence number of the captured state (bytes of PTY output parsed).
    pub seq: u64,
    /// Whether the process has exited.
    pub dead: bool,
}

/// Who a caller is, as `identify` reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Identity {
    /// Socket path of the server.
    pub socket: String,
    /// Server process id.
    pub server_pid: u32,
    /// The pane.
    pub pane: PaneInfo,
}

/// A colour of a cell (SGR 30-37/90-97, 38;5;N, 38;2;R;G;B; and the default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Color {
    /// The terminal's default colour.
    #[default]
    Default,
    /// Palette index 0-255.
    Idx(u8),
    /// True colour.
    Rgb(u8, u8, u8),
}

impl Color {
    /// tmux's `colour_fromstring` (colour.c) for the colours the wire has: `#rrggbb`,
    /// `colourN`/`colorN` (0-255), the eight names and `brightNAME`, `0`-`7`, `90`-`97`,
    /// `100`-`107`, `default` and `terminal`. `None`: none of these (tmux also accepts X11
    /// colour names, which the server checks beside this).
    pub fn from_tmux(s: &str) -> Option<Color> {
        const NAMES: [&str; 8] = [
            "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        ];
        let l = s.to_ascii_lowercase();
        if let Some(h) = s.strip_prefix('#') {
            if h.len() != 6 {
                return None;
            }
            let v = u32::from_str_radix(h, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        if let Some(n) = l.strip_prefix("colour").or_else(|| l.strip_prefix("color")) {
            if n.starts_with('+') {
                return None;
            }
            return n.parse::<u8>().ok().map(Color::Idx);
        }
        if l == "default" || l == "terminal" {
            return Some(Color::Default);
        }
        if let Some(i) = NAMES.iter().position(|n| *n == l) {
            return Some(Color::Idx(i as u8));
        }
        if let Some(i) = l
            .strip_prefix("bright")
            .and_then(|b| NAMES.iter().position(|n| *n == b))
        {
            return Some(Color::Idx(8 + i as u8));
        }
        if let Ok(n) = s.parse::<u8>() {
            return match n {
                0..=7 => Some(Color::Idx(n)),
                90..=97 => Some(Color::Idx(n - 90 + 8)),
                100..=107 => Some(Color::Idx(n - 100 + 8)),
                _ => None,
            };
        }
        None
    }
}

/// How a run of cells looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct CellStyle {
    /// Foreground.
    pub fg: Color,
    /// Background.
    pub bg: Color,
    /// Bit flags: 1 bold, 2 dim, 4 italic, 8 underline, 16 inverse.
    pub flags: u8,
}

impl CellStyle {
    /// Bold.
    pub const BOLD: u8 = 1;
    /// Dim.
    pub const DIM: u8 = 2;
    /// Italic.
    pub const ITALIC: u8 = 4;
    /// Underline.
    pub const UNDERLINE: u8 = 8;
    /// Inverse video.
    pub const INVERSE: u8 = 16;
}

/// A run of cells of one style in a row, left to right. `text` holds the cells' characters
/// (a wide character covers two cells); `cols` is the number of cells the run covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Span {
    /// Characters (blank cells are spaces).
    pub text: String,
    /// Cells covered.
    pub cols: u16,
    /// Style of every cell in the run.
    pub style: CellStyle,
}

/// One pane as an attached client draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaneView {
    /// The pane.
    pub id: PaneId,
    /// Left column in the window, cells.
    pub left: u16,
    /// Top row in the window, cells.
    pub top: u16,
    /// Width, cells.
    pub cols: u16,
    /// Height, cells.
    pub rows: u16,
    /// The window's active pane.
    pub active: bool,
    /// Its process exited.
    pub dead: bool,
    /// Mouse reporting its program asked for: 0 none, 1 presses (`?9`), 2 presses and
    /// releases (`?1000`), 3 also drags (`?1002`), 4 all motion (`?1003`).
    #[serde(default)]
    pub mouse: u8,
    /// Mouse reports in SGR encoding (`?1006`) rather than X10 bytes.
    #[serde(default)]
    pub mouse_sgr: bool,
}

/// One entry of the status line's window list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WindowTab {
    /// Window.
    pub id: WindowId,
    /// Index.
    pub index: u32,
    /// Name.
    pub name: String,
    /// The session's current window.
    pub active: bool,
    /// A pane in it rang the bell or asked for attention.
    pub alert: bool,
    /// A pane in it is dead.
    pub dead: bool,
    /// The most urgent state of its panes, for the tab's colour: `attention`, then the run
    /// states in the order `waiting-input`, `exited`, `running`, `idle` (any other state name
    /// a newer server sends ranks after these). Empty from an older server.
    #[serde(default)]
    pub state: String,
    /// The tab's text: `window-status-format` (`window-status-current-format` for the current
    /// window) expanded by the server for this window, `#[...]` styles left in (minor 14;
    /// `None` from older servers: the client then draws `INDEX:NAME` and a flag).
    #[serde(default)]
    pub text: Option<String>,
    /// The tab's style, as tmux's default `status-format` builds it: `window-status-style`
    /// (`window-status-current-style` for the current window unless `default`), then
    /// `window-status-last-style`, `-bell-style` or `-activity-style` when the window has that
    /// flag; tmux style words separated by spaces (minor 14).
    #[serde(default)]
    pub style: Option<String>,
}

/// One pane of the session in the attach client's agent overview (sidebar).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaneSummary {
    /// The pane.
    pub id: PaneId,
    /// Its window.
    pub window: WindowId,
    /// Its window's index in the session.
    pub window_index: u32,
    /// Its window's name.
    pub window_name: String,
    /// Pane name (`rename-pane`), if any.
    pub name: Option<String>,
    /// Foreground process name (`/proc/PID/comm`), else the command the pane started with.
    pub command: String,
    /// Run state name (`running`, `idle`, `waiting-input`, `exited`, or a state a newer
    /// server knows; clients show unknown names as they are).
    pub state: String,
    /// Exit status once the process exited.
    pub exit: Option<ExitInfo>,
    /// Attention message (`notify`, or `bell`), if the flag is set.
    pub attention: Option<String>,
    /// Seconds since the pane's screen last changed, when the frame was built.
    pub quiet_secs: u64,
    /// Its window's active pane.
    pub active: bool,
    /// Working directory of its foreground process, if known.
    pub cwd: Option<String>,
    /// Git branch of that directory (`.git/HEAD`), if it is in a git work tree.
    pub branch: Option<String>,
    /// Its session (minor 14; `None` from older servers): with `sidebar-scope all` the
    /// overview lists the panes of every session.
    #[serde(default)]
    pub session: Option<SessionId>,
    /// Its session's name (minor 14).
    #[serde(default)]
    pub session_name: Option<String>,
}

/// A changed row of a pane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RowUpdate {
    /// The pane.
    pub pane: PaneId,
    /// Row in the pane, 0-based.
    pub row: u16,
    /// The whole row, left to right.
    pub spans: Vec<Span>,
}

/// What an attached client must draw: sent when something changed, at most every ~16 ms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttachFrame {
    /// This client's id (for input, resize, detach).
    pub client: u32,
    /// Session.
    pub session: SessionId,
    /// Session name.
    pub session_name: String,
    /// The current window.
    pub window: WindowId,
    /// Window size in cells (the smallest attached client's, less the status line).
    pub cols: u16,
    /// Window height in cells.
    pub rows: u16,
    /// Windows for the status line.
    pub windows: Vec<WindowTab>,
    /// Pane geometry; `full` means the client must redraw everything.
    pub panes: Vec<PaneView>,
    /// Whether this frame replaces everything (new layout, window, or resync).
    pub full: bool,
    /// Changed rows (all rows of every pane when `full`).
    pub rows_changed: Vec<RowUpdate>,
    /// Cursor of the active pane in window coordinates, `(row, col)`, if visible.
    pub cursor: Option<(u16, u16)>,
    /// Attention message of the active pane or another pane of the session, if any.
    pub message: Option<String>,
    /// The window is zoomed (its active pane fills it).
    pub zoomed: bool,
    /// Every pane of the session, by window index then layout order, for the agent overview.
    /// Empty from an older server.
    #[serde(default)]
    pub overview: Vec<PaneSummary>,
    /// The window's `pane-border-status` (tmux): 0 `off`, 1 `top`, 2 `bottom`. The client
    /// draws each pane's border line there, keeping a row for the panes at that edge.
    #[serde(default)]
    pub border_status: u8,
    /// Each visible pane's `pane-border-format` expanded for it (`#[...]` styles left in for
    /// the client); empty while `border_status` is 0.
    #[serde(default)]
    pub borders: Vec<(PaneId, String)>,
    /// Version of the server's configuration for clients (key bindings, options; minor 2): when
    /// it differs from the client's copy, the client fetches `ClientConfig` again. 0 from an
    /// older server.
    #[serde(default)]
    pub config: u64,
    /// The session's `status-left` expanded for the client's current pane with strftime
    /// first (tmux `format_expand_time`), `#[...]` styles left in for the client; `None` from
    /// a server before minor 10 (the client then draws `[SESSION] `).
    #[serde(default)]
    pub status_left: Option<String>,
    /// `status-right` expanded the same way; `None` before minor 10 (the client then draws
    /// its clock).
    #[serde(default)]
    pub status_right: Option<String>,
    /// What a command bound to a key this client pressed printed (`bind x list-sessions`),
    /// one entry per line, sent once (minor 10): the client shows one line as its status
    /// message and more in a view it can scroll (tmux's view mode). At most
    /// `OUTPUT_MAX_LINES` lines of the server's attach support.
    #[serde(default)]
    pub output: Vec<String>,
    /// Whether the client rings its terminal's bell once with this frame (minor 15): an alert
    /// of the session (bell, activity, silence; tmux alerts.c) whose `visual-bell`,
    /// `visual-activity` or `visual-silence` option is `off` or `both` (`on` shows only the
    /// message, in `message`). `None` from an older server: the client then rings for a pane's
    /// bell itself, when it sets the pane's attention flag.
    #[serde(default)]
    pub bell: Option<bool>,
    /// The title for the client's terminal (minor 16): the session's `set-titles-string`
    /// expanded for its current window and active pane, sent only while `set-titles` is on,
    /// the client's terminal can show a title (tmux `tsl`/`fsl`) and the text differs from the
    /// last one sent to this client (tmux server-client.c `server_client_set_title`). The
    /// client writes `ESC ] 0 ; TEXT BEL`, with control characters left out. `None`: no
    /// change (and always from an older server).
    #[serde(default)]
    pub title: Option<String>,
    /// The status lines drawn by the server (minor 17): present when the session's
    /// `status-format` differs from tmux's default or `status` is `2`..`5`. Line N is
    /// `status-format[N]` expanded for the client (tmux status.c `status_redraw`) and laid out
    /// as tmux's format-draw.c `format_draw` does (`#[align=]`, `#[list=]`, `#[fill=]`,
    /// `#[range=]`, `push-default`/`pop-default`), exactly the client's width. The client
    /// draws them as they are, top to bottom, instead of its own layout. `None`: the client
    /// lays out `status_left`, `windows` and `status_right` itself (and always from an older
    /// server).
    #[serde(default)]
    pub status_lines: Option<Vec<StatusLine>>,
    /// The client's manual pan (minor 18; `refresh-client -L|-R|-U|-D`, tmux 3.3a
    /// `pan_window`/`pan_ox`/`pan_oy`): the window cell (x, y) shown at the top left of the
    /// window area while the window is larger than the client; `None` while the view follows
    /// the active pane's cursor (and from older servers). The client keeps it within the
    /// room it has (see [`crate::view::panned_offset`]).
    #[serde(default)]
    pub pan: Option<(u16, u16)>,
}

/// One status line drawn by the server ([`AttachFrame::status_lines`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusLine {
    /// The cells, left to right, covering the client's width.
    pub spans: Vec<Span>,
    /// Where a mouse click means something (tmux `#[range=...]`), left to right.
    #[serde(default)]
    pub ranges: Vec<StatusRange>,
}

/// A clickable part of a status line (tmux `struct style_range`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusRange {
    /// First column.
    pub start: u16,
    /// Column after the last (tmux's ranges end one cell past their text).
    pub end: u16,
    /// What it stands for.
    pub kind: StatusRangeKind,
}

/// What a status line range stands for (tmux `#[range=left|right|window|N]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusRangeKind {
    /// `range=left`: status-left (tmux's `StatusLeft` mouse events).
    Left,
    /// `range=right`: status-right (`StatusRight`).
    Right,
    /// `range=window|N`: the window at index N (a click selects it).
    Window(u32),
}
