"""Dataclasses for what the server returns, mirroring `crates/tidemux-proto` (`info.rs`,
`msg.rs`; JSON Schemas in `docs/api/`).

Every field has a default so that a reply from an older server (missing a newer field) still
converts; fields a newer server adds are ignored. Ids are strings as tmux prints them
(`"$0"`, `"@1"`, `"%2"`).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, TypeVar

T = TypeVar("T")


@dataclass
class ExitInfo:
    """How a pane's process ended: `code` (0-255) for a normal exit, else `signal`
    (e.g. ``"Killed"``)."""

    code: Optional[int] = None
    signal: Optional[str] = None


@dataclass
class SessionInfo:
    """One session, as `list-sessions` reports it."""

    id: str = ""
    name: str = ""
    windows: int = 0
    active_window: str = ""
    created: int = 0
    """Creation time, seconds since the Unix epoch."""
    attached: int = 0


@dataclass
class WindowInfo:
    """One window, as `list-windows` reports it."""

    id: str = ""
    session: str = ""
    session_name: str = ""
    index: int = 0
    name: str = ""
    cols: int = 0
    rows: int = 0
    active: bool = False
    panes: int = 0
    active_pane: str = ""


@dataclass
class Process:
    """A process as seen in /proc."""

    pid: int = 0
    name: str = ""


@dataclass
class PaneInfo:
    """One pane, as `list-panes` reports it (`docs/cli.md` describes every field)."""

    id: str = ""
    name: Optional[str] = None
    window: str = ""
    window_index: int = 0
    window_name: str = ""
    session: str = ""
    session_name: str = ""
    index: int = 0
    cols: int = 0
    rows: int = 0
    left: int = 0
    top: int = 0
    active: bool = False
    command: str = ""
    pid: Optional[int] = None
    dead: bool = False
    exit: Optional[ExitInfo] = None
    title: str = ""
    seq: int = 0
    """Output sequence number: bytes of PTY output parsed so far."""
    bells: int = 0
    history_lines: int = 0
    history_limit: int = 0
    history_bytes: int = 0
    state: str = ""
    """``running``, ``idle``, ``waiting-input`` or ``exited``."""
    foreground: Optional[Process] = None
    cwd: Optional[str] = None
    quiet_secs: float = 0.0
    bell: bool = False
    attention: bool = False
    attention_message: Optional[str] = None


@dataclass
class Cursor:
    """Cursor position (0-based) and visibility."""

    row: int = 0
    col: int = 0
    visible: bool = True


@dataclass
class ScreenCapture:
    """A capture (`read-screen`): `lines[0]` is line `first_line` (0 = top visible row,
    negative = history)."""

    pane: str = ""
    cols: int = 0
    rows: int = 0
    first_line: int = 0
    lines: List[str] = field(default_factory=list)
    cursor: Cursor = field(default_factory=Cursor)
    title: str = ""
    alternate_screen: bool = False
    seq: int = 0
    dead: bool = False

    @property
    def text(self) -> str:
        """The lines joined by newlines, trailing empty lines removed."""
        lines = list(self.lines)
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)


@dataclass
class Identity:
    """Who a caller is (`identify`)."""

    socket: str = ""
    server_pid: int = 0
    pane: PaneInfo = field(default_factory=PaneInfo)


@dataclass
class Created:
    """What a creation made."""

    session: str = ""
    session_name: str = ""
    window: str = ""
    pane: str = ""
    pid: Optional[int] = None


@dataclass
class Sent:
    """What `send` / `send-key` wrote: `seq` is the pane's output sequence number just before
    the write (pass it as `since` to a wait)."""

    pane: str = ""
    bytes: int = 0
    seq: int = 0


@dataclass
class WaitOutcome:
    """How a wait ended. `condition` is ``text``, ``idle``, ``exit``, ``prompt`` or
    ``state`` (None on timeout)."""

    pane: str = ""
    condition: Optional[str] = None
    timed_out: bool = False
    seq: int = 0
    matched: Optional[str] = None
    row: Optional[int] = None
    exit: Optional[ExitInfo] = None
    state: str = ""
    sent: Optional[Sent] = None
    screen: Optional[ScreenCapture] = None


@dataclass
class Event:
    """One event (`events`); fields that do not apply to its `kind` are None."""

    seq: int = 0
    time_ms: int = 0
    kind: str = ""
    session: Optional[str] = None
    window: Optional[str] = None
    pane: Optional[str] = None
    name: Optional[str] = None
    exit: Optional[ExitInfo] = None
    state: Optional[str] = None
    previous_state: Optional[str] = None
    message: Optional[str] = None
    output_seq: Optional[int] = None


@dataclass
class ServerInfo:
    """Server identity (`server-info`)."""

    version: str = ""
    protocol: int = 0
    pid: int = 0
    socket: str = ""


@dataclass
class Welcome:
    """The server's answer to the version negotiation."""

    version: Optional[int] = None
    minor: int = 0
    encoding: Optional[str] = None
    min_version: int = 0
    max_version: int = 0
    server_version: str = ""
    pid: int = 0
    error: Optional[str] = None


_CONVERTERS: Dict[Any, Callable[[Any], Any]] = {}


def _converter(tp: Any) -> Callable[[Any], Any]:
    if tp in _CONVERTERS:
        return _CONVERTERS[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    conv: Callable[[Any], Any]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        cls: type = tp

        def conv(v: Any) -> Any:
            return None if v is None else from_json(cls, v)
    elif origin is typing.Union and type(None) in args:
        inner = _converter(next(a for a in args if a is not type(None)))
        conv = lambda v: None if v is None else inner(v)  # noqa: E731
    elif origin in (list, List):
        item = _converter(args[0]) if args else (lambda v: v)
        conv = lambda v: [item(x) for x in v]  # noqa: E731
    elif origin in (tuple, Tuple):
        conv = tuple
    else:
        conv = lambda v: v  # noqa: E731
    _CONVERTERS[tp] = conv
    return conv


_FIELDS: Dict[type, List[Tuple[str, Callable[[Any], Any]]]] = {}


def from_json(cls: Type[T], data: Dict[str, Any]) -> T:
    """Builds dataclass `cls` from a JSON object: unknown keys are ignored, missing ones keep
    their defaults."""
    fields = _FIELDS.get(cls)
    if fields is None:
        hints = typing.get_type_hints(cls)
        fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        _FIELDS[cls] = fields
    kw = {name: conv(data[name]) for name, conv in fields if name in data}
    return cls(**kw)
