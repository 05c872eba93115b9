//! Mouse reports from the outer terminal: SGR encoding (`ESC [ < Cb ; Cx ; Cy M` for a press,
//! `m` for a release; xterm ctlseqs "Extended coordinates", mode 1006), which the client asks
//! for when it sets up the terminal.

/// One mouse report, 0-based cell coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    /// Button and modifier bits (`Cb`): 0 left, 1 middle, 2 right, +32 motion, +64 wheel
    /// (64 up, 65 down); +4 shift, +8 meta, +16 control.
    pub button: u16,
    /// Column, 0-based.
    pub x: u16,
    /// Row, 0-based.
    pub y: u16,
    /// A press (`M`), not a release (`m`).
    pub press: bool,
}

impl Mouse {
    /// A left button press without motion or modifiers.
    pub fn left_press(&self) -> bool {
        self.press && self.button == 0
    }

    /// A wheel notch up (any modifiers).
    pub fn wheel_up(&self) -> bool {
        self.button & !0b1_1100 == 64
    }

    /// A wheel notch down (any modifiers).
    pub fn wheel_down(&self) -> bool {
        self.button & !0b1_1100 == 65
    }
}

/// Parses one whole SGR report (`ESC [ < b ; x ; y M|m`); `None` if `b` is not exactly one.
pub fn parse_sgr(b: &[u8]) -> Option<Mouse> {
    let body = b.strip_prefix(b"\x1b[<")?;
    let (last, body) = body.split_last()?;
    let press = match last {
        b'M' => true,
        b'm' => false,
        _ => return None,
    };
    let text = std::str::from_utf8(body).ok()?;
    let mut it = text.split(';').map(|n| n.parse::<u16>().ok());
    let (Some(Some(button)), Some(Some(x)), Some(Some(y)), None) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        return None;
    };
    Some(Mouse {
        button,
        x: x.checked_sub(1)?,
        y: y.checked_sub(1)?,
        press,
    })
}

/// The report a pane's program gets for `m` at pane cell (x, y), given the reporting it asked
/// for (`mode` as in `PaneView::mouse`: 1 presses, 2 and releases, 3 and drags, 4 all motion;
/// `sgr`: SGR encoding, else X10 bytes `ESC [ M Cb Cx Cy`, each plus 32, coordinates 1-based,
/// a release as button 3); `None` if its mode does not take this event or X10 cannot encode
/// the position (beyond column or row 223).
pub fn encode(m: &Mouse, x: u16, y: u16, mode: u8, sgr: bool) -> Option<Vec<u8>> {
    let motion = m.button & 32 != 0;
    let wanted = match mode {
        1 => m.press && !motion,
        2 => !motion,
        3 => !motion || m.button & 3 != 3,
        4 => true,
        _ => false,
    };
    if !wanted {
        return None;
    }
    if sgr {
        let end = if m.press { 'M' } else { 'm' };
        return Some(format!("\x1b[<{};{};{}{end}", m.button, x + 1, y + 1).into_bytes());
    }
    let b = if m.press || m.button & 64 != 0 {
        m.button
    } else {
        (m.button & !3) | 3
    };
    let (cb, cx, cy) = (b + 32, x + 33, y + 33);
    if cb > 255 || cx > 255 || cy > 255 {
        return None;
    }
    Some(vec![0x1b, b'[', b'M', cb as u8, cx as u8, cy as u8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_for_programs() {
        let click = parse_sgr(b"\x1b[<0;12;3M").unwrap();
        assert_eq!(
            encode(&click, 1, 2, 2, true).unwrap(),
            b"\x1b[<0;2;3M".to_vec()
        );
        assert_eq!(
            encode(&click, 1, 2, 2, false).unwrap(),
            vec![0x1b, b'[', b'M', 32, 34, 35]
        );
        let up = parse_sgr(b"\x1b[<0;12;3m").unwrap();
        assert_eq!(
            encode(&up, 0, 0, 2, false).unwrap(),
            vec![0x1b, b'[', b'M', 35, 33, 33]
        );
        assert_eq!(encode(&up, 0, 0, 1, true), None); // X10 mode: presses only
        assert_eq!(encode(&click, 0, 0, 0, true), None); // no reporting asked for
        let drag = parse_sgr(b"\x1b[<32;5;5M").unwrap();
        assert_eq!(encode(&drag, 0, 0, 2, true), None);
        assert!(encode(&drag, 0, 0, 3, true).is_some());
        assert_eq!(encode(&click, 300, 0, 2, false), None);
    }

    #[test]
    fn sgr_reports() {
        let m = parse_sgr(b"\x1b[<0;12;3M").unwrap();
        assert_eq!((m.x, m.y, m.press), (11, 2, true));
        assert!(m.left_press());
        assert!(parse_sgr(b"\x1b[<64;1;1M").unwrap().wheel_up());
        assert!(parse_sgr(b"\x1b[<81;1;1M").unwrap().wheel_down()); // control + wheel down
        assert!(!parse_sgr(b"\x1b[<0;1;1m").unwrap().left_press());
        assert_eq!(parse_sgr(b"\x1b[<0;0;1M"), None);
        assert_eq!(parse_sgr(b"\x1b[<0;1M"), None);
        assert_eq!(parse_sgr(b"\x1b[A"), None);
    }
}
