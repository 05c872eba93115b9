//! Issue 15: the JSON socket API as other languages see it. The raw `socat` and Python
//! examples of docs/api.md run here verbatim, so the document stays true.

use crate::support::{Raw, Server, DEADLINE};
use std::process::Command;
use tidemux_proto::{Request, Response, WaitSpec};

/// The fenced block that follows `<!-- test: NAME -->` in docs/api.md.
fn doc_example(name: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md"))
        .expect("docs/api.md");
    let marker = format!("<!-- test: {name} -->");
    let at = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in docs/api.md"));
    let rest = &doc[at + marker.len()..];
    let start = rest.find("```").expect("a fenced block");
    let body = &rest[start..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    body[..body.find("\n```").expect("closing fence")].to_owned()
}

fn run_example(s: &Server, program: &str, flag: &str, code: &str) -> String {
    let out = Command::new("timeout")
        .arg(DEADLINE.as_secs().to_string())
        .arg(program)
        .arg(flag)
        .arg(code)
        .env("TIDEMUX_SOCKET", &s.socket)
        .output()
        .expect("run example");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} example failed: {out:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_socat_example_in_docs_api_md_runs() {
    let s = Server::new();
    s.start("demo", &[]);
    s.wait_prompt("demo");
    let out = run_example(&s, "bash", "-c", &doc_example("socat"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let r1: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON line");
    assert_eq!(r1["id"], 1);
    assert_eq!(r1["result"]["type"], "sessions");
    assert_eq!(r1["result"]["data"][0]["name"], "demo");
    let r2: serde_json::Value = serde_json::from_str(lines[1]).expect("JSON line");
    assert_eq!(r2["id"], 2);
    assert_eq!(r2["result"]["type"], "screen");
    assert_eq!(r2["result"]["data"]["pane"], "%0");
}

#[test]
fn the_raw_python_example_in_docs_api_md_runs() {
    let s = Server::new();
    s.start("demo", &[]);
    s.wait_prompt("demo");
    let out = run_example(&s, "python3", "-c", &doc_example("python"));
    assert!(out.starts_with("text "), "{out}");
    assert!(out.contains("'hello'"), "{out}");
}

#[test]
fn requests_pipelined_behind_a_wait_are_answered_in_order() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt("w");
    let mut c = Raw::connect(&s.socket);
    // A wait, then two requests written before it ends: kept, and answered after it.
    c.send(
        1,
        &Request::Wait {
            target: Some(pane.clone()),
            spec: WaitSpec {
                text: Some("^piped$".into()),
                ..WaitSpec::default()
            },
            timeout_ms: Some(10_000),
        },
    );
    c.send(2, &Request::ListSessions);
    c.send(
        3,
        &Request::HasSession {
            target: Some("w".into()),
        },
    );
    s.ok(&["send", "-t", &pane, "--enter", "echo piped"]);
    match c.read().expect("reply 1") {
        (Some(1), Response::Waited(w)) => assert_eq!(w.condition.as_deref(), Some("text")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(c.read().expect("reply 2"), (Some(2), Response::Sessions(v)) if v.len() == 1));
    assert_eq!(
        c.read().expect("reply 3"),
        (Some(3), Response::Exists(true))
    );
}

#[test]
fn a_half_closed_client_still_gets_its_wait_answered() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt("w");
    let mut c = Raw::connect(&s.socket);
    c.send(
        1,
        &Request::Wait {
            target: Some(pane.clone()),
            spec: WaitSpec {
                text: Some("^half$".into()),
                ..WaitSpec::default()
            },
            timeout_ms: Some(10_000),
        },
    );
    // End of input, as socat does: the server must keep the wait, not drop the client.
    c.stream
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    s.ok(&["send", "-t", &pane, "--enter", "echo half"]);
    match c.read().expect("reply") {
        (Some(1), Response::Waited(w)) => assert_eq!(w.condition.as_deref(), Some("text")),
        other => panic!("{other:?}"),
    }
    // Then the server closes its side.
    assert!(matches!(c.read(), Err(tidemux_proto::CodecError::Closed)));
}

/// `ListPanes.brief` (protocol minor 12) leaves out exactly the `/proc` fields; the full
/// request fills them; the CLI's text `list-panes` (which asks for brief rows) prints the same
/// lines as before.
#[test]
fn list_panes_brief_leaves_out_only_the_proc_fields() {
    let s = Server::new();
    let pane = s.start("b", &[]);
    s.wait_prompt("b");
    let mut c = Raw::connect(&s.socket);
    let ask = |c: &mut Raw, id, brief| {
        c.send(
            id,
            &Request::ListPanes {
                target: None,
                all: true,
                brief,
            },
        );
        match c.read().expect("reply") {
            (Some(i), Response::Panes(v)) if i == id => v,
            other => panic!("{other:?}"),
        }
    };
    let full = ask(&mut c, 1, false);
    let brief = ask(&mut c, 2, true);
    assert_eq!(full.len(), 1);
    assert_eq!(brief.len(), 1);
    let (f, b) = (&full[0], &brief[0]);
    assert!(f.cwd.is_some(), "{f:?}");
    assert!(f.foreground.is_some(), "{f:?}");
    assert_eq!((b.cwd.as_ref(), b.foreground.as_ref()), (None, None));
    assert_eq!(
        (b.id, &b.command, b.cols, b.rows, b.active, b.pid),
        (f.id, &f.command, f.cols, f.rows, f.active, f.pid)
    );
    let text = s.ok(&["list-panes", "-a"]);
    assert_eq!(
        text.trim_end(),
        format!("b:0.0: [80x24] {pane} {} (active)", f.command),
        "{text}"
    );
}
