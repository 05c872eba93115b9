//! `wait-for -L` / `wait-for -U`: channel locks with tmux 3.3a's semantics (cmd-wait-for.c):
//! `-L` takes the channel's lock, waiting in line while another holder has it; `-U` releases
//! it, handing it to the first in line. Locks belong to no client: any client may unlock.

use crate::error::{CmdError, CmdResult};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::Response;
use tokio::sync::oneshot;

/// Most channels locked or waited on at once (a client cannot grow the table without bound).
pub const MAX_LOCKED: usize = 10_000;

/// Locked channels and who waits for each.
#[derive(Debug, Default)]
pub struct Locks {
    map: HashMap<String, VecDeque<oneshot::Sender<()>>>,
}

impl Locks {
    /// Takes the lock now (`None`) or returns where the hand-over will arrive.
    ///
    /// # Errors
    /// Too many locked channels.
    pub fn lock(&mut self, name: &str) -> CmdResult<Option<oneshot::Receiver<()>>> {
        match self.map.get_mut(name) {
            None => {
                if self.map.len() >= MAX_LOCKED {
                    return Err(CmdError::failed(format!(
                        "{MAX_LOCKED} channels are locked (the limit); unlock some first"
                    )));
                }
                self.map.insert(name.to_owned(), VecDeque::new());
                Ok(None)
            }
            Some(queue) => {
                let (tx, rx) = oneshot::channel();
                queue.push_back(tx);
                Ok(Some(rx))
            }
        }
    }

    /// Releases the lock: the first live waiter gets it, else the channel is unlocked.
    ///
    /// # Errors
    /// `channel NAME not locked`.
    pub fn unlock(&mut self, name: &str) -> CmdResult<()> {
        let Some(queue) = self.map.get_mut(name) else {
            return Err(CmdError::invalid(format!("channel {name} not locked")));
        };
        while let Some(next) = queue.pop_front() {
            if next.send(()).is_ok() {
                return Ok(());
            }
        }
        self.map.remove(name);
        Ok(())
    }

    /// Locked channels (live upgrade carries them; those waiting in line get "server
    /// upgraded, retry").
    pub fn locked(&self) -> Vec<String> {
        let mut v: Vec<String> = self.map.keys().cloned().collect();
        v.sort();
        v
    }

    /// Whether `name` is locked.
    pub fn is_locked(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

/// Handles `wait-for -L|-U CHANNEL [--timeout]`.
pub async fn wait_for_lock(
    state: &Arc<ServerState>,
    channel: String,
    unlock: bool,
    timeout_ms: Option<u64>,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    if channel.is_empty() {
        return Err(CmdError::invalid("channel name is empty"));
    }
    if channel.len() > crate::limits::MAX_CHANNEL_NAME {
        return Err(CmdError::invalid(format!(
            "channel name of {} bytes is too long: at most {} bytes",
            channel.len(),
            crate::limits::MAX_CHANNEL_NAME
        )));
    }
    if unlock {
        lock(&state.locks).unlock(&channel)?;
        return Ok(Response::Ok);
    }
    let Some(rx) = lock(&state.locks).lock(&channel)? else {
        return Ok(Response::Ok);
    };
    // If this wait ends without taking the lock (timeout, client gone) but the lock was
    // handed over meanwhile, pass it on so that it is not lost.
    struct Pending<'a> {
        state: &'a ServerState,
        channel: &'a str,
        rx: Option<oneshot::Receiver<()>>,
    }
    impl Drop for Pending<'_> {
        fn drop(&mut self) {
            if let Some(mut rx) = self.rx.take() {
                if rx.try_recv().is_ok() {
                    let _ = lock(&self.state.locks).unlock(self.channel);
                }
            }
        }
    }
    let mut pending = Pending {
        state,
        channel: &channel,
        rx: Some(rx),
    };
    let timeout = async {
        match timeout_ms {
            Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            None => std::future::pending().await,
        }
    };
    let rx = pending.rx.as_mut().expect("set above");
    tokio::select! {
        r = rx => {
            pending.rx = None;
            match r {
                Ok(()) => Ok(Response::Ok),
                Err(_) => Err(CmdError::failed("lock hand-over failed")),
            }
        }
        () = timeout => Err(CmdError {
            kind: tidemux_proto::ErrorKind::Timeout,
            message: format!(
                "timed out after {} ms waiting to lock channel '{channel}'",
                timeout_ms.unwrap_or(0)
            ),
        }),
        () = closed => Err(CmdError::failed("client went away")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_queue_and_hand_over() {
        let mut l = Locks::default();
        assert!(l.lock("a").unwrap().is_none());
        let mut second = l.lock("a").unwrap().expect("queued");
        let third = l.lock("a").unwrap().expect("queued");
        drop(third); // gone: skipped at hand-over
        l.unlock("a").unwrap();
        assert!(second.try_recv().is_ok());
        assert!(l.is_locked("a"));
        l.unlock("a").unwrap();
        assert!(!l.is_locked("a"));
        assert_eq!(l.unlock("a").unwrap_err().message, "channel a not locked");
    }
}
