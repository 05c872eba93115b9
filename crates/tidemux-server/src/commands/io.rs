//! `send`, `send-key`, `read-screen`: input to and output from one pane.

use crate::error::{CmdError, CmdResult};
use crate::input::keys::{encode_keys, KeyModes};
use crate::pane::Pane;
use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::{PaneId, ReadRange, Response, ScreenCapture, Sent};

fn live_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult<Arc<Pane>> {
    let mut reg = state.registry();
    let p = reg.resolve_pane(target, caller)?;
    let entry = reg.pane(p)?;
    let pane = Arc::clone(&entry.pane);
    if let Ok(w) = reg.window(entry.window) {
        let sid = w.session;
        reg.touch(sid);
    }
    Ok(pane)
}

async fn write(pane: &Pane, bytes: Vec<u8>) -> CmdResult {
    let (seq, dead) = {
        let st = pane.state();
        (st.seq, st.exit.clone())
    };
    if let Some(exit) = dead {
        return Err(CmdError::invalid(format!(
            "pane {} is dead ({}); nothing was sent",
            pane.id,
            match (exit.code, exit.signal) {
                (Some(c), _) => format!("exited with status {c}"),
                (_, Some(s)) => format!("killed by signal: {s}"),
                _ => "exited".into(),
            }
        )));
    }
    let n = bytes.len() as u64;
    if n > 0 {
        pane.write(bytes)
            .await
            .map_err(|_| {
                CmdError::failed(format!(
                    "pane {} closed before the input was written",
                    pane.id
                ))
            })?
            .map_err(|e| CmdError::failed(format!("writing to pane {}: {e}", pane.id)))?;
    }
    Ok(Response::Sent(Sent {
        pane: pane.id,
        bytes: n,
        seq,
    }))
}

/// `send [--enter] TEXT`: the text as UTF-8, then `\r` for Enter.
pub async fn send(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    text: String,
    enter: bool,
) -> CmdResult {
    let pane = live_pane(state, caller, target)?;
    let mut bytes = text.into_bytes();
    if enter {
        bytes.push(b'\r');
    }
    write(&pane, bytes).await
}

/// `send-key [-N COUNT] KEY...`: all names are checked before anything is written.
pub async fn send_keys(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    keys: &[String],
    count: u32,
) -> CmdResult {
    if count == 0 {
        return Err(CmdError::invalid("repeat count must be at least 1"));
    }
    if keys.is_empty() {
        return Err(CmdError::invalid("no key given"));
    }
    let pane = live_pane(state, caller, target)?;
    let modes = {
        let m = pane.state().screen.modes();
        KeyModes {
            application_cursor: m.application_cursor,
            application_keypad: m.application_keypad,
        }
    };
    let bytes = encode_keys(keys, count, modes).map_err(|e| CmdError::invalid(e.to_string()))?;
    write(&pane, bytes).await
}

/// `read-screen`: a snapshot taken under the pane lock.
pub fn read_screen(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    range: ReadRange,
    ansi: bool,
) -> CmdResult {
    let pane = live_pane(state, caller, target)?;
    let st = pane.state();
    let lines = st.screen.lines(range, ansi).map_err(CmdError::invalid)?;
    let (rows, cols) = st.screen.size();
    Ok(Response::Screen(ScreenCapture {
        pane: pane.id,
        cols,
        rows,
        first_line: lines.first_line,
        lines: lines.lines,
        cursor: st.screen.cursor(),
        title: st.screen.title().to_owned(),
        alternate_screen: st.screen.modes().alternate_screen,
        seq: st.seq,
        dead: st.exit.is_some(),
    }))
}
