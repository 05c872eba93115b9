#!/usr/bin/env python3
"""A/B of two tidemux binaries on rows D, F and G of compare.py, alternating in the same minutes.

The machine is shared, so timings of two builds are only comparable when they are taken side
by side: this runs binary A and binary B in alternation (A B, B A, ...) on the same workload and
prints both medians and the ratio B/A. tmux is not run.

    python3 benches/ab.py --a /tmp/old/tidemux --b target/release/tidemux --only D,G
    python3 benches/ab.py --a OLD --b NEW --only D --d-mb 50 --reps 5

- D: `cat` of a file of numbered 79-character lines through an 80x24 and a 200x50 pane (bash,
  history 10,000), timed by `send --enter ... --wait-text` as in compare.py; wall time and the
  server's CPU time (user + system) per run.
- F: server RSS (VmRSS, RssAnon, RssFile) and threads with N idle bash panes.
- G: N panes each `cat` a file of `y` lines at once (released through a FIFO), time until
  every `wait-for done-i` returned, and the `read-screen` latency of an idle pane meanwhile.

Servers are started on sockets in a temporary directory and killed by pid at the end (the same
bookkeeping as compare.py, which this imports).
"""

import argparse
import os
import shlex
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare as c  # noqa: E402


class Bin(c.Tidemux):
    """A tidemux server run from a given binary."""

    def __init__(self, tmpdir, binary, tag):
        d = Path(tmpdir) / tag
        d.mkdir(exist_ok=True)
        super().__init__(str(d), binary)
        self.name = tag


def ms(x):
    return f"{x * 1000:.0f} ms"


def report(label, a, b, fmt):
    ma, mb = c.median(a), c.median(b)
    print(f"{label}: A {fmt(ma)}  B {fmt(mb)}  B/A {mb / ma:.3f}   "
          f"(A {', '.join(fmt(x) for x in a)}; B {', '.join(fmt(x) for x in b)})", flush=True)


def bench_d(args, tmpdir, bins):
    path = str(Path(tmpdir) / "lines.txt")
    size = c.make_lines_file(path, int(args.d_mb * 1e6))
    for cols, rows in ((80, 24), (200, 50)):
        srvs = []
        try:
            panes = []
            for tag, b in bins:
                s = Bin(tmpdir, b, tag)
                srvs.append(s)
                panes.append(s.new_session("d", cols, rows, c.BASH, 10000))
                s.wait_text(panes[-1], c.PROMPT_RE)
            wall = {0: [], 1: []}
            cpu = {0: [], 1: []}
            for i in range(args.reps):
                for k in ((0, 1) if i % 2 == 0 else (1, 0)):
                    s, p = srvs[k], panes[k]
                    mark = f"DONE-{cols}-{i}"
                    c0, t0 = c.cpu_secs(s.pid), c.now()
                    c.run(s.cmd("send", "-t", p, "--enter", f"cat {path}; echo {mark}", "--wait-text",
                                f"^{mark}$", "--timeout", "300"), timeout=310)
                    wall[k].append(c.now() - t0)
                    cpu[k].append(c.cpu_secs(s.pid) - c0)
            mb = size / 1e6
            report(f"D {cols}x{rows} {mb:.0f} MB wall", wall[0], wall[1], ms)
            report(f"D {cols}x{rows} server CPU per 100 MB", [x * 100 / mb for x in cpu[0]],
                   [x * 100 / mb for x in cpu[1]], lambda x: f"{x:.2f} s")
        finally:
            c.kill_all(*srvs)
    os.unlink(path)


def rss_parts(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"):
                out[k] = int(v.split()[0])
    return out


def bench_f(args, tmpdir, bins):
    res = {0: [], 1: []}
    for i in range(args.reps):
        for k in ((0, 1) if i % 2 == 0 else (1, 0)):
            tag, b = bins[k]
            s = Bin(tmpdir, b, tag)
            try:
                c.start_idle_bash(s, args.f_panes, "f")
                time.sleep(1.0)
                res[k].append(rss_parts(s.pid))
            finally:
                c.kill_all(s)
    for key in ("VmRSS", "RssAnon", "RssFile"):
        report(f"F {args.f_panes} idle bash panes {key}", [r[key] for r in res[0]], [r[key] for r in res[1]],
               lambda x: f"{x / 1024:.2f} MiB")
    print(f"F threads: A {res[0][0]['Threads']}  B {res[1][0]['Threads']}", flush=True)


def bench_g(args, tmpdir, bins):
    n = args.g_panes
    path = str(Path(tmpdir) / "flood.txt")
    with open(path, "wb") as f:
        f.write(b"y\n" * (int(args.g_mb * 1e6) // 2))
    fifo = str(Path(tmpdir) / "go.fifo")
    times = {0: [], 1: []}
    cpu = {0: [], 1: []}
    probes = {0: [], 1: []}
    for i in range(args.reps):
        for k in ((0, 1) if i % 2 == 0 else (1, 0)):
            tag, b = bins[k]
            s = Bin(tmpdir, b, tag)
            waiters, wfd = [], None
            try:
                if os.path.exists(fifo):
                    os.unlink(fifo)
                os.mkfifo(fifo)
                me = shlex.join(s.cmd())
                probe = s.new_session("g", 80, 24, ["sh", "-c", "seq 1 30; exec sleep 3600"])
                for j in range(n):
                    script = (f"{me} wait-for -S ready-{j}; : < {fifo}; cat {path}; echo DONE-{j}; "
                              f"{me} wait-for -S done-{j}; exec sleep 3600")
                    s.new_window("g", ["sh", "-c", script])
                s.wait_text(probe, "^30$")
                for j in range(n):
                    c.run(s.cmd("wait-for", f"ready-{j}"), timeout=30)
                waiters = [c.popen(s.cmd("wait-for", f"done-{j}")) for j in range(n)]
                time.sleep(0.3)
                cap = s.cmd("read-screen", "-t", probe)
                stop = threading.Event()
                lat = []

                def prober():
                    while not stop.is_set():
                        t0 = c.now()
                        c.run(cap, timeout=10)
                        lat.append(c.now() - t0)
                        time.sleep(0.01)

                th = threading.Thread(target=prober, daemon=True)
                c0, t0 = c.cpu_secs(s.pid), c.now()
                wfd = c.open_fifo_writer(fifo, 10)
                th.start()
                for w in waiters:
                    if c.reap(w, 300) != 0:
                        raise c.BenchError(f"{tag}: a done waiter failed")
                times[k].append(c.now() - t0)
                cpu[k].append(c.cpu_secs(s.pid) - c0)
                stop.set()
                th.join(15)
                probes[k].extend(lat)
            finally:
                if wfd is not None:
                    os.close(wfd)
                for w in waiters:
                    if w.poll() is None:
                        w.kill()
                    c.reap(w, 2)
                c.kill_all(s)
    report(f"G {n} panes x {args.g_mb:g} MB flood time", times[0], times[1], ms)
    report("G server CPU", cpu[0], cpu[1], lambda x: f"{x:.2f} s")
    for p in (50, 99):
        print(f"G read-screen p{p}: A {ms(c.pct(probes[0], p))}  B {ms(c.pct(probes[1], p))}", flush=True)
    os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True, help="binary A (e.g. a build of main)")
    ap.add_argument("--b", required=True, help="binary B (e.g. this branch's build)")
    ap.add_argument("--only", default="D,G", help="rows to run: a subset of D,F,G")
    ap.add_argument("--reps", type=int, default=3, help="runs of each binary per row")
    ap.add_argument("--d-mb", type=float, default=100, help="size of D's file in MB")
    ap.add_argument("--f-panes", type=int, default=100, help="idle panes for F")
    ap.add_argument("--g-panes", type=int, default=50, help="flooding panes for G")
    ap.add_argument("--g-mb", type=float, default=2, help="MB each G pane prints")
    args = ap.parse_args()
    bins = [("A", Path(args.a).resolve()), ("B", Path(args.b).resolve())]
    for _, b in bins:
        if not os.access(b, os.X_OK):
            ap.error(f"{b} is not an executable file")
    rows = {"D": bench_d, "F": bench_f, "G": bench_g}
    only = [x.strip().upper() for x in args.only.split(",") if x.strip()]
    bad = [x for x in only if x not in rows]
    if bad:
        ap.error(f"unknown row(s) {bad}; choose from D,F,G")
    print(f"A = {bins[0][1]}\nB = {bins[1][1]}\nload average {os.getloadavg()[0]:.2f}", flush=True)
    tmpdir = tempfile.mkdtemp(prefix="tdmab-")
    try:
        for key in only:
            rows[key](args, tmpdir, bins)
            print(f"(load average {os.getloadavg()[0]:.2f})", flush=True)
    finally:
        for s in list(c._SERVERS):
            c.kill_all(s)
        import shutil
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
