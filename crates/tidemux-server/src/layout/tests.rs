//! Unit tests of the layout engine. Expected strings are tmux 3.3a's `#{window_layout}` for
//! the same sequence of commands (recorded with `tmux -f /dev/null`, window 81x25 unless
//! said otherwise); the end-to-end test `tests/e2e/layouts.rs` compares live with tmux.

use super::*;

fn p(n: u32) -> PaneId {
    PaneId(n)
}

const V: SplitDirection = SplitDirection::Vertical;
const H: SplitDirection = SplitDirection::Horizontal;

fn split(l: &mut Layout, target: u32, dir: SplitDirection, new: u32) {
    l.split(p(target), dir, None, SplitFlags::default(), p(new))
        .unwrap();
}

#[test]
fn halves_and_borders() {
    // tmux: new -x 80 -y 24; split -h; split -t %1
    let mut l = Layout::new(p(0), 80, 24);
    split(&mut l, 0, H, 1);
    let g = l.geometry();
    assert_eq!(
        g[1].1,
        Rect {
            left: 41,
            top: 0,
            cols: 39,
            rows: 24
        }
    );
    split(&mut l, 1, V, 2);
    assert_eq!(
        l.dump(),
        "d67e,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,2]}"
    );
}

#[test]
fn checksum_matches_tmux() {
    // tmux 3.3a: new -x 81 -y 25; split-window -h
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    assert_eq!(l.dump(), "11fa,81x25,0,0{40x25,0,0,0,40x25,41,0,1}");
}

#[test]
fn remove_gives_space_to_previous_sibling() {
    // tmux: split -h; split -h; kill-pane -t %1
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, H, 2);
    assert_eq!(l.remove_pane(p(1), p(2)), Some(p(2)));
    assert_eq!(l.dump(), "a6ea,81x25,0,0{61x25,0,0,0,19x25,62,0,2}");
    assert_eq!(l.remove_pane(p(0), p(2)), Some(p(2)));
    assert_eq!(l.geometry()[0].1.cols, 81);
    assert_eq!(l.remove_pane(p(2), p(2)), None);
}

#[test]
fn too_small_is_refused() {
    let mut l = Layout::new(p(0), 2, 2);
    assert!(l.split(p(0), H, None, SplitFlags::default(), p(1)).is_err());
    let before = l.clone();
    assert!(l.split(p(0), V, None, SplitFlags::default(), p(1)).is_err());
    assert_eq!(l, before);
}

#[test]
fn layout_string_round_trip() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, V, 2);
    split(&mut l, 0, V, 3);
    let s = l.dump();
    let mut m = l.clone();
    m.apply_preset(4, 81, 25, &set::MainSizes::default());
    assert_ne!(m.dump(), s);
    assert_eq!(m.apply_string(&s), Ok((81, 25)));
    assert_eq!(m.dump(), s);
    // A wrong checksum is refused and changes nothing.
    let bad = format!("0000{}", &s[4..]);
    let before = m.clone();
    assert_eq!(m.apply_string(&bad), Err("invalid layout".into()));
    assert_eq!(m, before);
    assert!(m.apply_string("abcd").is_err());
    assert!(m.apply_string("").is_err());
    assert!(m.apply_string("zzzz,1x1,0,0,0").is_err());
}

#[test]
fn fewer_panes_than_cells_drop_bottom_right() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    // Three cells, two panes: the bottom-right cell is closed.
    let s = "b25f,81x25,0,0{40x25,0,0,0,40x25,41,0[40x12,41,0,1,40x12,41,13,3]}";
    // That string has a bad checksum in tmux too ("invalid layout").
    assert!(l.apply_string(s).is_err());
    let body = "81x25,0,0{40x25,0,0,0,40x25,41,0[40x12,41,0,1,40x12,41,13,3]}";
    let good = format!("{:04x},{body}", custom::checksum(body));
    assert_eq!(l.apply_string(&good), Ok((81, 25)));
    assert_eq!(l.dump(), "11fa,81x25,0,0{40x25,0,0,0,40x25,41,0,1}");
    let three = "81x25,0,0[81x8,0,0,0,81x8,0,9,1,81x7,0,18,2]";
    let mut one = Layout::new(p(0), 81, 25);
    let e = one
        .apply_string(&format!("{:04x},{three}", custom::checksum(three)))
        .unwrap();
    assert_eq!(e, (81, 25));
}

#[test]
fn more_panes_than_cells_is_refused() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 0, H, 2);
    let s = "11fa,81x25,0,0{40x25,0,0,0,40x25,41,0,1}";
    assert_eq!(l.apply_string(s), Err("have 3 panes but need 2".into()));
}

#[test]
fn presets_on_odd_sizes() {
    // tmux: new -x 81 -y 25; split -t %0; split -t %1; split -t %0; split -t %3;
    // select-layout NAME
    let expected = [
        "ae9e,81x25,0,0{15x25,0,0,0,15x25,16,0,3,15x25,32,0,4,15x25,48,0,1,17x25,64,0,2}",
        "955a,81x25,0,0[81x4,0,0,0,81x4,0,5,3,81x4,0,10,4,81x4,0,15,1,81x5,0,20,2]",
        "96b1,81x25,0,0[81x23,0,0,0,81x1,0,24{19x1,0,24,3,19x1,20,24,4,19x1,40,24,1,21x1,60,24,2}]",
        "5798,81x25,0,0{79x25,0,0,0,1x25,80,0[1x5,80,0,3,1x5,80,6,4,1x5,80,12,1,1x7,80,18,2]}",
        "e1b5,81x25,0,0[81x7,0,0{40x7,0,0,0,40x7,41,0,3},81x7,0,8{40x7,0,8,4,40x7,41,8,1},81x9,0,16,2]",
    ];
    let mut l = Layout::new(p(0), 81, 25);
    for (t, n) in [(0, 1), (1, 2), (0, 3), (3, 4)] {
        split(&mut l, t, V, n);
    }
    let s = set::MainSizes::default();
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(l.apply_preset(i, 81, 25, &s), Some((81, 25)));
        assert_eq!(&l.dump(), want, "preset {}", set::PRESETS[i]);
    }
}

#[test]
fn presets_cycle() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, V, 1);
    assert_eq!(l.next_preset(), 0);
    assert_eq!(l.previous_preset(), 4);
    l.apply_preset(4, 81, 25, &set::MainSizes::default());
    assert_eq!(l.next_preset(), 0);
    assert_eq!(set::lookup("main-v"), Some(3));
    assert_eq!(set::lookup("e"), None);
    assert_eq!(set::lookup("t"), Some(4));
}

#[test]
fn resize_pane_moves_border() {
    // tmux: split -h; resize-pane -t %0 -R 5
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    l.resize_pane(p(0), CellType::LeftRight, 5, true);
    assert_eq!(l.dump(), "448a,81x25,0,0{45x25,0,0,0,35x25,46,0,1}");
    // -L on the last pane moves the same border back.
    l.resize_pane(p(1), CellType::LeftRight, -5, true);
    assert_eq!(l.geometry()[0].1.cols, 40);
    // tmux: resize-pane -t %1 -x 10; resize-pane -t %0 -R 500
    l.resize_pane_to(p(1), CellType::LeftRight, 10);
    assert_eq!(l.geometry()[1].1.cols, 10);
    assert_eq!(l.geometry()[0].1.cols, 70);
    l.resize_pane(p(0), CellType::LeftRight, 500, true);
    assert_eq!(l.dump(), "ece7,81x25,0,0{79x25,0,0,0,1x25,80,0,1}");
}

#[test]
fn window_resize_adjusts_one_cell_at_a_time() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, H, 2);
    l.resize(90, 25);
    let w: Vec<u16> = l.geometry().iter().map(|(_, r)| r.cols).collect();
    assert_eq!(w.iter().sum::<u16>() + 2, 90);
    l.resize(5, 3);
    let w: Vec<u16> = l.geometry().iter().map(|(_, r)| r.cols).collect();
    assert_eq!(w, vec![1, 1, 1]);
    assert_eq!(l.size(), (5, 3));
    l.resize(2, 3);
    // Not below the minimum: the layout stays larger than the window, as in tmux.
    assert_eq!(l.size(), (5, 3));
}

#[test]
fn full_size_and_before_splits() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    l.split(
        p(0),
        V,
        None,
        SplitFlags {
            before: false,
            full: true,
        },
        p(2),
    )
    .unwrap();
    assert_eq!(l.panes(), &[p(0), p(1), p(2)]);
    let g = l.geometry();
    assert_eq!((g[2].1.top, g[2].1.cols), (13, 81));
    l.split(
        p(1),
        H,
        None,
        SplitFlags {
            before: true,
            full: false,
        },
        p(3),
    )
    .unwrap();
    assert_eq!(l.panes(), &[p(0), p(3), p(1), p(2)]);
    assert!(l.rect_of(p(3)).unwrap().left < l.rect_of(p(1)).unwrap().left);
}

#[test]
fn neighbours_wrap_and_prefer_recent() {
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, V, 2);
    let win = (81, 25);
    // Left of the leftmost pane wraps to the right edge.
    assert!(l.neighbour(p(0), Direction::Left, win).is_some());
    l.note_active(p(0), p(2));
    assert_eq!(l.neighbour(p(0), Direction::Right, win), Some(p(2)));
    l.note_active(p(2), p(1));
    assert_eq!(l.neighbour(p(0), Direction::Right, win), Some(p(1)));
    assert_eq!(l.neighbour(p(1), Direction::Down, win), Some(p(2)));
    assert_eq!(l.neighbour(p(2), Direction::Down, win), Some(p(1)));
    assert_eq!(l.neighbour(p(0), Direction::Up, win), None);
    assert_eq!(l.last_pane(), Some(p(2)));
}

#[test]
fn rotate_and_swap() {
    // tmux: split -h; split -h; select-pane -t %0; rotate-window
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, H, 2);
    let before = l.dump();
    let a = l.rotate(false, p(0));
    assert_eq!(a, p(1));
    assert_eq!(l.panes(), &[p(1), p(2), p(0)]);
    assert_eq!(
        l.dump(),
        "8348,81x25,0,0{40x25,0,0,1,20x25,41,0,2,19x25,62,0,0}"
    );
    l.rotate(true, a);
    assert_eq!(l.panes(), &[p(0), p(1), p(2)]);
    assert_eq!(l.dump(), before);
    let first = l.rect_of(p(0));
    l.swap_panes(p(0), p(2));
    assert_eq!(l.panes(), &[p(2), p(1), p(0)]);
    assert_eq!(l.rect_of(p(2)), first);
}

#[test]
fn spread_out() {
    // tmux: split -h; split -h; select-layout -E
    let mut l = Layout::new(p(0), 81, 25);
    split(&mut l, 0, H, 1);
    split(&mut l, 1, H, 2);
    l.spread_out(p(2));
    assert_eq!(
        l.dump(),
        "24f7,81x25,0,0{26x25,0,0,0,26x25,27,0,1,27x25,54,0,2}"
    );
}

#[test]
fn numbered_strings_keep_exact_cells_for_snapshots() {
    let mut l = Layout::new(p(7), 81, 25);
    split(&mut l, 7, H, 8);
    l.split(
        p(7),
        V,
        Some(5),
        SplitFlags {
            before: false,
            full: true,
        },
        p(9),
    )
    .unwrap();
    assert_eq!(l.panes(), &[p(7), p(8), p(9)]);
    let s = custom::dump_numbered(&l);
    let ids = [p(20), p(21), p(22)];
    let r = custom::from_numbered(&s, &ids).expect("valid");
    assert_eq!(r.panes(), &ids);
    for (old, new) in l.panes().iter().zip(ids) {
        assert_eq!(l.rect_of(*old), r.rect_of(new));
    }
    // Wrong count, repeated positions, bad sizes: refused.
    assert!(custom::from_numbered(&s, &ids[..2]).is_none());
    let body = "81x25,0,0{40x25,0,0,0,40x25,41,0,0}";
    let twice = format!("{:04x},{body}", custom::checksum(body));
    assert!(custom::from_numbered(&twice, &ids[..2]).is_none());
    let body = "81x25,0,0{40x25,0,0,0,39x25,41,0,1}";
    let short = format!("{:04x},{body}", custom::checksum(body));
    assert!(custom::from_numbered(&short, &ids[..2]).is_none());
}
