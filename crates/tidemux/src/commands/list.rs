//! list-sessions, list-windows, list-panes.

use super::cmdset::{self, Listed};
use super::{unexpected, Ctx};
use crate::cli_cmdset::ListFormatArgs;
use crate::output::{self, Failure};
use tidemux_proto::{ListScope, Request, Response};

/// Runs -F/-f: `Ok(None)` when the lines are printed, else which ids to keep (`None` = all).
fn formatted(
    ctx: &Ctx,
    scope: ListScope,
    target: Option<String>,
    all: bool,
    f: &ListFormatArgs,
) -> Result<Option<Option<Vec<String>>>, Failure> {
    Ok(match cmdset::list(ctx, scope, target, all, f)? {
        Listed::Plain => Some(None),
        Listed::Printed => None,
        Listed::Ids(ids) => Some(Some(ids)),
    })
}

fn keep(ids: &Option<Vec<String>>, id: String) -> bool {
    ids.as_ref().is_none_or(|v| v.contains(&id))
}

/// `list-sessions [-F FORMAT] [-f FILTER]`.
pub fn sessions(ctx: &Ctx, f: &ListFormatArgs) -> Result<(), Failure> {
    let Some(ids) = formatted(ctx, ListScope::Sessions, None, false, f)? else {
        return Ok(());
    };
    match ctx.call(Request::ListSessions)? {
        Response::Sessions(mut v) => {
            v.retain(|s| keep(&ids, s.id.to_string()));
            print_sessions(ctx, v);
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

fn print_sessions(ctx: &Ctx, v: Vec<tidemux_proto::SessionInfo>) {
    match v {
        v if ctx.json => output::json(&v),
        v => {
            for s in v {
                output::line(&format!("{}: {} windows ({})", s.name, s.windows, s.id));
            }
        }
    }
}

/// `list-windows`.
pub fn windows(
    ctx: &Ctx,
    target: Option<String>,
    all: bool,
    f: &ListFormatArgs,
) -> Result<(), Failure> {
    let Some(ids) = formatted(ctx, ListScope::Windows, target.clone(), all, f)? else {
        return Ok(());
    };
    match ctx.call(Request::ListWindows { target, all })? {
        Response::Windows(mut v) if ctx.json => {
            v.retain(|w| keep(&ids, w.id.to_string()));
            output::json(&v)
        }
        Response::Windows(v) => {
            for w in v.into_iter().filter(|w| keep(&ids, w.id.to_string())) {
                let prefix = if all {
                    format!("{}:", w.session_name)
                } else {
                    String::new()
                };
                output::line(&format!(
                    "{prefix}{}: {}{} ({} panes) [{}x{}] {}",
                    w.index,
                    w.name,
                    if w.active { "*" } else { "" },
                    w.panes,
                    w.cols,
                    w.rows,
                    w.id
                ));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `list-panes`.
pub fn panes(
    ctx: &Ctx,
    target: Option<String>,
    all: bool,
    f: &ListFormatArgs,
) -> Result<(), Failure> {
    let Some(ids) = formatted(ctx, ListScope::Panes, target.clone(), all, f)? else {
        return Ok(());
    };
    // The text form prints no `/proc` field (foreground, cwd): ask for the cheap rows.
    let brief = !ctx.json;
    match ctx.call(Request::ListPanes { target, all, brief })? {
        Response::Panes(mut v) if ctx.json => {
            v.retain(|p| keep(&ids, p.id.to_string()));
            output::json(&v)
        }
        Response::Panes(v) => {
            for p in v.into_iter().filter(|p| keep(&ids, p.id.to_string())) {
                let prefix = if all {
                    format!("{}:{}.", p.session_name, p.window_index)
                } else {
                    String::new()
                };
                let name = p
                    .name
                    .as_deref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default();
                let state = match (&p.exit, p.dead) {
                    (Some(e), _) => match (e.code, &e.signal) {
                        (Some(c), _) => format!(" dead (status {c})"),
                        (_, Some(s)) => format!(" dead ({s})"),
                        _ => " dead".into(),
                    },
                    (None, _) if p.closed_at.is_some() => " closed".into(),
                    (None, _) => String::new(),
                };
                output::line(&format!(
                    "{prefix}{}: [{}x{}] {}{name} {}{}{state}",
                    p.index,
                    p.cols,
                    p.rows,
                    p.id,
                    p.command,
                    if p.active { " (active)" } else { "" },
                ));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `status [-t TARGET]`: a short table of every pane (or the target's), for a glance.
pub fn status(ctx: &Ctx, target: Option<String>) -> Result<(), Failure> {
    let all = target.is_none();
    match ctx.call(Request::ListPanes {
        target,
        all,
        brief: false,
    })? {
        Response::Panes(v) if ctx.json => output::json(&v),
        Response::Panes(v) => {
            output::line(&format!(
                "{:<6} {:<20} {:<14} {:<18} {:>8} {:<5} TITLE",
                "PANE", "WHERE", "STATE", "FOREGROUND", "QUIET", "FLAGS"
            ));
            for p in v {
                let place = format!("{}:{}.{}", p.session_name, p.window_index, p.index);
                let place = p
                    .name
                    .clone()
                    .map_or(place.clone(), |n| format!("{n} ({place})"));
                let state = match (&p.exit, p.state) {
                    (Some(e), _) => match (e.code, &e.signal) {
                        (Some(c), _) => format!("exited({c})"),
                        (_, Some(s)) => format!("exited({s})"),
                        _ => "exited".into(),
                    },
                    (None, s) => s.as_str().to_owned(),
                };
                let fg = p
                    .foreground
                    .as_ref()
                    .map(|f| format!("{}({})", f.name, f.pid))
                    .unwrap_or_else(|| "-".into());
                let flags = format!(
                    "{}{}",
                    if p.attention { "!" } else { "" },
                    if p.bell { "B" } else { "" }
                );
                let title = p
                    .attention_message
                    .as_deref()
                    .map_or(p.title.clone(), |m| format!("[{m}] {}", p.title));
                // A self-reported state's message comes first (`status --set ... --message`).
                let title = p
                    .state_message
                    .as_deref()
                    .map_or(title.clone(), |m| format!("({m}) {title}"));
                output::line(&format!(
                    "{:<6} {:<20} {:<14} {:<18} {:>7.1}s {:<5} {}",
                    p.id.to_string(),
                    place,
                    state,
                    fg,
                    p.quiet_secs,
                    if flags.is_empty() { "-".into() } else { flags },
                    title
                ));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `list-panes --closed`: recently closed panes, oldest first (JSON: the `list-panes` objects
/// with `closed_at` set).
pub fn closed_panes(ctx: &Ctx) -> Result<(), Failure> {
    match ctx.call(Request::ListClosedPanes)? {
        Response::Panes(v) if ctx.json => output::json(&v),
        Response::Panes(v) => {
            for p in v {
                let name = p
                    .name
                    .as_deref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default();
                let end = match &p.exit {
                    Some(e) => match (e.code, &e.signal) {
                        (Some(c), _) => format!("dead (status {c})"),
                        (_, Some(s)) => format!("dead ({s})"),
                        _ => "dead".into(),
                    },
                    None => "closed".into(),
                };
                output::line(&format!(
                    "{}:{}.{}: [{}x{}] {}{name} {} {end}",
                    p.session_name, p.window_index, p.index, p.cols, p.rows, p.id, p.command
                ));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}
