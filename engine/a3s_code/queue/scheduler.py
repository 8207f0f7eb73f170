"""SessionLaneQueue: every tool call (and model call) of a session takes a slot in its lane first.

A caller waits for a slot, runs its work in its own task (so cancellation and context stay with
the caller), then frees the slot. Slots go to the waiting command with the best priority: its
lane's (control > query > execute > generate), raised as its deadline nears. Each lane has its
own concurrency limit and rate limit; the control lane is never paused.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ..events import AgentEvent, QueueAlert
from .config import LaneHandlerConfig, SessionQueueConfig
from .lanes import LANES, RANK, SessionLane
from .metrics import DeadLetter, QueueMetrics
from .policies import RateLimiter, boost

T = TypeVar("T")
log = logging.getLogger("a3s_code.queue")
Observer = Callable[[AgentEvent], None]


@dataclass
class _Waiter:
    lane: SessionLane
    seq: int
    command_type: str
    submitted: float
    deadline_ms: int | None
    granted: asyncio.Future[None]


class SlotQueue:
    """Priority scheduling of lane slots, pause/resume, and the bookkeeping stats and alerts read."""

    def __init__(self, config: SessionQueueConfig, session_id: str) -> None:
        self.config = config
        self.session_id = session_id
        self.handlers: dict[SessionLane, LaneHandlerConfig] = {lane: LaneHandlerConfig() for lane in LANES}
        self.observers: list[Observer] = []
        self.metrics = QueueMetrics()
        self.dead: list[DeadLetter] = []
        self.paused = False
        self._seq = itertools.count(1)
        self._waiting: dict[SessionLane, list[_Waiter]] = {lane: [] for lane in LANES}
        self._active: dict[SessionLane, int] = dict.fromkeys(LANES, 0)
        self._limiters = {lane: RateLimiter(config.rate_limit) for lane in LANES}
        self._pressured: set[SessionLane] = set()
        self._timer: asyncio.TimerHandle | None = None
        self.started: list[tuple[SessionLane, str]] = []
        """Start order of the last 100 commands (lane, command type): what priority decided."""
        self._widened: dict[SessionLane, int] = {}

    def limit(self, lane: SessionLane) -> int:
        return max(self.config.max_concurrency(lane), self._widened.get(lane, 0))

    @contextlib.contextmanager
    def widened(self, lane: SessionLane, width: int) -> Iterator[None]:
        """Let ``width`` commands of ``lane`` run at once for a while, unless the user set that
        lane's limit: a plan's parallel wave must not queue its model calls behind each other."""
        if f"{lane}_max_concurrency" in self.config.model_fields_set:
            yield
            return
        before = self._widened.get(lane)
        self._widened[lane] = max(width, before or 0)
        self._dispatch()
        try:
            yield
        finally:
            if before is None:
                self._widened.pop(lane, None)
            else:
                self._widened[lane] = before

    # -- slots ---------------------------------------------------------------------------------

    async def acquire(self, lane: SessionLane, command_type: str, deadline_ms: int | None = None) -> float:
        """Wait for a slot in ``lane``; returns how long the wait was (ms). Pair with ``release``."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(
            lane, next(self._seq), command_type, time.monotonic(), deadline_ms, loop.create_future()
        )
        self._waiting[lane].append(waiter)
        self.metrics.lanes[lane].submitted += 1
        self._check_pressure(lane)
        self._dispatch()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                self.release(lane)
            elif waiter in self._waiting[lane]:
                self._waiting[lane].remove(waiter)
                self._check_pressure(lane)
            raise
        wait_ms = (time.monotonic() - waiter.submitted) * 1000
        self.metrics.lanes[lane].waits_ms.append(wait_ms)
        return wait_ms

    def release(self, lane: SessionLane) -> None:
        self._active[lane] -= 1
        self._dispatch()

    def pause(self) -> None:
        """Hold every lane but control: waiting commands stay queued, running ones finish."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self._dispatch()

    def _dispatch(self) -> None:
        now = time.monotonic()
        retry_in: float | None = None
        while True:
            best: _Waiter | None = None
            best_key: tuple[int, int] | None = None
            for lane in LANES:
                if not self._waiting[lane] or self._active[lane] >= self.limit(lane):
                    continue
                if self.paused and lane != "control":
                    continue
                wait = self._limiters[lane].wait_s(now)
                if wait > 0:
                    retry_in = wait if retry_in is None else min(retry_in, wait)
                    continue
                for waiter in self._waiting[lane]:
                    key = (self._priority(waiter, now), waiter.seq)
                    if best_key is None or key < best_key:
                        best, best_key = waiter, key
            if best is None:
                break
            self._grant(best, now)
        if retry_in is not None and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(retry_in, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()

    def _grant(self, waiter: _Waiter, now: float) -> None:
        self._waiting[waiter.lane].remove(waiter)
        self._active[waiter.lane] += 1
        self._limiters[waiter.lane].record(now)
        self.started = [*self.started[-99:], (waiter.lane, waiter.command_type)]
        if not waiter.granted.done():
            waiter.granted.set_result(None)
        self._check_pressure(waiter.lane)

    def _priority(self, waiter: _Waiter, now: float) -> int:
        return RANK[waiter.lane] - boost(
            self.config.priority_boost, waiter.submitted, waiter.deadline_ms, now
        )

    # -- observers, pressure, dead letters -----------------------------------------------------

    def notify(self, event: AgentEvent, emit: Observer | None = None) -> None:
        if emit is not None:
            emit(event)
        for observer in list(self.observers):
            try:
                observer(event)
            except Exception:  # a broken observer must not strand the command that told it
                log.exception("queue observer failed on %s", event.type)

    def _check_pressure(self, lane: SessionLane) -> None:
        threshold = self.config.pressure_threshold or (50 if self.config.enable_alerts else None)
        if threshold is None:
            return
        depth = len(self._waiting[lane])
        if depth >= threshold and lane not in self._pressured:
            self._pressured.add(lane)
            message = f"{lane} lane has {depth} commands waiting (threshold {threshold})"
            self.notify(
                QueueAlert(level="warning", alert_type="pressure", lane=lane, pending=depth, message=message)
            )
        elif depth == 0 and lane in self._pressured:
            self._pressured.discard(lane)
            message = f"{lane} lane drained"
            self.notify(QueueAlert(level="info", alert_type="idle", lane=lane, pending=0, message=message))

    def dead_letter(self, letter: DeadLetter) -> None:
        self.metrics.lanes[letter.lane].dead_lettered += 1  # type: ignore[index]
        if not self.config.enable_dlq:
            return
        self.dead.append(letter)
        limit = self.config.dlq_max_size
        if limit is not None and len(self.dead) > limit:
            del self.dead[: len(self.dead) - limit]

    def stats(self, external_pending: int) -> dict[str, Any]:
        lanes = {
            lane: {
                "pending": len(self._waiting[lane]),
                "active": self._active[lane],
                "max_concurrency": self.limit(lane),
                "handler": self.handlers[lane].mode,
            }
            for lane in LANES
        }
        return {
            "total_pending": sum(v["pending"] for v in lanes.values()),
            "total_active": sum(v["active"] for v in lanes.values()),
            "external_pending": external_pending,
            "paused": self.paused,
            "dead_letters": len(self.dead),
            "lanes": lanes,
        }


async def run_in_slot(
    slots: SlotQueue, lane: SessionLane, command_type: str, work: Callable[[], Awaitable[T]]
) -> T:
    """Run ``work`` holding a slot in ``lane`` (no retries, no dead letters: for the model calls)."""
    await slots.acquire(lane, command_type)
    started = time.monotonic()
    try:
        return await work()
    finally:
        slots.metrics.lanes[lane].runs_ms.append((time.monotonic() - started) * 1000)
        slots.metrics.lanes[lane].completed += 1
        slots.release(lane)
