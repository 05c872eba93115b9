//! The command prompt (`prefix :`, tmux `command-prompt`): a line edited on the status line,
//! Tab completing command names, Enter running it as a tmux command line on the server.

/// tmux 3.3a's command names (`list-commands`), for Tab completion.
pub const COMMANDS: &[&str] = &[
    "attach-session",
    "bind-key",
    "break-pane",
    "capture-pane",
    "choose-buffer",
    "choose-client",
    "choose-tree",
    "clear-history",
    "clock-mode",
    "command-prompt",
    "confirm-before",
    "copy-mode",
    "customize-mode",
    "delete-buffer",
    "detach-client",
    "display-menu",
    "display-message",
    "display-panes",
    "display-popup",
    "find-window",
    "has-session",
    "if-shell",
    "join-pane",
    "kill-pane",
    "kill-server",
    "kill-session",
    "kill-window",
    "last-pane",
    "last-window",
    "link-window",
    "list-buffers",
    "list-clients",
    "list-commands",
    "list-keys",
    "list-panes",
    "list-sessions",
    "list-windows",
    "load-buffer",
    "lock-client",
    "lock-server",
    "lock-session",
    "move-pane",
    "move-window",
    "new-session",
    "new-window",
    "next-layout",
    "next-window",
    "paste-buffer",
    "pipe-pane",
    "previous-layout",
    "previous-window",
    "refresh-client",
    "rename-session",
    "rename-window",
    "resize-pane",
    "resize-window",
    "respawn-pane",
    "respawn-window",
    "rotate-window",
    "run-shell",
    "save-buffer",
    "select-layout",
    "select-pane",
    "select-window",
    "send-keys",
    "send-prefix",
    "server-access",
    "set-buffer",
    "set-environment",
    "set-hook",
    "set-option",
    "set-window-option",
    "show-buffer",
    "show-environment",
    "show-hooks",
    "show-messages",
    "show-options",
    "show-prompt-history",
    "show-window-options",
    "source-file",
    "split-window",
    "start-server",
    "suspend-client",
    "swap-pane",
    "swap-window",
    "switch-client",
    "unbind-key",
    "unlink-window",
    "wait-for",
];

/// What a key in the prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Keep editing.
    None,
    /// Close the prompt.
    Cancel,
    /// Close the prompt and run this command line.
    Run(String),
}

/// The line being edited.
#[derive(Debug, Clone, Default)]
pub struct Prompt {
    text: Vec<char>,
    at: usize,
}

impl Prompt {
    /// What the status line shows: `:` and the text.
    pub fn line(&self) -> String {
        format!(":{}", self.text.iter().collect::<String>())
    }

    /// The cursor's column on the status line.
    pub fn cursor(&self) -> usize {
        1 + self.at
    }

    /// Handles one key (its tmux name, as `copy::key_name` gives it), with tmux's emacs-style
    /// editing keys.
    pub fn key(&mut self, key: &str) -> Outcome {
        match key {
            "Enter" => {
                let t: String = self.text.iter().collect();
                return if t.trim().is_empty() {
                    Outcome::Cancel
                } else {
                    Outcome::Run(t)
                };
            }
            "Escape" | "C-c" | "C-g" => return Outcome::Cancel,
            "BSpace" | "C-h" if self.at > 0 => {
                self.at -= 1;
                self.text.remove(self.at);
            }
            "Delete" | "C-d" if self.at < self.text.len() => {
                self.text.remove(self.at);
            }
            "Left" | "C-b" => self.at = self.at.saturating_sub(1),
            "Right" | "C-f" => self.at = (self.at + 1).min(self.text.len()),
            "Home" | "C-a" => self.at = 0,
            "End" | "C-e" => self.at = self.text.len(),
            "C-u" => {
                self.text.drain(..self.at);
                self.at = 0;
            }
            "C-k" => self.text.truncate(self.at),
            "C-w" => {
                let mut i = self.at;
                while i > 0 && self.text[i - 1] == ' ' {
                    i -= 1;
                }
                while i > 0 && self.text[i - 1] != ' ' {
                    i -= 1;
                }
                self.text.drain(i..self.at);
                self.at = i;
            }
            "Tab" => self.complete(),
            "Space" => self.insert(" "),
            k if k.chars().count() == 1 => self.insert(k),
            _ => {}
        }
        Outcome::None
    }

    fn insert(&mut self, s: &str) {
        for c in s.chars() {
            self.text.insert(self.at, c);
            self.at += 1;
        }
    }

    /// Tab: completes the command name being typed (the first word, or the first after a
    /// `;`) to the longest prefix the matching names share, and a space when only one
    /// matches (tmux's completion of commands).
    fn complete(&mut self) {
        let before: String = self.text[..self.at].iter().collect();
        let start = before.rfind([' ', ';']).map_or(0, |i| i + 1);
        let head = before[..start].trim_end();
        if !(head.is_empty() || head.ends_with(';')) {
            return;
        }
        let word = &before[start..];
        let matches: Vec<&str> = COMMANDS
            .iter()
            .copied()
            .filter(|c| c.starts_with(word))
            .collect();
        let Some(first) = matches.first() else {
            return;
        };
        let mut common = first.len();
        for m in &matches[1..] {
            common = common.min(
                first
                    .bytes()
                    .zip(m.bytes())
                    .take_while(|(a, b)| a == b)
                    .count(),
            );
        }
        let add = first[word.len()..common].to_owned();
        self.insert(&add);
        if matches.len() == 1 {
            self.insert(" ");
        }
    }
}

/// Splits a command line into arguments as a shell would: blanks separate, single quotes keep
/// everything, double quotes keep all but `\` before `"`, `\`, `$`; a `\` outside quotes keeps
/// the next character. A `;` alone or at a word's end stays part of the word (tmux ends a
/// command there).
///
/// # Errors
/// An unterminated quote.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut it = line.chars();
    while let Some(c) = it.next() {
        match c {
            ' ' | '\t' => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            '\'' => {
                has = true;
                loop {
                    match it.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated ' in the command".into()),
                    }
                }
            }
            '"' => {
                has = true;
                loop {
                    match it.next() {
                        Some('"') => break,
                        Some('\\') => match it.next() {
                            Some(c @ ('"' | '\\' | '$')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated \" in the command".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated \" in the command".into()),
                    }
                }
            }
            '\\' => {
                has = true;
                if let Some(c) = it.next() {
                    cur.push(c);
                }
            }
            c => {
                has = true;
                cur.push(c);
            }
        }
    }
    if has {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(p: &mut Prompt, s: &str) {
        for c in s.chars() {
            p.key(&c.to_string());
        }
    }

    #[test]
    fn edits_completes_and_runs() {
        let mut p = Prompt::default();
        typed(&mut p, "new-w");
        p.key("Tab");
        assert_eq!(p.line(), ":new-window ");
        typed(&mut p, "-n x");
        assert_eq!(p.key("Enter"), Outcome::Run("new-window -n x".into()));
        // A shared prefix completes as far as the names agree.
        let mut p = Prompt::default();
        typed(&mut p, "list-");
        p.key("Tab");
        assert_eq!(p.line(), ":list-");
        typed(&mut p, "se");
        p.key("Tab");
        assert_eq!(p.line(), ":list-sessions ");
        // Only command names complete.
        typed(&mut p, "li");
        p.key("Tab");
        assert_eq!(p.line(), ":list-sessions li");
        p.key("C-w");
        assert_eq!(p.line(), ":list-sessions ");
        p.key("C-a");
        typed(&mut p, "x");
        assert_eq!((p.line().as_str(), p.cursor()), (":xlist-sessions ", 2));
        p.key("BSpace");
        p.key("C-k");
        assert_eq!(p.line(), ":");
        assert_eq!(p.key("Enter"), Outcome::Cancel);
        assert_eq!(p.key("Escape"), Outcome::Cancel);
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split(r#"rename-window 'a b' "c \"d\"" e\ f ;"#).unwrap(),
            ["rename-window", "a b", "c \"d\"", "e f", ";"]
        );
        assert_eq!(split("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split("''").unwrap(), [""]);
        assert!(split("'open").is_err());
    }
}
