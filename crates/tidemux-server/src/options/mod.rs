//! Options with tmux 3.3a's scopes (server, session, window, pane), global values and
//! inheritance, user options (`@name`) and array options (`name[N]`); the table of names,
//! types and defaults is tmux's own ([`table::OPTIONS`], generated from options-table.c).
//!
//! Lookup follows tmux: a pane option is looked up in the pane, then its window, then the
//! global window options; a window option in the window then the global window options; a
//! session option in the session then the global session options; server options are global.
//! `docs/cli.md` ("Options") lists what tidemux acts on.

pub mod style;
mod table;

use std::collections::{BTreeMap, HashMap};
use tidemux_proto::{PaneId, SessionId, WindowId};

pub use table::OPTIONS;

/// Option value types (tmux `enum options_table_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptType {
    /// One of `choices`.
    Choice,
    /// A colour (`red`, `colour100`, `#ff0000`, `default`...).
    Colour,
    /// A command list (kept as text).
    Command,
    /// `on`/`off`.
    Flag,
    /// A key name (`C-b`).
    Key,
    /// An integer in `min..=max`.
    Number,
    /// Text.
    String,
}

/// Scope bits (tmux `OPTIONS_TABLE_*`).
pub mod scope {
    /// Server options.
    pub const SERVER: u8 = 1;
    /// Session options.
    pub const SESSION: u8 = 2;
    /// Window options.
    pub const WINDOW: u8 = 4;
    /// Pane options.
    pub const PANE: u8 = 8;
}

/// One row of the option table.
#[derive(Debug)]
pub struct OptDef {
    /// Name.
    pub name: &'static str,
    /// Type.
    pub ty: OptType,
    /// [`scope`] bits.
    pub scope: u8,
    /// An array option (`name[N]`).
    pub array: bool,
    /// A style option.
    pub style: bool,
    /// Valid values of a choice.
    pub choices: &'static [&'static str],
    /// Least number.
    pub min: i64,
    /// Greatest number.
    pub max: i64,
    /// Characters separating items when a whole array is set from one string.
    pub separator: &'static str,
    /// Default (scalar options), as `show-options -v` prints it.
    pub default: &'static str,
    /// Default items (array options).
    pub default_array: &'static [(u32, &'static str)],
}

/// A stored value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptValue {
    /// A scalar, in its shown form (`on`, `42`, `emacs`, text).
    Scalar(String),
    /// Array items by index.
    Array(BTreeMap<u32, String>),
}

/// The options of one scope object (or a global set), by name, sorted as tmux shows them.
pub type OptionSet = BTreeMap<String, OptValue>;

/// Which set a command addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    /// Server options.
    Server,
    /// Global session options (`-g`).
    GlobalSession,
    /// Global window and pane options (`-gw`, `-gp`).
    GlobalWindow,
    /// One session's options.
    Session(SessionId),
    /// One window's options.
    Window(WindowId),
    /// One pane's options.
    Pane(PaneId),
}

impl Where {
    /// The tmux scope bit this set belongs to.
    pub fn scope(self) -> u8 {
        match self {
            Where::Server => scope::SERVER,
            Where::GlobalSession | Where::Session(_) => scope::SESSION,
            Where::GlobalWindow | Where::Window(_) => scope::WINDOW,
            Where::Pane(_) => scope::PANE,
        }
    }
}

/// tidemux's own options (not in tmux), after tmux's in listings; `docs/continuity.md`.
///
/// - `resurrect-on-start` (server, flag, `off`): a server started on first use rebuilds the
///   sessions of the socket's snapshot when the snapshot was saved with this option on (the
///   environment variable `TIDEMUX_RESURRECT_ON_START` overrides it);
/// - `resurrect-commands` (server, string): the programs `resurrect` runs again, words
///   separated by spaces or commas (`TIDEMUX_RESURRECT_COMMANDS` overrides it); the default
///   is [`crate::snapshot::restore::DEFAULT_ALLOW`];
/// - `resurrect-history-lines` (server, number 0 to 1,000,000, default
///   [`crate::snapshot::DEFAULT_LINES`]): history lines per pane saved in the snapshot
///   (`TIDEMUX_SNAPSHOT_LINES` in the server's environment overrides it).
///
/// The attach client's own (session options, read by the client through `ClientConfig` and
/// applied as soon as they change; `docs/attach.md`):
///
/// - `sidebar` (`off`, `on`, `auto`; default `auto`): whether the agent overview sidebar
///   shows; `auto` shows it when it lists more than one pane and the terminal leaves the panes
///   at least 70 columns; `on` whenever the panes keep at least 20 (`prefix b` toggles it
///   for the client either way);
/// - `sidebar-width` (number 10 to 200, default 30): its width in cells, separator included;
/// - `sidebar-scope` (`session`, `all`; default `session`): list the panes of the client's
///   session, or of every session (then grouped under `SESSION:INDEX:WINDOW` headers);
/// - `notify-forward` (`off`, `bell`, `osc9`, `osc777`, `both`; default `both`): what a bell
///   or `notify` in a listed pane sends to the client's terminal: nothing, a BEL, a BEL and an
///   OSC 9 desktop notification, a BEL and an OSC 777 `notify`, or a BEL and both.
pub static TIDEMUX_OPTIONS: &[OptDef] = &[
    OptDef {
        name: "resurrect-on-start",
        ty: OptType::Flag,
        scope: scope::SERVER,
        array: false,
        style: false,
        choices: &[],
        min: 0,
        max: 2147483647,
        separator: " ,",
        default: "off",
        default_array: &[],
    },
    OptDef {
        name: "resurrect-commands",
        ty: OptType::String,
        scope: scope::SERVER,
        array: false,
        style: false,
        choices: &[],
        min: 0,
        max: 2147483647,
        separator: " ,",
        default: crate::snapshot::restore::DEFAULT_ALLOW_TEXT,
        default_array: &[],
    },
    OptDef {
        name: "resurrect-history-lines",
        ty: OptType::Number,
        scope: scope::SERVER,
        array: false,
        style: false,
        choices: &[],
        min: 0,
        max: 1_000_000,
        separator: " ,",
        default: "2000",
        default_array: &[],
    },
    OptDef {
        name: "sidebar",
        ty: OptType::Choice,
        scope: scope::SESSION,
        array: false,
        style: false,
        choices: &["off", "on", "auto"],
        min: 0,
        max: 2147483647,
        separator: " ,",
        default: "auto",
        default_array: &[],
    },
    OptDef {
        name: "sidebar-width",
        ty: OptType::Number,
        scope: scope::SESSION,
        array: false,
        style: false,
        choices: &[],
        min: 10,
        max: 200,
        separator: " ,",
        default: "30",
        default_array: &[],
    },
    OptDef {
        name: "sidebar-scope",
        ty: OptType::Choice,
        scope: scope::SESSION,
        array: false,
        style: false,
        choices: &["session", "all"],
        min: 0,
        max: 2147483647,
        separator: " ,",
        default: "session",
        default_array: &[],
    },
    OptDef {
        name: "notify-forward",
        ty: OptType::Choice,
        scope: scope::SESSION,
        array: false,
        style: false,
        choices: &["off", "bell", "osc9", "osc777", "both"],
        min: 0,
        max: 2147483647,
        separator: " ,",
        default: "both",
        default_array: &[],
    },
];

/// Every option definition: tmux's table, then [`TIDEMUX_OPTIONS`].
pub fn all() -> impl Iterator<Item = &'static OptDef> {
    OPTIONS.iter().chain(TIDEMUX_OPTIONS.iter())
}

/// The table row of `name`.
pub fn def(name: &str) -> Option<&'static OptDef> {
    all().find(|d| d.name == name)
}

/// tmux `options_parse`: `name[N]` -> (`name`, `Some(N)`). `None` if malformed.
pub fn parse_name(s: &str) -> Option<(String, Option<u32>)> {
    if s.is_empty() {
        return None;
    }
    let Some(open) = s.find('[') else {
        return Some((s.to_owned(), None));
    };
    let inner = s[open + 1..].strip_suffix(']')?;
    if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((s[..open].to_owned(), Some(inner.parse().ok()?)))
}

/// Why an option name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchError {
    /// No option has this name or prefix (tmux: `invalid option: X`).
    Invalid,
    /// Several options start with this prefix (tmux: `ambiguous option: X`).
    Ambiguous,
}

/// tmux `options_match`: user options as they are, table options by exact name or unique
/// prefix (`-color` spelled `-colour` too). Returns (name, index).
pub fn match_name(s: &str) -> Result<(String, Option<u32>), MatchError> {
    let (parsed, idx) = parse_name(s).ok_or(MatchError::Invalid)?;
    if parsed.starts_with('@') {
        return Ok((parsed, idx));
    }
    let name = match parsed.strip_suffix("-color") {
        Some(stem) => format!("{stem}-colour"),
        None => parsed,
    };
    if let Some(d) = def(&name) {
        return Ok((d.name.to_owned(), idx));
    }
    let mut found = all().filter(|d| d.name.starts_with(&name));
    match (found.next(), found.next()) {
        (Some(d), None) => Ok((d.name.to_owned(), idx)),
        (Some(_), Some(_)) => Err(MatchError::Ambiguous),
        _ => Err(MatchError::Invalid),
    }
}

fn defaults(scope_bit: u8) -> OptionSet {
    let mut set = OptionSet::new();
    for d in all() {
        let home = if d.scope & scope::SERVER != 0 {
            scope::SERVER
        } else if d.scope & scope::SESSION != 0 {
            scope::SESSION
        } else {
            scope::WINDOW
        };
        if home != scope_bit {
            continue;
        }
        let v = if d.array {
            OptValue::Array(
                d.default_array
                    .iter()
                    .map(|(i, v)| (*i, (*v).to_owned()))
                    .collect(),
            )
        } else {
            OptValue::Scalar(tidemux_default(d).to_owned())
        };
        set.insert(d.name.to_owned(), v);
    }
    set
}

/// Defaults where tidemux differs from tmux (documented in `docs/cli.md` and
/// `docs/attach.md`): history is 10,000 lines; `mouse` is `on` (the attach client handles
/// the mouse unless `set -g mouse off`; tmux's default is `off`).
fn tidemux_default(d: &OptDef) -> &'static str {
    match d.name {
        "history-limit" => "10000",
        "mouse" => "on",
        _ => d.default,
    }
}

/// Every option of the server.
#[derive(Debug)]
pub struct Options {
    server: OptionSet,
    global_session: OptionSet,
    global_window: OptionSet,
    sessions: HashMap<SessionId, OptionSet>,
    windows: HashMap<WindowId, OptionSet>,
    panes: HashMap<PaneId, OptionSet>,
}

impl Default for Options {
    fn default() -> Self {
        let mut o = Self {
            server: defaults(scope::SERVER),
            global_session: defaults(scope::SESSION),
            global_window: defaults(scope::WINDOW),
            sessions: HashMap::new(),
            windows: HashMap::new(),
            panes: HashMap::new(),
        };
        // tmux sets default-shell from $SHELL at start.
        let shell = std::env::var("SHELL")
            .ok()
            .filter(|s| s.starts_with('/'))
            .unwrap_or_else(|| "/bin/sh".into());
        o.global_session
            .insert("default-shell".into(), OptValue::Scalar(shell));
        o
    }
}

/// Outcome of [`Options::set`] that is not a plain success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError(pub String);

impl Options {
    /// The set `w` addresses (`None` if a local set does not exist yet and `create` is false).
    pub fn set_of(&self, w: Where) -> Option<&OptionSet> {
        match w {
            Where::Server => Some(&self.server),
            Where::GlobalSession => Some(&self.global_session),
            Where::GlobalWindow => Some(&self.global_window),
            Where::Session(s) => self.sessions.get(&s),
            Where::Window(x) => self.windows.get(&x),
            Where::Pane(p) => self.panes.get(&p),
        }
    }

    fn set_of_mut(&mut self, w: Where) -> &mut OptionSet {
        match w {
            Where::Server => &mut self.server,
            Where::GlobalSession => &mut self.global_session,
            Where::GlobalWindow => &mut self.global_window,
            Where::Session(s) => self.sessions.entry(s).or_default(),
            Where::Window(x) => self.windows.entry(x).or_default(),
            Where::Pane(p) => self.panes.entry(p).or_default(),
        }
    }

    /// The parent of a set in the inheritance chain (`None` for global sets).
    pub fn parent(w: Where, window_of_pane: Option<WindowId>) -> Option<Where> {
        match w {
            Where::Session(_) => Some(Where::GlobalSession),
            Where::Window(_) => Some(Where::GlobalWindow),
            Where::Pane(_) => Some(window_of_pane.map_or(Where::GlobalWindow, Where::Window)),
            _ => None,
        }
    }

    /// The value set directly in `w` (no inheritance), tmux `options_get_only`.
    pub fn get_only(&self, w: Where, name: &str) -> Option<&OptValue> {
        self.set_of(w)?.get(name)
    }

    /// The value of `name` for `w` with inheritance (tmux `options_get`); `window_of_pane` is
    /// the pane's window when `w` is a pane.
    pub fn get(&self, w: Where, name: &str, window_of_pane: Option<WindowId>) -> Option<&OptValue> {
        let mut cur = Some(w);
        while let Some(c) = cur {
            if let Some(v) = self.get_only(c, name) {
                return Some(v);
            }
            cur = Self::parent(c, window_of_pane);
        }
        None
    }

    /// A scalar option's effective value for objects, with inheritance; what the server acts
    /// on (e.g. `history-limit` for a session).
    pub fn effective(
        &self,
        name: &str,
        session: Option<SessionId>,
        window: Option<WindowId>,
        pane: Option<PaneId>,
    ) -> Option<String> {
        let d = def(name);
        let start = match d.map(|d| d.scope) {
            Some(s) if s & scope::SERVER != 0 => Where::Server,
            Some(s) if s & scope::SESSION != 0 => {
                session.map_or(Where::GlobalSession, Where::Session)
            }
            Some(_) => match (pane, window) {
                (Some(p), _) => Where::Pane(p),
                (None, Some(w)) => Where::Window(w),
                _ => Where::GlobalWindow,
            },
            None => return None,
        };
        match self.get(start, name, window)? {
            OptValue::Scalar(s) => Some(s.clone()),
            OptValue::Array(_) => None,
        }
    }

    /// Sets an option (tmux `set-option` after the scope was chosen). `value` `None` toggles
    /// flags and two-way choices. `append` (`-a`) appends to strings and array items.
    ///
    /// # Errors
    /// tmux's messages: `empty value`, `bad value: X`, `value is too small: X`, `unknown
    /// value: X`, `not an array: X`.
    pub fn set(
        &mut self,
        w: Where,
        name: &str,
        idx: Option<u32>,
        value: Option<&str>,
        append: bool,
        window_of_pane: Option<WindowId>,
    ) -> Result<(), SetError> {
        let d = def(name);
        if idx.is_some() && !d.is_some_and(|d| d.array) {
            return Err(SetError(format!(
                "not an array: {name}[{}]",
                idx.unwrap_or(0)
            )));
        }
        let Some(d) = d else {
            // A user option: text.
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            let set = self.set_of_mut(w);
            let new = match (append, set.get(name)) {
                (true, Some(OptValue::Scalar(old))) => format!("{old}{v}"),
                _ => v.to_owned(),
            };
            set.insert(name.to_owned(), OptValue::Scalar(new));
            return Ok(());
        };
        if d.array {
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            let mut items = match self.get_only(w, name) {
                Some(OptValue::Array(a)) => a.clone(),
                _ => BTreeMap::new(),
            };
            match idx {
                Some(i) => {
                    let new = match (append, items.get(&i)) {
                        (true, Some(old)) => format!("{old}{v}"),
                        _ => v.to_owned(),
                    };
                    items.insert(i, new);
                }
                None => {
                    if !append {
                        items.clear();
                    }
                    let parts: Vec<&str> = if d.separator.is_empty() {
                        vec![v]
                    } else {
                        v.split(|c| d.separator.contains(c)).collect()
                    };
                    for p in parts.into_iter().filter(|p| !p.is_empty()) {
                        let next = (0..).find(|i| !items.contains_key(i)).unwrap_or(0);
                        items.insert(next, p.to_owned());
                    }
                }
            }
            self.set_of_mut(w)
                .insert(name.to_owned(), OptValue::Array(items));
            return Ok(());
        }
        let current = match self.get(w, name, window_of_pane) {
            Some(OptValue::Scalar(s)) => s.clone(),
            _ => tidemux_default(d).to_owned(),
        };
        let new = normalize(d, value, &current, append)?;
        self.set_of_mut(w)
            .insert(name.to_owned(), OptValue::Scalar(new));
        Ok(())
    }

    /// Unsets (`-u`): a global option returns to its default, a local one is removed (then
    /// inherited); with an index, only that array item is removed.
    pub fn unset(&mut self, w: Where, name: &str, idx: Option<u32>) {
        let global = matches!(
            w,
            Where::Server | Where::GlobalSession | Where::GlobalWindow
        );
        if let Some(i) = idx {
            if let Some(OptValue::Array(a)) = self.set_of_mut(w).get_mut(name) {
                a.remove(&i);
            }
            return;
        }
        match def(name) {
            Some(d) if global => {
                let v = if d.array {
                    OptValue::Array(
                        d.default_array
                            .iter()
                            .map(|(i, v)| (*i, (*v).to_owned()))
                            .collect(),
                    )
                } else {
                    OptValue::Scalar(tidemux_default(d).to_owned())
                };
                self.set_of_mut(w).insert(name.to_owned(), v);
            }
            _ => {
                self.set_of_mut(w).remove(name);
            }
        }
    }

    /// Forgets the options of objects that no longer exist.
    pub fn retain(
        &mut self,
        sessions: impl Fn(SessionId) -> bool,
        windows: impl Fn(WindowId) -> bool,
        panes: impl Fn(PaneId) -> bool,
    ) {
        self.sessions.retain(|k, _| sessions(*k));
        self.windows.retain(|k, _| windows(*k));
        self.panes.retain(|k, _| panes(*k));
    }
}

/// Checks and normalizes a scalar value for its type (tmux `options_from_string`).
fn normalize(
    d: &OptDef,
    value: Option<&str>,
    current: &str,
    append: bool,
) -> Result<String, SetError> {
    let err = |m: String| Err(SetError(m));
    match d.ty {
        OptType::Flag => match value {
            None | Some("") => Ok(if current == "on" { "off" } else { "on" }.into()),
            Some(v)
                if v == "1" || v.eq_ignore_ascii_case("on") || v.eq_ignore_ascii_case("yes") =>
            {
                Ok("on".into())
            }
            Some(v)
                if v == "0" || v.eq_ignore_ascii_case("off") || v.eq_ignore_ascii_case("no") =>
            {
                Ok("off".into())
            }
            Some(v) => err(format!("bad value: {v}")),
        },
        OptType::Choice => match value {
            None => {
                let i = d.choices.iter().position(|c| *c == current).unwrap_or(0);
                let i = if i < 2 { 1 - i } else { i };
                Ok(d.choices.get(i).copied().unwrap_or(current).to_owned())
            }
            Some(v) => match d.choices.iter().find(|c| **c == v) {
                Some(c) => Ok((*c).to_owned()),
                None => err(format!("unknown value: {v}")),
            },
        },
        OptType::Number => {
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            match v.trim_start().parse::<i64>() {
                Ok(n) if n < d.min => err(format!("value is too small: {v}")),
                Ok(n) if n > d.max => err(format!("value is too large: {v}")),
                Ok(n) => Ok(n.to_string()),
                Err(_) => err(format!("value is invalid: {v}")),
            }
        }
        OptType::Colour => {
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            colour(v).ok_or_else(|| SetError(format!("bad colour: {v}")))
        }
        OptType::Key => {
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            if v.is_empty() || v.chars().any(char::is_whitespace) {
                return err(format!("bad key: {v}"));
            }
            Ok(v.to_owned())
        }
        OptType::String | OptType::Command => {
            let v = value.ok_or_else(|| SetError("empty value".into()))?;
            let new = if append {
                format!("{current}{v}")
            } else {
                v.to_owned()
            };
            // tmux options_validate: a style option must parse unless it holds a format.
            if d.style && !new.contains("#{") && !style::valid_style(&new) {
                return err(format!("invalid style: {new}"));
            }
            Ok(new)
        }
    }
}

/// tmux `colour_fromstring` + `colour_tostring`, for the forms tidemux recognises: `default`,
/// `terminal`, `none`, the eight names and their `bright` forms, `colourN`/`colorN` (0-255),
/// `#rrggbb`.
fn colour(v: &str) -> Option<String> {
    let l = v.to_ascii_lowercase();
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    if ["default", "terminal", "none"].contains(&l.as_str()) {
        return Some(l);
    }
    if NAMES.contains(&l.as_str()) || l.strip_prefix("bright").is_some_and(|n| NAMES.contains(&n)) {
        return Some(l);
    }
    if let Some(n) = l.strip_prefix("colour").or_else(|| l.strip_prefix("color")) {
        let n: u16 = n.parse().ok()?;
        return (n < 256).then(|| format!("colour{n}"));
    }
    if let Some(h) = l.strip_prefix('#') {
        return (h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit())).then_some(l);
    }
    None
}

/// tmux `args_escape`: how `show-options` prints a string value.
pub fn escape(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let quotes = if s.contains([' ', '#', '\'', ';', '$', '{', '}', '%']) {
        Some('"')
    } else if s.contains([' ', '"']) {
        Some('\'')
    } else {
        None
    };
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c != ' ' && (quotes.is_some() || c == '~') {
            return format!("\\{c}");
        }
    }
    let e = vis(s.as_bytes(), quotes == Some('"'));
    let tilde = if e.starts_with('~') { "\\" } else { "" };
    match quotes {
        Some('\'') => format!("'{e}'"),
        Some(_) => format!("\"{tilde}{e}\""),
        None => format!("{tilde}{e}"),
    }
}

/// tmux `utf8_strvis` with `VIS_OCTAL|VIS_CSTYLE|VIS_TAB|VIS_NL` (and `VIS_DQ` with `dq`):
/// valid UTF-8 is kept, `\n \t \r \b \a \v \f \0` C-style, other control bytes, DEL
/// and invalid UTF-8 as `\ooo`, `\` doubled, `"` escaped with `dq`, and `$` escaped before
/// a name or `{`.
pub fn vis(data: &[u8], dq: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < data.len() {
        let rest = &data[i..];
        let valid = match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or(""),
        };
        if let Some(c) = valid.chars().next().filter(|c| !c.is_ascii()) {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let b = rest[0];
        let next = rest.get(1).copied().unwrap_or(0);
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            8 => out.push_str("\\b"),
            7 => out.push_str("\\a"),
            11 => out.push_str("\\v"),
            b'\t' => out.push_str("\\t"),
            12 => out.push_str("\\f"),
            0 if (b'0'..=b'7').contains(&next) => out.push_str("\\000"),
            0 => out.push_str("\\0"),
            b'$' if next.is_ascii_alphabetic() || next == b'_' || next == b'{' => {
                out.push_str("\\$")
            }
            b'\\' => out.push_str("\\\\"),
            b'"' if dq => out.push_str("\\\""),
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
        i += 1;
    }
    out
}

/// `show-options` lines for one option (`parent`: inherited, shown with `*` under `-A`).
pub fn show_lines(
    name: &str,
    v: &OptValue,
    idx: Option<u32>,
    values_only: bool,
    parent: bool,
) -> Vec<String> {
    let is_string = def(name).is_none_or(|d| matches!(d.ty, OptType::String | OptType::Command));
    let star = if parent { "*" } else { "" };
    let one = |n: String, val: &str| {
        if values_only {
            val.to_owned()
        } else if is_string {
            format!("{n}{star} {}", escape(val))
        } else {
            format!("{n}{star} {val}")
        }
    };
    match v {
        OptValue::Scalar(s) => vec![one(name.to_owned(), s)],
        OptValue::Array(items) => match idx {
            Some(i) => vec![one(
                format!("{name}[{i}]"),
                items.get(&i).map(String::as_str).unwrap_or(""),
            )],
            None if items.is_empty() => {
                if values_only {
                    Vec::new()
                } else {
                    vec![format!("{name}{star}")]
                }
            }
            None => items
                .iter()
                .map(|(i, s)| one(format!("{name}[{i}]"), s))
                .collect(),
        },
    }
}

impl crate::format::model::OptionLookup for Options {
    fn option_value(
        &self,
        key: &str,
        session: Option<SessionId>,
        window: Option<WindowId>,
        pane: Option<PaneId>,
    ) -> Option<String> {
        let (name, idx) = parse_name(key)?;
        let mut chain = vec![Where::Server];
        chain.extend(pane.map(Where::Pane));
        chain.extend(window.map(Where::Window));
        chain.push(Where::GlobalWindow);
        chain.extend(session.map(Where::Session));
        chain.push(Where::GlobalSession);
        let v = chain.into_iter().find_map(|w| self.get_only(w, &name))?;
        let flag = def(&name).is_some_and(|d| d.ty == OptType::Flag);
        Some(match (v, idx) {
            (OptValue::Scalar(s), _) if flag => if s == "on" { "1" } else { "0" }.to_owned(),
            (OptValue::Scalar(s), _) => s.clone(),
            (OptValue::Array(a), Some(i)) => a.get(&i).cloned().unwrap_or_default(),
            (OptValue::Array(_), None) => String::new(),
        })
    }
}

#[cfg(test)]
mod tests;
