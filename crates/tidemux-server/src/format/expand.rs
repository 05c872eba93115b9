//! The expander: a port of tmux 3.3a's `format_expand1`, `format_replace`,
//! `format_build_modifiers`, `format_find` and their helpers, on the same byte-level grammar,
//! so that odd inputs (unterminated `#{`, missing commas) behave as in tmux: expansion stops
//! at the first construct that fails.

use super::text;
use super::time::{self, Zone};
use super::{is_true, FormatContext, Value};

/// Nesting limit (tmux `FORMAT_LOOP_LIMIT`): deeper expansions give nothing.
const LOOP_LIMIT: u32 = 100;

/// Expansion steps allowed for one top-level expansion: a format that refers to itself
/// through loops (`@x` = `#{S:#{E:@x}}`) would otherwise take exponential time. Past it every
/// further step gives nothing (tidemux's bound; tmux has none).
pub const STEP_BUDGET: u32 = 200_000;

/// Longest result of one expansion step, bytes (tidemux's bound).
pub const MAX_OUTPUT: usize = 1024 * 1024;

/// Expands formats. Holds the clock and time zone, so that tests can fix them.
#[derive(Clone, Debug)]
pub struct Expander {
    now: i64,
    zone: Zone,
    steps: std::cell::Cell<u32>,
}

impl Default for Expander {
    fn default() -> Self {
        Self::new()
    }
}

/// Per-expansion state (tmux `struct format_expand_state`).
#[derive(Clone, Copy)]
struct Es<'c> {
    ctx: &'c dyn FormatContext,
    depth: u32,
    /// `FORMAT_EXPAND_TIME`: run `strftime` over formats before expanding (`#{T:...}`).
    time: bool,
    /// `#(...)` runs (tmux: not `FORMAT_EXPAND_NOJOBS`; off inside a job's own text).
    jobs: bool,
}

/// A parsed modifier: its name (1 or 2 characters) and expanded arguments.
struct Modifier {
    name: String,
    argv: Vec<String>,
}

#[derive(Default)]
struct Flags {
    literal: bool,
    character: bool,
    colour: bool,
    basename: bool,
    dirname: bool,
    length: bool,
    width_of: bool,
    timestring: bool,
    pretty: bool,
    quote_shell: bool,
    quote_style: bool,
    expand: bool,
    expand_time: bool,
    window_name: bool,
    session_name: bool,
    sessions: bool,
    windows: bool,
    panes: bool,
}

/// `format_skip`: the index of the first byte of `end` at bracket depth 0 from `i`, skipping
/// `#X` escapes (`#,` `##` `#{` `#}` `#:`) and counting `#{`/`}` nesting.
pub(super) fn skip(b: &[u8], mut i: usize, end: &[u8]) -> Option<usize> {
    let mut brackets = 0i32;
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            match b.get(i + 1) {
                Some(b'{') => {
                    brackets += 1;
                    i += 2;
                    continue;
                }
                Some(b',' | b'#' | b'}' | b':') => {
                    i += 2;
                    continue;
                }
                // tmux reads past the end of the string here; stop instead.
                None => return None,
                _ => {}
            }
        }
        if c == b'}' {
            brackets -= 1;
        }
        if end.contains(&c) && brackets == 0 {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `strtonum(s, min, max)`: a whole decimal number in range, leading blanks allowed.
fn strtonum(s: &str, min: i64, max: i64) -> Option<i64> {
    let v: i64 = s.trim_start().parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

/// `strtod` of a whole string (leading blanks allowed; empty is 0).
fn strtod(s: &str) -> Option<f64> {
    let t = s.trim_start();
    if t.is_empty() {
        return if s.is_empty() { Some(0.0) } else { None };
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()? as f64
    } else {
        if body.starts_with(['+', '-']) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// C's `(long long)x` on x86-64: out of range and NaN give `i64::MIN`.
fn to_ll(x: f64) -> f64 {
    if x.is_finite() && x > -9.223_372_036_854_776e18 && x < 9.223_372_036_854_776e18 {
        x.trunc()
    } else {
        i64::MIN as f64
    }
}

/// `printf("%.*f", prec, x)`.
fn printf_f(prec: usize, x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    format!("{x:.prec$}")
}

impl Expander {
    /// Local time zone, current time.
    pub fn new() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self {
            now,
            zone: Zone::Local,
            steps: std::cell::Cell::new(0),
        }
    }

    /// UTC and a fixed clock (`now`, Unix seconds): for tests.
    pub fn fixed_utc(now: i64) -> Self {
        Self {
            now,
            zone: Zone::Utc,
            steps: std::cell::Cell::new(0),
        }
    }

    /// Expands `fmt` against `ctx`.
    pub fn expand(&self, ctx: &dyn FormatContext, fmt: &str) -> String {
        self.steps.set(0);
        let es = Es {
            ctx,
            depth: 0,
            time: false,
            jobs: true,
        };
        self.expand1(&es, fmt)
    }

    /// `format_expand_time`: `strftime` over the format first, then expansion.
    pub fn expand_time(&self, ctx: &dyn FormatContext, fmt: &str) -> String {
        self.steps.set(0);
        let es = Es {
            ctx,
            depth: 0,
            time: true,
            jobs: true,
        };
        self.expand1(&es, fmt)
    }

    fn expand1(&self, es: &Es<'_>, fmt: &str) -> String {
        if fmt.is_empty() || es.depth >= LOOP_LIMIT || self.steps.get() >= STEP_BUDGET {
            return String::new();
        }
        self.steps.set(self.steps.get() + 1);
        let es = Es {
            depth: es.depth + 1,
            ..*es
        };
        let timed;
        let fmt = if es.time && fmt.contains('%') {
            timed = time::strftime(self.zone, self.now, fmt);
            timed.as_str()
        } else {
            fmt
        };
        let b = fmt.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            if out.len() > MAX_OUTPUT {
                let mut cut = MAX_OUTPUT;
                while !out.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.truncate(cut);
                break;
            }
            if b[i] != b'#' {
                let j = b[i..]
                    .iter()
                    .position(|&c| c == b'#')
                    .map_or(b.len(), |p| i + p);
                out.push_str(&fmt[i..j]);
                i = j;
                continue;
            }
            i += 1;
            let Some(&ch) = b.get(i) else {
                // A lone `#` at the end (tmux reads past the string there).
                out.push('#');
                break;
            };
            i += 1;
            match ch {
                b'(' => {
                    // Shell jobs `#(...)`: the context's output of the command (tmux
                    // `format_job_get`), itself expanded without jobs; nothing where the
                    // context runs none or before its first output.
                    let mut depth = 1;
                    let mut p = i;
                    while p < b.len() {
                        if b[p] == b'(' {
                            depth += 1;
                        }
                        if b[p] == b')' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        p += 1;
                    }
                    if p >= b.len() {
                        break;
                    }
                    if es.jobs {
                        let next = Es {
                            jobs: false,
                            time: false,
                            ..es
                        };
                        let cmd = &fmt[i..p];
                        let expanded = self.expand1(&next, cmd);
                        if let Some(o) = es.ctx.job(cmd, &expanded) {
                            out.push_str(&self.expand1(&next, &o));
                        }
                    }
                    i = p + 1;
                }
                b'{' => {
                    let Some(end) = skip(b, i - 2, b"}") else {
                        break;
                    };
                    if self.replace(&es, &fmt[i..end], &mut out).is_err() {
                        break;
                    }
                    i = end + 1;
                }
                b'#' => {
                    let mut p = i;
                    while b.get(p) == Some(&b'#') {
                        p += 1;
                    }
                    if b.get(p) == Some(&b'[') {
                        out.push_str(&fmt[i - 2..=p]);
                        i = p + 1;
                    } else {
                        out.push('#');
                    }
                }
                b'}' | b',' => out.push(ch as char),
                _ => {
                    let alias = match ch {
                        b'D' => Some("pane_id"),
                        b'F' => Some("window_flags"),
                        b'H' => Some("host"),
                        b'I' => Some("window_index"),
                        b'P' => Some("pane_index"),
                        b'S' => Some("session_name"),
                        b'T' => Some("pane_title"),
                        b'W' => Some("window_name"),
                        b'h' => Some("host_short"),
                        _ => None,
                    };
                    match alias {
                        Some(key) => {
                            if self.replace(&es, key, &mut out).is_err() {
                                break;
                            }
                        }
                        None => {
                            out.push('#');
                            // Copy the character after `#` whole (it may be multi-byte).
                            i -= 1;
                        }
                    }
                }
            }
        }
        out
    }

    /// `format_build_modifiers`: parses `MODS:` at the start of `s`. Returns the modifiers and
    /// the index after the `:`, or `None` if `s` has no valid modifier list.
    fn build_modifiers(&self, es: &Es<'_>, s: &str) -> Option<(Vec<Modifier>, usize)> {
        let b = s.as_bytes();
        let is_end = |i: usize| matches!(b.get(i), Some(b';' | b':'));
        let mut list = Vec::new();
        let mut cp = 0;
        while cp < b.len() && b[cp] != b':' {
            if b[cp] == b';' {
                cp += 1;
            }
            let Some(&c0) = b.get(cp) else { break };
            if b"labcdnwETSWP<>".contains(&c0) && is_end(cp + 1) {
                list.push(Modifier {
                    name: (c0 as char).to_string(),
                    argv: Vec::new(),
                });
                cp += 1;
                continue;
            }
            if let Some(two) = s.get(cp..cp + 2) {
                if ["||", "&&", "!=", "==", "<=", ">="].contains(&two) && is_end(cp + 2) {
                    list.push(Modifier {
                        name: two.to_owned(),
                        argv: Vec::new(),
                    });
                    cp += 2;
                    continue;
                }
            }
            if !b"mCNst=peq".contains(&c0) {
                break;
            }
            let name = (c0 as char).to_string();
            if is_end(cp + 1) {
                list.push(Modifier {
                    name,
                    argv: Vec::new(),
                });
                cp += 1;
                continue;
            }
            let c1 = b.get(cp + 1).copied().unwrap_or(0);
            if !c1.is_ascii_punctuation() || c1 == b'-' {
                let Some(end) = skip(b, cp + 1, b":;") else {
                    break;
                };
                let arg = self.expand1(es, &s[cp + 1..end]);
                list.push(Modifier {
                    name,
                    argv: vec![arg],
                });
                cp = end;
                continue;
            }
            let last = [c1, b';', b':'];
            cp += 1;
            let mut argv = Vec::new();
            loop {
                if b[cp] == c1 && is_end(cp + 1) {
                    cp += 1;
                    break;
                }
                let Some(end) = skip(b, cp + 1, &last) else {
                    break;
                };
                cp += 1;
                argv.push(self.expand1(es, &s[cp..end]));
                cp = end;
                if is_end(cp) {
                    break;
                }
            }
            list.push(Modifier { name, argv });
        }
        if b.get(cp) != Some(&b':') {
            return None;
        }
        Some((list, cp + 1))
    }

    /// `format_choose`: splits at the first top-level comma.
    fn choose(&self, es: &Es<'_>, s: &str, expand: bool) -> Option<(String, String)> {
        let cp = skip(s.as_bytes(), 0, b",")?;
        let (l, r) = (&s[..cp], &s[cp + 1..]);
        Some(if expand {
            (self.expand1(es, l), self.expand1(es, r))
        } else {
            (l.to_owned(), r.to_owned())
        })
    }

    /// `format_find`: a variable's value with the `b d q t` modifiers applied.
    fn find(&self, es: &Es<'_>, key: &str, f: &Flags, time_format: Option<&str>) -> Option<String> {
        let (found, t) = match es.ctx.lookup(key)? {
            Value::Text(s) => (Some(s), 0),
            Value::Time(t) => (None, t),
        };
        if f.timestring {
            let t = if t == 0 {
                found
                    .as_deref()
                    .and_then(|s| strtonum(s, 0, i64::MAX))
                    .unwrap_or(0)
            } else {
                t
            };
            if t == 0 {
                return None;
            }
            return Some(if f.pretty {
                time::pretty(self.zone, t, self.now)
            } else if let Some(tf) = time_format {
                time::strftime(self.zone, t, tf)
            } else {
                time::ctime(self.zone, t)
            });
        }
        let mut found = if t != 0 { t.to_string() } else { found? };
        if f.basename {
            found = text::basename(&found);
        }
        if f.dirname {
            found = text::dirname(&found);
        }
        if f.quote_shell {
            found = text::quote_shell(&found);
        }
        if f.quote_style {
            found = text::quote_style(&found);
        }
        Some(found)
    }

    /// `format_match`: `#{m:PATTERN,TEXT}` (fnmatch) or `#{m/r:...}` (regex); `i` ignores case.
    fn matches(m: &Modifier, pattern: &str, text: &str) -> bool {
        let opts = m.argv.first().map(String::as_str).unwrap_or("");
        let icase = opts.contains('i');
        if !opts.contains('r') {
            super::fnmatch::fnmatch(pattern, text, icase)
        } else {
            regex::RegexBuilder::new(pattern)
                .case_insensitive(icase)
                .build()
                .is_ok_and(|r| r.is_match(text))
        }
    }

    /// `format_replace_expression`: `#{e|OP|[f][|PREC]:A,B}`.
    fn expression(&self, es: &Es<'_>, m: &Modifier, copy: &str) -> Option<String> {
        #[derive(PartialEq)]
        enum Op {
            Add,
            Sub,
            Mul,
            Div,
            Mod,
            Eq,
            Ne,
            Gt,
            Ge,
            Lt,
            Le,
        }
        let op = match m.argv[0].as_str() {
            "+" => Op::Add,
            "-" => Op::Sub,
            "*" => Op::Mul,
            "/" => Op::Div,
            "%" | "m" => Op::Mod,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            "<" => Op::Lt,
            ">=" => Op::Ge,
            "<=" => Op::Le,
            _ => return None,
        };
        let mut use_fp = false;
        let mut prec: i64 = 0;
        if m.argv.len() >= 2 && m.argv[1].contains('f') {
            use_fp = true;
            prec = 2;
        }
        if m.argv.len() >= 3 {
            prec = strtonum(&m.argv[2], i32::MIN as i64, i32::MAX as i64)?;
        }
        let (l, r) = self.choose(es, copy, true)?;
        let mut a = strtod(&l)?;
        let mut b = strtod(&r)?;
        if !use_fp {
            a = to_ll(a);
            b = to_ll(b);
        }
        let bool_f = |v: bool| if v { 1.0 } else { 0.0 };
        let result = match op {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
            Op::Mod => a % b,
            Op::Eq => bool_f((a - b).abs() < 1e-9),
            Op::Ne => bool_f((a - b).abs() > 1e-9),
            Op::Gt => bool_f(a > b),
            Op::Ge => bool_f(a >= b),
            Op::Lt => bool_f(a < b),
            Op::Le => bool_f(a <= b),
        };
        // A negative precision means "default" to printf.
        let prec = usize::try_from(prec).unwrap_or(6);
        Some(if use_fp {
            printf_f(prec, result)
        } else {
            printf_f(prec, to_ll(result))
        })
    }

    /// `format_replace`: expands one `#{...}` body (`key`) onto `out`. `Err` stops the
    /// expansion of the enclosing format, as in tmux.
    fn replace(&self, es: &Es<'_>, key: &str, out: &mut String) -> Result<(), ()> {
        let (list, start) = self.build_modifiers(es, key).unwrap_or((Vec::new(), 0));
        let copy = &key[start..];
        let mut f = Flags::default();
        let mut cmp: Option<&Modifier> = None;
        let mut search: Option<&Modifier> = None;
        let mut subs: Vec<&Modifier> = Vec::new();
        let mut mexp: Option<&Modifier> = None;
        let mut limit: i64 = 0;
        let mut marker: Option<&str> = None;
        let mut width: i64 = 0;
        let mut time_format: Option<String> = None;
        for m in &list {
            let a0 = m.argv.first().map(String::as_str);
            match m.name.as_str() {
                "m" | "<" | ">" | "||" | "&&" | "==" | "!=" | ">=" | "<=" => cmp = Some(m),
                "C" => search = Some(m),
                "s" if m.argv.len() >= 2 => subs.push(m),
                "=" => {
                    if let Some(a) = a0 {
                        limit = strtonum(a, i32::MIN as i64, i32::MAX as i64).unwrap_or(0);
                        marker = m.argv.get(1).map(String::as_str);
                    }
                }
                "p" => {
                    if let Some(a) = a0 {
                        width = strtonum(a, i32::MIN as i64, i32::MAX as i64).unwrap_or(0);
                    }
                }
                "w" => f.width_of = true,
                "e" if (1..=3).contains(&m.argv.len()) => mexp = Some(m),
                "l" => f.literal = true,
                "a" => f.character = true,
                "b" => f.basename = true,
                "c" => f.colour = true,
                "d" => f.dirname = true,
                "n" => f.length = true,
                "t" => {
                    f.timestring = true;
                    if let Some(a) = a0 {
                        if a.contains('p') {
                            f.pretty = true;
                        } else if m.argv.len() >= 2 && a.contains('f') {
                            time_format = Some(text::strip(&m.argv[1]));
                        }
                    }
                }
                "q" => match a0 {
                    None => f.quote_shell = true,
                    Some(a) if a.contains('e') || a.contains('h') => f.quote_style = true,
                    Some(_) => {}
                },
                "E" => f.expand = true,
                "T" => f.expand_time = true,
                "N" => match a0 {
                    None => f.window_name = true,
                    Some(a) if a.contains('w') => f.window_name = true,
                    Some(a) if a.contains('s') => f.session_name = true,
                    Some(_) => {}
                },
                "S" => f.sessions = true,
                "W" => f.windows = true,
                "P" => f.panes = true,
                _ => {}
            }
        }

        let mut value = if f.literal {
            copy.to_owned()
        } else if f.character {
            let n = self.expand1(es, copy);
            match strtonum(&n, 32, 126) {
                Some(c) => (c as u8 as char).to_string(),
                None => String::new(),
            }
        } else if f.colour {
            text::colour_hex(&self.expand1(es, copy))
        } else if f.sessions {
            self.loop_sessions(es, copy)
        } else if f.windows {
            self.loop_windows(es, copy)?
        } else if f.panes {
            self.loop_panes(es, copy)?
        } else if f.window_name {
            let name = self.expand1(es, copy);
            let exists = es.ctx.window_name_exists(&name).ok_or(())?;
            if exists { "1" } else { "0" }.to_owned()
        } else if f.session_name {
            let name = self.expand1(es, copy);
            if es.ctx.session_name_exists(&name) {
                "1"
            } else {
                "0"
            }
            .to_owned()
        } else if let Some(m) = search {
            let t = self.expand1(es, copy);
            let opts = m.argv.first().map(String::as_str).unwrap_or("");
            es.ctx
                .search_pane(&t, opts.contains('r'), opts.contains('i'))
                .unwrap_or(0)
                .to_string()
        } else if let Some(m) = cmp {
            let (l, r) = self.choose(es, copy, true).ok_or(())?;
            let v = match m.name.as_str() {
                "||" => is_true(&l) || is_true(&r),
                "&&" => is_true(&l) && is_true(&r),
                "==" => l == r,
                "!=" => l != r,
                "<" => l < r,
                ">" => l > r,
                "<=" => l <= r,
                ">=" => l >= r,
                _ => Self::matches(m, &l, &r),
            };
            if v { "1" } else { "0" }.to_owned()
        } else if let Some(cond) = copy.strip_prefix('?') {
            let cp = skip(cond.as_bytes(), 0, b",").ok_or(())?;
            let condition = &cond[..cp];
            let found = match self.find(es, condition, &f, time_format.as_deref()) {
                Some(v) => v,
                None => {
                    let v = self.expand1(es, condition);
                    if v == condition {
                        String::new()
                    } else {
                        v
                    }
                }
            };
            let (l, r) = self.choose(es, &cond[cp + 1..], false).ok_or(())?;
            if is_true(&found) {
                self.expand1(es, &l)
            } else {
                self.expand1(es, &r)
            }
        } else if let Some(m) = mexp {
            self.expression(es, m, copy).unwrap_or_default()
        } else if copy.contains("#{") {
            self.expand1(es, copy)
        } else {
            self.find(es, copy, &f, time_format.as_deref())
                .unwrap_or_default()
        };

        if f.expand {
            value = self.expand1(es, &value);
        } else if f.expand_time {
            let next = Es { time: true, ..*es };
            value = self.expand1(&next, &value);
        }
        for m in subs {
            let l = self.expand1(es, &m.argv[0]);
            let r = self.expand1(es, &m.argv[1]);
            let icase = m.argv.get(2).is_some_and(|a| a.contains('i'));
            value = text::regsub(&l, &r, &value, icase).unwrap_or(value);
        }
        if limit > 0 {
            let new = text::trim_left(&value, limit as usize);
            value = match marker {
                Some(mk) if new != value => format!("{new}{mk}"),
                _ => new,
            };
        } else if limit < 0 {
            let new = text::trim_right(&value, limit.unsigned_abs() as usize);
            value = match marker {
                Some(mk) if new != value => format!("{mk}{new}"),
                _ => new,
            };
        }
        if width != 0 {
            value = text::pad(&value, width);
        }
        if f.length {
            value = value.len().to_string();
        }
        if f.width_of {
            value = text::width(&value).to_string();
        }
        out.push_str(&value);
        Ok(())
    }

    fn loop_sessions(&self, es: &Es<'_>, fmt: &str) -> String {
        let mut value = String::new();
        for ctx in es.ctx.sessions() {
            let next = Es { ctx: &*ctx, ..*es };
            value.push_str(&self.expand1(&next, fmt));
        }
        value
    }

    fn loop_items(
        &self,
        es: &Es<'_>,
        fmt: &str,
        items: Vec<(bool, Box<dyn FormatContext + '_>)>,
    ) -> String {
        let (all, active) = match self.choose(es, fmt, false) {
            Some((a, b)) => (a, Some(b)),
            None => (fmt.to_owned(), None),
        };
        let mut value = String::new();
        for (is_active, ctx) in items {
            let use_fmt = match (&active, is_active) {
                (Some(a), true) => a.as_str(),
                _ => all.as_str(),
            };
            let next = Es { ctx: &*ctx, ..*es };
            value.push_str(&self.expand1(&next, use_fmt));
        }
        value
    }

    fn loop_windows(&self, es: &Es<'_>, fmt: &str) -> Result<String, ()> {
        let items = es.ctx.windows().ok_or(())?;
        Ok(self.loop_items(es, fmt, items))
    }

    fn loop_panes(&self, es: &Es<'_>, fmt: &str) -> Result<String, ()> {
        let items = es.ctx.panes().ok_or(())?;
        Ok(self.loop_items(es, fmt, items))
    }
}
