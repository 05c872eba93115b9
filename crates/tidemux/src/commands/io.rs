//! send, send-key, read-screen.

use super::{unexpected, Ctx};
use crate::cli::ReadScreenArgs;
use crate::output::{self, Failure};
use tidemux_proto::{ReadRange, Request, Response};

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

/// `send [--enter] TEXT...`.
pub fn send(
    ctx: &Ctx,
    target: Option<String>,
    enter: bool,
    text: Vec<String>,
) -> Result<(), Failure> {
    let r = ctx.call(Request::Send {
        target,
        text: text.join(" "),
        enter,
    })?;
    print_sent(ctx, r)
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
                let keep = s
                    .lines
                    .iter()
                    .rposition(|l| !l.is_empty())
                    .map_or(0, |i| i + 1);
                let mut out = String::new();
                for l in &s.lines[..keep] {
                    out.push_str(l);
                    out.push('\n');
                }
                use std::io::Write;
                let _ = std::io::stdout().lock().write_all(out.as_bytes());
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}
