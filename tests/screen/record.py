#!/usr/bin/env python3
"""Records a real program's terminal output as a stream for the differential screen suite.

    python3 tests/screen/record.py NAME [--size 80x24] [--env K=V]... [--keys SPEC]... -- CMD...

Runs CMD on a fresh PTY of the given size (TERM=tmux-256color, as under tmux), types each
--keys SPEC after the output settles (SPEC is a Python string literal, e.g. ':q\\r'; the
special SPEC `resize:COLSxROWS` resizes the PTY and records a resize marker instead), and
writes everything the program printed to tests/screen/corpus/real/NAME.stream, starting with
the size marker. Recorded streams are committed; CI only replays them.
"""

import argparse
import ast
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def marker(cols, rows):
    return f"\x1b_tidemux:resize={cols}x{rows}\x1b\\".encode()


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def drain(fd, out, settle=0.4, limit=10.0):
    """Reads until no output for `settle` seconds (at most `limit`)."""
    end = time.time() + limit
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], settle)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out.extend(data)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--size", default="80x24")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--keys", action="append", default=[])
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    cols, rows = (int(x) for x in a.size.split("x"))
    out = bytearray(marker(cols, rows))
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "tmux-256color"
        os.environ.pop("TMUX", None)
        for kv in a.env:
            k, v = kv.split("=", 1)
            os.environ[k] = v
        os.execvp(a.cmd[0], a.cmd)
    set_size(fd, cols, rows)
    alive = drain(fd, out)
    for spec in a.keys:
        if not alive:
            break
        if spec.startswith("resize:"):
            cols, rows = (int(x) for x in spec[7:].split("x"))
            out.extend(marker(cols, rows))
            set_size(fd, cols, rows)
        else:
            os.write(fd, ast.literal_eval("'" + spec + "'").encode())
        alive = drain(fd, out)
    if alive:
        drain(fd, out, settle=1.0)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    path = os.path.join(HERE, "corpus", "real", a.name + ".stream")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    print(f"{path}: {len(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
