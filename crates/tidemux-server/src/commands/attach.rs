//! Attached clients: registration, sizes (the smallest client wins, as in tmux), input routing,
//! detach, zoom, and the per-client frame task.
//!
//! The frame task holds no queue: it remembers what it last sent (row hashes per pane, layout,
//! tabs, cursor) and, when woken by pane output or a model change, sends only what differs,
//! at most every [`FRAME_MS`] ms. A client that stops reading blocks only its own task (in the
//! socket write); when it reads again it gets one frame built from the current state. Panes
//! never wait for clients, and the server's memory does not grow with a stuck client.

use crate::error::{CmdError, CmdResult};
use crate::registry::event;
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{
    AttachFrame, EventKind, PaneId, PaneView, Response, RowUpdate, SessionId, WindowId, WindowTab,
};
use tokio::sync::watch;

/// Minimum interval between two frames to one client, ms (~60 frames per second).
pub const FRAME_MS: u64 = 16;

/// One attached client.
#[derive(Debug)]
pub struct AttachedClient {
    /// Its session.
    pub session: SessionId,
    /// Terminal width, cells.
    pub cols: u16,
    /// Terminal height, cells (including the status line).
    pub rows: u16,
    /// Observer: input ignored.
    pub read_only: bool,
    /// Set to a reason to end the attachment.
    pub detach: watch::Sender<Option<String>>,
}

/// Every attached client by id.
#[derive(Debug, Default)]
pub struct Clients {
    next: u32,
    map: HashMap<u32, AttachedClient>,
}

/// Sizes every window of `sid` to the smallest attached client (less the status line).
pub fn apply_client_sizes(state: &ServerState, sid: SessionId) {
    let sizes: Vec<(u16, u16)> = lock(&state.clients)
        .map
        .values()
        .filter(|c| c.session == sid)
        .map(|c| (c.cols.max(1), c.rows.saturating_sub(1).max(1)))
        .collect();
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let Some(sess) = reg.sessions.get_mut(&sid) else {
            return;
        };
        sess.attached = sizes.len() as u32;
        if sizes.is_empty() {
            return;
        }
        let cols = sizes.iter().map(|s| s.0).min().unwrap_or(80);
        let rows = sizes.iter().map(|s| s.1).min().unwrap_or(24);
        sess.size = (cols, rows);
        let wins: Vec<WindowId> = sess.windows.values().copied().collect();
        for w in wins {
            if let Some(win) = reg.windows.get_mut(&w) {
                if (win.cols, win.rows) == (cols, rows) {
                    continue;
                }
                win.cols = cols;
                win.rows = rows;
            }
            reg.relayout(w, &mut resized);
        }
    }
    for (p, r, c) in resized {
        p.resize(r, c);
    }
    state.bump_model();
}

fn client_session(state: &ServerState, client: u32) -> CmdResult<(SessionId, bool)> {
    lock(&state.clients)
        .map
        .get(&client)
        .map(|c| (c.session, c.read_only))
        .ok_or_else(|| CmdError::not_found(format!("no attached client {client}")))
}

/// `AttachInput` on the connection of attached client `client`: raw bytes for its session's
/// active pane.
///
/// # Errors
/// A read-only client (its input is refused, nothing is written); a dead pane is not an error
/// (the keystroke is dropped, as tmux does).
pub fn client_input(state: &Arc<ServerState>, client: u32, bytes: Vec<u8>) -> CmdResult<()> {
    let (sid, read_only) = client_session(state, client)?;
    if read_only {
        return Err(CmdError::invalid(format!(
            "client {client} is attached read-only (attach -r): its input is refused"
        )));
    }
    if bytes.is_empty() {
        return Ok(());
    }
    let pane = {
        let reg = state.registry();
        let p = reg.resolve_pane(Some(&sid.to_string()), None)?;
        Arc::clone(&reg.pane(p)?.pane)
    };
    if pane.state().exit.is_some() {
        return Ok(());
    }
    // Queued in order; not awaited (see `connection::attach_requests`).
    drop(pane.write(bytes));
    Ok(())
}

/// `AttachResize` on the connection of attached client `client`; the size is clamped into
/// the window bounds ([`crate::limits::clamp_client_size`]).
///
/// # Errors
/// The client is no longer registered.
pub fn client_resize(state: &Arc<ServerState>, client: u32, cols: u16, rows: u16) -> CmdResult<()> {
    let (cols, rows) = client_size(cols, rows);
    let sid = {
        let mut clients = lock(&state.clients);
        let c = clients
            .map
            .get_mut(&client)
            .ok_or_else(|| CmdError::not_found(format!("no attached client {client}")))?;
        c.cols = cols;
        c.rows = rows;
        c.session
    };
    apply_client_sizes(state, sid);
    Ok(())
}

/// The size a client's terminal announces, as kept for it: at least 1 column and 2 rows (one
/// for the status line), and a window within [`crate::limits`].
fn client_size(cols: u16, rows: u16) -> (u16, u16) {
    let (c, r) = crate::limits::clamp_client_size(cols, rows.saturating_sub(1));
    (c, r + 1)
}

/// Ends the attachment of `client` as `detached`.
pub fn detach_self(state: &Arc<ServerState>, client: u32) {
    if let Some(c) = lock(&state.clients).map.get(&client) {
        c.detach.send_replace(Some("detached".into()));
    }
}

/// `detach-client [-s SESSION]`: every client of the session, or one.
pub fn detach_client(
    state: &Arc<ServerState>,
    target: Option<&str>,
    client: Option<u32>,
) -> CmdResult {
    let sid = state.registry().resolve_session(target, None)?;
    let clients = lock(&state.clients);
    let mut n = 0;
    for (id, c) in &clients.map {
        if c.session == sid && client.is_none_or(|x| x == *id) {
            c.detach.send_replace(Some("detached".into()));
            n += 1;
        }
    }
    if n == 0 {
        return Err(CmdError::not_found(format!(
            "no client attached to session {sid}"
        )));
    }
    Ok(Response::Ok)
}

/// `ZoomPane`: toggles zoom of the pane's window on that pane.
pub fn zoom_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let mut resized = Vec::new();
    {
        let mut reg = state.registry();
        let p = reg.resolve_pane(target, caller)?;
        let w = reg.pane(p)?.window;
        if let Some(win) = reg.windows.get_mut(&w) {
            win.zoomed = if win.zoomed == Some(p) { None } else { Some(p) };
            win.active_pane = p;
        }
        reg.relayout(w, &mut resized);
    }
    for (p, r, c) in resized {
        p.resize(r, c);
    }
    Ok(Response::Ok)
}

/// `CycleWindow`: next/previous window by index, wrapping.
pub fn cycle_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    offset: i32,
) -> CmdResult {
    let mut reg = state.registry();
    let sid = reg.resolve_session(target, caller)?;
    let sess = reg.session(sid)?;
    let wins: Vec<WindowId> = sess.windows.values().copied().collect();
    let cur = wins
        .iter()
        .position(|w| *w == sess.active_window)
        .unwrap_or(0) as i32;
    let n = wins.len() as i32;
    let next = wins[(cur + offset).rem_euclid(n) as usize];
    if let Some(s) = reg.sessions.get_mut(&sid) {
        s.active_window = next;
    }
    Ok(Response::Ok)
}

/// What this client was last sent.
#[derive(Default)]
struct Sent {
    window: Option<WindowId>,
    size: (u16, u16),
    panes: Vec<PaneView>,
    tabs: Vec<WindowTab>,
    rows: HashMap<PaneId, Vec<u64>>,
    cursor: Option<(u16, u16)>,
    message: Option<String>,
    zoomed: bool,
}

/// The next frame for a client, `Ok(None)` if nothing changed, `Err(reason)` if the session
/// is gone.
fn next_frame(
    state: &ServerState,
    client: u32,
    sid: SessionId,
    sent: &mut Sent,
) -> Result<Option<AttachFrame>, String> {
    let reg = state.registry();
    let sess = reg.sessions.get(&sid).ok_or_else(|| "exited".to_owned())?;
    let win = reg
        .windows
        .get(&sess.active_window)
        .ok_or_else(|| "exited".to_owned())?;
    let mut message = None;
    let mut tabs = Vec::new();
    for (index, wid) in &sess.windows {
        let Some(w) = reg.windows.get(wid) else {
            continue;
        };
        let (mut alert, mut dead) = (false, false);
        for (p, _) in w.geometry() {
            if let Some(e) = reg.panes.get(&p) {
                let st = e.pane.state();
                if st.attention.is_some() || st.bell {
                    alert = true;
                    if message.is_none() || (w.id == win.id && p == win.active_pane) {
                        message = st.attention.as_ref().map(|m| format!("{p}: {m}"));
                    }
                }
                dead |= st.exit.is_some();
            }
        }
        tabs.push(WindowTab {
            id: w.id,
            index: *index,
            name: w.name.clone(),
            active: w.id == win.id,
            alert,
            dead,
        });
    }
    // A `display-message` for this session wins while it lasts.
    if let Some((text, until)) = lock(&state.messages).get(&sid) {
        if *until > std::time::Instant::now() {
            message = Some(text.clone());
        }
    }
    let views: Vec<PaneView> = win
        .visible_geometry()
        .into_iter()
        .map(|(id, r)| PaneView {
            id,
            left: r.left,
            top: r.top,
            cols: r.cols,
            rows: r.rows,
            active: id == win.active_pane,
            dead: reg
                .panes
                .get(&id)
                .is_some_and(|e| e.pane.state().exit.is_some()),
        })
        .collect();
    let full = sent.window != Some(win.id)
        || sent.panes != views
        || sent.size != (win.cols, win.rows)
        || sent.zoomed != win.zoomed.is_some();
    if full {
        sent.rows.clear();
    }
    let mut rows_changed = Vec::new();
    let mut cursor = None;
    for v in &views {
        let Some(e) = reg.panes.get(&v.id) else {
            continue;
        };
        let mut st = e.pane.state();
        st.screen.sync();
        let hashes = st.screen.row_hashes();
        let old = sent.rows.entry(v.id).or_default();
        old.resize(hashes.len(), u64::MAX);
        for (r, h) in hashes.iter().enumerate() {
            if old[r] != *h || full {
                old[r] = *h;
                rows_changed.push(RowUpdate {
                    pane: v.id,
                    row: r as u16,
                    spans: st.screen.row_spans(r as u16),
                });
            }
        }
        if v.active {
            let c = st.screen.cursor();
            if c.visible && c.row < v.rows && c.col < v.cols {
                cursor = Some((v.top + c.row, v.left + c.col));
            }
        }
    }
    let changed = full
        || !rows_changed.is_empty()
        || cursor != sent.cursor
        || tabs != sent.tabs
        || message != sent.message;
    if !changed {
        return Ok(None);
    }
    sent.window = Some(win.id);
    sent.size = (win.cols, win.rows);
    sent.panes = views.clone();
    sent.tabs = tabs.clone();
    sent.cursor = cursor;
    sent.message = message.clone();
    sent.zoomed = win.zoomed.is_some();
    Ok(Some(AttachFrame {
        client,
        session: sid,
        session_name: sess.name.clone(),
        window: win.id,
        cols: win.cols,
        rows: win.rows,
        windows: tabs,
        panes: views,
        full,
        rows_changed,
        cursor,
        message,
        zoomed: win.zoomed.is_some(),
    }))
}

/// Registers an attaching client; returns its id and detach receiver.
pub fn register(
    state: &Arc<ServerState>,
    target: Option<&str>,
    read_only: bool,
    cols: u16,
    rows: u16,
) -> CmdResult<(u32, SessionId, watch::Receiver<Option<String>>)> {
    let sid = state.registry().resolve_session(target, None)?;
    let (tx, rx) = watch::channel(None);
    let id = {
        let mut clients = lock(&state.clients);
        clients.next += 1;
        let id = clients.next;
        clients.map.insert(
            id,
            AttachedClient {
                session: sid,
                cols: client_size(cols, rows).0,
                rows: client_size(cols, rows).1,
                read_only,
                detach: tx,
            },
        );
        id
    };
    state.registry().touch(sid);
    apply_client_sizes(state, sid);
    let mut e = event(EventKind::ClientAttached, Some(sid), None, None);
    e.name = Some(id.to_string());
    state.events.publish(e);
    Ok((id, sid, rx))
}

/// Unregisters a client.
pub fn unregister(state: &Arc<ServerState>, id: u32, sid: SessionId) {
    lock(&state.clients).map.remove(&id);
    apply_client_sizes(state, sid);
    let mut e = event(EventKind::ClientDetached, Some(sid), None, None);
    e.name = Some(id.to_string());
    state.events.publish(e);
}

/// What ends a frame loop.
pub enum End {
    /// Send `Detached(reason)`.
    Reason(String),
    /// The client went away.
    Closed,
}

/// Produces frames until the client detaches, its session ends or it goes away. `send` writes
/// one reply; `closed` resolves when the peer closes.
pub async fn frame_loop<F, Fut>(
    state: &Arc<ServerState>,
    client: u32,
    sid: SessionId,
    mut detach: watch::Receiver<Option<String>>,
    closed: impl std::future::Future<Output = ()>,
    mut send: F,
) -> End
where
    F: FnMut(Response) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut sent = Sent::default();
    let mut last_frame = tokio::time::Instant::now() - Duration::from_millis(FRAME_MS);
    let mut model = state.model.subscribe();
    let mut shutdown = state.shutdown_requested();
    tokio::pin!(closed);
    loop {
        let notified = state.activity.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        model.borrow_and_update();
        if let Some(reason) = detach.borrow_and_update().clone() {
            return End::Reason(reason);
        }
        match next_frame(state, client, sid, &mut sent) {
            Err(reason) => return End::Reason(reason),
            Ok(Some(f)) => {
                if !send(Response::Frame(f)).await {
                    return End::Closed;
                }
                last_frame = tokio::time::Instant::now();
            }
            Ok(None) => {}
        }
        tokio::select! {
            () = &mut notified => {}
            _ = model.changed() => {}
            _ = detach.changed() => {}
            _ = shutdown.wait_for(|s| *s) => return End::Reason("server exited".into()),
            () = &mut closed => return End::Closed,
        }
        // Coalesce: at most one frame per FRAME_MS, however fast the panes print; a change after
        // a quiet spell (a keystroke's echo) goes out at once.
        tokio::time::sleep_until(last_frame + Duration::from_millis(FRAME_MS)).await;
    }
}
