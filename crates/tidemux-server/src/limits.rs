//! Bounds on everything a local client controls: sizes, counts, lengths, connections.
//! `docs/limits.md` lists each with its value, what happens at the bound and how to change it;
//! keep the two in step.

use crate::error::{CmdError, CmdResult};

/// Largest window edge, in cells (tmux's `WINDOW_MAXIMUM`).
pub const MAX_EDGE: u16 = 10_000;

/// Largest window area, in cells (width x height): 2,000 x 1,000. A cell of the screen model
/// costs about 32 bytes, so one screen of a window this size is about 64 MB.
pub const MAX_CELLS: u32 = 2_000_000;

/// Checks a window size asked for by a command (`new-session -x/-y`, `resize-window`).
///
/// # Errors
/// An edge outside `1..=`[`MAX_EDGE`] or an area over [`MAX_CELLS`], naming both bounds.
pub fn check_window_size(cols: u16, rows: u16) -> CmdResult<(u16, u16)> {
    let area = u32::from(cols) * u32::from(rows);
    if !(1..=MAX_EDGE).contains(&cols) || !(1..=MAX_EDGE).contains(&rows) || area > MAX_CELLS {
        return Err(CmdError::invalid(format!(
            "bad size {cols}x{rows}: width and height must be 1..={MAX_EDGE} cells and their product at most {MAX_CELLS} cells"
        )));
    }
    Ok((cols, rows))
}

/// Brings a size announced by an attached client's terminal within the bounds of
/// [`check_window_size`] (a terminal larger than that shows the unused area dotted, as with a
/// smaller client): each edge into `1..=MAX_EDGE`, then rows reduced until the area fits.
pub fn clamp_client_size(cols: u16, rows: u16) -> (u16, u16) {
    let cols = cols.clamp(1, MAX_EDGE);
    let rows = rows.clamp(1, MAX_EDGE);
    let max_rows = (MAX_CELLS / u32::from(cols)).min(u32::from(MAX_EDGE)) as u16;
    (cols, rows.min(max_rows.max(1)))
}

/// Longest session, window or pane name, in bytes (names appear in every listing and event).
pub const MAX_NAME: usize = 256;

/// Checks the length of a `kind` (session, window, pane) name given by a client.
///
/// # Errors
/// A name longer than [`MAX_NAME`] bytes.
pub fn check_name_len(kind: &str, name: &str) -> CmdResult<()> {
    if name.len() > MAX_NAME {
        return Err(CmdError::invalid(format!(
            "{kind} name of {} bytes is too long: at most {MAX_NAME} bytes",
            name.len()
        )));
    }
    Ok(())
}

/// `name` cut to at most [`MAX_NAME`] bytes at a character boundary (a window name taken from
/// a command).
pub fn truncate_name(name: String) -> String {
    truncate_to(name, MAX_NAME)
}

/// `s` cut to at most `max` bytes at a character boundary (names, titles).
pub fn truncate_to(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// Largest `new-session --history-limit`, in lines (the history's memory is proportional to
/// it).
pub const MAX_HISTORY_LIMIT: u32 = 1_000_000;

/// Longest `notify` message, in bytes.
pub const MAX_MESSAGE: usize = 4096;

/// Largest input one `send-key` may produce (its keys' bytes times `-N`), in bytes.
pub const MAX_KEY_INPUT: u64 = 1024 * 1024;

/// Longest `wait-for` channel name, in bytes.
pub const MAX_CHANNEL_NAME: usize = 256;

/// Most `wait-for -S` signals kept for channels nobody waits on.
pub const MAX_KEPT_SIGNALS: usize = 10_000;

/// Most client connections served at once; more are refused with an error reply. Changed
/// with `TIDEMUX_MAX_CONNECTIONS` in the server's environment.
pub const MAX_CONNECTIONS: usize = 512;

/// The connection cap in force: `TIDEMUX_MAX_CONNECTIONS` when set to a number >= 1, else
/// [`MAX_CONNECTIONS`].
pub fn max_connections() -> usize {
    std::env::var("TIDEMUX_MAX_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(MAX_CONNECTIONS)
}

/// How long a new connection may take to send its 8-byte handshake.
pub const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cut_at_a_character_boundary() {
        assert_eq!(truncate_to("abc".into(), 3), "abc");
        assert_eq!(truncate_to("abcd".into(), 3), "abc");
        // 'é' is two bytes: a cut inside it keeps the character out.
        assert_eq!(truncate_to("aéb".into(), 2), "a");
        assert_eq!(truncate_to("aéb".into(), 3), "aé");
        assert_eq!(truncate_to(String::new(), 0), "");
    }

    #[test]
    fn window_sizes() {
        assert!(check_window_size(80, 24).is_ok());
        assert!(check_window_size(2000, 1000).is_ok());
        assert!(check_window_size(10_000, 200).is_ok());
        for (c, r) in [
            (0, 24),
            (80, 0),
            (10_001, 1),
            (2001, 1000),
            (10_000, 10_000),
        ] {
            let e = check_window_size(c, r).unwrap_err();
            assert!(e.message.contains(&format!("{c}x{r}")), "{e:?}");
        }
    }

    #[test]
    fn client_sizes_are_clamped_into_the_bound() {
        assert_eq!(clamp_client_size(80, 24), (80, 24));
        assert_eq!(clamp_client_size(0, 0), (1, 1));
        let (c, r) = clamp_client_size(u16::MAX, u16::MAX);
        assert!(check_window_size(c, r).is_ok(), "{c}x{r}");
        let (c, r) = clamp_client_size(4000, 4000);
        assert!(check_window_size(c, r).is_ok(), "{c}x{r}");
        assert_eq!(c, 4000);
    }
}
