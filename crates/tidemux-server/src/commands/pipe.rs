//! `pipe-pane [-o] [-I] [-O] [-t PANE] [CMD]` (tmux 3.3a cmd-pipe-pane.c).
//!
//! The command runs as `/bin/sh -c CMD` (expanded as a format for the pane first), with
//! standard error on `/dev/null`:
//! - `-O` (the default when neither `-I` nor `-O` is given): every byte the pane's program
//!   writes from now on goes, unchanged, to the command's standard input. The pane's reader
//!   thread only queues the bytes ([`crate::pane::OutputTap`]); a thread of the pipe writes them.
//!   At most [`MAX_PIPE_BUFFER`] bytes wait: a command that does not read that fast stops the
//!   pipe (its standard input is closed, the server logs it) rather than block the pane or
//!   grow the server's memory.
//! - `-I`: what the command writes to its standard output is typed into the pane (as `send`).
//!   Without `-O` its standard input is `/dev/null`.
//!
//! The pipe ends when the command exits, when the pane's terminal closes (the command's
//! standard input is closed once the queued output is written), on a bare `pipe-pane`, or when
//! another `pipe-pane` replaces it. With `-o` a new pipe is opened only if none was open: the
//! same command toggles a pipe. A pane's pipe survives `respawn-pane`.

use crate::error::{CmdError, CmdResult};
use crate::pane::OutputTap;
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;
use tidemux_proto::{PaneId, Response};

/// Most bytes of pane output waiting for the pipe's command; past it the pipe stops.
pub const MAX_PIPE_BUFFER: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Queue {
    chunks: VecDeque<Vec<u8>>,
    pending: usize,
    /// No more output will be queued: write what is queued, then close.
    ended: bool,
    /// Stopped: drop what is queued, close now.
    stopped: bool,
}

/// One pane's pipe.
struct Pipe {
    pane: PaneId,
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Pipe {
    fn stop(&self, why: &str) {
        let mut q = lock(&self.queue);
        if !q.stopped {
            tracing::info!(pane = %self.pane, "pipe-pane stopped: {why}");
        }
        q.stopped = true;
        q.chunks.clear();
        q.pending = 0;
        drop(q);
        self.ready.notify_all();
    }

    fn open(&self) -> bool {
        let q = lock(&self.queue);
        !q.stopped && !q.ended
    }
}

impl OutputTap for Pipe {
    fn output(&self, bytes: &[u8]) {
        let mut q = lock(&self.queue);
        if q.stopped || q.ended {
            return;
        }
        if q.pending + bytes.len() > MAX_PIPE_BUFFER {
            drop(q);
            self.stop(&format!(
                "the command is not reading: {} MiB of output wait for it",
                MAX_PIPE_BUFFER / (1024 * 1024)
            ));
            return;
        }
        q.pending += bytes.len();
        q.chunks.push_back(bytes.to_vec());
        drop(q);
        self.ready.notify_one();
    }

    fn end(&self) {
        lock(&self.queue).ended = true;
        self.ready.notify_all();
    }

    fn active(&self) -> bool {
        self.open()
    }
}

/// Writes queued output to the command until the pipe stops or ends.
fn write_loop(pipe: &Pipe, mut stdin: std::process::ChildStdin) {
    loop {
        let chunk = {
            let mut q = lock(&pipe.queue);
            loop {
                if q.stopped {
                    return;
                }
                if let Some(c) = q.chunks.pop_front() {
                    q.pending -= c.len();
                    break c;
                }
                if q.ended {
                    return;
                }
                q = pipe
                    .ready
                    .wait(q)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        if let Err(e) = stdin.write_all(&chunk) {
            pipe.stop(&format!("cannot write to the command: {e}"));
            return;
        }
    }
}

/// Types what the command prints into the pane (`-I`), as long as the pipe is open.
fn read_loop(pipe: &Pipe, state: &Weak<ServerState>, mut stdout: std::process::ChildStdout) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stdout.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // Bytes the command wrote while it ran are delivered even when the pipe ended since
        // (its waiter may mark it closed before this thread got to them); only a wait for room
        // below gives up once the pipe is closed.
        loop {
            let Some(state) = state.upgrade() else { return };
            let pane = match state.registry().pane(pipe.pane) {
                Ok(e) => Arc::clone(&e.pane),
                Err(_) => return,
            };
            drop(state);
            match pane.write(buf[..n].to_vec()) {
                Ok(rx) => {
                    let _ = rx.blocking_recv();
                    break;
                }
                // The program is not reading its input: wait for room.
                Err(crate::pane::WriteRefused::Full { .. }) => {
                    if !pipe.open() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(crate::pane::WriteRefused::Closed(_)) => return,
            }
        }
    }
}

/// Removes `pipe` from its pane if it is still the pane's tap.
fn detach(state: &Weak<ServerState>, pipe: &Arc<Pipe>) {
    let Some(state) = state.upgrade() else { return };
    let pane = match state.registry().pane(pipe.pane) {
        Ok(e) => Arc::clone(&e.pane),
        Err(_) => return,
    };
    if let Some(t) = pane.tap() {
        if std::ptr::addr_eq(Arc::as_ptr(&t), Arc::as_ptr(pipe)) {
            pane.set_tap(None);
        }
    }
}

/// `pipe-pane`.
///
/// # Errors
/// Target errors; `target pane has exited` (invalid) for a dead pane; the command cannot be
/// started (failed).
pub async fn pipe_pane(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    target: Option<&str>,
    command: Option<&str>,
    toggle: bool,
    input: bool,
    output: bool,
) -> CmdResult {
    let (pane, expanded) = {
        let reg = state.registry();
        let id = reg.resolve_pane(target, caller)?;
        let pane = Arc::clone(&reg.pane(id)?.pane);
        if pane.state().exit.is_some() || pane.is_closed() {
            return Err(CmdError::invalid("target pane has exited"));
        }
        let expanded = command.filter(|c| !c.is_empty()).map(|c| {
            let opts = lock(&state.options_store);
            let ctx = crate::format::model::ModelContext::new(
                state,
                &reg,
                Some(crate::registry::Resolved::Pane(id)),
            )
            .with_options(&*opts);
            crate::format::Expander::new().expand_time(&ctx, c)
        });
        (pane, expanded)
    };
    // Close the old pipe (its queued output is still written).
    let old = pane.set_tap(None);
    let had = old.as_ref().is_some_and(|t| t.active());
    if let Some(t) = old {
        t.end();
    }
    let Some(cmd) = expanded else {
        return Ok(Response::Ok);
    };
    if toggle && had {
        return Ok(Response::Ok);
    }
    // Neither -I nor -O is -O.
    let output = output || !input;
    let mut c = Command::new("/bin/sh");
    c.arg("-c")
        .arg(&cmd)
        .stdin(if output {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(if input { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::null());
    let mut child = super::list::blocking(move || c.spawn())
        .await?
        .map_err(|e| CmdError::failed(format!("cannot run the pipe command: {e}")))?;
    let pipe = Arc::new(Pipe {
        pane: pane.id,
        queue: Mutex::new(Queue::default()),
        ready: Condvar::new(),
    });
    let weak = Arc::downgrade(state);
    let name = |role: &str| format!("pipe-{}-{role}", pane.id);
    if let Some(stdin) = child.stdin.take() {
        let p = Arc::clone(&pipe);
        std::thread::Builder::new()
            .name(name("writer"))
            .spawn(move || write_loop(&p, stdin))
            .map_err(|e| CmdError::failed(format!("cannot start the pipe: {e}")))?;
    }
    if let Some(stdout) = child.stdout.take() {
        let (p, w) = (Arc::clone(&pipe), weak.clone());
        std::thread::Builder::new()
            .name(name("reader"))
            .spawn(move || read_loop(&p, &w, stdout))
            .map_err(|e| CmdError::failed(format!("cannot start the pipe: {e}")))?;
    }
    {
        let p = Arc::clone(&pipe);
        std::thread::Builder::new()
            .name(name("waiter"))
            .spawn(move || {
                let status = child.wait();
                p.stop(&format!("the command exited ({status:?})"));
                detach(&weak, &p);
            })
            .map_err(|e| CmdError::failed(format!("cannot start the pipe: {e}")))?;
    }
    tracing::info!(pane = %pane.id, command = %cmd, output, input, "pipe-pane started");
    pane.set_tap(Some(Arc::clone(&pipe) as Arc<dyn OutputTap>));
    if !pipe.open() {
        // The command ended before the pipe was installed.
        detach(&Arc::downgrade(state), &pipe);
    }
    Ok(Response::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_stops_past_its_bound_and_drops_what_waited() {
        let pipe = Pipe {
            pane: PaneId(0),
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
        };
        let mib = vec![b'x'; 1024 * 1024];
        for _ in 0..4 {
            pipe.output(&mib);
        }
        assert!(pipe.active());
        assert_eq!(lock(&pipe.queue).pending, MAX_PIPE_BUFFER);
        pipe.output(b"y");
        assert!(!pipe.active());
        let q = lock(&pipe.queue);
        assert!(q.stopped && q.chunks.is_empty() && q.pending == 0);
        drop(q);
        // Nothing is queued once stopped.
        pipe.output(b"z");
        assert_eq!(lock(&pipe.queue).pending, 0);
    }

    #[test]
    fn an_ended_pipe_writes_what_is_queued_then_closes() {
        let pipe = Pipe {
            pane: PaneId(0),
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
        };
        pipe.output(b"abc");
        pipe.end();
        assert!(!pipe.active());
        pipe.output(b"late");
        let q = lock(&pipe.queue);
        assert_eq!(
            q.chunks.iter().flatten().copied().collect::<Vec<u8>>(),
            b"abc"
        );
    }
}
