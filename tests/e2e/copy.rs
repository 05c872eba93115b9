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
