//! `tidemux resurrect [--dry-run] [--file PATH]`: rebuild the sessions of the last snapshot in
//! a new server (see `docs/continuity.md`).

use super::Ctx;
use crate::output::{self, Failure};
use std::path::{Path, PathBuf};
use tidemux_client::{Client, ClientError};
use tidemux_server::snapshot::{format, restore};

/// Reads and checks a snapshot file; the file is never changed.
///
/// # Errors
/// A [`Failure`] naming the file and what is wrong with it (missing, damaged, other format).
pub fn load(path: &Path) -> Result<format::Snapshot, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::new(
            if e.kind() == std::io::ErrorKind::NotFound {
                "not_found"
            } else {
                "failed"
            },
            format!("cannot read snapshot {}: {e}", path.display()),
        )
    })?;
    format::decode(&bytes).map_err(|e| {
        Failure::new(
            "invalid",
            format!(
                "refusing snapshot {}: {e}; nothing was restored and the file is kept",
                path.display()
            ),
        )
    })
}

/// Server arguments for a server started on first use: `--resurrect FILE` when the socket's
/// snapshot exists, is sound and resurrect-on-start holds for it
/// ([`restore::resurrect_on_start`]: `$TIDEMUX_RESURRECT_ON_START`, else the server option
/// `resurrect-on-start` saved in the snapshot). A damaged snapshot is reported on stderr when
/// resurrect-on-start was asked for by the environment (the server starts empty; the file is
/// kept).
pub fn on_start_args(socket: &Path) -> Vec<std::ffi::OsString> {
    let forced = std::env::var("TIDEMUX_RESURRECT_ON_START").ok();
    if matches!(forced.as_deref(), Some("0" | "off" | "no")) {
        return Vec::new();
    }
    let path = tidemux_client::logfile::snapshot_path(socket);
    if !path.exists() {
        return Vec::new();
    }
    match load(&path) {
        Ok(snap) if restore::resurrect_on_start(&snap) => {
            vec!["--resurrect".into(), path.into_os_string()]
        }
        Ok(_) => Vec::new(),
        Err(f) => {
            if matches!(forced.as_deref(), Some("1" | "on" | "yes")) {
                eprintln!("tidemux: resurrect-on-start: {}", f.message);
            }
            Vec::new()
        }
    }
}

/// Runs `resurrect`.
pub fn run(ctx: &Ctx, dry_run: bool, file: Option<PathBuf>) -> Result<(), Failure> {
    let path = file.unwrap_or_else(|| tidemux_client::logfile::snapshot_path(&ctx.socket));
    let snap = load(&path)?;
    let allow = restore::allow_list(&snap);
    let plan = restore::plan(&snap, &allow);
    let saved = restore::utc(snap.saved_at);
    if dry_run {
        if ctx.json {
            output::json(&serde_json::json!({
                "snapshot": path,
                "saved_at": snap.saved_at,
                "panes": plan,
            }));
        } else {
            println!("snapshot {} saved {saved}:", path.display());
            for p in &plan {
                let cmd = if p.command.is_empty() {
                    "(default shell)"
                } else {
                    &p.command
                };
                println!(
                    "{}{} in {}: {} {} ({} lines of history)",
                    p.target,
                    p.name
                        .as_deref()
                        .map(|n| format!(" [{n}]"))
                        .unwrap_or_default(),
                    p.cwd,
                    if p.rerun {
                        "re-run"
                    } else {
                        "shell instead of"
                    },
                    cmd,
                    p.history_lines
                );
            }
        }
        return Ok(());
    }
    match Client::connect(&ctx.socket, None) {
        Err(ClientError::NoServer(_)) => {}
        Ok(_) | Err(ClientError::VersionMismatch { .. }) => {
            return Err(Failure::new(
                "invalid",
                format!(
                    "a server is already running on {}; resurrect starts a new server: stop it first (tidemux kill-server) or use another socket (-L NAME)",
                    ctx.socket.display()
                ),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let exe = std::env::current_exe()
        .map_err(|e| Failure::new("failed", format!("cannot find own executable: {e}")))?;
    tidemux_client::autostart::connect_or_start_with(
        &ctx.socket,
        None,
        &exe,
        &["--resurrect".into(), path.clone().into_os_string()],
    )?;
    let windows: usize = snap.sessions.iter().map(|s| s.windows.len()).sum();
    if ctx.json {
        output::json(&serde_json::json!({
            "snapshot": path,
            "saved_at": snap.saved_at,
            "sessions": snap.sessions.len(),
            "windows": windows,
            "panes": plan.len(),
        }));
    } else {
        println!(
            "restored {} sessions, {windows} windows, {} panes from {} (saved {saved})",
            snap.sessions.len(),
            plan.len(),
            path.display()
        );
    }
    Ok(())
}
