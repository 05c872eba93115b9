//! Continuous transcripts of a pane (`tidemux log -t PANE --file PATH`): every byte of output,
//! as it is read, appended to a file by the pane's reader thread.
//!
//! - `--ansi`: the raw output, escape sequences included (replay it with `cat`).
//! - `--plain` (default): text only. Escape sequences (CSI, OSC, DCS, two-byte ESC) are
//!   dropped, carriage returns too, other control characters except tab, newline and
//!   backspace are dropped; newlines are kept. A stateful filter, so a sequence split across
//!   two reads is still removed. With `--timestamps`, every line starts with the UTC time its
//!   first character was read, `2026-12-01T07:10:22.123Z ` (RFC 3339, milliseconds).
//!
//! Rotation: when the file would exceed `max_bytes`, it is renamed to `PATH.1` (the previous
//! `PATH.1` to `PATH.2`, up to [`KEEP_ROTATED`] files) and a new `PATH` is started. A write
//! error stops the transcript (logged by the server) rather than the pane.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

/// Default rotation size, bytes.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Rotated files kept (`PATH.1` ... `PATH.N`).
pub const KEEP_ROTATED: u32 = 5;
/// Smallest rotation size accepted, bytes.
pub const MIN_MAX_BYTES: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Text,
    Esc,
    Csi,
    /// OSC/DCS/APC/PM/SOS string, until BEL or ST.
    Str,
    /// ESC inside a string (maybe ST).
    StrEsc,
    /// ESC followed by an intermediate byte (ESC ( B ...): one more byte.
    EscInter,
}

/// What a transcript was opened with (a live upgrade reopens it: `crate::upgrade`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogSettings {
    /// The file (absolute).
    pub path: String,
    /// Raw output with escape sequences (`--ansi`).
    pub ansi: bool,
    /// Time prefixes on plain lines (`--timestamps`).
    pub timestamps: bool,
    /// Size at which the file rotates, bytes.
    pub max_bytes: u64,
}

/// An open transcript.
#[derive(Debug)]
pub struct Logger {
    path: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
    ansi: bool,
    timestamps: bool,
    at_line_start: bool,
    filter: Filter,
    scratch: Vec<u8>,
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for Unix milliseconds (proleptic Gregorian calendar, UTC).
pub fn rfc3339_ms(ms: u64) -> String {
    let (secs, milli) = (ms / 1000, ms % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date
    // Algorithms").
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

impl Logger {
    /// Opens (appends to) `path`.
    ///
    /// # Errors
    /// A relative path, a size below [`MIN_MAX_BYTES`], or the file cannot be opened.
    pub fn open(path: &str, ansi: bool, max_bytes: u64) -> Result<Self, String> {
        Self::open_with(path, ansi, false, max_bytes)
    }

    /// Opens (appends to) `path`; `timestamps` prefixes plain lines with their time.
    ///
    /// # Errors
    /// As [`Logger::open`].
    pub fn open_with(
        path: &str,
        ansi: bool,
        timestamps: bool,
        max_bytes: u64,
    ) -> Result<Self, String> {
        let p = PathBuf::from(path);
        if !p.is_absolute() {
            return Err(format!("log file '{path}' is not an absolute path"));
        }
        if max_bytes < MIN_MAX_BYTES {
            return Err(format!(
                "bad --max-size {max_bytes}: at least {MIN_MAX_BYTES} bytes"
            ));
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p)
            .map_err(|e| format!("cannot open log file '{path}': {e}"))?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Logger {
            path: p,
            file,
            written,
            max_bytes,
            ansi,
            timestamps: timestamps && !ansi,
            at_line_start: true,
            filter: Filter::Text,
            scratch: Vec::new(),
        })
    }

    /// What it was opened with.
    pub fn settings(&self) -> LogSettings {
        LogSettings {
            path: self.path.to_string_lossy().into_owned(),
            ansi: self.ansi,
            timestamps: self.timestamps,
            max_bytes: self.max_bytes,
        }
    }

    /// Opens (appends to) the transcript `s` describes again.
    ///
    /// # Errors
    /// As [`Logger::open`].
    pub fn reopen(s: &LogSettings) -> Result<Self, String> {
        Self::open_with(&s.path, s.ansi, s.timestamps, s.max_bytes)
    }

    /// Appends a kept byte, with the time first at the start of a line (`--timestamps`).
    fn keep(&mut self, b: u8, stamp: &mut Option<String>) {
        if self.timestamps && self.at_line_start && b != b'\n' {
            let t = stamp.get_or_insert_with(|| {
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or(0);
                rfc3339_ms(ms)
            });
            self.scratch.extend_from_slice(t.as_bytes());
            self.scratch.push(b' ');
        }
        self.at_line_start = b == b'\n';
        self.scratch.push(b);
    }

    fn filter(&mut self, bytes: &[u8]) {
        self.scratch.clear();
        let mut stamp = None;
        for &b in bytes {
            self.filter = match (self.filter, b) {
                (Filter::Text, 0x1b) => Filter::Esc,
                (Filter::Text, b'\n' | b'\t' | 0x08) => {
                    self.keep(b, &mut stamp);
                    Filter::Text
                }
                (Filter::Text, c) if c < 0x20 || c == 0x7f => Filter::Text,
                (Filter::Text, c) => {
                    self.keep(c, &mut stamp);
                    Filter::Text
                }
                (Filter::Esc, b'[') => Filter::Csi,
                (Filter::Esc, b']' | b'P' | b'_' | b'^' | b'X') => Filter::Str,
                (Filter::Esc, 0x20..=0x2f) => Filter::EscInter,
                (Filter::Esc, _) | (Filter::EscInter, _) => Filter::Text,
                (Filter::Csi, 0x40..=0x7e) => Filter::Text,
                (Filter::Csi, _) => Filter::Csi,
                (Filter::Str, 0x07) => Filter::Text,
                (Filter::Str, 0x1b) => Filter::StrEsc,
                (Filter::Str, _) => Filter::Str,
                (Filter::StrEsc, b'\\') => Filter::Text,
                (Filter::StrEsc, _) => Filter::Str,
            };
        }
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let name = |n: u32| {
            let mut s = self.path.clone().into_os_string();
            s.push(format!(".{n}"));
            PathBuf::from(s)
        };
        for n in (1..KEEP_ROTATED).rev() {
            let _ = std::fs::rename(name(n), name(n + 1));
        }
        std::fs::rename(&self.path, name(1))?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }

    /// Appends output read from the PTY (filtered unless `--ansi`), rotating first if needed.
    ///
    /// # Errors
    /// A write or rename error.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let data = if self.ansi {
            bytes.to_vec()
        } else {
            self.filter(bytes);
            std::mem::take(&mut self.scratch)
        };
        let mut rest: &[u8] = &data;
        while !rest.is_empty() {
            if self.written >= self.max_bytes {
                self.rotate()?;
            }
            let room = (self.max_bytes - self.written) as usize;
            let n = room.min(rest.len());
            self.file.write_all(&rest[..n])?;
            self.written += n as u64;
            rest = &rest[n..];
        }
        if !self.ansi {
            self.scratch = data;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_filter_drops_sequences_split_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.log");
        let mut l = Logger::open(p.to_str().unwrap(), false, 1 << 20).unwrap();
        l.write(b"a\x1b[3").unwrap();
        l.write(b"1mred\x1b[0m\r\n\x1b]0;tit").unwrap();
        l.write(b"le\x07b\x1b(Bc\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"ared\nbc\n");
    }

    #[test]
    fn timestamps_start_each_line() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_795_244_315_516), "2026-11-21T06:58:35.516Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.log");
        let mut l = Logger::open_with(p.to_str().unwrap(), false, true, 1 << 20).unwrap();
        l.write(b"one\r\ntw").unwrap();
        l.write(b"o\n\n").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text:?}");
        assert!(
            lines[0].ends_with("Z one") && lines[0].len() == 24 + 4,
            "{text:?}"
        );
        assert!(
            lines[1].ends_with("Z two") && lines[1].starts_with("20"),
            "{text:?}"
        );
        assert_eq!(lines[2], "");
    }

    #[test]
    fn rotates_at_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.log");
        let mut l = Logger::open(p.to_str().unwrap(), true, 1024).unwrap();
        l.write(&[b'x'; 2500]).unwrap();
        let rotated = |n: u32| dir.path().join(format!("t.log.{n}"));
        assert_eq!(std::fs::metadata(rotated(2)).unwrap().len(), 1024);
        assert_eq!(std::fs::metadata(rotated(1)).unwrap().len(), 1024);
        assert_eq!(std::fs::metadata(&p).unwrap().len(), 452);
    }
}
