"""``a3s/session/rewind``, ``fork`` and ``checkpoints`` through the real daemon and recorded editors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.fakellm import FakeLLM
from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor


async def _send(editor: Editor, session: str, prompt: str, turn_id: str) -> dict[str, object]:
    params = {"sessionId": session, "prompt": prompt, "turnId": turn_id}
    result: dict[str, object] = await editor.request("a3s/session/send", params)
    return result


async def _messages(editor: Editor, session: str) -> int:
    listed = await editor.request("a3s/session/list", {})
    return next(int(s["messages"]) for s in listed["sessions"] if s["sessionId"] == session)


async def test_rewind_restores_the_open_buffer_by_versioned_edit_and_removes_a_created_file(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.tool_call("write", {"file_path": "lib/new.py", "content": "NEW = 1\n"})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "change things", "turn-a")
    assert editor.text(uri) == "x = 1\ny = 3\n" and (project / "lib" / "new.py").exists()

    listed = await editor.request("a3s/session/checkpoints", {"sessionId": session})
    (turn,) = listed["turns"]
    assert turn["turnId"] == "turn-a" and turn["turn"] == 1
    assert sorted(turn["files"]) == ["app.py", "lib/new.py"]
    (started,) = [e for e in editor.events if e["event"]["type"] == "turn_start"]
    assert started["turnId"] == "turn-a" and started["event"]["turn"] == turn["turn"]  # both names show

    edits_before = len(editor.edits)
    result = await editor.request(
        "a3s/session/rewind", {"sessionId": session, "turnId": "turn-a", "files": True, "conversation": True}
    )
    assert sorted(result["restored"]) == ["app.py", "lib/new.py"] and result["conflicts"] == []
    assert editor.text(uri) == "x = 1\ny = 2\n"  # the buffer, through the editor
    (restore,) = editor.edits[edits_before:]
    (change,) = restore.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version is not None
    assert not (project / "lib" / "new.py").exists()
    assert result["messagesRemoved"] > 0 and await _messages(editor, session) == 0
    assert not [m.message for m in editor.client.messages if "Error" in m.message]


async def test_a_buffer_the_user_typed_in_after_the_agent_is_reported_and_kept(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "edit", "t1")
    editor.type(uri, "x = 1\ny = 3\n# the user's line\n")
    await editor.request("a3s/session/list", {})  # the daemon has seen the change once this returns
    result = await editor.request("a3s/session/rewind", {"sessionId": session, "turnId": "t1"})
    assert result["conflicts"] == ["app.py"] and result["restored"] == []
    assert editor.text(uri) == "x = 1\ny = 3\n# the user's line\n"


async def test_fork_makes_a_session_from_before_a_turn(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    fake_llm.text("first answer")
    fake_llm.text("second answer")
    fake_llm.text("the fork's answer")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "one", "t1")
    await _send(editor, session, "two", "t2")
    opened = await editor.request("a3s/session/fork", {"sessionId": session, "turnId": "t2"})
    forked = opened["sessionId"]
    assert forked != session and opened["messages"] == 2 and opened["turns"] == 1
    result = await _send(editor, forked, "two, differently", "f2")
    assert result["text"] == "the fork's answer"
    sent = str(fake_llm.requests[-1]["messages"])
    assert "one" in sent and "second answer" not in sent
    assert await _messages(editor, session) == 4  # the original is untouched


async def test_bad_rewinds_get_an_error_and_the_daemon_goes_on(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    fake_llm.text("hi")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "hello", "t1")
    with pytest.raises(JsonRpcException, match="no checkpoint for turn 'nope'"):
        await editor.request("a3s/session/rewind", {"sessionId": session, "turnId": "nope"})
    with pytest.raises(JsonRpcException, match="turnId"):
        await editor.request("a3s/session/rewind", {"sessionId": session})
    with pytest.raises(JsonRpcException, match="no session"):
        await editor.request("a3s/session/fork", {"sessionId": "missing"})
    assert await _messages(editor, session) == 2


@pytest.fixture(params=CLIENTS[:1])
async def saving_editor(
    request: pytest.FixtureRequest, project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> AsyncIterator[Editor]:
    config = tmp_path / "saving.hcl"
    config.write_text(fake_llm.config(extra=f'sessions_dir = "{tmp_path / "sessions"}"\n'))
    editor = await start_editor(request.param, project, config)
    yield editor
    await stop_editor(editor)


async def test_checkpoints_survive_save_close_and_resume(
    saving_editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    editor = saving_editor
    original = (project / "app.py").read_bytes()
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("write", {"file_path": "app.py", "content": "rewritten = True\n"})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "rewrite", "t1")
    await editor.request("a3s/session/save", {"sessionId": session})
    await editor.request("a3s/session/close", {"sessionId": session})
    await editor.request("a3s/session/resume", {"sessionId": session})
    result = await editor.request("a3s/session/rewind", {"sessionId": session, "turnId": "t1"})
    assert result["restored"] == ["app.py"] and (project / "app.py").read_bytes() == original
