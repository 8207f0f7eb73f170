"""The built-in tools, one module each."""

from __future__ import annotations

from typing import Any

from .base import Tool, ToolContext, ToolParams, ToolResult
from .registry import ToolRegistry


def builtin_tools() -> list[Tool[Any]]:
    """Fresh instances of every built-in tool."""
    from .bash import BashTool
    from .batch import BatchTool
    from .edit import EditTool
    from .git_worktree import GitWorktreeTool
    from .glob import GlobTool
    from .grep import GrepTool
    from .ls import LsTool
    from .patch import PatchTool
    from .read import ReadTool
    from .task import TaskTool
    from .web_fetch import WebFetchTool
    from .web_search import WebSearchTool
    from .write import WriteTool

    return [
        ReadTool(),
        WriteTool(),
        EditTool(),
        PatchTool(),
        GrepTool(),
        GlobTool(),
        LsTool(),
        BashTool(),
        GitWorktreeTool(),
        WebFetchTool(),
        WebSearchTool(),
        TaskTool(),
        BatchTool(),
    ]


__all__ = ["Tool", "ToolContext", "ToolParams", "ToolRegistry", "ToolResult", "builtin_tools"]
