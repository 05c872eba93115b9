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
        // One row per winlink: a window linked into several sessions (or at several
        // indexes) is listed at each, as tmux does.
        for (idx, wid) in &s.windows {
            if let Some(w) = reg.windows.get(wid) {
                out.push(reg.window_info_at(w, sid, *idx));
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
    brief: bool,
) -> CmdResult {
    let rows = pane_rows(state, caller, target, all)?;
    let infos = if brief {
        blocking(move || rows.into_iter().map(PaneRow::brief).collect()).await?
    } else {
        blocking(move || rows.into_iter().map(PaneRow::complete).collect()).await?
    };
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
    let at = |s: &crate::registry::Session| {
        s.windows
            .iter()
            .map(|(i, w)| (*w, s.id, *i))
            .collect::<Vec<_>>()
    };
    // (window, session, index): one entry per winlink.
    let windows: Vec<_> = if all {
        reg.sessions.values().flat_map(at).collect()
    } else {
        match (target, reg.resolve(target, caller)?) {
            (Some(_), Resolved::Session(s)) => at(reg.session(s)?),
            _ => {
                let w = reg.resolve_window(target, caller)?;
                let (s, i) = match reg.canonical_winlink(w) {
                    Some(x) => x,
                    None => {
                        let win = reg.window(w)?;
                        (win.session, win.index)
                    }
                };
                vec![(w, s, i)]
            }
        }
    };
    Ok(windows
        .into_iter()
        .flat_map(|(w, s, i)| reg.pane_rows_at(w, s, i))
        .collect())
}
