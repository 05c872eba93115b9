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
    /// `--file PATH`.
    pub file: Option<String>,
    /// `--stdin` (or TEXT `-`).
    pub stdin: bool,
    /// `--after` / `--at`.
    pub when: crate::cli::WhenArgs,
}

/// Input larger than this read from standard input is spooled to a private temporary file
/// that the server reads, instead of travelling in one request.
pub const INLINE_INPUT_MAX: usize = 4 * 1024 * 1024;

/// A file removed when dropped.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Standard input as an input source: inline when small, else spooled to a file (mode 0600).
fn stdin_source() -> Result<(tidemux_proto::InputSource, Option<Spool>), Failure> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut data)
        .map_err(|e| Failure::new("invalid", format!("cannot read standard input: {e}")))?;
    if data.len() <= INLINE_INPUT_MAX {
        return Ok((tidemux_proto::InputSource::Bytes(data), None));
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let path = std::env::temp_dir().join(format!("tidemux-send-{}-{nanos}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| {
            Failure::new(
                "failed",
                format!("cannot spool standard input to {}: {e}", path.display()),
            )
        })?;
    let spool = Spool(path.clone());
    f.write_all(&data)
        .map_err(|e| Failure::new("failed", format!("cannot spool standard input: {e}")))?;
    Ok((
        tidemux_proto::InputSource::File(path.display().to_string()),
        Some(spool),
    ))
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
    let at = super::orch::when_ms(&f.when)?;
    if at.is_some() && wait.is_some() {
        return Err(Failure::new(
            "invalid",
            "--after/--at cannot be combined with --wait-* (nobody would see the result)",
        ));
    }
    let stdin = f.stdin || (text.len() == 1 && text[0] == "-");
    let mut spool = None;
    let source = if let Some(path) = f.file {
        Some(tidemux_proto::InputSource::File(super::orch::absolute(
            &path,
        )))
    } else if stdin {
        let (src, sp) = stdin_source()?;
        spool = sp;
        Some(src)
    } else {
        None
    };
    if spool.is_some() && at.is_some() {
        return Err(Failure::new(
            "invalid",
            format!(
                "standard input over {INLINE_INPUT_MAX} bytes cannot be scheduled; write it to a file and use --file"
            ),
        ));
    }
    let timeout_ms = super::sync::timeout_ms(f.timeout)?;
    let req = match source {
        Some(source) => Request::SendInput {
            target,
            source,
            enter: f.enter,
            submit_delay_ms: f.submit,
            wait,
            timeout_ms,
        },
        None => Request::Send {
            target,
            text: text.join(" "),
            enter: f.enter,
            submit_delay_ms: f.submit,
            wait,
            timeout_ms,
        },
    };
    if let Some(at) = at {
        return super::orch::schedule(ctx, at, req);
    }
    let r = ctx.call(req)?;
    drop(spool);
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
    when: &crate::cli::WhenArgs,
) -> Result<(), Failure> {
    let req = Request::SendKeys {
        target,
        keys,
        count,
    };
    if let Some(at) = super::orch::when_ms(when)? {
        return super::orch::schedule(ctx, at, req);
    }
    let r = ctx.call(req)?;
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
            if let Some(path) = &a.file {
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
                std::fs::write(path, out)
                    .map_err(|e| Failure::new("failed", format!("cannot write '{path}': {e}")))?;
                if ctx.json {
                    output::json(&serde_json::json!({
                        "file": path, "lines": keep, "seq": s.seq, "pane": s.pane
                    }));
                }
            } else if ctx.json {
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
