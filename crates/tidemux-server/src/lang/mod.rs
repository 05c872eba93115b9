//! tmux 3.3a's command language (issue 12): commands as tmux parses them, run on tidemux's
//! native command implementations.
//!
//! - [`parse`]: the syntax (port of tmux's `cmd-parse.y`).
//! - [`table`] and [`entries`]: every tmux command, alias, unique prefix and getopt string.
//! - [`target`]: the target grammar (port of tmux's `cmd-find.c`).
//! - [`exec`]: each command mapped to the native commands, with tmux's texts.
//! - [`config`]: `source-file`, `if-shell` and the config file read at server start.
//! - [`control`]: control mode (`tmux -C`).
//!
//! Entry points: [`run_argv`] (a `tmux ARGS...` command line, `Request::Tmux`) and
//! [`run_command_text`] (text in tmux's syntax: key bindings, hooks, config lines).

pub mod config;
pub mod control;
pub mod entries;
pub mod exec;
pub mod parse;
pub mod table;
pub mod target;

use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::PaneId;

/// Who runs commands: the context tmux keeps per client.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The pane the command comes from (`$TMUX_PANE`), the default target.
    pub caller: Option<PaneId>,
    /// The client's working directory (default for new panes, relative paths).
    pub cwd: Option<String>,
    /// Set for a control-mode client: its id in the attached-clients table.
    pub control: Option<u32>,
    /// The session of a control-mode client.
    pub session: Option<tidemux_proto::SessionId>,
    /// Nesting of `source-file` (at most [`config::MAX_DEPTH`]).
    pub depth: u32,
    /// The size of the terminal the command line was typed in (cols, rows), when known:
    /// `new-session` without `-d` takes it for its window (tmux's `c->tty`).
    pub size: Option<(u16, u16)>,
}

/// What running commands produced: tmux's stdout, stderr and exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Printed output (`list-*`, `display -p`, `show-options`...).
    pub stdout: Vec<u8>,
    /// Error lines.
    pub stderr: Vec<u8>,
    /// 0, or 1 after an error.
    pub exit_code: i32,
    /// The session the client should attach to (`attach-session`, `new-session` without `-d`).
    pub attach: Option<String>,
    /// The flags `attach-session -r -f FLAGS` gives the attaching client, as tmux's `-f` list
    /// (`read-only,ignore-size` for `-r`); see `commands::attach::ClientFlags::apply`.
    pub attach_flags: Option<String>,
    /// `kill-server` ran.
    pub shutdown: bool,
}

impl Output {
    /// Adds an error line (tmux prints each on stderr) and sets the exit status to 1.
    pub fn error(&mut self, msg: &str) {
        self.stderr.extend_from_slice(msg.as_bytes());
        self.stderr.push(b'\n');
        self.exit_code = 1;
    }

    /// Adds a line of output.
    pub fn line(&mut self, s: &str) {
        self.stdout.extend_from_slice(s.as_bytes());
        self.stdout.push(b'\n');
    }
}

/// Runs a tmux command line already split by a shell (`tmux new -d \; neww`): commands end
/// at an argument ending in `;`.
pub async fn run_argv(state: &Arc<ServerState>, argv: &[String], client: &Client) -> Output {
    let mut out = Output::default();
    let cmds = parse::split_arguments(argv);
    match table::build(&cmds, None) {
        Ok(cmds) => exec::run_list(state, cmds, client, &mut out).await,
        Err(e) => out.error(&e),
    }
    out
}

/// Runs text in tmux's syntax (several lines, `;`, `{ }`, `%if`...), as a bound key, a hook
/// or a config line does. `file` names it in error messages (`FILE:LINE: ...`). A failing
/// command skips the rest of its line; later lines still run.
pub async fn run_command_text(
    state: &Arc<ServerState>,
    text: &str,
    file: Option<&str>,
    client: &Client,
) -> Output {
    let mut out = Output::default();
    config::run_text(state, text, file, client, &mut out, false).await;
    out
}

/// tmux-name settings of this server (issue 12): set when it was started as `tmux`.
#[derive(Debug, Default)]
pub struct TmuxMode {
    on: std::sync::atomic::AtomicBool,
    /// tmux's command number of control-mode `%begin` lines, server-wide.
    pub command_number: std::sync::atomic::AtomicU64,
    /// Control clients' ids.
    pub next_client: std::sync::atomic::AtomicU32,
}

impl TmuxMode {
    /// Marks the server as started through the tmux name: panes get `$TMUX` and `$TMUX_PANE`.
    pub fn enable(&self) {
        self.on.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    /// Whether the server was started through the tmux name.
    pub fn is_on(&self) -> bool {
        self.on.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// `$TMUX` for a pane of `session`: `SOCKET,PID,SESSION-NUMBER` (tmux's format).
pub fn tmux_env(state: &ServerState, session: tidemux_proto::SessionId) -> String {
    format!("{},{},{}", state.socket.display(), state.pid, session.0)
}
