"""An MCP server whose ``stall`` tool never answers; ``ping`` works."""

from __future__ import annotations

import os

import anyio
from mcp.server.mcpserver import MCPServer

server = MCPServer("hangs")


@server.tool(description="Answer pong.")
def ping() -> str:
    return f"pong from {os.getpid()}"


@server.tool(description="Never return.")
async def stall() -> str:
    await anyio.sleep(3600)
    return "unreachable"


if __name__ == "__main__":
    server.run()
