#!/usr/bin/env python3
"""Generates src/tidemux/_async_commands.py from src/tidemux/_commands.py (see its docstring).
With --check, exits 1 if the generated file is out of date (the test suite runs that)."""

import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent / "src" / "tidemux"


def generate() -> str:
    src = (HERE / "_commands.py").read_text()
    start = src.index("class _Commands:")
    body = src[start:]
    body = body.replace("class _Commands:", "class _AsyncCommands:", 1)
    body = body.replace('"""The commands; `_run` sends one `Call` and returns its converted result."""',
                        '"""The commands as coroutines; `_run` awaits one `Call`."""', 1)
    body = re.sub(r"(?m)^    def (?!_run)", "    async def ", body)
    body = re.sub(r"(?m)^    def _run\(self, call: Call\[T\]\) -> T:", "    async def _run(self, call: Call[T]) -> T:", body)
    body = body.replace("return self._run(", "return await self._run(")
    header = ('"""Generated from _commands.py by clients/python/gen_async.py: do not edit."""\n\n'
              "from __future__ import annotations\n\n"
              "from typing import Any, Dict, List, Mapping, Optional, Union\n\n"
              "from ._commands import (Call, Command, T, _data, _many, _ms, _ok, _one, _range,\n"
              "                        _sent_or_waited, _spawn, _waited, wait_spec)\n"
              "from ._types import (Created, Identity, PaneInfo, ScreenCapture, Sent, ServerInfo,\n"
              "                     SessionInfo, WaitOutcome, WindowInfo, from_json)\n\n\n")
    return header + body


def main() -> int:
    out = HERE / "_async_commands.py"
    text = generate()
    if "--check" in sys.argv:
        if not out.exists() or out.read_text() != text:
            print(f"{out} is out of date: run python3 clients/python/gen_async.py", file=sys.stderr)
            return 1
        return 0
    out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
