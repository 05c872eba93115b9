//! `automatic-rename`, after tmux 3.3a names.c: a window with the option on (the default) is
//! named by expanding `automatic-rename-format` (default
//! `#{?pane_in_mode,[tmux],#{pane_current_command}}#{?pane_dead,[dead],}`) for its active
//! pane, checked at most every [`CHECK_MS`] ms after the window printed something (tmux:
//! `PANE_CHANGED`, `NAME_INTERVAL`). A new name fires `window-renamed` like `rename-window`.
//! `rename-window` and a name given at creation (`new-window -n`, `new-session -n`) turn the
//! option off for that window, as tmux does.
//!
//! `allow-rename` (pane or window option, default off; tmux input.c `input_exit_rename`): a
//! program's `ESC k NAME ESC \` names its window and turns `automatic-rename` off for it;
//! an empty name (`ESC k ESC \`) removes the window's own `automatic-rename` again (and, when
//! the inherited value is off, empties the name). See [`program_named`].

use crate::format::model::ModelContext;
use crate::format::Expander;
use crate::options::Where;
use crate::registry::{event, Resolved};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::BTreeSet;
use tidemux_proto::{EventKind, PaneId, WindowId};

/// Interval between two name checks, ms (tmux `NAME_INTERVAL` is 500 ms).
pub const CHECK_MS: u64 = 500;

/// Renames the windows of `wins` that have `automatic-rename` on and whose format gives a
/// new, non-empty name.
pub fn check(state: &ServerState, wins: &BTreeSet<WindowId>) {
    let mut renamed = Vec::new();
    {
        let reg = state.registry();
        let opts = lock(&state.options_store);
        for w in wins {
            let Some(win) = reg.windows.get(w) else {
                continue;
            };
            let on = opts.effective("automatic-rename", Some(win.session), Some(*w), None);
            if !matches!(on.as_deref(), Some("on" | "1")) {
                continue;
            }
            let fmt = opts
                .effective("automatic-rename-format", Some(win.session), Some(*w), None)
                .unwrap_or_default();
            let ctx = ModelContext::new(state, &reg, Some(Resolved::Pane(win.active_pane)))
                .with_options(&*opts);
            let name = Expander::new().expand(&ctx, &fmt);
            if name.is_empty()
                || name == win.name
                || crate::limits::check_name_len("window", &name).is_err()
            {
                continue;
            }
            renamed.push((*w, name));
        }
    }
    if renamed.is_empty() {
        return;
    }
    let mut events = Vec::new();
    {
        let mut reg = state.registry();
        for (w, name) in renamed {
            let Some(win) = reg.windows.get_mut(&w) else {
                continue;
            };
            win.name = name.clone();
            let mut e = event(EventKind::WindowRenamed, Some(win.session), Some(w), None);
            e.name = Some(name);
            events.push(e);
        }
    }
    for e in events {
        state.events.publish(e);
    }
    state.bump_model();
}

/// A name was given to window `w` (`rename-window`, `-n`): `automatic-rename` goes off for it.
pub fn named(state: &ServerState, w: WindowId) {
    automatic_rename_off(&mut lock(&state.options_store), w);
}

/// Sets window `w`'s own `automatic-rename` to `off` (as tmux does when a window is named).
fn automatic_rename_off(opts: &mut crate::options::Options, w: WindowId) {
    let _ = opts.set(
        Where::Window(w),
        "automatic-rename",
        None,
        Some("off"),
        false,
        None,
    );
}

/// A program in pane `pane` sent `ESC k NAME ESC \` (tmux input.c `input_exit_rename`): with
/// `allow-rename` on for the pane, a non-empty NAME becomes its window's name (cut to the
/// longest window name; the screen already left out controls and ignored a NAME with invalid
/// UTF-8 or DEL, as tmux's `utf8_isvalid`) and
/// `automatic-rename` goes off for the window; an empty NAME unsets the window's own
/// `automatic-rename` and, if that leaves it off, empties the name. A name set fires
/// `window-renamed`. With `allow-rename` off, nothing happens.
pub fn program_named(state: &ServerState, pane: PaneId, name: &str) {
    let e = {
        let mut reg = state.registry();
        let (Some(sid), Some(w)) = reg.owners(pane) else {
            return;
        };
        let mut opts = lock(&state.options_store);
        let allowed = opts.effective("allow-rename", Some(sid), Some(w), Some(pane));
        if !matches!(allowed.as_deref(), Some("on" | "1")) {
            return;
        }
        let new = if name.is_empty() {
            opts.unset(Where::Window(w), "automatic-rename", None);
            let auto = opts.effective("automatic-rename", Some(sid), Some(w), None);
            if matches!(auto.as_deref(), Some("on" | "1")) {
                None
            } else {
                Some(String::new())
            }
        } else {
            automatic_rename_off(&mut opts, w);
            Some(crate::limits::truncate_name(name.to_owned()))
        };
        drop(opts);
        let (Some(win), Some(n)) = (reg.windows.get_mut(&w), new) else {
            return;
        };
        win.name.clone_from(&n);
        let mut e = event(EventKind::WindowRenamed, Some(win.session), Some(w), None);
        e.name = Some(n);
        e
    };
    state.events.publish(e);
    state.bump_model();
}
