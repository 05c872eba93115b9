//! Issue 12: pane modes (`copy-mode`, `clock-mode`, `choose-*`, `customize-mode`,
//! `find-window`), `select-pane -T/-m/-M/-d/-e`, `display-popup` and the terminal-mode format
//! variables, through the `tmux` name; where tmux 3.3a is installed the same lines run on a
//! real tmux beside it and must give the same answers.

use crate::support::{wait_until, DEADLINE};
use crate::tmux_lang::{worlds, Tm};
use std::process::Stdio;

/// Helpers of this module on the shared tmux-named world of `tmux_lang`.
impl Tm {
    fn display(&self, target: &str, format: &str) -> String {
        self.ok(&["display-message", "-p", "-t", target, format])
            .trim_end()
            .to_owned()
    }
}

const MODE: &str = "#{pane_in_mode}|#{pane_mode}";

#[test]
fn pane_modes_stack_and_end_like_tmux() {
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "m", "-x", "80", "-y", "24", "sh"]);
        assert_eq!(t.display("m", MODE), "0|", "{}", t.name);
        t.ok(&["copy-mode", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "1|copy-mode", "{}", t.name);
        t.ok(&["clock-mode", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "2|clock-mode", "{}", t.name);
        // Clock mode takes no -X commands.
        let r = t.run(&["send-keys", "-t", "m", "-X", "cancel"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "not in a mode\n"),
            "{}",
            t.name
        );
        // No client attached: keys for clock mode go nowhere, the mode stays.
        t.ok(&["send-keys", "-t", "m", "q"]);
        assert_eq!(t.display("m", MODE), "2|clock-mode", "{}", t.name);
        // Entering a mode further down the stack brings it to the top.
        t.ok(&["copy-mode", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "2|copy-mode", "{}", t.name);
        // q is bound to `send-keys -X cancel` in the copy-mode table.
        t.ok(&["send-keys", "-t", "m", "q"]);
        assert_eq!(t.display("m", MODE), "1|clock-mode", "{}", t.name);
        t.ok(&["copy-mode", "-t", "m"]);
        t.ok(&["send-keys", "-t", "m", "-X", "cancel"]);
        assert_eq!(t.display("m", MODE), "1|clock-mode", "{}", t.name);
        t.ok(&["copy-mode", "-q", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "0|", "{}", t.name);
        t.ok(&[
            "choose-tree",
            "-t",
            "m",
            "-Z",
            "-s",
            "-F",
            "#{session_name}",
        ]);
        assert_eq!(t.display("m", MODE), "1|tree-mode", "{}", t.name);
        // Nothing to choose from: nothing happens.
        t.ok(&["choose-buffer", "-t", "m"]);
        t.ok(&["choose-client", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "1|tree-mode", "{}", t.name);
        t.ok(&["customize-mode", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "2|options-mode", "{}", t.name);
        t.ok(&["find-window", "-t", "m", "sh"]);
        assert_eq!(t.display("m", MODE), "2|tree-mode", "{}", t.name);
        t.ok(&["set-buffer", "x"]);
        t.ok(&["choose-buffer", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "3|buffer-mode", "{}", t.name);
        t.ok(&["copy-mode", "-q", "-t", "m"]);
        assert_eq!(t.display("m", MODE), "0|", "{}", t.name);
        let r = t.run(&["copy-mode", "-t", "m", "-s", "nosuch"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "can't find pane: nosuch\n"),
            "{}",
            t.name
        );
        let r = t.run(&["send-keys", "-t", "m", "-X", "cancel"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "not in a mode\n"),
            "{}",
            t.name
        );
    }
}

#[test]
fn keys_to_a_pane_in_copy_mode_do_not_reach_its_program() {
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "k", "-x", "80", "-y", "24", "sh"]);
        t.ok(&["send-keys", "-t", "k", "echo $((40+2))", "Enter"]);
        t.wait_capture("k", "42");
        t.ok(&["copy-mode", "-t", "k"]);
        t.ok(&["send-keys", "-t", "k", "echo $((70+7))", "Enter"]);
        t.ok(&["send-keys", "-t", "k", "q"]);
        assert_eq!(t.display("k", MODE), "0|", "{}", t.name);
        t.ok(&["send-keys", "-t", "k", "echo $((90+9))", "Enter"]);
        let screen = t.wait_capture("k", "99");
        assert!(!screen.contains("77"), "{}: {screen}", t.name);
    }
}

#[test]
fn select_pane_title_mark_and_input() {
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "s", "-x", "80", "-y", "24", "sh"]);
        t.ok(&["select-pane", "-t", "s", "-T", "my π pane"]);
        assert_eq!(t.display("s", "#{pane_title}"), "my π pane", "{}", t.name);
        t.ok(&["select-pane", "-t", "s", "-m"]);
        assert_eq!(
            t.display("s", "#{pane_marked}#{pane_marked_set}"),
            "11",
            "{}",
            t.name
        );
        t.ok(&["select-pane", "-t", "s", "-M"]);
        assert_eq!(
            t.display("s", "#{pane_marked}#{pane_marked_set}"),
            "00",
            "{}",
            t.name
        );
        t.ok(&["select-pane", "-t", "s", "-d"]);
        assert_eq!(t.display("s", "#{pane_input_off}"), "1", "{}", t.name);
        t.ok(&["send-keys", "-t", "s", "echo $((5100+50))", "Enter"]);
        t.ok(&["select-pane", "-t", "s", "-e"]);
        assert_eq!(t.display("s", "#{pane_input_off}"), "0", "{}", t.name);
        t.ok(&["send-keys", "-t", "s", "echo $((6100+60))", "Enter"]);
        let screen = t.wait_capture("s", "6160");
        assert!(!screen.contains("5150"), "{}: {screen}", t.name);
    }
}

#[test]
fn terminal_modes_as_format_variables() {
    const F: &str = "#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag}#{mouse_any_flag}#{mouse_sgr_flag} #{insert_flag}#{origin_flag}#{wrap_flag} #{scroll_region_upper}-#{scroll_region_lower} #{alternate_saved_x},#{alternate_saved_y}";
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "v", "-x", "80", "-y", "24", "sh"]);
        assert_eq!(
            t.display("v", F),
            "00000 001 0-23 4294967295,4294967295",
            "{}",
            t.name
        );
        t.ok(&[
            "send-keys",
            "-t",
            "v",
            "printf '\\033[3;7H\\033[?1049h\\033[?1002h\\033[?1006h\\033[4h\\033[?7l\\033[5;10r'; echo; echo done",
            "Enter",
        ]);
        let ok = wait_until(DEADLINE, || {
            t.display("v", F) != "00000 001 0-23 4294967295,4294967295"
        });
        assert!(ok, "{}: modes never changed", t.name);
        let mut last = String::new();
        let ok = wait_until(DEADLINE, || {
            last = t.display("v", F);
            last.starts_with("01011 100 4-9")
        });
        assert!(ok, "{}: {last}", t.name);
        assert_eq!(last, "01011 100 4-9 6,2", "{}", t.name);
        t.ok(&["new-window", "-d", "sh"]);
        t.ok(&["new-window", "-d", "sh"]);
        assert_eq!(
            t.display("v", "#{active_window_index} #{last_window_index}"),
            "0 2",
            "{}",
            t.name
        );
    }
}

#[test]
fn display_popup_runs_its_command_for_a_client() {
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "p", "-x", "80", "-y", "24", "sh"]);
        // No client: tmux's error.
        let r = t.run(&["display-popup", "-E", "true"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "no current client\n"),
            "{}",
            t.name
        );
        // A control client is a client: the popup's command runs, -E waits for its end.
        let mut ctl = t
            .cmd(&["-C", "attach-session", "-t", "p"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ok = wait_until(DEADLINE, || {
            !t.run(&["list-clients"]).stdout.trim().is_empty()
        });
        assert!(ok, "{}: the control client never attached", t.name);
        let marker = t.dir.path().join("popup.marker");
        let work = t.dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        t.ok(&[
            "display-popup",
            "-E",
            "-w",
            "40",
            "-h",
            "10",
            "-x",
            "C",
            "-y",
            "C",
            "-T",
            "title",
            "-d",
            work.to_str().unwrap(),
            "-e",
            "FOO=bar",
            &format!("sleep 0.2; echo \"$FOO $(pwd)\" > {}", marker.display()),
        ]);
        let text = std::fs::read_to_string(&marker).unwrap_or_default();
        assert_eq!(text.trim(), format!("bar {}", work.display()), "{}", t.name);
        for (args, err) in [
            (&["-w", "0"][..], "width too small\n"),
            (&["-h", "abc"][..], "height invalid\n"),
            (&["-c", "nosuch"][..], "can't find client: nosuch\n"),
        ] {
            let mut a = vec!["display-popup"];
            a.extend_from_slice(args);
            a.extend(["-E", "true"]);
            let r = t.run(&a);
            assert_eq!((r.code, r.stderr.as_str()), (1, err), "{}: {a:?}", t.name);
        }
        // -C with no popup open does nothing.
        t.ok(&["display-popup", "-C"]);
        drop(ctl.stdin.take());
        let _ = ctl.wait();
    }
}

#[test]
fn bad_styles_are_refused_and_split_zoom_fills_the_window() {
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "z", "-x", "80", "-y", "24", "sh"]);
        for (v, err) in [
            ("invalid-style", "invalid style: invalid-style\n"),
            ("fg=nosuch", "invalid style: fg=nosuch\n"),
        ] {
            let r = t.run(&["set-option", "-g", "status-style", v]);
            assert_eq!((r.code, r.stderr.as_str()), (1, err), "{}", t.name);
        }
        for v in [
            "fg=red,bg=default,bold",
            "fg=colour240,bg=#525252,bold,underscore",
            "#{?pane_in_mode,fg=red,bogus}",
        ] {
            t.ok(&["set-option", "-g", "status-style", v]);
            assert_eq!(
                t.ok(&["show-options", "-gv", "status-style"]).trim_end(),
                v,
                "{}",
                t.name
            );
        }
        t.ok(&["split-window", "-Z", "-t", "z"]);
        assert_eq!(
            t.ok(&[
                "list-panes",
                "-t",
                "z",
                "-F",
                "#{pane_width}x#{pane_height} #{window_zoomed_flag}#{pane_active}"
            ]),
            "80x12 10\n80x24 11\n",
            "{}",
            t.name
        );
    }
}

#[test]
fn resize_window_adjusts_and_send_keys_reset_clears() {
    const SIZE: &str = "#{window_width}x#{window_height}";
    for t in worlds() {
        t.ok(&["new-session", "-d", "-s", "r", "-x", "80", "-y", "10", "sh"]);
        t.ok(&["resize-window", "-t", "r", "-y", "10", "-x", "10"]);
        assert_eq!(t.display("r", SIZE), "10x10", "{}", t.name);
        t.ok(&["resize-window", "-t", "r", "-D", "20"]);
        assert_eq!(t.display("r", SIZE), "10x30", "{}", t.name);
        t.ok(&["resize-window", "-t", "r", "-U", "10"]);
        assert_eq!(t.display("r", SIZE), "10x20", "{}", t.name);
        t.ok(&["resize-window", "-t", "r", "-R"]);
        assert_eq!(t.display("r", SIZE), "11x20", "{}", t.name);
        // No client: -a and -A take default-size, the session's from new-session -x/-y.
        t.ok(&["resize-window", "-t", "r", "-a"]);
        assert_eq!(t.display("r", SIZE), "80x10", "{}", t.name);
        t.ok(&["resize-window", "-t", "r", "-y", "2"]);
        t.ok(&["resize-window", "-t", "r", "-A"]);
        assert_eq!(t.display("r", SIZE), "80x10", "{}", t.name);
        assert_eq!(
            t.ok(&["show-options", "-v", "-t", "r", "default-size"]),
            "80x10\n",
            "{}",
            t.name
        );
        let r = t.run(&["resize-window", "-t", "r", "-L", "x"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "adjustment invalid\n"),
            "{}",
            t.name
        );
        for i in 0..30 {
            t.ok(&[
                "send-keys",
                "-t",
                "r",
                &format!("echo $(({i}+1000))"),
                "Enter",
            ]);
        }
        t.wait_capture("r", "1029");
        let ok = wait_until(DEADLINE, || t.display("r", "#{history_size}") != "0");
        assert!(ok, "{}: no history", t.name);
        t.ok(&[
            "send-keys",
            "-t",
            "r",
            "-R",
            ";",
            "clear-history",
            "-t",
            "r",
        ]);
        let all = t
            .run(&["capture-pane", "-p", "-S", "-100", "-t", "r"])
            .stdout;
        assert!(!all.contains("10"), "{}: {all}", t.name);
        assert_eq!(
            t.display("r", "#{history_size} #{cursor_x},#{cursor_y}"),
            "0 0,0",
            "{}",
            t.name
        );
        // A respawned pane leaves its modes.
        t.ok(&["copy-mode", "-t", "r"]);
        t.ok(&["respawn-pane", "-k", "-t", "r", "sh"]);
        assert_eq!(t.display("r", MODE), "0|", "{}", t.name);
    }
}
