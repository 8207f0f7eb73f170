"""Retry delays, rate limiting and deadline priority boost: the queue's three small policies."""

from __future__ import annotations

import time
from collections import deque

from ..config.models import PriorityBoost, RateLimit, RetryPolicy

_WINDOW_S = {"per_second": 1.0, "per_minute": 60.0, "per_hour": 3600.0}
_BOOST_STEPS = {
    # (fraction of the deadline still left, priority levels gained)
    "standard": ((0.10, 4), (0.25, 3), (0.50, 2), (0.75, 1)),
    "aggressive": ((0.20, 8), (0.40, 6), (0.60, 4), (0.80, 2)),
}


def max_retries(policy: RetryPolicy | None) -> int:
    return 0 if policy is None or policy.strategy == "none" else policy.max_retries


def retry_delay_ms(policy: RetryPolicy, attempt: int) -> int:
    """Delay before retry number ``attempt`` (1-based): doubling from the initial delay, or fixed."""
    if policy.strategy == "fixed":
        return policy.fixed_delay_ms
    return int(min(policy.max_delay_ms, policy.initial_delay_ms * 2 ** (attempt - 1)))


class RateLimiter:
    """At most ``max_operations`` starts per window (sliding), per lane."""

    def __init__(self, limit: RateLimit | None) -> None:
        self.window_s = _WINDOW_S.get(limit.limit_type) if limit is not None else None
        self.max_operations = limit.max_operations if limit is not None else 0
        self._starts: deque[float] = deque()

    def wait_s(self, now: float | None = None) -> float:
        """0 when a start is allowed now, else how long until one is."""
        if self.window_s is None:
            return 0.0
        now = time.monotonic() if now is None else now
        while self._starts and now - self._starts[0] >= self.window_s:
            self._starts.popleft()
        if len(self._starts) < self.max_operations:
            return 0.0
        return self._starts[0] + self.window_s - now

    def record(self, now: float | None = None) -> None:
        if self.window_s is not None:
            self._starts.append(time.monotonic() if now is None else now)


def boost(policy: PriorityBoost | None, submitted: float, deadline_ms: int | None, now: float) -> int:
    """Priority levels a waiting command gains as its deadline nears (0 without a deadline)."""
    if policy is None or policy.strategy == "disabled":
        return 0
    total_ms = deadline_ms if deadline_ms is not None else policy.deadline_ms
    if total_ms <= 0:
        return 0
    left = 1.0 - (now - submitted) * 1000 / total_ms
    for fraction, levels in _BOOST_STEPS[policy.strategy]:
        if left <= fraction:
            return levels
    return 0
