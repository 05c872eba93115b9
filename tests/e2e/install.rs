//! Install and first run (issue 17): completions, man pages, shell integration, help, global
//! options after the command, the server log (location, level, rotation is unit-tested in the
//! binary), and the log's hardening (issue 8, items 8 and 9: a full disk never stops the server;
//! a planted symlink or another user's file is never written).

use crate::support::{exe, process_alive, wait_until, Out, Server, DEADLINE};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `tidemux ARGS` with no server involved, in a clean environment whose socket directory
/// is `dir/run` (so a test can check it is not created).
fn offline(dir: &Path, args: &[&str]) -> Out {
    Command::new(exe())
        .args(args)
        .env("TIDEMUX_TMPDIR", dir.join("run"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("TIDEMUX")
        .env_remove("TIDEMUX_SOCKET")
        .stdin(Stdio::null())
        .output()
        .expect("run tidemux")
        .into()
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    let d = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = offline(d.path(), &["completions", shell]);
        assert_eq!(o.code, 0, "completions {shell}: {o:?}");
        for cmd in ["send-key", "read-screen", "shell-init"] {
            assert!(o.stdout.contains(cmd), "{shell} completion lacks {cmd}");
        }
    }
    // bash loads it and registers the completion function.
    let script = d.path().join("tidemux.bash");
    std::fs::write(&script, offline(d.path(), &["completions", "bash"]).stdout).expect("write");
    let o: Out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(format!("source {}; complete -p tidemux", script.display()))
        .output()
        .expect("bash")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.contains("tidemux"), "{o:?}");
    let o = offline(d.path(), &["completions", "tcsh"]);
    assert_eq!(o.code, 2, "{o:?}");
    assert!(
        o.stderr.contains("bash") && o.stderr.contains("powershell"),
        "{o:?}"
    );
    assert!(
        !d.path().join("run").exists(),
        "completions created the socket directory"
    );
}

/// The running binary maps no shared library but libc (and the loader): not libm (the binary
/// defines `pow`, crates/tidemux/src/pow.rs) and not libgcc_s (the unwinder is linked in from
/// libgcc_eh by crates/tidemux/build.rs when the C compiler driver finds it). Each library
/// mapped cost every one-shot command about 0.1 ms (issue 9). Checked on a live server,
/// after a request, from /proc/PID/maps.
#[test]
fn the_binary_maps_no_libm_and_no_libgcc_s() {
    let s = Server::new();
    s.start("work", &[]);
    s.ok(&["list-panes", "-a"]);
    let pid = s.pid().expect("server pid");
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).expect("maps");
    let libs: std::collections::BTreeSet<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.contains(".so"))
        .collect();
    assert!(libs.iter().any(|l| l.contains("libc.so")), "{libs:?}");
    assert!(!libs.iter().any(|l| l.contains("/libm.so")), "{libs:?}");
    let eh = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|p| Path::new(p).is_absolute());
    if eh.is_some() {
        assert!(!libs.iter().any(|l| l.contains("libgcc_s")), "{libs:?}");
    }
}

/// The binary starts without Rust's runtime start-up (`#![no_main]`, crates/tidemux/src/start.rs)
/// and ignores SIGPIPE itself, as that start-up did: output into a pipe nobody reads is an
/// error on stderr and exit 1, not a silent death by signal. Panes still start with SIGPIPE at
/// its default (a shell pipeline in a pane ends as it does anywhere else).
#[test]
fn a_pipe_nobody_reads_is_an_error_not_a_signal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(exe())
        .args(["completions", "bash"])
        .env("TIDEMUX_TMPDIR", dir.path().join("run"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The only read end goes away before anything is written (and the script is over 64 KiB).
    drop(child.stdout.take());
    let o: Out = child.wait_with_output().expect("wait").into();
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("Broken pipe"), "{o:?}");

    let s = Server::new();
    s.start(
        "work",
        &["sh", "-c", "grep SigIgn /proc/$$/status; sleep 100"],
    );
    let screen = s.wait_text("work", "SigIgn");
    let ign = screen
        .lines()
        .find_map(|l| l.trim().strip_prefix("SigIgn:"))
        .expect("SigIgn line")
        .trim()
        .to_owned();
    let mask = u64::from_str_radix(&ign, 16).expect("hex mask");
    assert_eq!(
        mask & (1 << (13 - 1)),
        0,
        "SIGPIPE ignored in a pane: {screen}"
    );
}

#[test]
fn man_pages_one_per_command() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = offline(d.path(), &["man"]);
    assert_eq!(o.code, 0, "{o:?}");
    assert!(
        o.stdout.starts_with(".ie") || o.stdout.contains(".TH tidemux 1"),
        "{o:?}"
    );
    assert!(
        o.stdout.contains("shell\\-init"),
        "tidemux(1) lists the commands"
    );

    let man = d.path().join("man/man1");
    let o = offline(d.path(), &["man", "--dir", man.to_str().expect("utf-8")]);
    assert_eq!(o.code, 0, "{o:?}");
    for page in [
        "tidemux.1",
        "tidemux-send.1",
        "tidemux-read-screen.1",
        "tidemux-shell-init.1",
    ] {
        let text = std::fs::read_to_string(man.join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}; wrote:\n{}", o.stdout));
        assert!(text.contains(".TH"), "{page} is not a man page");
        assert!(o.stdout.contains(page), "{page} not listed: {}", o.stdout);
    }
    let send = std::fs::read_to_string(man.join("tidemux-send.1")).expect("read");
    assert!(
        send.contains("\\-\\-wait\\-text"),
        "tidemux-send(1) documents its flags"
    );
    assert!(send.contains("Example"), "tidemux-send(1) has the example");
    assert!(
        !d.path().join("run").exists(),
        "man created the socket directory"
    );
}

#[test]
fn help_gives_targets_environment_examples_and_docs() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = offline(d.path(), &["--help"]);
    assert_eq!(o.code, 0, "{o:?}");
    for needle in [
        "SESSION:WINDOW.PANE",
        "TIDEMUX_SOCKET",
        "TIDEMUX_TMPDIR",
        "TIDEMUX_PREFIX",
        "TIDEMUX_LOG ",
        "TIDEMUX_LOG_FILE",
        "XDG_STATE_HOME",
        "Examples:",
        "tidemux ls -S sock",
        "tidemux man --dir",
    ] {
        assert!(
            o.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            o.stdout
        );
    }
    // The documentation it points to exists.
    let docs = o
        .stdout
        .split("in the source tree:\n")
        .nth(1)
        .and_then(|s| s.lines().next())
        .map(str::trim)
        .expect("docs path");
    assert!(Path::new(docs).is_file(), "{docs} does not exist");
    let o = offline(d.path(), &["send", "--help"]);
    assert!(o.stdout.contains("Examples:\n  tidemux send"), "{o:?}");
}

#[test]
fn global_options_after_the_command_work() {
    let s = Server::new();
    s.start("work", &["sleep", "1000"]);
    let o: Out = Command::new(exe())
        .args(["ls", "-S"])
        .arg(&s.socket)
        .env("XDG_STATE_HOME", s.dir.path().join("state"))
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    assert!(o.stdout.starts_with("work: 1 windows"), "{o:?}");
    let o = offline(s.dir.path(), &["ls", "-S"]);
    assert_eq!(o.code, 2, "{o:?}");
    assert!(
        o.stderr.contains("global options go before the command"),
        "{o:?}"
    );
}

#[test]
fn panes_advertise_truecolor() {
    let s = Server::new();
    let p = s.start(
        "w",
        &["sh", "-c", "echo \"ct=$COLORTERM\"; exec sleep 1000"],
    );
    s.wait_text(&p, "ct=truecolor");
    let p = s.ok(&[
        "new-window",
        "-t",
        "w",
        "-e",
        "COLORTERM=24bit",
        "--",
        "sh",
        "-c",
        "echo \"ct=$COLORTERM\"; exec sleep 1000",
    ]);
    s.wait_text(p.trim(), "ct=24bit");
}

// Shell integration -------------------------------------------------------------------------

#[test]
fn shell_init_snippets_parse() {
    let d = tempfile::tempdir().expect("tempdir");
    for (shell, check) in [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")] {
        let o = offline(d.path(), &["shell-init", shell]);
        assert_eq!(o.code, 0, "{o:?}");
        assert!(
            o.stdout.contains("133;A") && o.stdout.contains("133;D"),
            "{shell}"
        );
        let f = d.path().join(format!("init.{shell}"));
        std::fs::write(&f, &o.stdout).expect("write");
        // zsh and fish are checked where installed; bash always is.
        let Ok(r) = Command::new(check).arg("-n").arg(&f).output() else {
            assert_ne!(shell, "bash", "bash is needed");
            continue;
        };
        assert!(
            r.status.success(),
            "{shell} -n: {}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
}

#[test]
fn shell_init_bash_marks_prompts_and_titles_commands() {
    let s = Server::new();
    let p = s.start("sh", &[]);
    s.wait_prompt(&p);
    // Plain bash emits no marks: a prompt wait times out.
    let o = s.run(&["wait", "-t", &p, "--prompt", "--timeout", "0.3"]);
    assert_eq!(o.code, 124, "{o:?}");

    s.ok(&[
        "send",
        "-t",
        &p,
        "--enter",
        "eval \"$(tidemux shell-init bash)\"",
    ]);
    let o = s.run(&["wait", "-t", &p, "--prompt", "--timeout", "10"]);
    assert_eq!(
        o.code,
        0,
        "no prompt mark after shell-init: {o:?}\n{}",
        s.screen(&p)
    );

    // A command: the title is the command while it runs, the wait for the next prompt returns
    // after its output, and the title goes back to the shell.
    let sent = s.json(&[
        "send",
        "-t",
        &p,
        "--enter",
        "sleep 1.5; echo finished-$((6*7))",
    ]);
    let seq = sent["seq"].as_u64().expect("seq").to_string();
    let mut title = Value::Null;
    assert!(
        wait_until(DEADLINE, || {
            title = s.json(&["list-panes", "-t", &p])[0]["title"].clone();
            title == "sleep 1.5"
        }),
        "title while running: {title}"
    );
    let w = s.json(&[
        "wait",
        "-t",
        &p,
        "--prompt",
        "--since",
        &seq,
        "--timeout",
        "20",
        "--read",
    ]);
    assert_eq!(w["condition"], "prompt", "{w}");
    let screen = w["screen"].to_string();
    assert!(
        screen.contains("finished-42"),
        "prompt fired before the output: {screen}"
    );
    assert_eq!(s.json(&["list-panes", "-t", &p])[0]["title"], "bash");
}

// Logs --------------------------------------------------------------------------------------

#[test]
fn the_log_is_in_the_state_directory_not_beside_the_socket() {
    let s = Server::new();
    s.start("w", &["sleep", "1000"]);
    let log = s.log_path().expect("a log in $XDG_STATE_HOME/tidemux");
    assert_eq!(
        log.parent(),
        Some(s.dir.path().join("state/tidemux").as_path())
    );
    assert!(
        wait_until(DEADLINE, || s.log().contains("server listening")),
        "{}",
        s.log()
    );
    assert!(
        !s.dir.path().join("sock.log").exists(),
        "a log beside the socket"
    );
    let mode = std::fs::metadata(&log).expect("stat").mode() & 0o777;
    assert_eq!(mode, 0o600);

    // -L NAME: NAME.log; TIDEMUX_LOG=warn: no info lines.
    let run = s.dir.path().join("run");
    let tidemux = |args: &[&str]| -> Out {
        Command::new(exe())
            .args(args)
            .env("TIDEMUX_TMPDIR", &run)
            .env("XDG_STATE_HOME", s.dir.path().join("state"))
            .env("TIDEMUX_LOG", "warn")
            .env_remove("TIDEMUX")
            .env_remove("TIDEMUX_SOCKET")
            .stdin(Stdio::null())
            .output()
            .expect("run")
            .into()
    };
    let o = tidemux(&["-L", "named", "new", "-d", "--", "sleep", "1000"]);
    assert_eq!(o.code, 0, "{o:?}");
    let named = s.dir.path().join("state/tidemux/named.log");
    assert!(named.exists(), "no {}", named.display());
    let o = tidemux(&["-L", "named", "kill-server"]);
    assert_eq!(o.code, 0, "{o:?}");
    let text = std::fs::read_to_string(&named).expect("read");
    assert!(
        !text.contains("INFO"),
        "TIDEMUX_LOG=warn still logs info:\n{text}"
    );

    // Beside the socket only when asked.
    let t = Server::new();
    let o: Out = t
        .command()
        .env("TIDEMUX_LOG_BESIDE_SOCKET", "1")
        .args(["new", "-d", "--", "sleep", "1000"])
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 0, "{o:?}");
    let beside = t.dir.path().join("sock.log");
    assert!(
        wait_until(DEADLINE, || std::fs::read_to_string(&beside)
            .unwrap_or_default()
            .contains("server listening")),
        "nothing in {}",
        beside.display()
    );
    assert_eq!(t.log_path(), None);
}

/// Starts a server on `s` with extra environment; returns what `new-session -d` did.
fn start_with(s: &Server, env: &[(&str, &std::ffi::OsStr)]) -> Out {
    let mut c = s.command();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(["new", "-d", "-s", "w", "--", "sleep", "1000"])
        .output()
        .expect("run")
        .into()
}

#[test]
fn a_symlink_at_the_log_path_is_never_followed() {
    let s = Server::new();
    let victim = s.dir.path().join("victim");
    std::fs::write(&victim, "precious\n").expect("write");
    std::os::unix::fs::symlink(&victim, s.dir.path().join("sock.log")).expect("symlink");
    let o = start_with(&s, &[("TIDEMUX_LOG_BESIDE_SOCKET", "1".as_ref())]);
    assert_eq!(o.code, 0, "the server must still start: {o:?}");
    assert!(o.stderr.contains("symbolic link"), "no warning: {o:?}");
    s.ok(&["send", "-t", "w", "x"]);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "precious\n"
    );
    assert!(std::fs::symlink_metadata(s.dir.path().join("sock.log"))
        .expect("lstat")
        .file_type()
        .is_symlink());
}

#[test]
fn a_log_owned_by_another_user_is_refused() {
    if !is_root() {
        eprintln!("skipped: needs root to make a file owned by another user");
        return;
    }
    let s = Server::new();
    let log = s.dir.path().join("sock.log");
    std::fs::write(&log, "").expect("write");
    std::os::unix::fs::chown(&log, Some(65534), Some(65534)).expect("chown");
    let o = start_with(&s, &[("TIDEMUX_LOG_BESIDE_SOCKET", "1".as_ref())]);
    assert_eq!(o.code, 0, "the server must still start: {o:?}");
    assert!(
        o.stderr.contains("belongs to uid 65534"),
        "no warning: {o:?}"
    );
    assert!(s.pid().is_some());
    assert_eq!(std::fs::read_to_string(&log).expect("read"), "");
}

/// Opens a connection with a bad protocol version: the server logs a warning.
fn provoke_warning(s: &Server) {
    let mut c = UnixStream::connect(&s.socket).expect("connect");
    let mut hello = *b"TDMX\0\0\0\0";
    hello[4..].copy_from_slice(&9999u32.to_le_bytes());
    c.write_all(&hello).expect("hello");
    let mut reply = [0u8; 8];
    let _ = c.read_exact(&mut reply);
}

/// Provokes warnings and info lines, then checks the server still works.
fn log_a_lot_and_check_alive(s: &Server, pid: i32) {
    for _ in 0..20 {
        provoke_warning(s);
    }
    // A pane exiting logs a line too.
    s.ok(&["new-window", "-t", "w", "--", "true"]);
    for _ in 0..3 {
        s.ok(&["list-sessions"]);
    }
    assert!(process_alive(pid), "the server died");
    assert_eq!(s.pid(), Some(pid));
}

#[test]
fn a_full_log_device_never_stops_the_server() {
    if !is_root() {
        eprintln!("skipped: /dev/full belongs to root, and a log owned by another user is refused");
        return;
    }
    let s = Server::new();
    let o = start_with(&s, &[("TIDEMUX_LOG_FILE", "/dev/full".as_ref())]);
    assert_eq!(
        o.code, 0,
        "a new server must start with its log on a full device: {o:?}"
    );
    let pid = s.pid().expect("server");
    log_a_lot_and_check_alive(&s, pid);
}

/// A tiny tmpfs mounted for the test; unmounted (lazily) on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }

    /// Fills the file system; returns the filler's path.
    fn fill(&self) -> std::path::PathBuf {
        let p = self.0.join("filler");
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p)
            .expect("filler");
        let block = [b'x'; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(b"x").is_ok() {}
        p
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_never_stops_the_server() {
    let s = Server::new();
    // The log goes to <dir>/state/tidemux/: make <dir>/state a 64 KiB file system.
    let Some(fs) = (is_root())
        .then(|| Tmpfs::mount(&s.dir.path().join("state")))
        .flatten()
    else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    // A running server whose disk fills up.
    s.start("w", &["sleep", "1000"]);
    let pid = s.pid().expect("server");
    assert!(wait_until(DEADLINE, || s
        .log()
        .contains("server listening")));
    let filler = fs.fill();
    log_a_lot_and_check_alive(&s, pid);

    // A new server on the full disk.
    s.ok(&["kill-server"]);
    assert!(wait_until(DEADLINE, || !process_alive(pid)));
    let o = start_with(&s, &[]);
    assert_eq!(o.code, 0, "a new server must start on a full disk: {o:?}");
    let pid = s.pid().expect("server");
    log_a_lot_and_check_alive(&s, pid);

    // Space again: logging resumes and says what was lost.
    std::fs::remove_file(filler).expect("rm");
    provoke_warning(&s);
    assert!(
        wait_until(DEADLINE, || s.log().contains("log lines lost")),
        "{}",
        s.log()
    );
    drop(s);
    drop(fs);
}

/// Every `TIDEMUX_*` variable the code reads is in `--help` (test hooks, `TIDEMUX_TEST_*`,
/// excepted).
#[test]
fn help_lists_every_environment_variable_the_code_reads() {
    fn walk(dir: &Path, found: &mut std::collections::BTreeSet<String>) {
        for e in std::fs::read_dir(dir)
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                walk(&p, found);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read");
                for part in text.split("\"TIDEMUX_").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    if part[name.len()..].starts_with('"') && !name.starts_with("TEST_") {
                        found.insert(format!("TIDEMUX_{name}"));
                    }
                }
            }
        }
    }
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = std::collections::BTreeSet::new();
    for c in [
        "tidemux",
        "tidemux-client",
        "tidemux-server",
        "tidemux-proto",
    ] {
        walk(&crates.join(c).join("src"), &mut found);
    }
    assert!(found.contains("TIDEMUX_SOCKET"), "{found:?}");
    let d = tempfile::tempdir().expect("tempdir");
    let help = offline(d.path(), &["--help"]).stdout;
    for v in &found {
        assert!(help.contains(v.as_str()), "--help does not mention {v}");
    }
}

/// The server's own start-up error reaches the command that started it (its stderr is a pipe
/// to that command, not a log file).
#[test]
fn a_server_that_cannot_start_says_why() {
    let d = tempfile::tempdir().expect("tempdir");
    let o: Out = Command::new(exe())
        .args(["-S", "/proc/tidemux-no-such-dir/sock", "new", "-d"])
        .env("XDG_STATE_HOME", d.path().join("state"))
        .env_remove("TIDEMUX")
        .stdin(Stdio::null())
        .output()
        .expect("run")
        .into();
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("server exited") && o.stderr.contains("cannot listen on"),
        "{o:?}"
    );
}
