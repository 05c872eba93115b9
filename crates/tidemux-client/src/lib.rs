//! tidemux client: find the socket, connect (starting the server on first use), and exchange
//! typed requests and replies.
//!
//! The one-shot path is deliberately lean: a blocking connect, an 8-byte handshake, one frame
//! out and one frame in; no async runtime.

pub mod attach;
pub mod autostart;
pub mod conn;
pub mod logfile;
pub mod paths;

pub use autostart::connect_or_start;
pub use conn::{Client, ClientError};
pub use logfile::{log_target, LogTarget};
pub use paths::{caller_pane, resolve_socket, SocketChoice};
