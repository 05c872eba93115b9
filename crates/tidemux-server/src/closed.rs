//! Panes that closed: their last row of `list-panes`, exit status and final screen, kept for a
//! while so that `wait --exit -t %N`, `list-panes --closed` and `read-screen -t %N` still answer
//! after the pane is gone.
//!
//! Bounded by count and by bytes (oldest evicted first): [`DEFAULT_MAX_PANES`] and
//! [`DEFAULT_MAX_BYTES`], or `TIDEMUX_CLOSED_PANES` / `TIDEMUX_CLOSED_BYTES` in the server's
//! environment when it starts (0 keeps nothing).

use crate::pane::Pane;
use std::collections::VecDeque;
use std::sync::{Arc, Weak};
use tidemux_proto::{ExitInfo, PaneId, PaneInfo, RunState, ScreenCapture};

/// Closed panes kept by default.
pub const DEFAULT_MAX_PANES: usize = 100;
/// Bytes of closed-pane records kept by default (screens dominate).
pub const DEFAULT_MAX_BYTES: usize = 4 * 1024 * 1024;
/// History lines kept with a closed pane's final screen.
pub const KEPT_HISTORY_LINES: u32 = 1000;

/// One closed pane.
#[derive(Debug, Clone)]
pub struct ClosedPane {
    /// Its last `list-panes` row (`closed_at` set).
    pub info: PaneInfo,
    /// Its final screen with up to [`KEPT_HISTORY_LINES`] lines of history.
    pub screen: ScreenCapture,
    /// The pane while its process still runs (a killed pane is hung up, its exit comes later).
    pub pane: Weak<Pane>,
    bytes: usize,
}

impl ClosedPane {
    /// A record from the pane's last row and screen.
    pub fn new(mut info: PaneInfo, screen: ScreenCapture, pane: &Arc<Pane>) -> Self {
        info.closed_at = Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        );
        let bytes = Self::size(&info, &screen);
        ClosedPane {
            info,
            screen,
            pane: Arc::downgrade(pane),
            bytes,
        }
    }
}

impl ClosedPane {
    /// Bytes a record counts for (screens dominate).
    fn size(info: &PaneInfo, screen: &ScreenCapture) -> usize {
        512 + info.command.len()
            + info.title.len()
            + screen.lines.iter().map(|l| l.len() + 24).sum::<usize>()
    }
}

/// The closed-pane store.
#[derive(Debug)]
pub struct ClosedPanes {
    list: VecDeque<ClosedPane>,
    bytes: usize,
    max_panes: usize,
    max_bytes: usize,
}

fn env_limit(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Default for ClosedPanes {
    fn default() -> Self {
        Self::with_limits(
            env_limit("TIDEMUX_CLOSED_PANES", DEFAULT_MAX_PANES),
            env_limit("TIDEMUX_CLOSED_BYTES", DEFAULT_MAX_BYTES),
        )
    }
}

impl ClosedPanes {
    /// A store keeping at most `max_panes` records and `max_bytes` bytes.
    pub fn with_limits(max_panes: usize, max_bytes: usize) -> Self {
        ClosedPanes {
            list: VecDeque::new(),
            bytes: 0,
            max_panes,
            max_bytes,
        }
    }

    /// Adds a record, evicting the oldest ones beyond the limits.
    pub fn push(&mut self, c: ClosedPane) {
        self.list.retain(|o| o.info.id != c.info.id);
        self.bytes += c.bytes;
        self.list.push_back(c);
        while self.list.len() > self.max_panes || (self.bytes > self.max_bytes) {
            match self.list.pop_front() {
                Some(old) => self.bytes -= old.bytes,
                None => break,
            }
        }
    }

    /// Records the exit of a pane that closed before its process ended (killed panes).
    pub fn set_exit(&mut self, id: PaneId, exit: &ExitInfo) {
        if let Some(c) = self.list.iter_mut().find(|c| c.info.id == id) {
            c.info.exit = Some(exit.clone());
            c.info.dead = true;
            c.info.pid = None;
            c.info.state = RunState::Exited;
            c.screen.dead = true;
        }
    }

    /// The record of pane `id`.
    pub fn get(&self, id: PaneId) -> Option<&ClosedPane> {
        self.list.iter().find(|c| c.info.id == id)
    }

    /// The newest record of a pane with this name.
    pub fn by_name(&self, name: &str) -> Option<&ClosedPane> {
        self.list
            .iter()
            .rev()
            .find(|c| c.info.name.as_deref() == Some(name))
    }

    /// Finds a record by a target string (`%N` or a pane name).
    pub fn find(&self, target: &str) -> Option<&ClosedPane> {
        match target.parse::<PaneId>() {
            Ok(id) if target.starts_with('%') => self.get(id),
            _ => self.by_name(target),
        }
    }

    /// Every record as its row and final screen, oldest first (a live upgrade carries them,
    /// `crate::upgrade`).
    pub fn export(&self) -> Vec<(PaneInfo, ScreenCapture)> {
        self.list
            .iter()
            .map(|c| (c.info.clone(), c.screen.clone()))
            .collect()
    }

    /// Adds a record exported by [`ClosedPanes::export`] as it was (its `closed_at` kept),
    /// within this store's limits. Its process, if it still ran, is no longer followed.
    pub fn import(&mut self, info: PaneInfo, screen: ScreenCapture) {
        let bytes = ClosedPane::size(&info, &screen);
        self.push(ClosedPane {
            info,
            screen,
            pane: Weak::new(),
            bytes,
        });
    }

    /// Every record, oldest first.
    pub fn infos(&self) -> Vec<PaneInfo> {
        self.list.iter().map(|c| c.info.clone()).collect()
    }
}
