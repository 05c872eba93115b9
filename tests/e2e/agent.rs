//! Issue 4: waits, race-free send-then-wait, reliable submit, pane states, events, attention.

use crate::support::{wait_until, Raw, Server, DEADLINE};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;
use tidemux_proto::{codec, Request, Response};

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn wait_json(s: &Server, args: &[&str]) -> Value {
    let mut a = vec!["wait"];
    a.extend(args);
    s.json(&a)
}

#[test]
fn send_then_wait_never_matches_the_stale_screen() {
    let s = Server::new();
    s.start("w", &[]);
    s.wait_prompt("w");
    let first = s.json(&[
        "send",
        "-t",
        "w",
        "--enter",
        "echo A",
        "--wait-text",
        "^A$",
        "--timeout",
        "10",
    ]);
    assert_eq!(first["condition"], "text");
    let first_row = first["row"].as_i64().unwrap();
    // The first A is on screen; a second identical command must wait for its own output.
    let second = s.json(&[
        "send",
        "-t",
        "w",
        "--enter",
        "sleep 0.3; echo A",
        "--wait-text",
        "^A$",
        "--timeout",
        "10",
    ]);
    assert_eq!(second["matched"], "A");
    assert_eq!(second["row"].as_i64().unwrap(), first_row + 2, "{second}");
    assert!(second["seq"].as_u64() > second["sent"]["seq"].as_u64());
    // The same with a separate `wait --since` on the seq that `send` reports.
    let sent = s.json(&["send", "-t", "w", "--enter", "sleep 0.3; echo A"]);
    let seq = sent["seq"].as_u64().unwrap().to_string();
    let w = wait_json(
        &s,
        &[
            "-t",
            "w",
            "--text",
            "^A$",
            "--since",
            &seq,
            "--timeout",
            "10",
        ],
    );
    assert_eq!(w["row"].as_i64().unwrap(), first_row + 4, "{w}");
}

#[test]
fn already_true_conditions_return_at_once_and_timeouts_exit_124() {
    let s = Server::new();
    s.start("w", &[]);
    s.wait_prompt("w");
    s.ok(&["send", "-t", "w", "--enter", "echo marker-$((40+2))"]);
    s.wait_text("w", "marker-42");
    // Already on screen: returns even with a tiny timeout.
    let w = wait_json(&s, &["-t", "w", "--text", "marker-4\\d", "--timeout", "5"]);
    assert_eq!(w["matched"], "marker-42");
    // Never appears: exit 124, JSON says timed_out and gives the seq.
    let o = s.run(&[
        "wait",
        "-t",
        "w",
        "--text",
        "never-there",
        "--timeout",
        "0.3",
        "--json",
    ]);
    assert_eq!(o.code, 124, "{o:?}");
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["timed_out"], true);
    assert!(v["seq"].as_u64().unwrap() > 0);
    assert!(o.stderr.contains("timed out"), "{o:?}");
    // A bad regex is an error naming the position, and nothing waits.
    let o = s.run(&["wait", "-t", "w", "--text", "a(b"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("position"), "{o:?}");
    // No condition at all.
    let o = s.run(&["wait", "-t", "w"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--text"), "{o:?}");
}

#[test]
fn idle_exit_and_history_conditions_on_real_programs() {
    let s = Server::new();
    s.start("w", &[]);
    s.wait_prompt("w");
    let sent = s.json(&[
        "send",
        "-t",
        "w",
        "--enter",
        "for i in 1 2 3 4 5; do echo tick$i; sleep 0.1; done",
    ]);
    let seq = sent["seq"].as_u64().unwrap().to_string();
    let w = wait_json(
        &s,
        &[
            "-t",
            "w",
            "--idle",
            "400",
            "--since",
            &seq,
            "--timeout",
            "10",
        ],
    );
    assert_eq!(w["condition"], "idle");
    // Idle fired only once the output stopped: the last tick is on screen.
    let screen = s.screen("w");
    assert!(screen.contains("tick5"), "{screen}");

    // History search finds lines that scrolled away; the visible-only search does not.
    s.ok(&[
        "send",
        "-t",
        "w",
        "--enter",
        "echo needle-$((1+1)); seq 1 100",
    ]);
    s.wait_text("w", "\n100\n");
    let o = s.run(&[
        "wait",
        "-t",
        "w",
        "--text",
        "^needle-2$",
        "--timeout",
        "0.2",
    ]);
    assert_eq!(o.code, 124, "{o:?}");
    let w = wait_json(
        &s,
        &[
            "-t",
            "w",
            "--text",
            "^needle-2$",
            "--history",
            "--timeout",
            "5",
        ],
    );
    assert!(w["row"].as_i64().unwrap() < 0, "{w}");

    // Exit status.
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "e",
        "--remain-on-exit",
        "--",
        "sh",
        "-c",
        "sleep 0.2; exit 5",
    ]);
    let w = wait_json(&s, &["-t", "e", "--exit", "--timeout", "10"]);
    assert_eq!(w["condition"], "exit");
    assert_eq!(w["exit"]["code"], 5);
}

#[test]
fn prompt_condition_uses_osc_133_marks() {
    let s = Server::new();
    s.start("w", &[]);
    s.wait_prompt("w");
    // The one-line bash snippet from docs/cli.md.
    s.ok(&[
        "send",
        "-t",
        "w",
        "--enter",
        r#"PS1='\[\e]133;A\a\]\$ \[\e]133;B\a\]'; PS0='\e]133;C\a'"#,
    ]);
    wait_json(&s, &["-t", "w", "--prompt", "--timeout", "10"]);
    let sent = s.json(&["send", "-t", "w", "--enter", "sleep 0.5; echo slept"]);
    let seq = sent["seq"].as_u64().unwrap().to_string();
    let w = wait_json(
        &s,
        &["-t", "w", "--prompt", "--since", &seq, "--timeout", "10"],
    );
    assert_eq!(w["condition"], "prompt");
    // The prompt came after the command's output.
    assert!(s.screen("w").contains("slept"));
}

#[test]
fn submit_reaches_a_tui_that_drops_early_enters() {
    let s = Server::new();
    let tui = fixture("fake_tui.py");
    s.start("tui", &["python3", &tui]);
    s.wait_text("tui", "> ready");
    // Control: a paste with its Enter in the same write is dropped by this TUI.
    s.ok(&[
        "send",
        "-t",
        "tui",
        "--enter",
        "\u{1b}[200~first try\u{1b}[201~",
    ]);
    s.wait_text("tui", "IGNORED ENTER");
    // Submit: paste, then Enter after the delay: accepted (with the text still pending).
    let o = s.json(&[
        "send",
        "-t",
        "tui",
        "--submit",
        "hello agent",
        "--wait-text",
        "SUBMITTED: .*",
        "--timeout",
        "10",
    ]);
    assert_eq!(o["matched"], "SUBMITTED: first tryhello agent", "{o}");
    let screen = s.screen("tui");
    assert_eq!(screen.matches("IGNORED ENTER").count(), 1, "{screen}");
}

fn spawn_events(s: &Server, args: &[&str]) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut c = s.command();
    c.arg("events").args(args).stdout(Stdio::piped());
    let mut child = c.spawn().expect("spawn events");
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

#[test]
fn fake_agent_states_are_observed_in_order_without_flapping() {
    const CYCLES: usize = 20;
    let s = Server::new();
    let agent = fixture("fake_agent.py");
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "agent",
        "--remain-on-exit",
        "--",
        "bash",
        "-c",
        "sleep 0.3; exec python3 \"$0\" 20 0.3",
        &agent,
    ]);
    let pane = s.json(&["list-panes", "-t", "agent"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (mut child, mut out) = spawn_events(&s, &["--filter", "state-changed", "--after", "0"]);
    let mut since = "0".to_owned();
    for n in 0..CYCLES {
        // --since: only a waiting-input state entered after our last answer counts.
        let w = wait_json(
            &s,
            &[
                "-t",
                &pane,
                "--state",
                "waiting-input",
                "--since",
                &since,
                "--timeout",
                "20",
            ],
        );
        assert_eq!(w["state"], "waiting-input");
        let screen = s.screen(&pane);
        assert!(
            screen.contains(&format!("Allow command git diff ({n})? [y/n]")),
            "cycle {n}: {screen}"
        );
        let sent = s.json(&["send", "-t", &pane, "--enter", "y"]);
        since = sent["seq"].as_u64().unwrap().to_string();
    }
    let w = wait_json(&s, &["-t", &pane, "--exit", "--timeout", "20"]);
    assert_eq!(w["exit"]["code"], 0);
    // Collect this pane's state changes until the exit.
    let mut states = Vec::new();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        line.clear();
        if v["pane"] == pane.as_str() {
            states.push(v["state"].as_str().unwrap().to_owned());
            if states.last().map(String::as_str) == Some("exited") {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    // Before the agent prints anything, `bash -c 'sleep 0.3; exec python3 ...'` sleeps and
    // python starts: on a loaded machine the monitor may see that as `idle` or `running` first.
    // Those are true states, not flaps; the cycles below are what must come without flapping.
    while matches!(states.first().map(String::as_str), Some("idle" | "running")) {
        states.remove(0);
    }
    let mut expected: Vec<&str> = Vec::new();
    for _ in 0..CYCLES {
        expected.extend(["waiting-input", "running"]);
    }
    expected.push("exited");
    assert_eq!(states, expected);
}

#[test]
fn events_replay_filters_and_attention() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt("w");
    let (mut child, mut out) = spawn_events(
        &s,
        &[
            "--after",
            "0",
            "--filter",
            "attention",
            "--filter",
            "pane-renamed",
        ],
    );
    s.ok(&["notify", "-t", &pane, "please", "review"]);
    s.ok(&["rename-pane", "-t", &pane, "worker-1"]);
    let st = s.json(&["status"]);
    assert_eq!(st[0]["attention"], true);
    assert_eq!(st[0]["attention_message"], "please review");
    s.ok(&["select-pane", "-t", "worker-1"]);
    s.ok(&["send", "-t", "worker-1", "--enter", "printf 'x\\a\\n'"]);
    let mut kinds = Vec::new();
    let mut line = String::new();
    while kinds.len() < 4 && out.read_line(&mut line).unwrap() > 0 {
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        kinds.push(format!(
            "{}:{}",
            v["kind"].as_str().unwrap(),
            v["message"].as_str().or(v["name"].as_str()).unwrap_or("")
        ));
        line.clear();
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        kinds,
        [
            "attention-set:please review",
            "pane-renamed:worker-1",
            "attention-cleared:",
            "attention-set:bell"
        ]
    );
    let st = s.json(&["list-panes", "-t", "worker-1"]);
    assert_eq!(st[0]["bell"], true);
    assert_eq!(st[0]["bells"], 1);
    // Replay from the start includes the creation events, numbered from 1.
    let (mut child, mut out) = spawn_events(&s, &["--after", "0"]);
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let v: Value = serde_json::from_str(first.trim()).unwrap();
    assert_eq!(
        (v["seq"].as_u64(), v["kind"].as_str()),
        (Some(1), Some("session-created"))
    );
    // Unknown filter: error listing kinds.
    let o = s.run(&["events", "--filter", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("pane-exited"), "{o:?}");
}

#[test]
fn a_subscriber_that_stops_reading_is_dropped_and_the_server_stays_responsive() {
    let s = Server::new();
    s.start("w", &[]);
    // A subscriber that never reads.
    let mut stuck = Raw::connect(&s.socket);
    stuck.send(
        1,
        &Request::Events {
            after: None,
            filters: vec![],
        },
    );
    // Flood events: 20,000 channel signals over one raw connection.
    let mut c = Raw::connect(&s.socket);
    for i in 0..20_000u64 {
        let r = c.call(
            i + 1,
            Request::WaitFor {
                channel: "flood".into(),
                signal: true,
                timeout_ms: None,
            },
        );
        assert_eq!(r, Response::Ok);
    }
    // The server still answers promptly.
    assert!(s.ok(&["list-sessions"]).contains("w:"));
    // The stuck subscriber's connection is closed by the server: reading drains to EOF.
    stuck.stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut last = None;
    loop {
        match stuck.read() {
            Ok((_, r)) => last = Some(r),
            Err(codec::CodecError::Closed) => break,
            Err(e) => panic!("subscriber was not disconnected: {e}"),
        }
    }
    match last {
        Some(Response::Event(e)) => assert!(
            matches!(
                e.kind,
                tidemux_proto::EventKind::SubscriberDropped
                    | tidemux_proto::EventKind::ChannelSignalled
            ),
            "{e:?}"
        ),
        other => panic!("unexpected last frame {other:?}"),
    }
    // The replay buffer no longer holds event 1: --after 1 says so explicitly first.
    let (mut child, mut out) = spawn_events(&s, &["--after", "1"]);
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let v: Value = serde_json::from_str(first.trim()).unwrap();
    assert_eq!(v["kind"], "events-lost", "{v}");
    assert!(wait_until(Duration::from_secs(1), || true));
}

#[test]
fn send_wait_and_read_in_one_call() {
    let s = Server::new();
    s.start("w", &[]);
    s.wait_prompt("w");
    // Plain: the screen as it was when the answer appeared.
    let o = s.run(&[
        "send",
        "-t",
        "w",
        "--enter",
        "echo R$((1+1))",
        "--wait-text",
        "^R2$",
        "--read",
        "--timeout",
        "10",
    ]);
    assert_eq!(o.code, 0, "{o:?}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(lines.contains(&"R2"), "{o:?}");
    assert!(lines.iter().any(|l| l.ends_with("echo R$((1+1))")), "{o:?}");
    // JSON: the outcome carries the capture, taken at the state the condition held on.
    let v = s.json(&[
        "wait",
        "-t",
        "w",
        "--text",
        "^R2$",
        "--read",
        "--timeout",
        "10",
    ]);
    let screen = &v["screen"];
    assert!(
        screen["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "R2"),
        "{v}"
    );
    assert_eq!(screen["seq"], v["seq"], "{v}");
    // --read without a wait condition on send is refused.
    let o = s.run(&["send", "-t", "w", "x", "--read"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("--wait-text"), "{o:?}");
}
