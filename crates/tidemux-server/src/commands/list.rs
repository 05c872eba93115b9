//! `list-sessions`, `list-windows`, `list-panes`.

use crate::error::CmdResult;
use crate::registry::{PaneRow, Resolved};
use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::{PaneId, Response};

/// `list-sessions`: every session, by id.
pub fn sessions(state: &Arc<ServerState>) -> CmdResult {
    let reg = state.registry();
    Ok(Response::Sessions(
        reg.sessions.values().map(|s| reg.session_info(s)).collect(),
    ))
}

/// `list-windows [-t SESSION] [-a]`.
pub fn windows(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    all: bool,
) -> CmdResult {
    let reg = state.registry();
    let mut out = Vec::new();
    let sessions: Vec<_> = if all {
        reg.sessions.keys().copied().collect()
    } else {
        vec![reg.resolve_session(target, caller)?]
    };
    for sid in sessions {
        let s = reg.session(sid)?;
        for wid in s.windows.values() {
            if let Some(w) = reg.windows.get(wid) {
                out.push(reg.window_info(w));
            }
        }
    }
    Ok(Response::Windows(out))
}

/// `list-panes [-t TARGET] [-a]`: a session target lists all its panes, a window or pane
/// target the panes of that window; no target means the caller's (or current) window. The
/// model is read under the registry lock; the panes' states and `/proc` after it is released,
/// on a blocking thread.
pub async fn panes(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    all: bool,
) -> CmdResult {
    let rows = pane_rows(state, caller, target, all)?;
    let infos = blocking(move || rows.into_iter().map(PaneRow::complete).collect()).await?;
    Ok(Response::Panes(infos))
}

/// Runs blocking work (pane locks, `/proc`) on tokio's blocking pool, off the runtime workers.
///
/// # Errors
/// Failed if the work panicked.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> CmdResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::error::CmdError::failed(format!("internal error: {e}")))
}

fn pane_rows(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    all: bool,
) -> CmdResult<Vec<PaneRow>> {
    let reg = state.registry();
    let windows: Vec<_> = if all {
        reg.sessions
            .values()
            .flat_map(|s| s.windows.values().copied())
            .collect()
    } else {
        match (target, reg.resolve(target, caller)?) {
            (Some(_), Resolved::Session(s)) => reg.session(s)?.windows.values().copied().collect(),
            _ => vec![reg.resolve_window(target, caller)?],
        }
    };
    Ok(windows.into_iter().flat_map(|w| reg.pane_rows(w)).collect())
}
