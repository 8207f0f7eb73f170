"""An MCP server that dies (exit code 3) when its ``die`` tool is called; ``ping`` works."""

from __future__ import annotations

import os
import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("crashy")


@server.tool(description="Answer pong.")
def ping() -> str:
    return f"pong from {os.getpid()}"


@server.tool(description="Crash the server process.")
def die() -> str:
    print("crashy: about to die", file=sys.stderr, flush=True)
    os._exit(3)


if __name__ == "__main__":
    server.run()
