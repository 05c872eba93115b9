//! Hardening, client and connection side (issue 8): every wait ends, input only from its own
//! client, every size, count and connection a client controls has a bound, and nothing is held
//! for a client that went away. Each test reproduces one attack against the real server.

use crate::support::{exe, wait_blocked, wait_until, Out, Raw, Server, DEADLINE};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tidemux_proto::{ErrorKind, Request, Response, MAX_FRAME_LEN};

/// A raw connection that has done the hello and the negotiation.
fn raw(sock: &Path) -> Raw {
    Raw::connect(sock)
}

/// Writes one request line.
fn send(c: &mut Raw, id: u64, request: Request) {
    c.send(id, &request);
}

/// Reads one reply line (`u64::MAX` for a reply with a null id).
fn reply(c: &mut Raw) -> (u64, Response) {
    let (id, r) = c.read().expect("reply line");
    (id.unwrap_or(u64::MAX), r)
}

/// Reads replies until one has id `id` (attach frames in between are skipped).
#[track_caller]
fn reply_to(c: &mut Raw, id: u64) -> Response {
    loop {
        let (rid, r) = reply(c);
        if rid == id {
            return r;
        }
    }
}

/// The server-side ends of client connections to `sock` (from /proc/net/unix).
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

/// Waits for `child` to exit within `timeout`; kills it and fails otherwise.
#[track_caller]
fn wait_child(mut child: Child, timeout: Duration, what: &str) -> Out {
    let done = wait_until(timeout, || child.try_wait().expect("try_wait").is_some());
    if !done {
        let _ = child.kill();
        let o: Out = child.wait_with_output().expect("output").into();
        panic!("{what} did not end within {timeout:?}: {o:?}");
    }
    child.wait_with_output().expect("output").into()
}

/// A kilobyte field of the server's /proc status (`VmRSS`, `VmHWM`).
fn proc_kb(pid: i32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    s.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("field")
}

/// CPU time (user + system) of `pid`, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let rest = &stat[stat.rfind(')').expect(")") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime")
}

fn sigkill(pid: u32) {
    let p = rustix::process::Pid::from_raw(pid as i32).expect("pid");
    rustix::process::kill_process(p, rustix::process::Signal::KILL).expect("kill -9");
}

// 2: a wait ends when its pane closes ----------------------------------------------------------

#[test]
fn wait_ends_with_pane_closed_when_its_pane_is_killed_or_exits() {
    let s = Server::new();
    s.start("work", &["sleep", "100000"]);

    // Killed while a wait (and a send --wait) on it runs.
    let p = s.ok(&["split-window", "-t", "work", "-d", "--", "sleep", "100000"]);
    let p = p.trim().to_owned();
    let wait = s
        .command()
        .args(["wait", "-t", &p, "--text", "NOMATCH", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wait");
    let send = s
        .command()
        .args(["send", "-t", &p, "x", "--wait-text", "NOMATCH"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn send");
    wait_blocked(&[&wait, &send]);
    s.ok(&["kill-pane", "-t", &p]);
    let o = wait_child(wait, DEADLINE, "wait on a killed pane");
    assert_eq!(o.code, 3, "exit code of a wait whose pane closed: {o:?}");
    let v: Value = serde_json::from_str(o.stdout.trim()).expect("JSON outcome");
    assert_eq!(v["condition"], "pane-closed", "{v}");
    assert_eq!(v["timed_out"], false, "{v}");
    assert!(
        o.stderr.contains(&format!("pane {p} closed")),
        "stderr names the closed pane: {o:?}"
    );
    let o = wait_child(send, DEADLINE, "send --wait-text on a killed pane");
    assert_eq!(o.code, 3, "{o:?}");
    assert!(o.stderr.contains("closed"), "{o:?}");

    // Its process exits (no remain-on-exit): the pane closes, the status is reported.
    let p = s.ok(&[
        "split-window",
        "-t",
        "work",
        "-d",
        "--",
        "sh",
        "-c",
        "read x; exit 7",
    ]);
    let p = p.trim().to_owned();
    let wait = s
        .command()
        .args(["wait", "-t", &p, "--text", "NOMATCH", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wait");
    wait_blocked(&[&wait]);
    s.ok(&["send", "-t", &p, "--enter", "go"]);
    let o = wait_child(wait, DEADLINE, "wait on a pane whose process exits");
    assert_eq!(o.code, 3, "{o:?}");
    let v: Value = serde_json::from_str(o.stdout.trim()).expect("JSON outcome");
    assert_eq!(v["condition"], "pane-closed", "{v}");
    assert_eq!(v["exit"]["code"], 7, "exit status when known: {v}");
    assert!(s.ok(&["list-sessions"]).contains("work"));
}

// 3: input only from its own client -------------------------------------------------------------

#[test]
fn no_connection_types_as_another_client_and_read_only_input_is_refused() {
    let s = Server::new();
    let pane = s.start("work", &["cat"]);
    let attach = |c: &mut Raw, read_only: bool| -> u32 {
        send(
            c,
            1,
            Request::Attach {
                target: Some("work".into()),
                read_only,
                cols: 80,
                rows: 24,
                terminal: None,
                flags: None,
            },
        );
        match reply(c) {
            (1, Response::Frame(f)) => f.client,
            other => panic!("expected a first frame, got {other:?}"),
        }
    };
    let mut rw = raw(&s.socket);
    let rw_id = attach(&mut rw, false);
    let mut ro = raw(&s.socket);
    let ro_id = attach(&mut ro, true);

    // Another connection (here the observer's own command connection would do) addressing the
    // read-write client by number: refused, nothing typed.
    let mut other = raw(&s.socket);
    send(
        &mut other,
        5,
        Request::ClientInput {
            client: rw_id,
            bytes: b"INJECTED\r".to_vec(),
        },
    );
    match reply(&mut other) {
        (5, Response::Error(e)) => {
            assert_eq!(e.kind, ErrorKind::Invalid, "{e:?}");
            assert!(e.message.contains("attach connection"), "{e:?}");
        }
        other => panic!("numbered client input was not refused: {other:?}"),
    }
    send(
        &mut other,
        6,
        Request::ClientResize {
            client: ro_id,
            cols: 20,
            rows: 5,
        },
    );
    assert!(matches!(reply(&mut other), (6, Response::Error(_))));
    // Attach requests outside an attach connection are refused too.
    send(
        &mut other,
        7,
        Request::AttachInput {
            bytes: b"STRAY\r".to_vec(),
        },
    );
    assert!(matches!(reply(&mut other), (7, Response::Error(_))));

    // The observer's own input: refused at the server, with a reply to that frame.
    send(
        &mut ro,
        2,
        Request::AttachInput {
            bytes: b"OBSERVER\r".to_vec(),
        },
    );
    match reply_to(&mut ro, 2) {
        Response::Error(e) => assert!(e.message.contains("read-only"), "{e:?}"),
        other => panic!("read-only input was not refused: {other:?}"),
    }

    // The read-write client types on its own connection; resize and detach go there too.
    send(
        &mut rw,
        2,
        Request::AttachInput {
            bytes: b"typed-by-rw\r".to_vec(),
        },
    );
    s.wait_text(&pane, "typed-by-rw");
    send(&mut rw, 3, Request::AttachResize { cols: 60, rows: 11 });
    assert!(
        wait_until(DEADLINE, || {
            let w = s.json(&["list-windows", "-t", "work"]);
            w[0]["cols"] == 60 && w[0]["rows"] == 10
        }),
        "the resize on the attach connection was not applied"
    );
    send(&mut rw, 4, Request::AttachDetach);
    loop {
        match reply_to(&mut rw, 1) {
            Response::Detached(r) => break assert_eq!(r, tidemux_proto::DetachReason::Detached),
            Response::Frame(_) => {}
            other => panic!("expected Detached, got {other:?}"),
        }
    }

    let screen = s.screen(&pane);
    assert!(
        !screen.contains("INJECTED"),
        "another connection typed:\n{screen}"
    );
    assert!(
        !screen.contains("OBSERVER"),
        "the observer typed:\n{screen}"
    );
    assert!(
        !screen.contains("STRAY"),
        "a stray attach input typed:\n{screen}"
    );
}

// 6 and 11: sizes and counts a client asks for ------------------------------------------------

#[test]
fn window_sizes_and_key_repeats_are_bounded_with_clear_errors() {
    let s = Server::new();
    s.start("work", &["cat"]);
    for (x, y) in [("2001", "1000"), ("10000", "10000"), ("10001", "1")] {
        let o = s.run(&["new-session", "-d", "-x", x, "-y", y]);
        assert_eq!(o.code, 1, "new-session -x {x} -y {y}: {o:?}");
        assert!(
            o.stderr.contains(&format!("{x}x{y}")) && o.stderr.contains("2000000"),
            "{o:?}"
        );
    }
    let o = s.run(&["resize-window", "-t", "work", "-x", "4000", "-y", "4000"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("4000x4000"), "{o:?}");
    let w = s.json(&["list-windows", "-t", "work"]);
    assert_eq!(
        (w[0]["cols"].clone(), w[0]["rows"].clone()),
        (80.into(), 24.into())
    );
    s.ok(&["resize-window", "-t", "work", "-x", "2000", "-y", "1000"]);
    let o = s.run(&["new-session", "-d", "--history-limit", "4294967295"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("1000000"), "{o:?}");

    let started = Instant::now();
    let o = s.run(&["send-key", "-t", "work", "-N", "4294967295", "F12"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("limit") && o.stderr.contains("-N"),
        "the error names the bound: {o:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let v: Value =
        serde_json::from_str(&s.ok(&["--json", "send-key", "-t", "work", "-N", "1000", "a"]))
            .expect("JSON");
    assert_eq!(v["bytes"], 1000, "{v}");
}

#[test]
fn names_and_messages_set_by_a_client_are_bounded() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let long = "n".repeat(257);
    for args in [
        vec!["rename-session", "-t", "work", &long],
        vec!["rename-window", "-t", "work", &long],
        vec!["rename-pane", "-t", "%0", &long],
        vec!["new-session", "-d", "-s", &long],
        vec!["new-window", "-t", "work", "-n", &long],
    ] {
        let o = s.run(&args);
        assert_eq!(o.code, 1, "{args:?}: {o:?}");
        assert!(
            o.stderr.contains("257 bytes") && o.stderr.contains("256"),
            "{o:?}"
        );
    }
    s.ok(&["rename-pane", "-t", "%0", &"n".repeat(256)]);
    let o = s.run(&["notify", "-t", "work", &"m".repeat(4097)]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("4096"), "{o:?}");
    s.ok(&["notify", "-t", "work", &"m".repeat(4096)]);
    assert_eq!(s.json(&["list-sessions"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn attach_sizes_announced_by_a_client_are_bounded() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let mut c = raw(&s.socket);
    send(
        &mut c,
        1,
        Request::Attach {
            target: Some("work".into()),
            read_only: false,
            cols: 10_001,
            rows: 4,
            terminal: None,
            flags: None,
        },
    );
    match reply(&mut c) {
        (1, Response::Frame(f)) => assert!(f.cols <= 10_000, "{}x{}", f.cols, f.rows),
        other => panic!("expected a frame, got {other:?}"),
    }
    let w = s.json(&["list-windows", "-t", "work"]);
    assert!(w[0]["cols"].as_u64().expect("cols") <= 10_000, "{w}");

    send(
        &mut c,
        2,
        Request::AttachResize {
            cols: 4000,
            rows: 700,
        },
    );
    assert!(
        wait_until(DEADLINE, || {
            let w = s.json(&["list-windows", "-t", "work"]);
            w[0]["cols"] == 4000
        }),
        "resize not applied"
    );
    let w = s.json(&["list-windows", "-t", "work"]);
    let area = w[0]["cols"].as_u64().expect("cols") * w[0]["rows"].as_u64().expect("rows");
    assert!(area <= 2_000_000, "window {w}");
    send(
        &mut c,
        3,
        Request::AttachResize {
            cols: u16::MAX,
            rows: u16::MAX,
        },
    );
    send(&mut c, 4, Request::AttachResize { cols: 0, rows: 0 });
    assert!(
        wait_until(DEADLINE, || s.json(&["list-windows", "-t", "work"])[0]
            ["cols"]
            == 1),
        "a 0x0 client is clamped to 1 column"
    );
    assert!(s.ok(&["list-sessions"]).contains("work"));
}

// 7: nothing held for a client that went away ---------------------------------------------------

#[test]
fn a_killed_client_releases_its_connection_during_a_submit_delay() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let child = s
        .command()
        .args([
            "send",
            "-t",
            "work",
            "--submit",
            "--submit-delay",
            "86400000",
            "hello",
        ])
        .spawn()
        .expect("spawn send");
    s.wait_text("work", "hello");
    wait_blocked(&[&child]);
    assert!(
        wait_until(DEADLINE, || server_conns(&s.socket) == 1),
        "the send's connection"
    );
    sigkill(child.id());
    let mut child = child;
    let _ = child.wait();
    assert!(
        wait_until(DEADLINE, || server_conns(&s.socket) == 0),
        "the server still holds the dead client's connection"
    );
}

#[test]
fn requests_pipelined_behind_a_wait_are_kept_and_served_next() {
    // The server watches for the client's disconnect while a request waits; bytes the client
    // sends meanwhile must not be lost.
    let s = Server::new();
    s.start("work", &["cat"]);
    let mut c = raw(&s.socket);
    send(
        &mut c,
        1,
        Request::WaitFor {
            channel: "go".into(),
            signal: false,
            timeout_ms: None,
        },
    );
    send(&mut c, 2, Request::ListSessions);
    s.ok(&["wait-for", "-S", "go"]);
    assert!(matches!(reply(&mut c), (1, Response::Ok)));
    match reply(&mut c) {
        (2, Response::Sessions(v)) => assert_eq!(v.len(), 1),
        other => panic!("the pipelined request was lost: {other:?}"),
    }
}

#[test]
fn kept_wait_for_signals_are_bounded_by_count_and_name_length() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let long = "x".repeat(257);
    let o = s.run(&["wait-for", "-S", &long]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("256"), "{o:?}");
    s.ok(&["wait-for", "-S", &"y".repeat(256)]);

    let mut c = raw(&s.socket);
    let mut next = 0u64;
    let mut refused = None;
    'outer: for _ in 0..101 {
        for _ in 0..100 {
            next += 1;
            send(
                &mut c,
                next,
                Request::WaitFor {
                    channel: format!("chan-{next}"),
                    signal: true,
                    timeout_ms: None,
                },
            );
        }
        for id in next - 99..=next {
            match reply(&mut c) {
                (rid, Response::Ok) => assert_eq!(rid, id),
                (rid, Response::Error(e)) => {
                    refused = Some((rid, e));
                    break 'outer;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    let (rid, e) = refused.expect("10,000+ kept signals were all accepted");
    assert_eq!(
        rid, 10_000,
        "the 10,000th kept signal (one is already kept) is refused"
    );
    assert!(e.message.contains("10000"), "{e:?}");
    // Waiting consumes a kept signal, which makes room again.
    s.ok(&["wait-for", "chan-1"]);
    s.ok(&["wait-for", "-S", "another"]);
}

// 14: connections ------------------------------------------------------------------------------

#[test]
fn a_silent_connection_is_closed_after_the_handshake_deadline() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let t = Instant::now();
    let mut b = [0u8; 8];
    match c.read(&mut b) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("a silent connection was not closed: {other:?}"),
    }
    assert!(t.elapsed() >= Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn connections_over_the_cap_are_refused_with_a_clear_message() {
    let s = Server::new();
    let o: Out = s
        .command()
        .env("TIDEMUX_MAX_CONNECTIONS", "3")
        .args(["new-session", "-d", "-s", "work", "--", "cat"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let held: Vec<Raw> = (0..3).map(|_| raw(&s.socket)).collect();
    let o = s.run(&["list-sessions"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("server busy") && o.stderr.contains("TIDEMUX_MAX_CONNECTIONS"),
        "{o:?}"
    );
    drop(held);
    assert!(
        wait_until(DEADLINE, || s.run(&["list-sessions"]).code == 0),
        "the server did not take clients again once connections closed"
    );
}

#[test]
fn partial_lines_cost_only_the_bytes_that_arrived() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let pid = s.pid().expect("pid");
    // One whole line at the 16 MiB limit first (garbage: an error reply): the allocator then
    // serves later buffers of that size from its heap, where a large allocation is touched at
    // once; and the connection's buffer shrinks back after it.
    let mut warm = raw(&s.socket);
    let mut f = vec![0xfa_u8; MAX_FRAME_LEN as usize - 1];
    f.push(b'\n');
    warm.stream.write_all(&f).expect("write a whole line");
    assert!(matches!(reply(&mut warm), (u64::MAX, Response::Error(_))));
    drop(f);
    let before = proc_kb(pid, "VmRSS");
    let mut conns = Vec::new();
    for _ in 0..30u64 {
        let mut c = raw(&s.socket);
        c.stream
            .write_all(b"{\"id\":1,")
            .expect("write a partial line");
        conns.push(c);
    }
    // Every connection's bytes were read once the server answers a request after them.
    assert!(s.ok(&["list-sessions"]).contains("work"));
    // Watch the server's memory for a while: an up-front allocation shows at once.
    let mut after = before;
    let grew = wait_until(Duration::from_millis(500), || {
        after = proc_kb(pid, "VmRSS");
        after > before + 64 * 1024
    });
    assert!(
        !grew,
        "RSS grew from {before} kB to {after} kB for 30 partial lines"
    );
    drop(conns);
    drop(warm);
}

#[test]
fn accept_out_of_descriptors_backs_off_instead_of_spinning() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let pid = s.pid().expect("pid");
    let rpid = rustix::process::Pid::from_raw(pid).expect("pid");
    let open_fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("fds")
        .count() as u64;
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let hard = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(4))
        .and_then(|v| v.parse::<u64>().ok());
    let Ok(old) = rustix::process::prlimit(
        Some(rpid),
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: Some(open_fds),
            maximum: hard,
        },
    ) else {
        eprintln!("skipping: cannot set the server's descriptor limit");
        return;
    };
    // Connections the server cannot accept wait in the backlog.
    let conns: Vec<UnixStream> = (0..8)
        .filter_map(|_| UnixStream::connect(&s.socket).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_millis(1500));
    let spent = cpu_ticks(pid) - t0;
    let logged = s.log().matches("accept failed").count();
    rustix::process::prlimit(Some(rpid), rustix::process::Resource::Nofile, old)
        .expect("restore limit");
    drop(conns);
    // Spinning logs every retry (thousands of lines a second) and burns a core; backing off
    // logs once per 10 s.
    assert!(
        (1..=2).contains(&logged),
        "{logged} 'accept failed' lines in 1.8 s (and {spent} ticks of CPU)"
    );
    assert!(
        spent < 100,
        "the accept loop spun: {spent} ticks of CPU in 1.5 s"
    );
    assert!(
        wait_until(DEADLINE, || s.run(&["list-sessions"]).code == 0),
        "the server does not accept again once descriptors are free"
    );
}

// 16: events ------------------------------------------------------------------------------------

#[test]
fn event_replay_is_bounded_by_bytes() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let mut c = raw(&s.socket);
    let msg = "m".repeat(4000);
    // 3,000 events of 4 kB: 12 MB, well under the count bound.
    for batch in 0..30u64 {
        for i in 0..100 {
            send(
                &mut c,
                batch * 100 + i,
                Request::Notify {
                    target: Some("work".into()),
                    message: msg.clone(),
                    clear: false,
                },
            );
        }
        for _ in 0..100 {
            assert!(matches!(reply(&mut c), (_, Response::Ok)));
        }
    }
    let mut ev = raw(&s.socket);
    send(
        &mut ev,
        1,
        Request::Events {
            after: Some(0),
            filters: vec![],
        },
    );
    match reply(&mut ev) {
        (1, Response::Event(e)) => assert_eq!(
            e.kind,
            tidemux_proto::EventKind::EventsLost,
            "the oldest events were kept: {e:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_stalled_events_subscriber_gets_a_final_line_and_a_distinct_exit_code() {
    let s = Server::new();
    s.start("work", &["cat"]);
    let mut sub = s
        .command()
        .args(["events", "--filter", "attention"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn events");
    assert!(wait_until(DEADLINE, || server_conns(&s.socket) == 1));
    // Nobody reads the subscriber's stdout: its pipe and socket fill, the server stalls.
    let mut c = raw(&s.socket);
    let msg = "s".repeat(4000);
    let mut id = 0;
    // Publish until the server drops the subscriber (it logs so), at most DEADLINE.
    let dropped = wait_until(DEADLINE, || {
        for _ in 0..50 {
            id += 1;
            send(
                &mut c,
                id,
                Request::Notify {
                    target: Some("work".into()),
                    message: msg.clone(),
                    clear: false,
                },
            );
        }
        for _ in 0..50 {
            reply(&mut c);
        }
        s.log().contains("dropping an events subscriber")
    });
    if !dropped {
        let _ = sub.kill();
        panic!("the stalled subscriber was never dropped");
    }
    let mut out = String::new();
    sub.stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let o = wait_child(sub, DEADLINE, "the dropped subscriber");
    let last = out.lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {last:.200}"));
    assert_eq!(v["kind"], "subscriber-dropped", "{last:.300}");
    assert_eq!(o.code, 4, "{o:?}");
}

// 9: the per-user socket directory ---------------------------------------------------------------

#[test]
fn socket_directory_must_be_private_and_is_never_chmodded() {
    let s = Server::new();
    let run_in = |dir: &Path| -> Out {
        Command::new(exe())
            .args(["-L", "x", "list-sessions"])
            .env_remove("TIDEMUX")
            .env_remove("TIDEMUX_PANE")
            .env_remove("TIDEMUX_SOCKET")
            .env("TIDEMUX_TMPDIR", dir)
            .stdin(Stdio::null())
            .output()
            .expect("run")
            .into()
    };
    // Open to others (as /tmp is): refused, and left as it was.
    for mode in [0o755, 0o1777] {
        let d = s.dir.path().join(format!("open-{mode:o}"));
        std::fs::create_dir(&d).expect("mkdir");
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let o = run_in(&d);
        assert_eq!(o.code, 1, "{o:?}");
        assert!(
            o.stderr.contains("refusing socket directory") && o.stderr.contains("mode"),
            "{o:?}"
        );
        let now = std::fs::metadata(&d).expect("dir").permissions().mode() & 0o7777;
        assert_eq!(now, mode, "the directory was chmodded");
    }
    // A symlink to a private directory: refused.
    let target = s.dir.path().join("private");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let link = s.dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let o = run_in(&link);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("symlink"), "{o:?}");
    // A fresh one is created 0700 and used.
    let fresh = s.dir.path().join("fresh");
    let o = run_in(&fresh);
    assert!(o.stderr.contains("no server running"), "{o:?}");
    let m = std::fs::metadata(&fresh)
        .expect("created")
        .permissions()
        .mode();
    assert_eq!(m & 0o777, 0o700);
}
