"""What a team run reports, as one discriminated union (``type``), for progress displays and the daemon."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

TeamStopReason = Literal["done", "max_rounds", "error", "cancelled"]


class _TeamEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlannedTask(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    description: str


class TeamPlanned(_TeamEvent):
    type: Literal["team_planned"] = "team_planned"
    goal: str
    tasks: list[PlannedTask]
    dropped: int = 0
    """Tasks the lead proposed beyond the board's ``max_tasks``."""


class TeamTaskClaimed(_TeamEvent):
    type: Literal["team_task_claimed"] = "team_task_claimed"
    task_id: str
    member: str
    description: str
    round: int
    attempt: int


class TeamTaskCompleted(_TeamEvent):
    type: Literal["team_task_completed"] = "team_task_completed"
    task_id: str
    member: str
    result: str
    stop_reason: str


class TeamTaskReviewed(_TeamEvent):
    type: Literal["team_task_reviewed"] = "team_task_reviewed"
    task_id: str
    reviewer: str
    verdict: Literal["approved", "rejected"]
    feedback: str


class TeamOutputRetry(_TeamEvent):
    """The lead or reviewer answered in a shape we could not parse; it is asked again."""

    type: Literal["team_output_retry"] = "team_output_retry"
    member: str
    role: Literal["lead", "reviewer"]
    attempt: int
    error: str


class TeamRoundEnd(_TeamEvent):
    type: Literal["team_round_end"] = "team_round_end"
    round: int
    open: int
    in_progress: int
    in_review: int
    done: int
    rejected: int


class TeamEnd(_TeamEvent):
    type: Literal["team_end"] = "team_end"
    stop_reason: TeamStopReason
    rounds: int
    done: int
    rejected: int
    error: str | None = None


TeamEvent = Annotated[
    TeamPlanned
    | TeamTaskClaimed
    | TeamTaskCompleted
    | TeamTaskReviewed
    | TeamOutputRetry
    | TeamRoundEnd
    | TeamEnd,
    Field(discriminator="type"),
]

TEAM_EVENT_ADAPTER: TypeAdapter[TeamEvent] = TypeAdapter(TeamEvent)
