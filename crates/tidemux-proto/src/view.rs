//! How a client shows a window larger than the room it has for it. The server's formats
//! (`window_offset_x`, `window_offset_y`) and the attach client's pan must agree, so both
//! use this one pure function of sizes.

/// tmux 3.3a tty.c `tty_window_offset1`: where a client shows a window of `window` (cols,
/// rows) when it has room for `area` (cols, rows): on each axis from 0 while the active
/// pane's cursor (`cursor`: row, col in the window; `None` hidden) is in the first `area`
/// cells, from the end while it is in the last ones, else centred on it; (0, 0) with the
/// cursor hidden. Returns the offset as (x, y), or `None` when the window fits (tmux
/// `window_bigger` 0).
pub fn window_offset(
    window: (u16, u16),
    area: (u16, u16),
    cursor: Option<(u16, u16)>,
) -> Option<(u16, u16)> {
    if window.0 <= area.0 && window.1 <= area.1 {
        return None;
    }
    let Some((row, col)) = cursor else {
        return Some((0, 0));
    };
    let axis = |size: u16, room: u16, at: u16| {
        if size <= room || at < room {
            0
        } else if at > size - room {
            size - room
        } else {
            at - room / 2
        }
    };
    Some((axis(window.0, area.0, col), axis(window.1, area.1, row)))
}

/// What [`panned_offset`] gives: the offset (x, y) and the manual pan kept.
pub type Panned = (Option<(u16, u16)>, Option<(u16, u16)>);

/// tmux 3.3a tty.c `tty_window_offset1` with manual panning: where a client shows a window
/// of `window` (cols, rows) in `area` (cols, rows) when `pan` is its manual pan for that
/// window (`refresh-client -L|-R|-U|-D`: tmux `pan_ox`, `pan_oy`). Returns the offset (as
/// [`window_offset`]: `None` when the window fits) and the pan kept: `None` when the window
/// fits (tmux forgets `pan_window` then) or there was none; otherwise the pan kept within
/// the window on each axis (0 on an axis that fits, at most `window - area`), which is also
/// the offset.
pub fn panned_offset(
    window: (u16, u16),
    area: (u16, u16),
    cursor: Option<(u16, u16)>,
    pan: Option<(u16, u16)>,
) -> Panned {
    if window.0 <= area.0 && window.1 <= area.1 {
        return (None, None);
    }
    let Some((px, py)) = pan else {
        return (window_offset(window, area, cursor), None);
    };
    let axis = |size: u16, room: u16, at: u16| {
        if room >= size {
            0
        } else if u32::from(at) + u32::from(room) > u32::from(size) {
            size - room
        } else {
            at
        }
    };
    let p = (axis(window.0, area.0, px), axis(window.1, area.1, py));
    (Some(p), Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_offset_follows_the_cursor_as_tmux() {
        // Fits: none.
        assert_eq!(window_offset((80, 24), (80, 24), Some((23, 79))), None);
        // 100x29 in 60x14: cursor near the bottom, then past the width, then in the middle.
        assert_eq!(
            window_offset((100, 29), (60, 14), Some((28, 2))),
            Some((0, 15))
        );
        assert_eq!(
            window_offset((100, 29), (60, 14), Some((28, 92))),
            Some((40, 15))
        );
        assert_eq!(
            window_offset((100, 29), (60, 14), Some((20, 70))),
            Some((40, 15))
        );
        // Centred on a cursor in the middle of a much larger window.
        assert_eq!(
            window_offset((200, 60), (60, 14), Some((30, 100))),
            Some((70, 23))
        );
        assert_eq!(
            window_offset((100, 29), (60, 14), Some((3, 3))),
            Some((0, 0))
        );
        // Cursor hidden: from the top left.
        assert_eq!(window_offset((100, 29), (60, 14), None), Some((0, 0)));
    }

    #[test]
    fn a_manual_pan_is_kept_within_the_window_as_tmux() {
        // Fits: no offset, the pan is forgotten.
        assert_eq!(
            panned_offset((80, 24), (80, 24), None, Some((5, 5))),
            (None, None)
        );
        // Within the window: as given.
        assert_eq!(
            panned_offset((100, 29), (60, 14), Some((28, 2)), Some((5, 3))),
            (Some((5, 3)), Some((5, 3)))
        );
        // Past the end: at most window - area; an axis that fits is 0.
        assert_eq!(
            panned_offset((100, 14), (60, 14), None, Some((90, 7))),
            (Some((40, 0)), Some((40, 0)))
        );
        // No pan: the cursor.
        assert_eq!(
            panned_offset((100, 29), (60, 14), Some((28, 2)), None),
            (Some((0, 15)), None)
        );
    }
}
