"""An editor's chat shows a turn in order: the confirmation request comes after the streamed text and
the tool line that led to it, although the daemon coalesces text and the loop runs ahead."""

from __future__ import annotations

from pathlib import Path

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import start_editor, stop_editor


async def test_a_confirmation_follows_the_text_and_the_tool_start_before_it(
    project: Path, tmp_path: Path, fake_llm: FakeLLM
) -> None:
    config = tmp_path / "ask.hcl"
    config.write_text(fake_llm.config(extra='permissions {\n  ask = ["bash"]\n}\n'))
    editor = await start_editor("visual-studio-code", project, config)
    try:
        fake_llm.add(Turn.tool_call("bash", {"command": "echo hi"}, text="Let me run it."), Turn.text("ran"))
        session = (await editor.request("a3s/session/create", {}))["sessionId"]
        await editor.request("a3s/session/send", {"sessionId": session, "prompt": "run"})
        (asked,) = editor.confirmations
        before = asked["events_before"]
        assert "text_delta" in before and "tool_start" in before and "confirmation_required" in before, before
        texts = [e["event"]["text"] for e in editor.events if e["event"]["type"] == "text_delta"]
        assert "".join(texts).startswith("Let me run it.")
    finally:
        await stop_editor(editor)
