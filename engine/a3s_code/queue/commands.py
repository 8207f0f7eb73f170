"""``SessionCommand``: one unit of work submitted to a lane (the seed's extension point, default
``ToolCommand``: a tool call run through the session's pipeline).

``session.submit(lane, payload)`` turns the payload into a command with the session's
``CommandFactory`` (``SessionOptions.with_command_factory``) and executes it; a factory of your own
can give payloads another meaning (a named script, a batch, a remote job) and return any command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..tools.base import ToolResult
from .lanes import SessionLane

RunTool = Callable[[str, dict[str, Any], SessionLane | None, int | None], Awaitable[ToolResult]]
"""``run(tool, args, lane, deadline_ms)``: the session's pipeline (checks, hooks, confirmation, queue)."""

DEFAULT_TOOL = {"query": "read", "execute": "bash"}


class SessionCommand(Protocol):
    """``command_type`` names it in logs; ``execute`` does the work, usually through ``run``."""

    def command_type(self) -> str: ...

    async def execute(self, run: RunTool) -> ToolResult: ...


CommandFactory = Callable[[SessionLane, dict[str, Any]], SessionCommand]
"""``factory(lane, payload)`` for the query and execute lanes; raises ``QueueError`` on a bad payload."""


@dataclass
class ToolCommand:
    """One tool call on ``lane``: ``{"tool": name, "args": {...}}``, or bare arguments for the
    lane's default tool (``read`` for query, ``bash`` for execute)."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    lane: SessionLane | None = None
    deadline_ms: int | None = None

    def command_type(self) -> str:
        return f"tool:{self.tool}"

    async def execute(self, run: RunTool) -> ToolResult:
        return await run(self.tool, dict(self.args), self.lane, self.deadline_ms)

    @classmethod
    def from_payload(cls, lane: SessionLane, payload: dict[str, Any]) -> ToolCommand:
        if isinstance(payload.get("tool"), str):
            return cls(payload["tool"], dict(payload.get("args") or {}), lane)
        name, args = DEFAULT_TOOL[lane], dict(payload)
        if name == "read" and "path" in args and "file_path" not in args:
            args["file_path"] = args.pop("path")  # the seed's examples spell it ``path``
        return cls(name, args, lane)


__all__ = ["CommandFactory", "RunTool", "SessionCommand", "ToolCommand"]
