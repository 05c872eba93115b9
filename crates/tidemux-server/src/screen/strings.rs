//! Caps on the strings a program can make the parser buffer.
//!
//! vte (under vt100) collects an OSC string (`ESC ] ... BEL` or `... ESC \`) in a buffer that
//! grows with the string and keeps its capacity afterwards; DCS, APC, PM and SOS strings are
//! passed through byte by byte (and ignored) or skipped, so they cost nothing. [`OscLimiter`]
//! sits in front of the parser and drops the bytes of an OSC string past [`MAX_OSC_BYTES`]
//! (the string is cut, not discarded: its first bytes still take effect), so a program that
//! prints a 17 MiB title costs at most that many bytes. tmux bounds the same strings with its
//! `input-buffer-size` option (tmux(1); 1 MiB by default, the whole string is then discarded).
//!
//! The limiter tracks only what decides whether vte is inside an OSC string: `ESC` enters the
//! escape state from any state; in the escape state `]` starts an OSC string, C0 controls (but
//! CAN/SUB), DEL and bytes >= 0x80 keep it, anything else leaves it; an OSC string ends at BEL,
//! CAN, SUB or ESC (vte 0.15 `Parser::advance`, states `Escape` and `OscString`).

/// Largest OSC string passed to the parser, bytes (its number and parameters included).
pub const MAX_OSC_BYTES: usize = 4096;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Anything but the two states below.
    #[default]
    Other,
    /// Right after `ESC`.
    Escape,
    /// Inside an OSC string, with the bytes kept so far.
    Osc(usize),
}

/// Drops OSC string bytes past [`MAX_OSC_BYTES`]; keeps its state across chunks.
#[derive(Clone, Copy, Debug, Default)]
pub struct OscLimiter {
    state: State,
}

impl OscLimiter {
    /// Calls `feed` with the parts of `bytes` to parse, in order (nothing is reordered; the
    /// dropped parts are the tails of over-long OSC strings).
    pub fn filter<'a>(&mut self, bytes: &'a [u8], mut feed: impl FnMut(&'a [u8])) {
        let mut i = 0;
        let mut kept_from = 0;
        while i < bytes.len() {
            match self.state {
                State::Other => match memchr::memchr(0x1b, &bytes[i..]) {
                    Some(k) => {
                        i += k + 1;
                        self.state = State::Escape;
                    }
                    None => i = bytes.len(),
                },
                State::Escape => {
                    let b = bytes[i];
                    i += 1;
                    self.state = match b {
                        b']' => State::Osc(0),
                        0x18 | 0x1a => State::Other,
                        0x00..=0x1f | 0x7f..=0xff => State::Escape,
                        _ => State::Other,
                    };
                }
                State::Osc(n) => {
                    let rest = &bytes[i..];
                    let end = rest
                        .iter()
                        .position(|&b| matches!(b, 0x07 | 0x18 | 0x1a | 0x1b));
                    let body = end.unwrap_or(rest.len());
                    let room = MAX_OSC_BYTES - n;
                    let n = if body <= room {
                        n + body
                    } else {
                        feed(&bytes[kept_from..i + room]);
                        kept_from = i + body;
                        MAX_OSC_BYTES
                    };
                    i += body;
                    self.state = match end {
                        Some(_) => {
                            let b = bytes[i];
                            i += 1;
                            if b == 0x1b {
                                State::Escape
                            } else {
                                State::Other
                            }
                        }
                        None => State::Osc(n),
                    };
                }
            }
        }
        if kept_from < bytes.len() {
            feed(&bytes[kept_from..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(l: &mut OscLimiter, b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        l.filter(b, |s| out.extend_from_slice(s));
        out
    }

    #[test]
    fn short_strings_and_other_output_pass_unchanged() {
        let mut l = OscLimiter::default();
        let b = b"ab\x1b[1mc\x1b]2;title\x07d\x1bP1$q\x1b\\\x1b]0;t\x1b\\e\x1b(Bf";
        assert_eq!(run(&mut l, b), b);
    }

    #[test]
    fn long_osc_strings_are_cut_across_chunks() {
        let mut l = OscLimiter::default();
        let mut out = run(&mut l, b"x\x1b]2;");
        for _ in 0..100 {
            out.extend(run(&mut l, &[b'y'; 1000]));
        }
        out.extend(run(&mut l, b"\x07z\x1b]2;short\x07"));
        let mut want = b"x\x1b]2;".to_vec();
        want.extend(std::iter::repeat_n(b'y', MAX_OSC_BYTES - 2));
        want.extend(b"\x07z\x1b]2;short\x07");
        assert_eq!(out, want);
    }

    #[test]
    fn escape_state_follows_vte() {
        let mut l = OscLimiter::default();
        // ESC with an intermediate, then ']' is a plain escape sequence, not an OSC string.
        let mut b = b"\x1b(]".to_vec();
        b.extend([b'y'; 5000]);
        assert_eq!(run(&mut l, &b), b);
        // C0 controls inside the escape state keep it.
        let mut b = b"\x1b\x0d]".to_vec();
        b.extend([b'y'; 5000]);
        assert_eq!(run(&mut l, &b).len(), 3 + MAX_OSC_BYTES);
    }
}
