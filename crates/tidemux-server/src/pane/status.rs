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

use tidemux_proto::RunState;

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
}

impl Default for RunTracker {
    fn default() -> Self {
        Self {
            state: RunState::Running,
            pending: None,
            entered_seq: 0,
        }
    }
}

impl RunTracker {
    /// The current (confirmed) state.
    pub fn state(&self) -> RunState {
        self.state
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
            let prev = self.state;
            self.state = candidate;
            self.pending = None;
            self.entered_seq = seq;
            Some((prev, candidate))
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
}
