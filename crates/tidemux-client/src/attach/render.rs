//! Drawing: a grid of cells composed from the frames, written to the terminal as the difference
//! from what the terminal already shows (cursor moves and SGR only where cells changed).

use std::io::Write as _;
use tidemux_proto::{CellStyle, Color};
use unicode_width::UnicodeWidthChar;

/// One cell: its text (empty for the right half of a wide character) and style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Characters (one grapheme, usually one char); empty for a wide character's second cell.
    pub text: String,
    /// Style.
    pub style: CellStyle,
}

impl Cell {
    fn blank() -> Self {
        Cell {
            text: " ".into(),
            style: CellStyle::default(),
        }
    }
}

/// A grid of cells, `rows` x `cols`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Width.
    pub cols: u16,
    /// Height.
    pub rows: u16,
    cells: Vec<Cell>,
}

impl Grid {
    /// A blank grid.
    pub fn new(cols: u16, rows: u16) -> Self {
        Grid {
            cols,
            rows,
            cells: vec![Cell::blank(); usize::from(cols) * usize::from(rows)],
        }
    }

    /// Moves the last `n` rows to the top, in their order (`status-position top` with `n`
    /// status lines).
    pub fn last_rows_to_top(&mut self, n: u16) {
        let k = (usize::from(self.cols) * usize::from(n)).min(self.cells.len());
        self.cells.rotate_right(k);
    }

    /// Drops the last row (no status line, `status off`).
    pub fn drop_last_row(&mut self) {
        let n = self.cells.len().saturating_sub(usize::from(self.cols));
        self.cells.truncate(n);
        self.rows = self.rows.saturating_sub(1);
    }

    fn idx(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.cols && y < self.rows)
            .then(|| usize::from(y) * usize::from(self.cols) + usize::from(x))
    }

    /// The cell at (x, y).
    pub fn get(&self, x: u16, y: u16) -> Option<&Cell> {
        self.idx(x, y).map(|i| &self.cells[i])
    }

    /// Sets one cell.
    pub fn set(&mut self, x: u16, y: u16, text: &str, style: CellStyle) {
        if let Some(i) = self.idx(x, y) {
            self.cells[i] = Cell {
                text: text.to_owned(),
                style,
            };
        }
    }

    /// Writes `text` from (x, y), clipped at `max_x` (exclusive); returns the next column.
    pub fn put_str(&mut self, mut x: u16, y: u16, text: &str, style: CellStyle, max_x: u16) -> u16 {
        let mut buf = [0u8; 4];
        for ch in text.chars() {
            let w = ch.width().unwrap_or(0) as u16;
            if w == 0 {
                continue;
            }
            if x + w > max_x.min(self.cols) {
                break;
            }
            self.set(x, y, ch.encode_utf8(&mut buf), style);
            if w == 2 {
                self.set(x + 1, y, "", style);
            }
            x += w;
        }
        x
    }

    /// Fills a rectangle with one character.
    pub fn fill(&mut self, x0: u16, y0: u16, cols: u16, rows: u16, text: &str, style: CellStyle) {
        for y in y0..y0.saturating_add(rows) {
            for x in x0..x0.saturating_add(cols) {
                self.set(x, y, text, style);
            }
        }
    }
}

/// Writes `ESC [ 0 ; ... m` for a style (ECMA-48 SGR; 38;5 / 38;2 from xterm ctlseqs).
pub fn sgr(out: &mut Vec<u8>, s: CellStyle) {
    out.extend_from_slice(b"\x1b[0");
    for (bit, code) in [
        (CellStyle::BOLD, &b";1"[..]),
        (CellStyle::DIM, b";2"),
        (CellStyle::ITALIC, b";3"),
        (CellStyle::UNDERLINE, b";4"),
        (CellStyle::INVERSE, b";7"),
    ] {
        if s.flags & bit != 0 {
            out.extend_from_slice(code);
        }
    }
    for (c, base) in [(s.fg, 30u16), (s.bg, 40u16)] {
        let _ = match c {
            Color::Default => Ok(()),
            Color::Idx(i) if i < 8 => write!(out, ";{}", base + u16::from(i)),
            Color::Idx(i) if i < 16 => write!(out, ";{}", base + 60 + u16::from(i) - 8),
            Color::Idx(i) => write!(out, ";{};5;{i}", base + 8),
            Color::Rgb(r, g, b) => write!(out, ";{};2;{r};{g};{b}", base + 8),
        };
    }
    out.push(b'm');
}

/// Keeps what the terminal shows and writes differences.
#[derive(Debug, Default)]
pub struct Renderer {
    shown: Option<Grid>,
}

impl Renderer {
    /// Forgets what is shown: the next draw repaints everything.
    pub fn invalidate(&mut self) {
        self.shown = None;
    }

    /// Bytes that turn the terminal into `grid` with the cursor at `cursor` (hidden if `None`).
    pub fn draw(&mut self, grid: &Grid, cursor: Option<(u16, u16)>) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        out.extend_from_slice(b"\x1b[?25l");
        let full = self
            .shown
            .as_ref()
            .is_none_or(|s| s.cols != grid.cols || s.rows != grid.rows);
        if full {
            out.extend_from_slice(b"\x1b[0m\x1b[H\x1b[2J");
        }
        let mut style: Option<CellStyle> = None;
        let mut pos: Option<(u16, u16)> = None;
        for y in 0..grid.rows {
            let mut x = 0;
            while x < grid.cols {
                let cell = grid.get(x, y).expect("in range");
                let width = if grid.get(x + 1, y).is_some_and(|c| c.text.is_empty())
                    && !cell.text.is_empty()
                {
                    2
                } else {
                    1
                };
                let same = !full
                    && self
                        .shown
                        .as_ref()
                        .is_some_and(|s| (0..width).all(|d| s.get(x + d, y) == grid.get(x + d, y)));
                if same || cell.text.is_empty() {
                    x += width;
                    continue;
                }
                if pos != Some((x, y)) {
                    let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
                }
                if style != Some(cell.style) {
                    sgr(&mut out, cell.style);
                    style = Some(cell.style);
                }
                out.extend_from_slice(cell.text.as_bytes());
                x += width;
                pos = Some((x, y));
            }
        }
        out.extend_from_slice(b"\x1b[0m");
        if let Some((x, y)) = cursor {
            let _ = write!(out, "\x1b[{};{}H\x1b[?25h", y + 1, x + 1);
        }
        self.shown = Some(grid.clone());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_draw_writes_only_changes() {
        let mut r = Renderer::default();
        let mut g = Grid::new(10, 2);
        g.put_str(0, 0, "hello", CellStyle::default(), 10);
        let first = String::from_utf8(r.draw(&g, Some((5, 0)))).unwrap();
        assert!(first.contains("hello") && first.contains("\x1b[2J"));
        g.put_str(0, 1, "日x", CellStyle::default(), 10);
        let second = String::from_utf8(r.draw(&g, None)).unwrap();
        assert!(
            !second.contains("hello") && !second.contains("\x1b[2J"),
            "{second:?}"
        );
        assert!(
            second.contains("\x1b[2;1H") && second.contains("日x"),
            "{second:?}"
        );
        assert!(!second.contains("\x1b[?25h"));
    }
}
