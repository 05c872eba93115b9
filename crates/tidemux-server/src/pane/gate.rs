//! The parse gate: at most [`permits`] reader threads read and parse at a time, served in
//! arrival order, and one fewer while the async runtime has work (see [`worker_busy`]).
//!
//! Why: a reader holds its pane's lock while it parses a slice of output. With 100 panes
//! flooding and one reader thread per pane, a reader holding its lock could be preempted by
//! the 99 others (all runnable, all at the same priority) and make a request that needs that
//! pane wait for a whole round of the scheduler: a priority inversion. Through the gate only as
//! many readers as there are CPUs hold a pane lock at once; the others sleep in the gate
//! without holding any lock, so a lock holder competes only with the runtime threads (which
//! have the higher priority) and finishes its slice at once. FIFO order also shares the
//! parsing time fairly between flooding panes. A reader reads its PTY only during its turn
//! (a permit, up to `pane::PUBLISH_BYTES` parsed or `pane::TURN_MAX`): the program of a pane
//! waiting for its turn stays blocked in `write(2)` on its full PTY instead of competing for
//! the CPU, so during a flood only the programs of the panes being served are runnable.
//!
//! While a runtime worker runs (a request, a reply, an attached client's frame), parsing gets
//! at most `permits - 1` CPUs (at least one): replies never wait for a CPU that parsing holds
//! (issue 8: replies p99 within 100 ms with 100 panes flooding). The runtime reports this
//! through [`worker_busy`] (tokio's `on_thread_unpark` / `on_thread_park` hooks).

use crate::sync::lock;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;

struct Waiter {
    thread: Thread,
    granted: AtomicBool,
}

#[derive(Default)]
struct Inner {
    /// Permits held now.
    held: usize,
    /// Permits when the runtime is idle.
    permits: usize,
    /// Runtime workers running now.
    busy: usize,
    queue: VecDeque<Arc<Waiter>>,
}

impl Inner {
    /// Permits that may be held now.
    fn limit(&self) -> usize {
        if self.busy > 0 {
            self.permits.saturating_sub(1).max(1)
        } else {
            self.permits
        }
    }

    /// Hands free permits to the first waiters, in order.
    fn grant(&mut self) {
        while self.held < self.limit() {
            let Some(w) = self.queue.pop_front() else {
                return;
            };
            self.held += 1;
            w.granted.store(true, Ordering::Release);
            w.thread.unpark();
        }
    }
}

/// A FIFO counting semaphore for OS threads (direct hand-off, no thundering herd).
pub struct Gate {
    inner: Mutex<Inner>,
}

/// A held permit; released on drop.
pub struct Permit<'a> {
    gate: &'a Gate,
}

impl Gate {
    /// A gate with `n` permits (at least 1).
    pub fn new(n: usize) -> Self {
        Gate {
            inner: Mutex::new(Inner {
                permits: n.max(1),
                ..Inner::default()
            }),
        }
    }

    /// Blocks until a permit is free (first come, first served).
    pub fn acquire(&self) -> Permit<'_> {
        let me = {
            let mut g = lock(&self.inner);
            if g.held < g.limit() && g.queue.is_empty() {
                g.held += 1;
                return Permit { gate: self };
            }
            let me = Arc::new(Waiter {
                thread: std::thread::current(),
                granted: AtomicBool::new(false),
            });
            g.queue.push_back(Arc::clone(&me));
            me
        };
        while !me.granted.load(Ordering::Acquire) {
            std::thread::park();
        }
        Permit { gate: self }
    }

    fn release(&self) {
        let mut g = lock(&self.inner);
        g.held -= 1;
        g.grant();
    }

    /// A runtime worker starts (`true`) or stops (`false`) running tasks.
    fn set_busy(&self, busy: bool) {
        let mut g = lock(&self.inner);
        if busy {
            g.busy += 1;
        } else {
            g.busy = g.busy.saturating_sub(1);
            g.grant();
        }
    }
}

thread_local! {
    /// Whether this runtime worker is counted as running.
    static COUNTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Called by the runtime's thread hooks: `true` when a worker wakes up to run tasks
/// (`on_thread_unpark`), `false` when it goes idle (`on_thread_park`). Counted once per
/// thread whatever the order of the first calls.
pub fn worker_busy(busy: bool) {
    let changed = COUNTED.with(|c| c.replace(busy) != busy);
    if changed {
        global().set_busy(busy);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.gate.release();
    }
}

/// Permits of the global gate: the number of CPUs the server may use.
pub fn permits() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The server-wide parse gate.
pub fn global() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| Gate::new(permits()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn never_more_holders_than_permits() {
        let gate = Arc::new(Gate::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, inside, most) = (gate.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let _p = gate.acquire();
                        let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(n, Ordering::SeqCst);
                        std::hint::spin_loop();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(lock(&gate.inner).held, 0);
    }

    #[test]
    fn a_busy_runtime_leaves_one_permit_free() {
        let gate = Gate::new(2);
        gate.set_busy(true);
        let a = gate.acquire();
        // A second holder would wait now: only one permit while the runtime works.
        assert_eq!(lock(&gate.inner).limit(), 1);
        let waiter = std::thread::scope(|s| {
            let t = s.spawn(|| {
                let _b = gate.acquire();
            });
            while lock(&gate.inner).queue.is_empty() {
                std::thread::yield_now();
            }
            // Idle again: the waiter gets the second permit while `a` is still held.
            gate.set_busy(false);
            t.join().is_ok()
        });
        assert!(waiter);
        drop(a);
        assert_eq!(lock(&gate.inner).held, 0);
        // With a single CPU the one permit stays whatever the runtime does.
        let one = Gate::new(1);
        one.set_busy(true);
        drop(one.acquire());
    }
}
