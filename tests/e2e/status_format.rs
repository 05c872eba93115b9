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
/// pieces, a `#{W:}` loop with styles, then a window list (`list=on`, `list=focus`,
/// `range=window|N`) centred, and `#[fill=]`.
#[test]
fn status_format_line_draws_as_tmux() {
    let Some(p) = Pair::new() else { return };
    p.attach();
    let cases = [
        (
            "aligned pieces and a W loop",
            "#[align=left]<#S:#{session_windows}>#[align=centre]#{W:#I-#W ,#[reverse]#I-#W#[noreverse] }#[align=right fg=red]right#[default]!",
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
