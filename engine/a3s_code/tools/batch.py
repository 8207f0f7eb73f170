"""batch: several tool calls in one model call, run together through the lane queue.

Each inner call is handled exactly as if the model had made it itself (hooks, permission rules,
confirmation, its own lane, its own events), so ``batch`` adds no way around a rule. Results come
back in the order asked, and one failing call does not stop the others.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_INVOCATIONS = 25


class Invocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: str = Field(description="Name of the tool to call")
    args: dict[str, Any] = Field(default_factory=dict, description="That tool's arguments")


class BatchParams(ToolParams):
    invocations: list[Invocation] = Field(
        min_length=1,
        max_length=MAX_INVOCATIONS,
        description=f"The calls to make (1 to {MAX_INVOCATIONS}); independent of each other",
    )


class BatchTool(Tool[BatchParams]):
    name = "batch"
    description = (
        "Run several independent tool calls at once (for example reading five files) and get every "
        "result in one answer, in the order given. Calls do not see each other's results, so use it only "
        "for calls that do not depend on one another. A failing call does not stop the others. "
        "batch cannot contain batch."
    )
    Params = BatchParams
    delegates = True

    async def run(self, params: BatchParams, ctx: ToolContext) -> ToolResult:
        calls = params.invocations
        outcomes = await asyncio.gather(*(self._one(ctx, i, call) for i, call in enumerate(calls, 1)))
        failed = sum(1 for _text, ok in outcomes if not ok)
        blocks = [
            f"--- [{i} / {len(calls)}: {call.tool}] ---\n{text if ok else 'ERROR: ' + text}"
            for i, (call, (text, ok)) in enumerate(zip(calls, outcomes, strict=True), 1)
        ]
        summary = f"{len(calls) - failed} of {len(calls)} calls succeeded"
        return ToolResult(
            "\n\n".join([*blocks, summary]),
            is_error=failed == len(calls),
            metadata={"calls": len(calls), "failed": failed},
        )

    async def _one(self, ctx: ToolContext, index: int, call: Invocation) -> tuple[str, bool]:
        if call.tool == self.name:
            return "batch cannot contain batch", False
        if ctx.inner_calls is None:
            return "batch needs a session to run its calls (run it through session.tool or a turn)", False
        result = await ctx.inner_calls.call(f"{ctx.tool_id}.{index}", call.tool, call.args)
        return result.output, not result.is_error
