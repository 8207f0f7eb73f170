"""An edit the user rewrote in the confirmation (VS Code's diff review): what lands, and what the model hears."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor, plain, start_editor, stop_editor


@pytest.fixture
async def reviewing_editor(project: Path, tmp_path: Path, fake_llm: FakeLLM) -> AsyncIterator[Editor]:
    config = tmp_path / "ask.hcl"
    config.write_text(fake_llm.config(extra='permissions {\n  ask = ["edit"]\n}\n'))
    editor = await start_editor("visual-studio-code", project, config)
    yield editor
    await stop_editor(editor)


def _last_tool_result(fake: FakeLLM) -> str:
    block = fake.requests[-1]["messages"][-1]["content"][0]
    return str(block["content"][0]["text"])


@pytest.mark.parametrize("decision", ["allow", "allow_session"])
async def test_the_text_the_user_approved_is_applied_and_the_model_is_told(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path, decision: str
) -> None:
    editor = reviewing_editor
    asked: list[dict[str, Any]] = []

    def review(params: Any) -> dict[str, Any]:  # the user changes 3 to 30 in the diff, then allows
        asked.append(plain(params))
        return {"decision": decision, "content": "x = 1\ny = 30\n"}

    editor._confirm = review  # type: ignore[method-assign]
    uri = editor.open(project / "app.py")
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    result = await editor.request("a3s/session/send", {"sessionId": session, "prompt": "set y"})
    assert result["stopReason"] == "end_turn"
    assert "+y = 3" in asked[0]["diff"]
    assert editor.text(uri) == "x = 1\ny = 30\n"
    told = _last_tool_result(fake_llm)
    assert "The user changed your proposed edit of app.py" in told and "+y = 30" in told
    received = [e["event"] for e in editor.events if e["event"]["type"] == "confirmation_received"]
    assert [e["decision"] for e in received] == [decision]


async def test_content_with_a_deny_is_still_a_deny(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    editor = reviewing_editor
    editor._confirm = lambda _params: {"decision": "deny", "content": "x = 9\n"}  # type: ignore[method-assign]
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.text("ok")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await editor.request("a3s/session/send", {"sessionId": session, "prompt": "set y"})
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"
    assert "The user denied running 'edit'" in _last_tool_result(fake_llm)
