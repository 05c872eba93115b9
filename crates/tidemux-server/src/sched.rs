//! Scheduling hints for the server's threads (Linux EEVDF custom slices).

/// Asks the kernel to give the calling thread time slices of `slice_ns` nanoseconds (Linux
/// 6.12+ EEVDF: `sched_attr.sched_runtime` of a `SCHED_OTHER` thread; a shorter slice gives
/// earlier deadlines, so the thread runs sooner after it wakes; 100 µs to 100 ms) and the
/// nice value `nice`. Does nothing where unsupported.
pub fn set_slice(slice_ns: u64, nice: i32) {
    #[cfg(target_os = "linux")]
    {
        #[repr(C)]
        struct SchedAttr {
            size: u32,
            policy: u32,
            flags: u64,
            nice: i32,
            priority: u32,
            runtime: u64,
            deadline: u64,
            period: u64,
        }
        let attr = SchedAttr {
            size: std::mem::size_of::<SchedAttr>() as u32,
            policy: 0,
            flags: 0,
            nice,
            priority: 0,
            runtime: slice_ns,
            deadline: 0,
            period: 0,
        };
        // SAFETY: sched_setattr(0 = this thread, a valid sched_attr of `size` bytes, 0).
        let _ = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &attr as *const SchedAttr, 0) };
    }
}

/// Experiment: a slice from the environment variable `name`, in ns.
pub fn env_slice(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}
