//! Pane commands of issue 11: respawn-pane, respawn-window, pipe-pane, capture-pane (compared
//! with tmux 3.3a side by side), clear-history.

use crate::formats::Tmux;
use crate::support::{wait_until, Server, DEADLINE};

/// `display-message -p FORMAT` for a target.
fn show(s: &Server, target: &str, format: &str) -> String {
    s.ok(&["display-message", "-p", "-t", target, format])
        .trim_end()
        .to_owned()
}

#[test]
fn pipe_pane_captures_every_byte_of_a_seq_run() {
    let s = Server::new();
    let out = s.dir.path().join("piped.txt");
    // The program waits for a line, so the pipe is open before it prints; it stays (cat) so
    // that its last output is not raced by the pane closing.
    s.start("p", &["cat"]);
    s.ok(&[
        "new-window",
        "-t",
        "p",
        "--",
        "sh",
        "-c",
        "read x; seq 1 100000; exec cat",
    ]);
    let cmd = format!("cat > '{}'", out.display());
    s.ok(&["pipe-pane", "-t", "p:1", &cmd]);
    assert_eq!(show(&s, "p:1", "#{pane_pipe}"), "1");
    s.ok(&["send-key", "-t", "p:1", "Enter"]);
    let mut want = String::new();
    for i in 1..=100_000 {
        want.push_str(&i.to_string());
        want.push_str("\r\n");
    }
    let mut got = Vec::new();
    let ok = wait_until(DEADLINE, || {
        got = std::fs::read(&out).unwrap_or_default();
        got.len() >= want.len() + 2 && got.ends_with(b"100000\r\n")
    });
    assert!(ok, "pipe output incomplete: {} bytes", got.len());
    let got = String::from_utf8(got).expect("utf-8");
    // The echo of the Enter comes first, then every line, in order, nothing else.
    assert_eq!(got.strip_prefix("\r\n"), Some(want.as_str()));
    // Closing the pane ends the pipe: cat gets end-of-file and exits.
    s.ok(&["kill-pane", "-t", "p:1"]);
    assert!(wait_until(DEADLINE, || std::process::Command::new("pgrep")
        .args(["-f", &cmd])
        .output()
        .is_ok_and(|o| o.stdout.is_empty())));
}

#[test]
fn pipe_pane_toggles_stops_and_ends_with_its_command() {
    let s = Server::new();
    s.start("t", &["cat"]);
    let out = s.dir.path().join("t.txt");
    let cmd = format!("cat >> '{}'", out.display());
    s.ok(&["pipe-pane", "-o", "-t", "t", &cmd]);
    assert_eq!(show(&s, "t", "#{pane_pipe}"), "1");
    s.ok(&["send", "-t", "t", "--enter", "one"]);
    assert!(wait_until(DEADLINE, || std::fs::read_to_string(&out)
        .is_ok_and(|t| t.contains("one\r\n"))));
    // -o with a pipe open: closes it (toggle).
    s.ok(&["pipe-pane", "-o", "-t", "t", &cmd]);
    assert_eq!(show(&s, "t", "#{pane_pipe}"), "0");
    s.ok(&["send", "-t", "t", "--enter", "two"]);
    s.wait_text("t", "two");
    // Open again, then a bare pipe-pane stops it.
    s.ok(&["pipe-pane", "-t", "t", &cmd]);
    assert_eq!(show(&s, "t", "#{pane_pipe}"), "1");
    s.ok(&["pipe-pane", "-t", "t"]);
    assert_eq!(show(&s, "t", "#{pane_pipe}"), "0");
    s.ok(&["send", "-t", "t", "--enter", "three"]);
    s.wait_text("t", "three");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(!text.contains("two") && !text.contains("three"), "{text:?}");
    // A command that exits ends the pipe.
    s.ok(&["pipe-pane", "-t", "t", "exit 0"]);
    assert!(
        wait_until(DEADLINE, || show(&s, "t", "#{pane_pipe}") == "0"),
        "the pipe did not end with its command"
    );
}

#[test]
fn pipe_pane_input_types_the_commands_output() {
    let s = Server::new();
    s.start("i", &["cat"]);
    s.ok(&["pipe-pane", "-I", "-t", "i", "printf 'typed-by-pipe\\n'"]);
    s.wait_text("i", "typed-by-pipe");
    // A dead pane is refused with tmux's text.
    s.ok(&["new-window", "-t", "i", "--remain-on-exit", "--", "true"]);
    assert!(wait_until(DEADLINE, || show(&s, "i:1", "#{pane_dead}") == "1"));
    let o = s.run(&["pipe-pane", "-t", "i:1", "cat"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("target pane has exited"), "{}", o.stderr);
}

#[test]
fn respawn_pane_refuses_a_live_pane_as_tmux_and_restarts_a_dead_one() {
    let s = Server::new();
    let marker = s.dir.path().join("runs");
    let cmd = format!("echo run >> '{}'; echo started; exec cat", marker.display());
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "r",
        "--remain-on-exit",
        "--",
        "sh",
        "-c",
        &cmd,
    ]);
    s.wait_text("r", "started");
    let o = s.run(&["respawn-pane", "-t", "r"]);
    assert_eq!(o.code, 1);
    let msg = "respawn pane failed: pane r:0.0 still active";
    assert!(o.stderr.contains(msg), "{}", o.stderr);
    if let Some(t) = Tmux::new() {
        t.ok(&["new-session", "-d", "-s", "r", "cat"]);
        let o = t.run(&["respawn-pane", "-t", "r"]);
        assert_eq!(o.code, 1);
        assert_eq!(o.stderr.trim(), msg);
    }
    // The pane's own command runs again, with its history kept.
    s.ok(&["send-key", "-t", "r", "C-d"]);
    assert!(wait_until(DEADLINE, || show(&s, "r", "#{pane_dead}") == "1"));
    let id = show(&s, "r", "#{pane_id}");
    s.ok(&["respawn-pane", "-t", "r"]);
    assert!(wait_until(DEADLINE, || std::fs::read_to_string(&marker)
        .is_ok_and(|t| t == "run\nrun\n")));
    assert_eq!(show(&s, "r", "#{pane_dead}|#{pane_id}"), format!("0|{id}"));
    assert!(
        wait_until(DEADLINE, || s
            .ok(&["capture-pane", "-p", "-S", "-", "-t", "r"])
            .matches("started")
            .count()
            == 2),
        "the history before the respawn is not kept"
    );
    // -k kills what runs; -c and -e apply to the new process.
    let dir = s.dir.path().display().to_string();
    s.ok(&[
        "respawn-pane",
        "-k",
        "-t",
        "r",
        "-c",
        &dir,
        "-e",
        "RESPAWNED=yes",
        "--",
        "sh",
        "-c",
        "echo \"$RESPAWNED:$(pwd)\"; exec cat",
    ]);
    s.wait_text("r", &format!("yes:{dir}"));
    assert_eq!(show(&s, "r", "#{pane_dead}|#{pane_id}"), format!("0|{id}"));
    // The killed process's exit did not close the respawned pane.
    s.ok(&["send", "-t", "r", "--enter", "still-here"]);
    s.wait_text("r", "still-here");
}

#[test]
fn respawn_window_keeps_only_the_first_pane() {
    let s = Server::new();
    s.start("w", &["cat"]);
    s.ok(&["split-window", "-t", "w", "--", "cat"]);
    let o = s.run(&["respawn-window", "-t", "w"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("respawn window failed: window w:0 still active"),
        "{}",
        o.stderr
    );
    s.ok(&[
        "respawn-window",
        "-k",
        "-t",
        "w",
        "--",
        "sh",
        "-c",
        "echo fresh; exec cat",
    ]);
    s.wait_text("w", "fresh");
    assert_eq!(show(&s, "w", "#{window_panes}|#{pane_height}"), "1|24");
}

/// Output whose capture exercises every flag: attributes, colours (indexed, 256, RGB),
/// trailing spaces, a backslash, a wrapped line, a wide character, a coloured blank run, a
/// tab, and history.
const PROGRAM: &str = r#"printf '\033[1;31mbold red\033[0m plain \033[44mblue bg\033[0m  \n'
printf 'trail   \n'
printf 'back\\slash\n'
printf '\033[4mul\033[24m \033[38;5;200mc200\033[39m \033[38;2;1;2;3mrgb\033[0m \033[91mbright\033[0m\n'
printf '%s\n' 0123456789012345678901234567890123456789012345
printf '\343\201\202wide \033[2mdim\033[22m \033[3mit\033[23m \033[7mrev\033[27m\n'
printf '\033[42m   \033[0m\n'
seq 1 12
printf 'tab\there\n'
printf END
exec cat
"#;

#[test]
fn capture_pane_output_matches_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    let script = s.dir.path().join("prog.sh");
    std::fs::write(&script, PROGRAM).expect("write script");
    let script = script.display().to_string();
    let new = [
        "new-session",
        "-d",
        "-s",
        "c",
        "-x",
        "30",
        "-y",
        "8",
        "--",
        "sh",
        &script,
    ];
    s.ok(&new);
    t.ok(&new);
    let ready = |out: &str| out.trim_end().ends_with("END");
    assert!(wait_until(DEADLINE, || ready(&s.ok(&[
        "capture-pane",
        "-p",
        "-t",
        "c"
    ]))));
    assert!(wait_until(DEADLINE, || ready(&t.ok(&[
        "capture-pane",
        "-p",
        "-t",
        "c"
    ]))));
    let cases: &[&[&str]] = &[
        &["-p"],
        &["-p", "-e"],
        &["-p", "-J"],
        &["-p", "-N"],
        &["-p", "-C", "-e"],
        &["-p", "-S", "-", "-E", "-"],
        &["-p", "-e", "-S", "-"],
        &["-p", "-N", "-S", "-"],
        &["-p", "-J", "-S", "-"],
        &["-p", "-e", "-J", "-S", "-"],
        &["-p", "-C", "-e", "-N", "-J", "-S", "-"],
        &["-p", "-S", "-3", "-E", "1"],
        &["-p", "-S", "2", "-E", "-4"],
        &["-p", "-S", "-100", "-E", "-100"],
        &["-p", "-S", "x", "-E", "y"],
        &["-p", "-S", "5", "-E", "500"],
    ];
    for args in cases {
        let mut a = vec!["capture-pane"];
        a.extend_from_slice(args);
        a.extend(["-t", "c"]);
        let (ours, theirs) = (s.run(&a), t.run(&a));
        assert_eq!(theirs.code, 0, "tmux {a:?}: {theirs:?}");
        assert_eq!(
            ours.stdout, theirs.stdout,
            "capture-pane {args:?} differs from tmux"
        );
    }
    // Into a buffer: named, and a new automatic one.
    for tool in [&s as &dyn Run, &t as &dyn Run] {
        tool.go(&["capture-pane", "-e", "-b", "shot", "-t", "c"]);
        tool.go(&["capture-pane", "-S", "-", "-t", "c"]);
    }
    for b in [&["show-buffer", "-b", "shot"][..], &["show-buffer"][..]] {
        assert_eq!(s.ok(b), t.ok(b), "{b:?}");
    }
    assert_eq!(
        s.ok(&["list-buffers", "-F", "#{buffer_name}:#{buffer_size}"]),
        t.ok(&["list-buffers", "-F", "#{buffer_name}:#{buffer_size}"])
    );
}

/// The same command on tidemux or tmux.
trait Run {
    fn go(&self, args: &[&str]) -> String;
}

impl Run for Server {
    fn go(&self, args: &[&str]) -> String {
        self.ok(args)
    }
}

impl Run for Tmux {
    fn go(&self, args: &[&str]) -> String {
        self.ok(args)
    }
}

#[test]
fn clear_history_drops_the_history_only() {
    let s = Server::new();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "h",
        "-x",
        "20",
        "-y",
        "5",
        "--",
        "sh",
        "-c",
        "seq 1 30; echo last; exec cat",
    ]);
    s.wait_text("h", "last");
    assert_ne!(show(&s, "h", "#{history_size}"), "0");
    s.ok(&["clear-history", "-t", "h"]);
    assert_eq!(show(&s, "h", "#{history_size}"), "0");
    let all = s.ok(&["capture-pane", "-p", "-S", "-", "-t", "h"]);
    assert_eq!(all, "28\n29\n30\nlast\n\n");
    // The JSON form.
    let v = s.json(&["capture-pane", "-p", "-E", "0", "-t", "h"]);
    assert_eq!(v["text"], "28\n");
}

#[test]
fn list_clients_switch_client_and_detach_on_destroy() {
    use crate::attach::{status, Rig};
    let rig = Rig::new();
    let s = &rig.inner;
    s.start("other", &["sh", "-c", "echo in-other; exec cat"]);
    rig.attach("c1", 80, 24, &[]);
    let line = s.ok(&["list-clients"]);
    // tmux's line: `/dev/pts/N: work [80x24 TERM] (attached,focused,UTF-8)`.
    let (tty, rest) = line.split_once(": ").expect("name: rest");
    assert!(tty.starts_with("/dev/pts/"), "{line:?}");
    assert!(rest.starts_with("work [80x24 "), "{line:?}");
    assert!(rest.ends_with("] (attached,focused,UTF-8)\n"), "{line:?}");
    let fmt = "#{client_session}|#{client_width}x#{client_height}|#{client_readonly}|#{client_last_session}|#{line}";
    assert_eq!(s.ok(&["list-clients", "-F", fmt]), "work|80x24|0||0\n");
    let v = s.json(&["list-clients"]);
    assert_eq!(v[0]["session_name"], "work", "{v}");
    let name = v[0]["name"].as_str().expect("name").to_owned();
    assert_eq!(s.ok(&["list-clients", "-t", "other"]), "");
    assert_eq!(s.ok(&["list-clients", "-f", "#{client_readonly}"]), "");
    // The client follows switch-client.
    s.ok(&["switch-client", "-t", "other"]);
    rig.wait_rows("c1", "the other session", |r| {
        status(r).starts_with("[other] ") && r.iter().any(|l| l.contains("in-other"))
    });
    assert_eq!(s.ok(&["list-clients", "-F", fmt]), "other|80x24|0|work|0\n");
    s.ok(&["switch-client", "-l", "-c", &name]);
    rig.wait_rows("c1", "work again", |r| status(r).starts_with("[work] "));
    // Sessions by name: other, work; -n wraps around.
    s.ok(&["switch-client", "-n"]);
    rig.wait_rows("c1", "the next session", |r| {
        status(r).starts_with("[other] ")
    });
    s.ok(&["switch-client", "-p"]);
    rig.wait_rows("c1", "the previous session", |r| {
        status(r).starts_with("[work] ")
    });
    let o = s.run(&["switch-client", "-c", "/dev/nonexistent", "-n"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("can't find client: /dev/nonexistent"),
        "{}",
        o.stderr
    );
    // refresh-client -C sets the client's size.
    s.ok(&["refresh-client", "-C", "100x30"]);
    assert_eq!(
        s.ok(&["list-clients", "-F", "#{client_width}x#{client_height}"]),
        "100x30\n"
    );
    s.ok(&["refresh-client", "-C", "80x24"]);
    // detach-on-destroy off: the client moves to another session.
    s.ok(&["switch-client", "-t", "other"]);
    rig.wait_rows("c1", "other", |r| status(r).starts_with("[other] "));
    s.ok(&["set-option", "-g", "detach-on-destroy", "off"]);
    s.ok(&["kill-session", "-t", "other"]);
    rig.wait_rows("c1", "work after other was destroyed", |r| {
        status(r).starts_with("[work] ")
    });
    // destroy-unattached: work goes when its last client detaches; the server then exits.
    s.ok(&["set-option", "-t", "work", "destroy-unattached", "on"]);
    s.ok(&["detach-client", "-s", "work"]);
    rig.wait_exit("c1");
    assert!(
        wait_until(DEADLINE, || s.run(&["has-session", "-t", "work"]).code != 0),
        "work was not destroyed"
    );
}

#[test]
fn exit_empty_and_exit_unattached_act() {
    let s = Server::new();
    s.start("e", &["cat"]);
    s.ok(&["set-option", "-s", "exit-empty", "off"]);
    s.ok(&["kill-session", "-t", "e"]);
    // Still running, empty.
    assert_eq!(s.ok(&["list-sessions", "-F", "#{session_name}"]), "");
    assert!(s.pid().is_some());
    s.ok(&["kill-server"]);
    // exit-unattached: with sessions left, the server exits once nobody is attached.
    let s = Server::new();
    s.start("u", &["cat"]);
    s.ok(&["new-window", "-t", "u", "--", "cat"]);
    let pid = s.pid().expect("server pid");
    s.ok(&["set-option", "-s", "exit-unattached", "on"]);
    s.ok(&["kill-window", "-t", "u:1"]);
    assert!(
        wait_until(DEADLINE, || !crate::support::process_alive(pid)),
        "exit-unattached did not stop the server"
    );
}

/// `exit-empty` waits for a client that connected before the last session ended (tmux
/// server.c `server_loop` does not exit while a client is connected): its first request is
/// still served (a `new-session` then keeps the server); after a first request that finds the
/// server empty, it exits. Before, the server exited under such a client, whose `new-session`
/// failed with "lost connection to the server".
#[test]
fn exit_empty_waits_for_a_client_that_connected_before() {
    use crate::support::{process_alive, Raw};
    use std::time::Duration;
    use tidemux_proto::{NewSession, Request, Response, Spawn};
    let s = Server::new();
    s.start("e", &["cat"]);
    let pid = s.pid().expect("server pid");
    // Connected (hello and welcome exchanged), no request yet.
    let mut c = Raw::connect(&s.socket);
    s.ok(&["kill-session", "-t", "e"]);
    assert!(
        !wait_until(Duration::from_millis(500), || !process_alive(pid)),
        "the server exited under a connected client"
    );
    let ns = NewSession {
        name: Some("n".into()),
        spawn: Spawn {
            command: vec!["cat".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let r = c.call(1, Request::NewSession(ns));
    assert!(!matches!(r, Response::Error(_)), "{r:?}");
    assert_eq!(s.ok(&["list-sessions", "-F", "#{session_name}"]), "n\n");
    drop(c);
    assert!(process_alive(pid), "a session is left: the server runs");
    // Empty again under a connected client: its first request is answered, then the server
    // exits.
    let mut c = Raw::connect(&s.socket);
    s.ok(&["kill-session", "-t", "n"]);
    assert!(
        !wait_until(Duration::from_millis(500), || !process_alive(pid)),
        "the server exited under a connected client"
    );
    let r = c.call(2, Request::ListSessions);
    assert!(!matches!(r, Response::Error(_)), "{r:?}");
    assert!(
        wait_until(DEADLINE, || !process_alive(pid)),
        "the empty server did not exit after its last connected client's request"
    );
}

#[test]
fn renumber_windows_and_insert_windows_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    let steps: &[&[&str]] = &[
        &["new-session", "-d", "-s", "r", "-n", "w0", "--", "cat"],
        &["new-window", "-t", "r", "-n", "w1", "--", "cat"],
        &["new-window", "-t", "r", "-n", "w2", "--", "cat"],
        &["new-window", "-t", "r", "-n", "w3", "--", "cat"],
        &["set-option", "-t", "r", "renumber-windows", "on"],
        &["kill-window", "-t", "r:1"],
        &["new-window", "-a", "-t", "r:0", "-n", "after0", "--", "cat"],
        &[
            "new-window",
            "-b",
            "-t",
            "r:0",
            "-n",
            "before0",
            "--",
            "cat",
        ],
        &["kill-window", "-t", "r:2"],
    ];
    for step in steps {
        s.ok(step);
        t.ok(step);
        let f = [
            "list-windows",
            "-t",
            "r",
            "-F",
            "#{window_index}:#{window_name}",
        ];
        assert_eq!(s.ok(&f), t.ok(&f), "after {step:?}");
    }
}

#[test]
fn synchronize_panes_default_terminal_and_zoomed_split() {
    let s = Server::new();
    s.start("y", &["cat"]);
    let second = s
        .ok(&["split-window", "-Z", "-t", "y", "--", "cat"])
        .trim()
        .to_owned();
    assert_eq!(
        show(&s, "y", "#{window_zoomed_flag}|#{pane_id}"),
        format!("1|{second}")
    );
    assert_eq!(show(&s, "y", "#{pane_synchronized}"), "0");
    s.ok(&["set-window-option", "-t", "y", "synchronize-panes", "on"]);
    assert_eq!(show(&s, "y", "#{pane_synchronized}"), "1");
    s.ok(&["send", "-t", "y:0.0", "--enter", "typed-once"]);
    s.ok(&["send-key", "-t", "y:0.0", "k", "e", "y", "Enter"]);
    for p in ["y:0.0", "y:0.1"] {
        s.wait_screen(p, "the synchronized input", |t| {
            t.contains("typed-once") && t.contains("key")
        });
    }
    // Off for one pane: that pane no longer gets the others' input.
    s.ok(&[
        "set-option",
        "-p",
        "-t",
        "y:0.1",
        "synchronize-panes",
        "off",
    ]);
    s.ok(&["send", "-t", "y:0.0", "--enter", "only-first"]);
    s.wait_text("y:0.0", "only-first");
    s.ok(&["send", "-t", "y:0.1", "--enter", "marker"]);
    s.wait_text("y:0.1", "marker");
    assert!(!s.screen("y:0.1").contains("only-first"));
    // default-terminal is the TERM of new panes.
    s.ok(&["set-option", "-g", "default-terminal", "xterm-256color"]);
    s.ok(&[
        "new-window",
        "-t",
        "y",
        "--",
        "sh",
        "-c",
        "echo TERM=$TERM; exec cat",
    ]);
    s.wait_text("y:1", "TERM=xterm-256color");
}

#[test]
fn capture_pane_alternate_screen_matches_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    let script = s.dir.path().join("alt.sh");
    let prog = "printf 'main one\\n\\033[31mmain red\\033[0m\\n'\nprintf '\\033[?1049h\\033[Halt screen\\n'\nexec cat\n";
    std::fs::write(&script, prog).expect("write script");
    let script = script.display().to_string();
    for tool in [&s as &dyn Run, &t as &dyn Run] {
        tool.go(&[
            "new-session",
            "-d",
            "-s",
            "a",
            "-x",
            "20",
            "-y",
            "5",
            "--",
            "sh",
            &script,
        ]);
        tool.go(&["new-session", "-d", "-s", "b", "--", "cat"]);
    }
    let ready = |out: String| out.contains("alt screen");
    assert!(wait_until(DEADLINE, || ready(s.ok(&[
        "capture-pane",
        "-p",
        "-t",
        "a"
    ]))));
    assert!(wait_until(DEADLINE, || ready(t.ok(&[
        "capture-pane",
        "-p",
        "-t",
        "a"
    ]))));
    for args in [
        &["-p", "-a", "-t", "a"][..],
        &["-p", "-a", "-e", "-t", "a"],
        &["-p", "-a", "-S", "1", "-E", "-", "-t", "a"],
        &["-p", "-t", "a"],
        &["-p", "-a", "-q", "-t", "b"],
    ] {
        let mut a = vec!["capture-pane"];
        a.extend_from_slice(args);
        assert_eq!(s.ok(&a), t.ok(&a), "capture-pane {args:?}");
    }
    let o = s.run(&["capture-pane", "-p", "-a", "-t", "b"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no alternate screen"), "{}", o.stderr);
    assert_eq!(
        t.run(&["capture-pane", "-p", "-a", "-t", "b"]).stderr,
        "no alternate screen\n"
    );
}

#[test]
fn pane_base_index_numbers_panes_in_formats() {
    let s = Server::new();
    s.start("pb", &["cat"]);
    s.ok(&["split-window", "-t", "pb", "--", "cat"]);
    let f = "#{P:#{pane_index} }";
    assert_eq!(show(&s, "pb", f), "0 1");
    s.ok(&["set-window-option", "-g", "pane-base-index", "1"]);
    assert_eq!(show(&s, "pb", f), "1 2");
}

#[test]
fn pipe_pane_never_holds_the_pane_up() {
    let s = Server::new();
    // About 590 KB of output once a line arrives: far more than a pipe's kernel buffer.
    s.start(
        "f",
        &[
            "sh",
            "-c",
            "read x; seq 1 100000; echo flood-done; exec cat",
        ],
    );
    // A command that never reads its input.
    s.ok(&["pipe-pane", "-t", "f", "exec sleep 20"]);
    s.ok(&["send-key", "-t", "f", "Enter"]);
    // The pane's output is all parsed; the pipe holds the rest (under its 4 MiB bound, so it
    // stays open; past the bound it stops: the unit test in commands/pipe.rs).
    s.wait_text("f", "flood-done");
    assert_eq!(show(&s, "f", "#{pane_pipe}"), "1");
    s.ok(&["send", "-t", "f", "--enter", "still-typing"]);
    s.wait_text("f", "still-typing");
}
