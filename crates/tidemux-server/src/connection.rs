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

async fn serve_inner(state: &Arc<ServerState>, conn: &Stream) -> Result<(), CodecError> {
    let mut hello = [0u8; HELLO_LEN];
    read_exact(conn, &mut hello).await?;
    let theirs = codec::parse_hello(&hello)?;
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
        read_exact(conn, &mut h).await?;
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
        let mut body = vec![0u8; len as usize];
        read_exact(conn, &mut body).await?;
        let (resp, after) = match codec::decode_body::<Envelope>(&body) {
                        Ok(Envelope { request: Request::Events { after, filters }, .. }) => {
                return stream_events(state, conn, id, after, &filters).await;
            }
            Ok(Envelope { request: Request::Attach { target, read_only, cols, rows }, .. }) => {
                return serve_attach(state, conn, id, target.as_deref(), read_only, cols, rows).await;
            }
            Ok(env) => dispatch(state, env, peer_closed(conn)).await,
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

async fn send_event(conn: &Stream, id: u64, e: &Event) -> Result<(), CodecError> {
    let frame = codec::encode_frame(id, &Response::Event(e.clone()))?;
    match tokio::time::timeout(EVENT_WRITE_TIMEOUT, write_all(conn, &frame)).await {
        Ok(r) => r,
        Err(_) => Err(CodecError::Closed),
    }
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
    let closed = peer_closed(conn);
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
async fn serve_attach(
    state: &Arc<ServerState>,
    conn: &Stream,
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
        peer_closed(conn),
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
