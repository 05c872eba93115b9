use alloc::vec::Vec;

const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
const CLIPBOARD_SELECTOR: &[u8] = b"cpqs01234567";

impl<CB: crate::Callbacks> vte::Perform for crate::screen::WrappedScreen<CB> {
    fn print(&mut self, c: char) {
        if let Some(name) = &mut self.rename {
            // tidemux: `ESC k ... ESC \` collects a name, not text (tmux input.c rename
            // string state; bounded like tmux's input buffer). vte reports invalid UTF-8 as
            // U+FFFD: tmux ignores such a name, and one holding DEL (utf8_isvalid).
            if (c == '\u{fffd}' && !self.literal_fffd) || c == '\x7f' {
                self.rename_bad = true;
            } else if name.len() < RENAME_MAX {
                name.push(c);
            }
            return;
        }
        // tidemux: vte reports invalid UTF-8 as U+FFFD, which tmux drops; a literal U+FFFD in
        // the input (flagged by Parser::process) is drawn, as tmux does.
        if (c == '\u{fffd}' && !self.literal_fffd)
            || ('\u{80}'..'\u{a0}').contains(&c)
        {
            self.callbacks.unhandled_char(&mut self.screen, c);
            self.screen.last_char = None;
        } else {
            self.text(c);
        }
    }

    /// tidemux: a run of ground-state text (vte fork hook). Runs of printable ASCII go to
    /// `WrappedScreen::text_ascii` at once; controls and other characters take the usual
    /// `execute` / `print` path, one at a time, in order (so the screen is the same as with
    /// upstream's per-character calls).
    fn print_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        // tidemux: a screenful or more of simple lines at the bottom row scrolls through at
        // once (`scroll_through`); tried where a line starts, at most once per stretch it
        // has ruled out.
        let mut retry_at = 0;
        let through = |this: &mut Self, i: usize, retry_at: &mut usize| {
            if i < *retry_at {
                return 0;
            }
            match this.scroll_through(&bytes[i..]) {
                Ok(n) => n,
                Err(n) => {
                    *retry_at = i + n.max(1);
                    0
                }
            }
        };
        i += through(self, i, &mut retry_at);
        while i < bytes.len() {
            let b = bytes[i];
            if is_printable_ascii(b) {
                let end = i + printable_ascii_len(&bytes[i..]);
                self.text_ascii(&bytes[i..end]);
                i = end;
            } else if b < 0x20 {
                self.execute(b);
                i += 1;
                if b == b'\n' && i < bytes.len() {
                    i += through(self, i, &mut retry_at);
                }
            } else {
                // Not ASCII, or DEL: one character, as vte's ground dispatch does.
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                if ('\u{80}'..='\u{9f}').contains(&c) {
                    self.execute(c as u8);
                } else {
                    self.print(c);
                }
                i += c.len_utf8();
            }
        }
    }

    fn execute(&mut self, b: u8) {
        // tidemux: CAN and SUB end a `ESC k` name (tmux INPUT_STATE_ANYWHERE); other controls
        // inside it are ignored.
        if self.rename.is_some() {
            if b == 0x18 || b == 0x1a {
                self.finish_rename();
            } else if b == 0x7f {
                self.rename_bad = true;
            }
            return;
        }
        self.screen.last_char = None;
        match b {
            7 => self.callbacks.audible_bell(&mut self.screen),
            8 => self.bs(),
            9 => self.tab(),
            10 => self.lf(),
            11 => self.vt(),
            12 => self.ff(),
            13 => self.cr(),
            // tidemux: SO/SI select G1/G0 (tmux input_c0_dispatch).
            14 => self.shift(true),
            15 => self.shift(false),
            _ => self.callbacks.unhandled_control(&mut self.screen, b),
        }
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, b: u8) {
        self.finish_rename();
        self.screen.last_char = None;
        match (intermediates, b) {
            ([i @ (b'(' | b')')], b'0' | b'B') => {
                return self.designate(*i, b);
            }
            ([b'#'], b'8') => return self.decaln(),
            ([], b'D') => return self.ind(),
            ([], b'E') => return self.nel(),
            ([], b'H') => return self.hts(),
            ([], b'k') => {
                self.rename = Some(alloc::string::String::new());
                self.rename_bad = false;
                return;
            }
            ([], b'\\') => return,
            _ => {}
        }
        if let Some(i) = intermediates.first() {
            self.callbacks.unhandled_escape(
                &mut self.screen,
                Some(*i),
                intermediates.get(1).copied(),
                b,
            );
        } else {
            match b {
                b'7' => self.decsc(),
                b'8' => self.decrc(),
                b'=' => self.deckpam(),
                b'>' => self.deckpnm(),
                b'M' => self.ri(),
                b'c' => self.ris(),
                b'g' => self.callbacks.visual_bell(&mut self.screen),
                _ => {
                    self.callbacks.unhandled_escape(
                        &mut self.screen,
                        None,
                        None,
                        b,
                    );
                }
            }
        }
    }

    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        _ignore: bool,
        c: char,
    ) {
        self.finish_rename();
        self.csi_dispatch_inner(params, intermediates, c);
        // tidemux: any control sequence forgets the character REP repeats (tmux input.c).
        self.screen.last_char = None;
    }

    fn osc_dispatch(&mut self, params: &[&[u8]], bel_terminated: bool) {
        self.finish_rename();
        self.screen.last_char = None;
        match params {
            [b"0", s] => {
                self.callbacks.set_window_icon_name(&mut self.screen, s);
                self.callbacks.set_window_title(&mut self.screen, s);
            }
            [b"1", s] => {
                self.callbacks.set_window_icon_name(&mut self.screen, s);
            }
            [b"2", s] => {
                self.callbacks.set_window_title(&mut self.screen, s);
            }
            [b"52", ty, data] => match (
                ty.iter().all(|c| CLIPBOARD_SELECTOR.contains(c)),
                *data,
            ) {
                (true, b"?") => {
                    self.callbacks.paste_from_clipboard(
                        &mut self.screen,
                        ty,
                        bel_terminated,
                    );
                }
                (true, data) if data.iter().all(|c| BASE64.contains(c)) => {
                    self.callbacks.copy_to_clipboard(
                        &mut self.screen,
                        ty,
                        data,
                    );
                }
                _ => {
                    self.callbacks.unhandled_osc(&mut self.screen, params);
                }
            },
            _ => {
                self.callbacks.unhandled_osc(&mut self.screen, params);
            }
        }
    }

    fn hook(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        _ignore: bool,
        action: char,
    ) {
        self.finish_rename();
        self.screen.last_char = None;
        self.dcs = Some(crate::screen::Dcs {
            params: params.iter().flatten().copied().collect(),
            intermediates: intermediates.to_vec(),
            action,
            data: Vec::new(),
        });
    }

    fn put(&mut self, byte: u8) {
        if let Some(dcs) = &mut self.dcs {
            if dcs.data.len() < DCS_MAX {
                dcs.data.push(byte);
            }
        }
    }

    fn unhook(&mut self) {
        if let Some(dcs) = self.dcs.take() {
            self.callbacks.unhandled_dcs(
                &mut self.screen,
                &dcs.intermediates,
                &dcs.params,
                dcs.action,
                &dcs.data,
            );
        }
    }
}

/// tidemux: whether `b` is printable ASCII (0x20..=0x7e).
#[inline]
fn is_printable_ascii(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// tidemux: the length of the run of printable ASCII at the start of `bytes`, eight bytes
/// at a time: a word is all printable when no byte has its top bit set (>= 0x80), none
/// borrows below 0x20 and none carries to 0x80 when 1 is added (0x7f). Checking the lowest
/// failing byte is exact since no borrow or carry enters it from the bytes before it.
#[inline]
pub(crate) fn printable_ascii_len(bytes: &[u8]) -> usize {
    const LO: u64 = 0x2020_2020_2020_2020;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(word);
        if (w | w.wrapping_sub(LO) | w.wrapping_add(ONES)) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && is_printable_ascii(bytes[i]) {
        i += 1;
    }
    i
}

/// tidemux: longest name kept from `ESC k ... ESC \` (characters).
const RENAME_MAX: usize = 256;
/// tidemux: longest DCS payload kept (bytes); the rest is dropped.
const DCS_MAX: usize = 4096;

impl<CB: crate::Callbacks> crate::screen::WrappedScreen<CB> {
    fn finish_rename(&mut self) {
        if let Some(name) = self.rename.take() {
            if !core::mem::take(&mut self.rename_bad) {
                self.callbacks.set_screen_name(&mut self.screen, &name);
            }
        }
    }

    fn csi_dispatch_inner(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        c: char,
    ) {
        let unhandled = |screen: &mut Self| {
            screen.callbacks.unhandled_csi(
                &mut screen.screen,
                intermediates.first().copied(),
                intermediates.get(1).copied(),
                &params.iter().collect::<Vec<_>>(),
                c,
            );
        };
        match intermediates.first() {
            None => match c {
                '@' => self.ich(canonicalize_params_1(params, 1)),
                'A' => self.cuu(canonicalize_params_1(params, 1)),
                'B' => self.cud(canonicalize_params_1(params, 1)),
                'C' => self.cuf(canonicalize_params_1(params, 1)),
                'D' => self.cub(canonicalize_params_1(params, 1)),
                'E' => self.cnl(canonicalize_params_1(params, 1)),
                'F' => self.cpl(canonicalize_params_1(params, 1)),
                'G' => self.cha(canonicalize_params_1(params, 1)),
                'H' | 'f' => {
                    self.cup(canonicalize_params_2(params, 1, 1));
                }
                'J' => self.ed(canonicalize_params_1(params, 0), unhandled),
                'K' => self.el(canonicalize_params_1(params, 0), unhandled),
                'L' => self.il(canonicalize_params_1(params, 1)),
                'M' => self.dl(canonicalize_params_1(params, 1)),
                'P' => self.dch(canonicalize_params_1(params, 1)),
                'S' => self.su(canonicalize_params_1(params, 1)),
                'T' => self.sd(canonicalize_params_1(params, 1)),
                'X' => self.ech(canonicalize_params_1(params, 1)),
                'Z' => self.cbt(canonicalize_params_1(params, 1)),
                'g' => self.tbc(canonicalize_params_1(params, 0)),
                'h' => self.sm_rm(params, true),
                'l' => self.sm_rm(params, false),
                's' => self.decsc(),
                'u' => self.decrc(),
                '`' => self.hpa(canonicalize_params_1(params, 1)),
                'b' => self.rep(canonicalize_params_1(params, 1)),
                'd' => self.vpa(canonicalize_params_1(params, 1)),
                'm' => self.sgr(params, unhandled),
                'r' => self.decstbm(canonicalize_params_decstbm(
                    params,
                    self.screen.grid().size(),
                )),
                't' => {
                    let mut params_iter = params.iter();
                    let op =
                        params_iter.next().and_then(|x| x.first().copied());
                    if op == Some(8) {
                        let (screen_rows, screen_cols) = self.screen.size();
                        let rows = params_iter
                            .next()
                            .and_then(|p| p.first().copied())
                            .unwrap_or_else(|| screen_rows.get());
                        let cols = params_iter
                            .next()
                            .and_then(|p| p.first().copied())
                            .unwrap_or_else(|| screen_cols.get());
                        self.callbacks.resize(&mut self.screen, (rows, cols));
                    } else {
                        self.callbacks.unhandled_csi(
                            &mut self.screen,
                            None,
                            None,
                            &params.iter().collect::<Vec<_>>(),
                            c,
                        );
                    }
                }
                _ => {
                    self.callbacks.unhandled_csi(
                        &mut self.screen,
                        None,
                        None,
                        &params.iter().collect::<Vec<_>>(),
                        c,
                    );
                }
            },
            Some(b' ') => match c {
                'q' => {
                    self.decscusr(
                        canonicalize_params_1(params, 0),
                        unhandled,
                    );
                }
                _ => {
                    self.callbacks.unhandled_csi(
                        &mut self.screen,
                        None,
                        None,
                        &params.iter().collect::<Vec<_>>(),
                        c,
                    );
                }
            },
            Some(b'?') => {
                match c {
                    'J' => self
                        .decsed(canonicalize_params_1(params, 0), unhandled),
                    'K' => self
                        .decsel(canonicalize_params_1(params, 0), unhandled),
                    'h' => self.decset(params, unhandled),
                    'l' => self.decrst(params, unhandled),
                    _ => {
                        self.callbacks.unhandled_csi(
                            &mut self.screen,
                            Some(b'?'),
                            intermediates.get(1).copied(),
                            &params.iter().collect::<Vec<_>>(),
                            c,
                        );
                    }
                }
            }
            Some(i) => {
                self.callbacks.unhandled_csi(
                    &mut self.screen,
                    Some(*i),
                    intermediates.get(1).copied(),
                    &params.iter().collect::<Vec<_>>(),
                    c,
                );
            }
        }
    }
}

fn canonicalize_params_1(params: &vte::Params, default: u16) -> u16 {
    let first = params.iter().next().map_or(0, |x| *x.first().unwrap_or(&0));
    if first == 0 { default } else { first }
}

fn canonicalize_params_2(
    params: &vte::Params,
    default1: u16,
    default2: u16,
) -> (u16, u16) {
    let mut iter = params.iter();
    let first = iter.next().map_or(0, |x| *x.first().unwrap_or(&0));
    let first = if first == 0 { default1 } else { first };

    let second = iter.next().map_or(0, |x| *x.first().unwrap_or(&0));
    let second = if second == 0 { default2 } else { second };

    (first, second)
}

fn canonicalize_params_decstbm(
    params: &vte::Params,
    size: crate::grid::Size,
) -> (u16, u16) {
    let mut iter = params.iter();
    let top = iter.next().map_or(0, |x| *x.first().unwrap_or(&0));
    let top = if top == 0 { 1 } else { top };

    let bottom = iter.next().map_or(0, |x| *x.first().unwrap_or(&0));
    let bottom = if bottom == 0 { size.rows() } else { bottom };

    (top, bottom)
}
