//! The live-upgrade state (format [`FORMAT`], documented in `docs/continuity.md`): everything
//! the old binary hands to the new one across `execve`, and the code that takes it
//! ([`capture`]) and puts it back ([`apply`]).
//!
//! Three parts, as the snapshot file (`crate::snapshot::format`):
//! ```text
//! tidemux-upgrade 1\n
//! {"from_version":..., "sessions":[...], "panes":[...], ...}\n     one line of JSON
//! end 0123456789abcdef\n                                          FNV-1a 64 of the JSON line
//! ```
//! [`decode`] accepts the state only when all three parts are present and agree and the model
//! is consistent, so a state cut at any byte is refused as a whole (the old binary then takes
//! over again, see [`super`]).

use crate::pane::{adopt::Adopted, Pane};
use crate::registry::{PaneEntry, Session, Window};
use crate::screen::{persist::ScreenState, Screen};
use crate::snapshot::format::{seal, unseal, OptSnap, Unseal};
use crate::state::ServerState;
use crate::sync::lock;
use rustix::fd::{AsRawFd, FromRawFd, OwnedFd};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tidemux_proto::{Event, ExitInfo, PaneId, Request, ScheduledInfo, SessionId, WindowId};

/// Format version written by this build; [`decode`] reads only this one.
pub const FORMAT: u32 = 1;

/// First bytes of every state.
pub const MAGIC: &str = "tidemux-upgrade ";

/// A marker every binary that can take over format [`FORMAT`] contains (checked before an
/// upgrade to it: an unrelated program or an older tidemux must not be exec'd in place).
pub const MARKER: &str = "tidemux-live-upgrade-state-format=1;";

/// The whole state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpgradeState {
    /// `CARGO_PKG_VERSION` of the binary that wrote it.
    pub from_version: String,
    /// Number of this upgrade attempt in the server's life.
    pub attempt: u32,
    /// The binary being exec'd.
    pub binary: String,
    /// When the server first started (Unix seconds).
    pub server_started: u64,
    /// The listening socket's descriptor.
    pub listener_fd: i32,
    /// Id counters and the most-recently-used clock: next session, window, pane; clock.
    pub counters: (u32, u32, u32, u64),
    /// Sessions.
    pub sessions: Vec<SessionUp>,
    /// Windows.
    pub windows: Vec<WindowUp>,
    /// Panes.
    pub panes: Vec<PaneUp>,
    /// Option sets: which set, and its values in their shown form.
    pub options: Vec<(OptScope, Vec<OptSnap>)>,
    /// Environments: `None` the global one, else a session's; `(name, value, hidden)`.
    pub environment: Vec<(Option<u32>, Vec<EnvVar>)>,
    /// Paste buffers `(name, data, automatic, order, created)`, next automatic index, next
    /// order.
    pub buffers: (Vec<BufferUp>, u32, u64),
    /// `wait-for` channels holding a kept signal.
    pub channels: Vec<String>,
    /// `wait-for -L` locked channels.
    pub locks: Vec<String>,
    /// Scheduled requests and the schedule id counter.
    pub schedules: (u64, Vec<(ScheduledInfo, Request)>),
    /// Last event sequence number and the replay buffer.
    pub events: (u64, Vec<Event>),
    /// Recently closed panes (`list-panes --closed`, `read-screen -t %N` of a closed pane):
    /// each one's last `list-panes` row and final screen, oldest first. Added in format 1
    /// with a default (a state without it restores no closed panes).
    #[serde(default)]
    pub closed: Vec<(tidemux_proto::PaneInfo, tidemux_proto::ScreenCapture)>,
}

/// One environment variable: name, value (`None`: removed, `set-environment -r`), hidden.
pub type EnvVar = (String, Option<String>, bool);

/// One paste buffer: name, contents, automatic, order, creation time (Unix seconds).
pub type BufferUp = (String, Vec<u8>, bool, u64, u64);

/// How a pane was started: command as given, `-e` variables, start directory.
pub type SpawnUp = (Vec<String>, Vec<(String, String)>, String);

/// Which option set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptScope {
    /// Server options.
    Server,
    /// Global session options.
    GlobalSession,
    /// Global window options.
    GlobalWindow,
    /// A session's.
    Session(u32),
    /// A window's.
    Window(u32),
    /// A pane's.
    Pane(u32),
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUp {
    /// `$N`.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Windows: (index, window id).
    pub windows: Vec<(u32, u32)>,
    /// Current window id.
    pub active_window: u32,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Most-recently-used clock.
    pub last_used: u64,
    /// History limit of new panes.
    pub history_limit: usize,
    /// remain-on-exit.
    pub remain_on_exit: bool,
    /// Size of new windows (cols, rows).
    pub size: (u16, u16),
}

/// One window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowUp {
    /// `@N`.
    pub id: u32,
    /// Owner.
    pub session: u32,
    /// Index.
    pub index: u32,
    /// Name.
    pub name: String,
    /// Width.
    pub cols: u16,
    /// Height.
    pub rows: u16,
    /// Pane ids in the layout's pane order; the layout's leaves are positions in this list.
    pub panes: Vec<u32>,
    /// The layout as a tmux layout string whose panes are numbered by their position in
    /// `panes` (`crate::layout::custom::dump_numbered`, the snapshot's form).
    pub layout: String,
    /// Active pane id.
    pub active_pane: u32,
    /// Zoomed pane id.
    pub zoomed: Option<u32>,
}

/// One pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaneUp {
    /// `%N`.
    pub id: u32,
    /// Owning window.
    pub window: u32,
    /// Name.
    pub name: Option<String>,
    /// `--remain-on-exit`.
    pub remain_on_exit: bool,
    /// Worktree (path, branch).
    pub worktree: Option<(String, String)>,
    /// PTY master descriptor.
    pub fd: i32,
    /// Process id.
    pub pid: Option<u32>,
    /// Terminal path.
    pub tty: Option<String>,
    /// argv joined by spaces.
    pub command: String,
    /// Output sequence number.
    pub seq: u64,
    /// Exit status, when the process already exited.
    pub exit: Option<ExitInfo>,
    /// Attention message.
    pub attention: Option<String>,
    /// Bell flag.
    pub bell: bool,
    /// The screen.
    pub screen: ScreenState,
    /// How it was started (command, `-e` variables, directory), for snapshots.
    pub spawn: Option<SpawnUp>,
    /// Its transcript (`tidemux log`), if one was being written: the new binary appends to
    /// the same file with the same settings. Added in format 1 with a default.
    #[serde(default)]
    pub log: Option<crate::pane::log::LogSettings>,
}

/// Why a state was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// No header line.
    #[error("not a tidemux upgrade state (no 'tidemux-upgrade N' header line)")]
    NoHeader,
    /// Another format.
    #[error("upgrade state format {found} is not supported by this tidemux {} (it reads format {FORMAT}); the state was written by tidemux {writer}", env!("CARGO_PKG_VERSION"))]
    Version {
        /// Format found.
        found: u32,
        /// Writer's version, if readable.
        writer: String,
    },
    /// Cut short or damaged.
    #[error("upgrade state is incomplete or damaged: {0}")]
    Corrupt(String),
    /// Inconsistent model.
    #[error("upgrade state is inconsistent: {0}")]
    Invalid(String),
}

/// Serialises a state (the snapshot's sealed form, [`crate::snapshot::format::seal`]).
pub fn encode(s: &UpgradeState) -> Vec<u8> {
    let json = serde_json::to_string(s).expect("an upgrade state always serialises");
    seal(MAGIC, FORMAT, &json)
}

/// Parses and checks a state.
///
/// # Errors
/// [`DecodeError`] for anything but a complete, consistent state of format [`FORMAT`].
pub fn decode(bytes: &[u8]) -> Result<UpgradeState, DecodeError> {
    let json = unseal(bytes, MAGIC, FORMAT, "from_version").map_err(|u| match u {
        Unseal::NoHeader => DecodeError::NoHeader,
        Unseal::Version { found, writer } => DecodeError::Version { found, writer },
        Unseal::Corrupt(m) => DecodeError::Corrupt(m),
    })?;
    let s: UpgradeState =
        serde_json::from_slice(json).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    validate(&s).map_err(DecodeError::Invalid)?;
    Ok(s)
}

/// The window's layout with its panes, `None` when the string is malformed or does not name
/// exactly these panes.
fn layout_of(w: &WindowUp) -> Option<crate::layout::Layout> {
    let ids: Vec<PaneId> = w.panes.iter().map(|p| PaneId(*p)).collect();
    crate::layout::custom::from_numbered(&w.layout, &ids)
}

/// Everything [`apply`] relies on, so that it never stops half-way.
fn validate(s: &UpgradeState) -> Result<(), String> {
    let sessions: BTreeMap<u32, &SessionUp> = s.sessions.iter().map(|x| (x.id, x)).collect();
    let windows: BTreeMap<u32, &WindowUp> = s.windows.iter().map(|x| (x.id, x)).collect();
    let panes: BTreeMap<u32, &PaneUp> = s.panes.iter().map(|x| (x.id, x)).collect();
    if sessions.len() != s.sessions.len()
        || windows.len() != s.windows.len()
        || panes.len() != s.panes.len()
    {
        return Err("an id appears twice".into());
    }
    let (ns, nw, np, _) = s.counters;
    if sessions.keys().any(|&k| k >= ns)
        || windows.keys().any(|&k| k >= nw)
        || panes.keys().any(|&k| k >= np)
    {
        return Err("an id is not below its counter".into());
    }
    for (info, _) in &s.closed {
        if info.id.0 >= np || panes.contains_key(&info.id.0) {
            return Err(format!(
                "closed pane {}: its id is live or not below the counter",
                info.id
            ));
        }
    }
    let mut fds = BTreeSet::new();
    fds.insert(s.listener_fd);
    if s.listener_fd < 0 {
        return Err("bad listener descriptor".into());
    }
    for p in &s.panes {
        if p.fd < 0 || !fds.insert(p.fd) {
            return Err(format!("pane %{}: bad or shared descriptor {}", p.id, p.fd));
        }
        let w = windows
            .get(&p.window)
            .ok_or_else(|| format!("pane %{}: window @{} missing", p.id, p.window))?;
        if !w.panes.contains(&p.id) {
            return Err(format!("pane %{} is not in its window's layout", p.id));
        }
        crate::limits::check_window_size(p.screen.cols, p.screen.rows)
            .map_err(|e| format!("pane %{}: {}", p.id, e.message))?;
    }
    let mut names = BTreeSet::new();
    for x in &s.sessions {
        if !names.insert(&x.name) {
            return Err(format!("two sessions are named '{}'", x.name));
        }
        if x.windows.is_empty() || !x.windows.iter().any(|(_, w)| *w == x.active_window) {
            return Err(format!("session ${}: no current window", x.id));
        }
        // A window linked into several sessions (link-window) appears in each; its first
        // winlink is the one the window records.
        for (_, wid) in &x.windows {
            if !windows.contains_key(wid) {
                return Err(format!("session ${}: window @{wid} does not match", x.id));
            }
        }
    }
    for w in &s.windows {
        if !sessions
            .get(&w.session)
            .is_some_and(|x| x.windows.contains(&(w.index, w.id)))
        {
            return Err(format!("window @{}: not in its session", w.id));
        }
        crate::limits::check_window_size(w.cols, w.rows)
            .map_err(|e| format!("window @{}: {}", w.id, e.message))?;
        if w.panes.is_empty()
            || !w.panes.contains(&w.active_pane)
            || w.zoomed.is_some_and(|z| !w.panes.contains(&z))
        {
            return Err(format!("window @{}: active or zoomed pane missing", w.id));
        }
        for id in &w.panes {
            if panes.get(id).is_none_or(|p| p.window != w.id) {
                return Err(format!("window @{}: pane %{id} missing", w.id));
            }
        }
        let distinct: BTreeSet<&u32> = w.panes.iter().collect();
        if distinct.len() != w.panes.len() || layout_of(w).is_none() {
            return Err(format!(
                "window @{}: the layout does not hold each of its panes once",
                w.id
            ));
        }
    }
    Ok(())
}

/// The state of a server whose panes are closed and whose readers have stopped (see
/// [`super`]): under the registry lock, then the option, environment and buffer locks.
pub fn capture(
    state: &ServerState,
    attempt: u32,
    binary: &str,
    listener_fd: i32,
    schedules: (u64, Vec<(ScheduledInfo, Request)>),
) -> UpgradeState {
    use crate::options::Where;
    let reg = state.registry();
    let records = state.continuity.records();
    let sessions = reg
        .sessions
        .values()
        .map(|s| SessionUp {
            id: s.id.0,
            name: s.name.clone(),
            windows: s.windows.iter().map(|(i, w)| (*i, w.0)).collect(),
            active_window: s.active_window.0,
            created: s.created,
            last_used: s.last_used,
            history_limit: s.history_limit,
            remain_on_exit: s.remain_on_exit,
            size: s.size,
        })
        .collect();
    let windows = reg
        .windows
        .values()
        .map(|w| WindowUp {
            id: w.id.0,
            session: w.session.0,
            index: w.index,
            name: w.name.clone(),
            cols: w.cols,
            rows: w.rows,
            panes: w.layout.panes().iter().map(|p| p.0).collect(),
            layout: crate::layout::custom::dump_numbered(&w.layout),
            active_pane: w.active_pane.0,
            zoomed: w.zoomed.map(|z| z.0),
        })
        .collect();
    let panes = reg
        .panes
        .iter()
        .map(|(id, e)| {
            let p = &e.pane;
            let mut st = p.state();
            let screen = st.screen.export();
            let up = PaneUp {
                id: id.0,
                window: e.window.0,
                name: e.name.clone(),
                remain_on_exit: e.remain_on_exit,
                worktree: e.worktree.clone(),
                fd: p.master_fd().as_raw_fd(),
                pid: p.pid,
                tty: p.tty(),
                command: p.command.clone(),
                seq: st.seq,
                exit: st.exit.clone(),
                attention: st.attention.clone(),
                bell: st.bell,
                screen,
                spawn: records.get(id).map(|r| {
                    (
                        r.command.clone(),
                        r.env.clone(),
                        r.cwd.to_string_lossy().into_owned(),
                    )
                }),
                log: p.log_settings(),
            };
            drop(st);
            up
        })
        .collect();
    let store = lock(&state.options_store);
    let mut options = vec![
        (
            OptScope::Server,
            crate::snapshot::opts(&store, Where::Server),
        ),
        (
            OptScope::GlobalSession,
            crate::snapshot::opts(&store, Where::GlobalSession),
        ),
        (
            OptScope::GlobalWindow,
            crate::snapshot::opts(&store, Where::GlobalWindow),
        ),
    ];
    for s in reg.sessions.keys() {
        options.push((
            OptScope::Session(s.0),
            crate::snapshot::opts(&store, Where::Session(*s)),
        ));
    }
    for w in reg.windows.keys() {
        options.push((
            OptScope::Window(w.0),
            crate::snapshot::opts(&store, Where::Window(*w)),
        ));
    }
    for p in reg.panes.keys() {
        options.push((
            OptScope::Pane(p.0),
            crate::snapshot::opts(&store, Where::Pane(*p)),
        ));
    }
    options.retain(|(_, v)| !v.is_empty());
    drop(store);
    let env = lock(&state.environment);
    let vars = |e: &crate::environ::Environ| -> Vec<EnvVar> {
        e.iter()
            .map(|(k, v)| (k.clone(), v.value.clone(), v.hidden))
            .collect()
    };
    let mut environment = vec![(None, env.get(None).map(vars).unwrap_or_default())];
    for s in reg.sessions.keys() {
        if let Some(e) = env.get(Some(*s)) {
            environment.push((Some(s.0), vars(e)));
        }
    }
    drop(env);
    let (list, next_index, next_order) = lock(&state.buffers).export();
    let buffers = (
        list.into_iter()
            .map(|b| (b.name, b.data, b.automatic, b.order, b.created))
            .collect(),
        next_index,
        next_order,
    );
    let counters = reg.counters();
    let closed = reg.closed.export();
    drop(reg);
    UpgradeState {
        from_version: env!("CARGO_PKG_VERSION").into(),
        attempt,
        binary: binary.into(),
        server_started: state.started.load(std::sync::atomic::Ordering::Relaxed),
        listener_fd,
        counters,
        sessions,
        windows,
        panes,
        options,
        environment,
        buffers,
        channels: lock(&state.channels).kept_signals(),
        locks: lock(&state.locks).locked(),
        schedules,
        events: state.events.export(),
        closed,
    }
}

/// Checks that every descriptor the state names is open in this process.
///
/// # Errors
/// The first one that is not.
pub fn check_fds(s: &UpgradeState) -> Result<(), String> {
    for fd in std::iter::once(s.listener_fd).chain(s.panes.iter().map(|p| p.fd)) {
        // SAFETY: only borrowed for the fcntl, never closed here.
        let b = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
        rustix::io::fcntl_getfd(b)
            .map_err(|e| format!("descriptor {fd} named by the state is not open: {e}"))?;
    }
    Ok(())
}

/// Rebuilds the model of `s` (checked by [`decode`] and [`check_fds`]) in a fresh `state`:
/// the same ids, names, layouts and options; every pane adopts its PTY and process. Call
/// inside the runtime (scheduled requests start their timers).
///
/// # Errors
/// A pane that cannot be adopted (its descriptor is closed then).
pub fn apply(state: &Arc<ServerState>, s: UpgradeState) -> Result<(), String> {
    use crate::options::Where;
    let mut reg = state.registry();
    let mut activity: BTreeMap<u32, Arc<tokio::sync::Notify>> = BTreeMap::new();
    for x in &s.sessions {
        activity.insert(x.id, Arc::new(tokio::sync::Notify::new()));
    }
    let win_session: BTreeMap<u32, u32> = s.windows.iter().map(|w| (w.id, w.session)).collect();
    let mut records = Vec::new();
    let mut adopted = Vec::new();
    let mut failed = None;
    let mut panes = s.panes;
    for p in panes.drain(..) {
        let act = win_session
            .get(&p.window)
            .and_then(|sid| activity.get(sid))
            .cloned()
            .unwrap_or_default();
        // SAFETY: the descriptor was passed on by the old binary for this pane alone
        // (validated unique and open); nothing else in this process owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(p.fd) };
        let a = Adopted {
            id: PaneId(p.id),
            fd,
            pid: p.pid,
            tty: p.tty.as_ref().map(Into::into),
            command: p.command.clone(),
            screen: Screen::import(&p.screen, p.seq),
            seq: p.seq,
            exit: p.exit.clone(),
            attention: p.attention.clone(),
            bell: p.bell,
            activity: act,
        };
        match Pane::adopt(a, state.observer()) {
            Ok(pane) => {
                if let Some(l) = &p.log {
                    match crate::pane::log::Logger::reopen(l) {
                        Ok(logger) => pane.set_logger(Some(logger)),
                        Err(e) => tracing::warn!(pane = p.id, "upgrade: transcript stops: {e}"),
                    }
                }
                if let Some((command, env, cwd)) = &p.spawn {
                    records.push((
                        PaneId(p.id),
                        crate::snapshot::SpawnRecord {
                            command: command.clone(),
                            env: env.clone(),
                            cwd: cwd.into(),
                        },
                    ));
                }
                adopted.push((
                    PaneId(p.id),
                    PaneEntry {
                        pane,
                        window: WindowId(p.window),
                        name: p.name,
                        remain_on_exit: p.remain_on_exit,
                        worktree: p.worktree,
                    },
                ));
            }
            Err(e) => {
                failed = Some(format!("pane %{}: {e}", p.id));
                break;
            }
        }
    }
    if let Some(e) = failed {
        for (_, entry) in adopted {
            entry.pane.close();
        }
        return Err(e);
    }
    for w in &s.windows {
        let Some(layout) = layout_of(w) else {
            continue; // checked by decode
        };
        reg.windows.insert(
            WindowId(w.id),
            Window {
                id: WindowId(w.id),
                session: SessionId(w.session),
                index: w.index,
                name: w.name.clone(),
                cols: w.cols,
                rows: w.rows,
                manual: (w.cols, w.rows),
                layout,
                active_pane: PaneId(w.active_pane),
                zoomed: w.zoomed.map(PaneId),
                links: Vec::new(),
            },
        );
    }
    for x in &s.sessions {
        reg.sessions.insert(
            SessionId(x.id),
            Session {
                id: SessionId(x.id),
                name: x.name.clone(),
                windows: x.windows.iter().map(|(i, w)| (*i, WindowId(*w))).collect(),
                active_window: WindowId(x.active_window),
                current_index: None,
                created: x.created,
                last_used: x.last_used,
                activity_clock: x.last_used,
                history_limit: x.history_limit,
                remain_on_exit: x.remain_on_exit,
                size: x.size,
                attached: 0,
                activity: activity.get(&x.id).cloned().unwrap_or_default(),
            },
        );
    }
    for (id, entry) in adopted {
        reg.panes.insert(id, entry);
    }
    let sids: Vec<SessionId> = reg.sessions.keys().copied().collect();
    for sid in sids {
        reg.resync_winlinks(sid);
    }
    reg.set_counters(s.counters);
    for (id, rec) in records {
        state.continuity.record_spawn(id, rec);
    }
    {
        let mut store = lock(&state.options_store);
        for (scope, values) in &s.options {
            let (w, win) = match *scope {
                OptScope::Server => (Where::Server, None),
                OptScope::GlobalSession => (Where::GlobalSession, None),
                OptScope::GlobalWindow => (Where::GlobalWindow, None),
                OptScope::Session(x) => (Where::Session(SessionId(x)), None),
                OptScope::Window(x) => (Where::Window(WindowId(x)), None),
                OptScope::Pane(x) => (
                    Where::Pane(PaneId(x)),
                    reg.panes.get(&PaneId(x)).map(|e| e.window),
                ),
            };
            for (name, idx, value) in values {
                if let Err(e) = store.set(w, name, *idx, Some(value), false, win) {
                    tracing::warn!(option = %name, "upgrade: option not restored: {}", e.0);
                }
            }
        }
    }
    crate::commands::options::sync_pane_base(&mut reg, &lock(&state.options_store));
    for (info, screen) in s.closed {
        reg.closed.import(info, screen);
    }
    drop(reg);
    if s.server_started > 0 {
        state
            .started
            .store(s.server_started, std::sync::atomic::Ordering::Relaxed);
    }
    {
        let mut env = lock(&state.environment);
        let own: Vec<String> = env
            .get(None)
            .map(|e| e.keys().cloned().collect())
            .unwrap_or_default();
        for k in own {
            env.unset(None, &k);
        }
        for (sid, vars) in &s.environment {
            for (k, v, hidden) in vars {
                let _ = env.set(sid.map(SessionId), k, v.clone(), *hidden);
            }
        }
    }
    let (list, next_index, next_order) = s.buffers;
    lock(&state.buffers).import(
        list.into_iter()
            .map(
                |(name, data, automatic, order, created)| crate::buffers::Buffer {
                    name,
                    data,
                    automatic,
                    order,
                    created,
                },
            )
            .collect(),
        next_index,
        next_order,
    );
    {
        let mut ch = lock(&state.channels);
        for c in &s.channels {
            let _ = ch.signal(c);
        }
    }
    {
        let mut locks = lock(&state.locks);
        for c in &s.locks {
            let _ = locks.lock(c);
        }
    }
    crate::commands::schedule::import(state, s.schedules.0, s.schedules.1);
    state.events.import(s.events.0, s.events.1);
    state.bump_model();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> UpgradeState {
        let screen = {
            let mut s = Screen::new(24, 80, 100);
            s.process(b"hello\r\nworld", 11);
            s.export()
        };
        UpgradeState {
            from_version: "0.1.0".into(),
            attempt: 1,
            binary: "/usr/bin/tidemux".into(),
            server_started: 1,
            listener_fd: 3,
            counters: (1, 1, 2, 5),
            sessions: vec![SessionUp {
                id: 0,
                name: "s".into(),
                windows: vec![(0, 0)],
                active_window: 0,
                created: 1,
                last_used: 2,
                history_limit: 2000,
                remain_on_exit: false,
                size: (80, 24),
            }],
            windows: vec![WindowUp {
                id: 0,
                session: 0,
                index: 0,
                name: "w".into(),
                cols: 80,
                rows: 24,
                panes: vec![0, 1],
                layout: {
                    let mut l = crate::layout::Layout::new(PaneId(0), 80, 24);
                    l.split(
                        PaneId(0),
                        tidemux_proto::SplitDirection::Horizontal,
                        None,
                        crate::layout::SplitFlags::default(),
                        PaneId(1),
                    )
                    .expect("split");
                    crate::layout::custom::dump_numbered(&l)
                },
                active_pane: 1,
                zoomed: None,
            }],
            panes: (0..2)
                .map(|i| PaneUp {
                    id: i,
                    window: 0,
                    name: None,
                    remain_on_exit: false,
                    worktree: None,
                    fd: 4 + i as i32,
                    pid: Some(100 + i),
                    tty: None,
                    command: "sh".into(),
                    seq: 11,
                    exit: None,
                    attention: None,
                    bell: false,
                    screen: screen.clone(),
                    spawn: None,
                    log: None,
                })
                .collect(),
            options: vec![(
                OptScope::Server,
                vec![("escape-time".into(), None, "10".into())],
            )],
            environment: vec![(None, vec![("A".into(), Some("b".into()), false)])],
            buffers: (vec![("buffer0".into(), b"x".to_vec(), true, 1, 2)], 1, 2),
            channels: vec!["c".into()],
            locks: vec![],
            schedules: (0, vec![]),
            events: (7, vec![]),
            closed: vec![],
        }
    }

    #[test]
    fn round_trip() {
        let s = sample();
        assert_eq!(decode(&encode(&s)).unwrap(), s);
    }

    #[test]
    fn every_truncation_is_refused_without_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(
                decode(&bytes[..cut]).is_err(),
                "accepted a state cut at {cut}"
            );
        }
    }

    #[test]
    fn other_format_and_inconsistent_states_are_refused() {
        let bytes = encode(&sample());
        let other = [b"tidemux-upgrade 2".as_slice(), &bytes[17..]].concat();
        let e = decode(&other).unwrap_err();
        assert!(e.to_string().contains("format 2"), "{e}");
        assert!(e.to_string().contains("0.1.0"), "{e}");
        let mut s = sample();
        s.panes[1].fd = s.panes[0].fd;
        assert!(matches!(decode(&encode(&s)), Err(DecodeError::Invalid(_))));
        let mut s = sample();
        s.windows[0].active_pane = 9;
        assert!(matches!(decode(&encode(&s)), Err(DecodeError::Invalid(_))));
    }
}
