//! `send`, `send-key`, `read-screen`: input to and output from one pane.

use super::wait::{wait_on, Conditions};
use crate::error::{CmdError, CmdResult};
use crate::input::keys::{encode_keys, KeyModes};
use crate::pane::{Pane, PaneState, WriteRefused};
use crate::state::ServerState;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{PaneId, ReadRange, Response, ScreenCapture, Sent, WaitSpec};

/// Default delay between a submitted text and its Enter, ms.
pub const SUBMIT_DELAY_MS: u64 = 150;

pub(crate) fn live_pane(
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

pub(crate) async fn write(pane: &Pane, bytes: Vec<u8>) -> CmdResult<Sent> {
    let (seq, dead) = {
        // The reported seq is a sync point (see Screen::sync): `wait --since` relies on it.
        let mut st = pane.state();
        st.screen.sync();
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
        let written = pane.write(bytes).map_err(|e| match e {
            WriteRefused::Full { .. } => CmdError::failed(e.to_string()),
            WriteRefused::Closed(why) => {
                CmdError::failed(format!("{why}; nothing was sent to pane {}", pane.id))
            }
        })?;
        written
            .await
            .map_err(|_| {
                CmdError::failed(format!(
                    "pane {} closed before the input was written",
                    pane.id
                ))
            })?
            .map_err(|e| {
                CmdError::failed(format!("input for pane {} was not written: {e}", pane.id))
            })?;
    }
    Ok(Sent {
        pane: pane.id,
        bytes: n,
        seq,
    })
}

/// Whether the screen content changed after output sequence number `seq`.
fn changed_since(pane: &Pane, seq: u64) -> bool {
    let mut st = pane.state();
    st.screen.sync();
    st.screen.changed_seq() > seq
}

/// Submit: the text as one input (inside bracketed-paste brackets when the program enabled
/// them, `CSI 200~ ... CSI 201~`, xterm ctlseqs), then Enter as a separate write once `delay`
/// has passed, and, if the screen had not changed by then, after it changes (at most one more
/// `delay`). TUIs that drop an Enter arriving right after a paste see it late enough.
async fn submit(pane: &Pane, text: String, delay: Duration) -> CmdResult<Sent> {
    let bracketed = pane.state().screen.modes().bracketed_paste;
    let mut rx = pane.subscribe();
    let payload = if bracketed {
        // Never let the text end the paste early.
        let clean = text.replace("\x1b[201~", "");
        format!("\x1b[200~{clean}\x1b[201~").into_bytes()
    } else {
        text.into_bytes()
    };
    let sent = write(pane, payload).await?;
    let enter = enter_after(pane, sent.seq, &mut rx, delay).await?;
    Ok(Sent {
        bytes: sent.bytes + enter.bytes,
        ..sent
    })
}

/// The Enter of submit mode: written once `delay` has passed since the text, and, if the
/// screen had not changed after `seq` by then, after it changes (at most one more `delay`).
/// `rx` must have been subscribed before the text was written.
pub(crate) async fn enter_after(
    pane: &Pane,
    seq: u64,
    rx: &mut tokio::sync::watch::Receiver<u64>,
    delay: Duration,
) -> CmdResult<Sent> {
    tokio::time::sleep(delay).await;
    if !changed_since(pane, seq) {
        let _ = tokio::time::timeout(delay, async {
            while rx.changed().await.is_ok() {
                if changed_since(pane, seq) {
                    break;
                }
            }
        })
        .await;
    }
    write(pane, b"\r".to_vec()).await
}

/// Options of `send` beyond the text.
#[derive(Debug, Clone, Default)]
pub struct SendOpts {
    /// Press Enter in the same write.
    pub enter: bool,
    /// Submit mode with this delay (ms).
    pub submit_delay_ms: Option<u64>,
    /// Then wait.
    pub wait: Option<WaitSpec>,
    /// Wait timeout (ms).
    pub timeout_ms: Option<u64>,
}

/// `send [--enter|--submit] TEXT [--wait-text RE|--wait-idle MS]`: the text as UTF-8, then
/// `\r` for Enter; with a wait, waits for output that came after the send.
pub async fn send(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    text: String,
    opts: SendOpts,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    // Compile before writing anything: a bad regex sends nothing.
    let cond = opts.wait.as_ref().map(Conditions::compile).transpose()?;
    let pane = live_pane(state, caller, target)?;
    let sent = match opts.submit_delay_ms {
        Some(ms) => submit(&pane, text, Duration::from_millis(ms)).await?,
        None => {
            let mut bytes = text.into_bytes();
            if opts.enter {
                bytes.push(b'\r');
            }
            super::behaviour::write_synchronized(state, pane.id, &bytes);
            write(&pane, bytes).await?
        }
    };
    match cond {
        None => Ok(Response::Sent(sent)),
        Some(c) => {
            let c = c.since_default(sent.seq);
            let timeout = opts.timeout_ms.map(Duration::from_millis);
            Ok(Response::Waited(
                wait_on(pane, &c, timeout, Some(sent), closed).await?,
            ))
        }
    }
}

/// `wait -t PANE CONDITION...`.
pub async fn wait(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    spec: WaitSpec,
    timeout_ms: Option<u64>,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    // A pane that already closed answers from its record (issue 14).
    let timeout = timeout_ms.map(Duration::from_millis);
    Ok(Response::Waited(
        super::orch::wait_one(state, caller, target, &spec, timeout, closed).await?,
    ))
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
    let once = encode_keys(keys, 1, modes).map_err(|e| CmdError::invalid(e.to_string()))?;
    let total = once.len() as u64 * u64::from(count);
    if total > crate::limits::MAX_KEY_INPUT {
        return Err(CmdError::invalid(format!(
            "send-key -N {count}: {total} bytes of input ({} per repetition), more than the limit of {} bytes per send-key; use a smaller -N (nothing was sent)",
            once.len(),
            crate::limits::MAX_KEY_INPUT
        )));
    }
    let bytes = once.repeat(count as usize);
    super::behaviour::write_synchronized(state, pane.id, &bytes);
    Ok(Response::Sent(write(&pane, bytes).await?))
}

/// `read-screen`: a snapshot taken under the pane lock.
pub fn read_screen(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    range: ReadRange,
    ansi: bool,
) -> CmdResult {
    let pane = match live_pane(state, caller, target) {
        Ok(p) => p,
        Err(e) => {
            // A closed pane's final screen (issue 14).
            if let Ok(super::orch::Target::Closed(rec) | super::orch::Target::Ending(_, rec)) =
                super::orch::resolve_any(state, caller, target)
            {
                return Ok(Response::Screen(super::orch::closed_screen(&rec, range)));
            }
            return Err(e);
        }
    };
    let mut st = pane.state();
    Ok(Response::Screen(capture(pane.id, &mut st, range, ansi)?))
}

/// A snapshot of a pane's screen (synced first, so its `seq` is a sync point).
///
/// # Errors
/// A bad range.
pub fn capture(
    id: PaneId,
    st: &mut PaneState,
    range: ReadRange,
    ansi: bool,
) -> CmdResult<ScreenCapture> {
    st.screen.sync();
    let lines = st.screen.lines(range, ansi).map_err(CmdError::invalid)?;
    let (rows, cols) = st.screen.size();
    Ok(ScreenCapture {
        pane: id,
        cols,
        rows,
        first_line: lines.first_line,
        lines: lines.lines,
        cursor: st.screen.cursor(),
        title: st.screen.title().to_owned(),
        alternate_screen: st.screen.modes().alternate_screen,
        seq: st.seq,
        dead: st.exit.is_some(),
    })
}
