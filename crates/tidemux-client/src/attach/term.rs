//! The client's terminal: raw mode and the alternate screen while attached, restored on every
//! way out (normal return, error, panic).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal if it is still set up (idempotent): leaves the alternate screen, shows
/// the cursor, resets attributes and turns raw mode off.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = std::io::stdout();
        // Leave the alternate screen (xterm 1049), show the cursor (DECTCEM), reset SGR, turn
        // off bracketed paste, mouse modes a pane may have left on in our terminal and the
        // focus reports.
        let _ = out.write_all(
            b"\x1b[0m\x1b[?25h\x1b[?2004l\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[?1004l\x1b[?1049l",
        );
        let _ = out.flush();
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Owns the terminal setup; dropping it restores the terminal.
pub struct TermGuard(());

impl TermGuard {
    /// Enters raw mode and the alternate screen, and installs a panic hook that restores the
    /// terminal before the panic message is printed.
    ///
    /// # Errors
    /// When stdin is not a terminal.
    pub fn enter() -> std::io::Result<Self> {
        crossterm::terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            prev(info);
        }));
        let mut out = std::io::stdout();
        // The alternate screen; mouse reporting follows the `mouse` option ([`mouse_modes`]);
        // focus reports (xterm 1004: `CSI I` / `CSI O`) go to the server (`AttachFocus`).
        out.write_all(b"\x1b[?1049h\x1b[H\x1b[2J\x1b[?1004h")?;
        out.flush()?;
        Ok(TermGuard(()))
    }
}

/// The sequence that turns the terminal's mouse reporting on (button presses and drags,
/// modes 1000 and 1002, in SGR encoding 1006; xterm ctlseqs "Mouse Tracking") or off.
pub fn mouse_modes(on: bool) -> &'static [u8] {
    if on {
        b"\x1b[?1000h\x1b[?1002h\x1b[?1006h"
    } else {
        b"\x1b[?1006l\x1b[?1002l\x1b[?1000l"
    }
}

impl Drop for TermGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// The terminal size (cols, rows), or 80x24 if unknown.
pub fn size() -> (u16, u16) {
    crossterm::terminal::size().unwrap_or((80, 24))
}

/// The bytes that set the terminal's title to `text` (`set-titles`, `AttachFrame::title`):
/// `ESC ] 0 ; TEXT BEL`, the `tsl`/`fsl` tmux 3.3a gives xterm-like terminals
/// (tty-features.c, feature `title`). Control characters (C0, DEL, C1) are left out, so a
/// title cannot end the sequence early or smuggle another one to the terminal.
pub fn title_sequence(text: &str) -> Vec<u8> {
    let mut b = b"\x1b]0;".to_vec();
    b.extend(
        text.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .bytes(),
    );
    b.push(0x07);
    b
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_sequence_leaves_controls_out() {
        assert_eq!(
            super::title_sequence("w:0:sh - \"host\" "),
            b"\x1b]0;w:0:sh - \"host\" \x07"
        );
        assert_eq!(
            super::title_sequence("a\x07b\x1b]2;x\x1b\\c\u{9c}d\u{7f}é"),
            "\x1b]0;ab]2;x\\cdé\x07".as_bytes()
        );
    }
}
