//! Per-pane history (scrollback) kept outside vt100, in a compact block store.
//!
//! The parser runs with `scrollback_capacity = 0`; every row pushed off the top of the main
//! screen arrives through `Callbacks::on_scroll` and is stored here as one line in the vt100
//! fork's compact form (`RowContents::write_compact`: the cells' UTF-8 text, a zero byte per
//! blank cell before the last non-blank one, and a token plus a few bytes where attributes
//! change). Copying a row that way is cheap; it is turned into "basic formatted" text (UTF-8
//! with SGR sequences where attributes change, each line starting from default attributes;
//! `vt100::capture::compact_to_formatted`) or plain text only when someone reads the line.
//! Rows leaving the alternate screen are not kept (tmux does the same).
//!
//! Layout: lines are appended to text blocks of up to [`BLOCK_BYTES`] of text and
//! [`BLOCK_LINES`] lines; each line costs its text plus a 4-byte end offset and an 8-byte change
//! sequence number, with no allocation per line. The oldest lines are dropped from the front
//! block; a block is freed once all its lines are gone. Both caps matter: blank lines add no
//! text, so without the line cap a block of them would never fill, never be freed, and its
//! offset arrays would grow for ever. The heap is thus at most about
//! `(limit + 2 * BLOCK_LINES) * (12 + longest line)` bytes, proportional to the limit.

use std::collections::VecDeque;

/// Target size of one text block, bytes.
pub const BLOCK_BYTES: usize = 64 * 1024;
/// Most lines in one block.
pub const BLOCK_LINES: usize = 1024;

/// Flag bit in a line's sequence number: the line was soft-wrapped.
const WRAPPED: u64 = 1 << 63;
/// Bits 48..63 of a line's sequence number: the cells the row used (up to 32,767; window
/// edges are at most 10,000), for reflow.
const USED_SHIFT: u32 = 48;
const USED_MASK: u64 = 0x7fff << USED_SHIFT;
/// The sequence number proper.
const SEQ_MASK: u64 = (1 << USED_SHIFT) - 1;

#[derive(Debug, Default)]
struct Block {
    /// The lines' compact forms, one after the other.
    text: Vec<u8>,
    /// End offset in `text` of each line.
    ends: Vec<u32>,
    /// Output sequence number at which each line last changed while on screen (48 bits);
    /// the top bit ([`WRAPPED`]) marks a line that was soft-wrapped (continued on the next
    /// line) and bits 48..63 hold the cells it used.
    seqs: Vec<u64>,
    /// Lines at the front already dropped.
    dropped: usize,
}

impl Block {
    fn live(&self) -> usize {
        self.ends.len() - self.dropped
    }

    fn line(&self, k: usize) -> &[u8] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.seqs.capacity() * 8
    }
}

/// A bounded FIFO of history lines, oldest first.
#[derive(Debug)]
pub struct History {
    blocks: VecDeque<Block>,
    limit: usize,
    len: usize,
    /// Lines ever pushed (the absolute number of the next line).
    total: u64,
    /// Where [`History::push_with`] has a line written.
    scratch: Vec<u8>,
}

impl History {
    /// An empty history keeping at most `limit` lines.
    pub fn new(limit: usize) -> Self {
        Self {
            blocks: VecDeque::new(),
            limit,
            len: 0,
            total: 0,
            scratch: Vec::new(),
        }
    }

    /// Appends one line (compact form) that last changed at output sequence number `seq`,
    /// dropping the oldest beyond the limit.
    pub fn push(&mut self, compact: &[u8], seq: u64) {
        self.push_line(compact, seq, false, 0);
    }

    /// Appends one line (compact form) as [`History::push`], remembering whether it was
    /// soft-wrapped (continued on the next line) and how many cells it used (for reflow).
    pub fn push_line(&mut self, compact: &[u8], seq: u64, wrapped: bool, used: u16) {
        if self.limit == 0 {
            return;
        }
        let full = self.blocks.back().is_none_or(|b| {
            !b.ends.is_empty()
                && (b.text.len() + compact.len() > BLOCK_BYTES || b.ends.len() >= BLOCK_LINES)
        });
        if full {
            self.blocks.push_back(Block::default());
        }
        let b = self.blocks.back_mut().expect("a block");
        b.text.extend_from_slice(compact);
        b.ends.push(b.text.len() as u32);
        b.seqs.push(
            (seq & SEQ_MASK)
                | (u64::from(used.min(0x7fff)) << USED_SHIFT)
                | if wrapped { WRAPPED } else { 0 },
        );
        self.len += 1;
        self.total += 1;
        if self.len > self.limit {
            self.drop_oldest();
        }
    }

    fn drop_oldest(&mut self) {
        if let Some(front) = self.blocks.front_mut() {
            front.dropped += 1;
            self.len -= 1;
            if front.live() == 0 {
                self.blocks.pop_front();
            }
        }
    }

    /// Appends one line as [`History::push_line`], its compact form written by `write` (into
    /// a reused buffer first, so that a block never grows past [`BLOCK_BYTES`] for a line
    /// that starts a new one). Does nothing, not even call `write`, with a limit of 0.
    pub fn push_with(
        &mut self,
        seq: u64,
        wrapped: bool,
        used: u16,
        write: impl FnOnce(&mut Vec<u8>),
    ) {
        if self.limit == 0 {
            return;
        }
        let mut line = std::mem::take(&mut self.scratch);
        line.clear();
        write(&mut line);
        self.push_line(&line, seq, wrapped, used);
        self.scratch = line;
    }

    /// Drops every line (`CSI 3 J`, as tmux clears its history).
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.len = 0;
    }

    /// Number of lines held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Lines ever pushed, dropped ones included: line `index` is absolute line
    /// `total() - len() + index`, a number that never changes while the line is kept.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Index (0 = oldest) of the first line that changed after output sequence number `seq`.
    pub fn first_after(&self, seq: u64) -> Option<usize> {
        let mut index = 0;
        for b in &self.blocks {
            if let Some(k) = b.seqs[b.dropped..].iter().position(|&s| s > seq) {
                return Some(index + k);
            }
            index += b.live();
        }
        None
    }

    /// Line limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Heap bytes used by the store (text, offsets, sequence numbers, spare capacity).
    pub fn bytes(&self) -> usize {
        self.blocks.iter().map(Block::heap_bytes).sum::<usize>()
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.scratch.capacity()
    }

    fn locate(&self, mut index: usize) -> Option<(&Block, usize)> {
        if index >= self.len {
            return None;
        }
        for b in &self.blocks {
            if index < b.live() {
                return Some((b, b.dropped + index));
            }
            index -= b.live();
        }
        None
    }

    /// The line at `index` (0 = oldest), compact form.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.locate(index).map(|(b, k)| b.line(k))
    }

    /// Output sequence number at which line `index` last changed.
    pub fn seq(&self, index: usize) -> u64 {
        self.locate(index).map_or(0, |(b, k)| b.seqs[k] & SEQ_MASK)
    }

    /// Cells line `index` used when it left the screen.
    pub fn used(&self, index: usize) -> u16 {
        self.locate(index)
            .map_or(0, |(b, k)| ((b.seqs[k] & USED_MASK) >> USED_SHIFT) as u16)
    }

    /// Whether line `index` was soft-wrapped (continued on the next line).
    pub fn wrapped(&self, index: usize) -> bool {
        self.locate(index)
            .is_some_and(|(b, k)| b.seqs[k] & WRAPPED != 0)
    }

    /// Marks the newest line as not soft-wrapped.
    pub fn unwrap_newest(&mut self) {
        if let Some(seq) = self.blocks.back_mut().and_then(|b| b.seqs.last_mut()) {
            *seq &= !WRAPPED;
        }
    }

    /// Removes the newest line and returns it with its sequence number and wrap flag (a
    /// resize bringing history back onto the screen).
    pub fn pop_newest(&mut self) -> Option<(Vec<u8>, u64, bool, u16)> {
        if self.len == 0 {
            return None;
        }
        let b = self.blocks.back_mut()?;
        let k = b.ends.len() - 1;
        let start = if k == 0 { 0 } else { b.ends[k - 1] as usize };
        let text = b.text[start..].to_vec();
        b.text.truncate(start);
        b.ends.pop();
        let seq = b.seqs.pop().unwrap_or(0);
        self.len -= 1;
        if b.live() == 0 {
            self.blocks.pop_back();
        }
        Some((
            text,
            seq & SEQ_MASK,
            seq & WRAPPED != 0,
            ((seq & USED_MASK) >> USED_SHIFT) as u16,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_drops_oldest() {
        let mut h = History::new(2);
        h.push(b"a", 1);
        h.push(b"bb", 2);
        h.push(b"ccc", 3);
        assert_eq!(h.len(), 2);
        assert_eq!(h.seq(0), 2);
        assert_eq!(h.get(0), Some(&b"bb"[..]));
        assert_eq!(h.get(1), Some(&b"ccc"[..]));
        assert_eq!(h.get(2), None);
        let mut z = History::new(0);
        z.push(b"x", 1);
        assert!(z.is_empty());
    }

    #[test]
    fn many_lines_span_blocks_and_old_blocks_are_freed() {
        let mut h = History::new(10_000);
        for i in 0..50_000u64 {
            h.push(format!("line {i}").as_bytes(), i);
        }
        assert_eq!(h.len(), 10_000);
        assert_eq!(h.get(0), Some(&b"line 40000"[..]));
        assert_eq!(h.seq(0), 40_000);
        assert_eq!(h.get(9_999), Some(&b"line 49999"[..]));
        assert_eq!(h.get(5_000), Some(&b"line 45000"[..]));
        // About 10 bytes of text and 12 of bookkeeping per line, no allocation per line; spare
        // capacity of the growing block and the partly dropped oldest one can double that.
        assert!(h.bytes() < 10_000 * 48, "{} bytes", h.bytes());
        assert_eq!(h.total(), 50_000);
        assert_eq!(h.first_after(45_000), Some(5_001));
        assert_eq!(h.first_after(60_000), None);
        // A line longer than a block gets a block of its own.
        let long = "x".repeat(BLOCK_BYTES + 10);
        h.push(long.as_bytes(), 1);
        h.push(b"after", 2);
        assert_eq!(h.get(h.len() - 2), Some(long.as_bytes()));
        assert_eq!(h.get(h.len() - 1), Some(&b"after"[..]));
    }

    #[test]
    fn blank_lines_free_their_blocks() {
        let mut h = History::new(1_000);
        for i in 0..1_000_000u64 {
            h.push(b"", i);
        }
        assert_eq!(h.len(), 1_000);
        assert_eq!(h.seq(999), 999_999);
        assert!(h.bytes() < 64 * 1024, "{} bytes", h.bytes());
    }
}
