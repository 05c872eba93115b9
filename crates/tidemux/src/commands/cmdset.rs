//! display-message, list-* -F/-f, -P -F (issue 11's command set).

use super::{unexpected, Ctx};
use crate::cli::TargetArg;
use crate::cli_cmdset::{CmdSetCommand, ListFormatArgs, PrintArgs, SetOptionArgs, ShowOptionsArgs};
use crate::output::{self, Failure};
use tidemux_proto::{Created, ListScope, OptionFlags, Request, Response};

/// tmux's `DISPLAY_MESSAGE_TEMPLATE`.
pub const DISPLAY_TEMPLATE: &str =
    "[#{session_name}] #{window_index}:#{window_name}, current pane #{pane_index} - (%H:%M %d-%b-%y)";

/// The command's name for error messages.
pub fn name(c: &CmdSetCommand) -> &'static str {
    match c {
        CmdSetCommand::DisplayMessage { .. } => "display-message",
        CmdSetCommand::SetOption(_) => "set-option",
        CmdSetCommand::SetWindowOption(_) => "set-window-option",
        CmdSetCommand::ShowOptions(_) => "show-options",
        CmdSetCommand::ShowWindowOptions(_) => "show-window-options",
        CmdSetCommand::SetBuffer { .. } => "set-buffer",
        CmdSetCommand::LoadBuffer { .. } => "load-buffer",
        CmdSetCommand::SaveBuffer { .. } => "save-buffer",
        CmdSetCommand::ShowBuffer { .. } => "show-buffer",
        CmdSetCommand::ListBuffers(_) => "list-buffers",
        CmdSetCommand::DeleteBuffer { .. } => "delete-buffer",
        CmdSetCommand::PasteBuffer { .. } => "paste-buffer",
        CmdSetCommand::SetEnvironment { .. } => "set-environment",
        CmdSetCommand::RunShell { .. } => "run-shell",
        CmdSetCommand::NextWindow { .. } => "next-window",
        CmdSetCommand::PreviousWindow { .. } => "previous-window",
        CmdSetCommand::DisplayPanes { .. } => "display-panes",
        CmdSetCommand::RefreshClient { .. } => "refresh-client",
        CmdSetCommand::ShowEnvironment { .. } => "show-environment",
    }
}

/// Runs one of the command-set commands.
pub fn run(ctx: &Ctx, c: CmdSetCommand) -> Result<(), Failure> {
    match c {
        CmdSetCommand::DisplayMessage {
            target,
            print,
            all,
            format,
            delay,
            client: _,
            message,
        } => display_message(ctx, target, print, all, format.or(message), delay),
        CmdSetCommand::SetOption(a) => set_option(ctx, a, false),
        CmdSetCommand::SetWindowOption(a) => set_option(ctx, a, true),
        CmdSetCommand::ShowOptions(a) => show_options(ctx, a, false),
        CmdSetCommand::ShowWindowOptions(a) => show_options(ctx, a, true),
        CmdSetCommand::SetBuffer {
            append,
            name,
            rename,
            client: _,
            data,
        } => {
            use std::os::unix::ffi::OsStringExt;
            if rename.is_none() && data.is_none() {
                return Err(Failure::new("invalid", "no data specified"));
            }
            simple(
                ctx,
                Request::SetBuffer {
                    name,
                    data: data.map(OsStringExt::into_vec).unwrap_or_default(),
                    append,
                    rename,
                },
            )
        }
        CmdSetCommand::LoadBuffer { name, path } => {
            let data = read_input(&path)?;
            simple(
                ctx,
                Request::SetBuffer {
                    name,
                    data,
                    append: false,
                    rename: None,
                },
            )
        }
        CmdSetCommand::SaveBuffer { append, name, path } => {
            let data = buffer_bytes(ctx, name)?;
            write_output(&path, &data, append)?;
            ctx.done();
            Ok(())
        }
        CmdSetCommand::ShowBuffer { name } => {
            let data = buffer_bytes(ctx, name)?;
            if ctx.json {
                output::json(&serde_json::json!({
                    "size": data.len(),
                    "utf8": std::str::from_utf8(&data).is_ok(),
                    "text": String::from_utf8_lossy(&data),
                }));
            } else {
                write_output(std::path::Path::new("-"), &data, false)?;
            }
            Ok(())
        }
        CmdSetCommand::ListBuffers(f) => list_buffers(ctx, &f),
        CmdSetCommand::DeleteBuffer { name } => simple(ctx, Request::DeleteBuffer { name }),
        CmdSetCommand::PasteBuffer {
            target,
            name,
            delete,
            bracket,
            keep_lf,
            separator,
        } => simple(
            ctx,
            Request::PasteBuffer {
                target: target.target,
                name,
                delete,
                bracket,
                keep_lf,
                separator,
            },
        ),
        CmdSetCommand::RunShell {
            target,
            background,
            delay,
            cwd,
            as_command,
            command,
        } => {
            if as_command {
                return Err(Failure::new(
                    "invalid",
                    "run-shell -C (run a tidemux command) is not supported yet; run `tidemux ...` as the shell command instead",
                ));
            }
            run_shell(ctx, target.target, command, background, delay, cwd)
        }
        CmdSetCommand::NextWindow { target } => simple(
            ctx,
            Request::CycleWindow {
                target: target.target,
                offset: 1,
            },
        ),
        CmdSetCommand::PreviousWindow { target } => simple(
            ctx,
            Request::CycleWindow {
                target: target.target,
                offset: -1,
            },
        ),
        // With a client or a size: that client (issue 11's pane commands).
        CmdSetCommand::RefreshClient {
            target,
            client,
            size,
            left,
            right,
            up,
            down,
            follow_cursor,
            flags,
            adjustment,
            ..
        } if client.is_some()
            || size.is_some()
            || flags.is_some()
            || left
            || right
            || up
            || down
            || follow_cursor =>
        {
            let pan = [
                (follow_cursor, "c"),
                (left, "L"),
                (right, "R"),
                (up, "U"),
                (down, "D"),
            ]
            .into_iter()
            .find(|(on, _)| *on)
            .map(|(_, p)| p.to_owned());
            simple(
                ctx,
                Request::RefreshClient {
                    client: client.or(target.target),
                    size,
                    pan,
                    adjustment,
                    flags,
                },
            )
        }
        // Both only check the target: the attach client redraws on every model change.
        CmdSetCommand::DisplayPanes { target, .. }
        | CmdSetCommand::RefreshClient { target, .. } => {
            ctx.call(Request::DisplayMessage {
                target: target.target,
                message: String::new(),
                print: true,
                all: false,
                duration_ms: None,
            })?;
            ctx.done();
            Ok(())
        }
        CmdSetCommand::SetEnvironment {
            target,
            global,
            unset,
            remove,
            hidden,
            format,
            name,
            value,
            ..
        } => simple(
            ctx,
            Request::SetEnvironment {
                target: target.target,
                name,
                value,
                global,
                unset,
                remove,
                hidden,
                format,
            },
        ),
        CmdSetCommand::ShowEnvironment {
            target,
            global,
            hidden,
            shell,
            name,
            ..
        } => {
            let r = ctx.call(Request::ShowEnvironment {
                target: target.target,
                name,
                global,
                hidden,
                shell,
            })?;
            match r {
                Response::Lines(v) if ctx.json => output::json(&v),
                Response::Lines(v) => v.iter().for_each(|l| output::line(l)),
                other => return Err(unexpected(&other)),
            }
            Ok(())
        }
    }
}

fn simple(ctx: &Ctx, req: Request) -> Result<(), Failure> {
    match ctx.call(req)? {
        Response::Ok => {
            ctx.done();
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// Largest file `load-buffer` reads (the server's buffer limit).
const MAX_LOAD: u64 = 8 * 1024 * 1024;

fn read_input(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut data = Vec::new();
    let res = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_LOAD + 1)
            .read_to_end(&mut data)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_LOAD + 1).read_to_end(&mut data))
    };
    res.map_err(|e| Failure::new("failed", format!("{}: {e}", path.display())))?;
    if data.len() as u64 > MAX_LOAD {
        return Err(Failure::new(
            "invalid",
            format!("{}: larger than {MAX_LOAD} bytes", path.display()),
        ));
    }
    Ok(data)
}

fn write_output(path: &std::path::Path, data: &[u8], append: bool) -> Result<(), Failure> {
    use std::io::Write;
    let res = if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(data).and_then(|_| out.flush())
    } else {
        std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .and_then(|mut f| f.write_all(data))
    };
    res.map_err(|e| Failure::new("failed", format!("{}: {e}", path.display())))
}

fn buffer_bytes(ctx: &Ctx, name: Option<String>) -> Result<Vec<u8>, Failure> {
    match ctx.call(Request::ShowBuffer { name })? {
        Response::Bytes(b) => Ok(b),
        other => Err(unexpected(&other)),
    }
}

/// tmux's `LIST_BUFFERS_TEMPLATE`.
const LIST_BUFFERS_TEMPLATE: &str = "#{buffer_name}: #{buffer_size} bytes: \"#{buffer_sample}\"";

fn list_buffers(ctx: &Ctx, f: &ListFormatArgs) -> Result<(), Failure> {
    if f.format.is_some() || f.filter.is_some() {
        let fmt = ListFormatArgs {
            format: Some(f.format.clone().unwrap_or_else(|| {
                if ctx.json {
                    "#{buffer_name}".to_owned()
                } else {
                    LIST_BUFFERS_TEMPLATE.to_owned()
                }
            })),
            filter: f.filter.clone(),
        };
        if f.format.is_some() || !ctx.json {
            list(ctx, ListScope::Buffers, None, false, &fmt)?;
            return Ok(());
        }
        // --json with only a filter: the objects that pass.
        let Listed::Ids(names) = list(
            ctx,
            ListScope::Buffers,
            None,
            false,
            &ListFormatArgs {
                format: None,
                filter: f.filter.clone(),
            },
        )?
        else {
            return Ok(());
        };
        let all = match ctx.call(Request::ListBuffers)? {
            Response::Buffers(v) => v,
            other => return Err(unexpected(&other)),
        };
        output::json(
            &all.into_iter()
                .filter(|b| names.contains(&b.name))
                .collect::<Vec<_>>(),
        );
        return Ok(());
    }
    match ctx.call(Request::ListBuffers)? {
        Response::Buffers(v) if ctx.json => output::json(&v),
        Response::Buffers(v) => {
            for b in v {
                output::line(&format!("{}: {} bytes: \"{}\"", b.name, b.size, b.sample));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

fn set_option(ctx: &Ctx, a: SetOptionArgs, window: bool) -> Result<(), Failure> {
    let flags = OptionFlags {
        global: a.global,
        server: a.server,
        window: a.window || window,
        pane: a.pane,
        unset: a.unset,
        unset_panes: a.unset_panes,
        append: a.append,
        only_if_unset: a.only_if_unset,
        quiet: a.quiet,
        format: a.format,
        ..Default::default()
    };
    let r = ctx.call(Request::SetOption {
        target: a.target.target,
        option: a.option,
        value: a.value,
        flags,
    })?;
    match r {
        Response::Ok => {
            ctx.done();
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

fn show_options(ctx: &Ctx, a: ShowOptionsArgs, window: bool) -> Result<(), Failure> {
    let flags = OptionFlags {
        global: a.global,
        server: a.server,
        window: a.window || window,
        pane: a.pane,
        values_only: a.values_only,
        quiet: a.quiet,
        inherited: a.inherited,
        hooks: a.hooks,
        ..Default::default()
    };
    let r = ctx.call(Request::ShowOptions {
        target: a.target.target,
        option: a.option,
        flags,
    })?;
    match r {
        Response::Lines(v) if ctx.json => output::json(&v),
        Response::Lines(v) => v.iter().for_each(|l| output::line(l)),
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

fn display_message(
    ctx: &Ctx,
    target: TargetArg,
    print: bool,
    all: bool,
    message: Option<String>,
    delay: Option<u64>,
) -> Result<(), Failure> {
    let req = Request::DisplayMessage {
        target: target.target,
        message: message.unwrap_or_else(|| DISPLAY_TEMPLATE.to_owned()),
        print,
        all,
        duration_ms: delay,
    };
    match ctx.call(req)? {
        Response::Text(t) if ctx.json => output::json(&serde_json::json!({ "text": t })),
        Response::Text(t) => {
            if print {
                output::line(&t);
            }
        }
        Response::Lines(v) if ctx.json => {
            let map: serde_json::Map<String, serde_json::Value> = v
                .iter()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v.to_owned())))
                .collect();
            output::json(&map);
        }
        Response::Lines(v) => v.iter().for_each(|l| output::line(l)),
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `-P [-F FORMAT]` after a creation: prints the text the server expanded for the new pane
/// (`Created::text`). Returns false when -P was not given.
pub fn print_created(ctx: &Ctx, p: &PrintArgs, c: &Created) -> Result<bool, Failure> {
    if !p.print {
        return Ok(false);
    }
    if ctx.json {
        output::json(c);
    } else {
        output::line(c.text.as_deref().unwrap_or(""));
    }
    Ok(true)
}

/// What [`list`] did.
pub enum Listed {
    /// Neither -F nor -f: the caller prints its usual listing.
    Plain,
    /// -F: the lines were printed.
    Printed,
    /// Only -f: the ids (`$N`, `@N`, `%N`) of the objects that pass the filter; the caller
    /// prints its usual listing of those.
    Ids(Vec<String>),
}

/// `list-* -F/-f`.
pub fn list(
    ctx: &Ctx,
    scope: ListScope,
    target: Option<String>,
    all: bool,
    f: &ListFormatArgs,
) -> Result<Listed, Failure> {
    if f.format.is_none() && f.filter.is_none() {
        return Ok(Listed::Plain);
    }
    let id_format = match scope {
        ListScope::Buffers => "#{buffer_name}",
        ListScope::Sessions => "#{session_id}",
        ListScope::Windows => "#{window_id}",
        ListScope::Panes => "#{pane_id}",
    };
    let req = Request::FormatList {
        scope,
        target,
        all,
        format: f.format.clone().unwrap_or_else(|| id_format.to_owned()),
        filter: f.filter.clone(),
    };
    let lines = match ctx.call(req)? {
        Response::Lines(v) => v,
        other => return Err(unexpected(&other)),
    };
    if f.format.is_none() {
        return Ok(Listed::Ids(lines));
    }
    if ctx.json {
        output::json(&lines);
    } else {
        lines.iter().for_each(|l| output::line(l));
    }
    Ok(Listed::Printed)
}

/// `wait-for -L|-U CHANNEL [--timeout SECONDS]`.
pub fn wait_lock(
    ctx: &Ctx,
    unlock: bool,
    timeout: Option<f64>,
    channel: String,
) -> Result<(), Failure> {
    let timeout_ms = match timeout {
        None => None,
        Some(t) if t.is_finite() && t >= 0.0 => Some((t * 1000.0).round() as u64),
        Some(t) => {
            return Err(Failure::new(
                "invalid",
                format!("bad timeout {t}: expected seconds >= 0"),
            ))
        }
    };
    match ctx.call(Request::WaitForLock {
        channel: channel.clone(),
        unlock,
        timeout_ms,
    })? {
        Response::Ok => {
            if ctx.json {
                output::json(&serde_json::json!({
                    "channel": channel,
                    "result": if unlock { "unlocked" } else { "locked" },
                }));
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// `kill-pane`, `kill-window`, `kill-session`, with `-a` for every other one.
pub fn kill(
    ctx: &Ctx,
    scope: tidemux_proto::KillScope,
    k: crate::cli_cmdset::KillArgs,
) -> Result<(), Failure> {
    use tidemux_proto::KillScope;
    let target = k.target.target;
    let req = match (k.all_others, scope) {
        (true, scope) => Request::KillOthers { scope, target },
        (false, KillScope::Pane) => Request::KillPane { target },
        (false, KillScope::Window) => Request::KillWindow { target },
        (false, KillScope::Session) => Request::KillSession { target },
    };
    ctx.call(req)?;
    ctx.done();
    Ok(())
}

/// Whether a session named exactly `name` exists (false when no server runs).
pub fn session_exists(ctx: &Ctx, name: &str) -> bool {
    let Ok(mut c) = ctx.connect() else {
        return false;
    };
    matches!(
        c.request(Request::FormatList {
            scope: ListScope::Sessions,
            target: None,
            all: false,
            format: "#{session_name}".into(),
            filter: None,
        }),
        Ok(Response::Lines(v)) if v.iter().any(|s| s == name)
    )
}

/// Prints `format` expanded for `target` (`-P` of `new-session -A` on an existing session).
pub fn display_print(ctx: &Ctx, target: &str, format: &str) -> Result<(), Failure> {
    match ctx.call(Request::DisplayMessage {
        target: Some(target.to_owned()),
        message: format.to_owned(),
        print: true,
        all: false,
        duration_ms: None,
    })? {
        Response::Text(t) if ctx.json => output::json(&serde_json::json!({ "text": t })),
        Response::Text(t) => output::line(&t),
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

fn run_shell(
    ctx: &Ctx,
    target: Option<String>,
    command: String,
    background: bool,
    delay_secs: Option<f64>,
    cwd: Option<String>,
) -> Result<(), Failure> {
    let r = ctx.call(Request::RunShell {
        target,
        command: command.clone(),
        background,
        delay_secs,
        cwd,
    })?;
    let ran = match r {
        Response::Ok => {
            ctx.done();
            return Ok(());
        }
        Response::Ran(r) => r,
        other => return Err(unexpected(&other)),
    };
    if ctx.json {
        output::json(&serde_json::json!({
            "output": String::from_utf8_lossy(&ran.output),
            "code": ran.code,
            "signal": ran.signal,
        }));
    } else {
        write_output(std::path::Path::new("-"), &ran.output, false)?;
    }
    // tmux: the client exits with the command's status (128+N for a signal).
    match (ran.code, ran.signal) {
        (Some(0), _) => Ok(()),
        (Some(c), _) => Err(Failure {
            code: u8::try_from(c).unwrap_or(1),
            kind: "failed",
            message: format!("'{command}' returned {c}"),
            printed: ctx.json,
        }),
        (None, Some(sig)) => Err(Failure {
            code: u8::try_from(128 + sig).unwrap_or(1),
            kind: "failed",
            message: format!("'{command}' terminated by signal {sig}"),
            printed: ctx.json,
        }),
        (None, None) => Ok(()),
    }
}
