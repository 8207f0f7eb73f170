"""task: delegate a self-contained piece of work to a sub-agent and get its final report back."""

from __future__ import annotations

from pydantic import Field

from ..errors import ToolError
from .base import Tool, ToolContext, ToolParams, ToolResult


class TaskParams(ToolParams):
    agent: str = Field(description="Agent to use: explore, plan, general, or one defined in agent_dirs")
    description: str = Field(description="Short description of the task (for display)")
    prompt: str = Field(description="Detailed, self-contained instructions for the agent")
    max_steps: int | None = Field(
        None, ge=1, description="Tool rounds the agent may take (capped by its definition)"
    )


class TaskTool(Tool[TaskParams]):
    name = "task"
    description = (
        "Delegate a self-contained task to a sub-agent that runs in its own session with its own "
        "prompt, model and allowed tools, and returns only its final report. Built-in agents: "
        "explore (read-only search), plan (read-only planning), general (every tool)."
    )
    Params = TaskParams
    delegates = True
    """The call itself asks nothing: every tool call the sub-agent makes is checked and confirmed on its own."""

    async def run(self, params: TaskParams, ctx: ToolContext) -> ToolResult:
        if ctx.delegator is None:
            raise ToolError("task needs a session to delegate from")
        return await ctx.delegator.delegate(
            params.agent,
            params.prompt,
            description=params.description,
            max_steps=params.max_steps,
            emit=ctx.emit_event,
        )
