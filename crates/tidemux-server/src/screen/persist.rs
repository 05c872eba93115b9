//! A screen as data and back: what a live upgrade (`tidemux upgrade-server`, see
//! `docs/continuity.md`) carries from the old server to the new one.
//!
//! [`Screen::export`] takes the history lines exactly as stored (formatted text, change
//! sequence numbers, soft wraps, cells used), the visible contents and input modes as the
//! escape sequences that reproduce them (`vt100`'s `state_formatted`), the main screen's
//! contents too while the alternate screen is in use, the scroll region, the title, the bell
//! count and the shell-integration marks. [`Screen::import`] builds a screen from that: the
//! history is copied as it is, the screens are replayed into a fresh parser.

use super::{History, PromptMarks, Screen};
use serde::{Deserialize, Serialize};

/// One history line: its stored (compact) bytes, the output sequence number at which it last
/// changed, whether it was soft-wrapped, cells used.
pub type HistoryLine = (Vec<u8>, u64, bool, u16);

/// Everything [`Screen::import`] needs to rebuild a screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScreenState {
    /// Height, cells.
    pub rows: u16,
    /// Width, cells.
    pub cols: u16,
    /// History limit, lines.
    pub history_limit: usize,
    /// History, oldest first.
    pub history: Vec<HistoryLine>,
    /// Lines of history a taller screen may take back (tmux `hscrolled`).
    #[serde(default)]
    pub scrolled_history: usize,
    /// The main screen's contents while the alternate screen is in use (escape sequences).
    #[serde(default)]
    pub main: Option<String>,
    /// The visible screen's contents, cursor and input modes (escape sequences).
    pub contents: String,
    /// Cursor position and visibility after the scroll region is set again (escape
    /// sequences).
    #[serde(default)]
    pub cursor: String,
    /// Scroll region, 0-based inclusive rows.
    #[serde(default)]
    pub scroll_region: Option<(u16, u16)>,
    /// Autowrap (DECAWM) is on.
    #[serde(default = "yes")]
    pub autowrap: bool,
    /// Title (OSC 0/2).
    #[serde(default)]
    pub title: String,
    /// Bells seen.
    #[serde(default)]
    pub bells: u64,
    /// OSC 133 prompts seen.
    #[serde(default)]
    pub prompts: u64,
    /// At a prompt (OSC 133 `A`/`B` seen, no `C` since).
    #[serde(default)]
    pub at_prompt: bool,
    /// Status of the last `OSC 133 ; D`.
    #[serde(default)]
    pub last_status: Option<i32>,
    /// Output sequence number of the last content change.
    #[serde(default)]
    pub changed_seq: u64,
    /// Output sequence number of the last prompt start.
    #[serde(default)]
    pub prompt_seq: u64,
    /// Output sequence number at which each visible row last changed.
    #[serde(default)]
    pub row_seq: Vec<u64>,
}

fn yes() -> bool {
    true
}

impl Screen {
    /// The screen as data (see the module documentation). Call with the pane lock held; takes
    /// about as long as reading the whole history.
    pub fn export(&mut self) -> ScreenState {
        self.sync();
        let (rows, cols) = self.size();
        let screen = self.parser.screen();
        let hooks = self.parser.callbacks();
        let h = &hooks.history;
        let history = (0..h.len())
            .map(|i| {
                (
                    h.get(i).unwrap_or_default().to_vec(),
                    h.seq(i),
                    h.wrapped(i),
                    h.used(i),
                )
            })
            .collect();
        let region = screen.scroll_region();
        ScreenState {
            rows,
            cols,
            history_limit: h.limit(),
            history,
            scrolled_history: screen.scrolled_history(),
            main: screen.main_contents_formatted(),
            contents: screen.state_formatted(),
            cursor: screen.cursor_state_formatted(),
            scroll_region: (region != (0, rows.saturating_sub(1))).then_some(region),
            autowrap: screen.autowrap(),
            title: hooks.title.clone(),
            bells: hooks.bells,
            prompts: hooks.marks.prompts,
            at_prompt: hooks.marks.at_prompt,
            last_status: hooks.marks.last_status,
            changed_seq: self.changed_seq,
            prompt_seq: self.prompt_seq,
            row_seq: hooks.row_seq.iter().copied().collect(),
        }
    }

    /// A screen rebuilt from [`Screen::export`]'s data; `seq` is the pane's output sequence
    /// number (rows changed by the replay keep their saved numbers).
    pub fn import(s: &ScreenState, seq: u64) -> Screen {
        let mut screen = Screen::new(s.rows, s.cols, s.history_limit);
        {
            let hooks = screen.parser.callbacks_mut();
            let mut history = History::new(s.history_limit);
            for (text, line_seq, wrapped, used) in &s.history {
                history.push_line(text, *line_seq, *wrapped, *used);
            }
            hooks.history = history;
        }
        let mut replay = String::new();
        if let Some(main) = &s.main {
            replay.push_str(main);
            replay.push_str("\x1b[?1049h");
        }
        replay.push_str(&s.contents);
        if let Some((top, bottom)) = s.scroll_region {
            replay.push_str(&format!("\x1b[{};{}r", top + 1, bottom + 1));
            replay.push_str(&s.cursor);
        }
        if !s.autowrap {
            replay.push_str("\x1b[?7l");
        }
        // The replay must not add to the history: it is already complete.
        let kept = std::mem::replace(&mut screen.parser.callbacks_mut().history, History::new(0));
        screen.process(replay.as_bytes(), seq);
        screen.sync();
        let (vt, hooks) = screen.parser.screen_and_callbacks_mut();
        hooks.history = kept;
        vt.set_scrolled_history(s.scrolled_history.min(hooks.history.len()));
        hooks.title = s.title.clone();
        hooks.bells = s.bells;
        hooks.marks = PromptMarks {
            prompts: s.prompts,
            at_prompt: s.at_prompt,
            last_status: s.last_status,
        };
        hooks.replies.clear();
        hooks.report = None;
        if s.row_seq.len() == hooks.row_seq.len() {
            hooks.row_seq = s.row_seq.iter().copied().collect();
        }
        screen.changed_seq = s.changed_seq;
        screen.prompt_seq = s.prompt_seq;
        screen.dirty = false;
        screen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidemux_proto::ReadRange;

    fn all(s: &Screen) -> Vec<String> {
        s.lines(ReadRange::History, true).unwrap().lines
    }

    #[test]
    fn export_then_import_keeps_history_screen_cursor_and_modes() {
        let mut s = Screen::new(5, 20, 100);
        let mut out = String::new();
        for i in 0..12 {
            out.push_str(&format!("\x1b[1;3{}mline {i}\x1b[0m\r\n", i % 8));
        }
        out.push_str("\x1b]2;my title\x07\x1b[?1h\x1b[?2004hprompt$ ");
        s.process(out.as_bytes(), 500);
        let st = s.export();
        let r = Screen::import(&st, 500);
        assert_eq!(all(&r), all(&s));
        assert_eq!(r.cursor(), s.cursor());
        assert_eq!(r.modes(), s.modes());
        assert_eq!(r.title(), "my title");
        assert_eq!(r.history_stats().0, s.history_stats().0);
        // And again: the format is stable.
        let mut r = r;
        assert_eq!(r.export(), st);
    }

    #[test]
    fn both_screens_survive_while_the_alternate_screen_is_in_use() {
        let mut s = Screen::new(4, 10, 100);
        s.process(b"main 1\r\nmain 2\x1b[?1049h\x1b[Halt here", 30);
        let st = s.export();
        assert!(st.main.is_some());
        let mut r = Screen::import(&st, 30);
        assert!(r.modes().alternate_screen);
        assert_eq!(
            r.lines(ReadRange::Visible, false).unwrap().lines[0],
            "alt here"
        );
        // Leaving the alternate screen shows the main screen again.
        r.process(b"\x1b[?1049l", 40);
        s.process(b"\x1b[?1049l", 40);
        assert_eq!(
            r.lines(ReadRange::Visible, false).unwrap().lines,
            s.lines(ReadRange::Visible, false).unwrap().lines
        );
        assert_eq!(
            r.lines(ReadRange::Visible, false).unwrap().lines[1],
            "main 2"
        );
    }
}
