//! Issue 14: one-shot `run`, a git worktree per task (`--worktree`, `kill-pane
//! --remove-worktree`), transcripts (`log`, `read-screen --history --file`).

use crate::support::{wait_until, Server, DEADLINE};
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env_remove("GIT_DIR")
        .output()
        .expect("git");
    assert!(o.status.success(), "git {args:?}: {o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A repository with one commit at `<tmp>/proj`.
fn repo(s: &Server) -> PathBuf {
    let r = s.dir.path().join("proj");
    std::fs::create_dir(&r).unwrap();
    git(&r, &["init", "-q", "-b", "main"]);
    std::fs::write(r.join("README"), "hello\n").unwrap();
    git(&r, &["add", "README"]);
    git(&r, &["commit", "-q", "-m", "first"]);
    r
}

fn pane_json(s: &Server, pane: &str) -> serde_json::Value {
    s.json(&["list-panes", "-a"])
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pane)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn run_prints_the_output_and_exits_with_the_status() {
    let s = Server::new();
    s.start("w", &[]);
    let o = s.run(&[
        "run",
        "--name",
        "three",
        "--",
        "sh",
        "-c",
        "echo out-$((1+1)); exit 3",
    ]);
    assert_eq!(o.code, 3, "{o:?}");
    assert_eq!(o.stdout.trim_end(), "out-2", "{o:?}");
    // The pane is gone, its record kept.
    assert!(!s.ok(&["list-panes", "-a"]).contains("three"));
    assert!(s.ok(&["list-panes", "--closed"]).contains("out-$((1+1))"));
    // JSON, and a timeout kills it with 124.
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["--json", "run", "--", "sh", "-c", "echo fine"])).unwrap();
    assert_eq!(v["status"], 0);
    assert_eq!(v["lines"][0], "fine");
    let o = s.run(&[
        "run",
        "--timeout",
        "0.5",
        "--",
        "sh",
        "-c",
        "echo started; sleep 30",
    ]);
    assert_eq!(o.code, 124, "{o:?}");
    assert!(o.stdout.contains("started"), "{o:?}");
}

#[test]
fn run_starts_a_server_when_none_runs() {
    let s = Server::new();
    let o = s.run(&["run", "--", "sh", "-c", "echo alone; exit 7"]);
    assert_eq!(o.code, 7, "{o:?}");
    assert_eq!(o.stdout, "alone\n");
}

#[test]
fn a_worktree_per_task_is_created_reused_recorded_and_removed_when_clean() {
    let s = Server::new();
    let r = repo(&s);
    let r_s = r.to_str().unwrap();
    s.start("w", &[]);
    let a = s
        .ok(&[
            "new-window",
            "-t",
            "w",
            "-c",
            r_s,
            "--worktree",
            "impl-login",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .trim()
        .to_owned();
    let wt = s.dir.path().join("proj.worktrees").join("impl-login");
    assert!(
        wt.join("README").exists(),
        "worktree not created at {}",
        wt.display()
    );
    let info = pane_json(&s, &a);
    assert_eq!(info["worktree"], wt.to_str().unwrap());
    assert_eq!(info["branch"], "impl-login");
    // The same through the format variables.
    let f = s.ok(&[
        "display-message",
        "-p",
        "-t",
        &a,
        "#{pane_branch} #{pane_worktree}",
    ]);
    assert_eq!(
        f.trim(),
        format!("impl-login {}", wt.display()),
        "pane_branch/pane_worktree"
    );
    s.wait_prompt(&a);
    s.ok(&[
        "send",
        "-t",
        &a,
        "--enter",
        "git rev-parse --abbrev-ref HEAD; pwd",
    ]);
    s.wait_text(&a, &format!("impl-login\n{}", wt.display()));
    // Reused by a second pane; from inside the worktree too.
    let b = s
        .ok(&[
            "split-window",
            "-t",
            &a,
            "-c",
            wt.to_str().unwrap(),
            "--worktree",
            "impl-login",
            "--",
            "sleep",
            "300",
        ])
        .trim()
        .to_owned();
    assert_eq!(pane_json(&s, &b)["worktree"], wt.to_str().unwrap());
    // Dirty: refused, nothing killed or removed.
    std::fs::write(wt.join("new.txt"), "x").unwrap();
    let o = s.run(&["kill-pane", "-t", &a, "--remove-worktree"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("has uncommitted changes"), "{o:?}");
    assert!(o.stderr.contains("new.txt"), "{o:?}");
    assert!(wt.exists());
    assert_eq!(pane_json(&s, &a)["id"], a.as_str());
    // Clean: removed.
    std::fs::remove_file(wt.join("new.txt")).unwrap();
    s.ok(&["kill-pane", "-t", &a, "--remove-worktree"]);
    assert!(!wt.exists());
    assert!(pane_json(&s, &a).is_null());
    assert!(!git(&r, &["worktree", "list"]).contains("impl-login"));
    // The branch stays.
    assert!(git(&r, &["branch", "--list", "impl-login"]).contains("impl-login"));
    // A pane without a worktree.
    let o = s.run(&["kill-pane", "-t", &b, "--remove-worktree"]);
    assert_eq!(o.code, 1, "{o:?}");
}

#[test]
fn worktree_base_dir_run_and_errors() {
    let s = Server::new();
    let r = repo(&s);
    let r_s = r.to_str().unwrap();
    git(&r, &["checkout", "-q", "-b", "other"]);
    std::fs::write(r.join("OTHER"), "x\n").unwrap();
    git(&r, &["add", "OTHER"]);
    git(&r, &["commit", "-q", "-m", "other"]);
    git(&r, &["checkout", "-q", "main"]);
    let dir = s.dir.path().join("trees");
    // new-session with --base and --worktree-dir; run in a worktree.
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "w",
        "-c",
        r_s,
        "--worktree",
        "feat",
        "--base",
        "other",
        "--worktree-dir",
        dir.to_str().unwrap(),
        "--",
        "sleep",
        "300",
    ]);
    assert!(dir.join("feat").join("OTHER").exists());
    let o = s.run(&[
        "run",
        "-c",
        r_s,
        "--worktree",
        "task-2",
        "--",
        "git",
        "rev-parse",
        "--abbrev-ref",
        "HEAD",
    ]);
    assert_eq!(o.code, 0, "{o:?}");
    assert_eq!(o.stdout.trim(), "task-2");
    assert!(s.dir.path().join("proj.worktrees/task-2").exists());
    // Errors: a bad branch name, not a repository, git's own message whole.
    let o = s.run(&[
        "new-window",
        "-t",
        "w",
        "-c",
        r_s,
        "--worktree",
        "bad..name",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("not a valid branch name"), "{o:?}");
    let o = s.run(&[
        "new-window",
        "-t",
        "w",
        "-c",
        s.dir.path().to_str().unwrap(),
        "--worktree",
        "x",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("git rev-parse"), "{o:?}");
    let o = s.run(&[
        "new-window",
        "-t",
        "w",
        "-c",
        r_s,
        "--worktree",
        "y",
        "--base",
        "no-such-ref",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no-such-ref"), "{o:?}");
    assert_eq!(s.json(&["list-panes", "-a"]).as_array().unwrap().len(), 1);
}

#[test]
fn transcripts_plain_ansi_rotated_and_history_export() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    s.wait_prompt(&pane);
    let plain = s.dir.path().join("plain.log");
    let ansi = s.dir.path().join("ansi.log");
    let small = s.dir.path().join("small.log");
    s.ok(&["log", "-t", &pane, "--file", plain.to_str().unwrap()]);
    let b = s
        .ok(&[
            "split-window",
            "-t",
            &pane,
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ])
        .trim()
        .to_owned();
    s.wait_prompt(&b);
    s.ok(&["log", "-t", &b, "--file", ansi.to_str().unwrap(), "--ansi"]);
    for p in [&pane, &b] {
        s.ok(&[
            "send",
            "-t",
            p,
            "--enter",
            "printf '\\033[31mred\\033[0m text-%s\\n' $((6*7))",
        ]);
        s.wait_text(p, "red text-42");
    }
    assert!(wait_until(DEADLINE, || std::fs::read_to_string(&plain)
        .unwrap_or_default()
        .contains("red text-42\n")));
    assert!(!std::fs::read(&plain).unwrap().contains(&0x1b));
    assert!(wait_until(DEADLINE, || std::fs::read_to_string(&ansi)
        .unwrap_or_default()
        .contains("\x1b[31mred\x1b[0m text-42")));
    // Timestamps: every line starts with its UTC time (RFC 3339, ms).
    let stamped = s.dir.path().join("stamped.log");
    s.ok(&[
        "log",
        "-t",
        &b,
        "--file",
        stamped.to_str().unwrap(),
        "--timestamps",
    ]);
    s.ok(&["send", "-t", &b, "--enter", "echo stamped-$((6*7))"]);
    let line_of = || {
        std::fs::read_to_string(&stamped)
            .unwrap_or_default()
            .lines()
            .find(|l| l.ends_with(" stamped-42"))
            .map(str::to_owned)
    };
    assert!(wait_until(DEADLINE, || line_of().is_some()));
    let line = line_of().unwrap();
    let (time, _) = line.split_once(' ').unwrap();
    assert!(
        time.len() == 24
            && time.ends_with('Z')
            && time.as_bytes()[10] == b'T'
            && time.starts_with("20"),
        "{line}"
    );
    // Stop: later output is not logged.
    s.ok(&["log", "-t", &pane, "--stop"]);
    s.ok(&["send", "-t", &pane, "--enter", "echo after-$((1+1))"]);
    s.wait_text(&pane, "after-2");
    // Rotation at the size limit.
    s.ok(&[
        "log",
        "-t",
        &pane,
        "--file",
        small.to_str().unwrap(),
        "--max-size",
        "2048",
    ]);
    s.ok(&["send", "-t", &pane, "--enter", "seq 1 3000"]);
    s.wait_text(&pane, "\n3000\n");
    let rotated = PathBuf::from(format!("{}.1", small.display()));
    // Rotation renames the file, then creates it again: wait for both.
    assert!(wait_until(DEADLINE, || rotated.exists() && small.exists()));
    assert!(std::fs::metadata(&small).unwrap().len() <= 2048);
    assert_eq!(std::fs::metadata(&rotated).unwrap().len(), 2048);
    assert!(!std::fs::read_to_string(&plain).unwrap().contains("after-2"));
    // Export what is kept.
    let out = s.dir.path().join("history.txt");
    s.ok(&[
        "read-screen",
        "-t",
        &pane,
        "--history",
        "--file",
        out.to_str().unwrap(),
    ]);
    let exported = std::fs::read_to_string(&out).unwrap();
    assert_eq!(exported, s.ok(&["read-screen", "-t", &pane, "--history"]));
    assert!(exported.contains("\n2999\n"));
    // Bad input.
    assert_eq!(
        s.run(&["log", "-t", &pane, "--file", "/nonexistent/dir/x.log"])
            .code,
        1
    );
    assert_eq!(
        s.run(&["log", "-t", &pane, "--file", "x.log", "--max-size", "10"])
            .code,
        1
    );
}
