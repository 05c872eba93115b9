//! Scheduled requests (`send --after 30m ...`, `schedule list`, `schedule cancel`): held by the
//! server, so they fire even when the process that scheduled them has exited.
//!
//! Only `send` (text or input), `send-key`, `notify` and `wait-for -S` can be scheduled. The
//! target is resolved when the request is scheduled, to a pane id: a later pane with the same
//! name does not receive it. When it fires, a `schedule-fired` event (or `schedule-failed` with
//! the reason, such as the pane having gone) is published; `name` holds the schedule's id.

use crate::error::{CmdError, CmdResult};
use crate::input::keys::{encode_keys, KeyModes};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::{EventKind, PaneId, Request, Response, ScheduledInfo};

/// Most requests held at once.
pub const MAX_SCHEDULED: usize = 10_000;
/// Furthest a request may be scheduled ahead, ms (366 days).
pub const MAX_AHEAD_MS: u64 = 366 * 24 * 3600 * 1000;

/// Scheduled requests by id.
#[derive(Debug, Default)]
pub struct Schedules {
    next: u64,
    entries: BTreeMap<u64, Entry>,
}

#[derive(Debug)]
struct Entry {
    info: ScheduledInfo,
    task: tokio::task::AbortHandle,
    /// The request, as it will run (a live upgrade carries it).
    request: Request,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push_str("...");
    }
    t
}

/// Validates a request for scheduling and pins its target to a pane id.
fn normalise(
    state: &ServerState,
    caller: Option<PaneId>,
    request: Request,
) -> CmdResult<(Request, ScheduledInfo)> {
    let pane_of = |t: Option<&str>| -> CmdResult<PaneId> {
        let reg = state.registry();
        reg.resolve_pane(t, caller)
    };
    let mut info = ScheduledInfo {
        id: 0,
        at_ms: 0,
        created_ms: now_ms(),
        command: String::new(),
        pane: None,
        channel: None,
        summary: String::new(),
    };
    let req = match request {
        Request::Send { wait: Some(_), .. } | Request::SendInput { wait: Some(_), .. } => {
            return Err(CmdError::invalid(
                "a scheduled send cannot wait (--wait-*): nobody would see the result",
            ))
        }
        Request::Send {
            target,
            text,
            enter,
            submit_delay_ms,
            wait,
            timeout_ms,
        } => {
            let p = pane_of(target.as_deref())?;
            info.command = "send".into();
            info.pane = Some(p);
            info.summary = format!("send to {p}: {:?}", short(&text));
            Request::Send {
                target: Some(p.to_string()),
                text,
                enter,
                submit_delay_ms,
                wait,
                timeout_ms,
            }
        }
        Request::SendInput {
            target,
            source,
            enter,
            submit_delay_ms,
            wait,
            timeout_ms,
        } => {
            let p = pane_of(target.as_deref())?;
            info.command = "send".into();
            info.pane = Some(p);
            info.summary = match &source {
                tidemux_proto::InputSource::File(f) => format!("send to {p}: file {f}"),
                tidemux_proto::InputSource::Bytes(b) => format!("send to {p}: {} bytes", b.len()),
            };
            Request::SendInput {
                target: Some(p.to_string()),
                source,
                enter,
                submit_delay_ms,
                wait,
                timeout_ms,
            }
        }
        Request::SendKeys {
            target,
            keys,
            count,
        } => {
            let p = pane_of(target.as_deref())?;
            if count == 0 || keys.is_empty() {
                return Err(CmdError::invalid("no key given, or a repeat count of 0"));
            }
            encode_keys(&keys, count, KeyModes::default())
                .map_err(|e| CmdError::invalid(e.to_string()))?;
            info.command = "send-key".into();
            info.pane = Some(p);
            info.summary = format!("send-key to {p}: {}", keys.join(" "));
            Request::SendKeys {
                target: Some(p.to_string()),
                keys,
                count,
            }
        }
        Request::Notify {
            target,
            message,
            clear,
        } => {
            let p = pane_of(target.as_deref())?;
            if message.len() > crate::limits::MAX_MESSAGE {
                return Err(CmdError::invalid(format!(
                    "message of {} bytes is too long: at most {} bytes",
                    message.len(),
                    crate::limits::MAX_MESSAGE
                )));
            }
            info.command = "notify".into();
            info.pane = Some(p);
            info.summary = if clear {
                format!("notify {p}: clear")
            } else {
                format!("notify {p}: {:?}", short(&message))
            };
            Request::Notify {
                target: Some(p.to_string()),
                message,
                clear,
            }
        }
        Request::WaitFor {
            channel,
            signal: true,
            timeout_ms,
        } => {
            if channel.is_empty() || channel.len() > crate::limits::MAX_CHANNEL_NAME {
                return Err(CmdError::invalid(format!(
                    "bad channel name: 1..={} bytes",
                    crate::limits::MAX_CHANNEL_NAME
                )));
            }
            info.command = "wait-for".into();
            info.channel = Some(channel.clone());
            info.summary = format!("wait-for -S {channel}");
            Request::WaitFor {
                channel,
                signal: true,
                timeout_ms,
            }
        }
        _ => {
            return Err(CmdError::invalid(
                "only send, send-key, notify and wait-for -S can be scheduled",
            ))
        }
    };
    Ok((req, info))
}

/// Holds `request` until `at_ms` (Unix ms; a time in the past fires at once).
///
/// # Errors
/// A request that cannot be scheduled, a target that resolves to nothing, too many scheduled
/// requests, or a time more than a year ahead.
pub fn schedule(
    state: &Arc<ServerState>,
    caller: Option<PaneId>,
    at_ms: u64,
    request: Request,
) -> CmdResult {
    let (req, mut info) = normalise(state, caller, request)?;
    let delay = at_ms.saturating_sub(info.created_ms);
    if delay > MAX_AHEAD_MS {
        return Err(CmdError::invalid(
            "a request can be scheduled at most 366 days ahead",
        ));
    }
    let mut s = lock(&state.schedules);
    if s.entries.len() >= MAX_SCHEDULED {
        return Err(CmdError::invalid(format!(
            "{MAX_SCHEDULED} requests are already scheduled; cancel some first (schedule list, schedule cancel ID)"
        )));
    }
    s.next += 1;
    let id = s.next;
    info.id = id;
    info.at_ms = at_ms.max(info.created_ms);
    let task = start(state, id, delay, req.clone());
    s.entries.insert(
        id,
        Entry {
            info: info.clone(),
            task,
            request: req,
        },
    );
    Ok(Response::Scheduled(info))
}

fn start(state: &Arc<ServerState>, id: u64, delay: u64, req: Request) -> tokio::task::AbortHandle {
    let st = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        fire(st, id, req).await;
    })
    .abort_handle()
}

/// Every pending request and the id counter, and stops their timers (a live upgrade carries
/// them to the new binary, where [`import`] starts them again).
pub fn export(state: &ServerState) -> (u64, Vec<(ScheduledInfo, Request)>) {
    let s = lock(&state.schedules);
    for e in s.entries.values() {
        e.task.abort();
    }
    let v = s
        .entries
        .values()
        .map(|e| (e.info.clone(), e.request.clone()))
        .collect();
    (s.next, v)
}

/// Restores what [`export`] returned: each request fires at its time (at once when that
/// passed during the upgrade). Call inside the runtime.
pub fn import(state: &Arc<ServerState>, next: u64, entries: Vec<(ScheduledInfo, Request)>) {
    let now = now_ms();
    let mut s = lock(&state.schedules);
    s.next = next;
    for (info, request) in entries {
        let task = start(
            state,
            info.id,
            info.at_ms.saturating_sub(now),
            request.clone(),
        );
        s.next = s.next.max(info.id);
        s.entries.insert(
            info.id,
            Entry {
                info,
                task,
                request,
            },
        );
    }
}

async fn fire(state: Arc<ServerState>, id: u64, req: Request) {
    let Some(entry) = lock(&state.schedules).entries.remove(&id) else {
        return; // cancelled
    };
    let never = std::future::pending::<()>();
    if let (Some(p), "send" | "send-key") = (entry.info.pane, entry.info.command.as_str()) {
        super::orch::input_sent(&state, p);
    }
    let r = match req {
        Request::Send {
            target,
            text,
            enter,
            submit_delay_ms,
            ..
        } => {
            let opts = super::io::SendOpts {
                enter,
                submit_delay_ms,
                wait: None,
                timeout_ms: None,
            };
            super::io::send(&state, None, target.as_deref(), text, opts, never).await
        }
        Request::SendInput {
            target,
            source,
            enter,
            submit_delay_ms,
            ..
        } => {
            let opts = super::io::SendOpts {
                enter,
                submit_delay_ms,
                wait: None,
                timeout_ms: None,
            };
            super::orch::send_input(&state, None, target.as_deref(), source, opts, never).await
        }
        Request::SendKeys {
            target,
            keys,
            count,
        } => super::io::send_keys(&state, None, target.as_deref(), &keys, count).await,
        Request::Notify {
            target,
            message,
            clear,
        } => super::manage::notify(&state, None, target.as_deref(), message, clear),
        Request::WaitFor {
            channel, signal, ..
        } => super::waitfor::wait_for(&state, channel, signal, None, never).await,
        _ => Err(CmdError::invalid("not a schedulable request")),
    };
    let (kind, message) = match r {
        Ok(_) => (EventKind::ScheduleFired, entry.info.summary.clone()),
        Err(e) => (
            EventKind::ScheduleFailed,
            format!("{}: {}", entry.info.summary, e.message),
        ),
    };
    tracing::info!(id, ?kind, %message, "scheduled request ran");
    let mut e = tidemux_proto::Event::new(kind);
    if let Some(p) = entry.info.pane {
        let (s, w) = state.registry().owners(p);
        e.session = s;
        e.window = w;
        e.pane = Some(p);
    }
    e.name = Some(id.to_string());
    e.message = Some(message);
    state.events.publish(e);
    state.bump_model();
}

/// `schedule list`: pending requests, soonest first.
pub fn list(state: &Arc<ServerState>) -> Response {
    let mut v: Vec<ScheduledInfo> = lock(&state.schedules)
        .entries
        .values()
        .map(|e| e.info.clone())
        .collect();
    v.sort_by_key(|i| (i.at_ms, i.id));
    Response::Schedules(v)
}

/// `schedule cancel ID`.
///
/// # Errors
/// No pending request has this id.
pub fn cancel(state: &Arc<ServerState>, id: u64) -> CmdResult {
    let mut s = lock(&state.schedules);
    match s.entries.remove(&id) {
        Some(e) => {
            e.task.abort();
            Ok(Response::Ok)
        }
        None => {
            let ids: Vec<String> = s.entries.keys().map(u64::to_string).collect();
            Err(CmdError::not_found(format!(
                "no scheduled request {id}; pending: {}",
                if ids.is_empty() {
                    "none".into()
                } else {
                    ids.join(", ")
                }
            )))
        }
    }
}
