"""``a3s/queue/*`` for the editor: lane handlers, stats, and answering in-process external tasks.

Workers on other machines take external tasks from Redis (``a3s-code worker``, docs/queue.md);
the daemon no longer accepts worker connections of its own. The editor still gets
``a3s/queue/taskPending`` for each task that starts waiting on an external lane, and may answer
tasks of the in-process backend itself (``pending``/``claim``/``complete``).
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from . import errors
from . import protocol as m
from .errors import A3SLspError, InvalidParamsError

if TYPE_CHECKING:
    from . import wire
    from .server import A3SLanguageServer
else:
    from ._lazy import wire

log = logging.getLogger(__name__)
EDITOR = "editor"


class TaskRefusedError(A3SLspError):
    """A claim or completion for a task that is not (or no longer) this worker's to answer."""

    rpc_code = errors.TASK_REFUSED


def task_to_wire(task: Any) -> dict[str, Any]:
    return {
        "taskId": task.task_id,
        "sessionId": task.session_id,
        "lane": task.lane,
        "commandType": task.command_type,
        "payload": task.payload,
        "timeoutMs": task.timeout_ms,
        "claimedBy": task.claimed_by,
    }


class WorkerHub:
    """Routes the editor's queue requests to sessions and pending-task notifications to the editor."""

    def __init__(self, server: A3SLanguageServer) -> None:
        self._server = server

    # -- sessions ------------------------------------------------------------------------------

    def attach(self, session: Any) -> None:
        """Tell the editor about each task a session's external lane is waiting on."""

        def observe(event: Any) -> None:
            if getattr(event, "type", None) == "external_task_pending" and event.mode == "external":
                params = {
                    "taskId": event.task_id,
                    "sessionId": event.session_id,
                    "lane": event.lane,
                    "commandType": event.command_type,
                    "payload": event.payload,
                    "timeoutMs": event.timeout_ms,
                }
                self.broadcast(m.QUEUE_TASK_PENDING, params)

        session.queue.observers.append(observe)

    def broadcast(self, method: str, params: Any) -> None:
        with contextlib.suppress(Exception):  # no editor connected (yet) is fine
            self._server.protocol.notify(method, params)

    def _queues(self, session_id: str | None) -> list[Any]:
        if session_id is not None:
            return [self._server.sessions.get(session_id).session.queue]
        return [h.session.queue for h in self._server.sessions.list()]

    def _queue_of_task(self, task_id: str, session_id: str | None) -> Any:
        for queue in self._queues(session_id):
            if queue.external.state(task_id) != "unknown":
                return queue
        raise TaskRefusedError(f"task {task_id} refused: no such task")

    # -- the a3s/queue/* methods ---------------------------------------------------------------

    def handle(self, method: str, raw: Any, worker: str) -> Any:
        """One ``a3s/queue/*`` request from ``worker`` (params validated by their ``wire`` model)."""
        if method == m.QUEUE_PENDING:
            return self.pending(wire.params_of(wire.QueuePendingParams, raw, method), worker)
        if method == m.QUEUE_CLAIM:
            p = wire.params_of(wire.QueueClaimParams, raw, method)
            return {"task": self.claim(p.task_id, p.session_id, worker)}
        if method == m.QUEUE_COMPLETE:
            return self.complete(wire.params_of(wire.QueueCompleteParams, raw, method), worker)
        if method == m.QUEUE_SET_LANE_HANDLER:
            return self.set_lane_handler(wire.params_of(wire.QueueSetLaneHandlerParams, raw, method))
        if method == m.QUEUE_STATS:
            session = self._server.sessions.get(
                wire.params_of(wire.SessionRef, raw, method).session_id
            ).session
            return {
                "stats": session.queue_stats(),
                "metrics": session.queue_metrics(),
                "deadLetters": session.dead_letters(),
                "workers": redis_consumers(session.queue_stats()),
            }
        raise A3SLspError(f"{method} is not a queue method")

    def pending(self, p: wire.QueuePendingParams, worker: str) -> dict[str, Any]:
        """Unclaimed tasks (``includeClaimed``: all); ``claim: n`` claims up to n for the caller at once."""
        claimed = p.include_claimed and p.claim == 0
        queues = self._queues(p.session_id)
        tasks = [t for q in queues for t in q.pending_external_tasks(include_claimed=claimed)]
        tasks.sort(key=lambda t: t.created_at)
        if p.claim > 0:
            tasks = tasks[: p.claim]
            for task in tasks:
                self.claim(task.task_id, task.session_id, worker)
        return {"tasks": [task_to_wire(t) for t in tasks]}

    def claim(self, task_id: str, session_id: str | None, worker: str) -> dict[str, Any]:
        queue = self._queue_of_task(task_id, session_id)
        return task_to_wire(self._refusable(queue.claim_external_task, task_id, worker))

    def complete(self, p: wire.QueueCompleteParams, worker: str) -> dict[str, Any]:
        queue = self._queue_of_task(p.task_id, p.session_id)
        task = self._refusable(queue.complete_external_task, p.task_id, p.success, p.result, p.error, worker)
        log.info("task %s completed by %s (success=%s)", p.task_id, worker, p.success)
        return {"accepted": True, "taskId": task.task_id}

    def set_lane_handler(self, p: wire.QueueSetLaneHandlerParams) -> dict[str, Any]:
        session = self._server.sessions.get(p.session_id).session
        from a3s_code.queue import QueueError

        try:
            session.set_lane_handler(p.lane, p.mode, p.timeout_ms)
        except QueueError as exc:
            raise InvalidParamsError(f"{m.QUEUE_SET_LANE_HANDLER}: {exc}") from None
        return {"lane": p.lane, "mode": p.mode, "timeoutMs": p.timeout_ms}

    @staticmethod
    def _refusable(call: Any, *args: Any) -> Any:
        from a3s_code.queue import ExternalTaskError

        try:
            return call(*args)
        except ExternalTaskError as exc:
            raise TaskRefusedError(str(exc)) from None


def redis_consumers(stats: dict[str, Any]) -> list[str]:
    """The workers the Redis backend knows (members of the lanes' consumer group); none in process."""
    lanes = (stats.get("redis") or {}).get("lanes") or {}
    return sorted({name for lane in lanes.values() for name in lane.get("consumers", {})})
