//! tmux's `capture-pane` text: the lines of a pane rendered exactly as tmux 3.3a prints them
//! (cmd-capture-pane.c `cmd_capture_pane_history`, grid.c `grid_string_cells` and
//! `grid_string_cells_code`).
//!
//! - A line is its cells up to the last one used (written, or cleared with a colour); an
//!   empty cell inside that is a space; the right half of a wide character is skipped.
//! - Trailing spaces are trimmed unless `-J` or `-N`.
//! - `-e`: before each cell, the SGR sequence that takes the attributes of the previous cell
//!   output (over all lines of the capture, starting from the default cell) to this cell's:
//!   `0` first when an attribute is removed, then the codes of attributes newly set, then the
//!   foreground and background colours when they changed (or a `0` was written): `3x`/`9x`,
//!   `38;5;N`, `38;2;R;G;B`, `39` (and `4x`, `10x`, `48;...`, `49`). Attributes are never
//!   reset at the end of a line, as in tmux.
//! - `-C`: `\` becomes `\\` and the escape sequences start with `\033` written out.
//! - `-J`: a line that wrapped onto the next is not followed by a newline.
//!
//! Lines are numbered as in [`super::Screen::lines`] (tmux adds the history size): `-S`/`-E`
//! as tmux parses them (see [`line_bound`]).

use super::Screen;

/// The flags of `capture-pane` that shape the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureFlags {
    /// `-e`.
    pub escapes: bool,
    /// `-C`.
    pub octal: bool,
    /// `-J`.
    pub join: bool,
    /// `-N`.
    pub trailing: bool,
}

/// A cell's attributes as tmux's grid keeps them (for code generation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Attrs {
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    inverse: bool,
    fg: Colour,
    bg: Colour,
}

/// A colour: default, palette index, or RGB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Colour {
    #[default]
    Default,
    Idx(u8),
    Rgb(u8, u8, u8),
}

impl From<vt100::Color> for Colour {
    fn from(c: vt100::Color) -> Self {
        match c {
            vt100::Color::Default => Colour::Default,
            vt100::Color::Idx(i) => Colour::Idx(i),
            vt100::Color::Rgb(r, g, b) => Colour::Rgb(r, g, b),
        }
    }
}

/// tmux `grid_string_cells_fg`/`_bg`: the SGR parameters selecting a colour (`base` 30 for
/// the foreground, 40 for the background).
fn colour_codes(c: Colour, base: u16) -> Vec<u16> {
    match c {
        Colour::Default => vec![base + 9],
        Colour::Idx(i) if i < 8 => vec![base + u16::from(i)],
        Colour::Idx(i) if i < 16 => vec![base + 60 + u16::from(i) - 8],
        Colour::Idx(i) => vec![base + 8, 5, u16::from(i)],
        Colour::Rgb(r, g, b) => vec![base + 8, 2, u16::from(r), u16::from(g), u16::from(b)],
    }
}

/// One cell to print: its text (a space when empty) and attributes.
#[derive(Clone, Debug)]
struct Cell {
    text: String,
    attrs: Attrs,
    /// Columns it takes.
    width: usize,
}

/// tmux `grid_string_cells_code`: the escape sequence from `last` to `cur`.
fn code(last: &Attrs, cur: &Attrs, octal: bool, out: &mut Vec<u8>) {
    let esc: &[u8] = if octal { b"\\033[" } else { b"\x1b[" };
    let flags = |a: &Attrs| [a.bold, a.dim, a.italic, a.underline, a.inverse];
    const CODES: [u16; 5] = [1, 2, 3, 4, 7];
    let (now, before) = (flags(cur), flags(last));
    let mut s: Vec<u16> = Vec::new();
    let removed = now.iter().zip(before.iter()).any(|(n, b)| *b && !*n);
    let mut before = before;
    if removed {
        s.push(0);
        before = [false; 5];
    }
    for i in 0..5 {
        if now[i] && !before[i] {
            s.push(CODES[i]);
        }
    }
    if !s.is_empty() {
        out.extend_from_slice(esc);
        let list: Vec<String> = s.iter().map(u16::to_string).collect();
        out.extend_from_slice(list.join(";").as_bytes());
        out.push(b'm');
    }
    let reset = s.first() == Some(&0);
    for (new, old) in [
        (colour_codes(cur.fg, 30), colour_codes(last.fg, 30)),
        (colour_codes(cur.bg, 40), colour_codes(last.bg, 40)),
    ] {
        if new != old || reset {
            out.extend_from_slice(esc);
            let list: Vec<String> = new.iter().map(u16::to_string).collect();
            out.extend_from_slice(list.join(";").as_bytes());
            out.push(b'm');
        }
    }
}

/// The cells of a visible row (of the hidden normal screen with `saved`), up to the last one
/// used.
fn row_cells(screen: &vt100::Screen, row: u16, cols: u16, saved: bool) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut used = 0;
    for col in 0..cols {
        let cell = if saved {
            screen.saved_cell(row, col)
        } else {
            screen.cell(row, col)
        };
        let Some(c) = cell else {
            break;
        };
        if c.is_wide_continuation() {
            continue;
        }
        let attrs = Attrs {
            bold: c.bold(),
            dim: c.dim(),
            italic: c.italic(),
            underline: c.underline(),
            inverse: c.inverse(),
            fg: c.fgcolor().into(),
            bg: c.bgcolor().into(),
        };
        let text = if c.has_contents() {
            c.contents().to_owned()
        } else {
            " ".to_owned()
        };
        let width = if c.is_wide() { 2 } else { 1 };
        cells.push(Cell { text, attrs, width });
        if c.has_contents() || attrs.bg != Colour::Default || attrs.inverse {
            used = cells.len();
        }
    }
    cells.truncate(used);
    cells
}

/// Applies one SGR sequence's parameters (as history lines hold them) to `a`.
fn apply_sgr(a: &mut Attrs, params: &str) {
    let ps: Vec<u16> = params
        .split([';', ':'])
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let mut i = 0;
    while i < ps.len() {
        let p = ps[i];
        match p {
            0 => *a = Attrs::default(),
            1 => a.bold = true,
            2 => a.dim = true,
            3 => a.italic = true,
            4 => a.underline = true,
            7 => a.inverse = true,
            22 => {
                a.bold = false;
                a.dim = false;
            }
            23 => a.italic = false,
            24 => a.underline = false,
            27 => a.inverse = false,
            30..=37 => a.fg = Colour::Idx((p - 30) as u8),
            39 => a.fg = Colour::Default,
            40..=47 => a.bg = Colour::Idx((p - 40) as u8),
            49 => a.bg = Colour::Default,
            90..=97 => a.fg = Colour::Idx((p - 90 + 8) as u8),
            100..=107 => a.bg = Colour::Idx((p - 100 + 8) as u8),
            38 | 48 => {
                let c = match ps.get(i + 1) {
                    Some(5) => {
                        let c = Colour::Idx(ps.get(i + 2).copied().unwrap_or(0) as u8);
                        i += 2;
                        c
                    }
                    Some(2) => {
                        let g = |k: usize| ps.get(i + k).copied().unwrap_or(0) as u8;
                        let c = Colour::Rgb(g(2), g(3), g(4));
                        i += 4;
                        c
                    }
                    _ => Colour::Default,
                };
                if p == 38 {
                    a.fg = c;
                } else {
                    a.bg = c;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The cells of a history line (vt100's "basic formatted" text: characters, and SGR
/// sequences where attributes change, starting from the default), padded with default
/// spaces to the `used` cells it had on screen (the text leaves out trailing blanks).
fn history_cells(formatted: &str, used: u16) -> Vec<Cell> {
    let mut cells = formatted_cells(formatted);
    let width: usize = cells.iter().map(|c| c.width).sum();
    for _ in width..usize::from(used) {
        cells.push(Cell {
            text: " ".to_owned(),
            attrs: Attrs::default(),
            width: 1,
        });
    }
    cells
}

fn formatted_cells(formatted: &str) -> Vec<Cell> {
    use unicode_width::UnicodeWidthChar as _;
    let mut cells: Vec<Cell> = Vec::new();
    let mut a = Attrs::default();
    let mut rest = formatted;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' {
            let body = rest[1..].strip_prefix('[').unwrap_or(&rest[1..]);
            let end = body.find('m').unwrap_or(body.len());
            apply_sgr(&mut a, &body[..end]);
            rest = body.get(end + 1..).unwrap_or("");
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if c.width() == Some(0) && !cells.is_empty() {
            if let Some(last) = cells.last_mut() {
                last.text.push(c);
            }
            continue;
        }
        cells.push(Cell {
            text: c.to_string(),
            attrs: a,
            width: c.width().unwrap_or(1).clamp(1, 2),
        });
    }
    cells
}

/// How tmux reads a `-S`/`-E` value (cmd-capture-pane.c): `-` is the oldest history line (for
/// the start) or the bottom of the screen (for the end); a number in `i32::MIN..=32767` is a
/// line (0 the top of the screen, negative history, clamped to what exists); anything else
/// is the top of the screen (start) or its bottom (end). Returns a line number as in
/// [`Screen::lines`].
pub fn line_bound(value: Option<&str>, is_start: bool, history: i64, rows: i64) -> i64 {
    let bottom = rows - 1;
    let default = if is_start { 0 } else { bottom };
    let n = match value {
        Some("-") => return if is_start { -history } else { bottom },
        None => return default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (i64::from(i32::MIN)..=32767).contains(&n) => n,
            _ => return default,
        },
    };
    if n < 0 && -n > history {
        // tmux: top (or bottom) = 0, the oldest line.
        return -history;
    }
    n.min(bottom)
}

impl Screen {
    /// tmux `capture-pane` text of lines `start..=end` (numbered as in [`Screen::lines`];
    /// swapped when reversed, clamped to what exists): every line followed by a newline
    /// (except, with `-J`, a line that wrapped).
    pub fn capture_tmux(&self, start: i64, end: i64, flags: CaptureFlags) -> Vec<u8> {
        self.capture_grid(start, end, flags, false)
    }

    /// [`Screen::capture_tmux`] of the normal screen hidden while the alternate screen shows
    /// (`capture-pane -a`; tmux keeps no history with it: lines are 0..rows); `None` when the
    /// alternate screen is not in use.
    pub fn capture_saved_tmux(&self, start: i64, end: i64, flags: CaptureFlags) -> Option<Vec<u8>> {
        self.modes()
            .alternate_screen
            .then(|| self.capture_grid(start, end, flags, true))
    }

    fn capture_grid(&self, start: i64, end: i64, flags: CaptureFlags, saved: bool) -> Vec<u8> {
        let hist = &self.parser.callbacks().history;
        let h = if saved { 0 } else { hist.len() as i64 };
        let (rows, cols) = self.size();
        let bottom = i64::from(rows) - 1;
        let (start, end) = if end < start {
            (end, start)
        } else {
            (start, end)
        };
        let (start, end) = (start.clamp(-h, bottom), end.clamp(-h, bottom));
        let screen = self.parser.screen();
        let trim = !flags.join && !flags.trailing;
        let mut last = Attrs::default();
        let mut out = Vec::new();
        for n in start..=end {
            let (cells, wrapped) = if n < 0 {
                let i = (h + n) as usize;
                (
                    history_cells(
                        &super::history_formatted(hist.get(i).unwrap_or(b"")),
                        hist.used(i),
                    ),
                    hist.wrapped(i),
                )
            } else {
                let r = n as u16;
                let wrapped = if saved {
                    screen.saved_row_wrapped(r)
                } else {
                    screen.row_wrapped(r)
                };
                (row_cells(screen, r, cols, saved), wrapped)
            };
            let line_start = out.len();
            for c in &cells {
                if flags.escapes {
                    code(&last, &c.attrs, flags.octal, &mut out);
                    last = c.attrs;
                }
                if flags.octal && c.text == "\\" {
                    out.extend_from_slice(b"\\\\");
                } else {
                    out.extend_from_slice(c.text.as_bytes());
                }
            }
            if trim {
                while out.len() > line_start && out.last() == Some(&b' ') {
                    out.pop();
                }
            }
            if !flags.join || !wrapped {
                out.push(b'\n');
            }
        }
        out
    }

    /// Drops every history line (tmux `clear-history`).
    pub fn clear_history(&mut self) {
        let (screen, hooks) = self.parser.screen_and_callbacks_mut();
        hooks.history.clear();
        screen.set_scrolled_history(0);
        self.generation = super::next_generation();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(bytes: &[u8], start: i64, end: i64, flags: CaptureFlags) -> String {
        let mut s = Screen::new(4, 10, 100);
        s.process(bytes, bytes.len() as u64);
        String::from_utf8(s.capture_tmux(start, end, flags)).expect("utf-8")
    }

    #[test]
    fn plain_lines_are_trimmed_and_end_with_newlines() {
        let got = capture(b"ab  \r\ncd", 0, 3, CaptureFlags::default());
        assert_eq!(got, "ab\ncd\n\n\n");
    }

    #[test]
    fn escapes_carry_over_lines_as_tmux() {
        let flags = CaptureFlags {
            escapes: true,
            ..Default::default()
        };
        let got = capture(b"\x1b[1;31mx\r\ny\x1b[0mz", 0, 1, flags);
        assert_eq!(got, "\x1b[1m\x1b[31mx\ny\x1b[0m\x1b[39m\x1b[49mz\n");
    }

    #[test]
    fn join_and_octal() {
        let flags = CaptureFlags {
            join: true,
            ..Default::default()
        };
        let got = capture(b"0123456789abc", 0, 1, flags);
        assert_eq!(got, "0123456789abc\n");
        let flags = CaptureFlags {
            octal: true,
            escapes: true,
            ..Default::default()
        };
        let got = capture(b"a\\\x1b[32mb", 0, 0, flags);
        assert_eq!(got, "a\\\\\\033[32mb\n");
    }

    #[test]
    fn history_lines_keep_their_attributes() {
        let mut s = Screen::new(2, 10, 100);
        let bytes = b"\x1b[4;38;5;100mu\x1b[0m \x1b[44mb\x1b[0m\r\n2\r\n3";
        s.process(bytes, bytes.len() as u64);
        let flags = CaptureFlags {
            escapes: true,
            ..Default::default()
        };
        let got = String::from_utf8(s.capture_tmux(-1, -1, flags)).expect("utf-8");
        assert_eq!(
            got,
            "\x1b[4m\x1b[38;5;100mu\x1b[0m\x1b[39m\x1b[49m \x1b[44mb\n"
        );
    }

    #[test]
    fn bounds_as_tmux_parses_them() {
        assert_eq!(line_bound(Some("-"), true, 5, 3), -5);
        assert_eq!(line_bound(Some("-"), false, 5, 3), 2);
        assert_eq!(line_bound(Some("-9"), true, 5, 3), -5);
        assert_eq!(line_bound(Some("x"), true, 5, 3), 0);
        assert_eq!(line_bound(Some("x"), false, 5, 3), 2);
        assert_eq!(line_bound(Some("99"), false, 5, 3), 2);
        assert_eq!(line_bound(None, true, 5, 3), 0);
    }
}
