"""MCP: external tool servers (stdio or streamable HTTP) whose tools become ``mcp__{server}__{tool}``.

Nothing here imports the ``mcp`` SDK at module level; it loads when a server is first started.
"""

from __future__ import annotations

from .adapter import McpTool, mcp_tool_name, tools_for
from .manager import McpError, McpManager, McpServerSpec, McpToolInfo
from .transport import McpTransport, StdioTransport

__all__ = [
    "McpError",
    "McpManager",
    "McpServerSpec",
    "McpTool",
    "McpToolInfo",
    "McpTransport",
    "StdioTransport",
    "mcp_tool_name",
    "tools_for",
]
