//! Starting the server on first use, like tmux: spawn `<exe> -S PATH server` detached (new
//! session, stdin and stdout from/to `/dev/null`, stderr to a pipe this client reads), then
//! connect with a bounded back-off. The server writes its own log (see [`crate::logfile`]); what
//! it prints on stderr before it listens (a log file it refused, a start-up error) is shown by
//! the client that started it.

use crate::conn::{Client, ClientError};
use crate::logfile::{log_target, LogTarget};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};
use tidemux_proto::PaneId;

/// How long to wait for a freshly started server to accept connections.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server wrote on stderr so far (non-blocking; at most 64 KiB).
fn drain(stderr: &mut ChildStderr) -> String {
    let _ = rustix::fs::fcntl_getfl(&*stderr)
        .and_then(|fl| rustix::fs::fcntl_setfl(&*stderr, fl | rustix::fs::OFlags::NONBLOCK));
    let mut buf = Vec::new();
    let _ = stderr.take(64 * 1024).read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn last_line(s: &str) -> Option<String> {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_owned())
}

/// Connects to the server on `socket`, starting `server_exe -S socket server` if none runs.
///
/// # Errors
/// [`ClientError::StartFailed`] with the server log's last line when it does not come up.
pub fn connect_or_start(
    socket: &Path,
    caller: Option<PaneId>,
    server_exe: &Path,
) -> Result<Client, ClientError> {
    connect_or_start_with(socket, caller, server_exe, &[])
}

/// [`connect_or_start`], passing `server_args` after `server` (e.g. `--resurrect FILE`) when
/// it starts one.
///
/// # Errors
/// As [`connect_or_start`].
pub fn connect_or_start_with(
    socket: &Path,
    caller: Option<PaneId>,
    server_exe: &Path,
    server_args: &[std::ffi::OsString],
) -> Result<Client, ClientError> {
    match Client::connect(socket, caller) {
        Err(ClientError::NoServer(_)) => {}
        other => return other,
    }
    let fail = |why: String| ClientError::StartFailed {
        socket: socket.to_owned(),
        why,
    };
    let mut cmd = Command::new(server_exe);
    cmd.arg("-S")
        .arg(socket)
        .arg("server")
        .args(server_args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: setsid is async-signal-safe; it detaches the server from our terminal and
    // process group so that a Ctrl-C or hang-up of this shell does not reach it.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::setsid()
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run {}: {e}", server_exe.display())))?;
    let mut stderr = child.stderr.take();
    let deadline = Instant::now() + START_TIMEOUT;
    let mut delay = Duration::from_millis(1);
    loop {
        match Client::connect(socket, caller) {
            Err(ClientError::NoServer(_)) => {}
            other => {
                // Warnings the server printed before it listened (a refused log file).
                if let Some(mut e) = stderr.take() {
                    for l in drain(&mut e).lines().filter(|l| !l.trim().is_empty()) {
                        let l = l.trim_start_matches("tidemux: server: ");
                        let _ = writeln!(std::io::stderr(), "tidemux: server: {l}");
                    }
                }
                // Reap the child later; it runs on as the server.
                std::thread::spawn(move || child.wait());
                return other;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Another client may have won the race to start it.
            if let Ok(c) = Client::connect(socket, caller) {
                return Ok(c);
            }
            let said = stderr.as_mut().map(drain).unwrap_or_default();
            let tail = last_line(&said)
                .or_else(|| match log_target(socket) {
                    LogTarget::File(p) => {
                        std::fs::read_to_string(p).ok().and_then(|s| last_line(&s))
                    }
                    LogTarget::Stderr => None,
                })
                .unwrap_or_default();
            return Err(fail(format!("server exited with {status}: {tail}")));
        }
        if Instant::now() >= deadline {
            return Err(fail(format!(
                "no answer within {} s",
                START_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(50));
    }
}
