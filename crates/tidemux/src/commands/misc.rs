//! wait-for, has-session, identify, version, server.

use super::{unexpected, Ctx};
use crate::output::{self, Failure};
use std::io::Write;
use tidemux_proto::{Request, Response, PROTOCOL_VERSION};

/// `tidemux server [--log-file PATH]`: runs in the foreground, logging to the server log (see
/// [`crate::logging`]; `--log-file` overrides `$TIDEMUX_LOG_FILE` and the default location).
pub fn server(
    ctx: &Ctx,
    log_file: Option<std::path::PathBuf>,
    resurrect: Option<std::path::PathBuf>,
    tmux: Option<tidemux_server::lang::config::TmuxStart>,
) -> Result<(), Failure> {
    let target = match log_file {
        Some(p) if p.as_os_str() == "-" => tidemux_client::LogTarget::Stderr,
        Some(p) => tidemux_client::LogTarget::File(p),
        None => tidemux_client::log_target(&ctx.socket),
    };
    if let Some(w) = crate::logging::init(&target) {
        // Seen by the client that started this server; never fatal.
        let _ = writeln!(std::io::stderr(), "tidemux: server: {w}");
    } else if let tidemux_client::LogTarget::File(p) = &target {
        // Run by hand in a terminal: say where the log is.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let _ = writeln!(
                std::io::stderr(),
                "tidemux: server: logging to {}",
                p.display()
            );
        }
    }
    let resurrect = match resurrect {
        Some(p) => Some(super::resurrect::load(&p)?),
        None => None,
    };
    tidemux_server::run(tidemux_server::ServerConfig {
        socket: ctx.socket.clone(),
        snapshot: tidemux_server::snapshot::enabled()
            .then(|| tidemux_client::logfile::snapshot_path(&ctx.socket)),
        resurrect,
        tmux,
    })
    .map_err(|e| Failure::new("failed", e.to_string()))
}

/// `wait-for [-S] CHANNEL... [--timeout SECONDS] [--after D | --at T]`: with several
/// channels, waits for the first and prints its name.
pub fn wait_for(
    ctx: &Ctx,
    signal: bool,
    timeout: Option<f64>,
    mut channels: Vec<String>,
    when: &crate::cli::WhenArgs,
) -> Result<(), Failure> {
    let timeout_ms = super::sync::timeout_ms(timeout)?;
    let at = super::orch::when_ms(when)?;
    if at.is_some() && !signal {
        return Err(Failure::new(
            "invalid",
            "--after/--at schedule a signal: use them with -S",
        ));
    }
    if signal || channels.len() == 1 {
        if channels.len() > 1 {
            return Err(Failure::new(
                "invalid",
                "-S signals one channel; give exactly one",
            ));
        }
        let channel = channels.pop().unwrap_or_default();
        let req = Request::WaitFor {
            channel: channel.clone(),
            signal,
            timeout_ms,
        };
        if let Some(at) = at {
            return super::orch::schedule(ctx, at, req);
        }
        return match ctx.call(req)? {
            Response::Ok => {
                if ctx.json {
                    output::json(
                        &serde_json::json!({"channel": channel, "result": if signal { "signalled" } else { "woken" }}),
                    );
                }
                Ok(())
            }
            other => Err(unexpected(&other)),
        };
    }
    match ctx.call(Request::WaitForAny {
        channels,
        timeout_ms,
    })? {
        Response::Signalled(channel) => {
            if ctx.json {
                output::json(&serde_json::json!({"channel": channel, "result": "woken"}));
            } else {
                output::line(&channel);
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// `has-session -t NAME`: exit 0 or 1.
pub fn has_session(ctx: &Ctx, target: Option<String>) -> Result<(), Failure> {
    let shown = target.clone().unwrap_or_default();
    match ctx.call(Request::HasSession { target })? {
        Response::Exists(e) => {
            if ctx.json {
                output::json(&serde_json::json!({"exists": e}));
            }
            if e {
                Ok(())
            } else {
                Err(Failure::new(
                    "not_found",
                    format!("can't find session '{shown}'"),
                ))
            }
        }
        other => Err(unexpected(&other)),
    }
}

/// `identify`.
pub fn identify(ctx: &Ctx) -> Result<(), Failure> {
    if tidemux_client::caller_pane(&ctx.socket).is_none() {
        return Err(Failure::new(
            "invalid",
            format!(
                "not inside a pane of the server on {} (TIDEMUX / TIDEMUX_PANE are not set for it)",
                ctx.socket.display()
            ),
        ));
    }
    match ctx.call(Request::Identify)? {
        Response::Identity(i) if ctx.json => output::json(&i),
        Response::Identity(i) => output::line(&format!(
            "{}:{}.{} {} {} {}",
            i.pane.session_name,
            i.pane.window_index,
            i.pane.index,
            i.pane.id,
            i.pane.window,
            i.pane.session
        )),
        other => return Err(unexpected(&other)),
    }
    Ok(())
}

/// `api-schema --out DIR`: writes the generated JSON Schemas (`tidemux_proto::schema`) and
/// prints the paths written (JSON: `{"written": [...]}`).
pub fn api_schema(ctx: &Ctx, out: &std::path::Path) -> Result<(), Failure> {
    let written = tidemux_proto::schema::write(out)
        .map_err(|e| Failure::new("failed", format!("cannot write {}: {e}", out.display())))?;
    if ctx.json {
        output::json(&serde_json::json!({ "written": written }));
    } else {
        for p in written {
            println!("{}", p.display());
        }
    }
    Ok(())
}

/// `version`: the client's, and the running server's if any.
pub fn version(ctx: &Ctx) -> Result<(), Failure> {
    let server = ctx
        .connect()
        .ok()
        .and_then(|mut c| c.request(Request::ServerInfo).ok());
    let server = match server {
        Some(Response::Server(s)) => Some(s),
        _ => None,
    };
    if ctx.json {
        output::json(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "protocol": PROTOCOL_VERSION,
            "server": server,
        }));
    } else {
        output::line(&format!(
            "tidemux {} (protocol {PROTOCOL_VERSION})",
            env!("CARGO_PKG_VERSION")
        ));
        if let Some(s) = server {
            output::line(&format!(
                "server {} (protocol {}), pid {}, socket {}",
                s.version, s.protocol, s.pid, s.socket
            ));
        }
    }
    Ok(())
}
