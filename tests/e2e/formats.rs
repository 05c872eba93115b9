//! Formats (`display-message -p`, `list-* -F/-f`, `-P -F`) compared with tmux 3.3a driven
//! through the same steps side by side (when tmux is installed; on a private socket in the
//! test's temp dir, killed at the end).

use crate::support::{wait_until, Server, DEADLINE};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A private tmux server (`-S` in a temp dir, no config), killed on drop.
pub struct Tmux {
    _dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Tmux {
    /// `None` when tmux is not installed (the comparison is then skipped, with a note).
    pub fn new() -> Option<Self> {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("tmux not installed: comparison skipped");
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("tidemux-tmux")
            .tempdir()
            .ok()?;
        let socket = dir.path().join("tmux.sock");
        Some(Tmux { _dir: dir, socket })
    }

    /// Runs `tmux -S SOCK -f /dev/null ARGS`; returns stdout, asserting success.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.code, 0, "tmux {args:?}: {o:?}");
        o.stdout
    }

    /// The socket path.
    pub fn socket(&self) -> &std::path::Path {
        &self.socket
    }

    /// Runs `tmux -S SOCK -f /dev/null ARGS`.
    pub fn run(&self, args: &[&str]) -> crate::support::Out {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .env("SHELL", "/bin/sh")
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
            .into()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .stderr(Stdio::null())
            .status();
    }
}

/// Runs the same command on both; returns (tidemux, tmux) stdout.
fn both(s: &Server, t: &Tmux, args: &[&str]) -> (String, String) {
    (s.ok(args), t.ok(args))
}

const BASH: &[&str] = &["bash", "--norc", "--noprofile"];

/// Variables and modifiers whose values do not depend on timing, compared after the same
/// splits on both servers.
const COMPARED: &[&str] = &[
    "#{session_name}|#{session_id}|#{session_windows}|#{session_many_attached}",
    "#{window_index}|#{window_id}|#{window_panes}|#{window_width}x#{window_height}",
    "#{window_active}|#{window_flags}|#{window_zoomed_flag}|#{window_start_flag}|#{window_end_flag}",
    "#{window_layout}",
    "#{window_visible_layout}",
    "#{pane_id}|#{pane_index}|#{pane_width}x#{pane_height}|#{pane_active}",
    "#{pane_left},#{pane_top},#{pane_right},#{pane_bottom}",
    "#{pane_at_left}#{pane_at_right}#{pane_at_top}#{pane_at_bottom}",
    "#{pane_dead}|#{pane_in_mode}|#{pane_current_command}|#{pane_current_path}",
    "#{alternate_on}|#{cursor_flag}|#{keypad_flag}|#{keypad_cursor_flag}",
    "#{host}|#{host_short}|#{user}|#{uid}",
    "#S:#I.#P #D",
    "#{=3:session_name}|#{=-2:pane_current_command}|#{n:window_layout}",
    "#{W:#{window_index}:#{window_panes} }",
    "#{P:#{pane_id}=#{pane_width} ,[#{pane_id}] }",
    "#{S:#{session_name};}",
    "#{?pane_active,active,idle}|#{?#{==:#{pane_index},1},one,other}",
    "#{e|*|:#{pane_width},#{pane_height}}|#{e|+|f|1:#{pane_left},0.5}",
    "#{m:*sh,#{pane_current_command}}|#{m/r:^[0-9]+$,#{pane_pid}}",
    "#{N:#{window_name}}|#{N/s:fmt}|#{N/s:other}",
    "#{b:pane_current_path}|#{d:pane_current_path}",
    "#{s/[0-9]+/N/:window_layout}",
    "#{nonexistent}|#{?nonexistent,y,n}",
];

#[test]
fn variables_and_modifiers_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    let cwd = s.dir.path().to_str().expect("utf-8 temp dir").to_owned();
    let mut new = vec![
        "new-session",
        "-d",
        "-s",
        "fmt",
        "-x",
        "81",
        "-y",
        "25",
        "-c",
        &cwd,
    ];
    s.ok(&[new.as_slice(), &["--"], BASH].concat());
    new.extend(BASH);
    t.ok(&new);
    for split in [
        &["split-window", "-h", "-c", &cwd][..],
        &["split-window", "-v", "-c", &cwd],
        &["split-window", "-t", "%0", "-v", "-c", &cwd],
        &["split-window", "-h", "-t", "%2", "-c", &cwd],
    ] {
        s.ok(&[split, &["--"], BASH].concat());
        t.ok(&[split, BASH].concat());
    }
    // The same foreground command everywhere before comparing.
    for p in ["%0", "%1", "%2", "%3", "%4"] {
        let ready = wait_until(DEADLINE, || {
            let (a, b) = both(
                &s,
                &t,
                &["display-message", "-p", "-t", p, "#{pane_current_command}"],
            );
            a == "bash\n" && b == "bash\n"
        });
        assert!(ready, "bash did not start in {p}");
    }
    let mut bad = Vec::new();
    for target in ["%0", "%1", "%2", "%3", "%4", "fmt", "fmt:0"] {
        for f in COMPARED {
            let (a, b) = both(&s, &t, &["display-message", "-p", "-t", target, f]);
            if a != b {
                bad.push(format!("-t {target} {f}\n  tidemux: {a}  tmux:    {b}"));
            }
        }
    }
    for args in [
        &[
            "list-panes",
            "-F",
            "#{pane_index} #{pane_id} #{pane_width}x#{pane_height}",
        ][..],
        &["list-panes", "-f", "#{pane_at_left}", "-F", "#D"],
        &[
            "list-panes",
            "-a",
            "-F",
            "#{session_name}:#{window_index}.#{pane_index}",
        ],
        &[
            "list-windows",
            "-F",
            "#{window_index} #{window_layout} #{window_flags}",
        ],
        &["list-sessions", "-F", "#{session_name} #{session_windows}"],
        &[
            "list-sessions",
            "-f",
            "#{==:#{session_name},nope}",
            "-F",
            "#S",
        ],
    ] {
        let (a, b) = both(&s, &t, args);
        if a != b {
            bad.push(format!("{args:?}\n  tidemux: {a}  tmux:    {b}"));
        }
    }
    // -P -F on a new window and a split.
    let (a, b) = both(
        &s,
        &t,
        &[
            "new-window",
            "-d",
            "-P",
            "-F",
            "#{window_index} #{pane_id} #{window_panes}",
        ],
    );
    if a != b {
        bad.push(format!("new-window -P -F\n  tidemux: {a}  tmux:    {b}"));
    }
    let (a, b) = both(&s, &t, &["split-window", "-d", "-t", "fmt:1", "-P"]);
    if a != b {
        bad.push(format!("split-window -P\n  tidemux: {a}  tmux:    {b}"));
    }
    assert!(bad.is_empty(), "differences from tmux:\n{}", bad.join("\n"));
}

#[test]
fn display_message_and_list_filters() {
    let s = Server::new();
    s.start("alpha", &["cat"]);
    s.start("beta", &["cat"]);
    assert_eq!(
        s.ok(&["display-message", "-p", "-t", "beta", "#S"]),
        "beta\n"
    );
    // -F instead of the argument; strftime runs first as in tmux.
    assert_eq!(
        s.ok(&["display", "-p", "-t", "alpha", "-F", "#{l:%%}#S"]),
        "%alpha\n"
    );
    // Ours: state, seq, name.
    s.ok(&["rename-pane", "-t", "alpha", "worker"]);
    let v = s.json(&[
        "display",
        "-p",
        "-t",
        "worker",
        "#{pane_name} #{pane_state} #{pane_attention}",
    ]);
    let text = v["text"].as_str().expect("text");
    assert!(text.starts_with("worker "), "{text}");
    assert!(text.ends_with(" 0"), "{text}");
    s.ok(&["notify", "-t", "worker", "look"]);
    assert_eq!(
        s.ok(&["display", "-p", "-t", "worker", "#{pane_attention}"]),
        "1\n"
    );
    // -a lists every variable.
    let all = s.ok(&["display", "-a", "-t", "beta"]);
    assert!(all.lines().any(|l| l == "session_name=beta"), "{all}");
    assert!(all.lines().any(|l| l.starts_with("pane_pid=")), "{all}");
    // -f alone filters the usual listing; --json too.
    let ls = s.ok(&["list-sessions", "-f", "#{==:#S,beta}"]);
    assert!(ls.starts_with("beta:") && ls.lines().count() == 1, "{ls}");
    let j = s.json(&["list-sessions", "-f", "#{m:a*,#S}"]);
    assert_eq!(j.as_array().map(Vec::len), Some(1));
    assert_eq!(j[0]["name"], "alpha");
    let j = s.json(&["list-sessions", "-F", "#S"]);
    assert_eq!(j, serde_json::json!(["alpha", "beta"]));
    // A bad target is an error and prints nothing.
    let o = s.run(&["display", "-p", "-t", "nope", "#S"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty());
}

/// Every expression of the engine's tmux table (crates/tidemux-server/src/format/
/// tmux_exprs.txt), through both servers' `display-message -p` with the same user options
/// set by `set-option -g` on each (rows that read the clock are left out).
#[test]
fn expression_table_matches_tmux_live() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("fmt", &["cat"]);
    t.ok(&["new-session", "-d", "-s", "fmt", "cat"]);
    let vars = [
        ("@empty", ""),
        ("@zero", "0"),
        ("@one", "1"),
        ("@name", "hello world"),
        ("@path", "/usr/local/bin/tmux"),
        ("@num", "42"),
        ("@neg", "-7"),
        ("@uni", "héllo wörld 日本"),
        ("@hash", "a#b"),
        ("@sq", "it's $HOME"),
        ("@time", "1700000000"),
        ("@fmt", "#{@name}"),
        ("@pct", "%Y"),
    ];
    for (k, v) in vars {
        both(&s, &t, &["set-option", "-g", k, v]);
    }
    let table = include_str!("../../crates/tidemux-server/src/format/tmux_exprs.txt");
    let mut bad = Vec::new();
    let mut n = 0;
    for e in table.lines().filter(|e| !e.contains('%')) {
        n += 1;
        let (a, b) = both(&s, &t, &["display-message", "-p", e]);
        if a != b {
            bad.push(format!("{e:?}: tidemux {a:?}, tmux {b:?}"));
        }
    }
    assert!(n > 200, "{n}");
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// `display-message` without `-p` shows the text on the status line of the session's attached
/// clients for `-d` ms, then it goes away. The client runs in a pane of a second server.
#[test]
fn display_message_shows_on_attached_clients() {
    let inner = Server::new();
    let outer = Server::new();
    inner.start("work", &["cat"]);
    let sock = inner.socket.to_str().expect("utf-8 socket path");
    outer.ok(&[
        "new-session",
        "-d",
        "-s",
        "o",
        "-x",
        "80",
        "-y",
        "24",
        "--",
        "env",
        "-u",
        "TIDEMUX",
        "-u",
        "TIDEMUX_PANE",
        crate::support::exe(),
        "-S",
        sock,
        "attach",
        "-t",
        "work",
    ]);
    let wait = |re: &str| {
        let o = outer.run(&["wait", "-t", "o", "--text", re, "--timeout", "15"]);
        assert_eq!(
            o.code,
            0,
            "client never drew /{re}/: {o:?}\n{}",
            outer.screen("o")
        );
    };
    wait(r"\[work\]");
    // Nothing printed without -p; strftime runs first (%% is a literal %).
    let o = inner.ok(&[
        "display-message",
        "-t",
        "work",
        "-d",
        "1500",
        "msg #{session_name} 100%%",
    ]);
    assert_eq!(o, "");
    wait("msg work 100%");
    // It expires.
    assert!(
        wait_until(DEADLINE, || !outer.screen("o").contains("msg work")),
        "the message stayed:\n{}",
        outer.screen("o")
    );
    outer.ok(&["kill-session", "-t", "o"]);
}

/// `#{C:...}` searches the visible screen of the pane, `#{c:...}` turns colours into RGB; both
/// as tmux 3.3a.
#[test]
fn pane_search_and_colours_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    let script = "printf 'alpha\\nBeta line\\ngamma 42\\nready\\n'; sleep 30";
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "w",
        "-x",
        "40",
        "-y",
        "10",
        "--",
        "sh",
        "-c",
        script,
    ]);
    t.ok(&[
        "new-session",
        "-d",
        "-s",
        "w",
        "-x",
        "40",
        "-y",
        "10",
        "sh",
        "-c",
        script,
    ]);
    s.wait_text("w", "ready");
    assert!(wait_until(DEADLINE, || t
        .ok(&["capture-pane", "-p", "-t", "w"])
        .contains("ready")));
    for f in [
        "#{C:beta}",
        "#{C/i:beta}",
        "#{C:gamma}",
        "#{C/r:[0-9]+}",
        "#{C/r:^al}",
        "#{C:zzz}",
        "#{C/ri:BETA}",
        "#{c:red}|#{c:brightblue}|#{c:colour100}|#{c:color232}|#{c:default}|#{c:93}|#{c:5}",
    ] {
        let (a, b) = both(&s, &t, &["display-message", "-p", "-t", "w", f]);
        assert_eq!(a, b, "{f}");
    }
}
