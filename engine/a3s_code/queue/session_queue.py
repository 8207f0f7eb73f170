"""SessionLaneQueue: how a tool call runs on its lane (internal, external or hybrid), with retries,
timeouts and dead letters."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..events import CommandDeadLettered, CommandRetry, ExternalTaskCompleted, ExternalTaskPending
from ..tools.base import ToolResult
from .config import HandlerMode, LaneHandlerConfig, SessionQueueConfig
from .external import ExternalTask, ExternalTasks
from .lanes import QueueError, SessionLane, lane_of_tool
from .metrics import DeadLetter
from .policies import max_retries, retry_delay_ms
from .scheduler import Observer, SlotQueue

Work = Callable[[], Awaitable[ToolResult]]


class SessionLaneQueue:
    """One per session. ``run_tool`` is the single way a tool call reaches its tool."""

    def __init__(self, config: SessionQueueConfig | None = None, session_id: str = "session") -> None:
        self.config = config or SessionQueueConfig.of(None)
        self.session_id = session_id
        self.slots = SlotQueue(self.config, session_id)
        self.external = ExternalTasks(session_id)
        self._commands = itertools.count(1)

    @property
    def observers(self) -> list[Observer]:
        """Called with every queue event (external tasks, retries, dead letters, alerts), in or out of a turn."""
        return self.slots.observers

    # -- handlers ------------------------------------------------------------------------------

    def set_lane_handler(
        self, lane: SessionLane, mode: HandlerMode = "internal", timeout_ms: int = 60_000
    ) -> None:
        if lane in ("control", "generate") and mode != "internal":
            raise QueueError(f"the {lane} lane runs inside the agent; only query and execute can be {mode}")
        if mode not in ("internal", "external", "hybrid"):
            raise QueueError(f"unknown handler mode {mode!r}; expected internal, external or hybrid")
        if timeout_ms <= 0:
            raise QueueError("timeout_ms must be positive")
        self.slots.handlers[lane] = LaneHandlerConfig(mode, timeout_ms)

    def lane_handler(self, lane: SessionLane) -> LaneHandlerConfig:
        return self.slots.handlers[lane]

    # -- running -------------------------------------------------------------------------------

    async def run_tool(
        self,
        name: str,
        args: dict[str, Any],
        work: Work,
        *,
        lane: SessionLane | None = None,
        declared_lane: str | None = None,
        emit: Observer | None = None,
        deadline_ms: int | None = None,
    ) -> ToolResult:
        """Run one tool call on its lane; failures come back as error results, never as exceptions."""
        lane = lane or lane_of_tool(name, declared_lane)
        handler = self.slots.handlers[lane]
        if handler.mode == "external":
            return await self._run_external(lane, name, args, handler.timeout_ms, emit)
        if handler.mode == "hybrid":
            task_id = f"{self.session_id}-h{next(self._commands)}"
            self.slots.notify(
                ExternalTaskPending(
                    task_id=task_id,
                    session_id=self.session_id,
                    lane=lane,
                    command_type=name,
                    payload=args,
                    timeout_ms=handler.timeout_ms,
                    mode="hybrid",
                ),
                emit,
            )
            result = await self._run_internal(lane, name, work, emit, deadline_ms)
            done = ExternalTaskCompleted(
                task_id=task_id, session_id=self.session_id, success=not result.is_error
            )
            self.slots.notify(done, emit)
            return result
        return await self._run_internal(lane, name, work, emit, deadline_ms)

    async def _run_internal(
        self, lane: SessionLane, name: str, work: Work, emit: Observer | None, deadline_ms: int | None
    ) -> ToolResult:
        policy = self.config.retry_policy
        retries = max_retries(policy)
        command_id = f"{self.session_id}-c{next(self._commands)}"
        metrics = self.slots.metrics.lanes[lane]
        attempt = 0
        while True:
            attempt += 1
            await self.slots.acquire(lane, name, deadline_ms)
            started = time.monotonic()
            error: str | None = None
            try:
                result = await self._timed(work)
            except asyncio.CancelledError:
                raise
            except TimeoutError:
                metrics.timed_out += 1
                error = f"timed out after {self.config.default_timeout_ms} ms"
            except Exception as exc:  # a tool bug must not end the turn; it is retried, then dead-lettered
                error = f"{type(exc).__name__}: {exc}"
            finally:
                metrics.runs_ms.append((time.monotonic() - started) * 1000)
                self.slots.release(lane)
            if error is None:
                metrics.completed += 1
                return result
            metrics.failed += 1
            if attempt > retries:
                self._dead_letter(command_id, name, lane, error, attempt, emit)
                return ToolResult.error(f"'{name}' failed after {attempt} attempt(s): {error}")
            assert policy is not None
            delay = retry_delay_ms(policy, attempt)
            metrics.retried += 1
            self.slots.notify(
                CommandRetry(
                    command_id=command_id,
                    command_type=name,
                    lane=lane,
                    attempt=attempt,
                    delay_ms=delay,
                    error=error,
                ),
                emit,
            )
            await asyncio.sleep(delay / 1000)

    async def _timed(self, work: Work) -> ToolResult:
        timeout_ms = self.config.default_timeout_ms
        if timeout_ms is None:
            return await work()
        async with asyncio.timeout(timeout_ms / 1000):
            return await work()

    async def _run_external(
        self, lane: SessionLane, name: str, args: dict[str, Any], timeout_ms: int, emit: Observer | None
    ) -> ToolResult:
        await self.slots.acquire(lane, name)
        try:
            task = self.external.open(lane, name, args, timeout_ms)
            pending = ExternalTaskPending(
                task_id=task.task_id,
                session_id=self.session_id,
                lane=lane,
                command_type=name,
                payload=args,
                timeout_ms=timeout_ms,
            )
            self.slots.notify(pending, emit)
            try:
                result = await self.external.wait(task)
            except TimeoutError:
                self.slots.metrics.lanes[lane].timed_out += 1
                why = f"no external worker completed it within {timeout_ms} ms"
                self._dead_letter(task.task_id, name, lane, why, 1, emit)
                return ToolResult.error(
                    f"External task {task.task_id} ('{name}' on the {lane} lane) was not run: {why}. "
                    "It was moved to the dead-letter queue; a late answer will be refused."
                )
        finally:
            self.slots.release(lane)
        self.slots.metrics.lanes[lane].completed += 1
        done = ExternalTaskCompleted(
            task_id=task.task_id,
            session_id=self.session_id,
            success=not result.is_error,
            worker=task.claimed_by,
        )
        self.slots.notify(done, emit)
        return result

    def _dead_letter(
        self, command_id: str, name: str, lane: SessionLane, error: str, attempts: int, emit: Observer | None
    ) -> None:
        self.slots.dead_letter(DeadLetter(command_id, name, lane, error, attempts))
        event = CommandDeadLettered(
            command_id=command_id, command_type=name, lane=lane, error=error, attempts=attempts
        )
        self.slots.notify(event, emit)

    # -- external workers ----------------------------------------------------------------------

    def pending_external_tasks(self, include_claimed: bool = False) -> list[ExternalTask]:
        return self.external.pending(include_claimed)

    def claim_external_task(self, task_id: str, worker: str) -> ExternalTask:
        return self.external.claim(task_id, worker)

    def complete_external_task(
        self,
        task_id: str,
        success: bool = True,
        result: Any = None,
        error: str | None = None,
        worker: str | None = None,
    ) -> ExternalTask:
        """Raises ``ExternalTaskError`` for a task that is not pending (timed out, answered, unknown)."""
        return self.external.complete(task_id, success, result, error, worker)

    # -- inspection ----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        stats = self.slots.stats(len(self.external.pending(include_claimed=True)))
        if (backend := self.external.backend_stats()) is not None:
            stats["redis"] = backend
        return stats

    def metrics(self) -> dict[str, Any] | None:
        """Per-lane counters and latency percentiles; None unless ``enable_metrics``."""
        if not self.config.enable_metrics:
            return None
        snapshot = self.slots.metrics.snapshot()
        if (backend := self.external.backend_stats()) is not None:
            snapshot["redis"] = backend
        return snapshot

    def dead_letters(self) -> list[dict[str, Any]]:
        """Ours, then the shared backend's for this session that we do not hold already."""
        local = [d.to_dict() for d in self.slots.dead]
        seen = {d["command_id"] for d in local}
        remote = [d for d in self.external.backend_dead_letters() if d.get("command_id") not in seen]
        return local + remote
