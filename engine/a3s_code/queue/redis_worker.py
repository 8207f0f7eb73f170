"""``a3s-code worker``: a process that runs external lane tasks read from Redis.

It reads the lanes' streams with the consumer group (each task goes to one worker), query before
execute, at most ``concurrency`` tasks at a time. While a task runs, the worker heartbeats it
(``XCLAIM ... JUSTID`` by its owner resets the entry's idle time); a task idle longer than
``reclaim_after_ms`` belonged to a worker that died, and the next worker with a free slot takes it
over (``XAUTOCLAIM``). Whether it runs again follows the task: retry-safe tasks run up to
``max_retries`` more times, others go to the dead-letter stream, as do tasks past their retries.
On ``stop()`` (SIGTERM) it takes nothing new, lets running tasks finish within ``grace_ms``, and
hands the rest back for other workers.

Streams, consumer groups, XAUTOCLAIM: https://redis.io/docs/latest/develop/data-types/streams/.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import A3SError
from ..tools.base import ToolResult
from .redis_link import (
    FINISH,
    RESULTS_MAXLEN,
    START,
    STATE_TTL_MS,
    Keys,
    WireTask,
    answer_json,
    connect_async,
    dead_letter_json,
    ensure_group,
    is_transient,
    mask_url,
)

if TYPE_CHECKING:
    import redis.asyncio

log = logging.getLogger("a3s_code.queue.worker")
RunTask = Callable[[WireTask], Awaitable[ToolResult]]
HANDED_BACK = "handed-back"
"""The consumer that holds tasks a stopping worker gave back, marked idle so any worker reclaims them."""
_LONG_IDLE_MS = 2**31 - 1
_DEAD_MAX = 10_000
_STOP_MARGIN_MS = 1000


class WorkerError(A3SError):
    """The worker cannot serve: Redis refused its credentials, or its settings are invalid."""

    code = "worker_error"


@dataclass(frozen=True)
class WorkerSettings:
    url: str
    lanes: tuple[str, ...] = ("query", "execute")
    """Served in this order: an earlier lane's task goes first (query before execute, as in process)."""
    concurrency: int = 1
    prefix: str = "a3s"
    name: str = ""
    """The consumer name; default ``<host>-<pid>``."""
    heartbeat_ms: int = 1000
    reclaim_after_ms: int = 5000
    """A running task not heartbeaten for this long is taken over; give every worker the same value."""
    grace_ms: int = 30_000
    """On stop, how long running tasks may take to finish before they are handed back."""

    @property
    def consumer(self) -> str:
        return self.name or f"{socket.gethostname()}-{os.getpid()}"


class RedisWorker:
    """``await RedisWorker(settings, run_task).run()`` until ``stop()``; ``run_task`` runs one task."""

    def __init__(self, settings: WorkerSettings, run_task: RunTask) -> None:
        if settings.heartbeat_ms * 2 > settings.reclaim_after_ms:
            raise WorkerError("reclaim_after_ms must be at least twice heartbeat_ms")
        self.settings = settings
        self.keys = Keys(settings.prefix)
        self.name = settings.consumer
        self.completed = 0
        self._run_task = run_task
        self._client: redis.asyncio.Redis | None = None
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._running: dict[asyncio.Task[None], tuple[str, str]] = {}
        """task → (lane, stream entry id)."""
        self._stopping = asyncio.Event()
        self._reader: asyncio.Task[Any] | None = None
        self._last_reclaim = 0.0

    @property
    def where(self) -> str:
        return mask_url(self.settings.url)

    def stop(self) -> None:
        """Take nothing new; ``run`` then finishes or hands back what runs and returns."""
        self._stopping.set()
        if self._reader is not None:
            self._reader.cancel()

    async def run(self, ready: Callable[[], None] | None = None) -> None:
        self._client = connect_async(self.settings.url)
        await self._connect()
        for lane in self.settings.lanes:
            await ensure_group(self._client, self.keys, lane)
            # listed among the group's consumers (metrics) from now, not from its first read
            await self._client.xgroup_createconsumer(self.keys.lane(lane), self.keys.group, self.name)
        log.info("worker %s serving %s from %s", self.name, ",".join(self.settings.lanes), self.where)
        if ready is not None:
            ready()
        heart = asyncio.create_task(self._heartbeat())
        try:
            await self._serve()
        finally:
            await self._drain()
            heart.cancel()
            await asyncio.gather(heart, return_exceptions=True)
            await self._hand_back_all()
            await self._client.aclose()

    async def _connect(self) -> None:
        assert self._client is not None
        delay = 0.1
        while not self._stopping.is_set():
            try:
                await self._client.ping()
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise WorkerError(f"Redis at {self.where} refused this worker: {exc}") from None
                log.warning("Redis at %s unreachable (%s); retrying", self.where, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(2.0, delay * 2)

    # -- taking tasks --------------------------------------------------------------------------

    async def _serve(self) -> None:
        delay = 0.1
        while await self._free_slot():
            try:
                self._reader = asyncio.create_task(self._next())
                got = await self._reader
                delay = 0.1
            except asyncio.CancelledError:
                self._slots.release()
                if self._stopping.is_set():
                    break
                raise
            except Exception as exc:
                self._slots.release()
                if not is_transient(exc):
                    raise
                log.warning("reading tasks from %s failed (%s); retrying", self.where, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(2.0, delay * 2)
                continue
            finally:
                self._reader = None
            if not got:
                self._slots.release()
                continue
            first, *extra = got
            self._start(*first)
            for lane, entry_id, fields in extra:  # a blocking read over several lanes may return more
                if self._slots.locked():
                    await self._give_back(lane, [entry_id])
                else:
                    await self._slots.acquire()
                    self._start(lane, entry_id, fields)

    async def _free_slot(self) -> bool:
        """Wait for a free slot (True, now held) or for ``stop()`` (False)."""
        acquiring = asyncio.create_task(self._slots.acquire())
        stopping = asyncio.create_task(self._stopping.wait())
        await asyncio.wait((acquiring, stopping), return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not self._stopping.is_set():
            return True
        if acquiring.done() and not acquiring.cancelled():
            self._slots.release()
        else:
            acquiring.cancel()
        return False

    async def _next(self) -> list[tuple[str, str, dict[str, str]]]:
        """Up to one entry per lane: a stalled task first, then new ones by lane priority, else wait."""
        assert self._client is not None
        now = time.monotonic()
        if now - self._last_reclaim >= self.settings.heartbeat_ms / 1000:
            self._last_reclaim = now
            for lane in self.settings.lanes:
                _next_id, claimed, *_deleted = await self._client.xautoclaim(
                    self.keys.lane(lane), self.keys.group, self.name, self.settings.reclaim_after_ms, count=1
                )
                if claimed:
                    entry_id, fields = claimed[0]
                    log.info(
                        "took over task entry %s on %s (its worker stopped heartbeating)", entry_id, lane
                    )
                    return [(lane, entry_id, fields)]
        for lane in self.settings.lanes:
            got: Any = await self._client.xreadgroup(
                self.keys.group, self.name, {self.keys.lane(lane): ">"}, count=1
            )
            if got:
                return [(lane, *got[0][1][0])]
        streams: dict[Any, Any] = {self.keys.lane(lane): ">" for lane in self.settings.lanes}
        block = max(10, self.settings.heartbeat_ms)
        got = await self._client.xreadgroup(self.keys.group, self.name, streams, count=1, block=block)
        lane_of = {self.keys.lane(lane): lane for lane in self.settings.lanes}
        entries = [(lane_of[key], eid, f) for key, items in (got or []) for eid, f in items]
        return sorted(entries, key=lambda e: self.settings.lanes.index(e[0]))

    def _start(self, lane: str, entry_id: str, fields: dict[str, str]) -> None:
        task = asyncio.create_task(self._handle(lane, entry_id, fields))
        self._running[task] = (lane, entry_id)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("a task handler failed: %s", task.exception())

    # -- one task ------------------------------------------------------------------------------

    async def _handle(self, lane: str, entry_id: str, fields: dict[str, str]) -> None:
        try:
            task = WireTask.from_json(fields.get("task", ""))
        except (ValueError, TypeError) as exc:
            log.warning("dropped a malformed task entry %s on %s: %s", entry_id, lane, exc)
            await self._ack(lane, entry_id)
            return
        previous, runs = await self._retrying(self._mark_started, task)
        if previous not in ("queued", "running"):  # answered, timed out, cancelled or expired
            await self._ack(lane, entry_id)
            return
        if previous == "running" and not task.retry_safe:
            why = (
                f"its worker stopped while running it; '{task.command_type}' may have had effects, so it is"
                " not run again (list it in queue.idempotent_tools if running it twice is safe)"
            )
            await self._dead(task, lane, entry_id, why, runs - 1)
            return
        if runs > task.max_retries + 1:
            why = f"its workers stopped {runs - 1} times; max_retries ({task.max_retries}) used up"
            await self._dead(task, lane, entry_id, why, runs - 1)
            return
        result = await self._execute(task)
        answer = answer_json(True, _result_wire(result, self.name), None, self.name)
        won = await self._retrying(self._finish, task, "done", answer, "")
        self.completed += 1
        if not won:
            log.info("the answer to task %s was refused (timed out or answered already)", task.task_id)
        await self._ack(lane, entry_id)

    async def _execute(self, task: WireTask) -> ToolResult:
        # A backstop against a runaway tool: the session gave up at timeout_ms already, so its own
        # timeout (not a race with ours) decides what the agent is told.
        limit_ms = task.timeout_ms + _STOP_MARGIN_MS
        try:
            async with asyncio.timeout(limit_ms / 1000):
                return await self._run_task(task)
        except TimeoutError:
            return ToolResult.error(f"the worker stopped '{task.command_type}' after {limit_ms} ms")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a tool bug is this task's failure, not the worker's
            return ToolResult.error(f"the worker failed to run '{task.command_type}': {exc}")

    async def _mark_started(self, task: WireTask) -> tuple[str, int]:
        assert self._client is not None
        previous, runs = await self._client.eval(START, 1, self.keys.task(task.task_id), self.name)
        return str(previous), int(runs)

    async def _finish(self, task: WireTask, state: str, answer: str, letter: str) -> bool:
        assert self._client is not None
        keys = [self.keys.task(task.task_id), self.keys.results(task.session_id), self.keys.dead]
        args: list[str | int] = [
            state,
            answer,
            self.name,
            task.task_id,
            RESULTS_MAXLEN,
            STATE_TTL_MS,
            letter,
            _DEAD_MAX,
        ]
        return bool(await self._client.eval(FINISH, 3, *keys, *args))

    async def _dead(self, task: WireTask, lane: str, entry_id: str, why: str, attempts: int) -> None:
        log.warning("task %s ('%s') dead-lettered: %s", task.task_id, task.command_type, why)
        letter = dead_letter_json(task, why, attempts, self.name)
        answer = answer_json(False, None, f"Task {task.task_id} was dead-lettered: {why}", self.name)
        await self._retrying(self._finish, task, "dead", answer, letter)
        await self._ack(lane, entry_id)

    async def _ack(self, lane: str, entry_id: str) -> None:
        async def ack() -> None:
            assert self._client is not None
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.xack(self.keys.lane(lane), self.keys.group, entry_id)
                pipe.xdel(self.keys.lane(lane), entry_id)
                await pipe.execute()

        await self._retrying(ack)

    async def _retrying(self, call: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """``call`` until the server answers: a restart loses nothing (AOF keeps the streams)."""
        delay = 0.05
        while True:
            try:
                return await call(*args)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("Redis at %s unreachable (%s); retrying", self.where, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(2.0, delay * 2)

    # -- liveness and shutdown -----------------------------------------------------------------

    async def _heartbeat(self) -> None:
        """Reset the idle time of the entries this worker still owns and runs."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_ms / 1000)
            by_lane: dict[str, list[str]] = {}
            for lane, entry_id in self._running.values():
                by_lane.setdefault(lane, []).append(entry_id)
            for lane, ids in by_lane.items():
                with contextlib.suppress(Exception):  # a missed beat is retried on the next one
                    owned = await self._owned(lane)
                    mine = [i for i in ids if i in owned]
                    if mine:
                        assert self._client is not None
                        await self._client.xclaim(
                            self.keys.lane(lane), self.keys.group, self.name, 0, list[Any](mine), justid=True
                        )

    async def _owned(self, lane: str) -> set[str]:
        assert self._client is not None
        rows: Any = await self._client.xpending_range(
            self.keys.lane(lane), self.keys.group, "-", "+", 1000, consumername=self.name
        )
        return {str(row["message_id"]) for row in rows}

    async def _drain(self) -> None:
        """Let running tasks finish within ``grace_ms``; cancel the rest (they are handed back)."""
        running = list(self._running)
        if not running:
            return
        _done, late = await asyncio.wait(running, timeout=self.settings.grace_ms / 1000)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        if late:
            log.warning("handed back %d task(s) still running at shutdown", len(late))

    async def _give_back(self, lane: str, ids: list[str]) -> None:
        """Move entries to the hand-back consumer, marked long idle: the next reclaim by any worker takes
        them (a task that had started counts as run once, so the retry rules apply)."""
        assert self._client is not None
        await self._client.xclaim(
            self.keys.lane(lane),
            self.keys.group,
            HANDED_BACK,
            0,
            list[Any](ids),
            idle=_LONG_IDLE_MS,
            justid=True,
        )

    async def _hand_back_all(self) -> None:
        """Give back whatever this worker still owns, then leave the group (its name would linger)."""
        assert self._client is not None
        for lane in self.settings.lanes:
            try:
                owned = sorted(await self._owned(lane))
                if owned:
                    await self._give_back(lane, owned)
                await self._client.xgroup_delconsumer(self.keys.lane(lane), self.keys.group, self.name)
            except Exception as exc:
                log.warning("could not hand back tasks on %s: %s", lane, type(exc).__name__)


def _result_wire(result: ToolResult, worker: str) -> dict[str, Any]:
    metadata = json.loads(json.dumps(result.metadata, default=str))
    return {"output": result.output, "exit_code": result.code, "metadata": {**metadata, "worker": worker}}
