//! tmux key names → terminal input bytes.
//!
//! Converts key names as accepted by `tmux send-keys` (tmux(1) man page,
//! section "KEY BINDINGS" and the `send-keys` command) into the byte sequences
//! an xterm-compatible terminal would send to the program running in a pane.
//!
//! Sequences follow xterm's "Control Sequences" document (ctlseqs), section
//! "PC-Style Function Keys":
//!
//! * cursor keys send `CSI A`..`CSI D` normally and `SS3 A`..`SS3 D` when
//!   DECCKM (application cursor mode) is set; likewise Home/End (`CSI H`/`CSI F`
//!   vs `SS3 H`/`SS3 F`);
//! * Insert/Delete/PageUp/PageDown and F5..F12 send `CSI n ~`;
//! * F1..F4 send `SS3 P`..`SS3 S`;
//! * modified keys use the parameter form `CSI 1 ; m X` / `CSI n ; m ~`, where
//!   `m = 1 + (Shift ? 1 : 0) + (Alt ? 2 : 0) + (Control ? 4 : 0)`.
//!
//! Ordinary characters are sent as UTF-8; `C-` maps to C0 control codes, `M-`
//! prefixes `ESC` (xterm's `metaSendsEscape`), and `S-` upper-cases letters.

use std::fmt;

/// Input modes of the pane that affect key encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyModes {
    /// DECCKM (`CSI ? 1 h`): cursor keys send `ESC O A` instead of `ESC [ A`.
    pub application_cursor: bool,
    /// DECKPAM (`ESC =`): keypad application mode (only affects keypad keys if
    /// you support any; may be ignored).
    ///
    /// No keypad key names are supported yet, so this is currently ignored.
    pub application_keypad: bool,
}

/// A parse error: names the bad key and lists what is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// The key name exactly as given.
    pub key: String,
    /// Human-readable message, e.g. `unknown key 'Foo'; valid keys: ...`.
    pub message: String,
}

impl KeyError {
    fn unknown(key: &str) -> Self {
        KeyError {
            key: key.to_string(),
            message: format!("unknown key '{key}'; valid keys: {}", valid_key_names()),
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KeyError {}

/// The base key, without modifiers (tmux man page, "KEY BINDINGS").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCode {
    /// A literal character, sent as UTF-8.
    Char(char),
    /// `Enter`: `\r`.
    Enter,
    /// `Escape`: `ESC`.
    Escape,
    /// `Tab`: `\t`.
    Tab,
    /// `BTab` (back-tab, Shift-Tab): `CSI Z`.
    BTab,
    /// `BSpace`: DEL (`0x7f`).
    BSpace,
    /// `Space`: `' '`.
    Space,
    /// `Up`: `CSI A` / `SS3 A`.
    Up,
    /// `Down`: `CSI B` / `SS3 B`.
    Down,
    /// `Right`: `CSI C` / `SS3 C`.
    Right,
    /// `Left`: `CSI D` / `SS3 D`.
    Left,
    /// `Home`: `CSI H` / `SS3 H`.
    Home,
    /// `End`: `CSI F` / `SS3 F`.
    End,
    /// `PageUp` / `PPage` / `PgUp`: `CSI 5 ~`.
    PageUp,
    /// `PageDown` / `NPage` / `PgDn`: `CSI 6 ~`.
    PageDown,
    /// `IC` / `Insert`: `CSI 2 ~`.
    Insert,
    /// `DC` / `Delete`: `CSI 3 ~`.
    Delete,
    /// `F1`..`F12` (the value is 1..=12).
    F(u8),
}

/// A parsed key: a base key plus modifiers.
///
/// Keys produced by [`parse_key`] are always encodable exactly. If a `Key` is
/// built by hand with `ctrl` on a character that has no control code, the
/// control modifier is ignored when encoding (tmux falls back similarly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The base key.
    pub code: KeyCode,
    /// `C-` (or `^x`).
    pub ctrl: bool,
    /// `M-` (Meta/Alt).
    pub meta: bool,
    /// `S-`.
    pub shift: bool,
}

impl Key {
    /// An unmodified key.
    pub fn new(code: KeyCode) -> Self {
        Key {
            code,
            ctrl: false,
            meta: false,
            shift: false,
        }
    }
}

/// The list of valid key names for error messages.
pub fn valid_key_names() -> &'static str {
    "Enter, Escape, Tab, BTab, BSpace, Space, Up, Down, Left, Right, Home, End, \
     PageUp (PPage, PgUp), PageDown (NPage, PgDn), IC (Insert), DC (Delete), F1..F12, \
     any single character; modifiers C-, M-, S- (e.g. C-c, M-x, C-M-Up), ^x for C-x"
}

/// Named keys (matched case-insensitively), from tmux's key table.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Escape", KeyCode::Escape),
    ("Tab", KeyCode::Tab),
    ("BTab", KeyCode::BTab),
    ("BSpace", KeyCode::BSpace),
    ("Space", KeyCode::Space),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Right", KeyCode::Right),
    ("Left", KeyCode::Left),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PPage", KeyCode::PageUp),
    ("PgUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("NPage", KeyCode::PageDown),
    ("PgDn", KeyCode::PageDown),
    ("IC", KeyCode::Insert),
    ("Insert", KeyCode::Insert),
    ("DC", KeyCode::Delete),
    ("Delete", KeyCode::Delete),
];

fn lookup_base(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // A single character is always literal (so `C` is 'C', not a modifier).
        return Some(KeyCode::Char(c));
    }
    if let Some(&(_, code)) = NAMED_KEYS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        return Some(code);
    }
    let digits = name.strip_prefix(['F', 'f'])?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<u8>() {
        Ok(n @ 1..=12) => Some(KeyCode::F(n)),
        _ => None,
    }
}

/// The C0 control code for `C-<c>`, per xterm's legacy control mapping.
fn control_code(c: char) -> Option<u8> {
    match c {
        'a'..='z' | 'A'..='Z' => Some((c.to_ascii_lowercase() as u8) - b'a' + 1),
        '@' | ' ' | '2' => Some(0x00),
        '[' => Some(0x1b),
        '\\' => Some(0x1c),
        ']' => Some(0x1d),
        '^' | '6' => Some(0x1e),
        '_' | '/' => Some(0x1f),
        '?' => Some(0x7f),
        _ => None,
    }
}

/// Parse one tmux key name (tmux man page, "KEY BINDINGS"; `send-keys`).
///
/// Named keys are case-insensitive (`enter`, `ENTER`); a single character is
/// literal. Modifier prefixes `C-`, `M-`, `S-` (either case, any order,
/// combinable) and, at the very start only, the `^x` short form for `C-x` are
/// accepted.
pub fn parse_key(name: &str) -> Result<Key, KeyError> {
    let err = || KeyError::unknown(name);
    let mut key = Key::new(KeyCode::Space);
    let mut rest = name;

    // tmux's short control form: `^x` (but a lone `^` is the character).
    if let Some(r) = rest.strip_prefix('^') {
        if !r.is_empty() {
            key.ctrl = true;
            rest = r;
        }
    }
    // Modifier prefixes; a prefix is only taken if something follows it, so
    // `C-` alone is an error and `M--` is Meta + '-'.
    loop {
        let b = rest.as_bytes();
        if b.len() < 3 || b[1] != b'-' {
            break;
        }
        match b[0] {
            b'C' | b'c' => key.ctrl = true,
            b'M' | b'm' => key.meta = true,
            b'S' | b's' => key.shift = true,
            _ => break,
        }
        rest = &rest[2..];
    }
    // An empty name or a dangling modifier (`C-`, `C-M-`) is not a key.
    key.code = lookup_base(rest).ok_or_else(err)?;

    // Validate that Ctrl on a character has a control code.
    if key.ctrl {
        if let KeyCode::Char(c) = key.code {
            if control_code(c).is_none() {
                return Err(KeyError {
                    key: name.to_string(),
                    message: format!(
                        "unknown key '{name}' ('{c}' has no control code; use C-a..C-z, \
                         C-@, C-[, C-\\, C-], C-^, C-_, C-?, C-Space, C-2, C-6, C-/); \
                         valid keys: {}",
                        valid_key_names()
                    ),
                });
            }
        }
    }
    Ok(key)
}

/// Encode a parsed key for the modes.
///
/// Byte sequences follow xterm ctlseqs, "PC-Style Function Keys": unmodified
/// cursor keys honour DECCKM; modified cursor/navigation/function keys use the
/// `CSI 1 ; m X` / `CSI n ; m ~` parameter form with
/// `m = 1 + Shift(1) + Meta(2) + Ctrl(4)`. Other keys get `ESC` prepended for
/// `M-`.
pub fn encode_key(key: &Key, modes: KeyModes, out: &mut Vec<u8>) {
    // How cursor, navigation and function keys are encoded.
    enum Csi {
        /// `CSI X` / `SS3 X` (cursor keys, Home/End): app-cursor sensitive.
        Cursor(u8),
        /// `SS3 X` unmodified, `CSI 1 ; m X` modified (F1..F4).
        Ss3(u8),
        /// `CSI n ~`.
        Tilde(u8),
    }
    let csi = match key.code {
        KeyCode::Up => Some(Csi::Cursor(b'A')),
        KeyCode::Down => Some(Csi::Cursor(b'B')),
        KeyCode::Right => Some(Csi::Cursor(b'C')),
        KeyCode::Left => Some(Csi::Cursor(b'D')),
        KeyCode::Home => Some(Csi::Cursor(b'H')),
        KeyCode::End => Some(Csi::Cursor(b'F')),
        KeyCode::Insert => Some(Csi::Tilde(2)),
        KeyCode::Delete => Some(Csi::Tilde(3)),
        KeyCode::PageUp => Some(Csi::Tilde(5)),
        KeyCode::PageDown => Some(Csi::Tilde(6)),
        KeyCode::F(n @ 1..=4) => Some(Csi::Ss3(b'P' + (n - 1))),
        KeyCode::F(n) => match n {
            5 => Some(Csi::Tilde(15)),
            6 => Some(Csi::Tilde(17)),
            7 => Some(Csi::Tilde(18)),
            8 => Some(Csi::Tilde(19)),
            9 => Some(Csi::Tilde(20)),
            10 => Some(Csi::Tilde(21)),
            11 => Some(Csi::Tilde(23)),
            12 => Some(Csi::Tilde(24)),
            _ => None, // not produced by parse_key; send nothing
        },
        _ => None,
    };
    if let Some(csi) = csi {
        let m = 1 + u8::from(key.shift) + 2 * u8::from(key.meta) + 4 * u8::from(key.ctrl);
        let modified = m > 1;
        match csi {
            Csi::Cursor(f) | Csi::Ss3(f) if modified => {
                out.extend_from_slice(format!("\x1b[1;{m}").as_bytes());
                out.push(f);
            }
            Csi::Cursor(f) if !modes.application_cursor => {
                out.extend_from_slice(b"\x1b[");
                out.push(f);
            }
            Csi::Cursor(f) | Csi::Ss3(f) => {
                out.extend_from_slice(b"\x1bO");
                out.push(f);
            }
            Csi::Tilde(n) if modified => {
                out.extend_from_slice(format!("\x1b[{n};{m}~").as_bytes());
            }
            Csi::Tilde(n) => out.extend_from_slice(format!("\x1b[{n}~").as_bytes()),
        }
        return;
    }
    if matches!(key.code, KeyCode::F(_)) {
        return; // out-of-range function key built by hand
    }

    if key.meta {
        out.push(0x1b);
    }
    match key.code {
        KeyCode::Enter => out.push(b'\r'),
        KeyCode::Escape => out.push(0x1b),
        KeyCode::Tab if key.shift => out.extend_from_slice(b"\x1b[Z"),
        KeyCode::Tab => out.push(b'\t'),
        KeyCode::BTab => out.extend_from_slice(b"\x1b[Z"),
        KeyCode::BSpace => out.push(0x7f),
        KeyCode::Space if key.ctrl => out.push(0x00),
        KeyCode::Space => out.push(b' '),
        KeyCode::Char(c) => {
            if key.ctrl {
                if let Some(code) = control_code(c) {
                    out.push(code);
                    return;
                }
            }
            let c = if key.shift && c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c
            };
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        // Handled above.
        KeyCode::Up
        | KeyCode::Down
        | KeyCode::Right
        | KeyCode::Left
        | KeyCode::Home
        | KeyCode::End
        | KeyCode::PageUp
        | KeyCode::PageDown
        | KeyCode::Insert
        | KeyCode::Delete
        | KeyCode::F(_) => {}
    }
}

/// Parse all names first (so nothing is sent if any is bad), then encode each,
/// repeated `count` times (the whole list repeated `count` times, like tmux
/// `send-keys -N`). Returns the bytes.
pub fn encode_keys(names: &[String], count: u32, modes: KeyModes) -> Result<Vec<u8>, KeyError> {
    let keys = names
        .iter()
        .map(|n| parse_key(n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut once = Vec::new();
    for key in &keys {
        encode_key(key, modes, &mut once);
    }
    Ok(once.repeat(count as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORMAL: KeyModes = KeyModes {
        application_cursor: false,
        application_keypad: false,
    };
    const APP: KeyModes = KeyModes {
        application_cursor: true,
        application_keypad: false,
    };

    fn enc_in(name: &str, modes: KeyModes) -> Vec<u8> {
        let key = parse_key(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut out = Vec::new();
        encode_key(&key, modes, &mut out);
        out
    }

    fn enc(name: &str) -> Vec<u8> {
        enc_in(name, NORMAL)
    }

    fn check(cases: &[(&str, &[u8])]) {
        for (name, want) in cases {
            assert_eq!(enc(name), *want, "key {name:?}");
        }
    }

    #[test]
    fn simple_named_keys() {
        check(&[
            ("Enter", b"\r"),
            ("Escape", b"\x1b"),
            ("Tab", b"\t"),
            ("BTab", b"\x1b[Z"),
            ("BSpace", b"\x7f"),
            ("Space", b" "),
        ]);
    }

    #[test]
    fn cursor_keys_normal_and_app() {
        let cases: &[(&str, &[u8], &[u8])] = &[
            ("Up", b"\x1b[A", b"\x1bOA"),
            ("Down", b"\x1b[B", b"\x1bOB"),
            ("Right", b"\x1b[C", b"\x1bOC"),
            ("Left", b"\x1b[D", b"\x1bOD"),
            ("Home", b"\x1b[H", b"\x1bOH"),
            ("End", b"\x1b[F", b"\x1bOF"),
        ];
        for (name, normal, app) in cases {
            assert_eq!(enc_in(name, NORMAL), *normal, "{name}");
            assert_eq!(enc_in(name, APP), *app, "{name} app");
        }
    }

    #[test]
    fn tilde_keys_and_aliases() {
        check(&[
            ("PageUp", b"\x1b[5~"),
            ("PPage", b"\x1b[5~"),
            ("PgUp", b"\x1b[5~"),
            ("PageDown", b"\x1b[6~"),
            ("NPage", b"\x1b[6~"),
            ("PgDn", b"\x1b[6~"),
            ("IC", b"\x1b[2~"),
            ("Insert", b"\x1b[2~"),
            ("DC", b"\x1b[3~"),
            ("Delete", b"\x1b[3~"),
        ]);
        // Not affected by application cursor mode.
        assert_eq!(enc_in("PageUp", APP), b"\x1b[5~");
        assert_eq!(enc_in("DC", APP), b"\x1b[3~");
    }

    #[test]
    fn function_keys() {
        check(&[
            ("F1", b"\x1bOP"),
            ("F2", b"\x1bOQ"),
            ("F3", b"\x1bOR"),
            ("F4", b"\x1bOS"),
            ("F5", b"\x1b[15~"),
            ("F6", b"\x1b[17~"),
            ("F7", b"\x1b[18~"),
            ("F8", b"\x1b[19~"),
            ("F9", b"\x1b[20~"),
            ("F10", b"\x1b[21~"),
            ("F11", b"\x1b[23~"),
            ("F12", b"\x1b[24~"),
            ("f1", b"\x1bOP"),
        ]);
        assert_eq!(enc_in("F1", APP), b"\x1bOP");
    }

    #[test]
    fn single_characters() {
        check(&[
            ("a", b"a"),
            ("Z", b"Z"),
            ("%", b"%"),
            ("-", b"-"),
            ("^", b"^"),
            ("C", b"C"),
            ("M", b"M"),
            ("S", b"S"),
            (" ", b" "),
            ("é", "é".as_bytes()),
            ("€", "€".as_bytes()),
            ("😀", "😀".as_bytes()),
        ]);
    }

    #[test]
    fn case_insensitive_names() {
        for name in ["enter", "ENTER", "Enter", "eNtEr"] {
            assert_eq!(enc(name), b"\r", "{name}");
        }
        check(&[
            ("escape", b"\x1b"),
            ("TAB", b"\t"),
            ("btab", b"\x1b[Z"),
            ("bspace", b"\x7f"),
            ("SPACE", b" "),
            ("up", b"\x1b[A"),
            ("HOME", b"\x1b[H"),
            ("pageup", b"\x1b[5~"),
            ("npage", b"\x1b[6~"),
            ("ic", b"\x1b[2~"),
            ("dc", b"\x1b[3~"),
            ("f12", b"\x1b[24~"),
            ("c-UP", b"\x1b[1;5A"),
            ("m-x", b"\x1bx"),
        ]);
    }

    #[test]
    fn control_characters() {
        check(&[
            ("C-a", b"\x01"),
            ("C-c", b"\x03"),
            ("C-z", b"\x1a"),
            ("C-A", b"\x01"),
            ("C-Z", b"\x1a"),
            ("C-@", b"\x00"),
            ("C-Space", b"\x00"),
            ("C-2", b"\x00"),
            ("C-[", b"\x1b"),
            ("C-\\", b"\x1c"),
            ("C-]", b"\x1d"),
            ("C-^", b"\x1e"),
            ("C-6", b"\x1e"),
            ("C-_", b"\x1f"),
            ("C-/", b"\x1f"),
            ("C-?", b"\x7f"),
            ("c-a", b"\x01"),
            ("^a", b"\x01"),
            ("^C", b"\x03"),
            ("^^", b"\x1e"),
            ("^[", b"\x1b"),
        ]);
    }

    #[test]
    fn meta_prefix() {
        check(&[
            ("M-x", b"\x1bx"),
            ("M-X", b"\x1bX"),
            ("M-Enter", b"\x1b\r"),
            ("M-Escape", b"\x1b\x1b"),
            ("M-Tab", b"\x1b\t"),
            ("M-BSpace", b"\x1b\x7f"),
            ("M-Space", b"\x1b "),
            ("M--", b"\x1b-"),
            ("M-é", "\x1bé".as_bytes()),
            ("C-M-a", b"\x1b\x01"),
            ("M-C-a", b"\x1b\x01"),
            ("^M-a", b"\x1b\x01"),
        ]);
    }

    #[test]
    fn shift_prefix() {
        check(&[
            ("S-a", b"A"),
            ("S-z", b"Z"),
            ("S-A", b"A"),
            ("S-1", b"1"),
            ("S-Tab", b"\x1b[Z"),
            ("S-Enter", b"\r"),
            ("S-Space", b" "),
            ("M-S-a", b"\x1bA"),
            ("C-S-a", b"\x01"),
        ]);
    }

    #[test]
    fn modified_cursor_and_function_keys() {
        check(&[
            ("S-Up", b"\x1b[1;2A"),
            ("M-Up", b"\x1b[1;3A"),
            ("M-S-Up", b"\x1b[1;4A"),
            ("C-Up", b"\x1b[1;5A"),
            ("C-S-Up", b"\x1b[1;6A"),
            ("C-M-Up", b"\x1b[1;7A"),
            ("M-C-Up", b"\x1b[1;7A"),
            ("C-M-S-Up", b"\x1b[1;8A"),
            ("S-M-C-Up", b"\x1b[1;8A"),
            ("C-Down", b"\x1b[1;5B"),
            ("C-Right", b"\x1b[1;5C"),
            ("C-Left", b"\x1b[1;5D"),
            ("S-Home", b"\x1b[1;2H"),
            ("C-End", b"\x1b[1;5F"),
            ("C-PageUp", b"\x1b[5;5~"),
            ("S-PPage", b"\x1b[5;2~"),
            ("M-NPage", b"\x1b[6;3~"),
            ("C-IC", b"\x1b[2;5~"),
            ("C-DC", b"\x1b[3;5~"),
            ("S-F1", b"\x1b[1;2P"),
            ("C-F2", b"\x1b[1;5Q"),
            ("M-F3", b"\x1b[1;3R"),
            ("C-M-F4", b"\x1b[1;7S"),
            ("C-F5", b"\x1b[15;5~"),
            ("S-F12", b"\x1b[24;2~"),
            ("^Up", b"\x1b[1;5A"),
        ]);
        // Modified cursor keys ignore application cursor mode.
        assert_eq!(enc_in("C-Up", APP), b"\x1b[1;5A");
        assert_eq!(enc_in("S-End", APP), b"\x1b[1;2F");
        assert_eq!(enc_in("M-Left", APP), b"\x1b[1;3D");
    }

    #[test]
    fn unknown_keys_are_errors() {
        for name in [
            "", "Foo", "C-", "M-", "S-", "C-M-", "F13", "F0", "F01", "ab", "Enterx", "X-a", "C-%",
            "C-é", "C--", "Up ", "M-^a",
        ] {
            let err = parse_key(name).expect_err(name);
            assert_eq!(err.key, name);
            assert!(
                err.message.starts_with(&format!("unknown key '{name}'")),
                "{}",
                err.message
            );
            assert!(err.message.contains(valid_key_names()), "{}", err.message);
            assert_eq!(err.to_string(), err.message);
        }
        assert_eq!(
            parse_key("Foo").unwrap_err().message,
            format!("unknown key 'Foo'; valid keys: {}", valid_key_names())
        );
        let e: Box<dyn std::error::Error> = Box::new(parse_key("Foo").unwrap_err());
        assert!(e.to_string().contains("Foo"));
    }

    #[test]
    fn parse_structure() {
        assert_eq!(
            parse_key("C-M-Up").unwrap(),
            Key {
                code: KeyCode::Up,
                ctrl: true,
                meta: true,
                shift: false
            }
        );
        assert_eq!(parse_key("x").unwrap(), Key::new(KeyCode::Char('x')));
        assert_eq!(parse_key("F7").unwrap(), Key::new(KeyCode::F(7)));
        assert_eq!(parse_key("pgdn").unwrap(), Key::new(KeyCode::PageDown));
    }

    #[test]
    fn hand_built_keys_fall_back() {
        let mut out = Vec::new();
        let key = Key {
            ctrl: true,
            ..Key::new(KeyCode::Char('%'))
        };
        encode_key(&key, NORMAL, &mut out);
        assert_eq!(out, b"%");
        out.clear();
        encode_key(&Key::new(KeyCode::F(99)), NORMAL, &mut out);
        assert!(out.is_empty());
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn encode_keys_sequence_and_count() {
        let list = names(&["e", "c", "h", "o", "Space", "h", "i", "Enter"]);
        assert_eq!(encode_keys(&list, 1, NORMAL).unwrap(), b"echo hi\r");
        let list = names(&["a", "Up"]);
        assert_eq!(
            encode_keys(&list, 3, NORMAL).unwrap(),
            b"a\x1b[Aa\x1b[Aa\x1b[A"
        );
        assert_eq!(encode_keys(&list, 2, APP).unwrap(), b"a\x1bOAa\x1bOA");
        assert_eq!(encode_keys(&list, 0, NORMAL).unwrap(), b"");
        assert_eq!(encode_keys(&[], 5, NORMAL).unwrap(), b"");
    }

    #[test]
    fn encode_keys_bad_name_is_error() {
        let list = names(&["a", "Enter", "Bogus", "b"]);
        let err = encode_keys(&list, 2, NORMAL).unwrap_err();
        assert_eq!(err.key, "Bogus");
        assert!(err.message.contains("unknown key 'Bogus'"));
        let list = names(&["C-c", ""]);
        assert_eq!(encode_keys(&list, 1, NORMAL).unwrap_err().key, "");
    }

    #[test]
    fn keypad_mode_is_ignored() {
        let modes = KeyModes {
            application_cursor: false,
            application_keypad: true,
        };
        assert_eq!(enc_in("Up", modes), b"\x1b[A");
        assert_eq!(enc_in("5", modes), b"5");
        assert_eq!(KeyModes::default(), NORMAL);
    }
}
