// The `tidemux` binary: the scripting CLI, and `tidemux server`.
//
// Exit codes: 0 success, 1 error (one line on stderr: `tidemux: <command>: <why>`), 2 usage,
// 124 a wait timed out.
//
// No inner attributes or `//!` docs here: `protocol_bump.rs` (the protocol-bumped test build,
// issue 16) is this same file through `include!`.

mod cli;
mod cli_cmdset;
mod cli_keys;
mod cli_layout;
mod cli_panecmds;
mod commands;
mod fallback;
mod fast;
mod install;
mod logging;
mod output;
mod tmux;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Invoked as `tmux` (a link named tmux) or as `tidemux tmux ...`: tmux's language (issue 12).
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(code) = tmux::dispatch(&argv) {
        return code;
    }
    // The plain forms of the commands scripts run in loops skip clap's grammar (issue 9).
    match fast::parse(&argv) {
        Some(fast::Fast::Version) => {
            print!("{}", fast::version_line());
            return ExitCode::SUCCESS;
        }
        Some(fast::Fast::Cli(cli)) => return commands::run(*cli),
        None => {}
    }
    match cli::parse_args(argv) {
        Ok(cli) => commands::run(cli),
        Err(e) => e.exit(),
    }
}
