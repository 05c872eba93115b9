//! The parse gate: at most [`permits`] reader threads parse at a time, served in arrival order.
//!
//! Why: a reader holds its pane's lock while it parses a slice of output. With 100 panes
//! flooding and one reader thread per pane, a reader holding its lock could be preempted by
//! the 99 others (all runnable, all at the same priority) and make a request that needs that
//! pane wait for a whole round of the scheduler: a priority inversion. Through the gate only as
//! many readers as there are CPUs hold a pane lock at once; the others sleep in the gate
//! without holding anything, so a lock holder competes only with the runtime threads (which
//! have the higher priority) and finishes its slice at once. FIFO order also shares the
//! parsing time fairly between flooding panes.

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
    free: usize,
    queue: VecDeque<Arc<Waiter>>,
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
                free: n.max(1),
                queue: VecDeque::new(),
            }),
        }
    }

    /// Blocks until a permit is free (first come, first served).
    pub fn acquire(&self) -> Permit<'_> {
        let me = {
            let mut g = lock(&self.inner);
            if g.free > 0 && g.queue.is_empty() {
                g.free -= 1;
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
        match g.queue.pop_front() {
            Some(w) => {
                w.granted.store(true, Ordering::Release);
                w.thread.unpark();
            }
            None => g.free += 1,
        }
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
        assert_eq!(lock(&gate.inner).free, 2);
    }
}
