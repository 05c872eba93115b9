//! `set-option` and `show-options`, after tmux 3.3a's cmd-set-option.c and cmd-show-options.c
//! (scope choice in options.c `options_scope_from_name` / `options_scope_from_flags`).

use crate::error::{CmdError, CmdResult};
use crate::format::model::ModelContext;
use crate::format::Expander;
use crate::options::{self, def, match_name, scope, MatchError, OptValue, Options, Where};
use crate::registry::{Registry, Resolved};
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::Arc;
use tidemux_proto::{OptionFlags, PaneId, Response, SessionId, WindowId};

/// What `-t` (or the default) resolved to: tmux's `cmd_find_state` (s, wl, wp).
struct Found {
    session: Option<SessionId>,
    window: Option<WindowId>,
    pane: Option<PaneId>,
    target: Option<String>,
    resolved: Option<Resolved>,
}

fn find(reg: &Registry, caller: Option<PaneId>, target: Option<&str>) -> CmdResult<Found> {
    let resolved = match reg.resolve(target, caller) {
        Ok(r) => Some(r),
        Err(_) if target.is_none() => None,
        Err(e) => return Err(e),
    };
    let pane = resolved.and_then(|_| reg.resolve_pane(target, caller).ok());
    let window = resolved.and_then(|_| reg.resolve_window(target, caller).ok());
    let session = resolved.and_then(|_| reg.resolve_session(target, caller).ok());
    Ok(Found {
        session,
        window,
        pane,
        target: target.map(str::to_owned),
        resolved,
    })
}

fn missing(kind: &str, f: &Found) -> CmdError {
    match &f.target {
        Some(t) => CmdError::not_found(format!("no such {kind}: {t}")),
        None => CmdError::not_found(format!("no current {kind}")),
    }
}

/// tmux `options_scope_from_flags` (user options, and show-options without a name).
fn scope_from_flags(fl: &OptionFlags, f: &Found) -> CmdResult<Where> {
    if fl.server {
        return Ok(Where::Server);
    }
    if fl.pane {
        return f.pane.map(Where::Pane).ok_or_else(|| missing("pane", f));
    }
    if fl.window {
        if fl.global {
            return Ok(Where::GlobalWindow);
        }
        return f
            .window
            .map(Where::Window)
            .ok_or_else(|| missing("window", f));
    }
    if fl.global {
        return Ok(Where::GlobalSession);
    }
    f.session
        .map(Where::Session)
        .ok_or_else(|| missing("session", f))
}

/// tmux `options_scope_from_name`.
fn scope_from_name(fl: &OptionFlags, name: &str, f: &Found) -> CmdResult<Where> {
    if name.starts_with('@') {
        return scope_from_flags(fl, f);
    }
    let d = def(name).ok_or_else(|| CmdError::invalid(format!("unknown option: {name}")))?;
    if d.scope & scope::SERVER != 0 {
        return Ok(Where::Server);
    }
    if d.scope & scope::SESSION != 0 {
        if fl.global {
            return Ok(Where::GlobalSession);
        }
        return f
            .session
            .map(Where::Session)
            .ok_or_else(|| missing("session", f));
    }
    if fl.pane && d.scope & scope::PANE != 0 {
        return f.pane.map(Where::Pane).ok_or_else(|| missing("pane", f));
    }
    if fl.global {
        return Ok(Where::GlobalWindow);
    }
    f.window
        .map(Where::Window)
        .ok_or_else(|| missing("window", f))
}

fn expand(state: &ServerState, reg: &Registry, opts: &Options, f: &Found, s: &str) -> String {
    if !s.contains('#') {
        return s.to_owned();
    }
    let ctx = ModelContext::new(state, reg, f.resolved).with_options(opts);
    Expander::new().expand(&ctx, s)
}

fn matched(arg: &str) -> CmdResult<(String, Option<u32>)> {
    match_name(arg).map_err(|e| match e {
        MatchError::Ambiguous => CmdError::ambiguous(format!("ambiguous option: {arg}")),
        MatchError::Invalid => CmdError::invalid(format!(
            "invalid option: {arg} (see show-options -g, -s, -w for valid names)"
        )),
    })
}

/// `set-option [-gspwuUaoqF] [-t TARGET] OPTION [VALUE]`.
pub fn set_option(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    option: &str,
    value: Option<String>,
    fl: OptionFlags,
) -> CmdResult {
    let mut reg = state.registry();
    let f = find(&reg, caller, target)?;
    let mut opts = lock(&state.options_store);
    let r = set_locked(state, &reg, &mut opts, f, option, value, fl);
    sync_pane_base(&mut reg, &opts);
    r
}

/// Copies `pane-base-index` (global and per window) into the registry, which resolves pane
/// indexes in targets and reports them (`list-panes`) with it. Call after the options changed
/// (set-option, a restore).
pub fn sync_pane_base(reg: &mut Registry, opts: &Options) {
    let num = |v: Option<&OptValue>| match v {
        Some(OptValue::Scalar(s)) => s.trim().parse::<u32>().ok(),
        _ => None,
    };
    reg.pane_base_global = num(opts.get_only(Where::GlobalWindow, "pane-base-index")).unwrap_or(0);
    let local = reg
        .windows
        .keys()
        .filter_map(|w| {
            Some((
                *w,
                num(opts.get_only(Where::Window(*w), "pane-base-index"))?,
            ))
        })
        .collect();
    reg.pane_base_local = local;
}

fn set_locked(
    state: &Arc<ServerState>,
    reg: &Registry,
    opts: &mut Options,
    f: Found,
    option: &str,
    value: Option<String>,
    fl: OptionFlags,
) -> CmdResult {
    let argument = expand(state, reg, opts, &f, option);
    let (name, idx) = match matched(&argument) {
        Ok(m) => m,
        Err(_) if fl.quiet => return Ok(Response::Ok),
        Err(e) => return Err(e),
    };
    let value = match value {
        Some(v) if fl.format => Some(expand(state, reg, opts, &f, &v)),
        v => v,
    };
    let w = match scope_from_name(&fl, &name, &f) {
        Ok(w) => w,
        Err(_) if fl.quiet => return Ok(Response::Ok),
        Err(e) => return Err(e),
    };
    let window_of_pane = match w {
        Where::Pane(p) => reg.panes.get(&p).map(|e| e.window),
        _ => None,
    };
    if idx.is_some() && (name.starts_with('@') || !def(&name).is_some_and(|d| d.array)) {
        return Err(CmdError::invalid(format!("not an array: {argument}")));
    }
    if !fl.unset && fl.only_if_unset {
        let already = match (opts.get_only(w, &name), idx) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(OptValue::Array(a)), Some(i)) => a.contains_key(&i),
            (Some(OptValue::Scalar(_)), Some(_)) => true,
        };
        if already {
            if fl.quiet {
                return Ok(Response::Ok);
            }
            return Err(CmdError::invalid(format!("already set: {argument}")));
        }
    }
    if fl.unset_panes {
        if let Where::Window(wid) = w {
            let panes: Vec<PaneId> = reg
                .windows
                .get(&wid)
                .map(|win| win.geometry().into_iter().map(|(p, _)| p).collect())
                .unwrap_or_default();
            for p in panes {
                if opts.get_only(Where::Pane(p), &name).is_some() {
                    opts.unset(Where::Pane(p), &name, idx);
                }
            }
        }
    }
    if fl.unset || fl.unset_panes {
        if opts.get_only(w, &name).is_some() {
            opts.unset(w, &name, idx);
        }
        return Ok(Response::Ok);
    }
    // tidemux bounds history (docs/limits.md): tmux's own limit for the option is INT_MAX.
    if name == "history-limit" {
        if let Some(n) = value.as_deref().and_then(|v| v.trim().parse::<u64>().ok()) {
            if n > u64::from(crate::limits::MAX_HISTORY_LIMIT) {
                return Err(CmdError::invalid(format!(
                    "value is too large: {} (tidemux keeps at most {} lines)",
                    value.as_deref().unwrap_or(""),
                    crate::limits::MAX_HISTORY_LIMIT
                )));
            }
        }
    }
    opts.set(w, &name, idx, value.as_deref(), fl.append, window_of_pane)
        .map_err(|e| CmdError::invalid(e.0))?;
    Ok(Response::Ok)
}

/// `show-options [-gspwvqAH] [-t TARGET] [OPTION]`.
pub fn show_options(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    option: Option<&str>,
    fl: OptionFlags,
) -> CmdResult {
    let reg = state.registry();
    let f = find(&reg, caller, target)?;
    let opts = lock(&state.options_store);
    let window_of_pane = f.window;
    let Some(option) = option else {
        let w = match scope_from_flags(&fl, &f) {
            Ok(w) => w,
            Err(_) if fl.quiet => return Ok(Response::Lines(Vec::new())),
            Err(e) => return Err(e),
        };
        return Ok(Response::Lines(show_all(&opts, w, fl, window_of_pane)));
    };
    let argument = expand(state, &reg, &opts, &f, option);
    let (name, idx) = match matched(&argument) {
        Ok(m) => m,
        Err(_) if fl.quiet => return Ok(Response::Lines(Vec::new())),
        Err(e) => return Err(e),
    };
    let w = match scope_from_name(&fl, &name, &f) {
        Ok(w) => w,
        Err(_) if fl.quiet => return Ok(Response::Lines(Vec::new())),
        Err(e) => return Err(e),
    };
    let (v, parent) = match opts.get_only(w, &name) {
        Some(v) => (Some(v), false),
        None if fl.inherited => (opts.get(w, &name, window_of_pane), true),
        None => (None, false),
    };
    match v {
        Some(v) => Ok(Response::Lines(options::show_lines(
            &name,
            v,
            idx,
            fl.values_only,
            parent,
        ))),
        None if name.starts_with('@') && !fl.quiet => {
            Err(CmdError::invalid(format!("invalid option: {argument}")))
        }
        None => Ok(Response::Lines(Vec::new())),
    }
}

/// tmux `cmd_show_options_all`: user options by name, then table options in table order.
fn show_all(
    opts: &Options,
    w: Where,
    fl: OptionFlags,
    window_of_pane: Option<WindowId>,
) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(set) = opts.set_of(w) {
        for (k, v) in set.iter().filter(|(k, _)| k.starts_with('@')) {
            lines.extend(options::show_lines(k, v, None, fl.values_only, false));
        }
    }
    for d in options::all().filter(|d| d.scope & w.scope() != 0) {
        let (v, parent) = match opts.get_only(w, d.name) {
            Some(v) => (v, false),
            None if fl.inherited => match opts.get(w, d.name, window_of_pane) {
                Some(v) => (v, true),
                None => continue,
            },
            None => continue,
        };
        lines.extend(options::show_lines(d.name, v, None, fl.values_only, parent));
    }
    lines
}
