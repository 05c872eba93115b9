//! tmux's preset layouts (`layout-set.c`): even-horizontal, even-vertical, main-horizontal,
//! main-vertical, tiled.

use super::{Cell, CellType, Layout, PANE_MINIMUM};

/// The presets in tmux's order (`next-layout` cycles through them).
pub const PRESETS: [&str; 5] = [
    "even-horizontal",
    "even-vertical",
    "main-horizontal",
    "main-vertical",
    "tiled",
];

/// tmux `layout_set_lookup`: the preset a (possibly abbreviated) name selects; `None` when it
/// matches none or several.
pub fn lookup(name: &str) -> Option<usize> {
    let mut matched = None;
    for (i, p) in PRESETS.iter().enumerate() {
        if p.starts_with(name) {
            if matched.is_some() {
                return None;
            }
            matched = Some(i);
        }
    }
    matched
}

/// The window options the main-* presets read (as strings, tmux's type for them): a number
/// of cells or a percentage `N%`.
#[derive(Clone, Debug)]
pub struct MainSizes {
    /// `main-pane-width` (default `80`).
    pub main_width: String,
    /// `main-pane-height` (default `24`).
    pub main_height: String,
    /// `other-pane-width` (default `0`).
    pub other_width: String,
    /// `other-pane-height` (default `0`).
    pub other_height: String,
}

impl Default for MainSizes {
    fn default() -> Self {
        MainSizes {
            main_width: "80".into(),
            main_height: "24".into(),
            other_width: "0".into(),
            other_height: "0".into(),
        }
    }
}

/// tmux `args_string_percentage(value, 0, max, cur)`: `None` where tmux sets `cause`.
pub fn percentage(value: &str, max: u32, cur: u32) -> Option<u32> {
    if let Some(n) = value.strip_suffix('%') {
        let ll: i64 = n.parse().ok().filter(|v| (0..=100).contains(v))?;
        let ll = (i64::from(cur) * ll) / 100;
        if ll < 0 || ll > i64::from(max) {
            return None;
        }
        Some(ll as u32)
    } else {
        let ll: i64 = value.parse().ok()?;
        if ll < 0 || ll > i64::from(max) {
            return None;
        }
        Some(ll as u32)
    }
}

fn leaf(l: &mut Layout, parent: Option<usize>, pane: tidemux_proto::PaneId) -> usize {
    l.cells.push(Cell {
        ty: CellType::Pane,
        parent,
        children: Vec::new(),
        pane: Some(pane),
        sx: u32::MAX,
        sy: u32::MAX,
        xoff: u32::MAX,
        yoff: u32::MAX,
    });
    l.cells.len() - 1
}

fn node(l: &mut Layout, parent: Option<usize>, ty: CellType, sx: u32, sy: u32) -> usize {
    l.cells.push(Cell {
        ty,
        parent,
        children: Vec::new(),
        pane: None,
        sx,
        sy,
        xoff: 0,
        yoff: 0,
    });
    l.cells.len() - 1
}

impl Layout {
    /// Applies preset `index` (of [`PRESETS`]) for a window of `sx` x `sy` (tmux
    /// `layout_set_select`). Returns the layout's size, which the window takes (larger than
    /// `sx` x `sy` when the panes do not fit), or `None` when nothing changed (one pane).
    pub fn apply_preset(
        &mut self,
        index: usize,
        sx: u16,
        sy: u16,
        sizes: &MainSizes,
    ) -> Option<(u32, u32)> {
        let index = index.min(PRESETS.len() - 1);
        self.last_preset = Some(index);
        let (sx, sy) = (u32::from(sx), u32::from(sy));
        let tree = match index {
            0 => self.even(CellType::LeftRight, sx, sy),
            1 => self.even(CellType::TopBottom, sx, sy),
            2 => self.main_h(sx, sy, sizes),
            3 => self.main_v(sx, sy, sizes),
            _ => self.tiled(sx, sy),
        }?;
        self.adopt_tree(tree);
        self.fix_offsets();
        Some(self.size())
    }

    /// tmux `layout_set_next`: the preset after the last one used.
    pub fn next_preset(&self) -> usize {
        match self.last_preset {
            None => 0,
            Some(i) if i + 1 >= PRESETS.len() => 0,
            Some(i) => i + 1,
        }
    }

    /// tmux `layout_set_previous`.
    pub fn previous_preset(&self) -> usize {
        match self.last_preset {
            None | Some(0) => PRESETS.len() - 1,
            Some(i) => i - 1,
        }
    }

    /// The last preset used (tmux `w->lastlayout`).
    pub fn last_preset(&self) -> Option<usize> {
        self.last_preset
    }

    /// The layout string saved by the last `select-layout` (for `select-layout -o`).
    pub fn old_layout(&self) -> Option<&str> {
        self.old_layout.as_deref()
    }

    /// Saves `s` as the layout to go back to with `select-layout -o`; returns the previous one.
    pub fn set_old_layout(&mut self, s: Option<String>) -> Option<String> {
        std::mem::replace(&mut self.old_layout, s)
    }

    fn empty_tree(&self) -> Layout {
        Layout {
            cells: Vec::new(),
            root: 0,
            panes: Vec::new(),
            last: None,
            points: Default::default(),
            last_preset: None,
            old_layout: None,
        }
    }

    fn even(&self, ty: CellType, wsx: u32, wsy: u32) -> Option<Layout> {
        let n = self.panes().len() as u32;
        if n <= 1 {
            return None;
        }
        let mut t = self.empty_tree();
        let (sx, sy) = if ty == CellType::LeftRight {
            ((n * (PANE_MINIMUM + 1) - 1).max(wsx), wsy)
        } else {
            (wsx, (n * (PANE_MINIMUM + 1) - 1).max(wsy))
        };
        let root = node(&mut t, None, ty, sx, sy);
        t.root = root;
        for &p in self.panes() {
            let c = leaf(&mut t, Some(root), p);
            t.cells[c].sx = wsx;
            t.cells[c].sy = wsy;
            t.cells[root].children.push(c);
        }
        t.spread_cell(root);
        t.fix_offsets();
        Some(t)
    }

    fn main_h(&self, wsx: u32, wsy: u32, sizes: &MainSizes) -> Option<Layout> {
        let n = self.panes().len() as u32;
        if n <= 1 {
            return None;
        }
        let n = n - 1;
        let sy = wsy.wrapping_sub(1);
        let mut mainh = percentage(&sizes.main_height, sy, sy).unwrap_or(24);
        let otherh;
        if mainh + PANE_MINIMUM >= sy {
            if sy <= PANE_MINIMUM + PANE_MINIMUM {
                mainh = PANE_MINIMUM;
            } else {
                mainh = sy - PANE_MINIMUM;
            }
            otherh = PANE_MINIMUM;
        } else {
            match percentage(&sizes.other_height, sy, sy) {
                None | Some(0) => otherh = sy - mainh,
                Some(o) if o > sy || sy - o < mainh => otherh = sy - mainh,
                Some(o) => {
                    otherh = o;
                    mainh = sy - o;
                }
            }
        }
        let sx = (n * (PANE_MINIMUM + 1) - 1).max(wsx);
        let mut t = self.empty_tree();
        let root = node(&mut t, None, CellType::TopBottom, sx, mainh + otherh + 1);
        t.root = root;
        let main = leaf(&mut t, Some(root), self.panes()[0]);
        t.set_size(main, sx, mainh, 0, 0);
        t.cells[root].children.push(main);
        if n == 1 {
            let other = leaf(&mut t, Some(root), self.panes()[1]);
            t.set_size(other, sx, otherh, 0, 0);
            t.cells[root].children.push(other);
        } else {
            let other = node(&mut t, Some(root), CellType::LeftRight, sx, otherh);
            t.cells[root].children.push(other);
            for &p in &self.panes()[1..] {
                let c = leaf(&mut t, Some(other), p);
                t.set_size(c, PANE_MINIMUM, otherh, 0, 0);
                t.cells[other].children.push(c);
            }
            t.spread_cell(other);
        }
        t.fix_offsets();
        Some(t)
    }

    fn main_v(&self, wsx: u32, wsy: u32, sizes: &MainSizes) -> Option<Layout> {
        let n = self.panes().len() as u32;
        if n <= 1 {
            return None;
        }
        let n = n - 1;
        let sx = wsx.wrapping_sub(1);
        let mut mainw = percentage(&sizes.main_width, sx, sx).unwrap_or(80);
        let otherw;
        if mainw + PANE_MINIMUM >= sx {
            if sx <= PANE_MINIMUM + PANE_MINIMUM {
                mainw = PANE_MINIMUM;
            } else {
                mainw = sx - PANE_MINIMUM;
            }
            otherw = PANE_MINIMUM;
        } else {
            match percentage(&sizes.other_width, sx, sx) {
                None | Some(0) => otherw = sx - mainw,
                Some(o) if o > sx || sx - o < mainw => otherw = sx - mainw,
                Some(o) => {
                    otherw = o;
                    mainw = sx - o;
                }
            }
        }
        let sy = (n * (PANE_MINIMUM + 1) - 1).max(wsy);
        let mut t = self.empty_tree();
        let root = node(&mut t, None, CellType::LeftRight, mainw + otherw + 1, sy);
        t.root = root;
        let main = leaf(&mut t, Some(root), self.panes()[0]);
        t.set_size(main, mainw, sy, 0, 0);
        t.cells[root].children.push(main);
        if n == 1 {
            let other = leaf(&mut t, Some(root), self.panes()[1]);
            t.set_size(other, otherw, sy, 0, 0);
            t.cells[root].children.push(other);
        } else {
            let other = node(&mut t, Some(root), CellType::TopBottom, otherw, sy);
            t.cells[root].children.push(other);
            for &p in &self.panes()[1..] {
                let c = leaf(&mut t, Some(other), p);
                t.set_size(c, otherw, PANE_MINIMUM, 0, 0);
                t.cells[other].children.push(c);
            }
            t.spread_cell(other);
        }
        t.fix_offsets();
        Some(t)
    }

    fn tiled(&self, wsx: u32, wsy: u32) -> Option<Layout> {
        let n = self.panes().len() as u32;
        if n <= 1 {
            return None;
        }
        let (mut rows, mut columns) = (1u32, 1u32);
        while rows * columns < n {
            rows += 1;
            if rows * columns < n {
                columns += 1;
            }
        }
        let width = (wsx.wrapping_sub(columns - 1) / columns).max(PANE_MINIMUM);
        let height = (wsy.wrapping_sub(rows - 1) / rows).max(PANE_MINIMUM);
        let mut t = self.empty_tree();
        let sx = ((width + 1) * columns - 1).max(wsx);
        let sy = ((height + 1) * rows - 1).max(wsy);
        let root = node(&mut t, None, CellType::TopBottom, sx, sy);
        t.root = root;
        let panes = self.panes().to_vec();
        let mut next = 0usize;
        for j in 0..rows {
            if next >= panes.len() {
                break;
            }
            let row = node(&mut t, Some(root), CellType::Pane, wsx, height);
            t.cells[root].children.push(row);
            if n - (j * columns) == 1 || columns == 1 {
                t.make_leaf(row, panes[next]);
                next += 1;
                continue;
            }
            t.make_node(row, CellType::LeftRight);
            let mut i = 0u32;
            while i < columns {
                let c = leaf(&mut t, Some(row), panes[next]);
                t.set_size(c, width, height, 0, 0);
                t.cells[row].children.push(c);
                next += 1;
                if next >= panes.len() {
                    break;
                }
                i += 1;
            }
            if i == columns {
                i -= 1;
            }
            let used = (i + 1) * (width + 1) - 1;
            if wsx <= used {
                continue;
            }
            let last = *t.cells[row].children.last().expect("row has cells");
            t.resize_adjust(last, CellType::LeftRight, i64::from(wsx - used));
        }
        let used = rows * height + rows - 1;
        if wsy > used {
            let last = *t.cells[root].children.last().expect("rows");
            t.resize_adjust(last, CellType::TopBottom, i64::from(wsy - used));
        }
        t.fix_offsets();
        Some(t)
    }
}
