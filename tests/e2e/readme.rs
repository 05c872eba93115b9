//! The README's scripted example, extracted from README.md and run line by line as written,
//! with `tidemux` on PATH and `TIDEMUX_SOCKET` pointing at a private socket (issue 17).
//!
//! Each line runs in `bash -o pipefail -c LINE` with a deadline of its own, so a broken example
//! fails here in seconds instead of sitting out the example's own long timeouts.

use crate::support::{exe, Server};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest any single line of the example may take here.
const LINE_DEADLINE: Duration = Duration::from_secs(60);

/// The command lines of the first `sh` block after the heading `section`.
fn example_lines(readme: &str, section: &str) -> Vec<String> {
    let after = readme
        .split_once(section)
        .unwrap_or_else(|| panic!("README.md has no '{section}'"))
        .1;
    let block = after
        .split_once("```sh\n")
        .expect("a sh block")
        .1
        .split_once("```")
        .expect("end of the block")
        .0;
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

struct LineRun {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_line(s: &Server, line: &str) -> LineRun {
    let bin_dir = Path::new(exe()).parent().expect("bin dir");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin_dir.to_owned()];
    paths.extend(std::env::split_paths(&path));
    let mut c = Command::new("bash");
    c.args(["--norc", "--noprofile", "-o", "pipefail", "-c", line])
        .current_dir(s.dir.path())
        .env("PATH", std::env::join_paths(paths).expect("PATH"))
        .env("TIDEMUX_SOCKET", &s.socket)
        .env("XDG_STATE_HOME", s.dir.path().join("state"))
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for k in [
        "TIDEMUX",
        "TIDEMUX_PANE",
        "TIDEMUX_TMPDIR",
        "TIDEMUX_LOG_FILE",
        "TIDEMUX_LOG_BESIDE_SOCKET",
        "TMUX",
        "TMUX_PANE",
    ] {
        c.env_remove(k);
    }
    let mut child = c.spawn().expect("bash");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let end = Instant::now() + LINE_DEADLINE;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() >= end {
            if let Some(pg) = rustix::process::Pid::from_raw(child.id() as i32) {
                let _ = rustix::process::kill_process_group(pg, rustix::process::Signal::KILL);
            }
            let _ = child.wait();
            panic!(
                "README line took over {} s: {line}",
                LINE_DEADLINE.as_secs()
            );
        }
        std::thread::park_timeout(Duration::from_millis(20));
    };
    LineRun {
        code: status.code().unwrap_or(-1),
        stdout: reader.join().expect("stdout"),
        stderr: err_reader.join().expect("stderr"),
    }
}

#[test]
fn the_readme_scripted_example_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let lines = example_lines(&readme, "## A scripted example");
    assert!(lines.len() >= 10, "too few lines: {lines:?}");
    assert!(lines[0].starts_with("tidemux new-session"), "{lines:?}");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("tidemux kill-server")
    );
    let s = Server::new();
    for line in &lines {
        let r = run_line(&s, line);
        assert_eq!(
            r.code, 0,
            "README line failed: {line}\nstdout: {}\nstderr: {}",
            r.stdout, r.stderr
        );
        // What the comments promise.
        if line.contains("# prints %") {
            let want = line.rsplit("# prints ").next().expect("comment").trim();
            assert_eq!(r.stdout.trim(), want, "{line}");
        }
        if line.ends_with("| jq .cursor") {
            assert!(r.stdout.contains("row"), "{line}: {}", r.stdout);
        }
    }
    // The last line stopped the server.
    assert!(s.pid().is_none(), "kill-server left a server");
}
