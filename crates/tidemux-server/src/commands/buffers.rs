//! Paste buffers: `set-buffer`, `load-buffer`, `save-buffer`, `show-buffer`, `list-buffers`,
//! `delete-buffer`, `paste-buffer` (tmux 3.3a cmd-set-buffer.c, cmd-paste-buffer.c). Files
//! are read and written by the client (paths are the caller's); the server holds bytes.

use super::io::{live_pane, write};
use crate::buffers::{sample, Buffers};
use crate::error::{CmdError, CmdResult};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{BufferInfo, PaneId, Response};

/// The `buffer-limit` server option (default 50).
fn limit(state: &ServerState) -> usize {
    lock(&state.options_store)
        .effective("buffer-limit", None, None, None)
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// A pane's program set the clipboard with `OSC 52` (tmux input.c `input_osc_52`): with the
/// `set-clipboard` server option `on`, the bytes become a new automatic paste buffer and
/// `pane-set-clipboard` fires for the pane; otherwise (`external`, the default, or `off`)
/// nothing happens, as in tmux.
pub fn pane_set_clipboard(state: &ServerState, pane: PaneId, data: Vec<u8>) {
    let on = lock(&state.options_store)
        .effective("set-clipboard", None, None, None)
        .is_some_and(|v| v == "on");
    if !on {
        return;
    }
    // A new pane's program may write before the pane is in the registry: the hook queue
    // fills in its window and session when the hook runs.
    let ctx = {
        let reg = state.registry();
        crate::hooks::context_of(&reg, Some(&pane.to_string()), None)
    };
    state.hooks.fire(
        "pane-set-clipboard",
        crate::hooks::Context {
            pane: Some(pane),
            ..ctx
        },
    );
    let limit = limit(state);
    if let Err(e) = lock(&state.buffers).add(data, limit) {
        tracing::warn!(%pane, "OSC 52 clipboard not stored: {e}");
    }
    state.bump_model();
}

/// A pane's program asked for the clipboard with `OSC 52 ; Pc ; ?` (tmux 3.3a input.c
/// `input_osc_52`, `input_reply_clipboard`): with the `set-clipboard` server option `on` the
/// pane gets `ESC ] 52 ; ; BASE64` of the newest paste buffer (nothing after `;;` when there is
/// none), ended like the query (BEL, or `ESC \` when `bel` is false); otherwise (`external`,
/// the default, or `off`) no reply, as in tmux. The reply is queued like other query replies
/// (dropped if the pane does not read its input).
pub fn pane_clipboard_query(state: &ServerState, pane: PaneId, bel: bool) {
    let on = lock(&state.options_store)
        .effective("set-clipboard", None, None, None)
        .is_some_and(|v| v == "on");
    if !on {
        return;
    }
    let Ok(p) = state.registry().pane(pane).map(|e| Arc::clone(&e.pane)) else {
        return;
    };
    let mut reply = b"\x1b]52;;".to_vec();
    if let Some(b) = lock(&state.buffers).top() {
        reply.extend(base64(&b.data).bytes());
    }
    reply.extend_from_slice(if bel { b"\x07" } else { b"\x1b\\" });
    p.queue_reply(reply);
}

/// Standard base64 with `=` padding (tmux `b64_ntop`).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(A[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The buffer `-b NAME` names (`unknown buffer: NAME` if none), or the newest (`no buffer`).
fn pick(b: &Buffers, name: Option<&str>) -> CmdResult<String> {
    match name {
        Some(n) => b
            .get(n)
            .map(|x| x.name.clone())
            .ok_or_else(|| CmdError::not_found(format!("unknown buffer: {n}"))),
        None => b
            .top()
            .map(|x| x.name.clone())
            .ok_or_else(|| CmdError::not_found("no buffer")),
    }
}

fn no_buffer(name: Option<&str>) -> CmdError {
    match name {
        Some(n) => CmdError::not_found(format!("no buffer {n}")),
        None => CmdError::not_found("no buffer"),
    }
}

/// `set-buffer [-a] [-b NAME] [-n NEW] DATA` (and `load-buffer`).
pub fn set_buffer(
    state: &Arc<ServerState>,
    name: Option<&str>,
    data: Vec<u8>,
    append: bool,
    rename: Option<&str>,
) -> CmdResult {
    let limit = limit(state);
    let mut b = lock(&state.buffers);
    if let Some(new) = rename {
        let old = pick(&b, name)?;
        b.rename(&old, new).map_err(CmdError::invalid)?;
        return Ok(Response::Ok);
    }
    if data.is_empty() {
        return Ok(Response::Ok);
    }
    let existing = name.and_then(|n| b.get(n)).map(|x| x.data.clone());
    let data = match (append, existing) {
        (true, Some(mut old)) => {
            old.extend_from_slice(&data);
            old
        }
        _ => data,
    };
    b.set(name, data, limit).map_err(CmdError::invalid)?;
    Ok(Response::Ok)
}

/// `delete-buffer [-b NAME]`.
pub fn delete_buffer(state: &Arc<ServerState>, name: Option<&str>) -> CmdResult {
    let mut b = lock(&state.buffers);
    let n = pick(&b, name)?;
    b.delete(&n);
    Ok(Response::Ok)
}

/// `show-buffer [-b NAME]` / `save-buffer`: the exact bytes.
pub fn show_buffer(state: &Arc<ServerState>, name: Option<&str>) -> CmdResult {
    let b = lock(&state.buffers);
    let buf = b.named_or_top(name).ok_or_else(|| no_buffer(name))?;
    Ok(Response::Bytes(buf.data.clone()))
}

/// `list-buffers`.
pub fn list_buffers(state: &Arc<ServerState>) -> CmdResult {
    let b = lock(&state.buffers);
    Ok(Response::Buffers(infos(&b)))
}

fn infos(b: &Buffers) -> Vec<BufferInfo> {
    b.newest_first()
        .into_iter()
        .map(|x| BufferInfo {
            name: x.name.clone(),
            size: x.data.len() as u64,
            created: x.created,
            automatic: x.automatic,
            sample: sample(&x.data),
        })
        .collect()
}

/// The bytes `paste-buffer` writes: every line feed replaced by `sep`, wrapped in bracketed
/// paste marks when `bracket`.
pub fn paste_bytes(data: &[u8], sep: &[u8], bracket: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    if bracket {
        out.extend_from_slice(b"\x1b[200~");
    }
    let mut lines = data.split(|&c| c == b'\n').peekable();
    while let Some(line) = lines.next() {
        out.extend_from_slice(line);
        if lines.peek().is_some() {
            out.extend_from_slice(sep);
        }
    }
    if bracket {
        out.extend_from_slice(b"\x1b[201~");
    }
    out
}

/// `paste-buffer [-d] [-p] [-r] [-s SEP] [-b NAME] [-t PANE]`.
#[allow(clippy::too_many_arguments)]
pub async fn paste_buffer(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: Option<&str>,
    delete: bool,
    bracket: bool,
    keep_lf: bool,
    separator: Option<&str>,
) -> CmdResult {
    let pane = live_pane(state, caller, target)?;
    let (buf_name, data) = {
        let b = lock(&state.buffers);
        match b.named_or_top(name) {
            Some(x) => (Some(x.name.clone()), x.data.clone()),
            // tmux: a missing named buffer is an error, no buffer at all is not.
            None if name.is_some() => return Err(no_buffer(name)),
            None => (None, Vec::new()),
        }
    };
    if let Some(n) = &buf_name {
        let sep = separator.unwrap_or(if keep_lf { "\n" } else { "\r" });
        let bracketed = bracket && pane.state().screen.modes().bracketed_paste;
        write(&pane, paste_bytes(&data, sep.as_bytes(), bracketed)).await?;
        if delete {
            lock(&state.buffers).delete(n);
        }
    }
    Ok(Response::Ok)
}

/// Format variables of every buffer, newest first (`list-buffers -F/-f`).
pub fn buffer_variables(state: &ServerState) -> Vec<Vec<(String, String)>> {
    lock(&state.buffers)
        .newest_first()
        .into_iter()
        .map(crate::buffers::variables)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::paste_bytes;

    #[test]
    fn base64_pads_like_b64_ntop() {
        for (d, e) in [
            (&b""[..], ""),
            (b"h", "aA=="),
            (b"hi", "aGk="),
            (b"hello", "aGVsbG8="),
            (b"hello clip", "aGVsbG8gY2xpcA=="),
            (b"\xff\xfe\xfd", "//79"),
        ] {
            assert_eq!(super::base64(d), e);
            if !d.is_empty() {
                assert_eq!(
                    crate::screen::decode_base64(e.as_bytes()).as_deref(),
                    Some(d)
                );
            }
        }
    }

    #[test]
    fn paste_replaces_line_feeds() {
        assert_eq!(paste_bytes(b"a\nb\n", b"\r", false), b"a\rb\r");
        assert_eq!(paste_bytes(b"a\nb", b"\n", false), b"a\nb");
        assert_eq!(paste_bytes(b"a\nb", b"--", true), b"\x1b[200~a--b\x1b[201~");
        assert_eq!(paste_bytes(b"", b"\r", false), b"");
        assert_eq!(paste_bytes(&[0, 0xff, b'\n'], b"", false), [0, 0xff]);
    }
}
