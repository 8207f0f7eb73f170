"""A well-behaved MCP server: arithmetic, echo, an image. ``--http PORT`` serves streamable HTTP."""

from __future__ import annotations

import base64
import sys

from mcp.server.mcpserver import MCPServer
from mcp.types import ImageContent, TextContent

server = MCPServer("good")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@server.tool(description="Add two integers and return the sum.")
def add(a: int, b: int) -> str:
    return str(a + b)


@server.tool(description="Echo the text back, upper-cased.")
def shout(text: str) -> str:
    return text.upper()


@server.tool(description="Fail on purpose with a tool-level error.")
def refuse(reason: str) -> str:
    raise ValueError(f"refused: {reason}")


@server.tool(description="Return a tiny PNG image and a caption.")
def picture() -> list[TextContent | ImageContent]:
    data = base64.b64encode(PNG).decode()
    return [
        TextContent(type="text", text="a 1x1 image"),
        ImageContent(type="image", data=data, mimeType="image/png"),
    ]


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
