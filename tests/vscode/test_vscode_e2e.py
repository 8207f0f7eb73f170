"""A real VS Code (code-server in headless Chromium) with the packaged extension, against the fake LLM.

One scenario, the way a user meets it: open a file, start a session from the palette, check the slash
completion, send a prompt in the chat, review the proposed edit in the diff editor and change it, allow it
from the chat card, see the streamed answer (thinking folded, tool card, usage), the status bar, and the
user's version in the editor, saved. Screenshots go to ``$A3S_VSCODE_SHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.fakellm.script import Text, Thinking, ToolCall
from tests.vscode.tooling import run_in_code_server

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
ANSWER = "Done: **y** is now `30`, the value you chose in the review."


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_prompt_in_vscode_is_reviewed_changed_allowed_and_answered(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    slow = threading.Event()  # never set while the test runs: that turn is cancelled from the chat
    fake_llm_thread.add(
        Turn(
            items=[
                Thinking("The user wants y changed; app.py holds it."),
                Text("I'll set `y` to 3."),
                ToolCall("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
            ],
            input_tokens=1200,
            output_tokens=40,
        ),
        Turn.text(ANSWER, input_tokens=1400, output_tokens=30, chunk_delay_s=0.05),
        Turn.text("A red dot."),
        Turn.tool_call("read", {"file_path": "app.py"}, delay_s=6),  # slow: the user steers meanwhile
        Turn.text("Listed the Python files."),
        Turn.text("Too late.", gate=slow),
        Turn.text("It sets `x` and `y`."),
    )
    try:
        run = run_in_code_server(
            tmp_path,
            fake_llm_thread,
            "e2e.js",
            files={"app.py": "x = 1\ny = 2\n"},
            git=True,
            config=fake_llm_thread.config(
                extra='permissions {\n  ask = ["edit"]\n  allow = ["git_worktree"]\n}\n'
            ),
            script_env={"PNG": PNG},
        )
    finally:
        slow.set()
    found, project = run.found, run.project

    assert found["completions"] == ["/cost", "/compact"]
    assert "app.py (proposed, editable)" in found["diffTitle"]
    assert found["card"].startswith('Allow edit(file_path=app.py, old_string="y = 2", new_string="y = 3")?')
    assert found["notification"] == []  # the chat is visible: it asks there, not in a toast too
    assert "1 turn(s)" in found["sessionLabel"]
    assert found["thinking"] == ["Thinking"]
    assert "edit(file_path=app.py" in found["toolCards"][0] and found["toolCards"][0].startswith("done")
    assert "<strong>y</strong>" in found["answerHtml"] and "<code>30</code>" in found["answerHtml"]
    assert found["confirmAnswer"] == ["edit: allowed (with your changes)"]
    assert found["usage"][0].startswith("in 2.6k · out 70")
    assert "claude-sonnet-4-20250514" in found["status"] and "2.7k tok" in found["status"]
    assert "Cost:" in found["cost"] and "Tokens:" in found["cost"]
    assert found["emptyAfterNew"] and found["resumed"].startswith("Resumed session")
    assert "1 turn(s)" in found["resumed"]
    assert "the daemon could not start with `/nonexistent/a3s-lsp" in found["failure"]
    assert "daemon not running" in found["statusDown"]
    assert found["stoppedNotice"].startswith("The daemon stopped: this session is gone.")
    assert found["undone"]  # Ctrl+Z took the agent's edit back (then redo)
    # The user's version is what landed (saved from the editor), and the model was told about it.
    assert (project / "app.py").read_text() == "x = 1\ny = 30\n"
    told = json.dumps(fake_llm_thread.requests[1]["messages"][-1])
    assert "The user changed your proposed edit of app.py" in told and "+y = 30" in told
    explain = fake_llm_thread.requests[6]["messages"][-1]["content"][0]["text"]
    assert explain.startswith("Explain what this code does")
    assert explain.endswith("\napp.py:1-3\n```python\nx = 1\ny = 30\n```")
    assert found["explained"] and found["worktreeCreated"].startswith("A3S: Created worktree")
    assert found["worktreeItems"] == ["feature-x"] and found["worktreeRemoved"].startswith("A3S: Removed")
    assert not (project.parent / "project-feature-x").exists()
    # The dropped image reached the model with its prompt; the slow turn was cancelled from the chat.
    assert "(+1 image)" in found["imagePrompt"] and found["cancelled"]
    # Steer beside Queue while the turn ran; the steer reached the model call after the read, not before.
    assert found["queueLabel"] == "Queue" and found["sendLabel"] == "Send"
    assert found["steered"].endswith("only python files (steer)")
    assert "only python files" not in json.dumps(fake_llm_thread.requests[3]["messages"])
    assert "only python files" in json.dumps(fake_llm_thread.requests[4]["messages"][-1])
    image_turn = fake_llm_thread.requests[2]["messages"][-1]["content"]
    assert {"type": "base64", "media_type": "image/png", "data": PNG} in [
        block.get("source") for block in image_turn
    ]
