"""Fixtures: a private real server per test (`Server.start`, binary from $TIDEMUX_BIN).

Run against the installed package: ``pip install ./clients/python`` (or ``-e``), then
``TIDEMUX_BIN=target/debug/tidemux python -m pytest clients/python/tests``."""

from __future__ import annotations

from typing import Iterator

import pytest

from tidemux import Client, Server

SHELL = ["bash", "--norc", "--noprofile"]
PROMPT = r"[$#]$"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def client(server: Server) -> Iterator[Client]:
    c = server.client()
    try:
        yield c
    finally:
        c.close()


def shell(c: Client, name: str = "w") -> str:
    """A session running bash; returns its pane once the prompt is drawn."""
    pane = c.new_session(name, SHELL).pane
    c.wait(pane, PROMPT, timeout=10)
    return pane
