"""Planning over the daemon: ``a3s/session/create`` turns it on and its events arrive as ``a3s/event``."""

from __future__ import annotations

import json
from typing import Any

from a3s_code.planning.planner import CHECK_SYSTEM, GOAL_SYSTEM, PLAN_SYSTEM
from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor

PLAN = {
    "goal": "y doubled and checked",
    "steps": [
        {"id": "edit", "description": "Double y in app.py"},
        {"id": "check", "description": "Read app.py back", "dependencies": ["edit"]},
    ],
}
GOAL = {"description": "y doubled and checked", "success_criteria": ["y == 4"]}
CHECK = {"achieved": True, "progress": 1.0, "remaining_criteria": []}


def answer(body: dict[str, Any]) -> Turn:
    system = json.dumps(body.get("system"))
    for prompt, reply in ((PLAN_SYSTEM, PLAN), (GOAL_SYSTEM, GOAL), (CHECK_SYSTEM, CHECK)):
        if prompt.splitlines()[0] in system:
            return Turn.text(json.dumps(reply))
    return Turn.text("step done")


async def test_planning_events_reach_the_editor(editor: Editor, fake_llm: FakeLLM) -> None:
    fake_llm.add(*[answer] * 6)
    created = await editor.request("a3s/session/create", {"planning": True, "goalTracking": True})
    session = created["sessionId"]
    result = await editor.request(
        "a3s/session/send", {"sessionId": session, "prompt": "Double y and check it"}
    )
    assert result["stopReason"] == "end_turn" and result["text"] == "step done"
    kinds = [k for k in editor.event_types(session) if k.startswith(("planning", "step", "goal"))]
    assert kinds == [
        "goal_extracted",
        "planning_start",
        "planning_end",
        "step_start",
        "step_end",
        "goal_progress",
        "step_start",
        "step_end",
        "goal_progress",
        "goal_progress",
        "goal_achieved",
    ]
    events = [e["event"] for e in editor.events if e["sessionId"] == session]
    plan_end = next(e for e in events if e["type"] == "planning_end")
    assert plan_end["waves"] == [["edit"], ["check"]] and plan_end["plan"]["steps"][1]["dependencies"] == [
        "edit"
    ]
    step = next(e for e in events if e["type"] == "step_start")
    assert step == {
        "type": "step_start",
        "step_id": "edit",
        "description": "Double y in app.py",
        "step_number": 1,
        "total_steps": 2,
        "wave": 1,
    }
    assert next(e for e in events if e["type"] == "goal_achieved")["goal"] == "y doubled and checked"
