//! Attached clients as tmux commands address them (tmux 3.3a cmd-list-clients.c,
//! cmd-switch-client.c, cmd-refresh-client.c, cmd-find.c `cmd_find_client`):
//! `list-clients [-F] [-f] [-t SESSION]`, `switch-client [-c CLIENT] [-t TARGET] [-n|-p|-l]
//! [-r]`, `refresh-client [-c CLIENT] [-S] [-C WxH]`, and `detach-on-destroy`.
//!
//! A client is named, as in tmux, by its terminal's path (`client_name`, e.g. `/dev/pts/3`;
//! `client-N` when it sent none); `-c` also takes the number `N` or the path without
//! `/dev/`. Without `-c` the client is the most recently active one attached to the caller's
//! session, else the most recently active one (tmux's "best client"); none: `no current
//! client`.

use super::attach::{apply_client_sizes, AttachedClient};
use crate::error::{CmdError, CmdResult};
use crate::format::model::ModelContext;
use crate::registry::Resolved;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{ClientInfo, ClientTerminal, PaneId, Response, SessionId};

/// What an attached client is, beyond its session and size.
#[derive(Debug, Clone, Default)]
pub struct ClientDetails {
    /// Its terminal.
    pub terminal: ClientTerminal,
    /// When it attached, Unix seconds.
    pub created: u64,
    /// Last input, Unix milliseconds (which client is "current").
    pub activity: u64,
    /// The session it showed before the last `switch-client` (`-l`).
    pub last_session: Option<SessionId>,
    /// The key table its keyboard is in, as the attach client reports it
    /// (`AttachKeyTable`); `None`: `root` (also for clients that do not report it).
    pub key_table: Option<String>,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl ClientDetails {
    /// Details of a client attaching now.
    pub fn new(terminal: ClientTerminal) -> Self {
        let now = now_ms();
        ClientDetails {
            terminal,
            created: now / 1000,
            activity: now,
            last_session: None,
            key_table: None,
        }
    }
}

/// `client_name`.
fn name(id: u32, c: &AttachedClient) -> String {
    c.info
        .terminal
        .tty
        .clone()
        .unwrap_or_else(|| format!("client-{id}"))
}

/// The name of attached client `id` (`#{client_name}`: its terminal, else `client-ID`).
pub fn client_name(state: &ServerState, id: u32) -> Option<String> {
    lock(&state.clients).map.get(&id).map(|c| name(id, c))
}

/// The session client `id` shows now.
pub fn session_of(state: &ServerState, id: u32) -> Option<SessionId> {
    lock(&state.clients).map.get(&id).map(|c| c.session)
}

/// Client `id` typed something (it becomes the current client).
pub fn touch(state: &ServerState, id: u32) {
    if let Some(c) = lock(&state.clients).map.get_mut(&id) {
        c.info.activity = now_ms();
    }
}

/// The session of client `id` was destroyed: with `detach-on-destroy` `off` (or `no-detached`)
/// moves it to the most recently used session (with `no-detached`: one nobody is attached
/// to) and returns true; false detaches it. The global value decides (the session's own
/// options are gone with it).
pub fn on_destroy(state: &Arc<ServerState>, id: u32) -> bool {
    let mode = lock(&state.options_store)
        .effective("detach-on-destroy", None, None, None)
        .unwrap_or_else(|| "on".into());
    if mode == "on" {
        return false;
    }
    let candidates: Vec<(u64, SessionId)> = {
        let reg = state.registry();
        reg.sessions.values().map(|s| (s.last_used, s.id)).collect()
    };
    let target = {
        let clients = lock(&state.clients);
        candidates
            .into_iter()
            .filter(|(_, s)| mode != "no-detached" || clients.attached_to(*s) == 0)
            .max()
            .map(|(_, s)| s)
    };
    match target {
        Some(s) => move_client(state, id, s).is_ok(),
        None => false,
    }
}

/// Moves client `id` to session `to`; its frame loop follows.
fn move_client(state: &Arc<ServerState>, id: u32, to: SessionId) -> CmdResult<()> {
    let from = {
        let mut clients = lock(&state.clients);
        let c = clients.attached_mut(id)?;
        let from = c.session;
        if from != to {
            c.info.last_session = Some(from);
            c.session = to;
        }
        from
    };
    state.registry().touch_attached(to);
    crate::hooks::set_latest(state, id);
    apply_client_sizes(state, to);
    if from != to {
        apply_client_sizes(state, from);
    }
    // tmux server_client_set_session: the old session's current window, then the new one's.
    let shown: Vec<_> = [from, to]
        .into_iter()
        .filter_map(|s| crate::hooks::current_window(state, s))
        .collect();
    crate::hooks::focus_update(state, &shown);
    if from != to {
        super::behaviour::client_left(state, from);
    }
    state.bump_model();
    if from != to {
        crate::hooks::fire_for_client(state, "client-session-changed", to, id);
    }
    Ok(())
}

/// Resolves `-c CLIENT` (or the current client): the attached-client id.
///
/// # Errors
/// `can't find client: X`, `no current client`.
pub fn find_client(
    state: &ServerState,
    caller: Option<PaneId>,
    client: Option<&str>,
) -> CmdResult<u32> {
    // A command of an attached client's key binding (sent by the client's own process): that
    // client, as tmux's current client is the one that pressed the key.
    if client.is_none() {
        let pid = super::PEER_PID.try_with(|p| *p).ok().flatten();
        if let Some(id) = pid.and_then(|pid| super::attach::client_of_pid(state, pid)) {
            return Ok(id);
        }
    }
    let caller_session = caller.and_then(|p| {
        let reg = state.registry();
        let w = reg.panes.get(&p)?.window;
        reg.windows.get(&w).map(|w| w.session)
    });
    let clients = lock(&state.clients);
    if let Some(want) = client {
        let want = want.strip_suffix(':').unwrap_or(want);
        return clients
            .map
            .iter()
            .find(|(id, c)| {
                let n = name(**id, c);
                want == n || want == id.to_string() || n.strip_prefix("/dev/") == Some(want)
            })
            .map(|(id, _)| *id)
            .ok_or_else(|| CmdError::not_found(format!("can't find client: {want}")));
    }
    let best = |only: Option<SessionId>| {
        clients
            .map
            .iter()
            .filter(|(_, c)| only.is_none_or(|s| c.session == s))
            .max_by_key(|(id, c)| (c.info.activity, **id))
            .map(|(id, _)| *id)
    };
    caller_session
        .and_then(|s| best(Some(s)))
        .or_else(|| best(None))
        .ok_or_else(|| CmdError::not_found("no current client"))
}

/// The `client_*` variables of one client (tmux FORMATS), plus `line`.
fn variables(
    id: u32,
    c: &AttachedClient,
    line: usize,
    session_name: String,
    last_name: String,
) -> Vec<(String, String)> {
    // tmux 3.3a server-client.c `server_client_get_flags`, in its order.
    let mut flags = vec!["attached"];
    if c.focused {
        flags.push("focused");
    }
    if c.control.is_some() {
        flags.push("control-mode");
    }
    if c.ignore_size {
        flags.push("ignore-size");
    }
    if c.read_only {
        flags.push("read-only");
    }
    flags.push("UTF-8");
    let key_table = c.info.key_table.as_deref().unwrap_or("root");
    let uid = rustix::process::getuid().as_raw().to_string();
    let tty = c.info.terminal.tty.clone().unwrap_or_default();
    [
        ("line", line.to_string()),
        ("client_name", name(id, c)),
        ("client_tty", tty),
        (
            "client_pid",
            c.info
                .terminal
                .pid
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ),
        ("client_width", c.cols.to_string()),
        // tmux format.c: empty for a client whose terminal was not started (a control
        // client).
        (
            "client_height",
            if c.control.is_some() {
                String::new()
            } else {
                c.rows.to_string()
            },
        ),
        ("client_cell_width", "0".into()),
        ("client_cell_height", "0".into()),
        (
            "client_termname",
            c.info.terminal.term.clone().unwrap_or_default(),
        ),
        ("client_termtype", String::new()),
        ("client_termfeatures", String::new()),
        ("client_created", c.info.created.to_string()),
        ("client_activity", (c.info.activity / 1000).to_string()),
        ("client_readonly", u8::from(c.read_only).to_string()),
        ("client_flags", flags.join(",")),
        ("client_utf8", "1".into()),
        (
            "client_control_mode",
            u8::from(c.control.is_some()).to_string(),
        ),
        // tmux format.c `format_cb_client_key_table` / `format_cb_client_prefix`: the table
        // the client's keyboard is in, and whether it is another than the default (`root`;
        // the attach client reports `prefix` while the key after the prefix is awaited).
        ("client_key_table", key_table.to_owned()),
        ("client_prefix", u8::from(key_table != "root").to_string()),
        ("client_session", session_name),
        ("client_last_session", last_name),
        ("client_uid", uid),
        ("client_user", crate::format::model::user_name()),
        ("client_written", "0".into()),
        ("client_discarded", "0".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The `client_*` variables of attached client `id` (tmux FORMATS) for its status line's
/// formats (tmux expands them with the client's format tree); empty if it is gone. Takes the
/// registry lock, then the clients'.
pub fn status_variables(state: &ServerState, id: u32) -> Vec<(String, String)> {
    let reg = state.registry();
    let clients = lock(&state.clients);
    let Some(c) = clients.map.get(&id) else {
        return Vec::new();
    };
    let name_of = |s: Option<SessionId>| {
        s.and_then(|s| reg.sessions.get(&s))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let mut v = variables(
        id,
        c,
        0,
        name_of(Some(c.session)),
        name_of(c.info.last_session),
    );
    v.retain(|(k, _)| k != "line");
    v
}

/// `list-clients [-F FORMAT] [-f FILTER] [-t SESSION]`: reply `Lines` with a format,
/// `Clients` without (JSON), in client order.
///
/// # Errors
/// Target errors.
pub fn list_clients(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    format: Option<&str>,
    filter: Option<&str>,
) -> CmdResult {
    let reg = state.registry();
    let only = target
        .map(|t| reg.resolve_session(Some(t), caller))
        .transpose()?;
    let opts = lock(&state.options_store);
    let clients = lock(&state.clients);
    let mut ids: Vec<u32> = clients
        .map
        .iter()
        .filter(|(_, c)| only.is_none_or(|s| c.session == s))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    let mut lines = Vec::new();
    let mut infos = Vec::new();
    for (line, id) in ids.into_iter().enumerate() {
        let c = &clients.map[&id];
        let last = c
            .info
            .last_session
            .and_then(|s| reg.sessions.get(&s))
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let session_name = reg
            .sessions
            .get(&c.session)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let extra = variables(id, c, line, session_name, last);
        let ctx = ModelContext::new(state, &reg, Some(Resolved::Session(c.session)))
            .with_options(&*opts)
            .with_extra(&extra);
        if let Some(f) = filter {
            if !crate::format::is_true(&crate::format::expand(&ctx, f)) {
                continue;
            }
        }
        match format {
            Some(f) => lines.push(crate::format::expand(&ctx, f)),
            None => infos.push(ClientInfo {
                id,
                name: name(id, c),
                session: c.session,
                session_name: reg
                    .sessions
                    .get(&c.session)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                cols: c.cols,
                rows: c.terminal_rows(),
                term: c.info.terminal.term.clone().unwrap_or_default(),
                pid: c.info.terminal.pid,
                read_only: c.read_only,
                created: c.info.created,
            }),
        }
    }
    Ok(match format {
        Some(_) => Response::Lines(lines),
        None => Response::Clients(infos),
    })
}

/// Sessions in tmux's order (by name) for `-n`/`-p`.
fn session_after(state: &ServerState, from: SessionId, step: i32) -> Option<SessionId> {
    let reg = state.registry();
    let mut all: Vec<(&str, SessionId)> = reg
        .sessions
        .values()
        .map(|s| (s.name.as_str(), s.id))
        .collect();
    all.sort();
    let i = all.iter().position(|(_, s)| *s == from)? as i32;
    let n = all.len() as i32;
    all.get((i + step).rem_euclid(n) as usize).map(|(_, s)| *s)
}

/// What `switch-client` does besides choosing the client.
#[derive(Debug, Clone, Copy, Default)]
pub struct SwitchHow {
    /// `-n`.
    pub next: bool,
    /// `-p`.
    pub previous: bool,
    /// `-l`.
    pub last: bool,
    /// `-r`: toggle read-only.
    pub toggle_read_only: bool,
}

/// `switch-client [-c CLIENT] [-t TARGET] [-n|-p|-l] [-r]`: the client shows another session
/// (a `SESSION:WINDOW.PANE` target also selects that window and pane).
///
/// # Errors
/// `no current client`, `can't find client: X`; target errors; `can't find next session`,
/// `can't find previous session`, `can't find last session`.
pub fn switch_client(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    client: Option<&str>,
    target: Option<&str>,
    how: SwitchHow,
) -> CmdResult {
    let id = find_client(state, caller, client)?;
    let (current, last) = {
        let clients = lock(&state.clients);
        let c = &clients.map[&id];
        (c.session, c.info.last_session)
    };
    if how.toggle_read_only {
        // tmux cmd-switch-client.c: read-only and ignore-size go together.
        if let Some(c) = lock(&state.clients).map.get_mut(&id) {
            c.read_only = !c.read_only;
            c.ignore_size = c.read_only;
        }
        super::resize::recalculate_sizes(state);
    }
    let to = if how.next {
        session_after(state, current, 1)
            .ok_or_else(|| CmdError::not_found("can't find next session"))?
    } else if how.previous {
        session_after(state, current, -1)
            .ok_or_else(|| CmdError::not_found("can't find previous session"))?
    } else if how.last {
        last.filter(|s| state.registry().sessions.contains_key(s))
            .ok_or_else(|| CmdError::not_found("can't find last session"))?
    } else {
        let mut reg = state.registry();
        match target {
            None if how.toggle_read_only => current,
            None => reg.resolve_session(None, caller)?,
            Some(t) => match reg.resolve(Some(t), caller)? {
                Resolved::Session(s) => s,
                Resolved::Window(w) => {
                    let sid = reg.window(w)?.session;
                    reg.set_current_window(sid, w);
                    sid
                }
                Resolved::Pane(p) => {
                    let w = reg.pane(p)?.window;
                    let sid = reg.window(w)?.session;
                    if let Some(win) = reg.windows.get_mut(&w) {
                        win.set_active(p);
                    }
                    reg.set_current_window(sid, w);
                    sid
                }
            },
        }
    };
    move_client(state, id, to)?;
    Ok(Response::Ok)
}

/// What `refresh-client` does beside redrawing (each `None` when not given).
#[derive(Debug, Clone, Copy, Default)]
pub struct Refresh<'a> {
    /// `-C WxH` (or `W,H`): the client's size; `-C @WINDOW:WxH` / `@WINDOW:` a control
    /// client's size for one window.
    pub size: Option<&'a str>,
    /// `L`, `R`, `U`, `D` (pan) or `c` (follow the cursor).
    pub pan: Option<&'a str>,
    /// The pan's ADJUSTMENT argument.
    pub adjustment: Option<&'a str>,
    /// `-f` / `-F`: client flags.
    pub flags: Option<&'a str>,
}

/// tmux's `strtonum(s, 1, INT_MAX)` of a `refresh-client` ADJUSTMENT (1 when absent).
///
/// # Errors
/// `adjustment too small`, `adjustment too large`, `adjustment invalid`.
pub fn adjustment(s: Option<&str>) -> CmdResult<u32> {
    let Some(s) = s else {
        return Ok(1);
    };
    let why = match s.trim_start().parse::<i64>() {
        Ok(n) if n < 1 => "too small",
        Ok(n) if n > i64::from(i32::MAX) => "too large",
        Ok(n) => return Ok(n as u32),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => "too large",
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::NegOverflow) => "too small",
        Err(_) => "invalid",
    };
    Err(CmdError::invalid(format!("adjustment {why}")))
}

/// `refresh-client [-t CLIENT] [-cDLRUS] [-C SIZE] [-f FLAGS] [ADJUSTMENT]` (tmux 3.3a
/// cmd-refresh-client.c, in its order): a pan (`-L`/`-R`/`-U`/`-D` by ADJUSTMENT cells,
/// `-c` back to following the cursor: [`super::resize::pan`]) and nothing else; otherwise
/// `-f` sets client flags ([`super::attach::set_client_flags`]) and `-C` sets the client's
/// size (a control client's as tmux; an attached client's as if its terminal had been
/// resized, a tidemux addition) or a control client's size for one window (`@WINDOW:WxH`,
/// cleared by `@WINDOW:`; see [`super::attach::control_window_size`]). The client is
/// redrawn (tidemux's clients redraw on every change anyway).
///
/// # Errors
/// `no current client`, `can't find client: X`; the adjustment's errors ([`adjustment`]);
/// `bad size argument`, `size too small or too big`; `not a control client` for
/// `-C @WINDOW:...` on an attached client.
pub fn refresh_client(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    client: Option<&str>,
    how: &Refresh<'_>,
) -> CmdResult {
    let id = find_client(state, caller, client)?;
    if let Some(dir) = how.pan {
        let adjust = adjustment(how.adjustment)?;
        let dir = match dir {
            "L" | "R" | "U" | "D" | "c" => dir.chars().next().unwrap_or('c'),
            other => {
                return Err(CmdError::invalid(format!(
                    "bad pan: {other} (expected L, R, U, D or c)"
                )))
            }
        };
        super::resize::pan(state, id, dir, adjust)?;
        return Ok(Response::Ok);
    }
    if let Some(f) = how.flags {
        super::attach::set_client_flags(state, id, f)?;
    }
    if let Some(sz) = how.size {
        let control = lock(&state.clients)
            .get(id)
            .is_some_and(|c| c.control.is_some());
        if control {
            super::attach::control_size(state, id, sz)?;
        } else {
            if sz.starts_with('@') {
                return Err(CmdError::invalid("not a control client"));
            }
            let parsed = sz
                .split_once(['x', ','])
                .and_then(|(w, h)| Some((w.parse::<u16>().ok()?, h.parse::<u16>().ok()?)))
                .filter(|(w, h)| *w > 0 && *h > 0);
            let Some((w, h)) = parsed else {
                return Err(CmdError::invalid(format!(
                    "bad size: {sz} (expected WIDTHxHEIGHT)"
                )));
            };
            super::attach::client_resize(state, id, w, h)?;
        }
    }
    state.bump_model();
    Ok(Response::Ok)
}

#[cfg(test)]
mod refresh_tests {
    use super::adjustment;

    #[test]
    fn adjustments_are_read_as_tmux_strtonum() {
        assert_eq!(adjustment(None).ok(), Some(1));
        assert_eq!(adjustment(Some("10")).ok(), Some(10));
        assert_eq!(adjustment(Some("2147483647")).ok(), Some(2_147_483_647));
        let err = |s: &str| adjustment(Some(s)).err().map(|e| e.message);
        assert_eq!(err("0").as_deref(), Some("adjustment too small"));
        assert_eq!(err(" -3").as_deref(), Some("adjustment too small"));
        assert_eq!(err("2147483648").as_deref(), Some("adjustment too large"));
        assert_eq!(
            err("99999999999999999999").as_deref(),
            Some("adjustment too large")
        );
        assert_eq!(err("x").as_deref(), Some("adjustment invalid"));
        assert_eq!(err("5x").as_deref(), Some("adjustment invalid"));
    }
}
