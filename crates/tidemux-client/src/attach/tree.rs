//! The choose tree (`prefix w` / `prefix s`, tmux `choose-tree -Zw` / `-Zs`): every session,
//! window and pane of the server with its state, a live preview of the highlighted pane, Enter
//! to focus it (switching the client's session if needed), `x` to kill with confirmation.
//!
//! The list comes from one `list-panes -a -F` (a [`LIST_FORMAT`] line per pane); this module
//! parses it, keeps the highlighted row and draws; the attach loop sends the requests.

use super::overview;
use super::render::Grid;
use tidemux_proto::{CellStyle, Color};

/// Format of each `list-panes -a` line the tree is built from (tab-separated).
pub const LIST_FORMAT: &str = "#{session_id}\t#{session_name}\t#{session_attached}\t#{window_id}\t#{window_index}\t#{window_name}\t#{window_active}\t#{pane_id}\t#{pane_index}\t#{pane_active}\t#{pane_state}\t#{pane_attention}\t#{pane_dead_status}\t#{pane_name}\t#{pane_current_command}";

/// What a row stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A session (its id, `$N`).
    Session,
    /// A window (its id, `@N`).
    Window,
    /// A pane (its id, `%N`).
    Pane,
}

/// One row of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Session, window or pane.
    pub kind: Kind,
    /// Its id as a target (`$1`, `@2`, `%3`).
    pub id: String,
    /// The session it belongs to (id).
    pub session: String,
    /// The pane previewed and focused for it: the pane itself, the window's active pane, or
    /// the session's current window's active pane.
    pub pane: String,
    /// The text shown (after the indentation).
    pub label: String,
    /// The most urgent state of its panes (`attention`, `waiting-input`, ...; see
    /// `overview::badge_style`), with `exited` failing when a status is not 0.
    pub state: String,
    /// Some exit status is not 0.
    pub failed: bool,
}

/// What a key in the tree asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to do but redraw.
    None,
    /// Close the tree.
    Exit,
    /// Close the tree and focus this row.
    Choose(Item),
    /// Kill this row (confirmed).
    Kill(Item),
}

/// The choose tree's state.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// Rows, sessions then their windows then their panes.
    pub items: Vec<Item>,
    /// The highlighted row.
    pub sel: usize,
    /// Waiting for `y` to kill the highlighted row.
    confirm: bool,
    /// The previewed pane's screen lines.
    pub preview: Vec<String>,
    /// Sessions start collapsed (`prefix s`): only session rows until Right or `+`.
    collapsed: std::collections::HashSet<String>,
}

fn urgency(state: &str) -> u8 {
    match state {
        "attention" => 0,
        "waiting-input" => 1,
        "exited" => 2,
        "running" => 3,
        "at-prompt" => 4,
        "idle" => 5,
        _ => 6,
    }
}

impl Tree {
    /// A tree from `list-panes -a -F LIST_FORMAT` lines, highlighting `current` (a pane id:
    /// its row with `windows`, else its session's row; `prefix s` starts with sessions
    /// collapsed, as tmux `choose-tree -s`).
    pub fn new(lines: &[String], current: &str, sessions: bool) -> Self {
        let mut t = Tree::default();
        t.set(lines);
        if sessions {
            t.collapsed = t
                .items
                .iter()
                .filter(|i| i.kind == Kind::Session)
                .map(|i| i.id.clone())
                .collect();
            t.set(lines);
        }
        let want = |i: &Item| {
            if sessions {
                i.kind == Kind::Session && i.pane == current
            } else {
                i.kind == Kind::Pane && i.id == current
            }
        };
        t.sel = t.items.iter().position(want).unwrap_or(0);
        t
    }

    /// Rebuilds the rows from a fresh listing, keeping the highlighted row when it still
    /// exists.
    pub fn set(&mut self, lines: &[String]) {
        let keep = self.items.get(self.sel).map(|i| i.id.clone());
        let mut items: Vec<Item> = Vec::new();
        // (session row index, window row index) of the rows being filled.
        let (mut s_at, mut w_at) = (usize::MAX, usize::MAX);
        let mut cur_w = String::new();
        let mut counts: Vec<(usize, usize)> = Vec::new(); // per session: windows, per window: panes
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 15 {
                continue;
            }
            let (sid, sname, attached, wid, widx, wname, wact) =
                (f[0], f[1], f[2], f[3], f[4], f[5], f[6] == "1");
            let (pid, pidx, pact, state, attention, status, pname, cmd) = (
                f[7],
                f[8],
                f[9] == "1",
                f[10],
                f[11] == "1",
                f[12],
                f[13],
                f[14],
            );
            let state = if attention { "attention" } else { state };
            let failed = state == "exited" && !status.is_empty() && status != "0";
            if s_at == usize::MAX || items[s_at].id != sid {
                s_at = items.len();
                counts.push((0, 0));
                let att = if attached.is_empty() || attached == "0" {
                    ""
                } else {
                    " (attached)"
                };
                items.push(Item {
                    kind: Kind::Session,
                    id: sid.into(),
                    session: sid.into(),
                    pane: pid.into(),
                    label: format!("{sname}:{att}"),
                    state: state.into(),
                    failed,
                });
                cur_w.clear();
            }
            let shown = !self.collapsed.contains(sid);
            if cur_w != wid {
                cur_w = wid.to_owned();
                if let Some(c) = counts.last_mut() {
                    c.0 += 1;
                }
                if wact {
                    items[s_at].pane = pid.into();
                }
                if shown {
                    w_at = items.len();
                    items.push(Item {
                        kind: Kind::Window,
                        id: wid.into(),
                        session: sid.into(),
                        pane: pid.into(),
                        label: format!("{widx}: {wname}{}", if wact { "*" } else { "" }),
                        state: state.into(),
                        failed,
                    });
                }
            }
            if wact && pact {
                items[s_at].pane = pid.into();
            }
            let more = |it: &mut Item| {
                if urgency(state) < urgency(&it.state) {
                    it.state = state.into();
                }
                it.failed |= failed;
            };
            more(&mut items[s_at]);
            if shown {
                if pact {
                    items[w_at].pane = pid.into();
                }
                more(&mut items[w_at]);
                let name = if pname.is_empty() { cmd } else { pname };
                items.push(Item {
                    kind: Kind::Pane,
                    id: pid.into(),
                    session: sid.into(),
                    pane: pid.into(),
                    label: format!("{pidx}: {pid} {name}{}", if pact { "*" } else { "" }),
                    state: state.into(),
                    failed,
                });
            }
        }
        // Session rows say how many windows they have.
        let mut n = 0;
        for it in &mut items {
            if it.kind == Kind::Session {
                let w = counts.get(n).map_or(0, |c| c.0);
                let (name, att) = it.label.split_once(':').unwrap_or((&it.label, ""));
                it.label = format!("{name}: {w} window{}{att}", if w == 1 { "" } else { "s" });
                n += 1;
            }
        }
        self.items = items;
        if let Some(k) = keep {
            if let Some(i) = self.items.iter().position(|i| i.id == k) {
                self.sel = i;
            }
        }
        self.sel = self.sel.min(self.items.len().saturating_sub(1));
    }

    /// The highlighted row.
    pub fn current(&self) -> Option<&Item> {
        self.items.get(self.sel)
    }

    /// The status-line question while a kill waits for `y`.
    pub fn prompt(&self) -> Option<String> {
        let it = self.current().filter(|_| self.confirm)?;
        let what = match it.kind {
            Kind::Session => "session",
            Kind::Window => "window",
            Kind::Pane => "pane",
        };
        Some(format!("Kill {what} {}? (y/n)", it.id))
    }

    /// Handles one key (its tmux name, as `copy::key_name` gives it); `rows` is the height of
    /// the list (for paging).
    pub fn key(&mut self, key: &str, rows: usize) -> Outcome {
        if std::mem::take(&mut self.confirm) {
            return match (key, self.current()) {
                ("y" | "Y", Some(it)) => Outcome::Kill(it.clone()),
                _ => Outcome::None,
            };
        }
        let n = self.items.len();
        let page = rows.max(1);
        match key {
            "q" | "Escape" | "C-c" => return Outcome::Exit,
            "Up" | "k" | "C-p" => self.sel = (self.sel + n.max(1) - 1) % n.max(1),
            "Down" | "j" | "C-n" => self.sel = (self.sel + 1) % n.max(1),
            "PPage" | "C-b" => self.sel = self.sel.saturating_sub(page),
            "NPage" | "C-f" => self.sel = (self.sel + page).min(n.saturating_sub(1)),
            "Home" | "g" => self.sel = 0,
            "End" | "G" => self.sel = n.saturating_sub(1),
            "Right" | "+" => {
                if let Some(it) = self.current().filter(|i| i.kind == Kind::Session) {
                    let id = it.id.clone();
                    self.collapsed.remove(&id);
                    return Outcome::None;
                }
            }
            "Left" | "-" => {
                if let Some(it) = self.current() {
                    let s = it.session.clone();
                    self.collapsed.insert(s.clone());
                    // Back to the session's row once the tree is rebuilt.
                    if let Some(i) = self.items.iter().position(|i| i.id == s) {
                        self.sel = i;
                    }
                }
            }
            "Enter" => {
                if let Some(it) = self.current() {
                    return Outcome::Choose(it.clone());
                }
            }
            "x" => self.confirm = self.current().is_some(),
            _ => {}
        }
        Outcome::None
    }

    /// Whether a session's rows are collapsed (rebuild after Right/Left with [`Tree::set`]).
    pub fn is_collapsed(&self, session: &str) -> bool {
        self.collapsed.contains(session)
    }

    /// The first row shown in a list `lh` rows high (the highlighted row stays in view).
    fn top(&self, lh: usize) -> usize {
        self.sel.saturating_sub(lh.saturating_sub(1))
    }

    /// A click on list row `row` (0-based from the list's top) of a tree drawn `rows` high:
    /// highlights that item; a click on the highlighted item chooses it.
    pub fn click(&mut self, row: usize, rows: u16) -> Outcome {
        let i = self.top(usize::from(self.list_rows(rows))) + row;
        if i >= self.items.len() {
            return Outcome::None;
        }
        if i == self.sel {
            return Outcome::Choose(self.items[i].clone());
        }
        self.sel = i;
        Outcome::None
    }

    /// Height of the list part of an area `rows` high (the rest is the preview).
    pub fn list_rows(&self, rows: u16) -> u16 {
        let want = self.items.len() as u16;
        want.min(rows / 2).max(rows.min(3))
    }

    /// Draws the tree into (x0, y0, cols, rows) of `g`: the list, a separator naming the
    /// previewed pane, and the preview.
    pub fn draw(&self, g: &mut Grid, x0: u16, y0: u16, cols: u16, rows: u16) {
        g.fill(x0, y0, cols, rows, " ", CellStyle::default());
        let list = self.list_rows(rows);
        let lh = usize::from(list);
        let top = self.top(lh);
        let end = x0 + cols;
        for (r, it) in self.items.iter().enumerate().skip(top).take(lh) {
            let y = y0 + (r - top) as u16;
            let hl = r == self.sel;
            // tmux draws the highlighted row in mode-style (black on yellow).
            let base = if hl {
                CellStyle {
                    fg: Color::Idx(0),
                    bg: Color::Idx(3),
                    flags: 0,
                }
            } else {
                CellStyle::default()
            };
            if hl {
                g.fill(x0, y, cols, 1, " ", base);
            }
            let indent = match it.kind {
                Kind::Session => {
                    if self.collapsed.contains(&it.id) {
                        "+ "
                    } else {
                        "- "
                    }
                }
                Kind::Window => "  ├─ ",
                Kind::Pane => "  │  ├─ ",
            };
            let x = g.put_str(x0, y, &format!("({r}) {indent}{}", it.label), base, end);
            let badge = format!(" {} ", it.state);
            g.put_str(
                x + 2,
                y,
                &badge,
                overview::badge_style(&it.state, it.failed),
                end,
            );
        }
        // Separator with the previewed pane's id, then its screen.
        let sy = y0 + list;
        if sy >= y0 + rows {
            return;
        }
        let line = CellStyle::default();
        g.fill(x0, sy, cols, 1, "─", line);
        if let Some(it) = self.current() {
            g.put_str(x0 + 2, sy, &format!(" {} ", it.pane), line, end);
        }
        let ph = usize::from(rows - list - 1);
        // The end of the pane's text (blank rows below it left out) fills the preview.
        let used = self
            .preview
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |i| i + 1);
        let start = used.saturating_sub(ph);
        for (i, l) in self.preview[start..used].iter().enumerate() {
            g.put_str(x0, sy + 1 + i as u16, l, CellStyle::default(), end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str, w: &str, wi: u32, wa: bool, p: &str, pa: bool, st: &str) -> String {
        let sid = if s == "work" { "$0" } else { "$1" };
        format!(
            "{sid}\t{s}\t{}\t{w}\t{wi}\t{}\t{}\t{p}\t0\t{}\t{st}\t0\t{}\t\tbash",
            u8::from(s == "work"),
            if wi == 0 { "main" } else { "other" },
            u8::from(wa),
            u8::from(pa),
            if st == "exited" { "2" } else { "" }
        )
    }

    fn listing() -> Vec<String> {
        vec![
            line("work", "@0", 0, true, "%0", false, "idle"),
            line("work", "@0", 0, true, "%1", true, "waiting-input"),
            line("work", "@1", 1, false, "%2", true, "running"),
            line("side", "@2", 0, true, "%3", true, "exited"),
        ]
    }

    #[test]
    fn builds_the_tree_with_states() {
        let t = Tree::new(&listing(), "%1", false);
        let labels: Vec<(&Kind, &str, &str)> = t
            .items
            .iter()
            .map(|i| (&i.kind, i.label.as_str(), i.state.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                (
                    &Kind::Session,
                    "work: 2 windows (attached)",
                    "waiting-input"
                ),
                (&Kind::Window, "0: main*", "waiting-input"),
                (&Kind::Pane, "0: %0 bash", "idle"),
                (&Kind::Pane, "0: %1 bash*", "waiting-input"),
                (&Kind::Window, "1: other", "running"),
                (&Kind::Pane, "0: %2 bash*", "running"),
                (&Kind::Session, "side: 1 window", "exited"),
                (&Kind::Window, "0: main*", "exited"),
                (&Kind::Pane, "0: %3 bash*", "exited"),
            ]
        );
        assert!(t.items[6].failed);
        // The current pane is highlighted; a session row previews its current pane.
        assert_eq!(t.sel, 3);
        assert_eq!(t.items[0].pane, "%1");
        assert_eq!(t.items[4].pane, "%2");
    }

    #[test]
    fn keys_move_choose_and_kill_with_confirmation() {
        let mut t = Tree::new(&listing(), "%1", false);
        assert_eq!(t.key("Down", 5), Outcome::None);
        assert_eq!(t.current().map(|i| i.id.as_str()), Some("@1"));
        assert_eq!(t.key("k", 5), Outcome::None);
        assert_eq!(t.key("x", 5), Outcome::None);
        assert_eq!(t.prompt().as_deref(), Some("Kill pane %1? (y/n)"));
        // Anything but y cancels.
        assert_eq!(t.key("n", 5), Outcome::None);
        assert_eq!(t.prompt(), None);
        t.key("x", 5);
        assert!(matches!(t.key("y", 5), Outcome::Kill(i) if i.id == "%1"));
        t.key("G", 5);
        assert!(matches!(t.key("Enter", 5), Outcome::Choose(i) if i.id == "%3"));
        assert_eq!(t.key("q", 5), Outcome::Exit);
    }

    #[test]
    fn sessions_start_collapsed_and_expand() {
        let l = listing();
        let mut t = Tree::new(&l, "%1", true);
        assert_eq!(t.items.len(), 2);
        assert_eq!(t.sel, 0);
        t.key("Right", 5);
        t.set(&l);
        assert_eq!(t.items.len(), 7);
        assert!(!t.is_collapsed("$0"));
        t.key("Down", 5);
        t.key("Left", 5);
        t.set(&l);
        assert_eq!(t.items.len(), 2);
        assert_eq!(t.sel, 0);
    }
}
