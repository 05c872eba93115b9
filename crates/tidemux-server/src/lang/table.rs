//! The command table and tmux's argument syntax: name, alias and unique-prefix lookup
//! (`cmd_find` in tmux's cmd.c), getopt-style flags (`args_parse` in arguments.c) and the
//! default command aliases (`command-alias` option: `split-pane`, `splitp`, `info`...).

use super::entries::ENTRIES;
use super::parse::{Arg, Command};

/// What a `-t`/`-s` flag names (tmux `CMD_FIND_PANE`, `_WINDOW`, `_SESSION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKind {
    /// A pane (`session:window.pane`).
    Pane,
    /// A window (`session:window`).
    Window,
    /// A session.
    Session,
}

/// A command's `-t` or `-s` target: flag letter, kind, and tmux's find flags
/// (`canfail`, `window_index`, `default_marked`, ...; `0` for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Find {
    /// The flag letter.
    pub flag: char,
    /// What it names.
    pub kind: FindKind,
    /// `|`-separated tmux find flags, lower case without the `CMD_FIND_` prefix.
    pub flags: &'static str,
}

impl Find {
    /// Whether tmux flag `f` (`canfail`, `window_index`, `default_marked`...) is set.
    pub fn has(&self, f: &str) -> bool {
        self.flags.split('|').any(|x| x == f)
    }
}

/// One tmux command (tmux's `struct cmd_entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Full name (`new-session`).
    pub name: &'static str,
    /// Alias (`new`).
    pub alias: Option<&'static str>,
    /// getopt string: a letter, `:` after it when it takes a value.
    pub getopt: &'static str,
    /// Fewest positional arguments.
    pub lower: i32,
    /// Most positional arguments (-1: any).
    pub upper: i32,
    /// Usage text after the name.
    pub usage: &'static str,
    /// The `-s` target, if any.
    pub source: Option<Find>,
    /// The `-t` target, if any.
    pub target: Option<Find>,
    /// `|`-separated command flags (`startserver`, `readonly`, `afterhook`...; `0` for none).
    pub flags: &'static str,
}

impl Entry {
    /// Whether command flag `f` is set.
    pub fn has(&self, f: &str) -> bool {
        self.flags.split('|').any(|x| x == f)
    }
}

/// tmux 3.3a's default `command-alias` values (options-table.c).
pub const DEFAULT_ALIASES: &[(&str, &str)] = &[
    ("split-pane", "split-window"),
    ("splitp", "split-window"),
    ("server-info", "show-messages -JT"),
    ("info", "show-messages -JT"),
    ("choose-window", "choose-tree -w"),
    ("choose-session", "choose-tree -s"),
];

/// Looks a command up by alias, full name or unique prefix, as tmux's `cmd_find`.
///
/// # Errors
/// `unknown command: X` or `ambiguous command: X, could be: a, b`.
pub fn find(name: &str) -> Result<&'static Entry, String> {
    let mut found: Option<&'static Entry> = None;
    let mut ambiguous = false;
    for e in ENTRIES {
        if e.alias == Some(name) {
            return Ok(e);
        }
        if !e.name.starts_with(name) {
            continue;
        }
        if found.is_some() {
            ambiguous = true;
        }
        found = Some(e);
        if e.name == name {
            break;
        }
    }
    if ambiguous {
        let all: Vec<&str> = ENTRIES
            .iter()
            .filter(|e| e.name.starts_with(name))
            .map(|e| e.name)
            .collect();
        return Err(format!(
            "ambiguous command: {name}, could be: {}",
            all.join(", ")
        ));
    }
    found.ok_or_else(|| format!("unknown command: {name}"))
}

/// A flag's value: a word or a block (tmux allows `{ }` anywhere a value is).
pub type Value = Arg;

/// Parsed arguments of one command (tmux `struct args`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Args {
    /// Flags in order; a flag given twice appears twice (the last value wins in [`Args::get`]).
    pub flags: Vec<(char, Option<String>)>,
    /// Positional arguments.
    pub values: Vec<Arg>,
}

impl Args {
    /// Whether flag `c` was given.
    pub fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }
    /// How many times flag `c` was given.
    pub fn count(&self, c: char) -> usize {
        self.flags.iter().filter(|(f, _)| *f == c).count()
    }
    /// The last value of flag `c`.
    pub fn get(&self, c: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, v)| *f == c && v.is_some())
            .and_then(|(_, v)| v.as_deref())
    }
    /// Every value of flag `c`, in order.
    pub fn all(&self, c: char) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(f, _)| *f == c)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }
    /// Positional `i` as text (a block printed back).
    pub fn value(&self, i: usize) -> Option<String> {
        self.values.get(i).map(Arg::as_text)
    }
    /// Positionals as text.
    pub fn strings(&self) -> Vec<String> {
        self.values.iter().map(Arg::as_text).collect()
    }
}

/// A command ready to run: its table entry and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    /// Table entry.
    pub entry: &'static Entry,
    /// Arguments.
    pub args: Args,
    /// Line it came from (0: argv).
    pub line: u32,
}

/// Commands that take a `{ }` block (or a string of commands) as an argument.
fn takes_commands(name: &str) -> bool {
    matches!(
        name,
        "if-shell"
            | "bind-key"
            | "confirm-before"
            | "command-prompt"
            | "display-menu"
            | "display-panes"
            | "run-shell"
            | "set-hook"
            | "set-option"
            | "set-window-option"
            | "choose-tree"
            | "choose-client"
            | "choose-buffer"
    )
}

/// getopt-style parsing of `words[1..]` against `entry` (tmux `args_parse`).
///
/// # Errors
/// `command NAME: unknown flag -X`, `... -X expects an argument`, `... too few arguments (need
/// at least N)`, `... too many arguments (need at most N)`, or `usage: NAME USAGE` for `-?`.
pub fn parse_args(entry: &'static Entry, words: &[Arg]) -> Result<Args, String> {
    let mut args = Args::default();
    let fail = |why: String| format!("command {}: {why}", entry.name);
    let mut i = 1;
    let count = words.len();
    'outer: while i < count {
        let Arg::Str(s) = &words[i] else { break };
        let b = s.as_bytes();
        if b.first() != Some(&b'-') || b.len() == 1 {
            break;
        }
        i += 1;
        if s == "--" {
            break;
        }
        let mut k = 1;
        while k < b.len() {
            let flag = b[k] as char;
            k += 1;
            if flag == '?' {
                return Err(format!("usage: {} {}", entry.name, entry.usage));
            }
            if !flag.is_ascii_alphanumeric() {
                return Err(fail(format!("invalid flag -{flag}")));
            }
            let Some(pos) = entry.getopt.find(flag) else {
                return Err(fail(format!("unknown flag -{flag}")));
            };
            let rest = &entry.getopt.as_bytes()[pos + 1..];
            if rest.first() != Some(&b':') {
                args.flags.push((flag, None));
                continue;
            }
            let optional = rest.get(1) == Some(&b':');
            if k < b.len() {
                args.flags.push((flag, Some(s[k..].to_owned())));
                continue 'outer;
            }
            if i == count {
                if optional {
                    args.flags.push((flag, None));
                    continue;
                }
                return Err(fail(format!("-{flag} expects an argument")));
            }
            let v = match &words[i] {
                Arg::Str(v) => v.clone(),
                Arg::Block(_) => return Err(fail(format!("-{flag} argument must be a string"))),
            };
            i += 1;
            args.flags.push((flag, Some(v)));
            continue 'outer;
        }
    }
    for (n, w) in words[i.min(count)..].iter().enumerate() {
        if matches!(w, Arg::Block(_)) && !takes_commands(entry.name) {
            return Err(fail(format!("argument {} must be \"string\"", n + 1)));
        }
        args.values.push(w.clone());
    }
    let n = args.values.len() as i32;
    if entry.lower != -1 && n < entry.lower {
        return Err(fail(format!(
            "too few arguments (need at least {})",
            entry.lower
        )));
    }
    if entry.upper != -1 && n > entry.upper {
        return Err(fail(format!(
            "too many arguments (need at most {})",
            entry.upper
        )));
    }
    Ok(args)
}

/// Looks up and parses parsed commands, expanding the default aliases (tmux
/// `cmd_parse_build_commands`).
///
/// # Errors
/// The first lookup or argument error, prefixed `FILE:LINE: ` when `file` is given.
pub fn build(cmds: &[Command], file: Option<&str>) -> Result<Vec<Cmd>, String> {
    let mut out = Vec::new();
    for c in cmds {
        let at = |e: String| match file {
            Some(f) => format!("{f}:{}: {e}", c.line),
            None => e,
        };
        let Some(Arg::Str(name)) = c.args.first() else {
            continue;
        };
        let mut words = c.args.clone();
        if let Some((_, expansion)) = DEFAULT_ALIASES.iter().find(|(a, _)| a == name) {
            let mut exp: Vec<Arg> = expansion
                .split(' ')
                .map(|w| Arg::Str(w.to_owned()))
                .collect();
            exp.extend(words.drain(1..));
            words = exp;
        }
        let Some(Arg::Str(name)) = words.first() else {
            continue;
        };
        let entry = find(name).map_err(at)?;
        let args = parse_args(entry, &words).map_err(at)?;
        out.push(Cmd {
            entry,
            args,
            line: c.line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(v: &[&str]) -> Vec<Arg> {
        v.iter().map(|s| Arg::Str(s.to_string())).collect()
    }

    #[test]
    fn every_command_is_there() {
        assert_eq!(ENTRIES.len(), 90);
        for e in ENTRIES {
            assert_eq!(find(e.name).map(|f| f.name), Ok(e.name));
            if let Some(a) = e.alias {
                assert_eq!(find(a).map(|f| f.name), Ok(e.name), "{a}");
            }
        }
    }

    #[test]
    fn lookup() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("neww", Ok("new-window")),
            ("new", Ok("new-session")),
            ("splitw", Ok("split-window")),
            ("send", Ok("send-keys")),
            ("capturep", Ok("capture-pane")),
            ("lsp", Ok("list-panes")),
            ("ls", Ok("list-sessions")),
            ("kill-ses", Ok("kill-session")),
            ("kill-server", Ok("kill-server")),
            ("has", Ok("has-session")),
            ("display", Ok("display-message")),
            ("set", Ok("set-option")),
            ("setw", Ok("set-window-option")),
            ("show", Ok("show-options")),
            ("list-k", Ok("list-keys")),
            ("attach", Ok("attach-session")),
            ("a", Ok("attach-session")),
            ("selectp", Ok("select-pane")),
            ("nosuch", Err("unknown command: nosuch")),
            (
                "kill",
                Err("ambiguous command: kill, could be: kill-pane, kill-server, kill-session, kill-window"),
            ),
            ("list-", Err("ambiguous command: list-, could be: list-buffers, list-clients, list-commands, list-keys, list-panes, list-sessions, list-windows")),
        ];
        for (name, want) in cases {
            let got = find(name).map(|e| e.name);
            assert_eq!(got, want.map_err(|e| e.to_string()), "{name}");
        }
    }

    #[test]
    fn getopt() {
        let e = find("send-keys").unwrap();
        let a = parse_args(e, &words(&["send", "-t", "w", "echo hi", "C-m"])).unwrap();
        assert_eq!(a.get('t'), Some("w"));
        assert_eq!(a.strings(), vec!["echo hi", "C-m"]);
        let a = parse_args(e, &words(&["send", "-lt%1", "x"])).unwrap();
        assert!(a.has('l'));
        assert_eq!(a.get('t'), Some("%1"));
        let a = parse_args(e, &words(&["send", "-t", "a", "-t", "b", "--", "-x"])).unwrap();
        assert_eq!(a.get('t'), Some("b"));
        assert_eq!(a.strings(), vec!["-x"]);
        let a = parse_args(e, &words(&["send", "-", "x"])).unwrap();
        assert_eq!(a.strings(), vec!["-", "x"]);
        assert_eq!(
            parse_args(e, &words(&["send", "-Z"])),
            Err("command send-keys: unknown flag -Z".into())
        );
        assert_eq!(
            parse_args(e, &words(&["send", "-t"])),
            Err("command send-keys: -t expects an argument".into())
        );
        assert_eq!(
            parse_args(e, &words(&["send", "-%"])),
            Err("command send-keys: invalid flag -%".into())
        );
        let h = find("has").unwrap();
        assert_eq!(
            parse_args(h, &words(&["has", "x"])),
            Err("command has-session: too many arguments (need at most 0)".into())
        );
        let r = find("rename-session").unwrap();
        assert_eq!(
            parse_args(r, &words(&["rename"])),
            Err("command rename-session: too few arguments (need at least 1)".into())
        );
        assert_eq!(
            parse_args(h, &words(&["has", "-?"])),
            Err("usage: has-session [-t target-session]".into())
        );
        let s = find("show-options").unwrap();
        let a = parse_args(s, &words(&["show", "-gv", "history-limit"])).unwrap();
        assert!(a.has('g') && a.has('v'));
        assert_eq!(a.strings(), vec!["history-limit"]);
    }

    #[test]
    fn aliases_expand() {
        let cmds = super::super::parse::split_arguments(&["splitp".into(), "-h".into()]);
        let b = build(&cmds, None).unwrap();
        assert_eq!(b[0].entry.name, "split-window");
        assert!(b[0].args.has('h'));
        let cmds = super::super::parse::split_arguments(&["info".into()]);
        let b = build(&cmds, None).unwrap();
        assert_eq!(b[0].entry.name, "show-messages");
        assert!(b[0].args.has('J') && b[0].args.has('T'));
    }
}
