//! `kill-pane -a`, `kill-window -a`, `kill-session -a`: kill every other pane of the window,
//! window of the session, or session of the server (tmux 3.3a cmd-kill-*.c with `-a`).

use crate::error::CmdResult;
use crate::registry::Removed;
use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::{KillScope, PaneId, Response};

/// Kills everything of `scope` except the target.
pub fn kill_others(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    scope: KillScope,
    target: Option<&str>,
) -> CmdResult {
    let mut removed = Removed::default();
    {
        let mut reg = state.registry();
        match scope {
            KillScope::Pane => {
                let keep = reg.resolve_pane(target, caller)?;
                let wid = reg.pane(keep)?.window;
                let others: Vec<PaneId> = reg
                    .window(wid)?
                    .geometry()
                    .into_iter()
                    .map(|(p, _)| p)
                    .filter(|p| *p != keep)
                    .collect();
                for p in others {
                    reg.remove_pane(p, &mut removed);
                }
            }
            KillScope::Window => {
                let keep = reg.resolve_window(target, caller)?;
                let sid = reg.window(keep)?.session;
                let others: Vec<_> = reg
                    .session(sid)?
                    .windows
                    .values()
                    .copied()
                    .filter(|w| *w != keep)
                    .collect();
                for w in others {
                    reg.remove_window(w, &mut removed);
                }
            }
            KillScope::Session => {
                let keep = reg.resolve_session(target, caller)?;
                let others: Vec<_> = reg
                    .sessions
                    .keys()
                    .copied()
                    .filter(|s| *s != keep)
                    .collect();
                for s in others {
                    reg.remove_session(s, &mut removed);
                }
            }
        }
    }
    state.finish_removal(removed);
    Ok(Response::Ok)
}
