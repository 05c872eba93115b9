//! `wait-for`: named channels with tmux semantics (tmux(1) "wait-for"): `-S` wakes every
//! waiter; a signal that finds no waiter is kept, so the next wait returns at once.

use crate::error::{CmdError, CmdResult};
use crate::state::ServerState;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tidemux_proto::Response;
use tokio::sync::oneshot;

pub use crate::limits::{MAX_CHANNEL_NAME, MAX_KEPT_SIGNALS};

/// Most channels one `wait-for CHAN1 CHAN2 ...` may wait on.
pub const MAX_WAIT_CHANNELS: usize = 64;

/// All channels by name.
#[derive(Debug, Default)]
pub struct Channels {
    map: HashMap<String, Channel>,
    /// Channels with a kept signal.
    kept: usize,
}

#[derive(Debug, Default)]
struct Channel {
    signalled: bool,
    waiters: Vec<oneshot::Sender<()>>,
}

impl Channels {
    /// Wakes every live waiter; keeps the signal if none was woken.
    ///
    /// # Errors
    /// No waiter was woken and [`MAX_KEPT_SIGNALS`] signals are already kept (nothing is
    /// kept then).
    pub fn signal(&mut self, name: &str) -> CmdResult<()> {
        if let Some(ch) = self.map.get_mut(name) {
            let woken = ch.waiters.drain(..).filter_map(|w| w.send(()).ok()).count();
            if woken > 0 {
                self.map.remove(name);
                return Ok(());
            }
            if ch.signalled {
                return Ok(());
            }
        }
        if self.kept >= MAX_KEPT_SIGNALS {
            self.map.retain(|_, c| c.signalled || !c.waiters.is_empty());
            return Err(CmdError::failed(format!(
                "{} signals are already kept for channels nobody waits on (the limit); wait on some of them first (docs/limits.md)",
                self.kept
            )));
        }
        self.map.entry(name.to_owned()).or_default().signalled = true;
        self.kept += 1;
        Ok(())
    }

    /// Forgets a channel that has neither a kept signal nor a live waiter (after a wait ended
    /// without a signal: timeout, or the client went away).
    fn forget_if_unused(&mut self, name: &str) {
        if let Some(ch) = self.map.get_mut(name) {
            ch.waiters.retain(|w| !w.is_closed());
            if !ch.signalled && ch.waiters.is_empty() {
                self.map.remove(name);
            }
        }
    }

    /// Channels holding a kept signal (live upgrade carries them; [`Channels::signal`] on a
    /// channel nobody waits on keeps one again).
    pub fn kept_signals(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .map
            .iter()
            .filter(|(_, c)| c.signalled)
            .map(|(n, _)| n.clone())
            .collect();
        v.sort();
        v
    }

    /// Consumes a kept signal, or registers a waiter.
    pub fn wait(&mut self, name: &str) -> Option<oneshot::Receiver<()>> {
        let ch = self.map.entry(name.to_owned()).or_default();
        if ch.signalled {
            self.map.remove(name);
            self.kept -= 1;
            return None;
        }
        ch.waiters.retain(|w| !w.is_closed());
        let (tx, rx) = oneshot::channel();
        ch.waiters.push(tx);
        Some(rx)
    }
}

/// Handles `wait-for [-S] CHANNEL [--timeout]`.
pub async fn wait_for(
    state: &Arc<ServerState>,
    channel: String,
    signal: bool,
    timeout_ms: Option<u64>,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    if channel.is_empty() {
        return Err(CmdError::invalid("channel name is empty"));
    }
    if channel.len() > MAX_CHANNEL_NAME {
        return Err(CmdError::invalid(format!(
            "channel name of {} bytes is too long: at most {MAX_CHANNEL_NAME} bytes",
            channel.len()
        )));
    }
    if signal {
        lock(&state.channels).signal(&channel)?;
        let mut e = tidemux_proto::Event::new(tidemux_proto::EventKind::ChannelSignalled);
        e.name = Some(channel);
        state.events.publish(e);
        return Ok(Response::Ok);
    }
    let Some(rx) = lock(&state.channels).wait(&channel) else {
        return Ok(Response::Ok);
    };
    let timeout = async {
        match timeout_ms {
            Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            None => std::future::pending().await,
        }
    };
    // Forgets the channel if this wait leaves it unused, however the wait ends (even when
    // the connection's task drops it because the client went away).
    struct Forget<'a>(&'a ServerState, &'a str);
    impl Drop for Forget<'_> {
        fn drop(&mut self) {
            lock(&self.0.channels).forget_if_unused(self.1);
        }
    }
    let _forget = Forget(state, &channel);
    tokio::select! {
        _ = rx => Ok(Response::Ok),
        () = timeout => Err(CmdError {
            kind: tidemux_proto::ErrorKind::Timeout,
            message: format!("timed out after {} ms waiting for channel '{channel}'", timeout_ms.unwrap_or(0)),
        }),
        () = closed => Err(CmdError::failed("client went away")),
    }
}

impl Channels {
    /// Consumes the first kept signal among `names` (its index), or registers a waiter on each.
    pub fn wait_any(&mut self, names: &[String]) -> Result<usize, Vec<oneshot::Receiver<()>>> {
        if let Some(i) = names
            .iter()
            .position(|n| self.map.get(n).is_some_and(|c| c.signalled))
        {
            let consumed = self.wait(&names[i]);
            debug_assert!(consumed.is_none());
            return Ok(i);
        }
        Err(names
            .iter()
            .map(|n| self.wait(n).expect("checked: not signalled"))
            .collect())
    }
}

/// Handles `wait-for CHAN1 CHAN2 ... [--timeout]`: returns the first channel signalled (a kept
/// signal counts at once, first in the order given). The other registrations are dropped, so
/// they swallow no later signal.
pub async fn wait_for_any(
    state: &Arc<ServerState>,
    channels: Vec<String>,
    timeout_ms: Option<u64>,
    closed: impl std::future::Future<Output = ()>,
) -> CmdResult {
    if channels.is_empty() || channels.iter().any(String::is_empty) {
        return Err(CmdError::invalid("channel name is empty"));
    }
    if let Some(c) = channels.iter().find(|c| c.len() > MAX_CHANNEL_NAME) {
        return Err(CmdError::invalid(format!(
            "channel name of {} bytes is too long: at most {MAX_CHANNEL_NAME} bytes",
            c.len()
        )));
    }
    if channels.len() > MAX_WAIT_CHANNELS {
        return Err(CmdError::invalid(format!(
            "{} channels given: at most {MAX_WAIT_CHANNELS} in one wait-for",
            channels.len()
        )));
    }
    let rxs = match lock(&state.channels).wait_any(&channels) {
        Ok(i) => return Ok(Response::Signalled(channels[i].clone())),
        Err(rxs) => rxs,
    };
    // Forgets the channels this wait leaves unused, however it ends.
    struct Forget<'a>(&'a ServerState, &'a [String]);
    impl Drop for Forget<'_> {
        fn drop(&mut self) {
            let mut ch = lock(&self.0.channels);
            for c in self.1 {
                ch.forget_if_unused(c);
            }
        }
    }
    let _forget = Forget(state, &channels);
    let mut set = tokio::task::JoinSet::new();
    for (i, rx) in rxs.into_iter().enumerate() {
        set.spawn(async move { rx.await.map(|()| i) });
    }
    let timeout = async {
        match timeout_ms {
            Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(timeout, closed);
    loop {
        tokio::select! {
            r = set.join_next() => match r {
                Some(Ok(Ok(i))) => return Ok(Response::Signalled(channels[i].clone())),
                Some(_) => {}
                None => return Err(CmdError::failed("every channel waiter was dropped")),
            },
            () = &mut timeout => return Err(CmdError {
                kind: tidemux_proto::ErrorKind::Timeout,
                message: format!(
                    "timed out after {} ms waiting for channels {}",
                    timeout_ms.unwrap_or(0),
                    channels.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
                ),
            }),
            () = &mut closed => return Err(CmdError::failed("client went away")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_without_waiter_is_kept_once() {
        let mut c = Channels::default();
        c.signal("a").unwrap();
        assert!(c.wait("a").is_none());
        assert!(c.wait("a").is_some());
    }

    #[test]
    fn signal_wakes_all_and_skips_dead_waiters() {
        let mut c = Channels::default();
        let mut r1 = c.wait("a").unwrap();
        let mut r2 = c.wait("a").unwrap();
        c.signal("a").unwrap();
        assert!(r1.try_recv().is_ok() && r2.try_recv().is_ok());
        // A waiter that went away does not swallow the signal.
        drop(c.wait("b").unwrap());
        c.signal("b").unwrap();
        assert!(c.wait("b").is_none());
    }

    #[test]
    fn wait_any_takes_the_first_kept_signal_and_leaves_the_rest() {
        let mut c = Channels::default();
        c.signal("b").unwrap();
        c.signal("c").unwrap();
        let names = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        assert_eq!(c.wait_any(&names).ok(), Some(1));
        assert_eq!(c.wait_any(&names).ok(), Some(2));
        let rxs = c.wait_any(&names).unwrap_err();
        assert_eq!(rxs.len(), 3);
        drop(rxs);
        // Dropped registrations do not swallow a later signal.
        c.signal("a").unwrap();
        assert!(c.wait("a").is_none());
        assert_eq!(c.kept, 0);
    }

    #[test]
    fn kept_signals_are_bounded_and_unused_channels_forgotten() {
        let mut c = Channels::default();
        for i in 0..MAX_KEPT_SIGNALS {
            c.signal(&i.to_string()).unwrap();
        }
        c.signal("0").unwrap(); // already kept: nothing more is kept
        assert!(c.signal("one-more").is_err());
        assert!(c.wait("0").is_none());
        c.signal("one-more").unwrap();
        drop(c.wait("w").unwrap());
        c.forget_if_unused("w");
        assert!(!c.map.contains_key("w"));
        assert_eq!(c.kept, MAX_KEPT_SIGNALS);
    }
}
