//! `kill-*`, `rename-*`, `select-*`, `resize-window`, `has-session`, `identify`, `version`.

use super::create::{check_pane_name, check_session_name, MAX_EDGE};
use crate::error::{CmdError, CmdResult};
use crate::registry::{event, Removed};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{EventKind, Identity, PaneId, Response, ServerInfo, PROTOCOL_VERSION};

fn remove_with(
    state: &Arc<ServerState>,
    f: impl FnOnce(&mut crate::registry::Registry, &mut Removed) -> CmdResult<()>,
) -> CmdResult {
    let mut removed = Removed::default();
    f(&mut state.registry(), &mut removed)?;
    state.finish_removal(removed);
    Ok(Response::Ok)
}

/// `kill-pane`.
pub fn kill_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    remove_with(state, |reg, out| {
        let p = reg.resolve_pane(target, caller)?;
        reg.remove_pane(p, out);
        Ok(())
    })
}

/// `kill-window`.
pub fn kill_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    remove_with(state, |reg, out| {
        let w = reg.resolve_window(target, caller)?;
        reg.remove_window(w, out);
        Ok(())
    })
}

/// `kill-session`.
pub fn kill_session(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    remove_with(state, |reg, out| {
        let s = reg.resolve_session(target, caller)?;
        reg.remove_session(s, out);
        Ok(())
    })
}

/// `rename-session`.
pub fn rename_session(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: String,
) -> CmdResult {
    let mut reg = state.registry();
    let s = reg.resolve_session(target, caller)?;
    if reg.session(s)?.name == name {
        return Ok(Response::Ok);
    }
    check_session_name(&reg, &name)?;
    if let Some(sess) = reg.sessions.get_mut(&s) {
        sess.name = name.clone();
    }
    let mut e = event(EventKind::SessionRenamed, Some(s), None, None);
    e.name = Some(name);
    state.events.publish(e);
    Ok(Response::Ok)
}

/// `rename-window`.
pub fn rename_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: String,
) -> CmdResult {
    if name.is_empty() {
        return Err(CmdError::invalid("window name is empty"));
    }
    crate::limits::check_name_len("window", &name)?;
    let mut reg = state.registry();
    let w = reg.resolve_window(target, caller)?;
    let mut e = event(
        EventKind::WindowRenamed,
        Some(reg.window(w)?.session),
        Some(w),
        None,
    );
    if let Some(win) = reg.windows.get_mut(&w) {
        win.name = name.clone();
    }
    super::names::named(state, w);
    e.name = Some(name);
    state.events.publish(e);
    Ok(Response::Ok)
}

/// `rename-pane`: the name becomes a target; it must be unique on the server.
pub fn rename_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: String,
) -> CmdResult {
    let mut reg = state.registry();
    let p = reg.resolve_pane(target, caller)?;
    check_pane_name(&reg, &name, Some(p))?;
    if let Some(e) = reg.panes.get_mut(&p) {
        e.name = Some(name.clone());
    }
    let (s, w) = reg.owners(p);
    let mut e = event(EventKind::PaneRenamed, s, w, Some(p));
    e.name = Some(name);
    state.events.publish(e);
    Ok(Response::Ok)
}

/// `select-window`.
pub fn select_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let mut reg = state.registry();
    let (s, i, _) = reg.resolve_winlink(target, caller)?;
    reg.set_current_winlink(s, i)?;
    reg.touch(s);
    Ok(Response::Ok)
}

/// `select-pane`: also makes its window current, and clears the pane's bell and attention.
pub fn select_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let p = select_pane_inner(state, caller, target)?;
    state.set_attention(p, None, false);
    Ok(Response::Ok)
}

fn select_pane_inner(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult<PaneId> {
    let mut reg = state.registry();
    let p = reg.resolve_pane(target, caller)?;
    let w = reg.pane(p)?.window;
    let s = reg.window(w)?.session;
    if let Some(win) = reg.windows.get_mut(&w) {
        win.set_active(p);
    }
    reg.set_current_window(s, w);
    reg.touch(s);
    Ok(p)
}

/// `notify [-t PANE] MESSAGE` / `notify --clear`.
pub fn notify(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    message: String,
    clear: bool,
) -> CmdResult {
    let p = state.registry().resolve_pane(target, caller)?;
    if clear {
        state.set_attention(p, None, false);
    } else {
        if message.is_empty() {
            return Err(CmdError::invalid("notify needs a MESSAGE (or --clear)"));
        }
        if message.len() > crate::limits::MAX_MESSAGE {
            return Err(CmdError::invalid(format!(
                "notify message of {} bytes is too long: at most {} bytes",
                message.len(),
                crate::limits::MAX_MESSAGE
            )));
        }
        state.set_attention(p, Some(message), true);
    }
    Ok(Response::Ok)
}

/// `resize-window -x COLS -y ROWS`: panes scale with the window. As tmux 3.3a
/// cmd-resize-window.c, the size becomes the window's manual size and its `window-size` option
/// `manual` (set on the window itself), so attached clients no longer size it until the option
/// is changed again (see [`super::resize`]).
///
/// # Errors
/// Neither size given; an edge outside 1..=10,000 or an area over the limit
/// ([`crate::limits::check_window_size`]); no such window. Nothing changes then.
pub fn resize_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    cols: Option<u16>,
    rows: Option<u16>,
) -> CmdResult {
    if cols.is_none() && rows.is_none() {
        return Err(CmdError::invalid("give -x COLS and/or -y ROWS"));
    }
    for v in [cols, rows].into_iter().flatten() {
        if !(1..=MAX_EDGE).contains(&v) {
            return Err(CmdError::invalid(format!(
                "bad size {v}: width and height must be 1..={MAX_EDGE} cells"
            )));
        }
    }
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let w = reg.resolve_window(target, caller)?;
        if let Some(win) = reg.windows.get_mut(&w) {
            let (c, r) = crate::limits::check_window_size(
                cols.unwrap_or(win.cols),
                rows.unwrap_or(win.rows),
            )?;
            win.cols = c;
            win.rows = r;
            win.manual = (c, r);
        }
        let _ = lock(&state.options_store).set(
            crate::options::Where::Window(w),
            "window-size",
            None,
            Some("manual"),
            false,
            None,
        );
        reg.relayout(w, &mut resized);
    }
    for (p, r, c) in resized {
        p.resize(r, c);
    }
    Ok(Response::Ok)
}

/// `has-session -t NAME`.
pub fn has_session(state: &Arc<ServerState>, target: Option<&str>) -> CmdResult {
    let reg = state.registry();
    Ok(Response::Exists(reg.resolve_session(target, None).is_ok()))
}

/// `identify`: the caller's own pane.
pub async fn identify(state: &Arc<ServerState>, caller: Option<PaneId>) -> CmdResult {
    let p = caller.ok_or_else(|| {
        CmdError::invalid("identify must run inside a tidemux pane of this server (TIDEMUX_PANE is not set or names another server)")
    })?;
    let row = state.registry().pane_row(p)?;
    let pane = super::list::blocking(move || row.complete()).await?;
    Ok(Response::Identity(Identity {
        socket: state.socket.display().to_string(),
        server_pid: state.pid,
        pane,
    }))
}

/// `version`.
pub fn server_info(state: &Arc<ServerState>) -> Response {
    Response::Server(ServerInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        protocol: PROTOCOL_VERSION,
        pid: state.pid,
        socket: state.socket.display().to_string(),
        upgrade: state.upgrade.last(),
    })
}
