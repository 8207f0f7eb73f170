"""``SessionQueueConfig``: the HCL ``queue`` block plus what only code can set (control lane, handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..config.models import PriorityBoost, QueueConfig, RateLimit, RetryPolicy
from .lanes import SessionLane

HandlerMode = Literal["internal", "external", "hybrid"]


@dataclass(frozen=True)
class LaneHandlerConfig:
    """internal runs here; external waits up to ``timeout_ms`` for a worker; hybrid runs here and tells observers."""

    mode: HandlerMode = "internal"
    timeout_ms: int = 60_000


class SessionQueueConfig(QueueConfig):
    """Field names follow the seed's struct; the builders follow its Python class (``with_*`` where a
    field of the same name exists)."""

    control_max_concurrency: int = Field(default=1, ge=1)

    @classmethod
    def of(cls, model: QueueConfig | None) -> SessionQueueConfig:
        if isinstance(model, SessionQueueConfig):
            return model
        # exclude_unset: which limits the user set is what lets a plan widen the others
        return cls.model_validate(model.model_dump(exclude_unset=True) if model is not None else {})

    def max_concurrency(self, lane: SessionLane) -> int:
        return int(getattr(self, f"{lane}_max_concurrency"))

    def with_lane_features(self) -> SessionQueueConfig:
        """Dead letters (1000), metrics, alerts and a 60 s command timeout, as the seed's preset."""
        self.enable_dlq, self.dlq_max_size = True, self.dlq_max_size or 1000
        self.enable_metrics = self.enable_alerts = True
        self.default_timeout_ms = self.default_timeout_ms or 60_000
        return self

    def set_query_concurrency(self, n: int) -> SessionQueueConfig:
        self.query_max_concurrency = max(1, n)
        return self

    def set_execute_concurrency(self, n: int) -> SessionQueueConfig:
        self.execute_max_concurrency = max(1, n)
        return self

    def set_generate_concurrency(self, n: int) -> SessionQueueConfig:
        self.generate_max_concurrency = max(1, n)
        return self

    def with_dlq(self, max_size: int | None = None) -> SessionQueueConfig:
        self.enable_dlq, self.dlq_max_size = True, max_size
        return self

    def with_metrics(self) -> SessionQueueConfig:
        self.enable_metrics = True
        return self

    def with_alerts(self) -> SessionQueueConfig:
        self.enable_alerts = True
        return self

    def set_timeout(self, ms: int) -> SessionQueueConfig:
        self.default_timeout_ms = ms
        return self

    def with_retry_policy(self, policy: RetryPolicy) -> SessionQueueConfig:
        self.retry_policy = policy
        return self

    def with_rate_limit(self, limit: RateLimit) -> SessionQueueConfig:
        self.rate_limit = limit
        return self

    def with_priority_boost(self, boost: PriorityBoost) -> SessionQueueConfig:
        self.priority_boost = boost
        return self

    def with_pressure_threshold(self, depth: int) -> SessionQueueConfig:
        self.pressure_threshold = depth
        return self
