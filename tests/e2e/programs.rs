//! Real programs in real PTYs: bash, python3, vim, less; history, layouts, terminal queries,
//! concurrent clients, dead panes, and commands run from inside a pane.

use crate::support::{wait_until, Server, DEADLINE};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The lines of a `read-screen --json` capture.
fn lines_of(capture: &Value) -> Vec<String> {
    capture["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines in capture: {capture}"))
        .iter()
        .map(|l| l.as_str().expect("line is a string").to_owned())
        .collect()
}

/// `list-panes -t TARGET --json` as a vector.
fn panes(s: &Server, target: &str) -> Vec<Value> {
    s.json(&["list-panes", "-t", target])
        .as_array()
        .expect("list-panes --json is an array")
        .clone()
}

/// The pane with id `id` in a pane listing.
fn pane<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("pane {id} not listed: {list:?}"))
}

/// An unsigned field of a JSON object.
fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number '{key}' in {v}"))
}

/// `"a".."b"` as the strings `seq a b` prints.
fn seq_lines(from: u64, to: u64) -> Vec<String> {
    (from..=to).map(|n| n.to_string()).collect()
}

/// The last non-blank line of a screen (the prompt once a shell is idle).
fn last_line(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// Waits for the bash prompt and returns it (e.g. `bash-5.2$`; trailing blanks are trimmed).
#[track_caller]
fn prompt_of(s: &Server, target: &str) -> String {
    let screen = s.wait_prompt(target);
    last_line(&screen)
}

/// Removes SGR sequences (`ESC [ ... m`) from a line.
fn strip_sgr(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            assert_eq!(chars.next(), Some('['), "non-CSI escape in {line:?}");
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
                assert!(
                    c.is_ascii_digit() || c == ';',
                    "non-SGR sequence in {line:?}"
                );
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Waits until `cond` holds, with the default deadline; panics with `what` otherwise.
#[track_caller]
fn wait_for_cond(what: &str, cond: impl FnMut() -> bool) {
    assert!(wait_until(DEADLINE, cond), "timed out waiting for {what}");
}

/// Waits until the screen of `target` has a line starting with `prefix`; returns that line.
#[track_caller]
fn wait_line_starting(s: &Server, target: &str, prefix: &str) -> String {
    let screen = s.wait_screen(target, &format!("a line starting with '{prefix}'"), |sc| {
        sc.lines().any(|l| l.starts_with(prefix))
    });
    screen
        .lines()
        .find(|l| l.starts_with(prefix))
        .expect("line present")
        .to_owned()
}

#[test]
fn bash_echo_output_is_exact() {
    let s = Server::new();
    s.start("sh1", &[]);
    let prompt = prompt_of(&s, "sh1");
    assert_eq!(s.screen("sh1"), format!("{prompt}\n"));
    let cmd = r#"echo "alpha $((2+3)) omega""#;
    s.ok(&["send", "-t", "sh1", "--enter", cmd]);
    let screen = s.wait_screen("sh1", "output and a new prompt", |sc| {
        sc.lines().filter(|l| *l == prompt).count() == 1 && sc.contains("alpha 5 omega")
    });
    assert_eq!(screen, format!("{prompt} {cmd}\nalpha 5 omega\n{prompt}\n"));
}

#[test]
fn ansi_colours_are_captured_as_sgr() {
    let s = Server::new();
    s.start("col", &[]);
    let prompt = prompt_of(&s, "col");
    s.ok(&[
        "send",
        "-t",
        "col",
        "--enter",
        r"printf '\e[31mRED\e[0m plain\n'",
    ]);
    let plain = s.wait_screen("col", "the coloured line", |sc| {
        sc.lines().any(|l| l == "RED plain") && last_line(sc) == prompt
    });
    assert!(
        !plain.contains('\x1b'),
        "escapes in plain capture: {plain:?}"
    );
    assert_eq!(
        plain.lines().filter(|l| *l == "RED plain").count(),
        1,
        "{plain}"
    );

    let ansi = s.ok(&["read-screen", "-t", "col", "--ansi"]);
    let line = ansi
        .lines()
        .find(|l| strip_sgr(l) == "RED plain")
        .unwrap_or_else(|| panic!("no 'RED plain' line in ansi capture: {ansi:?}"));
    let red_at = line.find("RED").expect("RED");
    let before = &line[..red_at];
    assert!(before.starts_with("\x1b["), "no SGR before RED: {line:?}");
    // The last SGR before RED sets the foreground to red (31).
    let sgr = before.rsplit("\x1b[").next().expect("an SGR");
    let params = sgr.strip_suffix('m').expect("SGR ends with m");
    assert!(
        params.split(';').any(|p| p == "31"),
        "SGR before RED does not set red: {line:?}"
    );
    // After RED the colour is reset before " plain".
    let after = &line[red_at + 3..];
    let reset = after.strip_prefix("\x1b[").expect("SGR after RED");
    let (params, rest) = reset.split_once('m').expect("SGR after RED ends with m");
    assert!(
        params.is_empty() || params.split(';').all(|p| p == "0"),
        "no reset after RED: {line:?}"
    );
    assert_eq!(rest, " plain", "{line:?}");
    // Lines without attributes carry no escapes.
    assert!(
        ansi.lines()
            .filter(|l| l.starts_with(&prompt))
            .all(|l| !l.contains('\x1b')),
        "{ansi:?}"
    );
}

#[test]
fn history_keeps_consecutive_lines_up_to_the_limit() {
    let s = Server::new();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "h",
        "-x",
        "80",
        "-y",
        "24",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    let prompt = prompt_of(&s, "h");
    s.ok(&["send", "-t", "h", "--enter", "seq 1 50000"]);
    s.wait_screen("h", "50000 then a prompt", |sc| {
        let l: Vec<&str> = sc.lines().collect();
        l.len() >= 2 && l[l.len() - 2] == "50000" && l[l.len() - 1] == prompt
    });

    let info = panes(&s, "h");
    assert_eq!(num(&info[0], "history_limit"), 10_000);
    let h = num(&info[0], "history_lines");
    // Far more than the limit was printed: history is full, and never over the limit.
    assert_eq!(h, 10_000, "{:?}", info[0]);

    // (a) The last 100 history lines plus the 24 screen rows.
    let cap = s.json(&["read-screen", "-t", "h", "--lines", "100"]);
    assert_eq!(cap["first_line"], -100);
    assert_eq!(num(&cap, "rows"), 24);
    let lines = lines_of(&cap);
    assert_eq!(lines.len(), 124);
    assert_eq!(lines[..123], seq_lines(50_000 - 122, 50_000)[..]);
    assert_eq!(lines[123], prompt);

    // (b) History only, from further back than it holds: clamped to the oldest line.
    let hist = s.ok(&["read-screen", "-t", "h", "-S", "-30000", "-E", "-1"]);
    let hist: Vec<String> = hist.lines().map(str::to_owned).collect();
    assert_eq!(hist.len() as u64, h);
    // The newest history line is the one just above the screen (which shows 49978..50000).
    assert_eq!(hist, seq_lines(49_978 - h, 49_977));

    // (c) All history plus the screen.
    let all = s.json(&["read-screen", "-t", "h", "--history"]);
    assert_eq!(all["first_line"].as_i64(), Some(-(h as i64)));
    let lines = lines_of(&all);
    assert_eq!(lines.len() as u64, h + 24);
    assert!(lines.len() <= 10_000 + 24);
    let (numbers, last) = lines.split_at(lines.len() - 1);
    assert_eq!(numbers, &seq_lines(50_001 - (h + 23), 50_000)[..]);
    assert_eq!(last[0], prompt);

    // A session with a small limit keeps exactly that many lines.
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "small",
        "-x",
        "80",
        "-y",
        "24",
        "--history-limit",
        "500",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    let prompt = prompt_of(&s, "small");
    s.ok(&["send", "-t", "small", "--enter", "seq 1 2000"]);
    s.wait_screen("small", "2000 then a prompt", |sc| {
        let l: Vec<&str> = sc.lines().collect();
        l.len() >= 2 && l[l.len() - 2] == "2000" && l[l.len() - 1] == prompt
    });
    let info = panes(&s, "small");
    assert_eq!(num(&info[0], "history_limit"), 500);
    assert_eq!(num(&info[0], "history_lines"), 500);
    let all = lines_of(&s.json(&["read-screen", "-t", "small", "--history"]));
    assert_eq!(all.len(), 524);
    assert_eq!(all[..523], seq_lines(2000 - 522, 2000)[..]);
    assert_eq!(all[523], prompt);
}

#[test]
fn python_repl_evaluates() {
    let s = Server::new();
    s.start("py", &["env", "-u", "PYTHONSTARTUP", "python3", "-q"]);
    s.wait_screen("py", "the >>> prompt", |sc| {
        last_line(sc).trim_end() == ">>>"
    });
    s.ok(&["send", "-t", "py", "--enter", "6*7"]);
    let screen = s.wait_screen("py", "42 and a new prompt", |sc| {
        sc.lines().any(|l| l == "42") && last_line(sc).trim_end() == ">>>"
    });
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert_eq!(lines, [">>> 6*7", "42", ">>>"], "{screen}");
}

#[test]
fn vim_edits_and_writes_a_file() {
    let s = Server::new();
    let file = s.dir.path().join("notes.txt");
    let path = file.to_str().expect("utf-8 path");
    s.start("vim", &["vim", "-u", "NONE", "-N", path]);
    s.wait_screen("vim", "vim's empty buffer", |sc| {
        let l: Vec<&str> = sc.lines().collect();
        l.len() == 24 && l[1..23].iter().all(|r| r.trim_end() == "~") && l[23].contains("[New")
    });
    s.ok(&["send-key", "-t", "vim", "i"]);
    s.wait_screen("vim", "insert mode", |sc| {
        last_line(sc).contains("-- INSERT --")
    });
    s.ok(&["send", "-t", "vim", "hello from tidemux"]);
    s.wait_screen("vim", "the typed text", |sc| {
        sc.lines().next().map(str::trim_end) == Some("hello from tidemux")
    });
    s.ok(&["send-key", "-t", "vim", "Escape"]);
    s.wait_screen("vim", "normal mode", |sc| !sc.contains("-- INSERT --"));
    assert!(!file.exists(), "written before :wq");
    s.ok(&["send", "-t", "vim", "--enter", ":wq"]);
    let mut content = String::new();
    let ok = wait_until(DEADLINE, || {
        content = std::fs::read_to_string(&file).unwrap_or_default();
        content == "hello from tidemux\n"
    });
    assert!(ok, "file content {content:?}; screen:\n{}", s.screen("vim"));
    // vim exited, so its pane and session went away.
    wait_for_cond("the vim session to end", || {
        s.run(&["has-session", "-t", "vim"]).code == 1
    });
}

#[test]
fn less_pages_down() {
    let s = Server::new();
    let file = s.dir.path().join("lines.txt");
    let text: String = (1..=500).map(|n| format!("line {n}\n")).collect();
    std::fs::write(&file, text).expect("write file");
    let path = file.to_str().expect("utf-8 path");
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "less",
        "-x",
        "80",
        "-y",
        "24",
        "--",
        "env",
        "-u",
        "LESS",
        "-u",
        "LESSOPEN",
        "-u",
        "LESSCLOSE",
        "less",
        path,
    ]);
    let expected_first: Vec<String> = (1..=23).map(|n| format!("line {n}")).collect();
    let screen = s.wait_screen("less", "the first page", |sc| {
        let l: Vec<&str> = sc.lines().collect();
        l.len() == 24 && l[22] == "line 23"
    });
    let l: Vec<&str> = screen.lines().collect();
    assert_eq!(l[..23], expected_first[..], "{screen}");
    assert!(!l[23].starts_with("line "), "{screen}");

    s.ok(&["send-key", "-t", "less", "PageDown"]);
    let expected: Vec<String> = (24..=46).map(|n| format!("line {n}")).collect();
    let screen = s.wait_screen("less", "the second page", |sc| {
        let l: Vec<&str> = sc.lines().collect();
        l.len() == 24 && l[0] == "line 24" && l[22] == "line 46"
    });
    let l: Vec<&str> = screen.lines().collect();
    assert_eq!(l[..23], expected[..], "{screen}");
    assert_eq!(l[23].trim_end(), ":", "{screen}");
    assert!(!screen.lines().any(|x| x == "line 1"), "{screen}");
}

#[test]
fn terminal_queries_are_answered() {
    let s = Server::new();
    s.start("q", &[]);
    prompt_of(&s, "q");
    // Echo off first, so the reply is never echoed by the terminal before `read` runs.
    s.ok(&[
        "send",
        "-t",
        "q",
        "--enter",
        r#"stty -echo; printf '\e[6n'; IFS= read -r -t 5 -d R ans; rc=$?; stty echo; echo "CPR=${ans//$'\e'/ESC} rc=$rc""#,
    ]);
    let line = wait_line_starting(&s, "q", "CPR=");
    let screen = s.screen("q");
    let row = screen
        .lines()
        .position(|l| l == line)
        .expect("CPR line on screen");
    // The query ran with the cursor at column 1 of the row where the answer is printed.
    assert_eq!(line, format!("CPR=ESC[{};1 rc=0", row + 1), "{screen}");

    s.ok(&["send", "-t", "q", "--enter", "clear"]);
    s.wait_screen("q", "a cleared screen", |sc| sc.lines().count() == 1);
    s.ok(&[
        "send",
        "-t",
        "q",
        "--enter",
        r#"stty -echo; printf '\e[c'; IFS= read -r -t 5 -d c ans; rc=$?; stty echo; echo "DA1=${ans//$'\e'/ESC} rc=$rc""#,
    ]);
    let line = wait_line_starting(&s, "q", "DA1=");
    assert_eq!(line, "DA1=ESC[?1;2 rc=0");
}

#[test]
fn twenty_concurrent_clients() {
    let s = Server::new();
    s.start("conc", &[]);
    prompt_of(&s, "conc");
    let results: Vec<(usize, i32, i32, String)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..20)
            .map(|n| {
                let s = &s;
                sc.spawn(move || {
                    let send =
                        s.run(&["send", "-t", "conc", "--enter", &format!("echo token-{n}")]);
                    let read = s.run(&["read-screen", "-t", "conc"]);
                    (n, send.code, read.code, format!("{send:?} {read:?}"))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    for (n, send, read, detail) in &results {
        assert_eq!((*send, *read), (0, 0), "client {n}: {detail}");
    }
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = s.ok(&["read-screen", "-t", "conc", "--lines", "200"]);
        (0..20).all(|n| last.lines().any(|l| l == format!("token-{n}")))
    });
    assert!(ok, "not every token-N was printed:\n{last}");
    for n in 0..20 {
        let t = format!("token-{n}");
        assert_eq!(
            last.lines().filter(|l| *l == t).count(),
            1,
            "{t} printed more than once:\n{last}"
        );
    }
}

#[test]
fn splits_and_windows_have_correct_sizes() {
    let s = Server::new();
    let first = s
        .ok(&[
            "new-session",
            "-d",
            "-s",
            "lay",
            "-x",
            "100",
            "-y",
            "30",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .trim()
        .to_owned();
    let right = s.ok(&["split-window", "-h", "-t", "lay"]).trim().to_owned();
    let list = panes(&s, "lay");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], first.as_str(), "left pane first: {list:?}");
    assert_eq!(list[1]["id"], right.as_str());
    let (l, r) = (&list[0], &list[1]);
    assert_eq!((num(l, "cols"), num(l, "rows")), (50, 30));
    assert_eq!((num(r, "cols"), num(r, "rows")), (49, 30));
    assert_eq!(num(l, "cols") + 1 + num(r, "cols"), 100);
    assert_eq!((num(l, "left"), num(l, "top")), (0, 0));
    assert_eq!((num(r, "left"), num(r, "top")), (num(l, "cols") + 1, 0));

    // Split the right pane: the new one, below, gets exactly 10 rows.
    let below = s
        .ok(&["split-window", "-v", "-t", &right, "-l", "10"])
        .trim()
        .to_owned();
    let list = panes(&s, "lay");
    let (r, b) = (pane(&list, &right), pane(&list, &below));
    assert_eq!(num(b, "rows"), 10);
    assert_eq!(num(r, "rows"), 19);
    assert_eq!(num(b, "top"), 20);
    assert_eq!((num(b, "cols"), num(b, "left")), (49, 51));

    // 30% of that 10-row pane.
    let small = s
        .ok(&["split", "-t", &below, "-l", "30%"])
        .trim()
        .to_owned();
    let list = panes(&s, "lay");
    let (b, sm) = (pane(&list, &below), pane(&list, &small));
    assert_eq!(num(sm, "rows"), 3);
    assert_eq!(num(b, "rows"), 6);
    assert_eq!(num(sm, "top"), num(b, "top") + 6 + 1);
    assert_eq!(num(sm, "top") + num(sm, "rows"), 30);

    // A second window has the session's size.
    s.ok(&["new-window", "-t", "lay"]);
    let wins = s.json(&["list-windows", "-t", "lay"]);
    let wins = wins.as_array().expect("array");
    assert_eq!(wins.len(), 2, "{wins:?}");
    for (i, w) in wins.iter().enumerate() {
        assert_eq!(num(w, "index"), i as u64);
        assert_eq!((num(w, "cols"), num(w, "rows")), (100, 30), "{w}");
    }
    assert_eq!(num(&wins[0], "panes"), 4);
    assert_eq!(num(&wins[1], "panes"), 1);

    // Resizing window 0 re-lays its panes out to fill 120x40 exactly.
    s.ok(&["resize-window", "-t", "lay:0", "-x", "120", "-y", "40"]);
    let wins = s.json(&["list-windows", "-t", "lay"]);
    assert_eq!((num(&wins[0], "cols"), num(&wins[0], "rows")), (120, 40));
    assert_eq!((num(&wins[1], "cols"), num(&wins[1], "rows")), (100, 30));
    let list = panes(&s, "lay:0");
    assert_eq!(list.len(), 4);
    let l = pane(&list, &first);
    assert_eq!((num(l, "left"), num(l, "top"), num(l, "rows")), (0, 0, 40));
    let column: Vec<&Value> = [&right, &below, &small]
        .iter()
        .map(|id| pane(&list, id))
        .collect();
    let mut top = 0;
    for p in &column {
        assert_eq!(num(l, "cols") + 1 + num(p, "cols"), 120, "{list:?}");
        assert_eq!(num(p, "left"), num(l, "cols") + 1, "{list:?}");
        assert_eq!(num(p, "top"), top, "{list:?}");
        assert!(num(p, "rows") >= 1, "{list:?}");
        top += num(p, "rows") + 1;
    }
    assert_eq!(top - 1, 40, "rows plus borders fill the window: {list:?}");

    // Each program sees its pane's size.
    for p in &list {
        let id = p["id"].as_str().expect("id");
        s.wait_prompt(id);
        s.ok(&["send", "-t", id, "--enter", "stty size"]);
        let want = format!("{} {}", num(p, "rows"), num(p, "cols"));
        s.wait_screen(id, &format!("stty size printing '{want}'"), |sc| {
            sc.lines().any(|line| line == want)
        });
    }
}

#[test]
fn dead_panes_remain_or_disappear() {
    let s = Server::new();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "dead",
        "--remain-on-exit",
        "--",
        "sh",
        "-c",
        "echo bye-from-sh; exit 3",
    ]);
    let mut list = Vec::new();
    wait_for_cond("the pane to be marked dead", || {
        list = panes(&s, "dead");
        list.len() == 1 && list[0]["dead"] == true
    });
    let p = &list[0];
    assert_eq!(p["exit"]["code"], 3, "{p}");
    assert_eq!(p["exit"]["signal"], Value::Null, "{p}");
    assert_eq!(s.screen("dead"), "bye-from-sh\n");
    let cap = s.json(&["read-screen", "-t", "dead"]);
    assert_eq!(cap["dead"], true);
    assert_eq!(s.run(&["has-session", "-t", "dead"]).code, 0);
    assert!(
        s.ok(&["list-panes", "-t", "dead"])
            .contains("dead (status 3)"),
        "plain listing shows the status"
    );
    // Nothing can be typed into a dead pane.
    assert_eq!(s.run(&["send", "-t", "dead", "x"]).code, 1);

    // Without --remain-on-exit the pane, its window and its session go away.
    let gone = s.start("gone", &[]);
    s.wait_prompt("gone");
    assert_eq!(s.run(&["has-session", "-t", "gone"]).code, 0);
    s.ok(&["send", "-t", "gone", "--enter", "exit 5"]);
    wait_for_cond("the session to disappear", || {
        s.run(&["has-session", "-t", "gone"]).code == 1
    });
    let all = s.json(&["list-panes", "-a"]);
    let all = all.as_array().expect("array");
    assert!(all.iter().all(|p| p["id"] != gone.as_str()), "{all:?}");
    assert_eq!(all.len(), 1, "only the dead pane is left: {all:?}");
    let sessions = s.json(&["list-sessions"]);
    let names: Vec<&str> = sessions
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["dead"]);
}

/// `PaneInfo::pid` is documented as "`null` once it has been reaped".
#[test]
fn dead_pane_pid_is_null_once_reaped() {
    let s = Server::new();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "dead",
        "--remain-on-exit",
        "--",
        "sh",
        "-c",
        "exit 3",
    ]);
    let mut list = Vec::new();
    wait_for_cond("the pane to be marked dead", || {
        list = panes(&s, "dead");
        list[0]["dead"] == true
    });
    assert_eq!(list[0]["exit"]["code"], 3, "{:?}", list[0]);
    assert_eq!(
        list[0]["pid"],
        Value::Null,
        "a reaped pane still reports its old pid: {:?}",
        list[0]
    );
}

#[test]
fn identify_and_environment_inside_a_pane() {
    let s = Server::new();
    let dir = s.dir.path().to_str().expect("utf-8 dir").to_owned();
    let sock = s.socket.to_str().expect("utf-8 socket").to_owned();
    // The server starts with TMUX set; panes must not inherit it.
    let out: crate::support::Out = s
        .command()
        .env("TMUX", "/tmp/not-tmux,1,0")
        .env("TMUX_PANE", "%99")
        .args([
            "new-session",
            "-d",
            "-s",
            "me",
            "-c",
            &dir,
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .output()
        .expect("run tidemux")
        .into();
    assert_eq!(out.code, 0, "{out:?}");
    let id = out.stdout.trim().to_owned();
    prompt_of(&s, "me");

    s.ok(&[
        "send",
        "-t",
        "me",
        "--enter",
        r#"echo "pane=$TIDEMUX_PANE"; echo "term=$TERM"; echo "tmux=${TMUX:-unset},${TMUX_PANE:-unset}"; echo "pwd=$PWD""#,
    ]);
    assert_eq!(wait_line_starting(&s, "me", "pwd="), format!("pwd={dir}"));
    assert_eq!(wait_line_starting(&s, "me", "pane="), format!("pane={id}"));
    let term = wait_line_starting(&s, "me", "term=");
    assert!(
        term == "term=tmux-256color" || term == "term=screen-256color",
        "{term}"
    );
    assert_eq!(wait_line_starting(&s, "me", "tmux="), "tmux=unset,unset");

    let check = |file: &str| {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(s.dir.path().join(file)).expect("identify output"),
        )
        .expect("identify JSON");
        assert_eq!(v["pane"]["id"], id.as_str(), "{v}");
        assert_eq!(v["pane"]["session_name"], "me", "{v}");
        assert_eq!(v["socket"], sock.as_str(), "{v}");
        assert_eq!(v["server_pid"].as_i64(), s.pid().map(i64::from), "{v}");
    };

    // With the socket named explicitly.
    s.ok(&[
        "send",
        "-t",
        "me",
        "--enter",
        &format!("tidemux -S '{sock}' identify --json > out-s.json; echo \"rc-s=$?\""),
    ]);
    assert_eq!(wait_line_starting(&s, "me", "rc-s="), "rc-s=0");
    check("out-s.json");

    // As a program in a pane runs it: no -S, the pane's environment says which server.
    s.ok(&[
        "send",
        "-t",
        "me",
        "--enter",
        "tidemux identify --json > out.json; echo \"rc=$?\"",
    ]);
    let rc = wait_line_starting(&s, "me", "rc=");
    assert_eq!(
        rc,
        "rc=0",
        "plain 'tidemux identify' inside a pane failed; screen:\n{}",
        s.screen("me")
    );
    check("out.json");
}

#[test]
fn wait_for_from_inside_a_pane() {
    let s = Server::new();
    let dir = s.dir.path().to_str().expect("utf-8 dir").to_owned();
    let sock = s.socket.to_str().expect("utf-8 socket").to_owned();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "wf",
        "-c",
        &dir,
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    prompt_of(&s, "wf");

    // A waiter outside, woken by a signal sent from a program in the pane.
    let round = |channel: &str, signal_cmd: String, rc_prefix: &str| {
        std::thread::scope(|sc| {
            let waiter = sc.spawn(|| {
                let t = Instant::now();
                let o = s.run(&["wait-for", channel, "--timeout", "20"]);
                (o, t.elapsed())
            });
            s.ok(&["send", "-t", "wf", "--enter", &signal_cmd]);
            let rc = wait_line_starting(&s, "wf", rc_prefix);
            if rc != format!("{rc_prefix}0") {
                // Release the waiter so the failure is reported at once.
                let _ = s.run(&["wait-for", "-S", channel]);
            }
            assert_eq!(
                rc,
                format!("{rc_prefix}0"),
                "signalling from the pane failed; screen:\n{}",
                s.screen("wf")
            );
            let (o, took) = waiter.join().expect("waiter thread");
            assert_eq!(o.code, 0, "{o:?}");
            // It was woken by the pane, which signalled only after `sleep 0.3`.
            assert!(
                took >= Duration::from_millis(300),
                "woken too early: {took:?}"
            );
        });
        // The signal went to the waiter; it is not kept for a later one.
        assert_eq!(s.run(&["wait-for", channel, "--timeout", "0.2"]).code, 124);
    };
    round(
        "done-s",
        format!("sleep 0.3; tidemux -S '{sock}' wait-for -S done-s; echo \"rc-s=$?\""),
        "rc-s=",
    );
    round(
        "done",
        "sleep 0.3; tidemux wait-for -S done; echo \"rc=$?\"".to_owned(),
        "rc=",
    );
}

#[test]
fn wait_for_signal_without_waiter_is_kept_once() {
    let s = Server::new();
    s.start("keep", &[]);
    s.ok(&["wait-for", "-S", "x"]);
    let t = Instant::now();
    let o = s.run(&["wait-for", "x", "--timeout", "1"]);
    assert_eq!(o.code, 0, "kept signal not delivered: {o:?}");
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    let t = Instant::now();
    let o = s.run(&["wait-for", "x", "--timeout", "0.2"]);
    assert_eq!(o.code, 124, "signal delivered twice: {o:?}");
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
}
