//! Feeds one recorded stream once through vt100 alone or the whole pane path, for
//! instruction counts that do not depend on the machine's load:
//!
//! `cargo build --release -p tidemux-benches --example feed` then
//! `valgrind --tool=callgrind target/release/examples/feed pane ls` (or `perf stat -e
//! instructions`). Arguments: `vt100|pane`, a stream name (`ls`, `build`, `tui`, `plain`,
//! `yes`) and optionally the chunk size in bytes (default `pane::READ_CHUNK`). It prints the
//! bytes fed and the number of lines on the screen and in history.

use std::num::NonZeroU16;
use tidemux_server::screen::Screen;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "pane".into());
    let name = args.next().unwrap_or_else(|| "ls".into());
    let chunk: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(tidemux_server::pane::READ_CHUNK)
        .max(1);
    let bytes = if name == "yes" {
        // `yes` through a PTY: "y" lines with ONLCR's CR LF.
        b"y\r\n".repeat(333_334)
    } else {
        let path = format!("{}/streams/{name}.vt", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let nz = |n| NonZeroU16::new(n).expect("non-zero");
    match mode.as_str() {
        "vt100" => {
            let mut p = vt100::Parser::new(nz(50), nz(200), 0);
            for c in bytes.chunks(chunk) {
                p.process(c);
            }
            println!(
                "{} bytes, cursor {:?}",
                bytes.len(),
                p.screen().cursor_position()
            );
        }
        _ => {
            let mut s = Screen::new(50, 200, 10_000);
            let mut seq = 0u64;
            for c in bytes.chunks(chunk) {
                seq += c.len() as u64;
                s.process(c, seq);
                s.sync();
            }
            let (hist, _, hbytes) = s.history_stats();
            println!(
                "{} bytes, history {hist} lines ({hbytes} bytes)",
                bytes.len()
            );
        }
    }
}
