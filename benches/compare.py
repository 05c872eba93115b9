#!/usr/bin/env python3
"""End-to-end benchmarks: tidemux against tmux, in the same run, on the same machine.

    python3 benches/compare.py [--quick] [--only A,C,...]

Every measurement starts its own servers (tmux on a private socket `tmux -L tdmbench-<pid>
-f /dev/null`, tidemux on `-S <tempdir>/sock`), alternates tmux and tidemux so machine noise hits
both alike, and kills exactly the servers it started (kill-server, then SIGKILL by pid if the
server is still alive), even on failure. Results: a Markdown table on stdout and in
benches/results/latest.md, with the machine and the details behind each row.

Measurements (see docs/benchmarks.md for what each one means and the targets):
  A  output -> wait latency (tidemux `wait --text` vs a 10 ms capture-pane polling loop)
  B  send -> wait -> read round trip (CLI, and the Python client on one connection)
  C  CLI latency per command (hyperfine -N when available)
  D  `cat` of a big file through a pane, 80x24 and 200x50: throughput and server CPU per
     100 MB (+ bare PTY reference)
  E  server RSS, 100 panes x 10,000 lines of history
  F  server RSS, 100 idle bash panes
  G  50 panes each printing 2 MB of `y` lines at once; read-screen latency of an idle pane
     meanwhile
  H  server start -> shell prompt visible
  I  new pane (`new-window -d`) latency with 100 panes
  J  `list-panes -a` with 100 panes

Every row of issue 9's table is one of these (D: throughput and CPU, E, F, G, I, J, C).
"""

import argparse
import datetime
import fcntl
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIDEMUX_BIN = ROOT / "target" / "release" / "tidemux"
RESULTS = ROOT / "benches" / "results" / "latest.md"

PS1 = "tdmbench$ "
PROMPT_LINE = "tdmbench$"  # trailing blank is trimmed by both read-screen and capture-pane
PROMPT_RE = r"^tdmbench\$$"
BASH = ["bash", "--norc", "--noprofile"]

now = time.perf_counter


# ----------------------------------------------------------------------------------------------
# process bookkeeping
# ----------------------------------------------------------------------------------------------

class BenchError(Exception):
    pass


_POPENS = []  # every child process we started ourselves (waiters, pollers); killed at exit
_SERVERS = []  # every server object still possibly alive


def _env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("TMUX") or k.startswith("TIDEMUX"):
            del env[k]
    env["PS1"] = PS1
    env["HISTFILE"] = "/dev/null"
    env.setdefault("TERM", "xterm-256color")
    env.setdefault("SHELL", "/bin/sh")
    # Server logs beside the temp-dir sockets (deleted with them), not one file per run in
    # ~/.local/state/tidemux/.
    env["TIDEMUX_LOG_BESIDE_SOCKET"] = "1"
    return env


ENV = _env()


def run(cmd, timeout=15.0, check=True, capture=True):
    """Run a command; return stdout (text). Raises BenchError on failure/timeout."""
    try:
        p = subprocess.run(
            cmd,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            env=ENV,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {timeout}s: {shlex.join(map(str, cmd))}")
    if check and p.returncode != 0:
        raise BenchError(
            f"exit {p.returncode}: {shlex.join(map(str, cmd))}: {p.stderr.decode(errors='replace').strip()}"
        )
    return p.stdout.decode(errors="replace") if capture else ""


def popen(cmd, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    p = subprocess.Popen(cmd, env=ENV, **kw)
    _POPENS.append(p)
    return p


def reap(p, timeout):
    """Wait for a Popen; kill it if it overstays. Returns its exit code (None if killed)."""
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return None
    finally:
        if p in _POPENS:
            _POPENS.remove(p)


def proc_start_time(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        rest = data[data.rindex(")") + 2:].split()
        return rest[0], int(rest[19])  # state, starttime
    except (OSError, ValueError, IndexError):
        return None, None


def alive(pid, start=None):
    state, st = proc_start_time(pid)
    if state is None or state in ("Z", "X"):
        return False
    return start is None or st == start


def wait_gone(pid, start, timeout):
    end = now() + timeout
    while now() < end:
        if not alive(pid, start):
            return True
        time.sleep(0.01)
    return not alive(pid, start)


def kill_pid(pid, start):
    """SIGKILL pid only if it is still the very process we recorded (same start time)."""
    if pid and alive(pid, start):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wait_gone(pid, start, 3)


def rss_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0])
    return out


def cpu_secs(pid):
    """User + system CPU time of a process so far, in seconds (from /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    rest = data[data.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------------------------
# the two multiplexers behind one small interface
# ----------------------------------------------------------------------------------------------

class Server:
    name = "?"

    def __init__(self):
        self.pid = None
        self.start = None
        self.pane_pids = []  # (pid, start) of pane processes, recorded before kill
        self.maybe_started = False
        _SERVERS.append(self)

    def _remember_server(self, pid):
        self.pid = pid
        self.start = proc_start_time(pid)[1]

    def remember(self):
        """Record the server pid (after a new-session that did not, e.g. inside a timed region)."""
        if self.pid is None:
            self._remember_server(self.query_pid())

    def find_pid(self):
        """The server's pid from /proc (for a server whose start was interrupted)."""
        return None

    def kill(self):
        """kill-server, then make sure the server and its panes are gone."""
        if self.pid is None and self.maybe_started:
            end = now() + 2
            while self.pid is None and now() < end:
                try:
                    self.remember()
                except Exception:
                    pid = self.find_pid()
                    if pid:
                        self._remember_server(pid)
                    else:
                        time.sleep(0.1)
        try:
            self.pane_pids = [(p, proc_start_time(p)[1]) for p in self.list_pane_pids()]
        except Exception:
            pass
        if self.pid or self.maybe_started:
            try:
                self.kill_server()
            except Exception:
                pass
        if self.pid:
            if not wait_gone(self.pid, self.start, 5):
                kill_pid(self.pid, self.start)
        # Pane processes get SIGHUP (tmux) / SIGKILL (tidemux); make sure none outlive us.
        end = now() + 2
        for pid, st in self.pane_pids:
            while alive(pid, st) and now() < end:
                time.sleep(0.01)
            kill_pid(pid, st)
        self.pid = None
        self.cleanup()
        if self in _SERVERS:
            _SERVERS.remove(self)

    def cleanup(self):
        pass

    def rss(self):
        return rss_kb(self.pid)


class Tidemux(Server):
    name = "tidemux"

    def __init__(self, tmpdir, binary=None):
        super().__init__()
        self.sock = str(Path(tmpdir) / "sock")
        self.bin = str(binary or TIDEMUX_BIN)  # benches/ab.py runs other builds

    def cmd(self, *args):
        return [self.bin, "-S", self.sock, *map(str, args)]

    def new_session(self, name, cols, rows, command, history=None, remember=True):
        extra = ["--history-limit", str(history)] if history else []
        self.maybe_started = True
        pane = run(self.cmd("new-session", "-d", "-s", name, "-x", cols, "-y", rows, *extra, "--", *command)).strip()
        if remember:
            self.remember()
        return pane

    def query_pid(self):
        return int(json.loads(run(self.cmd("version", "--json"), timeout=5))["server"]["pid"])

    def new_window(self, session, command):
        return run(self.cmd("new-window", "-d", "-t", session, "--", *command)).strip()

    def wait_text(self, pane, regex, timeout=10):
        run(self.cmd("wait", "-t", pane, "--text", regex, "--timeout", timeout), timeout=timeout + 5)

    def capture(self, pane):
        return run(self.cmd("read-screen", "-t", pane))

    def list_pane_pids(self):
        if not self.pid:
            return []
        panes = json.loads(run(self.cmd("list-panes", "-a", "--json"), timeout=5))
        return [p["pid"] for p in panes if p.get("pid")]

    def history_lines(self):
        panes = json.loads(run(self.cmd("list-panes", "-a", "--json")))
        return [p["history_lines"] for p in panes]

    def kill_server(self):
        run(self.cmd("kill-server"), timeout=5, check=False)

    def find_pid(self):
        want = [self.bin, "-S", self.sock, "server"]
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/cmdline", "rb") as f:
                        argv = f.read().decode(errors="replace").split("\0")[:-1]
                except OSError:
                    continue
                if argv == want:
                    return int(d)
        return None

    def cleanup(self):
        for p in (self.sock,):
            try:
                os.unlink(p)
            except OSError:
                pass


class Tmux(Server):
    name = "tmux"

    def __init__(self):
        super().__init__()
        self.label = f"tdmbench-{os.getpid()}"

    def cmd(self, *args):
        return ["tmux", "-L", self.label, "-f", "/dev/null", *map(str, args)]

    def new_session(self, name, cols, rows, command, history=None, remember=True):
        pre = ["set", "-g", "history-limit", str(history), ";"] if history else []
        self.maybe_started = True
        pane = run(self.cmd(*pre, "new-session", "-d", "-s", name, "-x", cols, "-y", rows,
                            "-P", "-F", "#{pane_id}", *command)).strip()
        if remember:
            self.remember()
        return pane

    def query_pid(self):
        return int(run(self.cmd("display", "-p", "#{pid}"), timeout=5).strip())

    def new_window(self, session, command):
        return run(self.cmd("new-window", "-d", "-t", session, "-P", "-F", "#{pane_id}", *command)).strip()

    def wait_text(self, pane, regex, timeout=10, interval=0.01):
        rx = re.compile(regex, re.M)
        end = now() + timeout
        while now() < end:
            if rx.search(self.capture(pane)):
                return
            time.sleep(interval)
        raise BenchError(f"tmux: {regex!r} did not appear in {pane} within {timeout}s")

    def capture(self, pane):
        return run(self.cmd("capture-pane", "-p", "-t", pane))

    def list_pane_pids(self):
        if not self.pid:
            return []
        out = run(self.cmd("list-panes", "-a", "-F", "#{pane_pid}"), timeout=5, check=False)
        return [int(x) for x in out.split() if x.isdigit()]

    def history_lines(self):
        out = run(self.cmd("list-panes", "-a", "-F", "#{history_size}"))
        return [int(x) for x in out.split()]

    def kill_server(self):
        run(self.cmd("kill-server"), timeout=5, check=False)


def has_line(text, line):
    return line in text.splitlines()


# ----------------------------------------------------------------------------------------------
# statistics and formatting
# ----------------------------------------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def fms(sec):
    ms = sec * 1000
    if ms != ms:
        return "n/a"
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:.0f} ms"


def fmb(kb):
    return f"{kb / 1024:.1f} MiB"


def fratio(r):
    return "n/a" if r != r or r is None else f"{r:.2f}"


class Row:
    def __init__(self, key, label, tmux, tidemux, ratio, target, met):
        self.key, self.label, self.tmux, self.tidemux = key, label, tmux, tidemux
        self.ratio, self.target, self.met = ratio, target, met


ROWS = []
DETAILS = []  # free-form lines under the table


def row(key, label, tmux, tidemux, ratio, target, met):
    ROWS.append(Row(key, label, tmux, tidemux, ratio, target, met))


def detail(msg):
    DETAILS.append(msg)
    print("   " + msg, flush=True)


def yesno(b):
    return "yes" if b else "**no**"


def table():
    out = [
        "| measurement | tmux median | tidemux median | ratio (tidemux/tmux) | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in ROWS:
        out.append(f"| {r.key}. {r.label} | {r.tmux} | {r.tidemux} | {r.ratio} | {r.target} | {r.met} |")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# setup: binary, hyperfine
# ----------------------------------------------------------------------------------------------

def ensure_tidemux():
    if TIDEMUX_BIN.exists():
        return
    print("building tidemux (cargo build --release -p tidemux) ...", flush=True)
    subprocess.run(["cargo", "build", "--release", "-p", "tidemux"], cwd=ROOT, check=True, timeout=1800)
    if not TIDEMUX_BIN.exists():
        raise SystemExit(f"build finished but {TIDEMUX_BIN} is missing")


_HYPERFINE = None


def hyperfine():
    """Path of hyperfine, installing it with apt-get if needed; None -> use our own loop."""
    global _HYPERFINE
    if _HYPERFINE is not None:
        return _HYPERFINE or None
    path = shutil.which("hyperfine")
    if not path and shutil.which("apt-get"):
        print("hyperfine missing: apt-get install -y hyperfine ...", flush=True)
        for attempt in (["apt-get", "install", "-y", "hyperfine"], ["apt-get", "update"],
                        ["apt-get", "install", "-y", "hyperfine"]):
            try:
                subprocess.run(attempt, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=300, env=dict(ENV, DEBIAN_FRONTEND="noninteractive"))
            except (subprocess.TimeoutExpired, OSError):
                pass
            path = shutil.which("hyperfine")
            if path:
                break
    if not path:
        print("hyperfine unavailable: falling back to a Python timing loop", flush=True)
    _HYPERFINE = path or ""
    return path


# Rounds of `time_commands`: hyperfine runs all runs of one command before the next, so a burst
# of load from another job (the machine is shared) used to land on one side only; in rounds of
# alternating order, a burst hits both about alike.
TIME_ROUNDS = 5


def time_commands(cmds, warmup, runs, tmpdir):
    """Median wall time (s) of each command over all its runs. hyperfine -N if possible (in
    TIME_ROUNDS rounds, the commands' order alternating, each round with its own warm-up),
    else a Python loop."""
    hf = hyperfine()
    if hf:
        out = Path(tmpdir) / "hyperfine.json"
        times = [[] for _ in cmds]
        per_round = max(runs // TIME_ROUNDS, 10)
        try:
            for r in range(TIME_ROUNDS):
                order = list(range(len(cmds)))
                if r % 2:
                    order.reverse()
                args = [hf, "-N", "--warmup", str(max(warmup // TIME_ROUNDS, 3)), "--runs",
                        str(per_round), "--style", "none", "--export-json", str(out)]
                args += [shlex.join(map(str, cmds[i])) for i in order]
                subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True,
                               timeout=600, env=ENV)
                data = json.loads(out.read_text())
                for i, res in zip(order, data["results"]):
                    times[i].extend(res["times"])
            return [median(t) for t in times], f"hyperfine -N in {TIME_ROUNDS} rounds of alternating order"
        except (subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
            print(f"   hyperfine failed ({e}); timing with a Python loop instead", flush=True)
    meds = []
    for c in cmds:
        for _ in range(warmup):
            run(c, capture=False)
        xs = []
        for _ in range(runs):
            t0 = now()
            run(c, capture=False)
            xs.append(now() - t0)
        meds.append(median(xs))
    return meds, "python loop (subprocess.run)"


# ----------------------------------------------------------------------------------------------
# measurements
# ----------------------------------------------------------------------------------------------

def start_pair(tmpdir, cols, rows, command, history=None, name="b"):
    tm, td = Tmux(), Tidemux(tmpdir)
    tp = tm.new_session(name, cols, rows, command, history)
    dp = td.new_session(name, cols, rows, command, history)
    return tm, tp, td, dp


def kill_all(*servers):
    for s in servers:
        try:
            s.kill()
        except Exception as e:  # keep killing the others
            print(f"warning: killing {s.name}: {e}", file=sys.stderr)


def bench_a(cfg, tmpdir):
    """output -> wait latency."""
    n = cfg.a_iters
    tm = td = None
    try:
        tm, tp, td, dp = start_pair(tmpdir, 80, 24, ["cat"])
        time.sleep(0.3)
        td_after, td_total, tm_after, tm_total, td_send, tm_send = [], [], [], [], [], []
        for i in range(n):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            for which in order:
                # 50 ms for the waiter to be connected, plus a random phase so that the send
                # does not always fall at the same point of tmux's 10 ms polling cycle
                delay = 0.05 + random.uniform(0, 0.012)
                if which == 1:
                    mark = f"MARK-{i}"
                    w = popen(td.cmd("wait", "-t", dp, "--text", f"^{mark}$", "--timeout", "5"))
                    exited = []
                    # a thread blocked in waitpid() stamps the waiter's exit as it happens
                    th = threading.Thread(target=lambda: (w.wait(), exited.append(now())), daemon=True)
                    th.start()
                    time.sleep(delay)  # the waiter is connected and waiting by now
                    s0 = now()
                    run(td.cmd("send", "-t", dp, "--enter", mark))
                    s1 = now()
                    th.join(6)
                    rc = reap(w, 1)
                    if rc != 0 or not exited:
                        raise BenchError(f"tidemux wait for {mark} exited {rc}")
                    td_after.append(exited[0] - s1)
                    td_total.append(exited[0] - s0)
                    td_send.append(s1 - s0)
                else:
                    mark = f"MARK-{i}"
                    rx = re.compile(f"^{mark}$", re.M)
                    found = []
                    stop = threading.Event()

                    def poller():
                        end = now() + 5
                        while not stop.is_set() and now() < end:
                            if rx.search(tm.capture(tp)):
                                found.append(now())
                                return
                            time.sleep(0.010)

                    th = threading.Thread(target=poller, daemon=True)
                    th.start()
                    time.sleep(delay)
                    s0 = now()
                    run(tm.cmd("send-keys", "-t", tp, mark, "Enter"))
                    s1 = now()
                    th.join(6)
                    stop.set()
                    if not found:
                        raise BenchError(f"tmux poller never saw {mark}")
                    tm_after.append(found[0] - s1)
                    tm_total.append(found[0] - s0)
                    tm_send.append(s1 - s0)
        a, b = median(tm_after), median(td_after)
        row("A", "output→wait latency: `send` process exited → `wait` process exited "
            "(tmux: → a `capture-pane -p` loop with 10 ms sleeps saw the text)",
            fms(a), fms(b), fratio(b / a), "tidemux < 1 ms", yesno(b < 0.001))
        a2, b2 = median(tm_total), median(td_total)
        row("A", "same, from the start of the `send` / `send-keys` process (info)",
            fms(a2), fms(b2), fratio(b2 / a2), "info", "—")
        early = sum(1 for x in td_after if x < 0)
        detail(f"A: {n} samples each. tidemux: p10 {fms(pct(td_after, 10))}, p90 {fms(pct(td_after, 90))}, "
               f"max {fms(max(td_after))}; in {early} of {n} samples the waiter had exited before the send "
               f"process was reaped (negative latency); the send process itself took a median of "
               f"{fms(median(td_send))}. tmux: p90 {fms(pct(tm_after, 90))}, max {fms(max(tm_after))}; "
               f"send-keys took {fms(median(tm_send))}")
    finally:
        kill_all(*(s for s in (tm, td) if s))


def bench_b(cfg, tmpdir):
    """send -> wait -> read round trip."""
    n = cfg.b_iters
    tm = td = None
    try:
        tm, tp, td, dp = start_pair(tmpdir, 80, 24, BASH)
        tm.wait_text(tp, PROMPT_RE)
        td.wait_text(dp, PROMPT_RE)
        # `send --wait-* --read` (send, wait and print the screen in one call), where the build has it
        one_call = "--read" in run(td.cmd("send", "--help"))
        # The Python client (clients/python, stdlib only), one connection for every round.
        py = tdpy = None
        try:
            sys.path.insert(0, str(ROOT / "clients" / "python" / "src"))
            import tidemux as tdpy
            py = tdpy.Client(td.sock, caller=None)
        except Exception as e:  # an older tree without the JSON protocol
            detail(f"B: Python client unavailable ({e})")
        tms, tds, t1s, pys, polls = [], [], [], [], []
        for i in range(-5, n):  # 5 warm-up rounds
            order = (0, 1, 2, 3) if i % 2 == 0 else (3, 2, 1, 0)
            for which in order:
                mark = f"R{i + 5}" if which < 2 else f"S{i + 5}" if which == 2 else f"P{i + 5}"
                if which == 3:
                    if py is None:
                        continue
                    t0 = now()
                    out = py.send(dp, f"echo {mark}", enter=True,
                                  wait=tdpy.wait_spec(f"^{mark}$", read=True), timeout=5)
                    t1 = now()
                    if out.screen is None or mark not in out.screen.lines:
                        raise BenchError(f"Python client screen lacks {mark}")
                    if i >= 0:
                        pys.append(t1 - t0)
                elif which == 2:
                    if not one_call:
                        continue
                    t0 = now()
                    screen = run(td.cmd("send", "-t", dp, "--enter", f"echo {mark}", "--wait-text", f"^{mark}$",
                                        "--timeout", "5", "--read"))
                    t1 = now()
                    if not has_line(screen, mark):
                        raise BenchError(f"tidemux send --read output lacks {mark}")
                    if i >= 0:
                        t1s.append(t1 - t0)
                elif which == 1:
                    t0 = now()
                    run(td.cmd("send", "-t", dp, "--enter", f"echo {mark}", "--wait-text", f"^{mark}$",
                               "--timeout", "5"))
                    screen = run(td.cmd("read-screen", "-t", dp))
                    t1 = now()
                    if not has_line(screen, mark):
                        raise BenchError(f"tidemux read-screen lacks {mark}")
                    if i >= 0:
                        tds.append(t1 - t0)
                else:
                    t0 = now()
                    run(tm.cmd("send-keys", "-t", tp, f"echo {mark}", "Enter"))
                    k = 0
                    end = t0 + 5
                    while not has_line(run(tm.cmd("capture-pane", "-p", "-t", tp)), mark):
                        k += 1
                        if now() > end:
                            raise BenchError(f"tmux never showed {mark}")
                    screen = run(tm.cmd("capture-pane", "-p", "-t", tp))
                    t1 = now()
                    if i >= 0:
                        tms.append(t1 - t0)
                        polls.append(k + 1)
        a, b = median(tms), median(tds)
        if one_call:
            # tidemux's send→wait→read primitive is one call; tmux has none, so its best is
            # send-keys + polling capture-pane. The composition of separate tidemux commands is
            # shown for reference.
            c = median(t1s)
            row("B", "send→wait→read round trip (`echo R<n>` in bash): tidemux `send --wait-text … --read` "
                "vs tmux `send-keys` + polling `capture-pane`", fms(a), fms(c), fratio(c / a), "≤ 0.5",
                yesno(c / a <= 0.5))
            row("B", "same with separate tidemux commands `send --wait-text` + `read-screen` (info)", fms(a), fms(b),
                fratio(b / a), "info", "—")
        else:
            row("B", "send→wait→read round trip (`echo R<n>` in bash)", fms(a), fms(b), fratio(b / a), "≤ 0.5",
                yesno(b / a <= 0.5))
        if pys:
            p = median(pys)
            row("B", "same through the Python client on one connection (`Client.send(…, wait=wait_spec(…, "
                "read=True))`, JSON-RPC) vs tmux `send-keys` + polling `capture-pane`", fms(a), fms(p),
                fratio(p / a), "≤ 0.15", yesno(p / a <= 0.15))
            detail(f"B: Python client p90 {fms(pct(pys, 90))}, min {fms(min(pys))}")
            py.close()
        detail(f"B: {n} rounds each; tmux needed a median of {median(polls):.0f} capture-pane polls "
               f"(max {max(polls)}) before the final capture; p90 tmux {fms(pct(tms, 90))}, tidemux {fms(pct(tds, 90))}")
    finally:
        kill_all(*(s for s in (tm, td) if s))


def bench_c(cfg, tmpdir):
    """CLI latency per command."""
    tm = td = None
    try:
        tm, tp, td, dp = start_pair(tmpdir, 80, 24, ["cat"])
        time.sleep(0.2)
        pairs = [
            ("`send -t P x` vs `send-keys -t P -l x`", tm.cmd("send-keys", "-t", tp, "-l", "x"),
             td.cmd("send", "-t", dp, "x"), True),
            ("`read-screen -t P` vs `capture-pane -p -t P`", tm.cmd("capture-pane", "-p", "-t", tp),
             td.cmd("read-screen", "-t", dp), True),
            ("`list-panes -a`", tm.cmd("list-panes", "-a"), td.cmd("list-panes", "-a"), True),
            ("`-V` (client start-up, no server contact)", ["tmux", "-V"], [str(TIDEMUX_BIN), "-V"], False),
        ]
        for label, tcmd, dcmd, targeted in pairs:
            (a, b), how = time_commands([tcmd, dcmd], cfg.c_warmup, cfg.c_runs, tmpdir)
            if targeted:
                row("C", f"CLI latency {label}", fms(a), fms(b), fratio(b / a), "≤ 0.7", yesno(b / a <= 0.7))
            else:
                row("C", f"CLI {label}", fms(a), fms(b), fratio(b / a), "info", "—")
        detail(f"C: timed with {how}, warm-up {cfg.c_warmup}, {cfg.c_runs} runs per command")
    finally:
        kill_all(*(s for s in (tm, td) if s))


def make_lines_file(path, size):
    """Numbered lines of 79 characters + newline; the last line is unique."""
    n = size // 80
    filler = "." * 68
    with open(path, "w") as f:
        chunk = []
        for i in range(1, n + 1):
            chunk.append(f"{i:010d} {filler}\n")
            if len(chunk) == 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))
    return n * 80


def bare_pty(path, cols, rows):
    m, s = os.openpty()
    fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    t0 = now()
    p = popen(["cat", path], stdin=s, stdout=s, stderr=s, start_new_session=True)
    os.close(s)
    total = 0
    try:
        while True:
            try:
                d = os.read(m, 65536)
            except OSError:
                break
            if not d:
                break
            total += len(d)
    finally:
        os.close(m)
    t1 = now()
    reap(p, 10)
    return t1 - t0, total


def bench_d(cfg, tmpdir):
    """cat of a big file through a pane."""
    path = str(Path(tmpdir) / "lines.txt")
    size = make_lines_file(path, cfg.d_bytes)
    mb = size / 1e6
    for cols, rows in ((80, 24), (200, 50)):
        tm = td = None
        try:
            tm, tp, td, dp = start_pair(tmpdir, cols, rows, BASH, history=10000)
            tm.wait_text(tp, PROMPT_RE)
            td.wait_text(dp, PROMPT_RE)
            tms, tds, tmc, tdc = [], [], [], []
            for i in range(cfg.d_reps):
                order = (0, 1) if i % 2 == 0 else (1, 0)
                for which in order:
                    mark = f"DONE-{cols}-{i}"
                    line = f"cat {path}; echo {mark}"
                    if which == 1:
                        c0, t0 = cpu_secs(td.pid), now()
                        run(td.cmd("send", "-t", dp, "--enter", line, "--wait-text", f"^{mark}$",
                                   "--timeout", "120"), timeout=130)
                        tds.append(now() - t0)
                        tdc.append(cpu_secs(td.pid) - c0)
                    else:
                        c0, t0 = cpu_secs(tm.pid), now()
                        run(tm.cmd("send-keys", "-t", tp, line, "Enter"))
                        tm.wait_text(tp, f"^{mark}$", timeout=120, interval=0.02)
                        tms.append(now() - t0)
                        tmc.append(cpu_secs(tm.pid) - c0)
            a, b = median(tms), median(tds)
            ra, rb = mb / a, mb / b
            row("D", f"`cat` {mb:.0f} MB through a {cols}x{rows} pane (throughput)",
                f"{ra:.1f} MB/s", f"{rb:.1f} MB/s", f"{rb / ra:.2f} (throughput)", "≥ 2.0× tmux",
                yesno(rb / ra >= 2.0))
            # Server CPU (user + system, /proc/PID/stat) per 100 MB of that output.
            ca, cb = median(tmc) * 100 / mb, median(tdc) * 100 / mb
            row("D", f"server CPU per 100 MB, {cols}x{rows} (same runs)", f"{ca:.2f} s", f"{cb:.2f} s",
                fratio(cb / ca) if ca else "n/a", "≤ 0.35", yesno(ca > 0 and cb / ca <= 0.35))
            detail(f"D {cols}x{rows}: {cfg.d_reps} runs each; times tmux {', '.join(fms(x) for x in tms)}; "
                   f"tidemux {', '.join(fms(x) for x in tds)}; server CPU tmux "
                   f"{', '.join(f'{x:.2f} s' for x in tmc)}, tidemux {', '.join(f'{x:.2f} s' for x in tdc)}")
            if cols == 80:
                # Diagnostic: the same, but completion signalled through a wait-for channel, so that
                # neither a screen waiter (tidemux) nor capture-pane polling (tmux) runs meanwhile.
                cms, cds = [], []
                for i in range(cfg.d_reps):
                    order = (0, 1) if i % 2 == 0 else (1, 0)
                    for which in order:
                        srv, pane, acc = (td, dp, cds) if which == 1 else (tm, tp, cms)
                        ch = f"dch-{i}"
                        w = popen(srv.cmd("wait-for", ch))
                        time.sleep(0.05)
                        t0 = now()
                        send = (td.cmd("send", "-t", dp, "--enter") if which == 1 else
                                tm.cmd("send-keys", "-t", tp))
                        line = f"cat {path}; {shlex.join(srv.cmd('wait-for', '-S', ch))}"
                        run(send + [line] + ([] if which == 1 else ["Enter"]))
                        rc = reap(w, 120)
                        if rc != 0:
                            raise BenchError(f"{srv.name}: wait-for {ch} exited {rc}")
                        acc.append(now() - t0)
                a2, b2 = median(cms), median(cds)
                row("D", f"same at {cols}x{rows}, completion via a `wait-for` channel (no screen waiter or "
                    "polling during the run; diagnostic)", f"{mb / a2:.1f} MB/s", f"{mb / b2:.1f} MB/s",
                    f"{(mb / b2) / (mb / a2):.2f} (throughput)", "info", "—")
            # the last line really is on screen
            last = f"{size // 80:010d}"
            if last not in td.capture(dp) or last not in tm.capture(tp):
                detail(f"D {cols}x{rows}: WARNING last line {last} not on a screen after the run")
        finally:
            kill_all(*(s for s in (tm, td) if s))
    ts = []
    for _ in range(cfg.d_reps):
        t, got = bare_pty(path, 80, 24)
        if got != size + size // 80:  # the tty turns every \n into \r\n
            detail(f"D: bare PTY read {got} bytes, expected {size + size // 80}")
        ts.append(t)
    row("D", f"reference: bare PTY drain of the same file (no multiplexer): {mb / median(ts):.0f} MB/s",
        "—", "—", "—", "info", "—")
    os.unlink(path)


def spawn_many(srv, n, command, name, history=None, first_command=None):
    panes = [srv.new_session(name, 80, 24, first_command or command, history)]
    for _ in range(n - 1):
        panes.append(srv.new_window(name, command))
    return panes


def bench_e(cfg, tmpdir):
    """RSS with 100 panes x 10,000 lines of history."""
    n, lines = cfg.e_panes, 12000
    cmd = ["sh", "-c", f"seq 1 {lines}; exec sleep 3600"]
    res = {"tmux": [], "tidemux": []}
    hist = {}
    for rep in range(cfg.e_reps):
        for which in ((Tmux, Tidemux) if rep % 2 == 0 else (Tidemux, Tmux)):
            srv = which(tmpdir) if which is Tidemux else which()
            try:
                panes = spawn_many(srv, n, cmd, "e", history=10000)
                for p in panes:
                    srv.wait_text(p, f"^{lines}$", timeout=30)
                time.sleep(1.0)
                res[srv.name].append(srv.rss())
                hl = srv.history_lines()
                hist[srv.name] = (min(hl), max(hl), len(hl))
            finally:
                kill_all(srv)
    a = median([r["VmRSS"] for r in res["tmux"]])
    b = median([r["VmRSS"] for r in res["tidemux"]])
    row("E", f"server RSS, {n} panes × 10,000 lines of history", fmb(a), fmb(b), fratio(b / a), "≤ 0.2",
        yesno(b / a <= 0.2))
    detail(f"E: {cfg.e_reps} runs; history lines per pane (min, max, panes): tmux {hist.get('tmux')}, "
           f"tidemux {hist.get('tidemux')}; peak VmHWM tmux {fmb(max(r['VmHWM'] for r in res['tmux']))}, "
           f"tidemux {fmb(max(r['VmHWM'] for r in res['tidemux']))}")


def start_idle_bash(srv, n, name):
    """n panes running bash (no rc files), each at its prompt."""
    panes = spawn_many(srv, n, BASH, name)
    for p in panes:
        srv.wait_text(p, PROMPT_RE, timeout=30)
    return panes


def thread_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def bench_f(cfg, tmpdir):
    """RSS with 100 idle bash panes."""
    n = cfg.e_panes
    res = {"tmux": [], "tidemux": []}
    threads = {}
    for rep in range(cfg.e_reps):
        for which in ((Tmux, Tidemux) if rep % 2 == 0 else (Tidemux, Tmux)):
            srv = which(tmpdir) if which is Tidemux else which()
            try:
                start_idle_bash(srv, n, "f")
                time.sleep(1.0)
                res[srv.name].append(srv.rss()["VmRSS"])
                threads[srv.name] = thread_count(srv.pid)
            finally:
                kill_all(srv)
    a, b = median(res["tmux"]), median(res["tidemux"])
    row("F", f"server RSS, {n} idle `bash` panes", fmb(a), fmb(b), fratio(b / a), "≤ 2.0",
        yesno(b / a <= 2.0))
    detail(f"F: {cfg.e_reps} runs; RSS tmux {', '.join(fmb(x) for x in res['tmux'])}; tidemux "
           f"{', '.join(fmb(x) for x in res['tidemux'])}; server threads tmux {threads.get('tmux')}, "
           f"tidemux {threads.get('tidemux')}")


def bench_i(cfg, tmpdir):
    """new-window -d latency with 100 panes."""
    n = cfg.e_panes
    tm = td = None
    try:
        tm, td = Tmux(), Tidemux(tmpdir)
        start_idle_bash(tm, n, "i")
        start_idle_bash(td, n, "i")
        res = {"tmux": [], "tidemux": []}
        for i in range(cfg.i_runs):
            for srv in ((tm, td) if i % 2 == 0 else (td, tm)):
                cmd = srv.cmd("new-window", "-d", "-t", "i", "--", "sleep", "3600") if srv is td else \
                    srv.cmd("new-window", "-d", "-t", "i", "sleep", "3600")
                t0 = now()
                run(cmd, capture=False)
                res[srv.name].append(now() - t0)
        a, b = median(res["tmux"]), median(res["tidemux"])
        row("I", f"new pane (`new-window -d`) latency with {n} panes", fms(a), fms(b), fratio(b / a),
            "≤ 1.0", yesno(b / a <= 1.0))
        detail(f"I: {cfg.i_runs} windows each, alternating, wall time of the CLI process from Python; "
               f"p90 tmux {fms(pct(res['tmux'], 90))}, tidemux {fms(pct(res['tidemux'], 90))}")
    finally:
        kill_all(*(s for s in (tm, td) if s))


def bench_j(cfg, tmpdir):
    """list-panes -a with 100 panes."""
    n = cfg.e_panes
    tm = td = None
    try:
        tm, td = Tmux(), Tidemux(tmpdir)
        start_idle_bash(tm, n, "j")
        start_idle_bash(td, n, "j")
        (a, b), how = time_commands([tm.cmd("list-panes", "-a"), td.cmd("list-panes", "-a")],
                                    cfg.c_warmup, cfg.c_runs, tmpdir)
        row("J", f"`list-panes -a` with {n} panes", fms(a), fms(b), fratio(b / a), "≤ 0.8",
            yesno(b / a <= 0.8))
        detail(f"J: timed with {how}, warm-up {cfg.c_warmup}, {cfg.c_runs} runs per command")
    finally:
        kill_all(*(s for s in (tm, td) if s))


def open_fifo_writer(path, timeout):
    end = now() + timeout
    while True:
        try:
            return os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader yet
            if now() > end:
                raise BenchError(f"nobody opened {path} for reading")
            time.sleep(0.001)


def bench_g(cfg, tmpdir):
    """n panes flooding at once + read-screen latency of an idle pane meanwhile."""
    n = cfg.g_panes
    path = str(Path(tmpdir) / "flood.txt")
    with open(path, "wb") as f:  # `y` lines, as `yes | head -c N` prints them
        f.write(b"y\n" * (cfg.g_bytes // 2))
    fifo = str(Path(tmpdir) / "go.fifo")
    res = {"tmux": [], "tidemux": []}
    probes = {"tmux": [], "tidemux": []}
    idle_probes = {"tmux": [], "tidemux": []}
    for rep in range(cfg.g_reps):
        for which in ((Tmux, Tidemux) if rep % 2 == 0 else (Tidemux, Tmux)):
            srv = which(tmpdir) if which is Tidemux else which()
            waiters, flood = [], []
            wfd = None
            try:
                if os.path.exists(fifo):
                    os.unlink(fifo)
                os.mkfifo(fifo)
                me = shlex.join(srv.cmd())
                probe = srv.new_session("g", 80, 24, ["sh", "-c", "seq 1 30; exec sleep 3600"])
                for i in range(n):
                    script = (f"{me} wait-for -S ready-{i}; : < {fifo}; cat {path}; echo DONE-{i}; "
                              f"{me} wait-for -S done-{i}; exec sleep 3600")
                    flood.append(srv.new_window("g", ["sh", "-c", script]))
                srv.wait_text(probe, "^30$")
                for i in range(n):  # every pane is at `: < fifo` (or about to be)
                    run(srv.cmd("wait-for", f"ready-{i}"), timeout=30)
                waiters = [popen(srv.cmd("wait-for", f"done-{i}")) for i in range(n)]
                time.sleep(0.3)
                # probes with no flood, for reference
                cap = srv.cmd("read-screen", "-t", probe) if srv.name == "tidemux" else \
                    srv.cmd("capture-pane", "-p", "-t", probe)
                for _ in range(20):
                    t0 = now()
                    run(cap)
                    idle_probes[srv.name].append(now() - t0)
                    time.sleep(0.01)
                stop = threading.Event()
                lat = []

                def prober():
                    while not stop.is_set():
                        t0 = now()
                        run(cap, timeout=10)
                        lat.append(now() - t0)
                        time.sleep(0.01)

                th = threading.Thread(target=prober, daemon=True)
                t0 = now()
                wfd = open_fifo_writer(fifo, 10)  # releases every `: < fifo` at once
                th.start()
                for w in waiters:
                    rc = reap(w, 180)
                    if rc != 0:
                        raise BenchError(f"{srv.name}: a done waiter exited {rc}")
                t1 = now()
                stop.set()
                th.join(15)
                os.close(wfd)
                wfd = None
                res[srv.name].append(t1 - t0)
                probes[srv.name].extend(lat)
                # every flood pane shows its DONE marker (not timed)
                for i in range(n):
                    srv.wait_text(flood[i], f"^DONE-{i}$", timeout=10)
            finally:
                if wfd is not None:
                    os.close(wfd)
                for w in waiters:
                    if w.poll() is None:
                        w.kill()
                    reap(w, 2)
                kill_all(srv)
    mb = n * cfg.g_bytes / 1e6
    a, b = median(res["tmux"]), median(res["tidemux"])
    row("G", f"{n} panes each printing {cfg.g_bytes / 1e6:g} MB of `y` lines at once, time until all done "
        f"({mb:.0f} MB total)",
        fms(a), fms(b), fratio(b / a), "≤ 0.5", yesno(b / a <= 0.5))
    pa, pb = probes["tmux"], probes["tidemux"]
    row("G", "during that flood: `read-screen`/`capture-pane -p` of an idle pane, median",
        fms(median(pa)), fms(median(pb)), fratio(median(pb) / median(pa)), "tidemux ≤ 3 ms",
        yesno(median(pb) <= 0.003))
    row("G", "during that flood: same, p99", fms(pct(pa, 99)), fms(pct(pb, 99)),
        fratio(pct(pb, 99) / pct(pa, 99)), "tidemux ≤ 15 ms", yesno(pct(pb, 99) <= 0.015))
    detail(f"G: {cfg.g_reps} runs each; flood times tmux {', '.join(fms(x) for x in res['tmux'])}; "
           f"tidemux {', '.join(fms(x) for x in res['tidemux'])}; probes during the flood: tmux {len(pa)}, "
           f"tidemux {len(pb)} (max tmux {fms(max(pa))}, tidemux {fms(max(pb))}); same probe with no flood: "
           f"tmux {fms(median(idle_probes['tmux']))}, tidemux {fms(median(idle_probes['tidemux']))} "
           f"(probe = wall time of the CLI process as started from Python)")
    os.unlink(path)


def bench_h(cfg, tmpdir):
    """server start -> prompt visible."""
    res = {"tmux": [], "tidemux": []}
    for i in range(cfg.h_reps):
        for which in ((Tmux, Tidemux) if i % 2 == 0 else (Tidemux, Tmux)):
            srv = which(tmpdir) if which is Tidemux else which()
            try:
                if which is Tidemux:
                    t0 = now()
                    p = srv.new_session("h", 80, 24, BASH, remember=False)
                    run(srv.cmd("wait", "-t", p, "--text", PROMPT_RE, "--timeout", "5"))
                    t1 = now()
                else:
                    t0 = now()
                    p = srv.new_session("h", 80, 24, BASH, remember=False)
                    end = t0 + 5
                    while not has_line(run(srv.cmd("capture-pane", "-p", "-t", p)), PROMPT_LINE):
                        if now() > end:
                            raise BenchError("tmux: no prompt")
                    t1 = now()
                res[srv.name].append(t1 - t0)
                srv.remember()
            finally:
                kill_all(srv)
    a, b = median(res["tmux"]), median(res["tidemux"])
    row("H", "server start → shell prompt visible", fms(a), fms(b), fratio(b / a), "≤ 1.0", yesno(b / a <= 1.0))
    detail(f"H: {cfg.h_reps} runs each; p90 tmux {fms(pct(res['tmux'], 90))}, tidemux {fms(pct(res['tidemux'], 90))}")


BENCHES = {"A": bench_a, "B": bench_b, "C": bench_c, "D": bench_d, "E": bench_e, "F": bench_f,
           "G": bench_g, "H": bench_h, "I": bench_i, "J": bench_j}


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def symbol_order_status():
    """How many names of crates/tidemux/link/symbol-order.txt the binary defines (row F
    depends on it: a stale list leaves the server's code spread over the text section, see
    benches/symbol_order.py)."""
    order = ROOT / "crates" / "tidemux" / "link" / "symbol-order.txt"
    try:
        names = [n.strip() for n in order.read_text().splitlines() if n.strip()]
        out = subprocess.run(["nm", "--defined-only", str(TIDEMUX_BIN)], capture_output=True,
                             text=True, timeout=60).stdout
        have = {line.split()[-1] for line in out.splitlines() if line.strip()}
        found = sum(1 for n in names if n in have)
    except Exception as e:  # nm missing, no list: say so, never fail the run
        return f"symbol order: not checked ({e})"
    warn = "" if found >= 0.9 * len(names) else \
        " — STALE: run `python3 benches/symbol_order.py` and rebuild before measuring F"
    return f"symbol order: {found} of {len(names)} listed functions in the binary{warn}"


def machine():
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        rev += " (with uncommitted changes)" if dirty else ""
    except Exception:
        rev = "?"
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- nproc: {os.cpu_count()} ({cpu})",
        f"- memory: {mem}",
        f"- kernel: {platform.release()} ({platform.system()} {platform.machine()})",
        f"- tmux: {run(['tmux', '-V'], check=False).strip()}; "
        f"tidemux: {run([str(TIDEMUX_BIN), '-V'], check=False).strip() or '?'} "
        f"(release build, git {rev})",
        f"- python: {platform.python_version()}; hyperfine: {shutil.which('hyperfine') or 'not used'}",
        f"- {symbol_order_status()}",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run in under a minute")
    ap.add_argument("--only", metavar="ROWS", help="comma-separated subset of A,B,C,D,E,F,G,H,I,J")
    args = ap.parse_args()
    only = [x.strip().upper() for x in args.only.split(",")] if args.only else list(BENCHES)
    bad = [x for x in only if x not in BENCHES]
    if bad:
        ap.error(f"unknown measurement(s) {bad}; choose from {','.join(BENCHES)}")

    q = args.quick
    cfg = argparse.Namespace(
        a_iters=15 if q else 100,
        b_iters=15 if q else 100,
        c_warmup=5 if q else 20,
        c_runs=30 if q else 200,
        d_bytes=(5 if q else 100) * 1000 * 1000,
        d_reps=1 if q else 3,
        e_panes=20 if q else 100,
        e_reps=1 if q else 3,
        g_panes=10 if q else 50,
        g_bytes=500_000 if q else 2_000_000,
        g_reps=1 if q else 3,
        h_reps=5 if q else 20,
        i_runs=10 if q else 40,
    )

    ensure_tidemux()
    if not shutil.which("tmux"):
        raise SystemExit("tmux is not installed")

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    started = time.time()
    load0 = os.getloadavg()
    if load0[0] > (os.cpu_count() or 1):
        print(f"warning: load average {load0[0]:.1f} > {os.cpu_count()} CPUs: other jobs are running and "
              "the numbers will be noisy", file=sys.stderr, flush=True)
    failures = []
    tmpdir = tempfile.mkdtemp(prefix="tdmbench-")
    try:
        if "C" in only:
            hyperfine()
        info = machine()
        for key in only:
            t = time.time()
            print(f"== {key}: {BENCHES[key].__doc__.strip()}", flush=True)
            detail(f"{key}: load average (1 min) at the start: {os.getloadavg()[0]:.2f}")
            try:
                BENCHES[key](cfg, tmpdir)
            except Exception as e:  # record it and go on with the other measurements
                if not isinstance(e, BenchError):
                    e = BenchError(f"{type(e).__name__}: {e}")
                failures.append(f"{key}: {e}")
                row(key, f"FAILED: {e}", "—", "—", "—", "—", "error")
                print(f"   FAILED: {e}", flush=True)
            print(f"   ({time.time() - t:.1f} s)", flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # let the clean-up finish
            signal.signal(sig, signal.SIG_IGN)
        for p in list(_POPENS):
            if p.poll() is None:
                p.kill()
            try:
                p.wait(2)
            except Exception:
                pass
        for s in list(_SERVERS):
            kill_all(s)
        shutil.rmtree(tmpdir, ignore_errors=True)

    load1 = os.getloadavg()
    cmdline = "python3 benches/compare.py" + (" --quick" if q else "") + (f" --only {args.only}" if args.only else "")
    info.append(f"- load average (1 min) before / after: {load0[0]:.2f} / {load1[0]:.2f}; "
                f"wall time {time.time() - started:.0f} s")
    tbl = table()
    print()
    print(tbl)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        "# tidemux vs tmux: latest run\n\n"
        f"Command: `{cmdline}`\n\n" + "\n".join(info) + "\n\n" + tbl + "\n\n"
        "Details:\n\n" + "\n".join(f"- {d}" for d in DETAILS) + "\n"
        + ("\nFailures:\n\n" + "\n".join(f"- {f}" for f in failures) + "\n" if failures else "")
    )
    print(f"\nwritten to {RESULTS}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
