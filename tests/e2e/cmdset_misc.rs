//! kill-* -a, next-window/previous-window, new-session -A, display-panes, refresh-client:
//! the same steps on tidemux and tmux 3.3a give the same listings.

use crate::formats::Tmux;
use crate::support::Server;

#[test]
fn kill_others_and_window_cycling_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    for sess in ["a", "b", "c"] {
        s.start(sess, &["cat"]);
        t.ok(&["new-session", "-d", "-s", sess, "cat"]);
    }
    let tidemux_and_tmux = |args: &[&str], spawn: bool| {
        let mut ours: Vec<&str> = args.to_vec();
        if spawn {
            ours.extend(["--", "cat"]);
        }
        let mut theirs: Vec<&str> = args.to_vec();
        if spawn {
            theirs.push("cat");
        }
        (s.ok(&ours), t.ok(&theirs))
    };
    for _ in 0..3 {
        tidemux_and_tmux(&["new-window", "-d", "-t", "a"], true);
        tidemux_and_tmux(&["split-window", "-d", "-t", "a:0"], true);
    }
    let listing = [
        "list-windows",
        "-a",
        "-F",
        "#S:#I #{window_active} #{window_panes}",
    ];
    let steps: &[(&[&str], bool)] = &[
        (&["next-window", "-t", "a"], false),
        (&["next-window", "-t", "a"], false),
        (&["previous-window", "-t", "a"], false),
        (&["previous-window", "-t", "a"], false),
        (&["previous-window", "-t", "a"], false),
        (&["kill-pane", "-a", "-t", "a:0.1"], false),
        (&["kill-window", "-a", "-t", "a:2"], false),
        (&["kill-session", "-a", "-t", "b"], false),
    ];
    for (step, spawn) in steps {
        tidemux_and_tmux(step, *spawn);
        let (a, b) = (s.ok(&listing), t.ok(&listing));
        assert_eq!(a, b, "after {step:?}");
    }
    assert_eq!(s.ok(&["list-sessions", "-F", "#S"]), "b\n");
    // Accepted without an attached client (tmux needs one; they draw nothing in scripts).
    s.ok(&["display-panes"]);
    s.ok(&["refresh-client", "-S"]);
}

#[test]
fn new_session_a_attaches_or_creates() {
    let s = Server::new();
    s.start("w", &["cat"]);
    // Exists: nothing is created; -P prints it.
    assert_eq!(
        s.ok(&["new-session", "-A", "-d", "-s", "w", "-P", "--", "cat"]),
        "w:\n"
    );
    assert_eq!(
        s.ok(&["list-sessions", "-F", "#S #{session_windows}"]),
        "w 1\n"
    );
    // Does not exist: created as usual.
    s.ok(&["new-session", "-A", "-d", "-s", "x", "--", "cat"]);
    assert_eq!(s.ok(&["list-sessions", "-F", "#S"]), "w\nx\n");
    // Without -A an existing name is still an error.
    assert_eq!(
        s.run(&["new-session", "-d", "-s", "w", "--", "cat"]).code,
        1
    );
}

#[test]
fn run_shell_prints_output_and_exits_with_the_status() {
    let s = Server::new();
    let dir = s.dir.path().to_str().expect("utf-8 temp dir").to_owned();
    s.ok(&["new-session", "-d", "-s", "w", "-c", &dir, "--", "cat"]);
    // Expanded as a format for the target; runs in the target pane's directory.
    let o = s.run(&[
        "run-shell",
        "-t",
        "w",
        "echo #{session_name}; pwd; echo oops >&2; exit 3",
    ]);
    assert_eq!(o.code, 3, "{o:?}");
    assert_eq!(o.stdout, format!("w\n{dir}\noops\n"));
    assert!(o.stderr.contains("returned 3"), "{o:?}");
    assert_eq!(s.run(&["run-shell", "kill -9 $$"]).code, 137);
    // -b returns at once; the command runs after -d.
    let flag = s.dir.path().join("bg");
    let cmd = format!("touch '{}'", flag.display());
    s.ok(&["run-shell", "-b", "-d", "0.1", &cmd]);
    assert!(crate::support::wait_until(crate::support::DEADLINE, || {
        flag.exists()
    }));
    assert_eq!(
        s.json(&["run-shell", "printf x"]),
        serde_json::json!({"output": "x", "code": 0, "signal": null})
    );
    assert_eq!(s.run(&["run-shell", "-C", "list-sessions"]).code, 1);
}
