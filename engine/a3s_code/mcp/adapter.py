"""An MCP server's tool as an engine Tool: ``mcp__{server}__{tool}``, the server's own JSON schema.

The schema is passed to the model untouched; arguments are validated by the server, not by
pydantic (the parameter model accepts anything that is a JSON object).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict

from ..llm.base import ToolSpec
from ..messages import ImageBlock
from ..tools.base import Lane, Tool, ToolContext, ToolParams, ToolResult
from .connection import McpError, McpToolInfo

if TYPE_CHECKING:
    from .manager import McpManager

MAX_OUTPUT = 100_000
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


def mcp_tool_name(server: str, tool: str) -> str:
    return f"mcp__{server}__{tool}"


class McpArgs(ToolParams):
    """Any JSON object: the MCP server validates its own arguments."""

    model_config = ConfigDict(extra="allow")


class McpTool(Tool[McpArgs]):
    """Built per tool by ``tools_for``; ``name`` and ``description`` are set on a subclass."""

    Params: ClassVar[type[ToolParams]] = McpArgs
    lane: ClassVar[Lane] = "execute"
    server: ClassVar[str]
    remote_name: ClassVar[str]
    input_schema: ClassVar[dict[str, Any]]

    def __init__(self, manager: McpManager) -> None:
        self.manager = manager

    def spec(self, model: str | None = None) -> ToolSpec:
        schema = dict(self.input_schema)
        schema.setdefault("type", "object")
        return ToolSpec(name=self.name, description=self.description, input_schema=schema)

    async def run(self, params: McpArgs, ctx: ToolContext) -> ToolResult:
        args = dict(params.model_extra or {})
        try:
            outcome = await self.manager.call(self.server, self.remote_name, args)
        except McpError as exc:
            return ToolResult.error(str(exc), server=self.server)
        text = outcome.text
        if len(text) > MAX_OUTPUT:
            text = text[:MAX_OUTPUT] + f"\n[output cut at {MAX_OUTPUT} characters]"
        images = [
            ImageBlock(media_type=media, data=data)  # type: ignore[arg-type]
            for media, data in outcome.images
            if media in _IMAGE_TYPES
        ]
        if not text and not images:
            text = "(no output)"
        return ToolResult(
            text,
            is_error=outcome.is_error,
            exit_code=1 if outcome.is_error else 0,
            metadata={"server": self.server, "tool": self.remote_name},
            images=images,
        )


def tools_for(manager: McpManager, server: str, infos: list[McpToolInfo]) -> list[Tool[Any]]:
    """One engine tool per MCP tool of ``server``."""
    out: list[Tool[Any]] = []
    for info in infos:
        name = mcp_tool_name(server, info.name)
        cls = type(
            f"McpTool_{server}_{info.name}",
            (McpTool,),
            {
                "name": name,
                "description": info.description or f"Tool '{info.name}' of MCP server '{server}'",
                "server": server,
                "remote_name": info.name,
                "input_schema": info.input_schema,
            },
        )
        out.append(cls(manager))
    return out
