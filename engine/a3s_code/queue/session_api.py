"""The session's queue API (a mixin of ``Session``): direct submission, lane handlers, inspection."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .._sync import run_sync
from ..tools.base import ToolResult
from .commands import ToolCommand
from .config import HandlerMode, LaneHandlerConfig, SessionQueueConfig
from .external import ExternalTaskError
from .lanes import QueueError, SessionLane, parse_lane
from .session_queue import SessionLaneQueue

if TYPE_CHECKING:
    from pathlib import Path

    from ..options import SessionOptions
    from ..services import SessionServices

CONTROL_ACTIONS = ("pause", "resume", "cancel")


class SessionQueueAPI:
    # Provided by Session.
    session_id: str
    options: SessionOptions
    workspace: Path
    agent: Any
    model: str
    if TYPE_CHECKING:
        services: SessionServices

        async def tool_async(
            self,
            name: str,
            args: dict[str, Any],
            lane: SessionLane | None = None,
            deadline_ms: int | None = None,
        ) -> ToolResult: ...

        def cancel(self) -> bool: ...

        def llm(self) -> Any: ...

    def _init_queue(self) -> None:
        configured = getattr(self.options, "queue_config", None) or self.agent.config.queue
        self.queue = SessionLaneQueue(SessionQueueConfig.of(configured), self.session_id)
        if self.queue.config.backend == "redis":
            from .redis_tasks import redis_external_tasks

            self.queue.external = redis_external_tasks(self.queue.config, self.session_id, self.workspace)
        for lane, handler in self.queue.config.lane_handlers.items():
            self.queue.set_lane_handler(lane, handler.mode, handler.timeout_ms)

    def has_queue(self) -> bool:
        return True

    # -- direct submission ---------------------------------------------------------------------

    async def submit_async(
        self, lane: str, payload: dict[str, Any], deadline_ms: int | None = None
    ) -> ToolResult:
        """Put one command on ``lane`` without asking the model.

        query/execute: ``{"tool": name, "args": {...}}``, or bare arguments for the lane's default
        tool (``read`` for query, ``bash`` for execute); permission rules apply as to the agent's calls.
        control: ``{"action": "pause" | "resume" | "cancel"}``. generate: ``{"prompt": ...}``, one
        model call without tools or history. ``deadline_ms`` (with ``priority_boost``) raises the
        command's priority as the deadline nears.
        """
        which = parse_lane(lane)
        if not isinstance(payload, dict):
            raise QueueError("a submitted payload must be a JSON object")
        if which == "control":
            return await self._control(payload)
        if which == "generate":
            return await self._generate(payload)
        command = self.services.command_factory(which, payload)
        if isinstance(command, ToolCommand) and deadline_ms is not None:
            command.deadline_ms = deadline_ms

        async def run(
            name: str, args: dict[str, Any], lane: SessionLane | None, deadline: int | None
        ) -> ToolResult:
            return await self.tool_async(name, args, lane=lane, deadline_ms=deadline)

        return await command.execute(run)

    async def submit_batch_async(self, lane: str, payloads: list[dict[str, Any]]) -> list[ToolResult]:
        """Several commands on one lane at once; results in order (query runs them in parallel)."""
        return list(await asyncio.gather(*(self.submit_async(lane, p) for p in payloads)))

    def submit(self, lane: str, payload: dict[str, Any]) -> ToolResult:
        return run_sync(self.submit_async(lane, payload), "submit")

    def submit_batch(self, lane: str, payloads: list[dict[str, Any]]) -> list[ToolResult]:
        return run_sync(self.submit_batch_async(lane, payloads), "submit_batch")

    async def _control(self, payload: dict[str, Any]) -> ToolResult:
        action = payload.get("action")
        if action not in CONTROL_ACTIONS:
            raise QueueError(f"control commands are {', '.join(CONTROL_ACTIONS)}; got {action!r}")

        async def act() -> ToolResult:
            if action == "pause":
                self.queue.slots.pause()
                return ToolResult("queue paused")
            if action == "resume":
                self.queue.slots.resume()
                return ToolResult("queue resumed")
            return ToolResult("turn cancelled" if self.cancel() else "no turn was running")

        return await self.queue.run_tool(str(action), payload, act, lane="control")

    async def _generate(self, payload: dict[str, Any]) -> ToolResult:
        prompt = payload.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise QueueError('a generate command needs {"prompt": "..."}')
        from ..llm.base import LLMRequest, LLMResponse
        from ..messages import Message

        request = LLMRequest(
            model=self.model.split("/", 1)[1],
            system=str(payload.get("system") or ""),
            messages=[Message.user(prompt)],
            tools=[],
            max_tokens=self.options.max_tokens,
        )

        async def call() -> ToolResult:
            async for event in self.llm().stream(request):
                if isinstance(event, LLMResponse):
                    return ToolResult(event.message.text(), metadata={"usage": event.usage.model_dump()})
            return ToolResult.error("the model's stream ended without a message")

        return await self.queue.run_tool("llm", payload, call, lane="generate")

    # -- lane handlers and external workers ----------------------------------------------------

    def set_lane_handler(
        self, lane: str, config: LaneHandlerConfig | HandlerMode = "internal", timeout_ms: int = 60_000
    ) -> None:
        """``set_lane_handler("execute", "external", timeout_ms=120_000)`` or with a ``LaneHandlerConfig``."""
        if isinstance(config, LaneHandlerConfig):
            mode, timeout_ms = config.mode, config.timeout_ms
        else:
            mode = config
        self.queue.set_lane_handler(parse_lane(lane), mode, timeout_ms)

    def pending_external_tasks(self) -> list[dict[str, Any]]:
        return [t.to_dict() for t in self.queue.pending_external_tasks()]

    def complete_external_task(
        self, task_id: str, success: bool = True, result: Any = None, error: str | None = None
    ) -> bool:
        """False when the task is not pending (unknown, already answered, or timed out)."""
        try:
            self.queue.complete_external_task(task_id, success, result, error)
        except ExternalTaskError:
            return False
        return True

    # -- inspection ----------------------------------------------------------------------------

    def queue_stats(self) -> dict[str, Any]:
        return self.queue.stats()

    def queue_metrics(self) -> dict[str, Any] | None:
        return self.queue.metrics()

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.queue.dead_letters()
