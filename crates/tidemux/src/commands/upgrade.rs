//! `tidemux upgrade-server [--binary PATH]`: the running server continues as a new binary in
//! the same process, keeping every pane (see `docs/continuity.md`, "Live upgrade").
//!
//! The server answers before it switches (`server-info` with the attempt `in-progress`); this
//! command then asks `server-info` again until the attempt ended: `done` (exit 0) or `failed`
//! (exit 1 with the reason; the server goes on with its old binary). A server that answers
//! with another protocol version afterwards is the new binary (the upgrade crossed a protocol
//! version): done too.

use super::{unexpected, Ctx};
use crate::output::{self, Failure};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tidemux_client::ClientError;
use tidemux_proto::{Request, Response, ServerInfo};

/// How long the switch may take before this command gives up waiting (the server is not
/// touched then).
pub const UPGRADE_TIMEOUT: Duration = Duration::from_secs(60);

fn absolute(p: PathBuf) -> Result<PathBuf, Failure> {
    std::path::absolute(&p)
        .map_err(|e| Failure::new("invalid", format!("bad binary path {}: {e}", p.display())))
}

/// Runs `upgrade-server`.
pub fn run(ctx: &Ctx, binary: Option<PathBuf>) -> Result<(), Failure> {
    let binary = binary.map(absolute).transpose()?;
    let started = match ctx.call(Request::UpgradeServer {
        binary: binary.map(|b| b.display().to_string()),
    })? {
        Response::Server(s) => s,
        other => return Err(unexpected(&other)),
    };
    let Some(attempt) = started.upgrade.as_ref().map(|u| u.attempt) else {
        return Err(Failure::new(
            "protocol",
            "the server did not report the upgrade attempt",
        ));
    };
    let deadline = Instant::now() + UPGRADE_TIMEOUT;
    let caller = tidemux_client::caller_pane(&ctx.socket);
    let info: ServerInfo = loop {
        // While the server switches, a connection waits in the socket's backlog; it is
        // answered by whichever binary takes over. Connected without the mismatch fallback:
        // a server that now speaks another protocol is the new binary (a failed upgrade goes
        // on with the old one, which speaks this one's), and re-running this command with it
        // would upgrade again.
        match tidemux_client::Client::connect(&ctx.socket, caller) {
            Err(ClientError::NoServer(_)) => {
                return Err(Failure::new(
                    "failed",
                    format!(
                        "the server exited during the upgrade (no server running on {}); its log says why",
                        ctx.socket.display()
                    ),
                ));
            }
            Err(ClientError::VersionMismatch { client, server, .. }) if server != client => {
                let up = started.upgrade.as_ref().expect("checked above");
                if ctx.json {
                    let mut info = started.clone();
                    info.protocol = server;
                    if let Some(u) = info.upgrade.as_mut() {
                        u.status = "done".into();
                    }
                    output::json(&info);
                } else {
                    output::line(&format!(
                        "server (pid {}) upgraded from tidemux {} to {}, which speaks protocol {server} (this tidemux speaks {client}: use the new binary from now on)",
                        started.pid, up.from_version, up.binary
                    ));
                }
                return Ok(());
            }
            Err(_) => {}
            Ok(mut c) => {
                if let Ok(Response::Server(s)) = c.request(Request::ServerInfo) {
                    let ended = s
                        .upgrade
                        .as_ref()
                        .is_some_and(|u| u.attempt == attempt && u.status != "in-progress");
                    if ended {
                        break s;
                    }
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(
                "failed",
                format!(
                    "the server did not finish upgrade attempt {attempt} within {} s; see `tidemux version --json` (server.upgrade) and the server log",
                    UPGRADE_TIMEOUT.as_secs()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let up = info.upgrade.clone().expect("checked above");
    if up.status != "done" {
        return Err(Failure::new(
            "failed",
            format!(
                "upgrade to {} failed: {}; the server (pid {}) goes on with its old binary (tidemux {}), every pane kept",
                up.binary,
                up.error.as_deref().unwrap_or("unknown reason"),
                info.pid,
                info.version
            ),
        ));
    }
    if ctx.json {
        output::json(&info);
    } else {
        output::line(&format!(
            "server (pid {}) upgraded from tidemux {} to tidemux {} ({})",
            info.pid, up.from_version, info.version, up.binary
        ));
    }
    Ok(())
}
