"""The bytes on the wire (`docs/protocol.md`): an 8-byte hello, one JSON negotiation line each
way, then newline-delimited JSON-RPC 2.0."""

from __future__ import annotations

import json
import struct
from typing import Any, Dict, Optional

MAGIC = b"TDMX"
HELLO_VERSION = 2
"""The number in the 8-byte hello of every negotiating peer (fixed)."""
PROTOCOL_VERSION = 2
"""Protocol major version this client speaks."""
PROTOCOL_MINOR = 0
"""Minor version of this client's protocol (fields and methods it knows)."""
HELLO = MAGIC + struct.pack("<I", HELLO_VERSION)


def negotiation_line(minor: int = PROTOCOL_MINOR, client: str = "tidemux-py") -> bytes:
    """The client's negotiation line (`docs/api/hello.schema.json`)."""
    return _dumps({
        "min_version": PROTOCOL_VERSION,
        "max_version": PROTOCOL_VERSION,
        "minor": minor,
        "encoding": "json",
        "client": client,
    })


def parse_hello(b: bytes) -> int:
    """The number in the server's hello; raises `ValueError` if it is not a tidemux peer."""
    if len(b) != 8 or b[:4] != MAGIC:
        raise ValueError(f"not a tidemux server (hello {b!r})")
    return int(struct.unpack("<I", b[4:])[0])


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def request_line(id: int, method: str, params: Optional[Dict[str, Any]],
                 caller_pane: Optional[str] = None) -> bytes:
    """One JSON-RPC request line (`docs/api/request.schema.json`)."""
    obj: Dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        obj["params"] = params
    if caller_pane is not None:
        obj["caller_pane"] = caller_pane
    return _dumps(obj)
