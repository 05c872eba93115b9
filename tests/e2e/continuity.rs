//! Issue 16: snapshots and `tidemux resurrect` after the server was killed with SIGKILL.

use crate::support::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// A `tidemux` command whose (auto-started) server snapshots every 100 ms.
fn cmd(s: &Server) -> Command {
    let mut c = s.command();
    c.env("TIDEMUX_SNAPSHOT_EVERY_MS", "100");
    c
}

#[track_caller]
fn ok(s: &Server, args: &[&str]) -> String {
    let o: Out = cmd(s).args(args).output().expect("run").into();
    assert_eq!(o.code, 0, "tidemux {args:?} failed: {o:?}");
    o.stdout
}

fn snapshot_file(s: &Server) -> Option<PathBuf> {
    std::fs::read_dir(s.dir.path().join("state/tidemux"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "snapshot"))
}

fn panes(s: &Server) -> Vec<Value> {
    let v = s.json(&["list-panes", "-a"]);
    v.as_array().cloned().unwrap_or_else(|| {
        v["panes"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("list-panes -a --json: {v}"))
    })
}

/// Session:window.index, name, size and place of every pane: what a restore must keep.
fn shape(s: &Server) -> Vec<String> {
    let mut out: Vec<String> = panes(s)
        .iter()
        .map(|p| {
            format!(
                "{}:{}({}).{} name={} {}x{}+{}+{}",
                p["session_name"].as_str().unwrap_or("?"),
                p["window_index"],
                p["window_name"].as_str().unwrap_or("?"),
                p["index"],
                p["name"],
                p["cols"],
                p["rows"],
                p["left"],
                p["top"]
            )
        })
        .collect();
    out.sort();
    out
}

fn sigkill(pid: i32) {
    let p = rustix::process::Pid::from_raw(pid).expect("pid > 0");
    rustix::process::kill_process(p, rustix::process::Signal::KILL).expect("SIGKILL");
}

#[test]
fn resurrect_after_sigkill_restores_sessions_splits_names_cwds_and_history() {
    let s = Server::new();
    let dirs: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|d| {
            let p = s.dir.path().join(format!("dir-{d}"));
            std::fs::create_dir(&p).expect("mkdir");
            p
        })
        .collect();
    let d = |i: usize| dirs[i].to_str().expect("utf-8 path").to_owned();
    let bash = ["bash", "--norc", "--noprofile"];
    let d0 = d(0);
    let mut a = vec!["new-session", "-d", "-s", "alpha", "-x", "100", "-y", "30"];
    a.extend(["-c", d0.as_str(), "--"]);
    a.extend(bash);
    ok(&s, &a);
    let mut a = vec!["split-window", "-h", "-t", "alpha", "-c"];
    let d1 = d(1);
    a.extend([d1.as_str(), "--"]);
    a.extend(bash);
    let right = ok(&s, &a).trim().to_owned();
    ok(&s, &["rename-pane", "-t", &right, "right"]);
    let mut a = vec!["new-session", "-d", "-s", "beta", "-c"];
    let d2 = d(2);
    a.extend([d2.as_str(), "--"]);
    a.extend(bash);
    ok(&s, &a);
    let mut a = vec!["new-window", "-t", "beta", "-n", "logs", "--"];
    a.extend(bash);
    ok(&s, &a);
    let mut a = vec!["split-window", "-t", "beta:1", "-l", "5", "--"];
    a.extend(bash);
    ok(&s, &a);
    // Not in the allow-list: restored as a shell in the same directory.
    ok(
        &s,
        &[
            "new-session",
            "-d",
            "-s",
            "gamma",
            "-e",
            "FOO=from-e",
            "-c",
            &d(2),
            "--",
            "sleep",
            "1000",
        ],
    );
    for (t, mark) in [
        ("alpha:0.0", "MARK-A0"),
        ("right", "MARK-A1"),
        ("beta:1.1", "MARK-B"),
    ] {
        s.wait_prompt(t);
        ok(&s, &["send", "-t", t, "--enter", &format!("echo {mark}")]);
        s.wait_text(t, &format!("\n{mark}"));
    }
    // Options of each scope come back too.
    ok(&s, &["set-option", "-g", "history-limit", "4321"]);
    ok(&s, &["set-option", "-t", "beta", "status-left", "[beta] "]);
    ok(
        &s,
        &["set-option", "-p", "-t", "right", "remain-on-exit", "on"],
    );
    let before = shape(&s);
    // The snapshot catches up with the output (written every 100 ms here).
    let mut snap = String::new();
    assert!(
        wait_until(DEADLINE, || {
            snap = snapshot_file(&s)
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default();
            // The options set last must be in it too (a snapshot written between the
            // echoes and the set-option calls has the marks but not the options).
            [
                "MARK-A0",
                "MARK-A1",
                "MARK-B",
                "gamma",
                "logs",
                "4321",
                "[beta] ",
                "remain-on-exit",
            ]
            .iter()
            .all(|m| snap.contains(m))
        }),
        "no complete snapshot in {:?}: {snap}",
        snapshot_file(&s)
    );
    assert!(snap.starts_with("tidemux-snapshot 1\n"), "{snap}");

    let pid = s.pid().expect("server pid");
    sigkill(pid);
    assert!(
        wait_until(DEADLINE, || !process_alive(pid)),
        "server survived SIGKILL"
    );

    let dry = ok(&s, &["resurrect", "--dry-run"]);
    assert!(
        dry.contains("gamma:0.0") && dry.contains("shell instead of sleep 1000"),
        "{dry}"
    );
    assert!(dry.contains("alpha:0.1 [right]"), "{dry}");
    assert_eq!(s.pid(), None, "--dry-run started a server");

    let said = ok(&s, &["resurrect"]);
    assert!(
        said.contains("restored 3 sessions, 4 windows, 6 panes"),
        "{said}"
    );
    assert_ne!(s.pid(), Some(pid));
    assert_eq!(
        shape(&s),
        before,
        "layout, names or indexes differ after resurrect"
    );
    assert_eq!(s.ok(&["show-options", "-gv", "history-limit"]), "4321\n");
    assert_eq!(
        s.ok(&["show-options", "-v", "-t", "beta", "status-left"]),
        "[beta] \n"
    );
    assert_eq!(
        s.ok(&["show-options", "-pv", "-t", "right", "remain-on-exit"]),
        "on\n"
    );

    let all = panes(&s);
    let cwd_of = |t: &str| {
        all.iter()
            .find(|p| {
                format!(
                    "{}:{}.{}",
                    p["session_name"].as_str().unwrap_or(""),
                    p["window_index"],
                    p["index"]
                ) == t
            })
            .map(|p| p["cwd"].clone())
            .unwrap_or(Value::Null)
    };
    // cwd is read from /proc and may lag a moment after start.
    for (t, dir) in [
        ("alpha:0.0", d(0)),
        ("alpha:0.1", d(1)),
        ("beta:0.0", d(2)),
        ("gamma:0.0", d(2)),
    ] {
        let canon = std::fs::canonicalize(&dir).expect("canon");
        assert!(
            wait_until(DEADLINE, || {
                panes(&s).iter().any(|p| {
                    format!(
                        "{}:{}.{}",
                        p["session_name"].as_str().unwrap_or(""),
                        p["window_index"],
                        p["index"]
                    ) == t
                        && p["cwd"].as_str().map(PathBuf::from).as_ref() == Some(&canon)
                })
            }),
            "{t} is not in {dir}: {:?}",
            cwd_of(t)
        );
    }
    for (t, mark) in [
        ("alpha:0.0", "MARK-A0"),
        ("right", "MARK-A1"),
        ("beta:1.1", "MARK-B"),
    ] {
        let h = s.ok(&["read-screen", "-t", t, "--history"]);
        let m = h
            .find(&format!("\n{mark}"))
            .unwrap_or_else(|| panic!("{t}: no {mark}: {h}"));
        // Narrow panes wrap the line.
        let h = h.replace('\n', "");
        let line = h
            .find("--- tidemux: saved 20")
            .unwrap_or_else(|| panic!("{t}: no 'saved' line: {h}"));
        assert!(m < line, "{t}: history is not above the saved line: {h}");
    }
    // The command not in the allow-list became a shell, with the -e variable.
    s.wait_text("gamma", "--- not re-run: sleep 1000 ---");
    ok(&s, &["send", "-t", "gamma", "--enter", "echo FOO=$FOO"]);
    s.wait_text("gamma", "FOO=from-e");
    // A second resurrect refuses while this server runs.
    let o = s.run(&["resurrect"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("already running"), "{o:?}");
}

#[test]
fn a_damaged_snapshot_is_refused_and_kept() {
    let s = Server::new();
    let dir = s.dir.path().join("state/tidemux");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("cut.snapshot");
    let text = "tidemux-snapshot 1\n{\"saved_at\":1,\"sessions\":[{\"name\":\"x\"";
    std::fs::write(&file, text).expect("write");
    let o = s.run(&["resurrect", "--file", file.to_str().expect("utf-8")]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("refusing snapshot") && o.stderr.contains("the file is kept"),
        "{o:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), text);
    assert_eq!(s.pid(), None, "a server started from a damaged snapshot");
    std::fs::write(
        &file,
        "tidemux-snapshot 9\n{\"server_version\":\"9.9.9\"}\nend 0\n",
    )
    .expect("write");
    let o = s.run(&["resurrect", "--file", file.to_str().expect("utf-8")]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("format 9 is not supported") && o.stderr.contains("9.9.9"),
        "{o:?}"
    );
}

/// Builds `tidemux-protocol-bump`, the `tidemux` program with the cargo feature
/// `test-protocol-bump` (it speaks the next protocol major version, as a future incompatible
/// build would: `tidemux_proto::codec::PROTOCOL_BUMP`), in the target directory and profile of
/// the binary under test, and returns its path (from cargo's JSON messages). A bin of its own,
/// so the build never touches `target/debug/tidemux`, which other tests run meanwhile; the
/// feature changes the crates' metadata hashes, so the normal build's libraries stay as they
/// are and only tidemux's own four crates are compiled again (about 60 s of CPU, debug).
fn protocol_bumped_binary() -> PathBuf {
    let exe = PathBuf::from(exe());
    let profile_dir = exe.parent().expect("profile directory");
    let target_dir = profile_dir.parent().expect("target directory");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&workspace)
        .args([
            "build",
            "--locked",
            "--offline",
            "-p",
            "tidemux",
            "--bin",
            "tidemux-protocol-bump",
            "--features",
            // clap's features as `cargo test --workspace` unifies them (divan, a dev-dependency
            // of benches, adds these two), so that no library is compiled a second time.
            "test-protocol-bump,clap/env,clap/wrap_help",
            "--message-format=json",
            "--profile",
            profile,
            "--target-dir",
        ])
        .arg(target_dir)
        .output()
        .expect("run cargo build");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "building tidemux-protocol-bump failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| m["target"]["name"] == "tidemux-protocol-bump")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the tidemux-protocol-bump executable")
}

/// A CLI built for another protocol version (`tidemux-protocol-bump`, built here with the
/// version bumped by a cargo feature) keeps working with a server started from another copy of
/// the binary, deleted since, through that server's binary.
#[test]
fn a_newer_cli_runs_commands_through_the_old_servers_binary() {
    let s = Server::new();
    let bumped = protocol_bumped_binary();
    let old = s.dir.path().join("old-tidemux");
    copy_exe(&old);
    let mut c = s.command();
    c.args([
        "new-session",
        "-d",
        "-s",
        "work",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    let o: Out = Command::new(&old)
        .args(c.get_args())
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .expect("run old")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let pane = o.stdout.trim().to_owned();
    std::fs::remove_file(&old).expect("delete the old binary");
    let with_bumped = |c: &Command| {
        let mut b = Command::new(&bumped);
        b.args(c.get_args());
        for (k, v) in c.get_envs() {
            match v {
                Some(v) => b.env(k, v),
                None => b.env_remove(k),
            };
        }
        b
    };
    let newer = |args: &[&str]| -> Out {
        let mut c = s.command();
        c.args(args);
        with_bumped(&c).output().expect("run").into()
    };
    // The bumped build really speaks another version than the server's binary.
    // (`version` asks the server too, so ask it where none runs.)
    let nowhere = s.dir.path().join("no-server");
    let o: Out = Command::new(&bumped)
        .arg("-S")
        .arg(&nowhere)
        .args(["version", "--json"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let v: Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["protocol"], 3, "{v}");
    let o = s.run(&["version", "--json"]);
    let v: Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["server"]["protocol"], 2, "{v}");
    let o = newer(&["list-sessions"]);
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.contains("work: 1 windows"), "{o:?}");
    assert_eq!(
        o.stderr.matches("older than this tidemux").count(),
        1,
        "expected one note on stderr: {o:?}"
    );
    assert!(
        o.stderr.contains("/exe") && o.stderr.contains("upgrade"),
        "{o:?}"
    );
    s.wait_prompt(&pane);
    let o = newer(&["send", "-t", &pane, "--enter", "echo via-fallback"]);
    assert_eq!(o.code, 0, "{o:?}");
    s.wait_text(&pane, "\nvia-fallback");
    let o = newer(&["read-screen", "-t", &pane]);
    assert!(o.stdout.contains("\nvia-fallback"), "{o:?}");
    // tmux's language (`tidemux tmux`, the `tmux` shim) falls back the same way.
    let o: Out = Command::new(&bumped)
        .args([
            "tmux",
            "-S",
            s.socket.to_str().expect("utf-8"),
            "list-sessions",
        ])
        .envs(s.command().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env_remove("TIDEMUX")
        .env_remove("TIDEMUX_PANE")
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.starts_with("work: 1 windows"), "{o:?}");
    assert!(o.stderr.contains("older than this tidemux"), "{o:?}");
    // Attach works the same way: the bumped CLI, in a pane of another server (a terminal),
    // attaches through the server's (deleted) binary; typing reaches the pane.
    let outer = Server::new();
    outer.ok(&[
        "new-session",
        "-d",
        "-s",
        "o",
        "-x",
        "80",
        "-y",
        "24",
        "--remain-on-exit",
        "--",
        "env",
        "-u",
        "TIDEMUX",
        "-u",
        "TIDEMUX_PANE",
        bumped.to_str().expect("utf-8"),
        "-S",
        s.socket.to_str().expect("utf-8"),
        "attach",
        "-t",
        "work",
    ]);
    outer.wait_text("o", "[work] ");
    let client = outer.json(&["list-panes", "-t", "o"])[0]["pid"].clone();
    let client_exe = std::fs::read_link(format!("/proc/{client}/exe")).expect("client exe");
    assert!(
        client_exe.to_string_lossy().contains("old-tidemux"),
        "the attach client runs the server's binary: {client_exe:?}"
    );
    outer.ok(&["send", "-t", "o", "--enter", "echo typed-through-attach"]);
    s.wait_text(&pane, "\ntyped-through-attach");
    outer.ok(&["kill-server"]);
    // Without the fallback (already a fallback run), the mismatch is reported.
    let mut c = s.command();
    c.env("TIDEMUX_FALLBACK_FROM", "test")
        .args(["list-sessions"]);
    let o: Out = with_bumped(&c).output().expect("run").into();
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("protocol version mismatch")
            && o.stderr.contains("speaks version 3")
            && o.stderr.contains("speaks version 2"),
        "{o:?}"
    );
}

#[test]
fn resurrect_on_start_and_kill_server_keeps_the_snapshot() {
    let s = Server::new();
    ok(
        &s,
        &[
            "new-session",
            "-d",
            "-s",
            "keep",
            "-n",
            "main",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
    );
    s.wait_prompt("keep");
    ok(&s, &["send", "-t", "keep", "--enter", "echo KEEP-ME"]);
    s.wait_text("keep", "\nKEEP-ME");
    assert!(
        wait_until(DEADLINE, || snapshot_file(&s)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .is_some_and(|t| t.contains("KEEP-ME"))),
        "no snapshot with the output"
    );
    // kill-server leaves no session: the snapshot worth resurrecting is not overwritten.
    let pid = s.pid().expect("pid");
    ok(&s, &["kill-server"]);
    assert!(wait_until(DEADLINE, || !process_alive(pid)));
    let file = snapshot_file(&s).expect("snapshot kept");
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .contains("KEEP-ME"));
    // Without the variable a first use starts empty; with it, the sessions come back first.
    let o: Out = cmd(&s)
        .env("TIDEMUX_RESURRECT_ON_START", "1")
        .args(["new-session", "-d", "-s", "fresh", "--", "sh"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let ls = s.ok(&["list-sessions"]);
    assert!(
        ls.contains("keep: 1 windows") && ls.contains("fresh: 1 windows"),
        "{ls}"
    );
    let h = s.ok(&["read-screen", "-t", "keep:main", "--history"]);
    assert!(
        h.contains("\nKEEP-ME") && h.contains("--- tidemux: saved 20"),
        "{h}"
    );
}

/// `resurrect-on-start` and `resurrect-commands` as server options: saved in the snapshot,
/// they decide what the next first use does (the environment variable overrides them); a
/// pane's `--remain-on-exit` comes back too.
#[test]
fn resurrect_on_start_option_is_saved_and_obeyed_and_remain_on_exit_kept() {
    let s = Server::new();
    let p = ok(
        &s,
        &[
            "new-session",
            "-d",
            "-s",
            "opt",
            "--remain-on-exit",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
    )
    .trim()
    .to_owned();
    s.wait_prompt(&p);
    ok(&s, &["set-option", "-s", "resurrect-on-start", "on"]);
    ok(&s, &["set-option", "-s", "resurrect-commands", "bash,zsh"]);
    assert_eq!(
        ok(&s, &["show-options", "-sv", "resurrect-on-start"]),
        "on\n"
    );
    ok(&s, &["send", "-t", &p, "--enter", "echo OPT-MARK"]);
    s.wait_text(&p, "\nOPT-MARK");
    assert!(
        wait_until(DEADLINE, || snapshot_file(&s)
            .and_then(|f| std::fs::read_to_string(f).ok())
            .is_some_and(
                |t| t.contains("OPT-MARK") && t.contains("resurrect-commands")
            )),
        "no snapshot with the options"
    );
    let pid = s.pid().expect("pid");
    sigkill(pid);
    assert!(wait_until(DEADLINE, || !process_alive(pid)));
    // The variable overrides the saved option: off starts empty.
    let o: Out = cmd(&s)
        .env("TIDEMUX_RESURRECT_ON_START", "0")
        .args(["new-session", "-d", "-s", "first", "--", "sh"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(!s.ok(&["list-sessions"]).contains("opt:"));
    let pid = s.pid().expect("pid");
    ok(&s, &["kill-server"]);
    assert!(wait_until(DEADLINE, || !process_alive(pid)));
    // Without the variable, the saved option brings the sessions back on first use.
    ok(&s, &["new-session", "-d", "-s", "second", "--", "sh"]);
    let ls = s.ok(&["list-sessions"]);
    assert!(ls.contains("opt: 1 windows"), "{ls}");
    assert_eq!(
        ok(&s, &["show-options", "-sv", "resurrect-commands"]),
        "bash,zsh\n"
    );
    s.wait_prompt("opt");
    assert!(s
        .ok(&["read-screen", "-t", "opt", "--history"])
        .contains("\nOPT-MARK"));
    // remain-on-exit came back with the pane: its shell exits, the pane stays (dead).
    ok(&s, &["send", "-t", "opt", "--enter", "exit 3"]);
    assert!(
        wait_until(DEADLINE, || s.json(&["list-panes", "-t", "opt"])[0]["dead"]
            == true),
        "the restored pane did not remain after its process exited"
    );
}

/// The snapshot's JSON line (the second line of the file), once a snapshot for which `pred`
/// holds was written.
fn snapshot_json_when(s: &Server, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    let found = wait_until(DEADLINE, || {
        let Some(text) = snapshot_file(s).and_then(|f| std::fs::read_to_string(f).ok()) else {
            return false;
        };
        let Some(v) = text
            .lines()
            .nth(1)
            .and_then(|l| serde_json::from_str::<Value>(l).ok())
        else {
            return false;
        };
        last = v;
        pred(&last)
    });
    assert!(found, "no snapshot with {what}; last: {last}");
    last
}

/// Every pane's saved history lines in a snapshot's JSON.
fn saved_histories(v: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for sess in v["sessions"].as_array().into_iter().flatten() {
        for w in sess["windows"].as_array().into_iter().flatten() {
            for p in w["panes"].as_array().into_iter().flatten() {
                out.push(
                    p["history"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|l| l.as_str().unwrap_or_default().to_owned())
                        .collect(),
                );
            }
        }
    }
    out
}

/// The server option `resurrect-history-lines` sets how many lines of each pane the snapshot
/// keeps (default 2000, 0 none); a bad value is refused; `TIDEMUX_SNAPSHOT_LINES` in the
/// server's environment overrides it.
#[test]
fn resurrect_history_lines_option_limits_the_saved_history() {
    let s = Server::new();
    let p = ok(
        &s,
        &[
            "new-session",
            "-d",
            "-s",
            "hl",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
    )
    .trim()
    .to_owned();
    s.wait_prompt(&p);
    assert_eq!(
        ok(&s, &["show-options", "-sv", "resurrect-history-lines"]),
        "2000\n"
    );
    ok(
        &s,
        &["send", "-t", &p, "--enter", "seq 1 100; echo HL-MARK"],
    );
    s.wait_text(&p, "\nHL-MARK");
    let v = snapshot_json_when(&s, "the 100 lines", |v| {
        v["history_lines"] == 2000 && saved_histories(v).concat().iter().any(|l| l == "HL-MARK")
    });
    assert!(saved_histories(&v)[0].len() > 100, "{v}");
    ok(&s, &["set-option", "-s", "resurrect-history-lines", "5"]);
    let v = snapshot_json_when(&s, "history_lines 5", |v| v["history_lines"] == 5);
    let h = saved_histories(&v);
    assert_eq!(h.len(), 1, "{v}");
    assert!(!h[0].is_empty() && h[0].len() <= 5, "{h:?}");
    assert!(h[0].iter().any(|l| l == "HL-MARK"), "the last lines: {h:?}");
    assert!(
        !h[0].iter().any(|l| l == "50"),
        "older lines dropped: {h:?}"
    );
    ok(&s, &["set-option", "-s", "resurrect-history-lines", "0"]);
    let v = snapshot_json_when(&s, "history_lines 0", |v| v["history_lines"] == 0);
    assert!(saved_histories(&v).iter().all(Vec::is_empty), "{v}");
    // A bad value is refused and changes nothing.
    for bad in ["-1", "many", "1000001"] {
        let o: Out = cmd(&s)
            .args(["set-option", "-s", "resurrect-history-lines", bad])
            .output()
            .expect("run")
            .into();
        assert_ne!(o.code, 0, "{bad}: {o:?}");
        assert!(!o.stderr.is_empty(), "{o:?}");
    }
    assert_eq!(
        ok(&s, &["show-options", "-sv", "resurrect-history-lines"]),
        "0\n"
    );

    // The environment variable overrides the option.
    let s = Server::new();
    let o: Out = cmd(&s)
        .env("TIDEMUX_SNAPSHOT_LINES", "3")
        .args(["new-session", "-d", "-s", "env", "--", "bash", "--norc"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    ok(&s, &["set-option", "-s", "resurrect-history-lines", "50"]);
    let v = snapshot_json_when(&s, "history_lines 3", |v| v["history_lines"] == 3);
    assert!(saved_histories(&v)[0].len() <= 3, "{v}");
}
