//! How the client draws its status line and handles the mouse, from the server's options
//! (`ClientConfig`): `status` (on/off), `status-position` (top/bottom), `status-style` (tmux's
//! style syntax: `fg=COLOUR,bg=COLOUR,bold,...`; tmux(1) "STYLES"), `status-left-style`,
//! `status-right-style`, `status-left-length`, `status-right-length` and `mouse`; the agent
//! overview's `sidebar`, `sidebar-width` and the alerts' `notify-forward` (tidemux's own). The
//! texts of `status-left` and `status-right` come expanded in each frame.

use tidemux_proto::{CellStyle, ClientConfig, Color};

/// The `sidebar` option: when the agent overview shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sidebar {
    /// Never (until `prefix b`).
    Off,
    /// Whenever the terminal is wide enough.
    On,
    /// When more than one pane is listed and the terminal is wide (the default).
    Auto,
}

/// The `notify-forward` option: what a new bell or `notify` sends to the outer terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forward {
    /// Nothing.
    Off,
    /// BEL only.
    Bell,
    /// BEL and OSC 9.
    Osc9,
    /// BEL and OSC 777 `notify`.
    Osc777,
    /// BEL, OSC 9 and OSC 777 (the default).
    Both,
}

impl Forward {
    /// (BEL, OSC 9, OSC 777) sent.
    pub fn parts(self) -> (bool, bool, bool) {
        match self {
            Forward::Off => (false, false, false),
            Forward::Bell => (true, false, false),
            Forward::Osc9 => (true, true, false),
            Forward::Osc777 => (true, false, true),
            Forward::Both => (true, true, true),
        }
    }
}

/// The status line's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Look {
    /// `status`: the status line is shown.
    pub status: bool,
    /// How many status lines (`status` `on` 1, `2`..`5`; 1 while `off`).
    pub lines: u16,
    /// `status-position top`.
    pub top: bool,
    /// `status-style`.
    pub bar: CellStyle,
    /// `mouse`: the client asks its terminal for mouse reports and acts on them (tidemux's
    /// default `on`; tmux's is `off`).
    pub mouse: bool,
    /// `status-left-style` over `status-style`.
    pub left_style: CellStyle,
    /// `status-right-style` over `status-style`.
    pub right_style: CellStyle,
    /// `status-left-length`: most cells `status-left` takes (tmux's default 10).
    pub left_len: usize,
    /// `status-right-length` (tmux's default 40).
    pub right_len: usize,
    /// `sidebar`.
    pub sidebar: Sidebar,
    /// `sidebar-width`: cells, its separator column included (default 30).
    pub sidebar_width: u16,
    /// `notify-forward`.
    pub forward: Forward,
    /// `status-justify`: where the window list goes (`left`, `centre`, `right`,
    /// `absolute-centre`).
    pub justify: String,
    /// `window-status-separator`: between two tabs (tmux's default one space).
    pub separator: String,
}

impl Default for Look {
    /// tmux's defaults: a status line at the bottom, black on green.
    fn default() -> Self {
        Look {
            status: true,
            lines: 1,
            top: false,
            bar: CellStyle {
                fg: Color::Idx(0),
                bg: Color::Idx(2),
                flags: 0,
            },
            mouse: true,
            left_style: CellStyle {
                fg: Color::Idx(0),
                bg: Color::Idx(2),
                flags: 0,
            },
            right_style: CellStyle {
                fg: Color::Idx(0),
                bg: Color::Idx(2),
                flags: 0,
            },
            left_len: 10,
            right_len: 40,
            sidebar: Sidebar::Auto,
            sidebar_width: 30,
            forward: Forward::Both,
            justify: "left".into(),
            separator: " ".into(),
        }
    }
}

impl Look {
    /// The look the server's options ask for (missing options keep the defaults).
    pub fn from_config(c: &ClientConfig) -> Self {
        let mut l = Look::default();
        let (mut left, mut right) = ("", "");
        for (name, v) in &c.options {
            match name.as_str() {
                "status-left-style" => left = v,
                "status-right-style" => right = v,
                "status-left-length" => l.left_len = v.parse().unwrap_or(l.left_len),
                "status-right-length" => l.right_len = v.parse().unwrap_or(l.right_len),
                "status" => {
                    l.status = v != "off";
                    l.lines = v.parse().map_or(1, |n: u16| n.clamp(1, 5));
                }
                "status-position" => l.top = v == "top",
                "status-style" => l.bar = style(v, l.bar),
                "mouse" => l.mouse = v != "off",
                "status-justify" => l.justify.clone_from(v),
                "window-status-separator" => l.separator.clone_from(v),
                "sidebar" => {
                    l.sidebar = match v.as_str() {
                        "on" => Sidebar::On,
                        "off" => Sidebar::Off,
                        _ => Sidebar::Auto,
                    }
                }
                "sidebar-width" => {
                    l.sidebar_width = v.parse().map_or(l.sidebar_width, |w: u16| w.max(2));
                }
                "notify-forward" => {
                    l.forward = match v.as_str() {
                        "off" => Forward::Off,
                        "bell" => Forward::Bell,
                        "osc9" => Forward::Osc9,
                        "osc777" => Forward::Osc777,
                        _ => Forward::Both,
                    }
                }
                _ => {}
            }
        }
        l.left_style = substyle(left, l.bar);
        l.right_style = substyle(right, l.bar);
        l
    }

    /// A mouse row on the terminal as the client composes it (status line last).
    pub fn mouse_y(&self, y: u16, rows: u16) -> u16 {
        let n = self.lines.max(1);
        match (self.status, self.top) {
            (true, true) if y < n => rows.saturating_sub(n) + y,
            (true, true) => y - n,
            _ => y,
        }
    }

    /// Rows the status lines take on the terminal (0 while `status off`).
    pub fn status_rows(&self) -> u16 {
        if self.status {
            self.lines.max(1)
        } else {
            0
        }
    }

    /// Rows the panes get on a terminal `rows` high.
    pub fn body(&self, rows: u16) -> u16 {
        rows.saturating_sub(self.status_rows())
    }
}

/// `text` without its `#[...]` styles, `##` as `#`: what [`super::border::put_styled`]
/// draws.
pub fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("#[") {
            if let Some(end) = r.find(']') {
                rest = &r[end + 1..];
                continue;
            }
        }
        if let Some(r) = rest.strip_prefix("##") {
            out.push('#');
            rest = r;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `text` less its first `n` visible characters, its `#[...]` styles all kept (so what
/// follows is drawn as styled), for a status-right cut from its start.
pub fn skip_visible(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut left = n;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("#[") {
            if let Some(end) = r.find(']') {
                out.push_str(&rest[..end + 3]);
                rest = &r[end + 1..];
                continue;
            }
        }
        let len = if rest.starts_with("##") {
            2
        } else {
            rest.chars().next().map_or(1, char::len_utf8)
        };
        if left > 0 {
            left -= 1;
        } else {
            out.push_str(&rest[..len]);
        }
        rest = &rest[len..];
    }
    out
}

/// A `*-style` option over `base` (`status-left-style` over `status-style`): `default`
/// there means `base`, as tmux's `style_parse` with the status style as the default.
pub fn substyle(s: &str, base: CellStyle) -> CellStyle {
    let words: Vec<&str> = s
        .split([',', ' '])
        .filter(|w| !w.is_empty() && *w != "default")
        .collect();
    style(&words.join(","), base)
}

/// tmux `colour_fromstring` for the colours the wire has ([`Color::from_tmux`]).
pub fn colour(s: &str) -> Option<Color> {
    Color::from_tmux(s)
}

/// Applies a tmux style string (`bg=green,fg=black`, `fg=colour231,bold`, `default`) over
/// `base`; unknown words are ignored.
pub fn style(s: &str, base: CellStyle) -> CellStyle {
    let mut st = base;
    for w in s.split([',', ' ']).filter(|w| !w.is_empty()) {
        let (flag, on) = match w.strip_prefix("no") {
            Some(f) if !w.starts_with("none") => (f, false),
            _ => (w, true),
        };
        let bit = match flag {
            "bright" | "bold" => CellStyle::BOLD,
            "dim" => CellStyle::DIM,
            "italics" => CellStyle::ITALIC,
            "underscore" => CellStyle::UNDERLINE,
            "reverse" => CellStyle::INVERSE,
            _ => 0,
        };
        if bit != 0 {
            if on {
                st.flags |= bit;
            } else {
                st.flags &= !bit;
            }
            continue;
        }
        if w == "default" {
            st = CellStyle::default();
        } else if w == "none" {
            st.flags = 0;
        } else if let Some(c) = w.strip_prefix("fg=").and_then(colour) {
            st.fg = c;
        } else if let Some(c) = w.strip_prefix("bg=").and_then(colour) {
            st.bg = c;
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles() {
        let d = Look::default().bar;
        assert_eq!(style("bg=green,fg=black", CellStyle::default()), d);
        let s = style("fg=colour231,bg=#102030,bold", d);
        assert_eq!(s.fg, Color::Idx(231));
        assert_eq!(s.bg, Color::Rgb(0x10, 0x20, 0x30));
        assert_eq!(s.flags, CellStyle::BOLD);
        assert_eq!(style("bg=brightred nobold", s).bg, Color::Idx(9));
        assert_eq!(style("default", s), CellStyle::default());
        assert_eq!(plain("#[fg=red]a##b#[default] c"), "a#b c");
        assert_eq!(
            skip_visible("#[fg=red]a##b#[default] c", 2),
            "#[fg=red]b#[default] c"
        );
        assert_eq!(substyle("default", d), d);
        assert_eq!(substyle("fg=red", d).bg, d.bg);
    }
}
