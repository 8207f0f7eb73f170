"""Several workspace folders: commands and code actions run in the session of the folder that holds
the document, and workspace/didChangeWorkspaceFolders is honoured."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.fakellm import FakeLLM
from tests.lsp.editor import start_editor, stop_editor


async def test_fix_diagnostics_runs_in_the_folder_holding_the_document(
    tmp_path: Path, agent_config: Path, fake_llm: FakeLLM
) -> None:
    frontend, backend = tmp_path / "frontend", tmp_path / "backend"
    for folder in (frontend, backend):
        folder.mkdir()
    (backend / "b.py").write_text("x = 1\ny = undefined_name\n")
    editor = await start_editor("visual-studio-code", frontend, agent_config, folders=[frontend, backend])
    try:
        uri = editor.open(backend / "b.py")
        rng = types.Range(start=types.Position(line=1, character=4), end=types.Position(line=1, character=18))
        diagnostic = types.Diagnostic(range=rng, message="undefined name")
        actions = await editor.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=rng,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        fix = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix")
        assert fix.command is not None
        fake_llm.tool_call("read", {"file_path": "b.py"})
        fake_llm.tool_call("edit", {"file_path": "b.py", "old_string": "undefined_name", "new_string": "x"})
        fake_llm.text("fixed")
        result = await editor.command(fix.command.command, *(fix.command.arguments or []))
        assert result["text"] == "fixed"
        assert editor.text(uri) == "x = 1\ny = x\n"  # not refused as outside the workspace
        sessions = (await editor.request("a3s/session/list", {}))["sessions"]
        assert [Path(s["workspace"]) for s in sessions] == [backend.resolve()]

        # a folder added later gets its own default session; a removed one is no longer chosen
        extra = tmp_path / "extra"
        extra.mkdir()
        editor.client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=extra.as_uri(), name="extra")],
                    removed=[types.WorkspaceFolder(uri=frontend.as_uri(), name="frontend")],
                )
            )
        )
        (extra / "e.py").write_text("z = 1\n")
        fake_llm.text("seen")
        slash = await editor.command("a3s.slash", {"command": "/cost", "uri": (extra / "e.py").as_uri()})
        listed = (await editor.request("a3s/session/list", {}))["sessions"]
        by_id = {s["sessionId"]: Path(s["workspace"]) for s in listed}
        assert by_id[slash["sessionId"]] == extra.resolve()
        plain = await editor.command("a3s.slash", "/cost")  # no document: the first folder, now backend
        assert by_id.get(plain["sessionId"], backend.resolve()) == backend.resolve()
    finally:
        await stop_editor(editor)


async def test_one_session_works_across_both_folders(
    tmp_path: Path, agent_config: Path, fake_llm: FakeLLM
) -> None:
    """A chat session opened in ``frontend`` reads unsaved text in ``backend``, edits its open
    buffer, and follows the folder list: a removed folder is refused from then on."""
    frontend, backend = tmp_path / "C# frontend", tmp_path / "backend"
    for folder in (frontend, backend):
        folder.mkdir()
    (backend / "b.py").write_text("x = 1\ny = undefined_name\n")
    editor = await start_editor("visual-studio-code", frontend, agent_config, folders=[frontend, backend])
    try:
        uri = editor.open(backend / "b.py")
        editor.type(uri, "x = 1\ny = undefined_name  # unsaved note\n")
        opened = await editor.request("a3s/session/create", {"workspace": str(frontend)})
        sid = opened["sessionId"]
        assert [Path(r) for r in opened["roots"]] == [frontend.resolve(), backend.resolve()]
        b = str(backend / "b.py")
        fake_llm.tool_call("grep", {"pattern": "unsaved note", "path": str(backend)})
        fake_llm.tool_call("read", {"file_path": b})
        fake_llm.tool_call("edit", {"file_path": b, "old_string": "undefined_name", "new_string": "x"})
        fake_llm.text("fixed")
        result = await editor.request("a3s/session/send", {"sessionId": sid, "prompt": "fix backend/b.py"})
        assert result["text"] == "fixed"
        grep_result = fake_llm.requests[1]["messages"][-1]["content"][0]["content"]
        assert "b.py:2:y = undefined_name  # unsaved note" in str(grep_result)
        assert editor.text(uri) == "x = 1\ny = x  # unsaved note\n"  # the buffer, not the disk
        assert (backend / "b.py").read_text() == "x = 1\ny = undefined_name\n"

        # an explicit list of roots is used as given and does not follow the folders
        pinned = await editor.request("a3s/session/create", {"workspace": str(frontend), "roots": []})
        assert [Path(r) for r in pinned["roots"]] == [frontend.resolve()]

        extra = tmp_path / "extra"
        extra.mkdir()
        editor.client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=extra.as_uri(), name="extra")],
                    removed=[types.WorkspaceFolder(uri=backend.as_uri(), name="backend")],
                )
            )
        )
        listed = {s["sessionId"]: s for s in (await editor.request("a3s/session/list", {}))["sessions"]}
        assert [Path(r) for r in listed[sid]["roots"]] == [frontend.resolve(), extra.resolve()]
        assert [Path(r) for r in listed[pinned["sessionId"]]["roots"]] == [frontend.resolve()]
        fake_llm.tool_call("read", {"file_path": b})
        fake_llm.text("done")
        await editor.request("a3s/session/send", {"sessionId": sid, "prompt": "read it again"})
        refused = fake_llm.requests[-1]["messages"][-1]["content"][0]
        assert refused.get("is_error") and "outside the workspace" in str(refused["content"])
    finally:
        await stop_editor(editor)
