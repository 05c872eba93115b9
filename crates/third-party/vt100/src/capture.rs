//! Types related to capturing terminal data.

use alloc::string::String;

#[cfg(doc)]
use crate::Screen;

/// Specifies which rows will be captured in
/// [`Screen::write_contents_formatted_basic`].
#[derive(Debug)]
pub enum BasicFormattedCaptureRange<'a> {
    /// Capture all rows, including scrollback.
    Full(
        /// Your existing [`BasicFormattedCaptureState`], if any.
        ///
        /// If you have an existing [`BasicFormattedCaptureState`] that you've
        /// been using with the [`on_scroll`](crate::Callbacks::on_scroll)
        /// callback, and you're writing into the same buffer, provide that
        /// state here. Otherwise, you can pass `&mut Default::default()`.
        &'a mut BasicFormattedCaptureState,
    ),
    /// Capture only the visible rows of the terminal.
    ///
    /// This will produce the same result as
    /// [`Screen::contents_formatted_basic`].
    Visible,
}

/// Represents the state of an in-progress capture of "basic formatted"
/// terminal data.
///
/// This type is needed if you're capturing terminal data in a streaming
/// fashion using [`RowContents::write_formatted_basic`] in the [`on_scroll`]
/// callback.
///
/// [`on_scroll`]: crate::Callbacks::on_scroll
#[derive(Debug, Default, Clone)]
pub struct BasicFormattedCaptureState {
    attrs: crate::attrs::Attrs,
    newline_pending: bool,
}

impl BasicFormattedCaptureState {
    /// Creates a new [`BasicFormattedCaptureState`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

/// Represents the contents of a row in the terminal.
///
/// This type is used by [`Callbacks::on_scroll`][on_scroll].
///
/// [on_scroll]: crate::Callbacks::on_scroll
pub struct RowContents<'a>(
    pub(crate) &'a crate::row::Row,
    pub(crate) u16,
    pub(crate) u16,
);

impl RowContents<'_> {
    /// tidemux patch: the screen row this row left from (the top of the scroll region it
    /// scrolled out of; 0 for the top of the screen).
    #[must_use]
    pub fn from_row(&self) -> u16 {
        self.1
    }

    /// tidemux patch: the bottom row of the region it scrolled out of (`u16::MAX`: the whole
    /// screen); the region's rows moved up by one.
    #[must_use]
    pub fn region_bottom(&self) -> u16 {
        self.2
    }

    /// tidemux patch: cells in use: the column after the last cell written (tmux
    /// `cellused`), which can include blanks the formatted text leaves out.
    #[must_use]
    pub fn used(&self) -> u16 {
        self.0.used()
    }

    /// tidemux patch: whether the row continues on the next one (soft-wrapped).
    #[must_use]
    pub fn wrapped(&self) -> bool {
        self.0.wrapped()
    }

    /// tidemux: whether the row changed or moved since the owner last cleared the flags
    /// ([`crate::Screen::clear_rows_changed`]): if not, it still holds what it held then.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.0.changed()
    }

    /// tidemux: the row's fingerprint, as [`crate::Screen::row_fingerprint`] gives it.
    #[must_use]
    pub fn fingerprint(&self) -> u64 {
        self.0.fingerprint()
    }

    /// tidemux patch: the row's cells, left to right, up to the last one that may not be
    /// blank: every cell after them is blank with default attributes (see `Row::dirty`).
    pub fn cells(&self) -> impl Iterator<Item = &crate::Cell> {
        self.0.dirty_cells().iter()
    }

    /// tidemux patch: appends the row in the compact binary form of [`compact_to_formatted`]
    /// (what history keeps: text bytes plus attribute changes, cheaper to make than the
    /// formatted text and formatted only when read).
    pub fn write_compact(&self, out: &mut alloc::vec::Vec<u8>) {
        self.0.write_compact(out);
    }

    /// Writes the contents of the row to the provided buffer, in the same
    /// format as [`Screen::contents_formatted_basic`].
    ///
    /// # Errors
    ///
    /// If the writer returns an error, this method will forward that error.
    /// Otherwise, this method will not return any errors of its own.
    pub fn write_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        state: &mut BasicFormattedCaptureState,
    ) -> alloc::fmt::Result {
        if state.newline_pending {
            writer.write_char('\n')?;
        }
        self.0
            .write_contents_formatted_basic(writer, &mut state.attrs)?;
        state.newline_pending = !self.0.wrapped();
        Ok(())
    }
}

/// Iterator returned by [`basic_formatted_to_plain`].
pub struct BasicFormattedToPlain<'a> {
    indexed: BasicFormattedToPlainIndexed<'a>,
}

impl<'a> Iterator for BasicFormattedToPlain<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<Self::Item> {
        self.indexed.next().map(|(_i, s)| s)
    }
}

impl core::iter::FusedIterator for BasicFormattedToPlain<'_> {}

/// Iterator returned by [`basic_formatted_to_plain_indexed`].
pub struct BasicFormattedToPlainIndexed<'a> {
    capture: &'a str,
    index: usize,
}

impl<'a> Iterator for BasicFormattedToPlainIndexed<'a> {
    /// The first element is the byte index within the original capture of the
    /// plain substring; the second element is the plain substring itself.
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.capture.is_empty() {
            let index = self.index;
            let Some((before, after)) = self.capture.split_once('\x1b')
            else {
                self.index += self.capture.len();
                return Some((index, core::mem::take(&mut self.capture)));
            };

            self.index += before.len() + 1;
            self.capture =
                if let Some((esc_body, after_esc)) = after.split_once('m') {
                    self.index += esc_body.len() + 1;
                    after_esc
                } else {
                    self.index += after.len();
                    ""
                };

            if !before.is_empty() {
                return Some((index, before));
            }
        }
        None
    }
}

impl core::iter::FusedIterator for BasicFormattedToPlainIndexed<'_> {}

/// Converts a "basic formatted" capture into a plain text one.
///
/// This function splits a "basic formatted" screen capture, as returned by
/// [`Screen::contents_formatted_basic`], into a plain text one, by stripping
/// out the SGR escape sequences.
///
/// This function returns an iterator that yields pieces of the plain text
/// plain text capture, each containing no SGR escape sequences. To obtain the
/// plain text capture as a single string, use [`Iterator::collect::<String>`].
///
/// Every part of `capture` must have come from
/// [`Screen::contents_formatted_basic`] or
/// [`RowContents::write_formatted_basic`] (from the [`on_scroll`] callback).
/// If this requirement is not upheld, the results of this function are
/// undefined, other than that it will not panic.
///
/// [`on_scroll`]: crate::Callbacks::on_scroll
#[must_use]
pub fn basic_formatted_to_plain(capture: &str) -> BasicFormattedToPlain<'_> {
    BasicFormattedToPlain {
        indexed: basic_formatted_to_plain_indexed(capture),
    }
}

/// Like [`basic_formatted_to_plain`], but also provides the original index of
/// each substring.
///
/// The iterator returned by this function yields `(index, string)` tuples,
/// where `string` is the plain-text substring, and `index` is the byte index
/// of `string` within `capture`.
///
/// # Example
///
/// ```
/// # use vt100::capture::basic_formatted_to_plain_indexed;
/// let mut iter = basic_formatted_to_plain_indexed("hello\x1b[31;1mworld");
/// assert_eq!(iter.next(), Some((0, "hello")));
/// assert_eq!(iter.next(), Some((12, "world")));
/// assert_eq!(iter.next(), None);
/// ```
#[must_use]
pub fn basic_formatted_to_plain_indexed(
    capture: &str,
) -> BasicFormattedToPlainIndexed<'_> {
    BasicFormattedToPlainIndexed { capture, index: 0 }
}

/// Iterator returned by [`basic_formatted_rows`].
pub struct BasicFormattedRows<'a> {
    capture: Option<&'a str>,
    width: u16,
}

impl<'a> Iterator for BasicFormattedRows<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<Self::Item> {
        use unicode_width::UnicodeWidthChar as _;

        let capture = self.capture?;
        let mut width = 0_u16;
        let mut chars = capture.char_indices();

        while let Some((i, c)) = chars.next() {
            if c == '\x1b' {
                while chars.next().is_some_and(|(_, c)| c != 'm') {}
                continue;
            }
            if c == '\n' {
                let (row, rest) = capture.split_at(i);
                self.capture = Some(&rest[c.len_utf8()..]);
                return Some(row);
            }

            // This crate renders every character that has a width greater than
            // 1 in exactly 2 columns (see `Screen::prepare_text`), so clamp
            // the width to 2 to be consistent with how we render.
            let char_width = c.width().map_or(1, |w| {
                u16::try_from(w).unwrap_or(u16::MAX).clamp(0, 2)
            });

            // Always append zero-width characters, even if we're over the
            // width limit due to the case described below where a single
            // character exceeds the limit.
            if char_width == 0 {
                continue;
            }

            let old_width = width;
            if let Some(new_width) = width.checked_add(char_width) {
                width = new_width;
                if new_width <= self.width {
                    // We haven't reached the screen width yet; continue adding
                    // characters. Use `<=` instead of `<` because we may be
                    // able to add more zero-width characters even if we've hit
                    // the limit exactly.
                    continue;
                }
            }
            if old_width == 0 {
                // Appending `c` would cause the row width to exceed the screen
                // width, but the row is currently empty. This case is unlikely
                // -- a one-column-wide screen will discard wide characters
                // written to it. However, we could reach this branch if the
                // terminal was resized after we had already captured
                // scrollback.
                //
                // Yielding an empty row would cause this iterator never to
                // terminate, so `continue` here so that we yield the single
                // char, even though its width exceeds the screen width.
                continue;
            }

            let (before, after) = capture.split_at(i);
            self.capture = Some(after);
            return Some(before);
        }
        // The remaining data in the capture fits in a single row.
        self.capture.take()
    }
}

impl core::iter::FusedIterator for BasicFormattedRows<'_> {}

/// Splits a "basic formatted" capture into individual rows.
///
/// This function splits a "basic formatted" screen capture, as returned by
/// [`Screen::contents_formatted_basic`] into individual rows. It returns an
/// iterator that yields each row in order. The rows will not end with
/// newlines. SGR parameters will not be reset at the start/end of each row;
/// the iterator simply splits `capture` into rows as-is, except for the
/// stripping out of newlines.
///
/// `screen_width` is the width of the terminal in columns.
///
/// Every part of `capture` must have come from
/// [`Screen::contents_formatted_basic`] or
/// [`RowContents::write_formatted_basic`] (from the [`on_scroll`] callback).
/// If this requirement is not upheld, the results of this function are
/// undefined, other than that it will not panic.
///
/// [`on_scroll`]: crate::Callbacks::on_scroll
#[must_use]
pub fn basic_formatted_rows(
    capture: &str,
    screen_width: u16,
) -> BasicFormattedRows<'_> {
    BasicFormattedRows {
        capture: Some(capture),
        width: screen_width,
    }
}

/// tidemux patch: a line that went through the screen without being stored in it (see
/// [`crate::Callbacks::on_scroll_ascii`]): printable ASCII (at most the screen's width)
/// written with one set of attributes from column 0 of a blank row, as if that row had then
/// scrolled off the top of the whole screen.
pub struct AsciiLine<'a> {
    pub(crate) text: &'a [u8],
    pub(crate) attrs: crate::attrs::Attrs,
    pub(crate) cols: u16,
    pub(crate) bottom: u16,
}

/// tidemux patch: the lines of one scroll through, oldest first (see
/// [`crate::Callbacks::on_scroll_ascii`]).
pub struct AsciiLines<'a> {
    /// Lines not yet given out: each is printable ASCII followed by CR LF.
    pub(crate) bytes: &'a [u8],
    pub(crate) left: usize,
    pub(crate) attrs: crate::attrs::Attrs,
    pub(crate) cols: u16,
    pub(crate) bottom: u16,
}

impl AsciiLines<'_> {
    /// Whether the lines' cells have default attributes (every line is then its own compact
    /// form: [`AsciiLine::plain`]).
    #[must_use]
    pub fn plain(&self) -> bool {
        self.attrs.is_default()
    }

    /// The bottom row of the region the lines scrolled out of, as
    /// [`RowContents::region_bottom`] (the whole screen: its last row).
    #[must_use]
    pub fn region_bottom(&self) -> u16 {
        self.bottom
    }
}

impl<'a> Iterator for AsciiLines<'a> {
    type Item = AsciiLine<'a>;

    #[inline]
    fn next(&mut self) -> Option<AsciiLine<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let n = crate::perform::printable_ascii_len(self.bytes);
        let (text, rest) = self.bytes.split_at(n);
        self.bytes = rest.get(2..).unwrap_or_default();
        Some(AsciiLine {
            text,
            attrs: self.attrs,
            cols: self.cols,
            bottom: self.bottom,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for AsciiLines<'_> {}

impl<'a> AsciiLine<'a> {
    /// The line's text: printable ASCII bytes (0x20..=0x7e), one per cell.
    #[must_use]
    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    /// Whether the cells have default attributes (then [`AsciiLine::write_compact`] writes
    /// the text alone).
    #[must_use]
    pub fn plain(&self) -> bool {
        self.attrs.is_default()
    }

    /// Cells in use, as [`RowContents::used`]: the text's length.
    #[must_use]
    pub fn used(&self) -> u16 {
        u16::try_from(self.text.len()).unwrap_or(u16::MAX)
    }

    /// The bottom row of the region it scrolled out of, as
    /// [`RowContents::region_bottom`] (the line always leaves from row 0).
    #[must_use]
    pub fn region_bottom(&self) -> u16 {
        self.bottom
    }

    /// Appends the line in compact form, exactly as [`RowContents::write_compact`] would
    /// for the row it stands for.
    pub fn write_compact(&self, out: &mut alloc::vec::Vec<u8>) {
        if self.text.is_empty() {
            return;
        }
        if !self.attrs.is_default() {
            push_compact_attrs(out, &self.attrs);
        }
        out.extend_from_slice(self.text);
    }

    /// The row the line stands for.
    #[must_use]
    pub fn to_row(&self) -> crate::row::Row {
        let mut row = crate::row::Row::new(self.cols);
        if !self.text.is_empty() {
            row.write_ascii(0, self.text, self.attrs);
        }
        row
    }
}

/// tidemux: token of the compact row form: a blank cell with default attributes (written as
/// a space, but only when something non-blank follows it).
pub(crate) const COMPACT_BLANK: u8 = 0x00;
/// tidemux: token of the compact row form: new attributes follow (mode byte, foreground,
/// background; a colour is `0` default, `1 i` indexed or `2 r g b`).
pub(crate) const COMPACT_ATTRS: u8 = 0x01;

pub(crate) fn push_compact_attrs(
    out: &mut alloc::vec::Vec<u8>,
    attrs: &crate::attrs::Attrs,
) {
    out.push(COMPACT_ATTRS);
    out.push(attrs.mode);
    for c in [attrs.fgcolor, attrs.bgcolor] {
        match c {
            crate::Color::Default => out.push(0),
            crate::Color::Idx(i) => out.extend_from_slice(&[1, i]),
            crate::Color::Rgb(r, g, b) => out.extend_from_slice(&[2, r, g, b]),
        }
    }
}

/// Reads the attributes after a `COMPACT_ATTRS` token; returns them and the bytes read.
fn read_compact_attrs(bytes: &[u8]) -> (crate::attrs::Attrs, usize) {
    let mut attrs = crate::attrs::Attrs::new();
    let mut i = 0;
    let mut next = || {
        let b = bytes.get(i).copied().unwrap_or(0);
        i += 1;
        b
    };
    attrs.mode = next();
    let mut color = || match next() {
        1 => crate::Color::Idx(next()),
        2 => {
            let (r, g, b) = (next(), next(), next());
            crate::Color::Rgb(r, g, b)
        }
        _ => crate::Color::Default,
    };
    attrs.fgcolor = color();
    attrs.bgcolor = color();
    (attrs, i.min(bytes.len()))
}

/// One token of a compact row.
enum CompactToken<'a> {
    /// Cell text (a blank cell is `" "`).
    Text(&'a str),
    /// New attributes.
    Attrs(crate::attrs::Attrs),
}

/// The token of a compact row at `*i`, moving `*i` past it.
fn next_compact<'a>(bytes: &'a [u8], i: &mut usize) -> Option<CompactToken<'a>> {
    let at = *i;
    match *bytes.get(at)? {
        COMPACT_BLANK => {
            *i += 1;
            Some(CompactToken::Text(" "))
        }
        COMPACT_ATTRS => {
            let (a, n) = read_compact_attrs(&bytes[at + 1..]);
            *i += 1 + n;
            Some(CompactToken::Attrs(a))
        }
        _ => {
            let end = bytes[at..]
                .iter()
                .position(|&b| b <= COMPACT_ATTRS)
                .map_or(bytes.len(), |k| at + k);
            *i = end;
            // Cell text is whole UTF-8 characters (no byte of a multi-byte character is
            // below 0x80, so a token never splits one).
            Some(CompactToken::Text(
                core::str::from_utf8(&bytes[at..end]).unwrap_or("\u{fffd}"),
            ))
        }
    }
}

/// tidemux: the "basic formatted" text of a row kept in compact form (see
/// [`RowContents::write_compact`]): byte for byte what [`RowContents::write_formatted_basic`]
/// writes for that row with a fresh [`BasicFormattedCaptureState`] (text, and SGR sequences
/// where attributes change, starting from default attributes; trailing blank cells left out).
pub fn compact_to_formatted(compact: &[u8], out: &mut String) {
    let mut current = crate::attrs::Attrs::new();
    let mut i = 0;
    while let Some(token) = next_compact(compact, &mut i) {
        match token {
            CompactToken::Text(t) => out.push_str(t),
            CompactToken::Attrs(a) => {
                a.write_escape_code_diff(out, &current);
                current = a;
            }
        }
    }
}

/// tidemux: the text of a row kept in compact form without attributes (what
/// [`basic_formatted_to_plain`] gives for its formatted text).
pub fn compact_to_plain(compact: &[u8], out: &mut String) {
    let mut i = 0;
    while let Some(token) = next_compact(compact, &mut i) {
        if let CompactToken::Text(t) = token {
            out.push_str(t);
        }
    }
}
