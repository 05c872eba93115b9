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

/// Commands of tmux's command set (issue 11).
#[derive(Debug, Subcommand)]
pub enum CmdSetCommand {
    /// Expand a format for a target and print it (-p) or show it on the status line.
    #[command(visible_alias = "display")]
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
}
