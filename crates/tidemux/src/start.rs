// What the process needs of Rust's runtime start-up, which `#![no_main]` skips (issue 9).
//
// `std::rt::lang_start` on Unix does four things before `main`; this program keeps two:
// - SIGPIPE is ignored (kept): a write to a closed pipe or socket must be an error
//   (`EPIPE`) that the code handles (`tidemux events | head`, a server writing to a client
//   that left, `pipe-pane`), not a silent death. std's `Command` still restores the default
//   disposition in the programs it starts (panes, `run-shell`), as before: it does so unless
//   the `unix_sigpipe` attribute is used, which it is not.
// - standard descriptors 0, 1 and 2 that are closed are opened on `/dev/null` (kept): so that
//   a socket or a PTY opened later never lands on one of them and gets written to by a stray
//   print.
// - the main thread's stack guard is looked up (`pthread_getattr_np`, which on glibc reads
//   and parses `/proc/self/maps`), a signal stack is allocated and SIGSEGV/SIGBUS handlers are
//   installed, only to print "thread '...' has overflowed its stack" before the abort
//   (dropped: a stack overflow, on any thread, still ends the process with SIGSEGV, without
//   that line; threads std spawns no longer get a signal stack either).
// - the main thread is named `main` (dropped: a panic on it reports `<unnamed>`).

/// Runs before anything else in `main`.
#[cfg_attr(
    any(test, not(all(target_os = "linux", target_env = "gnu"))),
    allow(dead_code)
)]
pub fn init() {
    // SAFETY: plain libc calls on the process's own signal disposition and descriptors, made
    // while this is the only thread; arguments are valid (a static C string, a local array).
    unsafe {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        if libc::poll(fds.as_mut_ptr(), 3, 0) != -1 {
            for p in fds {
                if p.revents & libc::POLLNVAL != 0
                    && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) == -1
                {
                    libc::abort();
                }
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}
