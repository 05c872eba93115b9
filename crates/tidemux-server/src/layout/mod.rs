//! Window layouts, as tmux 3.3a keeps them (`layout.c`, `layout-set.c`, `layout-custom.c`).
//!
//! A layout is a tree of cells. A cell is a pane, or a container whose children sit side by
//! side (`LeftRight`, tmux `LAYOUT_LEFTRIGHT`, printed `{...}`) or one above the other
//! (`TopBottom`, `[...]`). Every cell stores its absolute size and offset in cells; children
//! of a container are separated by a one-cell border. Sizes are changed by the same
//! algorithms as tmux's (`layout_resize_adjust`, `layout_destroy_cell`,
//! `layout_resize_pane`, `layout_split_pane`...), so a sequence of splits, kills, resizes and
//! presets gives the same geometry as tmux 3.3a, cell for cell.
//!
//! The layout also holds what tmux keeps beside it in `struct window`: the order of the
//! window's panes (tmux's `w->panes` list, which is the pane index order and may differ from
//! the order on screen), the last active pane (`w->last`), each pane's most-recent-use counter
//! (`active_point`, used to choose between several neighbours), the last preset used
//! (`w->lastlayout`) and the layout before the last `select-layout` (`w->old_layout`).
//!
//! The tree lives in an arena; cells freed by an operation are dropped by [`Layout::compact`]
//! at its end, so two equal layouts compare equal.
//!
//! Pane border status lines (`pane-border-status`) are not drawn by tidemux, so the layout is
//! computed as tmux computes it with that option `off`.

pub mod custom;
pub mod set;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use tidemux_proto::{PaneId, SplitDirection};

/// tmux's `PANE_MINIMUM`: the smallest width or height of a pane, cells.
pub const PANE_MINIMUM: u32 = 1;

/// tmux's `next_active_point`: a server-wide counter of pane activations.
static NEXT_ACTIVE_POINT: AtomicU64 = AtomicU64::new(1);

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

/// The kind of a cell (tmux `enum layout_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellType {
    /// Children side by side (`{...}` in a layout string).
    LeftRight,
    /// Children one above the other (`[...]`).
    TopBottom,
    /// A pane.
    Pane,
}

impl CellType {
    /// The container type a split in `dir` creates (`-h` is side by side).
    pub fn of(dir: SplitDirection) -> Self {
        match dir {
            SplitDirection::Horizontal => CellType::LeftRight,
            SplitDirection::Vertical => CellType::TopBottom,
        }
    }
}

/// One cell of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) ty: CellType,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
    pub(crate) pane: Option<PaneId>,
    pub(crate) sx: u32,
    pub(crate) sy: u32,
    pub(crate) xoff: u32,
    pub(crate) yoff: u32,
}

impl Cell {
    fn new(parent: Option<usize>) -> Self {
        Cell {
            ty: CellType::Pane,
            parent,
            children: Vec::new(),
            pane: None,
            sx: u32::MAX,
            sy: u32::MAX,
            xoff: u32::MAX,
            yoff: u32::MAX,
        }
    }
}

/// Flags of a split (tmux `SPAWN_BEFORE`, `SPAWN_FULLSIZE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SplitFlags {
    /// `-b`: the new pane goes left of / above the target.
    pub before: bool,
    /// `-f`: the new pane spans the whole window height or width.
    pub full: bool,
}

/// A window's layout: the cell tree and the window's pane list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub(crate) cells: Vec<Cell>,
    pub(crate) root: usize,
    /// The window's panes in index order (tmux `w->panes`).
    panes: Vec<PaneId>,
    /// The previously active pane (tmux `w->last`).
    last: Option<PaneId>,
    /// Most recent activation of each pane (tmux `active_point`).
    points: BTreeMap<PaneId, u64>,
    /// Index in [`set::PRESETS`] of the last preset applied (tmux `w->lastlayout`).
    pub(crate) last_preset: Option<usize>,
    /// The layout string before the last `select-layout` (tmux `w->old_layout`).
    pub(crate) old_layout: Option<String>,
}

impl Layout {
    /// A layout of one pane filling a `cols` x `rows` window (tmux `layout_init`).
    pub fn new(pane: PaneId, cols: u16, rows: u16) -> Self {
        let mut cell = Cell::new(None);
        cell.pane = Some(pane);
        cell.sx = u32::from(cols);
        cell.sy = u32::from(rows);
        cell.xoff = 0;
        cell.yoff = 0;
        let mut l = Layout {
            cells: vec![cell],
            root: 0,
            panes: vec![pane],
            last: None,
            points: BTreeMap::new(),
            last_preset: None,
            old_layout: None,
        };
        l.touch(pane);
        l
    }

    /// The window's panes in index order.
    pub fn panes(&self) -> &[PaneId] {
        &self.panes
    }

    /// Number of panes.
    pub fn len(&self) -> usize {
        self.panes.len()
    }

    /// Never true: a layout holds at least one pane.
    pub fn is_empty(&self) -> bool {
        self.panes.is_empty()
    }

    /// Whether `pane` is in this layout.
    pub fn contains(&self, pane: PaneId) -> bool {
        self.panes.contains(&pane)
    }

    /// The size of the whole layout (normally the window's size; larger when the window is too
    /// small for its panes, as in tmux).
    pub fn size(&self) -> (u32, u32) {
        let r = &self.cells[self.root];
        (r.sx, r.sy)
    }

    /// Every pane with its rectangle, in pane index order.
    pub fn geometry(&self) -> Vec<(PaneId, Rect)> {
        let mut at: BTreeMap<PaneId, Rect> = BTreeMap::new();
        self.walk_leaves(self.root, &mut |c: &Cell| {
            if let Some(p) = c.pane {
                at.insert(p, rect_of(c));
            }
        });
        self.panes
            .iter()
            .map(|p| (*p, at.get(p).copied().unwrap_or(Rect::default_rect())))
            .collect()
    }

    /// The rectangle of one pane.
    pub fn rect_of(&self, pane: PaneId) -> Option<Rect> {
        self.cell_of(pane).map(|c| rect_of(&self.cells[c]))
    }

    /// The panes in the order of the tree's leaves (left to right, top to bottom).
    pub fn leaf_order(&self) -> Vec<PaneId> {
        let mut out = Vec::new();
        self.walk_leaves(self.root, &mut |c: &Cell| out.extend(c.pane));
        out
    }

    fn walk_leaves(&self, c: usize, f: &mut impl FnMut(&Cell)) {
        let cell = &self.cells[c];
        if cell.ty == CellType::Pane {
            f(cell);
        } else {
            for &ch in &cell.children {
                self.walk_leaves(ch, f);
            }
        }
    }

    /// The previously active pane (tmux `w->last`), if still in the window.
    pub fn last_pane(&self) -> Option<PaneId> {
        self.last.filter(|p| self.contains(*p))
    }

    /// Records that the active pane changes from `from` to `to` (tmux
    /// `window_set_active_pane`): `from` becomes the last pane.
    pub fn note_active(&mut self, from: PaneId, to: PaneId) {
        if from == to {
            return;
        }
        self.last = Some(from);
        self.touch(to);
    }

    /// Forgets the last pane (tmux clears `w->last` when a pane moves between windows).
    pub fn clear_last(&mut self, pane: PaneId) {
        if self.last == Some(pane) {
            self.last = None;
        }
    }

    /// Sets the last pane (tmux `w->last`).
    pub fn set_last(&mut self, pane: Option<PaneId>) {
        self.last = pane;
    }

    /// Sets a pane's recency (it moved here from another window).
    pub fn set_point(&mut self, pane: PaneId, point: u64) {
        self.points.insert(pane, point);
    }

    /// Renames pane `from` to `to` everywhere in the layout.
    pub fn rename(&mut self, from: PaneId, to: PaneId) {
        if let Some(c) = self.cell_of(from) {
            self.cells[c].pane = Some(to);
        }
        for p in self.panes.iter_mut() {
            if *p == from {
                *p = to;
            }
        }
        if let Some(v) = self.points.remove(&from) {
            self.points.insert(to, v);
        }
        if self.last == Some(from) {
            self.last = Some(to);
        }
    }

    fn touch(&mut self, pane: PaneId) {
        self.points
            .insert(pane, NEXT_ACTIVE_POINT.fetch_add(1, Ordering::Relaxed));
    }

    /// A pane's most recent activation counter (0: never active).
    pub fn active_point(&self, pane: PaneId) -> u64 {
        self.points.get(&pane).copied().unwrap_or(0)
    }

    pub(crate) fn cell_of(&self, pane: PaneId) -> Option<usize> {
        let mut found = None;
        self.find_leaf(self.root, pane, &mut found);
        found
    }

    fn find_leaf(&self, c: usize, pane: PaneId, found: &mut Option<usize>) {
        if found.is_some() {
            return;
        }
        let cell = &self.cells[c];
        if cell.ty == CellType::Pane {
            if cell.pane == Some(pane) {
                *found = Some(c);
            }
        } else {
            for &ch in &cell.children {
                self.find_leaf(ch, pane, found);
            }
        }
    }

    fn new_cell(&mut self, parent: Option<usize>) -> usize {
        self.cells.push(Cell::new(parent));
        self.cells.len() - 1
    }

    fn next(&self, c: usize) -> Option<usize> {
        let p = self.cells[c].parent?;
        let kids = &self.cells[p].children;
        let i = kids.iter().position(|&k| k == c)?;
        kids.get(i + 1).copied()
    }

    fn prev(&self, c: usize) -> Option<usize> {
        let p = self.cells[c].parent?;
        let kids = &self.cells[p].children;
        let i = kids.iter().position(|&k| k == c)?;
        i.checked_sub(1).map(|i| kids[i])
    }

    fn is_last(&self, c: usize) -> bool {
        match self.cells[c].parent {
            Some(p) => self.cells[p].children.last() == Some(&c),
            None => true,
        }
    }

    fn set_size(&mut self, c: usize, sx: u32, sy: u32, xoff: u32, yoff: u32) {
        let cell = &mut self.cells[c];
        cell.sx = sx;
        cell.sy = sy;
        cell.xoff = xoff;
        cell.yoff = yoff;
    }

    fn make_leaf(&mut self, c: usize, pane: PaneId) {
        let cell = &mut self.cells[c];
        cell.ty = CellType::Pane;
        cell.children.clear();
        cell.pane = Some(pane);
    }

    fn make_node(&mut self, c: usize, ty: CellType) {
        let cell = &mut self.cells[c];
        cell.ty = ty;
        cell.children.clear();
        cell.pane = None;
    }

    /// Drops the cells no longer reachable from the root and renumbers the rest in tree order.
    pub(crate) fn compact(&mut self) {
        let mut out: Vec<Cell> = Vec::with_capacity(self.cells.len());
        fn copy(cells: &[Cell], c: usize, parent: Option<usize>, out: &mut Vec<Cell>) -> usize {
            let idx = out.len();
            let mut cell = cells[c].clone();
            cell.parent = parent;
            let kids = std::mem::take(&mut cell.children);
            out.push(cell);
            let mapped: Vec<usize> = kids
                .into_iter()
                .map(|k| copy(cells, k, Some(idx), out))
                .collect();
            out[idx].children = mapped;
            idx
        }
        copy(&self.cells, self.root, None, &mut out);
        self.cells = out;
        self.root = 0;
    }

    /// tmux `layout_fix_offsets`: offsets from sizes, from the root at 0,0.
    pub(crate) fn fix_offsets(&mut self) {
        let r = self.root;
        self.cells[r].xoff = 0;
        self.cells[r].yoff = 0;
        self.fix_offsets1(r);
    }

    fn fix_offsets1(&mut self, c: usize) {
        let kids = self.cells[c].children.clone();
        let (x0, y0) = (self.cells[c].xoff, self.cells[c].yoff);
        if self.cells[c].ty == CellType::LeftRight {
            let mut xoff = x0;
            for k in kids {
                self.cells[k].xoff = xoff;
                self.cells[k].yoff = y0;
                if self.cells[k].ty != CellType::Pane {
                    self.fix_offsets1(k);
                }
                xoff = xoff.wrapping_add(self.cells[k].sx).wrapping_add(1);
            }
        } else {
            let mut yoff = y0;
            for k in kids {
                self.cells[k].xoff = x0;
                self.cells[k].yoff = yoff;
                if self.cells[k].ty != CellType::Pane {
                    self.fix_offsets1(k);
                }
                yoff = yoff.wrapping_add(self.cells[k].sy).wrapping_add(1);
            }
        }
    }

    /// tmux `layout_count_cells`.
    pub(crate) fn count_cells(&self, c: usize) -> usize {
        let cell = &self.cells[c];
        match cell.ty {
            CellType::Pane => 1,
            _ => cell.children.iter().map(|&k| self.count_cells(k)).sum(),
        }
    }

    /// tmux `layout_resize_check`: how much a cell can shrink in direction `ty`.
    pub(crate) fn resize_check(&self, c: usize, ty: CellType) -> u32 {
        let cell = &self.cells[c];
        if cell.ty == CellType::Pane {
            let available = if ty == CellType::LeftRight {
                cell.sx
            } else {
                cell.sy
            };
            available.saturating_sub(PANE_MINIMUM)
        } else if cell.ty == ty {
            cell.children
                .iter()
                .fold(0u32, |a, &k| a.wrapping_add(self.resize_check(k, ty)))
        } else {
            cell.children
                .iter()
                .map(|&k| self.resize_check(k, ty))
                .min()
                .unwrap_or(u32::MAX)
        }
    }

    /// tmux `layout_resize_adjust`: grows (or shrinks) a cell by `change`, spreading it over
    /// its children one cell at a time. The change must already be bounded by
    /// [`Layout::resize_check`].
    pub(crate) fn resize_adjust(&mut self, c: usize, ty: CellType, change: i64) {
        {
            let cell = &mut self.cells[c];
            if ty == CellType::LeftRight {
                cell.sx = (i64::from(cell.sx) + change).max(0) as u32;
            } else {
                cell.sy = (i64::from(cell.sy) + change).max(0) as u32;
            }
        }
        let kids = self.cells[c].children.clone();
        if self.cells[c].ty != ty {
            for k in kids {
                self.resize_adjust(k, ty, change);
            }
            return;
        }
        let mut change = change;
        while change != 0 {
            let before = change;
            for &k in &kids {
                if change == 0 {
                    break;
                }
                if change > 0 {
                    self.resize_adjust(k, ty, 1);
                    change -= 1;
                    continue;
                }
                if self.resize_check(k, ty) > 0 {
                    self.resize_adjust(k, ty, -1);
                    change += 1;
                }
            }
            if change == before {
                // tmux would loop forever here; the change was not bounded.
                break;
            }
        }
    }

    /// tmux `layout_destroy_cell`: removes a cell, giving its space to the previous sibling
    /// (the next one for a first child), and lifts a lone remaining sibling into the parent's
    /// place. Returns false when the cell was the root (the layout is now empty).
    pub(crate) fn destroy_cell(&mut self, c: usize) -> bool {
        let Some(parent) = self.cells[c].parent else {
            return false;
        };
        let first = self.cells[parent].children.first() == Some(&c);
        let other = if first { self.next(c) } else { self.prev(c) };
        let pty = self.cells[parent].ty;
        if let Some(o) = other {
            let by = if pty == CellType::LeftRight {
                self.cells[c].sx
            } else {
                self.cells[c].sy
            };
            self.resize_adjust(o, pty, i64::from(by) + 1);
        }
        self.cells[parent].children.retain(|&k| k != c);
        self.cells[c].parent = None;
        if self.cells[parent].children.len() == 1 {
            let only = self.cells[parent].children[0];
            let grand = self.cells[parent].parent;
            self.cells[only].parent = grand;
            match grand {
                None => {
                    self.cells[only].xoff = 0;
                    self.cells[only].yoff = 0;
                    self.root = only;
                }
                Some(g) => {
                    for k in self.cells[g].children.iter_mut() {
                        if *k == parent {
                            *k = only;
                        }
                    }
                }
            }
            self.cells[parent].children.clear();
        }
        true
    }

    /// tmux `layout_resize`: fits the layout to a window of `sx` x `sy` after a window
    /// resize, never below the panes' minimum (the layout then stays larger than the window).
    pub fn resize(&mut self, sx: u16, sy: u16) {
        let (sx, sy) = (i64::from(sx), i64::from(sy));
        let root = self.root;
        for ty in [CellType::LeftRight, CellType::TopBottom] {
            let cur = i64::from(if ty == CellType::LeftRight {
                self.cells[root].sx
            } else {
                self.cells[root].sy
            });
            let want = if ty == CellType::LeftRight { sx } else { sy };
            let mut change = want - cur;
            let limit = i64::from(self.resize_check(root, ty));
            if change < 0 && change < -limit {
                change = -limit;
            }
            if limit == 0 {
                change = if want <= cur { 0 } else { want - cur };
            }
            if change != 0 {
                self.resize_adjust(root, ty, change);
            }
        }
        self.fix_offsets();
    }

    /// The cell to resize for `pane` in direction `ty`: its nearest ancestor-or-self whose
    /// parent runs in `ty`.
    fn resize_target(&self, pane: PaneId, ty: CellType) -> Option<(usize, usize)> {
        let mut lc = self.cell_of(pane)?;
        let mut parent = self.cells[lc].parent;
        while let Some(p) = parent {
            if self.cells[p].ty == ty {
                return Some((lc, p));
            }
            lc = p;
            parent = self.cells[p].parent;
        }
        None
    }

    /// tmux `layout_resize_pane_to`: makes `pane` `new_size` cells wide (`LeftRight`) or high.
    pub fn resize_pane_to(&mut self, pane: PaneId, ty: CellType, new_size: u32) {
        let Some((lc, _)) = self.resize_target(pane, ty) else {
            return;
        };
        let size = i64::from(if ty == CellType::LeftRight {
            self.cells[lc].sx
        } else {
            self.cells[lc].sy
        });
        let change = if self.is_last(lc) {
            size - i64::from(new_size)
        } else {
            i64::from(new_size) - size
        };
        self.resize_pane(pane, ty, change, true);
    }

    /// tmux `layout_resize_pane`: moves the border right of / below `pane` (left of / above
    /// for the last cell) by `change` cells, taking space from neighbours (also from the other
    /// side with `opposite`).
    pub fn resize_pane(&mut self, pane: PaneId, ty: CellType, change: i64, opposite: bool) {
        let Some((mut lc, _)) = self.resize_target(pane, ty) else {
            return;
        };
        if self.is_last(lc) {
            match self.prev(lc) {
                Some(p) => lc = p,
                None => return,
            }
        }
        self.resize_layout(lc, ty, change, opposite);
    }

    /// tmux `layout_resize_layout`.
    fn resize_layout(&mut self, lc: usize, ty: CellType, change: i64, opposite: bool) {
        let mut needed = change;
        while needed != 0 {
            let size = if change > 0 {
                let s = self.resize_pane_grow(lc, ty, needed, opposite);
                needed -= s;
                s
            } else {
                let s = self.resize_pane_shrink(lc, ty, needed);
                needed += s;
                s
            };
            if size == 0 {
                break;
            }
        }
        self.fix_offsets();
        self.compact();
    }

    fn resize_pane_grow(&mut self, lc: usize, ty: CellType, needed: i64, opposite: bool) -> i64 {
        let mut size = 0u32;
        let mut remove = self.next(lc);
        while let Some(r) = remove {
            size = self.resize_check(r, ty);
            if size > 0 {
                break;
            }
            remove = self.next(r);
        }
        if opposite && remove.is_none() {
            remove = self.prev(lc);
            while let Some(r) = remove {
                size = self.resize_check(r, ty);
                if size > 0 {
                    break;
                }
                remove = self.prev(r);
            }
        }
        let Some(r) = remove else {
            return 0;
        };
        let size = i64::from(size).min(needed);
        self.resize_adjust(lc, ty, size);
        self.resize_adjust(r, ty, -size);
        size
    }

    fn resize_pane_shrink(&mut self, lc: usize, ty: CellType, needed: i64) -> i64 {
        let mut remove = Some(lc);
        let mut size = 0u32;
        while let Some(r) = remove {
            size = self.resize_check(r, ty);
            if size != 0 {
                break;
            }
            remove = self.prev(r);
        }
        let Some(r) = remove else {
            return 0;
        };
        let Some(add) = self.next(lc) else {
            return 0;
        };
        let size = i64::from(size).min(-needed);
        self.resize_adjust(add, ty, size);
        self.resize_adjust(r, ty, -size);
        size
    }

    /// tmux `layout_new_pane_size` (unsigned arithmetic as in C).
    fn new_pane_size(
        &self,
        previous: u32,
        lc: usize,
        ty: CellType,
        size: u32,
        count_left: u32,
        size_left: u32,
    ) -> u32 {
        if count_left == 1 {
            return size_left;
        }
        let available = self.resize_check(lc, ty);
        let mut min = (PANE_MINIMUM + 1).wrapping_mul(count_left - 1);
        let cur = if ty == CellType::LeftRight {
            self.cells[lc].sx
        } else {
            self.cells[lc].sy
        };
        if cur.wrapping_sub(available) > min {
            min = cur.wrapping_sub(available);
        }
        let mut new_size = cur.wrapping_mul(size) / previous.max(1);
        let max = size_left.wrapping_sub(min);
        if new_size > max {
            new_size = max;
        }
        if new_size < PANE_MINIMUM {
            new_size = PANE_MINIMUM;
        }
        new_size
    }

    /// tmux `layout_set_size_check`.
    fn set_size_check(&self, lc: usize, ty: CellType, size: u32) -> bool {
        let cell = &self.cells[lc];
        if cell.ty == CellType::Pane {
            return size >= PANE_MINIMUM;
        }
        let mut available = size;
        let count = cell.children.len() as u32;
        if cell.ty == ty {
            if available < (count * 2).wrapping_sub(1) {
                return false;
            }
            let previous = if ty == CellType::LeftRight {
                cell.sx
            } else {
                cell.sy
            };
            for (idx, &k) in cell.children.iter().enumerate() {
                let idx = idx as u32;
                let new_size = self.new_pane_size(previous, k, ty, size, count - idx, available);
                if idx == count - 1 {
                    if new_size > available {
                        return false;
                    }
                    available -= new_size;
                } else {
                    if new_size.wrapping_add(1) > available {
                        return false;
                    }
                    available -= new_size + 1;
                }
                if !self.set_size_check(k, ty, new_size) {
                    return false;
                }
            }
        } else {
            for &k in &cell.children {
                if self.cells[k].ty == CellType::Pane {
                    continue;
                }
                if !self.set_size_check(k, ty, size) {
                    return false;
                }
            }
        }
        true
    }

    /// tmux `layout_resize_child_cells`: fits a cell's children into its (new) size.
    fn resize_child_cells(&mut self, lc: usize) {
        if self.cells[lc].ty == CellType::Pane {
            return;
        }
        let ty = self.cells[lc].ty;
        let kids = self.cells[lc].children.clone();
        let count = kids.len() as u32;
        let mut previous = 0u32;
        for &k in &kids {
            previous = previous.wrapping_add(if ty == CellType::LeftRight {
                self.cells[k].sx
            } else {
                self.cells[k].sy
            });
        }
        previous = previous.wrapping_add(count - 1);
        let mut available = if ty == CellType::LeftRight {
            self.cells[lc].sx
        } else {
            self.cells[lc].sy
        };
        let (psx, psy, pxoff) = (self.cells[lc].sx, self.cells[lc].sy, self.cells[lc].xoff);
        for (idx, &k) in kids.iter().enumerate() {
            let left = count - idx as u32;
            if ty == CellType::TopBottom {
                self.cells[k].sx = psx;
                self.cells[k].xoff = pxoff;
            } else {
                let v = self.new_pane_size(previous, k, ty, psx, left, available);
                self.cells[k].sx = v;
                available = available.wrapping_sub(v + 1);
            }
            if ty == CellType::LeftRight {
                self.cells[k].sy = psy;
            } else {
                let v = self.new_pane_size(previous, k, ty, psy, left, available);
                self.cells[k].sy = v;
                available = available.wrapping_sub(v + 1);
            }
            self.resize_child_cells(k);
        }
    }

    /// Splits `target` (tmux `split-window`, `layout_split_pane` then `window_add_pane` and
    /// `layout_assign_pane`): `new` gets `size` cells along the split (`None`: half), placed
    /// after the target (before with `flags.before`; spanning the window with `flags.full`).
    /// `new` goes after `target` in the pane list (before it with `before`; at the end or the
    /// start with `full`).
    ///
    /// # Errors
    /// When there is not room for both panes: "pane too small" (nothing changed).
    pub fn split(
        &mut self,
        target: PaneId,
        dir: SplitDirection,
        size: Option<u32>,
        flags: SplitFlags,
        new: PaneId,
    ) -> Result<(), String> {
        let lc = self
            .split_pane(target, CellType::of(dir), size, flags)
            .ok_or_else(|| "create pane failed: pane too small".to_string())?;
        self.make_leaf(lc, new);
        let at = self
            .panes
            .iter()
            .position(|p| *p == target)
            .unwrap_or(self.panes.len().saturating_sub(1));
        match (flags.before, flags.full) {
            (true, true) => self.panes.insert(0, new),
            (true, false) => self.panes.insert(at, new),
            (false, true) => self.panes.push(new),
            (false, false) => self.panes.insert((at + 1).min(self.panes.len()), new),
        }
        self.fix_offsets();
        self.compact();
        Ok(())
    }

    /// tmux `layout_split_pane`: the new (empty) cell, or `None` when there is no room.
    fn split_pane(
        &mut self,
        target: PaneId,
        ty: CellType,
        size: Option<u32>,
        flags: SplitFlags,
    ) -> Option<usize> {
        let lc = if flags.full {
            self.root
        } else {
            self.cell_of(target)?
        };
        let (sx, sy, xoff, yoff) = {
            let c = &self.cells[lc];
            (c.sx, c.sy, c.xoff, c.yoff)
        };
        let minimum = PANE_MINIMUM * 2 + 1;
        match ty {
            CellType::LeftRight if sx < minimum => return None,
            CellType::TopBottom if sy < minimum => return None,
            CellType::Pane => return None,
            _ => {}
        }
        let saved_size = if ty == CellType::LeftRight { sx } else { sy };
        let mut size2 = match size {
            None => saved_size.div_ceil(2) - 1,
            Some(s) if flags.before => saved_size.wrapping_sub(s).wrapping_sub(1),
            Some(s) => s,
        };
        if size2 < PANE_MINIMUM {
            size2 = PANE_MINIMUM;
        } else if size2 > saved_size - 2 {
            size2 = saved_size - 2;
        }
        let size1 = saved_size - 1 - size2;
        let new_size = if flags.before { size2 } else { size1 };
        if flags.full && !self.set_size_check(lc, ty, new_size) {
            return None;
        }
        let mut resize_first = false;
        let parent = self.cells[lc].parent;
        let lcnew;
        if parent.is_some_and(|p| self.cells[p].ty == ty) {
            let p = parent.expect("checked");
            lcnew = self.new_cell(Some(p));
            let i = self.cells[p]
                .children
                .iter()
                .position(|&k| k == lc)
                .expect("child of its parent");
            let at = if flags.before { i } else { i + 1 };
            self.cells[p].children.insert(at, lcnew);
        } else if flags.full && parent.is_none() && self.cells[lc].ty == ty {
            if ty == CellType::LeftRight {
                self.cells[lc].sx = new_size;
                self.resize_child_cells(lc);
                self.cells[lc].sx = saved_size;
            } else {
                self.cells[lc].sy = new_size;
                self.resize_child_cells(lc);
                self.cells[lc].sy = saved_size;
            }
            resize_first = true;
            lcnew = self.new_cell(Some(lc));
            let s = saved_size - 1 - new_size;
            if ty == CellType::LeftRight {
                self.set_size(lcnew, s, sy, 0, 0);
            } else {
                self.set_size(lcnew, sx, s, 0, 0);
            }
            if flags.before {
                self.cells[lc].children.insert(0, lcnew);
            } else {
                self.cells[lc].children.push(lcnew);
            }
        } else {
            let lcparent = self.new_cell(parent);
            self.make_node(lcparent, ty);
            self.set_size(lcparent, sx, sy, xoff, yoff);
            match parent {
                None => self.root = lcparent,
                Some(p) => {
                    for k in self.cells[p].children.iter_mut() {
                        if *k == lc {
                            *k = lcparent;
                        }
                    }
                }
            }
            self.cells[lc].parent = Some(lcparent);
            self.cells[lcparent].children.insert(0, lc);
            lcnew = self.new_cell(Some(lcparent));
            if flags.before {
                self.cells[lcparent].children.insert(0, lcnew);
            } else {
                self.cells[lcparent].children.push(lcnew);
            }
        }
        let (lc1, lc2) = if flags.before {
            (lcnew, lc)
        } else {
            (lc, lcnew)
        };
        if !resize_first {
            if ty == CellType::LeftRight {
                self.set_size(lc1, size1, sy, xoff, yoff);
                let x2 = xoff + self.cells[lc1].sx + 1;
                self.set_size(lc2, size2, sy, x2, yoff);
            } else {
                self.set_size(lc1, sx, size1, xoff, yoff);
                let y2 = yoff + self.cells[lc1].sy + 1;
                self.set_size(lc2, sx, size2, xoff, y2);
            }
        }
        if flags.full {
            if !resize_first {
                self.resize_child_cells(lc);
            }
            self.fix_offsets();
        }
        Some(lcnew)
    }

    /// Removes `pane` (tmux `window_lost_pane` then `layout_close_pane`): its space goes to a
    /// neighbour as in tmux. `active` is the window's active pane; returns the active pane
    /// afterwards (the last pane, else the previous or next in the list when `pane` was
    /// active), or `None` when `pane` was the only one.
    pub fn remove_pane(&mut self, pane: PaneId, active: PaneId) -> Option<PaneId> {
        let i = self.panes.iter().position(|p| *p == pane)?;
        let mut new_active = active;
        if pane == active {
            new_active = match self.last.take().filter(|l| *l != pane && self.contains(*l)) {
                Some(l) => l,
                None => i
                    .checked_sub(1)
                    .map(|j| self.panes[j])
                    .or_else(|| self.panes.get(i + 1).copied())?,
            };
        } else if self.last == Some(pane) {
            self.last = None;
        }
        let c = self.cell_of(pane)?;
        if !self.destroy_cell(c) {
            return None;
        }
        self.panes.remove(i);
        self.points.remove(&pane);
        self.fix_offsets();
        self.compact();
        Some(new_active)
    }

    /// tmux `layout_spread_cell`: makes the children of a container the same size; true if
    /// anything changed.
    pub(crate) fn spread_cell(&mut self, parent: usize) -> bool {
        let kids = self.cells[parent].children.clone();
        let number = kids.len() as u32;
        if number <= 1 {
            return false;
        }
        let ty = self.cells[parent].ty;
        let size = match ty {
            CellType::LeftRight => self.cells[parent].sx,
            CellType::TopBottom => self.cells[parent].sy,
            CellType::Pane => return false,
        };
        if size < number - 1 {
            return false;
        }
        let mut each = (size - (number - 1)) / number;
        if each == 0 {
            return false;
        }
        let mut changed = false;
        for (i, &k) in kids.iter().enumerate() {
            if i + 1 == kids.len() {
                each = size.wrapping_sub((each + 1) * (number - 1));
            }
            let cur = if ty == CellType::LeftRight {
                self.cells[k].sx
            } else {
                self.cells[k].sy
            };
            let change = i64::from(each) - i64::from(cur);
            self.resize_adjust(k, ty, change);
            if change != 0 {
                changed = true;
            }
        }
        changed
    }

    /// tmux `layout_spread_out` (`select-layout -E`): spreads the pane's siblings evenly,
    /// else those of the nearest ancestor that changes.
    pub fn spread_out(&mut self, pane: PaneId) {
        let Some(c) = self.cell_of(pane) else {
            return;
        };
        let mut parent = self.cells[c].parent;
        while let Some(p) = parent {
            if self.spread_cell(p) {
                self.fix_offsets();
                break;
            }
            parent = self.cells[p].parent;
        }
        self.compact();
    }

    /// Swaps two panes of this layout, in the tree and in the pane list (tmux `swap-pane`
    /// within one window).
    pub fn swap_panes(&mut self, a: PaneId, b: PaneId) {
        let (Some(ca), Some(cb)) = (self.cell_of(a), self.cell_of(b)) else {
            return;
        };
        self.cells[ca].pane = Some(b);
        self.cells[cb].pane = Some(a);
        for p in self.panes.iter_mut() {
            if *p == a {
                *p = b;
            } else if *p == b {
                *p = a;
            }
        }
    }

    /// Puts pane `new` in the place of `old` (tree cell and list position); the other half of a
    /// `swap-pane` between two windows. `new`'s recency moves with it.
    pub fn replace_pane(&mut self, old: PaneId, new: PaneId, new_point: u64) {
        if let Some(c) = self.cell_of(old) {
            self.cells[c].pane = Some(new);
        }
        for p in self.panes.iter_mut() {
            if *p == old {
                *p = new;
            }
        }
        self.points.remove(&old);
        self.points.insert(new, new_point);
        if self.last == Some(old) {
            self.last = None;
        }
    }

    /// tmux `rotate-window`: every pane moves to the next cell (`down`: the previous one), the
    /// pane list rotating with it. Returns the pane that becomes active given `active`.
    pub fn rotate(&mut self, down: bool, active: PaneId) -> PaneId {
        let n = self.panes.len();
        if n < 2 {
            return active;
        }
        let cells: Vec<usize> = self.panes.iter().filter_map(|p| self.cell_of(*p)).collect();
        if cells.len() != n {
            return active;
        }
        if down {
            let last = self.panes.pop().expect("n >= 2");
            self.panes.insert(0, last);
        } else {
            let first = self.panes.remove(0);
            self.panes.push(first);
        }
        for (i, c) in cells.iter().enumerate() {
            self.cells[*c].pane = Some(self.panes[i]);
        }
        let i = self.panes.iter().position(|p| *p == active).unwrap_or(0);
        let next = if down {
            if i == 0 {
                self.panes[n - 1]
            } else {
                self.panes[i - 1]
            }
        } else {
            self.panes[(i + 1) % n]
        };
        if next != active {
            self.note_active(active, next);
        }
        next
    }

    /// Adds pane `new` next to `target` (tmux `join-pane`/`move-pane` on the destination):
    /// as [`Layout::split`], with `new`'s recency carried over.
    ///
    /// # Errors
    /// As [`Layout::split`].
    pub fn join(
        &mut self,
        target: PaneId,
        dir: SplitDirection,
        size: Option<u32>,
        flags: SplitFlags,
        new: PaneId,
        point: u64,
    ) -> Result<(), String> {
        self.split(target, dir, size, flags, new)?;
        self.points.insert(new, point);
        Ok(())
    }

    /// The neighbour of `pane` in a direction (tmux `window_pane_find_up/down/left/right`):
    /// the most recently active of the panes touching its edge, wrapping around the window.
    /// `window` is the window's size.
    pub fn neighbour(&self, pane: PaneId, dir: Direction, window: (u16, u16)) -> Option<PaneId> {
        let geo = self.geometry();
        let me = geo.iter().find(|(p, _)| *p == pane)?.1;
        let (wsx, wsy) = (u32::from(window.0), u32::from(window.1));
        let (mx, my, msx, msy) = (
            u32::from(me.left),
            u32::from(me.top),
            u32::from(me.cols),
            u32::from(me.rows),
        );
        let mut list: Vec<PaneId> = Vec::new();
        for (p, r) in &geo {
            if *p == pane {
                continue;
            }
            let (x, y, sx, sy) = (
                u32::from(r.left),
                u32::from(r.top),
                u32::from(r.cols),
                u32::from(r.rows),
            );
            let touches = match dir {
                Direction::Up => {
                    let edge = if my == 0 { wsy + 1 } else { my };
                    y + sy + 1 == edge
                }
                Direction::Down => {
                    let mut edge = my + msy + 1;
                    if edge >= wsy {
                        edge = 0;
                    }
                    y == edge
                }
                Direction::Left => {
                    let edge = if mx == 0 { wsx + 1 } else { mx };
                    x + sx + 1 == edge
                }
                Direction::Right => {
                    let mut edge = mx + msx + 1;
                    if edge >= wsx {
                        edge = 0;
                    }
                    x == edge
                }
            };
            if !touches {
                continue;
            }
            let overlaps = match dir {
                Direction::Up | Direction::Down => {
                    let (left, right) = (mx, mx + msx);
                    let end = (x + sx).wrapping_sub(1);
                    (x < left && end > right)
                        || (x >= left && x <= right)
                        || (end >= left && end <= right)
                }
                Direction::Left | Direction::Right => {
                    let (top, bottom) = (my, my + msy);
                    let end = (y + sy).wrapping_sub(1);
                    (y < top && end > bottom)
                        || (y >= top && y <= bottom)
                        || (end >= top && end <= bottom)
                }
            };
            if overlaps {
                list.push(*p);
            }
        }
        let mut best = *list.first()?;
        for p in &list[1..] {
            if self.active_point(*p) > self.active_point(best) {
                best = *p;
            }
        }
        Some(best)
    }

    /// Replaces the tree by `other`'s (a preset or a parsed layout string), keeping the pane
    /// list, last pane and recency of `self`.
    pub(crate) fn adopt_tree(&mut self, other: Layout) {
        self.cells = other.cells;
        self.root = other.root;
        self.compact();
    }
}

/// A read-only view of a layout tree (for the snapshot format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A pane and its rectangle.
    Pane(PaneId, Rect),
    /// A container and its rectangle.
    Container {
        /// Children side by side (`{}`), else stacked (`[]`).
        side_by_side: bool,
        /// The container's rectangle.
        rect: Rect,
        /// Children, left to right or top to bottom.
        children: Vec<Shape>,
    },
}

impl Layout {
    /// The tree as a [`Shape`].
    pub fn shape(&self) -> Shape {
        self.shape_of(self.root)
    }

    fn shape_of(&self, c: usize) -> Shape {
        let cell = &self.cells[c];
        match cell.ty {
            CellType::Pane => Shape::Pane(cell.pane.unwrap_or(PaneId(0)), rect_of(cell)),
            ty => Shape::Container {
                side_by_side: ty == CellType::LeftRight,
                rect: rect_of(cell),
                children: cell.children.iter().map(|&k| self.shape_of(k)).collect(),
            },
        }
    }
}

/// A direction for [`Layout::neighbour`] (`select-pane -U/-D/-L/-R`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Above.
    Up,
    /// Below.
    Down,
    /// Left.
    Left,
    /// Right.
    Right,
}

impl Rect {
    fn default_rect() -> Rect {
        Rect {
            left: 0,
            top: 0,
            cols: 1,
            rows: 1,
        }
    }
}

fn clamp16(v: u32) -> u16 {
    v.min(u32::from(u16::MAX)) as u16
}

fn rect_of(c: &Cell) -> Rect {
    Rect {
        left: clamp16(c.xoff),
        top: clamp16(c.yoff),
        cols: clamp16(c.sx).max(1),
        rows: clamp16(c.sy).max(1),
    }
}
