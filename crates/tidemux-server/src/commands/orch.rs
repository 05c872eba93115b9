//! Orchestration primitives (issue 14): closed panes, input from files, waits on many panes,
//! self-reported states, transcripts and worktree removal. Scheduling is in
//! [`super::schedule`], worktree creation in [`crate::worktree`].

use super::wait::{wait_on, Conditions};
use crate::error::{CmdError, CmdResult};
use crate::pane::Pane;
use crate::state::ServerState;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{
    ErrorKind, PaneId, ReadRange, Response, RunState, ScreenCapture, WaitOutcome, WaitSpec,
};

/// What a target names once its pane may have closed.
pub enum Target {
    /// A live pane.
    Pane(Arc<Pane>),
    /// A closed pane's record: its final outcome for the conditions asked.
    Closed(Box<crate::closed::ClosedPane>),
    /// A closed pane whose process is still ending (a killed pane being hung up): its record
    /// gets the exit status once the process is reaped.
    Ending(Arc<Pane>, Box<crate::closed::ClosedPane>),
}

/// Waits (up to `timeout`) until a closed pane's process has been reaped; the record with its
/// exit status filled in.
pub async fn settle(
    pane: &Pane,
    mut rec: crate::closed::ClosedPane,
    timeout: Option<Duration>,
) -> crate::closed::ClosedPane {
    let mut rx = pane.subscribe();
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    loop {
        rx.borrow_and_update();
        if let Some(e) = pane.state().exit.clone() {
            rec.info.exit = Some(e);
            rec.info.dead = true;
            rec.info.pid = None;
            return rec;
        }
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = rx.changed() => if r.is_err() { return rec },
            () = sleep => return rec,
        }
    }
}

/// The outcome on a closed pane, waiting for a killed pane's exit status when `--exit` or
/// `--state exited` asks for it.
async fn ending_outcome(
    pane: Arc<Pane>,
    rec: crate::closed::ClosedPane,
    spec: &WaitSpec,
    timeout: Option<Duration>,
) -> CmdResult<WaitOutcome> {
    if !(spec.exit || spec.state == Some(RunState::Exited)) {
        return closed_outcome(&rec, spec);
    }
    let rec = settle(&pane, rec, timeout).await;
    if rec.info.exit.is_none() {
        return Ok(WaitOutcome {
            pane: rec.info.id,
            condition: None,
            timed_out: true,
            seq: rec.info.seq,
            matched: None,
            row: None,
            exit: None,
            state: rec.info.state,
            sent: None,
            screen: None,
        });
    }
    closed_outcome(&rec, spec)
}

/// Resolves a pane target, falling back to the closed-pane records for `%N` or a pane name
/// that no live pane matches.
///
/// # Errors
/// The live resolution's error when no record matches either.
pub fn resolve_any(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult<Target> {
    let reg = state.registry();
    let live = reg
        .resolve_pane(target, caller)
        .and_then(|p| reg.pane(p).map(|e| Arc::clone(&e.pane)));
    match live {
        Ok(p) => Ok(Target::Pane(p)),
        Err(e) if e.kind == ErrorKind::NotFound => {
            let Some(t) = target else { return Err(e) };
            let Some(rec) = reg.closed.find(t) else {
                return Err(e);
            };
            if rec.info.exit.is_none() {
                if let Some(p) = rec.pane.upgrade() {
                    return Ok(Target::Ending(p, Box::new(rec.clone())));
                }
            }
            Ok(Target::Closed(Box::new(rec.clone())))
        }
        Err(e) => Err(e),
    }
}

/// The outcome of a wait on a closed pane, decided at once: `--exit` and `--state exited`
/// hold, `--text` is matched against the final screen (and kept history); other conditions
/// can never hold again, which is an error naming the pane's end.
///
/// # Errors
/// No condition can hold on a closed pane.
pub fn closed_outcome(rec: &crate::closed::ClosedPane, spec: &WaitSpec) -> CmdResult<WaitOutcome> {
    let base = WaitOutcome {
        pane: rec.info.id,
        condition: None,
        timed_out: false,
        seq: rec.info.seq,
        matched: None,
        row: None,
        exit: rec.info.exit.clone(),
        state: RunState::Exited,
        sent: None,
        screen: spec.read.then(|| visible_of(&rec.screen)),
    };
    if spec.exit {
        return Ok(WaitOutcome {
            condition: Some("exit".into()),
            ..base
        });
    }
    if spec.state == Some(RunState::Exited) {
        return Ok(WaitOutcome {
            condition: Some("state".into()),
            ..base
        });
    }
    if let Some(re) = &spec.text {
        let re = regex::RegexBuilder::new(re)
            .multi_line(true)
            .build()
            .map_err(|e| CmdError::invalid(format!("bad regex '{re}': {e}")))?;
        let cap = if spec.history {
            rec.screen.clone()
        } else {
            visible_of(&rec.screen)
        };
        let text = cap.lines.join("\n");
        if let Some(m) = re.find(&text) {
            let row = text[..m.start()].matches('\n').count() as i64 + cap.first_line;
            return Ok(WaitOutcome {
                condition: Some("text".into()),
                matched: Some(m.as_str().to_owned()),
                row: Some(row),
                ..base
            });
        }
    }
    Err(CmdError::not_found(format!(
        "pane {} has closed ({}); on a closed pane only --exit, --state exited and --text (its final screen) can hold",
        rec.info.id,
        describe_exit(rec.info.exit.as_ref())
    )))
}

/// "exited with status N", "killed by signal S" or "still ending".
pub fn describe_exit(exit: Option<&tidemux_proto::ExitInfo>) -> String {
    match exit {
        Some(e) => match (e.code, &e.signal) {
            (Some(c), _) => format!("exited with status {c}"),
            (_, Some(s)) => format!("killed by signal: {s}"),
            _ => "exited".into(),
        },
        None => "exit status not known".into(),
    }
}

/// The visible rows of a capture that may hold history.
fn visible_of(c: &ScreenCapture) -> ScreenCapture {
    let skip = (-c.first_line).max(0) as usize;
    ScreenCapture {
        first_line: c.first_line.max(0),
        lines: c.lines.iter().skip(skip).cloned().collect(),
        ..c.clone()
    }
}

/// A closed pane's kept screen for `read-screen`: the visible rows, or with any history range
/// every kept line (up to [`crate::closed::KEPT_HISTORY_LINES`] of history).
pub fn closed_screen(rec: &crate::closed::ClosedPane, range: ReadRange) -> ScreenCapture {
    match range {
        ReadRange::Visible => visible_of(&rec.screen),
        ReadRange::Lines(n) => {
            let skip = ((-rec.screen.first_line).max(0) as usize).saturating_sub(n as usize);
            ScreenCapture {
                first_line: rec.screen.first_line + skip as i64,
                lines: rec.screen.lines.iter().skip(skip).cloned().collect(),
                ..rec.screen.clone()
            }
        }
        _ => rec.screen.clone(),
    }
}

/// `list-panes --closed`.
pub fn list_closed(state: &Arc<ServerState>) -> CmdResult {
    Ok(Response::Panes(state.registry().closed.infos()))
}

/// `wait -t PANE` for a pane that may have closed.
pub async fn wait_one(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    spec: &WaitSpec,
    timeout: Option<Duration>,
    closed: impl Future<Output = ()>,
) -> CmdResult<WaitOutcome> {
    let cond = Conditions::compile(spec)?;
    match resolve_any(state, caller, target)? {
        Target::Pane(p) => wait_on(p, &cond, timeout, None, closed).await,
        Target::Closed(rec) => closed_outcome(&rec, spec),
        Target::Ending(p, rec) => {
            tokio::select! {
                r = ending_outcome(p, *rec, spec, timeout) => r,
                () = closed => Err(CmdError::failed("client went away")),
            }
        }
    }
}

/// Size of one write of `send --file` / `--stdin`, bytes: each chunk is one job on the pane's
/// writer queue, so a huge paste never holds the server and query replies still get through.
pub const INPUT_CHUNK: usize = 64 * 1024;

/// The paste-end sequence, removed from pasted input so the text cannot end the paste early.
const PASTE_END: &[u8] = b"\x1b[201~";

/// Removes every [`PASTE_END`] from `buf`.
fn strip_paste_end(buf: &mut Vec<u8>) {
    while let Some(i) = buf.windows(PASTE_END.len()).position(|w| w == PASTE_END) {
        buf.drain(i..i + PASTE_END.len());
    }
}

/// Streams a file in [`INPUT_CHUNK`] pieces from a blocking thread.
fn file_chunks(path: String) -> CmdResult<tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>> {
    use std::io::Read;
    if !std::path::Path::new(&path).is_absolute() {
        return Err(CmdError::invalid(format!(
            "input file '{path}' is not an absolute path"
        )));
    }
    let mut f = std::fs::File::open(&path)
        .map_err(|e| CmdError::invalid(format!("cannot read input file '{path}': {e}")))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(CmdError::invalid(format!(
            "input file '{path}' is a directory"
        )));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    std::thread::Builder::new()
        .name("send-file".into())
        .spawn(move || loop {
            let mut buf = vec![0u8; INPUT_CHUNK];
            let r = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    Ok(buf)
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let stop = r.is_err();
            if tx.blocking_send(r).is_err() || stop {
                break;
            }
        })
        .map_err(|e| CmdError::failed(format!("cannot start a reader thread: {e}")))?;
    Ok(rx)
}

/// `send --file PATH` / `send --stdin` / `send -`: input of any size, written in
/// [`INPUT_CHUNK`] pieces, each awaited before the next is queued. With `--submit` the whole
/// input is one bracketed paste (when the program enabled it) followed by Enter as in `send
/// --submit`; with `--enter`, Enter follows the input.
pub async fn send_input(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    source: tidemux_proto::InputSource,
    opts: super::io::SendOpts,
    closed: impl Future<Output = ()>,
) -> CmdResult {
    let cond = opts.wait.as_ref().map(Conditions::compile).transpose()?;
    let pane = super::io::live_pane(state, caller, target)?;
    let mut chunks = match source {
        tidemux_proto::InputSource::File(path) => file_chunks(path)?,
        tidemux_proto::InputSource::Bytes(bytes) => {
            let (tx, rx) = tokio::sync::mpsc::channel(1 + bytes.len() / INPUT_CHUNK);
            for c in bytes.chunks(INPUT_CHUNK) {
                let _ = tx.try_send(Ok(c.to_vec()));
            }
            rx
        }
    };
    let submit = opts.submit_delay_ms.map(Duration::from_millis);
    let bracketed = submit.is_some() && pane.state().screen.modes().bracketed_paste;
    let mut rx = pane.subscribe();
    let mut first: Option<tidemux_proto::Sent> = None;
    let mut total = 0u64;
    let mut carry: Vec<u8> = Vec::new();
    if bracketed {
        carry.extend_from_slice(b"\x1b[200~");
    }
    let mut put = |s: tidemux_proto::Sent, first: &mut Option<tidemux_proto::Sent>| {
        total += s.bytes;
        first.get_or_insert(s);
    };
    while let Some(chunk) = chunks.recv().await {
        let chunk =
            chunk.map_err(|e| CmdError::failed(format!("reading the input failed: {e}")))?;
        carry.extend_from_slice(&chunk);
        if bracketed {
            strip_paste_end(&mut carry);
        }
        // Hold back a possible start of the paste-end sequence until the next chunk.
        let keep = if bracketed { PASTE_END.len() - 1 } else { 0 };
        if carry.len() > keep {
            let rest = carry.split_off(carry.len() - keep);
            let out = std::mem::replace(&mut carry, rest);
            put(super::io::write(&pane, out).await?, &mut first);
        }
    }
    if bracketed {
        carry.extend_from_slice(PASTE_END);
    } else if opts.enter {
        carry.push(b'\r');
    }
    if !carry.is_empty() {
        put(super::io::write(&pane, carry).await?, &mut first);
    }
    let first = match first {
        Some(f) => f,
        None => super::io::write(&pane, Vec::new()).await?,
    };
    if let Some(delay) = submit {
        let enter = super::io::enter_after(&pane, first.seq, &mut rx, delay).await?;
        total += enter.bytes;
    }
    let sent = tidemux_proto::Sent {
        bytes: total,
        ..first
    };
    match cond {
        None => Ok(Response::Sent(sent)),
        Some(c) => {
            let c = c.since_default(sent.seq);
            let timeout = opts.timeout_ms.map(Duration::from_millis);
            Ok(Response::Waited(
                wait_on(pane, &c, timeout, Some(sent), closed).await?,
            ))
        }
    }
}

/// `wait -t P1 -t P2 ... [--any|--all]`: the first pane meeting the conditions (`Waited`), or
/// with `all` every pane's outcome in target order (`WaitedAll`). A closed pane answers from
/// its record (see [`closed_outcome`]); with `--any` a closed pane on which no condition can
/// hold is skipped. On timeout: `--any` returns the first pane's state with `timed_out`, `--all`
/// every pane's (finished ones as they finished).
///
/// # Errors
/// No target, a target that resolves to nothing, or (with `--all`) a closed pane on which no
/// condition can hold.
#[allow(clippy::too_many_arguments)]
pub async fn wait_many(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    targets: Vec<String>,
    spec: WaitSpec,
    all: bool,
    timeout_ms: Option<u64>,
    closed: impl Future<Output = ()>,
) -> CmdResult {
    if targets.is_empty() {
        return Err(CmdError::invalid("no pane given: use -t PANE (repeatable)"));
    }
    let cond = Conditions::compile(&spec)?;
    let mut resolved = Vec::new();
    for t in &targets {
        resolved.push(resolve_any(state, caller, Some(t))?);
    }
    let n = resolved.len();
    let mut done: Vec<Option<WaitOutcome>> = vec![None; n];
    let mut live: Vec<(usize, Arc<Pane>)> = Vec::new();
    let mut set = tokio::task::JoinSet::new();
    let mut never = 0;
    let mut ending: Vec<(usize, tidemux_proto::PaneInfo)> = Vec::new();
    for (i, r) in resolved.into_iter().enumerate() {
        match r {
            Target::Pane(p) => {
                live.push((i, Arc::clone(&p)));
                let c = cond.clone();
                set.spawn(
                    async move { (i, wait_on(p, &c, None, None, std::future::pending()).await) },
                );
            }
            Target::Ending(p, rec) => {
                let sp = spec.clone();
                ending.push((i, rec.info.clone()));
                set.spawn(async move { (i, ending_outcome(p, *rec, &sp, None).await) });
            }
            Target::Closed(rec) => match closed_outcome(&rec, &spec) {
                Ok(o) if !all => return Ok(Response::Waited(o)),
                Ok(o) => done[i] = Some(o),
                Err(e) if all => return Err(e),
                Err(_) => never += 1,
            },
        }
    }
    if !all && never == n {
        return Err(CmdError::not_found(
            "every pane given has closed and no condition can hold on them",
        ));
    }
    let deadline = timeout_ms.map(|ms| tokio::time::Instant::now() + Duration::from_millis(ms));
    tokio::pin!(closed);
    loop {
        if all && done.iter().all(Option::is_some) {
            return Ok(Response::WaitedAll(done.into_iter().flatten().collect()));
        }
        let timeout = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = set.join_next() => match r {
                Some(Ok((i, Ok(o)))) => {
                    if !all {
                        return Ok(Response::Waited(o));
                    }
                    done[i] = Some(o);
                }
                Some(Ok((_, Err(e)))) => return Err(e),
                Some(Err(e)) => return Err(CmdError::failed(format!("wait task failed: {e}"))),
                None => std::future::pending::<()>().await,
            },
            () = timeout => {
                set.abort_all();
                // Each unfinished pane's state now, marked timed out.
                for (i, p) in live {
                    if done[i].is_none() {
                        let o = wait_on(p, &cond, Some(Duration::ZERO), None, std::future::pending()).await?;
                        done[i] = Some(WaitOutcome { timed_out: true, condition: None, ..o });
                    }
                }
                for (i, info) in ending {
                    if done[i].is_none() {
                        done[i] = Some(WaitOutcome {
                            pane: info.id,
                            condition: None,
                            timed_out: true,
                            seq: info.seq,
                            matched: None,
                            row: None,
                            exit: None,
                            state: info.state,
                            sent: None,
                            screen: None,
                        });
                    }
                }
                if all {
                    return Ok(Response::WaitedAll(done.into_iter().flatten().collect()));
                }
                let first = done.into_iter().flatten().next().ok_or_else(|| CmdError::failed("no pane to report"))?;
                return Ok(Response::Waited(WaitOutcome { timed_out: true, condition: None, ..first }));
            }
            () = &mut closed => return Err(CmdError::failed("client went away")),
        }
    }
}

/// Applies a pane's own state report and publishes the change.
pub fn apply_report(
    state: &ServerState,
    pane: &Pane,
    report: Option<RunState>,
    message: Option<String>,
) {
    // A report printed by a program (OSC 7734) is cut to the message bound.
    let message = message.map(|mut m| {
        if m.len() > crate::limits::MAX_MESSAGE {
            let mut end = crate::limits::MAX_MESSAGE;
            while !m.is_char_boundary(end) {
                end -= 1;
            }
            m.truncate(end);
        }
        m
    });
    let msg = message.clone();
    let changed = {
        let mut st = pane.state();
        let seq = st.seq;
        st.run.report(report, message, seq)
    };
    if let Some((prev, new)) = changed {
        state.pane_event(tidemux_proto::EventKind::StateChanged, pane.id, |e| {
            e.previous_state = Some(prev);
            e.state = Some(new);
            e.message = msg;
        });
        pane.notify_watchers();
    }
    state.bump_model();
}

/// Input is about to reach the pane: a self-reported state no longer holds.
pub fn input_sent(state: &ServerState, pane: PaneId) {
    let p = state
        .registry()
        .pane(pane)
        .ok()
        .map(|e| Arc::clone(&e.pane));
    if let Some(p) = p {
        let reported = {
            let st = p.state();
            st.run.inferred() != st.run.state()
        };
        if reported {
            apply_report(state, &p, None, None);
        }
    }
}

/// `status --set STATE [--message M]` / `status --clear`: the program's own report.
///
/// # Errors
/// `exited` cannot be reported; the target is not a live pane.
pub fn set_status(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    report: Option<RunState>,
    message: Option<String>,
) -> CmdResult {
    if report == Some(RunState::Exited) {
        return Err(CmdError::invalid(
            "'exited' cannot be reported; valid: running, idle, waiting-input, at-prompt, blocked, done",
        ));
    }
    if let Some(m) = message
        .as_ref()
        .filter(|m| m.len() > crate::limits::MAX_MESSAGE)
    {
        return Err(CmdError::invalid(format!(
            "message of {} bytes is too long: at most {} bytes",
            m.len(),
            crate::limits::MAX_MESSAGE
        )));
    }
    let pane = super::io::live_pane(state, caller, target)?;
    apply_report(state, &pane, report, message);
    Ok(Response::Ok)
}

/// `log -t PANE --file PATH [--ansi|--plain [--timestamps]] [--max-size BYTES]`, or `--stop`.
///
/// # Errors
/// A relative path, a file that cannot be opened, or the target is not a live pane.
pub fn log(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    file: Option<String>,
    ansi: bool,
    max_bytes: Option<u64>,
    timestamps: bool,
) -> CmdResult {
    let pane = super::io::live_pane(state, caller, target)?;
    let logger = match file {
        None => None,
        Some(path) => Some(
            crate::pane::log::Logger::open_with(
                &path,
                ansi,
                timestamps,
                max_bytes.unwrap_or(crate::pane::log::DEFAULT_MAX_BYTES),
            )
            .map_err(CmdError::invalid)?,
        ),
    };
    pane.set_logger(logger);
    Ok(Response::Ok)
}

/// `kill-pane --remove-worktree`: refuses when the pane's worktree has uncommitted changes
/// (nothing killed, nothing removed); else kills the pane and runs `git worktree remove`.
///
/// # Errors
/// The pane has no worktree, the worktree is dirty, or git failed (its message whole).
pub async fn kill_pane_remove_worktree(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
) -> CmdResult {
    let (id, wt) = {
        let reg = state.registry();
        let id = reg.resolve_pane(target, caller)?;
        (id, reg.pane(id)?.worktree.clone())
    };
    let Some((path, branch)) = wt else {
        return Err(CmdError::invalid(format!(
            "pane {id} was not started in a worktree (--worktree); use kill-pane without --remove-worktree"
        )));
    };
    let p = path.clone();
    let dirty = tokio::task::spawn_blocking(move || crate::worktree::status(&p))
        .await
        .map_err(|e| CmdError::failed(e.to_string()))?
        .map_err(CmdError::failed)?;
    if !dirty.is_empty() {
        return Err(CmdError::invalid(format!(
            "worktree {path} (branch {branch}) has uncommitted changes; nothing was killed or removed:\n{}",
            dirty.trim_end()
        )));
    }
    let r = super::manage::kill_pane(state, caller, Some(&id.to_string()))?;
    let p = path.clone();
    tokio::task::spawn_blocking(move || crate::worktree::remove(&p))
        .await
        .map_err(|e| CmdError::failed(e.to_string()))?
        .map_err(CmdError::failed)?;
    Ok(r)
}
