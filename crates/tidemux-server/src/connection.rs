//! One client connection: hello, version negotiation, then JSON-RPC request lines answered in
//! order (`tidemux_proto::codec` has the byte layout).
//!
//! Protocol errors never crash the server: a line that does not decode gets a JSON-RPC error
//! with the line's id when it has one; a line over the size limit gets an error reply and the
//! connection is closed (it is never buffered whole). EOF or a reset is a clean disconnect.

use crate::commands::{dispatch, After};
use crate::state::ServerState;
use interprocess::local_socket::tokio::Stream;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::codec::{self, CodecError, LineReader, HELLO_LEN, HELLO_VERSION};
use tidemux_proto::{
    Envelope, ErrorKind, ErrorReply, Event, EventKind, Request, Response, MAX_FRAME_LEN,
};
use tokio::sync::broadcast::error::RecvError;

/// How long one event frame may take to write before the subscriber counts as stuck.
const EVENT_WRITE_TIMEOUT: Duration = Duration::from_secs(2);
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn read_exact(conn: &Stream, buf: &mut [u8]) -> Result<(), CodecError> {
    let mut r = conn;
    r.read_exact(buf)
        .await
        .map(|_| ())
        .map_err(codec::closed_or_io)
}

async fn write_all(conn: &Stream, bytes: &[u8]) -> Result<(), CodecError> {
    let mut w = conn;
    w.write_all(bytes).await.map_err(codec::closed_or_io)?;
    w.flush().await.map_err(codec::closed_or_io)
}

async fn reply(conn: &Stream, id: u64, resp: &Response) -> Result<(), CodecError> {
    let bytes = match codec::encode_reply(Some(id), resp) {
        Ok(b) => b,
        Err(e) => codec::encode_reply(
            Some(id),
            &Response::Error(ErrorReply {
                kind: ErrorKind::Failed,
                message: format!("reply too large: {e}"),
            }),
        )?,
    };
    write_all(conn, &bytes).await
}

/// Reads more bytes from the peer into `lines`.
///
/// # Errors
/// [`CodecError::Closed`] on EOF.
async fn fill(conn: &Stream, lines: &mut LineReader) -> Result<(), CodecError> {
    let mut r = conn;
    let got = r.read(lines.read_buf(codec::READ_CHUNK)).await;
    lines.filled(*got.as_ref().unwrap_or(&0));
    match got.map_err(codec::closed_or_io)? {
        0 => Err(CodecError::Closed),
        _ => Ok(()),
    }
}

/// The next line from the peer.
async fn next_line(conn: &Stream, lines: &mut LineReader) -> Result<Vec<u8>, CodecError> {
    loop {
        if let Some(l) = lines.take_line()? {
            return Ok(l);
        }
        fill(conn, lines).await?;
    }
}

/// Resolves when the peer closes (used to abandon waits for a client that went away). Bytes
/// that arrive meanwhile (pipelined requests) are kept in `lines` for later; a peer that
/// sends more than a line's limit meanwhile counts as gone.
async fn peer_closed(conn: &Stream, lines: &mut LineReader) {
    loop {
        if fill(conn, lines).await.is_err() || lines.pending() > MAX_FRAME_LEN as usize {
            return;
        }
    }
}

/// Serves one connection until it closes.
pub async fn serve(state: Arc<ServerState>, conn: Stream) {
    if let Err(e) = serve_inner(&state, &conn).await {
        if !matches!(e, CodecError::Closed) {
            tracing::debug!("connection ended: {e}");
        }
    }
}

/// The 8-byte hello and the negotiation line; `false` when the connection must close.
async fn handshake(
    state: &Arc<ServerState>,
    conn: &Stream,
    lines: &mut LineReader,
) -> Result<bool, CodecError> {
    let mut hello = [0u8; HELLO_LEN];
    read_exact(conn, &mut hello).await?;
    let theirs = codec::parse_hello(&hello)?;
    write_all(conn, &codec::hello(HELLO_VERSION)).await?;
    if theirs < HELLO_VERSION {
        tracing::warn!(
            client = theirs,
            "a client of protocol version {theirs} (no negotiation) connected; closing"
        );
        return Ok(false);
    }
    let line = next_line(conn, lines).await?;
    let welcome = match codec::decode_line::<codec::Hello>(&line) {
        Ok(h) => {
            let w = codec::negotiate(&h, state.pid, env!("CARGO_PKG_VERSION"));
            if let Some(e) = &w.error {
                tracing::warn!(client = ?h.client, "negotiation failed: {e}");
            }
            w
        }
        Err(e) => {
            let mut w = codec::negotiate(
                &codec::Hello::ours("-"),
                state.pid,
                env!("CARGO_PKG_VERSION"),
            );
            w.version = None;
            w.encoding = None;
            w.minor = 0;
            w.error = Some(format!("bad negotiation line (a JSON object with min_version and max_version is required): {e}"));
            w
        }
    };
    write_all(conn, &codec::encode_line(&welcome)?).await?;
    Ok(welcome.error.is_none())
}

async fn serve_inner(state: &Arc<ServerState>, conn: &Stream) -> Result<(), CodecError> {
    let mut lines = LineReader::new(codec::MAX_HELLO_LINE);
    if !handshake(state, conn, &mut lines).await? {
        return Ok(());
    }
    lines.set_limit(MAX_FRAME_LEN as usize);
    loop {
        let line = match next_line(conn, &mut lines).await {
            Ok(l) => l,
            Err(e @ CodecError::TooLarge(_)) => {
                let bad = codec::BadRequest {
                    id: None,
                    error: codec::rpc_error(&ErrorReply {
                        kind: ErrorKind::Protocol,
                        message: e.to_string(),
                    }),
                };
                write_all(conn, &codec::encode_bad_request(&bad)?).await?;
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let rpc = match codec::decode_request(&line) {
            Ok(r) => r,
            Err(bad) => {
                write_all(conn, &codec::encode_bad_request(&bad)?).await?;
                continue;
            }
        };
        let id = rpc.id;
        let (resp, after) = match rpc.request {
            Request::Events { after, filters } => {
                return stream_events(state, conn, &mut lines, id, after, &filters).await;
            }
            Request::Attach {
                target,
                read_only,
                cols,
                rows,
            } => {
                return serve_attach(
                    state,
                    conn,
                    &mut lines,
                    id,
                    target.as_deref(),
                    read_only,
                    cols,
                    rows,
                )
                .await;
            }
            request => {
                let env = Envelope {
                    caller_pane: rpc.caller_pane,
                    request,
                };
                dispatch(state, env, peer_closed(conn, &mut lines)).await
            }
        };
        reply(conn, id, &resp).await?;
        if after == After::Shutdown {
            state.shutdown();
            return Ok(());
        }
    }
}

async fn send_event(conn: &Stream, id: u64, e: &Event) -> Result<(), CodecError> {
    let frame = codec::encode_reply(Some(id), &Response::Event(e.clone()))?;
    match tokio::time::timeout(EVENT_WRITE_TIMEOUT, write_all(conn, &frame)).await {
        Ok(r) => r,
        Err(_) => Err(CodecError::Closed),
    }
}

/// Streams events to one subscriber until it disconnects or falls behind.
async fn stream_events(
    state: &Arc<ServerState>,
    conn: &Stream,
    lines: &mut LineReader,
    id: u64,
    after: Option<u64>,
    filters: &[String],
) -> Result<(), CodecError> {
    let kinds = match crate::events::parse_filters(filters) {
        Ok(k) => k,
        Err(message) => {
            let resp = Response::Error(ErrorReply {
                kind: ErrorKind::Invalid,
                message,
            });
            return reply(conn, id, &resp).await;
        }
    };
    let wanted = |k: EventKind| kinds.is_empty() || kinds.contains(&k);
    let sub = state.events.subscribe(after);
    if let Some(first) = sub.lost_before {
        let mut e = Event::new(EventKind::EventsLost);
        e.output_seq = Some(first);
        e.message = Some(format!(
            "events after {} are no longer buffered; the oldest buffered event is {first}",
            after.unwrap_or(0)
        ));
        send_event(conn, id, &e).await?;
    }
    for e in sub.replay.iter().filter(|e| wanted(e.kind)) {
        send_event(conn, id, e).await?;
    }
    let mut live = sub.live;
    let closed = peer_closed(conn, lines);
    tokio::pin!(closed);
    loop {
        let next = tokio::select! {
            r = live.recv() => r,
            () = &mut closed => return Ok(()),
        };
        match next {
            Ok(e) if wanted(e.kind) => send_event(conn, id, &e).await?,
            Ok(_) => {}
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "dropping an events subscriber that fell behind");
                let mut e = Event::new(EventKind::SubscriberDropped);
                e.message = Some(format!(
                    "subscriber fell {n} events behind and was disconnected; resume with --after"
                ));
                let _ = send_event(conn, id, &e).await;
                return Ok(());
            }
            Err(RecvError::Closed) => return Ok(()),
        }
    }
}

/// Serves an attached client until it detaches or goes away.
#[allow(clippy::too_many_arguments)]
async fn serve_attach(
    state: &Arc<ServerState>,
    conn: &Stream,
    lines: &mut LineReader,
    id: u64,
    target: Option<&str>,
    read_only: bool,
    cols: u16,
    rows: u16,
) -> Result<(), CodecError> {
    use crate::commands::attach;
    let (client, sid, detach) = match attach::register(state, target, read_only, cols, rows) {
        Ok(x) => x,
        Err(e) => return reply(conn, id, &Response::from(e)).await,
    };
    let end = attach::frame_loop(
        state,
        client,
        sid,
        detach,
        peer_closed(conn, lines),
        |r| async move { reply(conn, id, &r).await.is_ok() },
    )
    .await;
    attach::unregister(state, client, sid);
    if let attach::End::Reason(reason) = end {
        let _ = tokio::time::timeout(
            EVENT_WRITE_TIMEOUT,
            reply(conn, id, &Response::Detached(reason)),
        )
        .await;
    }
    Ok(())
}
