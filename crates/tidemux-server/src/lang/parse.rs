//! tmux 3.3a's command syntax: a port of `cmd-parse.y` (lexer and grammar) and of
//! `cmd_parse_from_arguments`.
//!
//! Text form (config files, `source-file`, `if-shell` commands, bound commands): one command
//! per line, `;` separates commands (a `\;` or `';'` is a literal `;`), `'...'` (no expansion),
//! `"..."` (escapes, `$VAR`, `~`), `\` escapes (`\e \n \t \s \uXXXX \ooo` ...), a `\` before a
//! newline continues the line, `#` starts a comment, `{ ... }` is a block of commands passed as
//! one argument, `%if FORMAT` / `%elif` / `%else` / `%endif` (on their own lines or inline),
//! `%hidden NAME=VALUE`, and `NAME=VALUE` before a command sets a global environment variable.
//!
//! Argument form (a shell's argv, `tmux a b \; c d`): an argument ending in `;` ends the
//! command (`\;` at the end of an argument is a literal `;`), as `cmd_parse_from_arguments`.

/// One argument of a parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A word.
    Str(String),
    /// A `{ ... }` block: commands, parsed but not yet looked up.
    Block(Vec<Command>),
}

impl Arg {
    /// The word, or the block printed back as tmux prints it (`{ cmd args }`).
    pub fn as_text(&self) -> String {
        match self {
            Arg::Str(s) => s.clone(),
            Arg::Block(cmds) => {
                let inner = print_commands(cmds);
                if inner.is_empty() {
                    "{}".into()
                } else {
                    format!("{{ {inner} }}")
                }
            }
        }
    }
}

/// A parsed command: its words (the first is the command name) and the line it started on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Words; the first is the name (as typed: lookup happens later).
    pub args: Vec<Arg>,
    /// 1-based line in the input.
    pub line: u32,
}

/// Prints commands back in tmux's syntax (`a b ; c d`), quoting words that need it.
pub fn print_commands(cmds: &[Command]) -> String {
    cmds.iter()
        .map(|c| {
            c.args
                .iter()
                .map(|a| match a {
                    Arg::Str(s) => quote(s),
                    b => b.as_text(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// Quotes a word so that the parser reads it back unchanged (tmux `args_escape`).
pub fn quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let special = |c: char| " #{}\"'\\;$~\t\n".contains(c);
    if !s.chars().any(special) {
        return s.into();
    }
    if !s.contains('\'') && !s.contains('\n') && !s.contains('\t') {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' | '$' => {
                out.push('\\');
                out.push(c)
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What the parser needs from the server: `%if` conditions, `$VAR` and `NAME=VALUE`.
pub trait ParseEnv {
    /// Expands a `%if`/`%elif` format and tests it (tmux `format_true`).
    fn condition(&mut self, format: &str) -> bool;
    /// A global environment variable (`$NAME`, `${NAME}`, `~` uses `HOME`).
    fn getenv(&self, name: &str) -> Option<String>;
    /// `NAME=VALUE` (or `%hidden NAME=VALUE`) outside a false `%if`: set it globally.
    fn setenv(&mut self, assignment: &str, hidden: bool);
}

/// A [`ParseEnv`] for tests and for parsing only: conditions false, no variables.
#[derive(Debug, Default)]
pub struct NoEnv;

impl ParseEnv for NoEnv {
    fn condition(&mut self, format: &str) -> bool {
        let f = format.trim();
        !(f.is_empty() || f == "0" || f == "#{}" || f == "#{0}")
    }
    fn getenv(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn setenv(&mut self, _: &str, _: bool) {}
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Newline,
    Semi,
    Open,
    Close,
    Word(String),
    Equals(String),
    Format(String),
    If,
    Elif,
    Else,
    Endif,
    Hidden,
    Error,
    Eof,
}

const EOF: i32 = -1;

struct Lexer<'a> {
    buf: &'a [u8],
    off: usize,
    escapes: u32,
    condition: bool,
    eol: bool,
    eof: bool,
    line: u32,
    error: Option<String>,
    peeked: Option<Tok>,
    env: &'a mut dyn ParseEnv,
}

impl Lexer<'_> {
    fn getc1(&mut self) -> i32 {
        if self.off >= self.buf.len() {
            self.off = self.buf.len() + 1;
            EOF
        } else {
            self.off += 1;
            i32::from(self.buf[self.off - 1])
        }
    }

    fn ungetc(&mut self, ch: i32) {
        if self.off > 0 && ch != EOF {
            self.off -= 1;
        } else if ch == EOF && self.off > self.buf.len() {
            self.off = self.buf.len();
        }
    }

    fn getc(&mut self) -> i32 {
        if self.escapes != 0 {
            self.escapes -= 1;
            return i32::from(b'\\');
        }
        loop {
            let ch = self.getc1();
            if ch == i32::from(b'\\') {
                self.escapes += 1;
                continue;
            }
            if ch == i32::from(b'\n') && self.escapes % 2 == 1 {
                self.line += 1;
                self.escapes -= 1;
                continue;
            }
            if self.escapes != 0 {
                self.ungetc(ch);
                self.escapes -= 1;
                return i32::from(b'\\');
            }
            return ch;
        }
    }

    fn err(&mut self, msg: &str) {
        if self.error.is_none() {
            self.error = Some(msg.to_owned());
        }
    }

    fn peek(&mut self) -> Tok {
        if self.peeked.is_none() {
            let t = self.lex();
            self.peeked = Some(t);
        }
        self.peeked.clone().unwrap_or(Tok::Eof)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek();
        self.peeked = None;
        t
    }

    fn lex(&mut self) -> Tok {
        if self.eol {
            self.line += 1;
        }
        self.eol = false;
        let condition = self.condition;
        self.condition = false;
        loop {
            let ch = self.getc();
            if ch == EOF {
                if self.eof {
                    return Tok::Eof;
                }
                self.eof = true;
                return Tok::Newline;
            }
            let c = ch as u8;
            match c {
                b' ' | b'\t' => continue,
                b'\n' => {
                    self.eol = true;
                    return Tok::Newline;
                }
                b';' => return Tok::Semi,
                b'{' => return Tok::Open,
                b'}' => return Tok::Close,
                b'#' => {
                    let mut next = self.getc();
                    if condition && next == i32::from(b'{') {
                        return match self.format() {
                            Some(f) => Tok::Format(f),
                            None => Tok::Error,
                        };
                    }
                    while next != i32::from(b'\n') && next != EOF {
                        next = self.getc();
                    }
                    if next == i32::from(b'\n') {
                        self.line += 1;
                        return Tok::Newline;
                    }
                    continue;
                }
                b'%' => {
                    let word = self.get_word(ch);
                    if word.bytes().all(|b| b == b'%' || b.is_ascii_digit()) {
                        return Tok::Word(word);
                    }
                    self.condition = true;
                    return match word.as_str() {
                        "%hidden" => Tok::Hidden,
                        "%if" => Tok::If,
                        "%else" => Tok::Else,
                        "%elif" => Tok::Elif,
                        "%endif" => Tok::Endif,
                        _ => Tok::Error,
                    };
                }
                _ => {
                    let Some(token) = self.token(ch) else {
                        return Tok::Error;
                    };
                    let b = token.as_bytes();
                    if token.contains('=') && is_var(b[0], true) {
                        let mut i = 1;
                        while b[i] != b'=' && is_var(b[i], false) {
                            i += 1;
                        }
                        if b[i] == b'=' {
                            return Tok::Equals(token);
                        }
                    }
                    return Tok::Word(token);
                }
            }
        }
    }

    fn get_word(&mut self, mut ch: i32) -> String {
        let mut buf = Vec::new();
        loop {
            buf.push(ch as u8);
            ch = self.getc();
            if ch == EOF || b" \t\n".contains(&(ch as u8)) {
                break;
            }
        }
        self.ungetc(ch);
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn format(&mut self) -> Option<String> {
        let mut buf = b"#{".to_vec();
        let mut brackets = 1;
        loop {
            let mut ch = self.getc();
            if ch == EOF || ch == i32::from(b'\n') {
                return None;
            }
            if ch == i32::from(b'#') {
                ch = self.getc();
                if ch == EOF || ch == i32::from(b'\n') {
                    return None;
                }
                if ch == i32::from(b'{') {
                    brackets += 1;
                }
                buf.push(b'#');
            } else if ch == i32::from(b'}') && brackets != 0 {
                brackets -= 1;
                if brackets == 0 {
                    buf.push(b'}');
                    break;
                }
            }
            buf.push(ch as u8);
        }
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    fn escape(&mut self, buf: &mut Vec<u8>) -> bool {
        let ch = self.getc();
        if ch == EOF {
            return false;
        }
        let c = ch as u8;
        if (b'4'..=b'7').contains(&c) {
            self.err("invalid octal escape");
            return false;
        }
        if (b'0'..=b'3').contains(&c) {
            let o2 = self.getc();
            if (i32::from(b'0')..=i32::from(b'7')).contains(&o2) {
                let o3 = self.getc();
                if (i32::from(b'0')..=i32::from(b'7')).contains(&o3) {
                    let v = 64 * (i32::from(c) - 48) + 8 * (o2 - 48) + (o3 - 48);
                    buf.push(v as u8);
                    return true;
                }
            }
            self.err("invalid octal escape");
            return false;
        }
        let out = match c {
            b'a' => 7,
            b'b' => 8,
            b'e' => 0x1b,
            b'f' => 0x0c,
            b's' => b' ',
            b'v' => 0x0b,
            b'r' => b'\r',
            b'n' => b'\n',
            b't' => b'\t',
            b'u' | b'U' => {
                let size = if c == b'u' { 4 } else { 8 };
                let mut s = String::new();
                for _ in 0..size {
                    let h = self.getc();
                    if h == EOF || h == i32::from(b'\n') {
                        return false;
                    }
                    if !(h as u8).is_ascii_hexdigit() {
                        self.err(&format!("invalid \\{} argument", c as char));
                        return false;
                    }
                    s.push(h as u8 as char);
                }
                match u32::from_str_radix(&s, 16).ok().and_then(char::from_u32) {
                    Some(ch) if ch != '\0' => {
                        let mut tmp = [0u8; 4];
                        buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                        return true;
                    }
                    _ => {
                        self.err(&format!("invalid \\{} argument", c as char));
                        return false;
                    }
                }
            }
            other => other,
        };
        buf.push(out);
        true
    }

    fn variable(&mut self, buf: &mut Vec<u8>) -> bool {
        let mut ch = self.getc();
        if ch == EOF {
            return false;
        }
        let mut name = Vec::new();
        let brackets = ch == i32::from(b'{');
        if !brackets {
            if !is_var(ch as u8, true) {
                buf.push(b'$');
                self.ungetc(ch);
                return true;
            }
            name.push(ch as u8);
        }
        loop {
            ch = self.getc();
            if brackets && ch == i32::from(b'}') {
                break;
            }
            if ch == EOF || !is_var(ch as u8, false) {
                if !brackets {
                    self.ungetc(ch);
                    break;
                }
                self.err("invalid environment variable");
                return false;
            }
            if name.len() == 1022 {
                self.err("environment variable is too long");
                return false;
            }
            name.push(ch as u8);
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        if let Some(v) = self.env.getenv(&name) {
            buf.extend_from_slice(v.as_bytes());
        }
        true
    }

    fn tilde(&mut self, buf: &mut Vec<u8>) -> bool {
        let mut name = Vec::new();
        loop {
            let ch = self.getc();
            if ch == EOF || b"/ \t\n\"'".contains(&(ch as u8)) {
                self.ungetc(ch);
                break;
            }
            name.push(ch as u8);
        }
        let home = if name.is_empty() {
            self.env
                .getenv("HOME")
                .filter(|h| !h.is_empty())
                .or_else(|| home_of(None))
        } else {
            home_of(Some(&String::from_utf8_lossy(&name)))
        };
        match home {
            Some(h) => {
                buf.extend_from_slice(h.as_bytes());
                true
            }
            None => false,
        }
    }

    fn token(&mut self, mut ch: i32) -> Option<String> {
        #[derive(PartialEq, Clone, Copy)]
        enum St {
            Start,
            None,
            Double,
            Single,
        }
        let mut state = St::None;
        let mut last = St::Start;
        let mut buf = Vec::new();
        loop {
            if ch == EOF || (state == St::None && ch == i32::from(b'\n')) {
                break;
            }
            let c = ch as u8;
            if matches!(c, b' ' | b'\t' | b';' | b'}') && state == St::None {
                break;
            }
            if c == b'\n' && state != St::None {
                buf.push(b'\n');
                loop {
                    ch = self.getc();
                    if ch != i32::from(b' ') && ch != i32::from(b'\t') {
                        break;
                    }
                }
                if ch != i32::from(b'#') {
                    continue;
                }
                ch = self.getc();
                if ch != EOF && b",#{}:".contains(&(ch as u8)) {
                    self.ungetc(ch);
                    ch = i32::from(b'#');
                } else {
                    loop {
                        ch = self.getc();
                        if ch == i32::from(b'\n') || ch == EOF {
                            break;
                        }
                    }
                }
                continue;
            }
            let mut skip = false;
            if c == b'\\' && state != St::Single {
                if !self.escape(&mut buf) {
                    return None;
                }
                skip = true;
            } else if c == b'~' && last != state && state != St::Single {
                if !self.tilde(&mut buf) {
                    return None;
                }
                skip = true;
            } else if c == b'$' && state != St::Single {
                if !self.variable(&mut buf) {
                    return None;
                }
                skip = true;
            } else if c == b'}' && state == St::None {
                return None;
            }
            if !skip {
                if c == b'\'' && state != St::Double {
                    state = if state == St::None {
                        St::Single
                    } else {
                        St::None
                    };
                    ch = self.getc();
                    continue;
                }
                if c == b'"' && state != St::Single {
                    state = if state == St::None {
                        St::Double
                    } else {
                        St::None
                    };
                    ch = self.getc();
                    continue;
                }
                buf.push(c);
            }
            last = state;
            ch = self.getc();
        }
        self.ungetc(ch);
        Some(String::from_utf8_lossy(&buf).into_owned())
    }
}

fn is_var(ch: u8, first: bool) -> bool {
    if ch == b'=' || (first && ch.is_ascii_digit()) {
        return false;
    }
    ch.is_ascii_alphanumeric() || ch == b'_'
}

/// Home directory of a user (`None`: the current user), from the password database.
fn home_of(user: Option<&str>) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let uid = rustix::process::getuid().as_raw().to_string();
    passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 6 {
                return None;
            }
            let hit = match user {
                Some(u) => f[0] == u,
                None => f[2] == uid,
            };
            hit.then(|| f[5].to_owned())
        })
        .or_else(|| user.is_none().then(|| std::env::var("HOME").ok()).flatten())
}

/// Where a statement list ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// End of input.
    Eof,
    /// A `}` (inside a block).
    Close,
    /// `%elif`, `%else` or `%endif` (inside a multi-line `%if`).
    Cond,
}

struct Parser<'a> {
    lx: Lexer<'a>,
}

type PResult<T> = Result<T, ()>;

impl Parser<'_> {
    fn fail<T>(&mut self) -> PResult<T> {
        self.lx.err("syntax error");
        Err(())
    }

    /// `statements`: lines until `end`; returns the commands of true branches.
    fn statements(&mut self, end: End, active: bool) -> PResult<Vec<Command>> {
        let mut out = Vec::new();
        loop {
            match self.lx.peek() {
                Tok::Eof => {
                    return if end == End::Eof {
                        Ok(out)
                    } else {
                        self.fail()
                    }
                }
                Tok::Close if end == End::Close => {
                    self.lx.next();
                    return Ok(out);
                }
                Tok::Elif | Tok::Else | Tok::Endif if end == End::Cond => return Ok(out),
                Tok::Newline => {
                    self.lx.next();
                }
                Tok::Close if end != End::Close => return self.fail(),
                _ => {
                    let mut cmds = self.statement(active)?;
                    out.append(&mut cmds);
                    match self.lx.peek() {
                        Tok::Newline => {
                            self.lx.next();
                        }
                        Tok::Close if end == End::Close => {}
                        Tok::Eof if end == End::Eof => {}
                        _ => return self.fail(),
                    }
                }
            }
        }
    }

    /// One line's worth: a hidden assignment, a multi-line condition, or commands.
    fn statement(&mut self, active: bool) -> PResult<Vec<Command>> {
        match self.lx.peek() {
            Tok::Hidden => {
                self.lx.next();
                match self.lx.next() {
                    Tok::Equals(a) => {
                        if active {
                            self.lx.env.setenv(&a, true);
                        }
                        Ok(Vec::new())
                    }
                    _ => self.fail(),
                }
            }
            Tok::If => {
                self.lx.next();
                let flag = self.expanded(active)?;
                if self.lx.peek() == Tok::Newline {
                    self.lx.next();
                    self.condition_block(flag, active)
                } else {
                    self.commands(active, Some(flag))
                }
            }
            _ => self.commands(active, None),
        }
    }

    fn expanded(&mut self, active: bool) -> PResult<bool> {
        match self.lx.next() {
            Tok::Format(f) | Tok::Word(f) => Ok(active && self.lx.env.condition(&f)),
            _ => self.fail(),
        }
    }

    /// After `%if EXPR \n`: statements, `%elif`s, `%else`, `%endif`.
    fn condition_block(&mut self, flag: bool, active: bool) -> PResult<Vec<Command>> {
        let mut taken = false;
        let mut out = Vec::new();
        let mut cur = flag;
        loop {
            let run = active && cur && !taken;
            let mut cmds = self.statements(End::Cond, run)?;
            if run {
                out.append(&mut cmds);
                taken = true;
            }
            match self.lx.next() {
                Tok::Endif => return Ok(out),
                Tok::Elif => {
                    cur = self.expanded(active && !taken)?;
                    if self.lx.next() != Tok::Newline {
                        return self.fail();
                    }
                }
                Tok::Else => {
                    if self.lx.next() != Tok::Newline {
                        return self.fail();
                    }
                    let run = active && !taken;
                    let mut cmds = self.statements(End::Cond, run)?;
                    if run {
                        out.append(&mut cmds);
                    }
                    return match self.lx.next() {
                        Tok::Endif => Ok(out),
                        _ => self.fail(),
                    };
                }
                _ => return self.fail(),
            }
        }
    }

    /// `commands`: `command (';' command)*` with inline conditions; `inline_if` when an
    /// inline `%if EXPR` was just read.
    fn commands(&mut self, active: bool, inline_if: Option<bool>) -> PResult<Vec<Command>> {
        let mut out = Vec::new();
        let mut first = true;
        if let Some(flag) = inline_if {
            out = self.condition_inline(flag, active)?;
            first = false;
        }
        loop {
            if !first {
                match self.lx.peek() {
                    Tok::Semi => {
                        self.lx.next();
                    }
                    _ => return Ok(out),
                }
                // `commands ';'` may end the list.
                match self.lx.peek() {
                    Tok::Newline | Tok::Close | Tok::Eof | Tok::Semi => continue,
                    Tok::Elif | Tok::Else | Tok::Endif => return Ok(out),
                    _ => {}
                }
            }
            first = false;
            if self.lx.peek() == Tok::If {
                self.lx.next();
                let flag = self.expanded(active)?;
                let mut cmds = self.condition_inline(flag, active)?;
                out.append(&mut cmds);
                continue;
            }
            let cmd = self.command(active)?;
            if let Some(c) = cmd {
                if active {
                    out.push(c);
                }
            }
        }
    }

    /// After an inline `%if EXPR`: commands, `%elif EXPR commands`, `%else commands`, `%endif`.
    fn condition_inline(&mut self, flag: bool, active: bool) -> PResult<Vec<Command>> {
        let mut taken = false;
        let mut out = Vec::new();
        let mut cur = flag;
        loop {
            let run = active && cur && !taken;
            let mut cmds = self.commands(run, None)?;
            if run {
                out.append(&mut cmds);
                taken = true;
            }
            match self.lx.next() {
                Tok::Endif => return Ok(out),
                Tok::Elif => cur = self.expanded(active && !taken)?,
                Tok::Else => {
                    let run = active && !taken;
                    let mut cmds = self.commands(run, None)?;
                    if run {
                        out.append(&mut cmds);
                    }
                    return match self.lx.next() {
                        Tok::Endif => Ok(out),
                        _ => self.fail(),
                    };
                }
                _ => return self.fail(),
            }
        }
    }

    /// `command`: `[NAME=VALUE] WORD arguments*`, or an assignment alone (`None`).
    fn command(&mut self, active: bool) -> PResult<Option<Command>> {
        let line = self.lx.line;
        let mut args = Vec::new();
        match self.lx.next() {
            Tok::Equals(a) => {
                if active {
                    self.lx.env.setenv(&a, false);
                }
                match self.lx.peek() {
                    Tok::Word(_) => {}
                    _ => return Ok(None),
                }
                if let Tok::Word(w) = self.lx.next() {
                    args.push(Arg::Str(w));
                }
            }
            Tok::Word(w) => args.push(Arg::Str(w)),
            _ => return self.fail(),
        }
        loop {
            match self.lx.peek() {
                Tok::Word(w) | Tok::Equals(w) => {
                    self.lx.next();
                    args.push(Arg::Str(w));
                }
                Tok::Open => {
                    self.lx.next();
                    let cmds = self.statements(End::Close, active)?;
                    args.push(Arg::Block(cmds));
                }
                _ => break,
            }
        }
        Ok(Some(Command { args, line }))
    }
}

/// Parses text in tmux's syntax. `first_line` numbers the first line (1 for a file).
///
/// # Errors
/// tmux's message (`syntax error`, `invalid octal escape`, ...), prefixed with
/// `FILE:LINE: ` when `file` is given, as `cmd_parse_get_error`.
pub fn parse_text(
    text: &str,
    file: Option<&str>,
    env: &mut dyn ParseEnv,
) -> Result<Vec<Command>, String> {
    let mut p = Parser {
        lx: Lexer {
            buf: text.as_bytes(),
            off: 0,
            escapes: 0,
            condition: false,
            eol: false,
            eof: false,
            line: 1,
            error: None,
            peeked: None,
            env,
        },
    };
    let r = p.statements(End::Eof, true);
    match (r, p.lx.error.take()) {
        (Ok(cmds), None) => Ok(cmds),
        (_, e) => {
            let e = e.unwrap_or_else(|| "syntax error".into());
            Err(match file {
                Some(f) => format!("{f}:{}: {e}", p.lx.line),
                None => e,
            })
        }
    }
}

/// Splits an argv (already split by a shell) into commands at `;` (tmux
/// `cmd_parse_from_arguments`): an argument ending in `;` ends a command (the `;` removed, the
/// argument dropped if nothing is left); one ending in `\;` keeps a literal `;`.
pub fn split_arguments(argv: &[String]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for a in argv {
        let mut s = a.clone();
        let mut end = false;
        if s.ends_with(';') {
            s.pop();
            if s.ends_with('\\') {
                s.pop();
                s.push(';');
            } else {
                end = true;
            }
        }
        if !end || !s.is_empty() {
            cur.push(Arg::Str(s));
        }
        if end {
            out.push(Command {
                args: std::mem::take(&mut cur),
                line: 0,
            });
        }
    }
    if !cur.is_empty() {
        out.push(Command { args: cur, line: 0 });
    }
    out.retain(|c| !c.args.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        parse_text(text, None, &mut NoEnv)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .into_iter()
            .map(|c| c.args.iter().map(Arg::as_text).collect())
            .collect()
    }

    fn err(text: &str) -> String {
        parse_text(text, Some("f"), &mut NoEnv).expect_err(text)
    }

    #[test]
    fn table() {
        std::env::set_var("TIDEMUX_TEST_PARSE_T", "val");
        let cases: &[(&str, &[&[&str]])] = &[
            ("", &[]),
            ("# comment", &[]),
            ("new -d", &[&["new", "-d"]]),
            ("a b; c d", &[&["a", "b"], &["c", "d"]]),
            ("a b ; c d", &[&["a", "b"], &["c", "d"]]),
            ("a b \\; c", &[&["a", "b", ";", "c"]]),
            ("a ';' c", &[&["a", ";", "c"]]),
            ("a \"x y\" 'z w'", &[&["a", "x y", "z w"]]),
            ("a 'it''s'", &[&["a", "its"]]),
            ("a \"it's\"", &[&["a", "it's"]]),
            ("a '$HOME'", &[&["a", "$HOME"]]),
            ("a $TIDEMUX_TEST_PARSE_T", &[&["a", "val"]]),
            ("a ${TIDEMUX_TEST_PARSE_T}x", &[&["a", "valx"]]),
            ("a \"$TIDEMUX_TEST_PARSE_T\"", &[&["a", "val"]]),
            ("a $TIDEMUX_TEST_UNSET_X", &[&["a", ""]]),
            ("a $ b", &[&["a", "$", "b"]]),
            ("a $1", &[&["a", "$1"]]),
            ("a \\e[0m", &[&["a", "\x1b[0m"]]),
            ("a \\101", &[&["a", "A"]]),
            ("a \\u00e9", &[&["a", "é"]]),
            ("a \\s", &[&["a", " "]]),
            ("a 'x\\ny'", &[&["a", "x\\ny"]]),
            ("a \"x\\ny\"", &[&["a", "x\ny"]]),
            ("a \\\nb", &[&["a", "b"]]),
            ("a \\\n  b", &[&["a", "b"]]),
            ("a\nb", &[&["a"], &["b"]]),
            ("a # c\nb", &[&["a"], &["b"]]),
            ("a b#c", &[&["a", "b#c"]]),
            ("a '#{x}'", &[&["a", "#{x}"]]),
            ("a { b c }", &[&["a", "{ b c }"]]),
            ("a {\n b c\n d\n}", &[&["a", "{ b c ; d }"]]),
            ("a {}", &[&["a", "{}"]]),
            ("a { b ; c } d", &[&["a", "{ b ; c }", "d"]]),
            ("%if 1\na\n%endif", &[&["a"]]),
            ("%if 0\na\n%endif", &[]),
            ("%if 0\na\n%else\nb\n%endif", &[&["b"]]),
            ("%if 0\na\n%elif 1\nc\n%else\nb\n%endif", &[&["c"]]),
            ("%if 1\na\n%elif 1\nc\n%endif", &[&["a"]]),
            ("%if 1 a %else b %endif", &[&["a"]]),
            ("%if 0 a %else b %endif", &[&["b"]]),
            ("%if #{0}\na\n%endif\nz", &[&["z"]]),
            ("%if 1\n%if 0\na\n%endif\nb\n%endif", &[&["b"]]),
            ("X=1", &[]),
            ("X=1 a", &[&["a"]]),
            ("a X=1", &[&["a", "X=1"]]),
            ("a 100%", &[&["a", "100%"]]),
            ("a %1", &[&["a", "%1"]]),
            ("%1", &[&["%1"]]),
            ("a ;", &[&["a"]]),
            ("a;", &[&["a"]]),
            ("a\t\tb", &[&["a", "b"]]),
            (
                "send-keys -t w 'echo hi' Enter",
                &[&["send-keys", "-t", "w", "echo hi", "Enter"]],
            ),
            ("a \"\"", &[&["a", ""]]),
            ("a ''", &[&["a", ""]]),
            (
                "a ~/x",
                &[&[
                    "a",
                    &format!("{}/x", std::env::var("HOME").unwrap_or_default()),
                ]],
            ),
            ("a x~", &[&["a", "x~"]]),
            ("a '~'", &[&["a", "~"]]),
            ("a \"multi\n  line\"", &[&["a", "multi\nline"]]),
        ];
        for (text, want) in cases {
            let want: Vec<Vec<String>> = want
                .iter()
                .map(|c| c.iter().map(|s| s.to_string()).collect())
                .collect();
            assert_eq!(words(text), want, "{text:?}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(err("a }"), "f:1: syntax error");
        assert_eq!(err("a {"), "f:1: syntax error");
        assert_eq!(err("a\n%if 1\nb"), "f:3: syntax error");
        assert_eq!(err("%bogus"), "f:1: syntax error");
        assert_eq!(err("a \\5"), "f:1: invalid octal escape");
        assert_eq!(err("a ${X"), "f:1: invalid environment variable");
        assert_eq!(err("a \\uzzzz"), "f:1: invalid \\u argument");
    }

    #[test]
    fn arguments() {
        let s = |v: &[&str]| -> Vec<Vec<String>> {
            split_arguments(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .into_iter()
                .map(|c| c.args.iter().map(Arg::as_text).collect())
                .collect()
        };
        assert_eq!(s(&["a", "b", ";", "c"]), vec![vec!["a", "b"], vec!["c"]]);
        assert_eq!(s(&["a", "b;", "c"]), vec![vec!["a", "b"], vec!["c"]]);
        assert_eq!(s(&["a", "b\\;", "c"]), vec![vec!["a", "b;", "c"]]);
        assert_eq!(s(&["a", "\\;"]), vec![vec!["a", ";"]]);
        assert_eq!(s(&["a", ";"]), vec![vec!["a"]]);
        assert_eq!(s(&["a", "x y"]), vec![vec!["a", "x y"]]);
        assert!(s(&[";"]).is_empty());
    }

    #[test]
    fn quoting_round_trips() {
        for w in ["a", "a b", "it's", "#{x}", "", "a;b", "x\ny", "$HOME", "~"] {
            let text = format!("cmd {}", quote(w));
            assert_eq!(
                words(&text),
                vec![vec!["cmd".to_string(), w.to_string()]],
                "{w:?}"
            );
        }
    }
}
