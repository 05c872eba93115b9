//! Orchestration commands (issue 14): scheduling (`--after`/`--at`, `schedule`), `run`, `log`,
//! `status --set`.

use super::{unexpected, Ctx};
use crate::cli::{RunArgs, ScheduleAction, WhenArgs};
use crate::output::{self, Failure, EXIT_TIMEOUT};
use tidemux_proto::{Request, Response, RunState, ScheduledInfo, Spawn, WorktreeSpec};

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Parses a duration: `90` (seconds), `90s`, `1500ms`, `30m`, `2h`, `1d`, or a sum like `1h30m`.
///
/// # Errors
/// Anything else, with the accepted forms.
pub fn parse_duration_ms(s: &str) -> Result<u64, Failure> {
    let bad = || {
        Failure::new(
            "invalid",
            format!("bad duration '{s}': expected e.g. 90, 90s, 1500ms, 30m, 2h, 1h30m, 1d"),
        )
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = t.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Ok((secs * 1000.0).round() as u64)
        } else {
            Err(bad())
        };
    }
    let mut total: u64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let n: f64 = rest[..n_end].parse().map_err(|_| bad())?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..u_end] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(bad()),
        };
        rest = &rest[u_end..];
        total = total.saturating_add((n * unit).round() as u64);
    }
    Ok(total)
}

/// Parses `--at`: `HH:MM[:SS]` (local time, the next such moment), RFC 3339, or `@SECONDS`.
///
/// # Errors
/// Anything else, with the accepted forms.
pub fn parse_time_ms(s: &str) -> Result<u64, Failure> {
    use chrono::{Local, NaiveTime, TimeZone};
    let bad = || {
        Failure::new(
            "invalid",
            format!(
                "bad time '{s}': expected HH:MM[:SS] (local), RFC 3339 (2026-12-01T08:00:00Z) or @UNIX-SECONDS"
            ),
        )
    };
    let t = s.trim();
    if let Some(secs) = t.strip_prefix('@') {
        let v: f64 = secs.parse().map_err(|_| bad())?;
        return if v.is_finite() && v >= 0.0 {
            Ok((v * 1000.0).round() as u64)
        } else {
            Err(bad())
        };
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return u64::try_from(dt.timestamp_millis()).map_err(|_| bad());
    }
    let time = NaiveTime::parse_from_str(t, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .map_err(|_| bad())?;
    let now = Local::now();
    let mut day = now.date_naive();
    for _ in 0..2 {
        if let Some(at) = Local
            .from_local_datetime(&day.and_time(time))
            .earliest()
            .filter(|at| *at > now)
        {
            return u64::try_from(at.timestamp_millis()).map_err(|_| bad());
        }
        day = day.succ_opt().ok_or_else(bad)?;
    }
    Err(bad())
}

/// The Unix ms a request runs at, or `None` for now.
///
/// # Errors
/// A bad `--after` or `--at`.
pub fn when_ms(w: &WhenArgs) -> Result<Option<u64>, Failure> {
    match (&w.after, &w.at) {
        (Some(d), _) => Ok(Some(now_ms() + parse_duration_ms(d)?)),
        (None, Some(t)) => Ok(Some(parse_time_ms(t)?)),
        (None, None) => Ok(None),
    }
}

fn print_scheduled(ctx: &Ctx, i: &ScheduledInfo) {
    if ctx.json {
        output::json(i);
    } else {
        output::line(&format!(
            "scheduled {} at {}: {}",
            i.id,
            format_ms(i.at_ms),
            i.summary
        ));
    }
}

fn format_ms(ms: u64) -> String {
    use chrono::TimeZone;
    chrono::Local
        .timestamp_millis_opt(ms as i64)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Schedules `req` at `at_ms` and prints the schedule.
///
/// # Errors
/// As the server's answer.
pub fn schedule(ctx: &Ctx, at_ms: u64, req: Request) -> Result<(), Failure> {
    match ctx.call(Request::Schedule {
        at_ms,
        request: Box::new(req),
    })? {
        Response::Scheduled(i) => {
            print_scheduled(ctx, &i);
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

/// `schedule list` / `schedule cancel ID`.
///
/// # Errors
/// As the server's answer.
pub fn schedule_cmd(ctx: &Ctx, action: ScheduleAction) -> Result<(), Failure> {
    match action {
        ScheduleAction::List => match ctx.call(Request::ScheduleList)? {
            Response::Schedules(v) if ctx.json => {
                output::json(&v);
                Ok(())
            }
            Response::Schedules(v) => {
                for i in v {
                    output::line(&format!("{} {} {}", i.id, format_ms(i.at_ms), i.summary));
                }
                Ok(())
            }
            other => Err(unexpected(&other)),
        },
        ScheduleAction::Cancel { id } => {
            ctx.call(Request::ScheduleCancel { id })?;
            ctx.done();
            Ok(())
        }
    }
}

/// `status --set STATE [--message M]` / `status --clear`.
///
/// # Errors
/// A bad state name, or the server's answer.
pub fn set_status(
    ctx: &Ctx,
    target: Option<String>,
    set: Option<String>,
    message: Option<String>,
) -> Result<(), Failure> {
    let state = set
        .as_deref()
        .map(str::parse::<RunState>)
        .transpose()
        .map_err(|e| Failure::new("invalid", e))?;
    ctx.call(Request::SetStatus {
        target,
        state,
        message,
    })?;
    ctx.done();
    Ok(())
}

/// `log -t PANE --file PATH [--ansi|--plain [--timestamps]] [--max-size B]` / `log --stop`.
///
/// # Errors
/// As the server's answer.
pub fn log(
    ctx: &Ctx,
    target: Option<String>,
    file: Option<String>,
    ansi: bool,
    max_bytes: Option<u64>,
    timestamps: bool,
) -> Result<(), Failure> {
    let file = file.map(|f| absolute(&f));
    ctx.call(Request::Log {
        target,
        file,
        ansi,
        max_bytes,
        timestamps,
    })?;
    ctx.done();
    Ok(())
}

/// `path` made absolute against this process's directory.
pub fn absolute(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        return path.to_owned();
    }
    std::env::current_dir()
        .map(|d| d.join(p).display().to_string())
        .unwrap_or_else(|_| path.to_owned())
}

/// The worktree spec of `--worktree B [--base R] [--repo D] [--worktree-dir D]` (the directory
/// defaulting to `$TIDEMUX_WORKTREE_DIR`).
pub fn worktree_spec(
    branch: Option<String>,
    base: Option<String>,
    repo: Option<String>,
    dir: Option<String>,
) -> Option<WorktreeSpec> {
    let dir = dir.or_else(|| {
        std::env::var("TIDEMUX_WORKTREE_DIR")
            .ok()
            .filter(|d| !d.is_empty())
    });
    branch.map(|branch| WorktreeSpec {
        branch,
        base,
        repo,
        dir,
    })
}

/// Exit status for a pane's end: its code, or 128 + the signal number when a signal ended it.
fn exit_code(e: Option<&tidemux_proto::ExitInfo>) -> u8 {
    match e {
        Some(e) => match (e.code, &e.signal) {
            (Some(c), _) => u8::try_from(c).unwrap_or(1),
            (_, Some(s)) => signal_number(s).map_or(1, |n| 128 + n),
            _ => 1,
        },
        None => 1,
    }
}

fn signal_number(name: &str) -> Option<u8> {
    const NAMES: [(&str, u8); 8] = [
        ("Hangup", 1),
        ("Interrupt", 2),
        ("Quit", 3),
        ("Aborted", 6),
        ("Killed", 9),
        ("Segmentation fault", 11),
        ("Broken pipe", 13),
        ("Terminated", 15),
    ];
    NAMES
        .iter()
        .find(|(n, _)| name.contains(n))
        .map(|(_, v)| *v)
        .or_else(|| {
            name.trim_start_matches("SIG")
                .parse()
                .ok()
                .filter(|n: &u8| *n < 128)
        })
}

/// `run [-t SESSION] [--name N] [--worktree B] [--timeout S] -- CMD...`: a new window (visible
/// to anyone attached) running CMD; waits for it to exit, prints its history and screen,
/// closes the pane (unless `--keep`) and exits with its status (124 on timeout, after killing
/// it).
///
/// # Errors
/// As the server's answers.
pub fn run(ctx: &Ctx, a: RunArgs) -> Result<u8, Failure> {
    let timeout_ms = super::sync::timeout_ms(a.timeout)?;
    let spawn = Spawn {
        command: a.command,
        cwd: a.cwd,
        client_cwd: std::env::current_dir()
            .ok()
            .map(|d| d.display().to_string()),
        env: Vec::new(),
        print_format: None,
        remain_on_exit: true,
        worktree: worktree_spec(a.worktree, a.base, a.repo, None),
        insert: None,
        zoom: false,
    };
    let mut client = ctx.connect_or_start()?;
    let has_session = matches!(
        client.request(Request::ListSessions)?,
        Response::Sessions(v) if !v.is_empty()
    );
    let req = if has_session {
        Request::NewWindow {
            target: a.target,
            name: a.name.clone(),
            spawn,
            detached: true,
        }
    } else {
        Request::NewSession(tidemux_proto::NewSession {
            name: Some(a.target.unwrap_or_else(|| "run".into())),
            window_name: a.name.clone(),
            spawn,
            cols: None,
            rows: None,
            history_limit: None,
            remain_on_exit: true,
        })
    };
    let created = match super::expect_ok(client.request(req)?)? {
        Response::Created(c) => c,
        other => return Err(unexpected(&other)),
    };
    let pane = created.pane.to_string();
    if let Some(n) = &a.name {
        super::expect_ok(client.request(Request::RenamePane {
            target: Some(pane.clone()),
            name: n.clone(),
        })?)?;
    }
    let waited = match super::expect_ok(client.request(Request::Wait {
        target: Some(pane.clone()),
        spec: tidemux_proto::WaitSpec {
            exit: true,
            ..Default::default()
        },
        timeout_ms,
    })?)? {
        Response::Waited(w) => w,
        other => return Err(unexpected(&other)),
    };
    let screen = match super::expect_ok(client.request(Request::ReadScreen {
        target: Some(pane.clone()),
        range: tidemux_proto::ReadRange::History,
        ansi: false,
    })?)? {
        Response::Screen(s) => s,
        other => return Err(unexpected(&other)),
    };
    if !a.keep || waited.timed_out {
        let _ = client.request(Request::KillPane {
            target: Some(pane.clone()),
        });
    }
    let code = if waited.timed_out {
        EXIT_TIMEOUT
    } else {
        exit_code(waited.exit.as_ref())
    };
    if ctx.json {
        output::json(&serde_json::json!({
            "pane": created.pane,
            "exit": waited.exit,
            "timed_out": waited.timed_out,
            "status": code,
            "lines": screen.lines,
        }));
    } else {
        super::io::print_lines(&screen.lines);
    }
    if waited.timed_out {
        eprintln!(
            "tidemux: run: timed out after {} s; pane {pane} was killed",
            a.timeout.unwrap_or(0.0)
        );
    }
    Ok(code)
}
