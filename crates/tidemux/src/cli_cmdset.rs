//! Command-line grammar of tmux's command set added for issue 11 (formats, options, buffers),
//! kept apart from `cli.rs` so that the two evolve without conflicts. Documented in
//! `docs/cli.md`; the format language in `docs/formats.md`.

use crate::cli::TargetArg;
use clap::{Args, Subcommand};

/// `-F FORMAT` and `-f FILTER` of the list commands.
#[derive(Debug, Args, Clone, Default)]
pub struct ListFormatArgs {
    /// Print each object through FORMAT (docs/formats.md), e.g. '#{session_name}'.
    #[arg(short = 'F', value_name = "FORMAT")]
    pub format: Option<String>,
    /// Only objects for which FILTER expands to true (not empty, not 0).
    #[arg(short = 'f', value_name = "FILTER")]
    pub filter: Option<String>,
}

/// `-P [-F FORMAT]` of the commands that create panes.
#[derive(Debug, Args, Clone, Default)]
pub struct PrintArgs {
    /// Print information about the new pane (tmux's template, or -F).
    #[arg(short = 'P')]
    pub print: bool,
    /// Format for -P.
    #[arg(short = 'F', value_name = "FORMAT", requires = "print")]
    pub format: Option<String>,
}

/// Target and `-a` of `kill-pane`, `kill-window`, `kill-session`.
#[derive(Debug, Args, Clone, Default)]
pub struct KillArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// Kill every other pane of the window (window of the session, session of the server)
    /// instead.
    #[arg(short = 'a')]
    pub all_others: bool,
}

/// `wait-for -L` / `-U` (channel locks).
#[derive(Debug, Args, Clone, Default)]
pub struct WaitLockArgs {
    /// Lock the channel (waits while another holder has it).
    #[arg(short = 'L', conflicts_with_all = ["signal", "unlock"])]
    pub lock: bool,
    /// Unlock the channel (the next waiting -L gets it).
    #[arg(short = 'U', conflicts_with = "signal")]
    pub unlock: bool,
}

/// Commands of tmux's command set (issue 11). Arguments built on use (`defer`, see `Command`).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CmdSetCommand {
    /// Expand a format for a target and print it (-p) or show it on the status line.
    #[command(
        visible_alias = "display",
        after_help = "Examples:\n  tidemux display-message -p -t work '#{session_name}:#{window_index}.#{pane_index} #{pane_current_command}'\n  tidemux display -a -t %3"
    )]
    DisplayMessage {
        #[command(flatten)]
        target: TargetArg,
        /// Print to stdout instead of the status line of attached clients.
        #[arg(short = 'p')]
        print: bool,
        /// List every format variable with its value.
        #[arg(short = 'a')]
        all: bool,
        /// The format (instead of MESSAGE).
        #[arg(short = 'F', value_name = "FORMAT", conflicts_with = "message")]
        format: Option<String>,
        /// How long the status line shows the message, ms.
        #[arg(short = 'd', value_name = "MS")]
        delay: Option<u64>,
        /// Target client (accepted for tmux compatibility; every client of the session shows
        /// the message).
        #[arg(short = 'c', value_name = "CLIENT")]
        client: Option<String>,
        /// The message: a format (default: tmux's session/window/pane summary).
        #[arg(value_name = "MESSAGE", allow_hyphen_values = true)]
        message: Option<String>,
    },
    /// Set an option (tmux scopes: -s server, -g global, -w window, -p pane).
    #[command(
        visible_alias = "set",
        after_help = "Examples:\n  tidemux set-option -g history-limit 50000\n  tidemux set -t work @owner alice"
    )]
    SetOption(SetOptionArgs),
    /// Set a window option (set-option -w).
    #[command(
        visible_alias = "setw",
        after_help = "Example:\n  tidemux setw -t work:0 remain-on-exit on"
    )]
    SetWindowOption(SetOptionArgs),
    /// Show options (all of a scope, or one).
    #[command(
        visible_alias = "show",
        after_help = "Examples:\n  tidemux show-options -gv history-limit\n  tidemux show -A -t work"
    )]
    ShowOptions(ShowOptionsArgs),
    /// Show window options (show-options -w).
    #[command(visible_alias = "showw", after_help = "Example:\n  tidemux showw -g")]
    ShowWindowOptions(ShowOptionsArgs),
    /// Set a paste buffer to DATA (a new automatic buffer without -b), append with -a,
    /// rename with -n.
    #[command(
        visible_alias = "setb",
        after_help = "Examples:\n  tidemux set-buffer -b note 'hello'\n  tidemux set-buffer -b note -n renamed"
    )]
    SetBuffer {
        /// Append to the buffer.
        #[arg(short = 'a')]
        append: bool,
        /// Buffer name.
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
        /// Rename the buffer (-b, or the newest) to NEW.
        #[arg(short = 'n', value_name = "NEW")]
        rename: Option<String>,
        /// Target client (accepted for tmux compatibility).
        #[arg(short = 't', value_name = "CLIENT")]
        client: Option<String>,
        /// Contents (bytes as given).
        #[arg(value_name = "DATA", allow_hyphen_values = true)]
        data: Option<std::ffi::OsString>,
    },
    /// Load a paste buffer from a file, or stdin with `-`, byte for byte.
    #[command(
        visible_alias = "loadb",
        after_help = "Example:\n  printf 'a\\0b' | tidemux load-buffer -b bin -"
    )]
    LoadBuffer {
        /// Buffer name (default: a new automatic buffer).
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
        /// File, or `-` for stdin.
        #[arg(value_name = "PATH")]
        path: std::path::PathBuf,
    },
    /// Write a paste buffer to a file (or stdout with `-`), byte for byte.
    #[command(
        visible_alias = "saveb",
        after_help = "Example:\n  tidemux save-buffer -b bin out.bin"
    )]
    SaveBuffer {
        /// Append to the file.
        #[arg(short = 'a')]
        append: bool,
        /// Buffer name (default: the newest).
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
        /// File, or `-` for stdout.
        #[arg(value_name = "PATH")]
        path: std::path::PathBuf,
    },
    /// Print a paste buffer's exact bytes on stdout.
    #[command(
        visible_alias = "showb",
        after_help = "Example:\n  tidemux show-buffer -b note"
    )]
    ShowBuffer {
        /// Buffer name (default: the newest).
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
    },
    /// List paste buffers, newest first.
    #[command(
        visible_alias = "lsb",
        after_help = "Example:\n  tidemux list-buffers -F '#{buffer_name} #{buffer_size}'"
    )]
    ListBuffers(ListFormatArgs),
    /// Delete a paste buffer (default: the newest).
    #[command(
        visible_alias = "deleteb",
        after_help = "Example:\n  tidemux delete-buffer -b note"
    )]
    DeleteBuffer {
        /// Buffer name.
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
    },
    /// Type a paste buffer into a pane (line feeds become carriage returns unless -r/-s).
    #[command(
        visible_alias = "pasteb",
        after_help = "Example:\n  tidemux paste-buffer -b note -t work -p"
    )]
    PasteBuffer {
        #[command(flatten)]
        target: TargetArg,
        /// Buffer name (default: the newest).
        #[arg(short = 'b', value_name = "NAME")]
        name: Option<String>,
        /// Delete the buffer afterwards.
        #[arg(short = 'd')]
        delete: bool,
        /// Bracketed paste when the program asked for it.
        #[arg(short = 'p')]
        bracket: bool,
        /// Keep line feeds as they are.
        #[arg(short = 'r')]
        keep_lf: bool,
        /// Separator replacing each line feed (default: carriage return).
        #[arg(short = 's', value_name = "SEP", allow_hyphen_values = true)]
        separator: Option<String>,
    },
    /// Set (or -u unset, -r remove) a variable of a session's or the global (-g) environment.
    #[command(
        disable_help_flag = true,
        visible_alias = "setenv",
        after_help = "Examples:\n  tidemux set-environment -t work API_URL http://localhost:8080\n  tidemux setenv -g -r SSH_AUTH_SOCK"
    )]
    SetEnvironment {
        /// Print help (-h means "hidden" here, as in tmux; help is --help).
        #[arg(long, action = clap::ArgAction::Help)]
        help: Option<bool>,
        #[command(flatten)]
        target: TargetArg,
        /// The global environment.
        #[arg(short = 'g')]
        global: bool,
        /// Unset (a session's variable is then inherited from the global one again).
        #[arg(short = 'u')]
        unset: bool,
        /// Remove the variable from the environment of new processes.
        #[arg(short = 'r')]
        remove: bool,
        /// A hidden variable (not shown without -h, not given to processes).
        #[arg(short = 'h')]
        hidden: bool,
        /// Expand VALUE as a format first.
        #[arg(short = 'F')]
        format: bool,
        /// Variable name.
        #[arg(value_name = "NAME")]
        name: String,
        /// Value.
        #[arg(value_name = "VALUE", allow_hyphen_values = true)]
        value: Option<String>,
    },
    /// Run a shell command in the server (expanded as a format first); print its output and
    /// exit with its status.
    // No `run` alias (tmux has one): `tidemux run -- CMD` is issue 14's one-shot run in a pane.
    #[command(
        after_help = "Examples:\n  tidemux run-shell -t work 'git -C #{q:pane_current_path} status --short'\n  tidemux run-shell -b -d 5 'notify-send done'"
    )]
    RunShell {
        #[command(flatten)]
        target: TargetArg,
        /// In the background: do not wait (the output is dropped).
        #[arg(short = 'b')]
        background: bool,
        /// Wait DELAY seconds first.
        #[arg(short = 'd', value_name = "DELAY")]
        delay: Option<f64>,
        /// Working directory (default: the target pane's, else the server's).
        #[arg(short = 'c', value_name = "DIR")]
        cwd: Option<String>,
        /// Run COMMAND as a tidemux command (not supported yet: an error).
        #[arg(short = 'C')]
        as_command: bool,
        /// Shell command.
        #[arg(value_name = "COMMAND", allow_hyphen_values = true)]
        command: String,
    },
    /// Make the next window of a session current (wraps around).
    #[command(
        visible_alias = "next",
        after_help = "Example:\n  tidemux next-window -t work"
    )]
    NextWindow {
        #[command(flatten)]
        target: TargetArg,
    },
    /// Make the previous window of a session current (wraps around).
    #[command(
        visible_alias = "prev",
        after_help = "Example:\n  tidemux previous-window -t work"
    )]
    PreviousWindow {
        #[command(flatten)]
        target: TargetArg,
    },
    /// Show pane numbers on attached clients (accepted; tidemux's client shows them in the
    /// status line only).
    #[command(
        visible_alias = "displayp",
        after_help = "Example:\n  tidemux display-panes"
    )]
    DisplayPanes {
        #[command(flatten)]
        target: TargetArg,
        /// Display time, ms (accepted).
        #[arg(short = 'd', value_name = "MS")]
        delay: Option<u64>,
        /// Do not block other commands (accepted).
        #[arg(short = 'b')]
        no_block: bool,
        /// Do not select a pane by key (accepted).
        #[arg(short = 'N')]
        no_keys: bool,
        /// Command run for the chosen pane (accepted).
        #[arg(value_name = "TEMPLATE")]
        template: Option<String>,
    },
    /// Redraw attached clients (-S: the status line), pan a window larger than the client
    /// (-L/-R/-U/-D ADJUSTMENT, --follow-cursor), set client flags (-f) or sizes (-C).
    #[command(
        visible_alias = "refresh",
        after_help = "Examples:\n  tidemux refresh-client -S\n  tidemux refresh-client -c /dev/pts/3 -R 10   # show 10 columns further right\n  tidemux refresh-client -c /dev/pts/3 --follow-cursor\n  tidemux refresh-client -c /dev/pts/3 -f ignore-size"
    )]
    RefreshClient {
        #[command(flatten)]
        target: TargetArg,
        /// Only the status line.
        #[arg(short = 'S')]
        status: bool,
        /// The attached client (its terminal path, e.g. /dev/pts/3, or its number).
        #[arg(short = 'c', value_name = "CLIENT")]
        client: Option<String>,
        /// Set the client's size to WIDTHxHEIGHT (a control client's size for one window:
        /// @WINDOW:WIDTHxHEIGHT, cleared by @WINDOW:).
        #[arg(short = 'C', value_name = "WxH")]
        size: Option<String>,
        /// Move the visible part of a window larger than the client left by ADJUSTMENT.
        #[arg(short = 'L', group = "pan")]
        left: bool,
        /// ... right.
        #[arg(short = 'R', group = "pan")]
        right: bool,
        /// ... up.
        #[arg(short = 'U', group = "pan")]
        up: bool,
        /// ... down.
        #[arg(short = 'D', group = "pan")]
        down: bool,
        /// Follow the active pane's cursor again (tmux's refresh-client -c).
        #[arg(long, group = "pan")]
        follow_cursor: bool,
        /// Client flags, comma-separated: read-only, ignore-size (! turns one off).
        #[arg(short = 'f', visible_short_alias = 'F', value_name = "FLAGS")]
        flags: Option<String>,
        /// Cells to pan by (default 1).
        #[arg(value_name = "ADJUSTMENT", requires = "pan")]
        adjustment: Option<String>,
    },
    /// Show a session's (or the global, -g) environment: NAME=VALUE, -NAME for removed ones.
    #[command(
        disable_help_flag = true,
        visible_alias = "showenv",
        after_help = "Examples:\n  tidemux show-environment -t work\n  eval \"$(tidemux show-environment -s -t work)\""
    )]
    ShowEnvironment {
        /// Print help (-h means "hidden" here, as in tmux; help is --help).
        #[arg(long, action = clap::ArgAction::Help)]
        help: Option<bool>,
        #[command(flatten)]
        target: TargetArg,
        /// The global environment.
        #[arg(short = 'g')]
        global: bool,
        /// Hidden variables only.
        #[arg(short = 'h')]
        hidden: bool,
        /// As shell commands (`NAME="value"; export NAME;`, `unset NAME;`).
        #[arg(short = 's')]
        shell: bool,
        /// One variable.
        #[arg(value_name = "NAME")]
        name: Option<String>,
    },
}

/// `set-option` flags (tmux's letters).
#[derive(Debug, Args, Clone, Default)]
pub struct SetOptionArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// The global value (sessions or windows).
    #[arg(short = 'g')]
    pub global: bool,
    /// A server option.
    #[arg(short = 's')]
    pub server: bool,
    /// A window option.
    #[arg(short = 'w')]
    pub window: bool,
    /// A pane option.
    #[arg(short = 'p')]
    pub pane: bool,
    /// Unset: back to the default (global) or inherit (local).
    #[arg(short = 'u')]
    pub unset: bool,
    /// Unset, also in every pane of the window.
    #[arg(short = 'U')]
    pub unset_panes: bool,
    /// Append to a string or array item.
    #[arg(short = 'a')]
    pub append: bool,
    /// Fail if the option is already set.
    #[arg(short = 'o')]
    pub only_if_unset: bool,
    /// No error for unknown or ambiguous options.
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Expand VALUE as a format first.
    #[arg(short = 'F')]
    pub format: bool,
    /// Option name (`name[N]` for an array item, `@name` for a user option).
    #[arg(value_name = "OPTION")]
    pub option: String,
    /// Value (none toggles a flag).
    #[arg(value_name = "VALUE", allow_hyphen_values = true)]
    pub value: Option<String>,
}

/// `show-options` flags (tmux's letters).
#[derive(Debug, Args, Clone, Default)]
pub struct ShowOptionsArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// Global values.
    #[arg(short = 'g')]
    pub global: bool,
    /// Server options.
    #[arg(short = 's')]
    pub server: bool,
    /// Window options.
    #[arg(short = 'w')]
    pub window: bool,
    /// Pane options.
    #[arg(short = 'p')]
    pub pane: bool,
    /// Values only.
    #[arg(short = 'v')]
    pub values_only: bool,
    /// No error for unknown options.
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Also inherited values, marked with `*`.
    #[arg(short = 'A')]
    pub inherited: bool,
    /// Include hooks (tidemux has none yet).
    #[arg(short = 'H')]
    pub hooks: bool,
    /// One option.
    #[arg(value_name = "OPTION")]
    pub option: Option<String>,
}
