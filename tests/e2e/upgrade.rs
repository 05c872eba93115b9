//! Issue 16: live upgrade (`tidemux upgrade-server`): the server continues as another copy of
//! the binary in the same process, keeping every pane's process, screen and history.

use crate::attach::{status, Rig};
use crate::support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Two copies of the binary under test in the server's temp dir: `a/tidemux` (the server
/// starts from it) and `b/tidemux` (the upgrade's target).
fn copies(s: &Server) -> (PathBuf, PathBuf) {
    let mk = |d: &str| {
        let dir = s.dir.path().join(d);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let p = dir.join("tidemux");
        copy_exe(&p);
        p
    };
    (mk("a"), mk("b"))
}

/// `s.command()` with another binary (the same arguments and environment).
fn with_bin(s: &Server, bin: &Path) -> Command {
    let c = s.command();
    let mut out = Command::new(bin);
    out.args(c.get_args())
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))));
    for (k, v) in c.get_envs() {
        if v.is_none() {
            out.env_remove(k);
        }
    }
    out.stdin(std::process::Stdio::null());
    out
}

/// `tidemux tmux -S SOCKET` (tmux's language) with the environment of `s.command()`.
fn tmux_cmd(s: &Server) -> Command {
    let c = s.command();
    let mut out = Command::new(exe());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    out.arg("tmux").arg("-S").arg(&s.socket);
    out
}

fn run(mut c: Command, args: &[&str]) -> Out {
    c.args(args).output().expect("run tidemux").into()
}

fn panes(s: &Server) -> Vec<Value> {
    s.json(&["list-panes", "-a"])
        .as_array()
        .cloned()
        .expect("list-panes -a --json is an array")
}

/// What must survive an upgrade, pane by pane: id, place, process, command.
fn shape(s: &Server) -> Vec<String> {
    panes(s)
        .iter()
        .map(|p| {
            format!(
                "{} {}:{}.{} {}x{}+{}+{} pid={} name={} cmd={}",
                p["id"].as_str().unwrap_or("?"),
                p["session_name"].as_str().unwrap_or("?"),
                p["window_index"],
                p["index"],
                p["cols"],
                p["rows"],
                p["left"],
                p["top"],
                p["pid"],
                p["name"],
                p["command"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

fn server_info(s: &Server) -> Value {
    s.json(&["version"])["server"].clone()
}

fn exe_of(pid: i32) -> PathBuf {
    std::fs::read_link(format!("/proc/{pid}/exe")).expect("readlink /proc/PID/exe")
}

/// A server started from copy `a`: session `work` (two panes: bash with 300 lines of history,
/// and `sleep`), session `side` (one bash pane, renamed). Returns (server, a, b, panes).
fn setup(server_env: &[(&str, &str)]) -> (Server, PathBuf, PathBuf, Vec<String>) {
    let s = Server::new();
    let (a, b) = copies(&s);
    let mut c = with_bin(&s, &a);
    c.envs(server_env.iter().copied());
    let o = run(
        c,
        &[
            "new-session",
            "-d",
            "-s",
            "work",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
    );
    assert_eq!(o.code, 0, "{o:?}");
    let p0 = o.stdout.trim().to_owned();
    s.wait_prompt(&p0);
    s.ok(&[
        "send",
        "-t",
        &p0,
        "--enter",
        "seq 1 300; echo before-upgrade",
    ]);
    s.wait_text(&p0, "\nbefore-upgrade");
    let p1 = s
        .ok(&["split-window", "-h", "-t", "work", "--", "sleep", "1000"])
        .trim()
        .to_owned();
    let p2 = s.start("side", &[]);
    s.ok(&["rename-pane", "-t", &p2, "sidepane"]);
    s.wait_prompt(&p2);
    assert_eq!(exe_of(s.pid().expect("server pid")), a);
    (s, a, b, vec![p0, p1, p2])
}

#[test]
fn upgrade_keeps_every_pane_process_screen_history_and_the_server_pid() {
    let (s, a, b, p) = setup(&[]);
    let pid = s.pid().expect("server pid");
    let before = shape(&s);
    let screen0 = s.json(&["read-screen", "-t", &p[0]]);
    let history0 = s.json(&["read-screen", "-t", &p[0], "--history"]);
    let pids: Vec<i32> = panes(&s)
        .iter()
        .map(|x| x["pid"].as_i64().expect("pid") as i32)
        .collect();
    // State that must come along: a kept wait-for signal, a paste buffer, an option, a
    // scheduled send, a renamed window.
    s.ok(&["wait-for", "-S", "kept-channel"]);
    s.ok(&["set-buffer", "-b", "buf1", "buffer survives"]);
    s.ok(&["set-option", "-g", "@marker", "kept"]);
    s.ok(&["set-option", "-t", "work", "@session-marker", "kept-s"]);
    s.ok(&["set-option", "-p", "-t", &p[0], "@pane-marker", "kept-p"]);
    s.ok(&["rename-window", "-t", "work:0", "renamed"]);
    let sched = s.json(&["send", "-t", &p[2], "--after", "1h", "later"]);
    // A closed pane (kept for `list-panes --closed` and `read-screen -t %N`).
    let gone = s
        .ok(&[
            "new-window",
            "-t",
            "side",
            "--",
            "sh",
            "-c",
            "echo CLOSED-MARK; exit 3",
        ])
        .trim()
        .to_owned();
    assert!(
        wait_until(DEADLINE, || s
            .ok(&["list-panes", "--closed"])
            .contains(&gone)),
        "the pane did not close"
    );
    let closed_before = s.json(&["list-panes", "--closed"]);
    // A transcript of pane 0.
    let transcript = s.dir.path().join("p0.log");
    s.ok(&[
        "log",
        "-t",
        &p[0],
        "--file",
        transcript.to_str().expect("utf-8"),
        "--plain",
    ]);
    // The server's start time (seconds): once a second passed, a restart would change it.
    let start_time = s.ok(&["display-message", "-p", "#{start_time}"]);
    let started: u64 = start_time.trim().parse().expect("start_time");
    assert!(wait_until(DEADLINE, || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            > started
    }));
    let schedules_before = s.json(&["schedule", "list"]);
    let seq_before = s.json(&["list-panes", "-t", &p[0]])[0]["seq"].clone();

    let o = run(
        with_bin(&s, &a),
        &["upgrade-server", "--binary", b.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 0, "upgrade-server failed: {o:?}");
    assert!(o.stdout.contains("upgraded"), "{o:?}");

    // Same process, now running copy b.
    assert_eq!(s.pid(), Some(pid));
    assert_eq!(exe_of(pid), b);
    let info = server_info(&s);
    assert_eq!(info["upgrade"]["status"], "done", "{info}");
    assert_eq!(info["upgrade"]["attempt"], 1, "{info}");
    // Every pane: same id, place, process (still running, still our child).
    assert_eq!(shape(&s), before);
    for pid in &pids {
        assert!(process_alive(*pid), "pane process {pid} died");
    }
    // Same screen and history.
    assert_eq!(
        s.json(&["read-screen", "-t", &p[0]])["lines"],
        screen0["lines"]
    );
    assert_eq!(
        s.json(&["read-screen", "-t", &p[0], "--history"])["lines"],
        history0["lines"]
    );
    assert_eq!(s.json(&["list-panes", "-t", &p[0]])[0]["seq"], seq_before);
    // The carried state.
    assert_eq!(s.ok(&["wait-for", "kept-channel", "--timeout", "5"]), "");
    assert_eq!(s.ok(&["show-buffer", "-b", "buf1"]), "buffer survives");
    assert_eq!(s.ok(&["show-options", "-gv", "@marker"]).trim(), "kept");
    assert_eq!(
        s.ok(&["show-options", "-t", "work", "-v", "@session-marker"])
            .trim(),
        "kept-s"
    );
    assert_eq!(
        s.ok(&["show-options", "-p", "-t", &p[0], "-v", "@pane-marker"])
            .trim(),
        "kept-p"
    );
    assert!(
        s.ok(&["list-windows", "-t", "work"]).contains("renamed"),
        "window name lost"
    );
    assert_eq!(s.json(&["schedule", "list"]), schedules_before);
    assert_eq!(s.json(&["list-panes", "--closed"]), closed_before);
    assert!(s.ok(&["read-screen", "-t", &gone]).contains("CLOSED-MARK"));
    assert_eq!(
        s.ok(&["display-message", "-p", "#{start_time}"]),
        start_time
    );
    s.ok(&["schedule", "cancel", &sched["id"].to_string()]);
    // The panes still work: input reaches them, output is parsed.
    s.ok(&["send", "-t", &p[0], "--enter", "echo after-upgrade"]);
    s.wait_text(&p[0], "\nafter-upgrade");
    // The transcript goes on in the same file.
    assert!(
        wait_until(DEADLINE, || std::fs::read_to_string(&transcript)
            .is_ok_and(|t| t.contains("\nafter-upgrade"))),
        "the transcript stopped: {:?}",
        std::fs::read_to_string(&transcript)
    );
    // A pane process exiting after the upgrade is still seen (the new binary reaps it).
    s.ok(&["send", "-t", &p[2], "--enter", "exit 7"]);
    assert!(
        wait_until(DEADLINE, || s.run(&["has-session", "-t", "side"]).code == 1),
        "the pane whose shell exited was not closed"
    );
    // And a second upgrade, back to copy a, works the same way.
    let o = run(
        with_bin(&s, &b),
        &["upgrade-server", "--binary", a.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 0, "{o:?}");
    assert_eq!(exe_of(pid), a);
    assert_eq!(server_info(&s)["upgrade"]["attempt"], 2);
    s.wait_text(&p[0], "\nafter-upgrade");
}

/// Every kind of wait in progress (`wait-for CHANNEL`, `wait --text`, `send --wait-text`)
/// ends with "server upgraded, retry" and exit 75; locks survive; an `events` stream ends and
/// `events --after SEQ` goes on with the same sequence numbers; a control-mode client (`tmux
/// -C`) reads `%exit server upgraded` and may connect again.
#[test]
fn every_waiting_request_is_told_to_retry_events_resume_and_control_clients_are_told() {
    use std::io::{BufRead, BufReader};
    let (s, a, b, p) = setup(&[]);
    s.ok(&["wait-for", "-L", "lock1"]);
    let piped = |args: &[&str]| {
        s.command()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn a waiting request")
    };
    let waiters = [
        piped(&["wait-for", "never-signalled"]),
        piped(&[
            "wait",
            "-t",
            &p[0],
            "--text",
            "NEVER-SHOWN",
            "--timeout",
            "600",
        ]),
        piped(&[
            "send",
            "-t",
            &p[2],
            "--enter",
            "true",
            "--wait-text",
            "NEVER-SHOWN-EITHER",
            "--timeout",
            "600",
        ]),
    ];
    // An events stream, and the sequence number of an event before the upgrade.
    s.ok(&["wait-for", "-S", "before-upgrade"]);
    let events = piped(&["events", "--filter", "channel", "--after", "0"]);
    // A control-mode client attached to `work`.
    let mut control = tmux_cmd(&s);
    control
        .args(["-C", "attach", "-t", "work"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut control = control.spawn().expect("spawn the control client");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = control.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let read_until = |pred: &dyn Fn(&str) -> bool, seen: &mut Vec<String>| loop {
        match rx.recv_timeout(DEADLINE) {
            Ok(l) => {
                seen.push(l.clone());
                if pred(&l) {
                    return;
                }
            }
            Err(_) => panic!("control client: timed out; output so far: {seen:#?}"),
        }
    };
    read_until(&|l| l.starts_with("%session-changed $"), &mut seen);
    wait_blocked(&waiters.iter().collect::<Vec<_>>());
    assert!(
        wait_until(DEADLINE, || s.ok(&["list-clients"]).lines().count() == 1),
        "the control client is not attached"
    );
    let o = run(
        with_bin(&s, &a),
        &["upgrade-server", "--binary", b.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 0, "{o:?}");
    for w in waiters {
        let out: Out = w.wait_with_output().expect("the request ends").into();
        assert_eq!(
            out.code, 75,
            "documented exit code of 'server upgraded, retry': {out:?}"
        );
        assert!(out.stderr.contains("server upgraded, retry"), "{out:?}");
    }
    // The control client was told, and exits.
    read_until(&|l| l.starts_with("%exit"), &mut seen);
    assert_eq!(
        seen.last().map(String::as_str),
        Some("%exit server upgraded")
    );
    let st = control.wait().expect("the control client exits");
    assert!(st.code().is_some(), "{st:?}");
    // The events stream ended; its events go on after the upgrade with the same numbers.
    let ev: Out = events.wait_with_output().expect("events ends").into();
    let before: Vec<Value> = ev
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let first = before
        .iter()
        .find(|e| e["name"] == "before-upgrade")
        .unwrap_or_else(|| panic!("no event before the upgrade: {ev:?}"));
    let seq = first["seq"].as_u64().expect("seq");
    s.ok(&["wait-for", "-S", "after-upgrade"]);
    let mut again = s
        .command()
        .args(["events", "--filter", "channel", "--after"])
        .arg((seq - 1).to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn events");
    let mut lines = BufReader::new(again.stdout.take().expect("stdout")).lines();
    let mut replay = Vec::new();
    for _ in 0..2 {
        let l = lines.next().expect("an event").expect("a line");
        replay.push(serde_json::from_str::<Value>(&l).expect("json"));
    }
    let _ = again.kill();
    let _ = again.wait();
    assert_eq!(replay[0]["name"], "before-upgrade", "{replay:?}");
    assert_eq!(replay[0]["seq"], first["seq"], "{replay:?}");
    assert_eq!(replay[1]["name"], "after-upgrade", "{replay:?}");
    assert!(replay[1]["seq"].as_u64() > Some(seq), "{replay:?}");
    // The lock is still held: another -L times out, -U releases it.
    let o = s.run(&["wait-for", "-L", "lock1", "--timeout", "0.2"]);
    assert_eq!(o.code, 124, "{o:?}");
    s.ok(&["wait-for", "-U", "lock1"]);
    // The control client connects again.
    let o: Out = tmux_cmd(&s)
        .args(["-C", "list-sessions"])
        .output()
        .expect("run")
        .into();
    assert!(o.stdout.contains("work:"), "{o:?}");
}

#[test]
fn an_attached_client_reattaches_after_the_upgrade() {
    let rig = Rig::empty();
    let (a, b) = copies(&rig.inner);
    let o = run(
        with_bin(&rig.inner, &a),
        &[
            "new-session",
            "-d",
            "-s",
            "work",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
    );
    assert_eq!(o.code, 0, "{o:?}");
    rig.inner.wait_prompt("work");
    let client = rig.attach("o", 80, 24, &[]);
    assert_eq!(rig.attached(), 1);
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo seen-before"]);
    rig.wait_rows("o", "the pane's output", |r| {
        r.iter().any(|l| l == "seen-before")
    });
    let o = run(
        with_bin(&rig.inner, &a),
        &["upgrade-server", "--binary", b.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 0, "{o:?}");
    // The same client process draws the session again, served by the new binary.
    rig.wait_rows("o", "the reattached client's status line", |r| {
        r.len() == 24 && status(r).starts_with("[work] ") && r.iter().any(|l| l == "seen-before")
    });
    assert!(wait_until(DEADLINE, || rig.attached() == 1));
    assert!(process_alive(client), "the attach client exited");
    assert_eq!(rig.outer_pane("o")["pid"].as_i64(), Some(i64::from(client)));
    // Typing still reaches the pane through the reattached client.
    rig.outer
        .ok(&["send", "-t", "o", "--enter", "echo typed-after"]);
    rig.wait_rows("o", "typed input echoed", |r| {
        r.iter().any(|l| l == "typed-after")
    });
}

#[test]
fn an_upgrade_the_new_binary_refuses_leaves_the_old_server_serving() {
    // The hook is read by the binary that restores; the fallback (old binary) ignores it.
    let (s, a, b, p) = setup(&[("TIDEMUX_TEST_REFUSE_UPGRADE", "1")]);
    let pid = s.pid().expect("pid");
    let before = shape(&s);
    let screen = s.json(&["read-screen", "-t", &p[0]]);
    let o = run(
        with_bin(&s, &a),
        &["upgrade-server", "--binary", b.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("failed") && o.stderr.contains("refused the state"),
        "{o:?}"
    );
    assert!(o.stderr.contains("every pane kept"), "{o:?}");
    assert_eq!(s.pid(), Some(pid));
    assert_eq!(exe_of(pid), a, "the old binary serves again");
    let info = server_info(&s);
    assert_eq!(info["upgrade"]["status"], "failed", "{info}");
    assert!(
        info["upgrade"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("TIDEMUX_TEST_REFUSE_UPGRADE")),
        "{info}"
    );
    assert_eq!(shape(&s), before);
    assert_eq!(
        s.json(&["read-screen", "-t", &p[0]])["lines"],
        screen["lines"]
    );
    s.ok(&["send", "-t", &p[0], "--enter", "echo still-served"]);
    s.wait_text(&p[0], "\nstill-served");
}

#[test]
fn a_truncated_state_is_refused_cleanly_and_the_old_binary_takes_over() {
    let (s, a, b, p) = setup(&[("TIDEMUX_TEST_TRUNCATE_UPGRADE", "200")]);
    let before = shape(&s);
    let o = run(
        with_bin(&s, &a),
        &["upgrade-server", "--binary", b.to_str().expect("utf-8")],
    );
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("incomplete or damaged"),
        "a cut state is refused as such: {o:?}"
    );
    assert_eq!(shape(&s), before, "nothing half-restored");
    s.ok(&["send", "-t", &p[0], "--enter", "echo still-here"]);
    s.wait_text(&p[0], "\nstill-here");
}

#[test]
fn a_binary_that_cannot_take_over_is_refused_and_nothing_changes() {
    let (s, a, _, _) = setup(&[]);
    let pid = s.pid().expect("pid");
    let fake = s.dir.path().join("fake-tidemux");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").expect("write");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    for (bin, why) in [
        (
            fake.to_str().expect("utf-8"),
            "not a tidemux that can take over",
        ),
        ("/nonexistent/tidemux", "cannot use"),
    ] {
        let o = run(with_bin(&s, &a), &["upgrade-server", "--binary", bin]);
        assert_eq!(o.code, 1, "{o:?}");
        assert!(o.stderr.contains(why), "{o:?}");
        assert!(o.stderr.contains("nothing changed"), "{o:?}");
    }
    assert_eq!(exe_of(pid), a);
    assert_eq!(server_info(&s)["upgrade"], Value::Null);
}
