//! `respawn-pane`, `respawn-window` (tmux 3.3a cmd-respawn-pane.c, cmd-respawn-window.c,
//! spawn.c `SPAWN_RESPAWN`).
//!
//! The pane keeps its id, place, name, options and history: a new [`Pane`] (PTY, process,
//! threads) takes over the old one's screen, with the visible part cleared, and replaces it in
//! the model. Without a command the pane's own command runs again; without `-c` its own start
//! directory is used. A pane whose process still runs is refused (`pane S:W.P still active`,
//! tmux's text) unless `-k`, which hangs it up first. The pane's `pipe-pane` and `tidemux log`
//! transcript carry over to the new process.

use super::create::pane_spec;
use crate::error::{CmdError, CmdResult};
use crate::pane::Pane;
use crate::registry::Removed;
use crate::screen::Screen;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{PaneId, Response, Spawn};

/// The effective number option `name` for a pane (`pane-base-index`) or session.
fn number(
    state: &ServerState,
    name: &str,
    session: Option<tidemux_proto::SessionId>,
    window: Option<tidemux_proto::WindowId>,
    pane: Option<PaneId>,
) -> Option<usize> {
    lock(&state.options_store)
        .effective(name, session, window, pane)?
        .parse()
        .ok()
}

/// `respawn-pane [-k] [-c DIR] [-e VAR=VAL] [-t PANE] [-- CMD]`.
///
/// # Errors
/// Target errors; `pane S:W.P still active` (invalid) without `kill`; a bad directory or
/// environment; a command that cannot start (the pane is then left dead).
pub async fn respawn_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    kill: bool,
    spawn: Spawn,
) -> CmdResult {
    let id = state.registry().resolve_pane(target, caller)?;
    respawn(state, id, kill, spawn).await
}

/// `respawn-window [-k] [-c DIR] [-e VAR=VAL] [-t WINDOW] [-- CMD]`: every pane but the first
/// (in layout order) is closed, the first fills the window and is respawned.
///
/// # Errors
/// Target errors; `window S:W still active` (invalid) when a pane runs and not `kill`; then as
/// [`respawn_pane`].
pub async fn respawn_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    kill: bool,
    spawn: Spawn,
) -> CmdResult {
    let (first, removed) = {
        let mut reg = state.registry();
        let wid = reg.resolve_window(target, caller)?;
        let win = reg.window(wid)?;
        let panes: Vec<PaneId> = win.geometry().into_iter().map(|(p, _)| p).collect();
        let live = panes
            .iter()
            .any(|p| reg.pane(*p).is_ok_and(|e| e.pane.state().exit.is_none()));
        if live && !kill {
            let sess = reg.session(win.session)?;
            return Err(CmdError::invalid(format!(
                "respawn window failed: window {}:{} still active",
                sess.name, win.index
            )));
        }
        let Some(&first) = panes.first() else {
            return Err(CmdError::not_found(format!("window {wid} has no pane")));
        };
        let mut removed = Removed::default();
        for p in &panes[1..] {
            reg.remove_pane(*p, &mut removed);
        }
        if let Some(w) = reg.windows.get_mut(&wid) {
            w.zoomed = None;
            w.active_pane = first;
        }
        (first, removed)
    };
    state.finish_removal(removed);
    respawn(state, first, true, spawn).await
}

/// Respawns pane `id` (see the module documentation).
async fn respawn(state: &Arc<ServerState>, id: PaneId, kill: bool, mut spawn: Spawn) -> CmdResult {
    let (old, spec, history) = {
        let reg = state.registry();
        let entry = reg.pane(id)?;
        let old = Arc::clone(&entry.pane);
        let wid = entry.window;
        let win = reg.window(wid)?;
        let sid = win.session;
        let sess = reg.session(sid)?;
        let (live, (rows, cols)) = {
            let st = old.state();
            (st.exit.is_none() && !old.is_closed(), st.screen.size())
        };
        if live && !kill {
            let base =
                number(state, "pane-base-index", Some(sid), Some(wid), Some(id)).unwrap_or(0);
            let idx = win
                .geometry()
                .iter()
                .position(|(p, _)| *p == id)
                .unwrap_or(0);
            return Err(CmdError::invalid(format!(
                "respawn pane failed: pane {}:{}.{} still active",
                sess.name,
                win.index,
                idx + base
            )));
        }
        let rec = state.continuity.record(id).unwrap_or_default();
        if spawn.command.is_empty() {
            spawn.command = rec.command;
        }
        if spawn.cwd.is_none() && !rec.cwd.as_os_str().is_empty() {
            spawn.cwd = Some(rec.cwd.display().to_string());
        }
        let history = number(state, "history-limit", Some(sid), None, None)
            .unwrap_or(sess.history_limit)
            .min(crate::limits::MAX_HISTORY_LIMIT as usize);
        let activity = Arc::clone(&sess.activity);
        let spec = pane_spec(state, id, sid, &spawn, rows, cols, history, &activity)?;
        (old, spec, history)
    };
    let (rows, cols) = (spec.rows, spec.cols);
    // tmux closes the old terminal before it starts the new process.
    let tap = old.set_tap(None);
    // The old process's exit is ours to handle (nothing): the pane stays in the model.
    old.claim_exit();
    old.kill();
    old.close();
    let screen = {
        let mut st = old.state();
        let mut screen = std::mem::replace(&mut st.screen, Screen::new(rows, cols, history));
        // As tmux's screen_reinit: normal screen, modes and attributes reset, screen cleared
        // (here into the history), cursor home.
        let seq = st.seq;
        screen.process(b"\x1b[?1049l\x1bc", seq);
        screen
    };
    let observer = state.observer();
    let cwd = spec.cwd.clone();
    let started =
        super::list::blocking(move || Pane::spawn_with_screen(spec, observer, screen)).await?;
    let new = match started {
        Ok(p) => p,
        Err(e) => {
            if let Some(t) = tap {
                t.end();
            }
            return Err(CmdError::failed(format!("respawn pane failed: {e}")));
        }
    };
    let replaced = {
        let mut reg = state.registry();
        match reg.panes.get_mut(&id) {
            Some(e) if Arc::ptr_eq(&e.pane, &old) => {
                e.pane = Arc::clone(&new);
                true
            }
            _ => false,
        }
    };
    if !replaced {
        new.kill();
        new.close();
        if let Some(t) = tap {
            t.end();
        }
        return Err(CmdError::not_found(format!(
            "pane {id} closed while it was respawned"
        )));
    }
    old.move_logger_to(&new);
    if let Some(t) = tap {
        new.set_tap(Some(t));
    }
    old.notify_watchers();
    state.continuity.record_spawn(
        id,
        crate::snapshot::SpawnRecord {
            command: spawn.command.clone(),
            env: spawn.env.clone(),
            cwd,
        },
    );
    tracing::info!(pane = %id, command = %new.command, "pane respawned");
    state.exit_if_early(&new);
    Ok(Response::Ok)
}
