//! Small synchronisation helpers.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, ignoring poisoning: a panic elsewhere must not cascade through the server (the
/// data behind our mutexes stays consistent between statements).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
