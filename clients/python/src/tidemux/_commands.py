"""Every command of the server as a method, written once for both clients.

`_Commands` is used by the blocking `Client`; `_async_commands.py` is generated from this file
by ``clients/python/gen_async.py`` (``def`` becomes ``async def``, ``self._run(...)`` is
awaited) for `AsyncClient`. Edit this file, then run ``python3 clients/python/gen_async.py``.

Targets are strings as on the command line: ``%N``, ``@N``, ``$N``, ``SESSION``,
``SESSION:WINDOW``, ``SESSION:WINDOW.PANE`` or a pane name; None means the default (the caller's
pane, else the most recently used session's active pane). Timeouts are in seconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Type, TypeVar, Union

from ._types import (
    Created,
    Identity,
    PaneInfo,
    ScreenCapture,
    Sent,
    ServerInfo,
    SessionInfo,
    WaitOutcome,
    WindowInfo,
    from_json,
)
from .errors import ProtocolError, Timeout

T = TypeVar("T")

Command = Union[str, Sequence[str], None]


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: JSON-RPC `method`, its `params` (None: no params) and how to turn the
    reply's ``result`` (``{"type": ..., "data": ...}``) into the value returned."""

    method: str
    params: Optional[Dict[str, Any]]
    convert: Callable[[Dict[str, Any]], T]


def _data(result: Dict[str, Any], *types: str) -> Any:
    if result.get("type") not in types:
        raise ProtocolError(f"unexpected reply type {result.get('type')!r}, expected {types}")
    return result.get("data")


def _ok(result: Dict[str, Any]) -> None:
    _data(result, "ok")


def _one(cls: Type[T], type_name: str) -> Callable[[Dict[str, Any]], T]:
    def conv(r: Dict[str, Any]) -> T:
        return from_json(cls, _data(r, type_name))
    return conv


def _many(cls: Type[T], type_name: str) -> Callable[[Dict[str, Any]], List[T]]:
    def conv(r: Dict[str, Any]) -> List[T]:
        return [from_json(cls, x) for x in _data(r, type_name)]
    return conv


def _ms(seconds: Optional[float]) -> Optional[int]:
    return None if seconds is None else int(round(seconds * 1000))


def _spawn(command: Command, cwd: Optional[str], env: Optional[Mapping[str, str]]) -> Dict[str, Any]:
    argv: List[str] = [] if command is None else [command] if isinstance(command, str) else list(command)
    return {
        "command": argv,
        "cwd": cwd,
        "client_cwd": os.getcwd(),
        "env": [[k, v] for k, v in (env or {}).items()],
    }


def wait_spec(text: Optional[str] = None, *, history: bool = False, idle: Optional[float] = None,
              exit: bool = False, prompt: bool = False, state: Optional[str] = None,
              since: Optional[int] = None, read: bool = False) -> Dict[str, Any]:
    """The ``WaitSpec`` object of a wait: it ends when any condition holds.

    `text` a regex over the visible screen (`history`: and history); `idle` seconds without a
    change of the rendered screen; `exit` the process exited; `prompt` a shell prompt (OSC 133);
    `state` one of ``running``, ``idle``, ``waiting-input``, ``exited``; `since` only what
    happened after this output sequence number; `read` also return the screen."""
    spec: Dict[str, Any] = {"history": history, "exit": exit, "prompt": prompt, "read": read}
    if text is not None:
        spec["text"] = text
    if idle is not None:
        spec["idle_ms"] = _ms(idle)
    if state is not None:
        spec["state"] = state
    if since is not None:
        spec["since"] = since
    return spec


def _waited(raise_on_timeout: bool) -> Callable[[Dict[str, Any]], WaitOutcome]:
    def conv(r: Dict[str, Any]) -> WaitOutcome:
        w = from_json(WaitOutcome, _data(r, "waited"))
        if w.timed_out and raise_on_timeout:
            raise Timeout(f"timed out; pane {w.pane} is at seq {w.seq} (state {w.state})",
                          kind="timeout", outcome=w)
        return w
    return conv


def _sent_or_waited(raise_on_timeout: bool) -> Callable[[Dict[str, Any]], Union[Sent, WaitOutcome]]:
    waited = _waited(raise_on_timeout)

    def conv(r: Dict[str, Any]) -> Union[Sent, WaitOutcome]:
        if r.get("type") == "waited":
            return waited(r)
        return from_json(Sent, _data(r, "sent"))
    return conv


def _range(lines: Optional[int], history: bool, start: Optional[int], end: Optional[int]) -> Any:
    if start is not None or end is not None:
        return {"span": {"start": start, "end": end}}
    if history:
        return "history"
    if lines is not None:
        return {"lines": lines}
    return "visible"


class _Commands:
    """The commands; `_run` sends one `Call` and returns its converted result."""

    def _run(self, call: Call[T]) -> T:  # pragma: no cover - provided by the client classes
        raise NotImplementedError

    def call(self, method: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Any request by method name (for methods newer than this client): returns the raw
        ``result`` object (``{"type": ..., "data": ...}``)."""
        return self._run(Call(method, params, lambda r: r))

    def new_session(self, name: Optional[str] = None, command: Command = None, *,
                    window_name: Optional[str] = None, cwd: Optional[str] = None,
                    env: Optional[Mapping[str, str]] = None, cols: Optional[int] = None,
                    rows: Optional[int] = None, history_limit: Optional[int] = None,
                    remain_on_exit: bool = False) -> Created:
        """`new-session -d`: a session with one window and one pane running `command`
        (default: ``$SHELL``; one string with spaces runs through ``/bin/sh -c``)."""
        return self._run(Call("new-session", {
            "name": name, "window_name": window_name, "spawn": _spawn(command, cwd, env),
            "cols": cols, "rows": rows, "history_limit": history_limit,
            "remain_on_exit": remain_on_exit,
        }, _one(Created, "created")))

    def new_window(self, target: Optional[str] = None, command: Command = None, *,
                   name: Optional[str] = None, cwd: Optional[str] = None,
                   env: Optional[Mapping[str, str]] = None, detached: bool = False) -> Created:
        """`new-window`: a window in session `target`."""
        return self._run(Call("new-window", {
            "target": target, "name": name, "spawn": _spawn(command, cwd, env),
            "detached": detached,
        }, _one(Created, "created")))

    def split_window(self, target: Optional[str] = None, command: Command = None, *,
                     horizontal: bool = False, size: Union[int, str, None] = None,
                     cwd: Optional[str] = None, env: Optional[Mapping[str, str]] = None,
                     detached: bool = False) -> Created:
        """`split-window`: split pane `target`, below it (or beside it with `horizontal`);
        `size` in cells (int) or percent (``"30%"``)."""
        sz: Any = None
        if isinstance(size, str) and size.endswith("%"):
            sz = {"percent": int(size[:-1])}
        elif size is not None:
            sz = {"cells": int(size)}
        return self._run(Call("split-window", {
            "target": target, "direction": "horizontal" if horizontal else "vertical",
            "size": sz, "spawn": _spawn(command, cwd, env), "detached": detached,
        }, _one(Created, "created")))

    def list_sessions(self) -> List[SessionInfo]:
        """`list-sessions`."""
        return self._run(Call("list-sessions", None, _many(SessionInfo, "sessions")))

    def list_windows(self, target: Optional[str] = None, *, all: bool = False) -> List[WindowInfo]:
        """`list-windows` of session `target` (every session's with `all`)."""
        return self._run(Call("list-windows", {"target": target, "all": all},
                              _many(WindowInfo, "windows")))

    def list_panes(self, target: Optional[str] = None, *, all: bool = False) -> List[PaneInfo]:
        """`list-panes` of window or session `target` (every pane with `all`)."""
        return self._run(Call("list-panes", {"target": target, "all": all},
                              _many(PaneInfo, "panes")))

    def send(self, target: Optional[str], text: str, *, enter: bool = False,
             submit_delay: Optional[float] = None, wait: Optional[Dict[str, Any]] = None,
             timeout: Optional[float] = None, raise_on_timeout: bool = True
             ) -> Union[Sent, WaitOutcome]:
        """`send`: type `text` literally (then Enter with `enter`). With `wait` (a
        `wait_spec(...)`), also wait for it, considering only output after the send, and return
        the `WaitOutcome` (its `sent` says what was written; its `screen` the screen with
        ``read=True``): send, wait and read in one round trip. A timeout raises `Timeout`
        unless `raise_on_timeout` is False."""
        return self._run(Call("send", {
            "target": target, "text": text, "enter": enter,
            "submit_delay_ms": _ms(submit_delay), "wait": wait, "timeout_ms": _ms(timeout),
        }, _sent_or_waited(raise_on_timeout)))

    def send_key(self, target: Optional[str], *keys: str, count: int = 1) -> Sent:
        """`send-key`: press keys by tmux name (``Enter``, ``C-c``, ``M-Up``...), `count`
        times."""
        return self._run(Call("send-key", {"target": target, "keys": list(keys), "count": count},
                              _one(Sent, "sent")))

    def read_screen(self, target: Optional[str] = None, *, ansi: bool = False,
                    lines: Optional[int] = None, history: bool = False,
                    start: Optional[int] = None, end: Optional[int] = None) -> ScreenCapture:
        """`read-screen`: the visible screen; the last `lines` lines of history and the screen;
        all of `history`; or tmux-style `start`/`end` lines. `ansi` keeps SGR attributes."""
        return self._run(Call("read-screen", {
            "target": target, "range": _range(lines, history, start, end), "ansi": ansi,
        }, _one(ScreenCapture, "screen")))

    def wait(self, target: Optional[str] = None, text: Optional[str] = None, *,
             history: bool = False, idle: Optional[float] = None, exit: bool = False,
             prompt: bool = False, state: Optional[str] = None, since: Optional[int] = None,
             read: bool = False, timeout: Optional[float] = None,
             raise_on_timeout: bool = True) -> WaitOutcome:
        """`wait`: until any condition holds (see `wait_spec`). A timeout raises `Timeout`
        (carrying the outcome) unless `raise_on_timeout` is False."""
        spec = wait_spec(text, history=history, idle=idle, exit=exit, prompt=prompt,
                         state=state, since=since, read=read)
        return self._run(Call("wait", {"target": target, "spec": spec, "timeout_ms": _ms(timeout)},
                              _waited(raise_on_timeout)))

    def wait_for(self, channel: str, *, signal: bool = False,
                 timeout: Optional[float] = None) -> None:
        """`wait-for`: block until `channel` is signalled (or signal it with `signal`)."""
        return self._run(Call("wait-for", {"channel": channel, "signal": signal,
                                           "timeout_ms": _ms(timeout)}, _ok))

    def kill_pane(self, target: Optional[str] = None) -> None:
        """`kill-pane`."""
        return self._run(Call("kill-pane", {"target": target}, _ok))

    def kill_window(self, target: Optional[str] = None) -> None:
        """`kill-window`."""
        return self._run(Call("kill-window", {"target": target}, _ok))

    def kill_session(self, target: Optional[str] = None) -> None:
        """`kill-session`."""
        return self._run(Call("kill-session", {"target": target}, _ok))

    def kill_server(self) -> None:
        """`kill-server`: kill every pane and stop the server."""
        return self._run(Call("kill-server", None, _ok))

    def rename_session(self, target: Optional[str], name: str) -> None:
        """`rename-session`."""
        return self._run(Call("rename-session", {"target": target, "name": name}, _ok))

    def rename_window(self, target: Optional[str], name: str) -> None:
        """`rename-window`."""
        return self._run(Call("rename-window", {"target": target, "name": name}, _ok))

    def rename_pane(self, target: Optional[str], name: str) -> None:
        """`rename-pane`: the name becomes a valid target."""
        return self._run(Call("rename-pane", {"target": target, "name": name}, _ok))

    def select_window(self, target: Optional[str] = None) -> None:
        """`select-window`."""
        return self._run(Call("select-window", {"target": target}, _ok))

    def select_pane(self, target: Optional[str] = None) -> None:
        """`select-pane`."""
        return self._run(Call("select-pane", {"target": target}, _ok))

    def resize_window(self, target: Optional[str] = None, *, cols: Optional[int] = None,
                      rows: Optional[int] = None) -> None:
        """`resize-window` to `cols` x `rows` cells."""
        return self._run(Call("resize-window", {"target": target, "cols": cols, "rows": rows},
                              _ok))

    def zoom_pane(self, target: Optional[str] = None) -> None:
        """`zoom-pane`: toggle zoom."""
        return self._run(Call("zoom-pane", {"target": target}, _ok))

    def cycle_window(self, target: Optional[str] = None, offset: int = 1) -> None:
        """Select the next (1) or previous (-1) window of a session."""
        return self._run(Call("cycle-window", {"target": target, "offset": offset}, _ok))

    def notify(self, target: Optional[str], message: str = "", *, clear: bool = False) -> None:
        """`notify`: set (or `clear`) a pane's attention flag."""
        return self._run(Call("notify", {"target": target, "message": message, "clear": clear},
                              _ok))

    def detach_client(self, target: Optional[str] = None, client: Optional[int] = None) -> None:
        """`detach-client`: detach a session's attached clients (or one)."""
        return self._run(Call("detach-client", {"target": target, "client": client}, _ok))

    def has_session(self, target: Optional[str] = None) -> bool:
        """`has-session`."""
        return self._run(Call("has-session", {"target": target},
                              lambda r: bool(_data(r, "exists"))))

    def status(self, target: Optional[str] = None) -> List[PaneInfo]:
        """`status`: what every pane (or those of window or session `target`) is doing; the
        `state`, `foreground`, `quiet_secs` and flag fields of each `PaneInfo`."""
        return self._run(Call("list-panes", {"target": target, "all": target is None},
                              _many(PaneInfo, "panes")))

    def identify(self) -> Identity:
        """`identify`: the caller's pane (needs ``$TIDEMUX_PANE``)."""
        return self._run(Call("identify", None, _one(Identity, "identity")))

    def server_info(self) -> ServerInfo:
        """The server's version, protocol, pid and socket."""
        return self._run(Call("server-info", None, _one(ServerInfo, "server")))
