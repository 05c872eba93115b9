//! tmux key names <-> key codes, after tmux 3.3a's key-string.c (`key_string_lookup_string`,
//! `key_string_lookup_key`) and the key code layout of tmux.h, so that keys sort as tmux sorts
//! them (`list-keys` lists a table in key code order).
//!
//! A key code is a `u64`: the key in the low 44 bits (a character, or a special key from
//! [`BASE`]), modifier bits ([`CTRL`], [`META`], [`SHIFT`]) and flag bits ([`MASK_FLAGS`], not
//! part of a binding's key).

/// No key (`None`).
pub const NONE: u64 = 0x000ff000000000;
/// An unknown key (parse failure).
pub const UNKNOWN: u64 = 0x000fe000000000;
/// First special key.
pub const BASE: u64 = 0x0000_0000_0010_e000;
/// First user key (`User0`).
pub const USER: u64 = 0x0000_0000_0010_f000;
/// Number of user keys.
pub const NUSER: u64 = 1000;
/// Meta modifier (`M-`).
pub const META: u64 = 0x00100000000000;
/// Control modifier (`C-`).
pub const CTRL: u64 = 0x00200000000000;
/// Shift modifier (`S-`).
pub const SHIFT: u64 = 0x00400000000000;
/// Flag: a keypad key.
pub const KEYPAD: u64 = 0x02000000000000;
/// Flag: a cursor key.
pub const CURSOR: u64 = 0x04000000000000;
/// Flag: the key implies meta when sent with modifiers.
pub const IMPLIED_META: u64 = 0x08000000000000;
/// Modifier bits.
pub const MASK_MODIFIERS: u64 = 0x00f00000000000;
/// Flag bits.
pub const MASK_FLAGS: u64 = 0xff000000000000;
/// Key bits.
pub const MASK_KEY: u64 = 0x000fffffffffff;

// tmux.h's special keys, in order from BASE.
const FOCUS_IN: u64 = BASE;
const FOCUS_OUT: u64 = BASE + 1;
/// `Any`.
pub const ANY: u64 = BASE + 2;
const PASTE_START: u64 = BASE + 3;
const PASTE_END: u64 = BASE + 4;
/// First mouse key (`KEYC_MOUSE`).
pub const MOUSE: u64 = BASE + 5;
const DRAGGING: u64 = BASE + 6;
/// Mouse kinds after `KEYC_DOUBLECLICK`, each with six locations.
const MOUSE_KINDS: [&str; 66] = [
    "MouseMove",
    "MouseDown1",
    "MouseDown2",
    "MouseDown3",
    "MouseDown6",
    "MouseDown7",
    "MouseDown8",
    "MouseDown9",
    "MouseDown10",
    "MouseDown11",
    "MouseUp1",
    "MouseUp2",
    "MouseUp3",
    "MouseUp6",
    "MouseUp7",
    "MouseUp8",
    "MouseUp9",
    "MouseUp10",
    "MouseUp11",
    "MouseDrag1",
    "MouseDrag2",
    "MouseDrag3",
    "MouseDrag6",
    "MouseDrag7",
    "MouseDrag8",
    "MouseDrag9",
    "MouseDrag10",
    "MouseDrag11",
    "MouseDragEnd1",
    "MouseDragEnd2",
    "MouseDragEnd3",
    "MouseDragEnd6",
    "MouseDragEnd7",
    "MouseDragEnd8",
    "MouseDragEnd9",
    "MouseDragEnd10",
    "MouseDragEnd11",
    "WheelUp",
    "WheelDown",
    "SecondClick1",
    "SecondClick2",
    "SecondClick3",
    "SecondClick6",
    "SecondClick7",
    "SecondClick8",
    "SecondClick9",
    "SecondClick10",
    "SecondClick11",
    "DoubleClick1",
    "DoubleClick2",
    "DoubleClick3",
    "DoubleClick6",
    "DoubleClick7",
    "DoubleClick8",
    "DoubleClick9",
    "DoubleClick10",
    "DoubleClick11",
    "TripleClick1",
    "TripleClick2",
    "TripleClick3",
    "TripleClick6",
    "TripleClick7",
    "TripleClick8",
    "TripleClick9",
    "TripleClick10",
    "TripleClick11",
];
const MOUSE_WHERE: [&str; 6] = [
    "Pane",
    "Status",
    "StatusLeft",
    "StatusRight",
    "StatusDefault",
    "Border",
];
const MOUSE_FIRST: u64 = BASE + 8;
/// Backspace; also the end of the mouse keys.
pub const BSPACE: u64 = MOUSE_FIRST + 66 * 6;
/// F1 (F2..F12 follow).
pub const F1: u64 = BSPACE + 1;
/// Insert.
pub const IC: u64 = F1 + 12;
/// Delete.
pub const DC: u64 = IC + 1;
/// Home.
pub const HOME: u64 = IC + 2;
/// End.
pub const END: u64 = IC + 3;
/// Page down.
pub const NPAGE: u64 = IC + 4;
/// Page up.
pub const PPAGE: u64 = IC + 5;
/// Back tab (shift-tab).
pub const BTAB: u64 = IC + 6;
/// Up (Down, Left, Right follow).
pub const UP: u64 = IC + 7;
/// Down.
pub const DOWN: u64 = UP + 1;
/// Left.
pub const LEFT: u64 = UP + 2;
/// Right.
pub const RIGHT: u64 = UP + 3;
const KP_FIRST: u64 = UP + 4;
/// End of the special keys.
pub const BASE_END: u64 = KP_FIRST + 16;

/// key-string.c's `key_string_table` (less the mouse keys, computed from [`MOUSE_KINDS`]).
const TABLE: &[(&str, u64)] = &[
    ("F1", F1 | IMPLIED_META),
    ("F2", (F1 + 1) | IMPLIED_META),
    ("F3", (F1 + 2) | IMPLIED_META),
    ("F4", (F1 + 3) | IMPLIED_META),
    ("F5", (F1 + 4) | IMPLIED_META),
    ("F6", (F1 + 5) | IMPLIED_META),
    ("F7", (F1 + 6) | IMPLIED_META),
    ("F8", (F1 + 7) | IMPLIED_META),
    ("F9", (F1 + 8) | IMPLIED_META),
    ("F10", (F1 + 9) | IMPLIED_META),
    ("F11", (F1 + 10) | IMPLIED_META),
    ("F12", (F1 + 11) | IMPLIED_META),
    ("IC", IC | IMPLIED_META),
    ("Insert", IC | IMPLIED_META),
    ("DC", DC | IMPLIED_META),
    ("Delete", DC | IMPLIED_META),
    ("Home", HOME | IMPLIED_META),
    ("End", END | IMPLIED_META),
    ("NPage", NPAGE | IMPLIED_META),
    ("PageDown", NPAGE | IMPLIED_META),
    ("PgDn", NPAGE | IMPLIED_META),
    ("PPage", PPAGE | IMPLIED_META),
    ("PageUp", PPAGE | IMPLIED_META),
    ("PgUp", PPAGE | IMPLIED_META),
    ("Tab", 9),
    ("BTab", BTAB),
    ("Space", 32),
    ("BSpace", BSPACE),
    ("Enter", 13),
    ("Escape", 27),
    ("Up", UP | CURSOR | IMPLIED_META),
    ("Down", DOWN | CURSOR | IMPLIED_META),
    ("Left", LEFT | CURSOR | IMPLIED_META),
    ("Right", RIGHT | CURSOR | IMPLIED_META),
    ("KP/", KP_FIRST | KEYPAD),
    ("KP*", (KP_FIRST + 1) | KEYPAD),
    ("KP-", (KP_FIRST + 2) | KEYPAD),
    ("KP7", (KP_FIRST + 3) | KEYPAD),
    ("KP8", (KP_FIRST + 4) | KEYPAD),
    ("KP9", (KP_FIRST + 5) | KEYPAD),
    ("KP+", (KP_FIRST + 6) | KEYPAD),
    ("KP4", (KP_FIRST + 7) | KEYPAD),
    ("KP5", (KP_FIRST + 8) | KEYPAD),
    ("KP6", (KP_FIRST + 9) | KEYPAD),
    ("KP1", (KP_FIRST + 10) | KEYPAD),
    ("KP2", (KP_FIRST + 11) | KEYPAD),
    ("KP3", (KP_FIRST + 12) | KEYPAD),
    ("KPEnter", (KP_FIRST + 13) | KEYPAD),
    ("KP0", (KP_FIRST + 14) | KEYPAD),
    ("KP.", (KP_FIRST + 15) | KEYPAD),
];

/// Whether a key code is a mouse key (tmux `KEYC_IS_MOUSE`).
pub fn is_mouse(key: u64) -> bool {
    let k = key & MASK_KEY;
    (MOUSE..BSPACE).contains(&k)
}

fn search_table(s: &str) -> u64 {
    if let Some((_, k)) = TABLE.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
        return *k;
    }
    // The mouse keys tmux's table names (not MouseMove*).
    for (i, kind) in MOUSE_KINDS.iter().enumerate().skip(1) {
        if s.len() > kind.len() && s[..kind.len()].eq_ignore_ascii_case(kind) {
            let rest = &s[kind.len()..];
            if let Some(j) = MOUSE_WHERE
                .iter()
                .position(|w| w.eq_ignore_ascii_case(rest))
            {
                return MOUSE_FIRST + (i as u64) * 6 + j as u64;
            }
        }
    }
    if s.len() > 4 && s[..4].eq_ignore_ascii_case("User") {
        if let Ok(n) = s[4..].parse::<u64>() {
            if n < NUSER {
                return USER + n;
            }
        }
    }
    UNKNOWN
}

/// tmux's packed form of a UTF-8 character (`utf8_from_data`): size, width + 1 and, for up to
/// three bytes, the bytes themselves (longer characters get an index in tmux; here the code
/// point, which keeps them distinct and above the special keys).
fn utf8_key(c: char) -> u64 {
    let mut buf = [0u8; 4];
    let b = c.encode_utf8(&mut buf).as_bytes();
    let width = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) as u64;
    let index = if b.len() <= 3 {
        b.iter()
            .enumerate()
            .fold(0u64, |acc, (i, x)| acc | (u64::from(*x) << (8 * i)))
    } else {
        u64::from(u32::from(c))
    };
    ((b.len() as u64) << 24) | ((width + 1) << 29) | index
}

fn utf8_char(key: u64) -> Option<char> {
    let size = (key >> 24) & 0x1f;
    let index = key & 0xff_ffff;
    if size == 4 {
        return char::from_u32(index as u32);
    }
    let bytes: Vec<u8> = (0..size).map(|i| (index >> (8 * i)) as u8).collect();
    std::str::from_utf8(&bytes).ok()?.chars().next()
}

/// Whether a key is a Unicode character above ASCII (tmux `KEYC_IS_UNICODE`).
fn is_unicode(key: u64) -> bool {
    let k = key & MASK_KEY;
    k > 0x7f && !(BASE..BASE_END).contains(&k)
}

/// Parses a key name as tmux 3.3a does (`key_string_lookup_string`): `None`, `Any`, `0xHEX`,
/// modifiers `C-` `M-` `S-` (or `^x`), one ASCII character, one UTF-8 character, or a name
/// from tmux's table (`F1`..`F12`, `Up`, `BSpace`, `Enter`, `PPage`, `MouseDown1Pane`,
/// `User0`...; case-insensitive). Control letters become control codes (`C-a` is 1). Returns
/// [`UNKNOWN`] for anything else.
pub fn parse(s: &str) -> u64 {
    const OTHER: &[u8] = b"!#()+,-.0123456789:;<=>'\r\t\x7f`/";
    if s.eq_ignore_ascii_case("None") {
        return NONE;
    }
    if s.eq_ignore_ascii_case("Any") {
        return ANY;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        let Ok(u) = u32::from_str_radix(hex, 16) else {
            return UNKNOWN;
        };
        if u < 32 {
            return u64::from(u);
        }
        return char::from_u32(u).map_or(UNKNOWN, |c| {
            if c.is_ascii() {
                u64::from(u)
            } else {
                utf8_key(c)
            }
        });
    }
    let mut mods = 0;
    let mut rest = s;
    if let Some(r) = rest.strip_prefix('^') {
        if !r.is_empty() {
            mods |= CTRL;
            rest = r;
        }
    }
    loop {
        let b = rest.as_bytes();
        if b.len() >= 2 && b[1] == b'-' {
            match b[0] {
                b'C' | b'c' => mods |= CTRL,
                b'M' | b'm' => mods |= META,
                b'S' | b's' => mods |= SHIFT,
                _ => return UNKNOWN,
            }
            rest = &rest[2..];
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return UNKNOWN;
    }
    let mut key;
    let b = rest.as_bytes();
    if b.len() == 1 && b[0] <= 127 {
        key = u64::from(b[0]);
        if key < 32 {
            return UNKNOWN;
        }
    } else {
        let mut chars = rest.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if !c.is_ascii() {
                return utf8_key(c) | mods;
            }
        }
        key = search_table(rest);
        if key == UNKNOWN {
            return UNKNOWN;
        }
        if mods & META == 0 {
            key &= !IMPLIED_META;
        }
    }
    if key <= 127
        && mods & CTRL != 0
        && !OTHER.contains(&(key as u8))
        && key != 9
        && key != 13
        && key != 27
    {
        key = match key {
            97..=122 => key - 96,
            64..=95 => key - 64,
            32 => 0,
            63 => 127,
            _ => return UNKNOWN,
        };
        mods &= !CTRL;
    }
    key | mods
}

/// Prints a key code as tmux 3.3a does (`key_string_lookup_key` without flags): `C-Space`,
/// `M-C-b`, `S-Up`, `\;` is not escaped here (see `list-keys`), `C-?`, `\ooo` for other bytes.
pub fn name(key: u64) -> String {
    let mut key = key & (MASK_KEY | MASK_MODIFIERS);
    let mut out = String::new();
    if key == 0 {
        key = u64::from(b' ') | CTRL;
    }
    if key & CTRL != 0 {
        out.push_str("C-");
    }
    if key & META != 0 {
        out.push_str("M-");
    }
    if key & SHIFT != 0 {
        out.push_str("S-");
    }
    let k = key & MASK_KEY;
    let special = match k {
        NONE => Some("None"),
        UNKNOWN => Some("Unknown"),
        ANY => Some("Any"),
        FOCUS_IN => Some("FocusIn"),
        FOCUS_OUT => Some("FocusOut"),
        PASTE_START => Some("PasteStart"),
        PASTE_END => Some("PasteEnd"),
        MOUSE => Some("Mouse"),
        DRAGGING => Some("Dragging"),
        _ => None,
    };
    if let Some(s) = special {
        out.push_str(s);
        return out;
    }
    if (MOUSE_FIRST..MOUSE_FIRST + 6).contains(&k) {
        // MouseMovePane ... MouseMoveBorder (tmux names the status-default one too).
        out.push_str("MouseMove");
        out.push_str(MOUSE_WHERE[(k - MOUSE_FIRST) as usize]);
        return out;
    }
    if (USER..USER + NUSER).contains(&k) {
        out.push_str(&format!("User{}", k - USER));
        return out;
    }
    if let Some((n, _)) = TABLE.iter().find(|(_, c)| c & MASK_KEY == k) {
        out.push_str(n);
        return out;
    }
    if (MOUSE_FIRST + 6..BSPACE).contains(&k) {
        let i = (k - MOUSE_FIRST) / 6;
        let j = (k - MOUSE_FIRST) % 6;
        out.push_str(MOUSE_KINDS[i as usize]);
        out.push_str(MOUSE_WHERE[j as usize]);
        return out;
    }
    if is_unicode(k) {
        if let Some(c) = utf8_char(k) {
            out.push(c);
            return out;
        }
    }
    if k > 255 {
        return format!("Invalid#{key:x}");
    }
    match k {
        0 => out.push_str("C-@"),
        1..=26 => out.push_str(&format!("C-{}", (96 + k as u8) as char)),
        27..=32 => out.push_str(&format!("C-{}", (64 + k as u8) as char)),
        33..=126 => out.push(k as u8 as char),
        127 => out.push_str("C-?"),
        _ => out.push_str(&format!("\\{k:o}")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (input, shown) in [
            ("C-b", "C-b"),
            ("^B", "C-b"),
            ("C-Space", "C-Space"),
            ("C-@", "C-Space"),
            ("M-a", "M-a"),
            ("m-A", "M-A"),
            ("C-M-b", "M-C-b"),
            ("S-Up", "S-Up"),
            ("up", "Up"),
            ("BSpace", "BSpace"),
            ("Enter", "Enter"),
            ("C-m", "Enter"),
            ("C-i", "Tab"),
            ("Escape", "Escape"),
            ("C-[", "Escape"),
            ("C-\\", "C-\\"),
            ("C-?", "C-?"),
            ("Delete", "DC"),
            ("PageUp", "PPage"),
            ("PgDn", "NPage"),
            ("F1", "F1"),
            ("F12", "F12"),
            ("M-F5", "M-F5"),
            ("KP0", "KP0"),
            ("MouseDown1Pane", "MouseDown1Pane"),
            ("M-MouseDown3Pane", "M-MouseDown3Pane"),
            ("WheelUpStatus", "WheelUpStatus"),
            ("DoubleClick11Border", "DoubleClick11Border"),
            ("User7", "User7"),
            (";", ";"),
            ("C-1", "C-1"),
            ("é", "é"),
            ("M-é", "M-é"),
            ("0x41", "A"),
            ("0x3", "C-c"),
            ("Any", "Any"),
            ("None", "None"),
        ] {
            let k = parse(input);
            assert_ne!(k, UNKNOWN, "{input}");
            assert_eq!(name(k), shown, "{input}");
        }
    }

    #[test]
    fn rejects() {
        for bad in [
            "", "C-", "X-a", "Foo", "C-é-", "\x01", "User1000", "0xzz", "ab",
        ] {
            assert_eq!(parse(bad), UNKNOWN, "{bad:?}");
        }
    }

    #[test]
    fn codes_sort_as_tmux() {
        // list-keys order of tmux 3.3a's prefix table begins C-b C-o C-z Space ! " ...
        let order = [
            "C-b",
            "C-o",
            "C-z",
            "Space",
            "!",
            "\"",
            "~",
            "MouseDown1Pane",
            "BSpace",
        ];
        let codes: Vec<u64> = order.iter().map(|k| parse(k) & !MASK_FLAGS).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        assert!(is_mouse(parse("WheelUpPane")));
        assert!(!is_mouse(parse("BSpace")));
    }
}
