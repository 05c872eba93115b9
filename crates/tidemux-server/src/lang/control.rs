//! Control mode (`tmux -C`, tmux(1) "CONTROL MODE"): commands read line by line, each reply
//! in a `%begin TIME NUMBER FLAGS` ... `%end`/`%error` block, and notifications: `%output
//! %PANE ESCAPED-BYTES`, `%window-add`, `%window-close`, `%unlinked-window-add`,
//! `%unlinked-window-close`, `%window-renamed`, `%session-changed`, `%session-renamed`,
//! `%sessions-changed`, `%layout-change`, `%pane-mode-changed`, `%exit`.
//!
//! The connection ([`crate::connection`]) writes what a [`Control`] produces: the blocks it
//! returns and the notification lines it queues (bounded: when the client does not keep up,
//! notifications are dropped rather than held).

use super::table::Cmd;
use super::{Client, Output};
use crate::format::model::ModelContext;
use crate::format::Expander;
use crate::pane::OutputTap;
use crate::registry::Resolved;
use crate::state::ServerState;
use crate::sync::lock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tidemux_proto::{EventKind, PaneId, SessionId, WindowId};
use tokio::sync::mpsc;

/// What a control client reads when the server switches binaries (`upgrade-server`, issue
/// 16): tmux's `%exit REASON` (tmux(1), "CONTROL MODE"); it may connect again at once.
pub const EXIT_UPGRADED: &str = "%exit server upgraded\n";

/// Notification lines queued for one control client at most (then dropped).
pub const MAX_QUEUED: usize = 4096;

/// tmux's escaping of `%output` data: bytes below space and `\` as three-digit octal.
pub fn escape_output(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        if b < b' ' || b == b'\\' {
            out.extend_from_slice(format!("\\{b:03o}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

/// One pane's output, to a control client.
struct Watcher {
    pane: PaneId,
    tx: mpsc::Sender<Vec<u8>>,
    active: Arc<AtomicBool>,
    session: Arc<Mutex<Option<SessionId>>>,
    state: std::sync::Weak<ServerState>,
}

impl OutputTap for Watcher {
    fn output(&self, bytes: &[u8]) {
        // Only panes of the client's session, as tmux.
        let ours = {
            let Some(state) = self.state.upgrade() else {
                return;
            };
            let sid = *lock(&self.session);
            let reg = state.registry();
            let (s, _) = reg.owners(self.pane);
            s.is_some() && s == sid
        };
        if !ours {
            return;
        }
        let mut line = format!("%output {} ", self.pane).into_bytes();
        escape_output(bytes, &mut line);
        line.push(b'\n');
        let _ = self.tx.try_send(line);
    }
    fn end(&self) {}
    fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed) && !self.tx.is_closed()
    }
}

/// A control-mode client.
pub struct Control {
    state: Arc<ServerState>,
    client: Client,
    session: Arc<Mutex<Option<SessionId>>>,
    active: Arc<AtomicBool>,
    ended: bool,
    events: Option<tokio::task::JoinHandle<()>>,
    /// Its entry in the attached clients (`list-clients`), once it has a session.
    registered: Option<(u32, SessionId)>,
    terminal: tidemux_proto::ClientTerminal,
    tx: mpsc::Sender<Vec<u8>>,
    detach_watch: Option<tokio::task::JoinHandle<()>>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn block(state: &ServerState, flags: u32, out: &Output, parse_error: bool) -> Vec<u8> {
    let n = state.tmux.command_number.fetch_add(1, Ordering::Relaxed) + 1;
    let t = now();
    let mut b = format!("%begin {t} {n} {flags}\n").into_bytes();
    b.extend_from_slice(&out.stdout);
    if out.exit_code != 0 {
        for l in String::from_utf8_lossy(&out.stderr).lines() {
            if parse_error {
                b.extend_from_slice(b"parse error: ");
            }
            b.extend_from_slice(l.as_bytes());
            b.push(b'\n');
        }
        b.extend_from_slice(format!("%error {t} {n} {flags}\n").as_bytes());
    } else {
        b.extend_from_slice(format!("%end {t} {n} {flags}\n").as_bytes());
    }
    b
}

fn layout_of(state: &ServerState, w: WindowId) -> Option<String> {
    let reg = state.registry();
    reg.windows.get(&w)?;
    let opts = lock(&state.options_store);
    let ctx = ModelContext::new(state, &reg, Some(Resolved::Window(w))).with_options(&*opts);
    let ex = Expander::new();
    let layout = ex.expand(&ctx, "#{window_layout}");
    let visible = ex.expand(&ctx, "#{window_visible_layout}");
    let visible = if visible.is_empty() {
        layout.clone()
    } else {
        visible
    };
    Some(format!(
        "{layout} {visible} {}",
        ex.expand(&ctx, "#{window_raw_flags}")
    ))
}

impl Control {
    /// Runs the first command line (`new-session`, `attach-session`...) and starts the
    /// notifications; returns the client, its notification queue, and the first output (the
    /// command's block, then `%session-changed`).
    pub async fn start(
        state: &Arc<ServerState>,
        caller: Option<PaneId>,
        terminal: tidemux_proto::ClientTerminal,
        argv: &[String],
        cwd: Option<String>,
    ) -> (Control, mpsc::Receiver<Vec<u8>>, Vec<u8>) {
        let id = state.tmux.next_client.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(MAX_QUEUED);
        let session = Arc::new(Mutex::new(None));
        let active = Arc::new(AtomicBool::new(true));
        let sub = state.events.subscribe(None);
        let client = Client {
            caller,
            cwd,
            control: Some(id),
            ..Default::default()
        };
        let watched = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let mut ctl = Control {
            state: Arc::clone(state),
            client,
            session: Arc::clone(&session),
            active: Arc::clone(&active),
            ended: false,
            events: None,
            registered: None,
            terminal,
            tx: tx.clone(),
            detach_watch: None,
        };
        let argv = if argv.is_empty() {
            vec!["new-session".to_owned()]
        } else {
            argv.to_vec()
        };
        let cmds = super::parse::split_arguments(&argv);
        let (out, parse_error) = match super::table::build(&cmds, None) {
            Ok(c) => {
                let mut o = Output::default();
                super::exec::run_list(state, c, &ctl.client, &mut o).await;
                (o, false)
            }
            Err(e) => {
                let mut o = Output::default();
                o.error(&e);
                (o, true)
            }
        };
        let mut first = block(state, 0, &out, parse_error);
        let sid = out
            .attach
            .as_deref()
            .and_then(|s| s.parse::<SessionId>().ok());
        match sid {
            Some(s) => {
                ctl.set_session(s, &mut first);
                ctl.attach_flags(out.attach_flags.as_deref());
            }
            None => {
                if out.exit_code != 0 || out.shutdown {
                    first.extend_from_slice(b"%exit\n");
                    ctl.ended = true;
                }
            }
        }
        // Every pane's output (filtered by session in the watcher).
        let panes: Vec<_> = state
            .registry()
            .panes
            .values()
            .map(|e| Arc::clone(&e.pane))
            .collect();
        for p in panes {
            if lock(&watched).insert(p.id) {
                p.add_watcher(ctl.watcher(p.id, &tx));
            }
        }
        let st = Arc::clone(state);
        let tx2 = tx.clone();
        let sess = Arc::clone(&session);
        let act = Arc::clone(&active);
        let mut live = sub.live;
        let mut notes = state.hooks.control.subscribe();
        ctl.events = Some(tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            while act.load(Ordering::Relaxed) {
                let e = tokio::select! {
                    e = live.recv() => e,
                    n = notes.recv() => {
                        match n {
                            // Lines from the hook queue (`%pane-mode-changed`), for every
                            // control client as tmux's control_notify_* do.
                            Ok(line) => {
                                if tx2.try_send(format!("{line}\n").into_bytes()).is_err()
                                    && tx2.is_closed()
                                {
                                    return;
                                }
                                continue;
                            }
                            Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => return,
                        }
                    }
                };
                let e = match e {
                    Ok(e) => e,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(_) => return,
                };
                let ours = *lock(&sess);
                let mine = e.session.is_some() && e.session == ours;
                let mut lines: Vec<String> = Vec::new();
                match e.kind {
                    EventKind::PaneCreated => {
                        if let Some(p) = e.pane {
                            let pane = st.registry().pane(p).ok().map(|x| Arc::clone(&x.pane));
                            if let Some(pane) = pane.filter(|_| lock(&watched).insert(p)) {
                                pane.add_watcher(Arc::new(Watcher {
                                    pane: p,
                                    tx: tx2.clone(),
                                    active: Arc::clone(&act),
                                    session: Arc::clone(&sess),
                                    state: Arc::downgrade(&st),
                                }));
                            }
                        }
                        if let (true, Some(w)) = (mine, e.window) {
                            if let Some(l) = layout_of(&st, w) {
                                lines.push(format!("%layout-change {w} {l}"));
                            }
                        }
                    }
                    EventKind::PaneClosed => {
                        if let (true, Some(w)) = (mine, e.window) {
                            if let Some(l) = layout_of(&st, w) {
                                lines.push(format!("%layout-change {w} {l}"));
                            }
                        }
                    }
                    EventKind::WindowCreated => {
                        if let Some(w) = e.window {
                            let kind = if mine {
                                "window-add"
                            } else {
                                "unlinked-window-add"
                            };
                            lines.push(format!("%{kind} {w}"));
                        }
                    }
                    EventKind::WindowClosed => {
                        if let Some(w) = e.window {
                            let kind = if mine {
                                "window-close"
                            } else {
                                "unlinked-window-close"
                            };
                            lines.push(format!("%{kind} {w}"));
                        }
                    }
                    EventKind::WindowRenamed => {
                        if let Some(w) = e.window {
                            let kind = if mine {
                                "window-renamed"
                            } else {
                                "unlinked-window-renamed"
                            };
                            lines.push(format!(
                                "%{kind} {w} {}",
                                e.name.clone().unwrap_or_default()
                            ));
                        }
                    }
                    EventKind::SessionCreated => lines.push("%sessions-changed".into()),
                    EventKind::SessionClosed => {
                        lines.push("%sessions-changed".into());
                        if mine {
                            lines.push("%exit".into());
                        }
                    }
                    EventKind::SessionRenamed => {
                        if let Some(s) = e.session {
                            lines.push(format!(
                                "%session-renamed {s} {}",
                                e.name.clone().unwrap_or_default()
                            ));
                        }
                    }
                    _ => {}
                }
                for l in lines {
                    if tx2.try_send(format!("{l}\n").into_bytes()).is_err() && tx2.is_closed() {
                        return;
                    }
                }
            }
        }));
        (ctl, rx, first)
    }

    fn watcher(&self, pane: PaneId, tx: &mpsc::Sender<Vec<u8>>) -> Arc<dyn OutputTap> {
        Arc::new(Watcher {
            pane,
            tx: tx.clone(),
            active: Arc::clone(&self.active),
            session: Arc::clone(&self.session),
            state: Arc::downgrade(&self.state),
        })
    }

    fn set_session(&mut self, s: SessionId, out: &mut Vec<u8>) {
        self.register(s);
        let name = self
            .state
            .registry()
            .sessions
            .get(&s)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        *lock(&self.session) = Some(s);
        self.client.session = Some(s);
        out.extend_from_slice(format!("%session-changed {s} {name}\n").as_bytes());
    }

    /// `attach-session -r -f FLAGS` of this client: its flags
    /// ([`crate::commands::attach::ClientFlags::apply`]).
    fn attach_flags(&self, flags: Option<&str>) {
        if let (Some(f), Some((id, _))) = (flags, self.registered) {
            let _ = crate::commands::attach::set_client_flags(&self.state, id, f);
        }
    }

    /// Enters (or moves) the client in the attached-clients table, with the session's size (a
    /// control client has no size, and does not count for window sizes, until
    /// `refresh-client -C`; a size it was given is kept when it moves to another session).
    fn register(&mut self, s: SessionId) {
        use crate::commands::attach;
        let mut given = None;
        let mut kept = None;
        if let Some((id, old)) = self.registered.take() {
            {
                let clients = lock(&self.state.clients);
                if let Some(c) = clients.get(id) {
                    given = c.sized.then(|| (c.cols, c.rows.saturating_sub(1)));
                    // Its flags and per-window sizes are the client's, not the session's.
                    kept = Some((
                        attach::ClientFlags {
                            read_only: c.read_only,
                            ignore_size: c.ignore_size,
                        },
                        c.window_sizes.clone(),
                        c.window_size_changed,
                    ));
                }
            }
            attach::unregister(&self.state, id, old);
        }
        if let Some(h) = self.detach_watch.take() {
            h.abort();
        }
        let size = self.state.registry().sessions.get(&s).map(|x| x.size);
        let (cols, rows) = size.unwrap_or((80, 24));
        let info = crate::commands::clients::ClientDetails::new(self.terminal.clone());
        if let Ok((id, sid, mut detach)) = attach::register(
            &self.state,
            Some(&s.to_string()),
            kept.as_ref().map(|k| k.0).unwrap_or_default(),
            cols,
            rows + 1,
            info,
            self.client.control,
        ) {
            self.registered = Some((id, sid));
            if let Some((_, sizes, changed)) = kept {
                if let Some(c) = lock(&self.state.clients).map.get_mut(&id) {
                    c.window_sizes = sizes;
                    c.window_size_changed = changed;
                }
            }
            if let Some((w, h)) = given {
                let _ = attach::control_resize(&self.state, id, w, h);
            }
            let tx = self.tx.clone();
            self.detach_watch = Some(tokio::spawn(async move {
                if detach.changed().await.is_ok() {
                    let upgraded = *detach.borrow() == Some(tidemux_proto::DetachReason::Upgraded);
                    let bye: &[u8] = if upgraded {
                        EXIT_UPGRADED.as_bytes()
                    } else {
                        b"%exit\n"
                    };
                    let _ = tx.send(bye.to_vec()).await;
                }
            }));
        }
    }

    /// Whether the client is done (`%exit` was written).
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Runs a line of commands; returns its block (and `%session-changed` after an
    /// attach/switch, `%exit` when the input closed or the server is stopping).
    pub async fn input(&mut self, line: &str, close: bool) -> Vec<u8> {
        if close {
            self.ended = true;
            return b"%exit\n".to_vec();
        }
        let mut out = Output::default();
        let parsed = {
            let mut env = super::config::server_env(&self.state, &self.client);
            super::parse::parse_text(line, None, &mut *env)
        };
        let parse_error = match parsed.and_then(|c| super::table::build(&c, None)) {
            Ok(cmds) => {
                super::exec::run_list(&self.state, cmds, &self.client, &mut out).await;
                false
            }
            Err(e) => {
                out.error(&e);
                true
            }
        };
        let mut b = block(&self.state, 1, &out, parse_error);
        if let Some(s) = out
            .attach
            .as_deref()
            .and_then(|s| s.parse::<SessionId>().ok())
        {
            if Some(s) != self.client.session {
                self.set_session(s, &mut b);
            }
            self.attach_flags(out.attach_flags.as_deref());
        }
        if out.shutdown {
            b.extend_from_slice(b"%exit\n");
            self.ended = true;
        }
        b
    }

    /// Stops notifications and output.
    pub fn stop(&mut self) {
        self.active.store(false, Ordering::Relaxed);
        if let Some(h) = self.events.take() {
            h.abort();
        }
        if let Some(h) = self.detach_watch.take() {
            h.abort();
        }
        if let Some((id, sid)) = self.registered.take() {
            crate::commands::attach::unregister(&self.state, id, sid);
        }
    }
}

impl Drop for Control {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Client commands of a control client (`refresh-client`, `switch-client`).
pub async fn client_command(
    state: &Arc<ServerState>,
    c: &Cmd,
    client: &Client,
    out: &mut Output,
) -> Result<(), String> {
    let a = &c.args;
    match c.entry.name {
        "refresh-client" => {
            // tmux cmd-refresh-client.c: the pan flags, else -f/-F, then -C (WxH or W,H: the
            // client's size, with no status line: tmux `status_line_size` is 0 for a control
            // client; @WINDOW:WxH its size for one window); windows follow as `window-size`
            // says.
            let me = client
                .control
                .and_then(|c| crate::commands::attach::control_client(state, c))
                .ok_or_else(|| "no current client".to_owned())?;
            let target = a.get('t').map_or_else(|| me.to_string(), str::to_owned);
            let (pan, adjustment, flags) = super::exec::refresh_args(a);
            let how = crate::commands::clients::Refresh {
                size: a.get('C'),
                pan: pan.as_deref(),
                adjustment: adjustment.as_deref(),
                flags: flags.as_deref(),
            };
            crate::commands::clients::refresh_client(state, client.caller, Some(&target), &how)
                .map(drop)
                .map_err(|e| e.message)
        }
        "switch-client" => {
            let w = super::exec::world(state, client.caller);
            let f = w.find(
                a.get('t'),
                super::table::FindKind::Session,
                Default::default(),
            )?;
            out.attach = Some(format!("${}", f.session));
            Ok(())
        }
        name => Err(format!("{name}: not supported by tidemux yet")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn output_is_escaped_as_tmux() {
        let mut v = Vec::new();
        super::escape_output(b"hi\r\n\x1b[0m\\x \xc3\xa9", &mut v);
        assert_eq!(v, b"hi\\015\\012\\033[0m\\134x \xc3\xa9".to_vec());
    }
}
