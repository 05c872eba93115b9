"""Socket discovery, exactly as the CLI does it (`crates/tidemux-client/src/paths.rs`).

``-S PATH`` (`path`), else ``-L NAME`` (`name`) inside the per-user directory
(``$TIDEMUX_TMPDIR``, else ``$XDG_RUNTIME_DIR/tidemux``, else ``/tmp/tidemux-$UID``), else
``$TIDEMUX_SOCKET``, else inside a pane the socket named by ``$TIDEMUX``, else ``default`` in the
per-user directory.
"""

from __future__ import annotations

import os
from typing import Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


def _env(k: str) -> Optional[str]:
    v = os.environ.get(k)
    return v if v else None


def socket_dir() -> str:
    """The per-user socket directory (not created)."""
    d = _env("TIDEMUX_TMPDIR")
    if d:
        return d
    d = _env("XDG_RUNTIME_DIR")
    if d:
        return os.path.join(d, "tidemux")
    return f"/tmp/tidemux-{os.getuid()}"


def _socket_of_pane_env() -> Optional[str]:
    t = os.environ.get("TIDEMUX")
    if not t:
        return None
    parts = t.rsplit(",", 2)
    if len(parts) != 3 or not parts[0]:
        return None
    return parts[0]


def resolve_socket(path: Optional[PathLike] = None, name: Optional[str] = None) -> str:
    """The absolute socket path for `path` (``-S``) or `name` (``-L``) or the environment.

    Raises `ValueError` for a bad name (empty or containing ``/``)."""
    if path is not None:
        p = os.fspath(path)
    elif name is not None:
        if not name or "/" in name:
            raise ValueError(f"bad socket name '{name}': it must be non-empty and contain no '/'")
        p = os.path.join(socket_dir(), name)
    else:
        p = _env("TIDEMUX_SOCKET") or _socket_of_pane_env() or os.path.join(socket_dir(), "default")
    return os.path.abspath(p)


def caller_pane(socket: str) -> Optional[str]:
    """The pane this process runs in (``$TIDEMUX_PANE``) if ``$TIDEMUX`` names `socket`."""
    if _socket_of_pane_env() != socket:
        return None
    return _env("TIDEMUX_PANE")
