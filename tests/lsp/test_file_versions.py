"""Through the daemon, with an open buffer in a real client's shape: the agent replaces only a version of
a file it has read, and files keep their encoding (the buffer is the editor's text; the disk keeps its
bytes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor

ACCEPT_EDITS = 'permissions {\n  mode = "accept_edits"\n}\n'


@pytest.fixture(params=CLIENTS)
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def editor(flavour: str, project: Path, tmp_path: Path, fake_llm: FakeLLM) -> AsyncIterator[Editor]:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra=ACCEPT_EDITS))
    editor = await start_editor(flavour, project, config)
    yield editor
    await stop_editor(editor)


def _ends(editor: Editor, tool: str) -> list[dict[str, Any]]:
    return [
        e["event"]
        for e in editor.events
        if e["event"]["type"] == "tool_end" and e["event"]["tool_name"] == tool
    ]


async def _turn(editor: Editor, prompt: str) -> dict[str, Any]:
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    return await editor.request("a3s/session/send", {"sessionId": session, "prompt": prompt})


async def test_write_without_a_read_leaves_the_unsaved_buffer_alone(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    editor.type(uri, "x = 1\ny = 2\n# unsaved: the user's text\n")
    fake_llm.tool_call("write", {"file_path": "app.py", "content": "replaced = True\n"})
    fake_llm.text("understood")
    await _turn(editor, "rewrite app.py")
    (end,) = _ends(editor, "write")
    assert end["exit_code"] != 0 and "Read it first" in end["output"]
    assert editor.text(uri) == "x = 1\ny = 2\n# unsaved: the user's text\n"
    assert editor.edits == []
    told = str(fake_llm.requests[-1]["messages"][-1]["content"])
    assert "you have not read it" in told


async def test_typing_between_the_read_and_the_write_refuses_the_write(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    gate = asyncio.Event()
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.add(Turn.tool_call("write", {"file_path": "app.py", "content": "replaced = True\n"}, gate=gate))
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("write", {"file_path": "app.py", "content": "x = 1\ny = 2\nz = 3\nreplaced = True\n"})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    send = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "go"}))
    await editor.wait_for_event(session, "tool_end")
    editor.type(uri, "x = 1\ny = 2\nz = 3\n")
    await editor.request("a3s/session/list", {})  # the daemon has seen the change once this returns
    gate.set()
    await asyncio.wait_for(send, 30)
    first, second = _ends(editor, "write")
    assert first["exit_code"] != 0 and "changed since you last read it" in first["output"]
    assert second["exit_code"] == 0, second["output"]
    assert editor.text(uri) == "x = 1\ny = 2\nz = 3\nreplaced = True\n"
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"  # unsaved: the disk is the editor's


@pytest.mark.parametrize("flavour", CLIENTS[:1], indirect=True)
async def test_an_open_latin1_file_gets_the_right_text_and_a_closed_one_keeps_its_bytes(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    raw = "limit = 10\n# résumé naïve\n".encode("latin-1")
    (project / "open.py").write_bytes(raw)
    (project / "closed.py").write_bytes(raw)
    uri = editor.open(project / "open.py", "limit = 10\n# résumé naïve\n")  # as an editor decodes it
    for name in ("open.py", "closed.py"):
        fake_llm.tool_call(
            "edit", {"file_path": name, "old_string": "limit = 10", "new_string": "limit = 20"}
        )
    fake_llm.text("done")
    await _turn(editor, "raise the limits")
    assert [e["exit_code"] for e in _ends(editor, "edit")] == [0, 0]
    assert editor.text(uri) == "limit = 20\n# résumé naïve\n"
    sent = [e.new_text for p in editor.edits for c in p.edit.document_changes or [] for e in c.edits]  # type: ignore[union-attr]
    assert sent and all("\ufffd" not in text for text in sent)
    assert (project / "open.py").read_bytes() == raw  # the editor saves it, in the encoding it chose
    assert (project / "closed.py").read_bytes() == raw.replace(b"10", b"20")


@pytest.mark.parametrize("flavour", CLIENTS[:1], indirect=True)
async def test_a_buffer_the_editor_decoded_wrongly_is_never_edited(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    raw = "limit = 10\n# résumé\n".encode("latin-1")
    (project / "legacy.py").write_bytes(raw)
    uri = editor.open(project / "legacy.py", raw.decode("utf-8", errors="replace"))  # what VS Code shows
    fake_llm.tool_call(
        "edit", {"file_path": "legacy.py", "old_string": "limit = 10", "new_string": "limit = 20"}
    )
    fake_llm.text("understood")
    await _turn(editor, "raise the limit")
    (end,) = _ends(editor, "edit")
    assert end["exit_code"] != 0 and "U+FFFD" in end["output"] and "Reopen" in end["output"]
    assert editor.edits == [] and editor.text(uri) == raw.decode("utf-8", errors="replace")
    assert (project / "legacy.py").read_bytes() == raw


@pytest.mark.parametrize("flavour", CLIENTS[:1], indirect=True)
async def test_a_patch_the_editor_refuses_in_part_changes_no_file(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    (project / "closed.txt").write_text("alpha\n")
    uri = editor.open(project / "app.py")
    editor.refuse = "the user rejected the change"
    patch = (
        "*** Begin Patch\n*** Update File: closed.txt\n@@\n-alpha\n+ALPHA\n"
        "*** Update File: app.py\n@@\n-y = 2\n+y = 3\n*** End Patch"
    )
    fake_llm.tool_call("patch", {"diff": patch})
    fake_llm.text("understood")
    await _turn(editor, "apply it")
    (end,) = _ends(editor, "patch")
    assert end["exit_code"] != 0 and "the user rejected the change" in end["output"]
    assert "No file was changed" in end["output"]
    assert (project / "closed.txt").read_text() == "alpha\n"
    assert editor.text(uri) == "x = 1\ny = 2\n"
