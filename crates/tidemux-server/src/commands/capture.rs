//! `capture-pane` and `clear-history` (tmux 3.3a cmd-capture-pane.c). The text is built by
//! [`crate::screen::capture`].

use super::io::live_pane;
use crate::error::{CmdError, CmdResult};
use crate::screen::capture::{line_bound, CaptureFlags};
use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::{CaptureOptions, PaneId, Response};

/// `capture-pane [-aCeJNpPq] [-b NAME] [-E END] [-S START] [-t PANE]`: reply `Bytes` with
/// `-p`, else the capture goes into a paste buffer (`-b NAME`, or a new automatic one).
///
/// `-P`: only the beginning of an as-yet incomplete escape sequence the pane received (the
/// bytes since the parser left its ground state, [`crate::screen::Screen::pending`]); with
/// `-C`, bytes below space, from 0x80 and `\` as octal `\NNN` (tmux
/// `cmd_capture_pane_pending`).
///
/// # Errors
/// Target errors; `no alternate screen` for `-a` (without `-q`); buffer errors.
pub fn capture_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    o: &CaptureOptions,
) -> CmdResult {
    let pane = live_pane(state, caller, target)?;
    let mut data = if o.pending {
        pending_text(pane.state().screen.pending(), o.octal)
    } else {
        let mut st = pane.state();
        st.screen.sync();
        let (h, _, _) = st.screen.history_stats();
        // -a: the hidden normal screen has no history (tmux's saved_grid).
        let h = if o.alternate { 0 } else { h as i64 };
        let rows = i64::from(st.screen.size().0);
        let start = line_bound(o.start.as_deref(), true, h, rows);
        let end = line_bound(o.end.as_deref(), false, h, rows);
        let flags = CaptureFlags {
            escapes: o.escapes,
            octal: o.octal,
            join: o.join,
            trailing: o.trailing,
        };
        if o.alternate {
            match st.screen.capture_saved_tmux(start, end, flags) {
                Some(d) => d,
                None if o.quiet => Vec::new(),
                None => return Err(CmdError::invalid("no alternate screen")),
            }
        } else {
            st.screen.capture_tmux(start, end, flags)
        }
    };
    if o.print {
        // tmux prints the text without its last newline, then a newline.
        if data.last() == Some(&b'\n') {
            data.pop();
        }
        data.push(b'\n');
        return Ok(Response::Bytes(data));
    }
    super::buffers::set_buffer(state, o.buffer.as_deref(), data, false, None)
}

/// tmux `cmd_capture_pane_pending`: the bytes as they are, or with `octal` (`-C`) each byte
/// below space or from 0x80 (tmux's signed `char`) and `\` as `\NNN`.
fn pending_text(bytes: &[u8], octal: bool) -> Vec<u8> {
    if !octal {
        return bytes.to_vec();
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    for &b in bytes {
        if (b' '..0x80).contains(&b) && b != b'\\' {
            out.push(b);
        } else {
            out.extend_from_slice(format!("\\{b:03o}").as_bytes());
        }
    }
    out
}

/// `clear-history [-t PANE]`.
///
/// # Errors
/// Target errors.
pub fn clear_history(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let pane = live_pane(state, caller, target)?;
    pane.state().screen.clear_history();
    Ok(Response::Ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pending_text_escapes_like_tmux() {
        assert_eq!(super::pending_text(b"\x1b[1;", false), b"\x1b[1;");
        assert_eq!(super::pending_text(b"\x1b[1;", true), b"\\033[1;");
        assert_eq!(
            super::pending_text(b"\x1b]0;a\\\xc3\x7f", true),
            b"\\033]0;a\\134\\303\x7f"
        );
    }
}
