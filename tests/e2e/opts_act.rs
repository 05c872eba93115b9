//! Options that act (issue 11's leftovers): `allow-rename`, `escape-time`, `visual-activity`,
//! `visual-bell`, `visual-silence`, `set-clipboard` (the `OSC 52` query). Where tmux 3.3a defines what a command shows, the same
//! commands run on tidemux (as `tmux`) and on tmux side by side.

use crate::attach::{status, Rig};
use crate::support::{wait_until, DEADLINE};
use crate::tmux_lang::{worlds, Tm};
use std::time::Duration;

/// Types `printf 'PRINTF'; echo MARK` into the shell of `target` and waits until the line
/// `MARK` is printed (the printf's output was read before it).
fn emit(w: &Tm, target: &str, printf: &str, mark: &str) {
    w.ok(&[
        "send-keys",
        "-t",
        target,
        &format!("printf '{printf}'; echo {mark}"),
        "Enter",
    ]);
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = w.run(&["capture-pane", "-p", "-t", target]).stdout;
        last.lines().any(|l| l.trim_end() == mark)
    });
    assert!(ok, "{}: {mark} never printed in {target}: {last}", w.name);
}

fn name(w: &Tm, target: &str) -> String {
    w.ok(&["display-message", "-p", "-t", target, "#W"])
        .trim_end_matches('\n')
        .to_owned()
}

#[track_caller]
fn wait_name(w: &Tm, target: &str, want: &str) {
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = name(w, target);
        last == want
    });
    assert!(ok, "{}: window name {last:?}, expected {want:?}", w.name);
}

/// `ESC k NAME ESC \` names the window only with `allow-rename` on (pane, then window, then
/// global), turning `automatic-rename` off for it; an empty name removes that again, and with
/// `automatic-rename` off everywhere empties the name; invalid UTF-8 is ignored. tmux 3.3a
/// input.c `input_exit_rename`, compared side by side.
#[test]
fn allow_rename_names_the_window_from_esc_k() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        w.ok(&["new-session", "-d", "-s", "w", "-x", "80", "-y", "24", "sh"]);
        // Typed only once the shell is reading (input typed earlier may be flushed).
        assert!(
            wait_until(DEADLINE, || w
                .run(&["capture-pane", "-p", "-t", "w"])
                .stdout
                .lines()
                .any(|l| !l.trim().is_empty())),
            "{}: no prompt",
            w.name
        );
        let mut seen = Vec::new();
        // Off by default: ignored.
        seen.push(w.ok(&["show-options", "-gw", "allow-rename"]));
        emit(&w, "w", r"\033kone\033\\", "done1");
        assert_ne!(name(&w, "w"), "one", "{}: allow-rename is off", w.name);
        // On for the window: the name is taken and automatic-rename goes off.
        w.ok(&["set-option", "-w", "-t", "w", "allow-rename", "on"]);
        emit(&w, "w", r"\033ktwo\033\\", "done2");
        wait_name(&w, "w", "two");
        seen.push(w.ok(&["show-options", "-w", "-t", "w", "automatic-rename"]));
        // A pane's own value wins over the window's.
        w.ok(&["set-option", "-p", "-t", "w", "allow-rename", "off"]);
        emit(&w, "w", r"\033kthree\033\\", "done3");
        assert_eq!(name(&w, "w"), "two", "{}: the pane has it off", w.name);
        w.ok(&["set-option", "-pu", "-t", "w", "allow-rename"]);
        // Invalid UTF-8 or DEL: ignored (tmux utf8_isvalid); other controls are left out.
        emit(&w, "w", r"\033kbad\377\033\\", "done4");
        assert_eq!(name(&w, "w"), "two", "{}: invalid UTF-8", w.name);
        emit(&w, "w", r"\033kfo\177ur\033\\", "done5");
        assert_eq!(name(&w, "w"), "two", "{}: DEL", w.name);
        emit(&w, "w", r"\033kfo\001ur\033\\", "done9");
        wait_name(&w, "w", "four");
        // Empty: the window's own automatic-rename is removed (inherited on again).
        emit(&w, "w", r"\033k\033\\", "done6");
        seen.push(w.ok(&["show-options", "-w", "-t", "w", "automatic-rename"]));
        // With automatic-rename off globally, an empty name empties the window's name.
        w.ok(&["set-option", "-gw", "automatic-rename", "off"]);
        emit(&w, "w", r"\033k\033\\", "done7");
        wait_name(&w, "w", "");
        emit(&w, "w", r"\033ksix\033\\", "done8");
        wait_name(&w, "w", "six");
        seen.push(w.ok(&["list-windows", "-t", "w", "-F", "#W #{automatic-rename}"]));
        shown.push(seen);
    }
    assert_eq!(
        shown[0],
        [
            "allow-rename off\n",
            "automatic-rename off\n",
            "",
            "six 0\n"
        ]
    );
    if let Some(tmux) = shown.get(1) {
        assert_eq!(&shown[0], tmux, "tidemux and tmux differ");
    }
}

/// A program that prints each byte it reads as two hex digits on a line of its own (its
/// terminal raw), after a line `ready`.
const DUMP: &str = r#"
import os, sys, tty
tty.setraw(0)
sys.stdout.write('ready\r\n'); sys.stdout.flush()
while True:
    b = os.read(0, 1)
    if not b: break
    sys.stdout.write(b.hex() + '\r\n'); sys.stdout.flush()
"#;

/// Lines of the inner pane `p` that are exactly `hex`.
fn count(rig: &Rig, p: &str, hex: &str) -> usize {
    rig.inner
        .screen(p)
        .lines()
        .filter(|l| l.trim_end() == hex)
        .count()
}

/// `escape-time` (server option, tmux tty-keys.c): a lone ESC waits that long for the next
/// byte. With 0 it is Escape at once and a later `x` is a key of its own; with a long one, ESC
/// then `x` typed separately is `M-x` (here bound to `rename-window MX`), and nothing reaches
/// the pane while the client waits.
#[test]
fn escape_time_decides_between_escape_and_meta() {
    let rig = Rig::empty();
    let p = rig
        .inner
        .ok(&[
            "new-session",
            "-d",
            "-s",
            "work",
            "--",
            "python3",
            "-c",
            DUMP,
        ])
        .trim()
        .to_owned();
    rig.inner.wait_text(&p, "ready");
    rig.inner
        .ok(&["bind-key", "-n", "M-x", "rename-window", "MX"]);
    rig.inner.ok(&["set-option", "-s", "escape-time", "0"]);
    // A client takes the server's options before it draws its status line.
    rig.attach("zero", 80, 24, &[]);
    rig.keys("zero", &["Escape"]);
    rig.inner.wait_text(&p, "1b");
    rig.keys("zero", &["x"]);
    rig.inner.wait_text(&p, "78");
    let name = |rig: &Rig| rig.inner.ok(&["display-message", "-p", "-t", "work", "#W"]);
    assert_ne!(
        name(&rig),
        "MX\n",
        "escape-time 0: ESC, later x, are two keys"
    );
    // `M-x` sent at once is M-x whatever escape-time says.
    rig.outer.ok(&["send", "-t", "zero", "--", "\x1bx"]);
    assert!(
        wait_until(DEADLINE, || name(&rig) == "MX\n"),
        "ESC x at once is M-x: {}",
        name(&rig)
    );
    rig.inner.ok(&["rename-window", "-t", "work", "w"]);
    rig.inner.ok(&["set-option", "-s", "escape-time", "60000"]);
    rig.outer.ok(&["kill-session", "-t", "zero"]);
    rig.attach("long", 80, 24, &[]);
    rig.keys("long", &["Escape"]);
    // Held: the pane gets nothing while the client waits for the rest.
    assert!(
        !wait_until(Duration::from_millis(700), || count(&rig, &p, "1b") > 1),
        "a lone ESC went to the pane at once with escape-time 60000"
    );
    rig.keys("long", &["x"]);
    assert!(
        wait_until(DEADLINE, || name(&rig) == "MX\n"),
        "ESC then x within escape-time is M-x: {}",
        name(&rig)
    );
    assert_eq!(
        (count(&rig, &p, "1b"), count(&rig, &p, "78")),
        (1, 1),
        "M-x did not reach the pane"
    );
}

/// BELs the client wrote to its terminal (in `script`'s log), OSC strings (the desktop
/// notifications, ended by BEL) left out.
fn bells(log: &std::path::Path) -> usize {
    let b = std::fs::read(log).unwrap_or_default();
    let (mut n, mut i) = (0, 0);
    while i < b.len() {
        if b[i] == 0x1b && b.get(i + 1) == Some(&b']') {
            i += 2;
            while i < b.len() && b[i] != 0x07 && !(b[i] == 0x1b && b.get(i + 1) == Some(&b'\\')) {
                i += 1;
            }
            i += if b.get(i) == Some(&0x07) { 1 } else { 2 };
            continue;
        }
        n += usize::from(b[i] == 0x07);
        i += 1;
    }
    n
}

/// `visual-bell`, `visual-activity`, `visual-silence` (tmux alerts.c `alerts_set_message`):
/// `off` rings the attached client's terminal bell, `on` shows `Bell in window N` (`...in
/// current window`) on its status line instead, `both` does the two.
#[test]
fn visual_options_choose_between_message_and_bell() {
    let rig = Rig::empty();
    let p0 = rig
        .inner
        .ok(&["new-session", "-d", "-s", "work", "--", "sh"])
        .trim()
        .to_owned();
    let p1 = rig
        .inner
        .ok(&[
            "new-window",
            "-d",
            "-t",
            "work",
            "-P",
            "-F",
            "#D",
            "--",
            "sh",
        ])
        .trim()
        .to_owned();
    rig.inner.ok(&["set-option", "-g", "display-time", "60000"]);
    let log = rig.attach_logged("o", 100, 24);
    let ring = |p: &str| {
        rig.inner
            .ok(&["send", "-t", p, "--enter", "--", "printf '\\a'"]);
    };
    let wait_bells = |n: usize| {
        assert!(
            wait_until(DEADLINE, || bells(&log) >= n),
            "expected {n} bells, the client rang {}",
            bells(&log)
        );
        assert_eq!(bells(&log), n, "one bell per alert");
    };
    // off (the default): the bell, no message.
    ring(&p1);
    wait_bells(1);
    let rows = rig.rows("o");
    assert!(!status(&rows).contains(" in window"), "{}", status(&rows));
    // on: the message instead of the bell.
    rig.inner.ok(&["set-option", "-g", "visual-bell", "on"]);
    ring(&p1);
    rig.wait_rows("o", "the bell message", |r| {
        status(r).contains("Bell in window 1")
    });
    assert_eq!(bells(&log), 1, "visual-bell on rings no bell");
    // both, in the current window: the message and the bell.
    rig.inner.ok(&["set-option", "-g", "visual-bell", "both"]);
    ring(&p0);
    rig.wait_rows("o", "the bell message", |r| {
        status(r).contains("Bell in current window")
    });
    wait_bells(2);
    // Activity in another window (activity-action other).
    rig.inner.ok(&["set-option", "-g", "visual-activity", "on"]);
    rig.inner
        .ok(&["set-option", "-w", "-t", "work:1", "monitor-activity", "on"]);
    rig.inner
        .ok(&["send", "-t", &p1, "--enter", "--", "echo hi"]);
    rig.wait_rows("o", "the activity message", |r| {
        status(r).contains("Activity in window 1")
    });
    // Silence of a second in another window (silence-action other).
    rig.inner.ok(&["set-option", "-g", "visual-silence", "on"]);
    rig.inner
        .ok(&["set-option", "-w", "-t", "work:1", "monitor-silence", "1"]);
    rig.wait_rows("o", "the silence message", |r| {
        status(r).contains("Silence in window 1")
    });
    assert_eq!(bells(&log), 2, "visual on rings no bell");
}

/// A program that asks for the clipboard (`OSC 52 ; c ; ?`) when it reads `b` (BEL-ended) or
/// `s` (ST-ended), sets it to `foo` and asks in one write on `x`, and prints each reply as
/// `N: REPLY` (ESC as `^[`, BEL as `^G`; `none` after 1 s without one), its terminal raw.
const CLIP_QUERY: &str = r#"
import os, select, tty
tty.setraw(0)
os.write(1, b'ready\r\n')
asks = {b'b': b'\x1b]52;c;?\x07', b's': b'\x1b]52;c;?\x1b\\',
        b'x': b'\x1b]52;c;Zm9v\x07\x1b]52;c;?\x07'}
n = 0
while True:
    k = os.read(0, 1)
    if not k: break
    if k not in asks: continue
    n += 1
    os.write(1, asks[k])
    got = b''
    while not (got.endswith(b'\x07') or got.endswith(b'\x1b\\')):
        if not select.select([0], [], [], 1.0)[0]: break
        c = os.read(0, 64)
        if not c: break
        got += c
    shown = got.replace(b'\x1b', b'^[').replace(b'\x07', b'^G').decode() or 'none'
    os.write(1, ('%d: %s\r\n' % (n, shown)).encode())
"#;

/// `OSC 52 ; c ; ?` is answered as tmux 3.3a input.c `input_osc_52` does: with `set-clipboard
/// on`, `ESC ] 52 ; ; BASE64` of the newest paste buffer (empty without one), ended like the
/// query (BEL or ST), after a setting in the same write; with `external` (tmux's default) no
/// reply. Compared side by side with tmux.
#[test]
fn osc_52_query_is_answered_with_the_top_buffer() {
    let mut shown = Vec::new();
    for w in worlds() {
        w.ok(&[
            "new-session",
            "-d",
            "-s",
            "w",
            "-x",
            "80",
            "-y",
            "24",
            "python3",
            "-c",
            CLIP_QUERY,
        ]);
        w.wait_capture("w", "ready");
        w.ok(&["set-option", "-s", "set-clipboard", "on"]);
        let ask = |key: &str, n: u32| {
            w.ok(&["send-keys", "-t", "w", key]);
            let screen = w.wait_capture("w", &format!("{n}: "));
            screen
                .lines()
                .find(|l| l.starts_with(&format!("{n}: ")))
                .unwrap_or_default()
                .trim_end()
                .to_owned()
        };
        let mut seen = vec![ask("b", 1)];
        w.ok(&["set-buffer", "hello"]);
        seen.push(ask("b", 2));
        seen.push(ask("s", 3));
        seen.push(ask("x", 4));
        seen.push(w.ok(&["show-buffer"]));
        w.ok(&["set-option", "-s", "set-clipboard", "external"]);
        seen.push(ask("b", 5));
        shown.push(seen);
    }
    assert_eq!(
        shown[0],
        [
            "1: ^[]52;;^G",
            "2: ^[]52;;aGVsbG8=^G",
            r"3: ^[]52;;aGVsbG8=^[\",
            "4: ^[]52;;Zm9v^G",
            "foo",
            "5: none",
        ]
    );
    if let Some(tmux) = shown.get(1) {
        assert_eq!(&shown[0], tmux, "tidemux and tmux differ");
    }
}
