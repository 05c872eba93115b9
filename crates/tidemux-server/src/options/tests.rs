use super::*;

fn show_all(o: &Options, w: Where) -> Vec<String> {
    let set = o.set_of(w).cloned().unwrap_or_default();
    // tmux prints user options first, then table options in table order.
    let mut lines = Vec::new();
    for (k, v) in set.iter().filter(|(k, _)| k.starts_with('@')) {
        lines.extend(show_lines(k, v, None, false, false));
    }
    for d in OPTIONS.iter().filter(|d| d.scope & w.scope() != 0) {
        if let Some(v) = set.get(d.name) {
            lines.extend(show_lines(d.name, v, None, false, false));
        }
    }
    lines
}

#[test]
fn defaults_print_as_tmux_shows_them() {
    let o = Options::default();
    let want = include_str!("show_defaults.txt");
    let mut parts = want.split("===\n");
    for w in [Where::Server, Where::GlobalSession, Where::GlobalWindow] {
        // tidemux's own defaults (`tidemux_default`) are left out of the comparison.
        let expected: Vec<&str> = parts
            .next()
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("mouse "))
            .collect();
        let got: Vec<String> = show_all(&o, w)
            .into_iter()
            .filter(|l| {
                !l.starts_with("default-shell ")
                    && !l.starts_with("history-limit ")
                    && !l.starts_with("mouse ")
            })
            .collect();
        assert_eq!(got, expected, "{w:?}");
        if w == Where::GlobalSession {
            assert_eq!(
                show_all(&o, w).iter().find(|l| l.starts_with("mouse ")),
                Some(&"mouse on".to_owned())
            );
        }
    }
}

#[test]
fn names_match_like_tmux() {
    assert_eq!(
        match_name("history-limit"),
        Ok(("history-limit".into(), None))
    );
    assert_eq!(match_name("history-l"), Ok(("history-limit".into(), None)));
    assert_eq!(
        match_name("status-format[1]"),
        Ok(("status-format".into(), Some(1)))
    );
    assert_eq!(match_name("@mine"), Ok(("@mine".into(), None)));
    assert_eq!(match_name("status"), Ok(("status".into(), None)));
    assert_eq!(match_name("status-l"), Err(MatchError::Ambiguous));
    assert_eq!(match_name("nope"), Err(MatchError::Invalid));
    assert_eq!(match_name("x[a]"), Err(MatchError::Invalid));
    assert_eq!(
        match_name("display-panes-color"),
        Ok(("display-panes-colour".into(), None))
    );
}

#[test]
fn set_validates_and_inherits() {
    let mut o = Options::default();
    let s = SessionId(1);
    let w = WindowId(2);
    let p = PaneId(3);
    assert_eq!(
        o.effective("history-limit", Some(s), None, None).as_deref(),
        Some("10000")
    );
    o.set(
        Where::Session(s),
        "history-limit",
        None,
        Some("5000"),
        false,
        None,
    )
    .unwrap();
    assert_eq!(
        o.effective("history-limit", Some(s), None, None).as_deref(),
        Some("5000")
    );
    assert_eq!(
        o.effective("history-limit", Some(SessionId(9)), None, None)
            .as_deref(),
        Some("10000")
    );
    let e = o.set(
        Where::GlobalSession,
        "history-limit",
        None,
        Some("-1"),
        false,
        None,
    );
    assert_eq!(e, Err(SetError("value is too small: -1".into())));
    let e = o.set(
        Where::GlobalSession,
        "history-limit",
        None,
        Some("x"),
        false,
        None,
    );
    assert_eq!(e, Err(SetError("value is invalid: x".into())));
    o.set(
        Where::GlobalSession,
        "mouse",
        None,
        Some("yes"),
        false,
        None,
    )
    .unwrap();
    assert_eq!(
        o.effective("mouse", None, None, None).as_deref(),
        Some("on")
    );
    o.set(Where::GlobalSession, "mouse", None, None, false, None)
        .unwrap();
    assert_eq!(
        o.effective("mouse", None, None, None).as_deref(),
        Some("off")
    );
    assert!(o
        .set(
            Where::GlobalSession,
            "mouse",
            None,
            Some("maybe"),
            false,
            None
        )
        .is_err());
    o.set(
        Where::GlobalWindow,
        "mode-keys",
        None,
        Some("vi"),
        false,
        None,
    )
    .unwrap();
    assert!(o
        .set(
            Where::GlobalWindow,
            "mode-keys",
            None,
            Some("ed"),
            false,
            None
        )
        .is_err());
    // Pane -> window -> global window.
    o.set(
        Where::Window(w),
        "remain-on-exit",
        None,
        Some("on"),
        false,
        None,
    )
    .unwrap();
    assert_eq!(
        o.effective("remain-on-exit", Some(s), Some(w), Some(p))
            .as_deref(),
        Some("on")
    );
    o.set(
        Where::Pane(p),
        "remain-on-exit",
        None,
        Some("off"),
        false,
        Some(w),
    )
    .unwrap();
    assert_eq!(
        o.effective("remain-on-exit", Some(s), Some(w), Some(p))
            .as_deref(),
        Some("off")
    );
    o.unset(Where::Pane(p), "remain-on-exit", None);
    assert_eq!(
        o.effective("remain-on-exit", Some(s), Some(w), Some(p))
            .as_deref(),
        Some("on")
    );
    // Strings append with -a; user options.
    o.set(
        Where::GlobalSession,
        "status-left",
        None,
        Some("x"),
        true,
        None,
    )
    .unwrap();
    assert_eq!(
        o.effective("status-left", None, None, None).as_deref(),
        Some("[#{session_name}] x")
    );
    o.unset(Where::GlobalSession, "status-left", None);
    assert_eq!(
        o.effective("status-left", None, None, None).as_deref(),
        Some("[#{session_name}] ")
    );
    o.set(Where::Session(s), "@k", None, Some("v"), false, None)
        .unwrap();
    o.set(Where::Session(s), "@k", None, Some("w"), true, None)
        .unwrap();
    assert_eq!(
        o.get_only(Where::Session(s), "@k"),
        Some(&OptValue::Scalar("vw".into()))
    );
    assert!(o
        .set(Where::Session(s), "@k", Some(1), Some("v"), false, None)
        .is_err());
    assert_eq!(
        o.set(Where::Session(s), "@k", None, None, false, None),
        Err(SetError("empty value".into()))
    );
}

#[test]
fn arrays() {
    let mut o = Options::default();
    o.set(
        Where::GlobalSession,
        "update-environment",
        None,
        Some("A B,C"),
        false,
        None,
    )
    .unwrap();
    let Some(OptValue::Array(a)) = o.get_only(Where::GlobalSession, "update-environment") else {
        panic!()
    };
    assert_eq!(a.values().cloned().collect::<Vec<_>>(), ["A", "B", "C"]);
    o.set(
        Where::GlobalSession,
        "update-environment",
        Some(5),
        Some("Z"),
        false,
        None,
    )
    .unwrap();
    o.set(
        Where::GlobalSession,
        "update-environment",
        None,
        Some("D"),
        true,
        None,
    )
    .unwrap();
    let v = o
        .get_only(Where::GlobalSession, "update-environment")
        .unwrap();
    assert_eq!(
        show_lines("update-environment", v, None, false, false),
        [
            "update-environment[0] A",
            "update-environment[1] B",
            "update-environment[2] C",
            "update-environment[3] D",
            "update-environment[5] Z"
        ]
    );
    o.unset(Where::GlobalSession, "update-environment", Some(1));
    let v = o
        .get_only(Where::GlobalSession, "update-environment")
        .unwrap();
    assert_eq!(
        show_lines("update-environment", v, Some(1), false, false),
        ["update-environment[1] ''"]
    );
    assert!(o
        .set(
            Where::GlobalSession,
            "history-limit",
            Some(0),
            Some("1"),
            false,
            None
        )
        .is_err());
}

#[test]
fn escapes_like_args_escape() {
    for (v, want) in [
        ("", "''"),
        ("plain", "plain"),
        ("a b", "\"a b\""),
        ("it's", "\"it's\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("say\"hi\"", "'say\"hi\"'"),
        ("#", "\\#"),
        ("~", "\\~"),
        ("~/x", "\\~/x"),
        ("$HOME x", "\"\\$HOME x\""),
        ("a\tb", "a\\tb"),
        ("a\\b", "a\\\\b"),
    ] {
        assert_eq!(escape(v), want, "{v:?}");
    }
}
