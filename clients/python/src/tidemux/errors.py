"""Exceptions. Errors the server reports carry its error kind (`kind`: ``not_found``,
``ambiguous``, ``invalid``, ``failed``, ``protocol``, ``timeout``, as the CLI's ``--json``
errors) and the JSON-RPC `code`; each kind has its own subclass."""

from __future__ import annotations

from typing import Any, Dict, Optional, Type


class TidemuxError(Exception):
    """Base of every tidemux error."""

    kind: str = "client"

    def __init__(self, message: str, *, kind: Optional[str] = None, code: Optional[int] = None):
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.code = code


class ConnectError(TidemuxError):
    """The connection could not be made or was lost."""

    kind = "connection"


class NoServer(ConnectError):
    """Nothing listens on the socket."""

    kind = "no_server"


class VersionMismatch(ConnectError):
    """The server speaks no protocol version this client speaks."""

    kind = "version_mismatch"


class ServerError(TidemuxError):
    """An error reply from the server."""


class NotFound(ServerError):
    """A target matched nothing."""

    kind = "not_found"


class Ambiguous(ServerError):
    """A target matched more than one object."""

    kind = "ambiguous"


class InvalidArgument(ServerError):
    """A parameter was out of range or malformed (bad key, bad regex, name taken...)."""

    kind = "invalid"


class Failed(ServerError):
    """The operation failed (process could not start, PTY error...)."""

    kind = "failed"


class ProtocolError(ServerError):
    """The request could not be decoded (unknown method, bad params)."""

    kind = "protocol"


class Timeout(ServerError):
    """A wait gave up. `outcome` holds the `WaitOutcome` when the wait reported one."""

    kind = "timeout"

    def __init__(self, message: str, *, kind: Optional[str] = None, code: Optional[int] = None,
                 outcome: Any = None):
        super().__init__(message, kind=kind, code=code)
        self.outcome = outcome


class Upgraded(ServerError):
    """The server switched to a new binary (`upgrade-server`) while the request waited:
    nothing was lost, send it again."""

    kind = "upgraded"


_BY_KIND: Dict[str, Type[ServerError]] = {
    c.kind: c
    for c in (NotFound, Ambiguous, InvalidArgument, Failed, ProtocolError, Timeout, Upgraded)
}


def from_reply(error: Dict[str, Any]) -> ServerError:
    """The exception for a JSON-RPC error object (``{"code", "message", "data": {"kind"}}``);
    an unknown kind gives a plain `ServerError` carrying it."""
    kind = str((error.get("data") or {}).get("kind", "failed"))
    cls = _BY_KIND.get(kind, ServerError)
    return cls(str(error.get("message", "")), kind=kind, code=error.get("code"))
