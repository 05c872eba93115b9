"""The Python client against the real server (run by .ci/run after cargo test)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import PROMPT, SHELL, shell
from tidemux import (
    AsyncClient,
    Client,
    Created,
    InvalidArgument,
    NoServer,
    NotFound,
    ProtocolError,
    ScreenCapture,
    Sent,
    Server,
    SessionInfo,
    Timeout,
    VersionMismatch,
    WaitOutcome,
    resolve_socket,
    wait_spec,
)


def test_sessions_windows_panes_create_list_kill(client: Client) -> None:
    a = client.new_session("a", SHELL)
    assert isinstance(a, Created) and a.session_name == "a" and a.pane.startswith("%")
    client.new_session("b", SHELL)
    sessions = client.list_sessions()
    assert [s.name for s in sessions] == ["a", "b"]
    assert isinstance(sessions[0], SessionInfo) and sessions[0].windows == 1
    w = client.new_window("a", SHELL, name="second")
    assert w.session == a.session and w.window != a.window
    split = client.split_window(w.pane, SHELL, horizontal=True, size="30%")
    windows = client.list_windows("a")
    assert [x.name for x in windows][1] == "second"
    assert len(client.list_windows(all=True)) == 3
    panes = client.list_panes(w.window)
    assert [p.id for p in panes] == [w.pane, split.pane]
    assert panes[0].left == 0 and panes[1].left > 0
    assert len(client.list_panes(all=True)) == 4
    client.rename_pane(split.pane, "helper")
    named = [p for p in client.list_panes("helper") if p.name == "helper"]
    assert [p.id for p in named] == [split.pane]
    client.kill_pane(split.pane)
    assert len(client.list_panes(w.window)) == 1
    client.kill_window(w.window)
    assert len(client.list_windows("a")) == 1
    client.kill_session("b")
    assert client.has_session("a") and not client.has_session("b")
    assert [s.name for s in client.list_sessions()] == ["a"]


def test_send_send_key_and_read_screen_with_ansi(client: Client) -> None:
    pane = shell(client)
    sent = client.send(pane, r"printf '\033[1;31mred\033[0m plain\n'", enter=True)
    assert isinstance(sent, Sent) and sent.pane == pane and sent.bytes > 0
    client.wait(pane, "^red plain", since=sent.seq, timeout=10)
    plain = client.read_screen(pane)
    assert isinstance(plain, ScreenCapture) and "red plain" in plain.text
    assert "\x1b" not in plain.text
    ansi = client.read_screen(pane, ansi=True)
    line = next(x for x in ansi.lines if "red" in x and "printf" not in x)
    assert "\x1b[" in line and "31m" in line and "red" in line, repr(line)
    # send-key: type, then erase with C-u and run something else.
    client.send(pane, "echo nope")
    client.send_key(pane, "C-u")
    s2 = client.send(pane, "echo yes")
    k = client.send_key(pane, "Enter")
    assert isinstance(k, Sent) and k.bytes == 1
    client.wait(pane, "^yes$", since=s2.seq, timeout=10)
    assert "nope" not in client.read_screen(pane).text
    # History ranges.
    client.send(pane, "seq 1 100", enter=True)
    client.wait(pane, "^100$", timeout=10)
    hist = client.read_screen(pane, history=True)
    assert hist.first_line < 0 and "1" in hist.lines
    last = client.read_screen(pane, lines=5)
    assert last.first_line == -5


def test_every_wait_condition_with_since(client: Client) -> None:
    pane = client.new_session("w", SHELL, remain_on_exit=True).pane
    client.wait(pane, PROMPT, timeout=10)
    # text: a match from before `since` does not count.
    s = client.send(pane, "echo marker-one", enter=True)
    client.wait(pane, "^marker-one", since=s.seq, timeout=10)
    s2 = client.send(pane, "true", enter=True)
    out = client.wait(pane, "^marker-one", since=s2.seq, timeout=0.5, raise_on_timeout=False)
    assert out.timed_out and out.condition is None
    out = client.wait(pane, "^marker-one", since=s.seq, timeout=5)
    assert out.condition == "text" and out.matched == "marker-one" and out.seq >= s.seq
    # idle: needs a change after since.
    s3 = client.send(pane, "echo idle-check", enter=True)
    out = client.wait(pane, idle=0.2, since=s3.seq, timeout=10)
    assert out.condition == "idle" and out.seq > s3.seq
    # prompt: OSC 133 marks (docs/cli.md); a prompt after since.
    client.send(pane, r"PS1='\[\e]133;A\a\]\$ \[\e]133;B\a\]'; PS0='\e]133;C\a'", enter=True)
    client.wait(pane, prompt=True, timeout=10)
    s4 = client.send(pane, "sleep 0.3; echo slept", enter=True)
    out = client.wait(pane, prompt=True, since=s4.seq, timeout=10)
    assert out.condition == "prompt"
    assert "slept" in client.read_screen(pane).text
    # state: `cat` blocked reading the terminal.
    s5 = client.send(pane, "cat", enter=True)
    out = client.wait(pane, state="waiting-input", since=s5.seq, timeout=15)
    assert out.condition == "state" and out.state == "waiting-input"
    # exit, and `read` returning the screen in the same reply.
    client.send_key(pane, "C-d")
    s6 = client.send(pane, "exit 3", enter=True)
    out = client.wait(pane, exit=True, since=s6.seq, read=True, timeout=10)
    assert out.condition == "exit" and out.exit is not None and out.exit.code == 3
    assert out.screen is not None and "exit 3" in out.screen.text


def test_watch_yields_each_new_match(client: Client) -> None:
    pane = client.new_session("w", SHELL, remain_on_exit=True).pane
    client.wait(pane, PROMPT, timeout=10)
    s = client.send(pane, "for i in 1 2 3; do sleep 0.2; echo tick-$i; done; exit 4", enter=True)
    seen = []
    for out in client.watch(pane, "^tick-[0-9]$", exit=True, since=s.seq, timeout=10):
        seen.append(out.matched if out.condition == "text" else f"exit {out.exit.code}")
    assert seen[-1] == "exit 4" and "tick-3" in seen, seen
    assert len(seen) == len(set(seen)), seen
    assert [p.state for p in client.status()] == ["exited"]


def test_send_wait_read_in_one_call(client: Client) -> None:
    pane = shell(client)
    out = client.send(pane, "echo $((6*7))", enter=True,
                      wait=wait_spec("^42$", read=True), timeout=10)
    assert isinstance(out, WaitOutcome) and out.condition == "text"
    assert out.sent is not None and out.sent.pane == pane
    assert out.screen is not None and "42" in out.screen.lines


def test_events_with_replay_and_filters(server: Server, client: Client) -> None:
    pane = shell(client, "ev")
    client.rename_session("ev", "ev2")
    # Replay: everything after 0, in order, then live events.
    with client.events(after=0) as stream:
        seen = []
        for e in stream:
            seen.append(e)
            if e.kind == "session-renamed":
                break
        kinds = [e.kind for e in seen]
        assert kinds[0] == "session-created" and "pane-created" in kinds
        assert [e.seq for e in seen] == sorted(e.seq for e in seen)
        renamed = seen[-1]
        assert renamed.name == "ev2"
        client.notify(pane, "look here")
        live = next(iter(stream))
        assert live.kind == "attention-set" and live.message == "look here"
        assert live.seq > renamed.seq
    # Resume after a sequence number, with a filter.
    with client.events(after=renamed.seq, filters=["attention"]) as stream:
        e = next(iter(stream))
        assert e.kind == "attention-set" and e.pane == pane


def test_errors_carry_the_server_kind(client: Client) -> None:
    pane = shell(client)
    with pytest.raises(NotFound) as nf:
        client.read_screen("nosuch")
    assert nf.value.kind == "not_found" and "nosuch" in str(nf.value)
    assert nf.value.code == -32001
    with pytest.raises(InvalidArgument) as bad:
        client.wait(pane, "a(b", timeout=1)
    assert bad.value.kind == "invalid" and "bad regex" in str(bad.value)
    with pytest.raises(Timeout) as to:
        client.wait(pane, "never-appears", timeout=0.2)
    assert to.value.kind == "timeout" and to.value.outcome.timed_out
    with pytest.raises(Timeout):
        client.wait_for("chan", timeout=0.2)
    with pytest.raises(ProtocolError) as pe:
        client.call("frobnicate")
    assert pe.value.code == -32601 and "list-sessions" in str(pe.value)
    with pytest.raises(ProtocolError) as pe:
        client.call("send", {"enter": True})
    assert pe.value.code == -32602 and "text" in str(pe.value)
    # The connection is still usable after every error.
    assert client.list_sessions()[0].name == "w"


def test_no_server(tmp_path: Path) -> None:
    with pytest.raises(NoServer):
        Client(tmp_path / "nothing")


def test_two_clients_at_once(server: Server, client: Client) -> None:
    pane = shell(client)
    other = server.client()
    result = {}

    def waiter() -> None:
        result["w"] = other.wait_for("go", timeout=10)
        result["out"] = other.wait(pane, "^from-a$", timeout=10)

    t = threading.Thread(target=waiter)
    t.start()
    # While `other` is blocked in wait-for, this connection keeps working.
    assert client.list_sessions()[0].name == "w"
    client.send(pane, "echo from-a", enter=True)
    client.wait_for("go", signal=True)
    t.join(15)
    assert not t.is_alive() and result["out"].condition == "text"
    other.close()


def test_asyncio_waits_and_events(server: Server) -> None:
    async def main() -> None:
        a = await server.async_client()
        b = await server.async_client()
        pane = (await a.new_session("as", SHELL)).pane
        await a.wait(pane, PROMPT, timeout=10)
        events = a.events(after=0, filters=["pane"])
        first = await events.__anext__()
        assert first.kind == "pane-created" and first.pane == pane
        s = await b.send(pane, "echo async-$((2+3))", enter=True)
        # Two waits on two connections at once.
        w1, w2 = await asyncio.gather(
            a.wait(pane, "^async-5$", since=s.seq, timeout=10),
            b.wait(pane, idle=0.2, since=s.seq, timeout=10),
        )
        assert w1.condition == "text" and w2.condition == "idle"
        await events.aclose()
        got = []
        async for w in a.watch(pane, idle=0.1, since=s.seq, timeout=10):
            got.append(w)
            if len(got) == 1:
                await b.send(pane, "echo again", enter=True)
            else:
                break
        assert [w.condition for w in got] == ["idle", "idle"] and got[1].seq > got[0].seq
        await a.close()
        await b.close()

    asyncio.run(main())


def test_a_client_of_a_newer_minor_version(server: Server) -> None:
    c = server.client(minor=99)
    assert c.welcome.version == 2 and c.welcome.error is None
    assert c.welcome.pid == server.pid
    # Fields the server does not know are ignored; fields it has and we leave out default.
    r = c.call("new-session", {"name": "future", "spawn": {"command": SHELL},
                               "priority": "high", "labels": {"team": "x"}})
    assert r["type"] == "created" and r["data"]["session_name"] == "future"
    raw = c.call("list-panes", {"all": True, "sort_by": "cpu"})
    assert raw["type"] == "panes" and raw["data"][0]["session_name"] == "future"
    c.close()


def test_a_client_of_another_major_version_is_refused(server: Server) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.connect(server.socket)
    s.sendall(b"TDMX" + struct.pack("<I", 2) + b'{"min_version":7,"max_version":9}\n')
    f = s.makefile("rb")
    assert f.read(8) == b"TDMX\x02\x00\x00\x00"
    welcome = json.loads(f.readline())
    assert welcome["version"] is None and "7..=9" in welcome["error"]
    assert f.read() == b""  # closed
    s.close()
    # A version-1 client (before negotiation) gets the hello and a close.
    s = socket.socket(socket.AF_UNIX)
    s.connect(server.socket)
    s.sendall(b"TDMX\x01\x00\x00\x00")
    f = s.makefile("rb")
    assert f.read(8) == b"TDMX\x02\x00\x00\x00" and f.read() == b""
    s.close()


def test_version_mismatch_from_an_old_server(tmp_path: Path) -> None:
    path = str(tmp_path / "old.sock")
    lst = socket.socket(socket.AF_UNIX)
    lst.bind(path)
    lst.listen(1)

    def old_server() -> None:
        conn, _ = lst.accept()
        conn.recv(8)
        conn.sendall(b"TDMX\x01\x00\x00\x00")
        conn.close()

    t = threading.Thread(target=old_server)
    t.start()
    with pytest.raises(VersionMismatch) as e:
        Client(path)
    assert "version 1" in str(e.value)
    t.join()
    lst.close()


def test_socket_discovery_like_the_cli(server: Server, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("TIDEMUX", "TIDEMUX_SOCKET", "TIDEMUX_PANE", "TIDEMUX_TMPDIR", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(k, raising=False)
    assert resolve_socket() == f"/tmp/tidemux-{os.getuid()}/default"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert resolve_socket(name="x") == str(tmp_path / "tidemux" / "x")
    monkeypatch.setenv("TIDEMUX_TMPDIR", str(tmp_path))
    assert resolve_socket(name="x") == str(tmp_path / "x")
    assert resolve_socket() == str(tmp_path / "default")
    monkeypatch.setenv("TIDEMUX", f"{server.socket},123,0")
    assert resolve_socket() == server.socket
    monkeypatch.setenv("TIDEMUX_SOCKET", server.socket)
    assert resolve_socket(tmp_path / "explicit") == str(tmp_path / "explicit")
    with pytest.raises(ValueError):
        resolve_socket(name="a/b")
    # $TIDEMUX_SOCKET reaches the running server; $TIDEMUX_PANE becomes the default target.
    with Client() as c:
        pane = shell(c, "env")
        monkeypatch.setenv("TIDEMUX_PANE", pane)
        with Client() as inside:
            assert inside.caller_pane == pane
            assert inside.identify().pane.id == pane
    # Same discovery as the CLI: it finds the server too.
    exe = os.environ["TIDEMUX_BIN"]
    out = subprocess.run([exe, "list-sessions"], capture_output=True, text=True, check=True)
    assert "env:" in out.stdout


def test_server_info_and_generated_async_client_is_current() -> None:
    gen = Path(__file__).resolve().parent.parent / "gen_async.py"
    r = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_server_info(client: Client, server: Server) -> None:
    info = client.server_info()
    assert info.pid == server.pid and info.protocol == 2 and info.socket == server.socket
