//! The byte layout of a tidemux connection (see `docs/protocol.md` and `docs/api.md`). This
//! module is the only place that turns messages into bytes and back.
//!
//! 1. Hello, 8 bytes each way, fixed forever: `b"TDMX"` then a `u32` little-endian, which is
//!    [`HELLO_VERSION`] (2) for every peer that negotiates. A version-1 peer (bincode, exact
//!    version match) sees a 2 and reports a mismatch; a peer announcing anything but 2 gets the
//!    server's hello and a close. No later version changes these 8 bytes.
//! 2. Negotiation, one JSON line each way (at most [`MAX_HELLO_LINE`] bytes): the client sends
//!    [`Hello`] (the protocol major versions it speaks, its minor version, the encoding it
//!    wants), the server answers [`Welcome`] (the version chosen, or an error and a close).
//! 3. Messages, newline-delimited JSON-RPC 2.0: a client line is an [`RpcRequest`], a server
//!    line an [`RpcReply`] repeating the request's id. Streams (`events`, `attach`) answer one
//!    request with many replies of the same id. Every line is at most [`MAX_FRAME_LEN`] bytes.
//!
//! Why JSON and not bincode: bincode 1.3.3 is not self-describing, so a decoder cannot skip a
//! field it does not know or notice one that is missing; fields could never be added without a
//! major version bump. JSON carries names, which makes identities stable and fields optional.

use crate::ids::PaneId;
use crate::msg::{ErrorKind, ErrorReply, Request, Response};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// How much a build with the cargo feature `protocol-bump` adds to [`PROTOCOL_VERSION`] and
/// [`MIN_PROTOCOL_VERSION`]: 1 with the feature, else 0. Such a build speaks only the next
/// major version, as a future incompatible tidemux would, so it meets every normal build with a
/// real version mismatch; the end-to-end test of the mismatch fallback (issue 16,
/// `docs/continuity.md`) builds one (the `tidemux-protocol-bump` binary). Never enabled in a
/// release.
pub const PROTOCOL_BUMP: u32 = if cfg!(feature = "protocol-bump") {
    1
} else {
    0
};

/// Protocol major version this build speaks best; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 2 + PROTOCOL_BUMP;

/// Oldest protocol major version this build still speaks.
pub const MIN_PROTOCOL_VERSION: u32 = 2 + PROTOCOL_BUMP;

/// Minor version within [`PROTOCOL_VERSION`]: bumped when a request, reply type, event kind or
/// field is added (compatible changes; see the rules in [`crate::msg`]).
///
/// 1 (issue 14): requests `list-closed-panes`, `kill-pane-remove-worktree`, `send-input`,
/// `wait-for-any`, `wait-many`, `schedule`, `schedule-list`, `schedule-cancel`, `set-status`,
/// `log`; replies `signalled`, `waited-all`, `scheduled`, `schedules`; events
/// `schedule-fired`, `schedule-failed`; states `at-prompt`, `blocked`, `done`; fields
/// `Spawn.worktree`, `PaneInfo.closed_at/worktree/branch/state_message`.
///
/// 2 (issue 11, pane commands): requests `respawn-pane`, `respawn-window`, `pipe-pane`,
/// `capture-pane`, `clear-history`.
///
/// 3 (issue 12): request `tmux`, reply `tmux` (tmux's command language).
///
/// 4 (issue 11, clients): requests `list-clients`, `switch-client`, `refresh-client`; reply
/// `clients`; fields `Attach.terminal`, `Spawn.insert`, `Spawn.zoom`.
///
/// 5 (issue 12, control mode): requests `tmux-control`, `tmux-control-input`.
///
/// 6 (issue 11, layouts): requests `select-layout`, `resize-pane`, `swap-pane`,
/// `rotate-window`, `break-pane`, `join-pane`, `move-window`, `swap-window`, `link-window`,
/// `unlink-window`, `last-window`, `last-pane`; fields `SelectPane.direction/last/title/mark/
/// unmark/keep_zoom`, `SplitWindow.before/full`.
///
/// 7 (issue 13): fields `AttachFrame.border_status/borders`.
///
/// 8 (issue 16): request `upgrade-server`; field `ServerInfo.upgrade`; error kind `upgraded`.
/// 9 (key tables and hooks): requests `bind-key`, `unbind-key`, `list-keys`, `set-hook`,
/// `show-hooks`, `client-config`, `attach-key`; reply `client-config`; field
/// `AttachFrame.config`.
///
/// 10 (issue 13): fields `AttachFrame.status_left/status_right/output`,
/// `ClientConfig.config_files/config_files_quiet`.
///
/// 11 (issue 13): `Response::Detached` carries a [`crate::DetachReason`] (still one string on
/// the wire; new value `detached and SIGHUP`, sent only to clients of minor 11 and later).
///
/// 12 (issue 9): field `ListPanes.brief` (skip the per-pane `/proc` fields).
///
/// 13 (issue 11): request `attach-focus`.
///
/// 14 (issue 13): fields `PaneSummary.session/session_name` (`sidebar-scope all`),
/// `WindowTab.text/style` (`window-status-format` and its styles).
///
/// 15 (issue 11, options): field `AttachFrame.bell` (`visual-bell`, `visual-activity`,
/// `visual-silence`).
///
/// 16 (issue 11, options): field `AttachFrame.title` (`set-titles`, `set-titles-string`).
///
/// 17 (issue 11, status): field `AttachFrame.status_lines` (`status-format`, `status 2`..`5`).
///
/// 18 (issue 11, window sizes): fields `AttachFrame.pan` (`refresh-client -L/-R/-U/-D`),
/// `Request::Attach.flags` and `TmuxOutput.attach_flags` (`attach -f`), and
/// `Request::RefreshClient.pan/adjustment/flags`.
///
/// 19 (issue 11, window sizes): field `Request::Tmux.size` (the terminal `new-session`
/// sizes an attached session from).
///
/// 20 (issue 11, status): request `attach-key-table` (the attach client's key table, for
/// `#{client_prefix}` and `#{client_key_table}`).
pub const PROTOCOL_MINOR: u32 = 20;

/// The number in every negotiating peer's 8-byte hello. Fixed forever: versions are
/// negotiated in the JSON line that follows.
pub const HELLO_VERSION: u32 = 2;

/// First four bytes of every hello.
pub const MAGIC: [u8; 4] = *b"TDMX";

/// Length of the hello, in bytes.
pub const HELLO_LEN: usize = 8;

/// Largest negotiation line accepted, in bytes (newline included).
pub const MAX_HELLO_LINE: usize = 4096;

/// Largest message line accepted, in bytes (16 MiB). A `send` of up to about this much text
/// fits.
pub const MAX_FRAME_LEN: u32 = 16 * 1024 * 1024;

/// How many bytes a reader asks the socket for at once once the connection is negotiated.
pub const READ_CHUNK: usize = 64 * 1024;

/// How many bytes the blocking client (`tidemux_client::Client`) asks for in the first read
/// of each reply line; later reads of the same line ask for [`READ_CHUNK`]. Most replies are
/// smaller, and a read zeroes the room it asks for first: 64 KiB is 16 page faults in a fresh
/// process, paid by every one-shot command. (Distinct from [`MAX_HELLO_LINE`], the size of
/// its reads during the handshake, so that a test can tell from `/proc/PID/syscall` that a
/// client waits for a reply.)
pub const FIRST_REPLY_READ: usize = 8 * 1024;

/// The only encoding today: newline-delimited JSON-RPC 2.0.
pub const ENCODING_JSON: &str = "json";

/// JSON-RPC error code of an unparsable line.
pub const CODE_PARSE_ERROR: i64 = -32700;
/// JSON-RPC error code of a line that is JSON but not a request (bad `id`, no `method`).
pub const CODE_INVALID_REQUEST: i64 = -32600;
/// JSON-RPC error code of an unknown method.
pub const CODE_METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC error code of a known method with bad params.
pub const CODE_INVALID_PARAMS: i64 = -32602;

/// Codec failures.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The peer closed the connection cleanly (EOF at a line boundary, or broken pipe).
    #[error("connection closed")]
    Closed,
    /// An I/O error.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The first four bytes were not `TDMX`.
    #[error("not a tidemux peer (bad handshake magic {0:02x?})")]
    BadMagic([u8; 4]),
    /// A line grew past its limit before its newline.
    #[error("message of {0} bytes or more exceeds the limit of {MAX_FRAME_LEN} bytes")]
    TooLarge(u64),
    /// The line did not decode as the expected type.
    #[error("malformed message: {0}")]
    Malformed(String),
}

/// The 8 hello bytes announcing `version`.
pub fn hello(version: u32) -> [u8; HELLO_LEN] {
    let mut b = [0u8; HELLO_LEN];
    b[..4].copy_from_slice(&MAGIC);
    b[4..].copy_from_slice(&version.to_le_bytes());
    b
}

/// Parses the peer's hello and returns its number.
///
/// # Errors
/// [`CodecError::BadMagic`] when the bytes do not start with `TDMX`.
pub fn parse_hello(b: &[u8; HELLO_LEN]) -> Result<u32, CodecError> {
    let magic: [u8; 4] = b[..4].try_into().expect("4 bytes");
    if magic != MAGIC {
        return Err(CodecError::BadMagic(magic));
    }
    Ok(u32::from_le_bytes(b[4..].try_into().expect("4 bytes")))
}

fn json_encoding() -> String {
    ENCODING_JSON.to_owned()
}

/// The client's negotiation line, sent right after its 8-byte hello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hello {
    /// Oldest protocol major version the client speaks.
    pub min_version: u32,
    /// Newest protocol major version the client speaks.
    pub max_version: u32,
    /// The client's minor version of `max_version` (informational: each side ignores fields
    /// and skips values it does not know, whatever the minor).
    #[serde(default)]
    pub minor: u32,
    /// Encoding of the messages that follow; only `"json"` today.
    #[serde(default = "json_encoding")]
    pub encoding: String,
    /// Free text naming the client, for the server's log (e.g. `"tidemux-py 0.1.0"`).
    #[serde(default)]
    pub client: Option<String>,
}

impl Hello {
    /// What this build sends.
    pub fn ours(client: &str) -> Self {
        Hello {
            min_version: MIN_PROTOCOL_VERSION,
            max_version: PROTOCOL_VERSION,
            minor: PROTOCOL_MINOR,
            encoding: json_encoding(),
            client: Some(client.to_owned()),
        }
    }
}

/// The server's negotiation line. With `error` set, the server closes the connection after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Welcome {
    /// The protocol major version chosen (the highest both speak), `null` on error.
    pub version: Option<u32>,
    /// The server's minor version of `version` (0 on error).
    pub minor: u32,
    /// The encoding chosen, `null` on error.
    pub encoding: Option<String>,
    /// Oldest protocol major version the server speaks.
    pub min_version: u32,
    /// Newest protocol major version the server speaks.
    pub max_version: u32,
    /// The server binary's version (crate version).
    pub server_version: String,
    /// The server's pid.
    pub pid: u32,
    /// Why the negotiation failed: no common version or an unknown encoding.
    #[serde(default)]
    pub error: Option<String>,
}

/// Chooses the version and encoding for `hello` (server side).
pub fn negotiate(hello: &Hello, pid: u32, server_version: &str) -> Welcome {
    let lo = hello.min_version.max(MIN_PROTOCOL_VERSION);
    let hi = hello.max_version.min(PROTOCOL_VERSION);
    let mut w = Welcome {
        version: None,
        minor: 0,
        encoding: None,
        min_version: MIN_PROTOCOL_VERSION,
        max_version: PROTOCOL_VERSION,
        server_version: server_version.to_owned(),
        pid,
        error: None,
    };
    if lo > hi {
        w.error = Some(format!(
            "no common protocol version: the client speaks {}..={}, this server (tidemux {server_version}) speaks {MIN_PROTOCOL_VERSION}..={PROTOCOL_VERSION}",
            hello.min_version, hello.max_version
        ));
    } else if hello.encoding != ENCODING_JSON {
        w.error = Some(format!(
            "unknown encoding '{}'; valid encodings: {ENCODING_JSON}",
            hello.encoding
        ));
    } else {
        w.version = Some(hi);
        w.minor = if hi == PROTOCOL_VERSION {
            PROTOCOL_MINOR
        } else {
            0
        };
        w.encoding = Some(ENCODING_JSON.to_owned());
    }
    w
}

/// The `"jsonrpc"` member: always `"2.0"` (may be left out on input).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum JsonRpc {
    /// JSON-RPC 2.0.
    #[default]
    #[serde(rename = "2.0")]
    V2,
}

/// A request line: JSON-RPC 2.0 with the request's `method` and `params` inline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RpcRequest {
    /// `"2.0"`.
    #[serde(default)]
    pub jsonrpc: JsonRpc,
    /// Request id, chosen by the client (unsigned integer); replies repeat it.
    pub id: u64,
    /// The pane the caller runs in (`TIDEMUX_PANE`), used as the default target (a tidemux
    /// extension to JSON-RPC; leave it out elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_pane: Option<PaneId>,
    /// `method` and `params`.
    #[serde(flatten)]
    pub request: Request,
}

#[derive(Serialize)]
struct RpcRequestRef<'a> {
    jsonrpc: JsonRpc,
    id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    caller_pane: Option<PaneId>,
    #[serde(flatten)]
    request: &'a Request,
}

/// A reply line: JSON-RPC 2.0 `result` or `error`, repeating the request's id (`null` when
/// the request line had no readable id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RpcReply {
    /// `"2.0"`.
    #[serde(default)]
    pub jsonrpc: JsonRpc,
    /// The request's id.
    pub id: Option<u64>,
    /// `result` or `error`.
    #[serde(flatten)]
    pub outcome: RpcOutcome,
}

/// The two members a reply may carry.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RpcOutcome {
    /// Success: a [`Response`] (never its `error` variant).
    Result(Response),
    /// Failure.
    Error(RpcError),
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RpcError {
    /// -32700 parse error, -32600 invalid request, -32601 unknown method, -32602 bad params
    /// (all with kind `protocol`); -32001 not_found, -32002 ambiguous, -32003 invalid,
    /// -32004 failed, -32005 timeout, -32006 upgraded.
    pub code: i64,
    /// One line for humans: what was wrong and what is valid.
    pub message: String,
    /// The error class to branch on.
    pub data: RpcErrorData,
}

/// The `data` of an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RpcErrorData {
    /// The server's error kind.
    pub kind: ErrorKind,
}

/// The JSON-RPC code of an error kind (see [`RpcError::code`]).
pub fn error_code(kind: ErrorKind) -> i64 {
    match kind {
        ErrorKind::NotFound => -32001,
        ErrorKind::Ambiguous => -32002,
        ErrorKind::Invalid => -32003,
        ErrorKind::Failed => -32004,
        ErrorKind::Timeout => -32005,
        ErrorKind::Upgraded => -32006,
        ErrorKind::Protocol => CODE_INVALID_REQUEST,
    }
}

/// Serialises `v` as one JSON line (newline included), checking [`MAX_FRAME_LEN`].
///
/// # Errors
/// [`CodecError::TooLarge`]; [`CodecError::Malformed`] if serde fails.
pub fn encode_line<T: Serialize>(v: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = serde_json::to_vec(v).map_err(|e| CodecError::Malformed(e.to_string()))?;
    out.push(b'\n');
    if out.len() > MAX_FRAME_LEN as usize {
        return Err(CodecError::TooLarge(out.len() as u64));
    }
    Ok(out)
}

/// Parses one JSON line (without or with its newline).
///
/// # Errors
/// [`CodecError::Malformed`] naming what serde found wrong.
pub fn decode_line<T: DeserializeOwned>(line: &[u8]) -> Result<T, CodecError> {
    serde_json::from_slice(line).map_err(|e| CodecError::Malformed(e.to_string()))
}

/// Encodes a request line.
///
/// # Errors
/// [`CodecError::TooLarge`] when it exceeds [`MAX_FRAME_LEN`].
pub fn encode_request(
    id: u64,
    caller_pane: Option<PaneId>,
    request: &Request,
) -> Result<Vec<u8>, CodecError> {
    encode_line(&RpcRequestRef {
        jsonrpc: JsonRpc::V2,
        id,
        caller_pane,
        request,
    })
}

/// Why a request line was refused: the id to answer (if one could be read) and the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest {
    /// The line's id, if readable.
    pub id: Option<u64>,
    /// The error to send.
    pub error: RpcError,
}

#[derive(Deserialize)]
struct Probe {
    id: Option<serde_json::Value>,
    method: Option<serde_json::Value>,
}

/// Decodes a request line.
///
/// # Errors
/// [`BadRequest`] with the JSON-RPC code for unparsable JSON, a missing or non-integer id, an
/// unknown method (the message lists the valid ones) or bad params.
pub fn decode_request(line: &[u8]) -> Result<RpcRequest, BadRequest> {
    let err = |id, code, message: String| BadRequest {
        id,
        error: RpcError {
            code,
            message,
            data: RpcErrorData {
                kind: ErrorKind::Protocol,
            },
        },
    };
    let e = match serde_json::from_slice::<RpcRequest>(line) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    let Ok(probe) = serde_json::from_slice::<Probe>(line) else {
        return Err(err(
            None,
            CODE_PARSE_ERROR,
            format!("not a JSON object: {e}"),
        ));
    };
    let id = match probe.id {
        Some(v) => match v.as_u64() {
            Some(id) => Some(id),
            None => {
                return Err(err(
                    None,
                    CODE_INVALID_REQUEST,
                    format!("bad id {v}: an unsigned integer is required"),
                ))
            }
        },
        None => {
            return Err(err(
                None,
                CODE_INVALID_REQUEST,
                "missing id: every request needs an unsigned integer id".into(),
            ))
        }
    };
    let msg = e.to_string();
    match probe.method {
        Some(serde_json::Value::String(m)) if msg.contains("unknown variant") => Err(err(
            id,
            CODE_METHOD_NOT_FOUND,
            format!("unknown method '{m}' (is the client from a newer tidemux?): {msg}"),
        )),
        Some(serde_json::Value::String(m)) => Err(err(
            id,
            CODE_INVALID_PARAMS,
            format!("bad params for '{m}': {msg}"),
        )),
        _ => Err(err(
            id,
            CODE_INVALID_REQUEST,
            format!("missing or non-string method: {msg}"),
        )),
    }
}

/// The reply line for `resp` (an [`Response::Error`] becomes a JSON-RPC `error`).
///
/// # Errors
/// [`CodecError::TooLarge`] when it exceeds [`MAX_FRAME_LEN`].
pub fn encode_reply(id: Option<u64>, resp: &Response) -> Result<Vec<u8>, CodecError> {
    #[derive(Serialize)]
    #[serde(rename_all = "lowercase")]
    enum OutcomeRef<'a> {
        Result(&'a Response),
        Error(RpcError),
    }
    #[derive(Serialize)]
    struct ReplyRef<'a> {
        jsonrpc: JsonRpc,
        id: Option<u64>,
        #[serde(flatten)]
        outcome: OutcomeRef<'a>,
    }
    let outcome = match resp {
        Response::Error(e) => OutcomeRef::Error(rpc_error(e)),
        r => OutcomeRef::Result(r),
    };
    encode_line(&ReplyRef {
        jsonrpc: JsonRpc::V2,
        id,
        outcome,
    })
}

/// The JSON-RPC error object of an error reply.
pub fn rpc_error(e: &ErrorReply) -> RpcError {
    RpcError {
        code: error_code(e.kind),
        message: e.message.clone(),
        data: RpcErrorData { kind: e.kind },
    }
}

/// The reply line for a refused request line.
///
/// # Errors
/// As [`encode_line`].
pub fn encode_bad_request(bad: &BadRequest) -> Result<Vec<u8>, CodecError> {
    encode_line(&RpcReply {
        jsonrpc: JsonRpc::V2,
        id: bad.id,
        outcome: RpcOutcome::Error(bad.error.clone()),
    })
}

/// Decodes a reply line into its id and [`Response`] (an `error` becomes
/// [`Response::Error`]).
///
/// # Errors
/// [`CodecError::Malformed`].
pub fn decode_reply(line: &[u8]) -> Result<(Option<u64>, Response), CodecError> {
    // The same wire form as [`RpcReply`], read without its `#[serde(flatten)]`: a flattened
    // member makes serde buffer the whole reply as generic content first, which doubled the
    // client's decoding work (2.7 M of a `list-panes -a` CLI's 4.1 M instructions with 100
    // panes, callgrind; issue 9).
    #[derive(Deserialize)]
    struct Wire {
        #[serde(default)]
        id: Option<u64>,
        #[serde(default)]
        result: Option<Response>,
        #[serde(default)]
        error: Option<RpcError>,
    }
    let r: Wire = decode_line(line)?;
    let resp = match (r.result, r.error) {
        (Some(r), None) => r,
        (None, Some(e)) => Response::Error(ErrorReply {
            kind: e.data.kind,
            message: e.message,
        }),
        _ => {
            return Err(CodecError::Malformed(
                "a reply has exactly one of `result` and `error`".into(),
            ))
        }
    };
    Ok((r.id, resp))
}

/// Splits a byte stream into lines, refusing a line longer than its limit before it has been
/// read whole (memory per connection stays bounded by the limit plus one read).
#[derive(Debug)]
pub struct LineReader {
    buf: Vec<u8>,
    start: usize,
    scanned: usize,
    limit: usize,
    /// Length before the last [`LineReader::read_buf`] not yet followed by `filled` (a read
    /// that was cancelled, e.g. a dropped future): its room is dropped before any other use.
    reserved: Option<usize>,
}

impl LineReader {
    /// A reader refusing lines longer than `limit` bytes (newline included).
    pub fn new(limit: usize) -> Self {
        LineReader {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            limit,
            reserved: None,
        }
    }

    /// Changes the line limit (after the negotiation line).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    fn unreserve(&mut self) {
        if let Some(r) = self.reserved.take() {
            self.buf.truncate(r);
        }
    }

    fn compact(&mut self) {
        self.unreserve();
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
            self.scanned = 0;
        }
    }

    /// Appends bytes read from the peer.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.compact();
        self.buf.extend_from_slice(bytes);
    }

    /// Room for `chunk` more bytes at the end of the buffer, to read into; follow with
    /// [`LineReader::filled`] saying how many were read (0 on EOF or error).
    pub fn read_buf(&mut self, chunk: usize) -> &mut [u8] {
        self.compact();
        let old = self.buf.len();
        self.buf.resize(old + chunk, 0);
        self.reserved = Some(old);
        &mut self.buf[old..]
    }

    /// Keeps `n` of the bytes read into [`LineReader::read_buf`].
    pub fn filled(&mut self, n: usize) {
        if let Some(r) = self.reserved.take() {
            self.buf.truncate(r + n);
        }
    }

    /// Bytes received but not yet returned as lines.
    pub fn pending(&self) -> usize {
        self.reserved.unwrap_or(self.buf.len()) - self.start
    }

    /// Takes the first `n` bytes received (a fixed-size prefix such as the 8-byte hello, which
    /// arrives in the same read as the line after it). Fewer if fewer are pending.
    pub fn take_bytes(&mut self, n: usize) -> Vec<u8> {
        self.unreserve();
        let end = (self.start + n).min(self.buf.len());
        let bytes = self.buf[self.start..end].to_vec();
        self.start = end;
        self.scanned = self.scanned.max(end);
        bytes
    }

    /// The next complete line, without its `\n` (and `\r`), if one has arrived.
    ///
    /// # Errors
    /// [`CodecError::TooLarge`] when more than the limit arrived without a newline.
    pub fn take_line(&mut self) -> Result<Option<Vec<u8>>, CodecError> {
        self.unreserve();
        let from = self.scanned.max(self.start);
        match self.buf[from..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let end = from + i;
                if end + 1 - self.start > self.limit {
                    return Err(CodecError::TooLarge((end + 1 - self.start) as u64));
                }
                let mut line = self.buf[self.start..end].to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.start = end + 1;
                self.scanned = self.start;
                if self.start > self.buf.len() / 2 {
                    self.buf.drain(..self.start);
                    self.start = 0;
                    self.scanned = 0;
                    // A big line is gone: give its memory back.
                    if self.buf.capacity() > 4 * READ_CHUNK && self.buf.len() <= READ_CHUNK {
                        self.buf.shrink_to(READ_CHUNK);
                    }
                }
                Ok(Some(line))
            }
            None => {
                self.scanned = self.buf.len();
                if self.pending() > self.limit {
                    return Err(CodecError::TooLarge(self.pending() as u64));
                }
                Ok(None)
            }
        }
    }

    /// Reads from a blocking reader, `chunk` bytes at most per `read`, until a whole line is
    /// in, and returns it.
    ///
    /// # Errors
    /// [`CodecError::Closed`] on EOF; [`CodecError::TooLarge`]; I/O errors.
    pub fn read_line<R: Read>(&mut self, r: &mut R, chunk: usize) -> Result<Vec<u8>, CodecError> {
        loop {
            if let Some(line) = self.take_line()? {
                return Ok(line);
            }
            let got = r.read(self.read_buf(chunk));
            self.filled(*got.as_ref().unwrap_or(&0));
            if got.map_err(closed_or_io)? == 0 {
                return Err(CodecError::Closed);
            }
        }
    }
}

/// Writes already-encoded bytes and flushes.
///
/// # Errors
/// [`CodecError::Closed`] on broken pipe, I/O errors otherwise.
pub fn write_all<W: Write>(w: &mut W, bytes: &[u8]) -> Result<(), CodecError> {
    w.write_all(bytes)
        .and_then(|()| w.flush())
        .map_err(closed_or_io)
}

/// Reads exactly `buf.len()` bytes, mapping EOF and resets to [`CodecError::Closed`].
///
/// # Errors
/// As described.
pub fn read_exact_or_closed<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<(), CodecError> {
    r.read_exact(buf).map_err(closed_or_io)
}

/// Maps EOF, broken pipe and connection resets to [`CodecError::Closed`].
pub fn closed_or_io(e: io::Error) -> CodecError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted => CodecError::Closed,
        _ => CodecError::Io(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::{ErrorKind, ErrorReply, ReadRange, Request, Response};
    use crate::PaneId;

    #[test]
    fn hello_bytes_are_exact() {
        assert_eq!(hello(HELLO_VERSION), [b'T', b'D', b'M', b'X', 2, 0, 0, 0]);
        assert_eq!(parse_hello(&hello(7)).unwrap(), 7);
        assert!(matches!(
            parse_hello(b"SSH-2.0-"),
            Err(CodecError::BadMagic(_))
        ));
    }

    #[test]
    fn negotiation_picks_the_highest_common_version() {
        let mut h: Hello = decode_line(br#"{"min_version":1,"max_version":9,"minor":7}"#).unwrap();
        assert_eq!(h.encoding, "json");
        let w = negotiate(&h, 5, "0.1.0");
        assert_eq!(w.version, Some(PROTOCOL_VERSION));
        assert_eq!(w.error, None);
        h.min_version = PROTOCOL_VERSION + 1;
        let w = negotiate(&h, 5, "0.1.0");
        assert_eq!(w.version, None);
        assert!(w.error.unwrap().contains("no common protocol version"));
        let h: Hello =
            decode_line(br#"{"min_version":2,"max_version":2,"encoding":"cbor"}"#).unwrap();
        assert!(negotiate(&h, 5, "0.1.0")
            .error
            .unwrap()
            .contains("valid encodings: json"));
    }

    #[test]
    fn request_lines_are_exact() {
        let f = encode_request(0x0102, Some(PaneId(3)), &Request::ListSessions).unwrap();
        assert_eq!(
            std::str::from_utf8(&f).unwrap(),
            "{\"jsonrpc\":\"2.0\",\"id\":258,\"caller_pane\":\"%3\",\"method\":\"list-sessions\"}\n"
        );
        let back = decode_request(&f[..f.len() - 1]).unwrap();
        assert_eq!(back.id, 258);
        assert_eq!(back.caller_pane, Some(PaneId(3)));
        assert_eq!(back.request, Request::ListSessions);
        let f = encode_request(
            1,
            None,
            &Request::ReadScreen {
                target: Some("%1".into()),
                range: ReadRange::Lines(5),
                ansi: true,
            },
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&f).unwrap(),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"read-screen\",\"params\":{\"target\":\"%1\",\"range\":{\"lines\":5},\"ansi\":true}}\n"
        );
    }

    #[test]
    fn missing_fields_default_and_unknown_fields_are_ignored() {
        let r = decode_request(
            br#"{"id":4,"method":"read-screen","params":{"target":"%1","from_the_future":[1,2]},"extra":1}"#,
        )
        .unwrap();
        assert_eq!(
            r.request,
            Request::ReadScreen {
                target: Some("%1".into()),
                range: ReadRange::Visible,
                ansi: false
            }
        );
        let r =
            decode_request(br#"{"id":5,"method":"send-key","params":{"keys":["C-c"]}}"#).unwrap();
        assert!(matches!(r.request, Request::SendKeys { count: 1, .. }));
    }

    #[test]
    fn bad_request_lines_get_the_right_codes() {
        let code = |l: &[u8]| decode_request(l).unwrap_err();
        let b = code(b"{nope");
        assert_eq!((b.id, b.error.code), (None, CODE_PARSE_ERROR));
        let b = code(br#"{"id":"x","method":"list-sessions"}"#);
        assert_eq!(b.error.code, CODE_INVALID_REQUEST);
        let b = code(br#"{"id":3,"method":"frobnicate"}"#);
        assert_eq!((b.id, b.error.code), (Some(3), CODE_METHOD_NOT_FOUND));
        assert!(b.error.message.contains("list-sessions"), "{b:?}");
        let b = code(br#"{"id":3,"method":"send","params":{"enter":true}}"#);
        assert_eq!((b.id, b.error.code), (Some(3), CODE_INVALID_PARAMS));
        assert!(b.error.message.contains("text"), "{b:?}");
        assert_eq!(b.error.data.kind, ErrorKind::Protocol);
    }

    #[test]
    fn reply_lines_are_exact() {
        let r = Response::Error(ErrorReply {
            kind: ErrorKind::NotFound,
            message: "x".into(),
        });
        let f = encode_reply(Some(9), &r).unwrap();
        assert_eq!(
            std::str::from_utf8(&f).unwrap(),
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":{\"kind\":\"not_found\"}}}\n"
        );
        assert_eq!(decode_reply(&f).unwrap(), (Some(9), r));
        let f = encode_reply(Some(1), &Response::Ok).unwrap();
        assert_eq!(
            std::str::from_utf8(&f).unwrap(),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"type\":\"ok\"}}\n"
        );
        let f = encode_reply(Some(2), &Response::Exists(true)).unwrap();
        assert_eq!(decode_reply(&f).unwrap(), (Some(2), Response::Exists(true)));
        // Members in any order, unknown ones ignored, `id` null or missing; exactly one of
        // `result` and `error`.
        let d = |l: &str| decode_reply(l.as_bytes());
        assert_eq!(
            d(r#"{"result":{"data":true,"type":"exists"},"x":[1],"id":3,"jsonrpc":"2.0"}"#)
                .unwrap(),
            (Some(3), Response::Exists(true))
        );
        assert_eq!(
            d(r#"{"jsonrpc":"2.0","result":{"type":"ok"}}"#).unwrap(),
            (None, Response::Ok)
        );
        assert!(d(r#"{"jsonrpc":"2.0","id":1}"#).is_err());
        assert!(d(r#"{"id":1,"result":{"type":"ok"},"error":{"code":-32001,"message":"x","data":{"kind":"not_found"}}}"#).is_err());
        assert!(d(r#"{"id":1,"result":{"type":"no-such-reply"}}"#).is_err());
    }

    /// `Detached` is one string on the wire, the same as before minor 11 (`Detached(String)`):
    /// every reason an older peer sent decodes to its variant, and encodes back to the same
    /// bytes; a string from a newer peer is kept.
    #[test]
    fn detach_reasons_keep_the_older_wire_form() {
        use crate::msg::DetachReason as D;
        for (text, reason) in [
            ("detached", D::Detached),
            ("exited", D::Exited),
            ("server exited", D::ServerExited),
            ("server upgraded", D::Upgraded),
            ("detached and SIGHUP", D::DetachedHup),
            ("lost tty", D::LostTty),
            ("terminated", D::Terminated),
            ("server exited unexpectedly", D::LostServer),
            (
                "killed by a newer reason",
                D::Other("killed by a newer reason".into()),
            ),
        ] {
            let line =
                format!("{{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{{\"type\":\"detached\",\"data\":\"{text}\"}}}}\n");
            assert_eq!(
                decode_reply(line.as_bytes()).unwrap(),
                (Some(7), Response::Detached(reason.clone())),
                "{text}"
            );
            let f = encode_reply(Some(7), &Response::Detached(reason.clone())).unwrap();
            assert_eq!(std::str::from_utf8(&f).unwrap(), line);
            assert_eq!(reason.as_str(), text);
        }
        assert_eq!(
            D::Detached.message(Some("work")),
            "[detached (from session work)]"
        );
        assert_eq!(
            D::DetachedHup.message(Some("w")),
            "[detached and SIGHUP (from session w)]"
        );
        assert_eq!(D::Detached.message(None), "[detached]");
        assert_eq!(D::ServerExited.message(Some("w")), "[server exited]");
        assert_eq!(D::DetachedHup.for_minor(10), D::Detached);
        assert_eq!(D::DetachedHup.for_minor(11), D::DetachedHup);
    }

    #[test]
    fn a_partial_line_costs_what_arrived() {
        // The peer sends 3 bytes of a line and closes: closed, having allocated one read.
        let mut lr = LineReader::new(MAX_FRAME_LEN as usize);
        let mut cur = std::io::Cursor::new(b"abc".to_vec());
        assert!(matches!(
            lr.read_line(&mut cur, READ_CHUNK),
            Err(CodecError::Closed)
        ));
        assert_eq!(lr.pending(), 3);
        assert!(lr.buf.capacity() <= 2 * READ_CHUNK);
        // A big line's memory is given back once it has been taken.
        let mut lr = LineReader::new(MAX_FRAME_LEN as usize);
        lr.feed(&vec![b'x'; 8 * READ_CHUNK]);
        lr.feed(b"\n");
        assert_eq!(
            lr.take_line().unwrap().map(|l| l.len()),
            Some(8 * READ_CHUNK)
        );
        assert!(lr.buf.capacity() <= READ_CHUNK);
    }

    /// The 8-byte hello and the lines after it arrive in one read (docs/protocol.md,
    /// "Requests in the first write").
    #[test]
    fn line_reader_takes_a_prefix_then_lines() {
        let mut lr = LineReader::new(64);
        let mut bytes = hello(HELLO_VERSION).to_vec();
        bytes.extend(b"{\"a\":1}\npart");
        lr.feed(&bytes);
        assert_eq!(lr.take_bytes(HELLO_LEN), hello(HELLO_VERSION));
        assert_eq!(lr.take_line().unwrap().unwrap(), b"{\"a\":1}");
        assert_eq!(lr.take_line().unwrap(), None);
        assert_eq!(lr.take_bytes(100), b"part", "fewer when fewer are there");
        assert_eq!(lr.pending(), 0);
        lr.feed(b"x\n");
        assert_eq!(lr.take_line().unwrap().unwrap(), b"x");
    }

    #[test]
    fn line_reader_splits_and_bounds() {
        let mut lr = LineReader::new(8);
        lr.feed(b"ab\ncd");
        assert_eq!(lr.take_line().unwrap(), Some(b"ab".to_vec()));
        assert_eq!(lr.take_line().unwrap(), None);
        lr.feed(b"e\r\n");
        assert_eq!(lr.take_line().unwrap(), Some(b"cde".to_vec()));
        // A read that was cancelled after `read_buf` leaves nothing behind.
        let _ = lr.read_buf(64);
        lr.feed(b"fg\n");
        assert_eq!(lr.take_line().unwrap(), Some(b"fg".to_vec()));
        lr.read_buf(4)[..3].copy_from_slice(b"h\ni");
        lr.filled(3);
        assert_eq!(lr.take_line().unwrap(), Some(b"h".to_vec()));
        assert_eq!(lr.pending(), 1);
        lr.feed(b"123456789");
        assert!(matches!(lr.take_line(), Err(CodecError::TooLarge(_))));
        let mut cur = std::io::Cursor::new(b"x\ny".to_vec());
        let mut lr = LineReader::new(8);
        assert_eq!(lr.read_line(&mut cur, 2).unwrap(), b"x");
        assert!(matches!(lr.read_line(&mut cur, 2), Err(CodecError::Closed)));
    }
}
