"""ACP clients see a sub-agent's tool calls as tool calls of the turn; its chatter stays inside."""

from __future__ import annotations

from pathlib import Path

from a3s_code.events import SubagentEvent, TextDelta, ToolStart
from a3s_lsp.acp.convert import event_updates


def test_child_tool_calls_become_tool_call_updates(tmp_path: Path) -> None:
    start = ToolStart(tool_id="toolu_9", tool_name="grep", args={"pattern": "login"})
    updates = event_updates(SubagentEvent(task_id="t", agent="explore", event=start), tmp_path, {})
    assert len(updates) == 1
    assert updates[0].tool_call_id == "toolu_9" and updates[0].title == "grep login"
    chatter = SubagentEvent(task_id="t", agent="explore", event=TextDelta(text="thinking aloud"))
    assert event_updates(chatter, tmp_path, {}) == []
