#!/usr/bin/env python3
"""Records the parser benchmark's input streams: raw PTY output of real programs.

Each program runs in a fresh 200x50 pseudo-terminal (TERM=xterm-256color, LC_ALL=C.UTF-8,
TZ=UTC) and every byte it writes is stored unchanged in `<name>.vt` next to this script.
The recordings are committed, so the benchmark itself needs none of these programs; run this
again only to refresh them:

    python3 benches/streams/record.py            # all streams
    python3 benches/streams/record.py tui plain  # some

Streams:
- ls:    `ls -laR --color=always` over /usr/share/doc, /usr/share/locale, /usr/share/zoneinfo
- build: `cargo build -v --color=always` of the tidemux workspace in a fresh target directory
         (long `Running rustc ...` lines that wrap, coloured `Compiling`, progress bar)
- tui:   vim 9 (-u NONE, syntax on, habamax 256-colour scheme, number, cursorline) paging,
         scrolling line by line and searching through vt100's src/screen.rs
- plain: `cat` of the GPL-3, Apache-2.0 and MPL-2.0 licence texts, repeated to ~1 MB
"""

import fcntl
import glob
import os
import pty
import select
import shutil
import struct
import sys
import tempfile
import termios
import time

ROWS, COLS = 50, 200
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class Pty:
    """A child process on a pseudo-terminal whose output is captured byte for byte."""

    def __init__(self, argv, cwd=None, env=None):
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "TERM": "xterm-256color",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
        }
        full_env.update(env or {})
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            if cwd:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, full_env)
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.reads = []  # size of every read(), to see how the kernel chunks PTY output
        self.eof = False

    def pump(self, quiet=0.05, limit=30.0):
        """Reads until no output arrives for `quiet` s (or EOF, or `limit` s)."""
        end = time.monotonic() + limit
        while not self.eof and time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                return
            try:
                b = os.read(self.fd, 65536)
            except OSError:  # EIO: the slave side closed
                b = b""
            if not b:
                self.eof = True
                return
            self.out += b
            self.reads.append(len(b))

    def send(self, keys, quiet=0.05):
        os.write(self.fd, keys)
        self.pump(quiet)

    def finish(self):
        while not self.eof:
            self.pump(quiet=1.0, limit=3600)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return bytes(self.out)


def record_ls():
    p = Pty(["ls", "-laR", "--color=always", "/usr/share/doc", "/usr/share/locale",
             "/usr/share/zoneinfo"])
    return p


def record_build():
    target = tempfile.mkdtemp(prefix="tidemux-rec-target-")
    try:
        p = Pty(["cargo", "build", "-v", "--color=always", "--locked", "--workspace"],
                cwd=REPO, env={"CARGO_TARGET_DIR": target})
        p.finish()
        return p
    finally:
        shutil.rmtree(target, ignore_errors=True)


def record_tui():
    src = sorted(glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/vt100-0.18.1/src/screen.rs")))[0]
    p = Pty(["vim", "-u", "NONE", "-i", "NONE", "-N", "-n",
             "-c", "set t_Co=256 number cursorline laststatus=2 ruler hlsearch",
             "-c", "syntax on", "-c", "colorscheme habamax", src])
    p.pump(quiet=0.5)
    for _ in range(2):
        for _ in range(30):
            p.send(b"\x06")  # Ctrl-F: page down (full redraw)
        for _ in range(120):
            p.send(b"k")  # line up; scrolls at the top (insert-line)
        for _ in range(15):
            p.send(b"\x02")  # Ctrl-B: page up
        for _ in range(40):
            p.send(b"\x04")  # Ctrl-D: half page down
        for _ in range(200):
            p.send(b"j")  # line down; scrolls at the bottom (delete-line)
        p.send(b"/self\r")
        for _ in range(60):
            p.send(b"n")  # next match: cursor moves, sometimes redraws
        p.send(b"gg")
    p.send(b":q!\r", quiet=0.3)
    p.finish()
    return p


def record_plain():
    lic = "/usr/share/common-licenses/"
    files = [lic + "GPL-3", lic + "Apache-2.0", lic + "MPL-2.0"]
    size = sum(os.path.getsize(f) for f in files)
    p = Pty(["cat"] + files * max(1, 1_000_000 // size))
    p.finish()
    return p


RECORDERS = {"ls": record_ls, "build": record_build, "tui": record_tui, "plain": record_plain}


def main():
    names = sys.argv[1:] or list(RECORDERS)
    for name in names:
        t = time.monotonic()
        p = RECORDERS[name]()
        data = p.finish() if not p.eof else bytes(p.out)
        with open(os.path.join(HERE, name + ".vt"), "wb") as f:
            f.write(data)
        reads = p.reads
        print(f"{name}: {len(data)} bytes in {len(reads)} reads "
              f"(max {max(reads)}, mean {sum(reads) // len(reads)}) "
              f"in {time.monotonic() - t:.1f} s")


if __name__ == "__main__":
    main()
