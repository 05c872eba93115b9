//! Environments after tmux 3.3a's environ.c: a global environment (the server's own at start)
//! and one per session whose entries override it; an entry without a value (`-r`) is removed
//! from the environment of new processes. New panes get global + session + `-e` values.

use std::collections::{BTreeMap, HashMap};
use tidemux_proto::SessionId;

/// One variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    /// `None`: remove it from new processes' environment (`set-environment -r`).
    pub value: Option<String>,
    /// `-h`: hidden (not in `show-environment` without `-h`, not given to processes).
    pub hidden: bool,
}

/// Variables by name, sorted as tmux shows them.
pub type Environ = BTreeMap<String, EnvEntry>;

/// Most variables in one environment, and longest name and value, bytes: a client cannot make
/// the server hold unbounded environments.
pub const MAX_VARS: usize = 10_000;
/// Longest value, bytes.
pub const MAX_VALUE: usize = 64 * 1024;

/// The global and the per-session environments.
#[derive(Debug)]
pub struct Environment {
    global: Environ,
    sessions: HashMap<SessionId, Environ>,
}

impl Default for Environment {
    fn default() -> Self {
        let global = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| !k.starts_with("TIDEMUX") && k != "TMUX" && k != "TMUX_PANE")
            .map(|(k, v)| {
                (
                    k,
                    EnvEntry {
                        value: Some(v),
                        hidden: false,
                    },
                )
            })
            .collect();
        Self {
            global,
            sessions: HashMap::new(),
        }
    }
}

impl Environment {
    /// The global environment (`None`) or a session's.
    pub fn get(&self, session: Option<SessionId>) -> Option<&Environ> {
        match session {
            None => Some(&self.global),
            Some(s) => self.sessions.get(&s),
        }
    }

    fn get_mut(&mut self, session: Option<SessionId>) -> &mut Environ {
        match session {
            None => &mut self.global,
            Some(s) => self.sessions.entry(s).or_default(),
        }
    }

    /// Sets a variable (`value` `None` marks it removed, `-r`).
    ///
    /// # Errors
    /// tmux's texts for bad names; limits on count and size.
    pub fn set(
        &mut self,
        session: Option<SessionId>,
        name: &str,
        value: Option<String>,
        hidden: bool,
    ) -> Result<(), String> {
        check_name(name)?;
        if value.as_ref().is_some_and(|v| v.len() > MAX_VALUE) {
            return Err(format!("value too long (at most {MAX_VALUE} bytes)"));
        }
        let env = self.get_mut(session);
        if !env.contains_key(name) && env.len() >= MAX_VARS {
            return Err(format!("too many variables (at most {MAX_VARS})"));
        }
        env.insert(name.to_owned(), EnvEntry { value, hidden });
        Ok(())
    }

    /// Removes a variable (`-u`): a session's is then inherited from the global one again.
    pub fn unset(&mut self, session: Option<SessionId>, name: &str) {
        self.get_mut(session).remove(name);
    }

    /// A variable's value for a session (session first, then global), as formats read it.
    pub fn value(&self, session: Option<SessionId>, name: &str) -> Option<&str> {
        let e = session
            .and_then(|s| self.sessions.get(&s))
            .and_then(|e| e.get(name))
            .or_else(|| self.global.get(name))?;
        e.value.as_deref()
    }

    /// What a new process of `session` gets: (variables to set, names to remove from the
    /// server's own environment).
    pub fn for_process(&self, session: Option<SessionId>) -> (Vec<(String, String)>, Vec<String>) {
        let mut merged: BTreeMap<&str, &EnvEntry> =
            self.global.iter().map(|(k, v)| (k.as_str(), v)).collect();
        if let Some(e) = session.and_then(|s| self.sessions.get(&s)) {
            merged.extend(e.iter().map(|(k, v)| (k.as_str(), v)));
        }
        let set: Vec<(String, String)> = merged
            .iter()
            .filter(|(_, e)| !e.hidden)
            .filter_map(|(k, e)| e.value.clone().map(|v| ((*k).to_owned(), v)))
            .collect();
        let remove = std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .filter(|k| !set.iter().any(|(s, _)| s == k))
            .collect();
        (set, remove)
    }

    /// Forgets environments of sessions that are gone.
    pub fn retain(&mut self, alive: impl Fn(SessionId) -> bool) {
        self.sessions.retain(|s, _| alive(*s));
    }
}

/// tmux's checks on a variable name.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty variable name".into());
    }
    if name.contains('=') {
        return Err("variable name contains =".into());
    }
    if name.len() > 1024 || name.contains('\0') {
        return Err("bad variable name".into());
    }
    Ok(())
}

/// `show-environment` lines (`-s`: as shell commands) of the hidden (`hidden`) or visible
/// entries.
pub fn show_lines<'a>(
    entries: impl Iterator<Item = (&'a String, &'a EnvEntry)>,
    hidden: bool,
    shell: bool,
) -> Vec<String> {
    entries
        .filter(|(_, e)| e.hidden == hidden)
        .map(|(k, e)| match (&e.value, shell) {
            (Some(v), false) => format!("{k}={v}"),
            (None, false) => format!("-{k}"),
            (Some(v), true) => {
                let mut esc = String::new();
                for c in v.chars() {
                    if matches!(c, '$' | '`' | '"' | '\\') {
                        esc.push('\\');
                    }
                    esc.push(c);
                }
                format!("{k}=\"{esc}\"; export {k};")
            }
            (None, true) => format!("unset {k};"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_overrides_global_and_removal() {
        let mut e = Environment::default();
        let s = SessionId(1);
        e.set(None, "A", Some("g".into()), false).unwrap();
        e.set(Some(s), "A", Some("s".into()), false).unwrap();
        e.set(Some(s), "B", None, false).unwrap();
        e.set(None, "B", Some("gb".into()), false).unwrap();
        e.set(None, "H", Some("h".into()), true).unwrap();
        assert_eq!(e.value(Some(s), "A"), Some("s"));
        assert_eq!(e.value(None, "A"), Some("g"));
        assert_eq!(e.value(Some(s), "B"), None);
        let (set, _) = e.for_process(Some(s));
        assert!(set.contains(&("A".into(), "s".into())));
        assert!(!set.iter().any(|(k, _)| k == "B" || k == "H"));
        e.unset(Some(s), "A");
        assert_eq!(e.value(Some(s), "A"), Some("g"));
        assert_eq!(
            e.set(None, "", None, false),
            Err("empty variable name".into())
        );
        assert_eq!(
            e.set(None, "a=b", None, false),
            Err("variable name contains =".into())
        );
        let s_env = e.get(Some(s)).unwrap();
        assert_eq!(show_lines(s_env.iter(), false, false), ["-B"]);
        e.set(Some(s), "Q", Some("a \"$x\" `y` \\".into()), false)
            .unwrap();
        let s_env = e.get(Some(s)).unwrap();
        assert_eq!(
            show_lines(s_env.iter(), false, true),
            ["unset B;", "Q=\"a \\\"\\$x\\\" \\`y\\` \\\\\"; export Q;"]
        );
    }
}
