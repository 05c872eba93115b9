//! Issue 11, the hooks tmux 3.3a fires that the first pass left out: `pane-mode-changed`,
//! `window-resized`, `window-layout-changed` when a pane exits and its siblings reflow,
//! `pane-set-clipboard`, the `hook*` format variables and the current state a hook's commands
//! run with (the hook's objects, or "from nothing" once they are gone), `capture-pane -P`, and
//! the control-mode `%pane-mode-changed` notification. Each runs the same tmux command lines on
//! tidemux (as `tmux`) and, where installed, on tmux 3.3a, and checks both against the same
//! expected lines.

use crate::support::{wait_until, DEADLINE};
use crate::tmux_lang::{worlds, Tm};
use std::path::Path;
use std::process::Stdio;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// Sets hook `name` (globally) to append `name FORMAT` to `log` through `run-shell`.
fn log_hook(t: &Tm, name: &str, format: &str, log: &Path) {
    let cmd = format!("run-shell \"echo {name} {format} >> '{}'\"", log.display());
    t.ok(&["set-hook", "-g", name, &cmd]);
}

/// Waits until `log` holds `n` lines.
#[track_caller]
fn wait_lines(t: &Tm, log: &Path, n: usize, after: &[&str]) {
    assert!(
        wait_until(DEADLINE, || read(log).lines().count() >= n),
        "{}: after {after:?}, {} holds {:?}, want {n} lines",
        t.name,
        log.display(),
        read(log)
    );
}

/// What each notification hook prints: where its commands run (the current window and pane)
/// and whether `hook_pane` / `hook_window` name them, then `hook_window_name`.
const WHERE: &str = "#{window_index}.#{pane_index} #{==:#{hook_pane},#{pane_id}} \
                     #{==:#{hook_window},#{window_id}} #{hook_window_name}";

/// `pane-mode-changed` (once per mode entered or left), `window-resized` after
/// `window-layout-changed`, `window-layout-changed` when a pane's process exits and when the
/// active pane is killed (then the hook runs from nothing, as tmux's state holds the dead
/// pane), `pane-exited` from nothing, and `after-split-window` on a window that is not the
/// current one with that window's pane as its current state: the same lines on tidemux and
/// tmux 3.3a. Notifications and `after-` hooks go to two logs (tmux orders the two queues
/// differently from run to run).
#[test]
fn mode_resize_exit_hooks_fire_once_in_order_like_tmux() {
    type Step<'a> = (&'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let steps: &[Step] = &[
        (&["new-window", "-d", "-t", "m:1", "cat"], &[], &[]),
        (
            &["split-window", "-d", "-t", "m:1", "cat"],
            &["window-layout-changed 1.0 0 1 cat"],
            &["after-split-window 1.1 0 0"],
        ),
        (
            &["copy-mode", "-t", "m:1.0"],
            &["pane-mode-changed 1.0 1 0"],
            &[],
        ),
        (
            &["clock-mode", "-t", "m:1.0"],
            &["pane-mode-changed 1.0 1 0"],
            &[],
        ),
        // Entering the mode already on top changes nothing.
        (&["clock-mode", "-t", "m:1.0"], &[], &[]),
        (
            &["copy-mode", "-q", "-t", "m:1.0"],
            &["pane-mode-changed 1.0 1 0", "pane-mode-changed 1.0 1 0"],
            &[],
        ),
        (
            &["resize-window", "-t", "m:1", "-x", "60", "-y", "20"],
            &[
                "window-layout-changed 1.0 0 1 cat",
                "window-resized 1.0 0 1 cat",
            ],
            &[],
        ),
        // The process of pane 1.1 (not the active one) exits: its siblings reflow.
        (
            &["send-keys", "-t", "m:1.1", "C-d"],
            &["pane-exited 0.0 0 0", "window-layout-changed 1.0 0 1 cat"],
            &[],
        ),
        (
            &["split-window", "-t", "m:1", "cat"],
            &[
                "window-pane-changed 1.1 0 1 cat",
                "window-layout-changed 1.1 0 1 cat",
            ],
            &["after-split-window 1.1 0 0"],
        ),
        // The active pane is killed: the layout changes first (its state names the dead
        // pane: from nothing), then the window picks another pane.
        (
            &["kill-pane", "-t", "m:1.1"],
            &[
                "window-layout-changed 0.0 0 0 cat",
                "window-pane-changed 1.0 0 1 cat",
            ],
            &[],
        ),
        // A fence: every notification before it has run once it ran.
        (
            &["rename-window", "-t", "m:0", "fence"],
            &["window-renamed 0.0 0 1 fence"],
            &[],
        ),
    ];
    let mut results = Vec::new();
    for t in worlds() {
        let notes = t.dir.path().join("notes.log");
        let after = t.dir.path().join("after.log");
        t.ok(&[
            "new-session",
            "-d",
            "-s",
            "m",
            "-x",
            "80",
            "-y",
            "24",
            "cat",
        ]);
        // No automatic renames: `window-renamed` is the fence only.
        t.ok(&["set-option", "-g", "automatic-rename", "off"]);
        for h in [
            "pane-mode-changed",
            "window-layout-changed",
            "window-pane-changed",
            "window-resized",
            "pane-exited",
            "window-renamed",
        ] {
            log_hook(&t, h, WHERE, &notes);
        }
        log_hook(&t, "after-split-window", WHERE, &after);
        let (mut n, mut a) = (0, 0);
        for (step, want_n, want_a) in steps {
            t.ok(step);
            n += want_n.len();
            a += want_a.len();
            wait_lines(&t, &notes, n, step);
            wait_lines(&t, &after, a, step);
        }
        let want_n: Vec<&str> = steps.iter().flat_map(|s| s.1.iter().copied()).collect();
        let want_a: Vec<&str> = steps.iter().flat_map(|s| s.2.iter().copied()).collect();
        assert_eq!(
            read(&notes).lines().collect::<Vec<_>>(),
            want_n,
            "{}",
            t.name
        );
        assert_eq!(
            read(&after).lines().collect::<Vec<_>>(),
            want_a,
            "{}",
            t.name
        );
        results.push((read(&notes), read(&after)));
    }
    if let [ours, theirs] = &results[..] {
        assert_eq!(ours, theirs, "tidemux, then tmux 3.3a");
    }
}

/// `hook`, `hook_session`, `hook_session_name`, `hook_window`, `hook_window_name` and
/// `hook_pane` as tmux's notifications set them (a session hook names the session, a window
/// hook the window, a pane hook the pane, an `after-` hook none), and `if-shell -F` in a hook
/// tests formats for the hook's objects.
#[test]
fn hook_format_variables_like_tmux() {
    let mut results = Vec::new();
    for t in worlds() {
        let log = t.dir.path().join("hooks.log");
        t.ok(&[
            "new-session",
            "-d",
            "-s",
            "h",
            "-x",
            "80",
            "-y",
            "24",
            "cat",
        ]);
        let all = "#{hook}:#{==:#{hook_session},#{session_id}}:#{hook_session_name}:\
                   #{==:#{hook_window},#{window_id}}:#{hook_window_name}:\
                   #{==:#{hook_pane},#{pane_id}}";
        for h in [
            "session-renamed",
            "window-renamed",
            "pane-mode-changed",
            "after-rename-window",
        ] {
            log_hook(&t, h, all, &log);
        }
        let cond = format!(
            "if-shell -F '#{{==:#{{window_index}},1}}' \
             \"run-shell \\\"echo if-shell #{{window_index}} >> '{}'\\\"\"",
            log.display()
        );
        t.ok(&["set-hook", "-g", "window-layout-changed", &cond]);
        let mut n = 0;
        for (step, lines) in [
            (&["rename-session", "-t", "h", "hh"][..], 1),
            (
                &["new-window", "-d", "-t", "hh:1", "-n", "w1", "cat"][..],
                0,
            ),
            (&["rename-window", "-t", "hh:1", "ren"][..], 2),
            (&["copy-mode", "-t", "hh:1"][..], 1),
            (&["split-window", "-d", "-t", "hh:1", "cat"][..], 1),
        ] {
            t.ok(step);
            n += lines;
            wait_lines(&t, &log, n, step);
        }
        let mut got: Vec<String> = read(&log).lines().map(str::to_owned).collect();
        // after-rename-window and window-renamed run from two queues in tmux: either order.
        got.sort();
        assert_eq!(
            got,
            [
                "after-rename-window after-rename-window:0::0::0",
                "if-shell 1",
                "pane-mode-changed pane-mode-changed:0::0::1",
                "session-renamed session-renamed:1:hh:0::0",
                "window-renamed window-renamed:0::1:ren:0",
            ],
            "{}",
            t.name
        );
        results.push(got);
    }
    if let [ours, theirs] = &results[..] {
        assert_eq!(ours, theirs, "tidemux, then tmux 3.3a");
    }
}

/// `OSC 52` from a program: with `set-clipboard` `external` (the default) nothing happens;
/// with `on` the text becomes a paste buffer and `pane-set-clipboard` fires for the pane.
#[test]
fn pane_set_clipboard_stores_a_buffer_like_tmux() {
    for t in worlds() {
        let log = t.dir.path().join("clip.log");
        t.ok(&[
            "new-session",
            "-d",
            "-s",
            "c",
            "-x",
            "80",
            "-y",
            "24",
            "cat",
        ]);
        log_hook(
            &t,
            "pane-set-clipboard",
            "#{window_index}.#{pane_index} #{==:#{hook_pane},#{pane_id}}",
            &log,
        );
        let osc = "printf '\\033]52;c;aGVsbG8gY2xpcA==\\007'; echo sent-$((6*7)); exec cat";
        t.ok(&["split-window", "-d", "-t", "c:0", osc]);
        t.wait_capture("c:0.1", "sent-42");
        let none = t.run(&["list-buffers"]);
        assert_eq!(none.stdout, "", "{}: external stores nothing", t.name);
        t.ok(&["set-option", "-s", "set-clipboard", "on"]);
        t.ok(&["split-window", "-d", "-t", "c:0", osc]);
        wait_lines(&t, &log, 1, &["split-window"]);
        assert_eq!(read(&log), "pane-set-clipboard 0.1 1\n", "{}", t.name);
        assert_eq!(t.ok(&["show-buffer"]), "hello clip", "{}", t.name);
        // Malformed base64 is ignored.
        t.ok(&[
            "split-window",
            "-d",
            "-t",
            "c:0",
            "printf '\\033]52;c;a\\007'; exec cat",
        ]);
        t.ok(&["split-window", "-d", "-t", "c:0", osc]);
        wait_lines(&t, &log, 2, &["split-window"]);
        assert_eq!(read(&log).lines().count(), 2, "{}: {}", t.name, read(&log));
        let n = t.ok(&["list-buffers", "-F", "#{buffer_sample}"]);
        assert_eq!(n, "hello clip\nhello clip\n", "{}", t.name);
    }
}

/// `capture-pane -P`: the start of an escape sequence the pane's program left unfinished
/// (`-C`: octal escapes), empty once it completes; the same on tidemux and tmux 3.3a.
#[test]
fn capture_pending_shows_an_unfinished_sequence_like_tmux() {
    let mut results = Vec::new();
    for t in worlds() {
        t.ok(&[
            "new-session",
            "-d",
            "-s",
            "p",
            "-x",
            "80",
            "-y",
            "24",
            "printf 'ready\\n\\033[1;'; exec cat",
        ]);
        t.wait_capture("p", "ready");
        let pending = || t.ok(&["capture-pane", "-p", "-P", "-t", "p"]);
        assert!(
            wait_until(DEADLINE, || pending() == "\x1b[1;\n"),
            "{}: {:?}",
            t.name,
            pending()
        );
        let octal = t.ok(&["capture-pane", "-p", "-P", "-C", "-t", "p"]);
        assert_eq!(octal, "\\033[1;\n", "{}", t.name);
        // Without -p the bytes go to a buffer.
        t.ok(&["capture-pane", "-P", "-b", "pend", "-t", "p"]);
        assert_eq!(
            t.ok(&["show-buffer", "-b", "pend"]),
            "\x1b[1;",
            "{}",
            t.name
        );
        // `m` (echoed by the terminal) ends the sequence.
        t.ok(&["send-keys", "-t", "p", "m"]);
        assert!(
            wait_until(DEADLINE, || pending() == "\n"),
            "{}: {:?}",
            t.name,
            pending()
        );
        // An OSC string is pending until its terminator.
        t.ok(&[
            "split-window",
            "-d",
            "-t",
            "p",
            "printf 'osc\\n\\033]2;ti'; exec cat",
        ]);
        t.wait_capture("p:0.1", "osc");
        let osc = || t.ok(&["capture-pane", "-p", "-P", "-t", "p:0.1"]);
        assert!(
            wait_until(DEADLINE, || osc() == "\x1b]2;ti\n"),
            "{}: {:?}",
            t.name,
            osc()
        );
        results.push((octal, pending(), osc()));
    }
    if let [ours, theirs] = &results[..] {
        assert_eq!(ours, theirs, "tidemux, then tmux 3.3a");
    }
}

/// A control client (`tmux -C`) sees `%pane-mode-changed %PANE` when a pane enters and leaves
/// a mode, as with tmux 3.3a.
#[test]
fn control_mode_notifies_pane_mode_changed() {
    use std::io::{BufRead, BufReader, Write};
    for w in worlds() {
        let mut child = w
            .cmd(&[
                "-C",
                "new-session",
                "-s",
                "c",
                "-x",
                "80",
                "-y",
                "24",
                "cat",
            ])
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
        let mut wait_for = |pred: &dyn Fn(&str) -> bool| loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) => {
                    seen.push(l.clone());
                    if pred(&l) {
                        return;
                    }
                }
                Err(_) => panic!("{}: timed out; control output so far: {seen:#?}", w.name),
            }
        };
        wait_for(&|l| l.starts_with("%session-changed $"));
        let pane = w.ok(&["display-message", "-p", "-t", "c", "#{pane_id}"]);
        let want = format!("%pane-mode-changed {}", pane.trim_end());
        // From another client: entering copy mode, then leaving it.
        w.ok(&["copy-mode", "-t", "c"]);
        wait_for(&|l| l == want);
        w.ok(&["send-keys", "-t", "c", "-X", "cancel"]);
        wait_for(&|l| l == want);
        // And from the control client's own command.
        writeln!(stdin, "clock-mode -t c").unwrap();
        wait_for(&|l| l == want);
        drop(stdin);
        wait_for(&|l| l == "%exit");
        let status = child.wait().unwrap();
        assert!(status.success(), "{}: {status:?}", w.name);
    }
}

/// `client-active`: a client typing into a window whose latest client it is not (none yet, or
/// another) fires it once, with `hook_client` naming it; more typing by the same client fires
/// nothing. Real attach clients in the panes of an outer server; tmux 3.3a clients beside them
/// when tmux is installed, with the same counts.
#[test]
fn client_active_fires_when_a_client_types_like_tmux() {
    use crate::attach::Rig;
    use crate::formats::Tmux;
    let rig = Rig::new();
    let log = rig.inner.dir.path().join("active.log");
    let cmd = format!(
        "run-shell \"echo #{{hook}} #{{hook_client}} >> '{}'\"",
        log.display()
    );
    rig.inner.ok(&["set-hook", "-g", "client-active", &cmd]);
    rig.attach("a", 80, 24, &[]);
    rig.attach("b", 80, 24, &[]);
    let typ = |who: &str, text: &str| {
        rig.outer.ok(&["send", "-t", who, "--", text]);
    };
    let wait = |log: &Path, n: usize| {
        assert!(
            wait_until(DEADLINE, || read(log).lines().count() >= n),
            "want {n} lines: {:?}",
            read(log)
        );
    };
    let check = |log: &Path, who: &str| {
        let got = read(log);
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), 3, "{who}: {got:?}");
        assert!(
            lines.iter().all(|l| l.starts_with("client-active /dev/")),
            "{who}: {got:?}"
        );
        assert_eq!(lines[0], lines[2], "{who}: {got:?}");
        assert_ne!(lines[0], lines[1], "{who}: {got:?}");
    };
    typ("a", "x");
    wait(&log, 1);
    // The same client again: nothing; then the other client (its line comes after any the
    // first typing would have fired: `y` has reached the pane before `z` is typed; typed at
    // once, the two clients' input could reach the server in either order).
    typ("a", "y");
    rig.inner.wait_text("work", "xy");
    typ("b", "z");
    wait(&log, 2);
    rig.inner.wait_text("work", "xyz");
    typ("a", "w");
    wait(&log, 3);
    rig.inner.wait_text("work", "xyzw");
    check(&log, "tidemux");
    // tmux 3.3a clients in two more outer panes.
    let Some(t) = Tmux::new() else { return };
    let tlog = rig.inner.dir.path().join("tmux-active.log");
    t.ok(&[
        "new-session",
        "-d",
        "-s",
        "m",
        "-x",
        "80",
        "-y",
        "24",
        "cat",
    ]);
    let cmd = format!(
        "run-shell \"echo #{{hook}} #{{hook_client}} >> '{}'\"",
        tlog.display()
    );
    t.ok(&["set-hook", "-g", "client-active", &cmd]);
    let rlog = rig.inner.dir.path().join("tmux-resized.log");
    let cmd = format!(
        "run-shell \"echo #{{hook_client}} >> '{}'\"",
        rlog.display()
    );
    t.ok(&["set-hook", "-g", "client-resized", &cmd]);
    let sock = t.socket().to_str().expect("utf-8 socket path").to_owned();
    // tmux 3.3a makes an attaching client its window's latest without the hook
    // (server_client_set_session), then the client answers MSG_READY with MSG_RESIZE, which
    // makes it the latest again (server_client_update_latest), with `client-active` if the
    // other client attached in between. Both attaching at once, that race fired one or two
    // extra lines at attach under load (or none for `x` when `ta` attached last). So each
    // client attaches alone, until its MSG_RESIZE is handled (its `client-resized` line,
    // which comes after any `client-active` of the same message): then `tb` is the latest
    // and nothing has fired yet.
    let mut ttys = Vec::new();
    for (n, name) in ["ta", "tb"].into_iter().enumerate() {
        tmux_client(&rig, name, &sock);
        wait(&rlog, n + 1);
        let got = read(&rlog);
        ttys.push(
            got.lines()
                .nth(n)
                .expect("a client-resized line")
                .to_owned(),
        );
    }
    assert_ne!(ttys[0], ttys[1], "two tmux clients: {ttys:?}");
    assert_eq!(read(&tlog), "", "tmux: client-active at attach");
    typ("ta", "x");
    wait(&tlog, 1);
    let shown = |text: &str| {
        assert!(
            wait_until(DEADLINE, || t
                .ok(&["capture-pane", "-p", "-t", "m"])
                .contains(text)),
            "tmux pane, want {text:?}: {}",
            t.ok(&["capture-pane", "-p", "-t", "m"])
        );
    };
    typ("ta", "y");
    shown("xy");
    typ("tb", "z");
    wait(&tlog, 2);
    shown("xyz");
    typ("ta", "w");
    wait(&tlog, 3);
    check(&tlog, "tmux");
    let want: Vec<String> = [&ttys[0], &ttys[1], &ttys[0]]
        .iter()
        .map(|tty| format!("client-active {tty}"))
        .collect();
    assert_eq!(read(&tlog).lines().collect::<Vec<_>>(), want, "tmux");
}

/// `client-focus-out` / `client-focus-in` when the attached client's terminal reports its
/// focus (`CSI O` / `CSI I`, sent into the outer pane the client runs in), with the pane focus
/// hooks (`focus-events` on) in tmux's order; the reports never reach the pane. tmux 3.3a clients beside them when
/// tmux is installed, with the same lines.
#[test]
fn client_focus_hooks_fire_from_the_terminal_like_tmux() {
    use crate::attach::Rig;
    use crate::formats::Tmux;
    const HOOKS: [&str; 5] = [
        "client-focus-in",
        "client-focus-out",
        "pane-focus-in",
        "pane-focus-out",
        "client-active",
    ];
    let want = [
        "pane-focus-out",
        "client-focus-out",
        "client-focus-in",
        "pane-focus-in",
        "pane-focus-out",
        "client-focus-out",
    ];
    let rig = Rig::new();
    let steps = |outer: &str, log: &Path| {
        rig.outer.ok(&["send", "-t", outer, "--", "\x1b[O"]);
        wait_lines_n(log, 2);
        rig.outer.ok(&["send", "-t", outer, "--", "\x1b[I"]);
        wait_lines_n(log, 4);
        // Typing by the client that is already its window's latest (its terminal's answers
        // at attach made it so): no client-active.
        rig.outer.ok(&["send", "-t", outer, "--", "x"]);
        rig.outer.ok(&["send", "-t", outer, "--", "\x1b[O"]);
        wait_lines_n(log, 6);
        assert_eq!(read(log).lines().collect::<Vec<_>>(), want, "{outer}");
    };
    // tmux 3.3a first (when installed), then tidemux.
    if let Some(t) = Tmux::new() {
        let tlog = rig.inner.dir.path().join("tmux-focus.log");
        t.ok(&[
            "new-session",
            "-d",
            "-s",
            "m",
            "-x",
            "80",
            "-y",
            "24",
            "cat",
        ]);
        t.ok(&["set-option", "-s", "focus-events", "on"]);
        let sock = t.socket().to_str().expect("utf-8 socket path").to_owned();
        tmux_client(&rig, "ta", &sock);
        assert!(
            wait_until(DEADLINE, || t.ok(&["list-clients"]).lines().count() == 1),
            "tmux clients: {}",
            t.ok(&["list-clients"])
        );
        for h in HOOKS {
            let cmd = format!("run-shell \"echo #{{hook}} >> '{}'\"", tlog.display());
            t.ok(&["set-hook", "-g", h, &cmd]);
        }
        steps("ta", &tlog);
    }
    let log = rig.inner.dir.path().join("focus.log");
    rig.inner.ok(&["set-option", "-s", "focus-events", "on"]);
    rig.attach("a", 80, 24, &[]);
    for h in HOOKS {
        let cmd = format!("run-shell \"echo #{{hook}} >> '{}'\"", log.display());
        rig.inner.ok(&["set-hook", "-g", h, &cmd]);
    }
    steps("a", &log);
    // The reports did not reach the pane: only the typed x did.
    rig.inner.wait_text("work", "x");
    let screen = rig.inner.screen("work");
    assert!(!screen.contains("[I") && !screen.contains("[O"), "{screen}");
}

/// Waits until `log` holds `n` lines.
#[track_caller]
fn wait_lines_n(log: &Path, n: usize) {
    assert!(
        wait_until(DEADLINE, || read(log).lines().count() >= n),
        "want {n} lines: {:?}",
        read(log)
    );
}

/// Starts, in the outer server's session `name` (80x24), a real tmux 3.3a client attached to
/// session `m` of the tmux server on socket `sock`. The outer session stays when the client
/// exits (its tmux server is killed at the end of its part of a test): were it the outer
/// server's last session, the server would exit (`exit-empty`) while the test's next outer
/// `new-session` may already be on its way, which then fails with "lost connection".
fn tmux_client(rig: &crate::attach::Rig, name: &str, sock: &str) {
    rig.tmux_client(name, "tmux", sock, "m");
}

/// With `focus-events` off (the default) the pane focus hooks fire only where tmux 3.3a
/// updates the focus whatever the option says: a client attaches (`pane-focus-in` for the
/// active pane of its session's current window), a window loses its active pane (kill-pane:
/// the pane that becomes active gets it), `switch-client` (out for the old window, in for
/// the new one) and the client leaving (out); `select-pane` and `split-window` fire nothing
/// (tmux `window_set_active_pane` checks the option). A tidemux client and a tmux client,
/// each in a pane of an outer tmux 3.3a, side by side.
#[test]
fn pane_focus_hooks_with_focus_events_off_like_tmux() {
    use crate::titles::{client_cmd, outer, wait_drawn};
    let outer = outer();
    let mut shown = Vec::new();
    for w in worlds() {
        let name = w.name;
        let log = w.dir.path().join("focus.log");
        w.ok(&["new-session", "-d", "-s", "w", "-x", "80", "-y", "24", "sh"]);
        w.ok(&["split-window", "-t", "w", "sh"]);
        w.ok(&["select-pane", "-t", "%0"]);
        for h in ["pane-focus-in", "pane-focus-out"] {
            let cmd = format!(
                "run-shell \"echo #{{hook}} #{{hook_pane}} >> '{}'\"",
                log.display()
            );
            w.ok(&["set-hook", "-g", h, &cmd]);
        }
        let mut args = vec!["new-session", "-d", "-s", name, "-x", "80", "-y", "24"];
        let client = client_cmd(&w, None);
        args.extend(client.iter().map(String::as_str));
        outer.ok(&args);
        wait_drawn(&outer, name, "[w] 0:sh");
        wait_lines_n(&log, 1);
        // Neither fires anything with focus-events off.
        w.ok(&["select-pane", "-t", "%1"]);
        w.ok(&["split-window", "-t", "%1", "sh"]);
        // The active pane closes: the pane that becomes active (%1) is focused.
        w.ok(&["kill-pane", "-t", "%2"]);
        wait_lines_n(&log, 2);
        w.ok(&["new-session", "-d", "-s", "x", "-x", "80", "-y", "24", "sh"]);
        w.ok(&["switch-client", "-t", "x"]);
        wait_lines_n(&log, 4);
        w.ok(&["detach-client", "-s", "x"]);
        wait_lines_n(&log, 5);
        // The client exited with its detach, and its outer pane (and server) with it.
        let _ = outer.run(&["kill-session", "-t", name]);
        shown.push(read(&log));
    }
    assert_eq!(
        shown[0],
        "pane-focus-in %0\npane-focus-in %1\npane-focus-out %1\npane-focus-in %3\npane-focus-out %3\n"
    );
    if let Some(tmux) = shown.get(1) {
        assert_eq!(&shown[0], tmux, "tidemux and tmux differ");
    }
}
