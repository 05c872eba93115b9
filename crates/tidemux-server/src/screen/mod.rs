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

pub mod history;

use history::History;
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
    bells: u64,
    scratch: String,
}

impl vt100::Callbacks for Hooks {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = String::from_utf8_lossy(title).into_owned();
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let p0 = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
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

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        match params {
            [b"10", b"?"] => self
                .replies
                .extend_from_slice(b"\x1b]10;rgb:c0c0/c0c0/c0c0\x1b\\"),
            [b"11", b"?"] => self
                .replies
                .extend_from_slice(b"\x1b]11;rgb:0000/0000/0000\x1b\\"),
            _ => {}
        }
    }

    fn on_scroll(&mut self, contents: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        if alternate_screen {
            return;
        }
        self.scratch.clear();
        let mut state = vt100::capture::BasicFormattedCaptureState::new();
        // Writing into a String cannot fail.
        let _ = contents.write_formatted_basic(&mut self.scratch, &mut state);
        self.history.push(&self.scratch);
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
            bells: 0,
            scratch: String::with_capacity(256),
        };
        Self {
            parser: vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, hooks),
        }
    }

    /// Feeds raw PTY output. Never fails; unknown sequences are ignored.
    pub fn process(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
    }

    /// Takes the bytes the screen wants written back to the PTY (query replies), if any.
    pub fn take_replies(&mut self) -> Option<Vec<u8>> {
        let r = &mut self.parser.callbacks_mut().replies;
        (!r.is_empty()).then(|| std::mem::take(r))
    }

    /// Resizes to `rows` x `cols` cells; rows pushed off the top go to history.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.set_size(nz(rows), nz(cols));
    }

    /// (rows, cols).
    pub fn size(&self) -> (u16, u16) {
        let (r, c) = self.parser.screen().size();
        (r.get(), c.get())
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
                let line = hist.get((h + n) as usize).unwrap_or("");
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

fn history_line(formatted: &str, ansi: bool) -> String {
    if ansi {
        let mut s = formatted.to_owned();
        if s.contains('\x1b') {
            s.push_str("\x1b[0m");
        }
        s
    } else {
        let plain: String = vt100::capture::basic_formatted_to_plain(formatted).collect();
        let trimmed = plain.trim_end_matches(' ').len();
        let mut plain = plain;
        plain.truncate(trimmed);
        plain
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
    for col in 0..cols {
        let Some(cell) = screen.cell(row, col) else {
            break;
        };
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

    fn text(s: &Screen) -> Vec<String> {
        s.lines(ReadRange::Visible, false).unwrap().lines
    }

    #[test]
    fn answers_queries_at_the_cursor_position() {
        let mut s = Screen::new(24, 80, 100);
        s.process(b"ab\x1b[6n\x1b[5n\x1b[c\x1b[>c\x1b]11;?\x07");
        let r = String::from_utf8(s.take_replies().unwrap()).unwrap();
        assert_eq!(
            r,
            "\x1b[1;3R\x1b[0n\x1b[?1;2c\x1b[>84;0;0c\x1b]11;rgb:0000/0000/0000\x1b\\"
        );
        assert!(s.take_replies().is_none());
    }

    #[test]
    fn history_keeps_scrolled_lines_in_order_within_limit() {
        let mut s = Screen::new(3, 10, 5);
        for i in 1..=10 {
            s.process(format!("{i}\r\n").as_bytes());
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
        s.process(b"\x1b[31mred\x1b[0m plain\r\n\x1b[1;44mx\x1b[0m\r\nnext");
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
            s.process(std::slice::from_ref(b));
        }
        assert_eq!(text(&s)[0], "日本é");
    }

    #[test]
    fn title_bell_modes() {
        let mut s = Screen::new(2, 10, 0);
        s.process(b"\x1b]2;hello\x07\x07\x1b[?1h\x1b[?2004h\x1b[?1049h");
        assert_eq!(s.title(), "hello");
        assert_eq!(s.bells(), 1);
        let m = s.modes();
        assert!(m.application_cursor && m.bracketed_paste && m.alternate_screen);
    }
}
