//! Protocol fuzzing against a real server: random and mutated byte streams on fresh
//! connections (hello and negotiation variants, truncated lines, long lines, valid request lines
//! with bad payloads, valid lines mutated byte by byte), checking after every batch that the
//! server still answers, kept its pid, and did not grow its memory without bound.
//!
//! CI runs [`DEFAULT_CASES`] cases with a fixed seed (a few seconds). A long run:
//!
//! ```sh
//! TIDEMUX_FUZZ_CASES=10000000 TIDEMUX_FUZZ_SEED=$RANDOM \
//!   cargo test --release -p tidemux --test e2e protocol_fuzz -- --nocapture
//! ```
//!
//! A failure prints the seed and the case number; the bytes of a case that broke the server go
//! into [`REGRESSIONS`], which every run replays first.
//!
//! Requests that create or destroy things (`new-session`, `split-window`, `kill-*`, ...) are
//! never sent, whole or mutated: a fuzzer that kills the server's last session proves nothing.

use crate::support::{wait_until, Server, DEADLINE};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};
use tidemux_proto::codec::{self, HELLO_VERSION};
use tidemux_proto::{ReadRange, Request, RunState, WaitSpec};

/// Cases per CI run.
const DEFAULT_CASES: u64 = 2000;
/// Seed of CI runs (a long run picks its own with `TIDEMUX_FUZZ_SEED`).
const DEFAULT_SEED: u64 = 0x7469_6465_6d75_7808;
/// Cases between two liveness checks.
const CHECK_EVERY: u64 = 250;
/// The server's resident memory may not exceed this, in kB (a 2,000,000-cell window, the
/// largest allowed, costs about 64 MB per screen).
const MAX_RSS_KB: u64 = 512 * 1024;

/// Byte streams (sent right after connecting) that once broke a server or mark an edge:
/// replayed first by every run.
const REGRESSIONS: &[&[u8]] = &[
    // Nothing at all, a partial hello, a wrong magic, another version.
    b"",
    b"TDM",
    b"SSH-2.0-OpenSSH\r\n",
    b"TDMX\xe7\x03\x00\x00\x00\x00\x00\x00",
    // A version-1 client and its old bincode frame header.
    b"TDMX\x01\x00\x00\x00\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00",
    // Negotiation lines: none, empty, not JSON, an empty range, a huge range, a bad encoding.
    b"TDMX\x02\x00\x00\x00",
    b"TDMX\x02\x00\x00\x00\n",
    b"TDMX\x02\x00\x00\x00\xff\xfe{\n",
    b"TDMX\x02\x00\x00\x00{\"min_version\":9,\"max_version\":1}\n{\"id\":1,\"method\":\"list-sessions\"}\n",
    b"TDMX\x02\x00\x00\x00{\"min_version\":0,\"max_version\":4294967295}\n{\"id\":1,\"method\":\"list-sessions\"}\n",
    b"TDMX\x02\x00\x00\x00{\"min_version\":2,\"max_version\":2,\"encoding\":\"bincode\"}\n",
    // Requests: empty lines, `{}`, a null id, an id over u64, params of the wrong type,
    // deeply nested JSON.
    b"TDMX\x02\x00\x00\x00{\"min_version\":2,\"max_version\":2}\n\n\r\n{}\n{\"id\":null}\n{\"id\":18446744073709551616,\"method\":\"identify\"}\n{\"id\":2,\"method\":\"send\",\"params\":[1,2]}\n[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
];

/// The hello and the negotiation line of a well-behaved client.
fn prefix() -> Vec<u8> {
    let mut p = codec::hello(HELLO_VERSION).to_vec();
    p.extend(codec::encode_line(&codec::Hello::ours("fuzz")).expect("hello line"));
    p
}

/// xorshift64*: small, seeded, good enough to spread cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn string(&mut self, max: u64) -> String {
        const PARTS: &[&str] = &[
            "a",
            "%0",
            "$0",
            "@0",
            "fuzz",
            ":",
            ".",
            "é",
            "\u{1b}[2J",
            "\r",
            "\n",
            "(",
            "*",
            "\0",
            "Enter",
            "C-c",
            "F12",
            "M-",
            "x",
        ];
        let n = self.below(max + 1);
        (0..n).map(|_| *self.pick(PARTS)).collect()
    }
    fn target(&mut self) -> Option<String> {
        match self.below(4) {
            0 => None,
            1 => Some(
                self.pick(&["%0", "$0", "@0", "fuzz", "fuzz:0.0", "%99"])
                    .to_string(),
            ),
            _ => Some(self.string(6)),
        }
    }
    fn size(&mut self) -> u16 {
        if self.chance(2) {
            self.below(300) as u16
        } else {
            self.next() as u16
        }
    }
    fn small_ms(&mut self) -> Option<u64> {
        self.chance(4).then(|| self.below(50))
    }
}

/// A request that creates and destroys nothing, with random (often bad) payloads. Waits carry
/// short timeouts; the connection's close ends them anyway.
fn safe_request(r: &mut Rng) -> Request {
    let spec = |r: &mut Rng| WaitSpec {
        text: r.chance(2).then(|| r.string(4)),
        history: r.chance(2),
        idle_ms: r.chance(3).then(|| r.below(30)),
        exit: r.chance(4),
        prompt: r.chance(4),
        state: r.chance(4).then_some(RunState::Idle),
        since: r.chance(3).then(|| r.next()),
        read: r.chance(2),
    };
    match r.below(24) {
        0 => Request::ListSessions,
        1 => Request::ListWindows {
            target: r.target(),
            all: r.chance(2),
        },
        2 => Request::ListPanes {
            target: r.target(),
            all: r.chance(2),
            brief: r.chance(2),
        },
        3 => Request::ReadScreen {
            target: r.target(),
            range: match r.below(4) {
                0 => ReadRange::Visible,
                1 => ReadRange::Lines(r.next() as u32),
                2 => ReadRange::History,
                _ => ReadRange::Span {
                    start: r.chance(2).then(|| r.next() as i64),
                    end: r.chance(2).then(|| r.next() as i64),
                },
            },
            ansi: r.chance(2),
        },
        4 => Request::Send {
            target: r.target(),
            text: r.string(20),
            enter: r.chance(2),
            submit_delay_ms: r.small_ms(),
            wait: r.chance(3).then(|| spec(r)),
            timeout_ms: Some(r.below(40)),
        },
        5 => Request::SendKeys {
            target: r.target(),
            keys: (0..r.below(4)).map(|_| r.string(3)).collect(),
            count: if r.chance(2) {
                r.below(5) as u32
            } else {
                r.next() as u32
            },
        },
        6 => Request::WaitFor {
            channel: r.string(8),
            signal: r.chance(2),
            timeout_ms: Some(r.below(40)),
        },
        7 => Request::HasSession { target: r.target() },
        8 => Request::Identify,
        9 => Request::ServerInfo,
        10 => Request::Wait {
            target: r.target(),
            spec: spec(r),
            timeout_ms: Some(r.below(40)),
        },
        11 => Request::Events {
            after: r.chance(2).then(|| r.next()),
            filters: (0..r.below(3)).map(|_| r.string(3)).collect(),
        },
        12 => Request::Notify {
            target: r.target(),
            message: r.string(10),
            clear: r.chance(2),
        },
        13 => Request::Attach {
            target: r.target(),
            read_only: r.chance(2),
            cols: r.size(),
            rows: r.size(),
            terminal: None,
            flags: None,
        },
        14 => Request::AttachInput { bytes: r.bytes(16) },
        15 => Request::AttachResize {
            cols: r.size(),
            rows: r.size(),
        },
        16 => Request::AttachDetach,
        17 => Request::ClientInput {
            client: r.below(4) as u32,
            bytes: r.bytes(8),
        },
        18 => Request::ClientResize {
            client: r.below(4) as u32,
            cols: r.size(),
            rows: r.size(),
        },
        19 => Request::ResizeWindow {
            target: r.target(),
            cols: r.chance(2).then(|| r.size()),
            rows: r.chance(2).then(|| r.size()),
        },
        20 => Request::RenamePane {
            target: r.target(),
            name: r.string(4),
        },
        21 => Request::select_pane(r.target()),
        22 => Request::ZoomPane { target: r.target() },
        _ => Request::CycleWindow {
            target: r.target(),
            offset: r.next() as i32,
        },
    }
}

/// Whether a line decodes to a request that creates or destroys something (never sent).
fn destructive(line: &[u8]) -> bool {
    match codec::decode_request(line) {
        Ok(rpc) => matches!(
            rpc.request,
            Request::NewSession(_)
                | Request::NewWindow { .. }
                | Request::SplitWindow { .. }
                | Request::KillPane { .. }
                | Request::KillWindow { .. }
                | Request::KillSession { .. }
                | Request::KillServer
                | Request::RenameSession { .. }
                | Request::RenameWindow { .. }
                | Request::SelectWindow { .. }
                | Request::DetachClient { .. }
        ),
        Err(_) => false,
    }
}

/// A valid request line (without its newline).
fn line_of(r: &mut Rng) -> Vec<u8> {
    let mut l = codec::encode_request(r.next() >> r.below(64), None, &safe_request(r))
        .expect("a generated request fits a line");
    l.pop();
    l
}

/// One case: the bytes to send on a fresh connection, or `None` if the generator produced a
/// destructive request.
fn case(r: &mut Rng) -> Option<Vec<u8>> {
    let prefix = prefix();
    let mut out = Vec::new();
    match r.below(8) {
        // Random bytes, no handshake.
        0 => out = r.bytes(40),
        // Hello variants: a partial hello, a wrong magic, another number; then anything.
        1 => {
            let mut h = codec::hello(HELLO_VERSION).to_vec();
            match r.below(3) {
                0 => h.truncate(r.below(8) as usize),
                1 => h[r.below(4) as usize] ^= 1 + r.below(255) as u8,
                _ => h[4..].copy_from_slice(&(r.next() as u32).to_le_bytes()),
            }
            out.extend_from_slice(&h);
            out.extend_from_slice(&r.bytes(30));
        }
        // Negotiation lines mutated or replaced, then a request.
        2 => {
            let mut p = prefix.clone();
            for _ in 0..1 + r.below(4) {
                let at = 8 + r.below(p.len() as u64 - 8) as usize;
                match r.below(3) {
                    0 => p[at] ^= 1 << r.below(8),
                    1 => p.insert(at, r.next() as u8),
                    _ => p.truncate(at.max(9)),
                }
            }
            out.extend_from_slice(&p);
            out.push(b'\n');
            out.extend_from_slice(&line_of(r));
            out.push(b'\n');
        }
        // Valid lines, truncated anywhere.
        3 => {
            out.extend_from_slice(&prefix);
            let l = line_of(r);
            if destructive(&l) {
                return None;
            }
            let cut = r.below(l.len() as u64) as usize;
            out.extend_from_slice(&l[..cut]);
        }
        // Valid lines mutated byte by byte (flip, insert, delete, truncate).
        4 | 5 => {
            out.extend_from_slice(&prefix);
            for _ in 0..1 + r.below(3) {
                let mut l = line_of(r);
                for _ in 0..1 + r.below(4) {
                    let at = r.below(l.len() as u64 + 1) as usize;
                    match r.below(4) {
                        0 if at < l.len() => l[at] ^= 1 << r.below(8),
                        1 => l.insert(at, r.next() as u8),
                        2 if at < l.len() => {
                            l.remove(at);
                        }
                        _ => l.truncate(at),
                    }
                }
                if l.split(|&b| b == b'\n').any(destructive) {
                    return None;
                }
                out.extend_from_slice(&l);
                out.push(b'\n');
            }
        }
        // A long line (up to 256 KiB) of junk, with or without its newline.
        6 => {
            out.extend_from_slice(&prefix);
            let n = r.below(256 * 1024) as usize;
            out.extend(std::iter::repeat_n(b'x', n));
            if r.chance(2) {
                out.push(b'\n');
            }
        }
        // Several valid lines with bad payloads, pipelined; sometimes attach then its requests.
        _ => {
            out.extend_from_slice(&prefix);
            for _ in 0..1 + r.below(5) {
                let l = line_of(r);
                if destructive(&l) {
                    return None;
                }
                out.extend_from_slice(&l);
                out.push(b'\n');
            }
        }
    }
    Some(out)
}

/// Sends one case on a fresh connection; sometimes reads what comes back for a moment.
fn run_case(sock: &std::path::Path, bytes: &[u8], read: bool) {
    let Ok(mut c) = UnixStream::connect(sock) else {
        return;
    };
    let _ = c.set_write_timeout(Some(Duration::from_secs(2)));
    let _ = c.set_read_timeout(Some(Duration::from_millis(5)));
    let _ = c.write_all(bytes);
    if read {
        let mut buf = [0u8; 65536];
        let end = Instant::now() + Duration::from_millis(10);
        while Instant::now() < end {
            match c.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
}

fn env_u64(k: &str) -> Option<u64> {
    std::env::var(k).ok().and_then(|v| v.parse().ok())
}

/// Fails unless the server runs with the same pid, answers, and stays within memory.
#[track_caller]
fn check_alive(s: &Server, pid: i32, seed: u64, case: u64) {
    let now = s.pid();
    assert_eq!(
        now,
        Some(pid),
        "server gone or replaced after case {case} (seed {seed})"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let rss: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    assert!(
        rss < MAX_RSS_KB,
        "server RSS {rss} kB after case {case} (seed {seed})"
    );
    s.ok(&["read-screen", "-t", "%0"]);
}

#[test]
fn protocol_fuzz() {
    let cases = env_u64("TIDEMUX_FUZZ_CASES").unwrap_or(DEFAULT_CASES);
    let seed = env_u64("TIDEMUX_FUZZ_SEED").unwrap_or(DEFAULT_SEED).max(1);
    eprintln!("protocol fuzz: {cases} cases, seed {seed}");
    let s = Server::new();
    // Raw mode: typed bytes are data, never signals; cat consumes them.
    s.ok(&[
        "new-session",
        "-d",
        "-s",
        "fuzz",
        "--remain-on-exit",
        "--",
        "sh",
        "-c",
        "stty raw -echo; exec cat >/dev/null",
    ]);
    let pid = s.pid().expect("server pid");
    for (i, bytes) in REGRESSIONS.iter().enumerate() {
        run_case(&s.socket, bytes, true);
        check_alive(&s, pid, seed, i as u64);
    }
    let mut r = Rng(seed);
    let started = Instant::now();
    let mut sent = 0u64;
    for n in 1..=cases {
        if let Some(bytes) = case(&mut r) {
            run_case(&s.socket, &bytes, r.chance(8));
            sent += 1;
        }
        if n % CHECK_EVERY == 0 {
            check_alive(&s, pid, seed, n);
        }
    }
    check_alive(&s, pid, seed, cases);
    // Everything the cases started (waits, attachments, subscriptions) ends with their
    // connections.
    assert!(
        wait_until(DEADLINE, || s.run(&["list-sessions"]).code == 0),
        "the server stopped answering"
    );
    eprintln!(
        "protocol fuzz: {sent} cases sent in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
