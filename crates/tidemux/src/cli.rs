//! Command-line grammar (clap). Every command, flag and alias here is documented in
//! `docs/cli.md`; names follow tmux where tmux has the same command.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// The end of `tidemux --help`: targets, global options, environment, examples, documentation.
pub const AFTER_HELP: &str = "\
Targets (-t): %N pane id, @N window id, $N session id, NAME (a session, or a pane named by
rename-pane), SESSION:WINDOW, SESSION:WINDOW.PANE (index, name or id), :WINDOW, .PANE.
Without -t: the pane the command runs in (inside a pane), else the most recent session.

Global options -S PATH, -L NAME and --json go before the command, and are also accepted after
it (tidemux ls -S sock), except that read-screen and wait-for have their own -S.

Environment:
  TIDEMUX_SOCKET      socket path when neither -S nor -L is given
  TIDEMUX_TMPDIR      per-user socket directory (default $XDG_RUNTIME_DIR/tidemux, else
                      /tmp/tidemux-$UID)
  TIDEMUX_PREFIX      prefix key of the attach client (default C-b)
  TIDEMUX_LOG         server log level: error, warn, info (default), debug, trace
  XDG_STATE_HOME      server logs go to $XDG_STATE_HOME/tidemux/NAME.log (default
                      ~/.local/state/tidemux/), rotated at 10 MiB to NAME.log.1
  TIDEMUX_LOG_FILE    server log file instead (- for stderr)
  TIDEMUX_LOG_BESIDE_SOCKET=1  server log in SOCKET.log beside the socket instead
  TIDEMUX_MAX_CONNECTIONS  server's cap on open connections (default 512)
  TIDEMUX_CLOSED_PANES, TIDEMUX_CLOSED_BYTES  closed panes the server keeps (default 100,
                      4 MiB; list-panes --closed)
  TIDEMUX_WORKTREE_DIR  directory for --worktree worktrees (default <repo>/../<repo>.worktrees)
  TIDEMUX_SNAPSHOT=0  server writes no snapshots for resurrect (docs/continuity.md)
  TIDEMUX_SNAPSHOT_LINES, TIDEMUX_SNAPSHOT_EVERY_MS  history lines per pane in a snapshot
                      (overrides the option resurrect-history-lines, default 2000), period
                      of snapshots (default 60000 ms)
  TIDEMUX_RESURRECT_COMMANDS  commands resurrect re-runs (default: docs/resurrect.md)
  TIDEMUX_RESURRECT_ON_START=1  a server started on first use resurrects the last snapshot (0: never)
  TIDEMUX_FALLBACK_FROM  set in a command re-run by the server's binary (protocol mismatch)
  TIDEMUX_UPGRADE_STATE, TIDEMUX_UPGRADE_EXE, TIDEMUX_UPGRADE_FAILED  set by upgrade-server
                      for the binary that takes over (docs/continuity.md)
  SHELL               program of a new pane when no command is given
  TIDEMUX_TMUX_VERSION  what `tmux -V` prints after `tmux ` (default 3.3a; docs/tmux-compat.md)
  TMUX_TMPDIR, TMUX, TMUX_PANE  as tmux's when invoked as tmux (socket directory, the pane's
                      server and pane)
  TIDEMUX, TIDEMUX_PANE  set in every pane (with COLORTERM=truecolor): commands run there
                      talk to that pane's server and default to that pane

Examples:
  tidemux                                   new session, attached (C-b d detaches)
  tidemux new -d -s work -- bash            start a worker; prints its pane id (%0)
  tidemux send -t work --enter 'make test' --wait-text 'PASS|FAIL' --timeout 600
                                            type, then wait for the answer (exit 124: timeout)

Exit codes: 0 ok, 1 error (one line on stderr), 2 usage, 124 a wait timed out.
Every command: tidemux COMMAND --help. Manual pages: tidemux man --dir DIR.
Documentation: README.md and docs/cli.md in the source tree";

/// The source tree this binary was built from (for the docs' location in `--help`).
fn source_tree() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(std::path::Path::parent)
        .unwrap_or(manifest)
        .to_owned()
}

/// The full grammar, with the docs' location in the top-level help.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let tree = source_tree();
    // The path on a line of its own: help is wrapped at spaces, never inside a path.
    Cli::command().after_help(format!(
        "{AFTER_HELP}:\n  {}",
        tree.join("docs/cli.md").display()
    ))
}

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

/// All commands. Each command's arguments are built only when it is the one invoked
/// (`defer`): a one-shot command no longer builds the whole grammar at start-up (issue 9,
/// "CLI start-up"; help, completions and man pages build it whole as before).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Run the server in the foreground (the auto-start path runs the same, detached).
    #[command(
        after_help = "Example:\n  TIDEMUX_LOG=debug tidemux -S /tmp/s server --log-file -   # log to this terminal"
    )]
    Server(ServerArgs),
    /// Create a session (with -d: do not attach; prints the new pane id).
    #[command(
        visible_alias = "new",
        after_help = "Examples:\n  tidemux new -d -s work -- bash --norc     # prints the pane id, e.g. %0\n  tidemux new -s dev -c ~/src                # and attach"
    )]
    NewSession(NewSessionArgs),
    /// Create a window; prints the new pane id.
    #[command(
        visible_alias = "neww",
        after_help = "Example:\n  tidemux new-window -t work -n logs -- tail -f build.log"
    )]
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
        print: crate::cli_cmdset::PrintArgs,
        #[command(flatten)]
        spawn: SpawnArgs,
        /// Insert at the index after the target window (-t), moving later windows up.
        #[arg(short = 'a')]
        after: bool,
        /// Insert at the target window's index, moving it and later windows up.
        #[arg(short = 'b', conflicts_with = "after")]
        before: bool,
    },
    /// Split a pane; prints the new pane id.
    #[command(
        visible_aliases = ["split", "splitw"],
        disable_help_flag = true,
        after_help = "Example:\n  tidemux split-window -h -l 40% -t work -- python3 -q   # prints %1"
    )]
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
        /// Put the new pane left of / above the target.
        #[arg(short = 'b')]
        before: bool,
        /// Span the full window height (-h) or width (the new pane splits the whole window).
        #[arg(short = 'f')]
        full: bool,
        #[command(flatten)]
        print: crate::cli_cmdset::PrintArgs,
        #[command(flatten)]
        spawn: SpawnArgs,
        /// Zoom the window on the new pane.
        #[arg(short = 'Z')]
        zoom: bool,
    },
    /// List sessions.
    #[command(visible_alias = "ls", after_help = "Example:\n  tidemux ls --json")]
    ListSessions(crate::cli_cmdset::ListFormatArgs),
    /// List windows of a session (-a: all).
    #[command(
        visible_alias = "lsw",
        after_help = "Example:\n  tidemux list-windows -t work"
    )]
    ListWindows {
        #[command(flatten)]
        target: TargetArg,
        /// All sessions.
        #[arg(short = 'a')]
        all: bool,
        #[command(flatten)]
        fmt: crate::cli_cmdset::ListFormatArgs,
    },
    /// List panes of a window or session (-a: all).
    #[command(
        visible_alias = "lsp",
        after_help = "Example:\n  tidemux list-panes -a --json"
    )]
    ListPanes {
        #[command(flatten)]
        target: TargetArg,
        /// All panes on the server.
        #[arg(short = 'a')]
        all: bool,
        #[command(flatten)]
        fmt: crate::cli_cmdset::ListFormatArgs,
        /// Recently closed panes instead (last status, kept for a while).
        #[arg(long, conflicts_with_all = ["all", "target"])]
        closed: bool,
    },
    /// Type text literally into a pane (several words are joined by spaces).
    #[command(
        after_help = "Examples:\n  tidemux send -t work --enter 'make test'\n  tidemux send -t work --enter 'make test' --wait-text '^(PASS|FAIL)' --timeout 600\n  tidemux send -t agent --submit 'Fix the failing test' --wait-idle 2000 --read"
    )]
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
    #[command(
        visible_alias = "send-keys",
        after_help = "Examples:\n  tidemux send-key -t work C-c          # interrupt\n  tidemux send-key -t work -N 3 Up Enter"
    )]
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
    #[command(
        visible_alias = "capture",
        after_help = "Examples:\n  tidemux read-screen -t work --lines 50\n  tidemux read-screen -t work --json | jq .cursor"
    )]
    ReadScreen(ReadScreenArgs),
    /// Wait for a channel to be signalled (the first of several), or signal it with -S (tmux
    /// semantics).
    #[command(
        after_help = "Examples:\n  tidemux send -t work --enter 'make test; tidemux wait-for -S tests-done'\n  tidemux wait-for tests-done --timeout 600\n  tidemux wait-for impl-done impl-question --timeout 3600"
    )]
    WaitFor {
        /// Signal the channel (wakes every waiter; kept if none waits).
        #[arg(short = 'S')]
        signal: bool,
        #[command(flatten)]
        lock: crate::cli_cmdset::WaitLockArgs,
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
    #[command(
        visible_alias = "killp",
        after_help = "Examples:\n  tidemux kill-pane -t %3\n  tidemux kill-pane -t impl-login --remove-worktree"
    )]
    KillPane {
        #[command(flatten)]
        kill: crate::cli_cmdset::KillArgs,
        /// Also remove the git worktree it was started in (refused if it has uncommitted
        /// changes).
        #[arg(long, conflicts_with = "all_others")]
        remove_worktree: bool,
    },
    /// Kill a window.
    #[command(
        visible_alias = "killw",
        after_help = "Example:\n  tidemux kill-window -t work:logs"
    )]
    KillWindow(crate::cli_cmdset::KillArgs),
    /// Kill a session.
    #[command(after_help = "Example:\n  tidemux kill-session -t work")]
    KillSession(crate::cli_cmdset::KillArgs),
    /// Kill every pane and stop the server.
    #[command(after_help = "Example:\n  tidemux -L test kill-server")]
    KillServer,
    /// Rebuild the sessions of the last snapshot after a crash or reboot (docs/continuity.md).
    #[command(
        after_help = "Examples:\n  tidemux resurrect --dry-run     # what would be restored, pane by pane\n  tidemux resurrect               # start a server with the saved sessions"
    )]
    Resurrect {
        /// Print what would be restored; start nothing.
        #[arg(long)]
        dry_run: bool,
        /// Snapshot to read instead of $XDG_STATE_HOME/tidemux/NAME.snapshot.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
    /// Rename a session.
    #[command(
        visible_alias = "rename",
        after_help = "Example:\n  tidemux rename-session -t 0 work"
    )]
    RenameSession {
        #[command(flatten)]
        target: TargetArg,
        /// New name.
        name: String,
    },
    /// Rename a window.
    #[command(
        visible_alias = "renamew",
        after_help = "Example:\n  tidemux rename-window -t work:0 build"
    )]
    RenameWindow {
        #[command(flatten)]
        target: TargetArg,
        /// New name.
        name: String,
    },
    /// Name a pane; the name becomes a target.
    #[command(
        after_help = "Example:\n  tidemux rename-pane -t %1 repl && tidemux send -t repl --enter '6*7'"
    )]
    RenamePane {
        #[command(flatten)]
        target: TargetArg,
        /// New name (unique on the server).
        name: String,
    },
    /// Make a window current.
    #[command(
        visible_alias = "selectw",
        after_help = "Example:\n  tidemux select-window -t work:1"
    )]
    SelectWindow(TargetArg),
    /// Make a pane active.
    #[command(
        visible_alias = "selectp",
        after_help = "Examples:\n  tidemux select-pane -t work:0.1\n  tidemux select-pane -L        # the pane on the left\n  tidemux select-pane -m -t %3   # mark it (join-pane's default source)"
    )]
    SelectPane(crate::cli_layout::SelectPaneArgs),
    /// Resize a window.
    #[command(
        visible_alias = "resizew",
        after_help = "Example:\n  tidemux resize-window -t work -x 200 -y 50"
    )]
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
    #[command(
        visible_alias = "has",
        after_help = "Example:\n  tidemux has-session -t work || tidemux new -d -s work"
    )]
    HasSession(TargetArg),
    /// Inside a pane: print its session, window and pane.
    #[command(after_help = "Example (in a pane):\n  tidemux identify --json")]
    Identify,
    /// Print client and server versions.
    #[command(after_help = "Example:\n  tidemux version --json")]
    Version,
    /// Write the JSON Schemas of the socket API (docs/api/*.schema.json) into DIR.
    #[command(after_help = "Example (in the source tree):\n  tidemux api-schema --out docs/api")]
    ApiSchema {
        /// Directory to write into (created if missing); other *.schema.json files there are
        /// removed.
        #[arg(long, value_name = "DIR", default_value = "docs/api")]
        out: PathBuf,
    },
    /// Wait until a condition holds on a pane (exit 124 on timeout).
    #[command(
        after_help = "Examples:\n  tidemux wait -t work --text '^(PASS|FAIL)' --since 4711 --timeout 600\n  tidemux wait -t work --prompt --timeout 60     # needs shell-init in the pane's shell\n  tidemux wait -t work --state waiting-input --read"
    )]
    Wait(WaitArgs),
    /// What every pane is doing: state, foreground process, quiet time, flags. With --set, a
    /// program reports its own state (default target: its own pane).
    #[command(
        visible_alias = "st",
        after_help = "Examples:\n  tidemux status --json\n  tidemux status --set blocked --message 'needs approval'   # inside a pane"
    )]
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
    #[command(after_help = "Example:\n  tidemux events --filter attention --filter pane-exited")]
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
    #[command(
        after_help = "Examples:\n  tidemux send -t pm --submit 'review the progress' --after 30m\n  tidemux schedule list --json\n  tidemux schedule cancel 3"
    )]
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// Run CMD in a new pane, wait for it to exit, print its output and exit with its status.
    #[command(
        after_help = "Examples:\n  tidemux run --name tests --timeout 600 -- make test\n  tidemux run --worktree fix-login -- cargo test"
    )]
    Run(RunArgs),
    /// Log a pane's output continuously to a file (rotated at --max-size), or --stop.
    #[command(
        after_help = "Examples:\n  tidemux log -t impl-login --file impl-login.log\n  tidemux log -t impl-login --file raw.log --ansi --max-size 10000000\n  tidemux log -t impl-login --stop"
    )]
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
        /// Start every line with its UTC arrival time (RFC 3339, ms); plain text only.
        #[arg(long, conflicts_with = "ansi")]
        timestamps: bool,
        /// Rotate to PATH.1 .. PATH.5 at this size in bytes (default 64 MiB).
        #[arg(long, value_name = "BYTES")]
        max_size: Option<u64>,
        /// Stop logging.
        #[arg(long, conflicts_with_all = ["file", "ansi", "plain", "max_size", "timestamps"])]
        stop: bool,
    },
    /// Attach to a session (-r: read-only observer).
    #[command(
        visible_aliases = ["a", "attach-session"],
        after_help = "Examples:\n  tidemux attach -t work\n  tidemux attach -t work -r     # watch read-only\n  tidemux attach -t work -f ignore-size   # do not resize the windows"
    )]
    Attach {
        #[command(flatten)]
        target: TargetArg,
        /// Read-only: keys are ignored except the detach binding (and, as tmux's -r, the
        /// client does not count for window sizes while another client does).
        #[arg(short = 'r')]
        read_only: bool,
        /// tmux's client flags, comma-separated: read-only, ignore-size (a leading ! turns
        /// one off).
        #[arg(short = 'f', value_name = "FLAGS")]
        client_flags: Option<String>,
        #[command(flatten)]
        flags: AttachFlags,
    },
    /// Detach the clients attached to a session.
    #[command(
        visible_alias = "detach",
        after_help = "Example:\n  tidemux detach-client -s work"
    )]
    DetachClient {
        /// Session whose clients to detach.
        #[arg(short = 's', value_name = "SESSION")]
        session: Option<String>,
    },
    /// Toggle zoom of a pane.
    #[command(after_help = "Example:\n  tidemux zoom-pane -t work:0.1")]
    ZoomPane(TargetArg),
    /// Set a pane's attention flag with a message (or --clear it).
    #[command(
        after_help = "Example (in a pane):\n  tidemux notify 'tests failed, need a decision'"
    )]
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  tidemux completions bash > ~/.local/share/bash-completion/completions/tidemux\n  tidemux completions zsh > ~/.zfunc/_tidemux       # with fpath+=(~/.zfunc) in ~/.zshrc\n  tidemux completions fish > ~/.config/fish/completions/tidemux.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the tidemux(1) manual page, or write one page per command into DIR.
    #[command(
        after_help = "Example:\n  tidemux man --dir ~/.local/share/man/man1 && man tidemux-send"
    )]
    Man {
        /// Write tidemux.1 and tidemux-COMMAND.1 for every command into DIR (created if
        /// missing) instead of printing tidemux.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print shell integration for a pane's shell: OSC 133 prompt marks (for `wait --prompt`)
    /// and the running command as the pane title.
    #[command(
        after_help = "Examples (one line in the shell's startup file):\n  eval \"$(tidemux shell-init bash)\"            # ~/.bashrc\n  eval \"$(tidemux shell-init zsh)\"             # ~/.zshrc\n  tidemux shell-init fish | source              # ~/.config/fish/config.fish"
    )]
    ShellInit {
        /// The shell.
        #[arg(value_enum)]
        shell: InitShell,
    },
    /// tmux's command set (issue 11): `cli_cmdset.rs`.
    #[command(flatten)]
    CmdSet(crate::cli_cmdset::CmdSetCommand),
    /// Layout and move commands (issue 11): `cli_layout.rs`.
    #[command(flatten)]
    Layout(crate::cli_layout::LayoutCommand),
    /// Pane commands of tmux's command set (issue 11): `cli_panecmds.rs`.
    #[command(flatten)]
    PaneCmds(crate::cli_panecmds::PaneCmdsCommand),
    /// Run a command line in tmux 3.3a's language (as when invoked as `tmux`; see
    /// docs/tmux-compat.md).
    #[command(
        disable_help_flag = true,
        after_help = "Examples:\n  tidemux tmux -L work new-session -d -s w 'bash'\n  tidemux tmux -L work send-keys -t w 'echo hi' C-m \\; capture-pane -p -t w"
    )]
    Tmux {
        /// tmux's global flags, command and arguments.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
    /// Make a `tmux` link to this binary in DIR, so that tools calling `tmux` run tidemux.
    #[command(
        after_help = "Example:\n  tidemux install-tmux-shim ~/.local/bin   # then: tmux -V prints tmux 3.3a"
    )]
    InstallTmuxShim {
        /// Directory for the link (created if missing).
        dir: PathBuf,
    },
    /// Continue the running server as a new binary without closing a pane (same pid; attached
    /// clients reattach). See docs/continuity.md.
    #[command(
        after_help = "Examples:\n  cargo install --path crates/tidemux && tidemux upgrade-server\n  tidemux upgrade-server --binary ./target/release/tidemux\n\nExit status: 0 upgraded; 1 refused or failed (the server goes on with its old binary,\nevery pane kept; the error says why)."
    )]
    UpgradeServer {
        /// The new binary (default: the server's own file as it is now on disk, e.g. after
        /// `cargo install`).
        #[arg(long, value_name = "PATH")]
        binary: Option<PathBuf>,
    },
    /// Key bindings and hooks: `cli_keys.rs`.
    #[command(flatten)]
    Keys(crate::cli_keys::KeysCommand),
}

/// Shells `shell-init` supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitShell {
    /// bash 4.4 or later.
    Bash,
    /// zsh.
    Zsh,
    /// fish 3 or later.
    Fish,
}

/// `server` options.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Log to PATH (`-` for stderr) instead of $TIDEMUX_LOG_FILE or the default
    /// $XDG_STATE_HOME/tidemux/NAME.log.
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Rebuild the sessions of this snapshot before listening (used by `tidemux resurrect`).
    #[arg(long, value_name = "PATH", hide = true)]
    pub resurrect: Option<PathBuf>,
    /// Started through the tmux name (issue 12): `$TMUX` in panes, tmux's config files read.
    #[arg(long, hide = true)]
    pub tmux: bool,
    /// With --tmux: a config file instead of tmux's defaults (tmux -f; repeatable).
    #[arg(long, value_name = "PATH", hide = true, requires = "tmux")]
    pub tmux_config: Vec<PathBuf>,
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
    /// If the session (-s) exists, attach to it (with -d: do nothing) instead of failing.
    #[arg(short = 'A')]
    pub attach_existing: bool,
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
    pub print: crate::cli_cmdset::PrintArgs,
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

/// Global options that may also be written after the command (`tidemux ls -S sock`).
const HOISTABLE: [&str; 2] = ["-S", "-L"];

/// Parses the command line. A global option written after the command (`tidemux ls -S sock`)
/// that the command does not define itself is moved before it and parsing is retried; if that
/// fails too, the error says where global options go.
///
/// # Errors
/// clap's error (usage, help or version), to be shown with [`clap::Error::exit`].
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let parse = |args: &[OsString]| {
        use clap::FromArgMatches;
        command()
            .try_get_matches_from(args)
            .and_then(|m| Cli::from_arg_matches(&m))
    };
    let mut e = match parse(&args) {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    for _ in 0..HOISTABLE.len() {
        match unknown_global(&e) {
            Some(bad) if hoist(&mut args, &bad).is_some() => {}
            _ => break,
        }
        match parse(&args) {
            Ok(cli) => return Ok(cli),
            Err(next) => e = next,
        }
    }
    if unknown_global(&e).is_some() {
        use clap::error::{ContextKind, ContextValue};
        let mut tips = match e.get(ContextKind::Suggested) {
            Some(ContextValue::StyledStrs(v)) => v.clone(),
            _ => Vec::new(),
        };
        tips.push(
            "global options go before the command: tidemux [-S PATH | -L NAME] COMMAND ..."
                .to_owned()
                .into(),
        );
        e.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    }
    Err(e)
}

/// The global option (`-S`, `-L`, possibly with its value attached) that `e` complains about.
fn unknown_global(e: &clap::Error) -> Option<String> {
    if e.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let bad = e.get(clap::error::ContextKind::InvalidArg)?.to_string();
    HOISTABLE.iter().any(|g| bad.starts_with(g)).then_some(bad)
}

/// Moves the global option `bad` (`-S`, `-L`, with its value, separate or attached) from after
/// the command to just after the program name. `None` if it is not found before `--` or its
/// value is missing.
fn hoist(args: &mut Vec<OsString>, bad: &str) -> Option<()> {
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let flag = HOISTABLE.iter().find(|g| bad.starts_with(**g))?;
    let i = (2..end).find(|&i| args[i].to_str().is_some_and(|a| a.starts_with(flag)))?;
    // `-S PATH` (two words) or `-SPATH` (one).
    let n = if args[i] == *flag { 2 } else { 1 };
    if i + n > end {
        return None;
    }
    let moved: Vec<OsString> = args.drain(i..i + n).collect();
    for (k, a) in moved.into_iter().enumerate() {
        args.insert(1 + k, a);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Cli, clap::Error> {
        parse_args(line.split_whitespace().map(OsString::from))
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_example() {
        for c in Cli::command().get_subcommands() {
            let help = c
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.starts_with("Example"),
                "`tidemux {} --help` has no example (after_help)",
                c.get_name()
            );
        }
    }

    #[test]
    fn global_options_after_the_command_are_accepted() {
        let c = parse("tidemux ls -S /tmp/x").expect("ls -S");
        assert_eq!(c.socket_path, Some(PathBuf::from("/tmp/x")));
        assert!(matches!(c.command, Some(Command::ListSessions(_))));
        let c = parse("tidemux send -t w -L work --enter hi").expect("send -L");
        assert_eq!(c.socket_name.as_deref(), Some("work"));
        let Some(Command::Send { text, enter, .. }) = c.command else {
            panic!("not send")
        };
        assert_eq!((text, enter), (vec!["hi".to_owned()], true));
        let c = parse("tidemux list-panes -a -S/tmp/y --json").expect("glued");
        assert_eq!(c.socket_path, Some(PathBuf::from("/tmp/y")));
        assert!(c.json);
        // Commands with their own -S keep it.
        let c = parse("tidemux read-screen -S -5 -t w").expect("read-screen -S");
        assert_eq!(c.socket_path, None);
        let c = parse("tidemux wait-for -S done").expect("wait-for -S");
        assert!(matches!(
            c.command,
            Some(Command::WaitFor { signal: true, .. })
        ));
        // After `--` it is text.
        let c = parse("tidemux send -t w -- -S x").expect("text");
        assert_eq!(c.socket_path, None);
    }

    #[test]
    fn a_global_option_without_a_value_says_where_it_goes() {
        let e = parse("tidemux ls -S").expect_err("no value");
        let text = e.render().to_string();
        assert!(text.contains("before the command"), "{text}");
        assert_eq!(e.exit_code(), 2);
    }
}
