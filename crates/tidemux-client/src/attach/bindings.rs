//! The client's keyboard, driven by the server's key tables (tmux(1) "KEY BINDINGS"): raw
//! stdin bytes pass through unchanged, except the prefix keys (`prefix`, `prefix2` options),
//! keys bound in the `root` table, and the key after a prefix, looked up in the `prefix` table.
//!
//! Keys are named as tmux names them (`C-b`, `M-a`, `Up`, `C-Left`, `F5`, `BSpace`), so the
//! names the server sends in `ClientConfig` compare as strings. A bound command the client
//! carries out itself (new-window, split-window, select-pane, detach-client, copy-mode... see
//! [`native`]) runs natively; any other command goes to the server (`AttachKey`), which runs
//! the binding. Until the server's tables arrive (or from an older server), tmux's default
//! prefix bindings of the keys the client carries out are used.

use super::keys::Action;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tidemux_proto::ClientConfig;

/// Splits the first key off `b`: its length and its tmux name (`None` for a sequence the
/// client does not name, which is then only forwarded). `b` must not be empty.
pub fn next_key(b: &[u8]) -> (usize, Option<String>) {
    match b {
        [0x1b] => (1, Some("Escape".into())),
        [0x1b, b'[' | b'O', ..] => csi(b),
        [0x1b, rest @ ..] => {
            let (n, name) = next_key(rest);
            // ESC ESC...: Escape, then the rest.
            if rest[0] == 0x1b {
                return (1, Some("Escape".into()));
            }
            (n + 1, name.map(|k| format!("M-{k}")))
        }
        [c, ..] => {
            let c = *c;
            let name = match c {
                0 => "C-Space".to_owned(),
                9 => "Tab".to_owned(),
                13 => "Enter".to_owned(),
                1..=26 => format!("C-{}", (b'a' + c - 1) as char),
                28..=31 => format!("C-{}", (b'@' + c) as char),
                b' ' => "Space".to_owned(),
                0x7f => "BSpace".to_owned(),
                0x21..=0x7e => (c as char).to_string(),
                _ => {
                    let n = utf8_len(c).min(b.len());
                    return (n, std::str::from_utf8(&b[..n]).ok().map(str::to_owned));
                }
            };
            (1, Some(name))
        }
        [] => (0, None),
    }
}

fn utf8_len(c: u8) -> usize {
    if c >= 0xf0 {
        4
    } else if c >= 0xe0 {
        3
    } else if c >= 0xc0 {
        2
    } else {
        1
    }
}

/// xterm modifier parameter (`1;5A`) as tmux's prefix (`C-`, `M-`, `S-` in that order).
fn modifiers(m: u32) -> String {
    let m = m.saturating_sub(1);
    let mut s = String::new();
    if m & 4 != 0 {
        s.push_str("C-");
    }
    if m & 2 != 0 {
        s.push_str("M-");
    }
    if m & 1 != 0 {
        s.push_str("S-");
    }
    s
}

/// `ESC [ ...` and `ESC O x`: cursor, function and editing keys with xterm modifiers.
fn csi(b: &[u8]) -> (usize, Option<String>) {
    if b[1] == b'O' {
        let Some(&f) = b.get(2) else {
            return (2, None);
        };
        let name = match f {
            b'A' => "Up",
            b'B' => "Down",
            b'C' => "Right",
            b'D' => "Left",
            b'H' => "Home",
            b'F' => "End",
            b'P' => "F1",
            b'Q' => "F2",
            b'R' => "F3",
            b'S' => "F4",
            _ => return (3, None),
        };
        return (3, Some(name.to_owned()));
    }
    // Parameters, then a final byte in 0x40..=0x7e.
    let Some(end) = b[2..].iter().position(|c| (0x40..=0x7e).contains(c)) else {
        return (b.len(), None);
    };
    let n = end + 3;
    let params = &b[2..n - 1];
    let fin = b[n - 1];
    if params.first() == Some(&b'<') {
        return (n, None); // SGR mouse: handled elsewhere
    }
    let text = std::str::from_utf8(params).unwrap_or("");
    let mut parts = text.split(';');
    let first: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    let m: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    let name = match fin {
        b'A' => "Up",
        b'B' => "Down",
        b'C' => "Right",
        b'D' => "Left",
        b'H' => "Home",
        b'F' => "End",
        b'Z' => return (n, Some("BTab".into())),
        b'P' if first == 1 => "F1",
        b'Q' if first == 1 => "F2",
        b'R' if first == 1 => "F3",
        b'S' if first == 1 => "F4",
        b'~' => match first {
            1 | 7 => "Home",
            2 => "IC",
            3 => "DC",
            4 | 8 => "End",
            5 => "PPage",
            6 => "NPage",
            11 => "F1",
            12 => "F2",
            13 => "F3",
            14 => "F4",
            15 => "F5",
            17 => "F6",
            18 => "F7",
            19 => "F8",
            20 => "F9",
            21 => "F10",
            23 => "F11",
            24 => "F12",
            _ => return (n, None),
        },
        _ => return (n, None),
    };
    (n, Some(format!("{}{name}", modifiers(m))))
}

/// What a bound command is, when the client carries it out itself (tmux's printed form of the
/// commands of its default bindings, and the same commands bound to other keys).
pub fn native(command: &str) -> Option<Action> {
    let c = command.trim();
    if let Some(n) = c
        .strip_prefix("select-window -t :=")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return Some(Action::SelectWindow(n));
    }
    Some(match c {
        "detach-client" => Action::Detach,
        "new-window" => Action::NewWindow,
        "next-window" => Action::CycleWindow(1),
        "previous-window" => Action::CycleWindow(-1),
        "split-window -h" => Action::Split(true),
        "split-window" | "split-window -v" => Action::Split(false),
        "select-pane -U" => Action::SelectDirection(0, -1),
        "select-pane -D" => Action::SelectDirection(0, 1),
        "select-pane -L" => Action::SelectDirection(-1, 0),
        "select-pane -R" => Action::SelectDirection(1, 0),
        "select-pane -t :.+" => Action::NextPane,
        "confirm-before -p \"kill-pane #P? (y/n)\" kill-pane" => Action::KillPane,
        "resize-pane -Z" => Action::Zoom,
        "command-prompt -I \"#W\" { rename-window \"%%\" }" => Action::RenameWindow,
        "copy-mode" => Action::CopyMode,
        "list-keys -N" => Action::Help,
        "display-panes" => Action::PaneNumbers,
        "paste-buffer -p" => Action::Paste,
        "choose-tree -Zw" => Action::ChooseTree(false),
        "choose-tree -Zs" => Action::ChooseTree(true),
        "command-prompt" => Action::CommandPrompt,
        "refresh-client" => Action::Refresh,
        _ => return None,
    })
}

/// tmux's default prefix bindings of the keys the client carries out (used until the
/// server's tables arrive).
const FALLBACK: &[(&str, &str)] = &[
    ("C-b", "send-prefix"),
    ("\"", "split-window"),
    ("%", "split-window -h"),
    (",", "command-prompt -I \"#W\" { rename-window \"%%\" }"),
    ("0", "select-window -t :=0"),
    ("1", "select-window -t :=1"),
    ("2", "select-window -t :=2"),
    ("3", "select-window -t :=3"),
    ("4", "select-window -t :=4"),
    ("5", "select-window -t :=5"),
    ("6", "select-window -t :=6"),
    ("7", "select-window -t :=7"),
    ("8", "select-window -t :=8"),
    ("9", "select-window -t :=9"),
    ("?", "list-keys -N"),
    (":", "command-prompt"),
    ("[", "copy-mode"),
    ("]", "paste-buffer -p"),
    ("c", "new-window"),
    ("d", "detach-client"),
    ("n", "next-window"),
    ("o", "select-pane -t :.+"),
    ("p", "previous-window"),
    ("q", "display-panes"),
    ("s", "choose-tree -Zs"),
    ("w", "choose-tree -Zw"),
    ("x", "confirm-before -p \"kill-pane #P? (y/n)\" kill-pane"),
    ("z", "resize-pane -Z"),
    ("Up", "select-pane -U"),
    ("Down", "select-pane -D"),
    ("Left", "select-pane -L"),
    ("Right", "select-pane -R"),
];

/// tmux's default `escape-time`, ms.
pub const DEFAULT_ESCAPE_MS: u64 = 500;

/// Longest unfinished key held for `escape-time` (bytes); a longer tail is taken as it is.
const UNFINISHED_MAX: usize = 64;

/// Where a key that may still go on starts at the end of `b` (tmux tty-keys.c "partial
/// key"): a lone ESC (it may be Escape, or Meta with the next byte), `ESC O`, or `ESC [`
/// followed only by parameter and intermediate bytes (a cursor key, function key or mouse
/// report cut by the read). `b.len()` when the last key is complete.
pub fn unfinished_tail(b: &[u8]) -> usize {
    let Some(esc) = b.iter().rposition(|c| *c == 0x1b) else {
        return b.len();
    };
    let tail = &b[esc + 1..];
    let partial = match tail {
        [] | [b'O'] => true,
        [b'[', rest @ ..] => rest.iter().all(|c| (0x20..=0x3f).contains(c)),
        _ => false,
    };
    if partial && b.len() - esc <= UNFINISHED_MAX {
        esc
    } else {
        b.len()
    }
}

/// tidemux's own prefix keys, used when the prefix table does not bind them.
fn extra(key: &str) -> Option<Action> {
    match key {
        "a" => Some(Action::JumpAttention),
        "b" => Some(Action::ToggleSidebar),
        _ => None,
    }
}

#[derive(Debug, Clone)]
struct Bound {
    command: String,
    repeat: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Normal,
    /// After a prefix key (its bytes, for `send-prefix`).
    Prefix(Vec<u8>),
    /// After a repeatable binding, until this instant: repeatable keys need no prefix.
    Repeat(Vec<u8>, Instant),
}

/// The key state machine.
#[derive(Debug)]
pub struct Machine {
    /// Prefix keys from `--prefix` (overrides the server's).
    forced: Option<String>,
    prefix: Option<String>,
    prefix2: Option<String>,
    tables: HashMap<(String, String), Bound>,
    repeat_time: Duration,
    state: State,
    /// Bytes of an incomplete key after a prefix, kept for the next read.
    pending: Vec<u8>,
    /// Configuration version applied (0: the fallback).
    pub version: u64,
    /// How long a key that may go on (a lone ESC, an unfinished `ESC [` sequence) waits for
    /// the rest before it is taken as it is: the server option `escape-time` (tmux's default
    /// 500 ms until the server's value arrives; 0: not at all). See [`unfinished_tail`].
    pub escape_time: Duration,
    /// The config files `refresh-client` reads again, and whether missing ones are skipped
    /// (`ClientConfig::config_files`).
    pub reload: (Vec<String>, bool),
}

impl Machine {
    /// A machine with tmux's default prefix (`C-b`, or `forced`) and [`FALLBACK`] bindings.
    pub fn new(forced: Option<String>) -> Self {
        let tables = FALLBACK
            .iter()
            .map(|(k, c)| {
                (
                    ("prefix".to_owned(), (*k).to_owned()),
                    Bound {
                        command: (*c).to_owned(),
                        repeat: matches!(*k, "Up" | "Down" | "Left" | "Right"),
                    },
                )
            })
            .collect();
        Machine {
            prefix: Some(forced.clone().unwrap_or_else(|| "C-b".into())),
            forced,
            prefix2: None,
            tables,
            repeat_time: Duration::from_millis(500),
            state: State::Normal,
            pending: Vec::new(),
            version: 0,
            escape_time: Duration::from_millis(DEFAULT_ESCAPE_MS),
            reload: (Vec::new(), true),
        }
    }

    /// Takes the server's tables and prefix keys.
    pub fn configure(&mut self, c: &ClientConfig) {
        let some = |k: &str| (k != "None" && !k.is_empty()).then(|| k.to_owned());
        self.prefix = self.forced.clone().or_else(|| some(&c.prefix));
        self.prefix2 = if self.forced.is_some() {
            None
        } else {
            some(&c.prefix2)
        };
        self.tables = c
            .bindings
            .iter()
            .map(|b| {
                (
                    (b.table.clone(), b.key.clone()),
                    Bound {
                        command: b.command.clone(),
                        repeat: b.repeat,
                    },
                )
            })
            .collect();
        if let Some(ms) = c
            .options
            .iter()
            .find(|(n, _)| n == "repeat-time")
            .and_then(|(_, v)| v.parse().ok())
        {
            self.repeat_time = Duration::from_millis(ms);
        }
        if let Some(ms) = c
            .options
            .iter()
            .find(|(n, _)| n == "escape-time")
            .and_then(|(_, v)| v.parse().ok())
        {
            self.escape_time = Duration::from_millis(ms);
        }
        self.version = c.version;
        self.reload = (c.config_files.clone(), c.config_files_quiet);
    }

    /// Whether no prefix is pending (a mouse report may be taken whole).
    pub fn idle(&self) -> bool {
        match &self.state {
            State::Normal => true,
            State::Repeat(_, until) => Instant::now() >= *until,
            State::Prefix(_) => false,
        }
    }

    /// The key table the keyboard is in, as tmux names it (tmux(1) "KEY BINDINGS"):
    /// `prefix` after a prefix key until the next key, and after a repeatable binding while
    /// repeatable keys need no prefix (`repeat-time`); `root` otherwise.
    pub fn table(&self) -> &'static str {
        match &self.state {
            State::Normal => "root",
            State::Repeat(_, until) if Instant::now() >= *until => "root",
            State::Prefix(_) | State::Repeat(..) => "prefix",
        }
    }

    /// When [`Machine::table`] goes back to `root` by itself (the repeat time ends), if it
    /// will.
    pub fn table_deadline(&self) -> Option<Instant> {
        match &self.state {
            State::Repeat(_, until) => Some(*until),
            _ => None,
        }
    }

    /// Whether `key` (one whole key's bytes) comes after a prefix key and the `prefix` table
    /// held here does not bind it. The tables are a copy of the server's, fetched when a frame
    /// says they changed; a key bound just before it is pressed (`bind-key X ...` from a
    /// script, then `C-b X`) can come before that frame. tmux looks the key up in the
    /// server's tables when it arrives, so the caller fetches them again before dropping the
    /// key ([`Machine::configure`]).
    pub fn misses(&self, key: &[u8]) -> bool {
        if !matches!(self.state, State::Prefix(_)) || key.is_empty() {
            return false;
        }
        next_key(key)
            .1
            .is_some_and(|k| !self.tables.contains_key(&("prefix".to_owned(), k)))
    }

    fn is_prefix(&self, name: &str) -> bool {
        self.prefix.as_deref() == Some(name) || self.prefix2.as_deref() == Some(name)
    }

    /// The action of a bound command (`send-prefix` forwards `prefix_bytes`).
    fn action(&self, table: &str, key: &str, b: &Bound, prefix_bytes: &[u8]) -> Action {
        let c = b.command.trim();
        if c == "send-prefix" || c == "send-prefix -2" {
            return Action::Forward(prefix_bytes.to_vec());
        }
        native(c).unwrap_or_else(|| Action::Run {
            table: table.to_owned(),
            key: key.to_owned(),
        })
    }

    /// Feeds raw bytes; returns the actions in order (consecutive forwarded bytes merged).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        let mut out: Vec<Action> = Vec::new();
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(bytes);
        let mut i = 0;
        while i < buf.len() {
            let rest = &buf[i..];
            let (n, name) = next_key(rest);
            let n = n.max(1);
            let raw = &rest[..n];
            // An escape sequence cut by the read, after a prefix: wait for the rest.
            if !matches!(self.state, State::Normal)
                && rest[0] == 0x1b
                && ((rest.len() == 2 && matches!(rest[1], b'[' | b'O'))
                    || (rest.len() > 2 && rest[1] == b'[' && name.is_none() && n == rest.len()))
            {
                self.pending = rest.to_vec();
                break;
            }
            let state = std::mem::replace(&mut self.state, State::Normal);
            let state = match state {
                State::Repeat(_, until) if Instant::now() >= until => State::Normal,
                s => s,
            };
            match (state, name) {
                (State::Normal, Some(k)) if self.is_prefix(&k) => {
                    self.state = State::Prefix(raw.to_vec());
                }
                (State::Normal, Some(k)) => match self.tables.get(&("root".into(), k.clone())) {
                    Some(b) => {
                        let b = b.clone();
                        push(&mut out, self.action("root", &k, &b, raw));
                    }
                    None => push(&mut out, Action::Forward(raw.to_vec())),
                },
                (State::Normal, None) => push(&mut out, Action::Forward(raw.to_vec())),
                (State::Prefix(p), Some(k)) => {
                    match self.tables.get(&("prefix".into(), k.clone())).cloned() {
                        Some(b) => {
                            if b.repeat {
                                self.state =
                                    State::Repeat(p.clone(), Instant::now() + self.repeat_time);
                            }
                            push(&mut out, self.action("prefix", &k, &b, &p));
                        }
                        None => {
                            if let Some(a) = extra(&k) {
                                push(&mut out, a);
                            }
                            // Other unbound keys are ignored, as tmux does.
                        }
                    }
                }
                (State::Prefix(_), None) => {}
                (State::Repeat(p, _), Some(k)) => {
                    match self.tables.get(&("prefix".into(), k.clone())).cloned() {
                        Some(b) if b.repeat => {
                            self.state =
                                State::Repeat(p.clone(), Instant::now() + self.repeat_time);
                            push(&mut out, self.action("prefix", &k, &b, &p));
                        }
                        // Not repeatable: the key is handled as if typed normally.
                        _ => {
                            self.pending.clear();
                            let mut more = self.feed(raw);
                            out.append(&mut more);
                        }
                    }
                }
                (State::Repeat(..), None) => push(&mut out, Action::Forward(raw.to_vec())),
            }
            i += n;
        }
        out
    }
}

/// A key name as tmux prints it (`^A` and `C-A` are `C-a`, `m-x` is `M-x`), for the prefix
/// keys given on the command line.
///
/// # Errors
/// A message naming the key and the valid forms.
pub fn canonical(name: &str) -> Result<String, String> {
    let bad = || {
        format!("bad prefix key '{name}': use C-a .. C-z, M-x, another C-x control key, F1..F12, or one character")
    };
    if let Some(rest) = name.strip_prefix('^').filter(|r| !r.is_empty()) {
        return canonical(&format!("C-{rest}"));
    }
    let b = name.as_bytes();
    if b.len() > 2 && b[1] == b'-' {
        let rest = canonical(&name[2..]).map_err(|_| bad())?;
        return match b[0] {
            b'M' | b'm' => Ok(format!("M-{rest}")),
            b'S' | b's' => Ok(format!("S-{rest}")),
            b'C' | b'c' => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii_alphabetic() => {
                        Ok(format!("C-{}", c.to_ascii_lowercase()))
                    }
                    (Some('@' | ' '), None) => Ok("C-Space".into()),
                    (Some(c @ ('\\' | ']' | '^' | '_' | '?')), None) => Ok(format!("C-{c}")),
                    (Some('['), None) => Ok("Escape".into()),
                    _ if rest.len() > 1 => Ok(format!("C-{rest}")),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        };
    }
    const NAMED: &[&str] = &[
        "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "Up", "Down",
        "Left", "Right", "Home", "End", "IC", "DC", "PPage", "NPage", "BTab", "BSpace", "Space",
        "Enter", "Escape", "Tab",
    ];
    if let Some(n) = NAMED.iter().find(|n| n.eq_ignore_ascii_case(name)) {
        return Ok((*n).to_owned());
    }
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() && c != ' ' => Ok(c.to_string()),
        _ => Err(bad()),
    }
}

fn push(out: &mut Vec<Action>, a: Action) {
    if let (Action::Forward(b), Some(Action::Forward(v))) = (&a, out.last_mut()) {
        v.extend_from_slice(b);
        return;
    }
    out.push(a);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidemux_proto::ClientBinding;

    #[test]
    fn unfinished_keys_at_the_end_are_held() {
        for (b, cut) in [
            (&b""[..], 0),
            (b"a", 1),
            (b"\x1b", 0),
            (b"ab\x1b", 2),
            (b"\x1bx", 2),
            (b"\x1b[", 0),
            (b"x\x1b[1;5", 1),
            (b"\x1b[<0;4;", 0),
            (b"\x1b[A", 3),
            (b"\x1bO", 0),
            (b"\x1bOA", 3),
            (b"\x1b[A\x1b", 3),
            (b"\x1b\x1b", 1),
            (b"\x1b]11;rgb", 8),
        ] {
            assert_eq!(unfinished_tail(b), cut, "{b:?}");
        }
        let long = [&b"\x1b["[..], &[b'1'; 80]].concat();
        assert_eq!(unfinished_tail(&long), long.len());
    }

    #[test]
    fn names() {
        for (bytes, name, len) in [
            (&b"a"[..], "a", 1),
            (b"\x02", "C-b", 1),
            (b"\x00", "C-Space", 1),
            (b"\r", "Enter", 1),
            (b"\t", "Tab", 1),
            (b"\x7f", "BSpace", 1),
            (b" ", "Space", 1),
            (b"\x1b", "Escape", 1),
            (b"\x1ba", "M-a", 2),
            (b"\x1b\x01", "M-C-a", 2),
            (b"\x1b[A", "Up", 3),
            (b"\x1bOD", "Left", 3),
            (b"\x1b[1;5C", "C-Right", 6),
            (b"\x1b[1;3A", "M-Up", 6),
            (b"\x1b[1;2B", "S-Down", 6),
            (b"\x1b[5~", "PPage", 4),
            (b"\x1b[15~", "F5", 5),
            (b"\x1bOP", "F1", 3),
            (b"\x1b[Z", "BTab", 3),
            (b"\x1c", "C-\\", 1),
            ("é".as_bytes(), "é", 2),
        ] {
            assert_eq!(next_key(bytes), (len, Some(name.to_owned())), "{bytes:?}");
        }
    }

    fn config(prefix: &str, bindings: &[(&str, &str, &str, bool)]) -> ClientConfig {
        ClientConfig {
            version: 7,
            prefix: prefix.into(),
            prefix2: "None".into(),
            bindings: bindings
                .iter()
                .map(|(t, k, c, r)| ClientBinding {
                    table: (*t).into(),
                    key: (*k).into(),
                    command: (*c).into(),
                    repeat: *r,
                })
                .collect(),
            options: vec![],
            config_files: vec![],
            config_files_quiet: true,
        }
    }

    #[test]
    fn prefix_names() {
        assert_eq!(canonical("C-b").unwrap(), "C-b");
        assert_eq!(canonical("C-A").unwrap(), "C-a");
        assert_eq!(canonical("^A").unwrap(), "C-a");
        assert_eq!(canonical("M-a").unwrap(), "M-a");
        assert_eq!(canonical("`").unwrap(), "`");
        assert_eq!(canonical("f1").unwrap(), "F1");
        assert!(canonical("C-").is_err());
        assert!(canonical("Foo").is_err());
    }

    #[test]
    fn fallback_is_tmux_default() {
        let mut k = Machine::new(None);
        assert_eq!(k.feed(b"ls\r"), [Action::Forward(b"ls\r".to_vec())]);
        assert_eq!(
            k.feed(b"a\x02db"),
            [
                Action::Forward(b"a".to_vec()),
                Action::Detach,
                Action::Forward(b"b".to_vec())
            ]
        );
        assert_eq!(k.table(), "root");
        assert_eq!(k.feed(b"\x02"), []);
        assert_eq!(k.table(), "prefix");
        assert_eq!(k.table_deadline(), None);
        assert_eq!(k.feed(b"\x02"), [Action::Forward(b"\x02".to_vec())]);
        assert_eq!(k.table(), "root");
        assert_eq!(k.feed(b"\x02\x1b[C"), [Action::SelectDirection(1, 0)]);
        // Arrows repeat without the prefix for a while (still the prefix table, as tmux's
        // CLIENT_REPEAT); other keys go to the pane.
        assert_eq!(k.table(), "prefix");
        assert!(k.table_deadline().is_some());
        assert_eq!(k.feed(b"\x1b[D"), [Action::SelectDirection(-1, 0)]);
        assert_eq!(k.feed(b"x"), [Action::Forward(b"x".to_vec())]);
        assert_eq!(k.table(), "root");
        assert_eq!(
            k.feed(b"\x02%\x02\"\x023"),
            [
                Action::Split(true),
                Action::Split(false),
                Action::SelectWindow(3)
            ]
        );
        assert_eq!(k.feed(b"\x02Q"), []);
        assert_eq!(k.feed(b"\x02a"), [Action::JumpAttention]);
        // A sequence cut after the prefix waits for its end.
        assert_eq!(k.feed(b"\x02\x1b["), []);
        assert_eq!(k.feed(b"A"), [Action::SelectDirection(0, -1)]);
    }

    #[test]
    fn server_tables() {
        let mut k = Machine::new(None);
        k.configure(&config(
            "M-a",
            &[
                ("prefix", "M-a", "send-prefix", false),
                ("prefix", "c", "new-window", false),
                ("prefix", "X", "kill-session", false),
                ("root", "F5", "display-message hi", false),
                ("root", "M-Left", "select-pane -L", false),
            ],
        ));
        assert_eq!(k.version, 7);
        // C-b is an ordinary key now.
        assert_eq!(k.feed(b"\x02c"), [Action::Forward(b"\x02c".to_vec())]);
        assert_eq!(k.feed(b"\x1bac"), [Action::NewWindow]);
        assert_eq!(
            k.feed(b"\x1baX"),
            [Action::Run {
                table: "prefix".into(),
                key: "X".into()
            }]
        );
        assert_eq!(k.feed(b"\x1ba\x1ba"), [Action::Forward(b"\x1ba".to_vec())]);
        assert_eq!(
            k.feed(b"\x1b[15~"),
            [Action::Run {
                table: "root".into(),
                key: "F5".into()
            }]
        );
        assert_eq!(k.feed(b"\x1b[1;3D"), [Action::SelectDirection(-1, 0)]);
        // `a` is unbound in this table: tidemux's own jump key.
        assert_eq!(k.feed(b"\x1baa"), [Action::JumpAttention]);
        let mut forced = Machine::new(Some("C-a".into()));
        forced.configure(&config("M-a", &[("prefix", "d", "detach-client", false)]));
        assert_eq!(forced.feed(b"\x01d"), [Action::Detach]);
    }
}
