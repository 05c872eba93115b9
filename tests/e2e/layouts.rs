//! Layouts (issue 11): the same sequence of splits, presets, kills, resizes and moves on
//! tidemux and on tmux 3.3a side by side (a private tmux server in the test's temp dir), with
//! `#{window_layout}` (sizes, offsets, pane ids, tmux's checksum) and list-panes geometry
//! compared after every step. Without tmux installed, the tidemux side still runs and checks
//! its own invariants.

use crate::formats::Tmux;
use crate::support::Server;

/// Both servers, one session `w` of `cols` x `rows` running `sleep` in pane %0.
struct Both {
    s: Server,
    t: Option<Tmux>,
}

const SLEEP: &str = "sleep 1000";

impl Both {
    fn new(cols: u16, rows: u16) -> Both {
        let s = Server::new();
        let (x, y) = (cols.to_string(), rows.to_string());
        s.ok(&[
            "new-session",
            "-d",
            "-s",
            "w",
            "-x",
            &x,
            "-y",
            &y,
            "--",
            "sleep",
            "1000",
        ]);
        let t = Tmux::new();
        if let Some(t) = &t {
            t.ok(&["new-session", "-d", "-s", "w", "-x", &x, "-y", &y, SLEEP]);
        }
        Both { s, t }
    }

    /// `split-window FLAGS -t TARGET` running sleep on both.
    #[track_caller]
    fn split(&self, flags: &[&str], target: &str) {
        let mut a = vec!["split-window", "-d", "-t", target];
        a.extend(flags);
        let mut ta = a.clone();
        a.extend(["--", "sleep", "1000"]);
        self.s.ok(&a);
        if let Some(t) = &self.t {
            ta.push(SLEEP);
            t.ok(&ta);
        }
    }

    /// Runs the same command on both, asserting success.
    #[track_caller]
    fn both(&self, args: &[&str]) {
        self.s.ok(args);
        if let Some(t) = &self.t {
            t.ok(args);
        }
    }

    /// Runs the same command on both; both must fail. Returns tidemux's stderr.
    #[track_caller]
    fn both_fail(&self, args: &[&str]) -> String {
        let o = self.s.run(args);
        assert_ne!(o.code, 0, "tidemux {args:?} should fail: {o:?}");
        assert!(!o.stderr.is_empty(), "tidemux {args:?}: no message");
        if let Some(t) = &self.t {
            let r = t.run(args);
            assert_ne!(r.code, 0, "tmux {args:?} should fail: {r:?}");
        }
        o.stderr
    }

    fn tidemux_layout(&self) -> String {
        self.s
            .ok(&["display-message", "-p", "-t", "w", "#{window_layout}"])
            .trim()
            .to_owned()
    }

    /// What is compared: the layout string and every pane's index, geometry and activity.
    fn state(&self, fmt: &str) -> (String, Option<String>) {
        let a = self.s.ok(&["list-panes", "-a", "-F", fmt]);
        let b = self
            .t
            .as_ref()
            .map(|t| t.ok(&["list-panes", "-a", "-F", fmt]));
        (a, b)
    }

    /// Asserts both servers show the same layout and panes; `step` names the step.
    #[track_caller]
    fn same(&self, step: &str) {
        let fmt = "#{window_index} #{window_layout} #{pane_index} #{pane_id} #{pane_left},#{pane_top} #{pane_width}x#{pane_height} #{?pane_active,active,}";
        let (a, b) = self.state(fmt);
        check_geometry(&a, step);
        if let Some(b) = b {
            assert_eq!(
                a, b,
                "after {step}: tidemux (left) differs from tmux (right)"
            );
        }
    }
}

/// Invariants of tidemux's own output: the layout string's checksum is tmux's.
#[track_caller]
fn check_geometry(listing: &str, step: &str) {
    for line in listing.lines() {
        let layout = line.split(' ').nth(1).expect("layout");
        let (csum, body) = layout.split_once(',').expect("csum");
        let mut c: u16 = 0;
        for b in body.bytes() {
            c = (c >> 1)
                .wrapping_add((c & 1) << 15)
                .wrapping_add(u16::from(b));
        }
        assert_eq!(
            csum,
            format!("{c:04x}"),
            "after {step}: bad checksum in {layout}"
        );
    }
}

/// Five panes in a mixed tree, on an odd-sized window.
fn five(cols: u16, rows: u16) -> Both {
    let b = Both::new(cols, rows);
    b.split(&["-h"], "%0");
    b.split(&[], "%1");
    b.split(&["-h"], "%0");
    b.split(&["-l", "3"], "%3");
    b.same("five splits");
    b
}

#[test]
fn presets_match_tmux_on_odd_sizes() {
    for (cols, rows) in [(81, 25), (47, 13)] {
        let b = five(cols, rows);
        for l in [
            "even-horizontal",
            "even-vertical",
            "main-horizontal",
            "main-vertical",
            "tiled",
        ] {
            b.both(&["select-layout", "-t", "w", l]);
            b.same(&format!("{cols}x{rows} select-layout {l}"));
        }
        // Abbreviations, next/previous cycling, -o (the layout before).
        b.both(&["select-layout", "-t", "w", "main-v"]);
        b.same("select-layout main-v");
        b.both(&["next-layout", "-t", "w"]);
        b.same("next-layout");
        b.both(&["previous-layout", "-t", "w"]);
        b.both(&["previous-layout", "-t", "w"]);
        b.same("previous-layout twice");
        b.both(&["select-layout", "-t", "w", "-o"]);
        b.same("select-layout -o");
        b.both(&["select-layout", "-t", "w", "-n"]);
        b.same("select-layout -n");
    }
}

#[test]
fn main_pane_options_match_tmux() {
    let b = five(81, 25);
    b.both(&["set-option", "-w", "-t", "w", "main-pane-width", "30"]);
    b.both(&["select-layout", "-t", "w", "main-vertical"]);
    b.same("main-pane-width 30");
    b.both(&["set-option", "-w", "-t", "w", "other-pane-width", "20"]);
    b.both(&["select-layout", "-t", "w", "main-vertical"]);
    b.same("other-pane-width 20");
    b.both(&["set-option", "-w", "-t", "w", "main-pane-height", "50%"]);
    b.both(&["select-layout", "-t", "w", "main-horizontal"]);
    b.same("main-pane-height 50%");
    b.both(&["set-option", "-w", "-t", "w", "other-pane-height", "5"]);
    b.both(&["select-layout", "-t", "w", "main-horizontal"]);
    b.same("other-pane-height 5");
}

#[test]
fn layout_strings_round_trip_with_checksum() {
    let b = five(81, 25);
    b.both(&["select-layout", "-t", "w", "tiled"]);
    let tiled = b.tidemux_layout();
    b.both(&["select-layout", "-t", "w", "even-vertical"]);
    // tmux's own string applies on both and reads back identically.
    b.both(&["select-layout", "-t", "w", &tiled]);
    b.same("select-layout with a layout string");
    assert_eq!(b.tidemux_layout(), tiled);
    // A string with another size resizes the window, as in tmux.
    let body = "99x30,0,0[99x10,0,0,0,99x9,0,11{49x9,0,11,3,49x9,50,11,4},99x9,0,21{49x9,0,21,1,49x9,50,21,2}]";
    let mut c: u16 = 0;
    for x in body.bytes() {
        c = (c >> 1)
            .wrapping_add((c & 1) << 15)
            .wrapping_add(u16::from(x));
    }
    let s = format!("{c:04x},{body}");
    b.both(&["select-layout", "-t", "w", &s]);
    b.same("select-layout with a 99x30 string");
    // A wrong checksum, a bad syntax, too few cells: refused, nothing changed.
    let before = b.tidemux_layout();
    let bad = format!("{:04x}{}", c.wrapping_add(1), &s[4..]);
    let e = b.both_fail(&["select-layout", "-t", "w", &bad]);
    assert!(e.contains("invalid layout"), "{e}");
    // (tmux 3.3a's server crashes on a name that is neither a preset nor a layout string, so
    // this one is checked on tidemux only.)
    let e = b.s.run(&["select-layout", "-t", "w", "nonsense"]);
    assert_ne!(e.code, 0);
    assert!(e.stderr.contains("invalid layout: nonsense"), "{e:?}");
    let two = "11fa,81x25,0,0{40x25,0,0,0,40x25,41,0,1}";
    let e = b.both_fail(&["select-layout", "-t", "w", two]);
    assert!(e.contains("have 5 panes but need 2"), "{e}");
    assert_eq!(b.tidemux_layout(), before);
    b.same("refused layouts");
}

#[test]
fn killed_panes_reflow_like_tmux() {
    let b = five(81, 25);
    b.split(&["-h", "-l", "10"], "%2");
    b.same("six panes");
    for p in ["%3", "%1", "%5", "%0"] {
        b.both(&["kill-pane", "-t", p]);
        b.same(&format!("kill-pane -t {p}"));
    }
    // After a preset too.
    let b = five(61, 21);
    b.both(&["select-layout", "-t", "w", "tiled"]);
    for p in ["%4", "%0"] {
        b.both(&["kill-pane", "-t", p]);
        b.same(&format!("tiled, kill-pane -t {p}"));
    }
}

#[test]
fn resize_pane_matches_tmux() {
    let b = five(81, 25);
    for args in [
        &["resize-pane", "-t", "%0", "-R", "5"][..],
        &["resize-pane", "-t", "%1", "-L", "3"],
        &["resize-pane", "-t", "%2", "-U", "2"],
        &["resize-pane", "-t", "%4", "-D"],
        &["resize-pane", "-t", "%3", "-x", "20"],
        &["resize-pane", "-t", "%1", "-y", "30%"],
        &["resize-pane", "-t", "%0", "-R", "500"],
        &["resize-pane", "-t", "%2", "-x", "50%"],
    ] {
        b.both(args);
        b.same(&args.join(" "));
    }
    // Window resizes reflow one cell at a time, as tmux's layout_resize.
    b.both(&["resize-window", "-t", "w", "-x", "70", "-y", "20"]);
    b.same("resize-window 70x20");
    b.both(&["resize-window", "-t", "w", "-x", "90", "-y", "31"]);
    b.same("resize-window 90x31");
    // -Z toggles zoom.
    b.both(&["resize-pane", "-Z", "-t", "%1"]);
    let z =
        b.s.ok(&["display-message", "-p", "-t", "%1", "#{window_zoomed_flag}"]);
    assert_eq!(z.trim(), "1");
    b.both(&["resize-pane", "-Z", "-t", "%1"]);
    b.same("zoom toggled twice");
}

#[test]
fn swap_and_rotate_match_tmux() {
    let b = five(81, 25);
    for args in [
        &["swap-pane", "-s", "%0", "-t", "%2"][..],
        &["swap-pane", "-D", "-t", "%2"],
        &["swap-pane", "-U", "-t", "%4"],
        &["swap-pane", "-d", "-s", "%1", "-t", "%3"],
        &["rotate-window", "-t", "w"],
        &["rotate-window", "-D", "-t", "w"],
        &["rotate-window", "-D", "-t", "w"],
    ] {
        b.both(args);
        b.same(&args.join(" "));
    }
}

#[test]
fn split_before_and_full_match_tmux() {
    let b = Both::new(81, 25);
    b.split(&["-h"], "%0");
    b.split(&["-b"], "%1");
    b.same("split -b");
    b.split(&["-f"], "%0");
    b.same("split -f");
    b.split(&["-h", "-f", "-b"], "%2");
    b.same("split -h -f -b");
    b.split(&["-h", "-b", "-l", "7"], "%3");
    b.same("split -h -b -l 7");
}

#[test]
fn select_pane_directions_match_tmux() {
    let b = five(81, 25);
    let active = |b: &Both| {
        let a =
            b.s.ok(&["display-message", "-p", "-t", "w", "#{pane_id}"])
                .trim()
                .to_owned();
        if let Some(t) = &b.t {
            let c = t.ok(&["display-message", "-p", "-t", "w", "#{pane_id}"]);
            assert_eq!(a, c.trim(), "active pane differs from tmux");
        }
        a
    };
    b.both(&["select-pane", "-t", "%0"]);
    let mut seen = Vec::new();
    for d in ["-R", "-D", "-D", "-L", "-U", "-R", "-R", "-L", "-l", "-U"] {
        b.both(&["select-pane", "-t", "w", d]);
        seen.push(active(&b));
    }
    // Moving around visits several panes and wraps.
    seen.sort();
    seen.dedup();
    assert!(seen.len() >= 3, "{seen:?}");
    b.both(&["last-pane", "-t", "w"]);
    active(&b);
    // Marks: -m marks, a second -m unmarks, -M clears.
    b.both(&["select-pane", "-m", "-t", "%2"]);
    let m = b.s.ok(&[
        "display-message",
        "-p",
        "-t",
        "%2",
        "#{pane_marked}#{pane_marked_set}",
    ]);
    assert_eq!(m.trim(), "11");
    b.both(&["select-pane", "-M"]);
    let m = b.s.ok(&[
        "display-message",
        "-p",
        "-t",
        "%2",
        "#{pane_marked}#{pane_marked_set}",
    ]);
    assert_eq!(m.trim(), "00");
    // -T sets the title.
    b.both(&["select-pane", "-t", "%3", "-T", "build #{pane_index}"]);
    let (a, t) = b.state("#{pane_id} #{pane_title}");
    let mine = a
        .lines()
        .find(|l| l.starts_with("%3 "))
        .expect("%3")
        .to_owned();
    assert!(mine.starts_with("%3 build "), "{mine}");
    if let Some(t) = t {
        assert!(t.lines().any(|l| l == mine), "tmux: {t}");
    }
}

#[test]
fn break_join_and_move_match_tmux() {
    let b = five(81, 25);
    let fmt = "#{window_index} #{window_id} #{window_panes} #{window_active} #{window_layout}";
    let same_windows = |b: &Both, step: &str| {
        let a = b.s.ok(&["list-windows", "-a", "-F", fmt]);
        if let Some(t) = &b.t {
            let c = t.ok(&["list-windows", "-a", "-F", fmt]);
            assert_eq!(a, c, "after {step}: windows differ from tmux");
        }
        b.same(step);
    };
    b.both(&["break-pane", "-d", "-s", "%1"]);
    same_windows(&b, "break-pane -d -s %1");
    b.both(&["break-pane", "-s", "%3", "-n", "three", "-t", "w:5"]);
    same_windows(&b, "break-pane -t w:5");
    b.both(&["join-pane", "-h", "-s", "%3", "-t", "%0"]);
    same_windows(&b, "join-pane -h");
    b.both(&[
        "move-pane",
        "-v",
        "-b",
        "-l",
        "5",
        "-s",
        "w:1.0",
        "-t",
        "%2",
    ]);
    same_windows(&b, "move-pane -v -b -l 5");
    b.both(&["break-pane", "-s", "%4", "-a", "-t", "w:0"]);
    same_windows(&b, "break-pane -a");
    b.s.ok(&["new-window", "-d", "-t", "w", "--", "sleep", "1000"]);
    if let Some(t) = &b.t {
        t.ok(&["new-window", "-d", "-t", "w", SLEEP]);
    }
    b.both(&["move-window", "-s", "w:2", "-t", "w:7"]);
    same_windows(&b, "move-window to index 7");
    b.both(&["move-window", "-s", "w:7", "-t", "w:3"]);
    same_windows(&b, "move-window to a free index");
    b.both_fail(&["move-window", "-s", "w:3", "-t", "w:0"]);
    b.both(&["move-window", "-r", "-t", "w"]);
    same_windows(&b, "move-window -r");
    b.both(&["swap-window", "-s", "w:0", "-t", "w:2"]);
    same_windows(&b, "swap-window");
    b.both(&["select-window", "-t", "w:1"]);
    b.both(&["select-window", "-t", "w:0"]);
    b.both(&["last-window", "-t", "w"]);
    same_windows(&b, "last-window");
    // The marked pane is the default source of join-pane.
    b.both(&["select-pane", "-m", "-t", "w:0.0"]);
    b.both(&["join-pane", "-t", "w:1.0"]);
    same_windows(&b, "join-pane from the marked pane");
    // Errors: join a pane to itself; unlink a window linked once.
    b.both_fail(&["join-pane", "-s", "%0", "-t", "%0"]);
    b.both_fail(&["unlink-window", "-t", "w:1"]);
    // A window linked a second time into the session, then unlinked again.
    b.both(&["link-window", "-s", "w:1", "-t", "w:9"]);
    same_windows(&b, "link-window");
    b.both_fail(&["link-window", "-s", "w:1", "-t", "w:9"]);
    b.both(&["unlink-window", "-t", "w:9"]);
    same_windows(&b, "unlink-window");
}

#[test]
fn json_replies() {
    let s = Server::new();
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "j",
        "-x",
        "81",
        "-y",
        "25",
        "--",
        "sleep",
        "1000",
    ]);
    s.ok(&["split-window", "-d", "-h", "-t", "j", "--", "sleep", "1000"]);
    let v = s.json(&["select-layout", "-t", "j", "even-vertical"]);
    assert_eq!(v["ok"], true);
    let v = s.json(&["break-pane", "-d", "-s", "%1"]);
    assert_eq!(v["pane"], "%1");
    assert_eq!(v["session_name"], "j");
    let out = s.ok(&["break-pane", "-P", "-s", "%1", "-t", "j:"]);
    assert_eq!(out.trim(), "j:2.0");
    let e = s.run(&["select-layout", "-t", "j", "bogus", "--json"]);
    assert_ne!(e.code, 0);
    assert!(e.stdout.contains("invalid layout") || e.stderr.contains("invalid layout"));
}
