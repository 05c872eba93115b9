//! Rebuilding sessions from a [`Snapshot`] (`tidemux resurrect`, at server start).
//!
//! Every pane is started first; the model is changed only once all of them run, so a restore
//! either adds every session or (when not even a shell can start) nothing.

use super::format::{LayoutSnap, PaneSnap, Snapshot};
use super::SpawnRecord;
use crate::layout::{Layout, Rect};
use crate::pane::{Pane, PaneSpec};
use crate::registry::{PaneEntry, Session, Window};
use crate::state::ServerState;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tidemux_proto::{PaneId, SplitDirection, WindowId};

/// Commands re-run by default (basename of the first word): shells, editors, pagers and the
/// agent CLIs listed in `docs/resurrect.md`. `$TIDEMUX_RESURRECT_COMMANDS` (words separated by
/// spaces or commas) replaces the list.
pub const DEFAULT_ALLOW: &[&str] = &[
    // shells
    "sh",
    "bash",
    "zsh",
    "fish",
    "dash",
    "ksh",
    "mksh",
    "tcsh",
    "csh",
    "nu",
    "elvish",
    "xonsh",
    // editors
    "vi",
    "vim",
    "nvim",
    "view",
    "nano",
    "emacs",
    "micro",
    "hx",
    "helix",
    "kak",
    "ed",
    // pagers and manuals
    "less",
    "more",
    "most",
    "man", // agent CLIs
    "claude",
    "codex",
    "aider",
    "gemini",
    "goose",
    "opencode",
    "amp",
    "cursor-agent",
    "qwen",
    "crush",
    "copilot",
];

/// [`DEFAULT_ALLOW`] as the default value of the option `resurrect-commands`.
pub const DEFAULT_ALLOW_TEXT: &str = "sh bash zsh fish dash ksh mksh tcsh csh nu elvish xonsh \
vi vim nvim view nano emacs micro hx helix kak ed less more most man claude codex aider gemini \
goose opencode amp cursor-agent qwen crush copilot";

fn words(v: &str) -> Vec<String> {
    v.split([' ', ',', '\t', '\n'])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The value of a server option saved in a snapshot, if it was set.
pub fn saved_server_option<'a>(snap: &'a Snapshot, name: &str) -> Option<&'a str> {
    snap.server_options
        .iter()
        .rev()
        .find(|(n, idx, _)| n == name && idx.is_none())
        .map(|(_, _, v)| v.as_str())
}

/// The allow-list in force for restoring `snap`: `$TIDEMUX_RESURRECT_COMMANDS` when set (words
/// separated by spaces or commas), else the option `resurrect-commands` as the snapshot saved
/// it, else [`DEFAULT_ALLOW`].
pub fn allow_list(snap: &Snapshot) -> Vec<String> {
    match std::env::var("TIDEMUX_RESURRECT_COMMANDS") {
        Ok(v) if !v.trim().is_empty() => words(&v),
        _ => match saved_server_option(snap, "resurrect-commands") {
            Some(v) => words(v),
            None => DEFAULT_ALLOW.iter().map(|s| (*s).to_owned()).collect(),
        },
    }
}

/// Whether a server started on first use resurrects `snap`: `$TIDEMUX_RESURRECT_ON_START`
/// when set (`1`/`on`/`yes` or `0`/`off`/`no`), else the option `resurrect-on-start` as the
/// snapshot saved it (default off).
pub fn resurrect_on_start(snap: &Snapshot) -> bool {
    match std::env::var("TIDEMUX_RESURRECT_ON_START").ok().as_deref() {
        Some("1" | "on" | "yes") => true,
        Some("0" | "off" | "no") => false,
        _ => saved_server_option(snap, "resurrect-on-start") == Some("on"),
    }
}

/// The program a command runs: basename of its first word (`""` for the default shell).
pub fn program(command: &[String]) -> String {
    let first = command
        .first()
        .and_then(|c| c.split_whitespace().next())
        .unwrap_or("");
    Path::new(first)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a pane's command is re-run (the default shell always is).
pub fn rerun(command: &[String], allow: &[String]) -> bool {
    command.is_empty() || allow.iter().any(|a| *a == program(command))
}

/// One pane of a restore plan (`tidemux resurrect --dry-run`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Planned {
    /// `SESSION:WINDOW.PANE`.
    pub target: String,
    /// Pane name, if any.
    pub name: Option<String>,
    /// Directory it starts in.
    pub cwd: String,
    /// The saved command, joined by spaces (`""`: the default shell).
    pub command: String,
    /// Whether the command is re-run (else a shell starts in `cwd`).
    pub rerun: bool,
    /// Lines of history shown above the "saved at" line.
    pub history_lines: usize,
}

/// What a restore would do, pane by pane.
pub fn plan(snap: &Snapshot, allow: &[String]) -> Vec<Planned> {
    let mut out = Vec::new();
    for s in &snap.sessions {
        for w in &s.windows {
            for (i, p) in w.panes.iter().enumerate() {
                out.push(Planned {
                    target: format!("{}:{}.{}", s.name, w.index, i),
                    name: p.name.clone(),
                    cwd: p.cwd.clone(),
                    command: p.command.join(" "),
                    rerun: rerun(&p.command, allow),
                    history_lines: p.history.len(),
                });
            }
        }
    }
    out
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds.
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The bytes shown in a restored pane before its process starts: the saved lines, then the
/// line saying when they were saved (and why the command was not re-run).
pub fn preface(p: &PaneSnap, saved_at: u64, skipped: Option<&str>) -> Vec<u8> {
    let mut s = String::new();
    for line in &p.history {
        s.extend(line.chars().filter(|c| !c.is_control()));
        s.push_str("\r\n");
    }
    s.push_str(&format!("--- tidemux: saved {} ---\r\n", utc(saved_at)));
    if let Some(cmd) = skipped {
        s.push_str(&format!(
            "--- not re-run: {} ---\r\n",
            cmd.chars().filter(|c| !c.is_control()).collect::<String>()
        ));
    }
    s.into_bytes()
}

/// The window's layout: from `tmux_layout` when present and valid, else from the binary tree
/// older servers wrote (geometry as those servers computed it).
fn build_layout(w: &super::format::WindowSnap, ids: &[PaneId]) -> Layout {
    if let Some(l) = w
        .tmux_layout
        .as_deref()
        .and_then(|s| crate::layout::custom::from_numbered(s, ids))
    {
        return l;
    }
    let rect = Rect {
        left: 0,
        top: 0,
        cols: w.cols,
        rows: w.rows,
    };
    let mut body = String::new();
    binary_cell(&w.layout, rect, &mut body);
    let s = format!("{:04x},{body}", crate::layout::custom::checksum(&body));
    crate::layout::custom::from_numbered(&s, ids).unwrap_or_else(|| {
        // Sizes that do not add up: the panes side by side, evenly.
        let mut l = Layout::new(ids[0], w.cols, w.rows);
        for (i, p) in ids.iter().enumerate().skip(1) {
            let _ = l.split(
                ids[i - 1],
                SplitDirection::Horizontal,
                None,
                crate::layout::SplitFlags::default(),
                *p,
            );
        }
        l.apply_preset(0, w.cols, w.rows, &crate::layout::set::MainSizes::default());
        l
    })
}

/// The old servers' split of a rectangle: the first child's share of the space minus the
/// border.
fn split_rect(rect: Rect, horizontal: bool, fraction: f32) -> (Rect, Rect) {
    let total = if horizontal { rect.cols } else { rect.rows };
    let avail = total.saturating_sub(1).max(2);
    let first = ((fraction * f32::from(avail)).round() as u16).clamp(1, avail - 1);
    let second = total.saturating_sub(first + 1).max(1);
    if horizontal {
        (
            Rect {
                cols: first,
                ..rect
            },
            Rect {
                left: rect.left + first + 1,
                cols: second,
                ..rect
            },
        )
    } else {
        (
            Rect {
                rows: first,
                ..rect
            },
            Rect {
                top: rect.top + first + 1,
                rows: second,
                ..rect
            },
        )
    }
}

/// Writes a binary layout tree as a numbered layout string body, merging runs of splits in
/// one direction into one container as tmux keeps them.
fn binary_cell(l: &LayoutSnap, rect: Rect, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "{}x{},{},{}",
        rect.cols, rect.rows, rect.left, rect.top
    );
    match l {
        LayoutSnap::Pane(i) => {
            let _ = write!(out, ",{i}");
        }
        LayoutSnap::Split { horizontal, .. } => {
            let mut kids = Vec::new();
            flatten(l, *horizontal, rect, &mut kids);
            out.push(if *horizontal { '{' } else { '[' });
            for (i, (k, r)) in kids.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                binary_cell(k, *r, out);
            }
            out.push(if *horizontal { '}' } else { ']' });
        }
    }
}

fn flatten<'a>(l: &'a LayoutSnap, dir: bool, rect: Rect, out: &mut Vec<(&'a LayoutSnap, Rect)>) {
    match l {
        LayoutSnap::Split {
            horizontal,
            fraction,
            first,
            second,
        } if *horizontal == dir => {
            let (a, b) = split_rect(rect, dir, *fraction);
            flatten(first, dir, a, out);
            flatten(second, dir, b, out);
        }
        other => out.push((other, rect)),
    }
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_dir())
        .unwrap_or_else(|| "/".into())
}

#[allow(clippy::too_many_arguments)]
fn start(
    state: &Arc<ServerState>,
    activity: &Arc<tokio::sync::Notify>,
    id: PaneId,
    session: tidemux_proto::SessionId,
    p: &PaneSnap,
    rect: Rect,
    history_limit: usize,
    saved_at: u64,
    allow: &[String],
) -> Result<(Arc<Pane>, SpawnRecord), String> {
    let cwd = Some(PathBuf::from(&p.cwd))
        .filter(|d| d.is_dir())
        .unwrap_or_else(home);
    let keep = rerun(&p.command, allow);
    let command = if keep { p.command.clone() } else { Vec::new() };
    let skipped = (!keep).then(|| p.command.join(" "));
    // As for a new pane: the global and session environments, tidemux's variables, then -e.
    let (env, env_remove) = crate::commands::create::pane_env(state, id, session, &p.env);
    let spec = |argv: Vec<String>| PaneSpec {
        id,
        argv,
        cwd: cwd.clone(),
        env: env.clone(),
        env_remove: env_remove.clone(),
        rows: rect.rows,
        cols: rect.cols,
        history_limit,
        activity: Arc::clone(activity),
    };
    let argv = crate::commands::create::argv_of(&command);
    let pane = match Pane::spawn_with_preface(
        spec(argv),
        state.observer(),
        &preface(p, saved_at, skipped.as_deref()),
    ) {
        Ok(pane) => (pane, command),
        // The program is gone (uninstalled since): a shell in the same place.
        Err(e) if !command.is_empty() => {
            let why = format!("{} ({e})", p.command.join(" "));
            let pane = Pane::spawn_with_preface(
                spec(crate::commands::create::argv_of(&[])),
                state.observer(),
                &preface(p, saved_at, Some(&why)),
            )
            .map_err(|e| e.to_string())?;
            (pane, Vec::new())
        }
        Err(e) => return Err(e.to_string()),
    };
    Ok((
        pane.0,
        SpawnRecord {
            command: pane.1,
            env: p.env.clone(),
            cwd,
        },
    ))
}

/// Sets the saved options on the restored objects (found by session name, window index and
/// layout position). A value this build refuses (an option since removed) is logged and
/// skipped: options never stop a restore. `globals`: only the server and global sets (before
/// any pane starts), else only the sets of the restored sessions, windows and panes.
fn restore_options(
    state: &ServerState,
    reg: &crate::registry::Registry,
    snap: &Snapshot,
    globals: bool,
) {
    use crate::options::Where;
    let mut store = crate::sync::lock(&state.options_store);
    let mut apply = |w: Where, list: &[super::format::OptSnap], win: Option<WindowId>| {
        for (name, idx, value) in list {
            if let Err(e) = store.set(w, name, *idx, Some(value), false, win) {
                tracing::warn!(option = %name, "resurrect: option not restored: {}", e.0);
            }
        }
    };
    if globals {
        apply(Where::Server, &snap.server_options, None);
        apply(Where::GlobalSession, &snap.global_session_options, None);
        apply(Where::GlobalWindow, &snap.global_window_options, None);
        return;
    }
    for s in &snap.sessions {
        let Some(sess) = reg.sessions.values().find(|x| x.name == s.name) else {
            continue;
        };
        apply(Where::Session(sess.id), &s.options, None);
        for w in &s.windows {
            let Some(wid) = sess.windows.get(&w.index).copied() else {
                continue;
            };
            apply(Where::Window(wid), &w.options, None);
            let Some(win) = reg.windows.get(&wid) else {
                continue;
            };
            for ((pid, _), p) in win.geometry().into_iter().zip(&w.panes) {
                apply(Where::Pane(pid), &p.options, Some(wid));
            }
        }
    }
}

/// Counts of what [`restore`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    /// Sessions.
    pub sessions: usize,
    /// Windows.
    pub windows: usize,
    /// Panes.
    pub panes: usize,
}

/// Rebuilds every session of `snap` (already checked by [`super::format::decode`]) in `state`.
///
/// # Errors
/// When a session name is taken, or a pane cannot start even as a shell; nothing is changed
/// then (panes already started are killed).
pub fn restore(state: &Arc<ServerState>, snap: &Snapshot) -> Result<Restored, String> {
    let allow = allow_list(snap);
    let mut reg = state.registry();
    // Server and global options first: they shape the panes started below.
    restore_options(state, &reg, snap, true);
    for s in &snap.sessions {
        if reg.sessions.values().any(|x| x.name == s.name) {
            return Err(format!("a session named '{}' already exists", s.name));
        }
    }
    let mut sessions = Vec::new();
    let mut windows = Vec::new();
    let mut panes: Vec<(PaneId, PaneEntry, SpawnRecord)> = Vec::new();
    let mut failed = None;
    'all: for s in &snap.sessions {
        let sid = reg.alloc_session();
        // Woken by this session's panes' output (its attached clients redraw).
        let activity = Arc::new(tokio::sync::Notify::new());
        let mut by_index = std::collections::BTreeMap::new();
        let mut active_window = None;
        for w in &s.windows {
            let wid = reg.alloc_window();
            let ids: Vec<PaneId> = w.panes.iter().map(|_| reg.alloc_pane()).collect();
            let layout = build_layout(w, &ids);
            let rect = Rect {
                left: 0,
                top: 0,
                cols: w.cols,
                rows: w.rows,
            };
            let geometry = layout.geometry();
            for (i, p) in w.panes.iter().enumerate() {
                let r = geometry
                    .iter()
                    .find(|(id, _)| *id == ids[i])
                    .map_or(rect, |(_, r)| *r);
                match start(
                    state,
                    &activity,
                    ids[i],
                    sid,
                    p,
                    r,
                    s.history_limit,
                    snap.saved_at,
                    &allow,
                ) {
                    Ok((pane, rec)) => panes.push((
                        ids[i],
                        PaneEntry {
                            pane,
                            window: wid,
                            name: p.name.clone(),
                            remain_on_exit: p.remain_on_exit,
                            // Only while the worktree is still there.
                            worktree: p
                                .worktree
                                .clone()
                                .filter(|(path, _)| Path::new(path).is_dir()),
                        },
                        rec,
                    )),
                    Err(e) => {
                        failed = Some(format!("{}:{}.{i}: {e}", s.name, w.index));
                        break 'all;
                    }
                }
            }
            by_index.insert(w.index, wid);
            if w.index == s.active_window {
                active_window = Some(wid);
            }
            windows.push(Window {
                id: wid,
                session: sid,
                index: w.index,
                name: w.name.clone(),
                cols: w.cols,
                rows: w.rows,
                manual: (w.cols, w.rows),
                layout,
                active_pane: ids[w.active_pane],
                zoomed: w.zoomed.map(|z| ids[z]),
                links: Vec::new(),
            });
        }
        let clock = reg.tick();
        sessions.push(Session {
            id: sid,
            name: s.name.clone(),
            active_window: active_window
                .or_else(|| by_index.values().next().copied())
                .expect("a session has a window"),
            current_index: None,
            windows: by_index,
            created: super::now_unix(),
            last_used: clock,
            activity_clock: clock,
            history_limit: s.history_limit,
            remain_on_exit: s.remain_on_exit,
            size: (s.cols, s.rows),
            attached: 0,
            activity,
        });
    }
    if let Some(e) = failed {
        drop(reg);
        for (_, entry, _) in panes {
            entry.pane.mark_closed();
            entry.pane.kill_hard();
        }
        return Err(e);
    }
    let counts = Restored {
        sessions: sessions.len(),
        windows: windows.len(),
        panes: panes.len(),
    };
    for w in windows {
        reg.windows.insert(w.id, w);
    }
    for s in sessions {
        reg.sessions.insert(s.id, s);
    }
    for (id, entry, rec) in panes {
        state.continuity.record_spawn(id, rec);
        reg.panes.insert(id, entry);
    }
    restore_options(state, &reg, snap, false);
    crate::commands::options::sync_pane_base(&mut reg, &crate::sync::lock(&state.options_store));
    drop(reg);
    state.bump_model();
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_796_120_000), "2026-12-01 10:13:20 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn the_option_default_is_the_default_allow_list() {
        assert_eq!(words(DEFAULT_ALLOW_TEXT), DEFAULT_ALLOW);
    }

    #[test]
    fn the_history_lines_option_default_is_default_lines() {
        let def = crate::options::def("resurrect-history-lines").expect("option defined");
        assert_eq!(def.default, crate::snapshot::DEFAULT_LINES.to_string());
    }

    #[test]
    fn allow_list_matches_basename_of_first_word() {
        let allow: Vec<String> = DEFAULT_ALLOW.iter().map(|s| s.to_string()).collect();
        assert!(rerun(&[], &allow));
        assert!(rerun(&["/usr/bin/vim".into(), "x".into()], &allow));
        assert!(rerun(&["less -R log.txt".into()], &allow));
        assert!(!rerun(&["make test".into()], &allow));
        assert!(!rerun(&["/bin/rm".into(), "-rf".into()], &allow));
    }
}
