//! Issue 11, the rest of tmux's command set: target tokens (`{last}`, `!`, `{next}`, `+N`,
//! `{marked}`...) and `pane-base-index` in targets and listings, compared with tmux 3.3a;
//! hooks and options that act (alerts, automatic-rename, ...).

use crate::formats::Tmux;
use crate::support::Server;

/// The same windows and panes on tidemux and tmux, then the same target tokens resolved by
/// `display-message -p -t TOKEN` on both.
#[test]
fn target_tokens_and_pane_base_index_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("a", &["cat"]);
    t.ok(&[
        "new-session",
        "-d",
        "-s",
        "a",
        "-x",
        "80",
        "-y",
        "24",
        "cat",
    ]);
    let both = |args: &[&str], spawn: bool| {
        let mut ours: Vec<&str> = args.to_vec();
        let mut theirs: Vec<&str> = args.to_vec();
        if spawn {
            ours.extend(["--", "cat"]);
            theirs.push("cat");
        }
        s.ok(&ours);
        t.ok(&theirs);
    };
    both(&["new-window", "-t", "a"], true);
    both(&["new-window", "-t", "a"], true);
    both(&["split-window", "-t", "a:1"], true);
    both(&["split-window", "-t", "a:1"], true);
    both(&["select-window", "-t", "a:0"], false);
    both(&["select-window", "-t", "a:1"], false);
    both(&["select-pane", "-t", "a:1.0"], false);
    both(&["select-pane", "-t", "a:1.2"], false);
    let fmt = "#{window_index}.#{pane_index}";
    let tokens = [
        "a:!",
        "a:{last}",
        "a:{next}",
        "a:+",
        "a:+2",
        "a:{previous}",
        "a:-",
        "a:-1",
        "a:{start}",
        "a:^",
        "a:{end}",
        "a:$",
        "a:1.!",
        "a:1.{last}",
        "a:1.{next}",
        "a:1.+",
        "a:1.-",
        "a:1.{previous}",
        "a:1.+2",
        "!",
        "{last}",
        "a:1.{top}",
        "a:1.{bottom}",
        "a:1.top",
        "a:1.{left}",
        "a:1.{right}",
        "a:1.{top-left}",
        "a:1.{bottom-right}",
        "a:1.bottom-left",
    ];
    let check = |tokens: &[&str]| {
        for tok in tokens {
            let ours = s.ok(&["display-message", "-p", "-t", tok, fmt]);
            let theirs = t.ok(&["display-message", "-p", "-t", tok, fmt]);
            assert_eq!(ours, theirs, "target {tok}");
        }
    };
    check(&tokens);
    // The marked pane.
    both(&["select-pane", "-m", "-t", "a:1.1"], false);
    check(&["{marked}", "~"]);
    // pane-base-index: pane indexes in targets and listings start there.
    both(&["set-option", "-g", "pane-base-index", "1"], false);
    check(&["a:1.1", "a:1.3", "a:1.!", "a:1.{next}"]);
    let list = [
        "list-panes",
        "-t",
        "a:1",
        "-F",
        "#{pane_index} #{pane_active}",
    ];
    assert_eq!(s.ok(&list), t.ok(&list));
    assert_eq!(s.ok(&list), "1 0\n2 0\n3 1\n");
    // The JSON index too.
    let v = s.json(&["list-panes", "-t", "a:1"]);
    let idx: Vec<u64> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["index"].as_u64().expect("index"))
        .collect();
    assert_eq!(idx, [1, 2, 3]);
    // Index 0 no longer names a pane, on either (display-message cannot fail on a target in
    // tmux, select-pane can).
    assert_ne!(s.run(&["select-pane", "-t", "a:1.0"]).code, 0);
    assert_ne!(t.run(&["select-pane", "-t", "a:1.0"]).code, 0);
    // No last pane in a window that only ever had one.
    assert_ne!(s.run(&["select-pane", "-t", "a:0.!"]).code, 0);
    assert_ne!(t.run(&["select-pane", "-t", "a:0.!"]).code, 0);
    // A window's own value wins over the global one.
    both(
        &["set-option", "-w", "-t", "a:1", "pane-base-index", "5"],
        false,
    );
    check(&["a:1.5", "a:1.7"]);
    assert_eq!(s.ok(&list), t.ok(&list));
}

/// `monitor-bell` (on by default), `monitor-activity` and `monitor-silence`: the same steps on
/// tidemux and tmux give the same `#{window_flags}` (`!`, `#`, `~`), the flags clear when the
/// window is selected, and the `alert-*` hooks run once per alert.
#[test]
fn alerts_set_window_flags_and_fire_hooks_like_tmux() {
    use crate::support::{wait_until, DEADLINE};
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("a", &["cat"]);
    t.ok(&["new-session", "-d", "-s", "a", "cat"]);
    let log = s.dir.path().join("alerts.log");
    let logs = log.to_str().expect("utf-8 path");
    for h in ["alert-bell", "alert-activity", "alert-silence"] {
        let cmd = format!("run-shell \"echo {h} >> '{logs}'\"");
        s.ok(&["set-hook", "-g", h, &cmd]);
    }
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    let flags = ["list-windows", "-t", "a", "-F", "#I:#{window_flags}:#{window_bell_flag}#{window_activity_flag}#{window_silence_flag}:#{window_raw_flags}",
    ];
    let same_when = |what: &str, pred: &dyn Fn(&str) -> bool| {
        assert!(
            wait_until(DEADLINE, || pred(&t.ok(&flags))),
            "tmux never showed {what}: {}",
            t.ok(&flags)
        );
        assert!(
            wait_until(DEADLINE, || pred(&s.ok(&flags))),
            "tidemux never showed {what}: {}",
            s.ok(&flags)
        );
        assert_eq!(s.ok(&flags), t.ok(&flags), "{what}");
    };
    // A bell in a window that is not the current one, once the window exists (a bell a
    // program prints before its new pane is registered can be lost: see docs/tmux-compat.md).
    let bell = "read x; printf '\\a'; exec cat";
    s.ok(&["new-window", "-d", "-t", "a", "--", "sh", "-c", bell]);
    t.ok(&["new-window", "-d", "-t", "a", &format!("sh -c \"{bell}\"")]);
    s.ok(&["send-key", "-t", "a:1", "Enter"]);
    t.ok(&["send-keys", "-t", "a:1", "Enter"]);
    same_when("the bell flag", &|f| f.contains("1:!:100"));
    assert!(
        wait_until(DEADLINE, || read().contains("alert-bell")),
        "alert-bell never ran: {}",
        read()
    );
    // Selecting the window clears its flags (the hook ran once).
    s.ok(&["select-window", "-t", "a:1"]);
    t.ok(&["select-window", "-t", "a:1"]);
    same_when("cleared flags", &|f| f.contains("1:*:000"));
    assert_eq!(read(), "alert-bell\n");
    // Activity: off by default, then on; output in window 0 (not current) sets `#`.
    s.ok(&["set-option", "-g", "monitor-activity", "on"]);
    t.ok(&["set-option", "-g", "monitor-activity", "on"]);
    s.ok(&["send", "-t", "a:0", "hello"]);
    t.ok(&["send-keys", "-t", "a:0", "-l", "hello"]);
    same_when("the activity flag", &|f| f.contains("0:##-:010"));
    assert!(
        wait_until(DEADLINE, || read().contains("alert-activity")),
        "alert-activity never ran: {}",
        read()
    );
    // More output while the flag is set: no second alert.
    s.ok(&["send", "-t", "a:0", "again"]);
    s.wait_text("a:0", "helloagain");
    // Silence: every window quiet for a second (no client attached: the current one too).
    s.ok(&["set-option", "-g", "monitor-activity", "off"]);
    t.ok(&["set-option", "-g", "monitor-activity", "off"]);
    s.ok(&["set-option", "-g", "monitor-silence", "1"]);
    t.ok(&["set-option", "-g", "monitor-silence", "1"]);
    same_when("the silence flags", &|f| {
        f.contains("0:##~-:011") && f.contains("1:~*:001")
    });
    assert!(
        wait_until(DEADLINE, || read().contains("alert-silence")),
        "alert-silence never ran: {}",
        read()
    );
    s.ok(&["set-option", "-g", "monitor-silence", "0"]);
    let got = read();
    assert_eq!(
        got.matches("alert-activity").count(),
        1,
        "activity alerts once until cleared: {got}"
    );
    // silence-action defaults to `other`: window 1 (current) fires no hook, window 0 one.
    assert_eq!(got.matches("alert-silence").count(), 1, "{got}");
}

/// `window-layout-changed`, `window-pane-changed` and `session-window-changed` fire once per
/// change, in order, for the same steps on tidemux and tmux 3.3a.
#[test]
fn view_hooks_fire_like_tmux() {
    use crate::support::{wait_until, DEADLINE};
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("a", &["cat"]);
    t.ok(&[
        "new-session",
        "-d",
        "-s",
        "a",
        "-x",
        "80",
        "-y",
        "24",
        "cat",
    ]);
    let ours = s.dir.path().join("ours.log");
    let theirs = s.dir.path().join("theirs.log");
    for h in [
        "window-layout-changed",
        "window-pane-changed",
        "session-window-changed",
    ] {
        for (log, tmux) in [(&ours, false), (&theirs, true)] {
            let cmd = format!("run-shell \"echo {h} >> '{}'\"", log.display());
            if tmux {
                t.ok(&["set-hook", "-g", h, &cmd]);
            } else {
                s.ok(&["set-hook", "-g", h, &cmd]);
            }
        }
    }
    let steps: &[(&[&str], bool)] = &[
        (&["split-window", "-t", "a:0"], true),
        (&["select-pane", "-t", "a:0.0"], false),
        (&["select-layout", "-t", "a:0", "even-vertical"], false),
        (&["new-window", "-t", "a"], true),
        (&["select-window", "-t", "a:0"], false),
        (&["resize-pane", "-t", "a:0.0", "-y", "5"], false),
        (&["kill-pane", "-t", "a:0.1"], false),
    ];
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    for (step, spawn) in steps {
        let mut a: Vec<&str> = step.to_vec();
        let mut b: Vec<&str> = step.to_vec();
        if *spawn {
            a.extend(["--", "cat"]);
            b.push("cat");
        }
        s.ok(&a);
        t.ok(&b);
        // Each step's hooks have run on both before the next step.
        assert!(
            wait_until(DEADLINE, || read(&ours).lines().count()
                == read(&theirs).lines().count()
                && read(&theirs).lines().count() > 0),
            "after {step:?}: tidemux {:?}, tmux {:?}",
            read(&ours),
            read(&theirs)
        );
    }
    assert_eq!(read(&ours), read(&theirs));
    assert!(read(&ours).contains("session-window-changed"));
}

/// `automatic-rename` (on by default): the window is named after its active pane's foreground
/// command as it changes, as in tmux 3.3a; `rename-window` and `new-window -n` turn it off for
/// that window.
#[test]
fn automatic_rename_follows_the_foreground_command_like_tmux() {
    use crate::support::{wait_until, DEADLINE};
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("a", &["sh"]);
    t.ok(&["new-session", "-d", "-s", "a", "sh"]);
    let name = ["display-message", "-p", "-t", "a:0", "#{window_name}"];
    let both_named = |want: &str| {
        assert!(
            wait_until(DEADLINE, || t.ok(&name).trim() == want),
            "tmux: {}",
            t.ok(&name)
        );
        assert!(
            wait_until(DEADLINE, || s.ok(&name).trim() == want),
            "tidemux: {} (want {want})",
            s.ok(&name)
        );
    };
    both_named("sh");
    s.ok(&["send", "-t", "a:0", "--enter", "cat"]);
    t.ok(&["send-keys", "-t", "a:0", "cat", "Enter"]);
    both_named("cat");
    s.ok(&["send-key", "-t", "a:0", "C-d"]);
    t.ok(&["send-keys", "-t", "a:0", "C-d"]);
    both_named("sh");
    // A name given by hand stays.
    s.ok(&["rename-window", "-t", "a:0", "mine"]);
    t.ok(&["rename-window", "-t", "a:0", "mine"]);
    let opt = ["show-options", "-w", "-t", "a:0", "automatic-rename"];
    assert_eq!(s.ok(&opt), t.ok(&opt));
    assert_eq!(s.ok(&opt), "automatic-rename off\n");
    s.ok(&["send", "-t", "a:0", "--enter", "cat"]);
    s.wait_screen("a:0", "cat running", |sc| sc.contains("cat"));
    s.ok(&["send", "-t", "a:0", "--enter", "x"]);
    s.wait_text("a:0", "x\nx");
    assert_eq!(s.ok(&name), "mine\n");
    // new-window -n: off for that window too.
    s.ok(&["new-window", "-d", "-n", "given", "-t", "a", "--", "sh"]);
    t.ok(&["new-window", "-d", "-n", "given", "-t", "a", "sh"]);
    let opt1 = ["show-options", "-w", "-t", "a:1", "automatic-rename"];
    assert_eq!(s.ok(&opt1), t.ok(&opt1));
}
