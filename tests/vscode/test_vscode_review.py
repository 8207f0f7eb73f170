"""Per-hunk review and the turn's multi-file review in a real VS Code (code-server in headless Chromium).

The agent proposes a two-hunk patch of notes.txt; the user allows it from the chat card, unticks the
first hunk in the picker, and only the second lands; the turn also wrote todo.md, and the notification
at the turn's end opens both files in one multi-diff review. Screenshots go to ``$A3S_VSCODE_SHOTS``
(docs/images holds the ones docs/review.md shows).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.fakellm.script import ToolCall
from tests.vscode.tooling import run_in_code_server

LINES = [f"line {n}" for n in range(1, 13)]
PATCH = (
    "--- a/notes.txt\n+++ b/notes.txt\n"
    "@@ -1,3 +1,3 @@\n-line 1\n+LINE ONE\n line 2\n line 3\n"
    "@@ -10,3 +10,3 @@\n line 10\n line 11\n-line 12\n+LINE TWELVE\n"
)


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_user_rejects_one_hunk_and_reviews_the_turn_in_vscode(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    fake_llm_thread.add(
        Turn(items=[ToolCall("patch", {"file_path": "notes.txt", "diff": PATCH})]),
        Turn(items=[ToolCall("write", {"file_path": "todo.md", "content": "- [ ] ship it\n"})]),
        Turn.text("Done: see the review."),
    )
    run = run_in_code_server(
        tmp_path,
        fake_llm_thread,
        "review.js",
        files={"notes.txt": "\n".join(LINES) + "\n"},
        config=fake_llm_thread.config(extra='permissions {\n  ask = ["patch"]\n  allow = ["write"]\n}\n'),
    )
    found, project = run.found, run.project

    assert "apply which hunks of patch" in found["pickerTitle"]
    assert [row.split("\n")[0] for row in found["rows"]] == ["notes.txt:1+1 −1", "notes.txt:9+1 −1"]
    assert found["confirmAnswer"] == ["patch: allowed (1 of 2 hunks)"]
    assert (project / "notes.txt").read_text() == "\n".join([*LINES[:11], "LINE TWELVE"]) + "\n"
    told = json.dumps(fake_llm_thread.requests[1]["messages"][-1])
    assert "applied 1 of 2 hunks" in told and "NOT applied" in told
    assert "2 files (1 new) changed." in found["toast"]
    assert "A3S turn" in found["reviewTab"]
    assert "notes.txt" in found["reviewText"] and "todo.md" in found["reviewText"]
