//! set-option / show-options compared with tmux 3.3a (same commands on both servers), and the
//! options tidemux acts on.

use crate::formats::Tmux;
use crate::support::{wait_until, Server, DEADLINE};

/// (command, whether it succeeds). Output is compared with tmux's; errors by their message.
const STEPS: &[&str] = &[
    "set -g history-limit 5000",
    "show -gv history-limit",
    "set history-limit 300",
    "show history-limit",
    "show -A history-limit",
    "set -g @foo hello_world",
    "set -g @bar two.words",
    "show -g @foo",
    "set -a -g @foo !",
    "show -gv @foo",
    "set -w mode-keys vi",
    "show -w",
    "show -wv mode-keys",
    "set -g status-left-length 1x",
    "set -g mouse maybe",
    // tidemux's default is `on` (tmux's `off`): start from the same value.
    "set -g mouse off",
    "set -g mouse",
    "show -g mouse",
    "set -g status-l x",
    "set -g nosuch 1",
    "set -q -g nosuch 1",
    "set -g -o @foo x",
    "set -g history-limit[1] 3",
    "set -g update-environment[7] FOO",
    "show -g update-environment",
    "set -gu update-environment",
    "show -g update-environment",
    "set -p remain-on-exit on",
    "show -p",
    "show -pA remain-on-exit",
    "set -s escape-time 10",
    "show -s escape-time",
    "show -s",
    "set -g mode-keys vi",
    "show -gw mode-keys",
    "set -g @x",
    "show -g @nope",
    "show -gq @nope",
    "set -g status-right-length -5",
    "set -wg window-status-format #I:#W",
    "show -gw window-status-format",
    "setw -g pane-base-index 1",
    "showw -g pane-base-index",
    "set -u history-limit",
    "show -A history-limit",
    "show -g",
    "show -gw",
];

#[test]
fn set_and_show_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("w", &["cat"]);
    t.ok(&["new-session", "-d", "-s", "w", "cat"]);
    let mut bad = Vec::new();
    for step in STEPS {
        let args: Vec<&str> = step.split(' ').collect();
        let a = s.run(&args);
        let b = t.run(&args);
        let ours = if a.code == 0 {
            a.stdout.clone()
        } else {
            // "tidemux: set-option: MESSAGE": compare MESSAGE with tmux's line.
            a.stderr.splitn(3, ": ").nth(2).unwrap_or("").to_owned()
        };
        let theirs = if b.code == 0 {
            b.stdout.clone()
        } else {
            b.stderr.clone()
        };
        let ours_cmp = ours
            .split(" (see show-options")
            .next()
            .unwrap_or("")
            .trim_end();
        // default-shell follows $SHELL and tidemux keeps 10,000 lines of history;
        // resurrect-* are tidemux's own server options (docs/continuity.md), sidebar* and
        // notify-forward its own session options (docs/attach.md).
        let strip = |x: &str| {
            x.lines()
                .filter(|l| {
                    !l.starts_with("default-shell ")
                        && !l.starts_with("history-limit ")
                        && !l.starts_with("resurrect-")
                        && !l.starts_with("sidebar")
                        && !l.starts_with("notify-forward ")
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        if (a.code == 0) != (b.code == 0) || strip(ours_cmp) != strip(theirs.trim_end()) {
            bad.push(format!(
                "{step}\n  tidemux ({}): {ours}\n  tmux ({}):    {theirs}",
                a.code, b.code
            ));
        }
    }
    assert!(bad.is_empty(), "differences from tmux:\n{}", bad.join("\n"));
}

#[test]
fn options_act_and_inherit() {
    let s = Server::new();
    s.start("a", &["cat"]);
    // history-limit applies to panes created after it is set.
    s.ok(&["set-option", "-g", "history-limit", "123"]);
    s.ok(&["split-window", "-t", "a", "--", "cat"]);
    assert_eq!(
        s.ok(&["display", "-p", "-t", "a:0.1", "#{history_limit}"]),
        "123\n"
    );
    assert_eq!(s.ok(&["show-options", "-gv", "history-limit"]), "123\n");
    // base-index numbers new windows (and new sessions' first window).
    s.ok(&["set-option", "-g", "base-index", "1"]);
    s.start("b", &["cat"]);
    assert_eq!(s.ok(&["list-windows", "-t", "b", "-F", "#I"]), "1\n");
    s.ok(&["new-window", "-d", "-t", "a", "--", "cat"]);
    assert_eq!(s.ok(&["list-windows", "-t", "a", "-F", "#I"]), "0\n1\n");
    // remain-on-exit (window option, pane overrides) keeps a dead pane.
    let p = s.ok(&[
        "split-window",
        "-t",
        "a:0",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        "read x; exit 3",
    ]);
    let p = p.trim();
    s.ok(&["set-option", "-p", "-t", p, "remain-on-exit", "on"]);
    assert_eq!(
        s.ok(&["show-options", "-pv", "-t", p, "remain-on-exit"]),
        "on\n"
    );
    s.ok(&["send-key", "-t", p, "Enter"]);
    assert!(wait_until(DEADLINE, || {
        s.run(&["display", "-p", "-t", p, "#{pane_dead}:#{pane_dead_status}"])
            .stdout
            == "1:3\n"
    }));
    // Without the option a pane that exits goes away.
    let gone = s.ok(&[
        "split-window",
        "-t",
        "a:0",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        "read x",
    ]);
    let gone = gone.trim();
    s.ok(&["send-key", "-t", gone, "Enter"]);
    assert!(wait_until(DEADLINE, || s
        .run(&["display", "-p", "-t", gone, "#D"])
        .code
        == 1));
    s.ok(&["set-option", "-w", "-t", "a:0", "remain-on-exit", "on"]);
    let q = s.ok(&[
        "split-window",
        "-t",
        "a:0",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        "exit 4",
    ]);
    let q = q.trim();
    assert!(wait_until(DEADLINE, || {
        s.run(&["display", "-p", "-t", q, "#{pane_dead}:#{pane_dead_status}"])
            .stdout
            == "1:4\n"
    }));
    // --remain-on-exit on split-window and new-window (set before the process can exit).
    // (The active pane is 2 rows high by now, too small to split, as in tmux: split %0.)
    let d = s.ok(&[
        "split-window",
        "-t",
        "a:0.0",
        "--remain-on-exit",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        "exit 5",
    ]);
    let d = d.trim();
    assert!(wait_until(DEADLINE, || {
        s.run(&["display", "-p", "-t", d, "#{pane_dead}:#{pane_dead_status}"])
            .stdout
            == "1:5\n"
    }));
    assert_eq!(
        s.ok(&["show-options", "-pv", "-t", d, "remain-on-exit"]),
        "on\n"
    );
    let d = s.ok(&[
        "new-window",
        "-t",
        "b",
        "--remain-on-exit",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        "exit 6",
    ]);
    let d = d.trim();
    assert!(wait_until(DEADLINE, || {
        s.run(&["display", "-p", "-t", d, "#{pane_dead}:#{pane_dead_status}"])
            .stdout
            == "1:6\n"
    }));
    // default-command runs through default-shell when no command is given.
    s.ok(&["set-option", "-g", "default-command", "exec cat"]);
    let c = s.ok(&["new-window", "-t", "b", "-P", "-F", "#D"]);
    let c = c.trim();
    assert!(wait_until(DEADLINE, || {
        s.run(&["display", "-p", "-t", c, "#{pane_current_command}"])
            .stdout
            == "cat\n"
    }));
    // Options read in formats: flags as 1/0, user options from any scope.
    s.ok(&["set-option", "-g", "mouse", "on"]);
    s.ok(&["set-option", "-t", "a", "@who", "me"]);
    assert_eq!(
        s.ok(&["display", "-p", "-t", "a", "#{mouse}#{@who}#{?mouse,y,n}"]),
        "1mey\n"
    );
    // History is bounded (docs/limits.md).
    let o = s.run(&["set-option", "-g", "history-limit", "1000001"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("value is too large: 1000001"), "{o:?}");
    // JSON.
    let v = s.json(&["show-options", "-g", "mouse"]);
    assert_eq!(v, serde_json::json!(["mouse on"]));
    let v = s.json(&["set-option", "-g", "@k", "v"]);
    assert_eq!(v, serde_json::json!({"ok": true}));
}
