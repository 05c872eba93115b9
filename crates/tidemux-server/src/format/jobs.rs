//! `#(command)` in status formats: tmux 3.3a format.c `format_job_get`,
//! `format_job_update` and `format_job_complete`.
//!
//! Each attached client has its own jobs, one per command text. Expanding `#(command)` gives
//! the last line the command printed (empty until its first output), and starts the command
//! again when it is not running and was last started in another second, or at once when the
//! command's expansion changed (tmux's rule: a job reruns when the status line is redrawn,
//! which `status-interval` paces). A command still running after a second with no output yet
//! shows `<'command' not ready>`, one that cannot start `<'command' didn't start>`.
//!
//! Bounds (tidemux's): at most [`MAX_JOBS`] jobs kept (the least recently used finished one
//! goes first), [`MAX_RUNNING`] running at once (past it a job waits for its next turn), a
//! line kept is at most [`MAX_LINE`] bytes. A client's jobs are killed and dropped when it
//! detaches.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Most jobs kept, all clients together.
pub const MAX_JOBS: usize = 256;

/// Most jobs running at once.
pub const MAX_RUNNING: usize = 16;

/// Longest line kept from a job's output, bytes (cut at a character boundary).
pub const MAX_LINE: usize = 4096;

/// One command of one client (tmux `struct format_job`).
#[derive(Debug)]
struct Job {
    /// The command as last expanded (a change reruns it at once).
    expanded: Option<String>,
    /// The last line it printed.
    out: Option<String>,
    /// The pid of the running process.
    running: Option<u32>,
    /// Which run the reader thread belongs to (output of an older run is dropped).
    run: u64,
    /// The second it was last started, Unix time.
    last: i64,
    /// A line came during this run.
    updated: bool,
    /// Last asked for.
    used: Instant,
}

/// The jobs of every client; cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct Jobs {
    inner: Arc<Mutex<HashMap<(u32, String), Job>>>,
    /// Per client: bumped when one of its jobs printed a line or ended.
    generations: Arc<Mutex<HashMap<u32, u64>>>,
    /// Bumped with any client's generation: wakes the clients' frame loops.
    changed: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            inner: Arc::default(),
            generations: Arc::default(),
            changed: Arc::new(tokio::sync::watch::channel(0).0),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn kill(pid: u32) {
    use rustix::process::{kill_process_group, Pid, Signal};
    // Its process group (the command and what it started).
    if let Some(p) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = kill_process_group(p, Signal::TERM);
    }
}

/// `s` cut to at most `n` bytes at a character boundary.
fn cut(mut s: String, n: usize) -> String {
    if s.len() > n {
        let mut i = n;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
    }
    s
}

impl Jobs {
    /// Bumped whenever one of `client`'s jobs prints a line or ends: its status lines are
    /// expanded again when this differs from the value they were expanded at (tmux
    /// `server_status_client` from the job callbacks).
    pub fn generation(&self, client: u32) -> u64 {
        lock(&self.generations).get(&client).copied().unwrap_or(0)
    }

    /// Redraws `client`'s status lines (tmux `server_status_client`): something they show
    /// changed outside the model (its key table, `#{client_prefix}`).
    pub fn status_client(&self, client: u32) {
        self.bump(client);
    }

    fn bump(&self, client: u32) {
        *lock(&self.generations).entry(client).or_insert(0) += 1;
        self.changed.send_modify(|v| *v += 1);
    }

    /// Changes whenever a job of any client printed a line or ended (a frame loop then looks
    /// at its client's [`Jobs::generation`]).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The output of `cmd` for `client` (tmux `format_job_get`): `expanded` is the command
    /// with its formats expanded, run by `/bin/sh -c` when due. `None` while it printed
    /// nothing.
    pub fn get(&self, client: u32, cmd: &str, expanded: &str) -> Option<String> {
        let t = now_secs();
        let mut map = lock(&self.inner);
        if map.len() >= MAX_JOBS && !map.contains_key(&(client, cmd.to_owned())) {
            let oldest = map
                .iter()
                .filter(|(_, j)| j.running.is_none())
                .min_by_key(|(_, j)| j.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    map.remove(&k);
                }
                None => return None,
            }
        }
        let running = map.values().filter(|j| j.running.is_some()).count();
        let j = map.entry((client, cmd.to_owned())).or_insert_with(|| Job {
            expanded: None,
            out: None,
            running: None,
            run: 0,
            last: 0,
            updated: false,
            used: Instant::now(),
        });
        j.used = Instant::now();
        let force = j.expanded.as_deref() != Some(expanded);
        if force {
            j.expanded = Some(expanded.to_owned());
            if let Some(pid) = j.running.take() {
                kill(pid);
            }
        }
        if force || (j.running.is_none() && j.last != t) {
            if running < MAX_RUNNING {
                j.run += 1;
                match self.start(client, cmd, expanded, j.run) {
                    Ok(pid) => j.running = Some(pid),
                    Err(_) => j.out = Some(format!("<'{cmd}' didn't start>")),
                }
                j.last = t;
                j.updated = false;
            }
        } else if j.running.is_some() && t - j.last > 1 && j.out.is_none() {
            j.out = Some(format!("<'{cmd}' not ready>"));
        }
        j.out.clone()
    }

    /// Kills and forgets `client`'s jobs (it detached).
    pub fn forget_client(&self, client: u32) {
        lock(&self.generations).remove(&client);
        lock(&self.inner).retain(|(c, _), j| {
            if *c == client {
                if let Some(pid) = j.running.take() {
                    kill(pid);
                }
            }
            *c != client
        });
    }

    /// Starts a run; a thread reads its output into the job.
    fn start(&self, client: u32, cmd: &str, expanded: &str, run: u64) -> std::io::Result<u32> {
        use std::os::unix::process::CommandExt;
        let mut child = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(expanded)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()?;
        let pid = child.id();
        let stdout = child.stdout.take();
        let jobs = self.clone();
        let key = (client, cmd.to_owned());
        let spawned = std::thread::Builder::new()
            .name("status-job".into())
            .spawn(move || {
                if let Some(out) = stdout {
                    jobs.read(&key, run, out);
                }
                let _ = child.wait();
                let mut map = lock(&jobs.inner);
                let live = map
                    .get_mut(&key)
                    .filter(|j| j.run == run)
                    .map(|j| j.running = None)
                    .is_some();
                drop(map);
                if live {
                    jobs.bump(key.0);
                }
            });
        if let Err(e) = spawned {
            kill(pid);
            return Err(e);
        }
        Ok(pid)
    }

    /// Reads a run's output: each complete line becomes the job's output
    /// (`format_job_update`); at the end, what follows the last newline does, or, if nothing
    /// came at all, the empty text (`format_job_complete`).
    fn read(&self, key: &(u32, String), run: u64, mut out: impl Read) {
        let mut line: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        let set = |text: Vec<u8>, done: bool| {
            let text = cut(String::from_utf8_lossy(&text).into_owned(), MAX_LINE);
            let mut map = lock(&self.inner);
            let Some(j) = map.get_mut(key).filter(|j| j.run == run) else {
                return;
            };
            if !done {
                j.updated = true;
                j.out = Some(text);
            } else if !text.is_empty() || !j.updated {
                j.out = Some(text);
            }
            drop(map);
            self.bump(key.0);
        };
        loop {
            let n = match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let mut last = None;
            for &b in &buf[..n] {
                if b == b'\n' {
                    last = Some(std::mem::take(&mut line));
                } else if line.len() < MAX_LINE + 4 {
                    line.push(b);
                }
            }
            if let Some(l) = last {
                set(l, false);
            }
        }
        set(line, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_then_rerun_only_in_another_second() {
        let jobs = Jobs::default();
        assert_eq!(jobs.get(1, "echo a", "echo a"), None);
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while jobs.get(1, "echo a", "echo a").is_none() && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(jobs.get(1, "echo a", "echo a").as_deref(), Some("a"));
        // A changed expansion reruns at once; the old output shows until the new comes.
        assert_eq!(jobs.get(1, "echo a", "printf b").as_deref(), Some("a"));
        while jobs.get(1, "echo a", "printf b").as_deref() != Some("b") && Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(jobs.get(1, "echo a", "printf b").as_deref(), Some("b"));
        jobs.forget_client(1);
        assert_eq!(jobs.get(1, "echo a", "echo a"), None);
        jobs.forget_client(1);
        // A long line is cut to MAX_LINE bytes.
        let cmd = "head -c 100000 /dev/zero | tr '\\0' x; echo";
        while jobs.get(2, cmd, cmd).is_none() && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(jobs.get(2, cmd, cmd).map(|o| o.len()), Some(MAX_LINE));
        jobs.forget_client(2);
    }
}
