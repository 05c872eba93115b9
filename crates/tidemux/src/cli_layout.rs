//! Command-line grammar of tmux's layout and move commands (issue 11): select-layout,
//! next-layout, previous-layout, resize-pane, swap-pane, rotate-window, break-pane, join-pane,
//! move-pane, move-window, swap-window, link-window, unlink-window, last-window, last-pane,
//! and the flags of select-pane. Kept apart from `cli.rs`; documented in `docs/cli.md`
//! ("Layouts").

use crate::cli::TargetArg;
use clap::{Args, Subcommand};

/// `select-pane` flags (tmux `select-pane [-DLlMmRUZ] [-T title] [-t target]`).
#[derive(Debug, Args, Clone, Default)]
pub struct SelectPaneArgs {
    #[command(flatten)]
    pub target: TargetArg,
    /// Select the pane above the target (wrapping to the bottom).
    #[arg(short = 'U', group = "dir")]
    pub up: bool,
    /// Select the pane below the target (wrapping to the top).
    #[arg(short = 'D', group = "dir")]
    pub down: bool,
    /// Select the pane left of the target (wrapping to the right edge).
    #[arg(short = 'L', group = "dir")]
    pub left: bool,
    /// Select the pane right of the target (wrapping to the left edge).
    #[arg(short = 'R', group = "dir")]
    pub right: bool,
    /// Select the window's last (previously active) pane.
    #[arg(short = 'l', group = "dir")]
    pub last: bool,
    /// Set the pane's title (a format) instead of selecting it.
    #[arg(short = 'T', value_name = "TITLE")]
    pub title: Option<String>,
    /// Mark the pane (unmark it if it is already the marked pane).
    #[arg(short = 'm')]
    pub mark: bool,
    /// Clear the marked pane.
    #[arg(short = 'M', conflicts_with = "mark")]
    pub unmark: bool,
    /// Keep the window zoomed.
    #[arg(short = 'Z')]
    pub keep_zoom: bool,
}

/// `-s SRC` of the commands that move something.
#[derive(Debug, Args, Clone, Default)]
pub struct SourceArg {
    /// Source: a pane or window target (default: the marked pane where tmux uses it, else the
    /// current one).
    #[arg(short = 's', value_name = "SOURCE")]
    pub source: Option<String>,
}

/// `join-pane` / `move-pane` arguments.
#[derive(Debug, Args, Clone, Default)]
pub struct JoinArgs {
    /// Print help (-h means "side by side" here, as in tmux).
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    #[command(flatten)]
    pub source: SourceArg,
    #[command(flatten)]
    pub target: TargetArg,
    /// Side by side (the moved pane right of the target).
    #[arg(short = 'h', conflicts_with = "vertical")]
    pub horizontal: bool,
    /// One above the other (the default).
    #[arg(short = 'v')]
    pub vertical: bool,
    /// Size of the moved pane: CELLS or N% of the target.
    #[arg(short = 'l', value_name = "SIZE")]
    pub size: Option<String>,
    /// Put the moved pane left of / above the target.
    #[arg(short = 'b')]
    pub before: bool,
    /// Span the full window height (-h) or width.
    #[arg(short = 'f')]
    pub full: bool,
    /// Do not make the moved pane active.
    #[arg(short = 'd')]
    pub detached: bool,
}

/// `move-window` / `link-window` arguments.
#[derive(Debug, Args, Clone, Default)]
pub struct MoveWindowArgs {
    #[command(flatten)]
    pub source: SourceArg,
    /// Destination: SESSION (next free index), SESSION:INDEX, or a window (with -a/-b).
    #[arg(short = 't', value_name = "TARGET")]
    pub target: Option<String>,
    /// Put the window at the next index after the target window.
    #[arg(short = 'a')]
    pub after: bool,
    /// Put the window at the target window's index, moving it and those after up.
    #[arg(short = 'b')]
    pub before: bool,
    /// Do not make the window current in the destination session.
    #[arg(short = 'd')]
    pub detached: bool,
    /// Kill the window already at the destination index.
    #[arg(short = 'k')]
    pub kill: bool,
}

/// Layout and move commands (issue 11).
#[derive(Debug, Subcommand)]
pub enum LayoutCommand {
    /// Arrange a window's panes: a preset (even-horizontal, even-vertical, main-horizontal,
    /// main-vertical, tiled) or a layout string as #{window_layout} prints it.
    #[command(
        visible_alias = "selectl",
        after_help = "Examples:\n  tidemux select-layout -t work tiled\n  tidemux select-layout -t work 'bb62,159x48,0,0{79x48,0,0,0,79x48,80,0,1}'\n  tidemux select-layout -o -t work      # back to the layout before"
    )]
    SelectLayout {
        #[command(flatten)]
        target: TargetArg,
        /// Spread the target pane and its siblings out evenly.
        #[arg(short = 'E', conflicts_with_all = ["next", "previous", "old", "layout"])]
        spread: bool,
        /// The next preset (as next-layout).
        #[arg(short = 'n', conflicts_with_all = ["previous", "old", "layout"])]
        next: bool,
        /// The previous preset (as previous-layout).
        #[arg(short = 'p', conflicts_with_all = ["old", "layout"])]
        previous: bool,
        /// Back to the layout before the last select-layout.
        #[arg(short = 'o')]
        old: bool,
        /// Preset name (or an unambiguous prefix) or layout string; none: the last preset.
        #[arg(value_name = "LAYOUT")]
        layout: Option<String>,
    },
    /// Apply the next preset layout to a window.
    #[command(
        visible_alias = "nextl",
        after_help = "Example:\n  tidemux next-layout -t work"
    )]
    NextLayout(TargetArg),
    /// Apply the previous preset layout to a window.
    #[command(
        visible_alias = "prevl",
        after_help = "Example:\n  tidemux previous-layout -t work"
    )]
    PreviousLayout(TargetArg),
    /// Resize a pane: move its border by ADJUSTMENT cells (-U/-D/-L/-R), set its width (-x)
    /// or height (-y), or toggle zoom (-Z).
    #[command(
        visible_alias = "resizep",
        after_help = "Examples:\n  tidemux resize-pane -t %1 -R 5\n  tidemux resize-pane -t %1 -x 30% -y 10\n  tidemux resize-pane -Z -t %1"
    )]
    ResizePane {
        #[command(flatten)]
        target: TargetArg,
        /// Move the border up.
        #[arg(short = 'U', group = "dir")]
        up: bool,
        /// Move the border down.
        #[arg(short = 'D', group = "dir")]
        down: bool,
        /// Move the border left.
        #[arg(short = 'L', group = "dir")]
        left: bool,
        /// Move the border right.
        #[arg(short = 'R', group = "dir")]
        right: bool,
        /// Width: CELLS or N% of the window.
        #[arg(short = 'x', value_name = "WIDTH")]
        width: Option<String>,
        /// Height: CELLS or N% of the window.
        #[arg(short = 'y', value_name = "HEIGHT")]
        height: Option<String>,
        /// Toggle the window's zoom on the pane.
        #[arg(short = 'Z')]
        zoom: bool,
        /// Cells to move the border by (default 1).
        #[arg(value_name = "ADJUSTMENT")]
        adjustment: Option<u32>,
    },
    /// Swap two panes (-s and -t), or the target with the previous (-U) or next (-D) pane.
    #[command(
        visible_alias = "swapp",
        after_help = "Examples:\n  tidemux swap-pane -s %1 -t %2\n  tidemux swap-pane -D -t work"
    )]
    SwapPane {
        #[command(flatten)]
        source: SourceArg,
        #[command(flatten)]
        target: TargetArg,
        /// Swap with the previous pane.
        #[arg(short = 'U', conflicts_with = "down")]
        up: bool,
        /// Swap with the next pane.
        #[arg(short = 'D')]
        down: bool,
        /// Do not change the active pane.
        #[arg(short = 'd')]
        detached: bool,
        /// Keep the window zoomed.
        #[arg(short = 'Z')]
        keep_zoom: bool,
    },
    /// Move every pane of a window one place up (-U, the default) or down (-D).
    #[command(
        visible_alias = "rotatew",
        after_help = "Example:\n  tidemux rotate-window -t work -D"
    )]
    RotateWindow {
        #[command(flatten)]
        target: TargetArg,
        /// Rotate upwards (the default).
        #[arg(short = 'U', conflicts_with = "down")]
        up: bool,
        /// Rotate downwards.
        #[arg(short = 'D')]
        down: bool,
        /// Keep the window zoomed.
        #[arg(short = 'Z')]
        keep_zoom: bool,
    },
    /// Move a pane into a new window of its own.
    #[command(
        visible_alias = "breakp",
        after_help = "Examples:\n  tidemux break-pane -s %2 -n logs\n  tidemux break-pane -d -P -s %2 -t work:5"
    )]
    BreakPane {
        #[command(flatten)]
        source: SourceArg,
        /// Destination: SESSION (next free index) or SESSION:INDEX.
        #[arg(short = 't', value_name = "TARGET")]
        target: Option<String>,
        /// Name of the new window.
        #[arg(short = 'n', value_name = "NAME")]
        name: Option<String>,
        /// Do not make the new window current.
        #[arg(short = 'd')]
        detached: bool,
        /// Put the window at the next index after the target window.
        #[arg(short = 'a')]
        after: bool,
        /// Put the window at the target window's index, moving others up.
        #[arg(short = 'b')]
        before: bool,
        #[command(flatten)]
        print: crate::cli_cmdset::PrintArgs,
    },
    /// Move a pane (-s, default the marked pane) next to another (-t), splitting it.
    #[command(
        visible_alias = "joinp",
        disable_help_flag = true,
        after_help = "Example:\n  tidemux join-pane -h -s work:1.0 -t work:0.0"
    )]
    JoinPane(JoinArgs),
    /// Same as join-pane.
    #[command(
        visible_alias = "movep",
        disable_help_flag = true,
        after_help = "Example:\n  tidemux move-pane -v -l 30% -s %3 -t %1"
    )]
    MovePane(JoinArgs),
    /// Move a window to another index or session (-r: renumber a session's windows).
    #[command(
        visible_alias = "movew",
        after_help = "Examples:\n  tidemux move-window -s work:3 -t work:1\n  tidemux move-window -s work:2 -t other\n  tidemux move-window -r -t work"
    )]
    MoveWindow {
        #[command(flatten)]
        args: MoveWindowArgs,
        /// Renumber the windows of the target session from base-index instead.
        #[arg(short = 'r')]
        renumber: bool,
    },
    /// Swap two windows (their indexes, possibly across sessions).
    #[command(
        visible_alias = "swapw",
        after_help = "Example:\n  tidemux swap-window -s work:1 -t work:3"
    )]
    SwapWindow {
        #[command(flatten)]
        source: SourceArg,
        #[command(flatten)]
        target: TargetArg,
        /// Make the moved source window current where it lands.
        #[arg(short = 'd')]
        detached: bool,
    },
    /// Refused: a tidemux window belongs to exactly one session (use move-window).
    #[command(
        visible_alias = "linkw",
        after_help = "Example (fails, see docs/cli.md):\n  tidemux link-window -s work:1 -t other"
    )]
    LinkWindow(MoveWindowArgs),
    /// With -k, close a window; without, fail as tmux does for a window linked to one session.
    #[command(
        visible_alias = "unlinkw",
        after_help = "Example:\n  tidemux unlink-window -k -t work:2"
    )]
    UnlinkWindow {
        #[command(flatten)]
        target: TargetArg,
        /// Close the window.
        #[arg(short = 'k')]
        kill: bool,
    },
    /// Make the session's previously current window current.
    #[command(
        visible_alias = "last",
        after_help = "Example:\n  tidemux last-window -t work"
    )]
    LastWindow(TargetArg),
    /// Make the window's previously active pane active.
    #[command(
        visible_alias = "lastp",
        after_help = "Example:\n  tidemux last-pane -t work"
    )]
    LastPane {
        #[command(flatten)]
        target: TargetArg,
        /// Keep the window zoomed.
        #[arg(short = 'Z')]
        keep_zoom: bool,
    },
}
