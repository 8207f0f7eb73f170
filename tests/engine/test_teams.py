"""Agent teams driven end to end against the fake LLM: plan, concurrent work, review, re-queue."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from a3s_code import Agent
from a3s_code.team import AgentTeam, TeamConfig, TeamError, TeamRunner, TeamTaskBoard
from a3s_code.team.events import (
    TeamEnd,
    TeamOutputRetry,
    TeamPlanned,
    TeamTaskClaimed,
    TeamTaskReviewed,
)
from tests.fakellm import FakeLLM, Turn
from tests.fakellm.team import TeamScript

TASKS = ["Add a User model", "Add a login endpoint", "Write tests for login"]


def make_runner(
    fake: FakeLLM, workspace: Path, workers: int = 2, reviewers: int = 1, **config: int
) -> TeamRunner:
    agent = Agent(fake.config())
    team = AgentTeam("auth", TeamConfig(**config))
    team.add_member("lead", "lead")
    for n in range(1, workers + 1):
        team.add_member(f"worker-{n}", "worker")
    for n in range(1, reviewers + 1):
        team.add_member("reviewer" if n == 1 else f"reviewer-{n}", "reviewer")
    runner = TeamRunner(team)
    for member in team.members:
        runner.bind_session(member, agent.session(workspace))
    return runner


def test_the_board_lifecycle() -> None:
    board = TeamTaskBoard(max_tasks=3)
    first = board.post("Refactor auth", "lead")
    second = board.post("Fix lint", "lead")
    assert first and second and board.post("Pinned", "lead", assign_to="worker-2")
    assert board.post("one too many", "lead") is None
    assert board.stats() == (2, 1, 0, 0, 0)
    task = board.claim("worker-1")
    assert task is not None and (task.id, task.status, task.assigned_to, task.attempts) == (
        first,
        "in_progress",
        "worker-1",
        1,
    )
    assert not board.approve(first)  # only work in review can be approved
    assert board.complete(first, "Refactored to JWT")
    assert board.reject(first, "refresh tokens are missing")
    again = board.claim("worker-2", skip={second})
    assert again is not None and again.id == first and again.attempts == 2
    assert again.feedback == "refresh tokens are missing"
    assert board.complete(first, "Now with refresh tokens") and board.approve(first)
    assert [t.result for t in board.by_status("done")] == ["Now with refresh tokens"]
    assert [t.id for t in board.by_assignee("worker-2")] == [first, board.tasks()[2].id]
    assert board.stats() == (1, 1, 0, 1, 0) and len(board) == 3
    with pytest.raises(TeamError, match="unknown task status"):
        board.by_status("finished")  # type: ignore[arg-type]


async def test_messages_broadcast_and_bounded_channels() -> None:
    team = AgentTeam("t", TeamConfig(channel_buffer=1))
    for member, role in (("lead", "lead"), ("w1", "worker"), ("w2", "worker")):
        team.add_member(member, role)
    with pytest.raises(TeamError, match="already a member"):
        team.add_member("w1", "worker")
    with pytest.raises(TeamError, match="unknown role"):
        team.add_member("x", "boss")
    await team.send_message("lead", "w1", "Focus on the refresh token flow", {"priority": "high"})
    inbox = team.take_receiver("w1")
    assert inbox is not None and team.take_receiver("w1") is None
    msg = inbox.get_nowait()
    assert (msg.sender, msg.to, msg.content, msg.meta) == (
        "lead",
        "w1",
        "Focus on the refresh token flow",
        {"priority": "high"},
    )
    assert await team.broadcast("lead", "stand-up in 5") == 2
    blocked = asyncio.create_task(team.send_message("w2", "w1", "second message"))
    await asyncio.sleep(0.05)
    assert not blocked.done()  # w1's inbox holds channel_buffer=1 unread message
    assert inbox.get_nowait().content == "stand-up in 5"
    await asyncio.wait_for(blocked, 1)
    assert inbox.get_nowait().content == "second message"


async def test_a_whole_run_with_one_rejection(fake_llm: FakeLLM, tmp_path: Path) -> None:
    script = TeamScript(
        TASKS, verdicts={"Write tests for login": ["REJECTED: cover the wrong-password case"]}, delay_s=0.05
    ).install(fake_llm)
    runner = make_runner(fake_llm, tmp_path)
    events = [e async for e in runner.stream_async("Add login to the app")]
    result = runner.last_result
    assert result is not None and result.stop_reason == "done"
    assert sorted(t.description for t in result.done_tasks) == sorted(TASKS)
    assert result.rejected_tasks == [] and result.rounds == 2
    planned = next(e for e in events if isinstance(e, TeamPlanned))
    assert [t.description for t in planned.tasks] == TASKS
    claims = [e for e in events if isinstance(e, TeamTaskClaimed)]
    assert {c.member for c in claims} == {"worker-1", "worker-2"}  # concurrent workers both took work
    assert [(c.description, c.round, c.attempt) for c in claims if c.attempt == 2] == [
        ("Write tests for login", 2, 2)
    ]
    reviews = [(e.verdict, e.feedback) for e in events if isinstance(e, TeamTaskReviewed)]
    assert reviews.count(("rejected", "cover the wrong-password case")) == 1
    assert sum(v == "approved" for v, _ in reviews) == 3
    retry_prompt = [p for p in script.seen["worker"] if p.startswith("Write tests for login")][-1]
    assert "cover the wrong-password case" in retry_prompt
    end = events[-1]
    assert isinstance(end, TeamEnd) and (end.stop_reason, end.done, end.rounds) == ("done", 3, 2)
    assert runner.task_board().stats() == (0, 0, 0, 3, 0)
    done = {t.description: t.result for t in result.done_tasks}
    assert done["Add a User model"] == "Done: Add a User model"


async def test_malformed_lead_output_is_retried_then_reported(fake_llm: FakeLLM, tmp_path: Path) -> None:
    script = TeamScript(TASKS[:1], lead_replies=["Sure! 1. Add a model", '{"tasks": []}']).install(fake_llm)
    runner = make_runner(fake_llm, tmp_path, workers=1)
    events = [e async for e in runner.stream_async("Add a model")]
    retries = [e for e in events if isinstance(e, TeamOutputRetry)]
    assert [(r.role, r.attempt) for r in retries] == [("lead", 1), ("lead", 2)]
    assert "not valid JSON" in retries[0].error and "wrong shape: tasks" in retries[1].error
    assert "not valid JSON" in script.seen["lead"][1]  # the lead is told what was wrong
    assert runner.last_result is not None and runner.last_result.stop_reason == "done"

    fake_llm.script.clear()
    TeamScript(TASKS, lead_replies=["no", "still no", "never"]).install(fake_llm)
    failing = make_runner(fake_llm, tmp_path, workers=1)
    result = await failing.run_until_done_async("Add a model")
    assert result.stop_reason == "error" and result.rounds == 0 and result.done_tasks == []
    assert result.error is not None and "lead 'lead' gave malformed output 3 times" in result.error
    assert len(failing.task_board()) == 0


async def test_max_rounds_reached_is_reported(fake_llm: FakeLLM, tmp_path: Path) -> None:
    TeamScript(["Port the parser to Rust"], default_verdict="REJECTED: it does not compile").install(fake_llm)
    runner = make_runner(fake_llm, tmp_path, workers=1, max_rounds=2)
    result = await runner.run_until_done_async("Port the parser")
    assert (result.stop_reason, result.rounds, result.done_tasks) == ("max_rounds", 2, [])
    [task] = result.rejected_tasks
    assert (task.attempts, task.feedback) == (2, "it does not compile")


async def test_malformed_reviews_are_retried_then_count_as_rejections(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    script = TeamScript(["Rename utils"], verdicts={"Rename utils": ["looks fine", "ok", "yes"]}).install(
        fake_llm
    )
    runner = make_runner(fake_llm, tmp_path, workers=1)
    events = [e async for e in runner.stream_async("Tidy up")]
    retries = [e for e in events if isinstance(e, TeamOutputRetry)]
    assert [(r.role, r.attempt) for r in retries] == [("reviewer", 1), ("reviewer", 2)]
    reviews = [e for e in events if isinstance(e, TeamTaskReviewed)]
    assert reviews[0].verdict == "rejected" and "review failed" in reviews[0].feedback
    assert reviews[1].verdict == "approved"
    assert runner.last_result is not None and runner.last_result.rounds == 2
    assert len(script.seen["reviewer"]) == 4


async def test_reviewers_share_the_reviews(fake_llm: FakeLLM, tmp_path: Path) -> None:
    tasks = [f"Fix bug {n}" for n in range(6)]
    TeamScript(tasks, delay_s=0.05).install(fake_llm)
    runner = make_runner(fake_llm, tmp_path, workers=3, reviewers=2)
    events = [e async for e in runner.stream_async("Fix the bugs")]
    reviews = [e for e in events if isinstance(e, TeamTaskReviewed)]
    assert sorted(e.task_id for e in reviews) == sorted(t.id for t in runner.task_board().tasks())
    assert {e.reviewer for e in reviews} == {"reviewer", "reviewer-2"}
    assert runner.last_result is not None and len(runner.last_result.done_tasks) == 6


async def test_a_cancelled_run_reports_what_it_got_to(fake_llm: FakeLLM, tmp_path: Path) -> None:
    never = asyncio.Event()
    TeamScript(TASKS, worker_turn=lambda _text: Turn.text("too late", gate=never)).install(fake_llm)
    runner = make_runner(fake_llm, tmp_path, workers=2)
    run = asyncio.create_task(runner.run_until_done_async("Add login"))
    async with asyncio.timeout(10):
        while len(fake_llm.requests) < 3:  # the lead, then both workers are waiting on the model
            await asyncio.sleep(0.01)
    run.cancel()
    await asyncio.gather(run, return_exceptions=True)
    result = runner.last_result
    assert result is not None and (result.stop_reason, result.rounds) == ("cancelled", 1)
    assert runner.task_board().stats() == (1, 2, 0, 0, 0)
    assert not any(runner.session_of(w).is_running for w in ("worker-1", "worker-2"))


async def test_binding_mistakes_are_clear(fake_llm: FakeLLM, tmp_path: Path) -> None:
    agent = Agent(fake_llm.config())
    team = AgentTeam("t")
    team.add_member("lead", "lead")
    team.add_member("w", "worker")
    runner = TeamRunner(team)
    session = agent.session(tmp_path)
    runner.bind_session("lead", session)
    with pytest.raises(TeamError, match="already bound to 'lead'"):
        runner.bind_session("w", session)
    with pytest.raises(TeamError, match="not a member"):
        runner.bind_session("ghost", agent.session(tmp_path))
    unbound = TeamRunner(AgentTeam("u"))
    unbound.team.add_member("lead", "lead")
    with pytest.raises(TeamError, match="no session bound for lead"):
        await unbound.run_until_done_async("x")


async def test_members_without_a_session_get_their_own_from_the_leads_agent(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    """The seed binds only the lead; the worker and reviewer then work in sessions of their own."""
    TeamScript(["Write it"]).install(fake_llm)
    team = AgentTeam("t")
    for member, role in (("lead", "lead"), ("w", "worker"), ("r", "reviewer")):
        team.add_member(member, role)
    runner = TeamRunner(team)
    lead = Agent(fake_llm.config()).session(tmp_path)
    runner.bind_session("lead", lead)
    result = await runner.run_until_done_async("x")
    assert [t.description for t in result.done_tasks] == ["Write it"]
    assert [t.assigned_to for t in result.done_tasks] == ["w"] and lead.history and len(lead.history) < 6


async def test_workers_in_their_own_worktrees(fake_llm: FakeLLM, tmp_path: Path) -> None:
    repo = tmp_path / "app"
    repo.mkdir()
    for args in (["init", "-q", "-b", "main"], ["commit", "-q", "--allow-empty", "-m", "init"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True)  # noqa: ASYNC221

    def worker(text: str) -> Turn:
        if text:  # the task: write a file named after it
            return Turn.tool_call("write", {"file_path": "NOTES.md", "content": text})
        return Turn.text("wrote NOTES.md")

    TeamScript(["Write the notes"], worker_turn=worker).install(fake_llm)
    agent = Agent(fake_llm.config())
    team = AgentTeam("docs")
    team.add_member("lead", "lead")
    team.add_member("w1", "worker")
    runner = TeamRunner(team, worktrees=True)
    runner.bind_session("lead", agent.session(repo))
    runner.bind_session("w1", agent.session(repo))
    result = await runner.run_until_done_async("Write notes")
    tree = Path(result.worktrees["w1"])
    assert tree == tmp_path / "app-docs-w1"
    assert (tree / "NOTES.md").read_text() == "Write the notes"
    assert not (repo / "NOTES.md").exists()
    branches = subprocess.run(  # noqa: ASYNC221
        ["git", "branch", "--list", "team/*"], cwd=repo, capture_output=True, text=True
    )
    assert "team/docs-w1" in branches.stdout
