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

/// Bytes a client may send ahead while one of its requests runs (they are kept and served
/// next); past this, its next bytes stay in the socket until the request ends.
const READ_AHEAD: usize = 64 * 1024;

/// How much the first read of a line asks for (later reads of the same line ask for
/// [`codec::READ_CHUNK`]). A read zeroes the room it asks for first: with 64 KiB every
/// request cost two 64 KiB memsets (its line, and the read-ahead that watches for a close
/// while it runs), for lines that are mostly a few hundred bytes.
const FIRST_READ: usize = 8 * 1024;

/// The reading side of a connection: lines, plus noticing that the peer closed while a request
/// runs, without losing bytes it sent ahead (they are kept for the next line).
struct Incoming<'a> {
    conn: &'a Stream,
    lines: LineReader,
}

impl<'a> Incoming<'a> {
    fn new(conn: &'a Stream) -> Self {
        Self {
            conn,
            lines: LineReader::new(codec::MAX_HELLO_LINE),
        }
    }

    /// Reads more bytes (at most `room`) into the line buffer.
    ///
    /// # Errors
    /// [`CodecError::Closed`] on EOF.
    async fn fill(&mut self, room: usize) -> Result<(), CodecError> {
        let mut r = self.conn;
        let got = r.read(self.lines.read_buf(room)).await;
        self.lines.filled(*got.as_ref().unwrap_or(&0));
        match got.map_err(codec::closed_or_io)? {
            0 => Err(CodecError::Closed),
            _ => Ok(()),
        }
    }

    /// The next line if the peer has sent all of it already (reads what the socket holds
    /// without waiting), else `None`.
    ///
    /// # Errors
    /// [`CodecError::TooLarge`] for a line over the limit; I/O errors.
    fn try_line(&mut self) -> Result<Option<Vec<u8>>, CodecError> {
        if let Some(l) = self.lines.take_line()? {
            return Ok(Some(l));
        }
        let Stream::UdSocket(s) = self.conn;
        let got = s.inner().try_read(self.lines.read_buf(FIRST_READ));
        self.lines.filled(*got.as_ref().unwrap_or(&0));
        match got {
            Ok(0) => Err(CodecError::Closed),
            Ok(_) => self.lines.take_line(),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(codec::closed_or_io(e)),
        }
    }

    /// The next line from the peer (without its newline).
    ///
    /// # Errors
    /// [`CodecError::Closed`] on EOF; [`CodecError::TooLarge`] for a line over the limit.
    async fn next_line(&mut self) -> Result<Vec<u8>, CodecError> {
        let mut chunk = FIRST_READ;
        loop {
            if let Some(l) = self.lines.take_line()? {
                return Ok(l);
            }
            self.fill(chunk).await?;
            chunk = codec::READ_CHUNK;
        }
    }

    /// Resolves when the peer closes; bytes read meanwhile are kept (up to [`READ_AHEAD`],
    /// then reading pauses). A half-close (end of the peer's input, while it still reads the
    /// replies) is not a close: its requests are answered.
    async fn closed(&mut self) {
        loop {
            let room = READ_AHEAD.saturating_sub(self.lines.pending());
            if room == 0 {
                return std::future::pending().await;
            }
            if self.fill(room.min(FIRST_READ)).await.is_err() {
                return gone_for_good(self.conn).await;
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
            Ok(0) | Err(_) => return gone_for_good(conn).await,
            Ok(_) => {} // bytes after a stream request: ignored
        }
    }
}

/// How often a half-closed connection is checked for a full close.
const HALF_CLOSED_POLL: Duration = Duration::from_millis(100);

/// Whether the peer closed its end entirely (`POLLHUP`), as opposed to only shutting down its
/// writing side (`shutdown(SHUT_WR)`, which `socat` does when its input ends) while it still
/// reads the replies.
fn peer_gone(conn: &Stream) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use std::os::fd::AsFd;
    let Stream::UdSocket(s) = conn;
    let fd = s.inner().as_fd();
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR),
        Err(_) => true,
    }
}

/// After reading EOF: resolves at once if the peer is gone, else (a half-close: the peer still
/// reads) when it closes entirely.
async fn gone_for_good(conn: &Stream) {
    while !peer_gone(conn) {
        tokio::time::sleep(HALF_CLOSED_POLL).await;
    }
}

/// Serves one connection until it closes.
///
/// `fresh` counts the connection until its first request is answered (or a streaming request
/// takes over): an empty server does not exit under it ([`crate::state::Fresh`]).
pub async fn serve(state: Arc<ServerState>, conn: Stream, fresh: crate::state::FreshGuard) {
    if let Err(e) = serve_inner(&state, &conn, fresh).await {
        if !matches!(e, CodecError::Closed) {
            tracing::debug!("connection ended: {e}");
        }
    }
}

/// The hello and the negotiation line (within [`crate::limits::HANDSHAKE_TIMEOUT`]): the
/// client's protocol minor (`u32::MAX` for a client of a newer major), `None` when the
/// connection must close (a version-1 peer, no common version, a bad line).
async fn handshake(pid: u32, incoming: &mut Incoming<'_>) -> Result<Option<u32>, CodecError> {
    let conn = incoming.conn;
    // Our hello, unless it is still to go out in front of the welcome.
    let mut ours: &[u8] = &[];
    let our_hello = codec::hello(HELLO_VERSION);
    let hello = async {
        let mut hello = [0u8; HELLO_LEN];
        read_exact(conn, &mut hello).await?;
        let theirs = codec::parse_hello(&hello)?;
        if theirs != HELLO_VERSION {
            write_all(conn, &our_hello).await?;
            tracing::warn!(
                client = theirs,
                "a client of protocol version {theirs} (without the negotiation) connected; closing"
            );
            return Ok(None);
        }
        // A client sends its negotiation line in the same write as its hello: when it is
        // here already, our hello goes out with the welcome, in one write (one wake-up of the
        // client instead of two). A peer that waits for our hello first gets it at once.
        if let Some(line) = incoming.try_line()? {
            ours = &our_hello;
            return Ok(Some(line));
        }
        write_all(conn, &our_hello).await?;
        incoming.next_line().await.map(Some)
    };
    let line = match tokio::time::timeout(crate::limits::HANDSHAKE_TIMEOUT, hello).await {
        Ok(Ok(Some(line))) => line,
        Ok(Ok(None)) => return Ok(None),
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            tracing::debug!("no handshake within the deadline; closing");
            return Err(CodecError::Closed);
        }
    };
    let version = env!("CARGO_PKG_VERSION");
    let mut minor = 0;
    let welcome = match codec::decode_line::<codec::Hello>(&line) {
        Ok(h) => {
            minor = if h.max_version > codec::PROTOCOL_VERSION {
                u32::MAX
            } else {
                h.minor
            };
            let w = codec::negotiate(&h, pid, version);
            if let Some(e) = &w.error {
                tracing::warn!(client = ?h.client, "negotiation failed: {e}");
            }
            w
        }
        Err(e) => {
            let mut w = codec::negotiate(&codec::Hello::ours("-"), pid, version);
            w.version = None;
            w.encoding = None;
            w.minor = 0;
            w.error = Some(format!(
                "bad negotiation line (a JSON object with min_version and max_version is required): {e}"
            ));
            w
        }
    };
    let mut out = ours.to_vec();
    out.extend(codec::encode_line(&welcome)?);
    write_all(conn, &out).await?;
    incoming.lines.set_limit(MAX_FRAME_LEN as usize);
    Ok(welcome.error.is_none().then_some(minor))
}

/// Refuses a connection over the cap: after the hello and negotiation, the first request gets
/// an error reply naming the limit (with its id), then the connection is closed. Bounded by
/// twice the handshake deadline.
pub async fn refuse(conn: Stream, open: usize) {
    let refusal = async {
        let mut incoming = Incoming::new(&conn);
        if handshake(std::process::id(), &mut incoming)
            .await?
            .is_none()
        {
            return Ok(());
        }
        let line = incoming.next_line().await?;
        let id = match codec::decode_request(&line) {
            Ok(r) => Some(r.id),
            Err(bad) => bad.id,
        };
        let resp = Response::Error(ErrorReply {
            kind: ErrorKind::Failed,
            message: format!(
                "server busy: {open} connections are open, the limit (set TIDEMUX_MAX_CONNECTIONS for the server, see docs/limits.md); try again once some have closed"
            ),
        });
        write_all(&conn, &codec::encode_reply(id, &resp)?).await
    };
    let _ = tokio::time::timeout(crate::limits::HANDSHAKE_TIMEOUT * 2, refusal).await;
}

/// After `next_line` failed: an over-long line gets an error reply (then the caller closes the
/// connection); other errors are passed on.
async fn refuse_line(conn: &Stream, e: CodecError) -> Result<(), CodecError> {
    match e {
        CodecError::TooLarge(_) => {
            let bad = codec::BadRequest {
                id: None,
                error: codec::rpc_error(&ErrorReply {
                    kind: ErrorKind::Protocol,
                    message: e.to_string(),
                }),
            };
            write_all(conn, &codec::encode_bad_request(&bad)?).await
        }
        e => Err(e),
    }
}

async fn serve_inner(
    state: &Arc<ServerState>,
    conn: &Stream,
    fresh: crate::state::FreshGuard,
) -> Result<(), CodecError> {
    let mut fresh = Some(fresh);
    let mut incoming = Incoming::new(conn);
    let Some(minor) = handshake(state.pid, &mut incoming).await? else {
        return Ok(());
    };
    // The peer's pid (tells an attached client's own requests apart: `commands::PEER_PID`).
    let peer_pid = {
        use interprocess::local_socket::traits::StreamCommon as _;
        conn.peer_creds()
            .ok()
            .and_then(|c| c.pid())
            .and_then(|p| u32::try_from(p).ok())
    };
    loop {
        let line = match incoming.next_line().await {
            Ok(l) => l,
            Err(e) => {
                refuse_line(conn, e).await?;
                return Ok(());
            }
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
        // Counted until answered: a live upgrade waits for the answer (see crate::upgrade).
        let streams = matches!(
            rpc.request,
            Request::Events { .. } | Request::Attach { .. } | Request::TmuxControl { .. }
        );
        let busy = (!streams).then(|| state.upgrade.busy());
        if streams {
            // An event stream keeps no server alive; an attach or control client counts as
            // a client from here on.
            drop(fresh.take());
        }
        let (resp, after) = match rpc.request {
            Request::Events { after, filters } => {
                return stream_events(state, conn, id, after, &filters).await;
            }
            Request::TmuxControl {
                argv,
                cwd,
                terminal,
            } => {
                let who = (rpc.caller_pane, terminal);
                return serve_control(state, &mut incoming, id, who, argv, cwd).await;
            }
            Request::Attach {
                target,
                read_only,
                cols,
                rows,
                terminal,
                flags,
            } => {
                // tmux cmd-attach-session.c: -f's flags, then -r's read-only and ignore-size.
                let mut f = crate::commands::attach::ClientFlags::default();
                if let Some(spec) = &flags {
                    f.apply(spec);
                }
                if read_only {
                    f = crate::commands::attach::ClientFlags::read_only();
                }
                return serve_attach(
                    state,
                    &mut incoming,
                    (id, minor),
                    target.as_deref(),
                    f,
                    cols,
                    rows,
                    terminal.unwrap_or_default(),
                )
                .await;
            }
            // Whatever a request waits for (a delay, a condition, a channel, a pane's input
            // queue), a client that goes away ends it: nothing is held for the dead. Biased:
            // a request that needs no wait completes even if its client already hung up.
            request => {
                let env = Envelope {
                    caller_pane: rpc.caller_pane,
                    request,
                };
                tokio::select! {
                    biased;
                    r = crate::commands::PEER_PID.scope(
                        peer_pid,
                        dispatch(state, env, std::future::pending()),
                    ) => r,
                    () = incoming.closed() => return Err(CodecError::Closed),
                    // The server switches binaries: a request still waiting is told to retry.
                    () = state.upgrade.started() => (
                        Response::from(crate::upgrade::upgraded_error()),
                        After::Continue,
                    ),
                }
            }
        };
        reply(conn, id, &resp).await?;
        drop(busy);
        drop(fresh.take());
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
    let frame =
        codec::encode_reply(Some(id), &Response::Event(e.clone())).map_err(SendFailed::Codec)?;
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
    let Ok(last) = codec::encode_reply(Some(id), &Response::Event(e)) else {
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
#[allow(clippy::too_many_arguments)]
async fn serve_attach(
    state: &Arc<ServerState>,
    incoming: &mut Incoming<'_>,
    (id, minor): (u64, u32),
    target: Option<&str>,
    flags: crate::commands::attach::ClientFlags,
    cols: u16,
    rows: u16,
    terminal: tidemux_proto::ClientTerminal,
) -> Result<(), CodecError> {
    use crate::commands::attach;
    let conn = incoming.conn;
    let info = crate::commands::clients::ClientDetails::new(terminal);
    let (client, sid, detach) = match attach::register(state, target, flags, cols, rows, info, None)
    {
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
    // A shutdown or an upgrade waits until the reason is written (`Clients::all_told`).
    let telling = matches!(end, attach::End::Reason(_));
    if telling {
        crate::sync::lock(&state.clients).telling += 1;
    }
    attach::unregister(state, client, sid);
    if let attach::End::Reason(reason) = end {
        let _w = writer.lock().await;
        let _ = tokio::time::timeout(
            EVENT_WRITE_TIMEOUT,
            reply(conn, id, &Response::Detached(reason.for_minor(minor))),
        )
        .await;
    }
    if telling {
        crate::sync::lock(&state.clients).telling -= 1;
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
        let line = match incoming.next_line().await {
            Ok(l) => l,
            Err(e) => {
                let _w = writer.lock().await;
                let _ = refuse_line(conn, e).await;
                return;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let rpc = match codec::decode_request(&line) {
            Ok(r) => r,
            Err(bad) => {
                let _w = writer.lock().await;
                let Ok(bytes) = codec::encode_bad_request(&bad) else {
                    return;
                };
                if write_all(conn, &bytes).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let rid = rpc.id;
        let r = match rpc.request {
            Request::AttachInput { bytes } => attach::client_input(state, client, bytes),
            Request::AttachResize { cols, rows } => attach::client_resize(state, client, cols, rows),
            Request::AttachFocus { focused } => attach::client_focus(state, client, focused),
            Request::AttachKeyTable { table } => attach::client_key_table(state, client, table),
            Request::AttachDetach => {
                attach::detach_self(state, client);
                Ok(())
            }
            Request::AttachKey { table, key } => {
                crate::keys::client::attach_key(state, client, &table, &key)
            }
            _ => Err(crate::error::CmdError::invalid(
                "an attach connection takes only attach-input, attach-resize, attach-focus, attach-key, attach-key-table and attach-detach requests; send commands on another connection",
            )),
        };
        if let Err(e) = r {
            let _w = writer.lock().await;
            if reply(conn, rid, &Response::from(e)).await.is_err() {
                return;
            }
        }
    }
}

/// Serves a tmux control-mode client (`tmux -C`, [`crate::lang::control`]) until `%exit`: its
/// output (command blocks and notifications) as `Bytes` replies with the request's id, its
/// commands as `TmuxControlInput` requests on the same connection.
async fn serve_control(
    state: &Arc<ServerState>,
    incoming: &mut Incoming<'_>,
    id: u64,
    who: (Option<tidemux_proto::PaneId>, tidemux_proto::ClientTerminal),
    argv: Vec<String>,
    cwd: Option<String>,
) -> Result<(), CodecError> {
    let conn = incoming.conn;
    let (mut ctl, mut rx, first) =
        crate::lang::control::Control::start(state, who.0, who.1, &argv, cwd).await;
    reply(conn, id, &Response::Bytes(first)).await?;
    let mut shutdown = state.shutdown_requested();
    let result = loop {
        if ctl.ended() {
            break Ok(());
        }
        tokio::select! {
            chunk = rx.recv() => match chunk {
                Some(b) => {
                    let exit = b.ends_with(b"%exit\n")
                        || b.ends_with(crate::lang::control::EXIT_UPGRADED.as_bytes());
                    if let Err(e) = reply(conn, id, &Response::Bytes(b)).await {
                        break Err(e);
                    }
                    if exit {
                        break Ok(());
                    }
                }
                None => break Ok(()),
            },
            _ = shutdown.changed() => {
                let _ = reply(conn, id, &Response::Bytes(b"%exit\n".to_vec())).await;
                break Ok(());
            }
            // A live upgrade closes every connection: the client is told why (tmux's
            // `%exit REASON`) and may connect again (`docs/continuity.md`).
            () = state.upgrade.started() => {
                let bye = crate::lang::control::EXIT_UPGRADED.as_bytes().to_vec();
                let _ = reply(conn, id, &Response::Bytes(bye)).await;
                break Ok(());
            }
            line = incoming.next_line() => {
                let Ok(line) = line else { break Ok(()) };
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
                let out = match rpc.request {
                    Request::TmuxControlInput { line, close } => ctl.input(&line, close).await,
                    _ => {
                        let e = crate::error::CmdError::invalid(
                            "a control-mode connection takes only tmux-control-input requests",
                        );
                        reply(conn, rpc.id, &Response::from(e)).await?;
                        continue;
                    }
                };
                if let Err(e) = reply(conn, id, &Response::Bytes(out)).await {
                    break Err(e);
                }
            }
        }
    };
    ctl.stop();
    result
}
