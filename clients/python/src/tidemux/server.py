"""`Server.start()`: a private server for tests and scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from typing import Any, Mapping, Optional

from .aio import AsyncClient
from .client import Client
from .errors import NoServer, TidemuxError


class Server:
    """A tidemux server this process started, on a socket in a private temp directory.

    It runs until `stop()` (or the end of a ``with`` block), `kill-server`, or the end of its
    last session, as any tidemux server."""

    def __init__(self, socket: str, process: "subprocess.Popen[bytes]", tmpdir: Optional[str],
                 log: str) -> None:
        self.socket = socket
        self.process = process
        self.log = log
        self._tmpdir = tmpdir

    @property
    def pid(self) -> int:
        """The server's pid."""
        return self.process.pid

    @classmethod
    def start(cls, binary: Optional[str] = None, *, socket: Optional[str] = None,
              env: Optional[Mapping[str, str]] = None, timeout: float = 10.0) -> "Server":
        """Starts ``BINARY -S SOCKET server`` and waits until it accepts connections.

        `binary`: default ``$TIDEMUX_BIN``, else ``tidemux`` on ``$PATH``. `socket`: default a
        fresh temp directory's ``sock``. `env`: extra environment for the server (and so its
        panes); ``TIDEMUX*`` and ``TMUX*`` are removed from the inherited one. Raises
        `TidemuxError` if the binary is missing or the server does not come up in `timeout`
        seconds (with the end of its log)."""
        exe = binary or os.environ.get("TIDEMUX_BIN") or shutil.which("tidemux")
        if not exe:
            raise TidemuxError("no tidemux binary: pass binary=, set $TIDEMUX_BIN or put tidemux on $PATH")
        tmpdir = None
        if socket is None:
            tmpdir = tempfile.mkdtemp(prefix="tidemux-py-")
            socket = os.path.join(tmpdir, "sock")
        socket = os.path.abspath(socket)
        log = socket + ".log"
        child_env = {k: v for k, v in os.environ.items()
                     if not k.startswith("TIDEMUX") and not k.startswith("TMUX")}
        child_env.update(env or {})
        with open(log, "ab") as logf:
            proc = subprocess.Popen([exe, "-S", socket, "server"], stdin=subprocess.DEVNULL,
                                    stdout=logf, stderr=subprocess.STDOUT, env=child_env,
                                    start_new_session=True)
        server = cls(socket, proc, tmpdir, log)
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                Client(socket, caller=None).close()
                return server
            except NoServer:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                server.stop()
                tail = ""
                try:
                    with open(log, "rb") as f:
                        tail = f.read().decode(errors="replace").strip().splitlines()[-1:][0]
                except (OSError, IndexError):
                    pass
                raise TidemuxError(f"the server on {socket} did not start: {tail}")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def client(self, **kw: Any) -> Client:
        """A new blocking client of this server."""
        kw.setdefault("caller", None)
        return Client(self.socket, **kw)

    async def async_client(self, **kw: Any) -> AsyncClient:
        """A new asyncio client of this server."""
        kw.setdefault("caller", None)
        return await AsyncClient.connect(self.socket, **kw)

    def stop(self, timeout: float = 5.0) -> None:
        """Kills the server (``kill-server``, then SIGKILL if it lingers) and removes its temp
        directory."""
        if self.process.poll() is None:
            try:
                with self.client() as c:
                    c.kill_server()
            except TidemuxError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
