//! The interactive client, end to end: `tidemux attach` runs inside a pane of a second
//! ("outer") tidemux server, whose pane is the client's terminal. The tests type into the client
//! with the outer server's `send`/`send-key`, read what it draws with the outer `read-screen`,
//! resize its terminal with the outer `resize-window`, and check the effect on the session
//! under test in the "inner" server.

use crate::support::{exe, wait_until, Server, DEADLINE};
use serde_json::Value;
use std::time::Duration;

/// An inner server with the session `work` under test, and an outer server whose panes run
/// attach clients.
pub(crate) struct Rig {
    pub(crate) inner: Server,
    pub(crate) outer: Server,
}

impl Rig {
    /// Both servers; nothing started yet.
    pub(crate) fn empty() -> Self {
        Rig {
            inner: Server::new(),
            outer: Server::new(),
        }
    }

    /// `work` runs bash (80x24 until a client attaches); waits for its prompt.
    pub(crate) fn new() -> Self {
        let rig = Rig::empty();
        rig.inner.start("work", &[]);
        rig.inner.wait_prompt("work");
        rig
    }

    /// The inner socket as a string.
    pub(crate) fn sock(&self) -> &str {
        self.inner.socket.to_str().expect("utf-8 socket path")
    }

    /// Starts the outer session `name` (`cols` x `rows`, kept after its process exits) whose
    /// pane runs `tidemux -S INNER ARGS...` outside any tidemux environment; returns the pid of
    /// the process in the pane (the client: `env` execs it).
    pub(crate) fn spawn(&self, name: &str, cols: u16, rows: u16, args: &[&str]) -> i32 {
        let (c, r) = (cols.to_string(), rows.to_string());
        let mut a = vec![
            "new-session",
            "-d",
            "-s",
            name,
            "--remain-on-exit",
            "-x",
            &c,
            "-y",
            &r,
            "--",
            "env",
            "-u",
            "TIDEMUX",
            "-u",
            "TIDEMUX_PANE",
            exe(),
            "-S",
            self.sock(),
        ];
        a.extend(args);
        self.outer.ok(&a);
        let p = self.outer_pane(name);
        p["pid"]
            .as_i64()
            .unwrap_or_else(|| panic!("no pid for the client pane: {p}")) as i32
    }

    /// A client attached to `work` in the outer session `name`; waits until it drew its
    /// status line; returns the client's pid.
    pub(crate) fn attach(&self, name: &str, cols: u16, rows: u16, extra: &[&str]) -> i32 {
        let mut args = vec!["attach", "-t", "work"];
        args.extend(extra);
        let pid = self.spawn(name, cols, rows, &args);
        self.wait_rows(name, "the client's status line", |r| {
            r.len() == usize::from(rows) && status(r).starts_with("[work] ")
        });
        pid
    }

    /// The outer pane of session `name` (`list-panes --json`).
    pub(crate) fn outer_pane(&self, name: &str) -> Value {
        let v = self.outer.json(&["list-panes", "-t", name]);
        let list = v.as_array().expect("list-panes --json is an array");
        assert_eq!(list.len(), 1, "one pane in outer session {name}: {v}");
        list[0].clone()
    }

    /// Every row of what the client in `name` shows (blank rows included).
    pub(crate) fn rows(&self, name: &str) -> Vec<String> {
        lines_of(&self.outer.json(&["read-screen", "-t", name]))
    }

    /// Waits until `pred` holds for the client's rows; returns them.
    #[track_caller]
    pub(crate) fn wait_rows(
        &self,
        name: &str,
        what: &str,
        pred: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        self.wait_rows_for(DEADLINE, name, what, pred)
    }

    /// Starts, in the outer server's session `name` (80x24), a real tmux client:
    /// `program -S sock attach -t session`, outside any multiplexer's environment
    /// ([`crate::support::OUTSIDE_ANY_MUX`]). The outer session stays when the client exits:
    /// were it the outer server's last session, the server would exit (`exit-empty`) while a
    /// test's next outer `new-session` may already be on its way.
    pub(crate) fn tmux_client(&self, name: &str, program: &str, sock: &str, session: &str) {
        let mut args = vec![
            "new-session",
            "-d",
            "-s",
            name,
            "--remain-on-exit",
            "-x",
            "80",
            "-y",
            "24",
            "--",
        ];
        args.extend(crate::support::OUTSIDE_ANY_MUX);
        args.extend([program, "-S", sock, "attach", "-t", session]);
        self.outer.ok(&args);
    }

    /// [`Rig::wait_rows`] with its own deadline.
    #[track_caller]
    pub(crate) fn wait_rows_for(
        &self,
        deadline: Duration,
        name: &str,
        what: &str,
        pred: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let mut last = Vec::new();
        let ok = wait_until(deadline, || {
            last = self.rows(name);
            pred(&last)
        });
        assert!(
            ok,
            "timed out waiting for {what} in client {name}; it shows:\n{}",
            last.join("\n")
        );
        last
    }

    /// Waits (event-driven, `wait --text`) until the client in `name` draws text matching
    /// `regex`.
    #[track_caller]
    pub(crate) fn wait_drawn(&self, name: &str, regex: &str) {
        let o = self
            .outer
            .run(&["wait", "-t", name, "--text", regex, "--timeout", "15"]);
        assert_eq!(
            o.code,
            0,
            "client {name} never drew /{regex}/: {o:?}; it shows:\n{}",
            self.rows(name).join("\n")
        );
    }

    /// Presses keys (tmux names) in the client's terminal.
    pub(crate) fn keys(&self, name: &str, keys: &[&str]) {
        let mut a = vec!["send-key", "-t", name];
        a.extend(keys);
        self.outer.ok(&a);
    }

    /// Types `text` and Enter in the client's terminal.
    pub(crate) fn type_line(&self, name: &str, text: &str) {
        self.outer.ok(&["send", "-t", name, "--enter", "--", text]);
    }

    /// Waits until the client in `name` exited; returns its pane (dead, with `exit`) and its
    /// screen.
    #[track_caller]
    pub(crate) fn wait_exit(&self, name: &str) -> (Value, String) {
        let o = self
            .outer
            .run(&["wait", "-t", name, "--exit", "--timeout", "15"]);
        assert_eq!(
            o.code,
            0,
            "client {name} did not exit: {o:?}; it shows:\n{}",
            self.rows(name).join("\n")
        );
        let p = self.outer_pane(name);
        assert_eq!(p["dead"], true, "{p}");
        (p, self.outer.screen(name))
    }

    /// Asserts the client in `name` exited with code 0 after printing exactly `message`.
    #[track_caller]
    pub(crate) fn assert_exited_with(&self, name: &str, message: &str) {
        let (p, screen) = self.wait_exit(name);
        assert_eq!(p["exit"]["code"], 0, "exit of client {name}: {p}");
        assert_eq!(p["exit"]["signal"], Value::Null, "{p}");
        let lines: Vec<&str> = screen
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines, [message], "what client {name} left on its terminal");
    }

    /// `attached` of session `work` in `list-sessions --json`.
    pub(crate) fn attached(&self) -> u64 {
        let v = self.inner.json(&["list-sessions"]);
        let s = v
            .as_array()
            .expect("array")
            .iter()
            .find(|s| s["name"] == "work")
            .unwrap_or_else(|| panic!("no session work: {v}"))
            .clone();
        s["attached"]
            .as_u64()
            .unwrap_or_else(|| panic!("no attached count: {s}"))
    }

    /// `work`'s windows (`list-windows --json`).
    pub(crate) fn windows(&self) -> Vec<Value> {
        self.inner
            .json(&["list-windows", "-t", "work"])
            .as_array()
            .expect("array")
            .clone()
    }

    /// The panes of `target` in the inner server.
    pub(crate) fn panes(&self, target: &str) -> Vec<Value> {
        self.inner
            .json(&["list-panes", "-t", target])
            .as_array()
            .expect("array")
            .clone()
    }

    /// Every row of the inner pane `target` (blank rows included).
    pub(crate) fn inner_rows(&self, target: &str) -> Vec<String> {
        lines_of(&self.inner.json(&["read-screen", "-t", target]))
    }
}

/// The lines of a `read-screen --json` capture, trailing blanks removed.
pub(crate) fn lines_of(capture: &Value) -> Vec<String> {
    capture["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines in capture: {capture}"))
        .iter()
        .map(|l| l.as_str().expect("line is a string").trim_end().to_owned())
        .collect()
}

/// The status line: the last row.
pub(crate) fn status(rows: &[String]) -> &str {
    rows.last().map_or("", String::as_str)
}

/// Whether some row is exactly `text` (trailing blanks ignored).
pub(crate) fn has_row(rows: &[String], text: &str) -> bool {
    rows.iter().any(|r| r == text)
}

/// An unsigned field.
pub(crate) fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number '{key}' in {v}"))
}

/// The characters of `row` from column `from` (all cells are one column wide here).
pub(crate) fn cols_from(row: &str, from: usize) -> String {
    row.chars()
        .skip(from)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The characters of `row` before column `to`.
pub(crate) fn cols_to(row: &str, to: usize) -> String {
    row.chars()
        .take(to)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

pub(crate) fn signal(pid: i32, sig: rustix::process::Signal) {
    let p = rustix::process::Pid::from_raw(pid).expect("pid > 0");
    rustix::process::kill_process(p, sig).expect("kill");
}

/// The state letter of `pid` in /proc (R, S, T, Z, ...).
pub(crate) fn proc_state(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rfind(')')
        .and_then(|i| stat[i + 1..].trim_start().chars().next())
        .unwrap_or('?')
}

/// The largest receive queue (bytes the process has not read yet) over `pid`'s Unix stream
/// sockets, from `ss -xpn` (iproute2).
fn unread_socket_bytes(pid: i32) -> u64 {
    let o = std::process::Command::new("ss")
        .args(["-xpn"])
        .output()
        .expect("run ss (iproute2) to see a client's unread socket bytes");
    assert!(o.status.success(), "ss -xpn failed: {o:?}");
    let needle = format!("pid={pid},");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.contains(&needle))
        .filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

/// Asserts that rows 0..n of the client are the inner pane's n rows (one full-size pane).
#[track_caller]
fn assert_shows_pane(client: &[String], pane: &[String]) {
    assert_eq!(
        &client[..pane.len()],
        pane,
        "the client's pane area differs from the pane;\nclient:\n{}\npane:\n{}",
        client.join("\n"),
        pane.join("\n")
    );
}

// 1 ------------------------------------------------------------------------------------------

#[test]
fn typed_command_runs_and_status_line_shows_the_session() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    // The window takes the client's size less the status line.
    let w = &rig.windows()[0];
    assert_eq!((num(w, "cols"), num(w, "rows")), (80, 23), "{w}");

    rig.type_line("o", "echo hi");
    rig.inner
        .wait_screen("work", "hi", |s| s.lines().any(|l| l == "hi"));
    let rows = rig.wait_rows("o", "'hi' in the pane area", |r| has_row(&r[..23], "hi"));
    let st = status(&rows);
    assert!(st.starts_with("[work] 0:bash* "), "status line: {st:?}");
    // tmux's default status-right at the right end: `"TITLE" HH:MM DD-Mon-YY`.
    let clock: Vec<char> = st.chars().rev().skip(10).take(5).collect();
    assert!(
        clock[2] == ':' && [0, 1, 3, 4].iter().all(|&i| clock[i].is_ascii_digit()),
        "no clock and date at the end of the status line: {st:?}"
    );
    let date: String = st
        .chars()
        .rev()
        .take(9)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        date.as_bytes()[2] == b'-' && date.as_bytes()[6] == b'-',
        "no date at the end of the status line: {st:?}"
    );
    // The pane area is the pane, row for row, once both settled.
    let pane = rig.inner_rows("work");
    assert_eq!(pane.len(), 23);
    let rows = rig.wait_rows("o", "the pane's screen", |r| r[..23] == pane[..]);
    assert_shows_pane(&rows, &pane);

    // The status line is black on green (SGR 30 and 42) across the whole width.
    let ansi = rig.outer.ok(&["read-screen", "-t", "o", "--ansi"]);
    let last = ansi.lines().last().expect("a status line");
    let first_sgr = last
        .strip_prefix("\x1b[")
        .and_then(|r| r.split_once('m'))
        .map(|(p, _)| p)
        .unwrap_or_else(|| panic!("status line does not start with SGR: {last:?}"));
    let params: Vec<&str> = first_sgr.split(';').collect();
    assert!(
        params.contains(&"30") && params.contains(&"42"),
        "status line is not black on green: {last:?}"
    );
}

// 2 ------------------------------------------------------------------------------------------

#[test]
fn split_shows_both_panes_side_by_side() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.keys("o", &["C-b", "%"]);
    let mut panes = Vec::new();
    assert!(
        wait_until(DEADLINE, || {
            panes = rig.panes("work");
            panes.len() == 2
        }),
        "C-b % did not split: {panes:?}"
    );
    let (l, r) = (&panes[0], &panes[1]);
    assert_eq!(num(l, "left"), 0, "{l}");
    assert_eq!(
        num(r, "left"),
        num(l, "cols") + 1,
        "side by side: {panes:?}"
    );
    assert_eq!((num(l, "top"), num(r, "top")), (0, 0), "{panes:?}");
    assert_eq!((num(l, "rows"), num(r, "rows")), (23, 23), "{panes:?}");
    assert_eq!(num(l, "cols") + 1 + num(r, "cols"), 80, "{panes:?}");
    assert_eq!(r["active"], true, "the new pane is active: {panes:?}");
    let border = num(l, "cols") as usize;
    let right_id = r["id"].as_str().expect("id").to_owned();
    let left_id = l["id"].as_str().expect("id").to_owned();

    // The border runs down the whole window at the left pane's right edge.
    rig.wait_rows("o", "a full-height border", |rows| {
        rows[..23]
            .iter()
            .all(|row| row.chars().nth(border) == Some('│'))
    });

    // Typing goes to the new (right) pane.
    rig.inner.wait_prompt(&right_id);
    rig.type_line("o", "echo right-$((40+2))");
    rig.inner.wait_text(&right_id, "right-42");
    // C-b o: the left pane.
    rig.keys("o", &["C-b", "o"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work")[0]["active"] == true),
        "C-b o did not select the left pane"
    );
    rig.type_line("o", "echo left-$((6*7))");
    rig.inner.wait_text(&left_id, "left-42");
    // The client picks the pane to the right of the one it shows as active: wait until it
    // shows that output, which came after the left pane became active.
    rig.wait_rows("o", "the left pane's output", |rows| {
        rows.iter().any(|r| cols_to(r, border) == "left-42")
    });
    // C-b Right: back to the right pane.
    rig.keys("o", &["C-b", "Right"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work")[1]["active"] == true),
        "C-b Right did not select the right pane"
    );
    rig.type_line("o", "echo again-$((1+1))");
    rig.inner.wait_text(&right_id, "again-2");
    assert!(
        !rig.inner.screen(&left_id).contains("again"),
        "{}",
        rig.inner.screen(&left_id)
    );

    // Both panes' output is on the client's screen at once, each in its half.
    let rows = rig.wait_rows("o", "both panes' output", |rows| {
        let left: Vec<String> = rows[..23].iter().map(|r| cols_to(r, border)).collect();
        let right: Vec<String> = rows[..23]
            .iter()
            .map(|r| cols_from(r, border + 1))
            .collect();
        has_row(&left, "left-42") && has_row(&right, "right-42") && has_row(&right, "again-2")
    });
    assert!(
        rows[..23]
            .iter()
            .all(|r| !cols_to(r, border).contains("right-42")),
        "right pane output in the left half:\n{}",
        rows.join("\n")
    );
    // Each half is exactly its pane.
    let lp = rig.inner_rows(&left_id);
    let rp = rig.inner_rows(&right_id);
    let rows = rig.wait_rows("o", "both halves equal to their panes", |rows| {
        (0..23)
            .all(|i| cols_to(&rows[i], border) == lp[i] && cols_from(&rows[i], border + 1) == rp[i])
    });
    assert!(status(&rows).starts_with("[work] 0:"), "{}", status(&rows));
}

// 3 ------------------------------------------------------------------------------------------

#[test]
fn prefix_d_detaches_and_the_session_lives_on() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    assert_eq!(rig.attached(), 1);
    rig.keys("o", &["C-b", "d"]);
    rig.assert_exited_with("o", "[detached (from session work)]");
    assert!(
        wait_until(DEADLINE, || rig.attached() == 0),
        "the server still counts the detached client"
    );
    let ls = rig.inner.ok(&["list-sessions"]);
    assert!(ls.starts_with("work: "), "{ls}");
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo alive"]);
    rig.inner
        .wait_screen("work", "alive", |s| s.lines().any(|l| l == "alive"));
}

// 4 ------------------------------------------------------------------------------------------

#[test]
fn reattach_shows_the_same_screen() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.type_line("o", "echo before-$((40+2))");
    rig.wait_rows("o", "the output", |r| has_row(r, "before-42"));
    rig.keys("o", &["C-b", "d"]);
    rig.assert_exited_with("o", "[detached (from session work)]");

    rig.attach("o2", 80, 24, &[]);
    let pane = rig.inner_rows("work");
    assert!(has_row(&pane, "before-42"), "{pane:?}");
    let rows = rig.wait_rows("o2", "the earlier screen", |r| r[..23] == pane[..]);
    assert_shows_pane(&rows, &pane);
    assert!(
        status(&rows).starts_with("[work] 0:bash* "),
        "{}",
        status(&rows)
    );
    // And it is live: typing works in the new client.
    rig.type_line("o2", "echo after-$((1+2))");
    rig.wait_rows("o2", "new output", |r| has_row(r, "after-3"));
}

// 5 ------------------------------------------------------------------------------------------

#[test]
fn two_clients_see_a_third_partys_output() {
    let rig = Rig::new();
    rig.attach("a", 80, 24, &[]);
    rig.attach("b", 80, 24, &[]);
    assert_eq!(rig.attached(), 2);
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo third-party"]);
    for c in ["a", "b"] {
        rig.wait_drawn(c, "(?m)^third-party$");
        rig.wait_rows(c, "the third party's output", |r| {
            has_row(r, "third-party") && r.iter().any(|l| l.ends_with("echo third-party"))
        });
    }
    // Both show the pane exactly.
    let pane = rig.inner_rows("work");
    for c in ["a", "b"] {
        rig.wait_rows(c, "the pane", |r| r[..23] == pane[..]);
    }
}

// 6 ------------------------------------------------------------------------------------------

#[test]
fn read_only_client_types_nothing_but_can_detach() {
    let rig = Rig::new();
    let pane = rig.panes("work")[0]["id"].as_str().expect("id").to_owned();
    rig.attach("ro", 80, 24, &["-r"]);
    // It observes.
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo seen-by-ro"]);
    rig.wait_rows("ro", "output in the observer", |r| has_row(r, "seen-by-ro"));

    rig.type_line("ro", "echo ro-should-not-appear");
    rig.keys("ro", &["C-m", "C-c", "C-b", "%"]);
    // The client handles its input in order: once the detach that follows is done, whatever
    // it did with the text before it is done too.
    rig.keys("ro", &["C-b", "d"]);
    rig.assert_exited_with("ro", "[detached (from session work)]");
    // Anything written to the pane before this marker is echoed before it.
    rig.inner
        .ok(&["send", "-t", &pane, "--enter", "echo marker-$((5*5))"]);
    let screen = rig
        .inner
        .wait_screen(&pane, "the marker", |s| s.lines().any(|l| l == "marker-25"));
    assert!(
        !screen.contains("ro-should-not-appear"),
        "a read-only client typed into the pane:\n{screen}"
    );
    assert!(!screen.contains("^C"), "C-c reached the pane:\n{screen}");
    assert_eq!(
        rig.panes("work").len(),
        1,
        "a read-only client split the window"
    );
}

// 7 ------------------------------------------------------------------------------------------

#[test]
fn resizing_the_terminal_resizes_the_window_and_the_program_sees_it() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.outer
        .ok(&["resize-window", "-t", "o", "-x", "100", "-y", "30"]);
    let mut w = Value::Null;
    assert!(
        wait_until(DEADLINE, || {
            w = rig.windows()[0].clone();
            (num(&w, "cols"), num(&w, "rows")) == (100, 29)
        }),
        "window not resized to 100x29 (status line takes a row): {w}"
    );
    let p = &rig.panes("work")[0];
    assert_eq!((num(p, "cols"), num(p, "rows")), (100, 29), "{p}");
    rig.wait_rows("o", "the status line on the new last row", |r| {
        r.len() == 30 && status(r).starts_with("[work] 0:bash* ")
    });
    rig.type_line("o", "stty size");
    rig.inner.wait_screen("work", "stty's answer", |s| {
        s.lines().any(|l| l == "29 100")
    });
    let rows = rig.wait_rows("o", "stty's answer", |r| has_row(&r[..29], "29 100"));
    // The client's width is used: the clock sits at the right end of 100 columns.
    let width = status(&rows).chars().count();
    assert!((96..=100).contains(&width), "{:?}", status(&rows));

    // Back down: 60x12.
    rig.outer
        .ok(&["resize-window", "-t", "o", "-x", "60", "-y", "12"]);
    assert!(
        wait_until(DEADLINE, || {
            w = rig.windows()[0].clone();
            (num(&w, "cols"), num(&w, "rows")) == (60, 11)
        }),
        "window not resized to 60x11: {w}"
    );
    rig.type_line("o", "stty size");
    rig.wait_rows("o", "stty's second answer", |r| {
        r.len() == 12 && has_row(&r[..11], "11 60") && status(r).starts_with("[work] ")
    });
}

// 8 ------------------------------------------------------------------------------------------

#[test]
fn vim_redraws_to_the_new_size() {
    let rig = Rig::empty();
    let file = rig.inner.dir.path().join("f.txt");
    let long = format!("long-{}", "x".repeat(90));
    let mut text: String = (1..=9).map(|n| format!("line-{n:02}\n")).collect();
    text.push_str(&long);
    text.push('\n');
    std::fs::write(&file, text).expect("write file");
    let path = file.to_str().expect("utf-8");
    rig.inner
        .start("work", &["vim", "-u", "NONE", "-N", "-n", path]);
    rig.inner.wait_text("work", "line-09");
    rig.attach("o", 80, 24, &[]);
    // At 80 columns the 95-character line wraps onto two rows.
    rig.wait_rows("o", "vim at 80x23", |r| {
        r[0] == "line-01"
            && r[8] == "line-09"
            && r[9] == long[..80]
            && r[10] == long[80..]
            && r[11..22].iter().all(|l| l == "~")
            && status(r).starts_with("[work] 0:vim* ")
    });

    rig.outer
        .ok(&["resize-window", "-t", "o", "-x", "100", "-y", "30"]);
    let rows = rig.wait_rows("o", "vim redrawn at 100x29", |r| {
        r.len() == 30
            && (1..=9).all(|n| r[n - 1] == format!("line-{n:02}"))
            && r[9] == long
            && r[10..=27].iter().all(|l| l == "~")
            && !r[28].starts_with('~')
            && status(r).starts_with("[work] 0:vim* ")
    });
    // Exactly what vim drew.
    let pane = rig.inner_rows("work");
    assert_eq!(pane.len(), 29);
    assert_shows_pane(&rows, &pane);
}

// 9 ------------------------------------------------------------------------------------------

#[test]
fn scrollback_view_pages_up_and_quits() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.type_line("o", "seq 1 200");
    rig.wait_rows("o", "the end of seq", |r| {
        r[21] == "200" && r[22].ends_with(['$', '#'])
    });
    let total = rig
        .inner
        .ok(&["read-screen", "-t", "work", "--history"])
        .lines()
        .count();
    rig.keys("o", &["C-b", "["]);
    let max = total - 23;
    let tag0 = format!("[0/{max}]");
    let rows = rig.wait_rows("o", "the scrollback view", |r| r[0].ends_with(&tag0));
    assert_eq!(rows[21], "200");

    // One PageUp at a time (each drawn before the next is pressed): keys that arrive in one
    // read are a separate test.
    let mut rows = Vec::new();
    for page in 1..=3 {
        rig.keys("o", &["PPage"]);
        let tag = format!("[{}/{max}]", 23 * page);
        rows = rig.wait_rows("o", &format!("{page} pages up"), |r| r[0].ends_with(&tag));
    }
    // Three pages of 23 rows up: the bottom row is 69 lines above the prompt (200 - 68).
    let tag = format!("[69/{max}]");
    let want: Vec<String> = (110..=132).map(|n| n.to_string()).collect();
    assert_eq!(
        rows[0].strip_suffix(&tag).map(str::trim_end),
        Some("110"),
        "{rows:?}"
    );
    assert_eq!(rows[1..23], want[1..], "{}", rows.join("\n"));
    assert!(!has_row(&rows, "200"), "{}", rows.join("\n"));
    assert!(
        status(&rows).starts_with("[work] 0:bash* "),
        "{}",
        status(&rows)
    );
    // The pane itself did not scroll.
    assert!(has_row(&rig.inner_rows("work"), "200"));

    rig.keys("o", &["q"]);
    let pane = rig.inner_rows("work");
    let rows = rig.wait_rows("o", "the live screen back", |r| r[..23] == pane[..]);
    assert_eq!(rows[21], "200");
    assert!(!rows[0].contains('['), "{}", rows[0]);
    // And keys go to the pane again.
    rig.type_line("o", "echo live-$((3+4))");
    rig.wait_rows("o", "typed output", |r| has_row(r, "live-7"));
}

// 10 -----------------------------------------------------------------------------------------

#[test]
fn killed_client_leaves_the_session_intact() {
    let rig = Rig::new();
    let pid = rig.attach("o", 80, 24, &[]);
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    assert_eq!(comm.trim(), "tidemux", "pid {pid} is not the client");
    assert_eq!(rig.attached(), 1);
    signal(pid, rustix::process::Signal::KILL);
    let (p, _) = rig.wait_exit("o");
    assert_eq!(p["exit"]["code"], Value::Null, "{p}");
    assert!(
        p["exit"]["signal"]
            .as_str()
            .is_some_and(|s| s.to_lowercase().contains("kill") || s.contains('9')),
        "the outer pane does not show the client died of SIGKILL: {p}"
    );
    assert!(
        wait_until(DEADLINE, || rig.attached() == 0),
        "the server still counts the killed client"
    );
    assert!(rig.inner.ok(&["list-sessions"]).starts_with("work: "));
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo still-$((2*3))"]);
    rig.inner
        .wait_screen("work", "output", |s| s.lines().any(|l| l == "still-6"));
    // A new client works and shows it.
    rig.attach("o2", 80, 24, &[]);
    rig.wait_rows("o2", "the output", |r| has_row(r, "still-6"));
}

// 11 -----------------------------------------------------------------------------------------

#[test]
fn stopped_client_does_not_block_the_server_under_a_flood() {
    let rig = Rig::new();
    let b = rig
        .inner
        .ok(&["split-window", "-h", "-d", "-t", "work"])
        .trim()
        .to_owned();
    let a = rig.panes("work")[0]["id"].as_str().expect("id").to_owned();
    rig.inner.wait_prompt(&b);
    // A big terminal: big frames, so the client's socket fills quickly.
    let pid = rig.attach("o", 200, 50, &[]);
    // Without the agent overview sidebar (on by default for two panes in a wide terminal), so
    // the left pane starts at the terminal's first column.
    rig.keys("o", &["C-b", "b"]);
    assert!(
        wait_until(DEADLINE, || rig.windows()[0]["cols"] == 200),
        "C-b b did not hide the sidebar: {:?}",
        rig.windows()
    );
    signal(pid, rustix::process::Signal::STOP);
    assert!(
        wait_until(DEADLINE, || proc_state(pid) == 'T'),
        "the client did not stop"
    );

    rig.inner.ok(&[
        "send",
        "-t",
        &a,
        "--enter",
        "seq 1 600000; echo FLOOD-$((1+1))-DONE",
    ]);
    let (mut answers, mut backlog, mut done) = (0u32, 0u64, false);
    let b_screen = rig.inner.screen(&b);
    assert!(
        wait_until(Duration::from_secs(30), || {
            let o = rig.inner.run(&["read-screen", "-t", &b]);
            assert_eq!(o.code, 0, "read-screen of the other pane failed: {o:?}");
            assert_eq!(o.stdout, b_screen, "the other pane changed");
            answers += 1;
            backlog = backlog.max(unread_socket_bytes(pid));
            let s = rig.inner.run(&["read-screen", "-t", &a]).stdout;
            done = s.lines().any(|l| l == "FLOOD-2-DONE");
            done
        }),
        "the flood did not finish while the client was stopped ({answers} answers; last:\n{})",
        rig.inner.screen(&a)
    );
    assert_eq!(proc_state(pid), 'T', "the client ran during the flood");
    assert!(answers >= 3, "only {answers} answers during the flood");
    assert!(
        backlog >= 64 * 1024,
        "the stopped client never fell behind (max {backlog} unread bytes): the test did not test"
    );

    signal(pid, rustix::process::Signal::CONT);
    rig.wait_drawn("o", "(?m)^FLOOD-2-DONE");
    rig.wait_rows("o", "the client catching up", |r| {
        r.iter().any(|l| cols_to(l, 100) == "FLOOD-2-DONE")
    });
    // It is live again.
    rig.type_line("o", "echo caught-up");
    rig.wait_rows("o", "typed output", |r| {
        r.iter().any(|l| cols_to(l, 100) == "caught-up")
    });
}

// 12 -----------------------------------------------------------------------------------------

#[test]
fn detach_client_from_a_script_detaches() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.inner.ok(&["detach-client", "-s", "work"]);
    rig.assert_exited_with("o", "[detached (from session work)]");
    assert!(
        wait_until(DEADLINE, || rig.attached() == 0),
        "the server still counts the detached client"
    );
    let o = rig.inner.run(&["detach-client", "-s", "work"]);
    assert_eq!(o.code, 1, "no client left to detach: {o:?}");
    assert!(o.stderr.contains("no client attached"), "{o:?}");
    assert!(rig.inner.ok(&["list-sessions"]).starts_with("work: "));
}

// 13 -----------------------------------------------------------------------------------------

#[test]
fn attach_refuses_inside_a_pane_without_force_and_without_a_terminal() {
    let rig = Rig::new();
    let script = format!(
        "tidemux -S '{}' attach -t work; echo rc=$?; exec sleep 100",
        rig.sock()
    );
    rig.inner.ok(&[
        "new-session",
        "-d",
        "-s",
        "n",
        "-x",
        "200",
        "-y",
        "24",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    let screen = rig
        .inner
        .wait_screen("n", "the exit code", |s| s.contains("rc="));
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert_eq!(lines.len(), 2, "{screen}");
    assert!(
        lines[0].starts_with("tidemux: attach: ") && lines[0].contains("--force"),
        "{screen}"
    );
    assert_eq!(lines[1], "rc=1", "{screen}");
    assert_eq!(rig.attached(), 0);

    // Not a terminal on stdin.
    let o = rig.inner.run(&["attach", "-t", "work"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("terminal"), "{o:?}");
    assert_eq!(rig.attached(), 0);

    // --force attaches from inside a pane.
    let script = format!(
        "tidemux -S '{}' attach --force -t work; echo rc=$?; exec sleep 100",
        rig.sock()
    );
    rig.inner.ok(&[
        "new-session",
        "-d",
        "-s",
        "f",
        "-x",
        "80",
        "-y",
        "24",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    rig.inner.wait_screen("f", "the nested client", |s| {
        s.lines().last().is_some_and(|l| l.starts_with("[work] "))
    });
    assert_eq!(rig.attached(), 1);
    rig.inner.ok(&["detach-client", "-s", "work"]);
    let screen = rig.inner.wait_text("f", "rc=");
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert_eq!(
        lines,
        ["[detached (from session work)]", "rc=0"],
        "{screen}"
    );
}

// 14 -----------------------------------------------------------------------------------------

#[test]
fn help_rename_windows_zoom_and_kill_bindings() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    let prompt = rig.inner_rows("work")[0].clone();

    // C-b ?: the help overlay; any key closes it and is not typed.
    rig.keys("o", &["C-b", "?"]);
    rig.wait_drawn("o", "key bindings");
    let rows = rig.wait_rows("o", "the help overlay", |r| {
        r.iter().any(|l| l.contains("key bindings"))
    });
    assert!(
        rows.iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["d", "detach"]),
        "{}",
        rows.join("\n")
    );
    rig.keys("o", &["j"]);
    rig.wait_rows("o", "the help closed", |r| {
        !r.iter().any(|l| l.contains("key bindings"))
    });
    rig.type_line("o", "echo after-help");
    let screen = rig
        .inner
        .wait_screen("work", "output", |s| s.lines().any(|l| l == "after-help"));
    assert!(
        screen
            .lines()
            .any(|l| l == format!("{prompt} echo after-help")),
        "the key that closed the help reached the pane:\n{screen}"
    );

    // C-b , newname Enter: renames the window.
    rig.keys("o", &["C-b", ","]);
    rig.wait_rows("o", "the rename prompt", |r| {
        status(r).starts_with("(rename-window) ")
    });
    rig.type_line("o", "newname");
    assert!(
        wait_until(DEADLINE, || rig.windows()[0]["name"] == "newname"),
        "window not renamed: {:?}",
        rig.windows()
    );
    rig.wait_rows("o", "the new name", |r| {
        status(r).starts_with("[work] 0:newname* ")
    });

    // C-b c: window 1, current (window 0 is the last window: tmux's flag `-`).
    rig.keys("o", &["C-b", "c"]);
    let mut ws = Vec::new();
    assert!(
        wait_until(DEADLINE, || {
            ws = rig.windows();
            ws.len() == 2 && ws[1]["active"] == true
        }),
        "no new current window: {ws:?}"
    );
    assert_eq!(ws[1]["index"], 1, "{ws:?}");
    let name1 = ws[1]["name"].as_str().expect("name").to_owned();
    rig.wait_rows("o", "window 1 in the status line", |r| {
        status(r).starts_with(&format!("[work] 0:newname- 1:{name1}* "))
    });

    // C-b 0: back to window 0 (the earlier output is there).
    rig.keys("o", &["C-b", "0"]);
    rig.wait_rows("o", "window 0", |r| {
        status(r).starts_with(&format!("[work] 0:newname* 1:{name1}- ")) && has_row(r, "after-help")
    });

    // Two panes, then C-b z: the active pane fills the window, *Z in the status line.
    rig.keys("o", &["C-b", "%"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work:0").len() == 2),
        "no split"
    );
    rig.wait_rows("o", "the border", |r| r[0].contains('│'));
    let right = rig.panes("work:0")[1]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    rig.inner.wait_prompt(&right);
    rig.keys("o", &["C-b", "z"]);
    rig.wait_rows("o", "the zoomed pane", |r| {
        status(r).starts_with("[work] 0:newname*Z ") && r[..23].iter().all(|l| !l.contains('│'))
    });
    rig.type_line("o", "stty size");
    rig.inner
        .wait_screen(&right, "stty", |s| s.lines().any(|l| l == "23 80"));
    rig.wait_rows("o", "the zoomed pane's output", |r| has_row(r, "23 80"));
    rig.keys("o", &["C-b", "z"]);
    rig.wait_rows("o", "unzoomed", |r| {
        status(r).starts_with("[work] 0:newname* ") && r[0].contains('│')
    });

    // C-b x y: kills the active pane after asking.
    rig.keys("o", &["C-b", "x"]);
    rig.wait_rows("o", "the confirmation", |r| {
        status(r).starts_with(&format!("kill-pane {right}? (y/n)"))
    });
    assert_eq!(rig.panes("work:0").len(), 2, "killed before the answer");
    rig.keys("o", &["y"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work:0").len() == 1),
        "C-b x y did not kill the pane"
    );
    assert_ne!(rig.panes("work:0")[0]["id"], right.as_str());
    rig.wait_rows("o", "one pane again", |r| {
        r[..23].iter().all(|l| !l.contains('│')) && status(r).starts_with("[work] 0:newname* ")
    });
}

// Beyond the list ----------------------------------------------------------------------------

/// Keys that reach the client in one read (a fast typist, key repeat, a paste, a busy client)
/// are handled one by one in the scrollback view.
#[test]
fn scrollback_view_handles_keys_that_arrive_together() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.type_line("o", "seq 1 200");
    rig.wait_rows("o", "the end of seq", |r| {
        r[21] == "200" && r[22].ends_with(['$', '#'])
    });
    let total = rig
        .inner
        .ok(&["read-screen", "-t", "work", "--history"])
        .lines()
        .count();
    let max = total - 23;
    rig.keys("o", &["C-b", "["]);
    let tag0 = format!("[0/{max}]");
    rig.wait_rows("o", "the scrollback view", |r| r[0].ends_with(&tag0));
    // Two PageUps in one write: two pages.
    rig.keys("o", &["PPage", "PPage"]);
    let tag = format!("[46/{max}]");
    // (A redraw takes milliseconds; a short deadline keeps the failure fast.)
    let soon = Duration::from_secs(5);
    rig.wait_rows_for(soon, "o", "two pages up", |r| r[0].ends_with(&tag));
    // Three line scrolls in one write (C-Up, tmux `scroll-up` in the emacs table): three
    // lines.
    rig.keys("o", &["C-Up", "C-Up", "C-Up"]);
    let tag = format!("[49/{max}]");
    rig.wait_rows_for(soon, "o", "three more lines up", |r| r[0].ends_with(&tag));
}

/// A key that arrives in the same read as the binding that asks for it answers the question:
/// `C-b x y` kills the pane; the `y` is not typed into it.
#[test]
fn confirmation_answered_in_the_same_read() {
    let rig = Rig::new();
    let second = rig
        .inner
        .ok(&["split-window", "-h", "-t", "work"])
        .trim()
        .to_owned();
    rig.inner.wait_prompt(&second);
    rig.attach("o", 80, 24, &[]);
    rig.keys("o", &["C-b", "x", "y"]);
    let mut n = 0;
    let killed = wait_until(Duration::from_secs(5), || {
        n = rig.panes("work").len();
        n == 1
    });
    assert!(
        killed,
        "C-b x y in one read did not kill the pane ({n} panes); the client shows:\n{}\n{second} shows:\n{}",
        rig.rows("o").join("\n"),
        rig.inner.screen(&second)
    );
}

/// The terminal cursor is where the active pane's cursor is.
#[test]
fn cursor_is_drawn_at_the_pane_cursor() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.type_line("o", "echo abc");
    rig.wait_rows("o", "the output", |r| has_row(r, "abc"));
    let pane = rig.inner.json(&["read-screen", "-t", "work"]);
    let want = (num(&pane["cursor"], "row"), num(&pane["cursor"], "col"));
    assert_eq!(want.0, 2, "{pane}");
    let mut got = (0, 0);
    assert!(
        wait_until(Duration::from_secs(5), || {
            let c = &rig.outer.json(&["read-screen", "-t", "o"])["cursor"];
            got = (num(c, "row"), num(c, "col"));
            got == want
        }),
        "the client's cursor is at (row, col) {got:?}, the pane's at {want:?}"
    );
}

/// The session ending ends the client with `[exited]`; the server ending, `[server exited]`.
#[test]
fn session_and_server_end_end_the_client() {
    let rig = Rig::new();
    rig.inner.start("other", &[]);
    rig.attach("o", 80, 24, &[]);
    rig.inner.ok(&["kill-session", "-t", "work"]);
    rig.assert_exited_with("o", "[exited]");

    rig.spawn("o2", 80, 24, &["attach", "-t", "other"]);
    rig.wait_rows("o2", "the client", |r| status(r).starts_with("[other] "));
    rig.inner.ok(&["kill-server"]);
    rig.assert_exited_with("o2", "[server exited]");
}

/// tmux `detach-client -P`: the client prints `[detached and SIGHUP (from session work)]`,
/// exits 0 and sends SIGHUP to its parent (here a bash that traps it), as tmux's client does.
#[test]
fn detach_client_p_hangs_up_the_clients_parent() {
    let rig = Rig::new();
    let sock = rig.sock().to_owned();
    let script = format!(
        "trap 'echo parent-got-HUP' HUP; {} -S {sock} attach -t work; echo rc=$?",
        exe()
    );
    rig.outer.ok(&[
        "new-session",
        "-d",
        "-s",
        "o",
        "--remain-on-exit",
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
        "bash",
        "--norc",
        "--noprofile",
        "-c",
        &script,
    ]);
    rig.wait_rows("o", "the client's status line", |r| {
        status(r).starts_with("[work] ")
    });
    rig.inner
        .ok(&["tmux", "-S", &sock, "detach-client", "-P", "-s", "work"]);
    let (_, screen) = rig.wait_exit("o");
    let lines: Vec<&str> = screen
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.first(),
        Some(&"[detached and SIGHUP (from session work)]"),
        "{screen}"
    );
    assert!(lines.contains(&"rc=0"), "the client's exit: {screen}");
    assert!(
        lines.contains(&"parent-got-HUP"),
        "the parent got no SIGHUP: {screen}"
    );
    assert_eq!(rig.attached(), 0);
}

/// The client's own reasons, as tmux's: SIGTERM ends it with `[terminated]`, SIGHUP with
/// `[lost tty]`, the server dying without a word with `[server exited unexpectedly]`; the
/// terminal is restored each time (the message is all that is left on it).
#[test]
fn signals_and_a_dead_server_end_the_client_with_tmux_reasons() {
    let rig = Rig::new();
    let pid = rig.attach("o", 80, 24, &[]);
    signal(pid, rustix::process::Signal::TERM);
    rig.assert_exited_with("o", "[terminated]");

    let pid = rig.attach("o2", 80, 24, &[]);
    signal(pid, rustix::process::Signal::HUP);
    rig.assert_exited_with("o2", "[lost tty]");

    rig.attach("o3", 80, 24, &[]);
    let server = rig.inner.pid().expect("the inner server's pid");
    signal(server, rustix::process::Signal::KILL);
    rig.assert_exited_with("o3", "[server exited unexpectedly]");
}

/// `detached and SIGHUP` was added in protocol minor 11: a client that announced minor 10 gets
/// `detached` (which it knows), a newer one the new reason.
#[test]
fn an_older_client_gets_a_reason_it_knows() {
    use crate::support::Raw;
    use tidemux_proto::{DetachReason, Request, Response};
    let rig = Rig::new();
    let attach = Request::Attach {
        target: Some("work".into()),
        read_only: false,
        cols: 80,
        rows: 24,
        terminal: None,
        flags: None,
    };
    let mut old = Raw::connect_minor(&rig.inner.socket, 10);
    let mut new = Raw::connect(&rig.inner.socket);
    old.send(1, &attach);
    new.send(1, &attach);
    assert!(wait_until(DEADLINE, || rig.attached() == 2));
    let sock = rig.sock().to_owned();
    rig.inner
        .ok(&["tmux", "-S", &sock, "detach-client", "-P", "-s", "work"]);
    for (raw, want) in [
        (&mut old, DetachReason::Detached),
        (&mut new, DetachReason::DetachedHup),
    ] {
        loop {
            match raw.read().expect("a reply") {
                (Some(1), Response::Frame(_)) => {}
                (Some(1), Response::Detached(r)) => break assert_eq!(r, want),
                other => panic!("expected frames then Detached, got {other:?}"),
            }
        }
    }
}

#[test]
fn smallest_client_wins_and_the_larger_one_shows_the_unused_area() {
    let rig = Rig::new();
    rig.attach("big", 100, 30, &[]);
    rig.wait_rows("big", "the status line", |r| {
        status(r).starts_with("[work]")
    });
    rig.attach("small", 60, 20, &[]);
    assert_eq!(rig.attached(), 2);
    // The window takes the smallest client's size less its status line: 60x19.
    let win = &rig.inner.json(&["list-windows", "-t", "work"])[0];
    assert_eq!((num(win, "cols"), num(win, "rows")), (60, 19), "{win}");
    // The larger client draws the area outside the window as unused (dotted), both to the
    // right of it and below it, and keeps its status line on its own last row.
    let rows = rig.wait_rows("big", "the unused area", |r| {
        r.len() == 30 && r[0].chars().skip(60).all(|c| c == '·') && r[25].chars().all(|c| c == '·')
    });
    assert!(status(&rows).starts_with("[work]"), "{rows:?}");
    // When the small client leaves, the window grows back to the big one.
    rig.inner
        .ok(&["send", "-t", "work", "--enter", "echo resync"]);
    rig.wait_rows("small", "output", |r| has_row(r, "resync"));
    let small = num(&rig.outer_pane("small"), "pid") as i32;
    signal(small, rustix::process::Signal::KILL);
    assert!(wait_until(DEADLINE, || {
        let w = &rig.inner.json(&["list-windows", "-t", "work"])[0];
        (num(w, "cols"), num(w, "rows")) == (100, 29)
    }));
}
