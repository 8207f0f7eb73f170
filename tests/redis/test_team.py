"""Agent teams on Redis: the board's rules on both backends, atomic claims, dead members, messages,
and a whole run by member processes (lead, two workers, reviewer) against the fake LLM."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from a3s_code import Agent
from a3s_code.team import TeamConfig, TeamError, TeamRunner, TeamTaskBoard
from a3s_code.team.board import TaskBoard
from a3s_code.team.member import MemberLoop
from a3s_code.team.redis_board import RedisTeamBoard, redis_team
from tests.fakellm import FakeLLM
from tests.fakellm.team import TeamScript

from .server import RedisServer
from .workers import ROOT


@pytest.fixture(params=["local", "redis"])
def board(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[TaskBoard]:
    if request.param == "local":
        yield TeamTaskBoard(max_tasks=3)
    else:
        yield RedisTeamBoard(redis.Redis.from_url(redis_server.url, decode_responses=True), "t:team:x", 3)


def test_the_board_lifecycle_is_the_same_in_process_and_on_redis(board: TaskBoard) -> None:
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
    assert not board.complete(first, "not mine", member="worker-2")
    assert board.complete(first, "Refactored to JWT", member="worker-1")
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


def test_concurrent_claims_take_each_task_once(redis_server: RedisServer) -> None:
    def board() -> RedisTeamBoard:  # each claimant has its own connection, like another process
        return RedisTeamBoard(redis.Redis.from_url(redis_server.url, decode_responses=True), "a3s:team:c", 40)

    poster = board()
    ids = {poster.post(f"task {n}", "lead") for n in range(40)}
    claimed: dict[str, list[str]] = {}
    start = threading.Barrier(6)

    def claimant(name: str) -> None:
        mine = board()
        start.wait()
        while (task := mine.claim(name)) is not None:
            claimed.setdefault(task.id, []).append(name)

    threads = [threading.Thread(target=claimant, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert set(claimed) == ids and all(len(who) == 1 for who in claimed.values())


def test_a_dead_members_task_and_review_become_claimable_again(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    board = RedisTeamBoard(client, "a3s:team:d", ttl_ms=300)
    task_id = board.post("Port the parser", "lead")
    assert (claimed := board.claim("w1")) is not None and claimed.id == task_id
    assert board.claim("w2") is None  # w1 is alive (its claim counts as a heartbeat)
    time.sleep(0.45)  # w1 stops heartbeating: it died
    taken = board.claim("w2")
    assert taken is not None and (taken.id, taken.assigned_to, taken.attempts) == (task_id, "w2", 2)
    assert not board.complete(task_id, "late answer from w1", member="w1")
    assert board.complete(task_id, "ported", member="w2")
    assert (review := board.claim_review("r1")) is not None and review.id == task_id
    assert board.claim_review("r2") is None
    board.heartbeat("r1")
    time.sleep(0.2)
    assert board.claim_review("r2") is None  # r1 still beats
    time.sleep(0.45)
    assert (review := board.claim_review("r2")) is not None and review.id == task_id
    assert board.approve(task_id) and board.get(task_id).status == "done"  # type: ignore[union-attr]


async def test_messages_between_processes_and_bounded_inboxes(redis_server: RedisServer) -> None:
    lead_side = redis_team("chat", redis_server.url, TeamConfig(channel_buffer=1, poll_interval_ms=20))
    lead_side.add_member("lead", "lead")
    lead_side.add_member("w1", "worker")
    worker_side = redis_team("chat", redis_server.url)  # another process joining the same team
    late = redis_team("chat", redis_server.url)
    assert {m.id: m.role for m in worker_side.members.values()} == {"lead": "lead", "w1": "worker"}
    await lead_side.send_message("lead", "w1", "Focus on the refresh token flow", {"priority": "high"})
    blocked = asyncio.create_task(lead_side.send_message("lead", "w1", "second"))
    await asyncio.sleep(0.15)
    assert not blocked.done()  # w1's inbox holds channel_buffer=1 unread message
    [msg] = worker_side.unread("w1")
    assert (msg.sender, msg.to, msg.content, msg.meta) == (
        "lead",
        "w1",
        "Focus on the refresh token flow",
        {"priority": "high"},
    )
    await asyncio.wait_for(blocked, 2)
    assert [m.content for m in worker_side.unread("w1")] == ["second"]
    with pytest.raises(TeamError, match="no receiver to take"):
        worker_side.take_receiver("w1")
    worker_side.add_member("w2", "worker")
    with pytest.raises(TeamError, match="another role"):
        late.add_member("w2", "reviewer")  # it joined elsewhere meanwhile, as a worker


TASKS = ["Add a User model", "Add a login endpoint", "Write tests for login"]


@pytest.mark.timeout(300)
def test_a_team_of_member_processes_finishes_a_goal(
    redis_server: RedisServer, fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    verdicts = {"Write tests for login": ["REJECTED: cover the wrong-password case"]}
    script = TeamScript(TASKS, verdicts=verdicts, delay_s=0.3).install(fake_llm_thread)
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    env = {**os.environ, "A3S_REDIS_URL": redis_server.url}

    def member(name: str, role: str, *extra: str) -> subprocess.Popen[bytes]:
        args = [sys.executable, "-m", "a3s_code.cli", "team-member", "--team", "auth", "--member", name]
        args += ["--role", role, "-c", str(config), "-w", str(tmp_path), "--poll-ms", "50", *extra]
        err = (tmp_path / f"{name}.err").open("wb")
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)

    others = {
        name: member(name, role)
        for name, role in [("worker-1", "worker"), ("worker-2", "worker"), ("reviewer", "reviewer")]
    }
    deadline = time.monotonic() + 180  # four processes loading a provider SDK on a busy machine
    while not all("joined team" in (tmp_path / f"{n}.err").read_text() for n in others):
        assert time.monotonic() < deadline, [(tmp_path / f"{n}.err").read_text() for n in others]
        time.sleep(0.05)
    lead = member("lead", "lead", "--goal", "Add login to the app")
    try:
        lead_out, _ = lead.communicate(timeout=150)
        outputs = {name: proc.communicate(timeout=30)[0] for name, proc in others.items()}
    finally:
        for proc in (lead, *others.values()):
            if proc.poll() is None:
                proc.kill()
    assert lead.returncode == 0, (tmp_path / "lead.err").read_text()
    assert all(proc.returncode == 0 for proc in others.values())
    end = json.loads(lead_out.decode().splitlines()[-1])
    assert (end["type"], end["stop_reason"], end["done"], end["rejected"]) == ("team_end", "done", 3, 0)
    events = {name: [json.loads(line) for line in out.decode().splitlines()] for name, out in outputs.items()}
    claims = {
        name: [e["description"] for e in evs if e["type"] == "team_task_claimed"]
        for name, evs in events.items()
    }
    assert claims["worker-1"] and claims["worker-2"]  # both processes took work
    assert sorted(claims["worker-1"] + claims["worker-2"]) == sorted([*TASKS, "Write tests for login"])
    reviews = [(e["verdict"], e["feedback"]) for e in events["reviewer"] if e["type"] == "team_task_reviewed"]
    assert sorted(reviews) == [("approved", "looks right")] * 3 + [
        ("rejected", "cover the wrong-password case")
    ]
    retry_prompt = [p for p in script.seen["worker"] if p.startswith("Write tests for login")][-1]
    assert "cover the wrong-password case" in retry_prompt


def test_the_redis_team_sample_in_the_docs_runs(redis_server: RedisServer, tmp_path: Path) -> None:
    page = (ROOT / "docs" / "teams.md").read_text()
    [sample] = [s for s in re.findall(r"```python\n(.*?)```", page, re.S) if "redis_team(" in s]
    code = sample.replace("redis://:secret@redis-host:6379/0", redis_server.url)
    code += "\nprint(sorted(team.members), len(board))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "['worker-2'] 0"
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    assert client.hgetall("a3s:team:refactor-auth:members") == {"worker-2": "worker"}


async def test_a_second_goal_on_the_same_team_starts_from_a_clean_board(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    agent = Agent(fake_llm.config())
    config = TeamConfig(poll_interval_ms=20)

    def member(name: str, role: str) -> MemberLoop:
        team = redis_team("reused", redis_server.url, config)  # each member as if in its own process
        if name not in team.members:
            team.add_member(name, role)
        runner = TeamRunner(team)
        runner.bind_session(name, agent.session(tmp_path))
        return MemberLoop(runner, name, lambda _e: None)

    for goal, tasks in (("first goal", ["Task A"]), ("second goal", ["Task B", "Task C"])):
        fake_llm.script.clear()
        TeamScript(tasks).install(fake_llm)
        worker = asyncio.create_task(member("worker-1", "worker").serve())  # joins before the lead
        await asyncio.sleep(0.1)
        result = await asyncio.wait_for(member("lead", "lead").serve(goal), 30)
        await asyncio.wait_for(worker, 10)  # it took part, so it stops when the run finishes
        assert result is not None and result.stop_reason == "done"
        assert sorted(t.description for t in result.done_tasks) == tasks  # nothing left from before
