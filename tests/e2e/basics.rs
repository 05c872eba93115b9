//! The scripted quick start: start bash, type, read back.

use crate::support::Server;

#[test]
fn bash_echo_round_trip() {
    let s = Server::new();
    let pane = s.start("work", &[]);
    assert!(pane.starts_with('%'), "{pane}");
    s.wait_prompt("work");
    s.ok(&["send", "-t", "work", "--enter", "echo hello $((6*7))"]);
    let screen = s.wait_text("work", "hello 42");
    assert!(screen.contains("echo hello $((6*7))"));
}
