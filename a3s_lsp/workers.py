"""External workers: ``a3s/queue/*`` for the editor and for worker connections over TCP.

A worker connects to ``a3s-lsp --tcp`` like any client, but says so in ``initialize``
(``initializationOptions: {"token": ..., "worker": "name"}``). It does not take the editor's
place: each worker connection gets this small JSON-RPC dispatcher, which serves only the queue
methods, and receives ``a3s/queue/taskPending`` whenever a task waits on an external lane.
A task goes to the one worker that claims it; an answer after the timeout is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import TYPE_CHECKING, Any

from . import errors
from . import protocol as m
from .errors import A3SLspError, InvalidParamsError
from .framing import FrameError, frame, read_frames
from .transport import options_of

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
    """Routes queue requests to sessions and pending-task notifications to workers."""

    def __init__(self, server: A3SLanguageServer) -> None:
        self._server = server
        self._workers: dict[str, WorkerConnection] = {}
        self._names = itertools.count(1)

    # -- sessions ------------------------------------------------------------------------------

    def attach(self, session: Any) -> None:
        """Tell workers (and the editor) about each task a session's external lane is waiting on."""

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
        for worker in list(self._workers.values()):
            worker.notify(method, params)
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
                "workers": sorted(self._workers),
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

    # -- worker connections --------------------------------------------------------------------

    async def serve(
        self,
        first: dict[str, Any],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        max_bytes: int,
    ) -> None:
        wanted = options_of(first).get("worker")
        name = wanted if isinstance(wanted, str) and wanted and wanted not in self._workers else None
        name = name or f"worker-{next(self._names)}"
        connection = WorkerConnection(self, name, writer)
        self._workers[name] = connection
        log.info("worker %s connected", name)
        try:
            connection.answer(first.get("id"), {"serverInfo": {"name": "a3s-lsp"}, "worker": name})
            async for item in read_frames(reader, max_bytes):
                if not connection.handle(item):
                    break
        finally:
            self._workers.pop(name, None)
            writer.close()
            log.info("worker %s disconnected", name)


class WorkerConnection:
    """One worker's JSON-RPC channel: queue requests in, answers and notifications out."""

    def __init__(self, hub: WorkerHub, name: str, writer: asyncio.StreamWriter) -> None:
        self.hub = hub
        self.name = name
        self._writer = writer

    def handle(self, message: Any) -> bool:
        """Answer one frame; False once the worker said ``exit``."""
        if isinstance(message, FrameError):
            self.send(
                {"jsonrpc": "2.0", "id": None, "error": {"code": message.code, "message": message.message}}
            )
            return True
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            return True  # answers to nothing we asked, or junk: nothing to reply to
        method, msg_id = message["method"], message.get("id")
        if method == "exit":
            return False
        if msg_id is None:
            return True
        if method == "shutdown":
            self.answer(msg_id, None)
        elif method.startswith("a3s/queue/"):
            try:
                self.answer(msg_id, self.hub.handle(method, message.get("params"), self.name))
            except Exception as exc:
                mapped = errors.to_response_error(exc)
                code, text = (mapped.code, mapped.message) if mapped else (errors.INTERNAL_ERROR, str(exc))
                self.send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": text}})
        else:
            error = {
                "code": errors.METHOD_NOT_FOUND,
                "message": f"workers may call a3s/queue/* only, not {method}",
            }
            self.send({"jsonrpc": "2.0", "id": msg_id, "error": error})
        return True

    def answer(self, msg_id: Any, result: Any) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "result": result})

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def send(self, message: dict[str, Any]) -> None:
        if self._writer.is_closing():
            return
        self._writer.write(frame(message))
