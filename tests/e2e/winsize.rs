//! Window sizes from attached clients (issue 11, options that act): `window-size` (`latest`,
//! `largest`, `smallest`, `manual`) and `aggressive-resize`, as tmux 3.3a resize.c. Two real
//! clients of different sizes attach to the server under test, each in a pane (its
//! terminal) of an outer tidemux server; the same steps run on tidemux (invoked as `tmux`)
//! and, where tmux 3.3a is installed, on a real tmux with two real tmux clients, and the
//! window sizes each step gives are compared.

use crate::support::{wait_until, Server, DEADLINE, OUTSIDE_ANY_MUX};
use crate::tmux_lang::{worlds, Tm};

/// Client A's terminal: its windows get 100x29 (less the status line).
const A: (u16, u16) = (100, 30);
/// Client B's terminal: 70x19.
const B: (u16, u16) = (70, 20);

/// Starts, in outer session `name` (`cols` x `rows`), a client of world `w` (tidemux as
/// `tmux`, or tmux) attached to its session `session`, outside any tmux or tidemux
/// environment; waits until `w` lists `clients` clients.
fn client(
    outer: &Server,
    w: &Tm,
    name: &str,
    (cols, rows): (u16, u16),
    session: &str,
    clients: usize,
) {
    client_with(outer, w, name, (cols, rows), session, clients, &[]);
}

/// [`client`], with `extra` arguments for `attach` (`-f ignore-size`, `-r`).
fn client_with(
    outer: &Server,
    w: &Tm,
    name: &str,
    (cols, rows): (u16, u16),
    session: &str,
    clients: usize,
    extra: &[&str],
) {
    let (c, r) = (cols.to_string(), rows.to_string());
    let sock = w.socket();
    let program = w.program.to_str().expect("utf-8 path");
    let mut args = vec!["new-session", "-d", "-s", name, "-x", &c, "-y", &r, "--"];
    args.extend(OUTSIDE_ANY_MUX);
    args.extend([
        program,
        "-S",
        sock.to_str().expect("utf-8 socket path"),
        "attach",
        "-t",
        session,
    ]);
    args.extend(extra);
    outer.ok(&args);
    wait_clients(w, clients, name);
}

/// Starts world `w`'s session `m` (80x24, a shell) with tidemux's pane sidebar off (it would
/// take columns of a client), and the outer server the clients' terminals run in.
fn start(w: &Tm) -> Server {
    let outer = Server::new();
    w.ok(&["new-session", "-d", "-s", "m", "-x", "80", "-y", "24", "sh"]);
    if w.name == "tidemux" {
        w.ok(&["set-option", "-g", "sidebar", "off"]);
    }
    outer
}

/// Waits until `w` lists `clients` clients; `what` names the wait in the failure message.
fn wait_clients(w: &Tm, clients: usize, what: &str) {
    let mut last = String::new();
    let ok = wait_until(DEADLINE, || {
        last = w.run(&["list-clients"]).stdout;
        last.lines().count() == clients
    });
    assert!(
        ok,
        "{}: {what}: want {clients} clients, list-clients: {last}",
        w.name
    );
}

/// The side by side check: tidemux's steps (`shown[0]`) give `want`, and so do tmux's
/// (`shown[1]`) where tmux is installed.
fn compare(shown: &[Vec<String>], want: &[&str]) {
    assert_eq!(shown[0], want, "tidemux");
    if let Some(tmux) = shown.get(1) {
        assert_eq!(tmux, want, "tmux");
    }
}

/// `#{window_width}x#{window_height}` of `target`.
fn size(w: &Tm, target: &str) -> String {
    w.run(&[
        "display-message",
        "-p",
        "-t",
        target,
        "#{window_width}x#{window_height}",
    ])
    .stdout
    .trim_end()
    .to_owned()
}

/// Waits until `target` is `want` (sizes follow clients asynchronously in both servers);
/// returns what it is then, for the side by side comparison.
fn settle(w: &Tm, target: &str, want: &str) -> String {
    let mut last = String::new();
    wait_until(DEADLINE, || {
        last = size(w, target);
        last == want
    });
    last
}

/// Types Enter in the client in outer session `name` (an empty command line for its shell).
fn type_into(outer: &Server, name: &str) {
    outer.ok(&["send-key", "-t", name, "Enter"]);
}

/// A session with both clients attached: the most recently active client sizes it with
/// `latest` (attaching, then typing, makes a client the latest); `largest` and `smallest`
/// take the clients' largest and smallest edges; `manual` gives back the window's own size
/// (its size when created), `resize-window` sets it and turns the window's own
/// `window-size` to `manual`, which a global `latest` then does not override until the
/// window's option is unset.
#[test]
fn window_size_follows_the_clients_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        let mut seen = Vec::new();
        client(&outer, &w, "a", A, "m", 1);
        seen.push(settle(&w, "m", "100x29"));
        // B attached last: it is the latest.
        client(&outer, &w, "b", B, "m", 2);
        seen.push(settle(&w, "m", "70x19"));
        type_into(&outer, "a");
        seen.push(settle(&w, "m", "100x29"));
        type_into(&outer, "b");
        seen.push(settle(&w, "m", "70x19"));
        w.ok(&["set-option", "-g", "window-size", "largest"]);
        seen.push(settle(&w, "m", "100x29"));
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        seen.push(settle(&w, "m", "70x19"));
        w.ok(&["set-option", "-g", "window-size", "manual"]);
        seen.push(settle(&w, "m", "80x24"));
        w.ok(&["resize-window", "-t", "m", "-x", "50", "-y", "15"]);
        seen.push(settle(&w, "m", "50x15"));
        seen.push(w.ok(&["show-options", "-w", "-t", "m", "window-size"]));
        w.ok(&["set-option", "-g", "window-size", "latest"]);
        type_into(&outer, "a");
        // The window's own `manual` wins over the global latest: typing changes nothing.
        seen.push(settle(&w, "m", "50x15"));
        w.ok(&["set-option", "-uw", "-t", "m", "window-size"]);
        seen.push(settle(&w, "m", "100x29"));
        // -A / -a: the largest / smallest client (and the window is manual again).
        w.ok(&["resize-window", "-a", "-t", "m"]);
        seen.push(settle(&w, "m", "70x19"));
        w.ok(&["resize-window", "-A", "-t", "m"]);
        seen.push(settle(&w, "m", "100x29"));
        seen.push(w.ok(&["show-options", "-w", "-t", "m", "window-size"]));
        shown.push(seen);
    }
    let want = [
        "100x29",
        "70x19",
        "100x29",
        "70x19",
        "100x29",
        "70x19",
        "80x24",
        "50x15",
        "window-size manual\n",
        "50x15",
        "100x29",
        "70x19",
        "100x29",
        "window-size manual\n",
    ];
    compare(&shown, &want);
}

/// `aggressive-resize`: two grouped sessions share two windows, a client on each, sized
/// `smallest`. Off, every client whose session holds a window counts for it, whatever it
/// shows; on, only the clients showing it. A window no client shows keeps its size (tmux
/// resizes it only once a session with clients shows it).
#[test]
fn aggressive_resize_counts_only_clients_showing_the_window_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["new-window", "-d", "-t", "m:1", "sh"]);
        w.ok(&["new-session", "-d", "-t", "m", "-s", "g"]);
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", B, "g", 2);
        let both = |seen: &mut Vec<String>, want0: &str, want1: &str| {
            seen.push(settle(&w, "m:0", want0));
            seen.push(settle(&w, "m:1", want1));
        };
        let mut seen = Vec::new();
        // Window 1, shown by no client, keeps its size until one shows it.
        both(&mut seen, "70x19", "80x24");
        // B shows window 1, A window 0: both windows are in both sessions.
        w.ok(&["select-window", "-t", "g:1"]);
        both(&mut seen, "70x19", "70x19");
        w.ok(&["set-option", "-g", "aggressive-resize", "on"]);
        both(&mut seen, "100x29", "70x19");
        // Both show window 1; window 0, shown by none, keeps its size.
        w.ok(&["select-window", "-t", "m:1"]);
        both(&mut seen, "100x29", "70x19");
        // A alone on window 0 again.
        w.ok(&["select-window", "-t", "m:0"]);
        both(&mut seen, "100x29", "70x19");
        // B moves to window 0 too: smallest of both; window 1 keeps its size.
        w.ok(&["select-window", "-t", "g:0"]);
        both(&mut seen, "70x19", "70x19");
        // Off again: both sessions hold window 0.
        w.ok(&["set-option", "-g", "aggressive-resize", "off"]);
        both(&mut seen, "70x19", "70x19");
        shown.push(seen);
    }
    let want = [
        "70x19", "80x24", "70x19", "70x19", "100x29", "70x19", "100x29", "70x19", "100x29",
        "70x19", "70x19", "70x19", "70x19", "70x19",
    ];
    compare(&shown, &want);
}

/// Keys bound to window commands: the client whose key selected or created a window is that
/// window's latest client (tmux cmd-select-window.c, spawn.c), so with `latest` it sizes it;
/// the window it left keeps its size (tmux resizes after the command, once it is no longer
/// shown).
#[test]
fn bound_keys_make_their_client_the_new_windows_latest_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["new-window", "-d", "-t", "m:1", "sh"]);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", B, "m", 2);
        let mut seen = Vec::new();
        seen.push(settle(&w, "m:0", "70x19"));
        // A: prefix n. Window 1 is A's; window 0 keeps B's size.
        outer.ok(&["send-key", "-t", "a", "C-b", "n"]);
        seen.push(settle(&w, "m:1", "100x29"));
        seen.push(size(&w, "m:0"));
        type_into(&outer, "b");
        seen.push(settle(&w, "m:1", "70x19"));
        // A: prefix c, a new window, A's.
        outer.ok(&["send-key", "-t", "a", "C-b", "c"]);
        seen.push(settle(&w, "m:2", "100x29"));
        seen.push(size(&w, "m:1"));
        shown.push(seen);
    }
    let want = ["70x19", "100x29", "70x19", "70x19", "100x29", "70x19"];
    compare(&shown, &want);
}

/// A control client (`tmux -C attach`) counts for window sizes only once `refresh-client -C
/// WxH` gave it a size (the whole W x H: no status line), which every window then takes at
/// once, shown or not; it does not become a window's latest client by that, and keeps its
/// size when it switches to another session. `list-clients` shows its width, and no height
/// (as tmux's `client_height`).
#[test]
fn control_clients_count_after_refresh_client_c_as_tmux() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["new-window", "-d", "-t", "m:1", "sh"]);
        let mut ctl = w
            .cmd(&["-C", "attach", "-t", "m"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a control client");
        let mut stdin = ctl.stdin.take().expect("stdin");
        let stdout = ctl.stdout.take().expect("stdout");
        let drain = std::thread::spawn(move || BufReader::new(stdout).lines().count());
        wait_clients(&w, 1, "the control client");
        let mut seen = vec![size(&w, "m:0")];
        writeln!(stdin, "refresh-client -C 90x30").expect("write");
        seen.push(settle(&w, "m:0", "90x30"));
        // Not shown, resized all the same (tmux recalculate_sizes_now(1)).
        seen.push(settle(&w, "m:1", "90x30"));
        client(&outer, &w, "a", A, "m", 2);
        seen.push(settle(&w, "m:0", "100x29"));
        seen.push(size(&w, "m:1"));
        let mut sizes: Vec<String> = w
            .ok(&["list-clients", "-F", "#{client_width}x#{client_height}"])
            .lines()
            .map(str::to_owned)
            .collect();
        sizes.sort();
        seen.push(sizes.join(" "));
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        seen.push(settle(&w, "m:0", "90x29"));
        seen.push(size(&w, "m:1"));
        // Moved to another session, it keeps its size (and sizes that session's window).
        w.ok(&["new-session", "-d", "-s", "n", "-x", "80", "-y", "24", "sh"]);
        writeln!(stdin, "switch-client -t n").expect("write");
        seen.push(settle(&w, "n:0", "90x30"));
        drop(stdin);
        let status = ctl.wait().expect("control client exit");
        assert!(status.success(), "{}: control client {status:?}", w.name);
        drain.join().expect("drain");
        shown.push(seen);
    }
    let want = [
        "80x24",
        "90x30",
        "90x30",
        "100x29",
        "90x30",
        // tmux leaves `client_height` empty for a control client.
        "100x30 90x",
        "90x29",
        "90x30",
        "90x30",
    ];
    compare(&shown, &want);
}

/// The latest client goes away: each window it was the latest client of passes to the
/// client showing it that had input most recently (tmux `server_client_attached_lost`), which
/// then sizes it.
#[test]
fn a_lost_latest_client_hands_its_windows_to_the_most_recent_one_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", B, "m", 2);
        client(&outer, &w, "c", (90, 25), "m", 3);
        let mut seen = vec![settle(&w, "m", "90x24")];
        type_into(&outer, "b");
        seen.push(settle(&w, "m", "70x19"));
        // A typed after C attached: A is the most recent of the two.
        type_into(&outer, "a");
        seen.push(settle(&w, "m", "100x29"));
        type_into(&outer, "b");
        seen.push(settle(&w, "m", "70x19"));
        // B goes away (its terminal closes).
        outer.ok(&["kill-session", "-t", "b"]);
        wait_clients(&w, 2, "B gone");
        seen.push(settle(&w, "m", "100x29"));
        shown.push(seen);
    }
    let want = ["90x24", "70x19", "100x29", "70x19", "100x29"];
    compare(&shown, &want);
}

/// A client smaller than its window (here `largest`) shows the part around the active pane's
/// cursor, as tmux 3.3a tty.c `tty_window_offset1`: from the bottom when the cursor is near
/// it, then from the right when the cursor moves past the client's width, with tmux's default
/// `status-right` showing the offset (`[X,Y]`: `window_bigger`, `window_offset_x`,
/// `window_offset_y`). The smaller client's window rows and mark are the same on tidemux and
/// tmux.
#[test]
fn a_client_smaller_than_its_window_shows_the_part_around_the_cursor_as_tmux() {
    let mut shown: Vec<Vec<Vec<String>>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["set-option", "-g", "window-size", "largest"]);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", (60, 15), "m", 2);
        settle(&w, "m", "100x29");
        // The shell's prompt is at the bottom of the window after 40 lines.
        w.ok(&["send-keys", "-t", "m", "clear; seq 1 40", "Enter"]);
        let rows_b = |want: &dyn Fn(&[String]) -> bool| {
            let mut last = Vec::new();
            let ok = wait_until(DEADLINE, || {
                let v = outer.json(&["read-screen", "-t", "b"]);
                last = v["lines"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|l| l.as_str().unwrap_or_default().trim_end().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                last.len() == 15 && want(&last[..14])
            });
            assert!(ok, "{}: client b shows {last:#?}", w.name);
            // The default status-right shows where the view starts: `[X,Y] `.
            let mark = last[14]
                .split(' ')
                .find(|t| t.starts_with('[') && t.ends_with(']') && t.contains(','))
                .unwrap_or_default()
                .to_owned();
            let mut v = last[..14].to_vec();
            v.push(mark);
            v
        };
        let mut seen = vec![rows_b(&|r| r[12] == "40" && r[13].ends_with(['#', '$']))];
        // A long command line: the cursor goes past column 60, the view pans right.
        let long = "y".repeat(80);
        w.ok(&["send-keys", "-t", "m", &format!("echo {long}")]);
        seen.push(rows_b(&|r| {
            r[13].ends_with("yyyy") && !r[13].contains("echo")
        }));
        shown.push(seen);
    }
    assert_eq!(shown[0][0][14], "[0,15]", "tidemux: {:#?}", shown[0]);
    assert_eq!(shown[0][1][14], "[40,15]", "tidemux: {:#?}", shown[0]);
    if let Some(tmux) = shown.get(1) {
        assert_eq!(shown[0], *tmux, "tidemux and tmux show different parts");
    }
}

/// The terminal (tty path, tmux's client name) of the client in outer session `name`.
fn tty_of(outer: &Server, name: &str) -> String {
    outer
        .ok(&["display-message", "-p", "-t", name, "#{pane_tty}"])
        .trim_end()
        .to_owned()
}

/// `#{client_flags}` of every client, in attach order.
fn flags(w: &Tm) -> String {
    w.ok(&["list-clients", "-F", "#{client_flags}"])
        .lines()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `attach -f ignore-size` (and `-r`, which implies it): such a client does not count for
/// window sizes while a client without the flag is attached (tmux resize.c
/// `ignore_client_size`), even as the window's latest client; `refresh-client -f
/// '!ignore-size'` / `-F ignore-size` turn it off and on; alone, it counts again.
/// `#{client_flags}` shows the flags in tmux's order.
#[test]
fn ignore_size_clients_do_not_count_while_another_does_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        let mut seen = Vec::new();
        client(&outer, &w, "a", A, "m", 1);
        seen.push(settle(&w, "m", "100x29"));
        client_with(&outer, &w, "b", B, "m", 2, &["-f", "ignore-size"]);
        let b = tty_of(&outer, "b");
        // B typed last: it is the window's latest client, but does not count.
        type_into(&outer, "b");
        seen.push(settle(&w, "m", "100x29"));
        seen.push(flags(&w));
        w.ok(&["refresh-client", "-t", &b, "-f", "!ignore-size"]);
        seen.push(settle(&w, "m", "70x19"));
        seen.push(flags(&w));
        w.ok(&["refresh-client", "-t", &b, "-F", "ignore-size"]);
        seen.push(settle(&w, "m", "100x29"));
        // -r: read-only and ignore-size.
        client_with(&outer, &w, "c", (60, 15), "m", 3, &["-r"]);
        type_into(&outer, "c");
        seen.push(settle(&w, "m", "100x29"));
        seen.push(flags(&w));
        // switch-client -r toggles read-only and ignore-size together: C, the latest, counts.
        let c = tty_of(&outer, "c");
        w.ok(&["switch-client", "-c", &c, "-r"]);
        seen.push(settle(&w, "m", "60x14"));
        w.ok(&["switch-client", "-c", &c, "-r"]);
        seen.push(settle(&w, "m", "100x29"));
        seen.push(flags(&w));
        // A goes: only flagged clients are left, and they count.
        outer.ok(&["kill-session", "-t", "a"]);
        wait_clients(&w, 2, "A gone");
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        seen.push(settle(&w, "m", "60x14"));
        shown.push(seen);
    }
    let want = [
        "100x29",
        "100x29",
        "attached,focused,UTF-8 attached,focused,ignore-size,UTF-8",
        "70x19",
        "attached,focused,UTF-8 attached,focused,UTF-8",
        "100x29",
        "100x29",
        "attached,focused,UTF-8 attached,focused,ignore-size,UTF-8 attached,focused,ignore-size,read-only,UTF-8",
        "60x14",
        "100x29",
        "attached,focused,UTF-8 attached,focused,ignore-size,UTF-8 attached,focused,ignore-size,read-only,UTF-8",
        "60x14",
    ];
    compare(&shown, &want);
}

/// A new window takes its final size when it is created (tmux resize.c
/// `default_window_size`): with `latest`, the size of the client the command runs for (the
/// most recently active one), not the smallest or largest of the clients; with `largest` and
/// `smallest`, those of the session's clients. A detached window (`-d`) keeps that size.
#[test]
fn a_new_window_gets_its_size_when_created_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", B, "m", 2);
        let mut seen = vec![settle(&w, "m", "70x19")];
        let new = |w: &Tm| {
            w.ok(&[
                "new-window",
                "-d",
                "-P",
                "-F",
                "#{window_width}x#{window_height}",
                "sh",
            ])
            .trim_end()
            .to_owned()
        };
        type_into(&outer, "a");
        seen.push(settle(&w, "m:0", "100x29"));
        seen.push(new(&w));
        type_into(&outer, "b");
        seen.push(settle(&w, "m:0", "70x19"));
        seen.push(new(&w));
        w.ok(&["set-option", "-g", "window-size", "largest"]);
        seen.push(new(&w));
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        seen.push(new(&w));
        // Still its size once the server settled: list them all.
        w.ok(&["set-option", "-g", "window-size", "latest"]);
        seen.push(new(&w));
        seen.push(
            w.ok(&["list-windows", "-F", "#{window_width}x#{window_height}"])
                .lines()
                .collect::<Vec<_>>()
                .join(" "),
        );
        shown.push(seen);
    }
    let want = [
        "70x19",
        "100x29",
        "100x29",
        "70x19",
        "70x19",
        "100x29",
        "70x19",
        "70x19",
        "70x19 100x29 70x19 100x29 70x19 70x19",
    ];
    compare(&shown, &want);
}

/// Manual panning (tmux 3.3a cmd-refresh-client.c, tty.c `tty_window_offset1`): on a client
/// smaller than its window, `refresh-client -R|-L|-U|-D N` moves the visible part from where
/// it is, kept within the window, and `-c` follows the cursor again; the rows shown and the
/// `[X,Y]` mark of tmux's default `status-right` are the same on tidemux and tmux. A bad
/// adjustment is tmux's error.
#[test]
fn refresh_client_pans_a_window_larger_than_the_client_as_tmux() {
    let mut shown: Vec<Vec<Vec<String>>> = Vec::new();
    let mut errors: Vec<Vec<(i32, String)>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["set-option", "-g", "window-size", "largest"]);
        client(&outer, &w, "a", A, "m", 1);
        client(&outer, &w, "b", (60, 15), "m", 2);
        settle(&w, "m", "100x29");
        let b = tty_of(&outer, "b");
        // Numbered lines, each long enough to show the columns the view starts at.
        w.ok(&[
            "send-keys",
            "-t",
            "m",
            "clear; for i in $(seq 10 48); do printf '%s' $i; seq -s '' 10 55 | cut -c1-96; done",
            "Enter",
        ]);
        // Client b's rows and the `[X,Y]` mark of its status line, once `want` holds.
        let rows_b = |want: &dyn Fn(&[String], &str) -> bool| {
            let mut last = Vec::new();
            let mut mark = String::new();
            let ok = wait_until(DEADLINE, || {
                let v = outer.json(&["read-screen", "-t", "b"]);
                last = v["lines"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|l| l.as_str().unwrap_or_default().trim_end().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                if last.len() != 15 {
                    return false;
                }
                mark = last[14]
                    .split(' ')
                    .find(|t| t.starts_with('[') && t.ends_with(']') && t.contains(','))
                    .unwrap_or_default()
                    .to_owned();
                want(&last[..14], &mark)
            });
            assert!(ok, "{}: client b shows {last:#?}", w.name);
            let mut v = last[..14].to_vec();
            v.push(mark);
            v
        };
        let mut seen = vec![rows_b(&|r, m| m == "[0,15]" && r[12].starts_with("48"))];
        let pan = |args: &[&str], mark: &'static str| {
            let mut a = vec!["refresh-client", "-t", b.as_str()];
            a.extend(args);
            w.ok(&a);
            rows_b(&|_, m| m == mark)
        };
        seen.push(pan(&["-R", "5"], "[5,15]"));
        seen.push(pan(&["-U", "3"], "[5,12]"));
        seen.push(pan(&["-U"], "[5,11]"));
        seen.push(pan(&["-L", "10"], "[0,11]"));
        seen.push(pan(&["-R", "100"], "[40,11]"));
        seen.push(pan(&["-D", "100"], "[40,15]"));
        seen.push(pan(&["-U", "100"], "[40,0]"));
        seen.push(pan(&["-c"], "[0,15]"));
        // tmux's default bindings: prefix S-Right (`refresh-client -R 10`), prefix DC (`-c`).
        outer.ok(&["send-key", "-t", "b", "C-b", "S-Right"]);
        seen.push(rows_b(&|_, m| m == "[10,15]"));
        outer.ok(&["send-key", "-t", "b", "C-b", "DC"]);
        seen.push(rows_b(&|_, m| m == "[0,15]"));
        let mut errs = Vec::new();
        for bad in ["0", "x", " -3", "99999999999"] {
            let r = w.run(&["refresh-client", "-t", &b, "-R", bad]);
            errs.push((r.code, r.stderr));
        }
        // Nothing moved.
        seen.push(rows_b(&|_, m| m == "[0,15]"));
        if w.name == "tidemux" {
            // tidemux's own syntax: -c CLIENT, --follow-cursor.
            let native = |args: &[&str]| {
                let sock = w.socket();
                let mut a = vec!["-S", sock.to_str().expect("utf-8"), "refresh-client"];
                a.extend(["-c", b.as_str()]);
                a.extend(args);
                let o = std::process::Command::new(crate::support::exe())
                    .args(&a)
                    .output()
                    .expect("run tidemux");
                assert!(o.status.success(), "tidemux {a:?}: {o:?}");
            };
            native(&["-R", "7"]);
            rows_b(&|_, m| m == "[7,15]");
            native(&["-D"]);
            native(&["--follow-cursor"]);
            rows_b(&|_, m| m == "[0,15]");
        }
        shown.push(seen);
        errors.push(errs);
    }
    assert_eq!(
        errors[0],
        [
            (1, "adjustment too small\n".to_owned()),
            (1, "adjustment invalid\n".to_owned()),
            (1, "adjustment too small\n".to_owned()),
            (1, "adjustment too large\n".to_owned()),
        ],
        "tidemux"
    );
    if let Some(tmux) = shown.get(1) {
        assert_eq!(errors[0], errors[1], "tidemux and tmux errors");
        assert_eq!(shown[0], *tmux, "tidemux and tmux show different parts");
    }
}

/// A control client's own size for one window (`refresh-client -C @WINDOW:WxH`, tmux
/// `client_window`): used for that window in place of the client's size (tmux's 80x24 before
/// `-C WxH`), and no client lets the window be larger, even with `largest`; `@WINDOW:`
/// clears it. Every window takes its size at once.
#[test]
fn control_client_window_sizes_as_tmux() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["new-window", "-d", "-t", "m:1", "sh"]);
        let one = w
            .ok(&["display-message", "-p", "-t", "m:1", "#{window_id}"])
            .trim_end()
            .to_owned();
        let mut ctl = w
            .cmd(&["-C", "attach", "-t", "m"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a control client");
        let mut stdin = ctl.stdin.take().expect("stdin");
        let stdout = ctl.stdout.take().expect("stdout");
        let drain = std::thread::spawn(move || BufReader::new(stdout).lines().count());
        wait_clients(&w, 1, "the control client");
        let mut seen = Vec::new();
        writeln!(stdin, "refresh-client -C {one}:100x30").expect("write");
        seen.push(settle(&w, "m:1", "100x30"));
        // The other window: the control client's 80x24.
        seen.push(settle(&w, "m:0", "80x24"));
        writeln!(stdin, "refresh-client -C 90x40").expect("write");
        seen.push(settle(&w, "m:0", "90x40"));
        seen.push(size(&w, "m:1"));
        writeln!(stdin, "refresh-client -C {one}:").expect("write");
        seen.push(settle(&w, "m:1", "90x40"));
        w.ok(&["set-option", "-g", "window-size", "largest"]);
        client(&outer, &w, "a", A, "m", 2);
        seen.push(settle(&w, "m:0", "100x40"));
        writeln!(stdin, "refresh-client -C {one}:50x20").expect("write");
        // Largest would be 100x40: the control client's size for the window caps it.
        seen.push(settle(&w, "m:1", "50x20"));
        seen.push(size(&w, "m:0"));
        drop(stdin);
        let status = ctl.wait().expect("control client exit");
        assert!(status.success(), "{}: control client {status:?}", w.name);
        drain.join().expect("drain");
        shown.push(seen);
    }
    let want = [
        "100x30", "80x24", "90x40", "100x30", "90x40", "100x40", "50x20", "100x40",
    ];
    compare(&shown, &want);
}

/// A window moved or linked into a session with clients (`move-window -d`, `link-window
/// -d`), made by `break-pane -d` from another session's window, or given a layout string of
/// another size (`select-layout`), keeps its size while no
/// client shows it (tmux resizes a window only once a session with clients shows it:
/// `recalculate_size` defers the rest); shown, it takes the clients' size.
#[test]
fn a_window_moved_or_linked_in_keeps_its_size_until_shown_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        w.ok(&["new-session", "-d", "-s", "n", "-x", "50", "-y", "20", "sh"]);
        w.ok(&["new-window", "-d", "-t", "n:1", "sh"]);
        client(&outer, &w, "a", A, "m", 1);
        let mut seen = vec![settle(&w, "m", "100x29")];
        seen.push(size(&w, "n:0"));
        w.ok(&["move-window", "-d", "-s", "n:0", "-t", "m:5"]);
        seen.push(size(&w, "m:5"));
        w.ok(&["link-window", "-d", "-s", "n:1", "-t", "m:6"]);
        seen.push(size(&w, "m:6"));
        // A layout string of another size: the window takes it, and keeps it unshown.
        let layout = w
            .ok(&["display-message", "-p", "-t", "n:1", "#{window_layout}"])
            .trim_end()
            .to_owned();
        w.ok(&["new-window", "-d", "-t", "m:7", "sh"]);
        seen.push(size(&w, "m:7"));
        w.ok(&["select-layout", "-t", "m:7", &layout]);
        seen.push(size(&w, "m:7"));
        w.ok(&["select-window", "-t", "m:5"]);
        seen.push(settle(&w, "m:5", "100x29"));
        seen.push(size(&w, "m:6"));
        w.ok(&["select-window", "-t", "m:7"]);
        seen.push(settle(&w, "m:7", "100x29"));
        // A pane broken out into a new window of m: the window it left's size.
        w.ok(&["split-window", "-d", "-t", "n:1", "sh"]);
        w.ok(&["break-pane", "-d", "-s", "n:1.1", "-t", "m:8"]);
        seen.push(size(&w, "m:8"));
        shown.push(seen);
    }
    let want = [
        "100x29", "50x20", "50x20", "50x20", "100x29", "50x20", "100x29", "50x20", "100x29",
        "50x20",
    ];
    compare(&shown, &want);
}

/// `new-session` typed in a terminal (not `-d`) starts the session's window at that
/// terminal's size less the status line (tmux cmd-new-session.c, spawn.c
/// `default_window_size` with the command's client), so its first program sees that size
/// from the start, not `default-size` until the client attaches. With `-d` and `latest`,
/// the attached clients' smallest size, `-x/-y` or not; with `smallest` (the new session has
/// no clients), `default-size` or `-x/-y`.
#[test]
fn new_session_in_a_terminal_starts_at_its_size_as_tmux() {
    let mut shown: Vec<Vec<String>> = Vec::new();
    for w in worlds() {
        let outer = start(&w);
        let sock = w.socket();
        let program = w.program.to_str().expect("utf-8 path");
        let first_line = |target: &str| {
            let mut last = String::new();
            let ok = wait_until(DEADLINE, || {
                last = w.run(&["capture-pane", "-p", "-t", target]).stdout;
                last.lines().next().is_some_and(|l| !l.trim().is_empty())
            });
            assert!(ok, "{}: {target} printed nothing: {last:?}", w.name);
            last.lines()
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_owned()
        };
        let mut seen = Vec::new();
        let mut start_in = |outer_name: &str, session: &str, clients: usize, want: &str, stty| {
            let mut args = vec![
                "new-session",
                "-d",
                "-s",
                outer_name,
                "-x",
                "90",
                "-y",
                "25",
                "--",
            ];
            args.extend(OUTSIDE_ANY_MUX);
            args.extend([
                program,
                "-S",
                sock.to_str().expect("utf-8 socket path"),
                "new-session",
                "-s",
                session,
                "--",
                "sh",
                "-c",
                "stty size; exec cat",
            ]);
            outer.ok(&args);
            wait_clients(&w, clients, outer_name);
            if stty {
                seen.push(first_line(session));
            }
            seen.push(settle(&w, session, want));
        };
        start_in("o1", "s1", 1, "90x24", true);
        // (tidemux's client learns that its status line is off after it attached, so the
        // window has a row less for a moment: the size is compared once settled.)
        w.ok(&["set-option", "-g", "status", "off"]);
        start_in("o2", "s2", 2, "90x25", false);
        let detached = |name: &str, size: &[&str]| {
            let mut a = vec!["new-session", "-d", "-s", name];
            a.extend(size);
            a.extend(["--", "sh", "-c", "stty size; exec cat"]);
            w.ok(&a);
            first_line(name)
        };
        seen.push(detached("s3", &[]));
        seen.push(detached("s4", &["-x", "50", "-y", "20"]));
        w.ok(&["set-option", "-g", "window-size", "smallest"]);
        seen.push(detached("s5", &[]));
        seen.push(detached("s6", &["-x", "50", "-y", "20"]));
        shown.push(seen);
    }
    let want = [
        "24 90", "90x24", "90x25", "25 90", "25 90", "24 80", "20 50",
    ];
    compare(&shown, &want);
}
