//! Issue 13, the attach client's configurable parts: the sidebar's options (`sidebar`,
//! `sidebar-width`, `sidebar-scope`), what a bell or `notify` sends to the outer terminal
//! (`notify-forward`), mouse reports in X10 encoding for a program that asked for them, and
//! the window list of the status line (`status-justify`, `window-status-format`,
//! `window-status-current-format`, `window-status-separator`) compared with tmux 3.3a's. The
//! client runs in a pane of an outer tidemux server, as in `attach.rs`.

use crate::attach::{status, Rig};
use crate::support::{wait_until, DEADLINE};
use crate::view::fleet;

/// Column `x` (0-based) of `row`, as a char.
fn cell(row: &str, x: usize) -> Option<char> {
    row.chars().nth(x)
}

/// The first `w - 1` columns of each row (a sidebar `w` wide, less its separator).
fn side(rows: &[String], w: usize) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r.chars()
                .take(w - 1)
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// Clicks (SGR press and release) at the 1-based terminal cell (x, y) of client `name`.
fn click(rig: &Rig, name: &str, x: usize, y: usize) {
    for end in ['M', 'm'] {
        rig.outer
            .ok(&["send", "-t", name, "--", &format!("\x1b[<0;{x};{y}{end}")]);
    }
}

/// Waits until window 0 of `work` is `cols` wide (the terminal less the sidebar).
#[track_caller]
fn wait_window_cols(rig: &Rig, cols: u64, why: &str) {
    assert!(
        wait_until(DEADLINE, || rig.windows()[0]["cols"] == cols),
        "{why}: window 0 is not {cols} columns wide: {:?}",
        rig.windows()
    );
}

/// `sidebar`, `sidebar-width` and `sidebar-scope` are session options shown by `show-options`
/// with their defaults; set while a client is attached they act on it at once: the width (and
/// a click on an entry of the wider sidebar focuses that pane), off, on in a terminal too
/// narrow for `auto`, and the panes of every session (a click on another session's pane
/// switches the client there).
#[test]
fn sidebar_options_act_live_on_the_attached_client() {
    let rig = fleet();
    let shown = rig.inner.ok(&["show-options", "-g"]);
    for want in [
        "sidebar auto",
        "sidebar-width 30",
        "sidebar-scope session",
        "notify-forward both",
    ] {
        assert!(
            shown.lines().any(|l| l == want),
            "show-options -g lacks {want:?}:\n{shown}"
        );
    }
    for (args, error) in [
        (["sidebar-width", "5"], "value is too small: 5"),
        (["sidebar", "maybe"], "unknown value: maybe"),
        (["sidebar-scope", "world"], "unknown value: world"),
    ] {
        let o = rig.inner.run(&["set-option", "-g", args[0], args[1]]);
        assert!(
            o.code != 0 && o.stderr.contains(error),
            "set-option -g {args:?}: {o:?}"
        );
    }

    rig.attach("o", 120, 30, &[]);
    wait_window_cols(&rig, 90, "sidebar auto, three panes, 30 columns");

    rig.inner.ok(&["set-option", "-g", "sidebar-width", "40"]);
    wait_window_cols(&rig, 80, "sidebar-width 40");
    let rows = rig.wait_rows("o", "the sidebar 40 columns wide", |r| {
        cell(&r[0], 39) == Some('│') && side(r, 40).iter().any(|l| l.contains("%0 waiter"))
    });
    // A click on waiter's entry (its label row) focuses it.
    assert_eq!(rig.pane_named("waiter")["active"], false);
    let y = side(&rows, 40)
        .iter()
        .position(|l| l.contains("%0 waiter"))
        .expect("waiter's entry");
    click(&rig, "o", 5, y + 1);
    assert!(
        wait_until(DEADLINE, || rig.pane_named("waiter")["active"] == true),
        "a click on waiter's entry in the 40-column sidebar did not focus it: {:?}",
        rig.panes("work")
    );

    rig.inner.ok(&["set-option", "-g", "sidebar", "off"]);
    wait_window_cols(&rig, 120, "sidebar off");

    // 90 columns: `auto` wants 70 left for the panes (hidden), `on` 20 (shown).
    rig.inner.ok(&["set-option", "-g", "sidebar", "auto"]);
    rig.outer
        .ok(&["resize-window", "-t", "o", "-x", "90", "-y", "30"]);
    wait_window_cols(&rig, 90, "sidebar auto in 90 columns");
    rig.inner.ok(&["set-option", "-g", "sidebar", "on"]);
    wait_window_cols(&rig, 50, "sidebar on in 90 columns");

    // Every session: headers name the session; a click on a pane of `other` switches there.
    rig.inner.ok(&["new-session", "-d", "-s", "other"]);
    rig.inner.ok(&["rename-pane", "-t", "other", "far"]);
    rig.inner.ok(&["set-option", "-g", "sidebar-scope", "all"]);
    let rows = rig.wait_rows("o", "the panes of both sessions", |r| {
        let s = side(r, 40);
        s.iter().any(|l| l.starts_with("work:0:"))
            && s.iter().any(|l| l.starts_with("other:0:"))
            && s.iter().any(|l| l.contains(" far"))
    });
    let y = side(&rows, 40)
        .iter()
        .position(|l| l.contains(" far"))
        .expect("far's entry");
    click(&rig, "o", 5, y + 1);
    rig.wait_rows("o", "the client switched to session other", |r| {
        status(r).starts_with("[other] ")
    });
    rig.inner
        .ok(&["set-option", "-g", "sidebar-scope", "session"]);
    rig.wait_rows("o", "only other's pane listed", |r| {
        let s = side(r, 40);
        s.iter().any(|l| l.contains(" far")) && !s.iter().any(|l| l.contains("waiter"))
    });
}

/// What the client wrote to its terminal from `from` on: its BELs and OSC 9 / 777 strings, in
/// order (`BEL`, `OSC9 TEXT`, `OSC777 TEXT`), everything else left out.
fn alerts(log: &std::path::Path, from: usize) -> Vec<String> {
    let bytes = std::fs::read(log).unwrap_or_default();
    let b = &bytes[from.min(bytes.len())..];
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"\x1b]") {
            let end = b[i..]
                .iter()
                .position(|&c| c == 0x07)
                .map_or(b.len(), |e| i + e);
            let body = String::from_utf8_lossy(&b[i + 2..end]).into_owned();
            if let Some(t) = body.strip_prefix("9;") {
                out.push(format!("OSC9 {t}"));
            } else if let Some(t) = body.strip_prefix("777;") {
                out.push(format!("OSC777 {t}"));
            }
            i = end + 1;
            continue;
        }
        if b[i] == 0x07 {
            out.push("BEL".into());
        }
        i += 1;
    }
    out
}

/// `notify-forward` picks what a `notify` sends to the outer terminal: each setting exactly its
/// bytes (nothing for `off`), once per change of the pane's attention.
#[test]
fn notify_forward_sends_exactly_the_chosen_alerts() {
    let rig = Rig::new();
    let log = rig.attach_logged("o", 80, 24);
    for (i, (setting, want)) in [
        ("bell", &["BEL"][..]),
        ("osc9", &["BEL", "OSC9 %0 bash: m1"][..]),
        ("osc777", &["BEL", "OSC777 notify;tidemux;%0 bash: m2"][..]),
        (
            "both",
            &[
                "BEL",
                "OSC9 %0 bash: m3",
                "OSC777 notify;tidemux;%0 bash: m3",
            ][..],
        ),
        ("off", &[][..]),
    ]
    .into_iter()
    .enumerate()
    {
        rig.inner
            .ok(&["set-option", "-g", "notify-forward", setting]);
        assert!(
            wait_until(DEADLINE, || rig
                .inner
                .ok(&["show-options", "-gv", "notify-forward"])
                .trim()
                == setting),
            "{setting} not set"
        );
        // The client fetches the options when a frame tells it they changed: wait until a
        // message drawn after the change shows, so the setting is in before the notify.
        let mark = format!("set-{setting}");
        rig.inner
            .ok(&["display-message", "-t", "work", "-d", "60000", &mark]);
        rig.wait_rows("o", "the display-message", |r| status(r).contains(&mark));
        let from = std::fs::metadata(&log).map_or(0, |m| m.len() as usize);
        let message = format!("m{i}");
        rig.inner.ok(&["notify", "-t", "work", &message]);
        // The alert is written before the frame that shows the attention is drawn.
        assert!(
            wait_until(DEADLINE, || rig
                .panes("work")
                .first()
                .is_some_and(|p| p["attention"] == true)),
            "notify did not set the attention"
        );
        rig.inner
            .ok(&["display-message", "-t", "work", "-d", "1", "x"]);
        let mut got = Vec::new();
        let ok = wait_until(DEADLINE, || {
            got = alerts(&log, from);
            got.len() >= want.len()
        });
        assert!(ok, "{setting}: got {got:?}, want {want:?}");
        if want.is_empty() {
            // Nothing may come: wait for the sidebar-less client to draw the attention
            // message (drawn after the alert would have been written), then look.
            rig.wait_rows("o", "the attention message", |r| {
                status(r).contains(&message)
            });
            got = alerts(&log, from);
        }
        assert_eq!(got, want, "notify-forward {setting}");
        // The same message again is no change: nothing more.
        rig.inner.ok(&["notify", "-t", "work", &message]);
        rig.inner.ok(&["notify", "-t", "work", "--clear"]);
        assert!(
            wait_until(DEADLINE, || rig.panes("work")[0]["attention"] == false),
            "attention not cleared"
        );
        assert_eq!(alerts(&log, from), want, "notify-forward {setting}, again");
    }
}

/// A program that asked for mouse reports without SGR (mode 1000 only) gets X10 bytes
/// `ESC [ M Cb Cx Cy` (each plus 32, 1-based) with the coordinates of its pane: the client
/// translates the terminal cell past the sidebar (`sidebar on`) and the pane's offset.
#[test]
fn x10_mouse_reports_reach_a_program_in_pane_coordinates() {
    let rig = Rig::new();
    rig.inner.ok(&["set-option", "-g", "sidebar", "on"]);
    rig.attach("o", 100, 24, &[]);
    wait_window_cols(&rig, 70, "sidebar on");
    let right = rig
        .inner
        .ok(&["split-window", "-h", "-t", "work"])
        .trim()
        .to_owned();
    rig.inner.ok(&[
        "send",
        "-t",
        &right,
        "--enter",
        "python3 -c \"import sys,os,tty; tty.setraw(0); sys.stdout.write(chr(27)+'[?1000hREADY'); sys.stdout.flush(); b=os.read(0,64); print(list(b), end=chr(13)+chr(10))\"",
    ]);
    rig.inner.wait_text(&right, "READY");
    // The frame that shows READY also tells the client the pane asked for mouse reports.
    rig.wait_rows("o", "the program ready", |r| {
        r.iter().any(|l| l.trim_end().ends_with("READY"))
    });
    let p = rig
        .panes("work")
        .into_iter()
        .find(|p| p["id"] == right.as_str())
        .expect("the right pane");
    let left = p["left"].as_u64().expect("left") as usize;
    // Pane cell (5, 2): terminal column 30 (sidebar) + left + 5, row 2; 1-based in SGR.
    rig.outer.ok(&[
        "send",
        "-t",
        "o",
        "--",
        &format!("\x1b[<0;{};3M", 30 + left + 5 + 1),
    ]);
    let screen = rig.inner.wait_text(&right, "[27, 91, 77");
    assert!(
        screen.contains("[27, 91, 77, 32, 38, 35]"),
        "not X10 bytes for (5, 2) left button: {screen}"
    );
}

/// One status row drawn by a real tmux 3.3a client and by the tidemux client, both 80x24 in
/// panes of the outer server, with the same window list options: `status-justify` each way,
/// custom `window-status-format` / `-current-format` / `-separator`, then tmux's defaults.
#[test]
fn window_list_options_draw_the_status_row_as_tmux() {
    let Some(real) = crate::tmux_lang::Tm::real() else {
        eprintln!("tmux 3.3a not installed: comparison skipped");
        return;
    };
    let rig = Rig::new();
    // The same session in both: `work` with windows alpha and beta, beta current (alpha is
    // the last window, flag `-`).
    alpha_beta(&real, &rig);
    let both = |args: &[&str]| {
        real.ok(args);
        let mut a = vec!["tmux", "-S", rig.sock()];
        a.extend(args);
        rig.inner.ok(&a);
    };
    // A left part longer than the right one: `centre` and `absolute-centre` differ.
    both(&["set", "-g", "status-left", "Left-side"]);
    both(&["set", "-g", "status-right", "R"]);
    let sock = real.socket();
    rig.tmux_client(
        "t",
        real.program.to_str().expect("utf-8"),
        sock.to_str().expect("utf-8"),
        "work",
    );
    rig.spawn("o", 80, 24, &["attach", "-t", "work"]);
    // The status row with its colours (`read-screen --ansi` of the outer panes: the same cells
    // give the same bytes).
    let last = |name: &str| {
        rig.outer.json(&["read-screen", "-t", name, "--ansi"])["lines"][23]
            .as_str()
            .unwrap_or_default()
            .trim_end()
            .to_owned()
    };
    let mut cases: Vec<(&str, Vec<[&str; 2]>)> = Vec::new();
    for justify in ["left", "centre", "right", "absolute-centre"] {
        cases.push((
            justify,
            vec![
                ["status-justify", justify],
                ["window-status-format", "#I<#W>"],
                ["window-status-current-format", "(#I:#W#F)"],
                ["window-status-separator", "|"],
            ],
        ));
    }
    cases.push((
        "styles",
        vec![
            ["status-justify", "left"],
            ["window-status-style", "fg=red"],
            ["window-status-current-style", "bg=blue,bold"],
            ["window-status-last-style", "underscore"],
        ],
    ));
    cases.push((
        "tmux's defaults",
        vec![
            ["status-justify", "left"],
            [
                "window-status-format",
                "#I:#W#{?window_flags,#{window_flags}, }",
            ],
            [
                "window-status-current-format",
                "#I:#W#{?window_flags,#{window_flags}, }",
            ],
            ["window-status-separator", " "],
            ["window-status-style", "default"],
            ["window-status-current-style", "default"],
            ["window-status-last-style", "default"],
        ],
    ));
    for (what, opts) in cases {
        for [k, v] in &opts {
            both(&["set", "-g", k, v]);
        }
        let mut t = String::new();
        let mut o = String::new();
        let same = wait_until(DEADLINE, || {
            t = last("t");
            o = last("o");
            t.contains("Left-side") && t.contains('R') && t == o
        });
        assert!(
            same,
            "{what}: the status rows differ\n tmux:    {t:?}\n tidemux: {o:?}"
        );
        eprintln!("{what}: {t:?}");
    }
}

/// The same session in tmux (`real`) and tidemux (`rig`): `work`, 80x24, with windows alpha
/// and beta, beta current.
pub(crate) fn alpha_beta(real: &crate::tmux_lang::Tm, rig: &Rig) {
    real.ok(&[
        "new-session",
        "-d",
        "-s",
        "work",
        "-n",
        "alpha",
        "-x",
        "80",
        "-y",
        "24",
        "sleep 1000",
    ]);
    real.ok(&["new-window", "-t", "work", "-n", "beta", "sleep 1000"]);
    rig.inner.ok(&["rename-window", "-t", "work:0", "alpha"]);
    rig.inner.ok(&["new-window", "-t", "work", "-n", "beta"]);
}
