//! `new-session`, `new-window`, `split-window`: everything that starts a process.
//!
//! Order matters for "a rejected command changes nothing": every check runs first, then the
//! process is started, and only then is the model changed.

use crate::error::{CmdError, CmdResult};
use crate::layout::{Layout, Rect, SplitFlags};
use crate::options::{Options, Where};
use crate::pane::{Pane, PaneSpec};
use crate::registry::{event, PaneEntry, Registry, Session, Window};
use crate::state::ServerState;
use crate::sync::lock;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tidemux_proto::{
    Created, EventKind, NewSession, PaneId, Response, SessionId, Spawn, SplitDirection, SplitSize,
    WindowId,
};

/// The (path, branch) recorded on a pane started in a worktree: `prepare_worktree` set the
/// spawn's `cwd` to the worktree.
fn worktree_of(spawn: &Spawn) -> Option<(String, String)> {
    let w = spawn.worktree.as_ref()?;
    Some((spawn.cwd.clone()?, w.branch.clone()))
}

/// Publishes the `*-created` events for what a command made.
fn publish_created(
    state: &ServerState,
    reg: &Registry,
    session: Option<SessionId>,
    window: Option<WindowId>,
    pane: PaneId,
) {
    let (s, w) = reg.owners(pane);
    if let Some(sid) = session {
        let mut e = event(EventKind::SessionCreated, Some(sid), None, None);
        e.name = reg.sessions.get(&sid).map(|x| x.name.clone());
        state.events.publish(e);
    }
    if let Some(wid) = window {
        let mut e = event(EventKind::WindowCreated, s, Some(wid), None);
        e.name = reg.windows.get(&wid).map(|x| x.name.clone());
        state.events.publish(e);
    }
    state
        .events
        .publish(event(EventKind::PaneCreated, s, w, Some(pane)));
}

/// Default window size, cells.
pub const DEFAULT_SIZE: (u16, u16) = (80, 24);
/// Default history limit, lines.
pub const DEFAULT_HISTORY: usize = 10_000;
/// Largest window edge accepted, cells.
pub use crate::limits::MAX_EDGE;

/// `TERM` for panes: `tmux-256color` when its terminfo entry exists here, else
/// `screen-256color`.
pub fn pane_term() -> &'static str {
    static TERM: OnceLock<&'static str> = OnceLock::new();
    TERM.get_or_init(|| {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(t) = std::env::var_os("TERMINFO") {
            dirs.push(t.into());
        }
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".terminfo"));
        }
        if let Some(list) = std::env::var_os("TERMINFO_DIRS") {
            dirs.extend(std::env::split_paths(&list));
        }
        dirs.extend(
            [
                "/etc/terminfo",
                "/lib/terminfo",
                "/usr/share/terminfo",
                "/usr/lib/terminfo",
            ]
            .map(PathBuf::from),
        );
        let found = dirs
            .iter()
            .any(|d| d.join("t/tmux-256color").exists() || d.join("74/tmux-256color").exists());
        if found {
            "tmux-256color"
        } else {
            "screen-256color"
        }
    })
}

fn default_shell() -> String {
    std::env::var("SHELL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into())
}

/// argv for a spawn: the default shell, a single string with shell syntax through `/bin/sh -c`
/// (as tmux does), or the words as given.
pub(crate) fn argv_of(command: &[String]) -> Vec<String> {
    match command {
        [] => vec![default_shell()],
        [one]
            if one.contains(|c: char| {
                c.is_whitespace() || "|&;<>()$`\\\"'*?[]#~=%{}".contains(c)
            }) =>
        {
            vec!["/bin/sh".into(), "-c".into(), one.clone()]
        }
        many => many.to_vec(),
    }
}

/// A window name from a command: the basename of its first word.
fn name_of(command: &[String]) -> String {
    let first = match command {
        [] => default_shell(),
        [one, ..] => one.split_whitespace().next().unwrap_or("sh").to_owned(),
    };
    crate::limits::truncate_name(
        Path::new(&first)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or(first),
    )
}

fn cwd_of(spawn: &Spawn) -> CmdResult<PathBuf> {
    let dir = spawn
        .cwd
        .clone()
        .or_else(|| spawn.client_cwd.clone())
        .or_else(|| std::env::var("HOME").ok())
        .unwrap_or_else(|| "/".into());
    let p = PathBuf::from(&dir);
    if !p.is_dir() {
        return Err(CmdError::invalid(format!(
            "directory '{dir}' does not exist or is not a directory"
        )));
    }
    Ok(p)
}

fn check_env(env: &[(String, String)]) -> CmdResult<()> {
    for (k, _) in env {
        if k.is_empty() || k.contains('=') || k.contains('\0') {
            return Err(CmdError::invalid(format!(
                "bad environment variable name '{k}' (expected KEY=VALUE)"
            )));
        }
    }
    Ok(())
}

/// The environment of a new pane of `session`: (variables to set, variables to remove). The
/// global environment with the session's over it (tmux `environ_for_session`), then tidemux's
/// variables (`TERM`, `COLORTERM`, `TIDEMUX`, `TIDEMUX_PANE`), then `extra` (`-e`); `TMUX` and
/// `TMUX_PANE` and what `set-environment -r/-u` removed are unset. Also used by resurrect.
pub(crate) fn pane_env(
    state: &ServerState,
    id: PaneId,
    session: SessionId,
    extra: &[(String, String)],
) -> (Vec<(String, String)>, Vec<String>) {
    let (mut env, removed) = lock(&state.environment).for_process(Some(session));
    env.extend([
        (
            "TERM".to_owned(),
            super::behaviour::default_terminal(state, session),
        ),
        // Programs read 24-bit colour support from here. Set always: the screen model keeps
        // RGB colours whatever is attached, and the attach client passes them on (tmux 3.3a
        // sets nothing in a detached server; see docs/cli.md). `-e COLORTERM=...` overrides it.
        ("COLORTERM".to_owned(), "truecolor".to_owned()),
        (
            "TIDEMUX".to_owned(),
            format!("{},{},{}", state.socket.display(), state.pid, session.0),
        ),
        ("TIDEMUX_PANE".to_owned(), id.to_string()),
    ]);
    // A server started through the tmux name: tmux's variables, so that tools in the pane find
    // their server (issue 12).
    let tmux = state.tmux.is_on();
    if tmux {
        env.extend([
            ("TMUX".to_owned(), crate::lang::tmux_env(state, session)),
            ("TMUX_PANE".to_owned(), id.to_string()),
        ]);
    }
    env.extend(extra.iter().cloned());
    let remove = ["TMUX".to_owned(), "TMUX_PANE".to_owned()]
        .into_iter()
        .filter(|_| !tmux)
        .chain(removed)
        .collect();
    (env, remove)
}

/// Checks a spawn request and builds the spec of its pane. Does not touch the registry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pane_spec(
    state: &Arc<ServerState>,
    id: PaneId,
    session: SessionId,
    spawn: &Spawn,
    rows: u16,
    cols: u16,
    history_limit: usize,
    activity: &Arc<tokio::sync::Notify>,
) -> CmdResult<PaneSpec> {
    check_env(&spawn.env)?;
    let cwd = cwd_of(spawn)?;
    let (env, env_remove) = pane_env(state, id, session, &spawn.env);
    let argv = if spawn.command.is_empty() {
        // tmux: default-command through default-shell, else default-shell itself.
        let o = lock(&state.options_store);
        let shell = o
            .effective("default-shell", Some(session), None, None)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(default_shell);
        match o.effective("default-command", Some(session), None, None) {
            Some(cmd) if !cmd.is_empty() => vec![shell, "-c".into(), cmd],
            _ => vec![shell],
        }
    } else {
        argv_of(&spawn.command)
    };
    Ok(PaneSpec {
        id,
        argv,
        cwd,
        env,
        env_remove,
        rows,
        cols,
        history_limit,
        activity: Arc::clone(activity),
    })
}

/// Starts a pane's process (fork/exec) on tokio's blocking pool: never under the registry
/// lock, never on a runtime worker.
/// Records what started the pane for resurrect (`snapshot`): the command and `-e` environment
/// as given, and the working directory.
async fn start_pane(
    state: &Arc<ServerState>,
    spec: PaneSpec,
    spawn: &Spawn,
) -> CmdResult<Arc<Pane>> {
    let observer = state.observer();
    let (id, cwd) = (spec.id, spec.cwd.clone());
    let pane = super::list::blocking(move || Pane::spawn(spec, observer))
        .await?
        .map_err(|e| CmdError::failed(e.to_string()))?;
    state.continuity.record_spawn(
        id,
        crate::snapshot::SpawnRecord {
            command: spawn.command.clone(),
            env: spawn.env.clone(),
            cwd,
        },
    );
    Ok(pane)
}

/// Counts a `new-session` in flight (see `Registry::pending_sessions`) until dropped.
struct PendingSession<'a>(&'a ServerState);

impl Drop for PendingSession<'_> {
    fn drop(&mut self) {
        self.0.registry().pending_sessions -= 1;
    }
}

/// Undoes a started pane whose command failed after the spawn (the model changed meanwhile).
fn discard(pane: &Pane) {
    pane.kill();
    pane.close();
}

fn check_name(kind: &str, name: &str) -> CmdResult<()> {
    if name.is_empty() {
        return Err(CmdError::invalid(format!("{kind} name is empty")));
    }
    crate::limits::check_name_len(kind, name)?;
    if name.contains([':', '.']) || name.starts_with(['%', '@', '$']) {
        return Err(CmdError::invalid(format!(
            "{kind} name '{name}' may not contain ':' or '.' nor start with '%', '@' or '$'"
        )));
    }
    Ok(())
}

/// Validates a session name and that it is free.
pub fn check_session_name(reg: &Registry, name: &str) -> CmdResult<()> {
    check_name("session", name)?;
    if let Some(s) = reg.sessions.values().find(|s| s.name == name) {
        return Err(CmdError::invalid(format!(
            "duplicate session: a session named '{name}' already exists ({})",
            s.id
        )));
    }
    Ok(())
}

/// Validates a pane name and that no other pane uses it.
pub fn check_pane_name(reg: &Registry, name: &str, except: Option<PaneId>) -> CmdResult<()> {
    check_name("pane", name)?;
    if let Some((id, _)) = reg
        .panes
        .iter()
        .find(|(id, e)| e.name.as_deref() == Some(name) && Some(**id) != except)
    {
        return Err(CmdError::invalid(format!(
            "pane name '{name}' is already used by {id}"
        )));
    }
    Ok(())
}

fn check_size(cols: Option<u16>, rows: Option<u16>) -> CmdResult<(u16, u16)> {
    let c = cols.unwrap_or(DEFAULT_SIZE.0);
    let r = rows.unwrap_or(DEFAULT_SIZE.1);
    crate::limits::check_window_size(c, r)
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn created(
    state: &ServerState,
    reg: &Registry,
    sid: SessionId,
    wid: WindowId,
    pane: &Pane,
    print_format: Option<&str>,
) -> Response {
    let text = print_format.map(|f| {
        let opts = lock(&state.options_store);
        let ctx = crate::format::model::ModelContext::new(
            state,
            reg,
            Some(crate::registry::Resolved::Pane(pane.id)),
        )
        .with_options(&*opts);
        crate::format::expand(&ctx, f)
    });
    Response::Created(Created {
        text,
        session: sid,
        session_name: reg
            .sessions
            .get(&sid)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        window: wid,
        pane: pane.id,
        pid: pane.pid,
    })
}

/// `new-session`. The process starts outside the registry lock; the name is checked again
/// when the session is added (a concurrent `new-session` may have taken it meanwhile).
pub async fn new_session(state: &Arc<ServerState>, ns: NewSession) -> CmdResult {
    let (cols, rows) = check_size(ns.cols, ns.rows)?;
    if let Some(h) = ns
        .history_limit
        .filter(|h| *h > crate::limits::MAX_HISTORY_LIMIT)
    {
        return Err(CmdError::invalid(format!(
            "bad history limit {h}: at most {} lines",
            crate::limits::MAX_HISTORY_LIMIT
        )));
    }
    let (history, base) = {
        let o = lock(&state.options_store);
        (
            ns.history_limit.map_or_else(
                || option_number(&o, "history-limit", None).unwrap_or(DEFAULT_HISTORY),
                |h| h as usize,
            ),
            option_number(&o, "base-index", None).unwrap_or(0) as u32,
        )
    };
    if let Some(w) = &ns.window_name {
        if w.is_empty() {
            return Err(CmdError::invalid("window name is empty"));
        }
        crate::limits::check_name_len("window", w)?;
    }
    let activity = Arc::new(tokio::sync::Notify::new());
    // Counted from here until the session is in the model (or failed): the server does not
    // exit empty meanwhile. Dropped after `reg` below (declared first).
    let (sid, wid, pid, spec, _pending) = {
        let mut reg = state.registry();
        if let Some(n) = &ns.name {
            check_session_name(&reg, n)?;
        }
        let sid = reg.alloc_session();
        let wid = reg.alloc_window();
        let pid = reg.alloc_pane();
        let spec = pane_spec(state, pid, sid, &ns.spawn, rows, cols, history, &activity)?;
        reg.pending_sessions += 1;
        (sid, wid, pid, spec, PendingSession(state))
    };
    let pane = start_pane(state, spec, &ns.spawn).await?;
    let mut reg = state.registry();
    let name = match &ns.name {
        Some(n) => {
            if let Err(e) = check_session_name(&reg, n) {
                drop(reg);
                discard(&pane);
                return Err(e);
            }
            n.clone()
        }
        None => (0..)
            .map(|i: u32| i.to_string())
            .find(|n| !reg.sessions.values().any(|s| &s.name == n))
            .expect("a free number"),
    };
    let clock = reg.tick();
    reg.windows.insert(
        wid,
        Window {
            id: wid,
            session: sid,
            index: base,
            name: ns
                .window_name
                .clone()
                .unwrap_or_else(|| name_of(&ns.spawn.command)),
            cols,
            rows,
            manual: (cols, rows),
            layout: Layout::new(pid, cols, rows),
            active_pane: pid,
            zoomed: None,
            links: Vec::new(),
        },
    );
    reg.sessions.insert(
        sid,
        Session {
            id: sid,
            name,
            windows: [(base, wid)].into(),
            active_window: wid,
            current_index: None,
            created: now_unix(),
            last_used: clock,
            activity_clock: clock,
            history_limit: history,
            remain_on_exit: ns.remain_on_exit,
            size: (cols, rows),
            attached: 0,
            activity,
        },
    );
    reg.panes.insert(
        pid,
        PaneEntry {
            pane: Arc::clone(&pane),
            window: wid,
            name: None,
            remain_on_exit: ns.spawn.remain_on_exit,
            worktree: worktree_of(&ns.spawn),
        },
    );
    {
        // The flags are the session's options from now on (`show-options`).
        let mut o = lock(&state.options_store);
        if ns.history_limit.is_some() {
            let v = history.to_string();
            let _ = o.set(
                Where::Session(sid),
                "history-limit",
                None,
                Some(&v),
                false,
                None,
            );
        }
        if ns.remain_on_exit {
            let _ = o.set(
                Where::Window(wid),
                "remain-on-exit",
                None,
                Some("on"),
                false,
                None,
            );
        }
    }
    if ns.window_name.is_some() {
        super::names::named(state, wid);
    }
    publish_created(state, &reg, Some(sid), Some(wid), pid);
    let resp = created(
        state,
        &reg,
        sid,
        wid,
        &pane,
        ns.spawn.print_format.as_deref(),
    );
    drop(reg);
    state.exit_if_early(&pane);
    Ok(resp)
}

/// A number option's effective value for a session (global with `None`).
fn option_number(o: &Options, name: &str, session: Option<SessionId>) -> Option<usize> {
    o.effective(name, session, None, None)?.parse().ok()
}

/// `new-window`. The process starts outside the registry lock; the session must still
/// exist when the window is added.
pub async fn new_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: Option<String>,
    spawn: Spawn,
    detached: bool,
) -> CmdResult {
    if name.as_deref() == Some("") {
        return Err(CmdError::invalid("window name is empty"));
    }
    if let Some(n) = &name {
        crate::limits::check_name_len("window", n)?;
    }
    let name_given = name.is_some();
    // The window's size when created (tmux `default_window_size`), worked out before the
    // registry is locked: it reads the clients.
    let sized = state.registry().resolve_session(target, caller)?;
    let tc = super::clients::find_client(state, caller, None).ok();
    let size = super::resize::default_window_size(state, sized, tc);
    let (sid, wid, pid, spec, near) = {
        let mut reg = state.registry();
        let sid = reg.resolve_session(target, caller)?;
        // -a/-b: next to the target window (issue 11).
        let near = match spawn.insert {
            Some(_) => Some(reg.resolve_window(target, caller)?),
            None => None,
        };
        let (history, (cols, rows), activity) = {
            let s = reg.session(sid)?;
            let o = lock(&state.options_store);
            let history = option_number(&o, "history-limit", Some(sid)).unwrap_or(s.history_limit);
            let size = if sid == sized { size } else { s.size };
            (history, size, Arc::clone(&s.activity))
        };
        let wid = reg.alloc_window();
        let pid = reg.alloc_pane();
        let spec = pane_spec(state, pid, sid, &spawn, rows, cols, history, &activity)?;
        (sid, wid, pid, spec, near)
    };
    let (rows, cols) = (spec.rows, spec.cols);
    let pane = start_pane(state, spec, &spawn).await?;
    let mut reg = state.registry();
    let Ok(s) = reg.session(sid) else {
        drop(reg);
        discard(&pane);
        return Err(CmdError::not_found(format!(
            "session {sid} closed while its new window started"
        )));
    };
    let base =
        option_number(&lock(&state.options_store), "base-index", Some(sid)).unwrap_or(0) as u32;
    let mut index = (base..)
        .find(|i| !s.windows.contains_key(i))
        .expect("a free index");
    if let (Some(at), Some(near)) = (spawn.insert, near.and_then(|w| reg.windows.get(&w))) {
        let want = match at {
            tidemux_proto::InsertAt::After => near.index + 1,
            tidemux_proto::InsertAt::Before => near.index,
        };
        shuffle_up(&mut reg, sid, want);
        index = want;
    }
    reg.windows.insert(
        wid,
        Window {
            id: wid,
            session: sid,
            index,
            name: name.unwrap_or_else(|| name_of(&spawn.command)),
            cols,
            rows,
            manual: (cols, rows),
            layout: Layout::new(pid, cols, rows),
            active_pane: pid,
            zoomed: None,
            links: Vec::new(),
        },
    );
    reg.panes.insert(
        pid,
        PaneEntry {
            pane: Arc::clone(&pane),
            window: wid,
            name: None,
            remain_on_exit: spawn.remain_on_exit,
            worktree: worktree_of(&spawn),
        },
    );
    if let Some(s) = reg.sessions.get_mut(&sid) {
        s.windows.insert(index, wid);
    }
    if !detached {
        reg.set_current_window(sid, wid);
    }
    reg.touch(sid);
    if name_given {
        super::names::named(state, wid);
    }
    if spawn.remain_on_exit {
        let _ = lock(&state.options_store).set(
            Where::Window(wid),
            "remain-on-exit",
            None,
            Some("on"),
            false,
            None,
        );
    }
    publish_created(state, &reg, None, Some(wid), pid);
    let resp = created(state, &reg, sid, wid, &pane, spawn.print_format.as_deref());
    drop(reg);
    state.exit_if_early(&pane);
    Ok(resp)
}

/// Frees index `at` of session `sid` for `new-window -a/-b`: the windows from `at` up to the
/// first free index move up one (tmux `winlink_shuffle_up`).
fn shuffle_up(reg: &mut Registry, sid: SessionId, at: u32) {
    let Some(sess) = reg.sessions.get_mut(&sid) else {
        return;
    };
    let free = (at..).find(|i| !sess.windows.contains_key(i)).unwrap_or(at);
    for i in (at..free).rev() {
        if let Some(w) = sess.windows.remove(&i) {
            sess.windows.insert(i + 1, w);
            if let Some(win) = reg.windows.get_mut(&w).filter(|x| x.session == sid) {
                win.index = i + 1;
            }
        }
    }
    reg.resync_winlinks(sid);
}

/// Where a split goes: the target's rectangle and the size of the new pane.
fn plan_split(
    reg: &Registry,
    target_pane: PaneId,
    dir: SplitDirection,
    size: Option<SplitSize>,
    new_id: PaneId,
    flags: SplitFlags,
) -> CmdResult<(Layout, Rect, u16, Rect)> {
    let wid = reg.pane(target_pane)?.window;
    let w = reg.window(wid)?;
    // `-f` splits the whole window (tmux: the layout's root cell).
    let rect = if flags.full {
        let (cols, rows) = w.layout.size();
        Rect {
            left: 0,
            top: 0,
            cols: cols.min(u32::from(u16::MAX)) as u16,
            rows: rows.min(u32::from(u16::MAX)) as u16,
        }
    } else {
        w.layout
            .rect_of(target_pane)
            .ok_or_else(|| CmdError::not_found(format!("pane {target_pane} is not laid out")))?
    };
    let total = match dir {
        SplitDirection::Horizontal => rect.cols,
        SplitDirection::Vertical => rect.rows,
    };
    let new_cells = match size {
        None => total.saturating_sub(1) / 2,
        Some(SplitSize::Cells(c)) => c,
        Some(SplitSize::Percent(p)) => {
            if !(1..=99).contains(&p) {
                return Err(CmdError::invalid(format!(
                    "bad size {p}%: percentages must be 1..=99"
                )));
            }
            ((u32::from(total) * u32::from(p)) / 100) as u16
        }
    };
    if new_cells == 0 || new_cells > total.saturating_sub(2) {
        return Err(CmdError::invalid(if total < 3 {
            format!(
                "create pane failed: pane too small: pane {target_pane} is {total} cells {}; a split needs at least 3",
                if dir == SplitDirection::Horizontal {
                    "wide"
                } else {
                    "high"
                }
            )
        } else {
            format!(
                "size {new_cells} does not fit: pane {target_pane} is {total} cells, so the new pane can be 1..{}",
                total - 2
            )
        }));
    }
    let mut layout = w.layout.clone();
    layout
        .split(target_pane, dir, Some(u32::from(new_cells)), flags, new_id)
        .map_err(CmdError::invalid)?;
    let new_rect = layout.rect_of(new_id).expect("new pane is in the layout");
    Ok((layout, rect, new_cells, new_rect))
}

/// `split-window`. The split is planned (and checked) first, the process starts outside the
/// registry lock, then the split is planned again on the model as it is by then.
#[allow(clippy::too_many_arguments)]
pub async fn split_window(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    dir: SplitDirection,
    size: Option<SplitSize>,
    spawn: Spawn,
    detached: bool,
    flags: SplitFlags,
) -> CmdResult {
    let (target_pane, sid, pid, spec) = {
        let mut reg = state.registry();
        let target_pane = reg.resolve_pane(target, caller)?;
        let wid = reg.pane(target_pane)?.window;
        let sid = reg.window(wid)?.session;
        let (history, activity) = {
            let s = reg.session(sid)?;
            let history = option_number(&lock(&state.options_store), "history-limit", Some(sid))
                .unwrap_or(s.history_limit);
            (history, Arc::clone(&s.activity))
        };
        // Validate on the current model (the id is a placeholder) before starting anything.
        let (_, _, _, new_rect) =
            plan_split(&reg, target_pane, dir, size, PaneId(u32::MAX), flags)?;
        let pid = reg.alloc_pane();
        let spec = pane_spec(
            state,
            pid,
            sid,
            &spawn,
            new_rect.rows,
            new_rect.cols,
            history,
            &activity,
        )?;
        (target_pane, sid, pid, spec)
    };
    let spawned_size = (spec.rows, spec.cols);
    let pane = start_pane(state, spec, &spawn).await?;
    let mut reg = state.registry();
    let (layout, _, _, _) = match plan_split(&reg, target_pane, dir, size, pid, flags) {
        Ok(x) => x,
        Err(e) => {
            drop(reg);
            discard(&pane);
            return Err(e);
        }
    };
    let wid = reg.pane(target_pane)?.window;
    reg.panes.insert(
        pid,
        PaneEntry {
            pane: Arc::clone(&pane),
            window: wid,
            name: None,
            remain_on_exit: spawn.remain_on_exit,
            worktree: worktree_of(&spawn),
        },
    );
    if let Some(w) = reg.windows.get_mut(&wid) {
        w.layout = layout;
        if !detached {
            w.set_active(pid);
        }
        // -Z (issue 11): zoomed on the new pane.
        if spawn.zoom {
            w.zoomed = Some(pid);
            w.active_pane = pid;
        }
    }
    let mut resized = Vec::new();
    reg.relayout(wid, &mut resized);
    reg.touch(sid);
    if spawn.remain_on_exit {
        let _ = lock(&state.options_store).set(
            Where::Pane(pid),
            "remain-on-exit",
            None,
            Some("on"),
            false,
            Some(wid),
        );
    }
    publish_created(state, &reg, None, None, pid);
    let resp = created(state, &reg, sid, wid, &pane, spawn.print_format.as_deref());
    drop(reg);
    for (p, rows, cols) in resized {
        if p.id != pid || (rows, cols) != spawned_size {
            p.resize(rows, cols);
        }
    }
    state.exit_if_early(&pane);
    Ok(resp)
}
