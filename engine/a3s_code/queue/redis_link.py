"""What the session side and the workers share about Redis: key names, connections, the task's wire form,
and the two Lua scripts that make a task's answer happen once.

Keys, under ``stream_prefix`` (``a3s`` by default):

- ``{p}:lane:{lane}``: a stream per external lane; workers read it with the consumer group ``{p}:workers``.
- ``{p}:task:{task_id}``: a hash with the task's ``state`` (queued → running → done | timed_out |
  cancelled | dead), ``runs`` (how many times a worker started it), ``worker`` and, once answered,
  ``result``. Every transition out of queued/running goes through ``FINISH``, so only one answer wins.
- ``{p}:results:{session_id}``: the per-session stream that carries each task's one answer back.
- ``{p}:dead``: the dead-letter stream (tasks past their retries, or that nobody answered in time).

Redis commands and their semantics: https://redis.io/docs/latest/develop/data-types/streams/.
The client is redis-py (``redis.asyncio`` for the task path, the synchronous client for inspection);
it is imported only when a config asks for Redis.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis
    import redis.asyncio

GROUP_SUFFIX = "workers"
RESULTS_MAXLEN = 1000
STATE_TTL_MS = 3_600_000
"""How long a task's state outlives its timeout: long enough to refuse any late answer."""
FINAL_STATES = ("done", "timed_out", "cancelled", "dead")


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***``: the only form that may be logged or shown.

    Parsed by hand, not with ``urlsplit``, so that a malformed URL (an unescaped ``[`` or ``/`` in the
    password) is still masked rather than raising; on doubt it masks more, never less.
    """
    scheme, sep, rest = url.partition("://")
    at = rest.rfind("@")
    if not sep or at < 0:
        return url
    user, colon, _password = rest[:at].partition(":")
    if not colon:
        return url
    return f"{scheme}://{user}:***@{rest[at + 1 :]}"


@dataclass(frozen=True)
class Keys:
    prefix: str = "a3s"

    @property
    def group(self) -> str:
        return f"{self.prefix}:{GROUP_SUFFIX}"

    def lane(self, lane: str) -> str:
        return f"{self.prefix}:lane:{lane}"

    def task(self, task_id: str) -> str:
        return f"{self.prefix}:task:{task_id}"

    def results(self, session_id: str) -> str:
        return f"{self.prefix}:results:{session_id}"

    @property
    def dead(self) -> str:
        return f"{self.prefix}:dead"


@dataclass
class WireTask:
    """One external task as it travels in a lane stream (the entry's ``task`` field, JSON)."""

    task_id: str
    session_id: str
    lane: str
    command_type: str
    """The tool name."""
    payload: dict[str, Any]
    """The tool's arguments."""
    timeout_ms: int
    workspace: str
    """The session's workspace root: a worker maps absolute paths under it onto its own ``--workdir``."""
    max_retries: int = 0
    """Runs after the first that a reclaim may start (the session's ``retry_policy``)."""
    retry_safe: bool = True
    """Whether a task whose worker died mid-run may run again: reads always; execute tools only when
    named in ``idempotent_tools``."""
    created_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WireTask:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a task must be a JSON object")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


FINISH = """
-- KEYS[1] task hash, KEYS[2] results stream, KEYS[3] dead stream (or '' unused)
-- ARGV[1] new state, ARGV[2] answer JSON, ARGV[3] who, ARGV[4] task id, ARGV[5] results maxlen,
-- ARGV[6] results ttl ms, ARGV[7] dead-letter JSON ('' for none), ARGV[8] dead maxlen
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'queued' and state ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'result', ARGV[2], 'answered_by', ARGV[3])
if ARGV[2] ~= '' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'task_id', ARGV[4], 'answer', ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'letter', ARGV[7])
end
return 1
"""
"""Move a queued or running task to a final state, once: the first caller wins, later ones get 0.
The answer (if any) goes to the session's result stream in the same step, so an answer on the
stream always matches the task's final state."""

PUBLISH = """
-- KEYS[1] task hash, KEYS[2] lane stream; ARGV[1] task JSON, ARGV[2] session id, ARGV[3] ttl ms
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'queued', 'runs', 0, 'session_id', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('XADD', KEYS[2], '*', 'task', ARGV[1])
return 1
"""
"""Offer a task once: a publish retried after a lost reply finds the task already there."""

START = """
-- KEYS[1] task hash; ARGV[1] worker. Returns {state, runs} after the attempt.
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'queued' and state ~= 'running' then return {state or 'missing', 0} end
local runs = redis.call('HINCRBY', KEYS[1], 'runs', 1)
redis.call('HSET', KEYS[1], 'state', 'running', 'worker', ARGV[1])
return {state, runs}
"""
"""A worker marks a task running before it runs it; the previous state and the new run count say
whether this is a retry (a previous worker started it and died)."""


def answer_json(success: bool, result: Any = None, error: str | None = None, worker: str = "") -> str:
    return json.dumps({"success": success, "result": result, "error": error, "worker": worker})


def dead_letter_json(task: WireTask, error: str, attempts: int, worker: str) -> str:
    return json.dumps(
        {
            "command_id": task.task_id,
            "command_type": task.command_type,
            "lane": task.lane,
            "session_id": task.session_id,
            "error": error,
            "attempts": attempts,
            "worker": worker,
            "failed_at": time.time(),
        }
    )


def connect_async(url: str) -> redis.asyncio.Redis:
    """A client for the task path. Connection errors surface quickly: the callers retry on their own
    schedule (a task's deadline, a worker's back-off), which a restarting server needs."""
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff

    return aioredis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        health_check_interval=15,
    )


def connect_sync(url: str) -> redis.Redis:
    """A client for inspection (``queue_stats``, ``dead_letters``), which the sync API must answer."""
    import redis as syncredis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return syncredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
    )


def is_transient(exc: BaseException) -> bool:
    """A restarting or unreachable server (retry); a refused password or ACL is not transient."""
    from redis.exceptions import (
        AuthenticationError,
        AuthorizationError,
        BusyLoadingError,
        ConnectionError,
        TimeoutError,
    )

    if isinstance(exc, AuthenticationError | AuthorizationError):
        return False
    return isinstance(exc, ConnectionError | TimeoutError | BusyLoadingError | OSError)


async def ensure_group(client: redis.asyncio.Redis, keys: Keys, lane: str) -> None:
    """Create the lane's stream and consumer group (from the start, so nothing added earlier is missed)."""
    from redis.exceptions import ResponseError

    try:
        await client.xgroup_create(keys.lane(lane), keys.group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
