"""``SessionDelegator``: the ``task`` tool's typed collaborator (a ``tools.base.Delegator``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import ToolError
from ..events import AgentEvent
from ..tools.base import ToolResult

if TYPE_CHECKING:
    from ..session import SessionCore


class SessionDelegator:
    """Runs delegated work in a child session of ``parent`` (``run_subagent``)."""

    def __init__(self, parent: SessionCore) -> None:
        self.parent = parent

    async def delegate(
        self,
        agent: str,
        prompt: str,
        *,
        description: str = "",
        max_steps: int | None = None,
        emit: Callable[[AgentEvent], None] | None = None,
    ) -> ToolResult:
        """The child's final report; an error result when it stopped short. Raises ``ToolError``
        naming the available agents when ``agent`` is unknown."""
        from .runner import agent_registry, run_subagent

        registry = agent_registry(self.parent)
        definition = registry.get(agent)
        if definition is None:
            lines = [f"Unknown agent: {agent}. Available agents: {', '.join(registry.names())}"]
            lines += registry.warnings
            raise ToolError("\n".join(lines))
        result = await run_subagent(
            self.parent, definition, prompt, description=description, max_steps=max_steps, emit=emit
        )
        meta = {
            "task_id": result.task_id,
            "agent": result.agent,
            "session_id": result.session_id,
            "success": result.success,
            "stop_reason": result.stop_reason,
            "tool_calls": result.tool_calls,
        }
        if result.success:
            return ToolResult(result.output, metadata=meta)
        why = f"[agent '{definition.name}' stopped: {result.stop_reason}]"
        return ToolResult(f"{result.output}\n\n{why}".strip(), is_error=True, exit_code=1, metadata=meta)
