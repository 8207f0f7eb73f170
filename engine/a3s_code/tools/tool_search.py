"""tool_search: the model finds and loads tools that were not sent with its request.

With tool search on, a request carries only the tools that rank for the user's message. When the
model needs another one mid-turn (the user asked to "tell the team" after a fix, and the chat
tools were not sent), it calls ``tool_search`` with a few words; the matching tools are loaded and
every later request carries them, so the model calls one in its next step. This is the shape of
Anthropic's tool search tool for deferred tools (Messages API, "Tool search tool"): search, then
the found definitions join the request.
"""

from __future__ import annotations

from pydantic import Field

from ..errors import ToolError
from ..tool_search.selector import ToolCatalog
from .base import Tool, ToolContext, ToolParams, ToolResult

NOT_ENABLED = "tool search is not enabled for this session, so every tool was already sent"


class ToolSearchParams(ToolParams):
    query: str = Field(
        min_length=1,
        description="What the tool should do, in a few words (e.g. 'post slack message', 'refund payment')",
    )
    limit: int = Field(5, ge=1, le=20, description="How many tools to load (default 5, max 20)")


class ToolSearchTool(Tool[ToolSearchParams]):
    name = "tool_search"
    description = (
        "Find and load more tools. Only some of the available tools were sent with this request; "
        "if none of them fits what you need to do next, call tool_search with a few keywords "
        "(the action and the product, e.g. 'create jira ticket'). The tools found are listed with "
        "their descriptions and can be called from your next step on."
    )
    Params = ToolSearchParams
    lane = "query"

    def __init__(self, catalog: ToolCatalog | None = None) -> None:
        self.catalog = catalog

    async def run(self, params: ToolSearchParams, ctx: ToolContext) -> ToolResult:
        if self.catalog is None:
            raise ToolError(NOT_ENABLED)
        matches = self.catalog.search(params.query, params.limit)
        if not matches:
            return ToolResult(
                f"No tool matches {params.query!r}. Try other words (the action and the product).",
                metadata={"loaded": []},
            )
        loaded = self.catalog.load(m.name for m in matches)
        lines = [f"- {m.name}: {m.description}".rstrip(": ") for m in matches if m.name in loaded]
        text = f"Loaded {len(loaded)} tool(s); call them directly from your next step:\n" + "\n".join(lines)
        return ToolResult(text, metadata={"loaded": loaded})
