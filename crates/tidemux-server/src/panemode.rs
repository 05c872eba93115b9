//! Pane modes, disabled input and popups as tmux 3.3a keeps them on the server (issue 12).
//!
//! - **Modes** (tmux `window_pane_set_mode`, window.c): each pane has a stack of modes,
//!   `copy-mode`, `view-mode`, `clock-mode`, `tree-mode` (`choose-tree`, `find-window`),
//!   `buffer-mode` (`choose-buffer`), `client-mode` (`choose-client`) and `options-mode`
//!   (`customize-mode`). Entering the mode already on top changes nothing; entering one
//!   further down the stack brings it to the top; `copy-mode -q` empties the stack and
//!   `send-keys -X cancel` (or a key bound to it) pops the top mode. `#{pane_in_mode}` is the
//!   depth of the stack (tmux prints the count, `2` with two modes) and `#{pane_mode}` the
//!   top mode's name. Keys sent with `send-keys` to a pane in a mode do not reach its
//!   program: see [`crate::lang::exec`]. tidemux's attach client keeps its own copy mode
//!   and chooser (client side); these server-side modes are what tmux commands and formats
//!   see (docs/tmux-compat.md).
//! - **Input off** (`select-pane -d` / `-e`, tmux `PANE_INPUTOFF`): keys sent to the pane and
//!   typed by attached clients are dropped; `#{pane_input_off}`.
//! - **Popups** (`display-popup`, tmux cmd-display-menu.c): one per client; the command runs
//!   without a terminal (tidemux draws no popup) and the record ends when it exits or with
//!   `display-popup -C`.
//!
//! The lock of [`PaneModes`] is a leaf: nothing else is locked while it is held. Records of
//! panes that closed are dropped on the next change (pane ids are never reused).

use std::collections::{HashMap, HashSet};
use tidemux_proto::PaneId;

/// A pane mode (tmux's `struct window_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `copy-mode` (window-copy.c).
    Copy,
    /// `view-mode`: copy mode showing command output (window-copy.c).
    View,
    /// `clock-mode` (window-clock.c).
    Clock,
    /// `choose-tree`, `find-window` (window-tree.c).
    Tree,
    /// `choose-buffer` (window-buffer.c).
    Buffer,
    /// `choose-client` (window-client.c).
    Client,
    /// `customize-mode` (window-customize.c).
    Options,
}

impl Mode {
    /// tmux's name of the mode (`#{pane_mode}`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Copy => "copy-mode",
            Mode::View => "view-mode",
            Mode::Clock => "clock-mode",
            Mode::Tree => "tree-mode",
            Mode::Buffer => "buffer-mode",
            Mode::Client => "client-mode",
            Mode::Options => "options-mode",
        }
    }

    /// Whether the mode takes `send-keys -X` commands and looks keys up in a key table
    /// (`copy-mode` / `copy-mode-vi`): only copy and view mode, as in tmux.
    pub fn has_commands(self) -> bool {
        matches!(self, Mode::Copy | Mode::View)
    }
}

/// A running popup (`display-popup`) of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Popup {
    /// The process running the popup's command.
    pub pid: u32,
    /// Tells records apart when a client opens another popup after one ended.
    pub serial: u64,
}

/// Modes, disabled input and popups of every pane and client (see the module docs).
#[derive(Debug, Default)]
pub struct PaneModes {
    /// The stack of modes of each pane, the top mode last. At most one entry per [`Mode`].
    stacks: HashMap<PaneId, Vec<Mode>>,
    /// Panes whose input is off (`select-pane -d`).
    input_off: HashSet<PaneId>,
    /// The popup of each client (attached-client id).
    popups: HashMap<u32, Popup>,
    serial: u64,
}

/// What [`PaneModes::set`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// The mode was already on top: nothing changed (tmux returns 1).
    Unchanged,
    /// The mode is now on top.
    Entered,
}

impl PaneModes {
    /// Drops records of panes for which `live` is false.
    pub fn retain(&mut self, live: impl Fn(PaneId) -> bool) {
        self.stacks.retain(|p, _| live(*p));
        self.input_off.retain(|p| live(*p));
    }

    /// tmux `window_pane_set_mode`: puts `mode` on top of the pane's stack.
    pub fn set(&mut self, pane: PaneId, mode: Mode) -> Set {
        let stack = self.stacks.entry(pane).or_default();
        if stack.last() == Some(&mode) {
            return Set::Unchanged;
        }
        stack.retain(|m| *m != mode);
        stack.push(mode);
        Set::Entered
    }

    /// tmux `window_pane_reset_mode`: leaves the top mode; false when not in a mode.
    pub fn reset(&mut self, pane: PaneId) -> bool {
        let Some(stack) = self.stacks.get_mut(&pane) else {
            return false;
        };
        let popped = stack.pop().is_some();
        if stack.is_empty() {
            self.stacks.remove(&pane);
        }
        popped
    }

    /// tmux `window_pane_reset_mode_all`: leaves every mode; how many it left (tmux leaves
    /// them one by one, each a `pane-mode-changed`).
    pub fn reset_all(&mut self, pane: PaneId) -> usize {
        self.stacks.remove(&pane).map_or(0, |s| s.len())
    }

    /// The pane's top mode.
    pub fn top(&self, pane: PaneId) -> Option<Mode> {
        self.stacks.get(&pane).and_then(|s| s.last().copied())
    }

    /// How many modes the pane is in (`#{pane_in_mode}`).
    pub fn depth(&self, pane: PaneId) -> usize {
        self.stacks.get(&pane).map_or(0, Vec::len)
    }

    /// `select-pane -d` (true) / `-e` (false).
    pub fn set_input_off(&mut self, pane: PaneId, off: bool) {
        if off {
            self.input_off.insert(pane);
        } else {
            self.input_off.remove(&pane);
        }
    }

    /// Whether the pane's input is off (`#{pane_input_off}`).
    pub fn input_off(&self, pane: PaneId) -> bool {
        self.input_off.contains(&pane)
    }

    /// The popup of client `client`.
    pub fn popup(&self, client: u32) -> Option<Popup> {
        self.popups.get(&client).copied()
    }

    /// How many popups are open.
    pub fn popups(&self) -> usize {
        self.popups.len()
    }

    /// Records the popup of `client` running as process `pid`; returns its record.
    pub fn open_popup(&mut self, client: u32, pid: u32) -> Popup {
        self.serial += 1;
        let p = Popup {
            pid,
            serial: self.serial,
        };
        self.popups.insert(client, p);
        p
    }

    /// Forgets the popup of `client` if it is still `popup`; true if it was.
    pub fn close_popup(&mut self, client: u32, popup: Popup) -> bool {
        if self.popups.get(&client) == Some(&popup) {
            self.popups.remove(&client);
            true
        } else {
            false
        }
    }

    /// Forgets the popup of `client` (`display-popup -C`), returning it.
    pub fn take_popup(&mut self, client: u32) -> Option<Popup> {
        self.popups.remove(&client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_stack_like_tmux() {
        let mut m = PaneModes::default();
        let p = PaneId(1);
        assert_eq!(m.set(p, Mode::Copy), Set::Entered);
        assert_eq!(m.set(p, Mode::Copy), Set::Unchanged);
        assert_eq!(m.set(p, Mode::Clock), Set::Entered);
        assert_eq!((m.depth(p), m.top(p)), (2, Some(Mode::Clock)));
        // Entering a mode further down brings it to the top without a second entry.
        assert_eq!(m.set(p, Mode::Copy), Set::Entered);
        assert_eq!((m.depth(p), m.top(p)), (2, Some(Mode::Copy)));
        assert!(m.reset(p));
        assert_eq!((m.depth(p), m.top(p)), (1, Some(Mode::Clock)));
        m.set(p, Mode::Tree);
        assert_eq!(m.reset_all(p), 2);
        assert_eq!((m.depth(p), m.top(p)), (0, None));
        assert!(!m.reset(p));
    }

    #[test]
    fn closed_panes_are_forgotten() {
        let mut m = PaneModes::default();
        m.set(PaneId(1), Mode::Tree);
        m.set_input_off(PaneId(2), true);
        m.retain(|p| p == PaneId(3));
        assert_eq!(m.depth(PaneId(1)), 0);
        assert!(!m.input_off(PaneId(2)));
    }

    #[test]
    fn popups_end_once() {
        let mut m = PaneModes::default();
        let a = m.open_popup(7, 100);
        assert_eq!(m.popup(7), Some(a));
        let b = m.open_popup(7, 101);
        assert!(!m.close_popup(7, a));
        assert!(m.close_popup(7, b));
        assert_eq!(m.popup(7), None);
    }
}
