//! bind-key, unbind-key, list-keys, set-hook, show-hooks.

use super::{unexpected, Ctx};
use crate::cli_keys::KeysCommand;
use crate::output::{self, Failure};
use tidemux_proto::{Request, Response};

/// The command's name for error messages.
pub fn name(c: &KeysCommand) -> &'static str {
    match c {
        KeysCommand::BindKey { .. } => "bind-key",
        KeysCommand::UnbindKey { .. } => "unbind-key",
        KeysCommand::ListKeys { .. } => "list-keys",
        KeysCommand::SetHook { .. } => "set-hook",
        KeysCommand::ShowHooks { .. } => "show-hooks",
    }
}

/// Runs one of the key and hook commands.
pub fn run(ctx: &Ctx, c: KeysCommand) -> Result<(), Failure> {
    let req = match c {
        KeysCommand::BindKey {
            root,
            repeat,
            table,
            note,
            key,
            command,
        } => Request::BindKey {
            table,
            root,
            repeat,
            note,
            key,
            command,
        },
        KeysCommand::UnbindKey {
            all,
            root,
            quiet,
            table,
            key,
        } => Request::UnbindKey {
            table,
            root,
            all,
            quiet,
            key,
        },
        KeysCommand::ListKeys {
            one,
            all,
            notes,
            prefix_string,
            table,
            key,
        } => Request::ListKeys {
            table,
            notes,
            all,
            one,
            prefix_string,
            key,
        },
        KeysCommand::SetHook {
            target,
            append,
            global,
            pane,
            run,
            unset,
            window,
            hook,
            command,
        } => Request::SetHook {
            target: target.target,
            hook,
            command,
            global,
            window,
            pane,
            append,
            unset,
            run,
        },
        KeysCommand::ShowHooks {
            target,
            global,
            pane,
            window,
            hook,
        } => Request::ShowHooks {
            target: target.target,
            hook,
            global,
            window,
            pane,
        },
    };
    match ctx.call(req)? {
        Response::Ok => {
            ctx.done();
            Ok(())
        }
        Response::Lines(v) if ctx.json => {
            output::json(&v);
            Ok(())
        }
        Response::Lines(v) => {
            v.iter().for_each(|l| output::line(l));
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}
