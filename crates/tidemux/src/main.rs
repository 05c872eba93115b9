//! The `tidemux` binary: the scripting CLI, and `tidemux server`.
//!
//! Exit codes: 0 success, 1 error (one line on stderr: `tidemux: <command>: <why>`), 2 usage,
//! 124 a wait timed out.

mod cli;
mod cli_cmdset;
mod cli_keys;
mod cli_panecmds;
mod commands;
mod fallback;
mod install;
mod logging;
mod output;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::parse_args(std::env::args_os()) {
        Ok(cli) => commands::run(cli),
        Err(e) => e.exit(),
    }
}
