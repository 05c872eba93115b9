//! The monitor task: every [`TICK_MS`] ms it settles each pane's run state (sampling `/proc`
//! only for panes whose screen is quiet, see `pane/status.rs`) and emits coalesced `output`
//! events (at most one per pane per [`OUTPUT_EVENT_MS`] ms).
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

/// Runs until the server stops.
pub async fn run(state: Arc<ServerState>) {
    let mut tick = tokio::time::interval(Duration::from_millis(TICK_MS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
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
        // The monitor is the sync point that keeps `quiet_secs` and the state current. It runs
        // on the async runtime, so it never waits for a pane whose reader is parsing: that
        // pane is busy printing, and the next tick will look again.
        let Some(mut st) = pane.try_state() else {
            return;
        };
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
        let Some(mut st) = pane.try_state() else {
            return;
        };
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
