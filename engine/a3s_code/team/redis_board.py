"""A team's board, inboxes and roster in Redis, so members in other processes or machines share them.

Keys, under ``{prefix}:team:{name}``:

- ``:order`` (list of task ids, oldest first), ``:seq`` (id counter), ``:task:{id}`` (hash, one task);
- ``:alive:{member}``: set with a time to live by the member's heartbeat (and by each of its claims);
  a task in progress whose member's key expired is claimable again, as is a review in progress;
- ``:members`` (hash member → role), ``:inbox:{member}`` (list of JSON messages), ``:run`` (hash:
  the goal, ``state`` running | finished, ``stop_reason``).

Each move is one Lua script, so two members never both claim a task or a review (Redis runs a
script atomically: https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
The scripts read keys they derive from the prefix, so the team must live on one Redis node (no
Cluster). The board's methods are synchronous like ``TeamTaskBoard``'s; async code calls them in a
thread (``asyncio.to_thread``), which redis-py's connection pool allows.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from .board import TaskStatus, TeamTask, by_status, stats_of
from .team import AgentTeam, TeamConfig, TeamMessage

if TYPE_CHECKING:
    import redis

DEFAULT_TTL_MS = 15_000

_CLAIM = """
-- KEYS[1] order list; ARGV[1] base ('{p}:team:{name}'), ARGV[2] member, ARGV[3] max attempts (0: none),
-- ARGV[4] ttl ms, ARGV[5] 'work' or 'review', ARGV[6..] ids to skip
local base, member, limit, ttl, kind = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local skip = {}
for i = 6, #ARGV do skip[ARGV[i]] = true end
local now = redis.call('TIME')
local stamp = now[1] .. '.' .. string.format('%06d', now[2])
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local key = base .. ':task:' .. id
  local t = redis.call('HMGET', key, 'status', 'assigned_to', 'attempts', 'reviewer')
  local status, owner, attempts, reviewer = t[1], t[2] or '', tonumber(t[3] or '0'), t[4] or ''
  local take = false
  if skip[id] then
    take = false
  elseif kind == 'work' then
    if status == 'open' then take = true
    elseif status == 'rejected' then take = (limit == 0 or attempts < limit)
    elseif status == 'in_progress' and owner ~= '' and owner ~= member then
      take = redis.call('EXISTS', base .. ':alive:' .. owner) == 0
    end
  elseif status == 'in_review' then
    take = reviewer == '' or (reviewer ~= member and redis.call('EXISTS', base .. ':alive:' .. reviewer) == 0)
  end
  if take then
    redis.call('SET', base .. ':alive:' .. member, '1', 'PX', ttl)
    if kind == 'work' then
      redis.call('HSET', key, 'status', 'in_progress', 'assigned_to', member, 'attempts', attempts + 1,
                 'updated_at', stamp)
    else
      redis.call('HSET', key, 'reviewer', member, 'updated_at', stamp)
    end
    return id
  end
end
return false
"""

_MOVE = """
-- KEYS[1] task hash; ARGV[1] allowed sources (comma separated), ARGV[2] target, ARGV[3] required
-- assignee ('' for any), ARGV[4] field JSON object to set
local t = redis.call('HMGET', KEYS[1], 'status', 'assigned_to')
if not t[1] then return 0 end
if not string.find(',' .. ARGV[1] .. ',', ',' .. t[1] .. ',', 1, true) then return 0 end
if ARGV[3] ~= '' and t[2] ~= ARGV[3] then return 0 end
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'reviewer', '', 'updated_at', now[1] .. '.' .. string.format('%06d', now[2]))
for k, v in pairs(cjson.decode(ARGV[4])) do redis.call('HSET', KEYS[1], k, v) end
return 1
"""

_POST = """
-- KEYS[1] order, KEYS[2] seq; ARGV[1] base, ARGV[2] max tasks, ARGV[3..] field/value pairs
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return false end
local id = 'task-' .. redis.call('INCR', KEYS[2])
local key = ARGV[1] .. ':task:' .. id
redis.call('HSET', key, 'id', id, unpack(ARGV, 3))
redis.call('RPUSH', KEYS[1], id)
return id
"""

_PUSH = """
-- KEYS[1] inbox; ARGV[1] message JSON, ARGV[2] capacity. 1 when queued, 0 when full.
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1
"""

_DRAIN = """
local all = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return all
"""


class RedisTeamBoard:
    """``TaskBoard`` in Redis. ``max_attempts`` (the team's ``max_rounds``) bounds how often a rejected
    task is claimed again: across processes there are no rounds to wait for."""

    def __init__(
        self, client: redis.Redis, base: str, max_tasks: int = 50, max_attempts: int = 0, ttl_ms: int = 0
    ) -> None:
        self.client = client
        self.base = base
        self.max_tasks = max_tasks
        self.max_attempts = max_attempts
        self.ttl_ms = ttl_ms or DEFAULT_TTL_MS
        self._order = f"{base}:order"

    def _key(self, task_id: str) -> str:
        return f"{self.base}:task:{task_id}"

    def post(self, description: str, posted_by: str, assign_to: str | None = None) -> str | None:
        now = str(time.time())
        status = "in_progress" if assign_to else "open"
        fields = ["description", description, "posted_by", posted_by, "assigned_to", assign_to or ""]
        fields += ["status", status, "attempts", "0", "created_at", now, "updated_at", now]
        got = self.client.eval(_POST, 2, self._order, f"{self.base}:seq", self.base, self.max_tasks, *fields)
        return str(got) if got else None

    def claim(self, member: str, *, skip: Collection[str] = ()) -> TeamTask | None:
        """The oldest open task, or rejected one with attempts left, or one whose member stopped
        heartbeating; now in progress for ``member``."""
        return self._claim(member, "work", skip)

    def claim_review(self, reviewer: str) -> TeamTask | None:
        """The oldest task in review that nobody (alive) is reviewing; now ``reviewer``'s to judge."""
        return self._claim(reviewer, "review", ())

    def _claim(self, member: str, kind: str, skip: Collection[str]) -> TeamTask | None:
        args: list[str | int] = [self.base, member, self.max_attempts, self.ttl_ms, kind, *skip]
        got = self.client.eval(_CLAIM, 1, self._order, *args)
        return self.get(str(got)) if got else None

    def heartbeat(self, member: str) -> None:
        """Keep ``member``'s claims: call more often than the time to live (``ttl_ms``)."""
        self.client.set(f"{self.base}:alive:{member}", "1", px=self.ttl_ms)

    def complete(self, task_id: str, result: str, member: str | None = None) -> bool:
        return self._move(task_id, "in_progress", "in_review", member or "", result=result)

    def approve(self, task_id: str) -> bool:
        return self._move(task_id, "in_review", "done", "")

    def reject(self, task_id: str, feedback: str | None = None) -> bool:
        return self._move(task_id, "in_review", "rejected", "", feedback=feedback or "")

    def _move(self, task_id: str, sources: str, target: TaskStatus, member: str, **fields: str) -> bool:
        changes = json.dumps(fields)
        return bool(self.client.eval(_MOVE, 1, self._key(task_id), sources, target, member, changes))

    def get(self, task_id: str) -> TeamTask | None:
        data = cast("dict[str, str]", self.client.hgetall(self._key(task_id)))
        return _task(data) if data else None

    def tasks(self) -> list[TeamTask]:
        ids = cast("list[str]", self.client.lrange(self._order, 0, -1))
        pipe = self.client.pipeline(transaction=False)
        for task_id in ids:
            pipe.hgetall(self._key(task_id))
        return [_task(d) for d in pipe.execute() if d]

    def by_status(self, status: TaskStatus) -> list[TeamTask]:
        return by_status(self.tasks(), status)

    def by_assignee(self, member: str) -> list[TeamTask]:
        return [t for t in self.tasks() if t.assigned_to == member]

    def stats(self) -> tuple[int, int, int, int, int]:
        return stats_of(self.tasks())

    def __len__(self) -> int:
        return int(self.client.llen(self._order))

    def clear(self) -> None:
        """Remove every task (a new run on a team whose last run finished)."""
        ids = cast("list[str]", self.client.lrange(self._order, 0, -1))
        self.client.delete(self._order, f"{self.base}:seq", *(self._key(i) for i in ids))

    def exhausted(self, task: TeamTask) -> bool:
        """A rejected task that may not be claimed again."""
        return task.status == "rejected" and 0 < self.max_attempts <= task.attempts


def _task(data: dict[str, str]) -> TeamTask:
    return TeamTask(
        id=data["id"],
        description=data.get("description", ""),
        posted_by=data.get("posted_by", ""),
        assigned_to=data.get("assigned_to") or None,
        status=cast(TaskStatus, data.get("status", "open")),
        result=data.get("result") or None,
        feedback=data.get("feedback") or None,
        attempts=int(data.get("attempts") or 0),
        created_at=float(data.get("created_at") or 0),
        updated_at=float(data.get("updated_at") or 0),
    )


class RedisMailbox:
    """Inboxes as Redis lists; a full inbox makes the sender wait (polling every ``poll_ms``)."""

    def __init__(self, client: redis.Redis, base: str, buffer: int, poll_ms: int) -> None:
        self.client = client
        self.base = base
        self.buffer = buffer
        self.poll_s = poll_ms / 1000

    def open(self, member_id: str) -> None:
        """Inboxes appear with their first message."""

    def close(self, member_id: str) -> None:
        self.client.delete(f"{self.base}:inbox:{member_id}")

    async def put(self, to: str, message: TeamMessage) -> None:
        body = json.dumps(
            {"sender": message.sender, "to": message.to, "content": message.content, "meta": message.meta}
        )
        key = f"{self.base}:inbox:{to}"
        while True:  # another process empties the inbox: nothing here to wait on but time
            if await asyncio.to_thread(self.client.eval, _PUSH, 1, key, body, self.buffer):
                return
            await asyncio.sleep(self.poll_s)

    def take(self, member_id: str) -> asyncio.Queue[TeamMessage] | None:
        from .board import TeamError

        raise TeamError("a team on Redis has no receiver to take; read a member's messages with unread()")

    def drain(self, member_id: str) -> list[TeamMessage]:
        raw = cast("list[str]", self.client.eval(_DRAIN, 1, f"{self.base}:inbox:{member_id}"))
        out = []
        for item in raw:
            data: dict[str, Any] = json.loads(item)
            out.append(TeamMessage(data["sender"], data.get("to"), data["content"], data.get("meta") or {}))
        return out


class RedisRoster:
    def __init__(self, client: redis.Redis, base: str) -> None:
        self.client = client
        self.key = f"{base}:members"

    def load(self) -> dict[str, str]:
        return cast("dict[str, str]", self.client.hgetall(self.key))

    def add(self, member_id: str, role: str) -> bool:
        """Joining again with the same role (a restarted member process) is allowed."""
        if self.client.hsetnx(self.key, member_id, role):
            return True
        return self.client.hget(self.key, member_id) == role

    def remove(self, member_id: str) -> bool:
        return bool(self.client.hdel(self.key, member_id))


def redis_team(
    name: str, url: str, config: TeamConfig | None = None, *, prefix: str = "a3s", ttl_ms: int = 0
) -> AgentTeam:
    """``AgentTeam`` whose board, inboxes and roster live in Redis at ``url`` (``rediss://`` for TLS).

    Every process that calls this with the same ``name`` and server shares one team. Members that
    joined elsewhere appear in ``team.members`` (``refresh_members``).
    """
    from ..queue.redis_link import connect_sync

    config = config or TeamConfig()
    client = connect_sync(url)
    base = f"{prefix}:team:{name}"
    board = RedisTeamBoard(client, base, config.max_tasks, config.max_rounds, ttl_ms)
    mailbox = RedisMailbox(client, base, config.channel_buffer, config.poll_interval_ms)
    return AgentTeam(name, config, board=board, mailbox=mailbox, roster=RedisRoster(client, base))
