//! Paste buffers: byte-exact round trips (invalid UTF-8, NULs), paste-buffer into a real
//! program in raw mode, buffer-limit, and list/show output compared with tmux 3.3a.

use crate::formats::Tmux;
use crate::support::Server;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::process::Stdio;

/// Every byte value, twice, plus invalid UTF-8 sequences and NULs.
fn nasty() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    v.extend_from_slice(&[0xc3, 0x28, 0xe2, 0x82, 0, 0, 0xff, 0xfe, b'\n', b'\r', 0x1b]);
    v.extend_from_slice("héllo 日本\n".as_bytes());
    v
}

fn load(s: &Server, args: &[&str], data: &[u8]) {
    let mut c = s.command();
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = c.spawn().expect("spawn load-buffer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(data)
        .expect("write stdin");
    let out = child.wait_with_output().expect("load-buffer");
    assert!(out.status.success(), "{args:?}: {out:?}");
}

fn raw_stdout(s: &Server, args: &[&str]) -> Vec<u8> {
    let o = s.command().args(args).output().expect("run");
    assert!(o.status.success(), "{args:?}: {o:?}");
    o.stdout
}

#[test]
fn buffers_round_trip_bytes_exactly() {
    let s = Server::new();
    s.start("w", &["cat"]);
    let data = nasty();
    load(&s, &["load-buffer", "-b", "bin", "-"], &data);
    assert_eq!(raw_stdout(&s, &["show-buffer", "-b", "bin"]), data);
    assert_eq!(raw_stdout(&s, &["save-buffer", "-b", "bin", "-"]), data);
    let file = s.dir.path().join("out.bin");
    let f = file.to_str().expect("utf-8 path");
    s.ok(&["save-buffer", "-b", "bin", f]);
    assert_eq!(std::fs::read(&file).expect("read"), data);
    s.ok(&["save-buffer", "-a", "-b", "bin", f]);
    assert_eq!(
        std::fs::read(&file).expect("read"),
        [data.clone(), data.clone()].concat()
    );
    // load-buffer from a file, and set-buffer with invalid UTF-8 in argv (no NUL possible).
    s.ok(&["load-buffer", "-b", "again", f]);
    assert_eq!(
        raw_stdout(&s, &["show-buffer", "-b", "again"]).len(),
        2 * data.len()
    );
    let argv: Vec<u8> = (1..=255u8).collect();
    let o = s
        .command()
        .args(["set-buffer", "-b", "argv"])
        .arg(OsStr::from_bytes(&argv))
        .output()
        .expect("set-buffer");
    assert!(o.status.success(), "{o:?}");
    assert_eq!(raw_stdout(&s, &["show-buffer", "-b", "argv"]), argv);
    s.ok(&["set-buffer", "-a", "-b", "argv", "tail"]);
    assert!(raw_stdout(&s, &["show-buffer", "-b", "argv"]).ends_with(b"\xfftail"));
    // JSON listing and the newest-first order.
    let v = s.json(&["list-buffers"]);
    let names: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|b| b["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["argv", "again", "bin"]);
    assert_eq!(v[2]["size"], data.len());
    // Errors.
    let o = s.run(&["show-buffer", "-b", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no buffer nope"), "{o:?}");
    let o = s.run(&["delete-buffer", "-b", "nope"]);
    assert!(o.stderr.contains("unknown buffer: nope"), "{o:?}");
}

#[test]
fn paste_buffer_types_the_bytes_into_the_pane() {
    let s = Server::new();
    let out = s.dir.path().join("got.bin");
    let out_s = out.to_str().expect("utf-8 path").to_owned();
    let data = nasty();
    // What the pane receives with the default separator: every LF becomes CR.
    let want: Vec<u8> = data
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    let script = format!(
        "stty raw -echo; printf 'ready\\n'; head -c {} > '{out_s}'; printf 'done\\n'; sleep 30",
        want.len()
    );
    s.start("w", &["sh", "-c", &script]);
    s.wait_text("w", "ready");
    load(&s, &["load-buffer", "-"], &data);
    s.ok(&["paste-buffer", "-d", "-t", "w"]);
    s.wait_text("w", "done");
    assert_eq!(std::fs::read(&out).expect("read"), want);
    // -d deleted the automatic buffer.
    assert_eq!(s.json(&["list-buffers"]), serde_json::json!([]));

    // -r keeps LF, -s sets the separator, -p brackets only when the program asked for it.
    let out2 = s.dir.path().join("got2.bin");
    let out2_s = out2.to_str().expect("utf-8 path").to_owned();
    let script = format!(
        "stty raw -echo; printf '\\033[?2004hready\\n'; head -c 25 > '{out2_s}'; printf 'done\\n'; sleep 30"
    );
    s.start("p", &["sh", "-c", &script]);
    s.wait_text("p", "ready");
    s.ok(&["set-buffer", "-b", "x", "a\nb"]);
    s.ok(&["paste-buffer", "-b", "x", "-r", "-t", "p"]);
    s.ok(&["paste-buffer", "-b", "x", "-s", "-:", "-t", "p"]);
    s.ok(&["paste-buffer", "-b", "x", "-p", "-t", "p"]);
    s.ok(&["paste-buffer", "-b", "x", "-t", "p"]);
    s.wait_text("p", "done");
    assert_eq!(
        std::fs::read(&out2).expect("read"),
        b"a\nba-:b\x1b[200~a\rb\x1b[201~a\rb".to_vec()
    );
}

#[test]
fn buffer_limit_keeps_the_newest_automatic_buffers() {
    let s = Server::new();
    s.start("w", &["cat"]);
    s.ok(&["set-option", "-s", "buffer-limit", "2"]);
    for d in ["one", "two", "three"] {
        s.ok(&["set-buffer", d]);
    }
    s.ok(&["set-buffer", "-b", "named", "kept"]);
    assert_eq!(
        s.ok(&["list-buffers", "-F", "#{buffer_name}=#{buffer_sample}"]),
        "named=kept\nbuffer2=three\nbuffer1=two\n"
    );
    assert_eq!(s.ok(&["show-buffer"]), "kept");
    s.ok(&["delete-buffer"]);
    assert_eq!(s.ok(&["show-buffer"]), "three");
    s.ok(&["set-buffer", "-n", "renamed"]);
    assert_eq!(
        s.ok(&[
            "list-buffers",
            "-f",
            "#{m:re*,#{buffer_name}}",
            "-F",
            "#{buffer_name} #{buffer_size}"
        ]),
        "renamed 5\n"
    );
}

#[test]
fn buffer_listing_matches_tmux() {
    let Some(t) = Tmux::new() else { return };
    let s = Server::new();
    s.start("w", &["cat"]);
    t.ok(&["new-session", "-d", "-s", "w", "cat"]);
    let steps: &[&[&str]] = &[
        &["set-buffer", "hello"],
        &["set-buffer", "-b", "x", "tab\there"],
        &["set-buffer", "-a", "-b", "x", " $HOME \\ \"q\""],
        &["set-buffer", "-b", "x", "-n", "y"],
        &["set-buffer", "a long one"],
        &["delete-buffer"],
        &["list-buffers"],
        &[
            "list-buffers",
            "-F",
            "#{buffer_name}:#{buffer_size}:#{buffer_sample}",
        ],
        &["show-buffer", "-b", "y"],
        &["show-buffer"],
    ];
    for step in steps {
        let a = s.run(step);
        let b = t.run(step);
        assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "{step:?}");
    }
    for (i, data) in [
        &b"a\x00b\xffc\nd"[..],
        &b"\x01\x07\x08\x0b\x0c\x7f x"[..],
        &[b'x'; 300][..],
    ]
    .iter()
    .enumerate()
    {
        let name = format!("bin{i}");
        load(&s, &["load-buffer", "-b", &name, "-"], data);
        let mut c = std::process::Command::new("tmux");
        c.arg("-S")
            .arg(t.socket())
            .args(["-f", "/dev/null", "load-buffer", "-b", &name, "-"])
            .stdin(Stdio::piped());
        let mut child = c.spawn().expect("tmux load-buffer");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(data)
            .expect("write");
        assert!(child.wait().expect("wait").success());
    }
    let (a, b) = (s.ok(&["list-buffers"]), t.ok(&["list-buffers"]));
    assert_eq!(a, b);
}
