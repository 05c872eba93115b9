//! Issue 14, wait on many: `wait-for CHAN1 CHAN2 ...` (the first wins, printed) and
//! `wait -t P1 -t P2 ... --any|--all`.

use crate::support::Server;
use serde_json::Value;
use std::process::Stdio;

#[test]
fn wait_for_returns_the_first_of_several_channels() {
    let s = Server::new();
    s.start("w", &[]);
    let waiter = s
        .command()
        .args([
            "wait-for",
            "impl-done",
            "impl-question",
            "--timeout",
            "20",
            "--json",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    s.ok(&["wait-for", "-S", "impl-question"]);
    let out = waiter.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["channel"], "impl-question");
    // The other channel was not consumed nor left signalled.
    let o = s.run(&["wait-for", "impl-done", "--timeout", "0.2"]);
    assert_eq!(o.code, 124, "{o:?}");
    // A signal kept before the wait counts at once; plain output names the channel.
    s.ok(&["wait-for", "-S", "b"]);
    assert_eq!(s.ok(&["wait-for", "a", "b", "c", "--timeout", "5"]), "b\n");
    // Timeout on all of them.
    let o = s.run(&["wait-for", "x", "y", "--timeout", "0.2"]);
    assert_eq!(o.code, 124);
    assert!(o.stderr.contains("'x', 'y'"), "{o:?}");
    // -S takes one channel.
    assert_eq!(s.run(&["wait-for", "-S", "x", "y"]).code, 1);
}

#[test]
fn wait_any_across_three_panes_returns_the_one_that_meets_the_condition() {
    let s = Server::new();
    let a = s.start("w", &["sleep", "300"]);
    let b = s
        .ok(&[
            "new-window",
            "-t",
            "w",
            "-d",
            "--",
            "sh",
            "-c",
            "sleep 0.5; python3 -c 'input()'",
        ])
        .trim()
        .to_owned();
    let c = s
        .ok(&["new-window", "-t", "w", "-d", "--", "sleep", "300"])
        .trim()
        .to_owned();
    let w = s.json(&[
        "wait",
        "-t",
        &a,
        "-t",
        &b,
        "-t",
        &c,
        "--any",
        "--state",
        "waiting-input",
        "--timeout",
        "20",
    ]);
    assert_eq!(w["pane"], b.as_str(), "{w}");
    assert_eq!(w["condition"], "state");
    // Timeout: 124 with the first pane's state.
    let o = s.run(&[
        "wait",
        "-t",
        &a,
        "-t",
        &c,
        "--any",
        "--text",
        "never-printed",
        "--timeout",
        "0.3",
        "--json",
    ]);
    assert_eq!(o.code, 124, "{o:?}");
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["timed_out"], true);
    assert_eq!(v["pane"], a.as_str());
}

#[test]
fn wait_all_returns_every_panes_outcome_including_closed_ones() {
    let s = Server::new();
    s.start("w", &[]);
    let mut panes = Vec::new();
    for (i, d) in [(3, "0.2"), (4, "0.6"), (5, "0")].iter() {
        let p = s
            .ok(&[
                "new-window",
                "-t",
                "w",
                "-d",
                "--",
                "sh",
                "-c",
                &format!("sleep {d}; exit {i}"),
            ])
            .trim()
            .to_owned();
        panes.push(p);
    }
    let mut args = vec!["wait", "--all", "--exit", "--timeout", "20"];
    for p in &panes {
        args.extend(["-t", p.as_str()]);
    }
    let v = s.json(&args);
    let codes: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["exit"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [3, 4, 5]);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["pane"].as_str().unwrap())
        .collect();
    assert_eq!(ids, panes.iter().map(String::as_str).collect::<Vec<_>>());
    // --all with one pane that never meets it times out with 124 and reports who is late.
    let live = s.ok(&["new-window", "-t", "w", "-d", "--", "sleep", "300"]);
    let o = s.run(&[
        "wait",
        "--all",
        "--exit",
        "-t",
        &panes[0],
        "-t",
        live.trim(),
        "--timeout",
        "0.3",
    ]);
    assert_eq!(o.code, 124, "{o:?}");
    assert!(
        o.stderr
            .contains(&format!("still waiting on {}", live.trim())),
        "{o:?}"
    );
}
