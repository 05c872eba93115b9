//! new-session, new-window, split-window and the commands that only change the model.

use super::{expect_ok, unexpected, Ctx};
use crate::cli::{NewSessionArgs, SpawnArgs};
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
    })
}

fn print_created(ctx: &Ctx, r: Response) -> Result<(), Failure> {
    match r {
        Response::Created(c) => {
            if ctx.json {
                output::json(&c);
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
    if !a.detached {
        return Err(Failure::new(
            "not_built",
            "attaching is not built yet; add -d to create the session detached",
        ));
    }
    let req = Request::NewSession(NewSession {
        name: a.name,
        window_name: a.window_name,
        spawn: spawn_of(a.spawn)?,
        cols: a.cols,
        rows: a.rows,
        history_limit: a.history_limit,
        remain_on_exit: a.remain_on_exit,
    });
    let r = expect_ok(ctx.connect_or_start()?.request(req)?)?;
    print_created(ctx, r)
}

/// `new-window`.
pub fn new_window(
    ctx: &Ctx,
    target: Option<String>,
    name: Option<String>,
    detached: bool,
    spawn: SpawnArgs,
) -> Result<(), Failure> {
    let r = ctx.call(Request::NewWindow {
        target,
        name,
        spawn: spawn_of(spawn)?,
        detached,
    })?;
    print_created(ctx, r)
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
pub fn split_window(
    ctx: &Ctx,
    target: Option<String>,
    horizontal: bool,
    size: Option<String>,
    detached: bool,
    spawn: SpawnArgs,
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
        spawn: spawn_of(spawn)?,
        detached,
    })?;
    print_created(ctx, r)
}

/// Commands whose reply is just "ok".
pub fn simple(ctx: &Ctx, req: Request) -> Result<(), Failure> {
    ctx.call(req)?;
    ctx.done();
    Ok(())
}
