"""The seed's synchronous Python API, used the way a script would, against the fake LLM."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from a3s_code import A3SError, Agent, SessionOptions, ToolError
from tests.fakellm import FakeLLM, Turn


def test_agent_from_file_and_string_and_sync_send(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    fake_llm_thread.add(Turn.text("from a file"), Turn.text("from a string"))
    assert Agent(str(config)).session(tmp_path).send("hi").text == "from a file"
    result = Agent.create(fake_llm_thread.config()).session(str(tmp_path)).send("hi")
    assert str(result) == "from a string" and result.total_tokens == 120


def test_sync_stream_yields_events_with_event_type(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.add(Turn.text("streaming words arrive in pieces"))
    session = Agent(fake_llm_thread.config()).session(tmp_path)
    pieces = [e.text for e in session.stream("go") if e.event_type == "text_delta"]
    assert len(pieces) > 1 and "".join(pieces) == "streaming words arrive in pieces"


def test_direct_tools_bypass_the_llm(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("# TODO: tidy\nprint('hi')\n")
    session = Agent(fake_llm_thread.config()).session(tmp_path)
    assert session.read_file("src/main.py") == "# TODO: tidy\nprint('hi')\n"
    assert session.bash("echo $((6 * 7))") == "42"
    assert "src/main.py" in session.glob("**/*.py")
    assert "src/main.py:1" in session.grep("TODO")
    result = session.tool("edit", {"file_path": "src/main.py", "old_string": "'hi'", "new_string": "'hello'"})
    assert not result.is_error and "'hello'" in (tmp_path / "src" / "main.py").read_text()
    assert session.tool("nope", {}).output.startswith("Unknown tool: nope")
    with pytest.raises(ToolError, match="File not found"):
        session.read_file("missing.txt")
    assert fake_llm_thread.requests == []


def test_options_as_keywords_and_bad_workspace(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    agent = Agent(fake_llm_thread.config())
    session = agent.session(tmp_path, SessionOptions(role="You are terse"), max_tool_rounds=3)
    assert session.options.max_tool_rounds == 3 and session.options.role == "You are terse"
    with pytest.raises(TypeError, match="unknown session option"):
        agent.session(tmp_path, colour="red")
    with pytest.raises(A3SError, match="not a directory"):
        agent.session(tmp_path / "missing")
    with pytest.raises(A3SError, match="provider 'nobody' not found"):
        agent.session(tmp_path, model="nobody/x")


async def test_blocking_calls_inside_asyncio_point_to_the_async_api(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = Agent(fake_llm.config()).session(tmp_path)
    with pytest.raises(A3SError, match="send_async"):
        session.send("hi")
    fake_llm.add(Turn.text("async ok"))
    assert (await session.send_async("hi")).text == "async ok"
    assert asyncio.get_running_loop() is not None
