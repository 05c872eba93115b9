//! What the terminal's foreground process is doing, from Linux `/proc`.
//!
//! Method: the foreground process group of the PTY (`tcgetpgrp` on the master) names its leader
//! PID. From `/proc/PID/stat` we read its scheduler state (`R` = on a CPU), from
//! `/proc/PID/syscall` the system call it is blocked in: `read`/`readv` on a file descriptor that
//! is a terminal (`/proc/PID/fd/N` -> `/dev/pts/*` or `/dev/tty*`), or `select`/`poll`/`epoll`
//! family while its stdin is a terminal, counts as "reading the terminal".
//!
//! Limits: a program that waits in `poll`/`epoll` for the network while its stdin is a terminal
//! looks like it reads the terminal (its screen usually shows activity instead); only the group
//! leader is inspected; `/proc/PID/syscall` needs ptrace access to the process (the server's own
//! descendants are fine). On systems without `/proc` nothing is known and panes are never
//! `waiting-input`.

use tidemux_proto::Process;

/// One look at a process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sample {
    /// Scheduler state `R`.
    pub on_cpu: bool,
    /// Blocked reading the terminal (see the module docs).
    pub reading_tty: bool,
    /// Pid and name.
    pub process: Option<Process>,
}

#[cfg(target_arch = "x86_64")]
mod nr {
    pub const READ: &[u64] = &[0, 19]; // read, readv
    pub const WAIT: &[u64] = &[7, 23, 232, 270, 271, 281, 441]; // poll select epoll_wait pselect6 ppoll epoll_pwait epoll_pwait2
}
#[cfg(target_arch = "aarch64")]
mod nr {
    pub const READ: &[u64] = &[63, 65]; // read, readv
    pub const WAIT: &[u64] = &[22, 72, 73, 441]; // epoll_pwait pselect6 ppoll epoll_pwait2
}
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod nr {
    pub const READ: &[u64] = &[];
    pub const WAIT: &[u64] = &[];
}

fn is_tty_fd(pid: u32, fd: u64) -> bool {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .map(|p| {
            let s = p.to_string_lossy();
            s.starts_with("/dev/pts/") || s.starts_with("/dev/tty")
        })
        .unwrap_or(false)
}

/// Samples process `pid`.
pub fn sample(pid: u32) -> Sample {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Sample::default();
    };
    // comm is in parentheses and may contain spaces; the state follows the last ')'.
    let (name, state) = match (stat.find('('), stat.rfind(')')) {
        (Some(a), Some(b)) if a < b => (
            stat[a + 1..b].to_owned(),
            stat[b + 1..].trim_start().chars().next(),
        ),
        _ => (String::new(), None),
    };
    let on_cpu = state == Some('R');
    let mut reading_tty = false;
    if !on_cpu {
        if let Ok(sc) = std::fs::read_to_string(format!("/proc/{pid}/syscall")) {
            let mut it = sc.split_whitespace();
            let num = it.next().and_then(|n| n.parse::<u64>().ok());
            let arg0 = it
                .next()
                .and_then(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok());
            reading_tty = match num {
                Some(n) if nr::READ.contains(&n) => arg0.is_some_and(|fd| is_tty_fd(pid, fd)),
                Some(n) if nr::WAIT.contains(&n) => is_tty_fd(pid, 0),
                _ => false,
            };
        }
    }
    Sample {
        on_cpu,
        reading_tty,
        process: Some(Process { pid, name }),
    }
}

/// Working directory of `pid`.
pub fn cwd(pid: u32) -> Option<String> {
    std::fs::read_link(format!("/proc/{pid}/cwd"))
        .ok()
        .map(|p| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_self() {
        let s = sample(std::process::id());
        let p = s.process.unwrap();
        assert_eq!(p.pid, std::process::id());
        assert!(!p.name.is_empty());
        assert!(cwd(std::process::id()).is_some());
        assert_eq!(sample(u32::MAX), Sample::default());
    }
}
