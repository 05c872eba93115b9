//! Request handlers, one module per command family. [`dispatch`] is the single entry point.

pub mod alerts;
pub mod attach;
pub mod behaviour;
pub mod buffers;
pub mod capture;
pub mod clients;
pub mod create;
pub mod environ;
pub mod format;
pub mod io;
pub mod layout;
pub mod list;
pub mod manage;
pub mod names;
pub mod options;
pub mod orch;
pub mod others;
pub mod pipe;
pub mod relocate;
pub mod resize;
pub mod respawn;
pub mod runshell;
pub mod schedule;
pub mod titles;
pub mod wait;
pub mod waitfor;
pub mod waitlock;

use crate::state::ServerState;
use std::sync::Arc;
use tidemux_proto::{Envelope, Request, Response};

/// What the connection must do after sending the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Keep serving.
    Continue,
    /// Stop the server (kill-server).
    Shutdown,
}

tokio::task_local! {
    /// The pid of the process at the other end of the connection the request came on (set by
    /// `connection.rs`): a request from an attached client's own process comes from one of
    /// its key bindings (tmux's command client `c` with a session).
    pub static PEER_PID: Option<u32>;
}

/// Handles one request. `closed` resolves if the client goes away (used to abandon waits).
pub async fn dispatch(
    state: &Arc<ServerState>,
    env: Envelope,
    closed: impl std::future::Future<Output = ()>,
) -> (Response, After) {
    let caller = env.caller_pane;
    if let Request::Tmux { argv, cwd, size } = &env.request {
        let client = crate::lang::Client {
            caller,
            cwd: cwd.clone(),
            size: *size,
            ..Default::default()
        };
        let out = crate::lang::run_argv(state, argv, &client).await;
        state.bump_model();
        let after = if out.shutdown {
            After::Shutdown
        } else {
            after_request(state, Kind::MayEmpty)
        };
        let reply = tidemux_proto::TmuxOutput {
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
            attach: out.attach,
            attach_flags: out.attach_flags,
        };
        return (Response::Tmux(reply), after);
    }
    let kind = match &env.request {
        Request::NewSession(_)
        | Request::KillPane { .. }
        | Request::KillWindow { .. }
        | Request::KillSession { .. }
        | Request::KillPaneRemoveWorktree { .. }
        | Request::KillOthers { .. }
        | Request::MoveWindow { .. }
        | Request::UnlinkWindow { .. } => Kind::MayEmpty,
        Request::ListSessions
        | Request::ListWindows { .. }
        | Request::ListPanes { .. }
        | Request::ReadScreen { .. }
        | Request::Send { .. }
        | Request::SendKeys { .. }
        | Request::Wait { .. }
        | Request::WaitFor { .. }
        | Request::WaitForLock { .. }
        | Request::RunShell { .. }
        | Request::HasSession { .. }
        | Request::Identify
        | Request::ListClosedPanes
        | Request::SendInput { .. }
        | Request::WaitForAny { .. }
        | Request::WaitMany { .. }
        | Request::ScheduleList
        | Request::FormatList { .. }
        | Request::ShowOptions { .. }
        | Request::ShowBuffer { .. }
        | Request::ListBuffers
        | Request::ShowEnvironment { .. }
        | Request::ListKeys { .. }
        | Request::ShowHooks { .. }
        | Request::ClientConfig { .. }
        | Request::DisplayMessage { print: true, .. }
        | Request::ServerInfo
        | Request::CapturePane { .. }
        | Request::ListClients { .. } => Kind::ReadOnly,
        _ => Kind::Other,
    };
    // Input is about to reach a pane: its self-reported state (issue 14) no longer holds. Done
    // before the write, so a report the input itself makes is not cleared.
    if let Request::Send { target, .. }
    | Request::SendKeys { target, .. }
    | Request::SendInput { target, .. } = &env.request
    {
        let pane = state
            .registry()
            .resolve_pane(target.as_deref(), caller)
            .ok();
        if let Some(p) = pane {
            orch::input_sent(state, p);
        }
    }
    // A request of an attached client's key binding (sent by the client's own process): as a
    // key in tmux (server_client_key_callback), it makes the client its window's latest; the
    // sizes follow after the request.
    let key_client = if kind == Kind::ReadOnly {
        None
    } else {
        PEER_PID
            .try_with(|p| *p)
            .ok()
            .flatten()
            .and_then(|pid| attach::client_of_pid(state, pid))
    };
    if let Some(c) = key_client {
        clients::touch(state, c);
        crate::hooks::client_active_sizing(state, c, false);
    }
    let hook = crate::hooks::before_request(&env.request);
    let view = crate::hooks::view_before(state, &env.request, caller);
    // Options the attach client takes (status, prefix, mouse...): clients fetch them again.
    let config_changing = matches!(env.request, Request::SetOption { .. });
    // Requests after which tmux recalculates window sizes (`recalculate_sizes`: windows
    // created, closed, linked or made current, options changed, `resize-window`).
    let resizes = matches!(
        env.request,
        Request::NewSession(_)
            | Request::NewWindow { .. }
            | Request::KillPane { .. }
            | Request::KillWindow { .. }
            | Request::KillSession { .. }
            | Request::KillOthers { .. }
            | Request::KillPaneRemoveWorktree { .. }
            | Request::SelectWindow { .. }
            | Request::LastWindow { .. }
            | Request::CycleWindow { .. }
            | Request::SelectLayout { .. }
            | Request::ResizeWindow { .. }
            | Request::BreakPane { .. }
            | Request::JoinPane { .. }
            | Request::MoveWindow { .. }
            | Request::SwapWindow { .. }
            | Request::LinkWindow { .. }
            | Request::UnlinkWindow { .. }
            | Request::RespawnWindow { .. }
            | Request::SwitchClient { .. }
            | Request::SetOption { .. }
    );
    let r = match env.request {
        Request::NewSession(mut ns) => match crate::worktree::prepare_spawn(&mut ns.spawn).await {
            Ok(()) => create::new_session(state, ns).await,
            Err(e) => Err(e),
        },
        Request::NewWindow {
            target,
            name,
            mut spawn,
            detached,
        } => match crate::worktree::prepare_spawn(&mut spawn).await {
            Ok(()) => {
                create::new_window(state, caller, target.as_deref(), name, spawn, detached).await
            }
            Err(e) => Err(e),
        },
        Request::SplitWindow {
            target,
            direction,
            size,
            mut spawn,
            detached,
            before,
            full,
        } => match crate::worktree::prepare_spawn(&mut spawn).await {
            Ok(()) => {
                create::split_window(
                    state,
                    caller,
                    target.as_deref(),
                    direction,
                    size,
                    spawn,
                    detached,
                    crate::layout::SplitFlags { before, full },
                )
                .await
            }
            Err(e) => Err(e),
        },
        Request::ListSessions => list::sessions(state),
        Request::ListWindows { target, all } => {
            list::windows(state, caller, target.as_deref(), all)
        }
        Request::ListPanes { target, all, brief } => {
            list::panes(state, caller, target.as_deref(), all, brief).await
        }
        Request::Send {
            target,
            text,
            enter,
            submit_delay_ms,
            wait,
            timeout_ms,
        } => {
            let opts = io::SendOpts {
                enter,
                submit_delay_ms,
                wait,
                timeout_ms,
            };
            io::send(state, caller, target.as_deref(), text, opts, closed).await
        }
        Request::Wait {
            target,
            spec,
            timeout_ms,
        } => io::wait(state, caller, target.as_deref(), spec, timeout_ms, closed).await,
        Request::Notify {
            target,
            message,
            clear,
        } => manage::notify(state, caller, target.as_deref(), message, clear),
        Request::ClientInput { .. }
        | Request::ClientResize { .. }
        | Request::AttachInput { .. }
        | Request::AttachResize { .. }
        | Request::AttachFocus { .. }
        | Request::AttachKeyTable { .. }
        | Request::AttachDetach
        | Request::AttachKey { .. } => Err(crate::error::CmdError::invalid(
            "input, resize and detach of an attached client are accepted only on its own attach connection, after its attach request",
        )),
        Request::DetachClient { target, client } => {
            attach::detach_client(state, target.as_deref(), client)
        }
        Request::ZoomPane { target } => attach::zoom_pane(state, caller, target.as_deref()),
        Request::CycleWindow { target, offset } => {
            attach::cycle_window(state, caller, target.as_deref(), offset)
        }
        Request::Attach { .. } | Request::Events { .. } => Err(crate::error::CmdError {
            kind: tidemux_proto::ErrorKind::Protocol,
            message: "events are streamed by the connection, not dispatched".into(),
        }),
        Request::SendKeys {
            target,
            keys,
            count,
        } => io::send_keys(state, caller, target.as_deref(), &keys, count).await,
        Request::ReadScreen {
            target,
            range,
            ansi,
        } => io::read_screen(state, caller, target.as_deref(), range, ansi),
        Request::WaitFor {
            channel,
            signal,
            timeout_ms,
        } => waitfor::wait_for(state, channel, signal, timeout_ms, closed).await,
        Request::KillServer => return (Response::Ok, After::Shutdown),
        Request::KillPane { target } => manage::kill_pane(state, caller, target.as_deref()),
        Request::KillWindow { target } => manage::kill_window(state, caller, target.as_deref()),
        Request::KillSession { target } => manage::kill_session(state, caller, target.as_deref()),
        Request::RenameSession { target, name } => {
            manage::rename_session(state, caller, target.as_deref(), name)
        }
        Request::RenameWindow { target, name } => {
            manage::rename_window(state, caller, target.as_deref(), name)
        }
        Request::RenamePane { target, name } => {
            manage::rename_pane(state, caller, target.as_deref(), name)
        }
        Request::SelectWindow { target } => manage::select_window(state, caller, target.as_deref()),
        Request::SelectPane {
            target,
            direction,
            last,
            title,
            mark,
            unmark,
            keep_zoom,
        } => layout::select_pane(
            state,
            caller,
            target.as_deref(),
            layout::SelectPaneFlags {
                direction,
                last,
                title,
                mark,
                unmark,
                keep_zoom,
            },
        ),
        Request::ResizeWindow { target, cols, rows } => {
            manage::resize_window(state, caller, target.as_deref(), cols, rows)
        }
        Request::HasSession { target } => manage::has_session(state, target.as_deref()),
        Request::Identify => manage::identify(state, caller).await,
        Request::ServerInfo => Ok(manage::server_info(state)),
        Request::ListClosedPanes => orch::list_closed(state),
        Request::KillPaneRemoveWorktree { target } => {
            orch::kill_pane_remove_worktree(state, caller, target.as_deref()).await
        }
        Request::SendInput {
            target,
            source,
            enter,
            submit_delay_ms,
            wait,
            timeout_ms,
        } => {
            let opts = io::SendOpts {
                enter,
                submit_delay_ms,
                wait,
                timeout_ms,
            };
            orch::send_input(state, caller, target.as_deref(), source, opts, closed).await
        }
        Request::WaitForAny {
            channels,
            timeout_ms,
        } => waitfor::wait_for_any(state, channels, timeout_ms, closed).await,
        Request::WaitMany {
            targets,
            spec,
            all,
            timeout_ms,
        } => orch::wait_many(state, caller, targets, spec, all, timeout_ms, closed).await,
        Request::Schedule { at_ms, request } => schedule::schedule(state, caller, at_ms, *request),
        Request::ScheduleList => Ok(schedule::list(state)),
        Request::ScheduleCancel { id } => schedule::cancel(state, id),
        Request::SetStatus {
            target,
            state: st,
            message,
        } => orch::set_status(state, caller, target.as_deref(), st, message),
        Request::Log {
            target,
            file,
            ansi,
            max_bytes,
            timestamps,
        } => orch::log(
            state,
            caller,
            target.as_deref(),
            file,
            ansi,
            max_bytes,
            timestamps,
        ),
        Request::DisplayMessage {
            target,
            message,
            print,
            all,
            duration_ms,
        } => format::display_message(
            state,
            caller,
            target.as_deref(),
            &message,
            print,
            all,
            duration_ms,
        ),
        Request::FormatList {
            scope,
            target,
            all,
            format,
            filter,
        } => format::format_list(
            state,
            caller,
            scope,
            target.as_deref(),
            all,
            &format,
            filter.as_deref(),
        ),
        Request::SetOption {
            target,
            option,
            value,
            flags,
        } => options::set_option(state, caller, target.as_deref(), &option, value, flags),
        Request::ShowOptions {
            target,
            option,
            flags,
        } => options::show_options(state, caller, target.as_deref(), option.as_deref(), flags),
        Request::SetBuffer {
            name,
            data,
            append,
            rename,
        } => buffers::set_buffer(state, name.as_deref(), data, append, rename.as_deref()),
        Request::DeleteBuffer { name } => buffers::delete_buffer(state, name.as_deref()),
        Request::ShowBuffer { name } => buffers::show_buffer(state, name.as_deref()),
        Request::ListBuffers => buffers::list_buffers(state),
        Request::PasteBuffer {
            target,
            name,
            delete,
            bracket,
            keep_lf,
            separator,
        } => {
            buffers::paste_buffer(
                state,
                caller,
                target.as_deref(),
                name.as_deref(),
                delete,
                bracket,
                keep_lf,
                separator.as_deref(),
            )
            .await
        }
        Request::SetEnvironment {
            target,
            name,
            value,
            global,
            unset,
            remove,
            hidden,
            format,
        } => environ::set_environment(
            state,
            caller,
            target.as_deref(),
            &name,
            value,
            global,
            unset,
            remove,
            hidden,
            format,
        ),
        Request::RunShell {
            target,
            command,
            background,
            delay_secs,
            cwd,
        } => {
            runshell::run_shell(
                state,
                caller,
                target.as_deref(),
                &command,
                background,
                delay_secs,
                cwd,
                closed,
            )
            .await
        }
        Request::KillOthers { scope, target } => {
            others::kill_others(state, caller, scope, target.as_deref())
        }
        Request::WaitForLock {
            channel,
            unlock,
            timeout_ms,
        } => waitlock::wait_for_lock(state, channel, unlock, timeout_ms, closed).await,
        Request::ShowEnvironment {
            target,
            name,
            global,
            hidden,
            shell,
        } => environ::show_environment(
            state,
            caller,
            target.as_deref(),
            name.as_deref(),
            global,
            hidden,
            shell,
        ),
        Request::SelectLayout {
            target,
            layout: name,
            next,
            previous,
            spread,
            old,
        } => layout::select_layout(
            state,
            caller,
            target.as_deref(),
            name.as_deref(),
            next,
            previous,
            spread,
            old,
        ),
        Request::ResizePane {
            target,
            direction,
            adjustment,
            width,
            height,
            zoom,
        } => layout::resize_pane(
            state,
            caller,
            target.as_deref(),
            direction,
            adjustment,
            width,
            height,
            zoom,
        ),
        Request::SwapPane {
            source,
            target,
            direction,
            detached,
            keep_zoom,
        } => layout::swap_pane(
            state,
            caller,
            source.as_deref(),
            target.as_deref(),
            direction,
            detached,
            keep_zoom,
        ),
        Request::RotateWindow {
            target,
            down,
            keep_zoom,
        } => layout::rotate_window(state, caller, target.as_deref(), down, keep_zoom),
        Request::LastPane { target, keep_zoom } => layout::select_pane(
            state,
            caller,
            target.as_deref(),
            layout::SelectPaneFlags {
                last: true,
                keep_zoom,
                ..Default::default()
            },
        ),
        Request::BreakPane {
            source,
            target,
            name,
            detached,
            after,
            before,
            print_format,
        } => relocate::break_pane(
            state,
            caller,
            source.as_deref(),
            target.as_deref(),
            name,
            relocate::Place {
                after,
                before,
                detached,
                kill: false,
            },
            print_format.as_deref(),
        ),
        Request::JoinPane {
            source,
            target,
            horizontal,
            size,
            before,
            full,
            detached,
        } => relocate::join_pane(
            state,
            caller,
            source.as_deref(),
            target.as_deref(),
            horizontal,
            size,
            crate::layout::SplitFlags { before, full },
            detached,
        ),
        Request::MoveWindow {
            source,
            target,
            after,
            before,
            detached,
            kill,
            renumber,
        } => relocate::move_window(
            state,
            caller,
            source.as_deref(),
            target.as_deref(),
            relocate::Place {
                after,
                before,
                detached,
                kill,
            },
            renumber,
        ),
        Request::SwapWindow {
            source,
            target,
            detached,
        } => relocate::swap_window(state, caller, source.as_deref(), target.as_deref(), detached),
        Request::LinkWindow { source, target } => relocate::link_window(
            state,
            caller,
            source.as_deref(),
            target.as_deref(),
            relocate::Place::default(),
        ),
        Request::UnlinkWindow { target, kill } => {
            relocate::unlink_window(state, caller, target.as_deref(), kill)
        }
        Request::LastWindow { target } => relocate::last_window(state, caller, target.as_deref()),
        Request::RespawnPane {
            target,
            kill,
            spawn,
        } => respawn::respawn_pane(state, caller, target.as_deref(), kill, spawn).await,
        Request::RespawnWindow {
            target,
            kill,
            spawn,
        } => respawn::respawn_window(state, caller, target.as_deref(), kill, spawn).await,
        Request::PipePane {
            target,
            command,
            toggle,
            input,
            output,
        } => {
            pipe::pipe_pane(
                state,
                caller,
                target.as_deref(),
                command.as_deref(),
                toggle,
                input,
                output,
            )
            .await
        }
        Request::CapturePane { target, options } => {
            capture::capture_pane(state, caller, target.as_deref(), &options)
        }
        Request::ClearHistory { target } => {
            capture::clear_history(state, caller, target.as_deref())
        }
        Request::ListClients {
            target,
            format,
            filter,
        } => clients::list_clients(
            state,
            caller,
            target.as_deref(),
            format.as_deref(),
            filter.as_deref(),
        ),
        Request::SwitchClient {
            client,
            target,
            next,
            previous,
            last,
            toggle_read_only,
        } => clients::switch_client(
            state,
            caller,
            client.as_deref(),
            target.as_deref(),
            clients::SwitchHow {
                next,
                previous,
                last,
                toggle_read_only,
            },
        ),
        Request::RefreshClient {
            client,
            size,
            pan,
            adjustment,
            flags,
        } => clients::refresh_client(
            state,
            caller,
            client.as_deref(),
            &clients::Refresh {
                size: size.as_deref(),
                pan: pan.as_deref(),
                adjustment: adjustment.as_deref(),
                flags: flags.as_deref(),
            },
        ),
        Request::Tmux { .. } => Err(crate::error::CmdError::invalid("tmux request handled above")),
        Request::TmuxControl { .. } | Request::TmuxControlInput { .. } => {
            Err(crate::error::CmdError {
                kind: tidemux_proto::ErrorKind::Protocol,
                message: "control mode is streamed by the connection, not dispatched".into(),
            })
        }
        Request::UpgradeServer { binary } => crate::upgrade::request(state, binary),
        Request::BindKey {
            table,
            root,
            repeat,
            note,
            key,
            command,
        } => crate::keys::bind_key(state, table, root, repeat, note, &key, &command),
        Request::UnbindKey {
            table,
            root,
            all,
            quiet,
            key,
        } => crate::keys::unbind_key(state, table, root, all, quiet, key.as_deref()),
        Request::ListKeys {
            table,
            notes,
            all,
            one,
            prefix_string,
            key,
        } => crate::keys::list_keys(
            state,
            &crate::keys::ListArgs {
                table,
                notes,
                all,
                one,
                prefix_string,
                key,
            },
        ),
        Request::SetHook {
            target,
            hook,
            command,
            global,
            window,
            pane,
            append,
            unset,
            run,
        } => crate::hooks::set_hook(
            state,
            caller,
            target.as_deref(),
            &hook,
            command.as_deref(),
            crate::hooks::Flags {
                global,
                window,
                pane,
            },
            append,
            unset,
            run,
        ),
        Request::ShowHooks {
            target,
            hook,
            global,
            window,
            pane,
        } => crate::hooks::show_hooks(
            state,
            caller,
            target.as_deref(),
            hook.as_deref(),
            crate::hooks::Flags {
                global,
                window,
                pane,
            },
        ),
        Request::ClientConfig { target } => {
            crate::keys::client::client_config(state, caller, target.as_deref())
        }
    };
    if let Some(c) = key_client {
        // tmux cmd-select-window.c, cmd-new-window.c: the window the command made current
        // gets the command's client as its latest.
        crate::hooks::selected_by(state, c);
    }
    if resizes || key_client.is_some() {
        resize::recalculate_sizes(state);
    }
    if kind != Kind::ReadOnly {
        state.bump_model();
    }
    if config_changing {
        state.bump_config();
    }
    let reply = r.unwrap_or_else(Response::from);
    crate::hooks::view_after(state, view, !matches!(reply, Response::Error(_)));
    crate::hooks::after_request(state, hook, caller, &reply);
    (reply, after_request(state, kind))
}

/// Which requests may leave the server without sessions: after their reply, an empty server
/// exits (tmux `exit-empty`). Other requests never stop it, so a `list-sessions` racing an
/// auto-started server's first `new-session` cannot stop that server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// kill-pane/window/session, or a new-session that may have failed.
    MayEmpty,
    /// Changes nothing attached clients show (besides pane output).
    ReadOnly,
    /// Anything else.
    Other,
}

fn after_request(state: &ServerState, kind: Kind) -> After {
    if kind == Kind::MayEmpty && behaviour::should_exit(state) {
        After::Shutdown
    } else {
        After::Continue
    }
}
