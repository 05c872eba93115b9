"""tidemux: a Python client for the tidemux socket API (standard library only).

    from tidemux import Client
    with Client() as c:                      # socket found as the CLI finds it
        pane = c.new_session("work").pane
        out = c.send(pane, "make test", enter=True,
                     wait=wait_spec(r"^(PASS|FAIL)", read=True), timeout=600)
        print(out.screen.text)

`AsyncClient` offers the same methods as coroutines; `Server.start()` starts a private server.
The protocol is described in docs/api.md of the tidemux repository.
"""

from ._commands import Call, wait_spec
from ._protocol import PROTOCOL_MINOR, PROTOCOL_VERSION
from ._types import (
    Created,
    Cursor,
    Event,
    ExitInfo,
    Identity,
    PaneInfo,
    Process,
    ScreenCapture,
    Sent,
    ServerInfo,
    SessionInfo,
    WaitOutcome,
    Welcome,
    WindowInfo,
)
from .aio import AsyncClient
from .client import Client, EventStream
from .errors import (
    Ambiguous,
    ConnectError,
    Failed,
    InvalidArgument,
    NoServer,
    NotFound,
    ProtocolError,
    ServerError,
    TidemuxError,
    Timeout,
    Upgraded,
    VersionMismatch,
)
from .paths import resolve_socket, socket_dir
from .server import Server

__version__ = "0.1.0"

__all__ = [
    "Ambiguous", "AsyncClient", "Call", "Client", "ConnectError", "Created", "Cursor", "Event",
    "EventStream", "ExitInfo", "Failed", "Identity", "InvalidArgument", "NoServer", "NotFound",
    "PROTOCOL_MINOR", "PROTOCOL_VERSION", "PaneInfo", "Process", "ProtocolError",
    "ScreenCapture", "Sent", "Server", "ServerError", "ServerInfo", "SessionInfo",
    "TidemuxError", "Timeout", "Upgraded", "VersionMismatch", "WaitOutcome", "Welcome", "WindowInfo",
    "resolve_socket", "socket_dir", "wait_spec",
]
