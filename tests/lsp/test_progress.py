"""A running turn shows as work-done progress in the editor, naming the tool at work."""

from __future__ import annotations

from pathlib import Path

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor


async def test_a_turn_reports_progress_naming_each_tool(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    fake_llm.tool_call("read", {"file_path": "app.py"})
    fake_llm.text("It sets x and y.")
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    result = await editor.request("a3s/session/send", {"sessionId": session, "prompt": "what is in app.py?"})

    reports = editor.client.progress_reports
    assert list(reports) == [f"a3s-turn-{result['turnId']}"], "one progress token per turn"
    (steps,) = reports.values()
    begin, *middle, end = steps
    assert begin.kind == "begin" and "what is in app.py?" in begin.title and begin.cancellable
    assert [s.message for s in middle] == ["Running read", "Thinking"]
    assert end.kind == "end" and end.message == "end_turn"
