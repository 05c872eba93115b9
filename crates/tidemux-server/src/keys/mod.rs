//! Key tables and bindings, after tmux 3.3a (key-bindings.c, cmd-bind-key.c,
//! cmd-unbind-key.c, cmd-list-keys.c): named tables (`prefix`, `root`, `copy-mode`,
//! `copy-mode-vi`, and any user table) of keys bound to tmux command text, tmux's default
//! bindings ([`defaults::DEFAULTS`]), and the `bind-key`, `unbind-key` and `list-keys`
//! commands with tmux's output.
//!
//! Commands are kept as text in tmux's printed form (what `list-keys` shows); they run through
//! the command language when a key is pressed in the attach client (`AttachKey`). Tables are
//! sorted by name and keys by tmux's key code ([`string`]), so `list-keys` lists in tmux's
//! order. Every change bumps [`KeyTables::version`], which attach clients watch to refresh.

pub mod client;
pub mod defaults;
pub mod print;
pub mod string;

use crate::error::{CmdError, CmdResult};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::BTreeMap;
use tidemux_proto::Response;
use unicode_width::UnicodeWidthStr;

/// One binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// `-N` note.
    pub note: Option<String>,
    /// `-r`: may repeat without the prefix (within `repeat-time`).
    pub repeat: bool,
    /// The command, tmux command text.
    pub command: String,
}

/// One table: the bindings, and the defaults `unbind-key -a`/reset return to.
#[derive(Debug, Clone, Default)]
struct Table {
    bindings: BTreeMap<u64, Binding>,
    defaults: BTreeMap<u64, Binding>,
}

/// Every key table of the server.
#[derive(Debug, Clone)]
pub struct KeyTables {
    tables: BTreeMap<String, Table>,
    version: u64,
}

impl Default for KeyTables {
    /// tmux 3.3a's defaults.
    fn default() -> Self {
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for (table, key, repeat, note, command) in defaults::DEFAULTS {
            let code = string::parse(key) & !string::MASK_FLAGS;
            let b = Binding {
                note: note.map(str::to_owned),
                repeat: *repeat,
                command: (*command).to_owned(),
            };
            let t = tables.entry((*table).to_owned()).or_default();
            t.bindings.insert(code, b.clone());
            t.defaults.insert(code, b);
        }
        KeyTables { tables, version: 1 }
    }
}

/// A key name parsed for a binding: the key code without flags.
///
/// # Errors
/// `unknown key: NAME` (tmux's message) for names tmux does not know, `None` and `Any`
/// included where a real key is needed.
pub fn parse_key(name: &str) -> CmdResult<u64> {
    let k = string::parse(name);
    if k == string::NONE || k == string::UNKNOWN {
        return Err(CmdError::invalid(format!(
            "unknown key: {name} (valid: a character, C-x, M-x, S-x, F1..F12, Up, Down, Left, Right, BSpace, Enter, Escape, Space, Tab, PPage, NPage, Home, End, IC, DC, KP0.., MouseDown1Pane..., User0..)"
        )));
    }
    Ok(k & !string::MASK_FLAGS)
}

impl KeyTables {
    /// Bumped on every change (clients compare it to refresh their copy).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The binding of `key` (a key code from [`parse_key`]) in `table`.
    pub fn get(&self, table: &str, key: u64) -> Option<&Binding> {
        self.tables.get(table)?.bindings.get(&key)
    }

    /// Whether a table exists.
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// Every binding of a table, in key order: (key code, binding).
    pub fn bindings(&self, table: &str) -> Vec<(u64, &Binding)> {
        self.tables
            .get(table)
            .map(|t| t.bindings.iter().map(|(k, b)| (*k, b)).collect())
            .unwrap_or_default()
    }

    /// tmux `key_bindings_add`: `command` `None` changes only the note of an existing binding.
    pub fn add(
        &mut self,
        table: &str,
        key: u64,
        note: Option<String>,
        repeat: bool,
        command: Option<String>,
    ) {
        self.version += 1;
        let t = self.tables.entry(table.to_owned()).or_default();
        match command {
            None => {
                if let Some(b) = t.bindings.get_mut(&key) {
                    b.note = note;
                }
            }
            Some(command) => {
                t.bindings.insert(
                    key,
                    Binding {
                        note,
                        repeat,
                        command,
                    },
                );
            }
        }
    }

    /// tmux `key_bindings_remove`: a table left without bindings and defaults goes away.
    pub fn remove(&mut self, table: &str, key: u64) {
        let Some(t) = self.tables.get_mut(table) else {
            return;
        };
        if t.bindings.remove(&key).is_some() {
            self.version += 1;
        }
        if t.bindings.is_empty() && t.defaults.is_empty() {
            self.tables.remove(table);
        }
    }

    /// tmux `key_bindings_remove_table` (`unbind-key -a`).
    pub fn remove_table(&mut self, table: &str) {
        if self.tables.remove(table).is_some() {
            self.version += 1;
        }
    }

    /// `list-keys` lines (tmux `cmd_list_keys_exec`). `prefix_key` is the global `prefix`
    /// option's key (for `-N`).
    ///
    /// # Errors
    /// tmux's: `invalid key: K`, `table T doesn't exist`, `unknown key: K`.
    pub fn list(&self, a: &ListArgs, prefix_key: u64) -> CmdResult<Vec<String>> {
        let only = match a.key.as_deref() {
            Some(k) => {
                let c = string::parse(k);
                if c == string::UNKNOWN {
                    return Err(CmdError::invalid(format!("invalid key: {k}")));
                }
                Some(c & (string::MASK_KEY | string::MASK_MODIFIERS))
            }
            None => None,
        };
        if let Some(t) = a.table.as_deref() {
            if !self.tables.contains_key(t) {
                return Err(CmdError::not_found(format!("table {t} doesn't exist")));
            }
        }
        let mut out = Vec::new();
        let mut found = false;
        if a.notes {
            match a.table.as_deref() {
                None => {
                    let mut prefix = prefix_key;
                    let start = match &a.prefix_string {
                        Some(p) => p.clone(),
                        None if prefix != string::NONE => format!("{} ", string::name(prefix)),
                        None => String::new(),
                    };
                    let mut width = self.note_width("root", only);
                    if prefix != string::NONE {
                        let w = self.note_width("prefix", only);
                        if w == 0 {
                            prefix = string::NONE;
                        } else {
                            width = width.max(w);
                        }
                    }
                    let empty = " ".repeat(start.width());
                    found = self.notes("root", width, only, &empty, a, &mut out);
                    if prefix != string::NONE
                        && self.notes("prefix", width, only, &start, a, &mut out)
                    {
                        found = true;
                    }
                }
                Some(t) => {
                    let start = a.prefix_string.clone().unwrap_or_default();
                    let width = self.note_width(t, only);
                    found = self.notes(t, width, only, &start, a, &mut out);
                }
            }
        } else {
            let selected = || {
                self.tables
                    .iter()
                    .filter(|(n, _)| a.table.as_deref().is_none_or(|t| t == n.as_str()))
                    .flat_map(|(n, t)| t.bindings.iter().map(move |(k, b)| (n, *k, b)))
                    .filter(|(_, k, _)| only.is_none_or(|o| o == *k))
            };
            let (mut tw, mut kw, mut repeat) = (0, 0, false);
            for (n, k, b) in selected() {
                repeat |= b.repeat;
                tw = tw.max(n.width());
                kw = kw.max(crate::options::escape(&string::name(k)).width());
            }
            for (n, k, b) in selected() {
                found = true;
                let r = match (repeat, b.repeat) {
                    (false, _) => "",
                    (true, true) => "-r ",
                    (true, false) => "   ",
                };
                let key = crate::options::escape(&string::name(k));
                out.push(format!(
                    "bind-key {r}-T {} {} {}",
                    pad(n, tw),
                    pad(&key, kw),
                    b.command
                ));
            }
        }
        if let (Some(_), false) = (only, found) {
            return Err(CmdError::not_found(format!(
                "unknown key: {}",
                a.key.as_deref().unwrap_or("")
            )));
        }
        Ok(out)
    }

    fn note_width(&self, table: &str, only: Option<u64>) -> usize {
        self.tables.get(table).map_or(0, |t| {
            t.bindings
                .iter()
                .filter(|(k, b)| {
                    only.is_none_or(|o| o == **k)
                        && !string::is_mouse(**k)
                        && b.note.as_deref().is_some_and(|n| !n.is_empty())
                })
                .map(|(k, _)| string::name(*k).width())
                .max()
                .unwrap_or(0)
        })
    }

    fn notes(
        &self,
        table: &str,
        width: usize,
        only: Option<u64>,
        start: &str,
        a: &ListArgs,
        out: &mut Vec<String>,
    ) -> bool {
        let Some(t) = self.tables.get(table) else {
            return false;
        };
        let mut found = false;
        for (k, b) in &t.bindings {
            let has_note = b.note.as_deref().is_some_and(|n| !n.is_empty());
            if only.is_some_and(|o| o != *k) || string::is_mouse(*k) || (!has_note && !a.all) {
                continue;
            }
            found = true;
            let note = if has_note {
                b.note.clone().unwrap_or_default()
            } else {
                b.command.clone()
            };
            out.push(format!(
                "{start}{}{note}",
                pad(&string::name(*k), width + 1)
            ));
            if a.one {
                break;
            }
        }
        found
    }
}

/// tmux `utf8_padcstr`: `s` padded with spaces to `width` cells.
fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        return s.to_owned();
    }
    format!("{s}{}", " ".repeat(width - w))
}

/// Arguments of `list-keys [-1aN] [-P PREFIX-STRING] [-T TABLE] [KEY]`.
#[derive(Debug, Clone, Default)]
pub struct ListArgs {
    /// `-T`.
    pub table: Option<String>,
    /// `-N`: notes.
    pub notes: bool,
    /// `-a`: with `-N`, also keys without notes (their command instead).
    pub all: bool,
    /// `-1`: only the first.
    pub one: bool,
    /// `-P`: what starts each `-N` line.
    pub prefix_string: Option<String>,
    /// Only this key.
    pub key: Option<String>,
}

/// The global `prefix` option as a key code ([`string::NONE`] if unset or not a key).
pub fn global_prefix(state: &ServerState, name: &str) -> u64 {
    let v = lock(&state.options_store).effective(name, None, None, None);
    match v.as_deref().map(string::parse) {
        Some(k) if k != string::UNKNOWN => k & !string::MASK_FLAGS,
        _ => string::NONE,
    }
}

/// `bind-key [-nr] [-T TABLE] [-N NOTE] KEY [COMMAND [ARGUMENT...]]`.
///
/// # Errors
/// `unknown key: K`; a command that does not parse (tmux's messages, e.g. `unknown command:
/// X`).
pub fn bind_key(
    state: &ServerState,
    table: Option<String>,
    root: bool,
    repeat: bool,
    note: Option<String>,
    key: &str,
    command: &[String],
) -> CmdResult {
    let code = parse_key(key)?;
    let table = table.unwrap_or_else(|| if root { "root" } else { "prefix" }.to_owned());
    if table.is_empty() {
        return Err(CmdError::invalid("empty key table name"));
    }
    let text = if command.is_empty() {
        None
    } else {
        Some(print::shown(
            &print::from_args(command).map_err(CmdError::invalid)?,
        ))
    };
    lock(&state.keys).add(&table, code, note, repeat, text);
    state.bump_config();
    Ok(Response::Ok)
}

/// `unbind-key [-anq] [-T TABLE] [KEY]`.
///
/// # Errors
/// tmux's: `key given with -a`, `missing key`, `unknown key: K`, `table T doesn't exist`. With
/// `-q` these are silent successes (tmux 3.3a prints nothing and its client exits 0, since the
/// error carries no message), and nothing is changed.
pub fn unbind_key(
    state: &ServerState,
    table: Option<String>,
    root: bool,
    all: bool,
    quiet: bool,
    key: Option<&str>,
) -> CmdResult {
    let fail = |m: String| {
        if quiet {
            Ok(Response::Ok)
        } else {
            Err(CmdError::invalid(m))
        }
    };
    let default_table = || if root { "root" } else { "prefix" }.to_owned();
    let mut keys = lock(&state.keys);
    if all {
        if key.is_some() {
            return fail("key given with -a".into());
        }
        let t = table.unwrap_or_else(default_table);
        if !keys.has_table(&t) {
            return fail(format!("table {t} doesn't exist"));
        }
        keys.remove_table(&t);
        drop(keys);
        state.bump_config();
        return Ok(Response::Ok);
    }
    let Some(key) = key else {
        return fail("missing key".into());
    };
    let code = string::parse(key);
    if code == string::NONE || code == string::UNKNOWN {
        return fail(format!("unknown key: {key}"));
    }
    let t = match table {
        Some(t) => {
            if !keys.has_table(&t) {
                return fail(format!("table {t} doesn't exist"));
            }
            t
        }
        None => default_table(),
    };
    keys.remove(&t, code & !string::MASK_FLAGS);
    drop(keys);
    state.bump_config();
    Ok(Response::Ok)
}

/// `list-keys [-1aN] [-P PREFIX-STRING] [-T TABLE] [KEY]`: tmux's lines.
///
/// # Errors
/// See [`KeyTables::list`].
pub fn list_keys(state: &ServerState, a: &ListArgs) -> CmdResult {
    let prefix = global_prefix(state, "prefix");
    let lines = lock(&state.keys).list(a, prefix)?;
    Ok(Response::Lines(lines))
}

/// `bind-key`, `unbind-key`, `list-keys`, `set-hook` and `show-hooks` in tmux's command
/// language ([`crate::lang`]): the parsed arguments become the native request.
///
/// # Errors
/// The request's error message.
pub async fn lang_command(
    state: &std::sync::Arc<ServerState>,
    name: &str,
    a: &crate::lang::table::Args,
    caller: Option<tidemux_proto::PaneId>,
    out: &mut crate::lang::Output,
) -> Result<(), String> {
    use crate::lang::parse::{print_commands, Arg};
    use tidemux_proto::Request;
    let text = |v: &Arg| match v {
        Arg::Str(s) => s.clone(),
        Arg::Block(cmds) => print_commands(cmds),
    };
    let own = |c: char| a.get(c).map(str::to_owned);
    let req = match name {
        "bind-key" => Request::BindKey {
            table: own('T'),
            root: a.has('n'),
            repeat: a.has('r'),
            note: own('N'),
            key: a.value(0).unwrap_or_default(),
            command: a.values.iter().skip(1).map(text).collect(),
        },
        "unbind-key" => Request::UnbindKey {
            table: own('T'),
            root: a.has('n'),
            all: a.has('a'),
            quiet: a.has('q'),
            key: a.value(0),
        },
        "list-keys" => Request::ListKeys {
            table: own('T'),
            notes: a.has('N'),
            all: a.has('a'),
            one: a.has('1'),
            prefix_string: own('P'),
            key: a.value(0),
        },
        "set-hook" => Request::SetHook {
            target: own('t'),
            hook: a.value(0).unwrap_or_default(),
            command: a.values.get(1).map(text),
            global: a.has('g'),
            window: a.has('w'),
            pane: a.has('p'),
            append: a.has('a'),
            unset: a.has('u'),
            run: a.has('R'),
        },
        _ => Request::ShowHooks {
            target: own('t'),
            hook: a.value(0),
            global: a.has('g'),
            window: a.has('w'),
            pane: a.has('p'),
        },
    };
    let (r, _) = Box::pin(crate::commands::dispatch(
        state,
        tidemux_proto::Envelope {
            caller_pane: caller,
            request: req,
        },
        std::future::pending::<()>(),
    ))
    .await;
    match r {
        Response::Error(e) if e.message.is_empty() => Err(String::new()),
        Response::Error(e) => Err(e.message),
        Response::Lines(lines) => {
            for l in lines {
                out.line(&l);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_list_as_tmux() {
        for (t, k, ..) in defaults::DEFAULTS {
            assert!(parse_key(k).is_ok(), "{t} {k}");
        }
        let kt = KeyTables::default();
        let lines = kt.list(&ListArgs::default(), string::parse("C-b")).unwrap();
        assert_eq!(lines.len(), defaults::DEFAULTS.len());
        let want = include_str!("tmux_list_keys.txt");
        for (got, want) in lines.iter().zip(want.lines()) {
            assert_eq!(got, want);
        }
        let notes = kt
            .list(
                &ListArgs {
                    notes: true,
                    ..Default::default()
                },
                string::parse("C-b"),
            )
            .unwrap();
        let want = include_str!("tmux_list_keys_notes.txt");
        assert_eq!(notes.join("\n"), want.trim_end_matches('\n'));
    }

    #[test]
    fn bind_unbind() {
        let mut kt = KeyTables::default();
        let k = parse_key("M-a").unwrap();
        kt.add("prefix", k, None, false, Some("new-window -d".into()));
        assert_eq!(kt.get("prefix", k).unwrap().command, "new-window -d");
        let a = ListArgs {
            key: Some("M-a".into()),
            ..Default::default()
        };
        assert_eq!(
            kt.list(&a, 2).unwrap(),
            ["bind-key -T prefix M-a new-window -d"]
        );
        kt.remove("prefix", k);
        assert!(kt.list(&a, 2).is_err());
        kt.add("mine", k, None, true, Some("detach-client".into()));
        assert!(kt.has_table("mine"));
        kt.remove("mine", k);
        assert!(!kt.has_table("mine"), "an emptied user table goes away");
        kt.remove_table("prefix");
        assert!(!kt.has_table("prefix"));
    }
}
