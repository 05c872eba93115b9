//! Window layouts: a binary tree of splits, each pane a leaf.
//!
//! A split stores the share of its first child as a fraction of the space left after the
//! one-cell border, so a window resize scales every pane proportionally. Geometry is computed on
//! demand; every pane gets at least one cell each way.

use tidemux_proto::{PaneId, SplitDirection};

/// A rectangle in cells, relative to the window's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left column.
    pub left: u16,
    /// Top row.
    pub top: u16,
    /// Width in cells.
    pub cols: u16,
    /// Height in cells.
    pub rows: u16,
}

/// A layout tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Layout {
    /// One pane filling the node.
    Leaf(PaneId),
    /// Two children separated by a one-cell border.
    Split {
        /// `Horizontal`: side by side; `Vertical`: one above the other.
        dir: SplitDirection,
        /// Share of the first child in the space minus the border, 0..1.
        fraction: f32,
        /// Left or top child.
        first: Box<Layout>,
        /// Right or bottom child.
        second: Box<Layout>,
    },
}

fn extent(rect: Rect, dir: SplitDirection) -> u16 {
    match dir {
        SplitDirection::Horizontal => rect.cols,
        SplitDirection::Vertical => rect.rows,
    }
}

fn split_rect(rect: Rect, dir: SplitDirection, fraction: f32) -> (Rect, Rect) {
    let total = extent(rect, dir);
    let avail = total.saturating_sub(1).max(2);
    let first = ((fraction * f32::from(avail)).round() as u16).clamp(1, avail - 1);
    let second = total.saturating_sub(first + 1).max(1);
    match dir {
        SplitDirection::Horizontal => (
            Rect {
                cols: first,
                ..rect
            },
            Rect {
                left: rect.left + first + 1,
                cols: second,
                ..rect
            },
        ),
        SplitDirection::Vertical => (
            Rect {
                rows: first,
                ..rect
            },
            Rect {
                top: rect.top + first + 1,
                rows: second,
                ..rect
            },
        ),
    }
}

impl Layout {
    /// Every pane with its rectangle, in layout order (left-to-right, top-to-bottom).
    pub fn geometry(&self, rect: Rect) -> Vec<(PaneId, Rect)> {
        let mut out = Vec::new();
        self.walk(rect, &mut out);
        out
    }

    fn walk(&self, rect: Rect, out: &mut Vec<(PaneId, Rect)>) {
        match self {
            Layout::Leaf(p) => out.push((*p, rect)),
            Layout::Split {
                dir,
                fraction,
                first,
                second,
            } => {
                let (a, b) = split_rect(rect, *dir, *fraction);
                first.walk(a, out);
                second.walk(b, out);
            }
        }
    }

    /// Splits `target` (whose current rectangle is `target_rect`) so that `new` gets
    /// `new_cells` cells along `dir`, placed right of / below the target.
    ///
    /// # Errors
    /// When the target is too small: both panes need at least one cell plus the border.
    pub fn split(
        &mut self,
        target: PaneId,
        target_rect: Rect,
        new: PaneId,
        dir: SplitDirection,
        new_cells: u16,
    ) -> Result<(), String> {
        let total = extent(target_rect, dir);
        if total < 3 {
            return Err(format!(
                "pane {target} is {total} cells {}; a split needs at least 3",
                if dir == SplitDirection::Horizontal {
                    "wide"
                } else {
                    "high"
                }
            ));
        }
        if new_cells == 0 || new_cells > total - 2 {
            return Err(format!(
                "size {new_cells} does not fit: pane {target} is {total} cells, so the new pane can be 1..{}",
                total - 2
            ));
        }
        let first_cells = total - 1 - new_cells;
        let fraction = f32::from(first_cells) / f32::from(total - 1);
        let node = self
            .find_mut(target)
            .ok_or_else(|| format!("pane {target} is not in this layout"))?;
        *node = Layout::Split {
            dir,
            fraction,
            first: Box::new(Layout::Leaf(target)),
            second: Box::new(Layout::Leaf(new)),
        };
        Ok(())
    }

    fn find_mut(&mut self, pane: PaneId) -> Option<&mut Layout> {
        match self {
            Layout::Leaf(p) if *p == pane => Some(self),
            Layout::Leaf(_) => None,
            Layout::Split { first, second, .. } => {
                if first.contains(pane) {
                    first.find_mut(pane)
                } else {
                    second.find_mut(pane)
                }
            }
        }
    }

    /// Whether `pane` is a leaf of this tree.
    pub fn contains(&self, pane: PaneId) -> bool {
        match self {
            Layout::Leaf(p) => *p == pane,
            Layout::Split { first, second, .. } => first.contains(pane) || second.contains(pane),
        }
    }

    /// Removes `pane`; its sibling takes the freed space. Returns `None` when the tree held only
    /// that pane (the window is now empty).
    pub fn remove(self, pane: PaneId) -> Option<Layout> {
        match self {
            Layout::Leaf(p) if p == pane => None,
            leaf @ Layout::Leaf(_) => Some(leaf),
            Layout::Split {
                dir,
                fraction,
                first,
                second,
            } => match (first.remove(pane), second.remove(pane)) {
                (Some(a), Some(b)) => Some(Layout::Split {
                    dir,
                    fraction,
                    first: Box::new(a),
                    second: Box::new(b),
                }),
                (Some(only), None) | (None, Some(only)) => Some(only),
                (None, None) => None,
            },
        }
    }
}

/// tmux's `layout_checksum` of a layout body.
fn layout_checksum(body: &str) -> u16 {
    let mut csum: u16 = 0;
    for b in body.bytes() {
        csum = (csum >> 1) | ((csum & 1) << 15);
        csum = csum.wrapping_add(u16::from(b));
    }
    csum
}

impl Layout {
    /// The layout as tmux prints `#{window_layout}`: `CSUM,WxH,X,Y{...}` where `{}` holds
    /// side-by-side cells and `[]` stacked ones, leaves end in their pane number, and nested
    /// splits in the same direction are flattened into one cell as tmux keeps them (tmux
    /// layout.c `layout_dump`).
    pub fn tmux_layout(&self, rect: Rect) -> String {
        let mut body = String::new();
        self.dump_cell(rect, &mut body);
        format!("{:04x},{body}", layout_checksum(&body))
    }

    fn dump_cell(&self, rect: Rect, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{}x{},{},{}",
            rect.cols, rect.rows, rect.left, rect.top
        );
        match self {
            Layout::Leaf(p) => {
                let _ = write!(out, ",{}", p.0);
            }
            Layout::Split { dir, .. } => {
                let mut kids = Vec::new();
                self.flatten(*dir, rect, &mut kids);
                let (open, close) = match dir {
                    SplitDirection::Horizontal => ('{', '}'),
                    SplitDirection::Vertical => ('[', ']'),
                };
                out.push(open);
                for (i, (child, r)) in kids.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    child.dump_cell(*r, out);
                }
                out.push(close);
            }
        }
    }

    /// The children of a run of splits in direction `dir`, with their rectangles.
    fn flatten<'a>(&'a self, dir: SplitDirection, rect: Rect, out: &mut Vec<(&'a Layout, Rect)>) {
        match self {
            Layout::Split {
                dir: d,
                fraction,
                first,
                second,
            } if *d == dir => {
                let (a, b) = split_rect(rect, *d, *fraction);
                first.flatten(dir, a, out);
                second.flatten(dir, b, out);
            }
            other => out.push((other, rect)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIN: Rect = Rect {
        left: 0,
        top: 0,
        cols: 80,
        rows: 24,
    };

    #[test]
    fn halves_and_borders() {
        let mut l = Layout::Leaf(PaneId(0));
        l.split(PaneId(0), WIN, PaneId(1), SplitDirection::Horizontal, 40)
            .unwrap();
        let g = l.geometry(WIN);
        assert_eq!(
            g[0].1,
            Rect {
                left: 0,
                top: 0,
                cols: 39,
                rows: 24
            }
        );
        assert_eq!(
            g[1].1,
            Rect {
                left: 40,
                top: 0,
                cols: 40,
                rows: 24
            }
        );
        let r1 = g[1].1;
        l.split(PaneId(1), r1, PaneId(2), SplitDirection::Vertical, 10)
            .unwrap();
        let g = l.geometry(WIN);
        assert_eq!(
            g[1].1,
            Rect {
                left: 40,
                top: 0,
                cols: 40,
                rows: 13
            }
        );
        assert_eq!(
            g[2].1,
            Rect {
                left: 40,
                top: 14,
                cols: 40,
                rows: 10
            }
        );
        // Resize scales.
        let big = Rect {
            cols: 160,
            rows: 48,
            ..WIN
        };
        let g = l.geometry(big);
        assert_eq!(g[0].1.cols + 1 + g[1].1.cols, 160);
        assert_eq!(g[1].1.rows + 1 + g[2].1.rows, 48);
    }

    #[test]
    fn too_small_and_remove() {
        let mut l = Layout::Leaf(PaneId(0));
        assert!(l
            .split(PaneId(0), WIN, PaneId(1), SplitDirection::Vertical, 23)
            .is_err());
        assert!(l
            .split(PaneId(0), WIN, PaneId(1), SplitDirection::Vertical, 0)
            .is_err());
        l.split(PaneId(0), WIN, PaneId(1), SplitDirection::Vertical, 22)
            .unwrap();
        let l = l.remove(PaneId(0)).unwrap();
        assert_eq!(l, Layout::Leaf(PaneId(1)));
        assert!(l.remove(PaneId(1)).is_none());
    }
}
