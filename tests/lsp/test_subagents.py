"""A ``task`` call through the daemon: the child's events arrive as nested ``a3s/event`` payloads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor, start_editor, stop_editor


@pytest.fixture
async def vscode(project: Path, agent_config: Path) -> AsyncIterator[Editor]:
    editor = await start_editor("visual-studio-code", project, agent_config)
    yield editor
    await stop_editor(editor)


async def test_subagent_events_stream_under_the_parent_turn(vscode: Editor, fake_llm: FakeLLM) -> None:
    created = await vscode.request("a3s/session/create", {})
    session = created["sessionId"]
    assert "task" in created["tools"]
    fake_llm.add(
        Turn.tool_call("task", {"agent": "explore", "description": "find x", "prompt": "Where is x set?"}),
        Turn.tool_call("grep", {"pattern": "x ="}),
        Turn.text("app.py line 1 sets x."),
        Turn.text("x is set in app.py."),
    )
    result = await vscode.request("a3s/session/send", {"sessionId": session, "prompt": "where is x?"})
    assert result["text"] == "x is set in app.py." and result["toolCalls"] == 1
    events = [e["event"] for e in vscode.events if e["sessionId"] == session]
    kinds = [e["type"] for e in events]
    start, end = kinds.index("subagent_start"), kinds.index("subagent_end")
    assert kinds.index("tool_start") < start < end < len(kinds) - 1
    assert events[start]["agent"] == "explore" and events[start]["max_steps"] == 20
    nested = [e["event"] for e in events[start + 1 : end]]
    assert {e["type"] for e in events[start + 1 : end]} == {"subagent_event"}
    grep_end = next(n for n in nested if n["type"] == "tool_end")
    assert grep_end["tool_name"] == "grep" and "app.py" in grep_end["output"]
    assert nested[-1]["type"] == "turn_end" and nested[-1]["text"] == "app.py line 1 sets x."
    assert events[end]["success"] is True
    assert vscode.confirmations == []  # delegating asks nothing; the read-only grep needed no answer
