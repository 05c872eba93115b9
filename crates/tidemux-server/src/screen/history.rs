//! Per-pane history (scrollback) kept outside vt100.
//!
//! The parser runs with `scrollback_capacity = 0`; every row pushed off the top of the main
//! screen arrives through `Callbacks::on_scroll` and is stored here as one line of vt100's
//! "basic formatted" text (UTF-8 with SGR sequences only where attributes change, each line
//! starting from default attributes). Rows leaving the alternate screen are not kept (tmux does
//! the same).

use std::collections::VecDeque;

/// A bounded FIFO of history lines, oldest first.
#[derive(Debug)]
pub struct History {
    lines: VecDeque<Box<str>>,
    /// Output sequence number at which each line last changed while on screen.
    seqs: VecDeque<u64>,
    limit: usize,
    bytes: usize,
}

impl History {
    /// An empty history keeping at most `limit` lines.
    pub fn new(limit: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            seqs: VecDeque::new(),
            limit,
            bytes: 0,
        }
    }

    /// Appends one formatted line that last changed at output sequence number `seq`,
    /// dropping the oldest beyond the limit.
    pub fn push(&mut self, formatted: &str, seq: u64) {
        if self.limit == 0 {
            return;
        }
        if self.lines.len() == self.limit {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= old.len();
            }
            self.seqs.pop_front();
        }
        self.bytes += formatted.len();
        self.lines.push_back(formatted.into());
        self.seqs.push_back(seq);
    }

    /// Output sequence number at which line `index` last changed.
    pub fn seq(&self, index: usize) -> u64 {
        self.seqs.get(index).copied().unwrap_or(0)
    }

    /// Number of lines held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Approximate heap bytes used: text plus one boxed-str header per line.
    pub fn bytes(&self) -> usize {
        self.bytes
            + self.lines.len() * (std::mem::size_of::<Box<str>>() + std::mem::size_of::<u64>())
    }

    /// The formatted line at `index` (0 = oldest).
    pub fn get(&self, index: usize) -> Option<&str> {
        self.lines.get(index).map(|l| &**l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_drops_oldest() {
        let mut h = History::new(2);
        h.push("a", 1);
        h.push("bb", 2);
        h.push("ccc", 3);
        assert_eq!(h.seq(0), 2);
        assert_eq!(h.len(), 2);
        assert_eq!(h.get(0), Some("bb"));
        assert_eq!(h.get(1), Some("ccc"));
        let mut z = History::new(0);
        z.push("x", 1);
        assert!(z.is_empty());
    }
}
