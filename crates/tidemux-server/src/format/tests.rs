//! Table-driven tests of the format engine. `tmux_cases.rs` holds expansions produced by tmux
//! 3.3a itself; the tables here cover what needs a model (loops, aliases, times).

use super::text;
use super::{Expander, FormatContext, Value};
use std::collections::HashMap;

#[path = "tmux_cases.rs"]
mod tmux_cases;

/// 2026-12-01 06:12:06 UTC, the time `tmux_cases.rs` was generated at.
const NOW: i64 = 1_796_105_526;

#[derive(Default)]
struct Ctx {
    vars: HashMap<String, Value>,
    sessions: Vec<Ctx>,
    windows: Option<Vec<(bool, Ctx)>>,
    panes: Option<Vec<(bool, Ctx)>>,
}

impl Ctx {
    fn with(mut self, k: &str, v: &str) -> Self {
        self.vars.insert(k.into(), Value::Text(v.into()));
        self
    }
    fn time(mut self, k: &str, t: i64) -> Self {
        self.vars.insert(k.into(), Value::Time(t));
        self
    }
}

impl FormatContext for Ctx {
    fn lookup(&self, key: &str) -> Option<Value> {
        self.vars.get(key).cloned()
    }
    fn sessions(&self) -> Vec<Box<dyn FormatContext + '_>> {
        self.sessions
            .iter()
            .map(|c| Box::new(Ref(c)) as Box<dyn FormatContext>)
            .collect()
    }
    fn windows(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        self.windows.as_ref().map(|v| {
            v.iter()
                .map(|(a, c)| (*a, Box::new(Ref(c)) as Box<dyn FormatContext>))
                .collect()
        })
    }
    fn panes(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        self.panes.as_ref().map(|v| {
            v.iter()
                .map(|(a, c)| (*a, Box::new(Ref(c)) as Box<dyn FormatContext>))
                .collect()
        })
    }
    fn session_name_exists(&self, name: &str) -> bool {
        self.sessions
            .iter()
            .any(|s| s.vars.get("session_name") == Some(&Value::Text(name.into())))
    }
    fn window_name_exists(&self, name: &str) -> Option<bool> {
        self.windows.as_ref().map(|w| {
            w.iter()
                .any(|(_, c)| c.vars.get("window_name") == Some(&Value::Text(name.into())))
        })
    }
}

struct Ref<'a>(&'a Ctx);

impl FormatContext for Ref<'_> {
    fn lookup(&self, key: &str) -> Option<Value> {
        self.0.lookup(key)
    }
    fn sessions(&self) -> Vec<Box<dyn FormatContext + '_>> {
        self.0.sessions()
    }
    fn windows(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        self.0.windows()
    }
    fn panes(&self) -> Option<Vec<(bool, Box<dyn FormatContext + '_>)>> {
        self.0.panes()
    }
}

/// The user options set in tmux when `tmux_cases.rs` was generated.
fn vars() -> Ctx {
    Ctx::default()
        .with("@empty", "")
        .with("@zero", "0")
        .with("@one", "1")
        .with("@name", "hello world")
        .with("@path", "/usr/local/bin/tmux")
        .with("@num", "42")
        .with("@neg", "-7")
        .with("@uni", "héllo wörld 日本")
        .with("@hash", "a#b")
        .with("@sq", "it's $HOME")
        .with("@time", "1700000000")
        .with("@fmt", "#{@name}")
        .with("@pct", "%Y")
}

#[test]
fn same_as_tmux_display_message() {
    let ctx = vars();
    let ex = Expander::fixed_utc(NOW);
    let mut bad = Vec::new();
    for (fmt, want) in tmux_cases::TMUX_CASES {
        // display-message expands with strftime first (format_expand_time).
        let got = ex.expand_time(&ctx, fmt);
        if got != *want {
            bad.push(format!("{fmt:?}: got {got:?}, tmux gives {want:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert!(tmux_cases::TMUX_CASES.len() > 200);
}

fn model() -> Ctx {
    let pane = |i: &str, id: &str| {
        Ctx::default()
            .with("session_name", "work")
            .with("window_index", "1")
            .with("window_name", "editor")
            .with("pane_index", i)
            .with("pane_id", id)
            .with("pane_title", "title here")
            .with("window_flags", "*")
            .with("host", "box.example.org")
            .with("host_short", "box")
    };
    let win = |idx: &str, name: &str, flags: &str| {
        let mut w = pane("0", "%0")
            .with("window_index", idx)
            .with("window_name", name)
            .with("window_flags", flags);
        w.panes = Some(vec![(false, pane("0", "%0")), (true, pane("1", "%1"))]);
        w
    };
    let mut root = pane("1", "%1").time("session_created", 1_700_000_000);
    root.windows = Some(vec![
        (false, win("0", "shell", "-")),
        (true, win("1", "editor", "*")),
        (false, win("2", "logs", "")),
    ]);
    root.panes = Some(vec![(false, pane("0", "%0")), (true, pane("1", "%1"))]);
    root.sessions = vec![
        Ctx::default().with("session_name", "alpha"),
        Ctx::default().with("session_name", "work"),
    ];
    root
}

#[test]
fn model_table() {
    let ctx = model();
    let ex = Expander::fixed_utc(NOW);
    let cases: &[(&str, &str)] = &[
        ("#S", "work"),
        ("#I", "1"),
        ("#W", "editor"),
        ("#P", "1"),
        ("#D", "%1"),
        ("#T", "title here"),
        ("#F", "*"),
        ("#H", "box.example.org"),
        ("#h", "box"),
        ("##", "#"),
        ("#S:#I.#P", "work:1.1"),
        ("[#S]", "[work]"),
        ("#{session_name}", "work"),
        ("#{=2:session_name}", "wo"),
        ("#{S:#{session_name} }", "alpha work "),
        ("#{S:#{session_name},}", "alpha,work,"),
        (
            "#{W:#{window_index}:#{window_name} }",
            "0:shell 1:editor 2:logs ",
        ),
        (
            "#{W:#{window_name} ,[#{window_name}] }",
            "shell [editor] logs ",
        ),
        ("#{W:#I#F }", "0- 1* 2 "),
        ("#{P:#{pane_id} }", "%0 %1 "),
        ("#{P:#{pane_index},(#{pane_index})}", "0(1)"),
        ("#{W:#{P:#D}|}", "%0%1|%0%1|%0%1|"),
        ("#{N:logs}", "1"),
        ("#{N:nope}", "0"),
        ("#{N/w:shell}", "1"),
        ("#{N/s:alpha}", "1"),
        ("#{N/s:beta}", "0"),
        ("#{session_created}", "1700000000"),
        ("#{t:session_created}", "Tue Nov 14 22:13:20 2023"),
        ("#{t/p:session_created}", "Nov23"),
        ("#{t/f/%Y-%m-%d %H#:%M:session_created}", "2023-11-14 22:13"),
        ("#{?session_created,y,n}", "y"),
        ("#{?session_missing,y,n}", "n"),
        ("#{C:foo}", "0"),
        ("#{c:red}", "800000"),
        ("#{c:brightred}", "ff0000"),
        ("#{c:colour100}", "878700"),
        ("#{c:color16}", "000000"),
        ("#{c:colour255}", "eeeeee"),
        ("#{c:colour256}", ""),
        ("#{c:default}", ""),
        ("#{c:7}", "c0c0c0"),
        ("#{c:91}", "ff0000"),
        ("#{c:BLUE}", "000080"),
        ("#(echo hi)x", "x"),
        ("#(unterminated", ""),
        ("a#", "a#"),
        ("#{b:session_name}", "work"),
        ("#{==:#S,work}", "1"),
        ("#{?#{==:#{window_flags},*},current,other}", "current"),
        ("#{s/r/R/:session_name}", "woRk"),
        ("#{q:pane_title}", "title\\ here"),
        ("#{n:pane_title}", "10"),
    ];
    let mut bad = Vec::new();
    for (fmt, want) in cases {
        let got = ex.expand(&ctx, fmt);
        if got != *want {
            bad.push(format!("{fmt:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn loops_fail_without_a_session_or_window() {
    let ctx = Ctx::default();
    let ex = Expander::fixed_utc(NOW);
    assert_eq!(ex.expand(&ctx, "a#{W:x}b"), "a");
    assert_eq!(ex.expand(&ctx, "a#{P:x}b"), "a");
    assert_eq!(ex.expand(&ctx, "a#{N:x}b"), "a");
    assert_eq!(ex.expand(&ctx, "a#{S:x}b"), "ab");
}

#[test]
fn pretty_time_ranges() {
    let ctx = Ctx::default()
        .time("recent", NOW - 3600)
        .time("week", NOW - 3 * 86400)
        .time("months", NOW - 100 * 86400)
        .time("years", NOW - 800 * 86400);
    let ex = Expander::fixed_utc(NOW);
    assert_eq!(ex.expand(&ctx, "#{t/p:recent}"), "05:12");
    assert_eq!(ex.expand(&ctx, "#{t/p:week}"), "Sat28");
    assert_eq!(ex.expand(&ctx, "#{t/p:months}"), "23Aug");
    assert_eq!(ex.expand(&ctx, "#{t/p:years}"), "Sep24");
}

#[test]
fn time_expansion() {
    let ctx = Ctx::default().with("x", "%H:%M");
    let ex = Expander::fixed_utc(NOW);
    assert_eq!(ex.expand(&ctx, "%H #{x}"), "%H %H:%M");
    assert_eq!(ex.expand_time(&ctx, "%H #{x}"), "06 %H:%M");
    assert_eq!(ex.expand(&ctx, "#{T:x}"), "06:12");
    assert_eq!(ex.expand_time(&ctx, "%Q %%"), "%Q %");
}

#[test]
fn nesting_is_bounded() {
    // A variable that expands to itself through E: stops at the loop limit.
    let ctx = Ctx::default().with("me", "x#{E:me}");
    let out = Expander::fixed_utc(NOW).expand(&ctx, "#{E:me}");
    assert!(out.starts_with("xx") && out.len() < 200, "{out}");
}

#[test]
fn self_referring_loops_are_bounded() {
    // Each level doubles the work: without the step budget this would not end.
    struct Rec;
    impl FormatContext for Rec {
        fn lookup(&self, key: &str) -> Option<Value> {
            (key == "@x").then(|| Value::Text("a#{S:#{E:@x}}".into()))
        }
        fn sessions(&self) -> Vec<Box<dyn FormatContext + '_>> {
            vec![Box::new(Rec), Box::new(Rec)]
        }
    }
    let start = std::time::Instant::now();
    let out = Expander::fixed_utc(NOW).expand(&Rec, "#{E:@x}");
    assert!(out.starts_with("aa"), "{out}");
    assert!(out.len() <= super::expand::MAX_OUTPUT + 8, "{}", out.len());
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn text_helpers() {
    assert_eq!(text::basename("/"), "/");
    assert_eq!(text::basename("a/b/"), "b");
    assert_eq!(text::basename(""), ".");
    assert_eq!(text::dirname("/a"), "/");
    assert_eq!(text::dirname("a/b/"), "a");
    assert_eq!(text::dirname("a"), ".");
    assert_eq!(text::dirname("/a//b"), "/a");
    assert_eq!(text::width("ab##[x]#[fg=red]c"), 7);
    assert_eq!(text::trim_left("#[fg=red]abc", 2), "#[fg=red]ab");
    assert_eq!(text::trim_right("abc#[x]de", 3), "c#[x]de");
    assert_eq!(text::trim_left("a\tb", 5), "ab");
    assert_eq!(text::pad("ab", 4), "ab  ");
    assert_eq!(text::pad("ab", -4), "  ab");
    assert_eq!(
        text::regsub("b", "x", "abcb", false).as_deref(),
        Some("axcx")
    );
    assert_eq!(text::regsub("(", "x", "abc", false), None);
    assert_eq!(text::regsub("a", "x", "", false).as_deref(), Some(""));
    assert_eq!(text::quote_shell("a b;c"), "a\\ b\\;c");
    assert_eq!(text::strip("a#,b#{x#,}"), "a,b#{x#,}");
}

/// Random formats from the grammar's special characters never panic and stay bounded.
#[test]
fn random_formats_do_not_panic() {
    const ALPHABET: &[&str] = &[
        "#",
        "{",
        "}",
        ",",
        ":",
        ";",
        "?",
        "=",
        "-",
        "/",
        "|",
        "(",
        ")",
        "[",
        "]",
        "\\",
        "%",
        "a",
        "b",
        "1",
        "0",
        "5",
        "l",
        "s",
        "m",
        "e",
        "t",
        "q",
        "E",
        "T",
        "S",
        "W",
        "P",
        "N",
        "C",
        "c",
        "p",
        "n",
        "w",
        "r",
        "i",
        "f",
        "+",
        "*",
        "!",
        "<",
        ">",
        "&",
        "é",
        "日",
        "\t",
        " ",
        "@name",
        "@uni",
        "@num",
        "session_name",
    ];
    let ctx = model();
    let vars = vars();
    let ex = Expander::fixed_utc(NOW);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let f: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        let out = ex.expand_time(&ctx, &f);
        assert!(out.len() < 100_000, "{f:?} gave {} bytes", out.len());
        let _ = ex.expand(&vars, &f);
    }
}
