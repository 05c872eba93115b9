//! One client connection: handshake, then request frames answered in order.
//!
//! Protocol errors never crash the server: a body that does not decode gets an error reply with
//! the frame's id; an oversized frame gets an error reply and the connection is closed (its body
//! is never read). EOF or a reset is a clean disconnect.

use crate::commands::{dispatch, After};
use crate::state::ServerState;
use interprocess::local_socket::tokio::Stream;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::codec::{self, CodecError, HEADER_LEN, HELLO_LEN};
use tidemux_proto::{
    Envelope, ErrorKind, ErrorReply, Event, EventKind, Request, Response, PROTOCOL_VERSION,
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

/// Reads a body of `len` bytes into a buffer that grows as bytes arrive (an announced length
/// allocates nothing until the peer sends it).
async fn read_body(conn: &Stream, len: u32) -> Result<Vec<u8>, CodecError> {
    let mut body = Vec::with_capacity((len as usize).min(codec::BODY_CHUNK));
    let mut r = conn;
    (&mut r)
        .take(u64::from(len))
        .read_to_end(&mut body)
        .await
        .map_err(codec::closed_or_io)?;
    if body.len() < len as usize {
        return Err(CodecError::Closed);
    }
    Ok(body)
}

async fn write_all(conn: &Stream, bytes: &[u8]) -> Result<(), CodecError> {
    let mut w = conn;
    w.write_all(bytes).await.map_err(codec::closed_or_io)?;
    w.flush().await.map_err(codec::closed_or_io)
}

async fn reply(conn: &Stream, id: u64, resp: &Response) -> Result<(), CodecError> {
    let bytes = match codec::encode_frame(id, resp) {
        Ok(b) => b,
        Err(e) => codec::encode_frame(
            id,
            &Response::Error(ErrorReply {
                kind: ErrorKind::Failed,
                message: format!("reply too large: {e}"),
            }),
        )?,
    };
    write_all(conn, &bytes).await
}

/// Bytes a client may send ahead while one of its requests runs (they are kept and served
/// next); past this, its next bytes stay in the socket until the request ends.
const READ_AHEAD: usize = 64 * 1024;

/// The reading side of a request connection: frames, plus noticing that the peer closed while
/// a request runs, without losing bytes it sent ahead (they are kept for the next frame).
struct Incoming<'a> {
    conn: &'a Stream,
    ahead: std::collections::VecDeque<u8>,
}

impl<'a> Incoming<'a> {
    fn new(conn: &'a Stream) -> Self {
        Self {
            conn,
            ahead: std::collections::VecDeque::new(),
        }
    }

    async fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), CodecError> {
        let n = buf.len().min(self.ahead.len());
        for (b, a) in buf.iter_mut().zip(self.ahead.drain(..n)) {
            *b = a;
        }
        read_exact(self.conn, &mut buf[n..]).await
    }

    async fn read_body(&mut self, len: u32) -> Result<Vec<u8>, CodecError> {
        let n = (len as usize).min(self.ahead.len());
        let mut body: Vec<u8> = self.ahead.drain(..n).collect();
        let rest = read_body(self.conn, len - n as u32).await?;
        if body.is_empty() {
            return Ok(rest);
        }
        body.extend_from_slice(&rest);
        Ok(body)
    }

    /// Resolves when the peer closes; bytes read meanwhile are kept (up to [`READ_AHEAD`],
    /// then reading pauses).
    async fn closed(&mut self) {
        let mut r = self.conn;
        let mut b = [0u8; 4096];
        loop {
            let room = READ_AHEAD.saturating_sub(self.ahead.len()).min(b.len());
            if room == 0 {
                return std::future::pending().await;
            }
            match r.read(&mut b[..room]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => self.ahead.extend(&b[..n]),
            }
        }
    }
}

/// Resolves when the peer closes (used to abandon waits for a client that went away).
async fn peer_closed(conn: &Stream) {
    let mut r = conn;
    let mut b = [0u8; 1];
    loop {
        match r.read(&mut b).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {} // a pipelined byte during a wait: not supported, ignore
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

/// Reads the peer's handshake within [`crate::limits::HANDSHAKE_TIMEOUT`].
async fn read_hello(conn: &Stream) -> Result<u32, CodecError> {
    let mut hello = [0u8; HELLO_LEN];
    match tokio::time::timeout(
        crate::limits::HANDSHAKE_TIMEOUT,
        read_exact(conn, &mut hello),
    )
    .await
    {
        Ok(r) => r?,
        Err(_) => {
            tracing::debug!("no handshake within the deadline; closing");
            return Err(CodecError::Closed);
        }
    }
    codec::parse_hello(&hello)
}

/// Refuses a connection over the cap: after the handshake, the first request gets an error
/// reply naming the limit, then the connection is closed (its body is never read). Bounded
/// by the handshake deadline.
pub async fn refuse(conn: Stream, open: usize) {
    let refusal = async {
        let theirs = read_hello(&conn).await?;
        write_all(&conn, &codec::hello(PROTOCOL_VERSION)).await?;
        if theirs != PROTOCOL_VERSION {
            return Ok(());
        }
        let mut h = [0u8; HEADER_LEN];
        read_exact(&conn, &mut h).await?;
        let id = u64::from_le_bytes(h[4..].try_into().expect("8 bytes"));
        let resp = Response::Error(ErrorReply {
            kind: ErrorKind::Failed,
            message: format!(
                "server busy: {open} connections are open, the limit (set TIDEMUX_MAX_CONNECTIONS for the server, see docs/limits.md); try again once some have closed"
            ),
        });
        reply(&conn, id, &resp).await
    };
    let _ = tokio::time::timeout(crate::limits::HANDSHAKE_TIMEOUT * 2, refusal).await;
}

async fn serve_inner(state: &Arc<ServerState>, conn: &Stream) -> Result<(), CodecError> {
    let theirs = read_hello(conn).await?;
    let mut incoming = Incoming::new(conn);
    write_all(conn, &codec::hello(PROTOCOL_VERSION)).await?;
    if theirs != PROTOCOL_VERSION {
        tracing::warn!(
            client = theirs,
            server = PROTOCOL_VERSION,
            "protocol version mismatch; closing"
        );
        return Ok(());
    }
    loop {
        let mut h = [0u8; HEADER_LEN];
        incoming.read_exact(&mut h).await?;
        let (len, id) = match codec::parse_header(&h) {
            Ok(x) => x,
            Err(e) => {
                let id = u64::from_le_bytes(h[4..].try_into().expect("8 bytes"));
                let resp = Response::Error(ErrorReply {
                    kind: ErrorKind::Protocol,
                    message: e.to_string(),
                });
                reply(conn, id, &resp).await?;
                return Ok(());
            }
        };
        let body = incoming.read_body(len).await?;
        let (resp, after) = match codec::decode_body::<Envelope>(&body) {
                        Ok(Envelope { request: Request::Events { after, filters }, .. }) => {
                return stream_events(state, conn, id, after, &filters).await;
            }
            Ok(Envelope { request: Request::Attach { target, read_only, cols, rows }, .. }) => {
                return serve_attach(state, &mut incoming, id, target.as_deref(), read_only, cols, rows).await;
            }
            // Whatever a request waits for (a delay, a condition, a channel, a pane's input
            // queue), a client that goes away ends it: nothing is held for the dead. Biased:
            // a request that needs no wait completes even if its client already hung up.
            Ok(env) => tokio::select! {
                biased;
                r = dispatch(state, env, std::future::pending()) => r,
                () = incoming.closed() => return Err(CodecError::Closed),
            },
            Err(e) => (
                Response::Error(ErrorReply {
                    kind: ErrorKind::Protocol,
                    message: format!("unknown or malformed request ({e}); is the client from another tidemux version?"),
                }),
                After::Continue,
            ),
        };
        reply(conn, id, &resp).await?;
        if after == After::Shutdown {
            state.shutdown();
            return Ok(());
        }
    }
}

/// How long a dropped subscriber gets to take the rest of its last event and the final
/// `subscriber-dropped` line before the connection is closed anyway.
const DROP_GRACE: Duration = Duration::from_secs(10);

/// Why an event could not be delivered.
enum SendFailed {
    /// The connection failed.
    Codec(CodecError),
    /// The subscriber took none or only part of the frame within [`EVENT_WRITE_TIMEOUT`]:
    /// these bytes of it are still unwritten.
    Stalled(Vec<u8>),
}

/// Writes `bytes` within `timeout`, keeping count, so that a stall leaves the frame resumable.
async fn write_within(conn: &Stream, bytes: &[u8], timeout: Duration) -> Result<(), SendFailed> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut w = conn;
    let mut pos = 0;
    while pos < bytes.len() {
        match tokio::time::timeout_at(deadline, w.write(&bytes[pos..])).await {
            Ok(Ok(0)) => return Err(SendFailed::Codec(CodecError::Closed)),
            Ok(Ok(n)) => pos += n,
            Ok(Err(e)) => return Err(SendFailed::Codec(codec::closed_or_io(e))),
            Err(_) => return Err(SendFailed::Stalled(bytes[pos..].to_vec())),
        }
    }
    w.flush()
        .await
        .map_err(|e| SendFailed::Codec(codec::closed_or_io(e)))
}

async fn send_event(conn: &Stream, id: u64, e: &Event) -> Result<(), SendFailed> {
    let frame = codec::encode_frame(id, &Response::Event(e.clone())).map_err(SendFailed::Codec)?;
    write_within(conn, &frame, EVENT_WRITE_TIMEOUT).await
}

/// Drops a subscriber that fell behind: finishes the frame it was in the middle of (if any),
/// then writes a final `subscriber-dropped` event, all within [`DROP_GRACE`].
async fn drop_subscriber(conn: &Stream, id: u64, rest: Vec<u8>, why: String) {
    tracing::warn!("dropping an events subscriber: {why}");
    let mut e = Event::new(EventKind::SubscriberDropped);
    e.message = Some(format!(
        "{why}; this subscriber was disconnected: resume with --after"
    ));
    let Ok(last) = codec::encode_frame(id, &Response::Event(e)) else {
        return;
    };
    let mut bytes = rest;
    bytes.extend_from_slice(&last);
    let _ = write_within(conn, &bytes, DROP_GRACE).await;
}

/// Streams events to one subscriber until it disconnects or falls behind.
async fn stream_events(
    state: &Arc<ServerState>,
    conn: &Stream,
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
    let stalled = |rest: Vec<u8>| async move {
        let why = format!(
            "subscriber took no event for {} s",
            EVENT_WRITE_TIMEOUT.as_secs()
        );
        drop_subscriber(conn, id, rest, why).await;
        Ok(())
    };
    if let Some(first) = sub.lost_before {
        let mut e = Event::new(EventKind::EventsLost);
        e.output_seq = Some(first);
        e.message = Some(format!(
            "events after {} are no longer buffered; the oldest buffered event is {first}",
            after.unwrap_or(0)
        ));
        match send_event(conn, id, &e).await {
            Ok(()) => {}
            Err(SendFailed::Codec(e)) => return Err(e),
            Err(SendFailed::Stalled(rest)) => return stalled(rest).await,
        }
    }
    for e in sub.replay.iter().filter(|e| wanted(e.kind)) {
        match send_event(conn, id, e).await {
            Ok(()) => {}
            Err(SendFailed::Codec(e)) => return Err(e),
            Err(SendFailed::Stalled(rest)) => return stalled(rest).await,
        }
    }
    let mut live = sub.live;
    let closed = peer_closed(conn);
    tokio::pin!(closed);
    loop {
        let next = tokio::select! {
            r = live.recv() => r,
            () = &mut closed => return Ok(()),
        };
        match next {
            Ok(e) if wanted(e.kind) => match send_event(conn, id, &e).await {
                Ok(()) => {}
                Err(SendFailed::Codec(e)) => return Err(e),
                Err(SendFailed::Stalled(rest)) => return stalled(rest).await,
            },
            Ok(_) => {}
            Err(RecvError::Lagged(n)) => {
                let why = format!("subscriber fell {n} events behind");
                drop_subscriber(conn, id, Vec::new(), why).await;
                return Ok(());
            }
            Err(RecvError::Closed) => return Ok(()),
        }
    }
}

/// Serves an attached client until it detaches or goes away. Its typed input, resizes and
/// detach arrive on this same connection (`AttachInput`, `AttachResize`, `AttachDetach`), so
/// no other connection can act as this client; frames and error replies share one writer.
async fn serve_attach(
    state: &Arc<ServerState>,
    incoming: &mut Incoming<'_>,
    id: u64,
    target: Option<&str>,
    read_only: bool,
    cols: u16,
    rows: u16,
) -> Result<(), CodecError> {
    use crate::commands::attach;
    let conn = incoming.conn;
    let (client, sid, detach) = match attach::register(state, target, read_only, cols, rows) {
        Ok(x) => x,
        Err(e) => return reply(conn, id, &Response::from(e)).await,
    };
    let writer = tokio::sync::Mutex::new(());
    let writer = &writer;
    let frames = attach::frame_loop(
        state,
        client,
        sid,
        detach,
        std::future::pending(),
        |r| async move {
            let _w = writer.lock().await;
            reply(conn, id, &r).await.is_ok()
        },
    );
    let end = tokio::select! {
        end = frames => end,
        () = attach_requests(state, incoming, client, writer) => attach::End::Closed,
    };
    attach::unregister(state, client, sid);
    if let attach::End::Reason(reason) = end {
        let _w = writer.lock().await;
        let _ = tokio::time::timeout(
            EVENT_WRITE_TIMEOUT,
            reply(conn, id, &Response::Detached(reason)),
        )
        .await;
    }
    Ok(())
}

/// Reads the requests an attached client sends on its attach connection until it closes (or
/// sends a frame over the size limit). Typed input is queued for the pane without waiting for
/// the write, so a pane that does not read never stalls resizes, detach or the close.
async fn attach_requests(
    state: &Arc<ServerState>,
    incoming: &mut Incoming<'_>,
    client: u32,
    writer: &tokio::sync::Mutex<()>,
) {
    use crate::commands::attach;
    let conn = incoming.conn;
    loop {
        let mut h = [0u8; HEADER_LEN];
        if incoming.read_exact(&mut h).await.is_err() {
            return;
        }
        let (len, rid) = match codec::parse_header(&h) {
            Ok(x) => x,
            Err(e) => {
                let rid = u64::from_le_bytes(h[4..].try_into().expect("8 bytes"));
                let resp = Response::Error(ErrorReply {
                    kind: ErrorKind::Protocol,
                    message: e.to_string(),
                });
                let _w = writer.lock().await;
                let _ = reply(conn, rid, &resp).await;
                return;
            }
        };
        let Ok(body) = incoming.read_body(len).await else {
            return;
        };
        let r = match codec::decode_body::<Envelope>(&body) {
            Ok(Envelope {
                request: Request::AttachInput { bytes },
                ..
            }) => attach::client_input(state, client, bytes),
            Ok(Envelope {
                request: Request::AttachResize { cols, rows },
                ..
            }) => attach::client_resize(state, client, cols, rows),
            Ok(Envelope {
                request: Request::AttachDetach,
                ..
            }) => {
                attach::detach_self(state, client);
                Ok(())
            }
            Ok(_) => Err(crate::error::CmdError::invalid(
                "an attach connection takes only attach-input, attach-resize and attach-detach requests; send commands on another connection",
            )),
            Err(e) => Err(crate::error::CmdError {
                kind: ErrorKind::Protocol,
                message: format!("unknown or malformed request ({e})"),
            }),
        };
        if let Err(e) = r {
            let _w = writer.lock().await;
            if reply(conn, rid, &Response::from(e)).await.is_err() {
                return;
            }
        }
    }
}
