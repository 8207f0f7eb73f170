"""Per-lane counters and latency percentiles (``queue_metrics``) and the dead-letter list."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from .lanes import LANES

_SAMPLES = 1000


@dataclass
class DeadLetter:
    """A command that failed for good: retries used up, or no worker answered in time."""

    command_id: str
    command_type: str
    lane: str
    error: str
    attempts: int
    failed_at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _LaneMetrics:
    submitted: int = 0
    completed: int = 0
    failed: int = 0
    retried: int = 0
    dead_lettered: int = 0
    timed_out: int = 0
    waits_ms: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES))
    runs_ms: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES))


class QueueMetrics:
    def __init__(self) -> None:
        self.lanes = {lane: _LaneMetrics() for lane in LANES}

    def snapshot(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for lane, m in self.lanes.items():
            out[lane] = {
                "submitted": m.submitted,
                "completed": m.completed,
                "failed": m.failed,
                "retried": m.retried,
                "dead_lettered": m.dead_lettered,
                "timed_out": m.timed_out,
                "wait_ms": percentiles(m.waits_ms),
                "run_ms": percentiles(m.runs_ms),
            }
        return out


def percentiles(samples: deque[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"p50": at(0.50), "p90": at(0.90), "p95": at(0.95), "p99": at(0.99)}
