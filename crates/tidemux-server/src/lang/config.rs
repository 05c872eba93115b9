//! Text in tmux's syntax: `source-file`, `if-shell`, `run-shell`, and the config files read
//! when a server starts through the tmux name (tmux 3.3a: `/etc/tmux.conf`, `~/.tmux.conf`,
//! `$XDG_CONFIG_HOME/tmux/tmux.conf`, `~/.config/tmux/tmux.conf`, each if it exists; or the
//! `-f` files).

use super::parse::{Arg, ParseEnv};
use super::table::{self, Args, FindKind};
use super::target::FindFlags;
use super::{Client, Output};
use crate::registry::Resolved;
use crate::state::ServerState;
use crate::sync::lock;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tidemux_proto::{PaneId, Request, Response};

/// Deepest nesting of `source-file` (a file sourcing itself stops here).
pub const MAX_DEPTH: u32 = 50;

/// The server side of the parser: `%if` formats, `$VAR` from the global environment and
/// `NAME=VALUE` into it.
struct ServerEnv<'a> {
    state: &'a ServerState,
    client: &'a Client,
}

impl ParseEnv for ServerEnv<'_> {
    fn condition(&mut self, format: &str) -> bool {
        super::exec::format_true(self.state, self.client, None, format)
    }
    fn getenv(&self, name: &str) -> Option<String> {
        lock(&self.state.environment)
            .value(None, name)
            .map(str::to_owned)
            .or_else(|| std::env::var(name).ok())
    }
    fn setenv(&mut self, assignment: &str, hidden: bool) {
        if let Some((k, v)) = assignment.split_once('=') {
            let _ = lock(&self.state.environment).set(None, k, Some(v.to_owned()), hidden);
        }
    }
}

/// The parser's view of the server for `client` (`%if`, `$VAR`, `NAME=VALUE`).
pub(crate) fn server_env<'a>(state: &'a ServerState, client: &'a Client) -> Box<dyn ParseEnv + 'a> {
    Box::new(ServerEnv { state, client })
}

/// Parses and runs text (`parse_only`: `source-file -n`, check the syntax only).
pub async fn run_text(
    state: &Arc<ServerState>,
    text: &str,
    file: Option<&str>,
    client: &Client,
    out: &mut Output,
    parse_only: bool,
) {
    let parsed = {
        let mut env = ServerEnv { state, client };
        super::parse::parse_text(text, file, &mut env)
    };
    let cmds = match parsed.and_then(|c| table::build(&c, file)) {
        Ok(c) => c,
        Err(e) => {
            out.error(&e);
            return;
        }
    };
    if !parse_only {
        super::exec::run_list(state, cmds, client, out).await;
    }
}

/// Runs a `{ }` block or a string of commands (the argument of `if-shell`, `run-shell -C`).
async fn run_arg(state: &Arc<ServerState>, arg: &Arg, client: &Client, out: &mut Output) {
    match arg {
        Arg::Block(cmds) => match table::build(cmds, None) {
            Ok(c) => Box::pin(super::exec::run_list(state, c, client, out)).await,
            Err(e) => out.error(&e),
        },
        Arg::Str(s) => Box::pin(run_text(state, s, None, client, out, false)).await,
    }
}

fn target_of(state: &ServerState, client: &Client, a: &Args) -> Result<Option<Resolved>, String> {
    match a.get('t') {
        None => Ok(super::exec::current(state, client)),
        Some(t) => {
            let w = super::exec::world(state, client.caller);
            let f = w.find(Some(t), FindKind::Pane, FindFlags::default())?;
            Ok(f.pane.map(|p| Resolved::Pane(PaneId(p))))
        }
    }
}

fn shell_of(state: &ServerState) -> String {
    lock(&state.options_store)
        .effective("default-shell", None, None, None)
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("SHELL").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "/bin/sh".into())
}

/// `if-shell [-bF] [-t TARGET] CONDITION COMMAND [ELSE]`.
pub async fn if_shell(
    state: &Arc<ServerState>,
    a: &Args,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    let target = target_of(state, client, a)?;
    let cond = a.value(0).unwrap_or_default();
    let expanded = super::exec::expand(state, target, &cond);
    let yes = if a.has('F') {
        crate::format::is_true(&expanded)
    } else {
        let shell = shell_of(state);
        let cwd = client.cwd.clone();
        let status = crate::commands::list::blocking(move || {
            let mut c = std::process::Command::new(shell);
            c.arg("-c").arg(&expanded);
            c.stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            if let Some(d) = cwd.filter(|d| Path::new(d).is_dir()) {
                c.current_dir(d);
            }
            c.status().map(|s| s.success()).unwrap_or(false)
        })
        .await
        .map_err(|e| e.message)?;
        status
    };
    let chosen = if yes {
        a.values.get(1)
    } else {
        a.values.get(2)
    };
    if let Some(arg) = chosen {
        let mut sub = Output::default();
        run_arg(state, arg, client, &mut sub).await;
        merge(out, sub)?;
    }
    Ok(())
}

fn merge(out: &mut Output, sub: Output) -> Result<(), String> {
    out.stdout.extend_from_slice(&sub.stdout);
    out.attach = sub.attach.or(out.attach.take());
    out.shutdown |= sub.shutdown;
    if sub.exit_code != 0 {
        // The inner error was printed; this command fails too, without a second message.
        let text = String::from_utf8_lossy(&sub.stderr).trim_end().to_owned();
        return Err(text);
    }
    Ok(())
}

/// `run-shell [-bC] [-d DELAY] [-t TARGET] COMMAND`.
pub async fn run_shell(
    state: &Arc<ServerState>,
    a: &Args,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    let Some(cmd) = a.values.first().cloned() else {
        return Ok(());
    };
    if a.has('C') {
        let mut sub = Output::default();
        run_arg(state, &cmd, client, &mut sub).await;
        return merge(out, sub);
    }
    let target = match target_of(state, client, a)? {
        Some(Resolved::Pane(p)) => Some(p.to_string()),
        _ => None,
    };
    let text = cmd.as_text();
    let (r, _) = Box::pin(crate::commands::dispatch(
        state,
        tidemux_proto::Envelope {
            caller_pane: client.caller,
            request: Request::RunShell {
                target,
                command: text.clone(),
                background: a.has('b'),
                delay_secs: a
                    .get('d')
                    .map(|d| {
                        d.parse::<f64>()
                            .map_err(|_| format!("invalid delay time: {d}"))
                    })
                    .transpose()?,
                cwd: client.cwd.clone(),
            },
        },
        std::future::pending::<()>(),
    ))
    .await;
    match r {
        Response::Ran(ran) => {
            out.stdout.extend_from_slice(&ran.output);
            if !ran.output.is_empty() && !ran.output.ends_with(b"\n") {
                out.stdout.push(b'\n');
            }
            if let Some(code) = ran.code.filter(|c| *c != 0) {
                out.line(&format!("'{text}' returned {code}"));
            } else if let Some(sig) = ran.signal {
                out.line(&format!("'{text}' terminated by signal {sig}"));
            }
            Ok(())
        }
        Response::Error(e) => Err(e.message),
        _ => Ok(()),
    }
}

/// Paths a `source-file` argument names: a glob pattern (`*`, `?`, `[`) in its last part is
/// matched against the directory, as tmux's glob(3); relative paths are from the client's
/// directory.
fn expand_paths(pattern: &str, cwd: Option<&str>) -> Vec<PathBuf> {
    let p = match pattern.strip_prefix("~/") {
        Some(rest) => format!("{}/{rest}", std::env::var("HOME").unwrap_or_default()),
        None => pattern.to_owned(),
    };
    let p = if p.starts_with('/') {
        PathBuf::from(p)
    } else {
        Path::new(cwd.unwrap_or(".")).join(p)
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?', '[']) {
        return vec![p];
    }
    let dir = p.parent().unwrap_or(Path::new("/"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| {
                    crate::format::fnmatch::fnmatch(&name, &e.file_name().to_string_lossy(), false)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `source-file [-Fnqv] [-t TARGET] PATH...`.
pub async fn source_file(
    state: &Arc<ServerState>,
    a: &Args,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    if client.depth >= MAX_DEPTH {
        return Err("too many nested files".into());
    }
    let mut errors = Vec::new();
    for v in a.strings() {
        let pattern = if a.has('F') {
            super::exec::expand(state, super::exec::current(state, client), &v)
        } else {
            v
        };
        let paths = expand_paths(&pattern, client.cwd.as_deref());
        if paths.is_empty() && !a.has('q') {
            errors.push(format!("{pattern}: No such file or directory"));
        }
        for p in paths {
            let text = match std::fs::read(&p) {
                Ok(t) => String::from_utf8_lossy(&t).into_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && a.has('q') => continue,
                Err(e) => {
                    errors.push(format!("{}: {}", p.display(), io_text(&e)));
                    continue;
                }
            };
            let mut sub = Output::default();
            let name = p.display().to_string();
            let inner = Client {
                depth: client.depth + 1,
                ..client.clone()
            };
            Box::pin(run_text(
                state,
                &text,
                Some(&name),
                &inner,
                &mut sub,
                a.has('n'),
            ))
            .await;
            out.stdout.extend_from_slice(&sub.stdout);
            out.shutdown |= sub.shutdown;
            if sub.exit_code != 0 {
                errors.push(String::from_utf8_lossy(&sub.stderr).trim_end().to_owned());
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// tmux 3.3a's default config files (`TMUX_CONF`), in order.
pub fn default_config_files() -> Vec<PathBuf> {
    let home = std::env::var("HOME").unwrap_or_default();
    let mut v = vec![
        PathBuf::from("/etc/tmux.conf"),
        PathBuf::from(format!("{home}/.tmux.conf")),
    ];
    if let Ok(x) = std::env::var("XDG_CONFIG_HOME") {
        if !x.is_empty() {
            v.push(PathBuf::from(format!("{x}/tmux/tmux.conf")));
        }
    }
    v.push(PathBuf::from(format!("{home}/.config/tmux/tmux.conf")));
    v
}

/// The files [`load_config`] read at start and whether missing ones are skipped quietly;
/// `None` until then (a server not started through the tmux name).
static STARTUP_FILES: std::sync::Mutex<Option<(Vec<PathBuf>, bool)>> = std::sync::Mutex::new(None);

/// The config files the attach client's `prefix r` (`refresh-client`) reads again: those the
/// server read at start (its `-f` files, else tmux's defaults), or tmux's default files for a
/// server not started through the tmux name (or after a live upgrade); and whether missing
/// ones are skipped quietly (`source-file -q`).
pub fn reload_files() -> (Vec<PathBuf>, bool) {
    STARTUP_FILES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
        .unwrap_or_else(|| (default_config_files(), true))
}

/// How a server started through the tmux name reads its config.
#[derive(Debug, Clone, Default)]
pub struct TmuxStart {
    /// `-f` files; empty means [`default_config_files`], missing ones skipped quietly.
    pub files: Vec<PathBuf>,
}

/// Reads the config files at server start; returns the error lines (tmux shows them to the
/// first client).
pub async fn load_config(state: &Arc<ServerState>, start: &TmuxStart) -> Vec<String> {
    state.tmux.enable();
    let (files, quiet) = if start.files.is_empty() {
        (default_config_files(), true)
    } else {
        (start.files.clone(), false)
    };
    *STARTUP_FILES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((files.clone(), quiet));
    let client = Client::default();
    let mut errors = Vec::new();
    for f in files {
        let text = match std::fs::read(&f) {
            Ok(t) => String::from_utf8_lossy(&t).into_owned(),
            Err(e) if quiet && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                errors.push(format!("{}: {}", f.display(), io_text(&e)));
                continue;
            }
        };
        let mut out = Output::default();
        run_text(
            state,
            &text,
            Some(&f.display().to_string()),
            &client,
            &mut out,
            false,
        )
        .await;
        if out.exit_code != 0 {
            errors.extend(
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .map(str::to_owned),
            );
        }
    }
    errors
}
