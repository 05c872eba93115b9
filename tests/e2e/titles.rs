//! `set-titles` and `set-titles-string` (tmux 3.3a server-client.c `server_client_set_title`):
//! an attached client sets its terminal's title to the expanded `set-titles-string`, again
//! whenever the text changes, never when it does not. The terminal is a pane of an outer tmux
//! 3.3a server (tidemux when tmux 3.3a is not installed), whose `#{pane_title}` is what the
//! client's `ESC ] 0 ; TEXT BEL` set; `pipe-pane -o` records every byte the client wrote. The
//! same steps run with a tidemux client attached to a tidemux server and a tmux client
//! attached to a tmux server, side by side.

use crate::support::{wait_until, DEADLINE, OUTSIDE_ANY_MUX};
use crate::tmux_lang::{worlds, Tm};

/// The outer server: tmux 3.3a, or tidemux when it is not installed.
pub(crate) fn outer() -> Tm {
    Tm::real().unwrap_or_else(Tm::tidemux)
}

/// The command (for the outer server) that attaches a client of world `w` to its session
/// `w`, outside any tmux or tidemux environment, with `TERM` set to `term` if given.
pub(crate) fn client_cmd(w: &Tm, term: Option<&str>) -> Vec<String> {
    let dir = w.dir.path().display();
    let mut c: Vec<String> = OUTSIDE_ANY_MUX.map(String::from).to_vec();
    c.extend(term.map(|t| format!("TERM={t}")));
    c.extend([
        format!("TMUX_TMPDIR={dir}"),
        format!("HOME={dir}"),
        "SHELL=/bin/sh".into(),
        w.program.display().to_string(),
    ]);
    c.extend(["-L", "t", "-f", "/dev/null", "attach", "-t", "w"].map(String::from));
    c
}

/// The title of the outer pane (its session `name`).
fn title(outer: &Tm, name: &str) -> String {
    outer
        .ok(&["display-message", "-p", "-t", name, "#{pane_title}"])
        .trim_end_matches('\n')
        .to_owned()
}

/// Waits until the outer pane's title is `want`; returns it.
#[track_caller]
fn wait_title(outer: &Tm, name: &str, want: &str) -> String {
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = title(outer, name);
        last == want
    });
    assert!(
        ok,
        "{name}: the terminal's title is {last:?}, expected {want:?}"
    );
    last
}

/// Waits until the client in the outer pane `name` shows a line containing `text` (it drew
/// after the change that put it there).
#[track_caller]
pub(crate) fn wait_drawn(outer: &Tm, name: &str, text: &str) {
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = outer.run(&["capture-pane", "-p", "-t", name]).stdout;
        last.contains(text)
    });
    assert!(ok, "{name}: the client never showed {text:?}: {last}");
}

/// Waits until the shell in `target` printed its prompt (input typed earlier may be flushed).
#[track_caller]
fn wait_prompt(w: &Tm, target: &str) {
    let ok = wait_until(DEADLINE, || {
        w.run(&["capture-pane", "-p", "-t", target])
            .stdout
            .lines()
            .any(|l| !l.trim().is_empty())
    });
    assert!(ok, "{}: no prompt in {target}", w.name);
}

/// Every title the client wrote (`ESC ] 0 ; TEXT BEL`), in order.
fn written(raw: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(raw);
    s.split("\x1b]0;")
        .skip(1)
        .filter_map(|t| t.split_once('\x07').map(|(t, _)| t.to_owned()))
        .collect()
}

/// With `set-titles` off (the default) nothing is written; on, the default string
/// `#S:#I:#W - "#T" #{session_alerts}` is set and follows a rename, a new window, a window
/// switch, the pane's own OSC 2 title and a bell in another window; a custom string (strftime first: `%%`) replaces it;
/// the same text from another string is not written again; off again, nothing more is
/// written. tidemux and tmux 3.3a, each attached from a pane of the same outer tmux.
#[test]
fn set_titles_follow_the_session_as_tmux() {
    let outer = outer();
    // A pane's title before its program sets one is the host name (tmux `gethostname`).
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("the host name")
        .trim_end()
        .to_owned();
    let mut shown: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for w in worlds() {
        let name = w.name;
        w.ok(&["new-session", "-d", "-s", "w", "-x", "80", "-y", "24", "sh"]);
        let mut args = vec!["new-session", "-d", "-s", name, "-x", "80", "-y", "24"];
        let client = client_cmd(&w, None);
        args.extend(client.iter().map(String::as_str));
        outer.ok(&args);
        let log = w.dir.path().join("client-output");
        outer.ok(&[
            "pipe-pane",
            "-o",
            "-t",
            name,
            &format!("cat >> '{}'", log.display()),
        ]);
        let untouched = title(&outer, name);
        wait_drawn(&outer, name, "[w] 0:sh");
        let mut seen = Vec::new();
        // Off: the client drew, and wrote no title.
        seen.push(title(&outer, name));
        assert_eq!(seen[0], untouched, "{name}: set-titles is off");
        // On: the default string, at once.
        w.ok(&["set-option", "-g", "set-titles", "on"]);
        seen.push(wait_title(&outer, name, &format!("w:0:sh - \"{host}\" ")));
        w.ok(&["rename-window", "-t", "w:0", "renamed"]);
        seen.push(wait_title(
            &outer,
            name,
            &format!("w:0:renamed - \"{host}\" "),
        ));
        w.ok(&["new-window", "-t", "w", "sh"]);
        seen.push(wait_title(&outer, name, &format!("w:1:sh - \"{host}\" ")));
        w.ok(&["select-window", "-t", "w:0"]);
        seen.push(wait_title(
            &outer,
            name,
            &format!("w:0:renamed - \"{host}\" "),
        ));
        // The pane's own title (OSC 2), typed once the shell reads.
        wait_prompt(&w, "w:0");
        w.ok(&[
            "send-keys",
            "-t",
            "w:0",
            r"printf '\033]2;hello\033\\'",
            "Enter",
        ]);
        seen.push(wait_title(&outer, name, "w:0:renamed - \"hello\" "));
        // A bell in window 1: `#{session_alerts}` is `1!`.
        wait_prompt(&w, "w:1");
        w.ok(&["send-keys", "-t", "w:1", r"printf '\a'", "Enter"]);
        seen.push(wait_title(&outer, name, "w:0:renamed - \"hello\" 1!"));
        // A custom string, strftime first (`%%` is `%`).
        w.ok(&[
            "set-option",
            "-g",
            "set-titles-string",
            "T%% #{session_name}|#{window_index}|#{pane_title}|#{window_flags}",
        ]);
        seen.push(wait_title(&outer, name, "T% w|0|hello|*"));
        // Another string with the same text: nothing is written (checked below in the log);
        // the rename shows that the client drew since.
        w.ok(&["set-option", "-g", "set-titles-string", "T%% #S|#I|#T|#F"]);
        w.ok(&["rename-window", "-t", "w:1", "second"]);
        wait_drawn(&outer, name, "1:second");
        // Off again: a rename is drawn, the title stays.
        w.ok(&["set-option", "-g", "set-titles", "off"]);
        w.ok(&["rename-window", "-t", "w:0", "other"]);
        wait_drawn(&outer, name, "0:other");
        seen.push(title(&outer, name));
        // Everything the client wrote reached the log once the pipe is closed and flushed.
        outer.ok(&["pipe-pane", "-t", name]);
        let mut titles = Vec::new();
        let ok = wait_until(DEADLINE, || {
            titles = written(&std::fs::read(&log).unwrap_or_default());
            titles.last().map(String::as_str) == Some("T% w|0|hello|*")
        });
        assert!(
            ok,
            "{name}: the client's titles were not all logged: {titles:?}"
        );
        outer.ok(&["kill-session", "-t", name]);
        shown.push((seen, titles));
    }
    let t = |s: &str| s.replace("HOST", &host);
    let want_titles: Vec<String> = [
        "w:0:sh - \"HOST\" ",
        "w:0:renamed - \"HOST\" ",
        "w:1:sh - \"HOST\" ",
        "w:0:renamed - \"HOST\" ",
        "w:0:renamed - \"hello\" ",
        "w:0:renamed - \"hello\" 1!",
        "T% w|0|hello|*",
    ]
    .map(t)
    .to_vec();
    assert_eq!(shown[0].1, want_titles, "tidemux: the titles written");
    let mut want_seen = vec![shown[0].0[0].clone()];
    want_seen.extend(want_titles.iter().cloned());
    want_seen.push("T% w|0|hello|*".to_owned());
    assert_eq!(shown[0].0, want_seen, "tidemux: the titles seen");
    if let Some(tmux) = shown.get(1) {
        assert_eq!(&shown[0], tmux, "tidemux and tmux differ");
    } else {
        eprintln!("tmux 3.3a not installed: no side-by-side comparison");
    }
}

/// A terminal without the title capability gets no title (tmux tty.c `tty_set_title`): the
/// terminfo entry `notitle` (vt100's, compiled into `~/.terminfo` of the server and client,
/// with a `clear` that does not start with `ESC [`) has no `tsl`, is not "VT100-like" and
/// matches no `terminal-features` item. Skipped without `tic`.
#[test]
fn no_title_for_a_terminal_without_one() {
    let outer = outer();
    for w in worlds() {
        let name = w.name;
        let src = w.dir.path().join("notitle.src");
        std::fs::write(&src, "notitle|no title,\n\tclear=\\EH\\EJ, use=vt100,\n").unwrap();
        let tic = std::process::Command::new("tic")
            .arg("-o")
            .arg(w.dir.path().join(".terminfo"))
            .arg(&src)
            .output();
        if !tic.is_ok_and(|o| o.status.success()) {
            eprintln!("tic failed or is not installed: skipped");
            return;
        }
        w.ok(&["new-session", "-d", "-s", "w", "-x", "80", "-y", "24", "sh"]);
        w.ok(&["set-option", "-g", "set-titles", "on"]);
        w.ok(&["set-option", "-g", "set-titles-string", "SET #S"]);
        let mut args = vec!["new-session", "-d", "-s", name, "-x", "80", "-y", "24"];
        let client = client_cmd(&w, Some("notitle"));
        args.extend(client.iter().map(String::as_str));
        outer.ok(&args);
        let untouched = title(&outer, name);
        wait_drawn(&outer, name, "[w] 0:sh");
        w.ok(&["rename-window", "-t", "w:0", "renamed"]);
        wait_drawn(&outer, name, "0:renamed");
        let now = title(&outer, name);
        assert_eq!(now, untouched, "{name}: TERM=notitle has no title");
        assert_ne!(now, "SET w", "{name}: TERM=notitle has no title");
        // The same client with TERM=vt100 (VT100-like: `clear` is `ESC [ H ESC [ J`) gets it.
        let mut args = vec!["respawn-pane", "-k", "-t", name];
        let client = client_cmd(&w, Some("vt100"));
        args.extend(client.iter().map(String::as_str));
        outer.ok(&args);
        wait_title(&outer, name, "SET w");
        outer.ok(&["kill-session", "-t", name]);
    }
}
