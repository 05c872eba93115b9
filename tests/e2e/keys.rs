//! Key tables and hooks: `list-keys` compared with tmux 3.3a side by side (defaults, notes,
//! after the same bind/unbind steps), bind/unbind round trips and tmux's errors, and the real
//! attach client (in a pane of a second server) following the server's `prefix` option and
//! bindings.

use crate::attach::{status, Rig};
use crate::formats::Tmux;
use crate::support::Server;

/// The same steps on tidemux and tmux give the same `list-keys` output.
#[test]
fn list_keys_matches_tmux() {
    let s = Server::new();
    s.start("k", &[]);
    let Some(t) = Tmux::new() else { return };
    t.ok(&["new-session", "-d", "-s", "k", "-x", "80", "-y", "24"]);
    let both = |args: &[&str]| {
        let ours = s.run(args);
        let theirs = t.run(args);
        assert_eq!(
            ours.code == 0,
            theirs.code == 0,
            "{args:?}: {ours:?} vs {theirs:?}"
        );
        assert_eq!(ours.stdout, theirs.stdout, "{args:?}");
        ours
    };
    for args in [
        &["list-keys"][..],
        &["list-keys", "-N"],
        &["list-keys", "-T", "copy-mode-vi"],
        &["list-keys", "-T", "root"],
        &["list-keys", "-N", "-T", "prefix"],
        &["list-keys", "-aN", "-T", "copy-mode"],
        &["list-keys", "-N", "-P", ">> "],
        &["list-keys", "C-Up"],
        &["list-keys", "-T", "prefix", "\""],
    ] {
        both(args);
    }
    // The same changes on both.
    for args in [
        &[
            "bind-key",
            "-r",
            "-N",
            "Make a window",
            "M-a",
            "new-window",
            "-d",
        ][..],
        &["bind-key", "-n", "F5", "split-window", "-h"],
        &["bind-key", "-T", "mine", "é", "kill-session"],
        &["bind-key", "-T", "mine", "C-M-x", "detach-client"],
        &["unbind-key", "C-o"],
        &["unbind-key", "-n", "MouseDown1Pane"],
        &["unbind-key", "-a", "-T", "copy-mode"],
    ] {
        both(args);
    }
    for args in [
        &["list-keys"][..],
        &["list-keys", "-N"],
        &["list-keys", "-T", "mine"],
        &["list-keys", "M-a"],
    ] {
        both(args);
    }
    // Errors: tmux's messages, non-zero exit, nothing changed.
    for (args, message) in [
        (
            &["list-keys", "-T", "copy-mode"][..],
            "table copy-mode doesn't exist",
        ),
        (&["list-keys", "Foo"], "invalid key: Foo"),
        (&["list-keys", "F9"], "unknown key: F9"),
        (
            &["unbind-key", "-T", "nope", "x"],
            "table nope doesn't exist",
        ),
        (&["unbind-key", "-a", "x"], "key given with -a"),
    ] {
        let theirs = t.run(args);
        assert_ne!(theirs.code, 0, "tmux {args:?}");
        assert!(theirs.stderr.contains(message), "tmux {args:?}: {theirs:?}");
        let ours = s.run(args);
        assert_ne!(ours.code, 0, "{args:?}");
        assert!(ours.stderr.contains(message), "{args:?}: {ours:?}");
    }
    both(&["list-keys"]);
}

/// bind-key / unbind-key round trip, notes, user tables, --json and bad input.
#[test]
fn bind_unbind_round_trip() {
    let s = Server::new();
    s.start("k", &[]);
    s.ok(&[
        "bind-key",
        "-N",
        "Say hi",
        "-T",
        "mine",
        "h",
        "display-message 'hi there'",
    ]);
    // Printed as tmux prints it (the parsed command, tmux's quoting).
    assert_eq!(
        s.ok(&["list-keys", "-T", "mine"]),
        "bind-key -T mine h display-message \"hi there\"\n"
    );
    assert_eq!(s.ok(&["list-keys", "-N", "-T", "mine"]), "h Say hi\n");
    // A bind without a command changes only the note.
    s.ok(&["bind-key", "-N", "Greet", "-T", "mine", "h"]);
    assert_eq!(s.ok(&["list-keys", "-N", "-T", "mine"]), "h Greet\n");
    let v = s.json(&["list-keys", "-T", "mine"]);
    assert_eq!(
        v,
        serde_json::json!(["bind-key -T mine h display-message \"hi there\""])
    );
    // Rebinding a default key replaces it; unbinding removes it.
    s.ok(&["bind-key", "c", "split-window"]);
    assert_eq!(
        s.ok(&["list-keys", "-T", "prefix", "c"]),
        "bind-key -T prefix c split-window\n"
    );
    s.ok(&["unbind-key", "c"]);
    let o = s.run(&["list-keys", "-T", "prefix", "c"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("unknown key: c"), "{o:?}");
    // The last key of a user table takes the table with it.
    s.ok(&["unbind-key", "-T", "mine", "h"]);
    let o = s.run(&["list-keys", "-T", "mine"]);
    assert!(o.stderr.contains("table mine doesn't exist"), "{o:?}");
    // Bad keys are refused with the valid forms, nothing bound.
    let before = s.ok(&["list-keys"]);
    let o = s.run(&["bind-key", "Foo", "new-window"]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains("unknown key: Foo") && o.stderr.contains("F1..F12"),
        "{o:?}"
    );
    assert_eq!(s.ok(&["list-keys"]), before);
}

/// The attach client takes the prefix and bindings from the server: after `set -g prefix M-a`
/// and a binding of `X`, M-a X does what X is bound to, and C-b is an ordinary key.
#[test]
fn client_follows_prefix_and_bindings() {
    let rig = Rig::new();
    rig.inner.ok(&["set-option", "-g", "prefix", "M-a"]);
    rig.inner.ok(&["bind-key", "X", "split-window", "-h"]);
    rig.attach("c", 80, 24, &[]);
    assert_eq!(rig.panes("work").len(), 1);
    rig.keys("c", &["M-a", "X"]);
    crate::support::wait_until(crate::support::DEADLINE, || rig.panes("work").len() == 2);
    assert_eq!(rig.panes("work").len(), 2, "M-a X split the window");
    // C-b c now reaches the pane (no new window).
    rig.keys("c", &["C-b", "c"]);
    rig.keys("c", &["M-a", "d"]);
    rig.assert_exited_with("c", "[detached (from session work)]");
    assert_eq!(rig.windows().len(), 1, "C-b is no longer the prefix");
}

/// A binding changed while the client runs takes effect without reattaching; so does the
/// status line's position and style.
#[test]
fn client_refreshes_on_change() {
    let rig = Rig::new();
    rig.attach("c", 80, 24, &[]);
    rig.inner.ok(&["bind-key", "-n", "F5", "new-window"]);
    rig.inner
        .ok(&["set-option", "-g", "status-position", "top"]);
    rig.wait_rows("c", "the status line at the top", |r| {
        r.first().is_some_and(|l| l.starts_with("[work] ")) && !status(r).starts_with("[work] ")
    });
    rig.keys("c", &["F5"]);
    crate::support::wait_until(crate::support::DEADLINE, || rig.windows().len() == 2);
    assert_eq!(rig.windows().len(), 2, "F5 (root table) made a window");
    rig.inner.ok(&["set-option", "-g", "status", "off"]);
    rig.wait_rows("c", "no status line", |r| {
        !r.iter().any(|l| l.starts_with("[work] "))
    });
    rig.keys("c", &["C-b", "d"]);
    rig.assert_exited_with("c", "[detached (from session work)]");
}

/// Hooks set with `set-hook` run once each, in the order their events happened, and commands
/// run by a hook fire no hooks of their own.
#[test]
fn hooks_fire_once_in_order() {
    let s = Server::new();
    s.start("main", &[]);
    let log = s.dir.path().join("hooks.log");
    let logs = log.to_str().expect("utf-8 path");
    let hook = |name: &str, flags: &str| {
        let cmd = format!("run-shell \"echo {name} >> '{logs}'\"");
        s.ok(&["set-hook", flags, name, &cmd]);
    };
    for h in [
        "session-created",
        "after-new-session",
        "after-new-window",
        "window-renamed",
        "after-rename-window",
        "after-split-window",
        "pane-exited",
        "session-closed",
        "after-select-window",
    ] {
        hook(h, "-g");
    }
    // A second command on one hook runs after the first.
    s.ok(&[
        "set-hook",
        "-ga",
        "after-new-window",
        &format!("run-shell \"echo after-new-window-2 >> '{logs}'\""),
    ]);
    // A hook's own commands fire no after- hooks (tmux CMDQ_STATE_NOHOOKS): this
    // select-window logs no after-select-window.
    s.ok(&[
        "set-hook",
        "-ga",
        "after-split-window",
        "select-window -t two:1",
    ]);
    assert_eq!(
        s.ok(&["show-hooks", "-g", "after-new-window"]),
        format!(
            "after-new-window[0] run-shell \"echo after-new-window >> '{logs}'\"\nafter-new-window[1] run-shell \"echo after-new-window-2 >> '{logs}'\"\n"
        )
    );
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "two",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    s.ok(&[
        "new-window",
        "-d",
        "-t",
        "two",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    s.ok(&["rename-window", "-t", "two:1", "w"]);
    let p = s.ok(&[
        "split-window",
        "-d",
        "-t",
        "two:1",
        "--",
        "sh",
        "-c",
        "read x",
    ]);
    s.ok(&["send", "-t", p.trim(), "--enter", "bye"]);
    // Wait until the pane's exit was logged before closing the session (the order of the two
    // is then fixed).
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        crate::support::wait_until(crate::support::DEADLINE, || read().contains("pane-exited")),
        "pane-exited never ran: {}",
        read()
    );
    s.ok(&["kill-session", "-t", "two"]);
    assert!(
        crate::support::wait_until(crate::support::DEADLINE, || read()
            .contains("session-closed")),
        "session-closed never ran: {}",
        read()
    );
    let got: Vec<String> = read().lines().map(str::to_owned).collect();
    assert_eq!(
        got,
        [
            "session-created",
            "after-new-session",
            "after-new-window",
            "after-new-window-2",
            "window-renamed",
            "after-rename-window",
            "after-split-window",
            "pane-exited",
            "session-closed",
        ],
        "hooks ran once each, in order"
    );
    // -u empties a global hook; -R runs one now.
    s.ok(&["set-hook", "-gu", "after-new-window"]);
    assert_eq!(
        s.ok(&["show-hooks", "-g", "after-new-window"]),
        "after-new-window\n"
    );
    s.ok(&["set-hook", "-R", "-t", "main", "session-closed"]);
    assert!(
        crate::support::wait_until(crate::support::DEADLINE, || read().lines().count() == 10),
        "set-hook -R did not run the hook: {}",
        read()
    );
    let o = s.run(&["set-hook", "-g", "no-such-hook", "list-keys"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("invalid option: no-such-hook"), "{o:?}");
    let o = s.run(&["set-hook", "-g", "after-new-window", "no-such-command"]);
    assert!(
        o.stderr.contains("unknown command: no-such-command"),
        "{o:?}"
    );
}

/// A config file (read at server start) with `set -g prefix M-a` and a binding the server
/// runs: in the real client, M-a X runs the binding, M-a c makes a window, C-b is an ordinary
/// key.
#[test]
fn config_file_prefix_and_binding_take_effect() {
    let rig = Rig::empty();
    let conf = rig.inner.dir.path().join("test.conf");
    std::fs::write(
        &conf,
        "# a tmux config\nset -g prefix M-a\nbind-key X rename-window -t work:0 bound \\; display-message done\n",
    )
    .expect("write config");
    let sock = rig.sock().to_owned();
    rig.inner.ok(&[
        "tmux",
        "-S",
        &sock,
        "-f",
        conf.to_str().expect("utf-8"),
        "new-session",
        "-d",
        "-s",
        "work",
        "bash --norc --noprofile",
    ]);
    rig.inner.wait_prompt("work");
    assert_eq!(
        rig.inner.ok(&["list-keys", "X"]).lines().last(),
        Some("bind-key -T prefix       X rename-window -t work:0 bound \\; display-message done")
    );
    rig.attach("c", 80, 24, &[]);
    rig.keys("c", &["M-a", "X"]);
    assert!(
        crate::support::wait_until(crate::support::DEADLINE, || rig.windows()[0]["name"]
            == "bound"),
        "M-a X did not run the binding: {:?}",
        rig.windows()
    );
    rig.keys("c", &["C-b", "c"]);
    rig.keys("c", &["M-a", "c"]);
    assert!(
        crate::support::wait_until(crate::support::DEADLINE, || rig.windows().len() == 2),
        "M-a c did not make a window: {:?}",
        rig.windows()
    );
    rig.keys("c", &["M-a", "d"]);
    rig.assert_exited_with("c", "[detached (from session work)]");
    assert_eq!(rig.windows().len(), 2, "C-b c made no window");
}

/// `unbind-key -q` of a missing table, an unknown key or `-a` with a key succeeds silently
/// (tmux 3.3a: no message, exit 0); without `-q` the same give tmux's error text.
#[test]
fn unbind_quiet_is_silent_like_tmux() {
    let s = Server::new();
    s.start("k", &[]);
    let t = Tmux::new();
    if let Some(t) = &t {
        t.ok(&["new-session", "-d", "-s", "k", "-x", "80", "-y", "24"]);
    }
    let before = s.ok(&["list-keys"]);
    for args in [
        &["unbind-key", "-q", "-T", "nosuch", "F7"][..],
        &["unbind-key", "-q", "Foo_bar"],
        &["unbind-key", "-q", "-a", "F7"],
        &["unbind-key", "-q", "F7"],
    ] {
        let o = s.run(args);
        assert_eq!(
            (o.code, o.stdout.as_str(), o.stderr.as_str()),
            (0, "", ""),
            "{args:?}"
        );
        if let Some(t) = &t {
            let theirs = t.run(args);
            assert_eq!(
                (theirs.code, theirs.stderr.as_str()),
                (0, ""),
                "tmux {args:?}"
            );
        }
    }
    assert_eq!(s.ok(&["list-keys"]), before, "-q changed the tables");
    for (args, text) in [
        (
            &["unbind-key", "-T", "nosuch", "F7"][..],
            "table nosuch doesn't exist",
        ),
        (&["unbind-key", "Foo_bar"], "unknown key: Foo_bar"),
    ] {
        let o = s.run(args);
        assert_ne!(o.code, 0, "{args:?}");
        assert!(o.stderr.contains(text), "{args:?}: {o:?}");
        if let Some(t) = &t {
            let theirs = t.run(args);
            assert_ne!(theirs.code, 0, "tmux {args:?}");
            assert!(theirs.stderr.contains(text), "tmux {args:?}: {theirs:?}");
        }
    }
}
