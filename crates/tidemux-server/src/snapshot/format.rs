//! The snapshot file format (version [`FORMAT`]), documented in `docs/continuity.md`.
//!
//! Three parts, all UTF-8:
//! ```text
//! tidemux-snapshot 1\n
//! {"saved_at":..., "sessions":[...]}\n      one line of JSON (the `Snapshot` below)
//! end 0123456789abcdef\n                    FNV-1a 64 of the JSON line's bytes, 16 hex digits
//! ```
//! [`decode`] accepts a file only when all three parts are present and agree, so a file cut at
//! any byte (a crash mid-write of a non-atomic copy, a full disk) is refused as a whole: never
//! a panic, never a partial restore.

use serde::{Deserialize, Serialize};

/// Format version written by this build; [`decode`] reads only this one.
pub const FORMAT: u32 = 1;

/// First bytes of every snapshot file.
pub const MAGIC: &str = "tidemux-snapshot ";

/// The whole saved model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was taken, Unix seconds (UTC).
    pub saved_at: u64,
    /// `CARGO_PKG_VERSION` of the server that wrote it (informational).
    #[serde(default)]
    pub server_version: String,
    /// History lines kept per pane when it was taken (N).
    #[serde(default)]
    pub history_lines: usize,
    /// Sessions, in id order.
    pub sessions: Vec<SessionSnap>,
    /// Server options (`set-option -s`).
    #[serde(default)]
    pub server_options: Vec<OptSnap>,
    /// Global session options (`set-option -g`).
    #[serde(default)]
    pub global_session_options: Vec<OptSnap>,
    /// Global window and pane options (`set-option -gw`).
    #[serde(default)]
    pub global_window_options: Vec<OptSnap>,
}

/// One option value: name, array index, value in its shown form (as `show-options -v`).
pub type OptSnap = (String, Option<u32>, String);

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSnap {
    /// Unique name.
    pub name: String,
    /// Index of the current window.
    pub active_window: u32,
    /// History limit of new panes, lines.
    pub history_limit: usize,
    /// tmux `remain-on-exit`.
    #[serde(default)]
    pub remain_on_exit: bool,
    /// Size of new windows, cells.
    pub cols: u16,
    /// Size of new windows, cells.
    pub rows: u16,
    /// Windows, in index order.
    pub windows: Vec<WindowSnap>,
    /// The session's own options.
    #[serde(default)]
    pub options: Vec<OptSnap>,
}

/// One window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowSnap {
    /// Index in the session.
    pub index: u32,
    /// Name.
    pub name: String,
    /// Width, cells.
    pub cols: u16,
    /// Height, cells.
    pub rows: u16,
    /// Position in `panes` of the active pane.
    pub active_pane: usize,
    /// Position in `panes` of the zoomed pane.
    #[serde(default)]
    pub zoomed: Option<usize>,
    /// The split tree; leaves are positions in `panes` (kept for older servers; newer ones
    /// read `tmux_layout` when present).
    pub layout: LayoutSnap,
    /// The layout as a tmux layout string whose pane numbers are positions in `panes`
    /// (`crate::layout::custom::dump_numbered`): exact cell sizes, any number of children.
    #[serde(default)]
    pub tmux_layout: Option<String>,
    /// Panes, in layout order.
    pub panes: Vec<PaneSnap>,
    /// The window's own options.
    #[serde(default)]
    pub options: Vec<OptSnap>,
}

/// A layout tree (see `crate::layout::Layout`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LayoutSnap {
    /// A pane: its position in the window's `panes`.
    Pane(usize),
    /// Two children separated by a one-cell border.
    Split {
        /// `true`: side by side (`split-window -h`); `false`: one above the other.
        horizontal: bool,
        /// Share of the first child in the space minus the border, 0..1.
        fraction: f32,
        /// Left or top child.
        first: Box<LayoutSnap>,
        /// Right or bottom child.
        second: Box<LayoutSnap>,
    },
}

/// One pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaneSnap {
    /// Name given by `rename-pane`.
    #[serde(default)]
    pub name: Option<String>,
    /// The command as given to `new-session`/`new-window`/`split-window` (empty: the default
    /// shell; one word with shell syntax runs through `/bin/sh -c`).
    #[serde(default)]
    pub command: Vec<String>,
    /// Working directory of the pane's process when saved (else where it started).
    pub cwd: String,
    /// Variables given with `-e`, in order.
    #[serde(default)]
    pub env: Vec<(String, String)>,
    /// The last lines of history and the visible screen, plain text, oldest first.
    #[serde(default)]
    pub history: Vec<String>,
    /// The pane's own options.
    #[serde(default)]
    pub options: Vec<OptSnap>,
    /// Kept once its process exits (`--remain-on-exit` on the command that made it).
    #[serde(default)]
    pub remain_on_exit: bool,
    /// The git worktree the pane was started in: (path, branch).
    #[serde(default)]
    pub worktree: Option<(String, String)>,
}

/// Why a snapshot was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not a snapshot at all, or cut before its header ended.
    #[error("not a tidemux snapshot (no 'tidemux-snapshot N' header line)")]
    NoHeader,
    /// Written by a tidemux with another format.
    #[error("snapshot format {found} is not supported by this tidemux (it reads format {FORMAT}); use the tidemux version that wrote it (server {writer})")]
    Version {
        /// Format found.
        found: u32,
        /// `server_version` if it could be read, else "unknown".
        writer: String,
    },
    /// Cut short or damaged.
    #[error("snapshot is incomplete or damaged: {0}")]
    Corrupt(String),
    /// Well-formed but inconsistent (a layout naming a missing pane, duplicate names...).
    #[error("snapshot is inconsistent: {0}")]
    Invalid(String),
}

/// FNV-1a, 64 bits.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Why a sealed file was refused before its body was read: the shapes shared by snapshots and
/// live-upgrade states (each maps them into its own `DecodeError`).
#[derive(Debug)]
pub(crate) enum Unseal {
    /// No `MAGIC N` header line.
    NoHeader,
    /// Another format; `writer` is the body's writer field if readable, else "unknown".
    Version { found: u32, writer: String },
    /// Cut short or damaged.
    Corrupt(String),
}

/// A sealed file: the header line `MAGIC FORMAT`, the JSON body on one line, and
/// `end <FNV-1a 64 of the body, 16 hex digits>`, each ending in `\n`. Used for snapshots and
/// the live-upgrade state, so that a truncation anywhere is detected.
pub(crate) fn seal(magic: &str, format: u32, json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + 64);
    out.extend_from_slice(format!("{magic}{format}\n").as_bytes());
    out.extend_from_slice(json.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(format!("end {:016x}\n", fnv1a(json.as_bytes())).as_bytes());
    out
}

/// The JSON body of a file [`seal`]ed with `magic` and `format`. `writer_field` names the body's
/// field that says which tidemux wrote it, shown when the format differs.
pub(crate) fn unseal<'a>(
    bytes: &'a [u8],
    magic: &str,
    format: u32,
    writer_field: &str,
) -> Result<&'a [u8], Unseal> {
    let nl = memchr::memchr(b'\n', bytes).ok_or(Unseal::NoHeader)?;
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| Unseal::NoHeader)?;
    let version: u32 = header
        .strip_prefix(magic)
        .and_then(|v| v.parse().ok())
        .ok_or(Unseal::NoHeader)?;
    let rest = &bytes[nl + 1..];
    let jl = memchr::memchr(b'\n', rest);
    if version != format {
        let writer = serde_json::from_slice::<serde_json::Value>(&rest[..jl.unwrap_or(rest.len())])
            .ok()
            .and_then(|v| v.get(writer_field)?.as_str().map(str::to_owned))
            .unwrap_or_else(|| "unknown".into());
        return Err(Unseal::Version {
            found: version,
            writer,
        });
    }
    let jl = jl.ok_or_else(|| Unseal::Corrupt("cut inside the body".into()))?;
    let json = &rest[..jl];
    let trailer = &rest[jl + 1..];
    let want = format!("end {:016x}\n", fnv1a(json));
    if trailer != want.as_bytes() {
        return Err(Unseal::Corrupt(if trailer.len() < want.len() {
            "cut before the end line".into()
        } else {
            "checksum does not match the body".into()
        }));
    }
    Ok(json)
}

impl From<Unseal> for DecodeError {
    fn from(u: Unseal) -> Self {
        match u {
            Unseal::NoHeader => Self::NoHeader,
            Unseal::Version { found, writer } => Self::Version { found, writer },
            Unseal::Corrupt(m) => Self::Corrupt(m),
        }
    }
}

/// Serialises a snapshot to the file format ([`seal`]).
pub fn encode(s: &Snapshot) -> Vec<u8> {
    let json = serde_json::to_string(s).expect("a snapshot always serialises");
    seal(MAGIC, FORMAT, &json)
}

/// Parses and checks a snapshot file.
///
/// # Errors
/// [`DecodeError`] for anything but a complete, consistent snapshot of format [`FORMAT`].
pub fn decode(bytes: &[u8]) -> Result<Snapshot, DecodeError> {
    let json = unseal(bytes, MAGIC, FORMAT, "server_version")?;
    let snap: Snapshot =
        serde_json::from_slice(json).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    validate(&snap).map_err(DecodeError::Invalid)?;
    Ok(snap)
}

fn check_name(kind: &str, n: &str) -> Result<(), String> {
    if n.is_empty() || n.len() > crate::limits::MAX_NAME {
        return Err(format!("{kind} name '{n}' is empty or too long"));
    }
    Ok(())
}

/// Checks everything a restore relies on, so that a restore never stops half-way.
fn validate(s: &Snapshot) -> Result<(), String> {
    if s.sessions.is_empty() {
        return Err("it holds no session".into());
    }
    let mut names = std::collections::BTreeSet::new();
    let mut pane_names = std::collections::BTreeSet::new();
    for sess in &s.sessions {
        check_name("session", &sess.name)?;
        if sess.name.contains([':', '.']) || sess.name.starts_with(['%', '@', '$']) {
            return Err(format!("bad session name '{}'", sess.name));
        }
        if !names.insert(sess.name.as_str()) {
            return Err(format!("two sessions are named '{}'", sess.name));
        }
        crate::limits::check_window_size(sess.cols, sess.rows)
            .map_err(|e| format!("session '{}': {}", sess.name, e.message))?;
        if sess.windows.is_empty() {
            return Err(format!("session '{}' has no window", sess.name));
        }
        let mut idx = std::collections::BTreeSet::new();
        for w in &sess.windows {
            let at = format!("window {}:{}", sess.name, w.index);
            if !idx.insert(w.index) {
                return Err(format!("{at} appears twice"));
            }
            check_name("window", &w.name)?;
            crate::limits::check_window_size(w.cols, w.rows)
                .map_err(|e| format!("{at}: {}", e.message))?;
            let n = w.panes.len();
            if n == 0 || w.active_pane >= n || w.zoomed.is_some_and(|z| z >= n) {
                return Err(format!("{at}: active or zoomed pane out of range"));
            }
            let mut seen = vec![false; n];
            check_layout(&w.layout, &mut seen, 0).map_err(|e| format!("{at}: {e}"))?;
            if seen.iter().any(|s| !s) {
                return Err(format!("{at}: a pane is missing from the layout"));
            }
            for p in &w.panes {
                if let Some(pn) = &p.name {
                    check_name("pane", pn)?;
                    if !pane_names.insert(pn.as_str()) {
                        return Err(format!("two panes are named '{pn}'"));
                    }
                }
                if p.command.first().is_some_and(|c| c.is_empty()) {
                    return Err(format!("{at}: a pane has an empty command"));
                }
                for (k, _) in &p.env {
                    if k.is_empty() || k.contains(['=', '\0']) {
                        return Err(format!("{at}: bad environment variable name '{k}'"));
                    }
                }
            }
        }
        if !idx.contains(&sess.active_window) {
            return Err(format!(
                "session '{}': current window {} does not exist",
                sess.name, sess.active_window
            ));
        }
    }
    Ok(())
}

fn check_layout(l: &LayoutSnap, seen: &mut [bool], depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("layout nested too deep".into());
    }
    match l {
        LayoutSnap::Pane(i) => match seen.get_mut(*i) {
            Some(s) if !*s => {
                *s = true;
                Ok(())
            }
            _ => Err(format!("layout names pane {i} twice or out of range")),
        },
        LayoutSnap::Split {
            fraction,
            first,
            second,
            ..
        } => {
            if !(fraction.is_finite() && *fraction > 0.0 && *fraction < 1.0) {
                return Err(format!("split fraction {fraction} is not in 0..1"));
            }
            check_layout(first, seen, depth + 1)?;
            check_layout(second, seen, depth + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        let pane = |n: &str| PaneSnap {
            name: Some(n.into()),
            command: vec!["vim notes.txt".into()],
            cwd: "/tmp".into(),
            env: vec![("A".into(), "b c".into())],
            history: vec!["line one".into(), "ünïcode ✓".into(), String::new()],
            options: vec![("remain-on-exit".into(), None, "on".into())],
            remain_on_exit: true,
            worktree: Some(("/tmp/wt".into(), "task-1".into())),
        };
        Snapshot {
            saved_at: 1_700_000_000,
            server_version: "0.1.0".into(),
            history_lines: 2000,
            sessions: vec![SessionSnap {
                name: "work".into(),
                active_window: 1,
                history_limit: 10_000,
                remain_on_exit: false,
                cols: 80,
                rows: 24,
                windows: vec![WindowSnap {
                    index: 1,
                    name: "edit".into(),
                    cols: 80,
                    rows: 24,
                    active_pane: 1,
                    zoomed: None,
                    layout: LayoutSnap::Split {
                        horizontal: true,
                        fraction: 0.5,
                        first: Box::new(LayoutSnap::Pane(0)),
                        second: Box::new(LayoutSnap::Pane(1)),
                    },
                    tmux_layout: None,
                    panes: vec![pane("a"), pane("b")],
                    options: Vec::new(),
                }],
                options: vec![("status-left".into(), None, "[#S] ".into())],
            }],
            server_options: vec![("command-alias".into(), Some(0), "x=y".into())],
            global_session_options: Vec::new(),
            global_window_options: Vec::new(),
        }
    }

    #[test]
    fn round_trip() {
        let s = sample();
        assert_eq!(decode(&encode(&s)).unwrap(), s);
    }

    #[test]
    fn every_truncation_is_refused_without_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(
                decode(&bytes[..cut]).is_err(),
                "a snapshot cut at byte {cut} of {} was accepted",
                bytes.len()
            );
        }
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn flipped_bytes_are_refused() {
        let bytes = encode(&sample());
        for i in (0..bytes.len()).step_by(7) {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            assert!(decode(&b).is_err(), "byte {i} flipped was accepted");
        }
    }

    #[test]
    fn other_format_is_refused_by_name() {
        let bytes = encode(&sample());
        let text = String::from_utf8(bytes).unwrap().replacen(
            "tidemux-snapshot 1",
            "tidemux-snapshot 2",
            1,
        );
        let e = decode(text.as_bytes()).unwrap_err();
        assert!(matches!(e, DecodeError::Version { found: 2, .. }), "{e}");
        assert!(e.to_string().contains("0.1.0"), "{e}");
    }

    #[test]
    fn inconsistent_layout_is_refused() {
        let mut s = sample();
        s.sessions[0].windows[0].layout = LayoutSnap::Pane(0);
        let e = decode(&encode(&s)).unwrap_err();
        assert!(matches!(e, DecodeError::Invalid(_)), "{e}");
        let mut s = sample();
        s.sessions[0].active_window = 7;
        assert!(decode(&encode(&s)).is_err());
    }
}
