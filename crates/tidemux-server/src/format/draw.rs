//! Drawing an expanded format on one line of cells: a port of tmux 3.3a format-draw.c
//! (`format_draw` and its helpers) and the style words it reads (style.c `style_parse`,
//! colour.c `colour_fromstring`), for the status lines the server lays out for a client
//! (`status-format`; tmux(1) "STYLES": `#[align=]`, `#[list=]`, `#[range=]`, `#[fill=]`,
//! `push-default`, `pop-default`).
//!
//! The text is split into sections (left, centre, right, absolute-centre, the window list,
//! its two markers and what follows the list), each drawn on its own, then the sections are
//! trimmed and placed on a line `available` cells wide exactly as tmux places them. Ranges
//! (`#[range=window|N]`, `left`, `right`) come back with their columns for mouse clicks.

use tidemux_proto::{CellStyle, Color, Span, StatusLine, StatusRange, StatusRangeKind};
use unicode_width::UnicodeWidthChar;

/// Most cells a section holds (tidemux's bound: an expansion may be up to 1 MiB long; what
/// goes past this in a section is dropped, so a line costs at most this many cells a section).
pub const MAX_CELLS: usize = 16_384;

/// One cell: its character (`""` for the second half of a wide character) and style.
type Cell = (String, CellStyle);

/// `#[align=...]` (tmux `enum style_align`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    Default,
    Left,
    Centre,
    Right,
    AbsoluteCentre,
}

/// `#[list=...]` (tmux `enum style_list`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    Off,
    On,
    Focus,
    LeftMarker,
    RightMarker,
}

/// `push-default` / `pop-default` (tmux `enum style_default_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DefaultType {
    Base,
    Push,
    Pop,
}

/// A parsed style (tmux `struct style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Style {
    gc: CellStyle,
    ignore: bool,
    fill: Option<Color>,
    align: Align,
    list: List,
    range: Option<StatusRangeKind>,
    default_type: DefaultType,
}

impl Style {
    fn new(gc: CellStyle) -> Self {
        Style {
            gc,
            ignore: false,
            fill: None,
            align: Align::Default,
            list: List::Off,
            range: None,
            default_type: DefaultType::Base,
        }
    }
}

/// tmux `colour_fromstring` as a colour of the wire (`#rrggbb`, `colourN`, names,
/// `brightNAME`, `90`-`97`, `100`-`107`, `default`, `terminal`). X11 names are accepted (as
/// valid) but drawn in the default colour. `None`: not a colour.
pub fn colour(s: &str) -> Option<Color> {
    Color::from_tmux(s).or_else(|| crate::options::style::valid_colour(s).then_some(Color::Default))
}

/// tmux `attributes_fromstring`: the flag bits of `s` (names joined by `|`), `None` if a
/// name is unknown. Attributes the wire has no bit for count as known and set nothing.
fn attributes(s: &str) -> Option<u8> {
    let mut bits = 0;
    for t in s.split('|') {
        bits |= match t.to_ascii_lowercase().as_str() {
            "bright" | "bold" => CellStyle::BOLD,
            "dim" => CellStyle::DIM,
            "italics" => CellStyle::ITALIC,
            "underscore" | "double-underscore" | "curly-underscore" | "dotted-underscore"
            | "dashed-underscore" => CellStyle::UNDERLINE,
            "reverse" => CellStyle::INVERSE,
            "acs" | "blink" | "hidden" | "strikethrough" | "overline" => 0,
            _ => return None,
        };
    }
    Some(bits)
}

/// tmux `style_parse`: applies `input` to `sy`, `base` being what `default` returns to. On an
/// invalid word nothing changes and `false` comes back.
fn style_parse(sy: &mut Style, base: CellStyle, input: &str) -> bool {
    let saved = *sy;
    for tmp in input.split([' ', ',', '\n']).filter(|t| !t.is_empty()) {
        if tmp.len() > 255 || !style_word(sy, base, tmp) {
            *sy = saved;
            return false;
        }
    }
    true
}

/// One word of a style; `false` if invalid.
fn style_word(sy: &mut Style, base: CellStyle, tmp: &str) -> bool {
    let l = tmp.to_ascii_lowercase();
    match l.as_str() {
        "default" => sy.gc = base,
        "ignore" => sy.ignore = true,
        "noignore" => sy.ignore = false,
        "push-default" => sy.default_type = DefaultType::Push,
        "pop-default" => sy.default_type = DefaultType::Pop,
        "nolist" => sy.list = List::Off,
        "norange" => sy.range = None,
        "noalign" => sy.align = Align::Default,
        "none" => sy.gc.flags = 0,
        _ => {
            if let Some(v) = l.strip_prefix("list=") {
                sy.list = match v {
                    "on" => List::On,
                    "focus" => List::Focus,
                    "left-marker" => List::LeftMarker,
                    "right-marker" => List::RightMarker,
                    _ => return false,
                };
            } else if let Some(v) = l.strip_prefix("range=").filter(|v| !v.is_empty()) {
                let (kind, arg) = match v.split_once('|') {
                    Some((k, a)) => {
                        if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                            return false;
                        }
                        (k, Some(a))
                    }
                    None => (v, None),
                };
                match (kind, arg) {
                    ("left", None) => sy.range = Some(StatusRangeKind::Left),
                    ("right", None) => sy.range = Some(StatusRangeKind::Right),
                    ("window", Some(a)) => {
                        // atoi: digits only here; too large wraps as C's would not, so cap.
                        sy.range = Some(StatusRangeKind::Window(a.parse().unwrap_or(u32::MAX)));
                    }
                    ("left" | "right", Some(_)) | ("window", None) => return false,
                    _ => {}
                }
            } else if let Some(v) = l.strip_prefix("align=").filter(|v| !v.is_empty()) {
                sy.align = match v {
                    "left" => Align::Left,
                    "centre" => Align::Centre,
                    "right" => Align::Right,
                    "absolute-centre" => Align::AbsoluteCentre,
                    _ => return false,
                };
            } else if let Some(v) = tmp
                .get(5..)
                .filter(|_| l.starts_with("fill=") && l.len() > 5)
            {
                match colour(v) {
                    Some(c) => sy.fill = Some(c),
                    None => return false,
                }
            } else if l.len() > 3 && (l.starts_with("fg=") || l.starts_with("bg=")) {
                let Some(c) = colour(&tmp[3..]) else {
                    return false;
                };
                let fg = l.starts_with('f');
                match (fg, c) {
                    (true, Color::Default) => sy.gc.fg = base.fg,
                    (true, c) => sy.gc.fg = c,
                    (false, Color::Default) => sy.gc.bg = base.bg,
                    (false, c) => sy.gc.bg = c,
                }
            } else if let Some(a) = l.strip_prefix("no").filter(|a| !a.is_empty()) {
                match attributes(a) {
                    Some(bits) => sy.gc.flags &= !bits,
                    None => return false,
                }
            } else {
                match attributes(&l) {
                    Some(bits) => sy.gc.flags |= bits,
                    None => return false,
                }
            }
        }
    }
    true
}

/// tmux `format_skip(s, "]")`: the index of the `]` ending a style at the start of `s`,
/// skipping nested `#{...}` and `#[` escapes as tmux does.
fn skip_to_bracket(s: &str) -> Option<usize> {
    super::expand::skip(s.as_bytes(), 0, b"]")
}

/// Sections of a format (tmux's `LEFT` .. `AFTER`).
const LEFT: usize = 0;
const CENTRE: usize = 1;
const RIGHT: usize = 2;
const ABS_CENTRE: usize = 3;
const LIST: usize = 4;
const LIST_LEFT: usize = 5;
const LIST_RIGHT: usize = 6;
const AFTER: usize = 7;
const TOTAL: usize = 8;

/// A range while sections are drawn (tmux `struct format_range`): its section, columns in
/// it (then on the line once placed) and kind.
#[derive(Clone, Debug)]
struct Range {
    section: usize,
    start: usize,
    end: usize,
    kind: StatusRangeKind,
    placed: bool,
}

/// The line being drawn and the ranges found.
struct Out {
    cells: Vec<Cell>,
    ranges: Vec<Range>,
}

impl Out {
    /// tmux `format_draw_put`: copies `width` cells of section `s` from `start` to column
    /// `offset`, and moves the section's ranges there (dropping those outside).
    fn put(&mut self, secs: &[Vec<Cell>], s: usize, offset: usize, start: usize, width: usize) {
        self.copy(&secs[s], offset, start, width);
        self.ranges.retain_mut(|fr| {
            if fr.section != s || fr.placed {
                return true;
            }
            if fr.end <= start || fr.start >= start + width {
                return false;
            }
            fr.start = fr.start.max(start);
            fr.end = fr.end.min(start + width);
            if fr.start == fr.end {
                return false;
            }
            fr.start = fr.start - start + offset;
            fr.end = fr.end - start + offset;
            fr.placed = true;
            true
        });
    }

    /// Copies cells (tmux `screen_write_fast_copy`); a wide character cut in two becomes a
    /// space.
    fn copy(&mut self, src: &[Cell], offset: usize, start: usize, width: usize) {
        for i in 0..width {
            let Some(at) = self.cells.get_mut(offset + i) else {
                break;
            };
            let Some(c) = src.get(start + i) else {
                break;
            };
            let cut_head = c.0.is_empty() && i == 0;
            let cut_tail = !c.0.is_empty()
                && src.get(start + i + 1).is_some_and(|n| n.0.is_empty())
                && i + 1 == width;
            *at = if cut_head || cut_tail {
                (" ".into(), c.1)
            } else {
                c.clone()
            };
        }
    }
}

/// The state of [`draw`]'s walk over the text.
struct Walk {
    secs: Vec<Vec<Cell>>,
}

impl Walk {
    fn push(&mut self, s: usize, ch: char, st: CellStyle) {
        let w = UnicodeWidthChar::width(ch).unwrap_or(0);
        if w == 0 || self.secs[s].len() + w > MAX_CELLS {
            return;
        }
        self.secs[s].push((ch.to_string(), st));
        if w == 2 {
            self.secs[s].push((String::new(), st));
        }
    }
}

/// A style option's value (`status-style`) over the terminal's default cell, as tmux's
/// `style_apply` gives the status line's base cell; invalid values give the default cell.
pub fn base_style(spec: &str) -> CellStyle {
    let mut sy = Style::new(CellStyle::default());
    style_parse(&mut sy, CellStyle::default(), spec);
    sy.gc
}

/// Lays out `expanded` (a format already expanded, `#[...]` styles in it) on a line
/// `available` cells wide over `base` (the status style), as tmux 3.3a's `format_draw`:
/// every cell of the line is set (those nothing covers keep `base`, or the last
/// `#[fill=COLOUR]`'s background).
pub fn draw(expanded: &str, base: CellStyle, available: u16) -> StatusLine {
    let available = usize::from(available);
    let mut current_default = base;
    let mut sy = Style::new(current_default);
    let mut w = Walk {
        secs: vec![Vec::new(); TOTAL],
    };
    let mut map = [LEFT, LEFT, CENTRE, RIGHT, ABS_CENTRE];
    let align_ix = |a: Align| match a {
        Align::Default => 0,
        Align::Left => 1,
        Align::Centre => 2,
        Align::Right => 3,
        Align::AbsoluteCentre => 4,
    };
    let (mut focus_start, mut focus_end): (Option<usize>, Option<usize>) = (None, None);
    let mut list_state: i8 = -1;
    let mut fill: Option<Color> = None;
    let mut list_align = Align::Default;
    let mut current = LEFT;
    let mut fr: Option<Range> = None;
    let mut frs: Vec<Range> = Vec::new();
    let b = expanded.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Runs of `#`.
        if b[i] == b'#' && i + 1 < b.len() && b[i + 1] != b'[' {
            let mut n = 1;
            while b.get(i + n) == Some(&b'#') {
                n += 1;
            }
            let even = n % 2 == 0;
            if b.get(i + n) != Some(&b'[') {
                i += n;
                let count = if even { n / 2 } else { n / 2 + 1 };
                for _ in 0..count {
                    w.push(current, '#', sy.gc);
                }
                continue;
            }
            if even {
                i += n + 1;
            } else {
                i += n - 1;
            }
            if sy.ignore {
                continue;
            }
            for _ in 0..n / 2 {
                w.push(current, '#', sy.gc);
            }
            if even {
                w.push(current, '[', sy.gc);
            }
            continue;
        }
        // Not a style.
        if b[i] != b'#' || b.get(i + 1) != Some(&b'[') || sy.ignore {
            let ch = expanded[i..].chars().next().unwrap_or(' ');
            i += ch.len_utf8();
            if (ch as u32) < 0x20 || ch as u32 == 0x7f {
                continue;
            }
            w.push(current, ch, sy.gc);
            continue;
        }
        // A style: find its end and parse it.
        let Some(end) = skip_to_bracket(&expanded[i + 2..]).map(|e| e + i + 2) else {
            // No terminating `]`: tmux draws nothing (the line keeps its blank cells).
            return draw("", base, available as u16);
        };
        let tmp = &expanded[i + 2..end];
        let saved = sy;
        i = end + 1;
        if !style_parse(&mut sy, current_default, tmp) {
            continue;
        }
        if sy.fill.is_some() {
            fill = sy.fill;
        }
        match sy.default_type {
            DefaultType::Push => {
                current_default = saved.gc;
                sy.default_type = DefaultType::Base;
            }
            DefaultType::Pop => {
                current_default = base;
                sy.default_type = DefaultType::Base;
            }
            DefaultType::Base => {}
        }
        let list_cx = w.secs[LIST].len();
        match sy.list {
            List::On => {
                if list_state != 0 {
                    fr = None;
                    list_state = 0;
                    list_align = sy.align;
                }
                if focus_start.is_some() && focus_end.is_none() {
                    focus_end = Some(list_cx);
                }
                current = LIST;
            }
            List::Focus => {
                if list_state == 0 && focus_start.is_none() {
                    focus_start = Some(list_cx);
                }
            }
            List::Off => {
                if list_state == 0 {
                    fr = None;
                    if focus_start.is_some() && focus_end.is_none() {
                        focus_end = Some(list_cx);
                    }
                    map[align_ix(list_align)] = AFTER;
                    if list_align == Align::Left {
                        map[0] = AFTER;
                    }
                    list_state = 1;
                }
                current = map[align_ix(sy.align)];
            }
            List::LeftMarker | List::RightMarker => {
                let (sec, _) = if sy.list == List::LeftMarker {
                    (LIST_LEFT, ())
                } else {
                    (LIST_RIGHT, ())
                };
                if list_state == 0 && w.secs[sec].is_empty() {
                    fr = None;
                    if focus_start.is_some() && focus_end.is_none() {
                        focus_start = None;
                        focus_end = None;
                    }
                    current = sec;
                }
            }
        }
        // The range changed: end the current one, start another.
        if let Some(r) = fr.take() {
            if Some(r.kind) == sy.range {
                fr = Some(r);
            } else if w.secs[current].len() != r.start {
                frs.push(Range {
                    end: w.secs[current].len() + 1,
                    ..r
                });
            }
        }
        if fr.is_none() {
            if let Some(kind) = sy.range {
                fr = Some(Range {
                    section: current,
                    start: w.secs[current].len(),
                    end: 0,
                    kind,
                    placed: false,
                });
            }
        }
    }
    let mut out = Out {
        cells: vec![(" ".into(), base); available],
        ranges: frs,
    };
    if let Some(f) = fill {
        let gc = CellStyle {
            fg: Color::Default,
            bg: f,
            flags: 0,
        };
        out.cells = vec![(" ".into(), gc); available];
    }
    let focus = match (focus_start, focus_end) {
        (Some(s), Some(e)) => Some((s, e)),
        _ => None,
    };
    let secs = &w.secs;
    match list_align {
        Align::Default => draw_none(&mut out, secs, available),
        Align::Left => draw_left(&mut out, secs, available, focus),
        Align::Centre => draw_centre(&mut out, secs, available, focus),
        Align::Right => draw_right(&mut out, secs, available, focus),
        Align::AbsoluteCentre => draw_absolute_centre(&mut out, secs, available, focus),
    }
    finish(out)
}

/// Merges the cells into spans and keeps the placed ranges.
fn finish(out: Out) -> StatusLine {
    let mut spans: Vec<Span> = Vec::new();
    for (t, st) in out.cells {
        match spans.last_mut() {
            Some(s) if s.style == st => {
                s.text.push_str(&t);
                s.cols += 1;
            }
            _ => spans.push(Span {
                text: t,
                cols: 1,
                style: st,
            }),
        }
    }
    let ranges = out
        .ranges
        .into_iter()
        .filter(|r| r.placed)
        .map(|r| StatusRange {
            start: u16::try_from(r.start).unwrap_or(u16::MAX),
            end: u16::try_from(r.end).unwrap_or(u16::MAX),
            kind: r.kind,
        })
        .collect();
    StatusLine { spans, ranges }
}

/// `a - b` as tmux's unsigned arithmetic would use it for a column: 0 when it would wrap.
fn sub(a: usize, b: usize) -> usize {
    a.saturating_sub(b)
}

/// tmux `format_draw_none`.
fn draw_none(out: &mut Out, s: &[Vec<Cell>], available: usize) {
    let (mut wl, mut wc, mut wr) = (s[LEFT].len(), s[CENTRE].len(), s[RIGHT].len());
    let mut wa = s[ABS_CENTRE].len();
    while wl + wc + wr > available {
        if wc > 0 {
            wc -= 1;
        } else if wr > 0 {
            wr -= 1;
        } else {
            wl -= 1;
        }
    }
    out.put(s, LEFT, 0, 0, wl);
    out.put(s, RIGHT, available - wr, s[RIGHT].len() - wr, wr);
    out.put(
        s,
        CENTRE,
        sub(wl + (available - wr - wl) / 2, wc / 2),
        sub(s[CENTRE].len() / 2, wc / 2),
        wc,
    );
    wa = wa.min(available);
    out.put(s, ABS_CENTRE, (available - wa) / 2, 0, wa);
}

/// tmux `format_draw_put_list`: the list in `width` cells from `offset`, scrolled to keep
/// the focus in view, with the `<` `>` markers where it is cut.
fn put_list(
    out: &mut Out,
    s: &[Vec<Cell>],
    mut offset: usize,
    mut width: usize,
    (focus_start, focus_end): (usize, usize),
) {
    let list_cx = s[LIST].len();
    if width >= list_cx {
        out.put(s, LIST, offset, 0, width);
        return;
    }
    let centre = focus_start + sub(focus_end, focus_start) / 2;
    let mut start = centre.saturating_sub(width / 2);
    if start + width > list_cx {
        start = list_cx - width;
    }
    let (ll, rl) = (s[LIST_LEFT].len(), s[LIST_RIGHT].len());
    if start != 0 && width > ll {
        out.copy(&s[LIST_LEFT], offset, 0, ll);
        offset += ll;
        start += ll;
        width -= ll;
    }
    if start + width < list_cx && width > rl {
        out.copy(&s[LIST_RIGHT], offset + width - rl, 0, rl);
        width -= rl;
    }
    out.put(s, LIST, offset, start, width);
}

/// The widths of left, centre, right, abs-centre, list and after.
fn widths(s: &[Vec<Cell>]) -> [usize; 6] {
    [
        s[LEFT].len(),
        s[CENTRE].len(),
        s[RIGHT].len(),
        s[ABS_CENTRE].len(),
        s[LIST].len(),
        s[AFTER].len(),
    ]
}

/// tmux `format_draw_left`.
fn draw_left(out: &mut Out, s: &[Vec<Cell>], available: usize, focus: Option<(usize, usize)>) {
    let [mut wl, mut wc, mut wr, mut wa, mut wli, mut waf] = widths(s);
    while wl + wc + wr + wli + waf > available {
        if wc > 0 {
            wc -= 1;
        } else if wli > 0 {
            wli -= 1;
        } else if wr > 0 {
            wr -= 1;
        } else if waf > 0 {
            waf -= 1;
        } else {
            wl -= 1;
        }
    }
    if wli == 0 {
        // tmux copies the after part behind the section's cursor without moving it, so it
        // is not drawn.
        draw_none(out, s, available);
        return;
    }
    out.put(s, LEFT, 0, 0, wl);
    out.put(s, RIGHT, available - wr, s[RIGHT].len() - wr, wr);
    out.put(s, AFTER, wl + wli, 0, waf);
    let from = wl + wli + waf;
    out.put(
        s,
        CENTRE,
        sub(from + (sub(available - wr, from)) / 2, wc / 2),
        sub(s[CENTRE].len() / 2, wc / 2),
        wc,
    );
    put_list(out, s, wl, wli, focus.unwrap_or((0, 0)));
    wa = wa.min(available);
    out.put(s, ABS_CENTRE, (available - wa) / 2, 0, wa);
}

/// tmux `format_draw_centre`.
fn draw_centre(out: &mut Out, s: &[Vec<Cell>], available: usize, focus: Option<(usize, usize)>) {
    let [mut wl, mut wc, mut wr, mut wa, mut wli, mut waf] = widths(s);
    while wl + wc + wr + wli + waf > available {
        if wli > 0 {
            wli -= 1;
        } else if waf > 0 {
            waf -= 1;
        } else if wc > 0 {
            wc -= 1;
        } else if wr > 0 {
            wr -= 1;
        } else {
            wl -= 1;
        }
    }
    if wli == 0 {
        // tmux copies the after part behind the section's cursor without moving it, so it
        // is not drawn.
        draw_none(out, s, available);
        return;
    }
    out.put(s, LEFT, 0, 0, wl);
    out.put(s, RIGHT, available - wr, s[RIGHT].len() - wr, wr);
    let middle = wl + (available - wr - wl) / 2;
    out.put(s, CENTRE, sub(middle, wli / 2 + wc), 0, wc);
    out.put(s, AFTER, middle - wli / 2 + wli, 0, waf);
    let list_cx = s[LIST].len();
    put_list(
        out,
        s,
        middle - wli / 2,
        wli,
        focus.unwrap_or((list_cx / 2, list_cx / 2)),
    );
    wa = wa.min(available);
    out.put(s, ABS_CENTRE, (available - wa) / 2, 0, wa);
}

/// tmux `format_draw_right`.
fn draw_right(out: &mut Out, s: &[Vec<Cell>], available: usize, focus: Option<(usize, usize)>) {
    let [mut wl, mut wc, mut wr, mut wa, mut wli, mut waf] = widths(s);
    while wl + wc + wr + wli + waf > available {
        if wc > 0 {
            wc -= 1;
        } else if wli > 0 {
            wli -= 1;
        } else if wr > 0 {
            wr -= 1;
        } else if waf > 0 {
            waf -= 1;
        } else {
            wl -= 1;
        }
    }
    if wli == 0 {
        // tmux copies the after part behind the section's cursor without moving it, so it
        // is not drawn.
        draw_none(out, s, available);
        return;
    }
    out.put(s, LEFT, 0, 0, wl);
    out.put(s, AFTER, available - waf, s[AFTER].len() - waf, waf);
    out.put(s, RIGHT, available - wr - wli - waf, 0, wr);
    let to = available - wr - wli - waf;
    out.put(
        s,
        CENTRE,
        sub(wl + sub(to, wl) / 2, wc / 2),
        sub(s[CENTRE].len() / 2, wc / 2),
        wc,
    );
    put_list(out, s, available - wli - waf, wli, focus.unwrap_or((0, 0)));
    wa = wa.min(available);
    out.put(s, ABS_CENTRE, (available - wa) / 2, 0, wa);
}

/// tmux `format_draw_absolute_centre`.
fn draw_absolute_centre(
    out: &mut Out,
    s: &[Vec<Cell>],
    available: usize,
    focus: Option<(usize, usize)>,
) {
    let [mut wl, mut wc, mut wr, mut wa, mut wli, mut waf] = widths(s);
    while wl + wc + wr > available {
        if wc > 0 {
            wc -= 1;
        } else if wr > 0 {
            wr -= 1;
        } else {
            wl -= 1;
        }
    }
    while wli + waf + wa > available {
        if wli > 0 {
            wli -= 1;
        } else if waf > 0 {
            waf -= 1;
        } else {
            wa -= 1;
        }
    }
    out.put(s, LEFT, 0, 0, wl);
    out.put(s, RIGHT, available - wr, s[RIGHT].len() - wr, wr);
    let middle = wl + (available - wr - wl) / 2;
    out.put(s, CENTRE, sub(middle, wc), 0, wc);
    let list_cx = s[LIST].len();
    let focus = focus.unwrap_or((list_cx / 2, list_cx / 2));
    let mut off = (available - wli - wa) / 2;
    out.put(s, ABS_CENTRE, off, 0, wa);
    off += wa;
    put_list(out, s, off, wli, focus);
    off += wli;
    out.put(s, AFTER, off, 0, waf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &StatusLine) -> String {
        l.spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn aligns_like_tmux() {
        let base = CellStyle::default();
        let l = draw("L#[align=centre]C#[align=right]R", base, 11);
        assert_eq!(text(&l), "L    C    R");
        let l = draw("#[fg=red]a##b#[default]c", base, 5);
        assert_eq!(text(&l), "a#bc ");
        assert_eq!(l.spans[0].style.fg, Color::Idx(1));
    }

    #[test]
    fn list_scrolls_to_the_focus_with_markers() {
        let base = CellStyle::default();
        let f = "#[list=on align=left]#[list=left-marker]<#[list=right-marker]>#[list=on]aaaa bbbb #[list=focus]cccc#[list=on] dddd eeee";
        let l = draw(f, base, 10);
        let t = text(&l);
        assert!(t.contains("cccc"), "{t}");
        assert!(t.starts_with('<') && t.ends_with('>'), "{t}");
        assert_eq!(text(&draw("a#[fg=red", base, 3)), "   ");
    }

    #[test]
    fn ranges_and_bad_styles() {
        let base = CellStyle::default();
        let l = draw("#[range=window|3]ab#[norange] #[bogus]x", base, 6);
        assert_eq!(text(&l), "ab x  ");
        assert_eq!(
            l.ranges,
            vec![StatusRange {
                start: 0,
                end: 3,
                kind: StatusRangeKind::Window(3)
            }]
        );
        let l = draw("#[fill=blue]ab", base, 4);
        assert_eq!(l.spans.last().map(|s| s.style.bg), Some(Color::Idx(4)));
        // A huge text costs at most MAX_CELLS cells; the line is still the width asked.
        let big = format!("#[align=right]{}", "x".repeat(MAX_CELLS * 4));
        let l = draw(&big, base, 80);
        assert_eq!(
            l.spans.iter().map(|s| usize::from(s.cols)).sum::<usize>(),
            80
        );
    }
}
