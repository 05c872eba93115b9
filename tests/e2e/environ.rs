//! set-environment / show-environment compared with tmux 3.3a, and the environment new panes
//! get (global, then the session's, then -e).

use crate::formats::Tmux;
use crate::support::{wait_until, Server, DEADLINE};

const STEPS: &[&[&str]] = &[
    &["set-environment", "FOO", "bar"],
    &["show-environment", "FOO"],
    &["set-environment", "-r", "GONE"],
    &["show-environment", "GONE"],
    &["show-environment", "-s", "GONE"],
    &["set-environment", "-h", "HID", "secret"],
    &["show-environment", "-h"],
    &["set-environment", "-u", "FOO"],
    &["show-environment", "FOO"],
    &["set-environment", "-g", "GFOO", "a b $x \"q\""],
    &["show-environment", "-g", "GFOO"],
    &["show-environment", "-gs", "GFOO"],
    &["set-environment", ""],
    &["set-environment", "a=b", "c"],
    &["set-environment", "-u", "FOO", "x"],
    &["set-environment", "NOVAL"],
    &["set-environment", "-t", "nope", "X", "y"],
    &["show-environment", "-t", "nope"],
    &["set-environment", "-F", "FMT", "#{session_name}"],
    &["show-environment", "FMT"],
];

#[test]
fn environment_commands_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("w", &["cat"]);
    t.ok(&["new-session", "-d", "-s", "w", "cat"]);
    let mut bad = Vec::new();
    for step in STEPS {
        let a = s.run(step);
        let b = t.run(step);
        let ours = if a.code == 0 {
            a.stdout.clone()
        } else {
            a.stderr.splitn(3, ": ").nth(2).unwrap_or("").to_owned()
        };
        let theirs = if b.code == 0 {
            b.stdout.clone()
        } else {
            b.stderr.clone()
        };
        if (a.code == 0) != (b.code == 0) || ours != theirs {
            bad.push(format!(
                "{step:?}\n  tidemux ({}): {ours}  tmux ({}):    {theirs}",
                a.code, b.code
            ));
        }
    }
    assert!(bad.is_empty(), "differences from tmux:\n{}", bad.join("\n"));
}

#[test]
fn new_panes_get_global_then_session_then_e() {
    let s = Server::new();
    // The server starts with FROM_SERVER in its own environment (the global one at start).
    let o = s
        .command()
        .env("FROM_SERVER", "yes")
        .args(["new-session", "-d", "-s", "w", "--", "cat"])
        .output()
        .expect("new-session");
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        s.ok(&["show-environment", "-g", "FROM_SERVER"]),
        "FROM_SERVER=yes\n"
    );
    s.ok(&["set-environment", "-g", "G1", "global"]);
    s.ok(&["set-environment", "-g", "BOTH", "global"]);
    s.ok(&["set-environment", "-t", "w", "BOTH", "session"]);
    s.ok(&["set-environment", "-t", "w", "S1", "session"]);
    s.ok(&["set-environment", "-t", "w", "E1", "session"]);
    s.ok(&["set-environment", "-t", "w", "-h", "HIDDEN", "x"]);
    s.ok(&["set-environment", "-g", "-u", "FROM_SERVER"]);
    s.ok(&["set-environment", "-t", "w", "-r", "PATH_EXTRA"]);
    let out = s.dir.path().join("env.txt");
    let script = format!(
        "echo \"$G1|$BOTH|$S1|$E1|${{HIDDEN-none}}|${{FROM_SERVER-none}}|$TIDEMUX_PANE\" > '{}'",
        out.display()
    );
    let p = s.ok(&[
        "new-window",
        "-t",
        "w",
        "-e",
        "E1=dash-e",
        "-P",
        "-F",
        "#D",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert!(wait_until(DEADLINE, || std::fs::read_to_string(&out)
        .is_ok_and(|t| t.ends_with('\n'))));
    let got = std::fs::read_to_string(&out).expect("env");
    assert_eq!(
        got,
        format!("global|session|session|dash-e|none|none|{}\n", p.trim())
    );
    // Formats read the environment too (session first).
    assert_eq!(
        s.ok(&["display", "-p", "-t", "w", "#{BOTH}/#{G1}"]),
        "session/global\n"
    );
    let v = s.json(&["show-environment", "-t", "w", "S1"]);
    assert_eq!(v, serde_json::json!(["S1=session"]));
}
