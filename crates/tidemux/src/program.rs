// The `tidemux` program: the scripting CLI, and `tidemux server`. Included by main.rs and by
// protocol_bump.rs (both `#![no_main]`).
//
// Exit codes: 0 success, 1 error (one line on stderr: `tidemux: <command>: <why>`), 2 usage,
// 124 a wait timed out.
//
// No inner attributes or `//!` docs here: this file is included (`include!`).

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
mod pow;
mod start;
mod tmux;

use std::process::ExitCode;

/// The process's entry point on Linux with glibc, called by the C runtime (`#![no_main]` in
/// main.rs).
///
/// Rust's own start-up (`std::rt::lang_start`) is skipped: on glibc it reads `/proc/self/maps`
/// to find the main thread's stack guard and sets up a signal stack and handlers for stack
/// overflow reports, about 0.1 ms of every one-shot command's 1 ms (issue 9). What of it this
/// program relies on is done by [`start::init`]; see there. The arguments still come from
/// `std::env::args_os`: with glibc, std captures them before `main` (an `.init_array`
/// function), which is why this is limited to glibc (elsewhere std may take them from
/// `lang_start`). The exit goes through `std::process::exit`, which flushes standard output
/// as a return from Rust's `main` does.
#[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
#[no_mangle]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    start::init();
    // A panic ends the process with 101 after the panic message, as from Rust's `main`
    // (unwinding out of this function would abort instead).
    match std::panic::catch_unwind(run) {
        Ok(code) => std::process::exit(exit_status(code)),
        Err(_) => std::process::exit(101),
    }
}

/// The entry point elsewhere.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() -> ExitCode {
    run()
}

/// The status an [`ExitCode`] stands for (every one this program makes is `ExitCode::from`
/// a `u8`; `ExitCode::exit_process` is not stable yet).
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
fn exit_status(code: ExitCode) -> i32 {
    (0..=u8::MAX)
        .find(|&n| ExitCode::from(n) == code)
        .map_or(1, i32::from)
}

#[cfg_attr(all(test, target_os = "linux", target_env = "gnu"), allow(dead_code))]
fn run() -> ExitCode {
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

#[cfg(test)]
mod program_tests {
    use std::process::ExitCode;

    /// Every exit status the program makes comes back out of its `ExitCode`.
    #[test]
    fn exit_status_reads_the_code_back() {
        for n in [0u8, 1, 2, 101, 124, 255] {
            assert_eq!(super::exit_status(ExitCode::from(n)), i32::from(n));
        }
        assert_eq!(super::exit_status(ExitCode::SUCCESS), 0);
        assert_eq!(super::exit_status(ExitCode::FAILURE), 1);
    }
}
