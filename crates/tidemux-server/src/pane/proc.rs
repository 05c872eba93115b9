//! What the terminal's foreground process is doing, from Linux `/proc`.
//!
//! Method: the foreground process group of the PTY (`tcgetpgrp` on the master) names its leader
//! PID. From `/proc/PID/stat` we read its scheduler state (`R` = on a CPU), from
//! `/proc/PID/syscall` the system call it is blocked in: `read`/`readv` on a file descriptor that
//! is a terminal (`/proc/PID/fd/N` -> `/dev/pts/*` or `/dev/tty*`), or `select`/`poll`/`epoll`
//! family while its stdin is a terminal, counts as "reading the terminal".
//!
//! Every member of the foreground process group counts, not only its leader ([`sample_group`]):
//! the leader's descendants (through `/proc/PID/task/TID/children`) that are in the same group
//! are sampled too, so `sh -c 'python3 -c "input()"'` is seen as reading the terminal through
//! the waiting `sh`. The group is on a CPU if any member is, and reads the terminal if any
//! member does.
//!
//! Limits: a program that waits in `poll`/`epoll` for the network while its stdin is a terminal
//! looks like it reads the terminal (its screen usually shows activity instead); members that
//! are not descendants of the leader (rare: re-parented orphans) are not seen;
//! `/proc/PID/syscall` needs ptrace access to the process (the server's own descendants are
//! fine). On systems without `/proc` nothing is known and panes are never `waiting-input`.

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
    /// The member blocked reading the terminal ([`sample_group`]).
    pub reader: Option<Process>,
}

/// Most group members sampled per call.
pub const MAX_MEMBERS: usize = 64;

/// The text of a small `/proc` file in one `read` (open, read, close: `std::fs::read` also
/// does a `statx` and reads in growing steps, five system calls for a `stat` line). Falls back
/// to reading it whole when it does not fit in 1 KiB.
fn read_small(path: &str) -> Option<String> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut buf = [0u8; 1024];
    let n = loop {
        match rustix::io::read(&fd, &mut buf) {
            Ok(n) => break n,
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return None,
        }
    };
    if n == buf.len() {
        return std::fs::read_to_string(path).ok();
    }
    Some(String::from_utf8_lossy(&buf[..n]).into_owned())
}

/// Process group and parent of `pid` from `/proc/PID/stat`.
fn pgrp_of(pid: u32) -> Option<u32> {
    let stat = read_small(&format!("/proc/{pid}/stat"))?;
    let rest = &stat[stat.rfind(')')? + 1..];
    // state ppid pgrp ...
    rest.split_whitespace().nth(2)?.parse().ok()
}

fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in tasks.flatten() {
        if let Some(c) = t.path().join("children").to_str().and_then(read_small) {
            out.extend(c.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
        }
    }
    out
}

/// Samples the foreground process group led by `leader`: the leader and its descendants in
/// the same group (at most [`MAX_MEMBERS`]). `process` is the leader; `reader` the first member
/// found reading the terminal.
pub fn sample_group(leader: u32) -> Sample {
    let mut agg = sample(leader);
    if agg.reading_tty {
        agg.reader = agg.process.clone();
    }
    if agg.on_cpu {
        return agg;
    }
    let mut queue = children(leader);
    let mut seen = 1;
    while let Some(pid) = queue.pop() {
        if seen >= MAX_MEMBERS {
            break;
        }
        seen += 1;
        if pgrp_of(pid) != Some(leader) {
            continue;
        }
        let s = sample(pid);
        if s.on_cpu {
            agg.on_cpu = true;
            return agg;
        }
        if s.reading_tty && agg.reader.is_none() {
            agg.reading_tty = true;
            agg.reader = s.process;
        }
        queue.extend(children(pid));
    }
    agg
}

/// Command names of shells: a shell reading the terminal is at its prompt (`at-prompt`).
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "fish", "dash", "ksh", "mksh", "tcsh", "csh", "ash", "nu", "elvish",
    "xonsh", "busybox",
];

/// Whether a command name is a shell's (a leading `-` of a login shell ignored).
pub fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name.trim_start_matches('-'))
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
    let Some(stat) = read_small(&format!("/proc/{pid}/stat")) else {
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
        if let Some(sc) = read_small(&format!("/proc/{pid}/syscall")) {
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
        reader: None,
    }
}

/// Pid and command name of `pid` (one read of `/proc/PID/stat`; [`sample`] also reads its
/// system call, which listings do not need).
pub fn process(pid: u32) -> Option<Process> {
    let stat = read_small(&format!("/proc/{pid}/stat"))?;
    let (a, b) = (stat.find('(')?, stat.rfind(')')?);
    (a < b).then(|| Process {
        pid,
        name: stat[a + 1..b].to_owned(),
    })
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
        assert_eq!(process(std::process::id()), Some(p));
        assert_eq!(process(u32::MAX), None);
        // A file larger than the one-read buffer (`status` is about 1.5 KiB) is read whole.
        let big = read_small("/proc/self/status").expect("status");
        assert!(big.len() > 1024 || !big.is_empty());
        assert!(big.lines().last().unwrap_or("").contains(':'), "{big}");
        assert!(big.contains("VmRSS:") || big.contains("Name:"), "{big}");
        assert_eq!(sample(u32::MAX), Sample::default());
    }
}
