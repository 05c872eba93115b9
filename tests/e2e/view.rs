//! The person watching the fleet (issue 13): the agent overview sidebar, the attention jump key,
//! bells and `notify` forwarded to the outer terminal, and the status line's small things. The
//! attach client runs in a pane of an outer tidemux server, as in `attach.rs`; where the test
//! needs the client's raw output (BEL, OSC 9/777), the client runs under `script(1)`, which
//! copies every byte it writes to a file.

use crate::attach::{cols_from, cols_to, num, status, Rig};
use crate::support::{exe, wait_until, DEADLINE};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Sidebar width (the client's `overview::WIDTH`), separator included.
const SIDEBAR: usize = 30;

impl Rig {
    /// The inner pane named `name` (`list-panes -t work --json`).
    pub(crate) fn pane_named(&self, name: &str) -> Value {
        self.panes("work")
            .into_iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no pane named {name}: {:?}", self.panes("work")))
    }

    /// Starts the outer session `name` whose pane runs `script -qfec "tidemux -S INNER attach
    /// -t work" LOG`; returns the path of LOG (everything the client wrote).
    pub(crate) fn attach_logged(&self, name: &str, cols: u16, rows: u16) -> std::path::PathBuf {
        let log = self.outer.dir.path().join(format!("{name}.out"));
        let cmd = format!("'{}' -S '{}' attach -t work", exe(), self.sock());
        let (c, r) = (cols.to_string(), rows.to_string());
        self.outer.ok(&[
            "new-session",
            "-d",
            "-s",
            name,
            "--remain-on-exit",
            "-x",
            &c,
            "-y",
            &r,
            "--",
            "env",
            "-u",
            "TIDEMUX",
            "-u",
            "TIDEMUX_PANE",
            "script",
            "-qfec",
            &cmd,
            log.to_str().expect("utf-8 path"),
        ]);
        self.wait_rows(name, "the client's status line", |r| {
            status(r).starts_with("[work] ")
        });
        log
    }
}

/// The sidebar part of each row.
pub(crate) fn sidebar(rows: &[String]) -> Vec<String> {
    rows.iter()
        .map(|r| cols_to(r, SIDEBAR - 1).trim_end().to_owned())
        .collect()
}

/// Whether the sidebar shows pane `label` with `badge` on the row below it.
pub(crate) fn shows(rows: &[String], label: &str, badge: &str) -> bool {
    let side = sidebar(rows);
    side.windows(2)
        .any(|w| w[0].contains(label) && w[1].trim_start().starts_with(badge))
}

/// `work` with three named panes: `waiter` (a program asking a question, `waiting-input`; after
/// the answer it becomes bash), `busy` (a busy loop, active)
/// and `failed` (exited with status 3; the session keeps dead panes).
pub(crate) fn fleet() -> Rig {
    let rig = Rig::empty();
    let p0 = rig
        .inner
        .ok(&[
            "new-session",
            "-d",
            "-s",
            "work",
            "--remain-on-exit",
            "--",
            "python3",
            "-c",
            "import os; input('continue? '); os.execvp('bash', ['bash', '--norc', '--noprofile'])",
        ])
        .trim()
        .to_owned();
    rig.inner
        .wait_screen(&p0, "the question", |s| s.contains("continue?"));
    rig.inner.ok(&["rename-pane", "-t", &p0, "waiter"]);
    let p1 = rig.inner.ok(&[
        "split-window",
        "-h",
        "-t",
        &p0,
        "--",
        "sh",
        "-c",
        "while :; do :; done",
    ]);
    rig.inner.ok(&["rename-pane", "-t", p1.trim(), "busy"]);
    let p2 = rig.inner.ok(&[
        "split-window",
        "-d",
        "-t",
        p1.trim(),
        "--",
        "sh",
        "-c",
        "exit 3",
    ]);
    rig.inner.ok(&["rename-pane", "-t", p2.trim(), "failed"]);
    assert!(
        wait_until(DEADLINE, || {
            rig.pane_named("waiter")["state"] == "waiting-input"
                && rig.pane_named("busy")["state"] == "running"
                && rig.pane_named("failed")["state"] == "exited"
        }),
        "states never settled: {:?}",
        rig.panes("work")
    );
    rig
}

#[test]
fn sidebar_shows_states_jump_key_and_alerts_reach_the_outer_terminal() {
    let rig = fleet();
    let log = rig.attach_logged("o", 120, 30);
    let rows = rig.wait_rows("o", "the sidebar with every pane's state", |r| {
        shows(r, "waiter", "waiting-input")
            && shows(r, "busy", "running")
            && shows(r, "failed", "exited 3")
    });
    // The window tab carries the most urgent state (waiting-input: black on yellow). The
    // attach resizes the window, which may show the waiter as running for a moment: wait.
    let status_line = || {
        let ansi = rig.outer.json(&["read-screen", "-t", "o", "--ansi"]);
        ansi["lines"][29].as_str().unwrap_or_default().to_owned()
    };
    assert!(
        wait_until(DEADLINE, || status_line().contains(";43m0:")),
        "the tab is not yellow: {:?}\n{}",
        status_line(),
        rows.join("\n")
    );
    // The panes are drawn right of the sidebar: the window is the terminal less the sidebar.
    let w = rig.windows();
    assert_eq!(w[0]["cols"], 120 - SIDEBAR as u64, "{w:?}");

    // prefix a: the pane waiting for input.
    // The jump uses the states of the client's last frame: if the attach's resize made the
    // waiter redraw, that frame may still say `running` (then the client says "no other pane is
    // waiting"), so press again until a frame with the settled state is in.
    let mut pressed = Instant::now() - Duration::from_secs(10);
    assert!(
        wait_until(DEADLINE, || {
            if pressed.elapsed() > Duration::from_secs(2) {
                rig.keys("o", &["C-b", "a"]);
                pressed = Instant::now();
            }
            rig.pane_named("waiter")["active"] == true
        }),
        "C-b a did not focus the waiting pane: {:?}\n{}",
        rig.panes("work"),
        rig.outer.screen("o")
    );
    rig.wait_rows("o", "the sidebar marking waiter active", |r| {
        sidebar(r)
            .iter()
            .any(|l| l.starts_with("▶") && l.contains("waiter"))
    });

    // notify: an attention badge with the message, and BEL + OSC 9 + OSC 777 on the output.
    rig.inner
        .ok(&["notify", "-t", "busy", "please review the diff"]);
    rig.wait_rows("o", "busy's attention in the sidebar", |r| {
        shows(r, "busy", "attention")
            && sidebar(r)
                .iter()
                .any(|l| l.trim_start() == "! please review the diff")
    });
    let wrote = |needle: &str| {
        std::fs::read(&log)
            .map(|b| String::from_utf8_lossy(&b).contains(needle))
            .unwrap_or(false)
    };
    let text = "%1 busy: please review the diff";
    assert!(
        wait_until(DEADLINE, || wrote(&format!(
            "\x07\x1b]9;{text}\x07\x1b]777;notify;tidemux;{text}\x07"
        ))),
        "no BEL + OSC 9/777 for the notify in the client's output: {:?}",
        String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default())
    );
    // A bell rung in a pane is forwarded the same way. (Answer the waiter's question first: it
    // becomes bash.)
    rig.type_line("o", "yes");
    let waiter = rig.pane_named("waiter")["id"].as_str().unwrap().to_owned();
    rig.inner.wait_prompt(&waiter);
    rig.type_line("o", "printf 'ding\\a\\n'");
    assert!(
        wait_until(DEADLINE, || wrote("\x1b]9;%0 waiter: bell\x07")),
        "no OSC 9 for the bell in the client's output"
    );

    // prefix a again: the pane asking for attention; focusing it clears its attention.
    rig.keys("o", &["C-b", "a"]);
    assert!(
        wait_until(DEADLINE, || {
            let b = rig.pane_named("busy");
            b["active"] == true && b["attention"] == false
        }),
        "C-b a did not focus busy and clear its attention: {:?}",
        rig.panes("work")
    );
    rig.wait_rows("o", "busy back to running", |r| shows(r, "busy", "running"));
    // A click on a pane's entry in the sidebar focuses it.
    // (waiter still has the bell's attention: only focusing clears it.)
    let rows = rig.wait_rows("o", "the sidebar", |r| shows(r, "waiter", "attention"));
    let y = sidebar(&rows)
        .iter()
        .position(|l| l.contains("%0 waiter"))
        .expect("waiter's entry")
        + 2;
    let click = format!("\x1b[<0;3;{y}M");
    rig.outer.ok(&["send", "-t", "o", "--", &click]);
    assert!(
        wait_until(DEADLINE, || rig.pane_named("waiter")["active"] == true),
        "a click on the sidebar entry did not focus waiter: {:?}",
        rig.panes("work")
    );
    // prefix b hides the sidebar: the window takes the whole terminal.
    rig.keys("o", &["C-b", "b"]);
    assert!(
        wait_until(DEADLINE, || rig.windows()[0]["cols"] == 120),
        "C-b b did not hide the sidebar: {:?}",
        rig.windows()
    );
    rig.wait_rows("o", "no sidebar", |r| {
        !sidebar(r)
            .iter()
            .any(|l| l.contains("waiting-input") || l.contains("at-prompt"))
    });
}

#[test]
fn read_only_mark_overflowing_tabs_keep_the_clock_pane_numbers_and_split_directory() {
    let rig = Rig::new();
    for i in 1..12 {
        rig.inner.ok(&[
            "new-window",
            "-d",
            "-t",
            "work",
            "-n",
            &format!("a-long-window-name-{i}"),
        ]);
    }
    rig.inner.ok(&["notify", "-t", "work:0", "look here"]);
    // A clock alone on the right (tmux's default status-right also has the title and date,
    // which would leave no room for the tabs in 70 columns).
    rig.inner.ok(&["set-option", "-g", "status-right", "%H:%M"]);
    rig.attach("ro", 70, 10, &["-r"]);
    let rows = rig.wait_rows("ro", "the read-only mark, message and clock", |r| {
        let s = status(r);
        s.contains("[read-only]") && s.contains("look here")
    });
    let st = status(&rows);
    assert!(st.starts_with("[work] "), "{st:?}");
    let clock = st.rsplit(' ').next().unwrap_or_default();
    assert!(
        clock.len() == 5 && clock.as_bytes()[2] == b':',
        "no clock at the end of {st:?}"
    );
    assert!(st.contains('>'), "hidden tabs not marked: {st:?}");

    // The last window selected: the tab list scrolls to show it.
    rig.inner.ok(&["select-window", "-t", "work:11"]);
    rig.wait_rows("ro", "the last tab", |r| {
        status(r).contains("11:a-long-window-name-11*") && status(r).contains('<')
    });

    // A read-write client: C-b q shows pane numbers; a split starts in the pane's directory.
    rig.inner.ok(&["select-window", "-t", "work:0"]);
    rig.attach("o", 80, 24, &[]);
    let dir = rig.inner.dir.path().join("project dir");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let dir = dir.to_str().expect("utf-8").to_owned();
    rig.type_line("o", &format!("cd '{dir}'"));
    let p0 = rig.panes("work:0")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert!(
        wait_until(DEADLINE, || rig.panes(&p0)[0]["cwd"] == dir.as_str()),
        "cd did not happen: {:?}",
        rig.panes(&p0)
    );
    rig.keys("o", &["C-b", "%"]);
    let mut panes = Vec::new();
    assert!(
        wait_until(DEADLINE, || {
            panes = rig.panes("work:0");
            panes.len() == 2 && panes[1]["cwd"] == dir.as_str()
        }),
        "the new pane did not start in {dir}: {panes:?}"
    );
    rig.keys("o", &["C-b", "q"]);
    // Both numbers on the middle row (the window fills the client, the latest one: the
    // row ends with pane 1's number, its trailing blank trimmed).
    let rows = rig.wait_rows("o", "pane numbers", |r| {
        r.iter()
            .any(|l| l.contains(" 0 ") && (l.contains(" 1 ") || l.trim_end().ends_with(" 1")))
    });
    // A digit while they show selects that pane.
    rig.keys("o", &["0"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work:0")[0]["active"] == true),
        "0 did not select pane 0: {:?}\n{}",
        rig.panes("work:0"),
        rows.join("\n")
    );
}

#[test]
fn mouse_click_focuses_panes_and_tabs_and_the_wheel_scrolls_back() {
    let rig = Rig::new();
    rig.inner.ok(&[
        "send",
        "-t",
        "work",
        "--enter",
        "seq 1 80; echo SEQ-$((40+2))",
    ]);
    rig.inner.wait_text("work", "SEQ-42");
    rig.attach("o", 80, 24, &[]);
    rig.keys("o", &["C-b", "%"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work").len() == 2),
        "no split"
    );
    rig.inner
        .ok(&["new-window", "-d", "-t", "work", "-n", "other"]);
    // SGR mouse reports as a terminal sends them (1-based column;row, M press, m release).
    let mouse = |b: u16, x: usize, y: usize| {
        let press = format!("\x1b[<{b};{x};{y}M");
        let release = format!("\x1b[<{b};{x};{y}m");
        rig.outer.ok(&["send", "-t", "o", "--", &press]);
        if b < 64 {
            rig.outer.ok(&["send", "-t", "o", "--", &release]);
        }
    };
    let active = |i: usize| rig.panes("work:0")[i]["active"] == true;
    assert!(wait_until(DEADLINE, || active(1)), "the new pane is active");
    // The client maps a click with the layout it shows: wait until it draws the split (the
    // border right of the left pane), or a click can land on the one pane shown before it.
    let left = rig.panes("work:0")[0]["cols"].as_u64().expect("cols") as usize;
    rig.wait_rows("o", "the split's border", |r| {
        r.get(4).and_then(|row| row.chars().nth(left)) == Some('│')
    });
    mouse(0, 5, 5);
    assert!(
        wait_until(DEADLINE, || active(0)),
        "a click did not focus the left pane: {:?}",
        rig.panes("work:0")
    );
    mouse(0, 60, 5);
    assert!(
        wait_until(DEADLINE, || active(1)),
        "a click did not focus the right pane"
    );
    // A click on a tab selects its window.
    let rows = rig.wait_rows("o", "the second tab", |r| status(r).contains("1:other"));
    let x = status(&rows).find("1:other").expect("tab") + 2;
    mouse(0, x, 24);
    assert!(
        wait_until(DEADLINE, || rig.windows()[1]["active"] == true),
        "a click on the tab did not select window 1: {:?}",
        rig.windows()
    );
    let rows = rig.wait_rows("o", "window 1 shown", |r| status(r).contains("1:other*"));
    let x = status(&rows).find("0:").expect("tab") + 2;
    mouse(0, x, 24);
    assert!(
        wait_until(DEADLINE, || rig.windows()[0]["active"] == true),
        "a click on the tab did not select window 0"
    );
    // Wheel up over the left pane: its scrollback view, 3 lines up; wheel down back out.
    // (Its name follows the active pane's command: automatic-rename.)
    rig.wait_rows("o", "window 0 shown", |r| {
        status(r)
            .split_whitespace()
            .any(|t| t.starts_with("0:") && t.ends_with('*'))
    });
    mouse(64, 5, 5);
    rig.wait_rows("o", "the left pane's scrollback view", |r| {
        cols_to(&r[0], 40).trim_end().ends_with("]") && cols_to(&r[0], 40).contains("[3/")
    });
    mouse(65, 5, 5);
    rig.wait_rows("o", "the scrollback view left", |r| {
        !cols_to(&r[0], 40).contains("[3/") && !cols_to(&r[0], 40).contains("[0/")
    });
    // A program that asked for mouse reports (1000 + SGR 1006) gets the click, in its own
    // coordinates; the pane is focused first.
    mouse(0, 5, 5);
    assert!(wait_until(DEADLINE, || active(0)), "left pane not focused");
    let right = rig.panes("work:0")[1].clone();
    let id = right["id"].as_str().expect("id").to_owned();
    rig.inner.ok(&[
        "send",
        "-t",
        &id,
        "--enter",
        "python3 -c \"import sys,os,tty; tty.setraw(0); sys.stdout.write(chr(27)+'[?1000h'+chr(27)+'[?1006hREADY'); sys.stdout.flush(); print(repr(os.read(0,64)), end=chr(13)+chr(10))\"",
    ]);
    let left = num(&right, "left") as usize;
    rig.wait_rows("o", "the program ready", |r| {
        r.iter().any(|l| cols_from(l, left) == "READY")
    });
    mouse(0, left + 4, 4);
    let screen = rig.inner.wait_text(&id, "b'\\x1b[<0;4;4M");
    assert!(active(1), "the clicked pane is not active:\n{screen}");
}

/// Whether the client's output `log` turned mouse reporting on (`on`) or off last.
fn mouse_reporting(log: &std::path::Path) -> Option<bool> {
    let out = String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned();
    match (out.rfind("\x1b[?1000h"), out.rfind("\x1b[?1000l")) {
        (Some(on), Some(off)) => Some(on > off),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

#[test]
fn mouse_option_acts_live_and_dragging_a_border_resizes() {
    let rig = Rig::new();
    let log = rig.attach_logged("o", 80, 24);
    // tidemux's default `mouse on`: the client asks its terminal for mouse reports.
    assert_eq!(rig.inner.ok(&["show-options", "-gv", "mouse"]).trim(), "on");
    assert!(
        wait_until(DEADLINE, || mouse_reporting(&log) == Some(true)),
        "the client did not turn mouse reporting on"
    );
    rig.keys("o", &["C-b", "%"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work").len() == 2),
        "no split"
    );
    let mouse = |b: u16, x: u64, y: u64, press: bool| {
        let end = if press { 'M' } else { 'm' };
        rig.outer
            .ok(&["send", "-t", "o", "--", &format!("\x1b[<{b};{x};{y}{end}")]);
    };
    // Drag the border between the panes 10 columns to the left (tmux `MouseDrag1Border`).
    let left = rig.panes("work")[0].clone();
    let (w0, w1) = (num(&left, "cols"), num(&rig.panes("work")[1], "cols"));
    let border = num(&left, "left") + w0; // 0-based column of the border
    mouse(0, border + 1, 5, true);
    mouse(32, border - 4, 5, true);
    mouse(32, border - 9, 6, true);
    mouse(0, border - 9, 6, false);
    let mut panes = Vec::new();
    assert!(
        wait_until(DEADLINE, || {
            panes = rig.panes("work");
            num(&panes[0], "cols") == w0 - 10 && num(&panes[1], "cols") == w1 + 10
        }),
        "dragging the border from column {border} 10 to the left did not resize: {panes:?}"
    );
    // The right pane is active (the split); a click on the left one focuses it.
    let active = |i: usize| rig.panes("work")[i]["active"] == true;
    assert!(active(1));
    // `set -g mouse off`: reporting off at once, and reports are no longer taken (here the
    // terminal still sends one: it goes to the active pane as typed bytes).
    rig.inner.ok(&["set-option", "-g", "mouse", "off"]);
    assert!(
        wait_until(DEADLINE, || mouse_reporting(&log) == Some(false)),
        "set -g mouse off did not turn mouse reporting off"
    );
    let right = rig.panes("work")[1]["id"].as_str().expect("id").to_owned();
    rig.type_line("o", "cat -v");
    assert!(
        wait_until(DEADLINE, || rig
            .inner
            .ok(&[
                "display-message",
                "-p",
                "-t",
                &right,
                "#{pane_current_command}"
            ])
            .trim()
            == "cat"),
        "cat -v did not start"
    );
    mouse(0, 5, 5, true);
    rig.inner.wait_text(&right, "<0;5;5M");
    assert!(active(1), "a click focused a pane with the mouse off");
    rig.keys("o", &["C-c"]);
    // And on again.
    rig.inner.ok(&["set-option", "-g", "mouse", "on"]);
    assert!(
        wait_until(DEADLINE, || mouse_reporting(&log) == Some(true)),
        "set -g mouse on did not turn mouse reporting on again"
    );
    mouse(0, 5, 5, true);
    mouse(0, 5, 5, false);
    assert!(
        wait_until(DEADLINE, || active(0)),
        "a click did not focus the left pane with the mouse on again"
    );
}

/// `status-left` and `status-right` expanded by the server's format engine (strftime too), cut
/// to their lengths, with the message kept visible between the tabs and `status-right`; a bound
/// command's output: one line on the status line, more in a scrollable view.
#[test]
fn status_left_right_and_bound_command_output() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    // tmux's defaults: `[#{session_name}] ` on the left; on the right the pane title and the
    // time and date (`%H:%M %d-%b-%y`), ending at the last column.
    let rows = rig.wait_rows("o", "tmux's default status-right", |r| {
        let s = r.last().map_or("", String::as_str);
        s.starts_with("[work] 0:bash*") && s.ends_with(&chrono_like_date())
    });
    let s = rows.last().expect("status").clone();
    assert!(s.contains(':') && s.contains('"'), "{s:?}");
    rig.inner.ok(&[
        "set-option",
        "-g",
        "status-left",
        "#[fg=red]<#{session_name}:#{window_index}>",
    ]);
    rig.inner
        .ok(&["set-option", "-g", "status-left-length", "6"]);
    rig.inner.ok(&[
        "set-option",
        "-g",
        "status-right",
        "R-#{pane_index}-%Y-tail",
    ]);
    rig.inner
        .ok(&["set-option", "-g", "status-right-length", "8"]);
    let year = rig
        .inner
        .ok(&["display-message", "-p", "-t", "work", "%Y"])
        .trim()
        .to_owned();
    let right = format!("R-0-{year}");
    rig.wait_rows(
        "o",
        "status-left and status-right cut to their lengths",
        |r| {
            let s = r.last().map_or("", String::as_str);
            s.starts_with("<work:0:bash*") && s.ends_with(&right)
        },
    );
    // A message shows between the tabs and status-right, which stays.
    rig.inner.ok(&[
        "display-message",
        "-t",
        "work",
        "-d",
        "10000",
        "hello-message",
    ]);
    rig.wait_rows("o", "the message", |r| {
        let s = r.last().map_or("", String::as_str);
        s.ends_with(&format!("hello-message  {right}"))
    });
    // Bound commands' output: one line as the message, more in a view (`q` leaves).
    rig.inner.ok(&[
        "bind-key",
        "X",
        "list-sessions",
        "-F",
        "sessions:#{session_name}",
    ]);
    rig.inner
        .ok(&["bind-key", "Y", "list-keys", "-T", "prefix"]);
    rig.keys("o", &["C-b", "X"]);
    rig.wait_rows("o", "list-sessions output on the status line", |r| {
        r.last().is_some_and(|s| s.contains("sessions:work"))
    });
    let n = rig.inner.ok(&["list-keys", "-T", "prefix"]).lines().count();
    rig.keys("o", &["C-b", "Y"]);
    let rows = rig.wait_rows("o", "list-keys output in a view", |r| {
        let m = n - 23; // lines above the last page: the view starts at the top
        r[0].starts_with("bind-key") && r[0].trim_end().ends_with(&format!("[{m}/{m}]"))
    });
    assert!(
        rows[1].starts_with("bind-key"),
        "not list-keys: {}",
        rows.join("\n")
    );
    rig.keys("o", &["q"]);
    rig.wait_rows("o", "the view left", |r| !r[0].starts_with("bind-key"));
}

/// A key bound just before it is pressed runs its binding, as in tmux (which looks keys up in
/// the server's tables when they arrive). The client keeps a copy of the tables, fetched when
/// a frame says they changed; the client is stopped while the key is bound and pressed, so
/// when it runs again the key and that frame wait together and either may be read first (the
/// key first was the race behind this file's status test failing under load: the key was
/// dropped as unbound). Three rounds, a new key each.
#[test]
fn a_key_bound_just_before_it_is_pressed_runs_its_binding() {
    use crate::attach::{proc_state, signal};
    use rustix::process::Signal;
    let rig = Rig::new();
    let pid = rig.attach("o", 80, 24, &[]);
    for key in ["X", "K", "J"] {
        signal(pid, Signal::STOP);
        assert!(
            wait_until(DEADLINE, || proc_state(pid) == 'T'),
            "the client did not stop"
        );
        rig.keys("o", &["C-b", key]);
        rig.inner.ok(&[
            "bind-key",
            key,
            "display-message",
            "-p",
            &format!("bound-{key}-ran"),
        ]);
        signal(pid, Signal::CONT);
        rig.wait_rows("o", "the binding's output on the status line", |r| {
            status(r).contains(&format!("bound-{key}-ran"))
        });
    }
}

/// Today's date as tmux's default status-right ends (`%d-%b-%y`), from `date`.
fn chrono_like_date() -> String {
    let o = std::process::Command::new("date")
        .arg("+%d-%b-%y")
        .output()
        .expect("date");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// tmux's default prefix bindings that go to the server: `C-b C-arrow` resizes the active pane
/// (repeatable), `C-b M-1`..`M-5` select the layout presets.
#[test]
fn prefix_c_arrows_resize_and_m_digits_select_layouts() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.keys("o", &["C-b", "%"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work").len() == 2),
        "no split"
    );
    let cols = |i: usize| num(&rig.panes("work")[i], "cols");
    let rows = |i: usize| num(&rig.panes("work")[i], "rows");
    let (w0, w1) = (cols(0), cols(1));
    // The right pane is active: resize-pane -L moves its left border left (tmux
    // layout_resize_pane on the last cell), twice with one prefix (`-r`).
    rig.keys("o", &["C-b", "C-Left", "C-Left"]);
    assert!(
        wait_until(DEADLINE, || cols(0) == w0 - 2 && cols(1) == w1 + 2),
        "C-b C-Left C-Left did not resize: {:?}",
        rig.panes("work")
    );
    rig.keys("o", &["C-b", "C-Right"]);
    assert!(
        wait_until(DEADLINE, || cols(1) == w1 + 1),
        "C-b C-Right did not resize: {:?}",
        rig.panes("work")
    );
    // M-2: even-vertical (stacked, full width); M-1: even-horizontal (side by side).
    rig.keys("o", &["C-b", "M-2"]);
    assert!(
        wait_until(DEADLINE, || cols(0) == 80 && cols(1) == 80),
        "C-b M-2 did not stack the panes: {:?}",
        rig.panes("work")
    );
    let h1 = rows(1);
    rig.keys("o", &["C-b", "C-Up"]);
    assert!(
        wait_until(DEADLINE, || rows(1) == h1 + 1),
        "C-b C-Up did not resize: {:?}",
        rig.panes("work")
    );
    rig.keys("o", &["C-b", "M-1"]);
    assert!(
        wait_until(DEADLINE, || cols(0) + cols(1) == 79
            && cols(0).abs_diff(cols(1)) <= 1),
        "C-b M-1 did not put the panes side by side evenly: {:?}",
        rig.panes("work")
    );
    // M-3..M-5 give what select-layout gives a window of the same size with two panes.
    rig.inner.ok(&["new-window", "-d", "-t", "work"]);
    rig.inner.ok(&["split-window", "-d", "-h", "-t", "work:1"]);
    let geometry = |t: &str| -> Vec<[u64; 4]> {
        rig.panes(t)
            .iter()
            .map(|p| {
                [
                    num(p, "left"),
                    num(p, "top"),
                    num(p, "cols"),
                    num(p, "rows"),
                ]
            })
            .collect()
    };
    for (key, layout) in [
        ("M-3", "main-horizontal"),
        ("M-4", "main-vertical"),
        ("M-5", "tiled"),
    ] {
        rig.inner.ok(&["select-layout", "-t", "work:1", layout]);
        let want = geometry("work:1");
        rig.keys("o", &["C-b", key]);
        assert!(
            wait_until(DEADLINE, || geometry("work:0") == want),
            "C-b {key} did not select {layout} ({want:?}): {:?}",
            geometry("work:0")
        );
    }
}

/// `prefix r` (tmux's `refresh-client` binding) makes the server read its config file again:
/// a change to the file takes effect in the attached client.
#[test]
fn prefix_r_reads_the_config_file_again() {
    let rig = crate::attach::Rig::empty();
    let conf = rig.inner.dir.path().join("test.conf");
    std::fs::write(&conf, "set -g status-left 'FIRST '\n").expect("write config");
    let sock = rig.sock().to_owned();
    rig.inner.ok(&[
        "tmux",
        "-S",
        &sock,
        "-f",
        conf.to_str().expect("utf-8"),
        "new-session",
        "-d",
        "-s",
        "work",
        "bash --norc --noprofile",
    ]);
    rig.inner.wait_prompt("work");
    rig.spawn("o", 80, 24, &["attach", "-t", "work"]);
    rig.wait_rows("o", "the first status-left", |r| {
        r.last().is_some_and(|s| s.starts_with("FIRST 0:"))
    });
    std::fs::write(
        &conf,
        "set -g status-left 'SECOND '\nbind-key Y display-message -p yes-bound\n",
    )
    .expect("write config");
    rig.keys("o", &["C-b", "r"]);
    rig.wait_rows("o", "the config read again", |r| {
        r.last()
            .is_some_and(|s| s.starts_with("SECOND 0:") && s.contains("config re-read"))
    });
    rig.keys("o", &["C-b", "Y"]);
    rig.wait_rows("o", "the new binding's output", |r| {
        r.last().is_some_and(|s| s.contains("yes-bound"))
    });
}
