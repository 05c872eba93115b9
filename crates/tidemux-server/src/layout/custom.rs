//! tmux layout strings (`layout-custom.c`): `CSUM,WxH,X,Y{...}` as `#{window_layout}` prints
//! them, read by `select-layout`.
//!
//! A cell is `WxH,X,Y` followed by `,ID` for a pane (its `%` number), `{...}` for side-by-side
//! children or `[...]` for stacked ones, children separated by commas. `CSUM` is tmux's
//! 16-bit rotating checksum of everything after the first comma, as four hex digits.

use super::{Cell, CellType, Layout};

/// tmux `layout_checksum`.
pub fn checksum(body: &str) -> u16 {
    let mut csum: u16 = 0;
    for b in body.bytes() {
        csum = (csum >> 1).wrapping_add((csum & 1) << 15);
        csum = csum.wrapping_add(u16::from(b));
    }
    csum
}

impl Layout {
    /// The layout string (tmux `layout_dump`, `#{window_layout}`).
    pub fn dump(&self) -> String {
        let mut body = String::new();
        self.append(self.root, &mut body);
        format!("{:04x},{body}", checksum(&body))
    }

    /// The layout string of a window showing only `pane` at `cols` x `rows` (a zoomed
    /// window's `#{window_visible_layout}`).
    pub fn dump_single(pane: tidemux_proto::PaneId, cols: u16, rows: u16) -> String {
        Layout::new(pane, cols, rows).dump()
    }

    fn append(&self, c: usize, out: &mut String) {
        use std::fmt::Write;
        let cell = &self.cells[c];
        let _ = write!(out, "{}x{},{},{}", cell.sx, cell.sy, cell.xoff, cell.yoff);
        if let Some(p) = cell.pane {
            let _ = write!(out, ",{}", p.0);
        }
        let (open, close) = match cell.ty {
            CellType::LeftRight => ('{', '}'),
            CellType::TopBottom => ('[', ']'),
            CellType::Pane => return,
        };
        out.push(open);
        for (i, &k) in cell.children.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.append(k, out);
        }
        out.push(close);
    }

    /// Applies a layout string to this window (tmux `layout_parse`): the panes, in index order,
    /// fill the string's cells in tree order; with fewer panes than cells the bottom-right
    /// cells are removed first. Returns the layout's size, which the window takes.
    ///
    /// # Errors
    /// tmux's messages: `invalid layout` (syntax or checksum), `have N panes but need M`,
    /// `size mismatch after applying layout`. Nothing changes on error.
    pub fn apply_string(&mut self, s: &str) -> Result<(u32, u32), String> {
        let mut tree = parse_tree(s).ok_or_else(|| "invalid layout".to_string())?;
        let npanes = self.panes().len();
        loop {
            let ncells = tree.count_cells(tree.root);
            if npanes > ncells {
                return Err(format!("have {npanes} panes but need {ncells}"));
            }
            if npanes == ncells {
                break;
            }
            let mut c = tree.root;
            while tree.cells[c].ty != CellType::Pane {
                c = *tree.cells[c]
                    .children
                    .last()
                    .expect("containers have children");
            }
            tree.destroy_cell(c);
        }
        // Older tmux wrote a wrong top cell size: take it from the children.
        let root = tree.root;
        let (mut sx, mut sy) = (0u32, 0u32);
        match tree.cells[root].ty {
            CellType::Pane => {}
            CellType::LeftRight => {
                for &k in &tree.cells[root].children {
                    sy = tree.cells[k].sy.wrapping_add(1);
                    sx = sx.wrapping_add(tree.cells[k].sx).wrapping_add(1);
                }
            }
            CellType::TopBottom => {
                for &k in &tree.cells[root].children {
                    sx = tree.cells[k].sx.wrapping_add(1);
                    sy = sy.wrapping_add(tree.cells[k].sy).wrapping_add(1);
                }
            }
        }
        if tree.cells[root].ty != CellType::Pane
            && (tree.cells[root].sx != sx || tree.cells[root].sy != sy)
        {
            tree.cells[root].sx = sx.wrapping_sub(1);
            tree.cells[root].sy = sy.wrapping_sub(1);
        }
        if !tree.check(root) {
            return Err("size mismatch after applying layout".into());
        }
        let (rsx, rsy) = (tree.cells[root].sx, tree.cells[root].sy);
        if rsx == 0
            || rsy == 0
            || rsx > u32::from(crate::commands::create::MAX_EDGE)
            || rsy > u32::from(crate::commands::create::MAX_EDGE)
        {
            return Err("size mismatch after applying layout".into());
        }
        // Assign the panes to the cells in tree order.
        let mut leaves = Vec::new();
        collect_leaves(&tree, tree.root, &mut leaves);
        for (c, p) in leaves.into_iter().zip(self.panes().to_vec()) {
            tree.cells[c].pane = Some(p);
        }
        tree.compact();
        tree.fix_offsets();
        self.adopt_tree(tree);
        Ok((rsx, rsy))
    }

    /// tmux `layout_check`: children fill their container exactly.
    fn check(&self, c: usize) -> bool {
        let cell = &self.cells[c];
        let mut n: u32 = 0;
        match cell.ty {
            CellType::Pane => true,
            CellType::LeftRight => {
                for &k in &cell.children {
                    if self.cells[k].sy != cell.sy || !self.check(k) {
                        return false;
                    }
                    n = n.wrapping_add(self.cells[k].sx).wrapping_add(1);
                }
                n.wrapping_sub(1) == cell.sx
            }
            CellType::TopBottom => {
                for &k in &cell.children {
                    if self.cells[k].sx != cell.sx || !self.check(k) {
                        return false;
                    }
                    n = n.wrapping_add(self.cells[k].sy).wrapping_add(1);
                }
                n.wrapping_sub(1) == cell.sy
            }
        }
    }
}

fn collect_leaves(l: &Layout, c: usize, out: &mut Vec<usize>) {
    if l.cells[c].ty == CellType::Pane {
        out.push(c);
    } else {
        for &k in &l.cells[c].children {
            collect_leaves(l, k, out);
        }
    }
}

/// A layout from a string whose pane numbers are positions in `ids` (the form snapshots
/// keep): `ids` becomes the pane list in that order. `None` unless every position appears
/// exactly once and the sizes add up.
pub fn from_numbered(s: &str, ids: &[tidemux_proto::PaneId]) -> Option<Layout> {
    let mut tree = parse_tree(s)?;
    let mut leaves = Vec::new();
    collect_leaves(&tree, tree.root, &mut leaves);
    if leaves.len() != ids.len() || !tree.check(tree.root) {
        return None;
    }
    let mut seen = vec![false; ids.len()];
    for c in leaves {
        let i = tree.cells[c].pane?.0 as usize;
        if std::mem::replace(seen.get_mut(i)?, true) {
            return None;
        }
        tree.cells[c].pane = Some(ids[i]);
    }
    let (sx, sy) = tree.size();
    let max = u32::from(crate::commands::create::MAX_EDGE);
    if sx == 0 || sy == 0 || sx > max || sy > max {
        return None;
    }
    let mut l = Layout::new(*ids.first()?, 1, 1);
    l.panes = ids.to_vec();
    for p in ids {
        l.touch(*p);
    }
    l.adopt_tree(tree);
    l.fix_offsets();
    Some(l)
}

/// The layout string with each pane written as its position in the pane list (the form
/// snapshots keep; see [`from_numbered`]).
pub fn dump_numbered(l: &Layout) -> String {
    let mut m = l.clone();
    let order = l.panes().to_vec();
    for cell in m.cells.iter_mut() {
        if let Some(p) = cell.pane {
            let i = order.iter().position(|x| *x == p).unwrap_or(0);
            cell.pane = Some(tidemux_proto::PaneId(i as u32));
        }
    }
    m.dump()
}

/// Whether `s` is syntactically a layout string with a correct checksum.
pub fn is_valid(s: &str) -> bool {
    parse_tree(s).is_some()
}

/// The tree of a layout string (leaves without panes), or `None` when it is malformed or the
/// checksum is wrong.
fn parse_tree(s: &str) -> Option<Layout> {
    let b = s.as_bytes();
    // tmux: sscanf("%hx,") then skips exactly five bytes.
    let comma = s.find(',')?;
    let hex = &s[..comma];
    if hex.is_empty() || hex.len() > 4 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let csum = u16::from_str_radix(hex, 16).ok()?;
    if b.len() < 5 {
        return None;
    }
    let body = s.get(5..)?;
    if csum != checksum(body) {
        return None;
    }
    let mut l = Layout {
        cells: Vec::new(),
        root: 0,
        panes: Vec::new(),
        last: None,
        points: Default::default(),
        last_preset: None,
        old_layout: None,
    };
    let mut pos = 0usize;
    let root = construct(&mut l, None, body.as_bytes(), &mut pos, 0)?;
    if pos != body.len() {
        return None;
    }
    l.root = root;
    Some(l)
}

fn number(b: &[u8], pos: &mut usize) -> Option<u32> {
    let start = *pos;
    while *pos < b.len() && b[*pos].is_ascii_digit() {
        *pos += 1;
    }
    if *pos == start {
        return None;
    }
    std::str::from_utf8(&b[start..*pos]).ok()?.parse().ok()
}

/// tmux `layout_construct`.
fn construct(
    l: &mut Layout,
    parent: Option<usize>,
    b: &[u8],
    pos: &mut usize,
    depth: usize,
) -> Option<usize> {
    if depth > 100 {
        return None;
    }
    let sx = number(b, pos)?;
    if b.get(*pos) != Some(&b'x') {
        return None;
    }
    *pos += 1;
    let sy = number(b, pos)?;
    if b.get(*pos) != Some(&b',') {
        return None;
    }
    *pos += 1;
    let xoff = number(b, pos)?;
    if b.get(*pos) != Some(&b',') {
        return None;
    }
    *pos += 1;
    let yoff = number(b, pos)?;
    let mut id = None;
    if b.get(*pos) == Some(&b',') {
        let saved = *pos;
        *pos += 1;
        let start = *pos;
        while *pos < b.len() && b[*pos].is_ascii_digit() {
            *pos += 1;
        }
        if b.get(*pos) == Some(&b'x') {
            *pos = saved;
        } else {
            id = std::str::from_utf8(&b[start..*pos])
                .ok()
                .and_then(|n| n.parse().ok());
        }
    }
    l.cells.push(Cell {
        ty: CellType::Pane,
        parent,
        children: Vec::new(),
        pane: id.map(tidemux_proto::PaneId),
        sx,
        sy,
        xoff,
        yoff,
    });
    let c = l.cells.len() - 1;
    let (ty, close) = match b.get(*pos) {
        None | Some(b',') | Some(b'}') | Some(b']') => return Some(c),
        Some(b'{') => (CellType::LeftRight, b'}'),
        Some(b'[') => (CellType::TopBottom, b']'),
        _ => return None,
    };
    l.cells[c].ty = ty;
    l.cells[c].pane = None;
    loop {
        *pos += 1;
        let k = construct(l, Some(c), b, pos, depth + 1)?;
        l.cells[c].children.push(k);
        if b.get(*pos) != Some(&b',') {
            break;
        }
    }
    if b.get(*pos) != Some(&close) {
        return None;
    }
    *pos += 1;
    Some(c)
}
