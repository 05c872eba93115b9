//! `wait`: block until a condition holds on a pane, evaluated by the waiting task each time the
//! pane's output (or state) changes, never by polling.
//!
//! A waiter subscribes to the pane's change notifications *before* its first evaluation, so a
//! change between the two cannot be missed. `since` restricts text matches to lines whose
//! content changed after that output sequence number (see `screen::Screen::find`), idle to
//! quiet periods that follow a change after it, prompts to prompts that started after it, and
//! states to states entered after it.

use crate::error::{CmdError, CmdResult};
use crate::pane::{Pane, PaneState};
use crate::screen::ScanMark;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tidemux_proto::{ErrorKind, RunState, Sent, WaitOutcome, WaitSpec};

/// The outcome of a wait whose pane was closed (killed, or its process exited and the pane
/// was removed) before any condition held.
pub const PANE_CLOSED: &str = "pane-closed";

/// Sustained minimum time between two evaluations of one waiter while output keeps coming.
pub const EVAL_GAP: Duration = Duration::from_millis(2);
/// Evaluations a waiter may make back to back before [`EVAL_GAP`] applies.
pub const EVAL_BURST: u32 = 8;

/// A token bucket: up to [`EVAL_BURST`] evaluations at once, then one per [`EVAL_GAP`]. A few
/// changes (a command's echo, its answer) are evaluated the moment they arrive; a flood is
/// evaluated about 500 times a second.
struct Throttle {
    tokens: u32,
    refilled: tokio::time::Instant,
}

impl Throttle {
    fn new() -> Self {
        Throttle {
            tokens: EVAL_BURST,
            refilled: tokio::time::Instant::now(),
        }
    }

    /// Waits (only when the bucket is empty) and takes a token.
    async fn take(&mut self) {
        let now = tokio::time::Instant::now();
        let earned = (now.duration_since(self.refilled).as_micros() / EVAL_GAP.as_micros()) as u32;
        if earned > 0 {
            self.tokens = (self.tokens + earned).min(EVAL_BURST);
            self.refilled = now;
        }
        if self.tokens == 0 {
            tokio::time::sleep_until(self.refilled + EVAL_GAP).await;
            self.refilled = tokio::time::Instant::now();
            self.tokens = 1;
        }
        self.tokens -= 1;
    }
}

/// Lines searched above new output by a waiter whose regex can match a newline: a match may
/// span up to this many lines above the new ones (see `Screen::find_new`).
pub const MULTILINE_CONTEXT: usize = 256;

/// Whether `re` (multi-line mode) can match a `\n`; `true` when unsure.
fn can_match_newline(re: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => false,
            HirKind::Literal(l) => l.0.contains(&b'\n'),
            HirKind::Class(Class::Unicode(c)) => c
                .ranges()
                .iter()
                .any(|r| r.start() <= '\n' && '\n' <= r.end()),
            HirKind::Class(Class::Bytes(c)) => c
                .ranges()
                .iter()
                .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
            HirKind::Repetition(r) => walk(&r.sub),
            HirKind::Capture(c) => walk(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(walk),
        }
    }
    regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(re)
        .map_or(true, |h| walk(&h))
}

/// Compiled conditions.
#[derive(Debug, Clone)]
pub struct Conditions {
    text: Option<regex::Regex>,
    /// Lines of context for incremental searches (0 when the regex cannot span lines).
    context: usize,
    history: bool,
    idle: Option<Duration>,
    exit: bool,
    prompt: bool,
    state: Option<RunState>,
    since: Option<u64>,
    read: bool,
}

/// Describes a regex syntax error with its position (column, 1-based) in one line.
fn regex_error(re: &str, e: &regex::Error) -> String {
    match regex_syntax::ast::parse::Parser::new().parse(re) {
        Err(ast) => format!(
            "bad regex '{re}': {} at position {} (characters counted from 1)",
            ast.kind(),
            ast.span().start.column
        ),
        Ok(_) => format!(
            "bad regex '{re}': {}",
            e.to_string().lines().last().unwrap_or("invalid")
        ),
    }
}

impl Conditions {
    /// Compiles a spec; the regex is compiled once here.
    ///
    /// # Errors
    /// No condition given, or a bad regex (naming its position).
    pub fn compile(spec: &WaitSpec) -> CmdResult<Self> {
        if spec.text.is_none()
            && spec.idle_ms.is_none()
            && !spec.exit
            && !spec.prompt
            && spec.state.is_none()
        {
            return Err(CmdError::invalid(
                "no condition given: use --text REGEX, --idle MS, --exit, --prompt or --state STATE",
            ));
        }
        let text = spec
            .text
            .as_deref()
            .map(|re| {
                regex::RegexBuilder::new(re)
                    .multi_line(true)
                    .build()
                    .map_err(|e| CmdError::invalid(regex_error(re, &e)))
            })
            .transpose()?;
        let context = match &spec.text {
            Some(re) if can_match_newline(re) => MULTILINE_CONTEXT,
            _ => 0,
        };
        Ok(Self {
            text,
            context,
            history: spec.history,
            idle: spec.idle_ms.map(Duration::from_millis),
            exit: spec.exit,
            prompt: spec.prompt,
            state: spec.state,
            since: spec.since,
            read: spec.read,
        })
    }

    /// With `since` unset, uses `seq` (for send-then-wait).
    pub fn since_default(mut self, seq: u64) -> Self {
        self.since.get_or_insert(seq);
        self
    }
}

struct Fired {
    condition: &'static str,
    matched: Option<String>,
    row: Option<i64>,
}

/// Whether a pane in state `is` meets `--state want`: `waiting-input` also accepts `at-prompt`
/// (a shell at its prompt waits for input too, and scripts written before `at-prompt` existed
/// keep working); every other state only itself.
pub fn state_matches(is: RunState, want: RunState) -> bool {
    is == want || (want == RunState::WaitingInput && is == RunState::AtPrompt)
}

/// Evaluates the conditions on one state; also returns when an idle condition could next hold.
/// Text is searched incrementally: only what changed since the previous evaluation (`mark`).
fn evaluate(
    c: &Conditions,
    st: &mut PaneState,
    now: Instant,
    mark: &mut Option<ScanMark>,
) -> (Option<Fired>, Option<Instant>) {
    st.screen.sync();
    if let Some(re) = &c.text {
        if let Some(f) = st.screen.find_new(re, c.history, c.since, mark, c.context) {
            return (
                Some(Fired {
                    condition: "text",
                    matched: Some(f.text),
                    row: Some(f.row),
                }),
                None,
            );
        }
    }
    if c.prompt {
        let marks = st.screen.marks();
        let fresh = c.since.is_none_or(|s| st.screen.prompt_seq() > s);
        if marks.at_prompt && fresh {
            return (
                Some(Fired {
                    condition: "prompt",
                    matched: None,
                    row: None,
                }),
                None,
            );
        }
    }
    let mut next = None;
    if let Some(idle) = c.idle {
        let changed_after = c.since.is_none_or(|s| st.screen.changed_seq() > s);
        if changed_after {
            let at = st.screen.changed_at() + idle;
            if now >= at {
                return (
                    Some(Fired {
                        condition: "idle",
                        matched: None,
                        row: None,
                    }),
                    None,
                );
            }
            next = Some(at);
        }
    }
    if let Some(want) = c.state {
        let fresh = c.since.is_none_or(|s| st.run.entered_seq() > s);
        if state_matches(st.run.state(), want) && fresh {
            return (
                Some(Fired {
                    condition: "state",
                    matched: None,
                    row: None,
                }),
                None,
            );
        }
    }
    if c.exit && st.exit.is_some() {
        return (
            Some(Fired {
                condition: "exit",
                matched: None,
                row: None,
            }),
            None,
        );
    }
    (None, next)
}

/// Waits on `pane` until a condition holds, `timeout` passes (an outcome with
/// `timed_out: true`) or `closed` resolves (the client went away).
///
/// # Errors
/// Only when the client went away.
pub async fn wait_on(
    pane: Arc<Pane>,
    cond: &Conditions,
    timeout: Option<Duration>,
    sent: Option<Sent>,
    closed: impl Future<Output = ()>,
) -> CmdResult<WaitOutcome> {
    let mut rx = pane.subscribe();
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let mut throttle = Throttle::new();
    let mut mark = None;
    tokio::pin!(closed);
    loop {
        // During a flood, changes coalesce while the bucket refills (the watch keeps only the
        // latest); a few changes are evaluated at once.
        throttle.take().await;
        rx.borrow_and_update();
        let (fired, next_idle, outcome) = {
            let mut st = pane.state();
            let (fired, next) = evaluate(cond, &mut st, Instant::now(), &mut mark);
            let outcome = WaitOutcome {
                pane: pane.id,
                condition: None,
                timed_out: false,
                seq: st.seq,
                matched: None,
                row: None,
                exit: st.exit.clone(),
                state: st.run.state(),
                sent: sent.clone(),
                screen: None,
            };
            let outcome = if cond.read && fired.is_some() {
                let screen =
                    super::io::capture(pane.id, &mut st, tidemux_proto::ReadRange::Visible, false)
                        .ok();
                WaitOutcome { screen, ..outcome }
            } else {
                outcome
            };
            (fired, next, outcome)
        };
        if let Some(f) = fired {
            return Ok(WaitOutcome {
                condition: Some(f.condition.to_owned()),
                matched: f.matched,
                row: f.row,
                ..outcome
            });
        }
        if pane.is_closed() {
            // Nothing can change any more: end now, with the exit status if it is known.
            return Ok(WaitOutcome {
                condition: Some(PANE_CLOSED.to_owned()),
                ..outcome
            });
        }
        let idle_sleep = async {
            match next_idle {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let timeout_sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    // The pane is gone for good; evaluate once more, then time out.
                    std::future::pending::<()>().await;
                }
            }
            () = idle_sleep => {}
            () = timeout_sleep => return Ok(WaitOutcome { timed_out: true, ..outcome }),
            () = &mut closed => return Err(CmdError { kind: ErrorKind::Failed, message: "client went away".into() }),
        }
    }
}
