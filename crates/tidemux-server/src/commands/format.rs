//! `display-message` and the `-F FORMAT` / `-f FILTER` listings, through the format engine
//! ([`crate::format`]).

use crate::error::{CmdError, CmdResult};
use crate::format::model::ModelContext;
use crate::format::{is_true, Expander};
use crate::registry::{Registry, Resolved};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tidemux_proto::{ListScope, PaneId, Response, SessionId, WindowId};

/// tmux's default `display-time`, ms.
pub const DEFAULT_DISPLAY_MS: u64 = 750;

/// `display-message [-p] [-a] [-t TARGET] [-d MS] MESSAGE`.
pub fn display_message(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    message: &str,
    print: bool,
    all: bool,
    duration_ms: Option<u64>,
) -> CmdResult {
    let reg = state.registry();
    let resolved = match reg.resolve(target, caller) {
        Ok(r) => Some(r),
        // With no session at all, server variables still expand (as tmux with -p).
        Err(_) if target.is_none() => None,
        Err(e) => return Err(e),
    };
    let opts = options_guard(state);
    let env = lock(&state.environment);
    let mut ctx = ModelContext::new(state, &reg, resolved)
        .with_options(&*opts)
        .with_environ(&env);
    // A target naming the session (`S:W.P`): that session's winlink of the window.
    if let Some((s, i, _)) = target
        .filter(|t| t.contains(':'))
        .and_then(|t| reg.resolve_winlink(Some(t), caller).ok())
    {
        ctx = ctx.at_winlink(s, i);
    }
    if all {
        return Ok(Response::Lines(
            ctx.all()
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
        ));
    }
    // display-message runs strftime over the message first (tmux format_expand_time).
    let text = Expander::new().expand_time(&ctx, message);
    if !print {
        if let Some(sid) = resolved.and_then(|r| session_of(&reg, r)) {
            let until =
                Instant::now() + Duration::from_millis(duration_ms.unwrap_or(DEFAULT_DISPLAY_MS));
            lock(&state.messages).insert(sid, (text.clone(), until));
            let st = Arc::clone(state);
            let delay = duration_ms.unwrap_or(DEFAULT_DISPLAY_MS);
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    st.bump_model();
                });
            }
        }
    }
    Ok(Response::Text(text))
}

fn options_guard(state: &ServerState) -> std::sync::MutexGuard<'_, crate::options::Options> {
    lock(&state.options_store)
}

fn session_of(reg: &Registry, r: Resolved) -> Option<tidemux_proto::SessionId> {
    match r {
        Resolved::Session(s) => Some(s),
        Resolved::Window(w) => reg.windows.get(&w).map(|w| w.session),
        Resolved::Pane(p) => {
            let w = reg.panes.get(&p)?.window;
            reg.windows.get(&w).map(|w| w.session)
        }
    }
}

/// A window's place: (session, index).
pub type Winlink = (SessionId, u32);

/// The objects a listing covers, in tmux's order, each with its winlink (session, index)
/// where it is a window's or a pane's: a window linked into several sessions, or at several
/// indexes, is listed once per winlink, as tmux does.
/// With `by_name`, `-a` walks the sessions in tmux's order (by name), else by id (tidemux's
/// native order).
pub fn list_targets(
    reg: &Registry,
    caller: Option<PaneId>,
    scope: ListScope,
    target: Option<&str>,
    all: bool,
    by_name: bool,
) -> CmdResult<Vec<(Resolved, Option<Winlink>)>> {
    let links = |sid: SessionId| -> CmdResult<Vec<(WindowId, SessionId, u32)>> {
        Ok(reg
            .session(sid)?
            .windows
            .iter()
            .map(|(i, w)| (*w, sid, *i))
            .collect())
    };
    let ordered = || {
        if !by_name {
            return reg.sessions.keys().copied().collect::<Vec<_>>();
        }
        let mut v: Vec<_> = reg.sessions.values().map(|s| (&s.name, s.id)).collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    Ok(match scope {
        ListScope::Buffers => Vec::new(),
        ListScope::Sessions => {
            let mut v: Vec<_> = reg.sessions.values().map(|s| (&s.name, s.id)).collect();
            v.sort();
            v.into_iter()
                .map(|(_, id)| (Resolved::Session(id), None))
                .collect()
        }
        ListScope::Windows => {
            let sessions: Vec<_> = if all {
                ordered()
            } else {
                vec![reg.resolve_session(target, caller)?]
            };
            let mut out = Vec::new();
            for sid in sessions {
                out.extend(
                    links(sid)?
                        .into_iter()
                        .map(|(w, s, i)| (Resolved::Window(w), Some((s, i)))),
                );
            }
            out
        }
        ListScope::Panes => {
            let windows: Vec<_> = if all {
                let mut v = Vec::new();
                for sid in ordered() {
                    v.extend(links(sid)?);
                }
                v
            } else {
                match (target, reg.resolve(target, caller)?) {
                    (Some(_), Resolved::Session(s)) => links(s)?,
                    _ => {
                        let (s, i, w) = reg.resolve_winlink(target, caller)?;
                        vec![(w, s, i)]
                    }
                }
            };
            windows
                .into_iter()
                .filter_map(|(w, s, i)| reg.windows.get(&w).map(|w| (w, s, i)))
                .flat_map(|(w, s, i)| {
                    w.geometry()
                        .into_iter()
                        .map(move |(p, _)| (Resolved::Pane(p), Some((s, i))))
                })
                .collect()
        }
    })
}

/// `list-* -F FORMAT [-f FILTER]`: one expanded line per object that passes the filter.
pub fn format_list(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    scope: ListScope,
    target: Option<&str>,
    all: bool,
    format: &str,
    filter: Option<&str>,
) -> CmdResult {
    format_list_ordered(state, caller, scope, target, all, format, filter, false)
}

/// [`format_list`], `-a` listing sessions by name when `by_name` (tmux's order, for the tmux
/// language).
#[allow(clippy::too_many_arguments)]
pub fn format_list_ordered(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    scope: ListScope,
    target: Option<&str>,
    all: bool,
    format: &str,
    filter: Option<&str>,
    by_name: bool,
) -> CmdResult {
    if format.is_empty() && filter.is_none() {
        return Err(CmdError::invalid(
            "a format (-F) or a filter (-f) is needed",
        ));
    }
    let reg = state.registry();
    let targets = list_targets(&reg, caller, scope, target, all, by_name)?;
    let opts = options_guard(state);
    let env = lock(&state.environment);
    let ex = Expander::new();
    let mut lines = Vec::new();
    if scope == ListScope::Buffers {
        for vars in super::buffers::buffer_variables(state) {
            let ctx = ModelContext::new(state, &reg, None)
                .with_options(&*opts)
                .with_environ(&env)
                .with_extra(&vars);
            if let Some(f) = filter {
                if !is_true(&ex.expand(&ctx, f)) {
                    continue;
                }
            }
            lines.push(ex.expand(&ctx, format));
        }
        return Ok(Response::Lines(lines));
    }
    for (t, at) in targets {
        let mut ctx = ModelContext::new(state, &reg, Some(t))
            .with_options(&*opts)
            .with_environ(&env);
        if let Some((s, i)) = at {
            ctx = ctx.at_winlink(s, i);
        }
        if let Some(f) = filter {
            if !is_true(&ex.expand(&ctx, f)) {
                continue;
            }
        }
        lines.push(ex.expand(&ctx, format));
    }
    Ok(Response::Lines(lines))
}
