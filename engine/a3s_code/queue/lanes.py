"""The four lanes of the session queue, their priorities, and which lane a tool call belongs to."""

from __future__ import annotations

from typing import Literal, get_args

from ..errors import A3SError

SessionLane = Literal["control", "query", "execute", "generate"]
LANES: tuple[SessionLane, ...] = get_args(SessionLane)
PRIORITY: dict[SessionLane, int] = {"control": 0, "query": 1, "execute": 2, "generate": 3}
"""Lower runs first: control (pause/resume/cancel) > query (reads) > execute (changes) > generate (LLM)."""
RANK: dict[SessionLane, int] = {"control": 1, "query": 2, "execute": 4, "generate": 5}
"""The scheduler's numbers (as in a3s-lane): a deadline boost of up to 4 (or 8) levels subtracts from
these, so a command about to miss its deadline can overtake a younger command of a better lane."""


def lane_of_tool(name: str, declared: str | None = None) -> SessionLane:
    """A tool's lane: the one it declares (``Tool.lane``); a tool that declares none executes."""
    return "query" if declared == "query" else "execute"


def parse_lane(value: str) -> SessionLane:
    lane = value.strip().lower()
    for known in LANES:
        if lane == known:
            return known
    raise QueueError(f"unknown lane {value!r}; expected one of {', '.join(LANES)}")


class QueueError(A3SError):
    """A queue request that cannot be honoured (unknown lane, bad handler mode, bad payload)."""

    code = "queue_error"
