//! Pane border status lines (tmux `pane-border-status top|bottom` with `pane-border-format`):
//! the server sends each pane's expanded format ([`AttachFrame::borders`]); the client draws it
//! on the border line above (or below) the pane, keeping one row of the terminal for the panes
//! at the window's top (or bottom) edge, as tmux does.

use super::render::Grid;
use tidemux_proto::{AttachFrame, CellStyle, Color};

/// Rows the client keeps for border lines: 1 while `pane-border-status` is on.
pub fn reserved(f: Option<&AttachFrame>) -> u16 {
    u16::from(f.is_some_and(|f| f.border_status != 0))
}

/// Row offset of the window on the terminal: 1 with `pane-border-status top`.
pub fn top_offset(f: Option<&AttachFrame>) -> u16 {
    u16::from(f.is_some_and(|f| f.border_status == 1))
}

/// A colour name of tmux styles (`red`, `colour123`, `brightblue`, `default`); `None` if
/// unknown.
fn colour(name: &str) -> Option<Color> {
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    if name == "default" || name == "terminal" {
        return Some(Color::Default);
    }
    if let Some(i) = NAMES.iter().position(|n| *n == name) {
        return Some(Color::Idx(i as u8));
    }
    if let Some(b) = name.strip_prefix("bright") {
        return NAMES
            .iter()
            .position(|n| *n == b)
            .map(|i| Color::Idx(i as u8 + 8));
    }
    let n = name
        .strip_prefix("colour")
        .or_else(|| name.strip_prefix("color"))?;
    n.parse::<u8>().ok().map(Color::Idx)
}

/// Applies one `#[...]` style (tmux(1) "STYLES": comma or space separated `fg=`, `bg=`,
/// attributes, `no` attributes, `default`) to `s`; `base` is what `default` returns to.
fn apply_style(spec: &str, s: &mut CellStyle, base: CellStyle) {
    for part in spec.split([',', ' ']).filter(|p| !p.is_empty()) {
        let flag = |name: &str| match name {
            "bold" | "bright" => CellStyle::BOLD,
            "dim" => CellStyle::DIM,
            "italics" => CellStyle::ITALIC,
            "underscore" => CellStyle::UNDERLINE,
            "reverse" => CellStyle::INVERSE,
            _ => 0,
        };
        if part == "default" || part == "none" {
            *s = base;
        } else if let Some(c) = part.strip_prefix("fg=") {
            s.fg = colour(c).unwrap_or(s.fg);
        } else if let Some(c) = part.strip_prefix("bg=") {
            s.bg = colour(c).unwrap_or(s.bg);
        } else if let Some(a) = part.strip_prefix("no") {
            s.flags &= !flag(a);
        } else {
            s.flags |= flag(part);
        }
    }
}

/// Writes `text` with its `#[...]` styles from (x, y), clipped at `max_x`; returns the next
/// column. `##` is a literal `#`.
pub fn put_styled(
    g: &mut Grid,
    mut x: u16,
    y: u16,
    text: &str,
    base: CellStyle,
    max_x: u16,
) -> u16 {
    let mut style = base;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("#[") {
            if let Some(end) = r.find(']') {
                apply_style(&r[..end], &mut style, base);
                rest = &r[end + 1..];
                continue;
            }
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find("#[").map_or(rest.len(), |i| i + first);
        let chunk = rest[..next].replace("##", "#");
        x = g.put_str(x, y, &chunk, style, max_x);
        rest = &rest[next..];
    }
    x
}

/// Draws every pane's border line: the border row above the pane (`top`) or below it
/// (`bottom`), a line across the pane's width with the text from its third column, at most
/// its width less 4 (as tmux). `ox`/`oy`: where the window starts on the terminal; `line` /
/// `hot`: the style of an inactive / the active pane's border.
pub fn draw(g: &mut Grid, f: &AttachFrame, ox: u16, oy: u16, line: CellStyle, hot: CellStyle) {
    if f.border_status == 0 {
        return;
    }
    for p in &f.panes {
        let Some((_, text)) = f.borders.iter().find(|(id, _)| *id == p.id) else {
            continue;
        };
        let y = if f.border_status == 1 {
            (p.top + oy).checked_sub(1)
        } else {
            Some(p.top + oy + p.rows)
        };
        let Some(y) = y else {
            continue;
        };
        let st = if p.active { hot } else { line };
        let x0 = p.left + ox;
        for x in x0..x0 + p.cols {
            g.set(x, y, "─", st);
        }
        // Where the line meets the border right of the pane.
        if p.left + p.cols < f.cols {
            let joint = if f.border_status == 1 { "┬" } else { "┴" };
            g.set(x0 + p.cols, y, joint, line);
        }
        if p.cols > 4 {
            put_styled(g, x0 + 2, y, text, st, x0 + p.cols - 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_in_the_text() {
        let mut g = Grid::new(20, 1);
        let base = CellStyle::default();
        let end = put_styled(
            &mut g,
            0,
            0,
            "#[reverse]0#[default] a##b #[fg=red,bold]x",
            base,
            20,
        );
        assert_eq!(end, 7);
        assert_eq!(g.get(0, 0).unwrap().style.flags, CellStyle::INVERSE);
        assert_eq!(g.get(2, 0).unwrap().style, base);
        assert_eq!(g.get(3, 0).unwrap().text, "#");
        let x = g.get(6, 0).unwrap();
        assert_eq!(
            (x.text.as_str(), x.style.fg, x.style.flags),
            ("x", Color::Idx(1), CellStyle::BOLD)
        );
        assert_eq!(colour("colour200"), Some(Color::Idx(200)));
        assert_eq!(colour("brightred"), Some(Color::Idx(9)));
        assert_eq!(colour("nope"), None);
    }
}
