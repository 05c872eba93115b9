//! Parser throughput: recorded PTY output fed to vt100 alone and to the whole pane path.
//!
//! Streams (raw bytes recorded in a 200x50 PTY by `benches/streams/record.py`):
//! `ls` (`ls -laR --color=always`), `build` (`cargo build -v` with colours and progress bar),
//! `tui` (vim paging and scrolling with 256-colour syntax highlighting) and `plain` (licence
//! texts, no escape sequences); `yes` is generated, not recorded: 1 MB of `y` lines as `yes`
//! writes them through a PTY (`y\r\n`), the shortest lines, so the cost per line dominates.
//!
//! Groups:
//! - `vt100_alone`: `vt100::Parser::process` on a fresh 200x50 parser without scrollback;
//! - `pane_path`: `tidemux_server::screen::Screen::process` on a fresh 200x50 screen with a
//!   10,000-line history (parser + history via `on_scroll`: fingerprint and formatting of every
//!   row leaving the screen), then `Screen::sync` (fingerprint of every visible row) after
//!   every chunk. The server syncs less often (when a sequence number is exposed, for waits and
//!   frames, and every 100 ms), so this is the pane path's upper bound.
//!
//! Each iteration feeds a whole stream in chunks of `READ_CHUNK` (64 KiB) bytes, as the pane
//! reader does with full reads; `TIDEMUX_BENCH_CHUNK=<bytes>` overrides the chunk size (real
//! PTY reads are rarely over 4 KiB, so per-chunk syncs cost more there). Throughput is reported
//! in bytes per second and in lines (line feeds in the stream) per second.
//!
//! For load-independent before/after comparisons use instruction counts of one pass instead:
//! `benches/examples/feed.rs` under `valgrind --tool=callgrind` (see docs/benchmarks-parser.md).
//!
//! Run: `cargo bench -p tidemux-benches` (divan options after `--`, e.g. `-- pane_path`).

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use std::num::NonZeroU16;
use tidemux_server::pane::READ_CHUNK;
use tidemux_server::screen::Screen;

const ROWS: u16 = 50;
const COLS: u16 = 200;
const HISTORY_LIMIT: usize = 10_000;

const STREAMS: &[&str] = &["ls", "build", "tui", "plain", "yes"];

fn stream(name: &str) -> &'static [u8] {
    static YES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    match name {
        "ls" => include_bytes!("../streams/ls.vt"),
        "build" => include_bytes!("../streams/build.vt"),
        "tui" => include_bytes!("../streams/tui.vt"),
        "plain" => include_bytes!("../streams/plain.vt"),
        "yes" => YES.get_or_init(|| b"y\r\n".repeat(333_334)),
        _ => panic!("unknown stream {name}"),
    }
}

/// Line feeds in a stream (the lines-per-second counter).
fn lines(bytes: &[u8]) -> ItemsCount {
    ItemsCount::new(memchr::memchr_iter(b'\n', bytes).count())
}

fn chunk_size() -> usize {
    std::env::var("TIDEMUX_BENCH_CHUNK")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(READ_CHUNK)
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero size")
}

fn main() {
    divan::main();
}

#[divan::bench_group(sample_count = 40)]
mod vt100_alone {
    use super::*;

    #[divan::bench(args = STREAMS)]
    fn process(bencher: Bencher, name: &str) {
        let bytes = stream(name);
        let chunk = chunk_size();
        bencher
            .counter(BytesCount::of_slice(bytes))
            .counter(lines(bytes))
            .with_inputs(|| vt100::Parser::new(nz(ROWS), nz(COLS), 0))
            .bench_local_values(|mut parser| {
                for c in bytes.chunks(chunk) {
                    parser.process(divan::black_box(c));
                }
                parser
            });
    }
}

#[divan::bench_group(sample_count = 40)]
mod pane_path {
    use super::*;

    #[divan::bench(args = STREAMS)]
    fn process(bencher: Bencher, name: &str) {
        let bytes = stream(name);
        let chunk = chunk_size();
        bencher
            .counter(BytesCount::of_slice(bytes))
            .counter(lines(bytes))
            .with_inputs(|| Screen::new(ROWS, COLS, HISTORY_LIMIT))
            .bench_local_values(|mut screen| {
                let mut seq = 0u64;
                for c in bytes.chunks(chunk) {
                    seq += c.len() as u64;
                    divan::black_box(screen.process(divan::black_box(c), seq));
                    divan::black_box(screen.sync());
                }
                screen
            });
    }
}
