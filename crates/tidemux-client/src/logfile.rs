//! Where the server on a socket writes its log, and opening that file safely.
//!
//! The location, first match wins (client and server compute it the same way, from the
//! environment the server inherits from the client that starts it):
//! 1. `$TIDEMUX_LOG_FILE` (non-empty): that file; `-` means the server's standard error;
//! 2. `$TIDEMUX_LOG_BESIDE_SOCKET` set to anything but `""` or `0`: `SOCKET.log` beside the
//!    socket (where every server used to log);
//! 3. otherwise the state directory, `$XDG_STATE_HOME/tidemux` (default
//!    `~/.local/state/tidemux`; with no usable home, the per-user socket directory), in a file
//!    named after the socket: `NAME.log` for a socket in the per-user socket directory (`-L NAME`,
//!    the default socket), else `NAME-HASH.log` with `NAME` the socket's file name and `HASH`
//!    8 hex digits of the socket's absolute path (so two `-S .../sock` never share a log).
//!
//! Log files are opened with `O_NOFOLLOW` (a symlink planted at the path is refused, not
//! followed) and `O_NONBLOCK` during the open (a FIFO planted there cannot block the server),
//! and are refused when not owned by the effective user: in a shared directory another user
//! cannot make the server append to a file of their choosing.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where the log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// A file (opened with [`open_log`]).
    File(PathBuf),
    /// The server's standard error (`TIDEMUX_LOG_FILE=-`).
    Stderr,
}

fn env_nonempty(k: &str) -> Option<OsString> {
    std::env::var_os(k).filter(|v| !v.is_empty())
}

/// The state directory for logs: `$XDG_STATE_HOME/tidemux` if that is an absolute path, else
/// `$HOME/.local/state/tidemux`, else the per-user socket directory (see
/// [`crate::paths::socket_dir`]). Not created here.
pub fn state_dir() -> PathBuf {
    if let Some(d) = env_nonempty("XDG_STATE_HOME").map(PathBuf::from) {
        if d.is_absolute() {
            return d.join("tidemux");
        }
    }
    if let Some(h) = env_nonempty("HOME").map(PathBuf::from) {
        if h.is_absolute() {
            return h.join(".local/state/tidemux");
        }
    }
    crate::paths::socket_dir()
}

/// FNV-1a, 64 bits: a hash that stays the same across builds and versions (the log's name
/// must not change when the binary does).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Where the server on `socket` writes its snapshots (`docs/continuity.md`): the state
/// directory, named like the log with `.snapshot` for `.log`.
pub fn snapshot_path(socket: &Path) -> PathBuf {
    let log = log_file_name(socket);
    state_dir().join(format!("{}.snapshot", log.trim_end_matches(".log")))
}

/// The log file's name in the state directory for the server on `socket` (absolute): `NAME.log`
/// in the per-user socket directory, else `NAME-HASH.log`.
pub fn log_file_name(socket: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let name = socket
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "socket".to_owned());
    if socket.parent() == Some(crate::paths::socket_dir().as_path()) {
        format!("{name}.log")
    } else {
        let h = fnv1a(socket.as_os_str().as_bytes());
        format!("{name}-{:08x}.log", (h >> 32) as u32 ^ h as u32)
    }
}

/// Where the server on `socket` (an absolute path) logs; see the module docs for the rules.
pub fn log_target(socket: &Path) -> LogTarget {
    if let Some(f) = env_nonempty("TIDEMUX_LOG_FILE") {
        if f == "-" {
            return LogTarget::Stderr;
        }
        let f = PathBuf::from(f);
        // Relative to the directory of the command that starts the server.
        return LogTarget::File(match std::env::current_dir() {
            Ok(d) if f.is_relative() => d.join(f),
            _ => f,
        });
    }
    if env_nonempty("TIDEMUX_LOG_BESIDE_SOCKET").is_some_and(|v| v != "0") {
        let mut s = socket.as_os_str().to_owned();
        s.push(".log");
        return LogTarget::File(PathBuf::from(s));
    }
    LogTarget::File(state_dir().join(log_file_name(socket)))
}

/// Opens (creating, mode 0600) the log file `path` for appending, refusing a symlink, a file
/// that is neither a regular file nor a character device (`/dev/null`, `/dev/full`), and a file
/// owned by another user.
///
/// # Errors
/// The open's error, or `PermissionDenied` with a message saying what was refused.
pub fn open_log(path: &Path) -> io::Result<File> {
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "it is a symbolic link (refused: log files are never followed through links)",
                )
            } else {
                e
            }
        })?;
    let m = f.metadata()?;
    let ft = m.file_type();
    if !ft.is_file() && !ft.is_char_device() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "it is not a regular file (refused)",
        ));
    }
    let me = rustix::process::geteuid().as_raw();
    if m.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it belongs to uid {}, not {me} (refused: a log is never appended to another user's file)",
                m.uid()
            ),
        ));
    }
    // Back to blocking writes (regular files ignore the flag; devices need it cleared).
    let fl = rustix::fs::fcntl_getfl(&f)?;
    rustix::fs::fcntl_setfl(&f, fl - rustix::fs::OFlags::NONBLOCK)?;
    Ok(f)
}

/// Creates the directory of a log file in the state directory if missing (mode 0700 for the
/// directories it creates; existing directories are left as they are).
///
/// # Errors
/// The `mkdir` error.
pub fn create_log_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() && !d.exists() => std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(d),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_depend_on_the_whole_path() {
        let a = log_file_name(Path::new("/tmp/a/sock"));
        let b = log_file_name(Path::new("/tmp/b/sock"));
        assert!(a.starts_with("sock-") && a.ends_with(".log"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, log_file_name(Path::new("/tmp/a/sock")));
        assert_eq!(a.len(), "sock-12345678.log".len());
    }

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn open_log_refuses_symlinks_and_fifos() {
        let d = tempfile::tempdir().expect("tempdir");
        let target = d.path().join("target");
        std::fs::write(&target, "mine\n").expect("write");
        let link = d.path().join("x.log");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let e = open_log(&link).expect_err("a symlink must be refused");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "mine\n");

        let fifo = d.path().join("fifo.log");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .expect("mkfifo");
        // No reader: the open must fail at once instead of blocking.
        assert!(open_log(&fifo).is_err());

        let ok = d.path().join("ok.log");
        open_log(&ok).expect("a fresh file opens");
        let mode = std::fs::metadata(&ok).expect("stat").mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
