"""``session.queue``: the session's lane queue (``SessionLaneQueue``) plus direct submission.

Every tool call runs through it (the pipeline takes a slot on the call's lane); the seed's queue
API (``session.submit``, ``queue_stats``, ``queue_metrics``, ``dead_letters``, external tasks) is
this component's, with ``Session`` keeping the seed's names as delegating methods. See
docs/queue.md for lanes, handlers and external workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..queue.commands import CommandFactory, RunTool, ToolCommand
from ..queue.config import HandlerMode, LaneHandlerConfig, SessionQueueConfig
from ..queue.external import ExternalTaskError
from ..queue.lanes import QueueError, parse_lane
from ..queue.session_queue import SessionLaneQueue
from ..tools.base import ToolResult

if TYPE_CHECKING:
    from ..llm.base import LLMClient
    from ..options import SessionOptions

CONTROL_ACTIONS = ("pause", "resume", "cancel")


class SessionQueue(SessionLaneQueue):
    """The lane queue of one session, able to take commands without the model.

    ``run`` is the session's pipeline (``Session.tool_async``), ``cancel`` stops the running turn
    (the ``control`` lane's ``cancel``), ``llm`` and ``model`` give the client and model the
    ``generate`` lane asks; ``options`` is read when a command runs (``max_tokens``). With
    ``backend = "redis"`` external tasks go through Redis (raises ``ConfigError`` on a bad URL)."""

    def __init__(
        self,
        config: SessionQueueConfig,
        session_id: str,
        *,
        workspace: Path,
        command_factory: CommandFactory,
        run: RunTool,
        cancel: Callable[[], bool],
        llm: Callable[[], LLMClient],
        model: Callable[[], str],
        options: SessionOptions,
    ) -> None:
        super().__init__(config, session_id)
        if self.config.backend == "redis":
            from ..queue.redis_tasks import redis_external_tasks

            self.external = redis_external_tasks(self.config, session_id, workspace)
        for lane, handler in self.config.lane_handlers.items():
            self.set_lane_handler(lane, handler.mode, handler.timeout_ms)
        self._factory = command_factory
        self._run = run
        self._cancel = cancel
        self._llm = llm
        self._model = model
        self._options = options

    # -- direct submission ---------------------------------------------------------------------

    async def submit_async(
        self, lane: str, payload: dict[str, Any], deadline_ms: int | None = None
    ) -> ToolResult:
        """Put one command on ``lane`` without asking the model.

        query/execute: ``{"tool": name, "args": {...}}``, or bare arguments for the lane's default
        tool (``read`` for query, ``bash`` for execute); permission rules apply as to the agent's calls.
        control: ``{"action": "pause" | "resume" | "cancel"}``. generate: ``{"prompt": ...}``, one
        model call without tools or history. ``deadline_ms`` (with ``priority_boost``) raises the
        command's priority as the deadline nears. Raises ``QueueError`` on an unknown lane or a bad
        payload; a refused or failed call is an error result.
        """
        which = parse_lane(lane)
        if not isinstance(payload, dict):
            raise QueueError("a submitted payload must be a JSON object")
        if which == "control":
            return await self._control(payload)
        if which == "generate":
            return await self._generate(payload)
        command = self._factory(which, payload)
        if isinstance(command, ToolCommand) and deadline_ms is not None:
            command.deadline_ms = deadline_ms
        return await command.execute(self._run)

    async def submit_batch_async(self, lane: str, payloads: list[dict[str, Any]]) -> list[ToolResult]:
        """Several commands on one lane at once; results in order (query runs them in parallel)."""
        return list(await asyncio.gather(*(self.submit_async(lane, p) for p in payloads)))

    async def _control(self, payload: dict[str, Any]) -> ToolResult:
        action = payload.get("action")
        if action not in CONTROL_ACTIONS:
            raise QueueError(f"control commands are {', '.join(CONTROL_ACTIONS)}; got {action!r}")

        async def act() -> ToolResult:
            if action == "pause":
                self.slots.pause()
                return ToolResult("queue paused")
            if action == "resume":
                self.slots.resume()
                return ToolResult("queue resumed")
            return ToolResult("turn cancelled" if self._cancel() else "no turn was running")

        return await self.run_tool(str(action), payload, act, lane="control")

    async def _generate(self, payload: dict[str, Any]) -> ToolResult:
        prompt = payload.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise QueueError('a generate command needs {"prompt": "..."}')
        from ..llm.base import LLMRequest, LLMResponse
        from ..messages import Message

        request = LLMRequest(
            model=self._model().split("/", 1)[1],
            system=str(payload.get("system") or ""),
            messages=[Message.user(prompt)],
            tools=[],
            max_tokens=self._options.max_tokens,
        )

        async def call() -> ToolResult:
            async for event in self._llm().stream(request):
                if isinstance(event, LLMResponse):
                    return ToolResult(event.message.text(), metadata={"usage": event.usage.model_dump()})
            return ToolResult.error("the model's stream ended without a message")

        return await self.run_tool("llm", payload, call, lane="generate")

    # -- lane handlers and external workers ----------------------------------------------------

    def configure_lane(
        self, lane: str, config: LaneHandlerConfig | HandlerMode = "internal", timeout_ms: int = 60_000
    ) -> None:
        """``configure_lane("execute", "external", timeout_ms=120_000)`` or with a ``LaneHandlerConfig``
        (the seed's ``session.set_lane_handler``). Raises ``QueueError`` on an unknown lane or mode."""
        if isinstance(config, LaneHandlerConfig):
            mode, timeout_ms = config.mode, config.timeout_ms
        else:
            mode = config
        self.set_lane_handler(parse_lane(lane), mode, timeout_ms)

    def pending_task_dicts(self) -> list[dict[str, Any]]:
        """The external tasks waiting for a worker, as the seed reports them (plain dicts)."""
        return [t.to_dict() for t in self.pending_external_tasks()]

    def answer_external_task(
        self, task_id: str, success: bool = True, result: Any = None, error: str | None = None
    ) -> bool:
        """Complete a pending external task; False when it is not pending (unknown, already
        answered, or timed out) where ``complete_external_task`` raises."""
        try:
            self.complete_external_task(task_id, success, result, error)
        except ExternalTaskError:
            return False
        return True
