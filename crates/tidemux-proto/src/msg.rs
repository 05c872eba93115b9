//! Requests and responses. One definition of each message: the server matches on these, the
//! client builds them, the CLI prints their payloads as JSON.
//!
//! # Evolution rules (read before changing a message)
//!
//! On the wire every message is JSON (see `docs/protocol.md`); identities are names, never
//! positions, so order does not matter:
//!
//! - A request's identity is its method name: the variant name in kebab-case
//!   (`Request::ListSessions` is `"list-sessions"`). A reply's is its `type` (same rule). Never
//!   rename a variant or a field; if the Rust name must change, keep the wire name with
//!   `#[serde(rename = "old-name")]`.
//! - Adding a request, a reply type or an event kind is a minor change: bump
//!   [`crate::PROTOCOL_MINOR`]. An older server answers an unknown method with a `protocol`
//!   error; nothing else breaks.
//! - Adding a field is a minor change and the new field MUST carry `#[serde(default)]` (or be
//!   an `Option`, which defaults to `None`): an older peer does not send it. Unknown fields are
//!   ignored on input (never use `#[serde(deny_unknown_fields)]`), so an older peer skips it.
//!   Bump [`crate::PROTOCOL_MINOR`] and say in the field's doc which minor added it.
//! - Removing or retyping a field, or changing what a value means, is a major change: bump
//!   [`crate::PROTOCOL_VERSION`] and keep serving the old major while it is in
//!   [`crate::MIN_PROTOCOL_VERSION`]`..=`[`crate::PROTOCOL_VERSION`].
//! - Every type here derives `JsonSchema`; `docs/api/` is regenerated with
//!   `cargo run -p tidemux -- api-schema --out docs/api` (a test fails until it is).
//!
//! Request fields with a natural empty value (`false`, empty lists, `Spawn::default()`) are
//! `#[serde(default)]` so that JSON callers may leave them out.

use crate::ids::{PaneId, SessionId, WindowId};
use crate::info::{
    AttachFrame, ExitInfo, Identity, PaneInfo, RunState, ScreenCapture, SessionInfo, WindowInfo,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The body of every request frame: the caller's context plus the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
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
    /// `-P -F`: a format expanded for the new pane into [`Created::text`] (`docs/formats.md`).
    #[serde(default)]
    pub print_format: Option<String>,
    /// `--remain-on-exit` on new-window / split-window: sets the new window's (or pane's)
    /// `remain-on-exit` option before the process can exit.
    #[serde(default)]
    pub remain_on_exit: bool,
    /// Start the pane in a git worktree for a branch (created or reused).
    #[serde(default)]
    pub worktree: Option<WorktreeSpec>,
    /// `new-window -a` / `-b`: the new window goes right after (or at) the target window's
    /// index, later windows moving up one (protocol minor 2).
    #[serde(default)]
    pub insert: Option<InsertAt>,
    /// `split-window -Z`: the window is zoomed on the new pane (protocol minor 2).
    #[serde(default)]
    pub zoom: bool,
}

/// Where `new-window -a`/`-b` puts the new window (tmux 3.3a cmd-new-window.c).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InsertAt {
    /// `-a`: the index after the target window.
    After,
    /// `-b`: the target window's index (the target moves up).
    Before,
}

/// `--worktree BRANCH [--base REF] [--repo DIR] [--worktree-dir DIR]`: which worktree a new pane
/// starts in (see `docs/cli.md`, "Worktrees").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WorktreeSpec {
    /// Branch checked out in the worktree; created from `base` when it does not exist.
    pub branch: String,
    /// Start point of a new branch (default `HEAD` of the repository).
    #[serde(default)]
    pub base: Option<String>,
    /// A directory inside the repository (default: the pane's working directory).
    #[serde(default)]
    pub repo: Option<String>,
    /// Directory holding the worktrees (default `<repo>/../<repo-name>.worktrees`); the
    /// worktree is `<dir>/<branch>`.
    #[serde(default)]
    pub dir: Option<String>,
}

/// Direction of a split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SplitDirection {
    /// Side by side (tmux `-h`).
    Horizontal,
    /// One above the other (tmux `-v`, the default).
    Vertical,
}

/// Size of a new pane along the split direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SplitSize {
    /// Cells.
    Cells(u16),
    /// Percent of the split pane's size (1-99).
    Percent(u8),
}

/// Which lines `read-screen` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReadRange {
    /// The visible screen.
    #[default]
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

/// A request from a client. On the wire: `"method"` is the variant name in kebab-case,
/// `"params"` its fields (absent for variants without fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", content = "params", rename_all = "kebab-case")]
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
        #[serde(default)]
        spawn: Spawn,
        /// Do not make it the current window.
        #[serde(default)]
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
        #[serde(default)]
        spawn: Spawn,
        /// Do not make the new pane active.
        #[serde(default)]
        detached: bool,
        /// `-b`: put the new pane left of / above the target (added in minor 6).
        #[serde(default)]
        before: bool,
        /// `-f`: the new pane spans the full window height (`-h`) or width (added in minor 6).
        #[serde(default)]
        full: bool,
    },
    /// List all sessions.
    ListSessions,
    /// List windows of one session, or of all with `all`.
    ListWindows {
        /// Session.
        target: Target,
        /// Every session's windows.
        #[serde(default)]
        all: bool,
    },
    /// List panes of one window (or session), or of all with `all`.
    ListPanes {
        /// Window or session.
        target: Target,
        /// Every pane on the server.
        #[serde(default)]
        all: bool,
        /// Leave out the fields that need `/proc` per pane (`foreground`, `cwd` come back
        /// `null`): the CLI's default text output does not print them, and sampling `/proc` is
        /// most of a `list-panes -a` (protocol minor 12; older servers ignore it and fill them).
        #[serde(default)]
        brief: bool,
    },
    /// Type text literally (UTF-8) into a pane, then Enter if `enter`.
    Send {
        /// Pane.
        target: Target,
        /// Text, written as is.
        text: String,
        /// Press Enter afterwards (same write).
        #[serde(default)]
        enter: bool,
        /// Submit mode: bracketed paste when the program enabled it, then Enter as a separate
        /// write after this many milliseconds (see `docs/cli.md`).
        submit_delay_ms: Option<u64>,
        /// Then wait for these conditions, considering only output after the send.
        wait: Option<WaitSpec>,
        /// Give up waiting after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Press keys by tmux name, `count` times each sequence.
    #[serde(rename = "send-key")]
    SendKeys {
        /// Pane.
        target: Target,
        /// Key names (`Enter`, `C-c`, `M-Up`, ...).
        #[serde(default)]
        keys: Vec<String>,
        /// Repeat count (>= 1).
        #[serde(default = "one")]
        count: u32,
    },
    /// Capture a pane's screen and/or history.
    ReadScreen {
        /// Pane.
        target: Target,
        /// Lines to return.
        #[serde(default)]
        range: ReadRange,
        /// Include SGR attributes.
        #[serde(default)]
        ansi: bool,
    },
    /// tmux `wait-for`: block until `channel` is signalled, or signal it.
    WaitFor {
        /// Channel name.
        channel: String,
        /// Signal instead of waiting.
        #[serde(default)]
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
    /// Make a pane its window's active pane (and its window current); with the tmux flags
    /// (`-U/-D/-L/-R`, `-l`, `-T`, `-m`, `-M`), do what they say instead (added in minor 6).
    SelectPane {
        /// Pane.
        target: Target,
        /// `-U/-D/-L/-R`: select the pane in that direction from the target instead
        /// (wrapping around the window; the most recently active of several).
        #[serde(default)]
        direction: Option<PaneDirection>,
        /// `-l`: select the window's last (previously active) pane instead.
        #[serde(default)]
        last: bool,
        /// `-T`: set the pane's title (a format) and change nothing else.
        #[serde(default)]
        title: Option<String>,
        /// `-m`: mark the pane (or unmark it if it is the marked pane).
        #[serde(default)]
        mark: bool,
        /// `-M`: clear the marked pane.
        #[serde(default)]
        unmark: bool,
        /// `-Z`: keep the window zoomed.
        #[serde(default)]
        keep_zoom: bool,
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
    /// Wait until any condition holds on a pane.
    Wait {
        /// Pane.
        target: Target,
        /// Conditions.
        spec: WaitSpec,
        /// Give up after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Stream events (replies: a series of `Response::Event` with this request's id).
    Events {
        /// Replay buffered events with a sequence number greater than this first.
        after: Option<u64>,
        /// Only these kinds (exact kind or family prefix such as `pane`); empty = all.
        #[serde(default)]
        filters: Vec<String>,
    },
    /// Set or clear a pane's attention flag.
    Notify {
        /// Pane.
        target: Target,
        /// Message (setting).
        message: String,
        /// Clear instead of set.
        #[serde(default)]
        clear: bool,
    },
    /// Attach to a session: replies are a stream of `Response::Frame` with this request's id,
    /// ended by `Response::Detached`.
    Attach {
        /// Session.
        target: Target,
        /// Observer: input is ignored.
        #[serde(default)]
        read_only: bool,
        /// Terminal width, cells.
        cols: u16,
        /// Terminal height, cells (the status line takes one).
        rows: u16,
        /// The client's terminal, for `list-clients` (protocol minor 2).
        #[serde(default)]
        terminal: Option<ClientTerminal>,
        /// tmux's client flags (`attach-session -f FLAGS`: `read-only`, `ignore-size`, each
        /// off with a leading `!`; unknown names skipped), on top of `read_only` (which also
        /// sets `ignore-size`, as tmux's `-r`). Protocol minor 18; an older server ignores it.
        #[serde(default)]
        flags: Option<String>,
    },
    /// Refused by the server (kept so that an older client gets this clear refusal, not "unknown method"):
    /// input of an attached client travels on its own attach connection as
    /// [`Request::AttachInput`], so no connection can type as another client.
    ClientInput {
        /// Attached client id.
        client: u32,
        /// Bytes, unchanged.
        #[serde(default)]
        bytes: Vec<u8>,
    },
    /// Refused by the server, like [`Request::ClientInput`]: see [`Request::AttachResize`].
    ClientResize {
        /// Attached client id.
        client: u32,
        /// Width, cells.
        cols: u16,
        /// Height, cells.
        rows: u16,
    },
    /// Detach clients of a session (all, or one).
    DetachClient {
        /// Session.
        target: Target,
        /// Only this client.
        client: Option<u32>,
    },
    /// Toggle zoom of a pane (it fills its window while zoomed).
    ZoomPane {
        /// Pane.
        target: Target,
    },
    /// Select the next (`offset` 1) or previous (-1) window of a session.
    CycleWindow {
        /// Session.
        target: Target,
        /// +1 or -1.
        offset: i32,
    },
    /// Raw bytes typed in the attached client of this connection, for its session's active
    /// pane. Valid only on a connection whose `Attach` is running; no reply on success, an
    /// error reply with this frame's id otherwise (a read-only client's input is refused).
    AttachInput {
        /// Bytes, unchanged.
        bytes: Vec<u8>,
    },
    /// The terminal of the attached client of this connection changed size (clamped to the
    /// window bounds, `docs/limits.md`). Same rules as [`Request::AttachInput`].
    AttachResize {
        /// Width, cells.
        cols: u16,
        /// Height, cells (the status line takes one).
        rows: u16,
    },
    /// The terminal of the attached client of this connection gained (`focused`) or lost its
    /// focus (the terminal's focus reports, `CSI I` / `CSI O`). Same rules as
    /// [`Request::AttachInput`]. Added in protocol minor 13.
    AttachFocus {
        /// Focus in (true) or out (false).
        focused: bool,
    },
    /// The key table of the attached client of this connection changed: `prefix` once the
    /// prefix key was pressed and the next key is awaited (and while repeatable keys need
    /// no prefix, `repeat-time`), `root` again after it. The server shows it as
    /// `#{client_key_table}` and `#{client_prefix}` and redraws the client's status line
    /// (tmux server-client.c `server_client_set_key_table`, `server_status_client`). Same
    /// rules as [`Request::AttachInput`]; a name over 64 bytes is refused. Added in protocol
    /// minor 20.
    AttachKeyTable {
        /// Key table name (`root`, `prefix`).
        table: String,
    },
    /// The attached client of this connection detaches: the server answers
    /// `Response::Detached(DetachReason::Detached)` with the `Attach` id and closes the
    /// connection.
    AttachDetach,
    /// tmux `display-message`: expand `message` as a format for the target (reply `Text`);
    /// without `print`, also show it on the status line of the session's attached clients.
    DisplayMessage {
        /// Pane, window or session the variables describe.
        #[serde(default)]
        target: Target,
        /// The format (`docs/formats.md`).
        #[serde(default)]
        message: String,
        /// `-p`: only return the text.
        #[serde(default)]
        print: bool,
        /// `-a`: return every variable as `NAME=VALUE` lines instead (reply `Lines`).
        #[serde(default)]
        all: bool,
        /// `-d`: how long the status line shows it, ms (default 750, tmux `display-time`).
        #[serde(default)]
        duration_ms: Option<u64>,
    },
    /// A listing expanded through a format and/or filtered (`list-* -F/-f`); reply `Lines`.
    FormatList {
        /// What to list.
        #[serde(default)]
        scope: ListScope,
        /// As for `ListWindows`/`ListPanes` (ignored for sessions).
        #[serde(default)]
        target: Target,
        /// Every session's windows / every pane on the server.
        #[serde(default)]
        all: bool,
        /// Format of each line.
        #[serde(default)]
        format: String,
        /// Only objects for which this format expands to true (not empty, not `0`).
        #[serde(default)]
        filter: Option<String>,
    },
    /// tmux `set-option` (`set`, `setw`): reply `Ok`.
    SetOption {
        /// Session, window or pane whose options change (default: the current one).
        #[serde(default)]
        target: Target,
        /// Option name, `name[N]` for an array item, `@name` for a user option; expanded as
        /// a format first.
        #[serde(default)]
        option: String,
        /// New value; `None` toggles a flag (or two-way choice).
        #[serde(default)]
        value: Option<String>,
        /// Flags.
        #[serde(default)]
        flags: OptionFlags,
    },
    /// tmux `show-options` (`show`, `showw`): reply `Lines`.
    ShowOptions {
        /// Session, window or pane whose options to show.
        #[serde(default)]
        target: Target,
        /// One option (or all when `None`).
        #[serde(default)]
        option: Option<String>,
        /// Flags.
        #[serde(default)]
        flags: OptionFlags,
    },
    /// tmux `set-buffer` / `load-buffer`: set (or with `append`, extend) a paste buffer, or
    /// rename one with `rename`. Reply `Ok`.
    SetBuffer {
        /// Buffer name (`-b`); `None` makes a new automatic buffer (or, with `rename` or
        /// `append`, uses the newest).
        #[serde(default)]
        name: Option<String>,
        /// Contents, exact bytes.
        #[serde(default)]
        data: Vec<u8>,
        /// `-a`: append to the buffer.
        #[serde(default)]
        append: bool,
        /// `-n NEW`: rename the buffer instead.
        #[serde(default)]
        rename: Option<String>,
    },
    /// tmux `delete-buffer [-b NAME]` (default the newest). Reply `Ok`.
    DeleteBuffer {
        /// Buffer name.
        #[serde(default)]
        name: Option<String>,
    },
    /// A buffer's contents (`show-buffer`, `save-buffer`): reply `Bytes`.
    ShowBuffer {
        /// Buffer name (default the newest).
        #[serde(default)]
        name: Option<String>,
    },
    /// `list-buffers`: reply `Buffers`, newest first.
    ListBuffers,
    /// tmux `paste-buffer`: write a buffer into a pane. Reply `Ok`.
    PasteBuffer {
        /// Pane.
        #[serde(default)]
        target: Target,
        /// Buffer name (default the newest).
        #[serde(default)]
        name: Option<String>,
        /// `-d`: delete the buffer afterwards.
        #[serde(default)]
        delete: bool,
        /// `-p`: bracketed paste when the program asked for it.
        #[serde(default)]
        bracket: bool,
        /// `-r`: keep line feeds (the default separator becomes `\n`).
        #[serde(default)]
        keep_lf: bool,
        /// `-s SEP`: what replaces each line feed (default `\r`).
        #[serde(default)]
        separator: Option<String>,
    },
    /// tmux `set-environment`: reply `Ok`.
    SetEnvironment {
        /// Session (ignored with `global`).
        #[serde(default)]
        target: Target,
        /// Variable name.
        #[serde(default)]
        name: String,
        /// Value (required unless `unset` or `remove`).
        #[serde(default)]
        value: Option<String>,
        /// `-g`: the global environment.
        #[serde(default)]
        global: bool,
        /// `-u`: unset (a session's is then inherited again).
        #[serde(default)]
        unset: bool,
        /// `-r`: remove it from new processes' environment.
        #[serde(default)]
        remove: bool,
        /// `-h`: a hidden variable.
        #[serde(default)]
        hidden: bool,
        /// `-F`: expand the value as a format first.
        #[serde(default)]
        format: bool,
    },
    /// tmux `show-environment`: reply `Lines`.
    ShowEnvironment {
        /// Session (ignored with `global`).
        #[serde(default)]
        target: Target,
        /// One variable (all when `None`).
        #[serde(default)]
        name: Option<String>,
        /// `-g`: the global environment.
        #[serde(default)]
        global: bool,
        /// `-h`: hidden variables only.
        #[serde(default)]
        hidden: bool,
        /// `-s`: as shell commands.
        #[serde(default)]
        shell: bool,
    },
    /// tmux `wait-for -L` (lock the channel, waiting while another holds it) or `-U`
    /// (`unlock`: release it to the next in line). Reply `Ok`.
    WaitForLock {
        /// Channel name.
        #[serde(default)]
        channel: String,
        /// `-U` instead of `-L`.
        #[serde(default)]
        unlock: bool,
        /// Give up waiting for the lock after this many milliseconds.
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// `kill-pane -a`, `kill-window -a`, `kill-session -a`: kill every other pane of the
    /// target's window, window of its session, or session. Reply `Ok`.
    KillOthers {
        /// What to kill.
        #[serde(default)]
        scope: KillScope,
        /// The one to keep.
        #[serde(default)]
        target: Target,
    },
    /// tmux `run-shell`: run a shell command in the server; reply `Ran` (or `Ok` with
    /// `background`).
    RunShell {
        /// Target for the format expansion and the working directory.
        #[serde(default)]
        target: Target,
        /// Shell command (expanded as a format first).
        #[serde(default)]
        command: String,
        /// `-b`: do not wait; the output is dropped.
        #[serde(default)]
        background: bool,
        /// `-d`: wait this many seconds first.
        #[serde(default)]
        delay_secs: Option<f64>,
        /// `-c`: working directory.
        #[serde(default)]
        cwd: Option<String>,
    },
    /// Recently closed panes, newest last (`list-panes --closed`); replies `Panes`.
    ListClosedPanes,
    /// Kill a pane and remove the git worktree it was started in, refusing (nothing killed,
    /// nothing removed) when the worktree has uncommitted changes.
    KillPaneRemoveWorktree {
        /// Pane.
        target: Target,
    },
    /// Type input of any size from a file or bytes (`send --file`, `send --stdin`, `send -`),
    /// written in chunks; replies as `Send`.
    SendInput {
        /// Pane.
        target: Target,
        /// Where the input comes from.
        source: InputSource,
        /// Press Enter afterwards.
        enter: bool,
        /// Submit mode (see `Send`).
        submit_delay_ms: Option<u64>,
        /// Then wait for these conditions.
        wait: Option<WaitSpec>,
        /// Give up waiting after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Wait until the first of several channels is signalled; replies `Signalled`.
    WaitForAny {
        /// Channel names (at least one).
        channels: Vec<String>,
        /// Give up after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Wait on several panes: the first that meets the conditions (`Waited`), or every one
    /// with `all` (`WaitedAll`).
    WaitMany {
        /// Panes.
        targets: Vec<String>,
        /// Conditions.
        spec: WaitSpec,
        /// Wait for every pane instead of the first.
        all: bool,
        /// Give up after this many milliseconds.
        timeout_ms: Option<u64>,
    },
    /// Hold `request` (a `Send`, `SendKeys`, `Notify` or `WaitFor` with `signal`) and run it at
    /// `at_ms`; replies `Scheduled`.
    Schedule {
        /// When, Unix milliseconds.
        at_ms: u64,
        /// What to run then.
        request: Box<Request>,
    },
    /// Scheduled requests not yet run; replies `Schedules`.
    ScheduleList,
    /// Drop a scheduled request.
    ScheduleCancel {
        /// Its id.
        id: u64,
    },
    /// A pane reports its own state (`status --set`, or our OSC sequence); `state: None` clears
    /// the report.
    SetStatus {
        /// Pane.
        target: Target,
        /// Reported state.
        state: Option<RunState>,
        /// Message shown with it.
        message: Option<String>,
    },
    /// Start (`file`) or stop (`None`) logging a pane's output to a file.
    Log {
        /// Pane.
        target: Target,
        /// Absolute path of the log file.
        file: Option<String>,
        /// Raw output with escape sequences instead of plain text.
        ansi: bool,
        /// Rotate when the file reaches this many bytes.
        max_bytes: Option<u64>,
        /// Plain text: start every line with its UTC arrival time (RFC 3339, ms).
        #[serde(default)]
        timestamps: bool,
    },
    /// tmux `select-layout`, `next-layout` (`next`), `previous-layout` (`previous`): apply a
    /// preset or a layout string to a window (minor 6). Reply `Ok`.
    SelectLayout {
        /// A pane of the window (`-E` spreads out this pane's container).
        #[serde(default)]
        target: Target,
        /// A preset name (even-horizontal, even-vertical, main-horizontal, main-vertical,
        /// tiled, or an unambiguous prefix) or a layout string as `#{window_layout}` prints it;
        /// `None`: the last preset again.
        #[serde(default)]
        layout: Option<String>,
        /// `-n`: the next preset.
        #[serde(default)]
        next: bool,
        /// `-p`: the previous preset.
        #[serde(default)]
        previous: bool,
        /// `-E`: spread the target pane and its siblings out evenly.
        #[serde(default)]
        spread: bool,
        /// `-o`: back to the layout before the last select-layout.
        #[serde(default)]
        old: bool,
    },
    /// tmux `resize-pane` (minor 6). Reply `Ok`.
    ResizePane {
        /// Pane.
        #[serde(default)]
        target: Target,
        /// `-U/-D/-L/-R`: move the pane's border in that direction.
        #[serde(default)]
        direction: Option<PaneDirection>,
        /// Cells to move it by (default 1).
        #[serde(default)]
        adjustment: Option<u32>,
        /// `-x`: the pane's width, cells or percent of the window.
        #[serde(default)]
        width: Option<SplitSize>,
        /// `-y`: the pane's height, cells or percent of the window.
        #[serde(default)]
        height: Option<SplitSize>,
        /// `-Z`: toggle the window's zoom on this pane instead.
        #[serde(default)]
        zoom: bool,
    },
    /// tmux `swap-pane` (minor 6). Reply `Ok`.
    SwapPane {
        /// `-s`: the pane to move (default: the marked pane, else the target window's active
        /// pane).
        #[serde(default)]
        source: Target,
        /// `-t`: the pane it swaps with.
        #[serde(default)]
        target: Target,
        /// `-U` (`Up`: with the previous pane) or `-D` (`Down`: the next), instead of `source`.
        #[serde(default)]
        direction: Option<PaneDirection>,
        /// `-d`: do not change the active pane.
        #[serde(default)]
        detached: bool,
        /// `-Z`: keep the window zoomed.
        #[serde(default)]
        keep_zoom: bool,
    },
    /// tmux `rotate-window` (minor 6). Reply `Ok`.
    RotateWindow {
        /// Window.
        #[serde(default)]
        target: Target,
        /// `-D`: rotate downwards (the default `-U` moves every pane up one place).
        #[serde(default)]
        down: bool,
        /// `-Z`: keep the window zoomed.
        #[serde(default)]
        keep_zoom: bool,
    },
    /// tmux `break-pane` (minor 6): move a pane into a new window. Reply `Created`.
    BreakPane {
        /// `-s`: the pane (default: the current one).
        #[serde(default)]
        source: Target,
        /// `-t`: the session, or the window index to use (`SESSION:INDEX`).
        #[serde(default)]
        target: Target,
        /// `-n`: the new window's name.
        #[serde(default)]
        name: Option<String>,
        /// `-d`: do not make the new window current.
        #[serde(default)]
        detached: bool,
        /// `-a`: the window goes at the next index after the target window.
        #[serde(default)]
        after: bool,
        /// `-b`: the window goes at the target window's index, moving others up.
        #[serde(default)]
        before: bool,
        /// `-P -F`: a format expanded into [`Created::text`].
        #[serde(default)]
        print_format: Option<String>,
    },
    /// tmux `join-pane` / `move-pane` (minor 6): move a pane next to another, splitting it.
    /// Reply `Ok`.
    JoinPane {
        /// `-s`: the pane to move (default: the marked pane).
        #[serde(default)]
        source: Target,
        /// `-t`: the pane to split (default: the current one).
        #[serde(default)]
        target: Target,
        /// `-h`: side by side (default: one above the other).
        #[serde(default)]
        horizontal: bool,
        /// `-l`: the moved pane's size, cells or percent of the target.
        #[serde(default)]
        size: Option<SplitSize>,
        /// `-b`: left of / above the target.
        #[serde(default)]
        before: bool,
        /// `-f`: spanning the full window height or width.
        #[serde(default)]
        full: bool,
        /// `-d`: do not make the moved pane active.
        #[serde(default)]
        detached: bool,
    },
    /// tmux `move-window` (minor 6); with `renumber` (`-r`), renumber the windows of the
    /// target session instead. Reply `Ok`.
    MoveWindow {
        /// `-s`: the window to move.
        #[serde(default)]
        source: Target,
        /// `-t`: the destination session or `SESSION:INDEX`.
        #[serde(default)]
        target: Target,
        /// `-a`: at the next index after the target window.
        #[serde(default)]
        after: bool,
        /// `-b`: at the target window's index, moving others up.
        #[serde(default)]
        before: bool,
        /// `-d`: do not make it the destination session's current window.
        #[serde(default)]
        detached: bool,
        /// `-k`: kill a window already at the destination index.
        #[serde(default)]
        kill: bool,
        /// `-r`: renumber the target session's windows from `base-index`.
        #[serde(default)]
        renumber: bool,
    },
    /// tmux `swap-window` (minor 6). Reply `Ok`.
    SwapWindow {
        /// `-s`: a window (default: the marked pane's window, else the current one).
        #[serde(default)]
        source: Target,
        /// `-t`: the other window.
        #[serde(default)]
        target: Target,
        /// `-d`: keep the current windows current (by index).
        #[serde(default)]
        detached: bool,
    },
    /// tmux `link-window` (minor 6): refused, a tidemux window belongs to exactly one session
    /// (see `docs/cli.md`).
    LinkWindow {
        /// `-s`: the window.
        #[serde(default)]
        source: Target,
        /// `-t`: the destination.
        #[serde(default)]
        target: Target,
    },
    /// tmux `unlink-window` (minor 6): a window is only ever linked to one session, so
    /// without `kill` this fails as tmux does for such a window; with `kill` (`-k`) the window
    /// is closed. Reply `Ok`.
    UnlinkWindow {
        /// Window.
        #[serde(default)]
        target: Target,
        /// `-k`.
        #[serde(default)]
        kill: bool,
    },
    /// tmux `last-window` (minor 6): the session's previously current window. Reply `Ok`.
    LastWindow {
        /// Session.
        #[serde(default)]
        target: Target,
    },
    /// tmux `last-pane` (minor 6): the window's previously active pane. Reply `Ok`.
    LastPane {
        /// Window.
        #[serde(default)]
        target: Target,
        /// `-Z`: keep the window zoomed.
        #[serde(default)]
        keep_zoom: bool,
    },
    /// tmux `respawn-pane`: start the pane's process again, in the same pane (its history is
    /// kept, the screen cleared). Without a command or `-c` in `spawn`, the pane's own command
    /// and directory are used again. Refused while the process runs (`pane S:W.P still
    /// active`) unless `kill`. Reply `Ok`. Added in protocol minor 2.
    RespawnPane {
        /// Pane.
        #[serde(default)]
        target: Target,
        /// `-k`: kill the running process first.
        #[serde(default)]
        kill: bool,
        /// `-c`, `-e` and the command.
        #[serde(default)]
        spawn: Spawn,
    },
    /// tmux `respawn-window`: close every pane of the window but the first, then respawn that
    /// one as [`Request::RespawnPane`]. Refused while any pane runs (`window S:W still
    /// active`) unless `kill`. Reply `Ok`. Added in protocol minor 2.
    RespawnWindow {
        /// Window.
        #[serde(default)]
        target: Target,
        /// `-k`: kill running processes first.
        #[serde(default)]
        kill: bool,
        /// `-c`, `-e` and the command.
        #[serde(default)]
        spawn: Spawn,
    },
    /// tmux `pipe-pane`: pipe the pane's output (raw bytes) to a shell command's standard input
    /// (`output`, the default) and/or type the command's standard output into the pane
    /// (`input`). Any previous pipe of the pane is closed first; `command` `None` (or empty)
    /// only closes it. Reply `Ok`. Added in protocol minor 2.
    PipePane {
        /// Pane.
        #[serde(default)]
        target: Target,
        /// Shell command (`/bin/sh -c`), expanded as a format first.
        #[serde(default)]
        command: Option<String>,
        /// `-o`: only open a pipe when none is open (toggle).
        #[serde(default)]
        toggle: bool,
        /// `-I`: the command's standard output is typed into the pane.
        #[serde(default)]
        input: bool,
        /// `-O`: the pane's output goes to the command's standard input (the default when
        /// neither is given).
        #[serde(default)]
        output: bool,
    },
    /// tmux `capture-pane`: lines of a pane as tmux prints them. Reply `Bytes` with
    /// `print`, else `Ok` (the capture went into a paste buffer). Added in protocol minor 2.
    CapturePane {
        /// Pane.
        #[serde(default)]
        target: Target,
        /// Flags.
        #[serde(default)]
        options: CaptureOptions,
    },
    /// tmux `clear-history`: drop a pane's history. Reply `Ok`. Added in protocol minor 2.
    ClearHistory {
        /// Pane.
        #[serde(default)]
        target: Target,
    },
    /// tmux `list-clients`: attached clients (of one session with `target`). Reply `Lines`
    /// with `format`, `Clients` without. Added in protocol minor 2.
    ListClients {
        /// Only clients of this session.
        #[serde(default)]
        target: Target,
        /// `-F`: a format per client (`client_*` variables, `docs/formats.md`).
        #[serde(default)]
        format: Option<String>,
        /// `-f`: only clients for which this format is true.
        #[serde(default)]
        filter: Option<String>,
    },
    /// tmux `switch-client`: an attached client shows another session. Reply `Ok`. Added in
    /// protocol minor 2.
    SwitchClient {
        /// `-c`: the client (its terminal path or number; default the current client).
        #[serde(default)]
        client: Option<String>,
        /// `-t`: session (or `SESSION:WINDOW.PANE`, also selected).
        #[serde(default)]
        target: Target,
        /// `-n`: the next session by name.
        #[serde(default)]
        next: bool,
        /// `-p`: the previous session by name.
        #[serde(default)]
        previous: bool,
        /// `-l`: the client's previous session.
        #[serde(default)]
        last: bool,
        /// `-r`: toggle the client's read-only flag.
        #[serde(default)]
        toggle_read_only: bool,
    },
    /// tmux `refresh-client`: redraw a client, or with `size` (`-C WxH`) set its size. Reply
    /// `Ok`. Added in protocol minor 2.
    RefreshClient {
        /// `-c`/`-t`: the client (default the current client).
        #[serde(default)]
        client: Option<String>,
        /// `-C WxH`.
        #[serde(default)]
        size: Option<String>,
        /// `-L`, `-R`, `-U`, `-D` (move the visible part of a window larger than the client)
        /// or `-c` (follow the cursor again): `"L"`, `"R"`, `"U"`, `"D"` or `"c"` (tmux 3.3a
        /// cmd-refresh-client.c). Protocol minor 18; an older server ignores it.
        #[serde(default)]
        pan: Option<String>,
        /// The ADJUSTMENT argument of a pan, cells (1 when absent; 1..=2147483647, else
        /// `adjustment too small`, `adjustment too large` or `adjustment invalid`). Minor 18.
        #[serde(default)]
        adjustment: Option<String>,
        /// `-f FLAGS` / `-F FLAGS`: tmux's client flags (`read-only`, `ignore-size`, `!` to
        /// turn one off). Minor 18.
        #[serde(default)]
        flags: Option<String>,
    },
    /// tmux's command language (issue 12, `docs/tmux-compat.md`): a tmux command line after
    /// the global flags (`["new-session", "-d", ";", "list-sessions"]`), parsed and run as
    /// tmux 3.3a does; reply `Tmux` (errors included: they are tmux's stderr and exit status).
    /// Added in protocol minor 3.
    Tmux {
        /// Arguments as a shell split them; an argument ending in `;` ends a command.
        #[serde(default)]
        argv: Vec<String>,
        /// The client's working directory (default of new panes, relative paths).
        #[serde(default)]
        cwd: Option<String>,
        /// The size of the client's terminal (cols, rows) when its standard input is one:
        /// `new-session` without `-d` sizes the session's first window from it, less the
        /// status line (tmux cmd-new-session.c). Protocol minor 19; an older server ignores it.
        #[serde(default)]
        size: Option<(u16, u16)>,
    },
    /// tmux control mode (`tmux -C`, tmux(1) "CONTROL MODE"): runs `argv` (usually
    /// `new-session` or `attach-session`), then streams `Bytes` replies with this request's id,
    /// each whole lines of control-mode output (`%begin`/`%end` blocks, `%output`,
    /// `%window-add`...), until `%exit`. Commands come as [`Request::TmuxControlInput`] on the
    /// same connection. Added in protocol minor 5.
    TmuxControl {
        /// The first command line, as for [`Request::Tmux`].
        #[serde(default)]
        argv: Vec<String>,
        /// The client's working directory.
        #[serde(default)]
        cwd: Option<String>,
        /// The client's terminal, `TERM` and pid (`list-clients` shows control clients).
        #[serde(default)]
        terminal: ClientTerminal,
    },
    /// A line typed to a control-mode client (one or more commands in tmux's syntax); valid
    /// only on a connection whose `TmuxControl` runs. Its output comes on the stream. With
    /// `close`, the client's input ended: the server writes `%exit` and ends the stream. Added
    /// in protocol minor 5.
    TmuxControlInput {
        /// The line, without its newline.
        #[serde(default)]
        line: String,
        /// The client's input ended.
        #[serde(default)]
        close: bool,
    },
    /// Live upgrade (minor 8): the server continues as `binary` (default: the file the server
    /// was started from, as it is now on disk) in the same process, keeping every pane. The
    /// reply ([`Response::Server`], with [`ServerInfo::upgrade`] of this attempt still in
    /// progress) comes before the switch; ask `server-info` again to learn how it ended.
    /// See `docs/continuity.md`.
    UpgradeServer {
        /// Absolute path of the new binary.
        #[serde(default)]
        binary: Option<String>,
    },
    /// `bind-key [-nr] [-T TABLE] [-N NOTE] KEY [COMMAND...]` (tmux key names and tables). Added in protocol minor 9.
    BindKey {
        /// Key table (`-T`; default `prefix`, or `root` with `root`).
        table: Option<String>,
        /// `-n`: the root table.
        #[serde(default)]
        root: bool,
        /// `-r`: the key may repeat.
        #[serde(default)]
        repeat: bool,
        /// `-N`: a note (`list-keys -N`).
        note: Option<String>,
        /// Key name (`C-b`, `M-a`, `F1`, `Up`...).
        key: String,
        /// The command: one argument is tmux command text; several are one command's
        /// arguments. Empty: change only the note.
        #[serde(default)]
        command: Vec<String>,
    },
    /// `unbind-key [-anq] [-T TABLE] [KEY]`.
    UnbindKey {
        /// Key table (`-T`).
        table: Option<String>,
        /// `-n`: the root table.
        #[serde(default)]
        root: bool,
        /// `-a`: every key of the table.
        #[serde(default)]
        all: bool,
        /// `-q`: no error message.
        #[serde(default)]
        quiet: bool,
        /// The key (not with `all`).
        key: Option<String>,
    },
    /// `list-keys [-1aN] [-P PREFIX] [-T TABLE] [KEY]`; replies `Lines` in tmux's format.
    ListKeys {
        /// `-T`: one table.
        table: Option<String>,
        /// `-N`: notes.
        #[serde(default)]
        notes: bool,
        /// `-a`: with `-N`, keys without notes too.
        #[serde(default)]
        all: bool,
        /// `-1`: only the first line.
        #[serde(default)]
        one: bool,
        /// `-P`: what starts each `-N` line.
        prefix_string: Option<String>,
        /// Only this key.
        key: Option<String>,
    },
    /// `set-hook [-agpRuw] [-t TARGET] HOOK [COMMAND]` (tmux hook names).
    SetHook {
        /// Target (session, window or pane as the hook's scope needs).
        target: Target,
        /// Hook name, optionally `name[N]`.
        hook: String,
        /// tmux command text (not with `unset` or `run`).
        command: Option<String>,
        /// `-g`.
        #[serde(default)]
        global: bool,
        /// `-w`.
        #[serde(default)]
        window: bool,
        /// `-p`.
        #[serde(default)]
        pane: bool,
        /// `-a`: append a command.
        #[serde(default)]
        append: bool,
        /// `-u`: unset.
        #[serde(default)]
        unset: bool,
        /// `-R`: run the hook now.
        #[serde(default)]
        run: bool,
    },
    /// `show-hooks [-gpw] [-t TARGET] [HOOK]`; replies `Lines` in tmux's format.
    ShowHooks {
        /// Target.
        target: Target,
        /// One hook.
        hook: Option<String>,
        /// `-g`.
        #[serde(default)]
        global: bool,
        /// `-w`.
        #[serde(default)]
        window: bool,
        /// `-p`.
        #[serde(default)]
        pane: bool,
    },
    /// What an attach client takes from the server's configuration for a session: prefix keys,
    /// the `prefix` and `root` key tables, status and mouse options. Replies `ClientConfig`.
    ClientConfig {
        /// Session (options are looked up for it).
        target: Target,
    },
    /// A key of an attach client's key table was pressed: the server runs its binding for the
    /// client's session (on the attach connection only).
    AttachKey {
        /// Key table (`prefix`, `root`...).
        table: String,
        /// Key name as the server printed it in `ClientConfig`.
        key: String,
    },
}

impl Request {
    /// A plain `select-pane -t TARGET` (no flags).
    pub fn select_pane(target: Target) -> Request {
        Request::SelectPane {
            target,
            direction: None,
            last: false,
            title: None,
            mark: false,
            unmark: false,
            keep_zoom: false,
        }
    }
}

/// A direction from a pane (`select-pane -U/-D/-L/-R`, `resize-pane -U/-D/-L/-R`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PaneDirection {
    /// `-U`.
    Up,
    /// `-D`.
    Down,
    /// `-L`.
    Left,
    /// `-R`.
    Right,
}

/// What an attaching client says about itself (tmux's `client_tty`, `client_termname`,
/// `client_pid`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ClientTerminal {
    /// Path of its terminal (`/dev/pts/3`).
    pub tty: Option<String>,
    /// Its `TERM`.
    pub term: Option<String>,
    /// Its process id.
    pub pid: Option<u32>,
}

/// One attached client, as `list-clients --json` prints it (protocol minor 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientInfo {
    /// Client number (`-c N`).
    pub id: u32,
    /// tmux's `client_name`: its terminal's path, else `client-N`.
    pub name: String,
    /// Session it shows.
    pub session: SessionId,
    /// That session's name.
    pub session_name: String,
    /// Terminal width, cells.
    pub cols: u16,
    /// Terminal height, cells.
    pub rows: u16,
    /// Its `TERM`.
    pub term: String,
    /// Its process id.
    pub pid: Option<u32>,
    /// Attached read-only.
    pub read_only: bool,
    /// When it attached, Unix seconds.
    pub created: u64,
}

/// Flags of [`Request::CapturePane`] (tmux 3.3a's letters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct CaptureOptions {
    /// `-p`: return the text instead of storing it in a buffer.
    pub print: bool,
    /// `-b NAME`: the buffer to store into (default: a new automatic buffer).
    pub buffer: Option<String>,
    /// `-S START`: first line, as typed: a number (0 the top of the screen, negative history)
    /// or `-` (the oldest history line). Unparseable: the top of the screen (tmux).
    pub start: Option<String>,
    /// `-E END`: last line, as `start`; `-` is the bottom of the screen.
    pub end: Option<String>,
    /// `-e`: SGR escape sequences for text and background attributes.
    pub escapes: bool,
    /// `-C`: escape non-printable characters as octal `\NNN` (and `\` as `\\`).
    pub octal: bool,
    /// `-J`: join wrapped lines, keep trailing spaces.
    pub join: bool,
    /// `-N`: keep trailing spaces.
    pub trailing: bool,
    /// `-P`: only the start of an incomplete escape sequence the pane received.
    pub pending: bool,
    /// `-a`: the normal screen hidden while the pane shows the alternate screen (`no
    /// alternate screen` otherwise, unless `quiet`).
    pub alternate: bool,
    /// `-q`: no error when `alternate` finds none.
    pub quiet: bool,
}

/// What a [`Request::KillOthers`] kills.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum KillScope {
    /// Panes of the window.
    #[default]
    Pane,
    /// Windows of the session.
    Window,
    /// Sessions of the server.
    Session,
}

/// Flags of `set-option` and `show-options` (tmux's letters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OptionFlags {
    /// `-g`: the global value.
    #[serde(default)]
    pub global: bool,
    /// `-s`: server options.
    #[serde(default)]
    pub server: bool,
    /// `-w` (or `setw`/`showw`): window options.
    #[serde(default)]
    pub window: bool,
    /// `-p`: pane options.
    #[serde(default)]
    pub pane: bool,
    /// `-u`: unset (back to the default, or inherit).
    #[serde(default)]
    pub unset: bool,
    /// `-U`: unset, also in every pane of the window.
    #[serde(default)]
    pub unset_panes: bool,
    /// `-a`: append to a string or array item.
    #[serde(default)]
    pub append: bool,
    /// `-o`: fail if already set.
    #[serde(default)]
    pub only_if_unset: bool,
    /// `-q`: no error for unknown or ambiguous options.
    #[serde(default)]
    pub quiet: bool,
    /// `-F`: expand the value as a format first.
    #[serde(default)]
    pub format: bool,
    /// `-v`: show values only.
    #[serde(default)]
    pub values_only: bool,
    /// `-A`: also show inherited values, marked `*`.
    #[serde(default)]
    pub inherited: bool,
    /// `-H`: include hooks (tidemux has none yet).
    #[serde(default)]
    pub hooks: bool,
}

/// What a [`Request::FormatList`] lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ListScope {
    /// Sessions, by name.
    #[default]
    Sessions,
    /// Windows, by index.
    Windows,
    /// Panes, in layout order.
    Panes,
    /// Paste buffers, newest first.
    Buffers,
}

fn one() -> u32 {
    1
}

/// Input of `SendInput`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum InputSource {
    /// An absolute path the server reads (same user), streamed in chunks.
    File(String),
    /// Bytes carried in the request.
    Bytes(Vec<u8>),
}

/// A scheduled request, as `schedule list` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScheduledInfo {
    /// Id (for `schedule cancel`).
    pub id: u64,
    /// When it runs, Unix milliseconds.
    pub at_ms: u64,
    /// When it was scheduled, Unix milliseconds.
    pub created_ms: u64,
    /// `send`, `send-key`, `notify` or `wait-for`.
    pub command: String,
    /// Target pane (resolved when scheduled), if any.
    pub pane: Option<PaneId>,
    /// Channel (`wait-for -S`), if any.
    pub channel: Option<String>,
    /// What it will do, for people.
    pub summary: String,
}

/// Conditions of a wait; the wait returns when any holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct WaitSpec {
    /// Regex over the visible screen (lines joined by `\n`, multi-line mode).
    pub text: Option<String>,
    /// Include history in the text search.
    pub history: bool,
    /// The rendered screen has not changed for this many milliseconds.
    pub idle_ms: Option<u64>,
    /// The pane's process exited.
    pub exit: bool,
    /// A new shell prompt (OSC 133 A) arrived, or the shell sits at one.
    pub prompt: bool,
    /// The pane is in this state.
    pub state: Option<RunState>,
    /// Only consider screen content that changed after this output sequence number.
    pub since: Option<u64>,
    /// Also return the visible screen as it was when the wait ended (send, wait and read in
    /// one call).
    pub read: bool,
}

/// How a wait ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaitOutcome {
    /// The pane.
    pub pane: PaneId,
    /// The condition that fired (`text`, `idle`, `exit`, `prompt`, `state`), or `pane-closed`
    /// when the pane closed before any held; `null` on timeout.
    pub condition: Option<String>,
    /// The wait gave up.
    pub timed_out: bool,
    /// Output sequence number of the screen state the decision was made on.
    pub seq: u64,
    /// Matched text (`text`).
    pub matched: Option<String>,
    /// Line of the match (0 = top row, negative = history).
    pub row: Option<i64>,
    /// Exit status (`exit`, or when the pane is dead).
    pub exit: Option<ExitInfo>,
    /// The pane's state when the wait ended.
    pub state: RunState,
    /// What a `send ... --wait-*` wrote first.
    pub sent: Option<Sent>,
    /// The visible screen when the wait ended, with `read`.
    pub screen: Option<ScreenCapture>,
}

/// Kinds of events (`docs/cli.md` lists their fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A session was created.
    SessionCreated,
    /// A session was closed.
    SessionClosed,
    /// A session was renamed.
    SessionRenamed,
    /// A window was created.
    WindowCreated,
    /// A window was closed.
    WindowClosed,
    /// A window was renamed.
    WindowRenamed,
    /// A pane was created.
    PaneCreated,
    /// A pane was closed.
    PaneClosed,
    /// A pane was renamed.
    PaneRenamed,
    /// A pane's process exited.
    PaneExited,
    /// A pane rang the bell.
    Bell,
    /// A pane's title changed.
    TitleChanged,
    /// A pane's state changed.
    StateChanged,
    /// A pane's attention flag was set.
    AttentionSet,
    /// A pane's attention flag was cleared.
    AttentionCleared,
    /// A wait-for channel was signalled.
    ChannelSignalled,
    /// A client attached.
    ClientAttached,
    /// A client detached.
    ClientDetached,
    /// A pane produced output (coalesced: at most 4 per second per pane).
    Output,
    /// Some events requested with `--after` are no longer buffered.
    EventsLost,
    /// This subscriber fell behind and is being disconnected.
    SubscriberDropped,
    /// A scheduled request ran (`name`: its id; `message`: what it did).
    ScheduleFired,
    /// A scheduled request could not run (`name`: its id; `message`: the reason).
    ScheduleFailed,
}

impl EventKind {
    /// Every kind, for help and validation.
    pub const ALL: [EventKind; 23] = [
        EventKind::SessionCreated,
        EventKind::SessionClosed,
        EventKind::SessionRenamed,
        EventKind::WindowCreated,
        EventKind::WindowClosed,
        EventKind::WindowRenamed,
        EventKind::PaneCreated,
        EventKind::PaneClosed,
        EventKind::PaneRenamed,
        EventKind::PaneExited,
        EventKind::Bell,
        EventKind::TitleChanged,
        EventKind::StateChanged,
        EventKind::AttentionSet,
        EventKind::AttentionCleared,
        EventKind::ChannelSignalled,
        EventKind::ClientAttached,
        EventKind::ClientDetached,
        EventKind::Output,
        EventKind::EventsLost,
        EventKind::SubscriberDropped,
        EventKind::ScheduleFired,
        EventKind::ScheduleFailed,
    ];

    /// The kebab-case name (`pane-exited`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SessionCreated => "session-created",
            EventKind::SessionClosed => "session-closed",
            EventKind::SessionRenamed => "session-renamed",
            EventKind::WindowCreated => "window-created",
            EventKind::WindowClosed => "window-closed",
            EventKind::WindowRenamed => "window-renamed",
            EventKind::PaneCreated => "pane-created",
            EventKind::PaneClosed => "pane-closed",
            EventKind::PaneRenamed => "pane-renamed",
            EventKind::PaneExited => "pane-exited",
            EventKind::Bell => "bell",
            EventKind::TitleChanged => "title-changed",
            EventKind::StateChanged => "state-changed",
            EventKind::AttentionSet => "attention-set",
            EventKind::AttentionCleared => "attention-cleared",
            EventKind::ChannelSignalled => "channel-signalled",
            EventKind::ClientAttached => "client-attached",
            EventKind::ClientDetached => "client-detached",
            EventKind::Output => "output",
            EventKind::EventsLost => "events-lost",
            EventKind::SubscriberDropped => "subscriber-dropped",
            EventKind::ScheduleFired => "schedule-fired",
            EventKind::ScheduleFailed => "schedule-failed",
        }
    }
}

/// One event. Fields that do not apply to a kind are `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// Server-wide sequence number (1, 2, ...); 0 for the synthetic `events-lost` and
    /// `subscriber-dropped` events.
    pub seq: u64,
    /// Unix time in milliseconds.
    pub time_ms: u64,
    /// Kind.
    pub kind: EventKind,
    /// Session concerned.
    pub session: Option<SessionId>,
    /// Window concerned.
    pub window: Option<WindowId>,
    /// Pane concerned.
    pub pane: Option<PaneId>,
    /// New name (`*-renamed`, `*-created`), channel name (`channel-signalled`).
    pub name: Option<String>,
    /// Exit status (`pane-exited`).
    pub exit: Option<ExitInfo>,
    /// New state (`state-changed`).
    pub state: Option<RunState>,
    /// Previous state (`state-changed`).
    pub previous_state: Option<RunState>,
    /// Message (`attention-set`, `events-lost`, `subscriber-dropped`) or title (`title-changed`).
    pub message: Option<String>,
    /// Pane output sequence number (`output`), or the first sequence number still buffered
    /// (`events-lost`).
    pub output_seq: Option<u64>,
}

impl Event {
    /// An event of `kind` with every optional field empty.
    pub fn new(kind: EventKind) -> Self {
        Event {
            seq: 0,
            time_ms: 0,
            kind,
            session: None,
            window: None,
            pane: None,
            name: None,
            exit: None,
            state: None,
            previous_state: None,
            message: None,
            output_seq: None,
        }
    }
}

/// What a successful creation made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    /// [`Spawn::print_format`] expanded for the new pane (`null` when not asked for; the CLI
    /// prints it only with `-P`).
    #[serde(default)]
    pub text: Option<String>,
}

/// What `send` and `send-key` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sent {
    /// The pane written to.
    pub pane: PaneId,
    /// Bytes written to the PTY.
    pub bytes: u64,
    /// The pane's output sequence number just before the write.
    pub seq: u64,
}

/// Server identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServerInfo {
    /// Crate version of the server binary.
    pub version: String,
    /// Protocol version it speaks.
    pub protocol: u32,
    /// Server pid.
    pub pid: u32,
    /// Socket path.
    pub socket: String,
    /// The last live upgrade (`upgrade-server`) of this server, if any (minor 8).
    #[serde(default)]
    pub upgrade: Option<UpgradeInfo>,
}

/// How a live upgrade (`upgrade-server`) went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UpgradeInfo {
    /// Number of this attempt in the server's life (1, 2, ...).
    pub attempt: u32,
    /// `in-progress`, `done` or `failed`.
    pub status: String,
    /// The binary the server was to continue as.
    pub binary: String,
    /// Version of the server before the attempt.
    pub from_version: String,
    /// Why it failed (the server then goes on with its old binary, every pane kept).
    #[serde(default)]
    pub error: Option<String>,
    /// When the attempt ended (or started, while in progress), Unix seconds.
    pub at: u64,
}

/// Error classes a caller can branch on (JSON: `not_found`, ..., as the CLI's `--json` errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
    /// The server was upgraded (`upgrade-server`) while the request waited: nothing is lost,
    /// run the request again (minor 8).
    Upgraded,
}

/// An error reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorReply {
    /// Class.
    pub kind: ErrorKind,
    /// One line for humans: what was wrong and what is valid.
    pub message: String,
}

/// A reply; its frame repeats the request's id.
// One value per reply, built and dropped at once: the size spread between variants costs
// nothing worth a Box.
///
/// On the wire (the `result` of a JSON-RPC reply): `"type"` is the variant name in kebab-case,
/// `"data"` its payload (absent for `ok`). `Error` travels as the JSON-RPC `error` member
/// instead (see [`crate::codec`]).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data", rename_all = "kebab-case")]
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
    /// A wait ended.
    Waited(WaitOutcome),
    /// One streamed event.
    Event(Event),
    /// What an attached client must draw.
    Frame(AttachFrame),
    /// The attachment ended, and why (a string on the wire, see [`DetachReason`]).
    Detached(DetachReason),
    /// Text (`display-message`, `show-buffer`).
    Text(String),
    /// Lines of text (`list-* -F`, `show-options`, `display-message -a`).
    Lines(Vec<String>),
    /// Exact bytes (`show-buffer`, `save-buffer`).
    Bytes(Vec<u8>),
    /// Paste buffers, newest first (`list-buffers`).
    Buffers(Vec<BufferInfo>),
    /// The channel that woke a `WaitForAny`.
    Signalled(String),
    /// Every pane's outcome of a `WaitMany` with `all`, in target order.
    WaitedAll(Vec<WaitOutcome>),
    /// A request was scheduled.
    Scheduled(ScheduledInfo),
    /// Scheduled requests.
    Schedules(Vec<ScheduledInfo>),
    /// What a `run-shell` command did.
    Ran(RunOutput),
    /// Attached clients (`list-clients --json`).
    Clients(Vec<ClientInfo>),
    /// What a [`Request::Tmux`] printed, as a tmux client would (added in protocol minor 3).
    Tmux(TmuxOutput),
    /// An attach client's configuration.
    ClientConfig(ClientConfig),
}

/// Why an attachment ended: tmux 3.3a's `client_exitreason` set (`client.c`) plus tidemux's
/// live upgrade. On the wire it is one string, the reason's text (`"detached"`, `"server
/// exited"`), the same strings protocol minors up to 10 sent as `Response::Detached(String)`,
/// so both directions stay compatible; a string this build does not know (a newer peer's
/// reason) is kept as [`DetachReason::Other`]. The attach client prints `[TEXT]` on exit, as
/// tmux does (see [`DetachReason::message`]).
///
/// The server sends `detached`, `detached and SIGHUP`, `exited`, `server exited` and `server
/// upgraded`; `lost tty`, `terminated` and `server exited unexpectedly` are the client's own
/// (its terminal hung up, it got SIGTERM, the connection closed without a reason), as in tmux.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum DetachReason {
    /// `detached`: `prefix d`, `detach-client`, `attach-detach` (tmux `CLIENT_EXIT_DETACHED`).
    #[serde(rename = "detached")]
    Detached,
    /// `detached and SIGHUP`: tmux `detach-client -P`; the client also sends SIGHUP to its
    /// parent process (tmux `CLIENT_EXIT_DETACHED_HUP`). Added in protocol minor 11: a server
    /// sends an older client `detached` instead.
    #[serde(rename = "detached and SIGHUP")]
    DetachedHup,
    /// `lost tty`: the client's terminal hung up (SIGHUP) (tmux `CLIENT_EXIT_LOST_TTY`).
    /// Client-side only.
    #[serde(rename = "lost tty")]
    LostTty,
    /// `terminated`: the client got SIGTERM (tmux `CLIENT_EXIT_TERMINATED`). Client-side only.
    #[serde(rename = "terminated")]
    Terminated,
    /// `server exited unexpectedly`: the connection closed without a reason (the server was
    /// killed or crashed; tmux `CLIENT_EXIT_LOST_SERVER`). Client-side only.
    #[serde(rename = "server exited unexpectedly")]
    LostServer,
    /// `exited`: the session ended and there was no other session to move to (tmux
    /// `CLIENT_EXIT_EXITED`).
    #[serde(rename = "exited")]
    Exited,
    /// `server exited`: the server stopped (`kill-server`, SIGTERM; tmux
    /// `CLIENT_EXIT_SERVER_EXITED`).
    #[serde(rename = "server exited")]
    ServerExited,
    /// `server upgraded`: the server switched to a new binary (`upgrade-server`); the client
    /// attaches again by itself (tidemux's own).
    #[serde(rename = "server upgraded")]
    Upgraded,
    /// A reason this build does not know (sent by a newer peer), as sent. The client prints
    /// it like the others (tmux `CLIENT_EXIT_MESSAGE_PROVIDED`).
    #[serde(untagged)]
    Other(String),
}

impl DetachReason {
    /// The wire string and the text tmux prints (without brackets): `detached`, `exited`, ...
    pub fn as_str(&self) -> &str {
        match self {
            DetachReason::Detached => "detached",
            DetachReason::DetachedHup => "detached and SIGHUP",
            DetachReason::LostTty => "lost tty",
            DetachReason::Terminated => "terminated",
            DetachReason::LostServer => "server exited unexpectedly",
            DetachReason::Exited => "exited",
            DetachReason::ServerExited => "server exited",
            DetachReason::Upgraded => "server upgraded",
            DetachReason::Other(s) => s,
        }
    }

    /// What the attach client prints when it ends, tmux-exact (`client_exit_message`):
    /// `[detached (from session NAME)]` and `[detached and SIGHUP (from session NAME)]` when
    /// `session` is known, else `[TEXT]` (`[exited]`, `[server exited]`, `[lost tty]`, ...).
    pub fn message(&self, session: Option<&str>) -> String {
        match (self, session) {
            (DetachReason::Detached | DetachReason::DetachedHup, Some(s)) => {
                format!("[{} (from session {s})]", self.as_str())
            }
            _ => format!("[{}]", self.as_str()),
        }
    }

    /// The reason to send a peer of protocol minor `minor`: reasons added after it become
    /// the nearest older one (`detached and SIGHUP` is `detached` before minor 11).
    pub fn for_minor(&self, minor: u32) -> DetachReason {
        match self {
            DetachReason::DetachedHup if minor < 11 => DetachReason::Detached,
            r => r.clone(),
        }
    }
}

impl std::fmt::Display for DetachReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an attach client takes from the server's configuration (`Request::ClientConfig`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientConfig {
    /// Configuration version (`AttachFrame::config`): fetch again when it changes.
    pub version: u64,
    /// The `prefix` option as a tmux key name (`None`: no prefix).
    pub prefix: String,
    /// The `prefix2` option (`None`: no second prefix).
    pub prefix2: String,
    /// Bindings of the `prefix` and `root` tables.
    pub bindings: Vec<ClientBinding>,
    /// Effective values of the options the client acts on, for the session: `status`,
    /// `status-position`, `status-style`, `status-left`, `status-right`, `mouse`, ...
    pub options: Vec<(String, String)>,
    /// The config files `prefix r` (`refresh-client`) reads again with `source-file` (minor
    /// 10): those the server read at start, else tmux's default files.
    #[serde(default)]
    pub config_files: Vec<String>,
    /// Whether missing `config_files` are skipped quietly (`source-file -q`; minor 10).
    #[serde(default)]
    pub config_files_quiet: bool,
}

/// One binding in a [`ClientConfig`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientBinding {
    /// `prefix` or `root`.
    pub table: String,
    /// tmux key name (`c`, `M-a`, `Up`, `C-Space`).
    pub key: String,
    /// The command, tmux command text.
    pub command: String,
    /// `-r`.
    pub repeat: bool,
}

/// Output of [`Request::Tmux`]: what tmux would print and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TmuxOutput {
    /// Standard output bytes.
    #[serde(default)]
    pub stdout: Vec<u8>,
    /// Standard error bytes (tmux's error lines).
    #[serde(default)]
    pub stderr: Vec<u8>,
    /// Exit status: 0, or 1 after an error.
    #[serde(default)]
    pub exit_code: i32,
    /// A session the client should now attach to (`attach-session`, `new-session` without
    /// `-d`), as `$N`.
    #[serde(default)]
    pub attach: Option<String>,
    /// The flags the attaching client asks for (`attach-session -f FLAGS`, and
    /// `read-only,ignore-size` for `-r`), sent as `Request::Attach::flags`; `None` without
    /// them (and from older servers). Protocol minor 18.
    #[serde(default)]
    pub attach_flags: Option<String>,
}

/// Output and status of a `run-shell` command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunOutput {
    /// stdout then stderr, at most 1 MiB.
    pub output: Vec<u8>,
    /// Exit code when it exited.
    pub code: Option<i32>,
    /// Signal number when a signal ended it.
    pub signal: Option<i32>,
}

/// One paste buffer, as `list-buffers --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BufferInfo {
    /// Name (`bufferN` for automatic buffers).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Made without a name (counts against `buffer-limit`).
    pub automatic: bool,
    /// The first 200 bytes made visible, as tmux's `buffer_sample`.
    pub sample: String,
}
