//! The screen model of one pane: the only module that touches vt100.
//!
//! [`Screen`] wraps a `vt100::Parser` with [`Hooks`] that answer terminal queries, record bells
//! and titles, and keep history in [`history::History`]. Everything outside this module sees our
//! own types: [`Modes`], [`tidemux_proto::Cursor`], lines of text.
//!
//! Query replies (source: xterm ctlseqs; tmux `input.c` for the identities it reports):
//! - `CSI 6 n` (CPR) -> `CSI row ; col R`; `CSI ? 6 n` (DECXCPR) -> `CSI ? row ; col R`
//! - `CSI 5 n` (DSR) -> `CSI 0 n`
//! - `CSI c` / `CSI 0 c` (DA1) -> `CSI ? 1 ; 2 c` (VT100 with advanced video, as tmux)
//! - `CSI > c` (DA2) -> `CSI > 84 ; 0 ; 0 c` (as tmux)
//! - `OSC 10 ; ?` / `OSC 11 ; ?` -> `OSC 10 ; rgb:c0c0/c0c0/c0c0 ST` / `OSC 11 ; rgb:0000/0000/0000 ST`
//! - `CSI ? Ps $ p` / `CSI Ps $ p` (DECRQM) -> `CSI ? Ps ; Pm $ y` / `CSI Ps ; Pm $ y`, Pm 1 set,
//!   2 reset, 0 unknown (xterm ctlseqs; tmux 3.3a does not answer, later tmux does)
//! - `CSI > q` (XTVERSION) -> `DCS > | tidemux VERSION ST` (tmux answers `DCS >|tmux 3.3a ST`)
//! - `CSI 14 t` -> `CSI 4 ; rows*32 ; cols*16 t`, `CSI 16 t` -> `CSI 6 ; 32 ; 16 t` (pixel sizes
//!   with tmux's default cell of 16x32 pixels, tmux.h DEFAULT_XPIXEL/YPIXEL, as tmux 3.4+ does
//!   when the client's size is unknown); `CSI 18 t` -> `CSI 8 ; rows ; cols t` (xterm order;
//!   tmux 3.3a swaps rows and columns, fixed in 3.4)
//! - `OSC 4 ; n ; ? ST` -> `OSC 4 ; n ; rgb:rrrr/gggg/bbbb ST` from xterm's default 256-colour
//!   palette (several `n ; ?` pairs in one OSC each get a reply)
//! - `DCS $ q m ST` / `DCS $ q r ST` (DECRQSS) -> `DCS 1 $ r <SGR> m ST` / `DCS 1 $ r top ; bottom
//!   r ST`; anything else -> `DCS 0 $ r ST` (xterm ctlseqs)
//! - `CSI ? u` (kitty keyboard query): no reply, as tmux: programs send it followed by DA1 and
//!   take the DA1 answer without a `CSI ? flags u` first as "not supported"

pub mod capture;
pub mod history;
pub mod persist;
pub mod strings;

use history::History;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::num::NonZeroU16;
use tidemux_proto::{Cursor, ReadRange};

/// Input-related modes of a screen (what key encoding and paste need to know).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modes {
    /// DECCKM, `CSI ? 1 h`.
    pub application_cursor: bool,
    /// DECKPAM, `ESC =`.
    pub application_keypad: bool,
    /// Bracketed paste, `CSI ? 2004 h`.
    pub bracketed_paste: bool,
    /// Alternate screen, `CSI ? 1049 h`.
    pub alternate_screen: bool,
}

/// Terminal modes of a screen beyond the input modes ([`Screen::vt_flags`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VtFlags {
    /// IRM insert mode, `CSI 4 h`.
    pub insert: bool,
    /// DECOM origin mode, `CSI ? 6 h`.
    pub origin: bool,
    /// DECAWM autowrap, `CSI ? 7 h` (on by default).
    pub wrap: bool,
    /// DECSTBM scroll region, 0-based inclusive (top, bottom) rows.
    pub scroll_region: (u16, u16),
    /// The cursor `CSI ? 1049 h` saved, (row, col); `None` when none is saved.
    pub alternate_saved: Option<(u16, u16)>,
}

/// Lines selected from history plus screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lines {
    /// Line number of `lines[0]` (0 = top visible row, negative = history).
    pub first_line: i64,
    /// The lines.
    pub lines: Vec<String>,
}

/// Callbacks given to vt100; state that vt100 does not keep.
struct Hooks {
    history: History,
    replies: Vec<u8>,
    title: String,
    title_version: u64,
    bells: u64,
    /// Content hash of each visible row of the active grid, kept aligned through scrolls (a
    /// ring, like the grid's rows: a whole-screen scroll moves no element).
    row_hash: VecDeque<u64>,
    /// Output sequence number at which each visible row last changed (a ring as `row_hash`).
    row_seq: VecDeque<u64>,
    /// OSC 133 shell-integration state.
    marks: PromptMarks,
    /// Output sequence number once the chunk being parsed is counted.
    pending_seq: u64,
    /// The program's own state report (`OSC 7734`), not yet taken.
    report: Option<Report>,
    /// Clipboard settings (`OSC 52 ; Pc ; BASE64`, decoded) and queries (`OSC 52 ; Pc ; ?`)
    /// of the program, oldest first, not yet taken; at most [`MAX_CLIPS`] (older ones are
    /// dropped).
    clips: Vec<Clip>,
    /// The last name the program set with `ESC k NAME ESC \`, not yet taken.
    rename: Option<String>,
}

/// What a program did with the clipboard (`OSC 52`; tmux input.c `input_osc_52`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clip {
    /// It set the clipboard: the decoded bytes.
    Set(Vec<u8>),
    /// It asked for the clipboard (`OSC 52 ; Pc ; ?`); `bel`: the query ended with BEL (else
    /// ST), and so does the reply.
    Query {
        /// Ended with BEL.
        bel: bool,
    },
}

/// Most `OSC 52` clipboard settings and queries kept between two [`Screen::take_clips`].
pub const MAX_CLIPS: usize = 16;

/// tmux `b64_pton` as input.c `input_osc_52` uses it: standard base64 with `=` padding;
/// `None` for a malformed string or one shorter than 4 characters (tmux ignores it).
pub fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() / 4 == 0 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let body = {
        let mut end = text.len();
        while end > 0 && text[end - 1] == b'=' {
            end -= 1;
        }
        if text.len() - end > 2 {
            return None;
        }
        &text[..end]
    };
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single character left over cannot encode a byte.
    if bits >= 6 {
        return None;
    }
    Some(out)
}

/// A state a program reported about itself with `OSC 7734 ; STATE [; MESSAGE] ST` (our own
/// sequence, documented in `docs/cli.md`); `OSC 7734 ; clear ST` clears it. `state` is the
/// state's name as printed, checked by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// State name, or `clear`.
    pub state: String,
    /// Message, if any.
    pub message: Option<String>,
}

/// Shell-integration marks seen (OSC 133, FinalTerm semantic prompts: `A` prompt start, `B`
/// input start, `C` command start, `D;status` command finished).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PromptMarks {
    /// Number of prompts started (`OSC 133 ; A`).
    pub prompts: u64,
    /// Whether the shell is at a prompt (after `A`/`B`, before `C`).
    pub at_prompt: bool,
    /// Exit status reported by the last `OSC 133 ; D ; status`.
    pub last_status: Option<i32>,
}

/// What one call to [`Screen::process`] changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Bells rung.
    pub bells: u64,
    /// The title was set.
    pub title: bool,
    /// A new prompt started (OSC 133 A).
    pub prompt: bool,
}

/// Where a waiter's previous search of a screen left off (see [`Screen::find_new`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanMark {
    generation: u64,
    hist_total: u64,
    seq: u64,
}

/// A fresh generation number: screens get one when created and on every resize.
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A regex match on a screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The matched text.
    pub text: String,
    /// Line number of the match's first line (0 = top row, negative = history).
    pub row: i64,
}

/// A row's fingerprint slot before its first sync: the row is new.
const FRESH: u64 = u64::MAX;
/// A row's fingerprint slot after a sync that found the row new and took no fingerprint (see
/// `Hooks::rehash`); [`Screen::row_hashes`] takes it when asked.
const UNHASHED: u64 = u64::MAX - 1;

/// Longest title kept (OSC 0 / OSC 2), bytes of UTF-8; a longer one is cut at a character
/// boundary. Every reply and event that carries a title stays small.
pub const MAX_TITLE_BYTES: usize = 1024;

/// Fingerprint of visible row `row` (the fork's: every non-blank cell's text and attributes,
/// with its column; blank default cells add nothing).
fn row_hash(screen: &vt100::Screen, row: u16) -> u64 {
    screen.row_fingerprint(row)
}

impl Hooks {
    /// Takes the fingerprints of the visible rows that changed or moved since the last sync
    /// (the fork's per-row `changed` flag; an unchanged row keeps its fingerprint); rows whose
    /// fingerprint changed get `seq`. A row that came in since the last sync (scrolled in, or
    /// the screen grew: [`FRESH`]) changed by definition and gets `seq` without a fingerprint
    /// ([`UNHASHED`]); if it changes again it counts as changed then (there is nothing to
    /// compare with), so no change is ever missed, and a flood that scrolls every row away
    /// before it changes twice takes no fingerprint at all. Returns whether any row changed.
    /// Clears the flags.
    fn rehash(&mut self, screen: &mut vt100::Screen, seq: u64) -> bool {
        let rows = usize::from(screen.size().0.get());
        self.row_hash.resize(rows, FRESH);
        self.row_seq.resize(rows, seq);
        let mut changed = false;
        for r in 0..rows {
            let stored = self.row_hash[r];
            if stored == FRESH {
                self.row_hash[r] = UNHASHED;
                self.row_seq[r] = seq;
                changed = true;
                continue;
            }
            if !screen.row_changed(r as u16) {
                continue;
            }
            let h = row_hash(screen, r as u16);
            if h != stored || stored == UNHASHED {
                self.row_hash[r] = h;
                self.row_seq[r] = seq;
                changed = true;
            }
        }
        screen.clear_rows_changed();
        changed
    }
}

impl Hooks {
    /// Splits history lines again at `cols` columns after a width change, as tmux reflows its
    /// history (grid.c grid_reflow): lines joined by soft wraps become one logical line split
    /// at the new width. Lines that are not wrapped and fit are copied as they are; a
    /// reflowed line keeps the newest sequence number of the lines it came from. A wrapped
    /// line at the end (continuing onto the screen) stays as it is.
    ///
    /// `scrolled` is the number of lines a taller screen may take back (tmux `hscrolled`);
    /// returns it adjusted as tmux adjusts it: lines it counted that split or join count as the
    /// lines they became (grid.c grid_reflow_split / grid_reflow_join).
    fn reflow_history(&mut self, cols: NonZeroU16, scrolled: usize) -> usize {
        let h = &self.history;
        let n = h.len();
        let needs_work = (0..n).any(|i| h.wrapped(i) || h.used(i) > cols.get());
        if !needs_work {
            return scrolled;
        }
        let mut new_scrolled = 0usize;
        let mut out = History::new(h.limit());
        let mut chain: Vec<usize> = Vec::new();
        for i in 0..n {
            chain.push(i);
            if h.wrapped(i) && i + 1 < n {
                continue;
            }
            let last_continues = h.wrapped(i);
            let first = chain[0];
            let before = out.len();
            if last_continues || (chain.len() == 1 && h.used(i) <= cols.get()) {
                for &k in &chain {
                    out.push_line(h.get(k).unwrap_or(b""), h.seq(k), h.wrapped(k), h.used(k));
                }
            } else {
                let lines: Vec<(&[u8], bool, u16)> = chain
                    .iter()
                    .map(|&k| (h.get(k).unwrap_or(b""), h.wrapped(k), h.used(k)))
                    .collect();
                let seq = chain.iter().map(|&k| h.seq(k)).max().unwrap_or(0);
                for (text, wrapped, used) in vt100::reflow_lines(&lines, cols) {
                    out.push_line(&text, seq, wrapped, used);
                }
            }
            let made = out.len() - before;
            if scrolled > i {
                new_scrolled += made;
            } else if scrolled > first {
                new_scrolled += made.min(scrolled - first);
            }
            chain.clear();
        }
        self.history = out;
        new_scrolled.min(self.history.len())
    }
}

impl Hooks {
    /// The per-row arrays follow rows `top..=bottom` moving up by one (the top one left):
    /// the row coming in at `bottom` is new, changed in the chunk being parsed.
    fn rows_moved_up(&mut self, top: usize, bottom: usize) {
        if top <= bottom
            && bottom < self.row_hash.len()
            && self.row_seq.len() == self.row_hash.len()
        {
            if top == 0 && bottom + 1 == self.row_hash.len() {
                // The whole screen scrolled (the common case): the rings turn.
                self.row_hash.pop_front();
                self.row_seq.pop_front();
                self.row_hash.push_back(FRESH);
                self.row_seq.push_back(self.pending_seq);
            } else {
                self.row_hash.remove(top);
                self.row_seq.remove(top);
                self.row_hash.insert(bottom, FRESH);
                self.row_seq.insert(bottom, self.pending_seq);
            }
        }
    }
}

impl vt100::Callbacks for Hooks {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        if let Some(d) = decode_base64(data) {
            if self.clips.len() >= MAX_CLIPS {
                self.clips.remove(0);
            }
            self.clips.push(Clip::Set(d));
        }
    }

    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], bel: bool) {
        if self.clips.len() >= MAX_CLIPS {
            self.clips.remove(0);
        }
        self.clips.push(Clip::Query { bel });
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = crate::limits::truncate_to(
            String::from_utf8_lossy(title).into_owned(),
            MAX_TITLE_BYTES,
        );
        self.title_version += 1;
    }

    fn set_screen_name(&mut self, _: &mut vt100::Screen, name: &str) {
        self.rename = Some(name.to_owned());
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let p0 = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, i2, c) {
            (Some(b'?'), Some(b'$'), 'p') => {
                let _ = write!(self, "\x1b[?{p0};{}$y", private_mode_state(screen, p0));
                return;
            }
            (Some(b'$'), None, 'p') => {
                let state = match p0 {
                    4 => mode_state(screen.insert_mode()),
                    _ => 0,
                };
                let _ = write!(self, "\x1b[{p0};{state}$y");
                return;
            }
            (Some(b'>'), None, 'q') if p0 == 0 => {
                let _ = write!(self, "\x1bP>|tidemux {}\x1b\\", env!("CARGO_PKG_VERSION"));
                return;
            }
            (None, None, 't') => {
                let (rows, cols) = screen.size();
                let (rows, cols) = (u32::from(rows.get()), u32::from(cols.get()));
                match p0 {
                    14 => {
                        let _ = write!(self, "\x1b[4;{};{}t", rows * 32, cols * 16);
                    }
                    16 => self.replies.extend_from_slice(b"\x1b[6;32;16t"),
                    18 => {
                        let _ = write!(self, "\x1b[8;{rows};{cols}t");
                    }
                    _ => {}
                }
                return;
            }
            _ => {}
        }
        match (i1, c, p0) {
            (None, 'n', 6) => {
                let (r, c) = screen.cursor_position();
                let _ = write!(self, "\x1b[{};{}R", r + 1, c + 1);
            }
            (Some(b'?'), 'n', 6) => {
                let (r, c) = screen.cursor_position();
                let _ = write!(self, "\x1b[?{};{}R", r + 1, c + 1);
            }
            (None, 'n', 5) => self.replies.extend_from_slice(b"\x1b[0n"),
            (None, 'c', 0) => self.replies.extend_from_slice(b"\x1b[?1;2c"),
            (Some(b'>'), 'c', 0) => self.replies.extend_from_slice(b"\x1b[>84;0;0c"),
            _ => {}
        }
    }

    fn unhandled_dcs(
        &mut self,
        screen: &mut vt100::Screen,
        intermediates: &[u8],
        _params: &[u16],
        action: char,
        data: &[u8],
    ) {
        if intermediates != b"$" || action != 'q' {
            return;
        }
        match data {
            b"m" => {
                let sgr = current_sgr(screen);
                let _ = write!(self, "\x1bP1$r{sgr}m\x1b\\");
            }
            b"r" => {
                let (top, bottom) = screen.scroll_region();
                let _ = write!(self, "\x1bP1$r{};{}r\x1b\\", top + 1, bottom + 1);
            }
            _ => self.replies.extend_from_slice(b"\x1bP0$r\x1b\\"),
        }
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        if let [b"4", pairs @ ..] = params {
            for pair in pairs.chunks(2) {
                if let [n, b"?"] = pair {
                    if let Some(i) = std::str::from_utf8(n)
                        .ok()
                        .and_then(|n| n.parse::<u8>().ok())
                    {
                        let (r, g, b) = xterm_palette(i);
                        let _ = write!(
                            self,
                            "\x1b]4;{i};rgb:{r:02x}{r:02x}/{g:02x}{g:02x}/{b:02x}{b:02x}\x1b\\"
                        );
                    }
                }
            }
            return;
        }
        match params {
            [b"10", b"?"] => self
                .replies
                .extend_from_slice(b"\x1b]10;rgb:c0c0/c0c0/c0c0\x1b\\"),
            [b"11", b"?"] => self
                .replies
                .extend_from_slice(b"\x1b]11;rgb:0000/0000/0000\x1b\\"),
            [b"7734", st, rest @ ..] => {
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                let message = (!rest.is_empty())
                    .then(|| rest.iter().map(|p| text(p)).collect::<Vec<_>>().join(";"))
                    .filter(|m| !m.is_empty());
                self.report = Some(Report {
                    state: text(st),
                    message,
                });
            }
            [b"133", mark, rest @ ..] => match mark.first() {
                Some(b'A') => {
                    self.marks.prompts += 1;
                    self.marks.at_prompt = true;
                }
                Some(b'B') => self.marks.at_prompt = true,
                Some(b'C') => self.marks.at_prompt = false,
                Some(b'D') => {
                    self.marks.last_status = rest
                        .first()
                        .and_then(|s| std::str::from_utf8(s).ok())
                        .and_then(|s| s.parse().ok());
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn on_scroll(&mut self, contents: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        // A row left the screen: the top row, or the top row of the scroll region it
        // scrolled in (rows `top..=bottom` moved up by one). Its change number is exact: if it
        // differs from the fingerprint taken at the last sync, it changed since, i.e. in
        // output not yet synced, so it gets the sequence number of the chunk being parsed.
        // The per-row arrays rotate with the grid.
        let top = usize::from(contents.from_row());
        let bottom =
            usize::from(contents.region_bottom()).min(self.row_hash.len().saturating_sub(1));
        let top_seq = match (self.row_hash.get(top), self.row_seq.get(top)) {
            // A row unchanged since the sync is the one hashed there (the fork's flag), so
            // only a changed one needs its fingerprint compared.
            (Some(&h), Some(&seq))
                if h != FRESH
                    && (!contents.changed() || (h != UNHASHED && h == contents.fingerprint())) =>
            {
                seq
            }
            _ => self.pending_seq,
        };
        self.rows_moved_up(top, bottom);
        if alternate_screen {
            return;
        }
        // The row is copied in compact form (text bytes and attribute changes) and
        // formatted only when read; nothing at all without history.
        self.history
            .push_with(top_seq, contents.wrapped(), contents.used(), |buf| {
                contents.write_compact(buf);
            });
    }

    fn on_scroll_ascii(&mut self, lines: vt100::capture::AsciiLines<'_>, alternate_screen: bool) {
        // Lines that never were in the grid: they changed in the chunk being parsed. The
        // whole screen turned by one row per line.
        let len = self.row_hash.len();
        let bottom = usize::from(lines.region_bottom()).min(len.saturating_sub(1));
        let n = lines.len();
        if bottom + 1 == len && self.row_seq.len() == len {
            let k = n.min(len);
            self.row_hash.rotate_left(k);
            self.row_seq.rotate_left(k);
            for h in self.row_hash.range_mut(len - k..) {
                *h = FRESH;
            }
            for s in self.row_seq.range_mut(len - k..) {
                *s = self.pending_seq;
            }
        } else {
            for _ in 0..n {
                self.rows_moved_up(0, bottom);
            }
        }
        if alternate_screen {
            return;
        }
        // The lines share their attributes: plain lines are their own compact form.
        if lines.plain() {
            self.history
                .push_plain_lines(self.pending_seq, n, lines.map(|l| l.text()));
        } else {
            for line in lines {
                self.history
                    .push_with(self.pending_seq, false, line.used(), |buf| {
                        line.write_compact(buf);
                    });
            }
        }
    }

    fn unwrap_newest_scrollback(&mut self, _: &mut vt100::Screen) {
        self.history.unwrap_newest();
    }

    fn clear_scrollback(&mut self, _: &mut vt100::Screen) {
        self.history.clear();
    }

    fn pull_scrollback(&mut self) -> Option<(String, bool, u16)> {
        let (compact, _, wrapped, used) = self.history.pop_newest()?;
        Some((history_formatted(&compact), wrapped, used))
    }

    fn scrollback_newest_wrapped(&mut self) -> bool {
        let n = self.history.len();
        n > 0 && self.history.wrapped(n - 1)
    }
}

/// DECRQM state: 1 set, 2 reset.
fn mode_state(on: bool) -> u8 {
    if on {
        1
    } else {
        2
    }
}

/// DECRQM state of DEC private mode `mode` (0: not recognised).
fn private_mode_state(screen: &vt100::Screen, mode: u16) -> u8 {
    use vt100::{MouseProtocolEncoding as E, MouseProtocolMode as M};
    let mouse = screen.mouse_protocol_mode();
    let enc = screen.mouse_protocol_encoding();
    match mode {
        1 => mode_state(screen.application_cursor()),
        6 => mode_state(screen.origin_mode()),
        7 => mode_state(screen.autowrap()),
        25 => mode_state(!screen.hide_cursor()),
        47 | 1047 | 1049 => mode_state(screen.alternate_screen()),
        1000 => mode_state(mouse == M::PressRelease),
        1002 => mode_state(mouse == M::ButtonMotion),
        1003 => mode_state(mouse == M::AnyMotion),
        1005 => mode_state(enc == E::Utf8),
        1006 => mode_state(enc == E::Sgr),
        2004 => mode_state(screen.bracketed_paste()),
        _ => 0,
    }
}

/// The current drawing attributes as SGR parameters (for DECRQSS), `0` first.
fn current_sgr(screen: &vt100::Screen) -> String {
    let mut out = String::new();
    write_sgr(
        &mut out,
        Style {
            fg: Some(screen.fgcolor()).filter(|c| *c != vt100::Color::Default),
            bg: Some(screen.bgcolor()).filter(|c| *c != vt100::Color::Default),
            bold: screen.bold(),
            dim: screen.dim(),
            italic: screen.italic(),
            underline: screen.underline(),
            inverse: screen.inverse(),
        },
    );
    // write_sgr writes `ESC [ 0 ; ... m`; DECRQSS wants the parameters alone.
    out.trim_start_matches("\x1b[")
        .trim_end_matches('m')
        .to_owned()
}

/// xterm's default colour `i` (16 system colours, the 6x6x6 cube, the grey ramp).
fn xterm_palette(i: u8) -> (u8, u8, u8) {
    const SYSTEM: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x00, 0x00),
        (0x00, 0xcd, 0x00),
        (0xcd, 0xcd, 0x00),
        (0x00, 0x00, 0xee),
        (0xcd, 0x00, 0xcd),
        (0x00, 0xcd, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x7f, 0x7f, 0x7f),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x5c, 0x5c, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    match i {
        0..=15 => SYSTEM[usize::from(i)],
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            (level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

impl std::fmt::Write for Hooks {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.replies.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A pane's screen: the parser, its history and the recorded title and bells.
pub struct Screen {
    parser: vt100::Parser<Hooks>,
    /// Output sequence number of the last content change.
    changed_seq: u64,
    /// When the content last changed.
    changed_at: std::time::Instant,
    /// Output sequence number of the chunk holding the last prompt start (OSC 133 A).
    prompt_seq: u64,
    /// Output has been parsed since the last [`Screen::sync`].
    dirty: bool,
    /// Cuts over-long OSC strings before the parser buffers them.
    limiter: strings::OscLimiter,
    /// Changes on resize: rows changed then without a new sequence number.
    generation: u64,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (rows, cols) = self.size();
        f.debug_struct("Screen")
            .field("rows", &rows)
            .field("cols", &cols)
            .finish_non_exhaustive()
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).expect("max(1) is non-zero")
}

impl Screen {
    /// A blank screen of `rows` x `cols` cells keeping `history_limit` lines of history.
    pub fn new(rows: u16, cols: u16, history_limit: usize) -> Self {
        let hooks = Hooks {
            history: History::new(history_limit),
            replies: Vec::new(),
            title: String::new(),
            title_version: 0,
            bells: 0,
            row_hash: VecDeque::new(),
            row_seq: VecDeque::new(),
            marks: PromptMarks::default(),
            pending_seq: 0,
            report: None,
            clips: Vec::new(),
            rename: None,
        };
        let mut parser = vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, hooks);
        let (screen, hooks) = parser.screen_and_callbacks_mut();
        hooks.rehash(screen, 0);
        Self {
            parser,
            changed_seq: 0,
            changed_at: std::time::Instant::now(),
            prompt_seq: 0,
            dirty: false,
            limiter: strings::OscLimiter::default(),
            generation: next_generation(),
        }
    }

    /// Feeds raw PTY output; `seq_after` is the pane's output sequence number once these bytes
    /// are counted. Never fails; unknown sequences are ignored.
    pub fn process(&mut self, bytes: &[u8], seq_after: u64) -> Changes {
        let (bells, title, prompts) = {
            let h = self.parser.callbacks();
            (h.bells, h.title_version, h.marks.prompts)
        };
        self.parser.callbacks_mut().pending_seq = seq_after;
        let parser = &mut self.parser;
        self.limiter.filter(bytes, |part| parser.process(part));
        self.dirty = true;
        let h = self.parser.callbacks();
        let changes = Changes {
            bells: h.bells - bells,
            title: h.title_version != title,
            prompt: h.marks.prompts != prompts,
        };
        if changes.prompt {
            self.prompt_seq = seq_after;
        }
        changes
    }

    /// Brings change tracking up to date: fingerprints every visible row and gives the rows
    /// that changed since the last sync the current sequence number. Returns whether any row
    /// changed. Every sequence number shown to users is taken right after a sync, which is what
    /// makes `wait --since` exact: a change before it was seen by it.
    pub fn sync(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.dirty = false;
        let (screen, hooks) = self.parser.screen_and_callbacks_mut();
        let seq = hooks.pending_seq;
        let changed = hooks.rehash(screen, seq);
        if changed {
            self.changed_seq = seq;
            self.changed_at = std::time::Instant::now();
        }
        changed
    }

    /// Content hash of each visible row at the last [`Screen::sync`], top row first. A row
    /// that sync left without one ([`UNHASHED`]) gets it now, kept for the next call when the
    /// row has not changed since that sync (a row that has is hashed as it is now, and left
    /// for the next sync to compare).
    pub fn row_hashes(&mut self) -> Vec<u64> {
        let (screen, hooks) = self.parser.screen_and_callbacks_mut();
        hooks
            .row_hash
            .iter_mut()
            .enumerate()
            .map(|(r, h)| match *h {
                UNHASHED | FRESH => {
                    let now = row_hash(screen, r as u16);
                    if *h == UNHASHED && !screen.row_changed(r as u16) {
                        *h = now;
                    }
                    now
                }
                h => h,
            })
            .collect()
    }

    /// Row `row` of the visible screen as styled runs covering every column.
    pub fn row_spans(&self, row: u16) -> Vec<tidemux_proto::Span> {
        let screen = self.parser.screen();
        let (_, cols) = self.size();
        let mut spans: Vec<tidemux_proto::Span> = Vec::new();
        for col in 0..cols {
            let Some(cell) = screen.cell(row, col) else {
                break;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            let style = cell_style(cell);
            let width = if cell.is_wide() { 2 } else { 1 };
            let text = if cell.has_contents() {
                cell.contents()
            } else {
                " "
            };
            match spans.last_mut() {
                Some(s) if s.style == style => {
                    s.text.push_str(text);
                    s.cols += width;
                }
                _ => spans.push(tidemux_proto::Span {
                    text: text.to_owned(),
                    cols: width,
                    style,
                }),
            }
        }
        spans
    }

    /// Output sequence number of the chunk that held the last prompt start (0: none yet).
    pub fn prompt_seq(&self) -> u64 {
        self.prompt_seq
    }

    /// Output sequence number of the last change of rendered content (as of the last sync).
    pub fn changed_seq(&self) -> u64 {
        self.changed_seq
    }

    /// When a sync first saw the last change of rendered content (cursor moves and identical
    /// redraws do not count).
    pub fn changed_at(&self) -> std::time::Instant {
        self.changed_at
    }

    /// Shell-integration marks.
    pub fn marks(&self) -> PromptMarks {
        self.parser.callbacks().marks
    }

    /// First regex match in the screen (and history first, with `history`), considering only
    /// matches that touch a line changed after output sequence number `since`. Call
    /// [`Screen::sync`] first. Lines are joined
    /// with `\n`, trailing blanks trimmed.
    pub fn find(&self, re: &regex::Regex, history: bool, since: Option<u64>) -> Option<Found> {
        let lowest = if history {
            -(self.parser.callbacks().history.len() as i64)
        } else {
            0
        };
        self.find_from(re, lowest, since)
    }

    /// [`Screen::find`] for a waiter that searches again after every change: only what is new
    /// since its previous search (`mark`, updated here) is searched: history lines added and
    /// screen rows changed since, preceded by `context` lines (so that a match spanning
    /// several lines is still found when its last lines are the new ones). The first search
    /// covers everything, or with `since` only from the first line changed after it. A resize
    /// or a screen reset makes the next search a first one. Call [`Screen::sync`] first.
    pub fn find_new(
        &self,
        re: &regex::Regex,
        history: bool,
        since: Option<u64>,
        mark: &mut Option<ScanMark>,
        context: usize,
    ) -> Option<Found> {
        let hooks = self.parser.callbacks();
        let hist = &hooks.history;
        let h = hist.len() as i64;
        let lowest = if history { -h } else { 0 };
        let first_row_after = |seq: u64| hooks.row_seq.iter().position(|&s| s > seq);
        let first = match *mark {
            Some(m) if m.generation == self.generation && hist.total() >= m.hist_total => {
                let new_hist = ((hist.total() - m.hist_total) as i64).min(h);
                let hist_first = (history && new_hist > 0).then_some(-new_hist);
                let row_first = first_row_after(m.seq).map(|r| r as i64);
                match (hist_first, row_first) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            _ => match since {
                None => Some(lowest),
                Some(s) => {
                    let in_hist = if history {
                        hist.first_after(s).map(|i| i as i64 - h)
                    } else {
                        None
                    };
                    in_hist.or_else(|| first_row_after(s).map(|r| r as i64))
                }
            },
        };
        *mark = Some(ScanMark {
            generation: self.generation,
            hist_total: hist.total(),
            seq: hooks.pending_seq,
        });
        let start = (first? - context as i64).max(lowest);
        self.find_from(re, start, since)
    }

    /// The search of [`Screen::find`] over lines `start..` (line numbers as in
    /// [`Screen::lines`]) to the bottom of the screen.
    fn find_from(&self, re: &regex::Regex, start: i64, since: Option<u64>) -> Option<Found> {
        let hooks = self.parser.callbacks();
        let hist = &hooks.history;
        let range = ReadRange::Span {
            start: Some(start),
            end: None,
        };
        let lines = self.lines(range, false).ok()?;
        let h = hist.len() as i64;
        let seq_of = |n: i64| -> u64 {
            if n < 0 {
                hist.seq((h + n) as usize)
            } else {
                hooks.row_seq.get(n as usize).copied().unwrap_or(0)
            }
        };
        let mut text = String::new();
        let mut starts = Vec::with_capacity(lines.lines.len());
        for l in &lines.lines {
            starts.push(text.len());
            text.push_str(l);
            text.push('\n');
        }
        let line_at = |off: usize| starts.partition_point(|&s| s <= off).saturating_sub(1);
        for m in re.find_iter(&text) {
            let first = line_at(m.start());
            let last = line_at(m.end().saturating_sub(1).max(m.start()));
            let fresh = since
                .is_none_or(|s| (first..=last).any(|i| seq_of(lines.first_line + i as i64) > s));
            if fresh {
                return Some(Found {
                    text: m.as_str().to_owned(),
                    row: lines.first_line + first as i64,
                });
            }
        }
        None
    }

    /// Takes the program's last state report (`OSC 7734`), if any.
    pub fn take_report(&mut self) -> Option<Report> {
        self.parser.callbacks_mut().report.take()
    }

    /// The beginning of an as-yet incomplete escape sequence the program wrote: the bytes
    /// since the parser left its ground state (tmux `input_pending`; `capture-pane -P`).
    /// Empty when no sequence is open.
    pub fn pending(&self) -> &[u8] {
        self.parser.pending()
    }

    /// Takes the clipboard settings and queries of the program (`OSC 52`) since the last call,
    /// oldest first (at most [`MAX_CLIPS`]).
    pub fn take_clips(&mut self) -> Vec<Clip> {
        std::mem::take(&mut self.parser.callbacks_mut().clips)
    }

    /// Takes the last window name the program set with `ESC k NAME ESC \` (screen's title
    /// sequence, tmux `allow-rename`), if any; an empty string for `ESC k ESC \`.
    pub fn take_rename(&mut self) -> Option<String> {
        self.parser.callbacks_mut().rename.take()
    }

    /// Takes the bytes the screen wants written back to the PTY (query replies), if any.
    pub fn take_replies(&mut self) -> Option<Vec<u8>> {
        let r = &mut self.parser.callbacks_mut().replies;
        (!r.is_empty()).then(|| std::mem::take(r))
    }

    /// Resizes to `rows` x `cols` cells; rows pushed off the top go to history.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        // Settle pending output first; then rows that keep their content keep their sequence
        // numbers (scrolled rows rotate in on_scroll), and rows cut or extended count as
        // changed now.
        self.sync();
        let old_cols = self.size().1;
        self.parser.set_size(nz(rows), nz(cols));
        if nz(cols).get() != old_cols {
            let (screen, hooks) = self.parser.screen_and_callbacks_mut();
            let scrolled = hooks.reflow_history(nz(cols), screen.scrolled_history());
            screen.set_scrolled_history(scrolled);
        }
        self.dirty = true;
        self.sync();
        self.generation = next_generation();
    }

    /// (rows, cols).
    pub fn size(&self) -> (u16, u16) {
        let (r, c) = self.parser.screen().size();
        (r.get(), c.get())
    }

    /// Soft wraps of the visible screen: element `r` is true when row `r` was filled by
    /// autowrap and continues on row `r + 1` (tmux GRID_LINE_WRAPPED; what `capture-pane -J`,
    /// reflow and search across a wrapped line need). One element per row.
    pub fn wrapped_rows(&self) -> Vec<bool> {
        let screen = self.parser.screen();
        let (rows, _) = self.size();
        (0..rows).map(|r| screen.row_wrapped(r)).collect()
    }

    /// Whether line `n` (the numbering of [`Screen::lines`]: 0 is the top row of the screen,
    /// -1 the newest history line) was soft-wrapped, i.e. continues on line `n + 1`. False
    /// for lines that do not exist.
    pub fn line_wrapped(&self, n: i64) -> bool {
        let hist = &self.parser.callbacks().history;
        if n < 0 {
            let i = hist.len() as i64 + n;
            i >= 0 && hist.wrapped(i as usize)
        } else {
            u16::try_from(n).is_ok_and(|r| self.parser.screen().row_wrapped(r))
        }
    }

    /// Input modes.
    pub fn modes(&self) -> Modes {
        let s = self.parser.screen();
        Modes {
            application_cursor: s.application_cursor(),
            application_keypad: s.application_keypad(),
            bracketed_paste: s.bracketed_paste(),
            alternate_screen: s.alternate_screen(),
        }
    }

    /// Terminal modes tmux shows as format variables (`insert_flag`, `origin_flag`,
    /// `wrap_flag`, `scroll_region_upper/lower`, `alternate_saved_x/y`).
    pub fn vt_flags(&self) -> VtFlags {
        let s = self.parser.screen();
        VtFlags {
            insert: s.insert_mode(),
            origin: s.origin_mode(),
            wrap: s.autowrap(),
            scroll_region: s.scroll_region(),
            alternate_saved: s.alternate_saved_pos(),
        }
    }

    /// Mouse reporting the program asked for (xterm ctlseqs "Mouse Tracking"): 0 none, 1
    /// presses only (X10, `?9`), 2 presses and releases (`?1000`), 3 also motion with a
    /// button held (`?1002`), 4 all motion (`?1003`); and whether reports use the SGR
    /// encoding (`?1006`) rather than X10 bytes.
    pub fn mouse(&self) -> (u8, bool) {
        let s = self.parser.screen();
        let mode = match s.mouse_protocol_mode() {
            vt100::MouseProtocolMode::None => 0,
            vt100::MouseProtocolMode::Press => 1,
            vt100::MouseProtocolMode::PressRelease => 2,
            vt100::MouseProtocolMode::ButtonMotion => 3,
            vt100::MouseProtocolMode::AnyMotion => 4,
        };
        let sgr = s.mouse_protocol_encoding() == vt100::MouseProtocolEncoding::Sgr;
        (mode, sgr)
    }

    /// Cursor position and visibility.
    pub fn cursor(&self) -> Cursor {
        let s = self.parser.screen();
        let (row, col) = s.cursor_position();
        Cursor {
            row,
            col,
            visible: !s.hide_cursor(),
        }
    }

    /// Title from OSC 0/2, empty if none.
    pub fn title(&self) -> &str {
        &self.parser.callbacks().title
    }

    /// Sets the title as an OSC 2 sequence would (tmux `select-pane -T`); false when it was
    /// already that.
    pub fn set_title(&mut self, title: &str) -> bool {
        let (screen, hooks) = self.parser.screen_and_callbacks_mut();
        if hooks.title == title {
            return false;
        }
        vt100::Callbacks::set_window_title(hooks, screen, title.as_bytes());
        true
    }

    /// Number of BEL characters seen.
    pub fn bells(&self) -> u64 {
        self.parser.callbacks().bells
    }

    /// (lines held, limit, bytes used) of the history.
    pub fn history_stats(&self) -> (usize, usize, usize) {
        let h = &self.parser.callbacks().history;
        (h.len(), h.limit(), h.bytes())
    }

    /// Selects lines: history is numbered -H..-1 (oldest first), the screen 0..rows-1.
    ///
    /// # Errors
    /// A message when a [`ReadRange::Span`] has its start after its end.
    pub fn lines(&self, range: ReadRange, ansi: bool) -> Result<Lines, String> {
        let hist = &self.parser.callbacks().history;
        let h = hist.len() as i64;
        let (rows, cols) = self.size();
        let bottom = i64::from(rows) - 1;
        let (start, end) = match range {
            ReadRange::Visible => (0, bottom),
            ReadRange::Lines(n) => ((-i64::from(n)).max(-h), bottom),
            ReadRange::History => (-h, bottom),
            ReadRange::Span { start, end } => {
                let s = start.unwrap_or(-h).clamp(-h, bottom);
                let e = end.unwrap_or(bottom).clamp(-h, bottom);
                if let (Some(a), Some(b)) = (start, end) {
                    if a > b {
                        return Err(format!(
                            "start line {a} is after end line {b} (0 is the top of the screen, negative lines are history)"
                        ));
                    }
                }
                (s, e)
            }
        };
        let mut lines = Vec::with_capacity((end - start + 1).max(0) as usize);
        let screen = self.parser.screen();
        for n in start..=end {
            if n < 0 {
                let line = hist.get((h + n) as usize).unwrap_or(b"");
                lines.push(history_line(line, ansi));
            } else {
                lines.push(screen_row(screen, n as u16, cols, ansi));
            }
        }
        Ok(Lines {
            first_line: start,
            lines,
        })
    }
}

/// A history line (compact form) as vt100's basic formatted text (no final reset).
fn history_formatted(compact: &[u8]) -> String {
    let mut s = String::with_capacity(compact.len() + 8);
    vt100::capture::compact_to_formatted(compact, &mut s);
    s
}

/// A history line (compact form) as text: basic formatted with a final reset when it has
/// SGR sequences (`ansi`), else plain without trailing blanks.
fn history_line(compact: &[u8], ansi: bool) -> String {
    let mut s = String::with_capacity(compact.len() + 8);
    if ansi {
        vt100::capture::compact_to_formatted(compact, &mut s);
        if s.contains('\x1b') {
            s.push_str("\x1b[0m");
        }
    } else {
        vt100::capture::compact_to_plain(compact, &mut s);
        let trimmed = s.trim_end_matches(' ').len();
        s.truncate(trimmed);
    }
    s
}

fn proto_color(c: vt100::Color) -> tidemux_proto::Color {
    match c {
        vt100::Color::Default => tidemux_proto::Color::Default,
        vt100::Color::Idx(i) => tidemux_proto::Color::Idx(i),
        vt100::Color::Rgb(r, g, b) => tidemux_proto::Color::Rgb(r, g, b),
    }
}

fn cell_style(cell: &vt100::Cell) -> tidemux_proto::CellStyle {
    use tidemux_proto::CellStyle as S;
    let flags = [
        (cell.bold(), S::BOLD),
        (cell.dim(), S::DIM),
        (cell.italic(), S::ITALIC),
        (cell.underline(), S::UNDERLINE),
        (cell.inverse(), S::INVERSE),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .fold(0, |acc, (_, bit)| acc | bit);
    S {
        fg: proto_color(cell.fgcolor()),
        bg: proto_color(cell.bgcolor()),
        flags,
    }
}

/// Text attributes of a cell, as rendered to SGR.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Style {
    fg: Option<vt100::Color>,
    bg: Option<vt100::Color>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    inverse: bool,
}

fn style_of(cell: &vt100::Cell) -> Style {
    let c = |c: vt100::Color| (c != vt100::Color::Default).then_some(c);
    Style {
        fg: c(cell.fgcolor()),
        bg: c(cell.bgcolor()),
        bold: cell.bold(),
        dim: cell.dim(),
        italic: cell.italic(),
        underline: cell.underline(),
        inverse: cell.inverse(),
    }
}

/// Writes `ESC [ 0 ; ... m` for `st` (ECMA-48 SGR; 38;5 / 38;2 from xterm ctlseqs).
fn write_sgr(out: &mut String, st: Style) {
    out.push_str("\x1b[0");
    for (on, code) in [
        (st.bold, "1"),
        (st.dim, "2"),
        (st.italic, "3"),
        (st.underline, "4"),
        (st.inverse, "7"),
    ] {
        if on {
            out.push(';');
            out.push_str(code);
        }
    }
    for (color, base) in [(st.fg, 30u16), (st.bg, 40u16)] {
        match color {
            None | Some(vt100::Color::Default) => {}
            Some(vt100::Color::Idx(i)) if i < 8 => {
                let _ = write!(out, ";{}", base + u16::from(i));
            }
            Some(vt100::Color::Idx(i)) if i < 16 => {
                let _ = write!(out, ";{}", base + 60 + u16::from(i) - 8);
            }
            Some(vt100::Color::Idx(i)) => {
                let _ = write!(out, ";{};5;{i}", base + 8);
            }
            Some(vt100::Color::Rgb(r, g, b)) => {
                let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
            }
        }
    }
    out.push('m');
}

fn screen_row(screen: &vt100::Screen, row: u16, cols: u16, ansi: bool) -> String {
    let mut out = String::new();
    let mut pending_blanks = 0usize;
    let mut cur = Style::default();
    // Only the row's stored cells: every cell after them is blank with default attributes,
    // which adds nothing (trailing blanks are never written), so a wide screen's empty right
    // part costs nothing.
    for cell in screen.row_cells(row).iter().take(usize::from(cols)) {
        if cell.is_wide_continuation() {
            continue;
        }
        let st = if ansi {
            style_of(cell)
        } else {
            Style::default()
        };
        let blank = !cell.has_contents() && st.bg.is_none() && !st.inverse && !st.underline;
        if blank {
            pending_blanks += 1;
            continue;
        }
        if pending_blanks > 0 {
            if cur != Style::default() {
                write_sgr(&mut out, Style::default());
                cur = Style::default();
            }
            out.extend(std::iter::repeat_n(' ', pending_blanks));
            pending_blanks = 0;
        }
        if st != cur {
            write_sgr(&mut out, st);
            cur = st;
        }
        if cell.has_contents() {
            out.push_str(cell.contents());
        } else {
            out.push(' ');
        }
    }
    if cur != Style::default() {
        out.push_str("\x1b[0m");
    }
    if !ansi {
        // Same as history lines: blanks the program wrote at the end do not show.
        let keep = out.trim_end_matches(' ').len();
        out.truncate(keep);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static SEQ: Cell<u64> = const { Cell::new(0) };
    }

    /// Feeds bytes with a running sequence number, as the pane reader does.
    /// Feeds bytes with a running sequence number, as the pane reader does, then syncs as an
    /// observer would; returns what changed and whether the content did.
    fn feed(s: &mut Screen, b: &[u8]) -> (Changes, bool) {
        let seq = SEQ.with(|c| {
            c.set(c.get() + b.len() as u64);
            c.get()
        });
        let c = s.process(b, seq);
        (c, s.sync())
    }

    #[test]
    fn unsynced_rows_that_scroll_away_carry_the_chunk_seq_into_history() {
        let mut s = Screen::new(3, 10, 10);
        feed(&mut s, b"old\r\n");
        let since = seq_now();
        // No sync: a new line is written and scrolled off within one chunk.
        let c = s.process(b"new\r\nx\r\ny\r\nz", since + 20);
        assert_eq!(c.bells, 0);
        let re = regex::RegexBuilder::new("^new$")
            .multi_line(true)
            .build()
            .unwrap();
        s.sync();
        let f = s
            .find(&re, true, Some(since))
            .expect("the new line is fresh in history");
        assert!(f.row < 0);
        let old = regex::RegexBuilder::new("^old$")
            .multi_line(true)
            .build()
            .unwrap();
        assert!(
            s.find(&old, true, Some(since)).is_none(),
            "the old line stays old"
        );
    }

    fn seq_now() -> u64 {
        SEQ.with(Cell::get)
    }

    #[test]
    fn since_ignores_stale_matches_even_after_scrolling() {
        let mut s = Screen::new(4, 20, 100);
        feed(&mut s, b"$ echo A\r\nA\r\n$ ");
        let re = regex::RegexBuilder::new("^A$")
            .multi_line(true)
            .build()
            .unwrap();
        assert_eq!(s.find(&re, false, None).unwrap().row, 1);
        let since = seq_now();
        assert!(s.find(&re, false, Some(since)).is_none());
        // The command echo changes the prompt row, which does not match ^A$.
        feed(&mut s, b"echo A\r\n");
        assert!(s.find(&re, false, Some(since)).is_none());
        // Scrolling moves the old A up; it stays old. The new A is found on its row.
        feed(&mut s, b"A\r\n$ ");
        let f = s.find(&re, false, Some(since)).unwrap();
        assert_eq!(f.row, 2, "{:?}", s.lines(ReadRange::Visible, false));
        // In history mode the old A (now history) is still old.
        feed(&mut s, b"\r\n\r\n\r\n");
        let f = s.find(&re, true, Some(since)).unwrap();
        assert!(f.row < 0);
        let first_a = s.find(&re, true, None).unwrap();
        assert!(first_a.row < f.row);
    }

    #[test]
    fn content_changes_ignore_cursor_moves_and_identical_redraws() {
        let mut s = Screen::new(4, 20, 0);
        assert!(feed(&mut s, b"hello").1);
        assert!(!feed(&mut s, b"\x1b[1;1H\x1b[3;5H").1);
        assert!(!feed(&mut s, b"\x1b[1;1Hhello").1);
        assert!(feed(&mut s, b"\x1b[1;1HHello").1);
        let (c, changed) = feed(&mut s, b"\x07\x1b]2;t\x07\x1b]133;A\x07");
        assert_eq!(
            (c.bells, c.title, c.prompt, changed),
            (1, true, true, false)
        );
        assert!(s.marks().at_prompt);
        feed(&mut s, b"\x1b]133;C\x07\x1b]133;D;3\x07");
        assert_eq!(
            s.marks(),
            PromptMarks {
                prompts: 1,
                at_prompt: false,
                last_status: Some(3)
            }
        );
    }

    fn text(s: &Screen) -> Vec<String> {
        s.lines(ReadRange::Visible, false).unwrap().lines
    }

    #[test]
    fn answers_queries_at_the_cursor_position() {
        let mut s = Screen::new(24, 80, 100);
        feed(&mut s, b"ab\x1b[6n\x1b[5n\x1b[c\x1b[>c\x1b]11;?\x07");
        let r = String::from_utf8(s.take_replies().unwrap()).unwrap();
        assert_eq!(
            r,
            "\x1b[1;3R\x1b[0n\x1b[?1;2c\x1b[>84;0;0c\x1b]11;rgb:0000/0000/0000\x1b\\"
        );
        assert!(s.take_replies().is_none());
    }

    #[test]
    fn answers_mode_version_size_colour_and_setting_queries() {
        let mut s = Screen::new(24, 80, 0);
        feed(
            &mut s,
            b"\x1b[?7l\x1b[?7$p\x1b[?2004$p\x1b[?9999$p\x1b[4h\x1b[4$p\x1b[>q\x1b[14t\x1b[18t",
        );
        let r = String::from_utf8(s.take_replies().unwrap()).unwrap();
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            r,
            format!(
                "\x1b[?7;2$y\x1b[?2004;2$y\x1b[?9999;0$y\x1b[4;1$y\x1bP>|tidemux {version}\x1b\\\x1b[4;768;1280t\x1b[8;24;80t"
            )
        );
        feed(
            &mut s,
            b"\x1b]4;1;?;232;?\x07\x1b[1;31;48;5;100m\x1bP$qm\x1b\\\x1b[3;20r\x1bP$qr\x1b\\\x1bP$qx\x1b\\\x1b[?u",
        );
        let r = String::from_utf8(s.take_replies().unwrap()).unwrap();
        assert_eq!(
            r,
            "\x1b]4;1;rgb:cdcd/0000/0000\x1b\\\x1b]4;232;rgb:0808/0808/0808\x1b\\\x1bP1$r0;1;31;48;5;100m\x1b\\\x1bP1$r3;20r\x1b\\\x1bP0$r\x1b\\"
        );
    }

    #[test]
    fn endless_osc_and_dcs_strings_stay_bounded() {
        let mut s = Screen::new(2, 20, 0);
        feed(&mut s, b"\x1b]2;");
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..64 {
            feed(&mut s, &chunk);
        }
        feed(&mut s, b"\x07\x1bP$q");
        for _ in 0..64 {
            feed(&mut s, &chunk);
        }
        feed(&mut s, b"\x1b\\ok");
        assert!(
            s.title().len() <= 1024,
            "title kept {} bytes",
            s.title().len()
        );
        assert_eq!(text(&s)[0], "ok");
    }

    #[test]
    fn soft_wrapped_rows_are_remembered() {
        let mut s = Screen::new(4, 10, 0);
        feed(&mut s, b"0123456789abc\r\nshort\r\n");
        assert_eq!(s.wrapped_rows(), [true, false, false, false]);
        assert_eq!(text(&s)[..3], ["0123456789", "abc", "short"]);
        assert!(s.line_wrapped(0) && !s.line_wrapped(1) && !s.line_wrapped(-1));
        // The wrapped row scrolls into history and keeps its flag.
        let mut s = Screen::new(2, 10, 10);
        feed(&mut s, b"0123456789abc\r\nx\r\ny");
        assert_eq!(
            s.lines(ReadRange::History, false).unwrap().lines,
            ["0123456789", "abc", "x", "y"]
        );
        assert!(s.line_wrapped(-2) && !s.line_wrapped(-1) && !s.line_wrapped(0));
    }

    #[test]
    fn dec_graphics_title_string_and_invalid_utf8() {
        let mut s = Screen::new(3, 20, 0);
        feed(
            &mut s,
            b"\x1b(0lqk\x1b(B \x1bkname\x1b\\a\xffb\xef\xbf\xbdc\xef\xbf\xbfd",
        );
        assert_eq!(text(&s)[0], "\u{250c}\u{2500}\u{2510} ab\u{fffd}cd");
        // A literal U+FFFD split across reads is still drawn.
        feed(&mut s, b"\r\n\xef");
        feed(&mut s, b"\xbf");
        feed(&mut s, b"\xbdz");
        assert_eq!(text(&s)[1], "\u{fffd}z");
    }

    #[test]
    fn window_names_from_esc_k() {
        let mut s = Screen::new(3, 20, 0);
        assert_eq!(s.take_rename(), None);
        // The last name of a read wins; text around it is drawn, the name is not.
        feed(&mut s, b"a\x1bkone\x1b\\b\x1bktwo\x07x\x1b\\c");
        assert_eq!(s.take_rename().as_deref(), Some("twox"));
        assert_eq!(s.take_rename(), None);
        assert_eq!(text(&s)[0], "abc");
        // Empty, split across reads, ended by another sequence, C0 controls left out.
        feed(&mut s, b"\x1bk\x1b\\");
        assert_eq!(s.take_rename().as_deref(), Some(""));
        feed(&mut s, b"\x1bkna");
        feed(&mut s, b"m\x01e\x1b[m");
        assert_eq!(s.take_rename().as_deref(), Some("name"));
        // DEL makes the name invalid (tmux utf8_isvalid).
        feed(&mut s, b"\x1bkna\x7fme\x1b\\");
        assert_eq!(s.take_rename(), None);
        // Invalid UTF-8 drops the name (tmux utf8_isvalid); a literal U+FFFD does not.
        feed(&mut s, b"\x1bkbad\xff\x1b\\");
        assert_eq!(s.take_rename(), None);
        feed(&mut s, b"\x1bkok\xef\xbf\xbd\x1b\\");
        assert_eq!(s.take_rename().as_deref(), Some("ok\u{fffd}"));
    }

    /// Feeds a corpus stream (resize markers applied) in chunks of `chunk` bytes.
    fn replay_stream(data: &[u8], chunk: usize) -> (Vec<String>, Cursor) {
        const MARK: &[u8] = b"\x1b_tidemux:resize=";
        let mut s = Screen::new(24, 80, 2000);
        let mut seq = 0;
        let mut feed_all = |s: &mut Screen, bytes: &[u8]| {
            for part in bytes.chunks(chunk.max(1)) {
                seq += part.len() as u64;
                s.process(part, seq);
            }
        };
        let mut rest = data;
        while let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) {
            feed_all(&mut s, &rest[..at]);
            let after = &rest[at + MARK.len()..];
            let end = after
                .windows(2)
                .position(|w| w == b"\x1b\\")
                .unwrap_or(after.len());
            let spec = std::str::from_utf8(&after[..end]).unwrap_or("80x24");
            let (c, r) = spec.split_once('x').unwrap_or(("80", "24"));
            s.resize(r.parse().unwrap_or(24), c.parse().unwrap_or(80));
            rest = &after[(end + 2).min(after.len())..];
        }
        feed_all(&mut s, rest);
        (s.lines(ReadRange::History, true).unwrap().lines, s.cursor())
    }

    /// Checks every row leaving the screen: its compact form, formatted when read, is byte
    /// for byte the basic formatted text that history used to store (vt100's
    /// `write_formatted_basic`), and its plain form is that text without SGR.
    #[derive(Default)]
    struct CompactCheck {
        rows: usize,
        styled: usize,
    }

    impl vt100::Callbacks for CompactCheck {
        fn on_scroll(&mut self, contents: vt100::capture::RowContents<'_>, _alternate: bool) {
            let mut formatted = String::new();
            let mut state = vt100::capture::BasicFormattedCaptureState::new();
            contents
                .write_formatted_basic(&mut formatted, &mut state)
                .unwrap();
            let mut compact = Vec::new();
            contents.write_compact(&mut compact);
            assert_eq!(history_formatted(&compact), formatted, "{compact:?}");
            let mut plain = String::new();
            vt100::capture::compact_to_plain(&compact, &mut plain);
            let expected: String = vt100::capture::basic_formatted_to_plain(&formatted).collect();
            assert_eq!(plain, expected);
            self.rows += 1;
            self.styled += usize::from(formatted.contains('\x1b'));
        }
    }

    /// History's compact rows read back as the formatted text it stored before (every row
    /// that scrolls off in the differential corpus and the benchmark streams, at two widths).
    #[test]
    fn compact_history_rows_format_as_before() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files: Vec<std::path::PathBuf> = ["ls", "build", "tui", "plain"]
            .iter()
            .map(|s| root.join(format!("benches/streams/{s}.vt")))
            .collect();
        for group in ["real", "synthetic", "random"] {
            if let Ok(dir) = std::fs::read_dir(root.join("tests/screen/corpus").join(group)) {
                files.extend(dir.flatten().map(|e| e.path()));
            }
        }
        let mut check = CompactCheck::default();
        for path in &files {
            let data = std::fs::read(path).unwrap();
            for (rows, cols) in [(24, 80), (5, 13)] {
                let mut p = vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, check);
                p.process(&data);
                p.set_size(nz(rows / 2 + 1), nz(cols + 7));
                check = std::mem::take(p.callbacks_mut());
            }
        }
        assert!(
            check.rows > 10_000 && check.styled > 1_000,
            "{} rows, {} styled, from {} files",
            check.rows,
            check.styled,
            files.len()
        );
    }

    /// The screen does not depend on how output is cut into reads (vt100's own test method):
    /// every stream of the differential corpus, whole and in chunks of 1, 2, 3, 7 and 61 bytes.
    #[test]
    fn corpus_screens_do_not_depend_on_read_boundaries() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/screen/corpus");
        let mut n = 0;
        for group in ["real", "synthetic", "random"] {
            let Ok(dir) = std::fs::read_dir(root.join(group)) else {
                continue;
            };
            for entry in dir.flatten() {
                let data = std::fs::read(entry.path()).unwrap();
                let whole = replay_stream(&data, usize::MAX);
                for chunk in [1, 2, 3, 7, 61] {
                    assert_eq!(
                        replay_stream(&data, chunk),
                        whole,
                        "{} in chunks of {chunk}",
                        entry.path().display()
                    );
                }
                n += 1;
            }
        }
        assert!(
            n > 100,
            "only {n} corpus streams found under {}",
            root.display()
        );
    }

    /// How long a width change takes with a full history of wrapped lines (prints; run
    /// `cargo test --release -p tidemux-server history_reflow_cost -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn history_reflow_cost() {
        let mut s = Screen::new(50, 200, 10_000);
        let line = "\x1b[32mgreen\x1b[0m ".repeat(40);
        for i in 0..11_000 {
            feed(&mut s, format!("{i} {line}\r\n").as_bytes());
        }
        let t = std::time::Instant::now();
        s.resize(50, 120);
        let narrow = t.elapsed();
        let t = std::time::Instant::now();
        s.resize(50, 200);
        let wide = t.elapsed();
        let (lines, _, bytes) = s.history_stats();
        eprintln!(
            "200->120 cols: {narrow:?}, 120->200: {wide:?}; history {lines} lines, {bytes} bytes"
        );
    }

    /// Everything a reader can see of a screen: text with styles of history and screen,
    /// the cursor, wrap flags, each history line's sequence number (through `first_after`)
    /// and each row's, and the row fingerprints after a sync.
    fn observable(s: &mut Screen, last_seq: u64) -> String {
        let lines = s.lines(ReadRange::History, true).unwrap();
        let hooks = s.parser.callbacks();
        let h = hooks.history.len() as i64;
        let hist_wrapped: Vec<bool> = (-h..0).map(|n| s.line_wrapped(n)).collect();
        let firsts: Vec<Option<usize>> = (0..=last_seq.min(400))
            .chain((0..40).map(|k| last_seq.saturating_sub(k * 97)))
            .map(|q| hooks.history.first_after(q))
            .collect();
        let seqs: Vec<u64> = hooks.row_seq.iter().copied().collect();
        // (Not the store's byte count: its spare capacity differs.)
        let stats = (s.history_stats().0, hooks.history.total());
        let cursor = s.cursor();
        let wrapped = s.wrapped_rows();
        s.sync();
        let hashes = s.row_hashes();
        format!(
            "{lines:?}\n{cursor:?}\n{wrapped:?}\n{hist_wrapped:?}\n{firsts:?}\n{seqs:?}\n{stats:?}\n{hashes:?}",
            lines = (lines.first_line, lines.lines)
        )
    }

    /// Feeds `data` in pieces of the given sizes (cycled), syncing after every other piece,
    /// with vt100's scroll-through path on or off.
    fn replay_through(data: &[u8], size: (u16, u16), pieces: &[usize], on: bool) -> String {
        // A history limit a batch of lines can exceed, or not.
        let limit = if size.0.is_multiple_of(2) { 500 } else { 20 };
        let mut s = Screen::new(size.0, size.1, limit);
        s.parser.set_scroll_through(on);
        let (mut seq, mut at, mut k) = (0u64, 0, 0);
        while at < data.len() {
            let n = pieces[k % pieces.len()].clamp(1, data.len() - at);
            seq += n as u64;
            s.process(&data[at..at + n], seq);
            if k % 2 == 1 {
                s.sync();
            }
            at += n;
            k += 1;
        }
        observable(&mut s, seq)
    }

    /// vt100's scroll-through path (many CR LF lines at once) leaves exactly what the
    /// line-by-line path leaves: screen, history with styles, wrap flags, sequence numbers
    /// of rows and history lines, fingerprints; on streams of simple lines mixed with what
    /// rules it out or breaks it (wrapping lines, colours, background colours, scroll regions,
    /// the alternate screen, cursor moves, insert mode, no autowrap, line drawing, `ESC k`,
    /// tabs, bare LF, UTF-8), at several sizes and read sizes.
    #[test]
    fn scroll_through_leaves_what_line_by_line_leaves() {
        let mut rng = Rng(0x5eed_1234_abcd);
        let extras: &[&[u8]] = &[
            b"\x1b[31m",
            b"\x1b[1;32;44m",
            b"\x1b[0m",
            b"\x1b[m",
            b"\x1b[44m",
            b"\x1b[49m",
            b"\x1b[2;5r",
            b"\x1b[r",
            b"\x1b[?1049h",
            b"\x1b[?1049l",
            b"\x1b[H",
            b"\x1b[3;4H",
            b"\x1b[99;1H",
            b"\x1b[4h",
            b"\x1b[4l",
            b"\x1b[?7l",
            b"\x1b[?7h",
            b"\x1b(0",
            b"\x1b(B",
            b"\x1bkname\x1b\\",
            b"\t",
            b"\n",
            b"\r",
            b"\x1b[2J",
            b"\x1b[3J",
            b"caf\xc3\xa9 \xe4\xb8\xad\r\n",
            b"\x1b[K",
            b"\x1bM",
            b"\x1b[5S",
            b"partial",
        ];
        for round in 0..50 {
            let mut data = Vec::new();
            for _ in 0..40 {
                if rng.below(3) == 0 {
                    data.extend_from_slice(extras[rng.below(extras.len() as u64) as usize]);
                    continue;
                }
                let lines = rng.below(90);
                let max = [3, 14, 80, 90][rng.below(4) as usize];
                for _ in 0..lines {
                    let len = rng.below(max + 1);
                    for _ in 0..len {
                        data.push(b' ' + rng.below(95) as u8);
                    }
                    data.extend_from_slice(b"\r\n");
                }
            }
            if round == 0 {
                data = b"y\r\n".repeat(3000);
            }
            for size in [(24, 80), (5, 13), (1, 1), (2, 80), (50, 200), (3, 40)] {
                for pieces in [&[usize::MAX][..], &[4095], &[7, 61, 1, 300], &[65536, 13]] {
                    let on = replay_through(&data, size, pieces, true);
                    let off = replay_through(&data, size, pieces, false);
                    if on != off {
                        let diff = on
                            .lines()
                            .zip(off.lines())
                            .enumerate()
                            .find(|(_, (a, b))| a != b)
                            .map(|(i, (a, b))| {
                                let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y);
                                let at = at.count().saturating_sub(80);
                                format!("part {i}: {:?}\n vs {:?}", &a[at..], &b[at..])
                            });
                        panic!("round {round}, size {size:?}, pieces {pieces:?}: {diff:?}");
                    }
                }
            }
        }
    }

    /// A small xorshift generator, so the fuzz run needs no dependency and is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
    }

    const FUZZ_PIECES: &[&[u8]] = &[
        b"\x1b[",
        b"\x1b]",
        b"\x1bP",
        b"\x1b(0",
        b"\x1b)0",
        b"\x0e",
        b"\x0f",
        b"\x1b7",
        b"\x1b8",
        b"\x1b[?1049h",
        b"\x1b[?1049l",
        b"\x1b[?47h",
        b"\x1b[4h",
        b"\x1b[?7l",
        b"\x1b[?7h",
        b"\x1b[3;10r",
        b"\x1b[r",
        b"\x1b[5L",
        b"\x1b[5M",
        b"\x1b[200@",
        b"\x1b[9P",
        b"\x1b[9X",
        b"\x1bD",
        b"\x1bE",
        b"\x1bM",
        b"\x1bH",
        b"\x1b[3g",
        b"\x1b[Z",
        b"\x1b#8",
        b"\x1bk",
        b"\x1b\\",
        b"\x1bc",
        b"\x1b[6n",
        b"\x1b[?2004$p",
        b"\x1bP$qm\x1b\\",
        b"\x1b]4;1;?\x07",
        "日本語".as_bytes(),
        "e\u{301}".as_bytes(),
        "\u{1F600}".as_bytes(),
        b"\xef\xbf\xbd",
        b"\xff",
        b"\r\n",
        b"\t",
        b"\x08",
        b"hello world",
        b"\x1b[38;2;1;2;3m",
        b"\x1b[1;2;7m",
        b"\x1b[b",
        b"\x1b[100;100H",
        b"\x1b[?6h",
        b"\x1b[2J",
        b"\x1b[3J",
        b"\x1b[K",
        b";",
        b"9",
    ];

    /// Random and mutated byte streams with random resizes: no panic, the cursor stays on
    /// the screen, every row reads back, replies and history stay bounded.
    /// `SCREEN_FUZZ_ITERS=1000000 cargo test --release -p tidemux-server fuzz_` runs longer.
    #[test]
    fn fuzz_random_streams_and_resizes_keep_the_screen_sane() {
        let iters: u64 = std::env::var("SCREEN_FUZZ_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3000);
        let seed: u64 = std::env::var("SCREEN_FUZZ_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0x5eed_1234_abcd_0001);
        let mut rng = Rng(seed);
        let mut s = Screen::new(24, 80, 200);
        let mut seq = 0u64;
        for i in 0..iters {
            let mut chunk = Vec::new();
            for _ in 0..rng.below(24) {
                match rng.below(4) {
                    0 => chunk.extend((0..rng.below(16)).map(|_| rng.next() as u8)),
                    _ => {
                        let piece = FUZZ_PIECES[rng.below(FUZZ_PIECES.len() as u64) as usize];
                        chunk.extend_from_slice(piece);
                    }
                }
            }
            // Mutations: flip or drop a byte.
            if !chunk.is_empty() && rng.below(4) == 0 {
                let at = rng.below(chunk.len() as u64) as usize;
                chunk[at] ^= 1 << rng.below(8);
            }
            if !chunk.is_empty() && rng.below(8) == 0 {
                chunk.remove(rng.below(chunk.len() as u64) as usize);
            }
            seq += chunk.len() as u64;
            s.process(&chunk, seq);
            if rng.below(50) == 0 {
                let rows = 1 + rng.below(60) as u16;
                let cols = 1 + rng.below(200) as u16;
                s.resize(rows, cols);
            }
            if i % 64 == 0 {
                s.sync();
                let (rows, cols) = s.size();
                let c = s.cursor();
                assert!(
                    c.row < rows && c.col <= cols,
                    "cursor {c:?} off {rows}x{cols}"
                );
                let lines = s.lines(ReadRange::Visible, true).expect("readable");
                assert_eq!(lines.lines.len(), usize::from(rows));
                assert_eq!(s.wrapped_rows().len(), usize::from(rows));
                let (held, limit, _) = s.history_stats();
                assert!(held <= limit);
                let replies = s.take_replies().map_or(0, |r| r.len());
                assert!(replies < 1 << 20, "replies grew to {replies} bytes");
            }
        }
    }

    #[test]
    fn history_keeps_scrolled_lines_in_order_within_limit() {
        let mut s = Screen::new(3, 10, 5);
        for i in 1..=10 {
            feed(&mut s, format!("{i}\r\n").as_bytes());
        }
        // Screen shows 9, 10, blank; history holds 4..8 (limit 5).
        let all = s.lines(ReadRange::History, false).unwrap();
        assert_eq!(all.first_line, -5);
        assert_eq!(all.lines, ["4", "5", "6", "7", "8", "9", "10", ""]);
        let last2 = s.lines(ReadRange::Lines(2), false).unwrap();
        assert_eq!(last2.lines, ["7", "8", "9", "10", ""]);
        let span = s
            .lines(
                ReadRange::Span {
                    start: Some(-1),
                    end: Some(0),
                },
                false,
            )
            .unwrap();
        assert_eq!(span.lines, ["8", "9"]);
        assert!(s
            .lines(
                ReadRange::Span {
                    start: Some(1),
                    end: Some(0)
                },
                false
            )
            .is_err());
    }

    #[test]
    fn ansi_rows_and_history_carry_sgr() {
        let mut s = Screen::new(2, 20, 10);
        feed(
            &mut s,
            b"\x1b[31mred\x1b[0m plain\r\n\x1b[1;44mx\x1b[0m\r\nnext",
        );
        let vis = s.lines(ReadRange::Visible, true).unwrap().lines;
        assert_eq!(vis[0], "\x1b[0;1;44mx\x1b[0m");
        let hist = s.lines(ReadRange::History, true).unwrap().lines;
        assert!(hist[0].contains("\x1b[31mred"), "{:?}", hist[0]);
        assert!(hist[0].ends_with("\x1b[0m"));
        let plain = s.lines(ReadRange::History, false).unwrap().lines;
        assert_eq!(plain[0], "red plain");
        assert_eq!(text(&s), ["x", "next"]);
    }

    #[test]
    fn wide_chars_and_split_utf8_across_chunks() {
        let mut s = Screen::new(2, 10, 0);
        let bytes = "日本é".as_bytes();
        for b in bytes {
            feed(&mut s, std::slice::from_ref(b));
        }
        assert_eq!(text(&s)[0], "日本é");
    }

    #[test]
    fn incremental_search_sees_only_new_lines_but_finds_everything_new() {
        let mut s = Screen::new(3, 20, 1000);
        for i in 0..100 {
            feed(&mut s, format!("line {i}\r\n").as_bytes());
        }
        let re = |p: &str| {
            regex::RegexBuilder::new(p)
                .multi_line(true)
                .build()
                .unwrap()
        };
        let mut mark = None;
        // First search: everything.
        assert_eq!(
            s.find_new(&re("^line 5$"), true, None, &mut mark, 0)
                .unwrap()
                .row,
            -93
        );
        let mut mark = None;
        assert!(s
            .find_new(&re("NEEDLE"), true, None, &mut mark, 0)
            .is_none());
        // Old lines are not searched again: a match there is not reported...
        assert!(s
            .find_new(&re("^line 5$"), true, None, &mut mark, 0)
            .is_none());
        // ...new ones are, in history and on screen, and a match spanning old and new lines
        // with enough context.
        feed(&mut s, b"NEEDLE\r\nx\r\ny\r\nz\r\n");
        let f = s.find_new(&re("NEEDLE"), true, None, &mut mark, 0).unwrap();
        assert_eq!(f.row, -2);
        feed(&mut s, b"END");
        let f = s.find_new(&re("z\nEND"), true, None, &mut mark, 1).unwrap();
        assert_eq!(f.row, 1);
        // A resize searches everything again.
        s.resize(4, 20);
        assert!(s
            .find_new(&re("^line 5$"), true, None, &mut mark, 0)
            .is_some());
        // With `since` the first search starts at the first line changed after it.
        let since = seq_now();
        feed(&mut s, b"\r\nfresh\r\n");
        let mut mark = None;
        assert!(s
            .find_new(&re("^line"), true, Some(since), &mut mark, 0)
            .is_none());
        let mut mark = None;
        assert!(s
            .find_new(&re("^fresh"), true, Some(since), &mut mark, 0)
            .is_some());
    }

    #[test]
    fn long_titles_are_cut() {
        let mut s = Screen::new(2, 10, 0);
        let mut b = b"\x1b]2;".to_vec();
        b.extend("é".repeat(1_000_000).as_bytes());
        b.extend(b"\x07ok");
        feed(&mut s, &b);
        let n = s.title().len();
        assert!(
            n <= MAX_TITLE_BYTES && n + 4 >= MAX_TITLE_BYTES,
            "{n} bytes"
        );
        assert!(s.title().chars().all(|c| c == 'é'));
        assert_eq!(text(&s)[0], "ok");
    }

    #[test]
    fn title_bell_modes() {
        let mut s = Screen::new(2, 10, 0);
        feed(
            &mut s,
            b"\x1b]2;hello\x07\x07\x1b[?1h\x1b[?2004h\x1b[?1049h",
        );
        assert_eq!(s.title(), "hello");
        assert_eq!(s.bells(), 1);
        let m = s.modes();
        assert!(m.application_cursor && m.bracketed_paste && m.alternate_screen);
    }

    #[test]
    fn pending_holds_an_unfinished_sequence() {
        let mut s = Screen::new(2, 10, 0);
        feed(&mut s, b"ready\r\n\x1b[1;");
        assert_eq!(s.pending(), b"\x1b[1;");
        feed(&mut s, b"2");
        assert_eq!(s.pending(), b"\x1b[1;2");
        feed(&mut s, b"m");
        assert_eq!(s.pending(), b"");
        feed(&mut s, b"\x1b]2;ti");
        assert_eq!(s.pending(), b"\x1b]2;ti");
        feed(&mut s, b"\x07x\x1b");
        assert_eq!(s.pending(), b"\x1b");
        feed(&mut s, b"\x18");
        assert_eq!(s.pending(), b"");
    }

    #[test]
    fn osc_52_clips_are_decoded_like_tmux() {
        let mut s = Screen::new(2, 10, 0);
        feed(
            &mut s,
            b"\x1b]52;c;aGVsbG8gY2xpcA==\x07\x1b]52;c;a\x07\x1b]52;;eA==\x1b\\\x1b]52;c;?\x07\x1b]52;;?\x1b\\",
        );
        assert_eq!(
            s.take_clips(),
            [
                Clip::Set(b"hello clip".to_vec()),
                Clip::Set(b"x".to_vec()),
                Clip::Query { bel: true },
                Clip::Query { bel: false }
            ]
        );
        assert!(s.take_clips().is_empty());
        assert_eq!(decode_base64(b"aGk="), Some(b"hi".to_vec()));
        // Shorter than 4 characters: ignored, as tmux (its output length would be 0).
        assert_eq!(decode_base64(b"aGk"), None);
        assert_eq!(decode_base64(b"a"), None);
        assert_eq!(decode_base64(b"a===="), None);
        assert_eq!(decode_base64(b"Zm9v"), Some(b"foo".to_vec()));
    }
}
