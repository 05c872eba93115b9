//! The client's keyboard: raw stdin bytes pass through unchanged, except the prefix key and the
//! key after it (tmux(1) "KEY BINDINGS", default prefix `C-b`).

/// Parses a prefix key name: `C-x` (control letter or `C-@`, `C-[`..`C-_`), or one ASCII
/// character.
///
/// # Errors
/// A message naming the key and the valid forms.
pub fn parse_prefix(name: &str) -> Result<u8, String> {
    let bad = || {
        format!("bad prefix key '{name}': use C-a .. C-z (or another C-x control key) or one ASCII character")
    };
    if let Some(rest) = name.strip_prefix("C-").or_else(|| name.strip_prefix("^")) {
        let mut chars = rest.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(bad());
        };
        let c = c.to_ascii_uppercase();
        return match c {
            '@'..='_' => Ok(c as u8 - b'@'),
            ' ' => Ok(0),
            '?' => Ok(0x7f),
            _ => Err(bad()),
        };
    }
    match name.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(bad()),
    }
}

/// What a key after the prefix asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Bytes for the active pane.
    Forward(Vec<u8>),
    /// `d`.
    Detach,
    /// `c`.
    NewWindow,
    /// `n` (+1) / `p` (-1).
    CycleWindow(i32),
    /// `0`-`9`.
    SelectWindow(u32),
    /// `%` (true: side by side) / `"` (false).
    Split(bool),
    /// Arrow keys: (dx, dy).
    SelectDirection(i32, i32),
    /// `o`.
    NextPane,
    /// `x`.
    KillPane,
    /// `z`.
    Zoom,
    /// `,`.
    RenameWindow,
    /// `[`.
    CopyMode,
    /// `?`.
    Help,
    /// `a`: focus the next pane waiting for input or asking for attention, oldest first
    /// (tidemux's own binding; tmux leaves `a` unbound).
    JumpAttention,
    /// `b`: show or hide the agent overview sidebar (tidemux's own binding).
    ToggleSidebar,
    /// `q`: show pane numbers; a digit pressed while they show selects that pane (tmux
    /// `display-panes`).
    PaneNumbers,
    /// `]`: paste the newest paste buffer into the active pane (tmux `paste-buffer`).
    Paste,
    /// `w` (false: windows expanded) / `s` (true: sessions collapsed): the choose tree
    /// (tmux `choose-tree -Zw` / `-Zs`).
    ChooseTree(bool),
    /// `:`: the command prompt (tmux `command-prompt`).
    CommandPrompt,
    /// `r` (tmux `refresh-client`): draw everything again and read the server's config files
    /// again (`source-file`).
    Refresh,
    /// A key bound to a command the client does not carry out itself: the server runs the
    /// binding (`AttachKey`).
    Run {
        /// Key table.
        table: String,
        /// Key name.
        key: String,
    },
}

/// The prefix state machine.
#[derive(Debug)]
pub struct Keys {
    prefix: u8,
    state: State,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Normal,
    Prefix,
    /// After prefix + ESC (an arrow key's `ESC [ X` or `ESC O X`).
    PrefixEsc(Vec<u8>),
}

impl Keys {
    /// A machine for `prefix`.
    pub fn new(prefix: u8) -> Self {
        Keys {
            prefix,
            state: State::Normal,
        }
    }

    /// Whether no prefix is pending (a mouse report may be taken whole).
    pub fn idle(&self) -> bool {
        self.state == State::Normal
    }

    /// Feeds raw bytes; returns the actions in order (consecutive forwarded bytes merged).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        let mut out: Vec<Action> = Vec::new();
        let fwd = |out: &mut Vec<Action>, b: &[u8]| {
            if let Some(Action::Forward(v)) = out.last_mut() {
                v.extend_from_slice(b);
            } else {
                out.push(Action::Forward(b.to_vec()));
            }
        };
        for &b in bytes {
            match std::mem::replace(&mut self.state, State::Normal) {
                State::Normal => {
                    if b == self.prefix {
                        self.state = State::Prefix;
                    } else {
                        fwd(&mut out, &[b]);
                    }
                }
                State::Prefix => {
                    let a = match b {
                        _ if b == self.prefix => Some(Action::Forward(vec![b])),
                        b'd' => Some(Action::Detach),
                        b'c' => Some(Action::NewWindow),
                        b'n' => Some(Action::CycleWindow(1)),
                        b'p' => Some(Action::CycleWindow(-1)),
                        b'0'..=b'9' => Some(Action::SelectWindow(u32::from(b - b'0'))),
                        b'%' => Some(Action::Split(true)),
                        b'"' => Some(Action::Split(false)),
                        b'o' => Some(Action::NextPane),
                        b'x' => Some(Action::KillPane),
                        b'z' => Some(Action::Zoom),
                        b',' => Some(Action::RenameWindow),
                        b'[' => Some(Action::CopyMode),
                        b'?' => Some(Action::Help),
                        b'a' => Some(Action::JumpAttention),
                        b'b' => Some(Action::ToggleSidebar),
                        b'q' => Some(Action::PaneNumbers),
                        b']' => Some(Action::Paste),
                        b'w' => Some(Action::ChooseTree(false)),
                        b's' => Some(Action::ChooseTree(true)),
                        b':' => Some(Action::CommandPrompt),
                        0x1b => {
                            self.state = State::PrefixEsc(Vec::new());
                            None
                        }
                        _ => None, // unbound: ignored, as tmux does
                    };
                    match a {
                        Some(Action::Forward(v)) => fwd(&mut out, &v),
                        Some(a) => out.push(a),
                        None => {}
                    }
                }
                State::PrefixEsc(mut seq) => {
                    seq.push(b);
                    match seq.as_slice() {
                        [b'[' | b'O'] => self.state = State::PrefixEsc(seq),
                        [_, b'A'] => out.push(Action::SelectDirection(0, -1)),
                        [_, b'B'] => out.push(Action::SelectDirection(0, 1)),
                        [_, b'C'] => out.push(Action::SelectDirection(1, 0)),
                        [_, b'D'] => out.push(Action::SelectDirection(-1, 0)),
                        _ => {} // something else: dropped
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_names() {
        assert_eq!(parse_prefix("C-b"), Ok(2));
        assert_eq!(parse_prefix("C-a"), Ok(1));
        assert_eq!(parse_prefix("^A"), Ok(1));
        assert_eq!(parse_prefix("`"), Ok(b'`'));
        assert!(parse_prefix("C-").is_err());
        assert!(parse_prefix("Foo").is_err());
    }

    #[test]
    fn bytes_pass_through_and_prefix_commands_are_taken() {
        let mut k = Keys::new(2);
        assert_eq!(k.feed(b"ls\r"), [Action::Forward(b"ls\r".to_vec())]);
        assert_eq!(
            k.feed(b"a\x02db"),
            [
                Action::Forward(b"a".to_vec()),
                Action::Detach,
                Action::Forward(b"b".to_vec())
            ]
        );
        // Split across reads, literal prefix, arrows, application-cursor sequences untouched.
        assert_eq!(k.feed(b"\x02"), []);
        assert_eq!(
            k.feed(b"\x02\x1bOA"),
            [Action::Forward(b"\x02\x1bOA".to_vec())]
        );
        assert_eq!(k.feed(b"\x02\x1b[C"), [Action::SelectDirection(1, 0)]);
        assert_eq!(
            k.feed(b"\x02%\x02\"\x023"),
            [
                Action::Split(true),
                Action::Split(false),
                Action::SelectWindow(3)
            ]
        );
        assert_eq!(k.feed(b"\x02Q"), []);
    }
}
