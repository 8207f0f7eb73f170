"""The user types while an agent edit is in flight: no buffer is corrupted, the agent is told the truth.

Each client as it really behaves (tests/lsp/editor.py): VS Code refuses a stale versioned edit,
Neovim drops it and still answers ``applied: true`` (and skips the check for version 0), eglot
refuses it with an error and sends its didChange late, from an idle timer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor, start_editor, stop_editor

ORIGINAL = "x = 1\ny = 2\n"
TYPED = "# the user's new first line\nx = 1\ny = 2\n"


async def _edit_turn(editor: Editor, fake: FakeLLM, *edits: tuple[str, str]) -> dict[str, Any]:
    fake.tool_call("read", {"file_path": "app.py"})
    for old, new in edits:
        fake.tool_call("edit", {"file_path": "app.py", "old_string": old, "new_string": new})
    fake.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    return await editor.request("a3s/session/send", {"sessionId": session, "prompt": "edit"})


def _edit_ends(editor: Editor) -> list[dict[str, Any]]:
    return [
        e["event"]
        for e in editor.events
        if e["event"].get("tool_name") == "edit" and e["event"]["type"] == "tool_end"
    ]


@pytest.fixture
async def started(project: Path, agent_config: Path) -> Any:
    editors: list[Editor] = []

    async def start(flavour: str, **kw: Any) -> Editor:
        editor = await start_editor(flavour, project, agent_config, **kw)
        editors.append(editor)
        return editor

    yield start
    for editor in editors:
        await stop_editor(editor)


async def test_a_client_without_versioned_edits_gets_no_edit_to_an_open_buffer(
    started: Any, fake_llm: FakeLLM, project: Path
) -> None:
    caps = client_capabilities("visual-studio-code")
    assert caps.workspace is not None
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities()  # no documentChanges
    editor = await started("visual-studio-code", capabilities=caps)
    uri = editor.open(project / "app.py")
    await _edit_turn(editor, fake_llm, ("y = 2", "y = 3"))
    (end,) = _edit_ends(editor)
    assert end["exit_code"] != 0 and "versioned" in end["output"]
    assert editor.edits == [] and editor.text(uri) == ORIGINAL
    assert "versioned" in str(fake_llm.requests[-1]["messages"][-1]["content"])


@pytest.mark.parametrize(
    ("flavour", "opened_at"),
    [("visual-studio-code", 1), ("neovim@v0.7.0", 0), ("neovim@v0.7.0", 1), ("emacs", 0)],
)
async def test_a_line_typed_while_the_edit_is_in_flight_is_kept_and_the_agent_told(
    started: Any, fake_llm: FakeLLM, project: Path, flavour: str, opened_at: int
) -> None:
    editor = await started(flavour)
    uri = editor.open(project / "app.py", version=opened_at)

    def user_types() -> None:
        editor.before_edit = None
        editor.type(uri, TYPED)

    editor.before_edit = user_types
    await _edit_turn(editor, fake_llm, ("y = 2", "y = 3"))
    assert editor.text(uri) == TYPED  # not "x = 1" lost, not a line off
    (end,) = _edit_ends(editor)
    assert end["exit_code"] != 0, end["output"]
    assert "read" in end["output"] and "app.py" in end["output"]
    (sent,) = editor.edits
    (change,) = sent.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    # Neovim skips its staleness check for version 0: the daemon never sends it 0
    wanted = max(opened_at, 1) if flavour.startswith("neovim") else opened_at
    assert change.text_document.version == wanted


async def test_eglot_late_did_change_an_applied_edit_is_reported_applied_and_the_next_edit_works(
    started: Any, fake_llm: FakeLLM, project: Path
) -> None:
    editor = await started("emacs")
    uri = editor.open(project / "app.py", version=0)
    editor.late_did_change = 4.0  # longer than the daemon's verification wait
    gate = asyncio.Event()
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.add(
        Turn.tool_call(
            "edit", {"file_path": "app.py", "old_string": "x = 1", "new_string": "x = 0"}, gate=gate
        )
    )
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    send = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "edit"}))
    async with asyncio.timeout(30):
        while len([e for e in editor.events if e["event"]["type"] == "tool_end"]) < 3:
            await asyncio.sleep(0.05)
    reads = [
        e["event"]
        for e in editor.events
        if e["event"].get("tool_name") == "read" and e["event"]["type"] == "tool_end"
    ]
    assert "y = 3" in reads[1]["output"]  # the agent sees its applied edit before the didChange came
    await asyncio.sleep(4.5)  # the late didChange arrives
    gate.set()
    await asyncio.wait_for(send, 30)
    ends = _edit_ends(editor)
    assert [e["exit_code"] for e in ends] == [0, 0], ends
    assert editor.text(uri) == "x = 0\ny = 3\n"
