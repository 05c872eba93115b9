//! `status-format`, `status 2`..`5` and `status-interval` (tmux(1) "status-format",
//! "status", "status-interval", "STYLES"): the tidemux client's status lines against a real
//! tmux 3.3a client's, both 80x24 in panes of the outer server, cell for cell with colours
//! (`read-screen --ansi`).

use crate::attach::Rig;
use crate::support::{wait_until, DEADLINE};

/// Both servers with the same session `work` (windows alpha and beta, beta current) and a
/// real tmux client (`t`) and a tidemux client (`o`) attached; `None` without tmux 3.3a.
struct Pair {
    rig: Rig,
    real: crate::tmux_lang::Tm,
}

impl Pair {
    fn new() -> Option<Pair> {
        let Some(real) = crate::tmux_lang::Tm::real() else {
            eprintln!("tmux 3.3a not installed: comparison skipped");
            return None;
        };
        let rig = Rig::new();
        crate::view_config::alpha_beta(&real, &rig);
        let pair = Pair { rig, real };
        // Fixed texts: no clock, no host name, no sidebar.
        pair.both(&["set", "-g", "status-right", "R"]);
        pair.rig.inner.ok(&["set", "-g", "sidebar", "off"]);
        Some(pair)
    }

    /// Runs a tmux command in both servers.
    fn both(&self, args: &[&str]) {
        self.real.ok(args);
        let mut a = vec!["tmux", "-S", self.rig.sock()];
        a.extend(args);
        self.rig.inner.ok(&a);
    }

    /// Starts both clients.
    fn attach(&self) {
        let sock = self.real.socket();
        self.rig.tmux_client(
            "t",
            self.real.program.to_str().expect("utf-8"),
            sock.to_str().expect("utf-8"),
            "work",
        );
        self.rig.spawn("o", 80, 24, &["attach", "-t", "work"]);
    }

    /// Row `row` of the client in outer session `name`, with its colours.
    fn row(&self, name: &str, row: usize) -> String {
        self.rig.outer.json(&["read-screen", "-t", name, "--ansi"])["lines"][row]
            .as_str()
            .unwrap_or_default()
            .trim_end()
            .to_owned()
    }

    /// Waits until rows `rows` of both clients are the same and `pred` holds for tmux's;
    /// returns tmux's.
    #[track_caller]
    fn same(&self, what: &str, rows: &[usize], pred: impl Fn(&[String]) -> bool) -> Vec<String> {
        let mut t = Vec::new();
        let mut o = Vec::new();
        let ok = wait_until(DEADLINE, || {
            t = rows.iter().map(|r| self.row("t", *r)).collect::<Vec<_>>();
            o = rows.iter().map(|r| self.row("o", *r)).collect::<Vec<_>>();
            pred(&t) && t == o
        });
        assert!(
            ok,
            "{what}: the status rows differ\n tmux:    {t:#?}\n tidemux: {o:#?}"
        );
        eprintln!("{what}: {t:?}");
        t
    }
}

/// A `status-format[0]` of its own, drawn as tmux draws it: `#[align=left|centre|right]`
/// pieces (with a client variable), a `#{W:}` loop with styles, then a window list (`list=on`, `list=focus`,
/// `range=window|N`) centred, and `#[fill=]`.
#[test]
fn status_format_line_draws_as_tmux() {
    let Some(p) = Pair::new() else { return };
    p.attach();
    let cases = [
        (
            "aligned pieces and a W loop",
            "#[align=left]<#S:#{session_windows}:#{client_width}>#[align=centre]#{W:#I-#W ,#[reverse]#I-#W#[noreverse] }#[align=right fg=red]right#[default]!",
        ),
        (
            "a centred window list",
            "#[fg=yellow]L#[default]#[list=on align=centre]#{W:#[range=window|#{window_index}]#I:#W#[norange] ,#[range=window|#{window_index} list=focus bg=blue]<#I:#W>#[norange list=on default] }#[nolist align=right]END",
        ),
        (
            "fill and push-default",
            "#[fill=blue bg=blue]#[fg=white push-default]abc#[fg=red]d#[default]e#[pop-default]#[default]f#[align=absolute-centre]mid",
        ),
    ];
    for (what, fmt) in cases {
        p.both(&["set", "-g", "status-format[0]", fmt]);
        p.same(what, &[23], |t| !t[0].is_empty());
    }
}

/// `status 2`: a second status line from `status-format[1]` (tmux's default: the panes of
/// the current window, centred, the active one in reverse), the window a row shorter.
#[test]
fn status_two_adds_the_pane_list_line() {
    let Some(p) = Pair::new() else { return };
    p.both(&["set", "-g", "status", "2"]);
    p.attach();
    let t = p.same("status 2", &[21, 22, 23], |t| t[2].contains("[80x22]"));
    assert!(t[1].contains("work"), "{t:?}");
    // Back to one line: the panes get the row again.
    p.both(&["set", "-g", "status", "on"]);
    p.same("status on", &[22, 23], |t| t[1].contains("work"));
}

/// The 19-digit `date +%s%N` number on a status row, if one shows.
fn stamp(row: &str) -> Option<String> {
    let plain: String = {
        // Without the colour sequences (`ESC [ ... m`).
        let mut out = String::new();
        let mut it = row.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\u{1b}' {
                for d in it.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    plain
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() >= 18)
        .map(str::to_owned)
}

/// Watches the status rows of both clients for `secs` seconds; returns, per client (tmux's,
/// tidemux's), the seconds from the start at which the stamp changed (the first sighting
/// included) and the stamps seen.
fn watch(p: &Pair, secs: f64) -> [(Vec<f64>, Vec<String>); 2] {
    let start = std::time::Instant::now();
    let mut seen: [(Vec<f64>, Vec<String>); 2] = Default::default();
    // A window of observation, not a wait: the condition records each change as it is seen
    // and never holds, so `wait_until` polls both rows until the window ends.
    wait_until(std::time::Duration::from_secs_f64(secs), || {
        for (i, name) in ["t", "o"].into_iter().enumerate() {
            if let Some(s) = stamp(&p.row(name, 23)) {
                if seen[i].1.last() != Some(&s) {
                    seen[i].0.push(start.elapsed().as_secs_f64());
                    seen[i].1.push(s);
                }
            }
        }
        false
    });
    seen
}

/// `status-interval` paces the status line and its `#(command)` jobs as in tmux: with
/// `status-interval 2` a `#(date +%s%N)` in status-right changes about every 2 seconds (a
/// job reruns when the line is redrawn), with `status-interval 0` it stays.
#[test]
fn status_interval_paces_shell_jobs_as_tmux() {
    let Some(p) = Pair::new() else { return };
    p.both(&["set", "-g", "status-interval", "2"]);
    p.both(&["set", "-g", "status-right", "#(date +%s%N)"]);
    p.attach();
    // Both show a stamp (the job's output comes after the first expansion).
    let ok = wait_until(DEADLINE, || {
        stamp(&p.row("t", 23)).is_some() && stamp(&p.row("o", 23)).is_some()
    });
    assert!(
        ok,
        "no job output\n tmux:    {}\n tidemux: {}",
        p.row("t", 23),
        p.row("o", 23)
    );
    // Past the start (the first output, the client's first resize): one change by the
    // timer in both.
    let first = (stamp(&p.row("t", 23)), stamp(&p.row("o", 23)));
    let ok = wait_until(DEADLINE, || {
        stamp(&p.row("t", 23)) != first.0 && stamp(&p.row("o", 23)) != first.1
    });
    assert!(ok, "the stamps never changed with status-interval 2");
    let seen = watch(&p, 7.0);
    for ((at, stamps), who) in seen.iter().zip(["tmux", "tidemux"]) {
        eprintln!("{who}: changes at {at:.2?}");
        // 7 s at a 2 s pace: the first sighting and 3 changes (one more if something else
        // redrew the line in between, as a window's state may).
        assert!(
            (4..=5).contains(&at.len()),
            "{who}: {} stamps in 7 s with status-interval 2: {at:?} {stamps:?}",
            at.len()
        );
        let paced = at
            .windows(2)
            .filter(|w| (1.6..2.5).contains(&(w[1] - w[0])))
            .count();
        assert!(
            paced >= 2,
            "{who}: the stamp did not change at a 2 s pace: {at:?}"
        );
    }
    // `status-interval 0`: no redraw by time, so no rerun (past the redraw the option's
    // change itself makes).
    p.both(&["set", "-g", "status-interval", "0"]);
    let seen = watch(&p, 5.5);
    for ((at, stamps), who) in seen.iter().zip(["tmux", "tidemux"]) {
        eprintln!("{who} with status-interval 0: changes at {at:.2?}");
        let late: Vec<&f64> = at.iter().filter(|t| **t > 1.5).collect();
        assert!(
            late.is_empty(),
            "{who}: the stamp changed at {late:?} s: {stamps:?}"
        );
    }
}

impl Pair {
    /// `display -p -t work FORMAT` in both servers: (tmux's, tidemux's).
    fn display(&self, fmt: &str) -> (String, String) {
        let t = self.real.ok(&["display", "-p", "-t", "work", fmt]);
        let o = self.rig.inner.ok(&[
            "tmux",
            "-S",
            self.rig.sock(),
            "display",
            "-p",
            "-t",
            "work",
            fmt,
        ]);
        (t.trim().to_owned(), o.trim().to_owned())
    }
}

/// A window list that overflows its room (`list=on` with `<` `>` markers and the focus kept
/// in view), on two status lines at the top (`status 2`, `status-position top`), and a click
/// on a window's range (tmux `MouseDown1Status`: `select-window -t=`), the same in both.
#[test]
fn overflowing_list_on_top_lines_scrolls_and_takes_clicks_as_tmux() {
    let Some(p) = Pair::new() else { return };
    for i in 2..8 {
        let name = format!("a-long-window-name-{i}");
        p.real
            .ok(&["new-window", "-t", "work", "-n", &name, "sleep 1000"]);
        p.rig.inner.ok(&["new-window", "-t", "work", "-n", &name]);
    }
    p.both(&["set", "-g", "mouse", "on"]);
    p.both(&["set", "-g", "status", "2"]);
    p.both(&["set", "-g", "status-position", "top"]);
    p.both(&[
        "set",
        "-g",
        "status-format[0]",
        "#[list=on align=left]#[list=left-marker]<#[list=right-marker]>#[list=on]#{W:#[range=window|#{window_index}]#I:#W#[norange] ,#[range=window|#{window_index} list=focus reverse]#I:#W#[norange list=on noreverse] }#[nolist align=right]R",
    ]);
    p.attach();
    // The last window is current: the list shows its end, `<` first.
    let t = p.same("the list's end, on top", &[0, 1], |t| {
        t[0].contains("7:a-long") && t[1].contains("[80x22]")
    });
    assert!(stamp_free(&t[0]).starts_with('<'), "{t:?}");
    // A window in the middle: both markers.
    p.both(&["select-window", "-t", "work:4"]);
    let t = p.same("the list's middle", &[0], |t| {
        let s = stamp_free(&t[0]);
        s.starts_with('<') && s.contains('>') && s.contains("4:a-long")
    });
    // A click on window 5's tab selects it in both.
    let plain = stamp_free(&t[0]);
    let x = plain.find("5:a-long").expect("window 5 shows") + 3;
    for name in ["t", "o"] {
        for end in ['M', 'm'] {
            p.rig
                .outer
                .ok(&["send", "-t", name, "--", &format!("\x1b[<0;{x};1{end}")]);
        }
    }
    let mut got = (String::new(), String::new());
    let ok = wait_until(DEADLINE, || {
        got = p.display("#{window_index}");
        got == ("5".to_owned(), "5".to_owned())
    });
    assert!(
        ok,
        "a click on window 5's tab: (tmux, tidemux) current {got:?}"
    );
    p.same("window 5 current", &[0, 1], |t| t[0].contains("5:a-long"));
}

/// A status row without its colour sequences.
fn stamp_free(row: &str) -> String {
    let mut out = String::new();
    let mut it = row.chars();
    while let Some(c) = it.next() {
        if c == '\u{1b}' {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Pids of processes whose command line is exactly `argv` (read from `/proc`).
fn pids_running(argv: &[&str]) -> Vec<u32> {
    let want: Vec<u8> = argv
        .iter()
        .flat_map(|a| [a.as_bytes(), b"\0"].concat())
        .collect();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == want))
        .collect()
}

/// A status job that never ends is the client's: it shows `<'...' not ready>` once it ran for
/// more than a second (tmux's text, at the next redraw) and is killed when its client detaches; the server is unharmed.
#[test]
fn a_hanging_status_job_is_killed_when_its_client_detaches() {
    let rig = Rig::new();
    // A duration no other test uses, to find the job's `sleep` among the machine's processes.
    let secs = format!("{}.{}", 900 + std::process::id() % 97, std::process::id());
    let cmd = format!("sleep {secs}");
    rig.inner.ok(&["set", "-g", "sidebar", "off"]);
    rig.inner.ok(&["set", "-g", "status-interval", "1"]);
    rig.inner
        .ok(&["set", "-g", "status-right", &format!("#({cmd})")]);
    rig.attach("o", 80, 24, &[]);
    rig.wait_rows("o", "the job not ready", |r| {
        r[23].contains(&format!("<'{cmd}' not ready>"))
    });
    assert_eq!(pids_running(&["sleep", &secs]).len(), 1, "one job runs");
    rig.inner.ok(&["detach-client", "-s", "work"]);
    assert!(
        wait_until(DEADLINE, || pids_running(&["sleep", &secs]).is_empty()),
        "the job still runs after its client detached"
    );
    rig.inner.ok(&["list-sessions"]);
}

/// `#{client_prefix}` and `#{client_key_table}` (tmux format.c `format_cb_client_prefix`):
/// after the prefix key the status line shows 1 and `prefix` at once (tmux redraws it when
/// the client's key table changes), after the next key 0 and `root` again; the same in both.
#[test]
fn client_prefix_flips_the_status_line_as_tmux() {
    let Some(p) = Pair::new() else { return };
    p.both(&[
        "set",
        "-g",
        "status-right",
        "#{?client_prefix,PFX,---}:#{client_key_table}",
    ]);
    p.attach();
    p.same("before the prefix", &[23], |t| t[0].contains("---:root"));
    for name in ["t", "o"] {
        p.rig.outer.ok(&["send", "-t", name, "--", "\x02"]);
    }
    p.same("after the prefix", &[23], |t| t[0].contains("PFX:prefix"));
    // A key the prefix table does not bind: back to the root table.
    for name in ["t", "o"] {
        p.rig.outer.ok(&["send", "-t", name, "--", "Q"]);
    }
    p.same("after the next key", &[23], |t| t[0].contains("---:root"));
    // A bound key (C-b C-b: send-prefix) ends it too.
    for name in ["t", "o"] {
        p.rig.outer.ok(&["send", "-t", name, "--", "\x02"]);
    }
    p.same("the prefix again", &[23], |t| t[0].contains("PFX:prefix"));
    for name in ["t", "o"] {
        p.rig.outer.ok(&["send", "-t", name, "--", "\x02"]);
    }
    p.same("after send-prefix", &[23], |t| t[0].contains("---:root"));
}
