"""``a3s-lsp --acp``: the engine behind the Agent Client Protocol (newline-delimited JSON on stdio).

ACP frames are one JSON object per line, not LSP's ``Content-Length`` frames, so this is a separate
mode of the same executable. As in LSP mode, file descriptor 1 is reserved for the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from typing import IO

from .agent import A3SAcpAgent

__all__ = ["A3SAcpAgent", "serve"]


class _Out(asyncio.streams.FlowControlMixin, asyncio.Protocol):
    """A write-pipe protocol StreamWriter can drain on."""


async def _streams(out: IO[bytes]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    protocol = _Out()
    transport, _ = await loop.connect_write_pipe(lambda: protocol, out)
    return reader, asyncio.StreamWriter(transport, protocol, None, loop)


async def _serve(config: str | None, out: IO[bytes]) -> None:
    from acp import run_agent

    agent = A3SAcpAgent(config)
    reader, writer = await _streams(out)
    try:
        await run_agent(agent, writer, reader)
    finally:
        await agent.shutdown()


def serve(config: str | None) -> None:
    """Serve ACP on stdin/stdout until the client closes stdin."""
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print or child process cannot corrupt the stream
    sys.stdout = sys.stderr
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(config, protocol_out))
