//! Text helpers of the format engine, after tmux 3.3a's format-draw.c (`format_width`,
//! `format_trim_left`, `format_trim_right`), utf8.c (`utf8_padcstr`), regsub.c (`regsub`) and
//! the POSIX `basename(3)`/`dirname(3)`.

use unicode_width::UnicodeWidthChar;

/// Width of one character as tmux counts it: printable ASCII is 1, other characters their
/// terminal width; control characters are `None` (tmux drops them when trimming).
fn char_width(c: char) -> Option<usize> {
    if c.is_ascii() {
        return (' '..='~').contains(&c).then_some(1);
    }
    UnicodeWidthChar::width(c)
}

/// `format_leading_hashes`: at a run of `#`s, returns (count, display width, index where the
/// caller continues). An odd run followed by `[` starts a style (`#[...]`): the caller
/// continues at its `#`.
fn leading_hashes(b: &[u8], i: usize) -> (usize, usize, usize) {
    let mut n = 0;
    while b.get(i + n) == Some(&b'#') {
        n += 1;
    }
    if b.get(i + n) != Some(&b'[') {
        return (n, n.div_ceil(2), i + n);
    }
    if n % 2 == 0 {
        (n, n / 2, i + n)
    } else {
        (n, n / 2, i + n - 1)
    }
}

/// Index just after the `]` closing a style that starts at `i` (`#[`), or `None`.
fn style_end(s: &str, i: usize) -> Option<usize> {
    super::expand::skip(s.as_bytes(), i + 2, b"]").map(|e| e + 1)
}

/// `format_width`: display width of an expanded format (styles `#[...]` count 0, `##` 1).
pub fn width(s: &str) -> usize {
    let b = s.as_bytes();
    let mut w = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            let (_, lw, end) = leading_hashes(b, i);
            w += lw;
            i = end;
            if b.get(i) == Some(&b'#') {
                match style_end(s, i) {
                    Some(e) => i = e,
                    None => return 0,
                }
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        w += char_width(c).unwrap_or(0);
        i += c.len_utf8();
    }
    w
}

/// `format_trim_left`: the first `limit` columns.
pub fn trim_left(s: &str, limit: usize) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut w = 0;
    let mut i = 0;
    while i < b.len() {
        if w >= limit {
            break;
        }
        if b[i] == b'#' {
            let (n, mut lw, end) = leading_hashes(b, i);
            lw = lw.min(limit - w);
            if lw != 0 {
                push_hashes(&mut out, n, lw);
                w += lw;
            }
            i = end;
            match copy_style(s, i, &mut out) {
                Some(e) => i = e,
                None => break,
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if let Some(cw) = char_width(c) {
            if w + cw <= limit {
                out.push(c);
            }
            w += cw;
        }
    }
    out
}

/// Writes the kept part of a run of `#`: one `#` for a single one (tmux keeps it as it is),
/// else `count` escaped `##` pairs.
fn push_hashes(out: &mut String, n: usize, count: usize) {
    if n == 1 {
        out.push('#');
    } else {
        out.push_str(&"#".repeat(2 * count));
    }
}

/// After a run of `#` at `i`: a `#[style]` there is copied whole (it has no width). Returns where
/// the text goes on, or `None` for an unterminated style (the rest is dropped, as tmux does).
fn copy_style(s: &str, i: usize, out: &mut String) -> Option<usize> {
    if s.as_bytes().get(i) != Some(&b'#') {
        return Some(i);
    }
    let e = style_end(s, i)?;
    out.push_str(&s[i..e]);
    Some(e)
}

/// `format_trim_right`: the last `limit` columns.
pub fn trim_right(s: &str, limit: usize) -> String {
    let total = width(s);
    if total <= limit {
        return s.to_owned();
    }
    let skip = total - limit;
    let b = s.as_bytes();
    let mut out = String::new();
    let mut w = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            let (n, lw, end) = leading_hashes(b, i);
            let mut copy = lw;
            if w <= skip {
                if skip - w >= copy {
                    copy = 0;
                } else {
                    copy -= skip - w;
                }
            }
            if copy != 0 {
                push_hashes(&mut out, n, copy);
            }
            w += lw;
            i = end;
            match copy_style(s, i, &mut out) {
                Some(e) => i = e,
                None => break,
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if let Some(cw) = char_width(c) {
            if w >= skip {
                out.push(c);
            }
            w += cw;
        }
    }
    out
}

/// `utf8_cstrwidth`: plain display width (no style handling).
fn plain_width(s: &str) -> usize {
    s.chars().map(|c| char_width(c).unwrap_or(0)).sum()
}

/// `utf8_padcstr` (`width > 0`: pad on the right) and `utf8_rpadcstr` (`width < 0`: pad on the
/// left) to `|width|` columns.
pub fn pad(s: &str, width: i64) -> String {
    let want = width.unsigned_abs() as usize;
    let have = plain_width(s);
    if have >= want {
        return s.to_owned();
    }
    let fill = " ".repeat(want - have);
    if width > 0 {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

/// POSIX `basename(3)`.
pub fn basename(s: &str) -> String {
    if s.is_empty() {
        return ".".into();
    }
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_owned()
}

/// POSIX `dirname(3)`.
pub fn dirname(s: &str) -> String {
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return if s.is_empty() { ".".into() } else { "/".into() };
    }
    match t.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let d = t[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.to_owned()
            }
        }
    }
}

/// `format_quote_shell`: a backslash before every shell special character.
pub fn quote_shell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "|&;<>()$`\\\"'*?[# =%".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `format_quote_style`: `#` doubled.
pub fn quote_style(s: &str) -> String {
    s.replace('#', "##")
}

/// `format_strip`: removes the `#` of `#,` `##` `#{` `#}` `#:` escapes outside `#{...}`.
pub fn strip(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut brackets = 0i32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' && b.get(i + 1) == Some(&b'{') {
            brackets += 1;
        }
        if c == b'#' && matches!(b.get(i + 1), Some(b',' | b'#' | b'{' | b'}' | b':')) {
            if brackets != 0 {
                out.push('#');
            }
            i += 1;
            continue;
        }
        if c == b'}' {
            brackets -= 1;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// tmux's `regsub`: replaces every match of the extended regular expression `pattern` in
/// `text` by `with`, where `\0`..`\9` insert groups. `None` if the pattern does not compile.
/// Matching uses the `regex` crate (leftmost-first, where POSIX is leftmost-longest).
pub fn regsub(pattern: &str, with: &str, text: &str, icase: bool) -> Option<String> {
    if text.is_empty() {
        return Some(String::new());
    }
    let re = regex::RegexBuilder::new(pattern)
        .case_insensitive(icase)
        .build()
        .ok()?;
    let mut buf = String::new();
    let end = text.len();
    let (mut start, mut last) = (0usize, 0usize);
    let mut empty = false;
    while start <= end {
        let Some(caps) = re.captures(&text[start..]) else {
            buf.push_str(&text[start..end]);
            break;
        };
        let m0 = caps.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
        buf.push_str(&text[last.min(start + m0.0)..start + m0.0]);
        if empty || start + m0.0 != last || m0.0 != m0.1 {
            expand_with(&mut buf, with, &caps);
            last = start + m0.1;
            start += m0.1;
            empty = false;
        } else {
            last = start + m0.1;
            let at = start + m0.1;
            start = at + text[at..].chars().next().map_or(1, char::len_utf8);
            empty = true;
        }
        if pattern.starts_with('^') {
            if start < end {
                buf.push_str(&text[start..end]);
            }
            break;
        }
    }
    Some(buf)
}

fn expand_with(buf: &mut String, with: &str, caps: &regex::Captures<'_>) {
    let mut it = with.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            buf.push(c);
            continue;
        }
        let Some(n) = it.next() else { break };
        if let Some(d) = n.to_digit(10) {
            if let Some(m) = caps.get(d as usize).filter(|m| !m.is_empty()) {
                buf.push_str(m.as_str());
                continue;
            }
        }
        buf.push(n);
    }
}

/// tmux `colour_256toRGB`: the xterm 256-colour palette.
fn colour_256_rgb(n: u8) -> u32 {
    const BASIC: [u32; 16] = [
        0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0, 0x808080,
        0xff0000, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff, 0xffffff,
    ];
    const LEVELS: [u32; 6] = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];
    match n {
        0..=15 => BASIC[usize::from(n)],
        16..=231 => {
            let i = u32::from(n - 16);
            (LEVELS[(i / 36) as usize] << 16)
                | (LEVELS[(i / 6 % 6) as usize] << 8)
                | LEVELS[(i % 6) as usize]
        }
        _ => {
            let g = 8 + 10 * u32::from(n - 232);
            (g << 16) | (g << 8) | g
        }
    }
}

/// `#{c:COLOUR}`: tmux `colour_fromstring` then `colour_force_rgb`, as `rrggbb`; empty for
/// `default`, `terminal` and unknown names. X11 colour names are not known.
pub fn colour_hex(s: &str) -> String {
    let l = s.to_ascii_lowercase();
    let rgb = if let Some(h) = s.strip_prefix('#').filter(|h| h.len() == 6) {
        u32::from_str_radix(h, 16).ok()
    } else if let Some(n) = l.strip_prefix("colour").or_else(|| l.strip_prefix("color")) {
        n.parse::<u8>().ok().map(colour_256_rgb)
    } else {
        const NAMES: [&str; 8] = [
            "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        ];
        let base = NAMES
            .iter()
            .position(|c| *c == l)
            .or_else(|| s.parse::<usize>().ok().filter(|n| *n < 8));
        let bright = l
            .strip_prefix("bright")
            .and_then(|b| NAMES.iter().position(|c| *c == b))
            .or_else(|| {
                s.parse::<usize>()
                    .ok()
                    .filter(|n| (90..=97).contains(n))
                    .map(|n| n - 90)
            });
        match (base, bright) {
            (Some(i), _) => Some(colour_256_rgb(i as u8)),
            (None, Some(i)) => Some(colour_256_rgb(8 + i as u8)),
            _ => None,
        }
    };
    rgb.map(|c| format!("{c:06x}")).unwrap_or_default()
}
