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
