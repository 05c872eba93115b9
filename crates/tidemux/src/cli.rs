//! Command-line grammar (clap). Every command, flag and alias here is documented in
//! `docs/cli.md`; names follow tmux where tmux has the same command.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// tidemux: a terminal multiplexer for agent fleets. Scripts drive panes; people attach.
#[derive(Debug, Parser)]
#[command(name = "tidemux", version, about, propagate_version = true)]
pub struct Cli {
    /// Socket path (overrides -L and $TIDEMUX_SOCKET).
    #[arg(short = 'S', value_name = "PATH")]
    pub socket_path: Option<PathBuf>,
    /// Socket name inside the per-user directory (default "default").
    #[arg(short = 'L', value_name = "NAME")]
    pub socket_name: Option<String>,
    /// Print machine-readable JSON (also accepted after the command).
    #[arg(long, global = true)]
    pub json: bool,
    /// The command; none means "create a session and attach".
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub attach: AttachFlags,
}

/// Options shared by commands that start a process.
#[derive(Debug, Args, Clone, Default)]
pub struct SpawnArgs {
    /// Working directory of the new process (default: this shell's directory).
    #[arg(short = 'c', value_name = "DIR")]
    pub cwd: Option<String>,
    /// Set an environment variable in the new process (repeatable).
    #[arg(short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Keep the pane, marked dead, when its process exits (tmux remain-on-exit).
    #[arg(long)]
    pub remain_on_exit: bool,
    /// Start the pane in a git worktree for BRANCH (created next to the repository, or reused).
    #[arg(long, value_name = "BRANCH")]
    pub worktree: Option<String>,
    /// Start point of a new --worktree branch (default HEAD).
    #[arg(long, value_name = "REF", requires = "worktree")]
    pub base: Option<String>,
    /// Repository for --worktree (default: the pane's directory).
    #[arg(long, value_name = "DIR", requires = "worktree")]
    pub repo: Option<String>,
    /// Directory holding worktrees (default <repo>/../<repo-name>.worktrees, or
    /// $TIDEMUX_WORKTREE_DIR).
    #[arg(long, value_name = "DIR", requires = "worktree")]
    pub worktree_dir: Option<String>,
    /// Command and arguments (default: $SHELL). One word with spaces runs through /bin/sh -c.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// When a request runs, if not now: held by the server (see `schedule list`).
#[derive(Debug, Args, Clone, Default)]
pub struct WhenArgs {
    /// Run after DURATION (90, 90s, 1500ms, 30m, 2h, 1h30m, 1d), held by the server.
    #[arg(long, value_name = "DURATION", conflicts_with = "at")]
    pub after: Option<String>,
    /// Run at TIME (HH:MM[:SS] local, the next such time; RFC 3339; or @UNIX-SECONDS).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Target option.
#[derive(Debug, Args, Clone, Default)]
pub struct TargetArg {
    /// Target: %N, @N, $N, SESSION, SESSION:WINDOW, SESSION:WINDOW.PANE or a pane name.
    #[arg(short = 't', value_name = "TARGET")]
    pub target: Option<String>,
}

/// All commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server in the foreground (the auto-start path runs the same, detached).
    Server,
    /// Create a session (with -d: do not attach; prints the new pane id).
    #[command(visible_alias = "new")]
    NewSession(NewSessionArgs),
    /// Create a window; prints the new pane id.
    #[command(visible_alias = "neww")]
    NewWindow {
        #[command(flatten)]
        target: TargetArg,
        /// Window name.
        #[arg(short = 'n', value_name = "NAME")]
        name: Option<String>,
        /// Do not make the new window current.
        #[arg(short = 'd')]
        detached: bool,
        #[command(flatten)]
        spawn: SpawnArgs,
    },
    /// Split a pane; prints the new pane id.
    #[command(visible_aliases = ["split", "splitw"], disable_help_flag = true)]
    SplitWindow {
        /// Print help (-h means "side by side" here, as in tmux).
        #[arg(long, action = clap::ArgAction::Help)]
        help: Option<bool>,
        #[command(flatten)]
        target: TargetArg,
        /// Side by side (new pane on the right).
        #[arg(short = 'h', conflicts_with = "vertical")]
        horizontal: bool,
        /// One above the other (new pane below; the default).
        #[arg(short = 'v')]
        vertical: bool,
        /// Size of the new pane: CELLS or N%.
        #[arg(short = 'l', value_name = "SIZE")]
        size: Option<String>,
        /// Do not make the new pane active.
        #[arg(short = 'd')]
        detached: bool,
        #[command(flatten)]
        spawn: SpawnArgs,
    },
    /// List sessions.
    #[command(visible_alias = "ls")]
    ListSessions,
    /// List windows of a session (-a: all).
    #[command(visible_alias = "lsw")]
    ListWindows {
        #[command(flatten)]
        target: TargetArg,
        /// All sessions.
        #[arg(short = 'a')]
        all: bool,
    },
    /// List panes of a window or session (-a: all).
    #[command(visible_alias = "lsp")]
    ListPanes {
        #[command(flatten)]
        target: TargetArg,
        /// All panes on the server.
        #[arg(short = 'a')]
        all: bool,
        /// Recently closed panes instead (last status, kept for a while).
        #[arg(long, conflicts_with_all = ["all", "target"])]
        closed: bool,
    },
    /// Type text literally into a pane (several words are joined by spaces).
    Send {
        #[command(flatten)]
        target: TargetArg,
        /// Press Enter after the text.
        #[arg(long)]
        enter: bool,
        /// Submit to a TUI: bracketed paste if the program enabled it, then Enter as a separate
        /// write after --submit-delay.
        #[arg(long, conflicts_with = "enter")]
        submit: bool,
        /// Delay between the text and Enter in --submit mode, ms.
        #[arg(long, value_name = "MS", default_value_t = 150)]
        submit_delay: u64,
        /// Then wait until REGEX matches output that came after the send.
        #[arg(long, value_name = "REGEX")]
        wait_text: Option<String>,
        /// Then wait until the screen was quiet for MS after changing.
        #[arg(long, value_name = "MS")]
        wait_idle: Option<u64>,
        /// Give up waiting after SECONDS (exit 124).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
        /// With --wait-*: print the screen as it was when the condition held (send, wait and
        /// read in one call).
        #[arg(long)]
        read: bool,
        /// Type the contents of FILE (any size) instead of TEXT.
        #[arg(long, value_name = "PATH", conflicts_with_all = ["stdin", "text"])]
        file: Option<String>,
        /// Type what arrives on standard input (also: TEXT is a single '-').
        #[arg(long, conflicts_with = "text")]
        stdin: bool,
        #[command(flatten)]
        when: WhenArgs,
        /// The text (flags may follow it; put `--` before text that starts with '-'; a single
        /// '-' reads standard input).
        #[arg(value_name = "TEXT")]
        text: Vec<String>,
    },
    /// Press keys by tmux name (Enter, C-c, M-x, Up, F5, ...).
    #[command(visible_alias = "send-keys")]
    SendKey {
        #[command(flatten)]
        target: TargetArg,
        /// Repeat the key sequence COUNT times.
        #[arg(short = 'N', value_name = "COUNT", default_value_t = 1)]
        count: u32,
        #[command(flatten)]
        when: WhenArgs,
        /// Key names.
        #[arg(value_name = "KEY", required = true, allow_hyphen_values = true)]
        keys: Vec<String>,
    },
    /// Print a pane's screen, or history plus screen.
    #[command(visible_alias = "capture")]
    ReadScreen(ReadScreenArgs),
    /// Wait for a channel to be signalled (the first of several), or signal it with -S (tmux
    /// semantics).
    WaitFor {
        /// Signal the channel (wakes every waiter; kept if none waits).
        #[arg(short = 'S')]
        signal: bool,
        /// Give up after SECONDS (exit 124).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
        #[command(flatten)]
        when: WhenArgs,
        /// Channel names: waiting returns when the first is signalled and prints which.
        #[arg(required = true, value_name = "CHANNEL")]
        channels: Vec<String>,
    },
    /// Kill a pane.
    #[command(visible_alias = "killp")]
    KillPane {
        #[command(flatten)]
        target: TargetArg,
        /// Also remove the git worktree it was started in (refused if it has uncommitted
        /// changes).
        #[arg(long)]
        remove_worktree: bool,
    },
    /// Kill a window.
    #[command(visible_alias = "killw")]
    KillWindow(TargetArg),
    /// Kill a session.
    KillSession(TargetArg),
    /// Kill every pane and stop the server.
    KillServer,
    /// Rename a session.
    #[command(visible_alias = "rename")]
    RenameSession {
        #[command(flatten)]
        target: TargetArg,
        /// New name.
        name: String,
    },
    /// Rename a window.
    #[command(visible_alias = "renamew")]
    RenameWindow {
        #[command(flatten)]
        target: TargetArg,
        /// New name.
        name: String,
    },
    /// Name a pane; the name becomes a target.
    RenamePane {
        #[command(flatten)]
        target: TargetArg,
        /// New name (unique on the server).
        name: String,
    },
    /// Make a window current.
    #[command(visible_alias = "selectw")]
    SelectWindow(TargetArg),
    /// Make a pane active.
    #[command(visible_alias = "selectp")]
    SelectPane(TargetArg),
    /// Resize a window.
    #[command(visible_alias = "resizew")]
    ResizeWindow {
        #[command(flatten)]
        target: TargetArg,
        /// Width in cells.
        #[arg(short = 'x', value_name = "COLS")]
        cols: Option<u16>,
        /// Height in cells.
        #[arg(short = 'y', value_name = "ROWS")]
        rows: Option<u16>,
    },
    /// Exit 0 if the session exists, else 1.
    #[command(visible_alias = "has")]
    HasSession(TargetArg),
    /// Inside a pane: print its session, window and pane.
    Identify,
    /// Print client and server versions.
    Version,
    /// Wait until a condition holds on a pane (exit 124 on timeout).
    Wait(WaitArgs),
    /// What every pane is doing: state, foreground process, quiet time, flags. With --set, a
    /// program reports its own state (default target: its own pane).
    #[command(visible_alias = "st")]
    Status {
        #[command(flatten)]
        target: TargetArg,
        /// Report this state for the pane: running, idle, waiting-input, at-prompt, blocked,
        /// done (overrides the inferred state until cleared, input is sent, or it exits).
        #[arg(long, value_name = "STATE", conflicts_with = "clear")]
        set: Option<String>,
        /// Message shown with the reported state.
        #[arg(long, value_name = "TEXT", requires = "set")]
        message: Option<String>,
        /// Clear a reported state.
        #[arg(long)]
        clear: bool,
    },
    /// Stream events as JSON lines until interrupted.
    Events {
        /// Replay buffered events after this sequence number first.
        #[arg(long, value_name = "SEQ")]
        after: Option<u64>,
        /// Only these kinds, or families (session, window, pane, attention, ...). Repeatable.
        #[arg(long, value_name = "KIND")]
        filter: Vec<String>,
        /// Only events about this pane (%N or a pane name). Repeatable.
        #[arg(long, value_name = "PANE")]
        pane: Vec<String>,
        /// Drop `output` events.
        #[arg(long)]
        no_output: bool,
    },
    /// Requests held by the server (send/send-key/notify/wait-for -S with --after/--at).
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// Run CMD in a new pane, wait for it to exit, print its output and exit with its status.
    Run(RunArgs),
    /// Log a pane's output continuously to a file (rotated at --max-size), or --stop.
    Log {
        #[command(flatten)]
        target: TargetArg,
        /// Log file (appended to).
        #[arg(long, value_name = "PATH", required_unless_present = "stop")]
        file: Option<String>,
        /// Raw output with escape sequences.
        #[arg(long, conflicts_with = "plain")]
        ansi: bool,
        /// Text only (the default).
        #[arg(long)]
        plain: bool,
        /// Rotate to PATH.1 .. PATH.5 at this size in bytes (default 64 MiB).
        #[arg(long, value_name = "BYTES")]
        max_size: Option<u64>,
        /// Stop logging.
        #[arg(long, conflicts_with_all = ["file", "ansi", "plain", "max_size"])]
        stop: bool,
    },
    /// Attach to a session (-r: read-only observer).
    #[command(visible_aliases = ["a", "attach-session"])]
    Attach {
        #[command(flatten)]
        target: TargetArg,
        /// Read-only: keys are ignored except the detach binding.
        #[arg(short = 'r')]
        read_only: bool,
        #[command(flatten)]
        flags: AttachFlags,
    },
    /// Detach the clients attached to a session.
    #[command(visible_alias = "detach")]
    DetachClient {
        /// Session whose clients to detach.
        #[arg(short = 's', value_name = "SESSION")]
        session: Option<String>,
    },
    /// Toggle zoom of a pane.
    ZoomPane(TargetArg),
    /// Set a pane's attention flag with a message (or --clear it).
    Notify {
        #[command(flatten)]
        target: TargetArg,
        /// Clear the flag.
        #[arg(long)]
        clear: bool,
        #[command(flatten)]
        when: WhenArgs,
        /// Message.
        #[arg(required_unless_present = "clear")]
        message: Vec<String>,
    },
}

/// `schedule` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScheduleAction {
    /// List pending requests, soonest first.
    #[command(visible_alias = "ls")]
    List,
    /// Cancel a pending request.
    Cancel {
        /// Its id (from `schedule list` or the scheduling command's output).
        id: u64,
    },
}

/// `run` options.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Session to run in (default: the current or most recent one; a new session `run` is made
    /// when no server runs).
    #[arg(short = 't', value_name = "SESSION")]
    pub target: Option<String>,
    /// Name of the pane and its window.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Kill the command after SECONDS (exit 124, output so far printed).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Keep the pane open (dead) after the command exits.
    #[arg(long)]
    pub keep: bool,
    /// Working directory.
    #[arg(short = 'c', value_name = "DIR")]
    pub cwd: Option<String>,
    /// Run in a git worktree for BRANCH (as new-window --worktree).
    #[arg(long, value_name = "BRANCH")]
    pub worktree: Option<String>,
    /// Start point of a new --worktree branch.
    #[arg(long, value_name = "REF", requires = "worktree")]
    pub base: Option<String>,
    /// Repository for --worktree.
    #[arg(long, value_name = "DIR", requires = "worktree")]
    pub repo: Option<String>,
    /// Command and arguments.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `wait` options.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Pane (repeatable: several panes, see --any / --all).
    #[arg(short = 't', value_name = "TARGET")]
    pub targets: Vec<String>,
    /// With several panes: return when the first meets the condition (the default).
    #[arg(long, conflicts_with = "all")]
    pub any: bool,
    /// With several panes: return when every one has met the condition.
    #[arg(long)]
    pub all: bool,
    /// REGEX matches the visible screen (multi-line: ^ and $ match at line ends).
    #[arg(long, value_name = "REGEX")]
    pub text: Option<String>,
    /// Search history too (with --text).
    #[arg(long, requires = "text")]
    pub history: bool,
    /// The screen content has not changed for MS milliseconds.
    #[arg(long, value_name = "MS")]
    pub idle: Option<u64>,
    /// The pane's process exited.
    #[arg(long)]
    pub exit: bool,
    /// The shell reached a new prompt (OSC 133 marks).
    #[arg(long)]
    pub prompt: bool,
    /// The pane is in STATE: running, idle, waiting-input, at-prompt, exited, blocked, done.
    #[arg(long, value_name = "STATE")]
    pub state: Option<String>,
    /// Only consider output after this sequence number (from send, read-screen --json, ...).
    #[arg(long, value_name = "SEQ")]
    pub since: Option<u64>,
    /// Give up after SECONDS (exit 124).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Print the screen as it was when the condition held (wait and read in one call).
    #[arg(long)]
    pub read: bool,
}

/// `new-session` options.
#[derive(Debug, Args)]
pub struct NewSessionArgs {
    /// Do not attach.
    #[arg(short = 'd')]
    pub detached: bool,
    #[command(flatten)]
    pub attach: AttachFlags,
    /// Session name.
    #[arg(short = 's', value_name = "NAME")]
    pub name: Option<String>,
    /// First window's name.
    #[arg(short = 'n', value_name = "WINDOW")]
    pub window_name: Option<String>,
    /// Width in cells (default 80).
    #[arg(short = 'x', value_name = "COLS")]
    pub cols: Option<u16>,
    /// Height in cells (default 24).
    #[arg(short = 'y', value_name = "ROWS")]
    pub rows: Option<u16>,
    /// History lines kept per pane (default 10000).
    #[arg(long, value_name = "N")]
    pub history_limit: Option<u32>,
    #[command(flatten)]
    pub spawn: SpawnArgs,
}

/// Options of the interactive client.
#[derive(Debug, Args, Clone, Default)]
pub struct AttachFlags {
    /// Prefix key (default C-b, or $TIDEMUX_PREFIX), e.g. C-a.
    #[arg(long, value_name = "KEY")]
    pub prefix: Option<String>,
    /// Attach even from inside a tidemux pane.
    #[arg(long)]
    pub force: bool,
}

/// `read-screen` options.
#[derive(Debug, Args)]
pub struct ReadScreenArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// The last N lines of history plus the screen.
    #[arg(long, value_name = "N", conflicts_with_all = ["history", "start", "end"])]
    pub lines: Option<u32>,
    /// All history plus the screen.
    #[arg(long, conflicts_with_all = ["start", "end"])]
    pub history: bool,
    /// First line: 0 is the top of the screen, negative is history, '-' the oldest line.
    #[arg(short = 'S', value_name = "START", allow_hyphen_values = true)]
    pub start: Option<String>,
    /// Last line: '-' is the bottom of the screen.
    #[arg(short = 'E', value_name = "END", allow_hyphen_values = true)]
    pub end: Option<String>,
    /// Include colours and attributes as SGR escape sequences.
    #[arg(long)]
    pub ansi: bool,
    /// Write the lines to PATH instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
}
