//! Requests and responses. One definition of each message: the server matches on these, the
//! client builds them, the CLI prints their payloads as JSON.
//!
//! Compatibility: new variants and fields are appended at the end; a change to an existing one
//! bumps [`crate::PROTOCOL_VERSION`].

use crate::ids::{PaneId, SessionId, WindowId};
use crate::info::{Identity, PaneInfo, ScreenCapture, SessionInfo, WindowInfo};
use serde::{Deserialize, Serialize};

/// The body of every request frame: the caller's context plus the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The pane the caller runs in (`TIDEMUX_PANE`), used as the default target.
    pub caller_pane: Option<PaneId>,
    /// The request.
    pub request: Request,
}

/// A target as typed by the user (`%N`, `@N`, `$N`, `SESSION`, `SESSION:WINDOW`,
/// `SESSION:WINDOW.PANE`, a pane name); `None` means "the default" (caller's pane, else the
/// most recently used session's active pane).
pub type Target = Option<String>;

/// Options of `new-session`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    /// Session name; `None` picks the next free number, as tmux does.
    pub name: Option<String>,
    /// Name of the first window; `None` uses the command's name.
    pub window_name: Option<String>,
    /// Options shared with new panes.
    pub spawn: Spawn,
    /// Window width in cells (default 80).
    pub cols: Option<u16>,
    /// Window height in cells (default 24).
    pub rows: Option<u16>,
    /// History limit in lines for the session's panes (default 10,000).
    pub history_limit: Option<u32>,
    /// Keep panes whose process exited, marked dead.
    pub remain_on_exit: bool,
}

/// How to start a pane's process.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Spawn {
    /// argv; empty means the default shell (`$SHELL`, else `/bin/sh`). One element containing
    /// spaces or shell syntax runs through `/bin/sh -c`.
    pub command: Vec<String>,
    /// Working directory; `None` means the client's directory (`client_cwd`).
    pub cwd: Option<String>,
    /// The client's working directory, used when `cwd` is `None`.
    pub client_cwd: Option<String>,
    /// Extra environment, `KEY=VALUE` pairs already split.
    pub env: Vec<(String, String)>,
}

/// Direction of a split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitDirection {
    /// Side by side (tmux `-h`).
    Horizontal,
    /// One above the other (tmux `-v`, the default).
    Vertical,
}

/// Size of a new pane along the split direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitSize {
    /// Cells.
    Cells(u16),
    /// Percent of the split pane's size (1-99).
    Percent(u8),
}

/// Which lines `read-screen` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadRange {
    /// The visible screen.
    Visible,
    /// The last N lines of history followed by the visible screen.
    Lines(u32),
    /// All history followed by the visible screen.
    History,
    /// tmux-style `-S START -E END`: 0 is the top visible row, negative is history; `None`
    /// means the start of history (for START) or the bottom of the screen (for END).
    Span {
        /// First line (inclusive).
        start: Option<i64>,
        /// Last line (inclusive).
        end: Option<i64>,
    },
}

/// A request from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Create a session with one window and one pane.
    NewSession(NewSession),
    /// Create a window in a session.
    NewWindow {
        /// Session to add to.
        target: Target,
        /// Window name.
        name: Option<String>,
        /// Process options.
        spawn: Spawn,
        /// Do not make it the current window.
        detached: bool,
    },
    /// Split a pane.
    SplitWindow {
        /// Pane to split.
        target: Target,
        /// Direction.
        direction: SplitDirection,
        /// Size of the new pane; `None` is half.
        size: Option<SplitSize>,
        /// Process options.
        spawn: Spawn,
        /// Do not make the new pane active.
        detached: bool,
    },
    /// List all sessions.
    ListSessions,
    /// List windows of one session, or of all with `all`.
    ListWindows {
        /// Session.
        target: Target,
        /// Every session's windows.
        all: bool,
    },
    /// List panes of one window (or session), or of all with `all`.
    ListPanes {
        /// Window or session.
        target: Target,
        /// Every pane on the server.
        all: bool,
    },
    /// Type text literally (UTF-8) into a pane, then Enter if `enter`.
    Send {
        /// Pane.
        target: Target,
        /// Text, written as is.
        text: String,
        /// Press Enter afterwards.
        enter: bool,
    },
    /// Press keys by tmux name, `count` times each sequence.
    SendKeys {
        /// Pane.
        target: Target,
        /// Key names (`Enter`, `C-c`, `M-Up`, ...).
        keys: Vec<String>,
        /// Repeat count (>= 1).
        count: u32,
    },
    /// Capture a pane's screen and/or history.
    ReadScreen {
        /// Pane.
        target: Target,
        /// Lines to return.
        range: ReadRange,
        /// Include SGR attributes.
        ansi: bool,
    },
    /// tmux `wait-for`: block until `channel` is signalled, or signal it.
    WaitFor {
        /// Channel name.
        channel: String,
        /// Signal instead of waiting.
        signal: bool,
        /// Give up after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Kill a pane.
    KillPane {
        /// Pane.
        target: Target,
    },
    /// Kill a window and its panes.
    KillWindow {
        /// Window.
        target: Target,
    },
    /// Kill a session and its windows.
    KillSession {
        /// Session.
        target: Target,
    },
    /// Kill every pane and stop the server.
    KillServer,
    /// Rename a session.
    RenameSession {
        /// Session.
        target: Target,
        /// New name.
        name: String,
    },
    /// Rename a window.
    RenameWindow {
        /// Window.
        target: Target,
        /// New name.
        name: String,
    },
    /// Name a pane (the name becomes a valid target).
    RenamePane {
        /// Pane.
        target: Target,
        /// New name.
        name: String,
    },
    /// Make a window its session's current window.
    SelectWindow {
        /// Window.
        target: Target,
    },
    /// Make a pane its window's active pane (and its window current).
    SelectPane {
        /// Pane.
        target: Target,
    },
    /// Resize a window (panes scale with it).
    ResizeWindow {
        /// Window.
        target: Target,
        /// New width in cells.
        cols: Option<u16>,
        /// New height in cells.
        rows: Option<u16>,
    },
    /// Whether a session exists.
    HasSession {
        /// Session.
        target: Target,
    },
    /// Who is the caller's pane.
    Identify,
    /// Server version and pid.
    ServerInfo,
}

/// What a successful creation made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// Session holding the new pane.
    pub session: SessionId,
    /// Its name.
    pub session_name: String,
    /// Window holding the new pane.
    pub window: WindowId,
    /// The new pane.
    pub pane: PaneId,
    /// Pid of the pane's process.
    pub pid: Option<u32>,
}

/// What `send` and `send-key` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The pane written to.
    pub pane: PaneId,
    /// Bytes written to the PTY.
    pub bytes: u64,
    /// The pane's output sequence number just before the write.
    pub seq: u64,
}

/// Server identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Crate version of the server binary.
    pub version: String,
    /// Protocol version it speaks.
    pub protocol: u32,
    /// Server pid.
    pub pid: u32,
    /// Socket path.
    pub socket: String,
}

/// Error classes a caller can branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// A target matched nothing.
    NotFound,
    /// A target matched more than one object.
    Ambiguous,
    /// A parameter was out of range or malformed (bad key, bad size, name taken...).
    Invalid,
    /// The operation failed (process could not start, PTY error...).
    Failed,
    /// The request frame could not be decoded.
    Protocol,
    /// A wait gave up.
    Timeout,
}

/// An error reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// Class.
    pub kind: ErrorKind,
    /// One line for humans: what was wrong and what is valid.
    pub message: String,
}

/// A reply; its frame repeats the request's id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// Done, nothing to report.
    Ok,
    /// Something was created.
    Created(Created),
    /// Sessions.
    Sessions(Vec<SessionInfo>),
    /// Windows.
    Windows(Vec<WindowInfo>),
    /// Panes.
    Panes(Vec<PaneInfo>),
    /// A capture.
    Screen(ScreenCapture),
    /// Input was written.
    Sent(Sent),
    /// `has-session` answer.
    Exists(bool),
    /// `identify` answer.
    Identity(Identity),
    /// `version` answer.
    Server(ServerInfo),
    /// The request failed.
    Error(ErrorReply),
}
