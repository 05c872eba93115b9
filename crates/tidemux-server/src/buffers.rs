//! Paste buffers, after tmux 3.3a's paste.c: named buffers and automatic ones (`buffer0`,
//! `buffer1`, ...), the newest first; at most `buffer-limit` automatic buffers are kept (the
//! oldest go first). Contents are bytes, kept exactly (invalid UTF-8 and NULs included).

/// Largest buffer, bytes: requests carrying a buffer stay well under the protocol's frame
/// limit, and a client cannot make the server hold more than this per buffer.
pub const MAX_BUFFER: usize = 8 * 1024 * 1024;

/// Most buffers kept in all (named ones are not limited by `buffer-limit`).
pub const MAX_BUFFERS: usize = 10_000;

/// One buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buffer {
    /// Name (`bufferN` for automatic buffers).
    pub name: String,
    /// Contents.
    pub data: Vec<u8>,
    /// Created by `set-buffer`/`load-buffer` without `-b` (counts against `buffer-limit`).
    pub automatic: bool,
    /// Creation order (higher is newer).
    pub order: u64,
    /// Creation time, Unix seconds.
    pub created: u64,
}

/// All buffers of the server.
#[derive(Debug, Default)]
pub struct Buffers {
    list: Vec<Buffer>,
    next_index: u32,
    next_order: u64,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Buffers {
    /// Buffers, newest first (tmux's `paste_walk` order).
    pub fn newest_first(&self) -> Vec<&Buffer> {
        let mut v: Vec<&Buffer> = self.list.iter().collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.order));
        v
    }

    /// Every buffer and the counters (next automatic index, next order): a live upgrade
    /// carries them.
    pub fn export(&self) -> (Vec<Buffer>, u32, u64) {
        (self.list.clone(), self.next_index, self.next_order)
    }

    /// Restores what [`Buffers::export`] returned (live upgrade).
    pub fn import(&mut self, list: Vec<Buffer>, next_index: u32, next_order: u64) {
        self.list = list;
        self.next_index = next_index;
        self.next_order = next_order;
    }

    /// The newest buffer (tmux `paste_get_top`).
    pub fn top(&self) -> Option<&Buffer> {
        self.list.iter().max_by_key(|b| b.order)
    }

    /// A buffer by name.
    pub fn get(&self, name: &str) -> Option<&Buffer> {
        self.list.iter().find(|b| b.name == name)
    }

    /// `name`'s buffer, or the newest with `None`.
    pub fn named_or_top(&self, name: Option<&str>) -> Option<&Buffer> {
        match name {
            Some(n) => self.get(n),
            None => self.top(),
        }
    }

    fn check_size(data: &[u8]) -> Result<(), String> {
        if data.len() > MAX_BUFFER {
            return Err(format!(
                "buffer too large: {} bytes (at most {MAX_BUFFER})",
                data.len()
            ));
        }
        Ok(())
    }

    /// tmux `paste_add`: a new automatic buffer; the oldest automatic ones are dropped to
    /// stay under `limit`. Empty data adds nothing.
    ///
    /// # Errors
    /// When the data is larger than [`MAX_BUFFER`] or too many buffers exist.
    pub fn add(&mut self, data: Vec<u8>, limit: usize) -> Result<(), String> {
        Self::check_size(&data)?;
        if data.is_empty() {
            return Ok(());
        }
        loop {
            let automatic = self.list.iter().filter(|b| b.automatic).count();
            if automatic < limit {
                break;
            }
            let Some(oldest) = self
                .list
                .iter()
                .filter(|b| b.automatic)
                .min_by_key(|b| b.order)
                .map(|b| b.order)
            else {
                break;
            };
            self.list.retain(|b| b.order != oldest);
        }
        if self.list.len() >= MAX_BUFFERS {
            return Err(format!("too many buffers (at most {MAX_BUFFERS})"));
        }
        let name = loop {
            let n = format!("buffer{}", self.next_index);
            self.next_index += 1;
            if self.get(&n).is_none() {
                break n;
            }
        };
        self.push(name, data, true);
        Ok(())
    }

    fn push(&mut self, name: String, data: Vec<u8>, automatic: bool) {
        let order = self.next_order;
        self.next_order += 1;
        self.list.push(Buffer {
            name,
            data,
            automatic,
            order,
            created: now(),
        });
    }

    /// tmux `paste_set`: sets a named buffer (replacing one of that name, which becomes the
    /// newest), or adds an automatic one with `name` `None`. Empty data changes nothing.
    ///
    /// # Errors
    /// `empty buffer name`, or data larger than [`MAX_BUFFER`].
    pub fn set(&mut self, name: Option<&str>, data: Vec<u8>, limit: usize) -> Result<(), String> {
        Self::check_size(&data)?;
        if data.is_empty() {
            return Ok(());
        }
        let Some(name) = name else {
            return self.add(data, limit);
        };
        if name.is_empty() {
            return Err("empty buffer name".into());
        }
        if self.get(name).is_none() && self.list.len() >= MAX_BUFFERS {
            return Err(format!("too many buffers (at most {MAX_BUFFERS})"));
        }
        self.list.retain(|b| b.name != name);
        self.push(name.to_owned(), data, false);
        Ok(())
    }

    /// tmux `paste_rename`.
    ///
    /// # Errors
    /// `no buffer X`, `new name is empty`, `buffer X already exists`.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), String> {
        if new.is_empty() {
            return Err("new name is empty".into());
        }
        if self.get(old).is_none() {
            return Err(format!("no buffer {old}"));
        }
        if self.get(new).is_some() {
            return Err(format!("buffer {new} already exists"));
        }
        if let Some(b) = self.list.iter_mut().find(|b| b.name == old) {
            b.name = new.to_owned();
            b.automatic = false;
        }
        Ok(())
    }

    /// Deletes a buffer; false if none had that name.
    pub fn delete(&mut self, name: &str) -> bool {
        let n = self.list.len();
        self.list.retain(|b| b.name != name);
        self.list.len() != n
    }
}

/// tmux `paste_make_sample`: the first 200 bytes made visible (`\n`, `\t`, `\ooo` for other
/// control bytes and invalid UTF-8), `...` after when longer.
pub fn sample(data: &[u8]) -> String {
    const WIDTH: usize = 200;
    let head = &data[..data.len().min(WIDTH)];
    let mut out = crate::options::vis(head, false);
    if data.len() > WIDTH || out.len() > WIDTH {
        let mut cut = WIDTH.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// The format variables of a buffer (`buffer_name`, `buffer_size`, `buffer_sample`,
/// `buffer_created`).
pub fn variables(b: &Buffer) -> Vec<(String, String)> {
    vec![
        ("buffer_name".into(), b.name.clone()),
        ("buffer_size".into(), b.data.len().to_string()),
        ("buffer_sample".into(), sample(&b.data)),
        ("buffer_created".into(), b.created.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_buffers_rotate_under_the_limit() {
        let mut b = Buffers::default();
        for i in 0..5 {
            b.add(format!("d{i}").into_bytes(), 3).unwrap();
        }
        let names: Vec<_> = b.newest_first().iter().map(|x| x.name.clone()).collect();
        assert_eq!(names, ["buffer4", "buffer3", "buffer2"]);
        b.set(Some("mine"), b"x".to_vec(), 3).unwrap();
        b.add(b"y".to_vec(), 3).unwrap();
        let names: Vec<_> = b.newest_first().iter().map(|x| x.name.clone()).collect();
        assert_eq!(names, ["buffer5", "mine", "buffer4", "buffer3"]);
        assert_eq!(b.top().unwrap().data, b"y");
        b.add(Vec::new(), 3).unwrap();
        assert_eq!(b.newest_first().len(), 4);
    }

    #[test]
    fn set_rename_delete() {
        let mut b = Buffers::default();
        assert_eq!(
            b.set(Some(""), b"x".to_vec(), 50),
            Err("empty buffer name".into())
        );
        b.set(Some("a"), vec![0, 159, 255, b'\n'], 50).unwrap();
        b.set(Some("a"), vec![1], 50).unwrap();
        assert_eq!(b.get("a").unwrap().data, [1]);
        b.set(Some("b"), b"x".to_vec(), 50).unwrap();
        assert_eq!(b.rename("a", "b"), Err("buffer b already exists".into()));
        assert_eq!(b.rename("zz", "c"), Err("no buffer zz".into()));
        assert_eq!(b.rename("a", ""), Err("new name is empty".into()));
        b.rename("a", "c").unwrap();
        assert!(b.delete("c"));
        assert!(!b.delete("c"));
        assert!(b.set(None, vec![0; MAX_BUFFER + 1], 50).is_err());
    }

    #[test]
    fn samples() {
        assert_eq!(sample(b"a\tb\nc"), "a\\tb\\nc");
        assert_eq!(sample(&[0, 0xff, b'x']), "\\0\\377x");
        assert_eq!(sample(&[0, b'1']), "\\0001");
        assert_eq!(sample("héllo".as_bytes()), "héllo");
        let long = vec![b'x'; 300];
        assert_eq!(sample(&long), format!("{}...", "x".repeat(200)));
    }
}
