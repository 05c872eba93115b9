//! Copy mode: a frozen copy of a pane's history and screen with a cursor, movement, search with
//! highlighted matches, and a selection that is copied into a paste buffer and to the outer
//! terminal's clipboard (tmux(1) "WINDOWS AND PANES", copy mode; key tables `copy-mode`
//! (emacs) and `copy-mode-vi`, chosen by the window option `mode-keys`).
//!
//! This module is the state machine only: keys (as tmux names, see [`key_name`]) and mouse
//! positions go in, an [`Outcome`] comes out; drawing goes into a [`Grid`]. The attach loop
//! does the I/O (history from `read-screen`, `set-buffer`, OSC 52).

use super::render::Grid;
use tidemux_proto::{CellStyle, Color, PaneId};
use unicode_width::UnicodeWidthChar;

/// What a key did that the caller must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing beyond the view (redraw).
    None,
    /// Leave copy mode.
    Exit,
    /// Copy this text (into a new paste buffer and, with `set-clipboard`, the outer terminal's
    /// clipboard), then leave copy mode (tmux `copy-selection-and-cancel`).
    Copy(String),
}

/// How the selection extends from its anchor to the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelKind {
    /// Characters, in reading order, both ends included.
    Char,
    /// Whole lines (vi `V`, tmux `select-line`).
    Line,
    /// A rectangle of columns (vi `C-v`, emacs `R`, tmux `rectangle-toggle`).
    Rect,
}

/// A prompt on the status line (search text being typed).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prompt {
    forward: bool,
    text: String,
}

/// The copy-mode state of one pane.
#[derive(Debug, Clone)]
pub struct Copy {
    /// The pane whose copy this is.
    pub pane: PaneId,
    /// Lines, oldest history line first; the pane's screen rows are the last `height`.
    lines: Vec<Vec<char>>,
    width: usize,
    height: usize,
    /// Index of the line shown on the top row.
    top: usize,
    /// Cursor: line index and column (in characters of that line).
    cy: usize,
    cx: usize,
    /// Selection anchor (line, column) and kind, while selecting.
    sel: Option<((usize, usize), SelKind)>,
    /// Last search: pattern and direction (true: down).
    search: Option<(String, bool)>,
    prompt: Option<Prompt>,
    /// vi key table (`mode-keys vi`); else emacs.
    pub vi: bool,
    /// Scrolling back to the bottom with the wheel leaves (tmux `copy-mode -e`, as entered by
    /// the wheel).
    pub exit_at_bottom: bool,
    /// A message shown in the position indicator (`Pattern not found`), until the next key.
    message: Option<String>,
    /// A mouse drag is selecting.
    dragging: bool,
}

/// tmux's default `word-separators` (3.3a); the space separates too.
const SEPARATORS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~";

/// tmux's `mode-style` default (black on yellow): the selection and the position indicator.
const MODE_STYLE: CellStyle = CellStyle {
    fg: Color::Idx(0),
    bg: Color::Idx(3),
    flags: 0,
};
/// `copy-mode-match-style` (black on cyan).
const MATCH_STYLE: CellStyle = CellStyle {
    fg: Color::Idx(0),
    bg: Color::Idx(6),
    flags: 0,
};
/// `copy-mode-current-match-style` (black on magenta).
const CURRENT_MATCH_STYLE: CellStyle = CellStyle {
    fg: Color::Idx(0),
    bg: Color::Idx(5),
    flags: 0,
};

/// The tmux name of one key as the terminal sends it (`a`, `Space`, `Enter`, `Escape`,
/// `BSpace`, `C-a`, `C-Space`, `M-w`, `Up`, `C-Up`, `M-Up`, `PPage`, `NPage`, `Home`, `End`);
/// empty for a sequence it does not know. `key` is one whole key (see the attach loop's
/// splitting).
pub fn key_name(key: &[u8]) -> String {
    let arrow = |c: u8| match c {
        b'A' => Some("Up"),
        b'B' => Some("Down"),
        b'C' => Some("Right"),
        b'D' => Some("Left"),
        b'H' => Some("Home"),
        b'F' => Some("End"),
        _ => None,
    };
    match key {
        [0] => "C-Space".into(),
        [b'\r'] | [b'\n'] => "Enter".into(),
        [b'\t'] => "Tab".into(),
        [0x1b] => "Escape".into(),
        [0x7f] | [0x08] => "BSpace".into(),
        [b' '] => "Space".into(),
        [c @ 1..=0x1a] => format!("C-{}", char::from(b'a' + c - 1)),
        [0x1b, b'[' | b'O', c] => arrow(*c).map(str::to_owned).unwrap_or_default(),
        [0x1b, b'[', b'5', b'~'] => "PPage".into(),
        [0x1b, b'[', b'6', b'~'] => "NPage".into(),
        [0x1b, b'[', b'1' | b'7', b'~'] => "Home".into(),
        [0x1b, b'[', b'4' | b'8', b'~'] => "End".into(),
        // xterm modified cursor keys: ESC [ 1 ; M X (M = 1 + shift 1 + meta 2 + control 4).
        [0x1b, b'[', b'1', b';', m, c] => match (m, arrow(*c)) {
            (b'5', Some(a)) => format!("C-{a}"),
            (b'3', Some(a)) => format!("M-{a}"),
            (b'2', Some(a)) => format!("S-{a}"),
            _ => String::new(),
        },
        [0x1b, c] if *c >= 0x20 && *c < 0x7f => format!("M-{}", char::from(*c)),
        _ => match std::str::from_utf8(key) {
            Ok(s) if s.chars().count() == 1 && !s.starts_with(char::is_control) => s.to_owned(),
            _ => String::new(),
        },
    }
}

/// Character class for word movement: 0 blank (or the end of a line), 1 separator, 2 word.
fn class(c: Option<char>, big: bool) -> u8 {
    match c {
        None => 0,
        Some(c) if c.is_whitespace() => 0,
        Some(_) if big => 2,
        Some(c) if SEPARATORS.contains(c) => 1,
        Some(_) => 2,
    }
}

impl Copy {
    /// Copy mode over `lines` (history then screen, as `read-screen --history` returns them)
    /// of a pane `width` x `height`, scrolled `offset` lines up from the bottom (clamped), the
    /// cursor at the pane cursor's screen position `cursor` (row, column).
    pub fn new(
        pane: PaneId,
        lines: Vec<String>,
        width: u16,
        height: u16,
        offset: usize,
        cursor: (u16, u16),
        vi: bool,
    ) -> Self {
        let height = usize::from(height.max(1));
        let mut lines: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        while lines.len() < height {
            lines.push(Vec::new());
        }
        let max_top = lines.len() - height;
        let top = max_top - offset.min(max_top);
        let cy = (top + usize::from(cursor.0)).min(lines.len() - 1);
        Copy {
            pane,
            lines,
            width: usize::from(width.max(1)),
            height,
            top,
            cy,
            cx: usize::from(cursor.1),
            sel: None,
            search: None,
            prompt: None,
            vi,
            exit_at_bottom: false,
            message: None,
            dragging: false,
        }
    }

    fn max_top(&self) -> usize {
        self.lines.len() - self.height
    }

    /// Lines scrolled up from the bottom (tmux's position indicator `[OFFSET/SIZE]`).
    pub fn offset(&self) -> usize {
        self.max_top() - self.top
    }

    /// History size: the largest offset.
    pub fn history(&self) -> usize {
        self.max_top()
    }

    /// The cursor: (line index, column).
    pub fn cursor(&self) -> (usize, usize) {
        (self.cy, self.cx)
    }

    /// The selection's kind, if one is active.
    pub fn selection(&self) -> Option<SelKind> {
        self.sel.map(|s| s.1)
    }

    /// The status-line prompt being typed (`(search down) TEXT`), if any.
    pub fn prompt(&self) -> Option<String> {
        self.prompt.as_ref().map(|p| {
            format!(
                "(search {}) {}",
                if p.forward { "down" } else { "up" },
                p.text
            )
        })
    }

    fn len(&self, l: usize) -> usize {
        self.lines.get(l).map_or(0, Vec::len)
    }

    fn char_at(&self, l: usize, c: usize) -> Option<char> {
        self.lines.get(l)?.get(c).copied()
    }

    /// Keeps the cursor's line on screen.
    fn show_cursor(&mut self) {
        if self.cy < self.top {
            self.top = self.cy;
        } else if self.cy >= self.top + self.height {
            self.top = self.cy + 1 - self.height;
        }
    }

    /// Scrolls the view by `d` lines (negative: up, into history); the cursor keeps its row
    /// on the screen (tmux `scroll-up`, `page-up`, `halfpage-up`...).
    fn scroll(&mut self, d: isize) {
        let row = self.cy - self.top;
        let top = (self.top as isize + d).clamp(0, self.max_top() as isize) as usize;
        self.top = top;
        self.cy = (top + row).min(self.lines.len() - 1);
    }

    /// Scrolls by `d` lines with the wheel; true if this leaves copy mode (back at the bottom
    /// after entering with the wheel).
    pub fn wheel(&mut self, d: isize) -> bool {
        self.scroll(d);
        self.exit_at_bottom && d > 0 && self.offset() == 0
    }

    fn step(&self, (l, c): (usize, usize)) -> Option<(usize, usize)> {
        if c < self.len(l) {
            Some((l, c + 1))
        } else if l + 1 < self.lines.len() {
            Some((l + 1, 0))
        } else {
            None
        }
    }

    fn step_back(&self, (l, c): (usize, usize)) -> Option<(usize, usize)> {
        if c > 0 {
            Some((l, (c - 1).min(self.len(l))))
        } else if l > 0 {
            Some((l - 1, self.len(l - 1)))
        } else {
            None
        }
    }

    fn class_at(&self, p: (usize, usize), big: bool) -> u8 {
        class(self.char_at(p.0, p.1), big)
    }

    /// tmux `next-word` (vi `w`): the start of the next word.
    fn next_word(&mut self, big: bool) {
        let mut p = (self.cy, self.cx.min(self.len(self.cy)));
        let c0 = self.class_at(p, big);
        if c0 != 0 {
            while self.class_at(p, big) == c0 {
                match self.step(p) {
                    Some(n) => p = n,
                    None => break,
                }
            }
        }
        while self.class_at(p, big) == 0 {
            match self.step(p) {
                Some(n) => p = n,
                None => break,
            }
        }
        (self.cy, self.cx) = p;
    }

    /// tmux `next-word-end` (vi `e`, emacs `M-f`): the last character of this or the next word.
    fn word_end(&mut self, big: bool) {
        let mut p = (self.cy, self.cx.min(self.len(self.cy)));
        if let Some(n) = self.step(p) {
            p = n;
        }
        while self.class_at(p, big) == 0 {
            match self.step(p) {
                Some(n) => p = n,
                None => break,
            }
        }
        let c0 = self.class_at(p, big);
        while let Some(n) = self.step(p) {
            if c0 == 0 || self.class_at(n, big) != c0 {
                break;
            }
            p = n;
        }
        (self.cy, self.cx) = p;
    }

    /// tmux `previous-word` (vi `b`, emacs `M-b`): the start of this or the previous word.
    fn previous_word(&mut self, big: bool) {
        let mut p = (self.cy, self.cx.min(self.len(self.cy)));
        if let Some(n) = self.step_back(p) {
            p = n;
        }
        while self.class_at(p, big) == 0 {
            match self.step_back(p) {
                Some(n) => p = n,
                None => break,
            }
        }
        let c0 = self.class_at(p, big);
        while let Some(n) = self.step_back(p) {
            if c0 == 0 || self.class_at(n, big) != c0 || n.0 != p.0 {
                break;
            }
            p = n;
        }
        (self.cy, self.cx) = p;
    }

    /// The last character of the cursor's line (0 on an empty line).
    fn end_of_line(&mut self) {
        self.cx = self.len(self.cy).saturating_sub(1);
    }

    fn begin(&mut self, kind: SelKind) {
        self.sel = Some(((self.cy, self.cx), kind));
    }

    /// Handles one key (its tmux name, [`key_name`]).
    pub fn key(&mut self, key: &str) -> Outcome {
        self.message = None;
        if self.prompt.is_some() {
            return self.prompt_key(key);
        }
        let cmd = if self.vi {
            vi_command(key)
        } else {
            emacs_command(key)
        };
        match cmd {
            Some(c) => self.command(c),
            None => Outcome::None,
        }
    }

    fn prompt_key(&mut self, key: &str) -> Outcome {
        let Some(p) = self.prompt.as_mut() else {
            return Outcome::None;
        };
        match key {
            "Enter" => {
                let p = self.prompt.take().expect("prompt");
                if !p.text.is_empty() {
                    self.search = Some((p.text, p.forward));
                }
                self.search_next(false);
            }
            "Escape" | "C-c" | "C-g" => self.prompt = None,
            "BSpace" if p.text.pop().is_none() => self.prompt = None,
            "Space" => p.text.push(' '),
            k if k.chars().count() == 1 => p.text.push_str(k),
            _ => {}
        }
        Outcome::None
    }

    /// Runs a copy-mode command (tmux `send-keys -X` names).
    pub fn command(&mut self, cmd: &str) -> Outcome {
        let h = self.height as isize;
        match cmd {
            "cancel" => return Outcome::Exit,
            "cursor-left" => self.cx = self.cx.min(self.width).saturating_sub(1),
            "cursor-right" => self.cx = (self.cx + 1).min(self.width - 1),
            "cursor-up" => self.cy = self.cy.saturating_sub(1),
            "cursor-down" => self.cy = (self.cy + 1).min(self.lines.len() - 1),
            "start-of-line" => self.cx = 0,
            "back-to-indentation" => {
                self.cx = self.lines[self.cy]
                    .iter()
                    .position(|c| !c.is_whitespace())
                    .unwrap_or(0);
            }
            "end-of-line" => self.end_of_line(),
            "next-word" => self.next_word(false),
            "next-space" => self.next_word(true),
            "next-word-end" => self.word_end(false),
            "next-space-end" => self.word_end(true),
            "previous-word" => self.previous_word(false),
            "previous-space" => self.previous_word(true),
            "history-top" => {
                (self.cy, self.cx) = (0, 0);
            }
            "history-bottom" => {
                self.cy = self.lines.len() - 1;
                self.end_of_line();
            }
            "top-line" => self.cy = self.top,
            "middle-line" => self.cy = self.top + (self.height - 1) / 2,
            "bottom-line" => self.cy = self.top + self.height - 1,
            "scroll-up" => self.scroll(-1),
            "scroll-down" => self.scroll(1),
            "halfpage-up" => self.scroll(-(h / 2).max(1)),
            "halfpage-down" => self.scroll((h / 2).max(1)),
            "page-up" => self.scroll(-h),
            "page-down" => self.scroll(h),
            "search-forward" | "search-backward" => {
                self.prompt = Some(Prompt {
                    forward: cmd == "search-forward",
                    text: String::new(),
                });
            }
            "search-again" => self.search_next(false),
            "search-reverse" => self.search_next(true),
            "begin-selection" => self.begin(SelKind::Char),
            "select-line" => {
                if self.selection() == Some(SelKind::Line) {
                    self.sel = None;
                } else {
                    let anchor = self.sel.map_or((self.cy, self.cx), |s| s.0);
                    self.sel = Some((anchor, SelKind::Line));
                }
            }
            "vi-v" => {
                if self.selection() == Some(SelKind::Char) {
                    self.sel = None;
                } else {
                    let anchor = self.sel.map_or((self.cy, self.cx), |s| s.0);
                    self.sel = Some((anchor, SelKind::Char));
                }
            }
            "rectangle-toggle" => match self.sel {
                Some((a, SelKind::Rect)) => self.sel = Some((a, SelKind::Char)),
                Some((a, _)) => self.sel = Some((a, SelKind::Rect)),
                None => self.begin(SelKind::Rect),
            },
            "other-end" => {
                if let Some((a, k)) = self.sel {
                    self.sel = Some(((self.cy, self.cx), k));
                    (self.cy, self.cx) = a;
                }
            }
            "clear-selection" => self.sel = None,
            "copy-selection-and-cancel" => {
                return match self.selected_text() {
                    Some(t) => Outcome::Copy(t),
                    None => Outcome::Exit,
                };
            }
            _ => {}
        }
        self.show_cursor();
        Outcome::None
    }

    /// The selected text: lines joined by `\n` (tmux copies a line's trailing blanks only
    /// when they were written; captured lines have none).
    pub fn selected_text(&self) -> Option<String> {
        let (a, kind) = self.sel?;
        let b = (self.cy, self.cx);
        let (s, e) = if a <= b { (a, b) } else { (b, a) };
        let (c0, c1) = (a.1.min(b.1), a.1.max(b.1));
        let mut out = Vec::new();
        for l in s.0..=e.0 {
            let line = &self.lines[l];
            let (from, to) = match kind {
                SelKind::Line => (0, line.len()),
                SelKind::Rect => (c0, c1 + 1),
                SelKind::Char => (
                    if l == s.0 { s.1 } else { 0 },
                    if l == e.0 { e.1 + 1 } else { line.len() },
                ),
            };
            let (from, to) = (from.min(line.len()), to.min(line.len()));
            out.push(line[from..to.max(from)].iter().collect::<String>());
        }
        Some(out.join("\n"))
    }

    fn is_selected(&self, l: usize, c: usize) -> bool {
        let Some((a, kind)) = self.sel else {
            return false;
        };
        let b = (self.cy, self.cx);
        let (s, e) = if a <= b { (a, b) } else { (b, a) };
        if l < s.0 || l > e.0 {
            return false;
        }
        match kind {
            SelKind::Line => true,
            SelKind::Rect => c >= a.1.min(b.1) && c <= a.1.max(b.1),
            SelKind::Char => (l, c) >= s && (l, c) <= e,
        }
    }

    /// The compiled last search: a regular expression (tmux `search-forward` uses one), or
    /// the text itself when it is not a valid one; case-insensitive when the pattern has no
    /// capital letter (tmux does the same).
    fn matcher(&self) -> Option<regex::Regex> {
        let (pat, _) = self.search.as_ref()?;
        let ci = !pat.chars().any(char::is_uppercase);
        let build = |p: &str| {
            regex::RegexBuilder::new(p)
                .case_insensitive(ci)
                .size_limit(1 << 20)
                .build()
        };
        build(pat).or_else(|_| build(&regex::escape(pat))).ok()
    }

    /// Matches in line `l` as (first column, columns) in characters; empty matches left out.
    fn matches_in(re: &regex::Regex, line: &[char]) -> Vec<(usize, usize)> {
        let text: String = line.iter().collect();
        re.find_iter(&text)
            .filter(|m| !m.as_str().is_empty())
            .map(|m| {
                let start = text[..m.start()].chars().count();
                (start, m.as_str().chars().count())
            })
            .collect()
    }

    /// Moves to the next match of the last search (in its direction, or the other one with
    /// `reverse`), wrapping around the history (tmux `wrap-search on`).
    fn search_next(&mut self, reverse: bool) {
        let Some((_, fwd)) = self.search.clone() else {
            return;
        };
        let Some(re) = self.matcher() else {
            return;
        };
        let forward = fwd != reverse;
        let n = self.lines.len();
        let (cy, cx) = (self.cy, self.cx);
        for i in 0..=n {
            let l = if forward {
                (cy + i) % n
            } else {
                (cy + n - i % n) % n
            };
            let ms = Self::matches_in(&re, &self.lines[l]);
            let hit = if forward {
                ms.iter()
                    .find(|(c, _)| i == n || i > 0 || *c > cx)
                    .filter(|(c, _)| !(i == n && *c > cx))
            } else {
                ms.iter()
                    .rev()
                    .find(|(c, _)| i == n || i > 0 || *c < cx)
                    .filter(|(c, _)| !(i == n && *c < cx))
            };
            if let Some((c, _)) = hit {
                (self.cy, self.cx) = (l, *c);
                self.show_cursor();
                return;
            }
        }
        self.message = Some("Pattern not found".into());
    }

    /// A left press at pane cell (col, row): the cursor goes there; the selection is cleared.
    pub fn click(&mut self, col: u16, row: u16) {
        self.message = None;
        self.cy = (self.top + usize::from(row)).min(self.lines.len() - 1);
        self.cx = self.col_at(self.cy, usize::from(col));
        self.sel = None;
        self.dragging = false;
    }

    /// A drag with the left button to pane cell (col, row): starts a selection at the cursor
    /// (where the press was) and extends it (tmux `MouseDrag1Pane`).
    pub fn drag(&mut self, col: u16, row: u16) {
        if !self.dragging || self.sel.is_none() {
            self.begin(SelKind::Char);
            self.dragging = true;
        }
        self.cy = (self.top + usize::from(row)).min(self.lines.len() - 1);
        self.cx = self.col_at(self.cy, usize::from(col));
    }

    /// The button released: after a drag, copy the selection and leave (tmux
    /// `MouseDragEnd1Pane` runs `copy-pipe-and-cancel`).
    pub fn release(&mut self) -> Outcome {
        if std::mem::take(&mut self.dragging) {
            if let Some(t) = self.selected_text() {
                return Outcome::Copy(t);
            }
        }
        Outcome::None
    }

    /// The character index in line `l` at screen cell `col`.
    fn col_at(&self, l: usize, col: usize) -> usize {
        let mut x = 0;
        for (i, ch) in self.lines[l].iter().enumerate() {
            let w = ch.width().unwrap_or(0);
            if x + w > col {
                return i;
            }
            x += w;
        }
        self.lines[l].len() + (col - x)
    }

    /// Draws the view into the pane's rectangle at (left, top) of `g`; returns where the
    /// terminal cursor goes (the copy-mode cursor), unless a prompt takes it.
    pub fn draw(&self, g: &mut Grid, left: u16, top: u16) -> Option<(u16, u16)> {
        let (w, h) = (self.width as u16, self.height as u16);
        g.fill(left, top, w, h, " ", CellStyle::default());
        let re = self.matcher();
        let mut cursor = None;
        for row in 0..self.height {
            let l = self.top + row;
            let Some(line) = self.lines.get(l) else {
                break;
            };
            let ms = re
                .as_ref()
                .map(|re| Self::matches_in(re, line))
                .unwrap_or_default();
            let y = top + row as u16;
            let mut x = left;
            let mut buf = [0u8; 4];
            let ncols = line.len().max(if l == self.cy { self.cx + 1 } else { 0 });
            for c in 0..ncols {
                let ch = line.get(c).copied().unwrap_or(' ');
                let cw = ch.width().unwrap_or(0) as u16;
                if cw == 0 {
                    continue;
                }
                if x + cw > left + w {
                    break;
                }
                let in_match = ms.iter().find(|(s, n)| c >= *s && c < s + n);
                let style = if self.is_selected(l, c) {
                    MODE_STYLE
                } else if let Some((s, _)) = in_match {
                    if l == self.cy && *s == self.cx {
                        CURRENT_MATCH_STYLE
                    } else {
                        MATCH_STYLE
                    }
                } else {
                    CellStyle::default()
                };
                if l == self.cy && c == self.cx {
                    cursor = Some((x, y));
                }
                g.set(x, y, ch.encode_utf8(&mut buf), style);
                if cw == 2 {
                    g.set(x + 1, y, "", style);
                }
                x += cw;
            }
        }
        // Position indicator, top right (tmux: `[OFFSET/SIZE]` in mode-style).
        let tag = match &self.message {
            Some(m) => format!("{m} [{}/{}]", self.offset(), self.history()),
            None => format!("[{}/{}]", self.offset(), self.history()),
        };
        let x = (left + w).saturating_sub(tag.chars().count() as u16);
        g.put_str(x.max(left), top, &tag, MODE_STYLE, left + w);
        if self.prompt.is_some() {
            None
        } else {
            cursor
        }
    }
}

/// tmux 3.3a's `copy-mode-vi` table (the commands this client knows), with `v` beginning a
/// character selection as in vim (tmux binds `v` to `rectangle-toggle`) and `y` copying.
fn vi_command(key: &str) -> Option<&'static str> {
    Some(match key {
        "h" | "Left" | "BSpace" => "cursor-left",
        "l" | "Right" => "cursor-right",
        "k" | "Up" | "C-p" => "cursor-up",
        "j" | "Down" | "C-n" => "cursor-down",
        "w" => "next-word",
        "W" => "next-space",
        "e" => "next-word-end",
        "E" => "next-space-end",
        "b" => "previous-word",
        "B" => "previous-space",
        "0" | "Home" => "start-of-line",
        "^" => "back-to-indentation",
        "$" | "End" => "end-of-line",
        "g" => "history-top",
        "G" => "history-bottom",
        "H" => "top-line",
        "M" => "middle-line",
        "L" => "bottom-line",
        "C-y" | "C-Up" => "scroll-up",
        "C-e" | "C-Down" => "scroll-down",
        "C-u" => "halfpage-up",
        "C-d" => "halfpage-down",
        "C-b" | "PPage" => "page-up",
        "C-f" | "NPage" => "page-down",
        "/" => "search-forward",
        "?" => "search-backward",
        "n" => "search-again",
        "N" => "search-reverse",
        "Space" => "begin-selection",
        "v" => "vi-v",
        "V" => "select-line",
        "C-v" => "rectangle-toggle",
        "o" => "other-end",
        "Escape" => "clear-selection",
        "Enter" | "y" | "C-j" => "copy-selection-and-cancel",
        "q" | "C-c" => "cancel",
        _ => return None,
    })
}

/// tmux 3.3a's `copy-mode` (emacs) table (the commands this client knows), with `Space`
/// beginning a selection (tmux: `page-down`) and `Enter` copying, as the issue asks.
fn emacs_command(key: &str) -> Option<&'static str> {
    Some(match key {
        "C-b" | "Left" => "cursor-left",
        "C-f" | "Right" => "cursor-right",
        "C-p" | "Up" => "cursor-up",
        "C-n" | "Down" => "cursor-down",
        "M-f" => "next-word-end",
        "M-b" => "previous-word",
        "C-a" | "Home" => "start-of-line",
        "M-m" => "back-to-indentation",
        "C-e" | "End" => "end-of-line",
        "M-<" => "history-top",
        "M->" => "history-bottom",
        "M-R" => "top-line",
        "M-r" => "middle-line",
        "C-Up" => "scroll-up",
        "C-Down" => "scroll-down",
        "M-Up" => "halfpage-up",
        "M-Down" => "halfpage-down",
        "M-v" | "PPage" => "page-up",
        "C-v" | "NPage" => "page-down",
        "C-s" => "search-forward",
        "C-r" => "search-backward",
        "n" => "search-again",
        "N" => "search-reverse",
        "C-Space" | "Space" => "begin-selection",
        "R" => "rectangle-toggle",
        "C-g" => "clear-selection",
        "M-w" | "C-w" | "Enter" => "copy-selection-and-cancel",
        "q" | "Escape" | "C-c" => "cancel",
        _ => return None,
    })
}

/// Standard base64 (RFC 4648, with padding), for OSC 52.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that puts `text` on the outer terminal's clipboard (xterm ctlseqs
/// "Manipulate Selection Data": `ESC ] 52 ; c ; BASE64 BEL`, `c` the clipboard).
pub fn osc52(text: &str) -> Vec<u8> {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes())).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(lines: &[&str], vi: bool) -> Copy {
        // A 20x4 pane; the cursor on the last screen row, column 0.
        let lines = lines.iter().map(|s| (*s).to_owned()).collect();
        Copy::new(PaneId(1), lines, 20, 4, 0, (3, 0), vi)
    }

    fn keys(c: &mut Copy, ks: &[&str]) -> Outcome {
        let mut last = Outcome::None;
        for k in ks {
            last = c.key(k);
        }
        last
    }

    const TEXT: &[&str] = &[
        "alpha beta-gamma",
        "second line here",
        "",
        "needle one",
        "x",
        "needle two",
        "last line",
        "$ ",
    ];

    #[test]
    fn key_names() {
        assert_eq!(key_name(b"\x1b[A"), "Up");
        assert_eq!(key_name(b"\x1bOB"), "Down");
        assert_eq!(key_name(b"\x1b[1;5A"), "C-Up");
        assert_eq!(key_name(b"\x1b[5~"), "PPage");
        assert_eq!(key_name(b"\x02"), "C-b");
        assert_eq!(key_name(b"\x00"), "C-Space");
        assert_eq!(key_name(b"\r"), "Enter");
        assert_eq!(key_name(b"\x1bw"), "M-w");
        assert_eq!(key_name(b"\x1b"), "Escape");
        assert_eq!(key_name(b" "), "Space");
        assert_eq!(key_name("é".as_bytes()), "é");
        assert_eq!(key_name(b"\x1b[99x"), "");
    }

    #[test]
    fn starts_at_the_bottom_with_the_cursor_and_scrolls() {
        let mut c = copy(TEXT, true);
        assert_eq!((c.offset(), c.history()), (0, 4));
        assert_eq!(c.cursor(), (7, 0));
        // k moves the cursor up within the view; past the top the view scrolls.
        keys(&mut c, &["k", "k", "k"]);
        assert_eq!((c.cursor(), c.offset()), ((4, 0), 0));
        keys(&mut c, &["k"]);
        assert_eq!((c.cursor(), c.offset()), ((3, 0), 1));
        // Paging keeps the cursor's row on the screen.
        keys(&mut c, &["C-b"]);
        assert_eq!((c.cursor(), c.offset()), ((0, 0), 4));
        keys(&mut c, &["C-f"]);
        assert_eq!((c.cursor(), c.offset()), ((4, 0), 0));
        keys(&mut c, &["C-u"]);
        assert_eq!((c.cursor(), c.offset()), ((2, 0), 2));
        keys(&mut c, &["C-d", "g"]);
        assert_eq!((c.cursor(), c.offset()), ((0, 0), 4));
        keys(&mut c, &["G"]);
        assert_eq!((c.cursor(), c.offset()), ((7, 1), 0));
        keys(&mut c, &["H"]);
        assert_eq!(c.cursor().0, 4);
        keys(&mut c, &["L"]);
        assert_eq!(c.cursor().0, 7);
        keys(&mut c, &["M"]);
        assert_eq!(c.cursor().0, 5);
        // With the wheel: leaving at the bottom when entered by the wheel.
        c.exit_at_bottom = true;
        assert!(!c.wheel(-3));
        assert!(c.wheel(3));
        assert_eq!(keys(&mut c, &["q"]), Outcome::Exit);
    }

    #[test]
    fn words_and_lines() {
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g"]);
        keys(&mut c, &["w"]);
        assert_eq!(c.cursor(), (0, 6)); // beta
        keys(&mut c, &["w"]);
        assert_eq!(c.cursor(), (0, 10)); // -
        keys(&mut c, &["w"]);
        assert_eq!(c.cursor(), (0, 11)); // gamma
        keys(&mut c, &["w"]);
        assert_eq!(c.cursor(), (1, 0)); // next line
        keys(&mut c, &["e"]);
        assert_eq!(c.cursor(), (1, 5)); // second
        keys(&mut c, &["b"]);
        assert_eq!(c.cursor(), (1, 0));
        keys(&mut c, &["b"]);
        assert_eq!(c.cursor(), (0, 11));
        keys(&mut c, &["W"]);
        assert_eq!(c.cursor(), (1, 0));
        keys(&mut c, &["$"]);
        assert_eq!(c.cursor(), (1, 15));
        keys(&mut c, &["0", "l", "l"]);
        assert_eq!(c.cursor(), (1, 2));
        keys(&mut c, &["h", "j"]);
        assert_eq!(c.cursor(), (2, 1));
    }

    #[test]
    fn search_highlights_and_wraps() {
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "/", "n", "e", "e", "d"]);
        assert_eq!(c.prompt().as_deref(), Some("(search down) need"));
        keys(&mut c, &["l", "e", "Enter"]);
        assert_eq!(c.prompt(), None);
        assert_eq!(c.cursor(), (3, 0));
        keys(&mut c, &["n"]);
        assert_eq!(c.cursor(), (5, 0));
        keys(&mut c, &["n"]); // wraps to the first
        assert_eq!(c.cursor(), (3, 0));
        keys(&mut c, &["N"]);
        assert_eq!(c.cursor(), (5, 0));
        // ? searches up; capitals make it case-sensitive.
        keys(&mut c, &["?", "A", "L", "P", "H", "A", "Enter"]);
        assert_eq!(c.cursor(), (5, 0));
        assert!(c.message.is_some());
        keys(&mut c, &["?", "a", "l", "p", "h", "a", "Enter"]);
        assert_eq!(c.cursor(), (0, 0));
        // A regular expression.
        keys(&mut c, &["/", "l", "[", "i", "]", "n", "e", "Enter"]);
        assert_eq!(c.cursor(), (1, 7));
        // Matches are drawn highlighted, the current one in its own style.
        keys(&mut c, &["/", "n", "e", "Enter"]);
        assert_eq!(c.cursor(), (1, 9));
        let mut g = Grid::new(20, 4);
        c.draw(&mut g, 0, 0);
        let at = |x: u16, y: u16| g.get(x, y).unwrap().style;
        assert_eq!(at(9, 1), CURRENT_MATCH_STYLE);
        assert_eq!(at(10, 1), CURRENT_MATCH_STYLE);
        assert_eq!(at(0, 3), MATCH_STYLE);
        assert_eq!(at(8, 3), MATCH_STYLE);
        assert_eq!(at(2, 3), CellStyle::default());
        assert_eq!(at(0, 1), CellStyle::default());
    }

    #[test]
    fn selections_copy_text() {
        // Characters: v, move, Enter.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "w", "v", "e"]);
        assert_eq!(c.selection(), Some(SelKind::Char));
        assert_eq!(keys(&mut c, &["y"]), Outcome::Copy("beta".into()));
        // Across lines.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "w", "w", "w", "v", "j", "0", "e"]);
        assert_eq!(
            keys(&mut c, &["Enter"]),
            Outcome::Copy("gamma\nsecond".into())
        );
        // Lines.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "l", "V", "j"]);
        assert_eq!(
            keys(&mut c, &["Enter"]),
            Outcome::Copy("alpha beta-gamma\nsecond line here".into())
        );
        // A rectangle.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "l", "C-v", "j", "l", "l"]);
        assert_eq!(c.selection(), Some(SelKind::Rect));
        assert_eq!(keys(&mut c, &["Enter"]), Outcome::Copy("lph\neco".into()));
        // Escape clears; Enter without a selection just leaves.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["v", "Escape"]);
        assert_eq!(c.selection(), None);
        assert_eq!(keys(&mut c, &["Enter"]), Outcome::Exit);
        // o swaps the ends.
        let mut c = copy(TEXT, true);
        keys(&mut c, &["g", "v", "l", "l", "o"]);
        assert_eq!(c.cursor(), (0, 0));
        assert_eq!(keys(&mut c, &["Enter"]), Outcome::Copy("alp".into()));
    }

    #[test]
    fn emacs_table() {
        let mut c = copy(TEXT, false);
        keys(&mut c, &["M-<"]);
        assert_eq!(c.cursor(), (0, 0));
        keys(&mut c, &["M-f"]);
        assert_eq!(c.cursor(), (0, 4));
        keys(&mut c, &["C-a", "Space", "C-e"]);
        assert_eq!(
            keys(&mut c, &["M-w"]),
            Outcome::Copy("alpha beta-gamma".into())
        );
        let mut c = copy(TEXT, false);
        keys(&mut c, &["C-r", "s", "e", "c", "Enter"]);
        assert_eq!(c.cursor(), (1, 0));
        keys(&mut c, &["C-Space", "C-f", "C-f", "C-n", "R"]);
        assert_eq!(c.selection(), Some(SelKind::Rect));
        assert_eq!(keys(&mut c, &["Enter"]), Outcome::Copy("sec\n".into()));
        let mut c = copy(TEXT, false);
        keys(&mut c, &["C-Space", "C-g"]);
        assert_eq!(c.selection(), None);
        // vi keys mean nothing here.
        keys(&mut c, &["k", "g"]);
        assert_eq!(c.cursor(), (7, 0));
        assert_eq!(keys(&mut c, &["Escape"]), Outcome::Exit);
    }

    #[test]
    fn mouse_drag_selects_and_copies() {
        let mut c = copy(TEXT, false);
        // Screen rows show lines 4..=7: "x", "needle two", "last line", "$ ".
        c.click(0, 1);
        assert_eq!(c.release(), Outcome::None);
        c.drag(3, 1);
        c.drag(3, 2);
        assert_eq!(c.release(), Outcome::Copy("needle two\nlast".into()));
    }

    #[test]
    fn clipboard_sequence() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi"), b"\x1b]52;c;aGk=\x07".to_vec());
    }
}
