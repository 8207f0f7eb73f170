"""``a3s/team/run`` end to end: a team on the daemon's sessions, progress per task, clear errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.fakellm import FakeLLM, Turn
from tests.fakellm.team import TeamScript
from tests.lsp.editor import Editor, plain, start_editor, stop_editor

TASKS = ["Add a User model", "Add a login endpoint", "Write tests for login"]


@pytest.fixture
async def vscode(project: Path, agent_config: Path) -> AsyncIterator[tuple[Editor, list[dict[str, Any]]]]:
    editor = await start_editor("visual-studio-code", project, agent_config)
    progress: list[dict[str, Any]] = []
    editor.client.feature("a3s/team/progress")(lambda params: progress.append(plain(params)))
    yield editor, progress
    await stop_editor(editor)


async def test_a_team_run_reports_progress_per_task(
    vscode: tuple[Editor, list[dict[str, Any]]], fake_llm: FakeLLM
) -> None:
    editor, progress = vscode
    TeamScript(TASKS, verdicts={"Add a login endpoint": ["REJECTED: hash the password"]}).install(fake_llm)
    result = await editor.request(
        "a3s/team/run",
        {
            "goal": "Add login",
            "runId": "run-1",
            "workers": 2,
            "config": {"maxRounds": 3, "pollIntervalMs": 50},
            "models": {"reviewer": "anthropic/claude-haiku-4-5"},
        },
    )
    assert (result["runId"], result["stopReason"], result["rounds"]) == ("run-1", "done", 2)
    assert sorted(t["description"] for t in result["doneTasks"]) == sorted(TASKS)
    retried = next(t for t in result["doneTasks"] if t["description"] == "Add a login endpoint")
    assert retried["attempts"] == 2 and retried["feedback"] == "hash the password"
    assert [m["role"] for m in result["members"]] == ["lead", "worker", "worker", "reviewer"]

    assert {p["runId"] for p in progress} == {"run-1"}
    kinds = [p["event"]["type"] for p in progress]
    assert kinds[0] == "team_planned" and kinds[-1] == "team_end"
    claimed = [p["event"] for p in progress if p["event"]["type"] == "team_task_claimed"]
    assert len(claimed) == 4 and {c["member"] for c in claimed} == {"worker-1", "worker-2"}
    verdicts = [p["event"]["verdict"] for p in progress if p["event"]["type"] == "team_task_reviewed"]
    assert sorted(verdicts) == ["approved"] * 3 + ["rejected"]
    reviewer_models = {r["model"] for r in fake_llm.requests if "Review the following" in str(r["messages"])}
    assert reviewer_models == {"claude-haiku-4-5"}
    listed = await editor.request("a3s/session/list", {})
    assert listed["sessions"] == []  # member sessions are closed with the run

    # Each member's own work streams too, under its session id with the run as turn id.
    streamed = {e["sessionId"] for e in editor.events if e["turnId"] == "run-1"}
    assert streamed == {m["sessionId"] for m in result["members"]}
    worker = next(m["sessionId"] for m in result["members"] if m["id"] == "worker-1")
    kinds = [e["event"]["type"] for e in editor.events if e["sessionId"] == worker]
    assert kinds[0] == "turn_start" and "text_delta" in kinds and kinds[-1] == "turn_end"


async def test_bad_team_params_are_invalid_params(vscode: tuple[Editor, list[dict[str, Any]]]) -> None:
    editor, _ = vscode
    for params, message in (
        ({"goal": "x", "config": {"maxRound": 3}}, "config.maxRound: Extra inputs are not permitted"),
        ({"goal": "x", "config": {"maxRounds": 0}}, "config.maxRounds"),
        ({"goal": "x", "workers": 0}, "workers: Input should be greater than or equal to 1"),
        ({"goal": "x", "workers": 17}, "workers: Input should be less than or equal to 16"),
        ({"goal": "  "}, "goal: Value error, is empty"),
    ):
        with pytest.raises(JsonRpcException) as info:
            await editor.request("a3s/team/run", params)
        assert info.value.code == -32602 and message in str(info.value.message)


async def test_cancel_request_stops_the_team_and_still_answers(
    vscode: tuple[Editor, list[dict[str, Any]]], fake_llm: FakeLLM
) -> None:
    editor, progress = vscode
    never = asyncio.Event()
    TeamScript(TASKS, worker_turn=lambda _text: Turn.text("too late", gate=never)).install(fake_llm)
    run = asyncio.ensure_future(
        editor.client.protocol.send_request_async(
            "a3s/team/run", {"goal": "Add login", "runId": "run-2"}, msg_id="team-to-cancel"
        )
    )
    async with asyncio.timeout(20):
        while len(fake_llm.requests) < 3:  # the lead's, then both workers' model calls are under way
            await asyncio.sleep(0.02)
    editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="team-to-cancel"))
    result = plain(await asyncio.wait_for(run, 20))
    assert (result["stopReason"], result["doneTasks"]) == ("cancelled", [])
    assert progress[-1]["event"]["type"] == "team_end"
    assert progress[-1]["event"]["stop_reason"] == "cancelled"
    async with asyncio.timeout(10):
        while fake_llm.disconnects < 2:  # both workers' model calls were abandoned
            await asyncio.sleep(0.02)
    assert (await editor.request("a3s/session/list", {}))["sessions"] == []
