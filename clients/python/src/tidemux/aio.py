"""The asyncio client: the same commands as coroutines, events as an async iterator."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Optional, Sequence

from ._async_commands import _AsyncCommands
from ._commands import Call, T
from ._protocol import HELLO, HELLO_VERSION, PROTOCOL_MINOR, negotiation_line, parse_hello, request_line
from ._types import Event, WaitOutcome, Welcome, from_json
from .client import _DEFAULT, _handshake_failed, _reply_result
from .errors import ConnectError, NoServer, ProtocolError, VersionMismatch
from .paths import PathLike, caller_pane, resolve_socket

_LIMIT = 16 * 1024 * 1024 + 1024


class AsyncClient(_AsyncCommands):
    """An asyncio connection; create it with ``await AsyncClient.connect(...)`` (same
    arguments as `Client`). Requests from concurrent tasks are serialised on the connection;
    open several clients for parallel waits."""

    def __init__(self, socket_path: str, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, welcome: Welcome, caller: Optional[str],
                 minor: int, client_name: str) -> None:
        self.socket_path = socket_path
        self.welcome = welcome
        self.caller_pane = caller
        self._reader = reader
        self._writer = writer
        self._minor = minor
        self._client_name = client_name
        self._next_id = 1
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, socket: Optional[PathLike] = None, *, name: Optional[str] = None,
                      minor: int = PROTOCOL_MINOR, caller: Any = _DEFAULT,
                      client_name: str = "tidemux-py") -> "AsyncClient":
        """Connects and negotiates (raises `NoServer`, `VersionMismatch`)."""
        path = resolve_socket(socket, name)
        pane = caller_pane(path) if caller is _DEFAULT else caller
        try:
            reader, writer = await asyncio.open_unix_connection(path, limit=_LIMIT)
        except (FileNotFoundError, ConnectionRefusedError) as e:
            raise NoServer(f"no server running on {path}") from e
        try:
            writer.write(HELLO + negotiation_line(minor, client_name))
            await writer.drain()
            try:
                h = await reader.readexactly(8)
            except asyncio.IncompleteReadError as e:
                raise NoServer(f"no server running on {path} (it closed the connection)") from e
            theirs = parse_hello(h)
            if theirs != HELLO_VERSION:
                raise _handshake_failed(path, theirs)
            line = await reader.readline()
            if not line:
                raise ConnectError("the server closed the connection during the negotiation")
            welcome = from_json(Welcome, json.loads(line))
            if welcome.error is not None:
                raise VersionMismatch(welcome.error)
        except BaseException:
            writer.close()
            raise
        return cls(path, reader, writer, welcome, pane, minor, client_name)

    async def _run(self, call: Call[T]) -> T:
        async with self._lock:
            id = self._next_id
            self._next_id += 1
            self._writer.write(request_line(id, call.method, call.params, self.caller_pane))
            await self._writer.drain()
            line = await self._reader.readline()
        if not line.endswith(b"\n"):
            raise ConnectError("lost connection to the server")
        return call.convert(_reply_result(json.loads(line), id))

    async def watch(self, target: Optional[str] = None, text: Optional[str] = None, *,
                    history: bool = False, idle: Optional[float] = None, exit: bool = False,
                    prompt: bool = False, state: Optional[str] = None,
                    since: Optional[int] = None, read: bool = False,
                    timeout: Optional[float] = None) -> AsyncIterator[WaitOutcome]:
        """Waits again and again on pane `target`, as an async iterator of `WaitOutcome`: each wait
        starts at the previous outcome's `seq` (the first at `since`), so every outcome is about
        newer output (a new match, a new quiet period, a new prompt). Arguments as `wait`;
        `timeout` applies to each wait and raises `Timeout`. Ends with the pane's exit (after
        yielding the `exit` outcome when `exit` is set)."""
        while True:
            out = await self.wait(target, text, history=history, idle=idle, exit=exit,
                                  prompt=prompt, state=state, since=since, read=read,
                                  timeout=timeout)
            yield out
            if out.condition == "exit" or (not exit and out.state == "exited"):
                return
            since = out.seq

    async def events(self, after: Optional[int] = None,
                     filters: Sequence[str] = ()) -> AsyncIterator[Event]:
        """`events` on a connection of its own, as an async iterator (see `Client.events`)."""
        c = await AsyncClient.connect(self.socket_path, minor=self._minor,
                                      caller=self.caller_pane, client_name=self._client_name)
        try:
            c._writer.write(request_line(1, "events", {"after": after, "filters": list(filters)}))
            await c._writer.drain()
            while True:
                line = await c._reader.readline()
                if not line.endswith(b"\n"):
                    return
                result = _reply_result(json.loads(line), 1)
                if result.get("type") != "event":
                    raise ProtocolError(f"unexpected reply type {result.get('type')!r}")
                yield from_json(Event, result["data"])
        finally:
            await c.close()

    async def close(self) -> None:
        """Closes the connection."""
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (OSError, ConnectionError):
            pass

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
