//! Window alerts, after tmux 3.3a alerts.c: `monitor-bell` (default on), `monitor-activity`
//! and `monitor-silence` (seconds) mark a window with the bell (`!`), activity (`#`) or
//! silence (`~`) flag of `#{window_flags}` (`window_bell_flag`, `window_activity_flag`,
//! `window_silence_flag`) and fire the `alert-bell`, `alert-activity`, `alert-silence` hooks
//! as `bell-action`, `activity-action` and `silence-action` allow (`any`, `none`, `current`,
//! `other`).
//!
//! As in tmux: a flag is set when the window is not its session's current window or the
//! session has no client attached, and is cleared when the window becomes current
//! ([`crate::registry::Registry::set_current_window`]). An activity or silence alert fires
//! once until its flag is cleared; a bell fires every time. Output starts (or restarts) a
//! window's silence timer of `monitor-silence` seconds; so does setting an option.
//!
//! For each alert whose action applies, the session's `visual-bell`, `visual-activity` or
//! `visual-silence` (`off`, `on`, `both`) decides whether its attached clients ring their
//! terminal's bell (`AttachFrame::bell`), show `Bell in window N` on the status line for
//! `display-time` ms, or both (tmux `alerts_set_message`).
//!
//! Notes come from the server's event log (a bell; the coalesced `output` events, at most four
//! a second per pane) through a bounded queue ([`QUEUE`] notes; beyond that a note is dropped:
//! a flag may then be set late, never wrongly) to one task, which takes the registry and the
//! options locks only while it decides.

use crate::hooks::Context;
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tidemux_proto::{PaneId, SessionId, WindowId};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Activity flag bit (`#`).
pub const ACTIVITY: u8 = 1;
/// Bell flag bit (`!`).
pub const BELL: u8 = 2;
/// Silence flag bit (`~`).
pub const SILENCE: u8 = 4;
/// How long an alert message shows with `display-time` 0 (tmux: until a key is pressed;
/// here until another message replaces it), ms: a day.
pub const MESSAGE_FOREVER_MS: u64 = 24 * 3600 * 1000;
/// Notes the queue holds before it drops new ones.
pub const QUEUE: usize = 4096;

/// What the alerts task is told.
#[derive(Debug, Clone, Copy)]
pub enum Note {
    /// A window rang the bell (`BELL`) or printed something (`ACTIVITY`).
    Alert(WindowId, u8),
    /// A pane of a window printed up to output sequence number `seq` (an `output` event).
    Output(WindowId, PaneId, u64),
    /// Options changed: every silence timer starts again (tmux `alerts_reset_all`).
    ResetAll,
}

/// The queue into the alerts task.
#[derive(Debug)]
pub struct Queue {
    tx: mpsc::Sender<Note>,
    rx: Mutex<Option<mpsc::Receiver<Note>>>,
    /// Output sequence numbers of the panes when `monitor-activity` last changed: output up
    /// to there happened before and is no activity (the `output` events are coalesced and
    /// may arrive later).
    baseline: Mutex<HashMap<PaneId, u64>>,
}

impl Default for Queue {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Queue {
            tx,
            rx: Mutex::new(Some(rx)),
            baseline: Mutex::new(HashMap::new()),
        }
    }
}

impl Queue {
    /// Queues a note without waiting (a full queue drops it).
    pub fn note(&self, n: Note) {
        let _ = self.tx.try_send(n);
    }
}

/// Records every pane's output so far as seen (call when `monitor-activity` changes).
pub fn baseline(state: &ServerState) {
    let panes: Vec<Arc<crate::pane::Pane>> = state
        .registry()
        .panes
        .values()
        .map(|e| Arc::clone(&e.pane))
        .collect();
    let seqs: HashMap<PaneId, u64> = panes.iter().map(|p| (p.id, p.state().seq)).collect();
    *lock(&state.hooks.alerts.baseline) = seqs;
}

/// The window flags as tmux prints them first in `#{window_flags}`: `#`, `!`, `~`.
pub fn flag_chars(bits: u8) -> String {
    let mut f = String::new();
    if bits & ACTIVITY != 0 {
        f.push('#');
    }
    if bits & BELL != 0 {
        f.push('!');
    }
    if bits & SILENCE != 0 {
        f.push('~');
    }
    f
}

/// Starts the alerts task (once per server).
pub fn start(state: &Arc<ServerState>) {
    let Some(rx) = lock(&state.hooks.alerts.rx).take() else {
        return;
    };
    tokio::spawn(run(Arc::downgrade(state), rx));
}

async fn run(weak: Weak<ServerState>, mut rx: mpsc::Receiver<Note>) {
    let mut silence: HashMap<WindowId, Instant> = HashMap::new();
    // Windows that printed since the last automatic-rename check (`commands::names`).
    let mut names: std::collections::BTreeSet<WindowId> = Default::default();
    let mut names_tick =
        tokio::time::interval(Duration::from_millis(crate::commands::names::CHECK_MS));
    names_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let next = silence.values().min().copied();
        let note = tokio::select! {
            n = rx.recv() => match n {
                Some(n) => Some(n),
                None => return,
            },
            _ = names_tick.tick(), if !names.is_empty() => {
                let Some(state) = weak.upgrade() else { return };
                let wins = std::mem::take(&mut names);
                crate::commands::names::check(&state, &wins);
                continue;
            }
            () = async {
                match next {
                    Some(t) => tokio::time::sleep_until(t).await,
                    None => std::future::pending().await,
                }
            } => None,
        };
        let Some(state) = weak.upgrade() else { return };
        match note {
            Some(Note::Alert(w, bits)) => alert(&state, &mut silence, w, bits),
            Some(Note::Output(w, p, seq)) => {
                names.insert(w);
                let old = lock(&state.hooks.alerts.baseline)
                    .get(&p)
                    .is_some_and(|b| seq <= *b);
                if !old {
                    alert(&state, &mut silence, w, ACTIVITY);
                }
            }
            Some(Note::ResetAll) => {
                let wins: Vec<WindowId> = state.registry().windows.keys().copied().collect();
                silence.clear();
                for w in wins {
                    reset(&state, &mut silence, w);
                }
            }
            None => {
                let now = Instant::now();
                let due: Vec<WindowId> = silence
                    .iter()
                    .filter(|(_, t)| **t <= now)
                    .map(|(w, _)| *w)
                    .collect();
                for w in due {
                    alert(&state, &mut silence, w, SILENCE);
                }
            }
        }
    }
}

fn on(v: Option<String>) -> bool {
    matches!(v.as_deref(), Some("on" | "1" | "yes"))
}

/// tmux `alerts_reset`: (re)starts the window's silence timer.
fn reset(state: &ServerState, silence: &mut HashMap<WindowId, Instant>, w: WindowId) {
    let sid = state.registry().windows.get(&w).map(|x| x.session);
    let secs = sid
        .and_then(|sid| {
            lock(&state.options_store).effective("monitor-silence", Some(sid), Some(w), None)
        })
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    if secs == 0 {
        silence.remove(&w);
    } else {
        silence.insert(w, Instant::now() + Duration::from_secs(secs));
    }
}

/// tmux `alerts_queue` + `alerts_check_*` for one window.
fn alert(
    state: &Arc<ServerState>,
    silence: &mut HashMap<WindowId, Instant>,
    w: WindowId,
    bits: u8,
) {
    reset(state, silence, w);
    let (monitor, action, hook) = match bits {
        BELL => ("monitor-bell", "bell-action", "alert-bell"),
        ACTIVITY => ("monitor-activity", "activity-action", "alert-activity"),
        _ => ("monitor-silence", "silence-action", "alert-silence"),
    };
    let fire = {
        let mut reg = state.registry();
        let Some((sid, active)) = reg.windows.get(&w).map(|x| (x.session, x.active_pane)) else {
            return;
        };
        let Some((current, attached)) = reg
            .sessions
            .get(&sid)
            .map(|s| (s.active_window == w, s.attached > 0))
        else {
            return;
        };
        let (enabled, applies) = {
            let o = lock(&state.options_store);
            let m = o.effective(monitor, Some(sid), Some(w), None);
            let enabled = if bits == SILENCE {
                m.and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0) != 0
            } else {
                on(m)
            };
            let applies = match o.effective(action, Some(sid), None, None).as_deref() {
                Some("any") => true,
                Some("current") => current,
                Some("other") => !current,
                _ => false,
            };
            (enabled, applies)
        };
        if !enabled {
            return;
        }
        let had = reg.alerts.get(&w).copied().unwrap_or(0);
        // Activity and silence alert once until the flag is cleared; a bell every time.
        if bits != BELL && had & bits != 0 {
            return;
        }
        let mut changed = false;
        if !current || !attached {
            reg.alerts.insert(w, had | bits);
            changed = had & bits == 0;
        }
        drop(reg);
        if changed {
            state.bump_model();
        }
        applies.then_some((sid, active, current))
    };
    if let Some((sid, pane, current)) = fire {
        state.hooks.fire(
            hook,
            Context {
                session: Some::<SessionId>(sid),
                window: Some(w),
                pane: Some(pane),
                client: None,
            },
        );
        visual(state, sid, w, bits, current);
    }
}

/// tmux `alerts_set_message`: the session's `visual-bell`, `visual-activity` or
/// `visual-silence` decides what its attached clients get for an alert of window `w`: `off`
/// the terminal's bell, `on` the status-line message `Bell in window N` (`Activity`,
/// `Silence`; `... in current window` for the session's current window) for `display-time`
/// ms, `both` the two.
fn visual(state: &Arc<ServerState>, sid: SessionId, w: WindowId, bits: u8, current: bool) {
    let (kind, option) = match bits {
        BELL => ("Bell", "visual-bell"),
        ACTIVITY => ("Activity", "visual-activity"),
        _ => ("Silence", "visual-silence"),
    };
    let index = {
        let reg = state.registry();
        reg.sessions
            .get(&sid)
            .and_then(|s| s.windows.iter().find(|(_, x)| **x == w).map(|(i, _)| *i))
    };
    let (mode, ms) = {
        let o = lock(&state.options_store);
        let mode = o
            .effective(option, Some(sid), None, None)
            .unwrap_or_default();
        let ms = o
            .effective("display-time", Some(sid), None, None)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(crate::commands::format::DEFAULT_DISPLAY_MS);
        (mode, ms)
    };
    if mode == "off" || mode == "both" {
        lock(&state.clients).ring(sid);
    }
    if mode == "on" || mode == "both" {
        let text = match (current, index) {
            (true, _) | (false, None) => format!("{kind} in current window"),
            (false, Some(i)) => format!("{kind} in window {i}"),
        };
        // tmux: 0 shows the message until a key is pressed; here until another replaces it.
        let shown = if ms == 0 { MESSAGE_FOREVER_MS } else { ms };
        let until = std::time::Instant::now() + Duration::from_millis(shown);
        lock(&state.messages).insert(sid, (text, until));
        if ms != 0 {
            let weak = Arc::downgrade(state);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(shown)).await;
                if let Some(st) = weak.upgrade() {
                    st.bump_model();
                }
            });
        }
    }
    state.bump_model();
}
