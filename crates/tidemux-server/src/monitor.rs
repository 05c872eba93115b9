//! The monitor: every [`TICK_MS`] ms it settles each pane's run state (sampling `/proc` only
//! for panes whose screen is quiet, see `pane/status.rs`) and emits coalesced `output` events
//! (at most one per pane per [`OUTPUT_EVENT_MS`] ms). It runs on its own OS thread,
//! `tidemux-monitor`: `/proc` reads and pane locks never occupy a runtime worker.
//!
//! Screen conditions of waits do not depend on this task: they are evaluated by the waiting
//! task whenever the pane's output changes. Only the run state needs sampling, because a
//! process that starts reading its terminal makes no output to react to.

use crate::pane::{proc, Pane};
use crate::registry::event;
use crate::state::ServerState;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tidemux_proto::{EventKind, RunState};

/// Monitor period, ms.
pub const TICK_MS: u64 = 100;
/// Minimum interval between two `output` events of one pane, ms.
pub const OUTPUT_EVENT_MS: u64 = 250;
/// How often a settled quiet pane is re-sampled, ms.
pub const RESAMPLE_MS: u64 = 500;

/// Starts the monitor thread and resolves when the server is asked to stop (the thread ends
/// at its next tick).
pub async fn run(state: Arc<ServerState>) {
    let mut shutdown = state.shutdown_requested();
    let weak = Arc::downgrade(&state);
    drop(state);
    let started = std::thread::Builder::new()
        .name("tidemux-monitor".into())
        .spawn(move || monitor_loop(&weak));
    if let Err(e) = started {
        tracing::error!("cannot start the monitor thread: {e}");
    }
    let _ = shutdown.wait_for(|s| *s).await;
}

fn monitor_loop(weak: &std::sync::Weak<ServerState>) {
    let tick = Duration::from_millis(TICK_MS);
    let mut next = Instant::now() + tick;
    loop {
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        next = (next + tick).max(Instant::now());
        let Some(state) = weak.upgrade() else {
            return;
        };
        if *state.shutdown_requested().borrow() {
            return;
        }
        let panes: Vec<Arc<Pane>> = state
            .registry()
            .panes
            .values()
            .map(|e| Arc::clone(&e.pane))
            .collect();
        for pane in panes {
            check(&state, &pane);
        }
    }
}

fn check(state: &ServerState, pane: &Pane) {
    let now = Instant::now();
    let (quiet, exited, unsettled, sampled_at, quiet_for, marked_prompt) = {
        // The monitor is the sync point that keeps `quiet_secs` and the state current. It has
        // its own thread, so it may wait for a reader's parse slice (about a millisecond).
        let mut st = pane.state();
        st.screen.sync();
        let changed_at = st.screen.changed_at();
        st.run.note_change(changed_at);
        (
            now.duration_since(changed_at),
            st.exit.is_some(),
            st.run.unsettled(),
            st.sampled_at,
            st.run.quiet_needed(now),
            st.screen.marks().at_prompt,
        )
    };
    let resample =
        unsettled || now.duration_since(sampled_at) >= Duration::from_millis(RESAMPLE_MS);
    let sample = (!exited && quiet >= quiet_for && resample).then(|| {
        pane.foreground_pid()
            .or(pane.pid)
            .map(proc::sample_group)
            .unwrap_or_default()
    });
    let mut events = Vec::new();
    {
        let mut st = pane.state();
        let candidate = if exited {
            Some((RunState::Exited, true))
        } else if quiet < quiet_for {
            Some((RunState::Running, true))
        } else if let Some(s) = &sample {
            st.sampled_at = now;
            Some(if s.on_cpu {
                (RunState::Running, false)
            } else if s.reading_tty {
                // The pane's own shell reading its terminal, or OSC 133 marks, mean a prompt.
                let shell = s
                    .reader
                    .as_ref()
                    .is_some_and(|r| Some(r.pid) == pane.pid && proc::is_shell(&r.name));
                if shell || marked_prompt {
                    (RunState::AtPrompt, false)
                } else {
                    (RunState::WaitingInput, false)
                }
            } else {
                (RunState::Idle, false)
            })
        } else {
            None
        };
        let seq = st.seq;
        if let Some((prev, new)) = candidate.and_then(|(c, imm)| st.run.observe(c, imm, seq)) {
            events.push((EventKind::StateChanged, Some(prev), Some(new), None));
        }
        if st.seq != st.output_event.0
            && now.duration_since(st.output_event.1) >= Duration::from_millis(OUTPUT_EVENT_MS)
        {
            st.output_event = (st.seq, now);
            events.push((EventKind::Output, None, None, Some(st.seq)));
        }
    }
    if events.iter().any(|e| e.0 == EventKind::StateChanged) {
        pane.notify_watchers();
    }
    if events.is_empty() {
        return;
    }
    let (s, w) = state.registry().owners(pane.id);
    for (kind, prev, new, seq) in events {
        let mut e = event(kind, s, w, Some(pane.id));
        e.previous_state = prev;
        e.state = new;
        e.output_seq = seq;
        state.events.publish(e);
    }
}
