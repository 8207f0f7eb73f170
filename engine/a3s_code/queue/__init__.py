"""The per-session lane queue: priorities, concurrency, retries, dead letters and external workers."""

from __future__ import annotations

from .config import HandlerMode, LaneHandlerConfig, SessionQueueConfig
from .external import ExternalTask, ExternalTaskError
from .lanes import LANES, PRIORITY, QueueError, SessionLane, lane_of_tool, parse_lane
from .metrics import DeadLetter
from .session_queue import SessionLaneQueue

__all__ = [
    "LANES",
    "PRIORITY",
    "DeadLetter",
    "ExternalTask",
    "ExternalTaskError",
    "HandlerMode",
    "LaneHandlerConfig",
    "QueueError",
    "SessionLane",
    "SessionLaneQueue",
    "SessionQueueConfig",
    "lane_of_tool",
    "parse_lane",
]
