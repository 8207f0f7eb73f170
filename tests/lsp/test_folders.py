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
