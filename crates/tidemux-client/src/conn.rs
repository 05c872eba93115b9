//! A blocking connection to a server.

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{GenericFilePath, Stream};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use tidemux_proto::codec::{self, CodecError, LineReader, Welcome, HELLO_LEN, HELLO_VERSION};
use tidemux_proto::{PaneId, Request, Response, MAX_FRAME_LEN, PROTOCOL_VERSION};

/// Client failures.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens on the socket.
    #[error("no server running on {0}")]
    NoServer(PathBuf),
    /// The server speaks no protocol version this client speaks.
    #[error("protocol version mismatch: this client speaks version {client}, the server on {socket} speaks version {server}; restart the server (tidemux kill-server, then run the command again)")]
    VersionMismatch {
        /// Ours (the newest we speak).
        client: u32,
        /// Theirs (the newest it speaks; 1 for servers from before the negotiation).
        server: u32,
        /// Where.
        socket: PathBuf,
        /// The server's pid (from its welcome, else from the socket's peer credentials), so
        /// that a caller can find its binary (`/proc/PID/exe`).
        server_pid: Option<u32>,
    },
    /// The server belongs to another user and refused the connection.
    #[error("the server on {socket} belongs to uid {owner} and refuses other users")]
    Refused {
        /// Where.
        socket: PathBuf,
        /// The socket owner's uid.
        owner: u32,
    },
    /// The server could not be started.
    #[error("cannot start a server on {socket}: {why}")]
    StartFailed {
        /// Where.
        socket: PathBuf,
        /// Why.
        why: String,
    },
    /// The connection failed mid-way.
    #[error("lost connection to the server: {0}")]
    Codec(#[from] CodecError),
    /// The reply did not match the request.
    #[error("protocol error: {0}")]
    Protocol(String),
}

fn socket_owner(socket: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(socket).ok().map(|m| m.uid())
}

/// A connected, handshaken client.
#[derive(Debug)]
pub struct Client {
    stream: Stream,
    lines: LineReader,
    next_id: u64,
    caller: Option<PaneId>,
    socket: PathBuf,
    welcome: Welcome,
}

impl Client {
    /// Connects to `socket` and does the version handshake. `caller` is sent with every
    /// request as the default target.
    ///
    /// # Errors
    /// [`ClientError::NoServer`] when nothing listens (or a stale socket file is left);
    /// [`ClientError::VersionMismatch`]; I/O errors.
    pub fn connect(socket: &Path, caller: Option<PaneId>) -> Result<Self, ClientError> {
        Self::connect_sending(socket, caller, None)
    }

    /// Connects, does the handshake and sends `request`, all in one write, then waits for the
    /// welcome and the request's reply: one round trip instead of two (a one-shot command's
    /// connection; see `docs/protocol.md`, "Requests in the first write"). The connection
    /// stays usable for further requests.
    ///
    /// The request is encoded for this build's protocol version before the welcome is read.
    /// That is safe because this build speaks one major version only
    /// (`MIN_PROTOCOL_VERSION == PROTOCOL_VERSION`): a server either chooses it or refuses
    /// the negotiation, and a server that refuses closes the connection without reading the
    /// request (the client then reports the mismatch as [`Client::connect`] does).
    ///
    /// # Errors
    /// As [`Client::connect`] and [`Client::request`].
    pub fn connect_and_request(
        socket: &Path,
        caller: Option<PaneId>,
        request: &Request,
    ) -> Result<(Self, Response), ClientError> {
        let mut client = Self::connect_sending(socket, caller, Some(request))?;
        let resp = client.receive(1)?;
        Ok((client, resp))
    }

    /// [`Client::connect`], with `first` (request id 1) appended to the handshake's write when
    /// given; its reply is left to read.
    fn connect_sending(
        socket: &Path,
        caller: Option<PaneId>,
        first: Option<&Request>,
    ) -> Result<Self, ClientError> {
        let name = socket
            .to_fs_name::<GenericFilePath>()
            .map_err(|_| ClientError::NoServer(socket.to_owned()))?;
        let mut stream = match Stream::connect(name) {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(ClientError::NoServer(socket.to_owned()))
            }
            Err(e) => return Err(ClientError::Codec(CodecError::Io(e))),
        };
        // A server that closes before its hello refused us (another user's server) or is
        // exiting (there is no server to talk to).
        let gone = |e: io::Error| match codec::closed_or_io(e) {
            CodecError::Closed => match socket_owner(socket) {
                Some(owner) if owner != rustix::process::geteuid().as_raw() => {
                    ClientError::Refused {
                        socket: socket.to_owned(),
                        owner,
                    }
                }
                _ => ClientError::NoServer(socket.to_owned()),
            },
            other => ClientError::Codec(other),
        };
        // Hello, negotiation line (and the first request, if any) in one write.
        let mut out = codec::hello(HELLO_VERSION).to_vec();
        let ours = codec::Hello::ours(concat!("tidemux ", env!("CARGO_PKG_VERSION")));
        out.extend(codec::encode_line(&ours)?);
        let next_id = match first {
            Some(request) => {
                out.extend(codec::encode_request(1, caller, request)?);
                2
            }
            None => 1,
        };
        stream.write_all(&out).map_err(gone)?;
        // The server's hello and welcome usually come in one write: read them with one call
        // into the line buffer (the reply may follow in the same read).
        let mut lines = LineReader::new(codec::MAX_HELLO_LINE);
        while lines.pending() < HELLO_LEN {
            let got = stream.read(lines.read_buf(codec::MAX_HELLO_LINE));
            lines.filled(*got.as_ref().unwrap_or(&0));
            match got {
                Ok(0) => return Err(gone(io::ErrorKind::UnexpectedEof.into())),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(gone(e)),
            }
        }
        let hello: [u8; HELLO_LEN] = lines
            .take_bytes(HELLO_LEN)
            .try_into()
            .expect("HELLO_LEN bytes");
        let server = codec::parse_hello(&hello)?;
        let mismatch = |server, server_pid| ClientError::VersionMismatch {
            client: PROTOCOL_VERSION,
            server,
            socket: socket.to_owned(),
            server_pid,
        };
        if server != HELLO_VERSION {
            use interprocess::local_socket::traits::StreamCommon;
            let pid = stream
                .peer_creds()
                .ok()
                .and_then(|c| c.pid())
                .and_then(|p| u32::try_from(p).ok());
            return Err(mismatch(server, pid));
        }
        let line = lines
            .read_line(&mut stream, codec::MAX_HELLO_LINE)
            .map_err(|e| match e {
                CodecError::Io(e) => gone(e),
                e => ClientError::Codec(e),
            })?;
        let welcome: Welcome = codec::decode_line(&line)?;
        if welcome.version.is_none() {
            return Err(mismatch(welcome.max_version, Some(welcome.pid)));
        }
        lines.set_limit(MAX_FRAME_LEN as usize);
        Ok(Self {
            stream,
            lines,
            next_id,
            caller,
            socket: socket.to_owned(),
            welcome,
        })
    }

    /// What the server said in the negotiation (its versions, pid, the version chosen).
    pub fn welcome(&self) -> &Welcome {
        &self.welcome
    }

    /// The socket this client is connected to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Changes the pane sent as the caller with the following requests (the attach client's
    /// command prompt runs commands as from the active pane, as tmux runs them in the
    /// client's context).
    pub fn set_caller(&mut self, caller: Option<PaneId>) {
        self.caller = caller;
    }

    /// Writes one request frame; returns its id.
    fn send(&mut self, request: Request) -> Result<u64, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        let line = codec::encode_request(id, self.caller, &request)?;
        codec::write_all(&mut self.stream, &line)?;
        Ok(id)
    }

    /// Reads one reply frame and checks that it answers request `id`.
    fn receive(&mut self, id: u64) -> Result<Response, ClientError> {
        let line = self.read_line()?;
        let (rid, resp) = codec::decode_reply(&line)?;
        if rid != Some(id) {
            return Err(ClientError::Protocol(format!(
                "reply id {rid:?} does not match request id {id}: {resp:?}"
            )));
        }
        Ok(resp)
    }

    /// Reads one reply line: the first read asks for [`codec::FIRST_REPLY_READ`] bytes,
    /// later ones for [`codec::READ_CHUNK`] (see there why).
    fn read_line(&mut self) -> Result<Vec<u8>, CodecError> {
        let mut chunk = codec::FIRST_REPLY_READ;
        loop {
            if let Some(line) = self.lines.take_line()? {
                return Ok(line);
            }
            let got = self.stream.read(self.lines.read_buf(chunk));
            self.lines.filled(*got.as_ref().unwrap_or(&0));
            match got {
                Ok(0) => return Err(CodecError::Closed),
                Ok(_) => chunk = codec::READ_CHUNK,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(codec::closed_or_io(e)),
            }
        }
    }

    /// Sends one request whose replies are a stream of frames with its id (`events`,
    /// `attach`); calls `on_reply` for each until it returns `false` or the server closes the
    /// connection.
    ///
    /// # Errors
    /// Connection failures other than a clean close.
    pub fn stream(
        &mut self,
        request: Request,
        mut on_reply: impl FnMut(Response) -> bool,
    ) -> Result<(), ClientError> {
        let id = self.send(request)?;
        loop {
            match self.receive(id) {
                Ok(r) => {
                    if !on_reply(r) {
                        return Ok(());
                    }
                }
                Err(ClientError::Codec(CodecError::Closed)) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// A sender of further requests on this same connection (`AttachInput`, `AttachResize`,
    /// `AttachDetach` after an `Attach`), to use from another thread while this client reads
    /// the stream with [`Client::stream_shared`]. Its request ids start at 2^32, apart from
    /// this client's.
    ///
    /// # Errors
    /// The socket cannot be duplicated.
    pub fn sender(&self) -> Result<StreamSender, ClientError> {
        use interprocess::TryClone;
        Ok(StreamSender {
            stream: self
                .stream
                .try_clone()
                .map_err(|e| ClientError::Codec(CodecError::Io(e)))?,
            next_id: 1 << 32,
            caller: self.caller,
        })
    }

    /// Like [`Client::stream`], but replies to requests sent with a [`StreamSender`] on the
    /// same connection (errors) are passed too: `on_reply(false, reply)`; the stream's own
    /// replies come as `on_reply(true, reply)`.
    ///
    /// # Errors
    /// Connection failures other than a clean close.
    pub fn stream_shared(
        &mut self,
        request: Request,
        mut on_reply: impl FnMut(bool, Response) -> bool,
    ) -> Result<(), ClientError> {
        let id = self.send(request)?;
        loop {
            let line = match self.read_line() {
                Ok(x) => x,
                Err(CodecError::Closed) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let (rid, resp) = codec::decode_reply(&line)?;
            if !on_reply(rid == Some(id), resp) {
                return Ok(());
            }
        }
    }

    /// Sends one request and waits for its reply (a server-side error is `Ok(Response::Error)`).
    ///
    /// # Errors
    /// Connection failures, or a reply with another id.
    pub fn request(&mut self, request: Request) -> Result<Response, ClientError> {
        let id = self.send(request)?;
        self.receive(id)
    }
}

/// Sends requests on a connection whose replies another thread reads (see [`Client::sender`]).
#[derive(Debug)]
pub struct StreamSender {
    stream: Stream,
    next_id: u64,
    caller: Option<PaneId>,
}

impl StreamSender {
    /// Writes one request frame without waiting for a reply; returns its id.
    ///
    /// # Errors
    /// Connection failures.
    pub fn send(&mut self, request: Request) -> Result<u64, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        let line = codec::encode_request(id, self.caller, &request)?;
        codec::write_all(&mut self.stream, &line)?;
        Ok(id)
    }
}
