//! The run state of a pane, with hysteresis so it does not flap.
//!
//! Every sample yields a candidate state:
//! - `exited` once the process exited;
//! - `running` if the rendered screen changed in the last [`QUIET_MS`] ms, or the foreground
//!   process is on a CPU;
//! - `waiting-input` if the screen is quiet and the foreground process is blocked reading the
//!   terminal (see [`super::proc`]);
//! - `idle` otherwise (quiet and sleeping on something else: a timer, a child, the network).
//!
//! Hysteresis: a screen change (`running`) and an exit take effect at once; every other change
//! must be seen in [`CONFIRM`] consecutive samples. A spinner redrawing every 100 ms therefore
//! stays `running`; a program that sits at its prompt becomes `waiting-input` after about
//! `QUIET_MS` + one sample interval.
//!
//! Hysteresis on the rate of content changes: the quiet time needed to leave `running` is not
//! fixed. When the recent changes (at most [`RATE_SAMPLES`], within [`RATE_WINDOW_MS`]) come at a
//! steady period of at most [`PERIODIC_MAX_MS`], the quiet time is 1.5 x the longest recent gap
//! plus 250 ms (between `QUIET_MS` and [`QUIET_MAX_MS`]). A program that redraws a clock once a
//! second therefore stays `running` instead of flapping `idle`/`running` every second; once it
//! stops redrawing, it leaves `running` after about 1.75 s.
//!
//! A program may report its own state (`tidemux status --set STATE [--message M]` or the
//! `OSC 7734` sequence, see `docs/cli.md`). The report overrides the inferred state until it is
//! replaced or cleared, input is sent to the pane (`send`, `send-key`), or the process exits.

use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tidemux_proto::RunState;

/// Recent content changes remembered for the rate hysteresis.
pub const RATE_SAMPLES: usize = 8;
/// Only changes this recent count for the rate hysteresis, ms.
pub const RATE_WINDOW_MS: u64 = 10_000;
/// Longest gap between changes still treated as a steady redraw, ms.
pub const PERIODIC_MAX_MS: u64 = 2_500;
/// Longest quiet time ever needed to leave `running`, ms.
pub const QUIET_MAX_MS: u64 = 4_000;

/// Screen quiet time before a pane can leave `running`, ms.
pub const QUIET_MS: u64 = 500;
/// Consecutive samples needed for a transition that is not immediate.
pub const CONFIRM: u8 = 2;

/// Tracks a pane's state.
#[derive(Debug, Clone)]
pub struct RunTracker {
    state: RunState,
    pending: Option<(RunState, u8)>,
    entered_seq: u64,
    reported: Option<(RunState, Option<String>)>,
    changes: VecDeque<Instant>,
}

impl Default for RunTracker {
    fn default() -> Self {
        Self {
            state: RunState::Running,
            pending: None,
            entered_seq: 0,
            reported: None,
            changes: VecDeque::new(),
        }
    }
}

impl RunTracker {
    /// The current state: the program's own report if any (until it exits), else the
    /// confirmed inferred state.
    pub fn state(&self) -> RunState {
        match &self.reported {
            Some((s, _)) if self.state != RunState::Exited => *s,
            _ => self.state,
        }
    }

    /// The inferred (confirmed) state, ignoring any report.
    pub fn inferred(&self) -> RunState {
        self.state
    }

    /// The message of the program's own report.
    pub fn reported_message(&self) -> Option<&str> {
        self.reported.as_ref().and_then(|(_, m)| m.as_deref())
    }

    /// Sets (`Some`) or clears (`None`) the program's own report at output sequence number
    /// `seq`. Returns `(previous, new)` when the visible state changed.
    pub fn report(
        &mut self,
        state: Option<RunState>,
        message: Option<String>,
        seq: u64,
    ) -> Option<(RunState, RunState)> {
        let prev = self.state();
        self.reported = state.map(|s| (s, message));
        let new = self.state();
        (prev != new).then(|| {
            self.entered_seq = seq;
            (prev, new)
        })
    }

    /// Remembers a content change seen at `at` (called at every sync point; repeats ignored).
    pub fn note_change(&mut self, at: Instant) {
        if self.changes.back() == Some(&at) {
            return;
        }
        if self.changes.len() == RATE_SAMPLES {
            self.changes.pop_front();
        }
        self.changes.push_back(at);
    }

    /// Quiet time needed at `now` before the pane can leave `running` (see the module docs).
    pub fn quiet_needed(&self, now: Instant) -> Duration {
        let base = Duration::from_millis(QUIET_MS);
        let window = Duration::from_millis(RATE_WINDOW_MS);
        let recent: Vec<Instant> = self
            .changes
            .iter()
            .copied()
            .filter(|t| now.saturating_duration_since(*t) <= window)
            .collect();
        if recent.len() < 2 {
            return base;
        }
        let max_gap = recent
            .windows(2)
            .map(|w| w[1].saturating_duration_since(w[0]))
            .max()
            .unwrap_or_default();
        if max_gap > Duration::from_millis(PERIODIC_MAX_MS) {
            return base;
        }
        (max_gap * 3 / 2 + Duration::from_millis(250))
            .clamp(base, Duration::from_millis(QUIET_MAX_MS))
    }

    /// Output sequence number of the pane when the current state was entered (so that
    /// `wait --state S --since SEQ` only accepts a state entered after SEQ).
    pub fn entered_seq(&self) -> u64 {
        self.entered_seq
    }

    /// Feeds one candidate seen at output sequence number `seq`; `immediate` skips
    /// confirmation. Returns `(previous, new)` on a transition.
    pub fn observe(
        &mut self,
        candidate: RunState,
        immediate: bool,
        seq: u64,
    ) -> Option<(RunState, RunState)> {
        if candidate == self.state {
            self.pending = None;
            return None;
        }
        let count = match self.pending {
            Some((c, n)) if c == candidate => n + 1,
            _ => 1,
        };
        if immediate || count >= CONFIRM {
            let prev = self.state();
            self.state = candidate;
            self.pending = None;
            if candidate == RunState::Exited {
                self.reported = None;
            }
            let new = self.state();
            (prev != new).then(|| {
                self.entered_seq = seq;
                (prev, new)
            })
        } else {
            self.pending = Some((candidate, count));
            None
        }
    }

    /// Whether a transition is pending confirmation.
    pub fn unsettled(&self) -> bool {
        self.pending.is_some() || self.state == RunState::Running
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RunState::*;

    #[test]
    fn needs_confirmation_except_running_on_change_and_exit() {
        let mut t = RunTracker::default();
        assert_eq!(t.observe(WaitingInput, false, 0), None);
        assert_eq!(t.observe(Idle, false, 0), None); // a different candidate restarts the count
        assert_eq!(t.observe(Idle, false, 0), Some((Running, Idle)));
        assert_eq!(t.observe(Running, true, 0), Some((Idle, Running)));
        assert_eq!(t.observe(WaitingInput, false, 0), None);
        assert_eq!(t.observe(Running, false, 0), None); // back to current: pending cleared
        assert_eq!(t.observe(WaitingInput, false, 0), None);
        assert_eq!(
            t.observe(WaitingInput, false, 0),
            Some((Running, WaitingInput))
        );
        assert_eq!(t.observe(Exited, true, 0), Some((WaitingInput, Exited)));
    }

    #[test]
    fn report_overrides_inference_until_cleared_or_exit() {
        let mut t = RunTracker::default();
        assert_eq!(
            t.report(Some(Blocked), Some("needs approval".into()), 5),
            Some((Running, Blocked))
        );
        assert_eq!(t.reported_message(), Some("needs approval"));
        assert_eq!(t.entered_seq(), 5);
        // Inferred transitions are tracked but hidden.
        assert_eq!(t.observe(Idle, true, 6), None);
        assert_eq!(t.state(), Blocked);
        assert_eq!(t.report(None, None, 7), Some((Blocked, Idle)));
        t.report(Some(Done), None, 8);
        assert_eq!(t.observe(Exited, true, 9), Some((Done, Exited)));
        assert_eq!(t.reported_message(), None);
    }

    #[test]
    fn steady_redraws_lengthen_the_quiet_time() {
        let mut t = RunTracker::default();
        let t0 = Instant::now();
        assert_eq!(t.quiet_needed(t0), Duration::from_millis(QUIET_MS));
        for i in 0..4 {
            t.note_change(t0 + Duration::from_secs(i));
        }
        let now = t0 + Duration::from_millis(3_600);
        assert_eq!(t.quiet_needed(now), Duration::from_millis(1_750));
        // Changes far apart are not a steady redraw.
        let mut t = RunTracker::default();
        t.note_change(t0);
        t.note_change(t0 + Duration::from_secs(5));
        assert_eq!(
            t.quiet_needed(t0 + Duration::from_secs(6)),
            Duration::from_millis(QUIET_MS)
        );
        // Old changes fall out of the window.
        let mut t = RunTracker::default();
        for i in 0..4 {
            t.note_change(t0 + Duration::from_secs(i));
        }
        assert_eq!(
            t.quiet_needed(t0 + Duration::from_secs(30)),
            Duration::from_millis(QUIET_MS)
        );
    }
}
