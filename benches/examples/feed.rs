//! Feeds one recorded stream once through vt100 alone or the whole pane path, for
//! instruction counts that do not depend on the machine's load:
//!
//! `cargo build --release -p tidemux-benches --example feed` then
//! `valgrind --tool=callgrind target/release/examples/feed pane ls` (or `perf stat -e
//! instructions`). Arguments: `vt100|pane`, a stream name (`ls`, `build`, `tui`, `plain`,
//! `yes`, `lines`), optionally the chunk size in bytes (default `pane::READ_CHUNK`) and the
//! screen size as `COLSxROWS` (default `200x50`). `yes` is 1 MB of `y` lines and `lines` 4 MB
//! of the numbered 79-character lines `benches/compare.py` row D prints, both as a PTY hands
//! them over (CR LF). It prints the bytes fed and the number of lines in history.

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
    let (cols, rows) = args
        .next()
        .and_then(|s| {
            let (c, r) = s.split_once('x')?;
            Some((c.parse().ok()?, r.parse().ok()?))
        })
        .unwrap_or((200u16, 50u16));
    let bytes = if name == "yes" {
        // `yes` through a PTY: "y" lines with ONLCR's CR LF.
        b"y\r\n".repeat(333_334)
    } else if name == "lines" {
        // compare.py row D's file through a PTY: 10-digit number, blank, 68 dots, CR LF.
        // (Made without `format!`, so that making it costs little next to parsing it.)
        let mut line =
            *b"0000000000 ....................................................................\r\n";
        let mut v = Vec::with_capacity(50_000 * line.len());
        for _ in 0..50_000 {
            for d in line[..10].iter_mut().rev() {
                if *d == b'9' {
                    *d = b'0';
                } else {
                    *d += 1;
                    break;
                }
            }
            v.extend_from_slice(&line);
        }
        v
    } else {
        let path = format!("{}/streams/{name}.vt", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let nz = |n| NonZeroU16::new(n).expect("non-zero");
    match mode.as_str() {
        "vt100" => {
            let mut p = vt100::Parser::new(nz(rows), nz(cols), 0);
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
            let mut s = Screen::new(rows, cols, 10_000);
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
