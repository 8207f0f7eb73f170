"""Planning and goal tracking (``SessionOptions.with_planning`` / ``with_goal_tracking``)."""

from __future__ import annotations

from .model import Goal, GoalCheck, GoalState, Plan, PlanStep
from .planner import LlmPlanner, Planner, PlanningError, parse_reply
from .runner import PlannedTurn, fallback_plan

__all__ = [
    "Goal",
    "GoalCheck",
    "GoalState",
    "LlmPlanner",
    "Planner",
    "Plan",
    "PlanStep",
    "PlannedTurn",
    "PlanningError",
    "fallback_plan",
    "parse_reply",
]
