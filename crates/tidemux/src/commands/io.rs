//! send, send-key, read-screen.

use super::{unexpected, Ctx};
use crate::cli::ReadScreenArgs;
use crate::output::{self, Failure};
use tidemux_proto::{ReadRange, Request, Response, WaitSpec};

fn print_sent(ctx: &Ctx, r: Response) -> Result<(), Failure> {
    match r {
        Response::Sent(s) => {
            if ctx.json {
                output::json(&s);
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// `send` flags beyond the target and text.
pub struct SendFlags {
    /// `--enter`.
    pub enter: bool,
    /// `--submit` with its delay (ms).
    pub submit: Option<u64>,
    /// `--wait-text`.
    pub wait_text: Option<String>,
    /// `--wait-idle`.
    pub wait_idle: Option<u64>,
    /// `--timeout` (seconds).
    pub timeout: Option<f64>,
    /// `--read`.
    pub read: bool,
}

/// `send [--enter|--submit] TEXT... [--wait-text RE] [--wait-idle MS] [--timeout S]`.
pub fn send(
    ctx: &Ctx,
    target: Option<String>,
    text: Vec<String>,
    f: SendFlags,
) -> Result<(), Failure> {
    let wait = (f.wait_text.is_some() || f.wait_idle.is_some()).then(|| WaitSpec {
        text: f.wait_text,
        idle_ms: f.wait_idle,
        read: f.read,
        ..WaitSpec::default()
    });
    if wait.is_none() && (f.timeout.is_some() || f.read) {
        return Err(Failure::new(
            "invalid",
            "--timeout and --read need --wait-text or --wait-idle",
        ));
    }
    let r = ctx.call(Request::Send {
        target,
        text: text.join(" "),
        enter: f.enter,
        submit_delay_ms: f.submit,
        wait,
        timeout_ms: super::sync::timeout_ms(f.timeout)?,
    })?;
    match r {
        Response::Waited(w) => super::sync::print_waited(ctx, &w),
        other => print_sent(ctx, other),
    }
}

/// `send-key [-N COUNT] KEY...`.
pub fn send_key(
    ctx: &Ctx,
    target: Option<String>,
    count: u32,
    keys: Vec<String>,
) -> Result<(), Failure> {
    let r = ctx.call(Request::SendKeys {
        target,
        keys,
        count,
    })?;
    print_sent(ctx, r)
}

fn parse_line(s: &str, what: &str) -> Result<Option<i64>, Failure> {
    if s == "-" {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| {
        Failure::new(
            "invalid",
            format!("bad {what} line '{s}': expected an integer (negative = history) or '-'"),
        )
    })
}

/// `read-screen`.
pub fn read_screen(ctx: &Ctx, a: ReadScreenArgs) -> Result<(), Failure> {
    let range = if let Some(n) = a.lines {
        ReadRange::Lines(n)
    } else if a.history {
        ReadRange::History
    } else if a.start.is_some() || a.end.is_some() {
        ReadRange::Span {
            start: a
                .start
                .as_deref()
                .map(|s| parse_line(s, "start"))
                .transpose()?
                .flatten(),
            end: a
                .end
                .as_deref()
                .map(|s| parse_line(s, "end"))
                .transpose()?
                .flatten(),
        }
    } else {
        ReadRange::Visible
    };
    let range = match (range, &a.start) {
        // `-S` absent but `-E` given: tmux starts at the top of the screen.
        (ReadRange::Span { start: None, end }, None) => ReadRange::Span {
            start: Some(0),
            end,
        },
        (r, _) => r,
    };
    match ctx.call(Request::ReadScreen {
        target: a.target.target,
        range,
        ansi: a.ansi,
    })? {
        Response::Screen(s) => {
            if ctx.json {
                output::json(&s);
            } else {
                print_lines(&s.lines);
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// Prints captured lines as `read-screen` does: trailing empty rows omitted.
pub fn print_lines(lines: &[String]) {
    use std::io::Write;
    let keep = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let mut out = String::new();
    for l in &lines[..keep] {
        out.push_str(l);
        out.push('\n');
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
