"""``McpTransport``: how a session reaches an MCP server (the seed's extension point, default
``StdioTransport``, which also speaks streamable HTTP when the server has a ``url``)."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from .connection import McpServerSpec


class McpTransport(Protocol):
    """``open(spec, errlog)`` returns what the ``mcp`` SDK's ``Client(...)`` accepts as a transport
    (an async context manager of a read and a write stream, or a server object). ``errlog`` is a
    text file the server's stderr may go to: its last lines explain a crash."""

    def open(self, spec: McpServerSpec, errlog: TextIO) -> Any: ...


class StdioTransport:
    """A child process speaking MCP on stdin/stdout, or streamable HTTP for a spec with ``url``."""

    def open(self, spec: McpServerSpec, errlog: TextIO) -> Any:
        if spec.url:
            import httpx2
            from mcp.client.streamable_http import streamable_http_client

            http = httpx2.AsyncClient(headers=spec.headers, timeout=spec.connect_timeout_secs)
            return streamable_http_client(spec.url, http_client=http)
        from mcp import StdioServerParameters
        from mcp.client.stdio import stdio_client

        assert spec.command is not None
        params = StdioServerParameters(
            command=spec.command, args=spec.args, env=spec.env or None, cwd=spec.cwd
        )
        return stdio_client(params, errlog=errlog)


def new_errlog() -> TextIO:
    """Kept open for the connection's life: the server's stderr explains its failures."""
    return tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")


__all__ = ["McpTransport", "StdioTransport"]
