//! Resurrect: snapshots of the model written to disk, and rebuilding a server from one.
//!
//! - [`format`]: the versioned file format ([`format::encode`], [`format::decode`]).
//! - [`take`]: the model as a [`format::Snapshot`] (registry lock, then each pane's lock).
//! - [`writer`]: the task that writes it on model changes (debounced by
//!   [`DEBOUNCE`]) and every [`Continuity::every`] (default 60 s), with [`write_atomic`].
//! - [`restore`]: rebuilding sessions from a snapshot at server start (`tidemux resurrect`).
//!
//! Configuration comes from the environment the server inherits (see `docs/continuity.md`):
//! `TIDEMUX_SNAPSHOT=0` turns snapshots off, `TIDEMUX_SNAPSHOT_EVERY_MS` changes the period.
//! The server option `resurrect-history-lines` (overridden by `TIDEMUX_SNAPSHOT_LINES=N`) sets
//! the lines of history kept per pane (default [`DEFAULT_LINES`]).

pub mod format;
pub mod restore;

use crate::registry::Registry;

use crate::state::ServerState;
use crate::sync::lock;
use format::{LayoutSnap, PaneSnap, SessionSnap, Snapshot, WindowSnap};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tidemux_proto::{PaneId, ReadRange};

/// Default number of history lines saved per pane.
pub const DEFAULT_LINES: usize = 2000;
/// Default period between two snapshots when nothing changes the model.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60);
/// Quiet time after a model change before the snapshot is written.
pub const DEBOUNCE: Duration = Duration::from_millis(500);
/// Least time between two snapshots caused by model changes (a script changing the model
/// every second does not rewrite every pane's history every second).
pub const MIN_GAP: Duration = Duration::from_secs(5);

/// What a pane was started with (the pane itself keeps only a display string).
#[derive(Debug, Clone, Default)]
pub struct SpawnRecord {
    /// The command as requested (empty: default shell).
    pub command: Vec<String>,
    /// `-e` variables.
    pub env: Vec<(String, String)>,
    /// Start directory.
    pub cwd: PathBuf,
}

/// Snapshot settings and the spawn records, held in [`ServerState`].
#[derive(Debug, Default)]
pub struct Continuity {
    records: Mutex<BTreeMap<PaneId, SpawnRecord>>,
}

impl Continuity {
    /// Records how a pane was started (called by `commands::create` and by [`restore`]).
    pub fn record_spawn(&self, id: PaneId, rec: SpawnRecord) {
        lock(&self.records).insert(id, rec);
    }

    /// Every pane's record (live upgrade carries them).
    pub fn records(&self) -> BTreeMap<PaneId, SpawnRecord> {
        lock(&self.records).clone()
    }

    /// How pane `id` was started, if recorded (`respawn-pane` starts it again so).
    pub fn record(&self, id: PaneId) -> Option<SpawnRecord> {
        lock(&self.records).get(&id).cloned()
    }

    fn prune(&self, reg: &Registry) {
        lock(&self.records).retain(|id, _| reg.panes.contains_key(id));
    }
}

/// History lines per pane: `$TIDEMUX_SNAPSHOT_LINES` (a number) in the server's environment,
/// else the server option `resurrect-history-lines`, else [`DEFAULT_LINES`].
pub fn history_lines(state: &ServerState) -> usize {
    std::env::var("TIDEMUX_SNAPSHOT_LINES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| {
            lock(&state.options_store)
                .effective("resurrect-history-lines", None, None, None)
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(DEFAULT_LINES)
}

fn every() -> Duration {
    std::env::var("TIDEMUX_SNAPSHOT_EVERY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&ms: &u64| ms > 0)
        .map_or(DEFAULT_EVERY, Duration::from_millis)
}

/// Whether snapshots are on (`TIDEMUX_SNAPSHOT` is not `0`/`off`).
pub fn enabled() -> bool {
    !matches!(
        std::env::var("TIDEMUX_SNAPSHOT").ok().as_deref(),
        Some("0" | "off" | "no")
    )
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The values of one option set, in its shown form.
pub(crate) fn opts(
    store: &crate::options::Options,
    w: crate::options::Where,
) -> Vec<format::OptSnap> {
    use crate::options::OptValue;
    let mut out = Vec::new();
    for (name, v) in store.set_of(w).into_iter().flatten() {
        match v {
            OptValue::Scalar(s) => out.push((name.clone(), None, s.clone())),
            OptValue::Array(items) => out.extend(
                items
                    .iter()
                    .map(|(i, s)| (name.clone(), Some(*i), s.clone())),
            ),
        }
    }
    out
}

/// The old binary form of a layout, still written for servers that predate
/// `WindowSnap::tmux_layout`: a container of N children is a split of its first child and a
/// container of the rest.
fn layout_snap(shape: &crate::layout::Shape, pos: &BTreeMap<PaneId, usize>) -> LayoutSnap {
    use crate::layout::Shape;
    match shape {
        Shape::Pane(p, _) => LayoutSnap::Pane(pos.get(p).copied().unwrap_or(0)),
        Shape::Container {
            side_by_side,
            rect,
            children,
        } => {
            let along = |r: &crate::layout::Rect| {
                if *side_by_side {
                    r.cols
                } else {
                    r.rows
                }
            };
            let (first, rest) = children.split_first().expect("containers have children");
            if rest.is_empty() {
                return layout_snap(first, pos);
            }
            let total = along(rect);
            let a = along(first_rect(first));
            let rest_shape = Shape::Container {
                side_by_side: *side_by_side,
                rect: crate::layout::Rect {
                    cols: if *side_by_side {
                        total.saturating_sub(a + 1)
                    } else {
                        rect.cols
                    },
                    rows: if *side_by_side {
                        rect.rows
                    } else {
                        total.saturating_sub(a + 1)
                    },
                    ..*rect
                },
                children: rest.to_vec(),
            };
            LayoutSnap::Split {
                horizontal: *side_by_side,
                fraction: f32::from(a) / f32::from(total.saturating_sub(1).max(1)),
                first: Box::new(layout_snap(first, pos)),
                second: Box::new(layout_snap(&rest_shape, pos)),
            }
        }
    }
}

fn first_rect(s: &crate::layout::Shape) -> &crate::layout::Rect {
    match s {
        crate::layout::Shape::Pane(_, r) => r,
        crate::layout::Shape::Container { rect, .. } => rect,
    }
}

/// The model now, with the last `lines` lines of each pane's history and screen. The registry
/// lock is held only to copy the structure; histories are read afterwards, one pane lock at a
/// time.
pub fn take(state: &ServerState, lines: usize) -> Snapshot {
    let reg = state.registry();
    state.continuity.prune(&reg);
    let mut sessions = Vec::new();
    let mut later: Vec<(usize, usize, usize, Arc<crate::pane::Pane>)> = Vec::new();
    let store = lock(&state.options_store);
    use crate::options::Where;
    for s in reg.sessions.values() {
        let mut windows = Vec::new();
        for (idx, wid) in &s.windows {
            // A window linked into several places is saved once, at its first link.
            let Some(w) = reg
                .windows
                .get(wid)
                .filter(|w| (w.session, w.index) == (s.id, *idx))
            else {
                continue;
            };
            let order: Vec<PaneId> = w.geometry().into_iter().map(|(p, _)| p).collect();
            let pos: BTreeMap<PaneId, usize> =
                order.iter().enumerate().map(|(i, p)| (*p, i)).collect();
            let panes = order
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    if let Some(e) = reg.panes.get(id) {
                        later.push((sessions.len(), windows.len(), i, Arc::clone(&e.pane)));
                    }
                    let mut p = pane_snap(state, &reg, *id);
                    p.options = opts(&store, Where::Pane(*id));
                    p
                })
                .collect();
            windows.push(WindowSnap {
                index: w.index,
                name: w.name.clone(),
                cols: w.cols,
                rows: w.rows,
                active_pane: pos.get(&w.active_pane).copied().unwrap_or(0),
                zoomed: w.zoomed.and_then(|z| pos.get(&z).copied()),
                layout: layout_snap(&w.layout.shape(), &pos),
                tmux_layout: Some(crate::layout::custom::dump_numbered(&w.layout)),
                panes,
                options: opts(&store, Where::Window(w.id)),
            });
        }
        if windows.is_empty() {
            later.retain(|(si, ..)| *si != sessions.len());
            continue;
        }
        sessions.push(SessionSnap {
            name: s.name.clone(),
            active_window: reg.windows.get(&s.active_window).map_or(0, |w| w.index),
            history_limit: s.history_limit,
            remain_on_exit: s.remain_on_exit,
            cols: s.size.0,
            rows: s.size.1,
            windows,
            options: opts(&store, Where::Session(s.id)),
        });
    }
    let server_options = opts(&store, Where::Server);
    let global_session_options = opts(&store, Where::GlobalSession);
    let global_window_options = opts(&store, Where::GlobalWindow);
    drop(store);
    drop(reg);
    if lines > 0 {
        for (si, wi, pi, pane) in later {
            sessions[si].windows[wi].panes[pi].history = history_of(&pane, lines);
        }
    }
    Snapshot {
        saved_at: now_unix(),
        server_version: env!("CARGO_PKG_VERSION").into(),
        history_lines: lines,
        sessions,
        server_options,
        global_session_options,
        global_window_options,
    }
}

fn pane_snap(state: &ServerState, reg: &Registry, id: PaneId) -> PaneSnap {
    let rec = state.continuity.record(id).unwrap_or_default();
    let entry = reg.panes.get(&id);
    let cwd = entry
        .and_then(|e| e.pane.pid)
        .and_then(crate::pane::proc::cwd)
        .unwrap_or_else(|| rec.cwd.to_string_lossy().into_owned());
    PaneSnap {
        name: entry.and_then(|e| e.name.clone()),
        command: rec.command,
        cwd,
        env: rec.env,
        history: Vec::new(),
        options: Vec::new(),
        remain_on_exit: entry.is_some_and(|e| e.remain_on_exit),
        worktree: entry.and_then(|e| e.worktree.clone()),
    }
}

/// The last `lines` lines of history and screen of a pane, plain text, trailing blanks cut.
fn history_of(pane: &crate::pane::Pane, lines: usize) -> Vec<String> {
    let st = pane.state();
    let (hist, _, _) = st.screen.history_stats();
    let (rows, _) = st.screen.size();
    let want = lines.min(u32::MAX as usize) as u32;
    let mut out = st
        .screen
        .lines(ReadRange::Lines(want), false)
        .map(|l| l.lines)
        .unwrap_or_default();
    drop(st);
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    // Lines beyond N (visible rows when history is short) are dropped oldest first.
    let keep = lines.max(1).min(hist + usize::from(rows));
    if out.len() > keep {
        out.drain(..out.len() - keep);
    }
    out.into_iter().map(|l| l.trim_end().to_owned()).collect()
}

/// Writes `bytes` to `path` atomically: a temp file beside it (mode 0600), fsync, rename, fsync
/// of the directory. A crash at any point leaves either the old file or the new one.
///
/// # Errors
/// Any I/O error (the old file is then untouched).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .map_or("snapshot".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Takes and writes one snapshot, unless the server has no session (a snapshot of nothing
/// would overwrite the one worth resurrecting).
pub async fn save_now(state: &Arc<ServerState>, path: &Path) {
    let started = std::time::Instant::now();
    let path = path.to_owned();
    let state = Arc::clone(state);
    // Off the runtime's threads: reading every pane's history takes milliseconds per pane.
    let r = tokio::task::spawn_blocking(move || {
        let result = (|| {
            let snap = take(&state, history_lines(&state));
            let took_us = started.elapsed().as_micros() as u64;
            if snap.sessions.is_empty() {
                return Ok(None);
            }
            let bytes = format::encode(&snap);
            write_atomic(&path, &bytes).map(|()| Some((path, bytes.len(), took_us)))
        })();
        release_free_heap();
        result
    })
    .await;
    match r {
        Ok(Ok(None)) => {}
        Ok(Ok(Some((p, len, took_us)))) => tracing::debug!(
            path = %p.display(),
            bytes = len,
            take_us = took_us,
            total_us = started.elapsed().as_micros() as u64,
            "snapshot written"
        ),
        Ok(Err(e)) => tracing::warn!("cannot write the snapshot: {e}"),
        Err(e) => tracing::warn!("snapshot task failed: {e}"),
    }
}

/// Gives the pages of freed heap memory back to the kernel (glibc `malloc_trim(0)`, which
/// since glibc 2.8 releases whole free pages inside every arena, not only at the top).
///
/// Why (issue 9, row E): a snapshot copies up to [`DEFAULT_LINES`] lines of every pane as
/// strings, about 11 MiB with 100 panes of full history, and frees them at once; reader
/// threads allocating history from the same malloc arenas meanwhile pin the freed range, so
/// glibc kept it all resident (measured: 37 MiB of server RSS against 26 MiB with snapshots
/// off). Costs about a millisecond after each snapshot. Does nothing with another libc.
fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only walks and trims the allocator's own free lists; it takes
        // the arena locks itself and has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Runs until the server stops: writes a snapshot [`DEBOUNCE`] after the model last changed
/// (at most one per [`MIN_GAP`], or per period when that is shorter), and every
/// [`DEFAULT_EVERY`] (or `$TIDEMUX_SNAPSHOT_EVERY_MS`) regardless.
pub async fn writer(state: Arc<ServerState>, path: PathBuf) {
    let mut model = state.model.subscribe();
    let period = every();
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    let gap = MIN_GAP.min(period);
    let now = tokio::time::Instant::now();
    let mut last = now.checked_sub(gap).unwrap_or(now);
    loop {
        tokio::select! {
            r = model.changed() => {
                if r.is_err() {
                    return;
                }
                // Debounce: wait until the model has been quiet for DEBOUNCE.
                loop {
                    tokio::select! {
                        () = tokio::time::sleep(DEBOUNCE) => break,
                        r = model.changed() => if r.is_err() { return },
                    }
                }
                tokio::time::sleep_until(last + gap).await;
            }
            _ = tick.tick() => {}
        }
        save_now(&state, &path).await;
        last = tokio::time::Instant::now();
    }
}
