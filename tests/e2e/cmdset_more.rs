//! Issue 11, the rest of tmux's command set: target tokens (`{last}`, `!`, `{next}`, `+N`,
//! `{marked}`...) and `pane-base-index` in targets and listings, compared with tmux 3.3a;
//! hooks and options that act (alerts, automatic-rename, ...).

use crate::formats::Tmux;
use crate::support::Server;

/// The same windows and panes on tidemux and tmux, then the same target tokens resolved by
/// `display-message -p -t TOKEN` on both.
#[test]
fn target_tokens_and_pane_base_index_match_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("a", &["cat"]);
    t.ok(&[
        "new-session",
        "-d",
        "-s",
        "a",
        "-x",
        "80",
        "-y",
        "24",
        "cat",
    ]);
    let both = |args: &[&str], spawn: bool| {
        let mut ours: Vec<&str> = args.to_vec();
        let mut theirs: Vec<&str> = args.to_vec();
        if spawn {
            ours.extend(["--", "cat"]);
            theirs.push("cat");
        }
        s.ok(&ours);
        t.ok(&theirs);
    };
    both(&["new-window", "-t", "a"], true);
    both(&["new-window", "-t", "a"], true);
    both(&["split-window", "-t", "a:1"], true);
    both(&["split-window", "-t", "a:1"], true);
    both(&["select-window", "-t", "a:0"], false);
    both(&["select-window", "-t", "a:1"], false);
    both(&["select-pane", "-t", "a:1.0"], false);
    both(&["select-pane", "-t", "a:1.2"], false);
    let fmt = "#{window_index}.#{pane_index}";
    let tokens = [
        "a:!",
        "a:{last}",
        "a:{next}",
        "a:+",
        "a:+2",
        "a:{previous}",
        "a:-",
        "a:-1",
        "a:{start}",
        "a:^",
        "a:{end}",
        "a:$",
        "a:1.!",
        "a:1.{last}",
        "a:1.{next}",
        "a:1.+",
        "a:1.-",
        "a:1.{previous}",
        "a:1.+2",
        "!",
        "{last}",
        "a:1.{top}",
        "a:1.{bottom}",
        "a:1.top",
        "a:1.{left}",
        "a:1.{right}",
        "a:1.{top-left}",
        "a:1.{bottom-right}",
        "a:1.bottom-left",
    ];
    let check = |tokens: &[&str]| {
        for tok in tokens {
            let ours = s.ok(&["display-message", "-p", "-t", tok, fmt]);
            let theirs = t.ok(&["display-message", "-p", "-t", tok, fmt]);
            assert_eq!(ours, theirs, "target {tok}");
        }
    };
    check(&tokens);
    // The marked pane.
    both(&["select-pane", "-m", "-t", "a:1.1"], false);
    check(&["{marked}", "~"]);
    // pane-base-index: pane indexes in targets and listings start there.
    both(&["set-option", "-g", "pane-base-index", "1"], false);
    check(&["a:1.1", "a:1.3", "a:1.!", "a:1.{next}"]);
    let list = [
        "list-panes",
        "-t",
        "a:1",
        "-F",
        "#{pane_index} #{pane_active}",
    ];
    assert_eq!(s.ok(&list), t.ok(&list));
    assert_eq!(s.ok(&list), "1 0\n2 0\n3 1\n");
    // The JSON index too.
    let v = s.json(&["list-panes", "-t", "a:1"]);
    let idx: Vec<u64> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["index"].as_u64().expect("index"))
        .collect();
    assert_eq!(idx, [1, 2, 3]);
    // Index 0 no longer names a pane, on either (display-message cannot fail on a target in
    // tmux, select-pane can).
    assert_ne!(s.run(&["select-pane", "-t", "a:1.0"]).code, 0);
    assert_ne!(t.run(&["select-pane", "-t", "a:1.0"]).code, 0);
    // No last pane in a window that only ever had one.
    assert_ne!(s.run(&["select-pane", "-t", "a:0.!"]).code, 0);
    assert_ne!(t.run(&["select-pane", "-t", "a:0.!"]).code, 0);
    // A window's own value wins over the global one.
    both(
        &["set-option", "-w", "-t", "a:1", "pane-base-index", "5"],
        false,
    );
    check(&["a:1.5", "a:1.7"]);
    assert_eq!(s.ok(&list), t.ok(&list));
}
