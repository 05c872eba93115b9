"""Generated from _commands.py by clients/python/gen_async.py: do not edit."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Union

from ._commands import (Call, Command, T, _data, _many, _ms, _ok, _one, _range,
                        _sent_or_waited, _spawn, _waited, wait_spec)
from ._types import (Created, Identity, PaneInfo, ScreenCapture, Sent, ServerInfo,
                     SessionInfo, WaitOutcome, WindowInfo, from_json)


class _AsyncCommands:
    """The commands as coroutines; `_run` awaits one `Call`."""

    async def _run(self, call: Call[T]) -> T:  # pragma: no cover - provided by the client classes
        raise NotImplementedError

    async def call(self, method: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Any request by method name (for methods newer than this client): returns the raw
        ``result`` object (``{"type": ..., "data": ...}``)."""
        return await self._run(Call(method, params, lambda r: r))

    async def new_session(self, name: Optional[str] = None, command: Command = None, *,
                    window_name: Optional[str] = None, cwd: Optional[str] = None,
                    env: Optional[Mapping[str, str]] = None, cols: Optional[int] = None,
                    rows: Optional[int] = None, history_limit: Optional[int] = None,
                    remain_on_exit: bool = False) -> Created:
        """`new-session -d`: a session with one window and one pane running `command`
        (default: ``$SHELL``; one string with spaces runs through ``/bin/sh -c``)."""
        return await self._run(Call("new-session", {
            "name": name, "window_name": window_name, "spawn": _spawn(command, cwd, env),
            "cols": cols, "rows": rows, "history_limit": history_limit,
            "remain_on_exit": remain_on_exit,
        }, _one(Created, "created")))

    async def new_window(self, target: Optional[str] = None, command: Command = None, *,
                   name: Optional[str] = None, cwd: Optional[str] = None,
                   env: Optional[Mapping[str, str]] = None, detached: bool = False) -> Created:
        """`new-window`: a window in session `target`."""
        return await self._run(Call("new-window", {
            "target": target, "name": name, "spawn": _spawn(command, cwd, env),
            "detached": detached,
        }, _one(Created, "created")))

    async def split_window(self, target: Optional[str] = None, command: Command = None, *,
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
        return await self._run(Call("split-window", {
            "target": target, "direction": "horizontal" if horizontal else "vertical",
            "size": sz, "spawn": _spawn(command, cwd, env), "detached": detached,
        }, _one(Created, "created")))

    async def list_sessions(self) -> List[SessionInfo]:
        """`list-sessions`."""
        return await self._run(Call("list-sessions", None, _many(SessionInfo, "sessions")))

    async def list_windows(self, target: Optional[str] = None, *, all: bool = False) -> List[WindowInfo]:
        """`list-windows` of session `target` (every session's with `all`)."""
        return await self._run(Call("list-windows", {"target": target, "all": all},
                              _many(WindowInfo, "windows")))

    async def list_panes(self, target: Optional[str] = None, *, all: bool = False) -> List[PaneInfo]:
        """`list-panes` of window or session `target` (every pane with `all`)."""
        return await self._run(Call("list-panes", {"target": target, "all": all},
                              _many(PaneInfo, "panes")))

    async def send(self, target: Optional[str], text: str, *, enter: bool = False,
             submit_delay: Optional[float] = None, wait: Optional[Dict[str, Any]] = None,
             timeout: Optional[float] = None, raise_on_timeout: bool = True
             ) -> Union[Sent, WaitOutcome]:
        """`send`: type `text` literally (then Enter with `enter`). With `wait` (a
        `wait_spec(...)`), also wait for it, considering only output after the send, and return
        the `WaitOutcome` (its `sent` says what was written; its `screen` the screen with
        ``read=True``): send, wait and read in one round trip. A timeout raises `Timeout`
        unless `raise_on_timeout` is False."""
        return await self._run(Call("send", {
            "target": target, "text": text, "enter": enter,
            "submit_delay_ms": _ms(submit_delay), "wait": wait, "timeout_ms": _ms(timeout),
        }, _sent_or_waited(raise_on_timeout)))

    async def send_key(self, target: Optional[str], *keys: str, count: int = 1) -> Sent:
        """`send-key`: press keys by tmux name (``Enter``, ``C-c``, ``M-Up``...), `count`
        times."""
        return await self._run(Call("send-key", {"target": target, "keys": list(keys), "count": count},
                              _one(Sent, "sent")))

    async def read_screen(self, target: Optional[str] = None, *, ansi: bool = False,
                    lines: Optional[int] = None, history: bool = False,
                    start: Optional[int] = None, end: Optional[int] = None) -> ScreenCapture:
        """`read-screen`: the visible screen; the last `lines` lines of history and the screen;
        all of `history`; or tmux-style `start`/`end` lines. `ansi` keeps SGR attributes."""
        return await self._run(Call("read-screen", {
            "target": target, "range": _range(lines, history, start, end), "ansi": ansi,
        }, _one(ScreenCapture, "screen")))

    async def wait(self, target: Optional[str] = None, text: Optional[str] = None, *,
             history: bool = False, idle: Optional[float] = None, exit: bool = False,
             prompt: bool = False, state: Optional[str] = None, since: Optional[int] = None,
             read: bool = False, timeout: Optional[float] = None,
             raise_on_timeout: bool = True) -> WaitOutcome:
        """`wait`: until any condition holds (see `wait_spec`). A timeout raises `Timeout`
        (carrying the outcome) unless `raise_on_timeout` is False."""
        spec = wait_spec(text, history=history, idle=idle, exit=exit, prompt=prompt,
                         state=state, since=since, read=read)
        return await self._run(Call("wait", {"target": target, "spec": spec, "timeout_ms": _ms(timeout)},
                              _waited(raise_on_timeout)))

    async def wait_for(self, channel: str, *, signal: bool = False,
                 timeout: Optional[float] = None) -> None:
        """`wait-for`: block until `channel` is signalled (or signal it with `signal`)."""
        return await self._run(Call("wait-for", {"channel": channel, "signal": signal,
                                           "timeout_ms": _ms(timeout)}, _ok))

    async def kill_pane(self, target: Optional[str] = None) -> None:
        """`kill-pane`."""
        return await self._run(Call("kill-pane", {"target": target}, _ok))

    async def kill_window(self, target: Optional[str] = None) -> None:
        """`kill-window`."""
        return await self._run(Call("kill-window", {"target": target}, _ok))

    async def kill_session(self, target: Optional[str] = None) -> None:
        """`kill-session`."""
        return await self._run(Call("kill-session", {"target": target}, _ok))

    async def kill_server(self) -> None:
        """`kill-server`: kill every pane and stop the server."""
        return await self._run(Call("kill-server", None, _ok))

    async def rename_session(self, target: Optional[str], name: str) -> None:
        """`rename-session`."""
        return await self._run(Call("rename-session", {"target": target, "name": name}, _ok))

    async def rename_window(self, target: Optional[str], name: str) -> None:
        """`rename-window`."""
        return await self._run(Call("rename-window", {"target": target, "name": name}, _ok))

    async def rename_pane(self, target: Optional[str], name: str) -> None:
        """`rename-pane`: the name becomes a valid target."""
        return await self._run(Call("rename-pane", {"target": target, "name": name}, _ok))

    async def select_window(self, target: Optional[str] = None) -> None:
        """`select-window`."""
        return await self._run(Call("select-window", {"target": target}, _ok))

    async def select_pane(self, target: Optional[str] = None) -> None:
        """`select-pane`."""
        return await self._run(Call("select-pane", {"target": target}, _ok))

    async def resize_window(self, target: Optional[str] = None, *, cols: Optional[int] = None,
                      rows: Optional[int] = None) -> None:
        """`resize-window` to `cols` x `rows` cells."""
        return await self._run(Call("resize-window", {"target": target, "cols": cols, "rows": rows},
                              _ok))

    async def zoom_pane(self, target: Optional[str] = None) -> None:
        """`zoom-pane`: toggle zoom."""
        return await self._run(Call("zoom-pane", {"target": target}, _ok))

    async def cycle_window(self, target: Optional[str] = None, offset: int = 1) -> None:
        """Select the next (1) or previous (-1) window of a session."""
        return await self._run(Call("cycle-window", {"target": target, "offset": offset}, _ok))

    async def notify(self, target: Optional[str], message: str = "", *, clear: bool = False) -> None:
        """`notify`: set (or `clear`) a pane's attention flag."""
        return await self._run(Call("notify", {"target": target, "message": message, "clear": clear},
                              _ok))

    async def detach_client(self, target: Optional[str] = None, client: Optional[int] = None) -> None:
        """`detach-client`: detach a session's attached clients (or one)."""
        return await self._run(Call("detach-client", {"target": target, "client": client}, _ok))

    async def has_session(self, target: Optional[str] = None) -> bool:
        """`has-session`."""
        return await self._run(Call("has-session", {"target": target},
                              lambda r: bool(_data(r, "exists"))))

    async def status(self, target: Optional[str] = None) -> List[PaneInfo]:
        """`status`: what every pane (or those of window or session `target`) is doing; the
        `state`, `foreground`, `quiet_secs` and flag fields of each `PaneInfo`."""
        return await self._run(Call("list-panes", {"target": target, "all": target is None},
                              _many(PaneInfo, "panes")))

    async def identify(self) -> Identity:
        """`identify`: the caller's pane (needs ``$TIDEMUX_PANE``)."""
        return await self._run(Call("identify", None, _one(Identity, "identity")))

    async def server_info(self) -> ServerInfo:
        """The server's version, protocol, pid and socket."""
        return await self._run(Call("server-info", None, _one(ServerInfo, "server")))
