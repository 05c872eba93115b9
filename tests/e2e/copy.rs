//! Copy mode, the choose tree, pane border status lines and the command prompt of the attach
//! client (issue 13). The client runs in a pane of an outer tidemux server (`attach.rs`);
//! where the test needs its raw output (OSC 52), under `script(1)` (`view.rs`).

use crate::attach::{status, Rig};
use crate::support::{wait_until, DEADLINE};

/// `work` (bash) after printing a line `42-xyzzy-end` between two others.
fn with_text() -> Rig {
    let rig = Rig::new();
    rig.inner.ok(&[
        "send",
        "-t",
        "work",
        "--enter",
        "echo one; echo $((6*7))-xyzzy-end; echo two",
    ]);
    rig.inner.wait_text("work", "42-xyzzy-end");
    rig
}

/// Whether the client's output (the `script` log) contains `needle`.
fn wrote(log: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read(log).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
}

/// The newest paste buffer of the inner server.
fn top_buffer(rig: &Rig) -> String {
    let o = rig.inner.run(&["show-buffer"]);
    if o.code == 0 {
        o.stdout
    } else {
        String::new()
    }
}

#[test]
fn vi_search_highlights_selects_and_copies_to_a_buffer_and_osc52_and_prefix_bracket_pastes() {
    let rig = with_text();
    rig.inner.ok(&["set-option", "-g", "mode-keys", "vi"]);
    let log = rig.attach_logged("o", 80, 24);
    rig.keys("o", &["C-b", "["]);
    rig.wait_rows("o", "copy mode's position indicator", |r| {
        r[0].ends_with("[0/0]")
    });
    // ? searches up: the prompt shows on the status line while typing.
    rig.keys("o", &["?"]);
    rig.outer.ok(&["send", "-t", "o", "--", "xyzzy"]);
    rig.wait_rows("o", "the search prompt", |r| {
        status(r).starts_with("(search up) xyzzy ")
    });
    rig.keys("o", &["Enter"]);
    // The match under the cursor is black on magenta (copy-mode-current-match-style).
    let ansi = || rig.outer.json(&["read-screen", "-t", "o", "--ansi"]);
    assert!(
        wait_until(DEADLINE, || ansi()["lines"].as_array().is_some_and(|ls| ls
            .iter()
            .any(|l| {
                let l = l.as_str().unwrap_or_default();
                l.contains("42-") && l.contains(";45mxyzzy")
            }))),
        "no highlighted match: {}",
        ansi()
    );
    let row = rig
        .rows("o")
        .iter()
        .position(|l| l.starts_with("42-xyzzy-end"))
        .expect("the line");
    // The terminal cursor sits on the match.
    assert!(
        wait_until(DEADLINE, || {
            let c = ansi()["cursor"].clone();
            c["row"] == row as u64 && c["col"] == 3
        }),
        "cursor not on the match: {}",
        ansi()["cursor"]
    );
    // v, $, y: the rest of the line is copied; copy mode ends.
    rig.keys("o", &["v", "$", "y"]);
    assert!(
        wait_until(DEADLINE, || top_buffer(&rig) == "xyzzy-end"),
        "show-buffer: {:?}",
        top_buffer(&rig)
    );
    assert!(
        wait_until(DEADLINE, || wrote(&log, b"\x1b]52;c;eHl6enktZW5k\x07")),
        "no OSC 52 with the copied text in the client's output"
    );
    rig.wait_rows("o", "copy mode left", |r| !r[0].ends_with(']'));
    // prefix ] types the newest buffer into the pane.
    rig.keys("o", &["C-b", "]"]);
    rig.inner.wait_screen("work", "the pasted text", |s| {
        s.lines().last().is_some_and(|l| l.ends_with("xyzzy-end"))
    });
    // set-clipboard off: no OSC 52 (the buffer still gets the text).
    rig.inner.ok(&["set-option", "-g", "set-clipboard", "off"]);
    rig.keys("o", &["C-c"]);
    rig.keys("o", &["C-b", "[", "?"]);
    rig.outer.ok(&["send", "-t", "o", "--", "two"]);
    rig.keys("o", &["Enter", "V", "Enter"]);
    assert!(
        wait_until(DEADLINE, || top_buffer(&rig) == "two"),
        "show-buffer: {:?}",
        top_buffer(&rig)
    );
    assert!(
        !wrote(&log, b"\x1b]52;c;dHdv\x07"),
        "OSC 52 with set-clipboard off"
    );
}

#[test]
fn emacs_keys_wheel_and_mouse_drag_select_and_copy() {
    let rig = with_text();
    rig.attach("o", 80, 24, &[]);
    let rows = rig.rows("o");
    let row = rows
        .iter()
        .position(|l| l.starts_with("42-xyzzy-end"))
        .expect("the line")
        + 1;
    // A drag from column 1 to column 8 of the line selects "42-xyzzy"; the release copies.
    let send = |s: String| rig.outer.ok(&["send", "-t", "o", "--", &s]);
    send(format!("\x1b[<0;1;{row}M"));
    send(format!("\x1b[<32;4;{row}M"));
    send(format!("\x1b[<32;8;{row}M"));
    rig.wait_rows("o", "copy mode from the drag", |r| r[0].ends_with("[0/0]"));
    send(format!("\x1b[<0;8;{row}m"));
    assert!(
        wait_until(DEADLINE, || top_buffer(&rig) == "42-xyzzy"),
        "show-buffer after the drag: {:?}",
        top_buffer(&rig)
    );
    rig.wait_rows("o", "copy mode left", |r| !r[0].ends_with(']'));

    // The wheel enters copy mode; emacs keys: C-r searches up (the output line `one`, nearer
    // than the command line), C-Space selects, M-f moves to a word's end (across the line
    // end), M-w copies.
    rig.outer.ok(&["send", "-t", "o", "--", "\x1b[<64;5;5M"]);
    rig.wait_rows("o", "copy mode from the wheel", |r| r[0].contains("[0/0]"));
    rig.keys("o", &["C-r"]);
    rig.outer.ok(&["send", "-t", "o", "--", "one"]);
    rig.wait_rows("o", "the search prompt", |r| {
        status(r).starts_with("(search up) one ")
    });
    rig.keys("o", &["Enter", "C-Space", "M-f", "M-f", "M-w"]);
    assert!(
        wait_until(DEADLINE, || top_buffer(&rig) == "one\n42"),
        "show-buffer after M-w: {:?}",
        top_buffer(&rig)
    );
}

#[test]
fn choose_tree_lists_every_session_with_states_previews_focuses_and_kills() {
    let rig = Rig::new();
    rig.inner.ok(&["split-window", "-t", "work"]);
    rig.inner.ok(&["new-session", "-d", "-s", "side"]);
    rig.inner.wait_prompt("side");
    rig.inner
        .ok(&["send", "-t", "side", "--enter", "echo SIDE-$((40+2))"]);
    rig.inner.wait_text("side", "SIDE-42");
    rig.attach("o", 100, 30, &[]);
    rig.keys("o", &["C-b", "w"]);
    // Every session, window and pane, each with its state; the current pane highlighted.
    let rows = rig.wait_rows("o", "the choose tree", |r| {
        r.iter().any(|l| l.contains("work: 1 window (attached)"))
            && r.iter().any(|l| l.contains("side: 1 window"))
            && r.iter().filter(|l| l.contains("│  ├─ ")).count() == 3
    });
    let panes: Vec<&String> = rows.iter().filter(|l| l.contains("│  ├─ ")).collect();
    assert_eq!(panes.len(), 3, "{}", rows.join("\n"));
    assert!(
        panes
            .iter()
            .all(|l| l.contains("at-prompt") || l.contains("idle") || l.contains("running")),
        "a pane row without its state:\n{}",
        rows.join("\n")
    );
    // The last row (side's pane) previews side's screen live.
    rig.keys("o", &["G"]);
    rig.wait_rows("o", "side's preview", |r| {
        r.iter().any(|l| l.starts_with("SIDE-42"))
    });
    rig.inner
        .ok(&["send", "-t", "side", "--enter", "echo LIVE-$((6*7))"]);
    rig.wait_rows("o", "the preview follows", |r| {
        r.iter().any(|l| l.starts_with("LIVE-42"))
    });
    // Enter: the client switches to session side.
    rig.keys("o", &["Enter"]);
    rig.wait_rows("o", "session side shown", |r| {
        status(r).starts_with("[side] ")
    });
    let attached = |name: &str| {
        rig.inner
            .json(&["list-sessions"])
            .as_array()
            .expect("array")
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["attached"].clone())
    };
    assert!(
        wait_until(DEADLINE, || attached("side") == Some(1.into())
            && attached("work") == Some(0.into())),
        "attached counts after the switch: {}",
        rig.inner.json(&["list-sessions"])
    );
    // Typing goes to side now.
    rig.type_line("o", "echo TYPED-$((2+3))");
    rig.inner.wait_text("side", "TYPED-5");
    // x kills with confirmation: the first pane of work.
    let first = rig.panes("work")[0]["id"].as_str().expect("id").to_owned();
    rig.keys("o", &["C-b", "w"]);
    rig.wait_rows("o", "the choose tree", |r| {
        r.iter().any(|l| l.contains("work: 1 window"))
    });
    rig.keys("o", &["g", "Down", "Down", "x"]);
    rig.wait_rows("o", "the kill question", |r| {
        status(r).starts_with(&format!("Kill pane {first}? (y/n)"))
    });
    rig.keys("o", &["y"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work").len() == 1),
        "the pane was not killed: {:?}",
        rig.panes("work")
    );
    rig.wait_rows("o", "the tree without the pane", |r| {
        r.iter().filter(|l| l.contains("│  ├─ ")).count() == 2
    });
    rig.keys("o", &["q"]);
    rig.wait_rows("o", "the tree closed", |r| {
        !r.iter().any(|l| l.contains("side: 1 window"))
    });
}

#[test]
fn pane_border_status_shows_each_panes_name_and_state() {
    let rig = Rig::new();
    let p1 = rig
        .inner
        .ok(&["split-window", "-h", "-t", "work"])
        .trim()
        .to_owned();
    rig.inner.ok(&["rename-pane", "-t", &p1, "reviewer"]);
    rig.inner.wait_prompt(&p1);
    rig.inner
        .ok(&["set-option", "-g", "pane-border-status", "top"]);
    rig.inner.ok(&[
        "set-option",
        "-g",
        "pane-border-format",
        "#{pane_index} #{?pane_name,#{pane_name},#{pane_current_command}} #{pane_state}",
    ]);
    rig.attach("o", 80, 24, &[]);
    // Row 0 holds both panes' lines (from each pane's third column); the panes start below.
    let rows = rig.wait_rows("o", "the border lines on top", |r| {
        r[0].starts_with("──0 bash at-prompt") && r[0].contains("┬──1 reviewer at-prompt")
    });
    assert!(rows[1].starts_with("bash-"), "{}", rows.join("\n"));
    // The window keeps a row for them: the panes are 22 rows (24 less the status line and the
    // border line).
    assert!(
        wait_until(DEADLINE, || rig.panes("work")[0]["rows"] == 22),
        "{:?}",
        rig.panes("work")
    );
    // The state follows the pane: a busy program shows `running`.
    rig.inner.ok(&[
        "send",
        "-t",
        &p1,
        "--enter",
        "python3 -c 'while True: pass'",
    ]);
    rig.wait_rows("o", "reviewer running", |r| {
        r[0].contains("1 reviewer running")
    });
    // bottom: the lines go below the panes, on the row above the status line.
    rig.inner
        .ok(&["set-option", "-g", "pane-border-status", "bottom"]);
    rig.wait_rows("o", "the border lines below", |r| {
        r[22].starts_with("──0 bash ")
            && r[22].contains("1 reviewer running")
            && r[0].starts_with("bash-")
    });
    // off: no lines, the panes get the row back.
    rig.inner
        .ok(&["set-option", "-g", "pane-border-status", "off"]);
    assert!(
        wait_until(DEADLINE, || rig.panes("work")[0]["rows"] == 23),
        "{:?}",
        rig.panes("work")
    );
    rig.wait_rows("o", "no border lines", |r| {
        !r.iter().any(|l| l.contains("reviewer"))
    });
}

#[test]
fn command_prompt_completes_and_runs_tmux_commands() {
    let rig = Rig::new();
    rig.attach("o", 80, 24, &[]);
    rig.keys("o", &["C-b", ":"]);
    rig.wait_rows("o", "the prompt", |r| status(r).starts_with(':'));
    rig.outer.ok(&["send", "-t", "o", "--", "new-w"]);
    rig.keys("o", &["Tab"]);
    rig.wait_rows("o", "the completed command", |r| {
        status(r).starts_with(":new-window ")
    });
    rig.outer.ok(&["send", "-t", "o", "--", "-n 'from prompt'"]);
    rig.keys("o", &["Enter"]);
    assert!(
        wait_until(DEADLINE, || rig
            .windows()
            .iter()
            .any(|w| w["name"] == "from prompt")),
        "no window from the prompt: {:?}",
        rig.windows()
    );
    rig.wait_rows("o", "the new window shown", |r| {
        status(r).contains("1:from prompt*")
    });
    // An error is shown on the status line; nothing changes.
    rig.keys("o", &["C-b", ":"]);
    rig.outer.ok(&["send", "-t", "o", "--", "no-such-command"]);
    rig.keys("o", &["Enter"]);
    rig.wait_rows("o", "the error", |r| {
        status(r).contains("unknown command: no-such-command")
    });
    assert_eq!(rig.windows().len(), 2);
}
