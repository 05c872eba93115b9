//! Issue 14, exit status that outlives the pane: `--remain-on-exit` on every command that
//! creates a pane, and closed panes' last status and final screen (`wait --exit` on a closed
//! pane, `list-panes --closed`, `read-screen`), bounded by count.

use crate::support::{wait_until, Server, DEADLINE};
use serde_json::Value;

fn closed(s: &Server) -> Vec<Value> {
    s.json(&["list-panes", "--closed"])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn closed_entry(s: &Server, pane: &str) -> Option<Value> {
    closed(s).into_iter().find(|p| p["id"] == pane)
}

#[test]
fn a_closed_panes_status_and_screen_stay_queryable() {
    let s = Server::new();
    s.start("w", &[]);
    let pane = s
        .ok(&[
            "new-window",
            "-t",
            "w",
            "--",
            "sh",
            "-c",
            "echo bye-now; exit 3",
        ])
        .trim()
        .to_owned();
    assert!(
        wait_until(DEADLINE, || closed_entry(&s, &pane)
            .is_some_and(|p| p["exit"]["code"] == 3)),
        "pane {pane} never showed up closed: {:?} {:?} {}",
        closed(&s),
        s.run(&["list-panes", "-a"]),
        s.log()
    );
    // Already closed: answers at once with its status, no timeout needed.
    let w = s.json(&["wait", "--exit", "-t", &pane, "--timeout", "1"]);
    assert_eq!(w["condition"], "exit");
    assert_eq!(w["exit"]["code"], 3);
    assert_eq!(w["timed_out"], false);
    let plain = s.ok(&["wait", "--exit", "-t", &pane]);
    assert!(plain.contains("exit status 3"), "{plain}");
    // The final screen.
    assert!(s.screen(&pane).contains("bye-now"));
    let t = s.json(&["wait", "--text", "bye-\\w+", "-t", &pane]);
    assert_eq!(t["matched"], "bye-now");
    // Conditions that can never hold again are an error naming the end.
    let o = s.run(&["wait", "--idle", "100", "-t", &pane]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("has closed (exited with status 3)"),
        "{o:?}"
    );
    // Listing.
    let e = closed_entry(&s, &pane).unwrap();
    assert_eq!(e["dead"], true);
    assert_eq!(e["state"], "exited");
    assert!(e["closed_at"].as_u64().unwrap() > 0);
    let text = s.ok(&["list-panes", "--closed"]);
    let line = text.lines().find(|l| l.contains(&pane)).unwrap_or_default();
    assert!(line.contains("sh -c echo bye-now; exit 3"), "{text}");
    assert!(line.ends_with("dead (status 3)"), "{text}");
    // Not a live pane any more.
    assert!(!s.ok(&["list-panes", "-a"]).contains(&pane));
}

#[test]
fn a_killed_panes_exit_arrives_after_the_close() {
    let s = Server::new();
    s.start("w", &[]);
    let pane = s
        .ok(&["split-window", "-t", "w", "--", "sleep", "300"])
        .trim()
        .to_owned();
    s.ok(&["kill-pane", "-t", &pane]);
    let w = s.json(&["wait", "--exit", "-t", &pane, "--timeout", "10"]);
    assert_eq!(w["condition"], "exit");
    assert_eq!(w["exit"]["signal"], "Hangup", "{w}");
    assert!(wait_until(DEADLINE, || closed_entry(&s, &pane)
        .is_some_and(|p| p["exit"]["signal"] == "Hangup")));
}

#[test]
fn remain_on_exit_on_new_window_and_split_window() {
    let s = Server::new();
    s.start("w", &[]);
    let a = s
        .ok(&[
            "new-window",
            "-t",
            "w",
            "--remain-on-exit",
            "--",
            "sh",
            "-c",
            "exit 4",
        ])
        .trim()
        .to_owned();
    let b = s
        .ok(&[
            "split-window",
            "-t",
            &a,
            "--remain-on-exit",
            "--",
            "sh",
            "-c",
            "echo split; exit 5",
        ])
        .trim()
        .to_owned();
    for (p, code) in [(&a, 4), (&b, 5)] {
        let w = s.json(&["wait", "--exit", "-t", p, "--timeout", "20"]);
        assert_eq!(w["exit"]["code"], code);
    }
    // Both stay, dead, in the window.
    let panes = s.json(&["list-panes", "-t", &a]);
    let dead: Vec<&Value> = panes
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["dead"] == true)
        .collect();
    assert_eq!(dead.len(), 2, "{panes}");
    assert!(s.screen(&b).contains("split"));
    assert!(closed_entry(&s, &a).is_none());
    s.ok(&["kill-pane", "-t", &b]);
    let e = closed_entry(&s, &b).expect("killed dead pane is kept");
    assert_eq!(e["exit"]["code"], 5);
}

#[test]
fn closed_pane_records_are_bounded_by_count() {
    let s = Server::new();
    let o = s
        .command()
        .env("TIDEMUX_CLOSED_PANES", "2")
        .args([
            "new-session",
            "-d",
            "-s",
            "w",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let mut ids = Vec::new();
    for i in 0..4 {
        let p = s
            .ok(&[
                "new-window",
                "-t",
                "w",
                "--",
                "sh",
                "-c",
                &format!("exit {i}"),
            ])
            .trim()
            .to_owned();
        let w = s.json(&["wait", "--exit", "-t", &p, "--timeout", "20"]);
        assert_eq!(w["exit"]["code"], i);
        ids.push(p);
    }
    assert!(wait_until(DEADLINE, || closed(&s).len() == 2
        && closed_entry(&s, &ids[3]).is_some()));
    let kept: Vec<String> = closed(&s)
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kept, [ids[2].clone(), ids[3].clone()]);
    let o = s.run(&["wait", "--exit", "-t", &ids[0]]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("no pane"), "{o:?}");
}

/// A process that ends before its pane enters the model (processes start outside the registry
/// lock) still closes its pane: it never stays behind as a dead pane without remain-on-exit.
#[test]
fn panes_whose_process_ends_at_once_never_stay_dead() {
    let s = Server::new();
    s.start("w", &[]);
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(
            s.ok(&[
                "new-window",
                "-d",
                "-t",
                "w",
                "--",
                "sh",
                "-c",
                "echo bye-now; exit 3",
            ])
            .trim()
            .to_owned(),
        );
    }
    assert!(
        wait_until(DEADLINE, || {
            let live = s.run(&["list-panes", "-a"]).stdout;
            ids.iter().all(|id| !live.contains(&format!(" {id} ")))
        }),
        "panes stayed: {:?}",
        s.run(&["list-panes", "-a"])
    );
    // And each one is a closed record with its status.
    let closed = closed(&s);
    for id in &ids {
        assert!(
            closed
                .iter()
                .any(|p| p["id"] == id.as_str() && p["exit"]["code"] == 3),
            "{id} not recorded closed: {closed:?}"
        );
    }
}
