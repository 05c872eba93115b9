//! wait, events: the commands an orchestrator blocks on.

use super::{unexpected, Ctx};
use crate::cli::WaitArgs;
use crate::output::{self, Failure, EXIT_DROPPED, EXIT_PANE_CLOSED, EXIT_TIMEOUT};
use std::io::Write;
use tidemux_proto::{Request, Response, RunState, WaitOutcome, WaitSpec};

/// Converts `--timeout SECONDS` to milliseconds.
pub fn timeout_ms(t: Option<f64>) -> Result<Option<u64>, Failure> {
    match t {
        None => Ok(None),
        Some(t) if t.is_finite() && t >= 0.0 => Ok(Some((t * 1000.0).round() as u64)),
        Some(t) => Err(Failure::new(
            "invalid",
            format!("bad timeout {t}: expected seconds >= 0"),
        )),
    }
}

/// Prints a wait outcome; a timeout becomes exit 124.
pub fn print_waited(ctx: &Ctx, w: &WaitOutcome) -> Result<(), Failure> {
    if ctx.json {
        output::json(w);
    }
    if w.timed_out {
        return Err(Failure {
            code: EXIT_TIMEOUT,
            kind: "timeout",
            printed: ctx.json,
            message: format!(
                "timed out; pane {} is at seq {} (state {})",
                w.pane,
                w.seq,
                w.state.as_str()
            ),
        });
    }
    if w.condition.as_deref() == Some("pane-closed") {
        let status = match &w.exit {
            Some(e) => match (e.code, &e.signal) {
                (Some(c), _) => format!(" (exit status {c})"),
                (_, Some(s)) => format!(" (killed by signal {s})"),
                _ => String::new(),
            },
            None => String::new(),
        };
        return Err(Failure {
            code: EXIT_PANE_CLOSED,
            kind: "pane_closed",
            printed: ctx.json,
            message: format!(
                "pane {} closed before any condition held{status}; it was at seq {}",
                w.pane, w.seq
            ),
        });
    }
    if let (false, Some(screen)) = (ctx.json, &w.screen) {
        super::io::print_lines(&screen.lines);
        return Ok(());
    }
    if !ctx.json {
        let cond = w.condition.as_deref().unwrap_or("?");
        let detail = match cond {
            "text" => format!(
                " {:?} at line {}",
                w.matched.as_deref().unwrap_or(""),
                w.row.unwrap_or(0)
            ),
            "exit" => match &w.exit {
                Some(e) => match (e.code, &e.signal) {
                    (Some(c), _) => format!(" status {c}"),
                    (_, Some(s)) => format!(" signal {s}"),
                    _ => String::new(),
                },
                None => String::new(),
            },
            "state" => format!(" {}", w.state.as_str()),
            _ => String::new(),
        };
        output::line(&format!("{cond}{detail} (pane {}, seq {})", w.pane, w.seq));
    }
    Ok(())
}

/// `wait -t PANE CONDITION... [--since SEQ] [--timeout S]`.
pub fn wait(ctx: &Ctx, a: WaitArgs) -> Result<(), Failure> {
    let state = a
        .state
        .as_deref()
        .map(str::parse::<RunState>)
        .transpose()
        .map_err(|e| Failure::new("invalid", e))?;
    let spec = WaitSpec {
        text: a.text,
        history: a.history,
        idle_ms: a.idle,
        exit: a.exit,
        prompt: a.prompt,
        state,
        since: a.since,
        read: a.read,
    };
    let timeout_ms = timeout_ms(a.timeout)?;
    let req = if a.targets.len() > 1 || a.all {
        Request::WaitMany {
            targets: a.targets,
            spec,
            all: a.all,
            timeout_ms,
        }
    } else {
        Request::Wait {
            target: a.targets.into_iter().next(),
            spec,
            timeout_ms,
        }
    };
    match ctx.call(req)? {
        Response::Waited(w) => print_waited(ctx, &w),
        Response::WaitedAll(v) => print_waited_all(ctx, &v),
        other => Err(unexpected(&other)),
    }
}

/// Prints every outcome of `wait --all` (a JSON array, or one line each); exit 124 when any
/// pane timed out.
fn print_waited_all(ctx: &Ctx, v: &[WaitOutcome]) -> Result<(), Failure> {
    if ctx.json {
        output::json(&v);
    } else {
        let quiet = Ctx {
            socket: ctx.socket.clone(),
            json: false,
        };
        for w in v.iter().filter(|w| !w.timed_out) {
            print_waited(&quiet, w)?;
        }
    }
    let late: Vec<String> = v
        .iter()
        .filter(|w| w.timed_out)
        .map(|w| format!("{} ({})", w.pane, w.state.as_str()))
        .collect();
    if late.is_empty() {
        return Ok(());
    }
    Err(Failure {
        code: EXIT_TIMEOUT,
        kind: "timeout",
        printed: ctx.json,
        message: format!("timed out; still waiting on {}", late.join(", ")),
    })
}

/// Resolves `events --pane` values to pane ids (`%N` as is; names through `list-panes -a`).
fn pane_ids(ctx: &Ctx, panes: &[String]) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    let mut listed: Option<Vec<tidemux_proto::PaneInfo>> = None;
    for p in panes {
        if p.starts_with('%') {
            out.push(p.clone());
            continue;
        }
        if listed.is_none() {
            listed = match ctx.call(Request::ListPanes {
                target: None,
                all: true,
                brief: true,
            })? {
                Response::Panes(v) => Some(v),
                other => return Err(unexpected(&other)),
            };
        }
        let found = listed
            .iter()
            .flatten()
            .find(|i| i.name.as_deref() == Some(p.as_str()))
            .ok_or_else(|| {
                Failure::new(
                    "not_found",
                    format!("no pane named '{p}' (use %N or a name set by rename-pane)"),
                )
            })?;
        out.push(found.id.to_string());
    }
    Ok(out)
}

/// Drops `null` fields so each event line shows only what applies to its kind.
fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    }
}

/// `events [--after SEQ] [--filter KIND]...`: JSON lines until the server closes the stream.
pub fn events(
    ctx: &Ctx,
    after: Option<u64>,
    mut filters: Vec<String>,
    panes: Vec<String>,
    no_output: bool,
) -> Result<(), Failure> {
    let panes = pane_ids(ctx, &panes)?;
    if no_output && filters.is_empty() {
        // Every kind but `output` (the server-side filter keeps the stream small).
        filters = tidemux_proto::EventKind::ALL
            .iter()
            .filter(|k| **k != tidemux_proto::EventKind::Output)
            .map(|k| k.as_str().to_owned())
            .collect();
    }
    let wanted = |e: &tidemux_proto::Event| {
        let synthetic = e.seq == 0;
        (!no_output || e.kind != tidemux_proto::EventKind::Output)
            && (synthetic
                || panes.is_empty()
                || e.pane.is_some_and(|p| panes.contains(&p.to_string())))
    };
    let mut client = ctx.connect()?;
    let mut failure = None;
    let stdout = std::io::stdout();
    client.stream(Request::Events { after, filters }, |r| match r {
        Response::Event(e) if !wanted(&e) => true,
        Response::Event(e) => {
            let dropped = e.kind == tidemux_proto::EventKind::SubscriberDropped;
            let line = strip_nulls(serde_json::to_value(&e).unwrap_or_default());
            let mut out = stdout.lock();
            let ok = serde_json::to_writer(&mut out, &line).is_ok()
                && out.write_all(b"\n").is_ok()
                && out.flush().is_ok();
            if dropped {
                failure = Some(Failure {
                    code: EXIT_DROPPED,
                    kind: "dropped",
                    message: e.message.unwrap_or_default(),
                    printed: false,
                });
            }
            ok && !dropped
        }
        Response::Error(e) => {
            failure = Some(e.into());
            false
        }
        other => {
            failure = Some(unexpected(&other));
            false
        }
    })?;
    failure.map_or(Ok(()), Err)
}
