//! Test support: a real tidemux server on a socket in a fresh temp dir, driven through the real
//! binary. Every wait has a deadline; nothing sleeps blindly.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_tidemux")
}

/// Copies the binary under test to `dst` through a `cp` child process. Never with
/// `std::fs::copy`: its write descriptor would live in this (multi-threaded) test process, a
/// fork by a concurrent test could inherit it until that child's exec, and executing `dst`
/// meanwhile fails with ETXTBSY ("Text file busy"; seen in CI).
pub fn copy_exe(dst: &std::path::Path) {
    let st = std::process::Command::new("cp")
        .arg(exe())
        .arg(dst)
        .status()
        .expect("run cp");
    assert!(st.success(), "cp {} {}: {st}", exe(), dst.display());
}

/// Default deadline for waits.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `env` with tmux's and tidemux's own variables unset: the start of a command that runs a
/// client outside any tmux or tidemux environment (append the program and its arguments).
pub const OUTSIDE_ANY_MUX: [&str; 9] = [
    "env",
    "-u",
    "TMUX",
    "-u",
    "TMUX_PANE",
    "-u",
    "TIDEMUX",
    "-u",
    "TIDEMUX_PANE",
];

/// What a command did.
#[derive(Debug)]
pub struct Out {
    /// Exit code (-1 if killed by a signal).
    pub code: i32,
    /// stdout as UTF-8 (lossy).
    pub stdout: String,
    /// stderr as UTF-8 (lossy).
    pub stderr: String,
}

impl From<Output> for Out {
    fn from(o: Output) -> Self {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// A server under test: its own temp dir and socket. Killed on drop.
pub struct Server {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// A fresh socket path; the server starts with the first `new-session`.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("tidemux-test")
            .tempdir()
            .expect("tempdir");
        let socket = dir.path().join("sock");
        Server { dir, socket }
    }

    /// A `tidemux -S <socket>` command with a clean environment (no TIDEMUX*, TMUX*; the
    /// binary's directory first on PATH so panes can call `tidemux`).
    pub fn command(&self) -> Command {
        let mut c = Command::new(exe());
        c.arg("-S").arg(&self.socket);
        for k in [
            "TIDEMUX",
            "TIDEMUX_PANE",
            "TIDEMUX_SOCKET",
            "TIDEMUX_TMPDIR",
            "TIDEMUX_LOG_FILE",
            "TIDEMUX_LOG_BESIDE_SOCKET",
            "TMUX",
            "TMUX_PANE",
        ] {
            c.env_remove(k);
        }
        // The server's log goes to <dir>/state/tidemux/ (see `Server::log_path`).
        c.env("XDG_STATE_HOME", self.dir.path().join("state"));
        let bin_dir = Path::new(exe()).parent().expect("bin dir").to_owned();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![bin_dir];
        paths.extend(std::env::split_paths(&path));
        c.env("PATH", std::env::join_paths(paths).expect("PATH"));
        c.env("SHELL", "/bin/sh");
        c.stdin(Stdio::null());
        c
    }

    /// The server's log file, `$XDG_STATE_HOME/tidemux/sock-HASH.log`, once a server created it.
    pub fn log_path(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.dir.path().join("state/tidemux"))
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("sock-") && n.ends_with(".log"))
            })
    }

    /// The server's log ("" if there is none yet).
    pub fn log(&self) -> String {
        self.log_path()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    }

    /// Runs `tidemux -S sock ARGS...`.
    pub fn run(&self, args: &[&str]) -> Out {
        self.command()
            .args(args)
            .output()
            .expect("run tidemux")
            .into()
    }

    /// Runs and asserts exit 0; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.code, 0, "tidemux {args:?} failed: {o:?}");
        o.stdout
    }

    /// Runs with `--json` and parses stdout.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let s = self.ok(&a);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}: {s}"))
    }

    /// Starts a detached session running `cmd` (none: `bash --norc --noprofile`); returns the
    /// pane id.
    #[track_caller]
    pub fn start(&self, name: &str, cmd: &[&str]) -> String {
        let mut a = vec!["new-session", "-d", "-s", name, "--"];
        if cmd.is_empty() {
            a.extend(["bash", "--norc", "--noprofile"]);
        } else {
            a.extend(cmd);
        }
        self.ok(&a).trim().to_owned()
    }

    /// The visible screen of `target` as text (trailing blank lines removed).
    pub fn screen(&self, target: &str) -> String {
        self.run(&["read-screen", "-t", target]).stdout
    }

    /// Waits until `pred` holds for the screen of `target`; returns that screen.
    #[track_caller]
    pub fn wait_screen(&self, target: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let ok = wait_until(DEADLINE, || {
            last = self.screen(target);
            pred(&last)
        });
        assert!(
            ok,
            "timed out waiting for {what} on {target}; screen:\n{last}"
        );
        last
    }

    /// Waits until the screen of `target` contains `needle`.
    #[track_caller]
    pub fn wait_text(&self, target: &str, needle: &str) -> String {
        self.wait_screen(target, &format!("'{needle}'"), |s| s.contains(needle))
    }

    /// Waits for a bash prompt (`$` or `#` ending the last non-blank line; captures trim
    /// trailing blanks).
    #[track_caller]
    pub fn wait_prompt(&self, target: &str) -> String {
        self.wait_screen(target, "a prompt", |s| {
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.ends_with('$') || l.ends_with('#'))
        })
    }

    /// The server's pid (from `version --json`), if one runs.
    pub fn pid(&self) -> Option<i32> {
        let o = self.run(&["version", "--json"]);
        let v: Value = serde_json::from_str(&o.stdout).ok()?;
        v["server"]["pid"].as_i64().map(|p| p as i32)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.pid();
        let _ = self.run(&["kill-server"]);
        if let Some(pid) = pid {
            // Make sure it is gone even if kill-server failed.
            if wait_until(Duration::from_secs(5), || !process_alive(pid)) {
                return;
            }
            if let Some(p) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
            }
        }
    }
}

/// Whether `pid` runs (a zombie waiting for its reaper counts as gone).
pub fn process_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].trim_start().chars().next())
            .is_some_and(|state| state != 'Z' && state != 'X'),
        Err(_) => false,
    }
}

/// Polls `cond` with a short back-off until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    let mut delay = Duration::from_millis(2);
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::park_timeout(delay);
        delay = (delay * 2).min(Duration::from_millis(50));
    }
}

/// A raw protocol connection with the hello and negotiation done (JSON-RPC lines follow).
pub struct Raw {
    pub stream: std::os::unix::net::UnixStream,
    pub lines: tidemux_proto::codec::LineReader,
}

impl Raw {
    /// Connects and negotiates.
    pub fn connect(sock: &Path) -> Raw {
        Raw::connect_minor(sock, tidemux_proto::PROTOCOL_MINOR)
    }

    /// Connects and negotiates as a client of protocol minor `minor` (an older client).
    pub fn connect_minor(sock: &Path, minor: u32) -> Raw {
        use std::io::{Read, Write};
        use tidemux_proto::codec;
        let mut stream = std::os::unix::net::UnixStream::connect(sock).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let mut first = codec::hello(codec::HELLO_VERSION).to_vec();
        let mut hello = codec::Hello::ours("e2e");
        hello.minor = minor;
        first.extend(codec::encode_line(&hello).expect("hello line"));
        stream.write_all(&first).expect("hello");
        let mut h = [0u8; codec::HELLO_LEN];
        stream.read_exact(&mut h).expect("server hello");
        assert_eq!(h, codec::hello(codec::HELLO_VERSION), "server hello");
        let mut lines = codec::LineReader::new(tidemux_proto::MAX_FRAME_LEN as usize);
        let w: codec::Welcome =
            codec::decode_line(&lines.read_line(&mut stream, 4096).expect("welcome"))
                .expect("welcome decodes");
        assert_eq!(w.version, Some(tidemux_proto::PROTOCOL_VERSION), "{w:?}");
        Raw { stream, lines }
    }

    /// Writes one request line.
    pub fn send(&mut self, id: u64, request: &tidemux_proto::Request) {
        use std::io::Write;
        let l = tidemux_proto::codec::encode_request(id, None, request).expect("encode");
        self.stream.write_all(&l).expect("write");
    }

    /// Reads one reply line.
    pub fn read(
        &mut self,
    ) -> Result<(Option<u64>, tidemux_proto::Response), tidemux_proto::CodecError> {
        let l = self.lines.read_line(&mut self.stream, 65536)?;
        tidemux_proto::codec::decode_reply(&l)
    }

    /// One request and its reply (the id must match).
    pub fn call(&mut self, id: u64, request: tidemux_proto::Request) -> tidemux_proto::Response {
        self.send(id, &request);
        let (rid, r) = self.read().expect("reply");
        assert_eq!(rid, Some(id));
        r
    }
}

/// Whether `pid` is blocked reading a reply (a read of `FIRST_REPLY_READ` or `READ_CHUNK`
/// bytes: a CLI waiting for its reply after its request was written; the negotiation reads
/// `MAX_HELLO_LINE`), from /proc/PID/syscall:
/// `NR fd buf len ...`.
pub fn blocked_reading_reply(pid: u32) -> bool {
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/syscall")) else {
        return false;
    };
    let f: Vec<&str> = s.split_whitespace().collect();
    // read / recvfrom.
    let reads: &[&str] = if cfg!(target_arch = "x86_64") {
        &["0", "45"]
    } else if cfg!(target_arch = "aarch64") {
        &["63", "207"]
    } else {
        &[]
    };
    use tidemux_proto::codec::{FIRST_REPLY_READ, READ_CHUNK};
    f.len() > 3
        && (f[3] == format!("{READ_CHUNK:#x}") || f[3] == format!("{FIRST_REPLY_READ:#x}"))
        && (reads.is_empty() || reads.contains(&f[0]))
}

/// Waits until every child (a CLI process) has sent its request and waits for the reply.
#[track_caller]
pub fn wait_blocked(children: &[&std::process::Child]) {
    assert!(
        wait_until(DEADLINE, || children
            .iter()
            .all(|c| blocked_reading_reply(c.id()))),
        "the clients never got to wait for their replies"
    );
}
