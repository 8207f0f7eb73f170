"""ACP clients get the planner's plan as a plan update (entries in step order, all pending)."""

from __future__ import annotations

from pathlib import Path

from a3s_code.events import PlanningEnd
from a3s_code.planning import Plan, PlanStep
from a3s_lsp.acp.convert import event_updates


def test_a_plan_becomes_a_plan_update(tmp_path: Path) -> None:
    plan = Plan(
        steps=[
            PlanStep(id="a", description="Read the parser"),
            PlanStep(id="b", description="Fix the off-by-one", dependencies=["a"]),
        ]
    )
    event = PlanningEnd(plan=plan.model_dump(mode="json"), estimated_steps=2, waves=[["a"], ["b"]])
    [update] = event_updates(event, tmp_path, {})
    assert [(e.content, e.status) for e in update.entries] == [
        ("Read the parser", "pending"),
        ("Fix the off-by-one", "pending"),
    ]
