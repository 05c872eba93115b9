#!/usr/bin/env python3
"""Regenerates tmux_cases.rs: every line of tmux_exprs.txt through tmux 3.3a's
`display-message -p`, on a private server (-L) with the user options of tests.rs `vars()`.
Run with TZ=UTC; rows that depend on the clock (strftime) are then checked by hand against
NOW in tests.rs. Usage: TZ=UTC python3 gen_tmux_cases.py > tmux_cases.rs (then re-add the header).
"""
import json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
T = ["tmux", "-L", f"tidemux-gen-{os.getpid()}", "-f", "/dev/null"]
VARS = {"@empty": "", "@zero": "0", "@one": "1", "@name": "hello world",
        "@path": "/usr/local/bin/tmux", "@num": "42", "@neg": "-7",
        "@uni": "héllo wörld 日本", "@hash": "a#b", "@sq": "it's $HOME",
        "@time": "1700000000", "@fmt": "#{@name}", "@pct": "%Y"}
subprocess.run(T + ["new-session", "-d", "-s", "fmt"], check=True)
try:
    for k, v in VARS.items():
        subprocess.run(T + ["set", "-g", k, v], check=True)
    for line in open(os.path.join(here, "tmux_exprs.txt"), encoding="utf-8"):
        e = line.rstrip("\n")
        out = subprocess.run(T + ["display", "-p", e], capture_output=True).stdout.decode()
        print(f"    ({json.dumps(e, ensure_ascii=False)}, {json.dumps(out[:-1], ensure_ascii=False)}),")
finally:
    subprocess.run(T + ["kill-server"])
