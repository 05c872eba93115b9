//! Wire types and frame codec of the tidemux protocol.
//!
//! This is a leaf crate: serde types, the codec and the version constant, and the one pure
//! function of sizes both ends must agree on ([`view::window_offset`]).
//! See `docs/protocol.md` for the byte layout.
//!
//! - [`codec`]: the 8-byte hello, the version negotiation and newline-delimited JSON-RPC 2.0.
//! - [`ids`]: tmux-style ids (`$N` sessions, `@N` windows, `%N` panes).
//! - [`msg`]: [`Request`] and [`Response`], one definition of each message.
//! - [`info`]: what listings and captures return (sessions, windows, panes, screens).
//! - [`schema`]: JSON Schemas of all of it (`docs/api/`).
//! - [`view`]: where a client shows a window larger than its room (tmux `tty_window_offset1`).

pub mod codec;
pub mod ids;
pub mod info;
pub mod msg;
pub mod schema;
pub mod view;

pub use codec::{
    CodecError, MAX_FRAME_LEN, MIN_PROTOCOL_VERSION, PROTOCOL_MINOR, PROTOCOL_VERSION,
};
pub use ids::{PaneId, SessionId, WindowId};
pub use info::*;
pub use msg::*;
