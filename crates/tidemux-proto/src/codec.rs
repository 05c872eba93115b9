//! The byte layout of a tidemux connection (see `docs/protocol.md`).
//!
//! 1. Handshake: each side first sends 8 bytes, `b"TDMX"` then its protocol version as a
//!    `u32` little-endian. This layout never changes, so any two versions can tell each other
//!    apart. A peer seeing a different version closes the connection; the client reports both.
//! 2. Frames: a 12-byte header, body length as `u32` LE and request id as `u64` LE, then the
//!    body: one bincode 1.3.3 value ([`crate::Envelope`] from a client, [`crate::Response`] from
//!    the server) encoded with [`options`] (varint integers, little-endian, trailing bytes
//!    rejected). A reply repeats its request's id. The body length is checked against
//!    [`MAX_FRAME_LEN`] before any allocation.
//!
//! bincode is used only here (RUSTSEC-2025-0141: unmaintained; 1.3.3 is considered complete by
//! its authors), always through [`bincode::Options`] with a size limit.

use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{self, Read, Write};

/// Protocol version; bumped on any incompatible change to the message types.
pub const PROTOCOL_VERSION: u32 = 1;

/// First four bytes of every handshake.
pub const MAGIC: [u8; 4] = *b"TDMX";

/// Length of the handshake, in bytes.
pub const HELLO_LEN: usize = 8;

/// Length of a frame header, in bytes (`u32` body length + `u64` id).
pub const HEADER_LEN: usize = 12;

/// Largest frame body accepted, in bytes (16 MiB). A `send` of up to about this much text fits.
pub const MAX_FRAME_LEN: u32 = 16 * 1024 * 1024;

/// Codec failures.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The peer closed the connection cleanly (EOF at a frame boundary, or broken pipe).
    #[error("connection closed")]
    Closed,
    /// An I/O error.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The first four bytes were not `TDMX`.
    #[error("not a tidemux peer (bad handshake magic {0:02x?})")]
    BadMagic([u8; 4]),
    /// Header announced a body larger than [`MAX_FRAME_LEN`].
    #[error("frame of {0} bytes exceeds the limit of {MAX_FRAME_LEN} bytes")]
    TooLarge(u64),
    /// The body did not decode as the expected type.
    #[error("malformed frame body: {0}")]
    Malformed(String),
}

/// The bincode configuration used for every body: varint integers, little-endian, trailing
/// bytes rejected, at most [`MAX_FRAME_LEN`] bytes.
pub fn options() -> impl Options {
    bincode::DefaultOptions::new().with_limit(u64::from(MAX_FRAME_LEN))
}

/// The 8 handshake bytes announcing `version`.
pub fn hello(version: u32) -> [u8; HELLO_LEN] {
    let mut b = [0u8; HELLO_LEN];
    b[..4].copy_from_slice(&MAGIC);
    b[4..].copy_from_slice(&version.to_le_bytes());
    b
}

/// Parses the peer's handshake and returns its protocol version.
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

/// Encodes a whole frame (header and body) for `id`.
///
/// # Errors
/// [`CodecError::TooLarge`] if the body exceeds [`MAX_FRAME_LEN`].
pub fn encode_frame<T: Serialize>(id: u64, body: &T) -> Result<Vec<u8>, CodecError> {
    let len = options()
        .serialized_size(body)
        .map_err(|_| CodecError::TooLarge(u64::MAX))?;
    if len > u64::from(MAX_FRAME_LEN) {
        return Err(CodecError::TooLarge(len));
    }
    let mut out = Vec::with_capacity(HEADER_LEN + len as usize);
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    options()
        .serialize_into(&mut out, body)
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    Ok(out)
}

/// Splits a frame header into (body length, id), checking the length limit.
///
/// # Errors
/// [`CodecError::TooLarge`] when the announced body exceeds [`MAX_FRAME_LEN`].
pub fn parse_header(h: &[u8; HEADER_LEN]) -> Result<(u32, u64), CodecError> {
    let len = u32::from_le_bytes(h[..4].try_into().expect("4 bytes"));
    let id = u64::from_le_bytes(h[4..].try_into().expect("8 bytes"));
    if len > MAX_FRAME_LEN {
        return Err(CodecError::TooLarge(u64::from(len)));
    }
    Ok((len, id))
}

/// Decodes a frame body.
///
/// # Errors
/// [`CodecError::Malformed`] for unknown variants, truncated or trailing bytes.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    options()
        .deserialize(body)
        .map_err(|e| CodecError::Malformed(e.to_string()))
}

/// Reads one frame from a blocking reader: `(id, body bytes)`.
///
/// # Errors
/// [`CodecError::Closed`] on EOF before a header; I/O and size errors otherwise.
pub fn read_frame<R: Read>(r: &mut R) -> Result<(u64, Vec<u8>), CodecError> {
    let mut h = [0u8; HEADER_LEN];
    read_exact_or_closed(r, &mut h)?;
    let (len, id) = parse_header(&h)?;
    Ok((id, read_body(r, len)?))
}

/// First allocation for a frame body, in bytes: a body grows as its bytes arrive, so an
/// announced length costs nothing until the peer sends that much.
pub const BODY_CHUNK: usize = 64 * 1024;

/// Reads a body of `len` bytes (already checked against [`MAX_FRAME_LEN`]) into a buffer that
/// grows with the bytes received, never allocating the announced length up front.
///
/// # Errors
/// [`CodecError::Closed`] when the peer closes before `len` bytes; I/O errors.
pub fn read_body<R: Read>(r: &mut R, len: u32) -> Result<Vec<u8>, CodecError> {
    let mut body = Vec::with_capacity((len as usize).min(BODY_CHUNK));
    r.take(u64::from(len))
        .read_to_end(&mut body)
        .map_err(closed_or_io)?;
    if body.len() < len as usize {
        return Err(CodecError::Closed);
    }
    Ok(body)
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
    use crate::msg::{Envelope, ErrorKind, ErrorReply, Request, Response};
    use crate::PaneId;

    #[test]
    fn hello_bytes_are_exact() {
        assert_eq!(hello(1), [b'T', b'D', b'M', b'X', 1, 0, 0, 0]);
        assert_eq!(parse_hello(&hello(7)).unwrap(), 7);
        assert!(matches!(
            parse_hello(b"SSH-2.0-"),
            Err(CodecError::BadMagic(_))
        ));
    }

    #[test]
    fn request_frame_bytes_are_exact() {
        let env = Envelope {
            caller_pane: Some(PaneId(3)),
            request: Request::ListSessions,
        };
        let f = encode_frame(0x0102, &env).unwrap();
        // header: body length 5, id 0x0102; body: Some -> 1, "%3" -> varint len 2 + bytes,
        // Request::ListSessions -> variant index 3.
        assert_eq!(
            f,
            [5, 0, 0, 0, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 1, 2, b'%', b'3', 3]
        );
        let (len, id) = parse_header(f[..HEADER_LEN].try_into().unwrap()).unwrap();
        assert_eq!((len, id), (5, 0x0102));
        let back: Envelope = decode_body(&f[HEADER_LEN..]).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn response_frame_bytes_are_exact() {
        let r = Response::Error(ErrorReply {
            kind: ErrorKind::NotFound,
            message: "x".into(),
        });
        let f = encode_frame(9, &r).unwrap();
        // Response::Error is variant 10, ErrorKind::NotFound variant 0, then "x".
        assert_eq!(f, [4, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 10, 0, 1, b'x']);
    }

    #[test]
    fn bogus_bodies_are_errors_not_panics() {
        // Unknown request variant.
        assert!(matches!(
            decode_body::<Envelope>(&[0, 200]),
            Err(CodecError::Malformed(_))
        ));
        // Truncated and trailing bytes.
        assert!(decode_body::<Envelope>(&[1, 2, b'%']).is_err());
        assert!(decode_body::<Envelope>(&[0, 3, 0]).is_err());
        // A length over the limit is refused before allocating.
        let mut h = [0u8; HEADER_LEN];
        h[..4].copy_from_slice(&(MAX_FRAME_LEN + 1).to_le_bytes());
        assert!(matches!(parse_header(&h), Err(CodecError::TooLarge(_))));
    }

    #[test]
    fn an_announced_body_is_not_allocated_up_front() {
        let mut f = Vec::new();
        f.extend_from_slice(&MAX_FRAME_LEN.to_le_bytes());
        f.extend_from_slice(&7u64.to_le_bytes());
        f.extend_from_slice(b"abc");
        // The peer closes after 3 of 16 MiB: closed, having allocated about what arrived.
        assert!(matches!(
            read_frame(&mut std::io::Cursor::new(&f)),
            Err(CodecError::Closed)
        ));
        let mut small = std::io::Cursor::new(b"abc".to_vec());
        let body = read_body(&mut small, 3).unwrap();
        assert_eq!(body, b"abc");
        assert!(body.capacity() <= BODY_CHUNK);
    }

    #[test]
    fn read_frame_round_trip_and_eof() {
        let f = encode_frame(42, &Response::Ok).unwrap();
        let mut cur = std::io::Cursor::new(f);
        let (id, body) = read_frame(&mut cur).unwrap();
        assert_eq!(id, 42);
        assert_eq!(decode_body::<Response>(&body).unwrap(), Response::Ok);
        assert!(matches!(read_frame(&mut cur), Err(CodecError::Closed)));
    }
}
