//! Commands of bindings and hooks parsed by the command language ([`crate::lang`]) and printed
//! back as tmux 3.3a prints them (`cmd_print`, `args_print` in arguments.c): the full command
//! name, flags without values grouped and sorted (`-FX`), then flags with values (sorted, each
//! ` -c VALUE`), then the arguments, values quoted by tmux's `args_escape`, `{ }` blocks printed
//! the same way inside.

use crate::lang::parse::{self, Arg, Command, NoEnv};
use crate::lang::table::{self, Cmd};
use crate::options::escape;

fn print_value(a: &Arg) -> Result<String, String> {
    match a {
        Arg::Str(s) => Ok(escape(s)),
        Arg::Block(cmds) => {
            let inner = print_built(&table::build(cmds, None)?)?.join(" ; ");
            Ok(format!("{{ {inner} }}"))
        }
    }
}

/// One command as tmux prints it.
///
/// # Errors
/// An unknown command inside a `{ }` block.
pub fn print_cmd(c: &Cmd) -> Result<String, String> {
    let mut flags: Vec<(char, Option<&str>)> = c
        .args
        .flags
        .iter()
        .map(|(f, v)| (*f, v.as_deref()))
        .collect();
    flags.sort_by_key(|(f, _)| *f);
    let mut buf = String::new();
    for (f, _) in flags.iter().filter(|(_, v)| v.is_none()) {
        if buf.is_empty() {
            buf.push('-');
        }
        buf.push(*f);
    }
    for (f, v) in flags.iter().filter_map(|(f, v)| v.map(|v| (f, v))) {
        if !buf.is_empty() {
            buf.push(' ');
        }
        buf.push('-');
        buf.push(*f);
        buf.push(' ');
        buf.push_str(&escape(v));
    }
    for a in &c.args.values {
        if !buf.is_empty() {
            buf.push(' ');
        }
        buf.push_str(&print_value(a)?);
    }
    Ok(if buf.is_empty() {
        c.entry.name.to_owned()
    } else {
        format!("{} {buf}", c.entry.name)
    })
}

fn print_built(cmds: &[Cmd]) -> Result<Vec<String>, String> {
    cmds.iter().map(print_cmd).collect()
}

fn build(cmds: &[Command]) -> Result<Vec<String>, String> {
    let built = table::build(cmds, None)?;
    if built.is_empty() {
        return Err("no command".into());
    }
    print_built(&built)
}

/// Commands from text in tmux's syntax (`new-window -d; split-window`), each printed.
///
/// # Errors
/// tmux's parse errors (`unknown command: X`, `syntax error`...).
pub fn from_text(text: &str) -> Result<Vec<String>, String> {
    build(&parse::parse_text(text, None, &mut NoEnv)?)
}

/// Commands from arguments as a shell split them (an argument ending in `;` ends a command).
///
/// # Errors
/// As [`from_text`].
pub fn from_argv(argv: &[String]) -> Result<Vec<String>, String> {
    build(&parse::split_arguments(argv))
}

/// Commands of a binding as given: one argument is command text, several are one command.
///
/// # Errors
/// As [`from_text`].
pub fn from_args(args: &[String]) -> Result<Vec<String>, String> {
    match args {
        [one] => from_text(one),
        many => from_argv(many),
    }
}

/// How `list-keys` shows a binding's commands (`a \; b`).
pub fn shown(cmds: &[String]) -> String {
    cmds.join(" \\; ")
}

/// The text that runs a binding shown as `list-keys` shows it (top-level `\;` separators
/// become `;`).
pub fn runnable(shown: &str) -> String {
    shown.replace(" \\; ", " ; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_tmux() {
        // tmux 3.3a's own default bindings, as typed in key-bindings.c and as list-keys shows
        // them.
        for (typed, printed) in [
            ("send -N5 -X scroll-up", "send-keys -X -N 5 scroll-up"),
            (
                "command-prompt -T search -ip'(search up)' -I'#{pane_search_string}' { send -X search-backward-incremental '%%' }",
                "command-prompt -i -I \"#{pane_search_string}\" -T search -p \"(search up)\" { send-keys -X search-backward-incremental \"%%\" }",
            ),
            ("send -FX search-forward '#{copy_cursor_word}'", "send-keys -FX search-forward \"#{copy_cursor_word}\""),
            ("confirm-before -p\"kill-pane #P? (y/n)\" kill-pane", "confirm-before -p \"kill-pane #P? (y/n)\" kill-pane"),
            ("select-window -t:=3", "select-window -t :=3"),
            ("display hi", "display-message hi"),
            ("if -F '#{||:#{pane_in_mode},#{mouse_any_flag}}' { send -M } { copy-mode -M }", "if-shell -F \"#{||:#{pane_in_mode},#{mouse_any_flag}}\" { send-keys -M } { copy-mode -M }"),
        ] {
            assert_eq!(from_text(typed).unwrap().join(" ; "), printed, "{typed}");
        }
        assert_eq!(
            shown(&from_text("select-pane; send -X begin-selection").unwrap()),
            "select-pane \\; send-keys -X begin-selection"
        );
        assert_eq!(
            from_args(&["display-message".into(), "a b".into()]).unwrap(),
            ["display-message \"a b\""]
        );
        assert!(from_text("nosuch-command x")
            .unwrap_err()
            .contains("unknown command"));
    }
}
