"""A sandboxed session over the daemon: its state in the session summary, bash contained and unasked
under sandbox_auto_allow, and a clear error (the daemon living on) where the sandbox cannot run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.engine.sandbox.helpers import needs_bwrap
from tests.fakellm import FakeLLM
from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor

pytestmark = needs_bwrap
SANDBOXED = 'permissions {\n  mode = "sandbox_auto_allow"\n}\nsandbox {\n  memory_mb = 256\n}\n'


@pytest.fixture(params=CLIENTS)
async def sandboxed(
    request: pytest.FixtureRequest, project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> AsyncIterator[Editor]:
    config = tmp_path / "sandboxed.hcl"
    config.write_text(fake_llm.config(extra=SANDBOXED))
    editor = await start_editor(request.param, project, config)
    yield editor
    await stop_editor(editor)


async def test_the_session_summary_shows_the_sandbox_and_bash_runs_in_it_unasked(
    sandboxed: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    created = await sandboxed.request("a3s/session/create", {})
    assert created["sandbox"] == {
        "enabled": True,
        "backend": "bubblewrap",
        "network": False,
        "memoryMb": 256,
        "maxProcesses": 1024,
        "image": None,
        "workspaceMount": "/workspace",
        "timeoutMs": None,
    }
    assert "sandbox" in created["tools"]
    listed = await sandboxed.request("a3s/session/list", {})
    assert listed["sessions"][0]["sandbox"]["enabled"] is True
    fake_llm.tool_call(
        "bash", {"command": "cat /proc/1/comm; echo x > /etc/a3s-lsp-test; echo ok > made.txt"}
    )
    fake_llm.text("done")
    session = created["sessionId"]
    result = await sandboxed.request("a3s/session/send", {"sessionId": session, "prompt": "go"})
    assert result["stopReason"] == "end_turn" and sandboxed.confirmations == []
    (end,) = [e["event"] for e in sandboxed.events if e["event"]["type"] == "tool_end"]
    assert end["output"].startswith("bwrap\n") and "Read-only file system" in end["output"]
    streamed = "".join(e["event"]["delta"] for e in sandboxed.events if e["event"]["type"] == "tool_output")
    assert streamed.startswith("bwrap\n")
    assert (project / "made.txt").read_text() == "ok\n" and not Path("/etc/a3s-lsp-test").exists()


async def test_a_sandbox_that_cannot_run_is_a_clear_error_and_the_daemon_lives_on(
    project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> None:
    config = tmp_path / "broken.hcl"
    config.write_text(fake_llm.config(extra='sandbox {\n  bwrap = "/nonexistent/bwrap"\n}\n'))
    editor = await start_editor(CLIENTS[0], project, config)
    try:
        with pytest.raises(JsonRpcException) as caught:
            await editor.request("a3s/session/create", {})
        assert "bubblewrap not found at /nonexistent/bwrap" in str(caught.value)
        assert "apt-get install bubblewrap" in str(caught.value)
        assert (await editor.request("a3s/session/list", {})) == {"sessions": []}
    finally:
        await stop_editor(editor)
