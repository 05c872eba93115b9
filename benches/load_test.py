#!/usr/bin/env python3
"""Load test: many flooding panes plus scripted clients against one tidemux server.

    python3 benches/load_test.py                 # 100 flooding panes, 20 clients x 500 commands
    python3 benches/load_test.py --quick         # 20 panes, 5 clients x 100 commands
    python3 benches/load_test.py --out FILE.md   # also write the report there

What it does (issue 8, "Load test"):
- starts a server (release build, `target/release/tidemux`, built if missing) on a socket in a
  fresh temporary directory;
- starts N sessions whose pane runs `yes` (flooding for the whole run);
- starts C clients (threads), each with its own quiet session running `cat`, each running M
  commands, a fixed mix: `version`, `list-sessions`, `has-session`, `list-panes` of its session,
  `list-panes -a`, `read-screen` of its pane and of a flooding pane, `send --enter` and
  `send --enter --wait-text` (cat echoes the text), `wait --text` on its own screen, `status`;
- meanwhile runs `seq 1 200000` in a bash pane with `--history-limit 250000` and checks that
  every number lands in history, in order;
- samples the server's RSS (`/proc/PID/status`) every 0.5 s.

Reports errors (commands that exited non-zero or printed something unexpected; must be 0), the
wall time of each command process (p50/p99/max; this includes the ~1.5 ms start-up of a CLI
process), the server's reply time on a persistent connection (the goal: p99 <= 100 ms) and how
much of it the probe process itself spent waiting for a CPU (its schedstat), RSS over time, and
the seq check. Exit status 0 only if errors == 0, the server's reply p99 <= 100 ms and
the seq check passed. At the end it kills exactly the server it started (kill-server, then
SIGKILL by pid), also on failure and on SIGINT/SIGTERM.
"""

import argparse
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "tidemux")


def build():
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release", "-p", "tidemux"], cwd=ROOT, check=True)


class Server:
    def __init__(self, sock):
        self.sock = sock
        self.pid = None
        env = dict(os.environ)
        for k in ["TIDEMUX", "TIDEMUX_PANE", "TIDEMUX_SOCKET", "TMUX", "TMUX_PANE"]:
            env.pop(k, None)
        env["SHELL"] = "/bin/sh"
        self.env = env

    def run(self, *args, timeout=120):
        return subprocess.run(
            [BIN, "-S", self.sock, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *args):
        r = self.run(*args)
        if r.returncode != 0:
            raise RuntimeError(f"tidemux {' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout

    def kill(self):
        try:
            self.run("kill-server", timeout=10)
        except Exception:
            pass
        if self.pid:
            deadline = time.time() + 5
            while time.time() < deadline and os.path.exists(f"/proc/{self.pid}"):
                time.sleep(0.05)
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def percentile(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def client(srv, i, n_cmds, n_flood, lat, errors, lock):
    me = f"c{i}"
    rnd = random.Random(i)
    flood = [f"f{k}" for k in range(n_flood)] or ["seq"]
    mix = [
        ("version", lambda k: ["version"]),
        ("list-sessions", lambda k: ["list-sessions"]),
        ("has-session", lambda k: ["has-session", "-t", rnd.choice(flood)]),
        ("list-panes", lambda k: ["list-panes", "-t", me]),
        ("list-panes -a", lambda k: ["list-panes", "-a"]),
        ("read-screen own", lambda k: ["read-screen", "-t", me]),
        ("read-screen flooding", lambda k: ["read-screen", "-t", rnd.choice(flood)]),
        ("send --enter", lambda k: ["send", "-t", me, "--enter", f"{me}-line-{k}"]),
        (
            "send --wait-text",
            lambda k: ["send", "-t", me, "--enter", f"{me}-tok-{k}", "--wait-text",
                       f"{me}-tok-{k}$", "--timeout", "30"],
        ),
        ("wait --text", lambda k: ["wait", "-t", me, "--text", f"{me}", "--timeout", "30"]),
        ("status", lambda k: ["status", "-t", me]),
    ]
    for k in range(n_cmds):
        name, make = mix[k % len(mix)]
        args = make(k)
        t0 = time.perf_counter()
        try:
            r = srv.run(*args, timeout=60)
            dt = time.perf_counter() - t0
            bad = r.returncode != 0
            why = r.stderr.strip()
        except subprocess.TimeoutExpired:
            dt, bad, why = 60.0, True, "timed out after 60 s"
        with lock:
            lat.append((name, dt))
            if bad:
                errors.append(f"{' '.join(args)}: {why}")


# Raw protocol requests on the JSON socket API (docs/api.md): `server-info` (what `version`
# asks), `list-sessions`, `has-session`, `list-panes -a` and `read-screen` of a flooding pane
# (of a quiet one before the floods start): the last two take pane locks.
PROBES = [
    ("version", "server-info", None),
    ("list-sessions", "list-sessions", None),
    ("has-session", "has-session", {"target": "seq"}),
    ("list-panes -a", "list-panes", {"all": True}),
    ("read-screen flooding", "read-screen", "READ"),
]


def run_delay():
    """Seconds this thread has spent runnable but waiting for a CPU (Linux schedstat; 0 where
    missing)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def probe(sock_path, stop, lat, errors, lock, target, ready=lambda: None, queued=None):
    """Round trips on one persistent connection: what the server adds, without the start-up
    of a CLI process. Runs in a process of its own (see `Probe`); `ready` is called once the
    connection is up."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(b"TDMX" + struct.pack("<I", 2) + b'{"min_version":2,"max_version":2}\n')
    f = s.makefile("rb")
    if f.read(8)[:4] != b"TDMX" or json.loads(f.readline()).get("error") is not None:
        with lock:
            errors.append("probe: bad handshake")
        ready()
        return
    ready()
    if queued is None:
        queued = []
    k = 0
    while not stop.is_set():
        name, method, params = PROBES[k % len(PROBES)]
        k += 1
        msg = {"jsonrpc": "2.0", "id": k, "method": method}
        if params == "READ":
            params = {"target": target}
        if params is not None:
            msg["params"] = params
        t0 = time.perf_counter()
        q0 = run_delay()
        s.sendall(json.dumps(msg).encode() + b"\n")
        line = f.readline()
        if not line:
            with lock:
                errors.append("probe: connection closed")
            return
        dt = time.perf_counter() - t0
        q = run_delay() - q0
        reply = json.loads(line)
        with lock:
            lat.append((name, dt))
            queued.append(q)
            if reply.get("id") != k or "error" in reply:
                errors.append(f"probe: reply {reply!r} for request {k}")
        stop.wait(0.01)


def probe_main(sock_path, target):
    """`--probe SOCK TARGET`: run the probe until stdin closes, then print what it measured as
    one JSON object (`lat`: [name, seconds] pairs, `queued`: seconds the probe itself waited
    for a CPU during each, `errors`)."""
    lat, errors, stop, queued = [], [], threading.Event(), []

    def watch_stdin():
        sys.stdin.read()
        stop.set()

    def ready():
        print("ready", flush=True)

    threading.Thread(target=watch_stdin, daemon=True).start()
    probe(sock_path, stop, lat, errors, threading.Lock(), target, ready, queued)
    stop.wait()
    json.dump({"lat": lat, "queued": queued, "errors": errors}, sys.stdout)


class Probe:
    """The persistent-connection probe in a process of its own: in this process it would share
    the interpreter lock with the client threads and measure their Python work (up to a 5 ms
    switch interval per wait) instead of the server's reply time."""

    def __init__(self, sock_path, target):
        self.p = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--probe", sock_path, target],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.p.stdout.readline()  # "ready": connected, the measurement starts now

    def finish(self, lat, errors, queued=None):
        try:
            out, _ = self.p.communicate(input="", timeout=60)
            d = json.loads(out)
        except Exception as e:  # noqa: BLE001 - reported as a load-test error
            self.p.kill()
            self.p.wait()
            errors.append(f"probe: no result ({e})")
            return
        lat.extend((name, dt) for name, dt in d["lat"])
        if queued is not None:
            queued.extend(d.get("queued", []))
        errors.extend(d["errors"])


def run_clients(srv, n_clients, n_cmds, n_flood, lat, errors, lock):
    threads = [
        threading.Thread(target=client, args=(srv, i, n_cmds, n_flood, lat, errors, lock))
        for i in range(n_clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def seq_check(srv, n, result):
    t0 = time.time()
    srv.ok("send", "-t", "seq", "--enter", f"seq 1 {n}; echo SEQ''DONE")
    r = srv.run("wait", "-t", "seq", "--text", "^SEQDONE", "--history", "--timeout", "600",
                timeout=700)
    if r.returncode != 0:
        result["ok"] = False
        result["why"] = f"wait failed: {r.stderr.strip()}"
        return
    result["secs"] = time.time() - t0
    out = srv.ok("read-screen", "-t", "seq", "--history")
    lines = out.splitlines()
    try:
        first = lines.index("1")
    except ValueError:
        result["ok"] = False
        result["why"] = "line '1' is not in history"
        return
    got = lines[first:first + n]
    want = [str(i) for i in range(1, n + 1)]
    result["ok"] = got == want
    if not result["ok"]:
        at = next((j for j, (a, b) in enumerate(zip(got, want)) if a != b), len(got))
        result["why"] = f"history differs at number {at + 1}: {got[at:at + 3]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--panes", type=int, default=100)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--commands", type=int, default=500)
    ap.add_argument("--seq", type=int, default=200000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--bin", help="tidemux binary to test (default target/release/tidemux, built if "
                    "missing)")
    ap.add_argument("--probe", nargs=2, metavar=("SOCK", "TARGET"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.probe:
        probe_main(*a.probe)
        return
    global BIN
    if a.bin:
        BIN = os.path.abspath(a.bin)
    if a.quick:
        a.panes, a.clients, a.commands, a.seq = 20, 5, 100, 50000
    if not a.bin:
        build()
    load0 = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="tidemux-load-")
    srv = Server(os.path.join(tmp, "sock"))

    def on_signal(signum, frame):
        srv.kill()
        sys.exit(130)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        srv.ok("new-session", "-d", "-s", "seq", "--history-limit", str(a.seq + 50000), "--",
               "bash", "--norc", "--noprofile")
        srv.pid = json.loads(srv.ok("version", "--json"))["server"]["pid"]
        for i in range(a.clients):
            srv.ok("new-session", "-d", "-s", f"c{i}", "--", "cat")
        # Baseline: the same clients and mix, no flooding pane (machine noise, CLI start-up).
        base_lat, base_err, lock = [], [], threading.Lock()
        base_probe = []
        pt = Probe(srv.sock, "c0")
        run_clients(srv, a.clients, max(1, a.commands // 5), 0, base_lat, base_err, lock)
        pt.finish(base_probe, base_err)
        base = [dt * 1000 for _, dt in base_lat]
        base_rt = [dt * 1000 for _, dt in base_probe]
        rss = [(0.0, rss_kib(srv.pid))]
        for i in range(a.panes):
            srv.ok("new-session", "-d", "-s", f"f{i}", "--", "yes")
        time.sleep(1.0)  # let the flood settle in
        lat, errors, lock = [], [], threading.Lock()
        started = time.time()
        stop = threading.Event()

        def sample():
            while not stop.wait(0.5):
                rss.append((time.time() - started, rss_kib(srv.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        seq_result = {"ok": False, "why": "did not finish"}
        seq_thread = threading.Thread(target=seq_check, args=(srv, a.seq, seq_result))
        seq_thread.start()
        probe_lat, probe_queued = [], []
        pt = Probe(srv.sock, "f0" if a.panes else "c0")
        run_clients(srv, a.clients, a.commands, a.panes, lat, errors, lock)
        pt.finish(probe_lat, errors, probe_queued)
        seq_thread.join()
        took = time.time() - started
        stop.set()
        rss.append((time.time() - started, rss_kib(srv.pid)))
        alive = rss_kib(srv.pid) is not None
    finally:
        srv.kill()

    times = [dt * 1000 for _, dt in lat]
    by_name = {}
    for name, dt in lat:
        by_name.setdefault(name, []).append(dt * 1000)
    p50, p99, mx = percentile(times, 50), percentile(times, 99), max(times) if times else 0
    rt = [dt * 1000 for _, dt in probe_lat]
    # The goal (issue 8: replies p99 <= 100 ms) is judged on the server's reply time (the
    # persistent-connection round trips). The CLI figure adds the fork/exec and scheduling of a
    # client process among the flooding programs: `version`, which does no work in the server,
    # shows the same distribution there.
    ok = not errors and percentile(rt, 99) <= 100 and seq_result.get("ok") and alive
    load = os.getloadavg()
    errors = errors + base_err
    out = []
    out.append(f"- **Load average at the start**: {load0[0]:.1f}.")
    out.append(f"- **Setup**: {a.panes} panes running `yes`, {a.clients} clients x {a.commands} "
               f"commands ({len(times)} in all), `seq 1 {a.seq}` in a bash pane; "
               f"{os.cpu_count()} CPUs; load average at the end {load[0]:.1f}.")
    out.append(f"- **Duration**: {took:.1f} s; server alive at the end: {alive}.")
    out.append(f"- **Errors**: {len(errors)}" + ("" if not errors else
               "; first: " + "; ".join(errors[:5])))
    out.append(f"- **CLI wall time** (each command as a process, start-up and scheduling "
               f"included): p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {mx:.1f} ms.")
    out.append(f"- **Baseline** (same clients, {len(base)} commands before any pane floods): "
               f"p50 {percentile(base, 50):.1f} ms, p99 {percentile(base, 99):.1f} ms, "
               f"max {max(base):.1f} ms; errors {len(base_err)}.")
    out.append(f"- **Server reply time** (`version`, `list-sessions`, `has-session`, "
               f"`list-panes -a`, `read-screen` of a flooding pane, on one persistent connection, "
               f"every 10 ms, from a process of its own, {len(rt)} requests): p50 {percentile(rt, 50):.2f} ms, p99 "
               f"{percentile(rt, 99):.2f} ms, max {max(rt) if rt else 0:.2f} ms (target p99 <= "
               f"100 ms: {'met' if percentile(rt, 99) <= 100 else 'NOT met'}); baseline p50 "
               f"{percentile(base_rt, 50):.2f} ms, p99 {percentile(base_rt, 99):.2f} ms.")
    if len(probe_queued) == len(rt) and rt:
        own = [q * 1000 for q in probe_queued]
        net = [r - q for r, q in zip(rt, own)]
        out.append(f"- **Probe's own wait for a CPU** during each round trip (its "
                   f"`/proc/thread-self/schedstat`; part of the reply time above, not the "
                   f"server's): p50 {percentile(own, 50):.2f} ms, p99 {percentile(own, 99):.2f} ms, "
                   f"max {max(own):.2f} ms; reply time without it: p50 "
                   f"{percentile(net, 50):.2f} ms, p99 {percentile(net, 99):.2f} ms, max "
                   f"{max(net):.2f} ms.")
    seq_line = "whole, in order" if seq_result.get("ok") else f"FAILED ({seq_result.get('why')})"
    out.append(f"- **`seq 1 {a.seq}` in history**: {seq_line}"
               + (f", done in {seq_result['secs']:.1f} s" if "secs" in seq_result else "") + ".")
    out.append("")
    out.append("| command | n | p50 ms | p99 ms | max ms |")
    out.append("|---|---:|---:|---:|---:|")
    for name, xs in by_name.items():
        out.append(f"| `{name}` | {len(xs)} | {percentile(xs, 50):.1f} | "
                   f"{percentile(xs, 99):.1f} | {max(xs):.1f} |")
    out.append("")
    by_probe = {}
    for name, dt in probe_lat:
        by_probe.setdefault(name, []).append(dt * 1000)
    out.append("Server reply time by request (persistent connection):")
    out.append("")
    out.append("| request | n | p50 ms | p99 ms | max ms |")
    out.append("|---|---:|---:|---:|---:|")
    for name, xs in by_probe.items():
        out.append(f"| `{name}` | {len(xs)} | {percentile(xs, 50):.2f} | "
                   f"{percentile(xs, 99):.2f} | {max(xs):.2f} |")
    out.append("")
    step = max(1, len(rss) // 12)
    pts = rss[::step] + ([rss[-1]] if (len(rss) - 1) % step else [])
    out.append("Server RSS over time (s: MiB): " + ", ".join(
        f"{t:.0f}: {(k or 0) / 1024:.1f}" for t, k in pts) + ".")
    report = "\n".join(out)
    print(report)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report + "\n")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
