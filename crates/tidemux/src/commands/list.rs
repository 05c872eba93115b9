//! list-sessions, list-windows, list-panes.

use super::{unexpected, Ctx};
use crate::output::{self, Failure};
use tidemux_proto::{Request, Response};

/// `list-sessions`.
pub fn sessions(ctx: &Ctx) -> Result<(), Failure> {
    match ctx.call(Request::ListSessions)? {
        Response::Sessions(v) if ctx.json => output::json(&v),
        Response::Sessions(v) => {
            for s in v {
                output::line(&format!("{}: {} windows ({})", s.name, s.windows, s.id));
            }
        }
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `list-windows`.
pub fn windows(ctx: &Ctx, target: Option<String>, all: bool) -> Result<(), Failure> {
    match ctx.call(Request::ListWindows { target, all })? {
        Response::Windows(v) if ctx.json => output::json(&v),
        Response::Windows(v) => {
            for w in v {
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
pub fn panes(ctx: &Ctx, target: Option<String>, all: bool) -> Result<(), Failure> {
    match ctx.call(Request::ListPanes { target, all })? {
        Response::Panes(v) if ctx.json => output::json(&v),
        Response::Panes(v) => {
            for p in v {
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
