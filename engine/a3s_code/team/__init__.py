"""Agent teams: a lead plans, workers execute in their own sessions, a reviewer approves or re-queues."""

from __future__ import annotations

from .board import STATUSES, TaskStatus, TeamError, TeamTask, TeamTaskBoard
from .events import TEAM_EVENT_ADAPTER, TeamEvent
from .prompts import LeadPlan, MalformedOutput
from .runner import TeamRunner, TeamRunResult
from .team import ROLES, AgentTeam, Team, TeamConfig, TeamMember, TeamMessage, TeamRole

__all__ = [
    "ROLES",
    "STATUSES",
    "TEAM_EVENT_ADAPTER",
    "AgentTeam",
    "LeadPlan",
    "MalformedOutput",
    "TaskStatus",
    "Team",
    "TeamConfig",
    "TeamError",
    "TeamEvent",
    "TeamMember",
    "TeamMessage",
    "TeamRole",
    "TeamRunResult",
    "TeamRunner",
    "TeamTask",
    "TeamTaskBoard",
]
