"""The CLI shows a plan once, each step as it starts, a failed step, and the goal as it moves."""

from __future__ import annotations

import io

from a3s_code.cli.render import Renderer
from a3s_code.events import GoalAchieved, GoalExtracted, GoalProgress, PlanningEnd, StepEnd, StepStart
from a3s_code.planning import Plan, PlanStep


def test_plan_steps_and_goal_lines() -> None:
    out = io.StringIO()
    render = Renderer(out, color=False)
    plan = Plan(
        steps=[
            PlanStep(id="a", description="Read the parser"),
            PlanStep(id="b", description="Fix the off-by-one", dependencies=["a"]),
        ]
    )
    step = {
        "step_id": "b",
        "description": "Fix the off-by-one",
        "step_number": 2,
        "total_steps": 2,
        "wave": 2,
    }
    for event in (
        GoalExtracted(goal="The parser handles the last line"),
        PlanningEnd(plan=plan.model_dump(mode="json"), estimated_steps=2, waves=[["a"], ["b"]]),
        StepStart(**step),
        StepEnd(**step, status="failed"),
        GoalProgress(goal="The parser handles the last line", progress=0.5),
        GoalAchieved(goal="The parser handles the last line", total_steps=2, turns=2, duration_ms=10),
    ):
        render.event(event)
    assert out.getvalue().splitlines() == [
        "goal: The parser handles the last line",
        "plan: 2 step(s) in 2 wave(s)",
        "  1. Read the parser",
        "  2. Fix the off-by-one (after a)",
        "▸ step 2/2: Fix the off-by-one",
        "✗ step 2 failed",
        "goal: 50% done",
        "goal achieved: The parser handles the last line",
    ]
