//! Issue 14, exact agent states: the whole foreground process group (wrappers seen through),
//! no flapping for 1 Hz redraws, `at-prompt` vs `waiting-input`, self-reported states (command
//! and OSC 7734), `events --pane` and `--no-output`.

use crate::support::{wait_until, Server, DEADLINE};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pane_info(s: &Server, pane: &str) -> Value {
    s.json(&["list-panes", "-a"])
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pane)
        .cloned()
        .unwrap_or(Value::Null)
}

fn state(s: &Server, pane: &str) -> String {
    pane_info(s, pane)["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[track_caller]
fn wait_state(s: &Server, pane: &str, want: &str) {
    let w = s.json(&["wait", "-t", pane, "--state", want, "--timeout", "20"]);
    assert_eq!(w["state"], want, "{w}");
}

fn events(s: &Server, args: &[&str]) -> (Child, Receiver<Value>) {
    let mut child = s
        .command()
        .arg("events")
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<Value>(line.trim()) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        }
    });
    (child, rx)
}

#[test]
fn a_wrapper_script_agent_is_waiting_input_and_a_shell_is_at_prompt() {
    let s = Server::new();
    let script = s.dir.path().join("agent.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\npython3 -c 'input(\"Allow command git diff? [y/n] \")'\necho answered\nsleep 300\n",
    )
    .unwrap();
    let shell = s.start("w", &[]);
    let agent = s
        .ok(&[
            "new-window",
            "-t",
            "w",
            "-d",
            "--",
            "sh",
            script.to_str().unwrap(),
        ])
        .trim()
        .to_owned();
    s.wait_text(&agent, "[y/n]");
    wait_state(&s, &agent, "waiting-input");
    // The group's leader is the waiting sh; the reader is python.
    assert_eq!(pane_info(&s, &agent)["foreground"]["name"], "sh");
    s.wait_prompt(&shell);
    wait_state(&s, &shell, "at-prompt");
    // A program started from the shell and reading the terminal is waiting-input again.
    s.ok(&[
        "send",
        "-t",
        &shell,
        "--enter",
        "python3 -c 'input(\"name? \")'",
    ]);
    s.wait_text(&shell, "name?");
    // (`wait --state waiting-input` accepts at-prompt too, so look at the state itself.)
    assert!(
        wait_until(DEADLINE, || state(&s, &shell) == "waiting-input"),
        "{}",
        state(&s, &shell)
    );
    s.ok(&["send", "-t", &agent, "--enter", "y"]);
    s.wait_text(&agent, "answered");
    wait_state(&s, &agent, "idle");
}

#[test]
fn a_one_hertz_redraw_does_not_flap_over_twenty_seconds() {
    let s = Server::new();
    let pane = s.start("t", &["python3", &fixture("ticker.py")]);
    // Let it settle: a few redraws establish the rate.
    s.wait_text(&pane, "tick 3");
    let (mut child, rx) = events(&s, &["--pane", &pane, "--filter", "state-changed"]);
    let start = Instant::now();
    let mut flaps = Vec::new();
    while let Some(left) = Duration::from_secs(20).checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(v) => flaps.push(v),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
            Err(e) => panic!("events ended: {e}"),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        flaps.is_empty(),
        "state changes during a 1 Hz redraw: {flaps:?}"
    );
    assert_eq!(state(&s, &pane), "running");
    assert!(s.screen(&pane).contains("tick 2"));
}

#[test]
fn a_program_reports_its_own_state_by_command_and_by_osc() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt(&pane);
    wait_state(&s, &pane, "at-prompt");
    let (mut child, rx) = events(&s, &["--pane", &pane, "--no-output", "--after", "0"]);
    s.ok(&[
        "send",
        "-t",
        &pane,
        "--enter",
        "tidemux status --set blocked --message 'needs approval'; echo reported",
    ]);
    s.wait_text(&pane, "\nreported");
    // It sticks although the shell is back at its prompt and the screen changed.
    wait_state(&s, &pane, "blocked");
    let info = pane_info(&s, &pane);
    assert_eq!(info["state_message"], "needs approval");
    let table = s.ok(&["status"]);
    assert!(
        table.contains("blocked") && table.contains("(needs approval)"),
        "{table}"
    );
    // Over several monitor samples (1.5 s) the inference never takes over: a wait for the
    // shell's own state times out.
    let o = s.run(&[
        "wait",
        "-t",
        &pane,
        "--state",
        "at-prompt",
        "--timeout",
        "1.5",
    ]);
    assert_eq!(o.code, 124, "the self-report did not stick: {o:?}");
    assert_eq!(state(&s, &pane), "blocked");
    // Input to the pane clears the report; the inference takes over again.
    s.ok(&[
        "send",
        "-t",
        &pane,
        "--enter",
        "printf '\\033]7734;done;all green\\007'",
    ]);
    wait_state(&s, &pane, "done");
    assert_eq!(pane_info(&s, &pane)["state_message"], "all green");
    // From outside, with -t; then --clear.
    s.ok(&["status", "-t", &pane, "--clear"]);
    wait_state(&s, &pane, "at-prompt");
    assert!(pane_info(&s, &pane)["state_message"].is_null());
    let o = s.run(&["status", "-t", &pane, "--set", "exited"]);
    assert_eq!(o.code, 1, "{o:?}");
    let o = s.run(&["status", "-t", &pane, "--set", "sleepy"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("valid states"), "{o:?}");
    // The event stream of this pane: no output events, the reported states with messages.
    let mut seen = Vec::new();
    let end = Instant::now() + DEADLINE;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        let Ok(v) = rx.recv_timeout(left) else { break };
        assert_ne!(v["kind"], "output", "{v}");
        assert_eq!(v["pane"], pane.as_str(), "{v}");
        if v["kind"] == "state-changed" {
            seen.push((
                v["state"].as_str().unwrap().to_owned(),
                v["message"].clone(),
            ));
            if v["state"] == "at-prompt" && seen.iter().any(|(s, _)| s == "done") {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains(&("blocked".into(), Value::from("needs approval"))),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("done".into(), Value::from("all green"))),
        "{seen:?}"
    );
}

#[test]
fn events_pane_filter_keeps_one_panes_events() {
    let s = Server::new();
    let a = s.start("w", &[]);
    let b = s
        .ok(&[
            "split-window",
            "-t",
            &a,
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .trim()
        .to_owned();
    let (mut child, rx) = events(&s, &["--pane", &b, "--after", "0"]);
    s.ok(&["send", "-t", &a, "--enter", "echo in-a"]);
    s.ok(&["send", "-t", &b, "--enter", "echo in-b"]);
    s.wait_text(&b, "\nin-b");
    let mut kinds = Vec::new();
    let end = Instant::now() + DEADLINE;
    let mut killed = false;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        let Ok(v) = rx.recv_timeout(left) else { break };
        assert_eq!(v["pane"], b.as_str(), "{v}");
        kinds.push(v["kind"].as_str().unwrap().to_owned());
        if v["kind"] == "output" && !killed {
            s.ok(&["kill-pane", "-t", &b]);
            killed = true;
        }
        if v["kind"] == "pane-closed" {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("pane-created"),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("pane-closed"),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"output".to_owned()), "{kinds:?}");
}
