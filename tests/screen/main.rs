//! Differential screen suite: every stream under `tests/screen/corpus/` is replayed into a
//! tidemux pane and into a tmux 3.3a pane (a private `tmux -L` server started and killed by this
//! run), and the two screens are compared: text, cursor, and per-cell attributes (bold, dim,
//! italic, underline, inverse, foreground, background).
//!
//! Stream files (`*.stream`) are raw PTY output. A resize in the middle of a stream is the marker
//! `ESC _ tidemux:resize=COLSxROWS ESC \` (an APC string, never sent to the panes); a marker at
//! offset 0 gives the starting size (default 80x24).
//!
//! The pane program is this test binary itself (`screen --replay FILE DIR`): it puts its terminal
//! in raw mode, writes one segment, asks `CSI 5 n` and waits for the `CSI 0 n` answer (both
//! terminals answer only once every byte before the query is parsed), then creates `DIR/N`; the
//! suite resizes the window and types one byte to let it write the next segment.
//!
//! Streams listed in `tests/screen/known-differences.txt` (name, then the reason) are expected to
//! differ; the suite fails when any other stream differs, when a listed one matches (stale list),
//! or when fewer than 95 % of the synthetic streams match.
//!
//! Run: `cargo test -p tidemux --test screen` (needs `tmux` 3.3a, Debian 12's; with another
//! version it says so and skips unless `SCREEN_ANY_TMUX=1`; prints one line per differing
//! stream and the totals). `SCREEN_ONLY=substring` limits the run to matching stream names;
//! `SCREEN_VERBOSE=1` prints both screens of every differing stream (`2`: of every stream);
//! `SCREEN_CORPUS=DIR` replays the streams under DIR instead; `SCREEN_HISTORY=1` also compares
//! the number of history lines.

#[path = "../e2e/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MARK_START: &[u8] = b"\x1b_tidemux:resize=";
const MARK_END: &[u8] = b"\x1b\\";
const WORKERS: usize = 6;
const STREAM_DEADLINE: Duration = Duration::from_secs(30);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--replay") {
        replay(Path::new(&args[2]), Path::new(&args[3]));
        return;
    }
    // libtest-style arguments (`--nocapture`, filters) are accepted and ignored.
    let version = match Command::new("tmux").arg("-V").output() {
        Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        Err(_) => panic!("tmux is not installed; .ci/run installs it (Debian package tmux)"),
    };
    // The reference is tmux 3.3a; other versions draw some sequences differently.
    if version != "tmux 3.3a" && std::env::var_os("SCREEN_ANY_TMUX").is_none() {
        println!(
            "screen suite skipped: the reference is tmux 3.3a, found {version:?} \
             (SCREEN_ANY_TMUX=1 compares anyway)"
        );
        return;
    }
    run_suite();
}

/// One replay segment: the size to apply before it (None: keep) and its bytes.
struct Segment {
    size: Option<(u16, u16)>,
    bytes: Vec<u8>,
}

/// Splits a stream at its resize markers. The first segment's size is the starting size.
fn segments(data: &[u8]) -> Vec<Segment> {
    let mut out = vec![Segment {
        size: None,
        bytes: Vec::new(),
    }];
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(MARK_START) {
            let rest = &data[i + MARK_START.len()..];
            if let Some(end) = find(rest, MARK_END) {
                let spec = std::str::from_utf8(&rest[..end]).unwrap_or("");
                if let Some((c, r)) = spec.split_once('x') {
                    if let (Ok(c), Ok(r)) = (c.parse(), r.parse()) {
                        let last = out.last_mut().expect("non-empty");
                        if last.bytes.is_empty() {
                            last.size = Some((c, r));
                        } else {
                            out.push(Segment {
                                size: Some((c, r)),
                                bytes: Vec::new(),
                            });
                        }
                        i += MARK_START.len() + end + MARK_END.len();
                        continue;
                    }
                }
            }
        }
        out.last_mut().expect("non-empty").bytes.push(data[i]);
        i += 1;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The pane program: writes the segments, syncing with the suite through files and stdin.
fn replay(file: &Path, dir: &Path) {
    use rustix::termios::{tcgetattr, tcsetattr, OptionalActions};
    let stdin = std::io::stdin();
    if let Ok(mut t) = tcgetattr(&stdin) {
        t.make_raw();
        let _ = tcsetattr(&stdin, OptionalActions::Now, &t);
    }
    let data = std::fs::read(file).expect("read stream");
    let segs = segments(&data);
    let mut out = std::io::stdout().lock();
    let mut input = stdin.lock();
    for (n, seg) in segs.iter().enumerate() {
        if n > 0 {
            // Wait for the suite's go-ahead (it resized the window first).
            let mut b = [0u8; 1];
            let _ = input.read(&mut b);
        }
        out.write_all(&seg.bytes).expect("write");
        out.write_all(b"\x1b[5n").expect("write");
        out.flush().expect("flush");
        let mut got = Vec::new();
        let mut b = [0u8; 64];
        while !got.ends_with(b"\x1b[0n") {
            match input.read(&mut b) {
                Ok(0) | Err(_) => return,
                Ok(k) => got.extend_from_slice(&b[..k]),
            }
        }
        std::fs::write(dir.join(n.to_string()), b"").expect("signal");
    }
    // Stay until killed, so that the pane keeps its screen.
    loop {
        let mut b = [0u8; 64];
        match input.read(&mut b) {
            Ok(0) | Err(_) => std::thread::sleep(Duration::from_secs(3600)),
            Ok(_) => {}
        }
    }
}

/// Cell attributes compared between the two terminals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Attr {
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    inverse: bool,
    fg: Option<(u8, u8, u8, u8)>,
    bg: Option<(u8, u8, u8, u8)>,
}

fn apply_sgr(a: &mut Attr, params: &str) {
    let list: Vec<&str> = params.split(';').collect();
    let num = |s: &str| -> u32 { s.split(':').next().unwrap_or("").parse().unwrap_or(0) };
    let mut i = 0;
    if params.is_empty() {
        *a = Attr::default();
        return;
    }
    while i < list.len() {
        let p = list[i];
        let n = num(p);
        match n {
            0 => *a = Attr::default(),
            1 => a.bold = true,
            2 => a.dim = true,
            3 => a.italic = true,
            4 => a.underline = !p.ends_with(":0"),
            7 => a.inverse = true,
            22 => {
                a.bold = false;
                a.dim = false;
            }
            23 => a.italic = false,
            24 => a.underline = false,
            27 => a.inverse = false,
            30..=37 => a.fg = Some((0, (n - 30) as u8, 0, 0)),
            39 => a.fg = None,
            40..=47 => a.bg = Some((0, (n - 40) as u8, 0, 0)),
            49 => a.bg = None,
            90..=97 => a.fg = Some((0, (n - 90 + 8) as u8, 0, 0)),
            100..=107 => a.bg = Some((0, (n - 100 + 8) as u8, 0, 0)),
            38 | 48 if p.contains(':') => {
                let sub: Vec<u32> = p.split(':').map(|s| s.parse().unwrap_or(0)).collect();
                let c = match sub.get(1) {
                    Some(5) => Some((0, sub.get(2).copied().unwrap_or(0) as u8, 0, 0)),
                    Some(2) => {
                        // 38:2:CS:R:G:B (ITU T.416) or 38:2:R:G:B.
                        let rgb = if sub.len() >= 6 {
                            &sub[3..6]
                        } else {
                            &sub[2..]
                        };
                        let g = |k: usize| rgb.get(k).copied().unwrap_or(0) as u8;
                        Some((1, g(0), g(1), g(2)))
                    }
                    _ => None,
                };
                if n == 38 {
                    a.fg = c;
                } else {
                    a.bg = c;
                }
            }
            38 | 48 => {
                let kind = list.get(i + 1).map(|s| num(s));
                let c = match kind {
                    Some(5) => {
                        let idx = list.get(i + 2).map_or(0, |s| num(s)) as u8;
                        i += 2;
                        Some((0, idx, 0, 0))
                    }
                    Some(2) => {
                        let g = |k: usize| list.get(i + k).map_or(0, |s| num(s)) as u8;
                        let c = (1, g(2), g(3), g(4));
                        i += 4;
                        Some(c)
                    }
                    _ => None,
                };
                if n == 38 {
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

/// One column of a row: its text ("" for the right half of a wide character) and attributes.
type Cells = Vec<(String, Attr)>;

/// DEC special graphics as tmux draws them (tmux tty-acs.c `tty_acs_table`); tmux's capture
/// shows such cells as the ASCII byte between SO and SI.
fn acs(c: char) -> char {
    const FROM: &str = "+,-.0`abcdefghijklmnopqrstuvwxyz{|}~";
    const TO: &str = "→←↑↓▮◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·";
    FROM.chars()
        .position(|f| f == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

/// Parser state carried from one captured line to the next (tmux's capture emits attribute
/// and charset changes relative to the previous cell, across lines).
#[derive(Default)]
struct LineState {
    attr: Attr,
    acs: bool,
}

/// Parses one captured line (text with SGR sequences, SO/SI around line-drawing cells) into
/// cells; trailing blanks dropped (tmux's `capture-pane` trims them, whatever their
/// attributes).
fn parse_line(st: &mut LineState, line: &str) -> Cells {
    let mut cells: Cells = Vec::new();
    let mut a = st.attr;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x0e' || c == '\x0f' {
            st.acs = c == '\x0e';
            continue;
        }
        let c = if st.acs { acs(c) } else { c };
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                let mut params = String::new();
                for d in chars.by_ref() {
                    if d.is_ascii_digit() || d == ';' || d == ':' {
                        params.push(d);
                    } else {
                        if d == 'm' {
                            apply_sgr(&mut a, &params);
                        }
                        break;
                    }
                }
            }
            continue;
        }
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w == 0 {
            if let Some(last) = cells.iter_mut().rev().find(|(t, _)| !t.is_empty()) {
                last.0.push(c);
            }
            continue;
        }
        cells.push((c.to_string(), a));
        if w == 2 {
            cells.push((String::new(), a));
        }
    }
    st.attr = a;
    while cells.last().is_some_and(|(t, _)| t == " " || t.is_empty()) {
        cells.pop();
    }
    cells
}

/// A captured screen: rows of cells and the cursor (x, y).
#[derive(Debug, PartialEq, Eq)]
struct Capture {
    rows: Vec<Cells>,
    cursor: (u16, u16),
    /// History lines held (compared only with `SCREEN_HISTORY=1`).
    history: i64,
}

fn trim_rows(mut rows: Vec<Cells>) -> Vec<Cells> {
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

fn render(c: &Capture) -> String {
    let mut s = format!(
        "cursor x={} y={} history={}\n",
        c.cursor.0, c.cursor.1, c.history
    );
    for (i, r) in c.rows.iter().enumerate() {
        let t: String = r
            .iter()
            .map(|(t, _)| if t.is_empty() { "" } else { t.as_str() })
            .collect();
        s.push_str(&format!("{i:2}|{t}\n"));
    }
    s
}

/// First difference between two captures, described.
fn diff(t: &Capture, x: &Capture) -> Option<String> {
    if std::env::var_os("SCREEN_HISTORY").is_some() && t.history != x.history {
        return Some(format!(
            "history lines: tmux {}, tidemux {}",
            t.history, x.history
        ));
    }
    if t.cursor != x.cursor {
        return Some(format!(
            "cursor: tmux {:?}, tidemux {:?}",
            t.cursor, x.cursor
        ));
    }
    let n = t.rows.len().max(x.rows.len());
    let empty = Vec::new();
    for i in 0..n {
        let a = t.rows.get(i).unwrap_or(&empty);
        let b = x.rows.get(i).unwrap_or(&empty);
        if a != b {
            let col = a
                .iter()
                .zip(b.iter())
                .position(|(p, q)| p != q)
                .unwrap_or(a.len().min(b.len()));
            let text = |r: &Cells| -> String { r.iter().map(|(t, _)| t.as_str()).collect() };
            let (ta, tb) = (text(a), text(b));
            let what = if ta == tb { "attributes" } else { "text" };
            return Some(format!(
                "row {i} col {col} {what}: tmux {:?} {:?}, tidemux {:?} {:?}",
                ta,
                a.get(col).map(|c| c.1),
                tb,
                b.get(col).map(|c| c.1)
            ));
        }
    }
    None
}

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.cmd(args);
        assert!(
            o.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn wait_file(p: &Path) -> bool {
    support::wait_until(STREAM_DEADLINE, || p.exists())
}

/// Replays one stream into both terminals; returns (tmux, tidemux) captures.
fn run_stream(
    tmux: &Tmux,
    tdx: &support::Server,
    id: usize,
    path: &Path,
    tmp: &Path,
) -> Result<(Capture, Capture), String> {
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let segs = segments(&data);
    let (c0, r0) = segs[0].size.unwrap_or((80, 24));
    let exe = std::env::current_exe().expect("exe");
    let exe = exe.to_str().expect("utf-8 path");
    let file = path.to_str().expect("utf-8 path");
    let dt = tmp.join(format!("t{id}"));
    let dx = tmp.join(format!("x{id}"));
    std::fs::create_dir_all(&dt).expect("mkdir");
    std::fs::create_dir_all(&dx).expect("mkdir");
    let name = format!("s{id}");
    let (cs, rs) = (c0.to_string(), r0.to_string());
    let shell_cmd = format!("{exe} --replay {file} {}", dt.display());
    tmux.ok(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        &cs,
        "-y",
        &rs,
        &shell_cmd,
    ]);
    let dxs = dx.to_str().expect("utf-8 path");
    let pane = tdx
        .ok(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            &cs,
            "-y",
            &rs,
            "--",
            exe,
            "--replay",
            file,
            dxs,
        ])
        .trim()
        .to_owned();
    for (n, seg) in segs.iter().enumerate() {
        if n > 0 {
            if let Some((c, r)) = seg.size {
                let (c, r) = (c.to_string(), r.to_string());
                tmux.ok(&["resize-window", "-t", &name, "-x", &c, "-y", &r]);
                tdx.ok(&["resize-window", "-t", &name, "-x", &c, "-y", &r]);
            }
            tmux.ok(&["send-keys", "-t", &name, "-l", "x"]);
            tdx.ok(&["send", "-t", &pane, "x"]);
        }
        let f = n.to_string();
        if !wait_file(&dt.join(&f)) {
            return Err(format!("tmux pane did not finish segment {n}"));
        }
        if !wait_file(&dx.join(&f)) {
            return Err(format!("tidemux pane did not finish segment {n}"));
        }
    }
    let tlines = tmux.ok(&["capture-pane", "-p", "-e", "-t", &name]);
    let tcur = tmux.ok(&[
        "display",
        "-p",
        "-t",
        &name,
        "#{cursor_x},#{cursor_y},#{history_size}",
    ]);
    let mut it = tcur.trim().split(',');
    let (cx, cy, th) = (
        it.next().expect("x"),
        it.next().expect("y"),
        it.next().expect("history"),
    );
    let tcap = Capture {
        rows: trim_rows({
            let mut st = LineState::default();
            tlines.lines().map(|l| parse_line(&mut st, l)).collect()
        }),
        cursor: (cx.parse().expect("x"), cy.parse().expect("y")),
        history: th.parse().expect("history size"),
    };
    let v = tdx.json(&["read-screen", "-t", &pane, "--ansi"]);
    let mut st = LineState::default();
    let xrows = v["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| parse_line(&mut st, l.as_str().unwrap_or("")))
        .collect();
    let xcap = Capture {
        rows: trim_rows(xrows),
        cursor: (
            v["cursor"]["col"].as_u64().expect("col") as u16,
            v["cursor"]["row"].as_u64().expect("row") as u16,
        ),
        history: -tdx.json(&["read-screen", "-t", &pane, "--history"])["first_line"]
            .as_i64()
            .expect("first_line"),
    };
    tmux.ok(&["kill-session", "-t", &name]);
    tdx.ok(&["kill-session", "-t", &name]);
    Ok((tcap, xcap))
}

fn corpus_dir() -> PathBuf {
    // SCREEN_CORPUS=DIR replays another corpus (same layout), e.g. prefixes of a stream
    // while looking for the byte where the two terminals part.
    match std::env::var_os("SCREEN_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/screen/corpus"),
    }
}

/// Every stream file: (name relative to the corpus, path). Names start with the group folder
/// (`real/`, `synthetic/`, `random/`).
fn streams() -> Vec<(String, PathBuf)> {
    let root = corpus_dir();
    let mut out = Vec::new();
    for group in ["real", "synthetic", "random"] {
        let Ok(rd) = std::fs::read_dir(root.join(group)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "stream"))
            .collect();
        files.sort();
        for p in files {
            let stem = p.file_stem().expect("stem").to_string_lossy().into_owned();
            out.push((format!("{group}/{stem}"), p));
        }
    }
    out
}

fn known_differences() -> BTreeMap<String, String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/screen/known-differences.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((n, r)) => (n.to_owned(), r.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

/// (stream name, Ok(None) same / Ok(Some(difference)) / Err(replay failure), both screens).
type StreamResult = (String, Result<Option<String>, String>, String);

fn run_suite() {
    let started = Instant::now();
    let only = std::env::var("SCREEN_ONLY").ok();
    let verbose = std::env::var_os("SCREEN_VERBOSE").is_some();
    let all: Vec<(String, PathBuf)> = streams()
        .into_iter()
        .filter(|(n, _)| only.as_ref().is_none_or(|o| n.contains(o.as_str())))
        .collect();
    assert!(
        !all.is_empty(),
        "no streams under {}",
        corpus_dir().display()
    );
    let tmp = tempfile::Builder::new()
        .prefix("tidemux-screen")
        .tempdir()
        .expect("tempdir");
    let tmux = Tmux {
        socket: format!("tidemux-screen-{}", std::process::id()),
    };
    // Start the tmux server with a session that keeps it alive and sets options.
    tmux.ok(&[
        "new-session",
        "-d",
        "-s",
        "keep",
        "-x",
        "80",
        "-y",
        "24",
        "sleep 600",
    ]);
    let tdx = support::Server::new();
    // The same keeper on tidemux's side: with `exit-empty` (on, as in tmux) the server exits
    // when the last stream's session ends, and a new-session racing that exit loses its
    // connection.
    tdx.ok(&["new-session", "-d", "-s", "keep", "--", "sleep", "600"]);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<StreamResult>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((name, path)) = all.get(i) else {
                    break;
                };
                let r = run_stream(&tmux, &tdx, i, path, tmp.path());
                let (res, screens) = match r {
                    Ok((t, x)) => (
                        Ok(diff(&t, &x)),
                        format!("--- tmux\n{}--- tidemux\n{}", render(&t), render(&x)),
                    ),
                    Err(e) => (Err(e), String::new()),
                };
                results
                    .lock()
                    .expect("lock")
                    .push((name.clone(), res, screens));
            });
        }
    });
    let mut results = results.into_inner().expect("lock");
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let known = known_differences();
    let mut totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (name, res, screens) in &results {
        let group = name.split('/').next().unwrap_or("");
        let t = totals.entry(group).or_default();
        t.1 += 1;
        match res {
            Ok(None) => {
                t.0 += 1;
                if std::env::var("SCREEN_VERBOSE").as_deref() == Ok("2") {
                    println!("SAME {name}\n{screens}");
                }
                if known.contains_key(name) {
                    failures.push(format!(
                        "{name}: matches tmux now; remove it from known-differences.txt and docs/screen.md"
                    ));
                }
            }
            Ok(Some(d)) => {
                println!("DIFF {name}: {d}");
                if verbose {
                    println!("{screens}");
                }
                if group == "real" || !known.contains_key(name) {
                    failures.push(format!("{name}: {d}"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    let mut summary = String::new();
    for (g, (m, n)) in &totals {
        summary.push_str(&format!("{g}: {m}/{n} match tmux; "));
    }
    println!(
        "screen suite: {summary}{} streams in {:.1}s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some((m, n)) = totals.get("synthetic") {
        if only.is_none() && (*m as f64) < 0.95 * (*n as f64) {
            failures.push(format!(
                "only {m} of {n} synthetic streams match tmux (goal 95 %)"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
