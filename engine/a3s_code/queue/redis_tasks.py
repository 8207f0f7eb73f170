"""External tasks on Redis (``queue { backend = "redis" }``): the session side.

A task waiting on an external lane is offered once on the lane's stream (``redis_link.PUBLISH``);
whichever worker of the consumer group reads it runs it, and its one answer comes back on the
session's result stream, where a listener wakes the waiting call. The task's state in Redis
decides which answer counts (``redis_link.FINISH``): the first of a worker's result, a dead letter
or this session's timeout. A late or duplicate answer that still reaches the stream is dropped
here and counted (``answers_dropped``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..tools.base import ToolResult
from .external import ExternalTask, ExternalTaskError, ExternalTasks, to_tool_result
from .lanes import QueueError
from .policies import max_retries
from .redis_link import (
    FINISH,
    PUBLISH,
    RESULTS_MAXLEN,
    STATE_TTL_MS,
    Keys,
    WireTask,
    connect_async,
    connect_sync,
    dead_letter_json,
    ensure_group,
    is_transient,
    mask_url,
)

if TYPE_CHECKING:
    from pathlib import Path

    import redis
    import redis.asyncio

    from .config import SessionQueueConfig

log = logging.getLogger("a3s_code.queue.redis")
EXTERNAL_LANES = ("query", "execute")
_BLOCK_MS = 1000
_DEAD_MAX = 10_000


class RedisExternalTasks(ExternalTasks):
    """The pending external tasks of one session, offered to workers through Redis streams."""

    def __init__(
        self,
        session_id: str,
        url: str,
        *,
        prefix: str = "a3s",
        workspace: str = "",
        max_retries: int = 0,
        idempotent_tools: tuple[str, ...] = (),
        dead_max: int | None = None,
    ) -> None:
        super().__init__(session_id)
        self.keys = Keys(prefix)
        self.workspace = workspace
        self.max_retries = max_retries
        self.idempotent_tools = frozenset(idempotent_tools)
        self.dead_max = dead_max or _DEAD_MAX
        self.answers_dropped = 0
        """Answers that reached this session for a task it no longer waits on (late or duplicate)."""
        self._url = url
        self._wire: dict[str, WireTask] = {}
        self._client: redis.asyncio.Redis | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._sync: redis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._last_id = "0-0"
        self._groups: set[str] = set()

    @property
    def where(self) -> str:
        """The server, password masked: what messages may show."""
        return mask_url(self._url)

    # -- the ExternalTasks interface -----------------------------------------------------------

    def open(self, lane: str, tool: str, args: dict[str, Any], timeout_ms: int) -> ExternalTask:
        task = super().open(lane, tool, args, timeout_ms)
        self._wire[task.task_id] = WireTask(
            task_id=task.task_id,
            session_id=self.session_id,
            lane=lane,
            command_type=tool,
            payload=args,
            timeout_ms=timeout_ms,
            workspace=self.workspace,
            max_retries=self.max_retries,
            retry_safe=lane == "query" or tool in self.idempotent_tools,
            created_at=task.created_at,
        )
        return task

    async def wait(self, task: ExternalTask) -> ToolResult:
        """The one answer; TimeoutError after ``timeout_ms`` (the task is then closed in Redis too,
        so a worker that answers later is refused)."""
        future = self._futures.pop(task.task_id)
        wire = self._wire.pop(task.task_id)
        try:
            async with asyncio.timeout(task.timeout_ms / 1000):
                await self._publish(wire)
                self._ensure_listener()
                return await future
        except TimeoutError:
            won = await self._finish(wire, "timed_out", f"no worker answered within {task.timeout_ms} ms")
            if won is not None:
                return won
            self._close(task.task_id, f"it timed out after {task.timeout_ms} ms")
            raise
        except asyncio.CancelledError:
            self._close(task.task_id, "the agent stopped waiting for it (cancelled)")
            await asyncio.shield(self._finish(wire, "cancelled", None))
            raise
        except _Refused as exc:
            self._close(task.task_id, str(exc))
            return ToolResult.error(str(exc))

    def claim(self, task_id: str, worker: str) -> ExternalTask:
        raise ExternalTaskError(f"task {task_id} refused: on the Redis backend workers take tasks from Redis")

    def complete(
        self,
        task_id: str,
        success: bool,
        result: Any = None,
        error: str | None = None,
        worker: str | None = None,
    ) -> ExternalTask:
        raise ExternalTaskError(f"task {task_id} refused: on the Redis backend workers answer through Redis")

    # -- Redis ---------------------------------------------------------------------------------

    def _conn(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client, self._client_loop = connect_async(self._url), loop
        return self._client

    async def _publish(self, wire: WireTask) -> None:
        """Offer the task once, retrying while the server is unreachable (the caller's timeout bounds it)."""
        delay = 0.05
        while True:
            try:
                client = self._conn()
                if wire.lane not in self._groups:
                    await ensure_group(client, self.keys, wire.lane)
                    self._groups.add(wire.lane)
                keys = [self.keys.task(wire.task_id), self.keys.lane(wire.lane)]
                ttl = wire.timeout_ms + STATE_TTL_MS
                await client.eval(PUBLISH, 2, *keys, wire.to_json(), self.session_id, ttl)
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise _Refused(f"Redis at {self.where} refused the task: {exc}") from None
                log.warning("Redis at %s unreachable (%s); retrying", self.where, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(1.0, delay * 2)

    async def _finish(self, wire: WireTask, state: str, why: str | None) -> ToolResult | None:
        """Close the task in Redis. When an answer beat us to it, that answer (it counts); else None."""
        letter = dead_letter_json(wire, why, 1, "") if why else ""
        keys = [self.keys.task(wire.task_id), self.keys.results(self.session_id), self.keys.dead]
        args: list[str | int] = [
            state,
            "",
            self.session_id,
            wire.task_id,
            RESULTS_MAXLEN,
            STATE_TTL_MS,
            letter,
            self.dead_max,
        ]
        for attempt in range(3):
            try:
                client = self._conn()
                if await client.eval(FINISH, 3, *keys, *args):
                    return None
                stored = await client.hget(self.keys.task(wire.task_id), "result")
            except Exception as exc:
                if not is_transient(exc) or attempt == 2:
                    log.warning("could not close task %s in Redis: %s", wire.task_id, type(exc).__name__)
                    return None
                await asyncio.sleep(0.1 * (attempt + 1))
                continue
            if not stored or state == "cancelled":
                return None
            self._close(wire.task_id, "it was answered as it timed out")
            return _answer(json.loads(stored))
        return None

    def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        """Read this session's result stream while any task waits; each answer wakes its call once."""
        key = self.keys.results(self.session_id)
        delay = 0.05
        try:
            while self._pending:
                try:
                    got: Any = await self._conn().xread({key: self._last_id}, count=100, block=_BLOCK_MS)
                except Exception as exc:
                    log.warning("reading results from %s failed (%s); retrying", self.where, exc)
                    await asyncio.sleep(delay)
                    delay = min(1.0, delay * 2)
                    continue
                delay = 0.05
                for _stream, entries in got or []:
                    for entry_id, fields in entries:
                        self._last_id = entry_id
                        self._deliver(str(fields.get("task_id", "")), str(fields.get("answer", "")))
        finally:
            self._listener = None

    def _deliver(self, task_id: str, raw: str) -> None:
        entry = self._pending.get(task_id)
        if entry is None:
            self.answers_dropped += 1
            log.info("dropped an answer for task %s: not waiting for it (late or duplicate)", task_id)
            return
        task, future = entry
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"success": False, "error": "the worker's answer was not JSON"}
        task.claimed_by = str(data.get("worker") or "") or None
        self._close(task_id, f"it was already answered by {task.claimed_by or 'a worker'}")
        if not future.done():
            future.set_result(_answer(data))

    # -- inspection (synchronous: the sync API and the daemon's handlers call it) ----------------

    def _sync_client(self) -> redis.Redis:
        if self._sync is None:
            self._sync = connect_sync(self._url)
        return self._sync

    def backend_stats(self) -> dict[str, Any]:
        """``{backend, url (masked), lanes: {lane: {depth, pending, consumers: {name: pending}}},
        dead_letters, answers_dropped}``; ``error`` instead of numbers when Redis cannot be read."""
        out: dict[str, Any] = {"backend": "redis", "url": self.where, "answers_dropped": self.answers_dropped}
        try:
            out["lanes"] = {lane: lane_stats(self._sync_client(), self.keys, lane) for lane in EXTERNAL_LANES}
            out["dead_letters"] = int(self._sync_client().xlen(self.keys.dead))
        except Exception as exc:
            out["error"] = f"Redis at {self.where} could not be read: {type(exc).__name__}"
        return out

    def backend_dead_letters(self) -> list[dict[str, Any]]:
        """This session's entries of the shared dead-letter stream, oldest first."""
        try:
            entries: Any = self._sync_client().xrevrange(self.keys.dead, count=self.dead_max)
        except Exception as exc:
            log.warning("reading dead letters from %s failed: %s", self.where, type(exc).__name__)
            return []
        letters = []
        for _id, fields in reversed(entries):
            letter = json.loads(fields.get("letter", "{}"))
            if isinstance(letter, dict) and letter.get("session_id") == self.session_id:
                letters.append(letter)
        return letters


def lane_stats(client: redis.Redis, keys: Keys, lane: str) -> dict[str, Any]:
    """One lane's consumer-group view: ``depth`` (waiting, never delivered), ``pending`` (delivered,
    not acknowledged), and pending per consumer."""
    from redis.exceptions import ResponseError

    try:
        length = int(client.xlen(keys.lane(lane)))
        groups = client.xinfo_groups(keys.lane(lane))
        consumers = client.xinfo_consumers(keys.lane(lane), keys.group)
    except ResponseError:  # no stream or no group yet: nothing waits
        return {"depth": 0, "pending": 0, "consumers": {}}
    group = next((g for g in groups if g.get("name") == keys.group), {})
    pending = int(group.get("pending") or 0)
    # Workers delete what they acknowledge, so the stream holds what waits plus what is pending.
    # (The group's ``lag`` would say the same, but Redis leaves it empty once entries were deleted.)
    return {
        "depth": max(0, length - pending),
        "pending": pending,
        "consumers": {str(c["name"]): int(c["pending"]) for c in consumers},
    }


def _answer(data: dict[str, Any]) -> ToolResult:
    return to_tool_result(bool(data.get("success")), data.get("result"), data.get("error"))


class _Refused(QueueError):
    """Redis refused the task for good (bad password, ACL): reported to the model, not retried."""


def redis_external_tasks(config: SessionQueueConfig, session_id: str, workspace: Path) -> RedisExternalTasks:
    """The Redis backend a ``queue { backend = "redis" }`` config asks for.

    Raises ConfigError when the URL is empty (an unset ``env(...)``) or not a Redis URL.
    """
    url = config.url.get_secret_value() if config.url is not None else ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        what = "is empty (is the variable its env(...) names set?)" if not url else "is not a Redis URL"
        raise ConfigError(
            f"queue.url {what}",
            key="queue.url",
            expected='redis://[user:password@]host:port/db, rediss://... (TLS) or env("A3S_REDIS_URL")',
        )
    return RedisExternalTasks(
        session_id,
        url,
        prefix=config.stream_prefix,
        workspace=str(workspace),
        max_retries=max_retries(config.retry_policy),
        idempotent_tools=tuple(config.idempotent_tools),
        dead_max=config.dlq_max_size,
    )
