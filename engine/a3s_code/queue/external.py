"""Tasks waiting for external workers: claimed by one worker, completed once, or timed out for good.

A task is answered exactly once. A worker's answer after the timeout (or after another worker
answered) is refused, so nothing runs twice and the agent never sees two results.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..tools.base import ToolResult
from .lanes import QueueError

_REMEMBERED = 1000


@dataclass
class ExternalTask:
    task_id: str
    session_id: str
    lane: str
    command_type: str
    """The tool name."""
    payload: dict[str, Any]
    """The tool's arguments."""
    timeout_ms: int
    created_at: float = field(default_factory=time.time)
    claimed_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "session_id": self.session_id,
            "lane": self.lane,
            "command_type": self.command_type,
            "payload": self.payload,
            "timeout_ms": self.timeout_ms,
            "created_at": self.created_at,
            "claimed_by": self.claimed_by,
        }


class ExternalTaskError(QueueError):
    """A worker's claim or answer that is refused: unknown, already answered, timed out, not its own."""

    code = "external_task_refused"


class ExternalTasks:
    """The pending external tasks of one session queue."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self._ids = itertools.count(1)
        self._pending: dict[str, tuple[ExternalTask, asyncio.Future[ToolResult]]] = {}
        self._futures: dict[str, asyncio.Future[ToolResult]] = {}
        self._closed: OrderedDict[str, str] = OrderedDict()
        """Recently finished task ids and why, so a late answer gets a precise refusal."""

    def open(self, lane: str, tool: str, args: dict[str, Any], timeout_ms: int) -> ExternalTask:
        task = ExternalTask(
            f"{self.session_id}-{next(self._ids)}", self.session_id, lane, tool, args, timeout_ms
        )
        future: asyncio.Future[ToolResult] = asyncio.get_running_loop().create_future()
        self._pending[task.task_id] = (task, future)
        self._futures[task.task_id] = future
        return task

    async def wait(self, task: ExternalTask) -> ToolResult:
        """The worker's result; TimeoutError after the task's timeout (the task is then closed)."""
        future = self._futures.pop(task.task_id)  # kept apart: a worker may answer before we wait
        try:
            async with asyncio.timeout(task.timeout_ms / 1000):
                return await future
        except TimeoutError:
            self._close(task.task_id, f"it timed out after {task.timeout_ms} ms")
            raise
        except asyncio.CancelledError:
            self._close(task.task_id, "the agent stopped waiting for it (cancelled)")
            raise

    def pending(self, include_claimed: bool = False) -> list[ExternalTask]:
        return [t for t, _f in self._pending.values() if include_claimed or t.claimed_by is None]

    def claim(self, task_id: str, worker: str) -> ExternalTask:
        task, _future = self._get(task_id)
        if task.claimed_by is not None and task.claimed_by != worker:
            raise ExternalTaskError(f"task {task_id} is already claimed by {task.claimed_by}")
        task.claimed_by = worker
        return task

    def complete(
        self,
        task_id: str,
        success: bool,
        result: Any = None,
        error: str | None = None,
        worker: str | None = None,
    ) -> ExternalTask:
        task, future = self._get(task_id)
        if task.claimed_by is not None and worker is not None and worker != task.claimed_by:
            raise ExternalTaskError(f"task {task_id} is claimed by {task.claimed_by}, not {worker}")
        self._close(task_id, f"it was already completed by {worker or task.claimed_by or 'a worker'}")
        answer = to_tool_result(success, result, error)
        loop = future.get_loop()
        if _running_loop() is loop:
            future.set_result(answer)
        else:  # a worker answering from another thread (the sync API)
            loop.call_soon_threadsafe(_resolve, future, answer)
        return task

    def state(self, task_id: str) -> str:
        if task_id in self._pending:
            return "pending"
        return self._closed.get(task_id, "unknown")

    def backend_stats(self) -> dict[str, Any] | None:
        """What a shared backend (Redis) reports about its side; None in process."""
        return None

    def backend_dead_letters(self) -> list[dict[str, Any]]:
        """Dead letters kept by a shared backend for this session (in process: none beyond the queue's)."""
        return []

    def _get(self, task_id: str) -> tuple[ExternalTask, asyncio.Future[ToolResult]]:
        entry = self._pending.get(task_id)
        if entry is None:
            why = self._closed.get(task_id)
            detail = f"it is no longer pending: {why}" if why else "no such task"
            raise ExternalTaskError(f"task {task_id} refused: {detail}")
        return entry

    def _close(self, task_id: str, why: str) -> None:
        self._pending.pop(task_id, None)
        self._closed[task_id] = why
        while len(self._closed) > _REMEMBERED:
            self._closed.popitem(last=False)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _resolve(future: asyncio.Future[ToolResult], answer: ToolResult) -> None:
    if not future.done():
        future.set_result(answer)


def to_tool_result(success: bool, result: Any, error: str | None) -> ToolResult:
    """A worker's answer as a tool result: ``{output, exit_code, metadata}``, a string, or any JSON."""
    if not success:
        return ToolResult.error(error or "the external worker reported a failure")
    if isinstance(result, dict) and "output" in result:
        code = result.get("exit_code")
        meta = result.get("metadata")
        return ToolResult(
            str(result["output"]),
            is_error=isinstance(code, int) and code != 0,
            exit_code=code if isinstance(code, int) else None,
            metadata=meta if isinstance(meta, dict) else {},
        )
    if isinstance(result, str):
        return ToolResult(result)
    import json

    return ToolResult(json.dumps(result))
