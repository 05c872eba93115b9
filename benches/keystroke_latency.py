#!/usr/bin/env python3
"""Keystroke-to-echo latency through an attached client: tidemux vs tmux vs the bare program.

Each client runs in a PTY of its own (80x24) driven by this script, attached to a session whose
pane runs `cat` (the tty echoes what is typed). For N keystrokes we write one byte to the
client's PTY and time until that byte shows up in what the client draws. "bare" runs `cat`
directly in a PTY: the floor that the program's own echo costs.

Keys are typed 30 ms apart (--gap-ms), a fast typist's pace.

Usage: python3 benches/keystroke_latency.py [--n 300] [--gap-ms 30] [--tidemux PATH]
Prints medians and p99 in ms, and the ratios against tmux and against bare.
"""
import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spawn(argv, env=None):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env or os.environ)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def read_until(fd, needle, timeout):
    buf = b""
    end = time.monotonic() + timeout
    while needle not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{needle!r} not seen; got {buf[-200:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                raise TimeoutError("pty closed")
    return buf


def drain(fd):
    while select.select([fd], [], [], 0.05)[0]:
        try:
            os.read(fd, 65536)
        except OSError:
            return


def measure(fd, n, gap):
    lat = []
    keys = b"abcdefghijklmnopqrstuvwxyz"
    for i in range(n):
        k = keys[i % len(keys):i % len(keys) + 1]
        t0 = time.perf_counter()
        os.write(fd, k)
        read_until(fd, k, 5)
        lat.append((time.perf_counter() - t0) * 1000)
        # Keys come at typing speed (a fast typist: ~30 ms apart), not back to back: both
        # multiplexers cap drawing at ~60 frames/s, which a flood of keys would measure instead.
        time.sleep(gap)
        if i % 60 == 59:  # keep the line short: erase it (C-u) so the screen does not scroll
            os.write(fd, b"\x15")
            drain(fd)
        else:
            drain(fd) if i % 10 == 9 else None
    return lat


def stats(lat):
    s = sorted(lat)
    return statistics.median(s), s[int(len(s) * 0.99) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--gap-ms", type=float, default=30.0, help="pause between keystrokes")
    ap.add_argument("--tidemux", default=os.path.join(ROOT, "target/release/tidemux"))
    a = ap.parse_args()
    if not os.path.exists(a.tidemux):
        subprocess.run(["cargo", "build", "--release", "-p", "tidemux"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="tdm-keylat")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "TIDEMUX"))}
    env["TERM"] = "xterm-256color"
    env["TIDEMUX_LOG_BESIDE_SOCKET"] = "1"  # the server log goes with the temp dir
    results = {}
    # bare
    pid, fd = spawn(["cat"], env)
    time.sleep(0.2)
    drain(fd)
    results["bare cat"] = measure(fd, a.n, a.gap_ms / 1000)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    # tmux
    sock = f"tdmkeylat{os.getpid()}"
    subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "k", "-x", "80", "-y", "23", "cat"], env=env, check=True)
    try:
        pid, fd = spawn(["tmux", "-L", sock, "attach", "-t", "k"], env)
        read_until(fd, b"[k]", 10)
        drain(fd)
        results["tmux 3.3a"] = measure(fd, a.n, a.gap_ms / 1000)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], env=env)
    # tidemux
    tsock = os.path.join(tmp, "sock")
    subprocess.run([a.tidemux, "-S", tsock, "new-session", "-d", "-s", "k", "-x", "80", "-y", "23", "--", "cat"], env=env, check=True)
    try:
        pid, fd = spawn([a.tidemux, "-S", tsock, "attach", "-t", "k"], env)
        read_until(fd, b"[k]", 10)
        drain(fd)
        results["tidemux"] = measure(fd, a.n, a.gap_ms / 1000)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    finally:
        subprocess.run([a.tidemux, "-S", tsock, "kill-server"], env=env)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"keystroke-to-echo latency, {a.n} keys {a.gap_ms:g} ms apart, 80x24, pane program: cat")
    print("| path | median ms | p99 ms |")
    print("|---|---|---|")
    for k, v in results.items():
        m, p = stats(v)
        print(f"| {k} | {m:.3f} | {p:.3f} |")
    bm, tm, dm = (stats(results[k])[0] for k in ("bare cat", "tmux 3.3a", "tidemux"))
    print(f"\ntidemux/tmux median ratio: {dm / tm:.2f}; tidemux - bare: {dm - bm:+.3f} ms; tmux - bare: {tm - bm:+.3f} ms")


if __name__ == "__main__":
    sys.exit(main())
