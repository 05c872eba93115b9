//! Running parsed tmux commands on tidemux's native commands: targets resolved with tmux's
//! grammar ([`super::target`]) to ids, then the native request, then the reply printed as tmux
//! prints it. Error texts are tmux 3.3a's.

use super::table::{Args, Cmd, FindKind};
use super::target::{FindFlags, Found, SessionV, WindowV, World};
use super::{Client, Output};
use crate::commands::After;
use crate::format::model::ModelContext;
use crate::format::{is_true, Expander};
use crate::registry::Resolved;
use crate::state::ServerState;
use crate::sync::lock;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tidemux_proto::{
    Envelope, InputSource, KillScope, ListScope, OptionFlags, PaneId, Request, Response, SessionId,
    Spawn, SplitDirection, SplitSize, WindowId,
};

/// tmux's default `list-sessions` format.
pub const LIST_SESSIONS: &str = "#{session_name}: #{session_windows} windows (created #{t:session_created})#{?session_grouped, (group ,}#{session_group}#{?session_grouped,),}#{?session_attached, (attached),}";
/// tmux's default `list-windows` format.
pub const LIST_WINDOWS: &str = "#{window_index}: #{window_name}#{window_raw_flags} (#{window_panes} panes) [#{window_width}x#{window_height}] [layout #{window_layout}] #{window_id}#{?window_active, (active),}";
/// tmux's default `list-windows -a` format.
pub const LIST_WINDOWS_ALL: &str = "#{session_name}:#{window_index}: #{window_name}#{window_raw_flags} (#{window_panes} panes) [#{window_width}x#{window_height}] ";
const PANE_TAIL: &str = "[#{pane_width}x#{pane_height}] [history #{history_size}/#{history_limit}, #{history_bytes} bytes] #{pane_id}#{?pane_active, (active),}#{?pane_dead, (dead),}";
/// tmux's default `list-clients` format.
pub const LIST_CLIENTS: &str = "#{client_name}: #{session_name} [#{client_width}x#{client_height} #{client_termname}] #{?#{!=:#{client_uid},#{uid}},[user #{?client_user,#{client_user},#{client_uid},}] ,}#{?client_flags,(,}#{client_flags}#{?client_flags,),}";
/// tmux's default `list-buffers` format.
pub const LIST_BUFFERS: &str = "#{buffer_name}: #{buffer_size} bytes: \"#{buffer_sample}\"";
/// tmux's default `display-message` text.
pub const DISPLAY_MESSAGE: &str =
    "[#{session_name}] #{window_index}:#{window_name}, current pane #{pane_index} - (%H:%M %d-%b-%y)";
/// tmux's `-P` format of new-window, split-window and break-pane.
pub const NEW_WINDOW: &str = "#{session_name}:#{window_index}.#{pane_index}";
/// tmux's `-P` format of new-session.
pub const NEW_SESSION: &str = "#{session_name}:";

type BoxFut<'a> = Pin<Box<dyn Future<Output = (Response, After)> + Send + 'a>>;

/// One native request through the dispatcher (boxed: the dispatcher also runs tmux
/// commands).
fn dispatch<'a>(
    state: &'a Arc<ServerState>,
    caller: Option<PaneId>,
    request: Request,
) -> BoxFut<'a> {
    Box::pin(crate::commands::dispatch(
        state,
        Envelope {
            caller_pane: caller,
            request,
        },
        std::future::pending::<()>(),
    ))
}

/// Runs commands in order. A failing command prints its error and skips the rest of the
/// commands from the same line (tmux's command groups); with `argv` commands that is all.
pub async fn run_list(state: &Arc<ServerState>, cmds: Vec<Cmd>, client: &Client, out: &mut Output) {
    let mut failed_line: Option<u32> = None;
    for c in cmds {
        if failed_line == Some(c.line) {
            continue;
        }
        let r = Box::pin(run_one(state, &c, client, out)).await;
        if let Err(e) = r {
            out.error(&e);
            failed_line = Some(c.line);
        }
        if out.shutdown {
            return;
        }
    }
}

/// A snapshot of the model for the target grammar.
pub fn world(state: &ServerState, caller: Option<PaneId>) -> World {
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let mut sessions: Vec<SessionV> = reg
        .sessions
        .values()
        .map(|s| SessionV {
            id: s.id.0,
            name: s.name.clone(),
            activity: s.activity_clock,
            attached: s.attached,
            curw: reg.current_winlink(s.id).map(|(i, _)| i).unwrap_or(0),
            lastw: Vec::new(),
            winlinks: s.windows.iter().map(|(i, w)| (*i, w.0)).collect(),
        })
        .collect();
    sessions.sort_by(|a, b| a.name.cmp(&b.name));
    let windows = reg
        .windows
        .values()
        .map(|w| {
            let base = opts
                .effective("pane-base-index", Some(w.session), Some(w.id), None)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            (
                w.id.0,
                WindowV {
                    id: w.id.0,
                    name: w.name.clone(),
                    active: w.active_pane.0,
                    last: None,
                    panes: w
                        .geometry()
                        .into_iter()
                        .map(|(p, r)| {
                            (
                                p.0,
                                (
                                    u32::from(r.left),
                                    u32::from(r.top),
                                    u32::from(r.cols),
                                    u32::from(r.rows),
                                ),
                            )
                        })
                        .collect(),
                    size: (u32::from(w.cols), u32::from(w.rows)),
                    pane_base: base,
                },
            )
        })
        .collect();
    World {
        sessions,
        windows,
        marked: None,
        caller: caller.map(|p| p.0),
        fixed: crate::hooks::current_state(),
    }
}

/// Resolves flag `flag` (`t` or `s`) of a command as `kind`.
fn find(
    state: &ServerState,
    client: &Client,
    args: &Args,
    flag: char,
    kind: FindKind,
    flags: FindFlags,
) -> Result<Found, String> {
    let w = world(state, client.caller);
    if client.session.is_some() && args.get(flag).is_none() {
        // A control client: its session is the current one.
        if let Some(s) = client.session {
            let target = format!("${}", s.0);
            return w
                .find(Some(&target), FindKind::Session, flags)
                .map(|mut x| {
                    if flags.window_index {
                        x.idx = -1;
                    }
                    x
                });
        }
    }
    w.find(args.get(flag), kind, flags)
}

/// The pane named by flag `flag` as a native `%N` target, or `None` when the flag is absent
/// (tmux then uses the current pane, which the native command also does).
fn pane_if_given(
    state: &ServerState,
    client: &Client,
    args: &Args,
    flag: char,
) -> Result<Option<String>, String> {
    match args.get(flag) {
        Some(_) => Ok(Some(pane_of(&find(
            state,
            client,
            args,
            flag,
            FindKind::Pane,
            FindFlags::default(),
        )?)?)),
        None => Ok(None),
    }
}

fn pane_of(f: &Found) -> Result<String, String> {
    f.pane
        .map(|p| format!("%{p}"))
        .ok_or_else(|| "no pane".to_owned())
}

/// The pane as a native target that also names its winlink (`$S:I.%P`), so that formats see
/// the session and window index found (a window may be linked into several sessions).
fn winlink_pane_of(f: &Found) -> Result<String, String> {
    let p = pane_of(f)?;
    Ok(match u32::try_from(f.idx) {
        Ok(i) => format!("${}:{i}.{p}", f.session),
        Err(_) => p,
    })
}

/// The window as a native target naming its winlink (`$S:I`) when the index is known.
fn winlink_window_of(f: &Found) -> Result<String, String> {
    match (u32::try_from(f.idx), f.window) {
        (Ok(i), Some(_)) => Ok(format!("${}:{i}", f.session)),
        _ => window_of(f),
    }
}

fn window_of(f: &Found) -> Result<String, String> {
    f.window
        .map(|w| format!("@{w}"))
        .ok_or_else(|| format!("can't find window: {}", f.idx))
}

fn session_of(f: &Found) -> String {
    format!("${}", f.session)
}

async fn call(
    state: &Arc<ServerState>,
    client: &Client,
    out: &mut Output,
    req: Request,
) -> Result<Response, String> {
    let (r, after) = dispatch(state, client.caller, req).await;
    if after == After::Shutdown {
        out.shutdown = true;
    }
    match r {
        Response::Error(e) => Err(e.message),
        r => Ok(r),
    }
}

fn print_response(out: &mut Output, r: Response) {
    match r {
        Response::Lines(v) => v.iter().for_each(|l| out.line(l)),
        Response::Text(t) => out.line(&t),
        Response::Bytes(b) => out.stdout.extend_from_slice(&b),
        _ => {}
    }
}

/// A format expanded for a target (`None`: server variables only).
pub fn expand(state: &ServerState, target: Option<Resolved>, fmt: &str) -> String {
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let env = lock(&state.environment);
    let ctx = ModelContext::new(state, &reg, target)
        .with_options(&*opts)
        .with_environ(&env);
    Expander::new().expand(&ctx, fmt)
}

/// The current target of a client as a resolved object (for formats in `%if`, `-F`...).
pub fn current(state: &ServerState, client: &Client) -> Option<Resolved> {
    let w = world(state, client.caller);
    let f = match client.session {
        Some(s) => w.find(
            Some(&format!("${}", s.0)),
            FindKind::Pane,
            FindFlags::default(),
        ),
        None => w.find(None, FindKind::Pane, FindFlags::default()),
    }
    .ok()?;
    Some(resolved_pane(&f))
}

fn resolved_pane(f: &Found) -> Resolved {
    match (f.pane, f.window) {
        (Some(p), _) => Resolved::Pane(PaneId(p)),
        (None, Some(w)) => Resolved::Window(WindowId(w)),
        _ => Resolved::Session(SessionId(f.session)),
    }
}

fn unsupported(name: &str) -> Result<(), String> {
    Err(format!("{name}: not supported by tidemux yet"))
}

/// The shell command of new-session/new-window/split-window/respawn: tmux runs one argument
/// through `default-shell -c` and several as an argv.
fn command_of(args: &Args) -> Vec<String> {
    args.strings()
}

fn env_of(args: &Args) -> Result<Vec<(String, String)>, String> {
    args.all('e')
        .into_iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(format!("invalid environment: {kv}")),
        })
        .collect()
}

fn spawn_of(args: &Args, client: &Client, print: Option<&str>) -> Result<Spawn, String> {
    Ok(Spawn {
        command: command_of(args),
        cwd: args.get('c').map(|c| tmux_cwd(expand_tilde(c, client))),
        client_cwd: client.cwd.clone(),
        env: env_of(args)?,
        print_format: if args.has('P') {
            Some(args.get('F').unwrap_or(print.unwrap_or("")).to_owned())
        } else {
            None
        },
        remain_on_exit: false,
        worktree: None,
        insert: None,
        zoom: false,
    })
}

/// tmux's `window_set_name`: the name through `utf8_stravis(VIS_OCTAL|VIS_CSTYLE|VIS_TAB|
/// VIS_NL)`, so a backslash is kept as `\\` and control characters as C escapes or `\ooo`.
fn stravis(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\u{8}' => o.push_str("\\b"),
            '\u{7}' => o.push_str("\\a"),
            '\u{b}' => o.push_str("\\v"),
            '\u{c}' => o.push_str("\\f"),
            '\0' => o.push_str("\\000"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\{:03o}", c as u32));
            }
            c => o.push(c),
        }
    }
    o
}

/// tmux's spawn falls back when the start directory cannot be entered: the home directory,
/// else `/` (spawn.c), instead of failing the command.
fn tmux_cwd(dir: String) -> String {
    if std::path::Path::new(&dir).is_dir() {
        return dir;
    }
    std::env::var("HOME")
        .ok()
        .filter(|h| std::path::Path::new(h).is_dir())
        .unwrap_or_else(|| "/".to_owned())
}

fn expand_tilde(p: &str, client: &Client) -> String {
    let p = match p.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", std::env::var("HOME").unwrap_or_default())
        }
        _ => p.to_owned(),
    };
    if p.starts_with('/') {
        p
    } else {
        match &client.cwd {
            Some(c) => format!("{c}/{p}"),
            None => p,
        }
    }
}

fn number<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("{what} invalid"))
}

/// Runs one command.
async fn run_one(
    state: &Arc<ServerState>,
    c: &Cmd,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    let a = &c.args;
    let name = c.entry.name;
    let wi = FindFlags {
        window_index: true,
        ..Default::default()
    };
    let none = FindFlags::default();
    match name {
        "new-session" => new_session(state, a, client, out).await,
        "new-window" => {
            let f = find(state, client, a, 't', FindKind::Window, wi)?;
            let insert = if a.has('a') {
                Some(tidemux_proto::InsertAt::After)
            } else if a.has('b') {
                Some(tidemux_proto::InsertAt::Before)
            } else {
                None
            };
            if f.idx >= 0 && f.window.is_some() && insert.is_none() {
                if a.has('k') {
                    let w = window_of(&f)?;
                    call(state, client, out, Request::KillWindow { target: Some(w) }).await?;
                } else {
                    return Err(format!("create window failed: index {} in use", f.idx));
                }
            }
            let mut spawn = spawn_of(a, client, Some(NEW_WINDOW))?;
            spawn.insert = insert;
            // -a/-b are relative to the target window (the current one without an index).
            let target = match (insert, f.window) {
                (Some(_), Some(w)) => format!("@{w}"),
                (Some(_), None) => {
                    let w = world(state, client.caller);
                    let s = w.sessions.iter().find(|s| s.id == f.session);
                    match s.and_then(|s| s.winlinks.get(&s.curw)) {
                        Some(w) => format!("@{w}"),
                        None => session_of(&f),
                    }
                }
                (None, _) => session_of(&f),
            };
            let r = call(
                state,
                client,
                out,
                Request::NewWindow {
                    target: Some(target),
                    name: a.get('n').map(str::to_owned),
                    spawn,
                    detached: a.has('d'),
                },
            )
            .await?;
            let Response::Created(cr) = r else {
                return Ok(());
            };
            // `-t S:N` with N free: the window goes to index N (the native command takes the
            // next free index).
            let want = u32::try_from(f.idx).ok().filter(|_| insert.is_none());
            let moved = match want {
                Some(n) if state.registry().index_in(cr.session, cr.window) != Some(n) => {
                    call(
                        state,
                        client,
                        out,
                        Request::MoveWindow {
                            source: Some(format!("{}", cr.window)),
                            target: Some(format!("{}:{n}", cr.session)),
                            after: false,
                            before: false,
                            detached: true,
                            kill: false,
                            renumber: false,
                        },
                    )
                    .await?;
                    true
                }
                _ => false,
            };
            if a.has('P') {
                if moved {
                    let fmt = a.get('F').unwrap_or(NEW_WINDOW);
                    out.line(&expand(state, Some(Resolved::Pane(cr.pane)), fmt));
                } else {
                    out.line(cr.text.as_deref().unwrap_or(""));
                }
            }
            Ok(())
        }
        "split-window" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            if a.has('I') {
                return Err("split-window -I: not supported by tidemux yet".to_owned());
            }
            let size = match (a.get('l'), a.get('p')) {
                (Some(l), _) => Some(match l.strip_suffix('%') {
                    Some(p) => SplitSize::Percent(number(p, "size")?),
                    None => SplitSize::Cells(number(l, "size")?),
                }),
                (None, Some(p)) => Some(SplitSize::Percent(number(p, "percentage")?)),
                _ => None,
            };
            let mut spawn = spawn_of(a, client, Some(NEW_WINDOW))?;
            spawn.zoom = a.has('Z');
            let r = call(
                state,
                client,
                out,
                Request::SplitWindow {
                    target: Some(pane_of(&f)?),
                    direction: if a.has('h') {
                        SplitDirection::Horizontal
                    } else {
                        SplitDirection::Vertical
                    },
                    size,
                    spawn,
                    detached: a.has('d'),
                    before: a.has('b'),
                    full: a.has('f'),
                },
            )
            .await
            .map_err(|e| {
                if e.contains("small") || e.contains("too few") {
                    "pane too small".to_owned()
                } else {
                    e
                }
            })?;
            if let Response::Created(cr) = &r {
                if a.has('P') {
                    out.line(cr.text.as_deref().unwrap_or(""));
                }
            }
            Ok(())
        }
        "send-keys" | "send-prefix" => send_keys(state, c, client, out).await,
        "capture-pane" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let options = tidemux_proto::CaptureOptions {
                print: a.has('p'),
                buffer: a.get('b').map(str::to_owned),
                start: a.get('S').map(str::to_owned),
                end: a.get('E').map(str::to_owned),
                escapes: a.has('e'),
                octal: a.has('C'),
                join: a.has('J'),
                trailing: a.has('N'),
                pending: a.has('P'),
                alternate: a.has('a'),
                quiet: a.has('q'),
            };
            let r = call(
                state,
                client,
                out,
                Request::CapturePane {
                    target: Some(pane_of(&f)?),
                    options,
                },
            )
            .await?;
            print_response(out, r);
            Ok(())
        }
        "clear-history" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            call(
                state,
                client,
                out,
                Request::ClearHistory {
                    target: Some(pane_of(&f)?),
                },
            )
            .await
            .map(drop)
        }
        "respawn-pane" | "respawn-window" => {
            let spawn = spawn_of(a, client, None)?;
            let req = if name == "respawn-pane" {
                let f = find(state, client, a, 't', FindKind::Pane, none)?;
                let req = Request::RespawnPane {
                    target: Some(pane_of(&f)?),
                    kill: a.has('k'),
                    spawn,
                };
                call(state, client, out, req).await?;
                // tmux spawn.c: a respawned pane leaves its modes.
                let p = PaneId(f.pane.unwrap_or_default());
                let n = lock(&state.pane_modes).reset_all(p);
                crate::hooks::mode_changed(state, p, n);
                return Ok(());
            } else {
                let f = find(state, client, a, 't', FindKind::Window, none)?;
                Request::RespawnWindow {
                    target: Some(window_of(&f)?),
                    kill: a.has('k'),
                    spawn,
                }
            };
            call(state, client, out, req).await.map(drop)
        }
        "pipe-pane" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            call(
                state,
                client,
                out,
                Request::PipePane {
                    target: Some(pane_of(&f)?),
                    command: a.value(0),
                    toggle: a.has('o'),
                    input: a.has('I'),
                    output: a.has('O'),
                },
            )
            .await
            .map(drop)
        }
        "display-message" => {
            let f = find(state, client, a, 't', FindKind::Pane, none);
            let target = match (&f, a.get('t')) {
                (Ok(f), _) => Some(winlink_pane_of(f)?),
                (Err(e), Some(_)) => return Err(e.clone()),
                (Err(_), None) => None,
            };
            if a.has('I') {
                return unsupported("display-message -I");
            }
            let message = match (a.get('F'), a.value(0)) {
                (Some(_), Some(_)) => return Err("only one of -F or argument must be given".into()),
                (Some(f), _) => f.to_owned(),
                (None, Some(m)) => m,
                (None, None) => DISPLAY_MESSAGE.to_owned(),
            };
            let attached = f
                .as_ref()
                .ok()
                .and_then(|f| {
                    state
                        .registry()
                        .sessions
                        .get(&SessionId(f.session))
                        .map(|s| s.attached)
                })
                .unwrap_or(0);
            let print = a.has('p') || attached == 0 || a.has('a');
            let r = call(
                state,
                client,
                out,
                Request::DisplayMessage {
                    target,
                    message,
                    print,
                    all: a.has('a'),
                    duration_ms: a.get('d').and_then(|d| d.parse().ok()),
                },
            )
            .await?;
            if print {
                print_response(out, r);
            }
            Ok(())
        }
        "list-sessions" => {
            let fmt = a.get('F').unwrap_or(LIST_SESSIONS).to_owned();
            list(
                state,
                client,
                out,
                ListScope::Sessions,
                None,
                false,
                fmt,
                a.get('f'),
            )
            .await
        }
        "list-windows" => {
            let all = a.has('a');
            let fmt = a
                .get('F')
                .unwrap_or(if all { LIST_WINDOWS_ALL } else { LIST_WINDOWS })
                .to_owned();
            let fmt = if all && a.get('F').is_none() {
                format!(
                    "{fmt}[layout #{{window_layout}}] #{{window_id}}#{{?window_active, (active),}}"
                )
            } else {
                fmt
            };
            let target = if all {
                None
            } else {
                Some(session_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Session,
                    none,
                )?))
            };
            list(
                state,
                client,
                out,
                ListScope::Windows,
                target,
                all,
                fmt,
                a.get('f'),
            )
            .await
        }
        "list-panes" => {
            let all = a.has('a');
            let sess = a.has('s');
            let prefix = if all {
                "#{session_name}:#{window_index}.#{pane_index}: "
            } else if sess {
                "#{window_index}.#{pane_index}: "
            } else {
                "#{pane_index}: "
            };
            let fmt = a
                .get('F')
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{prefix}{PANE_TAIL}"));
            let target = if all {
                None
            } else if sess {
                Some(session_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Session,
                    none,
                )?))
            } else {
                Some(winlink_window_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Window,
                    none,
                )?)?)
            };
            list(
                state,
                client,
                out,
                ListScope::Panes,
                target,
                all,
                fmt,
                a.get('f'),
            )
            .await
        }
        "list-buffers" => {
            let fmt = a.get('F').unwrap_or(LIST_BUFFERS).to_owned();
            list(
                state,
                client,
                out,
                ListScope::Buffers,
                None,
                false,
                fmt,
                a.get('f'),
            )
            .await
        }
        "list-clients" => {
            let target = match a.get('t') {
                Some(_) => Some(session_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Session,
                    none,
                )?)),
                None => None,
            };
            let r = call(
                state,
                client,
                out,
                Request::ListClients {
                    target,
                    format: Some(a.get('F').unwrap_or(LIST_CLIENTS).to_owned()),
                    filter: a.get('f').map(str::to_owned),
                },
            )
            .await?;
            print_response(out, r);
            Ok(())
        }
        "list-commands" => {
            for e in super::entries::ENTRIES {
                if let Some(only) = a.value(0) {
                    if e.name != only && e.alias != Some(only.as_str()) {
                        continue;
                    }
                }
                match (a.get('F'), e.alias) {
                    (Some(f), _) => {
                        let f = f
                            .replace("#{command_list_name}", e.name)
                            .replace("#{command_list_alias}", e.alias.unwrap_or(""))
                            .replace("#{command_list_usage}", e.usage);
                        out.line(&f)
                    }
                    (None, Some(al)) => out.line(&format!("{} ({al}) {}", e.name, e.usage)),
                    (None, None) => out.line(&format!("{} {}", e.name, e.usage)),
                }
            }
            Ok(())
        }
        "has-session" => {
            find(state, client, a, 't', FindKind::Session, none)?;
            Ok(())
        }
        "kill-session" => {
            let f = find(state, client, a, 't', FindKind::Session, none)?;
            let req = if a.has('a') {
                Request::KillOthers {
                    scope: KillScope::Session,
                    target: Some(session_of(&f)),
                }
            } else if a.has('C') {
                return Ok(());
            } else {
                Request::KillSession {
                    target: Some(session_of(&f)),
                }
            };
            call(state, client, out, req).await.map(drop)
        }
        "unlink-window" => {
            let f = find(state, client, a, 't', FindKind::Window, none)?;
            let idx = u32::try_from(f.idx).map_err(|_| window_of(&f).unwrap_err())?;
            crate::commands::relocate::unlink_window_at(
                state,
                SessionId(f.session),
                idx,
                a.has('k'),
            )
            .map(drop)
            .map_err(|e| e.message)
        }
        "link-window" => {
            let src = find(state, client, a, 's', FindKind::Window, none)?;
            let dst = find(state, client, a, 't', FindKind::Window, wi)?;
            let wid = WindowId(src.window.ok_or_else(|| window_of(&src).unwrap_err())?);
            crate::commands::relocate::link_window_at(
                state,
                wid,
                SessionId(dst.session),
                u32::try_from(dst.idx).ok(),
                dst.window.map(WindowId),
                crate::commands::relocate::Place {
                    after: a.has('a'),
                    before: a.has('b'),
                    detached: a.has('d'),
                    kill: a.has('k'),
                },
            )
            .map(drop)
            .map_err(|e| e.message)
        }
        "kill-window" => {
            let f = find(state, client, a, 't', FindKind::Window, none)?;
            let w = window_of(&f)?;
            let req = if a.has('a') {
                Request::KillOthers {
                    scope: KillScope::Window,
                    target: Some(w),
                }
            } else {
                Request::KillWindow { target: Some(w) }
            };
            call(state, client, out, req).await.map(drop)
        }
        "kill-pane" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let p = pane_of(&f)?;
            let req = if a.has('a') {
                Request::KillOthers {
                    scope: KillScope::Pane,
                    target: Some(p),
                }
            } else {
                Request::KillPane { target: Some(p) }
            };
            call(state, client, out, req).await.map(drop)
        }
        "kill-server" => {
            out.shutdown = true;
            Ok(())
        }
        "start-server"
        | "show-messages"
        | "display-panes"
        | "clear-prompt-history"
        | "show-prompt-history"
        | "lock-server"
        | "lock-session"
        | "lock-client" => Ok(()),
        "rename-session" => {
            let f = find(state, client, a, 't', FindKind::Session, none)?;
            let new = a.value(0).unwrap_or_default();
            if state
                .registry()
                .sessions
                .values()
                .any(|s| s.name == new && s.id.0 != f.session)
            {
                return Err(format!("duplicate session: {new}"));
            }
            call(
                state,
                client,
                out,
                Request::RenameSession {
                    target: Some(session_of(&f)),
                    name: new,
                },
            )
            .await
            .map(drop)
        }
        "rename-window" => {
            let f = find(state, client, a, 't', FindKind::Window, none)?;
            call(
                state,
                client,
                out,
                Request::RenameWindow {
                    target: Some(window_of(&f)?),
                    name: stravis(&a.value(0).unwrap_or_default()),
                },
            )
            .await
            .map(drop)
        }
        "select-window" | "next-window" | "previous-window" | "last-window" => {
            let (kind, flag_next, flag_prev, flag_last) = if name == "select-window" {
                (FindKind::Window, a.has('n'), a.has('p'), a.has('l'))
            } else {
                (
                    FindKind::Session,
                    name == "next-window",
                    name == "previous-window",
                    name == "last-window",
                )
            };
            let f = find(state, client, a, 't', kind, none)?;
            if flag_last {
                return call(
                    state,
                    client,
                    out,
                    Request::LastWindow {
                        target: Some(session_of(&f)),
                    },
                )
                .await
                .map(drop);
            }
            if flag_next || flag_prev {
                let n = a.count('n').max(1);
                let _ = n;
                return call(
                    state,
                    client,
                    out,
                    Request::CycleWindow {
                        target: Some(session_of(&f)),
                        offset: if flag_next { 1 } else { -1 },
                    },
                )
                .await
                .map(drop);
            }
            call(
                state,
                client,
                out,
                Request::SelectWindow {
                    // The winlink found (a window may be linked into several sessions).
                    target: Some(match u32::try_from(f.idx) {
                        Ok(i) => format!("${}:{i}", f.session),
                        Err(_) => window_of(&f)?,
                    }),
                },
            )
            .await
            .map(drop)
        }
        "select-pane" | "last-pane" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            if (name == "last-pane" || a.has('l')) && (a.has('d') || a.has('e')) {
                // tmux: -d/-e with -l act on the window's last pane.
                let last = f.window.and_then(|w| {
                    state
                        .registry()
                        .windows
                        .get(&WindowId(w))
                        .and_then(|w| w.layout.last_pane())
                });
                let last = last.ok_or_else(|| "no last pane".to_owned())?;
                set_input_off(state, last, a.has('d') && !a.has('e'));
                return Ok(());
            }
            if name == "last-pane" || a.has('l') {
                return call(
                    state,
                    client,
                    out,
                    Request::LastPane {
                        target: Some(window_of(&f)?),
                        keep_zoom: a.has('Z'),
                    },
                )
                .await
                .map(drop);
            }
            if a.has('m') || a.has('M') {
                let mut req = Request::select_pane(Some(pane_of(&f)?));
                if let Request::SelectPane { mark, unmark, .. } = &mut req {
                    *mark = a.has('m') && !a.has('M');
                    *unmark = a.has('M');
                }
                return call(state, client, out, req).await.map(drop);
            }
            let mut pane = pane_of(&f)?;
            for (flag, dir) in [
                ('L', "{left-of}"),
                ('R', "{right-of}"),
                ('U', "{up-of}"),
                ('D', "{down-of}"),
            ] {
                if a.has(flag) {
                    let mut w = world(state, client.caller);
                    // Relative to the target pane: it becomes the current one.
                    w.caller = f.pane;
                    if let Some(wid) = f.window {
                        if let Some(win) = w.windows.get_mut(&wid) {
                            win.active = f.pane.unwrap_or(win.active);
                        }
                    }
                    for s in &mut w.sessions {
                        if s.id == f.session && f.idx >= 0 {
                            s.curw = f.idx as u32;
                            s.activity = u64::MAX;
                        }
                    }
                    match w.find(Some(dir), FindKind::Pane, none) {
                        Ok(x) => pane = pane_of(&x)?,
                        Err(_) => return Ok(()),
                    }
                }
            }
            // tmux order: -e, then -d, then -T, else select.
            if a.has('e') || a.has('d') {
                let p = pane
                    .strip_prefix('%')
                    .and_then(|p| p.parse().ok())
                    .map(PaneId)
                    .ok_or_else(|| format!("can't find pane: {pane}"))?;
                set_input_off(state, p, !a.has('e'));
                return Ok(());
            }
            let mut req = Request::select_pane(Some(pane));
            if let (Some(t), Request::SelectPane { title, .. }) = (a.get('T'), &mut req) {
                *title = Some(t.to_owned());
            }
            call(state, client, out, req).await.map(drop)
        }
        "resize-window" => {
            // tmux cmd-resize-window.c: -x/-y, then -L/-R/-U/-D by the adjustment (1), then
            // -A/-a: the largest/smallest attached client's size, else `default-size`.
            let f = find(state, client, a, 't', FindKind::Window, none)?;
            window_of(&f)?;
            let wid = WindowId(f.window.unwrap_or_default());
            let (mut sx, mut sy) = {
                let reg = state.registry();
                let w = reg.windows.get(&wid).ok_or("no window")?;
                (u32::from(w.cols), u32::from(w.rows))
            };
            let adjust: u32 = match a.value(0) {
                Some(v) => v.parse().map_err(|_| "adjustment invalid".to_owned())?,
                None => 1,
            };
            if let Some(x) = a.get('x') {
                sx = number(x, "width")?;
            }
            if let Some(y) = a.get('y') {
                sy = number(y, "height")?;
            }
            if a.has('L') {
                if sx >= adjust {
                    sx -= adjust;
                }
            } else if a.has('R') {
                sx = sx.saturating_add(adjust);
            } else if a.has('U') {
                if sy >= adjust {
                    sy -= adjust;
                }
            } else if a.has('D') {
                sy = sy.saturating_add(adjust);
            }
            if a.has('A') || a.has('a') {
                // tmux default_window_size(NULL, s, w, LARGEST or SMALLEST): the clients whose
                // session contains the window, else the session's `default-size`.
                let pick = crate::commands::resize::clients_size_for(state, wid, a.has('A'))
                    .map(|(c, r)| (u32::from(c), u32::from(r)));
                (sx, sy) = pick.unwrap_or_else(|| {
                    let d = lock(&state.options_store)
                        .effective("default-size", Some(SessionId(f.session)), None, None)
                        .unwrap_or_else(|| "80x24".into());
                    d.split_once('x')
                        .and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
                        .unwrap_or((80, 24))
                });
            }
            let clamp = |v: u32| u16::try_from(v.clamp(1, 10_000)).unwrap_or(10_000);
            let (cols, rows) = (Some(clamp(sx)), Some(clamp(sy)));
            call(
                state,
                client,
                out,
                Request::ResizeWindow {
                    target: Some(window_of(&f)?),
                    cols,
                    rows,
                },
            )
            .await
            .map(drop)
        }
        "set-option" | "set-window-option" | "show-options" | "show-window-options" => {
            options(state, c, client, out).await
        }
        "set-environment" => {
            let global = a.has('g');
            let target = if global {
                None
            } else {
                Some(session_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Session,
                    none,
                )?))
            };
            let name_v = a.value(0).unwrap_or_default();
            let value = a.value(1);
            if value.is_none() && !a.has('u') && !a.has('r') {
                return Err("no value specified".into());
            }
            call(
                state,
                client,
                out,
                Request::SetEnvironment {
                    target,
                    name: name_v,
                    value,
                    global,
                    unset: a.has('u'),
                    remove: a.has('r'),
                    hidden: a.has('h'),
                    format: a.has('F'),
                },
            )
            .await
            .map(drop)
        }
        "show-environment" => {
            let global = a.has('g');
            let target = if global {
                None
            } else {
                Some(session_of(&find(
                    state,
                    client,
                    a,
                    't',
                    FindKind::Session,
                    none,
                )?))
            };
            let r = call(
                state,
                client,
                out,
                Request::ShowEnvironment {
                    target,
                    name: a.value(0),
                    global,
                    hidden: a.has('h'),
                    shell: a.has('s'),
                },
            )
            .await?;
            print_response(out, r);
            Ok(())
        }
        "set-buffer" => {
            if a.has('w') {
                return unsupported("set-buffer -w");
            }
            let rename = a.get('n').map(str::to_owned);
            let data = a.value(0);
            if rename.is_none() && data.is_none() {
                return Err("no data specified".into());
            }
            call(
                state,
                client,
                out,
                Request::SetBuffer {
                    name: a.get('b').map(str::to_owned),
                    data: data.unwrap_or_default().into_bytes(),
                    append: a.has('a'),
                    rename,
                },
            )
            .await
            .map(drop)
        }
        "load-buffer" => {
            let path = a.value(0).unwrap_or_default();
            if path == "-" {
                return unsupported("load-buffer -");
            }
            let p = expand_tilde(&path, client);
            let data = std::fs::read(&p).map_err(|e| format!("{p}: {}", io_text(&e)))?;
            call(
                state,
                client,
                out,
                Request::SetBuffer {
                    name: a.get('b').map(str::to_owned),
                    data,
                    append: false,
                    rename: None,
                },
            )
            .await
            .map(drop)
        }
        "show-buffer" | "save-buffer" => {
            let r = call(
                state,
                client,
                out,
                Request::ShowBuffer {
                    name: a.get('b').map(str::to_owned),
                },
            )
            .await
            .map_err(|_| match a.get('b') {
                Some(b) => format!("no buffer {b}"),
                None => "no buffers".to_owned(),
            })?;
            let Response::Bytes(data) = r else {
                return Ok(());
            };
            let path = a.value(0);
            match path.as_deref() {
                None | Some("-") => out.stdout.extend_from_slice(&data),
                Some(p) => {
                    use std::io::Write;
                    let p = expand_tilde(p, client);
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .write(true)
                        .append(a.has('a'))
                        .truncate(!a.has('a'))
                        .open(&p)
                        .map_err(|e| format!("{p}: {}", io_text(&e)))?;
                    f.write_all(&data)
                        .map_err(|e| format!("{p}: {}", io_text(&e)))?;
                }
            }
            Ok(())
        }
        "delete-buffer" => call(
            state,
            client,
            out,
            Request::DeleteBuffer {
                name: a.get('b').map(str::to_owned),
            },
        )
        .await
        .map(drop)
        .map_err(|_| match a.get('b') {
            Some(b) => format!("unknown buffer: {b}"),
            None => "no buffer".to_owned(),
        }),
        "paste-buffer" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            call(
                state,
                client,
                out,
                Request::PasteBuffer {
                    target: Some(pane_of(&f)?),
                    name: a.get('b').map(str::to_owned),
                    delete: a.has('d'),
                    bracket: a.has('p'),
                    keep_lf: a.has('r'),
                    separator: a.get('s').map(str::to_owned),
                },
            )
            .await
            .map(drop)
            .map_err(|e| {
                if e.contains("no buffer") {
                    "no buffer".to_owned()
                } else {
                    e
                }
            })
        }
        "wait-for" => {
            let channel = a.value(0).unwrap_or_default();
            let req = if a.has('L') || a.has('U') {
                Request::WaitForLock {
                    channel,
                    unlock: a.has('U'),
                    timeout_ms: None,
                }
            } else {
                Request::WaitFor {
                    channel,
                    signal: a.has('S'),
                    timeout_ms: None,
                }
            };
            call(state, client, out, req).await.map(drop)
        }
        "bind-key" | "unbind-key" | "list-keys" | "set-hook" | "show-hooks" => {
            crate::keys::lang_command(state, name, a, client.caller, out).await
        }
        "run-shell" => super::config::run_shell(state, a, client, out).await,
        "if-shell" => super::config::if_shell(state, a, client, out).await,
        "source-file" => super::config::source_file(state, a, client, out).await,
        "attach-session" => {
            let f = find(state, client, a, 't', FindKind::Session, none)?;
            out.attach = Some(session_of(&f));
            // tmux cmd-attach-session.c: -f's flags, then -r's read-only and ignore-size.
            let mut flags: Vec<&str> = a.get('f').into_iter().collect();
            if a.has('r') {
                flags.push("read-only,ignore-size");
            }
            out.attach_flags = (!flags.is_empty()).then(|| flags.join(","));
            Ok(())
        }
        "detach-client" => {
            // -P: the client also sends SIGHUP to its parent process (`[detached and SIGHUP
            // (from session NAME)]`), tmux's MSG_DETACHKILL.
            let reason = if a.has('P') {
                tidemux_proto::DetachReason::DetachedHup
            } else {
                tidemux_proto::DetachReason::Detached
            };
            if let Some(s) = a.get('s') {
                let w = world(state, client.caller);
                let f = w.find(Some(s), FindKind::Session, none)?;
                if a.has('P') {
                    let sid = tidemux_proto::SessionId(f.session);
                    let ids: Vec<u32> = lock(&state.clients)
                        .map
                        .iter()
                        .filter(|(_, c)| c.session == sid)
                        .map(|(id, _)| *id)
                        .collect();
                    for id in ids {
                        crate::commands::attach::detach_with(state, id, reason.clone());
                    }
                    return Ok(());
                }
                return call(
                    state,
                    client,
                    out,
                    Request::DetachClient {
                        target: Some(session_of(&f)),
                        client: None,
                    },
                )
                .await
                .map(drop);
            }
            // tmux cmd_find_client: -t CLIENT, else the best client (the caller's session's
            // most recently active, else any); -a: every client but that one.
            let keep = match (client.control, a.get('t')) {
                (Some(me), None) => me,
                (_, t) => crate::commands::clients::find_client(state, client.caller, t)
                    .map_err(|e| e.message)?,
            };
            let ids: Vec<u32> = if a.has('a') {
                lock(&state.clients)
                    .map
                    .keys()
                    .copied()
                    .filter(|id| *id != keep)
                    .collect()
            } else {
                vec![keep]
            };
            for id in ids {
                crate::commands::attach::detach_with(state, id, reason.clone());
            }
            Ok(())
        }
        "server-access" => {
            // tmux 3.3a's access list holds the users added with -a; tidemux's socket is the
            // owner's only, so the list is empty and other users cannot be added.
            if a.has('l') {
                return Ok(());
            }
            unsupported("server-access -a/-d/-r/-w")
        }
        "switch-client" | "refresh-client" | "suspend-client" => {
            if client.control.is_some() {
                return super::control::client_command(state, c, client, out).await;
            }
            let req = match name {
                "switch-client" => {
                    let target = pane_if_given(state, client, a, 't')?;
                    Request::SwitchClient {
                        client: a.get('c').map(str::to_owned),
                        target,
                        next: a.has('n'),
                        previous: a.has('p'),
                        last: a.has('l'),
                        toggle_read_only: a.has('r'),
                    }
                }
                "refresh-client" => {
                    let (pan, adjustment, flags) = refresh_args(a);
                    Request::RefreshClient {
                        client: a.get('t').map(str::to_owned),
                        size: a.get('C').map(str::to_owned),
                        pan,
                        adjustment,
                        flags,
                    }
                }
                _ => {
                    // suspend-client: the client is found as tmux does; tidemux's attach client
                    // is not suspended (accepted, nothing happens).
                    crate::commands::clients::find_client(state, client.caller, a.get('t'))
                        .map_err(|e| e.message)?;
                    return Ok(());
                }
            };
            call(state, client, out, req).await.map(drop)
        }
        "select-layout" | "next-layout" | "previous-layout" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let req = Request::SelectLayout {
                target: Some(pane_of(&f)?),
                layout: a.value(0),
                next: name == "next-layout" || a.has('n'),
                previous: name == "previous-layout" || a.has('p'),
                spread: a.has('E'),
                old: a.has('o'),
            };
            call(state, client, out, req).await.map(drop)
        }
        "resize-pane" => {
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let dir = [
                ('U', tidemux_proto::PaneDirection::Up),
                ('D', tidemux_proto::PaneDirection::Down),
                ('L', tidemux_proto::PaneDirection::Left),
                ('R', tidemux_proto::PaneDirection::Right),
            ]
            .into_iter()
            .find(|(c, _)| a.has(*c))
            .map(|(_, d)| d);
            let size = |v: Option<&str>, what: &str| -> Result<Option<SplitSize>, String> {
                v.map(|v| match v.strip_suffix('%') {
                    Some(p) => p
                        .parse()
                        .map(SplitSize::Percent)
                        .map_err(|_| format!("{what} invalid")),
                    None => v
                        .parse()
                        .map(SplitSize::Cells)
                        .map_err(|_| format!("{what} invalid")),
                })
                .transpose()
            };
            let adjustment = match a.value(0) {
                Some(n) => Some(
                    n.parse::<u32>()
                        .map_err(|_| "adjustment invalid".to_owned())?,
                ),
                None => None,
            };
            let req = Request::ResizePane {
                target: Some(pane_of(&f)?),
                direction: dir,
                adjustment,
                width: size(a.get('x'), "width")?,
                height: size(a.get('y'), "height")?,
                zoom: a.has('Z'),
            };
            call(state, client, out, req).await.map(drop)
        }
        "swap-pane" => {
            let t = find(state, client, a, 't', FindKind::Pane, none)?;
            let source = pane_if_given(state, client, a, 's')?;
            let direction = if a.has('U') {
                Some(tidemux_proto::PaneDirection::Up)
            } else if a.has('D') {
                Some(tidemux_proto::PaneDirection::Down)
            } else {
                None
            };
            let req = Request::SwapPane {
                source,
                target: Some(pane_of(&t)?),
                direction,
                detached: a.has('d'),
                keep_zoom: a.has('Z'),
            };
            call(state, client, out, req).await.map(drop)
        }
        "rotate-window" => {
            let f = find(state, client, a, 't', FindKind::Window, none)?;
            let req = Request::RotateWindow {
                target: Some(window_of(&f)?),
                down: a.has('D'),
                keep_zoom: a.has('Z'),
            };
            call(state, client, out, req).await.map(drop)
        }
        "break-pane" => {
            let source = pane_if_given(state, client, a, 's')?;
            let req = Request::BreakPane {
                source,
                target: a.get('t').map(str::to_owned),
                name: a.get('n').map(str::to_owned),
                detached: a.has('d'),
                after: a.has('a'),
                before: a.has('b'),
                print_format: a
                    .has('P')
                    .then(|| a.get('F').unwrap_or(NEW_WINDOW).to_owned()),
            };
            let r = call(state, client, out, req).await?;
            if let (Response::Created(cr), true) = (r, a.has('P')) {
                out.line(cr.text.as_deref().unwrap_or(""));
            }
            Ok(())
        }
        "join-pane" | "move-pane" => {
            let source = pane_if_given(state, client, a, 's')?;
            let t = find(state, client, a, 't', FindKind::Pane, none)?;
            let size = match (a.get('l'), a.get('p')) {
                (Some(l), _) => Some(match l.strip_suffix('%') {
                    Some(p) => SplitSize::Percent(number(p, "size")?),
                    None => SplitSize::Cells(number(l, "size")?),
                }),
                (None, Some(p)) => Some(SplitSize::Percent(number(p, "percentage")?)),
                _ => None,
            };
            let req = Request::JoinPane {
                source,
                target: Some(pane_of(&t)?),
                horizontal: a.has('h'),
                size,
                before: a.has('b'),
                full: a.has('f'),
                detached: a.has('d'),
            };
            call(state, client, out, req).await.map(drop)
        }
        "move-window" | "swap-window" => {
            let req = match name {
                "move-window" => Request::MoveWindow {
                    source: a.get('s').map(str::to_owned),
                    target: a.get('t').map(str::to_owned),
                    after: a.has('a'),
                    before: a.has('b'),
                    detached: a.has('d'),
                    kill: a.has('k'),
                    renumber: a.has('r'),
                },
                _ => Request::SwapWindow {
                    source: a.get('s').map(str::to_owned),
                    target: a.get('t').map(str::to_owned),
                    detached: a.has('d'),
                },
            };
            call(state, client, out, req).await.map(drop)
        }
        "copy-mode" | "clock-mode" => {
            use crate::panemode::Mode;
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let p = PaneId(f.pane.ok_or("no pane")?);
            if a.has('q') {
                let n = lock(&state.pane_modes).reset_all(p);
                crate::hooks::mode_changed(state, p, n);
                return Ok(());
            }
            if a.has('M') {
                // tmux: -M without a mouse event (not from a key binding) does nothing.
                return Ok(());
            }
            if name == "clock-mode" {
                set_mode(state, p, Mode::Clock);
                return Ok(());
            }
            if a.has('s') {
                find(state, client, a, 's', FindKind::Pane, none)?;
            }
            set_mode(state, p, Mode::Copy);
            Ok(())
        }
        "choose-tree" | "choose-client" | "choose-buffer" | "customize-mode" | "find-window" => {
            use crate::panemode::Mode;
            let f = find(state, client, a, 't', FindKind::Pane, none)?;
            let p = PaneId(f.pane.ok_or("no pane")?);
            let mode = match name {
                // tmux: nothing to choose from, nothing happens.
                "choose-buffer" if lock(&state.buffers).top().is_none() => return Ok(()),
                "choose-client" if lock(&state.clients).is_empty() => return Ok(()),
                "choose-buffer" => Mode::Buffer,
                "choose-client" => Mode::Client,
                "customize-mode" => Mode::Options,
                _ => Mode::Tree,
            };
            set_mode(state, p, mode);
            Ok(())
        }
        "display-popup" => display_popup(state, a, client).await,
        _ => Err(format!("{name}: not supported by tidemux yet")),
    }
}

/// tmux `window_pane_set_mode` on the server's pane modes (crate::panemode); records of
/// closed panes are dropped first.
fn set_mode(state: &ServerState, pane: PaneId, mode: crate::panemode::Mode) {
    let set = {
        let reg = state.registry();
        let mut m = lock(&state.pane_modes);
        m.retain(|p| reg.panes.contains_key(&p));
        m.set(pane, mode)
    };
    if set == crate::panemode::Set::Entered {
        crate::hooks::mode_changed(state, pane, 1);
    }
}

/// `select-pane -d` (`off`) / `-e`.
fn set_input_off(state: &ServerState, pane: PaneId, off: bool) {
    let reg = state.registry();
    let mut m = lock(&state.pane_modes);
    m.retain(|p| reg.panes.contains_key(&p));
    m.set_input_off(pane, off);
}

/// Most popups a server runs at once (one per client in tmux; this bounds the processes).
const MAX_POPUPS: usize = 64;

/// tmux `args_percentage` of a popup size: `N` cells or `N%` of `whole`, 1 to `whole`.
fn popup_size(v: Option<&str>, whole: u32, what: &str) -> Result<u32, String> {
    let Some(v) = v else {
        return Ok(whole);
    };
    let n = match v.strip_suffix('%') {
        Some(p) => p
            .parse::<u64>()
            .ok()
            .filter(|p| *p <= 100)
            .map(|p| (u64::from(whole) * p / 100) as u32),
        None => v.parse::<u32>().ok(),
    };
    match n {
        None => Err(format!("{what} invalid")),
        Some(0) => Err(format!("{what} too small")),
        Some(n) => Ok(n.min(whole)),
    }
}

/// `display-popup` (tmux 3.3a cmd-display-menu.c): `-C` closes the client's popup; otherwise,
/// unless the client already has one, runs the command (one argument through `default-shell
/// -c`, several as an argv; none: `default-command`, else `default-shell`) in `-d` (else the
/// client's directory) with `-e` variables. tidemux draws no popup: the command runs without a
/// terminal, stdin and output on /dev/null. With `-E`/`-EE` the command waits for it to end,
/// as tmux waits for the popup to close; without, it returns at once and the popup lasts
/// until the process ends or `-C`.
async fn display_popup(state: &Arc<ServerState>, a: &Args, client: &Client) -> Result<(), String> {
    let target = find(state, client, a, 't', FindKind::Pane, FindFlags::default())?;
    let cid = crate::commands::clients::find_client(state, client.caller, a.get('c'))
        .map_err(|e| e.message)?;
    if a.has('C') {
        let popup = lock(&state.pane_modes).take_popup(cid);
        if let Some(p) = popup {
            if let Some(pid) = rustix::process::Pid::from_raw(p.pid as i32) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::HUP);
            }
        }
        return Ok(());
    }
    if lock(&state.pane_modes).popup(cid).is_some() {
        return Ok(());
    }
    let (cols, rows) = lock(&state.clients)
        .get(cid)
        .map(|c| (u32::from(c.cols), u32::from(c.rows)))
        .unwrap_or((80, 24));
    popup_size(a.get('w'), cols, "width")?;
    popup_size(a.get('h'), rows, "height")?;
    let env = env_of(a)?;
    let sid = SessionId(target.session);
    let (shell, default_command) = {
        let opts = lock(&state.options_store);
        (
            opts.effective("default-shell", Some(sid), None, None)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "/bin/sh".into()),
            opts.effective("default-command", Some(sid), None, None)
                .unwrap_or_default(),
        )
    };
    let args = a.strings();
    let mut cmd = match args.len() {
        0 if default_command.is_empty() => std::process::Command::new(&shell),
        0 => {
            let mut c = std::process::Command::new(&shell);
            c.arg("-c").arg(&default_command);
            c
        }
        1 => {
            let mut c = std::process::Command::new(&shell);
            c.arg("-c").arg(&args[0]);
            c
        }
        _ => {
            let mut c = std::process::Command::new(&args[0]);
            c.args(&args[1..]);
            c
        }
    };
    let cwd = a
        .get('d')
        .map(|d| expand_tilde(d, client))
        .or_else(|| client.cwd.clone());
    // tmux job.c: a directory that cannot be entered falls back to $HOME, then `/`.
    let home = std::env::var("HOME").unwrap_or_default();
    let dir = [cwd.unwrap_or_default(), home]
        .into_iter()
        .find(|d| !d.is_empty() && std::path::Path::new(d).is_dir())
        .unwrap_or_else(|| "/".to_owned());
    cmd.current_dir(dir);
    if state.tmux.is_on() {
        cmd.env("TMUX", super::tmux_env(state, sid));
    }
    cmd.envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if lock(&state.pane_modes).popups() >= MAX_POPUPS {
        return Err(format!("too many popups (at most {MAX_POPUPS} at once)"));
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("{}: {}", args.join(" "), io_text(&e)))?;
    let popup = lock(&state.pane_modes).open_popup(cid, child.id());
    let st = Arc::clone(state);
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::task::spawn_blocking(move || {
        let _ = child.wait();
        lock(&st.pane_modes).close_popup(cid, popup);
        let _ = tx.send(());
    });
    if a.has('E') {
        let _ = rx.await;
    }
    Ok(())
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn list(
    state: &Arc<ServerState>,
    client: &Client,
    out: &mut Output,
    scope: ListScope,
    target: Option<String>,
    all: bool,
    format: String,
    filter: Option<&str>,
) -> Result<(), String> {
    if all {
        // tmux lists every session's windows/panes in session name order.
        let r = crate::commands::format::format_list_ordered(
            state,
            client.caller,
            scope,
            target.as_deref(),
            all,
            &format,
            filter,
            true,
        )
        .map_err(|e| e.message)?;
        print_response(out, r);
        return Ok(());
    }
    let r = call(
        state,
        client,
        out,
        Request::FormatList {
            scope,
            target,
            all,
            format,
            filter: filter.map(str::to_owned),
        },
    )
    .await?;
    print_response(out, r);
    Ok(())
}

async fn new_session(
    state: &Arc<ServerState>,
    a: &Args,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    if let Some(name) = a.get('s') {
        let existing = state
            .registry()
            .sessions
            .values()
            .find(|s| s.name == name)
            .map(|s| s.id);
        if let Some(sid) = existing {
            if a.has('A') {
                if !a.has('d') || client.control.is_some() {
                    out.attach = Some(sid.to_string());
                }
                return Ok(());
            }
            return Err(format!("duplicate session: {name}"));
        }
        if name.is_empty() || name.contains(':') || name.contains('.') {
            return Err(format!("invalid session: {name}"));
        }
    }
    if a.has('t') {
        // A grouped session: the target's windows linked into a new session.
        let f = find(
            state,
            client,
            a,
            't',
            FindKind::Session,
            FindFlags::default(),
        )?;
        let sid = {
            let mut reg = state.registry();
            let name = match a.get('s') {
                Some(n) => n.to_owned(),
                None => (0..)
                    .map(|i: u32| i.to_string())
                    .find(|n| !reg.sessions.values().any(|s| &s.name == n))
                    .unwrap_or_default(),
            };
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let sid = reg
                .new_grouped_session(SessionId(f.session), name.clone(), created)
                .map_err(|e| e.message)?;
            let mut e = crate::registry::event(
                tidemux_proto::EventKind::SessionCreated,
                Some(sid),
                None,
                None,
            );
            e.name = Some(name);
            state.events.publish(e);
            sid
        };
        state.bump_model();
        if a.has('P') {
            let fmt = a.get('F').unwrap_or(NEW_SESSION);
            out.line(&expand(state, Some(Resolved::Session(sid)), fmt));
        }
        if !a.has('d') || client.control.is_some() {
            out.attach = Some(sid.to_string());
        }
        return Ok(());
    }
    let (dx, dy) = {
        let o = lock(&state.options_store);
        let size = o
            .effective("default-size", None, None, None)
            .unwrap_or_default();
        let mut it = size.split('x').map(|n| n.parse::<u16>().ok());
        (
            it.next().flatten().unwrap_or(80),
            it.next().flatten().unwrap_or(24),
        )
    };
    // tmux cmd-new-session.c: a session that is attached at once (not -d, not a control
    // client) starts at the size of the client's terminal, less a status line when the
    // global `status` is not off; otherwise at `default-size`.
    let (gx, gy) = (dx, dy);
    let (dx, dy) = match client.size {
        Some((c, r)) if !a.has('d') && client.control.is_none() => {
            let status = lock(&state.options_store)
                .effective("status", None, None, None)
                .is_some_and(|v| v != "off");
            (c, if status && r > 0 { r - 1 } else { r })
        }
        _ => (dx, dy),
    };
    let cols = match a.get('x') {
        Some("-") | None => dx,
        Some(x) => number(x, "width")?,
    };
    let rows = match a.get('y') {
        Some("-") | None => dy,
        Some(y) => number(y, "height")?,
    };
    // The window itself: tmux spawn.c's `default_window_size` for the creating client (this
    // terminal, or the attached client whose key ran the command; none with -d or for a
    // control client), else the session's default-size (-x/-y, else the global one).
    let creator = if a.has('d') || client.control.is_some() {
        None
    } else {
        crate::commands::PEER_PID
            .try_with(|p| *p)
            .ok()
            .flatten()
            .and_then(|pid| crate::commands::attach::client_of_pid(state, pid))
            .map(crate::commands::resize::Creator::Client)
            .or_else(|| {
                (client.size.is_some())
                    .then_some(crate::commands::resize::Creator::Terminal(dx, dy))
            })
    };
    let fallback = if a.has('x') || a.has('y') {
        (cols, rows)
    } else {
        (gx, gy)
    };
    let (wcols, wrows) =
        crate::commands::resize::creation_size(state, None, creator).unwrap_or(fallback);
    let spawn = spawn_of(a, client, Some(NEW_SESSION))?;
    let r = call(
        state,
        client,
        out,
        Request::NewSession(tidemux_proto::NewSession {
            name: a.get('s').map(str::to_owned),
            window_name: a.get('n').map(str::to_owned),
            spawn,
            cols: Some(wcols),
            rows: Some(wrows),
            history_limit: None,
            remain_on_exit: false,
        }),
    )
    .await?;
    if let Response::Created(cr) = r {
        // tmux puts new-session's -e variables into the session's environment.
        let vars = env_of(a)?;
        if !vars.is_empty() {
            let mut env = lock(&state.environment);
            for (k, v) in vars {
                let _ = env.set(Some(cr.session), &k, Some(v), false);
            }
        }
        if a.has('x') || a.has('y') {
            // tmux cmd-new-session.c: -x/-y become the session's default-size (what
            // `resize-window -a/-A` fall back to without a client).
            let _ = lock(&state.options_store).set(
                crate::options::Where::Session(cr.session),
                "default-size",
                None,
                Some(&format!("{cols}x{rows}")),
                false,
                None,
            );
        }
        if a.has('P') {
            out.line(cr.text.as_deref().unwrap_or(""));
        }
        if !a.has('d') || client.control.is_some() {
            out.attach = Some(cr.session.to_string());
        }
    }
    Ok(())
}

/// `refresh-client`'s pan (`-c`, `-L`, `-R`, `-U`, `-D`, the first given in tmux's order),
/// its ADJUSTMENT (the one argument) and its client flags (`-F`, then `-f`, as tmux applies
/// them), for `Request::RefreshClient`.
pub(crate) fn refresh_args(a: &Args) -> (Option<String>, Option<String>, Option<String>) {
    let pan = ['c', 'L', 'R', 'U', 'D']
        .into_iter()
        .find(|f| a.has(*f))
        .map(String::from);
    let flags: Vec<&str> = [a.get('F'), a.get('f')].into_iter().flatten().collect();
    (
        pan,
        a.value(0),
        (!flags.is_empty()).then(|| flags.join(",")),
    )
}

/// tmux `send-keys`: each argument a key name, else literal text; `-l` literal, `-H` hex
/// bytes, `-N` repeat, `-X` copy-mode commands (tidemux has no copy mode in the server).
async fn send_keys(
    state: &Arc<ServerState>,
    c: &Cmd,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    use crate::input::keys::{encode_key, parse_key, KeyModes};
    let a = &c.args;
    let f = find(state, client, a, 't', FindKind::Pane, FindFlags::default())?;
    let pid = PaneId(f.pane.unwrap_or(0));
    let count: u32 = match a.get('N') {
        Some(n) => match n.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => return Err(format!("repeat count {n} invalid")),
        },
        None => 1,
    };
    if a.has('R') && c.entry.name == "send-keys" {
        // tmux input_reset(ictx, 1): the terminal's state is reset and its screen cleared
        // (as respawn-pane's screen_reinit), before any keys.
        let pane = state
            .registry()
            .pane(pid)
            .map(|e| Arc::clone(&e.pane))
            .map_err(|e| e.message)?;
        let mut st = pane.state();
        let seq = st.seq;
        st.screen.process(b"\x1b[?1049l\x1bc", seq);
    }
    let top = lock(&state.pane_modes).top(pid);
    if a.has('X') {
        return match top {
            Some(m) if m.has_commands() => {
                mode_command(state, pid, a.value(0).as_deref().unwrap_or(""));
                Ok(())
            }
            _ => Err("not in a mode".into()),
        };
    }
    if let Some(mode) = top {
        if c.entry.name != "send-prefix" && !a.has('H') {
            for _ in 0..count.min(MAX_MODE_KEYS) {
                for v in a.strings() {
                    mode_keys(state, f.session, pid, mode, &v, a.has('l')).await?;
                }
            }
        }
        return Ok(());
    }
    if lock(&state.pane_modes).input_off(pid) {
        // select-pane -d: input to the pane is dropped (tmux PANE_INPUTOFF).
        return Ok(());
    }
    let modes = {
        let pane = state
            .registry()
            .pane(pid)
            .map(|e| Arc::clone(&e.pane))
            .map_err(|e| e.message)?;
        let m = pane.state().screen.modes();
        KeyModes {
            application_cursor: m.application_cursor,
            application_keypad: m.application_keypad,
        }
    };
    let mut once = Vec::new();
    if c.entry.name == "send-prefix" {
        let prefix = lock(&state.options_store)
            .effective(
                if a.has('2') { "prefix2" } else { "prefix" },
                Some(SessionId(f.session)),
                None,
                None,
            )
            .unwrap_or_else(|| "C-b".into());
        if let Ok(k) = parse_key(&prefix) {
            encode_key(&k, modes, &mut once);
        }
    } else {
        for v in a.strings() {
            if a.has('H') {
                let b = u8::from_str_radix(&v, 16).map_err(|_| format!("invalid hex: {v}"))?;
                once.push(b);
            } else if a.has('l') {
                once.extend_from_slice(v.as_bytes());
            } else {
                match parse_key(&v) {
                    Ok(k) => encode_key(&k, modes, &mut once),
                    Err(_) => once.extend_from_slice(v.as_bytes()),
                }
            }
        }
    }
    if once.is_empty() {
        return Ok(());
    }
    let total = once.len() as u64 * u64::from(count);
    if total > crate::limits::MAX_KEY_INPUT {
        return Err(format!("repeat count {count} too large"));
    }
    call(
        state,
        client,
        out,
        Request::SendInput {
            target: Some(pid.to_string()),
            source: InputSource::Bytes(once.repeat(count as usize)),
            enter: false,
            submit_delay_ms: None,
            wait: None,
            timeout_ms: None,
        },
    )
    .await
    .map(drop)
}

/// Most repeats of keys sent to a pane in a mode (`send-keys -N`).
const MAX_MODE_KEYS: u32 = 1000;

/// `send-keys -X COMMAND` to a pane in copy or view mode: `cancel` and the `...-and-cancel`
/// commands leave the mode (tmux window-copy.c `WINDOW_COPY_CMD_CANCEL`); the others move
/// the copy-mode cursor and selection, which tidemux's server-side copy mode does not keep:
/// nothing happens, as tmux does for commands it does not know.
fn mode_command(state: &ServerState, pane: PaneId, command: &str) {
    if command == "cancel" || command.ends_with("-and-cancel") {
        let left = lock(&state.pane_modes).reset(pane);
        crate::hooks::mode_changed(state, pane, usize::from(left));
    }
}

/// Keys sent to a pane in a mode (tmux cmd-send-keys.c `cmd_send_keys_inject_key`): in copy
/// and view mode each key runs its binding in the `copy-mode` (`copy-mode-vi` with
/// `mode-keys vi`) key table; in other modes keys go to the mode only when a client is
/// attached (tmux passes no client otherwise): any key ends clock mode, `q`, `Escape` and
/// `C-g` end the choosers. The pane's program gets none of them.
async fn mode_keys(
    state: &Arc<ServerState>,
    session: u32,
    pane: PaneId,
    mode: crate::panemode::Mode,
    text: &str,
    literal: bool,
) -> Result<(), String> {
    use crate::keys::string;
    use crate::panemode::Mode;
    let code = string::parse(text);
    let keys: Vec<u64> = if !literal && code != string::NONE && code != string::UNKNOWN {
        vec![code & !string::MASK_FLAGS]
    } else {
        text.chars()
            .map(|ch| string::parse(ch.encode_utf8(&mut [0; 4])) & !string::MASK_FLAGS)
            .collect()
    };
    for key in keys {
        let Some(now) = lock(&state.pane_modes).top(pane) else {
            return Ok(());
        };
        if now != mode {
            return Ok(());
        }
        if mode.has_commands() {
            let table = match lock(&state.options_store)
                .effective("mode-keys", Some(SessionId(session)), None, Some(pane))
                .as_deref()
            {
                Some("vi") => "copy-mode-vi",
                _ => "copy-mode",
            };
            let command = lock(&state.keys)
                .get(table, key)
                .map(|b| crate::keys::print::runnable(&b.command));
            if let Some(command) = command {
                let sub = Client {
                    caller: Some(pane),
                    ..Client::default()
                };
                let o = Box::pin(super::run_command_text(state, &command, None, &sub)).await;
                if o.exit_code != 0 {
                    return Err(String::from_utf8_lossy(&o.stderr).trim_end().to_owned());
                }
            }
            continue;
        }
        if lock(&state.clients).is_empty() {
            continue;
        }
        let ends = match mode {
            Mode::Clock => true,
            _ => {
                let name = string::name(key);
                matches!(name.as_str(), "q" | "Escape" | "C-g")
            }
        };
        if ends {
            let left = lock(&state.pane_modes).reset(pane);
            crate::hooks::mode_changed(state, pane, usize::from(left));
        }
    }
    Ok(())
}

async fn options(
    state: &Arc<ServerState>,
    c: &Cmd,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    let a = &c.args;
    let setw = c.entry.name.ends_with("window-option") || c.entry.name == "show-window-options";
    let show = c.entry.name.starts_with("show");
    let flags = OptionFlags {
        global: a.has('g'),
        server: a.has('s'),
        window: a.has('w') || setw,
        pane: a.has('p'),
        unset: a.has('u'),
        unset_panes: a.has('U'),
        append: a.has('a'),
        only_if_unset: a.has('o'),
        quiet: a.has('q'),
        format: a.has('F'),
        values_only: a.has('v'),
        inherited: a.has('A'),
        hooks: a.has('H'),
    };
    // The target only matters for non-global session, window and pane options.
    let target = if flags.global || flags.server {
        None
    } else {
        let kind = if flags.pane {
            FindKind::Pane
        } else if flags.window {
            FindKind::Window
        } else {
            FindKind::Session
        };
        match find(state, client, a, 't', kind, FindFlags::default()) {
            Ok(f) => Some(match kind {
                FindKind::Pane => pane_of(&f)?,
                FindKind::Window => window_of(&f)?,
                FindKind::Session => session_of(&f),
            }),
            Err(e) if a.get('t').is_some() => return Err(e),
            Err(_) => None,
        }
    };
    if show {
        let r = call(
            state,
            client,
            out,
            Request::ShowOptions {
                target,
                option: a.value(0),
                flags,
            },
        )
        .await?;
        print_response(out, r);
        return Ok(());
    }
    let Some(option) = a.value(0) else {
        return Err("no option specified".into());
    };
    call(
        state,
        client,
        out,
        Request::SetOption {
            target,
            option,
            value: a.value(1),
            flags,
        },
    )
    .await
    .map(drop)
}

/// Whether a format is true for the client's current target (`%if`, `if-shell -F`).
pub fn format_true(
    state: &ServerState,
    client: &Client,
    target: Option<Resolved>,
    fmt: &str,
) -> bool {
    let t = target.or_else(|| current(state, client));
    is_true(&expand(state, t, fmt))
}
