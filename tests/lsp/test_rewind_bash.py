"""Rewinding what a ``bash`` call changed, through the real daemon and recorded editors."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.engine.test_rewind import tree
from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor
from tests.lsp.test_rewind import _send

LIB = "caf\xe9 = 1\r\n".encode("latin-1")
GONE = b"\x00\xff binary\n"
SCRIPT = (
    "sed -i 's/y = 2/y = 3/' app.py && printf 'z = 2\\r\\n' >> lib.py && "
    "printf '\\xe9\\n' > made.txt && rm gone.bin"
)


async def test_rewind_puts_back_the_files_a_bash_call_changed(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    (project / "lib.py").write_bytes(LIB)
    (project / "gone.bin").write_bytes(GONE)
    start = tree(project)
    uri = editor.open(project / "app.py")
    fake_llm.tool_call("bash", {"command": SCRIPT})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "shell edits", "turn-b")
    assert (project / "app.py").read_text() == "x = 1\ny = 3\n" and not (project / "gone.bin").exists()
    editor.type(uri, "x = 1\ny = 3\n")  # an unmodified buffer follows the disk, as editors do

    listed = await editor.request("a3s/session/checkpoints", {"sessionId": session})
    assert sorted(listed["turns"][0]["files"]) == ["app.py", "gone.bin", "lib.py", "made.txt"]
    edits_before = len(editor.edits)
    result = await editor.request("a3s/session/rewind", {"sessionId": session, "turnId": "turn-b"})
    assert sorted(result["restored"]) == ["app.py", "gone.bin", "lib.py", "made.txt"]
    assert result["conflicts"] == [] and result["failed"] == {}
    assert editor.text(uri) == "x = 1\ny = 2\n"  # the open document through a versioned edit
    (restore,) = editor.edits[edits_before:]
    (change,) = restore.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version is not None
    on_disk = tree(project)
    assert {k: v for k, v in on_disk.items() if k != "app.py"} == {
        k: v for k, v in start.items() if k != "app.py"
    }


async def test_a_file_bash_changed_and_the_user_edited_since_is_reported_and_kept(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    (project / "lib.py").write_bytes(LIB)
    (project / "gone.bin").write_bytes(GONE)
    fake_llm.tool_call("bash", {"command": SCRIPT})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _send(editor, session, "shell edits", "t1")
    (project / "lib.py").write_bytes(b"the user's text\n")
    result = await editor.request("a3s/session/rewind", {"sessionId": session, "turnId": "t1"})
    assert result["conflicts"] == ["lib.py"]
    assert sorted(result["restored"]) == ["app.py", "gone.bin", "made.txt"]
    assert (project / "lib.py").read_bytes() == b"the user's text\n"
    assert (project / "gone.bin").read_bytes() == GONE and not (project / "made.txt").exists()
