//! Socket paths, as tmux does it: `-S PATH`, or `-L NAME` inside the per-user directory, which
//! is `$TIDEMUX_TMPDIR`, else `$XDG_RUNTIME_DIR/tidemux`, else `/tmp/tidemux-$UID`. With neither
//! flag, `$TIDEMUX_SOCKET`, else (inside a pane) the socket named by `$TIDEMUX`, else the
//! default name `default`.

use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use tidemux_proto::PaneId;

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct SocketChoice {
    /// `-S PATH`.
    pub path: Option<PathBuf>,
    /// `-L NAME`.
    pub name: Option<String>,
}

fn env_nonempty(k: &str) -> Option<OsString> {
    std::env::var_os(k).filter(|v| !v.is_empty())
}

/// The per-user socket directory (not created).
pub fn socket_dir() -> PathBuf {
    if let Some(d) = env_nonempty("TIDEMUX_TMPDIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = env_nonempty("XDG_RUNTIME_DIR") {
        return PathBuf::from(d).join("tidemux");
    }
    PathBuf::from(format!(
        "/tmp/tidemux-{}",
        rustix::process::getuid().as_raw()
    ))
}

/// Resolves the socket path (absolute), creating the per-user directory with mode 0700 when it
/// is used and missing.
///
/// # Errors
/// When the directory cannot be created, or exists but belongs to another user or is open to
/// others (a message saying which).
pub fn resolve_socket(choice: &SocketChoice) -> Result<PathBuf, String> {
    let path = if let Some(p) = &choice.path {
        p.clone()
    } else if let Some(name) = &choice.name {
        if name.is_empty() || name.contains('/') {
            return Err(format!(
                "bad socket name '{name}': it must be non-empty and contain no '/'"
            ));
        }
        ensure_dir(&socket_dir())?.join(name)
    } else if let Some(p) = env_nonempty("TIDEMUX_SOCKET") {
        PathBuf::from(p)
    } else if let Some(p) = socket_of_pane_env() {
        p
    } else {
        ensure_dir(&socket_dir())?.join("default")
    };
    Ok(absolute(&path))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_owned())
    }
}

/// Makes sure the per-user socket directory is private, as tmux does: `mkdir` with mode 0700
/// (parents too), then `lstat` it and refuse it unless it is a real directory (not a symlink)
/// owned by this user with no permission bits for group or others. A directory that exists is
/// never chmodded: it may belong to someone else's setup (`TIDEMUX_TMPDIR=/tmp`).
fn ensure_dir(dir: &Path) -> Result<PathBuf, String> {
    use std::os::unix::fs::DirBuilderExt;
    let uid = rustix::process::getuid().as_raw();
    if let Err(e) = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        // `recursive` reports an existing symlink or file as an error too: lstat decides.
        if std::fs::symlink_metadata(dir).is_err() {
            return Err(format!(
                "cannot create socket directory {}: {e}",
                dir.display()
            ));
        }
    }
    let m = std::fs::symlink_metadata(dir)
        .map_err(|e| format!("cannot inspect socket directory {}: {e}", dir.display()))?;
    let refuse = |why: String| {
        Err(format!(
            "refusing socket directory {}: {why}; it must be a directory (not a symlink) owned by uid {uid} with mode 0700",
            dir.display()
        ))
    };
    if m.file_type().is_symlink() {
        return refuse("it is a symlink".into());
    }
    if !m.is_dir() {
        return refuse("it is not a directory".into());
    }
    if m.uid() != uid {
        return refuse(format!("it belongs to uid {}", m.uid()));
    }
    if m.mode() & 0o077 != 0 {
        return refuse(format!(
            "its mode is {:04o}, open to other users",
            m.mode() & 0o7777
        ));
    }
    Ok(dir.to_owned())
}

/// The socket of the server whose pane this process runs in: the first field of
/// `TIDEMUX=<socket>,<pid>,<session>` (as tmux uses `$TMUX`).
fn socket_of_pane_env() -> Option<PathBuf> {
    let t = std::env::var("TIDEMUX").ok()?;
    let sock = t.rsplitn(3, ',').nth(2)?;
    (!sock.is_empty()).then(|| PathBuf::from(sock))
}

/// The pane this process runs in, if it runs inside a pane of the server on `socket`:
/// `TIDEMUX=<socket>,<pid>,<session>` must name the same socket, and `TIDEMUX_PANE=%N`.
pub fn caller_pane(socket: &Path) -> Option<PaneId> {
    if socket_of_pane_env()? != socket {
        return None;
    }
    std::env::var("TIDEMUX_PANE").ok()?.parse().ok()
}
