//! Running a parsed command line: one module per command family.
//!
//! - [`session`]: new-session, new-window, split-window, kill-*, rename-*, select-*, resize.
//! - [`io`]: send, send-key, read-screen.
//! - [`list`]: list-sessions, list-windows, list-panes.
//! - [`misc`]: wait-for, has-session, identify, version, server.
//! - [`sync`]: wait, events.
//! - [`resurrect`]: `tidemux resurrect` (rebuild sessions from a snapshot).
//! - [`upgrade`]: `tidemux upgrade-server` (live upgrade).

mod cmdset;
mod io;
mod keys;
mod layout;
mod list;
mod misc;
mod orch;
mod panecmds;
mod resurrect;
mod session;
mod sync;
mod upgrade;

use crate::cli::{Cli, Command};
use crate::output::{self, Failure};
use std::path::PathBuf;
use std::process::ExitCode;
use tidemux_client::{Client, SocketChoice};
use tidemux_proto::{Request, Response};

/// Context every command gets: where the server is and how to print.
pub struct Ctx {
    /// Resolved socket path.
    pub socket: PathBuf,
    /// `--json`.
    pub json: bool,
}

impl Ctx {
    /// Connects to a running server (never starts one).
    pub fn connect(&self) -> Result<Client, Failure> {
        let caller = tidemux_client::caller_pane(&self.socket);
        Ok(Client::connect(&self.socket, caller)?)
    }

    /// Connects, starting the server if none runs.
    pub fn connect_or_start(&self) -> Result<Client, Failure> {
        let caller = tidemux_client::caller_pane(&self.socket);
        // The snapshot is read (for resurrect-on-start) only when a server must be started.
        match Client::connect(&self.socket, caller) {
            Err(tidemux_client::ClientError::NoServer(_)) => {}
            other => return Ok(other?),
        }
        let exe = std::env::current_exe()
            .map_err(|e| Failure::new("failed", format!("cannot find own executable: {e}")))?;
        Ok(tidemux_client::autostart::connect_or_start_with(
            &self.socket,
            caller,
            &exe,
            &resurrect::on_start_args(&self.socket),
        )?)
    }

    /// One request on a running server; a server-side error becomes a [`Failure`].
    /// The request goes out in the connection's first write, with the handshake
    /// ([`Client::connect_and_request`]: one round trip).
    pub fn call(&self, req: Request) -> Result<Response, Failure> {
        let caller = tidemux_client::caller_pane(&self.socket);
        let (_, resp) = Client::connect_and_request(&self.socket, caller, &req)?;
        expect_ok(resp)
    }

    /// Prints `{"ok": true}` in JSON mode; nothing otherwise (as tmux).
    pub fn done(&self) {
        if self.json {
            output::json(&serde_json::json!({"ok": true}));
        }
    }
}

/// Turns `Response::Error` into a failure.
pub fn expect_ok(r: Response) -> Result<Response, Failure> {
    match r {
        Response::Error(e) => Err(e.into()),
        other => Ok(other),
    }
}

/// A reply of the wrong type.
pub fn unexpected(r: &Response) -> Failure {
    Failure::new("protocol", format!("unexpected reply from server: {r:?}"))
}

fn command_name(c: &Option<Command>) -> &'static str {
    match c {
        None => "attach",
        Some(c) => match c {
            Command::Server(_) => "server",
            Command::NewSession(_) => "new-session",
            Command::NewWindow { .. } => "new-window",
            Command::SplitWindow { .. } => "split-window",
            Command::ListSessions(_) => "list-sessions",
            Command::ListWindows { .. } => "list-windows",
            Command::ListPanes { .. } => "list-panes",
            Command::Send { .. } => "send",
            Command::SendKey { .. } => "send-key",
            Command::ReadScreen(_) => "read-screen",
            Command::WaitFor { .. } => "wait-for",
            Command::KillPane { .. } => "kill-pane",
            Command::KillWindow(_) => "kill-window",
            Command::KillSession(_) => "kill-session",
            Command::KillServer => "kill-server",
            Command::Resurrect { .. } => "resurrect",
            Command::RenameSession { .. } => "rename-session",
            Command::RenameWindow { .. } => "rename-window",
            Command::RenamePane { .. } => "rename-pane",
            Command::SelectWindow(_) => "select-window",
            Command::SelectPane(_) => "select-pane",
            Command::ResizeWindow { .. } => "resize-window",
            Command::HasSession(_) => "has-session",
            Command::Identify => "identify",
            Command::Version => "version",
            Command::ApiSchema { .. } => "api-schema",
            Command::Wait(_) => "wait",
            Command::Status { .. } => "status",
            Command::Events { .. } => "events",
            Command::Notify { .. } => "notify",
            Command::Attach { .. } => "attach",
            Command::DetachClient { .. } => "detach-client",
            Command::ZoomPane(_) => "zoom-pane",
            Command::Schedule { .. } => "schedule",
            Command::Run(_) => "run",
            Command::Log { .. } => "log",
            Command::Completions { .. } => "completions",
            Command::Man { .. } => "man",
            Command::ShellInit { .. } => "shell-init",
            Command::Tmux { .. } => "tmux",
            Command::InstallTmuxShim { .. } => "install-tmux-shim",
            Command::CmdSet(c) => cmdset::name(c),
            Command::Layout(c) => layout::name(c),
            Command::PaneCmds(c) => panecmds::name(c),
            Command::UpgradeServer { .. } => "upgrade-server",
            Command::Keys(c) => keys::name(c),
        },
    }
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let name = command_name(&cli.command);
    let json = cli.json;
    // Commands that need no socket (and must not create its directory).
    let offline = match &cli.command {
        Some(Command::Completions { shell }) => Some(crate::install::completions(*shell)),
        Some(Command::Man { dir }) => Some(crate::install::man(dir.as_deref())),
        Some(Command::ShellInit { shell }) => Some(crate::install::shell_init(*shell)),
        Some(Command::InstallTmuxShim { dir }) => Some(crate::tmux::install_shim(dir)),
        Some(Command::Tmux { args }) => return crate::tmux::main(args.clone()),
        _ => None,
    };
    if let Some(result) = offline {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => output::fail(name, f, json),
        };
    }
    let choice = SocketChoice {
        path: cli.socket_path,
        name: cli.socket_name,
    };
    let socket = match tidemux_client::resolve_socket(&choice) {
        Ok(s) => s,
        Err(e) => return output::fail(name, Failure::new("invalid", e), json),
    };
    let ctx = Ctx { socket, json };
    let result = match cli.command {
        None => session::new_session(
            &ctx,
            crate::cli::NewSessionArgs {
                detached: false,
                attach_existing: false,
                attach: cli.attach,
                name: None,
                window_name: None,
                cols: None,
                rows: None,
                history_limit: None,
                print: Default::default(),
                spawn: Default::default(),
            },
        ),
        Some(Command::Server(a)) => misc::server(
            &ctx,
            a.log_file,
            a.resurrect,
            a.tmux.then_some(tidemux_server::lang::config::TmuxStart {
                files: a.tmux_config,
            }),
        ),
        Some(Command::Resurrect { dry_run, file }) => resurrect::run(&ctx, dry_run, file),
        Some(Command::NewSession(a)) => session::new_session(&ctx, a),
        Some(Command::NewWindow {
            target,
            name,
            detached,
            print,
            spawn,
            after,
            before,
        }) => session::new_window(
            &ctx,
            target.target,
            name,
            detached,
            print,
            spawn.remain_on_exit,
            spawn,
            match (after, before) {
                (true, _) => Some(tidemux_proto::InsertAt::After),
                (_, true) => Some(tidemux_proto::InsertAt::Before),
                _ => None,
            },
        ),
        Some(Command::SplitWindow {
            target,
            horizontal,
            size,
            detached,
            before,
            full,
            print,
            spawn,
            zoom,
            ..
        }) => session::split_window(
            &ctx,
            target.target,
            horizontal,
            size,
            (detached, before, full),
            print,
            spawn.remain_on_exit,
            spawn,
            zoom,
        ),
        Some(Command::ListSessions(f)) => list::sessions(&ctx, &f),
        Some(Command::ListWindows { target, all, fmt }) => {
            list::windows(&ctx, target.target, all, &fmt)
        }
        Some(Command::ListPanes { closed: true, .. }) => list::closed_panes(&ctx),
        Some(Command::ListPanes {
            target, all, fmt, ..
        }) => list::panes(&ctx, target.target, all, &fmt),
        Some(Command::Send {
            target,
            enter,
            submit,
            submit_delay,
            wait_text,
            wait_idle,
            timeout,
            read,
            file,
            stdin,
            when,
            text,
        }) => io::send(
            &ctx,
            target.target,
            text,
            io::SendFlags {
                enter,
                submit: submit.then_some(submit_delay),
                wait_text,
                wait_idle,
                timeout,
                read,
                file,
                stdin,
                when,
            },
        ),
        Some(Command::SendKey {
            target,
            count,
            when,
            keys,
        }) => io::send_key(&ctx, target.target, count, keys, &when),
        Some(Command::ReadScreen(a)) => io::read_screen(&ctx, a),
        Some(Command::WaitFor {
            signal,
            lock,
            timeout,
            when,
            channels,
        }) => {
            if lock.lock || lock.unlock {
                match <[String; 1]>::try_from(channels) {
                    Ok([channel]) => cmdset::wait_lock(&ctx, lock.unlock, timeout, channel),
                    Err(_) => Err(Failure::new(
                        "invalid",
                        "-L and -U take exactly one channel",
                    )),
                }
            } else {
                misc::wait_for(&ctx, signal, timeout, channels, &when)
            }
        }
        Some(Command::KillPane {
            kill,
            remove_worktree: true,
        }) => session::simple(
            &ctx,
            Request::KillPaneRemoveWorktree {
                target: kill.target.target,
            },
        ),
        Some(Command::KillPane { kill, .. }) => {
            cmdset::kill(&ctx, tidemux_proto::KillScope::Pane, kill)
        }
        Some(Command::KillWindow(k)) => cmdset::kill(&ctx, tidemux_proto::KillScope::Window, k),
        Some(Command::KillSession(k)) => cmdset::kill(&ctx, tidemux_proto::KillScope::Session, k),
        Some(Command::KillServer) => session::simple(&ctx, Request::KillServer),
        Some(Command::RenameSession { target, name }) => session::simple(
            &ctx,
            Request::RenameSession {
                target: target.target,
                name,
            },
        ),
        Some(Command::RenameWindow { target, name }) => session::simple(
            &ctx,
            Request::RenameWindow {
                target: target.target,
                name,
            },
        ),
        Some(Command::RenamePane { target, name }) => session::simple(
            &ctx,
            Request::RenamePane {
                target: target.target,
                name,
            },
        ),
        Some(Command::SelectWindow(t)) => {
            session::simple(&ctx, Request::SelectWindow { target: t.target })
        }
        Some(Command::SelectPane(a)) => session::simple(&ctx, layout::select_pane_request(a)),
        Some(Command::ResizeWindow { target, cols, rows }) => session::simple(
            &ctx,
            Request::ResizeWindow {
                target: target.target,
                cols,
                rows,
            },
        ),
        Some(Command::HasSession(t)) => misc::has_session(&ctx, t.target),
        Some(Command::Identify) => misc::identify(&ctx),
        Some(Command::Version) => misc::version(&ctx),
        Some(Command::ApiSchema { out }) => misc::api_schema(&ctx, &out),
        Some(Command::Wait(a)) => sync::wait(&ctx, a),
        Some(Command::Status {
            target,
            set: None,
            message: _,
            clear: false,
        }) => list::status(&ctx, target.target),
        Some(Command::Status {
            target,
            set,
            message,
            ..
        }) => orch::set_status(&ctx, target.target, set, message),
        Some(Command::Schedule { action }) => orch::schedule_cmd(&ctx, action),
        Some(Command::Run(a)) => match orch::run(&ctx, a) {
            Ok(code) => return ExitCode::from(code),
            Err(f) => Err(f),
        },
        Some(Command::Log {
            target,
            file,
            ansi,
            max_size,
            timestamps,
            ..
        }) => orch::log(&ctx, target.target, file, ansi, max_size, timestamps),
        Some(Command::Attach {
            target,
            read_only,
            client_flags,
            flags,
        }) => session::attach(&ctx, target.target, (read_only, client_flags), &flags),
        Some(Command::DetachClient { session }) => session::simple(
            &ctx,
            Request::DetachClient {
                target: session,
                client: None,
            },
        ),
        Some(Command::ZoomPane(t)) => session::simple(&ctx, Request::ZoomPane { target: t.target }),
        Some(Command::Events {
            after,
            filter,
            pane,
            no_output,
        }) => sync::events(&ctx, after, filter, pane, no_output),
        Some(Command::CmdSet(c)) => cmdset::run(&ctx, c),
        Some(Command::Layout(c)) => layout::run(&ctx, c),
        Some(Command::PaneCmds(c)) => panecmds::run(&ctx, c),
        Some(Command::UpgradeServer { binary }) => upgrade::run(&ctx, binary),
        Some(Command::Keys(c)) => keys::run(&ctx, c),
        Some(Command::Notify {
            target,
            clear,
            when,
            message,
        }) => {
            let req = Request::Notify {
                target: target.target,
                message: message.join(" "),
                clear,
            };
            match orch::when_ms(&when) {
                Ok(Some(at)) => orch::schedule(&ctx, at, req),
                Ok(None) => session::simple(&ctx, req),
                Err(f) => Err(f),
            }
        }
        Some(
            Command::Completions { .. }
            | Command::Man { .. }
            | Command::ShellInit { .. }
            | Command::Tmux { .. }
            | Command::InstallTmuxShim { .. },
        ) => {
            unreachable!("handled above")
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => output::fail(name, f, json),
    }
}
