//! Command-line grammar of the pane commands of issue 11 (respawn, pipe, capture, history),
//! kept apart from `cli.rs` and `cli_cmdset.rs` so that they evolve without conflicts.
//! Documented in `docs/cli.md`.

use crate::cli::TargetArg;
use clap::{Args, Subcommand};

/// `-k`, `-c`, `-e` and the command of `respawn-pane` / `respawn-window`.
#[derive(Debug, Args, Clone, Default)]
pub struct RespawnArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// Kill the running process first (without -k a running pane is refused).
    #[arg(short = 'k')]
    pub kill: bool,
    /// Start directory (default: the pane's own).
    #[arg(short = 'c', value_name = "DIR")]
    pub cwd: Option<String>,
    /// Set an environment variable in the new process (repeatable).
    #[arg(short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Command and arguments (default: the pane's own command); `--` before a command that
    /// starts with '-'.
    #[arg(value_name = "CMD", trailing_var_arg = true)]
    pub command: Vec<String>,
}

/// Pane commands of tmux's command set (issue 11).
#[derive(Debug, Subcommand)]
pub enum PaneCmdsCommand {
    /// Start a pane's process again (its own command and directory unless given).
    #[command(
        visible_alias = "respawnp",
        after_help = "Examples:\n  tidemux respawn-pane -t work:0.1            # a dead pane (remain-on-exit) runs again\n  tidemux respawn-pane -k -t build -- make -j4  # kill what runs, start make"
    )]
    RespawnPane(RespawnArgs),
    /// Close every pane of a window but the first and start its process again.
    #[command(
        visible_alias = "respawnw",
        after_help = "Example:\n  tidemux respawn-window -k -t work:logs -- tail -f build.log"
    )]
    RespawnWindow(RespawnArgs),
    /// Pipe a pane's output to a shell command (-O, the default), or the command's output
    /// into the pane (-I); no command closes the pipe.
    #[command(
        visible_alias = "pipep",
        disable_help_flag = true,
        after_help = "Examples:\n  tidemux pipe-pane -t work 'cat >> ~/work.log'     # every byte from now on\n  tidemux pipe-pane -o -t work 'cat >> ~/work.log'  # toggle\n  tidemux pipe-pane -t work                          # stop"
    )]
    PipePane {
        /// Print help.
        #[arg(long, action = clap::ArgAction::Help)]
        help: Option<bool>,
        #[command(flatten)]
        target: TargetArg,
        /// Only open the pipe if none is open (toggle).
        #[arg(short = 'o')]
        toggle: bool,
        /// Type the command's standard output into the pane.
        #[arg(short = 'I')]
        input: bool,
        /// Send the pane's output to the command's standard input (the default).
        #[arg(short = 'O')]
        output: bool,
        /// Shell command (expanded as a format); none: close the pipe.
        #[arg(value_name = "CMD")]
        command: Option<String>,
    },
    /// Capture a pane's lines as tmux does (-p: print them, else into a paste buffer).
    #[command(
        visible_alias = "capturep",
        after_help = "Examples:\n  tidemux capture-pane -p -t work                 # the screen\n  tidemux capture-pane -p -e -J -S - -t work      # all history, colours, wrapped lines joined\n  tidemux capture-pane -b shot -t work && tidemux show-buffer -b shot"
    )]
    CapturePane {
        #[command(flatten)]
        target: TargetArg,
        /// The normal screen hidden while the alternate screen shows.
        #[arg(short = 'a')]
        alternate: bool,
        /// Paste buffer to store into (default: a new automatic buffer); ignored with -p.
        #[arg(short = 'b', value_name = "NAME")]
        buffer: Option<String>,
        /// Escape non-printable characters as octal \\NNN (and \\ as \\\\).
        #[arg(short = 'C')]
        octal: bool,
        /// Include SGR escape sequences for colours and attributes.
        #[arg(short = 'e')]
        escapes: bool,
        /// Last line: 0 is the top of the screen, negative history, '-' the bottom.
        #[arg(short = 'E', value_name = "END", allow_hyphen_values = true)]
        end: Option<String>,
        /// Join wrapped lines and keep trailing spaces.
        #[arg(short = 'J')]
        join: bool,
        /// Keep trailing spaces.
        #[arg(short = 'N')]
        trailing: bool,
        /// Print to standard output.
        #[arg(short = 'p')]
        print: bool,
        /// Only an incomplete escape sequence the pane received (always empty in tidemux).
        #[arg(short = 'P')]
        pending: bool,
        /// No error for -a without an alternate screen.
        #[arg(short = 'q')]
        quiet: bool,
        /// First line: 0 is the top of the screen, negative history, '-' the oldest line.
        #[arg(short = 'S', value_name = "START", allow_hyphen_values = true)]
        start: Option<String>,
    },
    /// List attached clients (tmux's line, or -F FORMAT with client_* variables).
    #[command(
        visible_alias = "lsc",
        after_help = "Examples:\n  tidemux list-clients\n  tidemux list-clients -t work -F '#{client_name} #{client_width}x#{client_height}'"
    )]
    ListClients {
        #[command(flatten)]
        target: TargetArg,
        #[command(flatten)]
        fmt: crate::cli_cmdset::ListFormatArgs,
    },
    /// Make an attached client show another session (-t, -n, -p, -l), or toggle read-only (-r).
    #[command(
        visible_alias = "switchc",
        after_help = "Examples:\n  tidemux switch-client -t build           # inside an attached pane\n  tidemux switch-client -c /dev/pts/3 -n"
    )]
    SwitchClient {
        #[command(flatten)]
        target: TargetArg,
        /// The attached client (its terminal path, e.g. /dev/pts/3, or its number; default: the
        /// current one).
        #[arg(short = 'c', value_name = "CLIENT")]
        client: Option<String>,
        /// The next session (by name).
        #[arg(short = 'n', conflicts_with_all = ["previous", "last"])]
        next: bool,
        /// The previous session (by name).
        #[arg(short = 'p', conflicts_with = "last")]
        previous: bool,
        /// The client's previous session.
        #[arg(short = 'l')]
        last: bool,
        /// Toggle the client's read-only flag.
        #[arg(short = 'r')]
        read_only: bool,
        /// Do not update the environment (accepted).
        #[arg(short = 'E')]
        no_env: bool,
        /// Keep the window zoomed (accepted).
        #[arg(short = 'Z')]
        zoom: bool,
    },
    /// Drop a pane's history.
    #[command(
        visible_alias = "clearhist",
        after_help = "Example:\n  tidemux clear-history -t work"
    )]
    ClearHistory(TargetArg),
}
