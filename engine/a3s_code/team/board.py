"""The team's shared task board: open → in_progress → in_review → done | rejected (rejected re-queues).

``TaskBoard`` is the interface; ``TeamTaskBoard`` keeps it in this process, ``RedisTeamBoard``
(``redis_board.py``) in Redis so members in other processes share it.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from ..errors import A3SError

TaskStatus = Literal["open", "in_progress", "in_review", "done", "rejected"]
STATUSES: tuple[TaskStatus, ...] = ("open", "in_progress", "in_review", "done", "rejected")


class TeamError(A3SError):
    code = "team_error"


@dataclass(frozen=True)
class TeamTask:
    """A snapshot; the board holds the live state, so read it again after changes."""

    id: str
    description: str
    posted_by: str
    assigned_to: str | None = None
    status: TaskStatus = "open"
    result: str | None = None
    feedback: str | None = None
    """The reviewer's last rejection, shown to the worker on the next attempt."""
    attempts: int = 0
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)


class TaskBoard(Protocol):
    """What a team's members do with the board. Moves the lifecycle does not allow return False."""

    max_tasks: int

    def post(self, description: str, posted_by: str, assign_to: str | None = None) -> str | None: ...

    def claim(self, member: str, *, skip: Collection[str] = ()) -> TeamTask | None: ...

    def complete(self, task_id: str, result: str, member: str | None = None) -> bool: ...

    def approve(self, task_id: str) -> bool: ...

    def reject(self, task_id: str, feedback: str | None = None) -> bool: ...

    def get(self, task_id: str) -> TeamTask | None: ...

    def tasks(self) -> list[TeamTask]: ...

    def by_status(self, status: TaskStatus) -> list[TeamTask]: ...

    def by_assignee(self, member: str) -> list[TeamTask]: ...

    def stats(self) -> tuple[int, int, int, int, int]: ...

    def __len__(self) -> int: ...


class TeamTaskBoard:
    """Thread-safe, so the seed's synchronous calls and the async runner can share one board."""

    def __init__(self, max_tasks: int = 50) -> None:
        self.max_tasks = max_tasks
        self._tasks: dict[str, TeamTask] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def post(self, description: str, posted_by: str, assign_to: str | None = None) -> str | None:
        """The new task's id; None when the board already holds ``max_tasks``."""
        with self._lock:
            if len(self._tasks) >= self.max_tasks:
                return None
            task_id = f"task-{next(self._ids)}"
            status: TaskStatus = "in_progress" if assign_to else "open"
            self._tasks[task_id] = TeamTask(task_id, description, posted_by, assign_to, status)
            return task_id

    def claim(self, member: str, *, skip: Collection[str] = ()) -> TeamTask | None:
        """The oldest open or rejected task (not in ``skip``), now in progress for ``member``."""
        with self._lock:
            for task in self._tasks.values():
                if task.status in ("open", "rejected") and task.id not in skip:
                    return self._set(
                        task, status="in_progress", assigned_to=member, attempts=task.attempts + 1
                    )
            return None

    def complete(self, task_id: str, result: str, member: str | None = None) -> bool:
        """``member``: only if the task is still assigned to them (another may have taken it over)."""
        task = self.get(task_id)
        if member is not None and (task is None or task.assigned_to != member):
            return False
        return self._move(task_id, ("in_progress",), "in_review", result=result)

    def approve(self, task_id: str) -> bool:
        return self._move(task_id, ("in_review",), "done")

    def reject(self, task_id: str, feedback: str | None = None) -> bool:
        return self._move(task_id, ("in_review",), "rejected", feedback=feedback)

    def get(self, task_id: str) -> TeamTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def tasks(self) -> list[TeamTask]:
        with self._lock:
            return list(self._tasks.values())

    def by_status(self, status: TaskStatus) -> list[TeamTask]:
        return by_status(self.tasks(), status)

    def by_assignee(self, member: str) -> list[TeamTask]:
        return [t for t in self.tasks() if t.assigned_to == member]

    def stats(self) -> tuple[int, int, int, int, int]:
        """(open, in_progress, in_review, done, rejected)."""
        return stats_of(self.tasks())

    def __len__(self) -> int:
        with self._lock:
            return len(self._tasks)

    def _move(
        self, task_id: str, sources: tuple[TaskStatus, ...], target: TaskStatus, **changes: str | None
    ) -> bool:
        """False (nothing changes) when the task is unknown or not in a state that allows the move."""
        with self._lock:
            task = self._tasks.get(task_id)
            if task is None or task.status not in sources:
                return False
            self._set(task, status=target, **changes)
            return True

    def _set(self, task: TeamTask, **changes: object) -> TeamTask:
        updated = replace(task, updated_at=time.time(), **changes)  # type: ignore[arg-type]
        self._tasks[task.id] = updated
        return updated


def by_status(tasks: list[TeamTask], status: TaskStatus) -> list[TeamTask]:
    if status not in STATUSES:
        raise TeamError(f"unknown task status {status!r}; one of {', '.join(STATUSES)}")
    return [t for t in tasks if t.status == status]


def stats_of(tasks: list[TeamTask]) -> tuple[int, int, int, int, int]:
    counts = [sum(1 for t in tasks if t.status == s) for s in STATUSES]
    return counts[0], counts[1], counts[2], counts[3], counts[4]
