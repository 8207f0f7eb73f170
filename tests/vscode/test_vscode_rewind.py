"""Rewind in a real VS Code (code-server in headless Chromium) with the packaged extension.

The agent edits the open ``app.py``; "A3S: Rewind to Before a Turn" from the palette offers the turn and
the scope, and the buffer shows the text from before the turn. Screenshots go to ``$A3S_VSCODE_SHOTS``
(``docs/images/vscode-rewind-*.png`` come from here).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.vscode.tooling import run_in_code_server


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_rewind_from_the_palette_puts_the_open_file_back(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Set it."),
    )
    found = run_in_code_server(
        tmp_path,
        fake_llm_thread,
        "e2e_rewind.js",
        files={"app.py": "x = 1\ny = 2\n"},
        config=fake_llm_thread.config(extra='permissions {\n  allow = ["edit(*)"]\n}\n'),
    ).found
    assert found["edited"] and found["restored"]
    assert any(
        "Turn 1: Set y to 3 in app.py" in item and "changed app.py" in item for item in found["turnItems"]
    )
    assert found["scopes"][0] == "Files and conversation"
    assert "Rewound to before turn 1" in found["notification"] and "restored app.py" in found["notification"]
