"""Agent edits as workspace edits, confirmations, worktrees and code actions, end to end."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor


async def _turn(editor: Editor, prompt: str) -> tuple[str, dict[str, Any]]:
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    return session, await editor.request("a3s/session/send", {"sessionId": session, "prompt": prompt})


def _tool_ends(editor: Editor, tool: str) -> list[dict[str, Any]]:
    return [
        e["event"]
        for e in editor.events
        if e["event"]["type"] == "tool_end" and e["event"]["tool_name"] == tool
    ]


async def test_an_agent_edit_lands_in_the_open_buffer_and_keeps_unsaved_text(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    editor.type(uri, "x = 1\ny = 2\n# unsaved note\n")
    typed_version = editor.buffers[uri][1]
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.text("done")
    _session, result = await _turn(editor, "set y to 3")
    assert result["stopReason"] == "end_turn"
    assert editor.text(uri) == "x = 1\ny = 3\n# unsaved note\n"
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"
    (change,) = editor.edits[0].edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == typed_version
    assert _tool_ends(editor, "edit")[0]["exit_code"] == 0


async def test_an_edit_after_the_user_typed_keeps_the_unsaved_text(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    gate = asyncio.Event()
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.add(
        Turn.tool_call(
            "edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}, gate=gate
        )
    )
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    send = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "edit"}))
    await editor.wait_for_event(session, "tool_end")
    editor.type(uri, "x = 1\ny = 2\nz = 'typed meanwhile'\n")
    await editor.request("a3s/session/list", {})  # the daemon has seen the change once this returns
    gate.set()
    await asyncio.wait_for(send, 30)
    (end,) = _tool_ends(editor, "edit")
    assert end["exit_code"] == 0, end["output"]
    assert editor.text(uri) == "x = 1\ny = 3\nz = 'typed meanwhile'\n"
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"  # unsaved: the disk is the editor's business


async def test_a_refused_edit_is_reported_to_the_agent_and_the_user(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    editor.refuse = "the user rejected the change"
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"})
    fake_llm.text("understood")
    _session, result = await _turn(editor, "set y to 3")
    assert result["text"] == "understood"
    assert editor.text(uri) == "x = 1\ny = 2\n" and (project / "app.py").read_text() == "x = 1\ny = 2\n"
    (end,) = _tool_ends(editor, "edit")
    assert end["exit_code"] != 0 and "the user rejected the change" in end["output"]
    told_agent = str(fake_llm.requests[-1]["messages"][-1]["content"])
    assert "the user rejected the change" in told_agent
    shown = [m.message for m in editor.client.messages]
    assert any("app.py" in m and "the user rejected the change" in m for m in shown), shown


async def test_a_file_that_is_not_open_is_written_to_disk(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    fake_llm.tool_call("write", {"file_path": "new_module.py", "content": "VALUE = 42\n"})
    fake_llm.text("written")
    await _turn(editor, "create a module")
    assert (project / "new_module.py").read_text() == "VALUE = 42\n"
    assert editor.edits == []
    if editor.flavour.startswith("visual"):
        assert [d.uri for d in editor.client.shown_documents] == [(project / "new_module.py").as_uri()]


@pytest.fixture(params=CLIENTS)
async def asking_editor(
    request: pytest.FixtureRequest, project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> AsyncIterator[Editor]:
    config = tmp_path / "ask.hcl"
    config.write_text(fake_llm.config(extra='permissions {\n  ask = ["bash"]\n}\n'))
    editor = await start_editor(request.param, project, config)
    yield editor
    await stop_editor(editor)


@pytest.mark.parametrize("decision", ["allow", "deny"])
async def test_a_confirmation_decides_whether_the_tool_runs(
    asking_editor: Editor, fake_llm: FakeLLM, project: Path, decision: str
) -> None:
    editor = asking_editor
    editor.decide = lambda _request: decision
    fake_llm.tool_call("bash", {"command": "echo confirmed > proof.txt"})
    fake_llm.text("finished")
    await _turn(editor, "run it")
    assert len(editor.confirmations) == 1
    if editor.flavour.startswith("visual"):  # a3s/confirm: structured
        assert editor.confirmations[0]["tool"] == "bash"
        assert editor.confirmations[0]["args"] == {"command": "echo confirmed > proof.txt"}
    else:  # window/showMessageRequest: one readable message
        assert "bash" in editor.confirmations[0]["message"]
        assert "echo confirmed > proof.txt" in editor.confirmations[0]["message"]
    assert (project / "proof.txt").exists() == (decision == "allow")
    received = [
        e["event"]["decision"] for e in editor.events if e["event"]["type"] == "confirmation_received"
    ]
    assert received == [decision]


@pytest.fixture
def git_project(project: Path) -> Path:
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "."],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
    ):
        subprocess.run(["git", *args], cwd=project, check=True)
    return project


async def test_worktrees_are_created_listed_and_removed(editor: Editor, git_project: Path) -> None:
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    created = await editor.request("a3s/worktree/create", {"sessionId": session, "branch": "feature-x"})
    assert not created["isError"], created["output"]
    path = Path(created["metadata"]["path"])
    assert (path / "app.py").exists()
    listed = await editor.request("a3s/worktree/list", {"sessionId": session})
    assert "feature-x" in listed["output"]
    inside = await editor.request("a3s/session/create", {"workspace": str(path)})
    assert Path(inside["workspace"]) == path.resolve()  # noqa: ASYNC240
    (path / "app.py").write_text("x = 1\ny = 2\nz = 3\n")  # noqa: ASYNC240
    status = await editor.request("a3s/worktree/status", {"sessionId": inside["sessionId"]})
    assert not status["isError"], status["output"]
    assert status["metadata"]["branch"] == "feature-x" and status["metadata"]["is_worktree"] is True
    assert status["metadata"]["dirty_count"] == 1
    removed = await editor.command("a3s.worktree.remove", {"sessionId": session, "path": str(path)})
    assert removed["isError"] and path.exists()  # noqa: ASYNC240 - uncommitted work is not thrown away
    removed = await editor.command(
        "a3s.worktree.remove", {"sessionId": session, "path": str(path), "force": True}
    )
    assert not removed["isError"] and not path.exists()  # noqa: ASYNC240


async def test_code_actions_run_a_turn_with_the_selection_and_diagnostics(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    uri = editor.open(project / "app.py")
    selection = types.Range(
        start=types.Position(line=1, character=0), end=types.Position(line=1, character=5)
    )
    diagnostic = types.Diagnostic(
        range=selection, message="y is never used", severity=types.DiagnosticSeverity.Warning
    )
    actions = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=selection,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert titles == ["A3S: Explain", "A3S: Fix these diagnostics", "A3S: Refactor selection"]
    fix = next(
        a
        for a in actions or []
        if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix
    )
    assert fix.command is not None
    fake_llm.text("fixed")
    result = await editor.command(fix.command.command, *(fix.command.arguments or []))
    assert result["text"] == "fixed"
    prompt = str(fake_llm.requests[-1]["messages"][-1]["content"])
    assert "y is never used" in prompt and "y = 2" in prompt


async def test_an_unanswered_confirmation_times_out_and_is_withdrawn(
    project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> None:
    """The user never answers: the call is refused at the timeout and the question is withdrawn with
    a well-formed ``$/cancelRequest`` (it once failed to serialise, and VS Code showed an error)."""
    config = tmp_path / "ask.hcl"
    extra = 'permissions {\n  ask = ["bash"]\n}\nconfirmation {\n  timeout_ms = 500\n}\n'
    config.write_text(fake_llm.config(extra=extra))
    editor = await start_editor("visual-studio-code", project, config)
    editor.hold = asyncio.Event()
    try:
        fake_llm.tool_call("bash", {"command": "echo confirmed > proof.txt"})
        fake_llm.text("finished")
        await _turn(editor, "run it")
        async with asyncio.timeout(10):
            while not editor.withdrawn:
                await asyncio.sleep(0.02)
    finally:
        editor.hold.set()
        await stop_editor(editor)
    assert len(editor.withdrawn) == 1 and editor.withdrawn[0]["tool"] == "bash"
    assert editor.confirmations == []  # never answered
    assert not (project / "proof.txt").exists()
    received = [e["event"] for e in editor.events if e["event"]["type"] == "confirmation_received"]
    assert [e["decision"] for e in received] == ["timeout"]
