//! The `tidemux` binary: the scripting CLI, and `tidemux server`.
//!
//! Exit codes: 0 success, 1 error (one line on stderr: `tidemux: <command>: <why>`), 2 usage,
//! 124 a wait timed out.

mod cli;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli)
}
