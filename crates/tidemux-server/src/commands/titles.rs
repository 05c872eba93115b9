//! `set-titles` and `set-titles-string` (tmux 3.3a server-client.c `server_client_set_title`,
//! tty.c `tty_set_title`): with `set-titles on` an attached client's terminal gets its title
//! set to `set-titles-string` expanded for the client's session, its current window and that
//! window's active pane, whenever the expanded text differs from what the client was last
//! sent. The attach frame task calls [`client_title`]; the text travels in
//! `AttachFrame::title` and the client writes it as `ESC ] 0 ; TEXT BEL`.
//!
//! tmux writes a title only to a terminal that has the `tsl` and `fsl` capabilities: from its
//! terminfo entry, or added by the `title` feature (tmux tty-features.c: `tsl=\E]0;`,
//! `fsl=^G`), which a terminal gets from the `terminal-features` option (default
//! `xterm*:...:title` and `screen*:title`) or by being "VT100-like" (its terminfo `clear`
//! starts with `ESC [`; tmux tty-term.c `tty_term_create`). [`terminal_has_title`] decides the
//! same once per attach, as tmux does when the client connects.

use crate::options::{OptValue, Options, Where};
use crate::state::ServerState;
use crate::sync::lock;
use tidemux_proto::SessionId;

/// Whether a terminal called `term` (the client's `TERM`) can have its title set: a
/// `terminal-features` item (`PATTERN:FEATURE:...`, `PATTERN` an fnmatch pattern of the
/// terminal's name) gives it the `title` feature, or its terminfo entry has both `tsl` and
/// `fsl` or a `clear` starting with `ESC [` (tmux tty-term.c `tty_term_create`; tmux also
/// counts the extended `XT` flag, not read here). `false` with no `TERM`, and for a terminal
/// with no terminfo entry that no feature names (tmux refuses to attach one).
pub fn terminal_has_title(term: Option<&str>, opts: &Options) -> bool {
    let Some(term) = term.filter(|t| !t.is_empty()) else {
        return false;
    };
    if let Some(OptValue::Array(items)) = opts.get(Where::Server, "terminal-features", None) {
        if items.values().any(|v| features_give_title(v, term)) {
            return true;
        }
    }
    terminfo_has_title(term)
}

/// Whether one `terminal-features` item applies to `term` and names the `title` feature.
fn features_give_title(item: &str, term: &str) -> bool {
    let mut parts = item.split(':');
    let pattern = parts.next().unwrap_or("");
    crate::format::fnmatch::fnmatch(pattern, term, false)
        && parts.any(|f| f.split(',').any(|f| f == "title"))
}

/// Index of `fsl` (from_status_line) among terminfo's string capabilities (ncurses term.h).
const FSL: usize = 47;
/// Index of `tsl` (to_status_line).
const TSL: usize = 135;
/// Index of `clear` (clear_screen).
const CLEAR: usize = 5;
/// Largest terminfo file read, bytes (compiled entries are a few KiB).
const TERMINFO_MAX: u64 = 64 * 1024;

/// Whether the compiled terminfo entry of `term` gives a title: it has both `tsl` and `fsl`,
/// or its `clear` starts with `ESC [` (tmux's VT100-like terminals get the `title` feature).
/// Looked up as
/// ncurses does: `$TERMINFO`, `~/.terminfo`, `$TERMINFO_DIRS`, then `/etc/terminfo`,
/// `/lib/terminfo`, `/usr/share/terminfo`, `/usr/lib/terminfo`, each as `DIR/c/NAME` or
/// `DIR/hh/NAME` (`c` the first letter, `hh` its hex code). The server's environment is used
/// (the client's is not known); an entry that is missing or does not parse has neither.
pub fn terminfo_has_title(term: &str) -> bool {
    if term.contains('/') || term.starts_with('.') {
        return false;
    }
    let Some(first) = term.chars().next() else {
        return false;
    };
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        dirs.push(d.into());
    }
    if let Some(h) = std::env::var_os("HOME") {
        dirs.push(std::path::Path::new(&h).join(".terminfo"));
    }
    if let Ok(list) = std::env::var("TERMINFO_DIRS") {
        dirs.extend(list.split(':').filter(|d| !d.is_empty()).map(Into::into));
    }
    for d in [
        "/etc/terminfo",
        "/lib/terminfo",
        "/usr/share/terminfo",
        "/usr/lib/terminfo",
    ] {
        dirs.push(d.into());
    }
    for d in dirs {
        for sub in [first.to_string(), format!("{:02x}", u32::from(first))] {
            let path = d.join(sub).join(term);
            let Ok(f) = std::fs::File::open(&path) else {
                continue;
            };
            let mut data = Vec::new();
            use std::io::Read;
            if f.take(TERMINFO_MAX).read_to_end(&mut data).is_ok() {
                return string_caps(&data, &[TSL, FSL, CLEAR]).is_some_and(|c| {
                    (c[0].is_some() && c[1].is_some())
                        || c[2].as_ref().is_some_and(|v| v.starts_with(b"\x1b["))
                });
            }
        }
    }
    false
}

/// The string capabilities of index `want` in a compiled terminfo entry (term(5): the legacy
/// 16-bit format, magic 0432, or the 32-bit one, magic 01036), each `None` when absent (or
/// past the table); `None` if the data is not such an entry.
fn string_caps(data: &[u8], want: &[usize]) -> Option<Vec<Option<Vec<u8>>>> {
    let short = |i: usize| -> Option<i16> {
        data.get(i * 2..i * 2 + 2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
    };
    let num_size = match short(0)? {
        0o432 => 2,
        0o1036 => 4,
        _ => return None,
    };
    let field = |i: usize| usize::try_from(short(i)?).ok();
    let (names, bools, nums, strs) = (field(1)?, field(2)?, field(3)?, field(4)?);
    let mut off = 12 + names + bools;
    off += off % 2;
    off += nums * num_size;
    let table = off + strs * 2;
    Some(
        want.iter()
            .map(|&i| {
                if i >= strs {
                    return None;
                }
                let at = off + i * 2;
                let v = data.get(at..at + 2)?;
                let v = usize::try_from(i16::from_le_bytes([v[0], v[1]])).ok()?;
                let rest = data.get(table + v..)?;
                let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
                Some(rest[..end].to_vec())
            })
            .collect(),
    )
}

/// The title for a client attached to session `sid`: `set-titles-string` expanded (strftime
/// first, as tmux's `format_expand_time`) for the session, its current window and that
/// window's active pane, cut to [`crate::screen::MAX_TITLE_BYTES`] at a character boundary (a
/// format over every window or a long pane title must not make every frame large); `None` when
/// the session's `set-titles` is off or the session is gone. Takes the registry, options and environment locks in the order `display-message` does.
pub fn client_title(state: &ServerState, sid: SessionId) -> Option<String> {
    use crate::format::model::ModelContext;
    let reg = state.registry();
    let opts = lock(&state.options_store);
    if opts
        .effective("set-titles", Some(sid), None, None)
        .as_deref()
        != Some("on")
    {
        return None;
    }
    let (index, wid) = reg.current_winlink(sid)?;
    let pane = reg.windows.get(&wid)?.active_pane;
    let fmt = opts
        .effective("set-titles-string", Some(sid), Some(wid), Some(pane))
        .unwrap_or_default();
    let env = lock(&state.environment);
    let ctx = ModelContext::new(state, &reg, Some(crate::registry::Resolved::Pane(pane)))
        .at_winlink(sid, index)
        .with_options(&*opts)
        .with_environ(&env);
    Some(crate::limits::truncate_to(
        crate::format::Expander::new().expand_time(&ctx, &fmt),
        crate::screen::MAX_TITLE_BYTES,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_features_give_the_title() {
        let opts = Options::default();
        for (term, want) in [
            ("xterm-256color", true),
            ("xterm", true),
            ("screen", true),
            ("screen.xterm-256color", true),
            ("", false),
        ] {
            assert_eq!(terminal_has_title(Some(term), &opts), want, "{term}");
        }
        assert!(!terminal_has_title(None, &opts));
        assert!(features_give_title("rxvt*:256:title", "rxvt-unicode"));
        assert!(!features_give_title("rxvt*:256", "rxvt-unicode"));
        assert!(!features_give_title("xterm*:title", "vt100"));
    }

    /// A compiled entry with `tsl` and `fsl` (16-bit and 32-bit numbers), one without, junk.
    #[test]
    fn terminfo_string_capabilities() {
        fn entry(magic: i16, num_size: usize, strs: &[i16], table: &[u8]) -> Vec<u8> {
            let names = b"x|test\0";
            let mut d = Vec::new();
            for v in [
                magic,
                names.len() as i16,
                1,
                1,
                strs.len() as i16,
                table.len() as i16,
            ] {
                d.extend(v.to_le_bytes());
            }
            d.extend(names);
            d.push(1);
            if d.len() % 2 == 1 {
                d.push(0);
            }
            d.extend(vec![0xff; num_size]);
            for s in strs {
                d.extend(s.to_le_bytes());
            }
            d.extend(table);
            d
        }
        let table = b"\x1b]0;\0\x07\0\x1b[H\x1b[J\0";
        let mut caps = vec![-1i16; 140];
        caps[TSL] = 0;
        caps[FSL] = 5;
        caps[CLEAR] = 7;
        let some = |b: &[u8]| Some(b.to_vec());
        for (magic, size) in [(0o432, 2), (0o1036, 4)] {
            let e = entry(magic, size, &caps, table);
            assert_eq!(
                string_caps(&e, &[TSL, FSL, CLEAR, 3]),
                Some(vec![
                    some(b"\x1b]0;"),
                    some(b"\x07"),
                    some(b"\x1b[H\x1b[J"),
                    None
                ])
            );
        }
        assert_eq!(
            string_caps(&entry(0o432, 2, &caps[..100], table), &[TSL, CLEAR]),
            Some(vec![None, some(b"\x1b[H\x1b[J")])
        );
        assert_eq!(string_caps(b"junk", &[TSL]), None);
        assert_eq!(string_caps(&[0x1a, 0x01], &[TSL]), None);
        assert!(!terminfo_has_title("../etc/passwd"));
        assert!(!terminfo_has_title("no-such-terminal-anywhere"));
        // The system's entries, where installed: tmux's has them, xterm's does not.
        if std::path::Path::new("/lib/terminfo/t/tmux-256color").exists() {
            assert!(terminfo_has_title("tmux-256color"));
        }
        if std::path::Path::new("/lib/terminfo/v/vt100").exists() {
            assert!(
                terminfo_has_title("vt100"),
                "VT100-like: clear is ESC [ H ESC [ J"
            );
        }
    }
}
