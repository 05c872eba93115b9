//! Mismatch fallback (issue 16, `docs/continuity.md`): when the server on the socket speaks no
//! protocol version this CLI speaks, the same command line is run again by the server's own
//! binary, `/proc/<server pid>/exe` (which works even when the file was replaced or deleted
//! since the server started), after one note on stderr saying how to upgrade the server.
//!
//! `TIDEMUX_FALLBACK_FROM` (set to this CLI's version in the re-run's environment) stops a
//! second fallback: a binary that cannot talk to its own server reports the mismatch.
//!
//! Tested against a real build of another protocol version: the `tidemux-protocol-bump` binary
//! (cargo feature `test-protocol-bump`, see `tidemux_proto::codec::PROTOCOL_BUMP`).

use std::os::unix::process::CommandExt;

/// Environment variable marking a re-run by the fallback.
pub const FALLBACK_FROM: &str = "TIDEMUX_FALLBACK_FROM";

/// Whether `pid` runs a tidemux server: its binary's name contains `tidemux` and its
/// arguments include `server` (as every auto-started server's do). Guards the fallback against
/// running whatever else answers on a socket.
fn is_tidemux_server(pid: u32) -> bool {
    let named = std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .is_some_and(|n| n.contains("tidemux"));
    let serves = std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|c| c.split(|&b| b == 0).skip(1).any(|a| a == b"server"));
    named && serves
}

/// Re-runs this command line with the server's binary. Returns only when that is not possible
/// (no pid, already a fallback, exec failed), with the reason to add to the error.
pub fn rerun_with_server_binary(server_pid: Option<u32>, client: u32, server: u32) -> String {
    if std::env::var_os(FALLBACK_FROM).is_some() {
        return String::new();
    }
    let Some(pid) = server_pid else {
        return " (the server's pid is unknown, so its binary cannot be used instead)".into();
    };
    let exe = format!("/proc/{pid}/exe");
    if !is_tidemux_server(pid) {
        return format!(" (pid {pid} is not a tidemux server, so its binary is not run instead)");
    }
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_else(|| "tidemux".into());
    let (age, hint) = if server < client {
        (
            "older",
            "to upgrade it without losing panes: `tidemux upgrade-server` if it supports it, else `tidemux kill-server` (ends every pane; `tidemux resurrect` brings the layout back)",
        )
    } else {
        ("newer", "upgrade this tidemux to the server's version")
    };
    eprintln!(
        "tidemux: the server (pid {pid}) speaks protocol {server}, {age} than this tidemux ({client}); running this command with the server's own binary ({exe}); {hint}"
    );
    let err = std::process::Command::new(&exe)
        .arg0(argv0)
        .args(args)
        .env(FALLBACK_FROM, env!("CARGO_PKG_VERSION"))
        .exec();
    format!(" (running {exe} failed: {err})")
}
