//! Live upgrade: `tidemux upgrade-server [--binary PATH]` makes the running server continue as
//! another binary in the same process (same pid), keeping every pane. See
//! `docs/continuity.md` ("Live upgrade") for the whole story; in short:
//!
//! 1. [`request`] (the `upgrade-server` handler) checks the binary (a tidemux that reads state
//!    format [`state::FORMAT`]), replies, and wakes the accept loop, which stops accepting
//!    (the listening socket stays open: new clients wait in its backlog).
//! 2. [`prepare`]: requests in progress end with the error kind `upgraded` ("server upgraded,
//!    retry"), attached clients get `Detached(DetachReason::Upgraded)` (`server upgraded`) and reattach by themselves.
//! 3. [`exec`]: scheduled requests stop their timers, every pane is closed (its reader stops
//!    after the chunk it parses; unread output stays in the kernel), the state
//!    ([`state::capture`]) goes into a memfd, close-on-exec is cleared on the PTY masters, the
//!    listening socket, the memfd and a descriptor of the running binary, and the server
//!    `execve`s the new binary with `TIDEMUX_UPGRADE_STATE=FD` and
//!    `TIDEMUX_UPGRADE_EXE=FD` in its environment.
//! 4. The new binary ([`Start::from_env`], then [`restore`]) reads the state, adopts every pane
//!    and the listening socket, and serves. If it cannot (state refused, a descriptor missing),
//!    it `execve`s the old binary (`/proc/self/fd/EXE`, which works even when the file was
//!    replaced) with the same state and `TIDEMUX_UPGRADE_FAILED=why`; the old binary restores
//!    and reports the failure in `server-info` (`upgrade.status` `failed`).

pub mod state;

use crate::error::{CmdError, CmdResult};
use crate::state::ServerState;
use crate::sync::lock;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tidemux_proto::UpgradeInfo;
use tokio::sync::watch;

/// Environment variable naming the state's descriptor (read by the new binary).
pub const ENV_STATE: &str = "TIDEMUX_UPGRADE_STATE";
/// Environment variable naming the descriptor of the old binary (the fallback).
pub const ENV_EXE: &str = "TIDEMUX_UPGRADE_EXE";
/// Set on the fallback: why the new binary did not take over.
pub const ENV_FAILED: &str = "TIDEMUX_UPGRADE_FAILED";
/// Test hook: a new binary that sees it (and is not a fallback) refuses the state.
pub const ENV_TEST_REFUSE: &str = "TIDEMUX_TEST_REFUSE_UPGRADE";
/// Test hook: a new binary that sees `N` (and is not a fallback) reads only the first N bytes
/// of the state.
pub const ENV_TEST_TRUNCATE: &str = "TIDEMUX_TEST_TRUNCATE_UPGRADE";

/// How long requests in progress and attached clients get to be told before the switch.
pub const NOTIFY_GRACE: Duration = Duration::from_secs(2);
/// How long pane readers get to finish the chunk they are parsing.
pub const READER_GRACE: Duration = Duration::from_secs(2);

/// Upgrade bookkeeping held in [`ServerState`].
#[derive(Debug)]
pub struct Control {
    /// The binary asked for, picked up by the accept loop.
    wanted: watch::Sender<Option<PathBuf>>,
    /// Set once the switch began: requests in progress answer "server upgraded, retry".
    started: watch::Sender<bool>,
    /// Requests being handled (dispatched and not yet answered).
    busy: AtomicUsize,
    /// The last attempt.
    last: Mutex<Option<UpgradeInfo>>,
}

impl Default for Control {
    fn default() -> Self {
        Self {
            wanted: watch::channel(None).0,
            started: watch::channel(false).0,
            busy: AtomicUsize::new(0),
            last: Mutex::new(None),
        }
    }
}

/// Counts a request in progress until dropped (see [`Control::busy`]).
#[derive(Debug)]
pub struct Busy<'a>(&'a Control);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Control {
    /// Marks a request in progress.
    pub fn busy(&self) -> Busy<'_> {
        self.busy.fetch_add(1, Ordering::AcqRel);
        Busy(self)
    }

    /// Resolves once an upgrade asked for a binary (the accept loop stops then).
    pub async fn wanted(&self) -> PathBuf {
        let mut rx = self.wanted.subscribe();
        loop {
            if let Some(p) = rx.borrow_and_update().clone() {
                return p;
            }
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Resolves once the switch began (requests in progress give up then).
    pub async fn started(&self) {
        let mut rx = self.started.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }

    /// Whether the switch began (clients detached by it must not count as leaving:
    /// `destroy-unattached`, `exit-unattached`).
    pub fn switching(&self) -> bool {
        *self.started.borrow()
    }

    /// The last attempt, for `server-info`.
    pub fn last(&self) -> Option<UpgradeInfo> {
        lock(&self.last).clone()
    }

    fn set_last(&self, info: UpgradeInfo) {
        *lock(&self.last) = Some(info);
    }
}

/// The error a request in progress gets when the server switches binaries.
pub fn upgraded_error() -> CmdError {
    CmdError {
        kind: tidemux_proto::ErrorKind::Upgraded,
        message: "server upgraded, retry: the server switched to a new binary (upgrade-server) while this request waited; nothing was lost, run it again".into(),
    }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The file this server runs, as it is named on disk now (`/proc/self/exe`, without the
/// ` (deleted)` the kernel adds once `cargo install` replaced the file).
fn own_binary() -> Option<PathBuf> {
    let p = std::fs::read_link("/proc/self/exe").ok()?;
    let s = p.to_string_lossy();
    Some(PathBuf::from(s.strip_suffix(" (deleted)").unwrap_or(&s)))
}

/// Checks that `path` is a tidemux that can take over this server's state.
fn check_binary(path: &Path) -> Result<(), String> {
    if !path.is_absolute() {
        return Err(format!("binary path '{}' is not absolute", path.display()));
    }
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot use {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    rustix::fs::access(path, rustix::fs::Access::EXEC_OK)
        .map_err(|e| format!("{} is not executable: {e}", path.display()))?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if memchr::memmem::find(&bytes, state::MARKER.as_bytes()).is_none() {
        return Err(format!(
            "{} is not a tidemux that can take over this server (no support for upgrade state format {}): it would lose every pane; use a tidemux built with the same upgrade state format, or kill-server and resurrect",
            path.display(),
            state::FORMAT
        ));
    }
    Ok(())
}

/// `upgrade-server [--binary PATH]`: checks the binary and asks the accept loop to switch.
/// The reply carries the attempt (status `in-progress`).
///
/// # Errors
/// A binary that is missing, not executable or not a tidemux able to take over; an upgrade
/// already in progress. Nothing changes then.
pub fn request(state: &Arc<ServerState>, binary: Option<String>) -> CmdResult {
    let path = match binary {
        Some(b) => PathBuf::from(b),
        None => own_binary().ok_or_else(|| {
            CmdError::failed("cannot find the server's own binary (/proc/self/exe)")
        })?,
    };
    check_binary(&path).map_err(|e| CmdError::invalid(format!("{e}; nothing changed")))?;
    let c = &state.upgrade;
    if c.wanted.borrow().is_some() {
        return Err(CmdError::invalid(
            "an upgrade is already in progress; wait for it (tidemux version --json shows server.upgrade)",
        ));
    }
    let attempt = lock(&c.last).as_ref().map_or(0, |l| l.attempt) + 1;
    let info = UpgradeInfo {
        attempt,
        status: "in-progress".into(),
        binary: path.display().to_string(),
        from_version: env!("CARGO_PKG_VERSION").into(),
        error: None,
        at: now_unix(),
    };
    c.set_last(info);
    c.wanted.send_replace(Some(path));
    Ok(crate::commands::manage::server_info(state))
}

/// Step 2: tells requests in progress and attached clients, and waits (at most
/// [`NOTIFY_GRACE`]) until they were answered.
pub async fn prepare(state: &Arc<ServerState>) {
    state.upgrade.started.send_replace(true);
    lock(&state.clients).detach_all(&tidemux_proto::DetachReason::Upgraded);
    let deadline = Instant::now() + NOTIFY_GRACE;
    while Instant::now() < deadline {
        let idle =
            state.upgrade.busy.load(Ordering::Acquire) == 0 && lock(&state.clients).all_told();
        if idle {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn clear_cloexec(fd: BorrowedFd<'_>) -> std::io::Result<()> {
    rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::empty())?;
    Ok(())
}

/// The server's own arguments for the next binary: as it was started, less `--resurrect FILE`
/// (the panes come from the state, not from a snapshot).
fn server_args() -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in std::env::args_os().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        if a == "--resurrect" {
            skip = true;
            continue;
        }
        if a.to_string_lossy().starts_with("--resurrect=") {
            continue;
        }
        out.push(a);
    }
    out
}

/// `execve`s `program` with the server's arguments and the upgrade variables; returns only
/// when `execve` failed.
fn exec_with(
    program: &Path,
    arg0: &Path,
    state_fd: i32,
    exe_fd: i32,
    failed: Option<&str>,
) -> std::io::Error {
    let mut cmd = std::process::Command::new(program);
    cmd.arg0(arg0)
        .args(server_args())
        .env(ENV_STATE, state_fd.to_string())
        .env(ENV_EXE, exe_fd.to_string());
    match failed {
        Some(f) => cmd.env(ENV_FAILED, f),
        None => cmd.env_remove(ENV_FAILED),
    };
    cmd.exec()
}

/// Step 3: stops the panes, writes the state and `execve`s `binary`; on failure, the old
/// binary with the same state. Returns only if even that failed (the server then exits).
pub fn exec(state: &Arc<ServerState>, listener: BorrowedFd<'_>, binary: &Path) -> String {
    let attempt = state.upgrade.last().map_or(1, |l| l.attempt);
    let schedules = crate::commands::schedule::export(state);
    let panes: Vec<_> = state
        .registry()
        .panes
        .values()
        .map(|e| Arc::clone(&e.pane))
        .collect();
    for p in &panes {
        p.close();
    }
    let deadline = Instant::now() + READER_GRACE;
    while Instant::now() < deadline && !panes.iter().all(|p| p.reader_stopped()) {
        std::thread::sleep(Duration::from_millis(2));
    }
    if let Some(p) = panes.iter().find(|p| !p.reader_stopped()) {
        tracing::warn!(pane = %p.id, "upgrade: a pane reader did not stop in time");
    }
    let st = state::capture(
        state,
        attempt,
        &binary.display().to_string(),
        listener.as_raw_fd(),
        schedules,
    );
    let bytes = state::encode(&st);
    let memfd =
        match rustix::fs::memfd_create("tidemux-upgrade-state", rustix::fs::MemfdFlags::empty()) {
            Ok(fd) => fd,
            Err(e) => return format!("cannot create the state memfd: {e}"),
        };
    let mut file = std::fs::File::from(memfd);
    if let Err(e) = std::io::Write::write_all(&mut file, &bytes) {
        return format!("cannot write the state: {e}");
    }
    let memfd = OwnedFd::from(file);
    let exe = match rustix::fs::open(
        "/proc/self/exe",
        rustix::fs::OFlags::RDONLY,
        rustix::fs::Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(e) => return format!("cannot open the running binary (/proc/self/exe): {e}"),
    };
    let mut fds: Vec<BorrowedFd<'_>> = vec![listener, memfd.as_fd(), exe.as_fd()];
    fds.extend(panes.iter().map(|p| p.master_fd()));
    for fd in &fds {
        if let Err(e) = clear_cloexec(*fd) {
            return format!("cannot pass descriptor {} on: {e}", fd.as_raw_fd());
        }
    }
    tracing::info!(
        binary = %binary.display(),
        bytes = bytes.len(),
        panes = panes.len(),
        "upgrade: switching binaries"
    );
    let e = exec_with(binary, binary, memfd.as_raw_fd(), exe.as_raw_fd(), None);
    let why = format!("cannot execute {}: {e}", binary.display());
    tracing::error!("upgrade: {why}; going on with the old binary");
    fallback(memfd.as_raw_fd(), exe.as_raw_fd(), &why)
}

/// Runs the old binary again (descriptor `exe_fd`) with the state: returns only when that
/// failed, with why.
fn fallback(state_fd: i32, exe_fd: i32, why: &str) -> String {
    let own = PathBuf::from(format!("/proc/self/fd/{exe_fd}"));
    let arg0 = own_binary().unwrap_or_else(|| own.clone());
    let e = exec_with(&own, &arg0, state_fd, exe_fd, Some(why));
    format!("{why}; and the old binary could not take over again: {e}")
}

/// What the new binary found in its environment (see the module documentation).
#[derive(Debug, Clone)]
pub struct Start {
    /// The state's descriptor.
    pub state_fd: i32,
    /// The old binary's descriptor (for the fallback).
    pub exe_fd: i32,
    /// Set on a fallback: why the new binary did not take over.
    pub failed: Option<String>,
}

impl Start {
    /// Reads and removes the upgrade variables (`None`: a normal start). Call before any
    /// thread starts.
    pub fn from_env() -> Option<Start> {
        let state_fd = std::env::var(ENV_STATE).ok()?.parse().ok()?;
        let exe_fd = std::env::var(ENV_EXE).ok()?.parse().ok()?;
        let failed = std::env::var(ENV_FAILED).ok();
        for k in [ENV_STATE, ENV_EXE, ENV_FAILED] {
            std::env::remove_var(k);
        }
        Some(Start {
            state_fd,
            exe_fd,
            failed,
        })
    }
}

fn read_state(fd: i32) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::FileExt;
    // SAFETY: borrowed only for reading; the descriptor stays open for the fallback.
    let b = unsafe { BorrowedFd::borrow_raw(fd) };
    let owned = b
        .try_clone_to_owned()
        .map_err(|e| format!("the state descriptor {fd} is not open: {e}"))?;
    let file = std::fs::File::from(owned);
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read the state: {e}"))?
        .len() as usize;
    let mut buf = vec![0u8; len];
    file.read_exact_at(&mut buf, 0)
        .map_err(|e| format!("cannot read the state: {e}"))?;
    Ok(buf)
}

/// Step 4, in the new binary: rebuilds the server from the state into `server` (empty), and
/// returns the listening socket. On any failure (or a test hook), runs the old binary again
/// (see the module documentation) and returns only when even that failed.
///
/// # Errors
/// Why nothing could take over (the panes are lost then; logged).
pub fn restore(server: &Arc<ServerState>, start: &Start) -> Result<OwnedFd, String> {
    let fallback_here = start.failed.is_some();
    let attempt = || -> Result<(state::UpgradeState, OwnedFd), String> {
        let mut bytes = read_state(start.state_fd)?;
        if !fallback_here {
            if std::env::var_os(ENV_TEST_REFUSE).is_some() {
                return Err(format!("refused by the test hook {ENV_TEST_REFUSE}"));
            }
            if let Some(n) = std::env::var(ENV_TEST_TRUNCATE)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
            {
                bytes.truncate(n);
            }
        }
        let st = state::decode(&bytes).map_err(|e| e.to_string())?;
        state::check_fds(&st)?;
        // SAFETY: validated open; passed on for the listener alone.
        let listener = unsafe { OwnedFd::from_raw_fd(st.listener_fd) };
        rustix::io::fcntl_setfd(&listener, rustix::io::FdFlags::CLOEXEC)
            .map_err(|e| format!("listening socket: {e}"))?;
        Ok((st, listener))
    };
    let (st, listener) = match attempt() {
        Ok(x) => x,
        Err(why) => return Err(give_back(start, &why)),
    };
    let info = UpgradeInfo {
        attempt: st.attempt,
        status: if fallback_here { "failed" } else { "done" }.into(),
        binary: st.binary.clone(),
        from_version: st.from_version.clone(),
        error: start.failed.clone(),
        at: now_unix(),
    };
    if let Err(why) = state::apply(server, st) {
        return Err(give_back(start, &why));
    }
    server.upgrade.set_last(info);
    for fd in [start.state_fd, start.exe_fd] {
        // SAFETY: ours since the exec; nothing else uses them once the state is applied.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    match &start.failed {
        None => tracing::info!("upgrade: took over the server"),
        Some(f) => tracing::warn!("upgrade failed: {f}; the old binary took over again"),
    }
    Ok(listener)
}

/// The new binary could not take over: the old one gets the state back. Returns why even that
/// failed (never returns if the fallback starts).
fn give_back(start: &Start, why: &str) -> String {
    if let Some(first) = &start.failed {
        let msg = format!("the old binary could not take over again ({why}) after: {first}");
        tracing::error!("upgrade: {msg}");
        return msg;
    }
    let why = format!("the new binary refused the state: {why}");
    tracing::error!("upgrade: {why}; handing back to the old binary");
    fallback(start.state_fd, start.exe_fd, &why)
}
