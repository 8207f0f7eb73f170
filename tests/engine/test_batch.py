"""The batch tool: several calls in one model call, concurrent, in order, each checked on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from a3s_code import Agent, SessionOptions
from a3s_code.events import ConfirmationRequired, ToolEnd, ToolStart
from a3s_code.permissions import PermissionPolicy
from a3s_code.ports import ConfirmationRequest
from tests.engine.test_loop import tool_results
from tests.engine.test_queue import SlowTool, Tracker
from tests.fakellm import FakeLLM, Turn


def batch(*calls: tuple[str, dict[str, Any]]) -> Turn:
    return Turn.tool_call("batch", {"invocations": [{"tool": t, "args": a} for t, a in calls]})


async def run(fake: FakeLLM, tmp_path: Path, first: Turn, **opts: Any) -> tuple[Any, list[Any], str]:
    fake.add(first, Turn.text("done"))
    session = Agent(fake.config()).session(tmp_path, SessionOptions(**opts))
    tracker = Tracker()
    session.tools.add(SlowTool(tracker))
    session.tracker = tracker
    events = [e async for e in session.stream_async("go")]
    return session, events, tool_results(fake.requests[1], "anthropic")[0]


async def test_results_come_back_in_order_and_one_failure_does_not_fail_the_rest(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "c.txt").write_text("gamma\n")
    first = batch(
        ("read", {"file_path": "a.txt"}),
        ("read", {"file_path": "missing.txt"}),
        ("read", {"file_path": "c.txt"}),
    )
    _session, events, output = await run(fake_llm, tmp_path, first)
    a, missing, c = output.split("--- [")[1:]
    assert a.startswith("1 / 3: read] ---") and "alpha" in a
    assert missing.startswith("2 / 3: read] ---") and "ERROR: File not found: missing.txt" in missing
    assert c.startswith("3 / 3: read] ---") and "gamma" in c and "2 of 3 calls succeeded" in c
    inner = [e.tool_id for e in events if isinstance(e, ToolStart) and e.tool_name == "read"]
    assert sorted(i.rsplit(".", 1)[1] for i in inner) == ["1", "2", "3"]
    assert next(e for e in events if isinstance(e, ToolEnd) and e.tool_name == "batch").exit_code == 0


async def test_inner_calls_run_concurrently(fake_llm: FakeLLM, tmp_path: Path) -> None:
    first = batch(*[("slow_lookup", {"tag": t, "delay_ms": 200}) for t in "abcd"])
    session, _events, output = await run(fake_llm, tmp_path, first)
    assert session.tracker.peak == 4
    assert [line for line in output.splitlines() if line.startswith("found")] == [
        "found a",
        "found b",
        "found c",
        "found d",
    ]


async def test_permission_rules_apply_to_each_inner_call(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    policy = PermissionPolicy().allow("read").deny("bash")
    first = batch(("read", {"file_path": "a.txt"}), ("bash", {"command": "touch pwned"}))
    _s, _e, output = await run(fake_llm, tmp_path, first, permission_checker=policy)
    assert "alpha" in output and "ERROR: Permission denied" in output
    assert not (tmp_path / "pwned").exists()


class ByFile:
    """Allows writing one.txt, refuses anything else; remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def confirm(self, request: ConfirmationRequest) -> Any:
        self.asked.append(request.args["file_path"])
        return "allow" if request.args["file_path"] == "one.txt" else "deny"


async def test_inner_calls_that_ask_are_confirmed_one_by_one(fake_llm: FakeLLM, tmp_path: Path) -> None:
    human = ByFile()
    first = batch(
        ("write", {"file_path": "one.txt", "content": "1"}),
        ("write", {"file_path": "two.txt", "content": "2"}),
    )
    _s, events, output = await run(fake_llm, tmp_path, first, confirmation=human)
    assert sorted(human.asked) == ["one.txt", "two.txt"]
    assert sum(isinstance(e, ConfirmationRequired) for e in events) == 2
    assert (tmp_path / "one.txt").read_text() == "1" and not (tmp_path / "two.txt").exists()
    assert "ERROR: The user denied running 'write'" in output and "1 of 2 calls succeeded" in output


async def test_batch_cannot_contain_batch(fake_llm: FakeLLM, tmp_path: Path) -> None:
    first = batch(("batch", {"invocations": [{"tool": "ls", "args": {}}]}), ("ls", {}))
    _s, _e, output = await run(fake_llm, tmp_path, first)
    assert "ERROR: batch cannot contain batch" in output and "1 of 2 calls succeeded" in output


async def test_batch_called_directly_runs_its_calls_on_a_one_slot_lane(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = Agent(fake_llm.config(extra="queue {\n  execute_max_concurrency = 1\n}\n")).session(tmp_path)
    calls = [{"tool": "bash", "args": {"command": f"echo {i}"}} for i in range(3)]
    result = await asyncio.wait_for(session.tool_async("batch", {"invocations": calls}), 30)
    assert "3 of 3 calls succeeded" in result.output
