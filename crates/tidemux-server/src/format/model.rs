//! The server's model as a [`FormatContext`]: the variables of tmux 3.3a's FORMATS section
//! that tidemux knows, plus its own (`pane_state`, `pane_attention`, `pane_seq`,
//! `pane_quiet_ms`, `pane_name`, `pane_worktree`, `pane_branch`). The full list is [`VARIABLES`] and `docs/formats.md`.
//!
//! Lookup order is tmux's `format_find`: options, then variables, then extra values given by
//! the command (e.g. buffer variables), then the server's environment.

use super::{FormatContext, Value};
use crate::registry::{Registry, Resolved};
use crate::state::ServerState;
use tidemux_proto::{PaneId, SessionId, WindowId};

/// Every variable [`ModelContext`] knows, for `display-message -a` and the docs.
pub const VARIABLES: &[&str] = &[
    "active_window_index",
    "alternate_on",
    "alternate_saved_x",
    "alternate_saved_y",
    "cursor_flag",
    "cursor_x",
    "cursor_y",
    "history_bytes",
    "history_limit",
    "history_size",
    "host",
    "host_short",
    "insert_flag",
    "keypad_cursor_flag",
    "keypad_flag",
    "last_window_index",
    "mouse_all_flag",
    "mouse_any_flag",
    "mouse_button_flag",
    "mouse_sgr_flag",
    "mouse_standard_flag",
    "mouse_utf8_flag",
    "origin_flag",
    "pane_active",
    "pane_at_bottom",
    "pane_at_left",
    "pane_at_right",
    "pane_at_top",
    "pane_attention",
    "pane_bottom",
    "pane_branch",
    "pane_current_command",
    "pane_current_path",
    "pane_dead",
    "pane_dead_signal",
    "pane_dead_status",
    "pane_format",
    "pane_height",
    "pane_id",
    "pane_in_mode",
    "pane_index",
    "pane_input_off",
    "pane_last",
    "pane_left",
    "pane_marked",
    "pane_marked_set",
    "pane_mode",
    "pane_name",
    "pane_pid",
    "pane_pipe",
    "pane_quiet_ms",
    "pane_right",
    "pane_seq",
    "pane_start_command",
    "pane_state",
    "pane_synchronized",
    "pane_title",
    "pane_top",
    "pane_tty",
    "pane_width",
    "pane_worktree",
    "pid",
    "scroll_region_lower",
    "scroll_region_upper",
    "session_alerts",
    "session_attached",
    "session_created",
    "session_format",
    "session_grouped",
    "session_id",
    "session_many_attached",
    "session_marked",
    "session_name",
    "session_windows",
    "socket_path",
    "start_time",
    "uid",
    "user",
    "version",
    "window_active",
    "window_activity_flag",
    "window_bell_flag",
    "window_end_flag",
    "window_flags",
    "window_format",
    "window_height",
    "window_id",
    "window_index",
    "window_last_flag",
    "window_layout",
    "window_linked",
    "window_linked_sessions",
    "window_linked_sessions_list",
    "window_marked_flag",
    "window_name",
    "window_panes",
    "window_raw_flags",
    "window_silence_flag",
    "window_start_flag",
    "window_visible_layout",
    "window_width",
    "window_zoomed_flag",
    "wrap_flag",
];

/// Looks up option values for a context (server, session, window, pane scopes); the options
/// store implements it.
pub trait OptionLookup {
    /// The value of option `name` (which may carry an `[N]` index) as tmux shows it in
    /// formats, for the given objects, or `None` if `name` is no option.
    fn option_value(
        &self,
        name: &str,
        session: Option<SessionId>,
        window: Option<WindowId>,
        pane: Option<PaneId>,
    ) -> Option<String>;
}

/// Variables of one (session, window, pane) of the model, as tmux's `format_defaults`: a
/// session without a window means its current window, a window without a pane its active pane.
pub struct ModelContext<'a> {
    state: &'a ServerState,
    reg: &'a Registry,
    options: Option<&'a dyn OptionLookup>,
    environ: Option<&'a crate::environ::Environment>,
    extra: &'a [(String, String)],
    session: Option<SessionId>,
    /// The window's index in `session` (its winlink); `None`: its lowest index there.
    index: Option<u32>,
    window: Option<WindowId>,
    pane: Option<PaneId>,
    /// What the context was made for (tmux `format_type`): `*_format` variables.
    kind: Option<Resolved>,
    /// Where `#(command)` runs: the jobs and the client they belong to (status lines only).
    jobs: Option<(&'a super::jobs::Jobs, u32)>,
}

fn flag(b: bool) -> Option<Value> {
    Some(Value::Text(if b { "1" } else { "0" }.into()))
}

fn text(s: impl Into<String>) -> Option<Value> {
    Some(Value::Text(s.into()))
}

/// The machine's host name (`/proc/sys/kernel/hostname`), tmux `#{host}`.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// The server user's name (from `/etc/passwd`, else `$USER`), tmux `#{user}`.
pub fn user_name() -> String {
    let uid = rustix::process::getuid().as_raw();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| {
            p.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                let id: u32 = f.nth(1)?.parse().ok()?;
                (id == uid).then(|| name.to_owned())
            })
        })
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default()
}

/// tmux's `parse_window_name`: the program name out of a command line (`-bash` -> `bash`,
/// `/usr/bin/vim x` -> `vim`).
pub fn command_name(cmd: &str) -> String {
    let mut name = cmd.strip_prefix('"').unwrap_or(cmd);
    if let Some(i) = name.find('"') {
        name = &name[..i];
    }
    name = name.strip_prefix("exec ").unwrap_or(name);
    name = name.trim_start_matches([' ', '-']);
    if let Some(i) = name.find(' ') {
        name = &name[..i];
    }
    let name =
        name.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && !c.is_ascii_punctuation());
    if name.starts_with('/') {
        super::text::basename(name)
    } else {
        name.to_owned()
    }
}

/// tmux's `cmd_stringify_argv`: each argument through `args_escape` (double quotes around
/// one holding any of ` #';${}%`, else single quotes around one holding a space or `"`; C-style
/// escapes inside), joined by spaces.
pub fn stringify_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| args_escape(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn args_escape(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let quote = if s.contains(|c| " #';${}%".contains(c)) {
        Some('"')
    } else if s.contains([' ', '"']) {
        Some('\'')
    } else {
        None
    };
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c != ' ' && (quote.is_some() || c == '~') {
            return format!("\\{c}");
        }
    }
    let mut e = String::new();
    for c in s.chars() {
        match c {
            '\\' => e.push_str("\\\\"),
            '\n' => e.push_str("\\n"),
            '\t' => e.push_str("\\t"),
            '"' if quote == Some('"') => e.push_str("\\\""),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                e.push_str(&format!("\\{:03o}", c as u32))
            }
            c => e.push(c),
        }
    }
    let tilde = if e.starts_with('~') { "\\" } else { "" };
    match quote {
        Some('\'') => format!("'{e}'"),
        Some(_) => format!("\"{tilde}{e}\""),
        None => format!("{tilde}{e}"),
    }
}

/// First argument of `/proc/PID/cmdline`.
fn proc_argv0(pid: u32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let first = raw.split(|&b| b == 0).next()?;
    Some(String::from_utf8_lossy(first).into_owned())
}

impl<'a> ModelContext<'a> {
    /// A context for `target` (what a command's `-t` resolved to), or for no object.
    pub fn new(state: &'a ServerState, reg: &'a Registry, target: Option<Resolved>) -> Self {
        let (mut s, mut w, mut p) = (None, None, None);
        match target {
            Some(Resolved::Pane(id)) => p = Some(id),
            Some(Resolved::Window(id)) => w = Some(id),
            Some(Resolved::Session(id)) => s = Some(id),
            None => {}
        }
        if let Some(pid) = p {
            w = w.or_else(|| reg.panes.get(&pid).map(|e| e.window));
        }
        let mut index = None;
        if let Some(wid) = w {
            if s.is_none() {
                // tmux cmd-find: the best session holding the window, its best winlink.
                if let Some((sid, i)) = reg.canonical_winlink(wid) {
                    s = Some(sid);
                    index = Some(i);
                }
            }
        }
        if w.is_none() {
            if let Some((i, cw)) = s.and_then(|sid| reg.current_winlink(sid)) {
                w = Some(cw);
                index = Some(i);
            }
        }
        if p.is_none() {
            p = w
                .and_then(|wid| reg.windows.get(&wid))
                .map(|x| x.active_pane);
        }
        Self {
            state,
            reg,
            options: None,
            environ: None,
            extra: &[],
            session: s,
            index,
            window: w,
            pane: p,
            kind: target,
            jobs: None,
        }
    }

    /// Runs `#(command)` as client `client`'s status line does (tmux format.c
    /// `format_job_get`); without this, `#(...)` expands to nothing.
    pub fn with_jobs(mut self, jobs: &'a super::jobs::Jobs, client: u32) -> Self {
        self.jobs = Some((jobs, client));
        self
    }

    /// The context client `client`'s status texts expand in (tmux status.c): options from
    /// `options`, names from `environ`, and `#(command)` run as that client's jobs.
    pub fn for_status(
        self,
        options: &'a dyn OptionLookup,
        environ: &'a crate::environ::Environment,
        client: u32,
    ) -> Self {
        let jobs = &self.state.status_jobs;
        self.with_options(options)
            .with_environ(environ)
            .with_jobs(jobs, client)
    }

    /// The context of window `w`'s winlink at index `idx` of session `sid` (a row of
    /// `list-windows -a`): session variables are `sid`'s, `window_index` is `idx`.
    pub fn at_winlink(mut self, sid: SessionId, idx: u32) -> Self {
        self.session = Some(sid);
        self.index = Some(idx);
        self
    }

    /// Looks options up in `options` first (as tmux does).
    pub fn with_options(mut self, options: &'a dyn OptionLookup) -> Self {
        self.options = Some(options);
        self
    }

    /// Looks names that are neither options nor variables up in the session's then the global
    /// environment (`set-environment`) instead of the server process's.
    pub fn with_environ(mut self, environ: &'a crate::environ::Environment) -> Self {
        self.environ = Some(environ);
        self
    }

    /// Extra variables (e.g. `buffer_name`), looked up after the model's.
    pub fn with_extra(mut self, extra: &'a [(String, String)]) -> Self {
        self.extra = extra;
        self
    }

    fn child(&self, target: Resolved, at: Option<(SessionId, u32)>) -> ModelContext<'a> {
        let mut c = ModelContext::new(self.state, self.reg, Some(target));
        if let Some((s, i)) = at {
            c = c.at_winlink(s, i);
        }
        c.options = self.options;
        c.environ = self.environ;
        c.extra = self.extra;
        c.jobs = self.jobs;
        c
    }

    fn server_var(&self, key: &str) -> Option<Value> {
        match key {
            "version" => text(env!("CARGO_PKG_VERSION")),
            "pid" => text(self.state.pid.to_string()),
            "socket_path" => text(self.state.socket.display().to_string()),
            "start_time" => Some(Value::Time(
                self.state
                    .started
                    .load(std::sync::atomic::Ordering::Relaxed) as i64,
            )),
            "host" => text(host_name()),
            "host_short" => {
                let h = host_name();
                text(h.split('.').next().unwrap_or("").to_owned())
            }
            "user" => text(user_name()),
            "uid" => text(rustix::process::getuid().as_raw().to_string()),
            _ => None,
        }
    }

    fn session_var(&self, key: &str) -> Option<Value> {
        let s = self.reg.sessions.get(&self.session?)?;
        match key {
            "session_name" => text(s.name.clone()),
            "session_id" => text(s.id.to_string()),
            "session_windows" => text(s.windows.len().to_string()),
            "session_attached" => text(s.attached.to_string()),
            "session_many_attached" => flag(s.attached > 1),
            "session_created" => Some(Value::Time(s.created as i64)),
            "session_format" => flag(matches!(self.kind, Some(Resolved::Session(_)))),
            "session_grouped" | "session_marked" => flag(false),
            // tmux format.c `format_cb_session_alerts`: each window with alerts, by index,
            // as `INDEX` then `#` (activity), `!` (bell), `~` (silence), comma-separated.
            "session_alerts" => text(
                s.windows
                    .iter()
                    .filter_map(|(i, w)| {
                        let bits = self.reg.alerts.get(w).copied().unwrap_or(0);
                        (bits != 0)
                            .then(|| format!("{i}{}", crate::commands::alerts::flag_chars(bits)))
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            // tmux format.c: the index of the session's current window and of its last
            // (highest-numbered) window.
            "active_window_index" => text(
                self.reg
                    .windows
                    .get(&s.active_window)
                    .map(|w| w.index.to_string())
                    .unwrap_or_default(),
            ),
            "last_window_index" => text(
                s.windows
                    .keys()
                    .next_back()
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            ),
            _ => None,
        }
    }

    fn window_var(&self, key: &str) -> Option<Value> {
        let w = self.reg.windows.get(&self.window?)?;
        let sid = self.session.unwrap_or(w.session);
        let index = self
            .index
            .or_else(|| self.reg.index_in(sid, w.id))
            .unwrap_or(w.index);
        let sess = self.reg.sessions.get(&sid);
        let current = self.reg.current_winlink(sid) == Some((index, w.id));
        let zoomed = w.zoomed.is_some_and(|z| w.layout.contains(z));
        let last = self.reg.last_window(sid) == Some(w.id);
        let marked = self.reg.marked.is_some_and(|m| w.layout.contains(m));
        let alerts = self.reg.alerts.get(&w.id).copied().unwrap_or(0);
        match key {
            "window_id" => text(w.id.to_string()),
            "window_index" => text(index.to_string()),
            "window_name" => text(w.name.clone()),
            "window_width" => text(w.cols.to_string()),
            "window_height" => text(w.rows.to_string()),
            "window_panes" => text(w.geometry().len().to_string()),
            "window_active" => flag(current),
            "window_zoomed_flag" => flag(zoomed),
            "window_flags" | "window_raw_flags" => {
                let mut f = crate::commands::alerts::flag_chars(alerts);
                // tmux window_printable_flags(wl, escape): `#` doubled in window_flags.
                if key == "window_flags" {
                    f = f.replace('#', "##");
                }
                if current {
                    f.push('*');
                }
                if last {
                    f.push('-');
                }
                if marked {
                    f.push('M');
                }
                if zoomed {
                    f.push('Z');
                }
                text(f)
            }
            "window_layout" => text(w.layout.dump()),
            "window_visible_layout" => match w.zoomed.filter(|_| zoomed) {
                Some(z) => text(crate::layout::Layout::dump_single(z, w.cols, w.rows)),
                None => text(w.layout.dump()),
            },
            "window_start_flag" => flag(sess.and_then(|s| s.windows.keys().next()) == Some(&index)),
            "window_end_flag" => {
                flag(sess.and_then(|s| s.windows.keys().next_back()) == Some(&index))
            }
            "window_format" => flag(matches!(self.kind, Some(Resolved::Window(_)))),
            "window_last_flag" => flag(last),
            "window_marked_flag" => flag(marked),
            "window_linked" => flag(!w.links.is_empty()),
            // tmux format.c: the number of winlinks, and their sessions' names.
            "window_linked_sessions" => text((w.links.len() + 1).to_string()),
            "window_linked_sessions_list" => text(
                self.reg
                    .winlinks(w.id)
                    .iter()
                    .filter_map(|(s, _)| self.reg.sessions.get(s).map(|x| x.name.clone()))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            "window_activity_flag" => flag(alerts & crate::commands::alerts::ACTIVITY != 0),
            "window_bell_flag" => flag(alerts & crate::commands::alerts::BELL != 0),
            "window_silence_flag" => flag(alerts & crate::commands::alerts::SILENCE != 0),
            _ => None,
        }
    }

    fn pane_var(&self, key: &str) -> Option<Value> {
        let pid = self.pane?;
        let e = self.reg.panes.get(&pid)?;
        let w = self.reg.windows.get(&e.window)?;
        let geo = w.geometry();
        let (index, rect) = geo
            .iter()
            .enumerate()
            .find(|(_, (id, _))| *id == pid)
            .map(|(i, (_, r))| (i, *r))?;
        // tmux: a zoomed pane has the window's size (the others keep their layout cells).
        let rect = if w.zoomed == Some(pid) {
            w.rect()
        } else {
            rect
        };
        match key {
            "pane_id" => return text(pid.to_string()),
            "pane_index" => {
                // tmux window_pane_index: the position plus pane-base-index.
                let base: usize = self
                    .options
                    .and_then(|o| {
                        o.option_value("pane-base-index", self.session, Some(e.window), Some(pid))
                    })
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                return text((index + base).to_string());
            }
            "pane_width" => return text(rect.cols.to_string()),
            "pane_height" => return text(rect.rows.to_string()),
            "pane_left" => return text(rect.left.to_string()),
            "pane_top" => return text(rect.top.to_string()),
            "pane_right" => return text((rect.left + rect.cols - 1).to_string()),
            "pane_bottom" => return text((rect.top + rect.rows - 1).to_string()),
            "pane_at_left" => return flag(rect.left == 0),
            "pane_at_top" => return flag(rect.top == 0),
            "pane_at_right" => return flag(rect.left + rect.cols >= w.cols),
            "pane_at_bottom" => return flag(rect.top + rect.rows >= w.rows),
            "pane_active" => return flag(w.active_pane == pid),
            "pane_name" => return text(e.name.clone().unwrap_or_default()),
            // `--worktree` (issue 14): the worktree's path and branch, empty without one.
            "pane_worktree" => {
                return text(e.worktree.as_ref().map(|w| w.0.clone()).unwrap_or_default())
            }
            "pane_branch" => {
                return text(e.worktree.as_ref().map(|w| w.1.clone()).unwrap_or_default())
            }
            // tmux: the command as given (cmd_stringify_argv), empty for the default shell.
            "pane_start_command" => {
                return text(match self.state.continuity.record(pid) {
                    Some(r) => stringify_argv(&r.command),
                    None => e.pane.command.clone(),
                })
            }
            "pane_tty" => return text(e.pane.tty().unwrap_or_default()),
            "pane_pid" => return text(e.pane.pid.map(|p| p.to_string()).unwrap_or_default()),
            "pane_format" => return flag(matches!(self.kind, Some(Resolved::Pane(_)))),
            "pane_pipe" => return flag(e.pane.tap().is_some_and(|t| t.active())),
            "pane_synchronized" => {
                let v = self.options.and_then(|o| {
                    o.option_value("synchronize-panes", self.session, Some(e.window), Some(pid))
                });
                return flag(matches!(v.as_deref(), Some("1" | "on")));
            }
            // Server-side pane modes and `select-pane -d` (crate::panemode).
            "pane_in_mode" => {
                return text(
                    crate::sync::lock(&self.state.pane_modes)
                        .depth(pid)
                        .to_string(),
                )
            }
            "pane_input_off" => {
                return flag(crate::sync::lock(&self.state.pane_modes).input_off(pid))
            }
            "pane_marked" => return flag(self.reg.marked == Some(pid)),
            "pane_marked_set" => return flag(self.reg.marked.is_some()),
            "pane_last" => return flag(w.layout.last_pane() == Some(pid)),
            "pane_mode" => {
                return text(
                    crate::sync::lock(&self.state.pane_modes)
                        .top(pid)
                        .map_or("", crate::panemode::Mode::name),
                )
            }
            _ => {}
        }
        let dead = e.pane.state().exit.clone();
        match key {
            "pane_current_command" => {
                if dead.is_some() {
                    return text("");
                }
                let fg = e.pane.foreground_pid().or(e.pane.pid)?;
                return text(command_name(&proc_argv0(fg)?));
            }
            "pane_current_path" => {
                if dead.is_some() {
                    return text("");
                }
                let fg = e.pane.foreground_pid().or(e.pane.pid)?;
                return text(
                    crate::pane::proc::cwd(fg)
                        .or_else(|| e.pane.pid.and_then(crate::pane::proc::cwd))
                        .unwrap_or_default(),
                );
            }
            _ => {}
        }
        let st = e.pane.state();
        let screen = &st.screen;
        match key {
            "pane_title" => {
                let t = screen.title();
                text(if t.is_empty() {
                    host_name()
                } else {
                    t.to_owned()
                })
            }
            "pane_dead" => flag(st.exit.is_some()),
            "pane_dead_status" => text(
                st.exit
                    .as_ref()
                    .and_then(|x| x.code)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            ),
            "pane_dead_signal" => text(
                st.exit
                    .as_ref()
                    .and_then(|x| x.signal.clone())
                    .unwrap_or_default(),
            ),
            "cursor_x" => text(screen.cursor().col.to_string()),
            "cursor_y" => text(screen.cursor().row.to_string()),
            "cursor_flag" => flag(screen.cursor().visible),
            "alternate_on" => flag(screen.modes().alternate_screen),
            "keypad_cursor_flag" => flag(screen.modes().application_cursor),
            "keypad_flag" => flag(screen.modes().application_keypad),
            // tmux format.c: MODE_MOUSE_STANDARD (?1000), _BUTTON (?1002), _ALL (?1003),
            // any of them, _SGR (?1006), _UTF8 (?1005, not kept: 0).
            "mouse_standard_flag" => flag(screen.mouse().0 == 2),
            "mouse_button_flag" => flag(screen.mouse().0 == 3),
            "mouse_all_flag" => flag(screen.mouse().0 == 4),
            "mouse_any_flag" => flag(screen.mouse().0 >= 2),
            "mouse_sgr_flag" => flag(screen.mouse().1),
            "mouse_utf8_flag" => flag(false),
            "insert_flag" => flag(screen.vt_flags().insert),
            "origin_flag" => flag(screen.vt_flags().origin),
            "wrap_flag" => flag(screen.vt_flags().wrap),
            "scroll_region_upper" => text(screen.vt_flags().scroll_region.0.to_string()),
            "scroll_region_lower" => text(screen.vt_flags().scroll_region.1.to_string()),
            // tmux prints UINT_MAX when no cursor is saved.
            "alternate_saved_x" => text(
                screen
                    .vt_flags()
                    .alternate_saved
                    .map_or(u32::MAX, |p| u32::from(p.1))
                    .to_string(),
            ),
            "alternate_saved_y" => text(
                screen
                    .vt_flags()
                    .alternate_saved
                    .map_or(u32::MAX, |p| u32::from(p.0))
                    .to_string(),
            ),
            "history_size" => text(screen.history_stats().0.to_string()),
            "history_limit" => text(screen.history_stats().1.to_string()),
            "history_bytes" => text(screen.history_stats().2.to_string()),
            "pane_state" => text(st.run.state().as_str()),
            "pane_attention" => flag(st.attention.is_some()),
            "pane_seq" => text(st.seq.to_string()),
            "pane_quiet_ms" => text(screen.changed_at().elapsed().as_millis().to_string()),
            _ => None,
        }
    }

    /// A variable's value (no options, no environment).
    pub fn variable(&self, key: &str) -> Option<Value> {
        if let Some(v) = self.pane_var(key) {
            return Some(v);
        }
        if let Some(v) = self.window_var(key) {
            return Some(v);
        }
        if let Some(v) = self.session_var(key) {
            return Some(v);
        }
        self.server_var(key)
    }

    /// `display-message -a`: every known variable with its value, sorted by name.
    pub fn all(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = VARIABLES
            .iter()
            .filter_map(|k| {
                self.variable(k).map(|v| {
                    let s = match v {
                        Value::Text(s) => s,
                        Value::Time(t) => t.to_string(),
                    };
                    ((*k).to_owned(), s)
                })
            })
            .collect();
        out.extend(self.extra.iter().cloned());
        out.sort();
        out
    }
}

impl FormatContext for ModelContext<'_> {
    fn lookup(&self, key: &str) -> Option<Value> {
        if let Some(o) = self.options {
            if let Some(v) = o.option_value(key, self.session, self.window, self.pane) {
                return Some(Value::Text(v));
            }
        }
        if let Some(v) = self.variable(key) {
            return Some(v);
        }
        if let Some((_, v)) = self.extra.iter().find(|(k, _)| k == key) {
            return Some(Value::Text(v.clone()));
        }
        if let Some(v) = crate::hooks::format_var(key) {
            return Some(Value::Text(v));
        }
        match self.environ {
            Some(e) => e
                .value(self.session, key)
                .map(|v| Value::Text(v.to_owned())),
            None => std::env::var(key).ok().map(Value::Text),
        }
    }

    fn sessions(&self) -> Vec<Box<dyn FormatContext + '_>> {
        let mut ids: Vec<(&str, SessionId)> = self
            .reg
            .sessions
            .values()
            .map(|s| (s.name.as_str(), s.id))
            .collect();
        ids.sort();
        ids.into_iter()
            .map(|(_, id)| {
                Box::new(self.child(Resolved::Session(id), None)) as Box<dyn FormatContext>
            })
            .collect()
    }

    fn windows(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        let s = self.reg.sessions.get(&self.session?)?;
        let cur = self.reg.current_winlink(s.id);
        Some(
            s.windows
                .iter()
                .map(|(i, w)| {
                    (
                        cur == Some((*i, *w)),
                        Box::new(self.child(Resolved::Window(*w), Some((s.id, *i))))
                            as Box<dyn FormatContext>,
                    )
                })
                .collect(),
        )
    }

    fn panes(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        let w = self.reg.windows.get(&self.window?)?;
        Some(
            w.geometry()
                .into_iter()
                .map(|(p, _)| {
                    (
                        p == w.active_pane,
                        Box::new(self.child(Resolved::Pane(p), self.session.zip(self.index)))
                            as Box<dyn FormatContext>,
                    )
                })
                .collect(),
        )
    }

    fn job(&self, cmd: &str, expanded: &str) -> Option<String> {
        let (jobs, client) = self.jobs?;
        jobs.get(client, cmd, expanded)
    }

    fn session_name_exists(&self, name: &str) -> bool {
        self.reg.sessions.values().any(|s| s.name == name)
    }

    fn search_pane(&self, text: &str, regex: bool, ignore_case: bool) -> Option<u32> {
        // tmux window_pane_search: the first visible line containing the text (fnmatch
        // `*TEXT*`) or matching the regex, 1-based; 0 if none.
        let e = self.reg.panes.get(&self.pane?)?;
        let lines = e
            .pane
            .state()
            .screen
            .lines(tidemux_proto::ReadRange::Visible, false)
            .ok()?
            .lines;
        let re = if regex {
            match regex::RegexBuilder::new(text)
                .case_insensitive(ignore_case)
                .build()
            {
                Ok(r) => Some(r),
                Err(_) => return Some(0),
            }
        } else {
            None
        };
        let pattern = format!("*{text}*");
        let found = lines.iter().position(|l| {
            let l = l.trim_end();
            match &re {
                Some(r) => r.is_match(l),
                None => super::fnmatch::fnmatch(&pattern, l, ignore_case),
            }
        });
        Some(found.map_or(0, |i| i as u32 + 1))
    }

    fn window_name_exists(&self, name: &str) -> Option<bool> {
        let s = self.reg.sessions.get(&self.session?)?;
        Some(
            s.windows
                .values()
                .any(|w| self.reg.windows.get(w).is_some_and(|win| win.name == name)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::command_name;

    #[test]
    fn command_names() {
        for (cmd, want) in [
            ("-bash", "bash"),
            ("/usr/bin/vim file", "vim"),
            ("exec top", "top"),
            ("\"quoted\" x", "quoted"),
            ("python3", "python3"),
            ("", ""),
        ] {
            assert_eq!(command_name(cmd), want, "{cmd}");
        }
    }
}
