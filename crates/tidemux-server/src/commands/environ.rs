//! `set-environment` and `show-environment` (tmux 3.3a cmd-set-environment.c,
//! cmd-show-environment.c).

use crate::environ::show_lines;
use crate::error::{CmdError, CmdResult};
use crate::format::model::ModelContext;
use crate::format::Expander;
use crate::registry::Registry;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{PaneId, Response, SessionId};

fn session(reg: &Registry, caller: Option<PaneId>, target: Option<&str>) -> CmdResult<SessionId> {
    reg.resolve_session(target, caller)
        .map_err(|_| match target {
            Some(t) => CmdError::not_found(format!("no such session: {t}")),
            None => CmdError::not_found("no current session"),
        })
}

/// `set-environment [-gurhF] [-t SESSION] NAME [VALUE]`.
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
pub fn set_environment(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: &str,
    value: Option<String>,
    global: bool,
    unset: bool,
    remove: bool,
    hidden: bool,
    format: bool,
) -> CmdResult {
    crate::environ::check_name(name).map_err(CmdError::invalid)?;
    let reg = state.registry();
    let value = match value {
        Some(v) if format => {
            let resolved = reg.resolve(target, caller).ok();
            let opts = lock(&state.options_store);
            let env = lock(&state.environment);
            let ctx = ModelContext::new(state, &reg, resolved)
                .with_options(&*opts)
                .with_environ(&env);
            Some(Expander::new().expand(&ctx, &v))
        }
        v => v,
    };
    let sid = if global {
        None
    } else {
        Some(session(&reg, caller, target)?)
    };
    let mut env = lock(&state.environment);
    if unset {
        if value.is_some() {
            return Err(CmdError::invalid("can't specify a value with -u"));
        }
        env.unset(sid, name);
    } else if remove {
        if value.is_some() {
            return Err(CmdError::invalid("can't specify a value with -r"));
        }
        env.set(sid, name, None, false).map_err(CmdError::invalid)?;
    } else {
        let v = value.ok_or_else(|| CmdError::invalid("no value specified"))?;
        env.set(sid, name, Some(v), hidden)
            .map_err(CmdError::invalid)?;
    }
    Ok(Response::Ok)
}

/// `show-environment [-ghs] [-t SESSION] [NAME]`.
pub fn show_environment(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    name: Option<&str>,
    global: bool,
    hidden: bool,
    shell: bool,
) -> CmdResult {
    let reg = state.registry();
    let sid = if global && target.is_none() {
        None
    } else {
        let s = session(&reg, caller, target)?;
        (!global).then_some(s)
    };
    let env = lock(&state.environment);
    let empty = crate::environ::Environ::new();
    let e = env.get(sid).unwrap_or(&empty);
    let lines = match name {
        Some(n) => {
            let entry = e
                .get_key_value(n)
                .ok_or_else(|| CmdError::not_found(format!("unknown variable: {n}")))?;
            show_lines(std::iter::once(entry), hidden, shell)
        }
        None => show_lines(e.iter(), hidden, shell),
    };
    Ok(Response::Lines(lines))
}
