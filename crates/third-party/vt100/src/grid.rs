use crate::term::BufWrite as _;
use alloc::{collections::VecDeque, string::String, vec::Vec};

#[derive(Clone, Debug)]
pub struct Grid {
    size: Size,
    pos: Pos,
    saved_pos: Pos,
    /// tidemux: a ring (`VecDeque`), so that scrolling the whole screen moves the rows that
    /// leave and come in, not every row (see `scroll_up`).
    rows: VecDeque<crate::row::Row>,
    scroll_top: u16,
    scroll_bottom: u16,
    origin_mode: bool,
    scrollback: Option<ScrollbackState>,
    /// tidemux: rows sent to history by scrolling or by a resize taking rows off the top,
    /// and not since taken back (tmux `hscrolled`): only these come back when the screen
    /// grows taller. Rows a reflow pushed out do not count (tmux grid_reflow).
    hscrolled: usize,
    /// tidemux: rows sent to history and not taken back (tmux `hsize`; the owner may have
    /// dropped some since, so this is an upper bound).
    hsize: usize,
    /// tidemux: attributes of rows a scroll brings in (tmux passes the current background
    /// to its scrolls; autowrap uses the default).
    pub(crate) fill: crate::attrs::Attrs,
}

#[derive(Clone, Debug)]
struct ScrollbackState {
    rows: alloc::collections::VecDeque<crate::row::Row>,
    capacity: usize,
    offset: usize,
    /// The number of rows of scrollback there *would* be if the scrollback
    /// capacity were unlimited.
    unbounded_len: usize,
}

#[derive(Clone, Copy, Debug)]
pub enum Scrollback {
    Disabled,
    Enabled { capacity: usize },
}

impl Grid {
    pub fn new(size: Size, scrollback: Scrollback) -> Self {
        let scrollback = match scrollback {
            Scrollback::Disabled => None,
            Scrollback::Enabled { capacity } => Some(ScrollbackState {
                rows: alloc::collections::VecDeque::new(),
                capacity,
                offset: 0,
                unbounded_len: 0,
            }),
        };
        Self {
            size,
            pos: Pos::default(),
            saved_pos: Pos::default(),
            rows: VecDeque::new(),
            scroll_top: 0,
            scroll_bottom: size.rows() - 1,
            origin_mode: false,
            scrollback,
            hscrolled: 0,
            hsize: 0,
            fill: crate::attrs::Attrs::new(),
        }
    }

    /// tidemux: marks every row changed (rows moved other than by a scroll up, which the
    /// owner follows row by row; a resize; a switch of screens).
    pub fn mark_all_changed(&mut self) {
        for row in &mut self.rows {
            row.set_changed(true);
        }
    }

    /// tidemux: clears every row's changed flag (the owner has taken the rows' fingerprints).
    pub fn clear_changed(&mut self) {
        for row in &mut self.rows {
            row.set_changed(false);
        }
    }

    pub fn allocate_rows(&mut self) {
        if self.rows.is_empty() {
            self.rows.resize_with(usize::from(self.size.rows()), || {
                crate::row::Row::new(self.size.cols())
            });
        }
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn set_size<F>(&mut self, size: Size, on_row: F)
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        if size == self.size {
            return;
        }

        // xterm always resets the scroll region and scrollback offset when the
        // screen is resized.
        self.scroll_top = 0;
        self.scroll_bottom = self.size.rows() - 1;
        if let Some(scrollback) = &mut self.scrollback {
            scrollback.offset = 0;
        }

        let new_row = || crate::row::Row::new(size.cols());
        let diff = self.size.rows().abs_diff(size.rows());
        // `rows` might be empty if this is the alternate screen and the rows
        // haven't been allocated (Self::allocate_rows) yet.
        let is_empty = self.rows.is_empty();
        let pos_diff = if is_empty {
            0
        } else if size.rows() < self.size.rows() {
            let num_excess_bottom = self.size.rows() - self.pos.row - 1;
            let num_pushed = diff.saturating_sub(num_excess_bottom);
            self.scroll_up(num_pushed, on_row);
            self.rows.truncate(size.rows().into());
            num_pushed
        } else if let Some(scrollback) = &mut self.scrollback {
            let num_pulled = u16::try_from(scrollback.unbounded_len)
                .unwrap_or(u16::MAX)
                .min(diff);
            // Number of rows actually pulled from scrollback.
            let num_pulled_scrollback =
                scrollback.rows.len().min(num_pulled.into());
            // Number of blank rows inserted at the top, because our scrollback
            // buffer isn't as large as the theoretical amount of scrollback
            // an unbounded terminal would have.
            let num_pulled_blank =
                usize::from(num_pulled) - num_pulled_scrollback;
            let pulled =
                core::iter::repeat_with(new_row)
                    .take(num_pulled_blank)
                    .chain(scrollback.rows.drain(
                        scrollback.rows.len() - num_pulled_scrollback..,
                    ));
            let pulled: Vec<crate::row::Row> = pulled.collect();
            for row in pulled.into_iter().rev() {
                self.rows.push_front(row);
            }
            self.rows.resize_with(size.rows().into(), new_row);
            scrollback.unbounded_len -= usize::from(num_pulled);
            num_pulled
        } else {
            self.rows.resize_with(size.rows().into(), new_row);
            0
        };

        if let Some(row) = self.rows.back_mut() {
            // The last row is maintained to always be a valid row
            row.wrap(false);
        }
        for row in &mut self.rows {
            row.resize(size.cols(), crate::Cell::new());
        }

        // Maintain the cursor position relative to the bottom-left corner of
        // the screen.
        if size.rows() < self.size.rows() {
            self.pos.row = self.pos.row.saturating_sub(pos_diff);
            self.saved_pos.row = self
                .saved_pos
                .row
                .saturating_sub(pos_diff)
                .min(size.rows() - 1);
        } else {
            self.pos.row += pos_diff;
            self.saved_pos.row += pos_diff;
        }

        self.pos.col = self.pos.col.min(size.cols() - 1);
        self.saved_pos.col = self.saved_pos.col.min(size.cols() - 1);
        self.scroll_bottom = size.rows() - 1;
        self.size = size;

        if !is_empty {
            debug_assert_eq!(self.rows.len(), usize::from(self.size.rows()));
        }
        debug_assert!(self.pos.row < self.size.rows());
        debug_assert!(self.pos.col < self.size.cols());
        debug_assert!(self.saved_pos.row < self.size.rows());
        debug_assert!(self.saved_pos.col < self.size.cols());
    }

    /// tidemux: takes over the cursor, scroll region and origin mode of `other` (tmux keeps
    /// them per screen, not per grid, so they survive a switch to or from the alternate
    /// screen) and, with `clear`, blanks every row (screen.c screen_alternate_on).
    pub fn take_state_from(&mut self, other: &Self, clear: bool) {
        self.pos = other.pos;
        self.scroll_top = other.scroll_top;
        self.scroll_bottom = other.scroll_bottom;
        self.origin_mode = other.origin_mode;
        if clear {
            self.allocate_rows();
            for row in &mut self.rows {
                row.reset();
            }
        }
    }

    /// tidemux: takes row `i`, leaving a blank one.
    pub fn take_row(&mut self, i: usize) -> crate::row::Row {
        self.allocate_rows();
        let cols = self.size.cols();
        self.rows.get_mut(i).map_or_else(
            || crate::row::Row::new(cols),
            |r| core::mem::replace(r, crate::row::Row::new(cols)),
        )
    }

    /// tidemux: rows sent to history by scrolling that a taller screen may take back (tmux
    /// `hscrolled`).
    pub fn scrolled_history(&self) -> usize {
        self.hscrolled
    }

    /// tidemux: sets that count after the owner reflowed its history (tmux grid_reflow moves
    /// `hscrolled` with the lines it splits and joins).
    pub fn set_scrolled_history(&mut self, n: usize) {
        self.hscrolled = n;
    }

    /// tidemux: the scroll region, (top, bottom), 0-based inclusive.
    pub fn scroll_region(&self) -> (u16, u16) {
        (self.scroll_top, self.scroll_bottom)
    }

    /// tidemux: sets the scroll region as given (callers validate it).
    pub fn set_scroll_region_raw(&mut self, top: u16, bottom: u16) {
        self.scroll_top = top;
        self.scroll_bottom = bottom;
    }

    /// tidemux: sets origin mode without moving the cursor (DECRC).
    pub fn set_origin_mode_raw(&mut self, mode: bool) {
        self.origin_mode = mode;
    }

    /// tidemux: origin mode (DECOM).
    pub fn origin_mode(&self) -> bool {
        self.origin_mode
    }

    /// tidemux: sets the cursor without clamping (the column may be `cols`: a pending wrap).
    pub fn set_pos_raw(&mut self, pos: Pos) {
        self.pos = pos;
    }

    /// tidemux: sets the cursor column without clamping (`cols` means a pending wrap).
    pub fn set_col_raw(&mut self, col: u16) {
        self.pos.col = col;
    }

    /// tidemux: autowrap: marks the cursor row as wrapped, then line feed and carriage return
    /// (tmux screen_write_linefeed(ctx, 1, 8) sets GRID_LINE_WRAPPED unconditionally).
    pub fn wrap_linefeed<F>(&mut self, on_row: F)
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        self.current_row_mut().wrap(true);
        self.fill = crate::attrs::Attrs::new();
        self.row_inc_scroll(1, on_row);
        self.pos.col = 0;
    }

    /// tidemux: the row at `row` (screen coordinates), mutable.
    pub fn row_mut(&mut self, row: u16) -> Option<&mut crate::row::Row> {
        self.rows.get_mut(usize::from(row))
    }

    /// tidemux: tmux IL/DL (screen-write.c screen_write_insertline/deleteline): inside the
    /// scroll region they act between the cursor and the region's bottom; outside it (a tmux
    /// quirk) between the cursor and the bottom of the screen. New rows get `attrs`' colours.
    ///
    /// Returns, for a delete, the last row that received moved content (tmux then clears
    /// the wrap flag of that row, the one above the rows it blanks).
    pub fn insert_delete_lines(
        &mut self,
        count: u16,
        insert: bool,
        attrs: crate::attrs::Attrs,
    ) -> Option<u16> {
        let cy = self.pos.row;
        let bottom = if cy < self.scroll_top || cy > self.scroll_bottom {
            self.size.rows() - 1
        } else {
            self.scroll_bottom
        };
        let between = &mut self.rows.make_contiguous()
            [usize::from(cy)..=usize::from(bottom)];
        let n = usize::from(count.max(1)).min(between.len());
        for row in between.iter_mut() {
            row.set_changed(true);
        }
        if insert {
            between.rotate_right(n);
            for row in &mut between[..n] {
                row.clear(attrs);
            }
        } else {
            between.rotate_left(n);
            let len = between.len();
            for row in &mut between[len - n..] {
                row.clear(attrs);
            }
            if len > n {
                return Some(cy + u16::try_from(len - n - 1).unwrap_or(0));
            }
        }
        None
    }

    /// tidemux: resizes the way tmux 3.3a does (screen.c screen_resize_cursor,
    /// screen_resize_y, screen_reflow; grid.c grid_reflow):
    /// - fewer rows: rows below the cursor go first, then rows from the top go to history;
    /// - more rows: rows come back from history to the top, then blank rows at the bottom;
    /// - another width (with `reflow`): every logical line (rows joined by soft wraps,
    ///   including the part still in history) is split again at the new width, up to each
    ///   row's used cells; the screen shows the last `rows` rows of the result, the rest goes
    ///   to history, and history comes back when the result is shorter than the screen; the
    ///   cursor keeps its place in its logical line (past the line's end: at the new end).
    pub fn resize_tmux(
        &mut self,
        size: Size,
        reflow: bool,
        hooks: &mut dyn ResizeHooks,
    ) {
        if size == self.size {
            return;
        }
        let old = self.size;
        let (sx, sy) = (size.cols(), usize::from(size.rows()));
        self.allocate_rows();
        let mut rows: Vec<crate::row::Row> =
            core::mem::take(&mut self.rows).into();
        let mut cy =
            usize::from(self.pos.row).min(rows.len().saturating_sub(1));
        let mut cx = self.pos.col;
        let old_rows = rows.len();
        if sy < old_rows {
            let mut needed = old_rows - sy;
            let below = (old_rows - 1 - cy).min(needed);
            rows.truncate(old_rows - below);
            needed -= below;
            for row in rows.drain(..needed) {
                hooks.push(&row);
            }
            self.hscrolled += needed;
            self.hsize += needed;
            cy -= needed;
        } else if sy > old_rows {
            let mut needed = sy - old_rows;
            // A history line longer than the screen is wide (it left a wider screen) comes
            // back split at the current width, as tmux's history was reflowed; the parts
            // not needed go back to history.
            let mut parts: Vec<crate::row::Row> = Vec::new();
            while needed > 0 && self.hscrolled > 0 {
                let row = match parts.pop() {
                    Some(r) => r,
                    None => {
                        let Some(row) = hooks.pull() else { break };
                        self.hsize = self.hsize.saturating_sub(1);
                        if row.used() > old.cols() {
                            let wrapped = row.wrapped();
                            parts = reflow_rows(alloc::vec![row], old.cols());
                            if let Some(last) = parts.last_mut() {
                                last.wrap(wrapped);
                            }
                            match parts.pop() {
                                Some(r) => r,
                                None => break,
                            }
                        } else {
                            row
                        }
                    }
                };
                rows.insert(0, row);
                self.hscrolled -= 1;
                cy += 1;
                needed -= 1;
            }
            for row in &parts {
                hooks.push(row);
                self.hsize += 1;
            }
            rows.extend(
                (0..needed).map(|_| crate::row::Row::new(old.cols())),
            );
        }
        if reflow && sx != old.cols() {
            // The logical line at the top may have begun in history.
            while hooks.newest_wrapped() {
                let Some(row) = hooks.pull() else { break };
                rows.insert(0, row);
                self.hsize = self.hsize.saturating_sub(1);
                cy += 1;
            }
            // Cursor as (logical lines from the end, offset in its logical line).
            let mut offset = 0usize;
            let mut start = cy;
            while start > 0 && rows[start - 1].wrapped() {
                start -= 1;
                offset += usize::from(rows[start].used());
            }
            let at_end = cx >= rows[cy].used();
            let wx = if at_end {
                usize::MAX
            } else {
                offset + usize::from(cx)
            };
            let lines_after =
                rows[cy..].iter().filter(|r| !r.wrapped()).count();
            let mut out = reflow_rows(rows, sx);
            // Bring history back while the screen is not full.
            while out.len() < sy {
                let Some(first) = hooks.pull() else { break };
                self.hsize = self.hsize.saturating_sub(1);
                let mut line = alloc::vec![first];
                while hooks.newest_wrapped() {
                    match hooks.pull() {
                        Some(r) => line.insert(0, r),
                        None => break,
                    }
                    self.hsize = self.hsize.saturating_sub(1);
                }
                let mut again = reflow_rows(line, sx);
                again.extend(out);
                out = again;
            }
            // Find the cursor's logical line, counted from the end.
            let mut ends = 0usize;
            let mut line_start = out.len();
            let mut i = out.len();
            while i > 0 {
                i -= 1;
                let last_of_line = !out[i].wrapped();
                if last_of_line {
                    ends += 1;
                }
                if ends == lines_after && (i == 0 || !out[i - 1].wrapped()) {
                    line_start = i;
                    break;
                }
            }
            let mut y = line_start.min(out.len().saturating_sub(1));
            let mut x = wx;
            if x == usize::MAX {
                while y + 1 < out.len() && out[y].wrapped() {
                    y += 1;
                }
                x = usize::from(out.get(y).map_or(0, crate::row::Row::used));
            } else {
                while y + 1 < out.len()
                    && out[y].wrapped()
                    && x >= usize::from(out[y].used())
                {
                    x -= usize::from(out[y].used());
                    y += 1;
                }
            }
            while out.len() < sy {
                out.push(crate::row::Row::new(sx));
            }
            let excess = out.len() - sy;
            for row in out.drain(..excess) {
                hooks.push(&row);
            }
            self.hsize += excess;
            self.hscrolled = self.hscrolled.min(self.hsize);
            if y >= excess {
                cy = y - excess;
                cx = u16::try_from(x).unwrap_or(sx).min(sx);
            } else {
                cy = 0;
                cx = 0;
            }
            rows = out;
        }
        for row in &mut rows {
            // Row::resize forgets the soft wrap; a resize keeps it (tmux keeps line flags).
            let wrapped = row.wrapped();
            row.resize(sx, crate::Cell::new());
            row.wrap(wrapped);
        }
        if let Some(row) = rows.last_mut() {
            row.wrap(false);
        }
        self.rows = rows.into();
        self.size = size;
        // tmux resets the scroll region only when the height changes (screen_resize_y).
        if size.rows() != old.rows() {
            self.scroll_top = 0;
            self.scroll_bottom = size.rows() - 1;
        }
        self.pos = Pos {
            row: u16::try_from(cy).unwrap_or(0).min(size.rows() - 1),
            col: cx.min(sx),
        };
        if let Some(scrollback) = &mut self.scrollback {
            scrollback.offset = 0;
        }
    }

    pub fn pos(&self) -> Pos {
        self.pos
    }

    pub fn set_pos(&mut self, mut pos: Pos) {
        if self.origin_mode {
            pos.row = pos.row.saturating_add(self.scroll_top);
        }
        self.pos = pos;
        self.row_clamp_top(self.origin_mode);
        self.row_clamp_bottom(self.origin_mode);
        self.col_clamp();
    }

    pub fn visible_rows(&self) -> impl Iterator<Item = &crate::row::Row> {
        self.scrollback
            .as_ref()
            .map(|s| s.rows.iter().skip(s.rows.len() - s.offset))
            .into_iter()
            .flatten()
            .chain(&self.rows)
            .take(self.rows.len())
    }

    pub fn visible_row(&self, row: u16) -> Option<&crate::row::Row> {
        // tidemux patch: index the row directly when the view is not scrolled back; the
        // iterator's `nth` walks every row before it, which made `Screen::cell` O(rows).
        if self.scrollback.as_ref().is_none_or(|s| s.offset == 0) {
            return self.rows.get(usize::from(row));
        }
        self.visible_rows().nth(usize::from(row))
    }

    pub fn drawing_row(&self, row: u16) -> Option<&crate::row::Row> {
        self.rows.get(usize::from(row))
    }

    pub fn drawing_row_mut(
        &mut self,
        row: u16,
    ) -> Option<&mut crate::row::Row> {
        self.rows.get_mut(usize::from(row))
    }

    pub fn current_row_mut(&mut self) -> &mut crate::row::Row {
        self.drawing_row_mut(self.pos.row)
            // we assume self.pos.row is always valid
            .unwrap()
    }

    pub fn visible_cell(&self, pos: Pos) -> Option<&crate::Cell> {
        self.visible_row(pos.row).and_then(|r| r.get(pos.col))
    }

    pub fn drawing_cell(&self, pos: Pos) -> Option<&crate::Cell> {
        self.drawing_row(pos.row).and_then(|r| r.get(pos.col))
    }

    pub fn scrollback_capacity(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.capacity)
    }

    pub fn scrollback_len(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.rows.len())
    }

    pub fn scrollback(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.offset)
    }

    /// Ensures every visible row of scrollback is at least the width of the
    /// screen.
    fn grow_visible_scrollback(scrollback: &mut ScrollbackState, size: Size) {
        let scrollback_len = scrollback.rows.len();
        scrollback
            .rows
            .iter_mut()
            .skip(scrollback_len - scrollback.offset)
            .take(size.rows().into())
            .for_each(|row| {
                row.grow(size.cols(), crate::cell::Cell::new());
            });
    }

    pub fn set_scrollback(&mut self, rows: usize) {
        let Some(scrollback) = &mut self.scrollback else {
            return;
        };
        scrollback.offset = rows.min(scrollback.rows.len());
        Self::grow_visible_scrollback(scrollback, self.size);
    }

    pub fn write_contents(&self, contents: &mut String) {
        let mut wrapping = false;
        for row in self.visible_rows() {
            row.write_contents(contents, 0, self.size.cols(), wrapping);
            if !row.wrapped() {
                contents.push('\n');
            }
            wrapping = row.wrapped();
        }

        while contents.ends_with('\n') {
            contents.truncate(contents.len() - 1);
        }
    }

    pub fn write_contents_formatted(
        &self,
        contents: &mut String,
    ) -> crate::attrs::Attrs {
        crate::term::ClearAttrs.write_buf(contents);
        crate::term::ClearScreen.write_buf(contents);

        let mut prev_attrs = crate::attrs::Attrs::default();
        let mut prev_pos = Pos::default();
        let mut wrapping = false;

        for (i, row) in self.visible_rows().enumerate() {
            // we limit the number of cols to a u16 (see Size), so
            // visible_rows() can never return more rows than will fit
            let i = i.try_into().unwrap();
            let (new_pos, new_attrs) = row.write_contents_formatted(
                contents,
                0,
                self.size.cols(),
                i,
                wrapping,
                Some(prev_pos),
                Some(prev_attrs),
            );
            prev_pos = new_pos;
            prev_attrs = new_attrs;
            wrapping = row.wrapped();
        }

        self.write_cursor_position_formatted(
            contents,
            Some(prev_pos),
            Some(prev_attrs),
        );

        prev_attrs
    }

    pub fn write_contents_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        range: crate::capture::BasicFormattedCaptureRange<'_>,
    ) -> alloc::fmt::Result {
        fn write<'a>(
            rows: impl Iterator<Item = &'a crate::row::Row>,
            writer: &mut impl alloc::fmt::Write,
            state: &mut crate::capture::BasicFormattedCaptureState,
        ) -> alloc::fmt::Result {
            rows.map(|r| crate::capture::RowContents(r, 0, u16::MAX))
                .try_for_each(|row| row.write_formatted_basic(writer, state))
        }
        match range {
            crate::capture::BasicFormattedCaptureRange::Full(state) => {
                if let Some(scrollback) = &self.scrollback {
                    write(scrollback.rows.iter(), writer, state)?;
                }
                write(self.rows.iter(), writer, state)
            }
            crate::capture::BasicFormattedCaptureRange::Visible => write(
                self.visible_rows(),
                writer,
                &mut crate::capture::BasicFormattedCaptureState::new(),
            ),
        }
    }

    pub fn write_contents_diff(
        &self,
        contents: &mut String,
        prev: &Self,
        mut prev_attrs: crate::attrs::Attrs,
    ) -> crate::attrs::Attrs {
        let mut prev_pos = prev.pos;
        let mut wrapping = false;
        let mut prev_wrapping = false;
        for (i, (row, prev_row)) in
            self.visible_rows().zip(prev.visible_rows()).enumerate()
        {
            // we limit the number of cols to a u16 (see Size), so
            // visible_rows() can never return more rows than will fit
            let i = i.try_into().unwrap();
            let (new_pos, new_attrs) = row.write_contents_diff(
                contents,
                prev_row,
                0,
                self.size.cols(),
                i,
                wrapping,
                prev_wrapping,
                prev_pos,
                prev_attrs,
            );
            prev_pos = new_pos;
            prev_attrs = new_attrs;
            wrapping = row.wrapped();
            prev_wrapping = prev_row.wrapped();
        }

        self.write_cursor_position_formatted(
            contents,
            Some(prev_pos),
            Some(prev_attrs),
        );

        prev_attrs
    }

    pub fn write_cursor_position_formatted(
        &self,
        contents: &mut String,
        prev_pos: Option<Pos>,
        prev_attrs: Option<crate::attrs::Attrs>,
    ) {
        let prev_attrs = prev_attrs.unwrap_or_default();
        // writing a character to the last column of a row doesn't wrap the
        // cursor immediately - it waits until the next character is actually
        // drawn. it is only possible for the cursor to have this kind of
        // position after drawing a character though, so if we end in this
        // position, we need to redraw the character at the end of the row.
        if prev_pos != Some(self.pos) && self.pos.col >= self.size.cols() {
            let mut pos = Pos {
                row: self.pos.row,
                col: self.size.cols() - 1,
            };
            if self
                .drawing_cell(pos)
                // we assume self.pos.row is always valid, and self.size.cols
                // - 1 is always a valid column
                .unwrap()
                .is_wide_continuation()
            {
                pos.col = self.size.cols() - 2;
            }
            let cell =
                // we assume self.pos.row is always valid, and self.size.cols
                // - 2 must be a valid column because self.size.cols - 1 is
                // always valid and we just checked that the cell at
                // self.size.cols - 1 is a wide continuation character, which
                // means that the first half of the wide character must be
                // before it
                self.drawing_cell(pos).unwrap();
            if cell.has_contents() {
                if let Some(prev_pos) = prev_pos {
                    crate::term::MoveFromTo::new(prev_pos, pos)
                        .write_buf(contents);
                } else {
                    crate::term::MoveTo::new(pos).write_buf(contents);
                }
                cell.attrs().write_escape_code_diff(contents, &prev_attrs);
                contents.push_str(cell.contents());
                prev_attrs.write_escape_code_diff(contents, cell.attrs());
            } else {
                // if the cell doesn't have contents, we can't have gotten
                // here by drawing a character in the last column. this means
                // that as far as i'm aware, we have to have reached here from
                // a newline when we were already after the end of an earlier
                // row. in the case where we are already after the end of an
                // earlier row, we can just write a few newlines, otherwise we
                // also need to do the same as above to get ourselves to after
                // the end of a row.
                let mut found = false;
                for i in (0..self.pos.row).rev() {
                    pos.row = i;
                    pos.col = self.size.cols() - 1;
                    if self
                        .drawing_cell(pos)
                        // i is always less than self.pos.row, which we assume
                        // to be always valid, so it must also be valid.
                        // self.size.cols - 1 is always a valid col.
                        .unwrap()
                        .is_wide_continuation()
                    {
                        pos.col = self.size.cols() - 2;
                    }
                    let cell = self
                        .drawing_cell(pos)
                        // i is always less than self.pos.row, which we assume
                        // to be always valid, so it must also be valid.
                        // self.size.cols - 2 is valid because self.size.cols
                        // - 1 is always valid, and col gets set to
                        // self.size.cols - 2 when the cell at self.size.cols
                        // - 1 is a wide continuation character, meaning that
                        // the first half of the wide character must be before
                        // it
                        .unwrap();
                    if cell.has_contents() {
                        if let Some(prev_pos) = prev_pos {
                            if prev_pos.row != i
                                || prev_pos.col < self.size.cols()
                            {
                                crate::term::MoveFromTo::new(prev_pos, pos)
                                    .write_buf(contents);
                                cell.attrs().write_escape_code_diff(
                                    contents,
                                    &prev_attrs,
                                );
                                contents.push_str(cell.contents());
                                prev_attrs.write_escape_code_diff(
                                    contents,
                                    cell.attrs(),
                                );
                            }
                        } else {
                            crate::term::MoveTo::new(pos).write_buf(contents);
                            cell.attrs().write_escape_code_diff(
                                contents,
                                &prev_attrs,
                            );
                            contents.push_str(cell.contents());
                            prev_attrs.write_escape_code_diff(
                                contents,
                                cell.attrs(),
                            );
                        }
                        contents.push_str(
                            &"\n".repeat(usize::from(self.pos.row - i)),
                        );
                        found = true;
                        break;
                    }
                }

                // this can happen if you get the cursor off the end of a row,
                // and then do something to clear the end of the current row
                // without moving the cursor (IL, DL, ED, EL, etc). we know
                // there can't be something in the last column because we
                // would have caught that above, so it should be safe to
                // overwrite it.
                if !found {
                    pos = Pos {
                        row: self.pos.row,
                        col: self.size.cols() - 1,
                    };
                    if let Some(prev_pos) = prev_pos {
                        crate::term::MoveFromTo::new(prev_pos, pos)
                            .write_buf(contents);
                    } else {
                        crate::term::MoveTo::new(pos).write_buf(contents);
                    }
                    contents.push(' ');
                    // we know that the cell has no contents, but it still may
                    // have drawing attributes (background color, etc)
                    let end_cell = self
                        .drawing_cell(pos)
                        // we assume self.pos.row is always valid, and
                        // self.size.cols - 1 is always a valid column
                        .unwrap();
                    end_cell
                        .attrs()
                        .write_escape_code_diff(contents, &prev_attrs);
                    crate::term::SaveCursor.write_buf(contents);
                    crate::term::Backspace.write_buf(contents);
                    crate::term::EraseChar::new(1).write_buf(contents);
                    crate::term::RestoreCursor.write_buf(contents);
                    prev_attrs
                        .write_escape_code_diff(contents, end_cell.attrs());
                }
            }
        } else if let Some(prev_pos) = prev_pos {
            crate::term::MoveFromTo::new(prev_pos, self.pos)
                .write_buf(contents);
        } else {
            crate::term::MoveTo::new(self.pos).write_buf(contents);
        }
    }

    pub fn erase_all_scrollback<F>(&mut self, mut on_row: F)
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        if let Some(scrollback) = &mut self.scrollback {
            let last = self.size.rows() - 1;
            for row in scrollback.rows.drain(..) {
                on_row(&row, 0, last);
            }
            scrollback.unbounded_len = 0;
            scrollback.offset = 0;
        }
        self.hscrolled = 0;
        self.hsize = 0;
    }

    /// tidemux: tmux grid_view_clear_history: the rows up to the last one in use go to
    /// history (in order, as if the whole screen scrolled), then every row is cleared with
    /// `attrs`; rows that scrolled off before no longer come back on a resize.
    ///
    /// Returns the number of rows that went to history.
    pub fn clear_into_history<F>(
        &mut self,
        attrs: crate::attrs::Attrs,
        mut on_row: F,
    ) -> usize
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        let last = self
            .rows
            .iter()
            .rposition(|r| r.used() != 0)
            .map_or(0, |i| i + 1);
        let bottom = self.size.rows() - 1;
        for row in self.rows.iter().take(last) {
            on_row(row, 0, bottom);
        }
        for row in &mut self.rows {
            row.clear(attrs);
        }
        self.hsize += last;
        self.hscrolled = 0;
        last
    }

    /// tidemux: whether `WrappedScreen::scroll_through` may take over: the scroll region is
    /// the whole screen, vt100's own scrollback is off, the cursor is at the start of the
    /// bottom row and that row is blank (no stored cell, not wrapped) with no fill colour.
    pub(crate) fn can_scroll_through(&self) -> bool {
        let bottom = self.size.rows() - 1;
        self.scroll_top == 0
            && self.scroll_bottom == bottom
            && self.pos.col == 0
            && self.pos.row == bottom
            && self.fill == crate::attrs::Attrs::new()
            && self.scrollback.as_ref().is_none_or(|s| s.capacity == 0)
            && self.rows.back().is_some_and(|r| {
                r.dirty_cells().is_empty() && !r.wrapped()
            })
    }

    /// tidemux: first half of a scroll through (see `can_scroll_through`): the first
    /// `leave` rows leave the screen, in order, reported as `scroll_up` reports them.
    pub(crate) fn scroll_through_leave<F>(&self, leave: usize, mut on_row: F)
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        let bottom = self.size.rows() - 1;
        for row in self.rows.iter().take(leave) {
            on_row(row, 0, bottom);
        }
    }

    /// tidemux: second half of a scroll through of `count` lines, of which the last `leave`
    /// (at most the rows above the cursor) stay on the screen: the screen turns by `leave`
    /// rows (the rows that left come back at the bottom), the rows above the cursor's from
    /// `bottom - leave` on get those lines (`last`, printable ASCII that fits, written with
    /// `attrs`) and the cursor's row is a new blank one; the cursor stays at its start.
    pub(crate) fn scroll_through_finish<'a>(
        &mut self,
        count: usize,
        leave: usize,
        last: impl Iterator<Item = &'a [u8]>,
        attrs: crate::attrs::Attrs,
    ) {
        self.hscrolled += count;
        self.hsize += count;
        self.rows.rotate_left(leave);
        let bottom = self.rows.len() - 1;
        for (row, text) in self.rows.range_mut(bottom - leave..bottom).zip(last) {
            row.reset();
            if !text.is_empty() {
                row.write_ascii(0, text, attrs);
            }
        }
        if let Some(r) = self.rows.back_mut() {
            r.reset();
        }
    }

    pub fn scroll_up<F>(&mut self, count: u16, mut on_row: F)
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        // tidemux: every row scrolled out of the region is reported with the region it
        // left (tmux grid_view_scroll_region_up sends the top row of any region into the
        // history of the main screen, grid_scroll_history_region).
        let (top, bottom) = (self.scroll_top, self.scroll_bottom);
        let fill = self.fill;
        // tidemux: the whole screen scrolling without vt100's own scrollback (always so in
        // tidemux): the rows leaving are reported and reset, and the ring turns by `count`,
        // moving those rows only (a slice rotation moved every row of the screen).
        let whole = top == 0 && usize::from(bottom) + 1 == self.rows.len();
        if whole && self.scrollback.as_ref().is_none_or(|s| s.capacity == 0) {
            let count = usize::from(count).min(self.rows.len());
            self.hscrolled += count;
            self.hsize += count;
            for row in self.rows.iter_mut().take(count) {
                on_row(row, top, bottom);
                row.reset();
                if fill != crate::attrs::Attrs::new() {
                    row.clear(fill);
                }
            }
            self.rows.rotate_left(count);
            return;
        }
        let between = &mut self.rows.make_contiguous()
            [usize::from(top)..=usize::from(bottom)];
        let num_between = between.len();
        let count = usize::from(count).min(num_between);
        let num_removed = count;
        self.hscrolled += num_removed;
        self.hsize += num_removed;
        let new_row = || crate::row::Row::new(self.size.cols());

        if let Some(scrollback) = self
            .scrollback
            .as_mut()
            .filter(|s| top == 0 && s.capacity > 0)
        {
            scrollback.unbounded_len =
                scrollback.unbounded_len.saturating_add(num_removed);

            // Number of rows that will be pushed to the scrollback.
            let num_pushed = count.min(scrollback.capacity);

            // Scrollback length is capped at `scrollback.capacity`. These rows
            // will be lost, so just remove them now to avoid allocating.
            let scrollback_overflow = (scrollback.rows.len() + num_pushed)
                .saturating_sub(scrollback.capacity);
            for row in scrollback.rows.drain(0..scrollback_overflow) {
                on_row(&row, top, bottom);
            }

            // Number of rows that will simply be reset rather than pushed to
            // the scrollback.
            let num_reset = num_removed - num_pushed;

            for row in &mut between[..num_reset] {
                on_row(row, top, bottom);
                row.reset();
            }

            scrollback.rows.extend(
                between[num_reset..num_removed].iter_mut().map(|row| {
                    row.trim();
                    core::mem::replace(row, new_row())
                }),
            );

            if scrollback.offset > 0 {
                scrollback.offset = scrollback
                    .offset
                    .saturating_add(count)
                    .min(scrollback.rows.len());
            }
            Self::grow_visible_scrollback(scrollback, self.size);
            for row in between.iter_mut() {
                row.set_changed(true);
            }
        } else {
            for row in &mut between[..num_removed] {
                on_row(row, top, bottom);
                row.reset();
                if fill != crate::attrs::Attrs::new() {
                    row.clear(fill);
                }
            }
        }

        // Finally, rotate the rows so the "removed" ones (which have now been
        // reset to empty) are at the bottom.
        between.rotate_left(num_removed);
        // tmux without history (the alternate screen) moves the region's rows with
        // grid_move_lines, which clears the wrap flag of the row above the region.
        if self.scrollback.is_none() && top > 0 && num_removed > 0 {
            self.rows[usize::from(top) - 1].wrap(false);
        }
    }

    pub fn scroll_down(&mut self, count: u16) {
        if count == 0 {
            return;
        }
        let between = &mut self.rows.make_contiguous()
            [usize::from(self.scroll_top)..=usize::from(self.scroll_bottom)];
        let num_between = between.len();
        let num_removed = usize::from(count).min(num_between);
        for row in between.iter_mut() {
            row.set_changed(true);
        }
        between.rotate_right(num_removed);
        for row in &mut between[..num_removed] {
            row.reset();
            row.clear(self.fill);
        }
    }

    fn in_scroll_region(&self) -> bool {
        self.pos.row >= self.scroll_top && self.pos.row <= self.scroll_bottom
    }

    pub fn set_origin_mode(&mut self, mode: bool) {
        self.origin_mode = mode;
        self.set_pos(Pos { row: 0, col: 0 });
    }

    pub fn row_inc_scroll<F>(&mut self, count: u16, on_row: F) -> u16
    where
        F: FnMut(&crate::row::Row, u16, u16),
    {
        let in_scroll_region = self.in_scroll_region();
        self.pos.row = self.pos.row.saturating_add(count);
        let lines = self.row_clamp_bottom(in_scroll_region);
        if in_scroll_region {
            self.scroll_up(lines, on_row);
            lines
        } else {
            0
        }
    }


    pub fn col_inc_clamp(&mut self, count: u16) {
        self.pos.col = self.pos.col.saturating_add(count);
        self.col_clamp();
    }

    pub fn col_dec(&mut self, count: u16) {
        self.pos.col = self.pos.col.saturating_sub(count);
    }

    pub fn col_set(&mut self, i: u16) {
        self.pos.col = i;
        self.col_clamp();
    }

    fn row_clamp_top(&mut self, limit_to_scroll_region: bool) -> u16 {
        if limit_to_scroll_region && self.pos.row < self.scroll_top {
            let rows = self.scroll_top - self.pos.row;
            self.pos.row = self.scroll_top;
            rows
        } else {
            0
        }
    }

    fn row_clamp_bottom(&mut self, limit_to_scroll_region: bool) -> u16 {
        let bottom = if limit_to_scroll_region {
            self.scroll_bottom
        } else {
            self.size.rows() - 1
        };
        if self.pos.row > bottom {
            let rows = self.pos.row - bottom;
            self.pos.row = bottom;
            rows
        } else {
            0
        }
    }

    fn col_clamp(&mut self) {
        if self.pos.col > self.size.cols() - 1 {
            self.pos.col = self.size.cols() - 1;
        }
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Size {
    pub rows: core::num::NonZeroU16,
    pub cols: core::num::NonZeroU16,
}

impl Size {
    pub fn rows(self) -> u16 {
        self.rows.get()
    }

    pub fn cols(self) -> u16 {
        self.cols.get()
    }
}

#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct Pos {
    pub row: u16,
    pub col: u16,
}

/// tidemux: what a resize needs from the owner of the history (see `Grid::resize_tmux`).
pub trait ResizeHooks {
    /// A row leaves the top of the screen for history.
    fn push(&mut self, row: &crate::row::Row);
    /// The newest history row comes back onto the screen, if there is one.
    fn pull(&mut self) -> Option<crate::row::Row>;
    /// Whether the newest history row continues onto the row after it (soft wrap).
    fn newest_wrapped(&mut self) -> bool;
}

/// tidemux: splits the logical lines of `rows` (rows joined by soft wraps, each up to its
/// used cells) into rows of `cols` cells, as tmux grid_reflow; a wide character that does
/// not fit moves to the next row.
pub(crate) fn reflow_rows(
    rows: Vec<crate::row::Row>,
    cols: u16,
) -> Vec<crate::row::Row> {
    let mut out = Vec::with_capacity(rows.len());
    let mut line: Vec<crate::Cell> = Vec::new();
    for mut row in rows {
        let used = usize::from(row.used());
        let wrapped = row.wrapped();
        line.extend(row.cells_vec().drain(..).take(used));
        if wrapped {
            continue;
        }
        split_line(&mut out, core::mem::take(&mut line), cols);
    }
    if !line.is_empty() {
        split_line(&mut out, line, cols);
    }
    out
}

fn split_line(
    out: &mut Vec<crate::row::Row>,
    line: Vec<crate::Cell>,
    cols: u16,
) {
    let cols_us = usize::from(cols);
    let mut i = 0;
    loop {
        let mut take = (line.len() - i).min(cols_us);
        // Do not split a wide character from its right half.
        if take > 0
            && i + take < line.len()
            && line[i + take].is_wide_continuation()
        {
            take -= 1;
        }
        if take == 0 && i < line.len() {
            // A wide character wider than the row: drop it.
            take = 1;
        }
        let mut cells: Vec<crate::Cell> = line[i..i + take].to_vec();
        let used = u16::try_from(take).unwrap_or(cols);
        cells.resize(cols_us, crate::Cell::new());
        i += take;
        let more = i < line.len();
        out.push(crate::row::Row::from_cells(cells, used, more));
        if !more {
            break;
        }
    }
}
