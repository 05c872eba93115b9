//! Time formatting for `#{t:...}`, `#{T:...}` and `ctime(3)`-style output, in the local time
//! zone (or UTC for tests).

use chrono::{DateTime, Datelike, FixedOffset, Local, TimeZone, Utc};
use std::fmt::Write;

/// Which zone times are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// The server's local zone (`TZ`, `/etc/localtime`).
    Local,
    /// UTC.
    Utc,
}

fn at(zone: Zone, t: i64) -> Option<DateTime<FixedOffset>> {
    match zone {
        Zone::Local => Local.timestamp_opt(t, 0).single().map(|d| d.fixed_offset()),
        Zone::Utc => Utc.timestamp_opt(t, 0).single().map(|d| d.fixed_offset()),
    }
}

/// `strftime(3)` of `fmt` at time `t`. Conversions chrono does not know are copied as they
/// are (as glibc does).
pub fn strftime(zone: Zone, t: i64, fmt: &str) -> String {
    let Some(d) = at(zone, t) else {
        return fmt.to_owned();
    };
    let mut out = String::new();
    let mut it = fmt.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // %[flag][E|O]X
        let mut end = i + 1;
        let mut chars = fmt[end..].chars();
        let mut n = chars.next();
        if matches!(n, Some('-' | '_' | '0' | '^' | '#')) {
            end += 1;
            n = chars.next();
        }
        if matches!(n, Some('E' | 'O')) {
            end += 1;
            n = chars.next();
        }
        let Some(x) = n else {
            out.push_str(&fmt[i..]);
            break;
        };
        end += x.len_utf8();
        let spec = &fmt[i..end];
        let spec_chrono = spec.replace(['E', 'O'], "");
        let items: Vec<_> = chrono::format::StrftimeItems::new(&spec_chrono).collect();
        let ok = !items
            .iter()
            .any(|it| matches!(it, chrono::format::Item::Error));
        let mut piece = String::new();
        if ok && write!(piece, "{}", d.format_with_items(items.into_iter())).is_ok() {
            out.push_str(&piece);
        } else {
            out.push_str(spec);
        }
        while it.peek().is_some_and(|(j, _)| *j < end) {
            it.next();
        }
    }
    out
}

/// `ctime(3)` without the newline: `Tue Dec  1 06:07:07 2026`.
pub fn ctime(zone: Zone, t: i64) -> String {
    strftime(zone, t, "%a %b %e %H:%M:%S %Y")
}

/// tmux's `format_pretty_time`: `HH:MM` within a day, `DayDD` within the month or 28 days,
/// `DDMon` within a year, else `MonYY`.
pub fn pretty(zone: Zone, t: i64, now: i64) -> String {
    let now = now.max(t);
    let age = now - t;
    let (Some(n), Some(d)) = (at(zone, now), at(zone, t)) else {
        return String::new();
    };
    let f = if age < 24 * 3600 {
        "%H:%M"
    } else if (d.year() == n.year() && d.month() == n.month()) || age < 28 * 24 * 3600 {
        "%a%d"
    } else if (d.year() == n.year() && d.month() < n.month())
        || (d.year() == n.year() - 1 && d.month() > n.month())
    {
        "%d%b"
    } else {
        "%b%y"
    };
    strftime(zone, t, f)
}
