//! respawn-pane, respawn-window, pipe-pane, capture-pane, clear-history (issue 11).

use super::{unexpected, Ctx};
use crate::cli_panecmds::{PaneCmdsCommand, RespawnArgs};
use crate::output::{self, Failure};
use tidemux_proto::{CaptureOptions, Request, Response, Spawn};

/// tmux's `LIST_CLIENTS_TEMPLATE`.
const LIST_CLIENTS_TEMPLATE: &str = "#{client_name}: #{session_name} [#{client_width}x#{client_height} #{client_termname}] #{?#{!=:#{client_uid},#{uid}},[user #{?client_user,#{client_user},#{client_uid},}] ,}#{?client_flags,(,}#{client_flags}#{?client_flags,),}";

/// The command's name for error messages.
pub fn name(c: &PaneCmdsCommand) -> &'static str {
    match c {
        PaneCmdsCommand::RespawnPane(_) => "respawn-pane",
        PaneCmdsCommand::RespawnWindow(_) => "respawn-window",
        PaneCmdsCommand::PipePane { .. } => "pipe-pane",
        PaneCmdsCommand::CapturePane { .. } => "capture-pane",
        PaneCmdsCommand::ClearHistory(_) => "clear-history",
        PaneCmdsCommand::ListClients { .. } => "list-clients",
        PaneCmdsCommand::SwitchClient { .. } => "switch-client",
    }
}

/// `-c` relative to this process's directory, `-e KEY=VALUE` split.
fn respawn_spawn(a: &RespawnArgs) -> Result<Spawn, Failure> {
    let mut env = Vec::new();
    for kv in &a.env {
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
    let here = std::env::current_dir().ok();
    let cwd = a.cwd.as_ref().map(|c| match &here {
        Some(h) if !c.starts_with('/') && !c.starts_with('~') => h.join(c).display().to_string(),
        _ => c.clone(),
    });
    Ok(Spawn {
        command: a.command.clone(),
        cwd,
        client_cwd: here.map(|d| d.display().to_string()),
        env,
        ..Spawn::default()
    })
}

fn simple(ctx: &Ctx, req: Request) -> Result<(), Failure> {
    ctx.call(req)?;
    ctx.done();
    Ok(())
}

/// Runs one of the pane commands.
pub fn run(ctx: &Ctx, c: PaneCmdsCommand) -> Result<(), Failure> {
    match c {
        PaneCmdsCommand::RespawnPane(a) => {
            let spawn = respawn_spawn(&a)?;
            simple(
                ctx,
                Request::RespawnPane {
                    target: a.target.target,
                    kill: a.kill,
                    spawn,
                },
            )
        }
        PaneCmdsCommand::RespawnWindow(a) => {
            let spawn = respawn_spawn(&a)?;
            simple(
                ctx,
                Request::RespawnWindow {
                    target: a.target.target,
                    kill: a.kill,
                    spawn,
                },
            )
        }
        PaneCmdsCommand::PipePane {
            target,
            toggle,
            input,
            output,
            command,
            ..
        } => simple(
            ctx,
            Request::PipePane {
                target: target.target,
                command,
                toggle,
                input,
                output,
            },
        ),
        PaneCmdsCommand::CapturePane {
            target,
            alternate,
            buffer,
            octal,
            escapes,
            end,
            join,
            trailing,
            print,
            pending,
            quiet,
            start,
        } => {
            let options = CaptureOptions {
                print,
                buffer,
                start,
                end,
                escapes,
                octal,
                join,
                trailing,
                pending,
                alternate,
                quiet,
            };
            let r = ctx.call(Request::CapturePane {
                target: target.target,
                options,
            })?;
            match r {
                Response::Bytes(data) => {
                    if ctx.json {
                        output::json(&serde_json::json!({
                            "size": data.len(),
                            "text": String::from_utf8_lossy(&data),
                        }));
                    } else {
                        use std::io::Write;
                        let mut out = std::io::stdout().lock();
                        out.write_all(&data)
                            .and_then(|()| out.flush())
                            .map_err(|e| {
                                Failure::new("failed", format!("cannot write the capture: {e}"))
                            })?;
                    }
                    Ok(())
                }
                Response::Ok => {
                    ctx.done();
                    Ok(())
                }
                other => Err(unexpected(&other)),
            }
        }
        PaneCmdsCommand::ClearHistory(t) => simple(ctx, Request::ClearHistory { target: t.target }),
        PaneCmdsCommand::ListClients { target, fmt } => {
            let format = match (&fmt.format, ctx.json) {
                (Some(f), _) => Some(f.clone()),
                (None, false) => Some(LIST_CLIENTS_TEMPLATE.to_owned()),
                (None, true) => None,
            };
            let r = ctx.call(Request::ListClients {
                target: target.target,
                format,
                filter: fmt.filter,
            })?;
            match r {
                Response::Lines(lines) if ctx.json => {
                    output::json(&lines);
                    Ok(())
                }
                Response::Lines(lines) => {
                    for l in lines {
                        output::line(&l);
                    }
                    Ok(())
                }
                Response::Clients(c) => {
                    output::json(&c);
                    Ok(())
                }
                other => Err(unexpected(&other)),
            }
        }
        PaneCmdsCommand::SwitchClient {
            target,
            client,
            next,
            previous,
            last,
            read_only,
            ..
        } => simple(
            ctx,
            Request::SwitchClient {
                client,
                target: target.target,
                next,
                previous,
                last,
                toggle_read_only: read_only,
            },
        ),
    }
}
