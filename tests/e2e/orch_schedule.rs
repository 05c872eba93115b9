//! Issue 14, scheduled sends: held by the server, listed, cancelled, fired after the caller
//! exited, with an event when they fire (or fail, with the reason).

use crate::support::{Server, DEADLINE};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Instant;

/// An `events` stream of `schedule-*` events, read on a thread so that waits have deadlines.
fn events(s: &Server) -> (Child, Receiver<Value>) {
    let mut child = s
        .command()
        .args(["events", "--after", "0", "--filter", "schedule"])
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

/// The next event of `kind`, within the deadline.
fn next_event(rx: &mut Receiver<Value>, kind: &str) -> Value {
    let end = Instant::now() + DEADLINE;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(v) if v["kind"] == kind => return v,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no {kind} event");
}

#[test]
fn a_scheduled_send_fires_after_the_scheduling_process_exited() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt(&pane);
    let (mut ev, mut out) = events(&s);
    // The scheduling command returns at once and exits.
    let v = s.json(&[
        "send",
        "-t",
        "w",
        "--enter",
        "echo fired-$((40+2))",
        "--after",
        "1s",
    ]);
    let id = v["id"].as_u64().unwrap();
    assert_eq!(v["command"], "send");
    assert_eq!(v["pane"], pane.as_str());
    assert!(v["at_ms"].as_u64().unwrap() >= v["created_ms"].as_u64().unwrap() + 900);
    assert!(!s.screen(&pane).contains("fired-42"));
    s.wait_text(&pane, "fired-42");
    let e = next_event(&mut out, "schedule-fired");
    assert_eq!(e["name"], id.to_string());
    assert_eq!(e["pane"], pane.as_str());
    // Other schedulable commands: send-key, notify, wait-for -S (with --at).
    let at = format!(
        "@{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            + 0.3
    );
    s.ok(&["wait-for", "-S", "check-in", "--at", &at]);
    s.ok(&["wait-for", "check-in", "--timeout", "20"]);
    s.ok(&[
        "notify", "-t", &pane, "--after", "100ms", "review", "progress",
    ]);
    s.ok(&[
        "send-key", "-t", &pane, "--after", "0.2", "e", "c", "h", "o", "Space", "k", "Enter",
    ]);
    s.wait_text(&pane, "\nk\n");
    crate::support::wait_until(DEADLINE, || {
        s.json(&["list-panes", "-t", &pane])[0]["attention_message"] == "review progress"
    });
    let _ = ev.kill();
    let _ = ev.wait();
}

#[test]
fn schedule_list_and_cancel() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    let a = s.json(&[
        "send",
        "-t",
        &pane,
        "--enter",
        "echo later",
        "--after",
        "1h",
    ]);
    let b = s.json(&[
        "notify", "-t", &pane, "--after", "30m", "check", "the", "PM",
    ]);
    let list = s.json(&["schedule", "list"]);
    let ids: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    // Soonest first.
    assert_eq!(ids, [b["id"].as_u64().unwrap(), a["id"].as_u64().unwrap()]);
    assert!(
        list[0]["summary"]
            .as_str()
            .unwrap()
            .contains("check the PM"),
        "{list}"
    );
    let plain = s.ok(&["schedule", "list"]);
    assert_eq!(plain.lines().count(), 2, "{plain}");
    s.ok(&["schedule", "cancel", &a["id"].to_string()]);
    assert_eq!(s.json(&["schedule", "list"]).as_array().unwrap().len(), 1);
    let o = s.run(&["schedule", "cancel", &a["id"].to_string()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no scheduled request"), "{o:?}");
    // Bad durations and unschedulable combinations change nothing.
    assert_eq!(
        s.run(&["send", "-t", &pane, "x", "--after", "soon"]).code,
        1
    );
    assert_eq!(
        s.run(&[
            "send",
            "-t",
            &pane,
            "x",
            "--after",
            "1s",
            "--wait-idle",
            "100"
        ])
        .code,
        1
    );
    assert_eq!(s.run(&["wait-for", "c", "--after", "1s"]).code, 1);
    assert_eq!(s.json(&["schedule", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_scheduled_send_to_a_pane_that_has_gone_is_an_event_with_the_reason() {
    let s = Server::new();
    s.start("w", &[]);
    let pane = s
        .ok(&["new-window", "-t", "w", "--", "sleep", "300"])
        .trim()
        .to_owned();
    let (mut ev, mut out) = events(&s);
    let v = s.json(&["send", "-t", &pane, "--enter", "hello", "--after", "0.5"]);
    s.ok(&["kill-pane", "-t", &pane]);
    let e = next_event(&mut out, "schedule-failed");
    assert_eq!(e["name"], v["id"].to_string());
    assert_eq!(e["pane"], pane.as_str());
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains(&format!("no pane {pane}")),
        "{e}"
    );
    // The server is fine.
    s.ok(&["list-sessions"]);
    let _ = ev.kill();
    let _ = ev.wait();
}
