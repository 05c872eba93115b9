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
//! Layout: lines are appended to text blocks of up to [`BLOCK_BYTES`] bytes (allocated at that
//! size up front, so a block never reallocates while it fills, and trimmed to its use when
//! the next block starts). Each line is stored as a header and its compact form: a varint of
//! `used << 1 | wrapped` (the cells the row used, for reflow, and whether it was
//! soft-wrapped), then a zigzag varint of the line's change sequence number minus the
//! block's first one (lines leaving the screen together carry nearby numbers: usually one
//! or two bytes), then the compact text. A 2-byte end offset per line gives direct access
//! to line `k` of a block; a block knows the absolute number of its first line, so finding
//! the block of a line is a binary search. A short line (`seq` output: "12000") costs its
//! text plus about 5 bytes, with no allocation per line. The oldest lines are dropped from
//! the front block; a block is freed once all its lines are gone. A line longer than a
//! block gets a block of its own. The heap is thus at most about `limit` lines plus two
//! blocks, proportional to the limit.

use std::collections::VecDeque;

/// Size of one text block, bytes (a line longer than this gets a block of its own).
pub const BLOCK_BYTES: usize = 8 * 1024;

/// Most cells a line records as used (window edges are at most 10,000).
const MAX_USED: u16 = 0x7fff;

/// Appends `v` as a LEB128 varint (7 bits a byte, low bits first).
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at the start of `b`: (value, bytes read).
fn get_varint(b: &[u8]) -> (u64, usize) {
    let mut v = 0u64;
    for (i, &x) in b.iter().enumerate().take(10) {
        v |= u64::from(x & 0x7f) << (7 * i);
        if x & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    (v, b.len().min(10))
}

/// A decoded line header.
#[derive(Clone, Copy)]
struct Header {
    seq: u64,
    wrapped: bool,
    used: u16,
    /// Offset of the compact text in the line's bytes.
    text: usize,
}

#[derive(Debug, Default)]
struct Block {
    /// The lines (header and compact form), one after the other.
    text: Vec<u8>,
    /// End offset in `text` of each line (for a block holding one line longer than
    /// `u16::MAX` bytes, unused: its line ends at the end of `text`).
    ends: Vec<u16>,
    /// Change sequence number of the block's first line; lines store theirs relative to it.
    base: u64,
    /// Absolute number (see [`History::total`]) of the block's first line, dropped or not.
    first: u64,
    /// Lines at the front already dropped.
    dropped: usize,
}

impl Block {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn live(&self) -> usize {
        self.count() - self.dropped
    }

    /// The stored bytes of line `k` (header and compact form).
    fn raw(&self, k: usize) -> &[u8] {
        let start = if k == 0 {
            0
        } else {
            usize::from(self.ends[k - 1])
        };
        let end = if self.text.len() > usize::from(u16::MAX) {
            self.text.len()
        } else {
            usize::from(self.ends[k])
        };
        &self.text[start..end]
    }

    fn header(&self, k: usize) -> Header {
        let raw = self.raw(k);
        let (flags, a) = get_varint(raw);
        let (zz, b) = get_varint(&raw[a..]);
        let delta = ((zz >> 1) as i64) ^ -((zz & 1) as i64);
        Header {
            seq: self.base.wrapping_add_signed(delta),
            wrapped: flags & 1 != 0,
            used: (flags >> 1).min(u64::from(MAX_USED)) as u16,
            text: a + b,
        }
    }

    fn line(&self, k: usize) -> &[u8] {
        let h = self.header(k);
        &self.raw(k)[h.text..]
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 2
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
    /// The store's own number for the next line (blocks number their lines with it): as
    /// `total`, but a line taken back by [`History::pop_newest`] gives its number back.
    next: u64,
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
            next: 0,
            scratch: Vec::new(),
        }
    }

    /// Appends one line (compact form) that last changed at output sequence number `seq`,
    /// dropping the oldest beyond the limit.
    pub fn push(&mut self, compact: &[u8], seq: u64) {
        self.push_line(compact, seq, false, 0);
    }

    /// Appends one line (compact form) as [`History::push`], remembering whether it was
    /// soft-wrapped (continued on the next line) and how many cells it used (for reflow; at
    /// most 32,767 are recorded).
    pub fn push_line(&mut self, compact: &[u8], seq: u64, wrapped: bool, used: u16) {
        if self.limit == 0 {
            return;
        }
        // Header at most 3 + 10 bytes.
        let need = compact.len() + 13;
        let fits = self.blocks.back().is_some_and(|b| {
            b.text.len() + need <= BLOCK_BYTES && b.count() < usize::from(u16::MAX)
        });
        if !fits {
            if let Some(b) = self.blocks.back_mut() {
                b.text.shrink_to_fit();
                b.ends.shrink_to_fit();
            }
            self.blocks.push_back(Block {
                text: Vec::with_capacity(need.max(BLOCK_BYTES)),
                ends: Vec::new(),
                base: seq,
                first: self.next,
                dropped: 0,
            });
        }
        let b = self.blocks.back_mut().expect("a block");
        put_varint(
            &mut b.text,
            u64::from(used.min(MAX_USED)) << 1 | u64::from(wrapped),
        );
        let delta = seq.wrapping_sub(b.base) as i64;
        put_varint(&mut b.text, ((delta << 1) ^ (delta >> 63)) as u64);
        b.text.extend_from_slice(compact);
        // Only a block holding one oversized line has an end past u16::MAX (see `raw`).
        b.ends.push(u16::try_from(b.text.len()).unwrap_or(u16::MAX));
        self.len += 1;
        self.total += 1;
        self.next += 1;
        if self.len > self.limit {
            self.drop_oldest();
        }
    }

    /// Appends `count` lines of plain text, as [`History::push_line`] would one by one with
    /// each line's text as its compact form (printable ASCII, default attributes), `seq`, not
    /// wrapped and its length as cells used. When they are at least as many as the limit,
    /// the lines held now and the first of these would be dropped as soon as pushed: they
    /// are skipped (counted as pushed and dropped), and only the last `limit` are stored.
    pub fn push_plain_lines<'a>(
        &mut self,
        seq: u64,
        count: usize,
        lines: impl Iterator<Item = &'a [u8]>,
    ) {
        if self.limit == 0 {
            return;
        }
        let mut lines = lines;
        if count >= self.limit {
            let skip = count - self.limit;
            self.blocks.clear();
            self.len = 0;
            self.total += skip as u64;
            self.next += skip as u64;
            if skip > 0 {
                lines.nth(skip - 1);
            }
        }
        for text in lines {
            let used = u16::try_from(text.len()).unwrap_or(u16::MAX);
            self.push_line(text, seq, false, used);
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
    /// a reused buffer first, so that the line's size is known before it is stored). Does
    /// nothing, not even call `write`, with a limit of 0.
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
            if let Some(k) = (b.dropped..b.count()).position(|k| b.header(k).seq > seq) {
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

    /// Heap bytes used by the store (text, offsets, spare capacity).
    pub fn bytes(&self) -> usize {
        self.blocks.iter().map(Block::heap_bytes).sum::<usize>()
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.scratch.capacity()
    }

    /// The block holding line `index` (0 = oldest) and the line's place in it.
    fn locate(&self, index: usize) -> Option<(&Block, usize)> {
        if index >= self.len {
            return None;
        }
        let abs = self.next - self.len as u64 + index as u64;
        let i = self
            .blocks
            .partition_point(|b| b.first + b.count() as u64 <= abs);
        let b = self.blocks.get(i)?;
        Some((b, (abs - b.first) as usize))
    }

    /// The line at `index` (0 = oldest), compact form.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.locate(index).map(|(b, k)| b.line(k))
    }

    /// Output sequence number at which line `index` last changed.
    pub fn seq(&self, index: usize) -> u64 {
        self.locate(index).map_or(0, |(b, k)| b.header(k).seq)
    }

    /// Cells line `index` used when it left the screen.
    pub fn used(&self, index: usize) -> u16 {
        self.locate(index).map_or(0, |(b, k)| b.header(k).used)
    }

    /// Whether line `index` was soft-wrapped (continued on the next line).
    pub fn wrapped(&self, index: usize) -> bool {
        self.locate(index).is_some_and(|(b, k)| b.header(k).wrapped)
    }

    /// Marks the newest line as not soft-wrapped.
    pub fn unwrap_newest(&mut self) {
        if self.len == 0 {
            return;
        }
        if let Some(b) = self.blocks.back_mut() {
            let k = b.count() - 1;
            let start = if k == 0 {
                0
            } else {
                usize::from(b.ends[k - 1])
            };
            // The flag is the low bit of the header's first byte.
            if let Some(first) = b.text.get_mut(start) {
                *first &= !1;
            }
        }
    }

    /// Removes the newest line and returns it with its sequence number, wrap flag and used
    /// cells (a resize bringing history back onto the screen).
    pub fn pop_newest(&mut self) -> Option<(Vec<u8>, u64, bool, u16)> {
        if self.len == 0 {
            return None;
        }
        let b = self.blocks.back_mut()?;
        let k = b.count() - 1;
        let h = b.header(k);
        let start = if k == 0 {
            0
        } else {
            usize::from(b.ends[k - 1])
        };
        let text = b.text[start + h.text..].to_vec();
        b.text.truncate(start);
        b.ends.pop();
        self.len -= 1;
        self.next -= 1;
        if b.live() == 0 {
            self.blocks.pop_back();
        }
        Some((text, h.seq, h.wrapped, h.used))
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

    #[test]
    fn short_lines_cost_their_text_plus_a_few_bytes() {
        // `seq 1 20000` through a 10,000-line history: each line arrives with a sequence
        // number a few bytes after the one before.
        let mut h = History::new(10_000);
        for i in 1..=20_000u64 {
            h.push_line(i.to_string().as_bytes(), 1_000_000 + i * 6, false, 5);
        }
        assert_eq!(h.len(), 10_000);
        assert_eq!(h.get(0), Some(&b"10001"[..]));
        assert_eq!(h.seq(0), 1_000_000 + 10_001 * 6);
        assert_eq!(h.get(9_999), Some(&b"20000"[..]));
        // 5 bytes of text, 1 of flags and used cells, 2 of sequence delta, 2 of end offset;
        // at most the dropped part of the oldest block and the spare part of the newest.
        assert!(
            h.bytes() <= 10_000 * 10 + 2 * BLOCK_BYTES,
            "{} bytes",
            h.bytes()
        );
    }

    #[test]
    fn headers_round_trip_and_lines_come_back_newest_first() {
        let mut h = History::new(100);
        let big = vec![b'y'; usize::from(u16::MAX) + 100];
        let mid = vec![b'm'; BLOCK_BYTES * 2];
        let mut lines: Vec<(Vec<u8>, u64, bool, u16)> = vec![
            (b"a".to_vec(), 1 << 47, true, 1),
            (Vec::new(), 3, false, 0),
            (b"b".to_vec(), (1 << 47) + 70_000, true, MAX_USED),
            (mid.clone(), 5, false, 200),
            (b"c".to_vec(), 0, true, 80),
            (big.clone(), 9, true, 10_000),
            (b"d".to_vec(), 9, false, 3),
        ];
        for i in 0..40u64 {
            lines.push((format!("x{i}").into_bytes(), 100 - i, i % 3 == 0, i as u16));
        }
        for (text, seq, wrapped, used) in &lines {
            h.push_line(text, *seq, *wrapped, *used);
        }
        // More used cells than recorded are clamped.
        h.push_line(b"e", 1, false, u16::MAX);
        lines.push((b"e".to_vec(), 1, false, MAX_USED));
        assert_eq!(h.len(), lines.len());
        for (i, (text, seq, wrapped, used)) in lines.iter().enumerate() {
            assert_eq!(h.get(i), Some(&text[..]), "line {i}");
            assert_eq!(h.seq(i), *seq, "line {i}");
            assert_eq!(h.wrapped(i), *wrapped, "line {i}");
            assert_eq!(h.used(i), *used, "line {i}");
        }
        assert_eq!(h.first_after(1 << 47), Some(2));
        h.push_line(b"f", 7, true, 2);
        assert!(h.wrapped(h.len() - 1));
        h.unwrap_newest();
        assert!(!h.wrapped(h.len() - 1));
        assert_eq!(h.pop_newest(), Some((b"f".to_vec(), 7, false, 2)));
        let total = h.total();
        while let Some(line) = h.pop_newest() {
            assert_eq!(Some(line), lines.pop());
        }
        assert!(lines.is_empty());
        assert_eq!(h.total(), total);
        // The store works on after being emptied, and after a clear.
        h.push(b"g", 1);
        h.clear();
        h.push(b"h", 2);
        assert_eq!(h.get(0), Some(&b"h"[..]));
        assert_eq!(h.seq(0), 2);
    }

    #[test]
    fn lines_are_found_after_the_oldest_blocks_are_dropped() {
        let mut h = History::new(3_000);
        for i in 0..10_000u64 {
            h.push(format!("{i:0>30}").as_bytes(), i);
        }
        assert!(h.blocks.len() > 5);
        for i in (0..3_000).step_by(7) {
            let want = format!("{:0>30}", 7_000 + i);
            assert_eq!(h.get(i), Some(want.as_bytes()));
            assert_eq!(h.seq(i), 7_000 + i as u64);
        }
    }
}
