//! `wait-for -L` / `-U`: channel locks as tmux's.

use crate::support::{wait_until, Server, DEADLINE};
use std::process::Stdio;

#[test]
fn lock_waits_for_unlock_and_unlock_needs_a_lock() {
    let s = Server::new();
    s.start("w", &["cat"]);
    s.ok(&["wait-for", "-L", "ch"]);
    // A second -L waits in line until the first holder unlocks.
    let mut waiter = s
        .command()
        .args(["wait-for", "-L", "ch"])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn wait-for -L");
    crate::support::wait_blocked(&[&waiter]);
    // A -L with a timeout gives up (exit 124) and does not take the lock later; the first
    // waiter is still in line after it.
    assert_eq!(
        s.run(&["wait-for", "-L", "ch", "--timeout", "0.2"]).code,
        124
    );
    assert!(
        waiter.try_wait().expect("try_wait").is_none(),
        "-L returned while locked"
    );
    s.ok(&["wait-for", "-U", "ch"]);
    assert!(wait_until(DEADLINE, || waiter
        .try_wait()
        .expect("try_wait")
        .is_some()));
    assert!(waiter.wait().expect("wait").success());
    // The waiter holds it now; one unlock frees it, a second is an error.
    s.ok(&["wait-for", "-U", "ch"]);
    let o = s.run(&["wait-for", "-U", "ch"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("channel ch not locked"), "{o:?}");
    let v = s.json(&["wait-for", "-L", "ch"]);
    assert_eq!(v, serde_json::json!({"channel": "ch", "result": "locked"}));
    // -S and -L are exclusive.
    assert_eq!(s.run(&["wait-for", "-S", "-L", "ch"]).code, 2);
}
