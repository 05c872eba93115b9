//! Commands that need no server: `completions`, `man` and `shell-init`. They print or write
//! files generated from the command-line grammar in [`crate::cli`].

use crate::cli::{command, InitShell};
use crate::output::Failure;
use std::io::Write;
use std::path::Path;

/// `tidemux completions SHELL`: the completion script on stdout (`clap_complete`).
pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut cmd = command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tidemux", &mut out);
    print(&out)
}

/// `tidemux man [--dir DIR]`: `tidemux.1` on stdout, or with DIR (created if missing) one page
/// per command, `tidemux-COMMAND.1`, plus `tidemux.1`, whose paths are printed one per line.
pub fn man(dir: Option<&Path>) -> Result<(), Failure> {
    let cmd = command();
    let Some(dir) = dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut out)
            .map_err(|e| Failure::new("failed", format!("cannot render the manual page: {e}")))?;
        return print(&out);
    };
    let fail = |e: std::io::Error| {
        Failure::new(
            "failed",
            format!("cannot write manual pages into {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    clap_mangen::generate_to(cmd, dir).map_err(fail)?;
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .map_err(fail)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tidemux") && n.ends_with(".1"))
        })
        .collect();
    pages.sort();
    let list: String = pages.iter().map(|p| format!("{}\n", p.display())).collect();
    print(list.as_bytes())
}

/// The snippet `tidemux shell-init SHELL` prints (see `src/shell_init/`).
pub fn shell_snippet(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => include_str!("shell_init/bash.sh"),
        InitShell::Zsh => include_str!("shell_init/zsh.sh"),
        InitShell::Fish => include_str!("shell_init/fish.sh"),
    }
}

/// `tidemux shell-init SHELL`: the shell-integration snippet on stdout.
pub fn shell_init(shell: InitShell) -> Result<(), Failure> {
    print(shell_snippet(shell).as_bytes())
}

fn print(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new("failed", format!("cannot write to stdout: {e}")))
}
