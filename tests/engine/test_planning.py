"""Planning and goal tracking against the fake LLM: waves run in parallel, events come in order,
malformed plans are retried, and a goal is followed across turns (and a restart)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.events import AgentEvent, ErrorEvent, GoalAchieved, GoalProgress, PlanningEnd, StepEnd, TurnEnd
from a3s_code.planning.planner import CHECK_SYSTEM, GOAL_SYSTEM, PLAN_SYSTEM
from tests.fakellm import FakeLLM, Turn

PLAN = {
    "goal": "A report of the file counts",
    "complexity": "Medium",
    "steps": [
        {"id": "py", "description": "Count the Python files", "dependencies": []},
        {"id": "md", "description": "Count the Markdown files", "dependencies": []},
        {"id": "report", "description": "Write both counts to report.txt", "dependencies": ["py", "md"]},
    ],
}


def last_text(body: dict[str, Any]) -> str:
    """The newest user text in a request (tool results are skipped)."""
    for message in reversed(body["messages"]):
        content = message["content"]
        if message["role"] != "user":
            continue
        if isinstance(content, str):
            return content
        texts = [b["text"] for b in content if b.get("type") == "text"]
        if texts:
            return "\n".join(texts)
    return ""


def is_tool_result(body: dict[str, Any]) -> bool:
    content = body["messages"][-1]["content"]
    return isinstance(content, list) and any(b.get("type") == "tool_result" for b in content)


def kind(body: dict[str, Any]) -> str:
    system = json.dumps(body.get("system", ""))
    for name, prompt in (("plan", PLAN_SYSTEM), ("goal", GOAL_SYSTEM), ("check", CHECK_SYSTEM)):
        if prompt.splitlines()[0] in system:
            return name
    return "work"


def router(answer: Callable[[str, dict[str, Any]], Turn]) -> Callable[[dict[str, Any]], Turn]:
    return lambda body: answer(kind(body), body)


def session_for(fake: FakeLLM, root: Path, options: SessionOptions) -> Any:
    return Agent(fake.config()).session(root, options)


@pytest.mark.parametrize(
    "lanes", ["", "queue {\n  generate_max_concurrency = 2\n}\n"], ids=["default-lanes", "two-model-calls"]
)
async def test_two_independent_steps_run_in_parallel_then_the_dependent_one(
    fake_llm: FakeLLM, tmp_path: Path, lanes: str
) -> None:
    gate = asyncio.Event()

    def answer(k: str, body: dict[str, Any]) -> Turn:
        text = last_text(body)
        if k == "plan":
            return Turn.text(json.dumps(PLAN))
        if "Execute step 1 of 3 (py)" in text:
            return Turn.text("3 Python files.", gate=gate)
        if "Execute step 2 of 3 (md)" in text:
            return Turn.text("2 Markdown files.", gate=gate)
        if is_tool_result(body):
            return Turn.text("Wrote report.txt with both counts.")
        return Turn.tool_call("write", {"file_path": "report.txt", "content": "python=3 markdown=2\n"})

    fake_llm.add(*[router(answer)] * 5)
    # The generate lane allows one model call at a time by default; a parallel wave widens it.
    agent = Agent(fake_llm.config(extra=lanes))
    session = agent.session(tmp_path, SessionOptions().with_planning(True))
    events: list[AgentEvent] = []

    async def consume() -> None:
        async for event in session.stream_async("Report how many Python and Markdown files there are"):
            events.append(event)

    turn = asyncio.create_task(consume())
    try:
        # Both independent steps reach the model before either is answered (generous bound for a loaded CI).
        async with asyncio.timeout(60):
            while sum("Execute step" in last_text(r) for r in fake_llm.requests) < 2:
                await asyncio.sleep(0.01)
        assert not any(isinstance(e, StepEnd) for e in events)
    finally:
        gate.set()
    await asyncio.wait_for(turn, 60)

    kinds = [e.type for e in events if e.type.startswith(("planning", "step", "turn"))]
    assert kinds[:4] == ["turn_start", "planning_start", "planning_end", "step_start"]
    assert kinds[4] == "step_start" and kinds[5:7] == ["step_end", "step_end"]
    assert kinds[7:] == ["step_start", "step_end", "turn_end"]
    plan_end = next(e for e in events if isinstance(e, PlanningEnd))
    assert plan_end.waves == [["py", "md"], ["report"]] and plan_end.estimated_steps == 3
    waves = {e.step_id: e.wave for e in events if isinstance(e, StepEnd)}
    assert waves == {"py": 1, "md": 1, "report": 2}

    merged = last_text(next(r for r in fake_llm.requests if "Execute step 3 of 3" in last_text(r)))
    assert "executed in parallel" in merged
    assert "3 Python files." in merged and "2 Markdown files." in merged
    assert (tmp_path / "report.txt").read_text() == "python=3 markdown=2\n"
    end = events[-1]
    assert isinstance(end, TurnEnd) and end.text == "Wrote report.txt with both counts."
    assert end.stop_reason == "end_turn" and end.tool_calls == 1
    assert end.usage.input_tokens == 5 * 100  # the planner and every step are counted
    assert [s.status for s in session.plan.steps] == ["completed"] * 3


async def test_a_malformed_plan_is_sent_back_with_the_problem_then_used(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    bad_dependency = {"steps": [{"id": "a", "description": "Do it", "dependencies": ["ghost"]}]}
    replies = iter(
        ["Sure! First I will look around, then fix it.", json.dumps(bad_dependency), json.dumps(PLAN)]
    )

    def answer(k: str, body: dict[str, Any]) -> Turn:
        if k == "plan":
            return Turn.text(f"```json\n{next(replies)}\n```")
        return Turn.text("done: " + last_text(body).splitlines()[-1])

    fake_llm.add(*[router(answer)] * 7)
    session = session_for(fake_llm, tmp_path, SessionOptions().with_planning(True))
    result = await session.send_async("Count the files")
    plan_requests = [r for r in fake_llm.requests if kind(r) == "plan"]
    assert len(plan_requests) == 3
    assert "contains no JSON object" in last_text(plan_requests[1])
    assert "depends on unknown step(s) ['ghost']" in last_text(plan_requests[2])
    assert result.stop_reason == "end_turn" and len(session.plan.steps) == 3


async def test_a_plan_that_never_validates_is_reported_and_the_request_still_runs(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    def answer(k: str, body: dict[str, Any]) -> Turn:
        return Turn.text("no plan from me") if k == "plan" else Turn.text("Answered directly.")

    fake_llm.add(*[router(answer)] * 4)
    session = session_for(fake_llm, tmp_path, SessionOptions().with_planning(True))
    events = [e async for e in session.stream_async("Rename foo to bar")]
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].code == "planning_failed" and errors[0].recoverable
    assert "no valid Plan in 3 attempt(s)" in errors[0].message
    assert events[-1].text == "Answered directly." and events[-1].stop_reason == "end_turn"
    assert last_text(fake_llm.requests[-1]) == "Rename foo to bar"
    assert len(fake_llm.requests) == 4


async def test_goal_tracked_across_two_turns_and_a_restart(fake_llm: FakeLLM, tmp_path: Path) -> None:
    goal = {"description": "A CLI with --help and --version", "success_criteria": ["--help", "--version"]}
    checks = iter(
        [
            {"achieved": False, "progress": 0.5, "remaining_criteria": ["--version"]},
            {"achieved": True, "progress": 1.0, "remaining_criteria": []},
        ]
    )

    def answer(k: str, body: dict[str, Any]) -> Turn:
        if k == "goal":
            return Turn.text(json.dumps(goal))
        if k == "check":
            return Turn.text(json.dumps(next(checks)))
        return Turn.text("Added --help." if "help" in last_text(body) else "Added --version.")

    fake_llm.add(*[router(answer)] * 5)
    store = tmp_path / "sessions"
    options = SessionOptions().with_goal_tracking(True).with_file_session_store(str(store))
    session = session_for(fake_llm, tmp_path, options)
    first = [
        e async for e in session.stream_async("Build a CLI with --help and --version; start with --help")
    ]
    assert [e.type for e in first if e.type.startswith("goal")] == ["goal_extracted", "goal_progress"]
    progress = next(e for e in first if isinstance(e, GoalProgress))
    assert progress.progress == 0.5 and progress.remaining_criteria == ["--version"]
    await session.save_async()

    resumed = Agent(fake_llm.config()).resume_session(
        session.session_id, SessionOptions().with_goal_tracking(True).with_file_session_store(str(store))
    )
    second = [e async for e in resumed.stream_async("Now add --version")]
    assert [e.type for e in second if e.type.startswith("goal")] == ["goal_progress", "goal_achieved"]
    achieved = next(e for e in second if isinstance(e, GoalAchieved))
    assert achieved.goal == "A CLI with --help and --version" and achieved.turns == 2
    assert [kind(r) for r in fake_llm.requests] == ["goal", "work", "check", "work", "check"]
    assert "Current State: Added --version." in last_text(fake_llm.requests[-1])
    assert resumed.goal is not None and resumed.goal.achieved


async def test_the_plan_survives_save_and_resume(fake_llm: FakeLLM, tmp_path: Path) -> None:
    def answer(k: str, body: dict[str, Any]) -> Turn:
        return Turn.text(json.dumps(PLAN)) if k == "plan" else Turn.text("ok")

    fake_llm.add(*[router(answer)] * 5)
    options = SessionOptions().with_planning(True).with_file_session_store(str(tmp_path / "sessions"))
    session = session_for(fake_llm, tmp_path, options)
    await session.send_async("Report the file counts")
    await session.save_async()
    resumed = Agent(fake_llm.config()).resume_session(session.session_id, options)
    assert resumed.plan is not None and [s.id for s in resumed.plan.steps] == ["py", "md", "report"]
    assert [s.status for s in resumed.plan.steps] == ["completed"] * 3
    assert resumed.plan.steps[0].result == "ok"


async def test_a_failed_step_stops_the_plan_and_the_request_stays_in_the_history(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    def answer(k: str, body: dict[str, Any]) -> Turn:
        if k == "plan":
            return Turn.text(json.dumps(PLAN))
        if "(md)" in last_text(body):
            return Turn.error(400)  # every attempt, until the circuit breaker gives up
        return Turn.text("3 Python files.")

    fake_llm.add(*[router(answer)] * 12)
    session = session_for(fake_llm, tmp_path, SessionOptions().with_planning(True))
    events = [e async for e in session.stream_async("Report the file counts")]
    ends = {e.step_id: e.status for e in events if isinstance(e, StepEnd)}
    assert ends == {"py": "completed", "md": "failed"}  # the dependent step never started
    assert events[-1].stop_reason == "error"
    assert not any("Execute step 3" in last_text(r) for r in fake_llm.requests)
    assert session.history[0].text().startswith("Report the file counts")
    assert session.history[-1].text() == "[the plan stopped: a step ended with error]"


async def test_cancelling_while_planning_keeps_the_request(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("{}", gate=asyncio.Event()))  # the planner never answers
    session = session_for(fake_llm, tmp_path, SessionOptions().with_planning(True))
    turn = asyncio.create_task(session.send_async("Refactor the parser"))
    async with asyncio.timeout(60):
        while not fake_llm.requests:
            await asyncio.sleep(0.01)
    assert session.cancel()
    result = await asyncio.wait_for(turn, 30)
    assert result.stop_reason == "cancelled"
    assert [m.text() for m in session.history] == ["Refactor the parser", "[cancelled by the user]"]


async def test_a_generate_limit_the_user_set_holds_during_a_parallel_wave(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    gate = asyncio.Event()

    def answer(k: str, body: dict[str, Any]) -> Turn:
        text = last_text(body)
        if k == "plan":
            return Turn.text(json.dumps(PLAN))
        if "Execute step" in text and "3 of 3" not in text:
            return Turn.text("counted", gate=gate)
        return Turn.text("Report written.")

    fake_llm.add(*[router(answer)] * 4)
    agent = Agent(fake_llm.config(extra="queue {\n  generate_max_concurrency = 1\n}\n"))
    session = agent.session(tmp_path, SessionOptions().with_planning(True))
    turn = asyncio.create_task(session.send_async("Report how many Python and Markdown files there are"))
    steps = lambda: sum("Execute step" in last_text(r) for r in fake_llm.requests)  # noqa: E731
    async with asyncio.timeout(60):
        while steps() < 1:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    assert steps() == 1, "with generate_max_concurrency = 1 the second step waits for the first"
    gate.set()
    result = await asyncio.wait_for(turn, 60)
    assert steps() == 3 and result.text == "Report written."
