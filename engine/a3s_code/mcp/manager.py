"""McpManager: the servers one agent (or one session) is connected to, by name."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from ..tools.base import Tool
from .adapter import tools_for
from .connection import CallOutcome, McpConnection, McpError, McpServerSpec, McpToolInfo, State
from .transport import McpTransport

if TYPE_CHECKING:
    from ..config import AgentConfig

__all__ = ["McpError", "McpManager", "McpServerSpec", "McpToolInfo", "ServerStatus"]


class ServerStatus(TypedDict):
    """One server in ``McpManager.status()`` (and ``session.mcp_status()``)."""

    state: State
    transport: Literal["http", "stdio"]
    tools: list[str]
    """The server's tool names, unprefixed."""
    tool_count: int
    starts: int
    """How many times it was started (restarts included)."""
    last_error: str | None


class McpManager:
    """Servers are registered by name and started on demand; a failed one restarts on next use."""

    def __init__(self, servers: Iterable[McpServerSpec] = (), transport: McpTransport | None = None) -> None:
        self._conns: dict[str, McpConnection] = {}
        self.transport = transport
        """How servers are reached (``McpTransport``); None: ``StdioTransport``."""
        for spec in servers:
            self.register(spec)

    @classmethod
    def from_config(cls, config: AgentConfig) -> McpManager:
        """The enabled ``mcp_servers`` blocks of an ``AgentConfig``."""
        return cls(McpServerSpec.from_config(c) for c in config.mcp_servers if c.enabled)

    def register(self, spec: McpServerSpec, *, replace: bool = False) -> None:
        if spec.name in self._conns and not replace:
            raise McpError(f"MCP server {spec.name!r} is already registered")
        self._conns[spec.name] = McpConnection(spec, self.transport)

    def names(self) -> list[str]:
        return list(self._conns)

    def __contains__(self, name: object) -> bool:
        return name in self._conns

    def _get(self, name: str) -> McpConnection:
        try:
            return self._conns[name]
        except KeyError:
            known = ", ".join(self._conns) or "none"
            raise McpError(f"no MCP server named {name!r} (registered: {known})") from None

    async def connect(self, name: str) -> list[McpToolInfo]:
        """Start ``name`` if needed; its tools. Raises ``McpError`` if it cannot start."""
        conn = self._get(name)
        await conn.ensure_started()
        return list(conn.tools)

    async def start_all(self) -> dict[str, str | None]:
        """Start every server concurrently; per server, None or the error (never raises)."""
        names = list(self._conns)
        results = await asyncio.gather(*(self.connect(n) for n in names), return_exceptions=True)
        return {
            n: (str(r) if isinstance(r, BaseException) else None) for n, r in zip(names, results, strict=True)
        }

    async def call(self, server: str, tool: str, args: dict[str, Any]) -> CallOutcome:
        return await self._get(server).call(tool, args)

    def tool_infos(self, name: str) -> list[McpToolInfo]:
        """The tools ``name`` listed when it last started (empty if it never did)."""
        return list(self._get(name).tools)

    def tools(self, name: str | None = None) -> list[Tool[Any]]:
        """Engine tools (``mcp__server__tool``) for one server, or for all that listed tools."""
        names = [name] if name is not None else list(self._conns)
        out: list[Tool[Any]] = []
        for n in names:
            out += tools_for(self, n, self._get(n).tools)
        return out

    async def remove(self, name: str) -> bool:
        conn = self._conns.pop(name, None)
        if conn is None:
            return False
        await conn.stop()
        return True

    def status(self) -> dict[str, ServerStatus]:
        """Per server: state, transport, tool names, restarts and the last error."""
        return {
            name: {
                "state": c.state,
                "transport": "http" if c.spec.url else "stdio",
                "tools": [t.name for t in c.tools],
                "tool_count": len(c.tools),
                "starts": c.starts,
                "last_error": c.last_error,
            }
            for name, c in self._conns.items()
        }

    async def close(self) -> None:
        await asyncio.gather(*(c.stop() for c in self._conns.values()), return_exceptions=True)
