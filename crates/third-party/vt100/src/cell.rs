use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

// chosen to make the size of the cell struct 32 bytes
const CONTENT_BYTES: usize = 22;

const IS_WIDE: u8 = 0b1000_0000;
const IS_WIDE_CONTINUATION: u8 = 0b0100_0000;
const LEN_BITS: u8 = 0b0001_1111;

/// tidemux: a fingerprint of a row's stored cells: every cell that is not blank with default
/// attributes adds its text, width flags, attributes and column (blank default cells add
/// nothing, so the slice may end anywhere after the last other cell). The server compares
/// fingerprints to tell whether a row changed between two syncs; reading the fields
/// directly, a cell costs a few multiplications (it was about 44 instructions through the
/// public accessors).
pub(crate) fn fingerprint(cells: &[Cell]) -> u64 {
    #[inline]
    fn mix(h: u64, x: u64) -> u64 {
        (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
    }
    #[inline]
    fn color(c: crate::Color) -> u64 {
        match c {
            crate::Color::Default => 0,
            crate::Color::Idx(i) => 0x100 | u64::from(i),
            crate::Color::Rgb(r, g, b) => {
                0x100_0000 | u64::from(r) << 16 | u64::from(g) << 8 | u64::from(b)
            }
        }
    }
    // The rare cases out of line, so that the loop over plain cells keeps its registers.
    #[cold]
    #[inline(never)]
    fn long_text(mut h: u64, text: &[u8]) -> u64 {
        for part in text.chunks(8) {
            let mut word = [0u8; 8];
            word[..part.len()].copy_from_slice(part);
            h = mix(h, u64::from_le_bytes(word));
        }
        h
    }
    #[inline(never)]
    fn attrs(h: u64, a: crate::attrs::Attrs) -> u64 {
        mix(
            h,
            u64::from(a.mode) << 56 | color(a.fgcolor) << 28 | color(a.bgcolor),
        )
    }
    let mut h = 0u64;
    for (col, c) in cells.iter().enumerate() {
        let n = usize::from(c.len & LEN_BITS);
        let plain = c.attrs.is_default();
        if n == 0 && plain {
            continue;
        }
        // Up to 5 bytes of text, the column and the length byte (with the width flags) in
        // one word; longer graphemes add their bytes in words after a marker.
        let mut first = [0u8; 8];
        first.copy_from_slice(&c.contents[..8]);
        let first = u64::from_le_bytes(first);
        let head = (col as u64) << 40 | u64::from(c.len) << 56;
        if n <= 5 {
            h = mix(h, first & ((1u64 << (8 * n)) - 1) | head);
        } else {
            h = long_text(mix(h, 0xff_ffff_ffff | head), &c.contents[..n]);
        }
        if !plain {
            h = attrs(h, c.attrs);
        }
    }
    h
}

/// Represents a single terminal cell.
#[derive(Clone, Debug, Eq)]
pub struct Cell {
    contents: [u8; CONTENT_BYTES],
    len: u8,
    attrs: crate::attrs::Attrs,
}
const _: () = assert!(core::mem::size_of::<Cell>() == 32);

impl PartialEq<Self> for Cell {
    fn eq(&self, other: &Self) -> bool {
        if self.len != other.len {
            return false;
        }
        if self.attrs != other.attrs {
            return false;
        }
        let len = self.len();
        self.contents[..len] == other.contents[..len]
    }
}

impl Cell {
    pub(crate) const DEFAULT: Self = Self::new();

    /// tidemux: whether the cell is blank with default attributes (as a new cell is).
    #[must_use]
    pub fn is_default(&self) -> bool {
        self.len == 0 && self.attrs.is_default()
    }

    pub(crate) const fn new() -> Self {
        Self {
            contents: [0; CONTENT_BYTES],
            len: 0,
            attrs: crate::attrs::Attrs::new(),
        }
    }

    /// tidemux: a cell holding the printable ASCII character `b` (one column) with `a`.
    #[inline]
    pub(crate) fn ascii(b: u8, a: crate::attrs::Attrs) -> Self {
        let mut contents = [0; CONTENT_BYTES];
        contents[0] = b;
        Self {
            contents,
            len: 1,
            attrs: a,
        }
    }

    /// tidemux: the byte of a cell holding one one-byte (ASCII) character and no wide flag
    /// (the cells the ASCII fast path writes), else `None`.
    #[inline]
    pub(crate) fn single_byte(&self) -> Option<u8> {
        (self.len == 1).then_some(self.contents[0])
    }

    /// tidemux: whether the cell holds one one-byte (ASCII) character, no wide flag and
    /// default attributes (a cheaper test than comparing the attributes).
    #[inline]
    pub(crate) fn is_plain_ascii(&self) -> bool {
        self.len == 1 && self.attrs.is_default()
    }

    /// tidemux: the first byte of the cell's text (the character of a
    /// [`Cell::single_byte`] cell).
    #[inline]
    pub(crate) fn first_byte(&self) -> u8 {
        self.contents[0]
    }

    /// tidemux: replaces the character of a cell made by [`Cell::ascii`].
    #[inline]
    pub(crate) fn set_ascii_byte(&mut self, b: u8) {
        self.contents[0] = b;
    }

    fn len(&self) -> usize {
        usize::from(self.len & LEN_BITS)
    }

    pub(crate) fn set(&mut self, c: char, a: crate::attrs::Attrs) {
        self.len = 0;
        self.append_char(0, c);
        // if we're setting a single character, we can just look at that one
        // character to determine the cell width
        self.set_wide(c.width().unwrap_or(1) > 1);
        self.attrs = a;
    }

    pub(crate) fn append(&mut self, c: char) {
        let len = self.len();
        if len >= CONTENT_BYTES - 4 {
            return;
        }
        if len == 0 {
            self.contents[0] = b' ';
            self.len += 1;
        }

        // we already checked that we have space for another codepoint
        self.append_char(self.len(), c);
    }

    // Writes bytes representing c at start
    // Requires caller to verify start <= CODEPOINTS_IN_CELL * 4
    fn append_char(&mut self, start: usize, c: char) {
        c.encode_utf8(&mut self.contents[start..]);
        self.len += u8::try_from(c.len_utf8()).unwrap();
        // if we're appending characters, we have to account for emoji
        // presentation being requested, which can turn a base character that
        // is otherwise considered to be narrow into a wide character
        if c == '\u{FE0F}' {
            self.set_wide(self.contents().width() > 1);
        }
    }

    pub(crate) fn clear(&mut self, attrs: crate::attrs::Attrs) {
        self.len = 0;
        self.attrs = attrs;
    }

    /// Returns the text contents of the cell.
    ///
    /// Can include multiple unicode characters if combining characters are
    /// used, but will contain at most one character with a non-zero character
    /// width.
    // Since contents has been constructed by appending chars encoded as UTF-8 it will be valid UTF-8
    #[allow(clippy::missing_panics_doc)]
    #[must_use]
    pub fn contents(&self) -> &str {
        core::str::from_utf8(&self.contents[..self.len()]).unwrap()
    }

    /// tidemux patch: the cell's text as raw UTF-8 bytes, without re-validating them.
    #[must_use]
    pub fn contents_bytes(&self) -> &[u8] {
        &self.contents[..self.len()]
    }

    /// Returns whether the cell contains any text data.
    #[must_use]
    pub fn has_contents(&self) -> bool {
        self.len() > 0
    }

    /// Returns whether the text data in the cell represents a wide character.
    #[must_use]
    pub fn is_wide(&self) -> bool {
        self.len & IS_WIDE != 0
    }

    /// Returns whether the cell contains the second half of a wide character
    /// (in other words, whether the previous cell in the row contains a wide
    /// character)
    #[must_use]
    pub fn is_wide_continuation(&self) -> bool {
        self.len & IS_WIDE_CONTINUATION != 0
    }

    fn set_wide(&mut self, wide: bool) {
        if wide {
            self.len |= IS_WIDE;
        } else {
            self.len &= !IS_WIDE;
        }
    }

    pub(crate) fn set_wide_continuation(&mut self, wide: bool) {
        if wide {
            self.len |= IS_WIDE_CONTINUATION;
        } else {
            self.len &= !IS_WIDE_CONTINUATION;
        }
    }

    pub(crate) fn attrs(&self) -> &crate::attrs::Attrs {
        &self.attrs
    }

    /// Returns the foreground color of the cell.
    #[must_use]
    pub fn fgcolor(&self) -> crate::Color {
        self.attrs.fgcolor
    }

    /// Returns the background color of the cell.
    #[must_use]
    pub fn bgcolor(&self) -> crate::Color {
        self.attrs.bgcolor
    }

    /// Returns whether the cell should be rendered with the bold text
    /// attribute.
    #[must_use]
    pub fn bold(&self) -> bool {
        self.attrs.bold()
    }

    /// Returns whether the cell should be rendered with the dim text
    /// attribute.
    #[must_use]
    pub fn dim(&self) -> bool {
        self.attrs.dim()
    }

    /// Returns whether the cell should be rendered with the italic text
    /// attribute.
    #[must_use]
    pub fn italic(&self) -> bool {
        self.attrs.italic()
    }

    /// Returns whether the cell should be rendered with the underlined text
    /// attribute.
    #[must_use]
    pub fn underline(&self) -> bool {
        self.attrs.underline()
    }

    /// Returns whether the cell should be rendered with the inverse text
    /// attribute.
    #[must_use]
    pub fn inverse(&self) -> bool {
        self.attrs.inverse()
    }
}
