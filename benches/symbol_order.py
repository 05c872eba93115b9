#!/usr/bin/env python3
"""Regenerates crates/tidemux/link/symbol-order.txt: the functions a tidemux server runs.

Why (issue 9, row F): the server's resident memory is mostly file-backed, the pages of the
binary's code it has executed, and the kernel maps code 64 KiB at a time around each page
fault (fault-around). The ~1.7 MB of functions a server runs (start-up, panes, output,
history, the usual requests) were spread over about 120 of those windows in a 9 MB text
section. `crates/tidemux/build.rs` passes this list to the linker
(`--symbol-ordering-file`, lld) so that those functions sit next to each other at the start of
the text section.

How: runs release tidemux commands under `valgrind --tool=callgrind` (following the server the
first one starts) through a typical session (idle shells, a pane with 12,000 lines of history,
coloured output, the commands benches/compare.py and agents use), collects every function the
server and the one-shot commands executed and keeps those the binary defines (mangled names, as
`nm` shows them): the server's first, then the rest, each sorted by name (grouping them by
crate and module).

Usage: python3 benches/symbol_order.py [path/to/tidemux]  (default target/release/tidemux;
needs valgrind and nm). A stale list costs nothing but memory: functions not in it (renamed,
new) are placed after the listed ones as before.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "tidemux" / "link" / "symbol-order.txt"


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "release" / "tidemux").resolve()
    with tempfile.TemporaryDirectory(prefix="tdm-order-") as d:
        sock = f"{d}/s"
        # Every tidemux process runs under callgrind: the server as the first command starts
        # it (valgrind follows the exec), and each one-shot command (the client's functions
        # are worth having together too: every CLI command faults them in).
        vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/cg.%p", "--dump-line=no",
              "--dump-instr=no", "--compress-strings=no", "--compress-pos=no", "--demangle=no",
              "--trace-children=yes", f"--trace-children-skip=*/bash,*/sh,/usr/*,/bin/*"]

        def t(*args, check=False):
            subprocess.run([*vg, str(binary), "-S", sock, *args], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=300, check=check)

        bash = ["bash", "--norc", "--noprofile"]
        t("new-session", "-d", "-s", "a", "-x", "80", "-y", "24", "--", *bash, check=True)
        for _ in range(6):
            t("new-window", "-d", "-t", "a", "--", *bash)
        t("new-session", "-d", "-s", "h", "-x", "80", "-y", "24", "--history-limit", "10000", "--",
          "sh", "-c", "seq 1 12000; exec sleep 3600")
        t("new-window", "-d", "-t", "a", "--", "sh", "-c",
          "ls -laR --color=always /usr/share | head -c 2000000; echo LS-DONE; exec sleep 3600")
        t("wait", "-t", "h", "--text", "^12000$", "--timeout", "200")
        t("wait", "-t", "a:7", "--text", "LS-DONE", "--timeout", "200")
        t("wait", "-t", "a:0", "--text", r"\$ $", "--timeout", "30")
        for args in (["version", "--json"], ["list-panes", "-a"], ["list-panes", "-a", "--json"],
                     ["list-sessions"], ["has-session", "-t", "a"], ["read-screen", "-t", "a"],
                     ["read-screen", "-t", "h", "--history"], ["capture-pane", "-p", "-t", "a"],
                     ["send", "-t", "a", "echo hi", "--enter"],
                     ["send", "-t", "a", "echo R1", "--enter", "--wait-text", "R1", "--read"],
                     ["wait", "-t", "a", "--text", "hi", "--timeout", "10"],
                     ["send-keys", "-t", "a", "-l", "x"], ["status"], ["-V"],
                     ["resize-window", "-t", "a", "-x", "100", "-y", "30"],
                     ["kill-window", "-t", "a:1"]):
            t(*args)
        t("kill-server")
        end = time.time() + 120
        while any(p.stat().st_size == 0 for p in Path(d).glob("cg.*")) and time.time() < end:
            time.sleep(0.5)
        time.sleep(2)

        server, client = set(), set()
        for prof in Path(d).glob("cg.*"):
            names = server
            with open(prof, errors="replace") as f:
                for line in f:
                    if line.startswith("cmd:"):
                        names = server if line.split()[-1] == "server" else client
                    elif line.startswith(("fn=", "cfn=")):
                        name = line.split("=", 1)[1].strip()
                        names.add(re.sub(r"'\d+$", "", name))
    nm = subprocess.run(["nm", "--defined-only", str(binary)], capture_output=True, text=True,
                        check=True).stdout
    defined = {p[2] for p in (l.split() for l in nm.splitlines()) if len(p) == 3 and p[1] in "tTwW"}
    # The server's functions first, then those only the one-shot commands run: an idle server
    # then touches only the first part.
    names = sorted(server & defined) + sorted((client - server) & defined)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(n + "\n" for n in names))
    print(f"{len(names)} functions written to {OUT}")


if __name__ == "__main__":
    main()
