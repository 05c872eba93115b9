// The one-shot fast path of the command line (issue 9, "CLI start-up").
//
// Building clap's grammar for ~90 commands is most of a one-shot command's own work: about
// 1.07 M of the 1.57 M instructions of `tidemux send -t %5 x` (callgrind, release build), the
// rest being the dynamic loader and the request itself. The commands that scripts run in tight
// loops, in their plainest forms, are recognised here by hand and turned into the very same
// [`Cli`] value clap would build; anything else (another flag, `--json`, a text that starts with
// `-`, an attached option value, help) returns `None` and goes through clap as before.
// The test below checks, form by form, that this parser and clap agree exactly.

use crate::cli::{Cli, Command, ReadScreenArgs, ServerArgs, TargetArg};
use std::ffi::OsString;
use std::path::PathBuf;

/// What the fast path recognised.
#[derive(Debug)]
pub enum Fast {
    /// `-V` / `--version` alone: print `tidemux VERSION` (clap's exact output).
    Version,
    /// A command line clap would parse to this value (boxed: a `Cli` is large).
    Cli(Box<Cli>),
}

/// Recognises the plain forms of `send`, `read-screen`/`capture`, `list-panes`/`lsp`, a bare
/// `server` and `-V`; `None` for every other command line (then clap parses it).
pub fn parse(argv: &[OsString]) -> Option<Fast> {
    let mut args = argv
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<Vec<&str>>>()?
        .into_iter();
    let mut socket_path = None;
    let mut socket_name = None;
    let sub = loop {
        match args.next()? {
            "-V" | "--version" if args.len() == 0 => return Some(Fast::Version),
            "-S" if socket_path.is_none() => {
                socket_path = Some(PathBuf::from(value(args.next()?)?))
            }
            "-L" if socket_name.is_none() => socket_name = Some(value(args.next()?)?.to_owned()),
            other => break other,
        }
    };
    let rest: Vec<&str> = args.collect();
    let command = match sub {
        "send" => send(&rest)?,
        "read-screen" | "capture" => read_screen(&rest)?,
        "list-panes" | "lsp" => list_panes(&rest)?,
        // The server as the client starts it (`-S SOCKET server`): building clap's grammar
        // there touched code and read-only data that then stayed resident in the server for
        // its whole life (issue 9, row F).
        "server" if rest.is_empty() => Command::Server(ServerArgs {
            log_file: None,
            resurrect: None,
            tmux: false,
            tmux_config: Vec::new(),
        }),
        _ => return None,
    };
    Some(Fast::Cli(Box::new(Cli {
        socket_path,
        socket_name,
        json: false,
        command: Some(command),
        attach: Default::default(),
    })))
}

/// An option's value as clap takes it when it is the next word: anything not starting with
/// `-` (clap would read `-x` as a flag, or as a value only in some cases: leave those to it).
fn value(v: &str) -> Option<&str> {
    (!v.starts_with('-')).then_some(v)
}

/// `-t TARGET` once, plus the flags `flags` each at most once, plus at most `words` positional
/// words (none starting with `-`), in any order, as long as every word is one of these.
fn scan<'a>(rest: &[&'a str], flags: &[&str], words: usize) -> Option<Scan<'a>> {
    let mut s = Scan::default();
    let mut it = rest.iter();
    while let Some(&a) = it.next() {
        if a == "-t" {
            if s.target.is_some() {
                return None;
            }
            s.target = Some(value(it.next()?)?.to_owned());
        } else if let Some(i) = flags.iter().position(|f| *f == a) {
            if s.flags & (1 << i) != 0 {
                return None;
            }
            s.flags |= 1 << i;
        } else if !a.starts_with('-') && s.words.len() < words {
            s.words.push(a);
        } else {
            return None;
        }
    }
    Some(s)
}

#[derive(Default)]
struct Scan<'a> {
    target: Option<String>,
    flags: u32,
    words: Vec<&'a str>,
}

fn send(rest: &[&str]) -> Option<Command> {
    let s = scan(rest, &["--enter"], 1)?;
    // No text means standard input or an error: clap's business.
    let text = s.words.first()?.to_string();
    Some(Command::Send {
        target: TargetArg { target: s.target },
        enter: s.flags & 1 != 0,
        submit: false,
        submit_delay: 150,
        wait_text: None,
        wait_idle: None,
        timeout: None,
        read: false,
        file: None,
        stdin: false,
        when: Default::default(),
        text: vec![text],
    })
}

fn read_screen(rest: &[&str]) -> Option<Command> {
    let s = scan(rest, &["--ansi"], 0)?;
    Some(Command::ReadScreen(ReadScreenArgs {
        target: TargetArg { target: s.target },
        lines: None,
        history: false,
        start: None,
        end: None,
        ansi: s.flags & 1 != 0,
        file: None,
    }))
}

fn list_panes(rest: &[&str]) -> Option<Command> {
    let s = scan(rest, &["-a"], 0)?;
    Some(Command::ListPanes {
        target: TargetArg { target: s.target },
        all: s.flags & 1 != 0,
        fmt: Default::default(),
        closed: false,
    })
}

/// Clap's `-V` output (`#[command(version)]`: the package name and version).
pub fn version_line() -> String {
    format!("tidemux {}\n", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<OsString> {
        std::iter::once("tidemux")
            .chain(s.iter().copied())
            .map(OsString::from)
            .collect()
    }

    /// Every form the fast path takes gives exactly clap's value; the forms it must leave to
    /// clap are left.
    #[test]
    fn the_fast_path_agrees_with_clap() {
        let taken: &[&[&str]] = &[
            &["send", "-t", "%5", "x"],
            &["send", "x", "-t", "%5"],
            &["send", "-t", "work", "--enter", "make test"],
            &["send", "--enter", "-t", "w:1.2", ""],
            &["send", "hello world"],
            &["-S", "/tmp/s", "send", "-t", "%1", "x"],
            &["-L", "n", "-S", "/tmp/s", "send", "-t", "%1", "x"],
            &["read-screen", "-t", "%5"],
            &["capture", "--ansi", "-t", "%5"],
            &["read-screen"],
            &["-S", "/s", "list-panes", "-a"],
            &["lsp", "-t", "work"],
            &["list-panes"],
            &["list-panes", "-t", "w", "-a"],
            &["-S", "/tmp/s", "server"],
            &["server"],
        ];
        for a in taken {
            let v = argv(a);
            let fast = match parse(&v) {
                Some(Fast::Cli(c)) => *c,
                other => panic!("{a:?}: not taken: {other:?}"),
            };
            let clap = crate::cli::parse_args(v.clone()).expect("clap parses it");
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{a:?}");
        }
        let left: &[&[&str]] = &[
            &["send", "-t", "%5"],
            &["send", "-t", "%5", "-"],
            &["send", "-t", "%5", "a", "b"],
            &["send", "-t", "%5", "--", "-x"],
            &["send", "--json", "-t", "%5", "x"],
            &["send", "-t", "%5", "--enter", "--enter", "x"],
            &["send", "-t%5", "x"],
            &["send", "-t", "-x", "x"],
            &["send", "-t", "%5", "--submit", "x"],
            &["read-screen", "-t", "%5", "--lines", "5"],
            &["read-screen", "-t", "%5", "-t", "%6"],
            &["list-panes", "-a", "-F", "#{pane_id}"],
            &["list-panes", "--closed"],
            &["-S", "/s", "server", "--log-file", "/tmp/l"],
            &["server", "--tmux"],
            &["list-panes", "--help"],
            &["--json", "list-panes"],
            &["-S"],
            &["-S", "/s", "-S", "/t", "list-panes"],
            &["new-session", "-d"],
            &["-V", "list-panes"],
            &[],
        ];
        for a in left {
            assert!(parse(&argv(a)).is_none(), "{a:?} must go to clap");
        }
        assert!(matches!(parse(&argv(&["-V"])), Some(Fast::Version)));
        assert!(matches!(parse(&argv(&["--version"])), Some(Fast::Version)));
        let e = crate::cli::parse_args(argv(&["-V"])).expect_err("clap prints the version");
        assert_eq!(e.to_string(), version_line());
    }
}
