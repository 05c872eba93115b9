//! The server-wide event log: a sequence number per event, a bounded replay buffer, and a
//! broadcast channel to live subscribers.
//!
//! Publishing never blocks: a subscriber that falls more than [`LIVE_CAPACITY`] events behind
//! is told so (`subscriber-dropped`) and disconnected. Replay and subscription happen under the
//! same lock as publishing, so a subscriber sees every event after its `--after` point exactly
//! once, or an explicit `events-lost` when that point fell out of the buffer.

use crate::sync::lock;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tidemux_proto::{Event, EventKind};
use tokio::sync::broadcast;

/// Events kept for `--after` replay.
pub const REPLAY_CAPACITY: usize = 10_000;
/// Bytes of events kept for `--after` replay (as counted by [`event_bytes`]): the oldest are
/// dropped first when either bound is reached.
pub const REPLAY_BYTES: usize = 8 * 1024 * 1024;

/// What an event costs in the replay buffer, in bytes: the struct plus its strings.
pub fn event_bytes(e: &Event) -> usize {
    std::mem::size_of::<Event>()
        + e.name.as_ref().map_or(0, String::len)
        + e.message.as_ref().map_or(0, String::len)
        + e.exit
            .as_ref()
            .and_then(|x| x.signal.as_ref())
            .map_or(0, String::len)
}
/// Events a live subscriber may fall behind before it is dropped.
pub const LIVE_CAPACITY: usize = 1024;

/// The event log.
#[derive(Debug)]
pub struct EventBus {
    inner: Mutex<Inner>,
    tap: std::sync::OnceLock<Tap>,
}

/// A function that sees every event as it is published, in order, under the log's lock (it
/// must not block or publish): the hook queue ([`crate::hooks`]).
pub struct Tap(Box<dyn Fn(&Event) + Send + Sync>);

impl std::fmt::Debug for Tap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tap")
    }
}

#[derive(Debug)]
struct Inner {
    next: u64,
    buffer: VecDeque<Arc<Event>>,
    /// Sum of [`event_bytes`] over `buffer`.
    bytes: usize,
    tx: broadcast::Sender<Arc<Event>>,
}

/// A new subscription: what to replay first, then the live receiver.
#[derive(Debug)]
pub struct Subscription {
    /// Buffered events after the requested point, oldest first.
    pub replay: Vec<Arc<Event>>,
    /// Set when the requested point is older than the buffer: the first sequence number still
    /// buffered.
    pub lost_before: Option<u64>,
    /// Live events.
    pub live: broadcast::Receiver<Arc<Event>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                next: 0,
                buffer: VecDeque::new(),
                bytes: 0,
                tx: broadcast::channel(LIVE_CAPACITY).0,
            }),
            tap: std::sync::OnceLock::new(),
        }
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl EventBus {
    /// Sets the tap (once; later calls are ignored).
    pub fn set_tap(&self, f: Box<dyn Fn(&Event) + Send + Sync>) {
        let _ = self.tap.set(Tap(f));
    }

    /// Numbers, stamps, buffers and broadcasts an event.
    pub fn publish(&self, mut e: Event) {
        let mut inner = lock(&self.inner);
        inner.next += 1;
        e.seq = inner.next;
        e.time_ms = now_ms();
        let e = Arc::new(e);
        if let Some(t) = self.tap.get() {
            (t.0)(&e);
        }
        inner.bytes += event_bytes(&e);
        inner.buffer.push_back(Arc::clone(&e));
        while inner.buffer.len() > REPLAY_CAPACITY
            || (inner.bytes > REPLAY_BYTES && inner.buffer.len() > 1)
        {
            if let Some(old) = inner.buffer.pop_front() {
                inner.bytes -= event_bytes(&old);
            }
        }
        let _ = inner.tx.send(e);
    }

    /// The last sequence number given and the buffered events, oldest first (live upgrade).
    pub fn export(&self) -> (u64, Vec<Event>) {
        let inner = lock(&self.inner);
        (
            inner.next,
            inner.buffer.iter().map(|e| (**e).clone()).collect(),
        )
    }

    /// Restores what [`EventBus::export`] returned: numbering goes on after `next`, and
    /// `--after` replays the buffered events (live upgrade). Call before anyone subscribes.
    pub fn import(&self, next: u64, events: Vec<Event>) {
        let mut inner = lock(&self.inner);
        inner.next = next;
        inner.buffer.clear();
        inner.bytes = 0;
        for e in events.into_iter().filter(|e| e.seq <= next) {
            inner.bytes += event_bytes(&e);
            inner.buffer.push_back(Arc::new(e));
        }
        while inner.buffer.len() > REPLAY_CAPACITY || inner.bytes > REPLAY_BYTES {
            match inner.buffer.pop_front() {
                Some(old) => inner.bytes -= event_bytes(&old),
                None => break,
            }
        }
    }

    /// Subscribes; with `after`, replays buffered events whose sequence number is greater.
    pub fn subscribe(&self, after: Option<u64>) -> Subscription {
        let inner = lock(&self.inner);
        let (replay, lost_before) = match after {
            None => (Vec::new(), None),
            Some(a) => {
                let first = inner.buffer.front().map_or(inner.next + 1, |e| e.seq);
                let lost = (a + 1 < first && a < inner.next).then_some(first);
                (
                    inner.buffer.iter().filter(|e| e.seq > a).cloned().collect(),
                    lost,
                )
            }
        };
        Subscription {
            replay,
            lost_before,
            live: inner.tx.subscribe(),
        }
    }
}

/// Parses `--filter` values: an exact kind (`pane-exited`) or a family prefix (`pane`).
///
/// # Errors
/// A message listing the valid kinds.
pub fn parse_filters(filters: &[String]) -> Result<Vec<EventKind>, String> {
    let mut out = Vec::new();
    for f in filters {
        let matched: Vec<EventKind> = EventKind::ALL
            .into_iter()
            .filter(|k| k.as_str() == f || k.as_str().starts_with(&format!("{f}-")))
            .collect();
        if matched.is_empty() {
            let all: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(format!(
                "unknown event kind '{f}'; valid kinds: {} (or a family: session, window, pane, attention, client, channel)",
                all.join(", ")
            ));
        }
        out.extend(matched);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_after_and_lost() {
        let bus = EventBus::default();
        for _ in 0..3 {
            bus.publish(Event::new(EventKind::Bell));
        }
        let s = bus.subscribe(Some(1));
        assert_eq!(s.replay.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(s.lost_before, None);
        let mut live = bus.subscribe(None).live;
        bus.publish(Event::new(EventKind::Output));
        assert_eq!(live.try_recv().unwrap().seq, 4);
        for _ in 0..REPLAY_CAPACITY {
            bus.publish(Event::new(EventKind::Bell));
        }
        let s = bus.subscribe(Some(2));
        assert_eq!(s.lost_before, Some(5));
        assert_eq!(s.replay.len(), REPLAY_CAPACITY);
    }

    #[test]
    fn replay_is_bounded_by_bytes() {
        let bus = EventBus::default();
        let big = "x".repeat(64 * 1024);
        for _ in 0..(2 * REPLAY_BYTES / big.len()) {
            let mut e = Event::new(EventKind::AttentionSet);
            e.message = Some(big.clone());
            bus.publish(e);
        }
        let s = bus.subscribe(Some(0));
        let kept: usize = s.replay.iter().map(|e| event_bytes(e)).sum();
        assert!(kept <= REPLAY_BYTES, "{kept} bytes kept");
        assert!(kept > REPLAY_BYTES / 2, "{kept} bytes kept");
        assert!(s.lost_before.is_some());
    }

    #[test]
    fn filters() {
        assert_eq!(
            parse_filters(&["pane-exited".into()]).unwrap(),
            [EventKind::PaneExited]
        );
        assert_eq!(parse_filters(&["attention".into()]).unwrap().len(), 2);
        assert!(parse_filters(&["nope".into()])
            .unwrap_err()
            .contains("pane-exited"));
    }
}
