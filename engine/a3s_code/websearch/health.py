"""Engine health: an engine that fails ``max_failures`` times in a row sits out ``suspend_seconds``.

The rule and its defaults (3 failures, 60 s) are upstream's (a3s-search ``HealthMonitor``): after
the pause the engine gets one probe; a success clears its count, another failure suspends it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _State:
    failures: int = 0
    suspended_until: float = 0.0
    last_error: str = ""


class HealthMonitor:
    def __init__(
        self,
        max_failures: int = 3,
        suspend_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max(1, max_failures)
        self.suspend_seconds = suspend_seconds
        self.clock = clock
        self._states: dict[str, _State] = {}

    def suspended_for(self, engine: str) -> float:
        """Seconds the engine is still suspended (0 when it may be asked)."""
        state = self._states.get(engine)
        return max(0.0, state.suspended_until - self.clock()) if state else 0.0

    def failures(self, engine: str) -> int:
        state = self._states.get(engine)
        return state.failures if state else 0

    def last_error(self, engine: str) -> str:
        state = self._states.get(engine)
        return state.last_error if state else ""

    def record_success(self, engine: str) -> None:
        self._states[engine] = _State()

    def record_failure(self, engine: str, error: str = "") -> None:
        state = self._states.setdefault(engine, _State())
        state.failures += 1
        state.last_error = error
        if state.failures >= self.max_failures:
            state.suspended_until = self.clock() + self.suspend_seconds
