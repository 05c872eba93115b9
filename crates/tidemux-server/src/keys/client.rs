//! What attach clients take from the key tables and options (`ClientConfig`), and running a
//! binding for a client (`AttachKey`).

use super::string;
use crate::error::{CmdError, CmdResult};
use crate::hooks::Context;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{ClientBinding, ClientConfig, PaneId, Response};

/// Options an attach client acts on (see `docs/attach.md`).
pub const CLIENT_OPTIONS: &[&str] = &[
    "status",
    "status-position",
    "status-style",
    "status-left",
    "status-right",
    "status-left-length",
    "status-right-length",
    "status-left-style",
    "status-right-style",
    "mouse",
    "repeat-time",
    "escape-time",
    "mode-keys",
    "set-clipboard",
    "sidebar",
    "sidebar-width",
    "sidebar-scope",
    "notify-forward",
    "status-justify",
    "window-status-separator",
];

/// `ClientConfig`: prefix keys, the `prefix` and `root` tables, and [`CLIENT_OPTIONS`] for the
/// target session.
///
/// # Errors
/// A target that names no session.
pub fn client_config(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let (sid, wid) = {
        let reg = state.registry();
        (
            reg.resolve_session(target, caller).ok(),
            reg.resolve_window(target, caller).ok(),
        )
    };
    if target.is_some() && sid.is_none() {
        return Err(CmdError::not_found(format!(
            "no such session: {}",
            target.unwrap_or("")
        )));
    }
    // Read the version first: a change after it makes the client fetch again.
    let version = state
        .config_version
        .load(std::sync::atomic::Ordering::Relaxed);
    let (prefix, prefix2, options) = {
        let opts = lock(&state.options_store);
        let key = |n: &str| {
            let v = opts.effective(n, sid, wid, None).unwrap_or_default();
            match string::parse(&v) {
                string::UNKNOWN => "None".to_owned(),
                k => string::name(k),
            }
        };
        let options = CLIENT_OPTIONS
            .iter()
            .filter_map(|n| Some(((*n).to_owned(), opts.effective(n, sid, wid, None)?)))
            .collect();
        (key("prefix"), key("prefix2"), options)
    };
    let keys = lock(&state.keys);
    let mut bindings = Vec::new();
    for table in ["prefix", "root"] {
        for (k, b) in keys.bindings(table) {
            bindings.push(ClientBinding {
                table: table.to_owned(),
                key: string::name(k),
                command: b.command.clone(),
                repeat: b.repeat,
            });
        }
    }
    let (files, quiet) = crate::lang::config::reload_files();
    Ok(Response::ClientConfig(ClientConfig {
        version,
        prefix,
        prefix2,
        bindings,
        options,
        config_files: files.iter().map(|f| f.display().to_string()).collect(),
        config_files_quiet: quiet,
    }))
}

/// `AttachKey` from attached client `client`: runs the binding of `key` in `table` for the
/// client's session (its current window and active pane). The command runs in the
/// background; its error, if any, shows on the session's status line (as tmux shows errors of
/// bound commands), and what it prints goes to this client (`AttachFrame::output`: tmux shows
/// a bound command's output in view mode).
///
/// # Errors
/// A read-only client (`client is read-only`, tmux's message), or no such binding.
pub fn attach_key(state: &Arc<ServerState>, client: u32, table: &str, key: &str) -> CmdResult<()> {
    let (sid, read_only) = {
        let clients = lock(&state.clients);
        let c = clients.attached(client)?;
        (c.session, c.read_only)
    };
    if read_only {
        return Err(CmdError::invalid("client is read-only"));
    }
    let code = super::parse_key(key)?;
    let command = lock(&state.keys)
        .get(table, code)
        .map(|b| super::print::runnable(&b.command));
    // tmux server_client_key_callback: any key makes the client its window's latest. The
    // window sizes follow once the bound command ran (tmux applies them in its event loop,
    // after the command: a window the command left no longer current keeps its size).
    crate::commands::clients::touch(state, client);
    crate::hooks::client_active_sizing(state, client, command.is_none());
    let command = command
        .ok_or_else(|| CmdError::not_found(format!("no binding for {key} in key table {table}")))?;
    let (ctx, caller, window) = {
        let reg = state.registry();
        (
            crate::hooks::context_of(&reg, Some(&sid.to_string()), None),
            reg.resolve_pane(Some(&sid.to_string()), None).ok(),
            reg.sessions.get(&sid).map(|s| s.active_window),
        )
    };
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let who = crate::lang::Client {
            caller,
            ..Default::default()
        };
        let out = crate::lang::run_command_text(&state, &command, None, &who).await;
        // A window the command made current (select-window, next-window, new-window...) gets
        // this client as its latest, as tmux's commands set it for their client.
        let now = crate::commands::clients::session_of(&state, client)
            .and_then(|s| state.registry().sessions.get(&s).map(|s| s.active_window));
        if now.is_some() && now != window {
            crate::hooks::selected_by(&state, client);
        }
        crate::commands::resize::recalculate_sizes(&state);
        crate::commands::attach::client_output(&state, client, &out.stdout);
        if out.exit_code != 0 {
            let e = String::from_utf8_lossy(&out.stderr);
            show_error(&state, ctx, e.trim_end());
        }
    });
    Ok(())
}

/// Shows a bound command's error on the session's status line for 3 s.
fn show_error(state: &ServerState, ctx: Context, message: &str) {
    if let Some(s) = ctx.session {
        lock(&state.messages).insert(
            s,
            (
                message.to_owned(),
                std::time::Instant::now() + std::time::Duration::from_secs(3),
            ),
        );
        state.bump_model();
    }
}
