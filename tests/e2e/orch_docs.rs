//! `docs/orchestration.md` runs as written: every ```sh block is extracted and run with
//! `sh -e` in an empty directory against a private server (`TIDEMUX_SOCKET`).

use crate::support::{exe, wait_until, Server};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The ```sh blocks of a Markdown file, with the heading they follow.
fn sh_blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut block: Option<String> = None;
    for line in md.lines() {
        match &mut block {
            None if line.starts_with("## ") => heading = line[3..].to_owned(),
            None if line.trim_end() == "```sh" => block = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => {
                out.push((heading.clone(), block.take().unwrap_or_default()));
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_orchestration_script_runs_as_written() {
    let md = std::fs::read_to_string(format!(
        "{}/../../docs/orchestration.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("docs/orchestration.md");
    let blocks = sh_blocks(&md);
    assert!(
        blocks.len() >= 6,
        "expected the six patterns, found {}",
        blocks.len()
    );
    let bin_dir = Path::new(exe()).parent().unwrap().to_owned();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    // The blocks run one after the other (each on its own server) inside this one test, so a
    // broken block names itself; in parallel with the rest of the suite.
    for (heading, script) in blocks {
        let s = Server::new();
        let work = s.dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        let mut c = Command::new("sh");
        c.arg("-ec").arg(&script).current_dir(&work);
        for k in [
            "TIDEMUX",
            "TIDEMUX_PANE",
            "TIDEMUX_TMPDIR",
            "TMUX",
            "TMUX_PANE",
            "GIT_DIR",
        ] {
            c.env_remove(k);
        }
        c.env("TIDEMUX_SOCKET", &s.socket)
            .env("PATH", &path)
            .env("SHELL", "/bin/sh")
            .env("HOME", s.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("sh");
        let done = wait_until(Duration::from_secs(90), || {
            child.try_wait().map(|s| s.is_some()).unwrap_or(true)
        });
        if !done {
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            done && out.status.success(),
            "docs/orchestration.md \"{heading}\" failed ({}):\n--- script\n{script}--- stdout\n{stdout}--- stderr\n{stderr}",
            if done { format!("{}", out.status) } else { "timed out after 90 s".into() }
        );
    }
}
