//! Options that change what the server does on its own (tmux 3.3a options-table.c, server.c
//! `server_loop`, server-fn.c, window.c `window_pane_key`):
//!
//! - `exit-empty` (server, default on): the server exits once no session is left; off, it
//!   stays until `kill-server`.
//! - `exit-unattached` (server, default off): the server exits once no client is attached,
//!   even with sessions left (checked when a client detaches, a pane closes, or a command that
//!   may close sessions ran).
//! - `destroy-unattached` (session, default off): a session is killed when its last client
//!   detaches.
//! - `detach-on-destroy` (session, default on): when an attached client's session is
//!   destroyed, `off` moves the client to another session (the most recently used), and
//!   `no-detached` to another session only if one has no client attached; `on` detaches it.
//! - `renumber-windows` (session, default off): when a window closes, the session's windows
//!   are numbered again from `base-index`, in order.
//! - `synchronize-panes` (window and pane, default off): input typed into one pane of the
//!   window (attached clients, `send`, `send-key`) also goes to every other pane of the window
//!   that is visible and has the option on.
//! - `default-terminal` (session): `TERM` for new panes.

use crate::pane::Pane;
use crate::registry::Registry;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{PaneId, SessionId};

fn flag(state: &ServerState, name: &str, session: Option<SessionId>) -> bool {
    lock(&state.options_store)
        .effective(name, session, None, None)
        .as_deref()
        == Some("on")
}

/// Whether the server should exit now (tmux `server_loop`): `exit-empty` is on, and either no
/// session is left (none being created) or `exit-unattached` is on, and no client is attached,
/// and no connection's first request is still unhandled (then the exit is put off until the
/// last of them is done: [`crate::state::Fresh`]).
pub fn should_exit(state: &ServerState) -> bool {
    let (sessions, pending) = {
        let reg = state.registry();
        (reg.sessions.len(), reg.pending_sessions)
    };
    if pending > 0 || !flag(state, "exit-empty", None) {
        return false;
    }
    if sessions > 0 && !flag(state, "exit-unattached", None) {
        return false;
    }
    if !lock(&state.clients).is_empty() {
        return false;
    }
    lock(&state.fresh).none_or_defer()
}

/// A client left session `sid` (detached, or moved by `switch-client`): applies
/// `destroy-unattached`, then stops the server if it [`should_exit`].
pub fn client_left(state: &Arc<ServerState>, sid: SessionId) {
    // A live upgrade detaches every client; they reattach to the new binary.
    if state.upgrade.switching() {
        return;
    }
    let attached = lock(&state.clients).attached_to(sid);
    if attached == 0 && flag(state, "destroy-unattached", Some(sid)) {
        let removed = {
            let mut reg = state.registry();
            let mut removed = crate::registry::Removed::default();
            reg.remove_session(sid, &mut removed);
            removed
        };
        tracing::info!(session = %sid, "destroy-unattached: session killed");
        state.finish_removal(removed);
        state.bump_model();
    }
    if should_exit(state) {
        state.shutdown();
    }
}

/// `renumber-windows`: numbers the windows of every session that has it on again from
/// `base-index`, keeping their order. Called after windows were removed.
pub fn renumber_windows(state: &ServerState) {
    let mut reg = state.registry();
    let opts = lock(&state.options_store);
    let sids: Vec<SessionId> = reg.sessions.keys().copied().collect();
    for sid in sids {
        if opts
            .effective("renumber-windows", Some(sid), None, None)
            .as_deref()
            != Some("on")
        {
            continue;
        }
        let base: u32 = opts
            .effective("base-index", Some(sid), None, None)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        renumber(&mut reg, sid, base);
    }
}

fn renumber(reg: &mut Registry, sid: SessionId, base: u32) {
    let Some(sess) = reg.sessions.get_mut(&sid) else {
        return;
    };
    let wins: Vec<_> = sess.windows.values().copied().collect();
    if sess
        .windows
        .keys()
        .copied()
        .eq(base..base + wins.len() as u32)
    {
        return;
    }
    sess.windows = wins
        .iter()
        .enumerate()
        .map(|(i, w)| (base + i as u32, *w))
        .collect();
    for (i, w) in wins.iter().enumerate() {
        if let Some(win) = reg.windows.get_mut(w).filter(|x| x.session == sid) {
            win.index = base + i as u32;
        }
    }
    reg.resync_winlinks(sid);
}

/// The other panes that input typed into `pane` also goes to (`synchronize-panes`): the
/// window's other visible, live panes whose effective option is on, when it is on for `pane`.
pub fn synchronized_with(state: &ServerState, pane: PaneId) -> Vec<Arc<Pane>> {
    let reg = state.registry();
    let Ok(e) = reg.pane(pane) else {
        return Vec::new();
    };
    let wid = e.window;
    let Ok(win) = reg.window(wid) else {
        return Vec::new();
    };
    let opts = lock(&state.options_store);
    let on = |p: PaneId| {
        opts.effective("synchronize-panes", Some(win.session), Some(wid), Some(p))
            .as_deref()
            == Some("on")
    };
    if !on(pane) {
        return Vec::new();
    }
    win.visible_geometry()
        .into_iter()
        .filter(|(p, _)| *p != pane && on(*p))
        .filter_map(|(p, _)| reg.panes.get(&p).map(|e| Arc::clone(&e.pane)))
        .collect()
}

/// Writes `bytes` also to the panes synchronized with `pane` (see [`synchronized_with`]);
/// dead panes and panes whose input queue is full are skipped, as tmux skips them.
pub fn write_synchronized(state: &ServerState, pane: PaneId, bytes: &[u8]) {
    for p in synchronized_with(state, pane) {
        if p.state().exit.is_none() {
            drop(p.write(bytes.to_vec()));
        }
    }
}

/// `TERM` for a new pane of `session`: the `default-terminal` option when it was changed from
/// tmux's default, else `tmux-256color` where its terminfo entry exists (else
/// `screen-256color`).
pub fn default_terminal(state: &ServerState, session: SessionId) -> String {
    match lock(&state.options_store).effective("default-terminal", Some(session), None, None) {
        Some(t) if !t.is_empty() && t != "tmux-256color" => t,
        _ => super::create::pane_term().to_owned(),
    }
}
