use crate::term::BufWrite as _;
use alloc::string::String;
use unicode_width::UnicodeWidthChar as _;

const MODE_APPLICATION_KEYPAD: u8 = 0b0000_0001;
const MODE_APPLICATION_CURSOR: u8 = 0b0000_0010;
const MODE_HIDE_CURSOR: u8 = 0b0000_0100;
const MODE_ALTERNATE_SCREEN: u8 = 0b0000_1000;
const MODE_BRACKETED_PASTE: u8 = 0b0001_0000;

/// The xterm mouse handling mode currently in use.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum MouseProtocolMode {
    /// Mouse handling is disabled.
    #[default]
    None,

    /// Mouse button events should be reported on button press. Also known as
    /// X10 mouse mode.
    Press,

    /// Mouse button events should be reported on button press and release.
    /// Also known as VT200 mouse mode.
    PressRelease,

    // Highlight,
    /// Mouse button events should be reported on button press and release, as
    /// well as when the mouse moves between cells while a button is held
    /// down.
    ButtonMotion,

    /// Mouse button events should be reported on button press and release,
    /// and mouse motion events should be reported when the mouse moves
    /// between cells regardless of whether a button is held down or not.
    AnyMotion,
    // DecLocator,
}

/// The encoding to use for the enabled [`MouseProtocolMode`].
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum MouseProtocolEncoding {
    /// Default single-printable-byte encoding.
    #[default]
    Default,

    /// UTF-8-based encoding.
    Utf8,

    /// SGR-like encoding.
    Sgr,
    // Urxvt,
}

/// The cursor's visual style.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum CursorStyle {
    /// The cursor should match the terminal's default.
    #[default]
    Default,

    /// The cursor should be a blinking block.
    BlinkBlock,

    /// The cursor should be a steady block.
    SteadyBlock,

    /// The cursor should be a blinking underline.
    BlinkUnderline,

    /// The cursor should be a steady underline.
    SteadyUnderline,

    /// The cursor should be a blinking vertical bar.
    BlinkVerticalBar,

    /// The cursor should be a steady vertical bar.
    SteadyVerticalBar,
}

/// Represents the overall terminal state.
#[derive(Clone, Debug)]
pub struct Screen {
    grid: crate::grid::Grid,
    alternate_grid: crate::grid::Grid,

    attrs: crate::attrs::Attrs,

    modes: u8,
    mouse_protocol_mode: MouseProtocolMode,
    mouse_protocol_encoding: MouseProtocolEncoding,
    cursor_style: CursorStyle,

    pub(crate) last_char: Option<char>,

    /// tidemux: IRM, `CSI 4 h` (tmux MODE_INSERT).
    insert_mode: bool,
    /// tidemux: DECAWM, `CSI ? 7 h` (tmux MODE_WRAP, on by default).
    autowrap: bool,
    /// tidemux: G0/G1 designations and the SO/SI shift (tmux `ictx->cell` g0set/g1set/set).
    charsets: Charsets,
    /// tidemux: tab stops, one flag per column (tmux `s->tabs`, every 8 columns at start and
    /// after a width change: screen.c screen_reset_tabs).
    tabs: alloc::vec::Vec<bool>,
    /// tidemux: the one DECSC slot, shared by `ESC 7`/`ESC 8` and `CSI s`/`CSI u` (tmux input.c
    /// input_save_state / input_restore_state keep one `old_cx/old_cy/old_cell/old_mode`).
    saved: SavedState,
    /// tidemux: cursor saved by `CSI ? 1049 h` (tmux screen.c `saved_cx/saved_cy`), separate
    /// from the DECSC slot; `None` until the first 1049.
    alt_saved_pos: Option<crate::grid::Pos>,
    /// tidemux: attributes saved on entering any alternate screen (tmux `saved_cell`).
    alt_saved_attrs: crate::attrs::Attrs,
}

/// tidemux: which character sets are designated and which one is shifted in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Charsets {
    /// G0 is DEC special graphics (`ESC ( 0`), else ASCII (`ESC ( B`).
    g0_graphics: bool,
    /// G1 is DEC special graphics (`ESC ) 0`).
    g1_graphics: bool,
    /// SO (`0x0e`) selected G1; SI (`0x0f`) selects G0.
    shift_out: bool,
}

impl Charsets {
    /// Whether the active set is DEC special graphics (characters get translated).
    fn graphics(self) -> bool {
        if self.shift_out {
            self.g1_graphics
        } else {
            self.g0_graphics
        }
    }

    /// Maps `c` through the active set. DEC special graphics (VT100 line drawing) covers
    /// 0x5f..=0x7e; the table is tmux's tty-acs.c `tty_acs_table` (the UTF-8 column).
    fn translate(self, c: char) -> char {
        let graphics = if self.shift_out {
            self.g1_graphics
        } else {
            self.g0_graphics
        };
        if !graphics {
            return c;
        }
        match c {
            '+' => '\u{2192}',
            ',' => '\u{2190}',
            '-' => '\u{2191}',
            '.' => '\u{2193}',
            '0' => '\u{25ae}',
            '`' => '\u{25c6}',
            'a' => '\u{2592}',
            'b' => '\u{2409}',
            'c' => '\u{240c}',
            'd' => '\u{240d}',
            'e' => '\u{240a}',
            'f' => '\u{00b0}',
            'g' => '\u{00b1}',
            'h' => '\u{2424}',
            'i' => '\u{240b}',
            'j' => '\u{2518}',
            'k' => '\u{2510}',
            'l' => '\u{250c}',
            'm' => '\u{2514}',
            'n' => '\u{253c}',
            'o' => '\u{23ba}',
            'p' => '\u{23bb}',
            'q' => '\u{2500}',
            'r' => '\u{23bc}',
            's' => '\u{23bd}',
            't' => '\u{251c}',
            'u' => '\u{2524}',
            'v' => '\u{2534}',
            'w' => '\u{252c}',
            'x' => '\u{2502}',
            'y' => '\u{2264}',
            'z' => '\u{2265}',
            '{' => '\u{03c0}',
            '|' => '\u{2260}',
            '}' => '\u{00a3}',
            '~' => '\u{00b7}',
            _ => c,
        }
    }
}

/// tidemux: what DECSC saves (tmux input.c input_save_state): cursor, attributes, character
/// sets and origin mode.
#[derive(Clone, Copy, Debug, Default)]
struct SavedState {
    pos: crate::grid::Pos,
    attrs: crate::attrs::Attrs,
    charsets: Charsets,
    origin: bool,
}

fn default_tabs(cols: u16) -> alloc::vec::Vec<bool> {
    (0..cols).map(|c| c > 0 && c % 8 == 0).collect()
}

impl Screen {
    pub(crate) fn new(
        size: crate::grid::Size,
        scrollback_capacity: usize,
    ) -> Self {
        let mut grid = crate::grid::Grid::new(
            size,
            crate::grid::Scrollback::Enabled {
                capacity: scrollback_capacity,
            },
        );
        grid.allocate_rows();
        Self {
            grid,
            alternate_grid: crate::grid::Grid::new(
                size,
                crate::grid::Scrollback::Disabled,
            ),

            attrs: crate::attrs::Attrs::default(),

            modes: 0,
            mouse_protocol_mode: MouseProtocolMode::default(),
            mouse_protocol_encoding: MouseProtocolEncoding::default(),
            cursor_style: CursorStyle::default(),

            last_char: None,

            insert_mode: false,
            autowrap: true,
            charsets: Charsets::default(),
            tabs: default_tabs(size.cols()),
            saved: SavedState::default(),
            alt_saved_pos: None,
            alt_saved_attrs: crate::attrs::Attrs::default(),
        }
    }

    /// Resizes the screen **without calling** the [`on_scroll`] callback.
    ///
    /// This method behaves the same as [`Parser::set_size`] but does not call
    /// the [`on_scroll`] callback. If you want that, use [`Parser::set_size`].
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    /// [`Parser::set_size`]: crate::Parser::set_size
    pub fn set_size(
        &mut self,
        rows: core::num::NonZeroU16,
        cols: core::num::NonZeroU16,
    ) {
        self.reset_tabs_for(cols.get());
        self.grid
            .set_size(crate::grid::Size { rows, cols }, |_, _, _| {});
        self.alternate_grid
            .set_size(crate::grid::Size { rows, cols }, |_, _, _| {});
        self.grid.mark_all_changed();
        self.alternate_grid.mark_all_changed();
    }

    /// Returns the current size of the terminal.
    ///
    /// The return value will be (rows, cols).
    #[must_use]
    pub fn size(&self) -> (core::num::NonZeroU16, core::num::NonZeroU16) {
        let size = self.grid().size();
        (size.rows, size.cols)
    }

    /// Returns the number of lines in the scrollback.
    #[must_use]
    pub fn scrollback_len(&self) -> usize {
        self.grid().scrollback_len()
    }

    /// Returns the maximum capacity of the scrollback.
    #[must_use]
    pub fn scrollback_capacity(&self) -> usize {
        self.grid().scrollback_capacity()
    }

    /// Scrolls to the given position in the scrollback.
    ///
    /// This position indicates the offset from the top of the screen, and
    /// should be `0` to put the normal screen in view.
    ///
    /// This affects the return values of methods called on the screen: for
    /// instance, `screen.cell(0, 0)` will return the top left corner of the
    /// screen after taking the scrollback offset into account.
    ///
    /// The value given will be clamped to the actual size of the scrollback.
    pub fn set_scrollback(&mut self, rows: usize) {
        self.grid_mut().set_scrollback(rows);
    }

    /// Clears the scrollback history for the active screen and returns the
    /// scrollback position to the live viewport.
    ///
    /// This does not erase the visible screen contents, reset terminal
    /// modes, or call the `on_row` callback. To model a terminal action that
    /// clears both the visible display and scrollback history, process both
    /// `CSI 2 J` and `CSI 3 J`.
    pub fn clear_scrollback(&mut self) {
        self.grid_mut().erase_all_scrollback(|_, _, _| {});
    }

    /// Returns the current position in the scrollback.
    ///
    /// This position indicates the offset from the top of the screen, and is
    /// `0` when the normal screen is in view.
    #[must_use]
    pub fn scrollback(&self) -> usize {
        self.grid().scrollback()
    }

    /// Returns the text contents of the terminal.
    ///
    /// This will not include any formatting information, and will be in plain
    /// text format.
    #[must_use]
    pub fn contents(&self) -> String {
        let mut contents = String::new();
        self.write_contents(&mut contents);
        contents
    }

    fn write_contents(&self, contents: &mut String) {
        self.grid().write_contents(contents);
    }

    /// Returns the text contents of the terminal by row, restricted to the
    /// given subset of columns.
    ///
    /// This will not include any formatting information, and will be in plain
    /// text format.
    ///
    /// Newlines will not be included.
    pub fn rows(
        &self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + '_ {
        self.grid().visible_rows().map(move |row| {
            let mut contents = String::new();
            row.write_contents(&mut contents, start, width, false);
            contents
        })
    }

    /// Returns the text contents of the terminal logically between two cells.
    /// This will include the remainder of the starting row after `start_col`,
    /// followed by the entire contents of the rows between `start_row` and
    /// `end_row`, followed by the beginning of the `end_row` up until
    /// `end_col`. This is useful for things like determining the contents of
    /// a clipboard selection.
    #[must_use]
    pub fn contents_between(
        &self,
        start_row: u16,
        start_col: u16,
        end_row: u16,
        end_col: u16,
    ) -> String {
        match start_row.cmp(&end_row) {
            core::cmp::Ordering::Less => {
                let (_, cols) = self.size();
                let cols = cols.get();
                let mut contents = String::new();
                for (i, row) in self
                    .grid()
                    .visible_rows()
                    .enumerate()
                    .skip(usize::from(start_row))
                    .take(usize::from(end_row) - usize::from(start_row) + 1)
                {
                    if i == usize::from(start_row) {
                        row.write_contents(
                            &mut contents,
                            start_col,
                            cols - start_col,
                            false,
                        );
                        if !row.wrapped() {
                            contents.push('\n');
                        }
                    } else if i == usize::from(end_row) {
                        row.write_contents(&mut contents, 0, end_col, false);
                    } else {
                        row.write_contents(&mut contents, 0, cols, false);
                        if !row.wrapped() {
                            contents.push('\n');
                        }
                    }
                }
                contents
            }
            core::cmp::Ordering::Equal => {
                if start_col < end_col {
                    self.rows(start_col, end_col - start_col)
                        .nth(usize::from(start_row))
                        .unwrap_or_default()
                } else {
                    String::new()
                }
            }
            core::cmp::Ordering::Greater => String::new(),
        }
    }

    /// Return escape codes sufficient to reproduce the entire contents of the
    /// current terminal state. This is a convenience wrapper around
    /// [`contents_formatted`](Self::contents_formatted) and
    /// [`input_mode_formatted`](Self::input_mode_formatted).
    #[must_use]
    pub fn state_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_contents_formatted(&mut contents);
        self.write_input_mode_formatted(&mut contents);
        contents
    }

    /// Return escape codes sufficient to turn the terminal state of the
    /// screen `prev` into the current terminal state. This is a convenience
    /// wrapper around [`contents_diff`](Self::contents_diff) and
    /// [`input_mode_diff`](Self::input_mode_diff).
    #[must_use]
    pub fn state_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_contents_diff(&mut contents, prev);
        self.write_input_mode_diff(&mut contents, prev);
        contents
    }

    /// Returns the formatted visible contents of the terminal.
    ///
    /// Formatting information will be included inline as terminal escape
    /// codes. The result will be suitable for feeding directly to a raw
    /// terminal parser, and will result in the same visual output.
    #[must_use]
    pub fn contents_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_contents_formatted(&mut contents);
        contents
    }

    fn write_contents_formatted(&self, contents: &mut String) {
        crate::term::HideCursor::new(self.hide_cursor()).write_buf(contents);
        let prev_attrs = self.grid().write_contents_formatted(contents);
        self.attrs.write_escape_code_diff(contents, &prev_attrs);
    }

    /// Returns the formatted visible contents of the terminal in a "basic"
    /// format.
    ///
    /// The contents will contain no escape sequences except SGR sequences,
    /// and no control characters except `'\n'`.
    ///
    /// A newline will be inserted after each row that does not wrap onto the
    /// next line, except the last. Trailing whitespace will not be trimmed
    /// from the string; a blank terminal *n* rows tall will result in a string
    /// with *n* - 1 newlines.
    ///
    /// Terminal attributes should be reset before and after displaying the
    /// returned string; it will not begin or end with a reset sequence.
    #[must_use]
    pub fn contents_formatted_basic(&self) -> String {
        let mut contents = String::new();
        // Writing to a `String` cannot fail.
        #[allow(clippy::missing_panics_doc)]
        self.write_contents_formatted_basic(
            &mut contents,
            crate::capture::BasicFormattedCaptureRange::Visible,
        )
        .unwrap();
        contents
    }

    /// Like [`Self::contents_formatted_basic`] but writes into the provided
    /// writer.
    ///
    /// For the `range` parameter, if you used the callback to write terminal
    /// data into this writer in a streaming fashion, pass
    /// [`BasicFormattedCaptureRange::Full`][full] with your existing
    /// [`BasicFormattedCaptureState`][state]. Otherwise, if you want the same
    /// result as [`Self::contents_formatted_basic`], pass
    /// [`BasicFormattedCaptureRange::Visible`][visible].
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    /// [full]: crate::capture::BasicFormattedCaptureRange::Full
    /// [state]: crate::capture::BasicFormattedCaptureState
    /// [visible]: crate::capture::BasicFormattedCaptureRange::Visible
    ///
    /// # Errors
    ///
    /// If the writer returns an error, this method will forward that error.
    /// Otherwise, this method will not return any errors of its own.
    pub fn write_contents_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        range: crate::capture::BasicFormattedCaptureRange<'_>,
    ) -> alloc::fmt::Result {
        self.grid().write_contents_formatted_basic(writer, range)
    }

    /// Returns the formatted visible contents of the terminal by row,
    /// restricted to the given subset of columns.
    ///
    /// Formatting information will be included inline as terminal escape
    /// codes. The result will be suitable for feeding directly to a raw
    /// terminal parser, and will result in the same visual output.
    ///
    /// You are responsible for positioning the cursor before printing each
    /// row, and the final cursor position after displaying each row is
    /// unspecified.
    // the unwraps in this method shouldn't be reachable
    #[allow(clippy::missing_panics_doc)]
    pub fn rows_formatted(
        &self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + '_ {
        let mut wrapping = false;
        self.grid().visible_rows().enumerate().map(move |(i, row)| {
            // number of rows in a grid is stored in a u16 (see Size), so
            // visible_rows can never return enough rows to overflow here
            let i = i.try_into().unwrap();
            let mut contents = String::new();
            row.write_contents_formatted(
                &mut contents,
                start,
                width,
                i,
                wrapping,
                None,
                None,
            );
            if start == 0 && width == self.grid.size().cols() {
                wrapping = row.wrapped();
            }
            contents
        })
    }

    /// Returns a string containing escape sequences sufficient to turn the
    /// visible contents of the screen described by `prev` into the visible
    /// contents of the screen described by `self`.
    ///
    /// The result of rendering `prev.contents_formatted()` followed by
    /// `self.contents_diff(prev)` should be equivalent to the result of
    /// rendering `self.contents_formatted()`. This is primarily useful when
    /// you already have a terminal parser whose state is described by `prev`,
    /// since the diff will likely require less memory and cause less
    /// flickering than redrawing the entire screen contents.
    #[must_use]
    pub fn contents_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_contents_diff(&mut contents, prev);
        contents
    }

    fn write_contents_diff(&self, contents: &mut String, prev: &Self) {
        if self.hide_cursor() != prev.hide_cursor() {
            crate::term::HideCursor::new(self.hide_cursor())
                .write_buf(contents);
        }
        let prev_attrs = self.grid().write_contents_diff(
            contents,
            prev.grid(),
            prev.attrs,
        );
        self.attrs.write_escape_code_diff(contents, &prev_attrs);
    }

    /// Returns a sequence of strings containing escape sequences sufficient to
    /// turn the visible contents of the subset of each row from `prev` (as
    /// described by `start` and `width`) into the visible contents of the
    /// corresponding row subset in `self`.
    ///
    /// You are responsible for positioning the cursor before printing each
    /// row, and the final cursor position after displaying each row is
    /// unspecified.
    // the unwraps in this method shouldn't be reachable
    #[allow(clippy::missing_panics_doc)]
    pub fn rows_diff<'a>(
        &'a self,
        prev: &'a Self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + 'a {
        self.grid()
            .visible_rows()
            .zip(prev.grid().visible_rows())
            .enumerate()
            .map(move |(i, (row, prev_row))| {
                // number of rows in a grid is stored in a u16 (see Size), so
                // visible_rows can never return enough rows to overflow here
                let i = i.try_into().unwrap();
                let mut contents = String::new();
                row.write_contents_diff(
                    &mut contents,
                    prev_row,
                    start,
                    width,
                    i,
                    false,
                    false,
                    crate::grid::Pos { row: i, col: start },
                    crate::attrs::Attrs::default(),
                );
                contents
            })
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// terminal's input modes.
    ///
    /// Supported modes are:
    /// * application keypad
    /// * application cursor
    /// * bracketed paste
    /// * xterm mouse support
    #[must_use]
    pub fn input_mode_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_input_mode_formatted(&mut contents);
        contents
    }

    fn write_input_mode_formatted(&self, contents: &mut String) {
        crate::term::ApplicationKeypad::new(
            self.mode(MODE_APPLICATION_KEYPAD),
        )
        .write_buf(contents);
        crate::term::ApplicationCursor::new(
            self.mode(MODE_APPLICATION_CURSOR),
        )
        .write_buf(contents);
        crate::term::BracketedPaste::new(self.mode(MODE_BRACKETED_PASTE))
            .write_buf(contents);
        crate::term::MouseProtocolMode::new(
            self.mouse_protocol_mode,
            MouseProtocolMode::None,
        )
        .write_buf(contents);
        crate::term::MouseProtocolEncoding::new(
            self.mouse_protocol_encoding,
            MouseProtocolEncoding::Default,
        )
        .write_buf(contents);
        crate::term::CursorStyle::new(
            self.cursor_style,
            CursorStyle::Default,
        )
        .write_buf(contents);
    }

    /// Returns terminal escape sequences sufficient to change the previous
    /// terminal's input modes to the input modes enabled in the current
    /// terminal.
    #[must_use]
    pub fn input_mode_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_input_mode_diff(&mut contents, prev);
        contents
    }

    fn write_input_mode_diff(&self, contents: &mut String, prev: &Self) {
        if self.mode(MODE_APPLICATION_KEYPAD)
            != prev.mode(MODE_APPLICATION_KEYPAD)
        {
            crate::term::ApplicationKeypad::new(
                self.mode(MODE_APPLICATION_KEYPAD),
            )
            .write_buf(contents);
        }
        if self.mode(MODE_APPLICATION_CURSOR)
            != prev.mode(MODE_APPLICATION_CURSOR)
        {
            crate::term::ApplicationCursor::new(
                self.mode(MODE_APPLICATION_CURSOR),
            )
            .write_buf(contents);
        }
        if self.mode(MODE_BRACKETED_PASTE) != prev.mode(MODE_BRACKETED_PASTE)
        {
            crate::term::BracketedPaste::new(self.mode(MODE_BRACKETED_PASTE))
                .write_buf(contents);
        }
        crate::term::MouseProtocolMode::new(
            self.mouse_protocol_mode,
            prev.mouse_protocol_mode,
        )
        .write_buf(contents);
        crate::term::MouseProtocolEncoding::new(
            self.mouse_protocol_encoding,
            prev.mouse_protocol_encoding,
        )
        .write_buf(contents);
        crate::term::CursorStyle::new(self.cursor_style, prev.cursor_style)
            .write_buf(contents);
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// terminal's drawing attributes.
    ///
    /// Supported drawing attributes are:
    /// * fgcolor
    /// * bgcolor
    /// * bold
    /// * dim
    /// * italic
    /// * underline
    /// * inverse
    ///
    /// This is not typically necessary, since
    /// [`contents_formatted`](Self::contents_formatted) will leave
    /// the current active drawing attributes in the correct state, but this
    /// can be useful in the case of drawing additional things on top of a
    /// terminal output, since you will need to restore the terminal state
    /// without the terminal contents necessarily being the same.
    #[must_use]
    pub fn attributes_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_attributes_formatted(&mut contents);
        contents
    }

    fn write_attributes_formatted(&self, contents: &mut String) {
        crate::term::ClearAttrs.write_buf(contents);
        self.attrs.write_escape_code_diff(
            contents,
            &crate::attrs::Attrs::default(),
        );
    }

    /// Returns the current cursor position of the terminal.
    ///
    /// The return value will be (row, col).
    #[must_use]
    pub fn cursor_position(&self) -> (u16, u16) {
        let pos = self.grid().pos();
        (pos.row, pos.col)
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// cursor state of the terminal.
    ///
    /// This is not typically necessary, since
    /// [`contents_formatted`](Self::contents_formatted) will leave
    /// the cursor in the correct state, but this can be useful in the case of
    /// drawing additional things on top of a terminal output, since you will
    /// need to restore the terminal state without the terminal contents
    /// necessarily being the same.
    ///
    /// Note that the string returned by this function may alter the active
    /// drawing attributes, because it may require redrawing existing cells in
    /// order to position the cursor correctly (for instance, in the case
    /// where the cursor is past the end of a row). Therefore, you should
    /// ensure to reset the active drawing attributes if necessary after
    /// processing this data, for instance by using
    /// [`attributes_formatted`](Self::attributes_formatted).
    #[must_use]
    pub fn cursor_state_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_cursor_state_formatted(&mut contents);
        contents
    }

    fn write_cursor_state_formatted(&self, contents: &mut String) {
        crate::term::HideCursor::new(self.hide_cursor()).write_buf(contents);
        self.grid()
            .write_cursor_position_formatted(contents, None, None);

        // we don't just call write_attributes_formatted here, because that
        // would still be confusing - consider the case where the user sets
        // their own unrelated drawing attributes (on a different parser
        // instance) and then calls cursor_state_formatted. just documenting
        // it and letting the user handle it on their own is more
        // straightforward.
    }

    /// Returns the [`Cell`](crate::Cell) object at the given location in the
    /// terminal, if it exists.
    #[must_use]
    pub fn cell(&self, row: u16, col: u16) -> Option<&crate::Cell> {
        self.grid().visible_cell(crate::grid::Pos { row, col })
    }

    /// tidemux: the cells of visible row `row`, left to right, up to the last one that may
    /// not be blank: every cell after them (to the screen's width) is blank with default
    /// attributes. Empty for a row that does not exist.
    #[must_use]
    pub fn row_cells(&self, row: u16) -> &[crate::Cell] {
        self.grid()
            .visible_row(row)
            .map_or(&[], crate::row::Row::dirty_cells)
    }

    /// tidemux: whether visible row `row` changed or moved since the last
    /// [`Screen::clear_rows_changed`] (true for a row that does not exist). An unchanged row
    /// holds what it held at that point, at the same place, so its fingerprint is the same.
    #[must_use]
    pub fn row_changed(&self, row: u16) -> bool {
        self.grid()
            .visible_row(row)
            .is_none_or(crate::row::Row::changed)
    }

    /// tidemux: a fingerprint of visible row `row` (its text, attributes and columns; equal
    /// rows have equal fingerprints, and different rows almost never do); 0 for a row that
    /// does not exist or holds only blank default cells.
    #[must_use]
    pub fn row_fingerprint(&self, row: u16) -> u64 {
        self.grid()
            .visible_row(row)
            .map_or(0, crate::row::Row::fingerprint)
    }

    /// tidemux: clears the changed flags of the current screen's rows (see
    /// [`Screen::row_changed`]); the owner calls it after taking their fingerprints.
    pub fn clear_rows_changed(&mut self) {
        self.grid_mut().clear_changed();
    }

    /// tidemux: rows of the main screen's history that a taller screen may take back (tmux
    /// `hscrolled`): rows that scrolled off, not those a clear or reflow pushed out.
    #[must_use]
    pub fn scrolled_history(&self) -> usize {
        self.grid.scrolled_history()
    }

    /// tidemux: sets [`Screen::scrolled_history`] (after the owner reflowed its history).
    pub fn set_scrolled_history(&mut self, n: usize) {
        self.grid.set_scrolled_history(n);
    }

    /// tidemux: DECAWM (`CSI ? 7 h`), on unless turned off.
    #[must_use]
    pub fn autowrap(&self) -> bool {
        self.autowrap
    }

    /// tidemux: IRM insert mode (`CSI 4 h`).
    #[must_use]
    pub fn insert_mode(&self) -> bool {
        self.insert_mode
    }

    /// tidemux: DECOM origin mode (`CSI ? 6 h`).
    #[must_use]
    pub fn origin_mode(&self) -> bool {
        self.grid().origin_mode()
    }

    /// tidemux: the scroll region (DECSTBM) as 0-based inclusive (top, bottom) rows.
    #[must_use]
    pub fn scroll_region(&self) -> (u16, u16) {
        self.grid().scroll_region()
    }

    /// tidemux: the cursor `CSI ? 1049 h` saved, as (row, col) (tmux `saved_cx/saved_cy`,
    /// `#{alternate_saved_x}`); `None` when none is saved.
    #[must_use]
    pub fn alternate_saved_pos(&self) -> Option<(u16, u16)> {
        self.alt_saved_pos.map(|p| (p.row, p.col))
    }

    /// Returns whether the text in row `row` should wrap to the next line.
    #[must_use]
    pub fn row_wrapped(&self, row: u16) -> bool {
        self.grid()
            .visible_row(row)
            .is_some_and(crate::row::Row::wrapped)
    }

    /// tidemux: the main screen's contents as escape codes while the alternate screen is in
    /// use (`None` when it is not): what the program finds again when it leaves the alternate
    /// screen. A live upgrade (`tidemux upgrade-server`) keeps both screens with it.
    #[must_use]
    pub fn main_contents_formatted(&self) -> Option<String> {
        if !self.mode(MODE_ALTERNATE_SCREEN) {
            return None;
        }
        let mut contents = String::new();
        self.grid.write_contents_formatted(&mut contents);
        Some(contents)
    }

    /// tidemux: the cell at the given location of the normal screen while the alternate
    /// screen shows it hidden (tmux's `saved_grid`, for `capture-pane -a`); `None` when the
    /// alternate screen is not in use.
    #[must_use]
    pub fn saved_cell(&self, row: u16, col: u16) -> Option<&crate::Cell> {
        if !self.mode(MODE_ALTERNATE_SCREEN) {
            return None;
        }
        self.grid.visible_cell(crate::grid::Pos { row, col })
    }

    /// tidemux: [`Screen::row_wrapped`] of the hidden normal screen (see
    /// [`Screen::saved_cell`]).
    #[must_use]
    pub fn saved_row_wrapped(&self, row: u16) -> bool {
        self.mode(MODE_ALTERNATE_SCREEN)
            && self
                .grid
                .visible_row(row)
                .is_some_and(crate::row::Row::wrapped)
    }

    /// Returns whether the alternate screen is currently in use.
    #[must_use]
    pub fn alternate_screen(&self) -> bool {
        self.mode(MODE_ALTERNATE_SCREEN)
    }

    /// Returns whether the terminal should be in application keypad mode.
    #[must_use]
    pub fn application_keypad(&self) -> bool {
        self.mode(MODE_APPLICATION_KEYPAD)
    }

    /// Returns whether the terminal should be in application cursor mode.
    #[must_use]
    pub fn application_cursor(&self) -> bool {
        self.mode(MODE_APPLICATION_CURSOR)
    }

    /// Returns whether the terminal should be in hide cursor mode.
    #[must_use]
    pub fn hide_cursor(&self) -> bool {
        self.mode(MODE_HIDE_CURSOR)
    }

    /// Returns whether the terminal should be in bracketed paste mode.
    #[must_use]
    pub fn bracketed_paste(&self) -> bool {
        self.mode(MODE_BRACKETED_PASTE)
    }

    /// Returns the currently active [`MouseProtocolMode`].
    #[must_use]
    pub fn mouse_protocol_mode(&self) -> MouseProtocolMode {
        self.mouse_protocol_mode
    }

    /// Returns the currently active [`MouseProtocolEncoding`].
    #[must_use]
    pub fn mouse_protocol_encoding(&self) -> MouseProtocolEncoding {
        self.mouse_protocol_encoding
    }

    /// Returns the currently active [`CursorStyle`].
    #[must_use]
    pub fn cursor_style(&self) -> CursorStyle {
        self.cursor_style
    }

    /// Returns the currently active foreground color.
    #[must_use]
    pub fn fgcolor(&self) -> crate::Color {
        self.attrs.fgcolor
    }

    /// Returns the currently active background color.
    #[must_use]
    pub fn bgcolor(&self) -> crate::Color {
        self.attrs.bgcolor
    }

    /// Returns whether newly drawn text should be rendered with the bold text
    /// attribute.
    #[must_use]
    pub fn bold(&self) -> bool {
        self.attrs.bold()
    }

    /// Returns whether newly drawn text should be rendered with the dim text
    /// attribute.
    #[must_use]
    pub fn dim(&self) -> bool {
        self.attrs.dim()
    }

    /// Returns whether newly drawn text should be rendered with the italic
    /// text attribute.
    #[must_use]
    pub fn italic(&self) -> bool {
        self.attrs.italic()
    }

    /// Returns whether newly drawn text should be rendered with the
    /// underlined text attribute.
    #[must_use]
    pub fn underline(&self) -> bool {
        self.attrs.underline()
    }

    /// Returns whether newly drawn text should be rendered with the inverse
    /// text attribute.
    #[must_use]
    pub fn inverse(&self) -> bool {
        self.attrs.inverse()
    }

    pub(crate) fn grid(&self) -> &crate::grid::Grid {
        if self.mode(MODE_ALTERNATE_SCREEN) {
            &self.alternate_grid
        } else {
            &self.grid
        }
    }

    fn grid_mut(&mut self) -> &mut crate::grid::Grid {
        if self.mode(MODE_ALTERNATE_SCREEN) {
            &mut self.alternate_grid
        } else {
            &mut self.grid
        }
    }

    /// tidemux: takes row 0 of the main grid.
    pub(crate) fn take_first_row(&mut self) -> crate::row::Row {
        self.grid.take_row(0)
    }

    /// tidemux: row 0 of the main grid.
    pub(crate) fn first_row(&self) -> &crate::row::Row {
        self.grid
            .drawing_row(0)
            .expect("a screen has at least one row")
    }

    /// tidemux: a width change resets the tab stops to every 8 columns (tmux screen.c
    /// screen_resize_cursor calls screen_reset_tabs).
    fn reset_tabs_for(&mut self, cols: u16) {
        if usize::from(cols) != self.tabs.len() {
            self.tabs = default_tabs(cols);
        }
    }

    /// tidemux: attributes for erased cells: the current background colour only (tmux
    /// passes `ictx->cell.cell.bg` to every clear).
    fn bg_attrs(&self) -> crate::attrs::Attrs {
        crate::attrs::Attrs {
            bgcolor: self.attrs.bgcolor,
            ..crate::attrs::Attrs::default()
        }
    }

    /// tidemux: `CSI ? 47/1047/1049 h`, as tmux screen.c screen_alternate_on: nothing when
    /// already on; 1049 saves the cursor (its own slot, not DECSC's); every variant saves the
    /// attributes and clears the alternate screen; the cursor, scroll region and origin mode
    /// carry over.
    ///
    /// Returns whether it switched (then the caller clears the newest history row's wrap
    /// flag: tmux clears the whole screen with grid_view_clear, grid_clear_lines).
    fn alternate_on(&mut self, cursor: bool) -> bool {
        if self.mode(MODE_ALTERNATE_SCREEN) {
            return false;
        }
        if cursor {
            self.alt_saved_pos = Some(self.grid.pos());
        }
        self.alt_saved_attrs = self.attrs;
        self.grid.set_scrollback(0);
        // The alternate grid is always the main grid's size when it comes on.
        self.alternate_grid = crate::grid::Grid::new(
            self.grid.size(),
            crate::grid::Scrollback::Disabled,
        );
        self.alternate_grid.take_state_from(&self.grid, true);
        self.set_mode(MODE_ALTERNATE_SCREEN);
        true
    }

    fn set_mode(&mut self, mode: u8) {
        self.modes |= mode;
    }

    fn clear_mode(&mut self, mode: u8) {
        self.modes &= !mode;
    }

    fn mode(&self, mode: u8) -> bool {
        self.modes & mode != 0
    }

    fn set_mouse_mode(&mut self, mode: MouseProtocolMode) {
        self.mouse_protocol_mode = mode;
    }

    fn clear_mouse_mode(&mut self, mode: MouseProtocolMode) {
        if self.mouse_protocol_mode == mode {
            self.mouse_protocol_mode = MouseProtocolMode::default();
        }
    }

    fn set_mouse_encoding(&mut self, encoding: MouseProtocolEncoding) {
        self.mouse_protocol_encoding = encoding;
    }

    fn clear_mouse_encoding(&mut self, encoding: MouseProtocolEncoding) {
        if self.mouse_protocol_encoding == encoding {
            self.mouse_protocol_encoding = MouseProtocolEncoding::default();
        }
    }

    fn set_cursor_style(&mut self, style: CursorStyle) {
        self.cursor_style = style;
    }
}

pub struct WrappedScreen<CB: crate::Callbacks> {
    pub screen: Screen,
    pub callbacks: CB,
    /// tidemux: the name being collected after `ESC k` (until the next sequence).
    pub(crate) rename: Option<alloc::string::String>,
    /// tidemux: the name being collected held invalid UTF-8 (it is then ignored, as tmux
    /// ignores it).
    pub(crate) rename_bad: bool,
    /// tidemux: a DCS string being collected (vte hook/put/unhook).
    pub(crate) dcs: Option<Dcs>,
    /// tidemux: set by `Parser::process` while it feeds a literal U+FFFD (EF BF BD).
    pub(crate) literal_fffd: bool,
    /// tidemux: whether `scroll_through` may run (off only to test it against the
    /// line-by-line path: `Parser::set_scroll_through`).
    pub(crate) scroll_through: bool,
    /// tidemux: `scroll_through`'s ring of line starts (one per row; allocated at its first
    /// use, so a screen that never scrolls through has none).
    pub(crate) line_starts: alloc::vec::Vec<usize>,
}

/// tidemux: a DCS string as collected from vte.
#[derive(Debug)]
pub(crate) struct Dcs {
    pub(crate) params: alloc::vec::Vec<u16>,
    pub(crate) intermediates: alloc::vec::Vec<u8>,
    pub(crate) action: char,
    pub(crate) data: alloc::vec::Vec<u8>,
}

impl<CB: crate::Callbacks> WrappedScreen<CB> {
    /// Gets the `on_row` callback for methods like
    /// [`crate::grid::Grid::scroll_up`].
    fn on_row<'cb>(
        screen: &Screen,
        callbacks: &'cb mut CB,
    ) -> impl FnMut(&crate::row::Row, u16, u16) + 'cb {
        let is_alternate = screen.mode(MODE_ALTERNATE_SCREEN);
        move |row, top, bottom| {
            callbacks
                .on_scroll(
                crate::capture::RowContents(row, top, bottom),
                is_alternate,
            );
        }
    }

    /// Resizes the screen, calling [`on_scroll`] for each row that is pushed
    /// off the top of the screen's scrollback.
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    /// tidemux: tmux clears the soft-wrap flag of the row above any range of whole rows it
    /// clears or moves (grid.c grid_clear_lines, grid_move_lines); row -1 is the newest
    /// history row (tmux keeps history and screen in one grid).
    fn unwrap_row(&mut self, row: i32) {
        if row == -1 {
            self.callbacks.unwrap_newest_scrollback(&mut self.screen);
        } else if let Ok(r) = u16::try_from(row) {
            if let Some(r) = self.screen.grid_mut().row_mut(r) {
                r.wrap(false);
            }
        }
    }

    /// tidemux: `CSI ? 47/1047/1049 l`, as tmux screen.c screen_alternate_off: when the
    /// size changed on the alternate screen, it is first resized back to the main screen's
    /// size (the cursor moves with it); 1049 then restores the cursor and attributes it saved,
    /// even when not on the alternate screen; leaving brings back the main screen with the
    /// current cursor and resizes it to the current size with reflow; the cursor is clamped.
    fn alternate_off(&mut self, cursor: bool) {
        let alt = self.screen.mode(MODE_ALTERNATE_SCREEN);
        let current = self.screen.grid().size();
        let main_size = self.screen.grid.size();
        if alt && current != main_size {
            self.screen.alternate_grid.resize_tmux(
                main_size,
                true,
                &mut HistoryHooks {
                    callbacks: &mut self.callbacks,
                    alternate: true,
                },
            );
        }
        let screen = &mut self.screen;
        if cursor {
            if let Some(p) = screen.alt_saved_pos {
                screen.grid_mut().set_pos_raw(p);
                screen.attrs = screen.alt_saved_attrs;
            }
        }
        if alt {
            screen.grid.take_state_from(&screen.alternate_grid, false);
            screen.clear_mode(MODE_ALTERNATE_SCREEN);
            screen.grid.mark_all_changed();
            let pos = screen.grid.pos();
            let size = screen.grid.size();
            screen.grid.set_pos_raw(crate::grid::Pos {
                row: pos.row.min(size.rows() - 1),
                col: pos.col.min(size.cols()),
            });
            if current != main_size {
                self.screen.grid.resize_tmux(
                    current,
                    true,
                    &mut HistoryHooks {
                        callbacks: &mut self.callbacks,
                        alternate: false,
                    },
                );
            }
        }
        let grid = self.screen.grid_mut();
        let size = grid.size();
        let pos = grid.pos();
        grid.set_pos_raw(crate::grid::Pos {
            row: pos.row.min(size.rows() - 1),
            col: pos.col.min(size.cols() - 1),
        });
    }

    pub fn set_size_with_cb(
        &mut self,
        rows: core::num::NonZeroU16,
        cols: core::num::NonZeroU16,
    ) {
        // tidemux: resize as tmux does (reflow, history pulled back; see Grid::resize_tmux).
        // The alternate screen is resized without reflow and without history, as tmux
        // resizes it (window.c passes reflow = 0 while the alternate screen is on).
        // While the alternate screen is on, only it is resized (tmux keeps the main screen
        // as saved and resizes it when the alternate screen goes off).
        self.screen.reset_tabs_for(cols.get());
        let size = crate::grid::Size { rows, cols };
        let alternate = self.screen.mode(MODE_ALTERNATE_SCREEN);
        let mut hooks = HistoryHooks {
            callbacks: &mut self.callbacks,
            alternate,
        };
        if alternate {
            self.screen
                .alternate_grid
                .resize_tmux(size, false, &mut hooks);
        } else {
            self.screen.grid.resize_tmux(size, true, &mut hooks);
        }
        self.screen.grid.mark_all_changed();
        self.screen.alternate_grid.mark_all_changed();
    }

    /// Writes one printed character (tidemux: rewritten after tmux 3.3a screen-write.c
    /// `screen_write_cell` / `screen_write_collect_add`: charsets, insert mode, autowrap off,
    /// wide characters at the edge and over other wide characters).
    pub fn text(&mut self, c: char) {
        // tmux input.c: `ictx->last` (for REP) is only an ASCII character printed in ground.
        let ascii = (' '..='~').contains(&c);
        let c = self.screen.charsets.translate(c);
        let translated = ascii && !c.is_ascii();
        self.screen.last_char = ascii.then_some(c);
        let Some(width) = c.width() else {
            return;
        };
        // tmux utf8.c: characters without a width (wcwidth < 0: U+FFFE, U+FFFF, other
        // noncharacters) are dropped.
        if matches!(c, '\u{fffe}' | '\u{ffff}' | '\u{fdd0}'..='\u{fdef}') {
            return;
        }
        let width = u16::try_from(width.min(2)).unwrap_or(1);
        if width == 0 {
            self.combine(c);
            return;
        }
        let attrs = self.screen.attrs;
        let autowrap = self.screen.autowrap;
        let insert = self.screen.insert_mode;
        let sx = self.screen.grid().size().cols();
        if width > sx {
            return;
        }
        let mut pos = self.screen.grid().pos();
        // screen_write_cell: "If this character doesn't fit, ignore it."
        if !autowrap && width > 1 && pos.col != sx && pos.col > sx - width {
            return;
        }
        if insert && pos.col < sx {
            let col = pos.col;
            self.screen.grid_mut().current_row_mut().insert_raw(
                col,
                width,
                crate::attrs::Attrs::default(),
            );
        }
        if autowrap && pos.col > sx - width {
            let on_row = Self::on_row(&self.screen, &mut self.callbacks);
            self.screen.grid_mut().wrap_linefeed(on_row);
            pos = self.screen.grid().pos();
        }
        if pos.col > sx - width {
            return;
        }
        // tmux takes its ASCII fast path (screen_write_collect_add) for printable ASCII with
        // autowrap on, insert off and no line-drawing set; that path clears a wide character
        // under the cursor only when it does not start in column 0 (screen_write_collect_end's
        // loop stops before column 0), which is the "right half of a wide character" quirk.
        let fast = ascii && !translated && autowrap && !insert;
        let grid = self.screen.grid_mut();
        let row = grid.current_row_mut();
        row.overwrite(pos.col, width, fast);
        if let Some(cell) = row.get_mut(pos.col) {
            cell.set(c, attrs);
            cell.set_wide_continuation(false);
        }
        row.mark_used(pos.col + width);
        if width == 2 {
            if let Some(next) = row.get_mut(pos.col + 1) {
                next.clear(attrs);
                next.set_wide_continuation(true);
            }
        }
        // Move the cursor; with autowrap off stick at the last column.
        let last = u16::from(!autowrap);
        let col = if pos.col + width <= sx - last {
            pos.col + width
        } else {
            sx - last
        };
        grid.set_col_raw(col);
    }

    /// tidemux: writes a run of printable ASCII (0x20..=0x7e) as `text` would one character
    /// at a time, but a row's worth of cells at once: with autowrap on, insert mode off and
    /// no line-drawing set (tmux's own ASCII fast path, screen_write_collect_add, has the same
    /// conditions) the cells of the run that fit on the row are written together, and wrap
    /// and scroll happen once per row. Otherwise each character goes through `print`.
    pub fn text_ascii(&mut self, run: &[u8]) {
        let Some(&last) = run.last() else {
            return;
        };
        let screen = &self.screen;
        if self.rename.is_some()
            || !screen.autowrap
            || screen.insert_mode
            || screen.charsets.graphics()
        {
            for &b in run {
                vte::Perform::print(self, char::from(b));
            }
            return;
        }
        let attrs = self.screen.attrs;
        let sx = self.screen.grid().size().cols();
        let mut rest = run;
        while !rest.is_empty() {
            let mut col = self.screen.grid().pos().col;
            if col >= sx {
                let on_row = Self::on_row(&self.screen, &mut self.callbacks);
                self.screen.grid_mut().wrap_linefeed(on_row);
                col = self.screen.grid().pos().col;
            }
            let n = rest.len().min(usize::from(sx - col));
            let (now, later) = rest.split_at(n);
            let grid = self.screen.grid_mut();
            grid.current_row_mut().write_ascii(col, now, attrs);
            // n <= sx - col, so this fits in u16.
            grid.set_col_raw(col + u16::try_from(n).unwrap_or(0));
            rest = later;
        }
        self.screen.last_char = Some(char::from(last));
    }

    /// tidemux: lines of printable ASCII each ending in CR LF, arriving with the cursor at
    /// the start of a blank bottom row of a screen that scrolls as a whole (`yes`, `cat` of
    /// a log, a build's output): as many of them as make the screen scroll once per line
    /// are handled at once, in the order and with the results `text_ascii`, CR and LF give
    /// one at a time: the rows above the cursor that the lines push out leave as a scroll
    /// reports them, the lines that would scroll off before the last screenful is reached
    /// go to [`crate::Callbacks::on_scroll_ascii`] without being written into the grid, the
    /// grid turns once and the last lines are written into it. Needs the conditions of
    /// `text_ascii`'s fast path, no background colour (new rows would take it) and at least
    /// `SCROLL_THROUGH_MIN` such lines.
    ///
    /// Returns `Ok(bytes consumed)`, or `Err(n)`: nothing was done, and no call at the next
    /// `n` bytes can do more (they are too few lines, or the screen's modes rule it out).
    pub fn scroll_through(&mut self, bytes: &[u8]) -> Result<usize, usize> {
        let screen = &self.screen;
        if !self.scroll_through
            || self.rename.is_some()
            || !screen.autowrap
            || screen.insert_mode
            || screen.charsets.graphics()
            || screen.attrs.bgcolor != crate::Color::Default
        {
            return Err(bytes.len());
        }
        let grid = screen.grid();
        if !grid.can_scroll_through() {
            return Err(0);
        }
        let size = grid.size();
        let cols = usize::from(size.cols());
        // First pass: how many lines (they go on while the next is a complete simple line).
        // The starts of the last `bottom` lines go round `starts` (so that the lines that
        // stay on the screen are found without a second pass).
        let bottom_rows = usize::from(size.rows() - 1);
        let mut starts = core::mem::take(&mut self.line_starts);
        starts.clear();
        starts.resize(bottom_rows.max(1), 0);
        let mut count = 0;
        let mut end = 0;
        let mut slot = 0;
        while let Some(n) = simple_line(&bytes[end..], cols) {
            starts[slot] = end;
            slot += 1;
            if slot == starts.len() {
                slot = 0;
            }
            end += n + 2;
            count += 1;
        }
        // The oldest start kept: that of line `count - bottom_rows` when there are more lines.
        let first_staying = starts[slot];
        self.line_starts = starts;
        if count < SCROLL_THROUGH_MIN {
            return Err(end);
        }
        let attrs = screen.attrs;
        let bottom = size.rows() - 1;
        let alternate = screen.mode(MODE_ALTERNATE_SCREEN);
        // The rows above the cursor leave first (as many as lines come), then every line but
        // the last `bottom`, which end up on the screen.
        let leave = count.min(usize::from(bottom));
        let on_row = Self::on_row(&self.screen, &mut self.callbacks);
        self.screen.grid().scroll_through_leave(leave, on_row);
        let direct = count - leave;
        let mut at = 0;
        if direct > 0 {
            // Where the lines that stay begin (none stay on a screen of one row).
            at = if leave == 0 { end } else { first_staying };
            let lines = crate::capture::AsciiLines {
                bytes: &bytes[..at],
                left: direct,
                attrs,
                cols: size.cols(),
                bottom,
            };
            self.callbacks.on_scroll_ascii(lines, alternate);
        }
        let rest = &bytes[at..end];
        let last = rest
            .split(|&b| b == b'\n')
            .take(leave)
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        self.screen
            .grid_mut()
            .scroll_through_finish(count, leave, last, attrs);
        self.screen.last_char = None;
        Ok(end)
    }

    /// Appends a zero-width character to the character left of the cursor (tmux
    /// screen_write_combine: skips padding cells; nothing at column 0).
    fn combine(&mut self, c: char) {
        let pos = self.screen.grid().pos();
        let row = self.screen.grid_mut().current_row_mut();
        let mut col = pos.col;
        while col > 0 {
            col -= 1;
            let Some(cell) = row.get_mut(col) else {
                continue;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            if cell.has_contents() {
                cell.append(c);
            }
            return;
        }
    }

    // control codes

    /// BS (tidemux: tmux screen_write_backspace: at column 0 of a row continuing a wrapped
    /// row, go to the last column of the row above).
    pub fn bs(&mut self) {
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        if pos.col == 0 {
            if pos.row > 0
                && grid
                    .drawing_row(pos.row - 1)
                    .is_some_and(crate::row::Row::wrapped)
            {
                let cols = grid.size().cols();
                grid.set_pos_raw(crate::grid::Pos {
                    row: pos.row - 1,
                    col: cols - 1,
                });
            }
        } else {
            grid.col_dec(1);
        }
    }

    /// HT (tidemux: tmux input.c input_c0_dispatch: next tab stop, else the last column; no
    /// move from the last column).
    pub fn tab(&mut self) {
        let cols = self.screen.grid().size().cols();
        let mut col = self.screen.grid().pos().col;
        if col >= cols - 1 {
            return;
        }
        loop {
            col += 1;
            if self
                .screen
                .tabs
                .get(usize::from(col))
                .copied()
                .unwrap_or(false)
                || col >= cols - 1
            {
                break;
            }
        }
        self.screen.grid_mut().set_col_raw(col);
    }

    /// tidemux: HTS, `ESC H`: tab stop at the cursor column.
    pub fn hts(&mut self) {
        let col = usize::from(self.screen.grid().pos().col);
        if let Some(t) = self.screen.tabs.get_mut(col) {
            *t = true;
        }
    }

    /// tidemux: TBC, `CSI g` (0: at the cursor) and `CSI 3 g` (all).
    pub fn tbc(&mut self, mode: u16) {
        match mode {
            0 => {
                let col = usize::from(self.screen.grid().pos().col);
                if let Some(t) = self.screen.tabs.get_mut(col) {
                    *t = false;
                }
            }
            3 => self.screen.tabs.fill(false),
            _ => {}
        }
    }

    /// tidemux: CBT, `CSI n Z` (tmux input.c INPUT_CSI_CBT).
    pub fn cbt(&mut self, n: u16) {
        let cols = self.screen.grid().size().cols();
        let mut cx = self.screen.grid().pos().col.min(cols - 1);
        let mut n = n.max(1);
        while cx > 0 && n > 0 {
            n -= 1;
            loop {
                cx -= 1;
                if cx == 0
                    || self
                        .screen
                        .tabs
                        .get(usize::from(cx))
                        .copied()
                        .unwrap_or(false)
                {
                    break;
                }
            }
        }
        self.screen.grid_mut().set_col_raw(cx);
    }

    /// tidemux: IND, `ESC D` (tmux: screen_write_linefeed).
    pub fn ind(&mut self) {
        self.lf();
    }

    /// tidemux: NEL, `ESC E` (tmux: carriage return, then linefeed).
    pub fn nel(&mut self) {
        self.cr();
        self.lf();
    }

    /// tidemux: DECALN, `ESC # 8` (tmux screen_write_alignmenttest): every cell `E` with
    /// default attributes, scroll region reset, cursor home.
    pub fn decaln(&mut self) {
        let grid = self.screen.grid_mut();
        let (rows, cols) = (grid.size().rows(), grid.size().cols());
        for r in 0..rows {
            if let Some(row) = grid.row_mut(r) {
                row.reset();
                for c in 0..cols {
                    if let Some(cell) = row.get_mut(c) {
                        cell.set('E', crate::attrs::Attrs::default());
                    }
                }
                row.mark_used(cols);
            }
        }
        grid.set_scroll_region_raw(0, rows - 1);
        grid.set_pos_raw(crate::grid::Pos::default());
    }

    /// tidemux: SCS, `ESC ( 0`/`ESC ( B` (G0) and `ESC ) 0`/`ESC ) B` (G1); tmux knows only
    /// these two sets (input.c input_esc_table), other designations are ignored.
    pub fn designate(&mut self, set: u8, final_byte: u8) {
        let graphics = match final_byte {
            b'0' => true,
            b'B' => false,
            _ => return,
        };
        match set {
            b'(' => self.screen.charsets.g0_graphics = graphics,
            b')' => self.screen.charsets.g1_graphics = graphics,
            _ => {}
        }
    }

    /// tidemux: SO (`0x0e`, shift to G1) and SI (`0x0f`, back to G0).
    pub fn shift(&mut self, out: bool) {
        self.screen.charsets.shift_out = out;
    }

    pub fn lf(&mut self) {
        let bg = self.screen.bg_attrs();
        self.screen.grid_mut().fill = bg;
        let on_row = Self::on_row(&self.screen, &mut self.callbacks);
        self.screen.grid_mut().row_inc_scroll(1, on_row);
    }

    pub fn vt(&mut self) {
        self.lf();
    }

    pub fn ff(&mut self) {
        self.lf();
    }

    pub fn cr(&mut self) {
        self.screen.grid_mut().col_set(0);
    }

    // escape codes

    // ESC 7
    pub fn decsc(&mut self) {
        // tidemux: one slot for ESC 7 and CSI s (tmux input_save_state).
        let screen = &mut self.screen;
        screen.saved = SavedState {
            pos: screen.grid().pos(),
            attrs: screen.attrs,
            charsets: screen.charsets,
            origin: screen.grid().origin_mode(),
        };
    }

    // ESC 8
    pub fn decrc(&mut self) {
        // tidemux: tmux input_restore_state: attributes, charsets, origin mode, then an
        // absolute cursor move clamped to the screen (so a save survives a shrinking resize).
        let screen = &mut self.screen;
        let saved = screen.saved;
        screen.attrs = saved.attrs;
        screen.charsets = saved.charsets;
        let grid = screen.grid_mut();
        grid.set_origin_mode_raw(saved.origin);
        let size = grid.size();
        grid.set_pos_raw(crate::grid::Pos {
            row: saved.pos.row.min(size.rows() - 1),
            col: saved.pos.col.min(size.cols() - 1),
        });
    }

    // ESC =
    pub fn deckpam(&mut self) {
        self.screen.set_mode(MODE_APPLICATION_KEYPAD);
    }

    // ESC >
    pub fn deckpnm(&mut self) {
        self.screen.clear_mode(MODE_APPLICATION_KEYPAD);
    }

    // ESC M
    pub fn ri(&mut self) {
        // tidemux: tmux screen_write_reverseindex: scroll only at the region's top row,
        // else move up unless on the first row (above the region it never scrolls).
        let grid = self.screen.grid_mut();
        let (top, _) = grid.scroll_region();
        let pos = grid.pos();
        if pos.row == top {
            self.scroll_down_unwrapping(1);
        } else if pos.row > 0 {
            grid.set_pos_raw(crate::grid::Pos {
                row: pos.row - 1,
                col: pos.col,
            });
        }
    }

    // ESC c
    pub fn ris(&mut self) {
        // tidemux: as tmux (input.c INPUT_ESC_RIS: input_reset_cell + screen_write_reset):
        // attributes, character sets and the DECSC slot reset; tab stops, scroll region and
        // modes reset (the alternate screen stays on); the screen is cleared the way
        // `CSI 2 J` clears it (into history on the main screen); cursor home.
        let screen = &mut self.screen;
        screen.attrs = crate::attrs::Attrs::default();
        screen.charsets = Charsets::default();
        screen.saved = SavedState::default();
        screen.last_char = None;
        screen.insert_mode = false;
        screen.autowrap = true;
        screen.modes &= MODE_ALTERNATE_SCREEN;
        screen.mouse_protocol_mode = MouseProtocolMode::default();
        screen.mouse_protocol_encoding = MouseProtocolEncoding::default();
        let cols = screen.grid().size().cols();
        screen.tabs = default_tabs(cols);
        let grid = screen.grid_mut();
        let rows = grid.size().rows();
        grid.set_origin_mode_raw(false);
        grid.set_scroll_region_raw(0, rows - 1);
        grid.set_pos_raw(crate::grid::Pos::default());
        self.ed(2, |_| {});
    }

    // csi codes

    // CSI SP
    pub(crate) fn decscusr(
        &mut self,
        cursor_style: u16,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        match cursor_style {
            0 => self.screen.set_cursor_style(CursorStyle::Default),
            1 => self.screen.set_cursor_style(CursorStyle::BlinkBlock),
            2 => self.screen.set_cursor_style(CursorStyle::SteadyBlock),
            3 => self.screen.set_cursor_style(CursorStyle::BlinkUnderline),
            4 => self.screen.set_cursor_style(CursorStyle::SteadyUnderline),
            5 => self.screen.set_cursor_style(CursorStyle::BlinkVerticalBar),
            6 => self.screen.set_cursor_style(CursorStyle::SteadyVerticalBar),
            _ => unhandled(self),
        }
    }

    // CSI @
    pub fn ich(&mut self, count: u16) {
        // tidemux: tmux screen_write_insertcharacter (count clamped to the edge; the gap takes
        // the background colour).
        let bg = self.screen.bg_attrs();
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let cols = grid.size().cols();
        if pos.col >= cols {
            return;
        }
        let n = count.max(1).min(cols - pos.col);
        grid.current_row_mut().insert_raw(pos.col, n, bg);
    }

    // CSI A
    pub fn cuu(&mut self, offset: u16) {
        // tidemux: tmux screen_write_cursorup: stops at the region's top unless above it; a
        // pending wrap moves back onto the last column.
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let (top, _) = grid.scroll_region();
        let limit = if pos.row < top { 0 } else { top };
        let cols = grid.size().cols();
        grid.set_pos_raw(crate::grid::Pos {
            row: pos.row.saturating_sub(offset.max(1)).max(limit),
            col: pos.col.min(cols - 1),
        });
    }

    // CSI B
    pub fn cud(&mut self, offset: u16) {
        // tidemux: tmux screen_write_cursordown: stops at the region's bottom unless below it.
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let (_, bottom) = grid.scroll_region();
        let rows = grid.size().rows();
        let limit = if pos.row > bottom { rows - 1 } else { bottom };
        let cols = grid.size().cols();
        grid.set_pos_raw(crate::grid::Pos {
            row: pos
                .row
                .saturating_add(offset.max(1))
                .min(limit)
                .max(pos.row),
            col: pos.col.min(cols - 1),
        });
    }

    // CSI C
    pub fn cuf(&mut self, offset: u16) {
        self.screen.grid_mut().col_inc_clamp(offset);
    }

    // CSI D
    pub fn cub(&mut self, offset: u16) {
        self.screen.grid_mut().col_dec(offset);
    }

    // CSI E
    pub fn cnl(&mut self, offset: u16) {
        self.screen.grid_mut().col_set(0);
        self.cud(offset);
    }

    // CSI F
    pub fn cpl(&mut self, offset: u16) {
        self.screen.grid_mut().col_set(0);
        self.cuu(offset);
    }

    // CSI G
    pub fn cha(&mut self, col: u16) {
        self.screen.grid_mut().col_set(col - 1);
    }

    // CSI `  (HPA - Horizontal Position Absolute, equivalent to CHA)
    pub(crate) fn hpa(&mut self, col: u16) {
        self.cha(col);
    }

    // CSI b (REP - Repeat last printed character)
    pub(crate) fn rep(&mut self, count: u16) {
        // tidemux: tmux INPUT_CSI_REP: only after a printed ASCII character (any control,
        // escape or UTF-8 character in between forgets it), at most to the right edge.
        let grid = self.screen.grid();
        let room = grid.size().cols().saturating_sub(grid.pos().col);
        if let Some(c) = self.screen.last_char {
            for _ in 0..count.min(room) {
                self.text(c);
            }
        }
    }

    // CSI H
    pub fn cup(&mut self, (row, col): (u16, u16)) {
        self.screen.grid_mut().set_pos(crate::grid::Pos {
            row: row - 1,
            col: col - 1,
        });
    }

    // CSI J
    pub fn ed(&mut self, mode: u16, mut unhandled: impl FnMut(&mut Self)) {
        // tidemux: erased cells keep only the background colour (tmux grid_clear with bg),
        // and wide characters are not fixed up (tmux grid_view_clear).
        let attrs = self.screen.bg_attrs();
        let pos = self.screen.grid().pos();
        // tidemux: tmux's scroll-on-clear (on by default): clearing the whole main screen
        // (`CSI 2 J`, or `CSI J` from the top-left corner) first scrolls its used rows into
        // history (screen-write.c screen_write_clearscreen / clearendofscreen,
        // grid-view.c grid_view_clear_history).
        if !self.screen.mode(MODE_ALTERNATE_SCREEN)
            && (mode == 2 || (mode == 0 && pos.row == 0 && pos.col == 0))
        {
            let on_row = Self::on_row(&self.screen, &mut self.callbacks);
            let rows_used = self.screen.grid.clear_into_history(attrs, on_row);
            if rows_used < usize::from(self.screen.grid.size().rows()) {
                self.unwrap_row(-1);
            }
            return;
        }
        let grid = self.screen.grid_mut();
        let (rows, cols) = (grid.size().rows(), grid.size().cols());
        match mode {
            0 => {
                for r in pos.row + 1..rows {
                    if let Some(row) = grid.row_mut(r) {
                        row.clear(attrs);
                    }
                }
                let row = grid.current_row_mut();
                if pos.col == 0 {
                    row.clear(attrs);
                } else {
                    row.clear_raw(pos.col..cols, attrs);
                }
                if pos.col == 0 {
                    self.unwrap_row(i32::from(pos.row) - 1);
                }
                if pos.row + 1 < rows {
                    self.unwrap_row(i32::from(pos.row));
                }
            }
            1 => {
                for r in 0..pos.row {
                    if let Some(row) = grid.row_mut(r) {
                        row.clear(attrs);
                    }
                }
                grid.current_row_mut()
                    .clear_raw(0..pos.col.saturating_add(1), attrs);
                if pos.row > 0 {
                    self.unwrap_row(-1);
                }
                if pos.col.saturating_add(1) >= cols {
                    self.unwrap_row(i32::from(pos.row) - 1);
                }
            }
            2 => {
                for r in 0..rows {
                    if let Some(row) = grid.row_mut(r) {
                        row.clear(attrs);
                    }
                }
                self.unwrap_row(-1);
            }
            3 => {
                // tidemux: tmux screen_write_clearhistory empties the history too.
                let on_row = Self::on_row(&self.screen, &mut self.callbacks);
                self.screen.grid.erase_all_scrollback(on_row);
                self.callbacks.clear_scrollback(&mut self.screen);
            }
            _ => unhandled(self),
        }
    }

    // CSI ? J
    pub fn decsed(&mut self, mode: u16, unhandled: impl FnMut(&mut Self)) {
        self.ed(mode, unhandled);
    }

    // CSI K
    pub fn el(&mut self, mode: u16, mut unhandled: impl FnMut(&mut Self)) {
        // tidemux: tmux screen_write_clear{endof,startof,}line: background colour only, no
        // wide-character fix-ups.
        let attrs = self.screen.bg_attrs();
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let cols = grid.size().cols();
        let row = grid.current_row_mut();
        let whole = match mode {
            0 => pos.col == 0,
            1 => pos.col >= cols - 1,
            2 => true,
            _ => {
                unhandled(self);
                return;
            }
        };
        if whole {
            // tmux screen_write_clearline: nothing to do on an empty row without colour.
            if row.used() == 0 && attrs == crate::attrs::Attrs::default() {
                return;
            }
            row.clear(attrs);
            self.unwrap_row(i32::from(pos.row) - 1);
        } else if mode == 0 {
            if pos.col < cols {
                row.clear_raw(pos.col..cols, attrs);
            }
        } else {
            row.clear_raw(0..pos.col + 1, attrs);
        }
    }

    // CSI ? K
    pub fn decsel(&mut self, mode: u16, unhandled: impl FnMut(&mut Self)) {
        self.el(mode, unhandled);
    }

    // CSI L
    pub fn il(&mut self, count: u16) {
        let bg = self.screen.bg_attrs();
        self.screen.grid_mut().insert_delete_lines(count, true, bg);
        let row = self.screen.grid().pos().row;
        self.unwrap_row(i32::from(row) - 1);
    }

    // CSI M
    pub fn dl(&mut self, count: u16) {
        let bg = self.screen.bg_attrs();
        let last_moved = self
            .screen
            .grid_mut()
            .insert_delete_lines(count, false, bg);
        let row = self.screen.grid().pos().row;
        self.unwrap_row(i32::from(row) - 1);
        if let Some(r) = last_moved {
            self.unwrap_row(i32::from(r));
        }
    }

    // CSI P
    pub fn dch(&mut self, count: u16) {
        // tidemux: tmux screen_write_deletecharacter (no wide fix-ups; the freed cells at the
        // end take the background colour).
        let bg = self.screen.bg_attrs();
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let cols = grid.size().cols();
        if pos.col >= cols {
            return;
        }
        let n = count.max(1).min(cols - pos.col);
        grid.current_row_mut().delete_raw(pos.col, n, bg);
    }

    // CSI S
    pub fn su(&mut self, count: u16) {
        let bg = self.screen.bg_attrs();
        self.screen.grid_mut().fill = bg;
        let on_row = Self::on_row(&self.screen, &mut self.callbacks);
        self.screen.grid_mut().scroll_up(count, on_row);
    }

    // CSI T
    pub fn sd(&mut self, count: u16) {
        self.scroll_down_unwrapping(count);
    }

    /// tidemux: scrolls the region down as tmux grid_view_scroll_region_down does, with its
    /// flag clearing (grid_move_lines): the row that was on top of the region and the row
    /// above the region stop being soft-wrapped.
    fn scroll_down_unwrapping(&mut self, count: u16) {
        let (top, bottom) = self.screen.grid().scroll_region();
        let n = count.max(1).min(bottom - top + 1);
        let bg = self.screen.bg_attrs();
        self.screen.grid_mut().fill = bg;
        self.screen.grid_mut().scroll_down(n);
        if top + n <= bottom {
            self.unwrap_row(i32::from(top + n));
        }
        self.unwrap_row(i32::from(top) - 1);
    }

    // CSI X
    pub fn ech(&mut self, count: u16) {
        // tidemux: tmux screen_write_clearcharacter (background colour, no wide fix-ups).
        let bg = self.screen.bg_attrs();
        let grid = self.screen.grid_mut();
        let pos = grid.pos();
        let cols = grid.size().cols();
        if pos.col >= cols {
            return;
        }
        let end = pos.col.saturating_add(count.max(1)).min(cols);
        grid.current_row_mut().clear_raw(pos.col..end, bg);
    }

    // CSI d
    pub fn vpa(&mut self, row: u16) {
        // tidemux: tmux moves with origin mode applied (screen_write_cursormove(.., 1)).
        let col = self.screen.grid().pos().col;
        let cols = self.screen.grid().size().cols();
        self.screen.grid_mut().set_pos(crate::grid::Pos {
            row: row - 1,
            col: col.min(cols - 1),
        });
    }

    // CSI ? h
    pub fn decset(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            let screen = &mut self.screen;
            match param {
                [1] => screen.set_mode(MODE_APPLICATION_CURSOR),
                [6] => screen.grid_mut().set_origin_mode(true),
                [7] => screen.autowrap = true,
                [9] => screen.set_mouse_mode(MouseProtocolMode::Press),
                [25] => screen.clear_mode(MODE_HIDE_CURSOR),
                [47 | 1047] => {
                    if screen.alternate_on(false) {
                        self.unwrap_row(-1);
                    }
                }
                [1000] => {
                    screen.set_mouse_mode(MouseProtocolMode::PressRelease);
                }
                [1002] => {
                    screen.set_mouse_mode(MouseProtocolMode::ButtonMotion);
                }
                [1003] => screen.set_mouse_mode(MouseProtocolMode::AnyMotion),
                [1005] => {
                    screen.set_mouse_encoding(MouseProtocolEncoding::Utf8);
                }
                [1006] => {
                    screen.set_mouse_encoding(MouseProtocolEncoding::Sgr);
                }
                [1049] => {
                    if screen.alternate_on(true) {
                        self.unwrap_row(-1);
                    }
                }
                [2004] => screen.set_mode(MODE_BRACKETED_PASTE),
                _ => unhandled(self),
            }
        }
    }

    // CSI ? l
    pub fn decrst(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            let screen = &mut self.screen;
            match param {
                [1] => screen.clear_mode(MODE_APPLICATION_CURSOR),
                [6] => screen.grid_mut().set_origin_mode(false),
                [7] => screen.autowrap = false,
                [9] => screen.clear_mouse_mode(MouseProtocolMode::Press),
                [25] => screen.set_mode(MODE_HIDE_CURSOR),
                [47 | 1047] => self.alternate_off(false),
                [1000] => {
                    screen.clear_mouse_mode(MouseProtocolMode::PressRelease);
                }
                [1002] => {
                    screen.clear_mouse_mode(MouseProtocolMode::ButtonMotion);
                }
                [1003] => {
                    screen.clear_mouse_mode(MouseProtocolMode::AnyMotion);
                }
                [1005] => {
                    screen.clear_mouse_encoding(MouseProtocolEncoding::Utf8);
                }
                [1006] => {
                    screen.clear_mouse_encoding(MouseProtocolEncoding::Sgr);
                }
                [1049] => self.alternate_off(true),
                [2004] => screen.clear_mode(MODE_BRACKETED_PASTE),
                _ => unhandled(self),
            }
        }
    }

    // CSI m
    pub fn sgr(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        // XXX really i want to just be able to pass in a default Params
        // instance with a 0 in it, but vte doesn't allow creating new Params
        // instances
        if params.is_empty() {
            self.screen.attrs = crate::attrs::Attrs::default();
            return;
        }

        let mut iter = params.iter();

        macro_rules! next_param {
            () => {
                match iter.next() {
                    Some(n) => n,
                    _ => return,
                }
            };
        }

        macro_rules! to_u8 {
            ($n:expr) => {
                if let Some(n) = u16_to_u8($n) {
                    n
                } else {
                    return;
                }
            };
        }

        macro_rules! next_param_u8 {
            () => {
                if let &[n] = next_param!() {
                    to_u8!(n)
                } else {
                    return;
                }
            };
        }

        loop {
            let screen = &mut self.screen;
            match next_param!() {
                [0] => screen.attrs = crate::attrs::Attrs::default(),
                [1] => screen.attrs.set_bold(),
                [2] => screen.attrs.set_dim(),
                [3] => screen.attrs.set_italic(true),
                [4] => screen.attrs.set_underline(true),
                // tidemux: underline styles (4:0 off, 4:1..4:5 on), as tmux.
                [4, n] => screen.attrs.set_underline(*n != 0),
                [7] => screen.attrs.set_inverse(true),
                [22] => screen.attrs.set_normal_intensity(),
                [23] => screen.attrs.set_italic(false),
                [24] => screen.attrs.set_underline(false),
                [27] => screen.attrs.set_inverse(false),
                [n] if (30..=37).contains(n) => {
                    screen.attrs.fgcolor = crate::Color::Idx(to_u8!(*n) - 30);
                }
                [38, 2, r, g, b] | [38, 2, _, r, g, b] => {
                    screen.attrs.fgcolor =
                        crate::Color::Rgb(to_u8!(*r), to_u8!(*g), to_u8!(*b));
                }
                [38, 5, i] => {
                    screen.attrs.fgcolor = crate::Color::Idx(to_u8!(*i));
                }
                [38] => match next_param!() {
                    [2] => {
                        let r = next_param_u8!();
                        let g = next_param_u8!();
                        let b = next_param_u8!();
                        screen.attrs.fgcolor = crate::Color::Rgb(r, g, b);
                    }
                    [5] => {
                        screen.attrs.fgcolor =
                            crate::Color::Idx(next_param_u8!());
                    }
                    _ => {
                        unhandled(self);
                        return;
                    }
                },
                [39] => {
                    screen.attrs.fgcolor = crate::Color::Default;
                }
                [n] if (40..=47).contains(n) => {
                    screen.attrs.bgcolor = crate::Color::Idx(to_u8!(*n) - 40);
                }
                [48, 2, r, g, b] | [48, 2, _, r, g, b] => {
                    screen.attrs.bgcolor =
                        crate::Color::Rgb(to_u8!(*r), to_u8!(*g), to_u8!(*b));
                }
                [48, 5, i] => {
                    screen.attrs.bgcolor = crate::Color::Idx(to_u8!(*i));
                }
                [48] => match next_param!() {
                    [2] => {
                        let r = next_param_u8!();
                        let g = next_param_u8!();
                        let b = next_param_u8!();
                        screen.attrs.bgcolor = crate::Color::Rgb(r, g, b);
                    }
                    [5] => {
                        screen.attrs.bgcolor =
                            crate::Color::Idx(next_param_u8!());
                    }
                    _ => {
                        unhandled(self);
                        return;
                    }
                },
                [49] => {
                    screen.attrs.bgcolor = crate::Color::Default;
                }
                [n] if (90..=97).contains(n) => {
                    screen.attrs.fgcolor = crate::Color::Idx(to_u8!(*n) - 82);
                }
                [n] if (100..=107).contains(n) => {
                    screen.attrs.bgcolor = crate::Color::Idx(to_u8!(*n) - 92);
                }
                _ => unhandled(self),
            }
        }
    }

    // CSI r
    pub fn decstbm(&mut self, (top, bottom): (u16, u16)) {
        // tidemux: tmux screen_write_scrollregion: clamped to the screen, ignored when it
        // would not span two rows, else the cursor goes to the top-left corner (absolute).
        let grid = self.screen.grid_mut();
        let last = grid.size().rows() - 1;
        let (top, bottom) = ((top - 1).min(last), (bottom - 1).min(last));
        if top >= bottom {
            return;
        }
        grid.set_scroll_region_raw(top, bottom);
        grid.set_pos_raw(crate::grid::Pos::default());
    }

    /// tidemux: SM/RM (`CSI Ps h`/`l`, no `?`): IRM (4) is the one tmux knows.
    pub fn sm_rm(&mut self, params: &vte::Params, set: bool) {
        for param in params {
            if param == [4] {
                self.screen.insert_mode = set;
            }
        }
    }
}

fn u16_to_u8(i: u16) -> Option<u8> {
    if i > u16::from(u8::MAX) {
        None
    } else {
        // safe because we just ensured that the value fits in a u8
        Some(i.try_into().unwrap())
    }
}

/// tidemux: connects a grid's resize to the owner's history through the callbacks.
struct HistoryHooks<'a, CB: crate::Callbacks> {
    callbacks: &'a mut CB,
    alternate: bool,
}

impl<CB: crate::Callbacks> crate::grid::ResizeHooks for HistoryHooks<'_, CB> {
    fn push(&mut self, row: &crate::row::Row) {
        self.callbacks
            .on_scroll(
                crate::capture::RowContents(row, 0, u16::MAX),
                self.alternate,
            );
    }

    fn pull(&mut self) -> Option<crate::row::Row> {
        if self.alternate {
            return None;
        }
        let (text, wrapped, used) = self.callbacks.pull_scrollback()?;
        Some(parse_formatted_row(&text, wrapped, used))
    }

    fn newest_wrapped(&mut self) -> bool {
        !self.alternate && self.callbacks.scrollback_newest_wrapped()
    }
}

/// tidemux: a row from one line of "basic formatted" text (as `RowContents` writes it),
/// with `used` cells in use (at least those the text fills).
fn parse_formatted_row(text: &str, wrapped: bool, used: u16) -> crate::row::Row {
    // Every character takes at most two cells; room for `used` too.
    let width = text
        .chars()
        .count()
        .saturating_mul(2)
        .max(usize::from(used))
        .clamp(1, usize::from(u16::MAX));
    let width =
        core::num::NonZeroU16::new(u16::try_from(width).unwrap_or(u16::MAX))
            .unwrap_or(core::num::NonZeroU16::MIN);
    let mut parser = crate::Parser::new(core::num::NonZeroU16::MIN, width, 0);
    parser.process(text.as_bytes());
    let mut row = parser.take_first_row();
    row.wrap(wrapped);
    row.mark_used(used);
    row
}

/// tidemux: splits history lines again at `cols` columns, as tmux grid_reflow does for its
/// history when the width changes. Each line is (the row in compact form, as
/// `RowContents::write_compact` writes it; soft-wrapped; cells used); lines joined by soft
/// wraps are one logical line. Returns the new lines the same way (every line of a logical
/// line but the last is soft-wrapped).
#[must_use]
pub fn reflow_lines(
    lines: &[(&[u8], bool, u16)],
    cols: core::num::NonZeroU16,
) -> alloc::vec::Vec<(alloc::vec::Vec<u8>, bool, u16)> {
    // The rows are rebuilt by parsing their basic formatted text, as before the compact
    // form existed (so reflow gives the same cells as it did).
    let texts: alloc::vec::Vec<String> = lines
        .iter()
        .map(|&(compact, _, _)| {
            let mut text = String::new();
            crate::capture::compact_to_formatted(compact, &mut text);
            text
        })
        .collect();
    // One scratch parser for all lines (a parser per line cost more than the parsing).
    let width = texts
        .iter()
        .zip(lines)
        .map(|(text, &(_, _, used))| {
            text.chars().count().saturating_mul(2).max(usize::from(used))
        })
        .max()
        .unwrap_or(1)
        .clamp(1, usize::from(u16::MAX));
    let width =
        core::num::NonZeroU16::new(u16::try_from(width).unwrap_or(u16::MAX))
            .unwrap_or(core::num::NonZeroU16::MIN);
    let mut parser = crate::Parser::new(core::num::NonZeroU16::MIN, width, 0);
    let rows = texts
        .iter()
        .zip(lines)
        .map(|(text, &(_, wrapped, used))| {
            parser.process(b"\x1b[0m\r\x1b[2K");
            parser.process(text.as_bytes());
            let mut row = parser.first_row().clone();
            row.wrap(wrapped);
            row.mark_used(used);
            row
        })
        .collect();
    crate::grid::reflow_rows(rows, cols.get())
        .iter()
        .map(|row| {
            let mut compact = alloc::vec::Vec::new();
            row.write_compact(&mut compact);
            (compact, row.wrapped(), row.used())
        })
        .collect()
}

/// tidemux: fewest lines `WrappedScreen::scroll_through` takes at once (below, the setup
/// costs more than it saves).
const SCROLL_THROUGH_MIN: usize = 2;

/// tidemux: the length of the printable ASCII at the start of `bytes` when it is at most
/// `cols` bytes and followed by CR LF (a line `scroll_through` can take), else `None`.
#[inline]
fn simple_line(bytes: &[u8], cols: usize) -> Option<usize> {
    let n = crate::perform::printable_ascii_len(&bytes[..bytes.len().min(cols + 1)]);
    (n <= cols && bytes.get(n..n + 2) == Some(b"\r\n")).then_some(n)
}
