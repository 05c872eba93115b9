//! Attached clients: registration, sizes (window sizes from them: [`super::resize`]), input routing,
//! detach, zoom, and the per-client frame task.
//!
//! The frame task holds no queue: it remembers what it last sent (row hashes per pane, layout,
//! tabs, cursor) and, when woken by pane output or a model change, sends only what differs,
//! at most every [`FRAME_MS`] ms. A client that stops reading blocks only its own task (in the
//! socket write); when it reads again it gets one frame built from the current state. Panes
//! never wait for clients, and the server's memory does not grow with a stuck client.

use crate::error::{CmdError, CmdResult};
use crate::pane::Pane;
use crate::registry::event;
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{
    AttachFrame, DetachReason, EventKind, PaneId, PaneSummary, PaneView, Response, RowUpdate,
    SessionId, WindowId, WindowTab,
};
use tokio::sync::watch;

/// Minimum interval between two frames to one client, ms (~60 frames per second).
pub const FRAME_MS: u64 = 16;
/// How often a client's frame task looks for overview changes (run states, quiet times)
/// that come without output or a model change, ms.
pub const OVERVIEW_MS: u64 = 250;

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
    pub detach: watch::Sender<Option<DetachReason>>,
    /// What `list-clients` shows (issue 11): terminal, pid, times, previous session.
    pub info: super::clients::ClientDetails,
    /// Output of a command bound to a key this client pressed, not sent yet
    /// (`AttachFrame::output`; a newer one replaces it).
    pub output: Option<Vec<String>>,
    /// Its terminal has the focus (tmux `CLIENT_FOCUSED`: on until the terminal reports a
    /// focus out, `AttachFocus`).
    pub focused: bool,
    /// Ring the terminal's bell with the next frame (`AttachFrame::bell`: an alert with its
    /// `visual-*` option `off` or `both`).
    pub bell: bool,
    /// Its terminal can have its title set (`set-titles`; decided when it attaches, as tmux
    /// does: [`super::titles::terminal_has_title`]).
    pub title_ok: bool,
    /// Its size counts for window sizes ([`super::resize`]): false for a control client until
    /// `refresh-client -C` gives it one (tmux `ignore_client_size`).
    pub sized: bool,
    /// A control client's id among control clients (`crate::lang::Client::control`).
    pub control: Option<u32>,
    /// tmux `CLIENT_IGNORESIZE` (`attach -f ignore-size`, `attach -r`, `refresh-client -f`):
    /// its size does not count for window sizes while a client without it is attached
    /// (tmux resize.c `ignore_client_size`).
    pub ignore_size: bool,
    /// A control client's own size for some windows (`refresh-client -C @WINDOW:WxH`, tmux
    /// `client_window`), used for that window in place of its size and never exceeded by it
    /// ([`super::resize`]); only windows that exist are kept.
    pub window_sizes: HashMap<WindowId, (u16, u16)>,
    /// `refresh-client -C @WINDOW:...` was given once (tmux `CLIENT_WINDOWSIZECHANGED`): a
    /// control client counts for window sizes from then on, with tmux's 80x24 as its own
    /// size until `-C WxH` gives it one.
    pub window_size_changed: bool,
    /// Manual panning (`refresh-client -L|-R|-U|-D`, tmux `pan_window`, `pan_ox`, `pan_oy`):
    /// the window it applies to and the cell shown at the top left; `None` (or another
    /// window current) follows the cursor.
    pub pan: Option<(WindowId, u16, u16)>,
    /// Where the last frame showed the window from and the room it had (tmux `tty->oox`,
    /// `ooy`, `osx`, `osy`): x, y, cols, rows; panning starts from there.
    pub shown: (u16, u16, u16, u16),
}

/// The flags an attaching client asks for (`attach-session -r -f FLAGS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientFlags {
    /// `read-only` (or `-r`): input refused.
    pub read_only: bool,
    /// `ignore-size` (or `-r`): does not count for window sizes.
    pub ignore_size: bool,
}

impl ClientFlags {
    /// `attach-session -r` (tmux cmd-attach-session.c): read-only and ignore-size.
    pub fn read_only() -> ClientFlags {
        ClientFlags {
            read_only: true,
            ignore_size: true,
        }
    }

    /// tmux 3.3a server-client.c `server_client_set_flags`: a comma-separated list of
    /// `read-only`, `ignore-size` (and `active-pane`, `no-output`, `pause-after[=N]`,
    /// `wait-exit`, which tidemux does not keep), each turned off by a leading `!`, except
    /// that `!read-only` does not clear read-only (a read-only client cannot make itself
    /// writable). Unknown names are skipped, as tmux does.
    pub fn apply(&mut self, spec: &str) {
        for next in spec.split(',') {
            let (not, name) = match next.strip_prefix('!') {
                Some(n) => (true, n),
                None => (false, next),
            };
            match name {
                "read-only" if !not => self.read_only = true,
                "ignore-size" => self.ignore_size = !not,
                _ => {}
            }
        }
    }
}

/// Most lines of a bound command's output kept for a client (the rest are dropped, with a
/// last line saying how many).
pub const OUTPUT_MAX_LINES: usize = 5000;
/// Most bytes of a bound command's output kept for a client.
pub const OUTPUT_MAX_BYTES: usize = 512 * 1024;

/// Keeps `text` (a bound command's standard output) for client `client`'s next frame, cut to
/// [`OUTPUT_MAX_LINES`] lines and [`OUTPUT_MAX_BYTES`] bytes; nothing for empty output.
pub fn client_output(state: &ServerState, client: u32, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    let text = text.trim_end_matches('\n');
    if text.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    let mut bytes = 0;
    let all: Vec<&str> = text.split('\n').collect();
    for l in &all {
        if lines.len() >= OUTPUT_MAX_LINES || bytes + l.len() > OUTPUT_MAX_BYTES {
            break;
        }
        bytes += l.len();
        lines.push((*l).to_owned());
    }
    if lines.len() < all.len() {
        lines.push(format!(
            "[{} more lines not shown]",
            all.len() - lines.len()
        ));
    }
    if let Some(c) = lock(&state.clients).map.get_mut(&client) {
        c.output = Some(lines);
    }
    state.bump_model();
}

/// Every attached client by id.
#[derive(Debug, Default)]
pub struct Clients {
    next: u32,
    pub(crate) map: HashMap<u32, AttachedClient>,
    /// Attachments that ended and whose `Detached` reply is being written (counted from
    /// before they leave `map`).
    pub(crate) telling: usize,
}

impl AttachedClient {
    /// The height of its terminal, cells: a control client has no status line (its `rows`
    /// keep one, as every client's, for the window-size calculation).
    pub fn terminal_rows(&self) -> u16 {
        if self.control.is_some() {
            self.rows.saturating_sub(1).max(1)
        } else {
            self.rows
        }
    }
}

impl Clients {
    /// Whether no client is attached.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether no client is attached and every ended attachment was told why (its `Detached`
    /// reply written or given up): what a shutdown or a live upgrade waits for.
    pub fn all_told(&self) -> bool {
        self.map.is_empty() && self.telling == 0
    }

    /// Attached client `id`, or the error every request about a client that left gives.
    ///
    /// # Errors
    /// `not found` when no client `id` is attached.
    pub fn attached(&self, id: u32) -> CmdResult<&AttachedClient> {
        self.map
            .get(&id)
            .ok_or_else(|| CmdError::not_found(format!("no attached client {id}")))
    }

    /// [`Clients::attached`], to change it.
    ///
    /// # Errors
    /// `not found` when no client `id` is attached.
    pub fn attached_mut(&mut self, id: u32) -> CmdResult<&mut AttachedClient> {
        self.map
            .get_mut(&id)
            .ok_or_else(|| CmdError::not_found(format!("no attached client {id}")))
    }

    /// How many clients are attached to `sid`.
    pub fn attached_to(&self, sid: SessionId) -> usize {
        self.map.values().filter(|c| c.session == sid).count()
    }
}

impl Clients {
    /// Asks every client attached to `sid` to ring its terminal's bell with its next frame.
    pub fn ring(&mut self, sid: SessionId) {
        for c in self.map.values_mut().filter(|c| c.session == sid) {
            c.bell = true;
        }
    }

    /// Ends every attachment with `reason` (a live upgrade: [`DetachReason::Upgraded`]).
    pub fn detach_all(&self, reason: &DetachReason) {
        for c in self.map.values() {
            c.detach.send_replace(Some(reason.clone()));
        }
    }

    /// The attached client `id`.
    pub fn get(&self, id: u32) -> Option<&AttachedClient> {
        self.map.get(&id)
    }
}

/// Sizes the windows from the attached clients (tmux `recalculate_sizes`, see
/// [`super::resize`]); `_sid` is the session whose clients changed (every window is looked
/// at: a window may be linked into several sessions).
pub fn apply_client_sizes(state: &ServerState, _sid: SessionId) {
    super::resize::recalculate_sizes(state);
}

/// `refresh-client -f FLAGS` / `-F FLAGS` of client `client` (tmux
/// `server_client_set_flags`, [`ClientFlags::apply`]); window sizes are worked out again
/// when `ignore-size` changed.
///
/// # Errors
/// The client is no longer registered.
pub fn set_client_flags(state: &Arc<ServerState>, client: u32, spec: &str) -> CmdResult<()> {
    let changed = {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        let mut f = ClientFlags {
            read_only: c.read_only,
            ignore_size: c.ignore_size,
        };
        f.apply(spec);
        let changed = f.ignore_size != c.ignore_size;
        c.read_only = f.read_only;
        c.ignore_size = f.ignore_size;
        changed
    };
    if changed {
        super::resize::recalculate_sizes(state);
    }
    state.bump_model();
    Ok(())
}

fn client_session(state: &ServerState, client: u32) -> CmdResult<(SessionId, bool)> {
    lock(&state.clients)
        .attached(client)
        .map(|c| (c.session, c.read_only))
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
    super::clients::touch(state, client);
    crate::hooks::client_active(state, client);
    let pane = {
        let reg = state.registry();
        let p = reg.resolve_pane(Some(&sid.to_string()), None)?;
        Arc::clone(&reg.pane(p)?.pane)
    };
    if pane.state().exit.is_some() || lock(&state.pane_modes).input_off(pane.id) {
        // A dead pane, or input off (`select-pane -d`): the keystroke is dropped.
        return Ok(());
    }
    // Queued in order; not awaited (see `connection::attach_requests`).
    super::behaviour::write_synchronized(state, pane.id, &bytes);
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
    // tmux MSG_RESIZE: the client becomes its window's latest (`client-active`).
    crate::hooks::client_active(state, client);
    let sid = {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        let changed = (c.cols, c.rows) != (cols, rows);
        c.cols = cols;
        c.rows = rows;
        (c.session, changed)
    };
    apply_client_sizes(state, sid.0);
    if sid.1 {
        crate::hooks::fire_for_client(state, "client-resized", sid.0, client);
    }
    Ok(())
}

/// Longest key table name an attach client may report (`AttachKeyTable`), bytes.
pub const MAX_KEY_TABLE: usize = 64;

/// `AttachKeyTable` on the connection of attached client `client`: records the key table its
/// keyboard is in (`prefix` after the prefix key, `root` after the next key; tmux
/// server-client.c `server_client_set_key_table`) for `#{client_key_table}` and
/// `#{client_prefix}`, and redraws its status line when it changed (tmux
/// `server_status_client`).
///
/// # Errors
/// An empty name or one over [`MAX_KEY_TABLE`] bytes (nothing changes), or the client is no
/// longer registered.
pub fn client_key_table(state: &Arc<ServerState>, client: u32, table: String) -> CmdResult<()> {
    if table.is_empty() || table.len() > MAX_KEY_TABLE {
        return Err(CmdError::invalid(format!(
            "bad key table name: 1 to {MAX_KEY_TABLE} bytes"
        )));
    }
    let changed = {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        let changed = c.info.key_table.as_deref() != Some(table.as_str());
        c.info.key_table = Some(table);
        changed
    };
    if changed {
        state.status_jobs.status_client(client);
    }
    Ok(())
}

/// `AttachFocus` on the connection of attached client `client` (tmux tty-keys.c, `CSI I` /
/// `CSI O` from the client's terminal): records the client's focus, fires `client-focus-out`
/// or `client-focus-in` (then, as any key, `client-active` if the client was not its window's
/// latest), and the pane focus hooks for what that changed (`pane-focus-in` / `out`, with the
/// `focus-events` option on). A repeated report fires again, as in tmux.
///
/// # Errors
/// The client is no longer registered.
pub fn client_focus(state: &Arc<ServerState>, client: u32, focused: bool) -> CmdResult<()> {
    let sid = {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        c.focused = focused;
        c.session
    };
    if focused {
        crate::hooks::fire_for_client(state, "client-focus-in", sid, client);
        crate::hooks::sync_view(state, None, false);
        crate::hooks::client_active(state, client);
    } else {
        crate::hooks::sync_view(state, None, false);
        crate::hooks::fire_for_client(state, "client-focus-out", sid, client);
    }
    Ok(())
}

/// The size a client's terminal announces, as kept for it: at least 1 column and 2 rows (one
/// for the status line), and a window within [`crate::limits`].
fn client_size(cols: u16, rows: u16) -> (u16, u16) {
    let (c, r) = crate::limits::clamp_client_size(cols, rows.saturating_sub(1));
    (c, r + 1)
}

/// `refresh-client -C WxH` of control client `client` (tmux cmd-refresh-client.c): its size
/// becomes W x H (a control client has no status line) and counts for window sizes from now
/// on; every window takes its new size at once (tmux `recalculate_sizes_now(1)`). Unlike a
/// terminal's resize, the client does not become its window's latest client and
/// `client-resized` does not fire.
///
/// # Errors
/// The client is no longer registered.
pub fn control_resize(
    state: &Arc<ServerState>,
    client: u32,
    cols: u16,
    rows: u16,
) -> CmdResult<()> {
    let (cols, rows) = crate::limits::clamp_client_size(cols, rows);
    {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(client)?;
        c.cols = cols;
        c.rows = rows.saturating_add(1);
        c.sized = true;
    }
    super::resize::recalculate_sizes_now(state, true);
    Ok(())
}

/// `refresh-client -C SIZE` of control client `client`, as tmux 3.3a cmd-refresh-client.c
/// `cmd_refresh_client_control_client_size` reads SIZE: `@WINDOW:WIDTHxHEIGHT` gives the
/// client its own size for window `@WINDOW` ([`AttachedClient::window_sizes`]; the client
/// counts for window sizes from then on), `@WINDOW:` (or any other text after `@N:`) clears
/// it, `WIDTHxHEIGHT` or `WIDTH,HEIGHT` is the client's size ([`control_resize`]). Every
/// window takes its new size at once (tmux `recalculate_sizes_now(1)`). A window that does
/// not exist is accepted and nothing is kept for it.
///
/// # Errors
/// `bad size argument`; `size too small or too big` outside 1..=10000 (tmux
/// `WINDOW_MINIMUM`..`WINDOW_MAXIMUM`); the client is no longer registered.
pub fn control_size(state: &Arc<ServerState>, client: u32, spec: &str) -> CmdResult<()> {
    let bounds = |x: u32, y: u32| {
        let edge = 1..=u32::from(crate::limits::MAX_EDGE);
        if edge.contains(&x) && edge.contains(&y) {
            Ok((x as u16, y as u16))
        } else {
            Err(CmdError::invalid("size too small or too big"))
        }
    };
    // tmux's sscanf `%u`: leading digits.
    let num = |s: &str| -> Option<(u32, usize)> {
        let d = s.bytes().take_while(u8::is_ascii_digit).count();
        Some((
            s[..d].parse::<u64>().ok()?.min(u64::from(u32::MAX)) as u32,
            d,
        ))
    };
    if let Some(rest) = spec.strip_prefix('@') {
        if let Some((w, n)) = num(rest) {
            if let Some(after) = rest[n..].strip_prefix(':') {
                let wid = WindowId(w);
                let size = num(after).and_then(|(x, n)| {
                    let tail = after[n..].strip_prefix('x')?;
                    Some((x, num(tail)?.0))
                });
                let exists = state.registry().windows.contains_key(&wid);
                match size {
                    Some((x, y)) => {
                        let (x, y) = bounds(x, y)?;
                        let mut clients = lock(&state.clients);
                        let c = clients.attached_mut(client)?;
                        if exists {
                            c.window_sizes.insert(wid, (x, y));
                        }
                        c.window_size_changed = true;
                    }
                    None => {
                        let mut clients = lock(&state.clients);
                        let c = clients.attached_mut(client)?;
                        if c.window_sizes.remove(&wid).is_none() {
                            return Ok(());
                        }
                    }
                }
                // Windows that are gone are forgotten (memory stays bounded by the windows).
                let live: std::collections::HashSet<WindowId> =
                    state.registry().windows.keys().copied().collect();
                if let Some(c) = lock(&state.clients).map.get_mut(&client) {
                    c.window_sizes.retain(|w, _| live.contains(w));
                }
                super::resize::recalculate_sizes_now(state, true);
                return Ok(());
            }
        }
    }
    let pair = spec.split_once([',', 'x']).and_then(|(w, h)| {
        let (w, n) = num(w)?;
        let (h, m) = num(h)?;
        (n > 0 && m > 0).then_some((w, h))
    });
    let Some((x, y)) = pair else {
        return Err(CmdError::invalid("bad size argument"));
    };
    let (x, y) = bounds(x, y)?;
    control_resize(state, client, x, y)
}

/// The attached (not control) client whose process is `pid` (its terminal's reported pid).
pub fn client_of_pid(state: &ServerState, pid: u32) -> Option<u32> {
    lock(&state.clients)
        .map
        .iter()
        .find(|(_, c)| c.control.is_none() && c.info.terminal.pid == Some(pid))
        .map(|(id, _)| *id)
}

/// The attached-client id of control client `control` (`crate::lang::Client::control`).
pub fn control_client(state: &ServerState, control: u32) -> Option<u32> {
    lock(&state.clients)
        .map
        .iter()
        .find(|(_, c)| c.control == Some(control))
        .map(|(id, _)| *id)
}

/// Ends the attachment of `client` as `detached`.
pub fn detach_self(state: &Arc<ServerState>, client: u32) {
    detach_with(state, client, DetachReason::Detached);
}

/// Ends the attachment of `client` with `reason` (`detached`, or `detached and SIGHUP` for
/// tmux `detach-client -P`).
pub fn detach_with(state: &Arc<ServerState>, client: u32, reason: DetachReason) {
    if let Some(c) = lock(&state.clients).map.get(&client) {
        c.detach.send_replace(Some(reason));
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
            c.detach.send_replace(Some(DetachReason::Detached));
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
            win.set_active(p);
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
    reg.set_current_window(sid, next);
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
    /// The overview as sent, with `quiet_secs` zeroed (compared without it).
    overview: Vec<PaneSummary>,
    /// Quiet seconds as sent, per pane, and when that was.
    quiet: HashMap<PaneId, u64>,
    overview_at: Option<std::time::Instant>,
    /// Foreground command, directory and branch per pane, read from `/proc` at most every
    /// [`PROC_MS`] ms.
    procs: HashMap<PaneId, ProcInfo>,
    procs_at: Option<std::time::Instant>,
    /// Configuration version as sent (`AttachFrame::config`).
    config: u64,
    /// Border status and lines as sent.
    borders: Borders,
    /// `status-left` and `status-right` as sent, expanded.
    status: (String, String),
    /// The status lines as sent (`AttachFrame::status_lines`).
    lines: Option<Vec<tidemux_proto::StatusLine>>,
    /// The status texts as last expanded.
    status_cache: Option<StatusCache>,
    /// The terminal title last sent (`set-titles`; kept while it is off, as tmux's
    /// `c->title`, so turning it on again with the same text sends nothing).
    title: Option<String>,
    /// The manual pan as sent (`AttachFrame::pan`).
    pan: Option<(u16, u16)>,
}

/// The status texts of a client as last expanded (`status-interval`): what they were expanded
/// for (a hash of the model's version, the configuration's, the client's jobs' output, the
/// client's width, the current window and pane, the active pane's title, the message and the
/// window list's names and flags), the `status-interval` and next time they are due, each
/// tab's (text, style), status-left and status-right, and the server-drawn lines.
#[derive(Debug)]
struct StatusCache {
    key: u64,
    /// `status-interval` when they were expanded, seconds.
    interval: u64,
    /// When they are due again by time (`status-interval`; `None` for 0).
    due: Option<std::time::Instant>,
    tabs: Vec<(String, String)>,
    parts: (String, String),
    lines: Option<Vec<tidemux_proto::StatusLine>>,
}

/// A window's `pane-border-status` (0 off, 1 top, 2 bottom) and each pane's expanded line.
type Borders = (u8, Vec<(PaneId, String)>);

/// The window's `pane-border-status` and, unless `off`, each visible pane's
/// `pane-border-format` expanded for that pane (tmux(1) "pane-border-format"). Takes the
/// registry, options and environment locks in the order `display-message` does.
fn border_lines(state: &ServerState, window: WindowId, panes: &[PaneView]) -> Borders {
    use crate::format::model::ModelContext;
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let status = match opts
        .effective("pane-border-status", None, Some(window), None)
        .as_deref()
    {
        Some("top") => 1,
        Some("bottom") => 2,
        _ => return (0, Vec::new()),
    };
    let env = lock(&state.environment);
    let lines = panes
        .iter()
        .map(|p| {
            let fmt = opts
                .effective("pane-border-format", None, Some(window), Some(p.id))
                .unwrap_or_default();
            let ctx = ModelContext::new(state, &reg, Some(crate::registry::Resolved::Pane(p.id)))
                .with_options(&*opts)
                .with_environ(&env);
            (p.id, crate::format::Expander::new().expand(&ctx, &fmt))
        })
        .collect();
    (status, lines)
}

/// tmux's `window_bigger`, `window_offset_x` and `window_offset_y` for a client that shows
/// its window from `offset` (see [`super::resize::window_offset`]).
fn offset_vars(offset: Option<(u16, u16)>) -> Vec<(String, String)> {
    match offset {
        Some((x, y)) => vec![
            ("window_bigger".into(), "1".into()),
            ("window_offset_x".into(), x.to_string()),
            ("window_offset_y".into(), y.to_string()),
        ],
        None => vec![("window_bigger".into(), "0".into())],
    }
}

/// The session's `status-left` and `status-right` expanded for the current pane
/// (`#[...]` styles left in), strftime first as tmux's `format_expand_time` (tmux(1) "STATUS
/// LINE"); shell jobs `#()` run as the client's (see [`crate::format::jobs`]).
///
/// `extra`: the client's variables (`client_*`) and where it shows the window when it is
/// larger than the client (see [`super::resize::window_offset`]): tmux's `window_bigger`,
/// `window_offset_x` and `window_offset_y` (the default `status-right` shows `[X,Y]` then).
fn status_parts(
    state: &ServerState,
    sid: SessionId,
    client: u32,
    window: WindowId,
    pane: PaneId,
    extra: &[(String, String)],
) -> (String, String) {
    use crate::format::model::ModelContext;
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let env = lock(&state.environment);
    let ctx = ModelContext::new(state, &reg, Some(crate::registry::Resolved::Pane(pane)))
        .with_extra(extra)
        .for_status(&*opts, &env, client);
    let expand = |name: &str| {
        let fmt = opts
            .effective(name, Some(sid), Some(window), Some(pane))
            .unwrap_or_default();
        crate::format::Expander::new().expand_time(&ctx, &fmt)
    };
    (expand("status-left"), expand("status-right"))
}

/// The status lines the server draws for a client `cols` wide (see
/// [`tidemux_proto::AttachFrame::status_lines`]), or `None` when the client's own layout of
/// `status-left`, the window list and `status-right` gives tmux's screen: `status` is `on`
/// and `status-format[0]` is tmux's default (or `status` is `off`).
///
/// Otherwise each of the `status` lines (`on` 1, `2`..`5`) is `status-format[N]` expanded for
/// the session's current pane (strftime first, tmux `format_expand_time`) and laid out by
/// [`crate::format::draw::draw`] over `status-style`; a line without a format is blank (tmux
/// status.c `status_redraw`). `extra`: the client's and the `window_bigger`/`window_offset_*`
/// variables.
fn status_lines(
    state: &ServerState,
    sid: SessionId,
    client: u32,
    pane: PaneId,
    extra: &[(String, String)],
    cols: u16,
) -> Option<Vec<tidemux_proto::StatusLine>> {
    use crate::format::model::ModelContext;
    use crate::options::{OptValue, Where};
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let lines: u32 = match opts.effective("status", Some(sid), None, None).as_deref() {
        Some("off") => 0,
        Some(n) => n.parse().unwrap_or(1),
        None => 1,
    };
    if lines == 0 {
        return None;
    }
    let formats: std::collections::BTreeMap<u32, String> =
        match opts.get(Where::Session(sid), "status-format", None) {
            Some(OptValue::Array(m)) => m.clone(),
            _ => std::collections::BTreeMap::new(),
        };
    let defaults = crate::options::def("status-format").map_or(&[][..], |d| d.default_array);
    let default_of = |i: u32| defaults.iter().find(|(n, _)| *n == i).map(|(_, f)| *f);
    let custom = lines > 1 || formats.get(&0).map(String::as_str) != default_of(0);
    if !custom {
        return None;
    }
    let env = lock(&state.environment);
    let ctx = ModelContext::new(state, &reg, Some(crate::registry::Resolved::Pane(pane)))
        .with_extra(extra)
        .for_status(&*opts, &env, client);
    let bar = opts
        .effective("status-style", Some(sid), None, None)
        .unwrap_or_default();
    let base = crate::format::draw::base_style(&bar);
    Some(
        (0..lines)
            .map(|i| match formats.get(&i) {
                Some(fmt) => {
                    let text = crate::format::Expander::new().expand_time(&ctx, fmt);
                    crate::format::draw::draw(&text, base, cols)
                }
                None => crate::format::draw::draw("", base, cols),
            })
            .collect(),
    )
}

/// tmux's default `status-format[0]` builds each tab's style this way (`#{E:...}` of the
/// window-status styles by the window's flags).
const TAB_STYLE: &str = "#{?#{&&:#{window_last_flag},#{!=:#{E:window-status-last-style},default}}, #{E:window-status-last-style},}#{?#{&&:#{window_bell_flag},#{!=:#{E:window-status-bell-style},default}}, #{E:window-status-bell-style},#{?#{&&:#{||:#{window_activity_flag},#{window_silence_flag}},#{!=:#{E:window-status-activity-style},default}}, #{E:window-status-activity-style},}}";

/// Each tab's (text, style) for the status line: `window-status-format` (or
/// `window-status-current-format` for the session's current window) expanded for the window
/// at that index of session `sid` (strftime too, as tmux's `#{T:...}`), and its style (see
/// [`TAB_STYLE`]).
fn tab_texts(
    state: &ServerState,
    sid: SessionId,
    client: u32,
    tabs: &[(WindowId, u32, bool)],
) -> Vec<(String, String)> {
    use crate::format::model::ModelContext;
    let reg = state.registry();
    let opts = lock(&state.options_store);
    let env = lock(&state.environment);
    tabs.iter()
        .map(|(wid, index, current)| {
            let ctx = ModelContext::new(state, &reg, Some(crate::registry::Resolved::Window(*wid)))
                .at_winlink(sid, *index)
                .for_status(&*opts, &env, client);
            let name = if *current {
                "window-status-current-format"
            } else {
                "window-status-format"
            };
            let fmt = opts
                .effective(name, Some(sid), Some(*wid), None)
                .unwrap_or_default();
            let text = crate::format::Expander::new().expand_time(&ctx, &fmt);
            let base = if *current {
                "#{?#{!=:#{E:window-status-current-style},default},#{E:window-status-current-style},#{E:window-status-style}}"
            } else {
                "#{E:window-status-style}"
            };
            let style = crate::format::Expander::new().expand(&ctx, &format!("{base}{TAB_STYLE}"));
            (text, style)
        })
        .collect()
}

/// What `/proc` and git say about a pane's foreground process: (command, cwd, branch).
type ProcInfo = (Option<String>, Option<String>, Option<String>);

/// How often the overview re-reads `/proc` and `.git/HEAD` for a client, ms.
pub const PROC_MS: u64 = 1000;

fn proc_info(pane: &crate::pane::Pane) -> ProcInfo {
    let Some(pid) = pane.foreground_pid().or(pane.pid) else {
        return (None, None, None);
    };
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim().to_owned());
    let cwd = crate::pane::proc::cwd(pid);
    let branch = cwd.as_deref().and_then(git_branch);
    (comm, cwd, branch)
}

/// How urgent a state is for the person watching: lower is more urgent (`attention` first,
/// then `waiting-input`, `exited`, `running`, `at-prompt` (a shell waiting for a command), `idle`,
/// then any other state name).
pub fn urgency(state: &str) -> u8 {
    match state {
        "attention" => 0,
        "waiting-input" => 1,
        "exited" => 2,
        "running" => 3,
        "at-prompt" => 4,
        "idle" => 5,
        _ => 6,
    }
}

/// The git branch of the work tree holding `dir`: the nearest `.git` (a directory, or a file
/// `gitdir: PATH` as in linked worktrees) and its `HEAD` (`ref: refs/heads/NAME` gives NAME; a
/// detached HEAD gives the first 7 hex digits of its commit).
pub fn git_branch(dir: &str) -> Option<String> {
    let mut d = Some(std::path::Path::new(dir));
    while let Some(cur) = d {
        let dot = cur.join(".git");
        let gitdir = if dot.is_dir() {
            Some(dot)
        } else if dot.is_file() {
            let t = std::fs::read_to_string(&dot).ok()?;
            let p = t.trim().strip_prefix("gitdir:")?.trim().to_owned();
            Some(cur.join(p))
        } else {
            None
        };
        if let Some(g) = gitdir {
            let head = std::fs::read_to_string(g.join("HEAD")).ok()?;
            let head = head.trim();
            return Some(match head.strip_prefix("ref: ") {
                Some(r) => r.strip_prefix("refs/heads/").unwrap_or(r).to_owned(),
                None => head.chars().take(7).collect(),
            });
        }
        d = cur.parent();
    }
    None
}

/// One pane as the overview lists it, copied from the model: (pane, window id, window index,
/// window name, pane name, whether it is its window's active pane, the pane, its session and
/// the session's name).
type OverviewRow = (
    PaneId,
    WindowId,
    u32,
    String,
    Option<String>,
    bool,
    Arc<Pane>,
    (SessionId, String),
);

/// Every pane of the session for the agent overview, by window index then layout order. Takes
/// each pane's lock in turn (no registry lock is held).
fn overview(rows: &[OverviewRow], sent: &mut Sent) -> Vec<PaneSummary> {
    let refresh = sent
        .procs_at
        .is_none_or(|t| t.elapsed() >= Duration::from_millis(PROC_MS));
    if refresh {
        sent.procs.clear();
        sent.procs_at = Some(std::time::Instant::now());
    }
    let mut out = Vec::new();
    for (p, wid, index, window_name, name, active, pane, (sid, session_name)) in rows {
        let (state, exit, attention, quiet) = {
            let mut st = pane.state();
            st.screen.sync();
            (
                st.run.state().as_str().to_owned(),
                st.exit.clone(),
                st.attention.clone(),
                st.screen.changed_at().elapsed().as_secs(),
            )
        };
        let (comm, cwd, branch) = if exit.is_some() {
            (None, None, None)
        } else {
            sent.procs
                .entry(*p)
                .or_insert_with(|| proc_info(pane))
                .clone()
        };
        out.push(PaneSummary {
            id: *p,
            window: *wid,
            window_index: *index,
            window_name: window_name.clone(),
            name: name.clone(),
            command: comm.unwrap_or_else(|| pane.command.clone()),
            state,
            exit,
            attention,
            quiet_secs: quiet,
            active: *active,
            cwd,
            branch,
            session: Some(*sid),
            session_name: Some(session_name.clone()),
        });
    }
    out
}

type PaneList = Vec<(PaneId, Arc<Pane>)>;

/// What a frame needs from the model, copied under the registry lock so that no pane lock is
/// taken while it is held.
struct ModelView {
    session_name: String,
    window: WindowId,
    cols: u16,
    rows: u16,
    zoomed: bool,
    active_pane: PaneId,
    /// (window id, index, name, panes) of every window of the session.
    windows: Vec<(WindowId, u32, String, PaneList)>,
    /// Visible panes of the current window with their rectangles.
    visible: Vec<(PaneId, crate::layout::Rect, Option<Arc<Pane>>)>,
    /// Every pane of the session (`sidebar-scope all`: of every session, the client's first)
    /// for the overview.
    overview: Vec<OverviewRow>,
}

fn model_view(state: &ServerState, sid: SessionId) -> Result<ModelView, String> {
    let reg = state.registry();
    let sess = reg.sessions.get(&sid).ok_or_else(|| "exited".to_owned())?;
    let win = reg
        .windows
        .get(&sess.active_window)
        .ok_or_else(|| "exited".to_owned())?;
    let pane_of = |p: &PaneId| reg.panes.get(p).map(|e| Arc::clone(&e.pane));
    let windows = sess
        .windows
        .iter()
        .filter_map(|(index, wid)| {
            let w = reg.windows.get(wid)?;
            let panes = w
                .geometry()
                .into_iter()
                .filter_map(|(p, _)| Some((p, pane_of(&p)?)))
                .collect();
            Some((w.id, *index, w.name.clone(), panes))
        })
        .collect();
    // `sidebar-scope all`: the client's session first, then the others by name.
    let all = lock(&state.options_store)
        .effective("sidebar-scope", Some(sid), None, None)
        .is_some_and(|v| v == "all");
    let mut listed = vec![(sid, sess)];
    if all {
        let mut others: Vec<_> = reg
            .sessions
            .iter()
            .filter(|(id, _)| **id != sid)
            .map(|(id, s)| (*id, s))
            .collect();
        others.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        listed.extend(others);
    }
    let mut overview = Vec::new();
    for (lsid, ls) in listed {
        for (index, wid) in &ls.windows {
            let Some(w) = reg.windows.get(wid) else {
                continue;
            };
            for (p, _) in w.geometry() {
                if let Some(e) = reg.panes.get(&p) {
                    overview.push((
                        p,
                        w.id,
                        *index,
                        w.name.clone(),
                        e.name.clone(),
                        w.active_pane == p,
                        Arc::clone(&e.pane),
                        (lsid, ls.name.clone()),
                    ));
                }
            }
        }
    }
    let visible = win
        .visible_geometry()
        .into_iter()
        .map(|(id, r)| (id, r, pane_of(&id)))
        .collect();
    Ok(ModelView {
        session_name: sess.name.clone(),
        window: win.id,
        cols: win.cols,
        rows: win.rows,
        zoomed: win.zoomed.is_some(),
        active_pane: win.active_pane,
        windows,
        visible,
        overview,
    })
}

/// The next frame for a client, `Ok(None)` if nothing changed, `Err(reason)` if the session
/// is gone. The model is copied under the registry lock; pane locks are taken after it is
/// released, one at a time, each for a snapshot.
fn next_frame(
    state: &ServerState,
    client: u32,
    sid: SessionId,
    sent: &mut Sent,
) -> Result<Option<AttachFrame>, String> {
    let m = model_view(state, sid)?;
    let mut message = None;
    let mut tabs = Vec::new();
    for (wid, index, name, panes) in &m.windows {
        let (mut alert, mut dead) = (false, false);
        let mut urgent = String::new();
        for (p, pane) in panes {
            let st = pane.state();
            let state_name = if st.attention.is_some() {
                "attention"
            } else {
                st.run.state().as_str()
            };
            if urgent.is_empty() || urgency(state_name) < urgency(&urgent) {
                urgent = state_name.to_owned();
            }
            if st.attention.is_some() || st.bell {
                alert = true;
                if message.is_none() || (*wid == m.window && *p == m.active_pane) {
                    message = st.attention.as_ref().map(|msg| format!("{p}: {msg}"));
                }
            }
            dead |= st.exit.is_some();
        }
        tabs.push(WindowTab {
            id: *wid,
            index: *index,
            name: name.clone(),
            active: *wid == m.window,
            alert,
            dead,
            state: urgent,
            text: None,
            style: None,
        });
    }
    // A `display-message` for this session wins while it lasts.
    if let Some((text, until)) = lock(&state.messages).get(&sid) {
        if *until > std::time::Instant::now() {
            message = Some(text.clone());
        }
    }
    let views: Vec<PaneView> = m
        .visible
        .iter()
        .map(|(id, r, pane)| {
            let (dead, (mouse, mouse_sgr)) = pane.as_ref().map_or((false, (0, false)), |p| {
                let st = p.state();
                (st.exit.is_some(), st.screen.mouse())
            });
            PaneView {
                id: *id,
                left: r.left,
                top: r.top,
                cols: r.cols,
                rows: r.rows,
                active: *id == m.active_pane,
                dead,
                mouse,
                mouse_sgr,
            }
        })
        .collect();
    let borders = border_lines(state, m.window, &views);
    let (output, bell, title_ok) = lock(&state.clients)
        .map
        .get_mut(&client)
        .map(|c| {
            (
                c.output.take().unwrap_or_default(),
                std::mem::take(&mut c.bell),
                c.title_ok,
            )
        })
        .unwrap_or_default();
    // `set-titles`: sent only when the expanded text differs from the last one sent.
    let title = if title_ok {
        super::titles::client_title(state, sid).filter(|t| sent.title.as_ref() != Some(t))
    } else {
        None
    };
    let full = sent.window != Some(m.window)
        || sent.panes != views
        || sent.size != (m.cols, m.rows)
        || sent.zoomed != m.zoomed;
    if full {
        sent.rows.clear();
    }
    let mut rows_changed = Vec::new();
    let mut cursor = None;
    for (v, (_, _, pane)) in views.iter().zip(&m.visible) {
        let Some(pane) = pane else {
            continue;
        };
        let mut st = pane.state();
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
    let (offset, pan) =
        super::resize::client_offset(state, client, m.window, (m.cols, m.rows), cursor);
    let width = lock(&state.clients)
        .map
        .get(&client)
        .map_or(m.cols, |c| c.cols);
    // The status texts are expanded again when something they show changed, else at most
    // every `status-interval` seconds (0: never by time; tmux status.c
    // `status_timer_callback`); `#(...)` jobs rerun with them.
    let pane_title = m
        .visible
        .iter()
        .find(|(id, ..)| *id == m.active_pane)
        .and_then(|(_, _, p)| p.as_ref())
        .map(|p| p.state().screen.title().to_owned());
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (*state.model.borrow()).hash(&mut h);
        state
            .config_version
            .load(std::sync::atomic::Ordering::Relaxed)
            .hash(&mut h);
        state.status_jobs.generation(client).hash(&mut h);
        (
            m.window,
            m.active_pane,
            width,
            offset,
            &pane_title,
            &message,
        )
            .hash(&mut h);
        for t in &tabs {
            (t.id, t.index, &t.name, t.active, t.alert, t.dead, &t.state).hash(&mut h);
        }
        h.finish()
    };
    let interval = lock(&state.options_store)
        .effective("status-interval", Some(sid), None, None)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(15);
    // tmux's timer fires every `status-interval` seconds from when it was started (attach,
    // a change of the option), whatever else redrew the line in between.
    let now = std::time::Instant::now();
    let every = Duration::from_secs(interval);
    let (due, next) = match &sent.status_cache {
        None => (true, None),
        Some(c) if c.interval != interval => (true, None),
        Some(c) => match c.due {
            Some(d) if now >= d => (
                true,
                Some(if d + every > now {
                    d + every
                } else {
                    now + every
                }),
            ),
            d => (c.key != key, d),
        },
    };
    let next = if interval == 0 {
        None
    } else {
        next.or(Some(now + every))
    };
    if !due {
        if let Some(c) = sent.status_cache.as_mut() {
            c.due = next;
        }
    }
    if due {
        let which: Vec<(WindowId, u32, bool)> =
            tabs.iter().map(|t| (t.id, t.index, t.active)).collect();
        let mut extra = offset_vars(offset);
        extra.extend(super::clients::status_variables(state, client));
        sent.status_cache = Some(StatusCache {
            key,
            interval,
            due: next,
            tabs: tab_texts(state, sid, client, &which),
            parts: status_parts(state, sid, client, m.window, m.active_pane, &extra),
            lines: status_lines(state, sid, client, m.active_pane, &extra, width),
        });
    }
    let (status, lines) = match &sent.status_cache {
        Some(c) => {
            for (t, (text, style)) in tabs.iter_mut().zip(&c.tabs) {
                t.text = Some(text.clone());
                t.style = Some(style.clone());
            }
            (c.parts.clone(), c.lines.clone())
        }
        None => Default::default(),
    };
    let summaries = overview(&m.overview, sent);
    let keyed: Vec<PaneSummary> = summaries
        .iter()
        .cloned()
        .map(|mut p| {
            p.quiet_secs = 0;
            p
        })
        .collect();
    // Quiet times are extrapolated by the client; a new one is sent when that estimate is off
    // by more than a second (the screen changed), not every second.
    let elapsed = sent.overview_at.map_or(0, |t| t.elapsed().as_secs());
    let drifted = summaries.iter().any(|p| {
        sent.quiet
            .get(&p.id)
            .is_none_or(|q| (q + elapsed).abs_diff(p.quiet_secs) > 1)
    });
    let config = state
        .config_version
        .load(std::sync::atomic::Ordering::Relaxed);
    let changed = full
        || config != sent.config
        || !rows_changed.is_empty()
        || cursor != sent.cursor
        || tabs != sent.tabs
        || message != sent.message
        || keyed != sent.overview
        || borders != sent.borders
        || status != sent.status
        || lines != sent.lines
        || !output.is_empty()
        || bell
        || title.is_some()
        || pan != sent.pan
        || drifted;
    if !changed {
        return Ok(None);
    }
    sent.window = Some(m.window);
    sent.size = (m.cols, m.rows);
    sent.panes = views.clone();
    sent.tabs = tabs.clone();
    sent.cursor = cursor;
    sent.message = message.clone();
    sent.zoomed = m.zoomed;
    sent.overview = keyed;
    sent.borders = borders.clone();
    sent.status = status.clone();
    sent.lines.clone_from(&lines);
    sent.quiet = summaries.iter().map(|p| (p.id, p.quiet_secs)).collect();
    sent.overview_at = Some(std::time::Instant::now());
    sent.config = config;
    sent.pan = pan;
    if title.is_some() {
        sent.title.clone_from(&title);
    }
    Ok(Some(AttachFrame {
        client,
        session: sid,
        session_name: m.session_name,
        window: m.window,
        cols: m.cols,
        rows: m.rows,
        windows: tabs,
        panes: views,
        full,
        rows_changed,
        cursor,
        message,
        zoomed: m.zoomed,
        overview: summaries,
        config,
        border_status: borders.0,
        borders: borders.1,
        status_left: Some(status.0),
        status_right: Some(status.1),
        output,
        bell: Some(bell),
        title,
        status_lines: lines,
        pan,
    }))
}

/// Registers an attaching client; returns its id and detach receiver. `info` describes its
/// terminal (`list-clients`). `control`: a control client's id among control clients; its
/// size does not count for window sizes until `refresh-client -C` gives it one.
pub fn register(
    state: &Arc<ServerState>,
    target: Option<&str>,
    flags: ClientFlags,
    cols: u16,
    rows: u16,
    info: super::clients::ClientDetails,
    control: Option<u32>,
) -> CmdResult<(u32, SessionId, watch::Receiver<Option<DetachReason>>)> {
    let sid = state.registry().resolve_session(target, None)?;
    let (tx, rx) = watch::channel(None);
    let title_ok = super::titles::terminal_has_title(
        info.terminal.term.as_deref(),
        &lock(&state.options_store),
    );
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
                read_only: flags.read_only,
                detach: tx,
                info,
                output: None,
                focused: true,
                bell: false,
                title_ok,
                sized: control.is_none(),
                control,
                ignore_size: flags.ignore_size,
                window_sizes: HashMap::new(),
                window_size_changed: false,
                pan: None,
                shown: (0, 0, 0, 0),
            },
        );
        id
    };
    state.registry().touch_attached(sid);
    crate::hooks::set_latest(state, id);
    apply_client_sizes(state, sid);
    // tmux server_client_set_session: the focus of the session's current window.
    let shown: Vec<WindowId> = crate::hooks::current_window(state, sid)
        .into_iter()
        .collect();
    crate::hooks::focus_update(state, &shown);
    let mut e = event(EventKind::ClientAttached, Some(sid), None, None);
    e.name = Some(id.to_string());
    state.events.publish(e);
    Ok((id, sid, rx))
}

/// Unregisters a client (`sid`: its session when it attached; the one it shows now, after a
/// `switch-client`, is taken from the registration).
pub fn unregister(state: &Arc<ServerState>, id: u32, sid: SessionId) {
    state.status_jobs.forget_client(id);
    let sid = lock(&state.clients)
        .map
        .remove(&id)
        .map_or(sid, |c| c.session);
    crate::hooks::client_lost(state, id);
    apply_client_sizes(state, sid);
    // tmux MSG_EXITING: server_client_set_session(c, NULL) updates the focus.
    let shown: Vec<WindowId> = crate::hooks::current_window(state, sid)
        .into_iter()
        .collect();
    crate::hooks::focus_update(state, &shown);
    let mut e = event(EventKind::ClientDetached, Some(sid), None, None);
    e.name = Some(id.to_string());
    state.events.publish(e);
    super::behaviour::client_left(state, sid);
}

/// What ends a frame loop.
pub enum End {
    /// Send `Detached(reason)`.
    Reason(DetachReason),
    /// The client went away.
    Closed,
}

/// Produces frames until the client detaches, its session ends or it goes away. `send` writes
/// one reply; `closed` resolves when the peer closes.
pub async fn frame_loop<F, Fut>(
    state: &Arc<ServerState>,
    client: u32,
    sid: SessionId,
    mut detach: watch::Receiver<Option<DetachReason>>,
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
    let mut jobs = state.status_jobs.subscribe();
    let mut shutdown = state.shutdown_requested();
    // Run states settle without output or a model change (a program starts reading its
    // terminal), so the overview is also checked on a tick.
    let mut tick = tokio::time::interval(Duration::from_millis(OVERVIEW_MS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Woken by output of this session's panes only.
    let activity = state
        .registry()
        .sessions
        .get(&sid)
        .map(|s| Arc::clone(&s.activity))
        .unwrap_or_default();
    tokio::pin!(closed);
    let mut sid = sid;
    let mut activity = activity;
    loop {
        // `switch-client` (and `detach-on-destroy off`) move the client to another session:
        // everything is drawn again, woken by that session's output.
        if let Some(now) = super::clients::session_of(state, client).filter(|s| *s != sid) {
            sid = now;
            sent = Sent::default();
            activity = state
                .registry()
                .sessions
                .get(&sid)
                .map(|s| Arc::clone(&s.activity))
                .unwrap_or_default();
        }
        let notified = activity.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        model.borrow_and_update();
        jobs.borrow_and_update();
        if let Some(reason) = detach.borrow_and_update().clone() {
            return End::Reason(reason);
        }
        match next_frame(state, client, sid, &mut sent) {
            // The session is gone: on to another (`detach-on-destroy`), else `exited`.
            Err(_) if super::clients::on_destroy(state, client) => continue,
            Err(_) => return End::Reason(DetachReason::Exited),
            Ok(Some(f)) => {
                if !send(Response::Frame(f)).await {
                    return End::Closed;
                }
                last_frame = tokio::time::Instant::now();
            }
            Ok(None) => {}
        }
        // The status line's next redraw by time (`status-interval`).
        let status_due = sent.status_cache.as_ref().and_then(|c| c.due).map_or_else(
            || tokio::time::Instant::now() + Duration::from_secs(3600),
            tokio::time::Instant::from_std,
        );
        tokio::select! {
            () = &mut notified => {}
            _ = model.changed() => {}
            _ = jobs.changed() => {}
            () = tokio::time::sleep_until(status_due) => {}
            _ = detach.changed() => {}
            _ = tick.tick() => {}
            _ = shutdown.wait_for(|s| *s) => return End::Reason(DetachReason::ServerExited),
            () = &mut closed => return End::Closed,
        }
        // Coalesce: at most one frame per FRAME_MS, however fast the panes print; a change after
        // a quiet spell (a keystroke's echo) goes out at once.
        tokio::time::sleep_until(last_frame + Duration::from_millis(FRAME_MS)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::ClientFlags;

    #[test]
    fn client_flags_are_set_as_tmux() {
        let mut f = ClientFlags::default();
        f.apply("ignore-size,no-output,bogus");
        assert_eq!(
            f,
            ClientFlags {
                read_only: false,
                ignore_size: true
            }
        );
        f.apply("!ignore-size,read-only");
        assert_eq!(
            f,
            ClientFlags {
                read_only: true,
                ignore_size: false
            }
        );
        // A read-only client cannot make itself writable.
        f.apply("!read-only");
        assert!(f.read_only);
    }
}
