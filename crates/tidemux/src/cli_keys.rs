//! Command-line grammar of key bindings and hooks (`bind-key`, `unbind-key`, `list-keys`,
//! `set-hook`, `show-hooks`), tmux 3.3a's flags. Documented in `docs/cli.md`.

use crate::cli::TargetArg;
use clap::Subcommand;

/// Key binding and hook commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Bind KEY in a key table (default `prefix`) to tmux command text.
    #[command(
        visible_alias = "bind",
        after_help = "Examples:\n  tidemux bind-key X kill-session\n  tidemux bind-key -n M-Left select-pane -L\n  tidemux bind-key -T copy-mode-vi y send-keys -X copy-selection-and-cancel\n  tidemux bind-key -N 'Reload the config' r source-file ~/.config/tidemux/tidemux.conf"
    )]
    BindKey {
        /// The root table (keys without the prefix).
        #[arg(short = 'n')]
        root: bool,
        /// The key may repeat (within repeat-time) without pressing the prefix again.
        #[arg(short = 'r')]
        repeat: bool,
        /// Key table (prefix, root, copy-mode, copy-mode-vi, or a table of your own).
        #[arg(short = 'T', value_name = "TABLE")]
        table: Option<String>,
        /// A note shown by list-keys -N.
        #[arg(short = 'N', value_name = "NOTE")]
        note: Option<String>,
        /// The key: a character, C-x, M-x, S-x, F1..F12, Up, BSpace, Enter, Space, PPage...
        #[arg(value_name = "KEY", allow_hyphen_values = true)]
        key: String,
        /// The command and its arguments (one argument: tmux command text, `;` separates
        /// commands). None: set only the note of an existing binding.
        #[arg(
            value_name = "COMMAND",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        command: Vec<String>,
    },
    /// Remove a binding, or every binding of a table (-a).
    #[command(
        visible_alias = "unbind",
        after_help = "Examples:\n  tidemux unbind-key C-b\n  tidemux unbind-key -a -T root"
    )]
    UnbindKey {
        /// Every key of the table.
        #[arg(short = 'a')]
        all: bool,
        /// The root table.
        #[arg(short = 'n')]
        root: bool,
        /// No error message.
        #[arg(short = 'q')]
        quiet: bool,
        /// Key table.
        #[arg(short = 'T', value_name = "TABLE")]
        table: Option<String>,
        /// The key.
        #[arg(value_name = "KEY", allow_hyphen_values = true)]
        key: Option<String>,
    },
    /// List key bindings as bind-key commands (tmux's format), or their notes (-N).
    #[command(
        visible_alias = "lsk",
        after_help = "Examples:\n  tidemux list-keys -T prefix\n  tidemux list-keys -N\n  tidemux list-keys M-a"
    )]
    ListKeys {
        /// With -N, only the first key.
        #[arg(short = '1')]
        one: bool,
        /// With -N, keys without a note too (their command instead).
        #[arg(short = 'a')]
        all: bool,
        /// Notes: the prefix and root tables (or -T TABLE), one key per line.
        #[arg(short = 'N')]
        notes: bool,
        /// What starts each -N line (default: the prefix key and a space).
        #[arg(short = 'P', value_name = "PREFIX-STRING")]
        prefix_string: Option<String>,
        /// Only this table.
        #[arg(short = 'T', value_name = "TABLE")]
        table: Option<String>,
        /// Only this key.
        #[arg(value_name = "KEY", allow_hyphen_values = true)]
        key: Option<String>,
    },
    /// Set (or append, unset, run) a hook: tmux command text run when HOOK fires.
    #[command(
        after_help = "Examples:\n  tidemux set-hook -g after-new-window 'run-shell \"echo new >> /tmp/log\"'\n  tidemux set-hook -ga session-created 'display-message hello'\n  tidemux set-hook -gu after-new-window\n  tidemux set-hook -R -t work session-created"
    )]
    SetHook {
        #[command(flatten)]
        target: TargetArg,
        /// Append a command to the hook.
        #[arg(short = 'a')]
        append: bool,
        /// The global hooks.
        #[arg(short = 'g')]
        global: bool,
        /// A pane's hooks (pane-* hooks).
        #[arg(short = 'p')]
        pane: bool,
        /// Run the hook now.
        #[arg(short = 'R')]
        run: bool,
        /// Unset the hook (or one item, HOOK[N]).
        #[arg(short = 'u')]
        unset: bool,
        /// A window's hooks.
        #[arg(short = 'w')]
        window: bool,
        /// Hook name (after-new-window, session-created, pane-exited...), or HOOK[N].
        #[arg(value_name = "HOOK")]
        hook: String,
        /// tmux command text.
        #[arg(value_name = "COMMAND", allow_hyphen_values = true)]
        command: Option<String>,
    },
    /// Show hooks (tmux's format: `name[N] command`, a bare name when empty).
    #[command(
        after_help = "Examples:\n  tidemux show-hooks -g\n  tidemux show-hooks -gw\n  tidemux show-hooks -t work"
    )]
    ShowHooks {
        #[command(flatten)]
        target: TargetArg,
        /// The global hooks.
        #[arg(short = 'g')]
        global: bool,
        /// A pane's hooks.
        #[arg(short = 'p')]
        pane: bool,
        /// Window hooks.
        #[arg(short = 'w')]
        window: bool,
        /// One hook.
        #[arg(value_name = "HOOK")]
        hook: Option<String>,
    },
}
