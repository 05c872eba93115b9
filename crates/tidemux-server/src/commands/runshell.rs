//! `run-shell [-b] [-d DELAY] [-c DIR] [-t TARGET] COMMAND` (tmux 3.3a cmd-run-shell.c): the
//! command, expanded as a format for the target, runs through `default-shell -c` with its
//! output (stdout and stderr together) returned to the caller, and its exit status.

use crate::error::{CmdError, CmdResult};
use crate::format::model::ModelContext;
use crate::format::Expander;
use crate::state::ServerState;
use crate::sync::lock;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{PaneId, Response, RunOutput};

/// Most output kept, bytes; the rest is read and dropped.
pub const MAX_RUN_OUTPUT: usize = 1024 * 1024;

/// Longest `-d` delay, seconds.
pub const MAX_DELAY_SECS: f64 = 86_400.0;

/// Handles `run-shell`.
#[allow(clippy::too_many_arguments)]
pub async fn run_shell(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    command: &str,
    background: bool,
    delay_secs: Option<f64>,
    cwd: Option<String>,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    let delay = match delay_secs {
        None => Duration::ZERO,
        Some(d) if d.is_finite() && (0.0..=MAX_DELAY_SECS).contains(&d) => {
            Duration::from_secs_f64(d)
        }
        Some(d) => {
            return Err(CmdError::invalid(format!(
                "bad delay {d}: expected 0 to {MAX_DELAY_SECS} seconds"
            )))
        }
    };
    let (expanded, shell, dir) = {
        let reg = state.registry();
        let resolved = match reg.resolve(target, caller) {
            Ok(r) => Some(r),
            Err(_) if target.is_none() => None,
            Err(e) => return Err(e),
        };
        let opts = lock(&state.options_store);
        let env = lock(&state.environment);
        let ctx = ModelContext::new(state, &reg, resolved)
            .with_options(&*opts)
            .with_environ(&env);
        let expanded = Expander::new().expand(&ctx, command);
        let shell = opts
            .effective("default-shell", None, None, None)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        // tmux runs it in -c, else the target pane's directory, else the server's.
        let dir = cwd.or_else(|| {
            let p = reg.resolve_pane(target, caller).ok()?;
            let pid = reg.panes.get(&p)?.pane.pid?;
            crate::pane::proc::cwd(pid)
        });
        (expanded, shell, dir)
    };
    let run = move || -> std::io::Result<(Vec<u8>, std::process::ExitStatus, u32)> {
        let mut cmd = Command::new(&shell);
        cmd.arg("-c")
            .arg(&expanded)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(d) = &dir {
            cmd.current_dir(d);
        }
        let mut child = cmd.spawn()?;
        let pid = child.id();
        // stderr is read on its own thread so that neither pipe can fill and block the child.
        let mut err = child.stderr.take();
        let err_thread = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(e) = err.as_mut() {
                let _ = e.take(MAX_RUN_OUTPUT as u64).read_to_end(&mut buf);
                let _ = std::io::copy(e, &mut std::io::sink());
            }
            buf
        });
        let mut out = Vec::new();
        if let Some(mut o) = child.stdout.take() {
            let _ = (&mut o).take(MAX_RUN_OUTPUT as u64).read_to_end(&mut out);
            let _ = std::io::copy(&mut o, &mut std::io::sink());
        }
        let status = child.wait()?;
        let mut errb = err_thread.join().unwrap_or_default();
        out.append(&mut errb);
        out.truncate(MAX_RUN_OUTPUT);
        Ok((out, status, pid))
    };
    if background {
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tokio::task::spawn_blocking(run).await;
        });
        return Ok(Response::Ok);
    }
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = closed => return Err(CmdError::failed("client went away")),
    }
    // The child is not killed if the client goes away during the run: like tmux's, the job
    // runs to its end.
    let (output, status, _pid) = tokio::task::spawn_blocking(run)
        .await
        .map_err(|e| CmdError::failed(format!("run-shell: {e}")))?
        .map_err(|e| CmdError::failed(format!("run-shell: cannot run {command:?}: {e}")))?;
    use std::os::unix::process::ExitStatusExt;
    Ok(Response::Ran(RunOutput {
        output,
        code: status.code(),
        signal: status.signal(),
    }))
}
