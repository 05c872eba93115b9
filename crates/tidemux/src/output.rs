//! Printing: plain text for people, one line of JSON for programs, and errors.

use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use tidemux_proto::{ErrorKind, ErrorReply};

/// Exit status for a wait that timed out (as `timeout(1)`).
pub const EXIT_TIMEOUT: u8 = 124;

/// Exit status of a request that was waiting when the server was upgraded
/// (`upgrade-server`): "server upgraded, retry" (`EX_TEMPFAIL` of sysexits.h).
pub const EXIT_UPGRADED: u8 = 75;

/// Exit status for a wait whose pane closed before any condition held (`pane-closed`).
pub const EXIT_PANE_CLOSED: u8 = 3;

/// Exit status of `events` when the server dropped it for falling behind
/// (`subscriber-dropped`).
pub const EXIT_DROPPED: u8 = 4;

/// How a command failed.
#[derive(Debug)]
pub struct Failure {
    /// Exit status.
    pub code: u8,
    /// Class for `--json` (`not_found`, `invalid`, ...).
    pub kind: &'static str,
    /// One line.
    pub message: String,
    /// A JSON result was already printed on stdout (a timed-out wait): print no error object.
    pub printed: bool,
}

impl Failure {
    /// A plain error (exit 1).
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: 1,
            kind,
            message: message.into(),
            printed: false,
        }
    }
}

impl From<ErrorReply> for Failure {
    fn from(e: ErrorReply) -> Self {
        let (code, kind) = match e.kind {
            ErrorKind::NotFound => (1, "not_found"),
            ErrorKind::Ambiguous => (1, "ambiguous"),
            ErrorKind::Invalid => (1, "invalid"),
            ErrorKind::Failed => (1, "failed"),
            ErrorKind::Protocol => (1, "protocol"),
            ErrorKind::Timeout => (EXIT_TIMEOUT, "timeout"),
            ErrorKind::Upgraded => (EXIT_UPGRADED, "upgraded"),
        };
        Self {
            code,
            kind,
            message: e.message,
            printed: false,
        }
    }
}

impl From<tidemux_client::ClientError> for Failure {
    fn from(e: tidemux_client::ClientError) -> Self {
        use tidemux_client::ClientError as C;
        // Mismatch fallback: re-run with the server's binary (does not return if it can).
        if let C::VersionMismatch {
            client,
            server,
            server_pid,
            ..
        } = &e
        {
            let why = crate::fallback::rerun_with_server_binary(*server_pid, *client, *server);
            return Self::new("version_mismatch", format!("{e}{why}"));
        }
        let kind = match &e {
            C::NoServer(_) => "no_server",
            C::VersionMismatch { .. } => "version_mismatch",
            C::Refused { .. } => "refused",
            _ => "connection",
        };
        Self::new(kind, e.to_string())
    }
}

/// Prints `v` as one line of JSON.
pub fn json<T: Serialize>(v: &T) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, v);
    let _ = out.write_all(b"\n");
}

/// Prints a line.
pub fn line(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.write_all(b"\n");
}

/// Reports a failure and returns its exit code.
pub fn fail(command: &str, f: Failure, as_json: bool) -> ExitCode {
    if as_json && !f.printed {
        json(
            &serde_json::json!({"error": {"kind": f.kind, "message": f.message, "command": command}}),
        );
    }
    // Not eprintln!: a closed stderr must not turn an error into a panic.
    let _ = writeln!(std::io::stderr(), "tidemux: {command}: {}", f.message);
    ExitCode::from(f.code)
}
