//! display-message, list-* -F/-f, -P -F (issue 11's command set).

use super::{unexpected, Ctx};
use crate::cli::TargetArg;
use crate::cli_cmdset::{CmdSetCommand, ListFormatArgs, PrintArgs};
use crate::output::{self, Failure};
use tidemux_proto::{Created, ListScope, Request, Response};

/// tmux's `DISPLAY_MESSAGE_TEMPLATE`.
pub const DISPLAY_TEMPLATE: &str =
    "[#{session_name}] #{window_index}:#{window_name}, current pane #{pane_index} - (%H:%M %d-%b-%y)";

/// The command's name for error messages.
pub fn name(c: &CmdSetCommand) -> &'static str {
    match c {
        CmdSetCommand::DisplayMessage { .. } => "display-message",
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
    }
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

/// Expands `format` for one target (`display-message -p -t TARGET FORMAT`).
pub fn expand_for(ctx: &Ctx, target: String, format: String) -> Result<String, Failure> {
    let req = Request::DisplayMessage {
        target: Some(target),
        message: format,
        print: true,
        all: false,
        duration_ms: None,
    };
    match ctx.call(req)? {
        Response::Text(t) => Ok(t),
        other => Err(unexpected(&other)),
    }
}

/// `-P [-F FORMAT]` after a creation: prints the format expanded for the new pane (`default`
/// is tmux's template for the command). Returns false when -P was not given.
pub fn print_created(
    ctx: &Ctx,
    p: &PrintArgs,
    c: &Created,
    default: &str,
) -> Result<bool, Failure> {
    if !p.print {
        return Ok(false);
    }
    let fmt = p.format.clone().unwrap_or_else(|| default.to_owned());
    let text = expand_for(ctx, c.pane.to_string(), fmt)?;
    if ctx.json {
        let mut v = serde_json::to_value(c).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("text".into(), serde_json::Value::String(text));
        }
        output::json(&v);
    } else {
        output::line(&text);
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
