//! Faults and bad input: no server, unknown targets, bad keys and sizes, programs that do not
//! exist, big input, invalid UTF-8, clients, panes and servers killed mid-way, protocol
//! mismatches and garbage frames, foreign uids, stale sockets.
//!
//! Every rejected command is checked three ways: its exit code, its message (naming what was
//! wrong), and that nothing changed.

use crate::support::{blocked_reading_reply, exe, wait_until, Out, Raw, Server, DEADLINE};
use serde_json::Value;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tidemux_proto::codec::{self, HELLO_LEN, HELLO_VERSION, READ_CHUNK};
use tidemux_proto::{ErrorKind, Request, Response, MAX_FRAME_LEN, PROTOCOL_VERSION};

/// Asserts a failed command: exit `code`, nothing on stdout, exactly one stderr line
/// `tidemux: <cmd>: ...` containing every needle.
#[track_caller]
fn assert_failed(o: &Out, code: i32, cmd: &str, needles: &[&str]) {
    assert_failed_multiline(o, code, cmd, needles);
    assert_one_line(o, cmd);
}

/// Stderr is the documented single line (`tidemux: <cmd>: <why>`).
#[track_caller]
fn assert_one_line(o: &Out, cmd: &str) {
    assert_eq!(
        o.stderr.lines().count(),
        1,
        "stderr of {cmd} must be one line: {:?}",
        o.stderr
    );
}

/// [`assert_failed`] without the one-line rule (checked separately where a test goes on).
#[track_caller]
fn assert_failed_multiline(o: &Out, code: i32, cmd: &str, needles: &[&str]) {
    assert_eq!(o.code, code, "exit code of {cmd}: {o:?}");
    assert_eq!(o.stdout, "", "{cmd} printed on stdout: {o:?}");
    let prefix = format!("tidemux: {cmd}: ");
    assert!(
        o.stderr.starts_with(&prefix),
        "stderr of {cmd} does not start with '{prefix}': {o:?}"
    );
    for n in needles {
        assert!(o.stderr.contains(n), "stderr of {cmd} lacks '{n}': {o:?}");
    }
}

/// Asserts the exact "no server" failure of `cmd`.
#[track_caller]
fn assert_no_server(s: &Server, o: &Out, cmd: &str) {
    assert_eq!(o.code, 1, "{o:?}");
    assert_eq!(
        o.stderr,
        format!(
            "tidemux: {cmd}: no server running on {}\n",
            s.socket.display()
        ),
        "{o:?}"
    );
    assert_eq!(o.stdout, "", "{o:?}");
}

/// Everything the server reports about its sessions, windows and panes, less what changes on
/// its own while nothing happens (time since the screen changed, run state, foreground
/// process).
fn model(s: &Server) -> (Value, Value, Value) {
    let mut panes = s.json(&["list-panes", "-a"]);
    for p in panes.as_array_mut().expect("array") {
        let p = p.as_object_mut().expect("object");
        for volatile in ["quiet_secs", "state", "foreground", "cwd"] {
            p.remove(volatile);
        }
    }
    (
        s.json(&["list-sessions"]),
        s.json(&["list-windows", "-a"]),
        panes,
    )
}

/// The server-side ends of client connections to `sock` (from /proc/net/unix: accepted sockets
/// carry the listener's path; the listener itself has the `__SO_ACCEPTCON` flag 00010000).
fn server_conns(sock: &Path) -> usize {
    let table = std::fs::read_to_string("/proc/net/unix").expect("/proc/net/unix");
    let want = sock.to_str().expect("UTF-8 socket path");
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() >= 8 && f[7] == want && f[3] != "00010000"
        })
        .count()
}

/// Asserts the peer closed the connection (read returns 0, or a reset).
#[track_caller]
fn assert_closed(c: &mut UnixStream) {
    let mut b = [0u8; 1];
    match c.read(&mut b) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("connection still open: {other:?}"),
    }
}

/// Polls `list-sessions` until it reports that no server runs (within `timeout`); returns
/// whether it did and the last result. While a server exits, a command may first fail with
/// "lost connection to the server" (it connected just before the listener closed): only the
/// final state counts.
fn wait_no_server(s: &Server, timeout: Duration) -> (bool, Out) {
    let mut last = None;
    let gone = wait_until(timeout, || {
        let o = s.run(&["list-sessions"]);
        let g = o.code == 1 && o.stderr.contains("no server running");
        last = Some(o);
        g
    });
    (gone, last.expect("ran at least once"))
}

/// Sends SIGKILL to `pid`.
fn sigkill(pid: i32) {
    let p = rustix::process::Pid::from_raw(pid).expect("pid > 0");
    rustix::process::kill_process(p, rustix::process::Signal::KILL).expect("kill -9");
}

fn pane_field(s: &Server, target: &str, field: &str) -> Value {
    let v = s.json(&["list-panes", "-t", target]);
    v[0][field].clone()
}

// 1 ------------------------------------------------------------------------------------------

#[test]
fn no_server_commands_fail_and_start_nothing() {
    let s = Server::new();
    for (cmd, args) in [
        ("list-sessions", vec!["list-sessions"]),
        ("read-screen", vec!["read-screen"]),
        ("send", vec!["send", "-t", "x", "hi"]),
    ] {
        let o = s.run(&args);
        assert_no_server(&s, &o, cmd);
        assert!(!s.socket.exists(), "{cmd} created {}", s.socket.display());
        assert_eq!(
            s.log_path(),
            None,
            "{cmd} started a server (it wrote a log)"
        );
    }
    assert_eq!(s.pid(), None, "a server runs");
    let left: Vec<_> = std::fs::read_dir(s.dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "files appeared: {left:?}");
}

// 2 ------------------------------------------------------------------------------------------

#[test]
fn unknown_and_ambiguous_targets_name_the_target_and_list_candidates() {
    let s = Server::new();
    s.start("work", &[]);
    s.wait_prompt("work");
    let before = model(&s);

    let o = s.run(&["read-screen", "-t", "nosuch"]);
    assert_failed(&o, 1, "read-screen", &["'nosuch'", "work ($0)"]);

    let o = s.run(&["read-screen", "-t", "%99"]);
    assert_failed(&o, 1, "read-screen", &["%99", "%0"]);

    let o = s.run(&["read-screen", "-t", "work:7"]);
    assert_failed(
        &o,
        1,
        "read-screen",
        &["no window '7'", "work", "windows: 0:bash (@0)"],
    );
    assert_eq!(model(&s), before, "a failed lookup changed the model");

    // A session `dup`, and a pane of another session named `dup`.
    s.start("dup", &[]);
    let other = s.start("other", &[]);
    s.ok(&["rename-pane", "-t", &other, "dup"]);
    // Let both shells finish drawing their first prompt, so only a bug can change the model.
    s.wait_prompt("$1");
    s.wait_prompt(&other);
    let before = model(&s);
    let o = s.run(&["read-screen", "-t", "dup"]);
    assert_failed(
        &o,
        1,
        "read-screen",
        &["'dup'", "ambiguous", "session $1", &format!("pane {other}")],
    );
    let o = s.run(&["send", "-t", "dup", "x"]);
    assert_failed(&o, 1, "send", &["'dup'", "ambiguous"]);
    assert_eq!(model(&s), before, "an ambiguous target changed something");
    // Ids still work.
    s.ok(&["read-screen", "-t", &other]);
    s.ok(&["read-screen", "-t", "$1"]);
}

// 3 ------------------------------------------------------------------------------------------

#[test]
fn unknown_key_is_rejected_and_nothing_is_sent() {
    let s = Server::new();
    s.start("work", &[]);
    s.wait_prompt("work");
    let before = s.json(&["read-screen", "-t", "work"]);

    let o = s.run(&["send-key", "-t", "work", "a", "Foo", "b"]);
    assert_failed(&o, 1, "send-key", &["'Foo'", "valid keys", "Enter", "C-c"]);

    let after = s.json(&["read-screen", "-t", "work"]);
    assert_eq!(after["seq"], before["seq"], "pane output changed");
    assert_eq!(after["lines"], before["lines"], "screen changed");
    assert_eq!(after["cursor"], before["cursor"], "cursor moved");

    // Prove bash received nothing: whatever is typed now must be the whole command line (a
    // stray 'a' or 'b' would prefix it).
    s.ok(&["send", "-t", "work", "--enter", "echo MARK$((40+2))"]);
    let screen = s.wait_text("work", "MARK42");
    assert!(
        screen
            .lines()
            .any(|l| l.ends_with("$ echo MARK$((40+2))") || l.ends_with("# echo MARK$((40+2))")),
        "the command line has extra input:\n{screen}"
    );
    assert!(
        !screen.contains("aecho") && !screen.contains("abecho"),
        "{screen}"
    );
}

// 4 ------------------------------------------------------------------------------------------

#[test]
fn bad_sizes_are_rejected_and_change_nothing() {
    let s = Server::new();
    s.start("work", &[]);
    s.wait_prompt("work");
    let before = model(&s);

    for (args, needles) in [
        (
            vec!["new-session", "-d", "-x", "0"],
            vec!["bad size", "0x24"],
        ),
        (
            vec!["new-session", "-d", "-x", "20000"],
            vec!["bad size", "20000x24"],
        ),
        (
            vec!["new-session", "-d", "-y", "0"],
            vec!["bad size", "80x0"],
        ),
    ] {
        let o = s.run(&args);
        assert_failed(&o, 1, "new-session", &needles);
        assert_eq!(model(&s), before, "{args:?} changed something");
    }

    for size in ["0", "500", "150%", "abc", "0%"] {
        let o = s.run(&["split-window", "-t", "work", "-l", size]);
        assert_failed(&o, 1, "split-window", &[size]);
        assert!(o.stderr.contains("size"), "{o:?}");
        assert_eq!(
            model(&s),
            before,
            "split-window -l {size} changed something"
        );
    }

    for (flag, v) in [("-x", "0"), ("-y", "0"), ("-x", "20000")] {
        let o = s.run(&["resize-window", "-t", "work", flag, v]);
        assert_failed(&o, 1, "resize-window", &["bad size", v]);
        assert_eq!(
            model(&s),
            before,
            "resize-window {flag} {v} changed something"
        );
    }

    // The model is intact and usable: a valid split gets the next pane id.
    let p = s.ok(&["split-window", "-t", "work", "-d", "-l", "5"]);
    assert_eq!(p.trim(), "%1");
}

// 5 ------------------------------------------------------------------------------------------

#[test]
fn nonexistent_program_is_an_error_and_through_sh_exits_127() {
    let s = Server::new();
    s.start("work", &[]);
    s.wait_prompt("work");
    let before = model(&s);

    let o = s.run(&["new-session", "-d", "-s", "x", "--", "nosuchprog-xyz"]);
    let has = s.run(&["has-session", "-t", "x"]);
    let after = model(&s);
    assert_failed_multiline(&o, 1, "new-session", &["cannot run 'nosuchprog-xyz'"]);
    assert_failed(&has, 1, "has-session", &["'x'"]);
    assert_eq!(after, before, "a failed new-session changed something");

    // One word with a space runs through /bin/sh -c: the shell reports 127.
    let pane = s.ok(&[
        "new-session",
        "-d",
        "-s",
        "y",
        "--remain-on-exit",
        "--",
        "nosuchprog-xyz --flag",
    ]);
    let pane = pane.trim();
    assert!(
        wait_until(DEADLINE, || pane_field(&s, pane, "dead")
            == Value::Bool(true)),
        "pane never died: {}",
        s.json(&["list-panes", "-t", pane])
    );
    let p = &s.json(&["list-panes", "-t", pane])[0];
    assert_eq!(p["command"], "/bin/sh -c nosuchprog-xyz --flag", "{p}");
    assert_eq!(p["exit"]["code"], 127, "{p}");
    assert_eq!(p["exit"]["signal"], Value::Null, "{p}");
    let screen = s.screen(pane);
    assert!(
        screen.contains("nosuchprog-xyz"),
        "the shell's complaint is not on screen:\n{screen}"
    );
    // Sending to the dead pane is refused and says why.
    let o2 = s.run(&["send", "-t", pane, "hi"]);
    assert_failed(&o2, 1, "send", &[pane, "dead", "127"]);

    // Last, so that it does not hide the checks above: the failure is one line.
    assert_one_line(&o, "new-session");
}

/// Not in the brief's list: a rejected `new-session` that had to start the server leaves no
/// server behind ("nothing is created"; the server exits when it has no session).
#[test]
fn rejected_first_new_session_leaves_no_server() {
    let mut bad = Vec::new();
    for args in [
        vec!["new-session", "-d", "-s", "x", "-x", "0"],
        vec!["new-session", "-d", "-s", "x", "--", "nosuchprog-xyz"],
    ] {
        let s = Server::new();
        let o = s.run(&args);
        assert_failed_multiline(&o, 1, "new-session", &[]);
        let (gone, last) = wait_no_server(&s, Duration::from_secs(5));
        let gone = gone && wait_until(Duration::from_secs(5), || !s.socket.exists());
        if !gone {
            bad.push(format!(
                "{args:?} was rejected but left a server running on {} (socket exists: {}); \
                 list-sessions then gives {last:?}",
                s.socket.display(),
                s.socket.exists()
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// 6 ------------------------------------------------------------------------------------------

#[test]
fn ten_megabytes_of_input_arrive_whole() {
    const LINES: usize = 100_000;
    const PER_SEND: usize = 1_000; // 100 KB per `send`, under Linux's 128 KiB per argument
    let s = Server::new();
    let dir = s.dir.path().join("work");
    std::fs::create_dir(&dir).expect("mkdir");
    let dir_s = dir.to_str().expect("UTF-8 dir");
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "big",
        "-c",
        dir_s,
        "--",
        "stty -echo; cat > big.txt",
    ]);

    let line = |i: usize| {
        let mut l = format!("{i:07} ");
        while l.len() < 99 {
            l.push((b'!' + ((i * 7 + l.len()) % 94) as u8) as char);
        }
        l.push('\n');
        l
    };
    let mut expected = String::with_capacity(LINES * 100);
    let started = Instant::now();
    for chunk in 0..LINES / PER_SEND {
        let text: String = (chunk * PER_SEND..(chunk + 1) * PER_SEND)
            .map(line)
            .collect();
        assert_eq!(text.len(), PER_SEND * 100);
        let out = s.ok(&["send", "--json", "-t", "big", "--", &text]);
        let sent: Value = serde_json::from_str(&out).expect("send JSON");
        assert_eq!(sent["bytes"], text.len(), "send reported {sent}");
        expected.push_str(&text);
    }
    assert_eq!(expected.len(), 10_000_000);
    s.ok(&["send-key", "-t", "big", "C-d"]);

    // cat exits on EOF, its pane closes, the session and the server end.
    let file = dir.join("big.txt");
    let done = wait_until(DEADLINE, || s.run(&["has-session", "-t", "big"]).code != 0);
    let got = std::fs::read(&file).unwrap_or_default();
    assert!(
        done,
        "cat did not finish; big.txt has {} of {} bytes",
        got.len(),
        expected.len()
    );
    assert_eq!(got.len(), expected.len(), "big.txt size");
    if got != expected.as_bytes() {
        let at = got
            .iter()
            .zip(expected.as_bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "big.txt differs at byte {at} (line {}): got {:?}",
            at / 100,
            String::from_utf8_lossy(&got[at.saturating_sub(20)..(at + 80).min(got.len())])
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "too slow: {:?}",
        started.elapsed()
    );
}

// 7 ------------------------------------------------------------------------------------------

#[test]
fn invalid_utf8_arguments_are_usage_errors() {
    let s = Server::new();
    s.start("work", &[]);
    s.wait_prompt("work");
    let before = model(&s);
    let seq = s.json(&["read-screen", "-t", "work"])["seq"].clone();
    let bad = OsStr::from_bytes(&[0xff, 0xfe]);

    let o: Out = s
        .command()
        .args(["send", "-t", "work", "--"])
        .arg(bad)
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("UTF-8"), "{o:?}");
    assert_eq!(o.stdout, "", "{o:?}");
    assert_eq!(s.json(&["read-screen", "-t", "work"])["seq"], seq);

    let o: Out = s
        .command()
        .args(["new-session", "-d", "-s", "bad", "--"])
        .arg(bad)
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("UTF-8"), "{o:?}");
    assert_eq!(model(&s), before, "something changed");
    assert_eq!(s.json(&["read-screen", "-t", "work"])["seq"], seq);

    // On a fresh socket the same usage error starts no server.
    let fresh = Server::new();
    let o: Out = fresh
        .command()
        .args(["new-session", "-d", "--"])
        .arg(bad)
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("UTF-8"), "{o:?}");
    assert!(!fresh.socket.exists(), "a server was started");
}

// 8 ------------------------------------------------------------------------------------------

#[test]
fn killed_waiter_does_not_swallow_the_signal() {
    let s = Server::new();
    s.start("work", &[]);
    // No client connection is open now.
    assert!(
        wait_until(DEADLINE, || server_conns(&s.socket) == 0),
        "connections linger: {}",
        server_conns(&s.socket)
    );

    let mut child = s
        .command()
        .args(["wait-for", "chan"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn wait-for");
    let pid = child.id();
    // The server has the connection and the client has sent its request and waits for the
    // reply: the server registers (or already registered) the waiter.
    let waiting = wait_until(DEADLINE, || {
        server_conns(&s.socket) == 1 && blocked_reading_reply(pid)
    });
    let status = child.try_wait().expect("try_wait");
    assert!(
        waiting,
        "wait-for never blocked on its reply (exited: {status:?}; /proc/{pid}/syscall: {:?})",
        std::fs::read_to_string(format!("/proc/{pid}/syscall"))
    );
    assert!(status.is_none(), "wait-for returned early: {status:?}");

    child.kill().expect("SIGKILL");
    let st = child.wait().expect("reap");
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&st), Some(9));

    // The server notices and drops the connection (and with it the waiter). Signalling before
    // it noticed would be racy by design: see the report.
    assert!(
        wait_until(DEADLINE, || server_conns(&s.socket) == 0),
        "the server kept the dead client's connection"
    );
    assert!(s.ok(&["list-sessions"]).contains("work: 1 windows"));

    let t = Instant::now();
    s.ok(&["wait-for", "-S", "chan"]);
    let o = s.run(&["wait-for", "chan", "--timeout", "1"]);
    assert_eq!(
        o.code, 0,
        "the signal was swallowed by the dead waiter: {o:?}"
    );
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    // The kept signal was consumed once: the next wait times out.
    let o = s.run(&["wait-for", "chan", "--timeout", "0.2"]);
    assert_failed(&o, 124, "wait-for", &["chan"]);
}

// 9 ------------------------------------------------------------------------------------------

#[test]
fn pane_process_killed_with_sigkill() {
    let s = Server::new();
    let pane = s.start("work", &[]);
    s.wait_prompt("work");
    let pid = pane_field(&s, &pane, "pid").as_i64().expect("pid") as i32;
    sigkill(pid);
    // The only pane of the only session: the session ends and the server with it.
    let (gone, last) = wait_no_server(&s, DEADLINE);
    assert!(gone, "server still answers: {last:?}");
    assert_no_server(&s, &last, "list-sessions");
    assert!(
        wait_until(DEADLINE, || !s.socket.exists()),
        "socket not removed"
    );

    // With --remain-on-exit the pane stays, dead, with the signal recorded.
    let pane = s.ok(&[
        "new-session",
        "-d",
        "-s",
        "keep",
        "--remain-on-exit",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    let pane = pane.trim();
    s.wait_prompt(pane);
    let pid = pane_field(&s, pane, "pid").as_i64().expect("pid") as i32;
    sigkill(pid);
    assert!(
        wait_until(DEADLINE, || pane_field(&s, pane, "dead")
            == Value::Bool(true)),
        "pane not marked dead"
    );
    let p = &s.json(&["list-panes", "-t", pane])[0];
    assert_eq!(p["exit"]["code"], Value::Null, "{p}");
    let sig = p["exit"]["signal"].as_str().unwrap_or_default();
    assert!(
        sig.to_lowercase().contains("kill") || sig.contains('9'),
        "exit.signal should name SIGKILL: {p}"
    );
    let plain = s.ok(&["list-panes", "-t", pane]);
    assert!(plain.contains(&format!("dead ({sig})")), "{plain}");
    assert_eq!(s.json(&["read-screen", "-t", pane])["dead"], true);
    assert!(s.ok(&["list-sessions"]).contains("keep: 1 windows"));
}

// 10 -----------------------------------------------------------------------------------------

#[test]
fn server_killed_with_sigkill_leaves_a_stale_socket_that_is_replaced() {
    let s = Server::new();
    s.start("work", &[]);
    let pid = s.pid().expect("server pid");
    sigkill(pid);
    let (gone, last) = wait_no_server(&s, DEADLINE);
    assert!(gone, "killed server still answers: {last:?}");
    assert_no_server(&s, &last, "list-sessions");
    assert!(
        s.socket.exists(),
        "expected the dead server's socket file to be left behind"
    );

    let pane = s.ok(&["new-session", "-d", "-s", "again", "--", "sh"]);
    assert_eq!(pane.trim(), "%0", "a new server starts from scratch");
    let ls = s.ok(&["list-sessions"]);
    assert!(ls.contains("again: 1 windows"), "{ls}");
    assert!(!ls.contains("work"), "{ls}");
    let new_pid = s.pid().expect("new server pid");
    assert_ne!(new_pid, pid);
}

// 11 -----------------------------------------------------------------------------------------

#[test]
fn protocol_version_mismatch_both_ways() {
    // A version-1 client (no negotiation): the server answers its own hello and hangs up.
    let s = Server::new();
    s.start("work", &[]);
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(DEADLINE)).expect("timeout");
    c.write_all(&codec::hello(1)).expect("hello");
    let mut h = [0u8; HELLO_LEN];
    c.read_exact(&mut h).expect("server hello");
    assert_eq!(&h, b"TDMX\x02\x00\x00\x00");
    assert_closed(&mut c);

    // A client whose version range does not meet the server's: a welcome naming both ranges
    // and the server's pid, then the server hangs up.
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(DEADLINE)).expect("timeout");
    c.write_all(&codec::hello(HELLO_VERSION)).expect("hello");
    c.write_all(b"{\"min_version\":900,\"max_version\":999}\n")
        .expect("negotiation");
    c.read_exact(&mut h).expect("server hello");
    let mut lines = codec::LineReader::new(4096);
    let w: codec::Welcome =
        codec::decode_line(&lines.read_line(&mut c, 4096).expect("welcome")).expect("decodes");
    assert_eq!(w.version, None);
    assert_eq!(w.max_version, PROTOCOL_VERSION);
    assert_eq!(Some(w.pid as i32), s.pid());
    let e = w.error.expect("an error");
    assert!(
        e.contains("900..=999") && e.contains("no common protocol version"),
        "{e}"
    );
    assert_closed(&mut c);
    assert!(s.ok(&["list-sessions"]).contains("work"));

    // A version-1 "server": the client names both versions and sends nothing more.
    let mut fake = Server::new();
    fake.socket = fake.dir.path().join("fake.sock");
    let listener = UnixListener::bind(&fake.socket).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let server = std::thread::spawn(move || {
        let mut conn = None;
        wait_until(DEADLINE, || match listener.accept() {
            Ok((c, _)) => {
                conn = Some(c);
                true
            }
            Err(_) => false,
        });
        let mut c = conn.expect("the client connected");
        c.set_nonblocking(false).expect("blocking");
        c.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let mut h = [0u8; HELLO_LEN];
        c.read_exact(&mut h).expect("client hello");
        // The rest of the client's first write: its negotiation line and its request (a
        // one-shot command sends both with the hello; a version-1 server never reads them).
        let mut first = vec![0u8; 64 * 1024];
        let n = c.read(&mut first).expect("the client's first write");
        first.truncate(n);
        c.write_all(&codec::hello(1)).expect("our hello");
        // After our hello, nothing more may come.
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
        (h, first, rest)
    });
    let o = fake.run(&["list-sessions"]);
    let (client_hello, first, rest) = server.join().expect("fake server");
    assert_eq!(client_hello, codec::hello(HELLO_VERSION));
    let first = String::from_utf8_lossy(&first);
    let lines: Vec<&str> = first.lines().collect();
    assert!(
        lines.len() == 2
            && lines[0].starts_with("{\"min_version\"")
            && lines[1].contains("\"method\":\"list-sessions\""),
        "the client's first write is its negotiation line and its request: {first:?}"
    );
    assert!(
        rest.is_empty(),
        "the client sent more after a version-1 hello: {:?}",
        String::from_utf8_lossy(&rest)
    );
    assert_failed(
        &o,
        1,
        "list-sessions",
        &[
            &format!("version {PROTOCOL_VERSION}"),
            "version 1",
            "restart the server",
            fake.socket.to_str().expect("UTF-8"),
        ],
    );
}

/// The hello, the negotiation line and the first request may come in one write (the CLI's
/// one-shot commands send them so, docs/protocol.md "Requests in the first write"): the server
/// answers its hello and the welcome in one write, then the request. A peer that waits for
/// the server's hello before sending its negotiation line still gets it at once.
#[test]
fn the_first_request_may_come_with_the_handshake() {
    let s = Server::new();
    s.start("work", &[]);
    let hello_line = codec::encode_line(&codec::Hello::ours("test")).expect("hello line");
    let request = |id, r: &Request| codec::encode_request(id, None, r).expect("request");

    // Everything in one write: one read gets the server's hello and the whole welcome
    // (they were written together), then the reply to the request follows.
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut out = codec::hello(HELLO_VERSION).to_vec();
    out.extend(&hello_line);
    out.extend(request(7, &Request::ListSessions));
    c.write_all(&out).expect("one write");
    let mut buf = vec![0u8; 4096];
    let n = c.read(&mut buf).expect("server hello and welcome");
    assert!(n > HELLO_LEN, "only {n} bytes in the first read");
    assert_eq!(&buf[..HELLO_LEN], b"TDMX\x02\x00\x00\x00");
    let mut lines = codec::LineReader::new(MAX_FRAME_LEN as usize);
    lines.feed(&buf[HELLO_LEN..n]);
    let welcome = lines
        .take_line()
        .expect("line")
        .expect("the whole welcome came with the hello, in one write");
    let w: codec::Welcome = codec::decode_line(&welcome).expect("welcome");
    assert_eq!(w.version, Some(PROTOCOL_VERSION));
    let (id, r) =
        codec::decode_reply(&lines.read_line(&mut c, 4096).expect("reply")).expect("decodes");
    assert_eq!(id, Some(7));
    match r {
        Response::Sessions(v) => assert!(v.iter().any(|x| x.name == "work"), "{v:?}"),
        other => panic!("not sessions: {other:?}"),
    }

    // A peer that waits for the server's hello before its negotiation line gets the hello
    // first, then the welcome, then its replies.
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(DEADLINE)).expect("timeout");
    c.write_all(&codec::hello(HELLO_VERSION)).expect("hello");
    let mut h = [0u8; HELLO_LEN];
    c.read_exact(&mut h)
        .expect("the server's hello comes before the negotiation line is sent");
    assert_eq!(&h, b"TDMX\x02\x00\x00\x00");
    c.write_all(&hello_line).expect("negotiation");
    let mut lines = codec::LineReader::new(MAX_FRAME_LEN as usize);
    let w: codec::Welcome =
        codec::decode_line(&lines.read_line(&mut c, 4096).expect("welcome")).expect("decodes");
    assert_eq!(w.version, Some(PROTOCOL_VERSION));
    c.write_all(&request(8, &Request::ListSessions))
        .expect("request");
    let (id, _) =
        codec::decode_reply(&lines.read_line(&mut c, 4096).expect("reply")).expect("decodes");
    assert_eq!(id, Some(8));

    // A negotiation that fails never runs the request that came with it: the welcome says
    // why, the server hangs up, and it still serves (the request was `kill-server`).
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut out = codec::hello(HELLO_VERSION).to_vec();
    out.extend(b"{\"min_version\":900,\"max_version\":999}\n");
    out.extend(request(1, &Request::KillServer));
    c.write_all(&out).expect("one write");
    c.read_exact(&mut h).expect("server hello");
    let mut lines = codec::LineReader::new(4096);
    let w: codec::Welcome =
        codec::decode_line(&lines.read_line(&mut c, 4096).expect("welcome")).expect("decodes");
    assert_eq!(w.version, None);
    assert!(w.error.is_some());
    assert_closed(&mut c);
    assert!(s.ok(&["list-sessions"]).contains("work"));
}

// 12 -----------------------------------------------------------------------------------------

#[test]
fn malformed_and_oversized_frames_get_error_replies() {
    let s = Server::new();
    s.start("work", &[]);
    let mut c = Raw::connect(&s.socket);
    let expect_error = |r: Response, needle: &str| match r {
        Response::Error(e) => {
            assert_eq!(e.kind, ErrorKind::Protocol, "{e:?}");
            assert!(e.message.contains(needle), "{e:?}");
        }
        other => panic!("expected an error reply, got {other:?}"),
    };

    // An unknown method: an error reply with the same id; the connection stays usable.
    c.stream
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"frobnicate\"}\n")
        .expect("write");
    let (id, r) = c.read().expect("reply");
    assert_eq!(id, Some(77));
    expect_error(r, "unknown method 'frobnicate'");
    // Garbage: an error reply with a null id.
    c.stream.write_all(&[250, 250, 250, b'\n']).expect("write");
    let (id, r) = c.read().expect("reply");
    assert_eq!(id, None);
    expect_error(r, "not a JSON object");
    match c.call(78, Request::ListSessions) {
        Response::Sessions(v) => {
            assert_eq!(v.len(), 1);
            assert_eq!(v[0].name, "work");
        }
        other => panic!("expected sessions for id 78, got {other:?}"),
    }

    // A line over the limit: an error reply, then the connection is closed (the server never
    // holds more than the limit and one read of it).
    let big = vec![b'x'; MAX_FRAME_LEN as usize + READ_CHUNK];
    let _ = c.stream.write_all(&big); // the server may hang up before all of it is written
    let (id, r) = c.read().expect("reply");
    assert_eq!(id, None);
    expect_error(r, &MAX_FRAME_LEN.to_string());
    assert_closed(&mut c.stream);

    // The server carries on.
    assert!(s.ok(&["list-sessions"]).contains("work: 1 windows"));
    s.ok(&["read-screen", "-t", "work"]);
}

// 13 -----------------------------------------------------------------------------------------

#[test]
fn another_uid_is_refused_and_socket_is_private() {
    // `-L NAME` with TIDEMUX_TMPDIR: the directory is created 0700, the socket is 0600.
    let mut priv_s = Server::new();
    let rt = priv_s.dir.path().join("rt");
    priv_s.socket = rt.join("lname");
    let o: Out = Command::new(exe())
        .args(["-L", "lname", "new-session", "-d", "-s", "w", "--", "sh"])
        .env_remove("TIDEMUX")
        .env_remove("TIDEMUX_PANE")
        .env_remove("TIDEMUX_SOCKET")
        .env("TIDEMUX_TMPDIR", &rt)
        .stdin(Stdio::null())
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let dmode = std::fs::metadata(&rt).expect("dir").permissions().mode();
    assert_eq!(dmode & 0o777, 0o700, "socket dir mode {dmode:o}");
    let sm = std::fs::symlink_metadata(&priv_s.socket).expect("socket");
    assert!(sm.file_type().is_socket());
    assert_eq!(sm.permissions().mode() & 0o777, 0o600, "socket mode");
    assert!(priv_s.ok(&["list-sessions"]).contains("w: 1 windows"));

    // Another uid, with the file permissions opened up: the server itself must refuse.
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipping the foreign-uid half: not running as root");
        return;
    }
    let Some(setpriv) = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("skipping the foreign-uid half: setpriv not found");
        return;
    };
    let s = Server::new();
    s.start("work", &[]);
    std::fs::set_permissions(s.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&s.socket, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let o: Out = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", exe()])
        .arg("-S")
        .arg(&s.socket)
        .arg("list-sessions")
        .env_remove("TIDEMUX")
        .env_remove("TIDEMUX_PANE")
        .env_remove("TIDEMUX_SOCKET")
        .current_dir("/")
        .stdin(Stdio::null())
        .output()
        .expect("run setpriv")
        .into();
    assert_failed(
        &o,
        1,
        "list-sessions",
        &["belongs to uid 0", "refuses other users"],
    );
    assert!(
        !o.stderr.contains("denied"),
        "refused by file permissions, not by the server: {o:?}"
    );
    assert!(
        wait_until(DEADLINE, || s
            .log()
            .contains("refused a connection from another uid")),
        "server log does not record the refusal:\n{}",
        s.log()
    );
    assert!(s.ok(&["list-sessions"]).contains("work: 1 windows"));
}

// 14 -----------------------------------------------------------------------------------------

#[test]
fn has_session_and_killing_the_last_session_stops_the_server() {
    let s = Server::new();
    s.start("work", &[]);
    let o = s.run(&["has-session", "-t", "nosuch"]);
    assert_failed(&o, 1, "has-session", &["'nosuch'"]);
    let o = s.run(&["has-session", "-t", "work"]);
    assert_eq!((o.code, o.stdout.as_str(), o.stderr.as_str()), (0, "", ""));

    // Killing the last session succeeds (its reply must be sent before the server goes) and
    // stops the server. Repeated: the reply races the server's exit.
    for round in 0..KILL_ROUNDS {
        if round > 0 {
            s.start("work", &["sh"]);
        }
        let o = s.run(&["kill-session", "-t", "work"]);
        assert_eq!(
            (o.code, o.stdout.as_str(), o.stderr.as_str()),
            (0, "", ""),
            "kill-session of the last session, round {round}"
        );
        assert!(
            wait_until(DEADLINE, || !s.socket.exists()),
            "socket file still there after the last session was killed"
        );
        let o = s.run(&["list-sessions"]);
        assert_no_server(&s, &o, "list-sessions");
        let o = s.run(&["has-session", "-t", "work"]);
        assert_no_server(&s, &o, "has-session");
    }
}

/// How many times [`has_session_and_killing_the_last_session_stops_the_server`] kills the last
/// session (the lost reply happened about once in 20 tries on an idle 2-core machine).
const KILL_ROUNDS: usize = 20;

// 15 -----------------------------------------------------------------------------------------

#[test]
fn stale_socket_file_is_replaced() {
    let s = Server::new();
    drop(UnixListener::bind(&s.socket).expect("bind"));
    let ft = std::fs::symlink_metadata(&s.socket).expect("left over");
    assert!(ft.file_type().is_socket());
    let o = s.run(&["list-sessions"]);
    assert_no_server(&s, &o, "list-sessions");

    s.start("fresh", &["sh"]);
    let ls = s.ok(&["list-sessions"]);
    assert_eq!(ls, "fresh: 1 windows ($0)\n");
}

#[test]
fn an_exiting_server_leaves_a_new_servers_socket_alone() {
    let s = Server::new();
    // The old server lingers 1 s between closing its listener and removing its socket (a test
    // hook), so the new server starts inside that window every time.
    let o: Out = s
        .command()
        .env("TIDEMUX_TEST_EXIT_DELAY_MS", "1000")
        .args(["new-session", "-d", "-s", "old", "--", "sleep", "1000"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let old_pid = s.pid().expect("old server pid");
    s.ok(&["kill-server"]);
    s.ok(&["new-session", "-d", "-s", "new", "--", "sleep", "1000"]);
    // Once the old server is gone, the new one must still answer on the same path.
    assert!(wait_until(DEADLINE, || !crate::support::process_alive(
        old_pid
    )));
    let o = s.run(&["list-sessions"]);
    assert_eq!(o.code, 0, "the new server lost its socket: {o:?}");
    assert!(o.stdout.contains("new:"), "{o:?}");
}
