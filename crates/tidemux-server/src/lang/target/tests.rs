//! The target grammar against real tmux 3.3a: `cases.txt` was recorded by
//! `compat/gen-target-cases.py` (a model built in tmux, then every target string resolved by
//! tmux as a pane, a window and a session); the same model is rebuilt here as a [`World`] and
//! every case must resolve to the same objects or fail with the same message.

use super::*;

const CASES: &str = include_str!("cases.txt");

fn id(s: &str) -> u32 {
    s[1..].parse().unwrap()
}

fn world() -> World {
    let mut w = World::default();
    let mut current = 0;
    let mut order = Vec::new();
    for line in CASES.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "current" => current = id(f[1]),
            "session" => {
                order.push(id(f[1]));
                w.sessions.push(SessionV {
                    id: id(f[1]),
                    name: f[2..].join(" "),
                    ..Default::default()
                })
            }
            "window" => {
                // window SID IDX WID ACTIVE LAST WxH BASE NAME
                let s = w.sessions.iter_mut().find(|s| s.id == id(f[1])).unwrap();
                let idx: u32 = f[2].parse().unwrap();
                s.winlinks.insert(idx, id(f[3]));
                if f[4] == "1" {
                    s.curw = idx;
                }
                if f[5] == "1" {
                    s.lastw.push(idx);
                }
                let (sx, sy) = f[6].split_once('x').unwrap();
                w.windows.insert(
                    id(f[3]),
                    WindowV {
                        id: id(f[3]),
                        name: f[8..].join(" "),
                        size: (sx.parse().unwrap(), sy.parse().unwrap()),
                        pane_base: f[7].parse().unwrap(),
                        ..Default::default()
                    },
                );
            }
            "pane" => {
                // pane WID PID ACTIVE LAST X Y W H
                let win = w.windows.get_mut(&id(f[1])).unwrap();
                let p = id(f[2]);
                let n = |i: usize| f[i].parse::<u32>().unwrap();
                win.panes.push((p, (n(5), n(6), n(7), n(8))));
                if f[3] == "1" {
                    win.active = p;
                }
                if f[4] == "1" {
                    win.last = Some(p);
                }
            }
            _ => {}
        }
    }
    w.sessions.sort_by(|a, b| a.name.cmp(&b.name));
    for s in &mut w.sessions {
        s.activity = if s.id == current {
            100
        } else {
            u64::from(s.id)
        };
    }
    w
}

#[test]
fn targets_resolve_as_tmux_does() {
    let w = world();
    let mut n = 0;
    let mut failures = Vec::new();
    for line in CASES.lines().filter(|l| l.starts_with("case ")) {
        let rest = &line[5..];
        let (kind, rest) = rest.split_once(' ').unwrap();
        let close = rest.rfind("] ").unwrap();
        let target = &rest[1..close];
        let outcome = &rest[close + 2..];
        let k = match kind {
            "pane" => FindKind::Pane,
            "window" => FindKind::Window,
            _ => FindKind::Session,
        };
        let got = w.find(Some(target), k, FindFlags::default());
        let got = match got {
            Ok(f) => {
                let mut s = format!("${}", f.session);
                if k != FindKind::Session {
                    s.push_str(&format!(" @{}", f.window.unwrap_or(999)));
                }
                if k == FindKind::Pane {
                    s.push_str(&format!(" %{}", f.pane.unwrap_or(999)));
                }
                format!("=> {s}")
            }
            Err(e) => format!("!! {e}"),
        };
        n += 1;
        if got != outcome {
            failures.push(format!("{kind} [{target}]: tmux {outcome}, we {got}"));
        }
    }
    assert!(n > 400, "only {n} cases");
    assert!(
        failures.is_empty(),
        "{} of {n} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn window_index_targets() {
    let w = world();
    let wi = FindFlags {
        window_index: true,
        ..Default::default()
    };
    let f = w.find(Some("alpha:5"), FindKind::Window, wi).unwrap();
    assert_eq!((f.session, f.idx, f.window), (0, 5, None));
    let f = w.find(Some("alpha:1"), FindKind::Window, wi).unwrap();
    assert_eq!((f.session, f.idx, f.window), (0, 1, Some(1)));
    let f = w.find(Some("$2:"), FindKind::Window, wi).unwrap();
    assert_eq!((f.session, f.idx), (2, -1));
    let f = w.find(Some("beta"), FindKind::Window, wi).unwrap();
    assert_eq!(f.session, 2);
    let f = w.find(None, FindKind::Window, wi).unwrap();
    assert_eq!(f.idx, -1);
    let f = w.find(Some("alpha:+"), FindKind::Window, wi).unwrap();
    assert_eq!(f.idx, 2);
    assert_eq!(
        w.find(Some("alpha:1.1"), FindKind::Window, wi),
        Err("can't specify pane here".into())
    );
}

#[test]
fn no_sessions() {
    let w = World::default();
    assert_eq!(
        w.find(None, FindKind::Pane, FindFlags::default()),
        Err("no current target".into())
    );
}
