"""Per-hunk review and the turn's aggregate diff, through the real daemon (docs/review.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor, plain, start_editor, stop_editor

LINES = [f"line {n}" for n in range(1, 13)]
TWO_HUNKS = (
    "--- a/notes.txt\n+++ b/notes.txt\n"
    "@@ -1,3 +1,3 @@\n-line 1\n+LINE ONE\n line 2\n line 3\n"
    "@@ -10,3 +10,3 @@\n line 10\n line 11\n-line 12\n+LINE TWELVE\n"
)


@pytest.fixture
async def reviewing_editor(project: Path, tmp_path: Path, fake_llm: FakeLLM) -> AsyncIterator[Editor]:
    config = tmp_path / "ask.hcl"
    config.write_text(fake_llm.config(extra='permissions {\n  ask = ["patch", "write"]\n}\n'))
    editor = await start_editor("visual-studio-code", project, config)
    editor.ready: list[dict[str, Any]] = []  # type: ignore[attr-defined]
    editor.client.feature("a3s/turn/diffReady")(lambda params: editor.ready.append(plain(params)))  # type: ignore[attr-defined]
    yield editor
    await stop_editor(editor)


def _told(fake: FakeLLM) -> str:
    block = fake.requests[-1]["messages"][-1]["content"][0]
    return str(block["content"][0]["text"])


def _answer_with(editor: Editor, pick: Any) -> list[dict[str, Any]]:
    asked: list[dict[str, Any]] = []

    def review(params: Any) -> dict[str, Any]:
        asked.append(plain(params))
        return pick(asked[-1])

    editor._confirm = review  # type: ignore[method-assign]
    return asked


async def _turn(editor: Editor, session: str, prompt: str = "edit the notes") -> dict[str, Any]:
    result: dict[str, Any] = await editor.request(
        "a3s/session/send", {"sessionId": session, "prompt": prompt}
    )
    return result


@pytest.mark.parametrize("opened", [False, True], ids=["on-disk", "open-document"])
async def test_only_the_accepted_hunk_lands_and_the_model_hears_which_was_rejected(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path, opened: bool
) -> None:
    editor = reviewing_editor
    target = project / "notes.txt"
    target.write_text("\n".join(LINES) + "\n")
    uri = editor.open(target) if opened else None
    asked = _answer_with(editor, lambda p: {"decision": "allow", "acceptedHunks": [p["hunks"][1]["id"]]})
    fake_llm.tool_call("patch", {"diff": TWO_HUNKS})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    assert (await _turn(editor, session))["stopReason"] == "end_turn"

    hunks = asked[0]["hunks"]
    assert [(h["file"], h["oldStart"], h["oldLines"]) for h in hunks] == [
        ("notes.txt", 1, 4),
        ("notes.txt", 9, 4),
    ]
    assert "+LINE ONE" in hunks[0]["text"] and "+LINE TWELVE" in hunks[1]["text"]
    expected = "\n".join([*LINES[:11], "LINE TWELVE"]) + "\n"
    assert (editor.text(uri) if uri else target.read_text()) == expected
    told = _told(fake_llm)
    assert f"rejected {hunks[0]['id']}" in told and "NOT applied" in told and "+LINE TWELVE" in told
    assert "+LINE ONE" in told.split("What was applied")[0]  # shown as rejected, not as applied


async def test_a_latin1_crlf_file_keeps_its_bytes_outside_the_accepted_hunk(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    editor = reviewing_editor
    target = project / "notes.txt"
    lines = ["# café", *LINES[1:]]
    target.write_bytes("\r\n".join(lines).encode("latin-1") + b"\r\n")
    _answer_with(editor, lambda p: {"decision": "allow", "acceptedHunks": [p["hunks"][0]["id"]]})
    patch = TWO_HUNKS.replace("-line 1\n+LINE ONE", "-# café\n+# CAFÉ")
    fake_llm.tool_call("patch", {"diff": patch})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _turn(editor, session)
    assert target.read_bytes() == "\r\n".join(["# CAFÉ", *LINES[1:]]).encode("latin-1") + b"\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        {"decision": "allow", "acceptedHunks": []},
        {"decision": "allow", "acceptedHunks": ["h-not-offered"]},
        {"decision": "allow", "acceptedHunks": ["x"], "content": "whole text\n"},
    ],
    ids=["none-accepted", "unknown-id", "both-content-and-hunks"],
)
async def test_answers_that_accept_nothing_or_make_no_sense_change_nothing(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path, answer: dict[str, Any]
) -> None:
    editor = reviewing_editor
    target = project / "notes.txt"
    original = "\n".join(LINES) + "\n"
    target.write_text(original)
    _answer_with(editor, lambda _p: answer)
    fake_llm.tool_call("patch", {"diff": TWO_HUNKS})
    fake_llm.text("ok")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    assert (await _turn(editor, session))["stopReason"] == "end_turn"
    assert target.read_text() == original
    told = _told(fake_llm)
    if answer.get("acceptedHunks") == []:
        assert "rejected every hunk" in told and "+LINE ONE" in told
    elif "content" in answer:
        assert "The user denied running 'patch'" in told
    else:
        assert "h-not-offered" in told


async def test_a_one_hunk_change_is_not_offered_hunk_by_hunk(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    editor = reviewing_editor
    asked = _answer_with(editor, lambda _p: {"decision": "allow"})
    fake_llm.tool_call("write", {"file_path": "new.txt", "content": "hello\n"})
    fake_llm.text("ok")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    await _turn(editor, session)
    assert asked[0]["hunks"] is None and "+hello" in asked[0]["diff"]
    assert (project / "new.txt").read_text() == "hello\n"


async def test_the_turn_diff_holds_every_file_the_turn_changed(
    reviewing_editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    editor = reviewing_editor
    (project / "notes.txt").write_text("\n".join(LINES) + "\n")
    (project / "old.txt").write_text("bye\n")
    _answer_with(editor, lambda _p: {"decision": "allow"})
    fake_llm.tool_call("patch", {"diff": TWO_HUNKS})
    fake_llm.tool_call("write", {"file_path": "new.txt", "content": "hello\n"})
    fake_llm.tool_call("patch", {"diff": "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"})
    again = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,2 +1,2 @@\n-LINE ONE\n+LINE 1!\n line 2\n"
    fake_llm.tool_call("patch", {"diff": again})
    fake_llm.text("done")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    first = await _turn(editor, session)

    diff = await editor.request("a3s/turn/diff", {"sessionId": session})
    assert diff["turnId"] == first["turnId"]
    files = {f["file"]: f for f in diff["files"]}
    assert list(files) == ["notes.txt", "new.txt", "old.txt"]
    notes = files["notes.txt"]
    assert notes["before"] == "\n".join(LINES) + "\n"  # before the turn's first change, not the second
    assert "-line 1\n+LINE 1!\n" in notes["diff"] and "+LINE TWELVE" in notes["diff"]
    assert (notes["created"], notes["deleted"]) == (False, False)
    assert notes["uri"] == (project / "notes.txt").resolve().as_uri()
    assert files["new.txt"]["created"] and files["new.txt"]["before"] is None
    assert files["old.txt"]["deleted"] and files["old.txt"]["after"] is None
    assert "+++ /dev/null" in files["old.txt"]["diff"]
    assert [r["turnId"] for r in editor.ready] == [first["turnId"]]  # type: ignore[attr-defined]
    assert editor.ready[0]["files"] == diff["files"]  # type: ignore[attr-defined]

    fake_llm.text("nothing to change")
    second = await _turn(editor, session, "anything else?")
    assert (await editor.request("a3s/turn/diff", {"sessionId": session}))["files"] == []
    assert len(editor.ready) == 1  # type: ignore[attr-defined]  # a turn that changed nothing sends none
    again = await editor.request("a3s/turn/diff", {"sessionId": session, "turnId": first["turnId"]})
    assert again["files"] == diff["files"] and second["turnId"] != first["turnId"]


async def test_an_unknown_turn_is_a_clear_error(reviewing_editor: Editor) -> None:
    editor = reviewing_editor
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    with pytest.raises(Exception, match="no turn has run"):
        await editor.request("a3s/turn/diff", {"sessionId": session})
    with pytest.raises(Exception, match="nope"):
        await editor.request("a3s/turn/diff", {"sessionId": session, "turnId": "nope"})
    # the daemon is still there
    assert (await editor.request("a3s/session/list", {}))["sessions"]
