//! new-session, new-window, split-window and the commands that only change the model.

use super::{expect_ok, unexpected, Ctx};
use crate::cli::{AttachFlags, NewSessionArgs, SpawnArgs};
use crate::output::{self, Failure};
use tidemux_proto::{NewSession, Request, Response, Spawn, SplitDirection, SplitSize};

fn spawn_of(a: SpawnArgs) -> Result<Spawn, Failure> {
    let mut env = Vec::new();
    for kv in a.env {
        match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => env.push((k.to_owned(), v.to_owned())),
            _ => {
                return Err(Failure::new(
                    "invalid",
                    format!("bad -e '{kv}': expected KEY=VALUE"),
                ))
            }
        }
    }
    Ok(Spawn {
        command: a.command,
        cwd: a.cwd,
        client_cwd: std::env::current_dir()
            .ok()
            .map(|d| d.display().to_string()),
        env,
        print_format: None,
        remain_on_exit: a.remain_on_exit,
        worktree: super::orch::worktree_spec(a.worktree, a.base, a.repo, a.worktree_dir),
        insert: None,
        zoom: false,
    })
}

/// `spawn` with the `-P [-F]` format to expand for the new pane.
fn spawn_printing(
    a: SpawnArgs,
    print: &crate::cli_cmdset::PrintArgs,
    template: &str,
) -> Result<Spawn, Failure> {
    let mut s = spawn_of(a)?;
    if print.print {
        s.print_format = Some(print.format.clone().unwrap_or_else(|| template.to_owned()));
    }
    Ok(s)
}

/// tmux's `NEW_SESSION_TEMPLATE`.
const NEW_SESSION_TEMPLATE: &str = "#{session_name}:";
/// tmux's `NEW_WINDOW_TEMPLATE` and `SPLIT_WINDOW_TEMPLATE`.
const NEW_PANE_TEMPLATE: &str = "#{session_name}:#{window_index}.#{pane_index}";

fn print_created(
    ctx: &Ctx,
    r: Response,
    print: &crate::cli_cmdset::PrintArgs,
) -> Result<(), Failure> {
    match r {
        Response::Created(c) => {
            if super::cmdset::print_created(ctx, print, &c)? {
                return Ok(());
            }
            if ctx.json {
                // `text` is only printed with -P.
                let mut v = serde_json::to_value(&c).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.remove("text");
                }
                output::json(&v);
            } else {
                output::line(&c.pane.to_string());
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// `new-session`.
pub fn new_session(ctx: &Ctx, a: NewSessionArgs) -> Result<(), Failure> {
    if a.attach_existing {
        if let Some(name) = a.name.clone() {
            if super::cmdset::session_exists(ctx, &name) {
                if !a.detached {
                    return attach(ctx, Some(name), (false, None), &a.attach);
                }
                if a.print.print {
                    let fmt = a
                        .print
                        .format
                        .clone()
                        .unwrap_or_else(|| NEW_SESSION_TEMPLATE.to_owned());
                    super::cmdset::display_print(ctx, &name, &fmt)?;
                } else {
                    ctx.done();
                }
                return Ok(());
            }
        }
    }
    if !a.detached {
        // Check everything the attachment needs before creating anything.
        check_can_attach(&a.attach)?;
    }
    let (cols, rows) = if a.detached || a.cols.is_some() || a.rows.is_some() {
        (a.cols, a.rows)
    } else {
        // An attached session starts at the terminal's size, less the status line.
        let (c, r) = tidemux_client::attach::term::size();
        (Some(c), Some(r.saturating_sub(1).max(1)))
    };
    let detached = a.detached;
    let flags = a.attach.clone();
    let print = a.print.clone();
    let a = crate::cli::NewSessionArgs { cols, rows, ..a };
    let remain_on_exit = a.spawn.remain_on_exit;
    let req = Request::NewSession(NewSession {
        name: a.name,
        window_name: a.window_name,
        spawn: spawn_printing(a.spawn, &print, NEW_SESSION_TEMPLATE)?,
        cols: a.cols,
        rows: a.rows,
        history_limit: a.history_limit,
        remain_on_exit,
    });
    let r = expect_ok(ctx.connect_or_start()?.request(req)?)?;
    if detached {
        return print_created(ctx, r, &print);
    }
    match r {
        Response::Created(c) => attach(ctx, Some(c.session.to_string()), (false, None), &flags),
        other => Err(unexpected(&other)),
    }
}

/// The prefix key: `--prefix`, else `$TIDEMUX_PREFIX`, else `None` (the server's `prefix`
/// and `prefix2` options, default C-b).
fn prefix_of(flags: &AttachFlags) -> Result<Option<String>, Failure> {
    let name = flags.prefix.clone().or_else(|| {
        std::env::var("TIDEMUX_PREFIX")
            .ok()
            .filter(|s| !s.is_empty())
    });
    match name {
        None => Ok(None),
        Some(n) => tidemux_client::attach::bindings::canonical(&n)
            .map(Some)
            .map_err(|e| Failure::new("invalid", e)),
    }
}

/// Refuses nesting (as tmux does) unless forced, and needs a terminal.
fn check_can_attach(flags: &AttachFlags) -> Result<(), Failure> {
    use std::io::IsTerminal;
    prefix_of(flags)?;
    if std::env::var_os("TIDEMUX").is_some_and(|v| !v.is_empty()) && !flags.force {
        return Err(Failure::new(
            "nested",
            "sessions should be nested with care: this shell runs inside a tidemux pane ($TIDEMUX is set); use --force to attach anyway",
        ));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            "not_a_terminal",
            "attaching needs a terminal on stdin (use new-session -d for scripts)",
        ));
    }
    Ok(())
}

/// `attach [-t SESSION] [-r] [-f FLAGS]`: runs the interactive client; prints why it
/// stopped. `(read_only, client_flags)`: `-r` and `-f` (tmux's client flags).
pub fn attach(
    ctx: &Ctx,
    target: Option<String>,
    (read_only, client_flags): (bool, Option<String>),
    flags: &AttachFlags,
) -> Result<(), Failure> {
    check_can_attach(flags)?;
    let mut opts = tidemux_client::attach::AttachOptions {
        target,
        read_only,
        flags: client_flags,
        prefix: prefix_of(flags)?,
    };
    loop {
        let exit = tidemux_client::attach::attach(&ctx.socket, &opts).map_err(Failure::from)?;
        // A live upgrade (`upgrade-server`) ends the attachment: attach again to the same
        // session, served by the new binary (docs/continuity.md).
        if let Some(session) = exit.upgraded() {
            if !session.is_empty() {
                opts.target = Some(session.to_owned());
            }
            continue;
        }
        output::line(&exit.message());
        exit.finish();
        return Ok(());
    }
}

/// `new-window`.
#[allow(clippy::too_many_arguments)]
pub fn new_window(
    ctx: &Ctx,
    target: Option<String>,
    name: Option<String>,
    detached: bool,
    print: crate::cli_cmdset::PrintArgs,
    remain_on_exit: bool,
    spawn: SpawnArgs,
    insert: Option<tidemux_proto::InsertAt>,
) -> Result<(), Failure> {
    let r = ctx.call(Request::NewWindow {
        target,
        name,
        spawn: Spawn {
            remain_on_exit,
            insert,
            ..spawn_printing(spawn, &print, NEW_PANE_TEMPLATE)?
        },
        detached,
    })?;
    print_created(ctx, r, &print)
}

/// Parses `-l CELLS|N%`.
fn parse_size(s: &str) -> Result<SplitSize, Failure> {
    let bad = || {
        Failure::new(
            "invalid",
            format!("bad size '{s}': expected CELLS (e.g. 20) or a percentage (e.g. 30%)"),
        )
    };
    if let Some(p) = s.strip_suffix('%') {
        let p: u8 = p.parse().map_err(|_| bad())?;
        if !(1..=99).contains(&p) {
            return Err(bad());
        }
        Ok(SplitSize::Percent(p))
    } else {
        let c: u16 = s.parse().map_err(|_| bad())?;
        if c == 0 {
            return Err(bad());
        }
        Ok(SplitSize::Cells(c))
    }
}

/// `split-window`.
#[allow(clippy::too_many_arguments)]
pub fn split_window(
    ctx: &Ctx,
    target: Option<String>,
    horizontal: bool,
    size: Option<String>,
    (detached, before, full): (bool, bool, bool),
    print: crate::cli_cmdset::PrintArgs,
    remain_on_exit: bool,
    spawn: SpawnArgs,
    zoom: bool,
) -> Result<(), Failure> {
    let size = size.as_deref().map(parse_size).transpose()?;
    let direction = if horizontal {
        SplitDirection::Horizontal
    } else {
        SplitDirection::Vertical
    };
    let r = ctx.call(Request::SplitWindow {
        target,
        direction,
        size,
        spawn: Spawn {
            remain_on_exit,
            zoom,
            ..spawn_printing(spawn, &print, NEW_PANE_TEMPLATE)?
        },
        detached,
        before,
        full,
    })?;
    print_created(ctx, r, &print)
}

/// Commands whose reply is just "ok".
pub fn simple(ctx: &Ctx, req: Request) -> Result<(), Failure> {
    ctx.call(req)?;
    ctx.done();
    Ok(())
}
