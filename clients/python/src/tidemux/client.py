"""The blocking client: one connection, requests answered in order."""

from __future__ import annotations

import json
import socket as _socket
from typing import Any, Dict, Iterator, Optional, Sequence

from ._commands import Call, T, _Commands
from ._protocol import HELLO, HELLO_VERSION, PROTOCOL_MINOR, negotiation_line, parse_hello, request_line
from ._types import Event, WaitOutcome, Welcome, from_json
from .errors import ConnectError, NoServer, ProtocolError, VersionMismatch, from_reply
from .paths import PathLike, caller_pane, resolve_socket

_DEFAULT = object()


def _handshake_failed(path: str, server_hello: int) -> VersionMismatch:
    return VersionMismatch(
        f"protocol version mismatch: this client speaks version {HELLO_VERSION}, the server on "
        f"{path} speaks version {server_hello}; restart the server (tidemux kill-server)")


def _reply_result(msg: Dict[str, Any], id: int) -> Dict[str, Any]:
    if "error" in msg and msg.get("id") in (id, None):
        raise from_reply(msg["error"])
    if msg.get("id") != id:
        raise ProtocolError(f"reply id {msg.get('id')!r} does not match request id {id}")
    result = msg.get("result")
    if not isinstance(result, dict):
        raise ProtocolError(f"reply without a result: {msg!r}")
    return result


class Client(_Commands):
    """A connection to a tidemux server; every command is a method (see `_Commands`).

    `socket` is a path (``-S``), `name` a socket name (``-L``); with neither, the environment
    decides as for the CLI (``$TIDEMUX_SOCKET``, ``$TIDEMUX``, else ``default``). `minor` is
    the protocol minor version announced in the negotiation. Raises `NoServer` when nothing
    listens and `VersionMismatch` when the versions do not meet.

    Requests are answered in order and a wait holds the connection: use one client per thread
    (or per concurrent wait); clients are cheap."""

    def __init__(self, socket: Optional[PathLike] = None, *, name: Optional[str] = None,
                 minor: int = PROTOCOL_MINOR, caller: Any = _DEFAULT,
                 client_name: str = "tidemux-py") -> None:
        self.socket_path = resolve_socket(socket, name)
        self.caller_pane: Optional[str] = (caller_pane(self.socket_path) if caller is _DEFAULT
                                           else caller)
        self._minor = minor
        self._client_name = client_name
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(self.socket_path)
        except (FileNotFoundError, ConnectionRefusedError) as e:
            sock.close()
            raise NoServer(f"no server running on {self.socket_path}") from e
        self._sock = sock
        self._rfile = sock.makefile("rb")
        self._next_id = 1
        try:
            sock.sendall(HELLO + negotiation_line(minor, client_name))
            h = self._rfile.read(8)
            if len(h) < 8:
                raise NoServer(f"no server running on {self.socket_path} (it closed the connection)")
            theirs = parse_hello(h)
            if theirs != HELLO_VERSION:
                raise _handshake_failed(self.socket_path, theirs)
            line = self._rfile.readline()
            if not line:
                raise ConnectError("the server closed the connection during the negotiation")
            self.welcome: Welcome = from_json(Welcome, json.loads(line))
            if self.welcome.error is not None:
                raise VersionMismatch(self.welcome.error)
        except BaseException:
            self.close()
            raise

    def _run(self, call: Call[T]) -> T:
        id = self._next_id
        self._next_id += 1
        try:
            self._sock.sendall(request_line(id, call.method, call.params, self.caller_pane))
        except OSError as e:
            raise ConnectError(f"lost connection to the server: {e}") from e
        line = self._rfile.readline()
        if not line.endswith(b"\n"):
            raise ConnectError("lost connection to the server")
        return call.convert(_reply_result(json.loads(line), id))

    def watch(self, target: Optional[str] = None, text: Optional[str] = None, *,
              history: bool = False, idle: Optional[float] = None, exit: bool = False,
              prompt: bool = False, state: Optional[str] = None, since: Optional[int] = None,
              read: bool = False, timeout: Optional[float] = None) -> Iterator[WaitOutcome]:
        """Waits again and again on pane `target`, as an iterator of `WaitOutcome`: each wait
        starts at the previous outcome's `seq` (the first at `since`), so every outcome is about
        newer output (a new match, a new quiet period, a new prompt). Arguments as `wait`;
        `timeout` applies to each wait and raises `Timeout`. Ends with the pane's exit (after
        yielding the `exit` outcome when `exit` is set)."""
        while True:
            out = self.wait(target, text, history=history, idle=idle, exit=exit, prompt=prompt,
                            state=state, since=since, read=read, timeout=timeout)
            yield out
            if out.condition == "exit" or (not exit and out.state == "exited"):
                return
            since = out.seq

    def events(self, after: Optional[int] = None, filters: Sequence[str] = ()) -> "EventStream":
        """`events` on a connection of its own: an iterator of `Event` (first the buffered
        events with a sequence number greater than `after`, then live ones) until the server
        closes the stream or the iterator is closed. `filters`: kinds (``pane-exited``) or
        families (``pane``)."""
        c = Client(self.socket_path, minor=self._minor, caller=self.caller_pane,
                   client_name=self._client_name)
        return EventStream(c, after, filters)

    def close(self) -> None:
        """Closes the connection."""
        try:
            self._rfile.close()
        finally:
            self._sock.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class EventStream:
    """Events as they happen (see `Client.events`); iterate, and `close()` when done (or use
    it as a context manager)."""

    def __init__(self, client: Client, after: Optional[int], filters: Sequence[str]) -> None:
        self._client = client
        self._id = client._next_id
        client._next_id += 1
        client._sock.sendall(request_line(self._id, "events",
                                          {"after": after, "filters": list(filters)}))

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        try:
            line = self._client._rfile.readline()
        except (OSError, ValueError):
            line = b""
        if not line.endswith(b"\n"):
            raise StopIteration
        result = _reply_result(json.loads(line), self._id)
        if result.get("type") != "event":
            raise ProtocolError(f"unexpected reply type {result.get('type')!r} in an event stream")
        return from_json(Event, result["data"])

    def close(self) -> None:
        """Ends the stream (closes its connection)."""
        self._client.close()

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
