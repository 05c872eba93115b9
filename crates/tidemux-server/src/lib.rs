//! The tidemux server: owns every PTY and one screen model per pane, and serves requests on a
//! per-user local socket.
//!
//! Where things live (see `docs/architecture.md`):
//! - a byte from a PTY: [`pane`] (reader thread) -> [`screen`] (vt100 + history);
//! - a request: [`listener`] (accept, uid check) -> [`connection`] (handshake, frames) ->
//!   [`commands`] (one module per command family) -> [`registry`] (sessions/windows/panes);
//! - keys typed into panes: [`input`].

pub mod buffers;
pub mod closed;
pub mod commands;
pub mod connection;
pub mod environ;
pub mod error;
pub mod events;
pub mod format;
pub mod hooks;
pub mod input;
pub mod keys;
pub mod lang;
pub mod layout;
pub mod limits;
pub mod listener;
pub mod monitor;
pub mod options;
pub mod pane;
pub mod panemode;
pub mod registry;
pub mod screen;
pub mod snapshot;
pub mod state;
pub mod sync;
pub mod upgrade;
pub mod worktree;

pub use listener::{run, ServerConfig};
