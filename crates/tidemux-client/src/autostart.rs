//! Starting the server on first use, like tmux: spawn `<exe> -S PATH server` detached (new
//! session, stdin from /dev/null, stdout and stderr to `PATH.log`), then connect with a bounded
//! back-off.

use crate::conn::{Client, ClientError};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tidemux_proto::PaneId;

/// How long to wait for a freshly started server to accept connections.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// The log file of the server on `socket`.
pub fn log_path(socket: &Path) -> PathBuf {
    let mut s = socket.as_os_str().to_owned();
    s.push(".log");
    PathBuf::from(s)
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
    match Client::connect(socket, caller) {
        Err(ClientError::NoServer(_)) => {}
        other => return other,
    }
    let fail = |why: String| ClientError::StartFailed {
        socket: socket.to_owned(),
        why,
    };
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(socket))
        .map_err(|e| {
            fail(format!(
                "cannot open log {}: {e}",
                log_path(socket).display()
            ))
        })?;
    let log2 = log.try_clone().map_err(|e| fail(e.to_string()))?;
    let mut cmd = Command::new(server_exe);
    cmd.arg("-S")
        .arg(socket)
        .arg("server")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
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
    let deadline = Instant::now() + START_TIMEOUT;
    let mut delay = Duration::from_millis(1);
    loop {
        match Client::connect(socket, caller) {
            Err(ClientError::NoServer(_)) => {}
            other => {
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
            let tail = std::fs::read_to_string(log_path(socket))
                .ok()
                .and_then(|s| s.lines().last().map(str::to_owned))
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
