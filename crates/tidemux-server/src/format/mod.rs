//! The format language of tmux 3.3a (`man tmux`, FORMATS; source: format.c), shared by every
//! command that takes `-F FORMAT` or `-f FILTER`.
//!
//! [`expand`] turns a format such as `#{session_name}:#{window_index}` into text. Variables
//! come from a [`FormatContext`], so the engine runs without a server (the server's context is
//! in [`model`]). The language, with the differences from tmux, is documented in
//! `docs/formats.md`.

pub mod draw;
mod expand;
pub mod fnmatch;
pub mod jobs;
pub mod model;
mod text;
mod time;

#[cfg(test)]
mod tests;

pub use expand::Expander;

/// The value of a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Text, as is.
    Text(String),
    /// A time, seconds since the Unix epoch: prints as the number, and `#{t:...}` formats it.
    Time(i64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

/// Where variables come from. tmux looks a name up as an option first, then as a variable,
/// then in the environment; an implementation does the same in [`FormatContext::lookup`].
pub trait FormatContext {
    /// The value of `key`, or `None` when it is unknown (it then expands to nothing and is
    /// false in conditions).
    fn lookup(&self, key: &str) -> Option<Value>;

    /// Contexts for `#{S:...}`: one per session, in name order.
    fn sessions(&self) -> Vec<Box<dyn FormatContext + '_>> {
        Vec::new()
    }

    /// Contexts for `#{W:...}`: one per window of the current session, in index order, with
    /// whether it is the session's current window; `None` without a session (the loop fails).
    fn windows(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        None
    }

    /// Contexts for `#{P:...}`: one per pane of the current window, in layout order, with
    /// whether it is the active pane; `None` without a window (the loop fails).
    fn panes(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        None
    }

    /// `#{N/s:NAME}`: whether a session of that name exists.
    fn session_name_exists(&self, _name: &str) -> bool {
        false
    }

    /// `#{N:NAME}`: whether the current session has a window of that name; `None` without a
    /// session.
    fn window_name_exists(&self, _name: &str) -> Option<bool> {
        None
    }

    /// `#(command)`: the output of the shell command `cmd` (`expanded`: with its formats
    /// expanded), or `None` when this context runs no commands (then `#(...)` expands to
    /// nothing) or it printed nothing yet. See [`jobs::Jobs::get`].
    fn job(&self, _cmd: &str, _expanded: &str) -> Option<String> {
        None
    }

    /// `#{C:TEXT}`: the line number (1-based from the top of the pane's screen) where `text`
    /// occurs, 0 if nowhere; `None` without a pane.
    fn search_pane(&self, _text: &str, _regex: bool, _ignore_case: bool) -> Option<u32> {
        None
    }
}

/// Expands `fmt` against `ctx` with the local time zone and the current time.
pub fn expand(ctx: &dyn FormatContext, fmt: &str) -> String {
    Expander::new().expand(ctx, fmt)
}

/// tmux's `format_true`: non-empty and not `0`.
pub fn is_true(s: &str) -> bool {
    !s.is_empty() && s != "0"
}
