//! Issue 12: tidemux invoked as `tmux` (a symlink in a temp dir), running the orchestration lines
//! tools use; where tmux 3.3a is installed the same lines run on a real tmux beside it and the
//! outputs are compared.

use crate::support::{exe, wait_until, DEADLINE};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A private tmux-named world: `bin/tmux` -> tidemux, `TMUX_TMPDIR`, `HOME` (no config).
pub(crate) struct Tm {
    pub(crate) dir: tempfile::TempDir,
    /// The program run as `tmux` (the link, or the real tmux).
    pub(crate) program: PathBuf,
    pub(crate) name: &'static str,
}

#[derive(Debug, PartialEq)]
pub(crate) struct R {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Tm {
    pub(crate) fn tidemux() -> Tm {
        let dir = tempfile::Builder::new()
            .prefix("tmuxlang")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(exe(), dir.path().join("bin/tmux")).unwrap();
        let program = dir.path().join("bin/tmux");
        Tm {
            dir,
            program,
            name: "tidemux",
        }
    }

    /// The real tmux 3.3a, if installed.
    pub(crate) fn real() -> Option<Tm> {
        let path = ["/usr/bin/tmux", "/usr/local/bin/tmux"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())?;
        let v = Command::new(&path).arg("-V").output().ok()?;
        if String::from_utf8_lossy(&v.stdout).trim() != "tmux 3.3a" {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("tmuxreal")
            .tempdir()
            .unwrap();
        Some(Tm {
            dir,
            program: path,
            name: "tmux",
        })
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.program);
        c.args(["-L", "t", "-f", "/dev/null"]).args(args);
        for k in [
            "TMUX",
            "TMUX_PANE",
            "TIDEMUX",
            "TIDEMUX_PANE",
            "TIDEMUX_SOCKET",
        ] {
            c.env_remove(k);
        }
        c.env("TMUX_TMPDIR", self.dir.path())
            .env("HOME", self.dir.path())
            .env("SHELL", "/bin/sh")
            .env("TIDEMUX_LOG_FILE", self.dir.path().join("server.log"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    pub(crate) fn run(&self, args: &[&str]) -> R {
        let o = self.cmd(args).output().expect("run tmux");
        R {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Runs and expects success with nothing on stderr; returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (0, ""),
            "{}: tmux {args:?}: {r:?}",
            self.name
        );
        r.stdout
    }

    pub(crate) fn socket(&self) -> PathBuf {
        let uid = rustix::process::getuid().as_raw();
        self.dir.path().join(format!("tmux-{uid}/t"))
    }

    fn wait_capture_line(&self, target: &str, pred: &dyn Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let ok = wait_until(DEADLINE, || {
            last = self.run(&["capture-pane", "-p", "-t", target]).stdout;
            last.lines().any(pred)
        });
        assert!(
            ok,
            "{}: the line never appeared in {target}: {last}",
            self.name
        );
        last
    }

    pub(crate) fn wait_capture(&self, target: &str, needle: &str) -> String {
        let mut last = String::new();
        let ok = wait_until(DEADLINE, || {
            last = self.run(&["capture-pane", "-p", "-t", target]).stdout;
            last.contains(needle)
        });
        assert!(
            ok,
            "{}: {needle:?} never appeared in {target}: {last}",
            self.name
        );
        last
    }
}

impl Drop for Tm {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).output();
    }
}

/// Both worlds (tidemux first), or only tidemux when tmux 3.3a is not installed.
pub(crate) fn worlds() -> Vec<Tm> {
    let mut v = vec![Tm::tidemux()];
    v.extend(Tm::real());
    v
}

fn dir_of(t: &Tm) -> String {
    std::fs::canonicalize(t.dir.path())
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn version_and_no_server() {
    let t = Tm::tidemux();
    let r = t.run(&["-V"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "tmux 3.3a\n", "")
    );
    let r = t
        .cmd(&["-V"])
        .env("TIDEMUX_TMUX_VERSION", "3.4")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&r.stdout), "tmux 3.4\n");
    // `tidemux tmux ARGS` is the same personality.
    let o = Command::new(exe()).args(["tmux", "-V"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "tmux 3.3a\n");
    for w in worlds() {
        let r = w.run(&["list-sessions"]);
        let sock = w.socket();
        assert_eq!(r.code, 1, "{}", w.name);
        assert_eq!(
            r.stderr,
            format!(
                "error connecting to {} (No such file or directory)\n",
                sock.display()
            ),
            "{}",
            w.name
        );
        w.ok(&["new-session", "-d", "-s", "x", "sh"]);
        let r = w.run(&["frobnicate"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "unknown command: frobnicate\n"),
            "{}",
            w.name
        );
        let r = w.run(&["kill"]);
        assert_eq!(
            r.stderr,
            "ambiguous command: kill, could be: kill-pane, kill-server, kill-session, kill-window\n",
            "{}",
            w.name
        );
        let r = w.run(&["send-keys", "-Z"]);
        assert_eq!(
            r.stderr, "command send-keys: unknown flag -Z\n",
            "{}",
            w.name
        );
    }
}

/// The list of orchestration lines, on tidemux and on tmux side by side.
#[test]
fn orchestration_lines_match_tmux() {
    for w in worlds() {
        let d = dir_of(&w);
        w.ok(&[
            "new-session",
            "-d",
            "-s",
            "w",
            "-x",
            "80",
            "-y",
            "24",
            "-c",
            &d,
            "sh",
        ]);
        // Wait for sh's prompt first: typed ahead, the tty echoes the line before the
        // prompt and the output lands after the prompt on one line ("# hi").
        let mut first = String::new();
        assert!(
            wait_until(DEADLINE, || {
                first = w.run(&["capture-pane", "-p", "-t", "w"]).stdout;
                !first.trim().is_empty()
            }),
            "{}: no prompt: {first:?}",
            w.name
        );
        w.ok(&["send-keys", "-t", "w", "echo hi", "C-m"]);
        // The output line itself, not the echoed command line (a prompt may precede it when the
        // keys arrived before the shell printed its first prompt).
        let is_output = |l: &str| l.ends_with("hi") && !l.contains("echo");
        let screen = w.wait_capture_line("w", &is_output);
        assert!(screen.contains("echo hi"), "{}: {screen}", w.name);
        let cap = w.ok(&["capture-pane", "-t", "w", "-p", "-S", "-100"]);
        assert!(cap.lines().any(is_output), "{}: {cap}", w.name);
        assert_eq!(
            w.ok(&["display-message", "-p", "#{session_name}:#{window_index}"]),
            "w:0\n",
            "{}",
            w.name
        );
        assert_eq!(
            w.ok(&[
                "list-windows",
                "-t",
                "w",
                "-F",
                "#{window_index}: #{window_active}"
            ]),
            "0: 1\n",
            "{}",
            w.name
        );
        let panes = w.ok(&[
            "list-panes",
            "-a",
            "-F",
            "#{pane_id} #{pane_pid} #{pane_current_path}",
        ]);
        let f: Vec<&str> = panes.trim().split(' ').collect();
        assert_eq!(f[0], "%0", "{}", w.name);
        assert!(f[1].parse::<u32>().is_ok(), "{}: {panes}", w.name);
        assert_eq!(f[2], d, "{}", w.name);
        assert_eq!(
            w.ok(&["split-window", "-h", "-P", "-F", "#{pane_id}"]),
            "%1\n",
            "{}",
            w.name
        );
        assert_eq!(
            w.ok(&["list-panes", "-t", "w", "-F", "#{pane_index}"]),
            "0\n1\n",
            "{}",
            w.name
        );
        w.ok(&["select-layout", "tiled"]);
        w.ok(&["select-layout", "-t", "w:0", "even-horizontal"]);
        // Geometry is compared with tmux in tests/e2e/layouts.rs; here: two panes side by side.
        let sizes = w.ok(&[
            "list-panes",
            "-t",
            "w",
            "-F",
            "#{pane_width} #{pane_height}",
        ]);
        let widths: Vec<u32> = sizes
            .lines()
            .map(|l| l.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(widths.iter().sum::<u32>() + 1, 80, "{}: {sizes}", w.name);
        w.ok(&["set-option", "-g", "history-limit", "5000"]);
        assert_eq!(
            w.ok(&["show-options", "-gv", "history-limit"]),
            "5000\n",
            "{}",
            w.name
        );
        assert_eq!(w.run(&["has-session", "-t", "=w"]).code, 0, "{}", w.name);
        let r = w.run(&["has-session", "-t", "=nope"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "can't find session: nope\n"),
            "{}",
            w.name
        );
        let r = w.run(&["new-session", "-d", "-s", "w"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "duplicate session: w\n"),
            "{}",
            w.name
        );
        // Chained commands (a shell passes `\;` as `;`).
        let out = w.ok(&[
            "new-window",
            "-d",
            "-n",
            "second",
            ";",
            "list-windows",
            "-t",
            "w",
            "-F",
            "#{window_index} #{window_name}",
        ]);
        assert!(out.ends_with("1 second\n"), "{}: {out}", w.name);
        let out = w.ok(&[
            "display-message",
            "-p",
            "-t",
            "w:1",
            "a;",
            "display-message",
            "-p",
            "b",
        ]);
        assert_eq!(out, "a\nb\n", "{}", w.name);
        // An error stops the rest of the line.
        let r = w.run(&[
            "display-message",
            "-p",
            "x",
            ";",
            "select-window",
            "-t",
            ":9",
            ";",
            "display-message",
            "-p",
            "y",
        ]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (1, "x\n", "can't find window: 9\n"),
            "{}",
            w.name
        );
        // Targets as tmux: prefixes, ids, window names.
        assert_eq!(
            w.ok(&["display-message", "-p", "-t", "w:sec", "#{window_name}"]),
            "second\n",
            "{}",
            w.name
        );
        assert_eq!(
            w.ok(&["display-message", "-p", "-t", "%1", "#{pane_index}"]),
            "1\n",
            "{}",
            w.name
        );
        let r = w.run(&["kill-pane", "-t", "%99"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "can't find pane: %99\n"),
            "{}",
            w.name
        );
        // Literal text and key names mixed; -l; -N.
        // An argument ending in `\;` keeps its `;` (one ending in `;` would end the command).
        w.ok(&["send-keys", "-t", "w:0.0", "-l", "echo lit\\;"]);
        w.ok(&["send-keys", "-t", "w:0.0", " echo", " two", "Enter"]);
        w.wait_capture_line("w:0.0", &|l: &str| {
            l.ends_with("lit") && !l.contains("echo")
        });
        w.ok(&["kill-server"]);
    }
}

#[test]
fn panes_know_their_server() {
    let t = Tm::tidemux();
    t.ok(&["new-session", "-d", "-s", "a", "sh"]);
    t.ok(&[
        "send-keys",
        "-t",
        "a",
        "echo \"T=$TMUX P=$TMUX_PANE\"",
        "Enter",
    ]);
    let screen = t.wait_capture("a", "P=%0");
    let sock = t.socket();
    assert!(
        screen.contains(&format!("T={},", sock.display())),
        "{screen}"
    );
    // A tmux command inside the pane finds the server through $TMUX and defaults to its pane.
    let link = t.program.display().to_string();
    t.ok(&[
        "send-keys",
        "-t",
        "a",
        &format!("{link} display -p 'in=#{{pane_id}}'"),
        "Enter",
    ]);
    t.wait_capture("a", "in=%0");
}

#[test]
fn config_file_and_source_file() {
    let t = Tm::tidemux();
    let conf = t.dir.path().join("my.conf");
    std::fs::write(
        &conf,
        "# comment\nset -g @from-conf yes \\\n  # no\n%if #{==:1,1}\nset -g @cond on\n%else\nset -g @cond off\n%endif\nsetenv -g CONFVAR x; set -g history-limit 123\n",
    )
    .unwrap();
    let c = conf.display().to_string();
    let o = Command::new(&t.program)
        .env("TMUX_TMPDIR", t.dir.path())
        .env("HOME", t.dir.path())
        .env_remove("TMUX")
        .args(["-L", "t", "-f", &c, "new-session", "-d", "-s", "c"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert_eq!(t.ok(&["show-options", "-gv", "@from-conf"]), "yes\n");
    assert_eq!(t.ok(&["show-options", "-gv", "@cond"]), "on\n");
    assert_eq!(t.ok(&["show-options", "-gv", "history-limit"]), "123\n");
    // source-file at run time, errors with FILE:LINE.
    let bad = t.dir.path().join("bad.conf");
    std::fs::write(&bad, "set -g @a 1\nnosuchcmd\nset -g @b 2\n").unwrap();
    let r = t.run(&["source-file", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!("{}:2: unknown command: nosuchcmd\n", bad.display())
    );
    let r = t.run(&["source-file", "-q", "/nonexistent/x.conf"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = t.run(&["if-shell", "true", "set -g @if yes", "set -g @if no"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(t.ok(&["show-options", "-gv", "@if"]), "yes\n");
    let r = t.run(&[
        "if-shell",
        "-F",
        "#{==:a,b}",
        "set -g @if2 yes",
        "set -g @if2 no",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(t.ok(&["show-options", "-gv", "@if2"]), "no\n");
    assert_eq!(t.ok(&["run-shell", "echo ran"]), "ran\n");
}

#[test]
fn install_shim_makes_a_tmux_link() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(exe())
        .args(["install-tmux-shim", d.path().join("b").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let link = d.path().join("b/tmux");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::fs::canonicalize(exe()).unwrap_or_else(|_| Path::new(exe()).to_owned())
    );
    let v = Command::new(&link).arg("-V").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&v.stdout), "tmux 3.3a\n");
}

/// Control mode (`tmux -C`): a command block, `%output` of a pane, `%exit` when stdin closes;
/// the same conversation with tmux 3.3a when it is installed.
#[test]
fn control_mode_sees_output_and_blocks() {
    use std::io::{BufRead, BufReader, Write};
    for w in worlds() {
        let mut child = w
            .cmd(&["-C", "new-session", "-s", "c", "-x", "80", "-y", "24", "sh"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let deadline = std::time::Instant::now() + DEADLINE;
        let mut seen: Vec<String> = Vec::new();
        let wait_for = |pred: &dyn Fn(&str) -> bool, seen: &mut Vec<String>| -> String {
            loop {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                match rx.recv_timeout(left) {
                    Ok(l) => {
                        seen.push(l.clone());
                        if pred(&l) {
                            return l;
                        }
                    }
                    Err(_) => panic!("{}: timed out; control output so far: {seen:#?}", w.name),
                }
            }
        };
        // The first command's block, then the session.
        let begin = wait_for(&|l| l.starts_with("%begin "), &mut seen);
        assert_eq!(begin.split(' ').count(), 4, "{}: {begin}", w.name);
        wait_for(&|l| l.starts_with("%end "), &mut seen);
        wait_for(
            &|l| l.starts_with("%session-changed $") && l.ends_with(" c"),
            &mut seen,
        );
        writeln!(stdin, "send-keys -t c 'echo ctl-$((6*7))' Enter").unwrap();
        // The pane's output may come in several %output lines: joined, it has the line.
        let acc = std::cell::RefCell::new(String::new());
        wait_for(
            &|l| {
                if let Some(data) = l.strip_prefix("%output %0 ") {
                    acc.borrow_mut().push_str(data);
                }
                acc.borrow().contains("ctl-42\\015\\012")
            },
            &mut seen,
        );
        assert!(!acc.borrow().contains('\r'), "{}: {}", w.name, acc.borrow());
        writeln!(stdin, "display-message -p 'name=#{{session_name}}'").unwrap();
        wait_for(&|l| l == "name=c", &mut seen);
        let end = wait_for(
            &|l| l.starts_with("%end ") || l.starts_with("%error "),
            &mut seen,
        );
        assert!(end.starts_with("%end "), "{}: {seen:#?}", w.name);
        // A control client is a client (libtmux finds its own by pid).
        let clients = w.ok(&["list-clients", "-F", "#{client_pid} #{session_name}"]);
        assert!(
            clients.lines().any(|l| l == format!("{} c", child.id())),
            "{}: {clients}",
            w.name
        );
        writeln!(stdin, "bogus-command").unwrap();
        wait_for(
            &|l| l == "parse error: unknown command: bogus-command",
            &mut seen,
        );
        wait_for(&|l| l.starts_with("%error "), &mut seen);
        drop(stdin);
        wait_for(&|l| l == "%exit", &mut seen);
        let status = child.wait().unwrap();
        assert!(status.success(), "{}: {status:?}", w.name);
    }
}

/// Runs each line on tidemux and on tmux 3.3a (when installed) and asserts the same exit code,
/// stdout and stderr; without tmux, checks tidemux's against `want` where given.
fn same_as_tmux(lines: &[(&[&str], Option<&str>)]) {
    let worlds = worlds();
    let mut outs: Vec<Vec<R>> = Vec::new();
    for w in &worlds {
        outs.push(lines.iter().map(|(args, _)| w.run(args)).collect());
    }
    for (i, (args, want)) in lines.iter().enumerate() {
        if let Some(want) = want {
            assert_eq!(outs[0][i].stdout, *want, "tidemux: tmux {args:?}");
        }
        if let Some(real) = outs.get(1) {
            assert_eq!(
                outs[0][i], real[i],
                "tmux {args:?}: tidemux, then tmux 3.3a"
            );
        }
    }
}

/// Linked windows (tmux `link-window`, `unlink-window`, grouped sessions): one window in
/// several sessions and twice in one; targets by id pick tmux's winlink (the most recently
/// active session holding it, its current winlink there else the lowest index); `-a`
/// listings have a row per winlink; kill-window closes every link, kill-session only its own.
#[test]
fn linked_windows_match_tmux() {
    let fmt_w = "#{session_name} #{window_index} #{window_id} #{window_active} #{window_linked}";
    let fmt_d =
        "#{session_id} #{window_index} #{window_linked_sessions} #{window_linked_sessions_list}";
    same_as_tmux(&[
        (&["new-session", "-d", "-s", "zzz-old", "-x", "80", "-y", "24"], None),
        (&["new-session", "-d", "-s", "aaa-recent", "-x", "80", "-y", "24"], None),
        (&["link-window", "-s", "@0", "-t", "aaa-recent"], Some("")),
        (&["display-message", "-p", "-t", "@0", fmt_d], Some("$1 1 2 zzz-old,aaa-recent\n")),
        (&["display-message", "-p", "-t", "%0", "#{session_name}:#{window_index}"], Some("aaa-recent:1\n")),
        (&["display-message", "-p", "-t", "zzz-old:0", "#{session_name}:#{window_index}"], Some("zzz-old:0\n")),
        (
            &["list-windows", "-a", "-F", fmt_w],
            Some("aaa-recent 0 @1 0 0\naaa-recent 1 @0 1 1\nzzz-old 0 @0 1 1\n"),
        ),
        (&["list-panes", "-a", "-F", "#{session_name} #{window_index} #{pane_id}"], None),
        (&["new-session", "-d", "-s", "dup", "-x", "80", "-y", "24"], None),
        (&["new-window", "-d", "-t", "dup", "-n", "other"], None),
        (&["link-window", "-d", "-s", "@2", "-t", "dup:5"], Some("")),
        (&["select-window", "-t", "dup:5"], None),
        (&["display-message", "-p", "-t", "@2", "#{session_name}:#{window_index}"], Some("dup:5\n")),
        (&["select-window", "-t", "dup:0"], None),
        (&["display-message", "-p", "-t", "@2", "#{session_name}:#{window_index}"], Some("dup:0\n")),
        (&["select-window", "-t", "dup:1"], None),
        (&["display-message", "-p", "-t", "@2", "#{session_name}:#{window_index}"], Some("dup:0\n")),
        (&["list-windows", "-t", "dup", "-F", fmt_w], None),
        (&["link-window", "-s", "@2", "-t", "dup:5"], None),
        (&["link-window", "-s", "@3", "-t", "dup:5"], None),
        (&["unlink-window", "-t", "dup:1"], None),
        (&["unlink-window", "-t", "dup:5"], Some("")),
        (&["list-windows", "-t", "dup", "-F", fmt_w], Some("dup 0 @2 0 0\ndup 1 @3 1 0\n")),
        (&["link-window", "-d", "-s", "@2", "-t", "dup:7"], None),
        (&["link-window", "-k", "-s", "@2", "-t", "dup:1"], Some("")),
        (&["list-windows", "-t", "dup", "-F", fmt_w], Some("dup 0 @2 0 1\ndup 1 @2 1 1\ndup 7 @2 0 1\n")),
        (&["new-session", "-d", "-t", "zzz-old", "-s", "grouped"], Some("")),
        (&["list-windows", "-t", "grouped", "-F", fmt_w], Some("grouped 0 @0 1 1\n")),
        (&["kill-session", "-t", "zzz-old"], Some("")),
        (
            &["list-windows", "-a", "-F", fmt_w],
            Some("aaa-recent 0 @1 0 0\naaa-recent 1 @0 1 1\ndup 0 @2 0 1\ndup 1 @2 1 1\ndup 7 @2 0 1\ngrouped 0 @0 1 1\n"),
        ),
        (&["kill-window", "-t", "@0"], Some("")),
        (&["list-sessions", "-F", "#{session_name} #{session_windows}"], Some("aaa-recent 1\ndup 3\n")),
        (&["list-windows", "-a", "-F", fmt_w], None),
    ]);
}

/// libtmux's expectations of tmux's exact behaviour: `pane_start_command` as given,
/// `new-session -e` in the session environment, `new-window -t S:N` at index N (and `-k`),
/// `no last window`, `display-message -F` with an argument, `rename-window` escaping, a start
/// directory that does not exist (tmux falls back to HOME), `server-access -l`.
#[test]
fn libtmux_details_match_tmux() {
    same_as_tmux(&[
        (
            &["new-session", "-d", "-s", "d", "-e", "FOO=HI", "sleep 100"],
            Some(""),
        ),
        (
            &[
                "display-message",
                "-p",
                "-t",
                "d",
                "[#{pane_start_command}]",
            ],
            Some("[\"sleep 100\"]\n"),
        ),
        (&["new-window", "-d", "-t", "d", "sleep", "200"], None),
        (
            &[
                "display-message",
                "-p",
                "-t",
                "d:1",
                "[#{pane_start_command}]",
            ],
            Some("[sleep 200]\n"),
        ),
        (&["show-environment", "-t", "d", "FOO"], Some("FOO=HI\n")),
        (
            &["new-window", "-d", "-t", "d:5", "-n", "orig", "sleep 100"],
            Some(""),
        ),
        (
            &[
                "new-window",
                "-d",
                "-k",
                "-t",
                "d:5",
                "-n",
                "repl",
                "sleep 100",
            ],
            Some(""),
        ),
        (
            &["list-windows", "-t", "d", "-F", "#{window_index}"],
            Some("0\n1\n5\n"),
        ),
        (
            &["display-message", "-p", "-t", "d:5", "#{window_name}"],
            Some("repl\n"),
        ),
        (&["last-window", "-t", "d"], None),
        (&["display-message", "-p", "-F", "#{version}", "x"], None),
        (
            &["rename-window", "-t", "d:5", "hello \\ wazzup 0"],
            Some(""),
        ),
        (
            &["display-message", "-p", "-t", "d:5", "#{window_name}"],
            Some("hello \\\\ wazzup 0\n"),
        ),
        (
            &["new-session", "-d", "-s", "e", "-c", "{nowhere}"],
            Some(""),
        ),
        (&["server-access", "-l"], Some("")),
    ]);
}
