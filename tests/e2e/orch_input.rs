//! Issue 14, input from files: `send --file PATH`, `send --stdin`, `send -`, any size, chunked,
//! bracketed for `--submit`.

use crate::support::{wait_until, Server, DEADLINE};
use std::process::Stdio;

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `len` bytes of printable lines (1..=99 characters each), deterministic.
fn text(len: usize, seed: u64) -> Vec<u8> {
    const ALPHABET: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:-_()";
    let mut x = seed;
    let mut out = Vec::with_capacity(len);
    let mut line = 0;
    while out.len() < len - 1 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        if line > 0 && (r.is_multiple_of(97) || line >= 99) {
            out.push(b'\n');
            line = 0;
        } else {
            out.push(ALPHABET[r % ALPHABET.len()]);
            line += 1;
        }
    }
    out.push(b'\n');
    out
}

fn state(s: &Server, pane: &str) -> String {
    s.json(&["list-panes", "-a"])
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pane)
        .map(|p| p["state"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

#[test]
fn ten_megabytes_from_a_file_arrive_whole_while_other_panes_answer() {
    let s = Server::new();
    let input = s.dir.path().join("in.txt");
    let output = s.dir.path().join("out.txt");
    let data = text(10 * 1024 * 1024, 7);
    std::fs::write(&input, &data).unwrap();
    let sink = s.start(
        "sink",
        &[
            "sh",
            "-c",
            &format!(
                "stty -echo; cat > '{}'; echo cat-done; sleep 300",
                output.display()
            ),
        ],
    );
    let other = s.ok(&[
        "new-window",
        "-t",
        "sink",
        "-d",
        "--",
        "bash",
        "--norc",
        "--noprofile",
    ]);
    let other = other.trim();
    s.wait_prompt(other);
    // cat reads its terminal (stty ran before it).
    assert!(wait_until(DEADLINE, || state(&s, &sink) == "waiting-input"));
    let send = s
        .command()
        .args(["send", "-t", &sink, "--file"])
        .arg(&input)
        .arg("--json")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Another pane keeps answering during the paste.
    for i in 0..3 {
        s.ok(&[
            "send",
            "-t",
            other,
            "--enter",
            &format!("echo other-{i}-$((i*0+{i}))"),
        ]);
        s.wait_text(other, &format!("other-{i}-{i}"));
    }
    let out = send.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let sent: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sent["bytes"], data.len() as u64);
    s.ok(&["send-key", "-t", &sink, "C-d"]);
    s.wait_text(&sink, "cat-done");
    let got = std::fs::read(&output).unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the file differs from what was sent");
}

#[test]
fn send_dash_reads_stdin_and_submit_brackets_it_as_one_paste() {
    let s = Server::new();
    let output = s.dir.path().join("pasted.bin");
    let pane = s.start(
        "p",
        &[
            "python3",
            &fixture("paste_sink.py"),
            output.to_str().unwrap(),
        ],
    );
    s.wait_text(&pane, "ready");
    // 300 KB (over the 128 KiB of an argument), with a paste-end sequence inside that must
    // not end the paste early.
    let mut data = text(300 * 1024, 11);
    data.splice(1000..1000, b"\x1b[201~".iter().copied());
    let stdin_file = s.dir.path().join("prompt.txt");
    std::fs::write(&stdin_file, &data).unwrap();
    let o = s
        .command()
        .args(["send", "-t", &pane, "--submit", "-"])
        .stdin(std::fs::File::open(&stdin_file).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    s.wait_text(&pane, "got ");
    let got = std::fs::read(&output).unwrap();
    let mut want = data.clone();
    want.drain(1000..1006);
    assert_eq!(got.len(), want.len());
    assert!(got == want);
}

#[test]
fn send_stdin_over_the_inline_limit_is_spooled_and_enter_follows() {
    let s = Server::new();
    let output = s.dir.path().join("out.txt");
    let sink = s.start(
        "sink",
        &[
            "sh",
            "-c",
            &format!(
                "stty -echo; cat > '{}'; echo cat-done; sleep 300",
                output.display()
            ),
        ],
    );
    assert!(wait_until(DEADLINE, || state(&s, &sink) == "waiting-input"));
    // 5 MiB without its final newline: --enter supplies it.
    let mut data = text(5 * 1024 * 1024, 3);
    data.pop();
    let f = s.dir.path().join("in.txt");
    std::fs::write(&f, &data).unwrap();
    let child = s
        .command()
        .args(["send", "-t", &sink, "--stdin", "--enter"])
        .stdin(std::fs::File::open(&f).unwrap())
        .spawn()
        .unwrap();
    let client_pid = child.id();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{o:?}");
    s.ok(&["send-key", "-t", &sink, "C-d"]);
    s.wait_text(&sink, "cat-done");
    let got = std::fs::read(&output).unwrap();
    data.push(b'\n');
    assert_eq!(got.len(), data.len());
    assert!(got == data);
    // No spool file is left behind.
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("tidemux-send-{client_pid}-"))
        })
        .collect();
    assert!(left.is_empty());
}

#[test]
fn bad_input_sources_are_clear_errors() {
    let s = Server::new();
    let pane = s.start("w", &[]);
    let o = s.run(&["send", "-t", &pane, "--file", "/nonexistent/prompt.txt"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("cannot read input file '/nonexistent/prompt.txt'"),
        "{o:?}"
    );
    let o = s.run(&["send", "-t", &pane, "--file", "/tmp", "x"]);
    assert_eq!(o.code, 2, "file and text together are a usage error: {o:?}");
}
