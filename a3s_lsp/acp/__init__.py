"""``a3s-lsp --acp``: the engine behind the Agent Client Protocol (newline-delimited JSON on stdio).

ACP frames are one JSON object per line, not LSP's ``Content-Length`` frames, so this is a separate
mode of the same executable. As in LSP mode, file descriptor 1 is reserved for the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from typing import IO, TYPE_CHECKING, cast

from .agent import A3SAcpAgent

if TYPE_CHECKING:
    from acp import Agent

__all__ = ["A3SAcpAgent", "serve"]


_LIMIT = 64 * 1024 * 1024


class _Out(asyncio.streams.FlowControlMixin, asyncio.Protocol):
    """A write-pipe protocol StreamWriter can drain on."""


async def _streams(out: IO[bytes]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    protocol = _Out()
    transport, _ = await loop.connect_write_pipe(lambda: protocol, out)
    return reader, asyncio.StreamWriter(transport, protocol, None, loop)


async def only_objects(source: asyncio.StreamReader, writer: asyncio.StreamWriter) -> asyncio.StreamReader:
    """A reader that passes on each line holding a JSON object and answers every other line itself.

    The SDK exits on a line that is JSON but not an object (``[]``, ``1``, ``true``, ``"x"``); JSON-RPC
    wants -32600 for those (-32700 for a line that is not JSON), and the next line read as usual."""
    lines = asyncio.StreamReader(limit=_LIMIT)

    def refuse(code: int, message: str) -> None:
        body = {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}
        writer.write(json.dumps(body).encode() + b"\n")

    async def pump() -> None:
        try:
            while line := await source.readline():
                if line.strip():
                    try:
                        value = json.loads(line)
                    except (ValueError, RecursionError) as exc:
                        refuse(-32700, f"Parse error: {exc}")
                        continue
                    if not isinstance(value, dict):
                        refuse(-32600, "Invalid request: expected a JSON object")
                        continue
                lines.feed_data(line)
        except (ValueError, ConnectionError) as exc:  # an over-long line: the SDK reports it the same way
            lines.set_exception(exc)
            return
        lines.feed_eof()

    _pumps.add(task := asyncio.get_running_loop().create_task(pump()))
    task.add_done_callback(_pumps.discard)
    return lines


_pumps: set[asyncio.Task[None]] = set()


async def _serve(config: str | None, out: IO[bytes]) -> None:
    from acp import run_agent

    agent = A3SAcpAgent(config)
    reader, writer = await _streams(out)
    try:
        # The SDK dispatches by method name; methods the agent leaves out answer "method not found".
        # ``use_unstable_protocol``: SDK 0.12 still routes session/resume and session/close only
        # then, though ACP v1 (schema 1.19) made them stable.
        await run_agent(
            cast("Agent", agent), writer, await only_objects(reader, writer), use_unstable_protocol=True
        )
    finally:
        await agent.shutdown()


def serve(config: str | None) -> None:
    """Serve ACP on stdin/stdout until the client closes stdin."""
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print or child process cannot corrupt the stream
    sys.stdout = sys.stderr
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(config, protocol_out))
