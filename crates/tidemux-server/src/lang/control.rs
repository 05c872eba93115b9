//! Control mode (`tmux -C`, tmux(1) "CONTROL MODE"): commands read line by line, each reply in
//! a `%begin TIME NUMBER FLAGS` ... `%end`/`%error` block, and notifications (`%output`,
//! `%window-add`, `%session-changed`, `%exit`...).

use super::table::Cmd;
use super::{Client, Output};
use crate::state::ServerState;
use std::sync::Arc;

/// Client commands of a control client (`refresh-client`, `switch-client`).
pub async fn client_command(
    _state: &Arc<ServerState>,
    c: &Cmd,
    _client: &Client,
    _out: &mut Output,
) -> Result<(), String> {
    match c.entry.name {
        "refresh-client" => Ok(()),
        name => Err(format!("{name}: not supported by tidemux yet")),
    }
}
